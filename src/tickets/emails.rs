//! The emails customers get about their tickets, rendered from the plain-text templates in
//! `templates/emails/` (compiled in; no HTML escaping): one subject and one body template per
//! email, so their wording lives in one place a later translation can replace.

use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use crate::storage::OutgoingEmail;

/// Every email template, by name.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "confirmation_subject.txt",
        include_str!("../../templates/emails/confirmation_subject.txt"),
    ),
    (
        "confirmation_body.txt",
        include_str!("../../templates/emails/confirmation_body.txt"),
    ),
    (
        "reply_subject.txt",
        include_str!("../../templates/emails/reply_subject.txt"),
    ),
    (
        "reply_body.txt",
        include_str!("../../templates/emails/reply_body.txt"),
    ),
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut environment = Environment::new();
    environment.set_auto_escape_callback(|_| AutoEscape::None);
    // A body template ends with the newline the email ends with.
    environment.set_keep_trailing_newline(true);
    for (name, source) in TEMPLATES {
        if let Err(error) = environment.add_template(name, source) {
            // Templates are compiled in; a broken one is a build defect caught by the tests.
            panic!("email template {name} does not compile: {error:#}");
        }
    }
    environment
});

/// Which email to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    /// "We received your request", sent when a ticket is filed.
    Confirmation,
    /// An agent's reply to the customer.
    Reply,
}

impl EmailKind {
    fn name(self) -> &'static str {
        match self {
            EmailKind::Confirmation => "confirmation",
            EmailKind::Reply => "reply",
        }
    }
}

/// Why an email could not be written (a template defect).
#[derive(Debug, thiserror::Error)]
#[error("email template {template}: {source}")]
pub struct EmailError {
    template: String,
    source: minijinja::Error,
}

fn render(template: &str, values: &impl Serialize) -> Result<String, EmailError> {
    ENVIRONMENT
        .get_template(template)
        .and_then(|t| t.render(values))
        .map_err(|source| EmailError {
            template: template.to_owned(),
            source,
        })
}

/// Writes email `kind` to `recipient` with `values` (the names its templates use).
pub fn render_email(
    kind: EmailKind,
    recipient: &str,
    values: &impl Serialize,
) -> Result<OutgoingEmail, EmailError> {
    let subject = render(&format!("{}_subject.txt", kind.name()), values)?;
    let body = render(&format!("{}_body.txt", kind.name()), values)?;
    Ok(OutgoingEmail {
        recipient: recipient.to_owned(),
        // The subject template's line ends with a newline; the subject does not.
        subject: subject.strip_suffix('\n').unwrap_or(&subject).to_owned(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_email_keeps_the_text_as_typed_without_html_escaping() {
        let email = render_email(
            EmailKind::Reply,
            "ann@example.com",
            &minijinja::context! {
                reference => "AD-000001", subject => "Can't log in", name => "Ann",
                body => "Use <Settings> & retry.", agent_name => "Bob", site_name => "Help",
                status_link => "https://help.example.com/tickets/abc",
            },
        )
        .expect("rendered");
        assert_eq!(email.subject, "[AD-000001] Re: Can't log in");
        assert_eq!(
            email.body,
            "Hello Ann,\n\nUse <Settings> & retry.\n\nBob\nHelp\n\nReply or follow your request \
             AD-000001 here:\nhttps://help.example.com/tickets/abc\n"
        );
    }
}
