//! Topics: what events are about, from lu.ma's event tags (and a feed's `CATEGORIES`). A topic
//! is known by its slug, the tag's words in lower case joined by hyphens ("Rust & WebAssembly"
//! is `rust-webassembly`), so "AI", "ai" and " A.I. " meet where they should and a topic fits
//! in an address.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use convene_types::InputField;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QuerySelect, TransactionSession, TransactionTrait,
};

use crate::Error;
use crate::cache::{CachedReads, Kept, Shelf, minute_of};
use crate::rules::bounds;
use crate::rules::visibility::Audience;
use crate::store::entities::{change_counter, event, event_topic, topic_rule};

/// A topic slug is at most this long (a tag is at most [`bounds::TAG_MAX_CHARS`]).
pub const SLUG_MAX_CHARS: usize = 60;

/// A topic: its slug and the name people read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Topic {
    pub slug: String,
    pub name: String,
}

/// The slug of a tag's name: its letters and digits in lower case, each run of anything else
/// one hyphen, none at the ends. `None` when nothing is left ("!!!").
pub fn slug(name: &str) -> Option<String> {
    let mut slug = String::new();
    let mut length = 0;
    let mut pending_hyphen = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            let hyphen = pending_hyphen && length > 0;
            let needed = 1 + usize::from(hyphen);
            if length + needed > SLUG_MAX_CHARS {
                break;
            }
            if hyphen {
                slug.push('-');
            }
            slug.push(c);
            length += needed;
            pending_hyphen = false;
        } else if c != '.' && c != '\'' {
            // "A.I." and "Women's" keep their words together.
            pending_hyphen = true;
        }
    }
    (!slug.is_empty()).then_some(slug)
}

/// A topic named by a query string or form: a slug as [`slug`] writes them, or a name that
/// becomes one. Empty means "no topic".
pub fn parse_param(text: &str) -> Result<Option<String>, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > bounds::TAG_MAX_CHARS * 2 {
        return Err(Error::invalid(
            InputField::Topic,
            format!(
                "a topic is at most {SLUG_MAX_CHARS} characters, like \"rust\" or \"web-assembly\""
            ),
        ));
    }
    match slug(text) {
        Some(slug) => Ok(Some(slug)),
        None => Err(Error::invalid(
            InputField::Topic,
            "a topic needs letters or digits, like \"rust\" or \"web-assembly\"",
        )),
    }
}

/// The topics of an event's stored tags (a JSON array of names, see `bounds::tags`), once
/// each. Stored tags that do not read as a list give none.
pub fn of_tags(stored: &str) -> Vec<Topic> {
    let names: Vec<String> = serde_json::from_str(stored).unwrap_or_default();
    let mut topics: Vec<Topic> = Vec::new();
    for name in names.into_iter().take(bounds::TAGS_MAX) {
        let name = bounds::one_line(&name, bounds::TAG_MAX_CHARS);
        if let Some(slug) = slug(&name)
            && !topics.iter().any(|topic| topic.slug == slug)
        {
            topics.push(Topic { slug, name });
        }
    }
    topics
}

/// How an organization shows one of its tags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    /// Shown under this name (the topic is this name's slug); `None`: under its own.
    pub name: Option<String>,
    pub hidden: bool,
}

/// An event's topics after its organization's `rules` (by the tag's slug): renamed ones under
/// their new name, hidden ones gone, each topic once.
pub fn apply(tags: Vec<Topic>, rules: &HashMap<String, Rule>) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    for tag in tags {
        let rule = rules.get(&tag.slug);
        if rule.is_some_and(|rule| rule.hidden) {
            continue;
        }
        let shown = match rule.and_then(|rule| rule.name.as_ref()) {
            Some(name) => match slug(name) {
                Some(slug) => Topic {
                    slug,
                    name: name.clone(),
                },
                None => tag,
            },
            None => tag,
        };
        if !topics.iter().any(|topic| topic.slug == shown.slug) {
            topics.push(shown);
        }
    }
    topics
}

async fn rules_of(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<HashMap<String, Rule>, Error> {
    Ok(topic_rule::Entity::find()
        .filter(topic_rule::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|rule| {
            (
                rule.tag_slug,
                Rule {
                    name: rule.name,
                    hidden: rule.hidden,
                },
            )
        })
        .collect())
}

/// The id and stored tags of each of the organization's live events that has tags.
async fn tagged_events(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Vec<(i64, String)>, Error> {
    Ok(event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .column(event::Column::Tags)
        .filter(event::Column::OrganizationId.eq(organization_id))
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::Tags.ne("[]"))
        .into_tuple()
        .all(db)
        .await?)
}

/// Writes the organization's `event_topics` again from its live events' tags and its rules:
/// after an import changed events, and after an admin changed a rule (in their transaction).
pub async fn rebuild(db: &impl ConnectionTrait, organization_id: i64) -> Result<(), Error> {
    let rules = rules_of(db, organization_id).await?;
    let tagged = tagged_events(db, organization_id).await?;
    event_topic::Entity::delete_many()
        .filter(event_topic::Column::OrganizationId.eq(organization_id))
        .exec(db)
        .await?;
    let rows: Vec<event_topic::ActiveModel> = tagged
        .into_iter()
        .flat_map(|(event_id, tags)| {
            apply(of_tags(&tags), &rules)
                .into_iter()
                .map(move |topic| event_topic::ActiveModel {
                    event_id: Set(event_id),
                    slug: Set(topic.slug),
                    organization_id: Set(organization_id),
                    name: Set(topic.name),
                })
        })
        .collect();
    for chunk in rows.chunks(200) {
        event_topic::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// One of an organization's tags as its admin sees it in the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagUse {
    pub tag: Topic,
    /// Live events carrying it.
    pub events: u32,
    pub rule: Rule,
}

/// Every tag of the organization's live events, by name, with its rule.
pub async fn organization_tags(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Vec<TagUse>, Error> {
    let rules = rules_of(db, organization_id).await?;
    let tagged = tagged_events(db, organization_id).await?;
    let mut used: BTreeMap<String, (Topic, u32)> = BTreeMap::new();
    for tag in tagged.iter().flat_map(|(_, tags)| of_tags(tags)) {
        used.entry(tag.slug.clone()).or_insert((tag, 0)).1 += 1;
    }
    Ok(used
        .into_values()
        .map(|(tag, events)| TagUse {
            rule: rules.get(&tag.slug).cloned().unwrap_or_default(),
            tag,
            events,
        })
        .collect())
}

/// An admin's rule for one of the organization's tags: show it as `name` (empty: its own
/// name; the name of another topic merges the two), or hide it. The topics are rebuilt in the
/// same transaction, so pages show the change on the next request.
pub async fn save_rule(
    db: &(impl ConnectionTrait + TransactionTrait),
    organization_id: i64,
    tag_slug: &str,
    name: &str,
    hidden: bool,
) -> Result<(), Error> {
    let known = organization_tags(db, organization_id)
        .await?
        .into_iter()
        .any(|used| used.tag.slug == tag_slug);
    if !known {
        return Err(Error::NotFound("Topic".into()));
    }
    let name = bounds::one_line(name, bounds::TAG_MAX_CHARS + 1);
    if name.chars().count() > bounds::TAG_MAX_CHARS {
        return Err(Error::invalid(
            InputField::Topic,
            format!(
                "a topic's name is at most {} characters",
                bounds::TAG_MAX_CHARS
            ),
        ));
    }
    if !name.is_empty() && slug(&name).is_none() {
        return Err(Error::invalid(
            InputField::Topic,
            "a topic's name needs letters or digits",
        ));
    }
    let txn = crate::store::begin_write(db).await?;
    topic_rule::Entity::delete_many()
        .filter(topic_rule::Column::OrganizationId.eq(organization_id))
        .filter(topic_rule::Column::TagSlug.eq(tag_slug))
        .exec(&txn)
        .await?;
    if !name.is_empty() || hidden {
        topic_rule::ActiveModel {
            organization_id: Set(organization_id),
            tag_slug: Set(tag_slug.to_owned()),
            name: Set((!name.is_empty()).then_some(name)),
            hidden: Set(hidden),
        }
        .insert(&txn)
        .await?;
    }
    rebuild(&txn, organization_id).await?;
    // Topic rules have no trigger of their own: what pages cached of the events moves on here.
    change_counter::Entity::update_many()
        .col_expr(
            change_counter::Column::Value,
            Expr::col(change_counter::Column::Value).add(1),
        )
        .filter(change_counter::Column::Topic.eq("catalog"))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The topics of upcoming events `audience` may see, most used first, each under the name most
/// of those events use (ties: the first alphabetically). Only visible events count, so a topic
/// used only on another organization's members-only events is neither offered nor named.
pub async fn upcoming(
    db: &impl ConnectionTrait,
    audience: &Audience,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(Topic, i64)>, Error> {
    Ok(UpcomingTopics::read(db, now)
        .await?
        .choice_for(audience, limit))
}

/// The topics of every upcoming event, per organization and visibility: read once per change
/// of the catalog and minute (kept for two minutes at most, [`UPCOMING_TOPICS_BYTES`]), then
/// cut for each audience.
pub async fn upcoming_cached(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    now: DateTime<Utc>,
) -> Result<Arc<UpcomingTopics>, Error> {
    reads
        .caches
        .kept::<Upcoming>()
        .get_or_read(minute_of(now), reads.catalog_tag(), || async {
            Ok(Arc::new(UpcomingTopics::read(db, now).await?))
        })
        .await
}

/// Where [`upcoming_cached`] keeps its answers.
pub struct Upcoming;
/// Each organization's tags are bounded, so this holds the topics of a very large network.
const UPCOMING_TOPICS_BYTES: usize = 16 * 1024 * 1024;

impl Kept for Upcoming {
    type Held = Shelf<i64, Arc<UpcomingTopics>>;
    fn build() -> Self::Held {
        Shelf::weighed(
            2,
            UPCOMING_TOPICS_BYTES,
            |_, topics: &Arc<UpcomingTopics>| topics.weight(),
        )
        .named("upcoming_topics")
    }
}

/// The topics of every upcoming listable event, counted per organization, visibility and name:
/// what each audience's topic choice is cut from ([`UpcomingTopics::choice_for`], by the same
/// rule as [`Audience::condition`]). One grouped read serves every viewer, so it can be kept
/// per change of the catalog and minute; its size grows with organizations and their tags,
/// not with their events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingTopics(Vec<CountedName>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct CountedName {
    organization_id: i64,
    visibility: crate::rules::visibility::Visibility,
    slug: String,
    name: String,
    events: i64,
}

impl UpcomingTopics {
    /// One statement: the counts of events that have not ended, of every audience.
    pub async fn read(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Self, Error> {
        let rows: Vec<(
            i64,
            crate::rules::visibility::Visibility,
            String,
            String,
            i64,
        )> = event_topic::Entity::find()
            .select_only()
            .column(event_topic::Column::OrganizationId)
            .column(event::Column::Visibility)
            .column(event_topic::Column::Slug)
            .column(event_topic::Column::Name)
            .column_as(events_counted(), "events")
            .inner_join(event::Entity)
            .filter(event::Column::RemovedAt.is_null())
            .filter(event::Column::EndAt.gte(now))
            .filter(Audience::site_admin().condition())
            .group_by(event_topic::Column::OrganizationId)
            .group_by(event::Column::Visibility)
            .group_by(event_topic::Column::Slug)
            .group_by(event_topic::Column::Name)
            .into_tuple()
            .all(db)
            .await?;
        Ok(Self(
            rows.into_iter()
                .map(
                    |(organization_id, visibility, slug, name, events)| CountedName {
                        organization_id,
                        visibility,
                        slug,
                        name,
                        events,
                    },
                )
                .collect(),
        ))
    }

    /// The topics `audience` may see, most used first, at most `limit`.
    pub fn choice_for(&self, audience: &Audience, limit: u64) -> Vec<(Topic, i64)> {
        let mut by_name: BTreeMap<(&str, &str), i64> = BTreeMap::new();
        for row in self
            .0
            .iter()
            .filter(|row| audience.sees(row.organization_id, row.visibility))
        {
            let events = by_name
                .entry((row.slug.as_str(), row.name.as_str()))
                .or_default();
            *events = events.saturating_add(row.events);
        }
        let mut topics = named_by_most(
            by_name
                .into_iter()
                .map(|((slug, name), events)| (slug.to_owned(), name.to_owned(), events))
                .collect(),
        );
        topics.sort_by(|(a, a_events), (b, b_events)| {
            b_events.cmp(a_events).then_with(|| a.slug.cmp(&b.slug))
        });
        topics.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        topics
    }

    /// What it holds in memory, near enough for a cache's byte budget.
    pub fn weight(&self) -> usize {
        self.0
            .iter()
            .map(|row| std::mem::size_of::<CountedName>() + row.slug.len() + row.name.len())
            .sum()
    }
}

/// (slug, name, events) for each name a topic has on upcoming events `audience` may see; of one
/// slug only when `only` names it.
async fn visible_names(
    db: &impl ConnectionTrait,
    audience: &Audience,
    now: DateTime<Utc>,
    only: Option<&str>,
) -> Result<Vec<(String, String, i64)>, Error> {
    let mut query = event_topic::Entity::find()
        .select_only()
        .column(event_topic::Column::Slug)
        .column(event_topic::Column::Name)
        .column_as(events_counted(), "events")
        .filter(event_topic::Column::EventId.in_subquery(visible_upcoming(audience, now)));
    if let Some(slug) = only {
        query = query.filter(event_topic::Column::Slug.eq(slug));
    }
    Ok(query
        .group_by(event_topic::Column::Slug)
        .group_by(event_topic::Column::Name)
        .into_tuple()
        .all(db)
        .await?)
}

/// The events of a group of `event_topics` rows.
fn events_counted() -> Expr {
    Expr::expr(Func::count(Expr::col((
        event_topic::Entity,
        event_topic::Column::EventId,
    ))))
}

/// One topic per slug, named as most of its events name it, with all its events counted.
fn named_by_most(rows: Vec<(String, String, i64)>) -> Vec<(Topic, i64)> {
    let mut by_slug: std::collections::BTreeMap<String, (String, i64, i64)> =
        std::collections::BTreeMap::new();
    for (slug, name, events) in rows {
        let entry = by_slug
            .entry(slug)
            .or_insert_with(|| (name.clone(), events, 0));
        // The most used name wins; of equally used ones, the first alphabetically.
        if events > entry.1 || (events == entry.1 && name < entry.0) {
            entry.0 = name;
            entry.1 = events;
        }
        entry.2 = entry.2.saturating_add(events);
    }
    by_slug
        .into_iter()
        .map(|(slug, (name, _, total))| (Topic { slug, name }, total))
        .collect()
}

/// The ids of live events `audience` may see that have not ended.
fn visible_upcoming(
    audience: &Audience,
    now: DateTime<Utc>,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(event::Column::Id)
        .from(event::Entity)
        .cond_where(
            Condition::all()
                .add(event::Column::RemovedAt.is_null())
                .add(event::Column::EndAt.gte(now))
                .add(audience.condition()),
        )
        .to_owned()
}

/// A condition on `events` rows: the event has the topic `slug`.
pub fn has_topic(slug: &str) -> Condition {
    Condition::all().add(
        event::Column::Id.in_subquery(
            Query::select()
                .column(event_topic::Column::EventId)
                .from(event_topic::Entity)
                .and_where(event_topic::Column::Slug.eq(slug))
                .to_owned(),
        ),
    )
}

/// The name topic `slug` is shown with to `audience`: the one most of the upcoming events it
/// may see use; `None` when it may see none (then the topic's page does not exist for it).
pub async fn name_of(
    db: &impl ConnectionTrait,
    audience: &Audience,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    Ok(
        named_by_most(visible_names(db, audience, now, Some(slug)).await?)
            .into_iter()
            .next()
            .map(|(topic, _)| topic.name),
    )
}

#[cfg(test)]
mod tests;
