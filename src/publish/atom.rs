//! Atom feeds (RFC 4287) of public events: an organization's (`/orgs/<slug>/events.atom`) and
//! the whole network's (`/events.atom`), for feed readers, newsletters and other sites. Public
//! events only, whoever asks: a feed address is shared and cached like any public page.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Error;
use crate::places::near::Near;
use crate::read_models::event_page;
use crate::rules::bounds;
use crate::rules::visibility::Audience;
use crate::site::PublicUrl;
use crate::store::descriptions::{self, Descriptions};
use crate::store::entities::{event, organization};
use crate::store::events::{self, Event, LONGEST_EVENT};
use crate::store::organizations::Organization;
use crate::{text::markdown, text::timefmt};

/// Entries in one feed at most: the next events, soonest first.
pub const MAX_ENTRIES: u64 = 100;
/// Each entry's description, at most this many characters (cut in the store; the event's page
/// has all of it).
pub const DESCRIPTION_CHARS: u32 = 4_000;

/// One feed's own facts; `path` is its address, `page` the page it mirrors.
struct FeedHead {
    title: String,
    path: String,
    page: String,
}

/// The feed of an organization's upcoming public events.
pub async fn organization_feed(
    db: &impl ConnectionTrait,
    site: &PublicUrl,
    org: &Organization,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let upcoming =
        events::upcoming_for_organization(db, org.id, &Audience::public(), now, MAX_ENTRIES)
            .await?;
    let entries: Vec<(Event, String)> = upcoming
        .into_iter()
        .map(|item| (item, org.name.clone()))
        .collect();
    let head = FeedHead {
        title: format!("{} · events", org.name),
        path: format!("/orgs/{}/events.atom", org.slug),
        page: format!("/orgs/{}/events", org.slug),
    };
    render(db, site, head, entries, org.created_at).await
}

/// The feed of every organization's upcoming public events (near a city, when asked).
pub async fn network_feed(
    db: &impl ConnectionTrait,
    site: &PublicUrl,
    near: Option<&Near>,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let head = FeedHead {
        title: titled("Convene · upcoming events", near),
        path: format!("/events.atom{}", near_query(near)),
        page: format!("/dashboard{}", near_query(near)),
    };
    let entries = upcoming_public(db, None, near, now).await?;
    render(db, site, head, entries, DateTime::UNIX_EPOCH).await
}

/// The feed of every organization's upcoming public events about one topic (a slug as
/// `topics::parse_param` gives it, and the name `topics::name_of` found for it), near a city
/// when asked.
pub async fn topic_feed(
    db: &impl ConnectionTrait,
    site: &PublicUrl,
    slug: &str,
    name: &str,
    near: Option<&Near>,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let head = FeedHead {
        title: titled(&format!("Convene · {name}"), near),
        path: format!("/topics/{slug}/events.atom{}", near_query(near)),
        page: format!("/topics/{slug}"),
    };
    let entries = upcoming_public(db, Some(slug), near, now).await?;
    render(db, site, head, entries, DateTime::UNIX_EPOCH).await
}

/// "Convene · upcoming events near Lisbon (50 km)".
fn titled(title: &str, near: Option<&Near>) -> String {
    match near {
        Some(near) => format!("{title} {}", near.label(crate::i18n::Locale::English)),
        None => title.to_owned(),
    }
}

/// `?near=Lisbon&km=50` (`&online=1`) as the feed's own address carries it; empty without.
fn near_query(near: Option<&Near>) -> String {
    near.map_or_else(String::new, |near| {
        let mut query = url::form_urlencoded::Serializer::new(String::from("?"));
        query.append_pair("near", &near.city);
        query.append_pair("km", &near.km.to_string());
        if near.include_online {
            query.append_pair("online", "1");
        }
        query.finish()
    })
}

/// Upcoming public events of every organization (about `topic`, near `near`, when given),
/// soonest first, with their organization's name.
async fn upcoming_public(
    db: &impl ConnectionTrait,
    topic: Option<&str>,
    near: Option<&Near>,
    now: DateTime<Utc>,
) -> Result<Vec<(Event, String)>, Error> {
    let mut found = event::Entity::find()
        .find_also_related(organization::Entity)
        .filter(event::Column::RemovedAt.is_null())
        .filter(Audience::public().condition())
        .filter(event::Column::StartAt.gte(now - LONGEST_EVENT))
        .filter(event::Column::EndAt.gte(now));
    if let Some(topic) = topic {
        found = found.filter(crate::import::topics::has_topic(topic));
    }
    if let Some(near) = near {
        found = found.filter(near.condition());
    }
    Ok(found
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(MAX_ENTRIES)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(item, org)| org.map(|org| (item, org.name)))
        .collect())
}

/// The entries' descriptions read, then the document written on a blocking thread.
async fn render(
    db: &impl ConnectionTrait,
    site: &PublicUrl,
    head: FeedHead,
    entries: Vec<(Event, String)>,
    empty_since: DateTime<Utc>,
) -> Result<String, Error> {
    let events: Vec<Event> = entries.iter().map(|(item, _)| item.clone()).collect();
    let descriptions = descriptions::of_events(db, &events, Some(DESCRIPTION_CHARS)).await?;
    let site = site.clone();
    tokio::task::spawn_blocking(move || write(&site, &head, &entries, &descriptions, empty_since))
        .await
        .map_err(|err| Error::Internal(format!("writing an Atom feed failed: {err}")))
}

/// The feed document. `updated` is the newest entry's sync, or `empty_since` for a feed without
/// entries, so the same events give the same bytes (and the same `ETag`). At most
/// [`crate::publish::ics::FEED_BYTES_MAX`] bytes: entries that would go past it are left out.
fn write(
    site: &PublicUrl,
    head: &FeedHead,
    entries: &[(Event, String)],
    descriptions: &Descriptions,
    empty_since: DateTime<Utc>,
) -> String {
    let updated = entries
        .iter()
        .map(|(item, _)| item.synced_at)
        .max()
        .unwrap_or(empty_since);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    element(&mut xml, "id", &site.link(&head.path));
    element(&mut xml, "title", &head.title);
    element(&mut xml, "updated", &rfc3339(updated));
    link(
        &mut xml,
        "self",
        "application/atom+xml",
        &site.link(&head.path),
    );
    link(&mut xml, "alternate", "text/html", &site.link(&head.page));
    element(&mut xml, "generator", "Convene");
    const END: &str = "</feed>\n";
    for (item, org_name) in entries {
        let mut one = String::new();
        entry(&mut one, site, item, org_name, descriptions.of(item));
        if xml.len() + one.len() + END.len() > crate::publish::ics::FEED_BYTES_MAX {
            tracing::warn!(feed = %head.path, "an Atom feed reached its byte budget; later entries are left out");
            break;
        }
        xml.push_str(&one);
    }
    xml.push_str(END);
    xml
}

fn entry(
    xml: &mut String,
    site: &PublicUrl,
    item: &Event,
    org_name: &str,
    description: Option<&str>,
) {
    let zone = timefmt::zone(&item.timezone);
    let page = event_page::path(item).map(|path| site.link(&path));
    let (place, _) = events::place(
        item.location_type,
        item.location_text.as_deref(),
        crate::i18n::Locale::English,
    );
    let when = timefmt::event_span(
        item.start_at,
        item.end_at,
        zone,
        item.all_day,
        crate::i18n::Locale::English,
    );
    let title = bounds::one_line(&item.title, bounds::TITLE_MAX_CHARS);
    xml.push_str("<entry>\n");
    // The page's address when it has one; else a stable URN of the event (a tag URI needs a
    // domain and date we cannot promise to keep).
    let id = page.clone().unwrap_or_else(|| {
        format!(
            "urn:convene:event:{}:{}",
            item.organization_id,
            hex_id(&item.external_id)
        )
    });
    element(xml, "id", &id);
    element(xml, "title", &title);
    element(xml, "updated", &rfc3339(item.synced_at));
    xml.push_str("<author>");
    element(xml, "name", org_name);
    xml.push_str("</author>\n");
    if let Some(page) = &page {
        link(xml, "alternate", "text/html", page);
    }
    if let Some(luma) =
        events::https_only(item.event_url.clone()).and_then(|url| bounds::link(&url))
    {
        link(xml, "related", "text/html", &luma);
    }
    let summary = format!(
        "{when} · {}",
        bounds::one_line(&place, bounds::LOCATION_MAX_CHARS)
    );
    element(xml, "summary", &summary);
    let mut content = format!("<p><strong>{}</strong></p>", escape(&summary));
    if let Some(text) = description {
        content.push_str(&markdown::to_safe_html(text));
    }
    xml.push_str("<content type=\"html\">");
    xml.push_str(&escape(&content));
    xml.push_str("</content>\n</entry>\n");
}

fn element(xml: &mut String, name: &str, text: &str) {
    xml.push('<');
    xml.push_str(name);
    xml.push('>');
    xml.push_str(&escape(text));
    xml.push_str("</");
    xml.push_str(name);
    xml.push_str(">\n");
}

fn link(xml: &mut String, rel: &str, kind: &str, href: &str) {
    xml.push_str(&format!(
        "<link rel=\"{rel}\" type=\"{kind}\" href=\"{}\"/>\n",
        escape(href)
    ));
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn hex_id(external_id: &str) -> String {
    hex::encode(external_id.as_bytes())
}

/// Text as XML 1.0 character data or a quoted attribute value: markup characters escaped, and
/// the characters XML 1.0 forbids (controls other than tab and line breaks, U+FFFE, U+FFFF)
/// dropped, so text from outside can never make a feed unreadable.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn site() -> PublicUrl {
        PublicUrl::new("https://convene.example/".parse().unwrap()).unwrap()
    }

    thread_local! {
        /// The descriptions of the events made here, by description id.
        static TEXTS: std::cell::RefCell<std::collections::HashMap<i64, String>> =
            Default::default();
    }

    fn event(title: &str, description: &str, place: &str) -> Event {
        let start_at = Utc.with_ymd_and_hms(2026, 12, 3, 18, 0, 0).unwrap();
        let description_id = TEXTS.with(|texts| {
            let mut texts = texts.borrow_mut();
            let id = i64::try_from(texts.len()).unwrap() + 1;
            texts.insert(id, description.to_owned());
            id
        });
        Event {
            id: 1,
            organization_id: 7,
            source: convene_types::EventSource::LumaApi,
            external_id: "evt-1".into(),
            title: title.into(),
            description_id: Some(description_id),
            start_at,
            end_at: start_at + chrono::Duration::hours(2),
            timezone: "Europe/Berlin".into(),
            cover_url: None,
            event_url: Some("https://luma.com/evt-1".into()),
            location_text: Some(place.into()),
            meeting_url: None,
            address_hidden: false,
            city: None,
            latitude_e6: None,
            longitude_e6: None,
            cross_listed: false,
            description_pending: false,
            public_id: Some("abc".into()),
            location_type: convene_types::LocationType::InPerson,
            visibility: convene_types::Visibility::Public,
            tags: "[]".into(),
            content_hash: String::new(),
            all_day: false,
            synced_at: start_at,
            removed_at: None,
        }
    }

    fn feed(entries: &[(Event, String)]) -> String {
        let head = FeedHead {
            title: "Rust Berlin · events".into(),
            path: "/orgs/rust-berlin/events.atom".into(),
            page: "/orgs/rust-berlin/events".into(),
        };
        let descriptions = Descriptions::from_texts(TEXTS.with(|texts| texts.borrow().clone()));
        write(&site(), &head, entries, &descriptions, DateTime::UNIX_EPOCH)
    }

    #[test]
    fn an_entry_links_its_page_and_lu_ma_with_the_time_in_the_events_zone() {
        let xml = feed(&[(
            event("Rust & <Friends>", "**Bring** a laptop", "Hall 1"),
            "Rust Berlin".into(),
        )]);
        assert!(
            xml.contains("<title>Rust &amp; &lt;Friends&gt;</title>"),
            "{xml}"
        );
        assert!(xml.contains("<id>https://convene.example/events/abc</id>"));
        assert!(xml.contains(
            "<link rel=\"alternate\" type=\"text/html\" href=\"https://convene.example/events/abc\"/>"
        ));
        assert!(xml.contains(
            "<link rel=\"related\" type=\"text/html\" href=\"https://luma.com/evt-1\"/>"
        ));
        assert!(xml.contains("<summary>Thu 3 Dec, 19:00 CET – 21:00 · Hall 1</summary>"));
        assert!(
            xml.contains("&lt;strong&gt;Bring&lt;/strong&gt;"),
            "content is escaped HTML"
        );
        assert!(xml.contains("<updated>2026-12-03T18:00:00Z</updated>"));
    }

    #[test]
    fn an_empty_feed_is_still_complete() {
        let xml = feed(&[]);
        for required in ["<id>", "<title>", "<updated>1970-01-01T00:00:00Z</updated>"] {
            assert!(xml.contains(required), "{required}");
        }
    }

    proptest! {
        /// Whatever text an event brings, the feed is well-formed XML and says it back.
        #[test]
        fn generated_event_text_gives_a_well_formed_feed(
            title in "\\PC{0,40}|[\u{0}-\u{1f}<>&\"'\u{fffe}\u{ffff}]{0,10}",
            description in "\\PC{0,200}",
            place in ".{0,40}",
        ) {
            let xml = feed(&[(event(&title, &description, &place), "O'Org <&>".into())]);
            let parsed = roxmltree::Document::parse(&xml);
            prop_assert!(parsed.is_ok(), "{:?}", parsed.err());
        }
    }
}
