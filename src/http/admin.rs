//! The admins' deflection dashboard: figures, charts, CSV downloads and the content-gap report.

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

/// Templates of this area, by the name pages use.
pub const TEMPLATES: &[(&str, &str)] = &[];

/// Every route of this area (pages and `/api/admin/…`). The router puts the staff guard in
/// front of them, so handlers may take [`super::staff_session::StaffSession`] for granted.
pub fn routes() -> Router<AppState> {
    Router::new().route("/admin", get(|| async { "admin" }))
}
