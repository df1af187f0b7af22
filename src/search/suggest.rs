//! The request flow behind `suggest_articles` (as-you-type, thresholded) and `search_articles`
//! (results page with paging and a total of the articles that really match).
//!
//! 1. parse the text into words ([`super::query::parse`]);
//! 2. plan exact and prefix alternatives and fetch candidates with tantivy;
//! 3. re-rank them with BM25F ([`super::ranking`]);
//! 4. only if that found too little and some word is unknown, add typo corrections and redo 2–3;
//! 5. drop articles sharing only filler; for suggestions, drop everything when the best hit's
//!    confidence is below the threshold; for a page, keep and count those near the best;
//! 6. load the page's documents and build snippets.

use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::analyzers::{Lang, prefix_key};
use super::index::SearchIndex;
use super::query::{self, AltKind, Plan};
use super::ranking::{self, PARAMS, Ranked, RankingParams};
use super::snippets::{Highlight, snippet_html};
use super::{SearchError, SearchResults, SuggestRequest, Suggestion};

/// How many candidates a results page ranks before it counts: more than a page, so the count
/// and the later pages hold every article that really matches in a help centre's language.
const RESULTS_PAGE_DEPTH: usize = 300;

/// A result must reach this share of the best result's confidence to be listed and counted.
const RESULTS_PAGE_RATIO: f32 = 0.4;

/// The content words a result must match of the `known` ones a request has.
fn results_page_required_words(known: usize) -> usize {
    if known <= 2 {
        known
    } else {
        (known * 3).div_ceil(5)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Suggest,
    ResultsPage,
}

/// What happened inside one request (for evaluation and tuning).
#[derive(Debug, Clone, Default)]
pub struct RequestDiagnostics {
    /// Articles that really match (results page only; 0 for suggestions).
    pub total: usize,
    /// Confidence of the best hit in [0, 1].
    pub top_confidence: f32,
    /// Whether the threshold suppressed the suggestions.
    pub suppressed: bool,
    /// Match details of the best candidate.
    pub top: Option<ranking::MatchInfo>,
    /// Confidence of each returned hit, best first.
    pub hit_confidences: Vec<f32>,
}

impl SearchIndex {
    /// As-you-type suggestions: the best `limit` articles after `offset`, or nothing when the
    /// best match is not confident enough. Any text is valid; empty text gives no suggestions.
    pub fn suggest_articles(
        &self,
        request: &SuggestRequest,
    ) -> Result<Vec<Suggestion>, SearchError> {
        Ok(self.run(request, Mode::Suggest, &PARAMS)?.1)
    }

    /// Results page: ranked hits for `offset..offset + limit` and the total number of matching
    /// articles. No confidence threshold: a results page may show weaker matches.
    pub fn search_articles(&self, request: &SuggestRequest) -> Result<SearchResults, SearchError> {
        let (info, hits) = self.run(request, Mode::ResultsPage, &PARAMS)?;
        Ok(SearchResults {
            total: info.total,
            hits,
        })
    }

    /// `suggest_articles` with explicit ranking parameters and diagnostics (tuning, eval).
    pub fn suggest_with_params(
        &self,
        request: &SuggestRequest,
        params: &RankingParams,
    ) -> Result<(RequestDiagnostics, Vec<Suggestion>), SearchError> {
        self.run(request, Mode::Suggest, params)
    }

    fn run(
        &self,
        request: &SuggestRequest,
        mode: Mode,
        params: &RankingParams,
    ) -> Result<(RequestDiagnostics, Vec<Suggestion>), SearchError> {
        let mut info = RequestDiagnostics::default();
        if request.limit == 0 {
            return Ok((info, Vec::new()));
        }
        let parsed = query::parse(request.text);
        if parsed.words.is_empty() {
            return Ok((info, Vec::new()));
        }
        let searcher = self.searcher();
        let fields = self.fields();
        let mut plan = query::plan(
            &searcher,
            fields,
            &parsed,
            request.lang,
            request.category,
            query::Weights {
                prefix: params.prefix_weight,
                stop: params.stop_weight,
                stop_short: params.stop_weight_short,
                short_below: params.short_query_words,
            },
        )?;
        let needed = request.offset.saturating_add(request.limit);
        let depth = match mode {
            Mode::Suggest => params.rerank_depth.max(needed),
            // The page counts what really matches, so it ranks deeper than it shows.
            Mode::ResultsPage => params.rerank_depth.max(needed).max(RESULTS_PAGE_DEPTH),
        };
        let mut ranked = retrieve(&searcher, fields, self.titles(), &plan, depth, params)?;
        let weak = ranked.len() < needed
            || ranked.first().is_none_or(|r| {
                r.confidence < params.min_confidence.max(params.fuzzy_below_confidence)
            });
        if weak && !plan.unknown_slots().is_empty() {
            query::add_typo_corrections(&searcher, fields, &mut plan, params.fuzzy_weight)?;
            ranked = retrieve(&searcher, fields, self.titles(), &plan, depth, params)?;
        }
        // An article that shares only filler with the request is neither a suggestion nor a
        // result: "how do I export my data" must not count every article holding "how" or "my".
        ranked.retain(|r| r.info.shares_content);
        if mode == Mode::ResultsPage {
            // A results page lists, counts and pages the articles that match the request about
            // as well as the best one does, not every article sharing one word with it.
            let best = ranked.iter().map(|r| r.confidence).fold(0.0, f32::max);
            let floor = RESULTS_PAGE_RATIO * best;
            // As many of the request's known content words as any article matches, up to
            // the share a result must match (all of one or two words, 60 % of more).
            let most_matched = ranked.iter().map(|r| r.info.content_words).max();
            let required = results_page_required_words(plan.known_content_words())
                .min(most_matched.unwrap_or(0));
            ranked.retain(|r| r.confidence >= floor && r.info.content_words >= required);
            info.total = ranked.len();
        }
        info.top_confidence = ranked.first().map_or(0.0, |r| r.confidence);
        info.top = ranked.first().map(|r| r.info);
        if mode == Mode::Suggest && info.top_confidence < params.min_confidence {
            info.suppressed = !ranked.is_empty();
            return Ok((info, Vec::new()));
        }
        if mode == Mode::Suggest {
            let floor = params
                .hit_min_confidence
                .max(params.hit_confidence_ratio * info.top_confidence);
            ranked.retain(|r| r.confidence >= floor);
        }
        let page: Vec<&Ranked> = ranked
            .iter()
            .skip(request.offset)
            .take(request.limit)
            .collect();
        info.hit_confidences = page.iter().map(|r| r.confidence).collect();
        let mut hits = Vec::with_capacity(page.len());
        for r in page {
            hits.push(load_hit(&searcher, self, &plan, r.addr, r.score)?);
        }
        Ok((info, hits))
    }
}

fn retrieve(
    searcher: &Searcher,
    fields: &super::schema::Fields,
    titles: &ranking::TitleCache,
    plan: &Plan,
    depth: usize,
    params: &RankingParams,
) -> Result<Vec<Ranked>, SearchError> {
    let Some(q) = query::candidate_query(plan, fields) else {
        return Ok(Vec::new());
    };
    let top = TopDocs::with_limit(depth).order_by_score();
    let candidates: Vec<(f32, DocAddress)> = searcher.search(&*q, &top)?;
    let addrs: Vec<DocAddress> = candidates.into_iter().map(|(_, a)| a).collect();
    ranking::rerank(searcher, plan, titles, &addrs, params)
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Terms worth highlighting in an article of `lang`: the request's matched words, except
/// those far more common than its most distinctive word ("the", "how" in a long question).
fn highlight_for(plan: &Plan, lang: Lang) -> Highlight {
    let mut highlight = Highlight::default();
    let max_idf = plan
        .slots
        .iter()
        .flat_map(|s| &s.alts)
        .filter(|a| a.lang == lang)
        .map(|a| a.idf)
        .fold(0.0f32, f32::max);
    for slot in plan.slots.iter().filter(|s| !s.stop || s.is_prefix) {
        for alt in slot.alts.iter().filter(|a| a.lang == lang) {
            if alt.kind != AltKind::Prefix && alt.idf >= 0.3 * max_idf {
                highlight.terms.insert(alt.text.clone());
            }
        }
        if slot.is_prefix {
            highlight.prefix = prefix_key(&slot.folded).map(str::to_string);
        }
    }
    highlight
}

fn load_hit(
    searcher: &Searcher,
    index: &SearchIndex,
    plan: &Plan,
    addr: DocAddress,
    score: f32,
) -> Result<Suggestion, SearchError> {
    let fields = index.fields();
    let doc: TantivyDocument = searcher.doc(addr)?;
    let lang_code = text_of(&doc, fields.lang);
    let lang = Lang::from_code(&lang_code);
    let title = text_of(&doc, fields.title_stored);
    let body = text_of(&doc, fields.body_stored);
    let highlight = highlight_for(plan, lang);
    Ok(Suggestion {
        id: text_of(&doc, fields.id),
        snippet_html: snippet_html(lang, &title, &body, &highlight),
        title,
        category: text_of(&doc, fields.category),
        lang: lang_code,
        score,
    })
}
