//! Ticket deflection: the request flow (where a deflection is decided), request drafts,
//! self-service events, and the figures built from them.
//!
//! Knows nothing of HTTP. [`request_flow`] holds every decision between the first words of a
//! request and a deflection or a ticket; each channel only turns its outcomes into a response. Every figure the dashboard, `answerdesk stats` and the stats API
//! show comes from [`stats::deflection_figures`]: one definition, several views.

pub mod channel;
pub mod content_gaps;
pub mod drafts;
pub mod events;
pub mod learning;
pub mod learning_job;
pub mod learning_limits;
pub mod request_flow;
pub mod stats;

pub use channel::Channel;
pub use drafts::{DraftFields, DraftState, RequestDraft};
pub use events::{Event, EventKind, EventQueueReport, EventRecorder, EventWriterTask, ViewSource};
pub use request_flow::{
    OpenedDraft, RequestFlow, RequestFlowError, Requester, Review, SolvedOutcome, Submission,
    SubmitOutcome, SubmittedFiles,
};
pub use stats::{
    DashboardFilter, DeflectionFigures, EventSource, SearchCount, deflection_figures,
    deflection_figures_from,
};
