//! Read models: what each page shows, decided by the core and rendered by the UI as given.
//! Every string is ready to display; every rule (who may manage, whether an organization shows
//! events, whether a run is still going) is already applied.

mod account;
mod dashboard;
mod event_page;
mod events;
mod insights;
mod integration;
mod mail;
mod network;
mod organizations;
mod status;
mod topics;

pub use account::*;
pub use dashboard::*;
pub use event_page::*;
pub use events::*;
pub use insights::*;
pub use integration::*;
pub use mail::*;
pub use network::*;
pub use organizations::*;
pub use status::*;
pub use topics::*;
