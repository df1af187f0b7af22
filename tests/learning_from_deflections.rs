//! Suggestions learn from what solved customers' problems, on every database backend: the
//! background job turns confirmed deflections into phrasings the index holds beside aliases.

mod common;

use answerdesk::deflection::learning::LearningSettings;
use answerdesk::deflection::learning_job::{EVIDENCE_SETTLE_MILLIS, learn_from_new_evidence};
use answerdesk::storage::Database;
use axum::http::StatusCode;
use common::{TestApp, TestDatabase, shipped_content, shut_down, spawn_app_with, test_databases};

/// Words the PayPal article never uses.
const PHRASING: &str = "venmo wallet for buyers";
const ARTICLE: &str = "connect-paypal";

/// The portal behind a proxy on loopback, so each test customer can come from an address
/// of their own (learning caps what one address may teach).
async fn portal(database: &TestDatabase) -> TestApp {
    spawn_app_with(database, &shipped_content(), behind_a_proxy).await
}

fn behind_a_proxy(config: &mut answerdesk::config::Config) {
    config.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")];
}

/// A documentation address no other customer of the test run has had.
fn next_address() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("198.51.{}.{}", n / 250 % 250, n % 250 + 1)
}

/// A new customer (a new browser) types `subject` on the request form and confirms that
/// `article` solved it.
async fn confirm_solved_by_new_customer(app: &TestApp, subject: &str, article: &str) {
    let mut customer = app.customer_at(&next_address());
    confirm_solved(&mut customer, subject, article).await;
}

async fn confirm_solved(customer: &mut common::Customer<'_>, subject: &str, article: &str) {
    let draft = customer.open_request_form("").await;
    let csrf = customer.csrf_token();
    let review = customer
        .post_form(
            "/en/request",
            &[
                ("draft", &draft),
                ("csrf_token", &csrf),
                ("name", "Ann Customer"),
                ("email", "ann@example.com"),
                ("subject", subject),
                (
                    "description",
                    "Can my clients pay that way instead of paypal?",
                ),
                ("category", ""),
                ("seen", ""),
                ("step", "review"),
            ],
        )
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    let solved = customer
        .post_form(
            &format!("/en/request/{draft}/solved"),
            &[("csrf_token", &csrf), ("article", article)],
        )
        .await;
    assert_eq!(solved.status, StatusCode::OK, "{}", solved.body);
}

/// The job run directly, after the portal stopped (which writes every queued event), as it
/// would run a few minutes later: a round reads only events that had time to settle.
async fn run_learning(db: &Database) {
    learn_from_new_evidence(
        db,
        &LearningSettings::default(),
        answerdesk::storage::now_millis() + EVIDENCE_SETTLE_MILLIS + 1,
    )
    .await
    .expect("learning round");
}

/// Stops the portal (which writes every queued event), runs a learning round as it would run
/// a few minutes later, and gives the database with what the article learned.
async fn learned_after_a_round(app: TestApp) -> (Database, Vec<String>) {
    let db = shut_down(app).await;
    run_learning(&db).await;
    let learned = learned_texts(&db, ARTICLE).await;
    (db, learned)
}

async fn suggested(app: &TestApp, query: &str) -> Vec<String> {
    let response = app
        .get(&format!("/api/suggest?q={}", common::encode(query)))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&response.body).expect("json");
    json["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| s["slug"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// A new customer typing the learned words in another order gets the article first.
async fn next_customer_gets_the_article_first(database: &TestDatabase) {
    let after = portal(database).await;
    let found = suggested(&after, "buyers venmo wallet").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some(ARTICLE),
        "[{}] {found:?}",
        database.name
    );
    shut_down(after).await;
}

async fn learned_texts(db: &Database, slug: &str) -> Vec<String> {
    let article = db
        .find_article_by_slug(slug)
        .await
        .expect("find")
        .expect("article");
    db.learned_phrasings(article.id)
        .await
        .expect("learned")
        .into_iter()
        .map(|p| p.text)
        .collect()
}

async fn article_id(db: &Database, slug: &str) -> i64 {
    db.find_article_by_slug(slug)
        .await
        .expect("find")
        .expect("article")
        .id
}

async fn three_customers_confirm(database: &TestDatabase, subject: &str) -> Database {
    let app = portal(database).await;
    for _ in 0..3 {
        confirm_solved_by_new_customer(&app, subject, ARTICLE).await;
    }
    shut_down(app).await
}

#[tokio::test]
async fn three_customers_who_were_solved_by_an_article_teach_the_next_one_their_words() {
    for database in test_databases().await {
        let before = portal(&database).await;
        let found = suggested(&before, "buyers venmo wallet").await;
        assert_ne!(
            found.first().map(String::as_str),
            Some(ARTICLE),
            "{found:?}"
        );
        shut_down(before).await;

        let db = three_customers_confirm(&database, PHRASING).await;
        run_learning(&db).await;
        assert_eq!(learned_texts(&db, ARTICLE).await, vec![PHRASING.to_owned()]);

        next_customer_gets_the_article_first(&database).await;
    }
}

#[tokio::test]
async fn one_customer_repeating_a_phrasing_a_hundred_times_teaches_nothing() {
    for database in test_databases().await {
        // Without the per-address limits, which would stop this customer long before.
        let app = spawn_app_with(&database, &shipped_content(), |config| {
            config.draft_rate_limit = 0;
            config.autosave_rate_limit = 0;
            config.learning.votes_per_address_per_day = 0;
            config.learning.days_between_votes_on_an_article = 0;
        })
        .await;
        let mut customer = app.customer();
        for _ in 0..100 {
            confirm_solved(&mut customer, PHRASING, ARTICLE).await;
        }
        let (_, learned) = learned_after_a_round(app).await;
        assert!(learned.is_empty(), "[{}]", database.name);
    }
}

#[tokio::test]
async fn a_blocked_phrasing_never_comes_back_even_with_new_votes() {
    for database in test_databases().await {
        let db = three_customers_confirm(&database, PHRASING).await;
        run_learning(&db).await;
        let id = article_id(&db, ARTICLE).await;
        let learned = db.learned_phrasings(id).await.expect("learned");
        assert_eq!(learned.len(), 1);
        db.block_phrasing(id, &learned[0].key).await.expect("block");
        run_learning(&db).await;
        answerdesk::deflection::learning_job::retally(
            &db,
            &[id],
            &LearningSettings::default(),
            answerdesk::storage::now_millis(),
        )
        .await
        .expect("retally");
        assert!(learned_texts(&db, ARTICLE).await.is_empty());

        let db = three_customers_confirm(&database, PHRASING).await;
        run_learning(&db).await;
        assert!(
            learned_texts(&db, ARTICLE).await.is_empty(),
            "[{}]",
            database.name
        );
    }
}

#[tokio::test]
async fn a_phrasing_with_an_email_or_a_card_number_is_never_learned() {
    for database in test_databases().await {
        let app = portal(&database).await;
        for subject in [
            "paypal wallet for ann@example.com",
            "paypal wallet card 4111 1111 1111 1111",
        ] {
            for _ in 0..3 {
                confirm_solved_by_new_customer(&app, subject, ARTICLE).await;
            }
        }
        let (db, learned) = learned_after_a_round(app).await;
        assert!(learned.is_empty(), "[{}]", database.name);
        let id = article_id(&db, ARTICLE).await;
        assert!(db.phrasing_votes(id).await.expect("votes").is_empty());
    }
}

#[tokio::test]
async fn with_learning_off_for_an_article_nothing_is_learned() {
    for database in test_databases().await {
        let app = portal(&database).await;
        let id = article_id(&app.state.db, ARTICLE).await;
        app.state
            .db
            .set_article_learning(id, false)
            .await
            .expect("switch off");
        for _ in 0..3 {
            confirm_solved_by_new_customer(&app, PHRASING, ARTICLE).await;
        }
        let (_, learned) = learned_after_a_round(app).await;
        assert!(learned.is_empty(), "[{}]", database.name);
    }
}

/// Saves the article through the editor's edit form with `body` and `action`.
async fn edit_article(app: &TestApp, slug: &str, body: Option<&str>, action: &str) {
    let mut editor = app.sign_in_as("editor").await;
    let article = app
        .state
        .db
        .find_article_by_slug(slug)
        .await
        .expect("find")
        .expect("article");
    let revision = article.revision.to_string();
    let translation_of = article.translation_of.clone().unwrap_or_default();
    let tags = article.tags.join(", ");
    let aliases = article.aliases.join("\n");
    let fields = [
        ("title", article.title.as_str()),
        ("slug", article.slug.as_str()),
        ("category", article.category.as_str()),
        ("section", article.section.as_str()),
        ("tags", tags.as_str()),
        ("aliases", aliases.as_str()),
        ("lang", article.lang.as_str()),
        ("translation_of", translation_of.as_str()),
        ("body", body.unwrap_or(&article.body_markdown)),
        ("base_revision", revision.as_str()),
        ("action", action),
    ];
    let response = editor
        .post_form(&format!("/editor/articles/{slug}/edit"), &fields)
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

#[tokio::test]
async fn archiving_an_article_drops_what_it_learned() {
    for database in test_databases().await {
        let db = three_customers_confirm(&database, PHRASING).await;
        run_learning(&db).await;
        assert_eq!(learned_texts(&db, ARTICLE).await.len(), 1);

        let app = portal(&database).await;
        edit_article(&app, ARTICLE, None, "archive").await;
        assert!(
            learned_texts(&app.state.db, ARTICLE).await.is_empty(),
            "[{}]",
            database.name
        );
        let db = shut_down(app).await;
        // The votes cast before no longer count for it.
        answerdesk::deflection::learning_job::retally(
            &db,
            &[article_id(&db, ARTICLE).await],
            &LearningSettings::default(),
            answerdesk::storage::now_millis(),
        )
        .await
        .expect("retally");
        assert!(learned_texts(&db, ARTICLE).await.is_empty());
    }
}

#[tokio::test]
async fn rewriting_an_article_drops_what_it_learned_but_a_small_edit_keeps_it() {
    for database in test_databases().await {
        let db = three_customers_confirm(&database, PHRASING).await;
        run_learning(&db).await;

        let app = portal(&database).await;
        let article = app
            .state
            .db
            .find_article_by_slug(ARTICLE)
            .await
            .expect("find")
            .expect("article");
        let touched = format!("{}\n\nOne more sentence.\n", article.body_markdown);
        edit_article(&app, ARTICLE, Some(&touched), "save").await;
        assert_eq!(
            learned_texts(&app.state.db, ARTICLE).await.len(),
            1,
            "[{}]",
            database.name
        );

        edit_article(
            &app,
            ARTICLE,
            Some("Bank transfers only now: we no longer take online payments of any kind."),
            "save",
        )
        .await;
        assert!(
            learned_texts(&app.state.db, ARTICLE).await.is_empty(),
            "[{}]",
            database.name
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_editor_sees_how_customers_describe_an_article_and_blocks_a_phrasing_or_turns_learning_off()
 {
    for database in test_databases().await {
        let db = three_customers_confirm(&database, PHRASING).await;
        run_learning(&db).await;

        let app = portal(&database).await;
        let mut editor = app.sign_in_as("editor").await;
        let page = editor
            .get(&format!("/editor/articles/{ARTICLE}/edit"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("How customers describe this"),
            "{}",
            page.body
        );
        assert!(page.body.contains(PHRASING), "{}", page.body);
        let key = app
            .state
            .db
            .learned_phrasings(article_id(&app.state.db, ARTICLE).await)
            .await
            .expect("learned")[0]
            .key
            .clone();

        // Without the form's token nothing is blocked.
        let forged = editor
            .post_form_as_is(
                &format!("/editor/articles/{ARTICLE}/learned/block"),
                &[("key", &key)],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert_eq!(learned_texts(&app.state.db, ARTICLE).await.len(), 1);

        let blocked = editor
            .post_form(
                &format!("/editor/articles/{ARTICLE}/learned/block"),
                &[("key", &key)],
            )
            .await;
        assert_eq!(blocked.status, StatusCode::SEE_OTHER, "{}", blocked.body);
        assert!(learned_texts(&app.state.db, ARTICLE).await.is_empty());
        let found = suggested(&app, "buyers venmo wallet").await;
        assert_ne!(
            found.first().map(String::as_str),
            Some(ARTICLE),
            "[{}] {found:?}",
            database.name
        );
        let page = editor
            .get(&format!("/editor/articles/{ARTICLE}/edit"))
            .await;
        assert!(!page.body.contains(PHRASING));

        let off = editor
            .post_form(
                &format!("/editor/articles/{ARTICLE}/learning"),
                &[("enabled", "off")],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
        let page = editor
            .get(&format!("/editor/articles/{ARTICLE}/edit"))
            .await;
        assert!(page.body.contains("Learning is off for this article"));
        let nonsense = editor
            .post_form(
                &format!("/editor/articles/{ARTICLE}/learning"),
                &[("enabled", "maybe")],
            )
            .await;
        assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_editor_promotes_a_learned_phrasing_to_an_alias_in_a_new_revision() {
    for database in test_databases().await {
        let db = three_customers_confirm(&database, PHRASING).await;
        run_learning(&db).await;

        let app = portal(&database).await;
        let mut editor = app.sign_in_as("editor").await;
        let id = article_id(&app.state.db, ARTICLE).await;
        let key = app.state.db.learned_phrasings(id).await.expect("learned")[0]
            .key
            .clone();
        let before = app
            .state
            .db
            .find_article_by_slug(ARTICLE)
            .await
            .expect("find")
            .expect("article");
        let revision = before.revision.to_string();
        let promoted = editor
            .post_form(
                &format!("/editor/articles/{ARTICLE}/learned/promote"),
                &[("key", &key), ("base_revision", &revision)],
            )
            .await;
        assert_eq!(promoted.status, StatusCode::SEE_OTHER, "{}", promoted.body);
        let after = app
            .state
            .db
            .find_article_by_slug(ARTICLE)
            .await
            .expect("find")
            .expect("article");
        assert_eq!(after.revision, before.revision + 1, "[{}]", database.name);
        assert!(
            after.aliases.contains(&PHRASING.to_owned()),
            "{:?}",
            after.aliases
        );
        assert!(learned_texts(&app.state.db, ARTICLE).await.is_empty());
        let found = suggested(&app, "buyers venmo wallet").await;
        assert_eq!(
            found.first().map(String::as_str),
            Some(ARTICLE),
            "{found:?}"
        );

        // Sent again (the phrasing is an alias now, the revision no longer current), the
        // form changes nothing.
        let stale = editor
            .post_form(
                &format!("/editor/articles/{ARTICLE}/learned/promote"),
                &[("key", &key), ("base_revision", &revision)],
            )
            .await;
        assert!(stale.status.is_client_error(), "{}", stale.status);
        let again = app
            .state
            .db
            .find_article_by_slug(ARTICLE)
            .await
            .expect("find")
            .expect("article");
        assert_eq!(again.revision, after.revision);
        shut_down(app).await;
    }
}

/// A new reader searches `query` on the results page, opens `article` from it (or straight,
/// when `from_search` is false) and answers "Did this answer your question?".
async fn search_open_and_answer(
    app: &TestApp,
    query: &str,
    article: &str,
    from_search: bool,
    helpful: bool,
) {
    let mut reader = app.customer_at(&next_address());
    let results = reader
        .get(&format!("/en/search?q={}", common::encode(query)))
        .await;
    assert_eq!(results.status, StatusCode::OK);
    let link = if from_search {
        format!(
            "/en/articles/{article}?from=search&q={}",
            common::encode(query)
        )
    } else {
        format!("/en/articles/{article}")
    };
    let page = reader.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = reader.csrf_token();
    let answer = reader
        .post_form(
            &format!("/en/articles/{article}/feedback"),
            &[
                ("csrf_token", &csrf),
                ("helpful", if helpful { "yes" } else { "no" }),
                ("q", query),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
}

#[tokio::test]
async fn readers_who_searched_opened_an_article_and_said_it_answered_them_teach_their_search() {
    for database in test_databases().await {
        let app = portal(&database).await;
        for _ in 0..3 {
            search_open_and_answer(&app, PHRASING, ARTICLE, true, true).await;
        }
        let (_, learned) = learned_after_a_round(app).await;
        assert_eq!(learned, vec![PHRASING.to_owned()], "[{}]", database.name);
        next_customer_gets_the_article_first(&database).await;
    }
}

#[tokio::test]
async fn a_yes_on_an_article_not_reached_from_the_search_teaches_that_search_nothing() {
    for database in test_databases().await {
        let app = portal(&database).await;
        for _ in 0..3 {
            search_open_and_answer(&app, PHRASING, ARTICLE, false, true).await;
        }
        let (_, learned) = learned_after_a_round(app).await;
        assert!(learned.is_empty(), "[{}]", database.name);
    }
}

#[tokio::test]
async fn readers_who_answer_no_after_the_same_search_cancel_what_others_taught() {
    for database in test_databases().await {
        let app = portal(&database).await;
        for helpful in [true, true, true, false, false] {
            search_open_and_answer(&app, PHRASING, ARTICLE, true, helpful).await;
        }
        let (_, learned) = learned_after_a_round(app).await;
        assert!(
            learned.is_empty(),
            "[{}] three yes (0.8 each) and two no (-0.8 each) leave less than one vote",
            database.name
        );
    }
}

#[tokio::test]
async fn fresh_browsers_from_one_address_count_once_for_an_article() {
    for database in test_databases().await {
        let app = portal(&database).await;
        let address = next_address();
        for _ in 0..5 {
            let mut browser = app.customer_at(&address);
            confirm_solved(&mut browser, PHRASING, ARTICLE).await;
        }
        for _ in 0..5 {
            let mut reader = app.customer_at(&address);
            reader
                .get(&format!("/en/search?q={}", common::encode(PHRASING)))
                .await;
            reader
                .get(&format!("/en/articles/{ARTICLE}?from=search"))
                .await;
            let csrf = reader.csrf_token();
            reader
                .post_form(
                    &format!("/en/articles/{ARTICLE}/feedback"),
                    &[("csrf_token", &csrf), ("helpful", "yes"), ("q", PHRASING)],
                )
                .await;
        }
        let (db, learned) = learned_after_a_round(app).await;
        assert!(
            learned.is_empty(),
            "[{}] ten fresh cookies on one address taught a phrasing",
            database.name
        );
        let solved =
            common::events_recorded(&db, answerdesk::deflection::EventKind::Deflected).await;
        assert_eq!(
            solved, 5,
            "[{}] every confirmation still counts as a deflection",
            database.name
        );
    }
}

#[tokio::test]
async fn a_round_leaves_events_of_the_last_minutes_for_a_later_round() {
    for database in test_databases().await {
        let db = three_customers_confirm(&database, PHRASING).await;
        let now = answerdesk::storage::now_millis();
        let cursor = db.learning_cursor().await.expect("cursor");
        learn_from_new_evidence(&db, &LearningSettings::default(), now)
            .await
            .expect("round");
        assert!(
            learned_texts(&db, ARTICLE).await.is_empty(),
            "[{}] events of this minute were read before they settled",
            database.name
        );
        assert_eq!(
            db.learning_cursor().await.expect("cursor"),
            cursor,
            "[{}] the cursor waits before unsettled events",
            database.name
        );
        run_learning(&db).await;
        assert_eq!(
            learned_texts(&db, ARTICLE).await,
            vec![PHRASING.to_owned()],
            "[{}] the later round reads them",
            database.name
        );
    }
}

/// The SHA-256 the limits would store for `parts` if they were not keyed by a secret.
fn unkeyed_limit_key(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[tokio::test]
async fn the_learning_caps_keep_no_address_hash_anyone_could_recompute_from_the_database_alone() {
    for database in test_databases().await {
        let app = portal(&database).await;
        let address = next_address();
        let mut browser = app.customer_at(&address);
        confirm_solved(&mut browser, PHRASING, ARTICLE).await;
        shut_down(app).await;
        let secret = common::stored_texts(
            &database,
            "SELECT value FROM installation_secrets WHERE name = 'learning_limits'",
        )
        .await;
        assert!(
            secret.len() == 1 && secret[0].len() == 64,
            "[{}] one random secret: {secret:?}",
            database.name
        );
        let stored = common::stored_texts(
            &database,
            "SELECT key_hash FROM rate_limits WHERE bucket LIKE 'learning%'",
        )
        .await;
        // SQLite counts in memory and stores nothing; PostgreSQL shares the counts.
        assert_eq!(
            stored.len(),
            if database.name == "postgres" { 2 } else { 0 },
            "[{}] {stored:?}",
            database.name
        );
        for guess in [
            unkeyed_limit_key(&["learning article", &address, ARTICLE]),
            unkeyed_limit_key(&["learning day", &address]),
            unkeyed_limit_key(&["address", &address]),
        ] {
            assert!(!stored.contains(&guess), "[{}] {guess}", database.name);
        }
    }
}
