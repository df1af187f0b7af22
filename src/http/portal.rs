//! The customer-facing help centre in one language (`/{lang}/…`): home, categories and articles.

use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::HttpError;
use super::customer_session::CustomerSession;
use super::language::PageLanguage;
use super::templates::{Layout, render};
use crate::app::AppState;
use crate::articles;
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
    let layout = Layout::new(&state, lang, category.name.clone())
        .in_every_language(&format!("/categories/{slug}"));
    let html = render("category.html", &layout, context! { category, articles })?;
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
    // Opened from the request form: the page offers "this solved it" right here.
    let draft = state
        .request_flow()
        .article_opened(&requester, &article.slug, source, query.draft.as_deref())
        .await?;
    let members: Vec<(String, String)> = family
        .iter()
        .map(|member| (member.lang.clone(), member.slug.clone()))
        .collect();
    let layout = Layout::new(&state, lang, article.title.clone())
        .for_article(&members, translations::fallback_slug(&article, &family));
    let html = render(
        "article.html",
        &layout,
        context! {
            article, related, translations => neighbours.translations, untranslated,
            draft_id => draft.map(|d| d.id), search_query => query.q,
            feedback_thanks => query.feedback.is_some(), csrf_token => &session.csrf_token,
        },
    )?;
    Ok(Html(html).into_response())
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

/// `POST /articles/{slug}/feedback`: yes thanks the customer; no offers the request form
/// pre-filled with what they searched.
pub async fn article_feedback(
    State(state): State<AppState>,
    session: CustomerSession,
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
    state.events.record(
        Event::ArticleFeedback {
            slug: article.slug.clone(),
            helpful,
        },
        Some(&session.visitor_id),
        Channel::WebForm,
    );
    if helpful {
        Ok(Redirect::to(&format!(
            "/{}/articles/{}?feedback=thanks#feedback",
            page.code(),
            article.slug
        )))
    } else {
        let subject = if form.q.trim().is_empty() {
            article.title.clone()
        } else {
            form.q.trim().to_owned()
        };
        let encoded =
            percent_encoding::utf8_percent_encode(&subject, percent_encoding::NON_ALPHANUMERIC);
        Ok(Redirect::to(&format!(
            "/{}/request/new?q={encoded}",
            page.code()
        )))
    }
}

/// Any unknown URL.
pub async fn not_found() -> HttpError {
    HttpError::NotFound
}
