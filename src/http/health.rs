//! Liveness and readiness probes for load balancers and orchestrators.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::AppState;

/// How long readiness waits for the database: a probe must answer quickly even while
/// the database does not.
const DATABASE_PROBE_LIMIT: Duration = Duration::from_millis(1000);

/// The process is up. Never touches the database, so it stays cheap under load.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// The portal can serve: the database answers and the search index can take changes.
/// `503` otherwise, with the reason; the event queue's figures ride along either way
/// (events wait in it while the database is away, and those it could not hold are counted).
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = match state.db.ping_within(DATABASE_PROBE_LIMIT).await {
        Ok(()) => None,
        Err(error) => {
            tracing::warn!(%error, "readiness check: database unavailable");
            Some(match error.is_unavailable() {
                true => "the database is not answering".to_owned(),
                false => "the database answers with an error (see the log)".to_owned(),
            })
        }
    };
    let search_index = state.search.writer_problem();
    let events = state.events.report();
    let ready = database.is_none() && search_index.is_none();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let check = |problem: &Option<String>| match problem {
        None => json!({ "ok": true }),
        Some(reason) => json!({ "ok": false, "reason": reason }),
    };
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "database": check(&database),
        "search_index": check(&search_index),
        "events": {
            "queued": events.queued,
            "dropped": events.dropped,
            "waiting_for_database": events.waiting_for_database,
        },
    });
    (status, Json(body))
}
