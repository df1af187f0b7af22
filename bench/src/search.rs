//! `answerdesk-bench search`: the search engine and the real portal over HTTP, measured in one
//! run.
//!
//! Every timed phase gets half of the `seconds` budget:
//! 1. engine: [`crate::engine::run_engine`] times a full in-RAM reindex of the synthetic corpus,
//!    then `suggest_articles` and the SQLite FTS5 baseline on the same queries;
//! 2. HTTP: the portal as `answerdesk::app::build` assembles it, on a scratch data directory
//!    with an SQLite database and an empty content directory, its index rebuilt with the same
//!    synthetic articles, served by `axum::serve` on 127.0.0.1 (port 0) inside this process.
//!    [`crate::load::drive`] keeps `connections` tasks busy with `GET /api/suggest?q=…` (the
//!    generated queries, URL-encoded), then with `GET /healthz`, the ceiling of the HTTP stack
//!    itself.
//!
//! The load generator shares the process and the cores with the server, as a load tool on the
//! same machine would. Nothing leaves the loopback interface, and the scratch directory is
//! removed at the end.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use answerdesk::app::{self, AppState, BackgroundTasks};
use answerdesk::config::{Config, SecretUrl};
use axum::http::Uri;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::corpus::generate_queries;
use crate::engine::{EngineConfig, run_engine};
use crate::latency::LatencyStats;
use crate::load::{self, LoadStats};

/// Longest wait for the server and the background tasks to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

/// What `answerdesk-bench search` is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct SearchBenchOptions {
    /// Synthetic articles in the corpus.
    pub articles: usize,
    /// Total measuring time; each timed phase (tantivy, FTS5, `/api/suggest`, `/healthz`)
    /// gets half of it.
    pub seconds: f64,
    /// Concurrent keep-alive HTTP connections.
    pub connections: usize,
    /// Learned phrasings per article.
    pub learned_per_article: usize,
}

/// Everything one `answerdesk-bench search` run measured.
#[derive(Debug, Clone, Serialize)]
pub struct SearchBenchReport {
    /// Synthetic articles.
    pub articles: usize,
    /// Learned phrasings per article.
    pub learned_per_article: usize,
    /// Cores this process may use (client and server share them).
    pub cores: usize,
    /// Seconds per timed phase.
    pub phase_seconds: f64,
    /// Full in-RAM reindex of the engine benchmark, in seconds.
    pub reindex_seconds: f64,
    /// `suggest_articles` called directly (limit 5, snippets included).
    pub tantivy: LatencyStats,
    /// The SQLite FTS5 baseline on the same corpus and queries.
    pub fts5: LatencyStats,
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
    pub fts5: Percentiles,
}

/// HTTP figures.
#[derive(Debug, Clone, Serialize)]
pub struct HttpFigures {
    pub suggest: SuggestFigures,
    pub healthz: Throughput,
}

/// The one-line JSON summary `answerdesk-bench search` prints last:
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

impl SearchBenchReport {
    /// The figures of the JSON summary line, rounded to what is meaningful.
    pub fn figures(&self) -> BenchFigures {
        BenchFigures {
            articles: self.articles,
            engine: EngineFigures {
                tantivy: percentiles(&self.tantivy),
                fts5: percentiles(&self.fts5),
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
            "Synthetic help centre: {} articles, {} learned phrasings each; {} cores shared by server and load; {:.1} s per phase",
            self.articles, self.learned_per_article, self.cores, self.phase_seconds
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
        engine_row("SQLite FTS5 baseline", &self.fts5);
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
    options: &SearchBenchOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<SearchBenchReport> {
    let phase_seconds = (options.seconds / 2.0).max(0.05);
    let phase = Duration::from_secs_f64(phase_seconds);
    let engine_config = EngineConfig {
        articles: options.articles,
        seconds: phase_seconds,
        learned_per_article: options.learned_per_article,
        ..EngineConfig::default()
    };
    progress(&format!(
        "engine: indexing {} synthetic articles, then tantivy and FTS5 for {phase_seconds:.1} s each",
        options.articles
    ));
    let engine = run_engine(&engine_config).await?;

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

    Ok(SearchBenchReport {
        articles: options.articles,
        learned_per_article: options.learned_per_article,
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
    engine_config: &EngineConfig,
    connections: usize,
    phase: Duration,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<(f64, LoadStats, LoadStats)> {
    let corpus = crate::engine::bench_corpus(engine_config);
    let queries = generate_queries(&corpus, engine_config.queries, engine_config.seed);
    // The index is what /api/suggest reads; the articles need not be in the database.
    let rebuilt = portal.state.search.rebuild(corpus).await?;
    let base = format!("http://{}", portal.addr);
    let suggest_uris: Arc<[Uri]> = queries
        .iter()
        .map(|q| {
            format!(
                "{base}/api/suggest?q={}",
                utf8_percent_encode(q, NON_ALPHANUMERIC)
            )
            .parse()
        })
        .collect::<Result<_, _>>()?;
    let connections = connections.max(1);
    let client = load::client(connections);

    progress(&format!(
        "http: /api/suggest from {connections} connections for {:.1} s",
        phase.as_secs_f64()
    ));
    let suggest = load::drive(&client, suggest_uris, connections, phase, true).await?;

    progress(&format!(
        "http: /healthz from {connections} connections for {:.1} s",
        phase.as_secs_f64()
    ));
    let health_uris: Arc<[Uri]> = Arc::from(vec![format!("{base}/healthz").parse::<Uri>()?]);
    let healthz = load::drive(&client, health_uris, connections, phase, false).await?;
    Ok((rebuilt.seconds, suggest, healthz))
}

/// The real portal serving on a loopback port inside this process.
struct RunningPortal {
    addr: SocketAddr,
    state: AppState,
    background: BackgroundTasks,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    scratch: tempfile::TempDir,
}

impl RunningPortal {
    /// Builds the portal on a scratch data directory (SQLite, empty content directory, so
    /// nothing is imported) and serves it on 127.0.0.1 with a port the system picks.
    async fn start() -> anyhow::Result<RunningPortal> {
        let scratch = tempfile::Builder::new()
            .prefix("answerdesk-bench-")
            .tempdir()?;
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
        let router = answerdesk::http::router(state.clone());
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
        if let Err(error) = scratch.close() {
            tracing::warn!(%error, "could not remove the benchmark directory");
        }
    }
}

/// A `/proc/self/status` field given in kB (`VmRSS`, `VmHWM`), in MB; `None` when unavailable.
fn read_status_mb(field: &str) -> Option<f64> {
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
    fn resident_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(read_status_mb("VmRSS").is_some_and(|mb| mb > 0.0));
        }
        assert_eq!(read_status_mb("NoSuchField"), None);
    }
}
