//! The SLA clock stops while a ticket waits on the customer and runs again, with the time
//! it had left, when the customer replies.

mod common;

use answerdesk::tickets::inbox::NO_SLA_DUE;
use answerdesk::tickets::sla::BusinessHours;
use answerdesk::tickets::{Ticket, TicketStatus};
use axum::http::StatusCode;
use common::{TestDatabase, post_json, shipped_content, spawn_app_with, test_databases};
use serde_json::json;

const HOUR: i64 = 3_600_000;

async fn ticket(app: &common::TestApp, id: i64) -> Ticket {
    app.state
        .db
        .find_ticket_by_id(id)
        .await
        .expect("query")
        .expect("ticket")
}

/// Moves the stored moment the clock stopped `hours` back, as if the customer had taken
/// that long to answer.
async fn pretend_paused_earlier(database: &TestDatabase, id: i64, hours: i64) {
    sqlx::any::install_default_drivers();
    let url = if database.url.starts_with("postgres") {
        database.url.clone()
    } else {
        format!("sqlite://{}", database.url)
    };
    let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
    sqlx::query("UPDATE tickets SET sla_paused_at = sla_paused_at - $1 WHERE id = $2")
        .bind(hours * HOUR)
        .bind(id)
        .execute(&pool)
        .await
        .expect("update");
    pool.close().await;
}

#[tokio::test]
async fn a_ticket_waiting_on_the_customer_is_not_late_for_the_time_they_take_to_answer() {
    for database in test_databases().await {
        let app = spawn_app_with(&database, &shipped_content(), |config| {
            config.sla.business_hours = BusinessHours::AroundTheClock;
        })
        .await;
        let filed = post_json(
            &app,
            "/api/tickets",
            &json!({"name": "Ann", "email": "ann@example.com", "subject": "Cannot sign in", "description": "Help"}),
        )
        .await;
        assert_eq!(filed.status, StatusCode::CREATED);
        let created: serde_json::Value = serde_json::from_str(&filed.body).expect("JSON");
        let id: i64 = created["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("AD-"))
            .and_then(|digits| digits.parse().ok())
            .expect("reference");
        let token = created["status_url"]
            .as_str()
            .and_then(|url| url.rsplit('/').next())
            .expect("token")
            .to_owned();

        let mut agent = app.sign_in_as("agent").await;
        let replied = agent
            .post_form(
                &format!("/agent/tickets/{id}/reply"),
                &[("body", "Which browser do you use?"), ("status", "")],
            )
            .await;
        assert_eq!(replied.status, StatusCode::SEE_OTHER, "[{}]", app.backend);
        let waiting = ticket(&app, id).await;
        assert_eq!(waiting.status, TicketStatus::Answered);
        assert_eq!(waiting.sla_due_at, NO_SLA_DUE, "nothing is due meanwhile");
        assert!(waiting.sla_paused_at.is_some());
        let page = agent.get(&format!("/agent/tickets/{id}")).await;
        assert!(
            page.body
                .contains("The clock is paused while the ticket is answered"),
            "{}",
            page.body
        );
        assert!(page.body.contains("pill-paused"));

        // The customer answers two hours later.
        pretend_paused_earlier(&database, id, 2).await;
        let paused = ticket(&app, id).await;
        let mut customer = app.customer();
        customer.get(&format!("/tickets/{token}")).await;
        let csrf = customer.csrf_token();
        let answered = customer
            .post_form(
                &format!("/tickets/{token}/reply"),
                &[("csrf_token", &csrf), ("body", "Firefox 140.")],
            )
            .await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER);

        let reopened = ticket(&app, id).await;
        assert_eq!(reopened.status, TicketStatus::Open);
        assert_eq!(reopened.sla_paused_at, None, "the clock runs again");
        assert!(reopened.sla_paused_millis >= 2 * HOUR);
        assert_eq!(
            reopened.resolution_due,
            paused.resolution_due + reopened.sla_paused_millis,
            "the resolution is due as much later as the clock was stopped"
        );
        assert_eq!(reopened.sla_due_at, reopened.resolution_due);
        let page = agent.get(&format!("/agent/tickets/{id}")).await;
        assert!(
            page.body
                .contains("Paused in all while waiting on the customer: 2h")
        );
    }
}
