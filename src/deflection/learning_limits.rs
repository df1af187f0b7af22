//! Where a customer's answer is decided to teach or not: per-address caps on learning votes.
//!
//! A visitor is a cookie, and a script can start a fresh one for every request, so counting
//! distinct visitors alone would let one machine teach anything. Without keeping client
//! addresses, the portal caps what one address contributes when the answer is given: at most
//! [`LearningLimits::votes_per_address_per_day`] answers a day count for learning, and at
//! most one per article every [`LearningLimits::days_between_votes_on_an_article`] days. An
//! answer past a cap still counts as a deflection on the dashboard; it is only not evidence.
//! One office behind one address therefore speaks for an article about once a week, and a
//! script on one address needs weeks of persistence for each vote its phrasing needs.
//!
//! These caps remember an address for days, longer than any other limit, so their keys are
//! hashed with the installation's secret: a database copy alone cannot tell which addresses
//! answered (an unkeyed hash of an IPv4 address is undone by trying all of them).

use std::net::IpAddr;
use std::time::Duration;

use crate::limits::{Attempt, AttemptLimit, LimitKey, address_group};
use crate::storage::{Database, StorageError};

/// The two caps, shared by every instance on PostgreSQL; `None` when turned off.
pub struct LearningLimits {
    per_address: Option<AttemptLimit>,
    per_address_and_article: Option<AttemptLimit>,
    /// Part of every key (see the module documentation).
    secret: String,
}

impl LearningLimits {
    /// Default: answers one address may give towards learning per day.
    pub const DEFAULT_VOTES_PER_ADDRESS_PER_DAY: u32 = 20;
    /// Default: days before one address's answer on the same article counts again.
    pub const DEFAULT_DAYS_BETWEEN_VOTES_ON_AN_ARTICLE: u32 = 7;

    /// Caps counted in memory on SQLite and in `db` on PostgreSQL, their keys hashed with
    /// the installation's secret; 0 turns a cap off.
    pub async fn for_database(
        votes_per_address_per_day: u32,
        days_between_votes_on_an_article: u32,
        db: &Database,
    ) -> Result<LearningLimits, StorageError> {
        Ok(LearningLimits {
            secret: db.installation_secret("learning_limits").await?,
            per_address: AttemptLimit::for_database(
                "learning_votes_per_address",
                votes_per_address_per_day,
                Duration::from_secs(86_400),
                db,
            ),
            per_address_and_article: (days_between_votes_on_an_article > 0)
                .then(|| {
                    AttemptLimit::for_database(
                        "learning_votes_per_address_and_article",
                        1,
                        Duration::from_secs(86_400 * u64::from(days_between_votes_on_an_article)),
                        db,
                    )
                })
                .flatten(),
        })
    }

    /// Whether an answer on `article` given from `address` may teach; counts it when it may.
    /// An answer whose address is unknown (a channel without one) teaches as before.
    pub async fn may_teach(
        &self,
        address: Option<IpAddr>,
        article: &str,
    ) -> Result<bool, StorageError> {
        let Some(address) = address else {
            return Ok(true);
        };
        let group = address_group(address);
        if let Some(limit) = &self.per_address_and_article {
            let key = LimitKey::new(&["learning article", &self.secret, &group, article]);
            if let Attempt::Refused { .. } = limit.attempt(&key).await? {
                return Ok(false);
            }
        }
        if let Some(limit) = &self.per_address {
            let key = LimitKey::new(&["learning day", &self.secret, &group]);
            if let Attempt::Refused { .. } = limit.attempt(&key).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
