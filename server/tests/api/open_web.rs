//! Convene on the open web (issue #18): event pages with schema.org markup and link previews,
//! the sitemap and robots.txt, read as a search engine or another site reads them.

use chrono::{DateTime, Utc};
use convene::rules::visibility::Visibility;
use convene::store::entities::event;
use convene::store::{self};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::helpers::{Seed, TestApp, occurrences, spawn_app, spawn_app_with};

/// The demo's next public event with a place and a description: what a search engine finds.
async fn next_public_event(app: &TestApp) -> event::Model {
    let db = store::connect(&app.database_url).await.unwrap();
    let found = event::Entity::find()
        .filter(event::Column::Visibility.eq(Visibility::Public))
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::EndAt.gt(Utc::now()))
        .filter(event::Column::LocationText.is_not_null())
        .filter(event::Column::DescriptionId.is_not_null())
        .order_by_asc(event::Column::StartAt)
        .one(&db)
        .await
        .unwrap()
        .expect("the demo has upcoming public events");
    db.close().await.unwrap();
    found
}

async fn organization_of(
    app: &TestApp,
    event: &event::Model,
) -> convene::store::organizations::Organization {
    let db = store::connect(&app.database_url).await.unwrap();
    let org = convene::store::entities::organization::Entity::find_by_id(event.organization_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    db.close().await.unwrap();
    org
}

/// Text as HTML writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// The `href` of the page's `<link rel="canonical">`.
fn canonical_link(html: &str) -> Option<&str> {
    let tag = html
        .split("<link ")
        .map(|tag| &tag[..tag.find('>').unwrap_or(tag.len())])
        .find(|tag| tag.contains("rel=\"canonical\""))?;
    between(tag, "href=\"", "\"")
}

/// The `content` of the `<meta>` whose `property` or `name` is `key`.
fn meta<'a>(html: &'a str, key: &str) -> Option<&'a str> {
    let tag = html.split("<meta ").find(|tag| {
        tag.contains(&format!("property=\"{key}\"")) || tag.contains(&format!("name=\"{key}\""))
    })?;
    between(tag, "content=\"", "\"")
}

#[tokio::test]
async fn an_event_page_is_complete_html_with_markup_previews_and_one_canonical_address() {
    let app = spawn_app_with(Seed::Demo).await;
    let event = next_public_event(&app).await;
    let public_id = event.public_id.clone().unwrap();
    let path = format!("/events/{public_id}");
    let response = app.get(&path).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();

    // The page itself, without JavaScript: title, time in the event's zone, place, actions.
    assert!(
        html.contains(&format!("<h1>{}", escaped(&event.title))),
        "the title is the heading: {:?} {:?}",
        event.title,
        between(&html, "<h1", "</h1>")
    );
    let zone: chrono_tz::Tz = event.timezone.parse().unwrap();
    let local_day = event
        .start_at
        .with_timezone(&zone)
        .format("%A %-d %B %Y")
        .to_string();
    assert!(
        html.contains(&local_day),
        "the date in the event's own zone: {local_day}"
    );
    assert!(html.contains(&escaped(event.location_text.as_deref().unwrap())));
    assert!(
        html.contains("data-luma-action=\"checkout\""),
        "Register opens lu.ma's checkout"
    );
    assert!(
        html.contains(&format!("href=\"{path}.ics\"")),
        "Add to calendar"
    );
    assert!(
        html.contains("https://calendar.google.com/calendar/render?"),
        "Google Calendar"
    );
    assert!(
        html.contains("Show times in my timezone"),
        "the viewer-zone toggle"
    );
    assert!(
        !html.contains("<leptos-island") && !html.contains("/pkg/convene.js"),
        "no WebAssembly on an event's page: a few lines of script do the timezone"
    );
    assert!(
        html.contains("More from "),
        "the organization's other events"
    );

    // One canonical address, and link previews pointing at it.
    let canonical = app.url(&path);
    assert_eq!(canonical_link(&html), Some(canonical.as_str()));
    assert_eq!(
        meta(&html, "og:title"),
        Some(escaped(&event.title).as_str())
    );
    assert_eq!(meta(&html, "og:url"), Some(canonical.as_str()));
    assert!(
        meta(&html, "og:description")
            .is_some_and(|text| !text.is_empty() && text.chars().count() <= 200)
    );
    assert!(matches!(
        meta(&html, "twitter:card"),
        Some("summary" | "summary_large_image")
    ));
    assert_eq!(meta(&html, "robots"), None, "a public event may be indexed");

    // schema.org Event, parsed: what search engines require.
    let markup = between(&html, "<script type=\"application/ld+json\">", "</script>")
        .expect("JSON-LD on the page");
    let markup: serde_json::Value = serde_json::from_str(markup).unwrap();
    assert_eq!(markup["@context"], "https://schema.org");
    assert_eq!(markup["@type"], "Event");
    assert_eq!(markup["name"], event.title.as_str());
    assert_eq!(markup["url"], canonical.as_str());
    for (key, at) in [("startDate", event.start_at), ("endDate", event.end_at)] {
        let written = markup[key].as_str().unwrap();
        let parsed =
            DateTime::parse_from_rfc3339(written).unwrap_or_else(|_| panic!("{key}: {written}"));
        assert_eq!(parsed.with_timezone(&Utc), at, "{key}");
        assert_eq!(
            parsed.offset(),
            &at.with_timezone(&zone).fixed_offset().offset().to_owned(),
            "{key} carries the event's own offset"
        );
    }
    assert_eq!(markup["eventStatus"], "https://schema.org/EventScheduled");
    assert!(
        markup["eventAttendanceMode"]
            .as_str()
            .unwrap()
            .starts_with("https://schema.org/")
    );
    assert!(matches!(
        markup["location"]["@type"].as_str(),
        Some("Place" | "VirtualLocation")
    ));
    assert_eq!(markup["organizer"]["@type"], "Organization");
    assert!(
        markup["organizer"]["name"]
            .as_str()
            .is_some_and(|name| !name.is_empty())
    );

    // The calendar file shares the page's path.
    let file = app.get(&format!("{path}.ics")).await;
    assert_eq!(file.status(), 200);
    assert!(
        file.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );

    // The organization's list and the dashboard link to the page.
    let slug = organization_of(&app, &event).await.slug;
    let (_, list) = app
        .get_html(&format!("/orgs/{slug}/events?view=list"))
        .await;
    assert!(
        list.contains(&format!("href=\"{path}\"")),
        "the events list links the page"
    );
    let (_, dashboard) = app.get_html("/dashboard").await;
    assert!(
        dashboard.contains(&format!("{path}\"")),
        "the dashboard links the page"
    );
}

#[tokio::test]
async fn removed_unknown_and_malformed_events_are_not_found() {
    let app = spawn_app_with(Seed::Demo).await;
    let event = next_public_event(&app).await;
    let public_id = event.public_id.clone().unwrap();
    let db = store::connect(&app.database_url).await.unwrap();
    let mut removed: event::ActiveModel = event.into();
    removed.removed_at = Set(Some(Utc::now()));
    removed.update(&db).await.unwrap();
    db.close().await.unwrap();

    for path in [
        format!("/events/{public_id}"),
        format!("/events/{public_id}.ics"),
        "/events/nosuchevent0000000000000".to_owned(),
        "/events/%3Cscript%3E".to_owned(),
        format!("/events/{}", "a".repeat(5000)),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 404, "{}", &path[..path.len().min(60)]);
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("<script>"),
            "nothing from the address is echoed"
        );
    }
    let (_, html) = app.get_html(&format!("/events/{public_id}")).await;
    assert!(html.contains("Event not found"));
    assert!(!html.contains("application/ld+json"));
}

#[tokio::test]
async fn the_sitemap_lists_organizations_and_public_event_pages_and_robots_names_it() {
    let app = spawn_app_with(Seed::Demo).await;
    let event = next_public_event(&app).await;
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let xml = response.text().await.unwrap();
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locations: Vec<&str> = root
        .descendants()
        .filter(|node| node.has_tag_name("loc"))
        .filter_map(|node| node.text())
        .collect();
    let event_page = app.url(&format!("/events/{}", event.public_id.unwrap()));
    assert!(
        locations.contains(&event_page.as_str()),
        "the public event's page"
    );
    assert!(
        locations
            .iter()
            .any(|url| url.ends_with("/orgs/rust-berlin")),
        "an organization"
    );
    assert!(
        locations.iter().all(|url| url.starts_with(&app.url("/"))),
        "absolute, ours"
    );

    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(
        robots.contains(&format!("Sitemap: {}\n", app.url("/sitemap.xml"))),
        "{robots}"
    );
}

#[tokio::test]
async fn a_members_only_event_tells_a_visitor_to_sign_in_and_is_kept_out_of_search_engines() {
    let app = spawn_app().await;
    let db = store::connect(&app.database_url).await.unwrap();
    let org = convene::store::organizations::find_by_slug(&db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    let start = Utc::now() + chrono::Duration::days(3);
    event::ActiveModel {
        organization_id: Set(org.id),
        source: Set(convene_types::EventSource::LumaApi),
        external_id: Set("evt-members".into()),
        title: Set("Planning night".into()),
        start_at: Set(start),
        end_at: Set(start + chrono::Duration::hours(2)),
        timezone: Set("Europe/Berlin".into()),
        location_type: Set(convene_types::LocationType::InPerson),
        visibility: Set(Visibility::MembersOnly),
        public_id: Set(Some("membersonly1".into())),
        tags: Set("[]".into()),
        content_hash: Set(String::new()),
        synced_at: Set(start),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    db.close().await.unwrap();
    let response = app.get("/events/membersonly1").await;
    assert_eq!(response.status(), 401);
    let html = response.text().await.unwrap();
    assert!(html.contains("Members-only event") && html.contains("Sign in"));
    assert!(html.contains("Rust Berlin"), "whose event it is");
    assert!(!html.contains("Planning night"), "not what it is");
    assert_eq!(meta(&html, "robots"), Some("noindex"));
}

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The text of `parent`'s child element `name` in the Atom namespace.
fn child_text<'a>(parent: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    parent
        .children()
        .find(|node| node.has_tag_name((ATOM, name)))
        .and_then(|node| node.text())
}

/// RFC 4287's rules for a feed and each entry, checked on the parsed document: id, title and
/// updated (a date-time) everywhere, an author for every entry, an alternate link per entry.
fn assert_valid_atom(xml: &str) -> Vec<(String, String)> {
    let document = roxmltree::Document::parse(xml).expect("well-formed XML");
    let feed = document.root_element();
    assert!(
        feed.has_tag_name((ATOM, "feed")),
        "the root is an Atom feed"
    );
    for name in ["id", "title", "updated"] {
        let found = feed
            .children()
            .filter(|node| node.has_tag_name((ATOM, name)))
            .count();
        assert_eq!(found, 1, "the feed has exactly one {name}");
    }
    DateTime::parse_from_rfc3339(child_text(feed, "updated").unwrap())
        .expect("updated is RFC 3339");
    let feed_has_author = feed
        .children()
        .any(|node| node.has_tag_name((ATOM, "author")));
    let self_link = feed
        .children()
        .find(|node| node.has_tag_name((ATOM, "link")) && node.attribute("rel") == Some("self"));
    assert!(self_link.is_some(), "a self link");
    let mut entries = Vec::new();
    for entry in feed
        .children()
        .filter(|node| node.has_tag_name((ATOM, "entry")))
    {
        for name in ["id", "title", "updated"] {
            let found = entry
                .children()
                .filter(|node| node.has_tag_name((ATOM, name)))
                .count();
            assert_eq!(found, 1, "an entry has exactly one {name}");
        }
        DateTime::parse_from_rfc3339(child_text(entry, "updated").unwrap()).expect("RFC 3339");
        let author = entry
            .children()
            .find(|node| node.has_tag_name((ATOM, "author")));
        assert!(
            feed_has_author || author.is_some_and(|author| child_text(author, "name").is_some()),
            "every entry has an author"
        );
        let alternate = entry
            .children()
            .find(|node| {
                node.has_tag_name((ATOM, "link")) && node.attribute("rel") == Some("alternate")
            })
            .and_then(|node| node.attribute("href"))
            .expect("an alternate link");
        entries.push((
            child_text(entry, "title").unwrap().to_owned(),
            alternate.to_owned(),
        ));
    }
    let ids: std::collections::HashSet<_> = feed
        .descendants()
        .filter(|node| node.has_tag_name((ATOM, "id")))
        .filter_map(|node| node.text())
        .collect();
    assert_eq!(ids.len(), entries.len() + 1, "ids are unique");
    entries
}

#[tokio::test]
async fn atom_feeds_are_valid_link_each_event_page_and_answer_304_when_unchanged() {
    let app = spawn_app_with(Seed::Demo).await;
    let event = next_public_event(&app).await;
    let page = app.url(&format!("/events/{}", event.public_id.clone().unwrap()));
    let org = organization_of(&app, &event).await;

    for path in [
        format!("/orgs/{}/events.atom", org.slug),
        "/events.atom".to_owned(),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/atom+xml; charset=utf-8",
            "{path}"
        );
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        let xml = response.text().await.unwrap();
        let entries = assert_valid_atom(&xml);
        assert!(
            entries.iter().any(|(_, link)| link == &page),
            "{path} links the event's page"
        );
        let again = app
            .client
            .get(app.url(&path))
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path} unchanged");
    }
    assert_eq!(app.get("/orgs/no-such-org/events.atom").await.status(), 404);

    // Pages name their feed for feed readers.
    for (page, feed) in [
        (
            format!("/orgs/{}", org.slug),
            format!("/orgs/{}/events.atom", org.slug),
        ),
        (
            format!("/orgs/{}/events", org.slug),
            format!("/orgs/{}/events.atom", org.slug),
        ),
        ("/dashboard".to_owned(), "/events.atom".to_owned()),
    ] {
        let (_, html) = app.get_html(&page).await;
        let alternate = html
            .split("<link ")
            .map(|tag| &tag[..tag.find('>').unwrap_or(tag.len())])
            .find(|tag| tag.contains("rel=\"alternate\"") && tag.contains("application/atom+xml"))
            .unwrap_or_else(|| panic!("{page} names no Atom feed"));
        assert!(
            alternate.contains(&format!("href=\"{}\"", app.url(&feed))),
            "{page}: {alternate}"
        );
        assert_eq!(
            canonical_link(&html),
            Some(app.url(&page).as_str()),
            "{page}'s canonical address"
        );
        assert!(meta(&html, "og:title").is_some(), "{page}'s link preview");
    }
}

#[tokio::test]
async fn the_widget_may_be_framed_by_any_site_and_nothing_else_may() {
    let app = spawn_app_with(Seed::Demo).await;
    let event = next_public_event(&app).await;
    let org = organization_of(&app, &event).await;

    let response = app
        .get(&format!("/embed/events?org={}&limit=20", org.slug))
        .await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.starts_with("frame-ancestors *; "), "{policy}");
    // Its one script runs by hash; nothing else could.
    assert!(policy.contains("script-src 'sha256-"), "{policy}");
    assert!(
        headers.get("x-frame-options").is_none(),
        "older browsers would refuse the frame"
    );
    let html = response.text().await.unwrap();
    let page = app.url(&format!("/events/{}", event.public_id.clone().unwrap()));
    assert!(
        html.contains(&format!(
            "href=\"{page}\" target=\"_blank\" rel=\"noopener\""
        )),
        "the event links its page, in a new tab"
    );
    assert!(html.contains("Register on lu.ma"));
    assert!(html.contains("<html lang=\"en\" data-theme=\"light\">"));
    assert!(
        !html.contains("/pkg/"),
        "no wasm, no site stylesheet: one small document"
    );

    let one = app
        .get(&format!(
            "/embed/events?org={}&limit=1&theme=dark",
            org.slug
        ))
        .await;
    let one = one.text().await.unwrap();
    assert_eq!(occurrences(&one, "class=\"w-event\""), 1);
    assert!(one.contains("data-theme=\"dark\""));
    let network = app.get("/embed/events").await.text().await.unwrap();
    assert!(
        occurrences(&network, "class=\"w-event\"") >= 1,
        "the network's events"
    );

    // Refusals say what to change, framed like the widget; nothing else may be framed.
    for (query, status, words) in [
        (
            "limit=500",
            400,
            "limit: must be a whole number from 1 to 20",
        ),
        ("theme=blue", 400, "theme: must be \"light\" or \"dark\""),
        (
            "topic=%25%25",
            400,
            "topic: a topic needs letters or digits",
        ),
        ("org=no-such-org", 404, "no organization has this name"),
    ] {
        let response = app.get(&format!("/embed/events?{query}")).await;
        assert_eq!(response.status(), status, "{query}");
        assert!(
            response.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("frame-ancestors *; ")
        );
        let body = response.text().await.unwrap();
        assert!(
            body.contains(&words.replace('"', "&quot;")),
            "{query}: {body}"
        );
    }
    for path in [
        "/",
        &format!("/orgs/{}", org.slug),
        &format!("/events/{}", event.public_id.unwrap()),
    ] {
        let response = app.get(path).await;
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            policy.starts_with("frame-ancestors 'none'; "),
            "{path}: {policy}"
        );
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
    }

    // The organization's page offers the snippet; its script is served to any site.
    let (_, org_page) = app.get_html(&format!("/orgs/{}", org.slug)).await;
    assert!(
        org_page.contains(&format!(
            "&lt;iframe src=\"{}\"",
            app.url(&format!("/embed/events?org={}", org.slug))
        )),
        "the snippet, as text to copy: {:?}",
        between(&org_page, "<pre", "</pre>")
    );
    let script = app.get("/embed/widget.js").await;
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.text().await.unwrap().contains("data-convene-widget"));
}

/// Titles of the events a topic's page lists.
fn topic_titles(html: &str) -> Vec<String> {
    let list = between(html, "<ul class=\"topic-events\">", "</ul>").unwrap_or_default();
    list.split("<li>")
        .skip(1)
        .filter_map(|item| between(item, "\">", "</a>"))
        .map(|title| title.replace("<!>", "").replace("&amp;", "&"))
        .collect()
}

#[tokio::test]
async fn topics_from_tags_have_pages_feeds_a_dashboard_filter_and_an_admins_rules() {
    use app::topics::{GetTopicSettings, SaveTopicRule, TopicSettings};
    use leptos::server_fn::ServerFn;

    let app = spawn_app_with(Seed::Demo).await;
    // lu.ma tags become topics, across organizations.
    let (status, html) = app.get_html("/topics/talks").await;
    assert_eq!(status, 200);
    let titles = topic_titles(&html);
    for title in [
        "Talk night: async Rust in production",
        "Lightning talks",
        "Rust London: talks evening",
    ] {
        assert!(titles.iter().any(|t| t == title), "{title} in {titles:?}");
    }
    assert!(!titles.iter().any(|t| t == "Hack & Learn"));
    assert_eq!(
        canonical_link(&html),
        Some(app.url("/topics/talks").as_str())
    );
    assert!(html.contains(&format!(
        "href=\"{}\"",
        app.url("/topics/talks/events.atom")
    )));
    // A name finds its topic too; an unknown one is not found.
    assert_eq!(app.get("/topics/Talks").await.status(), 200);
    assert_eq!(app.get("/topics/no-such-topic").await.status(), 404);
    assert_eq!(
        app.get("/topics/no-such-topic/events.atom").await.status(),
        404
    );

    let feed = app
        .get("/topics/talks/events.atom")
        .await
        .text()
        .await
        .unwrap();
    let entries = assert_valid_atom(&feed);
    assert!(entries.iter().any(|(title, _)| title == "Lightning talks"));
    assert!(
        !entries
            .iter()
            .any(|(title, _)| title == "Hack &amp; Learn" || title == "Hack & Learn")
    );

    // The dashboard filters by topic, in its URL, and offers the topics.
    let (_, dashboard) = app.get_html("/dashboard?topic=talks").await;
    assert!(dashboard.contains("Lightning talks"));
    assert!(
        !dashboard.contains("Hack &amp; Learn"),
        "other topics' events are filtered out"
    );
    assert!(
        dashboard.contains("<option value=\"talks\" selected"),
        "the choice shows"
    );
    let (status, refused) = app.get_html("/dashboard?topic=%25%25").await;
    assert_eq!(status, 422);
    assert!(refused.contains("a topic needs letters or digits"));
    // The widget takes a topic as well.
    let widget = app
        .get("/embed/events?topic=talks&limit=20")
        .await
        .text()
        .await
        .unwrap();
    assert!(widget.contains("Lightning talks") && !widget.contains("Hack &amp; Learn"));

    // Rust Berlin's admin merges "Hack night" into "Talks", then hides "Talks".
    let admin = app
        .sign_in(
            convene::demo::DEMO_ADMIN_EMAIL,
            convene::demo::DEMO_PASSWORD,
        )
        .await;
    let settings: TopicSettings = app
        .call(
            GetTopicSettings::PATH,
            &[("slug", "rust-berlin")],
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let tags: Vec<&str> = settings
        .tags
        .iter()
        .map(|tag| tag.tag_slug.as_str())
        .collect();
    let panel = app
        .page_as("/orgs/rust-berlin/settings", Some(&admin))
        .await;
    assert!(
        panel.contains("href=\"/orgs/rust-berlin/topics\""),
        "the settings panel leads to the topics"
    );
    let response = app.get_as("/orgs/rust-berlin/topics", Some(&admin)).await;
    assert_eq!(response.status(), 200);
    let topics_page = response.text().await.unwrap();
    assert!(topics_page.contains("Hack night") && topics_page.contains("shown as"));
    assert_eq!(app.get("/orgs/rust-berlin/topics").await.status(), 401);
    assert!(
        tags.contains(&"hack-night") && tags.contains(&"talks"),
        "{tags:?}"
    );
    let save = |tag: &'static str, name: &'static str, hidden: bool| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let mut form = vec![("slug", "rust-berlin"), ("tag", tag), ("name", name)];
            if hidden {
                form.push(("hidden", "on"));
            }
            app.call(SaveTopicRule::PATH, &form, Some(&admin))
                .await
                .status()
        }
    };
    assert_eq!(save("hack-night", "Talks", false).await, 200);
    let titles = topic_titles(&app.get_html("/topics/talks").await.1);
    assert!(
        titles.iter().any(|t| t == "Hack & Learn"),
        "merged: {titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t == "Project night"),
        "only Rust Berlin's rule"
    );
    assert_eq!(save("talks", "", true).await, 200);
    let titles = topic_titles(&app.get_html("/topics/talks").await.1);
    assert!(
        !titles
            .iter()
            .any(|t| t == "Talk night: async Rust in production"),
        "hidden: {titles:?}"
    );
    assert!(
        titles.iter().any(|t| t == "Lightning talks"),
        "other organizations keep theirs"
    );
    assert!(
        titles.iter().any(|t| t == "Hack & Learn"),
        "a rule on another tag stays"
    );
    // A refusal names the problem and changes nothing.
    assert_eq!(save("no-such-tag", "X", false).await, 404);
    assert_eq!(save("social", "!!!", false).await, 422);
    let titles = topic_titles(&app.get_html("/topics/social").await.1);
    assert!(titles.iter().any(|t| t == "Year-end social"));
}

#[tokio::test]
async fn the_dashboards_view_as_text_and_markdown_for_newsletters() {
    let app = spawn_app_with(Seed::Demo).await;
    let response = app
        .get("/dashboard/newsletter.txt?org=rust-berlin&layout=day")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "private, no-cache");
    let text = response.text().await.unwrap();
    assert!(text.contains("Hack & Learn (Rust Berlin)"), "{text}");
    assert!(text.contains("\n  https://luma.com/demo-berlin-1\n"));
    assert!(
        !text.contains("Members' planning evening"),
        "members-only stays with members"
    );
    assert!(!text.contains("Rust Lisbon"), "the filter holds");

    let markdown = app.get("/dashboard/newsletter.md?org=rust-berlin").await;
    assert_eq!(
        markdown.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    let markdown = markdown.text().await.unwrap();
    assert!(markdown.starts_with("### "));
    assert!(
        markdown.contains("[Hack & Learn](<https://luma.com/demo-berlin-1>)"),
        "{markdown}"
    );

    let member = app
        .sign_in(
            convene::demo::DEMO_MEMBER_EMAIL,
            convene::demo::DEMO_PASSWORD,
        )
        .await;
    let theirs = app
        .get_as("/dashboard/newsletter.txt?org=rust-berlin", Some(&member))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        theirs.contains("Members' planning evening"),
        "a member's own view"
    );

    let refused = app.get("/dashboard/newsletter.txt?range=forever").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().starts_with("range:"));

    // The dashboard offers both, for the same filters.
    let (_, page) = app.get_html("/dashboard?org=rust-berlin&layout=day").await;
    assert!(page.contains("href=\"/dashboard/newsletter.md?org=rust-berlin\""));
}
