//! Stemmers written for this project, for languages no maintained crate covers.
//!
//! Both take a lowercased word and return a folded stem (no diacritics), so a customer who
//! types "parole" and an article that says "parolē" meet at the same term. They strip
//! inflection (case, number, gender, definiteness; the common verb forms), never derivation,
//! and undo the consonant changes that inflection causes, so every form of a word shares one
//! stem even where the stem is not a dictionary word.

pub(crate) mod latvian;
pub(crate) mod slovenian;

/// Vowels of a folded Latvian or Slovenian word.
fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Whether a folded stem is long enough to keep: three characters or more, one a vowel.
/// Checked on bytes, so a stem left with letters folding does not reduce to ASCII (Cyrillic
/// quoted in an article) counts them as consonants and is simply kept longer.
fn is_viable(stem: &str) -> bool {
    stem.chars().count() >= 3 && stem.bytes().any(is_vowel)
}

/// `word` without the longest of `endings` that leaves a viable stem (unchanged if none does).
fn strip_longest<'w>(word: &'w str, endings: &[&str]) -> &'w str {
    let mut best: Option<&str> = None;
    for ending in endings {
        if let Some(stem) = word.strip_suffix(ending)
            && is_viable(stem)
            && best.is_none_or(|b| stem.len() < b.len())
        {
            best = Some(stem);
        }
    }
    best.unwrap_or(word)
}

/// `stem` without its last `n` bytes when what is left is still viable (ASCII endings only).
fn drop_tail(stem: &str, n: usize) -> Option<&str> {
    let cut = stem.len().checked_sub(n)?;
    let shorter = stem.get(..cut)?;
    is_viable(shorter).then_some(shorter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_ending_that_leaves_a_stem_wins() {
        assert_eq!(strip_longest("paroles", &["s", "es"]), "parol");
        // "iti" would leave "pr", which has no vowel: the shorter "ti" is taken instead.
        assert_eq!(strip_longest("priti", &["ti", "iti"]), "pri");
        // Neither leaves three letters.
        assert_eq!(strip_longest("mes", &["s", "es"]), "mes");
        assert_eq!(strip_longest("xyz", &["z"]), "xyz");
    }
}
