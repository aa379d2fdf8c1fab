//! Integration tests: the real server on port 0 with a fresh store (SQLite, or Postgres when
//! `TEST_DATABASE_URL` is set).
#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "this binary is test code: helpers fail the test loudly"
)]

mod access_matrix;
mod accounts;
mod backup;
mod behind_nginx;
mod caching;
mod calendar_apps;
mod config;
mod dashboard;
mod delivery;
mod demo;
mod fake_luma_cli;
mod feeds;
mod health;
mod helpers;
mod hostile_feeds;
mod insights;
mod languages;
mod luma_settings;
mod mail;
mod member_mail;
mod metrics;
mod open_web;
mod operator_cli;
mod organizations;
mod pages;
mod places;
mod visibility_matrix;
mod webhooks;
