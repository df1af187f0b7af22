//! The channel a customer reached us through: the portal's own pages and request form, the
//! JSON API, or the help widget. Recorded on every request draft, event and ticket so the
//! dashboard can split deflection by channel.

use serde::Serialize;

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
}
