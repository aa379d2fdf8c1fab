//! A run for an organization with a lu.ma API key: a window of list pages, reconciled and
//! stored at once (a new calendar's events show within seconds), then a second pass fetching the
//! descriptions of new and changed events, one `events/get` each within the request budget, in
//! small batches. An event waits for its description with `description_pending`, so a run
//! stopped half-way (a lu.ma failure, a killed process) leaves the rest to the next run.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::plan::Listed;
use super::{Fetched, FetchedFrom, Importer, RunFailure, SyncCounts, WINDOW_PAST};
use crate::import::luma::client::{ApiKey, EventList, LumaClient, LumaError, Window};
use crate::store::entities::{event, luma_network, organization, sync_run};

/// 90% of the 500 requests a minute lu.ma gives an organization key.
pub const NETWORK_BUDGET_PER_MINUTE: u32 = 450;

/// How a run reaches lu.ma for an organization: its own calendar key, or its network's
/// organization key (then its events are the organization list's for its calendar).
pub struct LumaAccess {
    pub client: LumaClient,
    pub key: ApiKey,
    pub list: EventList,
}

/// Ongoing events (started before the window) asked for one by one in a run.
const ONGOING_CHECKED_PER_RUN: u64 = 20;

impl Importer {
    /// Stored, or nothing changed and the failure says why (a disbelieved answer included).
    pub(super) async fn fetch_and_store(
        &self,
        org: &organization::Model,
        run_id: i64,
        access: &LumaAccess,
        now: DateTime<Utc>,
        counts: &mut SyncCounts,
        listed: Option<Fetched>,
    ) -> Result<(), RunFailure> {
        let LumaAccess { client, key, list } = access;
        let window = Window {
            after: now - WINDOW_PAST,
            before: None,
        };
        let (fetched, pages) = match listed {
            Some(listed) => listed,
            // Progress for "Sync now": the settings panel polls the run while it is running.
            None => {
                client
                    .fetch_window_reporting(key, *list, window, |pages| {
                        self.record_progress(run_id, pages)
                    })
                    .await?
            }
        };
        let fetched = match list {
            EventList::Calendar => fetched,
            // The whole lu.ma organization's: this calendar's part.
            EventList::Organization => of_calendar(fetched, org.luma_calendar_id.as_deref()),
        };
        counts.pages_fetched = pages;

        let (changes, mut vanished) = self
            .plan(
                org.id,
                Listed::StartingAfter(window.after),
                fetched,
                false,
                counts,
                now,
            )
            .await?;
        vanished.extend(
            self.ongoing_gone(org.id, client, key, window.after, now)
                .await
                .map_err(RunFailure::store)?,
        );

        counts.requests_made = client.requests_made();
        self.store(
            org,
            run_id,
            changes,
            &vanished,
            FetchedFrom::Api,
            counts,
            now,
        )
        .await
        .map_err(RunFailure::store)?;
        let described = self
            .fetch_descriptions(org.id, run_id, client, key, counts)
            .await;
        counts.requests_made = client.requests_made();
        described?;
        super::write::run_row(run_id, counts, Some(now))
            .update(&self.db)
            .await?;
        Ok(())
    }

    /// Events still going on that started before the window: lu.ma's list (by start) no
    /// longer shows them, so each is asked for by id, the soonest to end first, at most
    /// [`ONGOING_CHECKED_PER_RUN`]. One lu.ma no longer has, or that turned private, leaves the
    /// pages; one it cannot answer for now stays as it is.
    async fn ongoing_gone(
        &self,
        organization_id: i64,
        client: &LumaClient,
        key: &ApiKey,
        after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, crate::Error> {
        let ongoing: Vec<(i64, String)> = event::Entity::find()
            .select_only()
            .columns([event::Column::Id, event::Column::ExternalId])
            .filter(event::Column::OrganizationId.eq(organization_id))
            .filter(event::Column::RemovedAt.is_null())
            .filter(event::Column::StartAt.lt(after))
            .filter(event::Column::EndAt.gt(now))
            .order_by_asc(event::Column::EndAt)
            .limit(ONGOING_CHECKED_PER_RUN)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut gone = Vec::new();
        for (id, external_id) in ongoing {
            match client.get_event(key, &external_id).await {
                Ok(event) if event.visibility == crate::rules::visibility::Visibility::Private => {
                    gone.push(id);
                }
                Ok(_) => {}
                Err(LumaError::NotFound(_)) => gone.push(id),
                Err(err) => {
                    tracing::warn!(organization_id, error = %err, "an ongoing event could not be checked; it stays");
                    break;
                }
            }
        }
        Ok(gone)
    }

    /// Best effort: a failed progress write is logged and the sync goes on (its result is what
    /// counts, and it is recorded at the end either way).
    async fn record_progress(&self, run_id: i64, pages: u32) {
        let written = sync_run::Entity::update_many()
            .col_expr(
                sync_run::Column::PagesFetched,
                sea_orm::sea_query::Expr::value(i32::try_from(pages).unwrap_or(i32::MAX)),
            )
            .filter(sync_run::Column::Id.eq(run_id))
            .exec(&self.db)
            .await;
        if let Err(err) = written {
            tracing::warn!(run_id, error = %err, "recording sync progress failed");
        }
    }

    /// The shared client, or one aimed at the organization's own API base (the demo's fake).
    pub fn client_for(&self, org: &organization::Model) -> Result<LumaClient, String> {
        match org.luma_api_base.as_deref() {
            None => Ok(self.client.with_own_count()),
            Some(base) => url::Url::parse(base)
                .map(|base| self.client.with_base_url(base))
                .map_err(|err| {
                    format!("the organization's lu.ma API base {base:?} is not a URL: {err}")
                }),
        }
    }

    /// How a run reaches lu.ma for `org`: its own key first, else its network's organization
    /// key (with that key's larger budget).
    pub async fn luma_access(&self, org: &organization::Model) -> Result<LumaAccess, String> {
        let Some(network_id) = org
            .luma_network_id
            .filter(|_| org.luma_api_key_sealed.is_none())
        else {
            return Ok(LumaAccess {
                client: self.client_for(org)?,
                key: self.stored_key(org)?,
                list: EventList::Calendar,
            });
        };
        let network = luma_network::Entity::find_by_id(network_id)
            .one(&self.db)
            .await
            .map_err(|err| format!("reading the lu.ma organization key: {err}"))?
            .ok_or("the lu.ma organization key this organization was connected through is gone")?;
        let key = self
            .secret_key
            .open(
                &network.api_key_sealed,
                crate::secrets::Purpose::LumaNetworkKey {
                    network_id: network.id,
                },
            )
            .map_err(|err| format!("the stored lu.ma organization key cannot be read: {err}"))?;
        let client = match network
            .luma_api_base
            .as_deref()
            .or(org.luma_api_base.as_deref())
        {
            None => self.client.with_own_count(),
            Some(base) => url::Url::parse(base)
                .map(|base| self.client.with_base_url(base))
                .map_err(|err| format!("the lu.ma API base {base:?} is not a URL: {err}"))?,
        };
        Ok(LumaAccess {
            client: client.with_budget_per_minute(NETWORK_BUDGET_PER_MINUTE),
            key: ApiKey::new(key),
            list: EventList::Organization,
        })
    }

    /// The organization's stored key, opened.
    pub fn stored_key(&self, org: &organization::Model) -> Result<ApiKey, String> {
        let sealed = org
            .luma_api_key_sealed
            .as_deref()
            .ok_or("no lu.ma API key is configured for this organization")?;
        let key = self
            .secret_key
            .open(
                sealed,
                crate::secrets::Purpose::LumaApiKey {
                    organization_id: org.id,
                },
            )
            .map_err(|err| format!("the stored lu.ma API key cannot be read: {err}"))?;
        Ok(ApiKey::new(key))
    }
}

/// The events of one calendar in an organization key's list (each entry names its calendar).
fn of_calendar(
    fetched: Vec<crate::import::luma::model::ImportedEvent>,
    calendar_id: Option<&str>,
) -> Vec<crate::import::luma::model::ImportedEvent> {
    fetched
        .into_iter()
        .filter(|event| event.calendar_id.is_some() && event.calendar_id.as_deref() == calendar_id)
        .collect()
}
