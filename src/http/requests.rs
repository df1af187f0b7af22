//! The request form: suggestions while the customer types, a review step with the articles
//! they have not seen yet, and a ticket only when self-service fails.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::HttpError;
use super::customer_session::{ClientIp, CustomerSession};
use super::templates::{Layout, render};
use crate::app::AppState;
use crate::deflection::drafts::{new_draft_id, save_draft};
use crate::deflection::{Channel, DraftFields, DraftState, Event, RequestDraft};
use crate::search::{SuggestRequest, Suggestion};
use crate::tickets::filing::{FieldErrors, FilingContext, TicketRequest, file_ticket};

/// Articles offered on the review step at most.
const REVIEW_SUGGESTIONS: usize = 3;

/// `GET /request/new` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct NewRequestQuery {
    #[serde(default)]
    q: String,
    draft: Option<String>,
}

/// `GET /request/new`: opens (or resumes) a draft. A new draft gets its id in the URL, so a
/// refresh or a trip to an article and back finds everything typed so far.
pub async fn new_request(
    State(state): State<AppState>,
    session: CustomerSession,
    Query(query): Query<NewRequestQuery>,
) -> Result<Response, HttpError> {
    if let Some(id) = query.draft.as_deref()
        && let Some(draft) = state.db.find_draft(id).await?
    {
        if let Some(response) = already_filed(&state, &draft.id).await? {
            return Ok(response);
        }
        let page = render_form(
            &state,
            &session,
            &draft.id,
            &draft.fields,
            &FieldErrors::default(),
            None,
        )
        .await?;
        return Ok(Html(page).into_response());
    }
    let id = new_draft_id();
    let subject: String = query
        .q
        .trim()
        .chars()
        .take(crate::tickets::filing::MAX_SUBJECT_CHARS)
        .collect();
    state
        .db
        .create_draft(&id, &subject, &state.config.default_language)
        .await?;
    Ok(Redirect::to(&format!("/request/new?draft={id}")).into_response())
}

async fn render_form(
    state: &AppState,
    session: &CustomerSession,
    draft_id: &str,
    fields: &DraftFields,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Result<String, HttpError> {
    let lang = state.config.default_language.clone();
    let categories = state.db.published_categories(&lang).await?;
    let layout = Layout::new(state, &lang, "Contact support");
    render(
        "request_form.html",
        &layout,
        context! {
            draft_id, fields, errors => &errors.0, notice, categories,
            csrf_token => &session.csrf_token,
        },
    )
}

/// The form again, with everything typed and a notice explaining why it was not sent.
async fn form_with_notice(
    state: &AppState,
    session: &CustomerSession,
    draft_id: &str,
    fields: &DraftFields,
    notice: &str,
    status: StatusCode,
) -> Result<Response, HttpError> {
    let page = render_form(
        state,
        session,
        draft_id,
        fields,
        &FieldErrors::default(),
        Some(notice),
    )
    .await?;
    Ok((status, Html(page)).into_response())
}

/// The request form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    draft: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    category: String,
    /// Slugs the live panel showed, comma-separated (set by the page's script).
    #[serde(default)]
    seen: String,
    /// `review` (first submit) or `file` ("No, submit my request").
    #[serde(default)]
    step: String,
}

impl RequestForm {
    fn fields(&self) -> DraftFields {
        DraftFields {
            name: self.name.clone(),
            email: self.email.clone(),
            subject: self.subject.clone(),
            description: self.description.clone(),
            category: self.category.clone(),
        }
    }
}

/// `POST /request`: saves the draft, validates, offers unseen suggestions once, then files.
pub async fn submit_request(
    State(state): State<AppState>,
    session: CustomerSession,
    ClientIp(ip): ClientIp,
    Form(form): Form<RequestForm>,
) -> Result<Response, HttpError> {
    let fields = form.fields();
    let draft_id = if valid_draft_id(&form.draft) {
        form.draft.clone()
    } else {
        new_draft_id()
    };
    if session.verify_csrf(&form.csrf_token).is_err() {
        // Keep everything typed: show the form again with a fresh token.
        let notice =
            "For your security this form expired. Your text is kept below: please submit it again.";
        return form_with_notice(
            &state,
            &session,
            &draft_id,
            &fields,
            notice,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    if let Some(response) = already_filed(&state, &draft_id).await? {
        return Ok(response);
    }
    save_draft(
        &state.db,
        &state.events,
        &draft_id,
        &fields,
        &state.config.default_language,
        &session.visitor_id,
    )
    .await?;
    let request = TicketRequest {
        name: fields.name.clone(),
        email: fields.email.clone(),
        subject: fields.subject.clone(),
        description: fields.description.clone(),
        category: fields.category.clone(),
    };
    let valid = match request.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            let page = render_form(&state, &session, &draft_id, &fields, &errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response());
        }
    };
    let draft = state.db.find_draft(&draft_id).await?;
    if form.step != "file" {
        let mut seen: Vec<String> = draft
            .as_ref()
            .map(|d| d.suggested_articles.clone())
            .unwrap_or_default();
        seen.extend(
            form.seen
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        let unseen: Vec<Suggestion> = confident_suggestions(&state, &fields.suggestion_text())?
            .into_iter()
            .filter(|s| !seen.contains(&s.id))
            .take(REVIEW_SUGGESTIONS)
            .collect();
        if !unseen.is_empty() {
            let slugs: Vec<String> = unseen.iter().map(|s| s.id.clone()).collect();
            state.db.add_draft_suggestions(&draft_id, &slugs).await?;
            state.events.record(
                Event::SuggestionsShown {
                    draft_id: Some(draft_id.clone()),
                    articles: slugs,
                },
                Some(&session.visitor_id),
            );
            let layout = Layout::new(&state, &state.config.default_language, "Before you send");
            let page = render(
                "request_review.html",
                &layout,
                context! { draft_id, fields, suggestions => unseen, csrf_token => &session.csrf_token },
            )?;
            return Ok(Html(page).into_response());
        }
    }
    if let Some(limiter) = &state.ticket_rate_limiter
        && limiter.check_key(&ip).is_err()
    {
        let notice = "You have sent several requests in a short time. Your text is saved below: please try again in a few minutes.";
        return form_with_notice(
            &state,
            &session,
            &draft_id,
            &fields,
            notice,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    // Reaching here, this request added no suggestions, so `draft` is current.
    let context = filing_context(&state, Some(&draft_id), draft.as_ref(), Channel::WebForm);
    let filed = file_ticket(&state.db, &state.rules, &state.config.sla, &valid, &context).await?;
    if filed.newly_filed {
        state.events.record(
            Event::TicketFiled {
                ticket_id: filed.id,
                draft_id: Some(draft_id),
                suggestions_shown: !context.suggested_articles.is_empty(),
                suggestions_opened: !context.opened_articles.is_empty(),
            },
            Some(&session.visitor_id),
        );
    }
    Ok(Redirect::to(&format!("/tickets/{}?filed=1", filed.status_token)).into_response())
}

/// What the portal knows about self-service tried before filing.
pub fn filing_context(
    state: &AppState,
    draft_id: Option<&str>,
    draft: Option<&RequestDraft>,
    channel: Channel,
) -> FilingContext {
    FilingContext {
        draft_id: draft_id.map(str::to_owned),
        lang: draft
            .map(|d| d.lang.clone())
            .unwrap_or_else(|| state.config.default_language.clone()),
        channel,
        suggested_articles: draft
            .map(|d| d.suggested_articles.clone())
            .unwrap_or_default(),
        opened_articles: draft.map(|d| d.opened_articles.clone()).unwrap_or_default(),
        base_url: state.public_base_url(),
        site_name: state.config.site_name.clone(),
    }
}

/// A double-clicked submit, or a back button after filing: show the ticket already filed.
async fn already_filed(state: &AppState, draft_id: &str) -> Result<Option<Response>, HttpError> {
    let Some(draft) = state.db.find_draft(draft_id).await? else {
        return Ok(None);
    };
    let Some(ticket_id) = draft.ticket_id else {
        return Ok(None);
    };
    let Some(ticket) = state.db.find_ticket_by_id(ticket_id).await? else {
        return Ok(None);
    };
    Ok(Some(
        Redirect::to(&format!("/tickets/{}?filed=1", ticket.status_token)).into_response(),
    ))
}

/// Suggestions good enough to interrupt a customer with.
pub fn confident_suggestions(state: &AppState, text: &str) -> Result<Vec<Suggestion>, HttpError> {
    let text: String = text.chars().take(super::search::MAX_QUERY_CHARS).collect();
    Ok(state.search.suggest_articles(&SuggestRequest {
        text: &text,
        lang: None,
        category: None,
        limit: 5,
        offset: 0,
    })?)
}

fn valid_draft_id(id: &str) -> bool {
    id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit())
}

/// `POST /request/{draft}/solved` form.
#[derive(Debug, Default, Deserialize)]
pub struct SolvedForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    article: String,
}

/// `POST /request/{draft}/solved`: "Yes, this solved my problem" — an explicit deflection.
pub async fn request_solved(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(draft_id): Path<String>,
    Form(form): Form<SolvedForm>,
) -> Result<Response, HttpError> {
    session.verify_csrf(&form.csrf_token)?;
    let draft = state
        .db
        .find_draft(&draft_id)
        .await?
        .ok_or(HttpError::NotFound)?;
    let article = (!form.article.is_empty()).then(|| form.article.clone());
    if draft.state == DraftState::Open
        && state
            .db
            .close_draft(&draft_id, DraftState::Deflected)
            .await?
    {
        state.events.record(
            Event::Deflected {
                draft_id: draft_id.clone(),
                slug: article.clone(),
            },
            Some(&session.visitor_id),
        );
    }
    let article = match article {
        Some(slug) => state.db.find_article_by_slug(&slug).await?.map(|a| a.title),
        None => None,
    };
    let layout = Layout::new(&state, &state.config.default_language, "Glad we could help");
    let page = render("request_solved.html", &layout, context! { article })?;
    Ok(Html(page).into_response())
}

/// `POST /request/{draft}/autosave`: the page's script keeps the server-side draft current.
pub async fn autosave_request(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(draft_id): Path<String>,
    Form(form): Form<RequestForm>,
) -> Result<StatusCode, HttpError> {
    session.verify_csrf(&form.csrf_token)?;
    if !valid_draft_id(&draft_id) {
        return Err(HttpError::NotFound);
    }
    save_draft(
        &state.db,
        &state.events,
        &draft_id,
        &form.fields(),
        &state.config.default_language,
        &session.visitor_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
