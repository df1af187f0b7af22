//! Relevance behaviour on a small hand-made help centre.

mod search_support;

use answerdesk::search::SuggestRequest;
use search_support::{help_index, ids, req};

#[tokio::test]
async fn misspelt_word_finds_the_article() {
    let index = help_index().await;
    let hits = index.suggest_articles(&req("pasword ")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"reset-password"), "{hits:?}");
    // 5+ letters: one edit is forgiven ("strip" → "stripe").
    let hits = index.suggest_articles(&req("strip ")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"connect-stripe"), "{hits:?}");
}

#[tokio::test]
async fn last_word_is_a_prefix_while_typing() {
    let index = help_index().await;
    let hits = index.suggest_articles(&req("reset pass")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"reset-password"), "{hits:?}");
    let hits = index.suggest_articles(&req("strip")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"connect-stripe"), "{hits:?}");
}

#[tokio::test]
async fn a_finished_word_is_not_a_prefix() {
    let index = help_index().await;
    // "conn" while typing completes to "connect"; "conn " is a finished word no article has
    // (and too short to be treated as a typo).
    let typing = index.suggest_articles(&req("conn")).expect("suggest");
    assert_eq!(ids(&typing).first(), Some(&"connect-stripe"), "{typing:?}");
    let hits = index.suggest_articles(&req("conn ")).expect("suggest");
    assert!(!ids(&hits).contains(&"connect-stripe"), "{hits:?}");
}

#[tokio::test]
async fn exact_word_outranks_prefix_completion() {
    let index = help_index().await;
    let hits = index.suggest_articles(&req("pass")).expect("suggest");
    let order = ids(&hits);
    let exact = order.iter().position(|&id| id == "pass-fees");
    let completion = order.iter().position(|&id| id == "reset-password");
    assert!(exact.is_some() && completion.is_some(), "{order:?}");
    assert!(exact < completion, "{order:?}");
}

#[tokio::test]
async fn long_messy_request_ranks_the_real_problem_first() {
    let index = help_index().await;
    let text = "hi, since yesterday I can't log in to my account, it says wrong password but I \
                reset it twice";
    let hits = index.suggest_articles(&req(text)).expect("suggest");
    let order = ids(&hits);
    assert_eq!(order.first(), Some(&"reset-password"), "{order:?}");
    for merely_yesterday in ["export-invoices", "payment-reminders"] {
        if let Some(p) = order.iter().position(|&id| id == merely_yesterday) {
            assert!(p > 0, "{order:?}");
        }
    }
}

#[tokio::test]
async fn off_topic_requests_get_no_suggestion() {
    let index = help_index().await;
    for text in ["what is the capital of peru", "recipe for banana bread"] {
        let hits = index.suggest_articles(&req(text)).expect("suggest");
        assert!(hits.is_empty(), "{text}: {hits:?}");
    }
}

#[tokio::test]
async fn diacritics_do_not_matter() {
    let index = help_index().await;
    let hits = index.suggest_articles(&req("parole ")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"lv-paroles"), "{hits:?}");
    let hits = index.suggest_articles(&req("zaporka ")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"hr-zaporka"), "{hits:?}");
    let hits = index
        .suggest_articles(&req("slaptazodis "))
        .expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"lt-slaptazodis"), "{hits:?}");
}

#[tokio::test]
async fn inflected_forms_match_in_latvian_russian_and_slovenian() {
    let index = help_index().await;
    for (text, id) in [
        ("paroli ", "lv-paroles"),
        ("paroles atiestatīšanu ", "lv-paroles"),
        ("пароль ", "ru-sbros"),
        ("забыл пароля ", "ru-sbros"),
        ("geslo ", "sl-geslo"),
        ("geslom ", "sl-geslo"),
    ] {
        let hits = index.suggest_articles(&req(text)).expect("suggest");
        assert_eq!(ids(&hits).first(), Some(&id), "{text}: {hits:?}");
    }
}

#[tokio::test]
async fn language_filter_is_strict() {
    let index = help_index().await;
    let lv = SuggestRequest {
        lang: Some("lv"),
        ..req("paroles ")
    };
    let hits = index.suggest_articles(&lv).expect("suggest");
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.lang == "lv"), "{hits:?}");
    let ru_only = SuggestRequest {
        lang: Some("ru"),
        ..req("reset password ")
    };
    assert!(
        index
            .search_articles(&ru_only)
            .expect("search")
            .hits
            .is_empty()
    );
    // A language without its own analyzer still filters by its code.
    let hr = SuggestRequest {
        lang: Some("hr"),
        ..req("prijava ")
    };
    let hits = index.search_articles(&hr).expect("search").hits;
    assert_eq!(ids(&hits), ["hr-zaporka"]);
}

#[tokio::test]
async fn category_filter_and_paging_on_the_results_page() {
    let index = help_index().await;
    let billing = SuggestRequest {
        category: Some("billing"),
        limit: 10,
        ..req("invoice payment card ")
    };
    let page = index.search_articles(&billing).expect("search");
    assert!(page.total >= 2, "{page:?}");
    assert!(
        page.hits.iter().all(|h| h.category == "billing"),
        "{page:?}"
    );

    let all = SuggestRequest {
        limit: 10,
        ..req("invoice payment card ")
    };
    let full = index.search_articles(&all).expect("search");
    let first = index
        .search_articles(&SuggestRequest { limit: 2, ..all })
        .expect("page 1");
    let second = index
        .search_articles(&SuggestRequest {
            limit: 2,
            offset: 2,
            ..all
        })
        .expect("page 2");
    assert_eq!(first.total, full.total);
    assert_eq!(second.total, full.total);
    let paged: Vec<&str> = ids(&first.hits)
        .into_iter()
        .chain(ids(&second.hits))
        .collect();
    assert_eq!(paged, ids(&full.hits)[..paged.len()].to_vec());
    assert_eq!(paged.len(), 4.min(full.hits.len()));
    let beyond = SuggestRequest {
        offset: 1000,
        ..all
    };
    assert!(
        index
            .search_articles(&beyond)
            .expect("search")
            .hits
            .is_empty()
    );
}

#[tokio::test]
async fn snippets_mark_matches_and_escape_html() {
    let index = help_index().await;
    let hits = index
        .suggest_articles(&req("spam folder password "))
        .expect("suggest");
    let hit = hits
        .iter()
        .find(|h| h.id == "reset-password")
        .expect("reset-password suggested");
    assert!(hit.snippet_html.contains("<mark>"), "{}", hit.snippet_html);
    assert!(
        hit.snippet_html.contains("&lt;script&gt;"),
        "{}",
        hit.snippet_html
    );
    assert!(
        !hit.snippet_html.contains("<script"),
        "{}",
        hit.snippet_html
    );
}

#[tokio::test]
async fn unpublished_articles_are_never_returned() {
    let index = help_index().await;
    let hits = index
        .search_articles(&SuggestRequest {
            limit: 50,
            ..req("password reset draft unpublished ")
        })
        .expect("search");
    assert!(!ids(&hits.hits).contains(&"draft-password"), "{hits:?}");
}

#[tokio::test]
async fn query_syntax_is_just_text() {
    let index = help_index().await;
    for text in [
        r#"title:"password" AND (reset* OR -sign~2)"#,
        "password^5 [reset TO z] {x} \\ / ! && ||",
        "\"unclosed (paren - -- * ~ :",
    ] {
        let hits = index
            .suggest_articles(&req(text))
            .expect("any text is a valid query");
        if text.contains("password") {
            assert_eq!(
                ids(&hits).first(),
                Some(&"reset-password"),
                "{text}: {hits:?}"
            );
        }
    }
}

#[tokio::test]
async fn empty_and_punctuation_only_text_returns_nothing() {
    let index = help_index().await;
    for text in ["", "   ", "?!…", " -- \"\" () ", "\u{200b}\u{3000}"] {
        assert!(
            index
                .suggest_articles(&req(text))
                .expect("suggest")
                .is_empty()
        );
        let page = index.search_articles(&req(text)).expect("search");
        assert_eq!(page.total, 0);
        assert!(page.hits.is_empty());
    }
    let zero = SuggestRequest {
        limit: 0,
        ..req("password")
    };
    assert!(index.suggest_articles(&zero).expect("suggest").is_empty());
}

#[tokio::test]
async fn a_request_made_only_of_stop_words_suggests_nothing() {
    let index = help_index().await;
    for text in [
        "the",
        "the ",
        "how",
        "how do i ",
        "what is the",
        "и",
        "как ",
        "kas",
        "un ",
        "in ",
        "kaj",
        "please help, I need to get",
    ] {
        let hits = index.suggest_articles(&req(text)).expect("suggest");
        assert!(hits.is_empty(), "{text:?}: {hits:?}");
    }
    // Weighed, not deleted: with a content word, a question word still helps.
    let hits = index.suggest_articles(&req("how reset ")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"reset-password"), "{hits:?}");
}

#[tokio::test]
async fn a_long_request_is_not_matched_on_filler_alone() {
    let index = help_index().await;
    // Every article shares "the", "I", "need", "get", "before" with this; none its subject.
    let text = "Before the weekend I need to get the quarterly figures out, and I would like to \
                know what the best way is to get them to the board before Monday";
    let hits = index.suggest_articles(&req(text)).expect("suggest");
    assert!(hits.is_empty(), "{hits:?}");
}

#[tokio::test]
async fn a_half_typed_word_does_not_outweigh_the_words_before_it() {
    let mut articles = search_support::help_centre();
    let mut webhooks = search_support::article(
        "set-up-webhooks",
        "en",
        "integrations",
        "Set up webhooks",
        "Webhooks notify your server when something happens in your account, signed with \
         your API passkey.",
    );
    webhooks.headings = vec!["Passkeys and retries".into()];
    articles.push(webhooks);
    let index = answerdesk::search::SearchIndex::in_memory().expect("index");
    index.rebuild(articles).await.expect("rebuild");
    let hits = index.suggest_articles(&req("reset pass")).expect("suggest");
    let order = ids(&hits);
    assert_eq!(order.first(), Some(&"reset-password"), "{order:?}");
    // Reached only by completing the word still being typed ("passkeys"), webhooks is no
    // confident match beside an article that matches the finished word.
    assert!(!order.contains(&"set-up-webhooks"), "{order:?}");
    // Alone, the half-typed word is all there is to go on, and it completes.
    let hits = index.suggest_articles(&req("webh")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"set-up-webhooks"), "{hits:?}");
}

/// The shipped help centre, as customers search it.
async fn shipped_help_centre() -> answerdesk::search::SearchIndex {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let articles = answerdesk::search::eval::load_corpus(&content).expect("content");
    let index = answerdesk::search::SearchIndex::in_memory().expect("index");
    index.rebuild(articles).await.expect("rebuild");
    index
}

#[tokio::test]
async fn a_latvian_customer_describing_an_outage_in_their_own_words_is_offered_the_outage_article()
{
    let index = shipped_help_centre().await;
    for text in [
        "Ledgerline nestrādā — šorīt lapa vispār neatveras, rāda tukšu ekrānu, un kolēģiem ir \
         tas pats.",
        "ledgerline nestrada, lapa neatveras, tukss ekrans",
    ] {
        let hits = index
            .suggest_in_language_first(&SuggestRequest {
                lang: Some("lv"),
                ..req(text)
            })
            .expect("suggest");
        assert_eq!(
            ids(&hits).first(),
            Some(&"vai-ledgerline-nedarbojas"),
            "{text}: {hits:?}"
        );
    }
}

#[tokio::test]
async fn a_slovenian_customer_whose_payment_failed_is_offered_the_failed_payment_article() {
    let index = shipped_help_centre().await;
    let text = "Včeraj sem dobila sporočilo, da mesečne naročnine ni bilo mogoče poravnati, ker \
                je banka plačilo zavrnila. Kaj zdaj?";
    let hits = index
        .suggest_in_language_first(&SuggestRequest {
            lang: Some("sl"),
            ..req(text)
        })
        .expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"placilo-ni-uspelo"), "{hits:?}");
}

#[tokio::test]
async fn the_review_step_offers_only_articles_about_the_problem_not_ones_sharing_its_filler() {
    let index = shipped_help_centre().await;
    // What the review step searches: the subject, then the description.
    let text = "Cannot download invoice PDF\nWhen I click the Download PDF button nothing \
                happens. I need to get the invoice to my client before Friday.";
    let hits = index
        .suggest_in_language_first(&req(text))
        .expect("suggest");
    let order = ids(&hits);
    assert_eq!(order.first(), Some(&"invoice-pdf-looks-wrong"), "{order:?}");
    // They share "button", "nothing" and "get" with it, not its problem.
    for leftover in ["i-cant-sign-in", "is-ledgerline-down"] {
        assert!(!order.contains(&leftover), "{order:?}");
    }
}
