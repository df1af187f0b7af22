//! Wiring at start-up: configuration → database → content → background tasks → HTTP server.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::articles::{self, ArticleError, ViewCounter, ViewCounterTask};
use crate::config::{Config, DatabaseUrl};
use crate::http;
use crate::storage::{Database, StorageError};

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<App>);

/// The long-lived services of one running portal.
pub struct App {
    pub config: Config,
    pub db: Database,
    pub views: ViewCounter,
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

/// Background work that must be finished at shutdown.
pub struct BackgroundTasks {
    views: ViewCounterTask,
}

impl BackgroundTasks {
    /// Flushes pending writes. The state (and so every sender) must be dropped first.
    pub async fn finish(self) {
        self.views.finish().await;
    }
}

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Content(#[from] ArticleError),
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
    tracing::info!(database = %DatabaseUrl::redacted(&database_url), "opening database");
    let db = Database::connect(&database_url).await?;
    import_content_on_first_start(&db, &config).await?;
    let (views, views_task) = ViewCounter::start(db.clone());
    let state = AppState(Arc::new(App { config, db, views }));
    Ok((state, BackgroundTasks { views: views_task }))
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
pub async fn serve(config: Config) -> Result<(), StartError> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Listen {
            address: config.listen,
            source,
        })?;
    let bound = listener.local_addr().map_err(StartError::Serve)?;
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
