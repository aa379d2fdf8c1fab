//! SeaORM entities, one file per table.

pub mod account_token;
pub mod change_counter;
pub mod event;
pub mod event_description;
pub mod event_topic;
pub mod feed_token;
pub mod known_clash;
pub mod lease;
pub mod luma_network;
pub mod luma_webhook_delivery;
pub mod mail_message;
pub mod membership;
pub mod membership_invitation;
pub mod membership_request;
pub mod organization;
pub mod session;
pub mod sign_in_failure;
pub mod sync_run;
pub mod topic_rule;
pub mod trip;
pub mod user;
