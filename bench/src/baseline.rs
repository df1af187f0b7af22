//! The SQLite FTS5 baseline the engine is measured against (`eval --baseline` and `search`).
//!
//! An in-memory database with one FTS5 table per tokenizer: `porter unicode61` for English
//! articles, plain `unicode61` for everything else. Ranking is `bm25(table, 3.0, 1.0)` (title
//! weight 3, body 1); the request's words are OR-ed, each quoted so FTS5 syntax in customer
//! text is inert. No threshold: whatever ranks in the top `limit` is returned.

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;

use answerdesk::search::ArticleDocument;
use answerdesk::search::analyzers::{for_each_word, primary_subtag};

const TABLES: [(&str, &str); 2] = [
    ("articles_en", "porter unicode61 remove_diacritics 2"),
    ("articles_other", "unicode61 remove_diacritics 2"),
];

/// An FTS5 index over the same articles the engine indexes.
#[derive(Debug, Clone)]
pub struct Fts5Baseline {
    pool: SqlitePool,
    /// Article id per rowid (rowids are assigned densely from 1).
    ids: Vec<String>,
}

impl Fts5Baseline {
    /// Builds the baseline over the published articles of `docs`.
    pub async fn build(docs: &[ArticleDocument]) -> Result<Fts5Baseline, sqlx::Error> {
        // A single, never-recycled connection: every new connection to ":memory:" would be a
        // new, empty database.
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        for (table, tokenizer) in TABLES {
            let sql = format!(
                "CREATE VIRTUAL TABLE {table} USING fts5(title, body, tokenize = '{tokenizer}')"
            );
            sqlx::query(&sql).execute(&pool).await?;
        }
        let mut ids = Vec::with_capacity(docs.len());
        let mut tx = pool.begin().await?;
        for doc in docs.iter().filter(|d| d.published) {
            ids.push(doc.id.clone());
            // English gets the Porter stemmer, as the engine stems English.
            let table = if primary_subtag(&doc.lang) == "en" {
                TABLES[0].0
            } else {
                TABLES[1].0
            };
            let sql = format!("INSERT INTO {table} (rowid, title, body) VALUES (?1, ?2, ?3)");
            sqlx::query(&sql)
                .bind(ids.len() as i64)
                .bind(&doc.title)
                .bind(&doc.body)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Fts5Baseline { pool, ids })
    }

    /// The FTS5 MATCH expression for customer text: words quoted and OR-ed; the last word gets
    /// `*` (prefix) when `prefix_last` is set. `None` when the text has no words.
    pub fn match_expression(text: &str, prefix_last: bool) -> Option<String> {
        let mut words = Vec::new();
        for_each_word(text, |from, to| {
            words.push(format!("\"{}\"", text[from..to].replace('"', "\"\"")));
        });
        if prefix_last && let Some(last) = words.last_mut() {
            last.push('*');
        }
        (!words.is_empty()).then(|| words.join(" OR "))
    }

    /// Top `limit` article ids for `text`, best first.
    pub async fn search(
        &self,
        text: &str,
        limit: usize,
        prefix_last: bool,
    ) -> Result<Vec<String>, sqlx::Error> {
        let Some(expr) = Self::match_expression(text, prefix_last) else {
            return Ok(Vec::new());
        };
        let mut rows: Vec<(i64, f64)> = Vec::new();
        for (table, _) in TABLES {
            let sql = format!(
                "SELECT rowid, bm25({table}, 3.0, 1.0) AS rank FROM {table} \
                 WHERE {table} MATCH ?1 ORDER BY rank LIMIT ?2"
            );
            let found: Vec<(i64, f64)> = sqlx::query_as(&sql)
                .bind(&expr)
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await?;
            rows.extend(found);
        }
        // bm25() is negative, lower is better.
        rows.sort_by(|a, b| a.1.total_cmp(&b.1));
        Ok(rows
            .into_iter()
            .take(limit)
            .filter_map(|(rowid, _)| {
                usize::try_from(rowid - 1)
                    .ok()
                    .and_then(|i| self.ids.get(i).cloned())
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_expression_quotes_every_word() {
        assert_eq!(
            Fts5Baseline::match_expression("AND \"x\" NEAR(y", true).as_deref(),
            Some("\"AND\" OR \"x\" OR \"NEAR\" OR \"y\"*")
        );
        assert_eq!(Fts5Baseline::match_expression(" -- ", false), None);
    }

    #[tokio::test]
    async fn finds_articles_by_weighted_bm25() {
        let docs = vec![
            ArticleDocument {
                id: "a".into(),
                title: "Reset your password".into(),
                body: "Open settings.".into(),
                lang: "en".into(),
                published: true,
                ..Default::default()
            },
            ArticleDocument {
                id: "b".into(),
                title: "Invoices".into(),
                body: "Passwords are not invoices.".into(),
                lang: "lv".into(),
                published: true,
                ..Default::default()
            },
        ];
        let base = Fts5Baseline::build(&docs).await.expect("baseline builds");
        let hits = base
            .search("resetting passwords", 5, false)
            .await
            .expect("search");
        assert_eq!(hits.first().map(String::as_str), Some("a"));
        assert!(
            base.search("?!", 5, false)
                .await
                .expect("search")
                .is_empty()
        );
    }
}
