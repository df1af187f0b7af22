//! Test histories: rows the portal only ever writes "now" (agent replies, resolutions, tickets
//! in every state), written at chosen times through the portal's pool, and a small dashboard
//! history of tickets and self-service events.

use answerdesk::accounts::Role;
use answerdesk::deflection::{Channel, EventKind};
use answerdesk::storage::dashboard::DAY_MILLIS;
use answerdesk::storage::{Database, EventRow, NewTicket, OutgoingEmail, StorageError, now_millis};
use answerdesk::tickets::inbox::NO_SLA_DUE;
use answerdesk::tickets::ticket::{filed_line, next_sla_due};
use answerdesk::tickets::{TicketPriority, TicketStatus};

const HOUR: i64 = 60 * 60 * 1000;

/// Records an agent's reply as the agents' inbox would, at `at`: the message with its author,
/// and the ticket's first response time when it is the first public one.
pub async fn agent_reply_at(
    db: &Database,
    ticket_id: i64,
    user_id: i64,
    author_name: &str,
    internal: bool,
    at: i64,
) {
    let mut transaction = db.pool().begin().await.expect("begin");
    sqlx::query(
        "INSERT INTO ticket_messages (ticket_id, author_kind, author_name, author_user_id, body, internal, created_at) \
         VALUES ($1, 'agent', $2, $3, $4, $5, $6)",
    )
    .bind(ticket_id)
    .bind(author_name)
    .bind(user_id)
    .bind(if internal { "Internal note" } else { "Reply" })
    .bind(i64::from(internal))
    .bind(at)
    .execute(&mut *transaction)
    .await
    .expect("insert the agent's message");
    if !internal {
        sqlx::query(
            "UPDATE tickets SET first_responded_at = COALESCE(first_responded_at, $1), \
             status = CASE WHEN status = 'new' THEN 'answered' ELSE status END WHERE id = $2",
        )
        .bind(at)
        .bind(ticket_id)
        .execute(&mut *transaction)
        .await
        .expect("record the first response");
    }
    transaction.commit().await.expect("commit");
}

/// Marks a ticket resolved by a staff user at `at`.
pub async fn resolve_at(db: &Database, ticket_id: i64, user_id: i64, at: i64) {
    sqlx::query(
        "UPDATE tickets SET status = 'resolved', resolved_at = $1, resolved_by = $2, updated_at = $1, \
         sla_due_at = $3 WHERE id = $4",
    )
    .bind(at)
    .bind(user_id)
    .bind(NO_SLA_DUE)
    .bind(ticket_id)
    .execute(db.pool())
    .await
    .expect("resolve the ticket");
}

/// `count` tickets for inbox tests, one a minute up to now: mostly closed, the rest in every
/// status, with priorities, one tag each, due times, and assignees from `assignees` (may be
/// empty) on two tickets in three.
pub async fn seed_inbox_tickets(db: &Database, count: usize, assignees: &[i64]) {
    const STATUSES: [&str; 6] = ["new", "open", "answered", "postponed", "resolved", "closed"];
    const PRIORITIES: [&str; 4] = ["low", "medium", "high", "urgent"];
    const TAGS: [&str; 6] = ["billing", "login", "bug", "refund", "sso", "export"];
    let now = now_millis();
    let mut transaction = db.pool().begin().await.expect("begin");
    for n in 0..count {
        let status = if n % 10 < 7 {
            "closed"
        } else {
            STATUSES[n % 6]
        };
        let priority_rank = (n / 3) % 4;
        let tag = TAGS[n % TAGS.len()];
        let created_at = now - (count - n) as i64 * 60_000;
        let first_response_due = created_at + 4 * HOUR;
        let resolution_due = created_at + 48 * HOUR;
        let responded = (status != "new").then_some(created_at + HOUR);
        let assignee =
            (!assignees.is_empty() && n % 3 != 0).then(|| assignees[n % assignees.len()]);
        let sla_due_at = match (status, responded) {
            ("resolved" | "closed", _) => NO_SLA_DUE,
            (_, None) => first_response_due,
            (_, Some(_)) => resolution_due,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (status_token, name, email, subject, description, category, lang, tags, \
             priority, priority_rank, status, channel, first_response_due, resolution_due, first_responded_at, \
             assignee_id, sla_due_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'en', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
        )
        .bind(format!("seed{n:044}"))
        .bind(format!("Customer {n}"))
        .bind(format!("customer{}@example.com", n % 5_000))
        .bind(format!("Seeded ticket {n}"))
        .bind("A seeded ticket.")
        .bind(["billing", "account", ""][n % 3])
        .bind(serde_json::json!([tag]).to_string())
        .bind(PRIORITIES[priority_rank])
        .bind(priority_rank as i64)
        .bind(status)
        .bind(Channel::Api.as_str())
        .bind(first_response_due)
        .bind(resolution_due)
        .bind(responded)
        .bind(assignee)
        .bind(sla_due_at)
        .bind(created_at)
        .fetch_one(&mut *transaction)
        .await
        .expect("insert a ticket");
        sqlx::query("INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)")
            .bind(id)
            .bind(tag)
            .execute(&mut *transaction)
            .await
            .expect("insert its tag");
    }
    transaction.commit().await.expect("commit");
}

/// A small dashboard history over the last `days` days: each day, at one moment, four
/// searches (two finding nothing), an article view, three requests started, one of them
/// deflected; then one or two tickets, two days in three answered and every other day
/// resolved by a sample agent.
pub async fn seed_dashboard_sample(db: &Database, days: i64) {
    let now = now_millis();
    let agent = db
        .insert_user(
            "sample-agent@example.invalid",
            "Sample agent",
            Role::Agent,
            // No password hash: nobody can sign in as the sample agent.
            "!",
        )
        .await
        .expect("sample agent");
    const SEARCHES: [(&str, i64); 4] = [
        ("reset password", 3),
        ("export invoices", 2),
        ("dark mode", 0),
        ("calendar sync", 0),
    ];
    const PRIORITIES: [TicketPriority; 4] = TicketPriority::ALL;
    let mut events = Vec::new();
    for day in 0..days {
        let at = now - day * DAY_MILLIS - HOUR;
        let visitor = format!("sample-visitor-{day}");
        for (query, result_count) in SEARCHES {
            events.push(EventRow {
                kind: EventKind::Search,
                occurred_at: at,
                visitor_id: Some(visitor.clone()),
                query: Some(query.to_owned()),
                result_count: Some(result_count),
                lang: Some("en".to_owned()),
                ..EventRow::default()
            });
        }
        events.push(EventRow {
            kind: EventKind::ArticleViewed,
            occurred_at: at,
            visitor_id: Some(visitor.clone()),
            article_slug: Some("reset-your-password".to_owned()),
            source: Some("search".to_owned()),
            ..EventRow::default()
        });
        for request in 0..3 {
            events.push(EventRow {
                kind: EventKind::RequestStarted,
                occurred_at: at,
                visitor_id: Some(visitor.clone()),
                draft_id: Some(format!("sample-draft-{day}-{request}")),
                ..EventRow::default()
            });
        }
        events.push(EventRow {
            kind: EventKind::Deflected,
            occurred_at: at,
            draft_id: Some(format!("sample-draft-{day}-0")),
            article_slug: Some("reset-your-password".to_owned()),
            ..EventRow::default()
        });
        for n in 0..(1 + day % 2) {
            let created_at = at + n * 60_000;
            let priority = PRIORITIES[((day + n) % 4) as usize];
            let (ticket, _) = db
                .insert_ticket(
                    &NewTicket {
                        draft_id: None,
                        status_token: format!("sample{day:021}{n:021}"),
                        name: format!("Customer {day}"),
                        email: format!("customer{day}@example.com"),
                        subject: "Calendar sync".to_owned(),
                        description: "How do I sync my calendar?".to_owned(),
                        category: String::new(),
                        lang: "en".to_owned(),
                        tags: vec![],
                        matched_rules: vec![],
                        priority,
                        status: TicketStatus::New,
                        channel: Channel::WebForm,
                        first_response_due: created_at + 8 * HOUR,
                        resolution_due: created_at + 72 * HOUR,
                        sla_due_at: next_sla_due(
                            TicketStatus::New,
                            None,
                            created_at + 8 * HOUR,
                            created_at + 72 * HOUR,
                        ),
                        suggested_articles: vec![],
                        opened_articles: vec![],
                        history: filed_line(Channel::WebForm, priority, &[], &[]),
                        created_at,
                    },
                    |_| {
                        Ok::<_, StorageError>(OutgoingEmail {
                            recipient: format!("customer{day}@example.com"),
                            subject: "We received your request".to_owned(),
                            body: "Thanks.".to_owned(),
                        })
                    },
                )
                .await
                .expect("sample ticket");
            events.push(EventRow {
                kind: EventKind::TicketFiled,
                occurred_at: created_at,
                visitor_id: Some(visitor.clone()),
                draft_id: ticket.draft_id.clone(),
                ticket_id: Some(ticket.id),
                ..EventRow::default()
            });
            if day % 3 != 0 {
                agent_reply_at(
                    db,
                    ticket.id,
                    agent.id,
                    &agent.name,
                    false,
                    created_at + HOUR,
                )
                .await;
                if day % 2 == 0 {
                    resolve_at(db, ticket.id, agent.id, created_at + 5 * HOUR).await;
                }
            }
        }
    }
    db.insert_events(&events).await.expect("sample events");
}
