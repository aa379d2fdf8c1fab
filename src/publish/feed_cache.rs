//! Subscribable feeds (iCalendar and Atom) written once per change of the store and time
//! slot, then served from memory (issue #27): calendar apps and feed readers poll, and four
//! anonymous downloads of a large calendar at once used to cost four renders of hundreds of
//! megabytes. Each feed is bounded (`ical::export::FEED_EVENTS_MAX` and `FEED_BYTES_MAX`), one
//! feed is written at a time (the others wait, then find it written), and the written feeds
//! share a byte budget ([`FEEDS_CACHED_BYTES`]).
//!
//! Keys never mix people: public feeds are the same for everyone, and a personal feed is kept
//! by its owner's id after its token was looked up (a replaced token stops working at once).

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::Error;
use crate::cache::{CachedReads, Kept, Shelf, Tag, minute_of};
use crate::places::near::{Near, NearQuery};
use crate::rules::visibility::Audience;
use crate::site::PublicUrl;
use crate::store::organizations;

/// Written feeds kept in memory together, at most.
pub const FEEDS_CACHED_BYTES: usize = 48 * 1024 * 1024;
/// Feeds kept, at most.
pub const FEEDS_CACHED: usize = 2_000;

/// Which feed, for which time slot: calendars change with the hour (they reach a month back),
/// Atom feeds with the minute (they list what has not ended). Only feeds that exist are
/// kept: an address naming nothing is answered from the store and never reaches the cache.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FeedKey {
    OrganizationCalendar {
        organization_id: i64,
        hour: i64,
    },
    OrganizationAtom {
        organization_id: i64,
        minute: i64,
    },
    NetworkAtom {
        near: Option<Near>,
        minute: i64,
    },
    TopicAtom {
        topic: String,
        near: Option<Near>,
        minute: i64,
    },
    Personal {
        user_id: i64,
        hour: i64,
    },
}

/// A feed as written, with its validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub body: Bytes,
    /// A strong `ETag` of `body`.
    pub etag: String,
}

/// What a kept feed weighs.
pub fn weight(key: &FeedKey, written: &Arc<Written>) -> usize {
    let near = |near: &Option<Near>| {
        near.as_ref()
            .map_or(0, |near| near.names.iter().map(String::len).sum())
    };
    let key = match key {
        FeedKey::TopicAtom {
            topic, near: at, ..
        } => topic.len() + near(at),
        FeedKey::NetworkAtom { near: at, .. } => near(at),
        _ => 0,
    };
    256 + key + written.body.len()
}

/// The feeds as written, and the one writer they wait for.
pub struct Feeds {
    written: Shelf<FeedKey, Arc<Written>>,
    writer: tokio::sync::Semaphore,
}

impl Kept for Feeds {
    type Held = Feeds;
    fn build() -> Self {
        Feeds {
            written: Shelf::weighed(FEEDS_CACHED, FEEDS_CACHED_BYTES, weight).named("feeds"),
            writer: tokio::sync::Semaphore::new(1),
        }
    }
}

/// The feed under `key` written at the counters in `tag`: from memory, or written by `write`
/// while no other feed is being written.
async fn cached<F, Fut>(
    reads: CachedReads<'_>,
    key: FeedKey,
    tag: Tag,
    write: F,
) -> Result<Arc<Written>, Error>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<String, Error>>,
{
    let feeds = reads.caches.kept::<Feeds>();
    let shelf = &feeds.written;
    if let Some(kept) = shelf.get(&key, tag) {
        return Ok(kept);
    }
    // One at a time: a burst of downloads of one feed waits here for the first, and finds
    // it written; memory holds one feed being written, whatever the burst.
    let _writing = feeds
        .writer
        .acquire()
        .await
        .map_err(|err| Error::Internal(format!("the feed writer closed: {err}")))?;
    if let Some(kept) = shelf.get(&key, tag) {
        return Ok(kept);
    }
    let body = write().await?;
    let written = Arc::new(Written {
        etag: crate::publish::ics::etag(&body),
        body: Bytes::from(body),
    });
    shelf.put(key, written.clone(), tag);
    Ok(written)
}

fn hour_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(3_600)
}

/// `/orgs/<slug>/events.ics`; `None` when there is no such organization.
pub async fn organization_calendar(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<Arc<Written>>, Error> {
    let Some(org) = organizations::find_by_slug(db, slug).await? else {
        return Ok(None);
    };
    let key = FeedKey::OrganizationCalendar {
        organization_id: org.id,
        hour: hour_of(now),
    };
    let written = cached(reads, key, reads.catalog_tag(), || {
        crate::publish::ics::organization_feed(db, &org, now)
    })
    .await?;
    Ok(Some(written))
}

/// `/orgs/<slug>/events.atom`; `None` when there is no such organization.
pub async fn organization_atom(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    site: &PublicUrl,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<Arc<Written>>, Error> {
    let Some(org) = organizations::find_by_slug(db, slug).await? else {
        return Ok(None);
    };
    let key = FeedKey::OrganizationAtom {
        organization_id: org.id,
        minute: minute_of(now),
    };
    let written = cached(reads, key, reads.catalog_tag(), || {
        crate::publish::atom::organization_feed(db, site, &org, now)
    })
    .await?;
    Ok(Some(written))
}

/// The city a public feed's `near=` names, looked up among public events (a refusal names
/// the problem).
async fn public_near(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    near: Option<&NearQuery>,
) -> Result<Option<Near>, Error> {
    match near {
        Some(near) => Ok(Some(
            Near::resolve_cached(db, reads, near, &Audience::public()).await?,
        )),
        None => Ok(None),
    }
}

/// `/events.atom` (`?near=`).
pub async fn network_atom(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    site: &PublicUrl,
    near: Option<&NearQuery>,
    now: DateTime<Utc>,
) -> Result<Arc<Written>, Error> {
    let near = public_near(db, reads, near).await?;
    let key = FeedKey::NetworkAtom {
        near: near.clone(),
        minute: minute_of(now),
    };
    cached(reads, key, reads.catalog_tag(), || {
        crate::publish::atom::network_feed(db, site, near.as_ref(), now)
    })
    .await
}

/// `/topics/<topic>/events.atom` (`?near=`); `None` when no upcoming public event has the
/// topic (a topic of members-only events only is not named here).
pub async fn topic_atom(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    site: &PublicUrl,
    topic: &str,
    near: Option<&NearQuery>,
    now: DateTime<Utc>,
) -> Result<Option<Arc<Written>>, Error> {
    let Ok(Some(slug)) = crate::import::topics::parse_param(topic) else {
        return Ok(None);
    };
    let Some(name) = crate::import::topics::name_of(db, &Audience::public(), &slug, now).await?
    else {
        return Ok(None);
    };
    let near = public_near(db, reads, near).await?;
    let key = FeedKey::TopicAtom {
        topic: slug.clone(),
        near: near.clone(),
        minute: minute_of(now),
    };
    let written = cached(reads, key, reads.catalog_tag(), || {
        crate::publish::atom::topic_feed(db, site, &slug, &name, near.as_ref(), now)
    })
    .await?;
    Ok(Some(written))
}

/// `/feeds/<token>.ics`; `None` for a token that is unknown or was replaced. Kept by owner,
/// under the counters of people (memberships, names) and the catalog.
pub async fn personal_calendar(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Arc<Written>>, Error> {
    let Some(user_id) = crate::publish::personal_feed::owner_of(db, token).await? else {
        return Ok(None);
    };
    let Some(user) = crate::store::users::find_by_id(db, user_id).await? else {
        return Ok(None);
    };
    let key = FeedKey::Personal {
        user_id,
        hour: hour_of(now),
    };
    let written = cached(reads, key, reads.viewer_tag(), || {
        crate::publish::personal_feed::feed_of(db, &user, now)
    })
    .await?;
    Ok(Some(written))
}
