//! lu.ma: the read-only API client, what its API sends normalised into the events Convene
//! stores, and a fake lu.ma (with its fixture files) for tests and the demo.

pub mod calendar_ref;
pub mod client;
#[cfg(any(test, feature = "fake-luma"))]
pub mod fake;
#[cfg(any(test, feature = "fake-luma"))]
pub mod fixtures;
pub mod model;
#[cfg(test)]
mod tests;
