//! Shipped migrations are append-only: a database that already ran one would never run an
//! edited version, so each migration file is held here by its SHA-256. Changing or removing a
//! shipped file fails this test; so does a new file until its checksum is added below.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Every shipped migration, by path under `migrations/`, with the SHA-256 of its bytes.
const SHIPPED: &[(&str, &str)] = &[
    (
        "sqlite/0001_articles.sql",
        "c1eca931b2a4c44bfdd36478c557eda08427bf8269c801f5f6aa0d16fb126604",
    ),
    (
        "sqlite/0002_deflection_and_tickets.sql",
        "a4d26693ed6f5a04b7e8de03c03cefc64b9bb733e8f663359a58aa4b5a14777a",
    ),
    (
        "sqlite/0003_staff_accounts.sql",
        "cbb0dd8ac344d87b798f1bc1a4caa769cba6ca76ad0f8935e0059e56071f6784",
    ),
    (
        "sqlite/0004_staff_work.sql",
        "2eed75220cf4f72332f4acf180e9f17617ff8a1372a8808f45dea03e9a6a61f5",
    ),
    (
        "sqlite/0005_agent_inbox.sql",
        "c50e6f1874fd5b55e0208299610376211769ebc67644dbb9583d76b3d5431e39",
    ),
    (
        "sqlite/0006_dashboard.sql",
        "a072ba97c4b0e1107451d69578fe35719fd620104d3c7124d06b79a55a042f68",
    ),
    (
        "sqlite/0007_channels.sql",
        "d95f0cb08be7737867a27353006ce9a56223e29a940d989c9e000d28930be670",
    ),
    (
        "sqlite/0008_canned_response_languages.sql",
        "68b11de93ad39d949dff204fa038f92980cbe0524e68c71009a19a8c7672984a",
    ),
    (
        "sqlite/0009_several_instances.sql",
        "6d7a1787f05e9c1210160da6e517216704a6a4a2d6ca6164762d08c578cf3506",
    ),
    (
        "sqlite/0010_abuse_limits.sql",
        "9f140abc9999dc8f56639fd04d500c59bfce627c0ab8c8515d35c46106bbf9e0",
    ),
    (
        "sqlite/0011_event_rollups.sql",
        "aac2eea23b6d3cc5c39826d62b7f5e7e5932529029a7af3f865a4075842da1b8",
    ),
    (
        "sqlite/0013_reader_notes.sql",
        "cc2f23bea08040be3e86693145de89fe92a4d515fd3f65ecc6e04f2a2ea54b84",
    ),
    (
        "sqlite/0015_lost_links.sql",
        "39bbc34c48a7af5a1ac7acdeddc343360972cb879faeb8f4599170154bbe4bc3",
    ),
    (
        "sqlite/0016_sla_pause.sql",
        "3bf11642e8846bc8b388b8f175e3f510d250bc10f665770cd0f3843ff4b86512",
    ),
    (
        "sqlite/0017_draft_visitors.sql",
        "061431fcbe01131a7d8c9d3299b3feee26b3be140a4d8c1ef19e9ff101b05dc0",
    ),
    (
        "sqlite/0018_article_sections.sql",
        "272cbf720c6841fe04324485d50da6c857f571b85b338108d88abed337870bd0",
    ),
    (
        "sqlite/0019_weekly_rollups.sql",
        "77763c088e8dfe1e183bbb86a794e8c2d3c1b164a40783c4b9e88f711c381130",
    ),
    (
        "sqlite/0020_article_list_indexes.sql",
        "e59f0d89dd3673e8652ae7b8d8b4fa3c3e5c51f80bd9032e8218b572091af464",
    ),
    (
        "sqlite/0021_attachments.sql",
        "b46fea29b58dc448016f983c0b4501b08d20d78ef255383ac0e109c8cf335438",
    ),
    (
        "sqlite/0022_article_images.sql",
        "84037a2c8dc79bc4520ce484cf69ce63f04df8003bd05a0dfbad427b63c9b3e4",
    ),
    (
        "sqlite/0026_learned_phrasings.sql",
        "c7797f9f56714a1733b8c13acdc513e91a8e3fa1df5d8afdd81da98e8901cb59",
    ),
    (
        "sqlite/0027_installation_secrets.sql",
        "b7a4c254b868027fc6b020f8988a9b16dfcdd51aad86b67775150f74075338a2",
    ),
    (
        "postgres/0001_articles.sql",
        "09cc08a73d3718c00603953669221950647ef816a885e5cd2328718d21b26695",
    ),
    (
        "postgres/0002_deflection_and_tickets.sql",
        "a1ba3a316fb6ce07905b8f02a72c5a6936ffd9b7829a348f5693cb30bcfe60e2",
    ),
    (
        "postgres/0003_staff_accounts.sql",
        "ea3bd8b0bdd5c8c155bd45493217a044a4f9eb24283570fd02008f11c92d3a30",
    ),
    (
        "postgres/0004_staff_work.sql",
        "94e01e20b670155a8cfc6ff542c1d70978faf5704278239ecb91532a3ef4fe31",
    ),
    (
        "postgres/0005_agent_inbox.sql",
        "c50e6f1874fd5b55e0208299610376211769ebc67644dbb9583d76b3d5431e39",
    ),
    (
        "postgres/0006_dashboard.sql",
        "a072ba97c4b0e1107451d69578fe35719fd620104d3c7124d06b79a55a042f68",
    ),
    (
        "postgres/0007_channels.sql",
        "d95f0cb08be7737867a27353006ce9a56223e29a940d989c9e000d28930be670",
    ),
    (
        "postgres/0008_canned_response_languages.sql",
        "68b11de93ad39d949dff204fa038f92980cbe0524e68c71009a19a8c7672984a",
    ),
    (
        "postgres/0009_several_instances.sql",
        "6d7a1787f05e9c1210160da6e517216704a6a4a2d6ca6164762d08c578cf3506",
    ),
    (
        "postgres/0010_abuse_limits.sql",
        "9f140abc9999dc8f56639fd04d500c59bfce627c0ab8c8515d35c46106bbf9e0",
    ),
    (
        "postgres/0011_event_rollups.sql",
        "03ad9b93f50660aa6ca953950122bc6edbd4eabe25365bb9c0ce3001295ad14e",
    ),
    (
        "postgres/0013_reader_notes.sql",
        "23fe047d2af9f3d3a683509dcb92f74c11c88750a7d4a80efeb88b0de308071e",
    ),
    (
        "postgres/0015_lost_links.sql",
        "39bbc34c48a7af5a1ac7acdeddc343360972cb879faeb8f4599170154bbe4bc3",
    ),
    (
        "postgres/0016_sla_pause.sql",
        "3bf11642e8846bc8b388b8f175e3f510d250bc10f665770cd0f3843ff4b86512",
    ),
    (
        "postgres/0017_draft_visitors.sql",
        "061431fcbe01131a7d8c9d3299b3feee26b3be140a4d8c1ef19e9ff101b05dc0",
    ),
    (
        "postgres/0018_article_sections.sql",
        "272cbf720c6841fe04324485d50da6c857f571b85b338108d88abed337870bd0",
    ),
    (
        "postgres/0019_weekly_rollups.sql",
        "77763c088e8dfe1e183bbb86a794e8c2d3c1b164a40783c4b9e88f711c381130",
    ),
    (
        "postgres/0020_article_list_indexes.sql",
        "e59f0d89dd3673e8652ae7b8d8b4fa3c3e5c51f80bd9032e8218b572091af464",
    ),
    (
        "postgres/0021_attachments.sql",
        "abcef17d8c285400ddb1f797d9099fd5f18d6cd1aea24f22a4550a88ac4eac69",
    ),
    (
        "postgres/0022_article_images.sql",
        "84037a2c8dc79bc4520ce484cf69ce63f04df8003bd05a0dfbad427b63c9b3e4",
    ),
    (
        "postgres/0026_learned_phrasings.sql",
        "c7797f9f56714a1733b8c13acdc513e91a8e3fa1df5d8afdd81da98e8901cb59",
    ),
    (
        "postgres/0027_installation_secrets.sql",
        "b7a4c254b868027fc6b020f8988a9b16dfcdd51aad86b67775150f74075338a2",
    ),
];

/// `backend/file.sql` → SHA-256 of every migration file on disk.
fn migrations_on_disk() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut found = BTreeMap::new();
    for backend in ["sqlite", "postgres"] {
        let dir = root.join(backend);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|ext| ext == "sql") {
                let name = path.file_name().expect("file name").to_string_lossy();
                let bytes = std::fs::read(&path).expect("read migration");
                found.insert(
                    format!("{backend}/{name}"),
                    format!("{:x}", Sha256::digest(&bytes)),
                );
            }
        }
    }
    found
}

#[test]
fn every_shipped_migration_is_unchanged() {
    let on_disk = migrations_on_disk();
    for (path, checksum) in SHIPPED {
        match on_disk.get(*path) {
            None => panic!("shipped migration {path} is gone; migrations are never removed"),
            Some(found) => assert_eq!(
                found, checksum,
                "shipped migration {path} changed; add a new migration instead of editing it"
            ),
        }
    }
}

#[test]
fn every_migration_on_disk_is_listed() {
    for path in migrations_on_disk().keys() {
        assert!(
            SHIPPED.iter().any(|(shipped, _)| shipped == path),
            "migration {path} is not in SHIPPED: add its SHA-256 to tests/migrations_are_append_only.rs"
        );
    }
}

#[test]
fn both_backends_ship_the_same_migration_names() {
    let names = |backend: &str| -> Vec<&str> {
        SHIPPED
            .iter()
            .filter_map(|(path, _)| path.strip_prefix(backend))
            .collect()
    };
    assert_eq!(names("sqlite/"), names("postgres/"));
}
