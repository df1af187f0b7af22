//! The agents' area: the ticket inbox, the ticket page, replies, notes and bulk actions.

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

/// Templates of this area, by the name pages use.
pub const TEMPLATES: &[(&str, &str)] = &[];

/// Every route of this area (pages and `/api/agent/…`). The router puts the staff guard in
/// front of them, so handlers may take [`super::staff_session::StaffSession`] for granted.
pub fn routes() -> Router<AppState> {
    Router::new().route("/agent", get(|| async { "agent" }))
}
