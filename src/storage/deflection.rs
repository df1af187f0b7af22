//! Queries for request drafts, self-service events and the figures built from them.

use sqlx::FromRow;

use super::{Database, StorageError, event_rollups, from_json_list, now_millis, to_json_list};
use crate::deflection::{Channel, DraftFields, DraftState, EventKind, RequestDraft};

/// One stored event; see `deflection::events::Event` for what each kind means.
#[derive(Clone, Debug, Default)]
pub struct EventRow {
    pub kind: EventKind,
    pub occurred_at: i64,
    pub visitor_id: Option<String>,
    pub draft_id: Option<String>,
    pub article_slug: Option<String>,
    pub query: Option<String>,
    pub result_count: Option<i64>,
    pub lang: Option<String>,
    pub source: Option<String>,
    pub position: Option<i64>,
    pub ticket_id: Option<i64>,
    pub details: Option<String>,
    pub channel: Option<Channel>,
}

const EVENT_COLUMNS: usize = 13;

#[derive(FromRow)]
struct DraftRow {
    id: String,
    name: String,
    email: String,
    subject: String,
    description: String,
    category: String,
    lang: String,
    state: String,
    suggested_articles: String,
    opened_articles: String,
    ticket_id: Option<i64>,
    channel: String,
}

impl TryFrom<DraftRow> for RequestDraft {
    type Error = StorageError;

    fn try_from(row: DraftRow) -> Result<RequestDraft, StorageError> {
        Ok(RequestDraft {
            state: DraftState::parse(&row.state)
                .ok_or_else(|| StorageError::Corrupt(format!("draft state {:?}", row.state)))?,
            channel: Channel::parse(&row.channel)
                .ok_or_else(|| StorageError::Corrupt(format!("draft channel {:?}", row.channel)))?,
            suggested_articles: from_json_list(&row.suggested_articles)?,
            opened_articles: from_json_list(&row.opened_articles)?,
            fields: DraftFields {
                name: row.name,
                email: row.email,
                subject: row.subject,
                description: row.description,
                category: row.category,
            },
            id: row.id,
            lang: row.lang,
            ticket_id: row.ticket_id,
        })
    }
}

const DRAFT_COLUMNS: &str = "id, name, email, subject, description, category, lang, state, \
     suggested_articles, opened_articles, ticket_id, channel";

impl Database {
    /// Stores a batch of events in one transaction, together with what they add to the
    /// dashboard's daily roll-ups (so the figures of today are exact the moment it commits).
    pub async fn insert_events(&self, rows: &[EventRow]) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        event_rollups::lock_rollups(&mut transaction, self.backend()).await?;
        let mut inserted: Vec<(i64, String)> = Vec::with_capacity(rows.len());
        // Multi-row inserts in chunks keep well under both engines' parameter limits, and
        // small: SQLite looks each `$n` up by name, so a statement costs the square of them.
        for chunk in rows.chunks(64) {
            let mut sql = String::from(
                "INSERT INTO events (kind, occurred_at, visitor_id, draft_id, article_slug, query, \
                 result_count, lang, source, position, ticket_id, details, channel) VALUES ",
            );
            for (row_index, _) in chunk.iter().enumerate() {
                if row_index > 0 {
                    sql.push_str(", ");
                }
                let placeholders: Vec<String> = (1..=EVENT_COLUMNS)
                    .map(|column| format!("${}", row_index * EVENT_COLUMNS + column))
                    .collect();
                sql.push('(');
                sql.push_str(&placeholders.join(", "));
                sql.push(')');
            }
            sql.push_str(" RETURNING id, kind");
            let mut query = sqlx::query_as(&sql);
            for row in chunk {
                query = query
                    .bind(row.kind.as_str())
                    .bind(row.occurred_at)
                    .bind(row.visitor_id.clone())
                    .bind(row.draft_id.clone())
                    .bind(row.article_slug.clone())
                    .bind(row.query.clone())
                    .bind(row.result_count)
                    .bind(row.lang.clone())
                    .bind(row.source.clone())
                    .bind(row.position)
                    .bind(row.ticket_id)
                    .bind(row.details.clone())
                    .bind(row.channel.map(Channel::as_str));
            }
            inserted.extend(query.fetch_all(&mut *transaction).await?);
        }
        event_rollups::roll_up_inserted_events(&mut transaction, rows, &inserted).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Creates an empty draft, optionally with a subject (from a search).
    pub async fn create_draft(
        &self,
        id: &str,
        subject: &str,
        lang: &str,
        channel: Channel,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        sqlx::query("INSERT INTO request_drafts (id, subject, lang, channel, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
            .bind(id)
            .bind(subject)
            .bind(lang)
            .bind(channel.as_str())
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The ids of the open, unfiled drafts a visitor started (by `visitor_key`), those in
    /// `lang` first, then the most recently changed first; at most `limit`.
    pub async fn open_drafts_of_visitor(
        &self,
        visitor_key: &str,
        lang: &str,
        limit: i64,
    ) -> Result<Vec<String>, StorageError> {
        let ids = sqlx::query_scalar(
            "SELECT id FROM request_drafts \
             WHERE visitor_key = $1 AND state = 'open' AND ticket_id IS NULL \
             ORDER BY CASE WHEN lang = $2 THEN 0 ELSE 1 END, updated_at DESC, id LIMIT $3",
        )
        .bind(visitor_key)
        .bind(lang)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(ids)
    }

    /// The draft with this id.
    pub async fn find_draft(&self, id: &str) -> Result<Option<RequestDraft>, StorageError> {
        let sql = format!("SELECT {DRAFT_COLUMNS} FROM request_drafts WHERE id = $1");
        let row: Option<DraftRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(RequestDraft::try_from).transpose()
    }

    /// Saves the form fields of an open draft (creating it if needed). Returns true the first
    /// time the draft holds any text, which is when a request counts as started.
    /// `visitor_key` marks who started a new draft (see `request_flow`); a draft already
    /// stored keeps the one it has.
    pub async fn save_draft_fields(
        &self,
        id: &str,
        fields: &DraftFields,
        lang: &str,
        channel: Channel,
        visitor_key: Option<&str>,
    ) -> Result<bool, StorageError> {
        let now = now_millis();
        let has_text = i64::from(!fields.is_blank());
        let mut transaction = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO request_drafts (id, lang, channel, created_at, updated_at, visitor_key) \
             VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(lang)
        .bind(channel.as_str())
        .bind(now)
        .bind(visitor_key)
        .execute(&mut *transaction)
        .await?;
        let previously_started: i64 =
            sqlx::query_scalar("SELECT started FROM request_drafts WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *transaction)
                .await?;
        sqlx::query(
            "UPDATE request_drafts SET name = $1, email = $2, subject = $3, description = $4, category = $5, \
             started = CASE WHEN started = 1 OR $6 = 1 THEN 1 ELSE 0 END, updated_at = $7 \
             WHERE id = $8 AND state = 'open'",
        )
        .bind(&fields.name)
        .bind(&fields.email)
        .bind(&fields.subject)
        .bind(&fields.description)
        .bind(&fields.category)
        .bind(has_text)
        .bind(now)
        .bind(id)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(previously_started == 0 && has_text == 1)
    }

    /// Remembers articles suggested for a draft (kept in first-shown order, no repeats);
    /// false when there is no such draft.
    pub async fn add_draft_suggestions(
        &self,
        id: &str,
        slugs: &[String],
    ) -> Result<bool, StorageError> {
        let Some(draft) = self.find_draft(id).await? else {
            return Ok(false);
        };
        let mut suggested = draft.suggested_articles;
        for slug in slugs {
            if !suggested.contains(slug) {
                suggested.push(slug.clone());
            }
        }
        sqlx::query("UPDATE request_drafts SET suggested_articles = $1 WHERE id = $2")
            .bind(to_json_list(&suggested))
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(true)
    }

    /// Remembers that the customer opened a suggested article from this draft.
    pub async fn add_draft_opened_article(&self, id: &str, slug: &str) -> Result<(), StorageError> {
        let Some(draft) = self.find_draft(id).await? else {
            return Ok(());
        };
        let mut opened = draft.opened_articles;
        if !opened.iter().any(|s| s == slug) {
            opened.push(slug.to_owned());
        }
        let now = now_millis();
        sqlx::query(
            "UPDATE request_drafts SET opened_articles = $1, first_opened_at = COALESCE(first_opened_at, $2), \
             updated_at = $2 WHERE id = $3",
        )
        .bind(to_json_list(&opened))
        .bind(now)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Moves an open draft to `state`; false when it was no longer open.
    pub async fn close_draft(&self, id: &str, state: DraftState) -> Result<bool, StorageError> {
        let result = sqlx::query("UPDATE request_drafts SET state = $1, updated_at = $2 WHERE id = $3 AND state = 'open'")
            .bind(state.as_str())
            .bind(now_millis())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Deletes drafts never filed whose last change was before `updated_before`.
    pub async fn delete_unsubmitted_drafts(
        &self,
        updated_before: i64,
    ) -> Result<u64, StorageError> {
        let result =
            sqlx::query("DELETE FROM request_drafts WHERE ticket_id IS NULL AND updated_at < $1")
                .bind(updated_before)
                .execute(self.pool())
                .await?;
        Ok(result.rows_affected())
    }

    /// Counts stored drafts (every state).
    pub async fn draft_count(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM request_drafts")
            .fetch_one(self.pool())
            .await?)
    }

    /// Marks open drafts whose customer opened a suggestion and then did nothing since
    /// `idle_before` as abandoned; returns their ids and channels.
    pub async fn abandon_idle_drafts(
        &self,
        idle_before: i64,
    ) -> Result<Vec<(String, Channel)>, StorageError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "UPDATE request_drafts SET state = 'abandoned' WHERE state = 'open' \
             AND first_opened_at IS NOT NULL AND updated_at < $1 RETURNING id, channel",
        )
        .bind(idle_before)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, channel)| match Channel::parse(&channel) {
                Some(channel) => Ok((id, channel)),
                None => Err(StorageError::Corrupt(format!(
                    "draft {id} channel {channel:?}"
                ))),
            })
            .collect()
    }
}
