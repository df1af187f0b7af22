//! Ticket deflection: request drafts, self-service events, and the figures built from them.
//!
//! Knows nothing of HTTP. Every figure the dashboard, `answerdesk stats` and the stats API
//! show comes from [`stats::deflection_figures`]: one definition, several views.

pub mod channel;
pub mod content_gaps;
pub mod drafts;
pub mod events;
pub mod stats;

pub use channel::Channel;
pub use drafts::{DraftFields, DraftState, RequestDraft};
pub use events::{Event, EventRecorder, EventWriterTask, ViewSource};
pub use stats::{DashboardFilter, DeflectionFigures, SearchCount, deflection_figures};
