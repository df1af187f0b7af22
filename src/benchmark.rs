//! `answerdesk bench`: the search engine and the real portal over HTTP, measured in one run.
//!
//! Every timed phase gets half of the `seconds` budget:
//! 1. engine: [`crate::search::bench::run_bench`] times a full in-RAM reindex of the synthetic
//!    corpus, then `suggest_articles` and the SQLite FTS5 baseline on the same queries;
//! 2. HTTP: the portal as [`app::build`] assembles it, on a scratch data directory with an SQLite
//!    database and an empty content directory, its index rebuilt with the same synthetic
//!    articles, served by `axum::serve` on 127.0.0.1 (port 0) inside this process. A small
//!    HTTP/1.1 load generator keeps `connections` keep-alive connections busy with
//!    `GET /api/suggest?q=…` (the generated queries, URL-encoded), then with `GET /healthz`,
//!    the ceiling of the HTTP stack itself.
//!
//! The load generator shares the process and the cores with the server, as a load tool on the
//! same machine would. Nothing leaves the loopback interface, and the scratch directory is
//! removed at the end.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::{self, AppState, BackgroundTasks, StartError};
use crate::config::{Config, SecretUrl};
use crate::http;
use crate::search::SearchError;
use crate::search::bench::{
    BenchConfig, LatencyStats, generate_corpus, generate_queries, run_bench,
};

/// Longest wait for one HTTP response before the request counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection gives up after this many failed requests.
const MAX_ERRORS_PER_CONNECTION: usize = 100;
/// Upper bound on the requests of one load phase, whatever the time budget.
const MAX_REQUESTS_PER_PHASE: usize = 5_000_000;
/// Responses larger than this are treated as broken.
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// Requests sent before a phase's timing starts (per phase, one connection).
const WARM_UP_REQUESTS: usize = 50;
/// Longest wait for the server and the background tasks to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

/// What `answerdesk bench` is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
    /// Synthetic articles in the corpus.
    pub articles: usize,
    /// Total measuring time; each timed phase (tantivy, FTS5, `/api/suggest`, `/healthz`)
    /// gets half of it.
    pub seconds: f64,
    /// Concurrent keep-alive HTTP connections.
    pub connections: usize,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            articles: 1_000,
            seconds: 10.0,
            connections: 8,
        }
    }
}

/// Why the benchmark could not finish.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("cannot start the portal: {0}")]
    Start(#[from] StartError),
    #[error("benchmark set-up: {0}")]
    Io(#[from] std::io::Error),
    #[error("{path}: no request succeeded ({errors} failed; last error: {last_error})")]
    NoResponses {
        /// The path that was driven.
        path: String,
        /// Failed requests.
        errors: usize,
        /// The last failure seen.
        last_error: String,
    },
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

/// Everything one `answerdesk bench` run measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Synthetic articles.
    pub articles: usize,
    /// Cores this process may use (client and server share them).
    pub cores: usize,
    /// Seconds per timed phase.
    pub phase_seconds: f64,
    /// Full in-RAM reindex of the engine benchmark, in seconds.
    pub reindex_seconds: f64,
    /// `suggest_articles` called directly (limit 5, snippets included).
    pub tantivy: LatencyStats,
    /// The SQLite FTS5 baseline on the same corpus and queries.
    pub fts5: Option<LatencyStats>,
    /// Rebuild of the running portal's on-disk index, in seconds.
    pub portal_index_seconds: f64,
    /// Concurrent HTTP connections.
    pub connections: usize,
    /// `GET /api/suggest?q=…`.
    pub suggest: LoadStats,
    /// `GET /healthz`.
    pub healthz: LoadStats,
    /// Resident memory (VmRSS) after the load, with the portal still up; `None` off Linux.
    pub rss_mb: Option<f64>,
    /// Of `rss_mb`, anonymous memory: the heap, including what the allocator kept from the
    /// engine phase.
    pub rss_anon_mb: Option<f64>,
    /// Of `rss_mb`, file-backed pages: the memory-mapped index files and the binary.
    pub rss_file_mb: Option<f64>,
    /// Peak resident memory (VmHWM) of the whole run.
    pub peak_rss_mb: Option<f64>,
}

/// Median and 99th percentile, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Latency and throughput of `/api/suggest`.
#[derive(Debug, Clone, Serialize)]
pub struct SuggestFigures {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub rps: f64,
}

/// Throughput only.
#[derive(Debug, Clone, Serialize)]
pub struct Throughput {
    pub rps: f64,
}

/// Engine latencies.
#[derive(Debug, Clone, Serialize)]
pub struct EngineFigures {
    pub tantivy: Percentiles,
    pub fts5: Option<Percentiles>,
}

/// HTTP figures.
#[derive(Debug, Clone, Serialize)]
pub struct HttpFigures {
    pub suggest: SuggestFigures,
    pub healthz: Throughput,
}

/// The one-line JSON summary `answerdesk bench` prints last:
/// `{"articles", "engine": {"tantivy": {"p50_ms", "p99_ms"}, "fts5": {…}}, "reindex_s",
/// "http": {"suggest": {"p50_ms", "p99_ms", "rps"}, "healthz": {"rps"}}, "rss_mb"}`.
#[derive(Debug, Clone, Serialize)]
pub struct BenchFigures {
    pub articles: usize,
    pub engine: EngineFigures,
    pub reindex_s: f64,
    pub http: HttpFigures,
    pub rss_mb: Option<f64>,
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn percentiles(stats: &LatencyStats) -> Percentiles {
    Percentiles {
        p50_ms: round_to(stats.p50_ms, 3),
        p99_ms: round_to(stats.p99_ms, 3),
    }
}

impl BenchReport {
    /// The figures of the JSON summary line, rounded to what is meaningful.
    pub fn figures(&self) -> BenchFigures {
        BenchFigures {
            articles: self.articles,
            engine: EngineFigures {
                tantivy: percentiles(&self.tantivy),
                fts5: self.fts5.as_ref().map(percentiles),
            },
            reindex_s: round_to(self.reindex_seconds, 3),
            http: HttpFigures {
                suggest: SuggestFigures {
                    p50_ms: round_to(self.suggest.p50_ms, 3),
                    p99_ms: round_to(self.suggest.p99_ms, 3),
                    rps: round_to(self.suggest.rps, 1),
                },
                healthz: Throughput {
                    rps: round_to(self.healthz.rps, 1),
                },
            },
            rss_mb: self.rss_mb.map(|mb| round_to(mb, 1)),
        }
    }

    /// A readable summary, several lines.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Synthetic help centre: {} articles; {} cores shared by server and load; {:.1} s per phase",
            self.articles, self.cores, self.phase_seconds
        );
        let _ = writeln!(
            out,
            "{:<34} {:>8} {:>9} {:>9} {:>9}",
            "engine (in process, top 5)", "queries", "p50 ms", "p99 ms", "mean ms"
        );
        let mut engine_row = |name: &str, s: &LatencyStats| {
            let _ = writeln!(
                out,
                "{:<34} {:>8} {:>9.3} {:>9.3} {:>9.3}",
                name, s.queries, s.p50_ms, s.p99_ms, s.mean_ms
            );
        };
        engine_row("tantivy suggest_articles", &self.tantivy);
        if let Some(fts5) = &self.fts5 {
            engine_row("SQLite FTS5 baseline", fts5);
        }
        let _ = writeln!(
            out,
            "reindex: {:.3} s in RAM (engine), {:.3} s on disk (portal)",
            self.reindex_seconds, self.portal_index_seconds
        );
        let _ = writeln!(
            out,
            "{:<34} {:>8} {:>6} {:>10} {:>9} {:>9} {:>8}",
            format!("HTTP, {} keep-alive connections", self.connections),
            "requests",
            "errors",
            "req/s",
            "p50 ms",
            "p99 ms",
            "answered"
        );
        for (name, s, answered) in [
            ("GET /api/suggest?q=…", &self.suggest, true),
            ("GET /healthz (ceiling)", &self.healthz, false),
        ] {
            let share = if answered && s.requests > 0 {
                format!(
                    "{:.0}%",
                    100.0 * s.with_suggestions as f64 / s.requests as f64
                )
            } else {
                "-".to_owned()
            };
            let _ = writeln!(
                out,
                "{:<34} {:>8} {:>6} {:>10.1} {:>9.3} {:>9.3} {:>8}",
                name, s.requests, s.errors, s.rps, s.p50_ms, s.p99_ms, share
            );
        }
        let mb = |v: Option<f64>| v.map_or("unknown".to_owned(), |mb| format!("{mb:.1} MB"));
        let _ = writeln!(
            out,
            "memory: VmRSS {} after the load with the portal up ({} anonymous, {} file-backed; peak {})",
            mb(self.rss_mb),
            mb(self.rss_anon_mb),
            mb(self.rss_file_mb),
            mb(self.peak_rss_mb)
        );
        out
    }
}

/// Runs the whole benchmark. `progress` receives one line as each phase starts.
pub async fn run(
    options: &BenchOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<BenchReport, BenchError> {
    let phase_seconds = (options.seconds / 2.0).max(0.05);
    let phase = Duration::from_secs_f64(phase_seconds);
    let engine_config = BenchConfig {
        articles: options.articles,
        seconds: phase_seconds,
        baseline: true,
        ..BenchConfig::default()
    };
    progress(&format!(
        "engine: indexing {} synthetic articles, then tantivy and FTS5 for {phase_seconds:.1} s each",
        options.articles
    ));
    let engine = run_bench(&engine_config).await?;

    progress("http: starting the portal on 127.0.0.1 with a scratch SQLite database");
    let portal = RunningPortal::start().await?;
    let measured = measure_http(
        &portal,
        &engine_config,
        options.connections,
        phase,
        progress,
    )
    .await;
    // Read memory while the portal is still serving with its index loaded.
    let rss_mb = read_status_mb("VmRSS");
    let rss_anon_mb = read_status_mb("RssAnon");
    let rss_file_mb = read_status_mb("RssFile");
    let peak_rss_mb = read_status_mb("VmHWM");
    portal.stop().await;
    let (portal_index_seconds, suggest, healthz) = measured?;

    Ok(BenchReport {
        articles: options.articles,
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        phase_seconds,
        reindex_seconds: engine.reindex_seconds,
        tantivy: engine.tantivy,
        fts5: engine.fts5,
        portal_index_seconds,
        connections: options.connections,
        suggest,
        healthz,
        rss_mb,
        rss_anon_mb,
        rss_file_mb,
        peak_rss_mb,
    })
}

/// Indexes the synthetic corpus into the running portal, then drives `/api/suggest` and
/// `/healthz`. Returns the reindex seconds and both load phases.
async fn measure_http(
    portal: &RunningPortal,
    engine_config: &BenchConfig,
    connections: usize,
    phase: Duration,
    progress: &mut dyn FnMut(&str),
) -> Result<(f64, LoadStats, LoadStats), BenchError> {
    let corpus = generate_corpus(engine_config.articles, engine_config.seed);
    let queries = generate_queries(&corpus, engine_config.queries, engine_config.seed);
    // The index is what /api/suggest reads; the articles need not be in the database.
    let rebuilt = portal.state.search.rebuild(corpus).await?;
    let suggest_paths: Arc<[String]> = queries
        .iter()
        .map(|q| {
            format!(
                "/api/suggest?q={}",
                utf8_percent_encode(q, NON_ALPHANUMERIC)
            )
        })
        .collect();
    let connections = connections.max(1);

    progress(&format!(
        "http: /api/suggest from {connections} connections for {:.1} s",
        phase.as_secs_f64()
    ));
    let suggest = drive(portal.addr, suggest_paths, connections, phase, true).await?;

    progress(&format!(
        "http: /healthz from {connections} connections for {:.1} s",
        phase.as_secs_f64()
    ));
    let health_paths: Arc<[String]> = Arc::from(vec!["/healthz".to_owned()]);
    let healthz = drive(portal.addr, health_paths, connections, phase, false).await?;
    Ok((rebuilt.seconds, suggest, healthz))
}

/// A directory under the system temporary directory, removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn create() -> std::io::Result<ScratchDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "answerdesk-bench-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // `create_dir`, not `create_dir_all`: fails rather than reuse someone else's directory.
        std::fs::create_dir(&path)?;
        Ok(ScratchDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.0) {
            tracing::warn!(dir = %self.0.display(), %error, "could not remove the benchmark directory");
        }
    }
}

/// The real portal serving on a loopback port inside this process.
struct RunningPortal {
    addr: SocketAddr,
    state: AppState,
    background: BackgroundTasks,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    scratch: ScratchDir,
}

impl RunningPortal {
    /// Builds the portal on a scratch data directory (SQLite, empty content directory, so
    /// nothing is imported) and serves it on 127.0.0.1 with a port the system picks.
    async fn start() -> Result<RunningPortal, BenchError> {
        let scratch = ScratchDir::create()?;
        let data_dir = scratch.path().join("data");
        let content_dir = scratch.path().join("content");
        std::fs::create_dir(&data_dir)?;
        std::fs::create_dir(&content_dir)?;
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let config = Config {
            listen: addr,
            database_url: SecretUrl(data_dir.join("answerdesk.db").display().to_string()),
            data_dir,
            content_dir,
            ..Config::default()
        };
        let (state, background) = app::build(config).await?;
        let router = http::router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
        });
        Ok(RunningPortal {
            addr,
            state,
            background,
            stop,
            server,
            scratch,
        })
    }

    /// Graceful shutdown: stop accepting, let open connections finish, flush background work,
    /// remove the scratch directory. Every wait is bounded.
    async fn stop(self) {
        let RunningPortal {
            state,
            background,
            stop,
            mut server,
            scratch,
            ..
        } = self;
        let _ = stop.send(());
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => tracing::warn!(%error, "benchmark server failed"),
            Ok(Err(error)) => tracing::warn!(%error, "benchmark server task failed"),
            Err(_) => {
                tracing::warn!("benchmark server did not stop in time; aborting it");
                server.abort();
                let _ = server.await;
            }
        }
        // The background tasks finish only once every clone of the state is gone.
        drop(state);
        if tokio::time::timeout(SHUTDOWN_GRACE, background.finish())
            .await
            .is_err()
        {
            tracing::warn!("background tasks did not finish in time");
        }
        drop(scratch);
    }
}

/// What one connection of a load phase saw.
#[derive(Default)]
struct ConnectionTally {
    samples: Vec<Duration>,
    errors: usize,
    with_suggestions: usize,
    last_error: Option<String>,
}

/// One load phase: `connections` keep-alive connections each send `GET` requests for `paths`
/// (cycled, each connection from its own offset) until `duration` has passed or the phase's
/// request cap is reached. `count_suggestions` counts answers with a non-empty suggestion list.
async fn drive(
    addr: SocketAddr,
    paths: Arc<[String]>,
    connections: usize,
    duration: Duration,
    count_suggestions: bool,
) -> Result<LoadStats, BenchError> {
    if paths.is_empty() {
        return Ok(LoadStats::default());
    }
    // Warm caches and the connection path as a running server would have them; untimed.
    let warm_up_deadline = Instant::now() + duration.min(Duration::from_secs(2));
    let mut warm_up = ConnectionTally::default();
    run_connection(
        addr,
        paths.clone(),
        0,
        warm_up_deadline,
        WARM_UP_REQUESTS,
        false,
        &mut warm_up,
    )
    .await;

    let per_connection = (MAX_REQUESTS_PER_PHASE / connections).max(1);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(connections);
    for c in 0..connections {
        let paths = paths.clone();
        let offset = c * paths.len() / connections;
        tasks.push(tokio::spawn(async move {
            let mut tally = ConnectionTally::default();
            run_connection(
                addr,
                paths,
                offset,
                deadline,
                per_connection,
                count_suggestions,
                &mut tally,
            )
            .await;
            tally
        }));
    }
    let mut samples = Vec::new();
    let mut errors = 0;
    let mut with_suggestions = 0;
    let mut last_error = None;
    for task in tasks {
        match task.await {
            Ok(tally) => {
                samples.extend(tally.samples);
                errors += tally.errors;
                with_suggestions += tally.with_suggestions;
                last_error = tally.last_error.or(last_error);
            }
            Err(error) => {
                errors += 1;
                last_error = Some(format!("load task failed: {error}"));
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if samples.is_empty() {
        return Err(BenchError::NoResponses {
            path: paths[0].split('?').next().unwrap_or_default().to_owned(),
            errors,
            last_error: last_error.unwrap_or_else(|| "none".to_owned()),
        });
    }
    samples.sort_unstable();
    Ok(LoadStats {
        requests: samples.len(),
        errors,
        with_suggestions,
        seconds,
        rps: samples.len() as f64 / seconds.max(f64::EPSILON),
        p50_ms: percentile_ms(&samples, 0.50),
        p99_ms: percentile_ms(&samples, 0.99),
    })
}

/// Nearest-rank percentile of sorted, non-empty samples, in milliseconds.
fn percentile_ms(sorted: &[Duration], q: f64) -> f64 {
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// One connection's loop, bounded by `deadline`, `max_requests` and the error budget. A failed
/// request drops the connection; the next request opens a new one.
async fn run_connection(
    addr: SocketAddr,
    paths: Arc<[String]>,
    offset: usize,
    deadline: Instant,
    max_requests: usize,
    count_suggestions: bool,
    tally: &mut ConnectionTally,
) {
    let mut client: Option<Client> = None;
    let mut sent = 0;
    while sent < max_requests && Instant::now() < deadline {
        let path = &paths[(offset + sent) % paths.len()];
        sent += 1;
        let started = Instant::now();
        let outcome = tokio::time::timeout(REQUEST_TIMEOUT, async {
            let connection = match client.as_mut() {
                Some(connection) => connection,
                None => client.insert(Client::connect(addr).await?),
            };
            connection.get(path).await
        })
        .await;
        let failure = match outcome {
            Ok(Ok(reply)) if reply.status == 200 => {
                tally.samples.push(started.elapsed());
                if count_suggestions && !contains(&reply.body, br#""suggestions":[]"#) {
                    tally.with_suggestions += 1;
                }
                if reply.close {
                    client = None;
                }
                None
            }
            Ok(Ok(reply)) => Some(format!("{path}: status {}", reply.status)),
            Ok(Err(error)) => Some(format!("{path}: {error}")),
            Err(_) => Some(format!(
                "{path}: no response within {} s",
                REQUEST_TIMEOUT.as_secs()
            )),
        };
        if let Some(message) = failure {
            client = None;
            tally.errors += 1;
            tally.last_error = Some(message);
            if tally.errors >= MAX_ERRORS_PER_CONNECTION {
                break;
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A response as the load generator needs it.
#[derive(Debug, PartialEq, Eq)]
struct Reply {
    status: u16,
    body: Vec<u8>,
    /// The server announced it will close the connection.
    close: bool,
}

/// A minimal HTTP/1.1 client connection with keep-alive: `GET` only, one request at a time,
/// bodies delimited by `Content-Length` or chunked encoding.
struct Client {
    stream: TcpStream,
    host: String,
    buffer: Vec<u8>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            stream,
            host: addr.to_string(),
            buffer: Vec::with_capacity(8 * 1024),
        })
    }

    async fn get(&mut self, path: &str) -> std::io::Result<Reply> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: answerdesk-bench\r\nAccept: */*\r\n\r\n",
            self.host
        );
        self.stream.write_all(request.as_bytes()).await?;
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if let Some((reply, used)) = parse_response(&self.buffer)? {
                self.buffer.drain(..used);
                return Ok(reply);
            }
            if self.buffer.len() > MAX_RESPONSE_BYTES {
                return Err(invalid("response too large"));
            }
            let read = self.stream.read(&mut chunk).await?;
            if read == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "connection closed before the response ended",
                ));
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }
    }
}

fn invalid(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_owned())
}

/// Parses one complete response from the start of `data`: `Ok(None)` while it is incomplete,
/// otherwise the reply and how many bytes it took.
fn parse_response(data: &[u8]) -> std::io::Result<Option<(Reply, usize)>> {
    let Some(head_end) = find(data, b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = std::str::from_utf8(&data[..head_end]).map_err(|_| invalid("header not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| invalid("malformed status line"))?;
    let mut length = None;
    let mut chunked = false;
    let mut close = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid("malformed header line"));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| invalid("bad Content-Length"))?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        }
    }
    let body_start = head_end + 4;
    let (body, end) = if chunked {
        match decode_chunked(&data[body_start..])? {
            Some((body, used)) => (body, body_start + used),
            None => return Ok(None),
        }
    } else if let Some(length) = length {
        if length > MAX_RESPONSE_BYTES {
            return Err(invalid("response too large"));
        }
        if data.len() < body_start + length {
            return Ok(None);
        }
        (
            data[body_start..body_start + length].to_vec(),
            body_start + length,
        )
    } else if status == 204 || status == 304 || (100..200).contains(&status) {
        (Vec::new(), body_start)
    } else {
        return Err(invalid("response without Content-Length or chunked body"));
    };
    Ok(Some((
        Reply {
            status,
            body,
            close,
        },
        end,
    )))
}

/// Decodes a chunked body from the start of `data`: `Ok(None)` while it is incomplete.
fn decode_chunked(data: &[u8]) -> std::io::Result<Option<(Vec<u8>, usize)>> {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let Some(line_len) = find(&data[pos..], b"\r\n") else {
            return Ok(None);
        };
        let line = std::str::from_utf8(&data[pos..pos + line_len])
            .map_err(|_| invalid("chunk size not UTF-8"))?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        pos += line_len + 2;
        if size == 0 {
            // Optional trailers, then an empty line.
            loop {
                let Some(len) = find(&data[pos..], b"\r\n") else {
                    return Ok(None);
                };
                pos += len + 2;
                if len == 0 {
                    return Ok(Some((body, pos)));
                }
            }
        }
        if size > MAX_RESPONSE_BYTES || body.len() + size > MAX_RESPONSE_BYTES {
            return Err(invalid("response too large"));
        }
        if data.len() < pos + size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&data[pos..pos + size]);
        pos += size;
        if &data[pos..pos + 2] != b"\r\n" {
            return Err(invalid("chunk not followed by CRLF"));
        }
        pos += 2;
    }
}

/// A `/proc/self/status` field given in kB (`VmRSS`, `VmHWM`), in MB; `None` when unavailable.
pub fn read_status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        let kb: f64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
        Some(kb / 1024.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_with_content_length_is_parsed_once_complete() {
        let full = b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nok\nHTTP/1.1";
        assert_eq!(parse_response(&full[..20]).expect("valid"), None);
        assert_eq!(parse_response(&full[..40]).expect("valid"), None);
        let (reply, used) = parse_response(full).expect("valid").expect("complete");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, b"ok\n");
        assert!(!reply.close);
        assert_eq!(&full[used..], b"HTTP/1.1");
    }

    #[test]
    fn a_chunked_response_is_reassembled() {
        let full = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
                     4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";
        assert_eq!(
            parse_response(&full[..full.len() - 2]).expect("valid"),
            None
        );
        let (reply, used) = parse_response(full).expect("valid").expect("complete");
        assert_eq!(reply.body, b"Wikipedia");
        assert!(reply.close);
        assert_eq!(used, full.len());
    }

    #[test]
    fn a_response_without_a_length_is_an_error() {
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n\r\nbody").is_err());
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<Duration> = (1..=200).map(Duration::from_millis).collect();
        assert!((percentile_ms(&samples, 0.5) - 100.0).abs() < 1e-9);
        assert!((percentile_ms(&samples, 0.99) - 198.0).abs() < 1e-9);
    }

    #[test]
    fn resident_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(read_status_mb("VmRSS").is_some_and(|mb| mb > 0.0));
        }
        assert_eq!(read_status_mb("NoSuchField"), None);
    }
}
