//! `answerdesk bench-dashboard`: fills scratch databases with a sample history and times the
//! dashboard's figures (everything `/admin` and the content-gap report compute) per backend.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::content_gaps::content_gaps;
use super::sample_history::{SampleHistoryOptions, seed_dashboard_history};
use super::stats::{DashboardFilter, deflection_figures};
use crate::storage::{Database, now_millis};

/// What to measure.
#[derive(Clone, Debug)]
pub struct DashboardBenchOptions {
    pub tickets: usize,
    pub events: usize,
    /// Timed runs per scenario.
    pub runs: usize,
    /// A PostgreSQL server URL; a scratch database is created on it and dropped afterwards.
    pub postgres_url: Option<String>,
}

/// Timings of one scenario on one backend.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioTiming {
    pub backend: String,
    pub scenario: String,
    pub runs: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Everything measured.
#[derive(Clone, Debug, Serialize)]
pub struct DashboardBenchReport {
    pub tickets: usize,
    pub events: usize,
    /// Seconds spent filling each backend.
    pub seeding_seconds: Vec<(String, f64)>,
    pub timings: Vec<ScenarioTiming>,
}

impl DashboardBenchReport {
    /// A readable table.
    pub fn render(&self) -> String {
        let mut text = format!(
            "Dashboard figures with {} tickets and {} events\n",
            self.tickets, self.events
        );
        for (backend, seconds) in &self.seeding_seconds {
            text.push_str(&format!("  seeded {backend} in {seconds:.1} s\n"));
        }
        text.push_str(&format!(
            "  {:<10} {:<40} {:>5} {:>10} {:>10} {:>10}\n",
            "backend", "scenario", "runs", "p50 ms", "p99 ms", "max ms"
        ));
        for timing in &self.timings {
            text.push_str(&format!(
                "  {:<10} {:<40} {:>5} {:>10.1} {:>10.1} {:>10.1}\n",
                timing.backend,
                timing.scenario,
                timing.runs,
                timing.p50_ms,
                timing.p99_ms,
                timing.max_ms
            ));
        }
        text
    }
}

/// Seeds each backend and times the scenarios.
pub async fn run_dashboard_benchmark(
    options: &DashboardBenchOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<DashboardBenchReport> {
    let mut report = DashboardBenchReport {
        tickets: options.tickets,
        events: options.events,
        seeding_seconds: Vec::new(),
        timings: Vec::new(),
    };
    let directory = std::env::temp_dir().join(format!(
        "answerdesk-dashboard-bench-{}-{}",
        std::process::id(),
        now_millis()
    ));
    let sqlite_path = directory.join("bench.db").display().to_string();
    let outcome = async {
        let sqlite = Database::connect(&sqlite_path).await?;
        let outcome = measure_backend(&sqlite, "sqlite", options, &mut report, progress).await;
        sqlite.close().await;
        outcome
    }
    .await;
    let _ = std::fs::remove_dir_all(&directory);
    outcome?;

    if let Some(server) = &options.postgres_url {
        let scratch = ScratchPostgres::create(server).await?;
        let outcome = async {
            let postgres = Database::connect(&scratch.url).await?;
            let outcome =
                measure_backend(&postgres, "postgres", options, &mut report, progress).await;
            postgres.close().await;
            outcome
        }
        .await;
        scratch.drop_database().await;
        outcome?;
    }
    Ok(report)
}

async fn measure_backend(
    db: &Database,
    backend: &str,
    options: &DashboardBenchOptions,
    report: &mut DashboardBenchReport,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let now = now_millis();
    progress(&format!(
        "{backend}: seeding {} tickets and {} events…",
        options.tickets, options.events
    ));
    let started = Instant::now();
    seed_dashboard_history(
        db,
        &SampleHistoryOptions {
            tickets: options.tickets,
            events: options.events,
            now,
            days: 365,
        },
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    report.seeding_seconds.push((backend.to_owned(), seconds));
    progress(&format!("{backend}: seeded in {seconds:.1} s"));
    // Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give a live database.
    db.analyze().await?;

    let scenarios = [
        ("last 7 days", DashboardFilter::last_days(7, now, None)),
        ("last 30 days", DashboardFilter::last_days(30, now, None)),
        ("last 90 days", DashboardFilter::last_days(90, now, None)),
        (
            "last 30 days, language ru",
            DashboardFilter::last_days(30, now, Some("ru".to_owned())),
        ),
        ("last 365 days", DashboardFilter::last_days(365, now, None)),
    ];
    for (name, filter) in scenarios {
        // One warm-up run each, as a dashboard that is visited has warm caches.
        deflection_figures(db, &filter).await?;
        content_gaps(db, &filter).await?;
        let mut figures_durations = Vec::with_capacity(options.runs);
        let mut gaps_durations = Vec::with_capacity(options.runs);
        for _ in 0..options.runs.max(1) {
            let started = Instant::now();
            std::hint::black_box(deflection_figures(db, &filter).await?);
            figures_durations.push(started.elapsed());
            let started = Instant::now();
            std::hint::black_box(content_gaps(db, &filter).await?);
            gaps_durations.push(started.elapsed());
        }
        for (what, durations) in [
            ("figures", &mut figures_durations),
            ("content gaps", &mut gaps_durations),
        ] {
            let timing = timing(backend, &format!("{what}, {name}"), durations);
            progress(&format!(
                "{backend}: {}: p50 {:.1} ms, p99 {:.1} ms",
                timing.scenario, timing.p50_ms, timing.p99_ms
            ));
            report.timings.push(timing);
        }
    }
    Ok(())
}

fn timing(backend: &str, scenario: &str, durations: &mut [Duration]) -> ScenarioTiming {
    durations.sort_unstable();
    let at = |percent: usize| {
        let rank = (percent * durations.len()).div_ceil(100).max(1);
        durations[rank.min(durations.len()) - 1].as_secs_f64() * 1000.0
    };
    ScenarioTiming {
        backend: backend.to_owned(),
        scenario: scenario.to_owned(),
        runs: durations.len(),
        p50_ms: at(50),
        p99_ms: at(99),
        max_ms: at(100),
    }
}

/// A database created for one benchmark run on a PostgreSQL server.
struct ScratchPostgres {
    server: String,
    name: String,
    url: String,
}

impl ScratchPostgres {
    async fn create(server: &str) -> anyhow::Result<ScratchPostgres> {
        sqlx::any::install_default_drivers();
        let name = format!("answerdesk_bench_{}_{}", std::process::id(), now_millis());
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(server).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        let base = server
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(server);
        Ok(ScratchPostgres {
            server: server.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    async fn drop_database(self) {
        if let Ok(mut admin) =
            <sqlx::AnyConnection as sqlx::Connection>::connect(&self.server).await
        {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin)
            .await;
        }
    }
}
