//! Core ticket values: priority, status (with its allowed transitions) and the
//! customer-facing ticket reference (`AD-000123`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A value from outside (database, form, config) that is not a valid model value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Not one of `low`, `medium`, `high`, `urgent`.
    #[error("unknown priority \"{0}\" (use low, medium, high or urgent)")]
    UnknownPriority(String),
    /// Not one of the lowercase status names.
    #[error("unknown status \"{0}\" (use new, open, answered, postponed, resolved or closed)")]
    UnknownStatus(String),
    /// Not a reference of the form `AD-000123`.
    #[error("invalid ticket reference \"{0}\" (expected AD- followed by at least 6 digits)")]
    InvalidReference(String),
}

/// How urgently a ticket needs attention. Ordered: `Low < Medium < High < Urgent`,
/// so the highest of several candidates is simply `max`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TicketPriority {
    /// Nothing pressing; also the priority when no rule matched.
    #[default]
    Low,
    /// Something is wrong but the customer can work.
    Medium,
    /// Money or an important customer is involved.
    High,
    /// The service is down or security is at stake.
    Urgent,
}

impl TicketPriority {
    /// All priorities, lowest first.
    pub const ALL: [TicketPriority; 4] = [Self::Low, Self::Medium, Self::High, Self::Urgent];

    /// The lowercase name stored in the database and used in rules files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    /// Parses the exact lowercase name produced by [`as_str`](Self::as_str).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

impl fmt::Display for TicketPriority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for TicketPriority {
    type Err = ModelError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or_else(|| ModelError::UnknownPriority(text.to_owned()))
    }
}

/// Where a ticket is in its life.
///
/// Allowed changes (see [`can_change_to`](Self::can_change_to)):
/// - an agent may move a ticket between any two different non-closed statuses
///   (`new`, `open`, `answered`, `postponed`, `resolved`), and may close it from any of them;
/// - a `closed` ticket is final except that it may be reopened to `open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketStatus {
    /// Filed, nobody has looked at it yet.
    #[default]
    New,
    /// Being worked on; the ball is with the support team.
    Open,
    /// An agent replied; waiting for the customer.
    Answered,
    /// Parked on purpose (e.g. waiting for a release).
    Postponed,
    /// The team considers it solved; the customer may still reply.
    Resolved,
    /// Archived. Only an explicit reopen brings it back.
    Closed,
}

impl TicketStatus {
    /// All statuses in life-cycle order.
    pub const ALL: [TicketStatus; 6] = [
        Self::New,
        Self::Open,
        Self::Answered,
        Self::Postponed,
        Self::Resolved,
        Self::Closed,
    ];

    /// The lowercase name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Postponed => "postponed",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    /// Parses the exact lowercase name produced by [`as_str`](Self::as_str).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether an agent may change a ticket from `self` to `next`.
    ///
    /// - Between two different non-closed statuses: allowed (agents fix mistakes freely).
    /// - Any non-closed status to `closed`: allowed.
    /// - `closed` to `open`: allowed (reopen); `closed` to anything else: refused.
    /// - `self == next` is not a change and returns `false`; callers saving an
    ///   unchanged form should skip the transition instead of failing.
    pub fn can_change_to(self, next: TicketStatus) -> bool {
        if self == next {
            return false;
        }
        match self {
            Self::Closed => next == Self::Open,
            _ => true,
        }
    }

    /// The status after the customer replies to the ticket.
    ///
    /// - `answered` and `resolved` go back to `open`: the customer needs us again.
    /// - `new`, `open` and `postponed` stay as they are: the reply is simply added.
    /// - `closed` stays `closed`: a closed ticket is archived, so the product files a
    ///   new follow-up ticket that links to it instead of reopening it.
    pub fn reopened_by_customer_reply(self) -> TicketStatus {
        match self {
            Self::Answered | Self::Resolved => Self::Open,
            Self::New | Self::Open | Self::Postponed | Self::Closed => self,
        }
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for TicketStatus {
    type Err = ModelError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or_else(|| ModelError::UnknownStatus(text.to_owned()))
    }
}

/// The reference customers see and quote, e.g. `AD-000123` for database id 123.
///
/// Formatting pads to at least 6 digits; larger ids simply get more digits
/// (`AD-1234567`). Parsing accepts exactly that canonical form, so every
/// reference string maps to one id and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketReference(u64);

impl TicketReference {
    const PREFIX: &'static str = "AD-";
    const MIN_DIGITS: usize = 6;

    /// The reference for a database id.
    pub fn new(id: u64) -> Self {
        Self(id)
    }

    /// The database id behind the reference.
    pub fn id(self) -> u64 {
        self.0
    }

    /// Parses `AD-` followed by at least 6 ASCII digits, in canonical form
    /// (no extra leading zeros beyond the 6-digit padding, no spaces, no sign).
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let invalid = || ModelError::InvalidReference(text.to_owned());
        let digits = text.strip_prefix(Self::PREFIX).ok_or_else(invalid)?;
        if digits.len() < Self::MIN_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let id: u64 = digits.parse().map_err(|_| invalid())?;
        let reference = Self(id);
        // Reject `AD-0000123`: it would be a second spelling of AD-000123.
        if reference.to_string() != text {
            return Err(invalid());
        }
        Ok(reference)
    }
}

impl fmt::Display for TicketReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{:0width$}",
            Self::PREFIX,
            self.0,
            width = Self::MIN_DIGITS
        )
    }
}

impl FromStr for TicketReference {
    type Err = ModelError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for TicketReference {
    type Error = ModelError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<TicketReference> for String {
    fn from(reference: TicketReference) -> Self {
        reference.to_string()
    }
}

impl TryFrom<i64> for TicketReference {
    type Error = ModelError;

    /// Database ids are `BIGINT`; a negative one cannot be a ticket.
    fn try_from(id: i64) -> Result<Self, Self::Error> {
        u64::try_from(id)
            .map(Self)
            .map_err(|_| ModelError::InvalidReference(id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_order_from_low_to_urgent() {
        assert!(TicketPriority::Low < TicketPriority::Medium);
        assert!(TicketPriority::Medium < TicketPriority::High);
        assert!(TicketPriority::High < TicketPriority::Urgent);
        assert_eq!(
            TicketPriority::ALL.iter().max(),
            Some(&TicketPriority::Urgent)
        );
    }

    #[test]
    fn priority_names_round_trip_as_lowercase_text() {
        for p in TicketPriority::ALL {
            assert_eq!(TicketPriority::parse(p.as_str()), Some(p));
            assert_eq!(p.to_string(), p.as_str());
            assert_eq!(p.as_str().parse::<TicketPriority>(), Ok(p));
        }
        assert_eq!(TicketPriority::parse("critical"), None);
        assert_eq!(TicketPriority::parse("High"), None);
    }

    #[test]
    fn an_unknown_priority_error_lists_the_valid_names() {
        let err = "critical".parse::<TicketPriority>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown priority \"critical\" (use low, medium, high or urgent)"
        );
    }

    #[test]
    fn priority_and_status_serialise_as_lowercase_names() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Row {
            priority: TicketPriority,
            status: TicketStatus,
        }
        let row = Row {
            priority: TicketPriority::Urgent,
            status: TicketStatus::Postponed,
        };
        let text = toml::to_string(&row).unwrap();
        assert_eq!(text, "priority = \"urgent\"\nstatus = \"postponed\"\n");
        assert_eq!(toml::from_str::<Row>(&text).unwrap(), row);
    }

    #[test]
    fn status_names_round_trip_as_lowercase_text() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
            assert_eq!(s.to_string(), s.as_str());
        }
        assert!("reopened".parse::<TicketStatus>().is_err());
    }

    #[test]
    fn an_agent_can_move_an_unclosed_ticket_to_any_other_status() {
        for from in TicketStatus::ALL
            .into_iter()
            .filter(|s| *s != TicketStatus::Closed)
        {
            for to in TicketStatus::ALL.into_iter().filter(|s| *s != from) {
                assert!(from.can_change_to(to), "{from} -> {to}");
            }
        }
    }

    #[test]
    fn a_closed_ticket_can_only_be_reopened() {
        for to in TicketStatus::ALL {
            assert_eq!(
                TicketStatus::Closed.can_change_to(to),
                to == TicketStatus::Open,
                "closed -> {to}"
            );
        }
    }

    #[test]
    fn keeping_the_same_status_is_not_a_change() {
        for s in TicketStatus::ALL {
            assert!(!s.can_change_to(s));
        }
    }

    #[test]
    fn a_customer_reply_reopens_answered_and_resolved_tickets() {
        use TicketStatus::*;
        assert_eq!(Answered.reopened_by_customer_reply(), Open);
        assert_eq!(Resolved.reopened_by_customer_reply(), Open);
    }

    #[test]
    fn a_customer_reply_leaves_new_open_postponed_and_closed_tickets_alone() {
        use TicketStatus::*;
        for s in [New, Open, Postponed, Closed] {
            assert_eq!(s.reopened_by_customer_reply(), s);
        }
    }

    #[test]
    fn a_customer_sees_their_ticket_as_a_padded_reference() {
        assert_eq!(TicketReference::new(123).to_string(), "AD-000123");
        assert_eq!(TicketReference::new(0).to_string(), "AD-000000");
        assert_eq!(TicketReference::new(1_234_567).to_string(), "AD-1234567");
    }

    #[test]
    fn a_quoted_reference_leads_back_to_the_ticket_id() {
        for id in [0, 1, 123, 999_999, 1_000_000, u64::MAX] {
            let text = TicketReference::new(id).to_string();
            assert_eq!(
                TicketReference::parse(&text).map(TicketReference::id),
                Ok(id)
            );
        }
    }

    #[test]
    fn a_malformed_reference_is_rejected() {
        for bad in [
            "",
            "AD-",
            "AD-12345",
            "ad-000123",
            "AD000123",
            "AD-00012a",
            " AD-000123",
            "AD-000123 ",
            "AD-+00123",
            "AD--00123",
            "AD-0000123",
            "AD-٠٠٠١٢٣",
            "AD-99999999999999999999999",
            "XY-000123",
        ] {
            assert!(
                TicketReference::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn a_reference_serialises_as_its_text() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Row {
            reference: TicketReference,
        }
        let row = Row {
            reference: TicketReference::new(42),
        };
        let text = toml::to_string(&row).unwrap();
        assert_eq!(text, "reference = \"AD-000042\"\n");
        assert_eq!(toml::from_str::<Row>(&text).unwrap(), row);
        assert!(toml::from_str::<Row>("reference = \"AD-42\"").is_err());
    }

    #[test]
    fn a_negative_database_id_is_not_a_ticket() {
        assert_eq!(
            TicketReference::try_from(7_i64).map(TicketReference::id),
            Ok(7)
        );
        assert!(TicketReference::try_from(-1_i64).is_err());
    }
}
