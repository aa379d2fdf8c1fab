//! `convene fake-luma`: the fake lu.ma as a process, serving fixture files.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn demo_fixtures() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../src/demo/fixtures")
        .display()
        .to_string()
}

#[tokio::test]
async fn serves_the_fixture_calendars_and_prints_where() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_convene"))
        .env_clear()
        .envs(convene::testing::moved_clock_env())
        .args(["fake-luma", "--port", "0", "--fixtures", &demo_fixtures()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn convene fake-luma");
    let stdout = child.stdout.take().expect("stdout");
    let printed = tokio::task::spawn_blocking(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("utf-8 output");
            let last = line.starts_with("point Convene at it");
            lines.push(line);
            if last {
                break;
            }
        }
        lines
    })
    .await
    .expect("reader");
    let base = printed
        .last()
        .and_then(|line| line.split("LUMA_API_BASE=").nth(1))
        .unwrap_or_else(|| panic!("no base URL printed: {printed:?}"))
        .to_owned();
    assert!(
        printed[0].starts_with("fake lu.ma serving 4 calendars"),
        "{printed:?}"
    );
    assert!(
        printed
            .iter()
            .any(|line| line.contains("Rust Lisbon") && line.contains("legacy")),
        "{printed:?}"
    );

    let client = reqwest::Client::new();
    let calendar: serde_json::Value = client
        .get(format!("{base}v1/calendars/get"))
        .header("x-luma-api-key", "demo-key-rust-nyc")
        .send()
        .await
        .expect("fake answers")
        .json()
        .await
        .expect("json");
    assert_eq!(calendar["name"], "Rust NYC");
    let refused = client
        .get(format!("{base}v1/calendars/get"))
        .header("x-luma-api-key", "not-a-key")
        .send()
        .await
        .expect("fake answers");
    assert_eq!(refused.status().as_u16(), 401);

    child.kill().expect("stop the fake");
    let _ = child.wait();
}

#[test]
fn a_missing_fixture_directory_fails_with_a_clear_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_convene"))
        .env_clear()
        .envs(convene::testing::moved_clock_env())
        .args(["fake-luma", "--fixtures", "/nonexistent/fixtures"])
        .output()
        .expect("run convene fake-luma");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("convene: fixtures: /nonexistent/fixtures:"),
        "{stderr}"
    );
}
