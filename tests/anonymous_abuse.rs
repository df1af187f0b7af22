//! What an anonymous client on the open internet can make the portal keep: memory through
//! the sign-in limits, a staff member locked out, disk through drafts, duplicate tickets
//! through retries. Each story runs on SQLite, and on PostgreSQL when configured.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

/// Every test portal trusts the loopback proxy, so `X-Forwarded-For` picks the client address.
fn behind_a_proxy(config: &mut answerdesk::config::Config) {
    config.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")];
}

/// Posts a form as a customer (cookies and all) seen at `address`.
async fn post_form_from(
    customer: &mut Customer<'_>,
    address: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> TestResponse {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let request = Request::post(path)
        .header(header::COOKIE, customer.cookie_header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", address)
        .body(Body::from(body))
        .expect("request");
    customer.app.request(request).await
}

/// One sign-in attempt from `address`, through the real form.
async fn sign_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> TestResponse {
    let mut browser = app.customer();
    browser.get("/login").await;
    let csrf = browser.csrf_token();
    post_form_from(
        &mut browser,
        address,
        "/login",
        &[
            ("email", email),
            ("password", password),
            ("csrf_token", &csrf),
        ],
    )
    .await
}

async fn staff_member(app: &TestApp, email: &str) {
    answerdesk::accounts::add_user(
        &app.state.db,
        answerdesk::accounts::NewUser {
            email: email.to_owned(),
            name: String::new(),
            role: answerdesk::accounts::Role::Agent,
            password: STAFF_PASSWORD.to_owned(),
        },
        None,
    )
    .await
    .expect("user created");
}

fn retry_after_seconds(response: &TestResponse) -> u64 {
    response
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a Retry-After header: {:?}", response.headers))
}

// --- Memory through the sign-in limits -------------------------------------------------------

#[tokio::test]
async fn a_flood_of_unique_emails_leaves_the_sign_in_limits_small_and_the_portal_answering() {
    for database in test_databases().await {
        let app = spawn_app_with(&database, &shipped_content(), behind_a_proxy).await;
        let backend = app.backend;
        staff_member(&app, "owner@example.com").await;
        // Emails far too long to be real: refused before anything is counted.
        let huge = format!("{}@example.com", "a".repeat(200_000));
        for i in 0..20 {
            let email = format!("{i}{huge}");
            let response = sign_in_from(&app, "203.0.113.9", &email, "guess").await;
            assert_eq!(
                response.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{backend}]"
            );
            assert!(
                response.body.contains("The email is too long"),
                "[{backend}]"
            );
            assert!(!response.body.contains(&huge[..1000]), "[{backend}]");
        }
        let long_password = "p".repeat(2000);
        let response = sign_in_from(&app, "203.0.113.9", "x@example.com", &long_password).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(response.body.contains("The password is too long"));
        assert_eq!(app.state.login_limiter.keys_in_memory(), 0, "[{backend}]");
        // Real-looking emails, all different, from one address: the address's budget runs
        // out, and a refused attempt stores nothing.
        let mut refused = 0;
        for i in 0..200 {
            let email = format!("flood{i}@example.com");
            let response = sign_in_from(&app, "203.0.113.9", &email, "guess").await;
            if response.status == StatusCode::TOO_MANY_REQUESTS {
                refused += 1;
            }
        }
        assert_eq!(refused, 200 - 30, "[{backend}]");
        if backend == "sqlite" {
            // One address, and each of the 30 counted emails alone and with the address.
            assert!(
                app.state.login_limiter.keys_in_memory() <= 1 + 2 * 30,
                "[{backend}] {} keys",
                app.state.login_limiter.keys_in_memory()
            );
        } else {
            let failures = stored_texts(
                &database,
                "SELECT CAST(COUNT(*) AS TEXT) FROM sign_in_failures",
            )
            .await;
            assert_eq!(failures, ["60"], "[{backend}]");
        }
        // The owner, elsewhere, still signs in.
        let owner = sign_in_from(&app, "198.51.100.4", "owner@example.com", STAFF_PASSWORD).await;
        assert_eq!(owner.status, StatusCode::SEE_OTHER, "[{backend}]");
        shut_down(app).await;
    }
}

// --- Locking staff out -----------------------------------------------------------------------

#[tokio::test]
async fn the_owner_signs_in_while_an_attacker_elsewhere_is_locked_out() {
    for database in test_databases().await {
        let app = spawn_app_with(&database, &shipped_content(), behind_a_proxy).await;
        let backend = app.backend;
        staff_member(&app, "owner@example.com").await;
        let attacker = "203.0.113.66";
        let mut statuses = Vec::new();
        for _ in 0..50 {
            let response = sign_in_from(&app, attacker, "owner@example.com", "guess").await;
            statuses.push(response.status);
        }
        let wrong = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        assert_eq!(wrong, 10, "[{backend}] only ten guesses are checked");
        // Even the right password is refused from the attacker's address, with a wait.
        let locked = sign_in_from(&app, attacker, "owner@example.com", STAFF_PASSWORD).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "[{backend}]");
        assert!(retry_after_seconds(&locked) > 0);
        assert!(
            locked
                .body
                .contains("Too many sign-in attempts. Please try again in"),
            "[{backend}] {}",
            locked.body
        );
        let staff_cookie = locked
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap_or("").starts_with("answerdesk_staff"));
        assert!(!staff_cookie, "[{backend}]");
        // The owner, at their own address, signs in at once.
        let owner = sign_in_from(&app, "198.51.100.4", "owner@example.com", STAFF_PASSWORD).await;
        assert_eq!(owner.status, StatusCode::SEE_OTHER, "[{backend}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn guessing_one_account_from_many_addresses_is_slowed() {
    for database in test_databases().await {
        let app = spawn_app_with(&database, &shipped_content(), behind_a_proxy).await;
        let backend = app.backend;
        staff_member(&app, "owner@example.com").await;
        // 25 addresses, one guess each: every fresh address gets its one guess checked.
        for i in 1..=25 {
            let address = format!("203.0.113.{i}");
            let response = sign_in_from(&app, &address, "owner@example.com", "guess").await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "[{backend}] {i}");
        }
        // From then on, each of them must wait after the account's last failure (25
        // failures: the longest wait, minutes) even with the right password, though each
        // failed only once.
        for i in [1, 13, 25] {
            let address = format!("203.0.113.{i}");
            let slowed = sign_in_from(&app, &address, "owner@example.com", STAFF_PASSWORD).await;
            assert_eq!(
                slowed.status,
                StatusCode::TOO_MANY_REQUESTS,
                "[{backend}] {i}"
            );
            assert!(retry_after_seconds(&slowed) > 60, "[{backend}]");
        }
        // The owner's address never failed: not delayed.
        let owner = sign_in_from(&app, "198.51.100.4", "owner@example.com", STAFF_PASSWORD).await;
        assert_eq!(owner.status, StatusCode::SEE_OTHER, "[{backend}]");
        shut_down(app).await;
    }
}

// --- Disk through drafts ---------------------------------------------------------------------

async fn drafts_stored(app: &TestApp) -> i64 {
    app.state.db.draft_count().await.expect("count drafts")
}

#[tokio::test]
async fn viewing_the_request_form_fifty_times_stores_no_draft() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut customer = app.customer();
        for _ in 0..50 {
            customer.open_request_form("?q=refund").await;
        }
        assert_eq!(drafts_stored(&app).await, 0, "[{backend}]");
        // The form still carries the search as its subject, and saves once typed into.
        let response = customer.get("/en/request/new?q=refund").await;
        let form = customer.get(&location(&response)).await;
        assert!(form.body.contains("value=\"refund\""), "[{backend}]");
        let draft = location(&response)
            .split("draft=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .expect("draft id")
            .to_owned();
        let csrf = customer.csrf_token();
        let saved = customer
            .post_form(
                &format!("/en/request/{draft}/autosave"),
                &[("csrf_token", &csrf), ("subject", "refund please")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::NO_CONTENT, "[{backend}]");
        assert_eq!(drafts_stored(&app).await, 1, "[{backend}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_draft_id_from_someone_elses_link_is_not_written_into() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut attacker = app.customer();
        let planted = attacker.open_request_form("").await;
        let mut customer = app.customer();
        let form = customer
            .get(&format!("/en/request/new?draft={planted}"))
            .await;
        assert_eq!(form.status, StatusCode::OK, "[{backend}]");
        assert!(
            !form.body.contains(&planted),
            "[{backend}] the customer gets a draft of their own"
        );
        let csrf = customer.csrf_token();
        let saved = customer
            .post_form(
                &format!("/en/request/{planted}/autosave"),
                &[("csrf_token", &csrf), ("email", "victim@example.com")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::NOT_FOUND, "[{backend}]");
        assert_eq!(drafts_stored(&app).await, 0, "[{backend}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_oversized_autosave_is_refused_and_stores_nothing() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        let huge = "x".repeat(250_000);
        let refused = customer
            .post_form(
                &format!("/en/request/{draft}/autosave"),
                &[("csrf_token", &csrf), ("description", &huge)],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {}",
            &refused.body[..refused.body.len().min(300)]
        );
        assert!(
            refused.body.contains("Please check what you entered"),
            "[{backend}] {}",
            refused.body
        );
        assert_eq!(drafts_stored(&app).await, 0, "[{backend}]");
        // A draft already stored keeps its text when an oversized save arrives.
        customer
            .post_form(
                &format!("/en/request/{draft}/autosave"),
                &[
                    ("csrf_token", &csrf),
                    ("description", "My invoice is wrong"),
                ],
            )
            .await;
        customer
            .post_form(
                &format!("/en/request/{draft}/autosave"),
                &[("csrf_token", &csrf), ("description", &huge)],
            )
            .await;
        let stored = app.state.db.find_draft(&draft).await.expect("find");
        assert_eq!(
            stored.expect("draft").fields.description,
            "My invoice is wrong",
            "[{backend}]"
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_flood_of_autosaves_from_one_address_is_refused() {
    for database in test_databases().await {
        let app = spawn_app_with(&database, &shipped_content(), |config| {
            behind_a_proxy(config);
            config.autosave_rate_limit = 20;
            config.draft_rate_limit = 5;
        })
        .await;
        let backend = app.backend;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        let mut statuses = Vec::new();
        for i in 0..40 {
            let subject = format!("Typing {i}");
            let response = post_form_from(
                &mut customer,
                "203.0.113.50",
                &format!("/en/request/{draft}/autosave"),
                &[("csrf_token", &csrf), ("subject", &subject)],
            )
            .await;
            statuses.push(response.status);
            if response.status == StatusCode::TOO_MANY_REQUESTS {
                assert!(retry_after_seconds(&response) > 0, "[{backend}]");
            }
        }
        let saved = statuses
            .iter()
            .filter(|s| **s == StatusCode::NO_CONTENT)
            .count();
        assert_eq!(saved, 20, "[{backend}] {statuses:?}");
        // Another address is not affected.
        let elsewhere = post_form_from(
            &mut customer,
            "198.51.100.7",
            &format!("/en/request/{draft}/autosave"),
            &[("csrf_token", &csrf), ("subject", "Still typing")],
        )
        .await;
        assert_eq!(elsewhere.status, StatusCode::NO_CONTENT, "[{backend}]");
        // New drafts from one address are limited too, whoever's browser they come from.
        let mut created = 0;
        for _ in 0..10 {
            let mut visitor = app.customer();
            let draft = visitor.open_request_form("").await;
            let csrf = visitor.csrf_token();
            let response = post_form_from(
                &mut visitor,
                "203.0.113.51",
                &format!("/en/request/{draft}/autosave"),
                &[("csrf_token", &csrf), ("subject", "Hello")],
            )
            .await;
            if response.status == StatusCode::NO_CONTENT {
                created += 1;
            }
        }
        assert_eq!(created, 5, "[{backend}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn drafts_never_filed_are_deleted_after_the_retention_period() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut customer = app.customer();
        // Two requests: the second starts blank ("Start a new request instead"), as "Contact
        // support" would bring back the first.
        let mut save = async |subject: &str| {
            let draft = customer.open_request_form("?fresh=1").await;
            let csrf = customer.csrf_token();
            let saved = customer
                .post_form(
                    &format!("/en/request/{draft}/autosave"),
                    &[("csrf_token", &csrf), ("subject", subject)],
                )
                .await;
            assert_eq!(saved.status, StatusCode::NO_CONTENT);
            draft
        };
        let old = save("Left long ago").await;
        let recent = save("Left yesterday").await;
        let retention_days = app.state.config.draft_retention_days;
        assert_eq!(retention_days, 30);
        // Thirty-one days from now, the first was last changed 31 days ago; the second is
        // moved to 29 days before then.
        let day = 24 * 60 * 60 * 1000;
        let later = answerdesk::storage::now_millis() + 31 * day;
        set_updated_at(&database, &recent, later - 29 * day).await;
        let deleted = answerdesk::deflection::request_flow::purge_unsubmitted_drafts(
            &app.state.db,
            retention_days,
            later,
        )
        .await
        .expect("purge");
        assert_eq!(deleted, 1, "[{backend}]");
        assert!(
            app.state.db.find_draft(&old).await.expect("find").is_none(),
            "[{backend}]"
        );
        assert!(
            app.state
                .db
                .find_draft(&recent)
                .await
                .expect("find")
                .is_some(),
            "[{backend}]"
        );
        shut_down(app).await;
    }
}

async fn set_updated_at(database: &TestDatabase, draft: &str, at: i64) {
    sqlx::any::install_default_drivers();
    let url = if database.url.starts_with("postgres") {
        database.url.clone()
    } else {
        format!("sqlite://{}", database.url)
    };
    let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
    sqlx::query("UPDATE request_drafts SET updated_at = $1 WHERE id = $2")
        .bind(at)
        .bind(draft)
        .execute(&pool)
        .await
        .expect("update");
    pool.close().await;
}

#[tokio::test]
async fn a_filed_request_is_kept_past_the_retention_period() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        let filed = customer
            .post_form(
                "/en/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &csrf),
                    ("email", "ann@example.com"),
                    ("subject", "Invoice total is wrong"),
                    (
                        "description",
                        "The total on invoice 12 is twice what it should be.",
                    ),
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
        let far_later = answerdesk::storage::now_millis() + 365 * 24 * 60 * 60 * 1000;
        let deleted = answerdesk::deflection::request_flow::purge_unsubmitted_drafts(
            &app.state.db,
            30,
            far_later,
        )
        .await
        .expect("purge");
        assert_eq!(deleted, 0, "[{backend}]");
        assert_eq!(tickets_filed(&app.state.db).await, 1, "[{backend}]");
        shut_down(app).await;
    }
}

// --- Retries create duplicates ---------------------------------------------------------------

fn ticket_body(subject: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "Integration",
        "email": "ops@example.com",
        "subject": subject,
        "description": "The nightly export failed with a timeout.",
    })
}

fn api_request(key: Option<&str>, body: &serde_json::Value) -> Request<Body> {
    let mut request =
        Request::post("/api/tickets").header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.body(Body::from(body.to_string())).expect("request")
}

fn json(response: &TestResponse) -> serde_json::Value {
    serde_json::from_str(&response.body).unwrap_or_else(|e| panic!("{e}: {}", response.body))
}

#[tokio::test]
async fn a_retried_api_request_with_its_idempotency_key_files_one_ticket() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let key = "5f0c6e1a-9d3b-4b7e-8a2f-1c4d6e8f0a9b";
        let body = ticket_body("Nightly export failed");
        let first = app.request(api_request(Some(key), &body)).await;
        assert_eq!(
            first.status,
            StatusCode::CREATED,
            "[{backend}] {}",
            first.body
        );
        let retried = app.request(api_request(Some(key), &body)).await;
        assert_eq!(retried.status, StatusCode::CREATED, "[{backend}]");
        assert_eq!(
            json(&retried),
            json(&first),
            "[{backend}] the first answer again"
        );
        assert!(json(&first)["status_url"].as_str().is_some());
        assert_eq!(tickets_filed(&app.state.db).await, 1, "[{backend}]");
        // The same key with another request is refused, and files nothing.
        let other = app
            .request(api_request(Some(key), &ticket_body("Something else")))
            .await;
        assert_eq!(
            other.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            json(&other)["error"]
                .as_str()
                .is_some_and(|m| m.contains("already used with a different request")),
            "[{backend}] {}",
            other.body
        );
        // Without a key, every request is a new ticket, as before.
        for _ in 0..2 {
            let plain = app.request(api_request(None, &body)).await;
            assert_eq!(plain.status, StatusCode::CREATED, "[{backend}]");
        }
        assert_eq!(tickets_filed(&app.state.db).await, 3, "[{backend}]");
        // The stored key is a hash.
        let stored = stored_texts(&database, "SELECT key_hash FROM api_idempotency_keys").await;
        assert_eq!(stored.len(), 1, "[{backend}]");
        assert!(!stored[0].contains("5f0c6e1a"), "[{backend}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_refused_with_a_message() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let body = ticket_body("Nightly export failed");
        let too_long = "k".repeat(256);
        for key in ["", "two words", too_long.as_str()] {
            let response = app.request(api_request(Some(key), &body)).await;
            assert_eq!(
                response.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{backend}] {key:?}"
            );
            assert!(
                json(&response)["error"]
                    .as_str()
                    .is_some_and(|m| m.contains("Idempotency-Key")),
                "[{backend}]"
            );
        }
        assert_eq!(tickets_filed(&app.state.db).await, 0, "[{backend}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_key_whose_request_was_invalid_may_be_used_for_the_corrected_one() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let key = "retry-after-fixing";
        let mut invalid = ticket_body("Nightly export failed");
        invalid["email"] = serde_json::json!("not-an-email");
        let refused = app.request(api_request(Some(key), &invalid)).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        let fixed = app
            .request(api_request(
                Some(key),
                &ticket_body("Nightly export failed"),
            ))
            .await;
        assert_eq!(
            fixed.status,
            StatusCode::CREATED,
            "[{backend}] {}",
            fixed.body
        );
        assert_eq!(tickets_filed(&app.state.db).await, 1, "[{backend}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn two_requests_at_once_with_one_idempotency_key_file_one_ticket() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let body = ticket_body("Nightly export failed");
        for round in 0..5 {
            let key = format!("concurrent-{round}");
            let (a, b) = tokio::join!(
                app.request(api_request(Some(&key), &body)),
                app.request(api_request(Some(&key), &body)),
            );
            let created: Vec<&TestResponse> = [&a, &b]
                .into_iter()
                .filter(|r| r.status == StatusCode::CREATED)
                .collect();
            assert!(!created.is_empty(), "[{backend}] {} {}", a.body, b.body);
            for response in [&a, &b] {
                assert!(
                    [StatusCode::CREATED, StatusCode::CONFLICT].contains(&response.status),
                    "[{backend}] {}",
                    response.body
                );
            }
            if created.len() == 2 {
                assert_eq!(
                    json(&a)["status_url"],
                    json(&b)["status_url"],
                    "[{backend}]"
                );
            }
        }
        assert_eq!(
            tickets_filed(&app.state.db).await,
            5,
            "[{backend}] one per key"
        );
        shut_down(app).await;
    }
}

/// A key claimed `minutes_ago` by a request that never answered (its process was killed).
async fn claim_left_by_a_dead_request(app: &TestApp, key: &str, body: &serde_json::Value) {
    use sha2::{Digest, Sha256};
    let request = answerdesk::tickets::idempotency::request_hash(&[
        body["name"].as_str().unwrap_or_default(),
        body["email"].as_str().unwrap_or_default(),
        body["subject"].as_str().unwrap_or_default(),
        body["description"].as_str().unwrap_or_default(),
        "",
    ]);
    let claimed_at = answerdesk::storage::now_millis()
        - answerdesk::tickets::idempotency::IN_FLIGHT_LIMIT_MILLIS
        - 1000;
    assert!(
        app.state
            .db
            .insert_idempotency_key(
                &format!("{:x}", Sha256::digest(key.as_bytes())),
                &request,
                claimed_at
            )
            .await
            .expect("claim")
    );
}

#[tokio::test]
async fn a_retry_after_the_server_died_mid_request_gets_the_ticket_it_filed_or_files_it_once() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let body = ticket_body("Nightly export failed");

        // The dead request had filed its ticket: the retry is answered with that ticket.
        claim_left_by_a_dead_request(&app, "died-after-filing", &body).await;
        let filed_before_dying = app.request(api_request(None, &body)).await;
        assert_eq!(
            filed_before_dying.status,
            StatusCode::CREATED,
            "[{backend}]"
        );
        let retried = app
            .request(api_request(Some("died-after-filing"), &body))
            .await;
        assert_eq!(
            retried.status,
            StatusCode::CREATED,
            "[{backend}] {}",
            retried.body
        );
        assert_eq!(
            json(&retried)["status_url"],
            json(&filed_before_dying)["status_url"],
            "[{backend}] the ticket the first request filed"
        );
        assert_eq!(tickets_filed(&app.state.db).await, 1, "[{backend}]");

        // The dead request had filed nothing: the retry files the ticket, once.
        let other = ticket_body("Invoice numbers skip one");
        claim_left_by_a_dead_request(&app, "died-before-filing", &other).await;
        let first = app
            .request(api_request(Some("died-before-filing"), &other))
            .await;
        assert_eq!(
            first.status,
            StatusCode::CREATED,
            "[{backend}] {}",
            first.body
        );
        let again = app
            .request(api_request(Some("died-before-filing"), &other))
            .await;
        assert_eq!(json(&again), json(&first), "[{backend}]");
        assert_eq!(tickets_filed(&app.state.db).await, 2, "[{backend}]");
        shut_down(app).await;
    }
}
