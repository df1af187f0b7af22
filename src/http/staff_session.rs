//! Staff sessions over HTTP: the session cookie, the guard in front of each staff area, and
//! CSRF checks on every staff request that changes data.
//!
//! The guard is one middleware per area (`/editor`, `/agent`, `/admin` and their `/api/…`),
//! so no handler can forget a permission or a CSRF check.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::error::Refusal;
use super::{HttpError, MAX_BODY_BYTES};
use crate::accounts::{StaffArea, StaffUser, find_session};
use crate::app::AppState;
use crate::tokens::constant_time_equals;

/// The cookie holding the staff session token.
pub const STAFF_COOKIE: &str = "answerdesk_staff";
/// The form field carrying the CSRF token on staff forms.
pub const CSRF_FIELD: &str = "csrf_token";
/// The header carrying the CSRF token on staff API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in staff member of this request.
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub user: StaffUser,
    /// Every form of this session carries it; see [`CSRF_FIELD`].
    pub csrf_token: String,
    /// The cookie value, to end this session at sign-out.
    pub(super) token: String,
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<StaffSession>() {
            return Ok(session.clone());
        }
        let jar = CookieJar::from_headers(&parts.headers);
        match session_from_cookies(state, &jar).await? {
            Some(session) => Ok(session),
            None => Err(unauthenticated(parts.uri.path(), parts.uri.query())),
        }
    }
}

async fn session_from_cookies(
    state: &AppState,
    jar: &CookieJar,
) -> Result<Option<StaffSession>, HttpError> {
    let Some(token) = jar.get(STAFF_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    let found = find_session(&state.db, &token)
        .await
        .map_err(|error| HttpError::Internal(error.to_string()))?;
    Ok(found.map(|record| StaffSession {
        user: record.user,
        csrf_token: record.csrf_token,
        token,
    }))
}

fn unauthenticated(path: &str, query: Option<&str>) -> HttpError {
    let next = match query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    HttpError::LoginRequired { next }
}

/// Lets a request through only for a signed-in user whose role may use `area` (`None`: any
/// staff member), and only with the session's CSRF token when it changes data.
pub async fn require_staff(
    State((state, area)): State<(AppState, Option<StaffArea>)>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    match admit(&state, area, &jar, request).await {
        Ok(request) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

async fn admit(
    state: &AppState,
    area: Option<StaffArea>,
    jar: &CookieJar,
    mut request: Request,
) -> Result<Request, HttpError> {
    let path = request.uri().path().to_owned();
    let Some(session) = session_from_cookies(state, jar).await? else {
        return Err(unauthenticated(&path, request.uri().query()));
    };
    if let Some(area) = area
        && !session.user.may_enter(area)
    {
        return Err(HttpError::Forbidden(Refusal::Role));
    }
    let changes_data = !matches!(*request.method(), Method::GET | Method::HEAD);
    if changes_data {
        request = check_csrf(request, &session.csrf_token).await?;
    }
    request.extensions_mut().insert(session);
    Ok(request)
}

/// Accepts the token from the `X-CSRF-Token` header, or from the `csrf_token` field of a
/// URL-encoded form (the body is read and handed on unchanged).
async fn check_csrf(request: Request, expected: &str) -> Result<Request, HttpError> {
    let rejected = || HttpError::Forbidden(Refusal::ExpiredForm);
    if let Some(submitted) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if constant_time_equals(submitted, expected) {
            Ok(request)
        } else {
            Err(rejected())
        };
    }
    if super::attachments::is_multipart(&request) {
        return check_multipart_csrf(request, expected).await;
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(rejected());
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| HttpError::BadRequest("The form is too large.".into()))?;
    let submitted = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    if submitted.is_empty() || !constant_time_equals(&submitted, expected) {
        return Err(rejected());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// How far into a form sent with files its `csrf_token` must come (the pages put it first).
const MULTIPART_CSRF_WITHIN: usize = 8 * 1024;

/// A form sent with files (`multipart/form-data`) carries its token as its first field: the
/// start of the body is read to find it, and the body is handed on whole, still streaming.
async fn check_multipart_csrf(request: Request, expected: &str) -> Result<Request, HttpError> {
    use axum::extract::FromRequest;
    use futures_util::StreamExt;
    use http_body_util::BodyExt;

    let rejected = || HttpError::Forbidden(Refusal::ExpiredForm);
    let (parts, mut body) = request.into_parts();
    let mut start = Vec::new();
    while start.len() < MULTIPART_CSRF_WITHIN {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    start.extend_from_slice(&data);
                }
            }
            Some(Err(_)) => {
                return Err(HttpError::BadRequest("The form could not be read.".into()));
            }
            None => break,
        }
    }
    let start = axum::body::Bytes::from(start);
    let mut probe = Request::new(Body::from(start.clone()));
    if let Some(content_type) = parts.headers.get(header::CONTENT_TYPE) {
        probe
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    let mut multipart = axum::extract::Multipart::from_request(probe, &())
        .await
        .map_err(|_| rejected())?;
    let submitted = match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some(CSRF_FIELD) => {
            field.text().await.unwrap_or_default()
        }
        _ => String::new(),
    };
    if submitted.is_empty() || !constant_time_equals(&submitted, expected) {
        return Err(rejected());
    }
    let rest = body.into_data_stream();
    let whole = futures_util::stream::once(async move { Ok::<_, axum::Error>(start) }).chain(rest);
    Ok(Request::from_parts(parts, Body::from_stream(whole)))
}

/// The session cookie, set at sign-in.
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((STAFF_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.uses_https())
        // A browser-session cookie: the server decides expiry, so a stolen copy dies with it.
        .build()
}

/// Removes the session cookie from the browser.
pub fn removal_cookie() -> Cookie<'static> {
    Cookie::build((STAFF_COOKIE, "")).path("/").build()
}
