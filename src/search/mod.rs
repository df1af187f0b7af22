//! Answerdesk article search: suggests the right help-centre article while a customer types.
//!
//! Where things happen:
//! - [`schema`]: fields, per-language field sets, the schema version.
//! - [`analyzers`]: tokenizing, stemming, folding.
//! - [`stemming`]: the Latvian and Slovenian stemmers (en, ru and lt come from a crate).
//! - [`stop_words`]: per-language stop words and support filler, weighed low in ranking.
//! - [`index`]: opening / recreating the index directory, the single writer thread, rebuilds.
//! - [`query`]: turning what a customer typed into terms, prefixes, typo corrections and the
//!   candidate query.
//! - [`ranking`]: BM25F re-ranking of candidates, title n-gram similarity, the confidence
//!   threshold that decides "suggest nothing".
//! - [`suggest`]: the request flow behind `suggest_articles` / `search_articles`.
//! - [`language_fallback`]: the customer's language first, every language when nothing fits.
//! - [`snippets`]: the highlighted, HTML-escaped passage shown under each suggestion.
//! - [`eval`]: offline relevance evaluation on labelled queries.
//!
//! The database is the source of truth; the index is a cache that can always be rebuilt.

pub mod analyzers;
pub mod error;
pub mod eval;
pub mod index;
pub mod language_fallback;
pub mod query;
pub mod ranking;
pub mod schema;
pub mod snippets;
mod stemming;
pub(crate) mod stop_words;
pub mod suggest;
pub mod sync;

use serde::{Deserialize, Serialize};

pub use error::SearchError;
pub use index::SearchIndex;
pub use schema::SCHEMA_VERSION;

/// Longer queries are cut to this many characters (documented in the README): a customer
/// pasting a whole email still gets suggestions, and the work per request stays bounded.
pub const MAX_QUERY_CHARS: usize = 1_000;

/// `text` cut to its first [`MAX_QUERY_CHARS`] characters.
pub fn truncate_query(text: &str) -> &str {
    match text.char_indices().nth(MAX_QUERY_CHARS) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

/// One article as the index sees it. The database is the source of truth; the index is a
/// rebuildable cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDocument {
    /// What a hit reports: the article slug in the product, the corpus id in eval.
    pub id: String,
    /// The article's database id in the product. It survives a rename, so the index keys
    /// documents by it: storing a renamed article replaces its old document instead of
    /// leaving the old slug searchable. `None` (eval corpora, benchmarks) keys by `id`.
    pub article_id: Option<i64>,
    /// The article title.
    pub title: String,
    /// Other phrasings customers use for the same problem (weighted like the title).
    pub aliases: Vec<String>,
    /// Phrasings learned from customers this article helped (`deflection::learning`),
    /// indexed in the aliases field but left out of the title similarity: thirty of them
    /// per article would triple its cost, and a phrasing's words already count in BM25F.
    pub learned: Vec<String>,
    /// Section headings.
    pub headings: Vec<String>,
    /// Plain text, no markup.
    pub body: String,
    /// Category slug, "" when none.
    pub category: String,
    /// Tags (weighted like headings).
    pub tags: Vec<String>,
    /// "en", "ru", "lv", "lt", "sl"; anything else gets a generic analyzer.
    pub lang: String,
    /// Only published articles are ever returned.
    pub published: bool,
}

impl ArticleDocument {
    /// The index key: what an upsert replaces and a removal removes.
    pub fn key(&self) -> String {
        match self.article_id {
            Some(id) => document_key(id),
            None => self.id.clone(),
        }
    }
}

/// The index key of the article with this database id.
pub fn document_key(article_id: i64) -> String {
    format!("article:{article_id}")
}

/// A suggestion or results-page request.
#[derive(Debug, Clone, Copy, Default)]
pub struct SuggestRequest<'a> {
    /// What the customer typed, as is. Any string is valid; no query syntax is interpreted.
    pub text: &'a str,
    /// Only articles in this language ("en", "lv"...). `None` searches every language.
    /// The filter is strict: when nothing in that language matches, nothing is returned.
    pub lang: Option<&'a str>,
    /// Only articles in this category slug.
    pub category: Option<&'a str>,
    /// Maximum number of hits to return.
    pub limit: usize,
    /// Number of ranked hits to skip (results-page paging).
    pub offset: usize,
}

/// One suggested article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The article id (slug).
    pub id: String,
    /// The article title, plain text (escape it when rendering).
    pub title: String,
    /// Category slug, "" when none.
    pub category: String,
    /// The article's language code.
    pub lang: String,
    /// A short passage with matched words in `<mark>`; everything else is HTML-escaped.
    pub snippet_html: String,
    /// Ranking score: BM25F relative to the best hit plus title similarity (comparable only
    /// within one request).
    pub score: f32,
}

/// A results page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Number of published articles that really match the request (they share more than
    /// filler with it and match it about as well as the best one does).
    pub total: usize,
    /// The hits of the requested page.
    pub hits: Vec<Suggestion>,
}

/// State of an index after opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexHealth {
    /// The index holds data from a completed rebuild with the current schema.
    Ready,
    /// The index is empty or stale; call [`SearchIndex::rebuild`] with every article.
    NeedsRebuild {
        /// Why, for the log.
        reason: String,
    },
}

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RebuildReport {
    /// Articles written to the index.
    pub documents: usize,
    /// Of those, how many are published (searchable).
    pub published: usize,
    /// Wall time of the rebuild, including the final segment merge.
    pub seconds: f64,
}
