//! Admins manage staff users and read the audit log.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::staff::render_staff_page;
use super::staff_session::StaffSession;
use crate::accounts::audit::recent_audit_entries;
use crate::accounts::users::{change_role, list_users, set_active, set_password};
use crate::accounts::{NewUser, Role, StaffArea, add_user};
use crate::app::AppState;

/// Templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "admin_users.html",
        include_str!("../../templates/admin_users.html"),
    ),
    (
        "admin_audit.html",
        include_str!("../../templates/admin_audit.html"),
    ),
];

/// Audit-log entries per page.
const AUDIT_PAGE_SIZE: i64 = 100;

/// The user-management and audit-log routes (behind the admin guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_page).post(create_user))
        .route("/admin/users/{id}/role", post(update_role))
        .route("/admin/users/{id}/active", post(update_active))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/audit", get(audit_page))
}

/// `GET /admin/users` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    done: String,
}

#[derive(Serialize)]
struct UserView {
    id: i64,
    email: String,
    name: String,
    role: &'static str,
    active: bool,
    is_you: bool,
}

async fn render_users(
    state: &AppState,
    session: &StaffSession,
    notice: Option<String>,
    error: Option<String>,
    form: Option<&NewUserForm>,
) -> Result<Html<String>, HttpError> {
    let users: Vec<UserView> = list_users(&state.db)
        .await?
        .into_iter()
        .map(|user| UserView {
            is_you: user.id == session.user.id,
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role.as_str(),
            active: user.active,
        })
        .collect();
    render_staff_page(
        state,
        session,
        Some(StaffArea::Admin),
        "admin_users.html",
        "Users",
        context! {
            users => users,
            roles => Role::ALL.map(Role::as_str),
            notice => notice,
            error => error,
            form_email => form.map(|f| f.email.as_str()).unwrap_or(""),
            form_name => form.map(|f| f.name.as_str()).unwrap_or(""),
            form_role => form.map(|f| f.role.as_str()).unwrap_or("agent"),
        },
    )
}

async fn users_page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<UsersQuery>,
) -> Result<Html<String>, HttpError> {
    let notice = match query.done.as_str() {
        "created" => Some("User created.".to_owned()),
        "role" => Some("Role changed. Their sessions were ended.".to_owned()),
        "active" => Some("Account updated.".to_owned()),
        "password" => Some("Password set. Their sessions were ended.".to_owned()),
        _ => None,
    };
    render_users(&state, &session, notice, None, None).await
}

/// The add-user form.
#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

async fn create_user(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<NewUserForm>,
) -> Result<Response, HttpError> {
    let Some(role) = Role::parse(&form.role) else {
        return Err(HttpError::BadRequest(format!(
            "unknown role {:?}",
            form.role
        )));
    };
    let new_user = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        role,
        password: form.password.clone(),
    };
    match add_user(&state.db, new_user, Some(&session.user)).await {
        Ok(_) => Ok(Redirect::to("/admin/users?done=created").into_response()),
        Err(
            error @ (crate::accounts::AccountError::Invalid(_)
            | crate::accounts::AccountError::EmailTaken(_)),
        ) => {
            let page =
                render_users(&state, &session, None, Some(error.to_string()), Some(&form)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

/// The change-role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    role: String,
}

async fn update_role(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Redirect, HttpError> {
    let role = Role::parse(&form.role)
        .ok_or_else(|| HttpError::BadRequest(format!("unknown role {:?}", form.role)))?;
    change_role(&state.db, id, role, &session.user).await?;
    Ok(Redirect::to("/admin/users?done=role"))
}

/// The activate/deactivate form.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    active: String,
}

async fn update_active(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ActiveForm>,
) -> Result<Redirect, HttpError> {
    let active = form.active == "true";
    set_active(&state.db, id, active, &session.user).await?;
    Ok(Redirect::to("/admin/users?done=active"))
}

/// The reset-password form.
#[derive(Debug, Deserialize)]
pub struct ResetPasswordForm {
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ResetPasswordForm>,
) -> Result<Redirect, HttpError> {
    set_password(&state.db, id, &form.password, Some(&session.user)).await?;
    Ok(Redirect::to("/admin/users?done=password"))
}

/// `GET /admin/audit` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

#[derive(Serialize)]
struct AuditView {
    at: String,
    actor: String,
    action: String,
    target: String,
    details: String,
}

async fn audit_page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<AuditQuery>,
) -> Result<Html<String>, HttpError> {
    let entries = recent_audit_entries(&state.db, query.before, AUDIT_PAGE_SIZE).await?;
    let older = (entries.len() as i64 == AUDIT_PAGE_SIZE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let entries: Vec<AuditView> = entries
        .into_iter()
        .map(|entry| AuditView {
            at: crate::display::timestamp_with_seconds(entry.created_at),
            actor: entry.actor_email,
            action: entry.action,
            target: entry.target,
            details: entry.details,
        })
        .collect();
    render_staff_page(
        &state,
        &session,
        Some(StaffArea::Admin),
        "admin_audit.html",
        "Audit log",
        context! { entries => entries, older => older },
    )
}
