//! `answerdesk-bench staff`: fills scratch databases with a sample history (tickets,
//! conversations, self-service events), then times per backend what staff wait for: the
//! dashboard's figures and content gaps (the domain functions), and the agents' inbox and the
//! dashboard as pages, through the real router with a signed-in admin.

use std::time::Instant;

use answerdesk::accounts::sessions::start_session;
use answerdesk::accounts::{NewUser, Role, add_user};
use answerdesk::app;
use answerdesk::config::{Config, SecretUrl};
use answerdesk::deflection::content_gaps::content_gaps_from;
use answerdesk::deflection::{DashboardFilter, EventSource, deflection_figures_from};
use answerdesk::storage::{Database, now_millis};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde::Serialize;
use tower::ServiceExt;

use crate::history::{SampleHistoryOptions, analyze, refresh_inbox_order, seed_dashboard_history};
use crate::latency::Latencies;

/// The pages timed through the router, by what staff would call them.
const PAGES: &[(&str, &str)] = &[
    ("page /agent (active, by SLA due)", "/agent"),
    ("page /agent, SLA breached", "/agent?sla=breached"),
    ("page /agent, urgent only", "/agent?priority=urgent"),
    ("page /agent, unassigned", "/agent?assignee=unassigned"),
    (
        "page /agent, all, newest, page 100 by offset",
        "/agent?status=all&sort=newest&page=100",
    ),
    ("page /admin, last 30 days", "/admin?range=30"),
    ("page /admin, last 90 days", "/admin?range=90"),
    ("page /admin, last 365 days", "/admin?range=365"),
    (
        "page /admin/content-gaps, 30 days",
        "/admin/content-gaps?range=30",
    ),
];

/// What to measure.
#[derive(Clone, Debug)]
pub struct StaffBenchOptions {
    pub tickets: usize,
    pub events: usize,
    /// Timed runs per scenario.
    pub runs: usize,
    /// Timed runs of the raw-event computation (the "before"), which is slow on long periods.
    pub raw_runs: usize,
    /// Only PostgreSQL (for histories too large to be worth waiting for on SQLite).
    pub skip_sqlite: bool,
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
pub struct StaffBenchReport {
    pub tickets: usize,
    pub events: usize,
    /// Seconds spent filling each backend.
    pub seeding_seconds: Vec<(String, f64)>,
    pub timings: Vec<ScenarioTiming>,
}

impl StaffBenchReport {
    /// A readable table.
    pub fn render(&self) -> String {
        let mut text = format!(
            "Staff pages and dashboard figures with {} tickets and {} events\n",
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
pub async fn run(
    options: &StaffBenchOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<StaffBenchReport> {
    let mut report = StaffBenchReport {
        tickets: options.tickets,
        events: options.events,
        seeding_seconds: Vec::new(),
        timings: Vec::new(),
    };
    // Removed when dropped, whatever happens below.
    let scratch = tempfile::Builder::new()
        .prefix("answerdesk-staff-bench-")
        .tempdir()?;
    let directory = scratch.path();
    if !options.skip_sqlite {
        let sqlite_path = directory.join("bench.db").display().to_string();
        let sqlite = Database::connect(&sqlite_path).await?;
        let outcome = measure_backend(&sqlite, "sqlite", options, &mut report, progress).await;
        sqlite.close().await;
        outcome?;
        measure_pages(
            &sqlite_path,
            "sqlite",
            directory,
            options,
            &mut report,
            progress,
        )
        .await?;
    }

    if let Some(server) = &options.postgres_url {
        let postgres_scratch = ScratchPostgres::create(server).await?;
        let outcome = async {
            let postgres = Database::connect(&postgres_scratch.url).await?;
            let outcome =
                measure_backend(&postgres, "postgres", options, &mut report, progress).await;
            postgres.close().await;
            outcome?;
            measure_pages(
                &postgres_scratch.url,
                "postgres",
                directory,
                options,
                &mut report,
                progress,
            )
            .await
        }
        .await;
        postgres_scratch.drop_database().await;
        outcome?;
    }
    scratch.close()?;
    Ok(report)
}

async fn measure_backend(
    db: &Database,
    backend: &str,
    options: &StaffBenchOptions,
    report: &mut StaffBenchReport,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let now = now_millis();
    progress(&format!(
        "{backend}: seeding {} tickets and {} events…",
        options.tickets, options.events
    ));
    let started = Instant::now();
    let seeded = seed_dashboard_history(
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
    progress(&format!(
        "{backend}: seeded {} tickets, {} messages, {} events and {} agents in {seconds:.1} s",
        seeded.tickets, seeded.messages, seeded.events, seeded.agents
    ));
    // The events were bulk-loaded raw; the roll-ups are built from them as the first start
    // on a database from before roll-ups does.
    let started = Instant::now();
    db.rebuild_event_rollups().await?;
    let seconds = started.elapsed().as_secs_f64();
    report
        .seeding_seconds
        .push((format!("{backend} roll-ups built"), seconds));
    progress(&format!(
        "{backend}: built the daily roll-ups in {seconds:.1} s"
    ));
    // The inbox keeps its SLA order in columns that filing maintains; the bulk-seeded
    // tickets get them here, as the migration does for tickets that existed before it.
    refresh_inbox_order(db).await?;
    // Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give a live database.
    analyze(db).await?;

    let scenarios = [
        ("last 7 days", DashboardFilter::last_days(7, now, None)),
        ("last 30 days", DashboardFilter::last_days(30, now, None)),
        ("last 90 days", DashboardFilter::last_days(90, now, None)),
        ("last 365 days", DashboardFilter::last_days(365, now, None)),
        (
            "last 30 days, language ru",
            DashboardFilter::last_days(30, now, Some("ru".to_owned())),
        ),
        (
            "last 365 days, language ru",
            DashboardFilter::last_days(365, now, Some("ru".to_owned())),
        ),
    ];
    for (source, label, runs) in [
        (EventSource::Best, "roll-ups", options.runs),
        (EventSource::RawEvents, "raw events", options.raw_runs),
    ] {
        if runs == 0 {
            continue;
        }
        for (name, filter) in &scenarios {
            // One warm-up run each, as a dashboard that is visited has warm caches.
            let figures = deflection_figures_from(db, filter, source).await?;
            content_gaps_from(db, filter, source).await?;
            if source == EventSource::Best {
                progress(&format!(
                    "{backend}: {name}: {} visitors{}, {} searches, {} ending in a ticket",
                    figures.help_centre_visitors,
                    if figures.help_centre_visitors_estimated {
                        " (estimated)"
                    } else {
                        ""
                    },
                    figures.searches,
                    figures.searches_ending_in_ticket
                ));
            }
            let mut figures_latencies = Latencies::new();
            let mut gaps_latencies = Latencies::new();
            for _ in 0..runs {
                let started = Instant::now();
                std::hint::black_box(deflection_figures_from(db, filter, source).await?);
                figures_latencies.record(started.elapsed());
                let started = Instant::now();
                std::hint::black_box(content_gaps_from(db, filter, source).await?);
                gaps_latencies.record(started.elapsed());
            }
            for (what, latencies) in [
                ("figures", &figures_latencies),
                ("content gaps", &gaps_latencies),
            ] {
                let timing = timing(backend, &format!("{what} ({label}), {name}"), latencies);
                progress(&format!(
                    "{backend}: {}: p50 {:.1} ms, p99 {:.1} ms",
                    timing.scenario, timing.p50_ms, timing.p99_ms
                ));
                report.timings.push(timing);
            }
        }
    }
    Ok(())
}

/// Times each page of [`PAGES`] through the real router, signed in as an admin.
async fn measure_pages(
    database_url: &str,
    backend: &str,
    scratch_directory: &std::path::Path,
    options: &StaffBenchOptions,
    report: &mut StaffBenchReport,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let data_dir = scratch_directory.join(format!("{backend}-data"));
    let config = Config {
        database_url: SecretUrl(database_url.to_owned()),
        data_dir: data_dir.clone(),
        // No content: the sample history needs no articles, and nothing is imported.
        content_dir: scratch_directory.join("no-content"),
        ..Config::default()
    };
    let (state, background) = app::build(config).await?;
    let admin = add_user(
        &state.db,
        NewUser {
            email: format!("bench-admin-{}@example.invalid", now_millis()),
            name: "Benchmark admin".to_owned(),
            role: Role::Admin,
            password: answerdesk::tokens::random_token(16),
        },
        None,
    )
    .await?;
    let session = start_session(&state.db, &admin, 1).await?;
    let cookie = format!("answerdesk_staff={}", session.token);
    let router = answerdesk::http::router(state.clone());
    let outcome = async {
        // Page 100 as an agent reaches it: following "Next" (a cursor) 99 times.
        let mut deep = "/agent?status=all&sort=newest".to_owned();
        for _ in 0..99 {
            let request = Request::get(deep.as_str())
                .header(header::COOKIE, &cookie)
                .body(Body::empty())?;
            let response = router.clone().oneshot(request).await?;
            let body = response.into_body().collect().await?.to_bytes();
            let body = String::from_utf8_lossy(&body);
            let Some(next) = next_link(&body) else { break };
            deep = next;
        }
        let deep_name = "page /agent, all, newest, page 100 by cursor";
        let pages = PAGES
            .iter()
            .map(|(name, path)| (*name, (*path).to_owned()))
            .chain([(deep_name, deep)]);
        for (name, path) in pages {
            let path = path.as_str();
            let get = || {
                let request = Request::get(path)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty());
                let router = router.clone();
                async move {
                    let response = router.oneshot(request?).await?;
                    let status = response.status();
                    let body = response.into_body().collect().await?.to_bytes();
                    anyhow::ensure!(
                        status == StatusCode::OK,
                        "{path} answered {status}: {}",
                        String::from_utf8_lossy(&body)
                    );
                    Ok::<usize, anyhow::Error>(body.len())
                }
            };
            get().await?;
            let mut latencies = Latencies::new();
            for _ in 0..options.runs.max(1) {
                let started = Instant::now();
                std::hint::black_box(get().await?);
                latencies.record(started.elapsed());
            }
            let timing = timing(backend, name, &latencies);
            progress(&format!(
                "{backend}: {}: p50 {:.1} ms, p99 {:.1} ms",
                timing.scenario, timing.p50_ms, timing.p99_ms
            ));
            report.timings.push(timing);
        }
        Ok::<(), anyhow::Error>(())
    }
    .await;
    drop(router);
    drop(state);
    background.finish().await;
    outcome
}

/// The address of a page's "Next" link.
fn next_link(body: &str) -> Option<String> {
    let marker = "rel=\"next\" href=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(
        body[start..end]
            .replace("&amp;", "&")
            .replace("&#x2f;", "/"),
    )
}

fn timing(backend: &str, scenario: &str, latencies: &Latencies) -> ScenarioTiming {
    ScenarioTiming {
        backend: backend.to_owned(),
        scenario: scenario.to_owned(),
        runs: usize::try_from(latencies.count()).unwrap_or(usize::MAX),
        p50_ms: latencies.quantile_ms(0.50),
        p99_ms: latencies.quantile_ms(0.99),
        max_ms: latencies.max_ms(),
    }
}

/// A database created for one benchmark run on a PostgreSQL server.
pub(crate) struct ScratchPostgres {
    server: String,
    name: String,
    pub(crate) url: String,
}

impl ScratchPostgres {
    pub(crate) async fn create(server: &str) -> anyhow::Result<ScratchPostgres> {
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

    pub(crate) async fn drop_database(self) {
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
