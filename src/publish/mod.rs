//! What Convene publishes on the open web: iCalendar feeds (an organization's, a topic's, a
//! member's personal one), Atom feeds, the embeddable widget, the newsletter text and the
//! sitemap. Public events only, except a member's own personal feed.

pub mod atom;
pub mod feed_cache;
pub mod ics;
pub mod newsletter;
pub mod personal_feed;
pub mod sitemap;
pub mod widget;
