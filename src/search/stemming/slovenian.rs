//! A Slovenian stemmer in the manner of Popovič and Willett's suffix stripper: one
//! inflectional ending goes, then the sound changes it leaves behind are undone.
//!
//! Steps, on the folded word (č, š, ž → c, s, z, so "plačilo" and "placilo" are one input):
//! 1. the longest ending that leaves three letters with a vowel goes: noun and adjective
//!    cases (geslo / gesla / geslom / geslih, nov / novega / novemu), verb persons
//!    (prijavim, prijavimo, prijavijo), infinitives (-ati, -iti),
//!    imperatives (-ite, -ajte), verbal nouns (-anje, -enje), the -ovati / -uje verbs
//!    (delovati / deluje / deloval);
//! 2. what inflection adds to a stem goes too:
//!    - the -ov / -ev of the genitive plural and what looks like it (računov → račun,
//!      naslova → naslov → nasl, like naslov itself), and likewise a stem's -em / -am / -im
//!      (problema → problem → probl, like problem; morem → mor);
//!    - the -en of passive participles after j (izgubljen, zavrnjena, pozabljeno);
//!    - the -ij of -ija nouns (aplikacija / aplikacijo / aplikacij);
//!    - the -il / -al of l-participles and the -ilo nouns built on them (pozabil, poslala,
//!      plačilo / plačil / plačati), and the fleeting e before a final l (gesel → gesl);
//!    - the short infinitive of everyday writing (prijavit → prijav, like prijaviti);
//!    - the j (and the l after a labial) of iotation: pošljem → posl, preverjanje →
//!      prever, uporabljam → uporab, izgubljen → izgub.

use super::{drop_tail, is_viable, is_vowel, strip_longest};
use crate::search::analyzers::fold_lower;

/// Inflectional endings, folded. Left out on purpose: the dual persons (-ava, -ata...) and
/// the second persons singular (-aš, -iš) are rare in requests and would cut nouns
/// (tableta, paketa, opis); -eti would cut "paketi" to "pak".
const ENDINGS: &[&str] = &[
    // -ovati / -evati verbs: delovati, deluje, delujejo, deloval, delovanje
    "ovanje", "ovanja", "ovanju", "ovati", "evati", "ovala", "ovalo", "ovali", "ovale", "oval",
    "ujejo", "ujemo", "ujete", "ujem", "ujes", "uje", // verbal nouns
    "anjem", "enjem", "anje", "enje", "anja", "enja", "anju", "enju", // imperatives
    "ajte", "ite", // adjective and noun cases
    "ega", "emu", "imi", "ami", // infinitives and persons
    "ati", "iti", "amo", "emo", "imo", "ajo", "ejo", // cases and persons
    "ih", "ah", "om", "ov", "ev", "em", "im", "am", "a", "e", "i", "o", "u",
];

/// What inflection leaves on a stem once the ending is gone: -ov / -ev (naslova → naslov),
/// a first person's or a noun's -em / -am / -im (problema → problem, like problem itself), the
/// -il / -al of l-participles and of -ilo nouns (plačilo, plačal, plačati), and the short
/// infinitive of everyday writing (prijavit, plačat), which cuts -at / -it nouns the same
/// way in every case (kredit, kredita → kred).
const SECOND: &[&str] = &["ov", "ev", "em", "am", "im", "il", "al", "it", "at"];

fn is_consonant(c: u8) -> bool {
    c.is_ascii_lowercase() && !is_vowel(c)
}

/// `stem` without `tail` when it ends so and the rest is viable.
fn without<'s>(stem: &'s str, tail: &str) -> Option<&'s str> {
    stem.strip_suffix(tail).filter(|rest| is_viable(rest))
}

/// The stem of a lowercased Slovenian word, folded.
pub(crate) fn stem(lower: &str) -> String {
    let folded = fold_lower(lower);
    if !folded.is_ascii() {
        // Letters folding does not reduce (Cyrillic quoted in an article): left as written.
        return folded;
    }
    let mut stem = strip_longest(&folded, ENDINGS);
    // izgubljen, zavrnjena: the participle's -en after j.
    if stem.ends_with("jen")
        && let Some(rest) = drop_tail(stem, 2)
    {
        stem = rest;
    }
    // aplikacija / aplikacijo / aplikacij.
    if let Some(rest) = without(stem, "ij") {
        stem = rest;
    }
    let second = strip_longest(stem, SECOND);
    if second.len() < stem.len() {
        stem = second;
    } else if stem.len() >= 3
        && stem.ends_with("el")
        && is_consonant(stem.as_bytes()[stem.len() - 3])
    {
        // The fleeting e: gesel / gesla → gesl, prišel / prišla → prišl.
        let without_e = format!("{}l", &stem[..stem.len() - 2]);
        if is_viable(&without_e) {
            return without_e;
        }
    }
    // uporabljam → uporab, izgubljen → izgub: a labial's -lj-.
    if let Some(rest) = without(stem, "lj")
        && rest.ends_with(['p', 'b', 'v', 'm', 'f'])
    {
        stem = rest;
    }
    // pošljem → pošl, preverjanje → prever: iotation's j.
    if stem.len() >= 2
        && stem.ends_with('j')
        && is_consonant(stem.as_bytes()[stem.len() - 2])
        && let Some(rest) = drop_tail(stem, 1)
    {
        stem = rest;
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
            "geslo", "gesla", "geslu", "geslom", "gesli", "geslih", "gesel",
        ]);
        same_stem(&[
            "račun", "računa", "računu", "računom", "računi", "računov", "računih",
        ]);
        same_stem(&[
            "naročnina",
            "naročnine",
            "naročnini",
            "naročnino",
            "naročnin",
        ]);
        same_stem(&["kartica", "kartice", "kartico", "kartic", "karticami"]);
        same_stem(&[
            "naslov", "naslova", "naslovu", "naslovom", "naslovi", "naslovov",
        ]);
        same_stem(&["problem", "problema", "problemi", "problemov", "problemom"]);
        same_stem(&["paket", "paketa", "paketu", "paketi", "paketov"]);
        same_stem(&[
            "aplikacija",
            "aplikacije",
            "aplikaciji",
            "aplikacijo",
            "aplikacij",
        ]);
        same_stem(&["stran", "strani", "stranjo"]);
        assert_eq!(stem("račun"), "racun");
    }

    #[test]
    fn adjectives_share_a_stem() {
        same_stem(&[
            "nov", "nova", "novo", "novi", "novega", "novemu", "novim", "novih",
        ]);
        same_stem(&["mesečna", "mesečne", "mesečno", "mesečni", "mesečnega"]);
    }

    #[test]
    fn a_verb_meets_its_nouns_and_participles() {
        same_stem(&[
            "prijava",
            "prijavo",
            "prijave",
            "prijaviti",
            "prijavim",
            "prijavil",
        ]);
        same_stem(&[
            "prijavila",
            "prijavite",
            "prijavljen",
            "prijavijo",
            "prijavit",
        ]);
        same_stem(&["kredit", "kredita", "kreditu", "krediti", "kreditov"]);
        same_stem(&[
            "plačilo", "plačila", "plačil", "plačati", "plačal", "plačala", "plačam",
        ]);
        same_stem(&["pozabiti", "pozabil", "pozabila", "pozabljeno", "pozabljen"]);
        same_stem(&["izgubiti", "izgubil", "izgubila", "izgubljen", "izgubljena"]);
        same_stem(&["zavrniti", "zavrnila", "zavrnjena", "zavrnjeno"]);
        same_stem(&["preveriti", "preverite", "preverjanje", "preverjam"]);
        same_stem(&["poslati", "poslala", "pošljem", "pošlje", "pošljite"]);
        same_stem(&["uporaba", "uporabiti", "uporabljam", "uporabljamo"]);
    }

    #[test]
    fn ovati_verbs_meet_their_present() {
        same_stem(&[
            "delovati",
            "deluje",
            "delujejo",
            "deloval",
            "delovala",
            "delovanje",
        ]);
        same_stem(&["potrebovati", "potrebujem", "potrebuje", "potreboval"]);
    }

    #[test]
    fn customers_who_skip_diacritics_reach_the_same_stem() {
        for (with, without) in [
            ("plačilo", "placilo"),
            ("naročnine", "narocnine"),
            ("pošljem", "posljem"),
            ("računov", "racunov"),
        ] {
            assert_eq!(stem(with), stem(without), "{with} / {without}");
        }
    }

    #[test]
    fn short_words_and_odd_input_are_kept() {
        for word in [
            "ne", "in", "je", "ali", "čas", "opis", "vpis", "2fa", "pdf", "",
        ] {
            assert_eq!(stem(word), super::fold_lower(word), "{word}");
        }
        assert_eq!(stem("пароль"), "пароль");
    }
}
