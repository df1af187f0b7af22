//! A bounded HTTP load loop: `connections` tokio tasks, each sending one `GET` at a time over
//! a pooled keep-alive HTTP/1.1 client (hyper-util), until the phase's time or request cap
//! runs out. Latencies go into an HDR histogram.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{StatusCode, Uri};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use crate::latency::Latencies;

/// Longest wait for one HTTP response before the request counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A task gives up after this many failed requests.
const MAX_ERRORS_PER_TASK: usize = 100;
/// Upper bound on the requests of one load phase, whatever the time budget.
const MAX_REQUESTS_PER_PHASE: usize = 5_000_000;
/// Requests sent before a phase's timing starts (one task, untimed).
const WARM_UP_REQUESTS: usize = 50;

/// The shared client: every task borrows a keep-alive connection from its pool.
pub type HttpClient = Client<HttpConnector, Empty<Bytes>>;

/// A client that keeps up to `connections` idle connections to the server.
pub fn client(connections: usize) -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(connections)
        .build(connector)
}

/// No request of a phase succeeded.
#[derive(Debug, thiserror::Error)]
#[error("{path}: no request succeeded ({errors} failed; last error: {last_error})")]
pub struct NoResponses {
    /// The path that was driven.
    pub path: String,
    /// Failed requests.
    pub errors: usize,
    /// The last failure seen.
    pub last_error: String,
}

/// One HTTP load phase.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadStats {
    /// Requests answered with 200 and timed.
    pub requests: usize,
    /// Requests that failed (connection error, timeout, status other than 200).
    pub errors: usize,
    /// Of the answered requests, how many carried at least one suggestion (`/api/suggest`).
    pub with_suggestions: usize,
    /// Wall time of the phase in seconds.
    pub seconds: f64,
    /// Answered requests per second.
    pub rps: f64,
    /// Median latency in milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency in milliseconds.
    pub p99_ms: f64,
}

/// What one task of a phase saw.
#[derive(Default)]
struct Tally {
    latencies: Latencies,
    errors: usize,
    with_suggestions: usize,
    last_error: Option<String>,
}

/// The part of an `/api/suggest` answer the load loop looks at.
#[derive(Deserialize)]
struct SuggestAnswer {
    suggestions: Vec<serde::de::IgnoredAny>,
}

/// One load phase: `connections` tasks each send `GET` requests for `uris` (cycled, each task
/// from its own offset) until `duration` has passed or the phase's request cap is reached.
/// `count_suggestions` parses each answer and counts those with a non-empty suggestion list.
pub async fn drive(
    client: &HttpClient,
    uris: Arc<[Uri]>,
    connections: usize,
    duration: Duration,
    count_suggestions: bool,
) -> Result<LoadStats, NoResponses> {
    if uris.is_empty() {
        return Ok(LoadStats::default());
    }
    let connections = connections.max(1);
    // Warm caches and the connection path as a running server would have them; untimed.
    let warm_up_deadline = Instant::now() + duration.min(Duration::from_secs(2));
    run_task(
        client.clone(),
        uris.clone(),
        0,
        warm_up_deadline,
        WARM_UP_REQUESTS,
        false,
    )
    .await;

    let per_task = (MAX_REQUESTS_PER_PHASE / connections).max(1);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = JoinSet::new();
    for task in 0..connections {
        let offset = task * uris.len() / connections;
        tasks.spawn(run_task(
            client.clone(),
            uris.clone(),
            offset,
            deadline,
            per_task,
            count_suggestions,
        ));
    }
    let mut total = Tally::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(tally) => {
                total.latencies.merge(&tally.latencies);
                total.errors += tally.errors;
                total.with_suggestions += tally.with_suggestions;
                total.last_error = tally.last_error.or(total.last_error);
            }
            Err(error) => {
                total.errors += 1;
                total.last_error = Some(format!("load task failed: {error}"));
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let requests = usize::try_from(total.latencies.count()).unwrap_or(usize::MAX);
    if requests == 0 {
        return Err(NoResponses {
            path: uris[0].path().to_owned(),
            errors: total.errors,
            last_error: total.last_error.unwrap_or_else(|| "none".to_owned()),
        });
    }
    Ok(LoadStats {
        requests,
        errors: total.errors,
        with_suggestions: total.with_suggestions,
        seconds,
        rps: requests as f64 / seconds.max(f64::EPSILON),
        p50_ms: total.latencies.quantile_ms(0.50),
        p99_ms: total.latencies.quantile_ms(0.99),
    })
}

/// One task's loop, bounded by `deadline`, `max_requests` and the error budget.
async fn run_task(
    client: HttpClient,
    uris: Arc<[Uri]>,
    offset: usize,
    deadline: Instant,
    max_requests: usize,
    count_suggestions: bool,
) -> Tally {
    let mut tally = Tally::default();
    let mut sent = 0;
    while sent < max_requests && Instant::now() < deadline {
        let uri = &uris[(offset + sent) % uris.len()];
        sent += 1;
        let started = Instant::now();
        let outcome = tokio::time::timeout(REQUEST_TIMEOUT, async {
            let response = client.get(uri.clone()).await.map_err(|e| e.to_string())?;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            Ok::<_, String>((status, body))
        })
        .await;
        let failure = match outcome {
            Ok(Ok((status, body))) if status == StatusCode::OK => {
                let latency = started.elapsed();
                let suggested = if count_suggestions {
                    serde_json::from_slice::<SuggestAnswer>(&body)
                        .map(|answer| usize::from(!answer.suggestions.is_empty()))
                        .map_err(|error| {
                            format!("{}: not a suggestion answer: {error}", uri.path())
                        })
                } else {
                    Ok(0)
                };
                match suggested {
                    Ok(suggested) => {
                        tally.latencies.record(latency);
                        tally.with_suggestions += suggested;
                        None
                    }
                    Err(message) => Some(message),
                }
            }
            Ok(Ok((status, _))) => Some(format!("{}: status {status}", uri.path())),
            Ok(Err(error)) => Some(format!("{}: {error}", uri.path())),
            Err(_) => Some(format!(
                "{}: no response within {} s",
                uri.path(),
                REQUEST_TIMEOUT.as_secs()
            )),
        };
        if let Some(message) = failure {
            tally.errors += 1;
            tally.last_error = Some(message);
            if tally.errors >= MAX_ERRORS_PER_TASK {
                break;
            }
        }
    }
    tally
}
