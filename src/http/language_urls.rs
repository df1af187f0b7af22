//! Customer URLs carry their language (`/lv/…`). What arrives without one is sent to the
//! customer's language: `/` and every URL of the release before languages were in URLs
//! (`/articles/{slug}`, `/search?q=…`, `/request/new`, …), so no shared link breaks.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use super::HttpError;
use super::language::{LANGUAGE_COOKIE, preferred_language};
use super::local_path::local_path;
use crate::app::AppState;
use crate::i18n::Language;

/// How long the switcher's choice is remembered.
const CHOICE_LIFETIME: time::Duration = time::Duration::days(365);

/// `GET /`: the help centre in the customer's language.
pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let language = preferred_language(&headers, &state.config.default_language);
    depends_on_the_reader(Redirect::to(&format!("/{language}")).into_response())
}

/// Any unprefixed customer URL: the same page in the customer's language, method and body
/// kept (308), so a form posted from a page served before the move still arrives.
pub async fn unprefixed(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let language = preferred_language(&headers, &state.config.default_language);
    let target = match uri.query() {
        Some(query) => format!("/{language}{}?{query}", uri.path()),
        None => format!("/{language}{}", uri.path()),
    };
    depends_on_the_reader(Redirect::permanent(&target).into_response())
}

/// The redirect differs by reader: shared caches must keep one per language, and a browser
/// must ask again once the customer picks another language.
fn depends_on_the_reader(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

/// `GET /language/{lang}` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct ChoiceQuery {
    #[serde(default)]
    next: String,
}

/// `GET /language/{lang}?next=/lv/…`: the language switcher. Remembers the choice in a
/// cookie (which then decides at `/` and for unprefixed links), then goes to `next`, a page
/// on this site, or to the language's home.
pub async fn choose_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<ChoiceQuery>,
    jar: CookieJar,
) -> Result<Response, HttpError> {
    let language = Language::from_url_code(&code).ok_or(HttpError::NotFound)?;
    let home = format!("/{language}");
    // `next` arrives decoded; a Location header carries ASCII only.
    let target = local_path(&query.next).map_or(home, |path| {
        percent_encoding::utf8_percent_encode(path, percent_encoding::CONTROLS).to_string()
    });
    let cookie = Cookie::build((LANGUAGE_COOKIE, language.code()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.uses_https())
        .max_age(CHOICE_LIFETIME)
        .build();
    Ok((jar.add(cookie), Redirect::to(&target)).into_response())
}
