//! lu.ma: what its API sends, normalised into the events Convene stores. (The HTTP client, the
//! bundled fake lu.ma and the sync arrive in later increments of the import engine.)

pub mod model;
