//! "Is this right?": every 30 days of an organization's life (counted from its creation, the
//! first after 30 days), each of its admins who wants it gets its next 30 days as Convene
//! imported them, as members see them, with a way to the settings panel when something is
//! wrong. Once per admin and period (the outbox's idempotency key), whichever replica writes it.

use chrono::{DateTime, Duration, Utc};
use convene_types::MailKind;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::Error;
use crate::mail::compose::{self, Footer};
use crate::mail::lists::{self, MailList};
use crate::mail::member;
use crate::mail::outbox::{self, OutgoingMail};
use crate::secrets::SecretKey;
use crate::site::PublicUrl;
use crate::store::entities::organization;

/// How often, and how far ahead each message looks.
pub const EVERY: Duration = Duration::days(30);
/// Events one message lists; more are counted ("… and 12 more").
pub const EVENTS_LISTED: usize = 50;

/// What one pass wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CheckPass {
    pub queued: usize,
}

/// The period of an organization's life `now` is in (0 for its first 30 days, which get none).
fn period(created_at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - created_at).num_days() / EVERY.num_days()
}

pub async fn queue_due(
    db: &DatabaseConnection,
    site: &PublicUrl,
    key_for_links: &SecretKey,
    now: DateTime<Utc>,
) -> Result<CheckPass, Error> {
    let due: Vec<organization::Model> = organization::Entity::find()
        .filter(organization::Model::imports_events_expr())
        .filter(organization::Column::CreatedAt.lte(now - EVERY))
        .all(db)
        .await?;
    let mut pass = CheckPass::default();
    if due.is_empty() {
        return Ok(pass);
    }
    let upcoming = member::starting_between(db, now, now + EVERY).await?;
    for org in due {
        let period = period(org.created_at, now);
        let events: Vec<&member::MailEvent> = upcoming
            .iter()
            .filter(|event| event.organization_id == org.id)
            .collect();
        let admins = crate::store::memberships::admin_ids(db, org.id).await?;
        let settings = site.link(&format!("/orgs/{}/settings", org.slug));
        for user_id in admins {
            let Some(reader) = member::reader(db, user_id).await? else {
                continue;
            };
            if !reader.import_check_mail {
                continue;
            }
            let items: Vec<compose::EventItem> = events
                .iter()
                .take(EVENTS_LISTED)
                .map(|event| member::item(event, &org.name, reader.zone, site))
                .collect();
            let unsubscribe =
                lists::unsubscribe_url(site, key_for_links, user_id, MailList::ImportChecks);
            let why = format!(
                "You get this once a month because you administer {} on Convene.",
                org.name
            );
            let footer = Footer {
                why: &why,
                links: vec![("Stop the monthly check", &unsubscribe)],
            };
            let content = compose::import_check(
                &reader.name,
                &org.name,
                &items,
                events.len().saturating_sub(EVENTS_LISTED),
                &settings,
                footer,
            );
            let mail = OutgoingMail {
                idempotency_key: format!("import_check:{}:{user_id}:{period}", org.id),
                kind: MailKind::ImportCheck,
                recipient: reader.email,
                user_id: Some(user_id),
                content,
                unsubscribe_url: Some(unsubscribe),
            };
            if outbox::enqueue(db, mail, now).await? {
                pass.queued += 1;
            }
        }
    }
    Ok(pass)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    use super::*;
    use crate::accounts::{DisplayName, Email, Password};
    use crate::store::entities::{event, mail_message};
    use crate::store::memberships;
    use crate::store::organizations::{self, NewOrganization};
    use crate::store::users::{self, NewUser};
    use crate::testing::fresh_store;

    async fn stored_event(
        db: &DatabaseConnection,
        organization_id: i64,
        title: &str,
        visibility: convene_types::Visibility,
        start: DateTime<Utc>,
    ) {
        event::ActiveModel {
            organization_id: Set(organization_id),
            source: Set(convene_types::EventSource::Ical),
            external_id: Set(title.to_owned()),
            title: Set(title.to_owned()),
            start_at: Set(start),
            end_at: Set(start + Duration::hours(2)),
            timezone: Set("Europe/Oslo".into()),
            location_type: Set(convene_types::LocationType::InPerson),
            location_text: Set(Some("Oslo".into())),
            visibility: Set(visibility),
            tags: Set("[]".into()),
            content_hash: Set(String::new()),
            synced_at: Set(start),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }

    #[test]
    fn the_first_period_gets_none_and_each_later_one_its_own() {
        let created = Utc::now();
        assert_eq!(period(created, created + Duration::days(29)), 0);
        assert_eq!(period(created, created + Duration::days(30)), 1);
        assert_eq!(period(created, created + Duration::days(59)), 1);
        assert_eq!(period(created, created + Duration::days(60)), 2);
    }

    #[tokio::test]
    async fn admins_get_the_next_thirty_days_once_a_period_and_can_switch_it_off() {
        let store = fresh_store().await;
        let db = store.db();
        let created = Utc::now() - Duration::days(40);
        let org = organizations::create(
            db,
            NewOrganization::parse("rust-oslo", "Rust Oslo", "").unwrap(),
        )
        .await
        .unwrap();
        let mut row: organization::ActiveModel = org.clone().into();
        row.created_at = Set(created);
        row.ical_url_sealed = Set(Some("sealed".into()));
        row.update(db).await.unwrap();
        let admin = users::create(
            db,
            NewUser {
                email: Email::parse("admin@example.org").unwrap(),
                display_name: DisplayName::parse("Ada").unwrap(),
                password: Password::parse_new("correct horse battery".into()).unwrap(),
                is_site_admin: false,
            },
        )
        .await
        .unwrap();
        memberships::add(db, admin.id, org.id, convene_types::Role::Admin)
            .await
            .unwrap();
        let now = Utc::now();
        for (n, visibility, days) in [
            (1, convene_types::Visibility::Public, 3),
            (2, convene_types::Visibility::MembersOnly, 10),
            (3, convene_types::Visibility::Public, 45),
        ] {
            stored_event(
                db,
                org.id,
                &format!("Check event {n}"),
                visibility,
                now + Duration::days(days),
            )
            .await;
        }
        let site = PublicUrl::new("https://convene.example/".parse().unwrap()).unwrap();
        let key = SecretKey::generate();
        assert_eq!(queue_due(db, &site, &key, now).await.unwrap().queued, 1);
        assert_eq!(
            queue_due(db, &site, &key, now + Duration::days(5))
                .await
                .unwrap()
                .queued,
            0,
            "once a period"
        );
        let mail = mail_message::Entity::find().one(db).await.unwrap().unwrap();
        assert_eq!(mail.kind, MailKind::ImportCheck);
        assert!(
            mail.subject.contains("Rust Oslo: is this right?"),
            "{}",
            mail.subject
        );
        assert!(mail.text_body.contains("Check event 1"));
        assert!(
            mail.text_body.contains("Check event 2") && mail.text_body.contains("Members only")
        );
        assert!(!mail.text_body.contains("Check event 3"), "beyond 30 days");
        assert!(
            mail.text_body
                .contains("https://convene.example/orgs/rust-oslo/settings")
        );

        lists::switch_off(db, admin.id, MailList::ImportChecks)
            .await
            .unwrap();
        assert_eq!(
            queue_due(db, &site, &key, now + Duration::days(31))
                .await
                .unwrap()
                .queued,
            0
        );
    }
}
