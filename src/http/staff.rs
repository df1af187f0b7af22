//! What every staff page shares: the layout with navigation, the landing redirect, and the
//! account page (own password, sign out everywhere).

use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::staff_session::{StaffSession, removal_cookie};
use super::templates::{Layout, render};
use crate::accounts::passwords::verify_password_off_thread;
use crate::accounts::users::set_password;
use crate::accounts::{StaffArea, end_all_sessions};
use crate::app::AppState;

/// The staff member as every staff template sees them (`staff.name`, `staff.csrf_token`, …).
#[derive(Serialize)]
struct StaffView<'a> {
    name: &'a str,
    email: &'a str,
    role: &'static str,
    areas: Vec<&'static str>,
    csrf_token: &'a str,
    /// Which area's navigation entry is current.
    area: &'static str,
}

/// Renders a staff page: `name` extends `staff_base.html` and gets `staff` and `page` values.
pub fn render_staff_page(
    state: &AppState,
    session: &StaffSession,
    area: Option<StaffArea>,
    name: &str,
    title: &str,
    page: Value,
) -> Result<Html<String>, HttpError> {
    let layout = Layout::new(state, &state.config.default_language, title);
    let staff = StaffView {
        name: &session.user.name,
        email: &session.user.email,
        role: session.user.role.as_str(),
        areas: session
            .user
            .areas()
            .into_iter()
            .map(StaffArea::as_str)
            .collect(),
        csrf_token: &session.csrf_token,
        area: area.map(StaffArea::as_str).unwrap_or("account"),
    };
    let html = render(name, &layout, context! { staff => staff, ..page })?;
    Ok(Html(html))
}

/// `GET /staff`: where the user's day starts: the dashboard for admins, else their area.
pub async fn staff_home(session: StaffSession) -> Redirect {
    let areas = session.user.areas();
    let area = areas
        .iter()
        .copied()
        .find(|area| *area == StaffArea::Admin)
        .or_else(|| areas.first().copied());
    match area {
        Some(area) => Redirect::to(&format!("/{}", area.as_str())),
        None => Redirect::to("/staff/account"),
    }
}

/// `GET /staff/account`.
pub async fn account_page(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Html<String>, HttpError> {
    render_account(&state, &session, None, None)
}

fn render_account(
    state: &AppState,
    session: &StaffSession,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<Html<String>, HttpError> {
    render_staff_page(
        state,
        session,
        None,
        "staff_account.html",
        "Your account",
        context! { notice => notice, error => error },
    )
}

/// The change-password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /staff/account/password`: a new password ends every session, this one included.
pub async fn change_own_password(
    State(state): State<AppState>,
    session: StaffSession,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, HttpError> {
    let stored = state
        .db
        .find_user_credentials(&session.user.email)
        .await?
        .map(|(_, hash)| hash)
        .unwrap_or_default();
    if !verify_password_off_thread(&form.current_password, &stored).await {
        let page = render_account(
            &state,
            &session,
            None,
            Some("The current password is not correct."),
        )?;
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    }
    if let Err(error) = set_password(
        &state.db,
        session.user.id,
        &form.new_password,
        Some(&session.user),
    )
    .await
    {
        let message = error.to_string();
        let page = render_account(&state, &session, None, Some(&message))?;
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    }
    let jar = jar.remove(removal_cookie());
    Ok((jar, Redirect::to("/login?signed_out=1")).into_response())
}

/// `POST /staff/account/sign-out-everywhere`: ends every session of this user.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    session: StaffSession,
    jar: CookieJar,
) -> Result<Response, HttpError> {
    end_all_sessions(&state.db, &session.user).await?;
    let jar = jar.remove(removal_cookie());
    Ok((jar, Redirect::to("/login?signed_out=1")).into_response())
}
