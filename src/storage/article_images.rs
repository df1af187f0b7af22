//! Article image rows: which article may show a kept image, its name, type and size.

use sqlx::FromRow;

use super::{Database, StorageError, now_millis};
use crate::attachments::{ContentHash, MediaType, NewAttachment};

/// An image kept for an article, as stored.
#[derive(Clone, Debug)]
pub struct ArticleImage {
    pub hash: ContentHash,
    pub name: String,
    pub media_type: MediaType,
    pub size: u64,
}

#[derive(FromRow)]
struct ImageRow {
    content_hash: String,
    file_name: String,
    media_type: String,
    size_bytes: i64,
}

impl TryFrom<ImageRow> for ArticleImage {
    type Error = StorageError;

    fn try_from(row: ImageRow) -> Result<ArticleImage, StorageError> {
        let corrupt = |column: &'static str, value: String| StorageError::CorruptValue {
            what: format!("article image {}", row.content_hash),
            column,
            value,
        };
        Ok(ArticleImage {
            hash: ContentHash::parse(&row.content_hash)
                .ok_or_else(|| corrupt("content_hash", row.content_hash.clone()))?,
            media_type: MediaType::parse(&row.media_type)
                .filter(|t| t.is_image())
                .ok_or_else(|| corrupt("media_type", row.media_type.clone()))?,
            size: u64::try_from(row.size_bytes)
                .map_err(|_| corrupt("size_bytes", row.size_bytes.to_string()))?,
            name: row.file_name,
        })
    }
}

impl Database {
    /// Records that `article_id` may show the kept image (once per article and image).
    pub async fn add_article_image(
        &self,
        article_id: i64,
        image: &NewAttachment,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO article_images (content_hash, article_id, file_name, media_type, \
             size_bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (article_id, content_hash) DO NOTHING",
        )
        .bind(image.hash.as_str())
        .bind(article_id)
        .bind(&image.name)
        .bind(image.media_type.as_str())
        .bind(i64::try_from(image.size).unwrap_or(i64::MAX))
        .bind(now_millis())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// An image some article keeps, by its hash; `None` when no article has it.
    pub async fn find_article_image(
        &self,
        hash: &ContentHash,
    ) -> Result<Option<ArticleImage>, StorageError> {
        let row: Option<ImageRow> = sqlx::query_as(
            "SELECT content_hash, file_name, media_type, size_bytes FROM article_images \
             WHERE content_hash = $1 ORDER BY created_at LIMIT 1",
        )
        .bind(hash.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.map(ArticleImage::try_from).transpose()
    }
}
