#![allow(dead_code)] // Each includer (a fuzz target, the regression tests) uses part of it.

//! What each fuzz target runs, shared with the regression tests (`tests/fuzz_regressions.rs`
//! includes this file), so every input kept in `fuzz/regressions/` is run by `cargo test`
//! exactly as the fuzzer ran it.

use std::sync::OnceLock;

use answerdesk::articles::{LinkContext, parse_article, render_markdown, write_article};
use answerdesk::search::{ArticleDocument, SearchIndex, SuggestRequest, truncate_query};

/// An article file as `answerdesk import` reads it. Any text may be refused with an error;
/// none may panic. What imports is sanitised, and still imports after `answerdesk export`.
pub fn import_article_file(text: &str) {
    let Ok(source) = parse_article(text, "fuzzed-article", "en") else {
        return;
    };
    let links = LinkContext {
        source_path: "en/fuzzed-article.md",
        slugs_by_path: None,
    };
    let rendered = render_markdown(&source.body_markdown, &links);
    // The sanitiser's output escapes every `<` of text, so a `<script` is a real tag.
    assert!(
        !rendered.html.to_ascii_lowercase().contains("<script"),
        "a script survived: {}",
        rendered.html
    );
    if let Some(url) = script_url(&rendered.html) {
        panic!("a script URL survived ({url:?}): {}", rendered.html);
    }
    let exported = write_article(&source);
    let again = parse_article(&exported, "fuzzed-article", "en").unwrap_or_else(|error| {
        panic!("an imported article no longer imports after export: {error}\n{exported}")
    });
    assert_eq!(again.title, source.title, "the title changed on export");
    assert_eq!(again.slug, source.slug, "the slug changed on export");
}

/// The first URL attribute value in `html` (the sanitiser's output: every attribute
/// double-quoted, `"` inside escaped) that a browser would run as script.
fn script_url(html: &str) -> Option<String> {
    const URL_ATTRIBUTES: [&str; 6] = ["href", "src", "action", "formaction", "xlink:href", "data"];
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let tag = &rest[open..];
        let end = tag.find('>').unwrap_or(tag.len());
        // Attribute values hold no `"`, so splitting on it alternates names and values.
        let parts: Vec<&str> = tag[..end].split('"').collect();
        for pair in parts.chunks(2) {
            let [name_part, value] = pair else { continue };
            let name = name_part
                .trim_end()
                .trim_end_matches('=')
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            // Browsers drop tabs and newlines anywhere and spaces and controls in front.
            let url: String = value
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .trim_start_matches(|c: char| c <= ' ')
                .to_ascii_lowercase();
            if URL_ATTRIBUTES.contains(&name.as_str())
                && (url.starts_with("javascript:") || url.starts_with("vbscript:"))
            {
                return Some((*value).to_owned());
            }
        }
        rest = &tag[end.min(tag.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
    None
}

/// What a customer types, as suggestions and as a results page, in every language and in
/// none. Any text is valid: an error is as wrong as a panic.
pub fn run_search_query(text: &str) {
    let index = index();
    let text = truncate_query(text);
    for lang in [
        None,
        Some("en"),
        Some("ru"),
        Some("lv"),
        Some("lt"),
        Some("sl"),
    ] {
        let suggest = SuggestRequest {
            text,
            lang,
            category: None,
            limit: 5,
            offset: 0,
        };
        let suggestions = index
            .suggest_in_language_first(&suggest)
            .unwrap_or_else(|error| panic!("suggest {text:?} ({lang:?}): {error}"));
        assert!(suggestions.len() <= 5);
        let page = SuggestRequest {
            limit: 10,
            offset: 10,
            category: Some("billing"),
            ..suggest
        };
        let results = index
            .search_in_language_first(&page)
            .unwrap_or_else(|error| panic!("search {text:?} ({lang:?}): {error}"));
        assert!(results.hits.len() <= 10);
    }
}

/// A small real index: a few articles in each language the portal speaks.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let articles: &[(&str, &str, &str, &str)] = &[
            (
                "en",
                "Reset your password",
                "account",
                "Open the sign-in page and choose Forgot password; we email a reset link.",
            ),
            (
                "en",
                "Can I get a refund?",
                "billing",
                "Charged twice or forgot to cancel before renewal: write to us within 30 days.",
            ),
            (
                "en",
                "Export invoices to CSV",
                "billing",
                "In Billing, select invoices and choose Export to download a CSV file.",
            ),
            (
                "ru",
                "Как сбросить пароль",
                "account",
                "Откройте страницу входа и выберите «Забыли пароль?».",
            ),
            (
                "lv",
                "Kā atjaunot paroli",
                "account",
                "Atveriet pieteikšanās lapu un izvēlieties «Aizmirsāt paroli?».",
            ),
            (
                "lt",
                "Kaip atkurti slaptažodį",
                "account",
                "Atidarykite prisijungimo puslapį ir pasirinkite „Pamiršote slaptažodį?“.",
            ),
            (
                "sl",
                "Kako ponastaviti geslo",
                "account",
                "Odprite stran za prijavo in izberite »Ste pozabili geslo?«.",
            ),
            (
                "sl",
                "Vračilo denarja",
                "billing",
                "Če vam je bila naročnina zaračunana dvakrat, vam vrnemo denar.",
            ),
        ];
        let docs: Vec<ArticleDocument> = articles
            .iter()
            .enumerate()
            .map(|(n, (lang, title, category, body))| ArticleDocument {
                id: format!("article-{n}"),
                title: (*title).to_owned(),
                aliases: vec![format!("{title} help")],
                headings: vec![(*title).to_owned()],
                body: (*body).to_owned(),
                category: (*category).to_owned(),
                tags: vec![(*category).to_owned()],
                lang: (*lang).to_owned(),
                published: true,
                ..ArticleDocument::default()
            })
            .collect();
        let index = SearchIndex::in_memory().expect("an in-memory index");
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(index.rebuild(docs))
            .expect("the index builds");
        index
    })
}
