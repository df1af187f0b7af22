//! The background job that turns closed requests, and answers on articles reached from a
//! search, into learned phrasings (see `learning`).
//!
//! Never on the request path: a round reads the evidence recorded since the last round (by
//! event id), stores each visitor's vote, re-tallies the articles voted on, and stores their
//! phrasings with a new article change number, so every instance's index re-reads them
//! through the usual catch-up. A daily full re-tally lets old votes fade.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::EventKind;
use super::learning::{LearningSettings, Observation, Outcome, learn, phrasing};
use super::request_flow::visitor_key;
use crate::storage::{Database, LearningEvidence, PhrasingVote, StorageError};

/// How often a learning round runs (one instance per round, see `job_runs`).
pub const LEARNING_ROUND_MILLIS: i64 = 5 * 60 * 1000;
/// How often every article with votes is re-tallied, so votes fade even without new ones.
pub const FULL_RETALLY_MILLIS: i64 = 24 * 60 * 60 * 1000;
/// Closed requests read per query.
const BATCH: i64 = 500;
/// How old an event must be before a round reads it (see
/// `Database::learning_evidence_after`): far longer than a batch of events takes to commit.
pub const EVIDENCE_SETTLE_MILLIS: i64 = 2 * 60 * 1000;

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LearningRound {
    pub votes: usize,
    /// Articles whose learned phrasings changed (and which the index re-reads).
    pub articles_changed: usize,
}

/// Runs a round when this instance claims it: new closed requests every
/// [`LEARNING_ROUND_MILLIS`], a full re-tally every [`FULL_RETALLY_MILLIS`]. `None` when
/// another instance had the round.
pub async fn learn_in_background(
    db: &Database,
    settings: &LearningSettings,
    now: i64,
) -> Result<Option<LearningRound>, StorageError> {
    if !db
        .claim_job_round("learning", now, LEARNING_ROUND_MILLIS)
        .await?
    {
        return Ok(None);
    }
    let mut round = learn_from_new_evidence(db, settings, now).await?;
    if db
        .claim_job_round("learning_retally", now, FULL_RETALLY_MILLIS)
        .await?
    {
        let articles = db.articles_with_phrasing_votes().await?;
        round.articles_changed += retally(db, &articles, settings, now).await?;
    }
    Ok(Some(round))
}

/// Reads every request closed and every answer on an article since the last round, stores
/// the votes they carry, and
/// re-tallies the articles voted on. Safe to run again: votes replace a visitor's own.
pub async fn learn_from_new_evidence(
    db: &Database,
    settings: &LearningSettings,
    now: i64,
) -> Result<LearningRound, StorageError> {
    let mut round = LearningRound::default();
    let mut touched = BTreeSet::new();
    let mut article_ids: HashMap<String, Option<i64>> = HashMap::new();
    loop {
        let cursor = db.learning_cursor().await?;
        let closed = db
            .learning_evidence_after(cursor, now - EVIDENCE_SETTLE_MILLIS, BATCH)
            .await?;
        let Some(last) = closed.last().map(|request| request.event_id) else {
            break;
        };
        let mut votes = Vec::new();
        for request in &closed {
            for (slug, outcome) in outcomes(request) {
                let article_id = match article_ids.get(slug) {
                    Some(id) => *id,
                    None => {
                        let id = db.find_article_by_slug(slug).await?.map(|a| a.id);
                        article_ids.insert(slug.to_owned(), id);
                        id
                    }
                };
                if let Some(vote) = vote(request, article_id, outcome) {
                    touched.insert(vote.article_id);
                    votes.push(vote);
                }
            }
        }
        round.votes += votes.len();
        db.record_phrasing_votes(&votes).await?;
        db.set_learning_cursor(last).await?;
        if (closed.len() as i64) < BATCH {
            break;
        }
    }
    let touched: Vec<i64> = touched.into_iter().collect();
    round.articles_changed = retally(db, &touched, settings, now).await?;
    Ok(round)
}

/// What a piece of evidence says about each article: solved on the one confirmed; for every
/// article opened from a request, a ticket filed anyway or none; "Yes" or "No" on an article
/// opened from a search.
fn outcomes(evidence: &LearningEvidence) -> Vec<(&str, Outcome)> {
    if !evidence.teaches {
        return Vec::new();
    }
    let answered = |outcome| {
        evidence
            .solved_slug
            .as_deref()
            .map(|slug| vec![(slug, outcome)])
            .unwrap_or_default()
    };
    match evidence.kind {
        EventKind::Deflected => answered(Outcome::Solved),
        EventKind::HelpfulYes => answered(Outcome::Helpful),
        EventKind::HelpfulNo => answered(Outcome::NotHelpful),
        EventKind::TicketFiled => evidence
            .opened_slugs
            .iter()
            .map(|slug| (slug.as_str(), Outcome::FiledAfterOpening))
            .collect(),
        EventKind::RequestAbandoned => evidence
            .opened_slugs
            .iter()
            .map(|slug| (slug.as_str(), Outcome::OpenedWithoutTicket))
            .collect(),
        _ => Vec::new(),
    }
}

/// The vote, with its text cleaned of personal data, or `None` when there is nothing to
/// learn (no visitor, no such article, no text, a text that may identify someone).
fn vote(
    evidence: &LearningEvidence,
    article_id: Option<i64>,
    outcome: Outcome,
) -> Option<PhrasingVote> {
    let visitor_key = evidence
        .visitor_key
        .clone()
        .or_else(|| evidence.visitor_id.as_deref().map(visitor_key))?;
    let article_id = article_id?;
    if evidence.lang.is_empty() {
        return None;
    }
    let names = vec![evidence.name.clone()];
    let found = phrasing(&evidence.lang, &evidence.subject, &names)?;
    Some(PhrasingVote {
        article_id,
        lang: crate::search::analyzers::primary_subtag(&evidence.lang),
        key: found.key,
        text: found.text,
        visitor_key,
        outcome,
        at: evidence.at,
    })
}

/// Tallies the articles' stored votes again and stores their phrasings; returns how many
/// articles' phrasings changed. Blocked phrasings, evidence from before the article's
/// `evidence_since`, and every vote of an article with learning off are left out.
pub async fn retally(
    db: &Database,
    article_ids: &[i64],
    settings: &LearningSettings,
    now: i64,
) -> Result<usize, StorageError> {
    let mut changed = 0;
    for &article_id in article_ids {
        let switch = db.article_learning(article_id).await?;
        let learned = if switch.enabled {
            let blocked: HashSet<String> = db
                .blocked_phrasings(article_id)
                .await?
                .into_iter()
                .collect();
            let observations: Vec<Observation<i64>> = db
                .phrasing_votes(article_id)
                .await?
                .into_iter()
                .filter(|vote| vote.at >= switch.evidence_since)
                .map(|vote| Observation {
                    article: vote.article_id,
                    lang: vote.lang,
                    text: vote.text,
                    visitor: vote.visitor_key,
                    names: Vec::new(),
                    outcome: vote.outcome,
                    at_millis: vote.at,
                })
                .collect();
            learn(&observations, |_, key| blocked.contains(key), settings, now)
        } else {
            Vec::new()
        };
        if db.replace_learned_phrasings(article_id, &learned).await? {
            changed += 1;
        }
    }
    Ok(changed)
}
