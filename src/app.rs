//! Wiring at start-up: configuration → database → content → background tasks → HTTP server.

use crate::attachments::{DiskFiles, FileStore};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use tokio::net::TcpListener;

use crate::accounts::LoginLimiter;
use crate::articles::{self, ArticleError};
use crate::config::{Config, ConfigError, SecretUrl, ServingLimits};
use crate::deflection::request_flow::{
    RequestFlow, TicketRateLimiter, purge_unsubmitted_drafts, record_abandoned_requests,
};
use crate::deflection::stats::purge_expired_events;
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
    /// Readers' "what was missing" notes per address (shared likewise).
    pub reader_note_limiter: Option<AttemptLimit>,
    /// Requests to resend a customer's ticket links, per address and per recipient.
    pub lost_link_limits: LostLinkLimits,
    /// Request drafts started, and autosaves, per IP address (shared likewise).
    pub draft_rate_limiter: Option<AttemptLimit>,
    pub autosave_rate_limiter: Option<AttemptLimit>,
    /// Files uploaded per IP address and hour (shared likewise), so one client cannot fill
    /// the disk.
    pub upload_rate_limiter: Option<AttemptLimit>,
    /// How much one client address may teach the suggestions.
    pub learning_limits: crate::deflection::learning_limits::LearningLimits,
    /// The bytes of attached files.
    pub files: DiskFiles,
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
            files: &self.files,
            attachment_limits: self.config.attachments.limits(),
            upload_limiter: self.upload_rate_limiter.as_ref(),
            learning_limits: &self.learning_limits,
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
    ///
    /// When the index cannot be written (its directory unwritable, the disk full), the
    /// change is stored all the same: this logs it and returns, `/readyz` reports the
    /// index, and the background follower indexes the change once the writer reopens.
    pub async fn index_article_changes(&self) -> Result<(), SyncError> {
        if let Err(error) = self.index_follower.catch_up().await {
            let SyncError::Search(_) = error else {
                return Err(error);
            };
            // One prompt retry through a reopened writer, for a fault that has passed.
            let retried = match self.search.recover().await {
                Ok(()) => self.index_follower.catch_up().await.map(|_| ()),
                Err(error) => Err(SyncError::Search(error)),
            };
            match retried {
                Ok(()) => {}
                Err(SyncError::Search(error)) => {
                    tracing::warn!(%error, "stored, but not yet searchable: the index follows once it can be written");
                }
                Err(error) => return Err(error),
            }
        }
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
    let files = state.files.clone();
    let auto_close_days = state.config.auto_close_days;
    let draft_retention_days = state.config.draft_retention_days;
    let event_retention_days = state.config.event_retention_days;
    let learn_from_deflections = state.config.learn_from_deflections;
    let learning_settings = state.config.learning.settings();
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
            match remove_unreferenced_files(&db, &files).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "removed files nothing refers to"),
                Err(error) => tracing::warn!(%error, "could not remove unreferenced files"),
            }
            if let Err(error) = db.purge_drained_rate_limits(now).await {
                tracing::warn!(%error, "could not purge expired attempt counts");
            }
            match purge_expired_events(&db, event_retention_days, now).await {
                Ok(None | Some(0)) => {}
                Ok(Some(dropped)) => tracing::info!(dropped, "dropped events past retention"),
                Err(error) => tracing::warn!(%error, "could not drop events past retention"),
            }
            if learn_from_deflections {
                let settings = learning_settings.clone();
                match crate::deflection::learning_job::learn_in_background(&db, &settings, now)
                    .await
                {
                    Ok(Some(round)) if round.articles_changed > 0 => tracing::info!(
                        votes = round.votes,
                        articles = round.articles_changed,
                        "learned how customers describe articles"
                    ),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "could not learn from closed requests"),
                }
            }
            if let Err(error) = crate::tickets::idempotency::purge_old_keys(&db, now).await {
                tracing::warn!(%error, "could not purge old idempotency keys");
            }
            if let Err(error) = crate::accounts::login::purge_expired_failures(&db, now).await {
                tracing::warn!(%error, "could not purge expired sign-in failures");
            }
        }
    });
    (stop, handle)
}

/// A file kept this recently may belong to an upload whose row is being written.
const UNREFERENCED_FILE_GRACE: Duration = Duration::from_secs(3600);

/// Removes kept files that no draft, message or article refers to any more (after a draft
/// expired or a ticket's data was deleted); returns how many.
pub async fn remove_unreferenced_files(
    db: &Database,
    files: &DiskFiles,
) -> Result<usize, StartError> {
    let referenced = db.referenced_file_hashes().await?;
    files
        .remove_unreferenced(&referenced, UNREFERENCED_FILE_GRACE)
        .await
        .map_err(|source| StartError::DataDir {
            path: files.temp_dir(),
            source,
        })
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

/// How often the links of one's requests can be asked for again.
pub struct LostLinkLimits {
    /// From one network address: 5 an hour.
    pub per_address: Option<AttemptLimit>,
    /// To one email address: 3 a day, so nobody fills someone's inbox through the form.
    pub per_recipient: Option<AttemptLimit>,
}

impl LostLinkLimits {
    fn for_database(db: &Database) -> LostLinkLimits {
        LostLinkLimits {
            per_address: AttemptLimit::for_database(
                "lost_links_per_address",
                5,
                Duration::from_secs(3600),
                db,
            ),
            per_recipient: AttemptLimit::for_database(
                "lost_links_per_recipient",
                3,
                Duration::from_secs(24 * 3600),
                db,
            ),
        }
    }
}

/// "What was missing" notes one address may leave per hour: more than a reader writes, few
/// enough that nobody can fill the editors' pages.
const READER_NOTES_PER_HOUR: u32 = 20;

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
    #[error(
        "the data directory {path} cannot be written ({source}); the database and the search index live there: check its permissions and free space"
    )]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
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
    check_data_dir(&config.data_dir)?;
    let database_url = config.resolved_database_url();
    tracing::info!(database = %SecretUrl::redacted(&database_url), "opening database");
    // Migrations and the first import run once: other instances starting at the same moment
    // wait for the start-up lock, then find the content in place.
    let acquire_timeout = Duration::from_millis(config.serving.database_acquire_timeout_ms);
    let (db, setup) = Database::connect_for_setup_with(&database_url, acquire_timeout).await?;
    import_content_on_first_start(&db, &config).await?;
    setup.release().await?;
    let (search, health) = SearchIndex::open_in_dir(&config.index_dir())?;
    let index_follower = IndexFollower::new(search.clone(), db.clone());
    index_follower.ensure_current(health).await?;
    let index_sync = IndexSyncTask::start(index_follower.clone());
    let rules = config.load_ticket_rules()?;
    let learning_limits = crate::deflection::learning_limits::LearningLimits::for_database(
        config.learning.votes_per_address_per_day,
        config.learning.days_between_votes_on_an_article,
        &db,
    )
    .await?;
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
        reader_note_limiter: AttemptLimit::for_database(
            "reader_notes_per_address",
            READER_NOTES_PER_HOUR,
            Duration::from_secs(3600),
            &db,
        ),
        lost_link_limits: LostLinkLimits::for_database(&db),
        upload_rate_limiter: AttemptLimit::for_database(
            "uploads_per_address",
            config.attachments.uploads_per_hour,
            Duration::from_secs(3600),
            &db,
        ),
        learning_limits,
        files: DiskFiles::new(config.files_dir()),
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

/// Fails start-up, naming the directory, when the data directory cannot take a write (read
/// only, full disk, not a directory): better than a panic or a half-started portal later.
fn check_data_dir(dir: &Path) -> Result<(), StartError> {
    let failed = |source| StartError::DataDir {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let probe = dir.join(".answerdesk-write-probe");
    let written = std::fs::File::create(&probe).and_then(|mut file| {
        use std::io::Write;
        // A block's worth, synced, so a full disk shows now rather than in the first write.
        file.write_all(&[0; 4096])?;
        file.sync_all()
    });
    let removed = std::fs::remove_file(&probe);
    written.map_err(failed)?;
    match removed {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(failed(error)),
        _ => Ok(()),
    }
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
    let open_files = raise_open_file_limit();
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
    let limits = ConnectionLimits::from_config(&config.serving, open_files);
    let (state, background) = build(config).await?;
    let router = http::router(state);
    println!("Answerdesk is running at http://{bound}/ (public URL {public_url}/)");
    tracing::info!(
        max_connections = limits.max_connections,
        open_file_limit = open_files,
        "serving"
    );
    serve_connections(listener, router, limits, shutdown_signal())
        .await
        .map_err(StartError::Serve)?;
    tracing::info!("shutting down: flushing background writes");
    background.finish().await;
    Ok(())
}

/// How the server treats connections: slow clients are cut off, and only so many are
/// served at once, so neither a slow-header flood nor many idle sockets can use up the
/// process's file descriptors (which the database and the search index need too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A connection without a whole request head after this is closed.
    pub header_read_timeout: Duration,
    /// A request body that sends nothing for this long fails (`400`) and its connection closes.
    pub body_read_timeout: Duration,
    /// A connection with no request in progress for this long is closed (after its first).
    pub idle_timeout: Duration,
    /// Connections served at once; the next ones wait in the listen queue.
    pub max_connections: usize,
}

/// File descriptors kept out of the connection budget: database connections, index
/// segments, log and content files.
const RESERVED_FILES: u64 = 256;
/// The connection budget when it is derived from the open-file limit, at most.
const MAX_DERIVED_CONNECTIONS: u64 = 4096;
/// Requests in flight at shutdown get this long to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// After an accept error (out of file descriptors, say), the pause before accepting again,
/// so the loop does not spin while connections close.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

impl ConnectionLimits {
    /// The configured limits; a `max_connections` of 0 is sized from the open-file limit.
    pub fn from_config(serving: &ServingLimits, open_files: u64) -> ConnectionLimits {
        let derived = open_files
            .saturating_sub(RESERVED_FILES)
            .clamp(16, MAX_DERIVED_CONNECTIONS) as usize;
        ConnectionLimits {
            header_read_timeout: Duration::from_millis(serving.header_read_timeout_ms),
            body_read_timeout: Duration::from_millis(serving.body_read_timeout_ms),
            idle_timeout: Duration::from_millis(serving.idle_connection_timeout_ms),
            max_connections: match serving.max_connections {
                0 => derived,
                configured => configured,
            },
        }
    }
}

/// Raises the soft open-file limit to the hard one (many connections need many
/// descriptors); returns the limit in force.
fn raise_open_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "could not read or raise the open-file limit");
            1024
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets requests in flight
/// finish (for at most [`SHUTDOWN_GRACE`]).
pub async fn serve_connections(
    listener: TcpListener,
    router: axum::Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto;
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let service = tower::ServiceBuilder::new()
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.body_read_timeout,
        ))
        .service(router);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    let mut refused_since_accepting = 0u64;
    loop {
        // Taken before accepting: beyond the limit, clients wait in the kernel's queue
        // instead of costing a descriptor each.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    refused_since_accepting += 1;
                    if refused_since_accepting.is_power_of_two() {
                        tracing::warn!(%error, times = refused_since_accepting, "accept error");
                    }
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        refused_since_accepting = 0;
        let _ = stream.set_nodelay(true);
        // Told when the connection's first request head has arrived whole.
        let first_request = Arc::new(tokio::sync::Notify::new());
        let arrived = first_request.clone();
        let activity = Arc::new(ConnectionActivity::default());
        let tracked = activity.clone();
        let service = service
            .clone()
            .map_request(move |mut request: axum::http::Request<_>| {
                arrived.notify_one();
                request.extensions_mut().insert(ConnectInfo(remote));
                request
            })
            .map_future(move |response| {
                let in_progress = tracked.start();
                async move {
                    let response = response.await;
                    drop(in_progress);
                    response
                }
            });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        let header_read_timeout = limits.header_read_timeout;
        let idle_timeout = limits.idle_timeout;
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            // hyper times the HTTP/1 head only once it has told HTTP/1 from HTTP/2: a client
            // that sends nothing, or the start of the HTTP/2 preface, would keep its place
            // for ever. Until a first request head has arrived, the deadline is kept here.
            let ended = tokio::select! {
                ended = &mut connection => Some(ended),
                () = first_request.notified() => None,
                () = tokio::time::sleep(header_read_timeout) => {
                    tracing::debug!(%remote, "no request head in time: connection closed");
                    drop(permit);
                    return;
                }
            };
            // From then on, a connection with nothing in progress for `idle_timeout` is
            // closed: hyper's HTTP/2 has no idle limit of its own.
            let ended = match ended {
                Some(ended) => ended,
                None => tokio::select! {
                    ended = &mut connection => ended,
                    () = activity.idle_for(idle_timeout) => {
                        tracing::debug!(%remote, "idle connection closed");
                        drop(permit);
                        return;
                    }
                },
            };
            // A closed or timed-out connection is the client's business, not an error.
            if let Err(error) = ended {
                tracing::debug!(%error, %remote, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running at shutdown were cut off");
    }
    Ok(())
}

/// The requests in progress on one connection.
#[derive(Default)]
struct ConnectionActivity {
    in_progress: std::sync::atomic::AtomicUsize,
    changed: tokio::sync::Notify,
}

/// One request in progress, until dropped.
struct InProgress(Arc<ConnectionActivity>);

impl ConnectionActivity {
    fn start(self: &Arc<Self>) -> InProgress {
        self.in_progress
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.changed.notify_waiters();
        InProgress(self.clone())
    }

    /// Completes once no request has been in progress for `timeout`.
    async fn idle_for(&self, timeout: Duration) {
        loop {
            let changed = self.changed.notified();
            let mut changed = std::pin::pin!(changed);
            // Registered before looking, so a change in between is not missed.
            changed.as_mut().enable();
            if self.in_progress.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                if tokio::time::timeout(timeout, changed).await.is_err() {
                    return;
                }
            } else {
                changed.await;
            }
        }
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        self.0
            .in_progress
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        self.0.changed.notify_waiters();
    }
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
