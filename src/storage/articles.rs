//! Queries for articles and their revisions.

use sqlx::FromRow;

use super::article_changes::next_article_change;
use super::{Database, StorageError, from_json_list, now_millis, to_json_list};
use crate::articles::{
    Article, ArticleSource, ArticleStatus, ArticleSummary, Category, RenderedArticle, write_article,
};

/// One article change to store, with who made it.
pub struct ArticleWrite<'a> {
    pub source: &'a ArticleSource,
    pub rendered: &'a RenderedArticle,
    /// The file it came from, relative to the content directory.
    pub source_path: Option<&'a str>,
    /// `import`, or the email of the staff member.
    pub author: &'a str,
}

/// What saving an article did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Created,
    Updated,
    Unchanged,
}

/// An article as stored now, with the number of the change that stored it.
#[derive(Clone, Debug)]
pub struct ChangedArticle {
    pub change: i64,
    pub article: Article,
}

/// One stored revision of an article.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct StoredRevision {
    pub revision: i64,
    pub author: String,
    pub action: String,
    pub document: String,
    pub created_at: i64,
}

/// Binds an article's thirteen stored fields, in the column order every article statement
/// uses after the slug: lang, title, category, category_slug, tags, aliases, status,
/// translation_of, updated_on, body_markdown, body_html, body_text, headings.
pub(super) trait BindArticle<'q>: Sized {
    fn bind_article(self, source: &'q ArticleSource, rendered: &'q RenderedArticle) -> Self;
}

macro_rules! bind_article_fields {
    ($query:expr, $source:expr, $rendered:expr) => {
        $query
            .bind($source.lang.as_str())
            .bind(&$source.title)
            .bind(&$source.category)
            .bind($source.category_slug())
            .bind(to_json_list(&$source.tags))
            .bind(to_json_list(&$source.aliases))
            .bind($source.status.as_str())
            .bind($source.translation_of.as_ref().map(|s| s.to_string()))
            .bind($source.updated.map(|d| d.to_string()))
            .bind(&$source.body_markdown)
            .bind(&$rendered.html)
            .bind(&$rendered.text)
            .bind(to_json_list(&$rendered.headings))
    };
}

impl<'q> BindArticle<'q> for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_article(self, source: &'q ArticleSource, rendered: &'q RenderedArticle) -> Self {
        bind_article_fields!(self, source, rendered)
    }
}

impl<'q, O> BindArticle<'q>
    for sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>
{
    fn bind_article(self, source: &'q ArticleSource, rendered: &'q RenderedArticle) -> Self {
        bind_article_fields!(self, source, rendered)
    }
}

const ARTICLE_COLUMNS: &str = "id, slug, lang, title, category, category_slug, section, tags, aliases, status, \
     translation_of, updated_on, body_markdown, body_html, body_text, headings, source_path, \
     revision, view_count, modified_at";

const SUMMARY_COLUMNS: &str = "slug, title, lang, category, category_slug, section, updated_on, modified_at, \
     substr(body_markdown, 1, 1200) AS body_start";

#[derive(FromRow)]
struct ArticleRow {
    id: i64,
    slug: String,
    lang: String,
    title: String,
    category: String,
    category_slug: String,
    section: String,
    tags: String,
    aliases: String,
    status: String,
    translation_of: Option<String>,
    updated_on: Option<String>,
    body_markdown: String,
    body_html: String,
    body_text: String,
    headings: String,
    source_path: Option<String>,
    revision: i64,
    view_count: i64,
    modified_at: i64,
}

impl TryFrom<ArticleRow> for Article {
    type Error = StorageError;

    fn try_from(row: ArticleRow) -> Result<Article, StorageError> {
        Ok(Article {
            id: row.id,
            status: ArticleStatus::parse(&row.status).map_err(StorageError::Corrupt)?,
            tags: from_json_list(&row.tags)?,
            aliases: from_json_list(&row.aliases)?,
            headings: from_json_list(&row.headings)?,
            updated_on: display_date(row.updated_on.as_deref(), row.modified_at),
            editor_updated: row.updated_on,
            slug: row.slug,
            lang: row.lang,
            title: row.title,
            category: row.category,
            category_slug: row.category_slug,
            section: row.section,
            translation_of: row.translation_of,
            body_markdown: row.body_markdown,
            body_html: row.body_html,
            body_text: row.body_text,
            source_path: row.source_path,
            revision: row.revision,
            view_count: row.view_count,
        })
    }
}

#[derive(FromRow)]
struct ChangedRow {
    #[sqlx(flatten)]
    article: ArticleRow,
    change_number: i64,
}

#[derive(FromRow)]
struct SummaryRow {
    slug: String,
    title: String,
    lang: String,
    category: String,
    category_slug: String,
    section: String,
    updated_on: Option<String>,
    modified_at: i64,
    /// The start of the Markdown, enough for the summary.
    body_start: String,
}

impl From<SummaryRow> for ArticleSummary {
    fn from(row: SummaryRow) -> ArticleSummary {
        ArticleSummary {
            updated_on: display_date(row.updated_on.as_deref(), row.modified_at),
            summary: crate::articles::summary_of(&row.body_start),
            slug: row.slug,
            title: row.title,
            lang: row.lang,
            category: row.category,
            category_slug: row.category_slug,
            section: row.section,
        }
    }
}

/// The editor's date if given, else the day of the last change (UTC).
fn display_date(editor_date: Option<&str>, modified_at: i64) -> String {
    match editor_date {
        Some(date) => date.to_owned(),
        None => jiff::Timestamp::from_millisecond(modified_at)
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
            .unwrap_or_default(),
    }
}

#[derive(FromRow)]
struct TranslationRow {
    translation_of: String,
    #[sqlx(flatten)]
    summary: SummaryRow,
}

fn summaries(rows: Vec<SummaryRow>) -> Vec<ArticleSummary> {
    rows.into_iter().map(ArticleSummary::from).collect()
}

impl Database {
    /// The article with this slug, in any status.
    pub async fn find_article_by_slug(&self, slug: &str) -> Result<Option<Article>, StorageError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE slug = $1");
        let row: Option<ArticleRow> = sqlx::query_as(&sql)
            .bind(slug)
            .fetch_optional(self.pool())
            .await?;
        row.map(Article::try_from).transpose()
    }

    /// Every article in every status, ordered by language and slug.
    pub async fn all_articles(&self) -> Result<Vec<Article>, StorageError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY lang, slug");
        let rows: Vec<ArticleRow> = sqlx::query_as(&sql).fetch_all(self.pool()).await?;
        rows.into_iter().map(Article::try_from).collect()
    }

    /// Up to `limit` articles (any status) with ids above `after`, in id order: every article
    /// a page at a time.
    pub async fn articles_after_id(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Article>, StorageError> {
        let sql =
            format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > $1 ORDER BY id LIMIT $2");
        let rows: Vec<ArticleRow> = sqlx::query_as(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(Article::try_from).collect()
    }

    /// Up to `limit` articles whose latest change is numbered above `after`, in change order.
    pub async fn articles_changed_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ChangedArticle>, StorageError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS}, change_number FROM articles WHERE change_number > $1 \
             ORDER BY change_number LIMIT $2"
        );
        let rows: Vec<ChangedRow> = sqlx::query_as(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(ChangedArticle {
                    change: row.change_number,
                    article: Article::try_from(row.article)?,
                })
            })
            .collect()
    }

    /// Every stored article's slug (and nothing else of it).
    pub async fn article_slugs(&self) -> Result<Vec<String>, StorageError> {
        Ok(sqlx::query_scalar("SELECT slug FROM articles")
            .fetch_all(self.pool())
            .await?)
    }

    /// How many articles are stored, in any status.
    pub async fn article_count(&self) -> Result<i64, StorageError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles")
            .fetch_one(self.pool())
            .await?;
        Ok(count)
    }

    /// Stores a new version of an article with its revision, in one transaction.
    /// Saving content identical to what is stored changes nothing and adds no revision.
    pub async fn save_article(&self, write: ArticleWrite<'_>) -> Result<SaveOutcome, StorageError> {
        let source = write.source;
        let hash = source.content_hash();
        let now = now_millis();
        let mut transaction = self.begin_write().await?;
        let existing: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT id, content_hash, revision FROM articles WHERE slug = $1")
                .bind(source.slug.as_str())
                .fetch_optional(&mut *transaction)
                .await?;
        if existing
            .as_ref()
            .is_some_and(|(_, stored_hash, _)| *stored_hash == hash)
        {
            return Ok(SaveOutcome::Unchanged);
        }
        let change = next_article_change(self, &mut transaction).await?;
        let (article_id, revision, outcome) = match existing {
            Some((id, _, revision)) => {
                sqlx::query(
                    "UPDATE articles SET lang = $1, title = $2, category = $3, category_slug = $4, \
                     tags = $5, aliases = $6, status = $7, translation_of = $8, updated_on = $9, \
                     body_markdown = $10, body_html = $11, body_text = $12, headings = $13, \
                     source_path = COALESCE($14, source_path), content_hash = $15, revision = $16, \
                     modified_at = $17, change_number = $18 WHERE id = $19",
                )
                .bind_article(source, write.rendered)
                .bind(write.source_path)
                .bind(&hash)
                .bind(revision + 1)
                .bind(now)
                .bind(change)
                .bind(id)
                .execute(&mut *transaction)
                .await?;
                (id, revision + 1, SaveOutcome::Updated)
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO articles (slug, lang, title, category, category_slug, tags, aliases, \
                     status, translation_of, updated_on, body_markdown, body_html, body_text, headings, \
                     source_path, content_hash, revision, view_count, created_at, modified_at, \
                     change_number) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, 0, \
                     $17, $17, $18) RETURNING id",
                )
                .bind(source.slug.as_str())
                .bind_article(source, write.rendered)
                .bind(write.source_path)
                .bind(&hash)
                .bind(now)
                .bind(change)
                .fetch_one(&mut *transaction)
                .await?;
                (id, 1, SaveOutcome::Created)
            }
        };
        set_article_section(&mut transaction, article_id, &source.section).await?;
        let action = match outcome {
            SaveOutcome::Created => "created",
            _ => "updated",
        };
        sqlx::query(
            "INSERT INTO article_revisions (article_id, revision, author, action, document, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(article_id)
        .bind(revision)
        .bind(write.author)
        .bind(action)
        .bind(write_article(source))
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        self.announce_article_change();
        Ok(outcome)
    }

    /// Every revision of an article, newest first.
    pub async fn article_revisions(&self, slug: &str) -> Result<Vec<StoredRevision>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT r.revision, r.author, r.action, r.document, r.created_at \
             FROM article_revisions r JOIN articles a ON a.id = r.article_id \
             WHERE a.slug = $1 ORDER BY r.revision DESC",
        )
        .bind(slug)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Categories that have published articles in a language, with their counts.
    pub async fn published_categories(&self, lang: &str) -> Result<Vec<Category>, StorageError> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT category_slug, MIN(category), lang, COUNT(*) FROM articles \
             WHERE status = 'published' AND lang = $1 AND category_slug <> '' \
             GROUP BY category_slug, lang ORDER BY MIN(category)",
        )
        .bind(lang)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(slug, name, lang, article_count)| Category {
                slug,
                name,
                lang,
                article_count,
            })
            .collect())
    }

    /// One category by its URL segment, if it has published articles.
    pub async fn published_category(
        &self,
        category_slug: &str,
    ) -> Result<Option<Category>, StorageError> {
        let row: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT category_slug, MIN(category), MIN(lang), COUNT(*) FROM articles \
             WHERE status = 'published' AND category_slug = $1 GROUP BY category_slug",
        )
        .bind(category_slug)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(slug, name, lang, article_count)| Category {
            slug,
            name,
            lang,
            article_count,
        }))
    }

    /// Published articles in a category, alphabetically.
    pub async fn published_articles_in_category(
        &self,
        category_slug: &str,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>, StorageError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles WHERE status = 'published' AND category_slug = $1 \
             ORDER BY title LIMIT $2"
        );
        let rows = sqlx::query_as(&sql)
            .bind(category_slug)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(summaries(rows))
    }

    /// The most viewed published articles in a language.
    pub async fn popular_published_articles(
        &self,
        lang: &str,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>, StorageError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles WHERE status = 'published' AND lang = $1 \
             ORDER BY view_count DESC, title LIMIT $2"
        );
        let rows = sqlx::query_as(&sql)
            .bind(lang)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(summaries(rows))
    }

    /// The most recently updated published articles in a language.
    pub async fn recent_published_articles(
        &self,
        lang: &str,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>, StorageError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles WHERE status = 'published' AND lang = $1 \
             ORDER BY COALESCE(updated_on, '') DESC, modified_at DESC, title LIMIT $2"
        );
        let rows = sqlx::query_as(&sql)
            .bind(lang)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(summaries(rows))
    }

    /// The original article and all its published translations.
    pub async fn published_translation_family(
        &self,
        original_slug: &str,
    ) -> Result<Vec<ArticleSummary>, StorageError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles WHERE status = 'published' \
             AND (slug = $1 OR translation_of = $1) ORDER BY lang"
        );
        let rows = sqlx::query_as(&sql)
            .bind(original_slug)
            .fetch_all(self.pool())
            .await?;
        Ok(summaries(rows))
    }

    /// Every published article in `lang` that translates another, with the original's slug.
    pub async fn published_translations_into(
        &self,
        lang: &str,
    ) -> Result<Vec<(String, ArticleSummary)>, StorageError> {
        let sql = format!(
            "SELECT translation_of, {SUMMARY_COLUMNS} FROM articles WHERE status = 'published' \
             AND lang = $1 AND translation_of IS NOT NULL AND translation_of <> ''"
        );
        let rows: Vec<TranslationRow> = sqlx::query_as(&sql)
            .bind(lang)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (row.translation_of, ArticleSummary::from(row.summary)))
            .collect())
    }

    /// Languages that have published articles, with their counts.
    pub async fn published_languages(&self) -> Result<Vec<(String, i64)>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT lang, COUNT(*) FROM articles WHERE status = 'published' GROUP BY lang ORDER BY lang",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Adds counted page views, batched by the caller.
    pub async fn add_article_views(&self, views: &[(String, i64)]) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        for (slug, count) in views {
            sqlx::query("UPDATE articles SET view_count = view_count + $1 WHERE slug = $2")
                .bind(*count)
                .bind(slug)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(())
    }
}

/// Stores an article's section, in the transaction that writes the rest of it.
pub(super) async fn set_article_section(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    article_id: i64,
    section: &str,
) -> Result<(), StorageError> {
    sqlx::query("UPDATE articles SET section = $1 WHERE id = $2 AND section <> $1")
        .bind(section)
        .bind(article_id)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct TaggedRow {
    tags: String,
    #[sqlx(flatten)]
    summary: SummaryRow,
}

impl Database {
    /// Published articles of a language with their tags, most read first, for matching a
    /// page's context against (the help widget's "Suggested for this page").
    pub async fn published_articles_with_tags(
        &self,
        lang: &str,
        limit: i64,
    ) -> Result<Vec<(ArticleSummary, Vec<String>)>, StorageError> {
        let sql = format!(
            "SELECT tags, {SUMMARY_COLUMNS} FROM articles WHERE status = 'published' AND lang = $1 \
             ORDER BY view_count DESC, title LIMIT $2"
        );
        let rows: Vec<TaggedRow> = sqlx::query_as(&sql)
            .bind(lang)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok((
                    ArticleSummary::from(row.summary),
                    from_json_list(&row.tags)?,
                ))
            })
            .collect()
    }
}
