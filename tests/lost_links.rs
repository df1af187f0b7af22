//! A customer who lost the private link to a request asks for it again by email address.

mod common;

use axum::http::StatusCode;
use common::{TestApp, post_json, shipped_content, spawn_app, test_databases};
use serde_json::json;

async fn file_ticket(app: &TestApp, email: &str, subject: &str) -> String {
    let filed = post_json(
        app,
        "/api/tickets",
        &json!({"name": "Ann", "email": email, "subject": subject, "description": "Hello"}),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let body: serde_json::Value = serde_json::from_str(&filed.body).expect("JSON");
    body["status_url"].as_str().expect("status_url").to_owned()
}

#[tokio::test]
async fn a_customer_who_lost_the_link_gets_one_email_listing_their_open_requests() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let first = file_ticket(&app, "Ann@Example.com", "Invoice PDF is blank").await;
        let second = file_ticket(&app, "ann@example.com", "Cannot add a client").await;
        let someone_else = file_ticket(&app, "bob@example.com", "Refund please").await;

        let mut customer = app.customer();
        let form = customer.get("/lv/requests/find").await;
        assert_eq!(form.status, StatusCode::OK, "[{}]", app.backend);
        assert!(
            form.body.contains("Atrodiet savus pieprasījumus"),
            "in Latvian"
        );
        let csrf = customer.csrf_token();
        let sent = customer
            .post_form(
                "/lv/requests/find",
                &[("csrf_token", &csrf), ("email", " ANN@example.com ")],
            )
            .await;
        assert_eq!(
            sent.status,
            StatusCode::OK,
            "[{}] {}",
            app.backend,
            sent.body
        );
        assert!(sent.body.contains("Pārbaudiet savu e-pastu"));
        assert_eq!(
            sent.headers
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "the page repeats the address"
        );

        let emails = app.state.db.unsent_emails(50).await.expect("outbox");
        let resent: Vec<_> = emails
            .iter()
            .filter(|email| email.subject.starts_with("Jūsu pieprasījumi"))
            .collect();
        assert_eq!(resent.len(), 1, "one email for all of them");
        let email = resent[0];
        assert_eq!(email.recipient, "ann@example.com");
        let path = |url: &str| url.split("/tickets/").nth(1).expect("token").to_owned();
        assert!(email.body.contains(&path(&first)), "{}", email.body);
        assert!(email.body.contains(&path(&second)));
        assert!(email.body.contains("Cannot add a client"));
        assert!(!email.body.contains(&path(&someone_else)));
        assert!(email.body.starts_with("Labdien, Ann!"), "{}", email.body);
    }
}

#[tokio::test]
async fn the_page_says_the_same_whether_or_not_the_address_has_requests() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    file_ticket(&app, "ann@example.com", "Invoice PDF is blank").await;
    let mut customer = app.customer();
    customer.get("/en/requests/find").await;
    let csrf = customer.csrf_token();
    let mut answers = Vec::new();
    for address in ["ann@example.com", "nobody@example.com"] {
        let answer = customer
            .post_form(
                "/en/requests/find",
                &[("csrf_token", &csrf), ("email", address)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        answers.push(answer.body.replace(address, "ADDRESS"));
    }
    assert_eq!(answers[0], answers[1]);
    let emails = app.state.db.unsent_emails(50).await.expect("outbox");
    assert!(emails.iter().all(|e| e.recipient != "nobody@example.com"));
}

#[tokio::test]
async fn asking_for_links_is_limited_per_recipient_and_per_address_and_checks_the_address() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    file_ticket(&app, "ann@example.com", "Invoice PDF is blank").await;
    let mut customer = app.customer();
    customer.get("/en/requests/find").await;
    let csrf = customer.csrf_token();

    let typo = customer
        .post_form(
            "/en/requests/find",
            &[("csrf_token", &csrf), ("email", "ann@example")],
        )
        .await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        typo.body.contains("value=\"ann@example\""),
        "the text is kept"
    );
    assert!(typo.body.contains("aria-invalid=\"true\""));

    let forged = customer
        .post_form(
            "/en/requests/find",
            &[("csrf_token", "forged"), ("email", "ann@example.com")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    for _ in 0..4 {
        let answer = customer
            .post_form(
                "/en/requests/find",
                &[("csrf_token", &csrf), ("email", "ann@example.com")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "the page never tells");
    }
    let resent = app
        .state
        .db
        .unsent_emails(50)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|email| email.subject.starts_with("Your requests at"))
        .count();
    assert_eq!(resent, 3, "three a day to one recipient");

    let limited = customer
        .post_form(
            "/en/requests/find",
            &[("csrf_token", &csrf), ("email", "ann@example.com")],
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
}
