//! Bad configuration stops start-up with one line naming the setting, and no backtrace.

use std::process::Command;

use convene::testing::scratch_dir;

fn run_convene(env: &[(&str, &str)]) -> (i32, String) {
    let data_dir = scratch_dir("config");
    let output = Command::new(env!("CARGO_BIN_EXE_convene"))
        .env_clear()
        .envs(convene::testing::moved_clock_env())
        .env("CONVENE_DATA_DIR", &data_dir)
        .env("CONVENE_DEMO", "0")
        .envs(env.iter().copied())
        .output()
        .expect("run the convene binary");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `convene` with one bad setting; it must exit 2 with one line naming `setting`.
fn assert_refused_naming(env: &[(&str, &str)], setting: &str) -> String {
    let (code, stderr) = run_convene(env);
    assert_eq!(code, 2, "exit code; stderr:\n{stderr}");
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got:\n{stderr}");
    assert!(
        lines[0].starts_with("convene: configuration error: "),
        "{stderr}"
    );
    assert!(
        lines[0].contains(setting),
        "{setting} not named in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn bad_listen_address_names_leptos_site_addr() {
    assert_refused_naming(&[("LEPTOS_SITE_ADDR", "localhost-ish")], "LEPTOS_SITE_ADDR");
}

#[test]
fn short_secret_key_names_convene_secret_key() {
    let stderr = assert_refused_naming(&[("CONVENE_SECRET_KEY", "abc123")], "CONVENE_SECRET_KEY");
    assert!(
        !stderr.contains("abc123"),
        "the key itself is never printed"
    );
}

#[test]
fn unsupported_database_names_database_url() {
    assert_refused_naming(
        &[("DATABASE_URL", "mysql://localhost/convene")],
        "DATABASE_URL",
    );
}

#[test]
fn non_http_luma_base_names_luma_api_base() {
    assert_refused_naming(&[("LUMA_API_BASE", "ftp://luma.example")], "LUMA_API_BASE");
}

#[test]
fn bad_demo_flag_names_convene_demo() {
    assert_refused_naming(&[("CONVENE_DEMO", "maybe")], "CONVENE_DEMO");
}

#[test]
fn bad_daily_time_names_convene_daily_sync_at() {
    assert_refused_naming(
        &[("CONVENE_DAILY_SYNC_AT", "25:00")],
        "CONVENE_DAILY_SYNC_AT",
    );
}

#[test]
fn a_budget_above_lu_ma_limit_names_luma_requests_per_minute() {
    assert_refused_naming(
        &[("LUMA_REQUESTS_PER_MINUTE", "500")],
        "LUMA_REQUESTS_PER_MINUTE",
    );
}

#[test]
fn smtp_without_an_https_public_address_names_convene_public_url() {
    assert_refused_naming(
        &[
            ("CONVENE_SMTP_URL", "smtp://mail.example.org:25?tls=none"),
            ("CONVENE_PUBLIC_URL", "http://events.example.org"),
        ],
        "CONVENE_PUBLIC_URL",
    );
}

#[test]
fn an_unknown_log_format_names_convene_log_format() {
    assert_refused_naming(&[("CONVENE_LOG_FORMAT", "yaml")], "CONVENE_LOG_FORMAT");
}

/// `CONVENE_LOG_FORMAT=json`: every log line is one JSON object with its level and message.
#[test]
fn json_logs_are_one_object_per_line() {
    let data_dir = scratch_dir("json-logs");
    let output = Command::new(env!("CARGO_BIN_EXE_convene"))
        .env_clear()
        .envs(convene::testing::moved_clock_env())
        .env("CONVENE_DATA_DIR", &data_dir)
        .env("CONVENE_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .arg("migrate")
        .output()
        .expect("run the convene binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "migrating logs something at info");
    for line in lines {
        let object: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}"));
        assert!(object["level"].is_string(), "{line}");
        assert!(object["fields"]["message"].is_string(), "{line}");
    }
}
