//! Creating and managing staff users.

use super::passwords::{check_password_strength, hash_password_off_thread};
use super::{AccountError, Role, StaffUser, record_audit};
use crate::storage::Database;

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// Lowercases and checks an email address.
pub fn normalize_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    if email_address::EmailAddress::is_valid(&email) {
        Ok(email)
    } else {
        Err(AccountError::Invalid(format!(
            "{email:?} is not a valid email address"
        )))
    }
}

/// Creates a user with a hashed password. `actor` is the admin doing it (`None` from the
/// command line, which is how the first admin is made).
pub async fn add_user(
    db: &Database,
    user: NewUser,
    actor: Option<&StaffUser>,
) -> Result<StaffUser, AccountError> {
    let email = normalize_email(&user.email)?;
    let name = user.name.trim();
    let name = if name.is_empty() {
        email.split('@').next().unwrap_or(&email).to_owned()
    } else {
        name.chars().take(200).collect()
    };
    check_password_strength(&user.password)?;
    if db.find_user_by_email(&email).await?.is_some() {
        return Err(AccountError::EmailTaken(email));
    }
    let hash = hash_password_off_thread(&user.password).await?;
    let created = db.insert_user(&email, &name, user.role, &hash).await?;
    record_audit(
        db,
        actor,
        "user.create",
        &created.email,
        &format!("role {}", created.role.as_str()),
    )
    .await?;
    Ok(created)
}

/// Changes a user's role. Their sessions end, so the new role applies at once.
pub async fn change_role(
    db: &Database,
    user_id: i64,
    role: Role,
    actor: &StaffUser,
) -> Result<StaffUser, AccountError> {
    let user = db
        .find_user(user_id)
        .await?
        .ok_or(AccountError::UnknownUser)?;
    if user.id == actor.id && role != Role::Admin {
        return Err(AccountError::Invalid(
            "you cannot take the admin role away from yourself".to_owned(),
        ));
    }
    db.update_user_role(user_id, role).await?;
    db.delete_sessions_of_user(user_id).await?;
    record_audit(
        db,
        Some(actor),
        "user.role",
        &user.email,
        &format!("{} → {}", user.role.as_str(), role.as_str()),
    )
    .await?;
    Ok(StaffUser { role, ..user })
}

/// Deactivates or reactivates a user; deactivating ends their sessions. Users are never
/// deleted, so the audit log keeps naming them.
pub async fn set_active(
    db: &Database,
    user_id: i64,
    active: bool,
    actor: &StaffUser,
) -> Result<StaffUser, AccountError> {
    let user = db
        .find_user(user_id)
        .await?
        .ok_or(AccountError::UnknownUser)?;
    if user.id == actor.id && !active {
        return Err(AccountError::Invalid(
            "you cannot deactivate yourself".to_owned(),
        ));
    }
    db.update_user_active(user_id, active).await?;
    if !active {
        db.delete_sessions_of_user(user_id).await?;
    }
    let action = if active {
        "user.activate"
    } else {
        "user.deactivate"
    };
    record_audit(db, Some(actor), action, &user.email, "").await?;
    Ok(StaffUser { active, ..user })
}

/// Sets a new password and ends every session of the user.
pub async fn set_password(
    db: &Database,
    user_id: i64,
    password: &str,
    actor: Option<&StaffUser>,
) -> Result<(), AccountError> {
    let user = db
        .find_user(user_id)
        .await?
        .ok_or(AccountError::UnknownUser)?;
    check_password_strength(password)?;
    let hash = hash_password_off_thread(password).await?;
    db.update_user_password(user_id, &hash).await?;
    db.delete_sessions_of_user(user_id).await?;
    record_audit(db, actor, "user.password", &user.email, "").await?;
    Ok(())
}

/// Every user, admins first, then by email.
pub async fn list_users(db: &Database) -> Result<Vec<StaffUser>, AccountError> {
    Ok(db.list_users().await?)
}
