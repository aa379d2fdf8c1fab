//! The operator commands (`convene user|org|member add`) against a fresh store.

use std::io::Write;
use std::process::{Command, Stdio};

use convene::access::Role;
use convene::accounts::Email;
use convene::store::{self, memberships, organizations, users};
use convene::testing::{fresh_database_url, scratch_dir};

struct Cli {
    database_url: String,
    data_dir: std::path::PathBuf,
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Cli {
    async fn new() -> Self {
        Self {
            database_url: fresh_database_url().await,
            data_dir: scratch_dir("operator"),
        }
    }

    fn run(&self, args: &[&str], password_env: Option<&str>, stdin: Option<&str>) -> Outcome {
        let mut command = Command::new(env!("CARGO_BIN_EXE_convene"));
        command
            .env_clear()
            .env("DATABASE_URL", &self.database_url)
            .env("CONVENE_DATA_DIR", &self.data_dir)
            .env("CONVENE_DEMO", "0")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(password) = password_env {
            command.env("CONVENE_PASSWORD", password);
        }
        let mut child = command.spawn().expect("spawn convene");
        let mut child_stdin = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            child_stdin.write_all(text.as_bytes()).expect("write stdin");
        }
        drop(child_stdin);
        let output = child.wait_with_output().expect("convene finishes");
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    async fn db(&self) -> store::DatabaseConnection {
        store::connect(&self.database_url).await.expect("connect")
    }
}

#[tokio::test]
async fn user_add_reads_the_password_from_the_environment_and_hashes_it() {
    let cli = Cli::new().await;
    let out = cli.run(
        &[
            "user",
            "add",
            "--email",
            " Ada@Example.org ",
            "--name",
            "Ada",
            "--site-admin",
        ],
        Some("correct horse battery"),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("created user ada@example.org (Ada, id "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("site admin"));
    assert!(!out.stdout.contains("correct horse") && !out.stderr.contains("correct horse"));

    let user = users::find_by_email(&cli.db().await, &Email::parse("ada@example.org").unwrap())
        .await
        .unwrap()
        .expect("user stored");
    assert!(user.is_site_admin);
    assert!(user.password_hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn user_add_takes_the_password_from_stdin_and_refuses_duplicates() {
    let cli = Cli::new().await;
    let args = ["user", "add", "--email", "bob@example.org", "--name", "Bob"];
    let out = cli.run(&args, None, Some("piped password\n"));
    assert_eq!(out.code, 0, "{}", out.stderr);

    let out = cli.run(&args, Some("another password"), None);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.trim(),
        "convene: email: an account with this email already exists"
    );
}

#[tokio::test]
async fn user_add_names_the_bad_field() {
    let cli = Cli::new().await;
    let out = cli.run(
        &["user", "add", "--email", "not-an-email", "--name", "X"],
        Some("long enough"),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("convene: email: "), "{}", out.stderr);

    let out = cli.run(
        &["user", "add", "--email", "x@example.org", "--name", "X"],
        Some("short"),
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.trim(),
        "convene: password: must be at least 8 characters"
    );

    let out = cli.run(
        &["user", "add", "--email", "x@example.org", "--name", "X"],
        None,
        Some(""),
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("CONVENE_PASSWORD"), "{}", out.stderr);
}

#[tokio::test]
async fn org_add_then_member_add_as_admin() {
    let cli = Cli::new().await;
    let out = cli.run(
        &["org", "add", "--slug", "Bad Slug", "--name", "X"],
        None,
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("convene: slug: "), "{}", out.stderr);

    let out = cli.run(
        &["org", "add", "--slug", "rust-oslo", "--name", "Rust Oslo"],
        None,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("created organization rust-oslo"),
        "{}",
        out.stdout
    );
    cli.run(
        &["user", "add", "--email", "ada@example.org", "--name", "Ada"],
        Some("correct horse"),
        None,
    );

    let out = cli.run(
        &[
            "member",
            "add",
            "--org",
            "nowhere",
            "--email",
            "ada@example.org",
        ],
        None,
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.trim(),
        "convene: org: no organization with slug \"nowhere\""
    );

    let out = cli.run(
        &[
            "member",
            "add",
            "--org",
            "rust-oslo",
            "--email",
            "nobody@example.org",
        ],
        None,
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("convene: email: no user"),
        "{}",
        out.stderr
    );

    let out = cli.run(
        &[
            "member",
            "add",
            "--org",
            "rust-oslo",
            "--email",
            "ADA@example.org",
            "--admin",
        ],
        None,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "added ada@example.org to rust-oslo as admin"
    );

    let db = cli.db().await;
    let org = organizations::find_by_slug(&db, "rust-oslo")
        .await
        .unwrap()
        .unwrap();
    let ada = users::find_by_email(&db, &Email::parse("ada@example.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        memberships::role_of(&db, ada.id, org.id).await.unwrap(),
        Some(Role::Admin)
    );

    let out = cli.run(
        &[
            "member",
            "add",
            "--org",
            "rust-oslo",
            "--email",
            "ada@example.org",
        ],
        None,
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("already a member"), "{}", out.stderr);
}
