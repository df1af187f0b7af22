//! Text analysis: how article text and customer text become index terms.
//!
//! One hand-written pipeline serves indexing (through tantivy's `Tokenizer` trait), query
//! building and snippet highlighting, so the three can never disagree about what a "word" is.
//!
//! Pipeline per word: split on anything that is not a letter or digit (apostrophes inside a
//! word are dropped, so "can't" is "cant") → lowercase → language stemmer → strip diacritics.
//! Stemming runs before folding because the Russian and Lithuanian stemmers key on accented
//! endings; the Latvian and Slovenian stemmers ([`super::stemming`]) fold first and strip
//! folded endings, so "parolē" and a customer's "parole" meet at the same stem.

use std::borrow::Cow;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::stemming;

/// Words longer than this are ids, hashes or garbage; indexing them only bloats the dictionary.
pub(crate) const MAX_WORD_CHARS: usize = 40;
/// Edge n-grams (for as-you-type prefixes) start at this many characters.
pub(crate) const MIN_PREFIX_CHARS: usize = 2;
/// Longer prefixes are looked up truncated to this length.
pub(crate) const MAX_PREFIX_CHARS: usize = 15;

/// The analysis bucket of an article or a request: a language with its own stemmer, or `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Lang {
    En,
    Ru,
    Lv,
    Lt,
    Sl,
    Other,
}

impl Lang {
    /// Every bucket, in field order.
    pub(crate) const ALL: [Lang; 6] = [
        Lang::En,
        Lang::Ru,
        Lang::Lv,
        Lang::Lt,
        Lang::Sl,
        Lang::Other,
    ];

    /// Maps a language tag ("en", "EN-us", "lv_LV") to its bucket; unknown tags go to `Other`.
    pub(crate) fn from_code(code: &str) -> Lang {
        match primary_subtag(code).as_str() {
            "en" => Lang::En,
            "ru" => Lang::Ru,
            "lv" => Lang::Lv,
            "lt" => Lang::Lt,
            "sl" => Lang::Sl,
            _ => Lang::Other,
        }
    }

    /// Short name used in field and tokenizer names.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Lv => "lv",
            Lang::Lt => "lt",
            Lang::Sl => "sl",
            Lang::Other => "xx",
        }
    }

    /// Position in [`Lang::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Normalises a language tag to its lowercase primary subtag ("pt-BR" → "pt").
pub fn primary_subtag(code: &str) -> String {
    code.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_lowercase()
}

/// Calls `f(start, end)` for each word of `text`: a maximal run of letters/digits, where an
/// apostrophe between two letters does not end the word. Public so that an engine compared
/// with this one (the benchmarks' FTS5 baseline) is given the same words.
pub fn for_each_word(text: &str, mut f: impl FnMut(usize, usize)) {
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if is_apostrophe(c)
            && start.is_some()
            && chars.peek().is_some_and(|&(_, next)| next.is_alphabetic())
        {
            continue;
        }
        if let Some(s) = start.take() {
            f(s, i);
        }
    }
    if let Some(s) = start {
        f(s, text.len());
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Lowercases and strips diacritics and apostrophes: "Parolē" → "parole", "Ёлка" → "елка".
pub(crate) fn fold_lower(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    if word.is_ascii() {
        for c in word.chars() {
            if !is_apostrophe(c) {
                out.push(c.to_ascii_lowercase());
            }
        }
        return out;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        if is_apostrophe(c) {
            continue;
        }
        if let Some(s) = special_fold(c) {
            out.push_str(s);
            continue;
        }
        // NFD splits "ē" into "e" + macron; dropping combining marks folds Latin and Cyrillic alike.
        for d in std::iter::once(c).nfd() {
            if !is_combining_mark(d) {
                out.push(d);
            }
        }
    }
    out
}

/// Letters that Unicode does not decompose but that people type without the stroke.
fn special_fold(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'ø' => "o",
        'đ' => "d",
        'ł' => "l",
        'æ' => "ae",
        'œ' => "oe",
        'ı' => "i",
        'þ' => "th",
        _ => return None,
    })
}

fn lowercase_no_apostrophes(word: &str) -> String {
    word.chars()
        .filter(|c| !is_apostrophe(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Stems one folded-or-lowercased word for `lang` and returns the index term.
pub(crate) fn term_for_word(lang: Lang, word: &str) -> String {
    match lang {
        Lang::En => fold_lower(&stem_cow(
            tantivy_stemmers::algorithms::english_porter_2,
            word,
        )),
        Lang::Ru => {
            let lower = lowercase_no_apostrophes(word).replace('ё', "е");
            fold_lower(&tantivy_stemmers::algorithms::russian(&lower))
        }
        Lang::Lt => fold_lower(&stem_cow(
            tantivy_stemmers::algorithms::lithuanian_jocas,
            word,
        )),
        Lang::Lv => stemming::latvian::stem(&lowercase_no_apostrophes(word)),
        Lang::Sl => stemming::slovenian::stem(&lowercase_no_apostrophes(word)),
        Lang::Other => fold_lower(word),
    }
}

fn stem_cow(stem: fn(&str) -> Cow<'_, str>, word: &str) -> String {
    let lower = lowercase_no_apostrophes(word);
    stem(&lower).into_owned()
}

/// Edge n-grams of a folded word: "pass" → "pa", "pas", "pass".
pub(crate) fn edge_ngrams(folded: &str, mut f: impl FnMut(&str)) {
    let mut count = 0;
    for (i, c) in folded.char_indices() {
        count += 1;
        if count > MAX_PREFIX_CHARS {
            break;
        }
        if count >= MIN_PREFIX_CHARS {
            f(&folded[..i + c.len_utf8()]);
        }
    }
}

/// Truncates a folded prefix to what the edge n-gram field holds.
pub(crate) fn prefix_key(folded: &str) -> Option<&str> {
    let chars = folded.chars().count();
    if chars < MIN_PREFIX_CHARS {
        return None;
    }
    match folded.char_indices().nth(MAX_PREFIX_CHARS) {
        Some((i, _)) => Some(&folded[..i]),
        None => Some(folded),
    }
}

/// What a tantivy field built with [`AnswerdeskTokenizer`] should hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenizerMode {
    /// Stemmed, folded terms for one language.
    Stemmed(Lang),
    /// Folded surface words, unstemmed (the spelling dictionary).
    Words,
    /// Edge n-grams of folded surface words (as-you-type prefixes).
    EdgeNgrams,
}

impl TokenizerMode {
    /// The name this tokenizer is registered under in every index.
    pub(crate) fn name(self) -> String {
        match self {
            TokenizerMode::Stemmed(lang) => format!("ad_stem_{}", lang.key()),
            TokenizerMode::Words => "ad_words".to_string(),
            TokenizerMode::EdgeNgrams => "ad_edge".to_string(),
        }
    }
}

/// tantivy tokenizer over [`for_each_word`] + [`term_for_word`]; tokens are built eagerly.
#[derive(Debug, Clone)]
pub(crate) struct AnswerdeskTokenizer {
    mode: TokenizerMode,
}

impl AnswerdeskTokenizer {
    pub(crate) fn new(mode: TokenizerMode) -> Self {
        AnswerdeskTokenizer { mode }
    }
}

/// Token stream over a pre-built token list.
pub(crate) struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
    /// Returned by `token()` before the first `advance()`, so no call can index out of bounds.
    fallback: Token,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.next.checked_sub(1) {
            Some(i) => self.tokens.get(i).unwrap_or(&self.fallback),
            None => &self.fallback,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.fallback,
        }
    }
}

impl Tokenizer for AnswerdeskTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut position = 0usize;
        for_each_word(text, |from, to| {
            let raw = &text[from..to];
            if raw.chars().count() > MAX_WORD_CHARS {
                return;
            }
            let mut push = |t: &str| {
                tokens.push(Token {
                    offset_from: from,
                    offset_to: to,
                    position,
                    text: t.to_string(),
                    position_length: 1,
                })
            };
            match self.mode {
                TokenizerMode::Stemmed(lang) => push(&term_for_word(lang, raw)),
                TokenizerMode::Words => push(&fold_lower(raw)),
                TokenizerMode::EdgeNgrams => edge_ngrams(&fold_lower(raw), push),
            }
            position += 1;
        });
        VecTokenStream {
            tokens,
            next: 0,
            fallback: Token::default(),
        }
    }
}

/// Registers every Answerdesk tokenizer on an index.
pub(crate) fn register_tokenizers(index: &tantivy::Index) {
    let manager = index.tokenizers();
    for lang in Lang::ALL {
        let mode = TokenizerMode::Stemmed(lang);
        manager.register(&mode.name(), AnswerdeskTokenizer::new(mode));
    }
    for mode in [TokenizerMode::Words, TokenizerMode::EdgeNgrams] {
        manager.register(&mode.name(), AnswerdeskTokenizer::new(mode));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: Lang, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |from, to| {
            out.push(term_for_word(lang, &text[from..to]))
        });
        out
    }

    fn folded_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |from, to| out.push(fold_lower(&text[from..to])));
        out
    }

    #[test]
    fn folding_strips_diacritics_in_latin_and_cyrillic() {
        assert_eq!(fold_lower("Parolē"), "parole");
        assert_eq!(fold_lower("Žaporka"), "zaporka");
        assert_eq!(fold_lower("Ёлка"), "елка");
        assert_eq!(fold_lower("Straße"), "strasse");
    }

    #[test]
    fn apostrophes_join_words_and_punctuation_splits() {
        let words = folded_words("can't log-in: \"now\"");
        assert_eq!(words, ["cant", "log", "in", "now"]);
    }

    #[test]
    fn english_and_russian_stemming() {
        assert_eq!(terms(Lang::En, "passwords"), terms(Lang::En, "password"));
        assert_eq!(terms(Lang::En, "charged"), terms(Lang::En, "charges"));
        assert_eq!(terms(Lang::Ru, "пароля"), terms(Lang::Ru, "пароль"));
        assert_eq!(terms(Lang::Ru, "паролем"), terms(Lang::Ru, "Пароль"));
    }

    #[test]
    fn latvian_and_slovenian_stemming_matches_inflections() {
        let p = terms(Lang::Lv, "parole");
        assert_eq!(terms(Lang::Lv, "paroli"), p);
        assert_eq!(terms(Lang::Lv, "paroles"), p);
        assert_eq!(terms(Lang::Lv, "parolē"), p);
        let g = terms(Lang::Sl, "geslo");
        assert_eq!(terms(Lang::Sl, "gesla"), g);
        assert_eq!(terms(Lang::Sl, "geslom"), g);
    }

    #[test]
    fn lithuanian_stemmer_is_diacritics_insensitive_on_common_forms() {
        assert_eq!(
            terms(Lang::Lt, "slaptažodis"),
            terms(Lang::Lt, "slaptažodį")
        );
        assert_eq!(
            terms(Lang::Lt, "slaptažodis"),
            terms(Lang::Lt, "slaptazodis")
        );
    }

    #[test]
    fn edge_ngrams_and_prefix_keys() {
        let mut grams = Vec::new();
        edge_ngrams("pass", |g| grams.push(g.to_string()));
        assert_eq!(grams, ["pa", "pas", "pass"]);
        assert_eq!(prefix_key("p"), None);
        assert_eq!(prefix_key("internationalization"), Some("internationaliz"));
    }

    #[test]
    fn tokenizer_drops_overlong_words_and_emits_grams() {
        let mut tok = AnswerdeskTokenizer::new(TokenizerMode::EdgeNgrams);
        let long = format!("{} abc", "x".repeat(MAX_WORD_CHARS + 1));
        let mut stream = tok.token_stream(&long);
        let mut grams = Vec::new();
        while stream.advance() {
            grams.push(stream.token().text.clone());
        }
        assert_eq!(grams, ["ab", "abc"]);
        let mut empty = AnswerdeskTokenizer::new(TokenizerMode::Words);
        let mut stream = empty.token_stream("");
        assert!(!stream.advance());
        assert_eq!(stream.token().text, "");
    }
}
