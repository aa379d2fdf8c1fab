//! The `convene` server: settings, start-up, routes and the command line. `main.rs` only calls
//! [`cli::run`].

pub mod assets;
pub mod cli;
pub mod fake_luma;
pub mod feeds;
pub mod operator;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod telemetry;
