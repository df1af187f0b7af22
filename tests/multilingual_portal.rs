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
async fn every_language_home_category_and_article_page_speaks_that_language() {
    let database = common::TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    for language in [Language::Ru, Language::Lv, Language::Lt, Language::Sl] {
        let home_path = format!("/{}", language.code());
        let home = app.get(&home_path).await;
        assert_eq!(home.status, StatusCode::OK, "{home_path}");
        assert_speaks(language, &home_path, &home.body);

        let category = first_link(&home.body, "/categories/").expect("a category link");
        let page = app.get(&category).await;
        assert_eq!(page.status, StatusCode::OK, "{category}");
        assert_speaks(language, &category, &page.body);

        let article = first_link(&page.body, "/articles/").expect("an article link");
        let page = app.get(&article).await;
        assert_eq!(page.status, StatusCode::OK, "{article}");
        assert_speaks(language, &article, &page.body);
    }
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
                "/articles/",
            ),
            (
                "lv",
                "Bankā man iedeva jaunu karti. Kā panākt, lai maksājums par Ledgerline iet no jaunās?",
                "/articles/",
            ),
            (
                "lt",
                "nuskaičiavo pinigus du kartus už prenumeratą",
                "/articles/",
            ),
            (
                "sl",
                "pozabil sem geslo in se ne morem prijaviti",
                "/articles/",
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
                        .starts_with(expected)
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
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "[{}]", app.backend);
        // The draft remembers the language: the browser's header is not needed again.
        let mut customer = app.customer();
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
                "/request",
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
                "/request",
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
