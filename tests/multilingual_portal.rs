//! A customer in Riga, Vilnius, Ljubljana or Moscow reads the help centre in their language:
//! the interface comes from that language's catalogue, not from English.

mod common;

use answerdesk::i18n::{Catalogues, Language};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{location, shipped_content, spawn_app, stored_texts, test_databases};

/// English interface texts that would betray an untranslated page: every English message
/// without placeholders that the other language writes differently.
fn english_texts_unlike(language: Language) -> Vec<String> {
    let catalogues = Catalogues::shipped();
    catalogues
        .keys(Language::En)
        .into_iter()
        .map(|key| {
            (
                catalogues.message(Language::En, &key, &[]),
                catalogues.message(language, &key, &[]),
            )
        })
        .filter(|(english, translated)| {
            !english.contains('{') && english.len() > 8 && english != translated
        })
        .map(|(english, _)| english)
        .collect()
}

fn assert_speaks(language: Language, path: &str, body: &str) {
    assert!(
        body.contains(&format!("<html lang=\"{}\">", language.code())),
        "{path} is marked as {language}"
    );
    assert!(!body.contains('⟦'), "{path} misses a message: {body}");
    for english in english_texts_unlike(language) {
        let escaped = english.replace('\'', "&#x27;").replace('"', "&quot;");
        assert!(
            !body.contains(&english) && !body.contains(&escaped),
            "{path} shows the English text {english:?}"
        );
    }
}

/// The first link on a page that starts with `prefix`, up to its closing quote.
fn first_link(body: &str, prefix: &str) -> Option<String> {
    let start = body.find(&format!("href=\"{prefix}"))? + "href=\"".len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].replace("&amp;", "&"))
}

#[tokio::test]
async fn every_customer_page_in_every_language_speaks_that_language() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    for language in [Language::Ru, Language::Lv, Language::Lt, Language::Sl] {
        let code = language.code();
        let home_path = format!("/{code}");
        let home = app.get(&home_path).await;
        assert_eq!(home.status, StatusCode::OK, "{home_path}");
        assert_speaks(language, &home_path, &home.body);

        let category_prefix = format!("/{code}/categories/");
        let category = first_link(&home.body, &category_prefix).expect("a category link");
        let page = app.get(&category).await;
        assert_eq!(page.status, StatusCode::OK, "{category}");
        assert_speaks(language, &category, &page.body);

        let article_prefix = format!("/{code}/articles/");
        let article = first_link(&page.body, &article_prefix).expect("an article link");
        let page = app.get(&article).await;
        assert_eq!(page.status, StatusCode::OK, "{article}");
        assert_speaks(language, &article, &page.body);

        for path in [
            format!("/{code}/search?q=Ledgerline"),
            format!("/{code}/search?q=zzzqqqxxx"),
            format!("/{code}/search"),
            format!("/{code}/articles/no-such-article"),
        ] {
            let page = app.get(&path).await;
            assert!(
                page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND,
                "{path}: {}",
                page.status
            );
            assert_speaks(language, &path, &page.body);
        }

        let mut customer = app.customer();
        let opened = customer.get(&format!("/{code}/request/new")).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
        let form_path = location(&opened);
        assert!(form_path.starts_with(&format!("/{code}/request/new?draft=")));
        let form = customer.get(&form_path).await;
        assert_speaks(language, &form_path, &form.body);

        let draft = form_path
            .split("draft=")
            .nth(1)
            .expect("draft id")
            .to_owned();
        let csrf = customer.csrf_token();
        let filed = customer
            .post_form(
                &format!("/{code}/request"),
                &[
                    ("draft", &draft),
                    ("csrf_token", &csrf),
                    ("email", "customer@example.test"),
                    ("subject", "Ledgerline"),
                    ("description", "Ledgerline Ledgerline Ledgerline"),
                    ("step", "file"),
                ],
            )
            .await;
        assert_eq!(
            filed.status,
            StatusCode::SEE_OTHER,
            "{code}: {}",
            filed.body
        );
        let status_path = location(&filed);
        let status_page = customer.get(&status_path).await;
        assert_speaks(language, &status_path, &status_page.body);
        // The switcher reads the same ticket in another language.
        let token_path = status_path.split('?').next().expect("path").to_owned();
        let english = customer.get(&format!("{token_path}?lang=en")).await;
        assert!(english.body.contains("<html lang=\"en\">"));
    }
}

#[tokio::test]
async fn a_browser_set_to_latvian_lands_on_the_latvian_help_centre() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let root = |accept: &'static str, cookie: &'static str| {
        let mut request = Request::get("/");
        if !accept.is_empty() {
            request = request.header(header::ACCEPT_LANGUAGE, accept);
        }
        if !cookie.is_empty() {
            request = request.header(header::COOKIE, cookie);
        }
        request.body(Body::empty()).expect("request")
    };
    let latvian = app.request(root("lv-LV,lv;q=0.9,en;q=0.5", "")).await;
    assert_eq!(location(&latvian), "/lv");
    assert!(
        latvian.headers[header::VARY]
            .to_str()
            .unwrap_or("")
            .contains("Accept-Language"),
        "caches keep one answer per language"
    );
    assert_eq!(location(&app.request(root("de, ja", "")).await), "/en");
    assert_eq!(location(&app.request(root("", "")).await), "/en");
    // The switcher's choice wins over the browser.
    let chosen = app
        .request(root("lv", "answerdesk_lang=sl; answerdesk_visitor=x"))
        .await;
    assert_eq!(location(&chosen), "/sl");
}

#[tokio::test]
async fn the_language_switcher_leads_to_the_same_page_and_remembers_the_choice() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let page = app.get("/lv/articles/paroles-atiestatisana").await;
    let body = page.body.replace("&#x2f;", "/");
    assert!(
        body.contains("href=\"/language/ru?next=%2Fru%2Farticles%2F"),
        "the switcher leads to the Russian translation: {body}"
    );
    assert!(
        body.contains("aria-current=\"true\" lang=\"lv\"><span class=\"language-name\">Latviešu")
    );

    let mut customer = app.customer();
    let switched = customer
        .get("/language/lt?next=%2Flt%2Fsearch%3Fq%3Dslapta%C5%BEodis")
        .await;
    assert_eq!(location(&switched), "/lt/search?q=slapta%C5%BEodis");
    let cookie = switched
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("answerdesk_lang="))
        .expect("the choice is remembered")
        .to_owned();
    assert!(cookie.starts_with("answerdesk_lang=lt;"), "{cookie}");
    assert!(cookie.contains("Max-Age="), "{cookie}");
    // From now on an unprefixed link opens in Lithuanian.
    let old_link = customer.get("/articles/reset-your-password").await;
    assert_eq!(
        location(&old_link),
        "/lt/articles/reset-your-password",
        "{:?}",
        old_link.headers
    );

    // The switcher never leads off the site.
    for next in [
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%09%2Fevil.example",
    ] {
        let response = app.get(&format!("/language/ru?next={next}")).await;
        assert_eq!(location(&response), "/ru", "{next}");
    }
    assert_eq!(
        app.get("/language/xx?next=/").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn links_shared_before_languages_were_in_urls_keep_working() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let latvian = |path: &str| {
            Request::get(path)
                .header(header::ACCEPT_LANGUAGE, "lv")
                .body(Body::empty())
                .expect("request")
        };
        for (old, new) in [
            (
                "/articles/reset-your-password?from=search",
                "/lv/articles/reset-your-password?from=search",
            ),
            ("/search?q=parole", "/lv/search?q=parole"),
            (
                "/categories/billing-and-subscription",
                "/lv/categories/billing-and-subscription",
            ),
            ("/request/new?q=PDF", "/lv/request/new?q=PDF"),
        ] {
            let response = app.request(latvian(old)).await;
            assert_eq!(
                response.status,
                StatusCode::PERMANENT_REDIRECT,
                "[{}] {old}",
                app.backend
            );
            assert_eq!(location(&response), new);
        }
        // The English article in Latvian is its Latvian translation.
        let translated = app
            .request(latvian("/lv/articles/reset-your-password?from=search"))
            .await;
        assert_eq!(
            location(&translated),
            "/lv/articles/paroles-atiestatisana?from=search"
        );
        // A form posted from a page of the old release keeps its method and body.
        let post = app
            .request(
                Request::post("/request")
                    .header(header::ACCEPT_LANGUAGE, "ru")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(post.status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(location(&post), "/ru/request");
    }
}

#[tokio::test]
async fn an_untranslated_article_is_shown_in_english_with_a_notice_in_the_customers_language() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let page = app.get("/lv/articles/automate-with-zapier").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"lv\">"));
    assert!(
        page.body
            .contains("Šis raksts vēl nav pieejams šajā valodā: Latviešu"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<div class=\"article-body\" lang=\"en\">"),
        "a screen reader reads the English text with an English voice"
    );
    // A Latvian article opened in Russian leads to its Russian translation.
    let russian = app.get("/ru/articles/paroles-atiestatisana").await;
    assert_eq!(location(&russian), "/ru/articles/sbros-parolya");
}

#[tokio::test]
async fn translations_point_at_each_other_with_hreflang_and_an_x_default() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let page = app.get("/sl/articles/ponastavitev-gesla").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = page.body.replace("&#x2f;", "/");
    for (lang, slug) in [
        ("en", "reset-your-password"),
        ("lv", "paroles-atiestatisana"),
        ("sl", "ponastavitev-gesla"),
    ] {
        assert!(
            body.contains(&format!(
                "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"/{lang}/articles/{slug}\">"
            )),
            "{lang}: {body}"
        );
    }
    assert!(body.contains(
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"/articles/reset-your-password\">"
    ));
    let home = app.get("/lt").await.body.replace("&#x2f;", "/");
    assert!(home.contains("<link rel=\"alternate\" hreflang=\"ru\" href=\"/ru\">"));
    assert!(home.contains("<link rel=\"alternate\" hreflang=\"x-default\" href=\"/\">"));
}

#[tokio::test]
async fn each_language_has_at_least_fifteen_published_articles() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let languages = app.state.db.published_languages().await.expect("languages");
    for language in ["en", "ru", "lv", "lt", "sl"] {
        let count = languages
            .iter()
            .find(|(code, _)| code == language)
            .map(|(_, count)| *count)
            .unwrap_or(0);
        assert!(count >= 15, "{language} has {count} published articles");
    }
}

#[tokio::test]
async fn requests_in_each_language_get_suggestions_in_that_language() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        for (lang, text, expected) in [
            (
                "ru",
                "не могу зайти в аккаунт, пишет что пароль неверный",
                "/LANG/articles/",
            ),
            (
                "lv",
                "Bankā man iedeva jaunu karti. Kā panākt, lai maksājums par Ledgerline iet no jaunās?",
                "/LANG/articles/",
            ),
            (
                "lt",
                "nuskaičiavo pinigus du kartus už prenumeratą",
                "/LANG/articles/",
            ),
            (
                "sl",
                "pozabil sem geslo in se ne morem prijaviti",
                "/LANG/articles/",
            ),
        ] {
            let response = app
                .get(&format!(
                    "/api/suggest?lang={lang}&q={}",
                    common::encode(text)
                ))
                .await;
            assert_eq!(response.status, StatusCode::OK);
            let json: serde_json::Value = serde_json::from_str(&response.body).expect("json");
            let suggestions = json["suggestions"].as_array().expect("suggestions");
            assert!(
                !suggestions.is_empty(),
                "{lang}: {text:?} gets a suggestion [{}]",
                app.backend
            );
            for suggestion in suggestions {
                let slug = suggestion["slug"].as_str().expect("slug");
                let article = app
                    .state
                    .db
                    .find_article_by_slug(slug)
                    .await
                    .expect("find")
                    .expect("article");
                assert_eq!(article.lang.as_str(), lang, "{text:?} suggested {slug}");
                assert!(
                    suggestion["url"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with(&expected.replace("LANG", lang))
                );
            }
        }
    }
}

#[tokio::test]
async fn a_customer_whose_browser_reads_latvian_writes_and_follows_the_request_in_latvian() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let opened = app
            .request(
                Request::get("/request/new")
                    .header(header::ACCEPT_LANGUAGE, "lv-LV,lv;q=0.9,en;q=0.5")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        // An old link: the customer's language is the browser's.
        assert_eq!(
            opened.status,
            StatusCode::PERMANENT_REDIRECT,
            "[{}]",
            app.backend
        );
        assert_eq!(location(&opened), "/lv/request/new");
        // From here the URL carries the language: the browser's header is not needed again.
        let mut customer = app.customer();
        let opened = customer.get("/lv/request/new").await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
        let form = customer.get(&location(&opened)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_speaks(Language::Lv, "the request form", &form.body);

        let draft = location(&opened)
            .split("draft=")
            .nth(1)
            .expect("draft id")
            .to_owned();
        let csrf = customer.csrf_token();
        let invalid = customer
            .post_form(
                "/lv/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &csrf),
                    ("email", "anna@example.lv"),
                    ("subject", ""),
                    ("description", "Rēķina PDF ir tukšs."),
                    ("step", "file"),
                ],
            )
            .await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_speaks(Language::Lv, "the form with an error", &invalid.body);

        let filed = customer
            .post_form(
                "/lv/request",
                &[
                    ("draft", &draft),
                    ("csrf_token", &csrf),
                    ("name", "Anna Bērziņa"),
                    ("email", "anna@example.lv"),
                    ("subject", "Rēķina PDF ir tukšs"),
                    ("description", "Lejupielādētais rēķina PDF ir tukšs."),
                    ("step", "file"),
                ],
            )
            .await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
        let status_page = customer.get(&location(&filed)).await;
        assert_eq!(status_page.status, StatusCode::OK);
        assert_speaks(Language::Lv, "the status page", &status_page.body);
        common::shut_down(app).await;
        assert_eq!(
            stored_texts(&database, "SELECT lang FROM tickets").await,
            ["lv"],
            "the ticket records its language [{}]",
            database.name
        );
    }
}
