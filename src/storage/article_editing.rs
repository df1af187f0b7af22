//! Queries for the editors' area: guarded article writes (optimistic locking on the revision
//! number), old-slug redirects, the article list with its attention figures, and reading a
//! ticket's conversation for "turn into article".

use sqlx::FromRow;

use super::article_changes::next_article_change;
use super::articles::BindArticle;
use super::{Database, StorageError, now_millis};
use crate::articles::{ArticleSource, ArticleStatus, RenderedArticle, write_article};
use crate::deflection::learning::text_changed_a_lot;

/// One editor's change to store, with who made it and what they did.
pub struct EditorWrite<'a> {
    pub source: &'a ArticleSource,
    pub rendered: &'a RenderedArticle,
    /// The staff member's email, kept with the revision.
    pub author: &'a str,
    /// What the revision did: `created`, `saved`, `published`, `unpublished`, `archived`, `restored`.
    pub action: &'a str,
}

/// What a guarded update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardedUpdate {
    /// Stored as this new revision.
    Updated { revision: i64 },
    /// Someone saved first: the stored revision is no longer the one the editor started from.
    Stale,
    /// The new slug belongs to another article.
    SlugTaken,
}

/// Filters of the editors' article list; empty strings mean "any".
#[derive(Clone, Debug, Default)]
pub struct ArticleListFilter {
    pub status: String,
    pub lang: String,
    pub category_slug: String,
    /// Matched against title and slug, case-insensitively.
    pub text: String,
    /// Only articles that need attention (see the thresholds).
    pub needs_attention: bool,
    /// At least this many helpful votes …
    pub attention_min_votes: i64,
    /// … of which at least this percentage said "no".
    pub attention_no_percent: i64,
    /// Or at least this many tickets filed after opening the article.
    pub attention_min_tickets: i64,
    pub sort: ArticleListSort,
    pub limit: i64,
    pub offset: i64,
}

/// The column the editors' list is ordered by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ArticleListSortColumn {
    Title,
    Status,
    Language,
    Category,
    /// Customers' article views (the dashboard's `article_viewed` events).
    Views,
    HelpfulYes,
    HelpfulNo,
    /// Tickets filed by customers who had opened the article.
    TicketsAfterViewing,
    /// The last change.
    #[default]
    Changed,
}

/// The order of the editors' list: a column and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArticleListSort {
    pub column: ArticleListSortColumn,
    pub descending: bool,
}

impl Default for ArticleListSort {
    fn default() -> Self {
        ArticleListSort {
            column: ArticleListSortColumn::Changed,
            descending: true,
        }
    }
}

impl ArticleListSort {
    /// The `ORDER BY` clause: built only from this enum, never from request text. Ties fall
    /// back to the slug, so paging is stable.
    fn order_by(self) -> String {
        let expression = match self.column {
            ArticleListSortColumn::Title => "LOWER(a.title)",
            ArticleListSortColumn::Status => "a.status",
            ArticleListSortColumn::Language => "a.lang",
            ArticleListSortColumn::Category => "LOWER(a.category)",
            ArticleListSortColumn::Views => "COALESCE(f.views, 0)",
            ArticleListSortColumn::HelpfulYes => "COALESCE(f.yes_votes, 0)",
            ArticleListSortColumn::HelpfulNo => "COALESCE(f.no_votes, 0)",
            ArticleListSortColumn::TicketsAfterViewing => "COALESCE(t.tickets, 0)",
            ArticleListSortColumn::Changed => "a.modified_at",
        };
        let direction = if self.descending { "DESC" } else { "ASC" };
        format!("{expression} {direction}, a.slug")
    }
}

/// A line of the editors' article list, with the figures that make it need attention.
#[derive(Clone, Debug, FromRow)]
pub struct EditorArticleRow {
    pub slug: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub category_slug: String,
    pub status: String,
    pub revision: i64,
    pub modified_at: i64,
    pub views: i64,
    pub helpful_yes: i64,
    pub helpful_no: i64,
    pub tickets_after_viewing: i64,
}

const LIST_FROM_WHERE: &str = "FROM articles a \
     LEFT JOIN (SELECT article_slug, \
         SUM(CASE WHEN kind = 'article_viewed' THEN 1 ELSE 0 END) AS views, \
         SUM(CASE WHEN kind = 'helpful_yes' THEN 1 ELSE 0 END) AS yes_votes, \
         SUM(CASE WHEN kind = 'helpful_no' THEN 1 ELSE 0 END) AS no_votes \
       FROM events WHERE kind IN ('article_viewed', 'helpful_yes', 'helpful_no') \
         AND article_slug IS NOT NULL GROUP BY article_slug) f \
       ON f.article_slug = a.slug \
     LEFT JOIN (SELECT article_slug, COUNT(*) AS tickets FROM ticket_articles WHERE opened = 1 \
       GROUP BY article_slug) t ON t.article_slug = a.slug \
     WHERE ($1 = '' OR a.status = $1) AND ($2 = '' OR a.lang = $2) \
       AND ($3 = '' OR a.category_slug = $3) \
       AND ($4 = '' OR LOWER(a.title) LIKE $4 OR a.slug LIKE $4) \
       AND ($5 = 0 \
         OR (COALESCE(f.yes_votes, 0) + COALESCE(f.no_votes, 0) >= $6 \
             AND 100 * COALESCE(f.no_votes, 0) >= $7 * (COALESCE(f.yes_votes, 0) + COALESCE(f.no_votes, 0))) \
         OR COALESCE(t.tickets, 0) >= $8)";

/// `%text%` for `LIKE`, with the wildcard characters of the text itself taken literally
/// by dropping them (titles rarely contain them; a search for `50%` still finds `50`).
fn like_pattern(text: &str) -> String {
    let cleaned: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| *c != '%' && *c != '_' && *c != '\\')
        .collect();
    if cleaned.is_empty() {
        String::new()
    } else {
        format!("%{cleaned}%")
    }
}

async fn insert_revision(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    article_id: i64,
    revision: i64,
    write: &EditorWrite<'_>,
    now: i64,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO article_revisions (article_id, revision, author, action, document, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(article_id)
    .bind(revision)
    .bind(write.author)
    .bind(write.action)
    .bind(write_article(write.source))
    .bind(now)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

impl Database {
    /// Creates an article as revision 1. `None` when the slug is already taken (checked by the
    /// unique constraint, so two editors creating one slug at once cannot both succeed).
    /// A redirect that used this slug is dropped: the address now belongs to this article.
    pub async fn insert_new_article(
        &self,
        write: &EditorWrite<'_>,
    ) -> Result<Option<i64>, StorageError> {
        let source = write.source;
        let now = now_millis();
        let mut transaction = self.begin_write().await?;
        let change = next_article_change(self, &mut transaction).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO articles (slug, lang, title, category, category_slug, tags, aliases, \
             status, translation_of, updated_on, body_markdown, body_html, body_text, headings, \
             source_path, content_hash, revision, view_count, created_at, modified_at, change_number) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, $15, 1, 0, $16, $16, $17) \
             ON CONFLICT (slug) DO NOTHING RETURNING id",
        )
        .bind(source.slug.as_str())
        .bind_article(source, write.rendered)
        .bind(source.content_hash())
        .bind(now)
        .bind(change)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        super::articles::set_article_section(&mut transaction, id, &source.section).await?;
        sqlx::query("DELETE FROM article_redirects WHERE old_slug = $1")
            .bind(source.slug.as_str())
            .execute(&mut *transaction)
            .await?;
        insert_revision(&mut transaction, id, 1, write, now).await?;
        transaction.commit().await?;
        self.announce_article_change();
        Ok(Some(id))
    }

    /// Stores a new version only if the article is still at `expected_revision`: the check and
    /// the write are one `UPDATE … WHERE id = $ AND revision = $`, so of two editors who started
    /// from the same revision exactly one succeeds. A changed slug leaves a redirect from the
    /// old one; a redirect that used the new slug is dropped.
    pub async fn update_article_if_current(
        &self,
        article_id: i64,
        expected_revision: i64,
        old_slug: &str,
        write: &EditorWrite<'_>,
    ) -> Result<GuardedUpdate, StorageError> {
        let source = write.source;
        let new_slug = source.slug.as_str();
        let now = now_millis();
        let mut transaction = self.begin_write().await?;
        let change = next_article_change(self, &mut transaction).await?;
        let old_text: Option<String> =
            sqlx::query_scalar("SELECT body_text FROM articles WHERE id = $1")
                .bind(article_id)
                .fetch_optional(&mut *transaction)
                .await?;
        if new_slug != old_slug {
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM articles WHERE slug = $1 AND id <> $2")
                    .bind(new_slug)
                    .bind(article_id)
                    .fetch_optional(&mut *transaction)
                    .await?;
            if taken.is_some() {
                return Ok(GuardedUpdate::SlugTaken);
            }
        }
        let updated = sqlx::query(
            "UPDATE articles SET slug = $1, lang = $2, title = $3, category = $4, category_slug = $5, \
             tags = $6, aliases = $7, status = $8, translation_of = $9, updated_on = $10, \
             body_markdown = $11, body_html = $12, body_text = $13, headings = $14, \
             content_hash = $15, revision = revision + 1, modified_at = $16, change_number = $17 \
             WHERE id = $18 AND revision = $19",
        )
        .bind(new_slug)
        .bind_article(source, write.rendered)
        .bind(source.content_hash())
        .bind(now)
        .bind(change)
        .bind(article_id)
        .bind(expected_revision)
        .execute(&mut *transaction)
        .await;
        let updated = match updated {
            Ok(result) => result,
            // Another article took the slug between the check and the write.
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return Ok(GuardedUpdate::SlugTaken);
            }
            Err(error) => return Err(error.into()),
        };
        if updated.rows_affected() == 0 {
            return Ok(GuardedUpdate::Stale);
        }
        super::articles::set_article_section(&mut transaction, article_id, &source.section).await?;
        // An archived article, or one whose text now says something else, keeps no learned
        // phrasing, and the votes cast so far no longer count for it.
        let forget = source.status == ArticleStatus::Archived
            || old_text.is_some_and(|old| text_changed_a_lot(&old, &write.rendered.text));
        if forget {
            super::learned_phrasings::forget_learning(&mut transaction, article_id, now).await?;
        }
        let revision = expected_revision + 1;
        insert_revision(&mut transaction, article_id, revision, write, now).await?;
        if new_slug != old_slug {
            sqlx::query("DELETE FROM article_redirects WHERE old_slug = $1")
                .bind(new_slug)
                .execute(&mut *transaction)
                .await?;
            sqlx::query(
                "INSERT INTO article_redirects (old_slug, article_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (old_slug) DO UPDATE SET article_id = excluded.article_id, \
                 created_at = excluded.created_at",
            )
            .bind(old_slug)
            .bind(article_id)
            .bind(now)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        self.announce_article_change();
        Ok(GuardedUpdate::Updated { revision })
    }

    /// The current slug of the article an old slug redirects to. Redirects point at the
    /// article, not at a slug, so a chain of renames (a → b → c) resolves in one step.
    pub async fn redirect_target(&self, old_slug: &str) -> Result<Option<String>, StorageError> {
        let slug = sqlx::query_scalar(
            "SELECT a.slug FROM article_redirects r JOIN articles a ON a.id = r.article_id \
             WHERE r.old_slug = $1",
        )
        .bind(old_slug)
        .fetch_optional(self.pool())
        .await?;
        Ok(slug)
    }

    /// The old slugs that lead to an article, oldest first.
    pub async fn redirects_to_article(&self, article_id: i64) -> Result<Vec<String>, StorageError> {
        let slugs = sqlx::query_scalar(
            "SELECT old_slug FROM article_redirects WHERE article_id = $1 ORDER BY created_at, old_slug",
        )
        .bind(article_id)
        .fetch_all(self.pool())
        .await?;
        Ok(slugs)
    }

    /// One page of the editors' article list in the filter's order, fetching `limit` rows.
    /// The figures count what the dashboard counts, over all time: views are
    /// `article_viewed` events, votes `helpful_yes`/`helpful_no` events, and tickets those
    /// filed by customers who had opened the article (`ticket_articles.opened`).
    pub async fn editor_article_list(
        &self,
        filter: &ArticleListFilter,
    ) -> Result<Vec<EditorArticleRow>, StorageError> {
        let sql = format!(
            "SELECT a.slug, a.title, a.lang, a.category, a.category_slug, a.status, a.revision, \
             a.modified_at, COALESCE(f.views, 0) AS views, COALESCE(f.yes_votes, 0) AS helpful_yes, \
             COALESCE(f.no_votes, 0) AS helpful_no, COALESCE(t.tickets, 0) AS tickets_after_viewing \
             {LIST_FROM_WHERE} ORDER BY {order} LIMIT $9 OFFSET $10",
            order = filter.sort.order_by()
        );
        let rows = sqlx::query_as(&sql)
            .bind(&filter.status)
            .bind(&filter.lang)
            .bind(&filter.category_slug)
            .bind(like_pattern(&filter.text))
            .bind(i64::from(filter.needs_attention))
            .bind(filter.attention_min_votes)
            .bind(filter.attention_no_percent)
            .bind(filter.attention_min_tickets)
            .bind(filter.limit)
            .bind(filter.offset)
            .fetch_all(self.pool())
            .await?;
        Ok(rows)
    }

    /// How many articles match the list's filters (ignoring paging).
    pub async fn editor_article_count(
        &self,
        filter: &ArticleListFilter,
    ) -> Result<i64, StorageError> {
        let sql = format!("SELECT COUNT(*) {LIST_FROM_WHERE}");
        let count = sqlx::query_scalar(&sql)
            .bind(&filter.status)
            .bind(&filter.lang)
            .bind(&filter.category_slug)
            .bind(like_pattern(&filter.text))
            .bind(i64::from(filter.needs_attention))
            .bind(filter.attention_min_votes)
            .bind(filter.attention_no_percent)
            .bind(filter.attention_min_tickets)
            .fetch_one(self.pool())
            .await?;
        Ok(count)
    }

    /// Every section name any article uses (any status), alphabetically.
    pub async fn article_sections(&self) -> Result<Vec<String>, StorageError> {
        let names = sqlx::query_scalar(
            "SELECT DISTINCT section FROM articles WHERE section <> '' ORDER BY section",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(names)
    }

    /// Every category used by any article (any status): (slug, name), by name.
    pub async fn all_article_categories(&self) -> Result<Vec<(String, String)>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT category_slug, MIN(category) FROM articles WHERE category_slug <> '' \
             GROUP BY category_slug ORDER BY MIN(category)",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// The categories articles of each language use (any status): (lang, category name),
    /// by language then name. Two spellings with one category slug are one category: the
    /// first spelling stands for it.
    pub async fn article_categories_by_language(
        &self,
    ) -> Result<Vec<(String, String)>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT lang, MIN(category) FROM articles WHERE category_slug <> '' \
             GROUP BY lang, category_slug ORDER BY lang, MIN(category)",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Every language used by any article (any status).
    pub async fn all_article_languages(&self) -> Result<Vec<String>, StorageError> {
        let rows = sqlx::query_scalar("SELECT DISTINCT lang FROM articles ORDER BY lang")
            .fetch_all(self.pool())
            .await?;
        Ok(rows)
    }

    /// The public replies agents wrote on a ticket, oldest first (internal notes excluded).
    pub async fn public_agent_replies(&self, ticket_id: i64) -> Result<Vec<String>, StorageError> {
        let rows = sqlx::query_scalar(
            "SELECT body FROM ticket_messages WHERE ticket_id = $1 AND author_kind = 'agent' \
             AND internal = 0 ORDER BY created_at, id",
        )
        .bind(ticket_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }
}
