//! The `convene` command line: parse, set up logging, check settings, then run the command.

pub mod fake_luma;
pub mod operator;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::settings::{Settings, SettingsArgs};
use crate::startup::{Application, shutdown_signal};
use crate::telemetry;
use operator::OperatorCommand;

/// Exit status for bad configuration (as `sysexits` EX_USAGE-style tools do), distinct from
/// failures at run time.
const EXIT_CONFIG: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "convene",
    version,
    about = "Convene: every organization's lu.ma events in one place"
)]
struct Cli {
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    #[command(flatten)]
    WithStore(StoreCommand),
    /// Serve a fake lu.ma API from fixture files (one JSON file per calendar), for trying
    /// Convene without a lu.ma account: point LUMA_API_BASE at the address it prints.
    FakeLuma {
        /// Port on 127.0.0.1 (0: any free port, printed at start).
        #[arg(long, default_value = "0")]
        port: u16,
        /// Directory of calendar fixtures, for example src/demo/fixtures.
        #[arg(long)]
        fixtures: PathBuf,
    },
}

/// Commands that use the store, and so the checked settings.
#[derive(Subcommand, Debug)]
enum StoreCommand {
    /// Serve the web app (the default).
    Serve,
    /// Apply pending migrations to the store, then exit.
    Migrate,
    #[command(flatten)]
    Operator(OperatorCommand),
}

pub async fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version: clap prints them; failing to write stdout is not our error.
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => return config_error(first_line(&err.render().to_string())),
    };
    let command = cli
        .command
        .unwrap_or(Command::WithStore(StoreCommand::Serve));
    let default_filter = match command {
        Command::WithStore(StoreCommand::Serve) => telemetry::SERVER_FILTER,
        _ => telemetry::COMMAND_FILTER,
    };
    if let Err(message) = telemetry::init(default_filter) {
        return config_error(&message);
    }
    let outcome = match command {
        // The fake needs no store, key or data directory; resolving settings would create them.
        Command::FakeLuma { port, fixtures } => fake_luma::serve(port, &fixtures).await,
        Command::WithStore(command) => {
            let settings = match Settings::resolve(cli.settings) {
                Ok(settings) => settings,
                Err(err) => return config_error(&err.to_string()),
            };
            match command {
                StoreCommand::Serve => serve(settings).await,
                StoreCommand::Migrate => migrate(settings).await,
                StoreCommand::Operator(command) => operate(settings, command).await,
            }
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("convene: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    tracing::info!(
        "Convene {} starting: {}",
        env!("CARGO_PKG_VERSION"),
        settings.summary()
    );
    let app = Application::build(&settings)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("listening on http://{}", app.local_addr());
    app.run_until_stopped(shutdown_signal())
        .await
        .map_err(|err| format!("server stopped with an error: {err}"))?;
    tracing::info!("stopped cleanly");
    Ok(())
}

async fn migrate(settings: Settings) -> Result<(), String> {
    operator::open_store(settings.database_url.expose()).await?;
    println!("migrations applied to {}", settings.database_url);
    Ok(())
}

/// Runs one operator command against the (migrated) store and prints what it did.
async fn operate(settings: Settings, command: OperatorCommand) -> Result<(), String> {
    let db = operator::open_store(settings.database_url.expose()).await?;
    let context = operator::OperatorContext {
        luma: settings.luma_client_config(),
        feeds: settings.feed_client_config(),
        secret_key: settings.secret_key.clone(),
    };
    let done = operator::run(&db, &context, command).await?;
    println!("{done}");
    Ok(())
}

fn config_error(message: &str) -> ExitCode {
    eprintln!("convene: configuration error: {message}");
    ExitCode::from(EXIT_CONFIG)
}

/// clap's message without its "error: " prefix and the usage lines after it.
fn first_line(rendered: &str) -> &str {
    let line = rendered.lines().next().unwrap_or(rendered);
    line.strip_prefix("error: ").unwrap_or(line)
}
