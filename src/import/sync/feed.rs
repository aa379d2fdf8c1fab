//! A run for an organization that imports its iCal feed instead of using the API: one
//! conditional GET, the feed read into events, then the same reconciliation and store.

use chrono::{DateTime, Duration, Utc};

use super::plan::Listed;
use super::{FetchedFrom, Importer, RunFailure, SyncCounts, SyncFailure, WINDOW_PAST};
use crate::import::ical::feed::{FeedSettings, read_feed_off_thread};
use crate::import::ical::fetch::{FeedClient, Fetched, Validators};
use crate::store::entities::organization;

/// Recurring events in a feed are expanded this far ahead.
const FEED_WINDOW_AHEAD: Duration = Duration::days(366);

impl Importer {
    /// The iCal path: one conditional GET of the feed; an unchanged feed changes nothing but
    /// the time of the last sync.
    pub(super) async fn fetch_feed_and_store(
        &self,
        org: &organization::Model,
        run_id: i64,
        now: DateTime<Utc>,
        counts: &mut SyncCounts,
    ) -> Result<(), RunFailure> {
        let configuration = |why: String| RunFailure::new(SyncFailure::Configuration, why);
        let sealed = org.ical_url_sealed.as_deref().ok_or_else(|| {
            configuration("no iCal feed is configured for this organization".into())
        })?;
        let url = crate::import::ical::connect::SealedFeed::open(self.secret_key(), org.id, sealed)
            .map_err(|err| {
                tracing::error!(org = %org.slug, error = %err, "the feed address cannot be opened");
                configuration(
                    "the stored feed address cannot be read (was the secret key changed?): save the feed again".into(),
                )
            })?;
        let known = Validators {
            etag: org.ical_etag.clone(),
            last_modified: org.ical_last_modified.clone(),
        };
        let client = FeedClient::new(self.feeds)?;
        counts.requests_made = 1;
        let fetched = client.fetch(&url, &known).await?;
        counts.pages_fetched = 1;
        let (text, validators) = match fetched {
            Fetched::Unchanged => {
                let from = FetchedFrom::Feed(known);
                self.store(org, run_id, Vec::new(), &[], from, counts, now)
                    .await
                    .map_err(RunFailure::store)?;
                return Ok(());
            }
            Fetched::Feed { text, validators } => (text, validators),
        };
        let display_timezone = match org.display_timezone.as_deref() {
            None => chrono_tz::UTC,
            Some(zone) => zone.parse().map_err(|_| {
                configuration(format!(
                    "the display timezone {zone:?} is not a timezone name"
                ))
            })?,
        };
        let settings = FeedSettings {
            display_timezone,
            from: now - WINDOW_PAST,
            until: now + FEED_WINDOW_AHEAD,
        };
        // Parsing and expansion run on a blocking thread with a time limit.
        let events = read_feed_off_thread(text, settings).await?;
        let (changes, vanished) = self
            .plan(
                org.id,
                Listed::EndingAfter(settings.from),
                events,
                true,
                counts,
                now,
            )
            .await?;
        self.store(
            org,
            run_id,
            changes,
            &vanished,
            FetchedFrom::Feed(validators),
            counts,
            now,
        )
        .await
        .map_err(RunFailure::store)
    }
}
