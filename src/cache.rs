//! Per-process caches that never serve what the store no longer says (issue #16).
//!
//! Triggers in the store bump a counter per topic in the same transaction as any change
//! (`change_counters`: `catalog` for organizations, events and sync runs, `people` for users and
//! memberships, `sessions` for changed or ended sessions), whoever writes: a page, the CLI, a sync
//! or another replica. A request reads the counters once, before anything it caches, and every
//! shelf here answers only under the counters it was filled under. So a change is seen by the
//! next request on any replica sharing the database, and a reader that raced a change can
//! never park its older rows under the newer counters.
//!
//! Nothing here is keyed by anything a viewer could share with another: sessions by their id,
//! viewers by user id, and shared data (the event window of a filter, the directory) holds
//! only what every audience may see before the per-viewer rules are applied to it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};

use crate::Error;
use crate::rules::access::Role;
use crate::store::entities::change_counter;
use crate::store::memberships;
use crate::store::organizations::Organization;
use crate::store::users::{self, User};

/// The store's change counters, as one request read them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub catalog: i64,
    pub people: i64,
    pub sessions: i64,
}

impl Counters {
    /// One statement reading the three counters.
    pub async fn read(db: &impl ConnectionTrait) -> Result<Self, Error> {
        let rows: Vec<(String, i64)> = change_counter::Entity::find()
            .select_only()
            .column(change_counter::Column::Topic)
            .column(change_counter::Column::Value)
            .into_tuple()
            .all(db)
            .await?;
        let value_of = |topic: &str| {
            rows.iter()
                .find(|(name, _)| name == topic)
                .map(|(_, value)| *value)
                // Without its row a topic never moves, and caches would never let go.
                .ok_or_else(|| {
                    Error::Internal(format!(
                        "change_counters has no {topic:?} row; run the migrations"
                    ))
                })
        };
        Ok(Self {
            catalog: value_of("catalog")?,
            people: value_of("people")?,
            sessions: value_of("sessions")?,
        })
    }
}

/// Reads of the counters shared by the requests that wait for them (issue #29): one read at a
/// time, and a request that waited answers with the next read that *began after it arrived*, so
/// it still sees every change committed before it arrived, on any replica. Under load most
/// requests then share a read instead of each paying a statement (and the pool's check of the
/// connection on its return). A failed read is shared the same way, so while the store is down
/// waiting requests fail together instead of each waiting out its own attempt in turn.
#[derive(Default)]
pub struct CounterReads {
    /// Held while reading: one read at a time.
    turn: tokio::sync::Mutex<()>,
    /// The newest read's outcome (the counters, or why it failed), and when it began.
    newest: Mutex<Option<(std::time::Instant, Result<Counters, String>)>>,
}

impl CounterReads {
    pub async fn read(&self, db: &impl ConnectionTrait) -> Result<Counters, Error> {
        self.read_with(|| Counters::read(db)).await
    }

    /// [`Self::read`] with the statement given (`read` runs at most once per call).
    async fn read_with<F, Fut>(&self, read: F) -> Result<Counters, Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Counters, Error>>,
    {
        let arrived = std::time::Instant::now();
        let _turn = self.turn.lock().await;
        let newest = self
            .newest
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some((began, outcome)) = newest
            && began >= arrived
        {
            return outcome.map_err(|failure| Error::Database(sea_orm::DbErr::Custom(failure)));
        }
        let began = std::time::Instant::now();
        let outcome = read().await;
        let shared = match &outcome {
            Ok(counters) => Ok(*counters),
            Err(err) => Err(err.to_string()),
        };
        *self.newest.lock().unwrap_or_else(PoisonError::into_inner) = Some((began, shared));
        outcome
    }
}

/// Which counters a shelf's contents depend on. Counters only grow, so a larger tag is newer.
pub type Tag = (i64, i64);

/// A map whose entries are valid under one tag; a newer tag empties it, an older one neither
/// reads nor writes (that reader's rows may predate the change that moved the tag).
pub struct Shelf<K, V> {
    inner: Mutex<ShelfInner<K, V>>,
    capacity: usize,
    /// The most the entries may weigh together, as `weigh` counts.
    max_bytes: usize,
    /// An entry's weight in bytes (key and value), near enough to bound the shelf's memory.
    weigh: fn(&K, &V) -> usize,
    /// What `/metrics` calls it.
    name: &'static str,
}

struct ShelfInner<K, V> {
    tag: Tag,
    entries: HashMap<K, V>,
    bytes: usize,
}

impl<K: Eq + Hash, V: Clone> Shelf<K, V> {
    /// At most `capacity` entries: a full shelf is emptied rather than grown (memory stays
    /// bounded whatever keys arrive; the next requests refill it).
    pub fn new(capacity: usize) -> Self {
        Self::weighed(capacity, usize::MAX, |_, _| 0)
    }

    /// At most `capacity` entries weighing at most `max_bytes` together: an entry heavier
    /// than that is not kept, and one that would tip the shelf over empties it first.
    pub fn weighed(capacity: usize, max_bytes: usize, weigh: fn(&K, &V) -> usize) -> Self {
        Self {
            inner: Mutex::new(ShelfInner {
                tag: (i64::MIN, i64::MIN),
                entries: HashMap::new(),
                bytes: 0,
            }),
            capacity,
            max_bytes,
            weigh,
            name: "unnamed",
        }
    }

    /// The same shelf, called `name` in `/metrics`.
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// A poisoned lock only means another request panicked; the map is still whole.
    fn lock(&self, tag: Tag) -> (MutexGuard<'_, ShelfInner<K, V>>, bool) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if tag != inner.tag && tag.0 >= inner.tag.0 && tag.1 >= inner.tag.1 {
            inner.tag = tag;
            inner.entries.clear();
            inner.bytes = 0;
        }
        let current = inner.tag == tag;
        (inner, current)
    }

    /// The entry under `tag`, or `read`'s answer, kept for the next request.
    pub async fn get_or_read<F, Fut>(&self, key: K, tag: Tag, read: F) -> Result<V, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, Error>>,
    {
        if let Some(value) = self.get(&key, tag) {
            return Ok(value);
        }
        let value = read().await?;
        self.put(key, value.clone(), tag);
        Ok(value)
    }

    pub fn get(&self, key: &K, tag: Tag) -> Option<V> {
        let (inner, current) = self.lock(tag);
        let found = current.then(|| inner.entries.get(key).cloned()).flatten();
        crate::observed::cache_lookup(self.name, found.is_some());
        found
    }

    /// Keeps `value`, read from the store after the counters that make `tag`.
    pub fn put(&self, key: K, value: V, tag: Tag) {
        let (mut inner, current) = self.lock(tag);
        let weight = (self.weigh)(&key, &value);
        if !current || weight > self.max_bytes {
            return;
        }
        if inner.entries.len() >= self.capacity || inner.bytes + weight > self.max_bytes {
            inner.entries.clear();
            inner.bytes = 0;
        }
        let replaced = inner
            .entries
            .get(&key)
            .map_or(0, |old| (self.weigh)(&key, old));
        inner.entries.insert(key, value);
        inner.bytes = inner.bytes - replaced + weight;
    }

    /// What the entries weigh together, as the shelf counts it.
    pub fn bytes(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }

    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a signed-in session says, without its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionFacts {
    pub user_id: i64,
    /// The day the session was last extended (days since the Common Era).
    pub extended_on: Option<i32>,
}

/// Every cache of one process, shared by its requests (cheap to clone).
#[derive(Clone)]
pub struct Caches(Arc<Shelves>);

pub struct Shelves {
    /// The change counters, read once for the requests waiting together.
    pub counter_reads: CounterReads,
    /// By session id (the cookie's value never leaves this process's memory).
    pub sessions: Shelf<i128, SessionFacts>,
    /// By user id: the user and their organizations with their role (`None`: no such user).
    pub viewers: Shelf<i64, Option<Arc<Viewer>>>,
    /// The directory (every organization with its member count) and the dashboard's change
    /// marker.
    pub directory: Shelf<(), Arc<Vec<convene_types::views::OrganizationSummary>>>,
    pub marker: Shelf<(), i64>,
    /// The dashboard's cards as every viewer sees them (before "one of mine" and the other
    /// organizations listing the event), by event and minute: formatting times and links was
    /// most of a card's cost, and the same events reach many viewers.
    pub cards: Shelf<(i64, i64, convene_types::Locale), Arc<convene_types::views::DashboardEvent>>,
    /// What the modules above keep here under their own types ([`Kept`]): the dashboard's
    /// windows, events lists, event pages, topics, written feeds.
    kept: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

/// Something a module of the core keeps in the process's caches, under a type of its own: the
/// module names what it holds (a [`Shelf`] of its keys and values, with its bounds) and builds
/// it; the caches hold it without knowing it. So a read model depends on the caches, never the
/// other way round.
pub trait Kept: 'static {
    type Held: Send + Sync + 'static;
    /// What the caches hold for it, built on first use.
    fn build() -> Self::Held;
}

impl Shelves {
    /// What `K` keeps here (built the first time it is asked for).
    pub fn kept<K: Kept>(&self) -> Arc<K::Held> {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let held = kept
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Arc::new(K::build()))
            .clone();
        match held.downcast::<K::Held>() {
            Ok(held) => held,
            // Each `K` is stored under its own `TypeId` as its own `Held`: unreachable, and
            // harmless if it were (a fresh one replaces it).
            Err(_) => {
                let fresh = Arc::new(K::build());
                kept.insert(TypeId::of::<K>(), fresh.clone());
                fresh
            }
        }
    }
}

/// Sizes: enough for every session and member of a large network, and every filter a busy
/// minute asks for. An entry is a few hundred bytes, a window a few tens of kB; the shelves
/// whose entries grow with the events they hold are bounded in bytes too.
const SESSIONS: usize = 100_000;
const VIEWERS: usize = 50_000;
const CARDS: usize = 50_000;
const CARDS_BYTES: usize = 32 * 1024 * 1024;

impl Default for Caches {
    fn default() -> Self {
        Self(Arc::new(Shelves {
            counter_reads: CounterReads::default(),
            sessions: Shelf::new(SESSIONS).named("sessions"),
            viewers: Shelf::new(VIEWERS).named("viewers"),
            directory: Shelf::new(1).named("directory"),
            marker: Shelf::new(1).named("marker"),
            cards: Shelf::weighed(CARDS, CARDS_BYTES, |_, card: &Arc<_>| card_weight(card))
                .named("cards"),
            kept: Mutex::new(HashMap::new()),
        }))
    }
}

impl std::ops::Deref for Caches {
    type Target = Shelves;
    fn deref(&self) -> &Shelves {
        &self.0
    }
}

/// What a card holds in memory, near enough for a cache's byte budget.
fn card_weight(card: &convene_types::views::DashboardEvent) -> usize {
    let text = |value: &Option<String>| value.as_ref().map_or(0, String::len);
    std::mem::size_of::<convene_types::views::DashboardEvent>()
        + text(&card.calendar_file)
        + text(&card.page_url)
        + card.luma_id.len()
        + card.title.len()
        + card.org_slug.len()
        + card.org_name.len()
        + card.start_utc.len()
        + card.end_utc.len()
        + card.starts.len()
        + card.ends.len()
        + card.when.len()
        + card.timezone.len()
        + card.hint.len()
        + card.day_label.len()
        + card.location.len()
        + card.also_listed_by.iter().map(String::len).sum::<usize>()
        + text(&card.cover_url)
        + text(&card.event_url)
        + card.google_calendar_url.len()
}

/// The caches and the counters the current request read: what a cached read needs.
#[derive(Clone, Copy)]
pub struct CachedReads<'a> {
    pub caches: &'a Caches,
    pub counters: Counters,
}

impl CachedReads<'_> {
    pub fn sessions_tag(&self) -> Tag {
        (self.counters.sessions, 0)
    }
    /// A viewer's organizations depend on memberships and on the organizations themselves.
    pub fn viewer_tag(&self) -> Tag {
        (self.counters.people, self.counters.catalog)
    }
    pub fn catalog_tag(&self) -> Tag {
        (self.counters.catalog, 0)
    }
    /// Member counts depend on people, names and calendars on the catalog.
    pub fn directory_tag(&self) -> Tag {
        (self.counters.catalog, self.counters.people)
    }
}

/// The minute `time` falls in (minutes since the epoch): what caches kept "per minute" key by.
pub fn minute_of(time: chrono::DateTime<chrono::Utc>) -> i64 {
    time.timestamp().div_euclid(60)
}

/// A signed-in user and their organizations with their role there, by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub user: User,
    pub organizations: Vec<(Organization, Role)>,
}

/// The user behind a session and their organizations: from the cache, or two statements.
pub async fn viewer(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    user_id: i64,
) -> Result<Option<Arc<Viewer>>, Error> {
    reads
        .caches
        .viewers
        .get_or_read(user_id, reads.viewer_tag(), || async {
            Ok(match users::find_by_id(db, user_id).await? {
                Some(user) => Some(Arc::new(Viewer {
                    organizations: memberships::organizations_of(db, user.id).await?,
                    user,
                })),
                None => None,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::Shelf;

    #[test]
    fn a_shelf_answers_only_under_the_tag_it_was_filled_under() {
        let shelf: Shelf<&str, u32> = Shelf::new(10);
        shelf.put("a", 1, (1, 1));
        assert_eq!(shelf.get(&"a", (1, 1)), Some(1));
        // A newer tag (either counter moved) empties the shelf.
        assert_eq!(shelf.get(&"a", (1, 2)), None);
        // A reader that read the counters before the change can neither read nor write.
        shelf.put("a", 1, (1, 1));
        assert_eq!(shelf.get(&"a", (1, 1)), None);
        assert_eq!(shelf.get(&"a", (1, 2)), None);
        shelf.put("a", 2, (1, 2));
        assert_eq!(shelf.get(&"a", (1, 2)), Some(2));
        // Neither newer nor older (one counter back, one forward) is not trusted to fill it.
        assert_eq!(shelf.get(&"a", (0, 3)), None);
        assert_eq!(shelf.get(&"a", (1, 2)), Some(2));
    }

    #[test]
    fn a_weighed_shelf_stays_within_its_bytes() {
        let shelf: Shelf<u32, String> = Shelf::weighed(100, 10, |_, text| text.len());
        shelf.put(1, "abcd".into(), (0, 0));
        shelf.put(2, "efgh".into(), (0, 0));
        assert_eq!((shelf.len(), shelf.bytes()), (2, 8));
        // Replacing an entry counts its new weight only.
        shelf.put(2, "ef".into(), (0, 0));
        assert_eq!((shelf.len(), shelf.bytes()), (2, 6));
        // One that would tip it over empties it first.
        shelf.put(3, "ijklm".into(), (0, 0));
        assert_eq!((shelf.len(), shelf.bytes()), (1, 5));
        // One heavier than the whole shelf is never kept.
        shelf.put(4, "x".repeat(11), (0, 0));
        assert_eq!(shelf.get(&4, (0, 0)), None);
        assert_eq!(shelf.get(&3, (0, 0)).as_deref(), Some("ijklm"));
    }

    /// Requests waiting together share a read of the counters, and a request that arrives after
    /// a change sees it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_requests_share_a_read_that_began_after_they_arrived() {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use sea_orm::ConnectionTrait;

        use super::{CounterReads, Counters};

        let store = crate::testing::fresh_store().await;
        let mut counted = crate::store::connect(store.url()).await.unwrap();
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        counted.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let reads = Arc::new(CounterReads::default());
        let before = Counters::read(&counted).await.unwrap();
        statements.store(0, Ordering::Relaxed);
        let waiting: Vec<_> = (0..32)
            .map(|_| {
                let (reads, counted) = (reads.clone(), counted.clone());
                tokio::spawn(async move { reads.read(&counted).await.unwrap() })
            })
            .collect();
        for request in waiting {
            assert_eq!(request.await.unwrap(), before);
        }
        let shared = statements.load(Ordering::Relaxed);
        assert!(
            (1..32).contains(&shared),
            "32 waiting requests took {shared} reads"
        );

        // A change, then a request: it sees the change (no read that began before it counts).
        store
            .db()
            .execute_unprepared(
                "UPDATE change_counters SET value = value + 1 WHERE topic = 'people'",
            )
            .await
            .unwrap();
        let after = reads.read(&counted).await.unwrap();
        assert_eq!(after.people, before.people + 1);
    }

    /// While the store is down, requests waiting together share a failed read as they share a
    /// good one: they fail together instead of each making its own attempt in turn.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_requests_share_a_failed_read() {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use super::CounterReads;

        let reads = Arc::new(CounterReads::default());
        let attempts = Arc::new(AtomicUsize::new(0));
        let waiting: Vec<_> = (0..8)
            .map(|_| {
                let (reads, attempts) = (reads.clone(), attempts.clone());
                tokio::spawn(async move {
                    reads
                        .read_with(|| async move {
                            attempts.fetch_add(1, Ordering::SeqCst);
                            // Long enough for every request to arrive while it lasts.
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                            Err(crate::Error::Internal("the store is down".into()))
                        })
                        .await
                })
            })
            .collect();
        for request in waiting {
            let failure = request.await.unwrap().unwrap_err().to_string();
            assert!(failure.contains("the store is down"), "{failure}");
        }
        // The first read began before the others arrived; the next one, after: it is theirs.
        let attempts = attempts.load(Ordering::SeqCst);
        assert!(
            (1..=2).contains(&attempts),
            "8 waiting requests made {attempts} attempts"
        );
    }

    #[test]
    fn a_full_shelf_starts_over_instead_of_growing() {
        let shelf: Shelf<u32, u32> = Shelf::new(3);
        for key in 0..10 {
            shelf.put(key, key, (0, 0));
            assert!(shelf.len() <= 3);
        }
        assert_eq!(shelf.get(&9, (0, 0)), Some(9));
    }
}
