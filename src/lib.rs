//! Convene's domain core: the store, secrets at rest, and the lu.ma import engine. No UI.
//!
//! Everything here compiles for the server only; the `app` crate uses it under its `ssr` feature.

pub mod access;
pub mod accounts;
pub mod atom;
pub mod bounds;
pub mod cache;
pub mod client_address;
pub mod client_limit;
pub mod dashboard;
#[cfg(any(test, feature = "fake-luma"))]
pub mod demo;
pub mod error;
pub mod feed_cache;
pub mod ical;
pub mod integration;
pub mod joining;
pub mod luma;
pub mod mail;
pub mod markdown;
pub mod newsletter;
pub mod observed;
pub mod read_models;
pub mod refresh;
pub mod same_origin;
pub mod schedule;
pub mod secrets;
pub mod slug;
pub mod store;
pub mod sync;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod timefmt;
pub mod topics;
pub mod visibility;
pub mod widget;

pub use error::{Error, Result};
