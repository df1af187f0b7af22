//! Rules that decide a new ticket's tags and priority from what the customer wrote.
//!
//! Rules come from a TOML file a support lead can read and edit (the shipped
//! defaults are in `default_rules.toml` next to this file):
//!
//! ```toml
//! [tiers]
//! vip_domains = ["bigcustomer.example"]   # these senders get the tag "vip"…
//! vip_minimum_priority = "high"           # …and at least this priority
//!
//! [[rule]]
//! name = "Outage"
//! match_any = ["outage", "is down", "error 500", "не работает"]
//! categories = ["status"]          # optional: also matches tickets filed in these categories
//! email_domains = ["partner.example"]  # optional: also matches senders from these domains
//! priority = "urgent"              # optional: low, medium, high or urgent
//! tags = ["outage"]                # optional
//! ```
//!
//! # Matching policy
//!
//! A rule matches when any of its phrases occurs in the subject or the
//! description, **or** the ticket's category is in `categories`, **or** the
//! sender's email domain (or a subdomain of it) is in `email_domains`.
//!
//! Phrases are matched as whole words, ignoring case and diacritics
//! ("Parole" matches "parolē", "CANNOT ACCESS" matches "cannot access"):
//! - text and phrase are both lowercased, decomposed (NFKD) and stripped of
//!   combining marks, then split into words at every character that is not a
//!   letter or digit (so "can't" is the two words "can" "t", and "500-error"
//!   matches "500 error");
//! - a phrase of several words matches those words in a row;
//! - each word also matches with one common English ending added: `s`, `es`,
//!   `ed`, `ing` ("error" matches "errors", "crash" matches "crashed"), but
//!   never inside a longer word ("bug" does not match "rebug" or "debugging");
//! - a word ending in `*` matches every word that starts with it, for languages
//!   with many word endings ("ошибк*" matches "ошибка", "ошибку", "ошибки");
//!   at least 3 letters must come before the `*`.
//!
//! Languages written without spaces between words (Chinese, Japanese, Thai)
//! are not supported by whole-word matching.
//!
//! # Outcome
//!
//! Every matching rule adds its tags; the highest priority among matching rules
//! wins; with no match the priority is `low`. VIP senders then get at least the
//! VIP minimum priority and the VIP tag.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::model::{ModelError, TicketPriority};

/// The rules shipped with Answerdesk, used when no rules file is configured.
const DEFAULT_RULES_TOML: &str = include_str!("default_rules.toml");
const DEFAULT_RULES_ORIGIN: &str = "default_rules.toml";

/// Endings a phrase word may carry and still match (see the module docs).
const WORD_ENDINGS: [&str; 4] = ["s", "es", "ed", "ing"];
/// Shorter prefixes (`ab*`) would match far too many words.
const MIN_PREFIX_CHARS: usize = 3;
/// Shown in `matched_rules` when the VIP tier applied.
pub const VIP_RULE_NAME: &str = "VIP customer";

/// What the rules look at when a ticket is filed.
#[derive(Debug, Clone, Copy, Default)]
pub struct TicketFacts<'a> {
    /// The ticket's subject line.
    pub subject: &'a str,
    /// The ticket's body text.
    pub description: &'a str,
    /// The category (slug) the customer chose, if any.
    pub category: Option<&'a str>,
    /// The customer's email address.
    pub email: &'a str,
}

/// What the rules decided for a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RulesOutcome {
    /// The highest priority of all matching rules, `low` if none matched.
    pub priority: TicketPriority,
    /// Tags of all matching rules, sorted and without duplicates.
    pub tags: Vec<String>,
    /// Names of the matching rules in file order, so agents can see why.
    pub matched_rules: Vec<String>,
}

/// A rules file that cannot be used. Display reads `file:line: message`
/// (the line is left out when it is unknown).
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file could not be read.
    #[error("{origin}: cannot read rules file: {source}")]
    Read {
        /// The path as given by the caller.
        origin: String,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or breaks a rule of the format.
    #[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file name (or other origin) given by the caller.
        origin: String,
        /// 1-based line of the offending value, when known.
        line: Option<usize>,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl RulesError {
    /// The 1-based line the error points at, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Read { .. } => None,
            Self::Invalid { line, .. } => *line,
        }
    }
}

/// Validated, ready-to-apply ticket rules. Build once at start-up.
#[derive(Debug, Clone)]
pub struct TicketRules {
    rules: Vec<Rule>,
    vip: VipTier,
}

#[derive(Debug, Clone)]
struct Rule {
    name: String,
    phrases: Vec<Vec<WordPattern>>,
    categories: Vec<String>,
    email_domains: Vec<String>,
    priority: Option<TicketPriority>,
    tags: Vec<String>,
}

#[derive(Debug, Clone)]
struct VipTier {
    domains: Vec<String>,
    minimum_priority: TicketPriority,
    tag: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum WordPattern {
    /// The word itself, optionally with one of [`WORD_ENDINGS`].
    Word(String),
    /// Any word starting with this (written `prefix*`).
    Prefix(String),
}

impl WordPattern {
    fn matches(&self, word: &str) -> bool {
        match self {
            Self::Word(w) => word
                .strip_prefix(w.as_str())
                .is_some_and(|rest| rest.is_empty() || WORD_ENDINGS.contains(&rest)),
            Self::Prefix(p) => word.starts_with(p.as_str()),
        }
    }
}

// The file as written; `Spanned` keeps byte offsets so errors can name a line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRulesFile {
    #[serde(default)]
    tiers: RawTiers,
    #[serde(default, rename = "rule")]
    rules: Vec<RawRule>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTiers {
    #[serde(default)]
    vip_domains: Vec<Spanned<String>>,
    vip_minimum_priority: Option<Spanned<String>>,
    vip_tag: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    #[serde(default)]
    match_any: Vec<Spanned<String>>,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    #[serde(default)]
    email_domains: Vec<Spanned<String>>,
    priority: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
}

impl Default for TicketRules {
    fn default() -> Self {
        Self::default_rules()
    }
}

impl TicketRules {
    /// The rules shipped with Answerdesk (`default_rules.toml`).
    pub fn default_rules() -> TicketRules {
        // The embedded file is ours and covered by tests, so failing here is a build defect.
        Self::from_toml(DEFAULT_RULES_TOML, DEFAULT_RULES_ORIGIN)
            .unwrap_or_else(|err| panic!("shipped default rules are invalid: {err}"))
    }

    /// Reads and validates a rules file. Errors name the path and line.
    pub fn load(path: &Path) -> Result<TicketRules, RulesError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
            origin: origin.clone(),
            source,
        })?;
        Self::from_toml(&text, &origin)
    }

    /// Parses and validates rules from TOML text; `origin` (usually the file
    /// name) prefixes every error message.
    pub fn from_toml(text: &str, origin: &str) -> Result<TicketRules, RulesError> {
        let invalid = |span: Option<std::ops::Range<usize>>, message: String| RulesError::Invalid {
            origin: origin.to_owned(),
            line: span.map(|s| line_of(text, s.start)),
            message,
        };
        let raw: RawRulesFile = toml::from_str(text).map_err(|err| {
            // toml's message can span lines; keep the error on one line for logs.
            let message = err.message().trim().replace('\n', "; ");
            invalid(err.span(), message)
        })?;

        let vip = compile_tiers(raw.tiers).map_err(|(span, msg)| invalid(Some(span), msg))?;

        let mut rules: Vec<Rule> = Vec::with_capacity(raw.rules.len());
        let mut seen_names: Vec<(String, usize)> = Vec::new();
        for raw_rule in raw.rules {
            let name_span = raw_rule.name.span();
            let name = raw_rule.name.get_ref().trim().to_owned();
            let key = name.to_lowercase();
            if let Some((_, first_line)) = seen_names.iter().find(|(seen, _)| *seen == key) {
                return Err(invalid(
                    Some(name_span),
                    format!("duplicate rule name \"{name}\" (first used on line {first_line})"),
                ));
            }
            seen_names.push((key, line_of(text, name_span.start)));
            let rule = compile_rule(raw_rule).map_err(|(span, msg)| invalid(Some(span), msg))?;
            rules.push(rule);
        }
        Ok(TicketRules { rules, vip })
    }

    /// The rule names in file order (for an admin page listing the rules).
    pub fn rule_names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.name.as_str())
    }

    /// Decides tags and priority for a ticket.
    pub fn apply(&self, facts: &TicketFacts<'_>) -> RulesOutcome {
        let subject = fold(facts.subject);
        let description = fold(facts.description);
        // Subject and description are matched separately so a phrase never
        // spans the end of one and the start of the other.
        let fields = [words(&subject), words(&description)];
        let category = facts.category.map(|c| c.trim().to_lowercase());
        let domain = email_domain(facts.email);

        let mut priority = TicketPriority::Low;
        let mut tags = BTreeSet::new();
        let mut matched_rules = Vec::new();
        for rule in &self.rules {
            let by_phrase = rule
                .phrases
                .iter()
                .any(|phrase| fields.iter().any(|field| phrase_found(phrase, field)));
            let by_category = category
                .as_deref()
                .is_some_and(|c| rule.categories.iter().any(|listed| listed == c));
            let by_domain = domain
                .as_deref()
                .is_some_and(|d| rule.email_domains.iter().any(|listed| domain_is(d, listed)));
            if by_phrase || by_category || by_domain {
                priority = priority.max(rule.priority.unwrap_or_default());
                tags.extend(rule.tags.iter().cloned());
                matched_rules.push(rule.name.clone());
            }
        }
        let is_vip = domain
            .as_deref()
            .is_some_and(|d| self.vip.domains.iter().any(|listed| domain_is(d, listed)));
        if is_vip {
            priority = priority.max(self.vip.minimum_priority);
            tags.insert(self.vip.tag.clone());
            matched_rules.push(VIP_RULE_NAME.to_owned());
        }
        RulesOutcome {
            priority,
            tags: tags.into_iter().collect(),
            matched_rules,
        }
    }
}

type SpannedError = (std::ops::Range<usize>, String);

fn compile_tiers(raw: RawTiers) -> Result<VipTier, SpannedError> {
    let minimum_priority = match raw.vip_minimum_priority {
        Some(p) => parse_priority(&p)?,
        None => TicketPriority::High,
    };
    let tag = match raw.vip_tag {
        Some(t) => normalise_tag(&t, "tiers")?,
        None => "vip".to_owned(),
    };
    let domains = raw
        .vip_domains
        .iter()
        .map(|d| normalise_domain(d, "tiers.vip_domains"))
        .collect::<Result<_, _>>()?;
    Ok(VipTier {
        domains,
        minimum_priority,
        tag,
    })
}

fn compile_rule(raw: RawRule) -> Result<Rule, SpannedError> {
    let name_span = raw.name.span();
    let name = raw.name.into_inner().trim().to_owned();
    if name.is_empty() {
        return Err((name_span, "rule name is empty".to_owned()));
    }
    let phrases = raw
        .match_any
        .iter()
        .map(|p| compile_phrase(p, &name))
        .collect::<Result<Vec<_>, _>>()?;
    let categories = raw
        .categories
        .iter()
        .map(|c| {
            let slug = c.get_ref().trim().to_lowercase();
            if slug.is_empty() {
                Err((
                    c.span(),
                    format!("rule \"{name}\": empty category in categories"),
                ))
            } else {
                Ok(slug)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let email_domains = raw
        .email_domains
        .iter()
        .map(|d| normalise_domain(d, &format!("rule \"{name}\": email_domains")))
        .collect::<Result<Vec<_>, _>>()?;
    if phrases.is_empty() && categories.is_empty() && email_domains.is_empty() {
        return Err((
            name_span,
            format!(
                "rule \"{name}\" can never match: give it match_any phrases, categories or email_domains"
            ),
        ));
    }
    let priority = raw.priority.as_ref().map(parse_priority).transpose()?;
    let mut tags = raw
        .tags
        .iter()
        .map(|t| normalise_tag(t, &format!("rule \"{name}\"")))
        .collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    tags.dedup();
    if priority.is_none() && tags.is_empty() {
        return Err((
            name_span,
            format!("rule \"{name}\" changes nothing: give it a priority or tags"),
        ));
    }
    Ok(Rule {
        name,
        phrases,
        categories,
        email_domains,
        priority,
        tags,
    })
}

fn parse_priority(raw: &Spanned<String>) -> Result<TicketPriority, SpannedError> {
    let text = raw.get_ref().trim();
    TicketPriority::parse(text).ok_or_else(|| {
        (
            raw.span(),
            ModelError::UnknownPriority(text.to_owned()).to_string(),
        )
    })
}

fn normalise_tag(raw: &Spanned<String>, context: &str) -> Result<String, SpannedError> {
    // Lowercased so "Billing" and "billing" cannot become two tags.
    let tag = raw.get_ref().trim().to_lowercase();
    if tag.is_empty() {
        return Err((raw.span(), format!("{context}: empty tag name")));
    }
    Ok(tag)
}

fn normalise_domain(raw: &Spanned<String>, context: &str) -> Result<String, SpannedError> {
    let text = raw.get_ref().trim();
    let domain = text
        .trim_start_matches('@')
        .trim_end_matches('.')
        .to_lowercase();
    if domain.is_empty() || domain.contains(['@', ' ', '\t']) || !domain.contains('.') {
        return Err((
            raw.span(),
            format!("{context}: \"{text}\" is not an email domain (write it like \"example.com\")"),
        ));
    }
    Ok(domain)
}

fn compile_phrase(raw: &Spanned<String>, rule: &str) -> Result<Vec<WordPattern>, SpannedError> {
    let text = raw.get_ref();
    let folded = fold(text);
    let mut patterns = Vec::new();
    let mut current = String::new();
    let mut chars = folded.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            current.push(c);
            if chars.peek().is_some_and(|next| next.is_alphanumeric()) {
                continue;
            }
            let word = std::mem::take(&mut current);
            if chars.next_if_eq(&'*').is_some() {
                if word.chars().count() < MIN_PREFIX_CHARS {
                    return Err((
                        raw.span(),
                        format!(
                            "rule \"{rule}\": phrase \"{text}\": put at least {MIN_PREFIX_CHARS} letters before *"
                        ),
                    ));
                }
                patterns.push(WordPattern::Prefix(word));
            } else {
                patterns.push(WordPattern::Word(word));
            }
        } else if c == '*' {
            return Err((
                raw.span(),
                format!(
                    "rule \"{rule}\": phrase \"{text}\": * may only end a word, as in \"refund*\""
                ),
            ));
        }
    }
    if patterns.is_empty() {
        let message = if text.trim().is_empty() {
            format!("rule \"{rule}\": empty phrase in match_any")
        } else {
            format!("rule \"{rule}\": phrase \"{text}\" has no letters or digits")
        };
        return Err((raw.span(), message));
    }
    Ok(patterns)
}

/// Lowercase, without diacritics, compatibility forms unified ("Ｅ" → "e").
fn fold(text: &str) -> String {
    text.nfkd()
        .flat_map(char::to_lowercase)
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

fn words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

fn phrase_found(phrase: &[WordPattern], words: &[&str]) -> bool {
    // `windows(0)` would panic; compiled phrases always have a word anyway.
    if phrase.is_empty() {
        return false;
    }
    words
        .windows(phrase.len())
        .any(|window| window.iter().zip(phrase).all(|(word, p)| p.matches(word)))
}

fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_lowercase();
    (!domain.is_empty()).then_some(domain)
}

/// `support.bigcustomer.example` belongs to `bigcustomer.example`.
fn domain_is(domain: &str, listed: &str) -> bool {
    domain == listed
        || domain
            .strip_suffix(listed)
            .is_some_and(|rest| rest.ends_with('.'))
}

fn line_of(text: &str, offset: usize) -> usize {
    text.bytes().take(offset).filter(|b| *b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketPriority::*;

    fn ticket<'a>(subject: &'a str, description: &'a str) -> TicketFacts<'a> {
        TicketFacts {
            subject,
            description,
            category: None,
            email: "customer@example.com",
        }
    }

    fn defaults(subject: &str, description: &str) -> RulesOutcome {
        TicketRules::default_rules().apply(&ticket(subject, description))
    }

    fn tags(outcome: &RulesOutcome) -> Vec<&str> {
        outcome.tags.iter().map(String::as_str).collect()
    }

    fn load_error(text: &str) -> String {
        match TicketRules::from_toml(text, "rules.toml") {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(err) => err.to_string(),
        }
    }

    // --- shipped defaults -------------------------------------------------

    #[test]
    fn the_shipped_rules_load() {
        let rules = TicketRules::default_rules();
        let names: Vec<_> = rules.rule_names().collect();
        assert_eq!(
            names,
            ["Outage", "Security", "Billing", "Bug", "Feature request"]
        );
    }

    #[test]
    fn an_outage_report_is_urgent_and_tagged_outage() {
        for (subject, description) in [
            ("Outage in EU", ""),
            ("Help", "The dashboard is down since 10:00"),
            ("CANNOT ACCESS my account", ""),
            ("", "I can't access the portal"),
            ("", "I can’t access the portal"),
            ("We get a 500 error on login", ""),
            ("", "Internal Server Error when saving"),
        ] {
            let out = defaults(subject, description);
            assert_eq!(out.priority, Urgent, "{subject} / {description}");
            assert!(
                out.tags.contains(&"outage".to_owned()),
                "{subject} / {description}"
            );
        }
    }

    #[test]
    fn an_error_500_report_is_an_urgent_outage_and_also_a_bug() {
        let out = defaults("Error 500 everywhere", "");
        assert_eq!(out.priority, Urgent);
        assert_eq!(tags(&out), ["bug", "outage"]);
        assert_eq!(out.matched_rules, ["Outage", "Bug"]);
    }

    #[test]
    fn a_security_report_is_urgent_and_tagged_security() {
        for text in [
            "Possible security issue",
            "data breach?",
            "my account was hacked",
            "Phishing email pretending to be you",
            "our passwords leaked",
        ] {
            let out = defaults(text, "");
            assert_eq!(out.priority, Urgent, "{text}");
            assert_eq!(tags(&out), ["security"], "{text}");
        }
    }

    #[test]
    fn a_billing_problem_is_high_and_tagged_billing() {
        for text in [
            "Payment failed",
            "I was charged twice this month",
            "Please refund my last order",
            "Refunds?",
            "The invoice is wrong",
            "invoice wrong",
        ] {
            let out = defaults("", text);
            assert_eq!(out.priority, High, "{text}");
            assert_eq!(tags(&out), ["billing"], "{text}");
        }
    }

    #[test]
    fn a_bug_report_is_medium_and_tagged_bug() {
        for text in [
            "Found a bug in export",
            "The app shows errors",
            "It crashes on start",
            "crash",
        ] {
            let out = defaults(text, "");
            assert_eq!(out.priority, Medium, "{text}");
            assert_eq!(tags(&out), ["bug"], "{text}");
        }
    }

    #[test]
    fn a_feature_request_is_low_and_tagged_feature_request() {
        for text in [
            "Feature request: dark mode",
            "A suggestion for the editor",
            "It would be nice to export PDF",
        ] {
            let out = defaults(text, "");
            assert_eq!(out.priority, Low, "{text}");
            assert_eq!(tags(&out), ["feature-request"], "{text}");
        }
    }

    #[test]
    fn an_ordinary_question_is_low_with_no_tags() {
        let out = defaults("How do I change my avatar?", "Thanks in advance");
        assert_eq!(out, RulesOutcome::default());
        assert_eq!(out.priority, Low);
    }

    #[test]
    fn a_word_containing_a_keyword_does_not_match_it() {
        for text in [
            "rebug the widget",
            "I love debugging",
            "errorless",
            "I paid 500 euros",
        ] {
            assert_eq!(defaults(text, ""), RulesOutcome::default(), "{text}");
        }
    }

    #[test]
    fn several_matching_rules_add_up_tags_and_the_highest_priority_wins() {
        let out = defaults("Bug: charged twice", "Also a suggestion: dark mode");
        assert_eq!(out.priority, High);
        assert_eq!(tags(&out), ["billing", "bug", "feature-request"]);
        assert_eq!(out.matched_rules, ["Billing", "Bug", "Feature request"]);
    }

    #[test]
    fn customers_writing_in_other_languages_get_the_same_treatment() {
        let cases = [
            ("Сайт не работает", Urgent, "outage"),
            ("Portāls nedarbojas", Urgent, "outage"),
            ("Sistema neveikia", Urgent, "outage"),
            ("Storitev ne deluje", Urgent, "outage"),
            ("Мой аккаунт взломали", Urgent, "security"),
            ("Datu noplūde", Urgent, "security"),
            ("Įsilaužimas į paskyrą", Urgent, "security"),
            ("Vdor v račun", Urgent, "security"),
            ("Деньги списали дважды", High, "billing"),
            ("Lūdzu atmaksu", High, "billing"),
            ("Prašau grąžinti pinigus", High, "billing"),
            ("Plačilo ni uspelo", High, "billing"),
            ("Появляется ошибка при сохранении", Medium, "bug"),
            ("Parādās kļūda", Medium, "bug"),
            ("Rodoma klaida", Medium, "bug"),
            ("Prikaže se napaka", Medium, "bug"),
            ("Было бы неплохо добавить экспорт", Low, "feature-request"),
            ("Būtu jauki, ja", Low, "feature-request"),
            ("Turiu pasiūlymą", Low, "feature-request"),
            ("Bilo bi lepo imeti temni način", Low, "feature-request"),
        ];
        for (text, priority, tag) in cases {
            let out = defaults(text, "");
            assert_eq!(out.priority, priority, "{text}");
            assert!(out.tags.contains(&tag.to_owned()), "{text}: {:?}", out.tags);
        }
    }

    #[test]
    fn diacritics_and_case_do_not_matter() {
        let rules = TicketRules::from_toml(
            "[[rule]]\nname = \"Password\"\nmatch_any = [\"Parole\"]\ntags = [\"password\"]\n",
            "rules.toml",
        )
        .unwrap();
        for text in ["Aizmirsu paroli? nē: parolē", "PAROLĒ", "parole"] {
            let out = rules.apply(&ticket(text, ""));
            assert_eq!(tags(&out), ["password"], "{text}");
        }
        let out = rules.apply(&ticket("paroles", ""));
        assert_eq!(tags(&out), ["password"], "a plural ending still matches");
    }

    #[test]
    fn a_phrase_does_not_span_subject_and_description() {
        let out = defaults("The site is", "down? no, just slow");
        assert!(!out.tags.contains(&"outage".to_owned()));
    }

    #[test]
    fn a_ticket_in_a_listed_category_matches_without_keywords() {
        let rules = TicketRules::from_toml(
            r#"
[[rule]]
name = "Billing"
match_any = ["refund"]
categories = ["Billing-and-Subscription"]
priority = "high"
tags = ["billing"]
"#,
            "rules.toml",
        )
        .unwrap();
        let mut facts = ticket("How do I change plan?", "");
        assert_eq!(rules.apply(&facts).priority, Low);
        facts.category = Some("billing-and-subscription");
        let out = rules.apply(&facts);
        assert_eq!(out.priority, High);
        assert_eq!(out.matched_rules, ["Billing"]);
    }

    #[test]
    fn a_sender_from_a_listed_domain_matches_the_rule() {
        let rules = TicketRules::from_toml(
            "[[rule]]\nname = \"Partner\"\nemail_domains = [\"partner.example\"]\ntags = [\"partner\"]\n",
            "rules.toml",
        )
        .unwrap();
        let mut facts = ticket("hello", "");
        for (email, expected) in [
            ("anna@partner.example", true),
            ("Anna@EU.Partner.Example", true),
            ("anna@notpartner.example", false),
            ("not-an-email", false),
            ("", false),
        ] {
            facts.email = email;
            assert_eq!(!rules.apply(&facts).tags.is_empty(), expected, "{email}");
        }
    }

    #[test]
    fn a_vip_customer_gets_at_least_high_priority_and_the_vip_tag() {
        let rules = TicketRules::from_toml(
            r#"
[tiers]
vip_domains = ["bigcustomer.example"]
vip_minimum_priority = "high"

[[rule]]
name = "Outage"
match_any = ["outage"]
priority = "urgent"
tags = ["outage"]
"#,
            "rules.toml",
        )
        .unwrap();
        let mut facts = ticket("How do I export?", "");
        facts.email = "cto@bigcustomer.example";
        let out = rules.apply(&facts);
        assert_eq!(out.priority, High);
        assert_eq!(tags(&out), ["vip"]);
        assert_eq!(out.matched_rules, [VIP_RULE_NAME]);

        facts.subject = "Outage!";
        let out = rules.apply(&facts);
        assert_eq!(out.priority, Urgent, "a higher rule priority is kept");
        assert_eq!(tags(&out), ["outage", "vip"]);
    }

    #[test]
    fn prefix_phrases_match_any_word_ending() {
        let rules = TicketRules::from_toml(
            "[[rule]]\nname = \"Err\"\nmatch_any = [\"ошибк*\"]\npriority = \"medium\"\n",
            "rules.toml",
        )
        .unwrap();
        for text in ["ошибка", "вижу ошибку", "ОШИБКИ"] {
            assert_eq!(rules.apply(&ticket(text, "")).priority, Medium, "{text}");
        }
        assert_eq!(rules.apply(&ticket("ошиб", "")).priority, Low);
    }

    #[test]
    fn a_rules_file_on_disk_loads_and_a_missing_one_names_its_path() {
        let dir = std::env::temp_dir().join(format!("tickets-rules-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rules.toml");
        std::fs::write(
            &path,
            "[[rule]]\nname = \"A\"\nmatch_any = [\"x\"]\ntags = [\"a\"]\n",
        )
        .unwrap();
        let loaded = TicketRules::load(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(loaded.unwrap().rule_names().collect::<Vec<_>>(), ["A"]);

        let err = TicketRules::load(&dir.join("missing.toml")).unwrap_err();
        assert!(
            err.to_string()
                .contains("missing.toml: cannot read rules file"),
            "{err}"
        );
        assert_eq!(err.line(), None);
    }

    // --- validation -------------------------------------------------------

    #[test]
    fn an_unknown_priority_is_reported_with_file_and_line() {
        let text =
            "\n[[rule]]\nname = \"Outage\"\nmatch_any = [\"outage\"]\npriority = \"critical\"\n";
        assert_eq!(
            load_error(text),
            "rules.toml:5: unknown priority \"critical\" (use low, medium, high or urgent)"
        );
    }

    #[test]
    fn an_unknown_vip_priority_is_reported_with_its_line() {
        let text = "[tiers]\nvip_domains = [\"a.example\"]\nvip_minimum_priority = \"top\"\n";
        assert_eq!(
            load_error(text),
            "rules.toml:3: unknown priority \"top\" (use low, medium, high or urgent)"
        );
    }

    #[test]
    fn a_rule_that_can_never_match_is_rejected() {
        let text = "[[rule]]\nname = \"Empty\"\nmatch_any = []\npriority = \"high\"\n";
        assert_eq!(
            load_error(text),
            "rules.toml:2: rule \"Empty\" can never match: give it match_any phrases, categories or email_domains"
        );
    }

    #[test]
    fn a_rule_that_changes_nothing_is_rejected() {
        let text = "[[rule]]\nname = \"Idle\"\nmatch_any = [\"x\"]\n";
        assert_eq!(
            load_error(text),
            "rules.toml:2: rule \"Idle\" changes nothing: give it a priority or tags"
        );
    }

    #[test]
    fn an_empty_tag_name_is_rejected() {
        let text = "[[rule]]\nname = \"Bug\"\nmatch_any = [\"bug\"]\ntags = [\"bug\",\n  \"  \"]\n";
        assert_eq!(
            load_error(text),
            "rules.toml:5: rule \"Bug\": empty tag name"
        );
    }

    #[test]
    fn an_empty_phrase_is_rejected() {
        let text = "[[rule]]\nname = \"Bug\"\nmatch_any = [\"\"]\ntags = [\"bug\"]\n";
        assert_eq!(
            load_error(text),
            "rules.toml:3: rule \"Bug\": empty phrase in match_any"
        );
        let text = "[[rule]]\nname = \"Bug\"\nmatch_any = [\"?!\"]\ntags = [\"bug\"]\n";
        assert_eq!(
            load_error(text),
            "rules.toml:3: rule \"Bug\": phrase \"?!\" has no letters or digits"
        );
    }

    #[test]
    fn a_misplaced_or_too_short_wildcard_is_rejected() {
        let text = "[[rule]]\nname = \"W\"\nmatch_any = [\"*bug\"]\ntags = [\"bug\"]\n";
        assert!(
            load_error(text)
                .starts_with("rules.toml:3: rule \"W\": phrase \"*bug\": * may only end a word")
        );
        let text = "[[rule]]\nname = \"W\"\nmatch_any = [\"ab*\"]\ntags = [\"bug\"]\n";
        assert!(
            load_error(text)
                .starts_with("rules.toml:3: rule \"W\": phrase \"ab*\": put at least 3 letters")
        );
    }

    #[test]
    fn a_duplicate_rule_name_is_rejected() {
        let text = "[[rule]]\nname = \"Bug\"\nmatch_any = [\"bug\"]\ntags = [\"bug\"]\n\n[[rule]]\nname = \"bug\"\nmatch_any = [\"crash\"]\ntags = [\"bug\"]\n";
        assert_eq!(
            load_error(text),
            "rules.toml:7: duplicate rule name \"bug\" (first used on line 2)"
        );
    }

    #[test]
    fn an_unknown_key_is_rejected_with_its_line() {
        let text = "[[rule]]\nname = \"Bug\"\nmatch_any = [\"bug\"]\nprority = \"high\"\n";
        let err = load_error(text);
        assert!(
            err.starts_with("rules.toml:4: unknown field `prority`"),
            "{err}"
        );
        let err = load_error("[tier]\nvip_domains = []\n");
        assert!(
            err.starts_with("rules.toml:1: unknown field `tier`"),
            "{err}"
        );
    }

    #[test]
    fn a_toml_syntax_error_is_reported_with_its_line() {
        let text = "[[rule]]\nname = \"Bug\"\nmatch_any = [\"bug\"\ntags = [\"bug\"]\n";
        let err = TicketRules::from_toml(text, "rules.toml").unwrap_err();
        assert!(err.to_string().starts_with("rules.toml:"), "{err}");
        assert!(matches!(err.line(), Some(3 | 4)), "{err}");
        assert!(!err.to_string().contains('\n'), "one-line message: {err}");
    }

    #[test]
    fn a_wrongly_typed_value_is_rejected_with_its_line() {
        let text = "[[rule]]\nname = \"Bug\"\nmatch_any = \"bug\"\ntags = [\"bug\"]\n";
        let err = TicketRules::from_toml(text, "rules.toml").unwrap_err();
        assert_eq!(err.line(), Some(3), "{err}");
    }

    #[test]
    fn a_bad_vip_domain_is_rejected() {
        let err = load_error("[tiers]\nvip_domains = [\"big customer\"]\n");
        assert!(
            err.starts_with("rules.toml:2: tiers.vip_domains: \"big customer\""),
            "{err}"
        );
    }

    #[test]
    fn a_file_without_rules_gives_every_ticket_low_priority() {
        let rules = TicketRules::from_toml("# nothing yet\n", "rules.toml").unwrap();
        assert_eq!(rules.apply(&ticket("outage", "")), RulesOutcome::default());
    }
}
