//! Request drafts: what a customer has typed into the request form, kept server-side.

use serde::Serialize;

/// Where a draft stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DraftState {
    /// Still being written.
    Open,
    /// The customer said an article solved the problem.
    Deflected,
    /// Filed as a ticket.
    Submitted,
    /// Left unsubmitted after opening a suggestion.
    Abandoned,
}

impl DraftState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DraftState::Open => "open",
            DraftState::Deflected => "deflected",
            DraftState::Submitted => "submitted",
            DraftState::Abandoned => "abandoned",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(value: &str) -> Option<DraftState> {
        match value {
            "open" => Some(DraftState::Open),
            "deflected" => Some(DraftState::Deflected),
            "submitted" => Some(DraftState::Submitted),
            "abandoned" => Some(DraftState::Abandoned),
            _ => None,
        }
    }
}

/// The public form fields of a support request, exactly as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DraftFields {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub description: String,
    pub category: String,
}

impl DraftFields {
    /// Whether the customer has typed anything at all.
    pub fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.email,
            &self.subject,
            &self.description,
            &self.category,
        ]
        .iter()
        .all(|field| field.trim().is_empty())
    }

    /// The text suggestions are matched against: subject, then description.
    pub fn suggestion_text(&self) -> String {
        format!("{}\n{}", self.subject.trim(), self.description.trim())
            .trim()
            .to_owned()
    }
}

/// A stored draft.
#[derive(Clone, Debug, Serialize)]
pub struct RequestDraft {
    pub id: String,
    pub fields: DraftFields,
    pub lang: String,
    pub state: DraftState,
    /// Articles suggested so far (on the form or the review step), in order first shown.
    pub suggested_articles: Vec<String>,
    /// Articles the customer opened from a suggestion.
    pub opened_articles: Vec<String>,
    /// The ticket filed from this draft.
    pub ticket_id: Option<i64>,
}

/// Saves what the customer has typed; the first time the draft holds any text, the request
/// counts as started.
pub async fn save_draft(
    db: &crate::storage::Database,
    events: &super::EventRecorder,
    id: &str,
    fields: &DraftFields,
    lang: &str,
    visitor_id: &str,
) -> Result<(), crate::storage::StorageError> {
    if db.save_draft_fields(id, fields, lang).await? {
        events.record(
            super::Event::RequestStarted {
                draft_id: id.to_owned(),
            },
            Some(visitor_id),
        );
    }
    Ok(())
}

/// A new unguessable draft id (128 random bits, URL-safe).
pub fn new_draft_id() -> String {
    crate::tokens::random_token(16)
}

/// A request left alone this long after opening a suggestion counts as abandoned.
pub const ABANDONED_AFTER_MILLIS: i64 = 30 * 60 * 1000;

/// Marks requests abandoned after opening a suggestion and records each as an implicit
/// deflection; returns how many.
pub async fn record_abandoned_requests(
    db: &crate::storage::Database,
    events: &super::EventRecorder,
) -> Result<usize, crate::storage::StorageError> {
    let idle_before = crate::storage::now_millis() - ABANDONED_AFTER_MILLIS;
    let ids = db.abandon_idle_drafts(idle_before).await?;
    for draft_id in &ids {
        events.record(
            super::Event::RequestAbandoned {
                draft_id: draft_id.clone(),
            },
            None,
        );
    }
    Ok(ids.len())
}
