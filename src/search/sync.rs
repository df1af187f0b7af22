//! Keeping the index in step with the database, which stays the source of truth.
//!
//! Changes made through this process are indexed right away by the caller; a background task
//! also polls for articles changed elsewhere (the `import` command, or another instance
//! sharing a PostgreSQL database) and indexes them within about a second.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{ArticleDocument, IndexHealth, SearchError, SearchIndex};
use crate::articles::{Article, ArticleStatus};
use crate::storage::{Database, StorageError, now_millis};

/// How often the database is polled for changes made elsewhere.
const POLL_INTERVAL: Duration = Duration::from_millis(750);
/// Changes are re-read with this much overlap, so clock differences between instances
/// never make one missed (re-indexing an unchanged article is harmless).
const OVERLAP_MILLIS: i64 = 5_000;

impl From<&Article> for ArticleDocument {
    fn from(article: &Article) -> ArticleDocument {
        ArticleDocument {
            id: article.slug.clone(),
            title: article.title.clone(),
            aliases: article.aliases.clone(),
            headings: article.headings.clone(),
            body: article.body_text.clone(),
            category: article.category_slug.clone(),
            tags: article.tags.clone(),
            lang: article.lang.clone(),
            published: article.status == ArticleStatus::Published,
        }
    }
}

/// Why the index could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Rebuilds the index from the database when it is missing, stale, corrupt or holds a
/// different number of articles than the database.
pub async fn ensure_index_current(
    index: &SearchIndex,
    health: IndexHealth,
    db: &Database,
) -> Result<(), SyncError> {
    let stored = db.article_count().await?;
    let reason = match health {
        IndexHealth::NeedsRebuild { reason } => Some(reason),
        IndexHealth::Ready if index.document_count() != stored as u64 => Some(format!(
            "it holds {} articles, the database {stored}",
            index.document_count()
        )),
        IndexHealth::Ready => None,
    };
    if let Some(reason) = reason {
        tracing::info!("rebuilding the search index: {reason}");
        let documents: Vec<ArticleDocument> = db
            .all_articles()
            .await?
            .iter()
            .map(ArticleDocument::from)
            .collect();
        let report = index.rebuild(documents).await?;
        tracing::info!(
            documents = report.documents,
            seconds = report.seconds,
            "search index rebuilt"
        );
    }
    Ok(())
}

/// Indexes the articles with these slugs as they are stored now; searchable when it returns.
pub async fn index_articles(
    index: &SearchIndex,
    db: &Database,
    slugs: &[String],
) -> Result<(), SyncError> {
    let mut articles = Vec::with_capacity(slugs.len());
    for slug in slugs {
        match db.find_article_by_slug(slug).await? {
            Some(article) => articles.push(article),
            None => index.remove(slug).await?,
        }
    }
    upsert_together(index, &articles).await
}

/// Sends every upsert before awaiting any, so the single writer commits them as one batch
/// (a commit per article would make a large import slow to become searchable).
async fn upsert_together(index: &SearchIndex, articles: &[Article]) -> Result<(), SyncError> {
    let mut pending = tokio::task::JoinSet::new();
    for article in articles {
        let index = index.clone();
        let document = ArticleDocument::from(article);
        pending.spawn(async move { index.upsert(document).await });
    }
    let mut outcome = Ok(());
    while let Some(joined) = pending.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => outcome = Err(error.into()),
            Err(error) => {
                tracing::warn!(%error, "an indexing task failed");
                outcome = Err(SyncError::Search(SearchError::WriterStopped));
            }
        }
    }
    outcome
}

/// The background poller; stop it with [`IndexSyncTask::stop`].
pub struct IndexSyncTask {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl IndexSyncTask {
    /// Starts polling the database for articles changed since now.
    pub fn start(index: SearchIndex, db: Database) -> IndexSyncTask {
        let (stop, mut stopped) = watch::channel(false);
        let handle = tokio::spawn(async move {
            let mut since = now_millis() - OVERLAP_MILLIS;
            let mut ticker = tokio::time::interval(POLL_INTERVAL);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticker.tick() => {},
                    _ = stopped.changed() => break,
                }
                let started = now_millis();
                match db.articles_modified_since(since).await {
                    Ok(articles) => match upsert_together(&index, &articles).await {
                        Ok(()) => since = started - OVERLAP_MILLIS,
                        Err(error) => {
                            tracing::warn!(%error, "could not index changed articles; will retry")
                        }
                    },
                    Err(error) => tracing::warn!(%error, "could not poll for changed articles"),
                }
            }
        });
        IndexSyncTask { stop, handle }
    }

    /// Stops polling and waits for the task to end.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}
