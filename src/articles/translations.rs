//! Which version of an article a reader sees: their language's translation where one is
//! published, else the original (English, as written), shown with a notice.

use std::collections::HashMap;

use super::{Article, ArticleError, ArticleSummary};
use crate::storage::Database;

/// What to show a reader of `lang` who asked for an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReaderVersion {
    /// The article is in the reader's language.
    AsIs,
    /// Another article of the family is the one to read (`slug`): the reader's translation,
    /// or the English original when the reader's language has none.
    Elsewhere(String),
    /// No translation in the reader's language and no English original: this one, marked as
    /// being in another language.
    Untranslated,
}

/// The article's published family: the original and every translation, itself included.
pub async fn translation_family(
    db: &Database,
    article: &Article,
) -> Result<Vec<ArticleSummary>, ArticleError> {
    let original = article.translation_of.as_deref().unwrap_or(&article.slug);
    let mut family = db.published_translation_family(original).await?;
    if !family.iter().any(|member| member.slug == article.slug) {
        family.push(ArticleSummary {
            slug: article.slug.clone(),
            title: article.title.clone(),
            summary: super::summary_of(&article.body_markdown),
            lang: article.lang.clone(),
            category: article.category.clone(),
            category_slug: article.category_slug.clone(),
            section: article.section.clone(),
            updated_on: article.updated_on.clone(),
        });
    }
    Ok(family)
}

/// Decides which version of the article `slug` (written in `written_in`) a reader of
/// `lang` reads, given its published `family`.
pub fn version_for_reader(
    slug: &str,
    written_in: &str,
    family: &[ArticleSummary],
    lang: &str,
) -> ReaderVersion {
    if written_in == lang {
        return ReaderVersion::AsIs;
    }
    let in_language = |code: &str| family.iter().find(|member| member.lang == code);
    match in_language(lang).or_else(|| in_language("en")) {
        Some(other) if other.slug != slug => ReaderVersion::Elsewhere(other.slug.clone()),
        _ => ReaderVersion::Untranslated,
    }
}

/// The family member a reader of a language without a translation is shown: the English
/// original where it exists, else the article itself. Its slug is the family's x-default.
pub fn fallback_slug<'a>(article: &'a Article, family: &'a [ArticleSummary]) -> &'a str {
    family
        .iter()
        .find(|member| member.lang == "en")
        .map_or(article.slug.as_str(), |english| english.slug.as_str())
}

/// `articles` (for instance an English category) as a reader of `lang` should list them:
/// each replaced by its published translation into `lang` where one exists.
pub async fn in_reader_language(
    db: &Database,
    articles: Vec<ArticleSummary>,
    lang: &str,
) -> Result<Vec<ArticleSummary>, ArticleError> {
    if articles.iter().all(|article| article.lang == lang) {
        return Ok(articles);
    }
    let translations: HashMap<String, ArticleSummary> = db
        .published_translations_into(lang)
        .await?
        .into_iter()
        .collect();
    let mut listed: Vec<ArticleSummary> = articles
        .into_iter()
        .map(|article| match translations.get(&article.slug) {
            // Listed where the category puts the original: its section (named in the
            // category's language, like the category itself) holds the translation too.
            Some(translation) if article.lang != lang => ArticleSummary {
                section: article.section.clone(),
                ..translation.clone()
            },
            _ => article,
        })
        .collect();
    // The reader's own language first, then the rest, each alphabetically.
    listed.sort_by(|a, b| (a.lang != lang, &a.title).cmp(&(b.lang != lang, &b.title)));
    Ok(listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(slug: &str, lang: &str) -> ArticleSummary {
        ArticleSummary {
            slug: slug.into(),
            title: slug.into(),
            summary: String::new(),
            lang: lang.into(),
            category: String::new(),
            category_slug: String::new(),
            section: String::new(),
            updated_on: String::new(),
        }
    }

    #[test]
    fn a_reader_is_sent_to_the_translation_in_their_language() {
        let family = [summary("cancel", "en"), summary("atcelt", "lv")];
        assert_eq!(
            version_for_reader("cancel", "en", &family, "lv"),
            ReaderVersion::Elsewhere("atcelt".into())
        );
        assert_eq!(
            version_for_reader("atcelt", "lv", &family, "lv"),
            ReaderVersion::AsIs
        );
    }

    #[test]
    fn without_a_translation_the_reader_gets_the_english_original() {
        let family = [summary("cancel", "en"), summary("atcelt", "lv")];
        assert_eq!(
            version_for_reader("atcelt", "lv", &family, "ru"),
            ReaderVersion::Elsewhere("cancel".into())
        );
        assert_eq!(
            version_for_reader("cancel", "en", &family, "ru"),
            ReaderVersion::Untranslated
        );
        let latvian_only = [summary("atcelt", "lv")];
        assert_eq!(
            version_for_reader("atcelt", "lv", &latvian_only, "ru"),
            ReaderVersion::Untranslated
        );
    }
}
