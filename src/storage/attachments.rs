//! Attachment rows: which draft or message a kept file belongs to, its name, type and size.

use std::collections::HashSet;

use sqlx::FromRow;

use super::{Database, StorageError, now_millis};
use crate::attachments::{Attachment, ContentHash, MediaType, NewAttachment};

const COLUMNS: &str = "id, message_id, content_hash, file_name, media_type, size_bytes, internal";

#[derive(FromRow)]
struct AttachmentRow {
    id: i64,
    message_id: Option<i64>,
    content_hash: String,
    file_name: String,
    media_type: String,
    size_bytes: i64,
    internal: i64,
}

impl TryFrom<AttachmentRow> for Attachment {
    type Error = StorageError;

    fn try_from(row: AttachmentRow) -> Result<Attachment, StorageError> {
        let corrupt = |column: &'static str, value: String| StorageError::CorruptValue {
            what: format!("attachment {}", row.id),
            column,
            value,
        };
        Ok(Attachment {
            id: row.id,
            message_id: row.message_id,
            hash: ContentHash::parse(&row.content_hash)
                .ok_or_else(|| corrupt("content_hash", row.content_hash.clone()))?,
            media_type: MediaType::parse(&row.media_type)
                .ok_or_else(|| corrupt("media_type", row.media_type.clone()))?,
            size: u64::try_from(row.size_bytes)
                .map_err(|_| corrupt("size_bytes", row.size_bytes.to_string()))?,
            name: row.file_name,
            internal: row.internal != 0,
        })
    }
}

/// Where new attachment rows go.
pub(super) enum AttachedTo {
    Draft(String),
    Message {
        ticket_id: i64,
        message_id: i64,
        internal: bool,
    },
}

/// Inserts one row per file, inside the caller's transaction.
pub(super) async fn insert_attachments(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    to: &AttachedTo,
    files: &[NewAttachment],
) -> Result<(), StorageError> {
    let now = now_millis();
    for file in files {
        let (draft, ticket, message, internal) = match to {
            AttachedTo::Draft(id) => (Some(id.as_str()), None, None, false),
            AttachedTo::Message {
                ticket_id,
                message_id,
                internal,
            } => (None, Some(*ticket_id), Some(*message_id), *internal),
        };
        sqlx::query(
            "INSERT INTO attachments (content_hash, file_name, media_type, size_bytes, draft_id, \
             ticket_id, message_id, internal, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(file.hash.as_str())
        .bind(&file.name)
        .bind(file.media_type.as_str())
        .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
        .bind(draft)
        .bind(ticket)
        .bind(message)
        .bind(i64::from(internal))
        .bind(now)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

/// Moves a draft's files to the ticket's first message (filing), inside its transaction.
pub(super) async fn move_draft_attachments(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    draft_id: &str,
    ticket_id: i64,
    message_id: i64,
) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE attachments SET draft_id = NULL, ticket_id = $1, message_id = $2 WHERE draft_id = $3",
    )
    .bind(ticket_id)
    .bind(message_id)
    .bind(draft_id)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

impl Database {
    /// The files waiting in a request draft, in the order attached.
    pub async fn draft_attachments(&self, draft_id: &str) -> Result<Vec<Attachment>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM attachments WHERE draft_id = $1 ORDER BY id");
        let rows: Vec<AttachmentRow> = sqlx::query_as(&sql)
            .bind(draft_id)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(Attachment::try_from).collect()
    }

    /// Adds kept files to a stored draft and takes away those the customer removed, in one
    /// transaction.
    pub async fn change_draft_attachments(
        &self,
        draft_id: &str,
        add: &[NewAttachment],
        remove: &[i64],
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        for id in remove {
            sqlx::query("DELETE FROM attachments WHERE id = $1 AND draft_id = $2")
                .bind(id)
                .bind(draft_id)
                .execute(&mut *transaction)
                .await?;
        }
        insert_attachments(
            &mut transaction,
            &AttachedTo::Draft(draft_id.to_owned()),
            add,
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Every file of a ticket's messages, oldest first; those of internal notes only when asked.
    pub async fn ticket_attachments(
        &self,
        ticket_id: i64,
        include_internal: bool,
    ) -> Result<Vec<Attachment>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM attachments WHERE ticket_id = $1 AND (internal = 0 OR $2 = 1) ORDER BY id"
        );
        let rows: Vec<AttachmentRow> = sqlx::query_as(&sql)
            .bind(ticket_id)
            .bind(i64::from(include_internal))
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(Attachment::try_from).collect()
    }

    /// One file of one ticket; `None` when it is another ticket's (or a draft's).
    pub async fn find_ticket_attachment(
        &self,
        ticket_id: i64,
        attachment_id: i64,
    ) -> Result<Option<Attachment>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM attachments WHERE ticket_id = $1 AND id = $2");
        let row: Option<AttachmentRow> = sqlx::query_as(&sql)
            .bind(ticket_id)
            .bind(attachment_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(Attachment::try_from).transpose()
    }

    /// Deletes everything stored of one ticket, for a privacy request: its conversation,
    /// history, file rows, its emails and the draft it was filed from. Returns the hashes of
    /// its files (the caller removes those nothing else refers to), `None` when no such
    /// ticket exists.
    pub async fn delete_ticket_data(
        &self,
        ticket_id: i64,
    ) -> Result<Option<Vec<ContentHash>>, StorageError> {
        let mut transaction = self.begin_write().await?;
        let hashes: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT content_hash FROM attachments WHERE ticket_id = $1",
        )
        .bind(ticket_id)
        .fetch_all(&mut *transaction)
        .await?;
        sqlx::query("DELETE FROM outbox WHERE ticket_id = $1")
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM request_drafts WHERE ticket_id = $1")
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        // Messages, history, tags, articles and attachment rows go with it (ON DELETE CASCADE).
        let deleted = sqlx::query("DELETE FROM tickets WHERE id = $1")
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        transaction.commit().await?;
        Ok((deleted > 0).then(|| {
            hashes
                .iter()
                .filter_map(|hash| ContentHash::parse(hash))
                .collect()
        }))
    }

    /// Every hash some draft or message still refers to (the store removes the rest).
    pub async fn referenced_file_hashes(&self) -> Result<HashSet<ContentHash>, StorageError> {
        let hashes: Vec<String> = sqlx::query_scalar(
            "SELECT content_hash FROM attachments UNION SELECT content_hash FROM article_images",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(hashes
            .iter()
            .filter_map(|hash| ContentHash::parse(hash))
            .collect())
    }
}
