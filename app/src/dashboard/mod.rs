//! The member dashboard (`/dashboard`): upcoming events across every organization, the viewer's
//! own first, filtered by what the URL says. Public: visitors see the same events without the
//! "Your orgs" split.
//!
//! Access matrix addition: `get_dashboard`, `get_organization_options` and
//! `get_dashboard_marker` answer everyone (organizations and public events are public);
//! `get_personal_feed` and `regenerate_personal_feed` answer signed-in users (401 otherwise),
//! each about their own feed only.

mod browser;
mod filters;
mod page;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
pub use page::DashboardPage;

/// The filters, as the URL query carries them (empty strings mean "not set").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFilters {
    /// Organization slugs; none means all.
    pub orgs: Vec<String>,
    /// `week`, `30` (the default), `90` or `custom`.
    pub range: String,
    /// `custom` range bounds, `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
    pub q: String,
    /// `online`, `in_person`, or empty for both.
    pub mode: String,
    /// Where the page starts (a cursor from an earlier page).
    pub after: String,
}

/// One event card; every string ready to show, in the event's own timezone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardEvent {
    /// The event's calendar file, `/events/<public id>.ics` (a random id: row ids are never
    /// published).
    pub calendar_file: Option<String>,
    pub luma_id: String,
    pub title: String,
    pub org_slug: String,
    pub org_name: String,
    /// One of the viewer's organizations.
    pub mine: bool,
    /// RFC 3339 UTC, for `<time datetime>` and for the viewer-timezone display.
    pub start_utc: String,
    pub end_utc: String,
    /// "Sat 24 Oct, 18:00 BST" ("Wed 9 Dec" for an all-day event).
    pub starts: String,
    /// "20:00" ("all day").
    pub ends: String,
    /// The whole time as the card shows it: "Sat 24 Oct, 18:00 BST – 20:00", "Wed 9 Dec, all day".
    pub when: String,
    /// Given as dates: shown as such whatever the viewer's zone.
    pub all_day: bool,
    pub timezone: String,
    /// "in 3 hours", "tomorrow".
    pub hint: String,
    /// "Today", "Tomorrow", "Sat 28 Nov": the agenda's day heading.
    pub day_label: String,
    pub location: String,
    pub online: bool,
    /// Shown to the organization's members only ("Members only").
    pub members_only: bool,
    /// `location` is the city: lu.ma shares the address with registered guests only.
    pub address_hidden: bool,
    /// Listed by `org_name`'s calendar, managed by another ("Listed from another calendar").
    pub cross_listed: bool,
    /// Other organizations listing the same lu.ma event: one card, "Hosted by A with B".
    pub also_listed_by: Vec<String>,
    pub cover_url: Option<String>,
    pub event_url: Option<String>,
    /// Google Calendar's "add this event" link.
    pub google_calendar_url: String,
}

/// An organization the page is about (one of the viewer's, or one the filter names), as the
/// filter's chips and the "not connected" lines need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationChoice {
    pub slug: String,
    pub name: String,
    pub mine: bool,
    /// The filter names it (by slug or by name).
    pub chosen: bool,
    pub viewer_is_admin: bool,
    pub calendar_connected: bool,
}

/// One entry of the "add an organization" picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationOption {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub signed_in: bool,
    /// In start order; the page groups them by section and organization, or by day.
    pub events: Vec<DashboardEvent>,
    /// The viewer's organizations and the chosen ones, by name (not every organization: the
    /// picker loads those on demand, see [`get_organization_options`]).
    pub organizations: Vec<OrganizationChoice>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// "Next 30 days", "This week", "1 Dec 2026 – 8 Dec 2026".
    pub range_label: String,
    /// Moves when a sync changes events; the page reloads its data when it does.
    pub marker: i64,
}

#[cfg(feature = "ssr")]
mod ssr {
    use chrono::{DateTime, Utc};
    use convene::Error;
    use convene::dashboard::{DashboardQuery, FilterParams};
    use convene::store::events;
    use convene::timefmt;
    use convene::visibility::Visibility;

    use super::{DashboardEvent, DashboardFilters};

    /// The query the filters ask for, and a label for its range (the core checks them).
    pub fn query(
        filters: &DashboardFilters,
        now: DateTime<Utc>,
    ) -> Result<(DashboardQuery, String), Error> {
        DashboardQuery::from_params(
            &FilterParams {
                organizations: &filters.orgs,
                range: &filters.range,
                from: &filters.from,
                to: &filters.to,
                text: &filters.q,
                mode: &filters.mode,
                after: &filters.after,
            },
            now,
        )
    }

    pub fn card(
        event: convene::dashboard::DashboardEvent,
        also_listed_by: Vec<String>,
        mine: bool,
        now: DateTime<Utc>,
    ) -> DashboardEvent {
        let zone = timefmt::zone(&event.timezone);
        let (starts, ends) =
            timefmt::start_and_end(event.start_at, event.end_at, zone, event.all_day);
        let (location, online) =
            events::place(&event.location_type, event.location_text.as_deref());
        let google_calendar_url = convene::ical::export::google_calendar_link(
            &event.title,
            event.start_at,
            event.end_at,
            event.all_day.then_some(event.timezone.as_str()),
            &location,
            event.event_url.as_deref(),
        );
        DashboardEvent {
            calendar_file: event
                .public_id
                .as_ref()
                .map(|public_id| format!("/events/{public_id}.ics")),
            members_only: Visibility::from_stored(&event.visibility) == Visibility::MembersOnly,
            address_hidden: event.address_hidden,
            cross_listed: event.cross_listed,
            also_listed_by,
            luma_id: event.external_id,
            title: event.title,
            org_slug: event.org_slug,
            org_name: event.org_name,
            mine,
            start_utc: event.start_at.to_rfc3339(),
            end_utc: event.end_at.to_rfc3339(),
            starts,
            ends,
            when: timefmt::event_span(event.start_at, event.end_at, zone, event.all_day),
            all_day: event.all_day,
            timezone: event.timezone,
            hint: timefmt::hint(event.start_at, event.end_at, now, zone),
            day_label: timefmt::day_label(event.start_at, now, zone),
            google_calendar_url,
            location,
            online,
            cover_url: events::https_only(event.cover_url),
            event_url: events::https_only(event.event_url),
        }
    }
}

#[server(input = leptos::server_fn::codec::Json)]
pub async fn get_dashboard(filters: DashboardFilters) -> Result<Dashboard, AppError> {
    use std::collections::HashMap;

    use convene::access::Role;
    use convene::dashboard;

    use crate::auth::session;
    use crate::error::respond_with;
    use crate::state::AppState;

    let state = AppState::current().map_err(respond_with)?;
    let viewer = session::actor(&state).await.map_err(respond_with)?;
    let now = chrono::Utc::now();
    let (query, range_label) = ssr::query(&filters, now).map_err(respond_with)?;
    let data = dashboard::load(&state.db, viewer, &query)
        .await
        .map_err(respond_with)?;
    let roles: HashMap<i64, Role> = data
        .mine
        .iter()
        .map(|(org, role)| (org.id, *role))
        .collect();

    // Stale-while-revalidate for the organizations this page shows.
    let mut refreshed = std::collections::HashSet::new();
    for item in &data.page.events {
        if refreshed.insert(item.organization_id)
            && let Err(err) = state.refresher.ensure_fresh(item.freshness(), now).await
        {
            tracing::warn!(org = %item.org_slug, error = %err, "page-load refresh could not start");
        }
    }

    let site_admin = viewer.is_some_and(|actor| actor.is_site_admin);
    let chosen_ids: std::collections::HashSet<i64> = data.chosen.iter().map(|org| org.id).collect();
    let mut shown: Vec<convene::store::organizations::Organization> = data
        .mine
        .into_iter()
        .map(|(org, _)| org)
        .filter(|org| !chosen_ids.contains(&org.id))
        .chain(data.chosen)
        .collect();
    shown.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(Dashboard {
        signed_in: viewer.is_some(),
        next: data.page.next.map(|cursor| cursor.encode()),
        events: dashboard::merge_cross_listed(data.page.events)
            .into_iter()
            .map(|card| {
                let mine = std::iter::once(card.event.organization_id)
                    .chain(card.also_listed_by.iter().map(|(id, _)| *id))
                    .any(|id| roles.contains_key(&id));
                let also = card
                    .also_listed_by
                    .into_iter()
                    .map(|(_, name)| name)
                    .collect();
                ssr::card(card.event, also, mine, now)
            })
            .collect(),
        organizations: shown
            .into_iter()
            .map(|org| OrganizationChoice {
                mine: roles.contains_key(&org.id),
                chosen: chosen_ids.contains(&org.id),
                viewer_is_admin: site_admin || roles.get(&org.id) == Some(&Role::Admin),
                calendar_connected: org.calendar_source().shows_events(),
                slug: org.slug,
                name: org.name,
            })
            .collect(),
        range_label,
        marker: data.marker,
    })
}

/// Every organization's slug and name, for the filter's picker (loaded when it is opened).
#[server]
pub async fn get_organization_options() -> Result<Vec<OrganizationOption>, AppError> {
    use crate::error::respond_with;
    use crate::state::AppState;

    let state = AppState::current().map_err(respond_with)?;
    let choices = convene::store::organizations::choices(&state.db)
        .await
        .map_err(respond_with)?;
    Ok(choices
        .into_iter()
        .map(|(slug, name)| OrganizationOption { slug, name })
        .collect())
}

/// The signed-in member's personal feed address (a path: the page adds its own origin).
#[server]
pub async fn get_personal_feed() -> Result<String, AppError> {
    personal_feed(false).await
}

/// A new personal feed address; the old one stops working at once.
#[server]
pub async fn regenerate_personal_feed() -> Result<String, AppError> {
    personal_feed(true).await
}

#[cfg(feature = "ssr")]
async fn personal_feed(regenerate: bool) -> Result<String, AppError> {
    use convene::ical::personal;

    use crate::auth::session;
    use crate::error::respond_with;
    use crate::state::AppState;

    let state = AppState::current().map_err(respond_with)?;
    let viewer = session::actor(&state)
        .await
        .map_err(respond_with)?
        .ok_or_else(|| respond_with(AppError::Unauthorized))?;
    let secret = state.refresher.importer().secret_key();
    let now = chrono::Utc::now();
    let token = if regenerate {
        let token = personal::regenerate(&state.db, secret, viewer.user_id, now).await;
        tracing::info!(target: "audit", user_id = viewer.user_id, "personal feed address replaced");
        token
    } else {
        personal::token(&state.db, secret, viewer.user_id, now).await
    }
    .map_err(respond_with)?;
    Ok(format!("/feeds/{token}.ics"))
}

/// The cheap "has anything changed" question the open dashboard asks now and then.
#[server]
pub async fn get_dashboard_marker() -> Result<i64, AppError> {
    use crate::error::respond_with;
    use crate::state::AppState;

    let state = AppState::current().map_err(respond_with)?;
    convene::dashboard::change_marker(&state.db)
        .await
        .map_err(respond_with)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::DashboardFilters;
    use super::ssr::query;

    #[test]
    fn filters_become_a_query_or_name_the_bad_field() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap(); // a Wednesday
        let (q, label) = query(&DashboardFilters::default(), now).unwrap();
        assert_eq!(label, "Next 30 days");
        assert_eq!((q.until - q.from).num_days(), 30);

        let week = DashboardFilters {
            range: "week".into(),
            ..Default::default()
        };
        let (q, label) = query(&week, now).unwrap();
        assert_eq!(label, "This week");
        assert_eq!(
            q.until,
            Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap()
        );

        let custom = DashboardFilters {
            range: "custom".into(),
            from: "2026-12-01".into(),
            to: "2026-12-08".into(),
            orgs: vec!["rust-berlin".into(), " ".into()],
            q: "Talk".into(),
            mode: "online".into(),
            ..Default::default()
        };
        let (q, label) = query(&custom, now).unwrap();
        assert_eq!(label, "1 Dec 2026 – 8 Dec 2026");
        assert_eq!(q.from, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
        assert_eq!(q.until, Utc.with_ymd_and_hms(2026, 12, 9, 0, 0, 0).unwrap());
        assert_eq!(q.organizations, ["rust-berlin"]);
        assert_eq!(q.text.as_deref(), Some("talk"));

        let field = |filters: DashboardFilters| match query(&filters, now) {
            Err(convene::Error::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        };
        assert_eq!(
            field(DashboardFilters {
                range: "year".into(),
                ..Default::default()
            }),
            "range"
        );
        assert_eq!(
            field(DashboardFilters {
                range: "custom".into(),
                from: "soon".into(),
                to: "2026-12-01".into(),
                ..Default::default()
            }),
            "from"
        );
        assert_eq!(
            field(DashboardFilters {
                range: "custom".into(),
                from: "2026-12-08".into(),
                to: "2026-12-01".into(),
                ..Default::default()
            }),
            "to"
        );
        assert_eq!(
            field(DashboardFilters {
                mode: "hybrid".into(),
                ..Default::default()
            }),
            "mode"
        );
        assert_eq!(
            field(DashboardFilters {
                after: "x".into(),
                ..Default::default()
            }),
            "after"
        );
    }
}
