//! What a customer types, parsed and run as suggestions and as a results page against a
//! small real index in every language. Nothing may panic.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use harness::run_search_query;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        run_search_query(text);
    }
});
