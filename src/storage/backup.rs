//! Copies of an SQLite database: a consistent online backup while the portal serves, and
//! restoring one in place of the database. PostgreSQL has its own tools (`pg_dump`,
//! `pg_restore`), which know its server far better than a copy through this pool would.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::Connection;
use sqlx::any::AnyConnectOptions;

use super::{Backend, Database, SQLITE_MIGRATIONS, StorageError};

/// Why a backup or a restore was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backup and restore here are for SQLite; for PostgreSQL use its own tools: \
         `pg_dump --format=custom --file=FILE DATABASE_URL` to back up and \
         `pg_restore --clean --if-exists --dbname=DATABASE_URL FILE` to restore"
    )]
    Postgres,
    #[error("{0} already exists; choose a new file for the backup")]
    TargetExists(PathBuf),
    #[error("{path} is not an Answerdesk database: {why}")]
    NotAnswerdesk { path: PathBuf, why: String },
    #[error(
        "{path} was made by a newer Answerdesk (its migration {version} is unknown to this \
         version); restore it with that version or a later one"
    )]
    UnknownMigration { path: PathBuf, version: i64 },
    #[error(
        "{path} has migration {version} with different contents than this version's; it \
         cannot be restored safely"
    )]
    ChangedMigration { path: PathBuf, version: i64 },
    #[error("{path} is damaged: {why}")]
    Damaged { path: PathBuf, why: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for BackupError {
    fn from(error: sqlx::Error) -> Self {
        BackupError::Storage(StorageError::Database(error))
    }
}

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The newest migration applied to it.
    pub migration: i64,
    pub articles: i64,
    pub tickets: i64,
}

impl Database {
    /// Writes a consistent copy of the whole database to `target` (a new file) while the
    /// portal keeps serving: `VACUUM INTO` reads one snapshot, so writes made meanwhile are
    /// either wholly in the copy or not at all.
    pub async fn backup_to(&self, target: &Path) -> Result<BackupSummary, BackupError> {
        if self.backend() == Backend::Postgres {
            return Err(BackupError::Postgres);
        }
        if target.exists() {
            return Err(BackupError::TargetExists(target.to_path_buf()));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(target.display().to_string())
            .execute(self.pool())
            .await?;
        check_backup(target).await
    }
}

/// Checks that `file` is an intact Answerdesk SQLite database whose migrations this version
/// knows (all of them, unchanged), and says what it holds.
pub async fn check_backup(file: &Path) -> Result<BackupSummary, BackupError> {
    let not_ours = |why: &str| BackupError::NotAnswerdesk {
        path: file.to_path_buf(),
        why: why.to_owned(),
    };
    if !file.is_file() {
        return Err(not_ours("no such file"));
    }
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(&format!("sqlite://{}?mode=ro", file.display()))?;
    let mut connection = sqlx::AnyConnection::connect_with(&options)
        .await
        .map_err(|e| not_ours(&format!("cannot be opened as SQLite ({e})")))?;
    let result = inspect(&mut connection, file).await;
    let _ = connection.close().await;
    result
}

async fn inspect(
    connection: &mut sqlx::AnyConnection,
    file: &Path,
) -> Result<BackupSummary, BackupError> {
    let not_ours = |why: String| BackupError::NotAnswerdesk {
        path: file.to_path_buf(),
        why,
    };
    let integrity: (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut *connection)
        .await
        .map_err(|e| not_ours(format!("not an SQLite database ({e})")))?;
    if integrity.0 != "ok" {
        return Err(BackupError::Damaged {
            path: file.to_path_buf(),
            why: integrity.0,
        });
    }
    let applied: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(&mut *connection)
    .await
    .map_err(|_| not_ours("it has no Answerdesk migrations".to_owned()))?;
    let known: HashMap<i64, &[u8]> = SQLITE_MIGRATIONS
        .iter()
        .map(|migration| (migration.version, migration.checksum.as_ref()))
        .collect();
    for (version, checksum) in &applied {
        match known.get(version) {
            None => {
                return Err(BackupError::UnknownMigration {
                    path: file.to_path_buf(),
                    version: *version,
                });
            }
            Some(expected) if *expected != checksum.as_slice() => {
                return Err(BackupError::ChangedMigration {
                    path: file.to_path_buf(),
                    version: *version,
                });
            }
            Some(_) => {}
        }
    }
    let Some(migration) = applied.last().map(|(version, _)| *version) else {
        return Err(not_ours("it has no Answerdesk migrations".to_owned()));
    };
    let mut counts = Vec::new();
    for table in ["articles", "tickets"] {
        let count = sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *connection)
            .await
            .map_err(|_| not_ours(format!("it has no {table} table")))?;
        counts.push(count);
    }
    let (articles, tickets) = (counts[0], counts[1]);
    Ok(BackupSummary {
        migration,
        articles,
        tickets,
    })
}

/// Replaces the SQLite database at `database` with the checked backup `file`. The caller
/// makes sure no process has the database open. The copy is written beside the database
/// and renamed over it, so the database is either the old one or the new one, never half;
/// the old one's write-ahead log goes first, since it would otherwise be replayed onto the
/// new file.
pub async fn restore_sqlite(file: &Path, database: &Path) -> Result<BackupSummary, BackupError> {
    let summary = check_backup(file).await?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BackupError::Io { path, source }
    };
    let directory = database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory).map_err(io(directory))?;
    let staged = with_suffix(database, ".restoring");
    std::fs::copy(file, &staged).map_err(io(&staged))?;
    std::fs::File::open(&staged)
        .and_then(|copy| copy.sync_all())
        .map_err(io(&staged))?;
    for suffix in ["-wal", "-shm"] {
        let side = with_suffix(database, suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(io(&side)(error)),
        }
    }
    std::fs::rename(&staged, database).map_err(io(database))?;
    Ok(summary)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
