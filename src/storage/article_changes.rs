//! Announcing article changes, so every instance's search index can follow the database.
//!
//! Each article write takes the next number of `article_change_counter` in its transaction
//! ([`next_article_change`]) and stores it on the article. A reader that has applied every
//! change up to N asks for the articles whose number is above N ([`Database::articles_changed_after`]);
//! because taking a number locks the counter until the write commits, no change below N can
//! become visible later, and a reader never skips one.
//!
//! Numbers are only the ground truth; announcements just say "look now". Writes made through
//! this process announce themselves in memory (that is all SQLite needs); on PostgreSQL each
//! write also sends `NOTIFY answerdesk_articles` at commit, which [`ArticleChangeListener`]
//! turns into the same in-memory signal on every other instance. A lost notification costs
//! only time: readers also look on a timer.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Backend, Database, StorageError};

/// The PostgreSQL channel article writes notify.
pub const ARTICLE_CHANGES_CHANNEL: &str = "answerdesk_articles";

/// How long to wait before connecting the listener again after PostgreSQL refused it.
const RECONNECT_DELAY: Duration = Duration::from_secs(2);

/// Takes the next article change number inside a write's transaction and, on PostgreSQL,
/// queues the notification PostgreSQL delivers when (and only if) the transaction commits.
/// Call it before touching any article row, so every writer takes its locks in one order.
pub(super) async fn next_article_change(
    db: &Database,
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
) -> Result<i64, StorageError> {
    let change: i64 = sqlx::query_scalar(
        "UPDATE article_change_counter SET last_change = last_change + 1 RETURNING last_change",
    )
    .fetch_one(&mut **transaction)
    .await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(ARTICLE_CHANGES_CHANNEL)
            .bind(change.to_string())
            .execute(&mut **transaction)
            .await?;
    }
    Ok(change)
}

impl Database {
    /// The number of the latest article change committed so far (0 before any).
    pub async fn latest_article_change(&self) -> Result<i64, StorageError> {
        let last = sqlx::query_scalar("SELECT last_change FROM article_change_counter")
            .fetch_one(self.pool())
            .await?;
        Ok(last)
    }

    /// Tells readers in this process that an article change committed.
    pub(super) fn announce_article_change(&self) {
        self.changes
            .send_modify(|signals| *signals = signals.wrapping_add(1));
    }

    /// A signal that changes whenever articles may have changed: after a write through this
    /// process, and on PostgreSQL while [`Database::listen_for_article_changes`] runs, after a
    /// write on any instance or a reconnection (notifications may have been missed).
    pub fn article_change_signal(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// On PostgreSQL, starts relaying `answerdesk_articles` notifications from other
    /// instances to [`Database::article_change_signal`]; `None` on SQLite, where every writer
    /// is this process.
    pub fn listen_for_article_changes(&self) -> Option<ArticleChangeListener> {
        let url = self.postgres_url.clone()?;
        let changes = self.changes.clone();
        let (stop, stopped) = watch::channel(false);
        let handle = tokio::spawn(relay_notifications(url, changes, stopped));
        Some(ArticleChangeListener { stop, handle })
    }
}

/// The task relaying PostgreSQL notifications; stop it with [`ArticleChangeListener::stop`].
pub struct ArticleChangeListener {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl ArticleChangeListener {
    /// Stops listening and waits for the task to end.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

async fn relay_notifications(
    url: Arc<super::PostgresUrl>,
    changes: Arc<watch::Sender<u64>>,
    mut stopped: watch::Receiver<bool>,
) {
    let signal = || changes.send_modify(|signals| *signals = signals.wrapping_add(1));
    loop {
        let connected = async {
            let mut listener = PgListener::connect(url.as_str()).await?;
            listener.listen(ARTICLE_CHANGES_CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = tokio::select! {
            connected = connected => match connected {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for article changes; will retry");
                    tokio::select! {
                        _ = tokio::time::sleep(RECONNECT_DELAY) => continue,
                        _ = stopped.changed() => return,
                    }
                }
            },
            _ = stopped.changed() => return,
        };
        // Whatever happened while not listening is unknown: readers should look.
        signal();
        loop {
            tokio::select! {
                received = listener.try_recv() => match received {
                    Ok(Some(_)) => signal(),
                    // The connection dropped and was opened again: notifications sent in
                    // between are lost, so readers look for themselves.
                    Ok(None) => signal(),
                    Err(error) => {
                        tracing::warn!(%error, "lost the article change listener; reconnecting");
                        break;
                    }
                },
                _ = stopped.changed() => return,
            }
        }
    }
}
