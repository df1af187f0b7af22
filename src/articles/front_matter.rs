//! Splitting an article file into YAML front matter and Markdown body, and writing it back.
//!
//! Errors name the line in the file, so an editor can jump straight to the problem.

use serde::Deserialize;

use super::{ArticleSource, ArticleStatus, ContentError, LanguageCode, MAX_SECTION_CHARS, Slug};

/// The front matter exactly as written; validated into an [`ArticleSource`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    slug: Option<String>,
    category: Option<String>,
    section: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    lang: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    status: Option<String>,
    translation_of: Option<String>,
    updated: Option<serde_norway::Value>,
}

/// Parses one article file. `default_slug` is the file name without extension.
///
/// Line numbers in errors count from 1 at the top of the file.
pub fn parse_article(
    text: &str,
    default_slug: &str,
    default_language: &str,
) -> Result<ArticleSource, ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front_matter, body) = split_front_matter(text)?;
    // The YAML starts on line 2 of the file, after the opening `---`.
    let yaml_line = |line: usize| line + 1;
    let raw: RawFrontMatter = if front_matter.trim().is_empty() {
        RawFrontMatter::default()
    } else {
        serde_norway::from_str(front_matter).map_err(|error| {
            let line = error.location().map(|l| yaml_line(l.line())).unwrap_or(1);
            ContentError::at(
                line,
                format!("malformed front matter: {}", strip_location(&error)),
            )
        })?
    };
    let line_of = |key: &str| key_line(front_matter, key).map(yaml_line).unwrap_or(1);

    let title = raw
        .title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ContentError::at(1, "missing required front matter key `title`"))?;
    if title.chars().count() > 200 {
        return Err(ContentError::at(
            line_of("title"),
            "title is longer than 200 characters",
        ));
    }
    let slug_text = raw.slug.as_deref().unwrap_or(default_slug);
    let slug = Slug::parse(slug_text).map_err(|message| {
        let line = if raw.slug.is_some() {
            line_of("slug")
        } else {
            1
        };
        ContentError::at(line, message)
    })?;
    let lang = match raw.lang.as_deref() {
        Some(code) => {
            LanguageCode::parse(code).map_err(|m| ContentError::at(line_of("lang"), m))?
        }
        None => LanguageCode::parse(default_language).map_err(|m| ContentError::at(1, m))?,
    };
    let status = match raw.status.as_deref() {
        None => ArticleStatus::Published,
        Some(value) => {
            ArticleStatus::parse(value).map_err(|m| ContentError::at(line_of("status"), m))?
        }
    };
    let translation_of = raw
        .translation_of
        .as_deref()
        .map(|value| Slug::parse(value).map_err(|m| ContentError::at(line_of("translation_of"), m)))
        .transpose()?;
    if translation_of.as_ref() == Some(&slug) {
        return Err(ContentError::at(
            line_of("translation_of"),
            "an article cannot be a translation of itself",
        ));
    }
    let updated = match raw.updated {
        None | Some(serde_norway::Value::Null) => None,
        Some(serde_norway::Value::String(value)) => {
            Some(parse_date(&value).map_err(|m| ContentError::at(line_of("updated"), m))?)
        }
        Some(_) => {
            return Err(ContentError::at(
                line_of("updated"),
                "`updated` must be a date such as 2026-10-14",
            ));
        }
    };
    let category = raw
        .category
        .map(|c| c.trim().to_owned())
        .unwrap_or_default();
    let section = raw
        .section
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    if !section.is_empty() && category.is_empty() {
        return Err(ContentError::at(
            line_of("section"),
            "`section` groups articles within a category: give the article a `category` too",
        ));
    }
    if section.chars().count() > MAX_SECTION_CHARS {
        return Err(ContentError::at(
            line_of("section"),
            format!("section is longer than {MAX_SECTION_CHARS} characters"),
        ));
    }
    let clean_list = |values: Vec<String>| -> Vec<String> {
        values
            .into_iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    Ok(ArticleSource {
        slug,
        title,
        category,
        section,
        tags: clean_list(raw.tags)
            .into_iter()
            .map(|t| t.to_lowercase())
            .collect(),
        lang,
        aliases: clean_list(raw.aliases),
        status,
        translation_of,
        updated,
        body_markdown: normalise_body(body),
    })
}

/// Writes an article back as a file: front matter, a blank line, then the body.
///
/// The output parses back to the same [`ArticleSource`], so import → export → import is a no-op.
pub fn write_article(source: &ArticleSource) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml_string(&source.title)));
    out.push_str(&format!("slug: {}\n", source.slug));
    if !source.category.is_empty() {
        out.push_str(&format!("category: {}\n", yaml_string(&source.category)));
    }
    if !source.section.is_empty() {
        out.push_str(&format!("section: {}\n", yaml_string(&source.section)));
    }
    if !source.tags.is_empty() {
        let tags: Vec<String> = source.tags.iter().map(|t| yaml_string(t)).collect();
        out.push_str(&format!("tags: [{}]\n", tags.join(", ")));
    }
    out.push_str(&format!("lang: {}\n", source.lang));
    if !source.aliases.is_empty() {
        out.push_str("aliases:\n");
        for alias in &source.aliases {
            out.push_str(&format!("  - {}\n", yaml_string(alias)));
        }
    }
    out.push_str(&format!("status: {}\n", source.status.as_str()));
    if let Some(original) = &source.translation_of {
        out.push_str(&format!("translation_of: {original}\n"));
    }
    if let Some(updated) = &source.updated {
        out.push_str(&format!("updated: {updated}\n"));
    }
    out.push_str("---\n\n");
    out.push_str(&source.body_markdown);
    out
}

fn split_front_matter(text: &str) -> Result<(&str, &str), ContentError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(ContentError::at(
            1,
            "missing front matter: the file must start with a line `---`, then `title: …`, then `---`",
        ));
    }
    let start = first.len();
    let mut offset = start;
    for line in lines {
        if line.trim_end() == "---" {
            return Ok((&text[start..offset], &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(ContentError::at(
        1,
        "front matter is not closed: no second `---` line",
    ))
}

/// The 1-based line within the front matter where `key:` is written.
fn key_line(front_matter: &str, key: &str) -> Option<usize> {
    front_matter
        .lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|index| index + 1)
}

fn strip_location(error: &serde_norway::Error) -> String {
    let message = error.to_string();
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    }
}

fn parse_date(value: &str) -> Result<jiff::civil::Date, String> {
    value
        .trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| format!("`updated` must be a date such as 2026-10-14, got {value:?}"))
}

fn normalise_body(body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    let trimmed = body.trim_matches('\n');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

/// A YAML scalar that always reads back as the same string.
fn yaml_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\ntitle: \"Reset your password\"\ncategory: Account and login\ntags: [Password, login]\naliases:\n  - I forgot my password\nupdated: 2026-10-14\n---\n\nBody text.\n";

    #[test]
    fn a_complete_article_parses_with_defaults_filled_in() {
        let article = parse_article(GOOD, "reset-your-password", "en").expect("valid");
        assert_eq!(article.title, "Reset your password");
        assert_eq!(article.slug.as_str(), "reset-your-password");
        assert_eq!(article.lang.as_str(), "en");
        assert_eq!(article.status, ArticleStatus::Published);
        assert_eq!(article.tags, vec!["password", "login"]);
        assert_eq!(article.aliases, vec!["I forgot my password"]);
        assert_eq!(
            article.updated.map(|d| d.to_string()).as_deref(),
            Some("2026-10-14")
        );
        assert_eq!(article.body_markdown, "Body text.\n");
    }

    #[test]
    fn written_articles_parse_back_identically() {
        let article = parse_article(GOOD, "reset-your-password", "en").expect("valid");
        let written = write_article(&article);
        let again = parse_article(&written, "something-else", "lv").expect("valid");
        assert_eq!(article, again);
    }

    #[test]
    fn a_section_is_read_written_and_needs_a_category() {
        let text = "---\ntitle: Export to CSV\ncategory: Reports\nsection: \"  Exporting   data \"\n---\nBody.\n";
        let article = parse_article(text, "export", "en").expect("valid");
        assert_eq!(article.section, "Exporting data");
        let written = write_article(&article);
        assert!(
            written.contains("section: \"Exporting data\"\n"),
            "{written}"
        );
        assert_eq!(parse_article(&written, "x", "en").expect("valid"), article);
        // Without a section nothing is written, so older files keep their fingerprint.
        let plain = parse_article(GOOD, "reset-your-password", "en").expect("valid");
        assert_eq!(plain.section, "");
        assert!(!write_article(&plain).contains("section"));

        let error = parse_article("---\ntitle: A\nsection: Setup\n---\n", "a", "en").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.message.contains("category"), "{error}");
        let long = format!(
            "---\ntitle: A\ncategory: B\nsection: {}\n---\n",
            "s".repeat(101)
        );
        assert_eq!(parse_article(&long, "a", "en").unwrap_err().line, 4);
    }

    #[test]
    fn a_missing_title_is_reported() {
        let error = parse_article("---\ncategory: x\n---\nbody", "a", "en").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("title"), "{error}");
    }

    #[test]
    fn an_unknown_status_names_its_line() {
        let text = "---\ntitle: A\nlang: en\nstatus: live\n---\nbody";
        let error = parse_article(text, "a", "en").unwrap_err();
        assert_eq!(error.line, 4);
        assert!(error.message.contains("live"), "{error}");
    }

    #[test]
    fn malformed_yaml_names_its_line() {
        let text = "---\ntitle: A\ntags: [unclosed\n---\nbody";
        let error = parse_article(text, "a", "en").unwrap_err();
        assert!(error.line >= 3, "{error:?}");
        assert!(error.message.contains("malformed front matter"), "{error}");
    }

    #[test]
    fn a_file_without_front_matter_is_rejected() {
        let error = parse_article("# Just a heading\n", "a", "en").unwrap_err();
        assert!(error.message.contains("front matter"), "{error}");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let error = parse_article("---\ntitle: A\ncatgory: typo\n---\n", "a", "en").unwrap_err();
        assert!(error.message.contains("catgory"), "{error}");
    }

    #[test]
    fn a_bad_date_names_its_line() {
        let error =
            parse_article("---\ntitle: A\nupdated: yesterday\n---\n", "a", "en").unwrap_err();
        assert_eq!(error.line, 3);
    }
}
