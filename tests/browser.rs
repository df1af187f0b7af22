//! End-to-end stories in a real browser: headless Chromium driven through chromedriver
//! (WebDriver) against the portal listening on a real socket.
//!
//! Needs `chromium` and `chromedriver` on the PATH (Debian: `chromium chromium-driver`;
//! `.ci/run` installs them). Without them these tests fail, they do not skip, so they are
//! their own target behind a feature: `cargo test --features browser-tests --test browser`.

mod common;
#[path = "browser_stories/widget.rs"]
mod widget;

use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use answerdesk::app::{self, BackgroundTasks};
use answerdesk::deflection::DraftState;
use answerdesk::storage::Database;
use axum::body::Bytes;
use axum::http::Uri;
use common::{TestDatabase, events_recorded, shipped_content, test_config, tickets_filed};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long any page condition may take before the story fails.
const PAGE_TIMEOUT: Duration = Duration::from_secs(20);
/// How long chromedriver may take to answer its status URL.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the server may take to stop once the browser has closed its connections.
const SERVER_STOP_TIMEOUT: Duration = Duration::from_secs(15);
/// A guard against a hang, not a timing assertion: finishing normally takes well under a
/// second (the index poller commits a pass as one batch).
const BACKGROUND_FINISH_TIMEOUT: Duration = Duration::from_secs(30);

const CHROMIUM_BINARY: &str = "/usr/bin/chromium";

// ---------------------------------------------------------------------------------------------
// The portal on a real socket
// ---------------------------------------------------------------------------------------------

/// The portal serving HTTP on 127.0.0.1, on its own fresh SQLite database.
struct Portal {
    base_url: String,
    /// A handle on the portal's database, for asserting what was stored.
    db: Database,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    background: Option<BackgroundTasks>,
    // Dropped last: the database file and data directory outlive the server.
    _data_dir: tempfile::TempDir,
    _database: TestDatabase,
}

impl Portal {
    async fn start() -> Portal {
        Portal::start_configured(|_| {}).await
    }

    /// The portal with its test configuration changed by `configure` first.
    async fn start_configured(configure: impl FnOnce(&mut answerdesk::config::Config)) -> Portal {
        let database = TestDatabase::sqlite();
        let data_dir = tempfile::tempdir().expect("temp dir");
        let content = shipped_content();
        let mut config = test_config(&database, &content, data_dir.path());
        configure(&mut config);
        let (state, background) = app::build(config).await.expect("portal starts");
        let db = state.db.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("local address");
        // The router holds the only clone of the state, so stopping the server lets the
        // background writers drain and finish.
        let router = answerdesk::http::router(state);
        let (shutdown, stop) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = stop.await;
            })
            .await
        });
        Portal {
            base_url: format!("http://{address}"),
            db,
            shutdown: Some(shutdown),
            server: Some(server),
            background: Some(background),
            _data_dir: data_dir,
            _database: database,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Stops the server, then flushes the background writers (pending events included):
    /// everything the stories did is in the database when this returns.
    async fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(SERVER_STOP_TIMEOUT, server)
                .await
                .expect("the server stops within the timeout")
                .expect("the server task does not panic")
                .expect("the server stops cleanly");
        }
        if let Some(background) = self.background.take() {
            tokio::time::timeout(BACKGROUND_FINISH_TIMEOUT, background.finish())
                .await
                .expect("background tasks finish within the timeout");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// chromedriver and the browser
// ---------------------------------------------------------------------------------------------

/// A chromedriver child process, killed (with the browsers it started) when dropped, also when
/// a story fails half-way.
struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    async fn start() -> ChromeDriver {
        let port = free_port();
        let mut command = Command::new("chromedriver");
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            // Its own process group: dropping the guard ends chromedriver and every browser
            // process it started, even when the WebDriver session was never closed.
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let child = match command.spawn() {
            Ok(child) => child,
            Err(error) => panic!(
                "cannot start `chromedriver` ({error}). The browser tests need Chromium and \
                 its WebDriver: install them with \
                 `apt-get install -y chromium chromium-driver` (.ci/run does this)."
            ),
        };
        let mut driver = ChromeDriver { child, port };
        driver.wait_until_ready().await;
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls `GET /status` until chromedriver reports it is ready, within a bounded time.
    async fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + DRIVER_START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited at start-up with {status}");
            }
            let last_error = match status_ready(self.port).await {
                Ok(true) => return,
                Ok(false) => "it answered but is not ready yet".to_owned(),
                Err(error) => error.to_string(),
            };
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on port {} within {DRIVER_START_TIMEOUT:?}: \
                 {last_error}",
                self.port
            );
            // The interval between two polls of the condition above.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            // The whole process group started above: chromedriver and its browsers.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    let listener = StdTcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Whether chromedriver's `GET /status` says `"ready": true`.
async fn status_ready(port: u16) -> Result<bool, String> {
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Empty<Bytes>>();
    let uri: Uri = format!("http://127.0.0.1:{port}/status")
        .parse()
        .map_err(|error| format!("{error}"))?;
    let request = async {
        let response = client.get(uri).await.map_err(|error| error.to_string())?;
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|error| error.to_string())?
            .to_bytes();
        Ok::<_, String>(body)
    };
    let body = tokio::time::timeout(Duration::from_secs(2), request)
        .await
        .map_err(|_| "no answer within 2 s".to_owned())??;
    let ready = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|json| json.pointer("/value/ready").and_then(|r| r.as_bool()))
        .unwrap_or(false);
    Ok(ready)
}

/// A headless Chromium session with its own profile.
struct Browser {
    client: Client,
    // Dropped after the client: the driver (and its browsers) are killed, then the profile
    // directory is removed.
    _driver: ChromeDriver,
    _profile: tempfile::TempDir,
}

/// A phone's screen in CSS pixels (an iPhone 12–15 held upright).
const PHONE_SIZE: (u32, u32) = (390, 844);
const PHONE_USER_AGENT: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";

impl Browser {
    /// A desktop-sized window.
    async fn start() -> Browser {
        Browser::start_sized(1280, 1000, false).await
    }

    /// A phone: its screen size (Chromium's windows are at least 500 px wide, so the page is
    /// laid out by device emulation), touch and a phone's user agent.
    async fn start_phone() -> Browser {
        Browser::start_sized(PHONE_SIZE.0, PHONE_SIZE.1, true).await
    }

    /// A phone with its on-screen keyboard open: `visible_height` px of the page show.
    async fn start_phone_with_keyboard(visible_height: u32) -> Browser {
        Browser::start_sized(PHONE_SIZE.0, visible_height, true).await
    }

    async fn start_sized(width: u32, height: u32, phone: bool) -> Browser {
        Browser::start_with_prefs(width, height, phone, None).await
    }

    /// A browser whose profile has the given preferences (`goog:chromeOptions.prefs`).
    async fn start_with_prefs(
        width: u32,
        height: u32,
        phone: bool,
        prefs: Option<serde_json::Value>,
    ) -> Browser {
        let driver = ChromeDriver::start().await;
        let profile = tempfile::tempdir().expect("temp dir for the browser profile");
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--window-size={width},{height}"),
        ];
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            if phone {
                serde_json::json!({
                    "binary": CHROMIUM_BINARY,
                    "args": args,
                    "mobileEmulation": {
                        "deviceMetrics": {
                            "width": width, "height": height, "pixelRatio": 3.0, "touch": true,
                        },
                        "userAgent": PHONE_USER_AGENT,
                    },
                })
            } else {
                serde_json::json!({ "binary": CHROMIUM_BINARY, "args": args })
            },
        );
        if let (Some(prefs), Some(options)) = (
            prefs,
            capabilities
                .get_mut("goog:chromeOptions")
                .and_then(|o| o.as_object_mut()),
        ) {
            options.insert("prefs".to_owned(), prefs);
        }
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|error| {
                panic!("chromedriver could not start {CHROMIUM_BINARY}: {error}")
            });
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("open {url}: {error}"));
    }

    /// Waits until an element matching the CSS selector is on the page.
    async fn wait_for_css(&self, selector: &str) -> Element {
        self.wait_for(Locator::Css(selector), selector).await
    }

    /// Waits until an element matching the XPath expression is on the page.
    async fn wait_for_xpath(&self, xpath: &str) -> Element {
        self.wait_for(Locator::XPath(xpath), xpath).await
    }

    async fn wait_for(&self, locator: Locator<'_>, description: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(PAGE_TIMEOUT)
            .every(Duration::from_millis(100))
            .for_element(locator)
            .await
        {
            Ok(element) => element,
            Err(error) => {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let page = self.client.source().await.unwrap_or_default();
                panic!(
                    "waited {PAGE_TIMEOUT:?} for `{description}` on {url}: {error}\n\
                     page source:\n{page}"
                )
            }
        }
    }

    /// Clicks the element matching the CSS selector. A live list may replace the element
    /// between finding and clicking it (a newer answer arrived); then the new one is clicked.
    async fn click_css(&self, selector: &str) {
        for _ in 0..20 {
            match self.wait_for_css(selector).await.click().await {
                Ok(()) => return,
                Err(fantoccini::error::CmdError::Standard(error))
                    if error.error == fantoccini::error::ErrorStatus::StaleElementReference => {}
                Err(error) => panic!("click {selector}: {error}"),
            }
        }
        panic!("click {selector}: the element kept being replaced");
    }

    /// Types into the element matching the CSS selector.
    async fn type_into(&self, selector: &str, text: &str) {
        self.wait_for_css(selector)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("type into {selector}: {error}"));
    }

    /// Clicks the button whose text is exactly `label`.
    async fn click_button(&self, label: &str) {
        let xpath = format!("//button[normalize-space(.)='{label}']");
        self.wait_for_xpath(&xpath)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("click the button {label:?}: {error}"));
    }

    /// Runs a script in the page and returns what it returns.
    async fn script(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|error| panic!("run {script}: {error}"))
    }

    /// Where the element matching the selector is, and the viewport's height, in CSS pixels.
    async fn rect(&self, selector: &str) -> Rect {
        self.wait_for_css(selector).await;
        let script = format!(
            "const r = document.querySelector({selector:?}).getBoundingClientRect(); \
             return [r.top, r.bottom, r.left, r.right, window.innerHeight, window.innerWidth];"
        );
        let value = self.script(&script).await;
        let number = |i: usize| value[i].as_f64().expect("a number");
        Rect {
            top: number(0),
            bottom: number(1),
            left: number(2),
            right: number(3),
            viewport_height: number(4),
            viewport_width: number(5),
        }
    }

    /// The request form's `seen` field: the suggestions counted as seen.
    async fn seen_field(&self) -> String {
        self.script("return document.querySelector('#request-form [name=seen]').value;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    async fn current_url(&self) -> url::Url {
        self.client.current_url().await.expect("current URL")
    }

    async fn save_screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.expect("screenshot");
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).expect("create the screenshot folder");
        }
        std::fs::write(path, png).expect("write the screenshot");
    }

    async fn close(self) {
        let Browser {
            client,
            _driver,
            _profile,
        } = self;
        client.close().await.expect("close the browser session");
    }
}

#[derive(Debug)]
struct Rect {
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
    viewport_height: f64,
    viewport_width: f64,
}

fn screenshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("screenshots")
        .join(name)
}

fn query_parameter(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

// ---------------------------------------------------------------------------------------------
// Stories
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_who_confirms_a_suggested_answer_is_counted_as_deflected_and_files_no_ticket() {
    let browser = Browser::start().await;
    let mut portal = Portal::start().await;

    // The form gets a draft of its own in the URL.
    browser.goto(&portal.url("/en/request/new")).await;
    browser.wait_for_css("form#request-form").await;
    let form_url = browser.current_url().await;
    assert_eq!(form_url.path(), "/en/request/new");
    let draft_id = query_parameter(&form_url, "draft")
        .unwrap_or_else(|| panic!("/request/new redirects to ?draft=ID, got {form_url}"));

    browser.type_into("#subject", "I forgot my password").await;
    browser
        .type_into("#description", "I can't sign in, it says wrong password")
        .await;

    // The live panel offers the password article, linked back to this draft.
    let suggestion = browser
        .wait_for_css("#suggestions-panel a[href^='/en/articles/reset-your-password']")
        .await;
    let href = suggestion
        .attr("href")
        .await
        .expect("link href")
        .expect("the suggestion is a link");
    assert!(
        href.contains("from=suggest") && href.contains(&format!("draft={draft_id}")),
        "the suggestion links back to the draft: {href}"
    );
    browser
        .save_screenshot(&screenshot_path("request-form.png"))
        .await;
    // On a wide screen the panel is beside the form, level with the fields being typed.
    let panel = browser.rect("#suggestions-panel").await;
    let subject = browser.rect("#subject").await;
    let description = browser.rect("#description").await;
    assert!(
        panel.left >= subject.right && panel.top < description.bottom,
        "the panel is beside the form: panel {panel:?}, subject {subject:?}"
    );

    browser
        .click_css("#suggestions-panel a[href^='/en/articles/reset-your-password']")
        .await;
    browser
        .wait_for_css("h1#article-title")
        .await
        .text()
        .await
        .expect("article title");
    assert_eq!(
        browser.current_url().await.path(),
        "/en/articles/reset-your-password"
    );

    browser.click_button("Yes, this solved my problem").await;
    browser.wait_for_xpath("//h1[contains(., 'glad')]").await;

    browser.close().await;
    portal.shut_down().await;

    let db = &portal.db;
    assert_eq!(
        events_recorded(db, answerdesk::deflection::EventKind::Deflected).await,
        1,
        "one deflection is counted"
    );
    assert_eq!(tickets_filed(db).await, 0, "no ticket is filed");
    let draft = db
        .find_draft(&draft_id)
        .await
        .expect("find draft")
        .expect("the draft is stored");
    assert_eq!(draft.state, DraftState::Deflected);
    assert_eq!(draft.ticket_id, None);
    assert!(
        draft
            .opened_articles
            .contains(&"reset-your-password".to_owned()),
        "the opened suggestion is remembered: {:?}",
        draft.opened_articles
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latvian_customer_types_a_request_in_latvian_and_is_deflected_by_a_latvian_article() {
    let browser = Browser::start().await;
    let mut portal = Portal::start().await;

    browser.goto(&portal.url("/lv/request/new")).await;
    browser.wait_for_css("form#request-form").await;
    let form_url = browser.current_url().await;
    assert_eq!(form_url.path(), "/lv/request/new");
    let draft_id = query_parameter(&form_url, "draft").expect("a draft of its own");
    browser
        .wait_for_xpath("//html[@lang='lv']//h1[contains(., 'Sazināties ar atbalsta dienestu')]")
        .await;

    browser.type_into("#subject", "Aizmirsu paroli").await;
    browser
        .type_into(
            "#description",
            "Nevaru pieteikties, raksta, ka parole ir nepareiza",
        )
        .await;

    // The live panel offers the Latvian password article, in Latvian.
    let selector = "#suggestions-panel a[href^='/lv/articles/paroles-atiestatisana']";
    let suggestion = browser.wait_for_css(selector).await;
    let title = suggestion.text().await.expect("suggestion title");
    assert!(title.contains("Paroles"), "a Latvian title: {title}");
    browser
        .save_screenshot(&screenshot_path("request-form-lv.png"))
        .await;

    browser.click_css(selector).await;
    browser.wait_for_css("h1#article-title").await;
    assert_eq!(
        browser.current_url().await.path(),
        "/lv/articles/paroles-atiestatisana"
    );
    browser
        .click_button("Jā, tas atrisināja manu problēmu")
        .await;
    browser
        .wait_for_xpath("//html[@lang='lv']//h1[contains(., 'Lieliski')]")
        .await;

    browser.close().await;
    portal.shut_down().await;

    let db = &portal.db;
    assert_eq!(
        events_recorded(db, answerdesk::deflection::EventKind::Deflected).await,
        1,
        "one deflection is counted"
    );
    assert_eq!(tickets_filed(db).await, 0, "no ticket is filed");
    let draft = db
        .find_draft(&draft_id)
        .await
        .expect("find draft")
        .expect("the draft is stored");
    assert_eq!(draft.state, DraftState::Deflected);
    assert_eq!(draft.lang, "lv", "the request was written in Latvian");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_who_ignores_suggestions_files_a_ticket_and_can_follow_and_reply_to_it() {
    let browser = Browser::start().await;
    let mut portal = Portal::start().await;

    browser.goto(&portal.url("/en/request/new")).await;
    browser.wait_for_css("form#request-form").await;
    browser.type_into("#name", "Dana Customer").await;
    browser.type_into("#email", "dana@example.com").await;
    browser
        .type_into("#subject", "Your site is down, error 500 on every page")
        .await;
    browser
        .type_into(
            "#description",
            "Since this morning the dashboard shows error 500 and I cannot access my invoices.",
        )
        .await;

    // She looks at an article first, then comes back with "Contact support" in the header:
    // the request is there as she left it.
    let draft_id = query_parameter(&browser.current_url().await, "draft").expect("a draft");
    let deadline = Instant::now() + PAGE_TIMEOUT;
    while portal
        .db
        .find_draft(&draft_id)
        .await
        .expect("find the draft")
        .is_none_or(|draft| !draft.fields.description.ends_with("my invoices."))
    {
        assert!(Instant::now() < deadline, "the form saved its draft");
        tokio::task::yield_now().await;
    }
    browser
        .goto(&portal.url("/en/articles/is-ledgerline-down"))
        .await;
    browser
        .click_css("header a.button[href='/en/request/new']")
        .await;
    browser.wait_for_css("#draft-resumed").await;
    let subject = browser
        .script("return document.getElementById('subject').value;")
        .await;
    assert_eq!(subject, "Your site is down, error 500 on every page");
    assert_eq!(
        query_parameter(&browser.current_url().await, "draft").as_deref(),
        Some(draft_id.as_str()),
        "the same request"
    );
    browser.click_button("Send request").await;

    // Either the review step (unseen suggestions) or straight to the status page.
    let review_title = "These articles may answer your question";
    let landed = browser
        .wait_for_xpath(&format!(
            "//strong[contains(@class, 'reference')] | //h1[contains(., '{review_title}')]"
        ))
        .await;
    if landed.text().await.expect("text").contains(review_title) {
        browser.click_button("No, submit my request").await;
    }

    let reference = browser
        .wait_for_css("strong.reference")
        .await
        .text()
        .await
        .expect("reference");
    let digits = reference
        .strip_prefix("AD-")
        .unwrap_or_else(|| panic!("a reference like AD-000001, got {reference:?}"));
    assert!(
        digits.len() >= 6 && digits.chars().all(|c| c.is_ascii_digit()),
        "a reference like AD-000001, got {reference:?}"
    );
    // The status as the catalogue names it.
    let status = browser
        .wait_for_css(".ticket-facts .status")
        .await
        .prop("textContent")
        .await
        .expect("status")
        .unwrap_or_default();
    assert_eq!(status.trim(), "New");

    // "Your request has been sent" is shown once: the address loses it, a reload shows the
    // page alone.
    browser
        .wait_for_xpath("//*[@role='status'][contains(., 'Your request has been sent')]")
        .await;
    let status_url = browser.current_url().await;
    assert_eq!(
        status_url.query(),
        None,
        "the notice left the URL: {status_url}"
    );
    browser.client.refresh().await.expect("reload");
    browser.wait_for_css("strong.reference").await;
    assert!(
        browser
            .client
            .find_all(Locator::Css("[role=status]"))
            .await
            .expect("notices")
            .is_empty(),
        "the sent notice is not shown again"
    );

    let token = status_url
        .path()
        .strip_prefix("/tickets/")
        .unwrap_or_else(|| panic!("a ticket status page, got {status_url}"))
        .to_owned();
    let ticket = portal
        .db
        .find_ticket_by_status_token(&token)
        .await
        .expect("find ticket")
        .expect("the ticket is stored");
    assert_eq!(ticket.priority, answerdesk::tickets::TicketPriority::Urgent);
    let tags = ticket.tags.clone();
    assert!(
        tags.contains(&"outage".to_owned()),
        "tagged outage: {tags:?}"
    );
    assert_eq!(ticket.email, "dana@example.com");
    assert_eq!(ticket.subject, "Your site is down, error 500 on every page");

    let reply = "It works again on the invoices page, but the dashboard still fails.";
    browser.type_into("#reply", reply).await;
    browser.click_button("Send reply").await;
    browser
        .wait_for_xpath(&format!(
            "//ol[contains(@class, 'conversation')]//div[contains(@class, 'message-body')]\
             [contains(., '{reply}')]"
        ))
        .await;
    browser
        .wait_for_xpath("//*[@role='status'][contains(., 'Your reply has been added')]")
        .await;
    let shown = browser
        .client
        .find_all(Locator::Css("ol.conversation > li.message"))
        .await
        .expect("messages");
    assert_eq!(shown.len(), 2, "the description and the reply are shown");

    browser.close().await;
    portal.shut_down().await;

    let messages = portal
        .db
        .ticket_messages(ticket.id, false)
        .await
        .expect("messages");
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[1].body, reply);
    assert_eq!(
        messages[1].author_kind,
        answerdesk::tickets::AuthorKind::Customer
    );
    assert_eq!(tickets_filed(&portal.db).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_suggestion_shows_right_under_the_question_and_deflects_the_customer() {
    let browser = Browser::start_phone().await;
    let mut portal = Portal::start().await;

    browser.goto(&portal.url("/en/request/new")).await;
    browser.wait_for_css("form#request-form").await;
    let draft_id = query_parameter(&browser.current_url().await, "draft").expect("a draft");
    let icon = browser
        .script(
            "return fetch(document.querySelector('link[rel=icon]').href)\
             .then(r => r.status + ' ' + r.headers.get('content-type'));",
        )
        .await;
    assert_eq!(icon, "200 image/svg+xml", "the page's favicon is served");

    browser.type_into("#subject", "I forgot my password").await;
    browser
        .type_into("#description", "I can't sign in, it says wrong password")
        .await;

    // While the customer types, the suggestion is on screen, right under the question.
    let selector = "#suggestions-panel a[href^='/en/articles/reset-your-password']";
    browser.wait_for_css(selector).await;
    let item = browser.rect("#suggestions-panel li").await;
    assert_eq!(item.viewport_width, f64::from(PHONE_SIZE.0), "{item:?}");
    assert!(
        item.top >= 0.0 && item.top < item.viewport_height,
        "the first suggestion is in the viewport while typing: {item:?}"
    );
    let button = browser.rect("#request-form button[type=submit]").await;
    assert!(item.top < button.top, "the suggestion is above Send");
    browser
        .save_screenshot(&screenshot_path("phone-request-form.png"))
        .await;

    // Having been on screen for a moment, it counts as seen.
    let started = Instant::now();
    while !browser.seen_field().await.contains("reset-your-password") {
        assert!(
            started.elapsed() < PAGE_TIMEOUT,
            "the suggestion counts as seen"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    browser.click_css(selector).await;
    browser.wait_for_css("h1#article-title").await;
    browser.click_button("Yes, this solved my problem").await;
    browser.wait_for_xpath("//h1[contains(., 'glad')]").await;
    browser
        .save_screenshot(&screenshot_path("phone-deflected.png"))
        .await;

    browser.close().await;
    portal.shut_down().await;

    let db = &portal.db;
    assert_eq!(
        events_recorded(db, answerdesk::deflection::EventKind::Deflected).await,
        1,
        "the phone deflection is counted"
    );
    assert_eq!(tickets_filed(db).await, 0, "no ticket is filed");
    let draft = db
        .find_draft(&draft_id)
        .await
        .expect("find draft")
        .expect("the draft is stored");
    assert_eq!(draft.state, DraftState::Deflected);
    assert!(
        draft
            .suggested_articles
            .contains(&"reset-your-password".to_owned()),
        "the seen suggestion is remembered as shown: {:?}",
        draft.suggested_articles
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_a_suggestion_never_on_screen_is_offered_at_the_review_step() {
    // With the on-screen keyboard open a phone shows about 360 px of the page: the customer
    // types the question at the bottom of that, and the suggestions below it stay off screen.
    let browser = Browser::start_phone_with_keyboard(360).await;
    let mut portal = Portal::start().await;

    browser.goto(&portal.url("/en/request/new")).await;
    browser.wait_for_css("form#request-form").await;

    // Sending the empty form: the summary of what to fix takes the focus, linking each field.
    browser.click_button("Send request").await;
    browser
        .wait_for_css("#error-summary a[href='#email']")
        .await;
    let focused = browser
        .script("return document.activeElement && document.activeElement.id;")
        .await;
    assert_eq!(focused, "error-summary", "focus moves to the error summary");
    browser
        .save_screenshot(&screenshot_path("phone-error-summary.png"))
        .await;
    browser.click_css("#error-summary a[href='#subject']").await;
    assert_eq!(
        browser
            .script("return document.activeElement && document.activeElement.id;")
            .await,
        "subject",
        "the summary's link leads to its field"
    );

    browser.type_into("#email", "pat@example.com").await;
    browser.type_into("#subject", "I forgot my password").await;
    browser
        .type_into("#description", "I can't sign in, it says wrong password")
        .await;
    browser
        .wait_for_css("#suggestions-panel a[href^='/en/articles/reset-your-password']")
        .await;
    let item = browser.rect("#suggestions-panel li").await;
    assert!(
        item.top >= item.viewport_height,
        "the suggestion is below the visible part of the page: {item:?}"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        browser.seen_field().await,
        "",
        "a suggestion never on screen is not seen"
    );

    browser.click_button("Send request").await;
    browser
        .wait_for_xpath("//h1[contains(., 'These articles may answer your question')]")
        .await;
    browser
        .wait_for_css(".review-list a[href^='/en/articles/reset-your-password']")
        .await;
    browser
        .save_screenshot(&screenshot_path("phone-review.png"))
        .await;

    browser.close().await;
    portal.shut_down().await;
    assert_eq!(tickets_filed(&portal.db).await, 0, "nothing filed yet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_in_the_home_search_box_shows_keyboard_navigable_suggestions() {
    let browser = Browser::start().await;
    let mut portal = Portal::start().await;

    browser.goto(&portal.url("/en")).await;
    let input = browser.wait_for_css("#search-input").await;
    input.send_keys("pasword").await.expect("type a query");
    browser.wait_for_css("[role=listbox] [role=option]").await;
    assert_eq!(
        input.attr("aria-expanded").await.expect("attribute"),
        Some("true".to_owned()),
        "the combobox says its list is open"
    );

    input
        .send_keys(&Key::Down.to_string())
        .await
        .expect("arrow down");
    browser
        .wait_for_css("[role=listbox] [role=option][aria-selected=true]")
        .await;
    input
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("enter");

    let title = browser
        .wait_for_css("h1#article-title")
        .await
        .text()
        .await
        .expect("article title");
    let url = browser.current_url().await;
    assert!(
        url.path().starts_with("/en/articles/"),
        "an article page, got {url}"
    );
    assert_eq!(
        query_parameter(&url, "from").as_deref(),
        Some("suggest"),
        "the visit is attributed to the suggestion: {url}"
    );
    assert!(
        title.to_lowercase().contains("password"),
        "the first suggestion for a misspelt \"pasword\" is about passwords, got {title:?}"
    );

    browser.close().await;
    portal.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_signs_in_edits_and_publishes_an_article_that_customers_then_find_by_search() {
    let browser = Browser::start().await;
    let mut portal = Portal::start().await;
    let password = "a long editor password";
    answerdesk::accounts::add_user(
        &portal.db,
        answerdesk::accounts::NewUser {
            email: "editor@example.com".to_owned(),
            name: "Edna Editor".to_owned(),
            role: answerdesk::accounts::Role::Editor,
            password: password.to_owned(),
        },
        None,
    )
    .await
    .expect("editor account");
    let slug = "reset-your-password";
    let unique = "Frobnicatrix";

    // Signing in sends the editor back to the page they asked for.
    browser
        .goto(&portal.url(&format!("/editor/articles/{slug}/edit")))
        .await;
    browser.type_into("#email", "editor@example.com").await;
    browser.type_into("#password", password).await;
    browser.click_button("Sign in").await;

    let title = browser.wait_for_css("form#article-form #title").await;
    title.clear().await.expect("clear the title");
    title
        .send_keys(&format!("Reset your password with {unique}"))
        .await
        .expect("type the title");
    let body = browser.wait_for_css("#body").await;
    body.send_keys(&format!("\n\nThe {unique} button resets it at once.\n"))
        .await
        .expect("type into the body");
    // The live preview (rendered by the server) shows the new words before saving.
    browser
        .wait_for_xpath(&format!(
            "//div[@id='preview'][contains(., '{unique} button')]"
        ))
        .await;
    browser.click_button("Publish changes").await;
    browser
        .wait_for_xpath("//*[@role='status'][contains(., 'Published')]")
        .await;
    browser
        .save_screenshot(&screenshot_path("editor-article.png"))
        .await;

    // A customer (same browser, customer pages) searches for the new word.
    browser
        .goto(&portal.url(&format!("/en/search?q={unique}")))
        .await;
    let hit = browser
        .wait_for_css(&format!("a[href^='/en/articles/{slug}']"))
        .await;
    assert_eq!(
        hit.text().await.expect("hit title"),
        format!("Reset your password with {unique}")
    );
    hit.click().await.expect("open the article");
    browser
        .wait_for_xpath(&format!(
            "//h1[@id='article-title'][contains(., '{unique}')]"
        ))
        .await;
    browser
        .wait_for_xpath(&format!(
            "//div[contains(@class, 'article-body')][contains(., 'The {unique} button')]"
        ))
        .await;

    browser.close().await;
    portal.shut_down().await;

    let article = portal
        .db
        .find_article_by_slug(slug)
        .await
        .expect("query")
        .expect("article");
    assert_eq!(article.revision, 2);
    let entries = portal.db.list_audit_entries(None, 10).await.expect("audit");
    assert!(
        entries
            .iter()
            .any(|e| e.action == "article.publish" && e.actor_email == "editor@example.com"),
        "{entries:?}"
    );
}

/// Files a ticket through the JSON API, as an integration would; returns the API's answer.
async fn file_ticket_through_the_api(
    portal: &Portal,
    ticket: serde_json::Value,
) -> serde_json::Value {
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<http_body_util::Full<Bytes>>();
    let request = axum::http::Request::post(portal.url("/api/tickets"))
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(Bytes::from(ticket.to_string())))
        .expect("request");
    let response = client.request(request).await.expect("the API answers");
    assert_eq!(response.status(), 201, "ticket filed");
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&body).expect("JSON answer")
}

async fn add_staff_user(
    portal: &Portal,
    email: &str,
    name: &str,
    role: answerdesk::accounts::Role,
) {
    answerdesk::accounts::add_user(
        &portal.db,
        answerdesk::accounts::NewUser {
            email: email.to_owned(),
            name: name.to_owned(),
            role,
            password: "a long staff password".to_owned(),
        },
        None,
    )
    .await
    .expect("staff account");
}

async fn sign_in_in_the_browser(browser: &Browser, email: &str) {
    browser.type_into("#email", email).await;
    browser
        .type_into("#password", "a long staff password")
        .await;
    browser.click_button("Sign in").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_answers_with_a_canned_response_and_an_article_link_and_the_customer_reads_it() {
    let browser = Browser::start().await;
    let mut portal = Portal::start().await;
    add_staff_user(
        &portal,
        "agent@example.com",
        "Ann Agent",
        answerdesk::accounts::Role::Agent,
    )
    .await;
    let filed = file_ticket_through_the_api(
        &portal,
        serde_json::json!({
            "name": "Ada Customer",
            "email": "ada@example.com",
            "subject": "Where do I download my invoices?",
            "description": "I need last month's invoices as PDF files for my accountant."
        }),
    )
    .await;
    let status_url = filed["status_url"].as_str().expect("status URL").to_owned();

    // The agent saves a canned response first.
    browser.goto(&portal.url("/agent/canned")).await;
    sign_in_in_the_browser(&browser, "agent@example.com").await;
    browser.type_into("#new-canned-title", "Thanks").await;
    browser
        .type_into("#new-canned-body", "Thanks for writing, {{customer_name}}.")
        .await;
    browser.click_button("Save").await;
    browser.wait_for_xpath("//*[@role='status']").await;

    // The inbox lists the new ticket; its page offers the canned response and article search.
    browser.goto(&portal.url("/agent")).await;
    browser
        .wait_for_xpath("//a[contains(., 'Where do I download my invoices?')]")
        .await
        .click()
        .await
        .expect("open the ticket");
    browser.click_button("Insert").await;
    let reply = browser.wait_for_css("#reply-body").await;
    let deadline = Instant::now() + PAGE_TIMEOUT;
    while !reply
        .prop("value")
        .await
        .expect("reply text")
        .unwrap_or_default()
        .contains("Thanks for writing, Ada Customer.")
    {
        assert!(
            Instant::now() < deadline,
            "the canned response was not inserted"
        );
        tokio::task::yield_now().await;
    }
    browser
        .type_into("#article-search", "download invoices pdf")
        .await;
    browser.click_button("Search").await;
    browser
        .wait_for_xpath("//ul[@id='article-results']//button[normalize-space(.)='Insert link']")
        .await
        .click()
        .await
        .expect("insert the first article link");
    let text = reply
        .prop("value")
        .await
        .expect("reply text")
        .unwrap_or_default();
    assert!(text.contains("/articles/"), "{text}");
    browser
        .save_screenshot(&screenshot_path("agent-ticket.png"))
        .await;
    browser.click_button("Send reply").await;
    browser.wait_for_xpath("//*[@role='status']").await;

    // The customer's private page shows the reply with the link; the ticket waits for them.
    // The API's link carries the configured public URL; the test server listens elsewhere.
    let token = status_url.rsplit('/').next().expect("token").to_owned();
    browser
        .goto(&portal.url(&format!("/tickets/{token}")))
        .await;
    browser
        .wait_for_xpath("//*[contains(., 'Thanks for writing, Ada Customer.')]")
        .await;
    // The inserted address is a link the customer can open.
    let link = browser
        .wait_for_xpath("//div[@class='message-body']/a[contains(@href, '/articles/')]")
        .await;
    let href = link
        .attr("href")
        .await
        .expect("href")
        .expect("the link has an address");
    let article_path = url::Url::parse(&href)
        .expect("absolute address")
        .path()
        .to_owned();
    browser.goto(&portal.url(&article_path)).await;
    browser.wait_for_css("h1#article-title").await;

    browser.close().await;
    portal.shut_down().await;
    let ticket = portal
        .db
        .find_ticket_by_status_token(&token)
        .await
        .expect("query")
        .expect("ticket");
    assert_eq!(ticket.status, answerdesk::tickets::TicketStatus::Answered);
    assert!(ticket.first_responded_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_a_customer_who_lost_the_link_asks_for_it_and_opens_their_request_from_the_email()
 {
    let browser = Browser::start_phone().await;
    let mut portal = Portal::start().await;
    let filed = file_ticket_through_the_api(
        &portal,
        serde_json::json!({
            "name": "Lina Customer",
            "email": "lina@example.com",
            "subject": "Payment reminder sent twice",
            "description": "My client got the same reminder two times this morning."
        }),
    )
    .await;
    let token = filed["status_url"]
        .as_str()
        .and_then(|url| url.rsplit('/').next())
        .expect("token")
        .to_owned();

    // From any page, the footer leads to the form.
    browser.goto(&portal.url("/lt")).await;
    browser
        .wait_for_xpath("//footer//a[contains(@href, '/lt/requests/find')]")
        .await
        .click()
        .await
        .expect("open the form");
    browser.type_into("#email", "Lina@Example.com").await;
    browser.click_button("Atsiųsti man nuorodas").await;
    browser
        .wait_for_xpath("//*[@id='find-requests-sent'][contains(., 'Patikrinkite el. paštą')]")
        .await;
    let width: i64 = browser
        .script("return document.documentElement.scrollWidth;")
        .await
        .as_i64()
        .expect("width");
    assert!(width <= 390, "the page fits the phone: {width}px");
    browser
        .save_screenshot(&screenshot_path("phone-find-requests.png"))
        .await;

    // The email lists the request's private link; opening it shows the request.
    let emails = portal.db.unsent_emails(10).await.expect("outbox");
    let email = emails
        .iter()
        .find(|email| email.subject.starts_with("Jūsų užklausos"))
        .expect("the links were emailed, in Lithuanian");
    assert_eq!(email.recipient, "lina@example.com");
    assert!(email.body.contains(&token), "{}", email.body);
    assert!(email.body.contains("Payment reminder sent twice"));
    browser
        .goto(&portal.url(&format!("/tickets/{token}")))
        .await;
    browser
        .wait_for_xpath("//*[contains(., 'Payment reminder sent twice')]")
        .await;

    browser.close().await;
    portal.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_reads_the_deflection_dashboard_with_charts_beside_their_tables() {
    let browser = Browser::start().await;
    let mut portal = Portal::start().await;
    add_staff_user(
        &portal,
        "admin@example.com",
        "Ada Admin",
        answerdesk::accounts::Role::Admin,
    )
    .await;
    common::history::seed_dashboard_sample(&portal.db, 60).await;

    browser.goto(&portal.url("/admin?range=30")).await;
    sign_in_in_the_browser(&browser, "admin@example.com").await;
    browser
        .wait_for_xpath("//h1[contains(., 'Deflection')]")
        .await;
    let charts = browser
        .client
        .find_all(Locator::Css("svg"))
        .await
        .expect("charts");
    assert!(charts.len() >= 3, "{} charts", charts.len());
    browser
        .wait_for_xpath("//*[contains(., 'Deflected ÷ (deflected + tickets filed).')]")
        .await;
    browser
        .save_screenshot(&screenshot_path("admin-dashboard.png"))
        .await;
    browser
        .goto(&portal.url("/admin/content-gaps?range=30"))
        .await;
    browser
        .wait_for_xpath("//a[contains(@href, '/editor/articles/new?title=')]")
        .await;
    browser.close().await;
    portal.shut_down().await;
}

// ---------------------------------------------------------------------------------------------
// Accessibility (axe-core) and phone layouts of the staff pages
// ---------------------------------------------------------------------------------------------

/// axe-core, installed by `npm ci --prefix tests/accessibility` (`.ci/run` does this).
fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/accessibility/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read {} ({error}): install axe-core with \
             `npm ci --prefix tests/accessibility` (.ci/run does this)",
            path.display()
        )
    })
}

/// Where the stories of this section keep their screenshots.
fn screen_path(name: &str) -> PathBuf {
    std::env::temp_dir().join("screens").join(name)
}

/// A page's axe-core violations, one line each: rule, impact, help and the elements.
async fn axe_violations(browser: &Browser, axe: &str) -> Vec<String> {
    let script = format!(
        "{axe}\n;return axe.run(document).then(function (r) {{ return {{ \
         checked: r.passes.length + r.violations.length, \
         violations: r.violations.map(function (v) {{ return v.id + ' (' + v.impact + '): ' + \
         v.help + ' at ' + v.nodes.map(function (n) {{ return n.target.join(' '); }}).join(', '); }}) }}; }});"
    );
    let found = browser.script(&script).await;
    let checked = found["checked"].as_u64().unwrap_or_default();
    assert!(
        checked >= 10,
        "axe-core checked only {checked} rules on the page: {found}"
    );
    found["violations"]
        .as_array()
        .unwrap_or_else(|| panic!("axe.run lists the violations, got {found}"))
        .iter()
        .map(|line| line.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Opens every kind of page a customer or a staff member meets and collects axe-core's
/// violations on each, as "page: violation" lines.
async fn audit_every_page(browser: &Browser, portal: &Portal, window: &str) -> Vec<String> {
    let axe = axe_source();
    let mut problems = Vec::new();
    let mut audit = async |name: &str, ready: &str| {
        browser.wait_for_css(ready).await;
        for violation in axe_violations(browser, &axe).await {
            problems.push(format!("[{window}] {name}: {violation}"));
        }
        // Every page names the site's icon, and it is served.
        let icon = browser
            .script(
                "var link = document.querySelector('link[rel=icon]'); \
                 return link ? fetch(link.href).then(r => String(r.status)) : 'no icon';",
            )
            .await;
        if icon != "200" {
            problems.push(format!("[{window}] {name}: favicon {icon}"));
        }
        browser
            .save_screenshot(&screen_path(&format!(
                "{window}-{}.png",
                name.replace(' ', "-")
            )))
            .await;
    };

    browser.goto(&portal.url("/en")).await;
    audit("home", "form[role=search], .hero").await;
    browser
        .goto(&portal.url("/en/categories/invoices-and-quotes"))
        .await;
    audit("category with sections", ".category-section").await;
    browser
        .goto(&portal.url("/en/articles/reset-your-password"))
        .await;
    audit("article", "h1#article-title").await;
    browser.goto(&portal.url("/en/search?q=password")).await;
    audit("search", ".search-results").await;
    browser.goto(&portal.url("/en/request/new")).await;
    audit("request form", "form#request-form").await;
    // The review step: the form sent without typing (so nothing was seen), as without scripts.
    browser
        .script(
            "document.getElementById('email').value = 'pat@example.com'; \
             document.getElementById('subject').value = 'I forgot my password'; \
             document.getElementById('description').value = 'I cannot sign in, it says wrong password'; \
             document.getElementById('request-form').submit(); return true;",
        )
        .await;
    audit("review step", ".review-list").await;

    let filed = file_ticket_through_the_api(
        portal,
        serde_json::json!({
            "name": "Ada Customer",
            "email": "ada@example.com",
            "subject": "Where do I download my invoices?",
            "description": "I need last month's invoices as PDF files for my accountant."
        }),
    )
    .await;
    let status_url = filed["status_url"].as_str().expect("status URL");
    let token = status_url.rsplit('/').next().expect("token");
    browser
        .goto(&portal.url(&format!("/tickets/{token}")))
        .await;
    audit("status page", ".conversation, .ticket-facts").await;

    browser.goto(&portal.url("/login?next=/agent")).await;
    audit("sign-in", "form.stacked-form").await;
    sign_in_in_the_browser(browser, "admin@example.com").await;
    audit("inbox", ".inbox-table").await;
    browser.goto(&portal.url("/agent?q=invoices")).await;
    audit("inbox search", "#inbox-summary").await;
    browser.goto(&portal.url("/agent")).await;
    browser.wait_for_css(".inbox-table").await;
    browser
        .click_css(".inbox-table a[href^='/agent/tickets/']")
        .await;
    audit("ticket page", "#reply-body").await;
    browser.goto(&portal.url("/editor")).await;
    audit("editor list", ".editor-articles").await;
    browser
        .goto(&portal.url("/editor/articles/reset-your-password/edit"))
        .await;
    audit("editor form", "#article-form").await;
    browser.goto(&portal.url("/admin/widget")).await;
    audit("widget settings", "#snippet-heading").await;
    browser.goto(&portal.url("/admin?range=30")).await;
    audit("dashboard", "#chart-ticket-volume-title").await;
    // One day: yesterday, which the sample history fills.
    let yesterday = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .yesterday()
        .expect("a date");
    browser
        .goto(&portal.url(&format!(
            "/admin?range=custom&from={yesterday}&to={yesterday}"
        )))
        .await;
    audit("dashboard of one day", "#chart-ticket-volume-title").await;
    browser
        .script("document.getElementById('rate-heading').scrollIntoView(); return true;")
        .await;
    browser
        .save_screenshot(&screen_path(&format!(
            "{window}-dashboard-one-day-charts.png"
        )))
        .await;
    browser.goto(&portal.url("/admin?range=30")).await;
    browser.wait_for_css("#rate-heading").await;
    browser
        .script("document.getElementById('rate-heading').scrollIntoView(); return true;")
        .await;
    browser
        .save_screenshot(&screen_path(&format!("{window}-dashboard-charts.png")))
        .await;
    problems
}

async fn portal_with_an_admin_and_history() -> Portal {
    let portal = Portal::start().await;
    add_staff_user(
        &portal,
        "admin@example.com",
        "Ada Admin",
        answerdesk::accounts::Role::Admin,
    )
    .await;
    common::history::seed_dashboard_sample(&portal.db, 60).await;
    portal
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_the_axe_core_accessibility_checks_on_a_desktop_and_a_phone() {
    let mut problems = Vec::new();
    for (window, phone) in [("desktop", false), ("phone", true)] {
        let browser = if phone {
            Browser::start_phone().await
        } else {
            Browser::start_sized(1366, 900, false).await
        };
        let mut portal = portal_with_an_admin_and_history().await;
        problems.extend(audit_every_page(&browser, &portal, window).await);
        browser.close().await;
        portal.shut_down().await;
    }
    assert!(
        problems.is_empty(),
        "axe-core found {} violation(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// How far the page is wider than the phone's screen (0 when nothing sticks out sideways),
/// and the elements that stick out (outside boxes that scroll on their own). The layout
/// width is the one to compare with: a phone zooms out to show a page wider than its screen,
/// which widens `innerWidth` to match.
async fn horizontal_overflow(browser: &Browser) -> (f64, Vec<String>) {
    let found = browser
        .script(
            "var width = Math.min(window.innerWidth, document.documentElement.clientWidth, screen.width); \
             var out = []; \
             document.querySelectorAll('body *').forEach(function (e) { \
               var r = e.getBoundingClientRect(); \
               if (r.width === 0 || r.right <= width + 1) { return; } \
               for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) { \
                 var o = getComputedStyle(p).overflowX; \
                 if (o === 'auto' || o === 'scroll' || o === 'hidden') { return; } \
               } \
               out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + \
                 (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + \
                 ' to ' + Math.round(r.right) + ' px'); \
             }); \
             return [document.documentElement.scrollWidth - width, out.slice(0, 8)];",
        )
        .await;
    let overflow = found[0].as_f64().expect("a number");
    let elements = found[1]
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e.as_str().unwrap_or_default().to_owned())
        .collect();
    (overflow, elements)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_staff_pages_fit_the_screen_and_the_inbox_is_a_list_of_cards() {
    let browser = Browser::start_phone().await;
    let mut portal = portal_with_an_admin_and_history().await;
    file_ticket_through_the_api(
        &portal,
        serde_json::json!({
            "name": "Ada Customer",
            "email": "ada.customer.with.a.long.address@example.com",
            "subject": "Where do I download my invoices as PDF files for my accountant?",
            "description": "I need last month's invoices as PDF files for my accountant."
        }),
    )
    .await;

    browser.goto(&portal.url("/login")).await;
    browser.wait_for_css("form.stacked-form").await;
    let field = browser.rect("#email").await;
    assert!(
        field.right - field.left >= 300.0,
        "the sign-in fields span the phone's width: {field:?}"
    );
    browser
        .save_screenshot(&screen_path("phone-sign-in.png"))
        .await;
    browser.goto(&portal.url("/agent")).await;
    sign_in_in_the_browser(&browser, "admin@example.com").await;
    browser.wait_for_css(".inbox-table").await;

    let mut overflowing = Vec::new();
    let mut check = async |name: &str| {
        let (overflow, elements) = horizontal_overflow(&browser).await;
        if overflow > 0.0 || !elements.is_empty() {
            overflowing.push(format!(
                "{name}: {overflow} px wider than the screen, because of {elements:?}"
            ));
        }
        browser
            .save_screenshot(&screen_path(&format!("phone-{name}.png")))
            .await;
    };
    check("inbox").await;
    // A card per ticket: the row is as wide as the screen allows, its header row hidden.
    let row = browser.rect(".inbox-row").await;
    let header_height = browser
        .script(
            "return document.querySelector('.inbox-table thead').getBoundingClientRect().height;",
        )
        .await
        .as_f64()
        .expect("a number");
    let card = row.right <= f64::from(PHONE_SIZE.0) && row.bottom - row.top > 100.0;
    let mut problems = Vec::new();
    if !card || header_height > 1.0 {
        problems.push(format!(
            "the ticket is not a card: {row:?}, column headings {header_height} px high"
        ));
    }
    browser
        .click_css(".inbox-table a[href^='/agent/tickets/']")
        .await;
    browser.wait_for_css("#reply-body").await;
    check("ticket").await;
    browser.goto(&portal.url("/editor")).await;
    browser.wait_for_css(".editor-articles").await;
    check("editor-list").await;
    browser
        .goto(&portal.url("/editor/articles/reset-your-password/edit"))
        .await;
    browser.wait_for_css("#article-form").await;
    check("editor-form").await;
    browser.goto(&portal.url("/admin?range=30")).await;
    browser.wait_for_css("#table-priorities").await;
    check("dashboard").await;
    problems.extend(overflowing);
    assert!(
        problems.is_empty(),
        "on a 390 px phone:\n{}",
        problems.join("\n")
    );

    // Wide tables scroll in their own labelled box, which the keyboard can reach.
    let boxes = browser
        .script(
            "return Array.from(document.querySelectorAll('.table-scroll, .admin-table-scroll')).map(function (b) { \
             return [b.getAttribute('tabindex'), b.getAttribute('role'), b.getAttribute('aria-label') || '']; });",
        )
        .await;
    let boxes = boxes.as_array().expect("a list");
    assert!(boxes.len() >= 4, "{boxes:?}");
    for entry in boxes {
        assert_eq!(entry[0], "0", "focusable: {entry}");
        assert_eq!(entry[1], "region", "a region: {entry}");
        assert!(
            !entry[2].as_str().unwrap_or_default().is_empty(),
            "labelled: {entry}"
        );
    }
    browser.close().await;
    portal.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_is_styled_on_a_desktop_and_the_editor_picks_categories_by_language() {
    let browser = Browser::start_sized(1366, 900, false).await;
    let mut portal = Portal::start().await;
    add_staff_user(
        &portal,
        "editor@example.com",
        "Ed Editor",
        answerdesk::accounts::Role::Editor,
    )
    .await;
    browser.goto(&portal.url("/login?next=/editor")).await;
    browser.wait_for_css("form.stacked-form").await;
    // The form's styles reach the page: full-width fields of a comfortable height.
    let field = browser.rect("#email").await;
    assert!(
        field.right - field.left >= 300.0 && field.bottom - field.top >= 36.0,
        "{field:?}"
    );
    browser
        .save_screenshot(&screen_path("desktop-sign-in.png"))
        .await;
    sign_in_in_the_browser(&browser, "editor@example.com").await;
    browser.wait_for_css(".editor-articles").await;
    browser.goto(&portal.url("/editor/articles/new")).await;
    browser.wait_for_css("#article-form").await;

    // The new-category field shows only with "New category…" chosen.
    let hidden = "return document.getElementById('new-category-field').hidden;";
    assert_eq!(browser.script(hidden).await, true);
    let options = "return Array.from(document.getElementById('category').options).map(function (o) { return o.value; });";
    let english = browser.script(options).await;
    assert!(
        english
            .as_array()
            .expect("options")
            .iter()
            .any(|o| o == "Invoices and quotes"),
        "{english}"
    );
    // Changing the language swaps in that language's categories.
    browser
        .script(
            "var lang = document.getElementById('lang'); lang.value = 'lv'; \
             lang.dispatchEvent(new Event('input')); return true;",
        )
        .await;
    let latvian = browser.script(options).await;
    let latvian = latvian.as_array().expect("options");
    assert!(
        latvian.iter().any(|o| o == "Norēķini un abonements"),
        "{latvian:?}"
    );
    assert!(
        !latvian.iter().any(|o| o == "Invoices and quotes"),
        "{latvian:?}"
    );
    browser
        .script(
            "var select = document.getElementById('category'); select.value = '+new'; \
             select.dispatchEvent(new Event('change')); return true;",
        )
        .await;
    assert_eq!(browser.script(hidden).await, false);
    browser
        .save_screenshot(&screen_path("desktop-editor-new-category.png"))
        .await;
    browser.goto(&portal.url("/editor?sort=views")).await;
    browser.wait_for_css("th[aria-sort='descending']").await;
    browser
        .save_screenshot(&screen_path("desktop-editor-list.png"))
        .await;
    browser.close().await;
    portal.shut_down().await;
}

/// How many tickets the inbox page lists.
async fn inbox_rows(browser: &Browser) -> u64 {
    browser
        .script("return document.querySelectorAll('.inbox-row').length;")
        .await
        .as_u64()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_finds_a_ticket_by_the_customers_email_or_a_word_of_the_conversation_and_opens_it() {
    for (window, phone) in [("desktop", false), ("phone", true)] {
        let browser = if phone {
            Browser::start_phone().await
        } else {
            Browser::start_sized(1366, 900, false).await
        };
        let mut portal = Portal::start().await;
        add_staff_user(
            &portal,
            "agent@example.com",
            "Ann Agent",
            answerdesk::accounts::Role::Agent,
        )
        .await;
        let mut references = Vec::new();
        for (name, email, subject, description) in [
            (
                "Ada Customer",
                "ada@example.com",
                "Where do I download my invoices?",
                "I need last month's invoices as PDF files for my accountant.",
            ),
            (
                "Boris Petrov",
                "boris.petrov@example.org",
                "Cannot sign in",
                "The sign-in page says my password is wrong since Tuesday.",
            ),
            (
                "Carol Jones",
                "carol@example.net",
                "Export to CSV",
                "Where is the export button for my client list?",
            ),
        ] {
            let filed = file_ticket_through_the_api(
                &portal,
                serde_json::json!({
                    "name": name, "email": email, "subject": subject, "description": description
                }),
            )
            .await;
            references.push(filed["reference"].as_str().expect("reference").to_owned());
        }

        browser.goto(&portal.url("/agent")).await;
        sign_in_in_the_browser(&browser, "agent@example.com").await;
        browser.wait_for_css(".inbox-table").await;
        assert_eq!(inbox_rows(&browser).await, 3, "[{window}]");

        // The customer's email, as the agent has it from a phone call.
        browser
            .type_into("#inbox-q", "boris.petrov@example.org")
            .await;
        browser.click_button("Search").await;
        browser
            .wait_for_xpath("//p[@id='inbox-summary'][contains(., '1 ticket matching')]")
            .await;
        assert_eq!(inbox_rows(&browser).await, 1, "[{window}]");
        let field = browser.rect("#inbox-q").await;
        if phone {
            assert!(
                field.right - field.left >= 300.0 && field.right <= field.viewport_width,
                "the search box spans the phone's width: {field:?}"
            );
            let (overflow, culprits) = horizontal_overflow(&browser).await;
            assert!(
                overflow <= 0.5,
                "the search results fit the phone: {overflow} px {culprits:?}"
            );
        } else {
            assert!(field.right - field.left >= 280.0, "{field:?}");
        }
        browser
            .save_screenshot(&screenshot_path(&format!("{window}-inbox-search.png")))
            .await;
        browser
            .click_css(".inbox-table a[href^='/agent/tickets/']")
            .await;
        browser
            .wait_for_xpath("//h1[contains(., 'Cannot sign in')]")
            .await;

        // A word the customer wrote, and the ticket it is in opens from the list.
        browser.goto(&portal.url("/agent")).await;
        browser.type_into("#inbox-q", "accountant").await;
        browser.click_button("Search").await;
        browser
            .wait_for_xpath(
                "//p[@id='inbox-summary'][contains(., '1 ticket matching “accountant”')]",
            )
            .await;
        let search_box = browser
            .script("return document.getElementById('inbox-q').value;")
            .await;
        assert_eq!(
            search_box, "accountant",
            "[{window}] the box keeps the search"
        );
        browser
            .wait_for_xpath("//a[contains(., 'Where do I download my invoices?')]")
            .await
            .click()
            .await
            .expect("open the ticket");
        browser
            .wait_for_xpath("//h1[contains(., 'Where do I download my invoices?')]")
            .await;

        // The reference from an email opens the ticket straight away.
        browser.goto(&portal.url("/agent")).await;
        browser.type_into("#inbox-q", &references[2]).await;
        browser.click_button("Search").await;
        browser
            .wait_for_xpath("//h1[contains(., 'Export to CSV')]")
            .await;
        browser.close().await;
        portal.shut_down().await;
    }
}

#[path = "browser_stories/attachments.rs"]
mod attachments;
