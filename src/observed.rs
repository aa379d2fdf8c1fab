//! What `/metrics` reports (issue #28). Counters are recorded where things happen (requests in
//! the server, sync runs in `sync.rs`, cache lookups in `cache.rs`) through the `metrics`
//! facade, which costs nothing until a recorder is installed; the store's state (events kept,
//! mail waiting or failed, who holds each lease) is read here when the metrics are asked for.

use chrono::{DateTime, Utc};
use convene_types::MailStatus;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::Error;
use crate::store::entities::{event, lease, mail_message};

/// Sync runs by outcome and by where their events came from.
pub const SYNC_RUNS: &str = "convene_sync_runs_total";
/// Cache lookups by cache and result (hit or miss).
pub const CACHE_LOOKUPS: &str = "convene_cache_lookups_total";
/// Live events in the store.
pub const EVENTS_STORED: &str = "convene_events_stored";
/// Messages in the outbox by status (`queued`: waiting; `failed`: given up on).
pub const MAIL_OUTBOX: &str = "convene_mail_outbox";
/// 1 for each lease held now, labelled with the lease and its holder.
pub const LEASE_HELD: &str = "convene_lease_held";

/// Records one finished sync run.
pub fn sync_run(outcome: &'static str, source: &'static str) {
    metrics::counter!(SYNC_RUNS, "outcome" => outcome, "source" => source).increment(1);
}

/// Records one cache lookup.
pub fn cache_lookup(cache: &'static str, hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    metrics::counter!(CACHE_LOOKUPS, "cache" => cache, "result" => result).increment(1);
}

/// Reads the store's state into the gauges: a handful of counting statements.
pub async fn read_gauges(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), Error> {
    let events = event::Entity::find()
        .filter(event::Column::RemovedAt.is_null())
        .count(db)
        .await?;
    metrics::gauge!(EVENTS_STORED).set(events as f64);
    for status in [MailStatus::Queued, MailStatus::Failed] {
        let waiting = mail_message::Entity::find()
            .filter(mail_message::Column::Status.eq(status))
            .count(db)
            .await?;
        metrics::gauge!(MAIL_OUTBOX, "status" => status.as_str()).set(waiting as f64);
    }
    let held: Vec<(String, String)> = lease::Entity::find()
        .select_only()
        .column(lease::Column::Name)
        .column(lease::Column::Owner)
        .filter(lease::Column::ExpiresAt.gt(now))
        .into_tuple()
        .all(db)
        .await?;
    for (name, owner) in held {
        metrics::gauge!(LEASE_HELD, "lease" => name, "holder" => owner).set(1.0);
    }
    Ok(())
}
