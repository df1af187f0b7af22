//! A deterministic, synthetic help-centre history (tickets, conversations, self-service
//! events) written with multi-row inserts of its own, so the dashboard can be measured on
//! 100,000 tickets and 10,000,000 events. Everything is written here in bulk on one
//! connection of its own, as a bulk load is done: the secondary indexes of the events are
//! dropped first and built again (with their stored definitions) once every row is in, and
//! statements stay small on SQLite, which looks each `$n` parameter up by name (a statement
//! costs the square of its parameters). The events go in without the dashboard's daily
//! roll-ups, which the caller then builds from them in one pass
//! (`Database::rebuild_event_rollups`, as the first start on an older database does).

use std::collections::HashMap;

use answerdesk::accounts::Role;
use answerdesk::deflection::{Channel, EventKind};
use answerdesk::storage::dashboard::DAY_MILLIS;
use answerdesk::storage::{Backend, Database, EventRow};
use sqlx::{AnyConnection, Connection};

/// What to generate.
#[derive(Clone, Debug)]
pub struct SampleHistoryOptions {
    /// Tickets to file.
    pub tickets: usize,
    /// Events in total (one `ticket_filed` and one search per ticket count towards it).
    pub events: usize,
    /// The history ends here (milliseconds since the epoch)…
    pub now: i64,
    /// …and starts this many days earlier.
    pub days: i64,
}

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SampleHistorySummary {
    pub tickets: usize,
    pub messages: usize,
    pub events: usize,
    pub agents: usize,
}

/// A small deterministic generator (xorshift64*): the same options give the same history.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound`.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    /// True with `percent`% probability.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Topics customers search for; those marked `false` have no article (zero results).
const TOPICS: &[(&str, bool)] = &[
    ("reset password", true),
    ("refund", true),
    ("invoice", true),
    ("change email", true),
    ("delete account", true),
    ("two factor authentication", true),
    ("export data", true),
    ("billing address", true),
    ("cancel subscription", true),
    ("upgrade plan", true),
    ("api key", true),
    ("webhooks", true),
    ("import contacts", true),
    ("mobile app login", true),
    ("notification settings", true),
    ("dark mode", false),
    ("api limits", false),
    ("offline mode", false),
    ("calendar sync", false),
    ("custom domain ssl", false),
    ("bulk edit", false),
    ("keyboard shortcuts", false),
];
const WORDING: &[(&str, &str)] = &[("", ""), ("how to ", ""), ("", "?"), ("how do i ", "")];
const LANGUAGES: &[&str] = &["en", "en", "en", "en", "en", "en", "ru", "lv", "lt", "sl"];
const SOURCES: &[&str] = &["search", "suggest", "browse", "direct"];
const ARTICLES: usize = 60;
const AGENTS: usize = 8;
const HOUR: i64 = 60 * 60 * 1000;

/// Rows inserted per transaction.
const BATCH: usize = 10_000;

/// Fills `db` with the sample history. Agents are created as users who cannot sign in.
pub async fn seed_dashboard_history(
    db: &Database,
    options: &SampleHistoryOptions,
) -> anyhow::Result<SampleHistorySummary> {
    let mut generator = Generator(0x9E37_79B9_7F4A_7C15);
    let start = options.now - options.days * DAY_MILLIS;
    let span = (options.now - start).max(1) as u64;

    let mut agents = Vec::new();
    for n in 1..=AGENTS {
        let email = format!("sample-agent-{n}@example.invalid");
        let user = match db.find_user_by_email(&email).await? {
            Some(user) => user,
            // "!" is no password hash: nobody can sign in as a sample agent.
            None => {
                db.insert_user(&email, &format!("Sample agent {n}"), Role::Agent, "!")
                    .await?
            }
        };
        agents.push((user.id, user.name));
    }

    let mut loader = Loader::open(db).await?;
    let mut summary = SampleHistorySummary {
        agents: agents.len(),
        ..SampleHistorySummary::default()
    };
    let ticket_events_budget = options.events / 2;
    let mut events: Vec<EventRow> = Vec::with_capacity(BATCH);
    let mut ticket_number = 0usize;
    while ticket_number < options.tickets {
        let count = BATCH.min(options.tickets - ticket_number);
        let mut tickets = Vec::with_capacity(count);
        let mut visitors = Vec::with_capacity(count);
        for n in ticket_number..ticket_number + count {
            let created_at = start + generator.below(span) as i64;
            let (priority, first_window, resolution_window) = match generator.below(100) {
                0..5 => ("urgent", HOUR, 4 * HOUR),
                5..25 => ("high", 4 * HOUR, 24 * HOUR),
                25..70 => ("medium", 8 * HOUR, 72 * HOUR),
                _ => ("low", 24 * HOUR, 120 * HOUR),
            };
            let age = options.now - created_at;
            let (agent_id, _) = generator.pick(&agents).clone();
            let first_responded_at = (age > 2 * HOUR || generator.chance(30))
                .then(|| created_at + generator.below(2 * first_window as u64) as i64)
                .filter(|at| *at < options.now);
            let resolved_at = first_responded_at
                .filter(|_| age > 3 * DAY_MILLIS && generator.chance(95))
                .map(|at| at + generator.below(2 * resolution_window as u64) as i64)
                .filter(|at| *at < options.now);
            let closed_at = resolved_at
                .filter(|at| options.now - at > 7 * DAY_MILLIS)
                .map(|at| at + 7 * DAY_MILLIS);
            let status = match (first_responded_at, resolved_at, closed_at) {
                (_, _, Some(_)) => "closed",
                (_, Some(_), None) => "resolved",
                (Some(_), None, None) => *generator.pick(&["answered", "open", "postponed"]),
                (None, _, _) => "new",
            };
            let topic = generator.pick(TOPICS).0;
            tickets.push(SampleTicket {
                status_token: format!("sample-{n:012}"),
                name: format!("Customer {n}"),
                email: format!("customer{}@example.com", n % 20_000),
                subject: format!("Question about {topic}"),
                lang: (*generator.pick(LANGUAGES)).to_owned(),
                priority,
                status,
                first_response_due: created_at + first_window,
                resolution_due: created_at + resolution_window,
                first_responded_at,
                resolved_at,
                closed_at,
                satisfaction: resolved_at
                    .filter(|_| generator.chance(30))
                    .map(|_| if generator.chance(80) { "good" } else { "bad" }),
                created_at,
                assignee_id: first_responded_at.map(|_| agent_id),
                resolved_by: resolved_at.map(|_| agent_id),
            });
            visitors.push(format!("visitor-{}", generator.below(200_000)));
        }
        let ids = insert_tickets(&mut loader, &tickets).await?;
        let mut messages = Vec::with_capacity(count * 2);
        let mut suggested = Vec::new();
        for ((ticket, id), visitor) in tickets.iter().zip(&ids).zip(&visitors) {
            messages.push(SampleMessage {
                ticket_id: *id,
                author_kind: "customer",
                author_name: ticket.name.clone(),
                author_user_id: None,
                body: ticket.subject.clone(),
                internal: false,
                created_at: ticket.created_at,
            });
            if let (Some(at), Some(agent)) = (ticket.first_responded_at, ticket.assignee_id) {
                let name = agents
                    .iter()
                    .find(|(id, _)| *id == agent)
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default();
                messages.push(SampleMessage {
                    ticket_id: *id,
                    author_kind: "agent",
                    author_name: name,
                    author_user_id: Some(agent),
                    body: "Thanks, here is how to fix it.".to_owned(),
                    internal: false,
                    created_at: at,
                });
            }
            if generator.chance(50) {
                for position in 1..=(1 + generator.below(3) as i64) {
                    suggested.push((
                        *id,
                        format!("sample-article-{}", generator.below(ARTICLES as u64)),
                        position,
                        generator.chance(40),
                    ));
                }
            }
            // Filing, and the search that preceded it, by the same visitor.
            if summary.events + events.len() + 2 <= ticket_events_budget {
                let topic = generator.pick(TOPICS);
                events.push(EventRow {
                    kind: EventKind::Search,
                    occurred_at: ticket.created_at - 1 - generator.below(30 * 60 * 1000) as i64,
                    visitor_id: Some(visitor.clone()),
                    query: Some(topic.0.to_owned()),
                    result_count: Some(if topic.1 { 3 } else { 0 }),
                    lang: Some(ticket.lang.clone()),
                    ..EventRow::default()
                });
                events.push(EventRow {
                    kind: EventKind::TicketFiled,
                    occurred_at: ticket.created_at,
                    visitor_id: Some(visitor.clone()),
                    ticket_id: Some(*id),
                    ..EventRow::default()
                });
            }
        }
        suggested.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        suggested.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        insert_messages(&mut loader, &messages).await?;
        insert_ticket_articles(&mut loader, &suggested).await?;
        summary.tickets += count;
        summary.messages += messages.len();
        if events.len() >= BATCH {
            insert_raw_events(&mut loader, &events).await?;
            summary.events += events.len();
            events.clear();
        }
        ticket_number += count;
    }
    if !events.is_empty() {
        insert_raw_events(&mut loader, &events).await?;
        summary.events += events.len();
        events.clear();
    }

    // The rest: browsing, searching, feedback and request forms.
    while summary.events < options.events {
        let count = BATCH.min(options.events - summary.events);
        for _ in 0..count {
            events.push(random_event(&mut generator, start, span));
        }
        insert_raw_events(&mut loader, &events).await?;
        summary.events += events.len();
        events.clear();
    }
    loader.finish().await?;
    Ok(summary)
}

/// The connection a sample history is written on, with the events' secondary indexes set
/// aside until [`Loader::finish`].
struct Loader {
    connection: AnyConnection,
    /// Rows per multi-row statement (times the columns, the parameters of one statement).
    rows_per_statement: usize,
    /// (name, `CREATE INDEX …`) of each index dropped for the load.
    dropped_indexes: Vec<(String, String)>,
}

impl Loader {
    async fn open(db: &Database) -> anyhow::Result<Loader> {
        // Detached: the pool never hands this connection (and its large cache) out again.
        let mut connection = db.pool().acquire().await?.detach();
        let (indexes_sql, rows_per_statement) = match db.backend() {
            Backend::Sqlite => {
                sqlx::query("PRAGMA cache_size = -262144")
                    .execute(&mut connection)
                    .await?;
                (
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
                     AND tbl_name = 'events' AND sql IS NOT NULL",
                    100,
                )
            }
            // Indexes behind a constraint (the primary key) stay.
            Backend::Postgres => (
                "SELECT CAST(indexname AS TEXT), indexdef FROM pg_indexes WHERE schemaname = current_schema() \
                 AND tablename = 'events' AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                1000,
            ),
        };
        let dropped_indexes: Vec<(String, String)> = sqlx::query_as(indexes_sql)
            .fetch_all(&mut connection)
            .await?;
        for (name, _) in &dropped_indexes {
            sqlx::query(&format!("DROP INDEX {name}"))
                .execute(&mut connection)
                .await?;
        }
        Ok(Loader {
            connection,
            rows_per_statement,
            dropped_indexes,
        })
    }

    /// Builds the dropped indexes again.
    async fn finish(mut self) -> anyhow::Result<()> {
        for (_, definition) in &self.dropped_indexes {
            sqlx::query(definition)
                .execute(&mut self.connection)
                .await?;
        }
        self.connection.close().await?;
        Ok(())
    }
}

/// A ticket row of the sample history.
#[derive(Clone, Debug, Default)]
struct SampleTicket {
    pub status_token: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub lang: String,
    pub priority: &'static str,
    pub status: &'static str,
    pub first_response_due: i64,
    pub resolution_due: i64,
    pub first_responded_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub satisfaction: Option<&'static str>,
    pub created_at: i64,
    pub assignee_id: Option<i64>,
    pub resolved_by: Option<i64>,
}

/// A message row of the sample history.
#[derive(Clone, Debug)]
struct SampleMessage {
    pub ticket_id: i64,
    pub author_kind: &'static str,
    pub author_name: String,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub internal: bool,
    pub created_at: i64,
}

/// Inserts sample tickets with multi-row statements in one transaction; returns their
/// ids in the order given.
async fn insert_tickets(loader: &mut Loader, tickets: &[SampleTicket]) -> sqlx::Result<Vec<i64>> {
    const COLUMNS: usize = 20;
    let mut ids = Vec::with_capacity(tickets.len());
    let rows = (loader.rows_per_statement / 2).max(1);
    let mut transaction = loader.connection.begin().await?;
    for chunk in tickets.chunks(rows) {
        let mut sql = String::from(
            "INSERT INTO tickets (status_token, name, email, subject, description, lang, priority, \
             status, channel, first_response_due, resolution_due, first_responded_at, resolved_at, \
             closed_at, satisfaction, created_at, updated_at, assignee_id, resolved_by, category) VALUES ",
        );
        push_placeholders(&mut sql, chunk.len(), COLUMNS);
        sql.push_str(" RETURNING id, status_token");
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for ticket in chunk {
            query = query
                .bind(&ticket.status_token)
                .bind(&ticket.name)
                .bind(&ticket.email)
                .bind(&ticket.subject)
                .bind(&ticket.subject)
                .bind(&ticket.lang)
                .bind(ticket.priority)
                .bind(ticket.status)
                .bind(Channel::WebForm.as_str())
                .bind(ticket.first_response_due)
                .bind(ticket.resolution_due)
                .bind(ticket.first_responded_at)
                .bind(ticket.resolved_at)
                .bind(ticket.closed_at)
                .bind(ticket.satisfaction)
                .bind(ticket.created_at)
                .bind(ticket.created_at)
                .bind(ticket.assignee_id)
                .bind(ticket.resolved_by)
                .bind("");
        }
        let returned = query.fetch_all(&mut *transaction).await?;
        // Matched by token, so the order RETURNING happens to use does not matter.
        let by_token: HashMap<String, i64> = returned
            .into_iter()
            .map(|(id, token)| (token, id))
            .collect();
        for ticket in chunk {
            let id = by_token.get(&ticket.status_token).copied().ok_or_else(|| {
                sqlx::Error::Protocol(format!("no id returned for {}", ticket.status_token))
            })?;
            ids.push(id);
        }
    }
    transaction.commit().await?;
    Ok(ids)
}

/// Inserts sample events with multi-row statements in one transaction, leaving the roll-ups
/// to [`Database::rebuild_event_rollups`].
async fn insert_raw_events(loader: &mut Loader, events: &[EventRow]) -> sqlx::Result<()> {
    const COLUMNS: usize = 12;
    let rows = loader.rows_per_statement;
    let mut transaction = loader.connection.begin().await?;
    for chunk in events.chunks(rows) {
        let mut sql = String::from(
            "INSERT INTO events (kind, occurred_at, visitor_id, draft_id, article_slug, query, \
             result_count, lang, source, position, ticket_id, channel) VALUES ",
        );
        push_placeholders(&mut sql, chunk.len(), COLUMNS);
        let mut query = sqlx::query(&sql);
        for event in chunk {
            query = query
                .bind(event.kind.as_str())
                .bind(event.occurred_at)
                .bind(event.visitor_id.clone())
                .bind(event.draft_id.clone())
                .bind(event.article_slug.clone())
                .bind(event.query.clone())
                .bind(event.result_count)
                .bind(event.lang.clone())
                .bind(event.source.clone())
                .bind(event.position)
                .bind(event.ticket_id)
                .bind(event.channel.map(Channel::as_str));
        }
        query.execute(&mut *transaction).await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Inserts sample conversation messages in one transaction.
async fn insert_messages(loader: &mut Loader, messages: &[SampleMessage]) -> sqlx::Result<()> {
    const COLUMNS: usize = 7;
    let rows = loader.rows_per_statement;
    let mut transaction = loader.connection.begin().await?;
    for chunk in messages.chunks(rows) {
        let mut sql = String::from(
            "INSERT INTO ticket_messages (ticket_id, author_kind, author_name, author_user_id, body, internal, created_at) VALUES ",
        );
        push_placeholders(&mut sql, chunk.len(), COLUMNS);
        let mut query = sqlx::query(&sql);
        for message in chunk {
            query = query
                .bind(message.ticket_id)
                .bind(message.author_kind)
                .bind(&message.author_name)
                .bind(message.author_user_id)
                .bind(&message.body)
                .bind(i64::from(message.internal))
                .bind(message.created_at);
        }
        query.execute(&mut *transaction).await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Inserts sample "suggested before filing" rows: (ticket id, slug, position, opened).
async fn insert_ticket_articles(
    loader: &mut Loader,
    rows: &[(i64, String, i64, bool)],
) -> sqlx::Result<()> {
    const COLUMNS: usize = 4;
    let chunk_rows = loader.rows_per_statement;
    let mut transaction = loader.connection.begin().await?;
    for chunk in rows.chunks(chunk_rows) {
        let mut sql = String::from(
            "INSERT INTO ticket_articles (ticket_id, article_slug, position, opened) VALUES ",
        );
        push_placeholders(&mut sql, chunk.len(), COLUMNS);
        let mut query = sqlx::query(&sql);
        for (ticket_id, slug, position, opened) in chunk {
            query = query
                .bind(*ticket_id)
                .bind(slug)
                .bind(*position)
                .bind(i64::from(*opened));
        }
        query.execute(&mut *transaction).await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Recomputes every ticket's inbox order (next SLA due time, priority rank) from its stored
/// fields, as migration 0005 does: filing maintains these columns, bulk inserts do not.
pub async fn refresh_inbox_order(db: &Database) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE tickets SET \
            sla_due_at = CASE \
                WHEN status IN ('resolved', 'closed') THEN 9223372036854775807 \
                WHEN first_responded_at IS NULL THEN first_response_due \
                ELSE resolution_due END, \
            priority_rank = CASE priority WHEN 'urgent' THEN 3 WHEN 'high' THEN 2 \
                WHEN 'medium' THEN 1 ELSE 0 END",
    )
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Refreshes the query planner's statistics (and, on PostgreSQL, the visibility map that
/// index-only scans need), as a live database's maintenance would.
pub async fn analyze(db: &Database) -> sqlx::Result<()> {
    let statement = match db.backend() {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::query(statement).execute(db.pool()).await?;
    Ok(())
}

/// `($1, $2, …), ($n+1, …)` for `rows` rows of `columns` values.
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

fn random_event(generator: &mut Generator, start: i64, span: u64) -> EventRow {
    let base = EventRow {
        occurred_at: start + generator.below(span) as i64,
        visitor_id: Some(format!("visitor-{}", generator.below(200_000))),
        ..EventRow::default()
    };
    let slug = format!("sample-article-{}", generator.below(ARTICLES as u64));
    let draft = format!("sample-draft-{}", generator.below(300_000));
    match generator.below(100) {
        0..40 => {
            let (topic, found) = *generator.pick(TOPICS);
            let (before, after) = *generator.pick(WORDING);
            EventRow {
                kind: EventKind::Search,
                query: Some(format!("{before}{topic}{after}")),
                result_count: Some(if found {
                    1 + generator.below(9) as i64
                } else {
                    0
                }),
                lang: Some((*generator.pick(LANGUAGES)).to_owned()),
                ..base
            }
        }
        40..70 => EventRow {
            kind: EventKind::ArticleViewed,
            article_slug: Some(slug),
            source: Some((*generator.pick(SOURCES)).to_owned()),
            ..base
        },
        70..78 => EventRow {
            kind: EventKind::SuggestionShown,
            article_slug: Some(slug),
            draft_id: Some(draft),
            position: Some(1),
            ..base
        },
        78..84 => EventRow {
            kind: if generator.chance(70) {
                EventKind::HelpfulYes
            } else {
                EventKind::HelpfulNo
            },
            article_slug: Some(slug),
            ..base
        },
        84..93 => EventRow {
            kind: EventKind::RequestStarted,
            draft_id: Some(draft),
            ..base
        },
        93..97 => EventRow {
            kind: EventKind::Deflected,
            draft_id: Some(draft),
            article_slug: Some(slug),
            visitor_id: None,
            ..base
        },
        _ => EventRow {
            kind: EventKind::RequestAbandoned,
            draft_id: Some(draft),
            visitor_id: None,
            ..base
        },
    }
}
