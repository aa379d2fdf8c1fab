//! An organization's events page: the list from the store, grouped by each event's own local
//! day, and whether lu.ma's embed is shown instead.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use convene_types::InputField;
use convene_types::views::{EventCard, EventDay, LIST_PAGE_SIZE, OrganizationEvents};
use sea_orm::ConnectionTrait;

use crate::Error;
use crate::cache::{CachedReads, Kept, Shelf};
use crate::import::refresh::{Freshness, Refresher};
use crate::read_models::organizations::OrgRequest;
use crate::rules::visibility::{Audience, Visibility};
use crate::store::descriptions;
use crate::store::events::{self, Event};
use crate::{text::markdown, text::timefmt};

/// An organization's events list, formatted, by (organization, whether the viewer sees its
/// members-only events, minute): as many as the dashboard keeps windows, [`EVENT_LISTS_BYTES`]
/// together.
pub struct EventLists;
const EVENT_LISTS_BYTES: usize = 32 * 1024 * 1024;

impl Kept for EventLists {
    type Held = Shelf<(i64, bool, i64), Arc<Vec<Listed>>>;
    fn build() -> Self::Held {
        Shelf::weighed(
            crate::read_models::dashboard::window::WINDOWS,
            EVENT_LISTS_BYTES,
            |_, list: &Arc<Vec<Listed>>| list.iter().map(Listed::weight).sum(),
        )
        .named("event_lists")
    }
}

/// Events shown on the list, at most (a few months of a busy calendar).
pub const LIST_LIMIT: u64 = 200;
/// The most pages a list can have.
#[expect(
    clippy::cast_possible_truncation,
    reason = "a constant: 200 events in pages of 20"
)]
pub const LIST_PAGES: u32 = LIST_LIMIT.div_ceil(LIST_PAGE_SIZE as u64) as u32;
/// Each card shows the start of its event's description, at most this many characters (the
/// event's page has all of it): the list stays a few hundred kilobytes whatever the feed.
pub const LIST_DESCRIPTION_CHARS: u32 = 600;

/// Which page of the list a request asks for (`?page=`, from 1): a number the list could have,
/// checked before anything is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPage(u32);

impl ListPage {
    pub const FIRST: Self = Self(1);

    /// The query string's value (absent or empty: the first page); a refusal says what it may be.
    pub fn parse(text: Option<&str>) -> Result<Self, Error> {
        match text.map(str::trim) {
            None | Some("") => Ok(Self::FIRST),
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|page| (1..=LIST_PAGES).contains(page))
                .map(Self)
                .ok_or_else(|| {
                    Error::invalid(
                        InputField::Page,
                        format!("must be a whole number from 1 to {LIST_PAGES}"),
                    )
                }),
        }
    }

    pub fn number(self) -> u32 {
        self.0
    }
}

/// The page, after starting a background refresh when the stored events are older than the
/// TTL (stale-while-revalidate: the page answers with what is stored). A page past the list's
/// last is not found (events ended since its link was written).
pub async fn page(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    refresher: &Refresher,
    request: OrgRequest,
    list_page: ListPage,
    now: DateTime<Utc>,
) -> Result<OrganizationEvents, Error> {
    let org = request.organization;
    let refreshing = match refresher.ensure_fresh(&org, now).await {
        Ok(Freshness::RefreshStarted(_)) => true,
        Ok(_) => false,
        Err(err) => {
            tracing::warn!(org = %org.slug, error = %err, "page-load refresh could not start");
            false
        }
    };
    let audience =
        Audience::of_organization(request.viewer.actor, request.viewer.is_member(), org.id);
    let listed = cached_list(db, reads, org.id, &audience, now).await?;
    let still_on: Vec<&Listed> = listed.iter().filter(|event| event.end_at >= now).collect();
    let pages = still_on.len().div_ceil(LIST_PAGE_SIZE).max(1);
    let index = list_page.0 as usize - 1;
    if index >= pages {
        return Err(Error::NotFound(format!(
            "Page {} of these events (there are {pages})",
            list_page.0
        )));
    }
    let shown = still_on
        .into_iter()
        .skip(index * LIST_PAGE_SIZE)
        .take(LIST_PAGE_SIZE)
        .cloned();
    Ok(OrganizationEvents {
        connected: org.calendar_source().shows_events(),
        embed_calendar_id: org
            .has_embed()
            .then(|| org.luma_calendar_id.clone())
            .flatten(),
        calendar_url: org
            .luma_calendar_url
            .clone()
            .filter(|url| url.starts_with("https://")),
        viewer_can_manage: request.viewer.can_manage(),
        updated: org.events_last_synced_at.map(|at| {
            format!(
                "Updated {}",
                timefmt::relative(at, now, crate::i18n::Locale::English)
            )
        }),
        refreshing,
        days: by_day(shown),
        page: list_page.0,
        pages: u32::try_from(pages).unwrap_or(LIST_PAGES),
        slug: org.slug,
        name: org.name,
        is_demo: org.is_demo,
    })
}

/// One event of the list, formatted (its description rendered and sanitised), with its local date
/// and day heading, and its end, which decides per request whether it is still on.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    end_at: DateTime<Utc>,
    date: String,
    heading: String,
    card: EventCard,
}

async fn list(
    db: &impl ConnectionTrait,
    organization_id: i64,
    audience: &Audience,
    from: DateTime<Utc>,
) -> Result<Vec<Listed>, Error> {
    let upcoming =
        events::upcoming_for_organization(db, organization_id, audience, from, LIST_LIMIT).await?;
    let descriptions = descriptions::of_events(db, &upcoming, Some(LIST_DESCRIPTION_CHARS)).await?;
    Ok(upcoming
        .into_iter()
        .map(|event| {
            let description = descriptions
                .of(&event)
                .map(|text| excerpt(text, LIST_DESCRIPTION_CHARS));
            listed(event, description)
        })
        .collect())
}

/// A description as the store cut it, marked "…" when it may go on.
fn excerpt(text: &str, cut: u32) -> String {
    if text.chars().count() >= cut as usize {
        format!("{}…", text.trim_end())
    } else {
        text.to_owned()
    }
}

impl Listed {
    /// What the entry holds in memory, near enough for a cache's byte budget.
    pub fn weight(&self) -> usize {
        let card = &self.card;
        256 + self.date.len()
            + self.heading.len()
            + card.title.len()
            + card.luma_id.len()
            + card.location.len()
            + card.description_html.as_ref().map_or(0, String::len)
            + card.cover_url.as_ref().map_or(0, String::len)
            + card.event_url.as_ref().map_or(0, String::len)
            + card.page_url.as_ref().map_or(0, String::len)
            + card.when.len()
            + card.starts.len()
            + card.ends.len()
            + card.timezone.len()
    }
}

fn listed(event: Event, description: Option<String>) -> Listed {
    let end_at = event.end_at;
    let (date, heading, card) = card(event, description);
    Listed {
        end_at,
        date,
        heading,
        card,
    }
}

/// The list from the start of this minute, read and formatted once per minute, change of the
/// catalog and audience (this organization's members see its members-only events, others
/// not): Markdown rendering and sanitising were most of the page's cost. Events that ended
/// earlier in the minute are dropped per request, so a calendar with more than
/// [`LIST_LIMIT`] upcoming events may show one or two fewer for the rest of that minute.
async fn cached_list(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    organization_id: i64,
    audience: &Audience,
    now: DateTime<Utc>,
) -> Result<Arc<Vec<Listed>>, Error> {
    let minute = crate::cache::minute_of(now);
    let key = (
        organization_id,
        audience.sees(organization_id, Visibility::MembersOnly),
        minute,
    );
    let from = minute
        .checked_mul(60)
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .unwrap_or(now);
    reads
        .caches
        .kept::<EventLists>()
        .get_or_read(key, reads.catalog_tag(), || async {
            Ok(Arc::new(list(db, organization_id, audience, from).await?))
        })
        .await
}

fn card(event: Event, description: Option<String>) -> (String, String, EventCard) {
    let zone = timefmt::zone(&event.timezone);
    let (starts, ends) = timefmt::start_and_end(
        event.start_at,
        event.end_at,
        zone,
        event.all_day,
        crate::i18n::Locale::English,
    );
    let (location, online) = events::place(
        event.location_type,
        event.location_text.as_deref(),
        crate::i18n::Locale::English,
    );
    let card = EventCard {
        page_url: crate::read_models::event_page::path(&event),
        luma_id: event.external_id,
        title: event.title,
        starts,
        ends,
        when: timefmt::event_span(
            event.start_at,
            event.end_at,
            zone,
            event.all_day,
            crate::i18n::Locale::English,
        ),
        all_day: event.all_day,
        timezone: event.timezone,
        location,
        online,
        members_only: event.visibility == Visibility::MembersOnly,
        address_hidden: event.address_hidden,
        cross_listed: event.cross_listed,
        cover_url: events::https_only(event.cover_url),
        event_url: events::https_only(event.event_url),
        description_html: description.map(|text| markdown::to_safe_html(&text)),
    };
    (
        timefmt::local_date(event.start_at, zone),
        timefmt::day_heading(event.start_at, zone, crate::i18n::Locale::English),
        card,
    )
}

/// Consecutive events of the same local date under one heading.
fn by_day(events: impl Iterator<Item = Listed>) -> Vec<EventDay> {
    let mut days: Vec<(String, EventDay)> = Vec::new();
    for Listed {
        date,
        heading,
        card,
        ..
    } in events
    {
        match days.last_mut() {
            Some((last, day)) if *last == date => day.events.push(card),
            _ => days.push((
                date,
                EventDay {
                    heading,
                    events: vec![card],
                },
            )),
        }
    }
    days.into_iter().map(|(_, day)| day).collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::{LIST_PAGES, ListPage, Visibility, by_day, listed};
    use crate::store::events::Event;

    fn event(id: &str, start: (u32, u32), zone: &str) -> Event {
        let start_at = Utc
            .with_ymd_and_hms(2026, 10, start.0, start.1, 0, 0)
            .unwrap();
        Event {
            id: 1,
            organization_id: 1,
            source: convene_types::EventSource::LumaApi,
            external_id: id.into(),
            title: format!("Event {id}"),
            description_id: None,
            start_at,
            end_at: start_at + chrono::Duration::hours(2),
            timezone: zone.into(),
            cover_url: Some("http://insecure.example/c.png".into()),
            event_url: Some("https://luma.com/x".into()),
            location_text: None,
            meeting_url: None,
            address_hidden: false,
            city: None,
            latitude_e6: None,
            longitude_e6: None,
            cross_listed: false,
            description_pending: false,
            public_id: None,
            location_type: convene_types::LocationType::Online,
            visibility: Visibility::Public,
            tags: "[]".into(),
            content_hash: String::new(),
            all_day: false,
            synced_at: start_at,
            removed_at: None,
        }
    }

    #[test]
    fn events_are_grouped_by_their_own_local_day_and_made_safe() {
        let days = by_day(
            [
                event("evt-a", (24, 17), "Europe/London"),
                event("evt-b", (24, 20), "Europe/London"),
                // 01:00 UTC on the 25th is still the 24th in New York.
                event("evt-c", (25, 1), "America/New_York"),
                event("evt-d", (26, 18), "Europe/London"),
            ]
            .into_iter()
            .map(|event| listed(event, Some("<script>alert(1)</script>\n\n**Hi**".into()))),
        );
        let headings: Vec<&str> = days.iter().map(|d| d.heading.as_str()).collect();
        assert_eq!(
            headings,
            ["Saturday 24 October 2026", "Monday 26 October 2026"]
        );
        assert_eq!(days[0].events.len(), 3);
        let first = &days[0].events[0];
        assert_eq!(first.starts, "Sat 24 Oct, 18:00 BST");
        assert_eq!(first.ends, "20:00");
        assert_eq!(days[1].events[0].starts, "Mon 26 Oct, 18:00 GMT");
        assert_eq!(first.location, "Online");
        assert_eq!(first.cover_url, None, "plain http covers are dropped");
        let html = first.description_html.as_deref().unwrap();
        assert!(
            !html.contains("<script") && html.contains("<strong>Hi</strong>"),
            "{html}"
        );
    }

    #[test]
    fn a_page_is_a_number_the_list_could_have() {
        assert_eq!(ListPage::parse(None).unwrap(), ListPage::FIRST);
        assert_eq!(ListPage::parse(Some(" ")).unwrap(), ListPage::FIRST);
        assert_eq!(ListPage::parse(Some("2")).unwrap().number(), 2);
        assert_eq!(
            ListPage::parse(Some(&LIST_PAGES.to_string()))
                .unwrap()
                .number(),
            LIST_PAGES
        );
        for refused in [
            "0",
            "-1",
            "1.5",
            "two",
            "4294967296",
            "99999999999999999999",
        ] {
            let err = ListPage::parse(Some(refused)).unwrap_err().to_string();
            assert_eq!(
                err,
                format!("page: must be a whole number from 1 to {LIST_PAGES}"),
                "{refused}"
            );
        }
        assert!(ListPage::parse(Some(&(LIST_PAGES + 1).to_string())).is_err());
    }

    proptest::proptest! {
        #[test]
        fn generated_pages_never_panic_and_stay_in_range(text in "\\PC{0,40}") {
            if let Ok(page) = ListPage::parse(Some(&text)) {
                proptest::prop_assert!((1..=LIST_PAGES).contains(&page.number()));
            }
        }
    }
}
