//! Staff accounts: signing in and out, sessions, CSRF, roles, users and the audit log.

mod common;

use answerdesk::accounts::audit::recent_audit_entries;
use answerdesk::accounts::sessions::token_hash;
use axum::http::StatusCode;
use common::*;

/// The pages of each staff area, and who may open them.
const AREA_PAGES: &[(&str, [bool; 3])] = &[
    // (path, [admin, editor, agent])
    ("/editor", [true, true, false]),
    ("/editor/articles/new", [true, true, false]),
    (
        "/editor/articles/reset-your-password/edit",
        [true, true, false],
    ),
    (
        "/editor/articles/reset-your-password/revisions",
        [true, true, false],
    ),
    ("/agent", [true, false, true]),
    ("/agent/canned", [true, false, true]),
    ("/admin", [true, false, false]),
    ("/admin/content-gaps", [true, false, false]),
    ("/admin/export/summary.csv", [true, false, false]),
    ("/admin/users", [true, false, false]),
    ("/admin/audit", [true, false, false]),
    ("/staff/account", [true, true, true]),
];

/// The JSON APIs of each staff area: (method, path, body, [admin, editor, agent]).
const AREA_APIS: &[(&str, &str, Option<&str>, [bool; 3])] = &[
    (
        "POST",
        "/api/editor/preview",
        Some(r##"{"markdown": "# Hello", "lang": "en", "slug": "hello"}"##),
        [true, true, false],
    ),
    (
        "GET",
        "/api/agent/articles?q=invoice",
        None,
        [true, false, true],
    ),
    ("GET", "/api/admin/stats", None, [true, false, false]),
];

#[tokio::test]
async fn each_role_reaches_exactly_its_own_apis_and_customers_none() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        for (index, role) in ["admin", "editor", "agent"].into_iter().enumerate() {
            let mut staff = app.sign_in_as(role).await;
            for (method, path, body, allowed) in AREA_APIS {
                let json = body.map(|b| serde_json::from_str(b).expect("json"));
                let response = staff.send_json(method, path, json.as_ref()).await;
                let expected = if allowed[index] {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(
                    response.status, expected,
                    "{role} on {method} {path} ({}): {}",
                    database.name, response.body
                );
                assert!(
                    response.headers["content-type"]
                        .to_str()
                        .unwrap_or("")
                        .starts_with("application/json"),
                    "{role} on {path}"
                );
            }
        }
        let mut customer = app.customer();
        for (_, path, _, _) in AREA_APIS {
            let response = customer.get(path).await;
            assert!(
                matches!(
                    response.status,
                    StatusCode::UNAUTHORIZED | StatusCode::METHOD_NOT_ALLOWED
                ),
                "{path}: {}",
                response.status
            );
            if response.status == StatusCode::UNAUTHORIZED {
                assert!(response.body.contains("error"), "{path}");
            }
        }
        let preview = post_json(
            &app,
            "/api/editor/preview",
            &serde_json::json!({"markdown": "x"}),
        )
        .await;
        assert_eq!(preview.status, StatusCode::UNAUTHORIZED);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn each_role_reaches_exactly_its_own_areas() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        for (index, role) in ["admin", "editor", "agent"].into_iter().enumerate() {
            let mut staff = app.sign_in_as(role).await;
            for (path, allowed) in AREA_PAGES {
                let response = staff.get(path).await;
                let expected = if allowed[index] {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(
                    response.status, expected,
                    "{role} on {path} ({})",
                    database.name
                );
            }
        }
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_customer_is_sent_to_sign_in_from_every_staff_page() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut customer = app.customer();
        for (path, _) in AREA_PAGES {
            let response = customer.get(path).await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(
                location(&response),
                format!("/login?next={}", encode(path)),
                "{path}"
            );
        }
        // Changing data without a session is refused too, form or not.
        let response = customer
            .post_form("/admin/users", &[("email", "x@example.com")])
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn signing_in_returns_to_the_page_asked_for_but_never_to_another_site() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        app.sign_in_as("admin").await;
        for (next, expected) in [
            ("/admin/audit", "/admin/audit"),
            ("https://evil.example/", "/staff"),
            ("//evil.example/", "/staff"),
        ] {
            let mut browser = app.customer();
            browser.get("/login").await;
            let csrf = browser.csrf_token();
            let response = browser
                .post_form(
                    "/login",
                    &[
                        ("email", "admin@example.com"),
                        ("password", STAFF_PASSWORD),
                        ("csrf_token", &csrf),
                        ("next", next),
                    ],
                )
                .await;
            assert_eq!(response.status, StatusCode::SEE_OTHER);
            assert_eq!(location(&response), expected, "next={next}");
            let cookie = response
                .headers
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with("answerdesk_staff="))
                .expect("session cookie")
                .to_owned();
            assert!(cookie.contains("HttpOnly"), "{cookie}");
            assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        }
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_sign_in_link_whose_next_hides_a_tab_or_a_newline_leads_to_the_staff_home() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        // Already signed in: /login sends the browser straight on to `next`.
        let mut staff = app.sign_in_as("admin").await;
        for next in ["/%09/evil.example", "/%0A/evil.example", "%0A"] {
            let response = staff.get(&format!("/login?next={next}")).await;
            assert_eq!(
                response.status,
                StatusCode::SEE_OTHER,
                "[{}] next={next}",
                app.backend
            );
            assert_eq!(location(&response), "/staff", "next={next}");
        }
        // Signing in with such a `next` in the form.
        for next in ["/\t/evil.example", "/\n/evil.example", "\n"] {
            let mut browser = app.customer();
            let form = browser.get(&format!("/login?next={}", encode(next))).await;
            assert_eq!(form.status, StatusCode::OK, "next={next:?}");
            let csrf = browser.csrf_token();
            let response = browser
                .post_form(
                    "/login",
                    &[
                        ("email", "admin@example.com"),
                        ("password", STAFF_PASSWORD),
                        ("csrf_token", &csrf),
                        ("next", next),
                    ],
                )
                .await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "next={next:?}");
            assert_eq!(location(&response), "/staff", "next={next:?}");
        }
        shut_down(app).await;
    }
}

async fn attempt_sign_in(browser: &mut Customer<'_>, email: &str, password: &str) -> TestResponse {
    browser.get("/login").await;
    let csrf = browser.csrf_token();
    browser
        .post_form(
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf_token", &csrf),
            ],
        )
        .await
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        app.sign_in_as("agent").await;
        let mut browser = app.customer();
        let wrong_password =
            attempt_sign_in(&mut browser, "agent@example.com", "not the password").await;
        let unknown = attempt_sign_in(&mut browser, "nobody@example.com", "not the password").await;
        assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        let message = "The email or password is not correct.";
        assert!(wrong_password.body.contains(message));
        assert!(unknown.body.contains(message));
        // The email typed is kept; the password never comes back.
        assert!(wrong_password.body.contains("value=\"agent@example.com\""));
        assert!(!wrong_password.body.contains("not the password"));
        assert!(!browser.cookies.iter().any(|(n, _)| n == "answerdesk_staff"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_that_address_out_of_the_account_for_a_while() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        app.sign_in_as("editor").await;
        let mut browser = app.customer();
        // Ten wrong passwords from one address: even the right one is refused from there.
        for attempt in 1..=10 {
            let response = attempt_sign_in(&mut browser, "editor@example.com", "guess").await;
            assert_eq!(
                response.status,
                StatusCode::UNAUTHORIZED,
                "attempt {attempt}"
            );
        }
        let locked = attempt_sign_in(&mut browser, "editor@example.com", STAFF_PASSWORD).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(locked.body.contains("Too many sign-in attempts"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn a_sign_in_form_without_its_token_is_refused() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        app.sign_in_as("admin").await;
        let mut browser = app.customer();
        browser.get("/login").await;
        let response = browser
            .post_form(
                "/login",
                &[("email", "admin@example.com"), ("password", STAFF_PASSWORD)],
            )
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN);
        assert!(!browser.cookies.iter().any(|(n, _)| n == "answerdesk_staff"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn staff_forms_without_the_session_token_change_nothing() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut admin = app.sign_in_as("admin").await;
        let fields = [
            ("email", "new.agent@example.com"),
            ("name", "New Agent"),
            ("role", "agent"),
            ("password", "a long enough password"),
        ];
        let missing = admin.post_form_as_is("/admin/users", &fields).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        let mut forged = fields.to_vec();
        forged.push(("csrf_token", "0123456789abcdef0123456789abcdef"));
        let wrong = admin.post_form_as_is("/admin/users", &forged).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        assert!(
            app.state
                .db
                .find_user_by_email("new.agent@example.com")
                .await
                .expect("query")
                .is_none()
        );
        let created = admin.post_form("/admin/users", &fields).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        assert!(
            app.state
                .db
                .find_user_by_email("new.agent@example.com")
                .await
                .expect("query")
                .is_some()
        );
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_expired_session_asks_for_the_password_again() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut agent = app.sign_in_as("agent").await;
        assert_eq!(agent.get("/agent").await.status, StatusCode::OK);
        let token = agent
            .browser
            .cookies
            .iter()
            .find(|(n, _)| n == "answerdesk_staff")
            .map(|(_, v)| v.clone())
            .expect("session cookie");
        app.state
            .db
            .set_session_expiry(&token_hash(&token), 1)
            .await
            .expect("expire");
        let response = agent.get("/agent").await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/login?next=%2Fagent");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn signing_out_everywhere_ends_the_sessions_on_other_devices() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut laptop = app.sign_in_as("editor").await;
        let mut phone = app.sign_in_as("editor").await;
        assert_eq!(phone.get("/editor").await.status, StatusCode::OK);
        let response = laptop
            .post_form("/staff/account/sign-out-everywhere", &[])
            .await;
        assert_eq!(location(&response), "/login?signed_out=1");
        assert_eq!(phone.get("/editor").await.status, StatusCode::SEE_OTHER);
        assert_eq!(laptop.get("/editor").await.status, StatusCode::SEE_OTHER);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn signing_out_ends_only_this_session() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut laptop = app.sign_in_as("agent").await;
        let mut phone = app.sign_in_as("agent").await;
        let response = laptop.post_form("/logout", &[]).await;
        assert_eq!(location(&response), "/login?signed_out=1");
        assert_eq!(laptop.get("/agent").await.status, StatusCode::SEE_OTHER);
        assert_eq!(phone.get("/agent").await.status, StatusCode::OK);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn an_admin_manages_users_and_every_change_is_in_the_audit_log() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut admin = app.sign_in_as("admin").await;
        let mut agent = app.sign_in_as("agent").await;
        let agent_id = agent.user.id.to_string();

        // Promoting the agent to editor ends their session, so the new role applies at once.
        let response = admin
            .post_form(
                &format!("/admin/users/{agent_id}/role"),
                &[("role", "editor")],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert_eq!(agent.get("/agent").await.status, StatusCode::SEE_OTHER);
        let mut promoted = app.sign_in_with_email("agent", "agent@example.com").await;
        assert_eq!(promoted.get("/editor").await.status, StatusCode::OK);
        assert_eq!(promoted.get("/agent").await.status, StatusCode::FORBIDDEN);

        // A deactivated user can no longer sign in.
        admin
            .post_form(
                &format!("/admin/users/{agent_id}/active"),
                &[("active", "false")],
            )
            .await;
        assert_eq!(promoted.get("/editor").await.status, StatusCode::SEE_OTHER);
        let mut browser = app.customer();
        let refused = attempt_sign_in(&mut browser, "agent@example.com", STAFF_PASSWORD).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

        // An admin cannot lock themselves out.
        let own_id = admin.user.id.to_string();
        let refused = admin
            .post_form(
                &format!("/admin/users/{own_id}/active"),
                &[("active", "false")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);

        let duplicate = admin
            .post_form(
                "/admin/users",
                &[
                    ("email", "Agent@Example.com"),
                    ("role", "agent"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            duplicate.body.contains("already exists"),
            "{}",
            duplicate.body
        );

        let entries = recent_audit_entries(&app.state.db, None, 100)
            .await
            .expect("audit log");
        let actions: Vec<(&str, &str)> = entries
            .iter()
            .filter(|e| e.actor_email == "admin@example.com")
            .map(|e| (e.action.as_str(), e.target.as_str()))
            .collect();
        assert!(
            actions.contains(&("user.role", "agent@example.com")),
            "{actions:?}"
        );
        assert!(
            actions.contains(&("user.deactivate", "agent@example.com")),
            "{actions:?}"
        );
        assert!(
            actions.contains(&("session.sign_in", "admin@example.com")),
            "{actions:?}"
        );
        let page = admin.get("/admin/audit").await;
        assert!(page.body.contains("user.deactivate"));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn passwords_are_stored_only_as_argon2_hashes() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        app.sign_in_as("admin").await;
        let (_, hash) = app
            .state
            .db
            .find_user_credentials("admin@example.com")
            .await
            .expect("query")
            .expect("user");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains(STAFF_PASSWORD));
        shut_down(app).await;
    }
}

#[tokio::test]
async fn changing_your_own_password_needs_the_current_one() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut editor = app.sign_in_as("editor").await;
        let refused = editor
            .post_form(
                "/staff/account/password",
                &[
                    ("current_password", "wrong"),
                    ("new_password", "a brand new password"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("current password is not correct"));
        let changed = editor
            .post_form(
                "/staff/account/password",
                &[
                    ("current_password", STAFF_PASSWORD),
                    ("new_password", "a brand new password"),
                ],
            )
            .await;
        assert_eq!(location(&changed), "/login?signed_out=1");
        let mut browser = app.customer();
        let old = attempt_sign_in(&mut browser, "editor@example.com", STAFF_PASSWORD).await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
        let new = attempt_sign_in(&mut browser, "editor@example.com", "a brand new password").await;
        assert_eq!(new.status, StatusCode::SEE_OTHER);
        shut_down(app).await;
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_portal_is_served_over_https() {
    for database in test_databases().await {
        let app = spawn_app_with(&database, &shipped_content(), |config| {
            config.base_url = "https://help.example.com".to_owned();
        })
        .await;
        app.sign_in_as("admin").await;
        let mut browser = app.customer();
        let response = attempt_sign_in(&mut browser, "admin@example.com", STAFF_PASSWORD).await;
        let cookie = response
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("answerdesk_staff="))
            .expect("session cookie")
            .to_owned();
        assert!(cookie.contains("Secure"), "{cookie}");
        shut_down(app).await;
    }
}

#[tokio::test]
async fn each_role_starts_the_day_in_its_own_area() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        for (role, start) in [
            ("admin", "/admin"),
            ("editor", "/editor"),
            ("agent", "/agent"),
        ] {
            let mut staff = app.sign_in_as(role).await;
            let response = staff.get("/staff").await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{role}");
            assert_eq!(location(&response), start, "{role}");
        }
        shut_down(app).await;
    }
}

#[tokio::test]
async fn the_staff_navigation_marks_the_admin_page_that_is_open() {
    let database = TestDatabase::sqlite();
    let app = spawn_app(&database, &shipped_content()).await;
    let mut admin = app.sign_in_as("admin").await;
    for (path, current) in [
        ("/admin", "/admin"),
        ("/admin/users", "/admin/users"),
        ("/admin/audit", "/admin/audit"),
        ("/admin/widget", "/admin/widget"),
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let marked: Vec<&str> = page
            .body
            .match_indices("aria-current=\"page\"")
            .map(|(at, _)| {
                let link = &page.body[..at];
                let href = link.rfind("href=\"").map_or("", |from| &link[from + 6..]);
                href.split('"').next().unwrap_or("")
            })
            .collect();
        assert_eq!(marked, vec![current], "{path} marks {marked:?}");
    }
}
