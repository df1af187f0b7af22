//! The `answerdesk` binary as an editor or operator runs it.

mod common;

use std::process::Command;

use common::{article_file, shipped_content, write_file};

fn answerdesk(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_answerdesk"));
    command
        .env_remove("ANSWERDESK_DATABASE_URL")
        .env("ANSWERDESK_DATA_DIR", data_dir)
        .env("ANSWERDESK_LOG", "warn");
    command
}

#[test]
fn check_content_names_the_file_and_line_and_fails_without_writing_anything() {
    let data = tempfile::tempdir().expect("temp dir");
    let content = tempfile::tempdir().expect("temp dir");
    write_file(
        content.path(),
        "en/good.md",
        &article_file("Good", "", "Body."),
    );
    write_file(
        content.path(),
        "en/bad.md",
        "---\ntitle: Bad\nlang: en\nstatus: publishd\n---\nBody.\n",
    );
    let output = answerdesk(data.path())
        .arg("check-content")
        .arg(content.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}{stderr}");
    let expected = format!(
        "{}:4: unknown status \"publishd\"",
        content.path().join("en/bad.md").display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stdout.contains("1 valid, 1 invalid"), "{stdout}");
    assert!(
        !data.path().join("answerdesk.db").exists(),
        "check-content must not create a database"
    );
}

#[test]
fn the_shipped_content_passes_check_content() {
    let data = tempfile::tempdir().expect("temp dir");
    let output = answerdesk(data.path())
        .arg("check-content")
        .arg(shipped_content())
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn import_reports_each_file_and_a_second_import_changes_nothing() {
    let data = tempfile::tempdir().expect("temp dir");
    let content = tempfile::tempdir().expect("temp dir");
    write_file(
        content.path(),
        "en/one.md",
        &article_file("One", "", "Body."),
    );
    write_file(
        content.path(),
        "en/two.md",
        &article_file("Two", "", "Body."),
    );
    let first = answerdesk(data.path())
        .arg("import")
        .arg(content.path())
        .output()
        .expect("runs");
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stdout).contains("2 created"));
    let second = answerdesk(data.path())
        .arg("import")
        .arg(content.path())
        .output()
        .expect("runs");
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("2 unchanged"));

    let export = tempfile::tempdir().expect("temp dir");
    let exported = answerdesk(data.path())
        .arg("export")
        .arg(export.path())
        .output()
        .expect("runs");
    assert!(exported.status.success());
    let written = std::fs::read_to_string(export.path().join("en/one.md")).expect("exported file");
    assert!(
        written.starts_with("---\ntitle: \"One\"\nslug: one\n"),
        "{written}"
    );
}

#[test]
fn invalid_configuration_stops_start_up_naming_the_key() {
    let data = tempfile::tempdir().expect("temp dir");
    let output = answerdesk(data.path())
        .env("ANSWERDESK_LISTEN", "not-an-address")
        .arg("serve")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.to_lowercase().contains("key \"listen\""), "{stderr}");
}

#[test]
fn every_command_has_help() {
    for command in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["import", "--help"],
        vec!["export", "--help"],
        vec!["check-content", "--help"],
        vec!["user", "add", "--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_answerdesk"))
            .args(&command)
            .output()
            .expect("runs");
        assert!(output.status.success(), "{command:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage"),
            "{command:?}"
        );
    }
}

#[test]
fn a_bad_rules_file_stops_start_up_naming_the_file_and_line() {
    let data = tempfile::tempdir().expect("temp dir");
    let rules = data.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"Outage\"\nmatch_any = [\"outage\"]\npriority = \"critical\"\n",
    )
    .expect("write");
    let output = answerdesk(data.path())
        .env("ANSWERDESK_RULES_FILE", &rules)
        .env("ANSWERDESK_LISTEN", "127.0.0.1:0")
        .env("ANSWERDESK_CONTENT_DIR", data.path().join("no-content"))
        .arg("serve")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("rules.toml:4"), "{stderr}");
    assert!(stderr.contains("critical"), "{stderr}");
}

fn add_user(data_dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = answerdesk(data_dir)
        .args(["user", "add"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write password");
    child.wait_with_output().expect("finishes")
}

#[test]
fn the_first_admin_is_created_with_the_password_read_from_standard_input() {
    let data = tempfile::tempdir().expect("temp dir");
    let output = add_user(
        data.path(),
        &[
            "--email",
            "Owner@Example.com",
            "--role",
            "admin",
            "--name",
            "Owner",
        ],
        "a long enough password\n",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("created admin owner@example.com (Owner)"),
        "{stdout}"
    );

    let again = add_user(
        data.path(),
        &["--email", "owner@example.com", "--role", "admin"],
        "a long enough password\n",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let short = add_user(
        data.path(),
        &["--email", "agent@example.com", "--role", "agent"],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));

    let bad_role = add_user(
        data.path(),
        &["--email", "x@example.com", "--role", "customer"],
        "a long enough password\n",
    );
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("expected admin, editor or agent"));

    let list = answerdesk(data.path())
        .args(["user", "list"])
        .output()
        .expect("runs");
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains("owner@example.com"), "{listed}");
    assert!(!listed.contains("agent@example.com"), "{listed}");
}
