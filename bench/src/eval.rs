//! `answerdesk-bench eval`: `answerdesk eval`, plus (with `--baseline`) the SQLite FTS5
//! baseline scored on the same corpus and queries by the same rules.

use std::path::Path;
use std::time::Instant;

use answerdesk::search::eval::{
    self, EVAL_LIMIT, EngineMetrics, EvalOptions, Progress, Tally, render_rows,
};
use serde::Serialize;

use crate::baseline::Fts5Baseline;

/// What `answerdesk-bench eval` prints last: the engine's metrics as `answerdesk eval`
/// prints them, and the baseline's under `baseline` when it ran.
#[derive(Debug, Clone, Serialize)]
pub struct EvalWithBaseline {
    /// Metrics of the Answerdesk engine.
    #[serde(flatten)]
    pub engine: EngineMetrics,
    /// Metrics of the SQLite FTS5 baseline on the same corpus and queries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<EngineMetrics>,
}

impl EvalWithBaseline {
    /// A readable table: one row per engine.
    pub fn render(&self) -> String {
        let mut rows = vec![("answerdesk", &self.engine)];
        if let Some(baseline) = &self.baseline {
            rows.push(("fts5", baseline));
        }
        render_rows(&rows)
    }
}

/// Runs the product's evaluation, then the baseline when asked.
pub async fn run(
    corpus: &Path,
    queries: &Path,
    baseline: bool,
    progress_every: usize,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> anyhow::Result<EvalWithBaseline> {
    let options = EvalOptions {
        progress_every,
        ..EvalOptions::default()
    };
    let report = eval::run_eval(corpus, queries, &options, progress).await?;
    let baseline = if baseline {
        let docs = eval::load_corpus(corpus)?;
        let queries = eval::load_queries(queries)?;
        let base = Fts5Baseline::build(&docs).await?;
        let mut tally = Tally::default();
        let started = Instant::now();
        for (i, q) in queries.iter().enumerate() {
            // Top 5, no threshold, no prefix: the baseline as a plain keyword search.
            let ids = base.search(&q.query, EVAL_LIMIT, false).await?;
            tally.add(&q.relevant, &ids);
            if progress_every > 0 && (i + 1) % progress_every == 0 {
                progress(&Progress {
                    engine: "fts5",
                    done: i + 1,
                    total: queries.len(),
                });
            }
        }
        Some(tally.metrics(started.elapsed().as_secs_f64() * 1000.0))
    } else {
        None
    };
    Ok(EvalWithBaseline {
        engine: report.engine,
        baseline,
    })
}
