//! docs/operating.md's "Deploying" as an operator follows it (issue #28): two replicas of the release on one
//! Postgres, behind Debian's nginx terminating TLS, each started with `convene.env`'s settings and
//! proxied by `nginx.conf` (the archive's own files when `CONVENE_TEST_SERVER_BIN` names its
//! unpacked binary, else `deploy/`). Run by `make test-deploy` (nginx, and `TEST_DATABASE_URL`).
//!
//! Accounts work across replicas (sign up and confirm through one, join and sync through the
//! other, sign out on one and be signed out on both); the server sees each client's own address
//! through the proxy, sets `Secure` cookies and HSTS; and a replica killed mid-way loses nothing:
//! the other serves on, takes over the daily import and the outbox within their stated times,
//! and no message is lost or sent twice.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::auth::links::ConfirmEmail;
use app::auth::{SignOut, SignUp};
use app::integration::{GetSyncStatus, SaveLumaSettings, StartLumaSync, SyncStart, SyncStatusView};
use app::organizations::{AnswerMembershipRequest, RequestMembership};
use convene::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use convene::import::schedule::{DAILY_LEASE, DAILY_TAKEOVER_WITHIN};
use convene::mail::sender::SENDER_LEASE;
use convene::rules::access::Role;
use convene::store::entities::{lease, mail_message, sync_run};
use convene::store::{DatabaseConnection, memberships, organizations, users};
use convene::testing::smtp::SmtpReceiver;
use convene::testing::{fresh_database_url, scratch_dir};
use convene_types::{MailStatus, SyncOutcome, SyncTrigger};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{ServerProcess, connect_to_fake_luma, session_cookie, set_cookie_lines};

/// The public name the throwaway certificate is for (as `convene.env` and `nginx.conf` name it).
const HOST: &str = "events.example.org";
const PASSWORD: &str = "correct horse battery";
/// The organization joined and synced through the proxy, and its lu.ma key.
const ORG: &str = "deploy-org";
const ORG_KEY: &str = "sk-deploy-test-51ab";
/// Organizations the daily import syncs, one after another.
const DAILY_ORGS: usize = 4;
/// The replicas' SMTP timeout: the mail lease lasts it and 5 seconds more, and the other replica
/// looks at the outbox every few seconds (`MailConfig::poll_every`).
const SMTP_TIMEOUT_SECONDS: u64 = 5;
fn mail_takeover_within() -> Duration {
    Duration::from_secs(SMTP_TIMEOUT_SECONDS + 5) + convene::mail::MailConfig::default().poll_every
}
/// Slack for the polling on both sides when a lease moves.
const SLACK: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs nginx and Postgres: run by `make test-deploy`"]
async fn two_replicas_behind_nginx_lose_nothing_when_one_dies() {
    let database_url = fresh_database_url().await;
    assert!(
        database_url.starts_with("postgres"),
        "replicas share one Postgres: set TEST_DATABASE_URL"
    );
    let scratch = scratch_dir("deploy");
    eprintln!(
        "behind nginx: logs and configuration in {}",
        scratch.display()
    );
    let deploy = deploy_files();
    let ca = throwaway_certificate(&scratch);
    let [https, http, port_a, port_b] = free_ports();
    let receiver = SmtpReceiver::start().await;
    let mut calendars = vec![(
        ORG_KEY.to_owned(),
        calendar("cal-deploy", "Deploy meetup", 5),
    )];
    for n in 1..=DAILY_ORGS {
        calendars.push((
            format!("key-daily-{n}"),
            calendar(&format!("cal-daily-{n}"), "Daily meetup", 3),
        ));
    }
    let fake = FakeLuma::start(0, calendars).await.unwrap();
    let secret_hex = convene::secrets::random_token();
    let secret = convene::secrets::SecretKey::from_hex(&secret_hex).unwrap();

    // The daily import starts soon after both replicas are up, and takes several seconds.
    let daily_at = (chrono::Utc::now() + chrono::Duration::seconds(20))
        .format("%H:%M:%S")
        .to_string();
    let replica = |name: &str, port: u16| {
        let mut env = documented_settings(&deploy);
        for (setting, value) in [
            ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")),
            ("CONVENE_PUBLIC_URL", format!("https://{HOST}:{https}")),
            (
                "CONVENE_DATA_DIR",
                scratch.join(format!("data-{name}")).display().to_string(),
            ),
            ("DATABASE_URL", database_url.clone()),
            ("CONVENE_SECRET_KEY", secret_hex.clone()),
            ("CONVENE_SMTP_URL", receiver.url()),
            (
                "CONVENE_SMTP_TIMEOUT_SECONDS",
                SMTP_TIMEOUT_SECONDS.to_string(),
            ),
            ("LUMA_API_BASE", fake.base_url().to_string()),
            // lu.ma is this test's fake, on loopback.
            ("CONVENE_ALLOW_PRIVATE_FEEDS", "1".to_owned()),
            ("CONVENE_DAILY_SYNC_AT", daily_at.clone()),
            ("CONVENE_DAILY_SYNC_DELAY_MS", "1500".to_owned()),
        ] {
            env.retain(|(name, _)| name != setting);
            env.push((setting.to_owned(), value));
        }
        let log = scratch.join(format!("replica-{name}.log"));
        move || {
            let env: Vec<(&str, &str)> = env
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            ServerProcess::start_logging_to(&env, Some(&log))
        }
    };
    let (start_a, start_b) = (replica("a", port_a), replica("b", port_b));
    // One after the other: the first applies the migrations.
    let mut replicas = [start_a(), start_b()];

    let db = convene::store::connect(&database_url).await.unwrap();
    let org = organizations::create(
        &db,
        organizations::NewOrganization::parse(ORG, "Deploy Org", "Joined through the proxy.")
            .unwrap(),
    )
    .await
    .unwrap();
    for n in 1..=DAILY_ORGS {
        let daily = organizations::create(
            &db,
            organizations::NewOrganization::parse(&format!("daily-{n}"), &format!("Daily {n}"), "")
                .unwrap(),
        )
        .await
        .unwrap();
        connect_to_fake_luma(
            &db,
            daily.id,
            &fake,
            &format!("key-daily-{n}"),
            secret.clone(),
        )
        .await;
    }

    let _nginx = Nginx::start(
        &scratch,
        &nginx_config(&deploy, &scratch, https, http, [port_a, port_b]),
    );
    let browser = Browser::new(&ca, https, Ipv4Addr::new(127, 0, 0, 2));
    browser.wait_until_served().await;

    // TLS is the proxy's; what the server adds for it arrives intact.
    let home = browser.get(Via::Any, "/", None).await;
    assert_eq!(home.status(), 200);
    let hsts = home
        .headers()
        .get("strict-transport-security")
        .expect("HSTS through the proxy")
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age="), "{hsts}");
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{http}/dashboard?layout=day"))
        .header(reqwest::header::HOST, HOST)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 301, "plain HTTP is sent to HTTPS");
    assert_eq!(
        plain.headers()[reqwest::header::LOCATION],
        format!("https://{HOST}/dashboard?layout=day").as_str()
    );

    // The daily import: its holder dies after the first organization; the other replica goes
    // on with the rest within the stated time, and the proxy keeps serving meanwhile.
    let began = chrono::Utc::now() - chrono::Duration::seconds(1);
    let holder = poll(
        Duration::from_secs(60),
        "the daily import begins",
        || async {
            let done = daily_runs_done(&db, began).await;
            let owner = lease_holder(&db, DAILY_LEASE).await;
            (done >= 1).then_some(owner).flatten()
        },
    )
    .await;
    // The import waits 1.5 s between organizations: the holder dies with some left.
    assert!(
        daily_runs_done(&db, began).await < DAILY_ORGS as u64,
        "organizations left to import"
    );
    let (dead, moved_after) = kill_and_await_takeover(
        &mut replicas,
        &db,
        &browser,
        DAILY_LEASE,
        &holder,
        DAILY_TAKEOVER_WITHIN,
    )
    .await;
    poll(
        Duration::from_secs(60),
        "the day's import completes",
        || async { (daily_runs_done(&db, began).await == DAILY_ORGS as u64).then_some(()) },
    )
    .await;
    eprintln!(
        "behind nginx: the daily import moved to the other replica {:.1} s after its holder was killed (stated: within {} s)",
        moved_after.as_secs_f64(),
        DAILY_TAKEOVER_WITHIN.as_secs()
    );
    // Started again on its address, as a service manager would.
    replicas[dead] = if dead == 0 { start_a() } else { start_b() };

    // Sign up and confirm through one replica; the link names the public address.
    let via_a = Via::Replica('a');
    let via_b = Via::Replica('b');
    let ada = browser
        .sign_up_and_confirm(&receiver, via_a, "ada@example.org", "Ada")
        .await;
    let grace = browser
        .sign_up_and_confirm(&receiver, via_a, "grace@example.org", "Grace")
        .await;
    let grace_id = user_id(&db, "grace@example.org").await;
    memberships::add(&db, grace_id, org.id, Role::Admin)
        .await
        .unwrap();

    // Join and sync through the other.
    let asked = browser
        .post(via_b, RequestMembership::PATH, &[("slug", ORG)], Some(&ada))
        .await;
    assert!(asked.status().is_success(), "{}", asked.status());
    let ada_id = user_id(&db, "ada@example.org").await;
    let answered = browser
        .post(
            via_b,
            AnswerMembershipRequest::PATH,
            &[
                ("slug", ORG),
                ("user_id", &ada_id.to_string()),
                ("approve", "true"),
            ],
            Some(&grace),
        )
        .await;
    assert!(answered.status().is_success(), "{}", answered.status());
    let saved = browser
        .post(
            via_b,
            SaveLumaSettings::PATH,
            &[("slug", ORG), ("calendar_url", ""), ("api_key", ORG_KEY)],
            Some(&grace),
        )
        .await;
    assert!(saved.status().is_success(), "{}", saved.status());
    let started: SyncStart = browser
        .post(via_b, StartLumaSync::PATH, &[("slug", ORG)], Some(&grace))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(started, SyncStart::Started);
    let status = poll(Duration::from_secs(60), "the sync ends", || async {
        let status: SyncStatusView = browser
            .post(via_b, GetSyncStatus::PATH, &[("slug", ORG)], Some(&grace))
            .await
            .json()
            .await
            .unwrap();
        (!status.running && !status.runs.is_empty()).then_some(status)
    })
    .await;
    assert_eq!(
        (status.runs[0].outcome, status.runs[0].trigger),
        (SyncOutcome::Ok, SyncTrigger::Manual)
    );
    // The first replica shows the member what the second imported.
    let dashboard = browser.text(via_a, "/dashboard", Some(&ada)).await;
    assert!(
        dashboard.contains("Your orgs") && dashboard.contains("Deploy Org"),
        "the membership approved on one replica counts on the other"
    );
    assert!(
        dashboard.contains("Deploy meetup 0"),
        "the events synced on the other: {dashboard}"
    );

    // Signed out on one: signed out on both.
    assert_eq!(
        browser.get(via_b, "/account", Some(&ada)).await.status(),
        200
    );
    let signed_out = browser.post(via_a, SignOut::PATH, &[], Some(&ada)).await;
    assert!(signed_out.status().is_redirection() || signed_out.status().is_success());
    for via in [via_a, via_b] {
        assert_eq!(
            browser.get(via, "/account", Some(&ada)).await.status(),
            401,
            "the session ended on every replica"
        );
    }

    // Each client is itself through the proxy: what a client writes in X-Forwarded-For is not
    // believed (sign-ups are limited per client), and another client is not held back. The
    // outbox fills meanwhile, sent slowly, so a message is under way when its sender dies.
    receiver.hold_before_data(Duration::from_secs(3));
    let queued_before = mail_rows(&db).await;
    // Ada's and Grace's sign-ups came from this client to this replica too.
    for n in 0..convene::accounts::client_limit::SIGN_UPS_PER_CLIENT - 2 {
        let response = browser
            .sign_up_posing_as(via_a, &format!("person{n}@example.org"), n)
            .await;
        assert!(
            response.status().is_redirection() || response.status().is_success(),
            "{}",
            response.status()
        );
    }
    let refused = browser
        .sign_up_posing_as(via_a, "one-more@example.org", 99)
        .await;
    assert_eq!(
        refused.status(),
        429,
        "the limit holds for one client, however it names itself"
    );
    let neighbour = Browser::new(&ca, https, Ipv4Addr::new(127, 0, 0, 3));
    let welcome = neighbour
        .sign_up_posing_as(via_a, "neighbour@example.org", 99)
        .await;
    assert!(
        welcome.status().is_redirection() || welcome.status().is_success(),
        "{}",
        welcome.status()
    );
    assert!(
        mail_rows(&db).await
            >= queued_before + convene::accounts::client_limit::SIGN_UPS_PER_CLIENT as u64 - 1,
        "each accepted sign-up queued its confirmation"
    );

    // Kill the sender while the receiver holds a message's DATA: that message was not taken.
    let sender = poll(Duration::from_secs(60), "a message under way", || async {
        let underway = receiver.started() > receiver.received().len()
            && receiver.received().len() > usize::try_from(queued_before).unwrap();
        if underway {
            lease_holder(&db, SENDER_LEASE).await
        } else {
            None
        }
    })
    .await;
    let (_, moved_after) = kill_and_await_takeover(
        &mut replicas,
        &db,
        &browser,
        SENDER_LEASE,
        &sender,
        mail_takeover_within(),
    )
    .await;
    receiver.hold_before_data(Duration::ZERO);
    eprintln!(
        "behind nginx: mail moved to the other replica {:.1} s after its sender was killed (stated: within the SMTP timeout and 10 s, {} s here)",
        moved_after.as_secs_f64(),
        mail_takeover_within().as_secs()
    );
    let queued = poll(Duration::from_secs(60), "the outbox is sent", || async {
        let queued = mail_rows(&db).await;
        (mail_sent(&db).await == queued).then_some(queued)
    })
    .await;
    let received = receiver.received();
    let mut ids: Vec<String> = received
        .iter()
        .map(|message| message_id(&message.data))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (received.len(), ids.len()),
        (
            usize::try_from(queued).unwrap(),
            usize::try_from(queued).unwrap()
        ),
        "every queued message arrived, once"
    );
}

/// Kills the replica holding `lease` (`holder`), checks that the proxy keeps serving, and waits
/// for the other replica to take the lease, which must happen `within` (and the polling's slack)
/// of the kill. Returns which replica died and how long the lease took to move.
async fn kill_and_await_takeover(
    replicas: &mut [ServerProcess; 2],
    db: &DatabaseConnection,
    browser: &Browser,
    lease: &str,
    holder: &str,
    within: Duration,
) -> (usize, Duration) {
    let dead = replica_of(replicas, holder);
    replicas[dead].kill();
    let killed_at = Instant::now();
    browser.keeps_serving().await;
    let taken_over = poll(Duration::from_secs(60), "the lease moves", || async {
        lease_holder(db, lease)
            .await
            .filter(|owner| owner != holder)
    })
    .await;
    let moved_after = killed_at.elapsed();
    assert_eq!(
        replica_of(replicas, &taken_over),
        1 - dead,
        "the other replica holds {lease}"
    );
    assert!(
        moved_after <= within + SLACK,
        "{lease} moved {moved_after:?} after its holder died"
    );
    (dead, moved_after)
}

/// Where the release's own deployment files are.
fn deploy_files() -> PathBuf {
    match std::env::var("CONVENE_TEST_SERVER_BIN") {
        Ok(binary) if !binary.is_empty() => Path::new(&binary)
            .parent()
            .expect("the binary's directory")
            .to_owned(),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy"),
    }
}

/// `convene.env`'s settings (what a service manager's `EnvironmentFile=` reads).
fn documented_settings(deploy: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(deploy.join("convene.env")).expect("convene.env");
    let settings: Vec<(String, String)> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, value) = line.split_once('=').expect("NAME=value");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    for needed in ["CONVENE_TRUSTED_PROXIES", "CONVENE_PUBLIC_URL"] {
        assert!(
            settings.iter().any(|(name, _)| name == needed),
            "convene.env sets {needed}"
        );
    }
    settings
}

/// The documented `nginx.conf`, changed only where a test must: its addresses, the certificate,
/// and a header that pins a request to one replica (`X-Convene-Replica: a`); without it,
/// requests go to the documented upstream of both.
fn nginx_config(deploy: &Path, dir: &Path, https: u16, http: u16, replicas: [u16; 2]) -> String {
    let documented = std::fs::read_to_string(deploy.join("nginx.conf")).expect("nginx.conf");
    let [a, b] = replicas;
    let mut site = documented;
    for (from, to) in [
        (
            "server 127.0.0.1:3000;".to_owned(),
            format!("server 127.0.0.1:{a};\n    server 127.0.0.1:{b};"),
        ),
        (
            "listen 443 ssl http2;".to_owned(),
            format!("listen 127.0.0.1:{https} ssl http2;"),
        ),
        ("listen 80;".to_owned(), format!("listen 127.0.0.1:{http};")),
        (
            "/etc/ssl/certs/events.example.org.pem".to_owned(),
            dir.join("site.pem").display().to_string(),
        ),
        (
            "/etc/ssl/private/events.example.org.key".to_owned(),
            dir.join("site.key").display().to_string(),
        ),
        (
            "proxy_pass http://convene;".to_owned(),
            "proxy_pass http://$convene_replica;".to_owned(),
        ),
    ] {
        assert_eq!(
            site.matches(&from).count(),
            1,
            "nginx.conf no longer says {from:?}: change this test with it"
        );
        site = site.replace(&from, &to);
    }
    let dir = dir.display();
    format!(
        "daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/nginx-access.log;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    map $http_x_convene_replica $convene_replica {{
        default convene;
        a replica_a;
        b replica_b;
    }}
    upstream replica_a {{ server 127.0.0.1:{a}; }}
    upstream replica_b {{ server 127.0.0.1:{b}; }}
{site}
}}
"
    )
}

/// nginx from Debian's packages, in the foreground; stopped when dropped.
struct Nginx(Child);

impl Nginx {
    fn start(dir: &Path, config: &str) -> Self {
        let binary =
            std::env::var("CONVENE_TEST_NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into());
        let file = dir.join("nginx.conf");
        std::fs::write(&file, config).unwrap();
        let args = |test: bool| {
            let mut args = vec!["-p".to_owned(), dir.display().to_string()];
            args.extend([
                "-e".to_owned(),
                dir.join("nginx-error.log").display().to_string(),
            ]);
            args.extend(["-c".to_owned(), file.display().to_string()]);
            if test {
                args.push("-t".to_owned());
            }
            args
        };
        let checked = Command::new(&binary)
            .args(args(true))
            .output()
            .unwrap_or_else(|err| panic!("{binary}: {err} (make test-deploy installs nginx)"));
        assert!(
            checked.status.success(),
            "nginx refuses the configuration:\n{}",
            String::from_utf8_lossy(&checked.stderr)
        );
        let child = Command::new(&binary)
            .args(args(false))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        Self(child)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A certificate authority and a certificate for [`HOST`] it signed, by the `openssl` command;
/// returns the authority's certificate (what the test's client trusts).
fn throwaway_certificate(dir: &Path) -> reqwest::Certificate {
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let key = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &[
                "req",
                "-x509",
                "-days",
                "2",
                "-subj",
                "/CN=Convene test authority",
            ][..],
            &key[..],
            &["-keyout", "ca.key", "-out", "ca.pem"][..],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req", "-subj", "/CN=events.example.org"][..],
            &key[..],
            &["-keyout", "site.key", "-out", "site.csr"][..],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("site.ext"),
        format!(
            "subjectAltName=DNS:{HOST}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        ),
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "site.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "site.ext",
        "-out",
        "site.pem",
    ]);
    reqwest::Certificate::from_pem(&std::fs::read(dir.join("ca.pem")).unwrap()).unwrap()
}

fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<std::net::TcpListener> = (0..N)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    std::array::from_fn(|n| listeners[n].local_addr().unwrap().port())
}

/// A calendar whose events are titled `<title> 0`, `<title> 1`, ….
fn calendar(id: &str, title: &str, events: u32) -> FakeCalendar {
    FakeCalendar {
        id: id.into(),
        name: id.into(),
        slug: id.into(),
        timezone: "UTC".into(),
        events: (0..events)
            .map(|n| {
                let mut event = sample_event(chrono::Utc::now(), n, id);
                // Each calendar's own events (one id on several calendars is one co-hosted event).
                event["id"] = format!("evt-{id}-{n}").into();
                event["name"] = format!("{title} {n}").into();
                event
            })
            .collect(),
        legacy_shape: false,
    }
}

/// Which replica a lease's holder is: holders are named `convene-<pid>-<random>`.
fn replica_of(replicas: &[ServerProcess; 2], holder: &str) -> usize {
    let pid: u32 = holder
        .split('-')
        .nth(1)
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("a holder names its process: {holder}"));
    replicas
        .iter()
        .position(|replica| replica.pid() == pid)
        .unwrap_or_else(|| panic!("{holder} is neither replica"))
}

/// Who holds `name` now (none when free or expired).
async fn lease_holder(db: &DatabaseConnection, name: &str) -> Option<String> {
    lease::Entity::find_by_id(name.to_owned())
        .one(db)
        .await
        .unwrap()
        .filter(|lease| lease.expires_at > chrono::Utc::now() && !lease.owner.is_empty())
        .map(|lease| lease.owner)
}

async fn daily_runs_done(db: &DatabaseConnection, since: chrono::DateTime<chrono::Utc>) -> u64 {
    let runs = sync_run::Entity::find()
        .filter(sync_run::Column::Trigger.eq(SyncTrigger::Daily))
        .filter(sync_run::Column::StartedAt.gte(since))
        .filter(sync_run::Column::Outcome.eq(SyncOutcome::Ok))
        .all(db)
        .await
        .unwrap();
    let mut organizations: Vec<i64> = runs.iter().map(|run| run.organization_id).collect();
    organizations.sort_unstable();
    organizations.dedup();
    organizations.len() as u64
}

async fn mail_rows(db: &DatabaseConnection) -> u64 {
    mail_message::Entity::find().count(db).await.unwrap()
}

async fn mail_sent(db: &DatabaseConnection) -> u64 {
    mail_message::Entity::find()
        .filter(mail_message::Column::Status.eq(MailStatus::Sent))
        .count(db)
        .await
        .unwrap()
}

async fn user_id(db: &DatabaseConnection, email: &str) -> i64 {
    users::find_by_email(db, &convene::accounts::Email::parse(email).unwrap())
        .await
        .unwrap()
        .expect("the account exists")
        .id
}

fn message_id(data: &[u8]) -> String {
    mail_parser::MessageParser::default()
        .parse(data)
        .and_then(|message| message.message_id().map(str::to_owned))
        .expect("every message has a Message-ID")
}

/// Polls `check` until it gives a value; panics naming `what` after `deadline`.
async fn poll<T, Check, Checking>(deadline: Duration, what: &str, mut check: Check) -> T
where
    Check: FnMut() -> Checking,
    Checking: std::future::Future<Output = Option<T>>,
{
    let until = Instant::now() + deadline;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < until, "{what}: not within {deadline:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Which replica the proxy sends a request to.
#[derive(Clone, Copy)]
enum Via {
    /// The documented upstream: either.
    Any,
    Replica(char),
}

/// A browser's requests to `https://events.example.org:<port>`, through nginx, from its own
/// loopback address (so the proxy's and each client's addresses differ).
struct Browser {
    client: reqwest::Client,
    origin: String,
}

impl Browser {
    fn new(authority: &reqwest::Certificate, https: u16, from: Ipv4Addr) -> Self {
        Self {
            client: reqwest::Client::builder()
                .add_root_certificate(authority.clone())
                .resolve(HOST, SocketAddr::from((Ipv4Addr::LOCALHOST, https)))
                .local_address(IpAddr::V4(from))
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            origin: format!("https://{HOST}:{https}"),
        }
    }

    fn request(
        &self,
        method: reqwest::Method,
        via: Via,
        path: &str,
        cookie: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.origin));
        if let Via::Replica(name) = via {
            request = request.header("x-convene-replica", name.to_string());
        }
        if let Some(cookie) = cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        request
    }

    async fn get(&self, via: Via, path: &str, cookie: Option<&str>) -> reqwest::Response {
        self.request(reqwest::Method::GET, via, path, cookie)
            .send()
            .await
            .expect("an answer through the proxy")
    }

    async fn text(&self, via: Via, path: &str, cookie: Option<&str>) -> String {
        let response = self.get(via, path, cookie).await;
        assert_eq!(response.status(), 200, "{path}");
        response.text().await.unwrap()
    }

    /// A form post from one of the site's pages, as a browser sends it (with its `Origin`).
    async fn post(
        &self,
        via: Via,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        self.request(reqwest::Method::POST, via, path, cookie)
            .header(reqwest::header::ORIGIN, &self.origin)
            .form(form)
            .send()
            .await
            .expect("an answer through the proxy")
    }

    async fn wait_until_served(&self) {
        poll(Duration::from_secs(30), "nginx serves", || async {
            let answered = self
                .request(reqwest::Method::GET, Via::Any, "/healthz", None)
                .send()
                .await;
            answered
                .ok()
                .filter(|response| response.status() == 200)
                .map(|_| ())
        })
        .await;
    }

    /// Requests to the documented upstream all answer while one replica is down.
    async fn keeps_serving(&self) {
        for path in [
            "/",
            "/orgs",
            "/dashboard",
            "/healthz",
            "/orgs/deploy-org",
            "/",
        ] {
            assert_eq!(
                self.get(Via::Any, path, None).await.status(),
                200,
                "{path} with one replica down"
            );
        }
    }

    /// Signs up through `via`, follows the mailed link's form there, and returns the session
    /// cookie (checked to be `Secure`).
    async fn sign_up_and_confirm(
        &self,
        receiver: &SmtpReceiver,
        via: Via,
        email: &str,
        name: &str,
    ) -> String {
        let asked = self
            .post(
                via,
                SignUp::PATH,
                &[("email", email), ("display_name", name)],
                None,
            )
            .await;
        assert!(
            asked.status().is_success() || asked.status().is_redirection(),
            "{}",
            asked.status()
        );
        let prefix = format!("{}/account/confirm?token=", self.origin);
        let link = poll(Duration::from_secs(30), "the confirmation mail", || async {
            receiver.received().iter().find_map(|message| {
                let parsed = mail_parser::MessageParser::default().parse(&message.data)?;
                let text = parsed.body_text(0)?.into_owned();
                (message.rcpt_to.iter().any(|to| to == email))
                    .then(|| {
                        text.split_whitespace()
                            .find(|word| word.starts_with(&prefix))
                            .map(str::to_owned)
                    })
                    .flatten()
            })
        })
        .await;
        let token = link.split_once("token=").unwrap().1;
        let confirmed = self
            .post(
                via,
                ConfirmEmail::PATH,
                &[
                    ("token", token),
                    ("display_name", name),
                    ("password", PASSWORD),
                ],
                None,
            )
            .await;
        let line = set_cookie_lines(&confirmed)
            .into_iter()
            .find(|line| line.starts_with("convene_session="))
            .expect("confirming signs in");
        assert!(
            line.contains("; Secure") && line.contains("; HttpOnly"),
            "the session cookie is Secure behind TLS: {line}"
        );
        session_cookie(&confirmed).unwrap()
    }

    /// Posts a sign-up naming itself `198.51.100.<n>` in `X-Forwarded-For` (nginx adds the real
    /// address after it).
    async fn sign_up_posing_as(&self, via: Via, email: &str, n: usize) -> reqwest::Response {
        self.request(reqwest::Method::POST, via, SignUp::PATH, None)
            .header(reqwest::header::ORIGIN, &self.origin)
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .form(&[("email", email), ("display_name", "Person")])
            .send()
            .await
            .expect("an answer through the proxy")
    }
}
