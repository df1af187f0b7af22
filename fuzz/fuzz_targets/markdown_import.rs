//! An article file as `answerdesk import` reads it: front matter, then Markdown rendered and
//! sanitised. Nothing may panic, and a file that imports must still import after export.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use harness::import_article_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        import_article_file(text);
    }
});
