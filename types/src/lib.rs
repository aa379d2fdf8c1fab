//! What the server and the browser both speak. The core (`convene`) decides, the UI (`app`)
//! renders, and both name things with these types: the enums a page matches on and the read
//! models it shows. Nothing here touches a database or the network, so it compiles for wasm too;
//! the `sea-orm` feature (server only) maps each stored enum to the string the store holds.

mod enums;
pub mod views;

pub use enums::{
    Attendance, DashboardRange, EventSource, InputField, JoinPolicy, LocationType, MailKind,
    MailStatus, ParseError, Role, SyncFailure, SyncOutcome, SyncTrigger, TokenPurpose, Visibility,
};
