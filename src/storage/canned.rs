//! Canned responses and their variants per language (`migrations/*/0008_…`): a response's
//! own text is the default; a variant replaces it on tickets written in its language.

use sqlx::FromRow;

use super::ticket_rows::parse_column;
use super::{Database, StorageError, now_millis};
use crate::i18n::Language;

/// A saved reply with placeholders.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct CannedResponse {
    pub id: i64,
    pub title: String,
    /// The default text, inserted when the ticket's language has no variant.
    pub body: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A canned response's text in one language.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CannedVariant {
    pub canned_id: i64,
    pub lang: Language,
    pub body: String,
    pub updated_at: i64,
}

#[derive(FromRow)]
struct CannedVariantRow {
    canned_id: i64,
    lang: String,
    body: String,
    updated_at: i64,
}

impl TryFrom<CannedVariantRow> for CannedVariant {
    type Error = StorageError;

    fn try_from(row: CannedVariantRow) -> Result<CannedVariant, StorageError> {
        Ok(CannedVariant {
            lang: parse_column(
                || format!("canned response {}", row.canned_id),
                "lang",
                &row.lang,
                Language::parse,
            )?,
            canned_id: row.canned_id,
            body: row.body,
            updated_at: row.updated_at,
        })
    }
}

impl Database {
    /// Every canned response, by title.
    pub async fn canned_responses(&self) -> Result<Vec<CannedResponse>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT id, title, body, created_by, created_at, updated_at FROM canned_responses ORDER BY title, id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// One canned response.
    pub async fn find_canned_response(
        &self,
        id: i64,
    ) -> Result<Option<CannedResponse>, StorageError> {
        let row = sqlx::query_as(
            "SELECT id, title, body, created_by, created_at, updated_at FROM canned_responses WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row)
    }

    /// Stores a new canned response; returns its id.
    pub async fn insert_canned_response(
        &self,
        title: &str,
        body: &str,
        created_by: i64,
    ) -> Result<i64, StorageError> {
        let now = now_millis();
        let id = sqlx::query_scalar(
            "INSERT INTO canned_responses (title, body, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(title)
        .bind(body)
        .bind(created_by)
        .bind(now)
        .fetch_one(self.pool())
        .await?;
        Ok(id)
    }

    /// Changes a canned response; false when it does not exist.
    pub async fn update_canned_response(
        &self,
        id: i64,
        title: &str,
        body: &str,
    ) -> Result<bool, StorageError> {
        let result = sqlx::query(
            "UPDATE canned_responses SET title = $1, body = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(title)
        .bind(body)
        .bind(now_millis())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Deletes a canned response with its variants; false when it did not exist.
    pub async fn delete_canned_response(&self, id: i64) -> Result<bool, StorageError> {
        let mut transaction = self.begin_write().await?;
        sqlx::query("DELETE FROM canned_response_variants WHERE canned_id = $1")
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        let result = sqlx::query("DELETE FROM canned_responses WHERE id = $1")
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(result.rows_affected() > 0)
    }

    /// Every variant of every canned response, by response, in the order of
    /// [`Language::ALL`].
    pub async fn canned_variants(&self) -> Result<Vec<CannedVariant>, StorageError> {
        let rows: Vec<CannedVariantRow> = sqlx::query_as(
            "SELECT canned_id, lang, body, updated_at FROM canned_response_variants \
             ORDER BY canned_id, lang",
        )
        .fetch_all(self.pool())
        .await?;
        let mut variants = rows
            .into_iter()
            .map(CannedVariant::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        variants.sort_by_key(|variant| (variant.canned_id, variant.lang));
        Ok(variants)
    }

    /// The variant of canned response `canned_id` in `lang`, if it has one.
    pub async fn find_canned_variant(
        &self,
        canned_id: i64,
        lang: Language,
    ) -> Result<Option<CannedVariant>, StorageError> {
        let row: Option<CannedVariantRow> = sqlx::query_as(
            "SELECT canned_id, lang, body, updated_at FROM canned_response_variants \
             WHERE canned_id = $1 AND lang = $2",
        )
        .bind(canned_id)
        .bind(lang.code())
        .fetch_optional(self.pool())
        .await?;
        row.map(CannedVariant::try_from).transpose()
    }

    /// Adds the variant of canned response `canned_id` in `lang`, or replaces its text.
    pub async fn save_canned_variant(
        &self,
        canned_id: i64,
        lang: Language,
        body: &str,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO canned_response_variants (canned_id, lang, body, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (canned_id, lang) \
             DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(canned_id)
        .bind(lang.code())
        .bind(body)
        .bind(now_millis())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Removes the variant in `lang`; false when there was none.
    pub async fn delete_canned_variant(
        &self,
        canned_id: i64,
        lang: Language,
    ) -> Result<bool, StorageError> {
        let result =
            sqlx::query("DELETE FROM canned_response_variants WHERE canned_id = $1 AND lang = $2")
                .bind(canned_id)
                .bind(lang.code())
                .execute(self.pool())
                .await?;
        Ok(result.rows_affected() > 0)
    }
}
