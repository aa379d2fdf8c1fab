//! What each organization does over time: its events per month (the last 12 months and the
//! next 3, in UTC months), its last and next event, whether it has gone quiet, how its import
//! is doing, its followers and members and its most frequent topics. Counted in the store, a
//! grouped query per measure, so the network's size costs rows of numbers, not events.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc};
use convene_types::views::SyncHealth;
use convene_types::{ImportSource, Role, SyncOutcome, Visibility};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Error;
use crate::read_models::status;
use crate::store::entities::{event, event_topic, membership, organization};

/// Months before the current one that are shown, and months after it.
pub const PAST_MONTHS: u32 = 11;
pub const COMING_MONTHS: u32 = 3;
/// An organization with no event for this long is quiet.
pub const QUIET_AFTER: Duration = Duration::days(60);
/// Topics shown per organization.
pub const TOP_TOPICS: usize = 3;
/// Topic counts read at most (organizations × their topics): a bound on memory.
const TOPIC_ROWS_MAX: u64 = 50_000;

/// The months shown: their first days, oldest first, and which is the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Months15 {
    pub starts: Vec<NaiveDate>,
    pub current: usize,
}

impl Months15 {
    pub fn around(now: DateTime<Utc>) -> Result<Self, Error> {
        let this = NaiveDate::from_ymd_opt(now.year(), now.month(), 1)
            .ok_or_else(|| Error::Internal("no first of the month".into()))?;
        let first = this
            .checked_sub_months(Months::new(PAST_MONTHS))
            .ok_or_else(|| Error::Internal("months before the calendar's start".into()))?;
        let starts = (0..=PAST_MONTHS + COMING_MONTHS + 1)
            .map(|n| {
                first
                    .checked_add_months(Months::new(n))
                    .ok_or_else(|| Error::Internal("months past the calendar's end".into()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            starts,
            current: usize::try_from(PAST_MONTHS).unwrap_or(0),
        })
    }

    /// The months shown (the last start is the end of the range, not a month shown).
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// "Jan 2026", one per month shown.
    pub fn labels(&self) -> Vec<String> {
        self.starts[..self.len()]
            .iter()
            .map(|start| start.format("%b %Y").to_string())
            .collect()
    }

    fn instant(day: NaiveDate) -> DateTime<Utc> {
        Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
    }

    fn range(&self, index: usize) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            Self::instant(self.starts[index]),
            Self::instant(self.starts[index + 1]),
        )
    }
}

/// One organization's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub organization_id: i64,
    pub slug: String,
    pub name: String,
    pub per_month: Vec<u32>,
    pub last_event: Option<DateTime<Utc>>,
    pub next_event: Option<DateTime<Utc>>,
    pub quiet: bool,
    pub health: SyncHealth,
    pub followers: u32,
    pub members: u32,
    pub top_topics: Vec<String>,
}

/// Every organization's row (or one's), by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub months: Months15,
    pub rows: Vec<Row>,
}

/// Which organizations to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Network,
    One(i64),
}

/// How an organization's import is doing.
pub fn health(org: &organization::Model, now: DateTime<Utc>) -> SyncHealth {
    let source = status::source_of(org);
    if source == ImportSource::NotConnected {
        SyncHealth::NotConnected
    } else if status::is_stale(source, org.events_last_synced_at, now) {
        SyncHealth::Stale
    } else if matches!(
        org.last_sync_outcome,
        Some(SyncOutcome::Failed | SyncOutcome::Interrupted)
    ) {
        SyncHealth::Failing
    } else {
        SyncHealth::Fresh
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Live events that count: not removed upstream, not private (never stored, but never counted
/// either), of the organizations in `scope`.
fn counted(scope: Scope) -> sea_orm::Select<event::Entity> {
    let query = event::Entity::find()
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::Visibility.ne(Visibility::Private));
    match scope {
        Scope::Network => query,
        Scope::One(id) => query.filter(event::Column::OrganizationId.eq(id)),
    }
}

pub async fn read(
    db: &impl ConnectionTrait,
    scope: Scope,
    now: DateTime<Utc>,
) -> Result<Activity, Error> {
    let months = Months15::around(now)?;
    let organizations: Vec<organization::Model> = match scope {
        Scope::Network => {
            organization::Entity::find()
                .order_by_asc(organization::Column::Name)
                .order_by_asc(organization::Column::Id)
                .all(db)
                .await?
        }
        Scope::One(id) => organization::Entity::find_by_id(id).all(db).await?,
    };
    let mut per_month: HashMap<i64, Vec<u32>> = HashMap::new();
    for index in 0..months.len() {
        let (from, to) = months.range(index);
        let counts: Vec<(i64, i64)> = counted(scope)
            .filter(event::Column::StartAt.gte(from))
            .filter(event::Column::StartAt.lt(to))
            .select_only()
            .column(event::Column::OrganizationId)
            .column_as(event::Column::Id.count(), "events")
            .group_by(event::Column::OrganizationId)
            .into_tuple()
            .all(db)
            .await?;
        for (organization_id, events) in counts {
            per_month
                .entry(organization_id)
                .or_insert_with(|| vec![0; months.len()])[index] = count(events);
        }
    }
    let last = edge(db, scope, Edge::LastBefore(now)).await?;
    let next = edge(db, scope, Edge::NextFrom(now)).await?;
    let mut roles = membership::Entity::find()
        .select_only()
        .column(membership::Column::OrganizationId)
        .column(membership::Column::Role)
        .column_as(membership::Column::Id.count(), "people")
        .group_by(membership::Column::OrganizationId)
        .group_by(membership::Column::Role);
    if let Scope::One(id) = scope {
        roles = roles.filter(membership::Column::OrganizationId.eq(id));
    }
    let mut people: HashMap<i64, (u32, u32)> = HashMap::new();
    for (organization_id, role, n) in roles.into_tuple::<(i64, Role, i64)>().all(db).await? {
        let entry = people.entry(organization_id).or_default();
        if role == Role::Follower {
            entry.0 += count(n);
        } else {
            entry.1 += count(n);
        }
    }
    let top_topics = top_topics(db, scope, &months).await?;
    let rows = organizations
        .iter()
        .map(|org| {
            let last_event = last.get(&org.id).copied();
            let (followers, members) = people.get(&org.id).copied().unwrap_or_default();
            Row {
                organization_id: org.id,
                slug: org.slug.clone(),
                name: org.name.clone(),
                per_month: per_month
                    .remove(&org.id)
                    .unwrap_or_else(|| vec![0; months.len()]),
                last_event,
                next_event: next.get(&org.id).copied(),
                quiet: last_event.is_none_or(|at| now - at > QUIET_AFTER),
                health: health(org, now),
                followers,
                members,
                top_topics: top_topics.get(&org.id).cloned().unwrap_or_default(),
            }
        })
        .collect();
    Ok(Activity { months, rows })
}

/// Which event [`edge`] finds for each organization.
#[derive(Debug, Clone, Copy)]
enum Edge {
    /// The last to start before this time.
    LastBefore(DateTime<Utc>),
    /// The first to start at or after it.
    NextFrom(DateTime<Utc>),
}

/// Each organization's last (or next) event's start, in one grouped query.
async fn edge(
    db: &impl ConnectionTrait,
    scope: Scope,
    edge: Edge,
) -> Result<HashMap<i64, DateTime<Utc>>, Error> {
    let (query, start) = match edge {
        Edge::LastBefore(at) => (
            counted(scope).filter(event::Column::StartAt.lt(at)),
            event::Column::StartAt.max(),
        ),
        Edge::NextFrom(at) => (
            counted(scope).filter(event::Column::StartAt.gte(at)),
            event::Column::StartAt.min(),
        ),
    };
    Ok(query
        .select_only()
        .column(event::Column::OrganizationId)
        .column_as(start, "start")
        .group_by(event::Column::OrganizationId)
        .into_tuple::<(i64, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, at)| Some((id, at?)))
        .collect())
}

/// Each organization's most frequent topics among its events of the months shown.
async fn top_topics(
    db: &impl ConnectionTrait,
    scope: Scope,
    months: &Months15,
) -> Result<HashMap<i64, Vec<String>>, Error> {
    let (from, _) = months.range(0);
    let (_, to) = months.range(months.len() - 1);
    let mut query = event_topic::Entity::find()
        .inner_join(event::Entity)
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::Visibility.ne(Visibility::Private))
        .filter(event::Column::StartAt.gte(from))
        .filter(event::Column::StartAt.lt(to))
        .select_only()
        .column(event_topic::Column::OrganizationId)
        .column(event_topic::Column::Name)
        .column_as(event_topic::Column::EventId.count(), "events")
        .group_by(event_topic::Column::OrganizationId)
        .group_by(event_topic::Column::Name)
        .limit(TOPIC_ROWS_MAX);
    if let Scope::One(id) = scope {
        query = query.filter(event_topic::Column::OrganizationId.eq(id));
    }
    let mut counted: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for (organization_id, name, events) in query.into_tuple::<(i64, String, i64)>().all(db).await? {
        counted
            .entry(organization_id)
            .or_default()
            .push((events, name));
    }
    Ok(counted
        .into_iter()
        .map(|(organization_id, mut topics)| {
            topics.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            (
                organization_id,
                topics
                    .into_iter()
                    .take(TOP_TOPICS)
                    .map(|(_, name)| name)
                    .collect(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_months_end_three_after_the_current_one() {
        let now = Utc::now();
        let months = Months15::around(now).expect("months");
        assert_eq!(months.len(), 15);
        let labels = months.labels();
        assert_eq!(labels[months.current], now.format("%b %Y").to_string());
        let (from, to) = months.range(months.current);
        assert!(from <= now && now < to);
        // Every month follows the one before, across year ends.
        for pair in months.starts.windows(2) {
            assert_eq!(pair[0].checked_add_months(Months::new(1)), Some(pair[1]));
        }
    }
}
