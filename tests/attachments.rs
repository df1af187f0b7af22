//! Files on requests, replies and notes: what customers and agents attach, what is refused,
//! and who may see which file, on every database backend.

mod common;

use answerdesk::config::Config;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::multipart::{BOUNDARY, PNG, Part, file, multipart_body};
use common::{Customer, TestApp, TestResponse, location, spawn_app_with, test_databases};

async fn post_multipart(customer: &Customer<'_>, path: &str, body: Vec<u8>) -> TestResponse {
    let request = Request::post(path)
        .header(header::COOKIE, customer.cookie_header())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    customer.app.request(request).await
}

/// The request form's typed fields, CSRF token first as the page sends it.
fn request_fields<'a>(draft: &'a str, csrf: &'a str, email: &'a str) -> Vec<Part<'a>> {
    vec![
        Part::Text("csrf_token", csrf),
        Part::Text("draft", draft),
        Part::Text("seen", ""),
        Part::Text("step", "file"),
        Part::Text("subject", "The export button fails"),
        Part::Text("description", "It shows an error, see the screenshot."),
        Part::Text("category", ""),
        Part::Text("name", "Ann"),
        Part::Text("email", email),
    ]
}

async fn portal(database: &common::TestDatabase, change: impl FnOnce(&mut Config)) -> TestApp {
    let content = tempfile::tempdir().expect("content dir");
    // An empty help centre: no review step to pass through.
    spawn_app_with(database, content.path(), change).await
}

/// Sends a request with `files` and returns the status page's path.
async fn file_request(customer: &mut Customer<'_>, files: Vec<Part<'_>>) -> String {
    let draft = customer.open_request_form("").await;
    let csrf = customer.csrf_token();
    let mut parts = request_fields(&draft, &csrf, "ann@example.com");
    parts.extend(files);
    let response = post_multipart(customer, "/en/request", multipart_body(&parts)).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    location(&response)
        .split('?')
        .next()
        .expect("path")
        .to_owned()
}

/// The `/…/files/{id}` links on a page, in order.
fn file_links(page: &str, prefix: &str) -> Vec<String> {
    // minijinja writes "/" as "&#x2f;" in values; browsers read both the same.
    let page = page.replace("&#x2f;", "/");
    let mut links: Vec<String> = page
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(prefix) && href.contains("/files/"))
        .map(str::to_owned)
        .collect();
    links.dedup();
    links
}

fn count_files(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type().map(|t| t.is_dir()) {
            Ok(true) => count_files(&entry.path()),
            _ => 1,
        })
        .sum()
}

#[tokio::test]
async fn customer_attaches_a_screenshot_and_a_log_and_sees_them_on_the_status_page() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        let status_page = file_request(
            &mut customer,
            vec![
                file("screenshot.png", "image/png", PNG),
                file("app.log", "text/plain", b"ERROR export failed\n"),
            ],
        )
        .await;
        let page = customer.get(&status_page).await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.backend);
        assert!(page.body.contains("screenshot.png"), "{}", page.body);
        assert!(page.body.contains("app.log"));
        assert!(page.body.contains("class=\"attachment-preview\""));
        let links = file_links(&page.body, "/tickets/");
        assert_eq!(links.len(), 2, "{links:?}");

        let image = customer.get(&links[0]).await;
        assert_eq!(image.status, StatusCode::OK);
        assert_eq!(image.headers[header::CONTENT_TYPE], "image/png");
        let disposition = image.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(disposition.starts_with("inline;"), "{disposition}");
        assert_eq!(image.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            image.headers[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'; sandbox"
        );

        let log = customer.get(&links[1]).await;
        assert_eq!(log.headers[header::CONTENT_TYPE], "text/plain");
        let disposition = log.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert_eq!(log.body, "ERROR export failed\n");
    }
}

#[tokio::test]
async fn the_same_file_attached_twice_is_stored_once() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        file_request(&mut customer, vec![file("a.png", "image/png", PNG)]).await;
        file_request(&mut customer, vec![file("b.png", "image/png", PNG)]).await;
        let files_dir = app.data_dir.path().join("files");
        let kept = count_files(&files_dir) - count_files(&files_dir.join("tmp"));
        assert_eq!(kept, 1, "[{}]", app.backend);
        assert_eq!(count_files(&files_dir.join("tmp")), 0);
    }
}

#[tokio::test]
async fn files_chosen_before_a_validation_error_are_kept_with_the_draft() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        // No email yet: refused, but the screenshot stays with the draft.
        let mut parts = request_fields(&draft, &csrf, "");
        parts.push(file("invoice.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n"));
        let refused = post_multipart(&customer, "/en/request", multipart_body(&parts)).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.backend
        );
        assert!(refused.body.contains("invoice.pdf"), "{}", refused.body);
        assert!(refused.body.contains("The export button fails"));

        // Sent again with the email and no files chosen: the ticket has the PDF.
        let parts = request_fields(&draft, &csrf, "ann@example.com");
        let filed = post_multipart(&customer, "/en/request", multipart_body(&parts)).await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
        let page = customer.get(&location(&filed)).await;
        assert!(page.body.contains("invoice.pdf"), "{}", page.body);
        let links = file_links(&page.body, "/tickets/");
        let pdf = customer.get(&links[0]).await;
        assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    }
}

#[tokio::test]
async fn a_customer_can_remove_a_kept_file_before_sending() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        let mut parts = request_fields(&draft, &csrf, "");
        parts.push(file("wrong.txt", "text/plain", b"not this one"));
        post_multipart(&customer, "/en/request", multipart_body(&parts)).await;
        let form = customer
            .get(&format!("/en/request/new?draft={draft}"))
            .await;
        let id = form
            .body
            .split("name=\"remove_file\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a kept file to remove")
            .to_owned();
        let mut parts = request_fields(&draft, &csrf, "ann@example.com");
        parts.push(Part::Text("remove_file", &id));
        let filed = post_multipart(&customer, "/en/request", multipart_body(&parts)).await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "[{}]", app.backend);
        let page = customer.get(&location(&filed)).await;
        assert!(!page.body.contains("wrong.txt"), "{}", page.body);
    }
}

/// Posts the request form with `files` and returns the refusal, asserting that nothing was
/// filed and nothing kept, and that everything typed came back.
async fn refused_request(app: &TestApp, files: Vec<Part<'_>>) -> TestResponse {
    let mut customer = app.customer();
    let draft = customer.open_request_form("").await;
    let csrf = customer.csrf_token();
    let mut parts = request_fields(&draft, &csrf, "ann@example.com");
    parts.extend(files);
    let response = post_multipart(&customer, "/en/request", multipart_body(&parts)).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{}] {}",
        app.backend,
        response.body
    );
    assert!(response.body.contains("The export button fails"));
    assert!(response.body.contains("ann@example.com"));
    assert!(response.body.contains("id=\"attachments-error\""));
    assert_eq!(common::tickets_filed(&app.state.db).await, 0);
    assert!(
        app.state
            .db
            .referenced_file_hashes()
            .await
            .expect("hashes")
            .is_empty()
    );
    assert_eq!(count_files(&app.data_dir.path().join("files")), 0);
    response
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_refused_with_everything_typed_kept() {
    for database in test_databases().await {
        let app = portal(&database, |config| {
            config.attachments.max_file_bytes = 1000;
        })
        .await;
        let page = refused_request(&app, vec![file("big.log", "text/plain", &[b'a'; 1001])]).await;
        assert!(
            page.body.contains("A file is larger than allowed"),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn files_over_the_total_for_one_message_are_refused() {
    for database in test_databases().await {
        let app = portal(&database, |config| {
            config.attachments.max_file_bytes = 1000;
            config.attachments.max_message_bytes = 1500;
        })
        .await;
        let page = refused_request(
            &app,
            vec![
                file("one.log", "text/plain", &[b'a'; 900]),
                file("two.log", "text/plain", &[b'b'; 900]),
            ],
        )
        .await;
        assert!(
            page.body.contains("The files together are larger"),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn more_files_than_allowed_are_refused() {
    for database in test_databases().await {
        let app = portal(&database, |config| config.attachments.max_files = 2).await;
        let page = refused_request(
            &app,
            vec![
                file("1.txt", "text/plain", b"one"),
                file("2.txt", "text/plain", b"two"),
                file("3.txt", "text/plain", b"three"),
            ],
        )
        .await;
        assert!(page.body.contains("Too many files"), "{}", page.body);
    }
}

#[tokio::test]
async fn html_and_svg_disguised_as_images_are_refused() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        for (name, bytes) in [
            (
                "cat.png",
                &b"<!doctype html><script>alert(document.cookie)</script>"[..],
            ),
            (
                "logo.png",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            ),
            ("program.pdf", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"),
        ] {
            let page = refused_request(&app, vec![file(name, "image/png", bytes)]).await;
            assert!(
                page.body.contains("A file is of a type we cannot accept"),
                "{name}: {}",
                page.body
            );
        }
    }
}

#[tokio::test]
async fn an_empty_file_is_refused() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let page = refused_request(&app, vec![file("empty.txt", "text/plain", b"")]).await;
        assert!(page.body.contains("A file is empty"), "{}", page.body);
    }
}

#[tokio::test]
async fn an_upload_cut_off_before_its_end_keeps_nothing_but_the_typed_fields() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        let mut parts = request_fields(&draft, &csrf, "ann@example.com");
        parts.push(file("half.log", "text/plain", &[b'x'; 5000]));
        let mut body = multipart_body(&parts);
        // The connection dropped in the middle of the file.
        body.truncate(body.len() - 3000);
        let response = post_multipart(&customer, "/en/request", body).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            app.backend,
            response.body
        );
        assert!(
            response
                .body
                .contains("The upload stopped before it finished")
        );
        assert!(response.body.contains("The export button fails"));
        assert_eq!(common::tickets_filed(&app.state.db).await, 0);
        assert_eq!(count_files(&app.data_dir.path().join("files")), 0);
    }
}

#[tokio::test]
async fn uploads_count_against_the_per_address_limit() {
    for database in test_databases().await {
        let app = portal(&database, |config| config.attachments.uploads_per_hour = 2).await;
        let mut customer = app.customer();
        file_request(
            &mut customer,
            vec![
                file("1.txt", "text/plain", b"one"),
                file("2.txt", "text/plain", b"two"),
            ],
        )
        .await;
        let page = refused_request_after_limit(&app).await;
        assert!(page.contains("Too many files were sent"), "{page}");
    }
}

async fn refused_request_after_limit(app: &TestApp) -> String {
    let mut customer = app.customer();
    let draft = customer.open_request_form("").await;
    let csrf = customer.csrf_token();
    let mut parts = request_fields(&draft, &csrf, "ann@example.com");
    parts.push(file("3.txt", "text/plain", b"three"));
    let response = post_multipart(&customer, "/en/request", multipart_body(&parts)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    response.body
}

#[tokio::test]
async fn a_hostile_file_name_is_stored_safely_and_shown_escaped() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        let long = format!("{}.txt", "n".repeat(300));
        let hostile = "../../etc/<img src=x onerror=alert(1)>\u{202E}gnp.txt";
        let status_page = file_request(
            &mut customer,
            vec![
                file(hostile, "text/plain", b"first"),
                file(&long, "text/plain", b"second"),
            ],
        )
        .await;
        let page = customer.get(&status_page).await;
        assert!(!page.body.contains("<img src=x"), "[{}]", app.backend);
        assert!(
            page.body
                .contains("&lt;img src=x onerror=alert(1)&gt;gnp.txt"),
            "{}",
            page.body
        );
        assert!(!page.body.contains('\u{202E}'));
        assert!(!page.body.contains("../"));
        assert!(!page.body.contains(&long));
        let links = file_links(&page.body, "/tickets/");
        let served = customer.get(&links[0]).await;
        let disposition = served.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap();
        assert!(!disposition.contains('/'), "{disposition}");
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    }
}

#[tokio::test]
async fn only_the_holder_of_the_status_link_or_an_agent_opens_a_ticket_file() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut ann = app.customer();
        let ann_page = file_request(&mut ann, vec![file("ann.png", "image/png", PNG)]).await;
        let mut bob = app.customer();
        let bob_page = file_request(&mut bob, vec![file("bob.txt", "text/plain", b"bob")]).await;
        let ann_link = file_links(&ann.get(&ann_page).await.body, "/tickets/")[0].clone();
        let file_id = ann_link.rsplit('/').next().unwrap().to_owned();

        // Bob's own token does not open Ann's file, nor does a made-up token.
        let bob_token = bob_page.trim_start_matches("/tickets/");
        let crossed = bob
            .get(&format!("/tickets/{bob_token}/files/{file_id}"))
            .await;
        assert_eq!(crossed.status, StatusCode::NOT_FOUND, "[{}]", app.backend);
        let anonymous = app
            .customer()
            .get(&format!("/tickets/{}/files/{file_id}", "0".repeat(48)))
            .await;
        assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
        assert_eq!(ann.get(&ann_link).await.status, StatusCode::OK);

        // An agent opens it from the ticket; an editor may not enter the agents' pages.
        let ticket_id: i64 = app
            .state
            .db
            .find_ticket_by_status_token(ann_page.trim_start_matches("/tickets/"))
            .await
            .expect("query")
            .expect("ticket")
            .id;
        let staff_link = format!("/agent/tickets/{ticket_id}/files/{file_id}");
        let mut agent = app.sign_in_as("agent").await;
        let ticket_page = agent.get(&format!("/agent/tickets/{ticket_id}")).await;
        let shown = ticket_page.body.replace("&#x2f;", "/");
        assert!(shown.contains(&staff_link), "{shown}");
        assert!(ticket_page.body.contains("PNG"));
        assert_eq!(agent.get(&staff_link).await.status, StatusCode::OK);
        let mut editor = app.sign_in_as("editor").await;
        assert_eq!(editor.get(&staff_link).await.status, StatusCode::FORBIDDEN);
        let signed_out = app.customer().get(&staff_link).await;
        assert_ne!(signed_out.status, StatusCode::OK);
        // Through another ticket's address, the file is not found.
        let other = format!("/agent/tickets/{}/files/{file_id}", ticket_id + 1);
        assert_eq!(agent.get(&other).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn an_agents_reply_carries_files_and_a_notes_files_stay_with_staff() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        let status_page = file_request(&mut customer, Vec::new()).await;
        let ticket_id = app
            .state
            .db
            .find_ticket_by_status_token(status_page.trim_start_matches("/tickets/"))
            .await
            .expect("query")
            .expect("ticket")
            .id;
        let agent = app.sign_in_as("agent").await;
        let csrf = agent.csrf_token.clone();
        let reply = multipart_body(&[
            Part::Text("csrf_token", &csrf),
            Part::Text("body", "Here is where the button is."),
            Part::Text("status", ""),
            file("annotated.png", "image/png", PNG),
        ]);
        let sent = post_multipart(
            &agent.browser,
            &format!("/agent/tickets/{ticket_id}/reply"),
            reply,
        )
        .await;
        assert_eq!(
            sent.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            sent.body
        );
        let note = multipart_body(&[
            Part::Text("csrf_token", &csrf),
            Part::Text("body", ""),
            file("internal-trace.log", "text/plain", b"stack trace"),
        ]);
        let noted = post_multipart(
            &agent.browser,
            &format!("/agent/tickets/{ticket_id}/note"),
            note,
        )
        .await;
        assert_eq!(noted.status, StatusCode::SEE_OTHER, "{}", noted.body);

        let page = customer.get(&status_page).await;
        assert!(page.body.contains("annotated.png"), "{}", page.body);
        assert!(!page.body.contains("internal-trace.log"));
        // The note's file is not served through the customer's link either.
        let note_file = app
            .state
            .db
            .ticket_attachments(ticket_id, true)
            .await
            .expect("files")
            .into_iter()
            .find(|file| file.internal)
            .expect("the note's file");
        let hidden = customer
            .get(&format!("{status_page}/files/{}", note_file.id))
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);

        // A multipart form without the session's token is refused.
        let forged = multipart_body(&[
            Part::Text("csrf_token", "forged"),
            Part::Text("body", "Hello"),
        ]);
        let refused = post_multipart(
            &agent.browser,
            &format!("/agent/tickets/{ticket_id}/note"),
            forged,
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_customer_replies_with_a_file_on_the_status_page() {
    for database in test_databases().await {
        let app = portal(&database, |config| config.attachments.max_file_bytes = 1000).await;
        let mut customer = app.customer();
        let status_page = file_request(&mut customer, Vec::new()).await;
        customer.get(&status_page).await;
        let csrf = customer.csrf_token();
        let reply = multipart_body(&[
            Part::Text("csrf_token", &csrf),
            Part::Text("body", "Here is the log."),
            file("more.log", "text/plain", b"more details"),
        ]);
        let sent = post_multipart(&customer, &format!("{status_page}/reply"), reply).await;
        assert_eq!(
            sent.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            sent.body
        );
        let page = customer.get(&status_page).await;
        assert!(page.body.contains("more.log"));

        // Too large: refused by the field, the reply text kept.
        let big = multipart_body(&[
            Part::Text("csrf_token", &csrf),
            Part::Text("body", "And the big one."),
            file("big.log", "text/plain", &[b'a'; 2000]),
        ]);
        let refused = post_multipart(&customer, &format!("{status_page}/reply"), big).await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(refused.body.contains("And the big one."));
        assert!(refused.body.contains("A file is larger than allowed"));
    }
}

async fn api_post(app: &TestApp, body: Vec<u8>) -> TestResponse {
    let request = Request::post("/api/tickets")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    app.request(request).await
}

#[tokio::test]
async fn the_api_takes_files_and_answers_413_or_422_with_the_reason() {
    for database in test_databases().await {
        let app = portal(&database, |config| config.attachments.max_file_bytes = 1000).await;
        let fields = |extra: Part<'static>| {
            multipart_body(&[
                Part::Text("email", "api@example.com"),
                Part::Text("subject", "Sync fails"),
                Part::Text("description", "Log attached."),
                extra,
            ])
        };
        let created = api_post(&app, fields(file("sync.log", "text/plain", b"sync error"))).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.backend,
            created.body
        );
        let json: serde_json::Value = serde_json::from_str(&created.body).expect("json");
        let url = json["status_url"].as_str().expect("status url");
        let path = &url[url.find("/tickets/").expect("path")..];
        assert!(app.get(path).await.body.contains("sync.log"));

        let too_large = api_post(&app, fields(file("big.log", "text/plain", &[b'a'; 2000]))).await;
        assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            too_large.body.contains("larger than allowed"),
            "{}",
            too_large.body
        );
        let wrong = api_post(&app, fields(file("x.png", "image/png", b"<svg onload=x>"))).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong.body.contains("type we cannot accept"),
            "{}",
            wrong.body
        );
        assert_eq!(common::tickets_filed(&app.state.db).await, 1);
    }
}

#[tokio::test]
async fn files_of_expired_drafts_are_removed_from_disk() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        let draft = customer.open_request_form("").await;
        let csrf = customer.csrf_token();
        let mut parts = request_fields(&draft, &csrf, "");
        parts.push(file("left.txt", "text/plain", b"left behind"));
        post_multipart(&customer, "/en/request", multipart_body(&parts)).await;
        let files_dir = app.data_dir.path().join("files");
        assert_eq!(count_files(&files_dir), 1, "[{}]", app.backend);

        // The draft expires; the file no draft refers to goes with the next sweep.
        answerdesk::deflection::request_flow::purge_unsubmitted_drafts(
            &app.state.db,
            1,
            answerdesk::storage::now_millis() + 2 * 24 * 60 * 60 * 1000,
        )
        .await
        .expect("purge");
        let referenced = app.state.db.referenced_file_hashes().await.expect("hashes");
        assert!(referenced.is_empty());
        use answerdesk::attachments::FileStore;
        let removed = app
            .state
            .files
            .remove_unreferenced(&referenced, std::time::Duration::ZERO)
            .await
            .expect("sweep");
        assert_eq!(removed, 1);
        assert_eq!(count_files(&files_dir), 0);
    }
}

#[tokio::test]
async fn an_admin_deletes_a_tickets_data_and_its_files_for_a_privacy_request() {
    for database in test_databases().await {
        let app = portal(&database, |_| {}).await;
        let mut customer = app.customer();
        let status_page =
            file_request(&mut customer, vec![file("id-card.png", "image/png", PNG)]).await;
        let token = status_page.trim_start_matches("/tickets/").to_owned();
        let ticket = app
            .state
            .db
            .find_ticket_by_status_token(&token)
            .await
            .expect("query")
            .expect("ticket");
        let files_dir = app.data_dir.path().join("files");
        assert_eq!(count_files(&files_dir), 1, "[{}]", app.backend);

        // An agent may not; an admin must type the reference.
        let mut agent = app.sign_in_as("agent").await;
        let path = format!("/admin/tickets/{}/delete", ticket.id);
        let reference = format!("AD-{:06}", ticket.id);
        let refused = agent.post_form(&path, &[("confirm", &reference)]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let mut admin = app.sign_in_as("admin").await;
        let unconfirmed = admin.post_form(&path, &[("confirm", "yes")]).await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        let deleted = admin.post_form(&path, &[("confirm", &reference)]).await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);

        assert!(
            app.state
                .db
                .find_ticket_by_id(ticket.id)
                .await
                .expect("query")
                .is_none()
        );
        assert_eq!(
            customer.get(&status_page).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(count_files(&files_dir), 0);
        let emails = common::stored_texts(
            &database,
            "SELECT recipient FROM outbox WHERE recipient = 'ann@example.com'",
        )
        .await;
        assert!(emails.is_empty(), "{emails:?}");
    }
}
