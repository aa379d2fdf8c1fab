//! lu.ma: the read-only API client, what its API sends normalised into the events Convene
//! stores, and a fake lu.ma for tests and the demo. (The sync arrives in a later increment.)

pub mod client;
#[cfg(any(test, feature = "fake-luma"))]
pub mod fake;
pub mod model;
#[cfg(test)]
mod tests;
