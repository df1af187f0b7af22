//! `answerdesk-bench mixed-load`: what a busy help centre sends, against a running server (or
//! the load balancer in front of several): 75 % as-you-type suggestions and searches, 20 %
//! pages (home, categories, articles, the search page), 5 % tickets filed through
//! `/api/tickets`. Then the promise behind the answers is checked: every ticket answered
//! `201` is a stored row, and every search the server counted is a stored event once the
//! event writer has flushed (polled until the counts stop moving, within a bound).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use tokio::task::JoinSet;

use crate::latency::Latencies;
use crate::raw_http::encode_component;

/// Longest wait for one response before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the stored counts may keep moving after the load before the check gives up.
const SETTLE_BOUND: Duration = Duration::from_secs(30);
/// The counts are stable when unchanged over this many polls in a row.
const STABLE_POLLS: usize = 4;
const POLL_EVERY: Duration = Duration::from_millis(250);
/// A task stops after this many errors (the server is gone or refusing everything).
const MAX_ERRORS_PER_TASK: usize = 1_000;

/// What customers type.
const QUERIES: &[&str] = &[
    "reset my password",
    "forgot password",
    "refund",
    "charged twice",
    "cancel subscription",
    "export invoices to csv",
    "change email address",
    "two factor authentication",
    "delete my account",
    "add a team member",
    "invoice template",
    "payment failed",
    "vat number on invoice",
    "bank feed not syncing",
    "recurring invoice",
];

type LoadClient = Client<HttpConnector, Full<Bytes>>;

/// What to run.
#[derive(Clone, Debug)]
pub struct MixedLoadOptions {
    /// `http://host:port` of the server or balancer.
    pub target: String,
    pub seconds: f64,
    pub connections: usize,
    /// The server's database, to count stored rows.
    pub database_url: Option<String>,
}

/// One endpoint's figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EndpointStats {
    /// Answered with the expected status.
    pub requests: usize,
    pub errors: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Error answers by status (`"timeout"`, `"connection"` for no answer).
    pub error_kinds: BTreeMap<String, usize>,
}

/// Sent versus stored.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StoredCheck {
    /// What the server answered as done (201 tickets; searches counted).
    pub answered: u64,
    /// Rows that appeared in the database during the run.
    pub stored: Option<i64>,
    /// Seconds after the load until the count was stable.
    pub settled_after_s: Option<f64>,
}

impl StoredCheck {
    fn consistent(&self) -> bool {
        self.stored
            .is_none_or(|stored| u64::try_from(stored).ok() == Some(self.answered))
    }
}

/// The run.
#[derive(Clone, Debug, Serialize)]
pub struct MixedLoadReport {
    pub target: String,
    pub seconds: f64,
    pub connections: usize,
    pub requests: usize,
    pub errors: usize,
    pub rps: f64,
    pub endpoints: BTreeMap<String, EndpointStats>,
    pub tickets: StoredCheck,
    pub search_events: StoredCheck,
}

impl MixedLoadReport {
    /// Whether every answered ticket and search was stored (true without a database).
    pub fn consistent(&self) -> bool {
        self.tickets.consistent() && self.search_events.consistent()
    }

    /// A readable summary.
    pub fn render(&self) -> String {
        let mut text = format!(
            "Mixed load on {} for {:.0} s over {} connections: {} requests ({:.0}/s), {} errors\n",
            self.target, self.seconds, self.connections, self.requests, self.rps, self.errors
        );
        for (name, e) in &self.endpoints {
            text.push_str(&format!(
                "  {name:<8} {:>8} ok {:>6} errors {:>8.1}/s   p50 {:>7.2} ms   p99 {:>7.2} ms{}\n",
                e.requests,
                e.errors,
                e.rps,
                e.p50_ms,
                e.p99_ms,
                if e.error_kinds.is_empty() {
                    String::new()
                } else {
                    format!("   {:?}", e.error_kinds)
                }
            ));
        }
        let line = |name: &str, check: &StoredCheck| match check.stored {
            Some(stored) => format!(
                "  {name}: {} answered, {stored} stored{} ({})\n",
                check.answered,
                check
                    .settled_after_s
                    .map(|s| format!(", stable {s:.1} s after the load"))
                    .unwrap_or_else(|| ", still moving at the bound".to_owned()),
                if check.consistent() {
                    "match"
                } else {
                    "MISMATCH"
                }
            ),
            None => format!(
                "  {name}: {} answered (no --database-url: stored rows not counted)\n",
                check.answered
            ),
        };
        text.push_str(&line("tickets", &self.tickets));
        text.push_str(&line("search events", &self.search_events));
        text
    }
}

/// What one task saw.
#[derive(Default)]
struct Tally {
    per_endpoint: BTreeMap<&'static str, (Latencies, EndpointStats)>,
    tickets_created: u64,
    searches_counted: u64,
}

/// The URLs the page share picks from, found on the server at the start.
struct Plan {
    base: String,
    pages: Vec<String>,
    /// Searches sent to find them (each a stored event).
    searches: u64,
}

/// A small deterministic generator (xorshift), one per task: the mix needs no quality.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Runs the load and the check.
pub async fn run(
    options: &MixedLoadOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<MixedLoadReport> {
    let base = options.target.trim_end_matches('/').to_owned();
    anyhow::ensure!(
        base.starts_with("http://"),
        "--target must be an http:// URL, got {base:?}"
    );
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: LoadClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(options.connections)
        .build(connector);
    let counter = match &options.database_url {
        Some(url) => Some(RowCounter::connect(url).await?),
        None => None,
    };
    let before = match &counter {
        Some(counter) => Some(counter.counts().await?),
        None => None,
    };
    // Counted after the first count: the searches that find the pages are counted events too.
    let plan = Arc::new(discover(&client, &base).await?);
    progress(&format!("{} pages to browse", plan.pages.len()));

    progress(&format!(
        "loading {base} for {:.0} s over {} connections",
        options.seconds, options.connections
    ));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(options.seconds);
    let mut tasks = JoinSet::new();
    for task in 0..options.connections {
        tasks.spawn(run_task(
            client.clone(),
            plan.clone(),
            deadline,
            0x9e37_79b9_7f4a_7c15 ^ (task as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d),
            task,
        ));
    }
    let mut total = Tally {
        searches_counted: plan.searches,
        ..Tally::default()
    };
    while let Some(joined) = tasks.join_next().await {
        let tally = joined.context("a load task failed")?;
        total.tickets_created += tally.tickets_created;
        total.searches_counted += tally.searches_counted;
        for (name, (latencies, stats)) in tally.per_endpoint {
            let entry = total.per_endpoint.entry(name).or_default();
            entry.0.merge(&latencies);
            entry.1.requests += stats.requests;
            entry.1.errors += stats.errors;
            for (kind, n) in stats.error_kinds {
                *entry.1.error_kinds.entry(kind).or_default() += n;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let load_ended = Instant::now();

    let mut endpoints = BTreeMap::new();
    let (mut requests, mut errors) = (0, 0);
    for (name, (latencies, mut stats)) in total.per_endpoint {
        stats.rps = stats.requests as f64 / seconds.max(f64::EPSILON);
        stats.p50_ms = latencies.quantile_ms(0.50);
        stats.p99_ms = latencies.quantile_ms(0.99);
        requests += stats.requests;
        errors += stats.errors;
        endpoints.insert(name.to_owned(), stats);
    }

    let mut tickets = StoredCheck {
        answered: total.tickets_created,
        ..StoredCheck::default()
    };
    let mut search_events = StoredCheck {
        answered: total.searches_counted,
        ..StoredCheck::default()
    };
    if let (Some(counter), Some(before)) = (&counter, before) {
        progress("load done; waiting for the stored counts to settle");
        let (after, settled) = settle(counter, load_ended).await?;
        tickets.stored = Some(after.tickets - before.tickets);
        search_events.stored = Some(after.search_events - before.search_events);
        tickets.settled_after_s = settled;
        search_events.settled_after_s = settled;
    }
    Ok(MixedLoadReport {
        target: base,
        seconds,
        connections: options.connections,
        requests,
        errors,
        rps: requests as f64 / seconds.max(f64::EPSILON),
        endpoints,
        tickets,
        search_events,
    })
}

/// Polls until the counts are unchanged over [`STABLE_POLLS`] polls, or the bound passes.
async fn settle(counter: &RowCounter, since: Instant) -> anyhow::Result<(Counts, Option<f64>)> {
    let mut last = counter.counts().await?;
    let mut unchanged = 0;
    let mut stable_since = since.elapsed();
    while since.elapsed() < SETTLE_BOUND {
        tokio::time::sleep(POLL_EVERY).await;
        let now = counter.counts().await?;
        if now == last {
            unchanged += 1;
            if unchanged >= STABLE_POLLS {
                return Ok((now, Some(stable_since.as_secs_f64())));
            }
        } else {
            unchanged = 0;
            stable_since = since.elapsed();
            last = now;
        }
    }
    Ok((last, None))
}

/// Article and category pages linked from the search API and the home page.
async fn discover(client: &LoadClient, base: &str) -> anyhow::Result<Plan> {
    let mut pages = vec!["/en".to_owned()];
    let mut searches = 0;
    for query in QUERIES.iter().take(8) {
        let uri: Uri = format!(
            "{base}/api/search?lang=en&limit=5&q={}",
            encode_component(query)
        )
        .parse()?;
        let (status, body) = fetch(client, Method::GET, uri, None)
            .await
            .map_err(|e| anyhow::anyhow!("{base}: {e}"))?;
        anyhow::ensure!(
            status == StatusCode::OK,
            "{base}/api/search answered {status}"
        );
        searches += 1;
        let json: serde_json::Value = serde_json::from_slice(&body)?;
        for hit in json["suggestions"].as_array().into_iter().flatten() {
            if let Some(url) = hit["url"].as_str() {
                pages.push(url.to_owned());
            }
            if let Some(category) = hit["category"].as_str().filter(|c| !c.is_empty()) {
                pages.push(format!("/en/categories/{category}"));
            }
        }
    }
    pages.sort();
    pages.dedup();
    for query in QUERIES.iter().take(4) {
        pages.push(format!("/en/search?q={}", encode_component(query)));
    }
    Ok(Plan {
        base: base.to_owned(),
        pages,
        searches,
    })
}

async fn run_task(
    client: LoadClient,
    plan: Arc<Plan>,
    deadline: Instant,
    seed: u64,
    task: usize,
) -> Tally {
    let mut dice = Dice(seed);
    let mut tally = Tally::default();
    let mut errors = 0;
    let mut filed = 0;
    while Instant::now() < deadline && errors < MAX_ERRORS_PER_TASK {
        let roll = dice.below(100);
        let query = QUERIES[dice.below(QUERIES.len())];
        let (name, method, path, body, expected) = if roll < 40 {
            // As-you-type: a prefix of the query, as the box sends while typing.
            let cut = query
                .char_indices()
                .map(|(i, _)| i)
                .nth(3 + dice.below(query.len().saturating_sub(3)))
                .unwrap_or(query.len());
            let path = format!("/api/suggest?q={}", encode_component(&query[..cut]));
            ("suggest", Method::GET, path, None, StatusCode::OK)
        } else if roll < 75 {
            let path = format!("/api/search?q={}", encode_component(query));
            ("search", Method::GET, path, None, StatusCode::OK)
        } else if roll < 95 {
            let path = plan.pages[dice.below(plan.pages.len())].clone();
            ("page", Method::GET, path, None, StatusCode::OK)
        } else {
            filed += 1;
            let body = serde_json::json!({
                "name": "Load Test",
                "email": format!("load-{task}-{filed}@example.com"),
                "subject": format!("Question {filed} from load task {task}: {query}"),
                "description": format!(
                    "I tried the help centre but could not find how to {query}. Please help."
                ),
            })
            .to_string();
            (
                "ticket",
                Method::POST,
                "/api/tickets".to_owned(),
                Some(body),
                StatusCode::CREATED,
            )
        };
        let uri: Uri = match format!("{}{path}", plan.base).parse() {
            Ok(uri) => uri,
            Err(_) => continue,
        };
        let started = Instant::now();
        let outcome = fetch(&client, method, uri, body).await;
        let (latencies, stats) = tally.per_endpoint.entry(name).or_default();
        match outcome {
            Ok((status, _)) if status == expected => {
                latencies.record(started.elapsed());
                stats.requests += 1;
                match name {
                    "ticket" => tally.tickets_created += 1,
                    "search" => tally.searches_counted += 1,
                    // The search page counts a search too.
                    "page" if path.starts_with("/en/search?q=") => tally.searches_counted += 1,
                    _ => {}
                }
            }
            Ok((status, _)) => {
                errors += 1;
                stats.errors += 1;
                *stats
                    .error_kinds
                    .entry(status.as_u16().to_string())
                    .or_default() += 1;
            }
            Err(kind) => {
                errors += 1;
                stats.errors += 1;
                *stats.error_kinds.entry(kind).or_default() += 1;
            }
        }
    }
    tally
}

/// One request; the error is `"timeout"` or `"connection"`.
async fn fetch(
    client: &LoadClient,
    method: Method,
    uri: Uri,
    json: Option<String>,
) -> Result<(StatusCode, Bytes), String> {
    let mut request = Request::builder().method(method).uri(uri);
    if json.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(Full::new(Bytes::from(json.unwrap_or_default())))
        .map_err(|_| "request".to_owned())?;
    let exchange = async {
        let response = client
            .request(request)
            .await
            .map_err(|_| "connection".to_owned())?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|_| "connection".to_owned())?
            .to_bytes();
        Ok((status, body))
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .map_err(|_| "timeout".to_owned())?
}

/// Counts in the server's database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Counts {
    tickets: i64,
    search_events: i64,
}

struct RowCounter {
    pool: sqlx::AnyPool,
}

impl RowCounter {
    async fn connect(url: &str) -> anyhow::Result<RowCounter> {
        sqlx::any::install_default_drivers();
        let url = if url.starts_with("postgres://")
            || url.starts_with("postgresql://")
            || url.starts_with("sqlite:")
        {
            url.to_owned()
        } else {
            format!("sqlite://{url}")
        };
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .with_context(|| format!("connecting to {url}"))?;
        Ok(RowCounter { pool })
    }

    async fn counts(&self) -> anyhow::Result<Counts> {
        let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
            .fetch_one(&self.pool)
            .await?;
        let search_events: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE kind = 'search'")
                .fetch_one(&self.pool)
                .await?;
        Ok(Counts {
            tickets,
            search_events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dice_cover_the_whole_range() {
        let mut dice = Dice(42);
        let mut seen = [false; 100];
        for _ in 0..10_000 {
            seen[dice.below(100)] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn a_check_without_a_database_is_consistent_and_a_gap_is_not() {
        let unknown = StoredCheck {
            answered: 5,
            ..StoredCheck::default()
        };
        assert!(unknown.consistent());
        let lost = StoredCheck {
            answered: 5,
            stored: Some(4),
            settled_after_s: Some(0.5),
        };
        assert!(!lost.consistent());
    }
}
