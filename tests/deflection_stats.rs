//! Honest deflection numbers: exact figures for a scripted history, from the domain function
//! and from `answerdesk stats`, on every database backend.

mod common;

use answerdesk::deflection::Channel;
use answerdesk::deflection::{DashboardFilter, Event, EventRecorder, deflection_figures};
use answerdesk::storage::{Database, NewTicket, OutgoingEmail, StorageError, now_millis};
use answerdesk::tickets::ticket::{filed_line, next_sla_due};
use answerdesk::tickets::{TicketPriority, TicketStatus};
use common::test_databases;

const DAY: i64 = 24 * 60 * 60 * 1000;

fn period(since: i64, until: i64) -> DashboardFilter {
    DashboardFilter {
        since,
        until,
        lang: None,
    }
}

fn ticket(draft: &str, created_at: i64) -> NewTicket {
    NewTicket {
        draft_id: Some(draft.to_owned()),
        status_token: format!("{draft:0>48}"),
        name: "Ann".into(),
        email: "ann@example.com".into(),
        subject: "Help".into(),
        description: "Please help".into(),
        category: String::new(),
        lang: "en".into(),
        tags: vec![],
        matched_rules: vec![],
        priority: TicketPriority::Low,
        status: TicketStatus::New,
        channel: Channel::WebForm,
        first_response_due: created_at + DAY,
        resolution_due: created_at + 5 * DAY,
        sla_due_at: next_sla_due(
            TicketStatus::New,
            None,
            created_at + DAY,
            created_at + 5 * DAY,
        ),
        suggested_articles: vec![],
        opened_articles: vec![],
        history: filed_line(Channel::WebForm, TicketPriority::Low, &[], &[]),
        created_at,
    }
}

/// Ten days of activity: 6 requests started, 3 deflected, 2 tickets, 1 abandoned after
/// opening a suggestion; searches with and without results. Plus older activity that a
/// 7-day window must leave out.
async fn script_history(db: &Database) {
    let now = now_millis();
    let (events, writer) = EventRecorder::start(db.clone());
    let recent = now - DAY;
    for n in 0..6 {
        events.record_at(
            Event::RequestStarted {
                draft_id: format!("d{n}"),
            },
            Some("visitor"),
            Channel::WebForm,
            recent,
        );
    }
    for n in 0..3 {
        events.record_at(
            Event::Deflected {
                draft_id: format!("d{n}"),
                slug: Some("reset-your-password".into()),
                teaches: true,
            },
            None,
            Channel::WebForm,
            recent,
        );
    }
    events.record_at(
        Event::RequestAbandoned {
            draft_id: "d5".into(),
        },
        None,
        Channel::WebForm,
        recent,
    );
    for (query, results) in [
        ("Refund", 3),
        ("refund ", 2),
        ("refund", 4),
        ("dark mode", 0),
        ("Dark  Mode", 0),
        ("api limits", 0),
    ] {
        events.record_at(
            Event::Search {
                query: query.into(),
                result_count: results,
                lang: Some("en".into()),
            },
            None,
            Channel::WebForm,
            recent,
        );
    }
    // Outside a 7-day window.
    events.record_at(
        Event::Deflected {
            draft_id: "old".into(),
            slug: None,
            teaches: true,
        },
        None,
        Channel::WebForm,
        now - 9 * DAY,
    );
    events.record_at(
        Event::Search {
            query: "old search".into(),
            result_count: 0,
            lang: None,
        },
        None,
        Channel::WebForm,
        now - 9 * DAY,
    );
    drop(events);
    writer.finish().await;

    let email = |_| {
        Ok::<_, StorageError>(OutgoingEmail {
            recipient: "ann@example.com".into(),
            subject: "s".into(),
            body: "b".into(),
        })
    };
    for (draft, created) in [("d3", recent), ("d4", recent), ("old1", now - 9 * DAY)] {
        db.insert_ticket(&ticket(draft, created), email)
            .await
            .expect("ticket");
    }
}

#[tokio::test]
async fn the_figures_are_exact_for_a_scripted_history() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        script_history(&db).await;
        let now = now_millis();
        let figures = deflection_figures(&db, &period(now - 7 * DAY, now + 1))
            .await
            .expect("figures");
        assert_eq!(figures.requests_started, 6, "[{}]", database.name);
        assert_eq!(figures.deflected, 3);
        assert_eq!(figures.tickets_filed, 2);
        assert_eq!(figures.deflection_rate, Some(3.0 / 5.0));
        assert_eq!(
            figures.implicit_deflections, 1,
            "implicit deflections are counted apart"
        );
        assert_eq!(figures.searches, 6);
        assert_eq!(figures.zero_result_searches, 3);
        assert_eq!(figures.top_searches[0].query, "refund");
        assert_eq!(
            figures.top_searches[0].count, 3,
            "case and spaces are ignored"
        );
        assert_eq!(figures.top_zero_result_searches[0].query, "dark mode");
        assert_eq!(figures.top_zero_result_searches[0].count, 2);
        assert_eq!(figures.top_zero_result_searches.len(), 2);

        let longer = deflection_figures(&db, &period(now - 30 * DAY, now + 1))
            .await
            .expect("figures");
        assert_eq!(longer.deflected, 4, "[{}]", database.name);
        assert_eq!(longer.tickets_filed, 3);
        db.close().await;
    }
}

#[tokio::test]
async fn an_empty_period_has_no_rate_rather_than_a_made_up_one() {
    let database = common::TestDatabase::sqlite();
    let db = Database::connect(&database.url).await.expect("connect");
    let figures = deflection_figures(&db, &period(0, now_millis()))
        .await
        .expect("figures");
    assert_eq!(figures.deflection_rate, None);
    assert_eq!(figures.tickets_filed, 0);
}

#[tokio::test]
async fn the_stats_command_prints_the_same_figures() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        script_history(&db).await;
        db.close().await;
        let data = tempfile::tempdir().expect("temp dir");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_answerdesk"))
            .env("ANSWERDESK_DATABASE_URL", &database.url)
            .env("ANSWERDESK_DATA_DIR", data.path())
            .env("ANSWERDESK_LOG", "warn")
            .args(["stats", "--days", "7", "--json"])
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(json["requests_started"], 6, "[{}]", database.name);
        assert_eq!(json["deflected"], 3);
        assert_eq!(json["tickets_filed"], 2);
        assert_eq!(json["deflection_rate"], 0.6);
        assert_eq!(json["implicit_deflections"], 1);
        assert_eq!(json["zero_result_searches"], 3);
        let channels = json["channels"].as_array().expect("channels");
        let form = channels
            .iter()
            .find(|c| c["channel"] == "web_form")
            .unwrap_or_else(|| panic!("the portal form is listed: {channels:?}"));
        let total = |key: &str| {
            channels
                .iter()
                .map(|c| c[key].as_i64().unwrap_or(0))
                .sum::<i64>()
        };
        assert_eq!(total("deflected"), 3, "{channels:?}");
        assert_eq!(total("tickets_filed"), 2, "{channels:?}");
        assert!(
            form["requests_started"].as_i64().unwrap_or(0) > 0,
            "{form:?}"
        );

        let table = std::process::Command::new(env!("CARGO_BIN_EXE_answerdesk"))
            .env("ANSWERDESK_DATABASE_URL", &database.url)
            .env("ANSWERDESK_DATA_DIR", data.path())
            .args(["stats", "--days", "7"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&table.stdout);
        assert!(
            text.contains("deflection rate") && text.contains("60.0%"),
            "{text}"
        );
        assert!(text.contains("dark mode"), "{text}");
        assert!(
            text.contains("By channel") && text.contains("Portal form") && text.contains("Widget"),
            "{text}"
        );
    }
}
