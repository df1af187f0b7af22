//! Canned responses: saved replies whose placeholders (`{{customer_name}}`, …) are filled
//! for the ticket at hand when an agent inserts one.

use super::Ticket;
use crate::accounts::{StaffUser, record_audit};
use crate::storage::{CannedResponse, Database, StorageError};

use super::agent_work::{ReplyLinks, display_name};
use super::filing::{MAX_DESCRIPTION_CHARS, reference_of};

/// The longest title accepted.
pub const MAX_TITLE_CHARS: usize = 200;

/// The placeholders a canned response may use, with what each becomes.
pub const PLACEHOLDERS: [(&str, &str); 7] = [
    ("{{customer_name}}", "the customer's name"),
    ("{{customer_email}}", "the customer's email"),
    ("{{ticket_reference}}", "the reference, e.g. AD-000123"),
    ("{{ticket_subject}}", "the ticket's subject"),
    ("{{agent_name}}", "your name"),
    ("{{status_link}}", "the customer's private status link"),
    ("{{site_name}}", "the help centre's name"),
];

/// Why a canned response was refused.
#[derive(Debug, thiserror::Error)]
pub enum CannedError {
    #[error("Please give the response a title (up to {MAX_TITLE_CHARS} characters).")]
    InvalidTitle,
    #[error("Please write the response text (up to {MAX_DESCRIPTION_CHARS} characters).")]
    InvalidBody,
    #[error("This canned response does not exist.")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn checked(title: &str, body: &str) -> Result<(String, String), CannedError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(CannedError::InvalidTitle);
    }
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(CannedError::InvalidBody);
    }
    Ok((title.to_owned(), body.to_owned()))
}

/// Saves a new canned response; returns its id.
pub async fn create_canned_response(
    db: &Database,
    agent: &StaffUser,
    title: &str,
    body: &str,
) -> Result<i64, CannedError> {
    let (title, body) = checked(title, body)?;
    let id = db.insert_canned_response(&title, &body, agent.id).await?;
    record_audit(db, Some(agent), "canned.create", &title, "").await?;
    Ok(id)
}

/// Changes a canned response.
pub async fn update_canned_response(
    db: &Database,
    agent: &StaffUser,
    id: i64,
    title: &str,
    body: &str,
) -> Result<(), CannedError> {
    let (title, body) = checked(title, body)?;
    if !db.update_canned_response(id, &title, &body).await? {
        return Err(CannedError::NotFound);
    }
    record_audit(db, Some(agent), "canned.update", &title, "").await?;
    Ok(())
}

/// Deletes a canned response (replies already sent keep their text).
pub async fn delete_canned_response(
    db: &Database,
    agent: &StaffUser,
    id: i64,
) -> Result<(), CannedError> {
    let existing = db
        .find_canned_response(id)
        .await?
        .ok_or(CannedError::NotFound)?;
    db.delete_canned_response(id).await?;
    record_audit(db, Some(agent), "canned.delete", &existing.title, "").await?;
    Ok(())
}

/// The text of `response` with every placeholder filled for `ticket`, written by `agent`.
/// Unknown `{{…}}` are left as they are, so a typo is visible before sending.
pub fn fill_placeholders(
    response: &CannedResponse,
    ticket: &Ticket,
    agent: &StaffUser,
    links: &ReplyLinks,
) -> String {
    let values = [
        ("{{customer_name}}", ticket.name.clone()),
        ("{{customer_email}}", ticket.email.clone()),
        ("{{ticket_reference}}", reference_of(ticket.id)),
        ("{{ticket_subject}}", ticket.subject.clone()),
        ("{{agent_name}}", display_name(agent).to_owned()),
        ("{{status_link}}", links.status_link(ticket)),
        ("{{site_name}}", links.site_name.clone()),
    ];
    // One pass over the text, so a value that itself contains `{{…}}` is never expanded.
    let mut filled = String::with_capacity(response.body.len());
    let mut rest = response.body.as_str();
    while let Some(start) = rest.find("{{") {
        filled.push_str(&rest[..start]);
        let candidate = &rest[start..];
        match values.iter().find(|(name, _)| candidate.starts_with(name)) {
            Some((name, value)) => {
                filled.push_str(value);
                rest = &candidate[name.len()..];
            }
            None => {
                filled.push_str("{{");
                rest = &candidate[2..];
            }
        }
    }
    filled.push_str(rest);
    filled
}
