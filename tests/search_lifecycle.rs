//! Opening, rebuilding and writing: health reports, schema changes, corruption, upserts.

mod search_support;

use std::fs;

use answerdesk::search::{
    ArticleDocument, IndexHealth, SearchError, SearchIndex, SuggestRequest, document_key,
};
use search_support::{article, help_centre, ids, req};

fn needs_rebuild(health: &IndexHealth) -> &str {
    match health {
        IndexHealth::NeedsRebuild { reason } => reason,
        IndexHealth::Ready => panic!("expected NeedsRebuild"),
    }
}

#[tokio::test]
async fn new_dir_needs_rebuild_then_reopens_ready() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (index, health) = SearchIndex::open_in_dir(dir.path()).expect("open");
        needs_rebuild(&health);
        let report = index.rebuild(help_centre()).await.expect("rebuild");
        assert_eq!(report.documents, help_centre().len());
        assert_eq!(report.published, help_centre().len() - 1);
    }
    let (index, health) = SearchIndex::open_in_dir(dir.path()).expect("reopen");
    assert_eq!(health, IndexHealth::Ready);
    assert_eq!(index.document_count(), help_centre().len() as u64);
    let hits = index.suggest_articles(&req("password ")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"reset-password"));
}

#[tokio::test]
async fn changed_schema_version_needs_rebuild() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (index, _) = SearchIndex::open_in_dir(dir.path()).expect("open");
        index.rebuild(help_centre()).await.expect("rebuild");
    }
    fs::write(
        dir.path().join("answerdesk-search.json"),
        r#"{"schema_version":0,"state":"ready"}"#,
    )
    .expect("write state");
    let (index, health) = SearchIndex::open_in_dir(dir.path()).expect("reopen");
    assert!(
        needs_rebuild(&health).contains("schema version"),
        "{health:?}"
    );
    assert_eq!(index.document_count(), 0, "recreated empty");
}

#[tokio::test]
async fn corrupt_dir_is_recreated_and_works_after_rebuild() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (index, _) = SearchIndex::open_in_dir(dir.path()).expect("open");
        index.rebuild(help_centre()).await.expect("rebuild");
    }
    fs::write(dir.path().join("meta.json"), b"\x00garbage{{{").expect("garbage meta");
    fs::write(dir.path().join("0123.idx"), b"more garbage").expect("garbage file");
    let (index, health) = SearchIndex::open_in_dir(dir.path()).expect("reopen");
    assert!(needs_rebuild(&health).contains("corrupt"), "{health:?}");
    index.rebuild(help_centre()).await.expect("rebuild");
    let hits = index.suggest_articles(&req("stripe ")).expect("suggest");
    assert_eq!(ids(&hits).first(), Some(&"connect-stripe"));
}

#[tokio::test]
async fn damaged_segment_file_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (index, _) = SearchIndex::open_in_dir(dir.path()).expect("open");
        index.rebuild(help_centre()).await.expect("rebuild");
    }
    let mut damaged = false;
    for entry in fs::read_dir(dir.path()).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "idx") {
            let mut bytes = fs::read(&path).expect("read");
            if let Some(b) = bytes.first_mut() {
                *b ^= 0xFF;
            }
            fs::write(&path, bytes).expect("write");
            damaged = true;
        }
    }
    assert!(damaged, "no segment file found");
    let (_, health) = SearchIndex::open_in_dir(dir.path()).expect("reopen");
    needs_rebuild(&health);
}

#[tokio::test]
async fn garbage_without_an_index_is_cleared() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("junk.bin"), b"junk").expect("junk");
    let (index, health) = SearchIndex::open_in_dir(dir.path()).expect("open");
    needs_rebuild(&health);
    assert!(!dir.path().join("junk.bin").exists());
    index.rebuild(help_centre()).await.expect("rebuild");
}

#[tokio::test]
async fn second_writer_on_the_same_dir_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_index, _) = SearchIndex::open_in_dir(dir.path()).expect("open");
    match SearchIndex::open_in_dir(dir.path()) {
        Err(SearchError::Locked(_)) => {}
        other => panic!("expected Locked, got {other:?}"),
    }
}

#[tokio::test]
async fn upsert_remove_and_unpublish() {
    let index = SearchIndex::in_memory().expect("index");
    index.rebuild(help_centre()).await.expect("rebuild");
    let vat = article(
        "vat",
        "en",
        "billing",
        "Add VAT to an invoice",
        "Set a tax rate on each invoice line.",
    );
    index.upsert(vat.clone()).await.expect("upsert");
    let hits = index.suggest_articles(&req("vat ")).expect("suggest");
    assert_eq!(ids(&hits), ["vat"]);

    // Replacing by id: the old title no longer matches.
    let mut renamed = vat.clone();
    renamed.title = "Sales tax on invoices".into();
    renamed.body = "Set a tax rate on each line.".into();
    index.upsert(renamed).await.expect("upsert again");
    assert!(
        index
            .suggest_articles(&req("vat "))
            .expect("suggest")
            .is_empty()
    );
    let count = index.document_count();

    let mut hidden = vat.clone();
    hidden.published = false;
    index.upsert(hidden).await.expect("unpublish");
    assert!(
        index
            .suggest_articles(&req("vat "))
            .expect("suggest")
            .is_empty()
    );
    assert_eq!(index.document_count(), count);

    index.upsert(vat).await.expect("republish");
    assert_eq!(
        ids(&index.suggest_articles(&req("vat ")).expect("s")),
        ["vat"]
    );
    index.remove("vat").await.expect("remove");
    assert!(
        index
            .suggest_articles(&req("vat "))
            .expect("suggest")
            .is_empty()
    );
    assert_eq!(index.document_count(), count - 1);
    index
        .remove("no-such-id")
        .await
        .expect("removing a missing id is fine");
}

#[tokio::test]
async fn an_article_stored_under_a_new_slug_replaces_its_old_document() {
    let index = SearchIndex::in_memory().expect("index");
    let before = ArticleDocument {
        article_id: Some(7),
        ..article(
            "vat",
            "en",
            "billing",
            "Add VAT to an invoice",
            "VAT rates per country.",
        )
    };
    index
        .rebuild_through(vec![before.clone()], 1)
        .await
        .expect("rebuild");
    let renamed = ArticleDocument {
        id: "value-added-tax".into(),
        title: "Value added tax on invoices".into(),
        ..before
    };
    index
        .apply_changes(vec![renamed.clone()], 2)
        .await
        .expect("rename");
    assert_eq!(index.document_count(), 1);
    assert_eq!(
        ids(&index.suggest_articles(&req("vat ")).expect("s")),
        ["value-added-tax"]
    );
    let archived = ArticleDocument {
        published: false,
        ..renamed
    };
    index
        .apply_changes(vec![archived], 3)
        .await
        .expect("archive");
    assert!(index.suggest_articles(&req("vat ")).expect("s").is_empty());
    assert_eq!(index.synced_through(), Some(3));
    index.remove(&document_key(7)).await.expect("remove by key");
    assert_eq!(index.document_count(), 0);
    assert_eq!(
        index.synced_through(),
        Some(3),
        "a removal keeps the number"
    );
}

#[tokio::test]
async fn the_synced_change_number_is_kept_with_the_index_across_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (index, _) = SearchIndex::open_in_dir(dir.path()).expect("open");
        assert_eq!(index.synced_through(), None);
        index
            .rebuild_through(help_centre(), 40)
            .await
            .expect("rebuild");
        assert_eq!(index.synced_through(), Some(40));
        let doc = article("late", "en", "", "Late fees", "Fees for late payment.");
        index.apply_changes(vec![doc], 42).await.expect("apply");
        // A plain upsert commits too, and keeps the number.
        let other = article("early", "en", "", "Early payment", "Discounts.");
        index.upsert(other).await.expect("upsert");
    }
    let (index, health) = SearchIndex::open_in_dir(dir.path()).expect("reopen");
    assert_eq!(health, IndexHealth::Ready);
    assert_eq!(index.synced_through(), Some(42));
    // A rebuild not made from a database forgets it.
    index.rebuild(help_centre()).await.expect("rebuild");
    assert_eq!(index.synced_through(), None);
}

#[tokio::test]
async fn rebuild_replaces_everything_and_last_duplicate_wins() {
    let index = SearchIndex::in_memory().expect("index");
    index.rebuild(help_centre()).await.expect("rebuild");
    let first = article("a", "en", "", "Old title about refunds", "body");
    let second = article("a", "en", "", "New title about webhooks", "body");
    let report = index.rebuild(vec![first, second]).await.expect("rebuild");
    assert_eq!(report.documents, 1);
    assert_eq!(index.document_count(), 1);
    assert!(
        index
            .suggest_articles(&req("refunds "))
            .expect("s")
            .is_empty()
    );
    assert_eq!(
        ids(&index.suggest_articles(&req("webhooks ")).expect("s")),
        ["a"]
    );
}

#[tokio::test]
async fn a_rebuild_from_pages_indexes_every_page_and_one_cut_short_keeps_the_old_index() {
    let index = SearchIndex::in_memory().expect("index");
    let documents = help_centre();
    let (pages, receiver) = tokio::sync::mpsc::channel(1);
    let sent = documents.clone();
    let send = tokio::spawn(async move {
        for page in sent.chunks(2) {
            pages.send(Some(page.to_vec())).await.expect("page taken");
        }
        pages.send(None).await.expect("end taken");
    });
    let report = index
        .rebuild_from_pages(receiver, 5)
        .await
        .expect("rebuild");
    send.await.expect("sender");
    assert_eq!(report.documents, documents.len());
    assert_eq!(index.document_count(), documents.len() as u64);
    assert_eq!(index.synced_through(), Some(5));

    // The reader of the pages fails after one page: nothing of the new pages is kept.
    let (pages, receiver) = tokio::sync::mpsc::channel(1);
    let replacement = article("only", "en", "", "Webhook retries", "Retry policy.");
    pages
        .send(Some(vec![replacement]))
        .await
        .expect("page taken");
    drop(pages);
    assert!(index.rebuild_from_pages(receiver, 6).await.is_err());
    assert_eq!(index.document_count(), documents.len() as u64);
    assert_eq!(index.synced_through(), Some(5));
    assert_eq!(
        ids(&index.suggest_articles(&req("reset password ")).expect("s")).first(),
        Some(&"reset-password")
    );
}

#[tokio::test]
async fn concurrent_searches_while_writing() {
    let index = SearchIndex::in_memory().expect("index");
    index.rebuild(help_centre()).await.expect("rebuild");
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let index = index.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let hits = index
                        .suggest_articles(&SuggestRequest {
                            text: "reset password ",
                            lang: None,
                            category: None,
                            limit: 5,
                            offset: 0,
                        })
                        .expect("suggest");
                    assert_eq!(hits.first().map(|h| h.id.as_str()), Some("reset-password"));
                }
            })
        })
        .collect();
    for i in 0..20 {
        let doc = article(
            &format!("extra-{i}"),
            "en",
            "",
            "Webhook retries",
            "Retry policy.",
        );
        index.upsert(doc).await.expect("upsert");
    }
    for r in readers {
        r.join().expect("reader thread");
    }
    let page = index
        .search_articles(&SuggestRequest {
            limit: 50,
            ..req("webhook ")
        })
        .expect("search");
    assert_eq!(page.total, 20);
}

#[test]
fn search_index_is_send_sync_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<SearchIndex>();
}
