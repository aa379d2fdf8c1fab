//! Typed settings: defaults, then environment variables, then flags. Resolving them checks every
//! value, so bad configuration stops start-up with one line naming the setting.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::NaiveTime;
use convene::accounts::client_address::TrustedProxies;
use convene::import::ical::fetch::FeedClientConfig;
use convene::import::luma::client::ClientConfig;
use convene::import::schedule::DailySchedule;
use convene::mail::MailConfig;
use convene::mail::smtp::{FromAddress, SmtpServer};
use convene::secrets::{KeySource, SecretKey};
use leptos::config::LeptosOptions;
use url::Url;

/// Settings as given on the command line or in the environment, before they are checked.
#[derive(clap::Args, Debug, Clone)]
pub struct SettingsArgs {
    /// Store to use: `sqlite://…` or `postgres://…` [default: a SQLite file in the data directory]
    #[arg(
        long,
        env = "DATABASE_URL",
        value_name = "DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Address to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        value_name = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000"
    )]
    pub listen: SocketAddr,
    /// Directory for the SQLite file and the generated secret key.
    #[arg(
        long,
        env = "CONVENE_DATA_DIR",
        value_name = "CONVENE_DATA_DIR",
        default_value = "data"
    )]
    pub data_dir: PathBuf,
    /// Base URL of the lu.ma API.
    #[arg(
        long,
        env = "LUMA_API_BASE",
        value_name = "LUMA_API_BASE",
        default_value = "https://public-api.luma.com"
    )]
    pub luma_api_base: String,
    /// Demo mode on an empty store: demo organizations served by the bundled fake lu.ma, demo
    /// accounts (with a published password) and a first import (0 or 1). Off unless asked for:
    /// `make run` asks for it; a real deployment never should [default: 0]
    #[arg(
        long,
        env = "CONVENE_DEMO",
        value_name = "CONVENE_DEMO",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(),
    )]
    pub demo: Option<bool>,
    /// In demo mode, the fake lu.ma changes one of Rust Berlin's events every two minutes and
    /// sends the signed webhook, so the change is seen arriving (0 or 1).
    #[arg(
        long,
        env = "CONVENE_DEMO_LIVE_CHANGES",
        value_name = "CONVENE_DEMO_LIVE_CHANGES",
        default_value = "1",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(),
    )]
    pub demo_live_changes: bool,
    /// Mark the session cookie `Secure` (set when Convene is served over https).
    #[arg(
        long,
        env = "CONVENE_SECURE_COOKIES",
        value_name = "CONVENE_SECURE_COOKIES",
        default_value = "0",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(),
    )]
    pub secure_cookies: bool,
    /// The address people reach Convene at (`https://events.example.org`). With https the
    /// session cookie is always `Secure`.
    #[arg(long, env = "CONVENE_PUBLIC_URL", value_name = "CONVENE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For names the client (for sign-in throttling):
    /// addresses or networks, comma-separated, e.g. `127.0.0.1,10.0.0.0/8`. Empty: none.
    #[arg(
        long,
        env = "CONVENE_TRUSTED_PROXIES",
        value_name = "CONVENE_TRUSTED_PROXIES",
        default_value = ""
    )]
    pub trusted_proxies: String,
    /// Let iCal feeds live on loopback, private and link-local addresses (tests, the demo, a
    /// calendar server on your own network); off, such feeds are refused.
    #[arg(
        long,
        env = "CONVENE_ALLOW_PRIVATE_FEEDS",
        value_name = "CONVENE_ALLOW_PRIVATE_FEEDS",
        default_value = "0",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(),
    )]
    pub allow_private_feeds: bool,
    /// The dashboard map's tiles: a URL template with {z}, {x} and {y}, or `off` (markers on a
    /// plain background) [default: OpenStreetMap's standard tiles].
    #[arg(
        long,
        env = "CONVENE_MAP_TILES",
        value_name = "CONVENE_MAP_TILES",
        default_value = ""
    )]
    pub map_tiles: String,
    /// The credit other tiles require, shown on the map [default: © OpenStreetMap contributors].
    #[arg(
        long,
        env = "CONVENE_MAP_ATTRIBUTION",
        value_name = "CONVENE_MAP_ATTRIBUTION",
        default_value = ""
    )]
    pub map_attribution: String,
    /// Run the daily lu.ma import (0 turns it off, for example on all but one kind of replica).
    #[arg(
        long,
        env = "CONVENE_DAILY_SYNC",
        value_name = "CONVENE_DAILY_SYNC",
        default_value = "1",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(),
    )]
    pub daily_sync: bool,
    /// UTC time of the daily import, HH:MM (or HH:MM:SS).
    #[arg(
        long,
        env = "CONVENE_DAILY_SYNC_AT",
        value_name = "CONVENE_DAILY_SYNC_AT",
        default_value = "07:00"
    )]
    pub daily_sync_at: String,
    /// Pause between organizations in the daily import, in milliseconds.
    #[arg(
        long,
        env = "CONVENE_DAILY_SYNC_DELAY_MS",
        value_name = "CONVENE_DAILY_SYNC_DELAY_MS",
        default_value = "1000"
    )]
    pub daily_sync_delay_ms: u64,
    /// lu.ma requests per minute per calendar (lu.ma allows 200).
    #[arg(
        long,
        env = "LUMA_REQUESTS_PER_MINUTE",
        value_name = "LUMA_REQUESTS_PER_MINUTE",
        default_value = "180"
    )]
    pub luma_requests_per_minute: u32,
    /// Minutes before a page showing an organization's events refreshes them from lu.ma.
    #[arg(
        long,
        env = "CONVENE_REFRESH_TTL_MINUTES",
        value_name = "CONVENE_REFRESH_TTL_MINUTES",
        default_value = "60"
    )]
    pub refresh_ttl_minutes: u32,
    /// SMTP server for outgoing mail: `smtp://user:pass@host:587` (STARTTLS), `smtps://…:465`,
    /// or `smtp://host:25?tls=none` for a local relay. Unset: mail is kept in the outbox and
    /// shown to site admins at /admin/mail.
    #[arg(
        long,
        env = "CONVENE_SMTP_URL",
        value_name = "CONVENE_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// The From of every message [default: Convene <convene@host of CONVENE_PUBLIC_URL>]
    #[arg(long, env = "CONVENE_MAIL_FROM", value_name = "CONVENE_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Seconds one SMTP conversation may take before it counts as a temporary failure.
    #[arg(
        long,
        env = "CONVENE_SMTP_TIMEOUT_SECONDS",
        value_name = "CONVENE_SMTP_TIMEOUT_SECONDS",
        default_value = "20"
    )]
    pub smtp_timeout_seconds: u64,
    /// A listen address of its own for `/metrics` (Prometheus' text format), for example
    /// 127.0.0.1:9100. Unset: no metrics are served.
    #[arg(
        long,
        env = "CONVENE_METRICS_ADDR",
        value_name = "CONVENE_METRICS_ADDR"
    )]
    pub metrics_addr: Option<SocketAddr>,
}

/// The longest refresh TTL accepted: a week (the daily import refreshes sooner anyway).
const REFRESH_TTL_MAX_MINUTES: u32 = 7 * 24 * 60;

/// The environment variable holding the secret key. Deliberately not a flag: command lines
/// are visible to every user of the machine.
pub const SECRET_KEY_VAR: &str = "CONVENE_SECRET_KEY";
const SECRET_KEY_FILE: &str = "secret.key";
const SQLITE_FILE: &str = "convene.db";

/// Checked settings the server runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub database_url: DatabaseUrl,
    pub data_dir: PathBuf,
    pub secret_key: SecretKey,
    pub secret_key_source: KeySource,
    pub luma_api_base: Url,
    pub demo: bool,
    /// Demo mode's fake lu.ma changes an event now and then and sends the webhook.
    pub demo_live_changes: bool,
    pub secure_cookies: bool,
    /// `CONVENE_PUBLIC_URL`, when set.
    pub public_url: Option<Url>,
    pub trusted_proxies: TrustedProxies,
    pub allow_private_feeds: bool,
    pub map_tiles: convene::places::tiles::MapTiles,
    /// `None` when the daily import is switched off.
    pub daily_sync: Option<DailySchedule>,
    pub luma_requests_per_minute: u32,
    /// How old an organization's events may be before a page load refreshes them.
    pub refresh_ttl: chrono::Duration,
    pub mail: MailConfig,
    pub leptos_options: LeptosOptions,
    /// Where `/metrics` is served, when it is.
    pub metrics_addr: Option<SocketAddr>,
}

/// A bad setting: `setting` is the environment variable (or flag) to fix.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct SettingsError {
    pub setting: &'static str,
    pub message: String,
}

fn bad(setting: &'static str, message: impl Into<String>) -> SettingsError {
    SettingsError {
        setting,
        message: message.into(),
    }
}

impl Settings {
    /// Checks the arguments; reads (or creates) the secret key file when no key is set.
    pub fn resolve(args: SettingsArgs) -> Result<Settings, SettingsError> {
        let daily_sync = daily_schedule(&args)?;
        let luma_requests_per_minute = parse_budget(args.luma_requests_per_minute)?;
        ensure_data_dir(&args.data_dir)?;
        let database_url = match args.database_url {
            Some(url) => DatabaseUrl::parse(&url)?,
            None => DatabaseUrl::sqlite_file(&args.data_dir.join(SQLITE_FILE)),
        };
        let (secret_key, secret_key_source) = match std::env::var(SECRET_KEY_VAR) {
            Ok(hex) if !hex.trim().is_empty() => (
                SecretKey::from_hex(&hex).map_err(|err| bad(SECRET_KEY_VAR, err.to_string()))?,
                KeySource::Setting,
            ),
            _ => {
                SecretKey::load_or_create(&args.data_dir.join(SECRET_KEY_FILE)).map_err(|err| {
                    bad(
                        SECRET_KEY_VAR,
                        format!("unset, and the key file failed: {err}"),
                    )
                })?
            }
        };
        let luma_api_base = parse_http_url("LUMA_API_BASE", &args.luma_api_base)?;
        let refresh_ttl = parse_refresh_ttl(args.refresh_ttl_minutes)?;
        let demo = demo_enabled(args.demo);
        let public_url = args
            .public_url
            .as_deref()
            .filter(|url| !url.trim().is_empty())
            .map(|url| parse_http_url("CONVENE_PUBLIC_URL", url))
            .transpose()?;
        // An https site never sends its session cookie in the clear, whatever the flag says.
        let secure_cookies = args.secure_cookies
            || public_url
                .as_ref()
                .is_some_and(|url| url.scheme() == "https");
        let trusted_proxies = TrustedProxies::parse(&args.trusted_proxies)
            .map_err(|err| bad("CONVENE_TRUSTED_PROXIES", invalid_message(err)))?;
        let mail = mail_config(
            args.smtp_url.as_deref(),
            args.mail_from.as_deref(),
            args.smtp_timeout_seconds,
            public_url.as_ref(),
        )?;
        if mail.smtp.is_some() {
            links_in_mail_are_safe(public_url.as_ref(), args.listen)?;
        }
        let leptos_options = leptos_options(args.listen)?;
        let map_tiles =
            convene::places::tiles::MapTiles::parse(&args.map_tiles, &args.map_attribution)
                .map_err(|message| bad("CONVENE_MAP_TILES", message))?;
        Ok(Settings {
            listen: args.listen,
            database_url,
            data_dir: args.data_dir,
            secret_key,
            secret_key_source,
            luma_api_base,
            demo,
            demo_live_changes: args.demo_live_changes,
            secure_cookies,
            public_url,
            trusted_proxies,
            allow_private_feeds: args.allow_private_feeds,
            map_tiles,
            daily_sync,
            luma_requests_per_minute,
            refresh_ttl,
            mail,
            leptos_options,
            metrics_addr: args.metrics_addr,
        })
    }

    /// How every lu.ma client of this process talks to lu.ma (server and CLI alike).
    pub fn luma_client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new(self.luma_api_base.clone());
        config.budget_per_minute = self.luma_requests_per_minute;
        config
    }

    /// How every iCal feed fetch of this process behaves (server and CLI alike).
    pub fn feed_client_config(&self) -> FeedClientConfig {
        FeedClientConfig {
            allow_private: self.allow_private_feeds,
            ..FeedClientConfig::default()
        }
    }

    /// One line for the start-up log; secrets are never part of it.
    pub fn summary(&self) -> String {
        format!(
            "listen=http://{} database={} data_dir={} secret_key={} luma_api_base={} luma_requests_per_minute={} daily_sync={} refresh_ttl={}min demo={} secure_cookies={} trusted_proxies={} allow_private_feeds={} smtp={} mail_from={} site_root={}",
            self.listen,
            self.database_url,
            self.data_dir.display(),
            self.secret_key_source,
            self.luma_api_base,
            self.luma_requests_per_minute,
            self.daily_sync.map_or_else(
                || "off".to_owned(),
                |s| format!("{} UTC", s.at.format("%H:%M:%S"))
            ),
            self.refresh_ttl.num_minutes(),
            self.demo,
            self.secure_cookies,
            if self.trusted_proxies.is_empty() {
                "none"
            } else {
                "set"
            },
            self.allow_private_feeds,
            self.mail.smtp.as_ref().map_or_else(
                || "off (kept in the outbox)".to_owned(),
                |smtp| format!("{smtp:?}")
            ),
            self.mail.from,
            self.leptos_options.site_root,
        )
    }
}

fn daily_schedule(args: &SettingsArgs) -> Result<Option<DailySchedule>, SettingsError> {
    if !args.daily_sync {
        return Ok(None);
    }
    let text = args.daily_sync_at.trim();
    let at = NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| {
            bad(
                "CONVENE_DAILY_SYNC_AT",
                format!(
                    "{:?} is not a time of day: use HH:MM (or HH:MM:SS) in UTC, for example 07:00",
                    args.daily_sync_at
                ),
            )
        })?;
    Ok(Some(DailySchedule {
        at,
        delay_between_organizations: std::time::Duration::from_millis(args.daily_sync_delay_ms),
    }))
}

/// Mail carries links that open accounts (confirmation, reset): sent over SMTP they must point
/// at an https address, or anyone on the path reads them. Plain http is allowed only when the
/// links lead to this machine (a local trial, the test suites).
fn links_in_mail_are_safe(
    public_url: Option<&Url>,
    listen: std::net::SocketAddr,
) -> Result<(), SettingsError> {
    let safe = match public_url {
        Some(url) if url.scheme() == "https" => true,
        Some(url) => match url.host() {
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
        None => listen.ip().is_loopback(),
    };
    if safe {
        return Ok(());
    }
    Err(bad(
        "CONVENE_PUBLIC_URL",
        "with CONVENE_SMTP_URL set, mail carries links that open accounts: set CONVENE_PUBLIC_URL to the site's https address (http is allowed only for localhost)",
    ))
}

/// Mail is optional: without an SMTP server it stays in the outbox.
fn mail_config(
    smtp_url: Option<&str>,
    from: Option<&str>,
    timeout_seconds: u64,
    public_url: Option<&Url>,
) -> Result<MailConfig, SettingsError> {
    let smtp = smtp_url
        .filter(|url| !url.trim().is_empty())
        .map(SmtpServer::parse)
        .transpose()
        .map_err(|err| bad("CONVENE_SMTP_URL", err.to_string()))?;
    let from = match from.filter(|from| !from.trim().is_empty()) {
        Some(from) => {
            FromAddress::parse(from).map_err(|err| bad("CONVENE_MAIL_FROM", err.to_string()))?
        }
        None => FromAddress::default_for(
            public_url
                .and_then(|url| url.host_str())
                .unwrap_or("localhost"),
        ),
    };
    if !(1..=300).contains(&timeout_seconds) {
        return Err(bad(
            "CONVENE_SMTP_TIMEOUT_SECONDS",
            format!("{timeout_seconds} is outside 1 to 300 seconds"),
        ));
    }
    Ok(MailConfig {
        smtp,
        from,
        smtp_timeout: std::time::Duration::from_secs(timeout_seconds),
        poll_every: MAIL_POLL_EVERY,
        member_mail_every: Some(convene::mail::MEMBER_MAIL_EVERY),
    })
}

/// How often the mail sender looks at the outbox when nothing was due.
const MAIL_POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

fn parse_budget(per_minute: u32) -> Result<u32, SettingsError> {
    match per_minute {
        1..=200 => Ok(per_minute),
        _ => Err(bad(
            "LUMA_REQUESTS_PER_MINUTE",
            format!("{per_minute} is outside 1 to 200 (lu.ma allows 200 per minute per calendar)"),
        )),
    }
}

/// A core refusal's message without its field name (the setting names it instead).
fn invalid_message(err: convene::Error) -> String {
    match err {
        convene::Error::Invalid { message, .. } => message,
        other => other.to_string(),
    }
}

/// Demo mode creates accounts whose password is in the README: only when asked for, on any
/// store, never by default.
fn demo_enabled(setting: Option<bool>) -> bool {
    setting.unwrap_or(false)
}

fn parse_refresh_ttl(minutes: u32) -> Result<chrono::Duration, SettingsError> {
    if (1..=REFRESH_TTL_MAX_MINUTES).contains(&minutes) {
        Ok(chrono::Duration::minutes(i64::from(minutes)))
    } else {
        Err(bad(
            "CONVENE_REFRESH_TTL_MINUTES",
            format!("{minutes} is outside 1 to {REFRESH_TTL_MAX_MINUTES} minutes (a week)"),
        ))
    }
}

/// The data directory holds the store and the secret key: only the server's own user may
/// enter it (0700), whatever the umask.
fn ensure_data_dir(dir: &Path) -> Result<(), SettingsError> {
    use std::os::unix::fs::PermissionsExt;
    let failed = |err: std::io::Error| {
        bad(
            "CONVENE_DATA_DIR",
            format!("cannot create {}: {err}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(failed)
}

fn parse_http_url(setting: &'static str, text: &str) -> Result<Url, SettingsError> {
    let url =
        Url::parse(text).map_err(|err| bad(setting, format!("{text:?} is not a URL: {err}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            setting,
            format!("{text:?} must start with https:// (or http://)"),
        ));
    }
    Ok(url)
}

/// Leptos reads its own options from what cargo-leptos sets (the output name is compiled in).
/// A release unpacked from `make dist` runs without any of them: when `site/` and `hash.txt`
/// lie beside the binary, the site is served from there under its content-hashed names, unless
/// `LEPTOS_SITE_ROOT` or `LEPTOS_HASH_FILES` say otherwise. The listen address is ours.
fn leptos_options(listen: SocketAddr) -> Result<LeptosOptions, SettingsError> {
    let mut options = leptos::config::get_configuration(None)
        .map_err(|err| bad("LEPTOS_*", err.to_string()))?
        .leptos_options;
    options.site_addr = listen;
    let beside = std::env::current_exe()
        .ok()
        .and_then(|binary| binary.parent().map(Path::to_path_buf));
    if let Some(release) = beside.and_then(|dir| SelfContained::at(&dir, &options.hash_file)) {
        if std::env::var_os("LEPTOS_SITE_ROOT").is_none() {
            options.site_root = release.site.display().to_string().into();
        }
        if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
            options.hash_files = true;
        }
    }
    Ok(options)
}

/// A release directory: the binary with `site/` and the hash file beside it.
struct SelfContained {
    site: PathBuf,
}

impl SelfContained {
    fn at(dir: &Path, hash_file: &str) -> Option<Self> {
        let site = dir.join("site");
        (site.is_dir() && dir.join(hash_file).is_file()).then_some(Self { site })
    }
}

/// A database URL whose `Display` hides any password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn parse(text: &str) -> Result<Self, SettingsError> {
        let scheme = text.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" | "postgres" | "postgresql" => Ok(Self(text.to_owned())),
            _ => Err(bad(
                "DATABASE_URL",
                format!("unsupported store {scheme:?}: use sqlite://… or postgres://…"),
            )),
        }
    }

    /// A SQLite file, created on first use.
    pub fn sqlite_file(path: &Path) -> Self {
        Self(format!("sqlite://{}?mode=rwc", path.display()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                // Setting a password only fails for URLs that cannot have one.
                if url.set_password(Some("***")).is_err() {
                    return f.write_str("<database url>");
                }
                f.write_str(url.as_str())
            }
            _ => f.write_str(&self.0),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests;
