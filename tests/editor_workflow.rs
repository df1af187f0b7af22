//! The editors' workflow end to end through the real router, database and search index:
//! writing, publishing, drafts, archiving, live preview, concurrent edits, revisions,
//! restore, slug redirects, drafts from tickets, validation, audit and export.

mod common;

use answerdesk::articles::{Article, ArticleStatus, export_directory, parse_article};
use answerdesk::deflection::EventKind;
use answerdesk::storage::{Database, EventRow};
use axum::http::StatusCode;
use common::{
    Staff, TestApp, TestDatabase, location, post_json, shipped_content, shut_down, spawn_app,
    test_databases,
};
use serde_json::json;

/// The stored article, in any status.
async fn stored(app: &TestApp, slug: &str) -> Option<Article> {
    app.state
        .db
        .find_article_by_slug(slug)
        .await
        .expect("query article")
}

/// The slugs customer search returns for `query`.
async fn search_slugs(app: &TestApp, query: &str) -> Vec<String> {
    let response = app
        .get(&format!("/api/search?q={}", common::encode(query)))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let json: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
    json["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|hit| hit["slug"].as_str().expect("slug").to_owned())
        .collect()
}

/// The edit form's fields for a stored article, with some replaced.
fn form_of(article: &Article, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![
        ("title".into(), article.title.clone()),
        ("slug".into(), article.slug.clone()),
        ("category".into(), article.category.clone()),
        ("section".into(), article.section.clone()),
        ("tags".into(), article.tags.join(", ")),
        ("aliases".into(), article.aliases.join("\n")),
        ("lang".into(), article.lang.clone()),
        (
            "translation_of".into(),
            article.translation_of.clone().unwrap_or_default(),
        ),
        ("body".into(), article.body_markdown.clone()),
        ("base_revision".into(), article.revision.to_string()),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = (*value).to_owned(),
            None => fields.push(((*name).to_owned(), (*value).to_owned())),
        }
    }
    fields
}

async fn post_fields(
    staff: &mut Staff<'_>,
    path: &str,
    fields: &[(String, String)],
) -> common::TestResponse {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    staff.post_form(path, &pairs).await
}

/// Saves an existing article through its edit form with `action`.
async fn save(
    staff: &mut Staff<'_>,
    article: &Article,
    changes: &[(&str, &str)],
    action: &str,
) -> common::TestResponse {
    let mut fields = form_of(article, changes);
    fields.push(("action".into(), action.into()));
    post_fields(
        staff,
        &format!("/editor/articles/{}/edit", article.slug),
        &fields,
    )
    .await
}

/// Creates an article through the new-article form.
async fn create(
    staff: &mut Staff<'_>,
    title: &str,
    body: &str,
    action: &str,
) -> common::TestResponse {
    staff
        .post_form(
            "/editor/articles",
            &[
                ("title", title),
                ("slug", ""),
                ("category", "Invoices and quotes"),
                ("tags", "Billing, Test"),
                ("aliases", "first alias\nsecond alias"),
                ("lang", "en"),
                ("translation_of", ""),
                ("body", body),
                ("action", action),
            ],
        )
        .await
}

fn revision_in_form(page: &str) -> String {
    page.split("name=\"base_revision\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries its base revision")
        .to_owned()
}

#[tokio::test]
async fn editor_publishes_a_new_article_and_customers_find_it_at_once() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;

        let response = create(
            &mut editor,
            "Pay invoices with Quetzalpay",
            "## Steps\n\nOpen **Settings** and connect your Quetzalpay wallet.\n",
            "publish",
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            response.body
        );
        assert_eq!(
            location(&response),
            "/editor/articles/pay-invoices-with-quetzalpay/edit?done=published"
        );

        // Searchable as soon as the editor's request returns: no waiting for the poller.
        assert_eq!(
            search_slugs(&app, "quetzalpay").await,
            vec!["pay-invoices-with-quetzalpay"],
            "[{}]",
            app.backend
        );
        let page = app.get("/en/articles/pay-invoices-with-quetzalpay").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Pay invoices with Quetzalpay"));
        assert!(page.body.contains("<strong>Settings</strong>"));

        let article = stored(&app, "pay-invoices-with-quetzalpay")
            .await
            .expect("stored");
        assert_eq!(article.status, ArticleStatus::Published);
        assert_eq!(article.tags, vec!["billing", "test"]);
        assert_eq!(article.aliases, vec!["first alias", "second alias"]);
        assert_eq!(article.revision, 1);

        let edit_page = editor.get(&location(&response)).await;
        assert_eq!(edit_page.status, StatusCode::OK);
        assert!(
            edit_page
                .body
                .contains("Published: customers can find it now.")
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_saved_draft_stays_invisible_to_customers_until_it_is_published() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;

        let response = create(
            &mut editor,
            "Draft about Xylophonic exports",
            "Xylophonic exports are coming.\n",
            "save",
        )
        .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let slug = "draft-about-xylophonic-exports";
        assert_eq!(
            stored(&app, slug).await.expect("stored").status,
            ArticleStatus::Draft
        );
        assert_eq!(
            app.get(&format!("/en/articles/{slug}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            search_slugs(&app, "xylophonic").await.is_empty(),
            "[{}]",
            app.backend
        );

        // The editors' list shows it among the drafts.
        let list = editor.get("/editor?status=draft&q=xylophonic").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(slug), "{}", list.body);

        let article = stored(&app, slug).await.expect("stored");
        let published = save(&mut editor, &article, &[], "publish").await;
        assert_eq!(
            published.status,
            StatusCode::SEE_OTHER,
            "{}",
            published.body
        );
        assert_eq!(
            app.get(&format!("/en/articles/{slug}")).await.status,
            StatusCode::OK
        );
        assert_eq!(search_slugs(&app, "xylophonic").await, vec![slug]);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn unpublishing_removes_an_article_from_search_and_archiving_keeps_it_with_its_history() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let slug = "reset-your-password";
        assert!(
            search_slugs(&app, "reset password")
                .await
                .contains(&slug.to_owned())
        );

        let article = stored(&app, slug).await.expect("shipped article");
        let response = save(&mut editor, &article, &[], "unpublish").await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        assert!(location(&response).ends_with("done=unpublished"));
        let article = stored(&app, slug).await.expect("kept");
        assert_eq!(article.status, ArticleStatus::Draft);
        assert!(
            !search_slugs(&app, "reset password")
                .await
                .contains(&slug.to_owned()),
            "[{}] an unpublished article is not found",
            app.backend
        );
        assert_eq!(
            app.get(&format!("/en/articles/{slug}")).await.status,
            StatusCode::NOT_FOUND
        );

        let response = save(&mut editor, &article, &[], "archive").await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let archived = stored(&app, slug).await.expect("archived, not deleted");
        assert_eq!(archived.status, ArticleStatus::Archived);
        assert_eq!(archived.body_markdown, article.body_markdown);
        let history = app.state.db.article_revisions(slug).await.expect("history");
        let actions: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, vec!["archived", "unpublished", "created"]);
        assert_eq!(
            app.get(&format!("/en/articles/{slug}")).await.status,
            StatusCode::NOT_FOUND
        );
        let list = editor.get("/editor?status=archived").await;
        assert!(
            list.body.contains(slug),
            "archived articles stay listed for editors"
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn the_live_preview_renders_like_the_customer_page_and_drops_scripts() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let markdown =
            "## Hello\n\n**bold** <script>alert('x')</script> <img src=x onerror=alert(1)>";

        let response = editor
            .send_json(
                "POST",
                "/api/editor/preview",
                Some(&json!({ "markdown": markdown, "lang": "en", "slug": "a" })),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let json: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
        let html = json["html"].as_str().expect("html");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<h2 id=\"a-hello\">"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");

        // Without the CSRF header the API refuses.
        let mut forged = editor.csrf_token.clone();
        forged.push('x');
        let real = std::mem::replace(&mut editor.csrf_token, forged);
        let refused = editor
            .send_json(
                "POST",
                "/api/editor/preview",
                Some(&json!({ "markdown": "x" })),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        editor.csrf_token = real;

        // Without scripts, the Preview button renders the same, and saves nothing.
        let page = editor
            .post_form(
                "/editor/articles",
                &[
                    ("title", "Only a preview"),
                    ("lang", "en"),
                    ("body", markdown),
                    ("action", "preview"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<strong>bold</strong>"));
        assert!(
            !page.body.contains("<script>alert"),
            "the preview is sanitised"
        );
        assert!(
            stored(&app, "only-a-preview").await.is_none(),
            "nothing saved"
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn second_editor_is_told_the_article_changed_and_sees_both_versions() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut first = app.sign_in_with_email("editor", "first@example.com").await;
        let mut second = app.sign_in_with_email("editor", "second@example.com").await;
        let slug = "reset-your-password";

        // Both open the same revision.
        let first_page = first.get(&format!("/editor/articles/{slug}/edit")).await;
        let second_page = second.get(&format!("/editor/articles/{slug}/edit")).await;
        let loaded = stored(&app, slug).await.expect("article");
        assert_eq!(
            revision_in_form(&first_page.body),
            loaded.revision.to_string()
        );
        assert_eq!(
            revision_in_form(&second_page.body),
            loaded.revision.to_string()
        );

        let first_text = "First editor's wording of the steps.\n";
        let second_text = "Second editor's competing wording.\n";
        let saved = save(&mut first, &loaded, &[("body", first_text)], "save").await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

        let conflict = save(&mut second, &loaded, &[("body", second_text)], "save").await;
        assert_eq!(conflict.status, StatusCode::CONFLICT, "[{}]", app.backend);
        assert!(conflict.body.contains("changed while you were editing"));
        assert!(
            conflict
                .body
                .contains("Second editor&#x27;s competing wording.")
                || conflict.body.contains("Second editor's competing wording."),
            "their text is shown to copy"
        );
        assert!(
            conflict.body.contains("First editor&#x27;s wording")
                || conflict.body.contains("First editor's wording"),
            "the stored text is shown"
        );
        assert!(conflict.body.contains("diff-added") && conflict.body.contains("diff-removed"));

        let now = stored(&app, slug).await.expect("article");
        assert_eq!(now.body_markdown, first_text, "nothing was overwritten");
        assert_eq!(now.revision, loaded.revision + 1);
        let history = app.state.db.article_revisions(slug).await.expect("history");
        assert_eq!(
            history.len() as i64,
            now.revision,
            "no revision for the refused save"
        );

        // Having seen the difference, the second editor may deliberately save over it.
        let retry_revision = revision_in_form(&conflict.body);
        assert_eq!(retry_revision, now.revision.to_string());
        let replaced = save(
            &mut second,
            &now,
            &[("body", second_text), ("base_revision", &retry_revision)],
            "save",
        )
        .await;
        assert_eq!(replaced.status, StatusCode::SEE_OTHER, "{}", replaced.body);
        assert_eq!(
            stored(&app, slug).await.expect("article").body_markdown,
            second_text
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn revision_history_shows_the_change_and_restore_brings_back_old_text_as_a_new_revision() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let slug = "reset-your-password";
        let original = stored(&app, slug).await.expect("article");
        let new_body = format!("{}\nA brand new closing line.\n", original.body_markdown);
        let response = save(&mut editor, &original, &[("body", &new_body)], "save").await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);

        let history = editor
            .get(&format!("/editor/articles/{slug}/revisions"))
            .await;
        assert_eq!(history.status, StatusCode::OK);
        assert!(
            history.body.contains("Revision 1 → revision 2"),
            "{}",
            history.body
        );
        assert!(
            history.body.contains("<tr class=\"diff-added\">")
                && history.body.contains("A brand new closing line."),
            "the added line is marked"
        );
        assert!(history.body.contains("editor@example.com"));

        // Changing a line shows it removed and added.
        let edited = stored(&app, slug).await.expect("article");
        let changed_body =
            new_body.replace("A brand new closing line.", "A reworded closing line.");
        save(&mut editor, &edited, &[("body", &changed_body)], "save").await;
        let diff = editor
            .get(&format!("/editor/articles/{slug}/revisions?from=2&to=3"))
            .await;
        let removed = diff
            .body
            .split("<tr class=\"diff-removed\">")
            .nth(1)
            .expect("a removed line");
        assert!(
            removed
                .split("</tr>")
                .next()
                .unwrap_or("")
                .contains("A brand new closing line.")
        );
        let added = diff
            .body
            .split("<tr class=\"diff-added\">")
            .nth(1)
            .expect("an added line");
        assert!(
            added
                .split("</tr>")
                .next()
                .unwrap_or("")
                .contains("A reworded closing line.")
        );

        // Restore revision 1: its text comes back as revision 4; history is kept.
        let current = stored(&app, slug).await.expect("article");
        assert_eq!(current.revision, 3);
        let restored = editor
            .post_form(
                &format!("/editor/articles/{slug}/revisions/1/restore"),
                &[("base_revision", "3")],
            )
            .await;
        assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
        let after = stored(&app, slug).await.expect("article");
        assert_eq!(after.revision, 4);
        assert_eq!(after.body_markdown, original.body_markdown);
        assert_eq!(after.status, ArticleStatus::Published);
        let revisions = app.state.db.article_revisions(slug).await.expect("history");
        assert_eq!(revisions.len(), 4);
        assert_eq!(revisions[0].action, "restored");
        assert!(
            revisions[1].document.contains("A reworded closing line."),
            "history is not rewritten"
        );
        // The restored text is what customers find.
        let page = app.get(&format!("/en/articles/{slug}")).await;
        assert!(!page.body.contains("A reworded closing line."));

        // A restore from a stale history page is refused.
        let stale = editor
            .post_form(
                &format!("/editor/articles/{slug}/revisions/2/restore"),
                &[("base_revision", "3")],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stored(&app, slug).await.expect("article").revision, 4);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_renamed_article_redirects_permanently_and_the_old_slug_leaves_search() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let article = stored(&app, "reset-your-password").await.expect("article");
        let response = save(&mut editor, &article, &[("slug", "password-reset")], "save").await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        assert_eq!(
            location(&response),
            "/editor/articles/password-reset/edit?done=saved"
        );

        let renamed = stored(&app, "password-reset").await.expect("renamed");
        let response = save(
            &mut editor,
            &renamed,
            &[("slug", "reset-a-forgotten-password")],
            "save",
        )
        .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);

        // Both old addresses lead straight to the current one, permanently.
        for old in ["reset-your-password", "password-reset"] {
            let response = app.get(&format!("/en/articles/{old}")).await;
            assert!(
                response.status == StatusCode::PERMANENT_REDIRECT
                    || response.status == StatusCode::MOVED_PERMANENTLY,
                "[{}] /en/articles/{old}: {}",
                app.backend,
                response.status
            );
            assert_eq!(
                location(&response),
                "/en/articles/reset-a-forgotten-password"
            );
        }
        assert_eq!(
            app.get("/en/articles/reset-a-forgotten-password")
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            app.get("/en/articles/never-existed").await.status,
            StatusCode::NOT_FOUND
        );

        let found = search_slugs(&app, "reset password").await;
        assert!(
            found.contains(&"reset-a-forgotten-password".to_owned()),
            "{found:?}"
        );
        assert!(
            !found.contains(&"reset-your-password".to_owned()),
            "{found:?}"
        );
        assert!(!found.contains(&"password-reset".to_owned()), "{found:?}");

        // The editor's old URL finds the article too.
        let old_edit = editor
            .get("/editor/articles/reset-your-password/edit")
            .await;
        assert_eq!(
            location(&old_edit),
            "/editor/articles/reset-a-forgotten-password/edit"
        );
        shut_down(app).await;
    }
}

/// Adds a message to a ticket directly in the database (the agents' reply screen is built
/// elsewhere).
async fn add_ticket_message(database: &TestDatabase, ticket_id: i64, body: &str, internal: bool) {
    let url = if database.name == "sqlite" {
        format!("sqlite://{}", database.url)
    } else {
        database.url.clone()
    };
    let mut connection = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("connect");
    sqlx::query(
        "INSERT INTO ticket_messages (ticket_id, author_kind, author_name, body, internal, created_at) \
         VALUES ($1, 'agent', 'Agent Smith', $2, $3, $4)",
    )
    .bind(ticket_id)
    .bind(body)
    .bind(i64::from(internal))
    .bind(answerdesk::storage::now_millis())
    .execute(&mut connection)
    .await
    .expect("insert message");
}

#[tokio::test]
async fn a_resolved_ticket_turns_into_a_draft_with_the_question_and_the_public_answer() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let response = post_json(
            &app,
            "/api/tickets",
            &json!({
                "name": "Ann", "email": "ann@example.com",
                "subject": "How do I merge two client records?",
                "description": "I have the same client twice and want one record."
            }),
        )
        .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        let created: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
        let url = created["status_url"].as_str().expect("url");
        let token = &url[url.find("/tickets/").expect("path") + "/tickets/".len()..];
        let ticket = app
            .state
            .db
            .find_ticket_by_status_token(token)
            .await
            .expect("find")
            .expect("ticket");
        add_ticket_message(
            &database,
            ticket.id,
            "Open Clients, tick both and choose Merge.",
            false,
        )
        .await;
        add_ticket_message(
            &database,
            ticket.id,
            "INTERNAL: customer is on the old plan",
            true,
        )
        .await;

        let too_early = editor
            .get(&format!("/editor/articles/new?from_ticket={}", ticket.id))
            .await;
        assert_eq!(
            too_early.status,
            StatusCode::BAD_REQUEST,
            "only resolved tickets"
        );

        let mut agent = app.sign_in_as("agent").await;
        let changed = agent
            .post_form(
                &format!("/agent/tickets/{}/status", ticket.id),
                &[("value", "resolved")],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
        let page = editor
            .get(&format!("/editor/articles/new?from_ticket={}", ticket.id))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body
                .contains("value=\"How do I merge two client records?\"")
        );
        assert!(
            page.body
                .contains("I have the same client twice and want one record.")
        );
        assert!(
            page.body
                .contains("Open Clients, tick both and choose Merge.")
        );
        assert!(
            !page.body.contains("INTERNAL"),
            "internal notes never reach an article"
        );
        assert!(
            page.body
                .contains(&format!("name=\"from_ticket\" value=\"{}\"", ticket.id))
        );

        // The content-gap report's "write an article" prefills the title.
        let gap = editor
            .get("/editor/articles/new?title=refund%20a%20card%20payment")
            .await;
        assert!(gap.body.contains("value=\"refund a card payment\""));

        let created = editor
            .post_form(
                "/editor/articles",
                &[
                    ("title", "Merge two client records"),
                    ("lang", "en"),
                    ("body", "Open Clients, tick both and choose Merge.\n"),
                    ("from_ticket", &ticket.id.to_string()),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let db = shut_down(app).await;
        let audit = db.list_audit_entries(None, 10).await.expect("audit");
        assert!(
            audit.iter().any(|e| e.action == "article.create"
                && e.target == "merge-two-client-records"
                && e.details.contains("AD-")),
            "{audit:?}"
        );
    }
}

#[tokio::test]
async fn invalid_fields_come_back_with_everything_typed_and_a_422() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let body = "My long careful text that must not be lost.\n\nSecond paragraph.";
        let response = editor
            .post_form(
                "/editor/articles",
                &[
                    ("title", "A perfectly good title"),
                    ("slug", "Not A Valid Slug!"),
                    ("category", "Invoices"),
                    ("tags", "alpha, beta"),
                    ("aliases", "one way\nanother way"),
                    ("lang", "english please"),
                    ("translation_of", "no-such-article"),
                    ("body", body),
                    ("action", "publish"),
                ],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.backend
        );
        for kept in [
            "value=\"A perfectly good title\"",
            "value=\"Not A Valid Slug!\"",
            "value=\"alpha, beta\"",
            "one way\nanother way",
            "value=\"no-such-article\"",
            "My long careful text that must not be lost.\n\nSecond paragraph.",
        ] {
            assert!(response.body.contains(kept), "{kept:?} kept in the form");
        }
        assert!(response.body.contains("slug-error"));
        assert!(response.body.contains("lang-error"));
        assert!(
            response
                .body
                .contains("name=\"new_category\" value=\"Invoices\""),
            "a category the (unknown) language does not use comes back as a new one, kept"
        );
        assert!(response.body.contains("No article has the slug"));

        // Taking another article's slug is refused too, when editing.
        let article = stored(&app, "change-your-plan").await.expect("article");
        let clash = save(
            &mut editor,
            &article,
            &[("slug", "reset-your-password"), ("body", "kept text")],
            "save",
        )
        .await;
        assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(clash.body.contains("Another article already uses"));
        assert!(clash.body.contains("kept text"));
        assert_eq!(
            stored(&app, "change-your-plan")
                .await
                .expect("unchanged")
                .revision,
            article.revision
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn every_editor_change_lands_in_the_audit_log() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        create(&mut editor, "Audit me", "Text.\n", "save").await;
        let article = stored(&app, "audit-me").await.expect("article");
        save(
            &mut editor,
            &article,
            &[("body", "Changed text.\n")],
            "publish",
        )
        .await;
        let article = stored(&app, "audit-me").await.expect("article");
        save(&mut editor, &article, &[("slug", "audited")], "unpublish").await;
        let article = stored(&app, "audited").await.expect("article");
        save(&mut editor, &article, &[], "archive").await;
        editor
            .post_form(
                "/editor/articles/audited/revisions/1/restore",
                &[("base_revision", "4")],
            )
            .await;

        let db: Database = shut_down(app).await;
        let entries = db.list_audit_entries(None, 20).await.expect("audit");
        let actions: Vec<(&str, &str)> = entries
            .iter()
            .filter(|e| e.actor_email == "editor@example.com" && e.action.starts_with("article."))
            .map(|e| (e.action.as_str(), e.target.as_str()))
            .collect();
        assert_eq!(
            actions,
            vec![
                ("article.restore", "audited"),
                ("article.archive", "audited"),
                ("article.unpublish", "audited"),
                ("article.publish", "audit-me"),
                ("article.create", "audit-me"),
            ],
            "[{}]",
            database.name
        );
        let rename = entries
            .iter()
            .find(|e| e.action == "article.unpublish")
            .expect("rename entry");
        assert!(
            rename.details.contains("audit-me → audited"),
            "{}",
            rename.details
        );
    }
}

#[tokio::test]
async fn articles_that_fail_customers_are_listed_as_needing_attention_with_the_reason() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let vote = |kind: EventKind, slug: &str| EventRow {
            kind,
            occurred_at: answerdesk::storage::now_millis(),
            article_slug: Some(slug.to_owned()),
            ..EventRow::default()
        };
        app.state
            .db
            .insert_events(&[
                vote(EventKind::HelpfulNo, "change-your-plan"),
                vote(EventKind::HelpfulNo, "change-your-plan"),
                vote(EventKind::HelpfulYes, "change-your-plan"),
                // Two votes only: not enough to judge.
                vote(EventKind::HelpfulNo, "connect-stripe"),
                vote(EventKind::HelpfulNo, "connect-stripe"),
                // Mostly helpful.
                vote(EventKind::HelpfulYes, "connect-paypal"),
                vote(EventKind::HelpfulYes, "connect-paypal"),
                vote(EventKind::HelpfulNo, "connect-paypal"),
            ])
            .await
            .expect("events");

        let list = editor.get("/editor?attention=1").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert!(
            list.body.contains("/editor/articles/change-your-plan/edit"),
            "[{}]",
            app.backend
        );
        assert!(list.body.contains("2 of 3 readers said it did not help"));
        assert!(!list.body.contains("/editor/articles/connect-stripe/edit"));
        assert!(!list.body.contains("/editor/articles/connect-paypal/edit"));

        // Filters combine; the whole list is paged.
        let english = editor.get("/editor?lang=en&status=published").await;
        assert!(english.body.contains("change-your-plan"));
        let all = editor.get("/editor").await;
        assert!(all.body.contains("Page 1 of 3"), "117 articles, 50 a page");
        let second = editor.get("/editor?page=2").await;
        assert_eq!(second.status, StatusCode::OK);
        assert!(second.body.contains("Page 2 of 3"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn export_writes_edited_articles_back_to_markdown() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let article = stored(&app, "reset-your-password").await.expect("article");
        let response = save(
            &mut editor,
            &article,
            &[
                ("title", "Reset a forgotten password"),
                ("slug", "reset-a-forgotten-password"),
                ("body", "Edited\r\nwith Windows line endings.\r\n\r\n\r\n"),
                ("tags", "Password, Login"),
            ],
            "publish",
        )
        .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        create(&mut editor, "A fresh draft", "Draft text.\n", "save").await;

        let out = tempfile::tempdir().expect("temp dir");
        export_directory(&app.state.db, out.path())
            .await
            .expect("export");
        let text = std::fs::read_to_string(out.path().join("en/reset-a-forgotten-password.md"))
            .expect("exported file");
        let source = parse_article(&text, "x", "en").expect("the export parses");
        assert_eq!(source.title, "Reset a forgotten password");
        assert_eq!(source.body_markdown, "Edited\nwith Windows line endings.\n");
        assert_eq!(source.tags, vec!["password", "login"]);
        assert_eq!(source.status, ArticleStatus::Published);
        let draft = std::fs::read_to_string(out.path().join("en/a-fresh-draft.md")).expect("draft");
        assert!(draft.contains("status: draft"));

        // Importing the export changes nothing: what editors store is what files hold.
        let report =
            answerdesk::articles::import_directory(&app.state.db, out.path(), "en", "import")
                .await
                .expect("import");
        assert!(
            report.changed_slugs.is_empty(),
            "[{}] {:?}",
            app.backend,
            report.changed_slugs
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn agents_and_customers_cannot_use_the_editor() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        assert_eq!(
            location(&app.get("/editor").await).split('?').next(),
            Some("/login")
        );
        let mut agent = app.sign_in_as("agent").await;
        assert_eq!(agent.get("/editor").await.status, StatusCode::FORBIDDEN);
        let preview = agent
            .send_json(
                "POST",
                "/api/editor/preview",
                Some(&json!({ "markdown": "x" })),
            )
            .await;
        assert_eq!(preview.status, StatusCode::FORBIDDEN);
        let mut admin = app.sign_in_as("admin").await;
        assert_eq!(admin.get("/editor").await.status, StatusCode::OK);
        shut_down(app).await;
    }
}

/// The `<option>` values of the category select on an editor page.
fn category_options(page: &str) -> Vec<String> {
    let select = page
        .split("<select id=\"category\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("the form has a category select");
    select
        .split("<option value=\"")
        .skip(1)
        .map(|option| option.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

/// The new-article form's fields with the given category choice.
fn new_article_fields<'a>(
    title: &'a str,
    lang: &'a str,
    category: &'a str,
    new_category: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("slug", ""),
        ("category", category),
        ("new_category", new_category),
        ("tags", ""),
        ("aliases", ""),
        ("lang", lang),
        ("translation_of", ""),
        ("body", "Some helpful words."),
        ("action", "publish"),
    ]
}

#[tokio::test]
async fn editor_picks_a_category_of_the_language_and_a_typo_never_makes_a_new_one() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut editor = app.sign_in_as("editor").await;

        // The form offers the English categories, no category, and an explicit new one.
        let form = editor.get("/editor/articles/new").await;
        assert_eq!(form.status, StatusCode::OK);
        let options = category_options(&form.body);
        assert_eq!(options.first().map(String::as_str), Some(""), "no category");
        assert_eq!(options.last().map(String::as_str), Some("+new"));
        assert!(
            options.contains(&"Invoices and quotes".to_owned()),
            "{options:?}"
        );
        assert!(
            !options.contains(&"Norēķini un abonements".to_owned()),
            "another language's categories are not offered: {options:?}"
        );
        assert!(form.body.contains("name=\"new_category\""));

        // Without scripts, a preview in Latvian lists the Latvian categories.
        let mut latvian = new_article_fields("Rēķins", "lv", "", "");
        latvian.retain(|(name, _)| *name != "action");
        latvian.push(("action", "preview"));
        let preview = editor.post_form("/editor/articles", &latvian).await;
        assert_eq!(preview.status, StatusCode::OK, "[{backend}]");
        let options = category_options(&preview.body);
        assert!(
            options.contains(&"Norēķini un abonements".to_owned()),
            "{options:?}"
        );
        assert!(!options.contains(&"Invoices and quotes".to_owned()));

        // A typo is refused with a message naming the field; nothing is stored.
        let typo = editor
            .post_form(
                "/editor/articles",
                &new_article_fields("Pay by card", "en", "Invoices and quote", ""),
            )
            .await;
        assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(typo.body.contains("id=\"category-error\""), "{}", typo.body);
        assert!(
            typo.body
                .contains("Category: no en article uses the category")
        );
        assert!(stored(&app, "pay-by-card").await.is_none());

        // A new name typed while an existing category is picked is not quietly dropped.
        let mixed = editor
            .post_form(
                "/editor/articles",
                &new_article_fields("Pay by card", "en", "Invoices and quotes", "Cards"),
            )
            .await;
        assert_eq!(mixed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(mixed.body.contains("id=\"new_category-error\""));

        // "New category…" without a name.
        let unnamed = editor
            .post_form(
                "/editor/articles",
                &new_article_fields("Pay by card", "en", "+new", "  "),
            )
            .await;
        assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unnamed.body.contains("Name the new category"));

        // A category spelled differently (case) is the existing one, spelled as it is.
        let spelled = editor
            .post_form(
                "/editor/articles",
                &new_article_fields("Pay by card", "en", "invoices AND quotes", ""),
            )
            .await;
        assert_eq!(spelled.status, StatusCode::SEE_OTHER, "{}", spelled.body);
        let article = stored(&app, "pay-by-card").await.expect("stored");
        assert_eq!(article.category, "Invoices and quotes");

        // The explicit choice creates a new category, offered from then on.
        let created = editor
            .post_form(
                "/editor/articles",
                &new_article_fields("Quetzalpay payouts", "en", "+new", "Quetzalpay"),
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let article = stored(&app, "quetzalpay-payouts").await.expect("stored");
        assert_eq!(article.category, "Quetzalpay");
        let edit = editor.get("/editor/articles/quetzalpay-payouts/edit").await;
        let options = category_options(&edit.body);
        assert!(options.contains(&"Quetzalpay".to_owned()));
        assert!(
            edit.body.contains("<option value=\"Quetzalpay\" selected>"),
            "the article's category is chosen"
        );
        // "New category…" with a name that exists is that category, not a second one.
        let again = editor
            .post_form(
                "/editor/articles",
                &new_article_fields("Quetzalpay refunds", "en", "+new", "quetzalpay"),
            )
            .await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        let article = stored(&app, "quetzalpay-refunds").await.expect("stored");
        assert_eq!(article.category, "Quetzalpay");
        shut_down(app).await;
    }
}

/// A ticket filed (yesterday) by a customer who had opened `opened`.
fn ticket_after_reading(token: &str, opened: &str) -> answerdesk::storage::NewTicket {
    use answerdesk::deflection::Channel;
    use answerdesk::tickets::ticket::{filed_line, next_sla_due};
    use answerdesk::tickets::{TicketPriority, TicketStatus};
    let now = answerdesk::storage::now_millis();
    let due = now + 86_400_000;
    answerdesk::storage::NewTicket {
        draft_id: None,
        status_token: format!("{token:0>48}"),
        name: "Ann".into(),
        email: "ann@example.com".into(),
        subject: "Help".into(),
        description: "Please help".into(),
        category: String::new(),
        lang: "en".into(),
        tags: vec![],
        matched_rules: vec![],
        priority: TicketPriority::Medium,
        status: TicketStatus::New,
        channel: Channel::WebForm,
        first_response_due: due,
        resolution_due: due,
        sla_due_at: next_sla_due(TicketStatus::New, None, due, due),
        suggested_articles: vec![opened.to_owned()],
        opened_articles: vec![opened.to_owned()],
        history: filed_line(Channel::WebForm, TicketPriority::Medium, &[], &[]),
        created_at: now - 86_400_000,
    }
}

/// The article slugs of the editors' list page, top to bottom.
fn listed_slugs(page: &str) -> Vec<String> {
    page.split("<a href=\"/editor/articles/")
        .skip(1)
        .filter_map(|rest| rest.split("/edit\"").next())
        .filter(|slug| !slug.contains('"') && *slug != "new")
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_article_list_shows_views_votes_and_tickets_after_reading_and_sorts_by_them() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut editor = app.sign_in_as("editor").await;
        let event = |kind: EventKind, slug: &str| EventRow {
            kind,
            occurred_at: answerdesk::storage::now_millis(),
            article_slug: Some(slug.to_owned()),
            ..EventRow::default()
        };
        let mut events = Vec::new();
        events.extend((0..5).map(|_| event(EventKind::ArticleViewed, "connect-paypal")));
        events.extend((0..2).map(|_| event(EventKind::ArticleViewed, "connect-stripe")));
        events.push(event(EventKind::ArticleViewed, "change-your-plan"));
        events.push(event(EventKind::HelpfulYes, "connect-stripe"));
        events.extend((0..3).map(|_| event(EventKind::HelpfulNo, "change-your-plan")));
        app.state.db.insert_events(&events).await.expect("events");
        let email = |_| {
            Ok::<_, answerdesk::storage::StorageError>(answerdesk::storage::OutgoingEmail {
                recipient: "ann@example.com".into(),
                subject: "s".into(),
                body: "b".into(),
            })
        };
        for token in ["t1", "t2"] {
            app.state
                .db
                .insert_ticket(&ticket_after_reading(token, "connect-stripe"), email)
                .await
                .expect("ticket");
        }

        // Most viewed first, the figures in their own columns.
        let by_views = editor.get("/editor?lang=en&sort=views").await;
        assert_eq!(
            by_views.status,
            StatusCode::OK,
            "[{backend}] {}",
            by_views.body
        );
        let slugs = listed_slugs(&by_views.body);
        assert_eq!(
            slugs[..3],
            ["connect-paypal", "connect-stripe", "change-your-plan"],
            "[{backend}]"
        );
        let row = by_views
            .body
            .split("/editor/articles/connect-stripe/edit")
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .expect("the row");
        for cell in [
            "data-label=\"Views\">2<",
            "data-label=\"Helpful\">1<",
            "data-label=\"Not helpful\">0<",
            "data-label=\"Tickets after reading\">2<",
        ] {
            assert!(row.contains(cell), "[{backend}] {cell} in {row}");
        }
        assert!(by_views.body.contains("aria-sort=\"descending\""));

        // The heading turns the order round and keeps the filters.
        assert!(
            by_views.body.contains(
                "href=\"/editor?status=&amp;lang=en&amp;category=&amp;q=&amp;attention=&amp;sort=views&amp;order=asc\""
            ),
            "{}",
            by_views.body
        );
        let ascending = editor.get("/editor?lang=en&sort=views&order=asc").await;
        let slugs = listed_slugs(&ascending.body);
        assert!(
            !slugs[..3].contains(&"connect-paypal".to_owned()),
            "{slugs:?}"
        );
        assert!(ascending.body.contains("aria-sort=\"ascending\""));

        for (sort, first) in [
            ("unhelpful", "change-your-plan"),
            ("tickets", "connect-stripe"),
            ("helpful", "connect-stripe"),
        ] {
            let page = editor.get(&format!("/editor?lang=en&sort={sort}")).await;
            assert_eq!(
                listed_slugs(&page.body).first().map(String::as_str),
                Some(first),
                "[{backend}] sorted by {sort}"
            );
        }
        let by_title = editor.get("/editor?sort=title&order=asc&lang=en").await;
        let titles: Vec<String> = by_title
            .body
            .split("/edit\">")
            .skip(1)
            .filter_map(|rest| rest.split("</a>").next())
            .map(str::to_lowercase)
            .collect();
        assert_eq!(titles.len(), 50, "a full page of the 53 English articles");
        // By first letter: the database's collation decides the finer order.
        assert!(
            titles.windows(2).all(|pair| pair[0][..1] <= pair[1][..1]),
            "A to Z: {titles:?}"
        );
        assert!(
            by_title
                .body
                .contains("sort=title&amp;order=asc&amp;page=2"),
            "the pager keeps the order"
        );

        // An unknown column or direction is a clear 400, not a 500.
        let unknown = editor.get("/editor?sort=password").await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        assert!(unknown.body.contains("Cannot sort by"), "{}", unknown.body);
        let sideways = editor.get("/editor?sort=views&order=sideways").await;
        assert_eq!(sideways.status, StatusCode::BAD_REQUEST);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_editor_puts_an_article_in_a_section_and_the_category_page_heads_it() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let backend = app.backend;
        let mut editor = app.sign_in_as("editor").await;
        let article = stored(&app, "invoice-statuses-explained")
            .await
            .expect("article");
        let form = editor
            .get("/editor/articles/invoice-statuses-explained/edit")
            .await
            .body;
        assert!(form.contains("<label for=\"section\">Section"), "{form}");
        // The sections in use are offered as the editor types.
        assert!(
            form.contains("<option value=\"Getting paid\">"),
            "[{backend}]"
        );

        let saved = save(
            &mut editor,
            &article,
            &[("section", "  Getting   paid ")],
            "publish",
        )
        .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            saved.body
        );
        let article = stored(&app, "invoice-statuses-explained")
            .await
            .expect("article");
        assert_eq!(article.section, "Getting paid", "[{backend}]");
        let edit_again = editor
            .get("/editor/articles/invoice-statuses-explained/edit")
            .await
            .body;
        assert!(edit_again.contains("name=\"section\" value=\"Getting paid\""));
        let page = app.get("/en/categories/invoices-and-quotes").await.body;
        let paid = page
            .find("id=\"section-getting-paid\"")
            .expect("section heading");
        let listed = page
            .find("href=\"/en/articles/invoice-statuses-explained\"")
            .expect("listed");
        assert!(paid < listed, "[{backend}] under Getting paid");
        // Every article has a section now: no "Other articles" heading is left.
        assert!(!page.contains("section-other"), "[{backend}]");

        // A section without a category is refused with a message, nothing saved.
        let refused = save(
            &mut editor,
            &article,
            &[("category", ""), ("section", "Loose")],
            "save",
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            refused
                .body
                .contains("A section groups articles within a category")
        );
        shut_down(app).await;
    }
}
