//! Logging: one `tracing` subscriber for the whole process, filtered by `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// Used when `RUST_LOG` is unset: our own events and each request's outcome.
const DEFAULT_FILTER: &str = "info,tower_http=info";

pub fn init() -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => {
            EnvFilter::try_new(&directives).map_err(|err| format!("RUST_LOG: {err}"))?
        }
        _ => EnvFilter::new(DEFAULT_FILTER),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .try_init()
        .map_err(|err| format!("logging: {err}"))
}
