//! The page templates, compiled into the binary so one file runs anywhere.

use std::sync::LazyLock;

use axum::http::StatusCode;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::HttpError;
use super::assets::ASSET_VERSION;
use crate::app::AppState;

/// Every template, by the name pages use.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    (
        "category.html",
        include_str!("../../templates/category.html"),
    ),
    ("article.html", include_str!("../../templates/article.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("search.html", include_str!("../../templates/search.html")),
    (
        "request_form.html",
        include_str!("../../templates/request_form.html"),
    ),
    (
        "request_review.html",
        include_str!("../../templates/request_review.html"),
    ),
    (
        "request_solved.html",
        include_str!("../../templates/request_solved.html"),
    ),
    (
        "ticket_status.html",
        include_str!("../../templates/ticket_status.html"),
    ),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("login.html", include_str!("../../templates/login.html")),
    (
        "staff_base.html",
        include_str!("../../templates/staff_base.html"),
    ),
    (
        "staff_account.html",
        include_str!("../../templates/staff_account.html"),
    ),
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut environment = Environment::new();
    let areas = [
        super::editor::TEMPLATES,
        super::agent::TEMPLATES,
        super::admin::TEMPLATES,
        super::users::TEMPLATES,
    ];
    for (name, source) in TEMPLATES.iter().chain(areas.into_iter().flatten()) {
        if let Err(error) = environment.add_template(name, source) {
            // Templates are compiled in; a broken one is a build defect caught by the tests.
            panic!("template {name} does not compile: {error:#}");
        }
    }
    environment.add_filter("language_name", language_name);
    environment
});

/// What every page's layout needs.
#[derive(Serialize)]
pub struct Layout<'a> {
    pub site_name: &'a str,
    /// The page's language, for `<html lang>`.
    pub lang: &'a str,
    pub title: String,
    pub asset_version: &'static str,
}

impl<'a> Layout<'a> {
    pub fn new(state: &'a AppState, lang: &'a str, title: impl Into<String>) -> Layout<'a> {
        Layout {
            site_name: &state.config.site_name,
            lang,
            title: title.into(),
            asset_version: &ASSET_VERSION,
        }
    }
}

/// Renders a page template with the layout and the page's own values.
pub fn render(name: &str, layout: &Layout<'_>, page: Value) -> Result<String, HttpError> {
    let template = ENVIRONMENT.get_template(name)?;
    Ok(template.render(context! { layout => layout, ..page })?)
}

/// The friendly error page.
pub fn render_error(
    state: &AppState,
    status: StatusCode,
    message: &str,
) -> Result<String, HttpError> {
    let title = match status {
        StatusCode::NOT_FOUND => "Page not found".to_owned(),
        other => other.canonical_reason().unwrap_or("Error").to_owned(),
    };
    let layout = Layout::new(state, &state.config.default_language, title);
    render(
        "error.html",
        &layout,
        context! { status => status.as_u16(), message => message },
    )
}

/// The language's own name, for language switchers.
fn language_name(code: &str) -> String {
    match code {
        "en" => "English",
        "ru" => "Русский",
        "lv" => "Latviešu",
        "lt" => "Lietuvių",
        "sl" => "Slovenščina",
        "et" => "Eesti",
        "de" => "Deutsch",
        "fr" => "Français",
        other => other,
    }
    .to_owned()
}
