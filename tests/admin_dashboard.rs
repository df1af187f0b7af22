//! The admins' deflection dashboard: exact figures for a scripted history on every backend,
//! the same numbers on the page, in the CSV files, at `/api/admin/stats` and from
//! `answerdesk stats`; the content-gap report; and who may see any of it.

mod common;

use answerdesk::accounts::{NewUser, Role, add_user};
use answerdesk::deflection::content_gaps::{ContentGap, content_gaps, content_gaps_from};
use answerdesk::deflection::stats::{VISITORS_STANDARD_ERROR, day_label, purge_expired_events};
use answerdesk::deflection::{
    Channel, DashboardFilter, DeflectionFigures, Event, EventKind, EventRecorder, EventSource,
    ViewSource, deflection_figures, deflection_figures_from,
};
use answerdesk::storage::dashboard::DAY_MILLIS;
use answerdesk::storage::{Database, EventRow, NewTicket, OutgoingEmail, StorageError, now_millis};
use answerdesk::tickets::conversation::rate_support;
use answerdesk::tickets::ticket::{filed_line, next_sla_due};
use answerdesk::tickets::{TicketPriority, TicketStatus};
use axum::http::{StatusCode, header};
use common::history::{agent_reply_at, resolve_at, seed_dashboard_sample};
use common::{TestApp, location, shipped_content, shut_down, spawn_app, test_databases};

const HOUR: i64 = 60 * 60 * 1000;
const MINUTE: i64 = 60 * 1000;

/// What the scripted history left behind.
struct Script {
    /// Yesterday and today (UTC), the period every check uses.
    from: String,
    to: String,
    alice: i64,
    bob: i64,
}

impl Script {
    fn query(&self) -> String {
        format!("range=custom&from={}&to={}", self.from, self.to)
    }

    fn filter(&self, lang: Option<&str>) -> DashboardFilter {
        DashboardFilter::between_dates(&self.from, &self.to, lang.map(str::to_owned))
            .expect("valid dates")
    }
}

#[allow(clippy::too_many_arguments)]
fn ticket(
    token: &str,
    lang: &str,
    priority: &str,
    created_at: i64,
    first_response_due: i64,
    resolution_due: i64,
    opened: &[&str],
) -> NewTicket {
    let priority = TicketPriority::parse(priority).expect("priority");
    NewTicket {
        draft_id: None,
        status_token: format!("{token:0>48}"),
        name: "Ann".into(),
        email: "ann@example.com".into(),
        subject: "Help".into(),
        description: "Please help".into(),
        category: String::new(),
        lang: lang.into(),
        tags: vec![],
        matched_rules: vec![],
        priority,
        status: TicketStatus::New,
        channel: Channel::WebForm,
        first_response_due,
        resolution_due,
        sla_due_at: next_sla_due(TicketStatus::New, None, first_response_due, resolution_due),
        suggested_articles: opened.iter().map(|s| (*s).to_owned()).collect(),
        opened_articles: opened.iter().map(|s| (*s).to_owned()).collect(),
        history: filed_line(Channel::WebForm, priority, &[], &[]),
        created_at,
    }
}

/// Yesterday at 10:00 UTC: four visitors (three English, one Russian) search, read, start
/// requests; three tickets are filed, answered and resolved by two agents. Older activity
/// (ten days ago) must stay out of the period.
async fn script_history(db: &Database) -> Script {
    let today = now_millis().div_euclid(DAY_MILLIS);
    let base = (today - 1) * DAY_MILLIS + 10 * HOUR;
    for (draft, lang) in [("d1", "en"), ("d2", "en"), ("d3", "en"), ("d5", "ru")] {
        db.create_draft(draft, "", lang, Channel::WebForm)
            .await
            .expect("draft");
    }
    let (events, writer) = EventRecorder::start(db.clone());
    let at = |event: Event, visitor: Option<&str>, time: i64| {
        events.record_at(event, visitor, Channel::WebForm, time);
    };
    for draft in ["d1", "d2", "d3", "d5"] {
        at(
            Event::RequestStarted {
                draft_id: draft.into(),
            },
            Some("v-requests"),
            base,
        );
    }
    at(
        Event::Deflected {
            draft_id: "d1".into(),
            slug: Some("i-cant-sign-in".into()),
            teaches: true,
        },
        None,
        base,
    );
    at(
        Event::Deflected {
            draft_id: "d5".into(),
            slug: None,
            teaches: true,
        },
        None,
        base,
    );
    at(
        Event::RequestAbandoned {
            draft_id: "d2".into(),
        },
        None,
        base,
    );
    let search = |query: &str, results: usize, lang: &str| Event::Search {
        query: query.into(),
        result_count: results,
        lang: Some(lang.into()),
    };
    at(search("Dark mode", 0, "en"), Some("v1"), base);
    at(search("refund, please", 3, "en"), Some("v1"), base);
    at(
        search("dark  mode?", 0, "en"),
        Some("v2"),
        base + 30 * MINUTE,
    );
    at(search("invoice", 2, "en"), Some("v2"), base - 2 * HOUR);
    at(search("dark-mode", 0, "en"), Some("v3"), base);
    at(search("возврат", 0, "ru"), Some("v4"), base);
    at(
        search("old search", 0, "en"),
        Some("v1"),
        base - 10 * DAY_MILLIS,
    );
    let view = |slug: &str, source: ViewSource| Event::ArticleViewed {
        slug: slug.into(),
        source,
        draft_id: None,
    };
    at(view("i-cant-sign-in", ViewSource::Search), Some("v1"), base);
    at(
        view("i-cant-sign-in", ViewSource::Suggest),
        Some("v2"),
        base,
    );
    at(view("i-cant-sign-in", ViewSource::Direct), Some("v3"), base);
    at(view("ne-mogu-vojti", ViewSource::Direct), Some("v4"), base);
    at(
        view("i-cant-sign-in", ViewSource::Browse),
        Some("v1"),
        base - 10 * DAY_MILLIS,
    );
    let feedback = |helpful: bool| Event::ArticleFeedback {
        slug: "i-cant-sign-in".into(),
        helpful,
        teaches: true,
    };
    at(feedback(true), Some("v1"), base);
    at(feedback(false), Some("v2"), base);
    at(feedback(false), Some("v3"), base);
    // v3 files a ticket ten minutes after searching "dark-mode"; v2's search came after
    // filing, and its "invoice" search two hours before: neither ended in that ticket.
    let filed = |ticket_id: i64| Event::TicketFiled {
        ticket_id,
        draft_id: None,
        suggestions_shown: false,
        suggestions_opened: false,
    };
    at(filed(1), Some("v3"), base + 10 * MINUTE);
    at(filed(2), Some("v2"), base);
    drop(events);
    writer.finish().await;

    let email = |_| {
        Ok::<_, StorageError>(OutgoingEmail {
            recipient: "ann@example.com".into(),
            subject: "s".into(),
            body: "b".into(),
        })
    };
    let far = base + 30 * DAY_MILLIS;
    let (t1, _) = db
        .insert_ticket(
            &ticket(
                "t1",
                "en",
                "high",
                base,
                base + 4 * HOUR,
                base + 24 * HOUR,
                &["i-cant-sign-in"],
            ),
            email,
        )
        .await
        .expect("ticket");
    let (t2, _) = db
        .insert_ticket(
            &ticket("t2", "en", "high", base + HOUR, base + 5 * HOUR, far, &[]),
            email,
        )
        .await
        .expect("ticket");
    db.insert_ticket(
        &ticket("t3", "ru", "low", base + 2 * HOUR, base - HOUR, far, &[]),
        email,
    )
    .await
    .expect("ticket");
    db.insert_ticket(
        &ticket("old", "en", "medium", base - 10 * DAY_MILLIS, far, far, &[]),
        email,
    )
    .await
    .expect("ticket");

    let mut agents = Vec::new();
    for (email, name) in [("alice@example.com", "Alice"), ("bob@example.com", "Bob")] {
        let user = add_user(
            db,
            NewUser {
                email: email.into(),
                name: name.into(),
                role: Role::Agent,
                password: common::STAFF_PASSWORD.into(),
            },
            None,
        )
        .await
        .expect("agent");
        agents.push(user.id);
    }
    let (alice, bob) = (agents[0], agents[1]);
    agent_reply_at(db, t1.id, alice, "Alice", true, base + 30 * MINUTE).await;
    agent_reply_at(db, t1.id, alice, "Alice", false, base + HOUR).await;
    resolve_at(db, t1.id, alice, base + 5 * HOUR).await;
    let resolved = db
        .find_ticket_by_id(t1.id)
        .await
        .expect("find")
        .expect("ticket");
    rate_support(db, &resolved, true, "").await.expect("rate");
    agent_reply_at(db, t2.id, bob, "Bob", false, base + 7 * HOUR).await;
    Script {
        from: day_label(today - 1),
        to: day_label(today),
        alice,
        bob,
    }
}

#[tokio::test]
async fn the_dashboard_figures_are_exact_for_a_scripted_history() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let script = script_history(&app.state.db).await;
        let db = &app.state.db;
        let name = database.name;
        let f = deflection_figures(db, &script.filter(None))
            .await
            .expect("figures");
        assert_eq!(f.requests_started, 4, "[{name}]");
        assert_eq!(f.deflected, 2, "[{name}]");
        assert_eq!(
            f.tickets_filed, 3,
            "[{name}] the old ticket is out of range"
        );
        assert_eq!(f.deflection_rate, Some(2.0 / 5.0));
        assert_eq!(f.implicit_deflections, 1);
        assert_eq!(
            f.help_centre_visitors, 5,
            "[{name}] v1–v4 and the request visitor"
        );
        assert_eq!(f.self_service_score, Some(5.0 / 3.0));
        assert_eq!(f.searches, 6, "[{name}]");
        assert_eq!(f.zero_result_searches, 4);
        assert_eq!(f.zero_result_rate, Some(4.0 / 6.0));
        assert_eq!(f.searches_ending_in_ticket, 1, "[{name}]");
        let pairs = |list: &[answerdesk::deflection::SearchCount]| -> Vec<(String, i64)> {
            list.iter().map(|s| (s.query.clone(), s.count)).collect()
        };
        assert_eq!(
            pairs(&f.top_zero_result_searches),
            vec![
                ("dark mode".to_owned(), 1),
                ("dark mode?".to_owned(), 1),
                ("dark-mode".to_owned(), 1),
                ("возврат".to_owned(), 1)
            ],
            "[{name}]"
        );
        assert_eq!(f.top_searches.len(), 6);
        assert_eq!(
            pairs(&f.top_searches_ending_in_ticket),
            vec![("dark-mode".to_owned(), 1)]
        );

        assert_eq!(f.articles.len(), 2, "[{name}] {:?}", f.articles);
        let article = &f.articles[0];
        assert_eq!(article.slug, "i-cant-sign-in");
        assert_eq!(article.title, "I can't sign in");
        assert_eq!(
            (
                article.views,
                article.views_from_search,
                article.views_from_suggestions,
                article.views_from_browsing,
                article.views_direct
            ),
            (3, 1, 1, 0, 1),
            "[{name}] the old browse view is out of range"
        );
        assert_eq!((article.helpful_yes, article.helpful_no), (1, 2));
        assert_eq!(article.deflections, 1);
        assert_eq!(article.tickets_after_viewing, 1);
        assert_eq!(f.articles[1].slug, "ne-mogu-vojti");

        assert_eq!(f.days.len(), 2);
        assert_eq!(f.days[0].date, script.from);
        assert_eq!((f.days[0].deflected, f.days[0].tickets_filed), (2, 3));
        assert_eq!(f.days[0].deflection_rate, Some(0.4));
        assert_eq!((f.days[1].deflected, f.days[1].tickets_filed), (0, 0));
        assert_eq!(f.days[1].deflection_rate, None);

        let backlog: Vec<(&str, &str, i64)> = f
            .backlog
            .iter()
            .filter(|b| b.tickets > 0)
            .map(|b| (b.status.as_str(), b.priority.as_str(), b.tickets))
            .collect();
        assert_eq!(
            backlog,
            vec![
                ("new", "medium", 1),
                ("new", "low", 1),
                ("answered", "high", 1)
            ],
            "[{name}] the resolved ticket is not backlog; the old one is"
        );
        assert_eq!(
            f.backlog.len(),
            16,
            "every status × priority, zeros included"
        );

        let high = &f.priorities[1];
        assert_eq!(high.priority, TicketPriority::High);
        assert_eq!(
            (high.tickets_filed, high.responded, high.resolved),
            (2, 2, 1)
        );
        assert_eq!(
            high.first_response_median_ms,
            Some(HOUR),
            "[{name}] the internal note is no response"
        );
        assert_eq!(high.first_response_p90_ms, Some(6 * HOUR));
        assert_eq!(high.resolution_median_ms, Some(5 * HOUR));
        assert_eq!(high.resolution_p90_ms, Some(5 * HOUR));
        assert_eq!(
            (high.first_response_breaches, high.resolution_breaches),
            (1, 0)
        );
        let low = &f.priorities[3];
        assert_eq!(low.priority, TicketPriority::Low);
        assert_eq!((low.tickets_filed, low.responded), (1, 0));
        assert_eq!(low.first_response_median_ms, None);
        assert_eq!(
            low.first_response_breaches, 1,
            "unanswered past its due time"
        );
        assert_eq!(f.priorities[0].tickets_filed, 0);
        assert_eq!(f.first_response_breaches, 2);
        assert_eq!(f.resolution_breaches, 0);
        assert_eq!((f.satisfaction_good, f.satisfaction_bad), (1, 0));

        let agents: Vec<(i64, &str, i64, i64)> = f
            .agents
            .iter()
            .map(|a| (a.user_id, a.name.as_str(), a.replies, a.resolutions))
            .collect();
        assert_eq!(
            agents,
            vec![(script.alice, "Alice", 1, 1), (script.bob, "Bob", 1, 0)],
            "[{name}] internal notes are not replies"
        );

        // Only Russian: the Russian form, ticket, search, visitor and article.
        let ru = deflection_figures(db, &script.filter(Some("ru")))
            .await
            .expect("figures");
        assert_eq!(ru.lang.as_deref(), Some("ru"));
        assert_eq!(
            (ru.requests_started, ru.deflected, ru.tickets_filed),
            (1, 1, 1),
            "[{name}]"
        );
        assert_eq!(ru.deflection_rate, Some(0.5));
        assert_eq!(ru.implicit_deflections, 0);
        assert_eq!(ru.searches, 1);
        assert_eq!(ru.zero_result_searches, 1);
        assert_eq!(ru.help_centre_visitors, 1, "[{name}]");
        assert_eq!(ru.articles.len(), 1);
        assert_eq!(ru.articles[0].slug, "ne-mogu-vojti");
        assert!(ru.agents.is_empty());
        assert_eq!(ru.backlog.iter().map(|b| b.tickets).sum::<i64>(), 1);
        assert_eq!(ru.first_response_breaches, 1);

        // The content gaps put the three wordings of "dark mode" in one group.
        let gaps = content_gaps(db, &script.filter(None)).await.expect("gaps");
        assert_eq!(gaps.len(), 2, "[{name}] {gaps:?}");
        assert_eq!(gaps[0].key, "dark mode");
        assert_eq!(gaps[0].zero_result_searches, 3);
        assert_eq!(gaps[0].searches_ending_in_ticket, 1);
        assert_eq!(gaps[0].wordings.len(), 3);
        assert_eq!(gaps[0].suggested_title, "Dark mode");
        assert_eq!(gaps[1].key, "возврат");
        shut_down(app).await;
    }
}

/// The API's figures, without the split by channel (checked on its own in `help_widget`).
async fn api_stats(app: &TestApp, query: &str) -> serde_json::Value {
    let mut admin = app.sign_in_as("admin").await;
    let response = admin.get(&format!("/api/admin/stats?{query}")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let mut figures: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
    let channels = figures
        .as_object_mut()
        .and_then(|object| object.remove("channels"));
    assert!(
        channels.is_some_and(|c| c.as_array().is_some_and(|list| list.len() == 3)),
        "every channel listed"
    );
    figures
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    reader
        .records()
        .map(|record| record.expect("CSV").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_page_the_csv_files_the_api_and_the_command_show_the_same_figures() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let script = script_history(&app.state.db).await;
        let name = database.name;
        let expected = serde_json::to_value(
            deflection_figures(&app.state.db, &script.filter(None))
                .await
                .expect("figures"),
        )
        .expect("JSON");
        assert_eq!(api_stats(&app, &script.query()).await, expected, "[{name}]");
        let expected_ru = serde_json::to_value(
            deflection_figures(&app.state.db, &script.filter(Some("ru")))
                .await
                .expect("figures"),
        )
        .expect("JSON");
        assert_eq!(
            api_stats(&app, &format!("{}&lang=ru", script.query())).await,
            expected_ru,
            "[{name}]"
        );

        let mut admin = app.sign_in_as("admin").await;
        let page = admin.get(&format!("/admin?{}", script.query())).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for text in [
            "Deflected ÷ (deflected + tickets filed).",
            "40.0%",
            "Help-centre visitors ÷ tickets filed.",
            "never counted in the rate",
            "Searches followed within an hour by a ticket from the same visitor.",
            "I can&#x27;t sign in",
            "Alice",
        ] {
            assert!(page.body.contains(text), "[{name}] page lacks {text:?}");
        }
        for (chart, table) in [
            ("chart-deflection-rate", "table-days"),
            ("chart-ticket-volume", "table-volume"),
            ("chart-backlog", "table-backlog"),
        ] {
            let at = page
                .body
                .find(&format!("aria-labelledby=\"{chart}-title {chart}-desc\""))
                .unwrap_or_else(|| panic!("[{name}] no {chart}"));
            let section_end = page.body[at..].find("</section>").expect("section") + at;
            assert!(
                page.body[at..section_end].contains(&format!("id=\"{table}\"")),
                "[{name}] {chart} has its table beside it"
            );
        }
        assert!(
            page.body
                .contains("<title id=\"chart-deflection-rate-title\">")
        );
        // The charts' markup is the template's, not escaped text: a dot per day with a
        // rate, a bar per day, a segment per non-zero backlog count plus a legend swatch
        // per priority.
        let svg_of = |chart: &str| {
            let start = page.body[..page.body.find(&format!("{chart}-title")).expect(chart)]
                .rfind("<svg ")
                .expect("svg");
            let end = page.body[start..].find("</svg>").expect("</svg>") + start;
            &page.body[start..end]
        };
        let days = expected["days"].as_array().expect("days");
        let rated = days
            .iter()
            .filter(|d| !d["deflection_rate"].is_null())
            .count();
        let backlog = expected["backlog"].as_array().expect("backlog");
        let nonzero = backlog.iter().filter(|b| b["tickets"] != 0).count();
        assert_eq!(page.body.matches("<svg ").count(), 3, "[{name}]");
        assert!(
            !page.body.contains("&lt;svg"),
            "[{name}] charts are not escaped"
        );
        assert_eq!(
            svg_of("chart-deflection-rate").matches("<circle ").count(),
            rated
        );
        assert_eq!(
            svg_of("chart-ticket-volume").matches("<rect ").count(),
            days.len()
        );
        assert_eq!(
            svg_of("chart-backlog").matches("<rect ").count(),
            nonzero + 4
        );
        assert!(
            !page.body.contains("<script"),
            "no scripts on the dashboard"
        );
        for preset in ["7", "30", "90"] {
            let response = admin.get(&format!("/admin?range={preset}&lang=en")).await;
            assert_eq!(response.status, StatusCode::OK, "[{name}] range {preset}");
        }

        let csv = admin
            .get(&format!(
                "/admin/export/top-searches.csv?{}",
                script.query()
            ))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(
            csv.headers[header::CONTENT_DISPOSITION],
            format!(
                "attachment; filename=\"answerdesk-top-searches-{}-to-{}.csv\"",
                script.from, script.to
            )
            .as_str()
        );
        assert!(
            csv.body.contains("\"refund, please\",1"),
            "[{name}] a comma is quoted: {}",
            csv.body
        );
        let rows = csv_rows(&csv.body);
        assert_eq!(rows[0], vec!["query", "searches"]);
        assert_eq!(rows.len(), 7);
        let summary = csv_rows(
            &admin
                .get(&format!("/admin/export/summary.csv?{}", script.query()))
                .await
                .body,
        );
        assert_eq!(summary[0], vec!["figure", "value", "definition"]);
        assert!(summary.contains(&vec![
            "Deflection rate".to_owned(),
            "40.0%".to_owned(),
            "Deflected ÷ (deflected + tickets filed).".to_owned()
        ]));
        let articles = csv_rows(
            &admin
                .get(&format!("/admin/export/articles.csv?{}", script.query()))
                .await
                .body,
        );
        assert_eq!(
            articles[1][0..3],
            ["i-cant-sign-in", "I can't sign in", "3"]
        );
        assert_eq!(articles[1][10], "1", "tickets after viewing");
        let agents = csv_rows(
            &admin
                .get(&format!("/admin/export/agents.csv?{}", script.query()))
                .await
                .body,
        );
        assert_eq!(agents[1][1..], ["Alice", "1", "1"]);
        let backlog = csv_rows(
            &admin
                .get(&format!(
                    "/admin/export/backlog.csv?{}&lang=ru",
                    script.query()
                ))
                .await
                .body,
        );
        assert!(backlog.contains(&vec!["new".into(), "low".into(), "1".into()]));
        let days = csv_rows(
            &admin
                .get(&format!("/admin/export/days.csv?{}", script.query()))
                .await
                .body,
        );
        assert_eq!(
            days[1],
            vec![script.from.clone(), "2".into(), "3".into(), "0.4".into()]
        );
        assert_eq!(
            days[2][3], "",
            "no rate on a day without deflections or tickets"
        );
        for table in [
            "zero-result-searches",
            "searches-ending-in-ticket",
            "priorities",
            "content-gaps",
        ] {
            let response = admin
                .get(&format!("/admin/export/{table}.csv?{}", script.query()))
                .await;
            assert_eq!(response.status, StatusCode::OK, "[{name}] {table}");
            assert!(csv_rows(&response.body).len() > 1, "[{name}] {table}");
        }
        let unknown = admin.get("/admin/export/passwords.csv").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);

        // The content-gap report: one group for the three spellings of "dark mode".
        let gaps = admin
            .get(&format!("/admin/content-gaps?{}", script.query()))
            .await;
        assert_eq!(gaps.status, StatusCode::OK);
        // minijinja writes "/" as "&#x2f;" in values; browsers read both the same.
        let gaps_body = gaps.body.replace("&#x2f;", "/");
        assert_eq!(
            gaps_body.matches("class=\"content-gap\"").count(),
            2,
            "[{name}]"
        );
        assert!(gaps_body.contains("href=\"/editor/articles/new?title=Dark+mode\""));
        let first_group = gaps_body
            .split("class=\"content-gap\"")
            .nth(1)
            .expect("group");
        for wording in ["dark mode", "dark mode?", "dark-mode"] {
            assert!(
                first_group.contains(&format!("<li>{wording} ")),
                "{wording}"
            );
        }

        // Bad dates: a clear 400, on the page and in the API.
        for (query, message) in [
            (
                "range=custom&from=2024-13-01&to=2024-12-31",
                "is not a date",
            ),
            (
                "range=custom&from=2024-03-02&to=2024-03-01",
                "is after the end date",
            ),
            (
                "range=custom&from=2024-03-02",
                "needs both a start and an end date",
            ),
            ("range=14", "range 14"),
            ("lang=en%27%20OR%201%3D1", "is not a language code"),
        ] {
            let page = admin.get(&format!("/admin?{query}")).await;
            assert_eq!(page.status, StatusCode::BAD_REQUEST, "[{name}] {query}");
            assert!(
                page.body.contains(message),
                "[{name}] {query}: {}",
                page.body
            );
            let api = admin.get(&format!("/api/admin/stats?{query}")).await;
            assert_eq!(api.status, StatusCode::BAD_REQUEST, "[{name}] {query}");
            let json: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
            assert!(json["error"].as_str().unwrap_or("").contains(message));
            let csv = admin
                .get(&format!("/admin/export/summary.csv?{query}"))
                .await;
            assert_eq!(csv.status, StatusCode::BAD_REQUEST);
        }

        // `answerdesk stats` prints the very same figures.
        drop(admin);
        let db = shut_down(app).await;
        let mut expected = serde_json::to_value(
            deflection_figures(&db, &script.filter(None))
                .await
                .expect("figures"),
        )
        .expect("JSON");
        // The command prints the split by channel too, as the stats API does.
        expected["channels"] = serde_json::to_value(
            answerdesk::deflection::channel::channel_figures(&db, &script.filter(None))
                .await
                .expect("channels"),
        )
        .expect("JSON");
        db.close().await;
        let data = tempfile::tempdir().expect("temp dir");
        let run = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_answerdesk"))
                .env("ANSWERDESK_DATABASE_URL", &database.url)
                .env("ANSWERDESK_DATA_DIR", data.path())
                .env("ANSWERDESK_LOG", "warn")
                .args(args)
                .output()
                .expect("runs")
        };
        let output = run(&[
            "stats",
            "--from",
            &script.from,
            "--to",
            &script.to,
            "--json",
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(printed, expected, "[{name}]");
        let ru = run(&["stats", "--days", "2", "--lang", "ru", "--json"]);
        let ru: serde_json::Value = serde_json::from_slice(&ru.stdout).expect("JSON");
        assert_eq!(ru["tickets_filed"], 1, "[{name}]");
        assert_eq!(ru["lang"], "ru");
        let table = run(&["stats", "--from", &script.from, "--to", &script.to]);
        let text = String::from_utf8_lossy(&table.stdout);
        for line in [
            "40.0%",
            "self-service score",
            "Alice",
            "i-cant-sign-in",
            "answered   high",
        ] {
            assert!(text.contains(line), "[{name}] {line:?} in {text}");
        }
    }
}

#[tokio::test]
async fn only_admins_see_the_dashboard() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let paths = [
            "/admin",
            "/admin/content-gaps",
            "/admin/export/summary.csv",
            "/api/admin/stats",
        ];
        for role in ["agent", "editor"] {
            let mut staff = app.sign_in_as(role).await;
            for path in paths {
                let response = staff.get(path).await;
                assert_eq!(
                    response.status,
                    StatusCode::FORBIDDEN,
                    "[{}] {role} on {path}",
                    database.name
                );
            }
        }
        let mut customer = app.customer();
        for path in &paths[..3] {
            let response = customer.get(path).await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{path}");
            assert!(location(&response).starts_with("/login?next="), "{path}");
        }
        let api = customer.get("/api/admin/stats").await;
        assert_eq!(api.status, StatusCode::UNAUTHORIZED);
        let mut admin = app.sign_in_as("admin").await;
        for path in paths {
            assert_eq!(admin.get(path).await.status, StatusCode::OK, "{path}");
        }
        shut_down(app).await;
    }
}

/// The history the browser story seeds: three charts with data behind them, and content gaps
/// that link to a new article.
#[tokio::test]
async fn a_sample_history_fills_the_charts_and_the_content_gaps() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        seed_dashboard_sample(&app.state.db, 60).await;
        let now = now_millis();
        let figures = deflection_figures(&app.state.db, &DashboardFilter::last_days(30, now, None))
            .await
            .expect("figures");
        let name = database.name;
        // Every day of the period has the same activity: half of the searches find nothing,
        // and one request in three is deflected.
        assert!(figures.searches > 0, "[{name}]");
        assert_eq!(
            figures.zero_result_searches * 2,
            figures.searches,
            "[{name}]"
        );
        assert!(figures.deflected > 0, "[{name}]");
        assert!(figures.tickets_filed >= figures.deflected, "[{name}]");
        assert_eq!(figures.requests_started, 3 * figures.deflected, "[{name}]");
        assert!(figures.agents.iter().any(|a| a.replies > 0), "[{name}]");
        let mut admin = app.sign_in_as("admin").await;
        let page = admin.get("/admin?range=30").await;
        assert_eq!(page.status, StatusCode::OK, "[{name}]");
        assert!(page.body.matches("<svg").count() >= 3, "[{name}]");
        assert!(
            page.body
                .contains("Deflected ÷ (deflected + tickets filed)."),
            "[{name}]"
        );
        let gaps = admin.get("/admin/content-gaps?range=30").await;
        // minijinja writes "/" as "&#x2f;" in values; browsers read both the same.
        let gaps_body = gaps.body.replace("&#x2f;", "/");
        assert!(
            gaps_body.contains("href=\"/editor/articles/new?title=Calendar+sync\""),
            "[{name}] {gaps_body}"
        );
        shut_down(app).await;
    }
}

/// A small deterministic generator (xorshift64*) for generated histories.
struct Dice(u64);

impl Dice {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// `days` days of generated self-service activity up to a few minutes ago (today's partial
/// day included): searches in several languages (some without a language) that find
/// something or nothing, article views by source, feedback, requests started, deflected and
/// abandoned from drafts in several languages, and tickets filed by visitors who searched
/// first, over every channel. Stored in batches of varying size through the portal's own
/// insert, in shuffled order, so a ticket is sometimes stored before the searches it follows.
async fn generate_history(db: &Database, days: i64, seed: u64) {
    let mut dice = Dice(seed);
    let now = now_millis();
    let slugs: Vec<String> = db
        .article_titles()
        .await
        .expect("articles")
        .into_iter()
        .map(|(slug, _)| slug)
        .take(12)
        .collect();
    let languages = ["en", "en", "ru", "lv", "lt"];
    let channels = [Channel::WebForm, Channel::Api, Channel::Widget];
    let queries = [
        ("reset password", 3),
        ("Dark mode", 0),
        ("dark  mode?", 0),
        ("refund", 2),
        ("calendar sync", 0),
        ("export invoices", 4),
        ("", 0),
    ];
    let mut rows = Vec::new();
    for n in 0..days * 20 {
        let occurred_at = now - 5 * MINUTE - dice.below((days * DAY_MILLIS) as u64) as i64;
        let visitor = format!("visitor-{}", dice.below(90));
        let channel = *dice.pick(&channels);
        let base = EventRow {
            occurred_at,
            visitor_id: Some(visitor.clone()),
            channel: Some(channel),
            ..EventRow::default()
        };
        let draft = format!("generated-draft-{n}");
        match dice.below(10) {
            0..4 => {
                let (query, results) = *dice.pick(&queries);
                let lang = match dice.below(6) {
                    0 => None,
                    _ => Some((*dice.pick(&languages)).to_owned()),
                };
                rows.push(EventRow {
                    kind: EventKind::Search,
                    query: Some(query.to_lowercase()),
                    result_count: Some(results),
                    lang,
                    ..base
                });
            }
            4..6 => rows.push(EventRow {
                kind: EventKind::ArticleViewed,
                article_slug: Some(dice.pick(&slugs).clone()),
                source: Some((*dice.pick(&["search", "suggest", "browse", "direct"])).to_owned()),
                ..base
            }),
            6 => rows.push(EventRow {
                kind: *dice.pick(&[EventKind::HelpfulYes, EventKind::HelpfulNo]),
                article_slug: Some(dice.pick(&slugs).clone()),
                ..base
            }),
            7 | 8 => {
                let lang: &&str = dice.pick(&languages);
                db.create_draft(&draft, "", lang, channel)
                    .await
                    .expect("draft");
                rows.push(EventRow {
                    kind: EventKind::RequestStarted,
                    draft_id: Some(draft.clone()),
                    ..base.clone()
                });
                let outcome = match dice.below(3) {
                    0 => Some(EventKind::Deflected),
                    1 => Some(EventKind::RequestAbandoned),
                    _ => None,
                };
                if let Some(kind) = outcome {
                    rows.push(EventRow {
                        kind,
                        draft_id: Some(draft),
                        article_slug: (kind == EventKind::Deflected)
                            .then(|| dice.pick(&slugs).clone()),
                        visitor_id: None,
                        occurred_at: occurred_at + MINUTE,
                        ..base
                    });
                }
            }
            _ => {
                // A search or two, then a ticket within (or just beyond) the hour.
                for _ in 0..1 + dice.below(2) {
                    let (query, results) = *dice.pick(&queries);
                    rows.push(EventRow {
                        kind: EventKind::Search,
                        query: Some(query.to_lowercase()),
                        result_count: Some(results),
                        lang: Some((*dice.pick(&languages)).to_owned()),
                        occurred_at: occurred_at - dice.below((70 * MINUTE) as u64) as i64,
                        ..base.clone()
                    });
                }
                rows.push(EventRow {
                    kind: EventKind::TicketFiled,
                    ticket_id: Some(n),
                    ..base
                });
            }
        }
    }
    // Shuffled, then stored in batches of 1 to 300 rows.
    for i in (1..rows.len()).rev() {
        let j = dice.below(i as u64 + 1) as usize;
        rows.swap(i, j);
    }
    let mut rest = rows.as_slice();
    while !rest.is_empty() {
        let take = (1 + dice.below(300) as usize).min(rest.len());
        db.insert_events(&rest[..take]).await.expect("events");
        rest = &rest[take..];
    }
}

/// Every period the dashboard offers (and a custom one), every language filter.
fn dashboard_periods(now: i64) -> Vec<DashboardFilter> {
    let mut filters = Vec::new();
    for lang in [None, Some("en"), Some("ru"), Some("lt")] {
        for days in [1, 7, 30, 90, 365] {
            filters.push(DashboardFilter::last_days(
                days,
                now,
                lang.map(str::to_owned),
            ));
        }
        let today = now.div_euclid(DAY_MILLIS);
        // Custom periods: one inside a week, and several weeks long starting on each
        // weekday, so whole weeks and the days at both ends are all read.
        for (first, last) in [
            (today - 40, today - 12),
            (today - 60, today - 57),
            (today - 80, today - 60),
            (today - 101, today - 70),
            (today - 132, today - 99),
            (today - 150, today - 127),
            (today - 200, today - 170),
            (today - 233, today - 203),
            (today - 300, today - 280),
        ] {
            filters.push(
                DashboardFilter::between_dates(
                    &day_label(first),
                    &day_label(last),
                    lang.map(str::to_owned),
                )
                .expect("dates"),
            );
        }
    }
    filters
}

/// The figures and content gaps of every period, from the roll-ups.
async fn rolled_up_figures(
    db: &Database,
    filters: &[DashboardFilter],
) -> Vec<(DeflectionFigures, Vec<ContentGap>)> {
    let mut all = Vec::new();
    for filter in filters {
        let figures = deflection_figures(db, filter).await.expect("figures");
        let gaps = content_gaps(db, filter).await.expect("gaps");
        all.push((figures, gaps));
    }
    all
}

/// Checks the roll-ups against the raw events for every period.
async fn assert_rollups_equal_raw_events(db: &Database, now: i64, name: &str) {
    let filters = dashboard_periods(now);
    let rolled = rolled_up_figures(db, &filters).await;
    for (filter, (figures, gaps)) in filters.iter().zip(rolled) {
        let raw = deflection_figures_from(db, filter, EventSource::RawEvents)
            .await
            .expect("raw figures");
        assert!(
            !figures.help_centre_visitors_estimated,
            "[{name}] small history counts exactly"
        );
        assert_eq!(figures, raw, "[{name}] {filter:?}");
        let raw_gaps = content_gaps_from(db, filter, EventSource::RawEvents)
            .await
            .expect("raw gaps");
        assert_eq!(gaps, raw_gaps, "[{name}] {filter:?}");
    }
}

#[tokio::test]
async fn daily_rollups_give_the_figures_of_the_raw_events_for_every_period_and_language() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let db = &app.state.db;
        generate_history(db, 400, 0x5EED_0001).await;
        let now = now_millis();
        // One search this very moment: just after midnight the history may have none today.
        db.insert_events(&[EventRow {
            kind: EventKind::Search,
            occurred_at: now,
            visitor_id: Some("early-bird".to_owned()),
            query: Some("dark mode".to_owned()),
            result_count: Some(1),
            lang: Some("en".to_owned()),
            ..EventRow::default()
        }])
        .await
        .expect("today's search");
        let year = deflection_figures(db, &DashboardFilter::last_days(365, now, None))
            .await
            .expect("figures");
        assert!(
            year.searches > 1000,
            "[{}] the history has searches",
            database.name
        );
        assert!(year.searches_ending_in_ticket > 50);
        assert!(year.deflected > 50 && year.implicit_deflections > 50);
        assert!(!year.articles.is_empty() && !year.top_zero_result_searches.is_empty());
        let today = deflection_figures(db, &DashboardFilter::last_days(1, now, Some("en".into())))
            .await
            .expect("figures");
        assert!(today.searches > 0, "today's partial day is counted");
        assert_rollups_equal_raw_events(db, now, database.name).await;
        shut_down(app).await;
    }
}

#[tokio::test]
async fn searches_count_as_ending_in_a_ticket_whichever_is_stored_first() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let db = &app.state.db;
        let name = database.name;
        let now = now_millis();
        let search = |visitor: &str, query: &str, results: i64, at: i64| EventRow {
            kind: EventKind::Search,
            occurred_at: at,
            visitor_id: Some(visitor.to_owned()),
            query: Some(query.to_owned()),
            result_count: Some(results),
            lang: Some("en".to_owned()),
            ..EventRow::default()
        };
        let ticket = |visitor: &str, at: i64| EventRow {
            kind: EventKind::TicketFiled,
            occurred_at: at,
            visitor_id: Some(visitor.to_owned()),
            ticket_id: Some(1),
            ..EventRow::default()
        };
        // Ann searches twice, then files a ticket 20 minutes later: both searches are marked
        // when the ticket is stored. Her search of two hours earlier is not.
        db.insert_events(&[
            search("ann", "dark mode", 0, now - 40 * MINUTE),
            search("ann", "night theme", 2, now - 30 * MINUTE),
            search("ann", "invoice", 2, now - 3 * HOUR),
        ])
        .await
        .expect("searches");
        // Today and yesterday: the story reaches three hours back, which just after midnight
        // is yesterday.
        let filter = DashboardFilter::last_days(2, now, None);
        let before = deflection_figures(db, &filter).await.expect("figures");
        assert_eq!(before.searches_ending_in_ticket, 0, "[{name}]");
        db.insert_events(&[ticket("ann", now - 10 * MINUTE)])
            .await
            .expect("ticket");
        // Bob's ticket is stored before his search (another instance's queue was slower).
        db.insert_events(&[ticket("bob", now - 5 * MINUTE)])
            .await
            .expect("ticket");
        db.insert_events(&[search("bob", "dark mode", 0, now - 15 * MINUTE)])
            .await
            .expect("search");
        // A second ticket from Ann marks nothing twice.
        db.insert_events(&[ticket("ann", now - 9 * MINUTE)])
            .await
            .expect("ticket");
        let after = deflection_figures(db, &filter).await.expect("figures");
        assert_eq!(after.searches_ending_in_ticket, 3, "[{name}]");
        let top: Vec<(&str, i64)> = after
            .top_searches_ending_in_ticket
            .iter()
            .map(|s| (s.query.as_str(), s.count))
            .collect();
        assert_eq!(top, [("dark mode", 2), ("night theme", 1)], "[{name}]");
        let gaps = content_gaps(db, &filter).await.expect("gaps");
        assert_eq!(gaps[0].key, "dark mode");
        assert_eq!(
            (
                gaps[0].zero_result_searches,
                gaps[0].searches_ending_in_ticket
            ),
            (2, 2)
        );
        let raw = deflection_figures_from(db, &filter, EventSource::RawEvents)
            .await
            .expect("raw figures");
        assert_eq!(after, raw, "[{name}]");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_database_with_events_but_no_rollups_gets_them_built_on_the_next_start() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        generate_history(&app.state.db, 120, 0x5EED_0002).await;
        let now = now_millis();
        let filters = dashboard_periods(now);
        let expected = rolled_up_figures(&app.state.db, &filters).await;
        let db = shut_down(app).await;
        // What a database written before the roll-ups existed looks like.
        for statement in [
            "DELETE FROM event_days",
            "DELETE FROM search_days",
            "DELETE FROM search_weeks",
            "DELETE FROM article_days",
            "DELETE FROM article_weeks",
            "DELETE FROM visitor_days",
            "DELETE FROM visitor_day_sketches",
            "UPDATE events SET ended_in_ticket = 0",
            "UPDATE event_rollup_state SET built_at = NULL",
        ] {
            sqlx::query(statement)
                .execute(db.pool())
                .await
                .expect("forget the roll-ups");
        }
        let emptied = deflection_figures(&db, &filters[3]).await.expect("figures");
        assert_eq!(emptied.searches, 0, "[{}] no roll-ups left", database.name);
        db.close().await;

        let app = spawn_app(&database, &shipped_content()).await;
        let rebuilt = rolled_up_figures(&app.state.db, &filters).await;
        assert!(rebuilt[3].0.searches > 0);
        assert_eq!(rebuilt, expected, "[{}]", database.name);
        assert_rollups_equal_raw_events(&app.state.db, now, database.name).await;
        shut_down(app).await;
    }
}

#[tokio::test]
async fn visitors_of_a_long_busy_period_are_estimated_within_the_stated_error() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let db = &app.state.db;
        let now = now_millis();
        // 40,000 visitors a day on two days, half of them on both: 60,000 distinct visitors
        // in 80,000 (day, visitor) pairs, more than are counted exactly.
        for day in 0..2i64 {
            let rows: Vec<EventRow> = (0..40_000i64)
                .map(|n| EventRow {
                    kind: EventKind::ArticleViewed,
                    occurred_at: now - day * DAY_MILLIS - MINUTE,
                    visitor_id: Some(format!("busy-visitor-{}", n + day * 20_000)),
                    article_slug: Some("i-cant-sign-in".to_owned()),
                    source: Some("direct".to_owned()),
                    ..EventRow::default()
                })
                .collect();
            db.insert_events(&rows).await.expect("events");
        }
        let filter = DashboardFilter::last_days(7, now, None);
        let figures = deflection_figures(db, &filter).await.expect("figures");
        let raw = deflection_figures_from(db, &filter, EventSource::RawEvents)
            .await
            .expect("raw figures");
        assert_eq!(raw.help_centre_visitors, 60_000);
        assert!(
            figures.help_centre_visitors_estimated,
            "[{}]",
            database.name
        );
        let error = (figures.help_centre_visitors - 60_000).abs() as f64 / 60_000.0;
        assert!(
            error <= 3.0 * VISITORS_STANDARD_ERROR,
            "[{}] {} visitors",
            database.name,
            figures.help_centre_visitors
        );
        assert_eq!(
            figures.articles, raw.articles,
            "everything but the visitors stays exact"
        );
        let mut admin = app.sign_in_as("admin").await;
        let page = admin.get("/admin?range=7").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains(&format!("≈ {} (±1.6%)", figures.help_centre_visitors)),
            "the page says the figure is an estimate and how close"
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn events_past_the_retention_are_dropped_without_changing_any_figure() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let db = &app.state.db;
        let name = database.name;
        generate_history(db, 200, 0x5EED_0003).await;
        let now = now_millis();
        let filters = dashboard_periods(now);
        let before = rolled_up_figures(db, &filters).await;
        let first_kept = (now.div_euclid(DAY_MILLIS) - 30) * DAY_MILLIS;
        let count_events = |sql: &'static str| async move {
            let count: i64 = sqlx::query_scalar(sql)
                .bind(first_kept)
                .fetch_one(db.pool())
                .await
                .expect("count");
            count
        };
        let old = "SELECT COUNT(*) FROM events WHERE occurred_at < $1";
        let kept = "SELECT COUNT(*) FROM events WHERE occurred_at >= $1";
        let recent_events = count_events(kept).await;
        assert!(count_events(old).await > 1000, "[{name}]");

        // Off by default: nothing goes.
        assert_eq!(purge_expired_events(db, 0, now).await.expect("purge"), None);
        let dropped = purge_expired_events(db, 30, now).await.expect("purge");
        assert!(dropped.is_some_and(|n| n > 1000), "[{name}] {dropped:?}");
        assert_eq!(count_events(old).await, 0, "[{name}] old raw rows are gone");
        assert_eq!(count_events(kept).await, recent_events, "[{name}]");
        // Another instance asking in the same round is told no.
        assert_eq!(
            purge_expired_events(db, 30, now).await.expect("purge"),
            None
        );

        let after = rolled_up_figures(db, &filters).await;
        assert_eq!(
            after, before,
            "[{name}] every figure and content gap is unchanged"
        );
        assert!(
            after
                .iter()
                .any(|(figures, _)| figures.searches_ending_in_ticket > 0)
        );
        // What the raw events still cover is still exact; the purged days read from roll-ups.
        let recent = DashboardFilter::last_days(7, now, None);
        assert_eq!(
            deflection_figures(db, &recent).await.expect("figures"),
            deflection_figures_from(db, &recent, EventSource::RawEvents)
                .await
                .expect("raw figures"),
        );
        let mut admin = app.sign_in_as("admin").await;
        let page = admin.get("/admin?range=365").await;
        assert_eq!(page.status, StatusCode::OK, "[{name}]");
        let gaps = admin.get("/admin/content-gaps?range=365").await;
        assert_eq!(gaps.status, StatusCode::OK, "[{name}]");
        assert!(gaps.body.contains("<li>dark mode <span"), "[{name}]");
        shut_down(app).await;
    }
}
