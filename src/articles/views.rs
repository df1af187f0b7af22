//! Counting article views without a database write per page view.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::storage::Database;

/// Sends article views to a background task that adds them up and writes them in batches.
#[derive(Clone, Debug)]
pub struct ViewCounter {
    sender: mpsc::Sender<String>,
}

/// The background task; await [`ViewCounterTask::finish`] at shutdown to flush what is pending.
pub struct ViewCounterTask {
    handle: JoinHandle<()>,
}

impl ViewCounter {
    /// Starts the writer. Views are flushed every second, or sooner when many arrive.
    pub fn start(db: Database) -> (ViewCounter, ViewCounterTask) {
        let (sender, receiver) = mpsc::channel(4096);
        let handle = tokio::spawn(write_views(db, receiver));
        (ViewCounter { sender }, ViewCounterTask { handle })
    }

    /// Counts one view; never waits. When the queue is full the view is dropped, because a
    /// page view must never be slowed down by counting it.
    pub fn record(&self, slug: &str) {
        let _ = self.sender.try_send(slug.to_owned());
    }
}

impl ViewCounterTask {
    /// Waits until every recorded view is written. Call after all senders are dropped.
    pub async fn finish(self) {
        let _ = self.handle.await;
    }
}

async fn write_views(db: Database, mut receiver: mpsc::Receiver<String>) {
    let mut pending: HashMap<String, i64> = HashMap::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            received = receiver.recv() => match received {
                Some(slug) => {
                    *pending.entry(slug).or_default() += 1;
                    if pending.len() >= 256 {
                        flush(&db, &mut pending).await;
                    }
                }
                None => break,
            },
            _ = ticker.tick() => flush(&db, &mut pending).await,
        }
    }
    flush(&db, &mut pending).await;
}

async fn flush(db: &Database, pending: &mut HashMap<String, i64>) {
    if pending.is_empty() {
        return;
    }
    let batch: Vec<(String, i64)> = pending.drain().collect();
    if let Err(error) = db.add_article_views(&batch).await {
        tracing::warn!(%error, "could not store article view counts");
    }
}
