//! `answerdesk eval` as an engineer runs it: the built binary, tiny inputs in a temporary
//! directory, a readable report and one JSON object as the last line. (The benchmarks and the
//! FTS5 baseline are `answerdesk-bench`, tested in `bench/tests/`.)

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const METRIC_KEYS: [&str; 8] = [
    "queries",
    "recall_at_1",
    "recall_at_3",
    "recall_at_5",
    "mrr_at_5",
    "no_answer_queries",
    "no_answer_suggested_nothing",
    "ms_per_query",
];

const CORPUS: &str = r#"{"id": "reset-password", "title": "How to reset your password", "body": "Open the sign-in page and choose Forgot password. We email you a reset link.", "lang": "en"}
{"id": "change-email", "title": "Change the email address on your account", "body": "Go to Settings, then Profile, and enter the new email address.", "lang": "en"}
{"id": "export-invoices", "title": "Export invoices to CSV", "body": "In Billing, select the invoices and choose Export to download a CSV file.", "lang": "en"}
{"id": "delete-account", "title": "Delete your account", "body": "Account deletion is permanent. Open Settings, Privacy, and choose Delete account.", "lang": "en"}
{"id": "two-factor", "title": "Turn on two-factor authentication", "body": "Protect your account with a code from an authenticator app at every sign-in.", "lang": "en"}
"#;

const QUERIES: &str = r#"{"id": "q1", "query": "forgot my password", "relevant": ["reset-password"]}
{"id": "q2", "query": "download invoices as csv", "relevant": ["export-invoices"]}
{"id": "q3", "query": "how do I remove my account", "relevant": ["delete-account"]}
{"id": "q4", "query": "refund for a broken parcel", "relevant": []}
"#;

/// The binary with no configured database: anything it created would land in `data_dir`.
fn answerdesk(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_answerdesk"));
    command
        .env_remove("ANSWERDESK_DATABASE_URL")
        .env("ANSWERDESK_DATA_DIR", data_dir)
        .env("ANSWERDESK_LOG", "warn");
    command
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write input file");
    path
}

/// The last line of stdout, parsed as JSON.
fn last_json_line(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|error| {
        panic!(
            "last stdout line is not JSON ({error}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn assert_metrics(json: &Value, queries: u64) {
    let object = json.as_object().expect("a JSON object");
    for key in METRIC_KEYS {
        assert!(object.contains_key(key), "missing {key} in {json}");
    }
    assert_eq!(json["queries"].as_u64(), Some(queries), "{json}");
    assert_eq!(json["no_answer_queries"].as_u64(), Some(1), "{json}");
    for key in [
        "recall_at_1",
        "recall_at_3",
        "recall_at_5",
        "mrr_at_5",
        "no_answer_suggested_nothing",
    ] {
        let value = json[key].as_f64().unwrap_or(f64::NAN);
        assert!((0.0..=1.0).contains(&value), "{key} = {value} in {json}");
    }
}

#[test]
fn eval_prints_a_table_and_ends_with_the_metrics_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = write(dir.path(), "corpus.jsonl", CORPUS);
    let queries = write(dir.path(), "queries.jsonl", QUERIES);
    let data_dir = dir.path().join("data");
    let output = answerdesk(&data_dir)
        .args(["eval", "--corpus"])
        .arg(&corpus)
        .arg("--queries")
        .arg(&queries)
        .output()
        .expect("runs");
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("answerdesk"), "{stdout}");
    let json = last_json_line(&output);
    assert_metrics(&json, 4);
    let keys: Vec<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), METRIC_KEYS.len(), "no extra keys: {json}");
    assert!(
        !data_dir.exists(),
        "eval must not touch the configured data directory"
    );
}

#[test]
fn eval_with_baseline_points_to_the_benchmark_tool() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = write(dir.path(), "corpus.jsonl", CORPUS);
    let queries = write(dir.path(), "queries.jsonl", QUERIES);
    let output = answerdesk(&dir.path().join("data"))
        .args(["eval", "--baseline", "--corpus"])
        .arg(&corpus)
        .arg("--queries")
        .arg(&queries)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("answerdesk-bench eval") && stderr.contains("--baseline"),
        "{stderr}"
    );
}

#[test]
fn the_benchmarks_are_not_product_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    for command in ["bench", "bench-staff"] {
        let output = answerdesk(&dir.path().join("data"))
            .arg(command)
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{command}: {output:?}");
    }
}

#[test]
fn eval_rejects_a_malformed_query_line_naming_the_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = write(dir.path(), "corpus.jsonl", CORPUS);
    let queries = write(
        dir.path(),
        "queries.jsonl",
        "{\"id\": \"q1\", \"query\": \"forgot my password\", \"relevant\": [\"reset-password\"]}\n\
         {\"id\": \"q2\", \"query\": \n",
    );
    let output = answerdesk(&dir.path().join("data"))
        .args(["eval", "--corpus"])
        .arg(&corpus)
        .arg("--queries")
        .arg(&queries)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("queries.jsonl:2"), "{stderr}");
}

#[test]
fn eval_learning_from_a_history_finds_an_article_by_words_it_never_uses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = write(dir.path(), "corpus.jsonl", CORPUS);
    // "Get rid of my profile" shares no word with "Delete your account".
    let scored = write(
        dir.path(),
        "scored.jsonl",
        r#"{"id": "s1", "query": "get rid of my profile for good", "relevant": ["delete-account"]}
"#,
    );
    let history = write(
        dir.path(),
        "history.jsonl",
        r#"{"id": "h1", "query": "get rid of my profile", "relevant": ["delete-account"]}
"#,
    );
    let run = |learn: bool| {
        let mut command = answerdesk(dir.path());
        command
            .arg("eval")
            .arg("--corpus")
            .arg(&corpus)
            .arg("--queries")
            .arg(&scored);
        if learn {
            command.arg("--learn-from").arg(&history);
        }
        let output = command.output().expect("runs");
        assert_success(&output);
        last_json_line(&output)
    };
    assert_eq!(
        run(false)["recall_at_5"],
        0.0,
        "nothing to go on without history"
    );
    assert_eq!(
        run(true)["recall_at_1"],
        1.0,
        "learned from customers it helped"
    );
}

#[test]
fn eval_refuses_a_history_that_shares_a_query_with_the_scored_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = write(dir.path(), "corpus.jsonl", CORPUS);
    let queries = write(dir.path(), "queries.jsonl", QUERIES);
    let output = answerdesk(dir.path())
        .arg("eval")
        .arg("--corpus")
        .arg(&corpus)
        .arg("--queries")
        .arg(&queries)
        .arg("--learn-from")
        .arg(&queries)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("shares the query"), "{stderr}");
}
