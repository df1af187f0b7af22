//! "I lost the link to my request": a customer gives the email address they filed with and
//! receives one email listing the private links of their requests that are not closed.
//!
//! The page answers the same whether or not the address has requests, so it tells nobody
//! who has filed. Sending is limited per recipient (nobody can fill someone's inbox through
//! this page) on top of the per-address limit the HTTP layer applies.

use serde::Serialize;

use super::emails::{EmailError, EmailKind, render_email};
use super::filing::reference_of;
use crate::i18n::Language;
use crate::limits::AttemptLimit;
use crate::storage::{Database, StorageError};

/// The most requests one email lists (the newest).
pub const MAX_LISTED_REQUESTS: i64 = 20;

/// What the customer typed is not an email address.
#[derive(Debug, thiserror::Error)]
pub enum LostLinksError {
    /// A catalogue key naming what is wrong with the address.
    #[error("{0}")]
    InvalidAddress(&'static str),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Email(#[from] EmailError),
}

/// What happened; the customer is told the same in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostLinksOutcome {
    /// One email with the links is queued.
    Sent { requests: usize },
    /// The address has no request that is not closed: nothing is sent.
    NothingToSend,
    /// The address had its links sent too often lately: nothing more is sent for now.
    RecipientLimited,
}

/// Where the email's links point and who signs it.
pub struct LinkContext<'a> {
    pub base_url: &'a str,
    pub site_name: &'a str,
}

#[derive(Serialize)]
struct ListedRequest {
    reference: String,
    subject: String,
    status_link: String,
}

/// The address as people type it, checked as the request form checks it.
pub fn parse_address(typed: &str) -> Result<String, LostLinksError> {
    let address = typed.trim();
    if address.is_empty() {
        return Err(LostLinksError::InvalidAddress("error-email-missing"));
    }
    if address.len() > 254
        || !email_address::EmailAddress::is_valid(address)
        || !address.contains('.')
    {
        return Err(LostLinksError::InvalidAddress("error-email-invalid"));
    }
    Ok(address.to_lowercase())
}

/// Queues the email listing the links of the requests from `address` (already parsed),
/// written in `language`, unless the recipient limit says no.
pub async fn send_lost_links(
    db: &Database,
    per_recipient: Option<&AttemptLimit>,
    address: &str,
    language: Language,
    links: &LinkContext<'_>,
) -> Result<LostLinksOutcome, LostLinksError> {
    let requests = db
        .requests_not_closed_from(address, MAX_LISTED_REQUESTS)
        .await?;
    let Some(newest) = requests.first() else {
        return Ok(LostLinksOutcome::NothingToSend);
    };
    if let Some(limit) = per_recipient
        && !limit
            .allow(&crate::limits::LimitKey::new(&["recipient", address]))
            .await?
    {
        return Ok(LostLinksOutcome::RecipientLimited);
    }
    let listed: Vec<ListedRequest> = requests
        .iter()
        .map(|request| ListedRequest {
            reference: reference_of(request.id),
            subject: request.subject.clone(),
            status_link: format!("{}/tickets/{}", links.base_url, request.status_token),
        })
        .collect();
    let email = render_email(
        EmailKind::LostLinks,
        language,
        address,
        &minijinja::context! {
            name => newest.name, site_name => links.site_name, requests => listed,
        },
    )?;
    db.queue_email(&email).await?;
    Ok(LostLinksOutcome::Sent {
        requests: requests.len(),
    })
}
