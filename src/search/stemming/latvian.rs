//! A Latvian stemmer: the inflection-only approach of Kreslins' stemmer and Savoy's light
//! stemmers, extended to the verb forms customers write ("nestrādā", "neatveras",
//! "nedarbojas").
//!
//! Steps, on the folded word (so "parolē" and "parole" are the same input):
//! 1. the negation prefix "ne-" goes ("nedarbojas" → "darbojas"), as does the debitive "jā-"
//!    ("jāievada" → "ievada"), unless too little would be left or the word merely starts
//!    that way ("nedēļa", "ņemt");
//! 2. the longest inflectional ending that leaves a stem of three letters with a vowel goes:
//!    noun and adjective cases (-s, -a, -u, -as, -iem, -ais...), verb persons and tenses
//!    (-u, -am, -at, -iet, -sim, -siet), infinitives (-t, -ties), reflexives (-as, -os, -ies)
//!    and the verbal noun (-šana, -šanas, -šanu...);
//! 3. the consonant changes of inflection are undone. Folding already maps ļ, ņ, š, ž, č, ģ,
//!    ķ to l, n, s, z, c, g, k (brāļu → bral, like brālis); the labial + j of plural genitives
//!    ("zemju", "upju") loses its j;
//! 4. a verb's thematic vowel and -j- go, so the infinitive, the present and the past meet:
//!    strādāt / strādā / strādāju → strad, darboties / darbojas / darbojās → darb.

use super::{drop_tail, is_viable, is_vowel, strip_longest};
use crate::search::analyzers::fold_lower;

/// Inflectional endings, folded (ā, ē, ī, ū, š fold to a, e, i, u, s).
const ENDINGS: &[&str] = &[
    // verbal noun: -šana, -šanas, -šanai, -šanu, -šanā, -šanām...
    "sanas", "sanos", "sanai", "sanam", "sanu", "sana",
    // reflexive verbs: infinitive, persons, future, imperative
    "simies", "sieties", "ieties", "amies", "aties", "ties", "sies",
    // future and imperative
    "siet", "sim", "iet",
    // noun and adjective cases, and the infinitive's -t (definite adjectives lose -aj- in
    // step 4; "-ēm" is handled apart, because a short "-em" ends verbs: "saņem", "pieņem")
    "iem", "ais", "ies", "am", "as", "ai", "ei", "es", "im", "is", "os", "us", "ie", "a", "e", "i",
    "o", "u", "s", "t",
];

/// Words starting with "ne" that are not negated, by their folded start.
const NOT_NEGATED: &[&str] = &["nedel", "neto", "nerv", "neitr", "neon", "negat", "nekt"];

/// The stem of a lowercased Latvian word, folded.
pub(crate) fn stem(lower: &str) -> String {
    let folded = fold_lower(lower);
    let mut word = folded.as_str();
    // Prefixes are recognised on the written word: "ņem" (takes) is no negation even though
    // it folds to "nem", and "jauns" (new) is no debitive.
    let negated = lower.starts_with("ne") && !NOT_NEGATED.iter().any(|p| word.starts_with(p));
    let debitive = lower.starts_with("jā");
    if (negated || debitive) && word.len() >= 6 && is_viable(&word[2..]) {
        word = &word[2..];
    }
    if !word.is_ascii() {
        // Letters folding does not reduce (Cyrillic quoted in an article): left as written.
        return word.to_string();
    }
    let mut stem = match word.strip_suffix("em") {
        Some(before) if lower.ends_with("ēm") && is_viable(before) => before,
        _ => strip_longest(word, ENDINGS),
    };
    // zemju → zemj → zem: the j a labial takes before -u.
    if let Some(before) = stem.strip_suffix('j')
        && before.ends_with(['p', 'b', 'm', 'v', 'f'])
        && is_viable(before)
    {
        stem = before;
    }
    // darboj → darbo → darb, strādāj → strādā → strād: a verb's -j- and thematic vowel.
    if stem.len() >= 2 && stem.ends_with('j') && is_vowel(stem.as_bytes()[stem.len() - 2]) {
        stem = drop_tail(stem, 1).unwrap_or(stem);
    }
    if stem.bytes().last().is_some_and(is_vowel) {
        stem = drop_tail(stem, 1).unwrap_or(stem);
    }
    stem.to_string()
}

#[cfg(test)]
mod tests {
    use super::stem;

    fn same_stem(forms: &[&str]) {
        let first = stem(forms[0]);
        for form in forms {
            assert_eq!(stem(form), first, "{form} vs {}", forms[0]);
        }
    }

    #[test]
    fn noun_cases_and_numbers_share_a_stem() {
        same_stem(&[
            "parole", "paroli", "parolē", "paroles", "parolēm", "parolei", "paroļu",
        ]);
        same_stem(&[
            "rēķins",
            "rēķina",
            "rēķinu",
            "rēķinā",
            "rēķini",
            "rēķiniem",
            "rēķinus",
        ]);
        same_stem(&["lapa", "lapas", "lapu", "lapā", "lapām", "lapai"]);
        same_stem(&["konts", "konta", "kontam", "kontu", "kontā", "konti"]);
        same_stem(&["ekrāns", "ekrāna", "ekrānu", "ekrānā", "ekrāni"]);
        same_stem(&["kolēģis", "kolēģa", "kolēģim", "kolēģi", "kolēģiem"]);
        assert_eq!(stem("parole"), "parol");
    }

    #[test]
    fn consonant_changes_of_inflection_are_undone() {
        // Second declension genitive plural: brālis → brāļu.
        same_stem(&["brālis", "brāļu", "brāļiem"]);
        // Labial + j: zeme → zemju, zivs → zivju.
        same_stem(&["zeme", "zemju"]);
        same_stem(&["zivs", "zivju"]);
        // ņ, š: lietotne → lietotņu, tukšs.
        same_stem(&["lietotne", "lietotnes", "lietotņu"]);
    }

    #[test]
    fn adjectives_share_a_stem_in_both_forms() {
        same_stem(&[
            "tukšs",
            "tukša",
            "tukšu",
            "tukšais",
            "tukšajā",
            "tukšie",
            "tukšajiem",
        ]);
        same_stem(&[
            "jauns", "jauna", "jaunu", "jaunais", "jaunā", "jaunajam", "jauno",
        ]);
    }

    #[test]
    fn verb_forms_and_their_negations_share_a_stem() {
        same_stem(&[
            "darboties",
            "darbojas",
            "darbojās",
            "nedarbojas",
            "nedarbojās",
        ]);
        same_stem(&[
            "atvērt",
            "atveras",
            "neatveras",
            "atveriet",
            "atvēra",
            "atvērās",
        ]);
        same_stem(&[
            "strādāt",
            "strādā",
            "nestrādā",
            "strādāju",
            "strādājam",
            "strādās",
        ]);
        same_stem(&["ielādēties", "ielādējas", "neielādējas", "ielādējās"]);
        same_stem(&["mainīt", "maina", "mainīju", "mainījās"]);
        same_stem(&["nomainīt", "nomaina", "nomainiet", "nomaiņa"]);
        same_stem(&["pieteikties", "pieteikšanās", "pieteikšanos"]);
        same_stem(&["saņemt", "saņem", "nesaņem", "saņēmu"]);
    }

    #[test]
    fn the_verbal_noun_meets_its_verb() {
        same_stem(&[
            "atiestatīt",
            "atiestatīšana",
            "atiestatīšanu",
            "atiestatiet",
        ]);
        same_stem(&["izdevās", "neizdevās", "izdevies"]);
    }

    #[test]
    fn the_debitive_meets_the_other_forms() {
        same_stem(&["jāievada", "ievadiet", "ievadīt"]);
    }

    #[test]
    fn customers_who_skip_diacritics_reach_the_same_stem() {
        for (with, without) in [
            ("nestrādā", "nestrada"),
            ("parolē", "parole"),
            ("rēķinu", "rekinu"),
            ("neatveras", "neatveras"),
            ("ekrānu", "ekranu"),
            ("pieteikšanās", "pieteiksanas"),
        ] {
            assert_eq!(stem(with), stem(without), "{with} / {without}");
        }
    }

    #[test]
    fn words_that_only_look_negated_or_debitive_keep_their_start() {
        same_stem(&["nedēļa", "nedēļas", "nedēļu"]);
        assert_ne!(stem("nedēļa"), stem("dēļ"));
        // ņemt (to take) folds to "nemt" but is no negation.
        same_stem(&["ņemt", "ņem"]);
        assert!(stem("ņem").starts_with("ne"), "{}", stem("ņem"));
        // jauns (new) is no debitive.
        assert!(stem("jaunu").starts_with("ja"), "{}", stem("jaunu"));
    }

    #[test]
    fn short_words_and_odd_input_are_kept() {
        for word in ["ir", "kas", "nav", "un", "2fa", "pdf", ""] {
            assert_eq!(stem(word), word, "{word}");
        }
        assert_eq!(stem("пароль"), "пароль");
    }
}
