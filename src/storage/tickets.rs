//! Queries for tickets, their conversation and history, and the email outbox.

use sqlx::FromRow;

use super::inbox::{refresh_sla_due, replace_ticket_tags};
use super::{Database, StorageError, from_json_list, now_millis, to_json_list};
use crate::deflection::Channel;
use crate::tickets::inbox::{NO_SLA_DUE, priority_rank};

/// A ticket to store, with everything decided (priority, tags, due times) beforehand.
#[derive(Clone, Debug)]
pub struct NewTicket {
    pub draft_id: Option<String>,
    pub status_token: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub description: String,
    pub category: String,
    pub lang: String,
    pub tags: Vec<String>,
    pub matched_rules: Vec<String>,
    pub priority: String,
    pub channel: Channel,
    pub first_response_due: i64,
    pub resolution_due: i64,
    /// Articles suggested before filing, in order.
    pub suggested_articles: Vec<String>,
    /// Of those (or others), the ones the customer opened.
    pub opened_articles: Vec<String>,
    pub created_at: i64,
}

/// An email to send (or keep in the outbox).
#[derive(Clone, Debug)]
pub struct OutgoingEmail {
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// A staff member's change to a ticket, applied in one transaction with its history entries.
#[derive(Clone, Debug, Default)]
pub struct AgentUpdate<'a> {
    /// The staff member (stored as `author_user_id`, `resolved_by`).
    pub actor_id: i64,
    /// How the history names them.
    pub actor_email: &'a str,
    /// A reply to the customer or an internal note.
    pub message: Option<AgentMessage<'a>>,
    /// The new status; `resolved` stamps `resolved_at`/`resolved_by`, `closed` stamps
    /// `closed_at`, any other status clears them.
    pub status: Option<&'a str>,
    pub priority: Option<PriorityUpdate<'a>>,
    /// The complete new tag list.
    pub tags: Option<&'a [String]>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<i64>>,
    /// One `ticket_history` entry each, in order.
    pub history: Vec<String>,
    /// An email to queue (the reply to the customer).
    pub email: Option<OutgoingEmail>,
}

/// A message written by a staff member.
#[derive(Clone, Debug, Default)]
pub struct AgentMessage<'a> {
    pub author_name: &'a str,
    pub body: &'a str,
    /// Internal notes are never shown to the customer; a reply (`false`) is, and the first
    /// one stamps `first_responded_at`.
    pub internal: bool,
}

/// A new priority with the SLA due times recalculated for it.
#[derive(Clone, Debug, Default)]
pub struct PriorityUpdate<'a> {
    pub priority: &'a str,
    pub rank: i64,
    pub first_response_due: i64,
    pub resolution_due: i64,
}

/// A stored ticket.
#[derive(Clone, Debug, FromRow)]
pub struct StoredTicket {
    pub id: i64,
    pub draft_id: Option<String>,
    pub status_token: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub description: String,
    pub category: String,
    pub lang: String,
    pub tags: String,
    pub matched_rules: String,
    pub priority: String,
    pub status: String,
    pub channel: String,
    pub suggestions_shown: i64,
    pub suggestions_opened: i64,
    pub first_response_due: i64,
    pub resolution_due: i64,
    pub first_responded_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub satisfaction: Option<String>,
    pub satisfaction_comment: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The staff member working the ticket.
    pub assignee_id: Option<i64>,
    /// The staff member who resolved it (cleared when it reopens).
    pub resolved_by: Option<i64>,
    /// The next SLA due time, [`NO_SLA_DUE`] when no clock runs (resolved or closed).
    pub sla_due_at: i64,
}

impl StoredTicket {
    /// The tags as a list.
    pub fn tag_list(&self) -> Result<Vec<String>, StorageError> {
        from_json_list(&self.tags)
    }

    /// The names of the rules that set priority and tags.
    pub fn matched_rule_list(&self) -> Result<Vec<String>, StorageError> {
        from_json_list(&self.matched_rules)
    }
}

/// One message of a ticket's conversation.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct StoredMessage {
    pub id: i64,
    pub author_kind: String,
    pub author_name: String,
    pub body: String,
    pub internal: i64,
    pub created_at: i64,
    /// The staff member who wrote an agent reply or note.
    pub author_user_id: Option<i64>,
}

/// An article suggested before a ticket was filed.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct TicketArticle {
    pub article_slug: String,
    pub position: i64,
    pub opened: i64,
}

/// A queued email.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct OutboxEmail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

const TICKET_COLUMNS: &str = "id, draft_id, status_token, name, email, subject, description, category, lang, \
     tags, matched_rules, priority, status, channel, suggestions_shown, suggestions_opened, first_response_due, \
     resolution_due, first_responded_at, resolved_at, closed_at, satisfaction, satisfaction_comment, \
     created_at, updated_at, assignee_id, resolved_by, sla_due_at";

impl Database {
    /// Stores a ticket with its first message, history, suggested articles and the
    /// confirmation email, in one transaction. A ticket for the same draft is filed once:
    /// a repeated submit returns the ticket already filed (`false` = not newly created).
    pub async fn insert_ticket(
        &self,
        ticket: &NewTicket,
        confirmation: impl FnOnce(i64) -> OutgoingEmail,
    ) -> Result<(StoredTicket, bool), StorageError> {
        if let Some(existing) = self.ticket_for_draft(ticket.draft_id.as_deref()).await? {
            return Ok((existing, false));
        }
        match self.insert_ticket_once(ticket, confirmation).await {
            Ok(id) => {
                let stored = self
                    .find_ticket_by_id(id)
                    .await?
                    .ok_or_else(|| StorageError::Corrupt("ticket vanished".into()))?;
                Ok((stored, true))
            }
            // Two submits of one draft at the same moment: the second loses the race on the
            // unique draft id and answers with the first one's ticket.
            Err(StorageError::Database(sqlx::Error::Database(error)))
                if error.is_unique_violation() =>
            {
                let existing = self
                    .ticket_for_draft(ticket.draft_id.as_deref())
                    .await?
                    .ok_or_else(|| StorageError::Conflict("duplicate ticket".into()))?;
                Ok((existing, false))
            }
            Err(error) => Err(error),
        }
    }

    async fn ticket_for_draft(
        &self,
        draft_id: Option<&str>,
    ) -> Result<Option<StoredTicket>, StorageError> {
        let Some(draft_id) = draft_id else {
            return Ok(None);
        };
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE draft_id = $1");
        Ok(sqlx::query_as(&sql)
            .bind(draft_id)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn insert_ticket_once(
        &self,
        ticket: &NewTicket,
        confirmation: impl FnOnce(i64) -> OutgoingEmail,
    ) -> Result<i64, StorageError> {
        let mut transaction = self.pool().begin().await?;
        let opened_count = ticket.opened_articles.len() as i64;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (draft_id, status_token, name, email, subject, description, category, lang, \
             tags, matched_rules, priority, status, channel, suggestions_shown, suggestions_opened, \
             first_response_due, resolution_due, created_at, updated_at, priority_rank, sla_due_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12, $13, $14, $15, $16, $17, $17, $18, $15) \
             RETURNING id",
        )
        .bind(ticket.draft_id.as_deref())
        .bind(&ticket.status_token)
        .bind(&ticket.name)
        .bind(&ticket.email)
        .bind(&ticket.subject)
        .bind(&ticket.description)
        .bind(&ticket.category)
        .bind(&ticket.lang)
        .bind(to_json_list(&ticket.tags))
        .bind(to_json_list(&ticket.matched_rules))
        .bind(&ticket.priority)
        .bind(ticket.channel.as_str())
        .bind(ticket.suggested_articles.len() as i64)
        .bind(opened_count)
        .bind(ticket.first_response_due)
        .bind(ticket.resolution_due)
        .bind(ticket.created_at)
        .bind(
            crate::tickets::TicketPriority::parse(&ticket.priority)
                .map(priority_rank)
                .unwrap_or(0),
        )
        .fetch_one(&mut *transaction)
        .await?;
        replace_ticket_tags(&mut transaction, id, &ticket.tags).await?;

        sqlx::query(
            "INSERT INTO ticket_messages (ticket_id, author_kind, author_name, body, internal, created_at) \
             VALUES ($1, 'customer', $2, $3, 0, $4)",
        )
        .bind(id)
        .bind(&ticket.name)
        .bind(&ticket.description)
        .bind(ticket.created_at)
        .execute(&mut *transaction)
        .await?;

        let mut change = format!(
            "filed via {} with priority {}",
            ticket.channel, ticket.priority
        );
        if !ticket.tags.is_empty() {
            change.push_str(&format!(", tags {}", ticket.tags.join(", ")));
        }
        if !ticket.matched_rules.is_empty() {
            change.push_str(&format!(" (rules: {})", ticket.matched_rules.join(", ")));
        }
        insert_history(&mut transaction, id, "customer", &change, ticket.created_at).await?;

        let mut articles: Vec<(String, bool)> = ticket
            .suggested_articles
            .iter()
            .map(|slug| (slug.clone(), ticket.opened_articles.contains(slug)))
            .collect();
        for opened in &ticket.opened_articles {
            if !ticket.suggested_articles.contains(opened) {
                articles.push((opened.clone(), true));
            }
        }
        for (position, (slug, opened)) in articles.iter().enumerate() {
            sqlx::query("INSERT INTO ticket_articles (ticket_id, article_slug, position, opened) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(slug)
                .bind(position as i64 + 1)
                .bind(i64::from(*opened))
                .execute(&mut *transaction)
                .await?;
        }

        let email = confirmation(id);
        insert_outbox(&mut transaction, &email, Some(id), ticket.created_at).await?;

        if let Some(draft_id) = &ticket.draft_id {
            sqlx::query("UPDATE request_drafts SET state = 'submitted', ticket_id = $1, updated_at = $2 WHERE id = $3")
                .bind(id)
                .bind(ticket.created_at)
                .bind(draft_id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(id)
    }

    /// The ticket with this database id.
    pub async fn find_ticket_by_id(&self, id: i64) -> Result<Option<StoredTicket>, StorageError> {
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1");
        Ok(sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The ticket behind a private status link.
    pub async fn find_ticket_by_status_token(
        &self,
        token: &str,
    ) -> Result<Option<StoredTicket>, StorageError> {
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE status_token = $1");
        Ok(sqlx::query_as(&sql)
            .bind(token)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The conversation, oldest first; internal notes only when asked for.
    pub async fn ticket_messages(
        &self,
        ticket_id: i64,
        include_internal: bool,
    ) -> Result<Vec<StoredMessage>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT id, author_kind, author_name, body, internal, created_at, author_user_id FROM ticket_messages \
             WHERE ticket_id = $1 AND (internal = 0 OR $2 = 1) ORDER BY created_at, id",
        )
        .bind(ticket_id)
        .bind(i64::from(include_internal))
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// The articles suggested before filing, and whether each was opened.
    pub async fn ticket_articles(
        &self,
        ticket_id: i64,
    ) -> Result<Vec<TicketArticle>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT article_slug, position, opened FROM ticket_articles WHERE ticket_id = $1 ORDER BY position",
        )
        .bind(ticket_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Every recorded change to a ticket, oldest first: (actor, change, time).
    pub async fn ticket_history(
        &self,
        ticket_id: i64,
    ) -> Result<Vec<(String, String, i64)>, StorageError> {
        let rows = sqlx::query_as("SELECT actor, change, created_at FROM ticket_history WHERE ticket_id = $1 ORDER BY created_at, id")
            .bind(ticket_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows)
    }

    /// Adds a customer's reply and, when it changes, the new status, in one transaction.
    pub async fn add_customer_reply(
        &self,
        ticket: &StoredTicket,
        body: &str,
        new_status: &str,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        let mut transaction = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO ticket_messages (ticket_id, author_kind, author_name, body, internal, created_at) \
             VALUES ($1, 'customer', $2, $3, 0, $4)",
        )
        .bind(ticket.id)
        .bind(&ticket.name)
        .bind(body)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        if new_status != ticket.status {
            sqlx::query(
                "UPDATE tickets SET status = $1, resolved_at = NULL, resolved_by = NULL, updated_at = $2 WHERE id = $3",
            )
            .bind(new_status)
            .bind(now)
            .bind(ticket.id)
            .execute(&mut *transaction)
            .await?;
            let change = format!(
                "status: {} → {new_status} (customer replied)",
                ticket.status
            );
            insert_history(&mut transaction, ticket.id, "customer", &change, now).await?;
            refresh_sla_due(&mut transaction, ticket.id).await?;
        } else {
            sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(ticket.id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Stores the customer's satisfaction rating.
    pub async fn rate_ticket(
        &self,
        ticket_id: i64,
        rating: &str,
        comment: &str,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        let mut transaction = self.pool().begin().await?;
        sqlx::query("UPDATE tickets SET satisfaction = $1, satisfaction_comment = $2, updated_at = $3 WHERE id = $4")
            .bind(rating)
            .bind(comment)
            .bind(now)
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        insert_history(
            &mut transaction,
            ticket_id,
            "customer",
            &format!("rated the support {rating}"),
            now,
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Changes a ticket's status (an agent's action), recording who did it.
    pub async fn change_ticket_status(
        &self,
        ticket_id: i64,
        from: &str,
        to: &str,
        actor: &str,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        let mut transaction = self.pool().begin().await?;
        sqlx::query(
            "UPDATE tickets SET status = $1, updated_at = $2, \
             resolved_at = CASE WHEN $1 = 'resolved' THEN $2 ELSE resolved_at END, \
             closed_at = CASE WHEN $1 = 'closed' THEN $2 ELSE closed_at END WHERE id = $3",
        )
        .bind(to)
        .bind(now)
        .bind(ticket_id)
        .execute(&mut *transaction)
        .await?;
        insert_history(
            &mut transaction,
            ticket_id,
            actor,
            &format!("status: {from} → {to}"),
            now,
        )
        .await?;
        refresh_sla_due(&mut transaction, ticket_id).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Applies a staff member's change: message, status, priority, tags, assignee, history,
    /// email and the stored next SLA due time, all in one transaction.
    pub async fn apply_agent_update(
        &self,
        ticket_id: i64,
        update: &AgentUpdate<'_>,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        let mut transaction = self.pool().begin().await?;
        if let Some(message) = &update.message {
            sqlx::query(
                "INSERT INTO ticket_messages (ticket_id, author_kind, author_name, body, internal, created_at, author_user_id) \
                 VALUES ($1, 'agent', $2, $3, $4, $5, $6)",
            )
            .bind(ticket_id)
            .bind(message.author_name)
            .bind(message.body)
            .bind(i64::from(message.internal))
            .bind(now)
            .bind(update.actor_id)
            .execute(&mut *transaction)
            .await?;
            if !message.internal {
                sqlx::query(
                    "UPDATE tickets SET first_responded_at = $1 WHERE id = $2 AND first_responded_at IS NULL",
                )
                .bind(now)
                .bind(ticket_id)
                .execute(&mut *transaction)
                .await?;
            }
        }
        if let Some(status) = update.status {
            let resolved = status == "resolved";
            let closed = status == "closed";
            sqlx::query(
                "UPDATE tickets SET status = $1, \
                 resolved_at = CASE WHEN $2 = 1 THEN $3 WHEN $4 = 1 THEN resolved_at ELSE NULL END, \
                 resolved_by = CASE WHEN $2 = 1 THEN $5 WHEN $4 = 1 THEN resolved_by ELSE NULL END, \
                 closed_at = CASE WHEN $4 = 1 THEN $3 ELSE NULL END WHERE id = $6",
            )
            .bind(status)
            .bind(i64::from(resolved))
            .bind(now)
            .bind(i64::from(closed))
            .bind(update.actor_id)
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        }
        if let Some(priority) = &update.priority {
            sqlx::query(
                "UPDATE tickets SET priority = $1, priority_rank = $2, first_response_due = $3, \
                 resolution_due = $4 WHERE id = $5",
            )
            .bind(priority.priority)
            .bind(priority.rank)
            .bind(priority.first_response_due)
            .bind(priority.resolution_due)
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        }
        if let Some(tags) = update.tags {
            sqlx::query("UPDATE tickets SET tags = $1 WHERE id = $2")
                .bind(to_json_list(tags))
                .bind(ticket_id)
                .execute(&mut *transaction)
                .await?;
            replace_ticket_tags(&mut transaction, ticket_id, tags).await?;
        }
        if let Some(assignee) = update.assignee {
            sqlx::query("UPDATE tickets SET assignee_id = $1 WHERE id = $2")
                .bind(assignee)
                .bind(ticket_id)
                .execute(&mut *transaction)
                .await?;
        }
        sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        refresh_sla_due(&mut transaction, ticket_id).await?;
        for change in &update.history {
            insert_history(&mut transaction, ticket_id, update.actor_email, change, now).await?;
        }
        if let Some(email) = &update.email {
            insert_outbox(&mut transaction, email, Some(ticket_id), now).await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Closes tickets resolved before `resolved_before`; returns how many.
    pub async fn close_resolved_tickets(&self, resolved_before: i64) -> Result<u64, StorageError> {
        let now = now_millis();
        let mut transaction = self.pool().begin().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE tickets SET status = 'closed', closed_at = $1, updated_at = $1, sla_due_at = $3 \
             WHERE status = 'resolved' AND resolved_at < $2 RETURNING id",
        )
        .bind(now)
        .bind(resolved_before)
        .bind(NO_SLA_DUE)
        .fetch_all(&mut *transaction)
        .await?;
        for id in &ids {
            insert_history(
                &mut transaction,
                *id,
                "system",
                "status: resolved → closed (no reply after resolution)",
                now,
            )
            .await?;
        }
        transaction.commit().await?;
        Ok(ids.len() as u64)
    }

    /// Tickets created in `[since, until)`.
    pub async fn count_tickets_created(&self, since: i64, until: i64) -> Result<i64, StorageError> {
        let count = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tickets WHERE created_at >= $1 AND created_at < $2",
        )
        .bind(since)
        .bind(until)
        .fetch_one(self.pool())
        .await?;
        Ok(count)
    }

    /// Queues an email outside any ticket change.
    pub async fn queue_email(
        &self,
        email: &OutgoingEmail,
        ticket_id: Option<i64>,
    ) -> Result<(), StorageError> {
        let mut transaction = self.pool().begin().await?;
        insert_outbox(&mut transaction, email, ticket_id, now_millis()).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Emails not sent yet, oldest first.
    pub async fn unsent_emails(&self, limit: i64) -> Result<Vec<OutboxEmail>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT id, recipient, subject, body, created_at, sent_at, attempts, last_error FROM outbox \
             WHERE sent_at IS NULL AND attempts < 10 ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Every email in the outbox, newest first.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxEmail>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT id, recipient, subject, body, created_at, sent_at, attempts, last_error FROM outbox \
             ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Records a delivery attempt.
    pub async fn mark_email_attempt(
        &self,
        id: i64,
        error: Option<&str>,
    ) -> Result<(), StorageError> {
        let sent_at = error.is_none().then(now_millis);
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, sent_at = $1, last_error = $2 WHERE id = $3")
            .bind(sent_at)
            .bind(error)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

async fn insert_history(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    ticket_id: i64,
    actor: &str,
    change: &str,
    at: i64,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO ticket_history (ticket_id, actor, change, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(ticket_id)
    .bind(actor)
    .bind(change)
    .bind(at)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn insert_outbox(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &OutgoingEmail,
    ticket_id: Option<i64>,
    at: i64,
) -> Result<(), StorageError> {
    sqlx::query("INSERT INTO outbox (recipient, subject, body, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&email.recipient)
        .bind(&email.subject)
        .bind(&email.body)
        .bind(ticket_id)
        .bind(at)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}
