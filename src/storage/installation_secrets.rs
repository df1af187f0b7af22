//! Secrets of the installation (`migrations/*/0027_…`), made on first use and shared by every
//! instance on the database.

use super::{Database, StorageError};

impl Database {
    /// The secret called `name`: random, made by whichever instance asks first, the same
    /// for every instance afterwards.
    pub async fn installation_secret(&self, name: &str) -> Result<String, StorageError> {
        sqlx::query(
            "INSERT INTO installation_secrets (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(crate::tokens::random_token(32))
        .execute(self.pool())
        .await?;
        let value = sqlx::query_scalar("SELECT value FROM installation_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(self.pool())
            .await?;
        Ok(value)
    }
}
