//! The dashboard's shared event windows (issue #16): one read of a filter's upcoming events per
//! minute and change of the catalog, reused by every viewer. A window holds what any audience
//! may see (public and members-only rows); each viewer's page is then cut from it with the
//! same rules the statement applies ([`Audience::sees`], the exact time bounds), so a viewer
//! never gets a row their own statement would not have returned. A window too short for a
//! viewer (members-only rows of other organizations filled it) sends that viewer to the store.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use super::query::{
    Attendance, DashboardEvent, DashboardPage, DashboardQuery, LONGEST_EVENT, PAGE_SIZE, page_of,
    statement,
};
use crate::Error;
use crate::cache::{CachedReads, Kept, Shelf, minute_of};
use crate::rules::visibility::Audience;
use crate::store::organizations::{self, Organization};

/// The windows of the filters asked for lately, shared by every viewer (every audience's rows,
/// before the per-viewer rule): at most [`WINDOWS`], weighing [`WINDOWS_BYTES`] together.
pub struct Windows;
pub const WINDOWS: usize = 2_000;
const WINDOWS_BYTES: usize = 64 * 1024 * 1024;

impl Kept for Windows {
    type Held = Shelf<WindowKey, std::sync::Arc<Window>>;
    fn build() -> Self::Held {
        Shelf::weighed(
            WINDOWS,
            WINDOWS_BYTES,
            |_, window: &std::sync::Arc<Window>| window.weight(),
        )
        .named("windows")
    }
}

/// Rows a window keeps: a page for every viewer whose organizations' members-only events are
/// not more than three pages' worth of the first rows.
const WINDOW_ROWS: u64 = 4 * PAGE_SIZE;

/// What makes two requests' windows the same: the filters, and the minute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WindowKey {
    organizations: Vec<String>,
    text: Option<String>,
    attendance: Attendance,
    topic: Option<String>,
    /// The city as looked up for the viewer's audience (another audience may find other
    /// spellings or venues, and so another window).
    near: Option<crate::places::near::Near>,
    after: Option<(i64, i64)>,
    from_minute: i64,
    until_minute: i64,
}

/// The rows every audience of one filter may see, in page order, and the organizations the
/// filter named.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    chosen: Vec<Organization>,
    rows: Vec<DashboardEvent>,
    /// No row matches after the last one kept.
    complete: bool,
}

fn start_of_minute(minute: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(minute.checked_mul(60)?, 0)
}

impl WindowKey {
    fn of(query: &DashboardQuery) -> Self {
        Self {
            organizations: query.organizations.clone(),
            text: query.text.clone(),
            attendance: query.attendance,
            topic: query.topic.clone(),
            near: query.near_area.clone(),
            after: query
                .after
                .map(|cursor| (cursor.start_at.timestamp_millis(), cursor.id)),
            from_minute: minute_of(query.from),
            // The minute after the one `until` falls in: the window reaches past it.
            until_minute: minute_of(query.until).saturating_add(1),
        }
    }
}

impl Window {
    /// What the window holds in memory, near enough for a cache's byte budget.
    pub fn weight(&self) -> usize {
        let text = |value: &Option<String>| value.as_ref().map_or(0, String::len);
        let rows: usize = self
            .rows
            .iter()
            .map(|row| {
                std::mem::size_of::<DashboardEvent>()
                    + row.external_id.len()
                    + row.title.len()
                    + row.timezone.len()
                    + text(&row.cover_url)
                    + text(&row.event_url)
                    + text(&row.location_text)
                    + text(&row.public_id)
                    + text(&row.city)
                    + row.org_slug.len()
                    + row.org_name.len()
            })
            .sum();
        rows + self.chosen.len() * 512
    }

    /// One statement (two when the filter names organizations): the filter's rows for every
    /// audience, over whole minutes around the query's bounds.
    async fn read(
        db: &impl ConnectionTrait,
        query: &DashboardQuery,
        key: &WindowKey,
    ) -> Result<Self, Error> {
        let mut wide = query.clone();
        let chosen = if query.organizations.is_empty() {
            Vec::new()
        } else {
            let chosen = organizations::matching(db, &query.organizations).await?;
            if chosen.is_empty() {
                // Only unknown organizations asked for: nothing matches (not "everything").
                return Ok(Self {
                    chosen,
                    rows: Vec::new(),
                    complete: true,
                });
            }
            wide.organizations = chosen.iter().map(|org| org.slug.clone()).collect();
            wide.organization_ids = chosen.iter().map(|org| org.id).collect();
            chosen
        };
        if let (Some(from), Some(until)) = (
            start_of_minute(key.from_minute),
            start_of_minute(key.until_minute),
        ) {
            wide.from = from;
            wide.until = until;
        }
        wide.audience = Audience::site_admin();
        wide.limit = WINDOW_ROWS;
        let mut rows = statement(&wide)
            .into_model::<DashboardEvent>()
            .all(db)
            .await?;
        let complete = rows.len() as u64 <= WINDOW_ROWS;
        rows.truncate(usize::try_from(WINDOW_ROWS).unwrap_or(usize::MAX));
        Ok(Self {
            chosen,
            rows,
            complete,
        })
    }

    /// The page the query's own statement would return, or `None` when this window ends
    /// before the page does.
    fn page_for(&self, query: &DashboardQuery) -> Option<DashboardPage> {
        let earliest_start = query
            .from
            .checked_sub_signed(Duration::days(LONGEST_EVENT))?;
        let wanted = usize::try_from(query.limit).ok()?.saturating_add(1);
        let events: Vec<DashboardEvent> = self
            .rows
            .iter()
            .filter(|row| {
                row.start_at >= earliest_start
                    && row.start_at < query.until
                    && row.end_at > query.from
                    && query.audience.sees(row.organization_id, row.visibility)
            })
            .take(wanted)
            .cloned()
            .collect();
        if events.len() < wanted && !self.complete {
            return None;
        }
        Some(page_of(events, query.limit))
    }
}

/// The organizations the filter named and the viewer's page: from this minute's window of the
/// filter, read once per change of the catalog.
pub(super) async fn chosen_and_page(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    query: &DashboardQuery,
) -> Result<(Vec<Organization>, DashboardPage), Error> {
    let key = WindowKey::of(query);
    let window = reads
        .caches
        .kept::<Windows>()
        .get_or_read(key.clone(), reads.catalog_tag(), || async {
            Ok(std::sync::Arc::new(Window::read(db, query, &key).await?))
        })
        .await?;
    let page = match window.page_for(query) {
        Some(page) => page,
        None => {
            let mut own = query.clone();
            if !window.chosen.is_empty() {
                own.organizations = window.chosen.iter().map(|org| org.slug.clone()).collect();
                own.organization_ids = window.chosen.iter().map(|org| org.id).collect();
            }
            super::query::upcoming(db, &own).await?
        }
    };
    Ok((window.chosen.clone(), page))
}
