//! Markdown → safe HTML, plain text for the search index, and the list of headings.
//!
//! Articles are rendered once, when they are stored; pages only insert the stored HTML.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::Slug;

/// What an article's Markdown turns into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedArticle {
    /// Sanitised HTML, safe to insert into a page.
    pub html: String,
    /// The words of the article without markup, for the search index and snippets.
    pub text: String,
    /// The text of every heading, in order.
    pub headings: Vec<String>,
}

/// Where an article lives, so relative links and images resolve.
#[derive(Clone, Debug, Default)]
pub struct LinkContext<'a> {
    /// The file's path relative to the content directory, e.g. `en/reset-your-password.md`.
    pub source_path: &'a str,
    /// Content-relative paths of article files → their slugs (slugs can differ from file names).
    pub slugs_by_path: Option<&'a HashMap<String, String>>,
}

/// The Markdown an article may use.
const MARKDOWN_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_FOOTNOTES);

/// Renders Markdown with tables, strikethrough, task lists, footnotes and heading anchors,
/// then sanitises it: no script, no event handlers, no `javascript:` links survive.
pub fn render_markdown(markdown: &str, links: &LinkContext<'_>) -> RenderedArticle {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, MARKDOWN_OPTIONS).collect();

    let mut text = String::new();
    let mut headings = Vec::new();
    let mut used_anchors = HashSet::new();
    let mut output: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut index = 0;
    while index < events.len() {
        match &events[index] {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let end = events[index..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map(|offset| index + offset)
                    .unwrap_or(events.len() - 1);
                let heading_text = plain_text_of(&events[index + 1..end]);
                let anchor = unique_anchor(&heading_text, &mut used_anchors);
                output.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(anchor)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                if *level != HeadingLevel::H1 || !heading_text.is_empty() {
                    headings.push(heading_text.clone());
                }
                push_text(&mut text, &heading_text);
                text.push('\n');
                for event in &events[index + 1..end] {
                    output.push(rewrite_link(event.clone(), links));
                }
                output.push(events[end].clone());
                index = end + 1;
                continue;
            }
            Event::Text(t) | Event::Code(t) => push_text(&mut text, t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow | TagEnd::CodeBlock) => {
                text.push('\n')
            }
            Event::End(TagEnd::TableCell) => text.push(' '),
            _ => {}
        }
        output.push(rewrite_link(events[index].clone(), links));
        index += 1;
    }

    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut unsafe_html, limit_nesting(output).into_iter());
    RenderedArticle {
        html: SANITISER.clean(&unsafe_html).to_string(),
        text: collapse_blank_lines(&text),
        headings,
    }
}

/// The longest summary a list shows under an article's title.
pub const SUMMARY_CHARS: usize = 180;

/// What a list shows under an article's title: the first paragraph of its Markdown as plain
/// text, ended at a sentence within [`SUMMARY_CHARS`] or else at a word, with "…". Headings,
/// lists, tables and code are passed over; `markdown` may be only the article's beginning.
pub fn summary(markdown: &str) -> String {
    let mut depth_outside_paragraph = 0usize;
    let mut in_paragraph = false;
    let mut text = String::new();
    for event in Parser::new_ext(markdown, MARKDOWN_OPTIONS) {
        match event {
            Event::Start(Tag::Paragraph) if depth_outside_paragraph == 0 => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => {
                if !text.trim().is_empty() {
                    break;
                }
                in_paragraph = false;
            }
            Event::Start(
                Tag::Heading { .. }
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::FootnoteDefinition(_),
            ) => depth_outside_paragraph += 1,
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::List(_)
                | TagEnd::Table
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => depth_outside_paragraph = depth_outside_paragraph.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    shorten(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `text` cut to a sentence or word boundary within [`SUMMARY_CHARS`].
fn shorten(text: String) -> String {
    if text.chars().count() <= SUMMARY_CHARS {
        return text;
    }
    let cut = text
        .char_indices()
        .nth(SUMMARY_CHARS)
        .map_or(text.len(), |(index, _)| index);
    let head = &text[..cut];
    let sentence_end = head
        .match_indices(['.', '!', '?'])
        .map(|(index, _)| index + 1)
        .rev()
        .find(|&end| end >= SUMMARY_CHARS / 3 && head[end..].starts_with(' '));
    match sentence_end {
        Some(end) => head[..end].to_owned(),
        None => {
            let word_end = head.rfind(' ').unwrap_or(head.len());
            format!("{}…", head[..word_end].trim_end_matches([',', ';', ':']))
        }
    }
}

/// One entry of an article's "On this page" list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OutlineEntry {
    /// 2 for a section, 3 for a subsection.
    pub level: u8,
    /// The heading's text.
    pub text: String,
    /// The id the heading has in the rendered HTML (prefix included).
    pub anchor: String,
}

/// The sections and subsections of an article, with the ids [`render_markdown`] gives their
/// headings: the anchors are computed over the same headings in the same order.
pub fn outline(markdown: &str) -> Vec<OutlineEntry> {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, MARKDOWN_OPTIONS).collect();
    let mut used_anchors = HashSet::new();
    let mut entries = Vec::new();
    for (index, event) in events.iter().enumerate() {
        let Event::Start(Tag::Heading { level, .. }) = event else {
            continue;
        };
        let end = events[index..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(events.len(), |offset| index + offset);
        let text = plain_text_of(&events[index + 1..end]);
        let anchor = unique_anchor(&text, &mut used_anchors);
        let level = match level {
            HeadingLevel::H2 => 2,
            HeadingLevel::H3 => 3,
            _ => continue,
        };
        if !text.is_empty() {
            entries.push(OutlineEntry {
                level,
                text,
                anchor: format!("{ARTICLE_ID_PREFIX}{anchor}"),
            });
        }
    }
    entries
}

/// Elements nested deeper than this keep their text but lose their tags. No article needs
/// more, and the sanitiser's HTML parser takes time quadratic in the depth: 50,000 nested
/// `>` quotes in one editor preview took seconds of CPU.
const MAX_NESTING: usize = 32;

/// `events` with every element beyond [`MAX_NESTING`] dropped, start and end alike.
fn limit_nesting(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut kept_starts: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Start(_) => {
                let keep = depth < MAX_NESTING;
                kept_starts.push(keep);
                if keep {
                    depth += 1;
                    out.push(event);
                }
            }
            Event::End(_) => {
                if kept_starts.pop().unwrap_or(true) {
                    depth = depth.saturating_sub(1);
                    out.push(event);
                }
            }
            other => out.push(other),
        }
    }
    out
}

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .set_tag_attribute_value("input", "disabled", "")
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_allowed_classes("div", ["footnote-definition"])
        .add_allowed_classes("sup", ["footnote-definition-label", "footnote-reference"])
        .link_rel(Some("noopener noreferrer"));
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    builder.attribute_filter(|element, attribute, value| match (element, attribute) {
        // Only the check box a task list needs may appear as an input.
        ("input", "type") if value != "checkbox" => None,
        // A table column's alignment, and nothing else, may be styled.
        ("th" | "td", "style") => cell_alignment(value).map(Into::into),
        // An article's ids (headings, footnotes, raw HTML) live apart from the page's own,
        // and so do the links within the article that point at them.
        (_, "id") => Some(format!("{ARTICLE_ID_PREFIX}{value}").into()),
        ("a", "href") => match value.strip_prefix('#') {
            Some(fragment) if !fragment.is_empty() => {
                Some(format!("#{ARTICLE_ID_PREFIX}{fragment}").into())
            }
            _ => Some(value.into()),
        },
        _ => Some(value.into()),
    });
    builder
});

/// Put before every id from an article's HTML, so a heading or a raw `<div id>` cannot take
/// the name of one of the page's own elements (`#main`, `#feedback`, `#csrf-token`).
pub const ARTICLE_ID_PREFIX: &str = "a-";

/// `text-align: left|right|center` (as table columns are aligned), normalised; anything
/// else in a cell's style is dropped with it.
fn cell_alignment(style: &str) -> Option<String> {
    let (property, value) = style.trim().trim_end_matches(';').split_once(':')?;
    let value = value.trim().to_ascii_lowercase();
    let known = matches!(value.as_str(), "left" | "right" | "center");
    (property.trim().eq_ignore_ascii_case("text-align") && known)
        .then(|| format!("text-align: {value}"))
}

fn plain_text_of(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    text.trim().to_owned()
}

fn unique_anchor(heading: &str, used: &mut HashSet<String>) -> String {
    let base = Slug::from_title(heading).to_string();
    let mut anchor = base.clone();
    let mut counter = 1;
    while !used.insert(anchor.clone()) {
        counter += 1;
        anchor = format!("{base}-{counter}");
    }
    anchor
}

fn push_text(text: &mut String, piece: &str) {
    text.push_str(piece);
}

fn collapse_blank_lines(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn rewrite_link<'a>(event: Event<'a>, links: &LinkContext<'_>) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from(resolve_link(&dest_url, links)),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::from(resolve_link(&dest_url, links)),
            title,
            id,
        }),
        other => other,
    }
}

/// Relative links to `.md` files become article URLs; other relative files become `/content/…`.
fn resolve_link(destination: &str, links: &LinkContext<'_>) -> String {
    let is_relative = !destination.is_empty()
        && !destination.starts_with('/')
        && !destination.starts_with('#')
        && !destination.contains(':');
    if !is_relative {
        return destination.to_owned();
    }
    let (path, fragment) = match destination.split_once('#') {
        Some((path, fragment)) => (path, format!("#{fragment}")),
        None => (destination, String::new()),
    };
    let base_dir = match links.source_path.rsplit_once('/') {
        Some((dir, _)) => dir,
        None => "",
    };
    let Some(resolved) = join_within_root(base_dir, path) else {
        // A path that climbs out of the content directory resolves to nothing.
        return "#".to_owned();
    };
    if let Some(stem) = resolved.strip_suffix(".md") {
        let slug = links
            .slugs_by_path
            .and_then(|map| map.get(&resolved).cloned())
            .unwrap_or_else(|| stem.rsplit('/').next().unwrap_or(stem).to_owned());
        // Another article's headings carry the article id prefix too.
        let fragment = match fragment.strip_prefix('#') {
            Some(name) if !name.is_empty() => format!("#{ARTICLE_ID_PREFIX}{name}"),
            _ => fragment,
        };
        format!("/articles/{slug}{fragment}")
    } else {
        format!("/content/{resolved}{fragment}")
    }
}

/// Joins `relative` onto `base_dir`, refusing anything that would leave the content root.
pub(crate) fn join_within_root(base_dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(markdown: &str) -> RenderedArticle {
        render_markdown(
            markdown,
            &LinkContext {
                source_path: "en/here.md",
                slugs_by_path: None,
            },
        )
    }

    #[test]
    fn a_summary_is_the_first_paragraph_cut_at_a_sentence_or_a_word() {
        assert_eq!(
            summary(
                "## Before you start\n\n- a list\n\nConnect **Stripe** in `Settings`.\nIt takes a minute.\n\nMore."
            ),
            "Connect Stripe in Settings. It takes a minute."
        );
        let long = format!("{}. {}", "Word ".repeat(20).trim(), "Another ".repeat(40));
        let cut = summary(&long);
        assert!(cut.ends_with("Word."), "{cut}");
        let no_sentence = summary(&"longword ".repeat(60));
        assert!(no_sentence.ends_with("longword…"), "{no_sentence}");
        assert!(no_sentence.chars().count() <= SUMMARY_CHARS + 1);
        assert_eq!(summary("# Only a title\n"), "");
    }

    #[test]
    fn the_outline_links_to_the_ids_the_rendered_headings_have() {
        let markdown = "# Title\n\n## Before you start\n\ntext\n\n### Check your plan\n\n## Steps\n\n#### Deep\n\n## Steps\n";
        let outline = outline(markdown);
        let levels_and_texts: Vec<(u8, &str)> =
            outline.iter().map(|e| (e.level, e.text.as_str())).collect();
        assert_eq!(
            levels_and_texts,
            vec![
                (2, "Before you start"),
                (3, "Check your plan"),
                (2, "Steps"),
                (2, "Steps")
            ]
        );
        let html = render(markdown).html;
        for entry in &outline {
            assert!(
                html.contains(&format!("id=\"{}\"", entry.anchor)),
                "{} not in {html}",
                entry.anchor
            );
        }
        assert_ne!(outline[2].anchor, outline[3].anchor);
    }

    #[test]
    fn scripts_and_event_handlers_never_survive() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<a href=\"javascript:alert(1)\">x</a>\n\n[y](javascript:alert(2))\n\n<div onclick=\"steal()\">z</div>\n\n<iframe src=\"https://evil\"></iframe>",
        )
        .html;
        for forbidden in [
            "<script",
            "onerror",
            "javascript:",
            "onclick",
            "<iframe",
            "alert(1)</",
        ] {
            assert!(!html.contains(forbidden), "{forbidden} survived in {html}");
        }
    }

    #[test]
    fn tables_strikethrough_task_lists_and_footnotes_render() {
        let html = render(
            "| Plan | Price |\n|:-----|------:|\n| Basic | 9 |\n\n~~old~~\n\n- [x] done\n- [ ] todo\n\nNote[^1].\n\n[^1]: The footnote.\n",
        )
        .html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn headings_get_unique_anchors_and_are_listed() {
        let rendered = render("## Before you start\n\ntext\n\n## Before you start\n\n### Étape 2");
        assert!(
            rendered.html.contains("<h2 id=\"a-before-you-start\">"),
            "{}",
            rendered.html
        );
        assert!(
            rendered.html.contains("<h2 id=\"a-before-you-start-2\">"),
            "{}",
            rendered.html
        );
        assert!(
            rendered.html.contains("<h3 id=\"a-etape-2\">"),
            "{}",
            rendered.html
        );
        assert_eq!(
            rendered.headings,
            vec!["Before you start", "Before you start", "Étape 2"]
        );
    }

    #[test]
    fn relative_links_resolve_to_article_and_content_urls() {
        let mut slugs = HashMap::new();
        slugs.insert("en/renamed-file.md".to_owned(), "real-slug".to_owned());
        let html = render_markdown(
            "[a](other-article.md#steps) [b](renamed-file.md) [c](../lv/paroles.md) ![d](../images/flow.svg) [e](https://example.com) [f](../../../etc/passwd)",
            &LinkContext { source_path: "en/here.md", slugs_by_path: Some(&slugs) },
        )
        .html;
        assert!(
            html.contains("href=\"/articles/other-article#a-steps\""),
            "{html}"
        );
        assert!(html.contains("href=\"/articles/real-slug\""), "{html}");
        assert!(html.contains("href=\"/articles/paroles\""), "{html}");
        assert!(html.contains("src=\"/content/images/flow.svg\""), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(!html.contains("passwd"), "{html}");
    }

    #[test]
    fn a_table_cell_keeps_its_alignment_and_nothing_else_of_its_style() {
        let html = render(
            "| Plan | Price |\n|:-----|------:|\n| Basic | 9 |\n\n<table><tr><td style=\"text-align: left; position: fixed; background: url(https://evil.example/x)\">a</td><td style=\"TEXT-ALIGN:Center\">b</td><td style=\"text-align: justify\">c</td></tr></table>",
        )
        .html;
        assert!(html.contains("<th style=\"text-align: left\">"), "{html}");
        assert!(html.contains("<td style=\"text-align: right\">"), "{html}");
        assert!(
            html.contains("<td style=\"text-align: center\">b"),
            "{html}"
        );
        assert!(html.contains("<td>a</td>"), "{html}");
        assert!(html.contains("<td>c</td>"), "{html}");
        for forbidden in ["position", "fixed", "url(", "evil", "justify"] {
            assert!(!html.contains(forbidden), "{forbidden} survived in {html}");
        }
    }

    #[test]
    fn ids_from_an_article_cannot_take_the_pages_own_and_links_to_them_still_work() {
        let html = render(
            "<div id=\"csrf-token\">x</div>\n\n## Main\n\nSee [below](#main) and [there](other.md#main).\n\nNote[^1].\n\n[^1]: The footnote.\n",
        )
        .html;
        assert!(html.contains("<div id=\"a-csrf-token\">"), "{html}");
        assert!(html.contains("<h2 id=\"a-main\">"), "{html}");
        assert!(html.contains("href=\"#a-main\""), "{html}");
        assert!(html.contains("href=\"/articles/other#a-main\""), "{html}");
        assert!(!html.contains("id=\"csrf-token\""), "{html}");
        assert!(!html.contains("id=\"main\""), "{html}");
        // Footnote references still point at their definitions.
        let reference = html
            .split("<sup class=\"footnote-reference\"><a href=\"#")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("footnote reference");
        assert!(html.contains(&format!("id=\"{reference}\"")), "{html}");
        assert!(reference.starts_with(ARTICLE_ID_PREFIX), "{reference}");
    }

    #[test]
    fn quotes_nested_thousands_deep_keep_their_words_but_not_the_depth() {
        let markdown = format!("{}deep words", "> ".repeat(20_000));
        let rendered = render(&markdown);
        assert_eq!(
            rendered.html.matches("<blockquote>").count(),
            super::MAX_NESTING
        );
        assert!(rendered.html.contains("deep words"), "{}", rendered.html);
        assert!(rendered.text.contains("deep words"));
    }

    #[test]
    fn plain_text_has_words_but_no_markup() {
        let rendered = render("# Title\n\nSome **bold** and `code`.\n\n<b>raw</b>\n\n- one\n- two");
        assert!(
            rendered.text.contains("Some bold and code."),
            "{}",
            rendered.text
        );
        assert!(!rendered.text.contains('*'));
        assert!(!rendered.text.contains("<b>"));
        assert!(rendered.text.contains("one\ntwo"), "{}", rendered.text);
    }
}
