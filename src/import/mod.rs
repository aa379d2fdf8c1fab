//! Events in: lu.ma's API and iCal feeds read into the store. An organization's connection
//! (`integration`), a lu.ma organization key for many calendars (`network`), one sync run
//! (`sync`), the refresh a page asks for (`refresh`), the daily import (`schedule`), lu.ma's
//! signed webhooks (`webhooks`) and the topics read from events' tags.

pub mod ical;
pub mod integration;
pub mod luma;
pub mod network;
pub mod refresh;
pub mod schedule;
pub mod sync;
pub mod topics;
pub mod webhooks;
