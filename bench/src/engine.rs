//! The engine part of `answerdesk-bench search`: a full in-RAM reindex of the synthetic corpus,
//! then `suggest_articles` and the SQLite FTS5 baseline on the same queries.

use std::time::{Duration, Instant};

use answerdesk::search::{SearchIndex, SuggestRequest};

use crate::baseline::Fts5Baseline;
use crate::corpus::{add_learned_phrasings, generate_corpus, generate_queries};
use crate::latency::{Latencies, LatencyStats};

/// Engine benchmark settings.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// Synthetic articles.
    pub articles: usize,
    /// Queries generated (each engine runs as many as fit in `seconds`).
    pub queries: usize,
    /// Time budget per engine for the latency runs.
    pub seconds: f64,
    /// Seed of the corpus and query generators.
    pub seed: u64,
    /// Learned phrasings given to every article (see `corpus::add_learned_phrasings`).
    pub learned_per_article: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            articles: 1_000,
            queries: 2_000,
            seconds: 10.0,
            seed: 42,
            learned_per_article: 0,
        }
    }
}

/// What the engine phase measured.
#[derive(Debug, Clone)]
pub struct EngineReport {
    /// Full reindex (rebuild, including the final merge) in seconds.
    pub reindex_seconds: f64,
    /// `suggest_articles` latency (limit 5, snippets included).
    pub tantivy: LatencyStats,
    /// SQLite FTS5 latency on the same corpus and queries (words OR-ed, last word `*`).
    pub fts5: LatencyStats,
}

/// The synthetic corpus of `config`, with its learned phrasings.
pub fn bench_corpus(config: &EngineConfig) -> Vec<answerdesk::search::ArticleDocument> {
    let mut corpus = generate_corpus(config.articles, config.seed);
    add_learned_phrasings(&mut corpus, config.learned_per_article, config.seed);
    corpus
}

/// Builds the synthetic corpus, times a full reindex, then the engine's and FTS5's latency.
pub async fn run_engine(config: &EngineConfig) -> anyhow::Result<EngineReport> {
    let corpus = bench_corpus(config);
    let queries = generate_queries(&corpus, config.queries, config.seed);
    let index = SearchIndex::in_memory()?;
    let started = Instant::now();
    index.rebuild(corpus.clone()).await?;
    let reindex_seconds = started.elapsed().as_secs_f64();
    let budget = Duration::from_secs_f64(config.seconds.max(0.1));

    let request = |text| SuggestRequest {
        text,
        lang: None,
        category: None,
        limit: 5,
        offset: 0,
    };
    // Warm caches (term dictionaries, doc store blocks) as a running server would have them.
    for q in queries.iter().take(50) {
        index.suggest_articles(&request(q))?;
    }
    let mut tantivy = Latencies::new();
    let run_started = Instant::now();
    for q in &queries {
        let t = Instant::now();
        std::hint::black_box(index.suggest_articles(&request(q))?);
        tantivy.record(t.elapsed());
        if run_started.elapsed() > budget {
            break;
        }
    }

    let base = Fts5Baseline::build(&corpus).await?;
    for q in queries.iter().take(5) {
        base.search(q, 5, true).await?;
    }
    let mut fts5 = Latencies::new();
    let run_started = Instant::now();
    for q in &queries {
        let t = Instant::now();
        std::hint::black_box(base.search(q, 5, true).await?);
        fts5.record(t.elapsed());
        if run_started.elapsed() > budget {
            break;
        }
    }
    Ok(EngineReport {
        reindex_seconds,
        tantivy: tantivy.stats(),
        fts5: fts5.stats(),
    })
}
