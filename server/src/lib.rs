//! The `convene` server: settings, start-up, routes and the command line. `main.rs` only calls
//! [`cli::run`].

pub mod assets;
pub mod cli;
pub mod embed;
pub mod exporter;
pub mod fake_luma;
pub mod feeds;
pub mod operator;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod unsubscribe;
pub mod web;

/// mimalloc for every binary linking the server (the `convene` binary, its tests and benches):
/// rendering a page allocates a great deal, and under load glibc's malloc took about a quarter
/// of the CPU of a dashboard render (`perf`, issue #16).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
