//! What readers said an article lacked (`migrations/*/0013_…`).

use sqlx::FromRow;

use super::ticket_rows::parse_column;
use super::{Database, StorageError, now_millis};
use crate::i18n::Language;

/// One reader's note on an article that did not answer their question.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReaderNote {
    pub id: i64,
    pub article_id: i64,
    /// The language of the page the reader was on.
    pub lang: Language,
    pub note: String,
    pub created_at: i64,
}

#[derive(FromRow)]
struct ReaderNoteRow {
    id: i64,
    article_id: i64,
    lang: String,
    note: String,
    created_at: i64,
}

impl TryFrom<ReaderNoteRow> for ReaderNote {
    type Error = StorageError;

    fn try_from(row: ReaderNoteRow) -> Result<ReaderNote, StorageError> {
        Ok(ReaderNote {
            lang: parse_column(
                || format!("reader note {}", row.id),
                "lang",
                &row.lang,
                Language::parse,
            )?,
            id: row.id,
            article_id: row.article_id,
            note: row.note,
            created_at: row.created_at,
        })
    }
}

impl Database {
    /// Stores a reader's note on the article with this id.
    pub async fn add_reader_note(
        &self,
        article_id: i64,
        lang: Language,
        note: &str,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO reader_notes (article_id, lang, note, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(article_id)
        .bind(lang.code())
        .bind(note)
        .bind(now_millis())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The article's newest notes first, at most `limit`, and how many it has in all.
    pub async fn reader_notes(
        &self,
        article_id: i64,
        limit: i64,
    ) -> Result<(Vec<ReaderNote>, i64), StorageError> {
        let rows: Vec<ReaderNoteRow> = sqlx::query_as(
            "SELECT id, article_id, lang, note, created_at FROM reader_notes \
             WHERE article_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(article_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM reader_notes WHERE article_id = $1")
                .bind(article_id)
                .fetch_one(self.pool())
                .await?;
        let notes = rows
            .into_iter()
            .map(ReaderNote::try_from)
            .collect::<Result<_, _>>()?;
        Ok((notes, total))
    }
}
