//! The channel a customer reached us through: the portal's own pages and request form, the
//! JSON API, or the help widget. Recorded on every request draft, event and ticket so the
//! dashboard can split deflection by channel.

use serde::Serialize;

use super::DashboardFilter;
use crate::storage::channel_counts::ChannelCounts;
use crate::storage::{Database, StorageError};

/// Where a request (and everything recorded on its way) came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The help centre's pages: search, articles and the request form.
    #[default]
    WebForm,
    /// `POST /api/tickets` and the other JSON endpoints used by integrations.
    Api,
    /// The help widget embedded in the customer's own product.
    Widget,
}

impl Channel {
    /// Every channel, in the order the dashboard lists them.
    pub const ALL: [Channel; 3] = [Channel::WebForm, Channel::Api, Channel::Widget];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::WebForm => "web_form",
            Channel::Api => "api",
            Channel::Widget => "widget",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(value: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One channel's figures over a period: the dashboard's split by channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelFigures {
    pub channel: Channel,
    pub requests_started: i64,
    /// "Yes, this solved my problem".
    pub deflected: i64,
    /// Left after opening a suggestion (implicit deflections, counted apart).
    pub abandoned: i64,
    pub tickets_filed: i64,
    /// Deflected ÷ (deflected + tickets filed); `None` without either.
    pub deflection_rate: Option<f64>,
}

impl ChannelFigures {
    pub fn new(channel: Channel, counts: ChannelCounts) -> ChannelFigures {
        let decided = counts.deflected + counts.tickets_filed;
        ChannelFigures {
            channel,
            requests_started: counts.requests_started,
            deflected: counts.deflected,
            abandoned: counts.abandoned,
            tickets_filed: counts.tickets_filed,
            deflection_rate: (decided > 0).then(|| counts.deflected as f64 / decided as f64),
        }
    }

    /// How the dashboard names the channel.
    pub fn label(&self) -> &'static str {
        match self.channel {
            Channel::WebForm => "Portal form",
            Channel::Widget => "Widget",
            Channel::Api => "API",
        }
    }
}

/// The figures of every channel over the filter's period.
pub async fn channel_figures(
    db: &Database,
    filter: &DashboardFilter,
) -> Result<Vec<ChannelFigures>, StorageError> {
    let scope = crate::storage::dashboard::DashboardScope {
        since: filter.since,
        until: filter.until,
        lang: filter.lang.as_deref(),
    };
    Ok(db
        .counts_per_channel(scope)
        .await?
        .into_iter()
        .map(|(channel, counts)| ChannelFigures::new(channel, counts))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_reads_back_from_its_stored_spelling() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        }
        assert_eq!(Channel::parse("email"), None);
    }

    #[test]
    fn a_channels_rate_is_its_deflections_over_deflections_and_tickets() {
        let counts = ChannelCounts {
            requests_started: 10,
            deflected: 3,
            abandoned: 2,
            tickets_filed: 1,
        };
        let figures = ChannelFigures::new(Channel::Widget, counts);
        assert_eq!(figures.deflection_rate, Some(0.75));
        assert_eq!(figures.label(), "Widget");
        let quiet = ChannelFigures::new(Channel::Api, ChannelCounts::default());
        assert_eq!(quiet.deflection_rate, None);
    }
}
