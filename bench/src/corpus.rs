//! A deterministic synthetic knowledge base and deterministic as-you-type queries.
//!
//! The corpus has a Zipf-distributed vocabulary (common function words at the head), bodies
//! of 150–400 words and titles drawn from each article's own topic words, so titles relate to
//! bodies as in a real help centre. Queries have 3–8 words; in half of them the last word is
//! cut to a 3–5 letter prefix (typing in progress), a quarter carry one typo.

use answerdesk::search::ArticleDocument;

/// A small, seeded PRNG (SplitMix64): deterministic across platforms and releases.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator with a fixed seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
}

const FUNCTION_WORDS: &[&str] = &[
    "the", "to", "and", "a", "you", "your", "of", "in", "is", "for", "on", "it", "this", "with",
    "can", "be", "if", "or", "not", "are", "how", "my", "do", "i", "from", "when", "that", "will",
    "an", "at", "by", "as", "what", "why", "all", "after", "before", "then", "there", "more",
];

const SYLLABLES: &[&str] = &[
    "ac", "al", "ar", "ba", "be", "bi", "bo", "ca", "ce", "ch", "co", "da", "de", "di", "do", "el",
    "en", "er", "fa", "fi", "fo", "ga", "ge", "go", "ha", "he", "in", "is", "ka", "la", "le", "li",
    "lo", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "or", "pa", "pe", "pi", "po", "ra", "re",
    "ri", "ro", "sa", "se", "si", "so", "st", "ta", "te", "ti", "to", "tr", "un", "va", "ve", "vi",
    "wa", "we", "ya", "za",
];

/// The synthetic vocabulary with Zipf sampling.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(size: usize, rng: &mut Rng) -> Vocabulary {
        let mut words: Vec<String> = FUNCTION_WORDS.iter().map(|w| w.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < size {
            let syllables = rng.range(2, 4);
            let w: String = (0..syllables)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(1.05);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn zipf(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        &self.words[i.min(self.words.len() - 1)]
    }

    /// A mid-frequency word: topic words are neither "the" nor hapaxes.
    fn topical(&self, rng: &mut Rng) -> &str {
        let lo = FUNCTION_WORDS.len() + 50;
        let hi = self.words.len().saturating_sub(1).max(lo + 1);
        &self.words[rng.range(lo, hi).min(self.words.len() - 1)]
    }
}

/// `n` deterministic articles (ids "kb-000001"...), all published, English.
pub fn generate_corpus(n: usize, seed: u64) -> Vec<ArticleDocument> {
    let mut rng = Rng::new(seed);
    let vocab = Vocabulary::new(30_000, &mut rng);
    (0..n)
        .map(|i| {
            let topic: Vec<&str> = (0..8).map(|_| vocab.topical(&mut rng)).collect();
            let title_len = rng.range(3, 8);
            let title_words: Vec<&str> = (0..title_len)
                .map(|k| {
                    if k % 3 == 1 {
                        FUNCTION_WORDS[rng.below(12)]
                    } else {
                        topic[rng.below(topic.len())]
                    }
                })
                .collect();
            let mut title = title_words.join(" ");
            if let Some(first) = title.get(..1) {
                title = first.to_uppercase() + &title[1..];
            }
            let body_len = rng.range(150, 400);
            let mut body = String::with_capacity(body_len * 7);
            let mut sentence_left = 0;
            for _ in 0..body_len {
                let word = if rng.chance(0.25) {
                    topic[rng.below(topic.len())]
                } else {
                    vocab.zipf(&mut rng)
                };
                if sentence_left == 0 {
                    if !body.is_empty() {
                        body.push_str(". ");
                    }
                    sentence_left = rng.range(8, 20);
                } else {
                    body.push(' ');
                }
                body.push_str(word);
                sentence_left -= 1;
            }
            body.push('.');
            ArticleDocument {
                id: format!("kb-{:06}", i + 1),
                title,
                body,
                category: format!("cat-{}", i % 12),
                lang: "en".to_string(),
                published: true,
                ..Default::default()
            }
        })
        .collect()
}

/// Gives every article of `corpus` `per_article` learned phrasings, as the learning job
/// would after customers typed them: 3–8 words of the article (title and body) each, so the
/// engine is timed with the aliases field as full as learning makes it.
pub fn add_learned_phrasings(corpus: &mut [ArticleDocument], per_article: usize, seed: u64) {
    let mut rng = Rng::new(seed ^ 0x1EA2);
    for doc in corpus.iter_mut() {
        let words: Vec<String> = doc
            .title
            .split_whitespace()
            .chain(doc.body.split_whitespace())
            .map(|w| w.trim_matches('.').to_lowercase())
            .collect();
        if words.is_empty() {
            continue;
        }
        doc.learned = (0..per_article)
            .map(|_| {
                let len = rng.range(3, 8);
                (0..len)
                    .map(|_| words[rng.below(words.len()).min(words.len() - 1)].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
    }
}

/// `n` deterministic queries over `corpus`: 3–8 words from one article (title and body),
/// the last word cut to a 3–5 letter prefix in half of them, one typo in a quarter.
pub fn generate_queries(corpus: &[ArticleDocument], n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed ^ 0x5EED);
    if corpus.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|_| {
            let doc = &corpus[rng.below(corpus.len())];
            let title: Vec<&str> = doc.title.split_whitespace().collect();
            let body: Vec<&str> = doc.body.split_whitespace().collect();
            let len = rng.range(3, 8);
            let mut words: Vec<String> = (0..len)
                .map(|_| {
                    let from_title = rng.chance(0.5) && !title.is_empty();
                    let pool = if from_title { &title } else { &body };
                    pool[rng
                        .below(pool.len().max(1))
                        .min(pool.len().saturating_sub(1))]
                    .trim_matches('.')
                    .to_lowercase()
                })
                .collect();
            if rng.chance(0.25) {
                let long: Vec<usize> = (0..words.len()).filter(|&i| words[i].len() >= 5).collect();
                if !long.is_empty() {
                    let i = long[rng.below(long.len())];
                    words[i] = typo(&words[i], &mut rng);
                }
            }
            if rng.chance(0.5)
                && let Some(last) = words.last_mut()
            {
                let cut = rng.range(3, 5);
                if last.chars().count() > cut {
                    *last = last.chars().take(cut).collect();
                }
            }
            words.join(" ")
        })
        .collect()
}

fn typo(word: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let i = rng.range(1, chars.len().saturating_sub(2).max(1));
    match rng.below(3) {
        0 => {
            chars.remove(i);
        }
        1 if i + 1 < chars.len() => chars.swap(i, i + 1),
        _ => chars[i] = (b'a' + rng.below(26) as u8) as char,
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_deterministic_and_shaped() {
        let a = generate_corpus(20, 7);
        let b = generate_corpus(20, 7);
        assert_eq!(a, b);
        for doc in &a {
            let words = doc.body.split_whitespace().count();
            assert!((150..=400).contains(&words), "{words}");
            assert!(!doc.title.is_empty());
        }
        let q1 = generate_queries(&a, 50, 7);
        assert_eq!(q1, generate_queries(&a, 50, 7));
        for q in &q1 {
            let n = q.split_whitespace().count();
            assert!((1..=8).contains(&n), "{q}");
        }
    }
}
