//! The help widget's decisions: which sites may embed its panel, and which articles it
//! suggests for the page it sits on. No HTTP here; `http::widget` serves what this decides.
//!
//! # Working without cookies
//!
//! The panel runs in an iframe on the customer's own site, where browsers that block
//! third-party cookies (Safari, Firefox, Chrome's setting) send none of ours, and even the
//! others withhold the portal's `SameSite=Lax` cookies. So the panel never relies on one:
//!
//! - Serving the panel issues a [`PanelKey`], a random secret that lives only in the panel's
//!   document (never in a URL, never in the host page, which cannot read a cross-origin frame).
//!   It stands in for the visitor cookie: the panel's draft id is issued to the key exactly as
//!   the portal's are issued to the cookie, so the draft is bound to the key.
//! - Every write from the panel (typing, "this solved it", sending the request) carries the
//!   key and the draft id, and is refused unless the draft was issued to that key. That is
//!   the panel's CSRF protection: another site can neither read the key nor guess a draft
//!   bound to it, and with no ambient cookie a forged request gains nothing an attacker could
//!   not do with a key of their own. A panel's writes also must come from the panel's own
//!   origin (`Sec-Fetch-Site`, where the browser sends it).
//! - Reloading the host page starts a new panel and a new draft; nothing typed survives a
//!   page change yet (it would need storage the browser may also block in a frame).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::articles::ArticleSummary;

/// A site allowed to embed the panel: `scheme://host[:port]`, as a browser spells an origin
/// (lowercase, no path, no default port).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WidgetOrigin(String);

/// Why a configured origin is not one.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a site origin: write it as scheme://host[:port], e.g. \"https://app.example.com\""
)]
pub struct InvalidOrigin(pub String);

impl WidgetOrigin {
    /// Reads an origin the way it is configured; a trailing `/` is forgiven.
    pub fn parse(text: &str) -> Result<WidgetOrigin, InvalidOrigin> {
        let invalid = || InvalidOrigin(text.to_owned());
        let trimmed = text.trim().trim_end_matches('/');
        let lower = trimmed.to_ascii_lowercase();
        let (scheme, rest) = lower.split_once("://").ok_or_else(invalid)?;
        let default_port = match scheme {
            "https" => "443",
            "http" => "80",
            _ => return Err(invalid()),
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', '*', ' ', '\'', '"', ';', ',']) {
            return Err(invalid());
        }
        let (host, port) = match rest.rsplit_once(':') {
            // An IPv6 address without a port ends in `]`.
            Some((host, port)) if !port.ends_with(']') => (host, Some(port)),
            _ => (rest, None),
        };
        if host.is_empty() {
            return Err(invalid());
        }
        let port = match port {
            Some(port) if port.parse::<u16>().is_err() => return Err(invalid()),
            Some(port) if port == default_port => None,
            port => port,
        };
        Ok(WidgetOrigin(match port {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WidgetOrigin {
    type Error = InvalidOrigin;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        WidgetOrigin::parse(&value)
    }
}

impl From<WidgetOrigin> for String {
    fn from(origin: WidgetOrigin) -> String {
        origin.0
    }
}

impl fmt::Display for WidgetOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The configured sites, as the panel's `frame-ancestors` and its `postMessage` check use them.
#[derive(Clone, Debug, Default)]
pub struct AllowedOrigins<'a>(pub &'a [WidgetOrigin]);

impl AllowedOrigins<'_> {
    /// The listed origin `host` names, if it is listed (an unlisted one gets no panel).
    pub fn find(&self, host: &str) -> Option<&WidgetOrigin> {
        let wanted = WidgetOrigin::parse(host).ok()?;
        self.0.iter().find(|origin| **origin == wanted)
    }

    /// The CSP `frame-ancestors` source list: exactly the configured origins.
    pub fn frame_ancestors(&self) -> String {
        match self.0.is_empty() {
            true => "'none'".to_owned(),
            false => self
                .0
                .iter()
                .map(WidgetOrigin::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// The secret a served panel holds instead of a cookie (see the module's notes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelKey(String);

impl PanelKey {
    /// A new key for a panel being served.
    pub fn issue() -> PanelKey {
        PanelKey(crate::tokens::random_token(16))
    }

    /// A key as the panel sends it back; only the shape of an issued one is accepted.
    pub fn parse(text: &str) -> Option<PanelKey> {
        (text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| PanelKey(text.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the host page tells the panel about itself: its labels (`data-labels`) and the
/// path of its URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageContext {
    pub labels: Vec<String>,
    pub path: String,
}

/// Labels and path segments considered at most, so a hostile page cannot make matching slow.
const MAX_CONTEXT_WORDS: usize = 20;

impl PageContext {
    /// From the loader's parameters: labels comma-separated, the path as the page has it.
    pub fn new(labels: &str, path: &str) -> PageContext {
        let labels = labels
            .split(',')
            .map(|label| label.trim().to_lowercase())
            .filter(|label| !label.is_empty() && label.chars().count() <= 60)
            .take(MAX_CONTEXT_WORDS)
            .collect();
        let path: String = path.chars().take(300).collect();
        let path = match path.starts_with('/') {
            true => path.to_lowercase(),
            false => String::new(),
        };
        PageContext { labels, path }
    }

    /// The path's segments as words (`/settings/billing-info` → `settings`, `billing-info`).
    fn path_words(&self) -> impl Iterator<Item = &str> {
        self.path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .take(MAX_CONTEXT_WORDS)
    }

    /// How well an article with these tags fits the page: an editor-chosen path (a tag that
    /// starts with `/`) the page's path is under counts most, then a tag equal to one of the
    /// page's labels, then one equal to a segment of its path. 0: no fit.
    pub fn fit(&self, tags: &[String]) -> u32 {
        let mut score = 0;
        for tag in tags {
            if tag.starts_with('/') && tag.len() > 1 {
                let prefix = tag.trim_end_matches('/');
                let under = self.path == prefix
                    || self
                        .path
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with('/'));
                if under {
                    score += 100 + prefix.len() as u32;
                }
            } else if self.labels.iter().any(|label| label == tag) {
                score += 10;
            } else if self.path_words().any(|word| word == tag) {
                score += 3;
            }
        }
        score
    }
}

/// Articles suggested for the page, best fit first: those whose tags fit its context, then
/// (to fill the list, or when none fits) the popular ones. `candidates` are the published
/// articles of the panel's language with their tags; `popular` are in popularity order.
pub fn suggested_for_page(
    context: &PageContext,
    candidates: Vec<(ArticleSummary, Vec<String>)>,
    popular: Vec<ArticleSummary>,
    limit: usize,
) -> Vec<ArticleSummary> {
    let mut fitting: Vec<(u32, ArticleSummary)> = candidates
        .into_iter()
        .map(|(article, tags)| (context.fit(&tags), article))
        .filter(|(score, _)| *score > 0)
        .collect();
    // Stable: equal fits keep the candidates' order.
    fitting.sort_by_key(|fit| std::cmp::Reverse(fit.0));
    let mut chosen: Vec<ArticleSummary> = fitting.into_iter().map(|(_, a)| a).collect();
    chosen.truncate(limit);
    for article in popular {
        if chosen.len() >= limit {
            break;
        }
        if !chosen.iter().any(|a| a.slug == article.slug) {
            chosen.push(article);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(slug: &str) -> ArticleSummary {
        ArticleSummary {
            slug: slug.to_owned(),
            title: slug.to_owned(),
            summary: String::new(),
            lang: "en".to_owned(),
            category: String::new(),
            category_slug: String::new(),
            section: String::new(),
            updated_on: String::new(),
        }
    }

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn origins_are_read_the_way_browsers_spell_them() {
        let parse = |text: &str| WidgetOrigin::parse(text).map(|o| o.to_string());
        assert_eq!(
            parse("https://App.Example.com/").as_deref(),
            Ok("https://app.example.com")
        );
        assert_eq!(
            parse("https://app.example.com:443").as_deref(),
            Ok("https://app.example.com")
        );
        assert_eq!(
            parse("http://localhost:3000").as_deref(),
            Ok("http://localhost:3000")
        );
        assert_eq!(
            parse("http://[::1]:8080").as_deref(),
            Ok("http://[::1]:8080")
        );
        for bad in [
            "app.example.com",
            "ftp://example.com",
            "https://example.com/path",
            "https://*.example.com",
            "https://",
            "https://example.com:99999",
            "https://a.com https://b.com",
            "*",
        ] {
            assert!(parse(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn only_a_listed_origin_gets_the_panel_and_frame_ancestors_names_exactly_those() {
        let list = vec![
            WidgetOrigin::parse("https://app.example.com").expect("origin"),
            WidgetOrigin::parse("http://localhost:3000").expect("origin"),
        ];
        let allowed = AllowedOrigins(&list);
        assert!(allowed.find("https://app.example.com").is_some());
        assert!(allowed.find("https://evil.example.com").is_none());
        assert!(allowed.find("http://app.example.com").is_none());
        assert!(allowed.find("null").is_none());
        assert_eq!(
            allowed.frame_ancestors(),
            "https://app.example.com http://localhost:3000"
        );
        assert_eq!(AllowedOrigins(&[]).frame_ancestors(), "'none'");
    }

    #[test]
    fn a_panel_key_is_accepted_back_only_in_the_shape_it_was_issued() {
        let key = PanelKey::issue();
        assert_eq!(PanelKey::parse(key.as_str()), Some(key.clone()));
        assert_ne!(PanelKey::issue(), key);
        assert_eq!(PanelKey::parse("short"), None);
        assert_eq!(PanelKey::parse(&"z".repeat(32)), None);
    }

    #[test]
    fn an_editor_chosen_path_fits_best_then_labels_then_path_words() {
        let context = PageContext::new("Billing, invoices", "/settings/billing/cards");
        assert!(context.fit(&tags(&["/settings/billing"])) > context.fit(&tags(&["billing"])));
        assert!(context.fit(&tags(&["invoices"])) > context.fit(&tags(&["settings"])));
        assert_eq!(
            context.fit(&tags(&["/settings/bill"])),
            0,
            "whole segments only"
        );
        assert_eq!(context.fit(&tags(&["password"])), 0);
    }

    #[test]
    fn suggestions_for_a_page_put_fitting_articles_first_and_fill_with_popular_ones() {
        let context = PageContext::new("password", "/account");
        let candidates = vec![
            (summary("invoices"), tags(&["billing"])),
            (summary("reset-password"), tags(&["password", "login"])),
            (summary("account-settings"), tags(&["account"])),
        ];
        let popular = vec![summary("reset-password"), summary("invoices")];
        let chosen: Vec<String> = suggested_for_page(&context, candidates, popular, 3)
            .into_iter()
            .map(|a| a.slug)
            .collect();
        assert_eq!(chosen, ["reset-password", "account-settings", "invoices"]);
    }

    #[test]
    fn a_page_without_context_is_offered_the_popular_articles() {
        let context = PageContext::new("", "not a path");
        let chosen = suggested_for_page(
            &context,
            vec![(summary("a"), tags(&["x"]))],
            vec![summary("popular")],
            5,
        );
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].slug, "popular");
    }
}
