//! Staff accounts: signing in and out, sessions, CSRF, users and the audit log.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn an_admin_signs_in_and_reaches_the_user_list() {
    for database in test_databases().await {
        let app = spawn_app(&database, &shipped_content()).await;
        let mut admin = app.sign_in_as("admin").await;
        let users = admin.get("/admin/users").await;
        assert_eq!(users.status, StatusCode::OK, "{}", database.name);
        assert!(users.body.contains("admin@example.com"));
        shut_down(app).await;
    }
}
