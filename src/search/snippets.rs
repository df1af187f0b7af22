//! The highlighted passage under each suggestion.
//!
//! Written by hand rather than with tantivy's `SnippetGenerator` so that prefix and typo
//! matches are highlighted too ("pass" marks "password"), and so the HTML contract is ours:
//! matched words are wrapped in `<mark>…</mark>`, every other character is escaped, and the
//! result is safe to insert into a page as is.

use std::collections::HashSet;

use super::analyzers::{Lang, fold_lower, for_each_word, term_for_word};

/// Only this much of a body is searched for a passage (long bodies must not cost milliseconds).
const MAX_SCAN_BYTES: usize = 20_000;

/// Target passage length in characters.
pub const SNIPPET_CHARS: usize = 160;

/// What counts as a match when highlighting.
#[derive(Debug, Clone, Default)]
pub(crate) struct Highlight {
    /// Stemmed terms (in the article's language) of the request's words and corrections.
    pub terms: HashSet<String>,
    /// Folded prefix of the word being typed, if any.
    pub prefix: Option<String>,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Builds the snippet: the body window with the most distinct matched words (or the title when
/// the body has none), matched words in `<mark>`.
pub(crate) fn snippet_html(lang: Lang, title: &str, body: &str, highlight: &Highlight) -> String {
    let body_matches = matches(lang, body, highlight);
    if body_matches.is_empty() {
        let title_matches = matches(lang, title, highlight);
        if !title_matches.is_empty() || body.trim().is_empty() {
            return render(title, 0, title.len(), &title_matches);
        }
        let end = char_window_end(body, 0, SNIPPET_CHARS);
        return render(body, 0, end, &[]);
    }
    let (start, end) = best_window(body, &body_matches);
    render(body, start, end, &body_matches)
}

/// (from, to, term) of each matched word, in text order.
fn matches(lang: Lang, text: &str, highlight: &Highlight) -> Vec<(usize, usize, String)> {
    let mut scan_end = text.len().min(MAX_SCAN_BYTES);
    while !text.is_char_boundary(scan_end) {
        scan_end -= 1;
    }
    // Stemming every word is the expensive part; a stem starts with the same letters as its
    // folded word, so words whose first two letters match no term are skipped before stemming.
    let mut heads: Vec<String> = highlight.terms.iter().map(|t| head(t)).collect();
    if let Some(p) = &highlight.prefix {
        heads.push(head(p));
    }
    let mut found = Vec::new();
    for_each_word(&text[..scan_end], |from, to| {
        let raw = &text[from..to];
        // One-letter words ("I", "a") match nearly every article; marking them is noise.
        if raw.chars().nth(1).is_none() {
            return;
        }
        let h = head(raw);
        if !heads
            .iter()
            .any(|x| x == &h || (x.chars().count() == 1 && h.starts_with(x.as_str())))
        {
            return;
        }
        let folded = fold_lower(raw);
        if let Some(p) = highlight.prefix.as_deref()
            && folded.starts_with(p)
        {
            found.push((from, to, folded));
            return;
        }
        let term = term_for_word(lang, raw);
        if highlight.terms.contains(&term) {
            found.push((from, to, term));
        }
    });
    found
}

/// The first two letters of a word, folded (no allocation beyond the result).
fn head(word: &str) -> String {
    let mut end = 0;
    for (n, (i, c)) in word.char_indices().enumerate() {
        if n == 2 {
            break;
        }
        end = i + c.len_utf8();
    }
    let h = &word[..end];
    if h.is_ascii() {
        h.to_ascii_lowercase()
    } else {
        fold_lower(h).chars().take(2).collect()
    }
}

/// Byte offset `chars` characters after `start` (or the end of the text).
fn char_window_end(text: &str, start: usize, chars: usize) -> usize {
    text[start..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| start + i)
}

/// The window of about [`SNIPPET_CHARS`] with the most distinct matched terms, starting a few
/// words before its first match so the passage reads naturally.
fn best_window(text: &str, found: &[(usize, usize, String)]) -> (usize, usize) {
    let mut best = (0usize, 0usize);
    let mut best_start = 0;
    for (k, &(from, _, _)) in found.iter().enumerate() {
        let limit = char_window_end(text, from, SNIPPET_CHARS);
        let distinct: HashSet<&str> = found[k..]
            .iter()
            .take_while(|m| m.1 <= limit)
            .map(|m| m.2.as_str())
            .collect();
        let score = (distinct.len(), usize::MAX - k);
        if score > best {
            best = score;
            best_start = from;
        }
    }
    // Back up to a word boundary about 30 characters earlier for context.
    let mut start = best_start;
    for (backed, (i, c)) in text[..best_start].char_indices().rev().enumerate() {
        if backed >= 30 && c.is_whitespace() {
            start = i + c.len_utf8();
            break;
        }
        start = i;
    }
    let mut end = char_window_end(text, start, SNIPPET_CHARS);
    // Do not cut a word in half at the end.
    if end < text.len()
        && let Some(space) = text[start..end].rfind(char::is_whitespace)
        && space > 0
    {
        end = start + space;
    }
    (start, end)
}

fn render(text: &str, start: usize, end: usize, found: &[(usize, usize, String)]) -> String {
    let mut out = String::with_capacity(end - start + 64);
    if start > 0 {
        out.push('…');
    }
    let mut pos = start;
    for (from, to, _) in found {
        if *from < pos || *to > end {
            continue;
        }
        escape_html(&text[pos..*from], &mut out);
        out.push_str("<mark>");
        escape_html(&text[*from..*to], &mut out);
        out.push_str("</mark>");
        pos = *to;
    }
    escape_html(&text[pos..end], &mut out);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(terms: &[&str], prefix: Option<&str>) -> Highlight {
        Highlight {
            terms: terms.iter().map(|t| t.to_string()).collect(),
            prefix: prefix.map(str::to_string),
        }
    }

    #[test]
    fn marks_matches_and_escapes_everything_else() {
        let html = snippet_html(
            Lang::En,
            "t",
            "Click <script>alert(1)</script> & reset the password.",
            &hl(&["password"], None),
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<mark>password</mark>"), "{html}");
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn one_letter_words_are_never_marked() {
        let html = snippet_html(
            Lang::En,
            "Sign in",
            "I cannot sign in to a shared account",
            &hl(&["i", "a", "sign"], None),
        );
        assert!(html.contains("<mark>sign</mark>"), "{html}");
        assert!(!html.contains("<mark>I</mark>"), "{html}");
        assert!(!html.contains("<mark>a</mark>"), "{html}");
    }

    #[test]
    fn prefix_highlights_completions() {
        let html = snippet_html(
            Lang::En,
            "t",
            "Your passwords expire.",
            &hl(&[], Some("pass")),
        );
        assert!(html.contains("<mark>passwords</mark>"), "{html}");
    }

    #[test]
    fn long_body_is_windowed_around_matches() {
        let body = format!(
            "{} invoice totals {}",
            "filler ".repeat(100),
            "tail ".repeat(100)
        );
        let html = snippet_html(Lang::En, "t", &body, &hl(&["invoic"], None));
        assert!(html.contains("<mark>invoice</mark>"), "{html}");
        assert!(html.starts_with('…') && html.ends_with('…'));
        assert!(html.chars().count() < SNIPPET_CHARS + 40);
    }

    #[test]
    fn falls_back_to_title_when_body_has_no_match() {
        let html = snippet_html(
            Lang::En,
            "Reset <b>password</b>",
            "Nothing here.",
            &hl(&["password"], None),
        );
        assert_eq!(html, "Reset &lt;b&gt;<mark>password</mark>&lt;/b&gt;");
    }
}
