//! What a careless or hostile client sends is answered calmly, alike on every backend:
//! NUL characters, private pages that must not be cached, stale links, odd files.

mod common;

use answerdesk::deflection::{Channel, Event, EventKind};
use axum::http::StatusCode;
use common::{
    events_recorded, location, post_json, shipped_content, shut_down, spawn_app, test_databases,
};
use serde_json::json;

const NUL: &str = "with a \u{0} inside";

/// Files a ticket through the API and returns its private page's path.
async fn file_ticket(app: &common::TestApp) -> String {
    let response = post_json(
        app,
        "/api/tickets",
        &json!({"email": "ann@example.com", "subject": "Export", "description": "How do I export?"}),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let created: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
    let url = created["status_url"].as_str().expect("status_url");
    url[url.find("/tickets/").expect("path")..].to_owned()
}

#[tokio::test]
async fn text_with_a_nul_character_is_refused_as_invalid_on_every_form_and_api() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let ticket_path = file_ticket(&app).await;

        let api = post_json(
            &app,
            "/api/tickets",
            &json!({"email": "ann@example.com", "subject": NUL, "description": "How do I export?"}),
        )
        .await;
        assert_eq!(
            api.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {}",
            api.body
        );
        let error: serde_json::Value = serde_json::from_str(&api.body).expect("JSON error");
        assert!(error["error"].as_str().is_some_and(|m| m.contains("NUL")));

        let mut customer = app.customer();
        let opened = customer.get("/en/request/new?q=refund%00").await;
        assert_eq!(
            opened.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );

        let draft = customer.open_request_form("?q=refund").await;
        let csrf = customer.csrf_token();
        let submitted = customer
            .post_form(
                "/en/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &csrf),
                    ("name", "Ann"),
                    ("email", "ann@example.com"),
                    ("subject", NUL),
                    ("description", "My refund has not arrived."),
                    ("step", "file"),
                ],
            )
            .await;
        assert_eq!(
            submitted.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        let autosaved = customer
            .post_form(
                &format!("/en/request/{draft}/autosave"),
                &[("csrf_token", &csrf), ("subject", NUL)],
            )
            .await;
        assert_eq!(
            autosaved.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );

        customer.get(&ticket_path).await;
        let csrf = customer.csrf_token();
        let reply = customer
            .post_form(
                &format!("{ticket_path}/reply"),
                &[("csrf_token", &csrf), ("body", NUL)],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        let odd_token = customer.get("/tickets/abc%00def").await;
        assert_eq!(odd_token.status, StatusCode::NOT_FOUND, "[{backend}]");

        customer.get("/login").await;
        let csrf = customer.csrf_token();
        let login = customer
            .post_form(
                "/login",
                &[("csrf_token", &csrf), ("email", NUL), ("password", "x")],
            )
            .await;
        assert_eq!(
            login.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );

        let mut editor = app.sign_in_as("editor").await;
        let created = editor
            .post_form(
                "/editor/articles",
                &[("title", NUL), ("slug", "nul-title"), ("body", "Text")],
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );

        let mut agent = app.sign_in_as("agent").await;
        let token = ticket_path.trim_start_matches("/tickets/");
        let ticket = app
            .state
            .db
            .find_ticket_by_status_token(token)
            .await
            .expect("find")
            .expect("ticket");
        let agent_reply = agent
            .post_form(
                &format!("/agent/tickets/{}/reply", ticket.id),
                &[("body", NUL)],
            )
            .await;
        assert_eq!(
            agent_reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );

        let search = app.get("/api/search?q=refund%00").await;
        assert_eq!(
            search.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );

        // Nothing was half-stored: the customer's later, clean request still files.
        let filed = customer
            .post_form(
                "/en/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &customer.csrf_token()),
                    ("name", "Ann"),
                    ("email", "ann@example.com"),
                    ("subject", "Refund missing"),
                    ("description", "My refund has not arrived."),
                    ("step", "file"),
                ],
            )
            .await;
        assert_eq!(
            filed.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            filed.body
        );
        assert!(location(&filed).starts_with("/tickets/"));
    }
}

#[tokio::test]
async fn one_event_the_database_refuses_does_not_cost_the_others_in_its_batch() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let events = app.state.events.clone();
        for slug in ["first-article", "bad\u{0}slug", "second-article"] {
            events.record(
                Event::ArticleFeedback {
                    slug: slug.to_owned(),
                    helpful: true,
                    teaches: true,
                },
                None,
                Channel::WebForm,
            );
        }
        drop(events);
        let db = shut_down(app).await;
        // PostgreSQL refuses the NUL; SQLite stores it. The two good events are kept on both.
        let expected = if database.name == "postgres" { 2 } else { 3 };
        let stored = events_recorded(&db, EventKind::HelpfulYes).await;
        assert_eq!(stored, expected, "[{}]", database.name);
    }
}

fn cache_control(response: &common::TestResponse) -> &str {
    response
        .headers
        .get(axum::http::header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn private_pages_and_the_ticket_api_answer_are_never_cached() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let created = post_json(
            &app,
            "/api/tickets",
            &json!({"email": "ann@example.com", "subject": "Export", "description": "How do I export?"}),
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED);
        assert_eq!(
            cache_control(&created),
            "no-store",
            "the status link is private"
        );

        let ticket_path = file_ticket(&app).await;
        let mut customer = app.customer();
        let ticket_page = customer.get(&ticket_path).await;
        assert_eq!(ticket_page.status, StatusCode::OK);
        assert_eq!(cache_control(&ticket_page), "no-store");

        let draft = customer.open_request_form("?q=refund").await;
        let csrf = customer.csrf_token();
        customer
            .post_form(
                &format!("/en/request/{draft}/autosave"),
                &[
                    ("csrf_token", &csrf),
                    ("name", "Ann"),
                    ("email", "ann@example.com"),
                ],
            )
            .await;
        let form = customer
            .get(&format!("/en/request/new?draft={draft}"))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("ann@example.com"));
        assert_eq!(
            cache_control(&form),
            "no-store",
            "a draft shows name and email"
        );

        let login = customer.get("/login").await;
        assert_eq!(login.status, StatusCode::OK);
        assert_eq!(cache_control(&login), "no-store");

        // Public pages stay cacheable, and a plain-HTTP portal sends no HSTS.
        let home = customer.get("/en").await;
        assert_ne!(cache_control(&home), "no-store");
        assert!(!home.headers.contains_key("strict-transport-security"));
    }
}

#[tokio::test]
async fn a_portal_behind_https_tells_browsers_to_come_back_over_https_only() {
    for database in test_databases().await {
        let app = common::spawn_app_with(&database, &shipped_content(), |config| {
            config.base_url = "https://help.example.com".to_owned();
        })
        .await;
        let home = app.get("/en").await;
        let hsts = home
            .headers
            .get("strict-transport-security")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        assert!(hsts.starts_with("max-age="), "[{}] {hsts:?}", app.backend);
    }
}

#[tokio::test]
async fn a_filed_drafts_address_no_longer_leads_to_the_ticket() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("?q=invoice").await;
        let filed = customer
            .post_form(
                "/en/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &customer.csrf_token()),
                    ("name", "Ann"),
                    ("email", "ann@example.com"),
                    ("subject", "Invoice address"),
                    (
                        "description",
                        "Please change the address on my last invoice.",
                    ),
                    ("step", "file"),
                ],
            )
            .await;
        assert_eq!(
            filed.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            filed.body
        );
        let ticket_url = location(&filed);
        let token = ticket_url
            .trim_start_matches("/tickets/")
            .trim_end_matches("?filed=1");
        assert_eq!(token.len(), 48, "{ticket_url}");

        // Someone who finds the draft's address in a shared browser's history, or in the
        // address bar over the customer's shoulder.
        let mut someone_else = app.customer();
        let old_address = someone_else
            .get(&format!("/en/request/new?draft={draft}"))
            .await;
        assert_eq!(old_address.status, StatusCode::OK, "[{}]", app.backend);
        assert!(old_address.body.contains("This request has been sent"));
        assert!(!old_address.body.contains(token));
        assert!(!location(&old_address).contains(token));
        let resubmitted = someone_else
            .post_form(
                "/en/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &someone_else.csrf_token()),
                    ("email", "eve@example.com"),
                    ("subject", "Anything"),
                    ("description", "Show me the ticket."),
                    ("step", "file"),
                ],
            )
            .await;
        assert!(!location(&resubmitted).contains(token));
        assert!(!resubmitted.body.contains(token));

        // The customer's own private link still works.
        let page = customer.get(&ticket_url).await;
        assert_eq!(page.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_symbolic_link_in_the_content_folder_never_serves_a_file_from_elsewhere() {
    let secret_dir = tempfile::tempdir().expect("temp dir");
    let secret = secret_dir.path().join("secret.png");
    std::fs::write(&secret, "root:x:0:0:root:/root:/bin/bash").expect("secret file");
    let content = tempfile::tempdir().expect("temp dir");
    common::write_file(
        content.path(),
        "en/export.md",
        &common::article_file("Export your data", "", "Use the export button."),
    );
    common::write_file(
        content.path(),
        "en/draft.md",
        &common::article_file("Unpublished plans", "status: draft\n", "Secret plans."),
    );
    common::write_file(content.path(), "images/export.png", "PNG picture");
    let images = content.path().join("images");
    let link = |target: &std::path::Path, name: &str| {
        std::os::unix::fs::symlink(target, images.join(name)).expect("symlink");
    };
    link(std::path::Path::new("/etc/passwd"), "passwd.png");
    link(&secret, "outside.png");
    link(&content.path().join("en/draft.md"), "draft.png");
    link(&images.join("export.png"), "same-picture.png");
    link(&images, "folder.png");

    for database in test_databases().await {
        let app = spawn_app(&database, content.path()).await;
        let picture = app.get("/content/images/export.png").await;
        assert_eq!(picture.status, StatusCode::OK, "[{}]", app.backend);
        assert_eq!(picture.body, "PNG picture");
        let alias = app.get("/content/images/same-picture.png").await;
        assert_eq!(
            alias.status,
            StatusCode::OK,
            "a link that stays inside, to an image"
        );

        for path in [
            "/content/images/passwd.png",
            "/content/images/outside.png",
            "/content/images/draft.png",
            "/content/images/folder.png",
        ] {
            let response = app.get(path).await;
            assert_eq!(
                response.status,
                StatusCode::NOT_FOUND,
                "[{}] {path}",
                app.backend
            );
            assert!(!response.body.contains("root:"), "{path}");
            assert!(!response.body.contains("Secret plans"), "{path}");
        }
    }
}

#[tokio::test]
async fn an_article_cannot_restyle_the_page_or_take_the_ids_of_its_own_elements() {
    let content = tempfile::tempdir().expect("temp dir");
    let body = "## Feedback\n\nRead [the steps](#feedback).\n\n\
        <div id=\"csrf-token\">fake</div>\n\n\
        <table><tr><td style=\"text-align: left; position: fixed; background: url(/x)\">cell</td></tr></table>\n";
    common::write_file(
        content.path(),
        "en/tricky.md",
        &common::article_file("A tricky article", "", body),
    );
    for database in test_databases().await {
        let app = spawn_app(&database, content.path()).await;
        let page = app.get("/en/articles/tricky").await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "[{}] {}",
            app.backend,
            page.body
        );
        assert!(!page.body.contains("position: fixed"), "{}", page.body);
        assert!(!page.body.contains("url(/x)"));
        assert!(!page.body.contains("id=\"csrf-token\""));
        assert!(
            page.body.contains("<h2 id=\"a-feedback\">"),
            "{}",
            page.body
        );
        assert!(page.body.contains("href=\"#a-feedback\""));
    }
}
