//! `spawn_app()`: start the real application on a fresh store and talk to it over HTTP.

use std::net::SocketAddr;
use std::time::Duration;

use convene::secrets::{KeySource, SecretKey};
use convene::store::organizations::{self, NewOrganization};
use convene::testing::{fresh_database_url, scratch_dir};
use leptos::config::LeptosOptions;
use server::settings::{DatabaseUrl, Settings};
use server::startup::Application;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct TestApp {
    pub address: SocketAddr,
    pub database_url: String,
    /// The server's secret key (what signs its unsubscribe links, seals its lu.ma keys).
    pub secret_key: SecretKey,
    /// Where `/metrics` answers, when the settings asked for it.
    pub metrics_address: Option<SocketAddr>,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// What the fresh store holds when the server starts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    Nothing,
    /// Four plain organizations (no members, no lu.ma): what most tests act on.
    Organizations,
    /// Demo mode: demo organizations on the bundled fake lu.ma, demo accounts, first import.
    Demo,
}

/// The organizations of [`Seed::Organizations`], alphabetical by name.
pub const ORGANIZATIONS: [(&str, &str); 4] = [
    ("rust-berlin", "Rust Berlin"),
    ("rust-lisbon", "Rust Lisbon"),
    ("rust-london", "Rust London"),
    ("rust-nyc", "Rust NYC"),
];

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Seed::Organizations).await
}

pub async fn spawn_app_with(seed: Seed) -> TestApp {
    spawn_app_adjusted(seed, |_| {}).await
}

/// [`spawn_app_with`], with settings changed first (to point at a fake lu.ma, say).
pub async fn spawn_app_adjusted(seed: Seed, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    captured_logs();
    let database_url = fresh_database_url().await;
    let mut settings = test_settings(database_url.clone(), seed == Seed::Demo);
    adjust(&mut settings);
    let app = Application::build(&settings)
        .await
        .expect("application builds");
    if seed == Seed::Organizations {
        let db = convene::store::connect(&database_url).await.expect("store");
        for (slug, name) in ORGANIZATIONS {
            let new = NewOrganization::parse(slug, name, &format!("The {name} group."))
                .expect("valid organization");
            organizations::create(&db, new).await.expect("organization");
        }
        db.close().await.expect("store closes");
    }
    serve(app, database_url, settings.secret_key)
}

/// Settings sending mail to `receiver` (the test suite's SMTP receiver on port 0).
pub fn with_smtp(receiver: &convene::testing::smtp::SmtpReceiver) -> impl FnOnce(&mut Settings) {
    let url = receiver.url();
    move |settings| {
        settings.mail.smtp =
            Some(convene::mail::smtp::SmtpServer::parse(&url).expect("receiver address"));
    }
}

/// A second server on `app`'s store, as a second replica behind a load balancer would be.
pub async fn spawn_replica(app: &TestApp) -> TestApp {
    let settings = test_settings(app.database_url.clone(), false);
    let replica = Application::build(&settings).await.expect("replica builds");
    serve(replica, app.database_url.clone(), settings.secret_key)
}

fn serve(app: Application, database_url: String, secret_key: SecretKey) -> TestApp {
    let address = app.local_addr();
    let metrics_address = app.metrics_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        database_url,
        secret_key,
        metrics_address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client"),
        stop: Some(stop),
        server: Some(server),
    }
}

pub fn test_settings(database_url: String, demo: bool) -> Settings {
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("loopback address");
    Settings {
        listen,
        database_url: DatabaseUrl::parse(&database_url).expect("test database url"),
        data_dir: scratch_dir("data"),
        secret_key: SecretKey::generate(),
        secret_key_source: KeySource::Setting,
        luma_api_base: "http://127.0.0.1:9/".parse().expect("url"),
        demo,
        demo_live_changes: false,
        secure_cookies: false,
        public_url: None,
        trusted_proxies: Default::default(),
        allow_private_feeds: true,
        map_tiles: Default::default(),
        daily_sync: None,
        luma_requests_per_minute: 180,
        refresh_ttl: chrono::Duration::minutes(60),
        // No SMTP server unless a test gives one ([`with_smtp`]): mail stays in the outbox.
        mail: convene::mail::MailConfig {
            smtp_timeout: Duration::from_secs(5),
            poll_every: Duration::from_millis(50),
            // Tests write member mail at moments of their choosing (`MemberMail::pass`).
            member_mail_every: None,
            ..Default::default()
        },
        leptos_options: LeptosOptions::builder()
            .output_name("convene")
            .site_addr(listen)
            .build(),
        metrics_addr: None,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the server")
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Asks the server to stop and waits for it; returns how `run_until_stopped` ended.
    pub async fn shut_down(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let server = self.server.take().expect("server task");
        tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("server stops after the shutdown signal")
            .expect("server task did not panic")
    }
}

impl Drop for TestApp {
    /// A finished test's server stops, so its database connections close (Postgres allows only
    /// so many at once across all parallel tests).
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Count of non-overlapping occurrences, for asserting how many cards a page rendered.
pub fn occurrences(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The `convene_session=…` pair from a response's Set-Cookie headers, if one was set.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    set_cookie_lines(response)
        .into_iter()
        .find(|line| line.starts_with("convene_session=") && !line.starts_with("convene_session=;"))
        .and_then(|line| line.split(';').next().map(str::to_owned))
}

pub fn set_cookie_lines(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok().map(str::to_owned))
        .collect()
}

impl TestApp {
    /// Calls a server function the way the hydrated app does (form-encoded, JSON back).
    pub async fn call(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).form(form);
        if let Some(cookie) = cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        request.send().await.expect("server function answers")
    }

    /// Calls a server function that takes JSON (as the dashboard's does).
    pub async fn call_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(cookie) = cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        request.send().await.expect("server function answers")
    }

    /// GETs a page as a browser holding `cookie` would.
    pub async fn get_as(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(cookie) = cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        request.send().await.expect("page answers")
    }

    /// The body of [`TestApp::get_as`].
    pub async fn page_as(&self, path: &str, cookie: Option<&str>) -> String {
        self.get_as(path, cookie)
            .await
            .text()
            .await
            .expect("page body")
    }

    /// Signs up a fresh account and confirms its address as its owner would (following a
    /// confirmation link, choosing the password), which signs in; returns the session cookie.
    pub async fn sign_up(&self, email: &str, name: &str, password: &str) -> String {
        self.ask_to_sign_up(email, name).await;
        let token = self.confirmation_link_for(email).await;
        self.confirm(&token, name, password).await
    }

    /// Posts the sign-up form (email and name: it asks for no password).
    pub async fn ask_to_sign_up(&self, email: &str, name: &str) -> reqwest::Response {
        use app::auth::SignUp;
        use leptos::server_fn::ServerFn;
        let response = self
            .call(
                SignUp::PATH,
                &[("email", email), ("display_name", name)],
                None,
            )
            .await;
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "sign-up failed: {}",
            response.status()
        );
        response
    }

    /// A working confirmation link's token for the account of `email`, as the mailed one
    /// would be (tests that read the mail itself are in `mail.rs`).
    pub async fn confirmation_link_for(&self, email: &str) -> String {
        use convene::store::entities::{account_token, user};
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let db = convene::store::connect(&self.database_url).await.unwrap();
        let account = user::Entity::find()
            .filter(user::Column::Email.eq(email.trim().to_lowercase()))
            .one(&db)
            .await
            .unwrap()
            .expect("the account signed up");
        let token = convene::secrets::random_token();
        let now = chrono::Utc::now();
        account_token::ActiveModel {
            user_id: Set(account.id),
            purpose: Set(convene_types::TokenPurpose::ConfirmEmail),
            token_hash: Set(convene::accounts::links::token_hash(&token)),
            new_email: Set(None),
            expires_at: Set(now + chrono::Duration::days(1)),
            used_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        db.close().await.unwrap();
        token
    }

    /// Follows a confirmation link: chooses the name and password; returns the session cookie.
    pub async fn confirm(&self, token: &str, name: &str, password: &str) -> String {
        use app::auth::links::ConfirmEmail;
        use leptos::server_fn::ServerFn;
        let response = self
            .call(
                ConfirmEmail::PATH,
                &[
                    ("token", token),
                    ("display_name", name),
                    ("password", password),
                ],
                None,
            )
            .await;
        session_cookie(&response)
            .unwrap_or_else(|| panic!("confirming signs in: {}", response.status()))
    }

    /// Signs in to an existing account and returns the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        use app::auth::SignIn;
        use leptos::server_fn::ServerFn;
        let response = self
            .call(
                SignIn::PATH,
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        session_cookie(&response).expect("sign-in sets the session cookie")
    }
}

/// A visitor that keeps its session cookie from answer to answer, as a browser does: a
/// Set-Cookie that sets the session replaces it, one that clears it (sign-out) drops it.
pub struct Browser<'a> {
    app: &'a TestApp,
    cookie: std::sync::Mutex<Option<String>>,
}

impl TestApp {
    /// A browser that holds `cookie` (one that [`TestApp::sign_up`] returned, say), or none.
    pub fn browser(&self, cookie: Option<String>) -> Browser<'_> {
        Browser {
            app: self,
            cookie: std::sync::Mutex::new(cookie),
        }
    }
}

impl Browser<'_> {
    /// The session cookie it holds now (`convene_session=…`).
    pub fn cookie(&self) -> Option<String> {
        self.cookie.lock().expect("cookie jar").clone()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        let response = self.app.get_as(path, self.cookie().as_deref()).await;
        self.keep(&response);
        response
    }

    /// A page's body.
    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("page body")
    }

    /// Whether a page greets someone signed in.
    pub async fn is_signed_in(&self) -> bool {
        self.page("/").await.contains("class=\"user-name\"")
    }

    /// Posts a form to a server function.
    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let response = self.app.call(path, form, self.cookie().as_deref()).await;
        self.keep(&response);
        response
    }

    fn keep(&self, response: &reqwest::Response) {
        let mut jar = self.cookie.lock().expect("cookie jar");
        // Only the session's own line counts: another cookie's removal leaves it alone.
        let cleared = set_cookie_lines(response).iter().any(|line| {
            line.starts_with("convene_session=;")
                || (line.starts_with("convene_session=") && line.contains("Max-Age=0"))
        });
        if cleared {
            *jar = None;
        }
        if let Some(session) = session_cookie(response) {
            *jar = Some(session);
        }
    }
}

/// Every log line the servers in this test binary write, at debug level, so tests can check
/// what never appears in a log (passwords, session ids).
#[derive(Clone, Default)]
pub struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedLogs;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs the capturing subscriber once per test binary and returns its buffer.
pub fn captured_logs() -> &'static CapturedLogs {
    static LOGS: std::sync::OnceLock<CapturedLogs> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(logs.clone())
            .try_init()
            .expect("the only subscriber of this test binary");
        logs
    })
}

/// Feed bodies by name, served at `/<name>` by [`feed_server`]; tests change them as they go.
pub type Feeds = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>;

async fn serve_feed(
    axum::extract::State(feeds): axum::extract::State<Feeds>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    let body = feeds.lock().unwrap().get(&name).cloned();
    match body {
        Some(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/calendar")],
            body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A feed server on port 0 whose answers the test changes as it goes.
pub async fn feed_server(feeds: Feeds) -> String {
    let router = axum::Router::new()
        .route("/{name}", axum::routing::get(serve_feed))
        .with_state(feeds);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// The `convene` binary running as its own process (a crash is seen as one), on port 0.
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    /// Starts the binary with only `env` (and a listen address on port 0) and waits until it
    /// says where it listens. `CONVENE_TEST_SERVER_BIN` names another build of it (the release
    /// binary, for `make measure-budgets`); by default the one built with these tests.
    pub fn start(env: &[(&str, &str)]) -> Self {
        Self::start_logging_to(env, None)
    }

    /// [`ServerProcess::start`], keeping every line the server logs in `log` when given.
    pub fn start_logging_to(env: &[(&str, &str)], log: Option<&std::path::Path>) -> Self {
        use std::io::{BufRead, BufReader, Write};
        use std::process::{Command, Stdio};

        let binary = std::env::var("CONVENE_TEST_SERVER_BIN")
            .ok()
            .filter(|path| !path.is_empty())
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_convene").to_owned());
        let mut child = Command::new(binary)
            .env_clear()
            .envs(convene::testing::moved_clock_env())
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn convene");
        let stderr = child.stderr.take().expect("stderr");
        let (found, listening) = std::sync::mpsc::channel();
        let mut kept = log.map(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .expect("the server's log file")
        });
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent && let Some(at) = line.split("listening on ").nth(1) {
                    let _ = found.send(at.trim().to_owned());
                    sent = true;
                }
                if let Some(file) = kept.as_mut() {
                    let _ = writeln!(file, "{line}");
                }
                // Keep reading, so the server never blocks on a full pipe.
            }
        });
        let base = listening
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens");
        Self { child, base }
    }

    /// The peak resident set of the process so far, in MB.
    pub fn peak_memory_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status
            .lines()
            .find(|line| line.starts_with("VmHWM:"))
            .unwrap();
        let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kb / 1024
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the process at once (SIGKILL: no shutdown, as a crash or a lost machine).
    pub fn kill(&mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("the server stopped");
    }
}

/// The audit line saying `message` about organization `org` (and containing `detail`) in
/// `logs`: its field names in order and who made the change (`by`). Panics when there is none.
pub fn audit_line(logs: &str, message: &str, org: &str, detail: &str) -> (Vec<String>, String) {
    let org_field = format!("org={org}");
    let line = logs
        .lines()
        .find(|line| {
            line.contains(" audit: ")
                && line.contains(message)
                && line.split_whitespace().any(|word| word == org_field)
                && line.contains(detail)
        })
        .unwrap_or_else(|| panic!("no audit line {message:?} for {org} in:\n{logs}"));
    // After the target: a server's line starts with the request's span fields.
    let (_, event) = line.split_once(" audit: ").unwrap_or(("", line));
    let fields: Vec<(String, String)> = event
        .split_whitespace()
        .filter_map(|word| word.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let by = fields
        .iter()
        .find(|(name, _)| name == "by")
        .map(|(_, value)| value.clone())
        .unwrap_or_else(|| panic!("the audit line names no one: {line}"));
    (fields.into_iter().map(|(name, _)| name).collect(), by)
}

/// Connects the organization `organization_id` to the fake lu.ma's calendar of `key` (sealed
/// with `secret`) and returns an importer that syncs it from outside the servers, as the daily
/// import of another replica would.
pub async fn connect_to_fake_luma(
    db: &convene::store::DatabaseConnection,
    organization_id: i64,
    fake: &convene::import::luma::fake::FakeLuma,
    key: &str,
    secret: SecretKey,
) -> convene::import::sync::Importer {
    use convene::import::luma::client::{ClientConfig, LumaClient};

    store_luma_key(db, organization_id, fake, key, &secret).await;
    convene::import::sync::Importer::new(
        db.clone(),
        LumaClient::new(ClientConfig::new(fake.base_url())).expect("lu.ma client"),
        secret,
    )
}

/// Stores the fake lu.ma's `key` (sealed with `secret`) and address as the organization's, as
/// the settings panel would.
pub async fn store_luma_key(
    db: &convene::store::DatabaseConnection,
    organization_id: i64,
    fake: &convene::import::luma::fake::FakeLuma,
    key: &str,
    secret: &SecretKey,
) {
    use convene::store::entities::organization;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    organization::ActiveModel {
        id: Set(organization_id),
        luma_api_key_sealed: Set(Some(
            secret
                .seal(
                    key,
                    convene::secrets::Purpose::LumaApiKey { organization_id },
                )
                .expect("sealed"),
        )),
        luma_api_base: Set(Some(fake.base_url().to_string())),
        ..Default::default()
    }
    .update(db)
    .await
    .expect("organization connected");
}

/// Signs up `email` and gives them `role` in the organization `slug` (none: just signed in);
/// returns their session cookie.
pub async fn person_in(
    app: &TestApp,
    slug: &str,
    email: &str,
    role: Option<convene::rules::access::Role>,
) -> String {
    let cookie = app.sign_up(email, "Person", "correct horse battery").await;
    if let Some(role) = role {
        let db = convene::store::connect(&app.database_url).await.unwrap();
        let org = convene::store::organizations::find_by_slug(&db, slug)
            .await
            .unwrap()
            .unwrap();
        let user = convene::store::users::find_by_email(
            &db,
            &convene::accounts::Email::parse(email).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
        convene::store::memberships::add(&db, user.id, org.id, role)
            .await
            .unwrap();
        db.close().await.unwrap();
    }
    cookie
}

/// Signs up `email` as an admin of the organization `slug`; returns their session cookie.
pub async fn admin_of(app: &TestApp, slug: &str, email: &str) -> String {
    person_in(app, slug, email, Some(convene::rules::access::Role::Admin)).await
}

/// Connects the organization `organization_id` to the iCal feed at `address` (sealed with
/// `secret`, shown as the settings form would show it), reading times without a zone in `zone`.
pub async fn connect_to_feed(
    db: &convene::store::DatabaseConnection,
    organization_id: i64,
    address: &str,
    zone: &str,
    secret: &SecretKey,
) {
    use convene::store::entities::organization;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let feed = convene::import::ical::connect::SealedFeed::seal(
        secret,
        organization_id,
        &address.parse().expect("a feed address"),
    )
    .expect("sealed");
    organization::ActiveModel {
        id: Set(organization_id),
        ical_url_sealed: Set(Some(feed.sealed)),
        ical_url_shown: Set(Some(feed.shown)),
        display_timezone: Set(Some(zone.to_owned())),
        ..Default::default()
    }
    .update(db)
    .await
    .expect("organization connected to its feed");
}
