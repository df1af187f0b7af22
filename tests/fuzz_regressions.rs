//! Every input kept in `fuzz/regressions/` (crashes the fuzz targets found, and the seeds
//! that guard the fixes) runs here as the fuzzer ran it, with the same harness.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::PathBuf;

/// The kept inputs of one target, with their names.
fn kept_inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let bytes = std::fs::read(&path).expect("a kept input");
            (path.display().to_string(), bytes)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no kept inputs in {}", dir.display());
    inputs
}

#[test]
fn article_files_that_once_broke_the_importer_import_or_are_refused_cleanly() {
    for (name, bytes) in kept_inputs("markdown_import") {
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{name}: not UTF-8"));
        harness::import_article_file(&text);
    }
}

#[test]
fn queries_that_once_broke_search_are_answered_in_every_language() {
    for (name, bytes) in kept_inputs("search_query") {
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{name}: not UTF-8"));
        harness::run_search_query(&text);
    }
}
