//! Agreeing with other instances on the same database: who sets it up, who runs a job round.
//!
//! On SQLite one process owns the database and all of this is trivially granted.

use sqlx::Connection;

use super::{Backend, Database, StorageError};

/// The PostgreSQL advisory lock key held while one instance migrates the database and
/// imports the first content ("answerdsk" in ASCII; any fixed value unlikely to collide).
const STARTUP_LOCK_KEY: i64 = 0x616e_7377_6572_6473;

/// Held while one instance sets the database up; others wait in [`Database::lock_for_startup`].
/// Release it with [`StartupLock::release`]; dropping it closes its connection, which also
/// releases the lock.
pub struct StartupLock {
    connection: Option<sqlx::AnyConnection>,
}

impl StartupLock {
    /// Lets the next instance in.
    pub async fn release(self) -> Result<(), StorageError> {
        if let Some(mut connection) = self.connection {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(STARTUP_LOCK_KEY)
                .execute(&mut connection)
                .await?;
            connection.close().await?;
        }
        Ok(())
    }
}

impl Database {
    /// Waits until no other instance is setting this database up, then holds it until
    /// [`StartupLock::release`]. The lock lives on a connection of its own, taken out of the
    /// pool, so an instance that dies while holding it frees it with its connection.
    pub async fn lock_for_startup(&self) -> Result<StartupLock, StorageError> {
        if self.backend() == Backend::Sqlite {
            return Ok(StartupLock { connection: None });
        }
        let mut connection = self.pool().acquire().await?.detach();
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(STARTUP_LOCK_KEY)
            .execute(&mut connection)
            .await?;
        Ok(StartupLock {
            connection: Some(connection),
        })
    }

    /// Claims this round of a periodic job for this instance: true when no instance started
    /// `job` within the last `every_millis`, and records the start. Of instances asking at
    /// once, exactly one is told yes (the row's lock orders them; the later one sees the
    /// earlier start).
    pub async fn claim_job_round(
        &self,
        job: &str,
        now: i64,
        every_millis: i64,
    ) -> Result<bool, StorageError> {
        let claimed: Option<String> = sqlx::query_scalar(
            "INSERT INTO job_runs (job, started_at) VALUES ($1, $2) \
             ON CONFLICT (job) DO UPDATE SET started_at = excluded.started_at \
             WHERE job_runs.started_at <= $3 RETURNING job",
        )
        .bind(job)
        .bind(now)
        .bind(now - every_millis)
        .fetch_optional(self.pool())
        .await?;
        Ok(claimed.is_some())
    }
}
