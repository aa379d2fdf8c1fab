//! `/sitemap.xml`: what search engines should read, every organization and every public event
//! page (the sitemaps.org protocol). Members-only events are never in it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Error;
use crate::rules::visibility::Audience;
use crate::site::PublicUrl;
use crate::store::entities::event;
use crate::store::organizations;

/// The protocol allows 50,000 addresses in one file; the organizations' pages come first and
/// the events fill the rest, soonest first.
pub const MAX_URLS: usize = 50_000;
/// Events that ended this long ago still have their page listed (people link to them).
pub const ENDED_LISTED_FOR: Duration = Duration::days(30);

pub async fn sitemap(
    db: &impl ConnectionTrait,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let mut urls: Vec<(String, Option<DateTime<Utc>>)> = vec![(site.link("/"), None)];
    for org in organizations::list_all(db).await? {
        urls.push((site.link(&format!("/orgs/{}", org.slug)), None));
        urls.push((
            site.link(&format!("/orgs/{}/events", org.slug)),
            org.events_last_synced_at,
        ));
    }
    let room = MAX_URLS.saturating_sub(urls.len()) as u64;
    let events: Vec<(Option<String>, DateTime<Utc>)> = event::Entity::find()
        .select_only()
        .column(event::Column::PublicId)
        .column(event::Column::SyncedAt)
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::PublicId.is_not_null())
        .filter(Audience::public().condition())
        .filter(event::Column::EndAt.gte(now - ENDED_LISTED_FOR))
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(room)
        .into_tuple()
        .all(db)
        .await?;
    urls.extend(events.into_iter().filter_map(|(public_id, synced_at)| {
        public_id.map(|id| (site.link(&format!("/events/{id}")), Some(synced_at)))
    }));
    Ok(write(&urls))
}

fn write(urls: &[(String, Option<DateTime<Utc>>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, modified) in urls {
        xml.push_str("<url><loc>");
        xml.push_str(&crate::publish::atom::escape(url));
        xml.push_str("</loc>");
        if let Some(modified) = modified {
            xml.push_str("<lastmod>");
            xml.push_str(&modified.format("%Y-%m-%d").to_string());
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}
