//! The request form: suggestions while the customer types, a review step with the articles
//! they have not seen yet, and a ticket only when self-service fails.

use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use std::net::IpAddr;

use super::HttpError;
use super::attachments::{FileView, UploadForm, read_form_with_files};
use super::customer_session::{ClientIp, CustomerSession};
use super::language::PageLanguage;
use super::templates::{Layout, render, text};
use crate::app::AppState;
use crate::attachments::readable_size;
use crate::deflection::request_flow::AutosaveOutcome;
use crate::deflection::{
    Channel, DraftFields, OpenedDraft, Requester, Review, SolvedOutcome, Submission, SubmitOutcome,
};
use crate::tickets::filing::{FieldErrors, FiledTicket, MAX_SUBJECT_CHARS};

/// `GET /request/new` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct NewRequestQuery {
    #[serde(default)]
    q: String,
    draft: Option<String>,
    /// "Start a new request instead": a blank form even with an unsent request waiting.
    #[serde(default)]
    fresh: Option<String>,
    /// Set on the redirect to a resumed draft, so the form says so.
    #[serde(default)]
    resumed: Option<String>,
}

/// `GET /request/new`: resumes a draft, or shows an empty form. A new form gets a draft id
/// in the URL, so a refresh or a trip to an article and back finds everything typed so far;
/// the draft itself is stored only once the customer types (autosave) or sends it.
pub async fn new_request(
    State(state): State<AppState>,
    session: CustomerSession,
    ClientIp(ip): ClientIp,
    page: PageLanguage,
    Query(query): Query<NewRequestQuery>,
) -> Result<Response, HttpError> {
    let lang = page.code();
    let flow = state.request_flow();
    let requester = requester(&session, ip, lang);
    let subject: String = query.q.trim().chars().take(MAX_SUBJECT_CHARS).collect();
    let Some(id) = query.draft.as_deref() else {
        // "Contact support" resumes this browser's unsent request, if it has one, rather
        // than a blank form that would lose what the customer typed. That holds for a link
        // with a search text too (`?q=`, from the results or an unhelpful article): what the
        // customer wrote is theirs and took effort, while the search text is only a guess
        // at a subject, so the draft wins and the text fills its subject only when that is
        // still empty. The form says it was resumed and offers a blank one instead.
        let resumed = match query.fresh {
            Some(_) => None,
            None => flow.resumable_draft(&requester).await?,
        };
        let (id, flag) = match resumed {
            Some(draft) => (draft.id, "&resumed=1"),
            None => (flow.new_draft_id(&requester), ""),
        };
        let mut target = format!("/{lang}/request/new?draft={id}{flag}");
        if !subject.is_empty() {
            target.push_str("&q=");
            target.extend(percent_encoding::utf8_percent_encode(
                &subject,
                percent_encoding::NON_ALPHANUMERIC,
            ));
        }
        return Ok(Redirect::to(&target).into_response());
    };
    let (id, fields, stored) = match flow.open(id).await? {
        OpenedDraft::Editing(draft) => {
            let mut fields = draft.fields;
            if fields.subject.trim().is_empty() {
                fields.subject = subject;
            }
            (draft.id, fields, true)
        }
        OpenedDraft::Filed => return request_sent(&state, lang),
        // Not stored yet: this browser's own new draft, or (from someone else's link, or a
        // browser keeping no cookies) a new one of its own, without redirecting again.
        OpenedDraft::Missing => {
            let id = match flow.is_issued_to(&requester, id) {
                true => id.to_owned(),
                false => flow.new_draft_id(&requester),
            };
            let fields = DraftFields {
                subject,
                ..DraftFields::default()
            };
            (id, fields, false)
        }
    };
    let form = FormState {
        draft_id: &id,
        stored,
        resumed: stored && query.resumed.is_some(),
    };
    let page = render_form(
        &state,
        &session,
        lang,
        &form,
        &fields,
        &FieldErrors::default(),
        None,
    )
    .await?;
    Ok(Html(page).into_response())
}

/// Which draft a rendered form saves into, and whether it is stored yet (the page's script
/// then knows that the first save creates it).
struct FormState<'a> {
    draft_id: &'a str,
    stored: bool,
    /// Opened by "Contact support" as the visitor's unsent request (the form says so).
    resumed: bool,
}

/// The portal's form as a requester of the request flow.
fn requester(session: &CustomerSession, ip: IpAddr, lang: &str) -> Requester {
    Requester {
        channel: Channel::WebForm,
        visitor_id: Some(session.visitor_id.clone()),
        address: Some(ip),
        lang: Some(lang.to_owned()),
    }
}

/// The filed ticket's private page, with the "sent" notice.
fn to_ticket_page(ticket: &FiledTicket) -> Response {
    Redirect::to(&format!("/tickets/{}?filed=1", ticket.status_token)).into_response()
}

/// "This request was sent": a filed draft's page, which does not lead to the ticket.
fn request_sent(state: &AppState, lang: &str) -> Result<Response, HttpError> {
    let layout = Layout::new(state, lang, text(lang, "request-sent-title"));
    Ok(Html(render("request_sent.html", &layout, context! {})?).into_response())
}

/// The request form; `notice` is a message key of the catalogues.
async fn render_form(
    state: &AppState,
    session: &CustomerSession,
    lang: &str,
    form: &FormState<'_>,
    fields: &DraftFields,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Result<String, HttpError> {
    let draft_id = form.draft_id;
    let categories = state.db.published_categories(lang).await?;
    let files: Vec<FileView> = match form.stored {
        true => state.request_flow().draft_files(draft_id).await?,
        false => Vec::new(),
    }
    .iter()
    .map(|file| FileView::of(file, ""))
    .collect();
    let limits = state.config.attachments.limits();
    let layout = Layout::new(state, lang, text(lang, "contact-support"))
        .in_every_language(&format!("/request/new?draft={draft_id}"));
    render(
        "request_form.html",
        &layout,
        context! {
            draft_id, fields, errors => &errors.0, notice, categories,
            draft_stored => form.stored,
            files, max_files => limits.max_files,
            max_file_size => readable_size(limits.max_file_bytes),
            max_message_size => readable_size(limits.max_message_bytes),
            draft_resumed => form.resumed,
            csrf_token => &session.csrf_token,
        },
    )
}

/// The form again, with everything typed and a notice explaining why it was not sent.
async fn form_with_notice(
    state: &AppState,
    session: &CustomerSession,
    lang: &str,
    form: &FormState<'_>,
    fields: &DraftFields,
    notice: &str,
    status: StatusCode,
) -> Result<Response, HttpError> {
    let page = render_form(
        state,
        session,
        lang,
        form,
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
    /// Slugs the live panel had on screen, comma-separated (set by the page's script).
    #[serde(default)]
    seen: String,
    /// `review` (first submit) or `file` ("No, submit my request").
    #[serde(default)]
    step: String,
}

impl RequestForm {
    fn seen(&self) -> Vec<String> {
        self.seen
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

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

impl RequestForm {
    /// The typed fields of the form sent with files (`multipart/form-data`).
    fn from_upload(upload: &UploadForm) -> RequestForm {
        RequestForm {
            draft: upload.value("draft"),
            csrf_token: upload.value("csrf_token"),
            name: upload.value("name"),
            email: upload.value("email"),
            subject: upload.value("subject"),
            description: upload.value("description"),
            category: upload.value("category"),
            seen: upload.value("seen"),
            step: upload.value("step"),
        }
    }
}

/// `POST /request`: the request flow decides; this turns its outcome into a page. The form
/// comes with files (`multipart/form-data`, the page as served) or without (the review
/// step's "No, submit my request").
pub async fn submit_request(
    State(state): State<AppState>,
    session: CustomerSession,
    ClientIp(ip): ClientIp,
    page: PageLanguage,
    request: Request,
) -> Result<Response, HttpError> {
    let (form, files) = read_form_with_files(&state, request, RequestForm::from_upload).await?;
    let lang = page.code();
    let fields = form.fields();
    let requester = requester(&session, ip, lang);
    let flow = state.request_flow();
    let draft_id = flow.draft_for_form(&requester, &form.draft).await?;
    // A form posted again keeps saving into its draft (stored by now, unless refused).
    let form_state = FormState {
        draft_id: &draft_id,
        stored: true,
        resumed: false,
    };
    if session.verify_csrf(&form.csrf_token).is_err() {
        // Keep everything typed: show the form again with a fresh token.
        let notice = "notice-form-expired";
        let unsaved = FormState {
            stored: false,
            ..form_state
        };
        return form_with_notice(
            &state,
            &session,
            lang,
            &unsaved,
            &fields,
            notice,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let submission = Submission {
        draft_id: Some(draft_id.clone()),
        fields: fields.clone(),
        seen: form.seen(),
        review: if form.step == "file" {
            Review::Skip
        } else {
            Review::Offer
        },
        files,
    };
    let outcome = flow.submit(&requester, submission).await?;
    match outcome {
        SubmitOutcome::Filed { ticket } => Ok(to_ticket_page(&ticket)),
        SubmitOutcome::AlreadyFiled => request_sent(&state, lang),
        SubmitOutcome::Invalid { fields: errors } => {
            let page =
                render_form(&state, &session, lang, &form_state, &fields, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response())
        }
        SubmitOutcome::NeedsReview { articles } => {
            let layout = Layout::new(&state, lang, text(lang, "review-page-title"));
            let files: Vec<FileView> = flow
                .draft_files(&draft_id)
                .await?
                .iter()
                .map(|file| FileView::of(file, ""))
                .collect();
            let page = render(
                "request_review.html",
                &layout,
                context! { draft_id, fields, files, suggestions => articles, csrf_token => &session.csrf_token },
            )?;
            Ok(Html(page).into_response())
        }
        SubmitOutcome::RateLimited => {
            let notice = "notice-rate-limited";
            form_with_notice(
                &state,
                &session,
                lang,
                &form_state,
                &fields,
                notice,
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await
        }
    }
}

/// `/{lang}/request/{draft}/…`.
#[derive(Debug, Deserialize)]
pub struct DraftPath {
    draft: String,
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
    ClientIp(ip): ClientIp,
    page: PageLanguage,
    Path(DraftPath { draft: draft_id }): Path<DraftPath>,
    Form(form): Form<SolvedForm>,
) -> Result<Response, HttpError> {
    session.verify_csrf(&form.csrf_token)?;
    let lang = page.code();
    let outcome = state
        .request_flow()
        .confirm_solved(
            &requester(&session, ip, lang),
            &draft_id,
            Some(&form.article),
        )
        .await?;
    let SolvedOutcome::Deflected { article_title } = outcome else {
        return Err(HttpError::NotFound);
    };
    let layout = Layout::new(&state, lang, text(lang, "solved-page-title"));
    let page = render(
        "request_solved.html",
        &layout,
        context! { article => article_title },
    )?;
    Ok(Html(page).into_response())
}

/// `POST /request/{draft}/autosave`: the page's script keeps the server-side draft current
/// (creating it on the first save).
pub async fn autosave_request(
    State(state): State<AppState>,
    session: CustomerSession,
    ClientIp(ip): ClientIp,
    page: PageLanguage,
    Path(DraftPath { draft: draft_id }): Path<DraftPath>,
    Form(form): Form<RequestForm>,
) -> Result<Response, HttpError> {
    session.verify_csrf(&form.csrf_token)?;
    let lang = page.code();
    let requester = requester(&session, ip, lang);
    let flow = state.request_flow();
    match flow.autosave(&requester, &draft_id, &form.fields()).await? {
        AutosaveOutcome::Saved => {}
        AutosaveOutcome::UnknownDraft => return Err(HttpError::NotFound),
        AutosaveOutcome::TooLong { fields } => {
            return Err(HttpError::Invalid {
                message: text(lang, "notice-draft-too-long"),
                fields: fields
                    .0
                    .into_iter()
                    .map(|(field, key)| (field, text(lang, &key)))
                    .collect(),
            });
        }
        AutosaveOutcome::RateLimited { retry_after } => {
            let seconds = retry_after.as_secs().max(1);
            let refused = HttpError::TooMany(text(lang, "notice-draft-rate-limited"));
            return Ok(([(header::RETRY_AFTER, seconds.to_string())], refused).into_response());
        }
    }
    // What the panel had on screen: remembered with the draft, as shown.
    flow.articles_seen(&requester, &draft_id, &form.seen())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
