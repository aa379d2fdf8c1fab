//! Convene's domain core: the store, secrets at rest, the imports from lu.ma and iCal feeds, what
//! pages show and what is published. No UI. Each folder is one room:
//!
//! - `import/`: lu.ma and iCal feeds in, sync runs, page-load refresh, the daily schedule, an
//!   organization's connection;
//! - `publish/`: what goes out to the open web (iCalendar and Atom feeds, the widget, the
//!   newsletter text, the sitemap);
//! - `read_models/`: what each page shows, one module per page;
//! - `accounts/`: people, sign-up and sign-in, joining organizations, and the request checks
//!   accounts rely on (client address, same origin, limits per client);
//! - `rules/`: who may see and do what (access, visibility) and the bounds on outside input;
//! - `mail/`, `text/` (Markdown, times, slugs), `store/`, `demo/`, `testing/`;
//! - beside them: the background loops (`background`), the public address (`site`), the
//!   error, secrets, caches and metrics.
//!
//! Everything here compiles for the server only; the `app` crate uses it under its `ssr` feature.

pub mod accounts;
pub mod background;
pub mod cache;
#[cfg(any(test, feature = "fake-luma"))]
pub mod demo;
pub mod error;
pub mod i18n;
pub mod import;
pub mod insights;
pub mod mail;
pub mod observed;
pub mod places;
pub mod publish;
pub mod read_models;
pub mod rules;
pub mod secrets;
pub mod site;
pub mod store;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod text;

pub use error::{Error, Result};
