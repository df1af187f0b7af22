//! Service-level clock: when a ticket's first response and resolution are due.
//!
//! Targets are counted in **business time** in one IANA time zone. With the
//! default policy that is Monday–Friday 09:00–17:00 Europe/Riga, so a ticket
//! filed on Friday at 16:30 with a 1 h target is due on Monday at 09:30.
//!
//! # What "1 day" means
//!
//! One business day is the length of one working day: with 09:00–17:00 hours,
//! `1d` = 8 business hours and `3d` = 24 business hours. Because every working
//! day has the same hours, `1d` from Monday 10:00 lands on Tuesday 10:00.
//! With `business_hours = "24/7"`, `1d` is 24 hours and every minute counts.
//!
//! # Daylight-saving time
//!
//! Opening and closing times are local wall-clock times, so they follow DST
//! changes: after the clocks change the office still opens at 09:00 local
//! time. Business time is the real time elapsed while the office is open; in
//! the rare zone that changes clocks *during* business hours that day is one
//! hour shorter or longer.
//!
//! # Config
//!
//! [`SlaPolicy`] is a serde section; every field has a default, e.g.
//!
//! ```toml
//! time_zone = "Europe/Riga"
//! business_hours = "working-hours"   # or "24/7"
//! working_days = ["monday", "tuesday", "wednesday", "thursday", "friday"]
//! day_start = "09:00"
//! day_end = "17:00"
//! holidays = ["2025-06-23", "2025-06-24"]
//!
//! [targets]
//! urgent = { first_response = "1h", resolution = "4h" }
//! high = { first_response = "4h", resolution = "1d" }
//! medium = { first_response = "8h", resolution = "3d" }
//! low = { first_response = "1d", resolution = "5d" }
//! ```
//!
//! Durations are sums of `<number><unit>` parts with units `d`/`day(s)`,
//! `h`/`hour(s)`, `m`/`min`/`minute(s)`, e.g. `"30m"`, `"1d 4h"`, `"2 hours"`.

use std::time::Duration;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::model::TicketPriority;

/// A ticket due within this window is [`SlaState::DueSoon`].
pub const DUE_SOON_WINDOW: Duration = Duration::from_secs(60 * 60);

/// Longest accepted target, so a typo such as `"400d"` is caught at start-up.
const MAX_TARGET_DAYS: u64 = 366;

/// Whether the SLA clock runs only in working hours or all the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BusinessHours {
    /// Only on `working_days` between `day_start` and `day_end`, minus `holidays`.
    #[default]
    #[serde(rename = "working-hours")]
    WorkingHours,
    /// Every minute counts; `1d` is 24 hours.
    #[serde(rename = "24/7")]
    AroundTheClock,
}

/// First-response and resolution targets for one priority, as durations
/// like `"4h"` or `"1d"` (see the module docs for the syntax).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    /// Time until an agent must first reply.
    pub first_response: String,
    /// Time until the ticket must be resolved.
    pub resolution: String,
}

impl SlaTarget {
    fn new(first_response: &str, resolution: &str) -> Self {
        Self {
            first_response: first_response.to_owned(),
            resolution: resolution.to_owned(),
        }
    }
}

/// Targets per priority. A priority left out of the config keeps its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaTargets {
    /// Default 1 h / 4 h.
    pub urgent: SlaTarget,
    /// Default 4 h / 1 d.
    pub high: SlaTarget,
    /// Default 8 h / 3 d.
    pub medium: SlaTarget,
    /// Default 1 d / 5 d.
    pub low: SlaTarget,
}

impl Default for SlaTargets {
    fn default() -> Self {
        Self {
            urgent: SlaTarget::new("1h", "4h"),
            high: SlaTarget::new("4h", "1d"),
            medium: SlaTarget::new("8h", "3d"),
            low: SlaTarget::new("1d", "5d"),
        }
    }
}

impl SlaTargets {
    /// The target for a priority.
    pub fn for_priority(&self, priority: TicketPriority) -> &SlaTarget {
        match priority {
            TicketPriority::Urgent => &self.urgent,
            TicketPriority::High => &self.high,
            TicketPriority::Medium => &self.medium,
            TicketPriority::Low => &self.low,
        }
    }
}

/// SLA configuration. Deserialise it from a config section (all fields
/// optional) and call [`validate`](Self::validate) at start-up.
///
/// Fields are kept as written so `validate` can name the bad field; if an
/// unvalidated policy is used anyway, each invalid field falls back to its
/// default instead of panicking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaPolicy {
    /// IANA time zone the business hours are in. Default `"Europe/Riga"`.
    pub time_zone: String,
    /// `"working-hours"` (default) or `"24/7"`.
    pub business_hours: BusinessHours,
    /// Days the clock runs: `"monday"` … `"sunday"` or `"mon"` … `"sun"`.
    /// Default Monday to Friday.
    pub working_days: Vec<String>,
    /// Local opening time, `"HH:MM"`. Default `"09:00"`.
    pub day_start: String,
    /// Local closing time, `"HH:MM"`, after `day_start` on the same day. Default `"17:00"`.
    pub day_end: String,
    /// Dates (`"YYYY-MM-DD"`) on which the clock does not run. Default none.
    pub holidays: Vec<String>,
    /// Targets per priority.
    pub targets: SlaTargets,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        Self {
            time_zone: "Europe/Riga".to_owned(),
            business_hours: BusinessHours::WorkingHours,
            working_days: ["monday", "tuesday", "wednesday", "thursday", "friday"]
                .map(str::to_owned)
                .to_vec(),
            day_start: "09:00".to_owned(),
            day_end: "17:00".to_owned(),
            holidays: Vec::new(),
            targets: SlaTargets::default(),
        }
    }
}

/// A policy field that cannot be used; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    /// `time_zone` is not in the time zone database.
    #[error("time_zone: unknown time zone \"{0}\" (use an IANA name such as \"Europe/Riga\")")]
    UnknownTimeZone(String),
    /// `day_start` or `day_end` is not `HH:MM`.
    #[error("{field}: \"{value}\" is not a time of day (use HH:MM, e.g. \"09:00\")")]
    BadTime {
        /// `day_start` or `day_end`.
        field: &'static str,
        /// The text as configured.
        value: String,
    },
    /// The working day would be empty or overnight.
    #[error("day_end ({end}) must be after day_start ({start}) on the same day")]
    EndNotAfterStart {
        /// Configured `day_start`.
        start: String,
        /// Configured `day_end`.
        end: String,
    },
    /// `working_days` is empty.
    #[error(
        "working_days: no working days (list at least one, e.g. [\"monday\"], or set business_hours = \"24/7\")"
    )]
    NoWorkingDays,
    /// A `working_days` entry is not a weekday name.
    #[error("working_days: unknown day \"{0}\" (use monday … sunday or mon … sun)")]
    UnknownDay(String),
    /// A `holidays` entry is not a date.
    #[error("holidays: \"{0}\" is not a date (use YYYY-MM-DD)")]
    BadHoliday(String),
    /// A target is not a duration.
    #[error(
        "{field}: \"{value}\" is not a valid duration: {reason} (write e.g. \"30m\", \"4h\", \"1d\", \"1d 4h\")"
    )]
    BadDuration {
        /// E.g. `targets.high.resolution`.
        field: String,
        /// The text as configured.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A first-response target longer than the resolution target for the same priority.
    #[error(
        "targets.{priority}: first_response ({first_response}) is longer than resolution ({resolution})"
    )]
    FirstResponseAfterResolution {
        /// The priority whose targets conflict.
        priority: TicketPriority,
        /// Configured first-response target.
        first_response: String,
        /// Configured resolution target.
        resolution: String,
    },
}

/// When a ticket's SLA targets fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaDueTimes {
    /// An agent must have replied by then.
    pub first_response_due: Timestamp,
    /// The ticket must be resolved by then.
    pub resolution_due: Timestamp,
}

/// How a due time compares with now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlaState {
    /// The due time has arrived or passed.
    Breached,
    /// Due within [`DUE_SOON_WINDOW`] (one hour).
    DueSoon,
    /// More than an hour left.
    OnTrack,
}

/// Where a ticket stands against one due time. Reaching the due time exactly
/// counts as breached: the time allowed is used up.
pub fn sla_state(due: Timestamp, now: Timestamp) -> SlaState {
    if now >= due {
        return SlaState::Breached;
    }
    let left = due.duration_since(now);
    // `DUE_SOON_WINDOW` is one hour, always representable.
    let window = SignedDuration::try_from(DUE_SOON_WINDOW).unwrap_or(SignedDuration::MAX);
    if left <= window {
        SlaState::DueSoon
    } else {
        SlaState::OnTrack
    }
}

/// The policy with every field parsed; what the arithmetic runs on.
#[derive(Debug, Clone)]
struct Calendar {
    tz: TimeZone,
    mode: BusinessHours,
    /// Indexed by days since Monday.
    working: [bool; 7],
    start: Time,
    end: Time,
    holidays: Vec<Date>,
}

impl Calendar {
    /// The length of `1d`.
    fn business_day(&self) -> Duration {
        match self.mode {
            BusinessHours::AroundTheClock => Duration::from_secs(24 * 60 * 60),
            BusinessHours::WorkingHours => Duration::from_secs(
                seconds_of_day(self.end).saturating_sub(seconds_of_day(self.start)),
            ),
        }
    }

    fn is_working_day(&self, date: Date) -> bool {
        self.working[day_index(date.weekday())] && !self.holidays.contains(&date)
    }

    fn between(&self, from: Timestamp, to: Timestamp) -> Duration {
        if to <= from {
            return Duration::ZERO;
        }
        let real = Duration::try_from(to.duration_since(from)).unwrap_or(Duration::ZERO);
        if self.mode == BusinessHours::AroundTheClock {
            return real;
        }
        let mut counted = Duration::ZERO;
        let mut date = from.to_zoned(self.tz.clone()).date();
        let last = to.to_zoned(self.tz.clone()).date();
        while date <= last {
            if self.is_working_day(date) {
                let open = date.to_datetime(self.start).to_zoned(self.tz.clone());
                let close = date.to_datetime(self.end).to_zoned(self.tz.clone());
                if let (Ok(open), Ok(close)) = (open, close) {
                    let start = from.max(open.timestamp());
                    let end = to.min(close.timestamp());
                    if start < end {
                        counted +=
                            Duration::try_from(end.duration_since(start)).unwrap_or(Duration::ZERO);
                    }
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        counted
    }

    fn add(&self, start: Timestamp, duration: Duration) -> Timestamp {
        let Ok(mut remaining) = SignedDuration::try_from(duration) else {
            return Timestamp::MAX;
        };
        // Business time never runs faster than real time, so if even real
        // time overflows there is no representable answer.
        let Ok(real_end) = start.checked_add(remaining) else {
            return Timestamp::MAX;
        };
        if self.mode == BusinessHours::AroundTheClock {
            return real_end;
        }
        let mut date = start.to_zoned(self.tz.clone()).date();
        loop {
            if self.is_working_day(date) {
                // Wall-clock opening hours; a time in a DST gap moves forward.
                let open = date.to_datetime(self.start).to_zoned(self.tz.clone());
                let close = date.to_datetime(self.end).to_zoned(self.tz.clone());
                if let (Ok(open), Ok(close)) = (open, close) {
                    let from = start.max(open.timestamp());
                    let close = close.timestamp();
                    if from < close {
                        let available = close.duration_since(from);
                        if remaining <= available {
                            return from.checked_add(remaining).unwrap_or(Timestamp::MAX);
                        }
                        remaining -= available;
                    }
                }
            }
            // Ends at the last representable date, so the loop always terminates.
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => return Timestamp::MAX,
            }
        }
    }
}

impl SlaPolicy {
    /// Checks every field; the first problem found is returned with the field's name.
    pub fn validate(&self) -> Result<(), SlaError> {
        let calendar = self.try_calendar()?;
        for priority in TicketPriority::ALL {
            let target = self.targets.for_priority(priority);
            let field = |name: &str| format!("targets.{priority}.{name}");
            let first = parse_target(&target.first_response, &calendar, &field("first_response"))?;
            let resolution = parse_target(&target.resolution, &calendar, &field("resolution"))?;
            if first > resolution {
                return Err(SlaError::FirstResponseAfterResolution {
                    priority,
                    first_response: target.first_response.clone(),
                    resolution: target.resolution.clone(),
                });
            }
        }
        Ok(())
    }

    /// When first response and resolution are due for a ticket filed at `created`.
    pub fn due_times(&self, priority: TicketPriority, created: Timestamp) -> SlaDueTimes {
        let calendar = self.calendar();
        let target = self.targets.for_priority(priority);
        let fallback = SlaTargets::default();
        let fallback = fallback.for_priority(priority);
        let duration = |configured: &str, default: &str| {
            parse_target(configured, &calendar, "")
                .or_else(|_| parse_target(default, &calendar, ""))
                .unwrap_or_default()
        };
        let first = duration(&target.first_response, &fallback.first_response);
        let resolution = duration(&target.resolution, &fallback.resolution);
        SlaDueTimes {
            first_response_due: calendar.add(created, first),
            resolution_due: calendar.add(created, resolution),
        }
    }

    /// `start` plus `duration` of business time. Time outside business hours
    /// does not count, so a start outside hours begins counting at the next
    /// opening (a zero duration returns that opening). Saturates at
    /// [`Timestamp::MAX`].
    pub fn add_business_time(&self, start: Timestamp, duration: Duration) -> Timestamp {
        self.calendar().add(start, duration)
    }

    /// The business time between `from` and `to` (zero when `to` is not after `from`): what
    /// [`add_business_time`](Self::add_business_time) would have to add to `from` to reach `to`.
    pub fn business_time_between(&self, from: Timestamp, to: Timestamp) -> Duration {
        self.calendar().between(from, to)
    }

    /// The length of one business day (`1d`): the working hours of one day,
    /// or 24 h with `"24/7"`.
    pub fn business_day(&self) -> Duration {
        self.calendar().business_day()
    }

    /// Like `try_calendar`, but invalid fields fall back to their defaults.
    fn calendar(&self) -> Calendar {
        if let Ok(calendar) = self.try_calendar() {
            return calendar;
        }
        let default = SlaPolicy::default();
        let tz = parse_time_zone(&self.time_zone)
            .or_else(|_| parse_time_zone(&default.time_zone))
            .unwrap_or(TimeZone::UTC);
        let (start, end) = match (
            parse_time("day_start", &self.day_start),
            parse_time("day_end", &self.day_end),
        ) {
            (Ok(start), Ok(end)) if start < end => (start, end),
            _ => (Time::constant(9, 0, 0, 0), Time::constant(17, 0, 0, 0)),
        };
        let working = match parse_working_days(&self.working_days) {
            Ok(days) if days.contains(&true) => days,
            _ => [true, true, true, true, true, false, false],
        };
        let holidays = self
            .holidays
            .iter()
            .filter_map(|h| h.trim().parse::<Date>().ok())
            .collect();
        Calendar {
            tz,
            mode: self.business_hours,
            working,
            start,
            end,
            holidays,
        }
    }

    fn try_calendar(&self) -> Result<Calendar, SlaError> {
        let tz = parse_time_zone(&self.time_zone)?;
        let start = parse_time("day_start", &self.day_start)?;
        let end = parse_time("day_end", &self.day_end)?;
        let working = parse_working_days(&self.working_days)?;
        // Hours and days are irrelevant when the clock always runs.
        if self.business_hours == BusinessHours::WorkingHours {
            if start >= end {
                return Err(SlaError::EndNotAfterStart {
                    start: self.day_start.clone(),
                    end: self.day_end.clone(),
                });
            }
            if !working.contains(&true) {
                return Err(SlaError::NoWorkingDays);
            }
        }
        let holidays = self
            .holidays
            .iter()
            .map(|h| {
                h.trim()
                    .parse::<Date>()
                    .map_err(|_| SlaError::BadHoliday(h.clone()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Calendar {
            tz,
            mode: self.business_hours,
            working,
            start,
            end,
            holidays,
        })
    }
}

fn parse_time_zone(name: &str) -> Result<TimeZone, SlaError> {
    TimeZone::get(name.trim()).map_err(|_| SlaError::UnknownTimeZone(name.to_owned()))
}

/// Strict `HH:MM` (one-digit hours allowed), so "9.00" or "9am" are rejected clearly.
fn parse_time(field: &'static str, text: &str) -> Result<Time, SlaError> {
    let bad = || SlaError::BadTime {
        field,
        value: text.to_owned(),
    };
    let (hours, minutes) = text.trim().split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i8>().ok())
            .flatten()
    };
    let (Some(h), Some(m)) = (digits(hours, 2), digits(minutes, 2)) else {
        return Err(bad());
    };
    if minutes.len() != 2 {
        return Err(bad());
    }
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

fn parse_working_days(days: &[String]) -> Result<[bool; 7], SlaError> {
    let mut working = [false; 7];
    for day in days {
        let weekday = match day.trim().to_lowercase().as_str() {
            "monday" | "mon" => Weekday::Monday,
            "tuesday" | "tue" => Weekday::Tuesday,
            "wednesday" | "wed" => Weekday::Wednesday,
            "thursday" | "thu" => Weekday::Thursday,
            "friday" | "fri" => Weekday::Friday,
            "saturday" | "sat" => Weekday::Saturday,
            "sunday" | "sun" => Weekday::Sunday,
            _ => return Err(SlaError::UnknownDay(day.clone())),
        };
        working[day_index(weekday)] = true;
    }
    Ok(working)
}

/// Index into a Monday-first `[bool; 7]`; always in `0..7`.
fn day_index(weekday: Weekday) -> usize {
    match weekday {
        Weekday::Monday => 0,
        Weekday::Tuesday => 1,
        Weekday::Wednesday => 2,
        Weekday::Thursday => 3,
        Weekday::Friday => 4,
        Weekday::Saturday => 5,
        Weekday::Sunday => 6,
    }
}

fn seconds_of_day(time: Time) -> u64 {
    let seconds =
        i64::from(time.hour()) * 3600 + i64::from(time.minute()) * 60 + i64::from(time.second());
    u64::try_from(seconds).unwrap_or(0)
}

/// Parses a target such as `"1d 4h"` into business time, `d` being one business day.
fn parse_target(text: &str, calendar: &Calendar, field: &str) -> Result<Duration, SlaError> {
    let bad = |reason: &str| SlaError::BadDuration {
        field: field.to_owned(),
        value: text.to_owned(),
        reason: reason.to_owned(),
    };
    let mut days: u64 = 0;
    let mut minutes: u64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad("it is empty"));
    }
    while !rest.is_empty() {
        let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits_len == 0 {
            return Err(bad("expected a number"));
        }
        let (number, after) = rest.split_at(digits_len);
        let number: u64 = number.parse().map_err(|_| bad("number too large"))?;
        let after = after.trim_start();
        let unit_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let too_long = || bad(&format!("longer than {MAX_TARGET_DAYS} days"));
        match unit.to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => days = days.checked_add(number).ok_or_else(too_long)?,
            "h" | "hour" | "hours" => {
                let added = number.checked_mul(60).ok_or_else(too_long)?;
                minutes = minutes.checked_add(added).ok_or_else(too_long)?;
            }
            "m" | "min" | "mins" | "minute" | "minutes" => {
                minutes = minutes.checked_add(number).ok_or_else(too_long)?;
            }
            "" => return Err(bad("a number needs a unit (d, h or m)")),
            _ => return Err(bad(&format!("unknown unit \"{unit}\""))),
        }
        if days > MAX_TARGET_DAYS || minutes > MAX_TARGET_DAYS * 24 * 60 {
            return Err(too_long());
        }
        rest = after.trim_start().trim_start_matches(',').trim_start();
    }
    if days == 0 && minutes == 0 {
        return Err(bad("it must be longer than zero"));
    }
    let day_secs = calendar.business_day().as_secs();
    // Bounded above by MAX_TARGET_DAYS, so these cannot overflow.
    Ok(Duration::from_secs(days * day_secs + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketPriority::*;
    use jiff::Zoned;

    const HOUR: Duration = Duration::from_secs(3600);

    /// A Riga wall-clock time such as "2025-10-24T16:30" as a timestamp.
    fn riga(local: &str) -> Timestamp {
        format!("{local}[Europe/Riga]")
            .parse::<Zoned>()
            .unwrap()
            .timestamp()
    }

    fn in_riga(ts: Timestamp) -> String {
        ts.to_zoned(TimeZone::get("Europe/Riga").unwrap())
            .strftime("%a %Y-%m-%d %H:%M %:z")
            .to_string()
    }

    fn policy(toml_text: &str) -> SlaPolicy {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn the_default_policy_is_valid() {
        assert_eq!(SlaPolicy::default().validate(), Ok(()));
        assert_eq!(SlaPolicy::default().business_day(), 8 * HOUR);
    }

    #[test]
    fn an_urgent_ticket_on_a_weekday_morning_is_answered_within_the_hour() {
        let due = SlaPolicy::default().due_times(Urgent, riga("2025-03-10T10:00"));
        assert_eq!(
            in_riga(due.first_response_due),
            "Mon 2025-03-10 11:00 +02:00"
        );
        assert_eq!(in_riga(due.resolution_due), "Mon 2025-03-10 14:00 +02:00");
    }

    #[test]
    fn a_friday_afternoon_ticket_with_a_one_hour_target_is_due_monday_morning() {
        let due = SlaPolicy::default().add_business_time(riga("2025-03-07T16:30"), HOUR);
        assert_eq!(in_riga(due), "Mon 2025-03-10 09:30 +02:00");
    }

    #[test]
    fn a_saturday_ticket_starts_counting_on_monday_at_nine() {
        let policy = SlaPolicy::default();
        let saturday = riga("2025-03-08T11:00");
        assert_eq!(
            in_riga(policy.add_business_time(saturday, Duration::ZERO)),
            "Mon 2025-03-10 09:00 +02:00"
        );
        assert_eq!(
            in_riga(policy.add_business_time(saturday, HOUR)),
            "Mon 2025-03-10 10:00 +02:00"
        );
    }

    #[test]
    fn a_ticket_filed_at_night_starts_counting_when_the_office_opens() {
        let policy = SlaPolicy::default();
        let early = policy.add_business_time(riga("2025-03-11T07:00"), HOUR);
        assert_eq!(in_riga(early), "Tue 2025-03-11 10:00 +02:00");
        let late = policy.add_business_time(riga("2025-03-11T18:00"), HOUR);
        assert_eq!(in_riga(late), "Wed 2025-03-12 10:00 +02:00");
        let at_close = policy.add_business_time(riga("2025-03-11T16:00"), HOUR);
        assert_eq!(in_riga(at_close), "Tue 2025-03-11 17:00 +02:00");
    }

    #[test]
    fn day_targets_count_whole_working_days() {
        let policy = SlaPolicy::default();
        let monday = riga("2025-03-10T10:00");
        let high = policy.due_times(High, monday);
        assert_eq!(
            in_riga(high.first_response_due),
            "Mon 2025-03-10 14:00 +02:00"
        );
        assert_eq!(in_riga(high.resolution_due), "Tue 2025-03-11 10:00 +02:00");
        let medium = policy.due_times(Medium, riga("2025-03-12T10:00"));
        assert_eq!(
            in_riga(medium.first_response_due),
            "Thu 2025-03-13 10:00 +02:00"
        );
        assert_eq!(
            in_riga(medium.resolution_due),
            "Mon 2025-03-17 10:00 +02:00"
        );
        let low = policy.due_times(Low, monday);
        assert_eq!(
            in_riga(low.first_response_due),
            "Tue 2025-03-11 10:00 +02:00"
        );
        assert_eq!(in_riga(low.resolution_due), "Mon 2025-03-17 10:00 +02:00");
    }

    #[test]
    fn the_clock_follows_riga_wall_time_across_the_autumn_dst_weekend() {
        // Clocks go back on Sunday 2025-10-26 04:00 (+03:00 -> +02:00).
        let due = SlaPolicy::default().add_business_time(riga("2025-10-24T16:30"), HOUR);
        assert_eq!(
            in_riga(riga("2025-10-24T16:30")),
            "Fri 2025-10-24 16:30 +03:00"
        );
        assert_eq!(in_riga(due), "Mon 2025-10-27 09:30 +02:00");
    }

    #[test]
    fn the_clock_follows_riga_wall_time_across_the_spring_dst_weekend() {
        // Clocks go forward on Sunday 2025-03-30 03:00 (+02:00 -> +03:00).
        let policy = SlaPolicy::default();
        let due = policy.due_times(High, riga("2025-03-28T15:00"));
        assert_eq!(
            in_riga(due.first_response_due),
            "Mon 2025-03-31 11:00 +03:00"
        );
        assert_eq!(in_riga(due.resolution_due), "Mon 2025-03-31 15:00 +03:00");
    }

    #[test]
    fn a_round_the_clock_policy_counts_every_hour() {
        let policy = policy("business_hours = \"24/7\"");
        assert_eq!(policy.validate(), Ok(()));
        let friday = riga("2025-03-07T16:30");
        assert_eq!(
            in_riga(policy.add_business_time(friday, HOUR)),
            "Fri 2025-03-07 17:30 +02:00"
        );
        let high = policy.due_times(High, friday);
        assert_eq!(in_riga(high.resolution_due), "Sat 2025-03-08 16:30 +02:00");
    }

    #[test]
    fn business_time_between_two_moments_undoes_adding_it() {
        let policy = SlaPolicy::default();
        let friday = riga("2025-06-06T16:00");
        let tuesday = riga("2025-06-10T11:30");
        let between = policy.business_time_between(friday, tuesday);
        // Friday 16–17, Monday 9–17, Tuesday 9–11:30.
        assert_eq!(between, Duration::from_secs((60 + 8 * 60 + 150) * 60));
        assert_eq!(policy.add_business_time(friday, between), tuesday);
        assert_eq!(
            policy.business_time_between(tuesday, friday),
            Duration::ZERO
        );
        let saturday = riga("2025-06-07T10:00");
        let sunday = riga("2025-06-08T18:00");
        assert_eq!(
            policy.business_time_between(saturday, sunday),
            Duration::ZERO
        );
    }

    #[test]
    fn holidays_do_not_count() {
        let policy = policy("holidays = [\"2025-06-23\", \"2025-06-24\"]");
        assert_eq!(policy.validate(), Ok(()));
        let due = policy.add_business_time(riga("2025-06-20T16:30"), HOUR);
        assert_eq!(in_riga(due), "Wed 2025-06-25 09:30 +03:00");
    }

    #[test]
    fn a_config_section_overrides_only_what_it_names() {
        let policy = policy(
            r#"
time_zone = "America/New_York"
working_days = ["mon", "Tuesday", "wed", "thu", "fri", "sat"]
day_start = "8:00"
day_end = "20:00"

[targets]
urgent = { first_response = "30m", resolution = "2h" }
"#,
        );
        assert_eq!(policy.validate(), Ok(()));
        assert_eq!(policy.business_day(), 12 * HOUR);
        assert_eq!(policy.targets.low, SlaTargets::default().low);
        let created: Timestamp = "2025-03-07T19:45-05:00[America/New_York]"
            .parse::<Zoned>()
            .unwrap()
            .timestamp();
        let due = policy.due_times(Urgent, created);
        let ny = |ts: Timestamp| {
            ts.to_zoned(TimeZone::get("America/New_York").unwrap())
                .strftime("%a %H:%M")
                .to_string()
        };
        assert_eq!(ny(due.first_response_due), "Sat 08:15");
        assert_eq!(ny(due.resolution_due), "Sat 09:45");
    }

    #[test]
    fn an_unknown_config_key_is_rejected() {
        let err = toml::from_str::<SlaPolicy>("timezone = \"Europe/Riga\"").unwrap_err();
        assert!(err.message().contains("unknown field `timezone`"), "{err}");
    }

    #[test]
    fn a_misconfigured_policy_names_the_bad_field() {
        let cases = [
            (
                "time_zone = \"Europe/Rigaa\"",
                "time_zone: unknown time zone \"Europe/Rigaa\"",
            ),
            (
                "day_start = \"9am\"",
                "day_start: \"9am\" is not a time of day",
            ),
            (
                "day_end = \"17:5\"",
                "day_end: \"17:5\" is not a time of day",
            ),
            (
                "day_end = \"24:00\"",
                "day_end: \"24:00\" is not a time of day",
            ),
            (
                "day_start = \"18:00\"",
                "day_end (17:00) must be after day_start (18:00)",
            ),
            ("working_days = []", "working_days: no working days"),
            (
                "working_days = [\"fryday\"]",
                "working_days: unknown day \"fryday\"",
            ),
            (
                "holidays = [\"24.06.2025\"]",
                "holidays: \"24.06.2025\" is not a date",
            ),
            (
                "[targets]\nhigh = { first_response = \"4 hrs\", resolution = \"1d\" }",
                "targets.high.first_response: \"4 hrs\" is not a valid duration: unknown unit \"hrs\"",
            ),
            (
                "[targets]\nlow = { first_response = \"1d\", resolution = \"0h\" }",
                "targets.low.resolution: \"0h\" is not a valid duration: it must be longer than zero",
            ),
            (
                "[targets]\nlow = { first_response = \"1d\", resolution = \"400d\" }",
                "targets.low.resolution: \"400d\" is not a valid duration: longer than 366 days",
            ),
            (
                "[targets]\nmedium = { first_response = \"2d\", resolution = \"1d\" }",
                "targets.medium: first_response (2d) is longer than resolution (1d)",
            ),
        ];
        for (config, expected) in cases {
            let err = policy(config).validate().unwrap_err().to_string();
            assert!(
                err.starts_with(expected),
                "{config}\n got: {err}\nwant: {expected}"
            );
        }
    }

    #[test]
    fn targets_accept_common_duration_spellings() {
        let calendar = SlaPolicy::default().calendar();
        for (text, expected) in [
            ("30m", 30 * 60),
            ("90 min", 90 * 60),
            ("4h", 4 * 3600),
            ("2 hours", 2 * 3600),
            ("1d", 8 * 3600),
            ("1d 4h", 12 * 3600),
            ("1d,4h 30m", 12 * 3600 + 1800),
            ("3 days", 24 * 3600),
        ] {
            assert_eq!(
                parse_target(text, &calendar, "t"),
                Ok(Duration::from_secs(expected)),
                "{text}"
            );
        }
        for bad in ["", "h", "4", "-4h", "4h -", "1.5h", "99999999999999999999h"] {
            assert!(parse_target(bad, &calendar, "t").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_misconfigured_policy_still_computes_due_times_from_defaults() {
        let broken = policy(
            "time_zone = \"Mars/Base\"\nday_start = \"late\"\n[targets]\nurgent = { first_response = \"soon\", resolution = \"4h\" }",
        );
        assert!(broken.validate().is_err());
        let due = broken.due_times(Urgent, riga("2025-03-07T16:30"));
        assert_eq!(
            in_riga(due.first_response_due),
            "Mon 2025-03-10 09:30 +02:00"
        );
    }

    #[test]
    fn an_absurdly_long_duration_saturates_instead_of_hanging() {
        let policy = SlaPolicy::default();
        let start = riga("2025-03-07T16:30");
        assert_eq!(
            policy.add_business_time(start, Duration::MAX),
            Timestamp::MAX
        );
        assert_eq!(
            policy.add_business_time(Timestamp::MAX, HOUR),
            Timestamp::MAX
        );
    }

    #[test]
    fn a_ticket_is_on_track_due_soon_or_breached() {
        let due = riga("2025-03-10T12:00");
        assert_eq!(sla_state(due, riga("2025-03-10T10:59")), SlaState::OnTrack);
        assert_eq!(sla_state(due, riga("2025-03-10T11:00")), SlaState::DueSoon);
        assert_eq!(sla_state(due, riga("2025-03-10T11:59")), SlaState::DueSoon);
        assert_eq!(sla_state(due, due), SlaState::Breached);
        assert_eq!(sla_state(due, riga("2025-03-11T09:00")), SlaState::Breached);
    }
}
