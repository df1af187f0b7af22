//! Which language a customer reads: the page's, else their browser's, else any.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;

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

/// The interface language for a customer without a language in the URL: the browser's
/// first language the portal speaks, else `default`.
pub fn interface_language(headers: &HeaderMap, default: &str) -> String {
    headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::i18n::Language::from_accept_language)
        .map_or_else(|| default.to_owned(), |language| language.code().to_owned())
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
