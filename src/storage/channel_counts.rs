//! Requests, deflections and tickets per channel (portal form, widget, API) over a period,
//! for the dashboard's split by channel.

use crate::deflection::{Channel, EventKind};

use super::dashboard::DashboardScope;
use super::{Database, StorageError};

/// What one channel brought in a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChannelCounts {
    pub requests_started: i64,
    pub deflected: i64,
    pub abandoned: i64,
    pub tickets_filed: i64,
}

/// The request events counted per channel.
const KINDS: [EventKind; 3] = [
    EventKind::RequestStarted,
    EventKind::Deflected,
    EventKind::RequestAbandoned,
];

impl Database {
    /// Counts per channel, every channel listed (zeros included). Whole days are read from
    /// the daily roll-ups (which outlive raw events), other periods from the raw events.
    /// Events stored before channels were recorded count for the portal's form.
    pub async fn counts_per_channel(
        &self,
        scope: DashboardScope<'_>,
    ) -> Result<Vec<(Channel, ChannelCounts)>, StorageError> {
        let kinds = KINDS
            .iter()
            .map(|kind| format!("'{}'", kind.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let lang = |column: &str| match scope.lang {
            Some(_) => format!(" AND {column} = $3"),
            None => String::new(),
        };
        let (sql, start, end) = match scope.whole_days() {
            Some(days) => (
                format!(
                    "SELECT channel, kind, CAST(COALESCE(SUM(events), 0) AS BIGINT) FROM event_days \
                     WHERE kind IN ({kinds}) AND day >= $1 AND day < $2{} GROUP BY channel, kind",
                    lang("lang")
                ),
                days.first_day,
                days.end_day,
            ),
            None => {
                let join = match scope.lang {
                    Some(_) => " JOIN request_drafts d ON d.id = e.draft_id",
                    None => "",
                };
                (
                    format!(
                        "SELECT COALESCE(e.channel, ''), e.kind, COUNT(*) FROM events e{join} \
                         WHERE e.kind IN ({kinds}) AND e.occurred_at >= $1 AND e.occurred_at < $2{} \
                         GROUP BY COALESCE(e.channel, ''), e.kind",
                        lang("d.lang")
                    ),
                    scope.since,
                    scope.until,
                )
            }
        };
        let mut query = sqlx::query_as::<_, (String, String, i64)>(&sql)
            .bind(start)
            .bind(end);
        if let Some(lang) = scope.lang {
            query = query.bind(lang);
        }
        let events = query.fetch_all(self.pool()).await?;

        let sql = format!(
            "SELECT channel, COUNT(*) FROM tickets WHERE created_at >= $1 AND created_at < $2{} \
             GROUP BY channel",
            lang("lang")
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql)
            .bind(scope.since)
            .bind(scope.until);
        if let Some(lang) = scope.lang {
            query = query.bind(lang);
        }
        let tickets = query.fetch_all(self.pool()).await?;

        let mut counts: Vec<(Channel, ChannelCounts)> = Channel::ALL
            .into_iter()
            .map(|channel| (channel, ChannelCounts::default()))
            .collect();
        let entry = |stored: &str| {
            let channel = Channel::parse(stored).unwrap_or_default();
            Channel::ALL
                .iter()
                .position(|c| *c == channel)
                .unwrap_or_default()
        };
        for (channel, kind, count) in events {
            let index = entry(&channel);
            let slot = &mut counts[index].1;
            match kind.as_str() {
                k if k == EventKind::RequestStarted.as_str() => slot.requests_started += count,
                k if k == EventKind::Deflected.as_str() => slot.deflected += count,
                _ => slot.abandoned += count,
            }
        }
        for (channel, count) in tickets {
            let index = entry(&channel);
            counts[index].1.tickets_filed += count;
        }
        Ok(counts)
    }
}
