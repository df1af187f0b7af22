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

    /// The fields cut to the lengths a ticket may hold, so a form refused for an oversized
    /// field still keeps (the start of) everything in the stored draft.
    pub fn clipped_to_ticket_limits(&self) -> DraftFields {
        use crate::tickets::filing::{
            MAX_CATEGORY_CHARS, MAX_DESCRIPTION_CHARS, MAX_EMAIL_CHARS, MAX_NAME_CHARS,
            MAX_SUBJECT_CHARS,
        };
        let clip = |text: &str, max: usize| text.chars().take(max).collect::<String>();
        DraftFields {
            name: clip(&self.name, MAX_NAME_CHARS),
            email: clip(&self.email, MAX_EMAIL_CHARS),
            subject: clip(&self.subject, MAX_SUBJECT_CHARS),
            description: clip(&self.description, MAX_DESCRIPTION_CHARS),
            category: clip(&self.category, MAX_CATEGORY_CHARS),
        }
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
    /// Where the customer is writing it.
    pub channel: super::Channel,
}
