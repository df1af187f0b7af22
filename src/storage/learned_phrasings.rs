//! What learning from deflections stores (`migrations/*/0026_…`): each visitor's latest vote
//! per article and phrasing, the phrasings they add up to, editors' blocks and switches, and
//! how far the learning job has read the events.

use std::collections::HashMap;

use sqlx::FromRow;

use super::article_changes::next_article_change;
use super::{Database, StorageError, from_json_list, now_millis};
use crate::deflection::EventKind;
use crate::deflection::events::NOT_EVIDENCE;
use crate::deflection::learning::{LearnedPhrasing, Outcome};

/// One visitor's vote for (or against) an article on a phrasing, its text already cleaned
/// by `learning::phrasing`.
#[derive(Clone, Debug, PartialEq)]
pub struct PhrasingVote {
    pub article_id: i64,
    pub lang: String,
    pub key: String,
    pub text: String,
    pub visitor_key: String,
    pub outcome: Outcome,
    pub at: i64,
}

/// Whether an article learns, and from when its evidence counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArticleLearning {
    pub enabled: bool,
    /// Votes before this time no longer count (the article's text changed a lot).
    pub evidence_since: i64,
}

impl Default for ArticleLearning {
    fn default() -> Self {
        ArticleLearning {
            enabled: true,
            evidence_since: 0,
        }
    }
}

/// What the learning job reads from one event: a request that closed (deflected, filed,
/// abandoned), with what its draft holds, or an answer to "Did this answer your question?"
/// on an article the same visitor opened from a search results page, with that search.
#[derive(Clone, Debug, PartialEq)]
pub struct LearningEvidence {
    pub event_id: i64,
    pub kind: EventKind,
    /// The article confirmed as solving it (explicit deflections), or the one answered on
    /// (feedback).
    pub solved_slug: Option<String>,
    pub opened_slugs: Vec<String>,
    /// The request's subject, or the search that led to the article.
    pub subject: String,
    pub name: String,
    pub lang: String,
    /// The draft's visitor key (requests).
    pub visitor_key: Option<String>,
    /// The visitor's cookie id as the event holds it (feedback), for the job to key.
    pub visitor_id: Option<String>,
    /// False for an answer given past its address's learning caps: not evidence.
    pub teaches: bool,
    pub at: i64,
}

/// How long before an answer on an article the visitor may have opened it from a search, and
/// how long before that opening the search may have been: one sitting, not yesterday's.
const FEEDBACK_AFTER_VIEW_MILLIS: i64 = 30 * 60 * 1000;
const VIEW_AFTER_SEARCH_MILLIS: i64 = 10 * 60 * 1000;

fn outcome_code(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Solved => "solved",
        Outcome::Helpful => "helpful",
        Outcome::OpenedWithoutTicket => "opened_without_ticket",
        Outcome::NotHelpful => "not_helpful",
        Outcome::FiledAfterOpening => "filed_after_opening",
    }
}

fn parse_outcome(code: &str) -> Result<Outcome, StorageError> {
    Ok(match code {
        "solved" => Outcome::Solved,
        "helpful" => Outcome::Helpful,
        "opened_without_ticket" => Outcome::OpenedWithoutTicket,
        "not_helpful" => Outcome::NotHelpful,
        "filed_after_opening" => Outcome::FiledAfterOpening,
        other => {
            return Err(StorageError::CorruptValue {
                what: "learned phrasing vote".to_owned(),
                column: "outcome",
                value: other.to_owned(),
            });
        }
    })
}

#[derive(FromRow)]
struct VoteRow {
    article_id: i64,
    lang: String,
    phrasing_key: String,
    text: String,
    visitor_key: String,
    outcome: String,
    at: i64,
}

#[derive(FromRow)]
struct LearnedRow {
    article_id: i64,
    lang: String,
    phrasing_key: String,
    text: String,
    visitors: i64,
    score: f64,
}

#[derive(FromRow)]
struct ClosedRow {
    id: i64,
    kind: String,
    article_slug: Option<String>,
    occurred_at: i64,
    subject: String,
    name: String,
    lang: String,
    opened_articles: String,
    visitor_key: Option<String>,
    visitor_id: Option<String>,
    details: Option<String>,
}

#[derive(FromRow)]
struct SearchRow {
    query: String,
    lang: String,
}

impl Database {
    /// The id of the last event the learning job has read.
    pub async fn learning_cursor(&self) -> Result<i64, StorageError> {
        let last = sqlx::query_scalar("SELECT last_event_id FROM learning_progress WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(last)
    }

    /// Records that the learning job has read every event up to `last_event_id`.
    pub async fn set_learning_cursor(&self, last_event_id: i64) -> Result<(), StorageError> {
        sqlx::query("UPDATE learning_progress SET last_event_id = $1 WHERE id = 1")
            .bind(last_event_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Up to `limit` pieces of evidence from events after `after_event_id`, oldest first:
    /// requests closed (deflected, filed, abandoned) with what their drafts hold, and
    /// answers on articles with the search that led there. Events whose draft is gone, or
    /// answers not preceded by such a search, come back with empty text, so the cursor
    /// still moves past them.
    ///
    /// Only events up to the first one that occurred after `settled_before` are read. Event
    /// ids are taken before their batch commits, so on PostgreSQL one instance's batch can
    /// become visible after another's with higher ids; a cursor that moved past those would
    /// never read the late batch. Stopping short of recent events leaves such a batch minutes
    /// to commit before the cursor may pass its ids.
    pub async fn learning_evidence_after(
        &self,
        after_event_id: i64,
        settled_before: i64,
        limit: i64,
    ) -> Result<Vec<LearningEvidence>, StorageError> {
        let rows: Vec<ClosedRow> = sqlx::query_as(
            "SELECT e.id, e.kind, e.article_slug, e.occurred_at, \
             COALESCE(d.subject, '') AS subject, COALESCE(d.name, '') AS name, \
             COALESCE(d.lang, '') AS lang, COALESCE(d.opened_articles, '[]') AS opened_articles, \
             d.visitor_key, e.visitor_id, e.details \
             FROM events e LEFT JOIN request_drafts d ON d.id = e.draft_id \
             WHERE e.id > $1 AND e.kind IN ($2, $3, $4, $5, $6) \
             AND e.id < COALESCE((SELECT MIN(u.id) FROM events u \
             WHERE u.id > $7 AND u.occurred_at > $8), $9) \
             ORDER BY e.id LIMIT $10",
        )
        .bind(after_event_id)
        .bind(EventKind::Deflected.as_str())
        .bind(EventKind::TicketFiled.as_str())
        .bind(EventKind::RequestAbandoned.as_str())
        .bind(EventKind::HelpfulYes.as_str())
        .bind(EventKind::HelpfulNo.as_str())
        .bind(after_event_id)
        .bind(settled_before)
        .bind(i64::MAX)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut evidence = Vec::with_capacity(rows.len());
        for row in rows {
            let kind = EventKind::parse(&row.kind).ok_or_else(|| StorageError::CorruptValue {
                what: format!("event {}", row.id),
                column: "kind",
                value: row.kind.clone(),
            })?;
            let mut item = LearningEvidence {
                kind,
                event_id: row.id,
                solved_slug: row.article_slug,
                opened_slugs: from_json_list(&row.opened_articles)?,
                subject: row.subject,
                name: row.name,
                lang: row.lang,
                visitor_key: row.visitor_key,
                visitor_id: None,
                teaches: !(matches!(
                    kind,
                    EventKind::Deflected | EventKind::HelpfulYes | EventKind::HelpfulNo
                ) && row.details.as_deref() == Some(NOT_EVIDENCE)),
                at: row.occurred_at,
            };
            if item.teaches
                && matches!(kind, EventKind::HelpfulYes | EventKind::HelpfulNo)
                && let (Some(visitor_id), Some(slug)) =
                    (row.visitor_id, item.solved_slug.as_deref())
                && let Some(search) = self
                    .search_that_led_to(&visitor_id, slug, row.occurred_at)
                    .await?
            {
                item.subject = search.query;
                item.lang = search.lang;
                item.visitor_id = Some(visitor_id);
            }
            evidence.push(item);
        }
        Ok(evidence)
    }

    /// The last search the visitor made before opening `slug` from a results page, itself
    /// before `answered_at`, all within one sitting.
    async fn search_that_led_to(
        &self,
        visitor_id: &str,
        slug: &str,
        answered_at: i64,
    ) -> Result<Option<SearchRow>, StorageError> {
        let row = sqlx::query_as(
            "SELECT s.query, COALESCE(s.lang, '') AS lang FROM events v \
             JOIN events s ON s.kind = $1 AND s.visitor_id = v.visitor_id \
             AND s.occurred_at <= v.occurred_at AND s.occurred_at >= v.occurred_at - $2 \
             AND s.id < v.id AND s.query IS NOT NULL \
             WHERE v.kind = $3 AND v.visitor_id = $4 AND v.article_slug = $5 AND v.source = $6 \
             AND v.occurred_at <= $7 AND v.occurred_at >= $8 \
             ORDER BY v.occurred_at DESC, v.id DESC, s.occurred_at DESC, s.id DESC LIMIT 1",
        )
        .bind(EventKind::Search.as_str())
        .bind(VIEW_AFTER_SEARCH_MILLIS)
        .bind(EventKind::ArticleViewed.as_str())
        .bind(visitor_id)
        .bind(slug)
        .bind(crate::deflection::ViewSource::Search.as_str())
        .bind(answered_at)
        .bind(answered_at - FEEDBACK_AFTER_VIEW_MILLIS)
        .fetch_optional(self.pool())
        .await?;
        Ok(row)
    }

    /// Stores votes, each replacing that visitor's earlier vote on the same article and
    /// phrasing (a visitor has one vote per phrasing: their latest).
    pub async fn record_phrasing_votes(&self, votes: &[PhrasingVote]) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        for vote in votes {
            sqlx::query(
                "INSERT INTO learned_phrasing_votes \
                 (article_id, lang, phrasing_key, text, visitor_key, outcome, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (article_id, lang, phrasing_key, visitor_key) DO UPDATE SET \
                 text = excluded.text, outcome = excluded.outcome, at = excluded.at \
                 WHERE learned_phrasing_votes.at <= excluded.at",
            )
            .bind(vote.article_id)
            .bind(&vote.lang)
            .bind(&vote.key)
            .bind(&vote.text)
            .bind(&vote.visitor_key)
            .bind(outcome_code(vote.outcome))
            .bind(vote.at)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Every stored vote on the article.
    pub async fn phrasing_votes(&self, article_id: i64) -> Result<Vec<PhrasingVote>, StorageError> {
        let rows: Vec<VoteRow> = sqlx::query_as(
            "SELECT article_id, lang, phrasing_key, text, visitor_key, outcome, at \
             FROM learned_phrasing_votes WHERE article_id = $1",
        )
        .bind(article_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(PhrasingVote {
                    outcome: parse_outcome(&row.outcome)?,
                    article_id: row.article_id,
                    lang: row.lang,
                    key: row.phrasing_key,
                    text: row.text,
                    visitor_key: row.visitor_key,
                    at: row.at,
                })
            })
            .collect()
    }

    /// The ids of articles with any vote or learned phrasing: what a full re-tally covers.
    pub async fn articles_with_phrasing_votes(&self) -> Result<Vec<i64>, StorageError> {
        let ids = sqlx::query_scalar(
            "SELECT article_id FROM learned_phrasing_votes \
             UNION SELECT article_id FROM learned_phrasings ORDER BY 1",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(ids)
    }

    /// The keys of phrasings editors blocked on the article.
    pub async fn blocked_phrasings(&self, article_id: i64) -> Result<Vec<String>, StorageError> {
        let keys = sqlx::query_scalar(
            "SELECT phrasing_key FROM learned_phrasing_blocks WHERE article_id = $1",
        )
        .bind(article_id)
        .fetch_all(self.pool())
        .await?;
        Ok(keys)
    }

    /// Blocks a phrasing on the article for good; takes effect at the next tally.
    pub async fn block_phrasing(&self, article_id: i64, key: &str) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO learned_phrasing_blocks (article_id, phrasing_key) VALUES ($1, $2) \
             ON CONFLICT (article_id, phrasing_key) DO NOTHING",
        )
        .bind(article_id)
        .bind(key)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Whether the article learns and from when (learning on, all evidence, when never set).
    pub async fn article_learning(&self, article_id: i64) -> Result<ArticleLearning, StorageError> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT enabled, evidence_since FROM article_learning WHERE article_id = $1",
        )
        .bind(article_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(
            row.map_or_else(ArticleLearning::default, |(enabled, since)| {
                ArticleLearning {
                    enabled: enabled != 0,
                    evidence_since: since,
                }
            }),
        )
    }

    /// Turns learning on or off for the article; takes effect at the next tally.
    pub async fn set_article_learning(
        &self,
        article_id: i64,
        enabled: bool,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO article_learning (article_id, enabled, evidence_since) VALUES ($1, $2, 0) \
             ON CONFLICT (article_id) DO UPDATE SET enabled = excluded.enabled",
        )
        .bind(article_id)
        .bind(i64::from(enabled))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Counts only evidence from `since` on for the article (its text changed a lot).
    pub async fn restart_article_evidence(
        &self,
        article_id: i64,
        since: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO article_learning (article_id, enabled, evidence_since) VALUES ($1, 1, $2) \
             ON CONFLICT (article_id) DO UPDATE SET evidence_since = excluded.evidence_since",
        )
        .bind(article_id)
        .bind(since)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Replaces the article's learned phrasings and, when they changed, takes an article
    /// change number for it so every instance's index re-reads the article. Returns whether
    /// anything changed.
    pub async fn replace_learned_phrasings(
        &self,
        article_id: i64,
        learned: &[LearnedPhrasing<i64>],
    ) -> Result<bool, StorageError> {
        let stored = self.learned_phrasings(article_id).await?;
        let same = |a: &LearnedPhrasing<i64>, b: &LearnedPhrasing<i64>| {
            a.key == b.key && a.lang == b.lang && a.text == b.text && a.visitors == b.visitors
        };
        let mut sorted: Vec<&LearnedPhrasing<i64>> = learned.iter().collect();
        sorted.sort_by(|a, b| (&a.lang, &a.key).cmp(&(&b.lang, &b.key)));
        let mut stored_sorted: Vec<&LearnedPhrasing<i64>> = stored.iter().collect();
        stored_sorted.sort_by(|a, b| (&a.lang, &a.key).cmp(&(&b.lang, &b.key)));
        let unchanged_text = sorted.len() == stored_sorted.len()
            && sorted.iter().zip(&stored_sorted).all(|(a, b)| same(a, b));
        let now = now_millis();
        let mut transaction = self.begin_write().await?;
        // Only what search sees needs the index to look again; scores fade every day.
        let change = if unchanged_text {
            None
        } else {
            Some(next_article_change(self, &mut transaction).await?)
        };
        sqlx::query("DELETE FROM learned_phrasings WHERE article_id = $1")
            .bind(article_id)
            .execute(&mut *transaction)
            .await?;
        for phrasing in learned {
            sqlx::query(
                "INSERT INTO learned_phrasings \
                 (article_id, lang, phrasing_key, text, visitors, score, learned_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(article_id)
            .bind(&phrasing.lang)
            .bind(&phrasing.key)
            .bind(&phrasing.text)
            .bind(phrasing.visitors as i64)
            .bind(phrasing.score)
            .bind(now)
            .execute(&mut *transaction)
            .await?;
        }
        if let Some(change) = change {
            sqlx::query("UPDATE articles SET change_number = $1 WHERE id = $2")
                .bind(change)
                .bind(article_id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        if change.is_some() {
            self.announce_article_change();
        }
        Ok(change.is_some())
    }

    /// The article's learned phrasings, the strongest first.
    pub async fn learned_phrasings(
        &self,
        article_id: i64,
    ) -> Result<Vec<LearnedPhrasing<i64>>, StorageError> {
        let rows: Vec<LearnedRow> = sqlx::query_as(
            "SELECT article_id, lang, phrasing_key, text, visitors, score FROM learned_phrasings \
             WHERE article_id = $1 ORDER BY score DESC, phrasing_key",
        )
        .bind(article_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(LearnedPhrasing::from).collect())
    }

    /// The learned phrasing texts of every article that has some, by article id: what the
    /// index holds beside aliases.
    pub async fn learned_texts(&self) -> Result<HashMap<i64, Vec<String>>, StorageError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT article_id, text FROM learned_phrasings ORDER BY article_id, score DESC",
        )
        .fetch_all(self.pool())
        .await?;
        let mut texts: HashMap<i64, Vec<String>> = HashMap::new();
        for (article_id, text) in rows {
            texts.entry(article_id).or_default().push(text);
        }
        Ok(texts)
    }

    /// The learned phrasing texts of the articles with these ids.
    pub async fn learned_texts_for(
        &self,
        article_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<String>>, StorageError> {
        let mut texts: HashMap<i64, Vec<String>> = HashMap::new();
        if article_ids.is_empty() {
            return Ok(texts);
        }
        // One query for a whole catch-up batch (at most a few hundred ids), not one per article.
        let placeholders: Vec<String> = (1..=article_ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT article_id, text FROM learned_phrasings WHERE article_id IN ({}) \
             ORDER BY article_id, score DESC",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for article_id in article_ids {
            query = query.bind(article_id);
        }
        for (article_id, text) in query.fetch_all(self.pool()).await? {
            texts.entry(article_id).or_default().push(text);
        }
        Ok(texts)
    }
}

/// Inside an article write: drops the article's learned phrasings and counts only evidence
/// from `now` on (the article was archived or its text changed a lot).
pub(super) async fn forget_learning(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    article_id: i64,
    now: i64,
) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM learned_phrasings WHERE article_id = $1")
        .bind(article_id)
        .execute(&mut **transaction)
        .await?;
    sqlx::query(
        "INSERT INTO article_learning (article_id, enabled, evidence_since) VALUES ($1, 1, $2) \
         ON CONFLICT (article_id) DO UPDATE SET evidence_since = excluded.evidence_since",
    )
    .bind(article_id)
    .bind(now)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

impl From<LearnedRow> for LearnedPhrasing<i64> {
    fn from(row: LearnedRow) -> LearnedPhrasing<i64> {
        LearnedPhrasing {
            article: row.article_id,
            lang: row.lang,
            key: row.phrasing_key,
            text: row.text,
            visitors: row.visitors.max(0) as usize,
            score: row.score,
        }
    }
}
