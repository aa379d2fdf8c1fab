//! Logging: one `tracing` subscriber for the whole process, filtered by `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// Used by the server when `RUST_LOG` is unset: our own events and each request's outcome.
pub const SERVER_FILTER: &str = "info,tower_http=info";
/// Used by one-shot commands: their output is the result line; only problems are logged, and
/// the audit line of every change (the same lines the settings panel writes).
pub const COMMAND_FILTER: &str = "warn,audit=info";

/// How log lines are written (`CONVENE_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event (the default).
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogFormat {
    /// `CONVENE_LOG_FORMAT`: `text` (or unset) or `json`.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("CONVENE_LOG_FORMAT").as_deref() {
            Err(_) | Ok("") | Ok("text") => Ok(Self::Text),
            Ok("json") => Ok(Self::Json),
            Ok(other) => Err(format!(
                "CONVENE_LOG_FORMAT: {other:?} is not a log format; use text or json"
            )),
        }
    }
}

/// Logs go to stderr, so a command's stdout holds only its result.
pub fn init(default_filter: &str) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => {
            EnvFilter::try_new(&directives).map_err(|err| format!("RUST_LOG: {err}"))?
        }
        _ => EnvFilter::new(default_filter),
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match LogFormat::from_env()? {
        LogFormat::Json => logs.json().try_init(),
        // Colours only for a person at a terminal; files and journals get plain text.
        LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
    installed.map_err(|err| format!("logging: {err}"))
}
