//! Which language a customer reads: the one in the URL (`/lv/…`), else the one they chose
//! with the language switcher (a cookie), else their browser's, else the portal's default.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum_extra::extract::cookie::CookieJar;

use super::HttpError;
use crate::i18n::Language;

/// The cookie the language switcher sets.
pub const LANGUAGE_COOKIE: &str = "answerdesk_lang";

/// The interface language a customer URL names in its first segment (`/lv/articles/…`).
/// Any other first segment is not a customer page: 404.
#[derive(Clone, Copy, Debug)]
pub struct PageLanguage(pub Language);

impl PageLanguage {
    pub fn code(self) -> &'static str {
        self.0.code()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageLanguage {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        language_in_path(parts.uri.path())
            .map(PageLanguage)
            .ok_or(HttpError::NotFound)
    }
}

/// The language a path starts with, exactly as URLs spell it (`/lv`, `/lv/…`; not `/LV`).
pub fn language_in_path(path: &str) -> Option<Language> {
    let segment = path.trim_start_matches('/').split('/').next()?;
    Language::from_url_code(segment)
}

/// The language for a customer whose URL names none: the switcher's cookie, else the
/// browser's first language the portal speaks, else `default`.
pub fn preferred_language(headers: &HeaderMap, default: &str) -> Language {
    let chosen = CookieJar::from_headers(headers)
        .get(LANGUAGE_COOKIE)
        .and_then(|cookie| Language::parse(cookie.value()));
    chosen
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .or_else(|| Language::parse(default))
        .unwrap_or(Language::En)
}

/// Where the language of a request came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomerLanguage {
    /// The page or the request named it.
    Chosen(String),
    /// The browser's preference.
    Preferred(String),
    /// Nothing known: every language.
    Any,
}

impl CustomerLanguage {
    /// `explicit` (a `lang` parameter) wins; otherwise the first Accept-Language entry that has content.
    pub fn resolve(
        explicit: Option<&str>,
        headers: &HeaderMap,
        available: &[String],
    ) -> CustomerLanguage {
        if let Some(lang) = explicit.map(str::trim).filter(|l| !l.is_empty()) {
            return CustomerLanguage::Chosen(lang.to_ascii_lowercase());
        }
        let Some(accept) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return CustomerLanguage::Any;
        };
        crate::i18n::accept_language_ranges(accept)
            .into_iter()
            .map(|(_, primary)| primary)
            .find(|primary| available.iter().any(|a| a == primary))
            .map(CustomerLanguage::Preferred)
            .unwrap_or(CustomerLanguage::Any)
    }

    /// The language to search first, if any (`search::language_fallback` widens it to every
    /// language when nothing there fits).
    pub fn filter(&self) -> Option<&str> {
        match self {
            CustomerLanguage::Chosen(lang) | CustomerLanguage::Preferred(lang) => Some(lang),
            CustomerLanguage::Any => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, accept.parse().expect("header"));
        headers
    }

    #[test]
    fn the_switchers_cookie_wins_over_the_browser_and_the_browser_over_the_default() {
        let mut with_cookie = headers("ru,en;q=0.5");
        with_cookie.insert(
            axum::http::header::COOKIE,
            "answerdesk_lang=lt".parse().expect("header"),
        );
        assert_eq!(preferred_language(&with_cookie, "en"), Language::Lt);
        assert_eq!(
            preferred_language(&headers("ru,en;q=0.5"), "en"),
            Language::Ru
        );
        assert_eq!(preferred_language(&headers("ja"), "sl"), Language::Sl);
        assert_eq!(preferred_language(&HeaderMap::new(), "xx"), Language::En);
    }

    #[test]
    fn only_a_lowercase_language_code_as_first_segment_is_a_page_language() {
        assert_eq!(language_in_path("/lv"), Some(Language::Lv));
        assert_eq!(language_in_path("/lv/articles/x"), Some(Language::Lv));
        assert_eq!(language_in_path("/LV/articles/x"), None);
        assert_eq!(language_in_path("/lvx"), None);
        assert_eq!(language_in_path("/articles/x"), None);
        assert_eq!(language_in_path("/"), None);
    }

    #[test]
    fn the_first_browser_language_with_content_is_preferred() {
        let available = vec!["en".to_owned(), "lv".to_owned()];
        let language =
            CustomerLanguage::resolve(None, &headers("de-DE,lv;q=0.8,en;q=0.5"), &available);
        assert_eq!(language, CustomerLanguage::Preferred("lv".into()));
    }

    #[test]
    fn an_explicit_language_wins_over_the_browser() {
        let available = vec!["en".to_owned()];
        let language = CustomerLanguage::resolve(Some("ru"), &headers("en"), &available);
        assert_eq!(language, CustomerLanguage::Chosen("ru".into()));
    }

    #[test]
    fn no_usable_preference_means_any_language() {
        let available = vec!["en".to_owned()];
        assert_eq!(
            CustomerLanguage::resolve(None, &headers("ja,*"), &available),
            CustomerLanguage::Any
        );
        assert_eq!(
            CustomerLanguage::resolve(None, &HeaderMap::new(), &available),
            CustomerLanguage::Any
        );
    }
}
