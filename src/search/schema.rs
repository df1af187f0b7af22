//! The index schema: which fields exist, how each is analysed, and the schema version.
//!
//! Text is indexed in one set of fields per language bucket (title, aliases, headings, body and
//! the as-you-type prefix field), because tantivy picks a tokenizer per field, not per
//! document. A side effect we rely on: a language filter is just "query only that bucket's
//! fields", which keeps the query a pure disjunction that tantivy can prune (block-max WAND).
//!
//! Unpublished articles are stored (id, metadata) but none of their text is indexed, so no text
//! query can ever reach them and no "published" filter is needed at search time.

use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analyzers::{Lang, TokenizerMode};

/// Bump whenever fields, analysis or tokenizers change: a stored index with another version is
/// reported as `NeedsRebuild` and recreated empty.
pub const SCHEMA_VERSION: u32 = 2;

/// The per-language text fields of one bucket.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LangFields {
    pub title: Field,
    pub aliases: Field,
    /// Headings and tags: section-level wording, weighted between title and body.
    pub headings: Field,
    pub body: Field,
    /// Edge n-grams of title, alias, heading and tag words, for the word being typed.
    pub prefix: Field,
}

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    /// What a hit reports (the slug).
    pub id: Field,
    /// What identifies a document for replacing and removing ([`super::ArticleDocument::key`]).
    pub key: Field,
    pub lang: Field,
    pub bucket: Field,
    pub category: Field,
    pub published: Field,
    pub title_stored: Field,
    pub body_stored: Field,
    /// Folded title and aliases as a fast column, for the character n-gram title similarity.
    pub match_titles: Field,
    /// Folded surface words of all text: the spelling dictionary for typo correction.
    pub words: Field,
    pub langs: [LangFields; 6],
}

impl Fields {
    /// The text fields of a bucket.
    pub(crate) fn lang(&self, lang: Lang) -> &LangFields {
        &self.langs[lang.index()]
    }
}

/// Name of the fast column holding titles and aliases.
pub(crate) const MATCH_TITLES: &str = "match_titles";

fn text_field(tokenizer: &str, record: IndexRecordOption, fieldnorms: bool) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record)
            .set_fieldnorms(fieldnorms),
    )
}

/// Builds the schema and its field handles.
pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_text_field("id", STRING | STORED);
    let key = b.add_text_field("key", STRING);
    let lang = b.add_text_field("lang", STRING | STORED);
    let bucket = b.add_text_field("bucket", STRING);
    let category = b.add_text_field("category", STRING | STORED);
    let published = b.add_bool_field("published", INDEXED | STORED);
    let title_stored = b.add_text_field("title", STORED);
    let body_stored = b.add_text_field("body", STORED);
    let match_titles = b.add_text_field(MATCH_TITLES, TextOptions::default().set_fast("raw"));
    let words = b.add_text_field(
        "words",
        text_field(
            &TokenizerMode::Words.name(),
            IndexRecordOption::Basic,
            false,
        ),
    );
    let langs = Lang::ALL.map(|l| {
        let stem = TokenizerMode::Stemmed(l).name();
        let key = l.key();
        let mut add = |name: &str, tokenizer: &str| {
            b.add_text_field(
                &format!("{name}_{key}"),
                text_field(tokenizer, IndexRecordOption::WithFreqs, true),
            )
        };
        LangFields {
            title: add("title", &stem),
            aliases: add("aliases", &stem),
            headings: add("headings", &stem),
            body: add("body", &stem),
            prefix: add("prefix", &TokenizerMode::EdgeNgrams.name()),
        }
    });
    let fields = Fields {
        id,
        key,
        lang,
        bucket,
        category,
        published,
        title_stored,
        body_stored,
        match_titles,
        words,
        langs,
    };
    (b.build(), fields)
}

/// Resolves the field handles of an opened index, failing if its schema is not ours.
pub(crate) fn schema_matches(found: &Schema) -> bool {
    let (expected, _) = build_schema();
    // Schema equality compares field names, types and options in order.
    found == &expected
}
