//! Planning a run: what a complete fetch means for the stored events (new, changed, back,
//! unchanged, vanished from the window), and whether storing it stays within the organization's
//! ceilings. Nothing here writes.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};

use super::{Importer, RunFailure, SyncCounts, SyncFailure};
use crate::Error;
use crate::import::luma::model::ImportedEvent;
use crate::rules::visibility::Visibility;
use crate::store::entities::{event, sync_run};
use crate::store::{descriptions, usage};

/// Which events a complete fetch lists, so those stored in the same window and missing from it
/// are known to be gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Listed {
    /// Those starting at or after this (lu.ma's API filters on the start): an event still
    /// going on that started earlier is checked on its own (`sync::luma`).
    StartingAfter(DateTime<Utc>),
    /// Those ending after this (a feed holds everything; we read what is not over), which
    /// includes events still going on.
    EndingAfter(DateTime<Utc>),
    /// Only the events fetched (a webhook's): absence says nothing, so nothing vanishes but an
    /// event that turned private.
    OnlyThese,
}

impl Listed {
    fn after(self) -> Option<DateTime<Utc>> {
        match self {
            Listed::StartingAfter(after) | Listed::EndingAfter(after) => Some(after),
            Listed::OnlyThese => None,
        }
    }

    fn holds(self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        match self {
            Listed::StartingAfter(after) => start >= after,
            Listed::EndingAfter(after) => start >= after || end > after,
            Listed::OnlyThese => false,
        }
    }
}

/// An empty answer for a calendar holding at least this many live events is not believed.
pub(super) const SUSPICIOUS_EMPTY_MIN: u64 = 3;

/// What a complete fetch means for the stored events.
enum Reconciled {
    /// The changes, and the live events inside the window that the fetch no longer has.
    Plan {
        changes: Vec<Change>,
        vanished: Vec<i64>,
        /// Private events the fetch held, left out.
        skipped_private: u32,
        /// What storing the changes adds to the organization's store.
        growth: Growth,
    },
    /// The answer is not believed (see [`SUSPICIOUS_EMPTY_MIN`]); nothing may change.
    Suspicious(RunFailure),
}

/// What a run would add to an organization's store, checked against its ceilings before
/// anything is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Growth {
    /// New rows.
    events: u64,
    /// Counted bytes ([`crate::store::usage`]): new rows, changed rows' growth, new texts.
    bytes: u64,
}

pub(super) enum Change {
    New(ImportedEvent),
    Changed(i64, ImportedEvent),
    /// Back after being removed, with the same list fields.
    Reappeared(i64),
    Unchanged(i64),
}

impl Importer {
    /// What a complete fetch changes: reconciled with the stored events and checked against
    /// the organization's ceilings (the private events it held are counted in `counts`). A
    /// disbelieved answer or one past a ceiling fails the run, and nothing is written.
    pub(super) async fn plan(
        &self,
        organization_id: i64,
        window: Listed,
        fetched: Vec<ImportedEvent>,
        with_descriptions: bool,
        counts: &mut SyncCounts,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Change>, Vec<i64>), RunFailure> {
        match self
            .reconcile(organization_id, window, fetched, with_descriptions)
            .await
            .map_err(RunFailure::store)?
        {
            Reconciled::Plan {
                changes,
                vanished,
                skipped_private,
                growth,
            } => {
                counts.skipped_private = skipped_private;
                self.check_quota(organization_id, growth, now).await?;
                Ok((changes, vanished))
            }
            Reconciled::Suspicious(why) => Err(why),
        }
    }

    /// Compares a complete fetch with what is stored. Events are matched by id alone, so an
    /// organization moving between its feed and the API keeps one copy of each. Feeds carry
    /// their descriptions, so for them a changed description is a change too.
    async fn reconcile(
        &self,
        organization_id: i64,
        window: Listed,
        fetched: Vec<ImportedEvent>,
        with_descriptions: bool,
    ) -> Result<Reconciled, Error> {
        let in_window = |row: &event::Model| window.holds(row.start_at, row.end_at);
        let fetched = last_copy_of_each(fetched);
        let fetched_any = !fetched.is_empty();
        let (private, fetched): (Vec<_>, Vec<_>) = fetched
            .into_iter()
            .partition(|event| event.visibility == Visibility::Private);
        let skipped_private = u32::try_from(private.len()).unwrap_or(u32::MAX);
        let private_ids: HashSet<String> = private.into_iter().map(|e| e.external_id).collect();
        let stored = self
            .stored_for_window(organization_id, window, &fetched, &private_ids)
            .await?;
        let live_in_window = stored
            .values()
            .filter(|e| {
                e.removed_at.is_none() && window.after().is_some_and(|after| e.start_at >= after)
            })
            .count() as u64;
        // Only an answer with no events at all is suspicious; one whose events all turned
        // private is believed (they leave the pages).
        if !fetched_any && live_in_window >= SUSPICIOUS_EMPTY_MIN {
            return Ok(Reconciled::Suspicious(RunFailure::new(
                SyncFailure::Suspicious,
                format!(
                    "the calendar returned no events although {live_in_window} were stored; nothing was removed, the next run will check again"
                ),
            )));
        }
        let fetched_ids: HashSet<String> = fetched.iter().map(|e| e.external_id.clone()).collect();
        let vanished: Vec<i64> = stored
            .values()
            .filter(|row| {
                row.removed_at.is_none()
                    && ((in_window(row) && !fetched_ids.contains(&row.external_id))
                        || private_ids.contains(&row.external_id))
            })
            .map(|row| row.id)
            .collect();
        let stored_digests = if with_descriptions {
            descriptions::digests(
                &self.db,
                stored.values().filter_map(|row| row.description_id),
            )
            .await?
        } else {
            HashMap::new()
        };
        let digest_of = |row: &event::Model| {
            row.description_id
                .and_then(|id| stored_digests.get(&id))
                .map(String::as_str)
        };
        let mut digests = descriptions::Digests::default();
        let mut growth = Growth::default();
        let mut texts: Vec<&str> = Vec::new();
        let mut changes = Vec::with_capacity(fetched.len());
        for event in fetched {
            let digest = event.description_md.as_deref().map(|text| digests.of(text));
            let change = match stored.get(&event.external_id) {
                None => {
                    growth.events += 1;
                    growth.bytes += usage::of_imported(&event);
                    Change::New(event)
                }
                Some(row)
                    if row.content_hash != event.content_hash()
                        || (with_descriptions && digest_of(row) != digest.as_deref()) =>
                {
                    growth.bytes +=
                        usage::of_imported(&event).saturating_sub(usage::of_stored(row));
                    Change::Changed(row.id, event)
                }
                Some(row) if row.removed_at.is_some() => Change::Reappeared(row.id),
                Some(row) => Change::Unchanged(row.id),
            };
            changes.push(change);
        }
        for change in &changes {
            if let Change::New(event) | Change::Changed(_, event) = change {
                texts.extend(event.description_md.as_deref());
            }
        }
        growth.bytes += descriptions::unstored_bytes(&self.db, organization_id, texts).await?;
        Ok(Reconciled::Plan {
            changes,
            vanished,
            skipped_private,
            growth,
        })
    }

    /// Stored events that are in the window or were fetched (an event can move into the past),
    /// private ones included (they leave the pages).
    async fn stored_for_window(
        &self,
        organization_id: i64,
        window: Listed,
        fetched: &[ImportedEvent],
        private_ids: &HashSet<String>,
    ) -> Result<HashMap<String, event::Model>, Error> {
        let ids: Vec<&str> = fetched
            .iter()
            .map(|e| e.external_id.as_str())
            .chain(private_ids.iter().map(String::as_str))
            .collect();
        let mut condition = Condition::any();
        if let Some(after) = window.after() {
            condition = condition.add(event::Column::StartAt.gte(after));
        }
        if let Listed::EndingAfter(after) = window {
            condition = condition.add(event::Column::EndAt.gt(after));
        }
        if ids.is_empty() && window.after().is_none() {
            return Ok(HashMap::new());
        }
        if !ids.is_empty() {
            condition = condition.add(event::Column::ExternalId.is_in(ids));
        }
        let rows = event::Entity::find()
            .filter(event::Column::OrganizationId.eq(organization_id))
            .filter(condition)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (row.external_id.clone(), row))
            .collect())
    }

    /// Refuses a run that would take the organization past what it may keep or add in a day
    /// ([`Quota`]); nothing is written either way.
    async fn check_quota(
        &self,
        organization_id: i64,
        growth: Growth,
        now: DateTime<Utc>,
    ) -> Result<(), RunFailure> {
        if growth.bytes > 0 {
            let kept = usage::of_organization(&self.db, organization_id)
                .await
                .map_err(RunFailure::store)?;
            self.refuse_over_bytes(kept.bytes, growth.bytes)?;
        }
        if growth.events > 0 {
            let added_today: Option<i64> = sync_run::Entity::find()
                .select_only()
                .column_as(sync_run::Column::EventsCreated.sum(), "added")
                .filter(sync_run::Column::OrganizationId.eq(organization_id))
                .filter(sync_run::Column::StartedAt.gt(now - Duration::days(1)))
                .into_tuple()
                .one(&self.db)
                .await?
                .flatten();
            let added_today = u64::try_from(added_today.unwrap_or(0)).unwrap_or(0);
            let most = self.quota.new_events_per_day;
            if added_today + growth.events > most {
                return Err(RunFailure::new(
                    SyncFailure::OverQuota,
                    format!(
                        "the calendar brings {} new events, and {added_today} were added in the last 24 hours; an organization adds at most {most} a day, so nothing was changed. A calendar that gives its events new ids on every download looks like this; the next run after the day has passed will try again",
                        growth.events
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Refuses growth that would take an organization keeping `kept` bytes past its quota.
    pub(crate) fn refuse_over_bytes(&self, kept: u64, growth: u64) -> Result<(), RunFailure> {
        let most = self.quota.bytes;
        if kept.saturating_add(growth) <= most {
            return Ok(());
        }
        Err(RunFailure::new(
            SyncFailure::OverQuota,
            format!(
                "storing this calendar would take the organization's events to {}; an organization keeps at most {}, so nothing was changed. Shorten long descriptions or repeat fewer events; events removed from the calendar are deleted 30 days later",
                size(kept.saturating_add(growth)),
                size(most)
            ),
        ))
    }
}

/// One event per id, so a repeated id can never fail the store's unique index: the copy
/// fetched last wins (for lu.ma, the later page), in the order of first appearance.
pub(super) fn last_copy_of_each(fetched: Vec<ImportedEvent>) -> Vec<ImportedEvent> {
    let mut position: HashMap<String, usize> = HashMap::with_capacity(fetched.len());
    let mut kept: Vec<ImportedEvent> = Vec::with_capacity(fetched.len());
    for event in fetched {
        match position.get(&event.external_id) {
            Some(&index) => kept[index] = event,
            None => {
                position.insert(event.external_id.clone(), kept.len());
                kept.push(event);
            }
        }
    }
    kept
}

/// Bytes as people read them: "16.0 MB", "3.9 KB".
fn size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let bytes = bytes as f64;
    if bytes >= KB * KB {
        format!("{:.1} MB", bytes / (KB * KB))
    } else {
        format!("{:.1} KB", bytes / KB)
    }
}
