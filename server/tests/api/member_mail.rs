//! What members receive, through a real SMTP conversation: the weekly digest (a member of two
//! organizations, a daylight-saving week), new-event batches, the import alert and its
//! recovery, and one-click unsubscribe (RFC 8058) without a session.

use std::time::Duration;

use chrono::{DateTime, Utc};
use convene::accounts::{DisplayName, Email, Password};
use convene::mail::jobs::MemberMail;
use convene::rules::access::Role;
use convene::site::PublicUrl;
use convene::store::entities::{event, mail_message, user};
use convene::store::organizations::{self, NewOrganization};
use convene::store::users::{self, NewUser};
use convene::store::{DatabaseConnection, memberships};
use convene::testing::smtp::{Received, SmtpReceiver};
use convene_types::{LocationType, MailKind, Visibility};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use crate::helpers::{Seed, TestApp, spawn_app_adjusted, with_smtp};

const WAIT: Duration = Duration::from_secs(20);

struct World {
    app: TestApp,
    receiver: SmtpReceiver,
    db: DatabaseConnection,
    mail: MemberMail,
}

impl World {
    async fn new() -> Self {
        let receiver = SmtpReceiver::start().await;
        let app = spawn_app_adjusted(Seed::Nothing, with_smtp(&receiver)).await;
        let db = convene::store::connect(&app.database_url).await.unwrap();
        let mail = MemberMail {
            db: db.clone(),
            site: PublicUrl::new(app.url("/").parse().unwrap()).unwrap(),
            key: app.secret_key.clone(),
        };
        Self {
            app,
            receiver,
            db,
            mail,
        }
    }

    async fn org(&self, slug: &str, name: &str) -> i64 {
        organizations::create(&self.db, NewOrganization::parse(slug, name, "").unwrap())
            .await
            .unwrap()
            .id
    }

    /// A confirmed account in `zone`, member of `orgs`.
    async fn person(&self, email: &str, name: &str, zone: &str, orgs: &[(i64, Role)]) -> i64 {
        let person = users::create(
            &self.db,
            NewUser {
                email: Email::parse(email).unwrap(),
                display_name: DisplayName::parse(name).unwrap(),
                password: Password::parse_new("correct horse battery".into()).unwrap(),
                is_site_admin: false,
            },
        )
        .await
        .unwrap();
        // The monthly "Is this right?" depends on how old an organization is, which the fixed
        // dates here do not say: it has its own tests (`convene::mail::checks`).
        user::Entity::update_many()
            .col_expr(user::Column::Timezone, Expr::value(zone))
            .col_expr(user::Column::ImportCheckMail, Expr::value(false))
            .filter(user::Column::Id.eq(person.id))
            .exec(&self.db)
            .await
            .unwrap();
        for (org, role) in orgs {
            memberships::add(&self.db, person.id, *org, *role)
                .await
                .unwrap();
        }
        person.id
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one event's facts, named at each call"
    )]
    async fn event(
        &self,
        org: i64,
        id: &str,
        title: &str,
        start: &str,
        zone: &str,
        visibility: Visibility,
        removed: bool,
    ) {
        let start: DateTime<Utc> = start.parse().unwrap();
        event::ActiveModel {
            organization_id: Set(org),
            source: Set(convene_types::EventSource::LumaApi),
            external_id: Set(id.into()),
            title: Set(title.into()),
            description_id: Set(None),
            start_at: Set(start),
            end_at: Set(start + chrono::Duration::hours(2)),
            timezone: Set(zone.into()),
            cover_url: Set(None),
            event_url: Set(Some(format!("https://lu.ma/{id}"))),
            location_text: Set(Some("Hall 1".into())),
            meeting_url: Set(None),
            location_type: Set(LocationType::InPerson),
            visibility: Set(visibility),
            public_id: Set(Some(format!("pub{id}"))),
            tags: Set("[]".into()),
            content_hash: Set(String::new()),
            synced_at: Set(start),
            removed_at: Set(removed.then_some(start)),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap();
    }

    async fn pass(&self, now: &str) -> convene::mail::jobs::MemberMailPass {
        let pass = self
            .mail
            .pass("test", Duration::from_secs(60), now.parse().unwrap())
            .await
            .unwrap();
        assert!(pass.held_lease);
        pass
    }

    async fn outbox_count(&self, kind: MailKind) -> u64 {
        mail_message::Entity::find()
            .filter(mail_message::Column::Kind.eq(kind))
            .count(&self.db)
            .await
            .unwrap()
    }
}

struct Mail {
    to: Vec<String>,
    subject: String,
    text: String,
    html: String,
    unsubscribe: Option<String>,
    one_click: Option<String>,
}

fn read(received: &Received) -> Mail {
    let message = mail_parser::MessageParser::default()
        .parse(&received.data)
        .unwrap();
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|value| value.trim().to_owned())
    };
    Mail {
        to: received.rcpt_to.clone(),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message.body_text(0).unwrap_or_default().into_owned(),
        html: message.body_html(0).unwrap_or_default().into_owned(),
        unsubscribe: header("List-Unsubscribe"),
        one_click: header("List-Unsubscribe-Post"),
    }
}

/// Position of `needle` in `text`, failing loudly when absent.
fn at(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
}

#[tokio::test]
async fn the_weekly_digest_lists_my_organizations_first_at_seven_local_time_in_a_dst_week() {
    let world = World::new().await;
    let berlin = world.org("rust-berlin", "Rust Berlin").await;
    let lisbon = world.org("rust-lisbon", "Rust Lisbon").await;
    let london = world.org("rust-london", "Rust London").await;
    // Berlin left summer time on Sunday 25 October 2026; the digest week starts Monday 26.
    let public = Visibility::Public;
    let members = Visibility::MembersOnly;
    let e = &world;
    e.event(
        berlin,
        "b1",
        "Berlin talk night",
        "2026-10-27T18:00:00Z",
        "Europe/Berlin",
        public,
        false,
    )
    .await;
    e.event(
        lisbon,
        "l1",
        "Lisbon meetup",
        "2026-10-26T19:00:00Z",
        "Europe/Lisbon",
        public,
        false,
    )
    .await;
    e.event(
        berlin,
        "b2",
        "Berlin members evening",
        "2026-10-29T18:00:00Z",
        "Europe/Berlin",
        members,
        false,
    )
    .await;
    e.event(
        london,
        "n1",
        "London social",
        "2026-10-28T19:00:00Z",
        "Europe/London",
        public,
        false,
    )
    .await;
    e.event(
        london,
        "n2",
        "London members only",
        "2026-10-28T20:00:00Z",
        "Europe/London",
        members,
        false,
    )
    .await;
    e.event(
        berlin,
        "b3",
        "Too far ahead",
        "2026-11-20T18:00:00Z",
        "Europe/Berlin",
        public,
        false,
    )
    .await;
    e.event(
        berlin,
        "b4",
        "Cancelled",
        "2026-10-27T20:00:00Z",
        "Europe/Berlin",
        public,
        true,
    )
    .await;
    e.event(
        berlin,
        "b0",
        "Last week",
        "2026-10-24T16:00:00Z",
        "Europe/Berlin",
        public,
        false,
    )
    .await;
    // Members after the events were imported: the digest, not new-event mail, tells of them.
    world
        .person(
            "ada@example.org",
            "Ada",
            "Europe/Berlin",
            &[(berlin, Role::Member), (lisbon, Role::Member)],
        )
        .await;
    world
        .person("bo@example.org", "Bo", "UTC", &[(london, Role::Member)])
        .await;

    // 06:59 in Berlin: nothing yet. 07:00 CET (06:00 UTC, an hour later than a week before).
    assert_eq!(world.pass("2026-10-26T05:59:00Z").await.digests.queued, 0);
    let pass = world.pass("2026-10-26T06:00:00Z").await;
    assert_eq!(
        pass.digests.queued, 1,
        "Ada only: 07:00 has not come in UTC for Bo"
    );
    let mail = read(&world.receiver.wait_for(1, WAIT).await[0]);
    assert_eq!(mail.to, ["ada@example.org"]);
    assert_eq!(mail.subject, "Your next two weeks: 4 upcoming events");
    let text = &mail.text;
    // Her organizations first, soonest first; then the network's public events.
    let mine = at(text, "From your organizations");
    let lisbon_at = at(text, "Lisbon meetup (Rust Lisbon)");
    let berlin_at = at(text, "Berlin talk night (Rust Berlin)");
    let members_at = at(text, "Berlin members evening (Rust Berlin) [Members only]");
    let elsewhere = at(text, "Elsewhere in the network");
    let london_at = at(text, "London social (Rust London)");
    assert!(mine < lisbon_at && lisbon_at < berlin_at && berlin_at < members_at);
    assert!(members_at < elsewhere && elsewhere < london_at);
    for absent in [
        "London members only",
        "Too far ahead",
        "Cancelled",
        "Last week",
    ] {
        assert!(
            !text.contains(absent) && !mail.html.contains(absent),
            "{absent}"
        );
    }
    // Times in her zone, after the change (CET), with the event's own beside when it differs.
    assert!(text.contains("Tue 27 Oct, 19:00 CET – 21:00"), "{text}");
    assert!(
        text.contains("Mon 26 Oct, 20:00 CET – 22:00 (Mon 26 Oct, 19:00 WET where it happens)"),
        "{text}"
    );
    assert!(text.contains("Register on lu.ma: https://lu.ma/b1"));
    assert!(text.contains("You get this digest every Monday at 07:00 (Europe/Berlin)"));
    assert!(text.contains(&world.app.url("/events/pubb1.ics")));
    assert!(mail.html.contains("Berlin talk night"));
    assert!(mail.html.contains("href=\"https://lu.ma/l1\""));
    assert_eq!(
        mail.one_click.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let unsubscribe = mail.unsubscribe.clone().expect("List-Unsubscribe");
    assert!(text.contains(unsubscribe.trim_start_matches('<').trim_end_matches('>')));

    // Again the same day: nothing new. Bo's comes at 07:00 UTC.
    assert_eq!(world.pass("2026-10-26T06:30:00Z").await.digests.queued, 0);
    assert_eq!(world.pass("2026-10-26T07:00:00Z").await.digests.queued, 1);
    let bo = read(&world.receiver.wait_for(2, WAIT).await[1]);
    assert_eq!(bo.to, ["bo@example.org"]);
    assert!(
        bo.text
            .contains("London members only (Rust London) [Members only]")
    );
    assert!(!bo.text.contains("Berlin members evening"));
    assert_eq!(world.outbox_count(MailKind::WeeklyDigest).await, 2);
}

#[tokio::test]
async fn one_click_unsubscribe_works_without_a_session_and_only_with_a_true_signature() {
    let world = World::new().await;
    let berlin = world.org("rust-berlin", "Rust Berlin").await;
    world
        .event(
            berlin,
            "b1",
            "Talk",
            "2027-01-12T18:00:00Z",
            "UTC",
            Visibility::Public,
            false,
        )
        .await;
    let ada = world
        .person("ada@example.org", "Ada", "UTC", &[(berlin, Role::Member)])
        .await;
    world.pass("2027-01-11T07:00:00Z").await;
    let mail = read(&world.receiver.wait_for(1, WAIT).await[0]);
    let link = mail
        .unsubscribe
        .unwrap()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    let path = link.replacen(&world.app.url(""), "", 1);

    // Opening the link changes nothing: its page asks.
    let page = world.app.page_as(&path, None).await;
    assert!(page.contains("Stop getting the weekly digest?"), "{page}");
    let digest_on = || async {
        user::Entity::find_by_id(ada)
            .one(&world.db)
            .await
            .unwrap()
            .unwrap()
            .digest_enabled
    };
    assert!(digest_on().await);

    // A forged signature is refused and changes nothing.
    let forged = world
        .app
        .client
        .post(world.app.url(&format!("{}0", path)))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 422);
    assert!(digest_on().await);

    // RFC 8058: the mail client's POST, no cookie, no Origin.
    let response = world
        .app
        .client
        .post(&link)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(!digest_on().await);
    // Next Monday: no digest.
    world
        .event(
            berlin,
            "b2",
            "Talk 2",
            "2027-01-19T18:00:00Z",
            "UTC",
            Visibility::Public,
            false,
        )
        .await;
    assert_eq!(world.pass("2027-01-18T07:00:00Z").await.digests.due, 0);
    let page = world.app.page_as(&format!("{path}&done=1"), None).await;
    assert!(
        page.contains("Done: you will no longer get the weekly digest."),
        "{page}"
    );
}

#[tokio::test]
async fn new_events_come_in_one_message_per_batch_never_one_per_event() {
    let world = World::new().await;
    let berlin = world.org("rust-berlin", "Rust Berlin").await;
    let lisbon = world.org("rust-lisbon", "Rust Lisbon").await;
    world
        .event(
            berlin,
            "old",
            "Before she joined",
            "2027-01-20T18:00:00Z",
            "Europe/Berlin",
            Visibility::Public,
            false,
        )
        .await;
    world
        .person(
            "ada@example.org",
            "Ada",
            "Europe/Berlin",
            &[(berlin, Role::Member), (lisbon, Role::Member)],
        )
        .await;
    // A Wednesday: no digest is due.
    let now = "2027-01-13T12:00:00Z";
    assert_eq!(
        world.pass(now).await.news.queued,
        0,
        "nothing new since she joined"
    );

    let e = &world;
    e.event(
        berlin,
        "b1",
        "Berlin one",
        "2027-01-21T18:00:00Z",
        "Europe/Berlin",
        Visibility::Public,
        false,
    )
    .await;
    e.event(
        berlin,
        "b2",
        "Berlin two",
        "2027-01-22T18:00:00Z",
        "Europe/Berlin",
        Visibility::MembersOnly,
        false,
    )
    .await;
    e.event(
        lisbon,
        "l1",
        "Lisbon one",
        "2027-01-23T18:00:00Z",
        "Europe/Lisbon",
        Visibility::Public,
        false,
    )
    .await;
    e.event(
        berlin,
        "gone",
        "Removed at once",
        "2027-01-24T18:00:00Z",
        "Europe/Berlin",
        Visibility::Public,
        true,
    )
    .await;
    let pass = world.pass(now).await;
    assert_eq!(pass.news.queued, 1, "one message for four new events");
    let mail = read(&world.receiver.wait_for(1, WAIT).await[0]);
    assert_eq!(mail.subject, "3 new events from your organizations");
    for title in ["Berlin one", "Berlin two", "Lisbon one"] {
        assert!(mail.text.contains(title), "{title}");
    }
    assert!(!mail.text.contains("Before she joined") && !mail.text.contains("Removed at once"));
    assert!(mail.unsubscribe.is_some());

    assert_eq!(world.pass(now).await.news.queued, 0, "told once");
    e.event(
        lisbon,
        "l2",
        "Lisbon two",
        "2027-01-25T18:00:00Z",
        "Europe/Lisbon",
        Visibility::Public,
        false,
    )
    .await;
    assert_eq!(world.pass(now).await.news.queued, 1);
    let second = read(&world.receiver.wait_for(2, WAIT).await[1]);
    assert_eq!(second.subject, "Rust Lisbon: 1 new event");
    assert!(second.text.contains("Lisbon two") && !second.text.contains("Lisbon one"));
    assert_eq!(world.outbox_count(MailKind::NewEvents).await, 2);
}

#[tokio::test]
async fn admins_hear_once_when_an_import_keeps_failing_and_once_when_it_recovers() {
    use convene::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
    use convene_types::SyncTrigger;

    use crate::helpers::connect_to_fake_luma;

    let now = "2027-01-13T12:00:00Z";
    let world = World::new().await;
    let berlin = world.org("rust-berlin", "Rust Berlin").await;
    world
        .person("admin@example.org", "Alex", "UTC", &[(berlin, Role::Admin)])
        .await;
    world
        .person("member@example.org", "Mo", "UTC", &[(berlin, Role::Member)])
        .await;
    let calendar = FakeCalendar {
        id: "cal-berlin".into(),
        name: "Rust Berlin".into(),
        slug: "rust-berlin".into(),
        timezone: "Europe/Berlin".into(),
        events: (0..3)
            .map(|n| sample_event(now.parse().unwrap(), n, "cal-berlin"))
            .collect(),
        legacy_shape: false,
    };
    let fake = FakeLuma::start(0, vec![("good-key".into(), calendar)])
        .await
        .unwrap();
    // A key lu.ma no longer accepts.
    let revoked = connect_to_fake_luma(
        &world.db,
        berlin,
        &fake,
        "revoked-key",
        world.app.secret_key.clone(),
    )
    .await;
    for run in 1..=3 {
        let report = revoked
            .run_org_sync(berlin, SyncTrigger::Daily, now.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(report.outcome, convene_types::SyncOutcome::Failed);
        let alerts = world.pass(now).await.alerts;
        assert_eq!(alerts.failing, usize::from(run == 3), "after run {run}");
    }
    let alert = read(&world.receiver.wait_for(1, WAIT).await[0]);
    assert_eq!(alert.to, ["admin@example.org"], "admins only");
    assert_eq!(alert.subject, "Rust Berlin: events are not being imported");
    assert!(
        alert
            .text
            .contains(&world.app.url("/orgs/rust-berlin/settings"))
    );
    assert!(
        alert.text.to_lowercase().contains("key"),
        "the reason: {}",
        alert.text
    );
    // A fourth failure says nothing more.
    revoked
        .run_org_sync(berlin, SyncTrigger::Daily, now.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(world.pass(now).await.alerts, Default::default());

    let fixed = connect_to_fake_luma(
        &world.db,
        berlin,
        &fake,
        "good-key",
        world.app.secret_key.clone(),
    )
    .await;
    let report = fixed
        .run_org_sync(berlin, SyncTrigger::Manual, now.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(report.outcome, convene_types::SyncOutcome::Ok);
    assert_eq!(world.pass(now).await.alerts.recovered, 1);
    let recovered = read(&world.receiver.wait_for(2, WAIT).await[1]);
    assert_eq!(recovered.to, ["admin@example.org"]);
    assert_eq!(
        recovered.subject,
        "Rust Berlin: events are being imported again"
    );
    assert_eq!(world.pass(now).await.alerts, Default::default(), "once");
    assert_eq!(world.outbox_count(MailKind::ImportFailing).await, 1);
    assert_eq!(world.outbox_count(MailKind::ImportRecovered).await, 1);
}
