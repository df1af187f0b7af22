//! The request form deflects what it can and files the rest, on every database backend.

mod common;

use answerdesk::tickets::{TicketPriority, TicketStatus};
use axum::http::StatusCode;
use common::{
    Customer, events_recorded, location, post_json, shipped_content, shut_down, spawn_app,
    spawn_app_with, stored_texts, test_databases, tickets_filed,
};
use serde_json::json;

async fn fill_request<'a>(
    customer: &mut Customer<'a>,
    draft: &str,
    step: &str,
    subject: &str,
    description: &str,
) -> common::TestResponse {
    let csrf = customer.csrf_token();
    customer
        .post_form(
            "/en/request",
            &[
                ("draft", draft),
                ("csrf_token", &csrf),
                ("name", "Ann Customer"),
                ("email", "ann@example.com"),
                ("subject", subject),
                ("description", description),
                ("category", ""),
                ("seen", ""),
                ("step", step),
            ],
        )
        .await
}

#[tokio::test]
async fn customer_who_confirms_an_answer_is_counted_as_deflected() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let review = fill_request(
            &mut customer,
            &draft,
            "review",
            "I forgot my password",
            "I can't sign in, it says wrong password",
        )
        .await;
        assert_eq!(review.status, StatusCode::OK, "[{}]", app.backend);
        assert!(
            review
                .body
                .contains("These articles may answer your question"),
            "{}",
            review.body
        );
        assert!(
            review
                .body
                .contains("/en/articles/reset-your-password?from=suggest&amp;draft=")
        );

        let csrf = customer.csrf_token();
        let solved = customer
            .post_form(
                &format!("/en/request/{draft}/solved"),
                &[("csrf_token", &csrf), ("article", "reset-your-password")],
            )
            .await;
        assert_eq!(solved.status, StatusCode::OK);
        assert!(solved.body.contains("glad that helped"));
        // Confirming twice counts once.
        customer
            .post_form(
                &format!("/en/request/{draft}/solved"),
                &[("csrf_token", &csrf), ("article", "reset-your-password")],
            )
            .await;

        let db = shut_down(app).await;
        assert_eq!(
            events_recorded(&db, answerdesk::deflection::EventKind::Deflected).await,
            1,
            "[{}]",
            database.name
        );
        assert_eq!(
            events_recorded(&db, answerdesk::deflection::EventKind::RequestStarted).await,
            1
        );
        assert_eq!(tickets_filed(&db).await, 0, "no ticket was filed");
        let stored = db.find_draft(&draft).await.expect("find").expect("draft");
        assert_eq!(stored.state, answerdesk::deflection::DraftState::Deflected);
    }
}

#[tokio::test]
async fn customer_who_submits_anyway_gets_a_reference_a_private_link_and_an_email() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("?q=site%20down").await;
        let subject = "Your site is down";
        let description =
            "Since this morning every page shows error 500 and I cannot access my invoices.";
        let review = fill_request(&mut customer, &draft, "review", subject, description).await;
        let filed = if review.status == StatusCode::SEE_OTHER {
            review
        } else {
            assert!(review.body.contains("No, submit my request"));
            fill_request(&mut customer, &draft, "file", subject, description).await
        };
        assert_eq!(
            filed.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            filed.body
        );
        let status_url = location(&filed);
        assert!(
            status_url.starts_with("/tickets/") && status_url.ends_with("?filed=1"),
            "{status_url}"
        );
        let token = status_url
            .trim_start_matches("/tickets/")
            .trim_end_matches("?filed=1")
            .to_owned();
        assert_eq!(token.len(), 48, "an unguessable token, not the reference");

        let page = customer.get(&status_url).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("AD-000001"), "{}", page.body);
        assert!(page.body.contains("Your request has been sent"));
        assert!(page.body.contains(description));

        // A double-clicked submit files nothing new, and does not repeat the private link.
        let again = fill_request(&mut customer, &draft, "file", subject, description).await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(again.body.contains("This request has been sent"));
        assert!(!again.body.contains(&token));

        let ticket = app
            .state
            .db
            .find_ticket_by_status_token(&token)
            .await
            .expect("find")
            .expect("stored");
        assert_eq!(ticket.priority, TicketPriority::Urgent, "[{}]", app.backend);
        assert!(ticket.tags.contains(&"outage".to_owned()));
        assert_eq!(ticket.status, TicketStatus::New);
        assert!(ticket.first_response_due > ticket.created_at);
        assert!(ticket.resolution_due > ticket.first_response_due);
        let outbox = app.state.db.unsent_emails(10).await.expect("outbox");
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].recipient, "ann@example.com");
        assert!(outbox[0].body.contains(&format!("/tickets/{token}")));
        assert!(outbox[0].subject.contains("AD-000001"));

        let db = shut_down(app).await;
        assert_eq!(tickets_filed(&db).await, 1, "[{}]", database.name);
        assert_eq!(
            events_recorded(&db, answerdesk::deflection::EventKind::TicketFiled).await,
            1
        );
    }
}

#[tokio::test]
async fn invalid_fields_come_back_with_messages_and_everything_typed() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        let long_subject = "s".repeat(201);
        let response = customer
            .post_form(
                "/en/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &csrf),
                    ("name", "Bob"),
                    ("email", "not-an-email"),
                    ("subject", &long_subject),
                    ("description", ""),
                    ("step", "review"),
                ],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.backend
        );
        assert!(response.body.contains("look like an email address"));
        assert!(response.body.contains("under 200 characters"));
        assert!(response.body.contains("Please describe the problem"));
        assert!(
            response.body.contains("value=\"not-an-email\""),
            "typed text is kept"
        );
        assert!(response.body.contains(&long_subject));
        // The server-side draft holds it too, so a refresh loses nothing.
        let refreshed = customer
            .get(&format!("/en/request/new?draft={draft}"))
            .await;
        assert!(refreshed.body.contains("value=\"not-an-email\""));
        assert_eq!(tickets_filed(&app.state.db).await, 0);
    }
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_but_keeps_the_text() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let mut customer = app.customer();
    let draft = customer.open_request_form("").await;
    let response = customer
        .post_form(
            "/en/request",
            &[
                ("draft", &draft),
                ("csrf_token", "forged"),
                ("email", "ann@example.com"),
                ("subject", "Keep me"),
                ("description", "My words"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(response.body.contains("Keep me") && response.body.contains("My words"));
    assert_eq!(tickets_filed(&app.state.db).await, 0);
    let solved = customer
        .post_form(
            &format!("/en/request/{draft}/solved"),
            &[("csrf_token", "")],
        )
        .await;
    assert_eq!(solved.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn filing_is_rate_limited_per_address_and_the_text_is_kept() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app_with(&database, &shipped_content(), |config| {
        config.ticket_rate_limit = 2
    })
    .await;
    let body = |n: usize| json!({"name": "Api", "email": "api@example.com", "subject": format!("Question {n}"), "description": "Hello"});
    for n in 0..2 {
        assert_eq!(
            post_json(&app, "/api/tickets", &body(n)).await.status,
            StatusCode::CREATED
        );
    }
    let limited = post_json(&app, "/api/tickets", &body(3)).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("Too many tickets"));

    let mut customer = app.customer();
    let draft = customer.open_request_form("").await;
    let response = fill_request(
        &mut customer,
        &draft,
        "file",
        "Limited request",
        "Please keep this text",
    )
    .await;
    assert_eq!(response.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(response.body.contains("Please keep this text"));
    assert_eq!(tickets_filed(&app.state.db).await, 2);
}

#[tokio::test]
async fn the_rules_give_the_seeded_examples_their_tags_and_priority() {
    for database in test_databases().await {
        let app = spawn_app_with(&database, &shipped_content(), |config| {
            config.ticket_rate_limit = 0
        })
        .await;
        let cases = [
            (
                "Outage",
                "The app is down, I get a 500 error everywhere",
                "urgent",
                "outage",
            ),
            (
                "Hacked?",
                "I think my account was hacked, there was a phishing email",
                "urgent",
                "security",
            ),
            (
                "Billing",
                "My card was charged twice this month, I need a refund",
                "high",
                "billing",
            ),
            (
                "Bug",
                "The PDF export crashes with an error",
                "medium",
                "bug",
            ),
            (
                "Idea",
                "Feature request: dark mode would be nice",
                "low",
                "feature-request",
            ),
            ("Hello", "Where can I change my company address?", "low", ""),
        ];
        for (subject, description, priority, tag) in cases {
            let response = post_json(
                &app,
                "/api/tickets",
                &json!({"name": "Ann", "email": "ann@example.com", "subject": subject, "description": description}),
            )
            .await;
            assert_eq!(
                response.status,
                StatusCode::CREATED,
                "[{}] {}",
                app.backend,
                response.body
            );
            let created: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
            assert_eq!(created["priority"], priority, "{description}");
            assert_eq!(created["status"], "new");
            let tags: Vec<&str> = created["tags"]
                .as_array()
                .expect("tags")
                .iter()
                .filter_map(|t| t.as_str())
                .collect();
            if tag.is_empty() {
                assert!(tags.is_empty(), "{description}: {tags:?}");
            } else {
                assert!(tags.contains(&tag), "{description}: {tags:?}");
            }
            assert!(
                created["reference"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("AD-")
            );
            assert!(
                created["status_url"]
                    .as_str()
                    .unwrap_or("")
                    .contains("/tickets/")
            );
        }
    }
}

#[tokio::test]
async fn the_ticket_api_explains_invalid_fields() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let response = post_json(
        &app,
        "/api/tickets",
        &json!({"email": "nope", "subject": "", "description": ""}),
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
    assert!(body["error"].is_string());
    for field in ["email", "subject", "description"] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    let request = axum::http::Request::post("/api/tickets")
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{not json"))
        .expect("request");
    let malformed = app.request(request).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(malformed.body.contains("\"error\""));
}

#[tokio::test]
async fn a_customer_reply_reopens_an_answered_ticket_and_a_resolved_one_can_be_rated() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let response = post_json(&app, "/api/tickets", &json!({"email": "ann@example.com", "subject": "Export", "description": "How do I export?"})).await;
        let created: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
        let url = created["status_url"].as_str().expect("url");
        let path = &url[url.find("/tickets/").expect("path")..];
        let token = path.trim_start_matches("/tickets/");
        let ticket = app
            .state
            .db
            .find_ticket_by_status_token(token)
            .await
            .expect("find")
            .expect("ticket");
        let mut agent = app.sign_in_as("agent").await;
        let changed = agent
            .post_form(
                &format!("/agent/tickets/{}/status", ticket.id),
                &[("value", "answered")],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);

        let mut customer = app.customer();
        customer.get(path).await;
        let csrf = customer.csrf_token();
        let reply = customer
            .post_form(
                &format!("{path}/reply"),
                &[("csrf_token", &csrf), ("body", "It still does not work")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "[{}]", app.backend);
        let reopened = app
            .state
            .db
            .find_ticket_by_id(ticket.id)
            .await
            .expect("find")
            .expect("ticket");
        assert_eq!(
            reopened.status,
            TicketStatus::Open,
            "an answered ticket reopens on a customer reply"
        );
        let page = customer.get(path).await;
        assert!(page.body.contains("It still does not work"));

        let empty = customer
            .post_form(
                &format!("{path}/reply"),
                &[("csrf_token", &csrf), ("body", "  ")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

        let resolved = agent
            .post_form(
                &format!("/agent/tickets/{}/status", ticket.id),
                &[("value", "resolved")],
            )
            .await;
        assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);
        let page = customer.get(path).await;
        assert!(page.body.contains("How did we do?"));
        let rated = customer
            .post_form(
                &format!("{path}/rating"),
                &[
                    ("csrf_token", &csrf),
                    ("rating", "good"),
                    ("comment", "Quick!"),
                ],
            )
            .await;
        assert_eq!(rated.status, StatusCode::SEE_OTHER);
        let stored = app
            .state
            .db
            .find_ticket_by_id(ticket.id)
            .await
            .expect("find")
            .expect("ticket");
        assert_eq!(stored.satisfaction.as_deref(), Some("good"));

        // Resolved long enough ago, it closes by itself; a closed ticket takes no replies.
        let closed = answerdesk::tickets::conversation::close_resolved_tickets(&app.state.db, 0)
            .await
            .expect("close");
        assert_eq!(closed, 1);
        let refused = customer
            .post_form(
                &format!("{path}/reply"),
                &[("csrf_token", &csrf), ("body", "Hello?")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("This request is closed"));
        assert!(refused.body.contains("Hello?"), "the reply text is kept");
        assert_eq!(
            app.get("/tickets/0123456789abcdef0123456789abcdef0123456789abcdef")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn an_unhelpful_article_asks_what_was_missing_and_offers_support_with_the_search_text() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let mut customer = app.customer();
    let page = customer
        .get("/en/articles/connect-stripe?from=search&q=stripe%20payouts")
        .await;
    assert!(page.body.contains("Did this answer your question?"));
    let csrf = customer.csrf_token();
    let no = customer
        .post_form(
            "/en/articles/connect-stripe/feedback",
            &[
                ("csrf_token", &csrf),
                ("helpful", "no"),
                ("q", "stripe payouts"),
            ],
        )
        .await;
    assert_eq!(no.status, StatusCode::SEE_OTHER);
    let asked = location(&no);
    assert_eq!(
        asked,
        "/en/articles/connect-stripe?feedback=missing&q=stripe%20payouts#feedback"
    );
    let missing = customer.get(asked.trim_end_matches("#feedback")).await;
    assert_eq!(missing.status, StatusCode::OK);
    assert!(
        missing.body.contains("What was missing?"),
        "{}",
        missing.body
    );
    let note_box = missing
        .body
        .split("<textarea")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("a box for the note");
    assert!(
        note_box.contains("name=\"note\"") && !note_box.contains("required"),
        "the note is optional: {note_box}"
    );
    assert!(
        missing
            .body
            .contains("href=\"/en/request/new?q=stripe%20payouts\""),
        "support is one step away, with what was searched"
    );
    let yes = customer
        .post_form(
            "/en/articles/connect-stripe/feedback",
            &[("csrf_token", &csrf), ("helpful", "yes")],
        )
        .await;
    assert!(location(&yes).contains("feedback=thanks"));
    let db = shut_down(app).await;
    assert_eq!(
        events_recorded(&db, answerdesk::deflection::EventKind::HelpfulNo).await,
        1
    );
    assert_eq!(
        events_recorded(&db, answerdesk::deflection::EventKind::HelpfulYes).await,
        1
    );
    assert_eq!(
        events_recorded(&db, answerdesk::deflection::EventKind::ArticleViewed).await,
        1
    );
}

#[tokio::test]
async fn a_reader_who_says_what_was_missing_is_heard_by_the_articles_editor() {
    for database in common::test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut customer = app.customer();
        customer.get("/lv/articles/connect-stripe").await;
        let csrf = customer.csrf_token();
        let sent = customer
            .post_form(
                "/lv/articles/connect-stripe/missing",
                &[
                    ("csrf_token", &csrf),
                    ("note", "Nav teikts, cik ilgi jāgaida <b>izmaksa</b>."),
                    ("q", ""),
                ],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "[{}]", app.backend);
        assert_eq!(
            location(&sent),
            "/lv/articles/connect-stripe?feedback=thanks#feedback"
        );
        let empty = customer
            .post_form(
                "/en/articles/connect-stripe/missing",
                &[("csrf_token", &csrf), ("note", "   ")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::SEE_OTHER, "an empty note is fine");
        let forged = customer
            .post_form(
                "/en/articles/connect-stripe/missing",
                &[("csrf_token", "forged"), ("note", "spam")],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let too_long = "x".repeat(answerdesk::articles::reader_notes::MAX_NOTE_CHARS + 1);
        let refused = customer
            .post_form(
                "/en/articles/connect-stripe/missing",
                &[("csrf_token", &csrf), ("note", &too_long)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

        let mut editor = app.sign_in_as("editor").await;
        let page = editor.get("/editor/articles/connect-stripe/edit").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("What readers said was missing (1)"),
            "only the written note counts: {}",
            page.body
        );
        assert!(
            page.body
                .contains("Nav teikts, cik ilgi jāgaida &lt;b&gt;izmaksa&lt;"),
            "the note is shown as text"
        );
        assert!(!page.body.contains("<b>izmaksa"));
        assert!(page.body.contains("lang=\"lv\""));
    }
}

#[tokio::test]
async fn a_request_left_after_opening_a_suggestion_becomes_an_implicit_deflection() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        let saved = customer
            .post_form(
                &format!("/en/request/{draft}/autosave"),
                &[("csrf_token", &csrf), ("subject", "Where are my receipts?")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::NO_CONTENT, "[{}]", app.backend);
        let article = customer
            .get(&format!(
                "/en/articles/download-receipts-and-vat-invoices?from=suggest&draft={draft}"
            ))
            .await;
        assert!(
            article.body.contains("Yes, this solved my problem"),
            "the article offers to end the request"
        );
        let stored = app
            .state
            .db
            .find_draft(&draft)
            .await
            .expect("find")
            .expect("draft");
        assert_eq!(
            stored.opened_articles,
            vec!["download-receipts-and-vat-invoices".to_owned()]
        );
        assert_eq!(stored.fields.subject, "Where are my receipts?");

        // A second, new request ("Start a new request instead": "Contact support" would
        // bring back the first) that was never typed into stores no draft, and nothing is
        // abandoned.
        let untouched = customer.open_request_form("?fresh=1").await;
        let abandoned = app
            .state
            .db
            .abandon_idle_drafts(answerdesk::storage::now_millis() + 1)
            .await
            .expect("abandon");
        assert_eq!(
            abandoned,
            vec![(draft.clone(), answerdesk::deflection::Channel::WebForm)],
            "[{}]",
            app.backend
        );
        assert!(
            app.state
                .db
                .find_draft(&untouched)
                .await
                .expect("find")
                .is_none()
        );
    }
}

#[tokio::test]
async fn an_oversized_request_body_is_refused_without_filing_anything() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let huge = "x".repeat(400 * 1024);
    let response = post_json(
        &app,
        "/api/tickets",
        &json!({"email": "ann@example.com", "subject": "Big", "description": huge}),
    )
    .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(tickets_filed(&app.state.db).await, 0);
}

#[tokio::test]
async fn every_request_records_the_channel_it_came_through() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        // The portal's form: a review step, then filed anyway.
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        fill_request(
            &mut customer,
            &draft,
            "review",
            "I forgot my password",
            "I can't sign in, it says wrong password",
        )
        .await;
        let filed = fill_request(
            &mut customer,
            &draft,
            "file",
            "I forgot my password",
            "I can't sign in, it says wrong password",
        )
        .await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "[{}]", app.backend);
        // An integration, through the JSON API.
        let created = post_json(
            &app,
            "/api/tickets",
            &json!({"email": "bot@example.com", "subject": "Invoice PDF", "description": "Blank page"}),
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED, "[{}]", app.backend);
        shut_down(app).await;

        assert_eq!(
            stored_texts(&database, "SELECT channel FROM tickets ORDER BY id").await,
            ["web_form", "api"],
            "[{}]",
            database.name
        );
        assert_eq!(
            stored_texts(&database, "SELECT channel FROM request_drafts").await,
            ["web_form"]
        );
        let events = stored_texts(
            &database,
            "SELECT kind || ' ' || channel FROM events ORDER BY id",
        )
        .await;
        for expected in [
            "request_started web_form",
            "suggestion_shown web_form",
            "ticket_filed web_form",
            "ticket_filed api",
        ] {
            assert!(
                events.iter().any(|e| e == expected),
                "{expected:?} in {events:?} [{}]",
                database.name
            );
        }
        assert!(
            events.iter().all(|e| !e.ends_with(' ')),
            "every event has a channel: {events:?}"
        );
    }
}

#[tokio::test]
async fn a_latvian_customer_gets_the_confirmation_email_in_latvian() {
    use answerdesk::i18n::{Language, long_date};
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        // The Latvian request form; the draft (and the ticket filed from it) remembers it.
        let mut customer = app.customer();
        let opened = customer.get("/lv/request/new").await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "[{}]", app.backend);
        customer.get(&location(&opened)).await;
        let draft = location(&opened)
            .split("draft=")
            .nth(1)
            .expect("draft id")
            .to_owned();
        let csrf = customer.csrf_token();
        let filed = customer
            .post_form(
                "/lv/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &csrf),
                    ("name", "Anna Bērziņa"),
                    ("email", "anna@example.lv"),
                    ("subject", "Rēķina PDF ir tukšs"),
                    ("description", "Lejupielādētais rēķina PDF ir tukšs."),
                    ("step", "file"),
                ],
            )
            .await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
        let status_path = location(&filed).replace("?filed=1", "");
        let token = status_path.trim_start_matches("/tickets/");
        let ticket = app
            .state
            .db
            .find_ticket_by_status_token(token)
            .await
            .expect("find")
            .expect("stored");
        assert_eq!(ticket.lang, "lv");
        let reference = ticket.reference();
        let filed_on = long_date(Language::Lv, &answerdesk::display::date(ticket.created_at));

        let outbox = app.state.db.unsent_emails(10).await.expect("outbox");
        assert_eq!(outbox.len(), 1, "[{}]", app.backend);
        let email = &outbox[0];
        assert_eq!(email.recipient, "anna@example.lv");
        assert_eq!(
            email.subject,
            format!("[{reference}] Jūsu pieprasījums ir saņemts: Rēķina PDF ir tukšs")
        );
        assert!(
            email.body.starts_with("Labdien, Anna Bērziņa!\n\n"),
            "{}",
            email.body
        );
        assert!(
            email.body.contains(&format!(
                "Jūsu pieprasījumu {reference} saņēmām {filed_on}, un mūsu komanda ar Jums sazināsies."
            )),
            "{}",
            email.body
        );
        assert!(email.body.contains(&status_path), "{}", email.body);
        assert!(
            email
                .body
                .contains("Jūsu ziņojums:\n\nLejupielādētais rēķina PDF ir tukšs.\n")
        );
        for english in ["Hello", "Thank you", "Your message", "Kind regards"] {
            assert!(!email.body.contains(english), "{english}: {}", email.body);
        }
        shut_down(app).await;
    }
}

/// Where `GET path` redirects this customer, which must be a redirect.
async fn redirected(customer: &mut Customer<'_>, path: &str) -> String {
    let response = customer.get(path).await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{path}: {}",
        response.body
    );
    location(&response)
}

/// The draft id of a request-form address.
fn draft_in(url: &str) -> String {
    url.split("draft=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("draft id")
        .to_owned()
}

async fn autosave(customer: &mut Customer<'_>, draft: &str, fields: &[(&str, &str)]) {
    let csrf = customer.csrf_token();
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend_from_slice(fields);
    let saved = customer
        .post_form(&format!("/en/request/{draft}/autosave"), &form)
        .await;
    assert_eq!(saved.status, StatusCode::NO_CONTENT, "{}", saved.body);
}

#[tokio::test]
async fn contact_support_resumes_the_visitors_unsent_request_and_nobody_elses() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut ann = app.customer();
        let first = ann.open_request_form("").await;
        autosave(
            &mut ann,
            &first,
            &[
                ("subject", "Printer jams on page two"),
                ("description", "Every second page gets stuck"),
            ],
        )
        .await;

        // Later, "Contact support" in the header: the same request, as left.
        let again = redirected(&mut ann, "/en/request/new").await;
        assert_eq!(draft_in(&again), first, "[{backend}] {again}");
        let form = ann.get(&again).await.body;
        assert!(form.contains("Printer jams on page two"), "[{backend}]");
        assert!(form.contains("Every second page gets stuck"));
        assert!(form.contains("have not sent yet"), "the form says so");
        assert!(form.contains("/en/request/new?fresh=1"));
        // From a search, too: what she typed wins over the search text.
        let from_search = redirected(&mut ann, "/en/request/new?q=refund").await;
        assert_eq!(draft_in(&from_search), first, "[{backend}]");
        let form = ann.get(&from_search).await.body;
        assert!(
            form.contains("value=\"Printer jams on page two\""),
            "[{backend}]"
        );
        // In another language: the same request (in the page's language, if she has one).
        let in_russian = redirected(&mut ann, "/ru/request/new").await;
        assert_eq!(draft_in(&in_russian), first, "[{backend}]");
        let form = ann.get(&in_russian).await.body;
        assert!(form.contains("ещё не отправили"), "[{backend}]");
        // "Start a new request instead": a blank form with a new draft.
        let fresh = redirected(&mut ann, "/en/request/new?fresh=1").await;
        assert_ne!(draft_in(&fresh), first);
        let blank = ann.get(&fresh).await.body;
        assert!(!blank.contains("Printer jams"), "[{backend}]");
        assert!(!blank.contains("have not sent yet"));

        // Someone else, even one who opened and typed into her draft from a shared link,
        // never gets her request back from "Contact support".
        let mut boris = app.customer();
        let own = redirected(&mut boris, "/en/request/new").await;
        assert_ne!(draft_in(&own), first, "[{backend}]");
        boris.get(&format!("/en/request/new?draft={first}")).await;
        autosave(
            &mut boris,
            &first,
            &[("subject", "Printer jams on page three")],
        )
        .await;
        let own = redirected(&mut boris, "/en/request/new").await;
        assert_ne!(draft_in(&own), first, "[{backend}]");
        assert!(!own.contains("resumed"), "{own}");

        // A resumed request with no subject yet takes the search text as its subject.
        let mut carol = app.customer();
        let hers = carol.open_request_form("").await;
        autosave(
            &mut carol,
            &hers,
            &[("description", "Charged twice in May")],
        )
        .await;
        let resumed = redirected(&mut carol, "/en/request/new?q=double%20charge").await;
        assert_eq!(draft_in(&resumed), hers, "[{backend}]");
        let form = carol.get(&resumed).await.body;
        assert!(form.contains("value=\"double charge\""), "[{backend}]");
        assert!(form.contains("Charged twice in May"));

        // Once sent, the request is not resumed: the next one starts blank.
        let review = fill_request(
            &mut ann,
            &first,
            "file",
            "Printer jams on page two",
            "Every second page gets stuck",
        )
        .await;
        assert_eq!(
            review.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            review.body
        );
        let next = redirected(&mut ann, "/en/request/new").await;
        assert_ne!(draft_in(&next), first, "[{backend}]");
        assert!(!next.contains("resumed"));
        shut_down(app).await;
    }
}
