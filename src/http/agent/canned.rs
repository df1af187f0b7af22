//! Canned responses: saved replies with placeholders, listed, created, edited and deleted,
//! each with a variant per language added, edited or removed beside its default text.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{HttpError, LanguageOption};
use crate::accounts::StaffArea;
use crate::app::AppState;
use crate::http::staff::render_staff_page;
use crate::http::staff_session::StaffSession;
use crate::i18n::Language;
use crate::tickets::agent_work::display_name;
use crate::tickets::canned::{
    CannedEntry, CannedError, PLACEHOLDERS, canned_library, create_canned_response,
    delete_canned_response, delete_canned_variant, save_canned_variant, update_canned_response,
};

/// `GET /agent/canned` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct CannedQuery {
    #[serde(default)]
    done: String,
}

/// The create/edit form of a canned response.
#[derive(Debug, Default, Deserialize)]
pub struct CannedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// The form of one language's variant.
#[derive(Debug, Default, Deserialize)]
pub struct VariantForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    body: String,
}

#[derive(Serialize)]
struct VariantView {
    lang: &'static str,
    label: String,
    body: String,
}

#[derive(Serialize)]
struct CannedView {
    id: i64,
    title: String,
    body: String,
    variants: Vec<VariantView>,
    /// The languages a variant can still be added in.
    missing: Vec<LanguageOption>,
}

impl From<CannedEntry> for CannedView {
    fn from(entry: CannedEntry) -> CannedView {
        CannedView {
            missing: entry
                .missing_languages()
                .into_iter()
                .map(LanguageOption::of)
                .collect(),
            id: entry.response.id,
            title: entry.response.title,
            body: entry.response.body,
            variants: entry
                .variants
                .into_iter()
                .map(|variant| VariantView {
                    lang: variant.lang.code(),
                    label: variant.lang.label(),
                    body: variant.body,
                })
                .collect(),
        }
    }
}

async fn render_canned(
    state: &AppState,
    session: &StaffSession,
    notice: Option<&str>,
    error: Option<String>,
    form: &CannedForm,
) -> Result<Html<String>, HttpError> {
    let responses: Vec<CannedView> = canned_library(&state.db)
        .await?
        .into_iter()
        .map(CannedView::from)
        .collect();
    render_staff_page(
        state,
        session,
        Some(StaffArea::Agent),
        "agent_canned.html",
        "Canned responses",
        context! {
            responses, notice, error,
            placeholders => PLACEHOLDERS.map(|(name, meaning)| context! { name, meaning }),
            form_title => &form.title, form_body => &form.body,
            agent_name => display_name(&session.user),
        },
    )
}

pub(super) async fn canned_page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<CannedQuery>,
) -> Result<Html<String>, HttpError> {
    let notice = match query.done.as_str() {
        "created" => Some("Canned response saved."),
        "updated" => Some("Canned response updated."),
        "deleted" => Some("Canned response deleted."),
        "variant-saved" => Some("Language variant saved."),
        "variant-deleted" => {
            Some("Language variant removed; that language gets the default text again.")
        }
        _ => None,
    };
    render_canned(&state, &session, notice, None, &CannedForm::default()).await
}

fn canned_error(error: CannedError) -> Result<String, HttpError> {
    match error {
        CannedError::Storage(error) => Err(error.into()),
        CannedError::NotFound => Err(HttpError::NotFound),
        other => Ok(other.to_string()),
    }
}

/// The page again with the reason a change was refused.
async fn refused(
    state: &AppState,
    session: &StaffSession,
    error: CannedError,
    form: &CannedForm,
) -> Result<Response, HttpError> {
    let message = canned_error(error)?;
    let page = render_canned(state, session, None, Some(message), form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub(super) async fn create_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<CannedForm>,
) -> Result<Response, HttpError> {
    match create_canned_response(&state.db, &session.user, &form.title, &form.body).await {
        Ok(_) => Ok(Redirect::to("/agent/canned?done=created").into_response()),
        Err(error) => refused(&state, &session, error, &form).await,
    }
}

pub(super) async fn update_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<CannedForm>,
) -> Result<Response, HttpError> {
    match update_canned_response(&state.db, &session.user, id, &form.title, &form.body).await {
        Ok(()) => Ok(Redirect::to("/agent/canned?done=updated").into_response()),
        Err(error) => refused(&state, &session, error, &CannedForm::default()).await,
    }
}

pub(super) async fn delete_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
) -> Result<Redirect, HttpError> {
    if let Err(error) = delete_canned_response(&state.db, &session.user, id).await {
        canned_error(error)?;
    }
    Ok(Redirect::to("/agent/canned?done=deleted"))
}

fn parse_language(code: &str) -> Result<Language, HttpError> {
    Language::parse(code)
        .ok_or_else(|| HttpError::BadRequest(format!("Unknown language {code:?}.")))
}

/// `POST /agent/canned/{id}/variants`: adds the variant in `lang` or replaces its text.
pub(super) async fn save_variant(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<VariantForm>,
) -> Result<Response, HttpError> {
    let lang = parse_language(&form.lang)?;
    match save_canned_variant(&state.db, &session.user, id, lang, &form.body).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/agent/canned?done=variant-saved#canned-{id}")).into_response(),
        ),
        Err(error) => refused(&state, &session, error, &CannedForm::default()).await,
    }
}

/// `POST /agent/canned/{id}/variants/{lang}/delete`: removes one language's variant.
pub(super) async fn delete_variant(
    State(state): State<AppState>,
    session: StaffSession,
    Path((id, lang)): Path<(i64, String)>,
) -> Result<Redirect, HttpError> {
    let lang = parse_language(&lang)?;
    if let Err(error) = delete_canned_variant(&state.db, &session.user, id, lang).await {
        canned_error(error)?;
    }
    Ok(Redirect::to(&format!(
        "/agent/canned?done=variant-deleted#canned-{id}"
    )))
}
