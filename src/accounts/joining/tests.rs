//! Following, requests, invitations and the member domain, against a real store.

use chrono::{Duration, Utc};
use convene_types::{JoinPolicy, MailKind, Role, Visibility};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::*;
use crate::accounts::{DisplayName, Email, Password};
use crate::rules::access::Actor;
use crate::rules::visibility::Audience;
use crate::secrets::SecretKey;
use crate::store::entities::mail_message;
use crate::store::organizations::{self, NewOrganization};
use crate::store::users::{self, NewUser};
use crate::testing::{TestStore, fresh_store};

fn site() -> PublicUrl {
    PublicUrl::new("https://convene.example/".parse().unwrap()).unwrap()
}

async fn person(store: &TestStore, email: &str, confirmed: bool) -> User {
    let created = users::create(
        store.db(),
        NewUser {
            email: Email::parse(email).unwrap(),
            display_name: DisplayName::parse("Someone").unwrap(),
            password: Password::parse_new("correct horse battery".into()).unwrap(),
            is_site_admin: false,
        },
    )
    .await
    .unwrap();
    if confirmed {
        return created;
    }
    user::Entity::update_many()
        .col_expr(
            user::Column::EmailConfirmedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(created.id))
        .exec(store.db())
        .await
        .unwrap();
    users::find_by_id(store.db(), created.id)
        .await
        .unwrap()
        .unwrap()
}

/// Rust Berlin with an admin; returns it afresh after `policy` and `domain` are set.
async fn berlin(
    store: &TestStore,
    policy: JoinPolicy,
    domain: Option<&str>,
) -> (Organization, User) {
    let admin = person(store, "admin@example.org", true).await;
    let org = organizations::create_with_admin(
        store.db(),
        NewOrganization::parse("rust-berlin", "Rust Berlin", "").unwrap(),
        admin.id,
    )
    .await
    .unwrap();
    set_policy(store.db(), org.id, policy, domain.map(str::to_owned))
        .await
        .unwrap();
    let org = organizations::find_by_slug(store.db(), "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    (org, admin)
}

async fn sees_members_only(store: &TestStore, who: &User, org: &Organization) -> bool {
    let actor = Actor {
        user_id: who.id,
        is_site_admin: false,
    };
    Audience::of(store.db(), Some(actor))
        .await
        .unwrap()
        .sees(org.id, Visibility::MembersOnly)
}

async fn mail_to(store: &TestStore, recipient: &str, kind: MailKind) -> Vec<mail_message::Model> {
    mail_message::Entity::find()
        .filter(mail_message::Column::Recipient.eq(recipient))
        .filter(mail_message::Column::Kind.eq(kind))
        .all(store.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unconfirmed_account_can_neither_follow_nor_ask_and_a_follower_sees_no_members_only_event()
 {
    let store = fresh_store().await;
    let (org, _) = berlin(&store, JoinPolicy::Request, None).await;
    let stranger = person(&store, "stranger@example.org", false).await;
    for refused in [
        follow(store.db(), &stranger, &org).await.unwrap_err(),
        request_to_join(store.db(), &stranger, &org, &site(), Utc::now())
            .await
            .unwrap_err(),
    ] {
        assert!(
            refused
                .to_string()
                .contains("confirm your email address first"),
            "{refused}"
        );
    }
    assert_eq!(
        memberships::role_of(store.db(), stranger.id, org.id)
            .await
            .unwrap(),
        None
    );
    assert!(!is_pending(store.db(), stranger.id, org.id).await.unwrap());

    let follower = person(&store, "follower@example.org", true).await;
    follow(store.db(), &follower, &org).await.unwrap();
    assert_eq!(
        memberships::role_of(store.db(), follower.id, org.id)
            .await
            .unwrap(),
        Some(Role::Follower)
    );
    assert!(
        !sees_members_only(&store, &follower, &org).await,
        "following is not membership"
    );
    assert_eq!(
        memberships::count(store.db(), org.id).await.unwrap(),
        1,
        "the admin only"
    );
}

#[tokio::test]
async fn a_request_waits_for_the_admins_who_are_mailed_and_their_answer_is_told_once() {
    let store = fresh_store().await;
    let (org, admin) = berlin(&store, JoinPolicy::Request, None).await;
    let ada = person(&store, "ada@example.org", true).await;
    let now = Utc::now();
    follow(store.db(), &ada, &org).await.unwrap();
    assert_eq!(
        request_to_join(store.db(), &ada, &org, &site(), now)
            .await
            .unwrap(),
        JoinOutcome::Requested
    );
    let again = request_to_join(store.db(), &ada, &org, &site(), now)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("waiting"), "{again}");
    assert!(
        !sees_members_only(&store, &ada, &org).await,
        "a requester is no member"
    );
    let asked = mail_to(&store, &admin.email, MailKind::JoinRequested).await;
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].subject.contains("asks to join"),
        "{}",
        asked[0].subject
    );
    let waiting = pending_requests(store.db(), org.id).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].email, "ada@example.org");

    answer_request(store.db(), &org, ada.id, true, &site(), now)
        .await
        .unwrap();
    assert_eq!(
        memberships::role_of(store.db(), ada.id, org.id)
            .await
            .unwrap(),
        Some(Role::Member),
        "the follower is promoted"
    );
    assert!(sees_members_only(&store, &ada, &org).await);
    assert!(
        pending_requests(store.db(), org.id)
            .await
            .unwrap()
            .is_empty()
    );
    let told = mail_to(&store, "ada@example.org", MailKind::JoinAnswered).await;
    assert_eq!(told.len(), 1);
    assert!(
        told[0].subject.contains("You are a member"),
        "{}",
        told[0].subject
    );
    let twice = answer_request(store.db(), &org, ada.id, true, &site(), now)
        .await
        .unwrap_err();
    assert!(matches!(twice, Error::NotFound(_)), "{twice:?}");

    // Declined: no membership, told so; the person may still follow.
    let bob = person(&store, "bob@example.org", true).await;
    request_to_join(store.db(), &bob, &org, &site(), now)
        .await
        .unwrap();
    answer_request(store.db(), &org, bob.id, false, &site(), now)
        .await
        .unwrap();
    assert_eq!(
        memberships::role_of(store.db(), bob.id, org.id)
            .await
            .unwrap(),
        None
    );
    let told = mail_to(&store, "bob@example.org", MailKind::JoinAnswered).await;
    assert!(
        told[0].subject.contains("Your request"),
        "{}",
        told[0].subject
    );
}

#[tokio::test]
async fn by_invitation_only_requests_are_refused_and_a_link_works_for_its_uses_and_days() {
    let store = fresh_store().await;
    let (org, admin) = berlin(&store, JoinPolicy::Invitation, None).await;
    let key = SecretKey::generate();
    let now = Utc::now();
    let ada = person(&store, "ada@example.org", true).await;
    let refused = request_to_join(store.db(), &ada, &org, &site(), now)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("by invitation only"),
        "{refused}"
    );

    let terms = InvitationTerms::parse("7", "2").unwrap();
    let invitation = create_invitation(store.db(), &key, &site(), &org, admin.id, terms, now)
        .await
        .unwrap();
    let token = invitation
        .link
        .split("invitation=")
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(
        invitation
            .link
            .starts_with("https://convene.example/orgs/rust-berlin/join?")
    );

    // A forged MAC, another key, another organization's id: refused, nothing spent.
    let (id, mac) = token.split_once('.').unwrap();
    let forged = format!("{id}.{}", "0".repeat(mac.len()));
    for bad in [forged.as_str(), "1", "", &"9".repeat(500)] {
        let err = accept_invitation(store.db(), &key, &ada, &org, bad, now)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("does not work"), "{bad}: {err}");
    }
    let other_key = SecretKey::generate();
    assert!(
        accept_invitation(store.db(), &other_key, &ada, &org, &token, now)
            .await
            .is_err()
    );
    assert!(!sees_members_only(&store, &ada, &org).await);

    accept_invitation(store.db(), &key, &ada, &org, &token, now)
        .await
        .unwrap();
    assert!(sees_members_only(&store, &ada, &org).await);
    let bob = person(&store, "bob@example.org", true).await;
    let unconfirmed = person(&store, "eve@example.org", false).await;
    assert!(
        accept_invitation(store.db(), &key, &unconfirmed, &org, &token, now)
            .await
            .is_err()
    );
    // Expired for someone who comes after its days.
    let late = now + Duration::days(8);
    assert!(
        accept_invitation(store.db(), &key, &bob, &org, &token, late)
            .await
            .is_err()
    );
    accept_invitation(store.db(), &key, &bob, &org, &token, now)
        .await
        .unwrap();
    // Used up: two uses, two members.
    let carol = person(&store, "carol@example.org", true).await;
    let spent = accept_invitation(store.db(), &key, &carol, &org, &token, now)
        .await
        .unwrap_err();
    assert!(spent.to_string().contains("does not work"), "{spent}");
    assert!(
        invitations(store.db(), &key, &site(), &org, now)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(InvitationTerms::parse("0", "1").is_err());
    assert!(InvitationTerms::parse("91", "1").is_err());
    assert!(InvitationTerms::parse("7", "501").is_err());
    assert!(InvitationTerms::parse("7", "-1").is_err());
}

#[tokio::test]
async fn addresses_at_the_member_domain_join_at_once_and_others_ask() {
    let store = fresh_store().await;
    let (org, _) = berlin(&store, JoinPolicy::Invitation, Some("uni.example")).await;
    let now = Utc::now();
    for (email, outcome) in [
        ("ada@uni.example", Ok(JoinOutcome::Member)),
        ("bob@cs.uni.example", Ok(JoinOutcome::Member)),
        ("eve@evil-uni.example", Err(())),
        ("mallory@uni.example.evil", Err(())),
    ] {
        let someone = person(&store, email, true).await;
        let got = request_to_join(store.db(), &someone, &org, &site(), now)
            .await
            .map_err(|_| ());
        assert_eq!(got, outcome, "{email}");
        assert_eq!(
            sees_members_only(&store, &someone, &org).await,
            outcome.is_ok(),
            "{email}"
        );
    }
}

#[test]
fn member_domains_are_dns_names_with_a_dot() {
    assert_eq!(parse_member_domain("").unwrap(), None);
    assert_eq!(
        parse_member_domain(" @Uni.Example ").unwrap().as_deref(),
        Some("uni.example")
    );
    for bad in [
        "example",
        "uni..example",
        "-uni.example",
        "uni example.org",
        "*.example",
        "a@b.c",
    ] {
        assert!(parse_member_domain(bad).is_err(), "{bad}");
    }
    assert!(parse_member_domain(&format!("{}.example", "a".repeat(300))).is_err());
}

proptest::proptest! {
    #[test]
    fn any_member_domain_or_invitation_terms_are_bounded_or_refused_in_words(
        domain in proptest::prelude::prop_oneof![".{0,300}", "@?[A-Za-z0-9.-]{0,300}"],
        days in ".{0,12}",
        uses in ".{0,12}",
    ) {
        match parse_member_domain(&domain) {
            Ok(Some(kept)) => {
                proptest::prop_assert!(kept.len() <= 253 && kept.contains('.'));
                proptest::prop_assert!(kept.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'));
            }
            Ok(None) => proptest::prop_assert!(domain.trim().trim_start_matches('@').is_empty()),
            Err(err) => proptest::prop_assert!(err.to_string().contains("domain")),
        }
        match InvitationTerms::parse(&days, &uses) {
            Ok(terms) => proptest::prop_assert!(
                (1..=INVITATION_MAX_DAYS).contains(&terms.days)
                    && (1..=INVITATION_MAX_USES).contains(&terms.uses)
            ),
            Err(err) => proptest::prop_assert!(err.to_string().contains("whole number")),
        }
    }
}
