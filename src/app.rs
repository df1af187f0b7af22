//! Wiring at start-up: configuration → database → content → background tasks → HTTP server.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use tokio::net::TcpListener;

use crate::accounts::LoginLimiter;
use crate::articles::{self, ArticleError};
use crate::config::{Config, ConfigError, SecretUrl};
use crate::deflection::request_flow::{
    RequestFlow, TicketRateLimiter, purge_unsubmitted_drafts, record_abandoned_requests,
};
use crate::deflection::{EventRecorder, EventWriterTask};
use crate::http;
use crate::limits::AttemptLimit;
use crate::notifications::EmailSender;
use crate::search::sync::{IndexFollower, IndexSyncTask, SyncError};
use crate::search::{SearchError, SearchIndex};
use crate::storage::{Database, StorageError, now_millis};
use crate::tickets::TicketRules;
use crate::tickets::conversation::close_resolved_tickets;

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<App>);

/// The long-lived services of one running portal.
pub struct App {
    pub config: Config,
    pub db: Database,
    pub search: SearchIndex,
    /// Brings `search` up to the database's latest article change.
    pub index_follower: IndexFollower,
    pub events: EventRecorder,
    pub rules: TicketRules,
    /// Tickets filed per IP address; `None` when the limit is off. Shared by every
    /// instance on PostgreSQL.
    pub ticket_rate_limiter: Option<TicketRateLimiter>,
    /// Staff sign-in attempts per account and per address (shared likewise).
    pub login_limiter: LoginLimiter,
    /// Request drafts started, and autosaves, per IP address (shared likewise).
    pub draft_rate_limiter: Option<AttemptLimit>,
    pub autosave_rate_limiter: Option<AttemptLimit>,
    /// Languages with published articles, refreshed when the index takes a change; read per
    /// keystroke, so it is kept in memory rather than queried.
    languages: Languages,
}

/// The languages that have published articles, as last read.
#[derive(Clone, Default)]
struct Languages(Arc<RwLock<Vec<String>>>);

impl Languages {
    fn get(&self) -> Vec<String> {
        self.0.read().map(|l| l.clone()).unwrap_or_default()
    }

    async fn refresh(&self, db: &Database) -> Result<(), StorageError> {
        let languages = db
            .published_languages()
            .await?
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        if let Ok(mut current) = self.0.write() {
            *current = languages;
        }
        Ok(())
    }
}

impl App {
    /// The portal's public URL without a trailing slash, for links sent to customers.
    pub fn public_base_url(&self) -> String {
        self.config.public_base_url(self.config.listen)
    }

    /// The request flow, with this portal's services.
    pub fn request_flow(&self) -> RequestFlow<'_> {
        RequestFlow {
            db: &self.db,
            events: &self.events,
            search: &self.search,
            rules: &self.rules,
            sla: &self.config.sla,
            ticket_limiter: self.ticket_rate_limiter.as_ref(),
            draft_limiter: self.draft_rate_limiter.as_ref(),
            autosave_limiter: self.autosave_rate_limiter.as_ref(),
            default_language: &self.config.default_language,
            base_url: self.public_base_url(),
            site_name: &self.config.site_name,
        }
    }

    /// Languages that have published articles.
    pub fn languages(&self) -> Vec<String> {
        self.languages.get()
    }

    /// Re-reads which languages have published articles.
    pub async fn refresh_languages(&self) -> Result<(), StorageError> {
        self.languages.refresh(&self.db).await
    }

    /// Indexes every article change committed so far, this process's and other instances':
    /// after storing a change, it is searchable when this returns.
    pub async fn index_article_changes(&self) -> Result<(), SyncError> {
        self.index_follower.catch_up().await?;
        self.refresh_languages().await?;
        Ok(())
    }
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

/// Background work that must be finished at shutdown.
pub struct BackgroundTasks {
    events: EventWriterTask,
    index_sync: IndexSyncTask,
    email: EmailSender,
    maintenance: (watch::Sender<bool>, JoinHandle<()>),
    languages: (watch::Sender<bool>, JoinHandle<()>),
}

impl BackgroundTasks {
    /// Stops the periodic tasks and flushes pending events. Every clone of the state must be
    /// dropped first, so the event queue can drain and close.
    pub async fn finish(self) {
        for (stop, handle) in [self.maintenance, self.languages] {
            let _ = stop.send(true);
            let _ = handle.await;
        }
        self.index_sync.stop().await;
        self.email.stop().await;
        self.events.finish().await;
    }
}

/// How often drafts are checked for abandonment and resolved tickets for closing.
const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(60);
/// A round of maintenance is claimed by one instance when no instance started one within
/// this much of the interval (the rest absorbs the instances' timers drifting apart).
const MAINTENANCE_CLAIM_MILLIS: i64 = 55_000;

/// Periodic database work. Every instance runs the timer, but each round is claimed in the
/// database by one of them, and each job claims its rows with the statement that changes
/// them, so a ticket closes and a request counts as abandoned once however many run.
fn start_maintenance(state: &AppState) -> (watch::Sender<bool>, JoinHandle<()>) {
    let (stop, mut stopped) = watch::channel(false);
    let db = state.db.clone();
    let events = state.events.clone();
    let auto_close_days = state.config.auto_close_days;
    let draft_retention_days = state.config.draft_retention_days;
    let handle = tokio::spawn(async move {
        let mut ticker = tokio::time::interval(MAINTENANCE_INTERVAL);
        loop {
            tokio::select! {
                _ = ticker.tick() => {},
                _ = stopped.changed() => break,
            }
            let now = now_millis();
            match db
                .claim_job_round("maintenance", now, MAINTENANCE_CLAIM_MILLIS)
                .await
            {
                Ok(true) => {}
                Ok(false) => continue,
                Err(error) => {
                    tracing::warn!(%error, "could not claim a maintenance round");
                    continue;
                }
            }
            if let Err(error) = record_abandoned_requests(&db, &events).await {
                tracing::warn!(%error, "could not check for abandoned requests");
            }
            match close_resolved_tickets(&db, auto_close_days).await {
                Ok(0) => {}
                Ok(closed) => tracing::info!(closed, "closed resolved tickets"),
                Err(error) => tracing::warn!(%error, "could not close resolved tickets"),
            }
            match purge_unsubmitted_drafts(&db, draft_retention_days, now).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "deleted request drafts never filed"),
                Err(error) => tracing::warn!(%error, "could not delete old request drafts"),
            }
            if let Err(error) = db.purge_drained_rate_limits(now).await {
                tracing::warn!(%error, "could not purge expired attempt counts");
            }
            if let Err(error) = crate::accounts::login::purge_expired_failures(&db, now).await {
                tracing::warn!(%error, "could not purge expired sign-in failures");
            }
        }
    });
    (stop, handle)
}

/// Re-reads the languages with published articles whenever the index takes a change, from
/// this instance or another.
fn follow_languages(state: &AppState) -> (watch::Sender<bool>, JoinHandle<()>) {
    let (stop, mut stopped) = watch::channel(false);
    let db = state.db.clone();
    let languages = state.languages.clone();
    let mut synced = state.search.sync_signal();
    let handle = tokio::spawn(async move {
        loop {
            tokio::select! {
                changed = synced.changed() => if changed.is_err() { break },
                _ = stopped.changed() => break,
            }
            if let Err(error) = languages.refresh(&db).await {
                tracing::warn!(%error, "could not read the languages with articles");
            }
        }
    });
    (stop, handle)
}

/// `bucket` per address per ten minutes; `None` when the limit is 0 (off).
fn per_ten_minutes(bucket: &'static str, count: u32, db: &Database) -> Option<AttemptLimit> {
    AttemptLimit::for_database(bucket, count, Duration::from_secs(600), db)
}

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Content(#[from] ArticleError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("email: {0}")]
    Email(String),
    #[error(transparent)]
    IndexSync(#[from] SyncError),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Connects the database, imports the shipped content on first start, and starts background tasks.
pub async fn build(config: Config) -> Result<(AppState, BackgroundTasks), StartError> {
    let database_url = config.resolved_database_url();
    tracing::info!(database = %SecretUrl::redacted(&database_url), "opening database");
    // Migrations and the first import run once: other instances starting at the same moment
    // wait for the start-up lock, then find the content in place.
    let (db, setup) = Database::connect_for_setup(&database_url).await?;
    import_content_on_first_start(&db, &config).await?;
    setup.release().await?;
    let (search, health) = SearchIndex::open_in_dir(&config.index_dir())?;
    let index_follower = IndexFollower::new(search.clone(), db.clone());
    index_follower.ensure_current(health).await?;
    let index_sync = IndexSyncTask::start(index_follower.clone());
    let rules = config.load_ticket_rules()?;
    let email = EmailSender::start(db.clone(), &config.smtp_url.0, &config.email_from)
        .map_err(StartError::Email)?;
    let (events, events_task) = EventRecorder::start(db.clone());
    let state = AppState(Arc::new(App {
        ticket_rate_limiter: per_ten_minutes("tickets_per_address", config.ticket_rate_limit, &db),
        draft_rate_limiter: per_ten_minutes("drafts_per_address", config.draft_rate_limit, &db),
        autosave_rate_limiter: per_ten_minutes(
            "autosaves_per_address",
            config.autosave_rate_limit,
            &db,
        ),
        login_limiter: LoginLimiter::for_database(&db),
        config,
        db,
        search,
        index_follower,
        events,
        rules,
        languages: Languages::default(),
    }));
    state.refresh_languages().await?;
    let maintenance = start_maintenance(&state);
    let languages = follow_languages(&state);
    Ok((
        state,
        BackgroundTasks {
            events: events_task,
            index_sync,
            email,
            maintenance,
            languages,
        },
    ))
}

async fn import_content_on_first_start(db: &Database, config: &Config) -> Result<(), StartError> {
    if db.article_count().await? > 0 {
        return Ok(());
    }
    let dir: &Path = &config.content_dir;
    if !dir.is_dir() {
        tracing::warn!(dir = %dir.display(), "no content directory: starting with an empty help centre");
        return Ok(());
    }
    let report = articles::import_directory(db, dir, &config.default_language, "import").await?;
    for (path, outcome) in &report.files {
        if let articles::FileOutcome::Invalid(error) = outcome {
            tracing::warn!("{}/{path}: {error}", dir.display());
        }
    }
    tracing::info!(dir = %dir.display(), "imported content: {}", report.summary());
    Ok(())
}

/// Runs the portal until Ctrl-C or SIGTERM, printing the URL it listens on.
pub async fn serve(mut config: Config) -> Result<(), StartError> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Listen {
            address: config.listen,
            source,
        })?;
    let bound = listener.local_addr().map_err(StartError::Serve)?;
    // With port 0 the real port is known only now; links to customers must carry it.
    config.listen = bound;
    let public_url = config.public_base_url(bound);
    let (state, background) = build(config).await?;
    let router = http::router(state);
    println!("Answerdesk is running at http://{bound}/ (public URL {public_url}/)");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(StartError::Serve)?;
    tracing::info!("shutting down: flushing background writes");
    background.finish().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
