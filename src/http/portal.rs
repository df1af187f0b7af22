//! The customer-facing help centre: home, language homes, categories and articles.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::HttpError;
use super::customer_session::CustomerSession;
use super::templates::{Layout, render};
use crate::app::AppState;
use crate::articles;
use crate::deflection::{Channel, Event, Requester, ViewSource};

const LIST_LENGTH: i64 = 6;

/// `/`: the help centre in the default language.
pub async fn home(State(state): State<AppState>) -> Result<Html<String>, HttpError> {
    let lang = state.config.default_language.clone();
    render_home(&state, &lang).await
}

/// `/{lang}`: the help centre in one language, when it has published articles.
pub async fn language_home(
    State(state): State<AppState>,
    Path(lang): Path<String>,
) -> Result<Html<String>, HttpError> {
    let languages = state.db.published_languages().await?;
    if !languages.iter().any(|(code, _)| *code == lang) {
        return Err(HttpError::NotFound);
    }
    render_home(&state, &lang).await
}

async fn render_home(state: &AppState, lang: &str) -> Result<Html<String>, HttpError> {
    let categories = state.db.published_categories(lang).await?;
    let popular = state
        .db
        .popular_published_articles(lang, LIST_LENGTH)
        .await?;
    let recent = state
        .db
        .recent_published_articles(lang, LIST_LENGTH)
        .await?;
    let languages = state.db.published_languages().await?;
    let layout = Layout::new(state, lang, state.config.site_name.clone());
    let html = render(
        "home.html",
        &layout,
        context! {
            categories, popular, recent,
            languages => languages.into_iter().map(|(code, _)| code).collect::<Vec<_>>(),
            default_language => &state.config.default_language,
        },
    )?;
    Ok(Html(html))
}

/// `/categories/{slug}`: every published article in a category.
pub async fn category(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, HttpError> {
    let category = state
        .db
        .published_category(&slug)
        .await?
        .ok_or(HttpError::NotFound)?;
    let articles = state.db.published_articles_in_category(&slug, 500).await?;
    let layout = Layout::new(&state, &category.lang, category.name.clone());
    let html = render("category.html", &layout, context! { category, articles })?;
    Ok(Html(html))
}

/// `/articles/{slug}` parameters: how the customer got here.
#[derive(Debug, Default, Deserialize)]
pub struct ArticleQuery {
    from: Option<String>,
    /// The request draft, when opened from the request form.
    draft: Option<String>,
    /// What they searched, so "No" can pre-fill the request form.
    q: Option<String>,
    feedback: Option<String>,
}

/// `/articles/{slug}`: one published article. Drafts and archived articles are not found;
/// a renamed article's old slug redirects permanently (308) to its current one.
pub async fn article(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(slug): Path<String>,
    Query(query): Query<ArticleQuery>,
) -> Result<Response, HttpError> {
    let Some(article) = articles::find_published_article(&state.db, &slug).await? else {
        return match articles::editing::redirected_slug(&state.db, &slug).await? {
            Some(current) => {
                Ok(Redirect::permanent(&format!("/articles/{current}")).into_response())
            }
            None => Err(HttpError::NotFound),
        };
    };
    let neighbours = articles::article_neighbours(&state.db, &article).await?;
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
    let layout = Layout::new(&state, &article.lang, article.title.clone());
    let html = render(
        "article.html",
        &layout,
        context! {
            article, related => neighbours.related, translations => neighbours.translations,
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
    Path(slug): Path<String>,
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
            "/articles/{}?feedback=thanks#feedback",
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
        Ok(Redirect::to(&format!("/request/new?q={encoded}")))
    }
}

/// Any unknown URL.
pub async fn not_found() -> HttpError {
    HttpError::NotFound
}
