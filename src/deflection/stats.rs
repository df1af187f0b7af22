//! The deflection figures: one definition behind the dashboard, `answerdesk stats` and the API.

use serde::Serialize;

use crate::storage::{Database, StorageError};

/// A search text and how often it was searched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchCount {
    pub query: String,
    pub count: i64,
}

/// What self-service achieved over a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeflectionFigures {
    /// Start of the period (milliseconds since the epoch, inclusive).
    pub since: i64,
    /// End of the period (exclusive).
    pub until: i64,
    /// Request forms in which a customer typed something.
    pub requests_started: i64,
    /// Explicit "this solved my problem" confirmations.
    pub deflected: i64,
    /// Tickets filed (request form and API).
    pub tickets_filed: i64,
    /// deflected / (deflected + tickets filed); `None` when both are zero.
    pub deflection_rate: Option<f64>,
    /// Requests abandoned after opening a suggestion. Shown apart, never mixed into the rate.
    pub implicit_deflections: i64,
    /// Searches made (results pages and search API calls).
    pub searches: i64,
    /// Searches that found nothing.
    pub zero_result_searches: i64,
    /// The most frequent searches, case and surrounding spaces ignored.
    pub top_searches: Vec<SearchCount>,
    /// The most frequent searches that found nothing: the content gaps.
    pub top_zero_result_searches: Vec<SearchCount>,
}

/// How many entries the top lists hold.
const TOP_LIST_LENGTH: i64 = 10;

/// Computes every figure for `[since, until)`.
pub async fn deflection_figures(
    db: &Database,
    since: i64,
    until: i64,
) -> Result<DeflectionFigures, StorageError> {
    let requests_started = db.count_events("request_started", since, until).await?;
    let deflected = db.count_events("deflected", since, until).await?;
    let implicit_deflections = db.count_events("request_abandoned", since, until).await?;
    let tickets_filed = db.count_tickets_created(since, until).await?;
    let searches = db.count_events("search", since, until).await?;
    let zero_result_searches = db.count_zero_result_searches(since, until).await?;
    let top_searches = db
        .top_searches(since, until, false, TOP_LIST_LENGTH)
        .await?;
    let top_zero_result_searches = db.top_searches(since, until, true, TOP_LIST_LENGTH).await?;
    let decided = deflected + tickets_filed;
    Ok(DeflectionFigures {
        since,
        until,
        requests_started,
        deflected,
        tickets_filed,
        deflection_rate: (decided > 0).then(|| deflected as f64 / decided as f64),
        implicit_deflections,
        searches,
        zero_result_searches,
        top_searches: top_searches
            .into_iter()
            .map(|(query, count)| SearchCount { query, count })
            .collect(),
        top_zero_result_searches: top_zero_result_searches
            .into_iter()
            .map(|(query, count)| SearchCount { query, count })
            .collect(),
    })
}
