//! Keeping the index in step with the database, which stays the source of truth.
//!
//! Every article write takes the next database change number (`storage::article_changes`);
//! the index records the number of the latest change it holds and, to catch up, re-reads the
//! articles changed after it and replaces their documents by article id. A renamed article
//! therefore replaces its old document, and an unpublished or archived one keeps no text
//! anyone can find, on every instance.
//!
//! A catch-up runs when this process changes an article (before the editor sees the
//! result), when the database announces a change from elsewhere (PostgreSQL `NOTIFY`, which
//! reaches other instances within milliseconds), and every [`POLL_INTERVAL`] regardless, so a
//! lost notification or a dropped connection only delays an update. The number survives a
//! restart with the index, so an instance that was stopped applies what it missed.
//!
//! A writer that fails (its directory unwritable, the disk full, no file descriptors left)
//! loses nothing: the changes stay in the database and the index's number stays where it
//! was, so once the writer reopens (asked every round), the next catch-up applies them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

use super::{ArticleDocument, IndexHealth, SearchError, SearchIndex};
use crate::articles::{Article, ArticleStatus};
use crate::storage::{ArticleChangeListener, Database, StorageError};

/// How often the database is asked for changes even when none was announced.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Articles re-read per query while catching up.
const CATCH_UP_BATCH: i64 = 500;
/// Articles read (and indexed) per page when the index is rebuilt from the database.
const REBUILD_PAGE: i64 = 500;

impl From<&Article> for ArticleDocument {
    fn from(article: &Article) -> ArticleDocument {
        ArticleDocument {
            id: article.slug.clone(),
            article_id: Some(article.id),
            title: article.title.clone(),
            aliases: article.aliases.clone(),
            learned: Vec::new(),
            headings: article.headings.clone(),
            body: article.body_text.clone(),
            category: article.category_slug.clone(),
            tags: article.tags.clone(),
            lang: article.lang.clone(),
            published: article.status == ArticleStatus::Published,
        }
    }
}

/// The article's document with the phrasings learned for it (taken out of `learned`).
fn with_learned(
    article: &Article,
    learned: &mut std::collections::HashMap<i64, Vec<String>>,
) -> ArticleDocument {
    let mut document = ArticleDocument::from(article);
    if let Some(texts) = learned.remove(&article.id) {
        document.learned = texts;
    }
    document
}

/// Why the index could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Brings one index up to the database's latest article change. Cheap to clone; catch-ups
/// of one index take turns, so each reads the database after the previous one applied.
#[derive(Clone)]
pub struct IndexFollower {
    index: SearchIndex,
    db: Database,
    turn: Arc<Mutex<()>>,
}

impl IndexFollower {
    /// Follows `db` into `index`.
    pub fn new(index: SearchIndex, db: Database) -> IndexFollower {
        IndexFollower {
            index,
            db,
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// Makes the index current at start-up. It is rebuilt from the database when it is
    /// missing, stale, corrupt or records no change number, or when, after applying what it
    /// missed, it holds a different number of articles than the database; otherwise only
    /// the missed changes are applied.
    pub async fn ensure_current(&self, health: IndexHealth) -> Result<(), SyncError> {
        let _turn = self.turn.lock().await;
        let mut reason = match health {
            IndexHealth::NeedsRebuild { reason } => Some(reason),
            IndexHealth::Ready if self.index.synced_through().is_none() => {
                Some("it records no database change".to_owned())
            }
            IndexHealth::Ready => None,
        };
        if reason.is_none() {
            let applied = self.apply_missed_changes().await?;
            if applied > 0 {
                tracing::info!(articles = applied, "search index caught up");
            }
            let stored = self.db.article_count().await?;
            if self.index.document_count() != stored as u64 {
                reason = Some(format!(
                    "it holds {} articles, the database {stored}",
                    self.index.document_count()
                ));
            }
        }
        if let Some(reason) = reason {
            tracing::info!("rebuilding the search index: {reason}");
            // Read the number first: whatever commits while the articles are read is
            // applied again by the next catch-up, which is harmless.
            let through = self.db.latest_article_change().await?;
            // Read and indexed a page at a time: a large help centre's bodies are never all
            // in memory at once.
            let mut learned = self.db.learned_texts().await?;
            let (pages, receiver) = tokio::sync::mpsc::channel(2);
            let read = async move {
                let mut after = 0;
                loop {
                    let page = self.db.articles_after_id(after, REBUILD_PAGE).await?;
                    let Some(last) = page.last() else { break };
                    after = last.id;
                    let documents = page
                        .iter()
                        .map(|article| with_learned(article, &mut learned))
                        .collect();
                    if pages.send(Some(documents)).await.is_err() {
                        // The index gave up; its error is the one reported.
                        return Ok(());
                    }
                }
                let _ = pages.send(None).await;
                Ok::<(), StorageError>(())
            };
            let (report, read) =
                tokio::join!(self.index.rebuild_from_pages(receiver, through), read);
            read?;
            let report = report?;
            tracing::info!(
                documents = report.documents,
                seconds = report.seconds,
                "search index rebuilt"
            );
        }
        Ok(())
    }

    /// Applies every article change committed after the index's; returns how many articles
    /// were re-read. What it applied is searchable when it returns.
    pub async fn catch_up(&self) -> Result<usize, SyncError> {
        let _turn = self.turn.lock().await;
        self.apply_missed_changes().await
    }

    async fn apply_missed_changes(&self) -> Result<usize, SyncError> {
        let mut after = self.index.synced_through().unwrap_or(0);
        let mut applied = 0;
        loop {
            let changes = self
                .db
                .articles_changed_after(after, CATCH_UP_BATCH)
                .await?;
            let Some(last) = changes.last().map(|changed| changed.change) else {
                break;
            };
            let count = changes.len();
            let ids: Vec<i64> = changes.iter().map(|changed| changed.article.id).collect();
            let mut learned = self.db.learned_texts_for(&ids).await?;
            let documents = changes
                .iter()
                .map(|changed| with_learned(&changed.article, &mut learned))
                .collect();
            self.index.apply_changes(documents, last).await?;
            applied += count;
            after = last;
            if (count as i64) < CATCH_UP_BATCH {
                break;
            }
        }
        Ok(applied)
    }
}

/// The background follower; stop it with [`IndexSyncTask::stop`].
pub struct IndexSyncTask {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
    listener: Option<ArticleChangeListener>,
}

impl IndexSyncTask {
    /// Catches up whenever the database announces a change, and every [`POLL_INTERVAL`].
    pub fn start(follower: IndexFollower) -> IndexSyncTask {
        let listener = follower.db.listen_for_article_changes();
        let mut announced = follower.db.article_change_signal();
        let (stop, mut stopped) = watch::channel(false);
        let handle = tokio::spawn(async move {
            let mut ticker = tokio::time::interval(POLL_INTERVAL);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticker.tick() => {},
                    // The sender lives as long as the database handle this task holds.
                    _ = announced.changed() => {},
                    _ = stopped.changed() => break,
                }
                // A writer that failed is asked to reopen on every round, so the index
                // recovers on its own once its directory takes writes again; the catch-up
                // then applies every change made meanwhile.
                if follower.index.writer_problem().is_some()
                    && let Err(error) = follower.index.recover().await
                {
                    tracing::debug!(%error, "search index still cannot be written");
                    continue;
                }
                if let Err(error) = follower.catch_up().await {
                    tracing::warn!(%error, "could not index changed articles; will retry");
                }
            }
        });
        IndexSyncTask {
            stop,
            handle,
            listener,
        }
    }

    /// Stops following and waits for the task to end.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
        if let Some(listener) = self.listener {
            listener.stop().await;
        }
    }
}
