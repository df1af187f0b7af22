//! When a ticket's SLA clock runs and when it stops. It runs while the ticket is waiting on
//! the team (`new`, `open`) and stops while it waits on the customer (`answered`), is put off
//! on purpose (`postponed`), or is done (`resolved`, `closed`): the team is not late for the
//! time a customer takes to answer. When it runs again, each due time keeps the business
//! time that was left on it when it stopped; a due time already passed stays passed.

use std::time::Duration;

use jiff::Timestamp;

use super::TicketStatus;
use super::inbox::NO_SLA_DUE;
use super::sla::SlaPolicy;
use super::ticket::{Ticket, next_sla_due};

/// A ticket's SLA clock as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaClock {
    pub first_response_due: i64,
    pub resolution_due: i64,
    /// When the clock stopped; `None` while it runs.
    pub paused_at: Option<i64>,
    /// Wall-clock time the clock spent stopped before `paused_at`, in all (shown to agents).
    pub paused_millis: i64,
}

/// Whether the clock runs for a ticket in `status`.
pub fn clock_runs_in(status: TicketStatus) -> bool {
    matches!(status, TicketStatus::New | TicketStatus::Open)
}

impl SlaClock {
    /// The clock a stored ticket has.
    pub fn of(ticket: &Ticket) -> SlaClock {
        SlaClock {
            first_response_due: ticket.first_response_due,
            resolution_due: ticket.resolution_due,
            paused_at: ticket.sla_paused_at,
            paused_millis: ticket.sla_paused_millis,
        }
    }

    /// The clock once the ticket is in `status` at `now` (milliseconds).
    pub fn in_status(self, status: TicketStatus, now: i64, policy: &SlaPolicy) -> SlaClock {
        match (self.paused_at, clock_runs_in(status)) {
            (None, false) => SlaClock {
                paused_at: Some(now),
                ..self
            },
            (Some(since), true) => SlaClock {
                first_response_due: resumed_due(self.first_response_due, since, now, policy),
                resolution_due: resumed_due(self.resolution_due, since, now, policy),
                paused_at: None,
                paused_millis: self.paused_millis + (now - since).max(0),
            },
            _ => self,
        }
    }

    /// What the inbox sorts and filters on: nothing is due while the clock is stopped.
    pub fn next_due(&self, status: TicketStatus, first_responded_at: Option<i64>) -> i64 {
        if self.paused_at.is_some() {
            return NO_SLA_DUE;
        }
        next_sla_due(
            status,
            first_responded_at,
            self.first_response_due,
            self.resolution_due,
        )
    }

    /// Time stopped in all up to `now`, the current stop included.
    pub fn paused_until(&self, now: i64) -> Duration {
        let current = self.paused_at.map_or(0, |since| (now - since).max(0));
        Duration::from_millis(u64::try_from(self.paused_millis + current).unwrap_or(0))
    }
}

/// `due` once the clock runs again at `resumed`, after stopping at `stopped`.
fn resumed_due(due: i64, stopped: i64, resumed: i64, policy: &SlaPolicy) -> i64 {
    if due <= stopped || due == NO_SLA_DUE {
        return due;
    }
    let (Ok(due_at), Ok(stopped_at), Ok(resumed_at)) = (
        Timestamp::from_millisecond(due),
        Timestamp::from_millisecond(stopped),
        Timestamp::from_millisecond(resumed),
    ) else {
        return due;
    };
    let left = policy.business_time_between(stopped_at, due_at);
    policy.add_business_time(resumed_at, left).as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riga(local: &str) -> i64 {
        format!("{local}[Europe/Riga]")
            .parse::<jiff::Zoned>()
            .expect("time")
            .timestamp()
            .as_millisecond()
    }

    fn running(first: &str, resolution: &str) -> SlaClock {
        SlaClock {
            first_response_due: riga(first),
            resolution_due: riga(resolution),
            paused_at: None,
            paused_millis: 0,
        }
    }

    #[test]
    fn waiting_on_the_customer_stops_the_clock_and_keeps_the_time_that_was_left() {
        let policy = SlaPolicy::default();
        // Answered on Monday at 10:00 with the resolution due that day at 15:00 (5 h left).
        let clock = running("2025-06-09T11:00", "2025-06-09T15:00");
        let answered = clock.in_status(TicketStatus::Answered, riga("2025-06-09T10:00"), &policy);
        assert_eq!(answered.paused_at, Some(riga("2025-06-09T10:00")));
        assert_eq!(
            answered.next_due(TicketStatus::Answered, Some(1)),
            NO_SLA_DUE
        );
        // The customer replies on Wednesday at 16:00: 1 h today, 4 h on Thursday.
        let reopened = answered.in_status(TicketStatus::Open, riga("2025-06-11T16:00"), &policy);
        assert_eq!(reopened.paused_at, None);
        assert_eq!(reopened.resolution_due, riga("2025-06-12T13:00"));
        assert_eq!(
            reopened.paused_millis,
            riga("2025-06-11T16:00") - riga("2025-06-09T10:00")
        );
        assert_eq!(
            reopened.next_due(TicketStatus::Open, Some(1)),
            reopened.resolution_due
        );
    }

    #[test]
    fn a_due_time_passed_before_the_stop_stays_passed() {
        let policy = SlaPolicy::default();
        let clock = running("2025-06-09T09:30", "2025-06-09T09:45");
        let postponed = clock.in_status(TicketStatus::Postponed, riga("2025-06-09T12:00"), &policy);
        let reopened = postponed.in_status(TicketStatus::Open, riga("2025-06-10T12:00"), &policy);
        assert_eq!(reopened.resolution_due, riga("2025-06-09T09:45"));
    }

    #[test]
    fn moving_between_stopped_statuses_keeps_the_first_stop() {
        let policy = SlaPolicy::default();
        let clock = running("2025-06-09T11:00", "2025-06-09T15:00");
        let answered = clock.in_status(TicketStatus::Answered, riga("2025-06-09T10:00"), &policy);
        let resolved =
            answered.in_status(TicketStatus::Resolved, riga("2025-06-09T12:00"), &policy);
        assert_eq!(resolved, answered);
        assert_eq!(
            resolved.paused_until(riga("2025-06-09T12:30")).as_secs(),
            150 * 60
        );
    }
}
