//! Messages per form field: what every domain that validates what people type (a support
//! request, an article, a staff account) hands back, so all problems are shown at once.

use std::collections::BTreeMap;

use serde::Serialize;

/// A message per invalid field, keyed by the public field name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub BTreeMap<&'static str, String>);

impl FieldErrors {
    /// Whether every field was valid.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Notes a problem with `field`; the first message for a field wins.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }
}
