//! The page templates, compiled into the binary so one file runs anywhere.

use std::sync::LazyLock;

use axum::http::StatusCode;
use minijinja::value::Kwargs;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::HttpError;
use super::assets::ASSET_VERSION;
use crate::app::AppState;
use crate::i18n::{Arg, Catalogues, Language, long_date, template_message};

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
        "find_requests.html",
        include_str!("../../templates/find_requests.html"),
    ),
    (
        "request_sent.html",
        include_str!("../../templates/request_sent.html"),
    ),
    (
        "ticket_status.html",
        include_str!("../../templates/ticket_status.html"),
    ),
    ("macros.html", include_str!("../../templates/macros.html")),
    (
        "attachments.html",
        include_str!("../../templates/attachments.html"),
    ),
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
        super::widget::TEMPLATES,
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
    template_message(page_language(state), key, &kwargs)
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
    /// Where this language's pages start (`/lv`); links in templates are built on it. Marked
    /// safe: it is one of the portal's own language codes, and links read as written.
    pub home: Value,
    /// The language switcher: this page (or, failing that, the home) in every language.
    pub switcher: Vec<LanguageLink>,
    /// `<link rel="alternate" hreflang>`: the same page in other languages.
    pub alternates: Vec<LanguageLink>,
    /// The page for a reader whose language is none of the alternates (`hreflang="x-default"`).
    pub x_default: Option<String>,
}

/// A page in one language.
#[derive(Clone, Debug, Serialize)]
pub struct LanguageLink {
    pub lang: &'static str,
    pub name: &'static str,
    pub href: String,
    /// Whether this is the page's own language.
    pub current: bool,
}

impl<'a> Layout<'a> {
    /// A page in `lang` whose switcher leads to each language's home.
    pub fn new(state: &'a AppState, lang: &'a str, title: impl Into<String>) -> Layout<'a> {
        let home = Value::from_safe_string(
            Language::parse(lang).map_or_else(|| "/".to_owned(), |l| format!("/{l}")),
        );
        let mut layout = Layout {
            site_name: &state.config.site_name,
            lang,
            title: title.into(),
            asset_version: &ASSET_VERSION,
            home,
            switcher: Vec::new(),
            alternates: Vec::new(),
            x_default: None,
        };
        layout.switcher =
            switcher_through_cookie(&layout.pages_in_every_language(|l| format!("/{l}")));
        layout
    }

    /// A page that exists in every language at `/{lang}{rest}` (`rest` is `""` for a home,
    /// `/search?q=…` for results): the switcher and the alternates lead to the same page, and
    /// the unprefixed URL (which picks the reader's language) is the x-default.
    pub fn in_every_language(mut self, rest: &str) -> Self {
        self.alternates = self.pages_in_every_language(|language| format!("/{language}{rest}"));
        self.switcher = switcher_through_cookie(&self.alternates);
        self.x_default = Some(if rest.is_empty() {
            "/".to_owned()
        } else {
            rest.to_owned()
        });
        self
    }

    /// An article: the alternates are its published translations (`(lang, slug)`, itself
    /// included), the switcher leads to the translation where one exists (else the page in
    /// that language shows the original with a notice), and x-default is the unprefixed URL
    /// of `default_slug`.
    pub fn for_article(mut self, translations: &[(String, String)], default_slug: &str) -> Self {
        let translation = |language: Language| {
            translations
                .iter()
                .find(|(lang, _)| lang == language.code())
                .map(|(_, slug)| slug.as_str())
        };
        let pages = self.pages_in_every_language(|language| {
            let slug = translation(language).unwrap_or(default_slug);
            format!("/{language}/articles/{slug}")
        });
        self.switcher = switcher_through_cookie(&pages);
        // Alternates name only real translations, not the original shown with a notice.
        self.alternates = pages
            .into_iter()
            .filter(|page| Language::parse(page.lang).and_then(translation).is_some())
            .collect();
        self.x_default = Some(format!("/articles/{default_slug}"));
        self
    }

    /// `page` in each language.
    fn pages_in_every_language(&self, page: impl Fn(Language) -> String) -> Vec<LanguageLink> {
        Language::ALL
            .into_iter()
            .map(|language| LanguageLink {
                lang: language.code(),
                name: language.native_name(),
                href: page(language),
                current: language.code() == self.lang,
            })
            .collect()
    }

    /// Switcher links that lead to `page` itself in each language, through `?lang=` (the
    /// private ticket page, whose URL has no language).
    pub fn with_language_parameter(mut self, page: &str) -> Self {
        self.switcher = switcher_through_cookie(
            &self.pages_in_every_language(|language| format!("{page}?lang={language}")),
        );
        self
    }
}

/// The switcher leads through `/language/{lang}?next=…`, which remembers the choice in a
/// cookie before going to the page.
fn switcher_through_cookie(pages: &[LanguageLink]) -> Vec<LanguageLink> {
    pages
        .iter()
        .map(|page| {
            let next = percent_encoding::utf8_percent_encode(
                &page.href,
                percent_encoding::NON_ALPHANUMERIC,
            );
            LanguageLink {
                href: format!("/language/{}?next={next}", page.lang),
                ..page.clone()
            }
        })
        .collect()
}

/// Renders a page template with the layout and the page's own values.
pub fn render(name: &str, layout: &Layout<'_>, page: Value) -> Result<String, HttpError> {
    let template = ENVIRONMENT.get_template(name)?;
    Ok(template.render(context! { layout => layout, ..page })?)
}

/// The friendly error page. For a customer (`customer` is their language) it says what
/// happened in their words; staff pages show the handler's message, in English.
pub fn render_error(
    state: &AppState,
    status: StatusCode,
    message: &str,
    customer: Option<Language>,
) -> Result<String, HttpError> {
    let lang: &str = customer.map_or(state.config.default_language.as_str(), |l| l.code());
    let known = matches!(
        status.as_u16(),
        400 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503
    );
    let key = |kind: &str| match known {
        true => format!("error-{kind}-{}", status.as_u16()),
        false => format!("error-{kind}-other"),
    };
    let title = text(lang, &key("title"));
    let message = match customer {
        Some(_) => text(lang, &key("text")),
        None => message.to_owned(),
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
