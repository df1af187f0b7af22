//! The agents' inbox: which tickets a view shows, in which order, how many each tab holds,
//! and where a ticket stands against its SLA clocks.
//!
//! Every view is answered by the database from indexes (see `migrations/*/0005_agent_inbox.sql`):
//! each ticket stores its next SLA due time (`sla_due_at`) and a numeric priority, kept up to
//! date by every change, so sorting by "what is due next" never loads all tickets.

use jiff::Timestamp;
use serde::Serialize;

use super::sla::{SlaState, sla_state};
use super::ticket::Ticket;
use super::{TicketPriority, TicketStatus};
use crate::accounts::StaffUser;
use crate::display::duration;
use crate::i18n::Language;
use crate::storage::{Database, StorageError};

/// Tickets per inbox page.
pub const INBOX_PAGE_SIZE: i64 = 50;

/// The stored `sla_due_at` of a ticket with no SLA clock running (resolved or closed): the
/// largest BIGINT, so such tickets sort last and never count as breached or due soon.
pub const NO_SLA_DUE: i64 = i64::MAX;

/// The statuses of the default view: tickets the team still owes something.
/// `answered` waits for the customer and `resolved`/`closed` are done, so they are left out.
pub const ACTIVE_STATUSES: [TicketStatus; 3] = [
    TicketStatus::New,
    TicketStatus::Open,
    TicketStatus::Postponed,
];

/// Which statuses a view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StatusView {
    /// New, open and postponed tickets (the default).
    #[default]
    Active,
    /// One status.
    Only(TicketStatus),
    /// Every ticket.
    All,
}

impl StatusView {
    /// Parses `active`, `all` or a status name; empty means the default.
    pub fn parse(text: &str) -> Option<StatusView> {
        match text.trim() {
            "" | "active" => Some(StatusView::Active),
            "all" => Some(StatusView::All),
            other => TicketStatus::parse(other).map(StatusView::Only),
        }
    }

    /// The name used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusView::Active => "active",
            StatusView::All => "all",
            StatusView::Only(status) => status.as_str(),
        }
    }

    /// The statuses shown, or `None` for every status.
    pub fn statuses(self) -> Option<Vec<TicketStatus>> {
        match self {
            StatusView::Active => Some(ACTIVE_STATUSES.to_vec()),
            StatusView::Only(status) => Some(vec![status]),
            StatusView::All => None,
        }
    }
}

/// Whose tickets a view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AssigneeFilter {
    /// Assigned to anyone or nobody.
    #[default]
    Anyone,
    /// Assigned to the agent looking at the inbox.
    Mine,
    /// Assigned to nobody.
    Unassigned,
    /// Assigned to this staff member (user id).
    Agent(i64),
}

impl AssigneeFilter {
    /// Parses `all` (or empty), `mine`, `unassigned` or a user id.
    pub fn parse(text: &str) -> Option<AssigneeFilter> {
        match text.trim() {
            "" | "all" => Some(AssigneeFilter::Anyone),
            "mine" => Some(AssigneeFilter::Mine),
            "unassigned" => Some(AssigneeFilter::Unassigned),
            id => id.parse().ok().map(AssigneeFilter::Agent),
        }
    }

    /// The name used in URLs.
    pub fn as_param(self) -> String {
        match self {
            AssigneeFilter::Anyone => "all".to_owned(),
            AssigneeFilter::Mine => "mine".to_owned(),
            AssigneeFilter::Unassigned => "unassigned".to_owned(),
            AssigneeFilter::Agent(id) => id.to_string(),
        }
    }
}

/// Which SLA state a view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SlaFilter {
    /// Any state.
    #[default]
    Any,
    /// The next due time has passed.
    Breached,
    /// Due within the next hour, not yet breached.
    DueSoon,
}

impl SlaFilter {
    /// Parses `breached`, `due-soon` or empty.
    pub fn parse(text: &str) -> Option<SlaFilter> {
        match text.trim() {
            "" | "any" => Some(SlaFilter::Any),
            "breached" => Some(SlaFilter::Breached),
            "due-soon" => Some(SlaFilter::DueSoon),
            _ => None,
        }
    }

    /// The name used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            SlaFilter::Any => "any",
            SlaFilter::Breached => "breached",
            SlaFilter::DueSoon => "due-soon",
        }
    }
}

/// The order of a view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InboxSort {
    /// Next SLA due time first (tickets without a running clock last).
    #[default]
    SlaDue,
    /// Newest first.
    Newest,
    /// Most urgent first, then by SLA due time.
    Priority,
}

impl InboxSort {
    /// Parses `due`, `newest` or `priority`; empty means the default.
    pub fn parse(text: &str) -> Option<InboxSort> {
        match text.trim() {
            "" | "due" => Some(InboxSort::SlaDue),
            "newest" => Some(InboxSort::Newest),
            "priority" => Some(InboxSort::Priority),
            _ => None,
        }
    }

    /// The name used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxSort::SlaDue => "due",
            InboxSort::Newest => "newest",
            InboxSort::Priority => "priority",
        }
    }
}

/// Everything that selects and orders one inbox page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InboxFilter {
    pub status: StatusView,
    pub priority: Option<TicketPriority>,
    /// Exact tag (tags are stored lowercase).
    pub tag: Option<String>,
    /// Exact category slug.
    pub category: Option<String>,
    /// Tickets written in this language.
    pub lang: Option<Language>,
    pub assignee: AssigneeFilter,
    pub sla: SlaFilter,
    pub sort: InboxSort,
    /// 1-based page number (shown; with a cursor it only labels the page).
    pub page: u32,
    /// Where the page starts: after (or ends: before) this ticket in the view's order. Paging
    /// by cursor costs the same on page 100 as on page 1, and a ticket filed or changed
    /// meanwhile does not shift the following pages.
    pub cursor: Option<InboxCursor>,
    /// What the agent typed into the search box, if anything.
    pub search: Option<InboxSearch>,
}

impl InboxFilter {
    /// The status view when the URL names none: a search looks through every ticket (the
    /// customer's earlier, answered or closed requests are what an agent often looks for),
    /// the plain inbox through the active ones.
    pub fn default_status(&self) -> StatusView {
        if self.search.is_some() {
            StatusView::All
        } else {
            StatusView::Active
        }
    }
}

/// The longest search an agent may type (characters).
pub const MAX_SEARCH_CHARS: usize = 200;
/// The most words (or quoted phrases) one search may hold.
pub const MAX_SEARCH_TERMS: usize = 12;

/// Why a typed search is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("Search for at most {MAX_SEARCH_CHARS} characters.")]
    TooLong,
    #[error("Search for at most {MAX_SEARCH_TERMS} words.")]
    TooManyTerms,
}

/// An inbox search: the tickets whose reference, subject, customer name or email, or any
/// message of the conversation (customer's, agents', internal notes) holds every term,
/// case-insensitively. Matching is plain substring matching in the database (`LIKE`), which
/// needs no index to keep up to date and is quick enough for a support team's tickets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxSearch {
    /// As typed, trimmed (shown back in the box and carried in links).
    pub text: String,
    /// The words, and the phrases typed in double quotes, lowercase.
    pub terms: Vec<String>,
}

impl InboxSearch {
    /// Reads what was typed; `Ok(None)` for nothing but spaces and quotes.
    pub fn parse(text: &str) -> Result<Option<InboxSearch>, SearchError> {
        let text = text.trim();
        if text.chars().count() > MAX_SEARCH_CHARS {
            return Err(SearchError::TooLong);
        }
        let mut terms: Vec<String> = Vec::new();
        for (index, part) in text.split('"').enumerate() {
            // Odd parts were inside quotes: one phrase; the others split into words.
            let pieces: Vec<String> = if index % 2 == 1 {
                vec![part.split_whitespace().collect::<Vec<_>>().join(" ")]
            } else {
                part.split_whitespace().map(str::to_owned).collect()
            };
            for piece in pieces {
                let term = piece.to_lowercase();
                if !term.is_empty() && !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
        if terms.len() > MAX_SEARCH_TERMS {
            return Err(SearchError::TooManyTerms);
        }
        Ok((!terms.is_empty()).then(|| InboxSearch {
            text: text.to_owned(),
            terms,
        }))
    }

    /// The ticket id when the whole search is a ticket reference: `AD-000123` as the
    /// customer's emails print it, in any case, with or without the padding, or `#123`.
    pub fn reference(&self) -> Option<i64> {
        let text = self.text.trim();
        let digits = match (text.get(..3), text.get(3..)) {
            (Some(prefix), Some(rest)) if prefix.eq_ignore_ascii_case("AD-") => rest,
            _ => text.strip_prefix('#')?,
        };
        if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i64>().ok().filter(|id| *id > 0)
    }

    /// The spellings of `term` to look for. `LIKE` (SQLite) and `ILIKE` (PostgreSQL) ignore
    /// the case of ASCII letters but not always of others (SQLite never folds Cyrillic or
    /// "Ā"), so a term with other letters is also looked for capitalised and in capitals:
    /// "пароль" finds "Пароль" at the start of a sentence and "ПАРОЛЬ".
    pub fn spellings(term: &str) -> Vec<String> {
        let mut spellings = vec![term.to_owned()];
        if !term.is_ascii() {
            let mut chars = term.chars();
            if let Some(first) = chars.next() {
                spellings.push(first.to_uppercase().chain(chars).collect());
            }
            spellings.push(term.to_uppercase());
        }
        spellings.dedup();
        spellings
    }
}

/// Which side of the cursor's ticket a page lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorSide {
    /// The page after the ticket (the "next" link).
    After,
    /// The page before the ticket (the "previous" link).
    Before,
}

/// A position in an inbox view: one ticket's sort keys (every sort's, so a cursor reads the
/// same whatever the view's order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InboxCursor {
    pub side: CursorSide,
    pub priority_rank: i64,
    pub sla_due_at: i64,
    pub created_at: i64,
    pub id: i64,
}

impl InboxCursor {
    /// The cursor just after (or before) `row`.
    pub fn at(row: &InboxRow, side: CursorSide) -> InboxCursor {
        InboxCursor {
            side,
            priority_rank: priority_rank(row.priority),
            sla_due_at: row.sla_due_at,
            created_at: row.created_at,
            id: row.id,
        }
    }

    /// As carried in a link: `a` (after) or `b` (before), then the keys, dot-separated.
    pub fn to_param(&self) -> String {
        let side = match self.side {
            CursorSide::After => 'a',
            CursorSide::Before => 'b',
        };
        format!(
            "{side}.{}.{}.{}.{}",
            self.priority_rank, self.sla_due_at, self.created_at, self.id
        )
    }

    /// Reads [`InboxCursor::to_param`]; `None` for anything else.
    pub fn parse(text: &str) -> Option<InboxCursor> {
        let mut parts = text.trim().split('.');
        let side = match parts.next()? {
            "a" => CursorSide::After,
            "b" => CursorSide::Before,
            _ => return None,
        };
        let mut number = || parts.next()?.parse::<i64>().ok();
        let cursor = InboxCursor {
            side,
            priority_rank: number()?,
            sla_due_at: number()?,
            created_at: number()?,
            id: number()?,
        };
        parts.next().is_none().then_some(cursor)
    }
}

/// The numeric rank stored beside the priority name, so "most urgent first" uses an index.
pub fn priority_rank(priority: TicketPriority) -> i64 {
    match priority {
        TicketPriority::Low => 0,
        TicketPriority::Medium => 1,
        TicketPriority::High => 2,
        TicketPriority::Urgent => 3,
    }
}

/// One line of the inbox.
#[derive(Clone, Debug, Serialize)]
pub struct InboxRow {
    pub id: i64,
    pub subject: String,
    pub name: String,
    pub email: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub tags: Vec<String>,
    pub category: String,
    /// The language the ticket was written in, as stored (a code such as `lv`).
    pub lang: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub sla_due_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// How many tickets each tab of the inbox holds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InboxCounts {
    /// Per status, every status present (missing ones are 0).
    pub by_status: Vec<(TicketStatus, i64)>,
    /// New, open and postponed tickets.
    pub active: i64,
    /// Every ticket.
    pub all: i64,
    /// Active tickets assigned to the viewer.
    pub mine: i64,
    /// Active tickets assigned to nobody.
    pub unassigned: i64,
    /// Active tickets whose next due time has passed.
    pub breached: i64,
    /// Active tickets due within the hour.
    pub due_soon: i64,
}

impl InboxCounts {
    /// The count of one status.
    pub fn of_status(&self, status: TicketStatus) -> i64 {
        self.by_status
            .iter()
            .find(|(stored, _)| *stored == status)
            .map(|(_, count)| *count)
            .unwrap_or(0)
    }
}

/// One page of a view, with the total the view holds.
#[derive(Clone, Debug)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    /// Tickets matching the filter, over all pages.
    pub total: i64,
    /// The page shown (1-based).
    pub page: u32,
    /// How many pages the view has (at least 1).
    pub page_count: u32,
    /// The cursor of the following page, when there is one.
    pub next: Option<InboxCursor>,
    /// The cursor of the page before, when there is one.
    pub previous: Option<InboxCursor>,
}

/// Loads one page of the inbox for `viewer` at time `now` (milliseconds).
pub async fn inbox_page(
    db: &Database,
    filter: &InboxFilter,
    viewer: &StaffUser,
    now: i64,
) -> Result<InboxPage, StorageError> {
    let page = filter.page.max(1);
    // A page number without a cursor (a typed or old link) still works, by offset.
    let offset = match filter.cursor {
        Some(_) => 0,
        None => i64::from(page - 1) * INBOX_PAGE_SIZE,
    };
    // One ticket more than a page tells whether the view goes on past it.
    let (mut rows, total) = db
        .inbox_tickets(
            filter,
            viewer.id,
            now,
            filter.cursor,
            offset,
            INBOX_PAGE_SIZE + 1,
        )
        .await?;
    let more = rows.len() as i64 > INBOX_PAGE_SIZE;
    rows.truncate(INBOX_PAGE_SIZE as usize);
    let backwards = filter.cursor.map(|c| c.side) == Some(CursorSide::Before);
    if backwards {
        rows.reverse();
    }
    let (has_next, has_previous) = match filter.cursor {
        None => (more, page > 1 && !rows.is_empty()),
        Some(cursor) => match cursor.side {
            CursorSide::After => (more, true),
            CursorSide::Before => (true, more),
        },
    };
    let page_count = u32::try_from((total + INBOX_PAGE_SIZE - 1) / INBOX_PAGE_SIZE)
        .unwrap_or(u32::MAX)
        .max(1);
    Ok(InboxPage {
        next: rows
            .last()
            .filter(|_| has_next)
            .map(|row| InboxCursor::at(row, CursorSide::After)),
        previous: rows
            .first()
            .filter(|_| has_previous)
            .map(|row| InboxCursor::at(row, CursorSide::Before)),
        rows,
        total,
        page,
        page_count,
    })
}

/// The counts shown on the inbox tabs.
pub async fn inbox_counts(
    db: &Database,
    viewer: &StaffUser,
    now: i64,
) -> Result<InboxCounts, StorageError> {
    db.inbox_counts(viewer.id, now).await
}

/// Where one SLA target stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlaClock {
    /// `first response` or `resolution`.
    pub name: &'static str,
    pub due_at: i64,
    /// When the target was met (first reply, resolution), if it was.
    pub met_at: Option<i64>,
    /// `met`, `met-late`, `breached`, `due-soon`, `on-track`, `paused` (the clock is stopped
    /// while the ticket waits on the customer) or `stopped` (closed unresolved).
    pub state: &'static str,
    /// e.g. `2h 5m left`, `overdue by 1d 3h`, `met 20m before due`.
    pub summary: String,
}

/// The first-response and resolution clocks of a ticket at time `now` (milliseconds).
pub fn sla_clocks(ticket: &Ticket, now: i64) -> [SlaClock; 2] {
    let status = ticket.status;
    let resolved_at = match status {
        TicketStatus::Resolved | TicketStatus::Closed => ticket.resolved_at,
        _ => None,
    };
    let stopped = status == TicketStatus::Closed && resolved_at.is_none();
    // While the clock is stopped (waiting on the customer, postponed), an open target shows
    // what it had left when it stopped.
    let at = ticket.sla_paused_at.map_or(now, |since| since.min(now));
    let paused = ticket.sla_paused_at.is_some() && !stopped;
    [
        pausable(
            clock(
                "first response",
                ticket.first_response_due,
                ticket.first_responded_at,
                false,
                at,
            ),
            paused,
        ),
        pausable(
            clock(
                "resolution",
                ticket.resolution_due,
                resolved_at,
                stopped,
                at,
            ),
            paused,
        ),
    ]
}

/// An open target of a stopped clock says so.
fn pausable(clock: SlaClock, paused: bool) -> SlaClock {
    if !paused || matches!(clock.state, "met" | "met-late" | "stopped") {
        return clock;
    }
    SlaClock {
        state: "paused",
        summary: format!("paused, {}", clock.summary),
        ..clock
    }
}

/// Where the next due time of an inbox line stands at `now`: `none` (no clock runs),
/// `breached`, `due-soon` or `on-track`, with a summary such as `overdue by 2h 5m` or
/// `40m left`. The same states and window as the ticket page's clocks.
pub fn due_state(sla_due_at: i64, now: i64) -> (&'static str, String) {
    if sla_due_at == NO_SLA_DUE {
        return ("none", String::new());
    }
    open_clock_state(sla_due_at, now)
}

fn open_clock_state(due: i64, now: i64) -> (&'static str, String) {
    let state = match (
        Timestamp::from_millisecond(due),
        Timestamp::from_millisecond(now),
    ) {
        (Ok(due), Ok(now)) => sla_state(due, now),
        _ => SlaState::OnTrack,
    };
    match state {
        SlaState::Breached => ("breached", format!("overdue by {}", duration(now - due))),
        SlaState::DueSoon => ("due-soon", format!("{} left", duration(due - now))),
        SlaState::OnTrack => ("on-track", format!("{} left", duration(due - now))),
    }
}

fn clock(name: &'static str, due: i64, met_at: Option<i64>, stopped: bool, now: i64) -> SlaClock {
    let (state, summary) = match met_at {
        Some(met) if met <= due => ("met", format!("met {} before due", duration(due - met))),
        Some(met) => ("met-late", format!("met {} late", duration(met - due))),
        None if stopped => ("stopped", "closed without resolution".to_owned()),
        None => open_clock_state(due, now),
    };
    SlaClock {
        name,
        due_at: due,
        met_at,
        state,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_names_round_trip() {
        for view in [
            StatusView::Active,
            StatusView::All,
            StatusView::Only(TicketStatus::Answered),
        ] {
            assert_eq!(StatusView::parse(view.as_str()), Some(view));
        }
        assert_eq!(StatusView::parse(""), Some(StatusView::Active));
        assert_eq!(StatusView::parse("bogus"), None);
        assert_eq!(AssigneeFilter::parse("12"), Some(AssigneeFilter::Agent(12)));
        assert_eq!(AssigneeFilter::parse("someone"), None);
        assert_eq!(SlaFilter::parse("due-soon"), Some(SlaFilter::DueSoon));
        assert_eq!(InboxSort::parse("priority"), Some(InboxSort::Priority));
    }

    #[test]
    fn a_search_reads_words_phrases_and_references() {
        let search = InboxSearch::parse("  Refund \"charged   twice\" refund ")
            .expect("fine")
            .expect("terms");
        assert_eq!(search.terms, ["refund", "charged twice"]);
        assert_eq!(InboxSearch::parse("  \"\" ").expect("fine"), None);
        let reference = |text: &str| InboxSearch::parse(text).ok().flatten()?.reference();
        assert_eq!(reference("AD-000123"), Some(123));
        assert_eq!(reference(" ad-123 "), Some(123));
        assert_eq!(reference("#42"), Some(42));
        assert_eq!(reference("123"), None);
        assert_eq!(reference("AD-12x"), None);
        assert_eq!(reference("AD-0"), None);
        assert_eq!(reference("пароль"), None);
        assert_eq!(
            InboxSearch::parse(&"x".repeat(MAX_SEARCH_CHARS + 1)),
            Err(SearchError::TooLong)
        );
        assert_eq!(
            InboxSearch::parse(
                &(0..=MAX_SEARCH_TERMS)
                    .map(|i| format!("w{i}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Err(SearchError::TooManyTerms)
        );
        assert_eq!(InboxSearch::spellings("refund"), ["refund"]);
        assert_eq!(
            InboxSearch::spellings("пароль"),
            ["пароль", "Пароль", "ПАРОЛЬ"]
        );
    }

    #[test]
    fn a_clock_met_after_its_due_time_is_late() {
        let late = clock("first response", 1_000, Some(61_000 + 1_000), false, 0);
        assert_eq!(late.state, "met-late");
        let open = clock("resolution", 10_000_000, None, false, 0);
        assert_eq!(open.state, "on-track");
        let breached = clock("resolution", 0, None, false, 120_000);
        assert_eq!(
            (breached.state, breached.summary.as_str()),
            ("breached", "overdue by 2m")
        );
    }
}
