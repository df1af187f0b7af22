//! The agents' inbox and ticket page: filters, counts, SLA order, paging, replies that reach the
//! customer, internal notes that never do, status/priority/tags/assignee changes with history
//! and audit entries, bulk actions, canned responses — on every database backend.

mod common;

use answerdesk::i18n::{Language, long_date};
use answerdesk::storage::{Database, OutboxEmail, now_millis};
use answerdesk::tickets::agent_work::display_name;
use answerdesk::tickets::inbox::{InboxFilter, NO_SLA_DUE, StatusView, inbox_page};
use answerdesk::tickets::{AuthorKind, Ticket, TicketPriority, TicketStatus};
use axum::http::StatusCode;
use common::{
    Staff, TestApp, TestDatabase, events_recorded, location, post_json, shipped_content, shut_down,
    spawn_app_with, test_databases,
};
use serde_json::json;

const HOUR: i64 = 3_600_000;

async fn start(database: &TestDatabase) -> TestApp {
    // Many tickets come from one address in these tests: no filing rate limit.
    spawn_app_with(database, &shipped_content(), |config| {
        config.ticket_rate_limit = 0
    })
    .await
}

/// A filed ticket: its id and the path of the customer's private status page.
struct Filed {
    id: i64,
    status_path: String,
}

async fn file(app: &TestApp, email: &str, subject: &str, description: &str) -> Filed {
    let response = post_json(
        app,
        "/api/tickets",
        &json!({"name": "Ann Customer", "email": email, "subject": subject, "description": description}),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let created: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
    let id = created["reference"]
        .as_str()
        .and_then(|r| r.strip_prefix("AD-"))
        .and_then(|digits| digits.parse().ok())
        .expect("reference");
    let status_url = created["status_url"].as_str().expect("status url");
    let status_path = format!("/tickets/{}", status_url.rsplit('/').next().expect("token"));
    Filed { id, status_path }
}

/// Files a ticket through the request form in language `code` (`/{code}/request/new`).
async fn file_in_language(
    app: &TestApp,
    code: &str,
    name: &str,
    email: &str,
    subject: &str,
) -> Filed {
    let mut customer = app.customer();
    let opened = customer.get(&format!("/{code}/request/new")).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    customer.get(&location(&opened)).await;
    let draft = location(&opened)
        .split("draft=")
        .nth(1)
        .expect("draft id")
        .to_owned();
    let csrf = customer.csrf_token();
    let filed = customer
        .post_form(
            &format!("/{code}/request"),
            &[
                ("draft", &draft),
                ("csrf_token", &csrf),
                ("name", name),
                ("email", email),
                ("subject", subject),
                ("description", "Подробности / details / podrobnosti."),
                ("step", "file"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let status_path = location(&filed).replace("?filed=1", "");
    let token = status_path.trim_start_matches("/tickets/");
    let stored = app
        .state
        .db
        .find_ticket_by_status_token(token)
        .await
        .expect("query")
        .expect("filed");
    Filed {
        id: stored.id,
        status_path,
    }
}

/// The emails queued for `recipient`, oldest first.
async fn emails_to(db: &Database, recipient: &str) -> Vec<OutboxEmail> {
    db.unsent_emails(500)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|email| email.recipient == recipient)
        .collect()
}

/// Today (UTC) as `language` writes it, as the emails date things.
fn today_in(language: Language) -> String {
    long_date(language, &answerdesk::display::date(now_millis()))
}

/// The days an email written between `before` and now may carry (two around midnight).
fn days_since(before: String, language: Language) -> Vec<String> {
    let mut days = vec![before, today_in(language)];
    days.dedup();
    days
}

async fn ticket(db: &Database, id: i64) -> Ticket {
    db.find_ticket_by_id(id)
        .await
        .expect("query")
        .expect("ticket exists")
}

async fn history(db: &Database, id: i64) -> Vec<String> {
    db.ticket_history(id)
        .await
        .expect("history")
        .into_iter()
        .map(|(actor, change, _)| format!("{actor}: {change}"))
        .collect()
}

async fn audit_actions(db: &Database) -> Vec<(String, String)> {
    db.list_audit_entries(None, 500)
        .await
        .expect("audit")
        .into_iter()
        .map(|entry| (entry.action, entry.target))
        .collect()
}

/// How many ticket rows an inbox page shows.
fn rows_shown(body: &str) -> usize {
    body.matches("name=\"ticket\" value=").count()
}

async fn post_ok(agent: &mut Staff<'_>, path: &str, fields: &[(&str, &str)]) {
    let response = agent.post_form(path, fields).await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{path}: {}",
        response.body
    );
}

fn position(body: &str, text: &str) -> usize {
    body.find(text)
        .unwrap_or_else(|| panic!("{text:?} not on the page"))
}

#[tokio::test]
async fn inbox_shows_active_tickets_most_overdue_first_and_filters_narrow_the_view() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let alpha = file(&app, "a@example.com", "Alpha question", "How do I export?").await;
        let bravo = file(
            &app,
            "b@example.com",
            "Bravo question",
            "Where is my invoice?",
        )
        .await;
        let charlie = file(
            &app,
            "c@example.com",
            "Charlie question",
            "Can I rename it?",
        )
        .await;
        let delta = file(&app, "d@example.com", "Delta finished", "Thanks").await;
        let now = now_millis();
        db.set_ticket_due_times(alpha.id, now + 5 * HOUR, now + 48 * HOUR)
            .await
            .expect("due");
        db.set_ticket_due_times(bravo.id, now - 2 * HOUR, now + 48 * HOUR)
            .await
            .expect("due");
        db.set_ticket_due_times(charlie.id, now + HOUR / 2, now + 48 * HOUR)
            .await
            .expect("due");
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/status", delta.id),
            &[("value", "closed")],
        )
        .await;

        let inbox = agent.get("/agent").await;
        assert_eq!(inbox.status, StatusCode::OK, "[{}]", app.backend);
        let body = &inbox.body;
        assert_eq!(rows_shown(body), 3, "[{}] {body}", app.backend);
        assert!(!body.contains("Delta finished"), "closed is not active");
        // Default order: the next SLA due time, most overdue first.
        assert!(position(body, "Bravo question") < position(body, "Charlie question"));
        assert!(position(body, "Charlie question") < position(body, "Alpha question"));
        assert!(body.contains("Active <span class=\"tab-count\">3</span>"));
        assert!(body.contains("closed <span class=\"tab-count\">1</span>"));
        assert!(body.contains("SLA breached <span class=\"tab-count\">1</span>"));
        assert!(body.contains("Due within an hour <span class=\"tab-count\">1</span>"));

        let breached = agent.get("/agent?sla=breached").await.body;
        assert_eq!(rows_shown(&breached), 1);
        assert!(breached.contains("Bravo question"));
        let due_soon = agent.get("/agent?sla=due-soon").await.body;
        assert_eq!(rows_shown(&due_soon), 1);
        assert!(due_soon.contains("Charlie question"));
        let closed = agent.get("/agent?status=closed").await.body;
        assert_eq!(rows_shown(&closed), 1);
        assert!(closed.contains("Delta finished"));
        let everything = agent.get("/agent?status=all&sort=newest").await.body;
        assert_eq!(rows_shown(&everything), 4);
        assert!(position(&everything, "Delta finished") < position(&everything, "Alpha question"));

        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/priority", alpha.id),
            &[("value", "urgent")],
        )
        .await;
        let urgent = agent.get("/agent?priority=urgent").await.body;
        assert_eq!(rows_shown(&urgent), 1);
        assert!(urgent.contains("Alpha question"));
        let by_priority = agent.get("/agent?sort=priority").await.body;
        assert!(
            position(&by_priority, "Alpha question") < position(&by_priority, "Bravo question")
        );

        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/tags", bravo.id),
            &[("value", "VIP, refund")],
        )
        .await;
        let vip = agent.get("/agent?tag=vip").await.body;
        assert_eq!(rows_shown(&vip), 1);
        assert!(vip.contains("Bravo question"));

        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/assignee", charlie.id),
            &[("value", "me")],
        )
        .await;
        let mine = agent.get("/agent?assignee=mine").await.body;
        assert_eq!(rows_shown(&mine), 1);
        assert!(mine.contains("Charlie question"));
        assert!(mine.contains("Mine <span class=\"tab-count\">1</span>"));
        let unassigned = agent.get("/agent?assignee=unassigned").await.body;
        assert_eq!(rows_shown(&unassigned), 2);
        assert!(!unassigned.contains("Charlie question"));
        let combined = agent
            .get("/agent?assignee=unassigned&sla=breached&tag=refund")
            .await
            .body;
        assert_eq!(rows_shown(&combined), 1);
        assert!(combined.contains("Bravo question"));

        assert_eq!(
            agent.get("/agent?status=bogus").await.status,
            StatusCode::BAD_REQUEST
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn tags_set_by_the_rules_at_filing_are_filterable() {
    for database in test_databases().await {
        let app = start(&database).await;
        let mut agent = app.sign_in_as("agent").await;
        file(
            &app,
            "a@example.com",
            "Everything is down",
            "Total outage since noon",
        )
        .await;
        file(
            &app,
            "b@example.com",
            "Colour question",
            "Can I change the colour?",
        )
        .await;
        let outage = agent.get("/agent?tag=outage").await.body;
        assert_eq!(rows_shown(&outage), 1, "[{}]", app.backend);
        assert!(outage.contains("Everything is down"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn inbox_pages_hold_fifty_tickets_in_sla_order() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        common::history::seed_inbox_tickets(&db, 120, &[agent.user.id]).await;
        let first = agent.get("/agent?status=all").await.body;
        assert_eq!(rows_shown(&first), 50, "[{}]", app.backend);
        assert!(first.contains("page 1 of 3"));
        assert!(first.contains("page=2"));
        let last = agent.get("/agent?status=all&page=3").await.body;
        assert_eq!(rows_shown(&last), 20);

        let mut due_times = Vec::new();
        for page in 1..=3 {
            let filter = InboxFilter {
                status: StatusView::All,
                page,
                ..InboxFilter::default()
            };
            let shown = inbox_page(&db, &filter, &agent.user, now_millis())
                .await
                .expect("page");
            assert_eq!(shown.total, 120);
            due_times.extend(shown.rows.iter().map(|row| row.sla_due_at));
        }
        assert_eq!(due_times.len(), 120);
        assert!(due_times.windows(2).all(|pair| pair[0] <= pair[1]));
        // Resolved and closed tickets have no running clock and come last.
        assert_eq!(due_times.last(), Some(&NO_SLA_DUE));
        assert!(due_times.first() < Some(&NO_SLA_DUE));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_agent_reply_reaches_the_status_page_and_the_customer_by_email() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let filed = file(
            &app,
            "ann@example.com",
            "Cannot sign in",
            "It says wrong password",
        )
        .await;
        assert!(ticket(&db, filed.id).await.first_responded_at.is_none());

        let response = agent
            .post_form(
                &format!("/agent/tickets/{}/reply", filed.id),
                &[
                    ("body", "Please reset your password from the sign-in page."),
                    ("status", ""),
                ],
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
            format!("/agent/tickets/{}?done=reply", filed.id)
        );

        let stored = ticket(&db, filed.id).await;
        assert_eq!(stored.status, TicketStatus::Answered);
        let first_response = stored.first_responded_at.expect("first response stamped");
        assert_eq!(
            stored.sla_due_at, NO_SLA_DUE,
            "nothing is due while the ticket waits on the customer"
        );
        assert!(stored.sla_paused_at.is_some());

        let mut customer = app.customer();
        let page = customer.get(&filed.status_path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("Please reset your password from the sign-in page.")
        );
        assert!(
            page.body.contains("<strong>agent</strong>"),
            "the agent's name"
        );

        let emails = db.unsent_emails(10).await.expect("outbox");
        let reply = emails
            .iter()
            .find(|email| email.body.contains("Please reset your password"))
            .expect("reply emailed");
        assert_eq!(reply.recipient, "ann@example.com");
        assert!(reply.subject.contains("Re: Cannot sign in"));
        assert!(reply.body.contains(&filed.status_path), "{}", reply.body);

        let messages = db.ticket_messages(filed.id, false).await.expect("messages");
        let agent_message = messages
            .iter()
            .find(|m| m.author_kind == AuthorKind::Agent)
            .expect("agent message");
        assert_eq!(agent_message.author_user_id, Some(agent.user.id));
        assert!(!agent_message.internal);

        // A second reply keeps the first response time and can keep the status.
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/reply", filed.id),
            &[("body", "Any luck?"), ("status", "keep")],
        )
        .await;
        let stored = ticket(&db, filed.id).await;
        assert_eq!(stored.first_responded_at, Some(first_response));
        assert_eq!(stored.status, TicketStatus::Answered);

        let empty = agent
            .post_form(
                &format!("/agent/tickets/{}/reply", filed.id),
                &[("body", "  ")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Please write a message first."));
        assert!(
            history(&db, filed.id)
                .await
                .iter()
                .any(|h| h == "agent@example.com: replied to the customer")
        );
        assert!(
            audit_actions(&db)
                .await
                .contains(&("ticket.reply".to_owned(), format!("AD-{:06}", filed.id)))
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_internal_note_is_never_shown_or_emailed_to_the_customer() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let filed = file(&app, "ann@example.com", "Invoice wrong", "The total is off").await;
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/note", filed.id),
            &[("body", "SECRET-NOTE: legacy plan, check with finance")],
        )
        .await;
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/reply", filed.id),
            &[("body", "We are looking into it.")],
        )
        .await;

        let staff_page = agent
            .get(&format!("/agent/tickets/{}", filed.id))
            .await
            .body;
        assert!(staff_page.contains("SECRET-NOTE"), "[{}]", app.backend);
        assert!(staff_page.contains("internal note"));

        let mut customer = app.customer();
        let page = customer.get(&filed.status_path).await.body;
        assert!(page.contains("We are looking into it."));
        assert!(
            !page.contains("SECRET-NOTE"),
            "[{}] note leaked: {page}",
            app.backend
        );
        for email in db.unsent_emails(50).await.expect("outbox") {
            assert!(!email.body.contains("SECRET-NOTE"));
            assert!(!email.subject.contains("SECRET-NOTE"));
        }
        let stored = ticket(&db, filed.id).await;
        // A note is no response to the customer: only the reply stamped the clock.
        assert!(stored.first_responded_at.is_some());
        assert!(
            history(&db, filed.id)
                .await
                .iter()
                .any(|h| h.ends_with("added an internal note"))
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_note_alone_does_not_stop_the_first_response_clock() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let filed = file(&app, "ann@example.com", "Question", "Hello").await;
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/note", filed.id),
            &[("body", "Looking")],
        )
        .await;
        let stored = ticket(&db, filed.id).await;
        assert!(stored.first_responded_at.is_none(), "[{}]", app.backend);
        assert_eq!(stored.status, TicketStatus::New);
        assert_eq!(
            db.unsent_emails(50).await.expect("outbox").len(),
            1,
            "only the confirmation"
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn resolving_records_who_and_when_and_a_customer_reply_reopens() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let filed = file(
            &app,
            "ann@example.com",
            "Export fails",
            "CSV export is empty",
        )
        .await;
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/status", filed.id),
            &[("value", "resolved")],
        )
        .await;
        let stored = ticket(&db, filed.id).await;
        assert_eq!(stored.status, TicketStatus::Resolved, "[{}]", app.backend);
        assert!(stored.resolved_at.is_some());
        assert_eq!(stored.resolved_by, Some(agent.user.id));
        assert_eq!(stored.sla_due_at, NO_SLA_DUE);
        assert!(
            history(&db, filed.id)
                .await
                .contains(&"agent@example.com: status: new → resolved".to_owned())
        );
        assert!(
            audit_actions(&db)
                .await
                .iter()
                .any(|(action, _)| action == "ticket.status")
        );
        let page = agent
            .get(&format!("/agent/tickets/{}", filed.id))
            .await
            .body;
        assert!(!page.contains("Turn into article"), "an agent is no editor");

        let mut customer = app.customer();
        customer.get(&filed.status_path).await;
        let csrf = customer.csrf_token();
        customer
            .post_form(
                &format!("{}/reply", filed.status_path),
                &[("csrf_token", &csrf), ("body", "Still broken")],
            )
            .await;
        let stored = ticket(&db, filed.id).await;
        assert_eq!(stored.status, TicketStatus::Open);
        assert_eq!(stored.resolved_by, None);
        assert!(stored.resolved_at.is_none());
        assert_ne!(stored.sla_due_at, NO_SLA_DUE);

        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/status", filed.id),
            &[("value", "closed")],
        )
        .await;
        let refused = agent
            .post_form(
                &format!("/agent/tickets/{}/status", filed.id),
                &[("value", "resolved")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("reopen it first"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_admin_sees_turn_into_article_on_a_resolved_ticket() {
    for database in test_databases().await {
        let app = start(&database).await;
        let mut admin = app.sign_in_as("admin").await;
        let filed = file(
            &app,
            "ann@example.com",
            "Export fails",
            "CSV export is empty",
        )
        .await;
        post_ok(
            &mut admin,
            &format!("/agent/tickets/{}/status", filed.id),
            &[("value", "resolved")],
        )
        .await;
        let page = admin
            .get(&format!("/agent/tickets/{}", filed.id))
            .await
            .body;
        assert!(
            page.contains(&format!("/editor/articles/new?from_ticket={}", filed.id)),
            "[{}]",
            app.backend
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn assignee_priority_and_tags_changes_land_in_history_and_audit() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let colleague = app
            .sign_in_with_email("agent", "colleague@example.com")
            .await;
        let editor = app.sign_in_as("editor").await;
        let filed = file(&app, "ann@example.com", "Question", "Hello there").await;
        let before = ticket(&db, filed.id).await;

        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/assignee", filed.id),
            &[("value", &colleague.user.id.to_string())],
        )
        .await;
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/priority", filed.id),
            &[("value", "urgent")],
        )
        .await;
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/tags", filed.id),
            &[("value", "VIP, billing, vip")],
        )
        .await;
        let stored = ticket(&db, filed.id).await;
        assert_eq!(
            stored.assignee_id,
            Some(colleague.user.id),
            "[{}]",
            app.backend
        );
        assert_eq!(stored.priority, TicketPriority::Urgent);
        assert!(
            stored.first_response_due < before.first_response_due,
            "urgent is due sooner"
        );
        assert_eq!(stored.sla_due_at, stored.first_response_due);
        assert_eq!(stored.tags, vec!["vip", "billing"]);

        let entries = history(&db, filed.id).await;
        assert!(
            entries.contains(&"agent@example.com: assigned to colleague@example.com".to_owned())
        );
        assert!(entries.iter().any(|h| h.contains("priority: low → urgent")));
        assert!(entries.contains(&"agent@example.com: tags: (none) → vip, billing".to_owned()));
        let actions = audit_actions(&db).await;
        let reference = format!("AD-{:06}", filed.id);
        for action in ["ticket.assign", "ticket.priority", "ticket.tags"] {
            assert!(
                actions.contains(&(action.to_owned(), reference.clone())),
                "{action}"
            );
        }

        // Tag rows follow the list: the old ones go, the new ones are found.
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/tags", filed.id),
            &[("value", "billing")],
        )
        .await;
        assert_eq!(rows_shown(&agent.get("/agent?tag=vip").await.body), 0);
        assert_eq!(rows_shown(&agent.get("/agent?tag=billing").await.body), 1);

        let refused = agent
            .post_form(
                &format!("/agent/tickets/{}/assignee", filed.id),
                &[("value", &editor.user.id.to_string())],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let bad_tag = agent
            .post_form(
                &format!("/agent/tickets/{}/tags", filed.id),
                &[("value", "ok, not/ok")],
            )
            .await;
        assert_eq!(bad_tag.status, StatusCode::UNPROCESSABLE_ENTITY);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn bulk_actions_assign_and_set_status_on_each_selected_ticket() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let one = file(&app, "a@example.com", "One", "First").await;
        let two = file(&app, "b@example.com", "Two", "Second").await;
        let three = file(&app, "c@example.com", "Three", "Third").await;
        let (one_id, two_id) = (one.id.to_string(), two.id.to_string());
        let response = agent
            .post_form(
                "/agent/bulk",
                &[
                    ("ticket", &one_id),
                    ("ticket", &two_id),
                    ("assignee", "me"),
                    ("status", "postponed"),
                    ("add_tag", "batch"),
                    ("return_to", "/agent?sort=newest"),
                ],
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
            "/agent?sort=newest&changed=2&skipped=0"
        );
        for id in [one.id, two.id] {
            let stored = ticket(&db, id).await;
            assert_eq!(stored.status, TicketStatus::Postponed);
            assert_eq!(stored.assignee_id, Some(agent.user.id));
            assert_eq!(stored.tags, vec!["batch"]);
            let entries = history(&db, id).await;
            assert!(entries.contains(&"agent@example.com: status: new → postponed".to_owned()));
            assert!(
                entries.contains(&"agent@example.com: assigned to agent@example.com".to_owned())
            );
        }
        let untouched = ticket(&db, three.id).await;
        assert_eq!(untouched.status, TicketStatus::New);
        assert_eq!(untouched.assignee_id, None);
        assert_eq!(history(&db, three.id).await.len(), 1);

        let page = agent
            .get("/agent?sort=newest&changed=2&skipped=0")
            .await
            .body;
        assert!(page.contains("2 tickets changed."));

        let none_selected = agent.post_form("/agent/bulk", &[("status", "open")]).await;
        assert_eq!(none_selected.status, StatusCode::BAD_REQUEST);
        let outside = agent
            .post_form(
                "/agent/bulk",
                &[
                    ("ticket", &one_id),
                    ("status", "open"),
                    ("return_to", "https://evil.example/"),
                ],
            )
            .await;
        assert_eq!(location(&outside), "/agent?changed=1&skipped=0");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn canned_responses_are_inserted_with_the_placeholders_filled() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let filed = file(&app, "ann@example.com", "Password", "Forgot it").await;
        post_ok(
            &mut agent,
            "/agent/canned",
            &[
                ("title", "Password reset"),
                ("body", "{{customer_name}}, about {{ticket_reference}}: follow {{status_link}}. {{agent_name}} {{unknown}}"),
            ],
        )
        .await;
        let canned = db.canned_responses().await.expect("canned");
        assert_eq!(canned.len(), 1, "[{}]", app.backend);
        let canned_id = canned[0].id;
        assert!(
            agent
                .get("/agent/canned")
                .await
                .body
                .contains("Password reset")
        );

        let token = filed.status_path.rsplit('/').next().expect("token");
        let expected = format!(
            "Ann Customer, about AD-{:06}: follow {}/tickets/{token}. agent {{{{unknown}}}}",
            filed.id,
            app.state.public_base_url()
        );
        let api = agent
            .send_json(
                "GET",
                &format!("/api/agent/tickets/{}/canned/{canned_id}", filed.id),
                None,
            )
            .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.body);
        let filled: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
        assert_eq!(filled["body"], expected);

        // Without JavaScript the page puts the filled text into the reply box.
        let page = agent
            .get(&format!("/agent/tickets/{}?canned={canned_id}", filed.id))
            .await
            .body;
        assert!(page.contains(&format!("Ann Customer, about AD-{:06}", filed.id)));

        post_ok(
            &mut agent,
            &format!("/agent/canned/{canned_id}"),
            &[("title", "Reset"), ("body", "Thanks, {{customer_name}}")],
        )
        .await;
        assert_eq!(
            db.canned_responses().await.expect("canned")[0].body,
            "Thanks, {{customer_name}}"
        );
        let invalid = agent
            .post_form("/agent/canned", &[("title", ""), ("body", "x")])
            .await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        post_ok(
            &mut agent,
            &format!("/agent/canned/{canned_id}/delete"),
            &[],
        )
        .await;
        assert!(db.canned_responses().await.expect("canned").is_empty());
        let actions = audit_actions(&db).await;
        for action in ["canned.create", "canned.update", "canned.delete"] {
            assert!(actions.iter().any(|(a, _)| a == action), "{action}");
        }
        shut_down(app).await;
    }
}

#[tokio::test]
async fn the_ticket_page_lists_previous_tickets_from_the_same_email() {
    for database in test_databases().await {
        let app = start(&database).await;
        let mut agent = app.sign_in_as("agent").await;
        let first = file(&app, "ann@example.com", "Earlier trouble", "Old").await;
        file(&app, "bob@example.com", "Someone else entirely", "Other").await;
        let latest = file(&app, "ann@example.com", "New trouble", "New").await;
        let page = agent.get(&format!("/agent/tickets/{}", latest.id)).await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.backend);
        assert!(page.body.contains("Earlier trouble"));
        assert!(page.body.contains(&format!("/agent/tickets/{}", first.id)));
        assert!(!page.body.contains("Someone else entirely"));
        assert!(page.body.contains("first response"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn editors_and_customers_cannot_enter_the_agent_area() {
    for database in test_databases().await {
        let app = start(&database).await;
        let filed = file(&app, "ann@example.com", "Question", "Hello").await;
        let mut editor = app.sign_in_as("editor").await;
        assert_eq!(
            editor.get("/agent").await.status,
            StatusCode::FORBIDDEN,
            "[{}]",
            app.backend
        );
        assert_eq!(
            editor
                .get(&format!("/agent/tickets/{}", filed.id))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let note = editor
            .post_form(
                &format!("/agent/tickets/{}/note", filed.id),
                &[("body", "x")],
            )
            .await;
        assert_eq!(note.status, StatusCode::FORBIDDEN);
        let mut customer = app.customer();
        let response = customer.get("/agent").await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert!(location(&response).starts_with("/login"));
        let mut admin = app.sign_in_as("admin").await;
        assert_eq!(admin.get("/agent").await.status, StatusCode::OK);
        assert_eq!(admin.get("/agent/canned").await.status, StatusCode::OK);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_agent_finds_articles_to_link_without_counting_as_a_customer_search() {
    for database in test_databases().await {
        let app = start(&database).await;
        let mut agent = app.sign_in_as("agent").await;
        let response = agent
            .send_json("GET", "/api/agent/articles?q=reset%20password", None)
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let body: serde_json::Value = serde_json::from_str(&response.body).expect("json");
        let articles = body["articles"].as_array().expect("articles");
        assert!(!articles.is_empty(), "{body}");
        assert!(
            articles[0]["url"]
                .as_str()
                .is_some_and(|url| url.starts_with("http") && url.contains("/articles/")),
            "{body}"
        );
        let mut customer = app.customer();
        let refused = customer.get("/api/agent/articles?q=password").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        let db = shut_down(app).await;
        let searches = events_recorded(&db, answerdesk::deflection::EventKind::Search).await;
        assert_eq!(searches, 0, "{}", database.name);
    }
}

#[tokio::test]
async fn an_agent_reply_to_a_russian_ticket_is_emailed_in_russian_with_one_greeting() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let filed = file_in_language(
            &app,
            "ru",
            "Ольга Петрова",
            "olga@example.ru",
            "Не работает экспорт",
        )
        .await;
        assert_eq!(ticket(&db, filed.id).await.lang, "ru", "[{}]", app.backend);
        let reply = "Проверьте, пожалуйста, настройки экспорта в разделе «Отчёты».";
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/reply", filed.id),
            &[("body", reply), ("status", "")],
        )
        .await;

        let emails = emails_to(&db, "olga@example.ru").await;
        assert_eq!(emails.len(), 2, "the confirmation and the reply");
        let reference = format!("AD-{:06}", filed.id);
        assert!(
            emails[0]
                .subject
                .starts_with(&format!("[{reference}] Мы получили Ваше обращение")),
            "{}",
            emails[0].subject
        );
        let email = &emails[1];
        assert_eq!(
            email.subject,
            format!("[{reference}] Re: Не работает экспорт")
        );
        assert_eq!(
            email.body,
            format!(
                "Здравствуйте, Ольга Петрова!\n\n{reply}\n\nС уважением,\n{agent_name}\n\
                 Test Help Centre\n\nОтветить или следить за обращением {reference} можно \
                 здесь:\n{base}{status_path}\n",
                agent_name = display_name(&agent.user),
                base = app.state.public_base_url(),
                status_path = filed.status_path,
            )
        );
        assert_eq!(email.body.matches("Здравствуйте").count(), 1);
        assert_eq!(email.body.matches("С уважением").count(), 1);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn resolving_a_slovenian_ticket_emails_the_resolution_and_a_rating_request_in_slovenian() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let filed =
            file_in_language(&app, "sl", "Ana Novak", "ana@example.si", "Izvoz ne deluje").await;
        let before = today_in(Language::Sl);
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/status", filed.id),
            &[("value", "resolved")],
        )
        .await;
        let days = days_since(before, Language::Sl);
        let reference = format!("AD-{:06}", filed.id);
        let status_link = format!("{}{}", app.state.public_base_url(), filed.status_path);
        let emails = emails_to(&db, "ana@example.si").await;
        assert_eq!(
            emails.len(),
            2,
            "[{}] confirmation and resolution",
            app.backend
        );
        let resolved = &emails[1];
        assert_eq!(
            resolved.subject,
            format!("[{reference}] Vaša zahteva je rešena: Izvoz ne deluje")
        );
        let expected = |today: &String| {
            format!(
                "Pozdravljeni, Ana Novak!\n\nVašo zahtevo {reference} smo označili kot rešeno. \
                 Datum rešitve: {today}.\n\nČe kaj še vedno ne deluje, odgovorite na strani \
                 zahteve in zahteva se bo znova odprla:\n{status_link}\n\nKako smo se odrezali? \
                 Ocenite našo podporo – potreben je le en klik:\n{status_link}#rating-title\n\n\
                 Lep pozdrav\nEkipa Test Help Centre\n"
            )
        };
        assert!(
            days.iter().any(|today| resolved.body == expected(today)),
            "{}\n---\nexpected\n{}",
            resolved.body,
            expected(&days[0])
        );
        // The rating link opens the status page at its rating form.
        let mut customer = app.customer();
        let page = customer.get(&filed.status_path).await.body;
        assert!(page.contains("id=\"rating-title\""), "{page}");

        // Rated, reopened by a reply and resolved again by an agent's reply: that reply says
        // the request is resolved and does not ask for a second rating.
        let csrf = customer.csrf_token();
        customer
            .post_form(
                &format!("{}/rating", filed.status_path),
                &[("csrf_token", &csrf), ("rating", "good")],
            )
            .await;
        customer
            .post_form(
                &format!("{}/reply", filed.status_path),
                &[("csrf_token", &csrf), ("body", "Še eno vprašanje.")],
            )
            .await;
        assert_eq!(ticket(&db, filed.id).await.status, TicketStatus::Open);
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/reply", filed.id),
            &[("body", "Odgovor je v članku."), ("status", "resolved")],
        )
        .await;
        let emails = emails_to(&db, "ana@example.si").await;
        assert_eq!(emails.len(), 3);
        let reply = &emails[2];
        assert!(
            reply.body.contains(&format!(
                "Vašo zahtevo {reference} smo označili kot rešeno. Če kaj še vedno ne deluje"
            )),
            "{}",
            reply.body
        );
        assert!(
            !reply.body.contains("Kako smo se odrezali?"),
            "{}",
            reply.body
        );
        assert_eq!(reply.body.matches("Pozdravljeni").count(), 1);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn resolving_tickets_in_bulk_emails_each_customer_in_their_own_language() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let lithuanian = file_in_language(
            &app,
            "lt",
            "Rūta Kazlauskienė",
            "ruta@example.lt",
            "Sąskaita faktūra",
        )
        .await;
        let english = file(&app, "ann@example.com", "Invoice", "Where is it?").await;
        let (lt_id, en_id) = (lithuanian.id.to_string(), english.id.to_string());
        let before = today_in(Language::Lt);
        post_ok(
            &mut agent,
            "/agent/bulk",
            &[
                ("ticket", &lt_id),
                ("ticket", &en_id),
                ("status", "resolved"),
            ],
        )
        .await;
        let lt_emails = emails_to(&db, "ruta@example.lt").await;
        let resolved = lt_emails.last().expect("emailed");
        assert_eq!(
            resolved.subject,
            format!(
                "[AD-{:06}] Jūsų užklausa išspręsta: Sąskaita faktūra",
                lithuanian.id
            ),
            "[{}]",
            app.backend
        );
        let opening = |today: &String| {
            format!(
                "Laba diena,\n\n{today} Jūsų užklausą AD-{:06} pažymėjome kaip išspręstą.\n",
                lithuanian.id
            )
        };
        assert!(
            days_since(before, Language::Lt)
                .iter()
                .any(|today| resolved.body.starts_with(&opening(today))),
            "{}",
            resolved.body
        );
        assert!(resolved.body.contains("Kaip mums sekėsi?"));
        let en_emails = emails_to(&db, "ann@example.com").await;
        let resolved = en_emails.last().expect("emailed");
        assert_eq!(
            resolved.subject,
            format!(
                "[AD-{:06}] Your request has been resolved: Invoice",
                english.id
            )
        );
        assert!(
            resolved
                .body
                .contains("How did we do? Rate our support in one click:")
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn the_inbox_shows_each_tickets_language_and_filters_by_it() {
    for database in test_databases().await {
        let app = start(&database).await;
        let mut agent = app.sign_in_as("agent").await;
        let latvian = file_in_language(
            &app,
            "lv",
            "Anna Bērziņa",
            "anna@example.lv",
            "Rēķina PDF ir tukšs",
        )
        .await;
        file_in_language(
            &app,
            "ru",
            "Ольга Петрова",
            "olga@example.ru",
            "Не приходит счёт",
        )
        .await;
        // The API knows no browser: its tickets are in the default language.
        file(&app, "ann@example.com", "Invoice missing", "Where is it?").await;

        let inbox = agent.get("/agent").await;
        assert_eq!(inbox.status, StatusCode::OK, "[{}]", app.backend);
        assert!(inbox.body.contains("<th scope=\"col\">Language</th>"));
        for badge in [
            "<span class=\"pill lang-badge\" lang=\"lv\">Latviešu (lv)</span>",
            "<span class=\"pill lang-badge\" lang=\"ru\">Русский (ru)</span>",
            "<span class=\"pill lang-badge\" lang=\"en\">English (en)</span>",
        ] {
            assert!(inbox.body.contains(badge), "{badge} [{}]", app.backend);
        }
        // Each line names its own ticket's language.
        let row_of = |subject: &str| {
            let start = position(&inbox.body, subject);
            let end = inbox.body[start..].find("</tr>").expect("row end") + start;
            inbox.body[start..end].to_owned()
        };
        assert!(row_of("Rēķina PDF ir tukšs").contains("Latviešu (lv)"));
        assert!(row_of("Не приходит счёт").contains("Русский (ru)"));
        assert!(row_of("Invoice missing").contains("English (en)"));

        let only_latvian = agent.get("/agent?lang=lv").await;
        assert_eq!(only_latvian.status, StatusCode::OK);
        assert_eq!(rows_shown(&only_latvian.body), 1);
        assert!(only_latvian.body.contains("Rēķina PDF ir tukšs"));
        assert!(
            only_latvian
                .body
                .contains("<option value=\"lv\" selected>Latviešu (lv)</option>")
        );
        // The status tabs keep the language filter.
        assert!(only_latvian.body.contains("status=all&amp;lang=lv\""));
        assert_eq!(
            agent.get("/agent?lang=de").await.status,
            StatusCode::BAD_REQUEST
        );

        let page = agent
            .get(&format!("/agent/tickets/{}", latvian.id))
            .await
            .body;
        assert!(
            page.contains(
                "language <span class=\"pill lang-badge\" lang=\"lv\">Latviešu (lv)</span>"
            ),
            "{page}"
        );
        assert!(page.contains("gets it by email in Latviešu (lv)"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn inserting_a_canned_response_on_a_slovenian_ticket_picks_the_slovenian_variant() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let mut agent = app.sign_in_as("agent").await;
        let slovenian = file_in_language(
            &app,
            "sl",
            "Ana Novak",
            "ana@example.si",
            "Pozabljeno geslo",
        )
        .await;
        let latvian = file_in_language(
            &app,
            "lv",
            "Anna Bērziņa",
            "anna@example.lv",
            "Aizmirsta parole",
        )
        .await;
        let english = file(&app, "ann@example.com", "Forgot password", "Help").await;

        // Written for the email around it: no greeting, no signature.
        post_ok(
            &mut agent,
            "/agent/canned",
            &[
                ("title", "Password reset"),
                (
                    "body",
                    "You can reset your password from the sign-in page. Your request {{ticket_reference}} stays open until it works.",
                ),
            ],
        )
        .await;
        let canned_id = db.canned_responses().await.expect("canned")[0].id;
        post_ok(
            &mut agent,
            &format!("/agent/canned/{canned_id}/variants"),
            &[
                ("lang", "sl"),
                (
                    "body",
                    "Geslo lahko ponastavite na strani za prijavo. Zahteva {{ticket_reference}} ostane odprta.",
                ),
            ],
        )
        .await;
        let editor = agent.get("/agent/canned").await.body;
        assert!(editor.contains("Slovenščina (sl)"), "[{}]", app.backend);
        assert!(editor.contains("Geslo lahko ponastavite"));
        assert!(
            editor.contains("<option value=\"lv\">Latviešu (lv)</option>"),
            "Latvian can still be added"
        );
        assert!(
            !editor.contains("<option value=\"sl\">"),
            "Slovenian exists already"
        );

        let insert = |ticket_id: i64| format!("/api/agent/tickets/{ticket_id}/canned/{canned_id}");
        let filled = |response: common::TestResponse| -> serde_json::Value {
            assert_eq!(response.status, StatusCode::OK, "{}", response.body);
            serde_json::from_str(&response.body).expect("JSON")
        };
        let on_slovenian = filled(agent.send_json("GET", &insert(slovenian.id), None).await);
        assert_eq!(
            on_slovenian["body"],
            format!(
                "Geslo lahko ponastavite na strani za prijavo. Zahteva AD-{:06} ostane odprta.",
                slovenian.id
            )
        );
        assert_eq!(on_slovenian["lang"], "sl");
        assert_eq!(on_slovenian["title"], "Password reset");
        // No Latvian variant: the Latvian ticket gets the default text, filled.
        let on_latvian = filled(agent.send_json("GET", &insert(latvian.id), None).await);
        assert_eq!(
            on_latvian["body"],
            format!(
                "You can reset your password from the sign-in page. Your request AD-{:06} stays open until it works.",
                latvian.id
            )
        );
        assert!(on_latvian["lang"].is_null());
        let on_english = filled(agent.send_json("GET", &insert(english.id), None).await);
        assert!(on_english["lang"].is_null());

        // Without JavaScript the page puts the same variant into the reply box.
        let page = agent
            .get(&format!(
                "/agent/tickets/{}?canned={canned_id}",
                slovenian.id
            ))
            .await
            .body;
        assert!(page.contains("Geslo lahko ponastavite na strani za prijavo."));
        assert!(
            page.contains("Password reset (sl)"),
            "the list names the variants"
        );

        // Sent as the reply, the email greets and signs once around it.
        let text = on_slovenian["body"].as_str().expect("text").to_owned();
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/reply", slovenian.id),
            &[("body", &text)],
        )
        .await;
        let reply = emails_to(&db, "ana@example.si").await.pop().expect("reply");
        assert!(
            reply.body.starts_with(&format!(
                "Pozdravljeni, Ana Novak!\n\n{text}\n\nLep pozdrav\n"
            )),
            "{}",
            reply.body
        );
        assert_eq!(reply.body.matches("Pozdravljeni").count(), 1);
        assert_eq!(reply.body.matches("Lep pozdrav").count(), 1);

        // Editing the variant replaces its text; removing it brings the default back.
        post_ok(
            &mut agent,
            &format!("/agent/canned/{canned_id}/variants"),
            &[
                ("lang", "sl"),
                ("body", "Novo besedilo za {{customer_name}}."),
            ],
        )
        .await;
        let on_slovenian = filled(agent.send_json("GET", &insert(slovenian.id), None).await);
        assert_eq!(on_slovenian["body"], "Novo besedilo za Ana Novak.");
        let empty = agent
            .post_form(
                &format!("/agent/canned/{canned_id}/variants"),
                &[("lang", "sl"), ("body", "  ")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let unknown = agent
            .post_form(
                &format!("/agent/canned/{canned_id}/variants"),
                &[("lang", "de"), ("body", "Hallo")],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        post_ok(
            &mut agent,
            &format!("/agent/canned/{canned_id}/variants/sl/delete"),
            &[],
        )
        .await;
        let on_slovenian = filled(agent.send_json("GET", &insert(slovenian.id), None).await);
        assert!(on_slovenian["lang"].is_null());
        assert!(
            on_slovenian["body"]
                .as_str()
                .is_some_and(|body| body.starts_with("You can reset your password"))
        );

        // Deleting the response deletes its variants with it.
        post_ok(
            &mut agent,
            &format!("/agent/canned/{canned_id}/variants"),
            &[
                ("lang", "lv"),
                ("body", "Paroli varat atiestatīt pieteikšanās lapā."),
            ],
        )
        .await;
        assert_eq!(db.canned_variants().await.expect("variants").len(), 1);
        post_ok(
            &mut agent,
            &format!("/agent/canned/{canned_id}/delete"),
            &[],
        )
        .await;
        assert!(db.canned_variants().await.expect("variants").is_empty());
        let actions = audit_actions(&db).await;
        for action in ["canned.variant.save", "canned.variant.delete"] {
            assert!(actions.iter().any(|(a, _)| a == action), "{action}");
        }
        shut_down(app).await;
    }
}

/// The tickets of an inbox page, in the order shown.
fn ticket_ids(body: &str) -> Vec<i64> {
    body.split("name=\"ticket\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

/// The address of the page's `rel` link (`next` or `prev`), when it has one.
fn pager_link(body: &str, rel: &str) -> Option<String> {
    let marker = format!("rel=\"{rel}\" href=\"");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(
        body[start..end]
            .replace("&amp;", "&")
            .replace("&#x2f;", "/"),
    )
}

/// Every ticket of a view, page by page through the "Next" links; `between` runs after the
/// first page.
async fn walk_pages<F, Fut>(agent: &mut Staff<'_>, first: &str, between: F) -> (Vec<i64>, String)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut between = Some(between);
    let mut seen = Vec::new();
    let mut path = first.to_owned();
    let mut pages = 0;
    loop {
        let page = agent.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        seen.extend(ticket_ids(&page.body));
        pages += 1;
        assert!(pages < 100, "the walk ends");
        if let Some(between) = between.take() {
            between().await;
        }
        match pager_link(&page.body, "next") {
            Some(next) => {
                assert!(next.contains("cursor="), "next carries a cursor: {next}");
                path = next;
            }
            None => return (seen, path),
        }
    }
}

#[tokio::test]
async fn walking_the_inbox_by_cursor_shows_every_ticket_once_in_order() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let backend = app.backend;
        let mut agent = app.sign_in_as("agent").await;
        common::history::seed_inbox_tickets(&db, 230, &[agent.user.id]).await;
        for (view, order) in [
            ("/agent?status=all", "sla_due_at, id"),
            ("/agent?status=all&sort=newest", "created_at DESC, id DESC"),
            (
                "/agent?status=all&sort=priority",
                "priority_rank DESC, sla_due_at, id",
            ),
            (
                "/agent?status=all&tag=billing&sort=priority",
                "priority_rank DESC, sla_due_at, id",
            ),
        ] {
            let tag_only = view.contains("tag=billing");
            let sql = format!(
                "SELECT id FROM tickets WHERE {} ORDER BY {order}",
                if tag_only {
                    "id IN (SELECT ticket_id FROM ticket_tags WHERE tag = 'billing')"
                } else {
                    "1 = 1"
                }
            );
            let expected: Vec<i64> = sqlx::query_scalar(&sql)
                .fetch_all(db.pool())
                .await
                .expect("expected order");
            let (seen, last) = walk_pages(&mut agent, view, || async {}).await;
            assert_eq!(seen, expected, "[{backend}] {view}");

            // And back again from the last page through the "Previous" links.
            let mut back = Vec::new();
            let mut path = last;
            loop {
                let page = agent.get(&path).await;
                assert_eq!(page.status, StatusCode::OK, "{path}");
                let mut ids = ticket_ids(&page.body);
                ids.extend(back);
                back = ids;
                match pager_link(&page.body, "prev") {
                    Some(previous) => path = previous,
                    None => break,
                }
            }
            assert_eq!(back, expected, "[{backend}] {view}, backwards");
        }

        // While an agent walks the view by due time, a ticket further down becomes due
        // sooner and a new ticket is filed: the tickets not moved are still shown once each,
        // and none is shown twice (paging by offset would shift the pages by one).
        let order: Vec<i64> = sqlx::query_scalar("SELECT id FROM tickets ORDER BY sla_due_at, id")
            .fetch_all(db.pool())
            .await
            .expect("order");
        let moved = order[120];
        let app_ref = &app;
        let (seen, _) = walk_pages(&mut agent, "/agent?status=all", || async move {
            // Reopened, and due long ago: it moves to the top of the view.
            sqlx::query("UPDATE tickets SET status = 'open', sla_due_at = $1 WHERE id = $2")
                .bind(now_millis() - 100 * HOUR)
                .bind(moved)
                .execute(app_ref.state.db.pool())
                .await
                .expect("move the ticket up");
            file(
                app_ref,
                "new@example.com",
                "Filed meanwhile",
                "While the agent pages",
            )
            .await;
        })
        .await;
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            seen.len(),
            "[{backend}] no ticket shown twice"
        );
        for id in order.iter().filter(|id| **id != moved) {
            assert!(seen.contains(id), "[{backend}] ticket {id} shown");
        }
        // A cursor that is not one is refused with a message.
        let bad = agent.get("/agent?cursor=a.1.2").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "[{backend}]");
        shut_down(app).await;
    }
}

/// The inbox page at `path`, which must answer `200`.
async fn inbox_ids(agent: &mut Staff<'_>, path: &str) -> Vec<i64> {
    let page = agent.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    ticket_ids(&page.body)
}

#[tokio::test]
async fn an_agent_finds_tickets_by_email_subject_reference_and_conversation_words() {
    for database in test_databases().await {
        let app = start(&database).await;
        let backend = app.backend;
        let mut agent = app.sign_in_as("agent").await;
        let ann = file(
            &app,
            "ann@example.com",
            "Invoice wrong",
            "The total is 10% too high, see AD-999999 from last year.",
        )
        .await;
        let boris = file(
            &app,
            "Boris.Petrov@Example.org",
            "Cannot sign in",
            "Пароль не подходит после обновления.",
        )
        .await;
        let carol = file(&app, "carol@example.net", "Export to CSV", "Where is it?").await;
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/reply", boris.id),
            &[("body", "Please try the reset link on the sign-in page.")],
        )
        .await;
        post_ok(
            &mut agent,
            &format!("/agent/tickets/{}/note", carol.id),
            &[("body", "Escalated to finance_team on Monday")],
        )
        .await;
        // Carol's ticket is done: a search still finds it (a search looks through every
        // status unless one is chosen).
        post_ok(
            &mut agent,
            "/agent/bulk",
            &[("ticket", &carol.id.to_string()), ("status", "resolved")],
        )
        .await;

        for (query, expected) in [
            // The customer's email, in any case, whole or in part.
            ("boris.petrov%40example.org", vec![boris.id]),
            ("BORIS.PETROV", vec![boris.id]),
            // A word of the subject; two words must both be in the ticket.
            ("invoice", vec![ann.id]),
            ("invoice+csv", vec![]),
            // Words of the customer's request (Cyrillic, typed lowercase), of an agent's
            // reply (a quoted phrase), of an internal note.
            ("пароль", vec![boris.id]),
            ("%22reset+link%22", vec![boris.id]),
            ("%22link+reset%22", vec![]),
            ("finance_team", vec![carol.id]),
            // `%` and `_` are letters here, not wildcards.
            ("10%25", vec![ann.id]),
            ("t_e", vec![]),
            // A reference of no ticket is searched as text: the mention is found.
            ("AD-999999", vec![ann.id]),
        ] {
            let shown = inbox_ids(&mut agent, &format!("/agent?q={query}")).await;
            assert_eq!(shown, expected, "[{backend}] q={query}");
        }

        // The search combines with the filters and tabs, and they keep it. Boris's ticket
        // was answered and Carol's resolved: only Ann's is still active.
        let page = agent.get("/agent?q=example").await;
        assert!(
            page.body.contains("3 tickets matching “example”"),
            "[{backend}]"
        );
        assert!(page.body.contains("value=\"example\""), "the box keeps it");
        assert!(
            page.body.contains("q=example&amp;status=resolved"),
            "[{backend}] the tabs keep the search"
        );
        // The filters form keeps the search too.
        assert!(
            page.body
                .contains("<input type=\"hidden\" name=\"q\" value=\"example\">")
        );
        assert_eq!(
            inbox_ids(&mut agent, "/agent?q=example&status=active").await,
            vec![ann.id],
            "[{backend}]"
        );
        assert_eq!(
            inbox_ids(&mut agent, "/agent?q=example&status=resolved").await,
            vec![carol.id]
        );
        assert_eq!(
            inbox_ids(
                &mut agent,
                "/agent?q=example&assignee=unassigned&sort=newest"
            )
            .await,
            vec![carol.id, boris.id, ann.id],
            "[{backend}]"
        );
        let nothing = agent.get("/agent?q=no-such-words").await.body;
        assert!(nothing.contains("No tickets match “no-such-words”"));

        // A reference typed whole opens the ticket, in any case, padded or not.
        let reference = format!("AD-{:06}", carol.id);
        for typed in [
            reference.clone(),
            reference.to_lowercase(),
            format!("%23{}", carol.id),
            format!("+AD-{}+", carol.id),
        ] {
            let response = agent.get(&format!("/agent?q={typed}&status=new")).await;
            assert_eq!(
                response.status,
                StatusCode::SEE_OTHER,
                "[{backend}] {typed}"
            );
            assert_eq!(location(&response), format!("/agent/tickets/{}", carol.id));
        }

        // An absurd search is refused with a message, never run.
        let long = agent.get(&format!("/agent?q={}", "x".repeat(201))).await;
        assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            long.body.contains("at most 200 characters"),
            "{}",
            long.body
        );
        let many = (0..13)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join("+");
        let many = agent.get(&format!("/agent?q={many}")).await;
        assert_eq!(many.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn search_results_page_by_cursor_like_any_view() {
    for database in test_databases().await {
        let app = start(&database).await;
        let db = app.state.db.clone();
        let backend = app.backend;
        let mut agent = app.sign_in_as("agent").await;
        common::history::seed_inbox_tickets(&db, 230, &[agent.user.id]).await;
        // "Seeded ticket 1", "… 10" to "… 19", "… 100" to "… 199": 111 tickets, three pages.
        let expected: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM tickets WHERE subject LIKE '%ticket 1%' ORDER BY priority_rank DESC, sla_due_at, id",
        )
        .fetch_all(db.pool())
        .await
        .expect("expected order");
        assert_eq!(expected.len(), 111);
        let first = "/agent?q=%22Ticket+1%22&sort=priority";
        let opened = agent.get(first).await.body;
        assert!(opened.contains("111 tickets matching"), "[{backend}]");
        assert!(opened.contains("page 1 of 3"));
        let (seen, last) = walk_pages(&mut agent, first, || async {}).await;
        assert_eq!(seen, expected, "[{backend}]");
        assert!(last.contains("q=%22Ticket+1%22"), "{last}");
        shut_down(app).await;
    }
}
