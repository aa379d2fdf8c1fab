//! The dashboard: upcoming events across every organization, the viewer's own first, and the
//! organizations the page is about, as cards ready to show. Its filters and the query they make
//! are in `query`, the shared windows of upcoming events in `window`.

pub mod map;
pub mod month;
pub mod query;
pub mod trip;
pub mod window;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use convene_types::views::{
    Dashboard, DashboardEvent as Card, DashboardFilters, OrganizationChoice, OrganizationOption,
};
use sea_orm::ConnectionTrait;

use crate::Error;
use crate::cache::CachedReads;
use crate::i18n::{Arg, Locale};
use crate::import::refresh::Refresher;
use crate::places::near::Near;
use crate::rules::access::{Actor, Role, can_manage};
use crate::rules::visibility::{Audience, Visibility, members_of};
use crate::store::organizations::{self, Organization};
use crate::store::{events, memberships};
use crate::text::timefmt;
use query::{ChosenRange, DashboardEvent, DashboardPage, DashboardQuery, FilterParams};

/// The query the filters ask for, and the range it chose (each value checked).
pub fn parsed_query(
    filters: &DashboardFilters,
    now: DateTime<Utc>,
) -> Result<(DashboardQuery, ChosenRange), Error> {
    DashboardQuery::from_params(
        &FilterParams {
            organizations: &filters.orgs,
            range: &filters.range,
            from: &filters.from,
            to: &filters.to,
            text: &filters.q,
            mode: &filters.mode,
            after: &filters.after,
            topic: &filters.topic,
            near: crate::places::near::NearParams {
                city: &filters.near,
                km: &filters.km,
                online: &filters.online,
            },
        },
        now,
    )
}

/// Events in a newsletter at most (the dashboard shows them by pages of 20).
pub const NEWSLETTER_MAX: u64 = 200;

/// The dashboard's view as text to paste (`crate::publish::newsletter`): the same filters and the same
/// rules of who sees what, up to [`NEWSLETTER_MAX`] events.
pub async fn newsletter(
    db: &impl ConnectionTrait,
    site: &crate::site::PublicUrl,
    viewer: Option<Actor>,
    filters: &DashboardFilters,
    format: crate::publish::newsletter::Format,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let (mut query, _) = parsed_query(filters, now)?;
    query.limit = NEWSLETTER_MAX;
    let data = load(db, None, viewer, &query).await?;
    let cards: Vec<Card> = query::merge_cross_listed(data.page.events)
        .into_iter()
        .map(|merged| {
            let also = merged
                .also_listed_by
                .into_iter()
                .map(|(_, name)| name)
                .collect();
            card(merged.event, also, false, now, Locale::English)
        })
        .collect();
    Ok(crate::publish::newsletter::write(&cards, format, site))
}

/// The dashboard for this viewer and these filters. Organizations whose shown events are older
/// than the TTL get a background refresh (stale-while-revalidate).
pub async fn page(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    refresher: &Refresher,
    viewer: Option<Actor>,
    filters: &DashboardFilters,
    now: DateTime<Utc>,
    locale: Locale,
) -> Result<Dashboard, Error> {
    let (query, chosen_range) = parsed_query(filters, now)?;
    let data = load(db, Some(reads), viewer, &query).await?;
    let roles: HashMap<i64, Role> = data
        .mine
        .iter()
        .map(|(org, role)| (org.id, *role))
        .collect();

    let mut refreshed = HashSet::new();
    for item in &data.page.events {
        if refreshed.insert(item.organization_id)
            && let Err(err) = refresher.ensure_fresh(item.freshness(), now).await
        {
            tracing::warn!(org = %item.org_slug, error = %err, "page-load refresh could not start");
        }
    }

    let audience = Audience::of_viewer(viewer, members_of(&data.mine));
    let topics = super::topics::choice(
        crate::import::topics::upcoming_cached(db, reads, now)
            .await?
            .as_ref(),
        &audience,
    );
    let chosen_ids: HashSet<i64> = data.chosen.iter().map(|org| org.id).collect();
    let shown = shown_organizations(
        data.mine.into_iter().map(|(org, _)| org),
        data.chosen,
        &chosen_ids,
    );
    Ok(Dashboard {
        signed_in: viewer.is_some(),
        next: data.page.next.map(|cursor| cursor.encode()),
        events: query::merge_cross_listed(data.page.events)
            .into_iter()
            .map(|merged| {
                let mine = std::iter::once(merged.event.organization_id)
                    .chain(merged.also_listed_by.iter().map(|(id, _)| *id))
                    .any(|id| roles.contains_key(&id));
                let mut card = shared_card(reads, merged.event, now, locale);
                card.mine = mine;
                card.also_listed_by = merged
                    .also_listed_by
                    .into_iter()
                    .map(|(_, name)| name)
                    .collect();
                card
            })
            .collect(),
        organizations: shown
            .into_iter()
            .map(|org| OrganizationChoice {
                mine: roles.contains_key(&org.id),
                chosen: chosen_ids.contains(&org.id),
                viewer_can_manage: can_manage(viewer, roles.get(&org.id).copied()),
                shows_events: org.calendar_source().shows_events(),
                slug: org.slug,
                name: org.name,
            })
            .collect(),
        range: chosen_range.range,
        range_label: range_label(&chosen_range, data.near.as_ref(), locale),
        attendance: query.attendance,
        marker: data.marker,
        topics,
    })
}

/// "Next 30 days", or "Next 30 days, near Berlin (50 km)", in `locale`.
pub fn range_label(chosen: &ChosenRange, near: Option<&Near>, locale: Locale) -> String {
    match near {
        Some(near) => crate::i18n::text_with(
            locale,
            "range-with-place",
            &[
                ("range", Arg::from(&chosen.label(locale))),
                ("place", Arg::from(&near.label(locale))),
            ],
        ),
        None => chosen.label(locale),
    }
}

/// The viewer's organizations and the chosen ones, once each, by name.
fn shown_organizations(
    mine: impl Iterator<Item = Organization>,
    chosen: Vec<Organization>,
    chosen_ids: &HashSet<i64>,
) -> Vec<Organization> {
    let mut shown: Vec<Organization> = mine
        .filter(|org| !chosen_ids.contains(&org.id))
        .chain(chosen)
        .collect();
    shown.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    shown
}

/// Every organization's slug and name, for the filter's picker.
pub async fn organization_options(
    db: &impl ConnectionTrait,
) -> Result<Vec<OrganizationOption>, Error> {
    Ok(organizations::choices(db)
        .await?
        .into_iter()
        .map(|(slug, name)| OrganizationOption { slug, name })
        .collect())
}

/// An event's card as every viewer reading `locale` sees it, formatted once per minute, language
/// and change of the catalog (its times, hint and links depend on nothing else).
fn shared_card(
    reads: CachedReads<'_>,
    event: DashboardEvent,
    now: DateTime<Utc>,
    locale: Locale,
) -> Card {
    let key = (event.id, crate::cache::minute_of(now), locale);
    let tag = reads.catalog_tag();
    if let Some(card) = reads.caches.cards.get(&key, tag) {
        return Card::clone(&card);
    }
    let card = card(event, Vec::new(), false, now, locale);
    reads
        .caches
        .cards
        .put(key, std::sync::Arc::new(card.clone()), tag);
    card
}

fn card(
    event: DashboardEvent,
    also_listed_by: Vec<String>,
    mine: bool,
    now: DateTime<Utc>,
    locale: Locale,
) -> Card {
    let zone = timefmt::zone(&event.timezone);
    let (starts, ends) =
        timefmt::start_and_end(event.start_at, event.end_at, zone, event.all_day, locale);
    let (location, online) =
        events::place(event.location_type, event.location_text.as_deref(), locale);
    let google_calendar_url = crate::publish::ics::google_calendar_link(
        &event.title,
        event.start_at,
        event.end_at,
        event.all_day.then_some(event.timezone.as_str()),
        &location,
        event.event_url.as_deref(),
    );
    Card {
        calendar_file: event
            .public_id
            .as_ref()
            .map(|public_id| format!("/events/{public_id}.ics")),
        page_url: event
            .public_id
            .as_ref()
            .map(|public_id| format!("/events/{public_id}")),
        members_only: event.visibility == Visibility::MembersOnly,
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
        when: timefmt::event_span(event.start_at, event.end_at, zone, event.all_day, locale),
        all_day: event.all_day,
        timezone: event.timezone,
        hint: timefmt::hint(event.start_at, event.end_at, now, zone, locale),
        day_label: timefmt::day_label(event.start_at, now, zone, locale),
        google_calendar_url,
        location,
        online,
        cover_url: events::https_only(event.cover_url),
        event_url: events::https_only(event.event_url),
    }
}

/// Everything one dashboard render reads.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardData {
    pub page: DashboardPage,
    /// The viewer's organizations with their role, by name (none for visitors).
    pub mine: Vec<(Organization, Role)>,
    /// The organizations the filter names (by slug or by name), by name: the page shows them as
    /// chosen even when they have nothing coming up. The full list of choices is
    /// [`organizations::choices`], fetched only when someone opens the picker.
    pub chosen: Vec<Organization>,
    pub marker: i64,
    /// The city `near=` named, as found for the viewer.
    pub near: Option<Near>,
}

/// A dashboard render: three statements for a member (two for a visitor), plus one when the
/// filter names organizations, whatever the number of events or organizations. With `reads`,
/// each part comes from the caches while the store's counters stand still: then a render reads
/// nothing but the counters the request already read.
pub async fn load(
    db: &impl ConnectionTrait,
    reads: Option<CachedReads<'_>>,
    viewer: Option<Actor>,
    query: &DashboardQuery,
) -> Result<DashboardData, Error> {
    // The viewer's organizations first: they decide which members-only events show.
    let mine = match (viewer, reads) {
        (Some(actor), Some(reads)) => crate::cache::viewer(db, reads, actor.user_id)
            .await?
            .map(|viewer| viewer.organizations.clone())
            .unwrap_or_default(),
        (Some(actor), None) => memberships::organizations_of(db, actor.user_id).await?,
        (None, _) => Vec::new(),
    };
    let mut query = query.clone();
    query.audience = Audience::of_viewer(viewer, crate::rules::visibility::members_of(&mine));
    if let Some(near) = &query.near {
        query.near_area = Some(match reads {
            Some(reads) => Near::resolve_cached(db, reads, near, &query.audience).await?,
            None => Near::resolve(db, near, &query.audience).await?,
        });
    }
    let query = &query;
    if let Some(reads) = reads {
        let (chosen, page) = window::chosen_and_page(db, reads, query).await?;
        let marker = reads
            .caches
            .marker
            .get_or_read((), reads.catalog_tag(), || query::change_marker(db))
            .await?;
        return Ok(DashboardData {
            page,
            mine,
            chosen,
            marker,
            near: query.near_area.clone(),
        });
    }
    let (chosen, page) = if query.organizations.is_empty() {
        (Vec::new(), query::upcoming(db, query).await?)
    } else {
        let chosen = organizations::matching(db, &query.organizations).await?;
        let page = if chosen.is_empty() {
            // Only unknown organizations asked for: nothing matches (not "everything").
            DashboardPage {
                events: Vec::new(),
                next: None,
            }
        } else {
            let mut by_slug = query.clone();
            by_slug.organizations = chosen.iter().map(|org| org.slug.clone()).collect();
            by_slug.organization_ids = chosen.iter().map(|org| org.id).collect();
            query::upcoming(db, &by_slug).await?
        };
        (chosen, page)
    };
    Ok(DashboardData {
        page,
        mine,
        chosen,
        marker: query::change_marker(db).await?,
        near: query.near_area.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::shown_organizations;
    use crate::store::organizations::Organization;

    fn org(id: i64, name: &str) -> Organization {
        Organization {
            id,
            slug: name.to_lowercase(),
            name: name.into(),
            description: String::new(),
            created_at: chrono::Utc::now(),
            luma_calendar_url: None,
            luma_calendar_id: None,
            luma_calendar_name: None,
            luma_api_key_sealed: None,
            luma_api_key_last_four: None,
            events_last_synced_at: None,
            last_sync_outcome: None,
            last_sync_message: None,
            luma_api_base: None,
            is_demo: false,
            ical_url_unsealed: None,
            ical_url_sealed: None,
            ical_url_shown: None,
            ical_etag: None,
            ical_last_modified: None,
            display_timezone: None,
            import_alerting: false,
            join_policy: convene_types::JoinPolicy::Request,
            member_domain: None,
            luma_webhook_secret_sealed: None,
            luma_network_id: None,
            clash_window_minutes: 120,
        }
    }

    #[test]
    fn the_page_is_about_my_organizations_and_the_chosen_ones_once_each_by_name() {
        type Orgs = &'static [(i64, &'static str)];
        // (mine, chosen, shown by name)
        let cases: [(Orgs, Orgs, &[&str]); 4] = [
            (&[], &[], &[]),
            (&[(2, "Oslo"), (1, "Berlin")], &[], &["Berlin", "Oslo"]),
            (&[(1, "Berlin")], &[(3, "Athens")], &["Athens", "Berlin"]),
            // Mine and chosen: once.
            (
                &[(1, "Berlin"), (2, "Oslo")],
                &[(1, "Berlin")],
                &["Berlin", "Oslo"],
            ),
        ];
        for (mine, chosen, expected) in cases {
            let chosen_ids = chosen.iter().map(|(id, _)| *id).collect();
            let shown = shown_organizations(
                mine.iter().map(|(id, name)| org(*id, name)),
                chosen.iter().map(|(id, name)| org(*id, name)).collect(),
                &chosen_ids,
            );
            let names: Vec<&str> = shown.iter().map(|org| org.name.as_str()).collect();
            assert_eq!(names, expected, "mine {mine:?}, chosen {chosen:?}");
        }
    }

    use chrono::{TimeZone, Utc};

    use super::{DashboardFilters, parsed_query};

    #[test]
    fn filters_become_a_query_or_name_the_bad_field() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap(); // a Wednesday
        let (q, chosen) = parsed_query(&DashboardFilters::default(), now).unwrap();
        assert_eq!(chosen.label(crate::i18n::Locale::English), "Next 30 days");
        assert_eq!(chosen.range, convene_types::DashboardRange::Next30Days);
        assert_eq!((q.until - q.from).num_days(), 30);

        let week = DashboardFilters {
            range: "week".into(),
            ..Default::default()
        };
        let (q, chosen) = parsed_query(&week, now).unwrap();
        assert_eq!(chosen.label(crate::i18n::Locale::English), "This week");
        assert_eq!(chosen.range, convene_types::DashboardRange::Week);
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
        let (q, chosen) = parsed_query(&custom, now).unwrap();
        assert_eq!(
            chosen.label(crate::i18n::Locale::English),
            "1 Dec 2026 – 8 Dec 2026"
        );
        assert_eq!(
            chosen.label(crate::i18n::Locale::German),
            "1. Dez 2026 – 8. Dez 2026"
        );
        assert_eq!(chosen.range, convene_types::DashboardRange::Custom);
        assert_eq!(q.from, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
        assert_eq!(q.until, Utc.with_ymd_and_hms(2026, 12, 9, 0, 0, 0).unwrap());
        assert_eq!(q.organizations, ["rust-berlin"]);
        assert_eq!(q.text.as_deref(), Some("talk"));

        let field = |filters: DashboardFilters| match parsed_query(&filters, now) {
            Err(crate::Error::Invalid { field, .. }) => field.as_str(),
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
