//! Logging: one `tracing` subscriber for the whole process, filtered by `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// Used by the server when `RUST_LOG` is unset: our own events and each request's outcome.
pub const SERVER_FILTER: &str = "info,tower_http=info";
/// Used by one-shot commands: their output is the result line; only problems are logged, and
/// the audit line of every change (the same lines the settings panel writes).
pub const COMMAND_FILTER: &str = "warn,audit=info";

/// Logs go to stderr, so a command's stdout holds only its result.
pub fn init(default_filter: &str) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => {
            EnvFilter::try_new(&directives).map_err(|err| format!("RUST_LOG: {err}"))?
        }
        _ => EnvFilter::new(default_filter),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only for a person at a terminal; files and journals get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init()
        .map_err(|err| format!("logging: {err}"))
}
