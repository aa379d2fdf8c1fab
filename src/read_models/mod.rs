//! What each page shows, built here from the store so the UI renders decided values: the
//! read models of `convene_types::views`. Server functions authorize, call one of these, and
//! return the result.

pub mod account;
pub mod dashboard;
pub mod event_page;
pub mod events;
pub mod insights;
pub mod integration;
pub mod mail;
pub mod network;
pub mod organizations;
pub mod status;
pub mod topics;
