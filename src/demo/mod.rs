//! Demo mode: the real import pipeline with no lu.ma account.
//!
//! [`Demo::start`] runs the bundled fake lu.ma in-process, serving the calendars in
//! `src/demo/fixtures/` (event times relative to today, so there is always something upcoming).
//! On an empty store it creates the demo organizations connected to that fake, a demo member and
//! a demo org admin; on a store seeded by an earlier start it re-points the demo organizations
//! at the fake's new address. A store with other data and no demo organizations is left alone.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};

use crate::Error;
use crate::accounts::{DisplayName, Email, Password};
use crate::import::luma::client::ApiKey;
use crate::import::luma::fake::{FakeCalendar, FakeLuma};
use crate::import::luma::fixtures;
use crate::import::sync::{Importer, SyncReport, SyncTrigger};
use crate::rules::access::Role;
use crate::secrets::SecretKey;
use crate::store::entities::{organization, user};
use crate::store::organizations::{self, LumaConnection, NewOrganization};
use crate::store::{memberships, users};

/// The password of the demo accounts. Demo data lives only in local, throwaway stores.
pub const DEMO_PASSWORD: &str = "convene-demo";
pub const DEMO_MEMBER_EMAIL: &str = "member@demo.convene.test";
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.convene.test";
/// A site admin, member of nothing: reads the outbox at `/admin/mail` (the demo sends no mail).
pub const DEMO_OPERATOR_EMAIL: &str = "operator@demo.convene.test";
/// Follows Rust Berlin and has asked to join it: the demo admin sees the request waiting.
pub const DEMO_REQUESTER_EMAIL: &str = "requester@demo.convene.test";

struct DemoOrganization {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    fixture: &'static str,
}

const DEMO_ORGANIZATIONS: &[DemoOrganization] = &[
    DemoOrganization {
        slug: "rust-berlin",
        name: "Rust Berlin",
        description: "Monthly talks and hack nights for Rustaceans in Berlin.",
        fixture: include_str!("fixtures/rust-berlin.json"),
    },
    DemoOrganization {
        slug: "rust-lisbon",
        name: "Rust Lisbon",
        description: "Meetups, workshops and a yearly unconference by the Tagus.",
        fixture: include_str!("fixtures/rust-lisbon.json"),
    },
    DemoOrganization {
        slug: "rust-london",
        name: "Rust London",
        description: "The London Rust user group: talks, beginners' sessions and socials.",
        fixture: include_str!("fixtures/rust-london.json"),
    },
    DemoOrganization {
        slug: "rust-nyc",
        name: "Rust NYC",
        description: "New York's Rust community: lightning talks and project nights.",
        fixture: include_str!("fixtures/rust-nyc.json"),
    },
];

/// The demo member belongs to these; the demo admin runs the first and belongs to the second.
const MEMBER_OF: [&str; 2] = ["rust-berlin", "rust-lisbon"];
const ADMIN_OF: &str = "rust-berlin";

/// What [`Demo::start`] did to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoSetup {
    /// The store was empty: demo organizations and accounts were created.
    Seeded,
    /// Demo organizations from an earlier start now use this start's fake lu.ma.
    Repointed(u64),
}

/// The running demo: keeps the fake lu.ma serving until dropped.
pub struct Demo {
    fake: std::sync::Arc<FakeLuma>,
    pub setup: DemoSetup,
    /// The live changes' task (see [`Demo::change_live`]), stopped with the demo.
    live: Option<tokio_util::task::AbortOnDropHandle<()>>,
}

/// The organization whose calendar changes live in the demo, and how often.
const LIVE_ORGANIZATION: &str = "rust-berlin";
/// The first change comes soon after start, so someone trying the demo sees one arrive.
const FIRST_LIVE_CHANGE_AFTER: std::time::Duration = std::time::Duration::from_secs(3);
pub const LIVE_CHANGE_EVERY: std::time::Duration = std::time::Duration::from_secs(120);
/// The event the demo's lu.ma keeps changing.
pub const LIVE_EVENT_TITLE: &str = "Pop-up hack night";

impl Demo {
    /// Starts the fake lu.ma and seeds or re-points the store; `None` (and no fake) when the
    /// store holds data of its own.
    pub async fn start(
        db: &DatabaseConnection,
        secret_key: &SecretKey,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, Error> {
        let demo_orgs = demo_organizations(db).await?;
        let empty = demo_orgs.is_empty()
            && organizations::count(db).await? == 0
            && user::Entity::find().count(db).await? == 0;
        if demo_orgs.is_empty() && !empty {
            return Ok(None);
        }
        let fake = FakeLuma::start(0, bundled_calendars(now)?)
            .await
            .map_err(|err| Error::Internal(format!("the demo's fake lu.ma cannot start: {err}")))?;
        let base = fake.base_url().to_string();
        let setup = if empty {
            seed(db, secret_key, &base).await?;
            DemoSetup::Seeded
        } else {
            let result = organization::Entity::update_many()
                .col_expr(
                    organization::Column::LumaApiBase,
                    sea_orm::sea_query::Expr::value(Some(base)),
                )
                .filter(organization::Column::IsDemo.eq(true))
                .exec(db)
                .await?;
            DemoSetup::Repointed(result.rows_affected)
        };
        Ok(Some(Self {
            fake: std::sync::Arc::new(fake),
            setup,
            live: None,
        }))
    }

    /// Where the demo's fake lu.ma answers.
    pub fn luma_base_url(&self) -> url::Url {
        self.fake.base_url()
    }

    /// Shows lu.ma's webhooks at work: Rust Berlin gets a webhook secret, and the fake lu.ma
    /// changes one of its events (a pop-up hack night, its title stamped with the time) soon
    /// after start and then every [`LIVE_CHANGE_EVERY`], posting each change, signed, to
    /// `webhooks` (this server's `/webhooks/luma/rust-berlin`), as lu.ma would.
    pub async fn change_live(
        &mut self,
        db: &DatabaseConnection,
        importer: &Importer,
        server: std::net::SocketAddr,
    ) -> Result<(), Error> {
        use crate::import::luma::fake::WebhookTarget;
        use crate::import::webhooks::signature::SigningSecret;

        let Some(org) = organizations::find_by_slug(db, LIVE_ORGANIZATION).await? else {
            return Ok(());
        };
        let secret = SigningSecret::generate();
        crate::import::integration::save_webhook_secret(
            importer,
            &org,
            &secret,
            crate::import::integration::ChangedBy::CommandLine,
        )
        .await?;
        let (key, calendar) = bundled_calendars(Utc::now())?
            .into_iter()
            .find(|(_, calendar)| calendar.slug == LIVE_ORGANIZATION)
            .ok_or_else(|| Error::Internal("the demo has no Rust Berlin calendar".into()))?;
        let url = format!("http://{server}/webhooks/luma/{LIVE_ORGANIZATION}")
            .parse()
            .map_err(|err| Error::Internal(format!("the demo's webhook address: {err}")))?;
        self.fake.send_webhooks(&key, WebhookTarget { url, secret });
        let fake = self.fake.clone();
        let calendar_id = calendar.id;
        self.live = Some(tokio_util::task::AbortOnDropHandle::new(tokio::spawn(
            async move {
                tokio::time::sleep(FIRST_LIVE_CHANGE_AFTER).await;
                loop {
                    let now = Utc::now();
                    let event = live_event(now, &calendar_id);
                    match fake.change_event(&key, event).await {
                        Ok(status) => tracing::info!(
                            status,
                            "demo: lu.ma changed an event of Rust Berlin and sent the webhook"
                        ),
                        Err(err) => {
                            tracing::warn!(error = %err, "demo: the webhook of a change was not delivered")
                        }
                    }
                    tokio::time::sleep(LIVE_CHANGE_EVERY).await;
                }
            },
        )));
        Ok(())
    }

    /// Imports every demo organization's events now, one after another.
    pub async fn import_all(
        &self,
        db: &DatabaseConnection,
        importer: &Importer,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, SyncReport)>, Error> {
        let mut reports = Vec::new();
        for org in demo_organizations(db).await? {
            let report = importer
                .run_org_sync(org.id, SyncTrigger::Demo, now)
                .await?;
            reports.push((org.slug, report));
        }
        Ok(reports)
    }
}

/// The event the demo's lu.ma changes: in three days at 18:00 UTC, public, in Berlin, its
/// title stamped with when it last changed.
fn live_event(now: DateTime<Utc>, calendar_id: &str) -> serde_json::Value {
    let mut event = crate::import::luma::fake::sample_event(now, 2, calendar_id);
    event["id"] = "evt-demoLiveChange".into();
    event["name"] = format!(
        "{LIVE_EVENT_TITLE} (updated on lu.ma at {} UTC)",
        now.format("%H:%M:%S")
    )
    .into();
    event["visibility"] = "public".into();
    event["description_md"] = "This event changes on the demo's lu.ma every two minutes; each change reaches Convene by a signed webhook within a second.".into();
    event
}

/// The bundled fixtures, event times resolved against `now`.
pub fn bundled_calendars(now: DateTime<Utc>) -> Result<Vec<(String, FakeCalendar)>, Error> {
    DEMO_ORGANIZATIONS
        .iter()
        .map(|demo| {
            fixtures::parse(&format!("{}.json", demo.slug), demo.fixture, now)
                .map_err(|err| Error::Internal(format!("bundled demo fixture: {err}")))
        })
        .collect()
}

/// Organizations a demo start created (they sync only while demo mode runs).
pub async fn count_demo_organizations(db: &DatabaseConnection) -> Result<u64, Error> {
    Ok(organization::Entity::find()
        .filter(organization::Column::IsDemo.eq(true))
        .count(db)
        .await?)
}

async fn demo_organizations(db: &DatabaseConnection) -> Result<Vec<organization::Model>, Error> {
    Ok(organization::Entity::find()
        .filter(organization::Column::IsDemo.eq(true))
        .all(db)
        .await?)
}

/// Creates the demo organizations (connected to the fake at `luma_base`) and accounts, in one
/// transaction.
async fn seed(
    db: &DatabaseConnection,
    secret_key: &SecretKey,
    luma_base: &str,
) -> Result<(), Error> {
    let calendars = bundled_calendars(Utc::now())?;
    let txn = crate::store::begin_write(db).await?;
    let member = demo_account(&txn, DEMO_MEMBER_EMAIL, "Dana Demo").await?;
    let admin = demo_account(&txn, DEMO_ADMIN_EMAIL, "Alex Admin").await?;
    let requester = demo_account(&txn, DEMO_REQUESTER_EMAIL, "Robin Request").await?;
    users::create(
        &txn,
        users::NewUser {
            email: Email::parse(DEMO_OPERATOR_EMAIL)?,
            display_name: DisplayName::parse("Olu Operator")?,
            password: Password::parse_new(DEMO_PASSWORD.to_owned())?,
            is_site_admin: true,
        },
    )
    .await?;
    for (demo, (key, calendar)) in DEMO_ORGANIZATIONS.iter().zip(calendars) {
        let org = organizations::create(
            &txn,
            NewOrganization::parse(demo.slug, demo.name, demo.description)?,
        )
        .await?;
        let key = ApiKey::new(key);
        let sealed = secret_key
            .seal(
                key.expose(),
                crate::secrets::Purpose::LumaApiKey {
                    organization_id: org.id,
                },
            )
            .map_err(|err| Error::Internal(format!("sealing a demo key: {err}")))?;
        organizations::connect_luma(
            &txn,
            org.id,
            LumaConnection {
                calendar_url: Some(format!("https://luma.com/{}", calendar.slug)),
                calendar_id: Some(calendar.id),
                calendar_name: Some(calendar.name),
                sealed_api_key: Some(sealed),
                api_key_last_four: Some(key.last_four()),
            },
        )
        .await?;
        organization::Entity::update(organization::ActiveModel {
            id: Set(org.id),
            is_demo: Set(true),
            luma_api_base: Set(Some(luma_base.to_owned())),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        if MEMBER_OF.contains(&demo.slug) {
            memberships::add(&txn, member.id, org.id, Role::Member).await?;
        }
        if demo.slug == ADMIN_OF {
            memberships::add(&txn, admin.id, org.id, Role::Admin).await?;
            memberships::add(&txn, requester.id, org.id, Role::Follower).await?;
            crate::store::entities::membership_request::ActiveModel {
                organization_id: Set(org.id),
                user_id: Set(requester.id),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        } else if MEMBER_OF.contains(&demo.slug) {
            memberships::add(&txn, admin.id, org.id, Role::Member).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

async fn demo_account(
    txn: &impl sea_orm::ConnectionTrait,
    email: &str,
    name: &str,
) -> Result<users::User, Error> {
    users::create(
        txn,
        users::NewUser {
            email: Email::parse(email)?,
            display_name: DisplayName::parse(name)?,
            password: Password::parse_new(DEMO_PASSWORD.to_owned())?,
            is_site_admin: false,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::luma::client::{ClientConfig, LumaClient};
    use crate::import::sync::SyncOutcome;
    use crate::store::entities::event;
    use crate::testing::fresh_store;

    fn importer(db: &DatabaseConnection, key: &SecretKey) -> Importer {
        // The default base is unreachable on purpose: demo organizations must use their own.
        let base = url::Url::parse("http://127.0.0.1:9/").unwrap();
        Importer::new(
            db.clone(),
            LumaClient::new(ClientConfig::new(base)).unwrap(),
            key.clone(),
        )
    }

    #[tokio::test]
    async fn an_empty_store_gets_demo_organizations_accounts_and_events() {
        let store = fresh_store().await;
        let key = SecretKey::generate();
        let demo = Demo::start(store.db(), &key, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(demo.setup, DemoSetup::Seeded);

        let reports = demo
            .import_all(store.db(), &importer(store.db(), &key), Utc::now())
            .await
            .unwrap();
        assert_eq!(reports.len(), 4);
        for (slug, report) in &reports {
            assert_eq!(
                report.outcome,
                SyncOutcome::Ok,
                "{slug}: {:?}",
                report.message
            );
            assert!(report.counts.created >= 5, "{slug}: {:?}", report.counts);
        }
        let live = event::Entity::find()
            .filter(event::Column::RemovedAt.is_null())
            .count(store.db())
            .await
            .unwrap();
        assert_eq!(
            live,
            reports
                .iter()
                .map(|(_, r)| u64::from(r.counts.created))
                .sum::<u64>()
        );

        let admin = users::find_by_email(store.db(), &Email::parse(DEMO_ADMIN_EMAIL).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(Password::for_sign_in(DEMO_PASSWORD.into()).matches(&admin.password_hash));
        let berlin = organizations::find_by_slug(store.db(), "rust-berlin")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            memberships::role_of(store.db(), admin.id, berlin.id)
                .await
                .unwrap(),
            Some(Role::Admin)
        );
        // A request waits on Rust Berlin's members page; its author only follows meanwhile.
        let waiting = crate::accounts::joining::pending_requests(store.db(), berlin.id)
            .await
            .unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].email, DEMO_REQUESTER_EMAIL);
        assert_eq!(
            memberships::role_of(store.db(), waiting[0].user_id, berlin.id)
                .await
                .unwrap(),
            Some(Role::Follower)
        );
        // The key is stored sealed, never as given.
        let sealed = berlin.luma_api_key_sealed.unwrap();
        assert!(!sealed.contains("demo-key"));
        assert_eq!(
            key.open(
                &sealed,
                crate::secrets::Purpose::LumaApiKey {
                    organization_id: berlin.id
                }
            )
            .unwrap(),
            "demo-key-rust-berlin"
        );
    }

    #[tokio::test]
    async fn a_restart_repoints_demo_organizations_at_the_new_fake() {
        let store = fresh_store().await;
        let key = SecretKey::generate();
        let first = Demo::start(store.db(), &key, Utc::now())
            .await
            .unwrap()
            .unwrap();
        let first_base = first.luma_base_url();
        drop(first);

        let second = Demo::start(store.db(), &key, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.setup, DemoSetup::Repointed(4));
        assert_ne!(second.luma_base_url(), first_base);
        let reports = second
            .import_all(store.db(), &importer(store.db(), &key), Utc::now())
            .await
            .unwrap();
        assert!(reports.iter().all(|(_, r)| r.outcome == SyncOutcome::Ok));
        assert_eq!(
            user::Entity::find().count(store.db()).await.unwrap(),
            4,
            "no accounts added"
        );
    }

    #[tokio::test]
    async fn a_store_with_its_own_data_is_left_alone() {
        let store = fresh_store().await;
        organizations::create(
            store.db(),
            NewOrganization::parse("mine", "Mine", "").unwrap(),
        )
        .await
        .unwrap();
        let demo = Demo::start(store.db(), &SecretKey::generate(), Utc::now())
            .await
            .unwrap();
        assert!(demo.is_none());
        assert_eq!(organizations::count(store.db()).await.unwrap(), 1);
        assert_eq!(user::Entity::find().count(store.db()).await.unwrap(), 0);
    }
}
