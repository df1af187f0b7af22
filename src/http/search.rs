//! Search for customers: the results page, and the JSON endpoints behind as-you-type suggestions.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::customer_session::CustomerSession;
use super::language::{CustomerLanguage, PageLanguage};
use super::templates::{Layout, render, text as page_text};
use crate::app::AppState;
use crate::deflection::{Channel, Event, Requester};
use crate::i18n::Language;
use crate::search::{SuggestRequest, Suggestion, truncate_query};

/// Results per page on `/search`.
const PAGE_SIZE: usize = 10;
/// The most results one API call may ask for.
const MAX_API_LIMIT: usize = 50;
/// Pages beyond this are not served (nobody reads page 100; it bounds the work).
const MAX_PAGE: usize = 50;

/// The query string of `/search`.
#[derive(Debug, Default, Deserialize)]
pub struct SearchPageQuery {
    #[serde(default)]
    q: String,
    category: Option<String>,
    page: Option<String>,
}

/// `GET /{lang}/search`: results with snippets, counts and paging, in the page's language
/// first; a helpful page when nothing matches.
pub async fn search_page(
    State(state): State<AppState>,
    session: CustomerSession,
    page_language: PageLanguage,
    Query(query): Query<SearchPageQuery>,
) -> Result<Html<String>, HttpError> {
    let lang = page_language.code();
    let text = truncate_query(query.q.trim());
    let page = parse_page(query.page.as_deref()).map_err(HttpError::BadRequest)?;
    let category = non_empty(query.category.as_deref());
    let request = SuggestRequest {
        text,
        lang: Some(lang),
        category,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
    };
    let results = state.search.search_in_language_first(&request)?;

    if !text.is_empty() {
        state.events.record(
            Event::Search {
                query: text.to_owned(),
                result_count: results.total,
                lang: Some(lang.to_owned()),
            },
            Some(&session.visitor_id),
            Channel::WebForm,
        );
    }
    let categories = state.db.published_categories(lang).await?;
    let popular = if results.total == 0 {
        state.db.popular_published_articles(lang, 5).await?
    } else {
        Vec::new()
    };
    let pages = results.total.div_ceil(PAGE_SIZE).min(MAX_PAGE);
    let hits: Vec<ResultView> = results
        .hits
        .iter()
        .map(|hit| ResultView::new(hit, &categories))
        .collect();
    let title = if text.is_empty() {
        page_text(lang, "search-title")
    } else {
        super::templates::text_with(lang, "search-title-query", &[("query", text.into())])
    };
    let encoded = |value: &str| {
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let mut same_search = format!("/search?q={}", encoded(text));
    if let Some(category) = category {
        same_search.push_str(&format!("&category={}", encoded(category)));
    }
    let layout = Layout::new(&state, lang, title).in_every_language(&same_search);
    let html = render(
        "search.html",
        &layout,
        context! {
            query => text, category, page, pages,
            query_parameter => encoded(text), total => results.total, hits, popular, categories,
            first => (page - 1) * PAGE_SIZE + 1,
            last => ((page - 1) * PAGE_SIZE + results.hits.len()),
        },
    )?;
    Ok(Html(html))
}

#[derive(Serialize)]
struct ResultView {
    slug: String,
    lang: String,
    title: String,
    snippet_html: String,
    category_name: String,
    category_slug: String,
}

impl ResultView {
    fn new(hit: &Suggestion, categories: &[crate::articles::Category]) -> ResultView {
        let category_name = categories
            .iter()
            .find(|c| c.slug == hit.category)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        ResultView {
            slug: hit.id.clone(),
            lang: hit.lang.clone(),
            title: hit.title.clone(),
            snippet_html: hit.snippet_html.clone(),
            category_name,
            category_slug: hit.category.clone(),
        }
    }
}

/// The query string of `/api/search` and `/api/suggest`.
#[derive(Debug, Default, Deserialize)]
pub struct ApiSearchQuery {
    #[serde(default)]
    q: String,
    lang: Option<String>,
    category: Option<String>,
    limit: Option<String>,
    page: Option<String>,
    /// The request draft the suggestions are shown for (the request form's live panel).
    draft: Option<String>,
}

/// The JSON answer of `/api/search` and `/api/suggest`.
#[derive(Debug, Serialize)]
pub struct SuggestionsResponse {
    query: String,
    suggestions: Vec<SuggestionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<usize>,
}

#[derive(Debug, Serialize)]
struct SuggestionView {
    slug: String,
    title: String,
    url: String,
    snippet: String,
    category: String,
    score: f32,
}

impl SuggestionView {
    /// The hit, linked in the reader's language (the article page there picks the reader's
    /// translation), or in the article's own language when the reader's is unknown.
    fn new(hit: Suggestion, reader: &CustomerLanguage) -> SuggestionView {
        let lang = reader
            .filter()
            .or(Some(hit.lang.as_str()))
            .and_then(Language::parse)
            .unwrap_or(Language::En);
        SuggestionView {
            url: format!("/{lang}/articles/{}", hit.id),
            slug: hit.id,
            title: hit.title,
            snippet: hit.snippet_html,
            category: hit.category,
            score: hit.score,
        }
    }
}

/// A trimmed parameter, or `None` when it is missing or blank.
fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// `page`: a number from 1 to [`MAX_PAGE`], 1 when absent.
fn parse_page(raw: Option<&str>) -> Result<usize, String> {
    match non_empty(raw) {
        None => Ok(1),
        Some(raw) => match raw.parse::<usize>() {
            Ok(page) if (1..=MAX_PAGE).contains(&page) => Ok(page),
            _ => Err(format!("page must be a number from 1 to {MAX_PAGE}")),
        },
    }
}

fn parse_limit(raw: Option<&str>, default: usize) -> Result<usize, HttpError> {
    match raw.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(default),
        Some(raw) => match raw.parse::<usize>() {
            Ok(limit) if (1..=MAX_API_LIMIT).contains(&limit) => Ok(limit),
            _ => Err(HttpError::BadRequest(format!(
                "limit must be a number from 1 to {MAX_API_LIMIT}"
            ))),
        },
    }
}

/// `GET /api/suggest`: as-you-type suggestions; nothing when nothing is a good match.
pub async fn api_suggest(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ApiSearchQuery>,
) -> Result<Json<SuggestionsResponse>, HttpError> {
    let limit = parse_limit(query.limit.as_deref(), 5)?;
    let text = truncate_query(&query.q);
    let language = CustomerLanguage::resolve(query.lang.as_deref(), &headers, &state.languages());
    let category = non_empty(query.category.as_deref());
    let request = SuggestRequest {
        text,
        lang: language.filter(),
        category,
        limit,
        offset: 0,
    };
    let suggestions = state.search.suggest_in_language_first(&request)?;
    if let Some(draft_id) = query.draft.as_deref() {
        // The request form's live panel: the draft remembers what it showed.
        let requester = Requester {
            channel: Channel::WebForm,
            visitor_id: None,
            address: None,
            lang: None,
        };
        state
            .request_flow()
            .suggestions_shown(&requester, draft_id, &suggestions)
            .await?;
    }
    Ok(Json(SuggestionsResponse {
        query: query.q.clone(),
        suggestions: suggestions
            .into_iter()
            .map(|hit| SuggestionView::new(hit, &language))
            .collect(),
        total: None,
    }))
}

/// `GET /api/search`: full search results as JSON, with paging.
pub async fn api_search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ApiSearchQuery>,
) -> Result<Json<SuggestionsResponse>, HttpError> {
    let limit = parse_limit(query.limit.as_deref(), 10)?;
    let page = parse_page(query.page.as_deref()).map_err(HttpError::BadRequest)?;
    let text = truncate_query(&query.q);
    let language = CustomerLanguage::resolve(query.lang.as_deref(), &headers, &state.languages());
    let category = non_empty(query.category.as_deref());
    let request = SuggestRequest {
        text,
        lang: language.filter(),
        category,
        limit,
        offset: (page - 1) * limit,
    };
    let results = state.search.search_in_language_first(&request)?;
    if !text.trim().is_empty() {
        let lang = language.filter().map(str::to_owned);
        state.events.record(
            Event::Search {
                query: text.trim().to_owned(),
                result_count: results.total,
                lang,
            },
            None,
            Channel::Api,
        );
    }
    Ok(Json(SuggestionsResponse {
        query: query.q.clone(),
        suggestions: results
            .hits
            .into_iter()
            .map(|hit| SuggestionView::new(hit, &language))
            .collect(),
        total: Some(results.total),
    }))
}
