//! `answerdesk-bench learning`: how much learning from deflections helps, measured honestly.
//!
//! A labelled query set is split in two halves by query: a query belongs to half A when the
//! first byte of SHA-256 of `"{seed}:{query id}"` is even, else to half B (fixed seed 7 by
//! default, so the halves are the same on every machine). Then:
//! - each half is scored without any history (what the help centre does today);
//! - each half is scored after learning from the other half, replayed as if each of its
//!   queries had ended in "Yes, this solved my problem" on its first relevant article from
//!   enough distinct visitors (`answerdesk eval --learn-from`);
//! - the same with a noisy history, where a share of the replayed queries (default 20 %,
//!   chosen by the second byte of the same hash) points to a wrong article instead.
//!
//! The halves never share a query, so no query is scored on a history that contains it.

use std::collections::BTreeSet;
use std::path::Path;

use answerdesk::search::eval::{
    EngineMetrics, EvalQuery, learn_from_history, load_corpus, load_queries, render_rows,
    score_queries,
};
use answerdesk::search::ranking::RankingParams;
use answerdesk::search::{ArticleDocument, SearchIndex};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Figures of one half.
#[derive(Debug, Serialize)]
pub struct HalfFigures {
    /// "a" or "b".
    pub half: String,
    pub queries: usize,
    /// Scored with no history.
    pub no_history: EngineMetrics,
    /// Scored after learning from the other half.
    pub learned: EngineMetrics,
    /// Scored after learning from the other half with part of it pointing to wrong articles.
    pub learned_noisy: EngineMetrics,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct LearningReport {
    pub seed: u64,
    pub noise: f64,
    pub halves: Vec<HalfFigures>,
    /// Means of the two halves.
    pub mean_no_history: EngineMetrics,
    pub mean_learned: EngineMetrics,
    pub mean_learned_noisy: EngineMetrics,
}

fn digest(seed: u64, id: &str) -> [u8; 32] {
    Sha256::digest(format!("{seed}:{id}").as_bytes()).into()
}

/// Splits `queries` into halves A and B by the documented rule.
pub fn split(queries: &[EvalQuery], seed: u64) -> (Vec<EvalQuery>, Vec<EvalQuery>) {
    queries
        .iter()
        .cloned()
        .partition(|q| digest(seed, &q.id)[0].is_multiple_of(2))
}

/// A copy of `history` in which about `noise` of the answerable queries point to another
/// article (a fixed, seeded choice), as a history with mistaken confirmations would.
pub fn with_noise(
    history: &[EvalQuery],
    articles: &[String],
    seed: u64,
    noise: f64,
) -> Vec<EvalQuery> {
    let threshold = (noise.clamp(0.0, 1.0) * 256.0).round() as u32;
    history
        .iter()
        .map(|q| {
            let hash = digest(seed, &q.id);
            if q.relevant.is_empty() || u32::from(hash[1]) >= threshold || articles.len() < 2 {
                return q.clone();
            }
            let right = articles.iter().position(|a| q.relevant.contains(a));
            let step = 1 + usize::from(hash[2]) % (articles.len() - 1);
            let wrong = (right.unwrap_or(0) + step) % articles.len();
            EvalQuery {
                relevant: vec![articles[wrong].clone()],
                ..q.clone()
            }
        })
        .collect()
}

async fn score(
    params: &RankingParams,
    docs: &[ArticleDocument],
    history: &[EvalQuery],
    queries: &[EvalQuery],
) -> anyhow::Result<EngineMetrics> {
    let mut docs = docs.to_vec();
    if !history.is_empty() {
        learn_from_history(&mut docs, history);
    }
    let index = SearchIndex::in_memory()?;
    index.rebuild(docs).await?;
    let (metrics, _) = score_queries(&index, queries, params, 0, &mut |_| {})?;
    Ok(metrics)
}

fn mean(a: &EngineMetrics, b: &EngineMetrics) -> EngineMetrics {
    let avg = |x: f64, y: f64| (x + y) / 2.0;
    EngineMetrics {
        queries: a.queries + b.queries,
        recall_at_1: avg(a.recall_at_1, b.recall_at_1),
        recall_at_3: avg(a.recall_at_3, b.recall_at_3),
        recall_at_5: avg(a.recall_at_5, b.recall_at_5),
        mrr_at_5: avg(a.mrr_at_5, b.mrr_at_5),
        no_answer_queries: a.no_answer_queries + b.no_answer_queries,
        no_answer_suggested_nothing: avg(
            a.no_answer_suggested_nothing,
            b.no_answer_suggested_nothing,
        ),
        ms_per_query: avg(a.ms_per_query, b.ms_per_query),
    }
}

/// Runs the split replay on one set.
pub async fn run(
    corpus: &Path,
    queries: &Path,
    seed: u64,
    noise: f64,
    params: &RankingParams,
) -> anyhow::Result<LearningReport> {
    let docs = load_corpus(corpus)?;
    let queries = load_queries(queries)?;
    let articles: Vec<String> = docs
        .iter()
        .map(|d| d.id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (a, b) = split(&queries, seed);
    let mut halves = Vec::new();
    for (name, scored, history) in [("a", &a, &b), ("b", &b, &a)] {
        let noisy = with_noise(history, &articles, seed, noise);
        halves.push(HalfFigures {
            half: name.to_owned(),
            queries: scored.len(),
            no_history: score(params, &docs, &[], scored).await?,
            learned: score(params, &docs, history, scored).await?,
            learned_noisy: score(params, &docs, &noisy, scored).await?,
        });
    }
    Ok(LearningReport {
        seed,
        noise,
        mean_no_history: mean(&halves[0].no_history, &halves[1].no_history),
        mean_learned: mean(&halves[0].learned, &halves[1].learned),
        mean_learned_noisy: mean(&halves[0].learned_noisy, &halves[1].learned_noisy),
        halves,
    })
}

impl LearningReport {
    /// A readable table: per half and the means.
    pub fn render(&self) -> String {
        let mut rows: Vec<(String, &EngineMetrics)> = Vec::new();
        for half in &self.halves {
            rows.push((format!("{}:none", half.half), &half.no_history));
            rows.push((format!("{}:learned", half.half), &half.learned));
            rows.push((format!("{}:noisy", half.half), &half.learned_noisy));
        }
        rows.push(("mean:none".into(), &self.mean_no_history));
        rows.push(("mean:learned".into(), &self.mean_learned));
        rows.push(("mean:noisy".into(), &self.mean_learned_noisy));
        let named: Vec<(&str, &EngineMetrics)> =
            rows.iter().map(|(n, m)| (n.as_str(), *m)).collect();
        format!(
            "split seed {}, noisy history: {:.0} % wrong\n{}",
            self.seed,
            self.noise * 100.0,
            render_rows(&named)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(id: &str, relevant: &str) -> EvalQuery {
        EvalQuery {
            id: id.into(),
            query: format!("text of {id}"),
            relevant: vec![relevant.into()],
        }
    }

    #[test]
    fn the_halves_share_no_query_and_are_the_same_every_time() {
        let queries: Vec<_> = (0..200).map(|i| query(&format!("q{i}"), "a")).collect();
        let (a, b) = split(&queries, 7);
        assert_eq!(a.len() + b.len(), 200);
        assert!(a.len() > 70 && b.len() > 70, "{} / {}", a.len(), b.len());
        assert!(a.iter().all(|q| !b.iter().any(|r| r.id == q.id)));
        let (again, _) = split(&queries, 7);
        assert_eq!(a, again);
        let (other_seed, _) = split(&queries, 8);
        assert_ne!(a, other_seed);
    }

    #[test]
    fn a_noisy_history_points_about_the_asked_share_to_a_wrong_article() {
        let articles: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let history: Vec<_> = (0..1000).map(|i| query(&format!("q{i}"), "b")).collect();
        let noisy = with_noise(&history, &articles, 7, 0.2);
        let wrong = noisy.iter().filter(|q| q.relevant != ["b"]).count();
        assert!((150..250).contains(&wrong), "{wrong} of 1000");
        assert!(noisy.iter().all(|q| articles.contains(&q.relevant[0])));
    }
}
