//! `answerdesk-bench hostile`: a bounded attack on a real server process.
//!
//! Starts `answerdesk serve` on a free loopback port with a fresh data directory (SQLite, or
//! a scratch database on the PostgreSQL server it is given, dropped afterwards), creates one
//! staff member per role with the CLI, and sends every form and API hostile input: oversized
//! and malformed fields, wrong content types, NUL bytes, invalid UTF-8, path traversal, open
//! redirects, header injection, XSS and SQL-injection shapes, missing or wrong CSRF tokens,
//! and every role on every staff area. Then it reads back the pages that show stored input.
//!
//! A finding is: any 5xx or missing answer; a payload raw in an HTML page (reflected, or
//! stored and shown unsanitised); a `Location` leading off the site; a header the client
//! injected; a file from outside the content directory; a form accepted without its CSRF
//! token; a staff area entered by a role it is not for.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use crate::raw_http::{RawRequest, RawResponse, encode_component, encode_form, send};
use crate::server::{Server, ServerBinary, ServerSetup};
use crate::staff::ScratchPostgres;

/// A form's fields, as posted.
type FormFields<'a> = Vec<(&'a str, &'a str)>;

/// Findings listed in the report at most, per backend.
const MAX_LISTED_FINDINGS: usize = 40;
/// The password of the scan's staff members.
const STAFF_PASSWORD: &str = "hostile scan password, long enough";
/// In the file outside the content directory: found in a response means traversal worked.
const SECRET_MARKER: &str = "HOSTILE-SECRET-3f9a1c";
/// A header the scan tries to inject through redirects and cookies.
const INJECTED_HEADER: &str = "x-hostile-injected";

/// Script payloads: found raw in an HTML page means the page runs attacker script.
const XSS: &[&str] = &[
    "<script>alert('hostile-xss-1')</script>",
    "\"><img src=x onerror=alert('hostile-xss-2')>",
    "'><svg onload=alert('hostile-xss-3')>",
    "</textarea><script>hostile_xss_4()</script>",
    "</title><iframe src=javascript:hostile_xss_5()>",
    "<a href=\"javascript:alert('hostile-xss-6')\">click</a>",
];
/// Template injection: rendered as 49 means the input was evaluated as a template.
const TEMPLATE_PROBE: &str = "{{ 7*7 }}hostile-ssti";
const TEMPLATE_EVALUATED: &str = "49hostile-ssti";
/// SQL-injection shapes.
const SQL: &[&str] = &[
    "' OR '1'='1",
    "1; DROP TABLE tickets; --",
    "%' UNION SELECT password_hash FROM users --",
    "'); SELECT pg_sleep(5); --",
    "\" OR \"\"=\"",
    "title:* OR body:[* TO *]",
];
/// Odd but valid text: NUL, controls, right-to-left marks, a long word, emoji.
const ODD_TEXT: &[&str] = &[
    "a\u{0}b",
    "\u{202e}gnp.exe\u{7}\u{1b}[31m",
    "\u{feff}\u{200b}",
    "💥🔥",
    "*?~^:()[]{}\\/\"+-!&|",
];
/// Raw query/form values sent without re-encoding: invalid UTF-8 and bad escapes.
const BAD_ENCODINGS: &[&str] = &[
    "%ff%fe",
    "%c3%28",
    "%ed%a0%80",
    "%c0%af",
    "%f8%88%80%80%80",
    "%",
    "%zz",
    "%00",
    "a%0d%0aX-Hostile-Injected:%201",
];
/// `next=` values that must never lead off the site (sent raw, already encoded).
const REDIRECT_TARGETS: &[&str] = &[
    "//evil.example",
    "https://evil.example/",
    "/%09/evil.example",
    "/%5cevil.example",
    "/\\evil.example",
    "%2f%2fevil.example",
    "/%2f%2fevil.example",
    "//%09evil.example",
    "/%0d%0aX-Hostile-Injected:%201",
    "%0d%0aLocation:%20//evil.example",
    "javascript:alert(1)",
    "/ok%0aSet-Cookie:%20x-hostile-injected=1",
    "http:evil.example",
    "/.//evil.example",
    "///evil.example",
];
/// Paths that try to leave the content directory or reach files that are not images.
const TRAVERSALS: &[&str] = &[
    "/content/../secret.png",
    "/content/%2e%2e/secret.png",
    "/content/%2e%2e%2fsecret.png",
    "/content/..%2fsecret.png",
    "/content/images/..%2f..%2fsecret.png",
    "/content/images/%2e%2e/%2e%2e/secret.png",
    "/content/images/escape.png",
    "/content/images/..%5c..%5csecret.png",
    "/content/%252e%252e/secret.png",
    "/content/en/notes.md",
    "/content/.hidden.png",
    "/content/images/logo.png%00.md",
    "/content//etc/passwd",
    "/content/%2fetc%2fpasswd",
    "/assets/..%2f..%2fCargo.toml",
    "/assets/%2e%2e/secret.png",
    "/assets/style.css%00.png",
    "/../secret.png",
    "/%2e%2e/secret.png",
];

/// What to scan.
#[derive(Clone, Debug)]
pub struct HostileOptions {
    /// The server binary; `None`: the product entry point built into this tool.
    pub server: Option<PathBuf>,
    /// A PostgreSQL server whose role may create databases; `None`: SQLite.
    pub database_url: Option<String>,
}

/// Counts of one backend's scan.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BackendReport {
    pub backend: String,
    /// Requests sent.
    pub tried: usize,
    /// Answers with a 5xx status.
    pub server_errors: usize,
    /// Requests that got no complete answer.
    pub no_answer: usize,
    /// HTML answers with a payload of the same request raw in them.
    pub reflected: usize,
    /// Pages showing stored input raw (script, template evaluated).
    pub stored_unsanitised: usize,
    /// `Location` headers leading off the site (or carrying control characters).
    pub open_redirects: usize,
    /// Headers the client managed to add to an answer.
    pub header_injections: usize,
    /// Answers with a file from outside the content directory.
    pub traversals: usize,
    /// State-changing forms accepted without a matching CSRF token.
    pub csrf_bypasses: usize,
    /// Staff routes answered for a role they are not for.
    pub role_bypasses: usize,
    /// Staff routes refused to a role they are for (wrong, but not a hole).
    pub role_refusals: usize,
    /// Uploads kept that must be refused (too large, disguised HTML or SVG, unknown
    /// binaries, empty), or files served so a browser could render or sniff them.
    pub unsafe_uploads: usize,
    pub seconds: f64,
    /// The first findings, one line each.
    pub findings: Vec<String>,
}

impl BackendReport {
    /// Whether anything that fails the scan was found.
    pub fn failed(&self) -> bool {
        self.server_errors
            + self.no_answer
            + self.reflected
            + self.stored_unsanitised
            + self.open_redirects
            + self.header_injections
            + self.traversals
            + self.csrf_bypasses
            + self.role_bypasses
            + self.unsafe_uploads
            > 0
    }
}

/// The whole scan.
#[derive(Clone, Debug, Serialize)]
pub struct HostileReport {
    pub server: String,
    pub backends: Vec<BackendReport>,
    pub passed: bool,
}

impl HostileReport {
    /// A readable summary.
    pub fn render(&self) -> String {
        let mut text = format!("Hostile scan of {}\n", self.server);
        for b in &self.backends {
            text.push_str(&format!(
                "  {:<9} tried {:>5}   5xx {}   no answer {}   reflected {}   stored unsanitised {}   \
                 open redirects {}   header injections {}   traversals {}   CSRF bypasses {}   \
                 role bypasses {}   unsafe uploads {}   ({} role refusals, {:.1} s)\n",
                b.backend,
                b.tried,
                b.server_errors,
                b.no_answer,
                b.reflected,
                b.stored_unsanitised,
                b.open_redirects,
                b.header_injections,
                b.traversals,
                b.csrf_bypasses,
                b.role_bypasses,
                b.unsafe_uploads,
                b.role_refusals,
                b.seconds,
            ));
            for finding in &b.findings {
                text.push_str(&format!("    {finding}\n"));
            }
        }
        text.push_str(if self.passed {
            "passed: no 5xx, reflection, open redirect, injection, traversal, CSRF/role bypass or unsafe upload\n"
        } else {
            "FAILED: see the findings above\n"
        });
        text
    }
}

/// Runs the scan on the chosen backend.
pub async fn run(
    options: &HostileOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<HostileReport> {
    let binary = ServerBinary::new(options.server.clone())?;
    let mut backends = Vec::new();
    match &options.database_url {
        None => backends.push(scan_backend(&binary, "sqlite", String::new(), progress).await?),
        Some(server) => {
            let scratch = ScratchPostgres::create(server)
                .await
                .context("creating the scratch PostgreSQL database")?;
            let outcome = scan_backend(&binary, "postgres", scratch.url.clone(), progress).await;
            scratch.drop_database().await;
            backends.push(outcome?);
        }
    }
    let passed = backends.iter().all(|b| !b.failed());
    Ok(HostileReport {
        server: binary.describe(),
        backends,
        passed,
    })
}

/// The scratch files: content with two articles and an image, a secret beside it, and a
/// symbolic link from inside the content directory to the secret.
fn lay_out_files(root: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    let content = root.join("content");
    let data = root.join("data");
    std::fs::create_dir_all(content.join("en"))?;
    std::fs::create_dir_all(content.join("images"))?;
    std::fs::create_dir_all(&data)?;
    std::fs::write(
        content.join("en/reset-your-password.md"),
        "---\ntitle: \"Reset your password\"\ncategory: \"Account\"\ntags: [password]\nlang: en\n\
         status: published\n---\n\nOpen the sign-in page and choose **Forgot password**.\n\n\
         ![logo](../images/logo.png)\n",
    )?;
    std::fs::write(
        content.join("en/request-a-refund.md"),
        "---\ntitle: \"Request a refund\"\ncategory: \"Billing\"\ntags: [refund]\nlang: en\n\
         status: published\n---\n\nWrite to us within 30 days of the charge.\n",
    )?;
    std::fs::write(content.join("en/notes.md"), format!("{SECRET_MARKER}\n"))?;
    std::fs::write(content.join(".hidden.png"), format!("{SECRET_MARKER}\n"))?;
    // Eight bytes of PNG signature are enough for a file that is served, not decoded.
    std::fs::write(content.join("images/logo.png"), b"\x89PNG\r\n\x1a\n")?;
    std::fs::write(root.join("secret.png"), format!("{SECRET_MARKER}\n"))?;
    std::os::unix::fs::symlink(root.join("secret.png"), content.join("images/escape.png"))?;
    Ok((content, data))
}

async fn scan_backend(
    binary: &ServerBinary,
    backend: &str,
    database_url: String,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<BackendReport> {
    let root = tempfile::Builder::new()
        .prefix("answerdesk-hostile-")
        .tempdir()?;
    let (content_dir, data_dir) = lay_out_files(root.path())?;
    let setup = ServerSetup {
        data_dir,
        content_dir,
        database_url,
        // Every hostile ticket must reach storage, so the pages showing it are checked too.
        ticket_rate_limit: 0,
    };
    let mut server = Server::start(binary, setup).await?;
    progress(&format!("{backend}: server up at {}", server.address));
    let started = Instant::now();
    let outcome = async {
        for role in ["admin", "editor", "agent"] {
            server
                .add_user(&format!("{role}@hostile.example"), role, STAFF_PASSWORD)
                .await?;
        }
        let mut scan = Scan::new(server.address, backend);
        scan.run_all(progress).await?;
        Ok::<_, anyhow::Error>(scan)
    }
    .await;
    let running = server.is_running();
    server.stop().await;
    let mut scan = outcome?;
    if !running {
        scan.find(
            Finding::NoAnswer,
            "the server process exited during the scan",
        );
    }
    scan.report.seconds = started.elapsed().as_secs_f64();
    Ok(scan.report)
}

/// The kinds of finding, each counted in the report.
#[derive(Clone, Copy, Debug)]
enum Finding {
    ServerError,
    NoAnswer,
    Reflected,
    StoredUnsanitised,
    OpenRedirect,
    HeaderInjection,
    Traversal,
    CsrfBypass,
    RoleBypass,
    RoleRefusal,
    UnsafeUpload,
}

/// What a request must get, beyond the checks every answer gets.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Any non-5xx answer.
    Anything,
    /// Refused: a 4xx (the token is missing or wrong).
    CsrfRefused,
    /// Not for this role: 403, or sent to sign in.
    RoleRefused,
    /// For this role: not refused.
    RoleAllowed,
}

/// A staff member's signed-in browser.
#[derive(Clone, Debug, Default)]
struct Browser {
    cookies: String,
    csrf: String,
}

struct Scan {
    address: SocketAddr,
    report: BackendReport,
    /// Reading back stored input: a raw payload counts as stored, not reflected.
    reading_stored: bool,
    customer: Browser,
    admin: Browser,
    editor: Browser,
    agent: Browser,
    /// Status-page tokens of tickets filed with hostile input.
    ticket_tokens: Vec<String>,
    draft: String,
}

impl Scan {
    fn new(address: SocketAddr, backend: &str) -> Scan {
        Scan {
            address,
            report: BackendReport {
                backend: backend.to_owned(),
                ..BackendReport::default()
            },
            reading_stored: false,
            customer: Browser::default(),
            admin: Browser::default(),
            editor: Browser::default(),
            agent: Browser::default(),
            ticket_tokens: Vec::new(),
            draft: String::new(),
        }
    }

    fn find(&mut self, kind: Finding, detail: &str) {
        let r = &mut self.report;
        let (counter, name) = match kind {
            Finding::ServerError => (&mut r.server_errors, "5xx"),
            Finding::NoAnswer => (&mut r.no_answer, "no answer"),
            Finding::Reflected => (&mut r.reflected, "reflected"),
            Finding::StoredUnsanitised => (&mut r.stored_unsanitised, "stored unsanitised"),
            Finding::OpenRedirect => (&mut r.open_redirects, "open redirect"),
            Finding::HeaderInjection => (&mut r.header_injections, "header injection"),
            Finding::Traversal => (&mut r.traversals, "traversal"),
            Finding::CsrfBypass => (&mut r.csrf_bypasses, "CSRF bypass"),
            Finding::RoleBypass => (&mut r.role_bypasses, "role bypass"),
            Finding::RoleRefusal => (&mut r.role_refusals, "role refusal"),
            Finding::UnsafeUpload => (&mut r.unsafe_uploads, "unsafe upload"),
        };
        *counter += 1;
        if r.findings.len() < MAX_LISTED_FINDINGS {
            r.findings.push(format!("{name}: {detail}"));
        }
    }

    /// Sends `request`, runs every check on the answer, then `expect`.
    async fn check(&mut self, request: RawRequest, expect: Expect) -> Option<RawResponse> {
        self.report.tried += 1;
        let what = request.describe();
        let response = match send(self.address, &request).await {
            Ok(response) => response,
            Err(error) => {
                self.find(Finding::NoAnswer, &format!("{what}: {error}"));
                return None;
            }
        };
        let status = response.status;
        if status >= 500 {
            let body: String = response.text().chars().take(160).collect();
            self.find(
                Finding::ServerError,
                &format!("{what} -> {status} {}", body.replace('\n', " ")),
            );
        }
        self.check_location(&what, &response);
        self.check_injected_headers(&what, &response);
        if response.text().contains(SECRET_MARKER) {
            self.find(
                Finding::Traversal,
                &format!("{what} -> {status} served the secret"),
            );
        }
        if response.is_html() {
            self.check_html(&what, &response);
        }
        let refused_role = status == 403 || status == 401 || redirects_to_sign_in(&response);
        match expect {
            Expect::Anything => {}
            Expect::CsrfRefused => {
                if status < 400 {
                    self.find(
                        Finding::CsrfBypass,
                        &format!("{what} -> {status} without a valid token"),
                    );
                }
            }
            Expect::RoleRefused => {
                if !refused_role && status < 400 {
                    self.find(
                        Finding::RoleBypass,
                        &format!("{what} -> {status} for a role it is not for"),
                    );
                }
            }
            Expect::RoleAllowed => {
                if refused_role {
                    self.find(
                        Finding::RoleRefusal,
                        &format!("{what} -> {status} for a role it is for"),
                    );
                }
            }
        }
        Some(response)
    }

    fn check_location(&mut self, what: &str, response: &RawResponse) {
        for (name, value) in &response.headers {
            if !name.eq_ignore_ascii_case("location") {
                continue;
            }
            // `//host` and `/\host` leave the site; so does a path a browser cleans into one
            // (tabs and newlines are dropped), and no control character belongs in a header.
            let local = value.first() == Some(&b'/')
                && !matches!(value.get(1), Some(b'/' | b'\\'))
                && !value
                    .iter()
                    .any(|b| b.is_ascii_whitespace() || b.is_ascii_control());
            let own_site = value.starts_with(format!("http://{}/", self.address).as_bytes());
            if !local && !own_site {
                self.find(
                    Finding::OpenRedirect,
                    &format!("{what} -> Location {:?}", String::from_utf8_lossy(value)),
                );
            }
        }
    }

    fn check_injected_headers(&mut self, what: &str, response: &RawResponse) {
        let injected = response.headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case(INJECTED_HEADER)
                || (name.eq_ignore_ascii_case("set-cookie")
                    && String::from_utf8_lossy(value)
                        .to_ascii_lowercase()
                        .contains(INJECTED_HEADER))
        });
        if injected {
            self.find(
                Finding::HeaderInjection,
                &format!("{what}: the answer carries the injected header"),
            );
        }
    }

    fn check_html(&mut self, what: &str, response: &RawResponse) {
        let body = response.text();
        let kind = if self.reading_stored {
            Finding::StoredUnsanitised
        } else {
            Finding::Reflected
        };
        for payload in XSS {
            if let Some(at) = body.find(payload) {
                let context = around(&body, at);
                self.find(
                    kind,
                    &format!("{what}: {payload:?} raw in the page: {context}"),
                );
            }
        }
        if let Some(at) = body.find(TEMPLATE_EVALUATED) {
            let context = around(&body, at);
            self.find(
                kind,
                &format!("{what}: input evaluated as a template: {context}"),
            );
        }
        let lower = body.to_ascii_lowercase();
        if let Some(at) = javascript_in_a_tag(&lower) {
            let context = around(&body, at);
            self.find(
                kind,
                &format!("{what}: a javascript: link in the page: {context}"),
            );
        }
    }

    /// Every hostile value for a text field, as text (encoded by the caller).
    fn text_payloads(&self) -> Vec<String> {
        let mut values: Vec<String> = XSS.iter().map(|s| (*s).to_owned()).collect();
        values.push(TEMPLATE_PROBE.to_owned());
        values.extend(SQL.iter().map(|s| (*s).to_owned()));
        values.extend(ODD_TEXT.iter().map(|s| (*s).to_owned()));
        values.push("x".repeat(20_000));
        values.push("é".repeat(30_000));
        values
    }

    async fn run_all(&mut self, progress: &mut dyn FnMut(&str)) -> anyhow::Result<()> {
        self.open_sessions().await?;
        progress(&format!("{}: signed in every role", self.report.backend));
        self.scan_queries().await;
        self.scan_static_files().await;
        self.scan_redirects().await;
        self.scan_ticket_api().await;
        self.scan_request_form().await;
        self.scan_ticket_page().await;
        self.scan_login().await;
        self.scan_editor().await;
        self.scan_agent().await;
        self.scan_csrf().await;
        self.scan_roles().await;
        self.scan_headers().await;
        self.scan_oversized_bodies().await;
        self.scan_uploads().await;
        progress(&format!(
            "{}: {} requests sent; reading back stored input",
            self.report.backend, self.report.tried
        ));
        self.read_back_stored().await;
        self.check_still_serving().await;
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // Sessions
    // -----------------------------------------------------------------------------------

    async fn open_sessions(&mut self) -> anyhow::Result<()> {
        let home = send(self.address, &RawRequest::get("/en"))
            .await
            .map_err(anyhow::Error::msg)?;
        anyhow::ensure!(home.status == 200, "GET /en answered {}", home.status);
        self.customer.cookies = cookies_from(&home, "");
        self.customer.csrf = cookie_value(&self.customer.cookies, "answerdesk_csrf")
            .context("no CSRF cookie on the home page")?;
        for role in ["admin", "editor", "agent"] {
            let browser = self.sign_in(role, "/staff").await?;
            match role {
                "admin" => self.admin = browser,
                "editor" => self.editor = browser,
                _ => self.agent = browser,
            }
        }
        // A draft for the request form's own routes.
        let opened = send(
            self.address,
            &RawRequest::get("/en/request/new?q=refund").cookies(&self.customer.cookies),
        )
        .await
        .map_err(anyhow::Error::msg)?;
        self.draft = opened
            .header("location")
            .and_then(|l| l.split("draft=").nth(1).map(str::to_owned))
            .context("GET /en/request/new did not open a draft")?;
        Ok(())
    }

    async fn sign_in(&mut self, role: &str, next: &str) -> anyhow::Result<Browser> {
        let page = send(self.address, &RawRequest::get("/login"))
            .await
            .map_err(anyhow::Error::msg)?;
        let cookies = cookies_from(&page, "");
        let csrf = cookie_value(&cookies, "answerdesk_csrf").context("no CSRF cookie")?;
        let email = format!("{role}@hostile.example");
        let signed_in = send(
            self.address,
            &RawRequest::post("/login").cookies(&cookies).form(&[
                ("email", &email),
                ("password", STAFF_PASSWORD),
                ("next", next),
                ("csrf_token", &csrf),
            ]),
        )
        .await
        .map_err(anyhow::Error::msg)?;
        let cookies = cookies_from(&signed_in, &cookies);
        anyhow::ensure!(
            cookie_value(&cookies, "answerdesk_staff").is_some(),
            "{role} could not sign in: {}",
            signed_in.status
        );
        let staff = send(
            self.address,
            &RawRequest::get("/staff/account").cookies(&cookies),
        )
        .await
        .map_err(anyhow::Error::msg)?;
        let csrf = meta_csrf(&staff.text()).context("no CSRF token on /staff/account")?;
        Ok(Browser { cookies, csrf })
    }

    // -----------------------------------------------------------------------------------
    // Queries: customer search, the JSON search APIs, staff lists
    // -----------------------------------------------------------------------------------

    async fn scan_queries(&mut self) {
        let customer = self.customer.cookies.clone();
        let admin = self.admin.cookies.clone();
        let draft = self.draft.clone();
        let targets: Vec<(String, String)> = vec![
            ("/en/search?q=".into(), customer.clone()),
            ("/en/search?q=refund&category=".into(), customer.clone()),
            ("/en/search?q=refund&page=".into(), customer.clone()),
            ("/api/search?q=".into(), String::new()),
            ("/api/search?q=refund&lang=".into(), String::new()),
            ("/api/search?q=refund&limit=".into(), String::new()),
            ("/api/search?q=refund&page=".into(), String::new()),
            ("/api/suggest?q=".into(), String::new()),
            ("/api/suggest?q=refund&category=".into(), String::new()),
            (
                format!("/api/suggest?q=refund&draft={draft}"),
                String::new(),
            ),
            ("/api/suggest?q=refund&draft=".into(), String::new()),
            ("/en/request/new?q=".into(), customer.clone()),
            ("/en/request/new?draft=".into(), customer.clone()),
            ("/en/requests/find?email=".into(), customer.clone()),
            ("/en/articles/".into(), customer.clone()),
            ("/en/categories/".into(), customer.clone()),
            ("/tickets/".into(), customer.clone()),
            ("/language/".into(), customer.clone()),
            ("/".into(), customer.clone()),
            ("/editor?q=".into(), admin.clone()),
            ("/editor?status=".into(), admin.clone()),
            ("/editor?page=".into(), admin.clone()),
            ("/agent?tag=".into(), admin.clone()),
            ("/agent?status=".into(), admin.clone()),
            ("/agent?sort=".into(), admin.clone()),
            ("/agent?page=".into(), admin.clone()),
            ("/api/agent/articles?q=".into(), admin.clone()),
            ("/admin?from=".into(), admin.clone()),
            ("/api/admin/stats?days=".into(), admin.clone()),
            ("/admin/export/".into(), admin.clone()),
        ];
        let texts = self.text_payloads();
        for (prefix, cookies) in &targets {
            // A path segment longer than a slug could be is cut: the query strings get the
            // long values.
            let is_path_segment = prefix.ends_with('/');
            for value in &texts {
                let value = if is_path_segment {
                    first_chars(value, 1_000)
                } else {
                    value.clone()
                };
                let target = format!("{prefix}{}", encode_component(&value));
                self.check(RawRequest::get(target).cookies(cookies), Expect::Anything)
                    .await;
            }
            for raw in BAD_ENCODINGS {
                let target = format!("{prefix}{raw}");
                self.check(RawRequest::get(target).cookies(cookies), Expect::Anything)
                    .await;
            }
        }
        // A query longer than any header buffer, and a query string that is all separators.
        for target in [
            format!("/api/suggest?q={}", "a".repeat(120_000)),
            format!("/en/search?q={}", "%41".repeat(20_000)),
            "/api/search?q=a&q=b&q=c&limit=1&limit=2".to_owned(),
            "/api/search?&&&==&q".to_owned(),
            "/api/search?q[]=x&q[a]=y".to_owned(),
        ] {
            self.check(RawRequest::get(target), Expect::Anything).await;
        }
    }

    // -----------------------------------------------------------------------------------
    // Static and content files
    // -----------------------------------------------------------------------------------

    async fn scan_static_files(&mut self) {
        for path in TRAVERSALS {
            if let Some(response) = self.check(RawRequest::get(*path), Expect::Anything).await
                && response.status == 200
                && !path.ends_with("logo.png")
            {
                self.find(
                    Finding::Traversal,
                    &format!("GET {path} -> 200 (a file that must not be served)"),
                );
            }
        }
        // The real image is still served (the checks above are not passing by serving nothing).
        if let Some(response) = self
            .check(
                RawRequest::get("/content/images/logo.png"),
                Expect::Anything,
            )
            .await
            && response.status != 200
        {
            self.find(
                Finding::RoleRefusal,
                &format!(
                    "GET /content/images/logo.png -> {} (the real image)",
                    response.status
                ),
            );
        }
        for name in ["style.css", "suggest.js", "nope.js", "style.css?v=<script>"] {
            self.check(RawRequest::get(format!("/assets/{name}")), Expect::Anything)
                .await;
        }
    }

    // -----------------------------------------------------------------------------------
    // Redirects: the language switcher, sign-in, unprefixed URLs
    // -----------------------------------------------------------------------------------

    async fn scan_redirects(&mut self) {
        let customer = self.customer.cookies.clone();
        let admin = self.admin.cookies.clone();
        for next in REDIRECT_TARGETS {
            for lang in ["en", "lv"] {
                self.check(
                    RawRequest::get(format!("/language/{lang}?next={next}")).cookies(&customer),
                    Expect::Anything,
                )
                .await;
            }
            // Already signed in: straight on to `next`.
            self.check(
                RawRequest::get(format!("/login?next={next}")).cookies(&admin),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::get(format!("/login?next={next}")).cookies(&customer),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::get(format!("/search?q={next}")).cookies(&customer),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::get(format!("/articles/{next}")).cookies(&customer),
                Expect::Anything,
            )
            .await;
        }
        // A real sign-in with each hostile `next` (the form posts it decoded).
        for next in REDIRECT_TARGETS.iter().take(8) {
            let decoded = percent_decode(next);
            let page = match send(self.address, &RawRequest::get("/login")).await {
                Ok(page) => page,
                Err(_) => continue,
            };
            let cookies = cookies_from(&page, "");
            let csrf = cookie_value(&cookies, "answerdesk_csrf").unwrap_or_default();
            self.check(
                RawRequest::post("/login").cookies(&cookies).form(&[
                    ("email", "admin@hostile.example"),
                    ("password", STAFF_PASSWORD),
                    ("next", &decoded),
                    ("csrf_token", &csrf),
                ]),
                Expect::Anything,
            )
            .await;
        }
        for path in [
            "//evil.example/articles/x",
            "/%2f%2fevil.example",
            "/\\evil.example",
            "/articles/x%0d%0aX-Hostile-Injected:%201",
        ] {
            self.check(RawRequest::get(path).cookies(&customer), Expect::Anything)
                .await;
        }
    }

    // -----------------------------------------------------------------------------------
    // The ticket API
    // -----------------------------------------------------------------------------------

    async fn scan_ticket_api(&mut self) {
        let valid = |field: &str, value: &str| {
            let mut ticket = serde_json::json!({
                "name": "Hostile Scan",
                "email": "scan@hostile.example",
                "subject": "The export button does nothing",
                "description": "Pressing export on the invoices page shows nothing at all.",
            });
            ticket[field] = serde_json::Value::String(value.to_owned());
            ticket.to_string()
        };
        let texts = self.text_payloads();
        for field in ["name", "email", "subject", "description", "category"] {
            for value in &texts {
                let response = self
                    .check(
                        RawRequest::post("/api/tickets")
                            .body("application/json", valid(field, value)),
                        Expect::Anything,
                    )
                    .await;
                if let Some(response) = response
                    && response.status == 201
                    && let Some(token) = status_token(&response)
                    && self.ticket_tokens.len() < 60
                {
                    self.ticket_tokens.push(token);
                }
            }
        }
        let wrong_shapes: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"{".to_vec(),
            b"[]".to_vec(),
            b"null".to_vec(),
            b"\"a string\"".to_vec(),
            b"{\"name\": 5, \"email\": true, \"subject\": [], \"description\": {}}".to_vec(),
            b"{\"subject\": [\"x\"]}".to_vec(),
            b"{\"name\": \"a\", \"name\": \"b\"}".to_vec(),
            b"{\"description\": 1e999999}".to_vec(),
            b"{\"description\": \"\\ud800\"}".to_vec(),
            b"{\"description\": \"\xff\xfe\"}".to_vec(),
            b"\xef\xbb\xbf{\"name\": \"bom\"}".to_vec(),
            b"{\"name\": \"a\\u0000b\", \"email\": \"a@b.example\", \"subject\": \"s\\u0000\", \"description\": \"nul\\u0000byte in the text here\"}".to_vec(),
            format!("{}{}", "[".repeat(20_000), "]".repeat(20_000)).into_bytes(),
            format!("{{\"description\": \"{}\"}}", "z".repeat(200_000)).into_bytes(),
            format!("{{\"unknown\": \"{}\"}}", "q".repeat(1_000)).into_bytes(),
        ];
        for body in wrong_shapes {
            self.check(
                RawRequest::post("/api/tickets").body("application/json", body),
                Expect::Anything,
            )
            .await;
        }
        let form = encode_form(&[("name", "Form"), ("email", "f@hostile.example")]);
        for content_type in [
            "application/x-www-form-urlencoded",
            "text/plain",
            "multipart/form-data; boundary=hostile",
            "application/json; charset=utf-16",
            "application/xml",
            "",
        ] {
            let request = if content_type.is_empty() {
                let mut request = RawRequest::post("/api/tickets");
                request = request.header("X-Nothing", "1");
                request
            } else {
                RawRequest::post("/api/tickets").body(content_type, form.clone())
            };
            self.check(request, Expect::Anything).await;
        }
        for method in ["GET", "PUT", "DELETE", "PATCH"] {
            self.check(RawRequest::new(method, "/api/tickets"), Expect::Anything)
                .await;
        }
    }

    // -----------------------------------------------------------------------------------
    // The request form: new, autosave, submit, solved
    // -----------------------------------------------------------------------------------

    fn request_fields(&self, field: &str, value: &str) -> Vec<(String, String)> {
        let mut fields: Vec<(String, String)> = vec![
            ("draft".into(), self.draft.clone()),
            ("csrf_token".into(), self.customer.csrf.clone()),
            ("name".into(), "Hostile Scan".into()),
            ("email".into(), "scan@hostile.example".into()),
            ("subject".into(), "The export button does nothing".into()),
            (
                "description".into(),
                "Pressing export on the invoices page shows nothing.".into(),
            ),
            ("category".into(), String::new()),
            ("seen".into(), String::new()),
            ("step".into(), "file".into()),
        ];
        if let Some(slot) = fields.iter_mut().find(|(name, _)| name == field) {
            slot.1 = value.to_owned();
        }
        fields
    }

    async fn scan_request_form(&mut self) {
        let customer = self.customer.cookies.clone();
        let texts = self.text_payloads();
        let draft = self.draft.clone();
        for field in [
            "name",
            "email",
            "subject",
            "description",
            "category",
            "seen",
            "step",
        ] {
            for value in &texts {
                let fields = self.request_fields(field, value);
                let pairs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                // The autosave keeps the draft current; the submit (review step) shows it.
                self.check(
                    RawRequest::post(format!("/en/request/{draft}/autosave"))
                        .cookies(&customer)
                        .form(&pairs),
                    Expect::Anything,
                )
                .await;
                let mut review: Vec<(&str, &str)> = pairs.clone();
                for pair in &mut review {
                    if pair.0 == "step" && field != "step" {
                        pair.1 = "review";
                    }
                    if pair.0 == "draft" {
                        pair.1 = "";
                    }
                }
                let response = self
                    .check(
                        RawRequest::post("/en/request")
                            .cookies(&customer)
                            .form(&review),
                        Expect::Anything,
                    )
                    .await;
                if let Some(response) = response
                    && let Some(location) = response.header("location")
                    && let Some(token) = location
                        .strip_prefix("/tickets/")
                        .and_then(|rest| rest.split('?').next())
                    && self.ticket_tokens.len() < 80
                {
                    self.ticket_tokens.push(token.to_owned());
                }
            }
        }
        // The draft id itself, in the path and the form.
        for raw in BAD_ENCODINGS
            .iter()
            .map(|s| (*s).to_owned())
            .chain(["../../etc/passwd".to_owned(), "x".repeat(5_000)])
        {
            let target = format!("/en/request/{raw}/autosave");
            self.check(
                RawRequest::post(target.clone())
                    .cookies(&customer)
                    .form(&[("csrf_token", &self.customer.csrf.clone())]),
                Expect::Anything,
            )
            .await;
            let target = format!("/en/request/{raw}/solved");
            self.check(
                RawRequest::post(target).cookies(&customer).form(&[
                    ("csrf_token", &self.customer.csrf.clone()),
                    ("article", "x"),
                ]),
                Expect::Anything,
            )
            .await;
        }
        for value in &texts {
            self.check(
                RawRequest::post(format!("/en/request/{draft}/solved"))
                    .cookies(&customer)
                    .form(&[
                        ("csrf_token", &self.customer.csrf.clone()),
                        ("article", value),
                    ]),
                Expect::Anything,
            )
            .await;
        }
        // Wrong content types on the form.
        for (content_type, body) in [
            ("application/json", "{\"name\": \"json\"}".to_owned()),
            ("text/plain", "name=plain".to_owned()),
            (
                "multipart/form-data; boundary=hostile",
                "--hostile--".to_owned(),
            ),
            (
                "application/x-www-form-urlencoded",
                "name=%ff%fe&email=%c3%28&csrf_token=".to_owned() + &self.customer.csrf,
            ),
            (
                "application/x-www-form-urlencoded",
                "&&&===&name&csrf_token[]=x".to_owned(),
            ),
        ] {
            self.check(
                RawRequest::post("/en/request")
                    .cookies(&customer)
                    .body(content_type, body.clone()),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::post(format!("/en/request/{draft}/autosave"))
                    .cookies(&customer)
                    .body(content_type, body),
                Expect::Anything,
            )
            .await;
        }
    }

    // -----------------------------------------------------------------------------------
    // The customer's ticket page
    // -----------------------------------------------------------------------------------

    async fn scan_ticket_page(&mut self) {
        let customer = self.customer.cookies.clone();
        let csrf = self.customer.csrf.clone();
        let Some(token) = self.ticket_tokens.first().cloned() else {
            self.find(
                Finding::RoleRefusal,
                "no ticket was filed: the ticket page was not scanned",
            );
            return;
        };
        for value in self.text_payloads() {
            self.check(
                RawRequest::post(format!("/tickets/{token}/reply"))
                    .cookies(&customer)
                    .form(&[("csrf_token", &csrf), ("body", &value)]),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::post(format!("/tickets/{token}/rating"))
                    .cookies(&customer)
                    .form(&[
                        ("csrf_token", &csrf),
                        ("rating", &value),
                        ("comment", &value),
                    ]),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::get(format!(
                    "/tickets/{token}?lang={}",
                    encode_component(&first_chars(&value, 500))
                ))
                .cookies(&customer),
                Expect::Anything,
            )
            .await;
        }
        for raw in BAD_ENCODINGS {
            self.check(
                RawRequest::post(format!("/tickets/{token}/reply"))
                    .cookies(&customer)
                    .body(
                        "application/x-www-form-urlencoded",
                        format!("csrf_token={csrf}&body={raw}"),
                    ),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::post(format!("/tickets/{raw}/reply"))
                    .cookies(&customer)
                    .form(&[("csrf_token", &csrf), ("body", "hello")]),
                Expect::Anything,
            )
            .await;
        }
    }

    // -----------------------------------------------------------------------------------
    // Sign-in
    // -----------------------------------------------------------------------------------

    async fn scan_login(&mut self) {
        let customer = self.customer.cookies.clone();
        let csrf = self.customer.csrf.clone();
        let texts = self.text_payloads();
        for field in ["email", "password", "next"] {
            for value in &texts {
                let mut fields = vec![
                    ("email", "nobody@hostile.example"),
                    ("password", "wrong password"),
                    ("next", "/staff"),
                    ("csrf_token", csrf.as_str()),
                ];
                for slot in &mut fields {
                    if slot.0 == field {
                        slot.1 = value;
                    }
                }
                self.check(
                    RawRequest::post("/login").cookies(&customer).form(&fields),
                    Expect::Anything,
                )
                .await;
            }
        }
        for raw in BAD_ENCODINGS {
            self.check(
                RawRequest::post("/login").cookies(&customer).body(
                    "application/x-www-form-urlencoded",
                    format!("email={raw}&password={raw}&csrf_token={csrf}"),
                ),
                Expect::Anything,
            )
            .await;
        }
        self.check(
            RawRequest::post("/login")
                .cookies(&customer)
                .body("application/json", "{\"email\": \"a\"}"),
            Expect::Anything,
        )
        .await;
        // The lost-link form: an email address in, the same answer either way.
        for value in texts.iter().take(12) {
            self.check(
                RawRequest::post("/en/requests/find")
                    .cookies(&customer)
                    .form(&[("csrf_token", csrf.as_str()), ("email", value.as_str())]),
                Expect::Anything,
            )
            .await;
        }
        for raw in BAD_ENCODINGS {
            self.check(
                RawRequest::post("/en/requests/find")
                    .cookies(&customer)
                    .body(
                        "application/x-www-form-urlencoded",
                        format!("email={raw}&csrf_token={csrf}"),
                    ),
                Expect::Anything,
            )
            .await;
        }
    }

    // -----------------------------------------------------------------------------------
    // The editor: create (preview, save, publish) and the live preview API
    // -----------------------------------------------------------------------------------

    async fn scan_editor(&mut self) {
        let editor = self.editor.clone();
        let texts = self.text_payloads();
        let base = |field: &str, value: &str, action: &str| {
            let mut fields: Vec<(String, String)> = vec![
                ("csrf_token".into(), editor.csrf.clone()),
                ("title".into(), "Hostile scan article".into()),
                ("slug".into(), String::new()),
                ("category".into(), "Scans".into()),
                ("tags".into(), "scan".into()),
                ("aliases".into(), String::new()),
                ("lang".into(), "en".into()),
                ("translation_of".into(), String::new()),
                ("body".into(), "A body.".into()),
                ("base_revision".into(), String::new()),
                ("from_ticket".into(), String::new()),
                ("action".into(), action.into()),
            ];
            if let Some(slot) = fields.iter_mut().find(|(name, _)| name == field) {
                slot.1 = value.to_owned();
            }
            fields
        };
        for field in [
            "title",
            "slug",
            "category",
            "tags",
            "aliases",
            "lang",
            "translation_of",
            "body",
            "base_revision",
            "from_ticket",
            "action",
        ] {
            for value in &texts {
                let fields = base(field, value, "preview");
                let pairs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                self.check(
                    RawRequest::post("/editor/articles")
                        .cookies(&editor.cookies)
                        .form(&pairs),
                    Expect::Anything,
                )
                .await;
            }
        }
        // Published with hostile text, so the customer pages show it (read back later).
        for (n, value) in XSS.iter().chain([&TEMPLATE_PROBE]).enumerate() {
            let title = format!("Hostile published {n} {value}");
            let body = format!(
                "Intro {value}\n\n<div onclick=\"x()\">{value}</div>\n\n[link](javascript:alert(1))\n"
            );
            for action in ["save", "publish"] {
                let mut fields = base("body", &body, action);
                fields[1].1 = title.clone();
                let pairs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                self.check(
                    RawRequest::post("/editor/articles")
                        .cookies(&editor.cookies)
                        .form(&pairs),
                    Expect::Anything,
                )
                .await;
            }
        }
        for value in &texts {
            let body = serde_json::json!({ "markdown": value, "lang": value, "slug": value });
            let response = self
                .check(
                    RawRequest::post("/api/editor/preview")
                        .cookies(&editor.cookies)
                        .header("X-CSRF-Token", editor.csrf.clone())
                        .body("application/json", body.to_string()),
                    Expect::Anything,
                )
                .await;
            // The preview's HTML is what customers would see: it must be sanitised too.
            if let Some(response) = response
                && let Ok(json) = serde_json::from_slice::<serde_json::Value>(&response.body)
            {
                let html = json["html"].as_str().unwrap_or_default();
                if XSS.iter().any(|p| html.contains(p))
                    || html.to_ascii_lowercase().contains("<script")
                    || html.to_ascii_lowercase().contains("javascript:")
                {
                    self.find(
                        Finding::StoredUnsanitised,
                        &format!("preview of {value:?} returned unsanitised HTML"),
                    );
                }
            }
        }
        for body in [
            b"{".to_vec(),
            b"[]".to_vec(),
            b"{\"markdown\": 5}".to_vec(),
            b"{\"markdown\": \"\xff\"}".to_vec(),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            format!(
                "{{\"markdown\": \"{}\"}}",
                "> ".repeat(50_000) // deeply nested block quotes
            )
            .into_bytes(),
            format!("{{\"markdown\": \"{}\"}}", "*a ".repeat(60_000)).into_bytes(),
            format!("{{\"markdown\": \"{}\"}}", "[".repeat(100_000)).into_bytes(),
        ] {
            self.check(
                RawRequest::post("/api/editor/preview")
                    .cookies(&editor.cookies)
                    .header("X-CSRF-Token", editor.csrf.clone())
                    .body("application/json", body),
                Expect::Anything,
            )
            .await;
        }
        self.check(
            RawRequest::post("/api/editor/preview")
                .cookies(&editor.cookies)
                .header("X-CSRF-Token", editor.csrf.clone())
                .body("text/plain", "markdown"),
            Expect::Anything,
        )
        .await;
        for raw in BAD_ENCODINGS {
            self.check(
                RawRequest::get(format!("/editor/articles/{raw}/edit")).cookies(&editor.cookies),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::get(format!("/editor/articles/{raw}/revisions"))
                    .cookies(&editor.cookies),
                Expect::Anything,
            )
            .await;
        }
    }

    // -----------------------------------------------------------------------------------
    // The agent: ticket page, reply, notes, status
    // -----------------------------------------------------------------------------------

    async fn first_ticket_id(&self) -> Option<i64> {
        let inbox = send(
            self.address,
            &RawRequest::get("/agent?status=all").cookies(&self.agent.cookies),
        )
        .await
        .ok()?;
        ticket_ids(&inbox.text()).into_iter().next()
    }

    async fn scan_agent(&mut self) {
        let agent = self.agent.clone();
        let Some(id) = self.first_ticket_id().await else {
            self.find(
                Finding::RoleRefusal,
                "no ticket in the inbox: the agent's routes were not scanned",
            );
            return;
        };
        let texts = self.text_payloads();
        for value in &texts {
            for (route, fields) in [
                ("reply", vec![("body", value.as_str()), ("status", "keep")]),
                (
                    "reply",
                    vec![("body", "Thanks"), ("status", value.as_str())],
                ),
                ("note", vec![("body", value.as_str())]),
                ("status", vec![("value", value.as_str())]),
                ("priority", vec![("value", value.as_str())]),
                ("tags", vec![("value", value.as_str())]),
                ("assignee", vec![("value", value.as_str())]),
            ] {
                let mut fields = fields;
                fields.push(("csrf_token", agent.csrf.as_str()));
                self.check(
                    RawRequest::post(format!("/agent/tickets/{id}/{route}"))
                        .cookies(&agent.cookies)
                        .form(&fields),
                    Expect::Anything,
                )
                .await;
            }
            self.check(
                RawRequest::post("/agent/bulk")
                    .cookies(&agent.cookies)
                    .form(&[
                        ("csrf_token", agent.csrf.as_str()),
                        ("ids", value.as_str()),
                        ("action", value.as_str()),
                    ]),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::post("/agent/canned")
                    .cookies(&agent.cookies)
                    .form(&[
                        ("csrf_token", agent.csrf.as_str()),
                        ("title", value.as_str()),
                        ("body", value.as_str()),
                    ]),
                Expect::Anything,
            )
            .await;
        }
        for raw in
            BAD_ENCODINGS
                .iter()
                .copied()
                .chain(["-1", "0", "99999999999999999999", "1.5", "1e3"])
        {
            self.check(
                RawRequest::get(format!("/agent/tickets/{raw}")).cookies(&agent.cookies),
                Expect::Anything,
            )
            .await;
            self.check(
                RawRequest::get(format!("/api/agent/tickets/{raw}/canned/{raw}"))
                    .cookies(&agent.cookies),
                Expect::Anything,
            )
            .await;
        }
    }

    // -----------------------------------------------------------------------------------
    // CSRF: every state-changing form without its token, or with a wrong one
    // -----------------------------------------------------------------------------------

    async fn scan_csrf(&mut self) {
        let customer = self.customer.clone();
        let token = self.ticket_tokens.first().cloned().unwrap_or_default();
        let draft = self.draft.clone();
        let customer_forms: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/en/request".into(),
                vec![
                    ("name", "No Token"),
                    ("email", "csrf@hostile.example"),
                    ("subject", "A request without a token"),
                    ("description", "This request must not be filed at all."),
                    ("step", "file"),
                ],
            ),
            (
                format!("/en/request/{draft}/autosave"),
                vec![("subject", "overwritten without a token")],
            ),
            (
                format!("/en/request/{draft}/solved"),
                vec![("article", "request-a-refund")],
            ),
            (
                format!("/tickets/{token}/reply"),
                vec![("body", "A reply without a token")],
            ),
            (format!("/tickets/{token}/rating"), vec![("rating", "good")]),
            (
                "/en/articles/request-a-refund/feedback".into(),
                vec![("helpful", "yes")],
            ),
            (
                "/login".into(),
                vec![
                    ("email", "admin@hostile.example"),
                    ("password", STAFF_PASSWORD),
                ],
            ),
            (
                "/en/requests/find".into(),
                vec![("email", "scan@hostile.example")],
            ),
        ];
        for (path, fields) in &customer_forms {
            // No token at all; a wrong one; the right one without the cookie (another site
            // cannot read it); a token from another visitor.
            let wrong = "0".repeat(32);
            let variants: Vec<(String, Option<String>)> = vec![
                (customer.cookies.clone(), None),
                (customer.cookies.clone(), Some(wrong.clone())),
                (customer.cookies.clone(), Some(String::new())),
                (String::new(), Some(customer.csrf.clone())),
                (
                    replace_cookie(&customer.cookies, "answerdesk_csrf", &wrong),
                    Some(customer.csrf.clone()),
                ),
            ];
            for (cookies, csrf) in variants {
                let mut fields = fields.clone();
                if let Some(csrf) = &csrf {
                    fields.push(("csrf_token", csrf.as_str()));
                }
                self.check(
                    RawRequest::post(path.clone())
                        .cookies(&cookies)
                        .form(&fields),
                    Expect::CsrfRefused,
                )
                .await;
            }
        }
        let id = self.first_ticket_id().await.unwrap_or(1);
        let staff_posts: Vec<(&Browser, String, FormFields)> = vec![
            (
                &self.editor,
                "/editor/articles".into(),
                vec![
                    ("title", "Created without a token"),
                    ("category", "Scans"),
                    ("lang", "en"),
                    ("body", "Must not exist."),
                    ("action", "publish"),
                ],
            ),
            (
                &self.agent,
                format!("/agent/tickets/{id}/reply"),
                vec![("body", "A reply without a token")],
            ),
            (
                &self.agent,
                format!("/agent/tickets/{id}/status"),
                vec![("value", "closed")],
            ),
            (
                &self.agent,
                "/agent/canned".into(),
                vec![("title", "No token"), ("body", "No token")],
            ),
            (
                &self.admin,
                "/admin/users".into(),
                vec![
                    ("email", "csrf-made@hostile.example"),
                    ("name", "Made without a token"),
                    ("role", "admin"),
                    ("password", STAFF_PASSWORD),
                ],
            ),
            (
                &self.admin,
                "/staff/account/password".into(),
                vec![
                    ("current", STAFF_PASSWORD),
                    ("password", "a new password from another site"),
                ],
            ),
            (&self.admin, "/logout".into(), vec![]),
        ];
        let mut requests = Vec::new();
        for (browser, path, fields) in &staff_posts {
            let wrong = "f".repeat(browser.csrf.len().max(32));
            let encoded = encode_form(fields);
            // No token; a wrong token in the form; a wrong header; the customer's cookie token
            // (a different secret); the right token as JSON, which is not a form.
            requests.push(
                RawRequest::post(path.clone())
                    .cookies(&browser.cookies)
                    .body("application/x-www-form-urlencoded", encoded.clone()),
            );
            requests.push(
                RawRequest::post(path.clone())
                    .cookies(&browser.cookies)
                    .body(
                        "application/x-www-form-urlencoded",
                        format!("{encoded}&csrf_token={wrong}"),
                    ),
            );
            requests.push(
                RawRequest::post(path.clone())
                    .cookies(&browser.cookies)
                    .header("X-CSRF-Token", wrong.clone())
                    .body(
                        "application/x-www-form-urlencoded",
                        format!("{encoded}&csrf_token={}", browser.csrf),
                    ),
            );
            requests.push(
                RawRequest::post(path.clone())
                    .cookies(&browser.cookies)
                    .body(
                        "application/x-www-form-urlencoded",
                        format!("{encoded}&csrf_token={}", customer.csrf),
                    ),
            );
            requests.push(
                RawRequest::post(path.clone())
                    .cookies(&browser.cookies)
                    .body(
                        "application/json",
                        serde_json::json!({ "csrf_token": browser.csrf }).to_string(),
                    ),
            );
            requests.push(
                RawRequest::post(path.clone())
                    .cookies(&browser.cookies)
                    .body(
                        "text/plain",
                        format!("{encoded}&csrf_token={}", browser.csrf),
                    ),
            );
        }
        for request in requests {
            self.check(request, Expect::CsrfRefused).await;
        }
    }

    // -----------------------------------------------------------------------------------
    // Roles: every role (and no role) on every staff area
    // -----------------------------------------------------------------------------------

    async fn scan_roles(&mut self) {
        let id = self.first_ticket_id().await.unwrap_or(1);
        // (route, area): `None` is any staff member.
        let pages: Vec<(String, Option<&str>)> = vec![
            ("/staff".into(), None),
            ("/staff/account".into(), None),
            ("/editor".into(), Some("editor")),
            ("/editor/articles/new".into(), Some("editor")),
            (
                "/editor/articles/request-a-refund/edit".into(),
                Some("editor"),
            ),
            (
                "/editor/articles/request-a-refund/revisions".into(),
                Some("editor"),
            ),
            ("/agent".into(), Some("agent")),
            (format!("/agent/tickets/{id}"), Some("agent")),
            ("/agent/canned".into(), Some("agent")),
            ("/api/agent/articles?q=refund".into(), Some("agent")),
            ("/admin".into(), Some("admin")),
            ("/admin/users".into(), Some("admin")),
            ("/admin/audit".into(), Some("admin")),
            ("/admin/content-gaps".into(), Some("admin")),
            ("/api/admin/stats".into(), Some("admin")),
            ("/admin/export/tickets.csv".into(), Some("admin")),
        ];
        let roles: Vec<(&str, Browser)> = vec![
            ("customer", self.customer.clone()),
            ("agent", self.agent.clone()),
            ("editor", self.editor.clone()),
            ("admin", self.admin.clone()),
        ];
        for (role, browser) in &roles {
            for (path, area) in &pages {
                let allowed = may_enter(role, *area);
                let expect = if allowed {
                    Expect::RoleAllowed
                } else {
                    Expect::RoleRefused
                };
                self.check(
                    RawRequest::get(path.clone()).cookies(&browser.cookies),
                    expect,
                )
                .await;
            }
            // Changes with the role's own valid token: the role, not the token, must refuse.
            let posts: Vec<(String, &str, FormFields)> = vec![
                (
                    "/editor/articles".into(),
                    "editor",
                    vec![
                        ("title", "Made by the wrong role"),
                        ("category", "Scans"),
                        ("lang", "en"),
                        ("body", "Must not exist."),
                        ("action", "preview"),
                    ],
                ),
                (
                    format!("/agent/tickets/{id}/note"),
                    "agent",
                    vec![("body", "A note by the wrong role")],
                ),
                (
                    "/admin/users".into(),
                    "admin",
                    vec![
                        ("email", "wrong-role@hostile.example"),
                        ("name", "Wrong role"),
                        ("role", "admin"),
                        ("password", STAFF_PASSWORD),
                    ],
                ),
                (
                    "/admin/users/1/role".into(),
                    "admin",
                    vec![("role", "agent")],
                ),
            ];
            for (path, area, fields) in posts {
                if may_enter(role, Some(area)) {
                    continue;
                }
                let mut fields = fields;
                let csrf = if browser.csrf.is_empty() {
                    self.customer.csrf.clone()
                } else {
                    browser.csrf.clone()
                };
                fields.push(("csrf_token", &csrf));
                self.check(
                    RawRequest::post(path)
                        .cookies(&browser.cookies)
                        .form(&fields),
                    Expect::RoleRefused,
                )
                .await;
            }
            let preview = RawRequest::post("/api/editor/preview")
                .cookies(&browser.cookies)
                .header("X-CSRF-Token", browser.csrf.clone())
                .body("application/json", "{\"markdown\": \"hi\"}");
            let expect = if may_enter(role, Some("editor")) {
                Expect::RoleAllowed
            } else {
                Expect::RoleRefused
            };
            self.check(preview, expect).await;
        }
        // A forged or foreign session cookie is nobody.
        for cookie in [
            "answerdesk_staff=".to_owned(),
            format!("answerdesk_staff={}", "0".repeat(64)),
            "answerdesk_staff=' OR '1'='1".to_owned(),
            format!("answerdesk_staff={}", "a".repeat(10_000)),
            "answerdesk_staff=%00".to_owned(),
        ] {
            for path in ["/admin", "/agent", "/editor", "/api/admin/stats"] {
                self.check(RawRequest::get(path).cookies(&cookie), Expect::RoleRefused)
                    .await;
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Headers: cookies, languages, forwarding, hosts
    // -----------------------------------------------------------------------------------

    async fn scan_headers(&mut self) {
        let headers: Vec<(&str, Vec<u8>)> = vec![
            (
                "Accept-Language",
                b"<script>alert('hostile-xss-1')</script>".to_vec(),
            ),
            ("Accept-Language", "x".repeat(8_000).into_bytes()),
            ("Accept-Language", b"lv;q=nan, ru;q=-1, *;q=2".to_vec()),
            ("Accept-Language", b"\xff\xfe".to_vec()),
            (
                "Cookie",
                b"answerdesk_lang=<script>alert('hostile-xss-1')</script>".to_vec(),
            ),
            ("Cookie", b"answerdesk_lang=../../etc".to_vec()),
            (
                "Cookie",
                b"answerdesk_visitor=\"; answerdesk_csrf=;;;".to_vec(),
            ),
            ("Cookie", "a=".repeat(4_000).into_bytes()),
            ("X-Forwarded-For", b"' OR 1=1 --, 999.1.1.1, ::zz".to_vec()),
            ("X-Forwarded-For", "1.1.1.1,".repeat(2_000).into_bytes()),
            ("Host", b"evil.example".to_vec()),
            ("Content-Length", b"-1".to_vec()),
            ("Transfer-Encoding", b"chunked, identity".to_vec()),
            ("Range", b"bytes=99999999-".to_vec()),
        ];
        for path in [
            "/",
            "/en",
            "/search?q=x",
            "/en/search?q=refund",
            "/api/suggest?q=refund",
            "/content/images/logo.png",
        ] {
            for (name, value) in &headers {
                self.check(
                    RawRequest::get(path).header(name, value.clone()),
                    Expect::Anything,
                )
                .await;
            }
        }
        for method in ["PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "HOSTILE"] {
            for path in ["/en", "/api/search?q=x", "/login", "/admin"] {
                self.check(RawRequest::new(method, path), Expect::Anything)
                    .await;
            }
        }
        for target in [
            b"/en/\x00".to_vec(),
            b"/en/search?q=\x00".to_vec(),
            b"*".to_vec(),
            b"http://evil.example/en".to_vec(),
            b"/en/articles/%2e%2e%2f%2e%2e%2fCargo.toml".to_vec(),
            b"/en/articles/..%00".to_vec(),
        ] {
            self.check(RawRequest::get(target), Expect::Anything).await;
        }
    }

    async fn scan_oversized_bodies(&mut self) {
        let customer = self.customer.clone();
        let huge = "A".repeat(300 * 1024);
        for path in [
            "/en/request".to_owned(),
            format!("/en/request/{}/autosave", self.draft),
            "/login".to_owned(),
        ] {
            self.check(
                RawRequest::post(path)
                    .cookies(&customer.cookies)
                    .form(&[("csrf_token", &customer.csrf), ("description", &huge)]),
                Expect::Anything,
            )
            .await;
        }
        self.check(
            RawRequest::post("/api/tickets").body(
                "application/json",
                format!("{{\"description\": \"{huge}\"}}"),
            ),
            Expect::Anything,
        )
        .await;
        self.check(
            RawRequest::post("/editor/articles")
                .cookies(&self.editor.cookies.clone())
                .form(&[("csrf_token", &self.editor.csrf.clone()), ("body", &huge)]),
            Expect::Anything,
        )
        .await;
        // A declared length far beyond what is sent: the server must not wait forever.
        self.check(
            RawRequest::post("/api/tickets")
                .header("Content-Type", "application/json")
                .header("Content-Length", "999999999"),
            Expect::Anything,
        )
        .await;
    }

    // -----------------------------------------------------------------------------------
    // Uploads
    // -----------------------------------------------------------------------------------

    /// Files through the API and the status page: what must be refused is, what is kept is
    /// served only as a download (or a real image), never as a page, under a safe name.
    async fn scan_uploads(&mut self) {
        let refused: Vec<(&str, &str, Vec<u8>)> = vec![
            (
                "oversize.log",
                "text/plain",
                vec![b'a'; 10 * 1024 * 1024 + 1],
            ),
            (
                "page.png",
                "image/png",
                b"<!doctype html><script>alert('hostile-upload')</script>".to_vec(),
            ),
            (
                "logo.png",
                "image/png",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
            ),
            (
                "data.xml",
                "text/plain",
                b"<?xml version=\"1.0\"?><svg/>".to_vec(),
            ),
            (
                "tool.pdf",
                "application/pdf",
                b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec(),
            ),
            ("empty.txt", "text/plain", Vec::new()),
        ];
        for (name, content_type, bytes) in refused {
            let body = upload_body(&[("files", name, content_type, &bytes)]);
            if let Some(response) = self.check(api_upload(body), Expect::Anything).await
                && response.status < 400
            {
                self.find(
                    Finding::UnsafeUpload,
                    &format!(
                        "{name} ({} bytes) -> {} instead of a refusal",
                        bytes.len(),
                        response.status
                    ),
                );
            }
        }
        let six: Vec<(&str, &str, &str, &[u8])> = (0..6)
            .map(|_| ("files", "many.txt", "text/plain", &b"one of many"[..]))
            .collect();
        if let Some(response) = self
            .check(api_upload(upload_body(&six)), Expect::Anything)
            .await
            && response.status < 400
        {
            self.find(
                Finding::UnsafeUpload,
                "six files -> kept instead of refused",
            );
        }
        let names: Vec<String> = [
            "../../../../etc/passwd",
            "..\\..\\windows\\win.ini",
            "report\u{202E}fdp.exe.txt",
            "line\r\nbreak.txt",
        ]
        .iter()
        .map(|name| (*name).to_owned())
        .chain(XSS.iter().map(|payload| format!("{payload}.txt")))
        .chain(std::iter::once(format!("{}.txt", "n".repeat(300))))
        .collect();
        for name in names {
            let body = upload_body(&[("files", &name, "text/plain", b"hostile name")]);
            let Some(response) = self.check(api_upload(body), Expect::Anything).await else {
                continue;
            };
            let Some(path) = status_path(&response.text()) else {
                continue;
            };
            self.reading_stored = true;
            let page = self
                .check(RawRequest::get(path.clone()), Expect::Anything)
                .await;
            self.reading_stored = false;
            let Some(page) = page else { continue };
            let page = page.text();
            for link in file_links(&page, &path) {
                let Some(file) = self
                    .check(RawRequest::get(link.clone()), Expect::Anything)
                    .await
                else {
                    continue;
                };
                self.check_served_file(&link, &file);
            }
            if page.contains("../") || page.contains('\u{202E}') {
                self.find(
                    Finding::UnsafeUpload,
                    &format!("{name:?}: shown unsafely on {path}"),
                );
            }
        }
    }

    /// A served file must never be renderable as a page of ours.
    fn check_served_file(&mut self, what: &str, response: &RawResponse) {
        let content_type = response.header("content-type").unwrap_or_default();
        let disposition = response.header("content-disposition").unwrap_or_default();
        let nosniff = response
            .header("x-content-type-options")
            .unwrap_or_default();
        let csp = response
            .header("content-security-policy")
            .unwrap_or_default();
        let inline_image = disposition.starts_with("inline")
            && content_type.starts_with("image/")
            && content_type != "image/svg+xml";
        let problem = if content_type.contains("html")
            || content_type.contains("svg")
            || content_type.contains("xml")
        {
            Some(format!("served as {content_type}"))
        } else if !(disposition.starts_with("attachment") || inline_image) {
            Some(format!("Content-Disposition {disposition:?}"))
        } else if nosniff != "nosniff" {
            Some("without nosniff".to_owned())
        } else if !csp.contains("sandbox") {
            Some(format!("CSP {csp:?}"))
        } else if disposition
            .split("filename=")
            .nth(1)
            .is_some_and(|name| name.split(';').next().unwrap_or("").contains(['/', '\\']))
        {
            Some(format!("a path in the name: {disposition}"))
        } else {
            None
        };
        if let Some(problem) = problem {
            self.find(Finding::UnsafeUpload, &format!("{what}: {problem}"));
        }
    }

    // -----------------------------------------------------------------------------------
    // Reading back what was stored
    // -----------------------------------------------------------------------------------

    async fn read_back_stored(&mut self) {
        self.reading_stored = true;
        let admin = self.admin.cookies.clone();
        let agent = self.agent.cookies.clone();
        let customer = self.customer.cookies.clone();
        let mut pages: Vec<(String, String)> = Vec::new();
        for token in self.ticket_tokens.clone() {
            pages.push((format!("/tickets/{token}"), customer.clone()));
        }
        let inbox = send(
            self.address,
            &RawRequest::get("/agent?status=all").cookies(&agent),
        )
        .await
        .map(|r| r.text())
        .unwrap_or_default();
        let mut ids = ticket_ids(&inbox);
        for page in 2..=5 {
            if let Ok(more) = send(
                self.address,
                &RawRequest::get(format!("/agent?status=all&page={page}")).cookies(&agent),
            )
            .await
            {
                ids.extend(ticket_ids(&more.text()));
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for id in ids.iter().take(120) {
            pages.push((format!("/agent/tickets/{id}"), agent.clone()));
        }
        for page in 1..=5 {
            pages.push((format!("/agent?status=all&page={page}"), agent.clone()));
        }
        for path in [
            "/agent/canned",
            "/editor",
            "/editor?status=draft",
            "/admin",
            "/admin/content-gaps",
            "/admin/audit",
            "/admin/users",
        ] {
            pages.push((path.to_owned(), admin.clone()));
        }
        let editor_list = send(
            self.address,
            &RawRequest::get("/editor").cookies(&self.editor.cookies),
        )
        .await
        .map(|r| r.text())
        .unwrap_or_default();
        for slug in article_slugs(&editor_list) {
            pages.push((format!("/en/articles/{slug}"), customer.clone()));
            pages.push((format!("/editor/articles/{slug}/edit"), admin.clone()));
            pages.push((format!("/editor/articles/{slug}/revisions"), admin.clone()));
        }
        for q in ["hostile", "alert", "script", "refund", "published"] {
            pages.push((format!("/en/search?q={q}"), customer.clone()));
        }
        pages.push(("/en".to_owned(), customer.clone()));
        for (path, cookies) in pages {
            self.check(RawRequest::get(path).cookies(&cookies), Expect::Anything)
                .await;
        }
        self.reading_stored = false;
    }

    /// After everything: the server still answers, and the data is still there.
    async fn check_still_serving(&mut self) {
        let ready = self
            .check(RawRequest::get("/readyz"), Expect::Anything)
            .await;
        if ready.as_ref().is_none_or(|r| r.status != 200) {
            self.find(Finding::ServerError, "/readyz is not 200 after the scan");
        }
        let found = self
            .check(RawRequest::get("/api/search?q=refund"), Expect::Anything)
            .await
            .map(|r| r.text())
            .unwrap_or_default();
        if !found.contains("request-a-refund") {
            self.find(
                Finding::ServerError,
                "search no longer finds the imported article after the scan",
            );
        }
        let inbox = send(
            self.address,
            &RawRequest::get("/agent?status=all").cookies(&self.agent.cookies),
        )
        .await
        .map(|r| r.text())
        .unwrap_or_default();
        if ticket_ids(&inbox).is_empty() {
            self.find(
                Finding::ServerError,
                "the inbox shows no ticket after the scan (tickets lost?)",
            );
        }
    }
}

/// Which roles may use an area, as the product's rule says (`None`: any staff member).
const UPLOAD_BOUNDARY: &str = "hostile-upload-boundary-7d1e";

/// A `multipart/form-data` ticket with the given (field, file name, type, bytes) parts.
fn upload_body(files: &[(&str, &str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in [
        ("email", "uploads@hostile.example"),
        ("subject", "Hostile upload"),
        ("description", "A file is attached."),
    ] {
        body.extend_from_slice(
            format!("--{UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (field, file_name, content_type, bytes) in files {
        let file_name = file_name.replace(['"', '\r', '\n'], "_");
        body.extend_from_slice(
            format!(
                "--{UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{UPLOAD_BOUNDARY}--\r\n").as_bytes());
    body
}

fn api_upload(body: Vec<u8>) -> RawRequest {
    RawRequest::post("/api/tickets").body(
        &format!("multipart/form-data; boundary={UPLOAD_BOUNDARY}"),
        body,
    )
}

/// The path of the status page an API answer names.
fn status_path(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let url = value["status_url"].as_str()?;
    Some(url[url.find("/tickets/")?..].to_owned())
}

/// The file links under `page_path` on a page.
fn file_links(page: &str, page_path: &str) -> Vec<String> {
    let prefix = format!("{page_path}/files/");
    let mut links: Vec<String> = page
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(&prefix))
        .map(str::to_owned)
        .collect();
    links.dedup();
    links
}

fn may_enter(role: &str, area: Option<&str>) -> bool {
    match (role, area) {
        ("customer", _) => false,
        ("admin", _) | (_, None) => true,
        (role, Some(area)) => role == area,
    }
}

fn redirects_to_sign_in(response: &RawResponse) -> bool {
    (300..400).contains(&response.status)
        && response
            .header("location")
            .is_some_and(|l| l.starts_with("/login"))
}

/// `cookies` with the answer's `Set-Cookie` values applied (removals drop the cookie).
fn cookies_from(response: &RawResponse, cookies: &str) -> String {
    let mut jar: Vec<(String, String)> = cookies
        .split("; ")
        .filter_map(|pair| pair.split_once('='))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    for set in response.header_values("set-cookie") {
        let pair = set.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        jar.retain(|(n, _)| n != name);
        if !value.is_empty() {
            jar.push((name.to_owned(), value.to_owned()));
        }
    }
    jar.iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn cookie_value(cookies: &str, name: &str) -> Option<String> {
    cookies
        .split("; ")
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

fn replace_cookie(cookies: &str, name: &str, value: &str) -> String {
    cookies
        .split("; ")
        .map(|pair| match pair.split_once('=') {
            Some((n, _)) if n == name => format!("{n}={value}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The staff pages' `<meta name="csrf-token" content="…">`.
fn meta_csrf(html: &str) -> Option<String> {
    let rest = html.split("name=\"csrf-token\" content=\"").nth(1)?;
    rest.split('"').next().map(str::to_owned)
}

/// The token in an `/api/tickets` answer's `status_url`.
fn status_token(response: &RawResponse) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    let url = json["status_url"].as_str()?;
    url.rsplit('/').next().map(str::to_owned)
}

/// Ticket ids linked from an inbox page.
fn ticket_ids(html: &str) -> Vec<i64> {
    html.split("/agent/tickets/")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Article slugs linked from the editor's list.
fn article_slugs(html: &str) -> Vec<String> {
    let mut slugs: Vec<String> = html
        .split("/editor/articles/")
        .skip(1)
        .filter_map(|rest| {
            let slug: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            (!slug.is_empty() && slug != "new").then_some(slug)
        })
        .collect();
    slugs.sort();
    slugs.dedup();
    slugs
}

/// Attributes whose value a browser follows or loads as a URL.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "xlink:href", "data"];

/// Where a `javascript:` URL is the value of a URL attribute of a real tag (not escaped text,
/// not inside another attribute's value, not a harmless `value="…"`).
fn javascript_in_a_tag(lower_html: &str) -> Option<usize> {
    lower_html
        .match_indices("javascript:")
        .map(|(at, _)| at)
        .find(|&at| {
            let before = &lower_html[..at];
            let (Some(open), close) = (before.rfind('<'), before.rfind('>')) else {
                return false;
            };
            if close.is_some_and(|close| close > open) {
                return false;
            }
            let mut quote = None;
            for c in before[open..].chars() {
                match quote {
                    Some(q) if c == q => quote = None,
                    None if c == '"' || c == '\'' => quote = Some(c),
                    _ => {}
                }
            }
            let rest = match quote {
                // Inside a quoted value: only when that value starts right here.
                Some(q) => match before.strip_suffix(q) {
                    Some(rest) => rest,
                    None => return false,
                },
                None => before,
            };
            let Some(rest) = rest.trim_end().strip_suffix('=') else {
                return false;
            };
            let rest = rest.trim_end();
            let name_start = rest
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-'))
                .map_or(0, |i| i + 1);
            URL_ATTRIBUTES.contains(&&rest[name_start..])
        })
}

/// The text around byte `at`, on one line, for a finding.
fn around(text: &str, at: usize) -> String {
    let start = (0..=at.saturating_sub(80))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let end = (at + 120..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    text[start..end].replace(['\n', '\r'], " ")
}

/// At most `n` characters of `text`.
fn first_chars(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// `%xx` decoded (lossy), for posting a `next` value as a form field.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_values_replace_and_remove_cookies() {
        let response = RawResponse {
            status: 303,
            headers: vec![
                ("Set-Cookie".into(), b"b=2; Path=/; HttpOnly".to_vec()),
                ("Set-Cookie".into(), b"a=; Path=/".to_vec()),
            ],
            body: Vec::new(),
        };
        assert_eq!(cookies_from(&response, "a=1; b=1; c=3"), "c=3; b=2");
    }

    #[test]
    fn a_javascript_url_counts_only_inside_a_tag() {
        assert!(javascript_in_a_tag(r#"<a href="javascript:alert(1)">"#).is_some());
        assert!(javascript_in_a_tag("<iframe src=javascript:x()>").is_some());
        assert!(javascript_in_a_tag(r#"&lt;a href="javascript:alert(1)"&gt;"#).is_none());
        assert!(javascript_in_a_tag("<p>type javascript: here</p>").is_none());
        assert!(javascript_in_a_tag(r#"<input value="&lt;iframe src=javascript:x()">"#).is_none());
        assert!(javascript_in_a_tag(r#"<input name="next" value="javascript:x()">"#).is_none());
    }

    #[test]
    fn the_role_rule_matches_the_product() {
        assert!(may_enter("admin", Some("editor")));
        assert!(may_enter("agent", None));
        assert!(!may_enter("agent", Some("admin")));
        assert!(!may_enter("editor", Some("agent")));
        assert!(!may_enter("customer", None));
    }

    #[test]
    fn ids_and_slugs_are_read_from_links() {
        let html = r#"<a href="/agent/tickets/12">x</a><a href="/agent/tickets/7?x">"#;
        assert_eq!(ticket_ids(html), vec![12, 7]);
        let list = r#"<a href="/editor/articles/new">n</a><a href="/editor/articles/reset-your-password/edit">"#;
        assert_eq!(article_slugs(list), vec!["reset-your-password".to_owned()]);
    }
}
