//! Learning how customers describe the problems an article solves: where a phrasing is
//! decided to count, and how much.
//!
//! Every day the help centre records which article answered which text: a search or a
//! request's subject, an article opened from it, then "Yes, this solved my problem" (or a
//! ticket filed anyway). [`learn`] turns those observations into phrasings per article,
//! which search indexes beside the article's aliases, so the next customer who types
//! something close finds that article first.
//!
//! The rule, and why:
//! - **Evidence and weights** ([`Outcome::weight`]): an explicit "this solved my problem" is
//!   the only full vote (1.0). "Yes" on "Did this answer your question?" after a search is
//!   nearly as good (0.8). Opening an article from a search and not filing a ticket within the
//!   implicit-deflection window is weak (0.2): many of those customers simply gave up. "No"
//!   on the article counts against that text for that article (−0.8), and a ticket filed
//!   after opening it counts against it too (−0.4), less, because some problems need an
//!   agent however good the article is.
//! - **Many people, not one**: a phrasing counts only once [`LearningSettings::min_visitors`]
//!   distinct visitors gave positive evidence for it; each visitor has one vote per phrasing
//!   and article (their latest), and votes on at most
//!   [`LearningSettings::max_phrasings_per_visitor_per_day`] phrasings a day, so neither one
//!   person repeating a text nor a script replaying many texts can teach anything alone.
//! - **Fading**: a vote's weight halves every [`LearningSettings::half_life_days`], and a
//!   phrasing needs a net score of at least one fresh vote to stay, so what customers stopped
//!   saying fades out.
//! - **No personal data**: a text with an email address, a web address, or a number long
//!   enough to be a card, phone or account number is never learned; words of the customer's
//!   own name are dropped from it ([`phrasing`]).
//! - Phrasings are matched by their content words (stop words dropped, words stemmed, order
//!   ignored), so "export invoices to Excel" and "invoices export excel" are one phrasing. A
//!   long text is learned as its first sixteen distinct content words: several visitors must
//!   still agree on all of them, which long texts rarely do unless they describe one problem
//!   in one way.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use crate::search::analyzers::{Lang, fold_lower, for_each_word, term_for_word};
use crate::search::stop_words::is_stop_word;

const DAY_MILLIS: i64 = 86_400_000;

/// How learning weighs and guards what customers did.
#[derive(Clone, Debug, PartialEq)]
pub struct LearningSettings {
    /// Distinct visitors with positive evidence before a phrasing counts.
    pub min_visitors: usize,
    /// Days after which a vote counts half.
    pub half_life_days: f64,
    /// Phrasings one visitor may vote on per day; votes beyond it are ignored.
    pub max_phrasings_per_visitor_per_day: usize,
    /// Phrasings kept per article and language, the strongest first.
    pub max_phrasings_per_article: usize,
}

impl Default for LearningSettings {
    fn default() -> Self {
        LearningSettings {
            min_visitors: 3,
            half_life_days: 90.0,
            max_phrasings_per_visitor_per_day: 10,
            max_phrasings_per_article: 30,
        }
    }
}

/// What followed a customer's text for one article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// "Yes, this solved my problem" on the request form: an explicit deflection.
    Solved,
    /// "Yes" on "Did this answer your question?" after reaching the article from the text.
    Helpful,
    /// Opened from the text, and no ticket followed within the implicit-deflection window.
    OpenedWithoutTicket,
    /// "No" on "Did this answer your question?" after reaching the article from the text.
    NotHelpful,
    /// Opened from the text, and a ticket was filed anyway.
    FiledAfterOpening,
}

impl Outcome {
    /// How much one visitor's outcome counts for (positive) or against (negative) the
    /// article for that text. See the module documentation for why.
    pub fn weight(self) -> f64 {
        match self {
            Outcome::Solved => 1.0,
            Outcome::Helpful => 0.8,
            Outcome::OpenedWithoutTicket => 0.2,
            Outcome::NotHelpful => -0.8,
            Outcome::FiledAfterOpening => -0.4,
        }
    }
}

/// One thing a visitor typed and what followed for one article.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation<A> {
    /// The article (its database id in the product, the corpus id in an evaluation).
    pub article: A,
    /// The language the text was typed in.
    pub lang: String,
    /// What the customer typed: a search, or a request's subject.
    pub text: String,
    /// Who typed it: a stable, anonymous key per browser.
    pub visitor: String,
    /// Words never to learn: the customer's own name, when known.
    pub names: Vec<String>,
    pub outcome: Outcome,
    pub at_millis: i64,
}

/// A customer text reduced to what search matches on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrasing {
    /// Content words, stemmed, sorted and distinct: what makes two texts one phrasing.
    pub key: String,
    /// The text as shown to editors and indexed: whitespace collapsed, names removed.
    pub text: String,
}

/// A phrasing learned for an article.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnedPhrasing<A> {
    pub article: A,
    pub lang: String,
    pub key: String,
    /// The wording most visitors used.
    pub text: String,
    /// Distinct visitors whose evidence was positive.
    pub visitors: usize,
    /// Net weight of every visitor's vote after fading.
    pub score: f64,
}

/// A text up to this long is learned as it was typed; a longer one (a request that explains
/// rather than names the problem) is learned as its first [`MAX_PHRASING_WORDS`] distinct
/// content words, which is what search matches on anyway.
const MAX_PHRASING_WORDS: usize = 16;
const MAX_PHRASING_CHARS: usize = 160;
/// Longer texts are not read at all: a pasted log or letter names no problem.
const MAX_TEXT_CHARS: usize = 1_000;
/// Digits in one number from which it may identify a person (phone, card, account).
const IDENTIFYING_DIGITS: usize = 6;

/// Reduces a customer's text to a phrasing, or `None` when it has nothing to learn from or
/// may carry personal data (an email or web address, a long number). Words of `names` (the
/// customer's own name) are dropped. A long text keeps its first distinct content words.
pub fn phrasing(lang: &str, text: &str, names: &[String]) -> Option<Phrasing> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS || carries_personal_data(text) {
        return None;
    }
    let bucket = Lang::from_code(lang);
    let name_words: HashSet<String> = names
        .iter()
        .flat_map(|name| {
            let mut words = Vec::new();
            for_each_word(name, |from, to| words.push(fold_lower(&name[from..to])));
            words
        })
        .filter(|word| word.chars().count() > 1)
        .collect();
    // Every word kept (for a short text) and the distinct content words with their terms.
    let mut kept = Vec::new();
    let mut content: Vec<(&str, String)> = Vec::new();
    let mut words = 0;
    let mut failed = false;
    for_each_word(text, |from, to| {
        words += 1;
        let word = &text[from..to];
        let folded = fold_lower(word);
        if name_words.contains(&folded) {
            return;
        }
        if folded.chars().any(|c| c.is_ascii_digit()) && folded.chars().count() > 4 {
            // Codes and references ("INV-20931", "a1b2c3") say who, not what.
            failed = true;
            return;
        }
        kept.push(word);
        if !is_stop_word(Some(bucket), &folded) {
            let term = term_for_word(bucket, word);
            if !term.is_empty() && !content.iter().any(|(_, t)| *t == term) {
                content.push((word, term));
            }
        }
    });
    if failed || content.is_empty() {
        return None;
    }
    let shown = if words <= MAX_PHRASING_WORDS && text.chars().count() <= MAX_PHRASING_CHARS {
        kept.join(" ")
    } else {
        content.truncate(MAX_PHRASING_WORDS);
        content
            .iter()
            .map(|(word, _)| *word)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut terms: Vec<String> = content.into_iter().map(|(_, term)| term).collect();
    terms.sort();
    Some(Phrasing {
        key: terms.join(" "),
        text: shown,
    })
}

/// Whether a text may identify a person: an email or web address, or a number with enough
/// digits to be a phone, card or account number (spaces, dashes, dots and brackets between
/// digits do not hide one).
fn carries_personal_data(text: &str) -> bool {
    if text.contains('@') || text.contains("://") || text.to_lowercase().contains("www.") {
        return true;
    }
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= IDENTIFYING_DIGITS {
                return true;
            }
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+' | '/') {
            digits = 0;
        }
    }
    false
}

/// Below this share of words kept, an edit made the article say something else: what
/// customers said solved the old text no longer speaks for the new one.
const SAME_ARTICLE_RATIO: f32 = 0.5;

/// Whether an edit from `old` to `new` body text changed the article so much that its
/// learned phrasings and the votes behind them should be dropped.
pub fn text_changed_a_lot(old: &str, new: &str) -> bool {
    if old == new {
        return false;
    }
    similar::TextDiff::from_words(old, new).ratio() < SAME_ARTICLE_RATIO
}

/// What a vote of `weight` made `age_millis` ago counts today.
fn faded(weight: f64, age_millis: i64, half_life_days: f64) -> f64 {
    let age_days = age_millis.max(0) as f64 / DAY_MILLIS as f64;
    weight * 0.5f64.powf(age_days / half_life_days.max(f64::MIN_POSITIVE))
}

/// Learns phrasings per article and language from `observations`, by the rule in the module
/// documentation. `blocked(article, key)` names phrasings an editor blocked: they never come
/// back, whatever the evidence.
pub fn learn<A>(
    observations: &[Observation<A>],
    blocked: impl Fn(&A, &str) -> bool,
    settings: &LearningSettings,
    now_millis: i64,
) -> Vec<LearnedPhrasing<A>>
where
    A: Clone + Eq + Hash + Ord,
{
    // Oldest first, so a visitor's daily allowance goes to their first phrasings and their
    // latest outcome is the one that counts.
    let mut ordered: Vec<&Observation<A>> = observations.iter().collect();
    ordered.sort_by_key(|observation| observation.at_millis);

    type Group<A> = (A, String, String);
    let mut allowance: HashMap<(&str, i64), HashSet<Group<A>>> = HashMap::new();
    let mut votes: HashMap<Group<A>, HashMap<&str, (f64, String)>> = HashMap::new();
    for observation in ordered {
        let Some(found) = phrasing(&observation.lang, &observation.text, &observation.names) else {
            continue;
        };
        let lang = crate::search::analyzers::primary_subtag(&observation.lang);
        let group = (observation.article.clone(), lang, found.key);
        let day = observation.at_millis.div_euclid(DAY_MILLIS);
        let today = allowance
            .entry((observation.visitor.as_str(), day))
            .or_default();
        if !today.contains(&group) {
            if today.len() >= settings.max_phrasings_per_visitor_per_day {
                continue;
            }
            today.insert(group.clone());
        }
        let weight = faded(
            observation.outcome.weight(),
            now_millis - observation.at_millis,
            settings.half_life_days,
        );
        votes
            .entry(group)
            .or_default()
            .insert(observation.visitor.as_str(), (weight, found.text));
    }

    let mut per_article: BTreeMap<(A, String), Vec<LearnedPhrasing<A>>> = BTreeMap::new();
    for ((article, lang, key), by_visitor) in votes {
        if blocked(&article, &key) {
            continue;
        }
        let visitors = by_visitor
            .values()
            .filter(|(weight, _)| *weight > 0.0)
            .count();
        let score: f64 = by_visitor.values().map(|(weight, _)| weight).sum();
        if visitors < settings.min_visitors.max(1) || score < 1.0 {
            continue;
        }
        let text = most_used_wording(by_visitor.values().filter(|(w, _)| *w > 0.0));
        per_article
            .entry((article.clone(), lang.clone()))
            .or_default()
            .push(LearnedPhrasing {
                article,
                lang,
                key,
                text,
                visitors,
                score,
            });
    }
    let mut learned = Vec::new();
    for (_, mut phrasings) in per_article {
        phrasings.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(&b.key)));
        phrasings.truncate(settings.max_phrasings_per_article);
        learned.extend(phrasings);
    }
    learned
}

/// The wording most visitors used for one phrasing (the shortest on a tie, then the first
/// alphabetically, so the choice is stable).
fn most_used_wording<'a>(votes: impl Iterator<Item = &'a (f64, String)>) -> String {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (_, text) in votes {
        *counts.entry(text.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|(a, ca), (b, cb)| {
            ca.cmp(cb)
                .then_with(|| b.len().cmp(&a.len()))
                .then_with(|| b.cmp(a))
        })
        .map(|(text, _)| text.to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn solved(article: &str, text: &str, visitor: &str) -> Observation<String> {
        Observation {
            article: article.to_owned(),
            lang: "en".into(),
            text: text.into(),
            visitor: visitor.into(),
            names: Vec::new(),
            outcome: Outcome::Solved,
            at_millis: NOW,
        }
    }

    fn learn_all(observations: &[Observation<String>]) -> Vec<LearnedPhrasing<String>> {
        learn(
            observations,
            |_, _| false,
            &LearningSettings::default(),
            NOW,
        )
    }

    #[test]
    fn a_phrasing_is_learned_once_three_different_visitors_were_helped_by_it() {
        let two: Vec<_> = ["a", "b"]
            .iter()
            .map(|v| solved("strikethrough", "cross out text", v))
            .collect();
        assert!(learn_all(&two).is_empty());
        let mut three = two;
        three.push(solved("strikethrough", "Cross out the text", "c"));
        let learned = learn_all(&three);
        assert_eq!(learned.len(), 1, "{learned:?}");
        assert_eq!(learned[0].article, "strikethrough");
        assert_eq!(learned[0].visitors, 3);
        assert_eq!(learned[0].text, "cross out text");
    }

    #[test]
    fn one_visitor_repeating_a_phrasing_a_hundred_times_teaches_nothing() {
        let repeated: Vec<_> = (0..100)
            .map(|_| solved("strikethrough", "cross out text", "the-same-visitor"))
            .collect();
        assert!(learn_all(&repeated).is_empty());
    }

    #[test]
    fn a_blocked_phrasing_never_comes_back() {
        let observations: Vec<_> = (0..20)
            .map(|v| solved("strikethrough", "cross out text", &format!("v{v}")))
            .collect();
        let key = phrasing("en", "cross out text", &[]).expect("phrasing").key;
        let learned = learn(
            &observations,
            |article, k| article == "strikethrough" && k == key,
            &LearningSettings::default(),
            NOW,
        );
        assert!(learned.is_empty(), "{learned:?}");
    }

    #[test]
    fn a_script_replaying_many_texts_from_one_visitor_is_capped_per_day() {
        let settings = LearningSettings::default();
        let mut observations = Vec::new();
        for visitor in ["a", "b", "c"] {
            for n in 0..50 {
                observations.push(solved("billing", &format!("problem {}", word(n)), visitor));
            }
        }
        let learned = learn(&observations, |_, _| false, &settings, NOW);
        assert_eq!(
            learned.len(),
            settings.max_phrasings_per_visitor_per_day,
            "only each visitor's first phrasings of the day count"
        );
    }

    fn word(n: usize) -> String {
        let letters = ['k', 'm', 'p', 'r', 's', 't'];
        (0..3).map(|i| letters[(n / 6usize.pow(i)) % 6]).collect()
    }

    #[test]
    fn old_votes_fade_until_the_phrasing_is_forgotten() {
        let settings = LearningSettings::default();
        let year_ago = NOW - 365 * DAY_MILLIS;
        let observations: Vec<_> = ["a", "b", "c", "d"]
            .iter()
            .map(|v| Observation {
                at_millis: year_ago,
                ..solved("strikethrough", "cross out text", v)
            })
            .collect();
        assert!(learn(&observations, |_, _| false, &settings, NOW).is_empty());
        assert_eq!(
            learn(&observations, |_, _| false, &settings, year_ago).len(),
            1
        );
    }

    #[test]
    fn customers_it_did_not_help_outweigh_those_it_did() {
        let mut observations: Vec<_> = ["a", "b", "c"]
            .iter()
            .map(|v| solved("refunds", "money back", v))
            .collect();
        assert_eq!(learn_all(&observations).len(), 1);
        for v in ["d", "e", "f"] {
            observations.push(Observation {
                outcome: Outcome::NotHelpful,
                ..solved("refunds", "money back", v)
            });
        }
        assert!(learn_all(&observations).is_empty());
    }

    #[test]
    fn texts_with_personal_data_are_never_learned() {
        for text in [
            "refund to jane.doe@example.com",
            "card 4111 1111 1111 1111 charged twice",
            "call me on +371 2612 3456",
            "see https://example.com/invoice",
            "invoice INV-20931 is wrong",
        ] {
            assert_eq!(phrasing("en", text, &[]), None, "{text}");
        }
        let found = phrasing(
            "en",
            "Maria Ozola cannot sign in",
            &["Maria Ozola".to_owned()],
        )
        .expect("the rest is a phrasing");
        assert_eq!(found.text, "cannot sign in");
        assert!(!found.key.contains("maria"));
    }

    #[test]
    fn word_order_and_filler_do_not_make_a_new_phrasing() {
        let a = phrasing("en", "export my invoices to Excel", &[]).expect("a");
        let b = phrasing("en", "Excel invoice export", &[]).expect("b");
        assert_eq!(a.key, b.key);
        assert_eq!(phrasing("en", "how do I", &[]), None);
    }

    #[test]
    fn a_russian_or_latvian_phrasing_is_keyed_by_its_stems_whatever_the_word_order() {
        let a = phrasing("ru", "Не могу войти в личный кабинет", &[]).expect("ru a");
        let b = phrasing("ru", "в личный кабинет войти не могу", &[]).expect("ru b");
        assert_eq!(a.key, b.key);
        assert_eq!(a.text, "Не могу войти в личный кабинет");
        let c = phrasing("lv", "Kā nomainīt paroli", &[]).expect("lv c");
        let d = phrasing("lv", "paroles nomainīšana", &[]).expect("lv d");
        assert!(
            c.key
                .split(' ')
                .any(|term| d.key.split(' ').any(|other| other == term)),
            "{:?} and {:?} share the stem of parole",
            c.key,
            d.key
        );
    }

    #[test]
    fn a_long_request_is_learned_as_its_first_content_words_and_a_pasted_letter_not_at_all() {
        let long = "I have been trying for a long time to find out how I can cross out words \
                    in the comments I write on pull requests, because the reviewers want to see \
                    what I changed, and nothing I tried works, neither the tilde nor the html \
                    tag nor the keyboard shortcut";
        let found = phrasing("en", long, &[]).expect("a long request");
        assert_eq!(
            found.text,
            "long time find out cross words comments write pull requests reviewers see \
             changed works tilde html"
        );
        assert_eq!(found.key.split(' ').count(), MAX_PHRASING_WORDS);
        assert_eq!(phrasing("en", &"word ".repeat(400), &[]), None);
    }
}
