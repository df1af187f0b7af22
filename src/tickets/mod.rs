//! Ticket domain for Answerdesk: what a ticket is (status, priority,
//! reference), how rules tag and prioritise it, and when its SLA is due.
//!
//! Pure code: no HTTP, no SQL; the only I/O is [`TicketRules::load`] reading
//! a rules file whose path the caller gives.

pub mod agent_work;
pub mod canned;
pub mod conversation;
pub mod emails;
pub mod filing;
pub mod idempotency;
pub mod inbox;
pub mod lost_links;
pub mod model;
pub mod rules;
pub mod sla;
pub mod sla_clock;
pub mod ticket;
pub mod ticket_view;

pub use model::{ModelError, TicketPriority, TicketReference, TicketStatus};
pub use rules::{RulesError, RulesOutcome, TicketFacts, TicketRules};
pub use sla::{
    BusinessHours, DUE_SOON_WINDOW, SlaDueTimes, SlaError, SlaPolicy, SlaState, SlaTarget,
    SlaTargets, sla_state,
};
pub use ticket::{AuthorKind, Message, Ticket};
