//! The HTTP surface besides the Leptos pages: the router (`routes`), static assets and
//! compression, subscribable feeds, the widget, crawler files, one-click unsubscribe, lu.ma's
//! webhooks and the metrics endpoint.

pub mod assets;
pub mod embed;
pub mod exporter;
pub mod feeds;
pub mod insights;
pub mod language;
pub mod routes;
pub mod unsubscribe;
pub mod web;
pub mod webhooks;
