//! Where a redirect named by the client (`next=`) may lead: only a path on this site.

use axum::http::uri::PathAndQuery;

/// `next` when it is a clean same-origin path (`/lv/search?q=x`), else `None`.
///
/// Browsers forgive a lot in a `Location` header: `//evil.example`, `/\evil.example` and a
/// tab or newline inside `/ /evil.example` all lead to another origin, and a control character
/// cannot go into a header at all. So the path must start with one `/`, hold no backslash, no
/// whitespace and no control character, and parse as a path and query.
pub fn local_path(next: &str) -> Option<&str> {
    let mut chars = next.chars();
    let starts_local = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
    let clean = !next
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    (starts_local && clean && next.parse::<PathAndQuery>().is_ok()).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn paths_on_this_site_are_kept() {
        assert_eq!(local_path("/"), Some("/"));
        assert_eq!(
            local_path("/lv/search?q=parole"),
            Some("/lv/search?q=parole")
        );
        assert_eq!(
            local_path("/tickets/abc?lang=ru"),
            Some("/tickets/abc?lang=ru")
        );
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for next in [
            "",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example\n",
            "/ok\r\nSet-Cookie: x=1",
            "evil.example",
            "/a b",
        ] {
            assert_eq!(local_path(next), None, "{next:?}");
        }
    }
}
