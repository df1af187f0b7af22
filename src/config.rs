//! The one typed configuration: defaults, then an optional `answerdesk.toml`,
//! then `ANSWERDESK_*` environment variables. Loaded and validated once at start-up.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::tickets::{SlaPolicy, TicketRules};

/// The configuration file read from the working directory when present.
pub const DEFAULT_CONFIG_FILE: &str = "answerdesk.toml";

/// Everything the portal can be told at start-up.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// `postgres://…` selects PostgreSQL; anything else is an SQLite file path.
    /// Empty means `<data_dir>/answerdesk.db`.
    pub database_url: SecretUrl,
    /// Where the SQLite database and the search index live.
    pub data_dir: PathBuf,
    /// The Markdown articles imported on first start, and where images are served from.
    pub content_dir: PathBuf,
    /// Shown in the header and page titles.
    pub site_name: String,
    /// The public URL of the portal, used in links sent to customers.
    /// Empty means `http://<listen>`.
    pub base_url: String,
    /// The language of `/` and of articles without one.
    pub default_language: String,
    /// Tickets one IP address may file per 10 minutes; 0 turns the limit off.
    pub ticket_rate_limit: u32,
    /// Request drafts one IP address may start per 10 minutes; 0 turns the limit off.
    pub draft_rate_limit: u32,
    /// Draft autosaves one IP address may make per 10 minutes; 0 turns the limit off.
    pub autosave_rate_limit: u32,
    /// Days after its last change that a request draft never filed is deleted (what a
    /// customer typed is personal data).
    pub draft_retention_days: u32,
    /// Whether articles learn, in the background, how customers describe the problems they
    /// solved (phrasings indexed beside aliases).
    pub learn_from_deflections: bool,
    /// The rules file that decides ticket tags and priority; empty uses the shipped defaults.
    pub rules_file: PathBuf,
    /// Days after which a resolved ticket closes by itself.
    pub auto_close_days: u32,
    /// `smtp://user:password@host:587` (STARTTLS) or `smtps://…` to send email; empty keeps
    /// every email in the outbox table instead.
    pub smtp_url: SecretUrl,
    /// The sender of emails to customers.
    pub email_from: String,
    /// Business hours and response targets per priority.
    pub sla: SlaPolicy,
    /// How long a staff sign-in lasts before the password is asked again.
    pub staff_session_hours: u32,
    /// Reverse proxies and load balancers (addresses or CIDR ranges) whose
    /// `X-Forwarded-For` header names the real client, for per-address rate limits.
    /// Empty: the connecting address is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Sites allowed to embed the help widget's panel (`https://app.example.com`): its
    /// `frame-ancestors` lists exactly these. Empty: no site can show the panel.
    pub widget_origins: Vec<crate::widget::WidgetOrigin>,
    /// Days of raw self-service events to keep before today; older events are dropped once a
    /// day (the dashboard's daily roll-ups keep every figure of those days). 0 keeps them forever.
    pub event_retention_days: u32,
    /// How long clients and the database may keep the portal waiting, and how many clients
    /// it serves at once (`[serving]` in the file, `ANSWERDESK_SERVING__…` in the environment).
    #[serde(default)]
    pub serving: ServingLimits,
    /// How many and how large the files of one message may be, and how many files one
    /// address may upload (`[attachments]` in the file).
    #[serde(default)]
    pub attachments: AttachmentSettings,
    /// How learning from deflections weighs and guards what customers did (`[learning]` in
    /// the file); `learn_from_deflections` turns it off altogether.
    #[serde(default)]
    pub learning: LearningConfig,
}

/// The guards of learning from deflections (see `deflection::learning`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LearningConfig {
    /// Distinct visitors with positive evidence before a phrasing counts.
    pub min_visitors: usize,
    /// Days after which a vote counts half.
    pub half_life_days: f64,
    /// Phrasings one visitor may vote on per day.
    pub max_phrasings_per_visitor_per_day: usize,
    /// Answers one IP address may give towards learning per day; 0 turns the cap off.
    pub votes_per_address_per_day: u32,
    /// Days before one IP address's answer on the same article counts again; 0 turns the
    /// cap off.
    pub days_between_votes_on_an_article: u32,
}

impl Default for LearningConfig {
    fn default() -> Self {
        let settings = crate::deflection::learning::LearningSettings::default();
        use crate::deflection::learning_limits::LearningLimits;
        LearningConfig {
            min_visitors: settings.min_visitors,
            half_life_days: settings.half_life_days,
            max_phrasings_per_visitor_per_day: settings.max_phrasings_per_visitor_per_day,
            votes_per_address_per_day: LearningLimits::DEFAULT_VOTES_PER_ADDRESS_PER_DAY,
            days_between_votes_on_an_article:
                LearningLimits::DEFAULT_DAYS_BETWEEN_VOTES_ON_AN_ARTICLE,
        }
    }
}

impl LearningConfig {
    /// The learning rule's settings.
    pub fn settings(&self) -> crate::deflection::learning::LearningSettings {
        crate::deflection::learning::LearningSettings {
            min_visitors: self.min_visitors,
            half_life_days: self.half_life_days,
            max_phrasings_per_visitor_per_day: self.max_phrasings_per_visitor_per_day,
            ..Default::default()
        }
    }
}

/// Limits on attached files.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AttachmentSettings {
    /// Files one message (a request, a reply, a note) may carry.
    pub max_files: usize,
    /// One file's size at most, in bytes.
    pub max_file_bytes: u64,
    /// All files of one message together at most, in bytes.
    pub max_message_bytes: u64,
    /// Files one IP address may upload per hour; 0 turns the limit off.
    pub uploads_per_hour: u32,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        let limits = crate::attachments::AttachmentLimits::default();
        Self {
            max_files: limits.max_files,
            max_file_bytes: limits.max_file_bytes,
            max_message_bytes: limits.max_message_bytes,
            uploads_per_hour: 100,
        }
    }
}

impl AttachmentSettings {
    /// The limits of one message.
    pub fn limits(&self) -> crate::attachments::AttachmentLimits {
        crate::attachments::AttachmentLimits {
            max_files: self.max_files,
            max_file_bytes: self.max_file_bytes,
            max_message_bytes: self.max_message_bytes,
        }
    }
}

/// Limits that keep one slow client, or a database outage, from holding the portal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ServingLimits {
    /// A connection that has not sent a whole request head by then is closed.
    pub header_read_timeout_ms: u64,
    /// A request body that sends nothing for this long is cut off (`400`).
    pub body_read_timeout_ms: u64,
    /// A connection (HTTP/1 keep-alive or HTTP/2) with no request in progress for this long
    /// is closed.
    pub idle_connection_timeout_ms: u64,
    /// Connections served at once; more wait in the listen queue until one closes. 0 sizes
    /// it from the open-file limit (at most 4096).
    pub max_connections: usize,
    /// How long a request waits for a database connection before it is answered `503`.
    pub database_acquire_timeout_ms: u64,
}

impl Default for ServingLimits {
    fn default() -> Self {
        Self {
            header_read_timeout_ms: 10_000,
            body_read_timeout_ms: 30_000,
            idle_connection_timeout_ms: 60_000,
            max_connections: 0,
            database_acquire_timeout_ms: 1_500,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: SecretUrl(String::new()),
            data_dir: PathBuf::from("data"),
            content_dir: PathBuf::from("content"),
            site_name: "Ledgerline Help Centre".to_owned(),
            base_url: String::new(),
            default_language: "en".to_owned(),
            ticket_rate_limit: 10,
            draft_rate_limit: 30,
            autosave_rate_limit: 600,
            draft_retention_days: 30,
            learn_from_deflections: true,
            rules_file: PathBuf::new(),
            auto_close_days: 4,
            smtp_url: SecretUrl(String::new()),
            email_from: "Support <support@localhost>".to_owned(),
            sla: SlaPolicy::default(),
            staff_session_hours: 12,
            trusted_proxies: Vec::new(),
            widget_origins: Vec::new(),
            event_retention_days: 0,
            serving: ServingLimits::default(),
            attachments: AttachmentSettings::default(),
            learning: LearningConfig::default(),
        }
    }
}

/// Why the configuration could not be loaded; the message names the offending key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl From<figment::Error> for ConfigError {
    fn from(error: figment::Error) -> Self {
        // figment's own message names the key and the source (file or environment variable).
        let messages: Vec<String> = error.into_iter().map(|e| e.to_string()).collect();
        ConfigError::Invalid(messages.join("; "))
    }
}

impl Config {
    /// Loads defaults, then `file` (if it exists), then `ANSWERDESK_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let explicit = file.is_some();
        let file = file.unwrap_or(Path::new(DEFAULT_CONFIG_FILE));
        if explicit && !file.exists() {
            return Err(ConfigError::Invalid(format!(
                "configuration file {} does not exist",
                file.display()
            )));
        }
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(
                Env::prefixed("ANSWERDESK_")
                    .ignore(&["test_database_url", "log"])
                    .split("__"),
            )
            .extract()?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.site_name.trim().is_empty() {
            return Err(ConfigError::Invalid("site_name must not be empty".into()));
        }
        let base_url_ok = self.base_url.is_empty()
            || self.base_url.starts_with("http://")
            || self.base_url.starts_with("https://");
        if !base_url_ok {
            return Err(ConfigError::Invalid(format!(
                "base_url must start with http:// or https://, got {:?}",
                self.base_url
            )));
        }
        let language = &self.default_language;
        if language.len() < 2 || !language.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(ConfigError::Invalid(format!(
                "default_language must be a lowercase language code such as \"en\", got {language:?}"
            )));
        }
        if self.draft_retention_days == 0 {
            return Err(ConfigError::Invalid(
                "draft_retention_days must be at least 1".into(),
            ));
        }
        if self.auto_close_days == 0 {
            return Err(ConfigError::Invalid(
                "auto_close_days must be at least 1".into(),
            ));
        }
        if self.email_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid(format!(
                "email_from must be an address such as \"Support <support@example.com>\", got {:?}",
                self.email_from
            )));
        }
        if !(1..=24 * 90).contains(&self.staff_session_hours) {
            return Err(ConfigError::Invalid(
                "staff_session_hours must be from 1 to 2160".into(),
            ));
        }
        let serving = &self.serving;
        for (name, value) in [
            ("header_read_timeout_ms", serving.header_read_timeout_ms),
            ("body_read_timeout_ms", serving.body_read_timeout_ms),
            (
                "idle_connection_timeout_ms",
                serving.idle_connection_timeout_ms,
            ),
            (
                "database_acquire_timeout_ms",
                serving.database_acquire_timeout_ms,
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::Invalid(format!(
                    "serving.{name} must be at least 1"
                )));
            }
        }
        let files = &self.attachments;
        if files.max_file_bytes == 0 || files.max_message_bytes < files.max_file_bytes {
            return Err(ConfigError::Invalid(
                "attachments.max_file_bytes must be at least 1 and at most attachments.max_message_bytes".into(),
            ));
        }
        if files.max_files > 20 || files.max_message_bytes > 1024 * 1024 * 1024 {
            return Err(ConfigError::Invalid(
                "attachments.max_files must be at most 20 and attachments.max_message_bytes at most 1 GiB".into(),
            ));
        }
        let learning = &self.learning;
        if learning.min_visitors == 0
            || !(learning.half_life_days.is_finite() && learning.half_life_days >= 1.0)
            || learning.max_phrasings_per_visitor_per_day == 0
        {
            return Err(ConfigError::Invalid(
                "learning.min_visitors and learning.max_phrasings_per_visitor_per_day must be at least 1, learning.half_life_days at least 1.0".into(),
            ));
        }
        self.sla
            .validate()
            .map_err(|error| ConfigError::Invalid(format!("sla: {error}")))?;
        Ok(())
    }

    /// The ticket rules: the configured file, or the shipped defaults. A bad file is an error
    /// naming the file and line.
    pub fn load_ticket_rules(&self) -> Result<TicketRules, ConfigError> {
        if self.rules_file.as_os_str().is_empty() {
            Ok(TicketRules::default_rules())
        } else {
            TicketRules::load(&self.rules_file)
                .map_err(|error| ConfigError::Invalid(format!("rules_file: {error}")))
        }
    }

    /// The database to connect to, with the SQLite default resolved under the data directory.
    pub fn resolved_database_url(&self) -> String {
        if self.database_url.0.trim().is_empty() {
            self.data_dir.join("answerdesk.db").display().to_string()
        } else {
            self.database_url.0.clone()
        }
    }

    /// Where attached files are kept (named by their hash).
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    /// Where the tantivy index is kept.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    /// The public base URL without a trailing slash.
    pub fn public_base_url(&self, bound: SocketAddr) -> String {
        if self.base_url.is_empty() {
            format!("http://{bound}")
        } else {
            self.base_url.trim_end_matches('/').to_owned()
        }
    }

    /// Whether cookies must carry the `Secure` attribute.
    pub fn uses_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// A URL with credentials (database, SMTP) that never prints its password.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretUrl(pub String);

impl SecretUrl {
    /// The URL with any password replaced, safe for logs.
    pub fn redacted(url: &str) -> String {
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let credentials = &url[scheme_end + 3..at];
                match credentials.split_once(':') {
                    Some((user, _password)) => {
                        format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
                    }
                    None => url.to_owned(),
                }
            }
            _ => url.to_owned(),
        }
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", SecretUrl::redacted(&self.0))
    }
}

#[cfg(test)]
// figment's test jail returns its large error type by design.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_debug_output() {
        let config = Config {
            database_url: SecretUrl("postgres://app:s3cret@db.internal/answerdesk".into()),
            ..Config::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("postgres://app:***@db.internal/answerdesk"));
    }

    #[test]
    fn urls_without_credentials_print_unchanged() {
        assert_eq!(
            SecretUrl::redacted("data/answerdesk.db"),
            "data/answerdesk.db"
        );
        assert_eq!(
            SecretUrl::redacted("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
    }

    #[test]
    fn learning_guards_are_read_from_the_file_and_an_impossible_one_is_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "answerdesk.toml",
                "[learning]\nmin_visitors = 5\ndays_between_votes_on_an_article = 0\n",
            )?;
            let config = Config::load(None).expect("valid");
            assert_eq!(config.learning.settings().min_visitors, 5);
            assert_eq!(config.learning.days_between_votes_on_an_article, 0);
            assert_eq!(config.learning.votes_per_address_per_day, 20);
            jail.create_file("answerdesk.toml", "[learning]\nmin_visitors = 0\n")?;
            let error = Config::load(None).expect_err("no visitor cannot teach");
            assert!(
                error.to_string().contains("learning.min_visitors"),
                "{error}"
            );
            Ok(())
        });
    }

    #[test]
    fn an_invalid_listen_address_in_the_file_names_the_key() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("answerdesk.toml", "listen = \"not an address\"")?;
            let error = Config::load(None).expect_err("must fail");
            assert!(error.to_string().contains("listen"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn trusted_proxies_are_read_from_the_file_or_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("answerdesk.toml", "trusted_proxies = [\"10.0.0.0/8\"]")?;
            let config = Config::load(None).expect("valid");
            assert_eq!(config.trusted_proxies.len(), 1);
            jail.set_env(
                "ANSWERDESK_TRUSTED_PROXIES",
                "[\"192.168.1.10/32\", \"fd00::/8\"]",
            );
            let config = Config::load(None).expect("valid");
            assert_eq!(config.trusted_proxies.len(), 2);
            jail.set_env("ANSWERDESK_TRUSTED_PROXIES", "[\"not an address\"]");
            let error = Config::load(None).expect_err("invalid").to_string();
            assert!(error.to_lowercase().contains("trusted_proxies"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn widget_origins_are_read_from_the_file_or_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "answerdesk.toml",
                "widget_origins = [\"https://App.example.com/\"]",
            )?;
            let config = Config::load(None).expect("valid");
            assert_eq!(config.widget_origins.len(), 1);
            assert_eq!(config.widget_origins[0].as_str(), "https://app.example.com");
            jail.set_env(
                "ANSWERDESK_WIDGET_ORIGINS",
                "[\"https://app.example.com\", \"http://localhost:3000\"]",
            );
            let config = Config::load(None).expect("valid");
            assert_eq!(config.widget_origins.len(), 2);
            jail.set_env("ANSWERDESK_WIDGET_ORIGINS", "[\"app.example.com/path\"]");
            let error = Config::load(None).expect_err("invalid").to_string();
            assert!(error.to_lowercase().contains("widget_origins"), "{error}");
            assert!(error.contains("scheme://host"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("answerdesk.toml", "site_name = \"From file\"")?;
            jail.set_env("ANSWERDESK_SITE_NAME", "From env");
            jail.set_env("ANSWERDESK_LISTEN", "127.0.0.1:0");
            let config = Config::load(None).expect("valid");
            assert_eq!(config.site_name, "From env");
            assert_eq!(config.listen.port(), 0);
            Ok(())
        });
    }

    #[test]
    fn serving_limits_are_read_from_the_file_or_the_environment_and_zero_timeouts_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "answerdesk.toml",
                "[serving]\nheader_read_timeout_ms = 5000\nmax_connections = 100\n",
            )?;
            let config = Config::load(None).expect("valid");
            assert_eq!(config.serving.header_read_timeout_ms, 5000);
            assert_eq!(config.serving.max_connections, 100);
            assert_eq!(config.serving.body_read_timeout_ms, 30_000, "default kept");
            jail.set_env("ANSWERDESK_SERVING__MAX_CONNECTIONS", "7");
            assert_eq!(
                Config::load(None).expect("valid").serving.max_connections,
                7
            );
            jail.set_env("ANSWERDESK_SERVING__DATABASE_ACQUIRE_TIMEOUT_MS", "0");
            let error = Config::load(None).expect_err("invalid").to_string();
            assert!(error.contains("database_acquire_timeout_ms"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_rejected_by_name() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("answerdesk.toml", "sitename = \"typo\"")?;
            let error = Config::load(None).expect_err("must fail");
            assert!(error.to_string().contains("sitename"), "{error}");
            Ok(())
        });
    }
}
