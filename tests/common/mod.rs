//! Shared test set-up: a real database per test (SQLite always, PostgreSQL when
//! `ANSWERDESK_TEST_DATABASE_URL` is set), the real router, and request helpers.
#![allow(dead_code)]

pub mod history;
pub mod multipart;

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

/// A customer's browser: keeps the portal's cookies between requests.
pub struct Customer<'a> {
    pub app: &'a TestApp,
    pub cookies: Vec<(String, String)>,
    /// Sent as `X-Forwarded-For` (a portal that trusts the loopback proxy reads it as the
    /// client's address); `None` sends none.
    pub address: Option<String>,
}

impl TestApp {
    /// A new customer with no cookies yet.
    pub fn customer(&self) -> Customer<'_> {
        Customer {
            app: self,
            cookies: Vec::new(),
            address: None,
        }
    }

    /// A new customer seen at `address` (see [`Customer::address`]).
    pub fn customer_at(&self, address: &str) -> Customer<'_> {
        Customer {
            address: Some(address.to_owned()),
            ..self.customer()
        }
    }
}

impl Customer<'_> {
    fn remember_cookies(&mut self, response: &TestResponse) {
        for value in response.headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let Some((name, rest)) = text.split_once('=') else {
                continue;
            };
            let value = rest.split(';').next().unwrap_or("").to_owned();
            self.cookies.retain(|(n, _)| n != name);
            self.cookies.push((name.to_owned(), value));
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The CSRF token the portal gave this customer.
    pub fn csrf_token(&self) -> String {
        self.cookies
            .iter()
            .find(|(n, _)| n == "answerdesk_csrf")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// `GET path` with this customer's cookies.
    pub async fn get(&mut self, path: &str) -> TestResponse {
        let mut request = Request::get(path).header(header::COOKIE, self.cookie_header());
        if let Some(address) = &self.address {
            request = request.header("x-forwarded-for", address);
        }
        let request = request.body(Body::empty()).expect("request");
        let response = self.app.request(request).await;
        self.remember_cookies(&response);
        response
    }

    /// `POST path` with a form body (pairs are URL-encoded) and this customer's cookies.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(address) = &self.address {
            request = request.header("x-forwarded-for", address);
        }
        let request = request.body(Body::from(body)).expect("request");
        let response = self.app.request(request).await;
        self.remember_cookies(&response);
        response
    }

    /// Opens a new request form and returns its draft id (following the redirect).
    pub async fn open_request_form(&mut self, query: &str) -> String {
        let response = self.get(&format!("/en/request/new{query}")).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let location = response.headers[header::LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        let draft = location
            .split("draft=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .expect("draft id in the URL")
            .to_owned();
        let form = self.get(&location).await;
        assert_eq!(form.status, StatusCode::OK);
        draft
    }
}

/// Percent-encodes a form value.
pub fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `Location` of a redirect.
pub fn location(response: &TestResponse) -> String {
    response
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Posts JSON to the API.
pub async fn post_json(app: &TestApp, path: &str, body: &serde_json::Value) -> TestResponse {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    app.request(request).await
}

/// Stops the portal's background tasks, flushing every queued event, and returns the database.
pub async fn shut_down(app: TestApp) -> answerdesk::storage::Database {
    let TestApp {
        state,
        router,
        background,
        data_dir,
        ..
    } = app;
    let db = state.db.clone();
    drop(router);
    drop(state);
    background.finish().await;
    drop(data_dir);
    db
}

/// Starts the portal with a changed configuration.
pub async fn spawn_app_with(
    database: &TestDatabase,
    content_dir: &Path,
    change: impl FnOnce(&mut Config),
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut config = test_config(database, content_dir, data_dir.path());
    change(&mut config);
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

/// A signed-in staff member's browser: cookies plus the session's CSRF token.
pub struct Staff<'a> {
    pub browser: Customer<'a>,
    pub csrf_token: String,
    pub email: String,
    pub user: answerdesk::accounts::StaffUser,
}

/// The password every test staff member gets.
pub const STAFF_PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// Creates a staff user with `role` ("admin", "editor", "agent") and the email
    /// `<role>@example.com` (or `email` when given), then signs in through `/login`.
    pub async fn sign_in_as(&self, role: &str) -> Staff<'_> {
        self.sign_in_with_email(role, &format!("{role}@example.com"))
            .await
    }

    /// Like [`TestApp::sign_in_as`] with a chosen email.
    pub async fn sign_in_with_email(&self, role: &str, email: &str) -> Staff<'_> {
        let role = answerdesk::accounts::Role::parse(role).expect("known role");
        let user = match self
            .state
            .db
            .find_user_by_email(email)
            .await
            .expect("query")
        {
            Some(user) => user,
            None => answerdesk::accounts::add_user(
                &self.state.db,
                answerdesk::accounts::NewUser {
                    email: email.to_owned(),
                    name: String::new(),
                    role,
                    password: STAFF_PASSWORD.to_owned(),
                },
                None,
            )
            .await
            .expect("user created"),
        };
        let mut browser = self.customer();
        browser.get("/login").await;
        let csrf = browser.csrf_token();
        let response = browser
            .post_form(
                "/login",
                &[
                    ("email", email),
                    ("password", STAFF_PASSWORD),
                    ("csrf_token", &csrf),
                    ("next", "/staff/account"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let account = browser.get("/staff/account").await;
        assert_eq!(account.status, StatusCode::OK, "{}", account.body);
        let csrf_token = account
            .body
            .split("name=\"csrf-token\" content=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("csrf meta tag")
            .to_owned();
        Staff {
            browser,
            csrf_token,
            email: email.to_owned(),
            user,
        }
    }
}

impl Staff<'_> {
    /// `GET path` as this staff member.
    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.browser.get(path).await
    }

    /// `POST path` with a form, adding the session's CSRF token.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf_token.clone();
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        self.browser.post_form(path, &fields).await
    }

    /// `POST path` with a form exactly as given (no CSRF token added).
    pub async fn post_form_as_is(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        self.browser.post_form(path, fields).await
    }

    /// A JSON API call with the session cookie and the `X-CSRF-Token` header.
    pub async fn send_json(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, self.browser.cookie_header())
            .header("x-csrf-token", &self.csrf_token);
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.browser
            .app
            .request(request.body(body).expect("request"))
            .await
    }
}

/// Events of `kind` ever recorded, counted the way the dashboard counts them.
pub async fn events_recorded(
    db: &answerdesk::storage::Database,
    kind: answerdesk::deflection::EventKind,
) -> i64 {
    db.count_request_events(kind, all_time())
        .await
        .expect("count events")
}

/// Tickets ever filed, counted the way the dashboard counts them (per day, summed).
pub async fn tickets_filed(db: &answerdesk::storage::Database) -> i64 {
    db.tickets_per_day(all_time())
        .await
        .expect("count tickets")
        .iter()
        .map(|(_, count)| count)
        .sum()
}

fn all_time() -> answerdesk::storage::dashboard::DashboardScope<'static> {
    answerdesk::storage::dashboard::DashboardScope {
        since: 0,
        until: i64::MAX,
        lang: None,
    }
}

/// Reads one text column straight from a test database, for facts no page shows (what a
/// row recorded), ordered as the query says.
pub async fn stored_texts(database: &TestDatabase, sql: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let url = if database.url.starts_with("postgres") {
        database.url.clone()
    } else {
        format!("sqlite://{}", database.url)
    };
    let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
    let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&pool).await.expect("query");
    pool.close().await;
    rows.into_iter().map(|(text,)| text).collect()
}
