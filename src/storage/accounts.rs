//! Queries for staff users, their sessions and the audit log.

use sqlx::FromRow;

use super::{Database, StorageError, now_millis};
use crate::accounts::{AuditEntry, Role, StaffSessionRecord, StaffUser};

const USER_COLUMNS: &str = "id, email, name, role, active, created_at";

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    active: i64,
    created_at: i64,
}

impl TryFrom<UserRow> for StaffUser {
    type Error = StorageError;

    fn try_from(row: UserRow) -> Result<StaffUser, StorageError> {
        Ok(StaffUser {
            role: Role::parse(&row.role)
                .ok_or_else(|| StorageError::Corrupt(format!("role {:?}", row.role)))?,
            id: row.id,
            email: row.email,
            name: row.name,
            active: row.active != 0,
            created_at: row.created_at,
        })
    }
}

#[derive(FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_token: String,
    expires_at: i64,
}

impl Database {
    /// Stores a new user (email already normalised, password already hashed).
    pub async fn insert_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<StaffUser, StorageError> {
        let now = now_millis();
        let row: UserRow = sqlx::query_as(&format!(
            "INSERT INTO users (email, name, role, password_hash, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING {USER_COLUMNS}"
        ))
        .bind(email)
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now)
        .fetch_one(self.pool())
        .await?;
        row.try_into()
    }

    /// The user with this id.
    pub async fn find_user(&self, id: i64) -> Result<Option<StaffUser>, StorageError> {
        let row: Option<UserRow> =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// The user with this (normalised) email.
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<StaffUser>, StorageError> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(self.pool())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// The user and their password hash, for signing in.
    pub async fn find_user_credentials(
        &self,
        email: &str,
    ) -> Result<Option<(StaffUser, String)>, StorageError> {
        #[derive(FromRow)]
        struct CredentialsRow {
            #[sqlx(flatten)]
            user: UserRow,
            password_hash: String,
        }
        let row: Option<CredentialsRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((row.user.try_into()?, row.password_hash)))
            .transpose()
    }

    /// Every user: admins, then editors, then agents; by email within a role.
    pub async fn list_users(&self) -> Result<Vec<StaffUser>, StorageError> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY \
             CASE role WHEN 'admin' THEN 0 WHEN 'editor' THEN 1 ELSE 2 END, email"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Sets a user's role.
    pub async fn update_user_role(&self, id: i64, role: Role) -> Result<(), StorageError> {
        sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(now_millis())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Activates or deactivates a user.
    pub async fn update_user_active(&self, id: i64, active: bool) -> Result<(), StorageError> {
        sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(active))
            .bind(now_millis())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Replaces a user's password hash.
    pub async fn update_user_password(&self, id: i64, hash: &str) -> Result<(), StorageError> {
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now_millis())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Stores a session under the hash of its token.
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(created_at)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The session stored under `token_hash`, with its user (expiry is the caller's check).
    pub async fn find_session(
        &self,
        token_hash: &str,
    ) -> Result<Option<StaffSessionRecord>, StorageError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, u.role, u.active, u.created_at, \
                    s.csrf_token, s.expires_at \
             FROM staff_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(StaffSessionRecord {
                user: row.user.try_into()?,
                csrf_token: row.csrf_token,
                expires_at: row.expires_at,
            })
        })
        .transpose()
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of a user; returns how many there were.
    pub async fn delete_sessions_of_user(&self, user_id: i64) -> Result<u64, StorageError> {
        let done = sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// Removes sessions that expired before `now`.
    pub async fn delete_expired_sessions(&self, now: i64) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Moves a session's expiry (used by tests of expiry, and by nothing else).
    pub async fn set_session_expiry(
        &self,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        sqlx::query("UPDATE staff_sessions SET expires_at = $1 WHERE token_hash = $2")
            .bind(expires_at)
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Appends one audit-log entry.
    pub async fn insert_audit_entry(
        &self,
        actor_id: Option<i64>,
        actor_email: &str,
        action: &str,
        target: &str,
        details: &str,
        created_at: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO audit_log (actor_id, actor_email, action, target, details, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor_id)
        .bind(actor_email)
        .bind(action)
        .bind(target)
        .bind(details)
        .bind(created_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Audit-log entries, newest first, older than entry `before` when given.
    pub async fn list_audit_entries(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT id, actor_id, actor_email, action, target, details, created_at \
             FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }
}
