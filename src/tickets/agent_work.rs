//! What an agent does to a ticket: reply to the customer, write an internal note, change the
//! status, priority, tags or assignee. Each change lands in the ticket's history (in the same
//! transaction) and in the audit log.

use super::emails::{EmailError, EmailKind, render_email};
use super::filing::{MAX_DESCRIPTION_CHARS, reference_of};
use super::sla_clock::SlaClock;
use super::ticket::{Ticket, status_change_line};
use super::{SlaPolicy, TicketPriority, TicketStatus};
use crate::accounts::{StaffArea, StaffUser, record_audit};
use crate::attachments::NewAttachment;
use crate::i18n::Language;
use crate::storage::{
    AgentMessage, AgentUpdate, Database, OutgoingEmail, PriorityUpdate, StorageError,
};

/// The most tags a ticket keeps.
pub const MAX_TAGS: usize = 20;
/// The longest tag accepted.
pub const MAX_TAG_CHARS: usize = 50;

/// Why an agent's change was refused.
#[derive(Debug, thiserror::Error)]
pub enum AgentWorkError {
    #[error("Please write a message first.")]
    EmptyMessage,
    #[error("Please keep the message under {MAX_DESCRIPTION_CHARS} characters.")]
    MessageTooLong,
    #[error("A {from} ticket cannot become {to}; reopen it first.")]
    StatusNotAllowed {
        from: TicketStatus,
        to: TicketStatus,
    },
    #[error("Tickets can only be assigned to active agents or admins.")]
    NotAnAgent,
    #[error(
        "Tags are short words (letters, digits, - and _, up to {MAX_TAG_CHARS} characters), at most {MAX_TAGS} per ticket: {0:?} is not one."
    )]
    InvalidTag(String),
    #[error("Ticket {0} does not exist.")]
    UnknownTicket(i64),
    #[error("stored ticket is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Email(#[from] EmailError),
}

/// The portal facts the emails to a customer (and canned responses) need.
#[derive(Clone, Debug, Default)]
pub struct ReplyLinks {
    /// The public base URL without a trailing slash.
    pub base_url: String,
    pub site_name: String,
    /// The portal's default language, for a ticket whose language it does not speak.
    pub default_language: String,
}

impl ReplyLinks {
    /// The customer's private status link.
    pub fn status_link(&self, ticket: &Ticket) -> String {
        ticket.status_link(&self.base_url)
    }

    /// The language the customer is written to in: the ticket's, else the portal's
    /// default (as the status page does), else English.
    pub fn language_of(&self, ticket: &Ticket) -> Language {
        ticket
            .language()
            .or_else(|| Language::parse(&self.default_language))
            .unwrap_or(Language::En)
    }
}

/// How the ticket page and the customer name a staff member.
pub fn display_name(user: &StaffUser) -> &str {
    if user.name.trim().is_empty() {
        &user.email
    } else {
        &user.name
    }
}

/// What a staff member wrote: the text, and files kept in the file store already.
#[derive(Clone, Copy, Debug)]
pub struct Written<'a> {
    pub body: &'a str,
    pub files: &'a [NewAttachment],
}

/// A message may be only files (a screenshot says it all), but not nothing.
fn checked_body<'a>(body: &'a str, files: &[NewAttachment]) -> Result<&'a str, AgentWorkError> {
    let body = body.trim();
    if body.is_empty() && files.is_empty() {
        return Err(AgentWorkError::EmptyMessage);
    }
    if body.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AgentWorkError::MessageTooLong);
    }
    Ok(body)
}

/// Checks a status change; `None` when the status stays as it is.
fn status_change(
    ticket: &Ticket,
    next: TicketStatus,
) -> Result<Option<(TicketStatus, TicketStatus)>, AgentWorkError> {
    let current = ticket.status;
    if current == next {
        return Ok(None);
    }
    if !current.can_change_to(next) {
        return Err(AgentWorkError::StatusNotAllowed {
            from: current,
            to: next,
        });
    }
    Ok(Some((current, next)))
}

/// Replies to the customer: the message shows on their status page and is emailed, in the
/// ticket's language, with the private status link; the email adds the greeting and the
/// signature, so `body` goes in as typed. The first reply stops the first-response clock.
/// The status becomes `next_status`, by default `answered` (a closed ticket must be reopened
/// first); a reply that resolves the ticket says so and asks for a rating in the same email.
pub async fn reply_to_customer(
    db: &Database,
    sla: &SlaPolicy,
    ticket: &Ticket,
    agent: &StaffUser,
    written: Written<'_>,
    next_status: Option<TicketStatus>,
    links: &ReplyLinks,
) -> Result<TicketStatus, AgentWorkError> {
    let files = written.files;
    let body = checked_body(written.body, files)?;
    let next = next_status.unwrap_or(TicketStatus::Answered);
    let change = status_change(ticket, next)?;
    let reference = reference_of(ticket.id);
    let agent_name = display_name(agent);
    let values = minijinja::context! {
        reference => &reference,
        subject => &ticket.subject,
        name => &ticket.name,
        body,
        agent_name,
        site_name => &links.site_name,
        status_link => links.status_link(ticket),
        rating_link => ticket.rating_link(&links.base_url),
        resolved => matches!(change, Some((_, TicketStatus::Resolved))),
        ask_rating => ticket.satisfaction.is_none(),
    };
    let email = render_email(
        EmailKind::Reply,
        links.language_of(ticket),
        &ticket.email,
        &values,
    )?;
    let mut history = vec!["replied to the customer".to_owned()];
    if let Some((from, to)) = change {
        history.push(status_change_line(from, to, None));
    }
    let update = AgentUpdate {
        message: Some(AgentMessage {
            author_name: agent_name,
            body,
            internal: false,
            files,
        }),
        status: change.map(|(_, to)| to),
        clock: clock_after(ticket, change.map(|(_, to)| to), sla),
        history,
        email: Some(email),
        ..update_by(ticket, agent)
    };
    store(db, ticket, &update).await?;
    let details = match change {
        Some((from, to)) => format!("reply; status {from} → {to}"),
        None => "reply".to_owned(),
    };
    record_audit(db, Some(agent), "ticket.reply", &reference, &details).await?;
    Ok(next)
}

/// Adds an internal note: seen by staff only, never shown to or emailed to the customer.
pub async fn add_internal_note(
    db: &Database,
    ticket: &Ticket,
    agent: &StaffUser,
    body: &str,
    files: &[NewAttachment],
) -> Result<(), AgentWorkError> {
    let body = checked_body(body, files)?;
    let update = AgentUpdate {
        message: Some(AgentMessage {
            author_name: display_name(agent),
            body,
            internal: true,
            files,
        }),
        history: vec!["added an internal note".to_owned()],
        ..update_by(ticket, agent)
    };
    apply_and_audit(db, ticket, agent, &update, "ticket.note", "").await?;
    Ok(())
}

/// A change by `agent` to `ticket` that changes nothing yet; fill in what it changes.
fn update_by<'a>(ticket: &Ticket, agent: &'a StaffUser) -> AgentUpdate<'a> {
    AgentUpdate {
        actor_id: agent.id,
        actor_email: &agent.email,
        message: None,
        status: None,
        priority: None,
        tags: None,
        assignee: None,
        history: Vec::new(),
        email: None,
        clock: SlaClock::of(ticket),
        sla_due_at: ticket.sla_due_at,
    }
}

/// Stores one staff change with the next SLA due time it leads to. A status change brings
/// its clock (see [`clock_after`]); a new priority brings its own due times.
async fn store(
    db: &Database,
    ticket: &Ticket,
    update: &AgentUpdate<'_>,
) -> Result<(), AgentWorkError> {
    let responded = update.message.as_ref().is_some_and(|m| !m.internal);
    let first_responded_at = ticket
        .first_responded_at
        .or(responded.then(crate::storage::now_millis));
    let mut clock = update.clock;
    if let Some(priority) = &update.priority {
        clock.first_response_due = priority.first_response_due;
        clock.resolution_due = priority.resolution_due;
    }
    let status = update.status.unwrap_or(ticket.status);
    let update = AgentUpdate {
        clock,
        sla_due_at: clock.next_due(status, first_responded_at),
        ..update.clone()
    };
    db.apply_agent_update(ticket.id, &update).await?;
    Ok(())
}

/// The ticket's SLA clock once it is in `status`: stopped while waiting on the customer,
/// postponed or done, running again with the business time it had left (see
/// [`crate::tickets::sla_clock`]).
fn clock_after(ticket: &Ticket, status: Option<TicketStatus>, sla: &SlaPolicy) -> SlaClock {
    let clock = SlaClock::of(ticket);
    match status {
        Some(status) => clock.in_status(status, crate::storage::now_millis(), sla),
        None => clock,
    }
}

/// Stores one staff change to a ticket (with its history) and records it in the audit log
/// under `action` (`ticket.status`, …).
async fn apply_and_audit(
    db: &Database,
    ticket: &Ticket,
    agent: &StaffUser,
    update: &AgentUpdate<'_>,
    action: &str,
    details: &str,
) -> Result<(), AgentWorkError> {
    store(db, ticket, update).await?;
    record_audit(db, Some(agent), action, &reference_of(ticket.id), details).await?;
    Ok(())
}

/// Changes the status. Resolving stamps who resolved it and when, and emails the customer
/// (in the ticket's language) that it is resolved, with the request to rate the support;
/// returns whether anything changed (the same status is not a change).
pub async fn change_status(
    db: &Database,
    sla: &SlaPolicy,
    ticket: &Ticket,
    agent: &StaffUser,
    next: TicketStatus,
    links: &ReplyLinks,
) -> Result<bool, AgentWorkError> {
    let Some((from, to)) = status_change(ticket, next)? else {
        return Ok(false);
    };
    let change = status_change_line(from, to, None);
    let email = match to {
        TicketStatus::Resolved => Some(resolved_email(ticket, links)?),
        _ => None,
    };
    let update = AgentUpdate {
        status: Some(to),
        clock: clock_after(ticket, Some(to), sla),
        history: vec![change.clone()],
        email,
        ..update_by(ticket, agent)
    };
    apply_and_audit(db, ticket, agent, &update, "ticket.status", &change).await?;
    Ok(true)
}

/// "Your request has been resolved", dated today, asking for a rating unless the customer
/// rated this ticket already. The rating form is on the status page, where the customer can
/// also reply to reopen the ticket; one email covers both.
fn resolved_email(ticket: &Ticket, links: &ReplyLinks) -> Result<OutgoingEmail, AgentWorkError> {
    let values = minijinja::context! {
        reference => reference_of(ticket.id),
        subject => &ticket.subject,
        name => &ticket.name,
        site_name => &links.site_name,
        resolved_on => crate::display::date(crate::storage::now_millis()),
        status_link => links.status_link(ticket),
        rating_link => ticket.rating_link(&links.base_url),
        ask_rating => ticket.satisfaction.is_none(),
    };
    Ok(render_email(
        EmailKind::Resolved,
        links.language_of(ticket),
        &ticket.email,
        &values,
    )?)
}

/// Changes the priority; the SLA due times are recalculated from the filing time for the new
/// priority. Returns whether anything changed.
pub async fn change_priority(
    db: &Database,
    sla: &SlaPolicy,
    ticket: &Ticket,
    agent: &StaffUser,
    priority: TicketPriority,
) -> Result<bool, AgentWorkError> {
    if ticket.priority == priority {
        return Ok(false);
    }
    let created = jiff::Timestamp::from_millisecond(ticket.created_at)
        .map_err(|e| AgentWorkError::Corrupt(e.to_string()))?;
    let due = sla.due_times(priority, created);
    let change = format!(
        "priority: {} → {priority} (SLA due times recalculated)",
        ticket.priority
    );
    let update = AgentUpdate {
        priority: Some(PriorityUpdate {
            priority,
            first_response_due: due.first_response_due.as_millisecond(),
            resolution_due: due.resolution_due.as_millisecond(),
        }),
        history: vec![change.clone()],
        ..update_by(ticket, agent)
    };
    apply_and_audit(db, ticket, agent, &update, "ticket.priority", &change).await?;
    Ok(true)
}

/// Parses a comma- or space-separated tag list: lowercase, without duplicates, in order.
pub fn parse_tags(text: &str) -> Result<Vec<String>, AgentWorkError> {
    let mut tags: Vec<String> = Vec::new();
    for raw in text.split([',', ' ', '\n', '\t']) {
        let tag = raw.trim().trim_start_matches('#').to_lowercase();
        if tag.is_empty() {
            continue;
        }
        let valid = tag.chars().count() <= MAX_TAG_CHARS
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(AgentWorkError::InvalidTag(tag));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(AgentWorkError::InvalidTag(tags[MAX_TAGS].clone()));
    }
    Ok(tags)
}

/// Replaces the tags (kept in `ticket_tags` for the inbox filter). Returns whether anything changed.
pub async fn set_tags(
    db: &Database,
    ticket: &Ticket,
    agent: &StaffUser,
    tags: &[String],
) -> Result<bool, AgentWorkError> {
    let current = &ticket.tags;
    if current == tags {
        return Ok(false);
    }
    let shown = |list: &[String]| {
        if list.is_empty() {
            "(none)".to_owned()
        } else {
            list.join(", ")
        }
    };
    let change = format!("tags: {} → {}", shown(current), shown(tags));
    let update = AgentUpdate {
        tags: Some(tags),
        history: vec![change.clone()],
        ..update_by(ticket, agent)
    };
    apply_and_audit(db, ticket, agent, &update, "ticket.tags", &change).await?;
    Ok(true)
}

/// Adds one tag to the ticket's tags. Returns whether anything changed.
pub async fn add_tag(
    db: &Database,
    ticket: &Ticket,
    agent: &StaffUser,
    tag: &str,
) -> Result<bool, AgentWorkError> {
    let mut tags = ticket.tags.clone();
    for tag in parse_tags(tag)? {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(AgentWorkError::InvalidTag(tags[MAX_TAGS].clone()));
    }
    set_tags(db, ticket, agent, &tags).await
}

/// Assigns the ticket to `assignee` (an active staff member who may work tickets) or, with
/// `None`, to nobody. Returns whether anything changed.
pub async fn assign(
    db: &Database,
    ticket: &Ticket,
    agent: &StaffUser,
    assignee: Option<&StaffUser>,
) -> Result<bool, AgentWorkError> {
    if let Some(user) = assignee
        && !user.may_enter(StaffArea::Agent)
    {
        return Err(AgentWorkError::NotAnAgent);
    }
    let assignee_id = assignee.map(|user| user.id);
    if ticket.assignee_id == assignee_id {
        return Ok(false);
    }
    let change = match assignee {
        Some(user) => format!("assigned to {}", user.email),
        None => "unassigned".to_owned(),
    };
    let update = AgentUpdate {
        assignee: Some(assignee_id),
        history: vec![change.clone()],
        ..update_by(ticket, agent)
    };
    apply_and_audit(db, ticket, agent, &update, "ticket.assign", &change).await?;
    Ok(true)
}

/// One bulk action over several tickets; each ticket gets its own history and audit entries.
#[derive(Clone, Debug, Default)]
pub struct BulkAction {
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<StaffUser>>,
    pub status: Option<TicketStatus>,
    pub add_tag: Option<String>,
}

/// What a bulk action did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    /// Tickets that changed.
    pub changed: usize,
    /// Tickets skipped, with the reason (e.g. a closed ticket cannot be resolved).
    pub skipped: Vec<(i64, String)>,
}

/// Applies `action` to every ticket id; tickets that refuse a change are skipped and reported.
/// Each resolved ticket's customer gets the resolved email (`links`).
pub async fn apply_bulk_action(
    db: &Database,
    sla: &SlaPolicy,
    agent: &StaffUser,
    ticket_ids: &[i64],
    action: &BulkAction,
    links: &ReplyLinks,
) -> Result<BulkOutcome, AgentWorkError> {
    let mut outcome = BulkOutcome::default();
    for &id in ticket_ids {
        let mut changed = false;
        let result: Result<(), AgentWorkError> = async {
            if let Some(assignee) = &action.assignee {
                let ticket = find(db, id).await?;
                changed |= assign(db, &ticket, agent, assignee.as_ref()).await?;
            }
            if let Some(status) = action.status {
                let ticket = find(db, id).await?;
                changed |= change_status(db, sla, &ticket, agent, status, links).await?;
            }
            if let Some(tag) = &action.add_tag {
                let ticket = find(db, id).await?;
                changed |= add_tag(db, &ticket, agent, tag).await?;
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => outcome.changed += usize::from(changed),
            Err(AgentWorkError::Storage(error)) => return Err(error.into()),
            Err(error) => outcome.skipped.push((id, error.to_string())),
        }
    }
    Ok(outcome)
}

async fn find(db: &Database, id: i64) -> Result<Ticket, AgentWorkError> {
    db.find_ticket_by_id(id)
        .await?
        .ok_or(AgentWorkError::UnknownTicket(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_lowercased_deduplicated_and_split_on_commas_and_spaces() {
        assert_eq!(
            parse_tags("Billing, refund  #billing,sso").unwrap(),
            vec!["billing", "refund", "sso"]
        );
        assert!(parse_tags("").unwrap().is_empty());
    }

    #[test]
    fn a_tag_with_punctuation_is_refused() {
        assert!(matches!(
            parse_tags("ok, not/ok"),
            Err(AgentWorkError::InvalidTag(tag)) if tag == "not/ok"
        ));
    }
}
