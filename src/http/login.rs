//! Staff sign-in and sign-out.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use minijinja::context;
use serde::Deserialize;

use super::HttpError;
use super::customer_session::{ClientIp, CustomerSession};
use super::staff_session::{StaffSession, removal_cookie, session_cookie};
use super::templates::{Layout, render};
use crate::accounts::{LoginError, end_session, find_session, sign_in};
use crate::app::AppState;

/// `GET /login` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    signed_out: Option<String>,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

/// Only a local path may be returned to after sign-in, never another site.
fn safe_next(next: &str) -> &str {
    super::local_path::local_path(next).unwrap_or("/staff")
}

fn render_login(
    state: &AppState,
    customer: &CustomerSession,
    next: &str,
    email: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> Result<Html<String>, HttpError> {
    let layout = Layout::new(state, &state.config.default_language, "Staff sign-in");
    let html = render(
        "login.html",
        &layout,
        context! {
            csrf_token => customer.csrf_token,
            next => next,
            email => email,
            error => error,
            notice => notice,
        },
    )?;
    Ok(Html(html))
}

/// `GET /login`: the sign-in form, or straight on when already signed in.
pub async fn login_page(
    State(state): State<AppState>,
    customer: CustomerSession,
    jar: CookieJar,
    Query(query): Query<LoginQuery>,
) -> Result<Response, HttpError> {
    if let Some(cookie) = jar.get(super::staff_session::STAFF_COOKIE)
        && find_session(&state.db, cookie.value()).await?.is_some()
    {
        return Ok(Redirect::to(safe_next(&query.next)).into_response());
    }
    let notice = query.signed_out.is_some().then_some("You are signed out.");
    Ok(render_login(&state, &customer, &query.next, "", None, notice)?.into_response())
}

/// `POST /login`: checks the password and opens a session.
pub async fn login(
    State(state): State<AppState>,
    customer: CustomerSession,
    ClientIp(address): ClientIp,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, HttpError> {
    customer.verify_csrf(&form.csrf_token)?;
    let outcome = sign_in(
        &state.db,
        &state.login_limiter,
        &form.email,
        &form.password,
        address,
        state.config.staff_session_hours,
    )
    .await;
    let (status, retry_after) = match &outcome {
        Ok(_) => (StatusCode::SEE_OTHER, None),
        Err(LoginError::InvalidCredentials) => (StatusCode::UNAUTHORIZED, None),
        Err(LoginError::TooManyAttempts { retry_after }) => {
            (StatusCode::TOO_MANY_REQUESTS, Some(*retry_after))
        }
        Err(LoginError::TooLong(_)) => (StatusCode::UNPROCESSABLE_ENTITY, None),
        Err(LoginError::Account(_)) => (StatusCode::INTERNAL_SERVER_ERROR, None),
    };
    let message = match outcome {
        Ok(signed_in) => {
            tracing::info!(user = %signed_in.user.email, "staff member signed in");
            let jar = jar.add(session_cookie(&state, signed_in.session.token));
            return Ok((jar, Redirect::to(safe_next(&form.next))).into_response());
        }
        Err(LoginError::Account(error)) => return Err(error.into()),
        Err(error) => error.to_string(),
    };
    // Too long to be real: not shown back in the form either.
    let email = match status {
        StatusCode::UNPROCESSABLE_ENTITY => "",
        _ => &form.email,
    };
    let page = render_login(&state, &customer, &form.next, email, Some(&message), None)?;
    let mut response = (status, page).into_response();
    if let Some(wait) = retry_after {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    Ok(response)
}

/// `POST /logout`: ends this session.
pub async fn logout(
    State(state): State<AppState>,
    session: StaffSession,
    jar: CookieJar,
) -> Result<Response, HttpError> {
    end_session(&state.db, &session.token).await?;
    let jar = jar.remove(removal_cookie());
    Ok((jar, Redirect::to("/login?signed_out=1")).into_response())
}
