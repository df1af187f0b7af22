//! The help widget on a customer's own site: a host page served from another loopback origin
//! embeds the snippet, and the panel runs inside it, in an iframe from the help centre.
//!
//! The host page is served as `http://localhost:PORT` (a different site from the portal's
//! `127.0.0.1`, so the panel is a third-party frame there) and as `http://127.0.0.1:PORT`, an
//! origin the portal does not list.

use std::net::SocketAddr;

use answerdesk::deflection::{Channel, DraftState, EventKind};
use answerdesk::widget::WidgetOrigin;
use axum::extract::Query;
use axum::response::Html;
use fantoccini::key::Key;
use tokio::task::JoinHandle;

use super::common::{events_recorded, tickets_filed};
use super::{Browser, PHONE_SIZE, Portal};

/// A customer's site, serving one page that embeds the widget.
struct HostSite {
    port: u16,
    server: JoinHandle<()>,
}

#[derive(serde::Deserialize)]
struct HostQuery {
    widget: String,
    #[serde(default)]
    prefill: Option<String>,
}

impl HostSite {
    async fn start() -> HostSite {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the host site");
        let port = listener.local_addr().expect("host address").port();
        let app = axum::Router::new().route(
            "/account/password",
            axum::routing::get(|Query(query): Query<HostQuery>| async move {
                Html(host_page(&query.widget, query.prefill.is_some()))
            }),
        );
        let server = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        HostSite { port, server }
    }

    /// The origin the portal lists.
    fn allowed_origin(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// The page on the listed origin, embedding the portal's widget.
    fn page(&self, portal: &Portal, prefill: bool) -> String {
        self.page_on(&self.allowed_origin(), portal, prefill)
    }

    fn page_on(&self, origin: &str, portal: &Portal, prefill: bool) -> String {
        let widget = portal.url("/widget.js");
        let flag = if prefill { "&prefill=1" } else { "" };
        format!("{origin}/account/password?widget={widget}{flag}")
    }
}

impl Drop for HostSite {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The customer's product page: the snippet, and a listener that keeps the widget's events
/// where the story can read them.
fn host_page(widget: &str, prefill: bool) -> String {
    let prefill = if prefill {
        "Answerdesk.prefill({ name: 'Ana Berzina', email: 'ana@example.com' });"
    } else {
        ""
    };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme app</title></head>
<body><h1>Your account</h1><p><a href="/account" id="host-link">Account</a></p>
<script>
window.widgetEvents = [];
window.addEventListener('answerdesk:ready', function () {{
  ['deflected', 'ticketFiled', 'articleOpened'].forEach(function (name) {{
    Answerdesk.on(name, function (detail) {{ window.widgetEvents.push({{ name: name, detail: detail }}); }});
  }});
  {prefill}
}});
</script>
<script src="{widget}" async data-labels="password, login"></script>
</body></html>"#
    )
}

/// How the story's browser treats cookies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cookies {
    Default,
    /// Third-party cookies blocked (Chrome's setting; Safari and Firefox do it by default).
    ThirdPartyBlocked,
}

async fn browser(cookies: Cookies, phone: bool) -> Browser {
    let prefs = match cookies {
        Cookies::Default => None,
        Cookies::ThirdPartyBlocked => Some(serde_json::json!({
            "profile": { "block_third_party_cookies": true, "cookie_controls_mode": 1 }
        })),
    };
    let (width, height) = if phone { PHONE_SIZE } else { (1280, 1000) };
    Browser::start_with_prefs(width, height, phone, prefs).await
}

async fn portal_for(host: &HostSite) -> Portal {
    let origin = WidgetOrigin::parse(&host.allowed_origin()).expect("origin");
    Portal::start_configured(|config| config.widget_origins = vec![origin]).await
}

/// Clicks the launcher and waits until the panel says it is ready.
async fn open_panel(browser: &Browser) {
    browser.click_css("#answerdesk-launcher").await;
    browser
        .wait_for_css("#answerdesk-launcher[data-answerdesk-state='ready']")
        .await;
    let timings = browser
        .script("return window.Answerdesk.timings.panelReadyMs;")
        .await;
    eprintln!("click to panel ready: {timings} ms");
}

async fn enter_panel(browser: &Browser) {
    browser
        .client
        .enter_frame(0)
        .await
        .expect("enter the panel's frame");
}

async fn leave_panel(browser: &Browser) {
    browser
        .client
        .enter_parent_frame()
        .await
        .expect("back to the host page");
}

/// Inside the panel: whether the browser lets it use cookies at all (the Storage Access
/// API's answer for this frame; false where third-party cookies are blocked).
async fn panel_may_use_cookies(browser: &Browser) -> bool {
    let answer = browser
        .client
        .execute_async(
            "var done = arguments[arguments.length - 1]; \
             document.hasStorageAccess().then(done, function () { done(false); });",
            vec![],
        )
        .await
        .expect("ask for storage access");
    answer.as_bool().expect("a boolean")
}

async fn host_events(browser: &Browser) -> Vec<String> {
    let events = browser
        .script("return window.widgetEvents.map(function (e) { return e.name; });")
        .await;
    events
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|e| e.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn visitor_is_deflected_in_the_widget(cookies: Cookies) {
    let host = HostSite::start().await;
    let mut portal = portal_for(&host).await;
    let browser = browser(cookies, false).await;
    // The customer has been on the help centre before: its own cookies are set there.
    browser.goto(&portal.url("/en")).await;
    browser.wait_for_css("main").await;
    browser.goto(&host.page(&portal, false)).await;

    // Nothing of the panel exists before the click.
    browser.wait_for_css("#answerdesk-launcher").await;
    let frames = browser
        .script("return document.querySelectorAll('iframe').length;")
        .await;
    assert_eq!(frames, 0, "the panel loads on the first click only");
    let label = browser
        .wait_for_css("#answerdesk-launcher")
        .await
        .text()
        .await
        .expect("launcher text");
    assert_eq!(label, "Help", "the launcher is a button with a name");
    open_panel(&browser).await;

    enter_panel(&browser).await;
    // Focus moves into the panel's search box.
    browser.wait_for_css("#panel-search:focus").await;
    if cookies == Cookies::ThirdPartyBlocked {
        // The profile does what it says: the panel may use no cookie at all.
        assert!(
            !panel_may_use_cookies(&browser).await,
            "the browser blocks cookies in the panel"
        );
    }
    let violations = super::axe_violations(&browser, &super::axe_source()).await;
    assert!(
        violations.is_empty(),
        "the panel passes axe-core: {violations:#?}"
    );
    // "Suggested for this page": the page's labels name the password article's tags.
    browser
        .wait_for_css("#for-page button[data-slug='reset-your-password']")
        .await;
    let draft_id = browser
        .script("return document.body.getAttribute('data-draft');")
        .await
        .as_str()
        .expect("the panel has a draft id")
        .to_owned();

    browser
        .type_into("#panel-search", "I forgot my password")
        .await;
    browser
        .click_css("#suggestion-list button[data-slug='reset-your-password']")
        .await;
    let title = browser
        .wait_for_css("#view-article:not([hidden]) #article-title")
        .await
        .text()
        .await
        .expect("article title");
    assert!(!title.is_empty(), "the article opens inside the panel");
    browser.click_button("Yes, this solved my problem").await;
    browser.wait_for_css("#view-solved:not([hidden])").await;

    // Escape closes the dialog and gives focus back to the launcher.
    browser
        .wait_for_css("#solved-title")
        .await
        .send_keys(&Key::Escape.to_string())
        .await
        .expect("press Escape");
    leave_panel(&browser).await;
    browser
        .wait_for_css("#answerdesk-panel[style*='display: none']")
        .await;
    let focused = browser.script("return document.activeElement.id;").await;
    assert_eq!(focused, "answerdesk-launcher");
    let events = host_events(&browser).await;
    assert_eq!(
        events,
        ["articleOpened", "deflected"],
        "the host page hears both"
    );

    // The host page drives the widget: search opens the panel with the text in its box,
    // openArticle shows an article in it, close hides it again.
    browser
        .script("window.Answerdesk.search('invoice'); return true;")
        .await;
    browser
        .wait_for_css("#answerdesk-panel[style*='display: block']")
        .await;
    enter_panel(&browser).await;
    browser
        .wait_for_css("#view-home:not([hidden]) #suggestion-list button.article-link")
        .await;
    let typed = browser
        .script("return document.getElementById('panel-search').value;")
        .await;
    assert_eq!(typed, "invoice");
    leave_panel(&browser).await;
    browser
        .script("window.Answerdesk.openArticle('reset-your-password'); return true;")
        .await;
    enter_panel(&browser).await;
    browser
        .wait_for_css("#view-article:not([hidden]) #article-title")
        .await;
    leave_panel(&browser).await;
    browser
        .script("window.Answerdesk.close(); return true;")
        .await;
    browser
        .wait_for_css("#answerdesk-panel[style*='display: none']")
        .await;

    browser.close().await;
    portal.shut_down().await;
    let db = &portal.db;
    assert_eq!(events_recorded(db, EventKind::Deflected).await, 1);
    assert_eq!(tickets_filed(db).await, 0, "no ticket is filed");
    let draft = db
        .find_draft(&draft_id)
        .await
        .expect("find draft")
        .expect("the panel's draft is stored");
    assert_eq!(draft.state, DraftState::Deflected);
    assert_eq!(draft.channel, Channel::Widget);
    assert!(
        draft
            .opened_articles
            .contains(&"reset-your-password".to_owned()),
        "{:?}",
        draft.opened_articles
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_on_a_customers_site_finds_the_answer_in_the_widget_and_is_counted_as_deflected_by_the_widget()
 {
    visitor_is_deflected_in_the_widget(Cookies::Default).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_third_party_cookies_blocked_the_widget_still_deflects_the_visitor() {
    visitor_is_deflected_in_the_widget(Cookies::ThirdPartyBlocked).await;
}

async fn signed_in_user_files_a_request_from_the_widget(cookies: Cookies, phone: bool) {
    let host = HostSite::start().await;
    let mut portal = portal_for(&host).await;
    let browser = browser(cookies, phone).await;
    browser.goto(&host.page(&portal, true)).await;
    open_panel(&browser).await;
    if phone {
        // Under 480 px the panel is the whole screen.
        let rect = browser.rect("#answerdesk-panel").await;
        assert!(
            rect.left <= 0.5
                && rect.top <= 0.5
                && rect.right >= rect.viewport_width - 0.5
                && rect.bottom >= rect.viewport_height - 0.5,
            "the panel fills the phone's screen: {rect:?}"
        );
    }
    enter_panel(&browser).await;
    browser.click_css("#panel-contact").await;
    browser.wait_for_css("#view-form:not([hidden])").await;
    let violations = super::axe_violations(&browser, &super::axe_source()).await;
    assert!(
        violations.is_empty(),
        "the form passes axe-core: {violations:#?}"
    );
    let email = browser
        .script("return document.getElementById('panel-email').value;")
        .await;
    assert_eq!(
        email, "ana@example.com",
        "the host page prefilled the email"
    );
    browser
        .type_into("#panel-subject", "Exporting a ledger to CSV fails")
        .await;
    browser
        .type_into(
            "#panel-description",
            "The export button spins forever and no file arrives.",
        )
        .await;
    // A screenshot goes with it.
    let files = tempfile::tempdir().expect("temp dir");
    let screenshot = files.path().join("ledger-export.png");
    std::fs::write(&screenshot, super::attachments::PNG).expect("write the screenshot");
    browser
        .wait_for_css("#panel-attachments")
        .await
        .send_keys(&screenshot.display().to_string())
        .await
        .expect("choose the screenshot");
    browser.click_css("#panel-send").await;
    // The review step may offer articles first; this customer sends the request anyway.
    let sent = browser
        .wait_for_css("#view-filed:not([hidden]), #panel-review:not([hidden])")
        .await;
    if sent.attr("id").await.ok().flatten().as_deref() == Some("panel-review") {
        // The draft keeps the screenshot: the panel lists it and nothing is chosen again.
        browser
            .wait_for_xpath("//ul[@id='panel-kept-files']/li[contains(., 'ledger-export.png')]")
            .await;
        browser.click_button("No, send my request").await;
    }
    let reference = browser
        .wait_for_css("#view-filed:not([hidden]) #filed-reference")
        .await
        .text()
        .await
        .expect("reference");
    assert!(
        !reference.is_empty(),
        "the panel shows the ticket's reference"
    );
    let status_link = browser
        .wait_for_css("#filed-status")
        .await
        .prop("href")
        .await
        .expect("href")
        .expect("the status link");
    assert!(
        status_link.starts_with(&portal.url("/tickets/")),
        "{status_link}"
    );
    leave_panel(&browser).await;
    assert_eq!(host_events(&browser).await, ["ticketFiled"]);

    // The status link is the customer's private page.
    browser.goto(&status_link).await;
    let page = browser
        .wait_for_css("main")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains(&reference), "{page}");
    assert!(
        page.contains("ledger-export.png"),
        "the status page lists the screenshot: {page}"
    );

    browser.close().await;
    portal.shut_down().await;
    assert_eq!(tickets_filed(&portal.db).await, 1);
    assert_eq!(events_recorded(&portal.db, EventKind::Deflected).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_user_of_a_customers_site_files_a_request_from_the_widget_and_gets_its_reference_and_status_link()
 {
    signed_in_user_files_a_request_from_the_widget(Cookies::Default, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_with_third_party_cookies_blocked_the_widget_fills_the_screen_and_files_the_request()
 {
    signed_in_user_files_a_request_from_the_widget(Cookies::ThirdPartyBlocked, true).await;
}

async fn unlisted_site_gets_no_panel(cookies: Cookies) {
    let host = HostSite::start().await;
    let mut portal = portal_for(&host).await;
    let browser = browser(cookies, false).await;
    let unlisted = format!("http://127.0.0.1:{}", host.port);
    browser.goto(&host.page_on(&unlisted, &portal, false)).await;
    browser.click_css("#answerdesk-launcher").await;
    // The frame loads without the panel ever saying it is ready: the browser refused it.
    browser
        .wait_for_css("#answerdesk-launcher[data-answerdesk-state='unavailable']")
        .await;
    enter_panel(&browser).await;
    let panel = browser
        .script("return document.getElementById('widget-panel') !== null;")
        .await;
    assert_eq!(panel, false, "no panel inside the frame");
    leave_panel(&browser).await;

    // Nor by framing the panel itself while claiming to be a listed site: the browser checks
    // the real ancestor against `frame-ancestors`.
    let claimed = format!(
        "{}/widget/panel?host={}",
        portal.base_url,
        host.allowed_origin()
    );
    browser
        .script(&format!(
            "var f = document.createElement('iframe'); f.id = 'claimed'; \
             f.addEventListener('load', function () {{ f.setAttribute('data-loaded', '1'); }}); \
             f.src = {claimed:?}; document.body.appendChild(f); return true;"
        ))
        .await;
    browser.wait_for_css("#claimed[data-loaded='1']").await;
    browser
        .client
        .enter_frame(1)
        .await
        .expect("enter the second frame");
    let panel = browser
        .script("return document.getElementById('widget-panel') !== null;")
        .await;
    assert_eq!(panel, false, "the browser refuses to frame the panel here");
    leave_panel(&browser).await;
    browser.close().await;
    portal.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_that_is_not_listed_cannot_show_the_widgets_panel() {
    unlisted_site_gets_no_panel(Cookies::Default).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_third_party_cookies_blocked_an_unlisted_site_still_cannot_show_the_panel() {
    unlisted_site_gets_no_panel(Cookies::ThirdPartyBlocked).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_copies_the_snippet_and_tries_the_widget_in_the_live_preview() {
    let host = HostSite::start().await;
    let mut portal = portal_for(&host).await;
    super::add_staff_user(
        &portal,
        "admin@example.com",
        "Ada Admin",
        answerdesk::accounts::Role::Admin,
    )
    .await;
    let browser = browser(Cookies::Default, false).await;
    browser.goto(&portal.url("/login?next=/admin/widget")).await;
    super::sign_in_in_the_browser(&browser, "admin@example.com").await;
    let snippet = browser
        .wait_for_css("#widget-snippet")
        .await
        .prop("value")
        .await
        .expect("value")
        .expect("the snippet");
    assert_eq!(
        snippet,
        format!(
            "<script src=\"{}\" async></script>",
            "http://127.0.0.1:8080/widget.js"
        ),
        "the snippet names the configured public URL"
    );
    let origins = browser
        .wait_for_css("#widget-origins")
        .await
        .text()
        .await
        .expect("origins");
    assert_eq!(origins, host.allowed_origin());
    // The preview is the widget itself, framed by the help centre's own page.
    open_panel(&browser).await;
    enter_panel(&browser).await;
    browser.wait_for_css("#panel-search:focus").await;
    browser.type_into("#panel-search", "password").await;
    browser
        .wait_for_css("#suggestion-list button[data-slug='reset-your-password']")
        .await;
    leave_panel(&browser).await;
    browser.close().await;
    portal.shut_down().await;
}
