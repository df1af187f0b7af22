//! The database: SQLite (embedded default) or PostgreSQL (several instances share it).
//!
//! One set of queries serves both backends through `sqlx::Any`: every statement uses
//! numbered `$1` placeholders and SQL that both engines accept, and each backend has its
//! own migrations folder for the few DDL differences.

mod accounts;
mod agent_updates;
mod article_changes;
mod article_editing;
mod article_images;
mod articles;
mod attachments;
pub mod backup;
mod canned;
pub mod channel_counts;
mod coordination;
pub mod dashboard;
mod deflection;
mod event_rollups;
mod idempotency;
mod inbox;
mod installation_secrets;
mod learned_phrasings;
mod lost_links;
mod outbox;
mod rate_limits;
mod reader_notes;
mod ticket_rows;
mod tickets;
pub mod visitor_sketch;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use tokio::sync::watch;

pub use agent_updates::{AgentMessage, AgentUpdate, PriorityUpdate};
pub use article_changes::{ARTICLE_CHANGES_CHANNEL, ArticleChangeListener};
pub use article_editing::{
    ArticleListFilter, ArticleListSort, ArticleListSortColumn, EditorArticleRow, EditorWrite,
    GuardedUpdate,
};
pub use article_images::ArticleImage;
pub use articles::{ArticleWrite, ChangedArticle, SaveOutcome, StoredRevision};
pub use canned::{CannedResponse, CannedVariant};
pub use coordination::StartupLock;
pub use deflection::EventRow;
pub use inbox::{RelatedTicket, TicketArticleView};
pub use learned_phrasings::{ArticleLearning, LearningEvidence, PhrasingVote};
pub use lost_links::CustomerRequest;
pub use outbox::{OutboxEmail, OutgoingEmail};
pub use reader_notes::ReaderNote;
pub use tickets::{CustomerStatusChange, NewTicket};

/// How long a PostgreSQL request waits for a connection unless configured otherwise.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1500);

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which engine is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A cheap-to-clone handle on the connection pool.
#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    /// Bumped when articles may have changed (see `article_changes`).
    changes: Arc<watch::Sender<u64>>,
    /// Where a listening connection for notifications connects; PostgreSQL only.
    postgres_url: Option<Arc<PostgresUrl>>,
}

/// A PostgreSQL URL, which may hold a password: never printed.
struct PostgresUrl(String);

impl PostgresUrl {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgresUrl(…)")
    }
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database directory {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// One column of one stored row holds a value the domain does not know, e.g.
    /// `what: "ticket 12", column: "status", value: "reopened"`. Never replaced by a default.
    #[error("stored data is invalid: {what} has {column} {value:?}")]
    CorruptValue {
        what: String,
        column: &'static str,
        value: String,
    },
    #[error("{0}")]
    Conflict(String),
}

impl StorageError {
    /// Whether this is the database being away (not answering, refusing connections,
    /// restarting) rather than a fault of the request or the data: worth a `503` and a retry.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StorageError::Database(error) => is_outage(error),
            _ => false,
        }
    }
}

/// Whether `error` means the database cannot be reached or is refusing work for now.
pub fn is_outage(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // 08: connection exception; 57P01–57P05: shut down, restarting, not accepting
            // connections, terminated; 53300: too many connections; 55000 is what a
            // database closed to connections (`ALLOW_CONNECTIONS false`) answers, 3D000 a
            // database that is not there (yet).
            code.starts_with("08")
                || code.starts_with("57P")
                || code == "53300"
                || code == "55000"
                || code == "3D000"
        }),
        _ => false,
    }
}

impl Database {
    /// Connects and applies migrations. `postgres://…` selects PostgreSQL; anything else is an
    /// SQLite path (created with its directory if missing; `:memory:` for a private in-memory database).
    pub async fn connect(url: &str) -> Result<Database, StorageError> {
        let (database, setup) = Database::connect_for_setup(url).await?;
        setup.release().await?;
        Ok(database)
    }

    /// Connects, waits until no other instance is setting the database up, and applies
    /// migrations, keeping the start-up lock so the caller can finish its one-time set-up
    /// (the first content import) before the next instance looks.
    pub async fn connect_for_setup(url: &str) -> Result<(Database, StartupLock), StorageError> {
        Database::connect_for_setup_with(url, DEFAULT_ACQUIRE_TIMEOUT).await
    }

    /// Like [`Database::connect_for_setup`], with PostgreSQL requests giving up on a
    /// connection after `acquire_timeout`: during an outage they fail fast (and are answered
    /// `503`) rather than queueing up.
    pub async fn connect_for_setup_with(
        url: &str,
        acquire_timeout: Duration,
    ) -> Result<(Database, StartupLock), StorageError> {
        let database = Database::connect_pool(url, acquire_timeout).await?;
        let setup = database.lock_for_startup().await?;
        database.migrate().await?;
        Ok((database, setup))
    }

    async fn connect_pool(url: &str, acquire_timeout: Duration) -> Result<Database, StorageError> {
        sqlx::any::install_default_drivers();
        let is_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        let database = if is_postgres {
            let options = AnyConnectOptions::from_str(url)?;
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(acquire_timeout)
                .connect_with(options)
                .await?;
            Database {
                pool,
                backend: Backend::Postgres,
                changes: Arc::new(watch::Sender::new(0)),
                postgres_url: Some(Arc::new(PostgresUrl(url.to_owned()))),
            }
        } else {
            Self::connect_sqlite(url).await?
        };
        Ok(database)
    }

    async fn connect_sqlite(path: &str) -> Result<Database, StorageError> {
        let path = path.strip_prefix("sqlite://").unwrap_or(path);
        let in_memory = path == ":memory:";
        let url = if in_memory {
            "sqlite::memory:".to_owned()
        } else {
            if let Some(parent) = Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent).map_err(|source| StorageError::Directory {
                    path: parent.display().to_string(),
                    source,
                })?;
            }
            format!("sqlite://{path}?mode=rwc")
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            // An in-memory database lives in one connection; a file shares WAL readers.
            .max_connections(if in_memory { 1 } else { 8 })
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(if in_memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if in_memory {
                None
            } else {
                Some(Duration::from_secs(1800))
            })
            // Each connection maps the file on its own and every page it touches counts
            // towards the process's resident memory: a small map per connection keeps eight
            // of them well under the memory a large help centre's database would otherwise take.
            .after_connect(|connection, _| {
                Box::pin(async move {
                    connection
                        .execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA mmap_size = 33554432; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Database {
            pool,
            backend: Backend::Sqlite,
            changes: Arc::new(watch::Sender::new(0)),
            postgres_url: None,
        })
    }

    async fn migrate(&self) -> Result<(), StorageError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        self.build_event_rollups_once().await
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A trivial round trip, for readiness checks, given up after `limit` (reported as a
    /// pool time-out, so it counts as an outage).
    pub async fn ping_within(&self, limit: Duration) -> Result<(), StorageError> {
        match tokio::time::timeout(limit, self.ping()).await {
            Ok(result) => result,
            Err(_) => Err(StorageError::Database(sqlx::Error::PoolTimedOut)),
        }
    }

    /// A trivial round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), waiting for it under the busy time-out: a plain `BEGIN` starts as
    /// a reader, and a reader that later tries to write while another connection is writing
    /// is refused with "database is locked" at once, without waiting, so a save that reads
    /// before it writes would fail whenever a background job happens to be writing.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StorageError> {
        let transaction = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(transaction)
    }

    /// The connection pool, for tools and tests that write what the portal never writes
    /// (bulk sample histories, rows with chosen timestamps); the portal itself goes through
    /// the methods of this type.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Milliseconds since the Unix epoch: how every timestamp is stored.
pub fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn to_json_list(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

fn from_json_list(text: &str) -> Result<Vec<String>, StorageError> {
    serde_json::from_str(text).map_err(|e| StorageError::Corrupt(format!("list {text:?}: {e}")))
}
