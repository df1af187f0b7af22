//! The portal on the open internet and on bad days: clients that never finish a request,
//! more clients than it serves at once, a search index that cannot be written, a database
//! that goes away, an unwritable data directory, and backups. Real servers on loopback
//! ports, real SQLite and PostgreSQL databases, a real tantivy index.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use answerdesk::app::{self, AppState, BackgroundTasks, ConnectionLimits};
use answerdesk::config::Config;
use answerdesk::deflection::EventKind;
use axum::http::{StatusCode, header};
use common::{
    TestApp, TestDatabase, location, post_json, shipped_content, shut_down, spawn_app_with,
    test_config,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long a test waits for something that must happen, before failing instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// A real server
// ---------------------------------------------------------------------------------------------

/// The portal serving on a loopback port through the product's own accept loop.
struct Server {
    address: SocketAddr,
    state: AppState,
    background: BackgroundTasks,
    shutdown: oneshot::Sender<()>,
    serving: JoinHandle<std::io::Result<()>>,
    _data_dir: tempfile::TempDir,
}

async fn start_server(database: &TestDatabase, change: impl FnOnce(&mut Config)) -> Server {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let mut config = test_config(database, &shipped_content(), data_dir.path());
    config.listen = address;
    change(&mut config);
    let limits = ConnectionLimits::from_config(&config.serving, 1024);
    let (state, background) = app::build(config).await.expect("portal starts");
    let router = answerdesk::http::router(state.clone());
    let (shutdown, stopped) = oneshot::channel::<()>();
    let serving = tokio::spawn(app::serve_connections(listener, router, limits, async {
        let _ = stopped.await;
    }));
    Server {
        address,
        state,
        background,
        shutdown,
        serving,
        _data_dir: data_dir,
    }
}

impl Server {
    async fn stop(self) {
        let _ = self.shutdown.send(());
        let served = self.serving.await.expect("server task");
        assert!(served.is_ok(), "the server ends cleanly: {served:?}");
        drop(self.state);
        self.background.finish().await;
    }

    /// One `GET` on a fresh connection: the status line and the whole answer.
    async fn get(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(self.address).await.expect("connect");
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("send");
        read_until_closed(&mut stream).await
    }
}

/// Reads until the server closes the connection (failing the test if it never does).
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection");
    // A reset after a refused request counts as closed too.
    if let Err(error) = read {
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}");
    }
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_line(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// Slow clients
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_client_that_never_finishes_its_request_head_is_disconnected_while_others_are_served() {
    let database = TestDatabase::sqlite();
    let server = start_server(&database, |config| {
        config.serving.header_read_timeout_ms = 300;
    })
    .await;

    let mut slow = TcpStream::connect(server.address).await.expect("connect");
    slow.write_all(b"GET /en HTTP/1.1\r\nHost: localhost\r\nX-Half: ")
        .await
        .expect("send half a head");

    // Meanwhile everyone else is answered as usual.
    let other = server.get("/healthz").await;
    assert!(status_line(&other).contains("200"), "{other}");

    // The half-sent head is never answered as a page: the server closes the connection.
    let answer = read_until_closed(&mut slow).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    let after = server.get("/healthz").await;
    assert!(status_line(&after).contains("200"), "{after}");
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_connects_and_sends_nothing_or_half_an_http2_preface_is_disconnected() {
    let database = TestDatabase::sqlite();
    let server = start_server(&database, |config| {
        config.serving.header_read_timeout_ms = 300;
    })
    .await;

    let mut silent = TcpStream::connect(server.address).await.expect("connect");
    let mut half_preface = TcpStream::connect(server.address).await.expect("connect");
    half_preface
        .write_all(b"PRI * HTTP/2.0\r\n")
        .await
        .expect("send the start of the HTTP/2 preface");

    // Neither keeps its place: the server closes both, and still answers everyone else.
    let answer = read_until_closed(&mut silent).await;
    assert!(answer.is_empty(), "{answer}");
    read_until_closed(&mut half_preface).await;
    let after = server.get("/healthz").await;
    assert!(status_line(&after).contains("200"), "{after}");
    server.stop().await;
}

#[tokio::test]
async fn an_http2_connection_left_idle_after_a_request_is_closed_by_the_server() {
    let database = TestDatabase::sqlite();
    let server = start_server(&database, |config| {
        config.serving.idle_connection_timeout_ms = 300;
    })
    .await;

    let stream = TcpStream::connect(server.address).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(stream),
    )
    .await
    .expect("HTTP/2 handshake");
    let connection = tokio::spawn(connection);
    let request = hyper::Request::get(format!("http://{}/healthz", server.address))
        .body(http_body_util::Empty::<axum::body::Bytes>::new())
        .expect("request");
    let response = sender.send_request(request).await.expect("answered");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.version(), hyper::Version::HTTP_2);
    drop(response);

    // Then the client sends nothing more: the server closes the connection.
    tokio::time::timeout(PATIENCE, connection)
        .await
        .expect("the idle connection is closed")
        .expect("connection task")
        .ok();
    assert!(sender.is_closed());
    let after = server.get("/healthz").await;
    assert!(status_line(&after).contains("200"), "{after}");
    server.stop().await;
}

#[tokio::test]
async fn a_request_body_that_stops_midway_is_cut_off_and_its_connection_closed() {
    let database = TestDatabase::sqlite();
    let server = start_server(&database, |config| {
        config.serving.body_read_timeout_ms = 300;
    })
    .await;

    let mut slow = TcpStream::connect(server.address).await.expect("connect");
    slow.write_all(
        b"POST /api/tickets HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
          Content-Length: 1000\r\n\r\n{\"subject\": \"half",
    )
    .await
    .expect("send a head and part of the body");
    let answer = read_until_closed(&mut slow).await;
    let status = status_line(&answer);
    assert!(
        status.contains(" 400 ") || status.contains(" 408 "),
        "a client error, then the connection closes: {answer}"
    );
    let tickets = common::tickets_filed(&server.state.db).await;
    assert_eq!(tickets, 0, "nothing is filed from half a body");
    server.stop().await;
}

#[tokio::test]
async fn clients_beyond_the_connection_limit_wait_their_turn_instead_of_being_dropped() {
    let database = TestDatabase::sqlite();
    let server = start_server(&database, |config| {
        config.serving.max_connections = 1;
        // Long enough that only the client's own hang-up frees the place.
        config.serving.header_read_timeout_ms = 600_000;
    })
    .await;

    let mut first = TcpStream::connect(server.address).await.expect("connect");
    first
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("send half a head");
    let address = server.address;
    let mut waiting = tokio::spawn(async move {
        let mut stream = TcpStream::connect(address).await.expect("connect");
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .expect("send");
        read_until_closed(&mut stream).await
    });
    // While the only place is taken, the second client is queued, not answered or refused.
    let early = tokio::time::timeout(Duration::from_millis(300), &mut waiting).await;
    assert!(early.is_err(), "answered beyond the limit: {early:?}");

    drop(first);
    let answer = tokio::time::timeout(PATIENCE, waiting)
        .await
        .expect("served once the place is free")
        .expect("client task");
    assert!(status_line(&answer).contains("200"), "{answer}");
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// The search index
// ---------------------------------------------------------------------------------------------

/// `GET /readyz` as JSON.
async fn readiness(app: &TestApp) -> (StatusCode, Value) {
    let response = app.get("/readyz").await;
    let json = serde_json::from_str(&response.body).expect("readiness is JSON");
    (response.status, json)
}

/// The slugs customer search returns for `query`.
async fn search_slugs(app: &TestApp, query: &str) -> Vec<String> {
    let response = app
        .get(&format!("/api/search?q={}", common::encode(query)))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let json: Value = serde_json::from_str(&response.body).expect("JSON");
    json["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|hit| hit["slug"].as_str().expect("slug").to_owned())
        .collect()
}

#[tokio::test]
async fn an_index_that_cannot_be_written_is_reported_and_recovers_with_the_articles_published_meanwhile()
 {
    let database = TestDatabase::sqlite();
    let app = spawn_app_with(&database, &shipped_content(), |_| {}).await;
    let mut editor = app.sign_in_as("editor").await;
    let (status, _) = readiness(&app).await;
    assert_eq!(status, StatusCode::OK);

    // The index directory disappears under the running portal, and a file takes its
    // place: nothing can be created in it (for root too, unlike a permission change).
    let index_dir = app.data_dir.path().join("index");
    let moved = app.data_dir.path().join("index-moved-away");
    std::fs::rename(&index_dir, &moved).expect("move the index away");
    std::fs::write(&index_dir, "not a directory").expect("block its path");

    let published = editor
        .post_form(
            "/editor/articles",
            &[
                ("title", "Pay invoices with Quetzalpay"),
                ("slug", ""),
                ("category", "Invoices and quotes"),
                ("tags", ""),
                ("aliases", ""),
                ("lang", "en"),
                ("translation_of", ""),
                (
                    "body",
                    "Open **Settings** and connect your Quetzalpay wallet.",
                ),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "the article is stored even though it cannot be indexed yet: {}",
        published.body
    );
    assert!(location(&published).contains("done=published"));

    let (status, ready) = readiness(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");
    assert_eq!(ready["search_index"]["ok"], false, "{ready}");
    assert!(
        ready["search_index"]["reason"]
            .as_str()
            .is_some_and(|reason| !reason.is_empty()),
        "{ready}"
    );
    assert_eq!(ready["database"]["ok"], true, "{ready}");
    // Searches keep working on what was indexed before.
    assert!(!search_slugs(&app, "invoice").await.is_empty());

    // The cause goes away; the portal's follower reopens the writer by itself and applies
    // the change made meanwhile.
    let mut synced = app.state.search.sync_signal();
    std::fs::remove_file(&index_dir).expect("unblock");
    std::fs::rename(&moved, &index_dir).expect("move the index back");
    tokio::time::timeout(PATIENCE, async {
        while search_slugs(&app, "quetzalpay").await.is_empty() {
            synced.changed().await.expect("the index keeps running");
        }
    })
    .await
    .expect("the article published meanwhile becomes searchable");
    assert_eq!(
        search_slugs(&app, "quetzalpay").await,
        vec!["pay-invoices-with-quetzalpay"]
    );
    let (status, ready) = readiness(&app).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["search_index"]["ok"], true, "{ready}");
    shut_down(app).await;
}

// ---------------------------------------------------------------------------------------------
// The database going away (PostgreSQL)
// ---------------------------------------------------------------------------------------------

/// Runs one statement on the PostgreSQL server as the administrator.
async fn as_admin(sql: &str) {
    let url = std::env::var("ANSWERDESK_TEST_DATABASE_URL").expect("admin URL");
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("admin connection");
    sqlx::query(sql)
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = sqlx::Connection::close(admin).await;
}

/// The test database's name, from its URL.
fn database_name(database: &TestDatabase) -> String {
    database
        .url
        .rsplit('/')
        .next()
        .expect("database name")
        .to_owned()
}

/// Closes the database to new connections and ends the portal's current ones: an outage
/// of this test's database only, the shared server keeps running.
async fn take_database_away(name: &str) {
    as_admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    as_admin(&format!(
        "SELECT CAST(COUNT(pg_terminate_backend(pid)) AS BIGINT) FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;
}

async fn bring_database_back(name: &str) {
    as_admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
}

#[tokio::test]
async fn while_the_database_is_away_pages_say_so_at_once_and_searches_are_kept_until_it_returns() {
    let Ok(admin_url) = std::env::var("ANSWERDESK_TEST_DATABASE_URL") else {
        eprintln!("skipped: set ANSWERDESK_TEST_DATABASE_URL to run the outage on PostgreSQL");
        return;
    };
    let database = TestDatabase::postgres(&admin_url).await;
    let name = database_name(&database);
    let app = spawn_app_with(&database, &shipped_content(), |config| {
        config.serving.database_acquire_timeout_ms = 500;
    })
    .await;
    let mut editor = app.sign_in_as("editor").await;
    let article = "/lv/articles/naudas-atmaksa";
    let before = app.get(article).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    let searches_before = common::events_recorded(&app.state.db, EventKind::Search).await;

    take_database_away(&name).await;

    // A customer page: 503, asked to come back, in the reader's language.
    let page = app.get(article).await;
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(page.headers.contains_key(header::RETRY_AFTER));
    assert!(
        page.body.contains("Pakalpojums uz brīdi nav pieejams"),
        "{}",
        page.body
    );
    // A staff page, likewise.
    let staff_page = editor.get("/editor").await;
    assert_eq!(
        staff_page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        staff_page.body
    );
    assert!(staff_page.headers.contains_key(header::RETRY_AFTER));
    // The API answers JSON.
    let api = post_json(
        &app,
        "/api/tickets",
        &json!({"email": "ann@example.com", "subject": "Invoice", "description": "Where is it?"}),
    )
    .await;
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE, "{}", api.body);
    assert!(api.headers.contains_key(header::RETRY_AFTER));
    let error: Value = serde_json::from_str(&api.body).expect("JSON error");
    assert!(error["error"].is_string(), "{error}");
    // Readiness says why.
    let (status, ready) = readiness(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");
    assert_eq!(ready["database"]["ok"], false, "{ready}");
    // Searches still answer from the index; their events wait for the database.
    for query in [
        "invoice outage one",
        "invoice outage two",
        "invoice outage three",
    ] {
        assert!(!search_slugs(&app, query).await.is_empty());
    }

    bring_database_back(&name).await;
    let after = app.get(article).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    // Shutting down stores every queued event (waiting for the database as needed).
    let db = shut_down(app).await;
    let searches_after = common::events_recorded(&db, EventKind::Search).await;
    assert_eq!(
        searches_after - searches_before,
        3,
        "the searches made during the outage are all stored"
    );
    let stored = common::stored_texts(
        &database,
        "SELECT query FROM events WHERE kind = 'search' AND query LIKE 'invoice outage%' ORDER BY query",
    )
    .await;
    assert_eq!(
        stored,
        [
            "invoice outage one",
            "invoice outage three",
            "invoice outage two"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The data directory, backup and restore
// ---------------------------------------------------------------------------------------------

/// The binary, configured through the environment only.
fn answerdesk(work_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_answerdesk"));
    command
        .current_dir(work_dir)
        .env_remove("ANSWERDESK_DATABASE_URL")
        .env("ANSWERDESK_LOG", "warn");
    command
}

#[test]
fn start_up_with_a_data_directory_that_cannot_be_written_stops_with_an_error_naming_it() {
    let scratch = tempfile::tempdir().expect("temp dir");
    // A data directory below a regular file can never be created, whoever runs the test.
    let blocker = scratch.path().join("plain-file");
    std::fs::write(&blocker, "not a directory").expect("write");
    let mut data_dirs = vec![blocker.join("data")];
    // A directory without write permission stops only unprivileged users: as root (tests
    // often run so) writing works anyway, and that case is the one above.
    let read_only = scratch.path().join("read-only");
    std::fs::create_dir(&read_only).expect("create");
    set_mode(&read_only, 0o555);
    if std::fs::write(read_only.join("probe"), "x").is_err() {
        data_dirs.push(read_only.clone());
    } else {
        eprintln!("running as a privileged user: the permission case is not enforceable here");
    }
    for data_dir in data_dirs {
        let output = answerdesk(scratch.path())
            .env("ANSWERDESK_DATA_DIR", &data_dir)
            .env("ANSWERDESK_LISTEN", "127.0.0.1:0")
            .env("ANSWERDESK_CONTENT_DIR", scratch.path().join("no-content"))
            .arg("serve")
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(
            stderr.contains(&data_dir.display().to_string()),
            "the error names the directory: {stderr}"
        );
        assert!(stderr.contains("cannot be written"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    set_mode(&read_only, 0o755);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A portal on an SQLite database and data directory that outlive it.
async fn start_on(database: &TestDatabase, data_dir: &Path) -> TestApp {
    let config = test_config(database, &shipped_content(), data_dir);
    let (state, background) = app::build(config).await.expect("portal starts");
    let router = answerdesk::http::router(state.clone());
    TestApp {
        state,
        router,
        background,
        // Not the one in use: the caller owns the real data directory.
        data_dir: tempfile::tempdir().expect("temp dir"),
        backend: database.name,
    }
}

async fn file_ticket(app: &TestApp, subject: &str) -> String {
    let response = post_json(
        app,
        "/api/tickets",
        &json!({"email": "ann@example.com", "subject": subject, "description": "Please help."}),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let json: Value = serde_json::from_str(&response.body).expect("JSON");
    json["reference"].as_str().expect("reference").to_owned()
}

/// Runs `answerdesk ARGS` on this database and data directory.
fn run_on(database: &TestDatabase, data_dir: &Path, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let output = answerdesk(data_dir)
        .env("ANSWERDESK_DATABASE_URL", &database.url)
        .env("ANSWERDESK_DATA_DIR", data_dir)
        .args(args)
        .output()
        .expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

async fn subjects(database: &TestDatabase) -> Vec<String> {
    common::stored_texts(database, "SELECT subject FROM tickets ORDER BY subject").await
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_the_portal_as_it_was() {
    let database = TestDatabase::sqlite();
    let data = tempfile::tempdir().expect("temp dir");
    let backup_file: PathBuf = data.path().join("backups").join("answerdesk-backup.db");
    std::fs::create_dir_all(backup_file.parent().expect("folder")).expect("create");

    let app = start_on(&database, data.path()).await;
    file_ticket(&app, "Before the backup").await;
    let (ok, said) = run_on(
        &database,
        data.path(),
        &["backup".as_ref(), backup_file.as_ref()],
    );
    assert!(ok, "{said}");
    assert!(said.contains("1 tickets"), "{said}");
    file_ticket(&app, "After the backup").await;

    // Not while the portal serves this data directory.
    let (ok, said) = run_on(
        &database,
        data.path(),
        &["restore".as_ref(), backup_file.as_ref()],
    );
    assert!(!ok, "{said}");
    assert!(said.contains("stop it first"), "{said}");
    assert_eq!(
        subjects(&database).await,
        ["After the backup", "Before the backup"]
    );
    let articles = app.state.db.article_count().await.expect("count");
    shut_down(app).await;

    // Not a file that is not an Answerdesk database.
    let stranger = data.path().join("notes.db");
    std::fs::write(&stranger, "just some notes").expect("write");
    let (ok, said) = run_on(
        &database,
        data.path(),
        &["restore".as_ref(), stranger.as_ref()],
    );
    assert!(!ok, "{said}");
    assert!(said.contains("is not an Answerdesk database"), "{said}");
    assert_eq!(
        subjects(&database).await.len(),
        2,
        "the database is untouched"
    );

    let (ok, said) = run_on(
        &database,
        data.path(),
        &["restore".as_ref(), backup_file.as_ref()],
    );
    assert!(ok, "{said}");
    assert_eq!(subjects(&database).await, ["Before the backup"]);

    // The portal starts on the restored database with an index rebuilt from it.
    let app = start_on(&database, data.path()).await;
    assert_eq!(app.state.search.document_count(), articles as u64);
    assert!(!search_slugs(&app, "invoice").await.is_empty());
    file_ticket(&app, "After the restore").await;
    assert_eq!(
        subjects(&database).await,
        ["After the restore", "Before the backup"]
    );
    shut_down(app).await;
}

#[test]
fn backup_and_restore_on_postgresql_point_to_its_own_tools() {
    let scratch = tempfile::tempdir().expect("temp dir");
    for command in ["backup", "restore"] {
        let output = answerdesk(scratch.path())
            .env(
                "ANSWERDESK_DATABASE_URL",
                "postgres://answerdesk@127.0.0.1:1/answerdesk",
            )
            .env("ANSWERDESK_DATA_DIR", scratch.path())
            .args([command, "copy.dump"])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(stderr.contains("pg_dump"), "{stderr}");
        assert!(stderr.contains("pg_restore"), "{stderr}");
    }
}
