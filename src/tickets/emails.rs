//! The emails customers get about their tickets, in the ticket's language: the plain-text
//! templates in `templates/emails/` (compiled in; no HTML escaping) give each email its
//! structure, and every sentence comes from the `emails.ftl` catalogue of that language
//! (`t("key", …)`, dates through `|long_date`). One subject and one body template per email.
//!
//! Each email greets the customer once and is signed once; an agent's reply goes between the
//! greeting and the signature exactly as typed.

use std::sync::LazyLock;

use minijinja::value::Kwargs;
use minijinja::{AutoEscape, Environment, Value, context};
use serde::Serialize;

use crate::i18n::{Language, long_date, template_message};
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
    (
        "resolved_subject.txt",
        include_str!("../../templates/emails/resolved_subject.txt"),
    ),
    (
        "resolved_body.txt",
        include_str!("../../templates/emails/resolved_body.txt"),
    ),
    (
        "lost_links_subject.txt",
        include_str!("../../templates/emails/lost_links_subject.txt"),
    ),
    (
        "lost_links_body.txt",
        include_str!("../../templates/emails/lost_links_body.txt"),
    ),
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut environment = Environment::new();
    environment.set_auto_escape_callback(|_| AutoEscape::None);
    // A body template ends with the newline the email ends with; a line holding only
    // `{% if %}` or `{% endif %}` leaves no empty line behind.
    environment.set_keep_trailing_newline(true);
    environment.set_trim_blocks(true);
    for (name, source) in TEMPLATES {
        if let Err(error) = environment.add_template(name, source) {
            // Templates are compiled in; a broken one is a build defect caught by the tests.
            panic!("email template {name} does not compile: {error:#}");
        }
    }
    environment.add_function("t", translate);
    environment.add_filter("long_date", long_date_filter);
    environment
});

/// The language an email is written in (its `lang` value).
fn email_language(state: &minijinja::State<'_, '_>) -> Language {
    state
        .lookup("lang")
        .and_then(|lang| lang.as_str().and_then(Language::parse))
        .unwrap_or(Language::En)
}

/// `t("key", name=value, …)`: the message in the email's language.
fn translate(
    state: &minijinja::State<'_, '_>,
    key: &str,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    template_message(email_language(state), key, &kwargs)
}

/// `date|long_date`: a `YYYY-MM-DD` date as the email's language writes it.
fn long_date_filter(state: &minijinja::State<'_, '_>, date: &str) -> String {
    long_date(email_language(state), date)
}

/// Which email to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    /// "We received your request", sent when a ticket is filed.
    Confirmation,
    /// An agent's reply to the customer (when the reply resolves the ticket, it also says so
    /// and asks for a rating).
    Reply,
    /// "Your request has been resolved", with the request to rate the support.
    Resolved,
    /// The private links of a customer's requests, sent again on their asking.
    LostLinks,
}

impl EmailKind {
    fn name(self) -> &'static str {
        match self {
            EmailKind::Confirmation => "confirmation",
            EmailKind::Reply => "reply",
            EmailKind::Resolved => "resolved",
            EmailKind::LostLinks => "lost_links",
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

fn render(template: &str, values: &Value) -> Result<String, EmailError> {
    ENVIRONMENT
        .get_template(template)
        .and_then(|t| t.render(values))
        .map_err(|source| EmailError {
            template: template.to_owned(),
            source,
        })
}

/// Writes email `kind` in `language` to `recipient` with `values` (the names its templates
/// use).
pub fn render_email(
    kind: EmailKind,
    language: Language,
    recipient: &str,
    values: &impl Serialize,
) -> Result<OutgoingEmail, EmailError> {
    let values = context! { lang => language, ..Value::from_serialize(values) };
    let subject = render(&format!("{}_subject.txt", kind.name()), &values)?;
    let body = render(&format!("{}_body.txt", kind.name()), &values)?;
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

    fn reply_values(resolved: bool, ask_rating: bool) -> Value {
        context! {
            reference => "AD-000001", subject => "Can't log in", name => "Ann",
            body => "Use <Settings> & retry.", agent_name => "Bob", site_name => "Help",
            status_link => "https://help.example.com/tickets/abc",
            rating_link => "https://help.example.com/tickets/abc#rating-title",
            resolved, ask_rating,
        }
    }

    #[test]
    fn a_reply_email_greets_once_keeps_the_text_as_typed_and_signs_once() {
        let email = render_email(
            EmailKind::Reply,
            Language::En,
            "ann@example.com",
            &reply_values(false, true),
        )
        .expect("rendered");
        assert_eq!(email.subject, "[AD-000001] Re: Can't log in");
        assert_eq!(
            email.body,
            "Hello Ann,\n\nUse <Settings> & retry.\n\nKind regards,\nBob\nHelp\n\n\
             Reply or follow your request AD-000001 here:\nhttps://help.example.com/tickets/abc\n"
        );
    }

    #[test]
    fn a_reply_that_resolves_the_ticket_says_so_and_asks_for_a_rating_once() {
        let email = render_email(
            EmailKind::Reply,
            Language::En,
            "ann@example.com",
            &reply_values(true, true),
        )
        .expect("rendered");
        assert_eq!(
            email.body,
            "Hello Ann,\n\nUse <Settings> & retry.\n\nKind regards,\nBob\nHelp\n\n\
             We have marked your request AD-000001 as resolved. If something is still not \
             right, reply on your request's page and it will reopen:\n\
             https://help.example.com/tickets/abc\n\n\
             How did we do? Rate our support in one click:\n\
             https://help.example.com/tickets/abc#rating-title\n"
        );
        let rated = render_email(
            EmailKind::Reply,
            Language::En,
            "ann@example.com",
            &reply_values(true, false),
        )
        .expect("rendered");
        assert!(!rated.body.contains("How did we do?"), "{}", rated.body);
        assert!(rated.body.ends_with("/tickets/abc\n"), "{}", rated.body);
    }

    #[test]
    fn the_resolved_email_dates_the_resolution_in_the_tickets_language() {
        let values = context! {
            reference => "AD-000002", subject => "Экспорт", name => "Ольга",
            site_name => "Help", resolved_on => "2026-10-14", ask_rating => true,
            status_link => "https://help.example.com/tickets/abc",
            rating_link => "https://help.example.com/tickets/abc#rating-title",
        };
        let email = render_email(
            EmailKind::Resolved,
            Language::Ru,
            "olga@example.com",
            &values,
        )
        .expect("rendered");
        assert_eq!(email.subject, "[AD-000002] Ваше обращение решено: Экспорт");
        assert_eq!(
            email.body,
            "Здравствуйте, Ольга!\n\n14 октября 2026 г. мы отметили Ваше обращение AD-000002 \
             как решённое.\n\nЕсли что-то по-прежнему не так, ответьте на странице обращения, \
             и оно снова откроется:\nhttps://help.example.com/tickets/abc\n\nКак мы справились? \
             Оцените, пожалуйста, нашу поддержку — это займёт всего один клик:\n\
             https://help.example.com/tickets/abc#rating-title\n\nС уважением,\nКоманда Help\n"
        );
    }

    #[test]
    fn every_email_renders_in_every_language_without_a_missing_message() {
        let values = context! {
            reference => "AD-000003", subject => "S", name => "N", body => "B",
            agent_name => "A", site_name => "Help", description => "D",
            filed_on => "2026-10-14", resolved_on => "2026-10-14",
            status_link => "https://help.example.com/tickets/abc",
            rating_link => "https://help.example.com/tickets/abc#rating-title",
            resolved => true, ask_rating => true,
        };
        for language in Language::ALL {
            for kind in [
                EmailKind::Confirmation,
                EmailKind::Reply,
                EmailKind::Resolved,
            ] {
                let email =
                    render_email(kind, language, "n@example.com", &values).expect("rendered");
                for text in [&email.subject, &email.body] {
                    assert!(!text.contains('⟦'), "{language} {kind:?}: {text}");
                    assert!(!text.contains('{'), "{language} {kind:?}: {text}");
                    // A date ending with an abbreviation ("14 d.") must not end a sentence.
                    assert!(!text.contains(".."), "{language} {kind:?}: {text}");
                }
                assert!(email.body.contains("2026") || kind == EmailKind::Reply);
                assert!(email.subject.starts_with("[AD-000003] "));
            }
        }
    }
}
