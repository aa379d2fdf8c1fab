//! What the server and the browser both speak. The core (`convene`) decides, the UI (`app`)
//! renders, and both name things with these types: the enums a page matches on and the read
//! models it shows. Nothing here touches a database or the network, so it compiles for wasm too;
//! the `sea-orm` feature (server only) maps each stored enum to the string the store holds.

mod enums;
pub mod i18n;
pub mod views;

pub use enums::{
    Attendance, DashboardRange, EventSource, ImportSource, InputField, JoinPolicy, Locale,
    LocationType, MailKind, MailStatus, ParseError, Role, SyncFailure, SyncOutcome, SyncTrigger,
    TokenPurpose, Visibility, WebhookKind, WebhookOutcome,
};

/// "1 minute", "5 minutes": a wait as messages say it.
pub fn minutes(count: i64) -> String {
    if count == 1 {
        "1 minute".to_owned()
    } else {
        format!("{count} minutes")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_minute_is_singular() {
        assert_eq!(super::minutes(1), "1 minute");
        assert_eq!(super::minutes(15), "15 minutes");
    }
}
