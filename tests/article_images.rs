//! Images in articles: editors upload them in the editor, customers see them in the published
//! article, only real raster images are kept, and an image stays while the article keeps it.

mod common;

use std::time::Duration;

use answerdesk::articles::Article;
use answerdesk::attachments::{FileStore, Spool};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Staff, TestApp, location, spawn_app, test_databases};

/// A one-pixel PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

const BOUNDARY: &str = "----answerdesk-image-boundary";

/// A `multipart/form-data` body: the CSRF token first, then one file in the `image` field.
fn image_body(csrf: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{file_name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(
    editor: &Staff<'_>,
    path: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> common::TestResponse {
    let request = Request::post(path)
        .header(header::COOKIE, editor.browser.cookie_header())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(image_body(
            &editor.csrf_token,
            file_name,
            content_type,
            bytes,
        )))
        .expect("request");
    editor.browser.app.request(request).await
}

async fn stored(app: &TestApp, slug: &str) -> Article {
    app.state
        .db
        .find_article_by_slug(slug)
        .await
        .expect("query")
        .expect("article stored")
}

/// Creates and publishes an article through the editor; returns its slug.
async fn publish_new(editor: &mut Staff<'_>, title: &str, body: &str) -> String {
    let response = editor
        .post_form(
            "/editor/articles",
            &[
                ("title", title),
                ("slug", ""),
                ("category", ""),
                ("tags", ""),
                ("aliases", ""),
                ("lang", "en"),
                ("translation_of", ""),
                ("body", body),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    location(&response)
        .trim_start_matches("/editor/articles/")
        .split('/')
        .next()
        .expect("slug")
        .to_owned()
}

/// Saves a new body through the edit form and publishes it.
async fn publish_body(editor: &mut Staff<'_>, article: &Article, body: &str) {
    let revision = article.revision.to_string();
    let response = editor
        .post_form(
            &format!("/editor/articles/{}/edit", article.slug),
            &[
                ("title", &article.title),
                ("slug", &article.slug),
                ("category", &article.category),
                ("section", &article.section),
                ("tags", &article.tags.join(", ")),
                ("aliases", &article.aliases.join("\n")),
                ("lang", &article.lang),
                ("translation_of", ""),
                ("body", body),
                ("base_revision", &revision),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

/// Uploads a PNG through the script's endpoint and returns the Markdown it inserts.
async fn upload_png(editor: &Staff<'_>, slug: &str) -> String {
    let response = upload(
        editor,
        &format!("/api/editor/articles/{slug}/images"),
        "Settings screen.png",
        "image/png",
        PNG,
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let json: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
    json["markdown"].as_str().expect("markdown").to_owned()
}

/// The `/article-images/…` address in a piece of Markdown or HTML.
fn image_path(text: &str) -> String {
    let start = text.find("/article-images/").expect("an image address");
    text[start..]
        .split(['"', ')'])
        .next()
        .expect("address")
        .to_owned()
}

#[tokio::test]
async fn an_image_an_editor_uploads_shows_in_the_published_article() {
    for database in test_databases().await {
        let content = tempfile::tempdir().expect("content dir");
        let app = spawn_app(&database, content.path()).await;
        let mut editor = app.sign_in_as("editor").await;
        let slug = publish_new(&mut editor, "Find the settings", "Open the menu.\n").await;

        let markdown = upload_png(&editor, &slug).await;
        assert!(
            markdown.starts_with("![Settings screen](/article-images/"),
            "[{}] {markdown}",
            app.backend
        );
        let article = stored(&app, &slug).await;
        publish_body(
            &mut editor,
            &article,
            &format!("Open the menu.\n\n{markdown}\n"),
        )
        .await;

        let page = app.get(&format!("/en/articles/{slug}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.backend);
        let page_body = page.body.replace("&#x2f;", "/");
        let src = image_path(&page_body);
        assert!(
            page_body.contains(&format!("<img src=\"{src}\"")),
            "[{}] {page_body}",
            app.backend
        );

        let image = app.get(&src).await;
        assert_eq!(image.status, StatusCode::OK, "[{}]", app.backend);
        assert_eq!(image.headers[header::CONTENT_TYPE], "image/png");
        assert_eq!(image.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(
            image.headers[header::CACHE_CONTROL]
                .to_str()
                .expect("ascii")
                .contains("immutable"),
            "[{}]",
            app.backend
        );
        // The same bytes uploaded again are stored once.
        let again = upload_png(&editor, &slug).await;
        assert_eq!(image_path(&again), src, "[{}]", app.backend);
        assert_eq!(
            common::stored_texts(&database, "SELECT content_hash FROM article_images")
                .await
                .len(),
            1,
            "[{}]",
            app.backend
        );
        // Another extension, or a hash no article keeps, is not found.
        let wrong = src.replace(".png", ".gif");
        assert_eq!(app.get(&wrong).await.status, StatusCode::NOT_FOUND);
        let unknown = format!("/article-images/{}.png", "0".repeat(64));
        assert_eq!(app.get(&unknown).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn an_editor_without_script_uploads_with_the_small_form_and_is_shown_the_markdown() {
    for database in test_databases().await {
        let content = tempfile::tempdir().expect("content dir");
        let app = spawn_app(&database, content.path()).await;
        let mut editor = app.sign_in_as("editor").await;
        let slug = publish_new(&mut editor, "Export a report", "Choose Export.\n").await;

        let edit = editor.get(&format!("/editor/articles/{slug}/edit")).await;
        assert!(
            edit.body.contains("enctype=\"multipart/form-data\""),
            "[{}] the editor has an image form",
            app.backend
        );
        let response = upload(
            &editor,
            &format!("/editor/articles/{slug}/images"),
            "report.png",
            "image/png",
            PNG,
        )
        .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let back = location(&response);
        assert!(back.starts_with(&format!("/editor/articles/{slug}/edit?image=")));
        let page = editor.get(&back).await;
        let text = page.body.replace("&#x2f;", "/");
        assert!(
            text.contains("Paste this into the body")
                && text.contains("![report](/article-images/"),
            "[{}] {}",
            app.backend,
            page.body
        );
        // A crafted link cannot put other words there.
        let crafted = editor
            .get(&format!(
                "/editor/articles/{slug}/edit?image=Your%20session%20expired%2C%20call%20us"
            ))
            .await;
        assert!(
            !crafted.body.contains("session expired"),
            "[{}] {}",
            app.backend,
            crafted.body
        );
    }
}

#[tokio::test]
async fn an_svg_or_a_page_named_png_is_refused_with_a_clear_message() {
    for database in test_databases().await {
        let content = tempfile::tempdir().expect("content dir");
        let app = spawn_app(&database, content.path()).await;
        let mut editor = app.sign_in_as("editor").await;
        let slug = publish_new(&mut editor, "Change the logo", "Upload a logo.\n").await;

        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        let html = b"<!doctype html><html><body><script>alert(1)</script></body></html>";
        for (name, content_type, bytes) in [
            ("logo.svg", "image/svg+xml", &svg[..]),
            ("logo.png", "image/png", &svg[..]),
            ("page.png", "image/png", &html[..]),
            ("notes.txt", "text/plain", &b"just some notes"[..]),
        ] {
            let response = upload(
                &editor,
                &format!("/api/editor/articles/{slug}/images"),
                name,
                content_type,
                bytes,
            )
            .await;
            assert_eq!(
                response.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "[{}] {name}: {}",
                app.backend,
                response.body
            );
            assert!(
                response
                    .body
                    .contains("Only PNG, JPEG, GIF and WebP images"),
                "[{}] {name}: {}",
                app.backend,
                response.body
            );
        }
        assert!(
            common::stored_texts(&database, "SELECT content_hash FROM article_images")
                .await
                .is_empty(),
            "[{}] nothing refused is recorded",
            app.backend
        );
        // The page form gets the same message on the error page.
        let page = upload(
            &editor,
            &format!("/editor/articles/{slug}/images"),
            "logo.svg",
            "image/svg+xml",
            svg,
        )
        .await;
        assert_eq!(page.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(page.body.contains("Only PNG, JPEG, GIF and WebP images"));
    }
}

#[tokio::test]
async fn an_image_only_an_old_revision_shows_is_not_removed_by_the_cleanup() {
    for database in test_databases().await {
        let content = tempfile::tempdir().expect("content dir");
        let app = spawn_app(&database, content.path()).await;
        let mut editor = app.sign_in_as("editor").await;
        let slug = publish_new(&mut editor, "Print a receipt", "Press Print.\n").await;
        let markdown = upload_png(&editor, &slug).await;
        let article = stored(&app, &slug).await;
        publish_body(
            &mut editor,
            &article,
            &format!("Press Print.\n\n{markdown}\n"),
        )
        .await;
        // The next revision no longer shows the image.
        let article = stored(&app, &slug).await;
        publish_body(&mut editor, &article, "Press Print.\n").await;

        // A file nothing refers to, kept long enough ago to be removed.
        let temp = app.state.files.temp_dir();
        let mut spool = Spool::start(&temp, "stray.txt", 100).await.expect("spool");
        spool.write(b"nobody refers to me").await.expect("write");
        let stray = spool.finish().await.expect("text");
        let stray_hash = stray.hash.clone();
        app.state.files.keep(stray).await.expect("kept");

        let referenced = app.state.db.referenced_file_hashes().await.expect("hashes");
        let removed = app
            .state
            .files
            .remove_unreferenced(&referenced, Duration::ZERO)
            .await
            .expect("cleanup");
        assert_eq!(removed, 1, "[{}] only the stray file goes", app.backend);
        assert!(
            app.state
                .files
                .open(&stray_hash)
                .await
                .expect("open")
                .is_none()
        );
        let image = app.get(&image_path(&markdown)).await;
        assert_eq!(image.status, StatusCode::OK, "[{}]", app.backend);
        assert_eq!(image.headers[header::CONTENT_TYPE], "image/png");
    }
}

#[tokio::test]
async fn export_writes_images_beside_the_markdown_and_importing_it_back_changes_nothing() {
    use answerdesk::articles::{
        FileOutcome, export_directory_with_images, import_directory_with_images,
    };
    for database in test_databases().await {
        let content = tempfile::tempdir().expect("content dir");
        let app = spawn_app(&database, content.path()).await;
        let mut editor = app.sign_in_as("editor").await;
        let slug = publish_new(&mut editor, "Scan a barcode", "Point the camera.\n").await;
        let markdown = upload_png(&editor, &slug).await;
        let article = stored(&app, &slug).await;
        let body = format!("Point the camera.\n\n{markdown}\n");
        publish_body(&mut editor, &article, &body).await;
        let served = image_path(&markdown);
        let file_name = served.trim_start_matches("/article-images/").to_owned();
        let hash = answerdesk::attachments::ContentHash::parse(file_name.trim_end_matches(".png"))
            .expect("hash");

        let out = tempfile::tempdir().expect("export dir");
        export_directory_with_images(&app.state.db, &app.state.files, out.path())
            .await
            .expect("export");
        let written = std::fs::read(out.path().join("en/images").join(&file_name))
            .expect("the image is written beside the Markdown");
        assert_eq!(written, PNG, "[{}]", app.backend);
        let text =
            std::fs::read_to_string(out.path().join(format!("en/{slug}.md"))).expect("markdown");
        assert!(
            text.contains(&format!("](images/{file_name})")),
            "[{}] {text}",
            app.backend
        );

        // The store loses the file: importing the export brings it back, and nothing else.
        app.state.files.remove(&hash).await.expect("removed");
        assert_eq!(app.get(&served).await.status, StatusCode::NOT_FOUND);
        for round in 0..2 {
            let report = import_directory_with_images(
                &app.state.db,
                &app.state.files,
                out.path(),
                "en",
                "import",
            )
            .await
            .expect("import");
            assert!(
                report
                    .files
                    .iter()
                    .all(|(_, outcome)| *outcome == FileOutcome::Unchanged),
                "[{}] round {round}: {:?}",
                app.backend,
                report.files
            );
            let image = app.get(&served).await;
            assert_eq!(
                image.status,
                StatusCode::OK,
                "[{}] round {round}",
                app.backend
            );
            assert_eq!(image.headers[header::CONTENT_TYPE], "image/png");
        }
        assert_eq!(stored(&app, &slug).await.body_markdown, body);
        assert_eq!(
            common::stored_texts(&database, "SELECT content_hash FROM article_images")
                .await
                .len(),
            1,
            "[{}] an unchanged image is not recorded twice",
            app.backend
        );

        // An image file whose bytes are not what its name says makes the file invalid.
        std::fs::write(
            out.path().join("en/images").join(&file_name),
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .expect("tamper");
        std::fs::write(
            out.path().join(format!("en/{slug}.md")),
            text.replace("Point the camera.", "Point the camera again."),
        )
        .expect("edit");
        let report = import_directory_with_images(
            &app.state.db,
            &app.state.files,
            out.path(),
            "en",
            "import",
        )
        .await
        .expect("import");
        assert!(
            report.files.iter().any(|(path, outcome)| path == &format!("en/{slug}.md")
                && matches!(outcome, FileOutcome::Invalid(message) if message.contains("not a PNG"))),
            "[{}] {:?}",
            app.backend,
            report.files
        );
        assert_eq!(stored(&app, &slug).await.body_markdown, body);
    }
}
