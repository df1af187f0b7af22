//! The page templates, compiled into the binary so one file runs anywhere.

use std::sync::LazyLock;

use axum::http::StatusCode;
use minijinja::value::Kwargs;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::HttpError;
use super::assets::ASSET_VERSION;
use crate::app::AppState;
use crate::i18n::{Arg, Catalogues, Language, long_date};

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
    environment.add_filter("long_date", long_date_filter);
    environment.add_function("t", translate);
    environment
});

/// The page's interface language, from its layout.
fn page_language(state: &minijinja::State<'_, '_>) -> Language {
    state
        .lookup("layout")
        .and_then(|layout| layout.get_attr("lang").ok())
        .and_then(|lang| lang.as_str().and_then(Language::parse))
        .unwrap_or(Language::En)
}

/// `t("key", name=value, …)`: the message in the page's language.
fn translate(
    state: &minijinja::State<'_, '_>,
    key: &str,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let arg = match i64::try_from(value.clone()) {
            Ok(number) if value.is_number() => Arg::from(number),
            _ => Arg::Text(value.to_string()),
        };
        args.push((name, arg));
    }
    kwargs.assert_all_used()?;
    Ok(Catalogues::shipped().message(page_language(state), key, &args))
}

/// `date|long_date`: a `YYYY-MM-DD` date as the page's language writes it.
fn long_date_filter(state: &minijinja::State<'_, '_>, date: &str) -> String {
    long_date(page_language(state), date)
}

/// A message in `lang` (a page's language code), for texts set in Rust such as page titles.
pub fn text(lang: &str, key: &str) -> String {
    text_with(lang, key, &[])
}

/// A message with placeholders in `lang`.
pub fn text_with(lang: &str, key: &str, args: &[(&str, Arg)]) -> String {
    Catalogues::shipped().message(Language::parse(lang).unwrap_or(Language::En), key, args)
}

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
    let lang = &state.config.default_language;
    let title = match status.as_u16() {
        code @ (400 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503) => {
            text(lang, &format!("error-title-{code}"))
        }
        _ => text(lang, "error-title-other"),
    };
    let layout = Layout::new(state, lang, title);
    render(
        "error.html",
        &layout,
        context! { status => status.as_u16(), message => message },
    )
}

/// The language's own name, for language switchers; the code for a language the portal
/// has no interface in.
fn language_name(code: &str) -> String {
    Language::parse(code).map_or_else(|| code.to_owned(), |l| l.native_name().to_owned())
}
