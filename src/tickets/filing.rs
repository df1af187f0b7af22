//! Filing a ticket: validate what the customer typed, let the rules decide tags and
//! priority, start the SLA clock, and store it durably before anyone is told it worked.

use std::collections::BTreeMap;

use serde::Serialize;

use super::emails::{EmailError, EmailKind, render_email};
use super::ticket::{Ticket, filed_line, next_sla_due};
use super::{SlaPolicy, TicketFacts, TicketPriority, TicketReference, TicketRules, TicketStatus};
use crate::attachments::NewAttachment;
use crate::i18n::Language;
use crate::storage::{Database, NewTicket, OutgoingEmail, StorageError, now_millis};

/// The longest subject accepted.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest description accepted.
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// The longest name accepted.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest email accepted (no longer address can be delivered).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest category slug accepted.
pub const MAX_CATEGORY_CHARS: usize = 100;

/// What the customer typed, before validation.
#[derive(Clone, Debug, Default)]
pub struct TicketRequest {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub description: String,
    pub category: String,
}

pub use crate::field_errors::FieldErrors;

/// A request whose fields are known to be valid.
#[derive(Clone, Debug)]
pub struct ValidTicketRequest {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub description: String,
    pub category: String,
}

impl TicketRequest {
    /// Fields longer than a ticket may hold, as typed (before trimming): the one place these
    /// limits are checked, for filing and for every draft saved on the way.
    pub fn length_errors(&self) -> BTreeMap<&'static str, String> {
        let mut errors = BTreeMap::new();
        let too_long = |text: &str, max: usize| text.chars().count() > max;
        if too_long(&self.email, MAX_EMAIL_CHARS) {
            errors.insert("email", "error-email-invalid".to_owned());
        }
        if too_long(&self.subject, MAX_SUBJECT_CHARS) {
            errors.insert("subject", "error-subject-too-long".to_owned());
        }
        if too_long(&self.description, MAX_DESCRIPTION_CHARS) {
            errors.insert("description", "error-description-too-long".to_owned());
        }
        if too_long(&self.name, MAX_NAME_CHARS) {
            errors.insert("name", "error-name-too-long".to_owned());
        }
        if too_long(&self.category, MAX_CATEGORY_CHARS) {
            errors.insert("category", "error-category-unknown".to_owned());
        }
        errors
    }

    /// Checks every field at once, so the customer sees all problems together.
    pub fn validate(&self) -> Result<ValidTicketRequest, FieldErrors> {
        // Each problem is a message key of the customer catalogues (`locales/*/portal.ftl`), shown
        // in the customer's language by the channel.
        let mut errors = self.length_errors();
        let email = self.email.trim();
        if email.is_empty() {
            errors.insert("email", "error-email-missing".to_owned());
        } else if !errors.contains_key("email")
            && (!email_address::EmailAddress::is_valid(email) || !email.contains('.'))
        {
            errors.insert("email", "error-email-invalid".to_owned());
        }
        let subject = self.subject.trim();
        if subject.is_empty() {
            errors.insert("subject", "error-subject-missing".to_owned());
        }
        let description = self.description.trim();
        if description.is_empty() {
            errors.insert("description", "error-description-missing".to_owned());
        }
        if !errors.is_empty() {
            return Err(FieldErrors(errors));
        }
        let name = match self.name.trim() {
            "" => email.split('@').next().unwrap_or(email).to_owned(),
            name => name.to_owned(),
        };
        Ok(ValidTicketRequest {
            name,
            email: email.to_owned(),
            subject: subject.to_owned(),
            description: description.to_owned(),
            category: self.category.trim().to_owned(),
        })
    }
}

/// Where a ticket comes from and what self-service was tried first.
#[derive(Clone, Debug, Default)]
pub struct FilingContext {
    /// The request draft, which makes filing idempotent.
    pub draft_id: Option<String>,
    pub lang: String,
    pub channel: crate::deflection::Channel,
    pub suggested_articles: Vec<String>,
    pub opened_articles: Vec<String>,
    /// The portal's public URL, for the status link in the confirmation email.
    pub base_url: String,
    pub site_name: String,
    /// Files for the first message, kept in the file store already, besides those waiting
    /// in the draft (a channel without drafts sends them here).
    pub files: Vec<NewAttachment>,
}

/// A filed ticket, as the customer is told about it.
#[derive(Clone, Debug, Serialize)]
pub struct FiledTicket {
    pub id: i64,
    pub reference: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub tags: Vec<String>,
    /// The private status link's token.
    pub status_token: String,
    /// False when this draft had been filed already (a double-clicked submit).
    pub newly_filed: bool,
}

/// Why filing failed.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error("stored ticket is invalid: {0}")]
    Corrupt(String),
}

/// Files a ticket: rules decide tags and priority, the SLA policy the due times; stored in
/// one transaction with the confirmation email before this returns.
pub async fn file_ticket(
    db: &Database,
    rules: &TicketRules,
    sla: &SlaPolicy,
    request: &ValidTicketRequest,
    context: &FilingContext,
) -> Result<FiledTicket, TicketError> {
    let outcome = rules.apply(&TicketFacts {
        subject: &request.subject,
        description: &request.description,
        category: (!request.category.is_empty()).then_some(request.category.as_str()),
        email: &request.email,
    });
    let created_at = now_millis();
    let created = jiff::Timestamp::from_millisecond(created_at)
        .map_err(|e| TicketError::Corrupt(e.to_string()))?;
    let due = sla.due_times(outcome.priority, created);
    let status_token = crate::tokens::random_token(24);
    let status = TicketStatus::New;
    let first_response_due = due.first_response_due.as_millisecond();
    let resolution_due = due.resolution_due.as_millisecond();
    let new_ticket = NewTicket {
        draft_id: context.draft_id.clone(),
        status_token: status_token.clone(),
        name: request.name.clone(),
        email: request.email.clone(),
        subject: request.subject.clone(),
        description: request.description.clone(),
        category: request.category.clone(),
        lang: context.lang.clone(),
        tags: outcome.tags.clone(),
        matched_rules: outcome.matched_rules.clone(),
        priority: outcome.priority,
        status,
        channel: context.channel,
        first_response_due,
        resolution_due,
        sla_due_at: next_sla_due(status, None, first_response_due, resolution_due),
        suggested_articles: context.suggested_articles.clone(),
        opened_articles: context.opened_articles.clone(),
        history: filed_line(
            context.channel,
            outcome.priority,
            &outcome.tags,
            &outcome.matched_rules,
        ),
        created_at,
    };
    let (stored, newly_filed) = db
        .insert_ticket_with_files(&new_ticket, &context.files, |id| {
            confirmation_email(id, created_at, request, &status_token, context)
        })
        .await?;
    filed_ticket(&stored, newly_filed)
}

/// The customer's view of a stored ticket.
pub fn filed_ticket(stored: &Ticket, newly_filed: bool) -> Result<FiledTicket, TicketError> {
    Ok(FiledTicket {
        id: stored.id,
        reference: reference_of(stored.id),
        status: stored.status,
        priority: stored.priority,
        tags: stored.tags.clone(),
        status_token: stored.status_token.clone(),
        newly_filed,
    })
}

/// The readable reference of a ticket id, e.g. `AD-000123`.
pub fn reference_of(id: i64) -> String {
    TicketReference::new(u64::try_from(id).unwrap_or_default()).to_string()
}

/// The confirmation, in the language the request was written in.
fn confirmation_email(
    id: i64,
    created_at: i64,
    request: &ValidTicketRequest,
    token: &str,
    context: &FilingContext,
) -> Result<OutgoingEmail, TicketError> {
    let values = minijinja::context! {
        reference => reference_of(id),
        subject => &request.subject,
        name => &request.name,
        site_name => &context.site_name,
        status_link => format!("{}/tickets/{token}", context.base_url),
        filed_on => crate::display::date(created_at),
        description => &request.description,
    };
    let language = Language::parse(&context.lang).unwrap_or(Language::En);
    Ok(render_email(
        EmailKind::Confirmation,
        language,
        &request.email,
        &values,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> TicketRequest {
        TicketRequest {
            name: "Ann".into(),
            email: "ann@example.com".into(),
            subject: "Can't log in".into(),
            description: "It says wrong password.".into(),
            category: String::new(),
        }
    }

    #[test]
    fn a_complete_request_is_valid() {
        assert!(request().validate().is_ok());
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let invalid = TicketRequest {
            email: "not-an-email".into(),
            subject: "x".repeat(201),
            description: "   ".into(),
            ..request()
        };
        let errors = invalid.validate().unwrap_err();
        assert!(errors.0.contains_key("email"));
        assert!(errors.0.contains_key("subject"));
        assert!(errors.0.contains_key("description"));
    }

    #[test]
    fn a_description_over_the_limit_is_rejected() {
        let long = TicketRequest {
            description: "a".repeat(MAX_DESCRIPTION_CHARS + 1),
            ..request()
        };
        assert!(long.validate().unwrap_err().0.contains_key("description"));
    }

    #[test]
    fn the_confirmation_email_names_the_reference_date_link_and_message() {
        let valid = request().validate().expect("valid");
        let context = FilingContext {
            base_url: "https://help.example.com".into(),
            site_name: "Example Help".into(),
            lang: "en".into(),
            ..FilingContext::default()
        };
        // 14 October 2026, 09:30 UTC.
        let filed_at = 1_791_970_200_000;
        let email = confirmation_email(7, filed_at, &valid, "abc", &context).expect("rendered");
        assert_eq!(email.recipient, "ann@example.com");
        assert_eq!(
            email.subject,
            "[AD-000007] We received your request: Can't log in"
        );
        assert_eq!(
            email.body,
            "Hello Ann,\n\nThank you for contacting Example Help. We received your request \
             AD-000007 on 14 October 2026, and our team will get back to you.\n\nFollow its \
             status or add information here:\nhttps://help.example.com/tickets/abc\n\n\
             Kind regards,\nThe Example Help team\n\nYour message:\n\nIt says wrong password.\n"
        );
    }

    #[test]
    fn the_confirmation_email_is_written_in_the_requests_language() {
        let valid = request().validate().expect("valid");
        let context = FilingContext {
            base_url: "https://help.example.com".into(),
            site_name: "Example Help".into(),
            lang: "lv".into(),
            ..FilingContext::default()
        };
        let email =
            confirmation_email(7, 1_791_970_200_000, &valid, "abc", &context).expect("rendered");
        assert_eq!(
            email.subject,
            "[AD-000007] Jūsu pieprasījums ir saņemts: Can't log in"
        );
        assert!(email.body.starts_with("Labdien, Ann!\n"), "{}", email.body);
        assert!(
            email.body.contains("saņēmām 2026. gada 14. oktobrī"),
            "{}",
            email.body
        );
    }

    #[test]
    fn a_missing_name_falls_back_to_the_email() {
        let nameless = TicketRequest {
            name: String::new(),
            ..request()
        };
        assert_eq!(nameless.validate().expect("valid").name, "ann");
    }
}
