//! Editors keep articles as Markdown files: importing, re-importing, exporting and
//! rejecting bad files, on every database backend.

mod common;

use answerdesk::articles::{self, FileOutcome};
use answerdesk::storage::Database;
use common::{article_file, shipped_content, test_databases, write_file};

fn outcome_of<'a>(report: &'a articles::ImportReport, path: &str) -> &'a FileOutcome {
    &report
        .files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} not in report: {:?}", report.files))
        .1
}

#[tokio::test]
async fn the_shipped_content_imports_without_a_single_invalid_file() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        let report = articles::import_directory(&db, &shipped_content(), "en", "import")
            .await
            .expect("import");
        assert!(
            !report.has_invalid(),
            "[{}] invalid shipped files: {:?}",
            database.name,
            report.files
        );
        let stored = db.all_articles().await.expect("articles");
        assert_eq!(stored.len(), report.files.len(), "[{}]", database.name);
        let english = stored.iter().filter(|a| a.lang == "en").count();
        assert!(
            english >= 40,
            "[{}] only {english} English articles",
            database.name
        );
        let translated = stored.iter().filter(|a| a.translation_of.is_some()).count();
        assert!(
            translated >= 12,
            "[{}] only {translated} translations",
            database.name
        );
        for lang in ["ru", "lv", "lt", "sl"] {
            assert!(
                stored.iter().any(|a| a.lang == lang),
                "[{}] no {lang} article",
                database.name
            );
        }
        db.close().await;
    }
}

#[tokio::test]
async fn reimporting_unchanged_files_creates_no_revision() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        let first = articles::import_directory(&db, &shipped_content(), "en", "import")
            .await
            .expect("import");
        assert!(
            first.files.iter().all(|(_, o)| *o == FileOutcome::Created),
            "[{}]",
            database.name
        );
        let second = articles::import_directory(&db, &shipped_content(), "en", "import")
            .await
            .expect("import");
        assert!(
            second
                .files
                .iter()
                .all(|(_, o)| *o == FileOutcome::Unchanged),
            "[{}] {:?}",
            database.name,
            second.files
        );
        let revisions = db
            .article_revisions("reset-your-password")
            .await
            .expect("revisions");
        assert_eq!(revisions.len(), 1, "[{}]", database.name);
        db.close().await;
    }
}

#[tokio::test]
async fn import_then_export_then_import_is_a_no_op() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        articles::import_directory(&db, &shipped_content(), "en", "import")
            .await
            .expect("import");
        let export_dir = tempfile::tempdir().expect("temp dir");
        let exported = articles::export_directory(&db, export_dir.path())
            .await
            .expect("export");
        assert_eq!(
            exported.written.len(),
            db.all_articles().await.expect("all").len()
        );
        let again = articles::import_directory(&db, export_dir.path(), "en", "import")
            .await
            .expect("import");
        assert!(
            again
                .files
                .iter()
                .all(|(_, o)| *o == FileOutcome::Unchanged),
            "[{}] export changed something: {:?}",
            database.name,
            again
                .files
                .iter()
                .filter(|(_, o)| *o != FileOutcome::Unchanged)
                .collect::<Vec<_>>()
        );
        // The draft is exported too, so nothing is lost by round-tripping through git.
        assert!(
            export_dir
                .path()
                .join("en/offline-mode-in-the-mobile-app.md")
                .exists()
        );
        db.close().await;
    }
}

#[tokio::test]
async fn an_edited_file_becomes_a_new_revision_with_the_full_text() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        let dir = tempfile::tempdir().expect("temp dir");
        write_file(
            dir.path(),
            "en/refunds.md",
            &article_file("Refunds", "", "Version one."),
        );
        articles::import_directory(&db, dir.path(), "en", "import")
            .await
            .expect("import");
        write_file(
            dir.path(),
            "en/refunds.md",
            &article_file("Refunds and credits", "", "Version two."),
        );
        let report = articles::import_directory(&db, dir.path(), "en", "alice@example.com")
            .await
            .expect("import");
        assert_eq!(outcome_of(&report, "en/refunds.md"), &FileOutcome::Updated);

        let article = db
            .find_article_by_slug("refunds")
            .await
            .expect("find")
            .expect("stored");
        assert_eq!(article.title, "Refunds and credits");
        assert_eq!(article.revision, 2);
        let revisions = db.article_revisions("refunds").await.expect("revisions");
        assert_eq!(revisions.len(), 2, "[{}]", database.name);
        assert_eq!(revisions[0].revision, 2);
        assert_eq!(revisions[0].author, "alice@example.com");
        assert!(revisions[0].document.contains("Version two."));
        assert!(
            revisions[1].document.contains("Version one."),
            "the old text is kept"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn bad_files_are_reported_by_line_and_skipped_while_good_files_import() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        let dir = tempfile::tempdir().expect("temp dir");
        write_file(
            dir.path(),
            "en/good.md",
            &article_file("A good article", "", "Fine."),
        );
        write_file(
            dir.path(),
            "en/stored-then-broken.md",
            &article_file("Stored first", "", "Original body."),
        );
        articles::import_directory(&db, dir.path(), "en", "import")
            .await
            .expect("import");

        // Now break one stored file and add every kind of bad file.
        write_file(
            dir.path(),
            "en/stored-then-broken.md",
            "---\ntitle: Broken\nstatus: live\n---\nNew body.\n",
        );
        write_file(
            dir.path(),
            "en/malformed.md",
            "---\ntitle: Broken\ntags: [unclosed\n---\nBody.\n",
        );
        write_file(
            dir.path(),
            "en/no-title.md",
            "---\ncategory: Billing\n---\nBody.\n",
        );
        write_file(
            dir.path(),
            "en/duplicate.md",
            &article_file("Duplicate", "slug: good\n", "Body."),
        );
        write_file(dir.path(), "en/no-front-matter.md", "# Just Markdown\n");
        write_file(
            dir.path(),
            "en/orphan-translation.md",
            &article_file(
                "Tulkojums",
                "lang: lv\ntranslation_of: missing-article\n",
                "Body.",
            ),
        );
        std::fs::write(dir.path().join("en/not-utf8.md"), [0xff, 0xfe, 0x00, 0x9f]).expect("write");
        write_file(
            dir.path(),
            "en/new-good.md",
            &article_file("Another good one", "", "Fine too."),
        );

        let report = articles::import_directory(&db, dir.path(), "en", "import")
            .await
            .expect("import");
        assert!(report.has_invalid());
        let invalid = |path: &str| match outcome_of(&report, path) {
            FileOutcome::Invalid(message) => message.clone(),
            other => panic!(
                "[{}] {path} should be invalid, was {other:?}",
                database.name
            ),
        };
        assert!(invalid("en/stored-then-broken.md").starts_with("line 3: unknown status \"live\""));
        assert!(invalid("en/malformed.md").contains("malformed front matter"));
        assert!(invalid("en/no-title.md").contains("title"));
        assert!(invalid("en/duplicate.md").contains("duplicate slug \"good\""));
        assert!(invalid("en/no-front-matter.md").contains("front matter"));
        assert!(invalid("en/orphan-translation.md").contains("missing-article"));
        assert!(invalid("en/not-utf8.md").contains("cannot read file"));
        assert_eq!(outcome_of(&report, "en/good.md"), &FileOutcome::Unchanged);
        assert_eq!(outcome_of(&report, "en/new-good.md"), &FileOutcome::Created);

        let kept = db
            .find_article_by_slug("stored-then-broken")
            .await
            .expect("find")
            .expect("still stored");
        assert_eq!(
            kept.title, "Stored first",
            "[{}] an invalid file must not touch its stored version",
            database.name
        );
        assert!(kept.body_markdown.contains("Original body."));
        assert_eq!(kept.revision, 1);
        assert!(
            db.find_article_by_slug("no-title")
                .await
                .expect("find")
                .is_none()
        );
        assert!(
            db.find_article_by_slug("malformed")
                .await
                .expect("find")
                .is_none()
        );
        db.close().await;
    }
}

#[tokio::test]
async fn hostile_markdown_is_stored_sanitised() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        let dir = tempfile::tempdir().expect("temp dir");
        write_file(
            dir.path(),
            "en/hostile.md",
            &article_file(
                "Hostile",
                "",
                "<script>document.cookie</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[click](javascript:alert(1))\n\n<a href=\"#\" onmouseover=\"x()\">hover</a>",
            ),
        );
        articles::import_directory(&db, dir.path(), "en", "import")
            .await
            .expect("import");
        let article = db
            .find_article_by_slug("hostile")
            .await
            .expect("find")
            .expect("stored");
        for forbidden in ["<script", "onerror", "javascript:", "onmouseover"] {
            assert!(
                !article.body_html.contains(forbidden),
                "[{}] {forbidden} in {}",
                database.name,
                article.body_html
            );
        }
        db.close().await;
    }
}

#[tokio::test]
async fn a_section_survives_export_and_import_and_a_changed_one_is_a_new_revision() {
    for database in test_databases().await {
        let db = Database::connect(&database.url).await.expect("connect");
        let dir = tempfile::tempdir().expect("temp dir");
        write_file(
            dir.path(),
            "en/export-to-csv.md",
            &article_file(
                "Export to CSV",
                "category: Reports\nsection: \"Exporting data\"\n",
                "Open Reports and choose **Export**.",
            ),
        );
        let first = articles::import_directory(&db, dir.path(), "en", "import")
            .await
            .expect("import");
        assert_eq!(
            outcome_of(&first, "en/export-to-csv.md"),
            &FileOutcome::Created
        );
        let stored = db
            .find_article_by_slug("export-to-csv")
            .await
            .expect("find")
            .expect("stored");
        assert_eq!(stored.section, "Exporting data", "[{}]", database.name);

        // The export writes it back, and importing the export changes nothing.
        let export_dir = tempfile::tempdir().expect("temp dir");
        articles::export_directory(&db, export_dir.path())
            .await
            .expect("export");
        let written = std::fs::read_to_string(export_dir.path().join("en/export-to-csv.md"))
            .expect("exported file");
        assert!(
            written.contains("section: \"Exporting data\"\n"),
            "{written}"
        );
        let again = articles::import_directory(&db, export_dir.path(), "en", "import")
            .await
            .expect("import");
        assert_eq!(
            outcome_of(&again, "en/export-to-csv.md"),
            &FileOutcome::Unchanged,
            "[{}]",
            database.name
        );

        // Moving the article to another section is a change; dropping it, too.
        for (front_matter, expected) in [
            ("category: Reports\nsection: Sharing\n", "Sharing"),
            ("category: Reports\n", ""),
        ] {
            write_file(
                dir.path(),
                "en/export-to-csv.md",
                &article_file(
                    "Export to CSV",
                    front_matter,
                    "Open Reports and choose **Export**.",
                ),
            );
            let report = articles::import_directory(&db, dir.path(), "en", "import")
                .await
                .expect("import");
            assert_eq!(
                outcome_of(&report, "en/export-to-csv.md"),
                &FileOutcome::Updated
            );
            let stored = db
                .find_article_by_slug("export-to-csv")
                .await
                .expect("find")
                .expect("stored");
            assert_eq!(stored.section, expected, "[{}]", database.name);
        }
        db.close().await;
    }
}

/// A save reads the stored article before it writes the new one. On SQLite a transaction
/// that only reads at first is refused outright ("database is locked") if another
/// connection is writing when it turns to write, so imports running beside other writers
/// (view counts, background jobs) must take the write lock up front and wait for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn imports_beside_other_writers_on_one_sqlite_file_all_succeed() {
    let database = common::TestDatabase::sqlite();
    let db = Database::connect(&database.url).await.expect("connect");
    articles::import_directory(&db, &shipped_content(), "en", "import")
        .await
        .expect("shipped content");
    let shipped_slug = db.all_articles().await.expect("articles")[0]
        .slug
        .as_str()
        .to_owned();
    let mut writers = Vec::new();
    for writer in 0..6 {
        let db = db.clone();
        writers.push(tokio::spawn(async move {
            let content = tempfile::tempdir().expect("temp dir");
            for round in 0..8 {
                write_file(
                    content.path(),
                    &format!("en/contended-{writer}.md"),
                    &article_file(
                        &format!("Contended article {writer}"),
                        "",
                        &format!("Revision {round} of a contended article."),
                    ),
                );
                let report = articles::import_directory(&db, content.path(), "en", "import")
                    .await
                    .map_err(|e| format!("writer {writer} round {round}: {e:?}"))?;
                if report.has_invalid() {
                    return Err(format!("writer {writer}: {:?}", report.files));
                }
            }
            Ok::<(), String>(())
        }));
    }
    for counter in 0..2 {
        let db = db.clone();
        let slug = shipped_slug.clone();
        writers.push(tokio::spawn(async move {
            for round in 0..40 {
                db.add_article_views(&[(slug.clone(), 1)])
                    .await
                    .map_err(|e| format!("view counter {counter} round {round}: {e:?}"))?;
            }
            Ok(())
        }));
    }
    for writer in writers {
        writer
            .await
            .expect("writer task")
            .expect("every write lands");
    }
    let stored = db.all_articles().await.expect("articles");
    for writer in 0..6 {
        let slug = format!("contended-{writer}");
        let article = stored
            .iter()
            .find(|a| a.slug.as_str() == slug)
            .unwrap_or_else(|| panic!("{slug} not stored"));
        assert!(
            article.body_markdown.contains("Revision 7"),
            "{slug} holds {:?}",
            article.body_markdown
        );
    }
}
