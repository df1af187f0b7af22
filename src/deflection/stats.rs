//! The deflection figures: one definition behind the dashboard, `answerdesk stats` and the API.
//!
//! Everything is aggregated by the database (see `storage::dashboard`); this module turns the
//! counts into figures, fills empty days, and computes percentiles from response durations.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{EventKind, ViewSource};
use crate::storage::dashboard::{
    ArticleEventCount, DAY_MILLIS, DashboardScope, DayScope, PriorityTicketCounts, VisitorCount,
};
use crate::storage::visitor_sketch;
use crate::storage::{Database, StorageError, now_millis};
use crate::tickets::{TicketPriority, TicketStatus};

/// A search text and how often it was searched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchCount {
    pub query: String,
    pub count: i64,
}

/// Which period and language the figures cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DashboardFilter {
    /// Start of the period (milliseconds since the epoch, inclusive).
    pub since: i64,
    /// End of the period (exclusive).
    pub until: i64,
    /// Only this language (`en`, `ru`, …) when given.
    pub lang: Option<String>,
}

/// Why a period could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PeriodError {
    #[error("{0:?} is not a date; use YYYY-MM-DD")]
    BadDate(String),
    #[error("the start date {from} is after the end date {to}")]
    Reversed { from: String, to: String },
    #[error("a period can be at most {MAX_PERIOD_DAYS} days long")]
    TooLong,
    #[error("{0:?} is not a language code")]
    BadLanguage(String),
}

/// The longest period the dashboard covers.
pub const MAX_PERIOD_DAYS: i64 = 3660;

impl DashboardFilter {
    /// The last `days` UTC days, today included: from midnight `days - 1` days ago to
    /// midnight tonight, so every day of a chart is a whole day.
    pub fn last_days(days: u32, now: i64, lang: Option<String>) -> DashboardFilter {
        let days = i64::from(days.clamp(1, MAX_PERIOD_DAYS as u32));
        let tomorrow = now.div_euclid(DAY_MILLIS) + 1;
        DashboardFilter {
            since: (tomorrow - days) * DAY_MILLIS,
            until: tomorrow * DAY_MILLIS,
            lang,
        }
    }

    /// From the start of `from` to the end of `to` (both `YYYY-MM-DD`, UTC, inclusive).
    pub fn between_dates(
        from: &str,
        to: &str,
        lang: Option<String>,
    ) -> Result<DashboardFilter, PeriodError> {
        let start = parse_date(from)?;
        let end = parse_date(to)?;
        if start > end {
            return Err(PeriodError::Reversed {
                from: from.trim().to_owned(),
                to: to.trim().to_owned(),
            });
        }
        let days = (end - start) / DAY_MILLIS + 1;
        if days > MAX_PERIOD_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(DashboardFilter {
            since: start,
            until: end + DAY_MILLIS,
            lang,
        })
    }

    /// Checks a language filter: empty means every language.
    pub fn language(text: Option<&str>) -> Result<Option<String>, PeriodError> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(code)
                if code.len() <= 12
                    && code
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Ok(Some(code.to_ascii_lowercase()))
            }
            Some(other) => Err(PeriodError::BadLanguage(other.to_owned())),
        }
    }

    fn scope(&self) -> DashboardScope<'_> {
        DashboardScope {
            since: self.since,
            until: self.until,
            lang: self.lang.as_deref(),
        }
    }
}

/// Midnight UTC of a `YYYY-MM-DD` date, in milliseconds.
fn parse_date(text: &str) -> Result<i64, PeriodError> {
    let text = text.trim();
    let date: jiff::civil::Date = text
        .parse()
        .map_err(|_| PeriodError::BadDate(text.to_owned()))?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|zoned| zoned.timestamp().as_millisecond())
        .map_err(|_| PeriodError::BadDate(text.to_owned()))
}

/// A UTC day number (milliseconds / day) as `YYYY-MM-DD`.
pub fn day_label(day: i64) -> String {
    jiff::Timestamp::from_millisecond(day * DAY_MILLIS)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// One article's part in self-service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArticleFigures {
    pub slug: String,
    /// Empty when the article no longer exists.
    pub title: String,
    pub views_from_search: i64,
    pub views_from_suggestions: i64,
    pub views_from_browsing: i64,
    pub views_direct: i64,
    pub views: i64,
    pub helpful_yes: i64,
    pub helpful_no: i64,
    /// Explicit deflections crediting this article.
    pub deflections: i64,
    /// Tickets filed by customers who had opened this article first.
    pub tickets_after_viewing: i64,
}

/// One UTC day of the period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayFigures {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub deflected: i64,
    pub tickets_filed: i64,
    /// deflected / (deflected + tickets filed) that day; `None` when both are zero.
    pub deflection_rate: Option<f64>,
}

/// Open tickets of one status and priority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BacklogCount {
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub tickets: i64,
}

/// Response and resolution times and SLA breaches of one priority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriorityFigures {
    pub priority: TicketPriority,
    /// Tickets of this priority filed in the period.
    pub tickets_filed: i64,
    /// Of those, answered by an agent.
    pub responded: i64,
    /// Of those, resolved (or closed).
    pub resolved: i64,
    /// Milliseconds from filing to the first agent reply (nearest-rank percentiles).
    pub first_response_median_ms: Option<i64>,
    pub first_response_p90_ms: Option<i64>,
    /// Milliseconds from filing to resolution.
    pub resolution_median_ms: Option<i64>,
    pub resolution_p90_ms: Option<i64>,
    /// Answered after the due time, or still unanswered past it.
    pub first_response_breaches: i64,
    /// Resolved after the due time, or still unresolved past it.
    pub resolution_breaches: i64,
}

/// One staff member's work in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgentFigures {
    pub user_id: i64,
    pub name: String,
    /// Replies to customers (internal notes not counted).
    pub replies: i64,
    /// Tickets they resolved.
    pub resolutions: i64,
}

/// What self-service and support achieved over a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeflectionFigures {
    /// Start of the period (milliseconds since the epoch, inclusive).
    pub since: i64,
    /// End of the period (exclusive).
    pub until: i64,
    /// The language filter, if any.
    pub lang: Option<String>,
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
    /// Distinct anonymous visitors (visitor cookies) with any event in the period.
    pub help_centre_visitors: i64,
    /// True when `help_centre_visitors` is an estimate merged from daily sketches (long
    /// periods of a busy help centre), within [`VISITORS_STANDARD_ERROR`]; false when exact.
    pub help_centre_visitors_estimated: bool,
    /// help-centre visitors / tickets filed; `None` without tickets.
    pub self_service_score: Option<f64>,
    /// Searches made (results pages and search API calls).
    pub searches: i64,
    /// Searches that found nothing.
    pub zero_result_searches: i64,
    /// zero-result searches / searches; `None` without searches.
    pub zero_result_rate: Option<f64>,
    /// Searches followed within an hour by a ticket from the same visitor.
    pub searches_ending_in_ticket: i64,
    /// The most frequent searches, case and surrounding spaces ignored.
    pub top_searches: Vec<SearchCount>,
    /// The most frequent searches that found nothing: the content gaps.
    pub top_zero_result_searches: Vec<SearchCount>,
    /// The most frequent searches that ended in a ticket.
    pub top_searches_ending_in_ticket: Vec<SearchCount>,
    /// Articles with any activity in the period, most viewed first.
    pub articles: Vec<ArticleFigures>,
    /// Every UTC day of the period, oldest first.
    pub days: Vec<DayFigures>,
    /// Tickets not resolved or closed now (filed at any time), by status and priority.
    pub backlog: Vec<BacklogCount>,
    /// Per priority (urgent first), for tickets filed in the period.
    pub priorities: Vec<PriorityFigures>,
    /// First responses that broke the SLA, all priorities.
    pub first_response_breaches: i64,
    /// Resolutions that broke the SLA, all priorities.
    pub resolution_breaches: i64,
    /// "Good" ratings of tickets filed in the period.
    pub satisfaction_good: i64,
    /// "Bad" ratings of tickets filed in the period.
    pub satisfaction_bad: i64,
    /// Staff with replies or resolutions in the period, busiest first.
    pub agents: Vec<AgentFigures>,
}

/// How many entries the top lists hold.
pub const TOP_LIST_LENGTH: i64 = 10;

/// Priorities, most pressing first.
pub fn priorities() -> impl Iterator<Item = TicketPriority> {
    TicketPriority::ALL.into_iter().rev()
}

/// Statuses counted as backlog (everything not resolved or closed), in workflow order.
pub fn backlog_statuses() -> impl Iterator<Item = TicketStatus> {
    TicketStatus::ALL
        .into_iter()
        .filter(|status| !matches!(status, TicketStatus::Resolved | TicketStatus::Closed))
}

/// The relative standard error of an estimated visitor count.
pub const VISITORS_STANDARD_ERROR: f64 = visitor_sketch::STANDARD_ERROR;

/// Where the figures built from self-service events are read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSource {
    /// The daily roll-ups for periods of whole days (every dashboard period), the raw
    /// events otherwise.
    Best,
    /// The raw events, always: the reference the roll-ups are checked against (and what a
    /// period starting inside a day needs). Days whose events were purged read as empty.
    RawEvents,
}

/// The event-based counts of one period, from the roll-ups or the raw events.
pub struct EventCounts<'a> {
    db: &'a Database,
    scope: DashboardScope<'a>,
    days: Option<DayScope<'a>>,
}

impl<'a> EventCounts<'a> {
    /// The counts of the filter's period, read from `source`.
    pub fn new(db: &'a Database, filter: &'a DashboardFilter, source: EventSource) -> Self {
        let scope = filter.scope();
        let days = match source {
            EventSource::Best => scope.whole_days(),
            EventSource::RawEvents => None,
        };
        EventCounts { db, scope, days }
    }

    /// Request events of `kind` (started, deflected, abandoned).
    pub async fn request_events(&self, kind: EventKind) -> Result<i64, StorageError> {
        match self.days {
            Some(days) => Ok(self.db.rolled_up_event_count(kind, days).await?.0),
            None => self.db.count_request_events(kind, self.scope).await,
        }
    }

    /// Explicit deflections per day number.
    pub async fn deflections_per_day(&self) -> Result<Vec<(i64, i64)>, StorageError> {
        match self.days {
            Some(days) => self.db.rolled_up_deflections_per_day(days).await,
            None => self.db.deflections_per_day(self.scope).await,
        }
    }

    /// Distinct visitors.
    pub async fn visitors(&self) -> Result<VisitorCount, StorageError> {
        match self.days {
            Some(days) => self.db.rolled_up_visitors(days).await,
            None => Ok(VisitorCount {
                visitors: self.db.count_visitors(self.scope).await?,
                estimated: false,
            }),
        }
    }

    /// (searches, searches that found nothing).
    pub async fn searches(&self) -> Result<(i64, i64), StorageError> {
        match self.days {
            Some(days) => self.db.rolled_up_event_count(EventKind::Search, days).await,
            None => self.db.count_searches(self.scope).await,
        }
    }

    /// The most frequent search texts (optionally only those that found nothing).
    pub async fn top_searches(
        &self,
        zero_results_only: bool,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, StorageError> {
        match self.days {
            Some(days) => {
                self.db
                    .rolled_up_top_searches(days, zero_results_only, limit)
                    .await
            }
            None => {
                self.db
                    .top_searches_in_scope(self.scope, zero_results_only, limit)
                    .await
            }
        }
    }

    /// Searches followed by a ticket: (text, searches, of which found nothing).
    pub async fn searches_ending_in_ticket(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, i64, i64)>, StorageError> {
        match self.days {
            Some(days) => {
                self.db
                    .rolled_up_searches_ending_in_ticket(days, limit)
                    .await
            }
            None => self.db.searches_ending_in_ticket(self.scope, limit).await,
        }
    }

    /// Article events per (slug, kind, source).
    pub async fn article_events(&self) -> Result<Vec<ArticleEventCount>, StorageError> {
        match self.days {
            Some(days) => self.db.rolled_up_article_event_counts(days).await,
            None => self.db.article_event_counts(self.scope).await,
        }
    }
}

/// Computes every figure for the filter's period and language. SLA breaches of tickets
/// still waiting are judged against the current time.
pub async fn deflection_figures(
    db: &Database,
    filter: &DashboardFilter,
) -> Result<DeflectionFigures, StorageError> {
    deflection_figures_from(db, filter, EventSource::Best).await
}

/// [`deflection_figures`] with the event-based figures read from `source`.
pub async fn deflection_figures_from(
    db: &Database,
    filter: &DashboardFilter,
    source: EventSource,
) -> Result<DeflectionFigures, StorageError> {
    let scope = filter.scope();
    let events = EventCounts::new(db, filter, source);
    let events = &events;
    // The queries are independent: run them side by side on the pool's connections (readers
    // do not block each other on either backend), so the page waits for the slowest one
    // rather than for their sum.
    let (
        (requests_started, deflected, implicit_deflections),
        (tickets_per_day, deflections_per_day),
        help_centre_visitors,
        (searches, zero_result_searches),
        (top_searches, top_zero_result_searches),
        ending_in_ticket,
        articles,
        backlog,
        (counts, durations),
        agents,
    ) = tokio::try_join!(
        async {
            tokio::try_join!(
                events.request_events(EventKind::RequestStarted),
                events.request_events(EventKind::Deflected),
                events.request_events(EventKind::RequestAbandoned),
            )
        },
        async { tokio::try_join!(db.tickets_per_day(scope), events.deflections_per_day()) },
        events.visitors(),
        events.searches(),
        async {
            tokio::try_join!(
                events.top_searches(false, TOP_LIST_LENGTH),
                events.top_searches(true, TOP_LIST_LENGTH),
            )
        },
        events.searches_ending_in_ticket(CONTENT_GAP_QUERY_LIMIT),
        article_figures(db, events, scope),
        backlog(db, filter.lang.as_deref()),
        async {
            tokio::try_join!(
                db.ticket_counts_per_priority(scope, now_millis()),
                db.ticket_durations(scope),
            )
        },
        agent_figures(db, scope),
    )?;
    let tickets_filed: i64 = tickets_per_day.iter().map(|(_, count)| count).sum();
    let searches_ending_in_ticket = ending_in_ticket.iter().map(|(_, count, _)| count).sum();
    let days = day_figures(filter, &deflections_per_day, &tickets_per_day);
    let priorities = priority_figures(&counts, &durations);

    let decided = deflected + tickets_filed;
    Ok(DeflectionFigures {
        since: filter.since,
        until: filter.until,
        lang: filter.lang.clone(),
        requests_started,
        deflected,
        tickets_filed,
        deflection_rate: ratio(deflected, decided),
        implicit_deflections,
        help_centre_visitors: help_centre_visitors.visitors,
        help_centre_visitors_estimated: help_centre_visitors.estimated,
        self_service_score: ratio(help_centre_visitors.visitors, tickets_filed),
        searches,
        zero_result_searches,
        zero_result_rate: ratio(zero_result_searches, searches),
        searches_ending_in_ticket,
        top_searches: search_counts(top_searches),
        top_zero_result_searches: search_counts(top_zero_result_searches),
        top_searches_ending_in_ticket: search_counts(
            ending_in_ticket
                .into_iter()
                .take(TOP_LIST_LENGTH as usize)
                .map(|(query, count, _)| (query, count))
                .collect(),
        ),
        articles,
        days,
        backlog,
        first_response_breaches: counts.iter().map(|c| c.first_response_breaches).sum(),
        resolution_breaches: counts.iter().map(|c| c.resolution_breaches).sum(),
        satisfaction_good: counts.iter().map(|c| c.rated_good).sum(),
        satisfaction_bad: counts.iter().map(|c| c.rated_bad).sum(),
        priorities,
        agents,
    })
}

/// How often the retention purge runs (one instance per round, see `job_runs`).
pub const EVENT_RETENTION_ROUND_MILLIS: i64 = 6 * 60 * 60 * 1000;

/// Search texts kept per day and language once a day's raw events are purged, the most
/// searched first: the rest are too rare to reach a top list or the content-gap report.
pub const SEARCH_TEXTS_KEPT_PER_PURGED_DAY: i64 = 1000;

/// Drops raw events older than `retention_days` whole days before today, when this instance
/// claims the round (once per [`EVENT_RETENTION_ROUND_MILLIS`] across instances). Every
/// figure of those days stays, read from the daily roll-ups. Returns the events dropped, or
/// `None` when another instance had the round or retention is off (0).
pub async fn purge_expired_events(
    db: &Database,
    retention_days: u32,
    now: i64,
) -> Result<Option<u64>, StorageError> {
    if retention_days == 0
        || !db
            .claim_job_round("event_retention", now, EVENT_RETENTION_ROUND_MILLIS)
            .await?
    {
        return Ok(None);
    }
    let first_kept_day = now.div_euclid(DAY_MILLIS) - i64::from(retention_days);
    let dropped = db
        .purge_events_before_day(first_kept_day, SEARCH_TEXTS_KEPT_PER_PURGED_DAY)
        .await?;
    Ok(Some(dropped))
}

/// Distinct search texts the content-gap report groups, at most.
pub const CONTENT_GAP_QUERY_LIMIT: i64 = 1000;

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn search_counts(rows: Vec<(String, i64)>) -> Vec<SearchCount> {
    rows.into_iter()
        .map(|(query, count)| SearchCount { query, count })
        .collect()
}

async fn article_figures(
    db: &Database,
    events: &EventCounts<'_>,
    scope: DashboardScope<'_>,
) -> Result<Vec<ArticleFigures>, StorageError> {
    let titles: HashMap<String, String> = db.article_titles().await?.into_iter().collect();
    let mut by_slug: BTreeMap<String, ArticleFigures> = BTreeMap::new();
    let blank = |slug: &str| ArticleFigures {
        slug: slug.to_owned(),
        title: titles.get(slug).cloned().unwrap_or_default(),
        views_from_search: 0,
        views_from_suggestions: 0,
        views_from_browsing: 0,
        views_direct: 0,
        views: 0,
        helpful_yes: 0,
        helpful_no: 0,
        deflections: 0,
        tickets_after_viewing: 0,
    };
    for (slug, kind, source, count) in events.article_events().await? {
        let figures = by_slug.entry(slug.clone()).or_insert_with(|| blank(&slug));
        match kind {
            EventKind::ArticleViewed => {
                figures.views += count;
                match ViewSource::from_parameter(Some(&source)) {
                    ViewSource::Search => figures.views_from_search += count,
                    ViewSource::Suggest => figures.views_from_suggestions += count,
                    ViewSource::Browse => figures.views_from_browsing += count,
                    ViewSource::Direct => figures.views_direct += count,
                }
            }
            EventKind::HelpfulYes => figures.helpful_yes += count,
            EventKind::HelpfulNo => figures.helpful_no += count,
            EventKind::Deflected => figures.deflections += count,
            _ => {}
        }
    }
    for (slug, count) in db.tickets_after_viewing(scope).await? {
        by_slug
            .entry(slug.clone())
            .or_insert_with(|| blank(&slug))
            .tickets_after_viewing += count;
    }
    let mut articles: Vec<ArticleFigures> = by_slug.into_values().collect();
    articles.sort_by(|a, b| b.views.cmp(&a.views).then_with(|| a.slug.cmp(&b.slug)));
    Ok(articles)
}

fn day_figures(
    filter: &DashboardFilter,
    deflections: &[(i64, i64)],
    tickets: &[(i64, i64)],
) -> Vec<DayFigures> {
    let deflections: HashMap<i64, i64> = deflections.iter().copied().collect();
    let tickets: HashMap<i64, i64> = tickets.iter().copied().collect();
    let first = filter.since.div_euclid(DAY_MILLIS);
    let last = (filter.until - 1).div_euclid(DAY_MILLIS);
    (first..=last)
        .map(|day| {
            let deflected = deflections.get(&day).copied().unwrap_or(0);
            let tickets_filed = tickets.get(&day).copied().unwrap_or(0);
            DayFigures {
                date: day_label(day),
                deflected,
                tickets_filed,
                deflection_rate: ratio(deflected, deflected + tickets_filed),
            }
        })
        .collect()
}

async fn backlog(db: &Database, lang: Option<&str>) -> Result<Vec<BacklogCount>, StorageError> {
    let statuses: Vec<TicketStatus> = backlog_statuses().collect();
    let counts: HashMap<(TicketStatus, TicketPriority), i64> = db
        .ticket_backlog(&statuses, lang)
        .await?
        .into_iter()
        .map(|(status, priority, count)| ((status, priority), count))
        .collect();
    // Every status × priority, zeros included, so tables and charts line up.
    Ok(statuses
        .into_iter()
        .flat_map(|status| {
            let counts = &counts;
            priorities().map(move |priority| BacklogCount {
                status,
                priority,
                tickets: counts.get(&(status, priority)).copied().unwrap_or(0),
            })
        })
        .collect())
}

fn priority_figures(
    counts: &[PriorityTicketCounts],
    durations: &[(String, Option<i64>, Option<i64>)],
) -> Vec<PriorityFigures> {
    priorities()
        .map(|priority| {
            let count = counts
                .iter()
                .find(|c| c.priority == priority.as_str())
                .cloned()
                .unwrap_or_default();
            let mut first_responses: Vec<i64> = durations
                .iter()
                .filter(|(p, _, _)| p == priority.as_str())
                .filter_map(|(_, first, _)| *first)
                .collect();
            let mut resolutions: Vec<i64> = durations
                .iter()
                .filter(|(p, _, _)| p == priority.as_str())
                .filter_map(|(_, _, resolution)| *resolution)
                .collect();
            first_responses.sort_unstable();
            resolutions.sort_unstable();
            PriorityFigures {
                priority,
                tickets_filed: count.filed,
                responded: count.responded,
                resolved: count.resolved,
                first_response_median_ms: percentile(&first_responses, 50),
                first_response_p90_ms: percentile(&first_responses, 90),
                resolution_median_ms: percentile(&resolutions, 50),
                resolution_p90_ms: percentile(&resolutions, 90),
                first_response_breaches: count.first_response_breaches,
                resolution_breaches: count.resolution_breaches,
            }
        })
        .collect()
}

/// The nearest-rank percentile of sorted values: the smallest value with at least
/// `percent`% of the values at or below it. `None` for no values.
pub fn percentile(sorted: &[i64], percent: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(percent) * sorted.len() as u64)
        .div_ceil(100)
        .max(1) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

async fn agent_figures(
    db: &Database,
    scope: DashboardScope<'_>,
) -> Result<Vec<AgentFigures>, StorageError> {
    let names: HashMap<i64, String> = db.staff_names().await?.into_iter().collect();
    let mut agents: BTreeMap<i64, AgentFigures> = BTreeMap::new();
    let entry = |id: i64| AgentFigures {
        user_id: id,
        name: names.get(&id).cloned().unwrap_or_default(),
        replies: 0,
        resolutions: 0,
    };
    for (id, replies) in db.agent_replies(scope).await? {
        agents.entry(id).or_insert_with(|| entry(id)).replies += replies;
    }
    for (id, resolutions) in db.agent_resolutions(scope).await? {
        agents.entry(id).or_insert_with(|| entry(id)).resolutions += resolutions;
    }
    let mut agents: Vec<AgentFigures> = agents.into_values().collect();
    agents.sort_by(|a, b| {
        (b.replies + b.resolutions)
            .cmp(&(a.replies + a.resolutions))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(agents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 50), Some(3));
        let hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 90), Some(90));
        assert_eq!(
            percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90),
            Some(10)
        );
    }

    #[test]
    fn periods_are_whole_utc_days() {
        let filter = DashboardFilter::between_dates("2024-03-01", "2024-03-07", None).unwrap();
        assert_eq!(filter.until - filter.since, 7 * DAY_MILLIS);
        assert_eq!(day_label(filter.since / DAY_MILLIS), "2024-03-01");
        let last = DashboardFilter::last_days(7, filter.since + 5, None);
        assert_eq!(last.until, filter.since + DAY_MILLIS);
        assert_eq!(last.until - last.since, 7 * DAY_MILLIS);
        assert!(matches!(
            DashboardFilter::between_dates("2024-03-08", "2024-03-07", None),
            Err(PeriodError::Reversed { .. })
        ));
        assert!(matches!(
            DashboardFilter::between_dates("yesterday", "2024-03-07", None),
            Err(PeriodError::BadDate(_))
        ));
        assert_eq!(DashboardFilter::language(Some(" ")), Ok(None));
        assert!(DashboardFilter::language(Some("en' OR 1=1")).is_err());
    }
}
