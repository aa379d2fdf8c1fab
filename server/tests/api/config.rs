//! Bad configuration stops start-up with one line naming the setting, and no backtrace.

use std::process::Command;

use convene::testing::scratch_dir;

fn run_convene(env: &[(&str, &str)]) -> (i32, String) {
    let data_dir = scratch_dir("config");
    let output = Command::new(env!("CARGO_BIN_EXE_convene"))
        .env_clear()
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

fn assert_one_clear_line(stderr: &str, setting: &str) {
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
}

#[test]
fn bad_listen_address_names_leptos_site_addr() {
    let (code, stderr) = run_convene(&[("LEPTOS_SITE_ADDR", "localhost-ish")]);
    assert_eq!(code, 2);
    assert_one_clear_line(&stderr, "LEPTOS_SITE_ADDR");
}

#[test]
fn short_secret_key_names_convene_secret_key() {
    let (code, stderr) = run_convene(&[("CONVENE_SECRET_KEY", "abc123")]);
    assert_eq!(code, 2);
    assert_one_clear_line(&stderr, "CONVENE_SECRET_KEY");
    assert!(
        !stderr.contains("abc123"),
        "the key itself is never printed"
    );
}

#[test]
fn unsupported_database_names_database_url() {
    let (code, stderr) = run_convene(&[("DATABASE_URL", "mysql://localhost/convene")]);
    assert_eq!(code, 2);
    assert_one_clear_line(&stderr, "DATABASE_URL");
}

#[test]
fn non_http_luma_base_names_luma_api_base() {
    let (code, stderr) = run_convene(&[("LUMA_API_BASE", "ftp://luma.example")]);
    assert_eq!(code, 2);
    assert_one_clear_line(&stderr, "LUMA_API_BASE");
}

#[test]
fn bad_demo_flag_names_convene_demo() {
    let (code, stderr) = run_convene(&[("CONVENE_DEMO", "maybe")]);
    assert_eq!(code, 2);
    assert_one_clear_line(&stderr, "CONVENE_DEMO");
}
