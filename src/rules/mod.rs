//! Who may see and do what, and how much outside input may cost: the rules every surface
//! applies the same way.

pub mod access;
pub mod bounds;
pub mod visibility;
