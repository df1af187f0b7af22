//! The languages the portal speaks to customers, and their message catalogues.
//!
//! Every customer-facing text comes from a Fluent catalogue under `locales/` (one file per
//! language, compiled into the binary), so plural rules, word order and dates are the
//! translator's to get right, not the code's. English is the reference catalogue: a test
//! fails when another language misses one of its keys or has one it does not.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Serialize;

/// A language customers can read the portal in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Ru,
    Lv,
    Lt,
    Sl,
}

impl Language {
    /// Every interface language, English (the reference catalogue) first.
    pub const ALL: [Language; 5] = [
        Language::En,
        Language::Ru,
        Language::Lv,
        Language::Lt,
        Language::Sl,
    ];

    /// The ISO 639-1 code used in URLs, `lang` attributes and articles' front matter.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
            Language::Lv => "lv",
            Language::Lt => "lt",
            Language::Sl => "sl",
        }
    }

    /// The language named by a code (`lv`, `LV`, `lv-LV`); `None` when the portal does not
    /// speak it.
    pub fn parse(code: &str) -> Option<Language> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        Language::ALL
            .into_iter()
            .find(|language| language.code().eq_ignore_ascii_case(primary))
    }

    /// The language a URL names, spelled exactly as URLs spell it (`lv`; not `LV`, `lv-LV`).
    pub fn from_url_code(code: &str) -> Option<Language> {
        Language::ALL
            .into_iter()
            .find(|language| language.code() == code)
    }

    /// The language's name in itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Ru => "Русский",
            Language::Lv => "Latviešu",
            Language::Lt => "Lietuvių",
            Language::Sl => "Slovenščina",
        }
    }

    /// How staff pages name the language: its own name and code, e.g. "Latviešu (lv)".
    pub fn label(self) -> String {
        format!("{} ({})", self.native_name(), self.code())
    }

    /// The best language for an `Accept-Language` header: the first range, by quality, that
    /// the portal speaks (a range with `q=0` is refused, not wanted).
    pub fn from_accept_language(header: &str) -> Option<Language> {
        accept_language_ranges(header)
            .into_iter()
            .filter(|(quality, _)| *quality > 0.0)
            .find_map(|(_, primary)| Language::parse(&primary))
    }
}

/// The ranges of an `Accept-Language` header as (quality, lowercase primary subtag), best
/// first; among equal qualities the header's order wins. `*` and empty ranges are left out.
pub fn accept_language_ranges(header: &str) -> Vec<(f32, String)> {
    let mut ranges: Vec<(f32, String)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next()?.to_owned();
            (!primary.is_empty() && primary != "*").then_some((quality, primary))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The catalogue files of one language, as (file name, source).
macro_rules! catalogue_files {
    ($lang:literal) => {
        [
            (
                "portal.ftl",
                include_str!(concat!("../../locales/", $lang, "/portal.ftl")),
            ),
            (
                "attachments.ftl",
                include_str!(concat!("../../locales/", $lang, "/attachments.ftl")),
            ),
            (
                "emails.ftl",
                include_str!(concat!("../../locales/", $lang, "/emails.ftl")),
            ),
            (
                "widget.ftl",
                include_str!(concat!("../../locales/", $lang, "/widget.ftl")),
            ),
        ]
    };
}

/// The shipped catalogue sources, by language: one file per area of the portal
/// (`locales/{lang}/{area}.ftl`), so the portal's pages and its emails are translated and
/// reviewed separately. Every language has the same files.
const CATALOGUES: [(Language, &[(&str, &str)]); 5] = [
    (Language::En, &catalogue_files!("en")),
    (Language::Ru, &catalogue_files!("ru")),
    (Language::Lv, &catalogue_files!("lv")),
    (Language::Lt, &catalogue_files!("lt")),
    (Language::Sl, &catalogue_files!("sl")),
];

/// A value for a placeholder in a message.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Text(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(text)
    }
}

impl From<i64> for Arg {
    fn from(number: i64) -> Arg {
        Arg::Number(number as f64)
    }
}

impl From<usize> for Arg {
    fn from(number: usize) -> Arg {
        Arg::Number(number as f64)
    }
}

/// Every language's messages, ready to format; built once.
pub struct Catalogues {
    bundles: HashMap<Language, FluentBundle<FluentResource>>,
    keys: HashMap<Language, BTreeSet<String>>,
}

static SHIPPED: LazyLock<Catalogues> = LazyLock::new(Catalogues::load_shipped);

impl Catalogues {
    /// The catalogues compiled into the binary.
    pub fn shipped() -> &'static Catalogues {
        &SHIPPED
    }

    fn load_shipped() -> Catalogues {
        let mut bundles = HashMap::new();
        let mut keys = HashMap::new();
        for (language, files) in CATALOGUES {
            let identifier = language
                .code()
                .parse()
                .unwrap_or_else(|_| unic_langid::langid!("en"));
            let mut bundle = FluentBundle::new_concurrent(vec![identifier]);
            // Pages are HTML: Unicode isolation marks around placeholders would show up as
            // stray characters in copy-and-paste and in titles.
            bundle.set_use_isolating(false);
            let mut ids = BTreeSet::new();
            for (file, source) in files {
                // The catalogues are compiled in: a syntax error is a build defect, caught
                // by the catalogue tests before it ships.
                let resource =
                    FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(_, errors)| {
                        panic!("locales/{language}/{file} does not parse: {errors:?}")
                    });
                ids.extend(resource.entries().filter_map(|entry| match entry {
                    fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                    _ => None,
                }));
                if let Err(errors) = bundle.add_resource(resource) {
                    panic!("locales/{language}/{file} repeats messages: {errors:?}");
                }
            }
            bundles.insert(language, bundle);
            keys.insert(language, ids);
        }
        Catalogues { bundles, keys }
    }

    /// The message `key` in `language`, with its placeholders filled. A key missing from a
    /// language falls back to English; a key missing everywhere shows as `⟦key⟧`, which the
    /// page tests look for.
    pub fn message(&self, language: Language, key: &str, args: &[(&str, Arg)]) -> String {
        self.format(language, key, args)
            .or_else(|| self.format(Language::En, key, args))
            .unwrap_or_else(|| format!("⟦{key}⟧"))
    }

    fn format(&self, language: Language, key: &str, args: &[(&str, Arg)]) -> Option<String> {
        let bundle = self.bundles.get(&language)?;
        let pattern = bundle.get_message(key)?.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.as_str())),
                Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            }
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(%language, key, ?errors, "message formatted with errors");
        }
        Some(text.into_owned())
    }

    /// The message keys of one language's catalogue.
    pub fn keys(&self, language: Language) -> BTreeSet<String> {
        self.keys.get(&language).cloned().unwrap_or_default()
    }
}

/// The message `key` in `language` for a template's `t("key", name=value, …)`: the keyword
/// arguments fill the placeholders, whole numbers as numbers (so plurals apply). Shared by the
/// page templates and the email templates.
pub fn template_message(
    language: Language,
    key: &str,
    kwargs: &minijinja::value::Kwargs,
) -> Result<String, minijinja::Error> {
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: minijinja::Value = kwargs.get(name)?;
        let arg = match i64::try_from(value.clone()) {
            Ok(number) if value.is_number() => Arg::from(number),
            _ => Arg::Text(value.to_string()),
        };
        args.push((name, arg));
    }
    kwargs.assert_all_used()?;
    Ok(Catalogues::shipped().message(language, key, &args))
}

/// A date (`YYYY-MM-DD`) as the language writes it, e.g. "14 October 2026",
/// "14 октября 2026 г."; the input as is when it is not a date.
pub fn long_date(language: Language, date: &str) -> String {
    let Ok(parsed) = date.parse::<jiff::civil::Date>() else {
        return date.to_owned();
    };
    let catalogues = Catalogues::shipped();
    let month = catalogues.message(language, &format!("month-{}", parsed.month()), &[]);
    catalogues.message(
        language,
        "date-long",
        &[
            ("day", Arg::from(i64::from(parsed.day()))),
            ("month", Arg::Text(month)),
            ("year", Arg::Text(parsed.year().to_string())),
        ],
    )
}

/// A moment (milliseconds since the epoch) as the language writes a date and a time of day,
/// in UTC: "14 October 2026, 09:30 UTC", "2026. gada 14. oktobrī, plkst. 09:30 UTC".
pub fn long_date_time(language: Language, millis: i64) -> String {
    let Ok(moment) = jiff::Timestamp::from_millisecond(millis) else {
        return String::new();
    };
    let utc = moment.to_zoned(jiff::tz::TimeZone::UTC);
    let date = long_date(language, &utc.date().to_string());
    let time = utc.strftime("%H:%M UTC").to_string();
    Catalogues::shipped().message(
        language,
        "date-time",
        &[("date", Arg::Text(date)), ("time", Arg::Text(time))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_has_exactly_the_english_keys() {
        let catalogues = Catalogues::shipped();
        let english = catalogues.keys(Language::En);
        assert!(english.len() > 50, "the English catalogue is the reference");
        for language in Language::ALL {
            let keys = catalogues.keys(language);
            let missing: Vec<_> = english.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&english).collect();
            assert!(missing.is_empty(), "{language} misses {missing:?}");
            assert!(
                extra.is_empty(),
                "{language} has keys English does not: {extra:?}"
            );
        }
    }

    #[test]
    fn every_message_formats_without_errors_in_every_language() {
        let catalogues = Catalogues::shipped();
        for language in Language::ALL {
            for key in catalogues.keys(language) {
                let text = catalogues.message(
                    language,
                    &key,
                    &[
                        ("count", Arg::from(3_i64)),
                        ("first", Arg::from(1_i64)),
                        ("last", Arg::from(3_i64)),
                        ("total", Arg::from(7_i64)),
                        ("day", Arg::from(14_i64)),
                        ("month", "x".into()),
                        ("year", "2026".into()),
                        ("query", "q".into()),
                        ("title", "t".into()),
                        ("name", "n".into()),
                        ("reference", "AD-000001".into()),
                        ("site", "s".into()),
                        ("language", "l".into()),
                        ("original", "o".into()),
                        ("status", "open".into()),
                        ("rating", "good".into()),
                        ("max", Arg::from(200_i64)),
                        ("date", "d".into()),
                        ("time", "t".into()),
                        ("link", "https://example.test".into()),
                        ("subject", "Can't sign in".into()),
                        ("email", "ann@example.com".into()),
                        ("category", "Billing".into()),
                        ("size", "10 MB".into()),
                    ],
                );
                assert!(!text.trim().is_empty(), "{language} {key} is empty");
                assert!(
                    !text.contains('{'),
                    "{language} {key} left a placeholder: {text}"
                );
            }
        }
    }

    #[test]
    fn plurals_follow_each_languages_rules() {
        let catalogues = Catalogues::shipped();
        let count = |language, n: i64| {
            catalogues.message(language, "article-count", &[("count", Arg::from(n))])
        };
        assert_eq!(count(Language::En, 1), "1 article");
        assert_eq!(count(Language::En, 5), "5 articles");
        assert_eq!(count(Language::Ru, 1), "1 статья");
        assert_eq!(count(Language::Ru, 2), "2 статьи");
        assert_eq!(count(Language::Ru, 5), "5 статей");
        assert_eq!(count(Language::Ru, 21), "21 статья");
        assert_ne!(
            count(Language::Lt, 1),
            count(Language::Lt, 5).replace('5', "1")
        );
        assert_ne!(
            count(Language::Sl, 2),
            count(Language::Sl, 5).replace('5', "2")
        );
    }

    #[test]
    fn browsers_languages_are_read_by_quality() {
        assert_eq!(
            Language::from_accept_language("de-DE,lv;q=0.8,en;q=0.5"),
            Some(Language::Lv)
        );
        assert_eq!(Language::from_accept_language("ru-RU"), Some(Language::Ru));
        assert_eq!(Language::from_accept_language("ja,*"), None);
        assert_eq!(Language::from_accept_language("lt;q=0"), None);
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        assert_eq!(long_date(Language::En, "2026-10-14"), "14 October 2026");
        // 2026-10-14 09:30 UTC
        let moment = 1_791_970_200_000;
        assert_eq!(
            long_date_time(Language::En, moment),
            "14 October 2026, 09:30 UTC"
        );
        assert_eq!(
            long_date_time(Language::Lv, moment),
            "2026. gada 14. oktobrī, plkst. 09:30 UTC"
        );
        assert_eq!(long_date(Language::En, "someday"), "someday");
        for language in Language::ALL {
            assert!(long_date(language, "2026-10-14").contains("2026"));
        }
    }
}
