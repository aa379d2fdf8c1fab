//! The `convene` server: `http/` (routes, assets, feeds and the other answers that are not
//! Leptos pages), `cli/` (the command line and its operator commands), and beside them the
//! settings, start-up and logging. `main.rs` only calls [`cli::run`].

pub mod cli;
pub mod http;
pub mod settings;
pub mod startup;
pub mod telemetry;

/// mimalloc for every binary linking the server (the `convene` binary, its tests and benches):
/// rendering a page allocates a great deal, and under load glibc's malloc took about a quarter
/// of the CPU of a dashboard render (`perf`, issue #16).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
