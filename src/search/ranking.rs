//! Where suggestions are ranked: BM25F re-ranking, title similarity, and the confidence
//! threshold that decides to suggest nothing.
//!
//! tantivy scores each field separately with a fixed k1 = 1.2, which under-rewards a title
//! that says exactly what the customer asked. So tantivy only fetches candidates, and this
//! module re-scores them with BM25F (one saturation over the field-weighted term frequency,
//! heavy title weight, high k1), adds a small character n-gram title similarity, and computes
//! an absolute confidence for the threshold (re-ranked scores are relative to the best hit).

use std::collections::HashMap;

use std::sync::{Arc, RwLock};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};

use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{
    DocAddress, DocId, DocSet, Searcher, SearcherGeneration, SegmentReader, TERMINATED, Warmer,
};

use super::SearchError;
use super::query::{AltKind, FieldRole, Plan};
use super::schema::MATCH_TITLES;

/// Ranking constants; one configuration for every corpus and language.
#[derive(Debug, Clone, Copy)]
pub struct RankingParams {
    /// BM25F term-frequency saturation for short requests.
    pub k1_short: f32,
    /// Saturation for long requests (long messages reward a milder setting).
    pub k1_long: f32,
    /// Requests with at least this many distinct words count as long.
    pub long_query_words: usize,
    /// Field weights: title, aliases, headings (+tags), body, prefix.
    pub weights: [f32; 5],
    /// Length normalisation per field, same order.
    pub b: [f32; 5],
    /// Multiplier for a prefix match of the word being typed.
    pub prefix_weight: f32,
    /// Score and confidence multiplier for a candidate reached only by completing the word
    /// being typed when finished words come before it and other candidates match whole
    /// words: a half-typed word does not outweigh them.
    pub typing_weight: f32,
    /// Multiplier for a typo-corrected match.
    pub fuzzy_weight: f32,
    /// How stop words count in the confidence (1: as much as other words, as the threshold
    /// was tuned).
    pub confidence_stop_weight: f32,
    /// Multiplier for a stop word or support filler ("the", "how", "need", "kas") in a
    /// request with [`RankingParams::short_query_words`] content words or more.
    pub stop_weight: f32,
    /// The same in a shorter request, where question words carry more of the meaning.
    pub stop_weight_short: f32,
    /// Requests with fewer content words (words that are not stop words) than this weigh
    /// their stop words by `stop_weight_short`.
    pub short_query_words: usize,
    /// Weight of the title character n-gram similarity (relative to the best candidate).
    pub ngram_weight: f32,
    /// Candidates fetched from tantivy for re-ranking (at least offset + limit).
    pub rerank_depth: usize,
    /// Candidates (best BM25F first) that also get the n-gram similarity.
    pub ngram_depth: usize,
    /// Minimum confidence of the best hit for `suggest_articles` to suggest anything.
    pub min_confidence: f32,
    /// Every further suggestion needs at least this share of the best one's confidence (and
    /// `hit_min_confidence`): a dropdown or a review step shows confident matches, not
    /// leftovers.
    pub hit_confidence_ratio: f32,
    /// The confidence every further suggestion needs at least.
    pub hit_min_confidence: f32,
    /// Typo correction runs when the best confidence is below this (or too few hits).
    pub fuzzy_below_confidence: f32,
}

impl RankingParams {
    /// Sets one parameter by name (for tuning tools); returns false for an unknown name.
    pub fn set(&mut self, name: &str, value: f32) -> bool {
        match name {
            "k1_short" => self.k1_short = value,
            "k1_long" => self.k1_long = value,
            "long_query_words" => self.long_query_words = value as usize,
            "w_title" => self.weights[0] = value,
            "w_aliases" => self.weights[1] = value,
            "w_headings" => self.weights[2] = value,
            "w_body" => self.weights[3] = value,
            "w_prefix" => self.weights[4] = value,
            "b_title" => self.b[0] = value,
            "b_aliases" => self.b[1] = value,
            "b_body" => self.b[3] = value,
            "prefix_weight" => self.prefix_weight = value,
            "fuzzy_weight" => self.fuzzy_weight = value,
            "typing_weight" => self.typing_weight = value,
            "stop_weight" => self.stop_weight = value,
            "confidence_stop_weight" => self.confidence_stop_weight = value,
            "stop_weight_short" => self.stop_weight_short = value,
            "short_query_words" => self.short_query_words = value as usize,
            "ngram_weight" => self.ngram_weight = value,
            "rerank_depth" => self.rerank_depth = value as usize,
            "ngram_depth" => self.ngram_depth = value as usize,
            "min_confidence" => self.min_confidence = value,
            "hit_confidence_ratio" => self.hit_confidence_ratio = value,
            "hit_min_confidence" => self.hit_min_confidence = value,
            "fuzzy_below_confidence" => self.fuzzy_below_confidence = value,
            _ => return false,
        }
        true
    }
}

/// The shipped configuration.
pub const PARAMS: RankingParams = RankingParams {
    k1_short: 8.0,
    k1_long: 3.0,
    long_query_words: 16,
    weights: [8.0, 8.0, 3.0, 1.0, 6.0],
    b: [0.6, 0.6, 0.6, 0.75, 0.6],
    prefix_weight: 0.9,
    fuzzy_weight: 0.7,
    typing_weight: 0.5,
    stop_weight: 0.5,
    confidence_stop_weight: 1.0,
    stop_weight_short: 1.0,
    short_query_words: 7,
    ngram_weight: 0.3,
    rerank_depth: 100,
    ngram_depth: 30,
    min_confidence: 0.124,
    hit_confidence_ratio: 0.3,
    hit_min_confidence: 0.0,
    fuzzy_below_confidence: 0.6,
};

/// A re-ranked candidate.
#[derive(Debug, Clone)]
pub(crate) struct Ranked {
    pub addr: DocAddress,
    pub bm25f: f32,
    pub ngram: f32,
    /// Final score: BM25F relative to the best candidate + weighted relative n-gram similarity.
    pub score: f32,
    /// Absolute match quality (see [`confidence`]).
    pub confidence: f32,
    /// The inputs of the confidence.
    pub info: MatchInfo,
}

/// Per-candidate match details, the inputs of the confidence.
#[derive(Debug, Clone, Copy, Default)]
pub struct MatchInfo {
    /// Raw BM25F score.
    pub bm25f: f32,
    /// The same with stop words weighed as the confidence weighs them.
    pub explained: f32,
    /// Sum over matched slots of idf × alternative weight.
    pub matched_idf: f32,
    /// Same, counting only slots matched in the title or aliases (or by prefix).
    pub title_idf: f32,
    /// The request's total information (see `query_information`).
    pub query_idf: f32,
    /// Share of the title's words that the request matches.
    pub title_coverage: f32,
    /// Number of slots (distinct words searched).
    pub slots: usize,
    /// Share of the information of the request's 5 most informative words (unknown words
    /// included: a customer's rare word the index lacks is a sign of no answer) matched.
    pub rare5: f32,
    /// Matched slots that are not stop words.
    pub content_words: usize,
    /// Of those, the ones matched as whole words rather than as completions of the word being
    /// typed.
    pub whole_words: usize,
    /// Matched stop-word slots found in the title or aliases ("how", "many").
    pub title_stop_words: usize,
    /// Whether the candidate shares more than filler with the request (see [`shares_content`]);
    /// without, it is no suggestion and its confidence is 0.
    pub shares_content: bool,
}

/// Whether a candidate answers something the request asks rather than merely sharing its
/// filler: it matches a content word; or the request is a short question with content words
/// and the candidate's title shares its question words ("coronavirus originated where" →
/// "Where did COVID-19 come from?"), because question words match FAQ titles. A long request
/// needs a content word; a request made only of stop words shares content with nothing.
fn shares_content(info: &MatchInfo, plan: &Plan, params: &RankingParams) -> bool {
    if info.content_words > 0 {
        return true;
    }
    let short = plan.slots.len() < params.long_query_words;
    short && info.title_stop_words > 0 && plan.slots.iter().any(|s| !s.stop)
}

/// How one slot matched one candidate: its best alternative's contribution and credit, and
/// where and how its alternatives matched.
#[derive(Debug, Clone, Copy, Default)]
struct SlotMatch {
    contrib: f32,
    /// The contribution with stop words weighed for the confidence.
    explained: f32,
    credit: f32,
    in_title: bool,
    title_tf: u32,
    /// An alternative that is no stop word matched.
    content: bool,
    /// Such an alternative matched as a whole word, not as a completion of a prefix.
    whole_word: bool,
    /// The slot is a stop word of the request and matched in the title or aliases.
    stop_in_title: bool,
}

/// Re-scores candidates with BM25F and returns them best first.
pub(crate) fn rerank(
    searcher: &Searcher,
    plan: &Plan,
    titles: &TitleCache,
    candidates: &[DocAddress],
    params: &RankingParams,
) -> Result<Vec<Ranked>, SearchError> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let k1 = if plan.slots.len() >= params.long_query_words {
        params.k1_long
    } else {
        params.k1_short
    };
    // Flatten (slot, alt, field) into features so term frequencies sit in one matrix, and
    // (slot, alt) into one index so per-candidate work needs no hashing.
    struct Feature<'p> {
        alt: usize,
        role: usize,
        field: Field,
        term: &'p tantivy::Term,
        weight: f32,
        b: f32,
        avg: f32,
    }
    let mut features: Vec<Feature> = Vec::new();
    let mut alt_slot: Vec<usize> = Vec::new();
    let mut alt_refs: Vec<&super::query::Alt> = Vec::new();
    for (si, slot) in plan.slots.iter().enumerate() {
        for alt in &slot.alts {
            let ai = alt_refs.len();
            alt_refs.push(alt);
            alt_slot.push(si);
            let stats = plan.stats.get(&alt.lang);
            for (role, field, term, _) in &alt.postings {
                let r = role.index();
                features.push(Feature {
                    alt: ai,
                    role: r,
                    field: *field,
                    term,
                    weight: params.weights[r],
                    b: params.b[r],
                    avg: stats.map_or(1.0, |s| s.avg_len[r]),
                });
            }
        }
    }
    let n = candidates.len();
    let nf = features.len();
    let mut tf = vec![0u32; n * nf];
    let mut len = vec![0u32; n * nf];
    // Group candidates by segment, each group sorted by doc id, so postings are read once and
    // only ever seek forward.
    let mut by_segment: HashMap<u32, Vec<(DocId, usize)>> = HashMap::new();
    for (i, a) in candidates.iter().enumerate() {
        by_segment
            .entry(a.segment_ord)
            .or_default()
            .push((a.doc_id, i));
    }
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        let segment = searcher.segment_reader(segment_ord);
        let mut norms: HashMap<Field, FieldNormReader> = HashMap::new();
        for (j, f) in features.iter().enumerate() {
            let inverted = segment.inverted_index(f.field)?;
            let Some(mut postings) = inverted
                .read_postings(f.term, IndexRecordOption::WithFreqs)
                .map_err(tantivy::TantivyError::from)?
            else {
                continue;
            };
            let norm = match norms.entry(f.field) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(segment.get_fieldnorms_reader(f.field)?)
                }
            };
            for &(doc, i) in &docs {
                if postings.doc() == TERMINATED {
                    break;
                }
                if postings.doc() < doc && postings.seek(doc) == TERMINATED {
                    break;
                }
                if postings.doc() == doc {
                    tf[i * nf + j] = postings.term_freq();
                    len[i * nf + j] = norm.fieldnorm(doc);
                }
            }
        }
    }
    let stop_for_confidence = params.confidence_stop_weight;
    let query_idf = query_information(plan, stop_for_confidence);
    let potential = slot_potential(plan, stop_for_confidence);
    let mut by_potential: Vec<usize> = (0..potential.len()).collect();
    by_potential.sort_by(|&a, &b| potential[b].total_cmp(&potential[a]).then(a.cmp(&b)));
    let title_role = FieldRole::Title.index();
    let aliases_role = FieldRole::Aliases.index();
    let prefix_role = FieldRole::Prefix.index();
    let nslots = plan.slots.len();
    let mut ranked = Vec::with_capacity(n);
    let mut alt_tfw = vec![0f32; alt_refs.len()];
    let mut alt_in_title = vec![false; alt_refs.len()];
    let mut alt_title_tf = vec![0u32; alt_refs.len()];
    let mut slot_best = vec![SlotMatch::default(); nslots];
    for (i, &addr) in candidates.iter().enumerate() {
        alt_tfw.iter_mut().for_each(|v| *v = 0.0);
        alt_in_title.iter_mut().for_each(|v| *v = false);
        alt_title_tf.iter_mut().for_each(|v| *v = 0);
        let mut title_len = 0u32;
        for (j, f) in features.iter().enumerate() {
            let t = tf[i * nf + j];
            if t == 0 {
                continue;
            }
            let l = len[i * nf + j];
            let norm = 1.0 - f.b + f.b * (l as f32 / f.avg);
            alt_tfw[f.alt] += f.weight * t as f32 / norm.max(0.05);
            if f.role == title_role || f.role == aliases_role || f.role == prefix_role {
                alt_in_title[f.alt] = true;
            }
            if f.role == title_role {
                alt_title_tf[f.alt] = t;
                title_len = l;
            }
        }
        slot_best.iter_mut().for_each(|v| *v = SlotMatch::default());
        for (ai, alt) in alt_refs.iter().enumerate() {
            let w = alt_tfw[ai];
            if w <= 0.0 {
                continue;
            }
            let weight = plan.alt_weight(alt);
            let saturation = w / (k1 + w);
            let contrib = weight * alt.idf * saturation;
            let e = &mut slot_best[alt_slot[ai]];
            if contrib > e.contrib {
                e.contrib = contrib;
                e.credit = weight * alt.idf;
            }
            let stop = stop_factor(alt.stop, stop_for_confidence);
            e.explained = e.explained.max(stop * alt.weight * alt.idf * saturation);
            e.in_title |= alt_in_title[ai];
            e.title_tf = e.title_tf.max(alt_title_tf[ai]);
            if !alt.stop {
                e.content = true;
                e.whole_word |= alt.kind != AltKind::Prefix;
            } else if plan.slots[alt_slot[ai]].stop {
                // A question word of the request; not a word that merely stems to another
                // language's stop word ("pass" → Lithuanian "pas").
                e.stop_in_title |= alt_in_title[ai];
            }
        }
        let mut info = MatchInfo {
            query_idf,
            slots: nslots,
            ..Default::default()
        };
        let mut title_tokens = 0u32;
        for m in &slot_best {
            info.bm25f += m.contrib;
            info.explained += m.explained;
            if m.contrib > 0.0 {
                info.content_words += usize::from(m.content);
                info.whole_words += usize::from(m.whole_word);
                info.title_stop_words += usize::from(!m.content && m.stop_in_title);
                info.matched_idf += m.credit;
                if m.in_title {
                    info.title_idf += m.credit;
                }
                title_tokens += m.title_tf;
            }
        }
        let (mut total, mut matched) = (0.0f32, 0.0f32);
        for &si in by_potential.iter().take(RARE_WORDS) {
            total += potential[si];
            if slot_best[si].contrib > 0.0 {
                matched += potential[si];
            }
        }
        info.rare5 = if total > 0.0 { matched / total } else { 0.0 };
        info.title_coverage = if title_len > 0 {
            (title_tokens as f32 / title_len as f32).min(1.0)
        } else {
            0.0
        };
        info.shares_content = shares_content(&info, plan, params);
        ranked.push(Ranked {
            addr,
            bm25f: info.bm25f,
            ngram: 0.0,
            score: 0.0,
            confidence: confidence(&info),
            info,
        });
    }
    ranked.sort_by(|a, b| b.bm25f.total_cmp(&a.bm25f).then(a.addr.cmp(&b.addr)));
    add_title_similarity(searcher, plan, titles, &mut ranked, params)?;
    let best_bm25f = ranked
        .first()
        .map_or(0.0, |r| r.bm25f)
        .max(f32::MIN_POSITIVE);
    let best_ngram = ranked.iter().map(|r| r.ngram).fold(0.0f32, f32::max);
    // The request has finished content words before the one being typed, and some candidate
    // matches a whole word rather than only a guess at the half-typed one.
    let whole_content = plan.slots.iter().any(|s| !s.stop && !s.is_prefix)
        && ranked.iter().any(|r| r.info.whole_words > 0);
    for r in &mut ranked {
        let ngram = if best_ngram > 0.0 {
            r.ngram / best_ngram
        } else {
            0.0
        };
        r.score = r.bm25f / best_bm25f + params.ngram_weight * ngram;
        if whole_content && r.info.content_words > 0 && r.info.whole_words == 0 {
            r.score *= params.typing_weight;
            r.confidence *= params.typing_weight;
        }
    }
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.addr.cmp(&b.addr)));
    Ok(ranked)
}

/// `weight` for a stop word, else 1.
fn stop_factor(stop: bool, weight: f32) -> f32 {
    if stop { weight } else { 1.0 }
}

/// Per slot, the most information it can contribute (unknown words: as rare as possible),
/// stop words weighed by `stop_weight`.
fn slot_potential(plan: &Plan, stop_weight: f32) -> Vec<f32> {
    let max_docs = plan.stats.values().map(|s| s.docs).max().unwrap_or(1);
    let unknown_idf = super::query::idf(max_docs, 0);
    plan.slots
        .iter()
        .map(|s| {
            if s.alts.is_empty() {
                return stop_factor(s.stop, stop_weight) * unknown_idf;
            }
            s.alts
                .iter()
                .map(|a| stop_factor(a.stop, stop_weight) * a.idf)
                .fold(0.0f32, f32::max)
        })
        .collect()
}

/// Total information in the request: per slot the best idf it could contribute (unknown words
/// count as rare words: the customer wrote them, the index does not have them), stop words
/// weighed by `stop_weight`.
fn query_information(plan: &Plan, stop_weight: f32) -> f32 {
    let max_docs = plan.stats.values().map(|s| s.docs).max().unwrap_or(1);
    let unknown_idf = super::query::idf(max_docs, 0);
    plan.slots
        .iter()
        .map(|s| {
            if s.alts.is_empty() {
                return stop_factor(s.stop, stop_weight) * unknown_idf;
            }
            s.alts
                .iter()
                .filter(|a| a.kind != AltKind::Prefix || s.alts.len() == 1)
                .map(|a| stop_factor(a.stop, stop_weight) * a.idf)
                .fold(0.0f32, f32::max)
        })
        .sum()
}

/// How many of the most informative words [`MatchInfo::rare5`] looks at.
const RARE_WORDS: usize = 5;

/// Absolute match quality of a candidate, the input of the "suggest nothing" threshold:
/// BM25F relative to the request's total information (how much of what the customer wrote
/// this article explains) plus a bonus for covering the request's rarest words. Tuned on
/// liveqa-medquad, whose real messages include 25 with no answer in the pool. An article that
/// shares only stop words with the request has none.
fn confidence(info: &MatchInfo) -> f32 {
    if info.query_idf <= 0.0 || !info.shares_content {
        return 0.0;
    }
    info.explained / info.query_idf + 0.2 * info.rare5
}

/// Character 3–5-gram hashes of a normalised string (padded so word starts and ends count),
/// sorted and deduplicated.
pub(crate) fn char_grams(text: &str) -> Vec<u64> {
    let padded: Vec<char> = format!(" {text} ").chars().collect();
    let mut grams = Vec::with_capacity(padded.len() * 3);
    for n in 3..=5 {
        for w in padded.windows(n) {
            // FNV-1a: grams are short and this runs per candidate title, so no SipHash.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for &c in w {
                h ^= u64::from(u32::from(c));
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            grams.push(h);
        }
    }
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Cosine similarity of two sorted gram sets.
pub(crate) fn gram_similarity(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f32 / ((a.len() as f32) * (b.len() as f32)).sqrt()
}

/// Titles and aliases of one segment: the fast column (doc → ordinals) and its dictionary
/// decoded once, because decoding single ordinals decompresses a zstd block per call.
pub(crate) struct SegmentTitles {
    column: Option<StrColumn>,
    strings: Vec<String>,
}

impl SegmentTitles {
    fn load(segment: &SegmentReader) -> tantivy::Result<SegmentTitles> {
        let column = segment.fast_fields().str(MATCH_TITLES)?;
        let mut strings = Vec::new();
        if let Some(column) = &column {
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                strings.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
        }
        Ok(SegmentTitles { column, strings })
    }

    fn titles(&self, doc: DocId) -> impl Iterator<Item = &str> + '_ {
        self.column
            .iter()
            .flat_map(move |c| c.term_ords(doc))
            .filter_map(|ord| usize::try_from(ord).ok())
            .filter_map(|ord| self.strings.get(ord).map(String::as_str))
    }
}

/// Per-segment title cache, filled by tantivy's warming hook when the writer reloads the
/// reader (so searches never pay for it) and pruned when segments go away.
#[derive(Default)]
pub(crate) struct TitleCache {
    segments: RwLock<HashMap<SegmentId, Arc<SegmentTitles>>>,
}

impl TitleCache {
    fn get(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentTitles>> {
        let id = segment.segment_id();
        if let Some(found) = self.segments.read().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(found);
        }
        // Not warmed (e.g. a reader created before the warmer was registered): load now.
        let loaded = Arc::new(SegmentTitles::load(segment)?);
        if let Ok(mut map) = self.segments.write() {
            map.insert(id, loaded.clone());
        }
        Ok(loaded)
    }
}

impl Warmer for TitleCache {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for segment in searcher.segment_readers() {
            self.get(segment)?;
        }
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        let live: std::collections::HashSet<SegmentId> = live_generations
            .iter()
            .flat_map(|g| g.segments().keys().copied())
            .collect();
        if let Ok(mut map) = self.segments.write() {
            map.retain(|id, _| live.contains(id));
        }
    }
}

fn add_title_similarity(
    searcher: &Searcher,
    plan: &Plan,
    titles: &TitleCache,
    ranked: &mut [Ranked],
    params: &RankingParams,
) -> Result<(), SearchError> {
    if plan.normalized.is_empty() {
        return Ok(());
    }
    let query_grams = char_grams(&plan.normalized);
    let mut segments: HashMap<u32, Arc<SegmentTitles>> = HashMap::new();
    for r in ranked.iter_mut().take(params.ngram_depth) {
        let seg = r.addr.segment_ord;
        let cache = match segments.get(&seg) {
            Some(c) => c.clone(),
            None => {
                let c = titles.get(searcher.segment_reader(seg))?;
                segments.insert(seg, c.clone());
                c
            }
        };
        r.ngram = cache
            .titles(r.addr.doc_id)
            .map(|t| gram_similarity(&query_grams, &char_grams(t)))
            .fold(0.0f32, f32::max);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gram_similarity_prefers_close_titles() {
        let q = char_grams("reset my password");
        let close = gram_similarity(&q, &char_grams("reset your password"));
        let far = gram_similarity(&q, &char_grams("connect stripe"));
        assert!(close > far);
        assert_eq!(gram_similarity(&q, &[]), 0.0);
    }

    #[test]
    fn confidence_combines_relative_score_and_rare_words() {
        let mut info = MatchInfo {
            bm25f: 5.0,
            explained: 5.0,
            query_idf: 5.0,
            rare5: 1.0,
            shares_content: true,
            ..Default::default()
        };
        assert!((confidence(&info) - 1.2).abs() < 1e-6);
        info.shares_content = false;
        assert_eq!(confidence(&info), 0.0, "stop words alone");
        info.shares_content = true;
        info.query_idf = 0.0;
        assert_eq!(confidence(&info), 0.0);
    }
}
