//! Canned responses: saved replies whose placeholders (`{{customer_name}}`, …) are filled
//! for the ticket at hand when an agent inserts one. A response has a default text and may
//! have a variant per language; inserting it on a ticket takes the variant in the ticket's
//! language when there is one.
//!
//! The email around a reply greets the customer and signs with the agent's name, so a canned
//! response holds only the answer: no "Hello …", no signature.

use std::collections::HashMap;

use serde::Serialize;

use super::Ticket;
use crate::accounts::{StaffUser, record_audit};
use crate::i18n::Language;
use crate::storage::{CannedResponse, CannedVariant, Database, StorageError};

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

/// A canned response with its variants, in the order of [`Language::ALL`].
#[derive(Clone, Debug, Serialize)]
pub struct CannedEntry {
    pub response: CannedResponse,
    pub variants: Vec<CannedVariant>,
}

impl CannedEntry {
    /// The languages without a variant yet.
    pub fn missing_languages(&self) -> Vec<Language> {
        Language::ALL
            .into_iter()
            .filter(|language| !self.variants.iter().any(|v| v.lang == *language))
            .collect()
    }
}

/// A canned response filled in for one ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FilledCanned {
    pub title: String,
    pub body: String,
    /// The variant used; `None` for the default text.
    pub lang: Option<Language>,
}

fn checked_body(body: &str) -> Result<String, CannedError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(CannedError::InvalidBody);
    }
    Ok(body.to_owned())
}

fn checked(title: &str, body: &str) -> Result<(String, String), CannedError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(CannedError::InvalidTitle);
    }
    Ok((title.to_owned(), checked_body(body)?))
}

/// Every canned response by title, each with its variants.
pub async fn canned_library(db: &Database) -> Result<Vec<CannedEntry>, StorageError> {
    let (responses, variants) = tokio::try_join!(db.canned_responses(), db.canned_variants())?;
    let mut by_response: HashMap<i64, Vec<CannedVariant>> = HashMap::new();
    for variant in variants {
        by_response
            .entry(variant.canned_id)
            .or_default()
            .push(variant);
    }
    Ok(responses
        .into_iter()
        .map(|response| CannedEntry {
            variants: by_response.remove(&response.id).unwrap_or_default(),
            response,
        })
        .collect())
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

/// Changes a canned response's title and default text.
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

/// Deletes a canned response and its variants (replies already sent keep their text).
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

/// Adds the variant of canned response `id` in `lang`, or replaces its text.
pub async fn save_canned_variant(
    db: &Database,
    agent: &StaffUser,
    id: i64,
    lang: Language,
    body: &str,
) -> Result<(), CannedError> {
    let body = checked_body(body)?;
    let existing = db
        .find_canned_response(id)
        .await?
        .ok_or(CannedError::NotFound)?;
    db.save_canned_variant(id, lang, &body).await?;
    record_audit(
        db,
        Some(agent),
        "canned.variant.save",
        &existing.title,
        lang.code(),
    )
    .await?;
    Ok(())
}

/// Removes the variant of canned response `id` in `lang`; the default text is inserted on
/// tickets in that language again.
pub async fn delete_canned_variant(
    db: &Database,
    agent: &StaffUser,
    id: i64,
    lang: Language,
) -> Result<(), CannedError> {
    let existing = db
        .find_canned_response(id)
        .await?
        .ok_or(CannedError::NotFound)?;
    if !db.delete_canned_variant(id, lang).await? {
        return Err(CannedError::NotFound);
    }
    record_audit(
        db,
        Some(agent),
        "canned.variant.delete",
        &existing.title,
        lang.code(),
    )
    .await?;
    Ok(())
}

/// Canned response `id` as `agent` inserts it on `ticket`: the variant in the language the
/// customer is written to (the ticket's) when there is one, else the default text, with
/// every placeholder filled.
pub async fn canned_reply(
    db: &Database,
    id: i64,
    ticket: &Ticket,
    agent: &StaffUser,
    links: &ReplyLinks,
) -> Result<FilledCanned, CannedError> {
    let response = db
        .find_canned_response(id)
        .await?
        .ok_or(CannedError::NotFound)?;
    let variant = db
        .find_canned_variant(id, links.language_of(ticket))
        .await?;
    let (text, lang) = match &variant {
        Some(variant) => (variant.body.as_str(), Some(variant.lang)),
        None => (response.body.as_str(), None),
    };
    Ok(FilledCanned {
        body: fill_placeholders(text, ticket, agent, links),
        title: response.title,
        lang,
    })
}

/// `text` with every placeholder filled for `ticket`, written by `agent`. Unknown `{{…}}` are
/// left as they are, so a typo is visible before sending.
pub fn fill_placeholders(
    text: &str,
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
    let mut filled = String::with_capacity(text.len());
    let mut rest = text;
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
