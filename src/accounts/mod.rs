//! Staff accounts: users and their roles, password hashing, sign-in with rate limits,
//! server-side sessions, and the audit log of every staff change.
//!
//! Nothing here knows of HTTP: the `http` layer turns cookies into a [`StaffUser`] and asks
//! [`Role::may_enter`] whether that user may use an area.

pub mod audit;
pub mod login;
pub mod passwords;
pub mod sessions;
pub mod users;

use serde::Serialize;

pub use audit::{AuditEntry, record_audit};
pub use login::{LoginError, LoginLimiter, sign_in};
pub use sessions::{StaffSessionRecord, end_all_sessions, end_session, find_session};
pub use users::{NewUser, add_user};

use crate::storage::StorageError;

/// What a staff member may do. An admin can do everything; an editor manages articles;
/// an agent works tickets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Editor,
    Agent,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Agent];

    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Agent => "agent",
        }
    }

    /// Parses a stored or typed role name.
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "editor" => Some(Role::Editor),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }

    /// The one permission rule: which staff areas this role may use.
    pub fn may_enter(self, area: StaffArea) -> bool {
        match self {
            Role::Admin => true,
            Role::Editor => area == StaffArea::Editor,
            Role::Agent => area == StaffArea::Agent,
        }
    }
}

/// The parts of the staff side, each with its pages (`/editor`, `/agent`, `/admin`) and its
/// API (`/api/editor`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffArea {
    /// Writing and publishing articles.
    Editor,
    /// Working tickets.
    Agent,
    /// The deflection dashboard, users and the audit log.
    Admin,
}

impl StaffArea {
    /// Every area.
    pub const ALL: [StaffArea; 3] = [StaffArea::Editor, StaffArea::Agent, StaffArea::Admin];

    /// The URL segment of the area.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffArea::Editor => "editor",
            StaffArea::Agent => "agent",
            StaffArea::Admin => "admin",
        }
    }
}

/// A signed-in (or stored) staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: i64,
}

impl StaffUser {
    /// Whether this user may use `area`.
    pub fn may_enter(&self, area: StaffArea) -> bool {
        self.active && self.role.may_enter(area)
    }

    /// The areas this user may use, for navigation.
    pub fn areas(&self) -> Vec<StaffArea> {
        StaffArea::ALL
            .into_iter()
            .filter(|area| self.may_enter(*area))
            .collect()
    }
}

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    #[error("a user with the email {0} already exists")]
    EmailTaken(String),
    #[error("no such user")]
    UnknownUser,
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_enters_exactly_its_own_areas() {
        let expected = [
            (Role::Admin, [true, true, true]),
            (Role::Editor, [true, false, false]),
            (Role::Agent, [false, true, false]),
        ];
        for (role, allowed) in expected {
            for (area, allowed) in StaffArea::ALL.into_iter().zip(allowed) {
                assert_eq!(role.may_enter(area), allowed, "{role:?} in {area:?}");
            }
        }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("customer"), None);
    }
}
