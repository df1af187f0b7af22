//! The content-gap report: searches that found nothing or ended in a ticket, grouped by
//! similar wording, so editors see which article to write next.

use std::collections::HashMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::stats::{
    CONTENT_GAP_QUERY_LIMIT, DashboardFilter, EventCounts, EventSource, SearchCount,
};
use crate::storage::{Database, StorageError};

/// Searches of similar wording, as one missing (or failing) article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContentGap {
    /// The normalised wording shared by the group (sorted content words).
    pub key: String,
    /// Searches in the group that found nothing.
    pub zero_result_searches: i64,
    /// Searches in the group followed by a ticket from the same visitor within an hour
    /// (a search can be both, so the two counts may overlap).
    pub searches_ending_in_ticket: i64,
    /// The wordings customers used, most frequent first (at most five).
    pub wordings: Vec<SearchCount>,
    /// A title for the article to write: the most frequent wording.
    pub suggested_title: String,
}

impl ContentGap {
    /// Zero-result searches plus searches ending in a ticket: how the report is ordered.
    pub fn weight(&self) -> i64 {
        self.zero_result_searches + self.searches_ending_in_ticket
    }
}

/// Wordings shown per group.
const WORDINGS_PER_GROUP: usize = 5;

/// The content gaps of a period, biggest first.
pub async fn content_gaps(
    db: &Database,
    filter: &DashboardFilter,
) -> Result<Vec<ContentGap>, StorageError> {
    content_gaps_from(db, filter, EventSource::Best).await
}

/// [`content_gaps`] with the searches read from `source`.
pub async fn content_gaps_from(
    db: &Database,
    filter: &DashboardFilter,
    source: EventSource,
) -> Result<Vec<ContentGap>, StorageError> {
    let events = EventCounts::new(db, filter, source);
    let (zero, ticket) = tokio::try_join!(
        events.top_searches(true, CONTENT_GAP_QUERY_LIMIT),
        events.searches_ending_in_ticket(CONTENT_GAP_QUERY_LIMIT),
    )?;
    Ok(group_by_wording(&zero, &ticket))
}

/// Groups searches by [`wording_key`]: `zero_result` as (wording, searches), and
/// `ending_in_ticket` as (wording, searches, of which found nothing) so that a search in both
/// lists counts once towards its wording.
pub fn group_by_wording(
    zero_result: &[(String, i64)],
    ending_in_ticket: &[(String, i64, i64)],
) -> Vec<ContentGap> {
    struct Group {
        zero: i64,
        ticket: i64,
        wordings: HashMap<String, i64>,
    }
    let mut groups: HashMap<String, Group> = HashMap::new();
    let rows = zero_result
        .iter()
        .map(|(wording, count)| (wording, *count, 0, *count))
        .chain(
            ending_in_ticket
                .iter()
                .map(|(wording, count, found_nothing)| {
                    (wording, 0, *count, *count - *found_nothing)
                }),
        );
    for (wording, zero, ticket, not_yet_counted) in rows {
        let key = wording_key(wording);
        if key.is_empty() {
            continue;
        }
        let group = groups.entry(key).or_insert_with(|| Group {
            zero: 0,
            ticket: 0,
            wordings: HashMap::new(),
        });
        group.zero += zero;
        group.ticket += ticket;
        let shown = wording.split_whitespace().collect::<Vec<_>>().join(" ");
        *group.wordings.entry(shown).or_default() += not_yet_counted;
    }
    let mut gaps: Vec<ContentGap> = groups
        .into_iter()
        .map(|(key, group)| {
            let mut wordings: Vec<SearchCount> = group
                .wordings
                .into_iter()
                .map(|(query, count)| SearchCount { query, count })
                .collect();
            wordings.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.query.cmp(&b.query)));
            wordings.truncate(WORDINGS_PER_GROUP);
            let suggested_title = wordings
                .first()
                .map(|w| capitalise(&w.query))
                .unwrap_or_default();
            ContentGap {
                key,
                zero_result_searches: group.zero,
                searches_ending_in_ticket: group.ticket,
                wordings,
                suggested_title,
            }
        })
        .collect();
    gaps.sort_by(|a, b| b.weight().cmp(&a.weight()).then_with(|| a.key.cmp(&b.key)));
    gaps
}

/// Words that say nothing about the topic (English, where most searches are).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "at", "be", "can", "do", "does", "for", "from", "how", "i", "in",
    "is", "it", "me", "my", "not", "of", "on", "or", "the", "to", "what", "why", "with", "you",
    "your",
];

/// The grouping key of a wording: lowercase, accents folded, punctuation dropped, stop words
/// dropped, a plural `s` stripped, words sorted. "Dark mode", "dark  mode?" and "dark-mode"
/// share the key `dark mode`; "reset passwords" and "password reset" share `password reset`.
pub fn wording_key(wording: &str) -> String {
    let folded: String = wording
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let all_words: Vec<&str> = folded.split_whitespace().collect();
    let content: Vec<&str> = all_words
        .iter()
        .copied()
        .filter(|word| !STOP_WORDS.contains(word))
        .collect();
    // A search of stop words only ("how to") keeps them rather than vanish.
    let words = if content.is_empty() {
        all_words
    } else {
        content
    };
    let mut stems: Vec<String> = words.into_iter().map(stem).collect();
    stems.sort();
    stems.dedup();
    stems.join(" ")
}

/// A light plural stemmer: enough to group "invoices" with "invoice".
fn stem(word: &str) -> String {
    let length = word.chars().count();
    if length > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if length > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_wordings_share_a_key() {
        assert_eq!(wording_key("Dark mode"), "dark mode");
        assert_eq!(wording_key("dark  mode?"), "dark mode");
        assert_eq!(wording_key("dark-mode"), "dark mode");
        assert_eq!(wording_key("How do I enable dark mode"), "dark enable mode");
        assert_eq!(wording_key("Réinitialiser"), "reinitialiser");
        assert_eq!(wording_key("invoices"), wording_key("invoice"));
        assert_eq!(wording_key("how to"), "how to");
        assert_eq!(wording_key("?!"), "");
    }

    #[test]
    fn groups_add_up_and_suggest_the_most_common_wording() {
        let zero = vec![
            ("dark mode".to_owned(), 2),
            ("dark-mode".to_owned(), 1),
            ("api limits".to_owned(), 1),
        ];
        let ticket = vec![
            ("dark  mode?".to_owned(), 4, 0),
            ("dark-mode".to_owned(), 1, 1),
        ];
        let gaps = group_by_wording(&zero, &ticket);
        assert_eq!(gaps.len(), 2);
        assert_eq!(gaps[0].key, "dark mode");
        assert_eq!(gaps[0].zero_result_searches, 3);
        assert_eq!(gaps[0].searches_ending_in_ticket, 5);
        assert_eq!(gaps[0].wordings.len(), 3);
        let dash = gaps[0].wordings.iter().find(|w| w.query == "dark-mode");
        assert_eq!(
            dash.map(|w| w.count),
            Some(1),
            "one search, in both lists, counts once"
        );
        assert_eq!(gaps[0].suggested_title, "Dark mode?");
        assert_eq!(gaps[1].key, "api limit");
    }
}
