//! The help widget through the real router: which sites may frame its panel, the panel's
//! cookie-less protection, and the request flow with the channel `widget`.

mod common;

use answerdesk::deflection::{Channel, DraftState, EventKind};
use answerdesk::widget::WidgetOrigin;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::multipart::{BOUNDARY, PNG, Part, file, multipart_body};
use common::{
    TestApp, TestDatabase, TestResponse, encode, events_recorded, shipped_content, shut_down,
    spawn_app_with, tickets_filed,
};

const SITE: &str = "https://app.example.com";

async fn widget_app(database: &TestDatabase) -> TestApp {
    spawn_app_with(database, &shipped_content(), |config| {
        config.widget_origins = vec![
            WidgetOrigin::parse(SITE).expect("origin"),
            WidgetOrigin::parse("http://localhost:3000").expect("origin"),
        ];
    })
    .await
}

fn header_of(response: &TestResponse, name: &str) -> String {
    response
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The panel's `data-` attribute `name`.
fn attribute(page: &str, name: &str) -> String {
    let start = page
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("{name} in the panel"))
        + name.len()
        + 2;
    page[start..start + page[start..].find('"').expect("closing quote")].to_owned()
}

/// Opens the panel as the site's page would, returning its key and draft.
async fn open_panel(app: &TestApp, query: &str) -> (String, String) {
    let response = app
        .get(&format!("/widget/panel?host={}&{query}", encode(SITE)))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    (
        attribute(&response.body, "data-key"),
        attribute(&response.body, "data-draft"),
    )
}

/// What every call of an English panel carries (its key and draft), then `extra`.
fn panel_fields<'a>(
    key: &'a str,
    draft: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![("key", key), ("draft", draft), ("lang", "en")];
    all.extend_from_slice(extra);
    all
}

async fn panel_post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> TestResponse {
    let body = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .expect("request");
    app.request(request).await
}

#[tokio::test]
async fn only_the_configured_sites_may_frame_the_panel_and_every_other_page_stays_unframeable() {
    let database = TestDatabase::sqlite();
    let app = widget_app(&database).await;

    let panel = app
        .get(&format!("/widget/panel?host={}&lang=lv", encode(SITE)))
        .await;
    assert_eq!(panel.status, StatusCode::OK);
    let policy = header_of(&panel, "content-security-policy");
    assert!(
        policy.contains("frame-ancestors https://app.example.com http://localhost:3000;"),
        "{policy}"
    );
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert_eq!(
        header_of(&panel, "x-frame-options"),
        "",
        "CSP names the sites"
    );
    assert_eq!(header_of(&panel, "cache-control"), "no-store");
    assert!(
        header_of(&panel, "set-cookie").is_empty(),
        "the panel sets no cookie"
    );
    assert!(
        panel.body.contains("<html lang=\"lv\">"),
        "in the host page's language"
    );

    // Another site gets no panel at all, and the portal's own pages are never framed.
    let other = app
        .get(&format!(
            "/widget/panel?host={}",
            encode("https://evil.example")
        ))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(header_of(&other, "content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header_of(&other, "x-frame-options"), "DENY");
    let home = app.get("/en").await;
    assert!(header_of(&home, "content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header_of(&home, "x-frame-options"), "DENY");
    shut_down(app).await;
}

#[tokio::test]
async fn without_configured_sites_no_page_can_show_the_panel() {
    let database = TestDatabase::sqlite();
    let app = common::spawn_app(&database, &shipped_content()).await;
    let panel = app
        .get(&format!("/widget/panel?host={}", encode(SITE)))
        .await;
    assert_eq!(panel.status, StatusCode::NOT_FOUND);
    shut_down(app).await;
}

#[tokio::test]
async fn the_loader_is_small_cached_and_speaks_every_language_from_the_catalogues() {
    let database = TestDatabase::sqlite();
    let app = widget_app(&database).await;
    let loader = app.get("/widget.js").await;
    assert_eq!(loader.status, StatusCode::OK);
    assert!(header_of(&loader, "content-type").starts_with("text/javascript"));
    assert!(header_of(&loader, "cache-control").contains("max-age"));
    assert!(
        loader.body.contains("\"Palīdzība\""),
        "Latvian launcher text"
    );
    assert!(loader.body.contains("\"Помощь\""), "Russian launcher text");
    assert!(
        !loader.body.contains("__ANSWERDESK"),
        "every placeholder filled"
    );
    let compressed = app.get_compressed("/widget.js").await;
    assert_eq!(header_of(&compressed, "content-encoding"), "gzip");
    assert!(
        compressed.body.len() < 10 * 1024,
        "at most 10 KB gzipped, got {} bytes",
        compressed.body.len()
    );
    shut_down(app).await;
}

#[tokio::test]
async fn a_panel_call_without_its_key_or_from_another_site_is_refused_and_stores_nothing() {
    let database = TestDatabase::sqlite();
    let app = widget_app(&database).await;
    let (key, draft) = open_panel(&app, "lang=en").await;
    let (other_key, _) = open_panel(&app, "lang=en").await;

    for (key, draft) in [
        ("", draft.as_str()),
        (other_key.as_str(), draft.as_str()),
        (key.as_str(), "0123456789abcdef0123456789abcdef"),
    ] {
        let refused = panel_post(
            &app,
            "/api/widget/typing",
            &[("key", key), ("draft", draft), ("text", "password")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }
    // A form another site posts on the customer's behalf.
    let request = Request::post("/api/widget/typing")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(format!("key={key}&draft={draft}&text=password")))
        .expect("request");
    assert_eq!(app.request(request).await.status, StatusCode::FORBIDDEN);

    let db = shut_down(app).await;
    assert!(db.find_draft(&draft).await.expect("find").is_none());
}

#[tokio::test]
async fn typing_in_the_panel_keeps_a_widget_draft_and_confirming_an_article_is_a_widget_deflection()
{
    let database = TestDatabase::sqlite();
    let app = widget_app(&database).await;
    let (key, draft) = open_panel(&app, "lang=en&labels=billing&path=/settings").await;
    let with = |extra: &[(&'static str, &'static str)]| panel_fields(&key, &draft, extra);

    let typed = panel_post(
        &app,
        "/api/widget/typing",
        &with(&[("text", "I forgot my password")]),
    )
    .await;
    assert_eq!(typed.status, StatusCode::OK, "{}", typed.body);
    let answer: serde_json::Value = serde_json::from_str(&typed.body).expect("json");
    let slugs: Vec<&str> = answer["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["slug"].as_str())
        .collect();
    assert!(slugs.contains(&"reset-your-password"), "{slugs:?}");

    let opened = panel_post(
        &app,
        "/api/widget/article",
        &with(&[("slug", "reset-your-password"), ("from", "suggest")]),
    )
    .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let article: serde_json::Value = serde_json::from_str(&opened.body).expect("json");
    assert!(article["html"].as_str().unwrap_or("").contains("<p>"));

    let solved = panel_post(
        &app,
        "/api/widget/solved",
        &with(&[("article", "reset-your-password")]),
    )
    .await;
    assert_eq!(solved.status, StatusCode::OK, "{}", solved.body);

    let db = shut_down(app).await;
    let stored = db.find_draft(&draft).await.expect("find").expect("stored");
    assert_eq!(stored.channel, Channel::Widget);
    assert_eq!(stored.state, DraftState::Deflected);
    assert_eq!(stored.fields.subject, "I forgot my password");
    assert_eq!(events_recorded(&db, EventKind::Deflected).await, 1);
    assert_eq!(tickets_filed(&db).await, 0);
}

#[tokio::test]
async fn a_request_sent_from_the_panel_runs_the_request_flow_and_answers_its_reference_and_status_link()
 {
    let database = TestDatabase::sqlite();
    let app = widget_app(&database).await;
    let (key, draft) = open_panel(&app, "lang=en").await;
    let with = |extra: &[(&'static str, &'static str)]| panel_fields(&key, &draft, extra);

    let invalid = panel_post(&app, "/api/widget/request", &with(&[("subject", "Help")])).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let answer: serde_json::Value = serde_json::from_str(&invalid.body).expect("json");
    assert_eq!(answer["outcome"], "invalid");
    assert!(answer["fields"]["email"].is_string(), "{answer}");

    let filed = panel_post(
        &app,
        "/api/widget/request",
        &with(&[
            ("subject", "Exporting a ledger to CSV fails"),
            (
                "description",
                "The export button spins forever and no file arrives.",
            ),
            ("email", "ana@example.com"),
            ("step", "file"),
        ]),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let answer: serde_json::Value = serde_json::from_str(&filed.body).expect("json");
    assert_eq!(answer["outcome"], "filed");
    assert!(answer["reference"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(
        answer["status_url"]
            .as_str()
            .is_some_and(|u| u.contains("/tickets/")),
        "{answer}"
    );

    // Sent twice (a double click): one ticket.
    let again = panel_post(
        &app,
        "/api/widget/request",
        &with(&[
            ("subject", "Exporting a ledger to CSV fails"),
            (
                "description",
                "The export button spins forever and no file arrives.",
            ),
            ("email", "ana@example.com"),
            ("step", "file"),
        ]),
    )
    .await;
    let answer: serde_json::Value = serde_json::from_str(&again.body).expect("json");
    assert_eq!(answer["outcome"], "already_filed", "{answer}");

    let db = shut_down(app).await;
    assert_eq!(tickets_filed(&db).await, 1);
    let stored = db.find_draft(&draft).await.expect("find").expect("stored");
    assert_eq!(stored.channel, Channel::Widget);
    assert!(stored.ticket_id.is_some());
}

#[tokio::test]
async fn the_dashboard_the_json_and_the_csv_split_requests_deflections_and_tickets_by_channel() {
    for database in common::test_databases().await {
        let app = widget_app(&database).await;
        // One deflection and one ticket through the widget, one ticket through the API.
        let (key, draft) = open_panel(&app, "lang=en").await;
        let typed = panel_fields(&key, &draft, &[("text", "I forgot my password")]);
        panel_post(&app, "/api/widget/typing", &typed).await;
        let solved = panel_fields(&key, &draft, &[("article", "reset-your-password")]);
        let answer = panel_post(&app, "/api/widget/solved", &solved).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let (key, draft) = open_panel(&app, "lang=en").await;
        let request = [
            ("key", key.as_str()),
            ("draft", draft.as_str()),
            ("lang", "en"),
            ("subject", "Exporting a ledger to CSV fails"),
            ("description", "The export button spins forever."),
            ("email", "ana@example.com"),
            ("step", "file"),
        ];
        let filed = panel_post(&app, "/api/widget/request", &request).await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
        let api = common::post_json(
            &app,
            "/api/tickets",
            &serde_json::json!({
                "email": "ops@example.com", "subject": "Webhook retries",
                "description": "Our endpoint received the same event twice.",
            }),
        )
        .await;
        assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
        // Events are written in the background: stopping flushes them; the figures are read
        // by the next start on the same database.
        shut_down(app).await;
        let app = widget_app(&database).await;

        let mut admin = app.sign_in_as("admin").await;
        let stats = admin.get("/api/admin/stats").await;
        assert_eq!(stats.status, StatusCode::OK, "{}", stats.body);
        let stats: serde_json::Value = serde_json::from_str(&stats.body).expect("json");
        let channel = |name: &str| {
            stats["channels"]
                .as_array()
                .expect("channels")
                .iter()
                .find(|c| c["channel"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("{name} in {stats}"))
        };
        let widget = channel("widget");
        assert_eq!(widget["deflected"], 1, "[{}] {widget}", database.name);
        assert_eq!(widget["tickets_filed"], 1, "{widget}");
        assert_eq!(widget["requests_started"], 2, "{widget}");
        assert_eq!(widget["deflection_rate"], 0.5, "{widget}");
        assert_eq!(channel("api")["tickets_filed"], 1);
        assert_eq!(channel("web_form")["tickets_filed"], 0);

        let csv = admin.get("/admin/export/channels.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body.lines().any(|line| line == "widget,2,1,0,1,0.5"),
            "{}",
            csv.body
        );
        let page = admin.get("/admin").await;
        assert!(page.body.contains("id=\"channels-table\""));
        assert!(page.body.contains(
            "<tr data-channel=\"widget\"><th scope=\"row\">Widget</th><td>2</td><td>1</td>"
        ));

        // The admin page with the snippet and the allowed sites.
        let widget_page = admin.get("/admin/widget").await;
        assert_eq!(widget_page.status, StatusCode::OK);
        let snippet = widget_page
            .body
            .split("<textarea id=\"widget-snippet\" readonly rows=\"4\" cols=\"80\">")
            .nth(1)
            .and_then(|rest| rest.split("</textarea>").next())
            .expect("the snippet");
        assert!(
            snippet.starts_with("&lt;script src=") && snippet.contains("widget.js"),
            "{snippet}"
        );
        assert!(widget_page.body.contains("app.example.com</code>"));
        let mut agent = app.sign_in_as("agent").await;
        assert_eq!(
            agent.get("/admin/widget").await.status,
            StatusCode::FORBIDDEN
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn the_help_centre_may_frame_its_own_panel_for_the_admins_preview_and_nobody_else() {
    let database = TestDatabase::sqlite();
    let app = widget_app(&database).await;
    let request = Request::get(format!(
        "/widget/panel?host={}",
        encode("http://help.example.org")
    ))
    .header(header::HOST, "help.example.org")
    .body(Body::empty())
    .expect("request");
    let preview = app.request(request).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        header_of(&preview, "content-security-policy").contains("frame-ancestors 'self';"),
        "{}",
        header_of(&preview, "content-security-policy")
    );
    shut_down(app).await;
}

async fn panel_post_multipart(app: &TestApp, parts: &[Part<'_>]) -> TestResponse {
    let request = Request::post("/api/widget/request")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(multipart_body(parts)))
        .expect("request");
    app.request(request).await
}

#[tokio::test]
async fn a_screenshot_sent_from_the_panel_is_kept_through_the_review_step_and_filed_with_the_ticket()
 {
    for database in common::test_databases().await {
        let app = widget_app(&database).await;
        let (key, draft) = open_panel(&app, "lang=en").await;
        let panel = |step: &'static str| {
            vec![
                Part::Text("key", key.as_str()),
                Part::Text("draft", draft.as_str()),
                Part::Text("lang", "en"),
                Part::Text("subject", "I cannot reset my password"),
                Part::Text(
                    "description",
                    "The reset email never arrives, see the screenshot.",
                ),
                Part::Text("email", "ana@example.com"),
                Part::Text("step", step),
            ]
        };
        // A first send with a screenshot stops at the review step; the draft keeps the file.
        let mut first = panel("review");
        first.push(file("reset-error.png", "image/png", PNG));
        let review = panel_post_multipart(&app, &first).await;
        assert_eq!(
            review.status,
            StatusCode::OK,
            "[{}] {}",
            database.name,
            review.body
        );
        let answer: serde_json::Value = serde_json::from_str(&review.body).expect("json");
        assert_eq!(answer["outcome"], "review", "{answer}");
        assert_eq!(answer["files"][0]["name"], "reset-error.png", "{answer}");

        // "No, send my request" without choosing the file again: the ticket carries it.
        let filed = panel_post_multipart(&app, &panel("file")).await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
        let db = shut_down(app).await;
        let ticket_id = db
            .find_draft(&draft)
            .await
            .expect("find")
            .and_then(|d| d.ticket_id)
            .expect("filed");
        let files = db
            .ticket_attachments(ticket_id, false)
            .await
            .expect("attachments");
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["reset-error.png"], "[{}]", database.name);
    }
}

#[tokio::test]
async fn a_file_of_a_refused_type_from_the_panel_is_named_by_the_field_and_nothing_is_filed() {
    let database = TestDatabase::sqlite();
    let app = widget_app(&database).await;
    let (key, draft) = open_panel(&app, "lang=en").await;
    let parts = vec![
        Part::Text("key", &key),
        Part::Text("draft", &draft),
        Part::Text("lang", "en"),
        Part::Text("subject", "Exporting a ledger to CSV fails"),
        Part::Text("description", "The export button spins forever."),
        Part::Text("email", "ana@example.com"),
        Part::Text("step", "file"),
        file(
            "page.html",
            "text/html",
            b"<html><script>alert(1)</script></html>",
        ),
    ];
    let refused = panel_post_multipart(&app, &parts).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let answer: serde_json::Value = serde_json::from_str(&refused.body).expect("json");
    assert_eq!(answer["outcome"], "invalid", "{answer}");
    assert!(answer["fields"]["attachments"].is_string(), "{answer}");
    let db = shut_down(app).await;
    assert_eq!(tickets_filed(&db).await, 0);
}
