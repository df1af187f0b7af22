//! How times and durations read for people: one format each, shared by the pages, the emails
//! and the command line. Times are shown in UTC.

/// Milliseconds since the epoch as `2026-12-01 09:30 UTC`; empty when out of range.
pub fn timestamp(millis: i64) -> String {
    formatted(millis, "%Y-%m-%d %H:%M UTC")
}

/// The same with seconds, for logs where order within a minute matters (the audit log).
pub fn timestamp_with_seconds(millis: i64) -> String {
    formatted(millis, "%Y-%m-%d %H:%M:%S UTC")
}

/// The UTC day of a time as `2026-12-01`, the form `i18n::long_date` writes out per language.
pub fn date(millis: i64) -> String {
    formatted(millis, "%Y-%m-%d")
}

fn formatted(millis: i64, format: &str) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.strftime(format).to_string())
        .unwrap_or_default()
}

/// A duration in milliseconds as `1d 3h`, `2h 5m` or `4m` (negative counts as zero).
pub fn duration(millis: i64) -> String {
    let minutes = millis.max(0) / 60_000;
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes}m")
    } else {
        format!("{minutes}m")
    }
}

/// [`duration`], or `–` when there is nothing to measure.
pub fn optional_duration(millis: Option<i64>) -> String {
    millis.map_or_else(|| "–".to_owned(), duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_days_hours_and_minutes() {
        assert_eq!(duration(4 * 60_000), "4m");
        assert_eq!(duration((2 * 60 + 5) * 60_000), "2h 5m");
        assert_eq!(duration((27 * 60 + 10) * 60_000), "1d 3h");
        assert_eq!(duration(-5), "0m");
        assert_eq!(optional_duration(None), "–");
    }

    #[test]
    fn times_read_in_utc() {
        assert_eq!(timestamp(0), "1970-01-01 00:00 UTC");
        assert_eq!(timestamp_with_seconds(61_000), "1970-01-01 00:01:01 UTC");
        assert_eq!(timestamp(i64::MAX), "");
        assert_eq!(date(86_400_000 + 61_000), "1970-01-02");
    }
}
