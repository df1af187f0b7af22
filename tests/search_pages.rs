//! A customer searching the shipped help centre, through the real router and index.

mod common;

use axum::http::StatusCode;
use common::{TestDatabase, shipped_content, spawn_app};

fn slugs(body: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
    json["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| s["slug"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn a_long_messy_request_finds_the_password_articles_first() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let query = common::encode(
        "hi, since yesterday I can't log in to my account, it says wrong password but I reset it twice",
    );
    let response = app.get(&format!("/api/suggest?q={query}")).await;
    assert_eq!(response.status, StatusCode::OK);
    let found = slugs(&response.body);
    assert!(found.len() <= 5);
    let top_two = &found[..2.min(found.len())];
    assert!(
        top_two
            .iter()
            .any(|s| s == "reset-your-password" || s == "i-cant-sign-in"),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_misspelt_or_half_typed_word_still_finds_the_article() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    for query in ["pasword", "reset pass", "charged twise", "two factor auth"] {
        let response = app
            .get(&format!("/api/suggest?q={}", common::encode(query)))
            .await;
        let found = slugs(&response.body);
        let expected = match query {
            "charged twise" => "why-was-i-charged-twice",
            "two factor auth" => "set-up-two-factor-authentication",
            _ => "reset-your-password",
        };
        assert!(
            found.iter().take(3).any(|s| s == expected),
            "{query}: {found:?}"
        );
    }
}

#[tokio::test]
async fn an_off_topic_request_gets_no_suggestions() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    for query in [
        "best recipe for banana bread with walnuts",
        "weather forecast for tomorrow in paris",
        "who won the football world cup",
    ] {
        let response = app
            .get(&format!("/api/suggest?q={}", common::encode(query)))
            .await;
        assert_eq!(slugs(&response.body), Vec::<String>::new(), "{query}");
    }
}

#[tokio::test]
async fn the_page_language_is_preferred_and_diacritics_do_not_matter() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let latvian = slugs(&app.get("/api/suggest?q=parole&lang=lv").await.body);
    assert_eq!(
        latvian.first().map(String::as_str),
        Some("paroles-atiestatisana"),
        "{latvian:?}"
    );
    let russian = slugs(
        &app.get(&format!(
            "/api/suggest?q={}",
            common::encode("сброс пароля")
        ))
        .await
        .body,
    );
    assert_eq!(
        russian.first().map(String::as_str),
        Some("sbros-parolya"),
        "{russian:?}"
    );
}

#[tokio::test]
async fn query_syntax_and_bad_parameters_never_cause_a_server_error() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    for query in [
        "\"",
        "title:password",
        "(refund",
        "*",
        "~2",
        "AND OR NOT",
        "",
    ] {
        let response = app
            .get(&format!("/api/suggest?q={}", common::encode(query)))
            .await;
        assert_eq!(response.status, StatusCode::OK, "{query:?}");
        let page = app
            .get(&format!("/en/search?q={}", common::encode(query)))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{query:?}");
    }
    // A NUL character is refused as invalid input, never a server error.
    for path in ["/api/suggest?q=a%00b", "/en/search?q=a%00b"] {
        assert_eq!(
            app.get(path).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
    }
    assert_eq!(
        slugs(&app.get("/api/suggest?q=").await.body),
        Vec::<String>::new()
    );
    let long = "password ".repeat(500);
    assert_eq!(
        app.get(&format!("/api/suggest?q={}", common::encode(&long)))
            .await
            .status,
        StatusCode::OK
    );
    let bad_limit = app.get("/api/suggest?q=refund&limit=0").await;
    assert_eq!(bad_limit.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_limit.body.contains("limit must be"),
        "{}",
        bad_limit.body
    );
    assert_eq!(
        app.get("/api/search?q=refund&page=abc").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/en/search?q=refund&page=0").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_results_page_shows_highlighted_snippets_counts_and_a_category_filter() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let page = app.get("/en/search?q=refund").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<mark>"),
        "matched words are highlighted"
    );
    assert!(page.body.contains("articles.") || page.body.contains("1 article found"));
    assert!(page.body.contains("name=\"category\""));
    let filtered = app
        .get("/en/search?q=refund&category=billing-and-subscription")
        .await;
    assert!(
        filtered.body.contains("/en/articles/request-a-refund"),
        "the billing article stays"
    );
    assert!(
        !filtered
            .body
            .contains("/en/articles/credit-notes-and-refunds-to-clients"),
        "other categories are filtered out"
    );
}

#[tokio::test]
async fn the_results_page_counts_only_the_articles_that_really_match() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let english_articles = std::fs::read_dir(shipped_content().join("en"))
        .expect("shipped English articles")
        .count() as u64;
    for request in ["how do I export my data to excel", "can't log in", "refund"] {
        let found: serde_json::Value = serde_json::from_str(
            &app.get(&format!(
                "/api/search?q={}&lang=en&limit=50",
                common::encode(request)
            ))
            .await
            .body,
        )
        .expect("JSON");
        let total = found["total"].as_u64().expect("total");
        let listed = found["suggestions"].as_array().map_or(0, Vec::len) as u64;
        assert!(total >= 1, "{request}: {found}");
        assert!(
            total * 3 <= english_articles,
            "{request}: {total} of {english_articles} articles counted as matches"
        );
        assert_eq!(listed, total, "{request}: every counted article is listed");
    }
    let page = app
        .get("/en/search?q=how%20do%20I%20export%20my%20data%20to%20excel")
        .await;
    assert!(
        page.body
            .contains("/en/articles/export-or-delete-your-data-gdpr"),
        "the export article is found"
    );
    assert!(
        !page.body.contains("/en/articles/connect-paypal"),
        "an article sharing only filler words is not a result"
    );
}

#[tokio::test]
async fn a_long_article_lists_its_sections_under_on_this_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = "Intro.\n\n## Before you start\n\nText.\n\n### Check your plan\n\nText.\n\n\
                ## Connect the account\n\nText.\n\n## If it fails\n\nText.\n";
    common::write_file(
        dir.path(),
        "en/long-guide.md",
        &common::article_file("A long guide", "", body),
    );
    common::write_file(
        dir.path(),
        "en/short-note.md",
        &common::article_file("A short note", "", "## Only section\n\nText.\n"),
    );
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, dir.path()).await;
    let long = app.get("/en/articles/long-guide").await;
    assert!(long.body.contains("On this page"), "{}", long.body);
    for (anchor, text) in [
        ("a-before-you-start", "Before you start"),
        ("a-check-your-plan", "Check your plan"),
        ("a-if-it-fails", "If it fails"),
    ] {
        assert!(
            long.body
                .contains(&format!("<a href=\"#{anchor}\">{text}</a>")),
            "{anchor}"
        );
        assert!(
            long.body.contains(&format!("id=\"{anchor}\"")),
            "the link has a target"
        );
    }
    let short = app.get("/en/articles/short-note").await;
    assert!(!short.body.contains("On this page"));
}

#[tokio::test]
async fn a_search_with_no_results_offers_popular_articles_and_support_with_the_query() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let page = app.get("/en/search?q=zzzqqqxxx").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("No articles match your search."));
    assert!(page.body.contains("Popular articles"));
    assert!(
        page.body.contains("/en/request/new?q=zzzqqqxxx"),
        "contact support carries the query"
    );
}

#[tokio::test]
async fn the_search_api_pages_through_results() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let first: serde_json::Value =
        serde_json::from_str(&app.get("/api/search?q=invoice&limit=3").await.body).expect("JSON");
    let second: serde_json::Value =
        serde_json::from_str(&app.get("/api/search?q=invoice&limit=3&page=2").await.body)
            .expect("JSON");
    let total = first["total"].as_u64().expect("total");
    assert!(total > 3, "{first}");
    assert_eq!(first["suggestions"].as_array().map(Vec::len), Some(3));
    assert_ne!(
        first["suggestions"][0]["slug"],
        second["suggestions"][0]["slug"]
    );
    assert!(
        first["suggestions"][0]["url"]
            .as_str()
            .unwrap_or("")
            .starts_with("/en/articles/")
    );
}

#[tokio::test]
async fn a_newly_imported_article_is_searchable_as_soon_as_it_is_indexed() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let content = tempfile::tempdir().expect("temp dir");
    common::write_file(
        content.path(),
        "en/carbon-neutral-invoices.md",
        &common::article_file(
            "Carbon neutral invoicing",
            "category: Invoices and quotes\n",
            "We plant a tree for every invoice.",
        ),
    );
    answerdesk::articles::import_directory(&app.state.db, content.path(), "en", "import")
        .await
        .expect("import");
    app.state.index_article_changes().await.expect("indexed");
    let found = slugs(&app.get("/api/suggest?q=carbon%20neutral").await.body);
    assert_eq!(
        found.first().map(String::as_str),
        Some("carbon-neutral-invoices")
    );
}
