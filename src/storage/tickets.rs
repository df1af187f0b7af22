//! Queries for tickets, their conversation and history: filing, reading, the customer's
//! reply and rating, and auto-close. Rows are read through [`super::ticket_rows`]; staff
//! changes are in [`super::agent_updates`], emails in [`super::outbox`].

use super::attachments::{AttachedTo, insert_attachments, move_draft_attachments};
use super::inbox::replace_ticket_tags;
use super::outbox::{OutgoingEmail, insert_outbox};
use super::ticket_rows::{MessageRow, TicketRow};
use super::{Database, StorageError, now_millis, to_json_list};
use crate::attachments::NewAttachment;
use crate::deflection::Channel;
use crate::tickets::inbox::priority_rank;
use crate::tickets::sla_clock::SlaClock;
use crate::tickets::ticket::{AuthorKind, Message, Ticket};
use crate::tickets::{TicketPriority, TicketStatus};

/// A ticket to store, with everything decided (priority, tags, due times, the history line)
/// beforehand.
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
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub channel: Channel,
    pub first_response_due: i64,
    pub resolution_due: i64,
    /// The next SLA due time the domain computed for it.
    pub sla_due_at: i64,
    /// Articles suggested before filing, in order.
    pub suggested_articles: Vec<String>,
    /// Of those (or others), the ones the customer opened.
    pub opened_articles: Vec<String>,
    /// The first `ticket_history` entry (by the customer).
    pub history: String,
    pub created_at: i64,
}

/// The status change a customer's reply causes, decided by the domain.
#[derive(Clone, Debug)]
pub struct CustomerStatusChange<'a> {
    pub status: TicketStatus,
    pub history: &'a str,
    /// The SLA clock in the new status, and the next due time it gives.
    pub clock: SlaClock,
    pub sla_due_at: i64,
}

const TICKET_COLUMNS: &str = "id, draft_id, status_token, name, email, subject, description, category, lang, \
     tags, matched_rules, priority, status, channel, suggestions_shown, suggestions_opened, first_response_due, \
     resolution_due, first_responded_at, resolved_at, closed_at, satisfaction, satisfaction_comment, \
     created_at, updated_at, assignee_id, resolved_by, sla_due_at, sla_paused_at, sla_paused_millis";

impl Database {
    /// Stores a ticket with its first message, history, suggested articles and the
    /// confirmation email (written by `confirmation` for the new id; its error undoes
    /// everything), in one transaction. A ticket for the same draft is filed once: a repeated
    /// submit returns the ticket already filed (`false` = not newly created).
    pub async fn insert_ticket<E: From<StorageError>>(
        &self,
        ticket: &NewTicket,
        confirmation: impl FnOnce(i64) -> Result<OutgoingEmail, E>,
    ) -> Result<(Ticket, bool), E> {
        self.insert_ticket_with_files(ticket, &[], confirmation)
            .await
    }

    /// Like [`Database::insert_ticket`], with `files` (kept in the file store already)
    /// attached to the first message besides the files waiting in the ticket's draft.
    pub async fn insert_ticket_with_files<E: From<StorageError>>(
        &self,
        ticket: &NewTicket,
        files: &[NewAttachment],
        confirmation: impl FnOnce(i64) -> Result<OutgoingEmail, E>,
    ) -> Result<(Ticket, bool), E> {
        if let Some(existing) = self.ticket_for_draft(ticket.draft_id.as_deref()).await? {
            return Ok((existing, false));
        }
        match self.insert_ticket_once(ticket, files, confirmation).await {
            Ok(Err(error)) => Err(error),
            Ok(Ok(id)) => {
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
            Err(error) => Err(error.into()),
        }
    }

    /// The one ticket `WHERE {column} = $1`.
    async fn ticket_where<T>(&self, column: &str, value: T) -> Result<Option<Ticket>, StorageError>
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'static,
    {
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE {column} = $1");
        let row: Option<TicketRow> = sqlx::query_as(&sql)
            .bind(value)
            .fetch_optional(self.pool())
            .await?;
        row.map(Ticket::try_from).transpose()
    }

    async fn ticket_for_draft(
        &self,
        draft_id: Option<&str>,
    ) -> Result<Option<Ticket>, StorageError> {
        match draft_id {
            Some(draft_id) => self.ticket_where("draft_id", draft_id.to_owned()).await,
            None => Ok(None),
        }
    }

    /// Inserts in one transaction; the inner error is the confirmation's (nothing stored).
    async fn insert_ticket_once<E>(
        &self,
        ticket: &NewTicket,
        files: &[NewAttachment],
        confirmation: impl FnOnce(i64) -> Result<OutgoingEmail, E>,
    ) -> Result<Result<i64, E>, StorageError> {
        let mut transaction = self.begin_write().await?;
        let opened_count = ticket.opened_articles.len() as i64;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (draft_id, status_token, name, email, subject, description, category, lang, \
             tags, matched_rules, priority, status, channel, suggestions_shown, suggestions_opened, \
             first_response_due, resolution_due, created_at, updated_at, priority_rank, sla_due_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $20) \
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
        .bind(ticket.priority.as_str())
        .bind(ticket.status.as_str())
        .bind(ticket.channel.as_str())
        .bind(ticket.suggested_articles.len() as i64)
        .bind(opened_count)
        .bind(ticket.first_response_due)
        .bind(ticket.resolution_due)
        .bind(ticket.created_at)
        .bind(priority_rank(ticket.priority))
        .bind(ticket.sla_due_at)
        .fetch_one(&mut *transaction)
        .await?;
        replace_ticket_tags(&mut transaction, id, &ticket.tags).await?;
        let message_id = insert_message(
            &mut transaction,
            id,
            AuthorKind::Customer,
            &ticket.name,
            &ticket.description,
            false,
            None,
            ticket.created_at,
        )
        .await?;
        let first_message = AttachedTo::Message {
            ticket_id: id,
            message_id,
            internal: false,
        };
        insert_attachments(&mut transaction, &first_message, files).await?;
        if let Some(draft_id) = &ticket.draft_id {
            move_draft_attachments(&mut transaction, draft_id, id, message_id).await?;
        }
        insert_history(
            &mut transaction,
            id,
            "customer",
            &ticket.history,
            ticket.created_at,
        )
        .await?;

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

        let email = match confirmation(id) {
            Ok(email) => email,
            Err(error) => return Ok(Err(error)),
        };
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
        Ok(Ok(id))
    }

    /// The ticket with this database id.
    pub async fn find_ticket_by_id(&self, id: i64) -> Result<Option<Ticket>, StorageError> {
        self.ticket_where("id", id).await
    }

    /// The ticket behind a private status link.
    pub async fn find_ticket_by_status_token(
        &self,
        token: &str,
    ) -> Result<Option<Ticket>, StorageError> {
        self.ticket_where("status_token", token.to_owned()).await
    }

    /// The conversation, oldest first; internal notes only when asked for.
    pub async fn ticket_messages(
        &self,
        ticket_id: i64,
        include_internal: bool,
    ) -> Result<Vec<Message>, StorageError> {
        let rows: Vec<MessageRow> = sqlx::query_as(
            "SELECT id, ticket_id, author_kind, author_name, body, internal, created_at, author_user_id \
             FROM ticket_messages WHERE ticket_id = $1 AND (internal = 0 OR $2 = 1) ORDER BY created_at, id",
        )
        .bind(ticket_id)
        .bind(i64::from(include_internal))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(Message::try_from).collect()
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

    /// Adds a customer's reply and, when the domain decided one, the status change, in one
    /// transaction.
    pub async fn add_customer_reply(
        &self,
        ticket: &Ticket,
        body: &str,
        files: &[NewAttachment],
        change: Option<CustomerStatusChange<'_>>,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        let mut transaction = self.begin_write().await?;
        let message_id = insert_message(
            &mut transaction,
            ticket.id,
            AuthorKind::Customer,
            &ticket.name,
            body,
            false,
            None,
            now,
        )
        .await?;
        let message = AttachedTo::Message {
            ticket_id: ticket.id,
            message_id,
            internal: false,
        };
        insert_attachments(&mut transaction, &message, files).await?;
        match change {
            Some(change) => {
                sqlx::query(
                    "UPDATE tickets SET status = $1, resolved_at = NULL, resolved_by = NULL, updated_at = $2, \
                     sla_due_at = $3, first_response_due = $4, resolution_due = $5, sla_paused_at = $6, \
                     sla_paused_millis = $7 WHERE id = $8",
                )
                .bind(change.status.as_str())
                .bind(now)
                .bind(change.sla_due_at)
                .bind(change.clock.first_response_due)
                .bind(change.clock.resolution_due)
                .bind(change.clock.paused_at)
                .bind(change.clock.paused_millis)
                .bind(ticket.id)
                .execute(&mut *transaction)
                .await?;
                insert_history(&mut transaction, ticket.id, "customer", change.history, now)
                    .await?;
            }
            None => {
                sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(ticket.id)
                    .execute(&mut *transaction)
                    .await?;
            }
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Stores the customer's satisfaction rating with its history line.
    pub async fn rate_ticket(
        &self,
        ticket_id: i64,
        rating: &str,
        comment: &str,
        history: &str,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        let mut transaction = self.begin_write().await?;
        sqlx::query("UPDATE tickets SET satisfaction = $1, satisfaction_comment = $2, updated_at = $3 WHERE id = $4")
            .bind(rating)
            .bind(comment)
            .bind(now)
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        insert_history(&mut transaction, ticket_id, "customer", history, now).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Closes every ticket resolved before `resolved_before`, storing `sla_due_at` (the same
    /// for all of them: the domain's next due time of a closed ticket) and one `history` line
    /// by `system` each; returns how many. One statement for all of them, as auto-close runs
    /// over the whole table.
    pub async fn close_resolved_tickets(
        &self,
        resolved_before: i64,
        sla_due_at: i64,
        history: &str,
    ) -> Result<u64, StorageError> {
        let now = now_millis();
        let mut transaction = self.begin_write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE tickets SET status = $4, closed_at = $1, updated_at = $1, sla_due_at = $3 \
             WHERE status = $5 AND resolved_at < $2 RETURNING id",
        )
        .bind(now)
        .bind(resolved_before)
        .bind(sla_due_at)
        .bind(TicketStatus::Closed.as_str())
        .bind(TicketStatus::Resolved.as_str())
        .fetch_all(&mut *transaction)
        .await?;
        for id in &ids {
            insert_history(&mut transaction, *id, "system", history, now).await?;
        }
        transaction.commit().await?;
        Ok(ids.len() as u64)
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_message(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    ticket_id: i64,
    author_kind: AuthorKind,
    author_name: &str,
    body: &str,
    internal: bool,
    author_user_id: Option<i64>,
    at: i64,
) -> Result<i64, StorageError> {
    let id = sqlx::query_scalar(
        "INSERT INTO ticket_messages (ticket_id, author_kind, author_name, body, internal, created_at, author_user_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(ticket_id)
    .bind(author_kind.as_str())
    .bind(author_name)
    .bind(body)
    .bind(i64::from(internal))
    .bind(at)
    .bind(author_user_id)
    .fetch_one(&mut **transaction)
    .await?;
    Ok(id)
}

pub(super) async fn insert_history(
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
