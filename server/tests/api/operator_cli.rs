//! The operator commands (`convene user|org|member add`) against a fresh store.

use std::io::Write;
use std::process::{Command, Stdio};

use convene::accounts::Email;
use convene::rules::access::Role;
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
        self.run_with_env(args, &[], password_env, stdin)
    }

    fn run_with_env(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        password_env: Option<&str>,
        stdin: Option<&str>,
    ) -> Outcome {
        let mut command = Command::new(env!("CARGO_BIN_EXE_convene"));
        command
            .env_clear()
            .envs(convene::testing::moved_clock_env())
            .env("DATABASE_URL", &self.database_url)
            .env("CONVENE_DATA_DIR", &self.data_dir)
            .env("CONVENE_DEMO", "0")
            .envs(env.iter().copied())
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
        "convene: --email: an account with this email already exists"
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
    assert!(
        out.stderr.starts_with("convene: --email: "),
        "{}",
        out.stderr
    );

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
    assert!(
        out.stderr.starts_with("convene: --slug: "),
        "{}",
        out.stderr
    );

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
        "convene: --org: no organization with slug \"nowhere\""
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
        out.stderr.starts_with("convene: --email: no user"),
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

mod luma {
    use convene::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};

    use super::*;

    const KEY: &str = "sk-cli-test-9876";

    async fn fake_with(events: u32) -> FakeLuma {
        let calendar = FakeCalendar {
            id: "cal-oslo".into(),
            name: "Rust Oslo on lu.ma".into(),
            slug: "rust-oslo".into(),
            timezone: "Europe/Oslo".into(),
            // The fake's sample events start in December 2026, after "now".
            events: (0..events)
                .map(|n| sample_event(chrono::Utc::now(), n, "cal-oslo"))
                .collect(),
            legacy_shape: false,
        };
        FakeLuma::start(0, vec![(KEY.into(), calendar)])
            .await
            .unwrap()
    }

    // Multi-threaded: the fake lu.ma must keep answering while this thread waits on the binary.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn org_luma_checks_the_key_then_sync_imports_the_events() {
        let fake = fake_with(5).await;
        let base = fake.base_url().to_string();
        let cli = Cli::new().await;
        cli.run(
            &["org", "add", "--slug", "rust-oslo", "--name", "Rust Oslo"],
            None,
            None,
        );
        let env = [("LUMA_API_BASE", base.as_str()), ("OSLO_KEY", KEY)];

        let out = cli.run_with_env(
            &[
                "org",
                "luma",
                "--org",
                "rust-oslo",
                "--api-key-env",
                "OSLO_KEY",
            ],
            &env,
            None,
            None,
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains("\"Rust Oslo on lu.ma\" (cal-oslo)"),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("…9876") && !out.stdout.contains(KEY),
            "{}",
            out.stdout
        );
        let (fields, by) = crate::helpers::audit_line(
            &out.stderr,
            "lu.ma settings saved",
            "rust-oslo",
            "cal-oslo",
        );
        assert_eq!(fields, crate::luma_settings::SETTINGS_SAVED_FIELDS);
        assert_eq!(by, "cli");
        assert!(!out.stderr.contains(KEY), "the key is never logged");

        let out = cli.run_with_env(&["sync", "--org", "rust-oslo"], &env, None, None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout
                .starts_with("rust-oslo: ok — 5 created, 0 updated, 0 removed, 0 unchanged"),
            "{}",
            out.stdout
        );

        let out = cli.run_with_env(&["sync"], &env, None, None);
        assert!(
            out.stdout
                .contains("0 created, 0 updated, 0 removed, 5 unchanged"),
            "{}",
            out.stdout
        );

        let db = cli.db().await;
        let org = organizations::find_by_slug(&db, "rust-oslo")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(org.luma_calendar_id.as_deref(), Some("cal-oslo"));
        assert!(
            !org.luma_api_key_sealed.unwrap().contains(KEY),
            "the key is stored sealed"
        );
    }

    // Multi-threaded: the fake lu.ma must keep answering while this thread waits on the binary.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_rejected_key_or_missing_variable_is_refused_clearly() {
        let fake = fake_with(1).await;
        let base = fake.base_url().to_string();
        let cli = Cli::new().await;
        cli.run(
            &["org", "add", "--slug", "rust-oslo", "--name", "Rust Oslo"],
            None,
            None,
        );

        let env = [
            ("LUMA_API_BASE", base.as_str()),
            ("OSLO_KEY", "sk-not-a-real-key"),
        ];
        let out = cli.run_with_env(
            &[
                "org",
                "luma",
                "--org",
                "rust-oslo",
                "--api-key-env",
                "OSLO_KEY",
            ],
            &env,
            None,
            None,
        );
        assert_eq!(out.code, 1);
        assert_eq!(
            out.stderr.trim(),
            "convene: --api-key-env: key rejected: the calendar needs Luma Plus, or the key was revoked"
        );

        let out = cli.run_with_env(
            &["org", "luma", "--org", "rust-oslo", "--api-key-env", "NOPE"],
            &env,
            None,
            None,
        );
        assert_eq!(out.code, 1);
        assert_eq!(
            out.stderr.trim(),
            "convene: --api-key-env: the environment variable NOPE is not set"
        );

        let env = [("LUMA_API_BASE", base.as_str()), ("OSLO_KEY", KEY)];
        let out = cli.run_with_env(
            &[
                "org",
                "luma",
                "--org",
                "rust-oslo",
                "--api-key-env",
                "OSLO_KEY",
                "--calendar-url",
                "https://example.com/x",
            ],
            &env,
            None,
            None,
        );
        assert_eq!(out.code, 1);
        assert!(
            out.stderr.starts_with("convene: --calendar-url: "),
            "{}",
            out.stderr
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_organization_key_connects_two_calendars_and_one_run_imports_both() {
        const ORG_KEY: &str = "sk-cli-organization-4242";
        const BERGEN_KEY: &str = "sk-cli-bergen-1111";
        let now = chrono::Utc::now();
        let bergen = FakeCalendar {
            id: "cal-bergen".into(),
            name: "Rust Bergen".into(),
            slug: "rust-bergen".into(),
            timezone: "Europe/Oslo".into(),
            events: (10..12)
                .map(|n| sample_event(now, n, "cal-bergen"))
                .collect(),
            legacy_shape: false,
        };
        let fake = fake_with(3).await;
        fake.add_calendar(BERGEN_KEY, bergen);
        fake.add_organization(ORG_KEY, &[KEY, BERGEN_KEY]);
        let base = fake.base_url().to_string();
        let cli = Cli::new().await;
        cli.run(
            &["org", "add", "--slug", "rust-oslo", "--name", "Rust Oslo"],
            None,
            None,
        );
        let env = [("LUMA_API_BASE", base.as_str()), ("NETWORK_KEY", ORG_KEY)];
        let out = cli.run_with_env(
            &["network", "luma", "--api-key-env", "NETWORK_KEY"],
            &env,
            None,
            None,
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("2 calendars"), "{}", out.stdout);
        assert!(
            out.stdout.contains("rust-oslo (cal-oslo): linked by slug"),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("rust-bergen (cal-bergen): created"),
            "{}",
            out.stdout
        );
        assert!(!out.stdout.contains(ORG_KEY) && !out.stderr.contains(ORG_KEY));

        let out = cli.run_with_env(&["network", "sync"], &env, None, None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains("rust-oslo: ok — 3 created"),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("rust-bergen: ok — 2 created"),
            "{}",
            out.stdout
        );
        assert_eq!(fake.requests(KEY), 0, "calendar keys are never used");
        assert_eq!(fake.requests(BERGEN_KEY), 0);

        let db = store::connect(&cli.database_url).await.unwrap();
        for (slug, events) in [("rust-oslo", 3), ("rust-bergen", 2)] {
            let org = organizations::find_by_slug(&db, slug)
                .await
                .unwrap()
                .unwrap();
            use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
            let stored = convene::store::entities::event::Entity::find()
                .filter(convene::store::entities::event::Column::OrganizationId.eq(org.id))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(stored, events, "{slug}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn org_luma_saves_a_webhook_secret_sealed_and_refuses_one_that_is_not_lumas() {
        let cli = Cli::new().await;
        cli.run(
            &["org", "add", "--slug", "rust-oslo", "--name", "Rust Oslo"],
            None,
            None,
        );
        let secret = convene::import::webhooks::signature::SigningSecret::generate();
        let args = [
            "org",
            "luma",
            "--org",
            "rust-oslo",
            "--webhook-secret-env",
            "OSLO_HOOK",
        ];
        let out = cli.run_with_env(&args, &[("OSLO_HOOK", "whsec_bm9wZQ==")], None, None);
        assert_eq!(out.code, 1);
        assert!(
            out.stderr.starts_with(
                "convene: --webhook-secret-env: the signing secret decodes to 4 bytes"
            ),
            "{}",
            out.stderr
        );
        let out = cli.run_with_env(&args, &[("OSLO_HOOK", secret.as_str())], None, None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains("/webhooks/luma/rust-oslo"),
            "{}",
            out.stdout
        );
        assert!(!out.stdout.contains(&secret) && !out.stderr.contains(&secret));
        let out = cli.run(&["org", "luma", "--org", "rust-oslo"], None, None);
        assert_eq!(out.code, 1);
        assert!(
            out.stderr.contains("--webhook-secret-env"),
            "{}",
            out.stderr
        );
    }
}

mod ical {
    use axum::Router;
    use axum::routing::get;

    use super::*;

    /// One event a month after `now`, at 18:00 UTC for two hours.
    fn feed(now: chrono::DateTime<chrono::Utc>) -> String {
        let day = (now + chrono::Duration::days(30)).format("%Y%m%d");
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Luma//EN\r\n\
            BEGIN:VEVENT\r\nUID:evt-Feed1@events.lu.ma\r\nDTSTAMP:{stamp}\r\n\
            DTSTART:{day}T180000Z\r\nDTEND:{day}T200000Z\r\nSUMMARY:Next month's meetup\r\n\
            STATUS:TENTATIVE\r\nLOCATION:c-base\\, Berlin\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            stamp = now.format("%Y%m%dT%H%M%SZ"),
        )
    }

    async fn serve_feed() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let feed = feed(chrono::Utc::now());
        let app = Router::new().route(
            "/cal.ics",
            get(move || {
                let feed = feed.clone();
                async move { feed }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{address}/cal.ics")
    }

    // Multi-threaded: the feed must keep answering while this thread waits on the binary.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn org_ical_checks_the_feed_then_sync_imports_it() {
        let url = serve_feed().await;
        let cli = Cli::new().await;
        cli.run(
            &["org", "add", "--slug", "rust-oslo", "--name", "Rust Oslo"],
            None,
            None,
        );
        let ical = |env: &[(&str, &str)], url: &str, timezone: &str| {
            cli.run_with_env(
                &[
                    "org",
                    "ical",
                    "--org",
                    "rust-oslo",
                    "--url",
                    url,
                    "--timezone",
                    timezone,
                ],
                env,
                None,
                None,
            )
        };

        // Without CONVENE_ALLOW_PRIVATE_FEEDS a feed on this machine is refused.
        let refused = ical(&[], &url, "Europe/Oslo");
        assert_eq!(refused.code, 1);
        assert!(
            refused.stderr.contains("url") && refused.stderr.contains("private or local"),
            "{}",
            refused.stderr
        );
        let allow = [("CONVENE_ALLOW_PRIVATE_FEEDS", "1")];
        let bad_zone = ical(&allow, &url, "Mars/Olympus");
        assert_eq!(bad_zone.code, 1);
        assert!(bad_zone.stderr.contains("timezone"), "{}", bad_zone.stderr);

        let out = ical(&allow, &url, "Europe/Oslo");
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("it holds 1 events"), "{}", out.stdout);

        let out = cli.run_with_env(&["sync", "--org", "rust-oslo"], &allow, None, None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.starts_with("rust-oslo: ok — 1 created"),
            "{}",
            out.stdout
        );
        let db = cli.db().await;
        let org = organizations::find_by_slug(&db, "rust-oslo")
            .await
            .unwrap()
            .unwrap();
        // Sealed at rest like a key: the row holds neither the address nor its token.
        let sealed = org.ical_url_sealed.clone().expect("a sealed feed address");
        assert!(!sealed.contains("localhost") && org.ical_url_unsealed.is_none());
        assert!(
            org.ical_url_shown
                .as_deref()
                .is_some_and(|shown| shown.ends_with("/…")),
            "{:?}",
            org.ical_url_shown
        );
        assert_eq!(org.display_timezone.as_deref(), Some("Europe/Oslo"));
    }

    /// The settings panel and the command line connect a feed through the same core call, so
    /// they write the same audit line; only who made the change differs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn org_ical_writes_the_settings_panels_audit_line() {
        use app::integration::SaveIcalFeed;
        use leptos::server_fn::ServerFn;

        use crate::helpers::{Seed, admin_of, audit_line, captured_logs, spawn_app_with};

        let url = serve_feed().await;
        let cli = Cli::new().await;
        cli.run(
            &["org", "add", "--slug", "audit-cli", "--name", "Audit"],
            None,
            None,
        );
        let out = cli.run_with_env(
            &["org", "ical", "--org", "audit-cli", "--url", &url],
            &[("CONVENE_ALLOW_PRIVATE_FEEDS", "1")],
            None,
            None,
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        // The line names the feed's host only: its address may carry a private token.
        let shown = convene::import::ical::fetch::shown_address(&url.parse().unwrap());
        assert!(!out.stderr.contains(&url), "{}", out.stderr);
        let (cli_fields, cli_by) = audit_line(&out.stderr, "iCal feed saved", "audit-cli", &shown);

        let app = spawn_app_with(Seed::Organizations).await;
        let admin = admin_of(&app, "rust-lisbon", "audit-admin@example.org").await;
        let response = app
            .call(
                SaveIcalFeed::PATH,
                &[
                    ("slug", "rust-lisbon"),
                    ("ical_url", &url),
                    ("timezone", "UTC"),
                ],
                Some(&admin),
            )
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        let (panel_fields, panel_by) = audit_line(
            &captured_logs().text(),
            "iCal feed saved",
            "rust-lisbon",
            &shown,
        );

        assert_eq!(cli_fields, ["by", "org", "feed", "events"]);
        assert_eq!(
            panel_fields, cli_fields,
            "the same line from both front ends"
        );
        assert_eq!(cli_by, "cli");
        assert!(panel_by.starts_with("user:"), "{panel_by}");
    }
}

#[tokio::test]
async fn clashes_lists_an_organizations_clashes_as_a_site_admin_would_see_them() {
    use convene::store::entities::event;
    use convene_types::{EventSource, LocationType, Visibility};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let cli = Cli::new().await;
    for (slug, name) in [("rust-berlin", "Rust Berlin"), ("hidden-b", "Hidden B")] {
        let out = cli.run(&["org", "add", "--slug", slug, "--name", name], None, None);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let out = cli.run(&["clashes", "--org", "rust-berlin"], None, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("no clashes ahead for rust-berlin (window 120 minutes)"),
        "{}",
        out.stdout
    );

    let db = cli.db().await;
    let at = chrono::Utc::now() + chrono::Duration::days(2);
    for (slug, title, minutes, visibility) in [
        ("rust-berlin", "Berlin meetup", 0, Visibility::Public),
        ("hidden-b", "B members night", 45, Visibility::MembersOnly),
    ] {
        let org = organizations::find_by_slug(&db, slug)
            .await
            .unwrap()
            .unwrap();
        let start = at + chrono::Duration::minutes(minutes);
        event::ActiveModel {
            organization_id: Set(org.id),
            source: Set(EventSource::LumaApi),
            external_id: Set(format!("evt-{slug}")),
            title: Set(title.into()),
            start_at: Set(start),
            end_at: Set(start + chrono::Duration::hours(2)),
            timezone: Set("Europe/Berlin".into()),
            location_type: Set(LocationType::InPerson),
            location_text: Set(Some("Hall 1, Berlin".into())),
            city: Set(Some("Berlin".into())),
            visibility: Set(visibility),
            tags: Set("[]".into()),
            content_hash: Set(String::new()),
            synced_at: Set(start),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let out = cli.run(&["clashes", "--org", "rust-berlin"], None, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Berlin meetup (")
            && out.stdout.contains(
                "Clashes with B members night (Hidden B), Hall 1, Berlin, 45 minutes later"
            ),
        "{}",
        out.stdout
    );
    let out = cli.run(&["clashes", "--org", "nowhere"], None, None);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr
            .contains("no organization with the slug \"nowhere\""),
        "{}",
        out.stderr
    );
}
