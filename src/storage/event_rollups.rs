//! Daily roll-ups of the self-service events (see migration 0011): kept in the transaction
//! that stores the events, built from the events once on a database that had them before,
//! and left in place when old events are purged, so every dashboard figure of a day reads the
//! same before and after.
//!
//! Several instances: on PostgreSQL each event transaction takes one advisory lock before it
//! touches a roll-up, so the read-merge-write of a day's visitor sketch and the marking of
//! "searches that ended in a ticket" never race; on SQLite the event insert that opens the
//! transaction already holds the only write lock.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sqlx::AnyConnection;

use super::dashboard::{DAY_MILLIS, DAYS_PER_WEEK, SEARCH_TO_TICKET_WINDOW_MILLIS};
use super::visitor_sketch::VisitorSketch;
use super::{Backend, Database, EventRow, StorageError, now_millis};
use crate::deflection::EventKind;

/// The PostgreSQL advisory lock an event transaction holds while it updates the roll-ups
/// ("answroll" in ASCII).
const ROLLUP_LOCK_KEY: i64 = 0x616e_7377_726f_6c6c;

/// Rows per multi-row statement: well under both engines' parameter limits, and small
/// because SQLite looks each `$n` parameter up by name, so a statement costs about the
/// square of its parameters.
const CHUNK: usize = 100;

/// The request events whose language is their draft's.
const REQUEST_KINDS: [EventKind; 3] = [
    EventKind::RequestStarted,
    EventKind::Deflected,
    EventKind::RequestAbandoned,
];

/// The event kinds counted per article (views by source, feedback, credited deflections).
const ARTICLE_KINDS: [EventKind; 4] = [
    EventKind::ArticleViewed,
    EventKind::HelpfulYes,
    EventKind::HelpfulNo,
    EventKind::Deflected,
];

/// The UTC day number of a time.
pub fn day_of(millis: i64) -> i64 {
    millis.div_euclid(DAY_MILLIS)
}

/// The week (of the weekly roll-ups) a day number falls in: `day / 7`, as the SQL computes it
/// for the (positive) days of any stored event.
pub fn week_of_day(day: i64) -> i64 {
    day.div_euclid(DAYS_PER_WEEK)
}

/// What one batch of events adds to the roll-ups, summed per row key before it is written,
/// so each statement touches a key once.
#[derive(Default)]
struct RollupDelta {
    /// (kind, day, lang, channel) → (events, found nothing)
    events: BTreeMap<(&'static str, i64, String, String), (i64, i64)>,
    /// (day, lang, query) → [searches, found nothing, ended in ticket, of which found nothing]
    searches: BTreeMap<(i64, String, String), [i64; 4]>,
    /// (day, slug, kind, source) → events
    articles: BTreeMap<(i64, String, &'static str, String), i64>,
    /// (lang, day) → visitors
    visitors: BTreeMap<(String, i64), BTreeSet<String>>,
}

impl RollupDelta {
    fn add(
        &mut self,
        row: &EventRow,
        draft_langs: &HashMap<String, String>,
        article_langs: &HashMap<String, String>,
    ) {
        let day = day_of(row.occurred_at);
        let found_nothing = i64::from(row.kind == EventKind::Search && row.result_count == Some(0));
        let lang = if REQUEST_KINDS.contains(&row.kind) {
            row.draft_id
                .as_ref()
                .and_then(|id| draft_langs.get(id))
                .cloned()
                .unwrap_or_default()
        } else {
            row.lang.clone().unwrap_or_default()
        };
        let channel = row.channel.map(|c| c.as_str()).unwrap_or("").to_owned();
        let counts = self
            .events
            .entry((row.kind.as_str(), day, lang, channel))
            .or_default();
        counts.0 += 1;
        counts.1 += found_nothing;
        if row.kind == EventKind::Search {
            let counts = self
                .searches
                .entry((
                    day,
                    row.lang.clone().unwrap_or_default(),
                    row.query.clone().unwrap_or_default(),
                ))
                .or_default();
            counts[0] += 1;
            counts[1] += found_nothing;
        }
        if ARTICLE_KINDS.contains(&row.kind)
            && let Some(slug) = &row.article_slug
        {
            *self
                .articles
                .entry((
                    day,
                    slug.clone(),
                    row.kind.as_str(),
                    row.source.clone().unwrap_or_default(),
                ))
                .or_default() += 1;
        }
        if let Some(visitor) = &row.visitor_id {
            let mut seen_in = |lang: &str| {
                self.visitors
                    .entry((lang.to_owned(), day))
                    .or_default()
                    .insert(visitor.clone());
            };
            seen_in("");
            match row.kind {
                EventKind::Search => {
                    if let Some(lang) = row.lang.as_deref().filter(|l| !l.is_empty()) {
                        seen_in(lang);
                    }
                }
                EventKind::ArticleViewed => {
                    if let Some(lang) = row.article_slug.as_ref().and_then(|s| article_langs.get(s))
                    {
                        seen_in(lang);
                    }
                }
                _ => {}
            }
        }
    }

    /// A search newly marked as ended in a ticket: (occurred at, lang, query, result count).
    fn add_ended_in_ticket(&mut self, marked: (i64, Option<String>, Option<String>, Option<i64>)) {
        let (occurred_at, lang, query, result_count) = marked;
        let counts = self
            .searches
            .entry((
                day_of(occurred_at),
                lang.unwrap_or_default(),
                query.unwrap_or_default(),
            ))
            .or_default();
        counts[2] += 1;
        counts[3] += i64::from(result_count == Some(0));
    }

    async fn write(self, connection: &mut AnyConnection) -> Result<(), StorageError> {
        // The same sums per week, for the weekly tables.
        let mut search_weeks: BTreeMap<(i64, &str, &str), [i64; 4]> = BTreeMap::new();
        for ((day, lang, text), counts) in &self.searches {
            let week = search_weeks
                .entry((week_of_day(*day), lang.as_str(), text.as_str()))
                .or_default();
            for (sum, count) in week.iter_mut().zip(counts) {
                *sum += count;
            }
        }
        let mut article_weeks: BTreeMap<(i64, &str, &str, &str), i64> = BTreeMap::new();
        for ((day, slug, kind, source), count) in &self.articles {
            *article_weeks
                .entry((week_of_day(*day), slug.as_str(), *kind, source.as_str()))
                .or_default() += count;
        }
        let search_weeks: Vec<_> = search_weeks.into_iter().collect();
        for chunk in search_weeks.chunks(CHUNK) {
            let sql = upsert_sql(
                "search_weeks (week, lang, query, searches, found_nothing, ended_in_ticket, ended_in_ticket_found_nothing)",
                chunk.len(),
                7,
                "week, lang, query",
                &[
                    "searches",
                    "found_nothing",
                    "ended_in_ticket",
                    "ended_in_ticket_found_nothing",
                ],
            );
            let mut query = sqlx::query(&sql);
            for ((week, lang, text), counts) in chunk {
                query = query.bind(*week).bind(*lang).bind(*text);
                for count in counts {
                    query = query.bind(*count);
                }
            }
            query.execute(&mut *connection).await?;
        }
        let article_weeks: Vec<_> = article_weeks.into_iter().collect();
        for chunk in article_weeks.chunks(CHUNK) {
            let sql = upsert_sql(
                "article_weeks (week, article_slug, kind, source, events)",
                chunk.len(),
                5,
                "week, article_slug, kind, source",
                &["events"],
            );
            let mut query = sqlx::query(&sql);
            for ((week, slug, kind, source), count) in chunk {
                query = query
                    .bind(*week)
                    .bind(*slug)
                    .bind(*kind)
                    .bind(*source)
                    .bind(*count);
            }
            query.execute(&mut *connection).await?;
        }

        let events: Vec<_> = self.events.into_iter().collect();
        for chunk in events.chunks(CHUNK) {
            let sql = upsert_sql(
                "event_days (kind, day, lang, channel, events, found_nothing)",
                chunk.len(),
                6,
                "kind, day, lang, channel",
                &["events", "found_nothing"],
            );
            let mut query = sqlx::query(&sql);
            for ((kind, day, lang, channel), (count, found_nothing)) in chunk {
                query = query
                    .bind(*kind)
                    .bind(*day)
                    .bind(lang)
                    .bind(channel)
                    .bind(*count)
                    .bind(*found_nothing);
            }
            query.execute(&mut *connection).await?;
        }
        let searches: Vec<_> = self.searches.into_iter().collect();
        for chunk in searches.chunks(CHUNK) {
            let sql = upsert_sql(
                "search_days (day, lang, query, searches, found_nothing, ended_in_ticket, ended_in_ticket_found_nothing)",
                chunk.len(),
                7,
                "day, lang, query",
                &[
                    "searches",
                    "found_nothing",
                    "ended_in_ticket",
                    "ended_in_ticket_found_nothing",
                ],
            );
            let mut query = sqlx::query(&sql);
            for ((day, lang, text), counts) in chunk {
                query = query.bind(*day).bind(lang).bind(text);
                for count in counts {
                    query = query.bind(*count);
                }
            }
            query.execute(&mut *connection).await?;
        }
        let articles: Vec<_> = self.articles.into_iter().collect();
        for chunk in articles.chunks(CHUNK) {
            let sql = upsert_sql(
                "article_days (day, article_slug, kind, source, events)",
                chunk.len(),
                5,
                "day, article_slug, kind, source",
                &["events"],
            );
            let mut query = sqlx::query(&sql);
            for ((day, slug, kind, source), count) in chunk {
                query = query
                    .bind(*day)
                    .bind(slug)
                    .bind(*kind)
                    .bind(source)
                    .bind(*count);
            }
            query.execute(&mut *connection).await?;
        }
        for ((lang, day), visitors) in self.visitors {
            let visitors: Vec<String> = visitors.into_iter().collect();
            add_visitors(connection, &lang, day, &visitors).await?;
        }
        Ok(())
    }
}

/// `INSERT INTO <table> VALUES (…), … ON CONFLICT (<key>) DO UPDATE SET c = t.c + excluded.c`.
fn upsert_sql(
    table_and_columns: &str,
    rows: usize,
    columns: usize,
    key: &str,
    added: &[&str],
) -> String {
    let table = table_and_columns
        .split_whitespace()
        .next()
        .unwrap_or_default();
    let mut sql = format!("INSERT INTO {table_and_columns} VALUES ");
    push_placeholders(&mut sql, rows, columns);
    let updates: Vec<String> = added
        .iter()
        .map(|column| format!("{column} = {table}.{column} + excluded.{column}"))
        .collect();
    sql.push_str(&format!(
        " ON CONFLICT ({key}) DO UPDATE SET {}",
        updates.join(", ")
    ));
    sql
}

fn push_placeholders(sql: &mut String, rows: usize, columns: usize) {
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 1..=columns {
            if column > 1 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * columns + column).to_string());
        }
        sql.push(')');
    }
}

/// `$first, $first+1, …` for `count` values.
fn placeholder_list(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Records visitors seen on a day (in a language, or '' for any) in the exact per-day set and
/// in the day's sketch; the sketch's `visitors` grows by those new to the set.
async fn add_visitors(
    connection: &mut AnyConnection,
    lang: &str,
    day: i64,
    visitors: &[String],
) -> Result<(), StorageError> {
    let mut added = 0i64;
    for chunk in visitors.chunks(CHUNK) {
        let mut sql = String::from("INSERT INTO visitor_days (lang, day, visitor_id) VALUES ");
        push_placeholders(&mut sql, chunk.len(), 3);
        sql.push_str(" ON CONFLICT (lang, day, visitor_id) DO NOTHING");
        let mut query = sqlx::query(&sql);
        for visitor in chunk {
            query = query.bind(lang).bind(day).bind(visitor);
        }
        added += query.execute(&mut *connection).await?.rows_affected() as i64;
    }
    let stored: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT registers FROM visitor_day_sketches WHERE lang = $1 AND day = $2",
    )
    .bind(lang)
    .bind(day)
    .fetch_optional(&mut *connection)
    .await?;
    let mut sketch = stored
        .and_then(VisitorSketch::from_bytes)
        .unwrap_or_default();
    for visitor in visitors {
        sketch.add(visitor);
    }
    sqlx::query(
        "INSERT INTO visitor_day_sketches (lang, day, visitors, registers) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (lang, day) DO UPDATE SET visitors = visitor_day_sketches.visitors + excluded.visitors, \
         registers = excluded.registers",
    )
    .bind(lang)
    .bind(day)
    .bind(added)
    .bind(sketch.as_bytes().to_vec())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// `key → lang` for the given keys, from `SELECT key, lang FROM <table> WHERE key IN (…)`.
async fn languages_of(
    connection: &mut AnyConnection,
    select: &str,
    keys: &BTreeSet<String>,
) -> Result<HashMap<String, String>, StorageError> {
    let keys: Vec<&String> = keys.iter().collect();
    let mut found = HashMap::new();
    for chunk in keys.chunks(CHUNK) {
        let sql = format!("{select} IN ({})", placeholder_list(1, chunk.len()));
        let mut query = sqlx::query_as::<_, (String, String)>(&sql);
        for key in chunk {
            query = query.bind(*key);
        }
        found.extend(query.fetch_all(&mut *connection).await?);
    }
    Ok(found)
}

/// Serialises roll-up updates across instances until the transaction ends (PostgreSQL).
pub(super) async fn lock_rollups(
    connection: &mut AnyConnection,
    backend: Backend,
) -> Result<(), StorageError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(ROLLUP_LOCK_KEY)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

/// The weekly roll-ups' columns, filled by the `SELECT`s below from the daily ones.
const INSERT_SEARCH_WEEKS: &str = "INSERT INTO search_weeks (week, lang, query, searches, \
    found_nothing, ended_in_ticket, ended_in_ticket_found_nothing)";
const WEEKLY_SEARCHES: &str = " day / 7, lang, query, SUM(searches), SUM(found_nothing), \
    SUM(ended_in_ticket), SUM(ended_in_ticket_found_nothing)";
const INSERT_ARTICLE_WEEKS: &str =
    "INSERT INTO article_weeks (week, article_slug, kind, source, events)";
const WEEKLY_ARTICLES: &str = " day / 7, article_slug, kind, source, SUM(events)";

/// Adds freshly inserted events to the roll-ups, in their transaction (after
/// [`lock_rollups`]). `inserted` holds the new rows' ids and kinds.
pub(super) async fn roll_up_inserted_events(
    connection: &mut AnyConnection,
    rows: &[EventRow],
    inserted: &[(i64, String)],
) -> Result<(), StorageError> {
    let drafts: BTreeSet<String> = rows
        .iter()
        .filter(|row| REQUEST_KINDS.contains(&row.kind))
        .filter_map(|row| row.draft_id.clone())
        .collect();
    let draft_langs = languages_of(
        connection,
        "SELECT id, lang FROM request_drafts WHERE id",
        &drafts,
    )
    .await?;
    let slugs: BTreeSet<String> = rows
        .iter()
        .filter(|row| row.kind == EventKind::ArticleViewed)
        .filter_map(|row| row.article_slug.clone())
        .collect();
    let article_langs = languages_of(
        connection,
        "SELECT slug, lang FROM articles WHERE slug",
        &slugs,
    )
    .await?;
    let mut delta = RollupDelta::default();
    for row in rows {
        delta.add(row, &draft_langs, &article_langs);
    }

    // Searches that ended in a ticket, marked once each: new searches followed by a ticket
    // stored already (or in this batch), and earlier searches followed by a new ticket.
    let ids_of = |kind: EventKind| -> Vec<i64> {
        inserted
            .iter()
            .filter(|(_, k)| k == kind.as_str())
            .map(|(id, _)| *id)
            .collect()
    };
    let marked_columns = "RETURNING occurred_at, lang, query, result_count";
    for chunk in ids_of(EventKind::Search).chunks(CHUNK) {
        let sql = format!(
            "UPDATE events SET ended_in_ticket = 1 WHERE id IN ({}) AND ended_in_ticket = 0 \
             AND visitor_id IS NOT NULL AND EXISTS (SELECT 1 FROM events t WHERE t.kind = '{ticket}' \
             AND t.visitor_id = events.visitor_id AND t.occurred_at >= events.occurred_at \
             AND t.occurred_at < events.occurred_at + {SEARCH_TO_TICKET_WINDOW_MILLIS}) {marked_columns}",
            placeholder_list(1, chunk.len()),
            ticket = EventKind::TicketFiled.as_str(),
        );
        let mut query = sqlx::query_as(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for marked in query.fetch_all(&mut *connection).await? {
            delta.add_ended_in_ticket(marked);
        }
    }
    for chunk in ids_of(EventKind::TicketFiled).chunks(CHUNK) {
        let sql = format!(
            "UPDATE events SET ended_in_ticket = 1 WHERE kind = '{search}' AND ended_in_ticket = 0 \
             AND visitor_id IS NOT NULL AND EXISTS (SELECT 1 FROM events t WHERE t.id IN ({}) \
             AND t.visitor_id = events.visitor_id AND t.occurred_at >= events.occurred_at \
             AND t.occurred_at < events.occurred_at + {SEARCH_TO_TICKET_WINDOW_MILLIS}) \
             AND visitor_id IN (SELECT visitor_id FROM events WHERE id IN ({}))  {marked_columns}",
            placeholder_list(1, chunk.len()),
            placeholder_list(1, chunk.len()),
            search = EventKind::Search.as_str(),
        );
        let mut query = sqlx::query_as(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for marked in query.fetch_all(&mut *connection).await? {
            delta.add_ended_in_ticket(marked);
        }
    }
    delta.write(connection).await
}

impl Database {
    /// Builds the roll-ups from the stored events if they were never built (the first start
    /// after migration 0011 on a database that had events). Runs under the start-up lock.
    pub(super) async fn build_event_rollups_once(&self) -> Result<(), StorageError> {
        let built: Option<i64> =
            sqlx::query_scalar("SELECT built_at FROM event_rollup_state WHERE only_row = 1")
                .fetch_one(self.pool())
                .await?;
        if built.is_none() {
            let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
                .fetch_one(self.pool())
                .await?;
            if events > 0 {
                tracing::info!(
                    events,
                    "building the dashboard's daily roll-ups from events"
                );
            }
            self.rebuild_event_rollups().await?;
        }
        Ok(())
    }

    /// Rebuilds every roll-up from the stored events (bulk-loaded histories, or a database
    /// from before roll-ups). Refused once old events were purged: their days live on only
    /// in the roll-ups.
    pub async fn rebuild_event_rollups(&self) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        lock_rollups(&mut transaction, self.backend()).await?;
        let purged_before: i64 =
            sqlx::query_scalar("SELECT purged_before FROM event_rollup_state WHERE only_row = 1")
                .fetch_one(&mut *transaction)
                .await?;
        if purged_before > 0 {
            return Err(StorageError::Conflict(
                "old events were purged: the roll-ups cannot be rebuilt from the events".into(),
            ));
        }
        for table in [
            "event_days",
            "search_days",
            "search_weeks",
            "article_days",
            "article_weeks",
            "visitor_days",
            "visitor_day_sketches",
        ] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *transaction)
                .await?;
        }
        let search = EventKind::Search.as_str();
        let ticket = EventKind::TicketFiled.as_str();
        let request_kinds = quoted(&REQUEST_KINDS);
        let statements = [
            "UPDATE events SET ended_in_ticket = 0 WHERE ended_in_ticket <> 0".to_owned(),
            format!(
                "UPDATE events SET ended_in_ticket = 1 WHERE kind = '{search}' AND visitor_id IS NOT NULL \
                 AND EXISTS (SELECT 1 FROM events t WHERE t.kind = '{ticket}' \
                 AND t.visitor_id = events.visitor_id AND t.occurred_at >= events.occurred_at \
                 AND t.occurred_at < events.occurred_at + {SEARCH_TO_TICKET_WINDOW_MILLIS})"
            ),
            format!(
                "INSERT INTO event_days (kind, day, lang, channel, events, found_nothing) \
                 SELECT e.kind, e.occurred_at / {DAY_MILLIS}, \
                 CASE WHEN e.kind IN ({request_kinds}) THEN COALESCE(d.lang, '') ELSE COALESCE(e.lang, '') END, \
                 COALESCE(e.channel, ''), COUNT(*), \
                 SUM(CASE WHEN e.kind = '{search}' AND e.result_count = 0 THEN 1 ELSE 0 END) \
                 FROM events e LEFT JOIN request_drafts d ON d.id = e.draft_id AND e.kind IN ({request_kinds}) \
                 GROUP BY 1, 2, 3, 4"
            ),
            format!(
                "INSERT INTO search_days (day, lang, query, searches, found_nothing, ended_in_ticket, \
                 ended_in_ticket_found_nothing) \
                 SELECT occurred_at / {DAY_MILLIS}, COALESCE(lang, ''), COALESCE(query, ''), COUNT(*), \
                 SUM(CASE WHEN result_count = 0 THEN 1 ELSE 0 END), SUM(ended_in_ticket), \
                 SUM(CASE WHEN result_count = 0 THEN ended_in_ticket ELSE 0 END) \
                 FROM events WHERE kind = '{search}' GROUP BY 1, 2, 3"
            ),
            format!(
                "INSERT INTO article_days (day, article_slug, kind, source, events) \
                 SELECT occurred_at / {DAY_MILLIS}, article_slug, kind, COALESCE(source, ''), COUNT(*) \
                 FROM events WHERE kind IN ({}) AND article_slug IS NOT NULL GROUP BY 1, 2, 3, 4",
                quoted(&ARTICLE_KINDS)
            ),
            format!(
                "{} SELECT{WEEKLY_SEARCHES} FROM search_days GROUP BY 1, 2, 3",
                INSERT_SEARCH_WEEKS
            ),
            format!(
                "{} SELECT{WEEKLY_ARTICLES} FROM article_days GROUP BY 1, 2, 3, 4",
                INSERT_ARTICLE_WEEKS
            ),
            format!(
                "INSERT INTO visitor_days (lang, day, visitor_id) \
                 SELECT DISTINCT '', occurred_at / {DAY_MILLIS}, visitor_id FROM events \
                 WHERE visitor_id IS NOT NULL"
            ),
            format!(
                "INSERT INTO visitor_days (lang, day, visitor_id) \
                 SELECT DISTINCT lang, occurred_at / {DAY_MILLIS}, visitor_id FROM events \
                 WHERE kind = '{search}' AND visitor_id IS NOT NULL AND lang IS NOT NULL AND lang <> '' \
                 ON CONFLICT (lang, day, visitor_id) DO NOTHING"
            ),
            format!(
                "INSERT INTO visitor_days (lang, day, visitor_id) \
                 SELECT DISTINCT a.lang, e.occurred_at / {DAY_MILLIS}, e.visitor_id FROM events e \
                 JOIN articles a ON a.slug = e.article_slug \
                 WHERE e.kind = '{viewed}' AND e.visitor_id IS NOT NULL \
                 ON CONFLICT (lang, day, visitor_id) DO NOTHING",
                viewed = EventKind::ArticleViewed.as_str()
            ),
        ];
        for statement in statements {
            sqlx::query(&statement).execute(&mut *transaction).await?;
        }
        // The sketches, one day and language at a time (an index range of visitor_days).
        let groups: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT lang, day, COUNT(*) FROM visitor_days GROUP BY lang, day ORDER BY lang, day",
        )
        .fetch_all(&mut *transaction)
        .await?;
        for (lang, day, visitors) in groups {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT visitor_id FROM visitor_days WHERE lang = $1 AND day = $2",
            )
            .bind(&lang)
            .bind(day)
            .fetch_all(&mut *transaction)
            .await?;
            let mut sketch = VisitorSketch::default();
            for id in &ids {
                sketch.add(id);
            }
            sqlx::query(
                "INSERT INTO visitor_day_sketches (lang, day, visitors, registers) VALUES ($1, $2, $3, $4)",
            )
            .bind(&lang)
            .bind(day)
            .bind(visitors)
            .bind(sketch.as_bytes().to_vec())
            .execute(&mut *transaction)
            .await?;
        }
        sqlx::query("UPDATE event_rollup_state SET built_at = $1 WHERE only_row = 1")
            .bind(now_millis())
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Drops raw events of days before `before_day`, a UTC day number, and remembers that
    /// those days live on only in the roll-ups, where each such day keeps its
    /// `texts_per_day` most searched texts per language. The per-day visitor sets stay (a
    /// row per visitor and day, far fewer than the events), so visitor counts do not change. Deletes in slices
    /// so no transaction grows large; returns the events dropped.
    pub async fn purge_events_before_day(
        &self,
        before_day: i64,
        texts_per_day: i64,
    ) -> Result<u64, StorageError> {
        let cutoff = before_day * DAY_MILLIS;
        let mut transaction = self.begin_write().await?;
        lock_rollups(&mut transaction, self.backend()).await?;
        sqlx::query(
            "UPDATE event_rollup_state SET purged_before = $1 \
             WHERE only_row = 1 AND purged_before < $1 AND built_at IS NOT NULL",
        )
        .bind(cutoff)
        .execute(&mut *transaction)
        .await?;
        let purged_before: i64 =
            sqlx::query_scalar("SELECT purged_before FROM event_rollup_state WHERE only_row = 1")
                .fetch_one(&mut *transaction)
                .await?;
        transaction.commit().await?;
        let mut dropped = 0;
        loop {
            let result = sqlx::query(
                "DELETE FROM events WHERE id IN \
                 (SELECT id FROM events WHERE occurred_at < $1 ORDER BY occurred_at LIMIT 10000)",
            )
            .bind(purged_before)
            .execute(self.pool())
            .await?;
            dropped += result.rows_affected();
            if result.rows_affected() == 0 {
                break;
            }
        }
        sqlx::query(
            "DELETE FROM search_days WHERE day < $1 AND (day, lang, query) IN (\
             SELECT day, lang, query FROM (SELECT day, lang, query, ROW_NUMBER() OVER (\
             PARTITION BY day, lang ORDER BY searches + ended_in_ticket DESC, query) AS place \
             FROM search_days WHERE day < $1) AS ranked WHERE place > $2)",
        )
        .bind(day_of(purged_before))
        .bind(texts_per_day)
        .execute(self.pool())
        .await?;
        // The weeks those days fall in are summed again from what their days kept, so a
        // week's row and its days' rows always give the same figures.
        let mut transaction = self.begin_write().await?;
        lock_rollups(&mut transaction, self.backend()).await?;
        let end_week = week_of_day(day_of(purged_before) - 1) + 1;
        sqlx::query("DELETE FROM search_weeks WHERE week < $1")
            .bind(end_week)
            .execute(&mut *transaction)
            .await?;
        sqlx::query(&format!(
            "{INSERT_SEARCH_WEEKS} SELECT{WEEKLY_SEARCHES} FROM search_days \
             WHERE day < $1 GROUP BY 1, 2, 3"
        ))
        .bind(end_week * DAYS_PER_WEEK)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(dropped)
    }
}

fn quoted(kinds: &[EventKind]) -> String {
    kinds
        .iter()
        .map(|kind| format!("'{}'", kind.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}
