//! Queries behind the agents' inbox and the ticket page's side panels.
//!
//! Every inbox view is one indexed query for the page (a range after the cursor's ticket on
//! an index in the view's order, `LIMIT`) and one `COUNT(*)` over the same filter; the tab counts are a handful of
//! indexed counts. Nothing loads all tickets.

use sqlx::FromRow;

use super::ticket_rows::{list_column, parse_column};
use super::{Backend, Database, StorageError};
use crate::tickets::inbox::{
    ACTIVE_STATUSES, AssigneeFilter, CursorSide, InboxCounts, InboxCursor, InboxFilter, InboxRow,
    InboxSearch, InboxSort, SlaFilter, priority_rank,
};
use crate::tickets::sla::DUE_SOON_WINDOW;
use crate::tickets::ticket::next_sla_due;
use crate::tickets::{TicketPriority, TicketStatus};

/// An earlier (or later) ticket from the same customer.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RelatedTicket {
    pub id: i64,
    pub subject: String,
    pub status: TicketStatus,
    pub created_at: i64,
}

#[derive(FromRow)]
struct RelatedTicketRow {
    id: i64,
    subject: String,
    status: String,
    created_at: i64,
}

impl TryFrom<RelatedTicketRow> for RelatedTicket {
    type Error = StorageError;

    fn try_from(row: RelatedTicketRow) -> Result<RelatedTicket, StorageError> {
        Ok(RelatedTicket {
            status: parse_column(
                || format!("ticket {}", row.id),
                "status",
                &row.status,
                TicketStatus::parse,
            )?,
            id: row.id,
            subject: row.subject,
            created_at: row.created_at,
        })
    }
}

/// One line of the inbox as stored.
#[derive(FromRow)]
struct InboxRowData {
    id: i64,
    subject: String,
    name: String,
    email: String,
    status: String,
    priority: String,
    tags: String,
    category: String,
    lang: String,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
    sla_due_at: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<InboxRowData> for InboxRow {
    type Error = StorageError;

    fn try_from(row: InboxRowData) -> Result<InboxRow, StorageError> {
        let what = || format!("ticket {}", row.id);
        Ok(InboxRow {
            status: parse_column(what, "status", &row.status, TicketStatus::parse)?,
            priority: parse_column(what, "priority", &row.priority, TicketPriority::parse)?,
            tags: list_column(what, "tags", &row.tags)?,
            id: row.id,
            subject: row.subject,
            name: row.name,
            email: row.email,
            category: row.category,
            lang: row.lang,
            assignee_id: row.assignee_id,
            assignee_name: row.assignee_name,
            sla_due_at: row.sla_due_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// An article suggested before filing, with its title when it still exists.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct TicketArticleView {
    pub article_slug: String,
    pub title: Option<String>,
    pub position: i64,
    pub opened: i64,
}

/// A value bound to a numbered placeholder of a query built at run time.
enum Bind {
    Int(i64),
    Text(String),
}

/// WHERE conditions with their values, numbered in the order they are added.
#[derive(Default)]
struct Conditions {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Conditions {
    /// The next placeholder, `$n`, for `value`.
    fn placeholder(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    fn add(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    fn statuses(&mut self, statuses: &[TicketStatus]) {
        let list: Vec<String> = statuses
            .iter()
            .map(|s| self.placeholder(Bind::Text(s.as_str().to_owned())))
            .collect();
        self.add(format!("t.status IN ({})", list.join(", ")));
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn bind_all_as<'q, T>(
        &'q self,
        mut query: sqlx::query::QueryAs<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>> {
        for bind in &self.binds {
            query = match bind {
                Bind::Int(value) => query.bind(*value),
                Bind::Text(value) => query.bind(value.as_str()),
            };
        }
        query
    }
}

fn due_soon_millis() -> i64 {
    i64::try_from(DUE_SOON_WINDOW.as_millis()).unwrap_or(i64::MAX)
}

/// `text` as a `LIKE` pattern matching it anywhere, its own `%`, `_` and `\\` taken literally
/// (with `ESCAPE '\\'`).
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn inbox_conditions(
    filter: &InboxFilter,
    viewer_id: i64,
    now: i64,
    backend: Backend,
) -> Conditions {
    let mut conditions = Conditions::default();
    if let Some(statuses) = filter.status.statuses() {
        conditions.statuses(&statuses);
    }
    if let Some(priority) = filter.priority {
        let p = conditions.placeholder(Bind::Int(priority_rank(priority)));
        conditions.add(format!("t.priority_rank = {p}"));
    }
    if let Some(tag) = &filter.tag {
        let p = conditions.placeholder(Bind::Text(tag.clone()));
        conditions.add(format!(
            "t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = {p})"
        ));
    }
    if let Some(category) = &filter.category {
        let p = conditions.placeholder(Bind::Text(category.clone()));
        conditions.add(format!("t.category = {p}"));
    }
    if let Some(lang) = filter.lang {
        let p = conditions.placeholder(Bind::Text(lang.code().to_owned()));
        conditions.add(format!("t.lang = {p}"));
    }
    match filter.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Unassigned => conditions.add("t.assignee_id IS NULL".to_owned()),
        AssigneeFilter::Mine => {
            let p = conditions.placeholder(Bind::Int(viewer_id));
            conditions.add(format!("t.assignee_id = {p}"));
        }
        AssigneeFilter::Agent(id) => {
            let p = conditions.placeholder(Bind::Int(id));
            conditions.add(format!("t.assignee_id = {p}"));
        }
    }
    match filter.sla {
        SlaFilter::Any => {}
        SlaFilter::Breached => {
            let p = conditions.placeholder(Bind::Int(now));
            conditions.add(format!("t.sla_due_at <= {p}"));
        }
        SlaFilter::DueSoon => {
            let lower = conditions.placeholder(Bind::Int(now));
            let upper = conditions.placeholder(Bind::Int(now.saturating_add(due_soon_millis())));
            conditions.add(format!(
                "t.sla_due_at > {lower} AND t.sla_due_at <= {upper}"
            ));
        }
    }
    if let Some(search) = &filter.search {
        // Every term somewhere in the ticket: its subject, the customer's name or email, or
        // a message of the conversation (the request itself is the first one; agents'
        // replies and internal notes count too, as only staff search here).
        let like = match backend {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        };
        for term in &search.terms {
            let mut alternatives = Vec::new();
            for spelling in InboxSearch::spellings(term) {
                let p = conditions.placeholder(Bind::Text(contains_pattern(&spelling)));
                let matches = |column: &str| format!("{column} {like} {p} ESCAPE '\\'");
                alternatives.push(format!(
                    "{} OR {} OR {} OR EXISTS (SELECT 1 FROM ticket_messages m \
                     WHERE m.ticket_id = t.id AND {})",
                    matches("t.subject"),
                    matches("t.name"),
                    matches("t.email"),
                    matches("m.body"),
                ));
            }
            conditions.add(format!("({})", alternatives.join(" OR ")));
        }
    }
    conditions
}

impl Database {
    /// One page of an inbox view and the number of tickets the view holds: `limit` tickets
    /// after (or, for [`CursorSide::Before`], the `limit` just before, nearest first) the
    /// cursor's ticket in the view's order, or from `offset` without a cursor.
    pub async fn inbox_tickets(
        &self,
        filter: &InboxFilter,
        viewer_id: i64,
        now: i64,
        cursor: Option<InboxCursor>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<InboxRow>, i64), StorageError> {
        let mut conditions = inbox_conditions(filter, viewer_id, now, self.backend());
        let where_sql = conditions.where_sql();
        let count_sql = format!("SELECT COUNT(*) FROM tickets t{where_sql}");
        let total: i64 = conditions
            .bind_all_as(sqlx::query_as::<_, (i64,)>(&count_sql))
            .fetch_one(self.pool())
            .await?
            .0;
        let backwards = cursor.map(|c| c.side) == Some(CursorSide::Before);
        let order = match (filter.sort, backwards) {
            (InboxSort::SlaDue, false) => "t.sla_due_at, t.id",
            (InboxSort::SlaDue, true) => "t.sla_due_at DESC, t.id DESC",
            (InboxSort::Newest, false) => "t.created_at DESC, t.id DESC",
            (InboxSort::Newest, true) => "t.created_at, t.id",
            (InboxSort::Priority, false) => "t.priority_rank DESC, t.sla_due_at, t.id",
            (InboxSort::Priority, true) => "t.priority_rank, t.sla_due_at DESC, t.id DESC",
        };
        if let Some(cursor) = cursor {
            // "Later in the view than the cursor's ticket" (or earlier, going back), as a
            // condition the view's index answers with a range.
            let later = if backwards { "<" } else { ">" };
            let earlier = if backwards { ">" } else { "<" };
            let due = conditions.placeholder(Bind::Int(cursor.sla_due_at));
            let id = conditions.placeholder(Bind::Int(cursor.id));
            let clause = match filter.sort {
                InboxSort::SlaDue => format!(
                    "(t.sla_due_at {later} {due} OR (t.sla_due_at = {due} AND t.id {later} {id}))"
                ),
                InboxSort::Newest => {
                    let created = conditions.placeholder(Bind::Int(cursor.created_at));
                    format!(
                        "(t.created_at {earlier} {created} OR (t.created_at = {created} AND t.id {earlier} {id}))"
                    )
                }
                InboxSort::Priority => {
                    let rank = conditions.placeholder(Bind::Int(cursor.priority_rank));
                    format!(
                        "(t.priority_rank {earlier} {rank} OR (t.priority_rank = {rank} AND \
                         (t.sla_due_at {later} {due} OR (t.sla_due_at = {due} AND t.id {later} {id}))))"
                    )
                }
            };
            conditions.add(clause);
        }
        let where_sql = conditions.where_sql();
        let limit_placeholder = conditions.placeholder(Bind::Int(limit));
        let offset_placeholder = conditions.placeholder(Bind::Int(offset));
        let sql = format!(
            "SELECT t.id, t.subject, t.name, t.email, t.status, t.priority, t.tags, t.category, \
             t.lang, t.assignee_id, u.name AS assignee_name, t.sla_due_at, t.created_at, t.updated_at \
             FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id{where_sql} \
             ORDER BY {order} LIMIT {limit_placeholder} OFFSET {offset_placeholder}"
        );
        let rows = conditions
            .bind_all_as(sqlx::query_as::<_, InboxRowData>(&sql))
            .fetch_all(self.pool())
            .await?;
        let rows = rows
            .into_iter()
            .map(InboxRow::try_from)
            .collect::<Result<_, _>>()?;
        Ok((rows, total))
    }

    /// The inbox tab counts for `viewer_id` at `now`.
    pub async fn inbox_counts(
        &self,
        viewer_id: i64,
        now: i64,
    ) -> Result<InboxCounts, StorageError> {
        let stored: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM tickets GROUP BY status")
                .fetch_all(self.pool())
                .await?;
        let by_status = stored
            .into_iter()
            .map(|(status, count)| {
                let what = || "tickets".to_owned();
                Ok((
                    parse_column(what, "status", &status, TicketStatus::parse)?,
                    count,
                ))
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        let all = by_status.iter().map(|(_, count)| count).sum();
        let active = by_status
            .iter()
            .filter(|(status, _)| ACTIVE_STATUSES.contains(status))
            .map(|(_, count)| count)
            .sum();
        let count = |extra: &str, binds: Vec<Bind>| {
            let mut conditions = Conditions::default();
            conditions.statuses(&ACTIVE_STATUSES);
            let mut clause = extra.to_owned();
            for bind in binds {
                let placeholder = conditions.placeholder(bind);
                clause = clause.replacen('?', &placeholder, 1);
            }
            conditions.add(clause);
            conditions
        };
        let queries = [
            count("t.assignee_id = ?", vec![Bind::Int(viewer_id)]),
            count("t.assignee_id IS NULL", vec![]),
            count("t.sla_due_at <= ?", vec![Bind::Int(now)]),
            count(
                "t.sla_due_at > ? AND t.sla_due_at <= ?",
                vec![
                    Bind::Int(now),
                    Bind::Int(now.saturating_add(due_soon_millis())),
                ],
            ),
        ];
        let mut results = [0_i64; 4];
        for (result, conditions) in results.iter_mut().zip(&queries) {
            let sql = format!("SELECT COUNT(*) FROM tickets t{}", conditions.where_sql());
            *result = conditions
                .bind_all_as(sqlx::query_as::<_, (i64,)>(&sql))
                .fetch_one(self.pool())
                .await?
                .0;
        }
        let [mine, unassigned, breached, due_soon] = results;
        Ok(InboxCounts {
            by_status,
            active,
            all,
            mine,
            unassigned,
            breached,
            due_soon,
        })
    }

    /// Other tickets from the same email, newest first.
    pub async fn tickets_from_email(
        &self,
        email: &str,
        except_id: i64,
        limit: i64,
    ) -> Result<Vec<RelatedTicket>, StorageError> {
        let rows: Vec<RelatedTicketRow> = sqlx::query_as(
            "SELECT id, subject, status, created_at FROM tickets WHERE email = $1 AND id <> $2 \
             ORDER BY created_at DESC, id DESC LIMIT $3",
        )
        .bind(email)
        .bind(except_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(RelatedTicket::try_from).collect()
    }

    /// The articles suggested before filing, with their titles.
    pub async fn ticket_articles_with_titles(
        &self,
        ticket_id: i64,
    ) -> Result<Vec<TicketArticleView>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT ta.article_slug, a.title, ta.position, ta.opened FROM ticket_articles ta \
             LEFT JOIN articles a ON a.slug = ta.article_slug WHERE ta.ticket_id = $1 ORDER BY ta.position",
        )
        .bind(ticket_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Sets a ticket's SLA due times directly, with the next due time the domain's rule gives
    /// them. A fixture for tests that need a breached or nearly due ticket without waiting;
    /// the product changes due times only through `tickets::agent_work::change_priority`.
    #[doc(hidden)]
    pub async fn set_ticket_due_times(
        &self,
        ticket_id: i64,
        first_response_due: i64,
        resolution_due: i64,
    ) -> Result<(), StorageError> {
        let ticket = self
            .find_ticket_by_id(ticket_id)
            .await?
            .ok_or_else(|| StorageError::Corrupt(format!("no ticket {ticket_id}")))?;
        let sla_due_at = next_sla_due(
            ticket.status,
            ticket.first_responded_at,
            first_response_due,
            resolution_due,
        );
        sqlx::query(
            "UPDATE tickets SET first_response_due = $1, resolution_due = $2, sla_due_at = $3 \
             WHERE id = $4",
        )
        .bind(first_response_due)
        .bind(resolution_due)
        .bind(sla_due_at)
        .bind(ticket_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

/// Replaces a ticket's rows in `ticket_tags` with `tags` (kept in step with `tickets.tags`).
pub(super) async fn replace_ticket_tags(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    ticket_id: i64,
    tags: &[String],
) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM ticket_tags WHERE ticket_id = $1")
        .bind(ticket_id)
        .execute(&mut **transaction)
        .await?;
    let mut seen: Vec<&str> = Vec::new();
    for tag in tags {
        if seen.contains(&tag.as_str()) {
            continue;
        }
        seen.push(tag);
        sqlx::query("INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)")
            .bind(ticket_id)
            .bind(tag)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}
