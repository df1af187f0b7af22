//! Shared test set-up: a real database per test (SQLite always, PostgreSQL when
//! `ANSWERDESK_TEST_DATABASE_URL` is set), the real router, and request helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use answerdesk::app::{self, AppState, BackgroundTasks};
use answerdesk::config::{Config, SecretUrl};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The shipped help-centre content.
pub fn shipped_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// A fresh, empty database for one test, removed when dropped.
pub struct TestDatabase {
    pub name: &'static str,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_cleanup: Option<(String, String)>,
}

impl TestDatabase {
    /// A new SQLite file in its own temporary directory.
    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("answerdesk.db").display().to_string();
        TestDatabase {
            name: "sqlite",
            url,
            _dir: Some(dir),
            postgres_cleanup: None,
        }
    }

    /// A new PostgreSQL database on the server named by `ANSWERDESK_TEST_DATABASE_URL`.
    pub async fn postgres(admin_url: &str) -> TestDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "answerdesk_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            jiff::Timestamp::now().as_microsecond()
        );
        sqlx::any::install_default_drivers();
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
            .await
            .expect("connect to ANSWERDESK_TEST_DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(admin_url);
        let url = format!("{base}/{name}");
        TestDatabase {
            name: "postgres",
            url,
            _dir: None,
            postgres_cleanup: Some((admin_url.to_owned(), name)),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres_cleanup.take() {
            // Dropping needs async I/O; a short-lived thread with its own runtime does it
            // without depending on the test's runtime still running.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(mut admin) =
                            <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url).await
                        {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&mut admin)
                            .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// Every backend this run tests: SQLite, plus PostgreSQL when configured.
pub async fn test_databases() -> Vec<TestDatabase> {
    let mut databases = vec![TestDatabase::sqlite()];
    if let Ok(url) = std::env::var("ANSWERDESK_TEST_DATABASE_URL")
        && !url.trim().is_empty()
    {
        databases.push(TestDatabase::postgres(&url).await);
    }
    databases
}

/// A running portal (without a listening socket) on one test database.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub background: BackgroundTasks,
    pub data_dir: tempfile::TempDir,
    pub backend: &'static str,
}

/// Configuration for a test portal on `database`, reading articles from `content_dir`.
pub fn test_config(database: &TestDatabase, content_dir: &Path, data_dir: &Path) -> Config {
    Config {
        database_url: SecretUrl(database.url.clone()),
        data_dir: data_dir.to_path_buf(),
        content_dir: content_dir.to_path_buf(),
        site_name: "Test Help Centre".to_owned(),
        ..Config::default()
    }
}

/// Starts the portal on `database` with the given content imported on first start.
pub async fn spawn_app(database: &TestDatabase, content_dir: &Path) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let config = test_config(database, content_dir, data_dir.path());
    let (state, background) = app::build(config).await.expect("portal starts");
    let router = answerdesk::http::router(state.clone());
    TestApp {
        state,
        router,
        background,
        data_dir,
        backend: database.name,
    }
}

/// A response read to the end.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestApp {
    /// Sends one request through the real router.
    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    /// `GET path` asking for a compressed response.
    pub async fn get_compressed(&self, path: &str) -> TestResponse {
        let request = Request::get(path)
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .expect("request");
        self.request(request).await
    }
}

/// Writes a content file below `dir`, creating folders.
pub fn write_file(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, text).expect("write file");
}

/// A minimal valid article file.
pub fn article_file(title: &str, extra_front_matter: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\n{extra_front_matter}---\n\n{body}\n")
}
