//! Links in a conversation: an agent inserts an article's address into a reply, and the
//! customer can open it from the status page and from the email.

mod common;

use axum::http::StatusCode;
use common::{post_json, shipped_content, spawn_app, test_databases};
use serde_json::json;

#[tokio::test]
async fn an_article_link_in_an_agents_reply_opens_from_the_status_page_and_the_email() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let filed = post_json(
            &app,
            "/api/tickets",
            &json!({"name": "Ann", "email": "ann@example.com", "subject": "Cannot sign in",
                    "description": "See <b>this</b>: https://evil.example/x\"onclick=alert(1)"}),
        )
        .await;
        assert_eq!(filed.status, StatusCode::CREATED);
        let created: serde_json::Value = serde_json::from_str(&filed.body).expect("JSON");
        let id: i64 = created["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("AD-"))
            .and_then(|digits| digits.parse().ok())
            .expect("reference");
        let status_url = created["status_url"].as_str().expect("status url");
        let status_path = format!("/tickets/{}", status_url.rsplit('/').next().expect("token"));

        let article = "http://127.0.0.1:8080/en/articles/reset-your-password";
        let mut agent = app.sign_in_as("agent").await;
        let replied = agent
            .post_form(
                &format!("/agent/tickets/{id}/reply"),
                &[
                    (
                        "body",
                        &format!("Reset your password: {article}\nThen sign in."),
                    ),
                    ("status", ""),
                ],
            )
            .await;
        assert_eq!(replied.status, StatusCode::SEE_OTHER, "[{}]", app.backend);

        let page = app.customer().get(&status_path).await;
        assert_eq!(page.status, StatusCode::OK);
        let href = minijinja::HtmlEscape(article).to_string();
        assert!(
            page.body.contains(&format!(
                "<a href=\"{href}\" rel=\"noopener noreferrer nofollow\">{href}</a>"
            )),
            "[{}] the article link can be clicked: {}",
            app.backend,
            page.body
        );
        assert!(
            page.body.contains("See &lt;b&gt;this&lt;&#x2f;b&gt;:"),
            "what the customer typed stays text"
        );
        assert!(!page.body.contains("\"onclick=alert(1)"));

        let emails = app.state.db.unsent_emails(10).await.expect("outbox");
        let reply = emails
            .iter()
            .find(|email| email.subject.contains("Re: Cannot sign in"))
            .expect("reply emailed");
        assert!(
            reply.body.lines().any(|line| line.ends_with(article)),
            "the address is whole on its line, so mail programs link it: {}",
            reply.body
        );
    }
}
