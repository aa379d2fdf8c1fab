//! Operator commands on the `convene` binary: add users, organizations and memberships from the
//! shell. Each prints what it did or fails with one clear line naming the problem.

use std::io::{BufRead, IsTerminal};

use clap::Subcommand;
use convene::access::Role;
use convene::accounts::{DisplayName, Email, Password};
use convene::store::organizations::{self, NewOrganization};
use convene::store::users::{self, NewUser};
use convene::store::{self, DatabaseConnection, memberships};

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
}

/// Runs the command; the `Ok` line says what was done.
pub async fn run(db: &DatabaseConnection, command: OperatorCommand) -> Result<String, String> {
    match command {
        OperatorCommand::User(command) => user(db, command).await,
        OperatorCommand::Org(command) => org(db, command).await,
        OperatorCommand::Member(command) => member(db, command).await,
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
    let email = Email::parse(&email).map_err(|e| e.to_string())?;
    let display_name = DisplayName::parse(&name).map_err(|e| e.to_string())?;
    let password = Password::parse_new(read_password(&email)?).map_err(|e| e.to_string())?;
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
    .map_err(|e| e.to_string())?;
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

async fn org(db: &DatabaseConnection, command: OrgCommand) -> Result<String, String> {
    let OrgCommand::Add {
        slug,
        name,
        description,
    } = command;
    let new = NewOrganization::parse(&slug, &name, &description).map_err(|e| e.to_string())?;
    let org = organizations::create(db, new)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "created organization {} ({}, id {}); add an admin with `convene member add --org {} --email … --admin`",
        org.slug, org.name, org.id, org.slug
    ))
}

async fn member(db: &DatabaseConnection, command: MemberCommand) -> Result<String, String> {
    let MemberCommand::Add { org, email, admin } = command;
    let email = Email::parse(&email).map_err(|e| e.to_string())?;
    let organization = organizations::find_by_slug(db, org.trim())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("org: no organization with slug {:?}", org.trim()))?;
    let user = users::find_by_email(db, &email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("email: no user with email {email}; create one with `convene user add`")
        })?;
    let role = if admin { Role::Admin } else { Role::Member };
    memberships::add(db, user.id, organization.id, role)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "added {} to {} as {role}",
        user.email, organization.slug
    ))
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
