//! Offline relevance evaluation (`answerdesk eval --corpus FILE --queries FILE`).
//!
//! Reads a corpus (`corpus.jsonl`: `id`, `title`, `body`, `lang` per line) and labelled queries
//! (`queries.jsonl`: `id`, `query`, `relevant`, optional `grades`), builds a temporary in-RAM
//! index, runs every query through exactly [`SearchIndex::suggest_articles`] (limit 5, no
//! language filter) and reports recall@1/3/5 and MRR@5 over the queries that have relevant
//! articles, plus how often a query with no answer got no suggestion. [`Tally`] and
//! [`render_rows`] are public so that another engine (the benchmark tool's SQLite FTS5
//! baseline) is scored and shown by exactly the same rules.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::ranking::{PARAMS, RankingParams};
use super::{ArticleDocument, SearchError, SearchIndex, SuggestRequest};

/// Suggestions per query, as a customer sees them.
pub const EVAL_LIMIT: usize = 5;

/// One labelled query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalQuery {
    /// Query id from the file.
    pub id: String,
    /// The customer's text.
    pub query: String,
    /// Articles that answer it; empty means no article does.
    pub relevant: Vec<String>,
}

#[derive(Deserialize)]
struct CorpusLine {
    id: String,
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    lang: String,
}

#[derive(Deserialize)]
struct QueryLine {
    id: String,
    query: Option<String>,
    #[serde(default)]
    relevant: Vec<String>,
    #[serde(default, rename = "grades")]
    _grades: Option<serde_json::Value>,
}

fn read_lines(path: &Path) -> Result<String, SearchError> {
    std::fs::read_to_string(path).map_err(|e| SearchError::io(path, e))
}

fn line_error(path: &Path, line: usize, message: impl Into<String>) -> SearchError {
    SearchError::InputLine {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Reads the corpus: a `corpus.jsonl` file (every article published), or a directory of
/// Markdown articles such as a help centre's `content/`, indexed exactly as the portal
/// indexes them (titles, aliases, headings, tags; published articles only). Errors name the
/// file and line.
pub fn load_corpus(path: &Path) -> Result<Vec<ArticleDocument>, SearchError> {
    if path.is_dir() {
        return load_content_directory(path);
    }
    let text = read_lines(path)?;
    let mut docs = Vec::new();
    let mut seen = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let row: CorpusLine = serde_json::from_str(line)
            .map_err(|e| line_error(path, n, format!("not a corpus article: {e}")))?;
        if row.id.trim().is_empty() {
            return Err(line_error(path, n, "empty article id"));
        }
        if !seen.insert(row.id.clone()) {
            return Err(line_error(
                path,
                n,
                format!("duplicate article id {:?}", row.id),
            ));
        }
        docs.push(ArticleDocument {
            id: row.id,
            title: row.title,
            body: row.body,
            lang: row.lang,
            published: true,
            ..Default::default()
        });
    }
    Ok(docs)
}

/// The published articles of a content directory, as the portal's index sees them.
fn load_content_directory(dir: &Path) -> Result<Vec<ArticleDocument>, SearchError> {
    let corpus_error = |message: String| SearchError::Corpus {
        path: dir.to_path_buf(),
        message,
    };
    let files = crate::articles::read_directory(dir, "en")
        .map_err(|error| corpus_error(error.to_string()))?;
    let mut docs = Vec::new();
    for file in files {
        let (source, rendered) = file
            .article
            .map_err(|error| corpus_error(format!("{}: {error}", file.relative_path)))?;
        if source.status != crate::articles::ArticleStatus::Published {
            continue;
        }
        docs.push(ArticleDocument {
            id: source.slug.as_str().to_owned(),
            article_id: None,
            category: source.category_slug(),
            title: source.title,
            aliases: source.aliases,
            learned: Vec::new(),
            headings: rendered.headings,
            body: rendered.text,
            tags: source.tags,
            lang: source.lang.as_str().to_owned(),
            published: true,
        });
    }
    Ok(docs)
}

/// Reads `queries.jsonl`. Errors name the file and line.
pub fn load_queries(path: &Path) -> Result<Vec<EvalQuery>, SearchError> {
    let text = read_lines(path)?;
    let mut queries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let row: QueryLine = serde_json::from_str(line)
            .map_err(|e| line_error(path, n, format!("not a labelled query: {e}")))?;
        let Some(query) = row.query else {
            return Err(line_error(path, n, "missing \"query\" text"));
        };
        queries.push(EvalQuery {
            id: row.id,
            query,
            relevant: row.relevant,
        });
    }
    Ok(queries)
}

/// The metrics of one engine on one query set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EngineMetrics {
    /// Queries run.
    pub queries: usize,
    /// Share of answerable queries with a relevant article first.
    pub recall_at_1: f64,
    /// Share of answerable queries with a relevant article in the top 3.
    pub recall_at_3: f64,
    /// Share of answerable queries with a relevant article in the top 5.
    pub recall_at_5: f64,
    /// Mean reciprocal rank of the first relevant article within the top 5 (0 beyond).
    pub mrr_at_5: f64,
    /// Queries that no article answers.
    pub no_answer_queries: usize,
    /// Share of those that got no suggestion at all (0 when there are none).
    pub no_answer_suggested_nothing: f64,
    /// Mean wall time per query in milliseconds.
    pub ms_per_query: f64,
}

/// Per-query outcome, for diagnostics and tuning.
#[derive(Debug, Clone)]
pub struct QueryOutcome {
    /// Query id.
    pub id: String,
    /// 1-based rank of the first relevant article in the suggestions, if any.
    pub first_relevant_rank: Option<usize>,
    /// Whether the query has relevant articles.
    pub answerable: bool,
    /// Number of suggestions shown.
    pub suggested: usize,
    /// Confidence of the best candidate (before the threshold).
    pub top_confidence: f32,
    /// Match details of the best candidate.
    pub top: Option<super::ranking::MatchInfo>,
    /// Confidence of each suggestion, best first.
    pub confidences: Vec<f32>,
    /// Titles suggested, best first.
    pub titles: Vec<String>,
}

/// The full report: the engine's metrics.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Metrics of the Answerdesk engine.
    #[serde(flatten)]
    pub engine: EngineMetrics,
    /// Per-query outcomes of the engine.
    #[serde(skip)]
    pub per_query: Vec<QueryOutcome>,
}

/// Options of an evaluation run.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Report progress every this many queries (0: never).
    pub progress_every: usize,
    /// A history to learn from first (`--learn-from`): labelled queries in the same format,
    /// each replayed as if enough distinct visitors had typed it and confirmed that its
    /// first relevant article solved their problem. It must not share a query with the
    /// scored set.
    pub learn_from: Option<std::path::PathBuf>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            progress_every: 100,
            learn_from: None,
        }
    }
}

/// A progress report: which engine, how many queries done out of how many.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// "answerdesk" or "fts5".
    pub engine: &'a str,
    /// Queries done.
    pub done: usize,
    /// Queries in total.
    pub total: usize,
}

/// Accumulates metrics from ranked id lists, one query at a time.
#[derive(Debug, Default)]
pub struct Tally {
    queries: usize,
    answerable: usize,
    hits: [usize; 3],
    rr: f64,
    no_answer: usize,
    no_answer_empty: usize,
}

impl Tally {
    /// Counts one query: the articles that answer it (empty: none does) and what an engine
    /// returned, best first. Returns the 1-based rank of the first relevant one in the top 5.
    pub fn add(&mut self, relevant: &[String], ranked: &[String]) -> Option<usize> {
        self.queries += 1;
        if relevant.is_empty() {
            self.no_answer += 1;
            self.no_answer_empty += usize::from(ranked.is_empty());
            return None;
        }
        self.answerable += 1;
        let relevant: HashSet<&str> = relevant.iter().map(String::as_str).collect();
        let rank = ranked
            .iter()
            .take(EVAL_LIMIT)
            .position(|id| relevant.contains(id.as_str()))
            .map(|p| p + 1);
        if let Some(r) = rank {
            for (k, cutoff) in [1, 3, 5].into_iter().enumerate() {
                self.hits[k] += usize::from(r <= cutoff);
            }
            self.rr += 1.0 / r as f64;
        }
        rank
    }

    /// The metrics of the queries counted so far, which took `elapsed_ms` in all.
    pub fn metrics(&self, elapsed_ms: f64) -> EngineMetrics {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        EngineMetrics {
            queries: self.queries,
            recall_at_1: ratio(self.hits[0], self.answerable),
            recall_at_3: ratio(self.hits[1], self.answerable),
            recall_at_5: ratio(self.hits[2], self.answerable),
            mrr_at_5: if self.answerable == 0 {
                0.0
            } else {
                self.rr / self.answerable as f64
            },
            no_answer_queries: self.no_answer,
            no_answer_suggested_nothing: ratio(self.no_answer_empty, self.no_answer),
            ms_per_query: if self.queries == 0 {
                0.0
            } else {
                elapsed_ms / self.queries as f64
            },
        }
    }
}

/// Runs `queries` against an already built index with the given ranking parameters.
pub fn score_queries(
    index: &SearchIndex,
    queries: &[EvalQuery],
    params: &RankingParams,
    progress_every: usize,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<(EngineMetrics, Vec<QueryOutcome>), SearchError> {
    let mut tally = Tally::default();
    let mut outcomes = Vec::with_capacity(queries.len());
    let started = Instant::now();
    for (i, q) in queries.iter().enumerate() {
        let request = SuggestRequest {
            text: &q.query,
            lang: None,
            category: None,
            limit: EVAL_LIMIT,
            offset: 0,
        };
        let (info, hits) = index.suggest_with_params(&request, params)?;
        let titles: Vec<String> = hits.iter().map(|h| h.title.clone()).collect();
        let ids: Vec<String> = hits.into_iter().map(|h| h.id).collect();
        let rank = tally.add(&q.relevant, &ids);
        outcomes.push(QueryOutcome {
            id: q.id.clone(),
            first_relevant_rank: rank,
            answerable: !q.relevant.is_empty(),
            suggested: ids.len(),
            top_confidence: info.top_confidence,
            top: info.top,
            confidences: info.hit_confidences,
            titles,
        });
        if progress_every > 0 && (i + 1) % progress_every == 0 {
            progress(&Progress {
                engine: "answerdesk",
                done: i + 1,
                total: queries.len(),
            });
        }
    }
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    Ok((tally.metrics(elapsed), outcomes))
}

/// The whole evaluation: load both files, index the corpus in RAM, run the engine. Progress goes to `progress` every `options.progress_every` queries.
pub async fn run_eval(
    corpus_path: &Path,
    queries_path: &Path,
    options: &EvalOptions,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<EvalReport, SearchError> {
    run_eval_with(corpus_path, queries_path, options, &PARAMS, progress).await
}

/// [`run_eval`] with explicit ranking parameters (tuning).
pub async fn run_eval_with(
    corpus_path: &Path,
    queries_path: &Path,
    options: &EvalOptions,
    params: &RankingParams,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<EvalReport, SearchError> {
    let docs = load_corpus(corpus_path)?;
    let queries = load_queries(queries_path)?;
    let known: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let unknown: HashMap<&str, &str> = queries
        .iter()
        .flat_map(|q| q.relevant.iter().map(move |r| (r.as_str(), q.id.as_str())))
        .filter(|(r, _)| !known.contains(r))
        .collect();
    if let Some((article, query)) = unknown.iter().next() {
        tracing::warn!(%article, %query, "relevant article id not in the corpus");
    }
    let mut docs = docs;
    if let Some(history_path) = &options.learn_from {
        let history = load_queries(history_path)?;
        if let Some(shared) = overlapping_query(&history, &queries) {
            return Err(SearchError::Corpus {
                path: history_path.clone(),
                message: format!(
                    "the history shares the query {shared:?} with the scored set; \
                     learn from one part and score another"
                ),
            });
        }
        learn_from_history(&mut docs, &history);
    }
    let index = SearchIndex::in_memory()?;
    index.rebuild(docs).await?;
    let (engine, per_query) =
        score_queries(&index, &queries, params, options.progress_every, progress)?;
    Ok(EvalReport { engine, per_query })
}

/// A query of `history` that is also in `scored` (by id or by text), if any.
fn overlapping_query(history: &[EvalQuery], scored: &[EvalQuery]) -> Option<String> {
    let ids: HashSet<&str> = scored.iter().map(|q| q.id.as_str()).collect();
    let texts: HashSet<String> = scored
        .iter()
        .map(|q| q.query.trim().to_lowercase())
        .collect();
    history
        .iter()
        .find(|q| ids.contains(q.id.as_str()) || texts.contains(&q.query.trim().to_lowercase()))
        .map(|q| q.id.clone())
}

/// Replays `history` through the product's learning rule ([`crate::deflection::learning`]):
/// each query counts as typed by the minimum number of distinct visitors, each of whom
/// confirmed that its first relevant article solved their problem, today. What is learned
/// is added to the articles exactly as the portal's index adds it.
pub fn learn_from_history(docs: &mut [ArticleDocument], history: &[EvalQuery]) {
    use crate::deflection::learning::{self, LearningSettings, Observation, Outcome};
    let settings = LearningSettings::default();
    let position: HashMap<String, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();
    let now = crate::storage::now_millis();
    let mut observations = Vec::new();
    for query in history {
        let Some(&article) = query.relevant.first().and_then(|id| position.get(id)) else {
            continue;
        };
        for visitor in 0..settings.min_visitors {
            observations.push(Observation {
                article,
                lang: docs[article].lang.clone(),
                text: query.query.clone(),
                visitor: format!("{}#{visitor}", query.id),
                names: Vec::new(),
                outcome: Outcome::Solved,
                at_millis: now,
            });
        }
    }
    for learned in learning::learn(&observations, |_, _| false, &settings, now) {
        docs[learned.article].learned.push(learned.text);
    }
}

/// A readable table of the engine's metrics.
pub fn render_table(report: &EvalReport) -> String {
    render_rows(&[("answerdesk", &report.engine)])
}

/// A readable table: a header, then one row per named engine.
pub fn render_rows(rows: &[(&str, &EngineMetrics)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:>7} {:>6} {:>6} {:>6} {:>6} {:>18} {:>9}",
        "engine", "queries", "R@1", "R@3", "R@5", "MRR@5", "no-answer→nothing", "ms/query"
    );
    let mut row = |name: &str, m: &EngineMetrics| {
        let no_answer = if m.no_answer_queries == 0 {
            "-".to_string()
        } else {
            format!(
                "{:.2} of {}",
                m.no_answer_suggested_nothing, m.no_answer_queries
            )
        };
        let _ = writeln!(
            out,
            "{:<12} {:>7} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>18} {:>9.3}",
            name,
            m.queries,
            m.recall_at_1,
            m.recall_at_3,
            m.recall_at_5,
            m.mrr_at_5,
            no_answer,
            m.ms_per_query
        );
    };
    for (name, metrics) in rows {
        row(name, metrics);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_computes_recall_and_mrr_over_answerable_queries() {
        let mut t = Tally::default();
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(t.add(&ids(&["a"]), &ids(&["a", "b"])), Some(1));
        assert_eq!(t.add(&ids(&["c"]), &ids(&["a", "b", "c"])), Some(3));
        assert_eq!(t.add(&ids(&["z"]), &ids(&["a"])), None);
        t.add(&[], &[]);
        t.add(&[], &ids(&["a"]));
        let m = t.metrics(10.0);
        assert_eq!(m.queries, 5);
        assert!((m.recall_at_1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((m.recall_at_3 - 2.0 / 3.0).abs() < 1e-9);
        assert!((m.mrr_at_5 - (1.0 + 1.0 / 3.0) / 3.0).abs() < 1e-9);
        assert_eq!(m.no_answer_queries, 2);
        assert!((m.no_answer_suggested_nothing - 0.5).abs() < 1e-9);
    }

    #[test]
    fn report_json_has_the_documented_keys() {
        let report = EvalReport {
            engine: EngineMetrics::default(),
            per_query: Vec::new(),
        };
        let json = serde_json::to_value(&report).expect("serializes");
        for key in [
            "queries",
            "recall_at_1",
            "recall_at_3",
            "recall_at_5",
            "mrr_at_5",
            "no_answer_queries",
            "no_answer_suggested_nothing",
            "ms_per_query",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert_eq!(json.as_object().map(|o| o.len()), Some(8), "{json}");
        let table = render_rows(&[("answerdesk", &report.engine), ("other", &report.engine)]);
        assert_eq!(table.lines().count(), 3, "{table}");
        assert!(table.contains("other"), "{table}");
    }
}
