//! Queries behind the admins' dashboard. Every figure is aggregated in the database over an
//! index range (`kind = … AND occurred_at >= … AND occurred_at < …`); no query loads raw
//! events into memory.

use super::ticket_rows::parse_column;
use super::visitor_sketch::VisitorSketch;
use super::{Database, StorageError};
use crate::deflection::EventKind;
use crate::tickets::{TicketPriority, TicketStatus};

/// Milliseconds in a day: figures per day are per UTC day.
pub const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// How long after a search a ticket by the same visitor still counts as "ended in a ticket".
pub const SEARCH_TO_TICKET_WINDOW_MILLIS: i64 = 60 * 60 * 1000;

/// The period and language a dashboard query covers.
#[derive(Clone, Copy, Debug)]
pub struct DashboardScope<'a> {
    /// Inclusive start (milliseconds since the epoch).
    pub since: i64,
    /// Exclusive end.
    pub until: i64,
    /// Only this language, when given.
    pub lang: Option<&'a str>,
}

/// Counts per article event kind, as stored: (slug, kind, source or "", count).
pub type ArticleEventCount = (String, EventKind, String, i64);

/// The event kinds counted per article.
const ARTICLE_EVENT_KINDS: [EventKind; 4] = [
    EventKind::ArticleViewed,
    EventKind::HelpfulYes,
    EventKind::HelpfulNo,
    EventKind::Deflected,
];

/// Ticket counts of one priority over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct PriorityTicketCounts {
    pub priority: String,
    pub filed: i64,
    pub responded: i64,
    pub resolved: i64,
    pub first_response_breaches: i64,
    pub resolution_breaches: i64,
    pub rated_good: i64,
    pub rated_bad: i64,
}

/// Adds `AND <column> = $n` when a language is given; returns the clause.
fn lang_clause(column: &str, lang: Option<&str>, parameter: usize) -> String {
    match lang {
        Some(_) => format!(" AND {column} = ${parameter}"),
        None => String::new(),
    }
}

/// `sql` with the scope bound: `$1` its start, `$2` its end, and `$3` the language when the
/// scope has one (the SQL carries the matching clause).
fn bind_scope<'q, O>(
    sql: &'q str,
    scope: DashboardScope<'q>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    let query = sqlx::query_as(sql).bind(scope.since).bind(scope.until);
    match scope.lang {
        Some(lang) => query.bind(lang),
        None => query,
    }
}

/// Like [`bind_scope`] with one more value as `$3` (a limit, the current time) and the
/// language, when the scope has one, as `$4`.
fn bind_scope_and<'q, O>(
    sql: &'q str,
    scope: DashboardScope<'q>,
    third: i64,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    let query = sqlx::query_as(sql)
        .bind(scope.since)
        .bind(scope.until)
        .bind(third);
    match scope.lang {
        Some(lang) => query.bind(lang),
        None => query,
    }
}

impl Database {
    /// Events of `kind` in the scope (the dashboard asks for `request_started`, `deflected` and
    /// `request_abandoned`); with a language, only those whose request draft is in it.
    pub async fn count_request_events(
        &self,
        kind: EventKind,
        scope: DashboardScope<'_>,
    ) -> Result<i64, StorageError> {
        let join = if scope.lang.is_some() {
            " JOIN request_drafts d ON d.id = e.draft_id"
        } else {
            ""
        };
        let sql = format!(
            "SELECT COUNT(*) FROM events e{join} \
             WHERE e.kind = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3{}",
            lang_clause("d.lang", scope.lang, 4)
        );
        let mut query = sqlx::query_scalar(&sql)
            .bind(kind.as_str())
            .bind(scope.since)
            .bind(scope.until);
        if let Some(lang) = scope.lang {
            query = query.bind(lang);
        }
        Ok(query.fetch_one(self.pool()).await?)
    }

    /// Explicit deflections per UTC day number (milliseconds / day).
    pub async fn deflections_per_day(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<Vec<(i64, i64)>, StorageError> {
        let join = if scope.lang.is_some() {
            " JOIN request_drafts d ON d.id = e.draft_id"
        } else {
            ""
        };
        let sql = format!(
            "SELECT e.occurred_at / {DAY_MILLIS} AS day, COUNT(*) FROM events e{join} \
             WHERE e.kind = '{deflected}' AND e.occurred_at >= $1 AND e.occurred_at < $2{} GROUP BY 1 ORDER BY 1",
            lang_clause("d.lang", scope.lang, 3),
            deflected = EventKind::Deflected.as_str(),
        );
        Ok(bind_scope(&sql, scope).fetch_all(self.pool()).await?)
    }

    /// Tickets filed per UTC day number.
    pub async fn tickets_per_day(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<Vec<(i64, i64)>, StorageError> {
        let sql = format!(
            "SELECT created_at / {DAY_MILLIS} AS day, COUNT(*) FROM tickets \
             WHERE created_at >= $1 AND created_at < $2{} GROUP BY 1 ORDER BY 1",
            lang_clause("lang", scope.lang, 3)
        );
        Ok(bind_scope(&sql, scope).fetch_all(self.pool()).await?)
    }

    /// (searches, searches that found nothing) in the scope; language from the search itself.
    pub async fn count_searches(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<(i64, i64), StorageError> {
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN result_count = 0 THEN 1 ELSE 0 END), 0) FROM events \
             WHERE kind = '{search}' AND occurred_at >= $1 AND occurred_at < $2{}",
            lang_clause("lang", scope.lang, 3),
            search = EventKind::Search.as_str(),
        );
        Ok(bind_scope(&sql, scope).fetch_one(self.pool()).await?)
    }

    /// The most frequent search texts (optionally only those that found nothing), most
    /// frequent first.
    pub async fn top_searches_in_scope(
        &self,
        scope: DashboardScope<'_>,
        zero_results_only: bool,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, StorageError> {
        let zero = if zero_results_only {
            " AND result_count = 0"
        } else {
            ""
        };
        let sql = format!(
            "SELECT query, COUNT(*) AS searches FROM events WHERE kind = '{search}' \
             AND occurred_at >= $1 AND occurred_at < $2{zero} AND query <> ''{} \
             GROUP BY query ORDER BY searches DESC, query LIMIT $3",
            lang_clause("lang", scope.lang, 4),
            search = EventKind::Search.as_str(),
        );
        Ok(bind_scope_and(&sql, scope, limit)
            .fetch_all(self.pool())
            .await?)
    }

    /// Searches in the scope followed, within [`SEARCH_TO_TICKET_WINDOW_MILLIS`], by a ticket
    /// filed by the same visitor; per search text, most frequent first: (text, searches, of
    /// which found nothing). Driven from the (few) ticket events, each probing the visitor's
    /// searches through an index.
    pub async fn searches_ending_in_ticket(
        &self,
        scope: DashboardScope<'_>,
        limit: i64,
    ) -> Result<Vec<(String, i64, i64)>, StorageError> {
        let sql = format!(
            "SELECT s.query, COUNT(DISTINCT s.id) AS searches, \
             COUNT(DISTINCT CASE WHEN s.result_count = 0 THEN s.id END) FROM events t \
             JOIN events s ON s.kind = '{search}' AND s.visitor_id = t.visitor_id \
             AND s.occurred_at <= t.occurred_at AND s.occurred_at > t.occurred_at - {SEARCH_TO_TICKET_WINDOW_MILLIS} \
             WHERE t.kind = '{ticket_filed}' AND t.visitor_id IS NOT NULL \
             AND t.occurred_at >= $1 AND t.occurred_at < $2 + {SEARCH_TO_TICKET_WINDOW_MILLIS} \
             AND s.occurred_at >= $1 AND s.occurred_at < $2 AND s.query <> ''{} \
             GROUP BY s.query ORDER BY searches DESC, s.query LIMIT $3",
            lang_clause("s.lang", scope.lang, 4),
            search = EventKind::Search.as_str(),
            ticket_filed = EventKind::TicketFiled.as_str(),
        );
        Ok(bind_scope_and(&sql, scope, limit)
            .fetch_all(self.pool())
            .await?)
    }

    /// Distinct help-centre visitors (anonymous visitor cookies) with any event in the scope.
    /// With a language: visitors who searched in it or viewed an article in it.
    pub async fn count_visitors(&self, scope: DashboardScope<'_>) -> Result<i64, StorageError> {
        let count = match scope.lang {
            None => {
                sqlx::query_scalar(
                    "SELECT COUNT(DISTINCT visitor_id) FROM events \
                     WHERE occurred_at >= $1 AND occurred_at < $2 AND visitor_id IS NOT NULL",
                )
                .bind(scope.since)
                .bind(scope.until)
                .fetch_one(self.pool())
                .await?
            }
            Some(lang) => {
                let sql = format!(
                    "SELECT COUNT(*) FROM (\
                     SELECT visitor_id FROM events WHERE kind = '{search}' AND occurred_at >= $1 \
                     AND occurred_at < $2 AND visitor_id IS NOT NULL AND lang = $3 \
                     UNION \
                     SELECT e.visitor_id FROM events e JOIN articles a ON a.slug = e.article_slug \
                     WHERE e.kind = '{viewed}' AND e.occurred_at >= $1 AND e.occurred_at < $2 \
                     AND e.visitor_id IS NOT NULL AND a.lang = $3) AS visitors",
                    search = EventKind::Search.as_str(),
                    viewed = EventKind::ArticleViewed.as_str(),
                );
                sqlx::query_scalar(&sql)
                    .bind(scope.since)
                    .bind(scope.until)
                    .bind(lang)
                    .fetch_one(self.pool())
                    .await?
            }
        };
        Ok(count)
    }

    /// Article events (views by source, helpful yes/no, credited deflections) per article;
    /// with a language, only articles in it.
    pub async fn article_event_counts(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<Vec<ArticleEventCount>, StorageError> {
        let join = if scope.lang.is_some() {
            " JOIN articles a ON a.slug = e.article_slug"
        } else {
            ""
        };
        let sql = format!(
            "SELECT e.article_slug, e.kind, COALESCE(e.source, ''), COUNT(*) FROM events e{join} \
             WHERE e.kind IN ({kinds}) \
             AND e.occurred_at >= $1 AND e.occurred_at < $2 AND e.article_slug IS NOT NULL{} \
             GROUP BY e.article_slug, e.kind, COALESCE(e.source, '')",
            lang_clause("a.lang", scope.lang, 3),
            kinds = ARTICLE_EVENT_KINDS
                .map(|kind| format!("'{}'", kind.as_str()))
                .join(", "),
        );
        let rows: Vec<(String, String, String, i64)> =
            bind_scope(&sql, scope).fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|(slug, kind, source, count)| {
                let kind = EventKind::parse(&kind).ok_or_else(|| StorageError::CorruptValue {
                    what: format!("events of article {slug}"),
                    column: "kind",
                    value: kind.clone(),
                })?;
                Ok((slug, kind, source, count))
            })
            .collect()
    }

    /// Tickets filed in the scope after the customer opened each article.
    pub async fn tickets_after_viewing(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<Vec<(String, i64)>, StorageError> {
        let join = if scope.lang.is_some() {
            " JOIN articles a ON a.slug = ta.article_slug"
        } else {
            ""
        };
        let sql = format!(
            "SELECT ta.article_slug, COUNT(*) FROM tickets t \
             JOIN ticket_articles ta ON ta.ticket_id = t.id{join} \
             WHERE t.created_at >= $1 AND t.created_at < $2 AND ta.opened = 1{} \
             GROUP BY ta.article_slug",
            lang_clause("a.lang", scope.lang, 3)
        );
        Ok(bind_scope(&sql, scope).fetch_all(self.pool()).await?)
    }

    /// Every article's slug and title (for naming rows of the per-article table).
    pub async fn article_titles(&self) -> Result<Vec<(String, String)>, StorageError> {
        Ok(sqlx::query_as("SELECT slug, title FROM articles")
            .fetch_all(self.pool())
            .await?)
    }

    /// Tickets not resolved or closed now, by status and priority (filed at any time).
    pub async fn ticket_backlog(
        &self,
        statuses: &[TicketStatus],
        lang: Option<&str>,
    ) -> Result<Vec<(TicketStatus, TicketPriority, i64)>, StorageError> {
        let names = statuses
            .iter()
            .map(|status| format!("'{}'", status.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT status, priority, COUNT(*) FROM tickets \
             WHERE status IN ({names}){} GROUP BY status, priority",
            lang_clause("lang", lang, 1)
        );
        let mut query = sqlx::query_as(&sql);
        if let Some(lang) = lang {
            query = query.bind(lang);
        }
        let rows: Vec<(String, String, i64)> = query.fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|(status, priority, count)| {
                let what = || "tickets".to_owned();
                Ok((
                    parse_column(what, "status", &status, TicketStatus::parse)?,
                    parse_column(what, "priority", &priority, TicketPriority::parse)?,
                    count,
                ))
            })
            .collect()
    }

    /// Per priority, for tickets filed in the scope: how many, answered, resolved, SLA
    /// breaches (late, or still waiting past the due time at `now`), and ratings.
    pub async fn ticket_counts_per_priority(
        &self,
        scope: DashboardScope<'_>,
        now: i64,
    ) -> Result<Vec<PriorityTicketCounts>, StorageError> {
        let sql = format!(
            "SELECT priority, COUNT(*) AS filed, \
             SUM(CASE WHEN first_responded_at IS NOT NULL THEN 1 ELSE 0 END) AS responded, \
             SUM(CASE WHEN COALESCE(resolved_at, closed_at) IS NOT NULL THEN 1 ELSE 0 END) AS resolved, \
             SUM(CASE WHEN first_responded_at > first_response_due \
                 OR (first_responded_at IS NULL AND first_response_due < $3) THEN 1 ELSE 0 END) AS first_response_breaches, \
             SUM(CASE WHEN COALESCE(resolved_at, closed_at) > resolution_due \
                 OR (COALESCE(resolved_at, closed_at) IS NULL AND resolution_due < $3) THEN 1 ELSE 0 END) AS resolution_breaches, \
             SUM(CASE WHEN satisfaction = 'good' THEN 1 ELSE 0 END) AS rated_good, \
             SUM(CASE WHEN satisfaction = 'bad' THEN 1 ELSE 0 END) AS rated_bad \
             FROM tickets WHERE created_at >= $1 AND created_at < $2{} GROUP BY priority",
            lang_clause("lang", scope.lang, 4)
        );
        Ok(bind_scope_and(&sql, scope, now)
            .fetch_all(self.pool())
            .await?)
    }

    /// (priority, first response time, resolution time) in milliseconds for tickets filed in
    /// the scope that were answered or resolved: only two small numbers per ticket leave the
    /// database, for exact percentiles.
    pub async fn ticket_durations(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<Vec<(String, Option<i64>, Option<i64>)>, StorageError> {
        let sql = format!(
            "SELECT priority, first_responded_at - created_at, COALESCE(resolved_at, closed_at) - created_at \
             FROM tickets WHERE created_at >= $1 AND created_at < $2 \
             AND (first_responded_at IS NOT NULL OR resolved_at IS NOT NULL OR closed_at IS NOT NULL){}",
            lang_clause("lang", scope.lang, 3)
        );
        Ok(bind_scope(&sql, scope).fetch_all(self.pool()).await?)
    }

    /// Public agent replies per staff user written in the scope (language of the ticket).
    pub async fn agent_replies(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<Vec<(i64, i64)>, StorageError> {
        let join = if scope.lang.is_some() {
            " JOIN tickets t ON t.id = m.ticket_id"
        } else {
            ""
        };
        let sql = format!(
            "SELECT m.author_user_id, COUNT(*) FROM ticket_messages m{join} \
             WHERE m.author_kind = 'agent' AND m.created_at >= $1 AND m.created_at < $2 \
             AND m.internal = 0 AND m.author_user_id IS NOT NULL{} GROUP BY m.author_user_id",
            lang_clause("t.lang", scope.lang, 3)
        );
        Ok(bind_scope(&sql, scope).fetch_all(self.pool()).await?)
    }

    /// Tickets resolved in the scope, per staff user who resolved them.
    pub async fn agent_resolutions(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<Vec<(i64, i64)>, StorageError> {
        let sql = format!(
            "SELECT resolved_by, COUNT(*) FROM tickets WHERE resolved_at >= $1 AND resolved_at < $2 \
             AND resolved_by IS NOT NULL{} GROUP BY resolved_by",
            lang_clause("lang", scope.lang, 3)
        );
        Ok(bind_scope(&sql, scope).fetch_all(self.pool()).await?)
    }

    /// Every staff user's id and name.
    pub async fn staff_names(&self) -> Result<Vec<(i64, String)>, StorageError> {
        Ok(sqlx::query_as("SELECT id, name FROM users")
            .fetch_all(self.pool())
            .await?)
    }
}

/// Distinct visitors over a period, and whether the number is a sketch estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitorCount {
    pub visitors: i64,
    /// True when merged from daily sketches (within `visitor_sketch::STANDARD_ERROR`);
    /// false when counted exactly.
    pub estimated: bool,
}

/// Up to this many (day, visitor) rows a period's visitors are counted exactly; beyond it
/// (long periods of a busy help centre) the daily sketches are merged instead.
pub const EXACT_VISITOR_DAY_ROWS: i64 = 60_000;

/// A scope of whole UTC days, in day numbers: what the roll-ups answer.
#[derive(Clone, Copy, Debug)]
pub struct DayScope<'a> {
    /// First day (inclusive).
    pub first_day: i64,
    /// Day after the last (exclusive).
    pub end_day: i64,
    pub lang: Option<&'a str>,
}

impl<'a> DashboardScope<'a> {
    /// The same period in whole days; `None` when it starts or ends inside a day.
    pub fn whole_days(&self) -> Option<DayScope<'a>> {
        (self.since.rem_euclid(DAY_MILLIS) == 0 && self.until.rem_euclid(DAY_MILLIS) == 0).then(
            || DayScope {
                first_day: self.since.div_euclid(DAY_MILLIS),
                end_day: self.until.div_euclid(DAY_MILLIS),
                lang: self.lang,
            },
        )
    }
}

/// `sql` with `$1` the first day, `$2` the end day, then `extra` values, then the language
/// when the scope has one (the SQL carries the matching clause).
fn bind_days<'q, O>(
    sql: &'q str,
    days: DayScope<'q>,
    extra: &[i64],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    let mut query = sqlx::query_as(sql).bind(days.first_day).bind(days.end_day);
    for value in extra {
        query = query.bind(*value);
    }
    match days.lang {
        Some(lang) => query.bind(lang),
        None => query,
    }
}

/// Days per week of the weekly roll-ups (`search_weeks`, `article_weeks`: week = day / 7).
pub const DAYS_PER_WEEK: i64 = 7;

/// A period of whole days cut where the weekly roll-ups can answer: the whole weeks inside
/// it, and the days before the first and after the last of them, read from the daily rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WeekSplit {
    /// First whole week, and the week after the last (empty when equal).
    weeks: (i64, i64),
    /// Days before the first whole week: `[start, end)`.
    head: (i64, i64),
    /// Days after the last whole week.
    tail: (i64, i64),
}

impl WeekSplit {
    fn of(days: &DayScope<'_>) -> WeekSplit {
        let first_week = days.first_day.div_euclid(DAYS_PER_WEEK)
            + i64::from(days.first_day.rem_euclid(DAYS_PER_WEEK) != 0);
        let end_week = days.end_day.div_euclid(DAYS_PER_WEEK);
        if first_week >= end_week {
            return WeekSplit {
                weeks: (0, 0),
                head: (days.first_day, days.end_day.max(days.first_day)),
                tail: (0, 0),
            };
        }
        WeekSplit {
            weeks: (first_week, end_week),
            head: (days.first_day, first_week * DAYS_PER_WEEK),
            tail: (end_week * DAYS_PER_WEEK, days.end_day),
        }
    }

    /// `SELECT <columns> FROM <weekly> WHERE week in $1..$2 AND <filter> UNION ALL` the same
    /// from `<daily>` for the head ($3..$4) and tail ($5..$6) days: rows to sum per key.
    fn union(columns: &str, weekly: &str, daily: &str, filter: &str) -> String {
        format!(
            "SELECT {columns} FROM {weekly} WHERE week >= $1 AND week < $2{filter}              UNION ALL SELECT {columns} FROM {daily} WHERE day >= $3 AND day < $4{filter}              UNION ALL SELECT {columns} FROM {daily} WHERE day >= $5 AND day < $6{filter}"
        )
    }

    /// `sql` (built with [`WeekSplit::union`]) with its six ranges bound, then `extra`
    /// values, then the language when the scope has one.
    fn bind<'q, O>(
        self,
        sql: &'q str,
        lang: Option<&'q str>,
        extra: &[i64],
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_as(sql);
        for value in [
            self.weeks.0,
            self.weeks.1,
            self.head.0,
            self.head.1,
            self.tail.0,
            self.tail.1,
        ]
        .iter()
        .chain(extra)
        {
            query = query.bind(*value);
        }
        match lang {
            Some(lang) => query.bind(lang),
            None => query,
        }
    }
}

/// A sum as BIGINT on both engines (PostgreSQL sums BIGINTs as NUMERIC).
fn sum(column: &str) -> String {
    format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)")
}

/// The figures of the daily roll-ups (see `event_rollups`): the same numbers as the queries
/// over raw events above, read from a few rows per day.
impl Database {
    /// Events of `kind` over whole days; with a language, those whose request draft (or, for
    /// searches, the search) is in it.
    pub async fn rolled_up_event_count(
        &self,
        kind: EventKind,
        days: DayScope<'_>,
    ) -> Result<(i64, i64), StorageError> {
        let sql = format!(
            "SELECT {}, {} FROM event_days WHERE kind = '{}' AND day >= $1 AND day < $2{}",
            sum("events"),
            sum("found_nothing"),
            kind.as_str(),
            lang_clause("lang", days.lang, 3),
        );
        Ok(bind_days(&sql, days, &[]).fetch_one(self.pool()).await?)
    }

    /// Explicit deflections per UTC day number.
    pub async fn rolled_up_deflections_per_day(
        &self,
        days: DayScope<'_>,
    ) -> Result<Vec<(i64, i64)>, StorageError> {
        let sql = format!(
            "SELECT day, {} FROM event_days WHERE kind = '{}' AND day >= $1 AND day < $2{} \
             GROUP BY day ORDER BY day",
            sum("events"),
            EventKind::Deflected.as_str(),
            lang_clause("lang", days.lang, 3),
        );
        Ok(bind_days(&sql, days, &[]).fetch_all(self.pool()).await?)
    }

    /// Like [`Database::top_searches_in_scope`], from the weekly and daily search counts.
    pub async fn rolled_up_top_searches(
        &self,
        days: DayScope<'_>,
        zero_results_only: bool,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, StorageError> {
        let counted = if zero_results_only {
            "found_nothing"
        } else {
            "searches"
        };
        let rows = WeekSplit::union(
            &format!("query, {counted} AS counted"),
            "search_weeks",
            "search_days",
            &format!(" AND query <> ''{}", lang_clause("lang", days.lang, 8)),
        );
        let sql = format!(
            "SELECT query, {total} AS counted FROM ({rows}) AS counts \
             GROUP BY query HAVING {total} > 0 ORDER BY counted DESC, query LIMIT $7",
            total = sum("counts.counted"),
        );
        Ok(WeekSplit::of(&days)
            .bind(&sql, days.lang, &[limit])
            .fetch_all(self.pool())
            .await?)
    }

    /// Like [`Database::searches_ending_in_ticket`], from the searches marked when their
    /// visitor's ticket was stored: (text, searches, of which found nothing).
    pub async fn rolled_up_searches_ending_in_ticket(
        &self,
        days: DayScope<'_>,
        limit: i64,
    ) -> Result<Vec<(String, i64, i64)>, StorageError> {
        let rows = WeekSplit::union(
            "query, ended_in_ticket, ended_in_ticket_found_nothing",
            "search_weeks",
            "search_days",
            &format!(
                " AND query <> '' AND ended_in_ticket > 0{}",
                lang_clause("lang", days.lang, 8)
            ),
        );
        let sql = format!(
            "SELECT query, {ended} AS counted, {} FROM ({rows}) AS counts \
             GROUP BY query HAVING {ended} > 0 ORDER BY counted DESC, query LIMIT $7",
            sum("counts.ended_in_ticket_found_nothing"),
            ended = sum("counts.ended_in_ticket"),
        );
        Ok(WeekSplit::of(&days)
            .bind(&sql, days.lang, &[limit])
            .fetch_all(self.pool())
            .await?)
    }

    /// Distinct visitors over whole days (with a language: who searched in it or viewed an
    /// article in it): exact from the per-day sets while they are small, otherwise
    /// the merge of the daily sketches.
    pub async fn rolled_up_visitors(
        &self,
        days: DayScope<'_>,
    ) -> Result<VisitorCount, StorageError> {
        let lang = days.lang.unwrap_or("");
        let rows: i64 = sqlx::query_scalar(&format!(
            "SELECT {} FROM visitor_day_sketches WHERE lang = $1 AND day >= $2 AND day < $3",
            sum("visitors")
        ))
        .bind(lang)
        .bind(days.first_day)
        .bind(days.end_day)
        .fetch_one(self.pool())
        .await?;
        if rows <= EXACT_VISITOR_DAY_ROWS {
            let visitors: i64 = sqlx::query_scalar(
                "SELECT COUNT(DISTINCT visitor_id) FROM visitor_days \
                 WHERE lang = $1 AND day >= $2 AND day < $3",
            )
            .bind(lang)
            .bind(days.first_day)
            .bind(days.end_day)
            .fetch_one(self.pool())
            .await?;
            return Ok(VisitorCount {
                visitors,
                estimated: false,
            });
        }
        let sketches: Vec<Vec<u8>> = sqlx::query_scalar(
            "SELECT registers FROM visitor_day_sketches WHERE lang = $1 AND day >= $2 AND day < $3",
        )
        .bind(lang)
        .bind(days.first_day)
        .bind(days.end_day)
        .fetch_all(self.pool())
        .await?;
        let mut merged = VisitorSketch::default();
        for registers in sketches {
            let sketch = VisitorSketch::from_bytes(registers).ok_or_else(|| {
                StorageError::Corrupt(format!("a visitor sketch of language {lang:?}"))
            })?;
            merged.merge(&sketch);
        }
        Ok(VisitorCount {
            visitors: merged.estimate(),
            estimated: true,
        })
    }

    /// Like [`Database::article_event_counts`], from the weekly and daily article counts.
    pub async fn rolled_up_article_event_counts(
        &self,
        days: DayScope<'_>,
    ) -> Result<Vec<ArticleEventCount>, StorageError> {
        let join = if days.lang.is_some() {
            " JOIN articles a ON a.slug = e.article_slug"
        } else {
            ""
        };
        let rows = WeekSplit::union(
            "article_slug, kind, source, events",
            "article_weeks",
            "article_days",
            "",
        );
        let sql = format!(
            "SELECT e.article_slug, e.kind, e.source, {} FROM ({rows}) AS e{join} \
             WHERE 1 = 1{} GROUP BY e.article_slug, e.kind, e.source",
            sum("e.events"),
            lang_clause("a.lang", days.lang, 7),
        );
        let rows: Vec<(String, String, String, i64)> = WeekSplit::of(&days)
            .bind(&sql, days.lang, &[])
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|(slug, kind, source, count)| {
                let kind = EventKind::parse(&kind).ok_or_else(|| StorageError::CorruptValue {
                    what: format!("roll-up of article {slug}"),
                    column: "kind",
                    value: kind.clone(),
                })?;
                Ok((slug, kind, source, count))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(first_day: i64, end_day: i64) -> WeekSplit {
        WeekSplit::of(&DayScope {
            first_day,
            end_day,
            lang: None,
        })
    }

    #[test]
    fn a_long_period_reads_its_whole_weeks_weekly_and_its_ragged_ends_daily() {
        // Days 3..25: weeks 1 and 2 (days 7..21) whole, days 3..7 and 21..25 on their own.
        assert_eq!(
            split(3, 25),
            WeekSplit {
                weeks: (1, 3),
                head: (3, 7),
                tail: (21, 25),
            }
        );
        // Exactly a week: nothing at the ends.
        assert_eq!(
            split(14, 21),
            WeekSplit {
                weeks: (2, 3),
                head: (14, 14),
                tail: (21, 21),
            }
        );
    }

    #[test]
    fn a_period_without_a_whole_week_is_read_day_by_day() {
        for (first, end) in [(8, 12), (9, 16), (5, 5)] {
            let cut = split(first, end);
            assert_eq!(cut.weeks.0, cut.weeks.1, "{first}..{end}");
            assert_eq!(cut.head, (first, end));
            assert_eq!(cut.tail.0, cut.tail.1);
        }
    }
}
