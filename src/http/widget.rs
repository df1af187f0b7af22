//! The help widget: the loader script a site embeds (`/widget.js`), the panel it frames
//! (`/widget/panel`) and the panel's calls (`/api/widget/…`), which run the same request flow
//! as the portal with the channel `widget`. The panel holds no cookie; see [`crate::widget`]
//! for how its forms are protected instead.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::attachments::{UploadForm, read_form_with_files};
use super::customer_session::ClientIp;
use super::error::Refusal;
use super::staff::render_staff_page;
use super::staff_session::StaffSession;
use super::templates::{Layout, render, text};
use crate::accounts::StaffArea;
use crate::app::AppState;
use crate::articles::{self, translations};
use crate::deflection::request_flow::AutosaveOutcome;
use crate::deflection::{
    Channel, DraftFields, Requester, Review, SolvedOutcome, Submission, SubmitOutcome, ViewSource,
};
use crate::i18n::Language;
use crate::search::Suggestion;
use crate::tickets::filing::MAX_SUBJECT_CHARS;
use crate::widget::{AllowedOrigins, PageContext, PanelKey, WidgetOrigin, suggested_for_page};

/// The widget's templates.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "widget_panel.html",
        include_str!("../../templates/widget_panel.html"),
    ),
    (
        "admin_widget.html",
        include_str!("../../templates/admin_widget.html"),
    ),
];

const LOADER_SOURCE: &str = include_str!("../../templates/assets/widget.js");

/// Articles under "Suggested for this page".
const PAGE_SUGGESTIONS: usize = 4;
/// Published articles of a language looked at for the page's context at most.
const CONTEXT_CANDIDATES: i64 = 2000;

/// The widget's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/widget.js", get(loader))
        .route("/widget/panel", get(panel))
        .route("/api/widget/typing", post(typing))
        .route("/api/widget/article", post(article))
        .route("/api/widget/solved", post(solved))
        .route("/api/widget/request", post(send_request))
}

/// The admin page with the snippet; the router puts it behind the admin guard.
pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/admin/widget", get(admin_page))
}

/// `GET /admin/widget`: the snippet to copy, the allowed sites, and the widget itself on the
/// page as a live preview.
pub async fn admin_page(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Html<String>, HttpError> {
    let snippet = format!(
        "<script src=\"{}/widget.js\" async></script>",
        state.public_base_url()
    );
    let origins: Vec<&str> = state
        .config
        .widget_origins
        .iter()
        .map(WidgetOrigin::as_str)
        .collect();
    render_staff_page(
        &state,
        &session,
        Some(StaffArea::Admin),
        "admin_widget.html",
        "Help widget",
        context! { snippet, origins },
    )
}

/// Marks a response that may be framed by the configured sites: the router's
/// `X-Frame-Options: DENY` is left off it (its own CSP names the sites instead).
#[derive(Clone, Copy, Debug)]
pub struct FramedByWidgetOrigins;

/// The loader: the launcher's texts in every language are written in from the catalogues,
/// so the script holds no words of its own.
static LOADER: LazyLock<String> = LazyLock::new(|| {
    let texts: BTreeMap<&str, BTreeMap<&str, String>> = Language::ALL
        .into_iter()
        .map(|language| {
            let code = language.code();
            let texts = ["widget-launcher", "widget-dialog-label"]
                .into_iter()
                .map(|key| (key, text(code, key)))
                .collect();
            (code, texts)
        })
        .collect();
    let texts = serde_json::to_string(&texts).unwrap_or_else(|_| "{}".to_owned());
    LOADER_SOURCE.replace("__ANSWERDESK_TEXTS__", &texts)
});

/// `GET /widget.js`: small, cached for an hour (its URL carries no version: it is the one a
/// site pastes), and never blocks the host page (the snippet loads it `async`).
pub async fn loader(State(state): State<AppState>) -> Response {
    let source = LOADER.replace(
        "__ANSWERDESK_DEFAULT_LANGUAGE__",
        &state.config.default_language,
    );
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        source,
    )
        .into_response()
}

/// `GET /widget/panel` parameters, set by the loader from the host page.
#[derive(Debug, Default, Deserialize)]
pub struct PanelQuery {
    /// The host page's origin; the panel answers only a configured one.
    #[serde(default)]
    host: String,
    #[serde(default)]
    lang: String,
    /// The host page's `data-labels`.
    #[serde(default)]
    labels: String,
    /// The host page's path.
    #[serde(default)]
    path: String,
}

/// The panel's language: what the loader chose from the host page, else the browser's,
/// else the portal's default.
fn panel_language(state: &AppState, lang: &str, headers: &HeaderMap) -> Language {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Language::parse(&primary).unwrap_or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Language::from_accept_language)
            .or_else(|| Language::parse(&state.config.default_language))
            .unwrap_or(Language::En)
    })
}

/// `GET /widget/panel`: the panel, for a host page on a configured origin only. Its CSP lets
/// exactly the configured sites frame it; everything else about it is the portal's strict
/// policy. It carries a fresh [`PanelKey`] and a draft id issued to it.
pub async fn panel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<PanelQuery>,
) -> Result<Response, HttpError> {
    let allowed = AllowedOrigins(&state.config.widget_origins);
    // The admin page's live preview frames the panel from the help centre itself: then only
    // its own origin may frame it ('self').
    let preview = own_origin(&headers, &query.host);
    let host = match (allowed.find(&query.host), &preview) {
        (Some(host), _) => host.clone(),
        (None, Some(own)) => own.clone(),
        // The router's policy (`frame-ancestors 'none'`) applies: no site can frame this.
        (None, None) => return Err(HttpError::NotFound),
    };
    let ancestors = match preview {
        Some(_) if allowed.find(&query.host).is_none() => "'self'".to_owned(),
        _ => allowed.frame_ancestors(),
    };
    let language = panel_language(&state, &query.lang, &headers);
    let lang = language.code();
    let key = PanelKey::issue();
    let draft_id = state
        .request_flow()
        .new_draft_id(&panel_requester(&key, None, lang));
    let context = PageContext::new(&query.labels, &query.path);
    let candidates = state
        .db
        .published_articles_with_tags(lang, CONTEXT_CANDIDATES)
        .await?;
    let popular = state
        .db
        .popular_published_articles(lang, PAGE_SUGGESTIONS as i64)
        .await?;
    let for_page = suggested_for_page(&context, candidates, popular, PAGE_SUGGESTIONS);
    let layout = Layout::new(&state, lang, text(lang, "widget-dialog-label"));
    let limits = state.config.attachments.limits();
    let page = render(
        "widget_panel.html",
        &layout,
        context! {
            key => key.as_str(), draft_id, host => host.as_str(), for_page,
            subject_max => MAX_SUBJECT_CHARS,
            max_files => limits.max_files,
            max_file_size => crate::attachments::readable_size(limits.max_file_bytes),
            max_message_size => crate::attachments::readable_size(limits.max_message_bytes),
        },
    )?;
    let policy = format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors {ancestors}; form-action 'self'"
    );
    let policy = HeaderValue::from_str(&policy)
        .map_err(|error| HttpError::Internal(format!("panel policy: {error}")))?;
    let mut response = Html(page).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    // A new key and draft each time: never cached.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.extensions_mut().insert(FramedByWidgetOrigins);
    Ok(response)
}

/// `host` when it names the help centre's own origin, as the request reached it (the
/// admin page's preview).
fn own_origin(headers: &HeaderMap, host: &str) -> Option<WidgetOrigin> {
    let origin = WidgetOrigin::parse(host).ok()?;
    let authority = headers
        .get(header::HOST)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let (_, rest) = origin.as_str().split_once("://")?;
    (rest == authority).then_some(origin)
}

/// The widget as a requester of the request flow: the panel key stands in for the visitor
/// cookie.
fn panel_requester(key: &PanelKey, address: Option<std::net::IpAddr>, lang: &str) -> Requester {
    Requester {
        channel: Channel::Widget,
        visitor_id: Some(key.as_str().to_owned()),
        address,
        lang: Some(lang.to_owned()),
    }
}

/// What every call from the panel carries.
#[derive(Debug, Default, Deserialize)]
pub struct PanelForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    draft: String,
    #[serde(default)]
    lang: String,
}

/// A call from a panel, checked: it comes from the panel's own origin, and its draft was
/// issued to its key. Anything else is refused as an expired form.
struct PanelCall {
    requester: Requester,
    draft_id: String,
    lang: &'static str,
}

impl PanelCall {
    fn check(
        state: &AppState,
        headers: &HeaderMap,
        ip: std::net::IpAddr,
        form: &PanelForm,
    ) -> Result<PanelCall, HttpError> {
        // Browsers say where a request comes from; the panel only ever calls its own origin.
        let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        if site.is_some_and(|site| site != "same-origin") {
            return Err(HttpError::Forbidden(Refusal::ExpiredForm));
        }
        let lang = Language::parse(&form.lang)
            .or_else(|| Language::parse(&state.config.default_language))
            .unwrap_or(Language::En)
            .code();
        let key = PanelKey::parse(&form.key).ok_or(HttpError::Forbidden(Refusal::ExpiredForm))?;
        let requester = panel_requester(&key, Some(ip), lang);
        if !state.request_flow().is_issued_to(&requester, &form.draft) {
            return Err(HttpError::Forbidden(Refusal::ExpiredForm));
        }
        Ok(PanelCall {
            requester,
            draft_id: form.draft.clone(),
            lang,
        })
    }
}

/// `POST /api/widget/typing` body.
#[derive(Debug, Default, Deserialize)]
pub struct TypingForm {
    #[serde(flatten)]
    panel: PanelForm,
    #[serde(default)]
    text: String,
}

/// An article offered in the panel.
#[derive(Debug, Serialize)]
struct PanelSuggestion {
    slug: String,
    title: String,
    /// Matched words in `<mark>`, everything else escaped.
    snippet: String,
}

impl From<Suggestion> for PanelSuggestion {
    fn from(hit: Suggestion) -> PanelSuggestion {
        PanelSuggestion {
            slug: hit.id,
            title: hit.title,
            snippet: hit.snippet_html,
        }
    }
}

impl PanelCall {
    /// Keeps `subject` in the panel's draft (stored on the first words); a panel over the
    /// draft limit of its address is told to wait.
    async fn keep_subject(&self, state: &AppState, subject: String) -> Result<(), HttpError> {
        let fields = DraftFields {
            subject,
            ..DraftFields::default()
        };
        match state
            .request_flow()
            .autosave(&self.requester, &self.draft_id, &fields)
            .await?
        {
            AutosaveOutcome::RateLimited { .. } => Err(HttpError::TooMany(text(
                self.lang,
                "notice-draft-rate-limited",
            ))),
            AutosaveOutcome::Saved
            | AutosaveOutcome::UnknownDraft
            | AutosaveOutcome::TooLong { .. } => Ok(()),
        }
    }
}

/// `POST /api/widget/typing`: what the customer typed so far is kept in the panel's draft
/// (created on the first words), and the articles that answer it come back.
pub async fn typing(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(form): Form<TypingForm>,
) -> Result<Response, HttpError> {
    let call = PanelCall::check(&state, &headers, ip, &form.panel)?;
    let flow = state.request_flow();
    let subject: String = form.text.trim().chars().take(MAX_SUBJECT_CHARS).collect();
    call.keep_subject(&state, subject.clone()).await?;
    let suggestions = match subject.is_empty() {
        true => Vec::new(),
        false => flow.suggestions_for(&subject, Some(call.lang))?,
    };
    flow.suggestions_shown(&call.requester, &call.draft_id, &suggestions)
        .await?;
    let suggestions: Vec<PanelSuggestion> = suggestions.into_iter().map(Into::into).collect();
    Ok(Json(serde_json::json!({ "query": form.text, "suggestions": suggestions })).into_response())
}

/// `POST /api/widget/article` body.
#[derive(Debug, Default, Deserialize)]
pub struct ArticleForm {
    #[serde(flatten)]
    panel: PanelForm,
    #[serde(default)]
    slug: String,
    /// `suggest` (a suggestion for what was typed), `browse` (suggested for the page) or
    /// anything else (the host page's `openArticle`).
    #[serde(default)]
    from: String,
}

/// `POST /api/widget/article`: an article to read inside the panel, in the panel's language
/// where it is translated; the view is counted, with the draft when there is one.
pub async fn article(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(form): Form<ArticleForm>,
) -> Result<Response, HttpError> {
    let call = PanelCall::check(&state, &headers, ip, &form.panel)?;
    let mut found = articles::find_published_article(&state.db, &form.slug).await?;
    if found.is_none() {
        // A renamed article is found under its new slug.
        if let Some(current) = articles::editing::redirected_slug(&state.db, &form.slug).await? {
            found = articles::find_published_article(&state.db, &current).await?;
        }
    }
    let mut article = found.ok_or(HttpError::NotFound)?;
    let family = translations::translation_family(&state.db, &article).await?;
    let version =
        translations::version_for_reader(&article.slug, &article.lang, &family, call.lang);
    if let translations::ReaderVersion::Elsewhere(other) = version
        && let Some(translated) = articles::find_published_article(&state.db, &other).await?
    {
        article = translated;
    }
    let source = ViewSource::from_parameter(Some(form.from.as_str()));
    state
        .request_flow()
        .article_opened(&call.requester, &article.slug, source, Some(&call.draft_id))
        .await?;
    Ok(Json(serde_json::json!({
        "slug": article.slug,
        "title": article.title,
        // Rendered and sanitised when the article was saved.
        "html": article.body_html,
    }))
    .into_response())
}

/// `POST /api/widget/solved` body.
#[derive(Debug, Default, Deserialize)]
pub struct SolvedForm {
    #[serde(flatten)]
    panel: PanelForm,
    #[serde(default)]
    article: String,
}

/// `POST /api/widget/solved`: "Yes, this solved my problem", a deflection through the widget.
/// A customer who read an article suggested for the page without typing anything has no
/// draft yet: it is started with the article as its subject, so the deflection is counted.
pub async fn solved(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(form): Form<SolvedForm>,
) -> Result<Response, HttpError> {
    let call = PanelCall::check(&state, &headers, ip, &form.panel)?;
    let flow = state.request_flow();
    let article = form.article.trim();
    if state.db.find_draft(&call.draft_id).await?.is_none() {
        let title = articles::find_published_article(&state.db, article)
            .await?
            .map(|a| a.title)
            .unwrap_or_else(|| article.to_owned());
        call.keep_subject(&state, title.chars().take(MAX_SUBJECT_CHARS).collect())
            .await?;
        flow.article_opened(
            &call.requester,
            article,
            ViewSource::Browse,
            Some(&call.draft_id),
        )
        .await?;
    }
    match flow
        .confirm_solved(&call.requester, &call.draft_id, Some(article))
        .await?
    {
        SolvedOutcome::Deflected { .. } => {
            Ok(Json(serde_json::json!({ "deflected": true })).into_response())
        }
        SolvedOutcome::UnknownDraft => Err(HttpError::NotFound),
    }
}

/// `POST /api/widget/request` body: the request form inside the panel.
#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(flatten)]
    panel: PanelForm,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    description: String,
    /// `review` (first submit) or `file` ("No, send my request").
    #[serde(default)]
    step: String,
}

/// `POST /api/widget/request`: the portal's request flow (review step, rules, SLA, rate
/// limits), answered as JSON for the panel to show: `filed` with the reference and the
/// private status link, `review` with articles to look at first, `invalid` with a message
/// per field, `rate_limited`, or `already_filed`.
///
/// With files the body is `multipart/form-data` (the same fields, then files in parts named
/// `files`), checked and kept with the draft as on the portal's form, so files sent before
/// the review step or a field error need not be chosen again: the answer lists the files the
/// draft holds.
pub async fn send_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    request: Request,
) -> Result<Response, HttpError> {
    let (form, files) = read_form_with_files(&state, request, RequestForm::from_upload).await?;
    let call = PanelCall::check(&state, &headers, ip, &form.panel)?;
    let lang = call.lang;
    let submission = Submission {
        draft_id: Some(call.draft_id.clone()),
        fields: DraftFields {
            name: form.name,
            email: form.email,
            subject: form.subject,
            description: form.description,
            category: String::new(),
        },
        seen: Vec::new(),
        review: match form.step.as_str() {
            "file" => Review::Skip,
            _ => Review::Offer,
        },
        files,
    };
    let outcome = state
        .request_flow()
        .submit(&call.requester, submission)
        .await?;
    let (status, body) = match outcome {
        SubmitOutcome::Filed { ticket } => (
            StatusCode::CREATED,
            serde_json::json!({
                "outcome": "filed",
                "reference": ticket.reference,
                // On the help centre's origin, where the panel's link resolves it.
                "status_url": format!("/tickets/{}?filed=1", ticket.status_token),
            }),
        ),
        SubmitOutcome::AlreadyFiled => (
            StatusCode::OK,
            serde_json::json!({ "outcome": "already_filed", "message": text(lang, "request-sent-title") }),
        ),
        SubmitOutcome::Invalid { fields } => {
            let fields: BTreeMap<&str, String> = fields
                .0
                .into_iter()
                .map(|(field, key)| (field, text(lang, &key)))
                .collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                serde_json::json!({
                    "outcome": "invalid",
                    "fields": fields,
                    "files": kept_files(&state, &call.draft_id).await?,
                }),
            )
        }
        SubmitOutcome::NeedsReview { articles } => {
            let articles: Vec<PanelSuggestion> = articles.into_iter().map(Into::into).collect();
            (
                StatusCode::OK,
                serde_json::json!({
                    "outcome": "review",
                    "articles": articles,
                    "files": kept_files(&state, &call.draft_id).await?,
                }),
            )
        }
        SubmitOutcome::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            serde_json::json!({ "outcome": "rate_limited", "message": text(lang, "notice-rate-limited") }),
        ),
    };
    Ok((status, Json(body)).into_response())
}

/// The files a panel's draft holds, as the panel lists them: name and readable size.
async fn kept_files(state: &AppState, draft_id: &str) -> Result<Vec<serde_json::Value>, HttpError> {
    Ok(state
        .request_flow()
        .draft_files(draft_id)
        .await?
        .into_iter()
        .map(|file| {
            serde_json::json!({
                "name": file.name,
                "size": crate::attachments::readable_size(file.size),
            })
        })
        .collect())
}

impl RequestForm {
    /// The fields of a panel's request sent with files (`multipart/form-data`).
    fn from_upload(upload: &UploadForm) -> RequestForm {
        RequestForm {
            panel: PanelForm {
                key: upload.value("key"),
                draft: upload.value("draft"),
                lang: upload.value("lang"),
            },
            name: upload.value("name"),
            email: upload.value("email"),
            subject: upload.value("subject"),
            description: upload.value("description"),
            step: upload.value("step"),
        }
    }
}
