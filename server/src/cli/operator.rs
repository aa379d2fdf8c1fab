//! Operator commands on the `convene` binary: add users, organizations and memberships from the
//! shell. Each prints what it did or fails with one clear line naming the problem.

use std::io::{BufRead, IsTerminal};

use clap::Subcommand;
use convene::accounts::{DisplayName, Email, Password};
use convene::import::integration::{self, ChangedBy, IntegrationForm};
use convene::import::luma::client::{ClientConfig, LumaClient};
use convene::import::network;
use convene::import::sync::{Importer, SyncOutcome, SyncTrigger};
use convene::rules::access::Role;
use convene::secrets::SecretKey;
use convene::store::organizations::{self, NewOrganization};
use convene::store::users::{self, NewUser};
use convene::store::{self, DatabaseConnection, memberships};
use convene_types::InputField;

/// Where `user add` reads the password when stdin is not used. Never a flag: command lines are
/// visible to every user of the machine and end up in shell history.
pub const PASSWORD_VAR: &str = "CONVENE_PASSWORD";

#[derive(Subcommand, Debug)]
pub enum OperatorCommand {
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage organizations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage memberships.
    #[command(subcommand)]
    Member(MemberCommand),
    /// A lu.ma organization key: every calendar of a lu.ma organization at once.
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Import lu.ma events now, for one organization or every connected one.
    Sync {
        /// The organization's slug (default: every organization connected to lu.ma).
        #[arg(long)]
        org: Option<String>,
    },
    /// List an organization's upcoming events that clash with other organizations' events
    /// (the clash radar its admins see).
    Clashes {
        /// The organization's slug.
        #[arg(long)]
        org: String,
    },
    /// Copy the live SQLite store to FILE (safe while the server runs); for Postgres, says how
    /// to use pg_dump. Keep CONVENE_SECRET_KEY with the copy.
    Backup {
        /// Where the copy goes: a new file.
        file: std::path::PathBuf,
    },
}

/// What the lu.ma commands need from the settings.
pub struct OperatorContext {
    pub luma: ClientConfig,
    pub feeds: convene::import::ical::fetch::FeedClientConfig,
    pub secret_key: SecretKey,
}

impl OperatorContext {
    fn luma_client(&self) -> Result<LumaClient, String> {
        LumaClient::new(self.luma.clone()).map_err(|e| e.to_string())
    }
}

/// Runs the command; the `Ok` text says what was done.
pub async fn run(
    db: &DatabaseConnection,
    context: &OperatorContext,
    command: OperatorCommand,
) -> Result<String, String> {
    match command {
        OperatorCommand::User(command) => user(db, command).await,
        OperatorCommand::Org(OrgCommand::Luma {
            org,
            api_key_env,
            calendar_url,
            webhook_secret_env,
        }) => {
            let mut done = Vec::new();
            if let Some(api_key_env) = api_key_env {
                done.push(connect_luma(db, context, &org, &api_key_env, calendar_url).await?);
            }
            if let Some(secret_env) = webhook_secret_env {
                done.push(save_webhook_secret(db, context, &org, &secret_env).await?);
            }
            if done.is_empty() {
                return Err(
                    "name --api-key-env, --webhook-secret-env or both: the variables holding lu.ma's key and its webhook signing secret".into(),
                );
            }
            Ok(done.join("\n"))
        }
        OperatorCommand::Network(NetworkCommand::Luma {
            api_key_env,
            webhook_secret_env,
        }) => {
            let mut done = Vec::new();
            if let Some(api_key_env) = api_key_env {
                done.push(connect_network(db, context, &api_key_env).await?);
            }
            if let Some(secret_env) = webhook_secret_env {
                let secret = env_value("--webhook-secret-env", &secret_env)?;
                network::save_webhook_secret(
                    &importer(db, context)?,
                    &secret,
                    ChangedBy::CommandLine,
                )
                .await
                .map_err(cli_error)?;
                done.push(
                    "the lu.ma organization's webhooks signed with that secret are taken at /webhooks/luma/network"
                        .to_owned(),
                );
            }
            if done.is_empty() {
                return Err("name --api-key-env, --webhook-secret-env or both".into());
            }
            Ok(done.join("\n"))
        }
        OperatorCommand::Network(NetworkCommand::Sync) => sync_network(db, context).await,
        OperatorCommand::Org(OrgCommand::Ical { org, url, timezone }) => {
            connect_feed(db, context, &org, &url, &timezone).await
        }
        OperatorCommand::Org(OrgCommand::Add {
            slug,
            name,
            description,
        }) => add_org(db, &slug, &name, &description).await,
        OperatorCommand::Member(command) => member(db, command).await,
        OperatorCommand::Sync { org } => sync(db, context, org).await,
        OperatorCommand::Clashes { org } => clashes(db, &org).await,
        OperatorCommand::Backup { file } => {
            let copy = convene::store::backup::sqlite_copy(db, &file)
                .await
                .map_err(|err| err.to_string())?;
            Ok(format!(
                "backed up the store to {} ({} bytes); keep CONVENE_SECRET_KEY with it",
                copy.file.display(),
                copy.bytes
            ))
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account. The password comes from CONVENE_PASSWORD or stdin.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// May create organizations and act as admin of any organization.
        #[arg(long)]
        site_admin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Create an organization.
    Add {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Connect an organization to its lu.ma calendar, or save lu.ma's webhook signing secret
    /// for it. Both are read from the environment variables you name (never from the command
    /// line); the key is checked with lu.ma first.
    Luma {
        #[arg(long)]
        org: String,
        /// The environment variable holding the lu.ma API key.
        #[arg(long)]
        api_key_env: Option<String>,
        /// The environment variable holding the signing secret (whsec_…) of the webhook made on
        /// lu.ma for https://<your site>/webhooks/luma/<org>.
        #[arg(long)]
        webhook_secret_env: Option<String>,
        /// The calendar's page (https://lu.ma/<slug> or https://luma.com/<slug>) or its cal-… id
        /// [default: the calendar lu.ma names for the key].
        #[arg(long)]
        calendar_url: Option<String>,
    },
    /// Import an organization's events from an iCal feed (no lu.ma API key needed). The feed is
    /// fetched and read first; run `convene sync` to import.
    Ical {
        #[arg(long)]
        org: String,
        /// The feed's address, or a lu.ma calendar id (cal-…) for lu.ma's public feed.
        #[arg(long)]
        url: String,
        /// IANA zone the events show in when the feed gives only UTC times (lu.ma's do).
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum NetworkCommand {
    /// Connect the network's lu.ma organization: the key is read from the environment variable
    /// you name, checked by listing the organization's calendars, and stored sealed; each
    /// calendar is linked to an organization by calendar id, then slug, and the missing ones
    /// are created.
    Luma {
        /// The environment variable holding the lu.ma organization key.
        #[arg(long)]
        api_key_env: Option<String>,
        /// The environment variable holding the signing secret (whsec_…) of the lu.ma
        /// organization's webhook for https://<your site>/webhooks/luma/network.
        #[arg(long)]
        webhook_secret_env: Option<String>,
    },
    /// Import every calendar of the lu.ma organization now, through its one list.
    Sync,
}

#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    /// Add an existing user to an organization.
    Add {
        /// The organization's slug.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// Make them an admin of the organization.
        #[arg(long)]
        admin: bool,
    },
}

/// Opens and migrates the store the commands write to.
pub async fn open_store(database_url: &str) -> Result<DatabaseConnection, String> {
    let db = store::connect(database_url)
        .await
        .map_err(|err| format!("DATABASE_URL: cannot open the store: {err}"))?;
    store::migrate(&db)
        .await
        .map_err(|err| format!("migrations failed: {err}"))?;
    Ok(db)
}

async fn user(db: &DatabaseConnection, command: UserCommand) -> Result<String, String> {
    let UserCommand::Add {
        email,
        name,
        site_admin,
    } = command;
    let email = Email::parse(&email).map_err(cli_error)?;
    let display_name = DisplayName::parse(&name).map_err(cli_error)?;
    let password = Password::parse_new(read_password(&email)?).map_err(cli_error)?;
    let user = users::create(
        db,
        NewUser {
            email,
            display_name,
            password,
            is_site_admin: site_admin,
        },
    )
    .await
    .map_err(cli_error)?;
    Ok(format!(
        "created user {} ({}, id {}){}",
        user.email,
        user.display_name,
        user.id,
        if user.is_site_admin {
            ", site admin"
        } else {
            ""
        }
    ))
}

async fn add_org(
    db: &DatabaseConnection,
    slug: &str,
    name: &str,
    description: &str,
) -> Result<String, String> {
    let new = NewOrganization::parse(slug, name, description).map_err(cli_error)?;
    let org = organizations::create(db, new).await.map_err(cli_error)?;
    Ok(format!(
        "created organization {} ({}, id {}); add an admin with `convene member add --org {} --email … --admin`",
        org.slug, org.name, org.id, org.slug
    ))
}

async fn member(db: &DatabaseConnection, command: MemberCommand) -> Result<String, String> {
    let MemberCommand::Add { org, email, admin } = command;
    let email = Email::parse(&email).map_err(cli_error)?;
    let organization = organizations::find_by_slug(db, org.trim())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("--org: no organization with slug {:?}", org.trim()))?;
    let user = users::find_by_email(db, &email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("--email: no user with email {email}; create one with `convene user add`")
        })?;
    if user.email_confirmed_at.is_none() {
        return Err(format!(
            "--email: {email} has not confirmed its address yet; only a confirmed account can be made a member or admin"
        ));
    }
    let role = if admin { Role::Admin } else { Role::Member };
    // A follower is promoted; anyone else is added.
    match memberships::role_of(db, user.id, organization.id)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(Role::Follower) => memberships::set_role(db, user.id, organization.id, role).await,
        _ => memberships::add(db, user.id, organization.id, role).await,
    }
    .map_err(cli_error)?;
    Ok(format!(
        "added {} to {} as {role}",
        user.email, organization.slug
    ))
}

async fn find_org(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<organizations::Organization, String> {
    organizations::find_by_slug(db, slug.trim())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("--org: no organization with slug {:?}", slug.trim()))
}

/// The command line's words for the input a core refusal is about (its flags, where the web
/// form has field names).
fn flag(field: InputField) -> &'static str {
    match field {
        InputField::FeedUrl => "--url",
        InputField::Calendar => "--calendar-url",
        InputField::ApiKey => "--api-key-env",
        InputField::WebhookSecret => "--webhook-secret-env",
        InputField::Timezone => "--timezone",
        InputField::Slug => "--slug",
        InputField::Name | InputField::DisplayName => "--name",
        InputField::Description => "--description",
        InputField::Email => "--email",
        InputField::Role => "--admin",
        InputField::Membership | InputField::Organizations => "--org",
        other => other.as_str(),
    }
}

/// A core error in one line, naming the flag it is about.
fn cli_error(err: convene::Error) -> String {
    match err {
        convene::Error::Invalid { field, message }
        | convene::Error::Conflict { field, message } => {
            format!("{}: {message}", flag(field))
        }
        other => other.to_string(),
    }
}

fn importer(db: &DatabaseConnection, context: &OperatorContext) -> Result<Importer, String> {
    Ok(Importer::new(
        db.clone(),
        context.luma_client()?,
        context.secret_key.clone(),
    )
    .with_feeds(context.feeds))
}

/// The settings panel's "Save" of a feed: the same core call, so the same checks and audit line.
async fn connect_feed(
    db: &DatabaseConnection,
    context: &OperatorContext,
    slug: &str,
    url: &str,
    timezone: &str,
) -> Result<String, String> {
    let organization = find_org(db, slug).await?;
    let checked = integration::connect_feed(
        &importer(db, context)?,
        &organization,
        url,
        timezone,
        ChangedBy::CommandLine,
        chrono::Utc::now(),
    )
    .await
    .map_err(cli_error)?;
    let key_note = if organization.luma_api_key_sealed.is_some() {
        " (the lu.ma API key stays in use while it is set)"
    } else {
        ""
    };
    Ok(format!(
        "{}: iCal feed {} connected{key_note}; it holds {} events (times without a zone shown in {}). Run `convene sync --org {}` to import them.",
        organization.slug,
        convene::import::ical::fetch::shown_address(&checked.url),
        checked.events,
        checked.timezone.name(),
        organization.slug
    ))
}

/// Saves the webhook signing secret read from the variable `secret_env`.
async fn save_webhook_secret(
    db: &DatabaseConnection,
    context: &OperatorContext,
    slug: &str,
    secret_env: &str,
) -> Result<String, String> {
    let organization = find_org(db, slug).await?;
    let secret = env_value("--webhook-secret-env", secret_env)?;
    let saved = integration::save_webhook_secret(
        &importer(db, context)?,
        &organization,
        &secret,
        ChangedBy::CommandLine,
    )
    .await
    .map_err(cli_error)?;
    Ok(format!(
        "{} takes lu.ma webhooks signed with that secret at /webhooks/luma/{}",
        saved.slug, saved.slug
    ))
}

/// The settings panel's "Save" of a key: checked with lu.ma, which names the calendar.
async fn connect_luma(
    db: &DatabaseConnection,
    context: &OperatorContext,
    slug: &str,
    api_key_env: &str,
    calendar_url: Option<String>,
) -> Result<String, String> {
    let organization = find_org(db, slug).await?;
    let key = env_value("--api-key-env", api_key_env)?;
    let saved = integration::save(
        &importer(db, context)?,
        &organization,
        IntegrationForm {
            calendar: calendar_url.unwrap_or_default(),
            api_key: Some(key),
        },
        ChangedBy::CommandLine,
    )
    .await
    .map_err(cli_error)?;
    Ok(format!(
        "connected {} to the lu.ma calendar \"{}\" ({}); the key ends in …{}. Import now with `convene sync --org {}`",
        saved.slug,
        saved.luma_calendar_name.as_deref().unwrap_or("?"),
        saved.luma_calendar_id.as_deref().unwrap_or("?"),
        saved.luma_api_key_last_four.as_deref().unwrap_or("?"),
        saved.slug
    ))
}

/// Saves the lu.ma organization key and links its calendars.
async fn connect_network(
    db: &DatabaseConnection,
    context: &OperatorContext,
    api_key_env: &str,
) -> Result<String, String> {
    let key = env_value("--api-key-env", api_key_env)?;
    let (network, linked) = network::connect(
        &importer(db, context)?,
        &key,
        None,
        ChangedBy::CommandLine,
        chrono::Utc::now(),
    )
    .await
    .map_err(cli_error)?;
    let mut lines = vec![format!(
        "connected the lu.ma organization (key ends in …{}): {} calendars",
        network.api_key_last_four,
        linked.len()
    )];
    for calendar in &linked {
        let how = match calendar.by {
            network::LinkedBy::CalendarId => "already linked",
            network::LinkedBy::Slug => "linked by slug",
            network::LinkedBy::Created => "created",
        };
        lines.push(format!(
            "  {} ({}): {how}",
            calendar.slug, calendar.calendar_id
        ));
    }
    lines.push("Import now with `convene network sync`".into());
    Ok(lines.join("\n"))
}

/// The value of the environment variable `name` given by `flag`, which must be set.
fn env_value(flag: &str, name: &str) -> Result<String, String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| format!("{flag}: the environment variable {name} is not set"))
}

/// One run over the organization key: every calendar through its one list.
async fn sync_network(
    db: &DatabaseConnection,
    context: &OperatorContext,
) -> Result<String, String> {
    let run = network::run(
        &importer(db, context)?,
        SyncTrigger::Cli,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| e.to_string())?
    .ok_or("no lu.ma organization key is saved; save one with `convene network luma`")?;
    let mut lines = Vec::new();
    let mut failed = 0;
    for (slug, report) in &run.runs {
        match report {
            Ok(report) => {
                if report.outcome != SyncOutcome::Ok {
                    failed += 1;
                }
                lines.push(run_line(slug, report));
            }
            Err(err) => {
                failed += 1;
                lines.push(format!("{slug}: {err}"));
            }
        }
    }
    for left in &run.left {
        lines.push(format!(
            "{} ({}) left the lu.ma organization: {} events hidden",
            left.slug, left.calendar_id, left.events_hidden
        ));
    }
    lines.push(format!(
        "{} calendars through the organization list ({} lu.ma requests for the lists)",
        run.runs.len(),
        run.requests_made
    ));
    if failed > 0 {
        lines.push(format!(
            "{failed} of {} calendars did not sync",
            run.runs.len()
        ));
        return Err(lines.join("\n"));
    }
    Ok(lines.join("\n"))
}

/// One organization's run as `convene sync` prints it.
fn run_line(slug: &str, report: &convene::import::sync::SyncReport) -> String {
    let counts = &report.counts;
    let mut line = format!(
        "{}: {} — {} created, {} updated, {} removed, {} unchanged ({} lu.ma requests)",
        slug,
        report.outcome.as_str(),
        counts.created,
        counts.updated,
        counts.removed,
        counts.unchanged,
        counts.requests_made
    );
    if let Some(message) = &report.message {
        line.push_str(": ");
        line.push_str(message);
    }
    line
}

async fn sync(
    db: &DatabaseConnection,
    context: &OperatorContext,
    slug: Option<String>,
) -> Result<String, String> {
    let organizations = match slug {
        Some(slug) => vec![find_org(db, &slug).await?],
        None => organizations::list_all(db)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|org| org.imports_events())
            .collect(),
    };
    if organizations.is_empty() {
        return Ok(
            "no organization is connected to lu.ma; connect one with `convene org luma`".into(),
        );
    }
    let importer = importer(db, context)?;
    let mut lines = Vec::new();
    let mut failed = 0;
    for org in &organizations {
        let report = importer
            .run_org_sync(org.id, SyncTrigger::Cli, chrono::Utc::now())
            .await
            .map_err(|e| e.to_string())?;
        if report.outcome != SyncOutcome::Ok {
            failed += 1;
        }
        lines.push(run_line(&org.slug, &report));
    }
    if failed > 0 {
        lines.push(format!(
            "{failed} of {} organizations did not sync",
            organizations.len()
        ));
        return Err(lines.join("\n"));
    }
    Ok(lines.join("\n"))
}

/// The new user's password: `CONVENE_PASSWORD`, else a prompt without echo on a terminal,
/// else the first line of stdin (for scripts: `printf '%s\n' "$pw" | convene user add …`).
fn read_password(email: &Email) -> Result<String, String> {
    if let Ok(password) = std::env::var(PASSWORD_VAR) {
        return Ok(password);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("Password for {email}: "))
            .map_err(|err| format!("password: cannot read it from the terminal: {err}"));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|err| format!("password: cannot read stdin: {err}"))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        return Err(format!(
            "password: set {PASSWORD_VAR} or pass the password on stdin"
        ));
    }
    Ok(password.to_owned())
}

/// The clash radar as lines: the operator sees what a site admin sees.
async fn clashes(db: &DatabaseConnection, slug: &str) -> Result<String, String> {
    use convene::rules::visibility::Audience;

    let organization = convene::store::organizations::find_by_slug(db, slug.trim())
        .await
        .map_err(|err| err.to_string())?
        .ok_or_else(|| format!("no organization with the slug {slug:?}"))?;
    let radar = convene::insights::clashes::radar(
        db,
        &organization,
        &Audience::site_admin(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|err| err.to_string())?;
    if radar.clashes.is_empty() {
        return Ok(format!(
            "no clashes ahead for {} (window {} minutes)",
            organization.slug, radar.window_minutes
        ));
    }
    let mut lines: Vec<String> = radar
        .clashes
        .iter()
        .map(|clash| {
            format!(
                "{} ({}): {}{}",
                clash.event_title,
                clash.event_when,
                clash.summary,
                if clash.known { " [we know]" } else { "" }
            )
        })
        .collect();
    if radar.left_out > 0 {
        lines.push(format!("… and {} more", radar.left_out));
    }
    Ok(lines.join("\n"))
}
