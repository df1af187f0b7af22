//! Building queries from what customers type.
//!
//! Customer text is never handed to tantivy's `QueryParser`: it is split into words with the
//! same analyzer as the articles, so `"`, `:`, `(`, `*`, `~`, `AND` or `-` are just text. Each
//! distinct word becomes a *slot*; a slot has *alternatives* per language bucket in scope:
//! the exact stemmed term, for the word being typed a prefix (edge n-gram) term, and, only when
//! exact and prefix matching found too little, typo corrections from the spelling dictionary.
//! Ranking later credits each slot with its best alternative, so an exact match always beats a
//! prefix or a typo match of the same word.

use std::collections::{HashMap, HashSet};

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::SearchError;
use super::analyzers::{self, Lang, fold_lower, for_each_word, prefix_key, term_for_word};
use super::schema::Fields;
use super::stop_words::{is_stop_term, is_stop_word};

/// Customer text beyond this many bytes is ignored (a pasted log must not cost seconds).
pub const MAX_TEXT_BYTES: usize = 4000;
/// At most this many distinct words are searched; the most informative ones are kept.
pub const MAX_SLOTS: usize = 32;
/// Typo corrections tried per unknown word.
const MAX_CORRECTIONS: usize = 3;
/// Words shorter than this are never typo-corrected (too many neighbours).
const MIN_FUZZY_CHARS: usize = 5;
/// Words of at least this many characters may be two edits away.
const TWO_EDIT_CHARS: usize = 9;

/// One word of the customer's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// The word as typed.
    pub raw: String,
    /// Lowercased, diacritics removed.
    pub folded: String,
}

/// The customer's text split into distinct words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedText {
    /// Distinct words in order of first appearance.
    pub words: Vec<QueryWord>,
    /// True when the text ends inside a word: that last word is still being typed.
    pub last_is_prefix: bool,
    /// All folded words joined by single spaces (for title n-gram similarity).
    pub normalized: String,
}

/// Splits customer text into words. Never fails; punctuation-only text gives no words.
pub fn parse(text: &str) -> ParsedText {
    let mut end = text.len().min(MAX_TEXT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let mut words: Vec<QueryWord> = Vec::new();
    let mut seen = HashSet::new();
    let mut normalized = String::new();
    let mut last_end = 0;
    let mut last_word: Option<QueryWord> = None;
    for_each_word(text, |from, to| {
        let raw = &text[from..to];
        if raw.chars().count() > analyzers::MAX_WORD_CHARS {
            return;
        }
        let folded = fold_lower(raw);
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        normalized.push_str(&folded);
        last_end = to;
        let word = QueryWord {
            raw: raw.to_string(),
            folded: folded.clone(),
        };
        last_word = Some(word.clone());
        if seen.insert(folded) {
            words.push(word);
        }
    });
    let last_is_prefix = last_end == text.len() && last_word.is_some();
    if last_is_prefix {
        // The word being typed goes last even if it repeats an earlier word, so it gets its
        // prefix alternative.
        if let Some(w) = last_word {
            words.retain(|x| x.folded != w.folded);
            words.push(w);
        }
    }
    ParsedText {
        words,
        last_is_prefix,
        normalized,
    }
}

/// How an alternative matches its slot's word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AltKind {
    /// The stemmed word itself.
    Exact,
    /// Words starting with what has been typed so far (title, aliases, headings, tags).
    Prefix,
    /// A spelling correction of an unknown word.
    Fuzzy,
}

/// One way a slot can match documents of one language bucket.
#[derive(Debug, Clone)]
pub(crate) struct Alt {
    pub lang: Lang,
    pub kind: AltKind,
    /// The term text (stemmed term, or prefix key), for highlighting.
    pub text: String,
    /// Ranking multiplier: 1 for exact, lower for prefix and typo matches.
    pub weight: f32,
    /// (field, term, document frequency) for each field this alternative occurs in.
    pub postings: Vec<(FieldRole, Field, Term, u64)>,
    /// BM25 inverse document frequency within the bucket.
    pub idf: f32,
    /// The slot's word is a stop word, or this term is one in its own language (an English
    /// "pass" that stems to the Lithuanian preposition "pas").
    pub stop: bool,
}

/// What role a field plays in scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FieldRole {
    Title,
    Aliases,
    Headings,
    Body,
    Prefix,
}

/// A distinct word of the request and the ways it can match.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub folded: String,
    pub alts: Vec<Alt>,
    /// Document frequency of the surface word in the spelling dictionary (all languages).
    pub dictionary_df: u64,
    pub is_prefix: bool,
    /// A stop word or support filler of the request's language (see [`super::stop_words`]).
    pub stop: bool,
}

/// Per-bucket collection statistics for BM25F.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BucketStats {
    /// Published documents in the bucket.
    pub docs: u64,
    /// Average field length in tokens, per [`FieldRole`] (title, aliases, headings, body, prefix).
    pub avg_len: [f32; 5],
}

/// Everything needed to fetch and rank candidates for one request.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub slots: Vec<Slot>,
    pub stats: HashMap<Lang, BucketStats>,
    /// Normalised request text for title n-gram similarity.
    pub normalized: String,
    /// Extra filter for a language without its own bucket (e.g. "de" inside `Other`).
    pub lang_code_filter: Option<String>,
    pub category: Option<String>,
    /// Whether typo corrections have been added.
    pub fuzzy_applied: bool,
    /// What a stop-word alternative counts (short questions weigh them more than long
    /// requests).
    pub stop_weight: f32,
}

impl Plan {
    /// 1, or the stop-word weight for a stop-word alternative.
    pub(crate) fn stop_factor(&self, alt: &Alt) -> f32 {
        if alt.stop { self.stop_weight } else { 1.0 }
    }

    /// The ranking multiplier of an alternative: its kind's weight, weighed down if a stop word.
    pub(crate) fn alt_weight(&self, alt: &Alt) -> f32 {
        alt.weight * self.stop_factor(alt)
    }
}

impl FieldRole {
    pub(crate) fn index(self) -> usize {
        match self {
            FieldRole::Title => 0,
            FieldRole::Aliases => 1,
            FieldRole::Headings => 2,
            FieldRole::Body => 3,
            FieldRole::Prefix => 4,
        }
    }
}

/// BM25 idf, the Robertson/Lucene form that never goes negative.
pub(crate) fn idf(docs: u64, df: u64) -> f32 {
    let n = docs.max(df) as f32;
    let df = df as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

fn doc_freq(searcher: &Searcher, term: &Term) -> Result<u64, SearchError> {
    Ok(searcher.doc_freq(term)?)
}

fn total_tokens(searcher: &Searcher, field: Field) -> Result<u64, SearchError> {
    let mut total = 0;
    for segment in searcher.segment_readers() {
        total += segment.inverted_index(field)?.total_num_tokens();
    }
    Ok(total)
}

/// Which language buckets a request searches, and an extra language-code filter if needed.
pub(crate) fn scope(
    searcher: &Searcher,
    fields: &Fields,
    lang: Option<&str>,
) -> Result<(HashMap<Lang, BucketStats>, Option<String>), SearchError> {
    let (langs, code_filter): (Vec<Lang>, Option<String>) = match lang {
        Some(code) if !code.trim().is_empty() => {
            let bucket = Lang::from_code(code);
            let filter = (bucket == Lang::Other).then(|| analyzers::primary_subtag(code));
            (vec![bucket], filter)
        }
        _ => (Lang::ALL.to_vec(), None),
    };
    let mut stats = HashMap::new();
    for l in langs {
        let docs = doc_freq(searcher, &Term::from_field_text(fields.bucket, l.key()))?;
        if docs == 0 {
            continue;
        }
        let lf = fields.lang(l);
        let mut avg_len = [0f32; 5];
        let roles = [lf.title, lf.aliases, lf.headings, lf.body, lf.prefix];
        for (i, field) in roles.into_iter().enumerate() {
            avg_len[i] = (total_tokens(searcher, field)? as f32 / docs as f32).max(1.0);
        }
        stats.insert(l, BucketStats { docs, avg_len });
    }
    Ok((stats, code_filter))
}

fn exact_alt(
    searcher: &Searcher,
    fields: &Fields,
    lang: Lang,
    docs: u64,
    term_text: &str,
    kind: AltKind,
    weight: f32,
) -> Result<Option<Alt>, SearchError> {
    let lf = fields.lang(lang);
    let roles = [
        (FieldRole::Title, lf.title),
        (FieldRole::Aliases, lf.aliases),
        (FieldRole::Headings, lf.headings),
        (FieldRole::Body, lf.body),
    ];
    let mut postings = Vec::new();
    let mut max_df = 0;
    for (role, field) in roles {
        let term = Term::from_field_text(field, term_text);
        let df = doc_freq(searcher, &term)?;
        if df > 0 {
            max_df = max_df.max(df);
            postings.push((role, field, term, df));
        }
    }
    if postings.is_empty() {
        return Ok(None);
    }
    Ok(Some(Alt {
        lang,
        kind,
        text: term_text.to_string(),
        weight,
        postings,
        // Max over fields approximates the document frequency of the combined BM25F document.
        idf: idf(docs, max_df),
        stop: is_stop_term(lang, term_text),
    }))
}

/// How much each kind of match counts, from the ranking parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Weights {
    /// A prefix match of the word being typed.
    pub prefix: f32,
    /// A stop word's slot in a request with `short_below` content words or more.
    pub stop: f32,
    /// A stop word's slot in a request with fewer content words.
    pub stop_short: f32,
    /// See `stop_short`.
    pub short_below: usize,
}

/// Builds the plan for a request (exact and prefix alternatives; no typo corrections yet).
pub(crate) fn plan(
    searcher: &Searcher,
    fields: &Fields,
    parsed: &ParsedText,
    lang: Option<&str>,
    category: Option<&str>,
    weights: Weights,
) -> Result<Plan, SearchError> {
    let (stats, lang_code_filter) = scope(searcher, fields, lang)?;
    let stop_lang = lang
        .filter(|code| !code.trim().is_empty())
        .map(Lang::from_code);
    let mut slots: Vec<Slot> = Vec::with_capacity(parsed.words.len());
    let last = parsed.words.len().saturating_sub(1);
    for (i, word) in parsed.words.iter().enumerate() {
        let dictionary_df = doc_freq(searcher, &Term::from_field_text(fields.words, &word.folded))?;
        slots.push(Slot {
            folded: word.folded.clone(),
            alts: Vec::new(),
            dictionary_df,
            is_prefix: parsed.last_is_prefix && i == last,
            stop: is_stop_word(stop_lang, &word.folded),
        });
    }
    // In a short question the question words carry much of the meaning; in a long request
    // they are noise.
    let content_words = slots.iter().filter(|s| !s.stop).count();
    let stop_weight = if content_words < weights.short_below {
        weights.stop_short
    } else {
        weights.stop
    };

    select_informative(&mut slots);
    let raw_by_folded: HashMap<&str, &str> = parsed
        .words
        .iter()
        .map(|w| (w.folded.as_str(), w.raw.as_str()))
        .collect();
    let mut langs: Vec<Lang> = stats.keys().copied().collect();
    langs.sort();
    for slot in &mut slots {
        let raw = raw_by_folded
            .get(slot.folded.as_str())
            .copied()
            .unwrap_or(&slot.folded);
        for &l in &langs {
            let docs = stats.get(&l).map_or(0, |s| s.docs);
            let term = term_for_word(l, raw);
            if let Some(alt) = exact_alt(searcher, fields, l, docs, &term, AltKind::Exact, 1.0)? {
                slot.alts.push(alt);
            }
            if slot.is_prefix
                && let Some(key) = prefix_key(&slot.folded)
            {
                let term = Term::from_field_text(fields.lang(l).prefix, key);
                let df = doc_freq(searcher, &term)?;
                if df > 0 {
                    slot.alts.push(Alt {
                        lang: l,
                        kind: AltKind::Prefix,
                        text: key.to_string(),
                        weight: weights.prefix,
                        postings: vec![(FieldRole::Prefix, fields.lang(l).prefix, term, df)],
                        idf: idf(docs, df),
                        stop: false,
                    });
                }
            }
        }
    }
    for slot in slots.iter_mut().filter(|s| s.stop) {
        slot.alts.iter_mut().for_each(|a| a.stop = true);
    }
    Ok(Plan {
        slots,
        stats,
        normalized: parsed.normalized.clone(),
        lang_code_filter,
        category: category.filter(|c| !c.is_empty()).map(str::to_string),
        fuzzy_applied: false,
        stop_weight,
    })
}

/// Keeps at most [`MAX_SLOTS`] words: always the word being typed, then content words before
/// stop words, the rarest in the dictionary first (unknown words count as rare: they may be
/// typos worth correcting); order is kept.
fn select_informative(slots: &mut Vec<Slot>) {
    if slots.len() <= MAX_SLOTS {
        return;
    }
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|&i| {
        (
            !slots[i].is_prefix,
            slots[i].stop,
            slots[i].dictionary_df,
            i,
        )
    });
    let keep: HashSet<usize> = order.into_iter().take(MAX_SLOTS).collect();
    let mut i = 0;
    slots.retain(|_| {
        let k = keep.contains(&i);
        i += 1;
        k
    });
}

impl Plan {
    /// How many of the request's content words (not stop words) the index knows in some form.
    pub(crate) fn known_content_words(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| !s.stop && !s.alts.is_empty())
            .count()
    }

    /// Slots whose word is unknown to the index and long enough to be a typo worth correcting.
    pub(crate) fn unknown_slots(&self) -> Vec<usize> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.alts.is_empty() && s.folded.chars().count() >= MIN_FUZZY_CHARS)
            .map(|(i, _)| i)
            .collect()
    }
}

/// Adds spelling corrections for unknown words: dictionary words within 1 edit (5+ chars) or
/// 2 edits (9+ chars), the most frequent first. Called only when exact and prefix matching
/// found too little, because it is the expensive part of a query.
pub(crate) fn add_typo_corrections(
    searcher: &Searcher,
    fields: &Fields,
    plan: &mut Plan,
    fuzzy_weight: f32,
) -> Result<(), SearchError> {
    plan.fuzzy_applied = true;
    let mut langs: Vec<Lang> = plan.stats.keys().copied().collect();
    langs.sort();
    for i in plan.unknown_slots() {
        let folded = plan.slots[i].folded.clone();
        let chars = folded.chars().count();
        let distance = if chars >= TWO_EDIT_CHARS { 2 } else { 1 };
        let term = Term::from_field_text(fields.words, &folded);
        let is_prefix = plan.slots[i].is_prefix;
        let fuzzy = if is_prefix {
            FuzzyTermQuery::new_prefix(term, distance, true)
        } else {
            FuzzyTermQuery::new(term, distance, true)
        };
        let mut found: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(fields.words)?;
            let automaton = fuzzy.automaton()?;
            let mut stream = inverted
                .terms()
                .search(automaton)
                .into_stream()
                .map_err(|e| SearchError::Index(e.into()))?;
            while stream.advance() {
                if let Ok(word) = std::str::from_utf8(stream.key()) {
                    *found.entry(word.to_string()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut corrections: Vec<(String, u64)> = found.into_iter().collect();
        // Closest spelling first, then the most common word, then alphabetical for determinism.
        corrections.sort_by(|a, b| {
            let da = edit_distance(&folded, &a.0, is_prefix);
            let db = edit_distance(&folded, &b.0, is_prefix);
            da.cmp(&db).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))
        });
        corrections.truncate(MAX_CORRECTIONS);
        for (word, _) in corrections {
            for &l in &langs {
                let docs = plan.stats.get(&l).map_or(0, |s| s.docs);
                let term = term_for_word(l, &word);
                if let Some(mut alt) = exact_alt(
                    searcher,
                    fields,
                    l,
                    docs,
                    &term,
                    AltKind::Fuzzy,
                    fuzzy_weight,
                )? {
                    alt.stop |= plan.slots[i].stop;
                    plan.slots[i].alts.push(alt);
                }
            }
        }
    }
    Ok(())
}

/// Levenshtein distance (with adjacent transpositions); against a prefix of `candidate` of the
/// same length when `prefix` is set.
fn edit_distance(a: &str, candidate: &str, prefix: bool) -> usize {
    let a: Vec<char> = a.chars().collect();
    let mut b: Vec<char> = candidate.chars().collect();
    if prefix {
        b.truncate(a.len() + 1);
    }
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    if prefix {
        (0..=m).map(|j| d[n][j]).min().unwrap_or(n)
    } else {
        d[n][m]
    }
}

/// Field boosts for candidate retrieval (tantivy's per-field BM25); ranking re-scores anyway.
fn retrieval_boost(role: FieldRole) -> f32 {
    match role {
        FieldRole::Title | FieldRole::Aliases => 3.0,
        FieldRole::Headings => 1.5,
        FieldRole::Body => 1.0,
        FieldRole::Prefix => 2.0,
    }
}

/// The candidate query: a pure disjunction of boosted term queries (so tantivy can prune with
/// block-max WAND), intersected with the category / language-code filters if any.
pub(crate) fn candidate_query(plan: &Plan, fields: &Fields) -> Option<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for slot in &plan.slots {
        for alt in &slot.alts {
            for (role, _, term, _) in &alt.postings {
                let q = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                let boost = retrieval_boost(*role) * plan.alt_weight(alt);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
            }
        }
    }
    if clauses.is_empty() {
        return None;
    }
    let union: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    let mut filters: Vec<Term> = Vec::new();
    if let Some(code) = &plan.lang_code_filter {
        filters.push(Term::from_field_text(fields.lang, code));
    }
    if let Some(category) = &plan.category {
        filters.push(Term::from_field_text(fields.category, category));
    }
    if filters.is_empty() {
        return Some(union);
    }
    let mut all: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, union)];
    for term in filters {
        let filter = TermQuery::new(term, IndexRecordOption::Basic);
        all.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
        ));
    }
    Some(Box::new(BooleanQuery::new(all)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_marks_the_word_being_typed() {
        let p = parse("reset my pass");
        assert!(p.last_is_prefix);
        assert_eq!(p.words.last().map(|w| w.folded.as_str()), Some("pass"));
        assert!(!parse("reset my pass ").last_is_prefix);
        assert!(!parse("reset my pass?").last_is_prefix);
    }

    #[test]
    fn parse_treats_query_syntax_as_text() {
        let p = parse(r#"title:"foo" AND (bar* OR -baz~2)"#);
        let words: Vec<&str> = p.words.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(words, ["title", "foo", "and", "bar", "or", "baz", "2"]);
    }

    #[test]
    fn parse_of_punctuation_only_is_empty() {
        assert!(parse("  ?!… -- ").words.is_empty());
        assert!(parse("").words.is_empty());
    }

    #[test]
    fn parse_dedupes_and_caps_input() {
        let p = parse("password Password PASSWORD");
        assert_eq!(p.words.len(), 1);
        let long = "word ".repeat(10_000);
        assert!(parse(&long).normalized.len() <= MAX_TEXT_BYTES);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("pasword", "password", false), 1);
        assert_eq!(edit_distance("passwrod", "password", false), 1);
        assert_eq!(edit_distance("paswo", "password", true), 1);
    }

    #[test]
    fn idf_is_positive() {
        assert!(idf(10, 10) > 0.0);
        assert!(idf(10, 1) > idf(10, 5));
    }
}
