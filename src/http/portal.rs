//! The customer-facing help centre in one language (`/{lang}/…`): home, categories and articles.

use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::HttpError;
use super::customer_session::{ClientIp, CustomerSession};
use super::language::PageLanguage;
use super::templates::{Layout, render};
use crate::app::AppState;
use crate::articles;
use crate::articles::reader_notes::{self, NoteError};
use crate::articles::translations::{self, ReaderVersion};
use crate::deflection::{Channel, Event, Requester, ViewSource};

const LIST_LENGTH: i64 = 6;

/// `/{lang}/articles/{slug}` and `/{lang}/categories/{slug}`.
#[derive(Debug, Deserialize)]
pub struct SlugPath {
    slug: String,
}

/// `/{lang}`: the help centre in one language. Its categories come first; English
/// categories follow for what is not translated yet.
pub async fn home(
    State(state): State<AppState>,
    page: PageLanguage,
) -> Result<Html<String>, HttpError> {
    let lang = page.code();
    let categories = state.db.published_categories(lang).await?;
    let english_categories = if lang == "en" {
        Vec::new()
    } else {
        state.db.published_categories("en").await?
    };
    let popular = state
        .db
        .popular_published_articles(lang, LIST_LENGTH)
        .await?;
    let recent = state
        .db
        .recent_published_articles(lang, LIST_LENGTH)
        .await?;
    let layout = Layout::new(&state, lang, state.config.site_name.clone()).in_every_language("");
    let html = render(
        "home.html",
        &layout,
        context! { categories, english_categories, popular, recent },
    )?;
    Ok(Html(html))
}

/// `/{lang}/categories/{slug}`: every published article in a category, each in the
/// reader's language where it is translated.
pub async fn category(
    State(state): State<AppState>,
    page: PageLanguage,
    Path(SlugPath { slug }): Path<SlugPath>,
) -> Result<Html<String>, HttpError> {
    let lang = page.code();
    let category = state
        .db
        .published_category(&slug)
        .await?
        .ok_or(HttpError::NotFound)?;
    let articles = state.db.published_articles_in_category(&slug, 500).await?;
    let articles = translations::in_reader_language(&state.db, articles, lang).await?;
    let sections = crate::articles::group_by_section(articles.clone());
    let layout = Layout::new(&state, lang, category.name.clone())
        .in_every_language(&format!("/categories/{slug}"));
    let html = render(
        "category.html",
        &layout,
        context! { category, articles, sections },
    )?;
    Ok(Html(html))
}

/// `/{lang}/articles/{slug}` parameters: how the customer got here.
#[derive(Debug, Default, Deserialize)]
pub struct ArticleQuery {
    from: Option<String>,
    /// The request draft, when opened from the request form.
    draft: Option<String>,
    /// What they searched, so "No" can pre-fill the request form.
    q: Option<String>,
    feedback: Option<String>,
}

/// `/{lang}/articles/{slug}`: one published article, in the reader's language. A reader of
/// another language is sent to their translation (or the English original); without
/// either, the article is shown with a notice that it is not translated. Drafts and archived
/// articles are not found; a renamed article's old slug redirects permanently (308).
pub async fn article(
    State(state): State<AppState>,
    session: CustomerSession,
    page: PageLanguage,
    Path(SlugPath { slug }): Path<SlugPath>,
    RawQuery(raw_query): RawQuery,
    Query(query): Query<ArticleQuery>,
) -> Result<Response, HttpError> {
    let lang = page.code();
    let with_query = |path: String| match &raw_query {
        Some(raw) => format!("{path}?{raw}"),
        None => path,
    };
    let Some(article) = articles::find_published_article(&state.db, &slug).await? else {
        return match articles::editing::redirected_slug(&state.db, &slug).await? {
            Some(current) => Ok(Redirect::permanent(&with_query(format!(
                "/{lang}/articles/{current}"
            )))
            .into_response()),
            None => Err(HttpError::NotFound),
        };
    };
    let family = translations::translation_family(&state.db, &article).await?;
    let version = translations::version_for_reader(&article.slug, &article.lang, &family, lang);
    if let ReaderVersion::Elsewhere(other) = version {
        // Which translation exists can change with the next publish: not a permanent move.
        return Ok(Redirect::to(&with_query(format!("/{lang}/articles/{other}"))).into_response());
    }
    let untranslated = version == ReaderVersion::Untranslated;
    let neighbours = articles::article_neighbours(&state.db, &article, &family).await?;
    let related = translations::in_reader_language(&state.db, neighbours.related, lang).await?;
    let requester = Requester {
        channel: Channel::WebForm,
        visitor_id: Some(session.visitor_id.clone()),
        address: None,
        lang: None,
    };
    let source = ViewSource::from_parameter(query.from.as_deref());
    let feedback = ArticleFeedbackStep::from_parameter(query.feedback.as_deref());
    // The page after a "Did this answer your question?" answer is the same reading, not
    // another view. Opened from the request form: the page offers "this solved it" right here.
    let draft = match feedback {
        ArticleFeedbackStep::Question => {
            state
                .request_flow()
                .article_opened(&requester, &article.slug, source, query.draft.as_deref())
                .await?
        }
        ArticleFeedbackStep::WhatWasMissing | ArticleFeedbackStep::Thanks => None,
    };
    let members: Vec<(String, String)> = family
        .iter()
        .map(|member| (member.lang.clone(), member.slug.clone()))
        .collect();
    let layout = Layout::new(&state, lang, article.title.clone())
        .for_article(&members, translations::fallback_slug(&article, &family));
    let outline = articles::outline(&article.body_markdown);
    // A short article needs no list of its own few headings.
    let outline = if outline.len() >= OUTLINE_MIN_HEADINGS {
        outline
    } else {
        Vec::new()
    };
    let contact_subject = contact_subject(query.q.as_deref(), &article.title);
    let html = render(
        "article.html",
        &layout,
        context! {
            article, related, translations => neighbours.translations, untranslated, outline,
            draft_id => draft.map(|d| d.id), search_query => query.q,
            feedback_thanks => feedback == ArticleFeedbackStep::Thanks,
            feedback_missing => feedback == ArticleFeedbackStep::WhatWasMissing,
            contact_subject, note_max_chars => reader_notes::MAX_NOTE_CHARS,
            csrf_token => &session.csrf_token,
        },
    )?;
    Ok(Html(html).into_response())
}

/// An article with at least this many sections and subsections lists them under "On this page".
const OUTLINE_MIN_HEADINGS: usize = 3;

/// Where the article's "Did this answer your question?" box stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArticleFeedbackStep {
    Question,
    /// After "No": what was missing (optional), and the way to support.
    WhatWasMissing,
    Thanks,
}

impl ArticleFeedbackStep {
    fn from_parameter(value: Option<&str>) -> ArticleFeedbackStep {
        match value {
            Some("missing") => ArticleFeedbackStep::WhatWasMissing,
            Some(_) => ArticleFeedbackStep::Thanks,
            None => ArticleFeedbackStep::Question,
        }
    }
}

/// The request form's subject when a reader goes from an article to support: what they
/// searched, or else the article they read.
fn contact_subject(search: Option<&str>, title: &str) -> String {
    match search.map(str::trim) {
        Some(searched) if !searched.is_empty() => searched.to_owned(),
        _ => title.to_owned(),
    }
}

/// `/{lang}/articles/{slug}?…` with the search and the feedback step kept.
fn article_url(lang: &str, slug: &str, search: &str, feedback: &str) -> String {
    let mut url = format!("/{lang}/articles/{slug}?feedback={feedback}");
    if !search.trim().is_empty() {
        url.push_str("&q=");
        url.extend(percent_encoding::utf8_percent_encode(
            search.trim(),
            percent_encoding::NON_ALPHANUMERIC,
        ));
    }
    url.push_str("#feedback");
    url
}

/// "Did this answer your question?"
#[derive(Debug, Default, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    helpful: String,
    #[serde(default)]
    q: String,
}

/// `POST /articles/{slug}/feedback`: yes thanks the customer; no asks what was missing and
/// offers the request form pre-filled with what they searched.
pub async fn article_feedback(
    State(state): State<AppState>,
    session: CustomerSession,
    ClientIp(address): ClientIp,
    page: PageLanguage,
    Path(SlugPath { slug }): Path<SlugPath>,
    Form(form): Form<FeedbackForm>,
) -> Result<Redirect, HttpError> {
    session.verify_csrf(&form.csrf_token)?;
    let article = articles::find_published_article(&state.db, &slug)
        .await?
        .ok_or(HttpError::NotFound)?;
    let helpful = match form.helpful.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(HttpError::BadRequest("Answer yes or no.".into())),
    };
    let teaches = state
        .learning_limits
        .may_teach(Some(address), &article.slug)
        .await?;
    state.events.record(
        Event::ArticleFeedback {
            slug: article.slug.clone(),
            helpful,
            teaches,
        },
        Some(&session.visitor_id),
        Channel::WebForm,
    );
    let step = if helpful { "thanks" } else { "missing" };
    Ok(Redirect::to(&article_url(
        page.code(),
        &article.slug,
        &form.q,
        step,
    )))
}

/// "What was missing?", after "No".
#[derive(Debug, Default, Deserialize)]
pub struct ReaderNoteForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    q: String,
}

/// `POST /{lang}/articles/{slug}/missing`: keeps what the reader said the article lacked (if
/// they wrote anything) for its editors, then thanks them.
pub async fn article_reader_note(
    State(state): State<AppState>,
    session: CustomerSession,
    ClientIp(ip): ClientIp,
    page: PageLanguage,
    Path(SlugPath { slug }): Path<SlugPath>,
    Form(form): Form<ReaderNoteForm>,
) -> Result<Redirect, HttpError> {
    session.verify_csrf(&form.csrf_token)?;
    let article = articles::find_published_article(&state.db, &slug)
        .await?
        .ok_or(HttpError::NotFound)?;
    if !form.note.trim().is_empty()
        && let Some(limit) = &state.reader_note_limiter
        && !limit.allow(&crate::limits::LimitKey::address(ip)).await?
    {
        return Err(HttpError::TooMany(
            "Too many notes from this address; please try again later.".into(),
        ));
    }
    match reader_notes::leave_note(&state.db, article.id, page.0, &form.note).await {
        Ok(_) => {}
        Err(NoteError::TooLong) => {
            return Err(HttpError::Invalid {
                message: NoteError::TooLong.to_string(),
                fields: [("note", NoteError::TooLong.to_string())].into(),
            });
        }
        Err(NoteError::Storage(error)) => return Err(error.into()),
    }
    Ok(Redirect::to(&article_url(
        page.code(),
        &article.slug,
        &form.q,
        "thanks",
    )))
}

/// Any unknown URL.
pub async fn not_found() -> HttpError {
    HttpError::NotFound
}
