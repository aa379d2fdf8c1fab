//! iCalendar feeds: fetching an organization's public feed safely and reading it into events,
//! for calendars without an API key.

pub mod connect;
pub mod feed;
pub mod fetch;
pub mod prescan;
pub mod zones;
