//! iCalendar feeds: reading an organization's public feed for calendars without an API key.

pub mod feed;
