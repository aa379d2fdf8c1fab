//! Text helpers shared by pages, feeds and mail: Markdown, times in an event's own zone, slugs.

pub mod markdown;
pub mod slug;
pub mod timefmt;
