//! Several instances on one PostgreSQL database, as behind a load balancer: each instance is
//! a real server on its own loopback port with its own data directory and search index,
//! driven over HTTP. Needs `ANSWERDESK_TEST_DATABASE_URL`; without it every test here says
//! so and passes, since SQLite is one process by design.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use answerdesk::accounts::{NewUser, Role, add_user};
use answerdesk::app::{self, AppState, BackgroundTasks};
use answerdesk::config::Config;
use axum::body::Bytes;
use axum::http::{Request, StatusCode, header};
use common::{TestDatabase, shipped_content, test_config};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long a test waits for something another instance should do, before failing.
const PATIENCE: Duration = Duration::from_secs(15);

/// A fresh PostgreSQL database, or `None` (and a note) when none is configured.
async fn shared_database(test: &str) -> Option<TestDatabase> {
    match std::env::var("ANSWERDESK_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(TestDatabase::postgres(&url).await),
        _ => {
            eprintln!("{test}: skipped, set ANSWERDESK_TEST_DATABASE_URL to run it");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Instances
// ---------------------------------------------------------------------------------------------

/// One running instance: a server on a loopback port and its background tasks.
struct Instance {
    name: &'static str,
    address: SocketAddr,
    state: AppState,
    background: BackgroundTasks,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<()>,
}

/// Starts an instance on `database` keeping its index in `data_dir`.
async fn start_instance(
    name: &'static str,
    database: &TestDatabase,
    content: &Path,
    data_dir: &Path,
    change: impl FnOnce(&mut Config),
) -> Instance {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let mut config = test_config(database, content, data_dir);
    config.listen = address;
    change(&mut config);
    let (state, background) = app::build(config)
        .await
        .unwrap_or_else(|e| panic!("instance {name} starts: {e}"));
    let router = answerdesk::http::router(state.clone());
    let (shutdown, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await;
    });
    Instance {
        name,
        address,
        state,
        background,
        shutdown,
        server,
    }
}

impl Instance {
    /// Stops serving and finishes the background tasks.
    async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.server.await;
        drop(self.state);
        self.background.finish().await;
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The slugs, titles and snippets this instance suggests for `query`.
    async fn suggestions(&self, query: &str) -> Vec<(String, String, String)> {
        let response = Browser::new()
            .get(self, &format!("/api/suggest?q={}", common::encode(query)))
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let json: Value = serde_json::from_str(&response.body).expect("JSON");
        json["suggestions"]
            .as_array()
            .expect("suggestions")
            .iter()
            .map(|hit| {
                let text = |field: &str| hit[field].as_str().unwrap_or_default().to_owned();
                (text("slug"), text("title"), text("snippet"))
            })
            .collect()
    }

    /// Waits until this instance suggests something `accept`s for `query`, re-asking each
    /// time its index takes a change; panics after [`PATIENCE`].
    async fn until_suggestions(
        &self,
        query: &str,
        what: &str,
        accept: impl Fn(&[(String, String, String)]) -> bool,
    ) {
        let mut index_moved = self.state.search.sync_signal();
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self.suggestions(query).await;
            if accept(&found) {
                return;
            }
            let waited = tokio::time::timeout_at(deadline, index_moved.changed()).await;
            assert!(
                waited.is_ok(),
                "instance {}: {what} for {query:?} never happened; it suggests {found:?}",
                self.name
            );
        }
    }
}

/// Waits until `check` holds, asking again every few milliseconds; panics after [`PATIENCE`].
async fn until<F: Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    let deadline = Instant::now() + PATIENCE;
    while !check().await {
        assert!(Instant::now() < deadline, "{what} never happened");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// A browser over real HTTP, keeping cookies across instances as a load balancer's users do
// ---------------------------------------------------------------------------------------------

struct Reply {
    status: StatusCode,
    body: String,
}

struct Browser {
    client: Client<HttpConnector, Full<Bytes>>,
    cookies: HashMap<String, String>,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            client: Client::builder(TokioExecutor::new()).build_http(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: axum::http::request::Builder, body: Full<Bytes>) -> Reply {
        let request = request
            .header(header::COOKIE, self.cookie_header())
            .body(body)
            .expect("request");
        let response = self
            .client
            .request(request)
            .await
            .expect("instance answers");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            if let Some((name, rest)) = text.split_once('=') {
                let value = rest.split(';').next().unwrap_or("").to_owned();
                self.cookies.insert(name.to_owned(), value);
            }
        }
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&mut self, instance: &Instance, path: &str) -> Reply {
        self.send(Request::get(instance.url(path)), Full::default())
            .await
    }

    async fn post_form(
        &mut self,
        instance: &Instance,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", common::encode(k), common::encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let request = Request::post(instance.url(path))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(request, Full::new(Bytes::from(body))).await
    }

    async fn post_json(&mut self, instance: &Instance, path: &str, body: &Value) -> Reply {
        let request =
            Request::post(instance.url(path)).header(header::CONTENT_TYPE, "application/json");
        self.send(request, Full::new(Bytes::from(body.to_string())))
            .await
    }

    /// Tries to sign in on `instance`; returns the status of the attempt.
    async fn try_sign_in(
        &mut self,
        instance: &Instance,
        email: &str,
        password: &str,
    ) -> StatusCode {
        self.get(instance, "/login").await;
        let csrf = self
            .cookies
            .get("answerdesk_csrf")
            .cloned()
            .unwrap_or_default();
        let fields = [
            ("email", email),
            ("password", password),
            ("csrf_token", csrf.as_str()),
            ("next", "/staff/account"),
        ];
        self.post_form(instance, "/login", &fields).await.status
    }
}

/// A signed-in staff member's browser and the session's CSRF token.
struct Staff {
    browser: Browser,
    csrf_token: String,
}

const PASSWORD: &str = "correct horse battery staple";

async fn add_staff(instance: &Instance, role: Role, email: &str) {
    let user = NewUser {
        email: email.to_owned(),
        name: String::new(),
        role,
        password: PASSWORD.to_owned(),
    };
    add_user(&instance.state.db, user, None)
        .await
        .expect("user created");
}

/// Adds a staff member and signs in on `instance`.
async fn sign_in(instance: &Instance, role: Role, email: &str) -> Staff {
    add_staff(instance, role, email).await;
    let mut browser = Browser::new();
    let status = browser.try_sign_in(instance, email, PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed in on {}",
        instance.name
    );
    let csrf_token = csrf_of(&mut browser, instance).await;
    Staff {
        browser,
        csrf_token,
    }
}

/// The session's CSRF token, read from the staff account page on `instance`.
async fn csrf_of(browser: &mut Browser, instance: &Instance) -> String {
    let page = browser.get(instance, "/staff/account").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.body
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf meta tag")
        .to_owned()
}

impl Staff {
    async fn post(&mut self, instance: &Instance, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &self.csrf_token));
        self.browser.post_form(instance, path, &fields).await
    }

    /// Saves a stored article through its edit form on `instance` with some fields changed.
    async fn edit(
        &mut self,
        instance: &Instance,
        slug: &str,
        changes: &[(&str, &str)],
        action: &str,
    ) -> Reply {
        let article = instance
            .state
            .db
            .find_article_by_slug(slug)
            .await
            .expect("query")
            .expect("article");
        let revision = article.revision.to_string();
        let tags = article.tags.join(", ");
        let aliases = article.aliases.join("\n");
        let mut fields: Vec<(&str, &str)> = vec![
            ("title", &article.title),
            ("slug", &article.slug),
            ("category", &article.category),
            ("tags", &tags),
            ("aliases", &aliases),
            ("lang", &article.lang),
            (
                "translation_of",
                article.translation_of.as_deref().unwrap_or(""),
            ),
            ("body", &article.body_markdown),
            ("base_revision", &revision),
            ("action", action),
        ];
        for (name, value) in changes {
            if let Some(field) = fields.iter_mut().find(|(n, _)| n == name) {
                field.1 = value;
            }
        }
        self.post(instance, &format!("/editor/articles/{slug}/edit"), &fields)
            .await
    }
}

/// A small help centre: two articles with words nothing else uses.
fn small_help_centre() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    common::write_file(
        dir.path(),
        "en/export-to-spreadsheet.md",
        &common::article_file(
            "Export invoices to a spreadsheet",
            "category: Invoices\n",
            "Download every invoice as a spreadsheet file, one row per invoice.",
        ),
    );
    common::write_file(
        dir.path(),
        "en/change-currency.md",
        &common::article_file(
            "Change the currency of an invoice",
            "category: Invoices\n",
            "Pick another currency before sending; exchange rates come from the central bank.",
        ),
    );
    dir
}

/// Two instances on `database` with the small help centre, started one after the other.
async fn two_instances(
    database: &TestDatabase,
    content: &Path,
    dirs: &(tempfile::TempDir, tempfile::TempDir),
) -> (Instance, Instance) {
    let a = start_instance("A", database, content, dirs.0.path(), |_| {}).await;
    let b = start_instance("B", database, content, dirs.1.path(), |_| {}).await;
    (a, b)
}

fn data_dirs() -> (tempfile::TempDir, tempfile::TempDir) {
    (
        tempfile::tempdir().expect("temp dir"),
        tempfile::tempdir().expect("temp dir"),
    )
}

fn slugs(found: &[(String, String, String)]) -> Vec<&str> {
    found.iter().map(|(slug, _, _)| slug.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// The index follows the database on every instance
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_article_renamed_then_archived_on_one_instance_is_no_longer_suggested_by_the_other() {
    let Some(database) = shared_database("rename then archive").await else {
        return;
    };
    let content = small_help_centre();
    let dirs = data_dirs();
    let (a, b) = two_instances(&database, content.path(), &dirs).await;
    assert_eq!(
        slugs(&b.suggestions("spreadsheet").await),
        ["export-to-spreadsheet"]
    );
    let mut editor = sign_in(&a, Role::Editor, "editor@example.com").await;

    let renamed = editor
        .edit(
            &a,
            "export-to-spreadsheet",
            &[
                ("slug", "spreadsheet-export"),
                ("title", "Spreadsheet export of invoices"),
            ],
            "save",
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    b.until_suggestions("spreadsheet", "the rename", |found| {
        slugs(found) == ["spreadsheet-export"] && found[0].1 == "Spreadsheet export of invoices"
    })
    .await;

    let archived = editor.edit(&a, "spreadsheet-export", &[], "archive").await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER, "{}", archived.body);
    b.until_suggestions("spreadsheet", "the archive", |found| found.is_empty())
        .await;
    // Neither the old title nor the old snippet lingers under any slug.
    for query in [
        "export invoices",
        "one row per invoice",
        "spreadsheet export",
    ] {
        for (slug, title, snippet) in b.suggestions(query).await {
            assert_eq!(slug, "change-currency", "{query}: {title}");
            assert!(!snippet.contains("spreadsheet"), "{query}: {snippet}");
        }
    }
    // One document per article, as the database holds them.
    let stored = b.state.db.article_count().await.expect("count");
    assert_eq!(b.state.search.document_count(), stored as u64);

    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn an_article_published_on_one_instance_is_found_on_the_other() {
    let Some(database) = shared_database("publish elsewhere").await else {
        return;
    };
    let content = small_help_centre();
    let dirs = data_dirs();
    let (a, b) = two_instances(&database, content.path(), &dirs).await;
    let mut editor = sign_in(&a, Role::Editor, "editor@example.com").await;
    assert!(b.suggestions("refund a late fee").await.is_empty());

    let published = editor
        .post(
            &a,
            "/editor/articles",
            &[
                ("title", "Refund a late fee"),
                ("slug", ""),
                ("category", "Invoices"),
                ("tags", ""),
                ("aliases", ""),
                ("lang", "en"),
                ("translation_of", ""),
                (
                    "body",
                    "Late fees charged by mistake are refunded from the invoice page.",
                ),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    b.until_suggestions("refund a late fee", "the publish", |found| {
        slugs(found).first() == Some(&"refund-a-late-fee")
    })
    .await;

    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn an_instance_started_again_applies_what_changed_while_it_was_stopped() {
    let Some(database) = shared_database("restart catches up").await else {
        return;
    };
    let content = small_help_centre();
    let dirs = data_dirs();
    let (a, b) = two_instances(&database, content.path(), &dirs).await;
    b.stop().await;

    // A change that leaves the number of articles as it was.
    let mut editor = sign_in(&a, Role::Editor, "editor@example.com").await;
    let edited = editor
        .edit(
            &a,
            "change-currency",
            &[("title", "Invoice in another currency")],
            "publish",
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);

    // B reopens its own index and serves the change from the first request.
    let b = start_instance("B", &database, content.path(), dirs.1.path(), |_| {}).await;
    let found = b.suggestions("currency").await;
    assert_eq!(
        found.first().map(|hit| hit.1.as_str()),
        Some("Invoice in another currency")
    );

    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn an_instance_whose_notification_connection_was_cut_still_finds_a_publish() {
    let Some(database) = shared_database("listener cut").await else {
        return;
    };
    let content = small_help_centre();
    let dirs = data_dirs();
    let (a, b) = two_instances(&database, content.path(), &dirs).await;
    let mut editor = sign_in(&a, Role::Editor, "editor@example.com").await;

    // Cut every listening connection on this database, as a restart of PostgreSQL or a
    // proxy's idle timeout would.
    let cut = common::stored_texts(
        &database,
        "SELECT CAST(pg_terminate_backend(pid) AS TEXT) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .await;
    assert!(!cut.is_empty(), "the instances listen for changes");

    let published = editor
        .post(
            &a,
            "/editor/articles",
            &[
                ("title", "Archive a paid invoice"),
                ("slug", ""),
                ("category", "Invoices"),
                ("tags", ""),
                ("aliases", ""),
                ("lang", "en"),
                ("translation_of", ""),
                ("body", "Paid invoices move to the archive after a year."),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    b.until_suggestions("archive a paid invoice", "the publish", |found| {
        slugs(found).first() == Some(&"archive-a-paid-invoice")
    })
    .await;

    a.stop().await;
    b.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Tickets, sessions and limits are the same on every instance
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_ticket_filed_on_one_instance_is_in_the_other_instances_inbox() {
    let Some(database) = shared_database("ticket elsewhere").await else {
        return;
    };
    let content = small_help_centre();
    let dirs = data_dirs();
    let (a, b) = two_instances(&database, content.path(), &dirs).await;
    let filed = Browser::new()
        .post_json(
            &a,
            "/api/tickets",
            &json!({
                "name": "Ann",
                "email": "ann@example.com",
                "subject": "Quarterly statement is missing",
                "description": "The statement for the last quarter never arrived in my account.",
            }),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let reference = serde_json::from_str::<Value>(&filed.body).expect("JSON")["reference"]
        .as_str()
        .expect("reference")
        .to_owned();

    let mut agent = sign_in(&b, Role::Agent, "agent@example.com").await;
    let inbox = agent.browser.get(&b, "/agent").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains(&reference), "{}", inbox.body);
    assert!(inbox.body.contains("Quarterly statement is missing"));

    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_session_opened_on_one_instance_works_on_the_other_and_signing_out_there_ends_it() {
    let Some(database) = shared_database("shared session").await else {
        return;
    };
    let content = small_help_centre();
    let dirs = data_dirs();
    let (a, b) = two_instances(&database, content.path(), &dirs).await;
    let mut editor = sign_in(&a, Role::Editor, "editor@example.com").await;

    let list = editor.browser.get(&b, "/editor").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Export invoices to a spreadsheet"));
    // The CSRF token A handed out is the session's, so B accepts it.
    let cookie = editor.browser.cookies["answerdesk_staff"].clone();
    let signed_out = editor.post(&b, "/logout", &[]).await;
    assert_eq!(
        signed_out.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_out.body
    );
    // Even a browser that kept the cookie is signed out on A too.
    editor
        .browser
        .cookies
        .insert("answerdesk_staff".to_owned(), cookie);
    let after = editor.browser.get(&a, "/staff/account").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "signed out everywhere");

    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn sign_in_attempts_and_tickets_per_address_are_counted_across_instances() {
    let Some(database) = shared_database("shared limits").await else {
        return;
    };
    let content = small_help_centre();
    let dirs = data_dirs();
    let limit = |config: &mut Config| config.ticket_rate_limit = 3;
    let a = start_instance("A", &database, content.path(), dirs.0.path(), limit).await;
    let b = start_instance("B", &database, content.path(), dirs.1.path(), limit).await;

    // Ten wrong passwords for one account from one address, alternating instances: that
    // address's next attempt is refused wherever it lands, even with the right password.
    add_staff(&a, Role::Editor, "target@example.com").await;
    let mut attacker = Browser::new();
    for attempt in 0..answerdesk::accounts::login::FAILURES_PER_PAIR {
        let instance = if attempt % 2 == 0 { &a } else { &b };
        let status = attacker
            .try_sign_in(instance, "target@example.com", "wrong password")
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    for instance in [&a, &b] {
        let status = attacker
            .try_sign_in(instance, "target@example.com", PASSWORD)
            .await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "on {}",
            instance.name
        );
    }

    // Three tickets per address per ten minutes, wherever they are filed.
    let mut customer = Browser::new();
    let mut statuses = Vec::new();
    for (n, instance) in [&a, &b, &a, &b].into_iter().enumerate() {
        let filed = customer
            .post_json(
                instance,
                "/api/tickets",
                &json!({
                    "name": "Ann",
                    "email": "ann@example.com",
                    "subject": format!("Question number {n}"),
                    "description": "A question that is long enough to be filed as a ticket.",
                }),
            )
            .await;
        statuses.push(filed.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );

    a.stop().await;
    b.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Starting together, and work that must happen once
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn two_instances_started_at_once_on_an_empty_database_both_serve_the_imported_help_centre() {
    let Some(database) = shared_database("simultaneous start").await else {
        return;
    };
    let content = shipped_content();
    let dirs = data_dirs();
    let (a, b) = tokio::join!(
        start_instance("A", &database, &content, dirs.0.path(), |_| {}),
        start_instance("B", &database, &content, dirs.1.path(), |_| {}),
    );
    let imported = a.state.db.article_count().await.expect("count");
    assert!(
        imported > 50,
        "the shipped help centre: {imported} articles"
    );
    let revisions = common::stored_texts(
        &database,
        "SELECT CAST(COUNT(*) AS TEXT) FROM article_revisions",
    )
    .await;
    assert_eq!(revisions, [imported.to_string()], "imported once");
    for instance in [&a, &b] {
        let ready = Browser::new().get(instance, "/readyz").await;
        assert_eq!(
            ready.status,
            StatusCode::OK,
            "{}: {}",
            instance.name,
            ready.body
        );
        assert_eq!(instance.state.search.document_count(), imported as u64);
        assert!(
            slugs(&instance.suggestions("reset password").await).contains(&"reset-your-password"),
            "{}",
            instance.name
        );
    }

    a.stop().await;
    b.stop().await;
}

/// A stand-in SMTP server that counts the messages it accepts. It keeps the first delivery
/// waiting (until a second delivery arrives, or for a little longer than the senders' polling
/// interval), so every other instance has had a round while that email is still in flight.
struct FakeSmtp {
    address: SocketAddr,
    delivered: Arc<Mutex<Vec<String>>>,
}

/// A little longer than the email sender's polling interval (5 s).
const FIRST_DELIVERY_HELD_FOR: Duration = Duration::from_secs(6);

impl FakeSmtp {
    async fn start() -> FakeSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let delivered: Arc<Mutex<Vec<String>>> = Arc::default();
        let messages = delivered.clone();
        let notify = Arc::new(Notify::new());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve_smtp(socket, messages.clone(), notify.clone()));
            }
        });
        FakeSmtp { address, delivered }
    }

    fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    fn delivered(&self) -> Vec<String> {
        self.delivered.lock().expect("lock").clone()
    }
}

async fn serve_smtp(
    socket: tokio::net::TcpStream,
    delivered: Arc<Mutex<Vec<String>>>,
    arrived: Arc<Notify>,
) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 fake ESMTP\r\n").await;
    while let Ok(Some(line)) = lines.next_line().await {
        let command = line.to_ascii_uppercase();
        let answer: &[u8] = if command.starts_with("DATA") {
            let _ = write.write_all(b"354 go ahead\r\n").await;
            let mut message = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                message.push_str(&line);
                message.push('\n');
            }
            let first = {
                let mut all = delivered.lock().expect("lock");
                all.push(message);
                all.len() == 1
            };
            arrived.notify_waiters();
            if first {
                let second = async {
                    loop {
                        let notified = arrived.notified();
                        if delivered.lock().expect("lock").len() > 1 {
                            return;
                        }
                        notified.await;
                    }
                };
                let _ = tokio::time::timeout(FIRST_DELIVERY_HELD_FOR, second).await;
            }
            b"250 queued\r\n"
        } else if command.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"250 ok\r\n"
        };
        let _ = write.write_all(answer).await;
    }
}

#[tokio::test]
async fn an_email_is_sent_once_and_a_resolved_ticket_closed_once_with_three_instances_running() {
    let Some(database) = shared_database("jobs once").await else {
        return;
    };
    let content = small_help_centre();
    let smtp = FakeSmtp::start().await;
    let dirs = [data_dirs(), data_dirs()];

    // A ticket resolved long ago, waiting for the auto-close job.
    {
        let dir = tempfile::tempdir().expect("temp dir");
        let setup = start_instance("setup", &database, content.path(), dir.path(), |_| {}).await;
        let filed = Browser::new()
            .post_json(
                &setup,
                "/api/tickets",
                &json!({
                    "name": "Old",
                    "email": "old@example.com",
                    "subject": "Solved last month",
                    "description": "This was answered and resolved a long time ago.",
                }),
            )
            .await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
        let agent = add_user(
            &setup.state.db,
            NewUser {
                email: "agent@example.com".to_owned(),
                name: String::new(),
                role: Role::Agent,
                password: PASSWORD.to_owned(),
            },
            None,
        )
        .await
        .expect("agent");
        let month_ago = answerdesk::storage::now_millis() - 30 * 24 * 60 * 60 * 1000;
        common::history::resolve_at(&setup.state.db, 1, agent.id, month_ago).await;
        // As if the last maintenance round were long ago (this instance just ran one).
        sqlx::query("DELETE FROM job_runs")
            .execute(setup.state.db.pool())
            .await
            .expect("forget rounds");
        // Its confirmation email was written before SMTP was configured: mark it handled.
        for email in setup.state.db.unsent_emails(10).await.expect("outbox") {
            setup
                .state
                .db
                .mark_email_attempt(email.id, None)
                .await
                .expect("mark sent");
        }
        setup.stop().await;
    }

    let with_smtp = |config: &mut Config| config.smtp_url.0 = smtp.url();
    let (a, b, c) = tokio::join!(
        start_instance("A", &database, content.path(), dirs[0].0.path(), with_smtp),
        start_instance("B", &database, content.path(), dirs[0].1.path(), with_smtp),
        start_instance("C", &database, content.path(), dirs[1].0.path(), with_smtp),
    );

    let filed = Browser::new()
        .post_json(
            &b,
            "/api/tickets",
            &json!({
                "name": "Ann",
                "email": "ann@example.com",
                "subject": "Cannot download my receipt",
                "description": "The receipt link on the payment page shows an error.",
            }),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let db = a.state.db.clone();
    until("the confirmation email is sent", || async {
        db.unsent_emails(10).await.expect("outbox").is_empty()
    })
    .await;
    let delivered = smtp.delivered();
    assert_eq!(delivered.len(), 1, "{delivered:#?}");
    assert!(delivered[0].contains("ann@example.com"));

    until("the resolved ticket is closed", || async {
        let status =
            common::stored_texts(&database, "SELECT status FROM tickets WHERE id = 1").await;
        status == ["closed"]
    })
    .await;
    let closings = common::stored_texts(
        &database,
        "SELECT change FROM ticket_history WHERE ticket_id = 1 AND actor = 'system'",
    )
    .await;
    assert_eq!(closings.len(), 1, "{closings:?}");

    for instance in [a, b, c] {
        instance.stop().await;
    }
    assert_eq!(
        smtp.delivered().len(),
        1,
        "and no second delivery after all"
    );
}
