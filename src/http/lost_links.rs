//! `/{lang}/requests/find`: a customer who lost the private link to a request asks for it by
//! email address. The answer is the same whether or not the address has requests.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;

use super::HttpError;
use super::customer_session::{ClientIp, CustomerSession};
use super::language::PageLanguage;
use super::templates::{Layout, render, text};
use crate::app::AppState;
use crate::tickets::lost_links::{self, LinkContext, LostLinksError, LostLinksOutcome};

/// The form's one field.
#[derive(Debug, Default, Deserialize)]
pub struct FindRequestsForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
}

fn render_page(
    state: &AppState,
    session: &CustomerSession,
    page: PageLanguage,
    email: &str,
    errors: &BTreeMap<&'static str, &'static str>,
    sent: bool,
) -> Result<Html<String>, HttpError> {
    let lang = page.code();
    let layout = Layout::new(state, lang, text(lang, "find-requests-title"))
        .in_every_language("/requests/find");
    let html = render(
        "find_requests.html",
        &layout,
        context! { email, errors, sent, csrf_token => &session.csrf_token },
    )?;
    Ok(Html(html))
}

/// `GET /{lang}/requests/find`: the form.
pub async fn find_requests_page(
    State(state): State<AppState>,
    session: CustomerSession,
    page: PageLanguage,
) -> Result<Html<String>, HttpError> {
    render_page(&state, &session, page, "", &BTreeMap::new(), false)
}

/// `POST /{lang}/requests/find`: sends the links if the address has requests, and says the
/// same either way.
pub async fn send_request_links(
    State(state): State<AppState>,
    session: CustomerSession,
    ClientIp(ip): ClientIp,
    page: PageLanguage,
    Form(form): Form<FindRequestsForm>,
) -> Result<Response, HttpError> {
    session.verify_csrf(&form.csrf_token)?;
    let limits = &state.lost_link_limits;
    if let Some(per_address) = &limits.per_address
        && !per_address
            .allow(&crate::limits::LimitKey::address(ip))
            .await?
    {
        return Err(HttpError::TooMany(
            "Too many requests for links from this address; please try again in an hour.".into(),
        ));
    }
    let address = match lost_links::parse_address(&form.email) {
        Ok(address) => address,
        Err(LostLinksError::InvalidAddress(key)) => {
            let errors = BTreeMap::from([("email", key)]);
            let html = render_page(&state, &session, page, &form.email, &errors, false)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    let outcome = lost_links::send_lost_links(
        &state.db,
        limits.per_recipient.as_ref(),
        &address,
        page.0,
        &LinkContext {
            base_url: &state.public_base_url(),
            site_name: &state.config.site_name,
        },
    )
    .await?;
    if let LostLinksOutcome::Sent { requests } = outcome {
        tracing::info!(requests, "sent a customer the links to their requests");
    }
    let html = render_page(&state, &session, page, &address, &BTreeMap::new(), true)?;
    Ok(html.into_response())
}
