//! The customer-facing help centre: home, language homes, categories and articles.

use axum::extract::{Path, State};
use axum::response::Html;
use minijinja::context;

use super::HttpError;
use super::templates::{Layout, render};
use crate::app::AppState;
use crate::articles;

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

/// `/articles/{slug}`: one published article. Drafts and archived articles are not found.
pub async fn article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, HttpError> {
    let article = articles::find_published_article(&state.db, &slug)
        .await?
        .ok_or(HttpError::NotFound)?;
    let neighbours = articles::article_neighbours(&state.db, &article).await?;
    state.views.record(&article.slug);
    let layout = Layout::new(&state, &article.lang, article.title.clone());
    let html = render(
        "article.html",
        &layout,
        context! { article, related => neighbours.related, translations => neighbours.translations },
    )?;
    Ok(Html(html))
}

/// Any unknown URL.
pub async fn not_found() -> HttpError {
    HttpError::NotFound
}
