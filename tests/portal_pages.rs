//! A customer browsing the help centre: every page, with the right status, on every backend.

mod common;

use axum::http::{StatusCode, header};
use common::{article_file, shipped_content, spawn_app, test_databases, write_file};

#[tokio::test]
async fn the_home_page_shows_search_categories_with_counts_and_a_way_to_contact_support() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let page = app.get("/en").await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.backend);
        assert!(page.body.contains("<html lang=\"en\">"));
        assert!(page.body.contains("Test Help Centre"));
        assert!(
            page.body.contains("action=\"/en/search\""),
            "the search box goes to /en/search"
        );
        assert!(
            page.body.contains("href=\"/en/request/new\""),
            "contact support link"
        );
        assert!(
            page.body
                .contains("href=\"/en/categories/account-and-login\"")
        );
        assert!(page.body.contains("Account and login"));
        assert!(page.body.contains(" articles</span>"), "category counts");
        assert!(page.body.contains("Popular articles") && page.body.contains("Recently updated"));
        assert!(page.body.contains("<main id=\"main\""), "main landmark");
        assert!(
            !page.body.contains("Offline mode in the mobile app"),
            "drafts are never listed"
        );
    }
}

#[tokio::test]
async fn an_article_page_has_breadcrumbs_its_date_related_articles_and_translations() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let page = app.get("/en/articles/reset-your-password").await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.backend);
        assert!(
            page.body
                .contains("<h1 id=\"article-title\">Reset your password</h1>")
        );
        assert!(page.body.contains("aria-label=\"Breadcrumb\""));
        assert!(page.body.contains("<time datetime=\""));
        assert!(page.body.contains("Related articles"));
        assert!(
            page.body.contains("href=\"/en/articles/i-cant-sign-in\""),
            "a related article in the same category"
        );
        assert!(
            page.body
                .contains("href=\"/lv/articles/paroles-atiestatisana\" lang=\"lv\""),
            "link to the Latvian translation"
        );

        let latvian = app.get("/lv/articles/paroles-atiestatisana").await;
        assert_eq!(latvian.status, StatusCode::OK);
        assert!(
            latvian.body.contains("<html lang=\"lv\">"),
            "the page language is the article's"
        );
        assert!(
            latvian
                .body
                .contains("href=\"/en/articles/reset-your-password\" lang=\"en\""),
            "link back to the original"
        );
    }
}

#[tokio::test]
async fn category_pages_list_their_articles_with_summaries_and_search_within_them() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let category = app.get("/en/categories/billing-and-subscription").await;
        assert_eq!(category.status, StatusCode::OK, "[{}]", app.backend);
        assert!(
            category
                .body
                .contains("href=\"/en/articles/why-was-i-charged-twice\"")
        );

        assert!(
            category.body.contains(
                "<p class=\"article-summary\">We want you to be happy paying for Ledgerline. \
                 Here&#x27;s when we can refund you, and how to ask.</p>"
            ),
            "each article shows its first sentences: {}",
            category.body
        );
        assert!(
            category.body.contains(
                "<input type=\"hidden\" name=\"category\" value=\"billing-and-subscription\">"
            ),
            "the search box searches within the category"
        );
        let within = app
            .get("/en/search?q=refund&category=billing-and-subscription")
            .await;
        assert!(within.body.contains("/en/articles/request-a-refund"));
        assert!(
            !within
                .body
                .contains("/en/articles/credit-notes-and-refunds-to-clients")
        );

        let latvian = app.get("/lv").await;
        assert_eq!(latvian.status, StatusCode::OK);
        assert!(latvian.body.contains("<html lang=\"lv\">"));
        assert!(
            latvian
                .body
                .contains("href=\"/lv/articles/paroles-atiestatisana\"")
        );

        assert_eq!(
            app.get("/xx").await.status,
            StatusCode::NOT_FOUND,
            "a language the portal does not speak"
        );
        assert_eq!(
            app.get("/en/categories/no-such-category").await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn unknown_pages_and_drafts_get_the_friendly_not_found_page() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        for path in [
            "/en/articles/offline-mode-in-the-mobile-app",
            "/en/articles/no-such-article",
            "/no/such/page",
        ] {
            let page = app.get(path).await;
            assert_eq!(
                page.status,
                StatusCode::NOT_FOUND,
                "[{}] {path}",
                app.backend
            );
            assert!(
                page.body.contains("We couldn&#x27;t find that page"),
                "{path}"
            );
            assert!(
                page.body.contains("action=\"/en/search\""),
                "{path} offers search"
            );
        }
    }
}

#[tokio::test]
async fn images_are_served_but_nothing_else_from_the_content_directory() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let image = app.get("/content/images/invoice-status-flow.svg").await;
    assert_eq!(image.status, StatusCode::OK);
    assert!(
        image.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap_or("")
            .starts_with("image/svg+xml")
    );
    assert!(
        image.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap_or("")
            .contains("max-age")
    );
    for path in [
        "/content/en/offline-mode-in-the-mobile-app.md",
        "/content/../Cargo.toml",
        "/content/%2e%2e/Cargo.toml",
        "/content/images/../../Cargo.toml",
        "/content/images/missing.png",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn health_and_readiness_answer() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let health = app.get("/healthz").await;
        assert_eq!(health.status, StatusCode::OK);
        assert_eq!(health.body, "ok\n");
        assert!(
            health.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap_or("")
                .starts_with("text/plain")
        );
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status, StatusCode::OK, "[{}]", app.backend);

        app.state.db.close().await;
        assert_eq!(
            app.get("/readyz").await.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "[{}]",
            app.backend
        );
        assert_eq!(
            app.get("/healthz").await.status,
            StatusCode::OK,
            "healthz never needs the database"
        );
    }
}

#[tokio::test]
async fn the_stylesheet_is_cached_and_pages_are_compressed() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let css = app.get("/assets/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap_or("")
            .contains("immutable")
    );
    let page = app.get_compressed("/en/articles/reset-your-password").await;
    assert_eq!(page.headers[header::CONTENT_ENCODING], "gzip");
    let headers = app.get("/en").await.headers;
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn hostile_markdown_never_reaches_the_page_as_script() {
    for database in test_databases().await {
        let content = tempfile::tempdir().expect("temp dir");
        write_file(
            content.path(),
            "en/hostile.md",
            &article_file(
                "Hostile <b>title</b>",
                "category: \"<script>x</script>\"\n",
                "<script>alert('pwned')</script>\n\n<svg onload=alert(1)>",
            ),
        );
        let app = spawn_app(&database, content.path()).await;
        let page = app.get("/en/articles/hostile").await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.backend);
        assert!(!page.body.contains("<script>"), "{}", page.body);
        assert!(!page.body.contains("onload"), "{}", page.body);
        assert!(
            page.body.contains("Hostile &lt;b&gt;title&lt;&#x2f;b&gt;"),
            "titles are escaped"
        );
    }
}

#[tokio::test]
async fn article_views_are_counted_and_flushed_at_shutdown() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        for _ in 0..3 {
            assert_eq!(
                app.get("/en/articles/connect-stripe").await.status,
                StatusCode::OK
            );
        }
        let common::TestApp {
            state,
            router,
            background,
            ..
        } = app;
        let db = state.db.clone();
        drop(router);
        drop(state);
        background.finish().await;
        let article = db
            .find_article_by_slug("connect-stripe")
            .await
            .expect("find")
            .expect("stored");
        assert_eq!(article.view_count, 3, "[{}]", database.name);
    }
}

#[tokio::test]
async fn a_category_with_sections_lists_its_articles_under_a_heading_per_section() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let page = app.get("/en/categories/invoices-and-quotes").await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.backend);
        let body = &page.body;
        let at = |text: &str| {
            body.find(text)
                .unwrap_or_else(|| panic!("{text:?} not on the page: {body}"))
        };
        // Sections alphabetically, the articles in none last under "Other articles".
        let creating = at("<h2 id=\"section-creating-invoices\">Creating invoices</h2>");
        let paid = at("<h2 id=\"section-getting-paid\">Getting paid</h2>");
        let other = at("<h2 id=\"section-other\">Other articles</h2>");
        assert!(creating < paid && paid < other, "[{}]", app.backend);
        let recurring = at("href=\"/en/articles/set-up-recurring-invoices\"");
        let reminders = at("href=\"/en/articles/send-payment-reminders\"");
        let statuses = at("href=\"/en/articles/invoice-statuses-explained\"");
        assert!(creating < recurring && recurring < paid);
        assert!(paid < reminders && reminders < other);
        assert!(other < statuses);
        // A list of the sections leads to each heading.
        assert!(body.contains("<nav class=\"category-sections\" aria-label=\"Sections\">"));
        assert!(body.contains("href=\"#section-getting-paid\""));

        // A category whose articles name no section stays one list.
        let plain = app
            .get("/en/categories/billing-and-subscription")
            .await
            .body;
        assert!(!plain.contains("category-section"), "[{}]", app.backend);
        // In Latvian the page's own words are Latvian; the section names stay the
        // category's, in its language.
        let latvian = app.get("/lv/categories/invoices-and-quotes").await.body;
        assert!(latvian.contains(">Citi raksti</h2>"), "{latvian}");
        assert!(latvian.contains("lang=\"en\">Creating invoices</h2>"));
    }
}

#[tokio::test]
async fn every_page_names_the_icon_and_favicon_ico_is_the_icon_too() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        for path in [
            "/en",
            "/en/categories/invoices-and-quotes",
            "/en/articles/reset-your-password",
            "/en/search?q=invoice",
            "/en/requests/find",
            "/login",
            "/en/no-such-page",
        ] {
            let page = app.get(path).await;
            assert!(
                page.body
                    .contains("<link rel=\"icon\" href=\"/assets/favicon.svg?v="),
                "[{}] {path} names the icon",
                app.backend
            );
        }
        let icon = app.get("/favicon.ico").await;
        assert_eq!(icon.status, StatusCode::OK, "[{}]", app.backend);
        assert_eq!(icon.headers[header::CONTENT_TYPE], "image/svg+xml");
        assert!(icon.body.contains("<svg"));
    }
}
