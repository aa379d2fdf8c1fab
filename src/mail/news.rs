//! "New events from my organizations": one message per member per batch, listing what their
//! organizations added since the last one, never one per event. Each membership remembers the
//! last event id it was told of (ids only grow, and one organization's imports never overlap),
//! so a batch is "events stored after that id"; the message and the moved marks are written in
//! one transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use convene_types::{MailKind, Role, Visibility};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::insights::clashes;
use crate::mail::compose::{self, EventItem, Footer, Section};
use crate::mail::lists::{self, MailList};
use crate::mail::member::{self, MailEvent};
use crate::mail::outbox::{self, OutgoingMail};
use crate::rules::visibility::Audience;
use crate::secrets::SecretKey;
use crate::site::PublicUrl;
use crate::store::entities::{membership, organization};

/// Events listed per message at most (the rest are counted).
pub const LISTED: usize = 30;

/// What one batch wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NewsPass {
    pub queued: usize,
    /// Memberships whose mark moved (with or without a message).
    pub marks_moved: usize,
}

/// Writes one message per member with news, and moves every mark past what it covered.
pub async fn queue_batch(
    db: &DatabaseConnection,
    site: &PublicUrl,
    key_for_links: &SecretKey,
    now: DateTime<Utc>,
) -> Result<NewsPass, Error> {
    let subscribed: Vec<membership::Model> = member::memberships(db)
        .await?
        .into_iter()
        .filter(|membership| membership.new_event_mail)
        .collect();
    // Per organization, the lowest mark of its subscribers; only organizations that stored an
    // event past it are read (a quiet organization costs nothing, however old its marks).
    let mut lowest_mark: HashMap<i64, i64> = HashMap::new();
    for membership in &subscribed {
        let mark = lowest_mark
            .entry(membership.organization_id)
            .or_insert(membership.new_events_after_id);
        *mark = (*mark).min(membership.new_events_after_id);
    }
    let newest = member::newest_event_ids(db).await?;
    let mut stored = Vec::new();
    for (organization_id, mark) in lowest_mark {
        if newest
            .get(&organization_id)
            .is_some_and(|newest| *newest > mark)
        {
            stored.extend(member::stored_after(db, organization_id, mark).await?);
        }
    }
    if stored.is_empty() {
        return Ok(NewsPass::default());
    }
    let mut by_organization: HashMap<i64, Vec<&MailEvent>> = HashMap::new();
    for event in &stored {
        by_organization
            .entry(event.organization_id)
            .or_default()
            .push(event);
    }
    let readers = member::readers(db).await?;
    let names = member::organization_names(db).await?;
    // Whose members-only events each person sees (an admin's clash lines name only those).
    let mut member_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for membership in member::memberships(db).await? {
        if membership.role.is_member() {
            member_of
                .entry(membership.user_id)
                .or_default()
                .push(membership.organization_id);
        }
    }
    let mut by_member: BTreeMap<i64, Vec<&membership::Model>> = BTreeMap::new();
    for membership in &subscribed {
        by_member
            .entry(membership.user_id)
            .or_default()
            .push(membership);
    }
    let mut pass = NewsPass::default();
    for (user_id, memberships) in by_member {
        // (membership, its new mark, the news it covers)
        let mut moves = Vec::new();
        let mut sections = Vec::new();
        for membership in memberships {
            let Some(events) = by_organization.get(&membership.organization_id) else {
                continue;
            };
            let after: Vec<&&MailEvent> = events
                .iter()
                .filter(|event| event.id > membership.new_events_after_id)
                .collect();
            let Some(newest) = after.iter().map(|event| event.id).max() else {
                continue;
            };
            moves.push((membership.id, newest));
            // A member sees the organization's members-only events, a follower its public ones;
            // removed and past events are no news.
            let mut news: Vec<&MailEvent> = after
                .into_iter()
                .copied()
                .filter(|event| {
                    event.removed_at.is_none()
                        && event.start_at > now
                        && (event.visibility == Visibility::Public
                            || (event.visibility == Visibility::MembersOnly
                                && membership.role.is_member()))
                })
                .collect();
            news.sort_by_key(|event| (event.start_at, event.id));
            if news.is_empty() {
                continue;
            }
            // The organization's admins hear of its new events' clashes with them.
            let notes = if membership.role == Role::Admin {
                let audience =
                    Audience::member_of(member_of.get(&user_id).cloned().unwrap_or_default());
                clash_notes(db, membership.organization_id, &news, &audience, now).await?
            } else {
                HashMap::new()
            };
            sections.push((membership.organization_id, news, notes));
        }
        if moves.is_empty() {
            continue;
        }
        let mail = readers.get(&user_id).and_then(|reader| {
            (!sections.is_empty()).then(|| {
                let sections: Vec<Section> = sections
                    .iter()
                    .map(|(organization_id, news, notes)| {
                        let name = names.get(organization_id).map_or("", String::as_str);
                        let mut heading = name.to_owned();
                        if news.len() > LISTED {
                            heading.push_str(&format!(" (the first {LISTED} of {})", news.len()));
                        }
                        Section {
                            heading,
                            events: news
                                .iter()
                                .take(LISTED)
                                .map(|event| EventItem {
                                    notes: notes.get(&event.id).cloned().unwrap_or_default(),
                                    ..member::item(event, name, reader.zone, site)
                                })
                                .collect(),
                        }
                    })
                    .collect();
                let unsubscribe =
                    lists::unsubscribe_url(site, key_for_links, user_id, MailList::NewEvents);
                let settings = site.link("/account");
                let content = compose::new_events(
                    &reader.name,
                    &sections,
                    Footer {
                        why: "You get this because you asked to hear of new events from your organizations (each can be switched off on your account page).",
                        links: vec![
                            ("Unsubscribe from new-event mail", &unsubscribe),
                            ("Mail settings", &settings),
                        ],
                    },
                );
                OutgoingMail {
                    idempotency_key: batch_key(user_id, &moves),
                    kind: MailKind::NewEvents,
                    recipient: reader.email.clone(),
                    user_id: Some(user_id),
                    content,
                    unsubscribe_url: Some(unsubscribe),
                }
            })
        });
        let txn = crate::store::begin_write(db).await?;
        if let Some(mail) = mail
            && outbox::enqueue(&txn, mail, now).await?
        {
            pass.queued += 1;
        }
        for (membership_id, newest) in &moves {
            // Only forward: a batch racing another never moves a mark back.
            membership::Entity::update_many()
                .col_expr(membership::Column::NewEventsAfterId, Expr::value(*newest))
                .filter(membership::Column::Id.eq(*membership_id))
                .filter(membership::Column::NewEventsAfterId.lt(*newest))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        pass.marks_moved += moves.len();
    }
    Ok(pass)
}

/// Clash lines an event carries in an admin's mail at most (the rest are counted).
const CLASH_NOTES_MAX: usize = 3;

/// The clashes of `news` (one organization's new events) not marked "we know", as lines per
/// event, named as `audience` may read them.
async fn clash_notes(
    db: &DatabaseConnection,
    organization_id: i64,
    news: &[&MailEvent],
    audience: &Audience,
    now: DateTime<Utc>,
) -> Result<HashMap<i64, Vec<String>>, Error> {
    let Some(organization) = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
    else {
        return Ok(HashMap::new());
    };
    let ids: Vec<i64> = news.iter().map(|event| event.id).collect();
    let found: Vec<clashes::Found> =
        clashes::find(db, &organization, clashes::OwnEvents::These(&ids), now)
            .await?
            .into_iter()
            .filter(|found| !found.known)
            .collect();
    let mut notes: HashMap<i64, Vec<String>> = HashMap::new();
    for clash in clashes::describe(db, &found, audience).await? {
        notes.entry(clash.event_id).or_default().push(clash.summary);
    }
    for lines in notes.values_mut() {
        if lines.len() > CLASH_NOTES_MAX {
            let more = lines.len() - CLASH_NOTES_MAX;
            lines.truncate(CLASH_NOTES_MAX);
            lines.push(format!("… and {more} more clashes (see Insights)"));
        }
    }
    Ok(notes)
}

/// The same batch (the same marks moved to the same ids) is the same message.
fn batch_key(user_id: i64, moves: &[(i64, i64)]) -> String {
    let mut moves = moves.to_vec();
    moves.sort_unstable();
    let listed: Vec<String> = moves
        .iter()
        .map(|(membership, newest)| format!("{membership}>{newest}"))
        .collect();
    let digest = hex::encode(Sha256::digest(listed.join(",").as_bytes()));
    format!("new-events:{user_id}:{}", &digest[..32])
}
