//! What only a network-wide view shows: clashes between organizations' events (`clashes`),
//! each organization's activity over time (`activity`), drawn as SVG on the server (`chart`)
//! and written as CSV (`csv`). The monthly network report is mail (`mail::network_report`).

pub mod activity;
pub mod chart;
pub mod clashes;
pub mod csv;
