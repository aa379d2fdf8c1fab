//! Convene's schema, one migration per file, applied in the order listed here.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_organizations;
mod m20261124_000001_create_accounts;
mod m20261124_000002_create_events_and_sync_runs;
mod m20261124_000003_create_leases;
mod m20261124_000004_add_demo_and_luma_api_base;
mod m20261124_000005_add_ical_feed;
mod m20261124_000006_create_feed_tokens;
mod m20261130_000001_add_event_all_day;
mod m20261130_000002_event_privacy;
mod m20261130_000003_event_cross_listed;
mod m20261130_000004_sync_run_failure;
mod m20261130_000005_change_counters;
mod m20261130_000006_descriptions_later;
mod m20261130_000007_mail;
mod m20261130_000008_member_mail;
mod m20261130_000009_topics;
mod m20261206_000001_membership_approval;
mod m20261206_000002_mail_link_expiry;
mod m20261206_000003_sealed_feed_address;
mod m20261206_000004_event_descriptions;
mod m20261207_000001_luma_webhooks;
mod m20261207_000002_luma_networks;
mod m20261207_000003_import_check_mail;
mod m20261208_000001_network_insights;
mod m20261209_000001_trips;
mod m20261210_000001_user_locale;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_organizations::Migration),
            Box::new(m20261124_000001_create_accounts::Migration),
            Box::new(m20261124_000002_create_events_and_sync_runs::Migration),
            Box::new(m20261124_000003_create_leases::Migration),
            Box::new(m20261124_000004_add_demo_and_luma_api_base::Migration),
            Box::new(m20261124_000005_add_ical_feed::Migration),
            Box::new(m20261124_000006_create_feed_tokens::Migration),
            Box::new(m20261130_000001_add_event_all_day::Migration),
            Box::new(m20261130_000002_event_privacy::Migration),
            Box::new(m20261130_000003_event_cross_listed::Migration),
            Box::new(m20261130_000004_sync_run_failure::Migration),
            Box::new(m20261130_000005_change_counters::Migration),
            Box::new(m20261130_000006_descriptions_later::Migration),
            Box::new(m20261130_000007_mail::Migration),
            Box::new(m20261130_000008_member_mail::Migration),
            Box::new(m20261130_000009_topics::Migration),
            Box::new(m20261206_000001_membership_approval::Migration),
            Box::new(m20261206_000002_mail_link_expiry::Migration),
            Box::new(m20261206_000003_sealed_feed_address::Migration),
            Box::new(m20261206_000004_event_descriptions::Migration),
            Box::new(m20261207_000001_luma_webhooks::Migration),
            Box::new(m20261207_000002_luma_networks::Migration),
            Box::new(m20261207_000003_import_check_mail::Migration),
            Box::new(m20261208_000001_network_insights::Migration),
            Box::new(m20261209_000001_trips::Migration),
            Box::new(m20261210_000001_user_locale::Migration),
        ]
    }
}
