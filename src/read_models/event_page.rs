//! One event's own page, `/events/<public id>`: what the viewer may see of it, its schema.org
//! markup and its link previews, and the organization's next events. The visibility rules are
//! the lists' (`crate::rules::visibility`): removed and private events do not exist here, and a
//! members-only one shows only whose it is to anyone but that organization's members.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use convene_types::LocationType;
use convene_types::views::{EventLink, EventPage, EventPageView};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::Error;
use crate::cache::{CachedReads, Kept, Shelf, minute_of};
use crate::i18n::Locale;
use crate::rules::access::Actor;
use crate::rules::visibility::{Audience, Visibility, members_of};
use crate::site::PublicUrl;
use crate::store::entities::{event, organization};
use crate::store::events::{self, Event};
use crate::{text::markdown, text::timefmt};

/// Each event's pages (for its organization's members, for anyone else), by public id and
/// minute: at most [`EVENT_PAGES`], weighing [`EVENT_PAGES_BYTES`] together.
pub struct EventPages;
const EVENT_PAGES: usize = 20_000;
const EVENT_PAGES_BYTES: usize = 32 * 1024 * 1024;

impl Kept for EventPages {
    type Held = Shelf<(String, i64, Locale), Option<Arc<Pages>>>;
    fn build() -> Self::Held {
        Shelf::weighed(
            EVENT_PAGES,
            EVENT_PAGES_BYTES,
            |key: &(String, i64, Locale), pages: &Option<Arc<Pages>>| {
                key.0.len() + pages.as_ref().map_or(64, |pages| pages.weight())
            },
        )
        .named("event_pages")
    }
}

/// "More from …": at most this many of the organization's next events.
pub const MORE_EVENTS: u64 = 5;
/// Link previews and search results show about this much of the description.
pub const SUMMARY_MAX_CHARS: usize = 200;

/// A public id as we write them (`crate::import::sync::new_public_id`) has this shape; anything else is
/// answered "not found" without asking the store.
pub fn is_public_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 32 && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The page of the live event with `public_id`, as `actor` may see it, in `locale`; `None` when
/// there is no such event, or it was removed, or it is private. Both of its pages (for its
/// organization's members, for everyone else) are formatted once per minute, language and
/// change of the catalog; the
/// viewer's organizations come from the viewers' cache.
pub async fn page(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    site: &PublicUrl,
    actor: Option<Actor>,
    public_id: &str,
    now: DateTime<Utc>,
    locale: Locale,
) -> Result<Option<EventPageView>, Error> {
    if !is_public_id(public_id) {
        return Ok(None);
    }
    let key = (public_id.to_owned(), minute_of(now), locale);
    let Some(pages) = reads
        .caches
        .kept::<EventPages>()
        .get_or_read(key, reads.catalog_tag(), || async {
            Ok(read_pages(db, site, public_id, now, locale)
                .await?
                .map(Arc::new))
        })
        .await?
    else {
        return Ok(None);
    };
    let audience = match actor {
        Some(viewer) if !viewer.is_site_admin => {
            let member_of = crate::cache::viewer(db, reads, viewer.user_id)
                .await?
                .map(|viewer| members_of(&viewer.organizations))
                .unwrap_or_default();
            Audience::of_viewer(actor, member_of)
        }
        _ => Audience::of_viewer(actor, Vec::new()),
    };
    Ok(Some(
        if audience.sees(pages.organization_id, Visibility::MembersOnly) {
            pages.members.clone()
        } else {
            match &pages.others {
                EventPageView::MembersOnly {
                    org_slug, org_name, ..
                } => EventPageView::MembersOnly {
                    org_slug: org_slug.clone(),
                    org_name: org_name.clone(),
                    signed_in: actor.is_some(),
                },
                shown => shown.clone(),
            }
        },
    ))
}

/// An event's page for each kind of viewer.
#[derive(Debug)]
pub struct Pages {
    organization_id: i64,
    /// For its organization's members (and site admins).
    members: EventPageView,
    /// For anyone else: a members-only event shows only whose it is.
    others: EventPageView,
    /// What both weigh in memory, near enough for a cache's byte budget.
    weight: usize,
}

impl Pages {
    pub fn weight(&self) -> usize {
        self.weight
    }
}

/// Three statements (four for a public event): the event with its organization, its
/// description, and the organization's next events for each audience.
async fn read_pages(
    db: &impl ConnectionTrait,
    site: &PublicUrl,
    public_id: &str,
    now: DateTime<Utc>,
    locale: Locale,
) -> Result<Option<Pages>, Error> {
    let Some((found, Some(org))) = event::Entity::find()
        .filter(event::Column::PublicId.eq(public_id))
        .filter(event::Column::RemovedAt.is_null())
        .find_also_related(organization::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.visibility == Visibility::Private {
        return Ok(None);
    }
    let description = crate::store::descriptions::of_event(db, &found).await?;
    let shown_to = |audience: Audience| {
        let (found, org, description) = (&found, &org, description.as_deref());
        async move {
            let more =
                events::upcoming_for_organization(db, org.id, &audience, now, MORE_EVENTS + 1)
                    .await?
                    .into_iter()
                    .filter(|other| other.id != found.id && other.public_id.is_some())
                    .take(usize::try_from(MORE_EVENTS).unwrap_or(usize::MAX))
                    .map(|other| link(&other, locale))
                    .collect();
            Ok::<_, Error>(EventPageView::Shown(Box::new(shown(
                found.clone(),
                description,
                (&org.slug, &org.name),
                site,
                now,
                more,
                locale,
            ))))
        }
    };
    let members = shown_to(Audience::member_of(vec![org.id])).await?;
    let others = if found.visibility == Visibility::MembersOnly {
        EventPageView::MembersOnly {
            org_slug: org.slug.clone(),
            org_name: org.name.clone(),
            signed_in: false,
        }
    } else {
        shown_to(Audience::public()).await?
    };
    let weight = [&members, &others]
        .iter()
        .map(|view| serde_json::to_vec(view).map_or(64 * 1024, |json| json.len()))
        .sum::<usize>()
        + 256;
    Ok(Some(Pages {
        organization_id: org.id,
        members,
        others,
        weight,
    }))
}

/// The page's link to `event`: `/events/<public id>` (`None` before it has one).
pub fn path(event: &Event) -> Option<String> {
    event.public_id.as_ref().map(|id| format!("/events/{id}"))
}

fn link(event: &Event, locale: Locale) -> EventLink {
    let zone = timefmt::zone(&event.timezone);
    EventLink {
        title: event.title.clone(),
        when: timefmt::event_span(event.start_at, event.end_at, zone, event.all_day, locale),
        url: path(event).unwrap_or_default(),
    }
}

fn shown(
    event: Event,
    description: Option<&str>,
    (org_slug, org_name): (&str, &str),
    site: &PublicUrl,
    now: DateTime<Utc>,
    more: Vec<EventLink>,
    locale: Locale,
) -> EventPage {
    let zone = timefmt::zone(&event.timezone);
    let (location, online) =
        events::place(event.location_type, event.location_text.as_deref(), locale);
    let public_id = event.public_id.clone().unwrap_or_default();
    let canonical_url = site.link(&format!("/events/{public_id}"));
    let event_url = events::https_only(event.event_url.clone());
    let cover_url = events::https_only(event.cover_url.clone());
    let summary = description
        .map(|text| markdown::to_plain_text(text, SUMMARY_MAX_CHARS))
        .unwrap_or_else(|| {
            format!(
                "{} · {}",
                timefmt::day_heading(event.start_at, zone, locale),
                location
            )
        });
    let members_only = event.visibility == Visibility::MembersOnly;
    let json_ld = (!members_only).then(|| {
        script_safe(&json_ld(
            &event,
            zone,
            &location,
            &summary,
            &canonical_url,
            (org_name, &site.link(&format!("/orgs/{org_slug}"))),
        ))
    });
    EventPage {
        luma_id: event.external_id.clone(),
        title: event.title.clone(),
        org_slug: org_slug.to_owned(),
        org_name: org_name.to_owned(),
        date_heading: timefmt::day_heading(event.start_at, zone, locale),
        when: timefmt::event_span(event.start_at, event.end_at, zone, event.all_day, locale),
        start_utc: event.start_at.to_rfc3339(),
        end_utc: event.end_at.to_rfc3339(),
        all_day: event.all_day,
        timezone: event.timezone.clone(),
        ended: event.end_at < now,
        google_calendar_url: crate::publish::ics::google_calendar_link(
            &event.title,
            event.start_at,
            event.end_at,
            event.all_day.then_some(event.timezone.as_str()),
            &location,
            event_url.as_deref(),
        ),
        location,
        online,
        address_hidden: event.address_hidden,
        members_only,
        cross_listed: event.cross_listed,
        cover_url,
        event_url,
        description_html: description.map(markdown::to_safe_html),
        summary,
        calendar_file: format!("/events/{public_id}.ics"),
        canonical_url,
        json_ld,
        more,
        public_id,
    }
}

/// schema.org `Event` (what search engines read): times with the event's own offset, or dates
/// for an all-day event; the place as anyone may see it (a guests-only address is already
/// only its city, and an online event's location is its lu.ma page, never the join link).
fn json_ld(
    event: &Event,
    zone: Tz,
    location: &str,
    summary: &str,
    url: &str,
    (org_name, org_url): (&str, &str),
) -> Value {
    let (start, end) = if event.all_day {
        let (first, after_last) =
            timefmt::all_day_dates(event.start_at, event.end_at, &event.timezone);
        let last = after_last.pred_opt().unwrap_or(first).max(first);
        (first.to_string(), last.to_string())
    } else {
        let local = |at: DateTime<Utc>| {
            at.with_timezone(&zone)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        };
        (local(event.start_at), local(event.end_at))
    };
    let event_page = events::https_only(event.event_url.clone());
    let (mode, place) = match event.location_type {
        LocationType::Online => (
            "https://schema.org/OnlineEventAttendanceMode",
            Some(
                json!({ "@type": "VirtualLocation", "url": event_page.as_deref().unwrap_or(url) }),
            ),
        ),
        LocationType::InPerson | LocationType::Unknown => (
            "https://schema.org/OfflineEventAttendanceMode",
            event
                .location_text
                .as_ref()
                .map(|_| json!({ "@type": "Place", "name": location, "address": location })),
        ),
    };
    let mut markup = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": start,
        "endDate": end,
        "eventAttendanceMode": mode,
        "eventStatus": "https://schema.org/EventScheduled",
        "description": summary,
        "organizer": { "@type": "Organization", "name": org_name, "url": org_url },
        "url": url,
    });
    if let Some(object) = markup.as_object_mut() {
        if let Some(place) = place {
            object.insert("location".into(), place);
        }
        if let Some(cover) = events::https_only(event.cover_url.clone()) {
            object.insert("image".into(), json!([cover]));
        }
        if let Some(page) = event_page {
            object.insert(
                "offers".into(),
                json!({ "@type": "Offer", "url": page, "availability": "https://schema.org/InStock" }),
            );
        }
    }
    markup
}

/// JSON that can sit inside `<script>`: no `<`, `>` or `&` can end the element or start a
/// comment (they become `\u003c` and the like, the same JSON).
fn script_safe(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const DESCRIPTION: &str = "**Bring** a [laptop](https://example.org).";

    fn event(location_type: LocationType, all_day: bool) -> Event {
        let start_at = Utc.with_ymd_and_hms(2026, 10, 24, 17, 0, 0).unwrap();
        Event {
            id: 1,
            organization_id: 1,
            source: convene_types::EventSource::LumaApi,
            external_id: "evt-1".into(),
            title: "Rust </script><script>alert(1)</script> & friends".into(),
            description_id: None,
            start_at,
            end_at: start_at + chrono::Duration::hours(2),
            timezone: "Europe/London".into(),
            cover_url: Some("https://images.lumacdn.com/c.png".into()),
            event_url: Some("https://luma.com/rust".into()),
            location_text: Some("Berlin".into()),
            meeting_url: None,
            address_hidden: true,
            city: None,
            latitude_e6: None,
            longitude_e6: None,
            cross_listed: false,
            description_pending: false,
            public_id: Some("abc123".into()),
            location_type,
            visibility: Visibility::Public,
            tags: "[]".into(),
            content_hash: String::new(),
            all_day,
            synced_at: start_at,
            removed_at: None,
        }
    }

    fn site() -> PublicUrl {
        PublicUrl::new("https://convene.example/".parse().unwrap()).unwrap()
    }

    fn markup(event: &Event) -> Value {
        let page = shown(
            event.clone(),
            Some(DESCRIPTION),
            ("rust-berlin", "Rust Berlin"),
            &site(),
            event.start_at,
            Vec::new(),
            Locale::English,
        );
        serde_json::from_str(&page.json_ld.expect("public events have markup")).unwrap()
    }

    #[test]
    fn the_markup_has_what_search_engines_require_with_the_events_own_offset() {
        let value = markup(&event(LocationType::InPerson, false));
        assert_eq!(value["@type"], "Event");
        assert_eq!(value["startDate"], "2026-10-24T18:00:00+01:00");
        assert_eq!(value["endDate"], "2026-10-24T20:00:00+01:00");
        assert_eq!(
            value["eventAttendanceMode"],
            "https://schema.org/OfflineEventAttendanceMode"
        );
        assert_eq!(value["location"]["@type"], "Place");
        assert_eq!(value["location"]["address"], "Berlin");
        assert_eq!(
            value["organizer"]["url"],
            "https://convene.example/orgs/rust-berlin"
        );
        assert_eq!(value["url"], "https://convene.example/events/abc123");
        assert_eq!(value["image"][0], "https://images.lumacdn.com/c.png");
        assert_eq!(value["description"], "Bring a laptop.");
    }

    #[test]
    fn online_events_point_to_their_lu_ma_page_and_all_day_ones_are_dates() {
        let value = markup(&event(LocationType::Online, false));
        assert_eq!(value["location"]["@type"], "VirtualLocation");
        assert_eq!(value["location"]["url"], "https://luma.com/rust");
        let mut all_day = event(LocationType::InPerson, true);
        all_day.start_at = Utc.with_ymd_and_hms(2026, 12, 8, 23, 0, 0).unwrap();
        all_day.end_at = Utc.with_ymd_and_hms(2026, 12, 10, 0, 0, 0).unwrap();
        all_day.timezone = "Europe/Berlin".into();
        let value = markup(&all_day);
        assert_eq!(value["startDate"], "2026-12-09");
        assert_eq!(value["endDate"], "2026-12-09");
    }

    #[test]
    fn nothing_in_a_title_can_end_the_script_element() {
        let page = shown(
            event(LocationType::InPerson, false),
            Some(DESCRIPTION),
            ("rust-berlin", "Rust Berlin"),
            &site(),
            Utc::now(),
            Vec::new(),
            Locale::English,
        );
        let script = page.json_ld.unwrap();
        assert!(!script.contains('<') && !script.contains('>') && !script.contains('&'));
        let value: Value = serde_json::from_str(&script).unwrap();
        assert_eq!(
            value["name"],
            "Rust </script><script>alert(1)</script> & friends"
        );
    }

    #[test]
    fn members_only_events_carry_no_markup_and_past_ones_say_so() {
        let mut members_only = event(LocationType::InPerson, false);
        members_only.visibility = Visibility::MembersOnly;
        let later = members_only.end_at + chrono::Duration::minutes(1);
        let page = shown(
            members_only,
            None,
            ("o", "O"),
            &site(),
            later,
            Vec::new(),
            Locale::English,
        );
        assert_eq!(page.json_ld, None);
        assert!(page.ended);
    }

    #[test]
    fn only_ids_of_our_shape_are_looked_up() {
        assert!(is_public_id("a1B2c3"));
        for id in ["", "a.ics", "../x", "a b", &"a".repeat(33), "é"] {
            assert!(!is_public_id(id), "{id}");
        }
    }
}
