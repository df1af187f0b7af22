//! Help-centre articles: the Markdown format, rendering, revisions, import and export.
//!
//! Knows nothing of HTTP or of the search index; storage is reached through [`crate::storage`].

pub mod editing;
mod export;
mod front_matter;
pub mod images;
mod import;
pub mod reader_notes;
mod render;
pub mod translations;

use std::fmt;

use serde::Serialize;

pub use export::{ExportReport, export_directory, export_directory_with_images};
pub use front_matter::{parse_article, write_article};
pub use import::{
    ContentDirectory, ContentFile, FileOutcome, ImportReport, check_directory, import_directory,
    import_directory_with_images, read_directory,
};
pub use render::{
    LinkContext, OutlineEntry, RenderedArticle, outline, render_markdown, summary as summary_of,
};

use crate::storage::{Database, StorageError};

/// A URL-safe article identifier: lowercase letters, digits and single hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Checks the slug rules once; past this point a slug is known to be valid.
    pub fn parse(value: &str) -> Result<Slug, String> {
        let value = value.trim();
        let valid = !value.is_empty()
            && value.len() <= 120
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        if valid {
            Ok(Slug(value.to_owned()))
        } else {
            Err(format!(
                "invalid slug {value:?}: use lowercase letters, digits and single hyphens (at most 120 characters)"
            ))
        }
    }

    /// Turns any title or name into a slug, transliterating accented letters.
    pub fn from_title(title: &str) -> Slug {
        let mut slug = String::new();
        for c in title.chars().flat_map(transliterate) {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let mut slug = slug.trim_end_matches('-').to_owned();
        slug.truncate(120);
        let slug = slug.trim_end_matches('-').to_owned();
        if slug.is_empty() {
            Slug("article".into())
        } else {
            Slug(slug)
        }
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Latin letters with diacritics to ASCII, Cyrillic to Latin, so every title has a readable slug.
fn transliterate(c: char) -> Vec<char> {
    let ascii: &str = match c.to_lowercase().next().unwrap_or(c) {
        'ā' | 'á' | 'à' | 'â' | 'ä' | 'ą' | 'å' | 'а' => "a",
        'č' | 'ć' | 'ç' => "c",
        'ē' | 'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ė' | 'е' | 'э' => "e",
        'ģ' | 'г' => "g",
        'ī' | 'í' | 'ì' | 'î' | 'ï' | 'į' | 'и' | 'і' => "i",
        'ķ' | 'к' => "k",
        'ļ' | 'ł' | 'л' => "l",
        'ņ' | 'ń' | 'ñ' | 'н' => "n",
        'ō' | 'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'о' => "o",
        'š' | 'ś' | 'с' => "s",
        'ū' | 'ú' | 'ù' | 'û' | 'ü' | 'ų' | 'у' => "u",
        'ž' | 'ź' | 'ż' | 'з' => "z",
        'ё' => "yo",
        'б' => "b",
        'в' => "v",
        'д' => "d",
        'ж' => "zh",
        'й' => "y",
        'м' => "m",
        'п' => "p",
        'р' => "r",
        'т' => "t",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'ъ' | 'ь' => "",
        other => return vec![other],
    };
    ascii.chars().collect()
}

/// A language code such as `en`, `lv` or `pt-br`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct LanguageCode(String);

impl LanguageCode {
    /// Accepts two or three lowercase letters, optionally followed by `-` and a region.
    pub fn parse(value: &str) -> Result<LanguageCode, String> {
        let value = value.trim().to_ascii_lowercase();
        let (primary, region) = match value.split_once('-') {
            Some((primary, region)) => (primary, Some(region)),
            None => (value.as_str(), None),
        };
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase());
        let region_ok = region.is_none_or(|r| {
            (2..=8).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if primary_ok && region_ok {
            Ok(LanguageCode(value))
        } else {
            Err(format!(
                "invalid language {value:?}: use a code such as en, lv, lt, ru or sl"
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether customers can see an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    /// Visible to customers and searchable.
    Published,
    /// Work in progress; never shown to customers.
    Draft,
    /// Retired; kept with its history, never shown to customers.
    Archived,
}

impl ArticleStatus {
    /// Parses the front-matter / database spelling.
    pub fn parse(value: &str) -> Result<ArticleStatus, String> {
        match value.trim() {
            "published" => Ok(ArticleStatus::Published),
            "draft" => Ok(ArticleStatus::Draft),
            "archived" => Ok(ArticleStatus::Archived),
            other => Err(format!(
                "unknown status {other:?}: use published, draft or archived"
            )),
        }
    }

    /// The front-matter / database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Published => "published",
            ArticleStatus::Draft => "draft",
            ArticleStatus::Archived => "archived",
        }
    }
}

/// An article as written by an editor: front matter plus Markdown body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleSource {
    pub slug: Slug,
    pub title: String,
    /// The category's display name, in the article's language; empty when uncategorised.
    pub category: String,
    /// A group within the category (front matter `section`); empty for none.
    pub section: String,
    pub tags: Vec<String>,
    pub lang: LanguageCode,
    /// Other phrasings customers use for the same problem.
    pub aliases: Vec<String>,
    pub status: ArticleStatus,
    /// The slug of the article this one translates.
    pub translation_of: Option<Slug>,
    pub updated: Option<jiff::civil::Date>,
    pub body_markdown: String,
}

impl ArticleSource {
    /// The category's URL segment.
    pub fn category_slug(&self) -> String {
        if self.category.is_empty() {
            String::new()
        } else {
            Slug::from_title(&self.category).to_string()
        }
    }

    /// A fingerprint of everything an editor controls: equal hashes mean nothing changed.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(write_article(self).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A problem with one content file, with the line it is on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ContentError {
    /// 1-based line in the file.
    pub line: usize,
    pub message: String,
}

impl ContentError {
    pub(crate) fn at(line: usize, message: impl Into<String>) -> ContentError {
        ContentError {
            line,
            message: message.into(),
        }
    }
}

/// A stored article, ready to show.
#[derive(Clone, Debug, Serialize)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub category: String,
    pub category_slug: String,
    /// The section within the category; empty for none.
    pub section: String,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub status: ArticleStatus,
    pub translation_of: Option<String>,
    /// The date the editor gave in the front matter, if any.
    pub editor_updated: Option<String>,
    /// The date the editor gave, else the date of the last change: what customers see.
    pub updated_on: String,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    pub headings: Vec<String>,
    pub source_path: Option<String>,
    pub revision: i64,
    pub view_count: i64,
}

impl Article {
    /// Rebuilds the editor's view of this article (for export and revisions).
    pub fn to_source(&self) -> Result<ArticleSource, String> {
        Ok(ArticleSource {
            slug: Slug::parse(&self.slug)?,
            title: self.title.clone(),
            category: self.category.clone(),
            section: self.section.clone(),
            tags: self.tags.clone(),
            lang: LanguageCode::parse(&self.lang)?,
            aliases: self.aliases.clone(),
            status: self.status,
            translation_of: self
                .translation_of
                .as_deref()
                .map(Slug::parse)
                .transpose()?,
            updated: self
                .editor_updated
                .as_deref()
                .map(|date| {
                    date.parse()
                        .map_err(|_| format!("invalid stored date {date:?}"))
                })
                .transpose()?,
            body_markdown: self.body_markdown.clone(),
        })
    }
}

/// A line in a list of articles.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    /// The first sentences of the article, plain text (see [`summary_of`]).
    pub summary: String,
    pub lang: String,
    pub category: String,
    pub category_slug: String,
    /// The section within the category; empty for none.
    pub section: String,
    pub updated_on: String,
}

/// A category with the number of published articles in it.
#[derive(Clone, Debug, Serialize)]
pub struct Category {
    pub slug: String,
    pub name: String,
    pub lang: String,
    pub article_count: i64,
}

/// Why an article operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

/// The published article with this slug, as a customer sees it.
pub async fn find_published_article(
    db: &Database,
    slug: &str,
) -> Result<Option<Article>, ArticleError> {
    let article = db.find_article_by_slug(slug).await?;
    Ok(article.filter(|a| a.status == ArticleStatus::Published))
}

/// Everything a customer sees around an article: related articles and translations.
#[derive(Debug, Serialize)]
pub struct ArticleNeighbours {
    pub related: Vec<ArticleSummary>,
    pub translations: Vec<ArticleSummary>,
}

/// Related articles in the same category and the article's other languages, from its
/// published translation `family` ([`translations::translation_family`], already read by
/// the caller to decide which version to show).
pub async fn article_neighbours(
    db: &Database,
    article: &Article,
    family: &[ArticleSummary],
) -> Result<ArticleNeighbours, ArticleError> {
    let related = if article.category_slug.is_empty() {
        Vec::new()
    } else {
        db.published_articles_in_category(&article.category_slug, 6)
            .await?
            .into_iter()
            .filter(|summary| summary.slug != article.slug)
            .take(5)
            .collect()
    };
    let translations = family
        .iter()
        .filter(|summary| summary.slug != article.slug)
        .cloned()
        .collect();
    Ok(ArticleNeighbours {
        related,
        translations,
    })
}

/// The longest section name (characters).
pub const MAX_SECTION_CHARS: usize = 100;

/// One headed group of a category page.
#[derive(Clone, Debug, Serialize)]
pub struct SectionGroup {
    /// The section's name; empty for the category's articles in no section.
    pub name: String,
    /// The heading's fragment id (`section-…`).
    pub anchor: String,
    pub articles: Vec<ArticleSummary>,
}

/// A category page's articles under headed sections, or `None` for one plain list.
///
/// Groups appear as soon as any article of the category names a `section`: sections are the
/// editor's explicit structure, given where a category has grown past a glance (around eight
/// articles, like the shipped "Invoices and quotes"), so the page follows it however many
/// articles there are. A category none of whose articles names one stays a single list, however long:
/// there is nothing to head groups with, and made-up groups (by letter, say) help no reader.
///
/// Sections come in alphabetical order of their names, which stays put when articles are
/// added or renamed (the first article's position would move them); names differing only in
/// case, spacing or accents are one section, spelled as the first article spells it.
/// Articles in no section come last, under the category's own heading ("Other articles").
/// Within a group the articles keep the order they came in.
pub fn group_by_section(articles: Vec<ArticleSummary>) -> Option<Vec<SectionGroup>> {
    if articles.iter().all(|article| article.section.is_empty()) {
        return None;
    }
    let mut groups: Vec<(String, SectionGroup)> = Vec::new();
    let mut others = Vec::new();
    for article in articles {
        if article.section.is_empty() {
            others.push(article);
            continue;
        }
        let key = Slug::from_title(&article.section).to_string();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, group)) => group.articles.push(article),
            None => groups.push((
                key.clone(),
                SectionGroup {
                    name: article.section.clone(),
                    anchor: format!("section-{key}"),
                    articles: vec![article],
                },
            )),
        }
    }
    groups.sort_by(|(a, _), (b, _)| a.cmp(b));
    let mut groups: Vec<SectionGroup> = groups.into_iter().map(|(_, group)| group).collect();
    if !others.is_empty() {
        groups.push(SectionGroup {
            name: String::new(),
            anchor: "section-other".to_owned(),
            articles: others,
        });
    }
    Some(groups)
}

#[cfg(test)]
mod section_tests {
    use super::*;

    fn listed(title: &str, section: &str) -> ArticleSummary {
        ArticleSummary {
            slug: Slug::from_title(title).to_string(),
            title: title.to_owned(),
            summary: String::new(),
            lang: "en".to_owned(),
            category: "Billing".to_owned(),
            category_slug: "billing".to_owned(),
            section: section.to_owned(),
            updated_on: String::new(),
        }
    }

    #[test]
    fn sections_are_alphabetical_with_the_rest_last() {
        let groups = group_by_section(vec![
            listed("Add a card", "Payments"),
            listed("Cancel", ""),
            listed("Download an invoice", "Invoices"),
            listed("Failed payment", "payments"),
        ])
        .expect("grouped");
        let shape: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.name.as_str(),
                    g.articles.iter().map(|a| a.title.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("Invoices", vec!["Download an invoice"]),
                ("Payments", vec!["Add a card", "Failed payment"]),
                ("", vec!["Cancel"]),
            ]
        );
        assert_eq!(groups[1].anchor, "section-payments");
        assert!(group_by_section(vec![listed("A", ""), listed("B", "")]).is_none());
    }
}
