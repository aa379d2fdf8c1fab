//! The lu.ma settings panel: the form's values and the sync status, with every rule applied
//! (what can be synced, whether a saved feed is in use, whether a run is still going).

use chrono::{DateTime, NaiveTime, Utc};
use convene_types::SyncOutcome;
use convene_types::views::{FeedUse, IntegrationSettings, SyncRunView, SyncStatusView};
use sea_orm::DatabaseConnection;

use crate::Error;
use crate::import::integration;
use crate::import::schedule;
use crate::import::sync::is_running;
use crate::store::entities::organization::CalendarSource;
use crate::store::entities::sync_run;
use crate::store::organizations::Organization;
use crate::text::timefmt;

/// The whole panel.
pub async fn settings(
    db: &DatabaseConnection,
    site: &crate::site::PublicUrl,
    org: &Organization,
    daily_sync_at: Option<NaiveTime>,
    now: DateTime<Utc>,
) -> Result<IntegrationSettings, Error> {
    let source = org.calendar_source();
    let connection = match (&org.luma_calendar_id, &org.luma_calendar_name) {
        (Some(id), Some(name))
            if org.luma_network_id.is_some() && org.luma_api_key_sealed.is_none() =>
        {
            format!("Connected to “{name}” ({id}) through the network's lu.ma organization.")
        }
        (Some(id), Some(name)) => format!("Connected to “{name}” ({id})."),
        (Some(id), None) => format!("Calendar {id}; add an API key to import its events."),
        (None, _) if org.luma_calendar_url.is_some() => {
            "Calendar page saved. The embed needs the calendar's id: add an API key, or paste its cal-… id or iCal link.".to_owned()
        }
        (None, _) => "Not connected yet.".to_owned(),
    };
    let connection = if org.luma_webhook_secret_sealed.is_some() {
        format!("{connection} lu.ma's webhooks bring changes as they happen.")
    } else {
        connection
    };
    Ok(IntegrationSettings {
        slug: org.slug.clone(),
        organization_name: org.name.clone(),
        is_demo: org.is_demo,
        calendar_input: org
            .luma_calendar_url
            .clone()
            .or(org.luma_calendar_id.clone())
            .unwrap_or_default(),
        connection,
        key_last_four: org.luma_api_key_last_four.clone(),
        luma_feed_url: org
            .luma_calendar_id
            .as_ref()
            .map(|id| format!("https://api.lu.ma/ics/get?entity=calendar&id={id}")),
        feed_shown: org.ical_url_shown.clone(),
        feed_use: match source {
            CalendarSource::IcalFeed => FeedUse::Imported,
            CalendarSource::LumaApiAndFeed => FeedUse::StandingBy,
            CalendarSource::None | CalendarSource::LumaPageOnly | CalendarSource::LumaApi => {
                FeedUse::NotSaved
            }
        },
        display_timezone: org.display_timezone.clone(),
        webhook_url: site.link(&format!("/webhooks/luma/{}", org.slug)),
        webhook_secret_saved: org.luma_webhook_secret_sealed.is_some(),
        luma_connected: org.luma_calendar_id.is_some()
            || org.luma_calendar_url.is_some()
            || org.luma_api_key_sealed.is_some(),
        status: status(db, org, daily_sync_at, now).await?,
    })
}

/// The sync part alone: what the panel polls while a run is going (two small queries).
pub async fn status(
    db: &DatabaseConnection,
    org: &Organization,
    daily_sync_at: Option<NaiveTime>,
    now: DateTime<Utc>,
) -> Result<SyncStatusView, Error> {
    let status = integration::sync_status(db, org).await?;
    let runs: Vec<SyncRunView> = status
        .runs
        .into_iter()
        .map(|run| run_view(run, now))
        .collect();
    Ok(SyncStatusView {
        slug: org.slug.clone(),
        can_sync: org.imports_events(),
        running: runs
            .first()
            .is_some_and(|run| run.outcome == SyncOutcome::Running),
        last_synced: org
            .events_last_synced_at
            .map(|at| timefmt::absolute_utc(at, crate::i18n::Locale::English)),
        last_synced_relative: org
            .events_last_synced_at
            .map(|at| timefmt::relative(at, now, crate::i18n::Locale::English)),
        last_outcome: org.last_sync_outcome,
        last_message: org.last_sync_message.clone(),
        events_stored: status.events_stored,
        next_daily_run: daily_sync_at.map(|at| {
            let next = schedule::next_run_after(now, at);
            format!(
                "{} ({})",
                timefmt::absolute_utc(next, crate::i18n::Locale::English),
                timefmt::relative(next, now, crate::i18n::Locale::English)
            )
        }),
        runs,
    })
}

/// One run as the panel lists it; a run left running by a stopped process reads as
/// interrupted before housekeeping closes it.
pub fn run_view(run: sync_run::Model, now: DateTime<Utc>) -> SyncRunView {
    let outcome = if run.outcome == SyncOutcome::Running && !is_running(&run, now) {
        SyncOutcome::Interrupted
    } else {
        run.outcome
    };
    SyncRunView {
        id: run.id,
        trigger: run.trigger,
        started: timefmt::absolute_utc(run.started_at, crate::i18n::Locale::English),
        started_relative: timefmt::relative(run.started_at, now, crate::i18n::Locale::English),
        duration: run.finished_at.map(|finished| {
            let millis = (finished - run.started_at).num_milliseconds().max(0);
            format!("{:.1} s", millis as f64 / 1000.0)
        }),
        outcome,
        failure: run.failure,
        pages: run.pages_fetched,
        created: run.events_created,
        updated: run.events_updated,
        removed: run.events_removed,
        unchanged: run.events_unchanged,
        requests: run.requests_made,
        skipped_private: run.events_skipped_private,
        descriptions_wanted: run.descriptions_wanted,
        descriptions_fetched: run.descriptions_fetched,
        message: run.error_message,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};

    use super::*;

    #[test]
    fn a_run_shows_as_it_stands_and_a_stale_running_one_as_interrupted() {
        let now = Utc::now();
        // (outcome stored, started minutes ago, outcome shown)
        let cases = [
            (SyncOutcome::Running, 1, SyncOutcome::Running),
            (SyncOutcome::Running, 16, SyncOutcome::Interrupted),
            (SyncOutcome::Ok, 16, SyncOutcome::Ok),
            (SyncOutcome::Failed, 1, SyncOutcome::Failed),
            (SyncOutcome::Partial, 1, SyncOutcome::Partial),
        ];
        for (stored, minutes_ago, shown) in cases {
            let run = sync_run::Model {
                id: 1,
                organization_id: 1,
                trigger: convene_types::SyncTrigger::Daily,
                started_at: now - Duration::minutes(minutes_ago),
                finished_at: None,
                outcome: stored,
                pages_fetched: 0,
                events_created: 0,
                events_updated: 0,
                events_removed: 0,
                events_unchanged: 0,
                requests_made: 0,
                error_message: None,
                events_skipped_private: 0,
                descriptions_wanted: 0,
                descriptions_fetched: 0,
                failure: None,
            };
            assert_eq!(
                run_view(run, now).outcome,
                shown,
                "{stored} started {minutes_ago} min ago"
            );
        }
    }
}
