//! Any Unicode string is a valid query.

mod search_support;

use std::sync::OnceLock;

use answerdesk::search::{SearchIndex, SuggestRequest};
use proptest::prelude::*;

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(search_support::help_index())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_is_a_valid_query(text in any::<String>(), lang in proptest::option::of("[a-z]{0,3}"), offset in 0usize..20) {
        let request = SuggestRequest { text: &text, lang: lang.as_deref(), category: None, limit: 5, offset };
        let hits = index().suggest_articles(&request).expect("suggest never fails");
        prop_assert!(hits.len() <= 5);
        let page = index().search_articles(&request).expect("search never fails");
        prop_assert!(page.hits.len() <= 5);
        for hit in hits.iter().chain(&page.hits) {
            prop_assert!(!hit.snippet_html.contains("<script"));
        }
    }

    #[test]
    fn punctuation_and_whitespace_give_nothing(text in "[\\s\\p{P}\\p{S}]{0,40}") {
        let request = SuggestRequest { text: &text, lang: None, category: None, limit: 5, offset: 0 };
        prop_assert!(index().suggest_articles(&request).expect("suggest").is_empty());
        prop_assert_eq!(index().search_articles(&request).expect("search").total, 0);
    }

    #[test]
    fn mixed_scripts_and_syntax(words in proptest::collection::vec("[a-zA-Zāēīūšžčņļķģ\\p{Cyrillic}\"():*~^-]{1,12}", 0..40)) {
        let text = words.join(" ");
        let request = SuggestRequest { text: &text, lang: None, category: None, limit: 5, offset: 0 };
        index().suggest_articles(&request).expect("suggest never fails");
    }
}
