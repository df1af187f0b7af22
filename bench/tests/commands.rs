//! `answerdesk-bench` as an engineer runs it: the built binary, tiny inputs and loads in a
//! temporary directory, a readable report and one JSON object as the last line.

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
fn answerdesk_bench(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_answerdesk-bench"));
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
fn eval_with_baseline_adds_the_fts5_metrics_under_baseline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = write(dir.path(), "corpus.jsonl", CORPUS);
    let queries = write(dir.path(), "queries.jsonl", QUERIES);
    let output = answerdesk_bench(&dir.path().join("data"))
        .args(["eval", "--baseline", "--progress-every", "2", "--corpus"])
        .arg(&corpus)
        .arg("--queries")
        .arg(&queries)
        .output()
        .expect("runs");
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("fts5"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2/4"), "progress on stderr: {stderr}");
    let json = last_json_line(&output);
    assert_metrics(&json, 4);
    assert_metrics(&json["baseline"], 4);
}

#[test]
fn search_reports_engine_reindex_http_and_memory_figures_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scratch = dir.path().join("tmp");
    std::fs::create_dir(&scratch).expect("create scratch dir");
    let output = answerdesk_bench(&dir.path().join("data"))
        .env("TMPDIR", &scratch)
        .args([
            "search",
            "--articles",
            "50",
            "--seconds",
            "2",
            "--connections",
            "2",
        ])
        .output()
        .expect("runs");
    assert_success(&output);
    let json = last_json_line(&output);
    assert_eq!(json["articles"].as_u64(), Some(50), "{json}");
    for engine in ["tantivy", "fts5"] {
        for key in ["p50_ms", "p99_ms"] {
            assert!(
                json["engine"][engine][key].is_number(),
                "{engine}.{key}: {json}"
            );
        }
    }
    assert!(json["reindex_s"].is_number(), "{json}");
    for key in ["p50_ms", "p99_ms", "rps"] {
        assert!(
            json["http"]["suggest"][key].is_number(),
            "suggest.{key}: {json}"
        );
    }
    assert!(json["http"]["healthz"]["rps"].is_number(), "{json}");
    assert!(
        json.as_object().expect("object").contains_key("rss_mb"),
        "{json}"
    );
    let left_behind: Vec<_> = std::fs::read_dir(&scratch).expect("scratch dir").collect();
    assert!(
        left_behind.is_empty(),
        "search left files behind: {left_behind:?}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "search must not touch ./data"
    );
}

#[test]
fn staff_times_the_inbox_and_the_dashboard_and_cleans_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scratch = dir.path().join("tmp");
    std::fs::create_dir(&scratch).expect("create scratch dir");
    let output = answerdesk_bench(&dir.path().join("data"))
        .env("TMPDIR", &scratch)
        .args([
            "staff",
            "--tickets",
            "300",
            "--events",
            "3000",
            "--runs",
            "2",
        ])
        .output()
        .expect("runs");
    assert_success(&output);
    let json = last_json_line(&output);
    assert_eq!(json["tickets"].as_u64(), Some(300), "{json}");
    let timings = json["timings"].as_array().expect("timings");
    for scenario in [
        "figures (roll-ups), last 30 days",
        "figures (raw events), last 30 days",
        "page /agent (active, by SLA due)",
        "page /admin, last 30 days",
    ] {
        let timing = timings
            .iter()
            .find(|t| t["scenario"] == scenario && t["backend"] == "sqlite")
            .unwrap_or_else(|| panic!("{scenario} missing: {json}"));
        assert!(
            timing["p50_ms"].is_number() && timing["p99_ms"].is_number(),
            "{timing}"
        );
    }
    let left_behind: Vec<_> = std::fs::read_dir(&scratch).expect("scratch dir").collect();
    assert!(
        left_behind.is_empty(),
        "staff left files behind: {left_behind:?}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "staff must not touch ./data"
    );
}

#[test]
fn big_help_centre_reports_the_memory_of_its_own_server_process_and_every_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scratch = dir.path().join("tmp");
    std::fs::create_dir(&scratch).expect("create scratch dir");
    let output = answerdesk_bench(&dir.path().join("data"))
        .env("TMPDIR", &scratch)
        .args([
            "big-help-centre",
            "--articles",
            "40",
            "--seconds",
            "0.2",
            "--connections",
            "2",
        ])
        .output()
        .expect("runs");
    assert_success(&output);
    let json = last_json_line(&output);
    assert_eq!(json["articles"].as_u64(), Some(40), "{json}");
    for key in [
        "first_start_peak_rss_megabytes",
        "serving_rss_megabytes",
        "restarted_serving_rss_megabytes",
    ] {
        let megabytes = json[key].as_f64().unwrap_or(0.0);
        assert!(megabytes > 1.0, "{key} in {json}");
    }
    let pages: Vec<&str> = json["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|page| {
            assert!(page["requests"].as_u64() > Some(0), "{page}");
            assert_eq!(page["errors"].as_u64(), Some(0), "{page}");
            page["page"].as_str().expect("page name")
        })
        .collect();
    assert_eq!(pages, ["home", "category", "article", "search"], "{json}");
    let left_behind: Vec<_> = std::fs::read_dir(&scratch).expect("scratch dir").collect();
    assert!(
        left_behind.is_empty(),
        "big-help-centre left files behind: {left_behind:?}"
    );
}

/// With `ANSWERDESK_TEST_DATABASE_URL` set, as for the product's storage tests, the staff
/// benchmark fills and drops a scratch PostgreSQL database too.
#[test]
fn staff_measures_postgres_too_when_a_server_is_configured() {
    let Ok(server) = std::env::var("ANSWERDESK_TEST_DATABASE_URL") else {
        return;
    };
    if server.trim().is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let output = answerdesk_bench(&dir.path().join("data"))
        .env("TMPDIR", dir.path())
        .args([
            "staff",
            "--tickets",
            "200",
            "--events",
            "2000",
            "--runs",
            "1",
            "--postgres",
            &server,
        ])
        .output()
        .expect("runs");
    assert_success(&output);
    let json = last_json_line(&output);
    let timings = json["timings"].as_array().expect("timings");
    for backend in ["sqlite", "postgres"] {
        assert!(
            timings
                .iter()
                .any(|t| t["backend"] == backend
                    && t["scenario"] == "page /agent (active, by SLA due)"),
            "{backend}: {json}"
        );
    }
}

/// With a PostgreSQL server configured, `instances` starts two instances on a scratch
/// database and reports how soon each publish reached the other one.
#[test]
fn instances_reports_publish_latency_on_the_other_instance_when_a_server_is_configured() {
    let Ok(server) = std::env::var("ANSWERDESK_TEST_DATABASE_URL") else {
        return;
    };
    if server.trim().is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let output = answerdesk_bench(&dir.path().join("data"))
        .env("TMPDIR", dir.path())
        .args(["instances", "--publishes", "3", "--postgres", &server])
        .output()
        .expect("runs");
    assert_success(&output);
    let json = last_json_line(&output);
    assert_eq!(json["publishes"], 3, "{json}");
    for series in ["same_instance", "other_instance"] {
        assert!(
            json[series]["p99_ms"].as_f64().is_some(),
            "{series}: {json}"
        );
    }
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("searchable on B"), "{report}");
}

#[test]
fn hostile_scan_of_a_real_server_finds_no_5xx_reflection_redirect_or_bypass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scratch = dir.path().join("tmp");
    std::fs::create_dir(&scratch).expect("create scratch dir");
    let output = answerdesk_bench(&dir.path().join("data"))
        .env("TMPDIR", &scratch)
        .arg("hostile")
        .output()
        .expect("runs");
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("passed"), "{stdout}");
    let json = last_json_line(&output);
    assert_eq!(json["passed"], Value::Bool(true), "{json}");
    let sqlite = &json["backends"][0];
    assert_eq!(sqlite["backend"], "sqlite", "{json}");
    assert!(sqlite["tried"].as_u64().unwrap_or(0) > 1_000, "{json}");
    for key in [
        "server_errors",
        "no_answer",
        "reflected",
        "stored_unsanitised",
        "open_redirects",
        "header_injections",
        "traversals",
        "csrf_bypasses",
        "role_bypasses",
        "role_refusals",
    ] {
        assert_eq!(sqlite[key].as_u64(), Some(0), "{key} in {json}");
    }
    // The scan cleans up after itself: the server's data directory was temporary.
    let left: Vec<_> = std::fs::read_dir(&scratch).expect("scratch").collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// A real server from this very binary started under the product's name (what `hostile`
/// does when no server binary is named), on a free loopback port; stopped when dropped.
struct ProductServer {
    child: std::process::Child,
    address: String,
}

impl ProductServer {
    fn start(data_dir: &Path, content_dir: &Path) -> ProductServer {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt;
        let mut child = Command::new(env!("CARGO_BIN_EXE_answerdesk-bench"))
            .arg0("answerdesk")
            .arg("serve")
            .current_dir(data_dir)
            .env_remove("ANSWERDESK_DATABASE_URL")
            .env("ANSWERDESK_LISTEN", "127.0.0.1:0")
            .env("ANSWERDESK_DATA_DIR", data_dir)
            .env("ANSWERDESK_CONTENT_DIR", content_dir)
            .env("ANSWERDESK_TICKET_RATE_LIMIT", "0")
            .env("ANSWERDESK_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let address = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split("running at http://")
                    .nth(1)
                    .and_then(|rest| rest.split('/').next())
                    .map(str::to_owned)
            })
            .expect("the server says where it listens");
        std::thread::spawn(move || lines.for_each(drop));
        ProductServer { child, address }
    }
}

impl Drop for ProductServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn mixed_load_reports_every_endpoint_and_finds_every_answered_ticket_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let content = dir.path().join("content/en");
    std::fs::create_dir_all(&data).expect("data dir");
    std::fs::create_dir_all(&content).expect("content dir");
    std::fs::write(
        content.join("reset-your-password.md"),
        "---\ntitle: \"Reset your password\"\ncategory: \"Account\"\nlang: en\n---\n\nChoose Forgot password on the sign-in page.\n",
    )
    .expect("write article");
    let server = ProductServer::start(&data, &dir.path().join("content"));
    let output = answerdesk_bench(&dir.path().join("unused"))
        .args([
            "mixed-load",
            "--target",
            &format!("http://{}", server.address),
            "--seconds",
            "3",
            "--connections",
            "4",
            "--database-url",
        ])
        .arg(data.join("answerdesk.db"))
        .output()
        .expect("runs");
    drop(server);
    assert_success(&output);
    let json = last_json_line(&output);
    for endpoint in ["suggest", "search", "page", "ticket"] {
        let stats = &json["endpoints"][endpoint];
        assert!(
            stats["requests"].as_u64().unwrap_or(0) > 0,
            "{endpoint}: {json}"
        );
        assert_eq!(stats["errors"].as_u64(), Some(0), "{endpoint}: {json}");
        assert!(stats["p99_ms"].is_number(), "{endpoint}: {json}");
    }
    let tickets = &json["tickets"];
    assert!(tickets["answered"].as_u64().unwrap_or(0) > 0, "{json}");
    assert_eq!(
        tickets["stored"].as_u64(),
        tickets["answered"].as_u64(),
        "{json}"
    );
    let searches = &json["search_events"];
    assert!(searches["answered"].as_u64().unwrap_or(0) > 0, "{json}");
    assert_eq!(
        searches["stored"].as_u64(),
        searches["answered"].as_u64(),
        "{json}"
    );
}
