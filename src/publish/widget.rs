//! The widget members put on their own sites: `/embed/events?org=…&topic=…&limit=…&theme=…`,
//! a compact, accessible list of upcoming public events made to be framed by any site. It is
//! one self-contained document (styles inline, a few lines of script that tell the embedding
//! page its height), and every link opens Convene or lu.ma in a new tab.
//!
//! Public events only, whoever frames it: a widget is a public page on someone else's site.

use chrono::{DateTime, Utc};
use convene_types::InputField;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Error;
use crate::mail::compose::escape;
use crate::places::near::{Near, NearParams, NearQuery};
use crate::read_models::event_page;
use crate::rules::bounds;
use crate::rules::visibility::Audience;
use crate::site::PublicUrl;
use crate::store::entities::{event, organization};
use crate::store::events::{self, Event, LONGEST_EVENT};
use crate::store::organizations;
use crate::{import::topics, text::timefmt};

/// Events listed when the embedding page does not say.
pub const DEFAULT_LIMIT: u64 = 5;
/// Events listed at most, whatever the embedding page asks.
pub const MAX_LIMIT: u64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// What the embedding page asked for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetQuery {
    /// One organization's events (by slug), or the whole network's.
    pub org: Option<String>,
    pub topic: Option<String>,
    pub limit: u64,
    pub theme: Theme,
    /// Only events near a city (`near=`, `km=`, `online=`).
    pub near: Option<NearQuery>,
}

impl WidgetQuery {
    /// Reads the query string's values (absent ones are empty); a refusal names the parameter
    /// and what it may be.
    pub fn parse(
        org: &str,
        topic: &str,
        limit: &str,
        theme: &str,
        near: &NearParams<'_>,
    ) -> Result<Self, Error> {
        let org = org.trim();
        let org = if org.is_empty() {
            None
        } else {
            Some(crate::text::slug::Slug::parse(InputField::Organizations, org)?.to_string())
        };
        let limit = match limit.trim() {
            "" => DEFAULT_LIMIT,
            text => text
                .parse::<u64>()
                .ok()
                .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                .ok_or_else(|| {
                    Error::invalid(
                        InputField::Limit,
                        format!("must be a whole number from 1 to {MAX_LIMIT}"),
                    )
                })?,
        };
        let theme = match theme.trim() {
            "" | "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => {
                return Err(Error::invalid(
                    InputField::Theme,
                    "must be \"light\" or \"dark\"",
                ));
            }
        };
        Ok(Self {
            org,
            topic: topics::parse_param(topic)?,
            limit,
            theme,
            near: NearQuery::parse(near)?,
        })
    }
}

/// The widget's document; `None` when `query.org` names no organization.
pub async fn render(
    db: &impl ConnectionTrait,
    site: &PublicUrl,
    query: &WidgetQuery,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    let org = match &query.org {
        Some(slug) => match organizations::find_by_slug(db, slug).await? {
            Some(org) => Some(org),
            None => return Ok(None),
        },
        None => None,
    };
    let mut found = event::Entity::find()
        .find_also_related(organization::Entity)
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::PublicId.is_not_null())
        .filter(Audience::public().condition())
        .filter(event::Column::StartAt.gte(now - LONGEST_EVENT))
        .filter(event::Column::EndAt.gte(now));
    if let Some(org) = &org {
        found = found.filter(event::Column::OrganizationId.eq(org.id));
    }
    if let Some(topic) = &query.topic {
        found = found.filter(topics::has_topic(topic));
    }
    if let Some(near) = &query.near {
        // The widget is public: its cities come from public events only.
        found = found.filter(
            Near::resolve(db, near, &Audience::public())
                .await?
                .condition(),
        );
    }
    let listed: Vec<(Event, String)> = found
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(query.limit)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(item, org)| org.map(|org| (item, org.name)))
        .collect();
    let (heading, more_path) = match &org {
        Some(org) => (
            format!("{} events", org.name),
            format!("/orgs/{}/events", org.slug),
        ),
        None => ("Upcoming events".to_owned(), "/dashboard".to_owned()),
    };
    Ok(Some(document(
        site,
        &heading,
        &site.link(&more_path),
        org.is_none(),
        &listed,
        query.theme,
    )))
}

/// A refusal as the framed page shows it, in the same look.
pub fn refusal(message: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Events</title>\
         <style>{STYLE}</style></head><body><main class=\"w\"><p class=\"w-empty\" role=\"alert\">\
         This widget's address is not right: {}.</p></main></body></html>",
        escape(message)
    )
}

fn document(
    site: &PublicUrl,
    heading: &str,
    more_url: &str,
    show_org: bool,
    listed: &[(Event, String)],
    theme: Theme,
) -> String {
    let theme = match theme {
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"en\" data-theme=\"{theme}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main class=\"w\">\
         <h1 class=\"w-title\"><a href=\"{more}\" target=\"_blank\" rel=\"noopener\">{title}</a></h1>",
        title = escape(heading),
        more = escape(more_url),
    );
    if listed.is_empty() {
        html.push_str("<p class=\"w-empty\">No upcoming events.</p>");
    } else {
        html.push_str("<ul class=\"w-list\">");
        for (item, org_name) in listed {
            push_event(&mut html, site, item, show_org.then_some(org_name.as_str()));
        }
        html.push_str("</ul>");
    }
    html.push_str(&format!(
        "<p class=\"w-foot\"><a href=\"{}\" target=\"_blank\" rel=\"noopener\">All events on Convene</a></p>\
         </main><script>{RESIZE}</script></body></html>",
        escape(more_url)
    ));
    html
}

fn push_event(html: &mut String, site: &PublicUrl, item: &Event, org_name: Option<&str>) {
    let zone = timefmt::zone(&item.timezone);
    let title = escape(&bounds::one_line(&item.title, bounds::TITLE_MAX_CHARS));
    let page = event_page::path(item).map(|path| site.link(&path));
    let (place, _) = events::place(
        item.location_type,
        item.location_text.as_deref(),
        crate::i18n::Locale::English,
    );
    html.push_str("<li class=\"w-event\">");
    match &page {
        Some(page) => html.push_str(&format!(
            "<a class=\"w-name\" href=\"{}\" target=\"_blank\" rel=\"noopener\">{title}</a>",
            escape(page)
        )),
        None => html.push_str(&format!("<span class=\"w-name\">{title}</span>")),
    }
    html.push_str(&format!(
        "<p class=\"w-when\"><time datetime=\"{}\">{}</time></p>",
        item.start_at.to_rfc3339(),
        escape(&timefmt::event_span(
            item.start_at,
            item.end_at,
            zone,
            item.all_day,
            crate::i18n::Locale::English
        ))
    ));
    let mut where_line = escape(&bounds::one_line(&place, bounds::LOCATION_MAX_CHARS));
    if let Some(org_name) = org_name {
        where_line.push_str(&format!(" · {}", escape(org_name)));
    }
    html.push_str(&format!("<p class=\"w-where\">{where_line}</p>"));
    if let Some(url) = events::https_only(item.event_url.clone()).and_then(|url| bounds::link(&url))
    {
        html.push_str(&format!(
            "<a class=\"w-register\" href=\"{}\" target=\"_blank\" rel=\"noopener\">Register on lu.ma\
             <span class=\"w-hidden\"> for {title}</span></a>",
            escape(&url)
        ));
    }
    html.push_str("</li>");
}

/// Light and dark, both with text at WCAG AA contrast on their background.
const STYLE: &str = ":root{--bg:#fff;--ink:#1f2330;--soft:#4f5566;--line:#e3e4ec;--accent:#4338ca}\
[data-theme=dark]{--bg:#14161f;--ink:#f1f2f7;--soft:#b9bdcc;--line:#2c3040;--accent:#a5b4fc}\
html{background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}\
body{margin:0}.w{padding:12px}.w-title{font-size:1rem;margin:0 0 8px}.w-title a{color:var(--ink)}\
.w-list{list-style:none;margin:0;padding:0}.w-event{padding:8px 0;border-top:1px solid var(--line)}\
.w-name{font-weight:600;color:var(--accent);overflow-wrap:anywhere}.w-when,.w-where{margin:2px 0;color:var(--soft)}\
.w-register{display:inline-block;margin-top:4px;color:var(--accent);font-weight:600}\
.w-empty{color:var(--soft);margin:4px 0}.w-foot{margin:8px 0 0;font-size:.85rem}.w-foot a{color:var(--soft)}\
a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}\
.w-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}";

/// Tells the embedding page (`/embed/widget.js`) the document's height whenever it changes.
/// Only the height leaves the frame.
/// The widget document's Content-Security-Policy: any site may frame it, and the one script
/// that runs is its own resize script, named by its hash.
pub fn content_security_policy() -> &'static str {
    static POLICY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    POLICY.get_or_init(|| {
        use base64::Engine;
        use sha2::{Digest, Sha256};
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(RESIZE));
        format!("frame-ancestors *; script-src 'sha256-{hash}'; object-src 'none'; base-uri 'none'")
    })
}

const RESIZE: &str = "(function(){var last=0;function tell(){var h=document.documentElement.scrollHeight;\
if(h!==last){last=h;parent.postMessage({convene:'height',height:h},'*');}}\
if(window.ResizeObserver){new ResizeObserver(tell).observe(document.documentElement);}\
window.addEventListener('load',tell);tell();})();";

/// The snippet's script for the embedding page: sizes each Convene widget frame to the height
/// its document reports. It accepts messages only from the frames' own windows.
pub const EMBED_SCRIPT: &str = "(function(){window.addEventListener('message',function(e){\
var d=e.data;if(!d||d.convene!=='height'||typeof d.height!=='number')return;\
var frames=document.querySelectorAll('iframe[data-convene-widget]');\
for(var i=0;i<frames.length;i++){if(frames[i].contentWindow===e.source){\
frames[i].style.height=Math.min(Math.max(d.height,60),20000)+'px';}}});})();";

/// The snippet an organization's page offers: the frame and the script that sizes it.
pub fn snippet(site: &PublicUrl, org_slug: &str, org_name: &str) -> String {
    format!(
        "<iframe src=\"{src}\" title=\"{title}\" data-convene-widget \
         style=\"width:100%;height:320px;border:0\" loading=\"lazy\"></iframe>\n\
         <script src=\"{script}\" async></script>",
        src = escape(&site.link(&format!("/embed/events?org={org_slug}"))),
        title = escape(&format!("{org_name} events")),
        script = escape(&site.link("/embed/widget.js")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_checked_and_refusals_name_the_parameter() {
        let query = WidgetQuery::parse(
            "rust-berlin",
            "Web Dev",
            "3",
            "dark",
            &NearParams::default(),
        )
        .unwrap();
        assert_eq!(query.org.as_deref(), Some("rust-berlin"));
        assert_eq!(query.topic.as_deref(), Some("web-dev"));
        assert_eq!((query.limit, query.theme), (3, Theme::Dark));
        let defaults = WidgetQuery::parse("", "", "", "", &NearParams::default()).unwrap();
        assert_eq!(
            (defaults.org, defaults.limit, defaults.theme),
            (None, DEFAULT_LIMIT, Theme::Light)
        );
        for (org, limit, theme, field) in [
            ("", "0", "", "limit"),
            ("", "21", "", "limit"),
            ("", "-1", "", "limit"),
            ("", "99999999999999999999999", "", "limit"),
            ("", "", "blue", "theme"),
            ("../admin", "", "", "org"),
        ] {
            let refused = WidgetQuery::parse(org, "", limit, theme, &NearParams::default())
                .unwrap_err()
                .to_string();
            assert!(refused.starts_with(field), "{refused}");
        }
        for (near, field) in [
            (
                NearParams {
                    city: "Lisbon",
                    km: "0",
                    online: "",
                },
                "km",
            ),
            (
                NearParams {
                    city: "Lisbon",
                    km: "",
                    online: "maybe",
                },
                "online",
            ),
            (
                NearParams {
                    city: &"x".repeat(101),
                    km: "",
                    online: "",
                },
                "near",
            ),
        ] {
            let refused = WidgetQuery::parse("", "", "", "", &near)
                .unwrap_err()
                .to_string();
            assert!(refused.starts_with(field), "{refused}");
        }
        let near = WidgetQuery::parse(
            "",
            "",
            "",
            "",
            &NearParams {
                city: " Lisboa ",
                km: "20",
                online: "1",
            },
        )
        .unwrap()
        .near
        .unwrap();
        assert_eq!(
            (near.city.as_str(), near.km, near.include_online),
            ("Lisboa", 20, true)
        );
    }

    #[test]
    fn a_refusal_cannot_carry_markup() {
        let html = refusal("<script>alert(1)</script>");
        assert!(!html.contains("<script>alert"));
    }

    proptest::proptest! {
        #[test]
        fn generated_queries_never_panic(
            org in "\\PC{0,80}", topic in "\\PC{0,80}", limit in "\\PC{0,30}", theme in "\\PC{0,20}",
            city in "\\PC{0,120}", km in "\\PC{0,10}", online in "\\PC{0,5}",
        ) {
            let near = NearParams { city: &city, km: &km, online: &online };
            if let Ok(query) = WidgetQuery::parse(&org, &topic, &limit, &theme, &near) {
                proptest::prop_assert!((1..=MAX_LIMIT).contains(&query.limit));
            }
        }
    }
}
