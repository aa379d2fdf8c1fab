//! Topics as pages show them: the dashboard's topic choice, a topic's page, and an
//! organization's topic settings.

use chrono::{DateTime, Utc};
use convene_types::views::{TopicEvent, TopicOption, TopicPage, TopicRuleRow, TopicSettings};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Error;
use crate::cache::CachedReads;
use crate::import::topics;
use crate::read_models::event_page;
use crate::rules::access::Actor;
use crate::rules::visibility::{Audience, Visibility};
use crate::site::PublicUrl;
use crate::store::entities::{event, organization};
use crate::store::events::{self, LONGEST_EVENT};
use crate::store::organizations::Organization;
use crate::text::timefmt;

/// Topics the dashboard's filter offers at most (the most used).
pub const OPTIONS_MAX: u64 = 30;
/// Events a topic's page lists at most, soonest first.
pub const PAGE_EVENTS_MAX: u64 = 100;

/// The topics of upcoming events the viewer may see, most used first: cut from the topics of
/// every audience, read once per change of the catalog and minute.
pub async fn options(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
    actor: Option<Actor>,
    now: DateTime<Utc>,
) -> Result<Vec<TopicOption>, Error> {
    let member_of = match actor {
        Some(actor) => crate::cache::viewer(db, reads, actor.user_id)
            .await?
            .map(|viewer| crate::rules::visibility::members_of(&viewer.organizations))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let audience = Audience::of_viewer(actor, member_of);
    Ok(choice(
        crate::import::topics::upcoming_cached(db, reads, now)
            .await?
            .as_ref(),
        &audience,
    ))
}

/// The topic choice `audience` gets from `topics`.
pub fn choice(topics: &topics::UpcomingTopics, audience: &Audience) -> Vec<TopicOption> {
    topics
        .choice_for(audience, OPTIONS_MAX)
        .into_iter()
        .map(|(topic, events)| TopicOption {
            slug: topic.slug,
            name: topic.name,
            events,
        })
        .collect()
}

/// The page of topic `slug` (a name is read as its slug); `None` when no live event has it.
pub async fn page(
    db: &impl ConnectionTrait,
    site: &PublicUrl,
    actor: Option<Actor>,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<TopicPage>, Error> {
    let Ok(Some(slug)) = topics::parse_param(slug) else {
        return Ok(None);
    };
    let audience = Audience::of(db, actor).await?;
    let Some(name) = topics::name_of(db, &audience, &slug, now).await? else {
        return Ok(None);
    };
    let rows = event::Entity::find()
        .find_also_related(organization::Entity)
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::PublicId.is_not_null())
        .filter(audience.condition())
        .filter(topics::has_topic(&slug))
        .filter(event::Column::StartAt.gte(now - LONGEST_EVENT))
        .filter(event::Column::EndAt.gte(now))
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(PAGE_EVENTS_MAX)
        .all(db)
        .await?;
    let events = rows
        .into_iter()
        .filter_map(|(item, org)| {
            let org: Organization = org?;
            let zone = timefmt::zone(&item.timezone);
            Some(TopicEvent {
                url: event_page::path(&item)?,
                when: timefmt::event_span(
                    item.start_at,
                    item.end_at,
                    zone,
                    item.all_day,
                    crate::i18n::Locale::English,
                ),
                location: events::place(
                    item.location_type,
                    item.location_text.as_deref(),
                    crate::i18n::Locale::English,
                )
                .0,
                members_only: item.visibility == Visibility::MembersOnly,
                title: item.title,
                org_name: org.name,
            })
        })
        .collect();
    Ok(Some(TopicPage {
        canonical_url: site.link(&format!("/topics/{slug}")),
        slug,
        name,
        events,
    }))
}

/// An organization's tags and how it shows them; callers check the viewer manages it.
pub async fn settings(
    db: &impl ConnectionTrait,
    org: &Organization,
) -> Result<TopicSettings, Error> {
    Ok(TopicSettings {
        org_slug: org.slug.clone(),
        org_name: org.name.clone(),
        tags: topics::organization_tags(db, org.id)
            .await?
            .into_iter()
            .map(|used| TopicRuleRow {
                tag_slug: used.tag.slug,
                tag_name: used.tag.name,
                events: used.events,
                shown_as: used.rule.name.unwrap_or_default(),
                hidden: used.rule.hidden,
            })
            .collect(),
    })
}
