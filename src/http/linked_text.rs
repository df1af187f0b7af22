//! Text someone typed (a reply in a conversation), shown as HTML with its web addresses
//! clickable: everything is escaped, and only `http`/`https` addresses become links, so an
//! agent's inserted article link can be opened while nothing typed can become markup.

use std::fmt::Write;

use linkify::{LinkFinder, LinkKind};
use minijinja::HtmlEscape;

/// `text` escaped for HTML, with each `http(s)://` address wrapped in a link that opens
/// without passing on the page's address.
pub fn linked_text_html(text: &str) -> String {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    let mut html = String::with_capacity(text.len() + 64);
    for span in finder.spans(text) {
        let piece = span.as_str();
        let is_web_link = span.kind().is_some()
            && (piece.starts_with("https://") || piece.starts_with("http://"));
        if is_web_link {
            let escaped = escape(piece);
            let _ = write!(
                html,
                "<a href=\"{escaped}\" rel=\"noopener noreferrer nofollow\">{escaped}</a>"
            );
        } else {
            html.push_str(&escape(piece));
        }
    }
    html
}

/// The same escaping the page templates apply to every value.
fn escape(text: &str) -> String {
    HtmlEscape(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_links_and_everything_else_stays_text() {
        let url = "https://help.example.com/en/articles/reset?x=1&y=2";
        let html = linked_text_html(&format!("See Reset: {url}.\n<b>bold</b> www.example.com"));
        let link = format!(
            "<a href=\"{0}\" rel=\"noopener noreferrer nofollow\">{0}</a>",
            escape(url)
        );
        assert_eq!(
            html,
            format!("See Reset: {link}.\n&lt;b&gt;bold&lt;&#x2f;b&gt; www.example.com")
        );
    }

    #[test]
    fn no_other_scheme_becomes_a_link() {
        for text in [
            "javascript:alert(1)",
            "data:text/html,<script>x</script>",
            "ftp://files.example.com/x",
            "https://\"onmouseover=alert(1)//",
        ] {
            let html = linked_text_html(text);
            assert!(!html.contains("<a "), "{text} → {html}");
            assert!(!html.contains('<') || html.contains("&lt;"), "{html}");
        }
    }
}
