//! Canned responses: saved replies with placeholders, listed, created, edited and deleted.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::HttpError;
use crate::accounts::StaffArea;
use crate::app::AppState;
use crate::http::staff::render_staff_page;
use crate::http::staff_session::StaffSession;
use crate::tickets::agent_work::display_name;
use crate::tickets::canned::{
    CannedError, PLACEHOLDERS, create_canned_response, delete_canned_response,
    update_canned_response,
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

async fn render_canned(
    state: &AppState,
    session: &StaffSession,
    notice: Option<&str>,
    error: Option<String>,
    form: &CannedForm,
) -> Result<Html<String>, HttpError> {
    let responses = state.db.canned_responses().await?;
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

pub(super) async fn create_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<CannedForm>,
) -> Result<Response, HttpError> {
    match create_canned_response(&state.db, &session.user, &form.title, &form.body).await {
        Ok(_) => Ok(Redirect::to("/agent/canned?done=created").into_response()),
        Err(error) => {
            let message = canned_error(error)?;
            let page = render_canned(&state, &session, None, Some(message), &form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
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
        Err(error) => {
            let message = canned_error(error)?;
            let page = render_canned(
                &state,
                &session,
                None,
                Some(message),
                &CannedForm::default(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
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
