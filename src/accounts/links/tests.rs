use super::*;
use crate::accounts::{DisplayName, Email, Password};
use crate::store::users;
use crate::store::users::NewUser;
use crate::testing::fresh_store;

#[tokio::test]
async fn an_address_gets_one_reset_link_per_five_minutes_and_three_a_day() {
    let store = fresh_store().await;
    let email = Email::parse("ada@example.org").unwrap();
    users::create(
        store.db(),
        NewUser {
            email: email.clone(),
            display_name: DisplayName::parse("Ada").unwrap(),
            password: Password::parse_new("correct horse battery".into()).unwrap(),
            is_site_admin: false,
        },
    )
    .await
    .unwrap();
    let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
    let start = Utc::now();
    let ask = |at| request_password_reset(store.db(), &email, &site, at);
    assert_eq!(ask(start).await.unwrap(), ResetRequest::Queued);
    assert_eq!(
        ask(start + Duration::minutes(4)).await.unwrap(),
        ResetRequest::TooSoon
    );
    assert_eq!(
        ask(start + Duration::minutes(6)).await.unwrap(),
        ResetRequest::Queued
    );
    assert_eq!(
        ask(start + Duration::minutes(12)).await.unwrap(),
        ResetRequest::Queued
    );
    assert_eq!(
        ask(start + Duration::hours(3)).await.unwrap(),
        ResetRequest::TooSoon,
        "three a day"
    );
    assert_eq!(
        ask(start + Duration::hours(25)).await.unwrap(),
        ResetRequest::Queued
    );
    let nobody = Email::parse("nobody@example.org").unwrap();
    assert_eq!(
        request_password_reset(store.db(), &nobody, &site, start)
            .await
            .unwrap(),
        ResetRequest::NoAccount
    );
}

#[tokio::test]
async fn only_accounts_whose_links_all_expired_unconfirmed_are_forgotten() {
    let store = fresh_store().await;
    let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
    let start = Utc::now();
    let sign = |email: &str, at| {
        sign_up(
            store.db(),
            SignUp {
                email: Email::parse(email).unwrap(),
                display_name: DisplayName::parse("Someone").unwrap(),
            },
            &site,
            at,
        )
    };
    assert!(matches!(
        sign("early@example.org", start).await.unwrap(),
        SignUpOutcome::Created { .. }
    ));
    // Signed up early, asked again six days later: the second link still works at day 8.
    sign("renewed@example.org", start).await.unwrap();
    let renewed = sign("renewed@example.org", start + Duration::days(6))
        .await
        .unwrap();
    assert!(matches!(
        renewed,
        SignUpOutcome::LinkSentAgain { sent: true, .. }
    ));
    let too_soon = sign("renewed@example.org", start + Duration::days(6))
        .await
        .unwrap();
    assert!(matches!(
        too_soon,
        SignUpOutcome::LinkSentAgain { sent: false, .. }
    ));
    users::create(
        store.db(),
        crate::store::users::tests::new_user("kept@example.org"),
    )
    .await
    .unwrap();
    let at_day_8 = start + Duration::days(8);
    assert_eq!(
        forget_unconfirmed_accounts(store.db(), start)
            .await
            .unwrap(),
        0,
        "nothing before the links expire"
    );
    assert_eq!(
        forget_unconfirmed_accounts(store.db(), at_day_8)
            .await
            .unwrap(),
        1
    );
    let left: Vec<String> = user::Entity::find()
        .all(store.db())
        .await
        .unwrap()
        .into_iter()
        .map(|user| user.email)
        .collect();
    assert_eq!(left.len(), 2);
    assert!(left.contains(&"renewed@example.org".to_owned()));
    assert!(left.contains(&"kept@example.org".to_owned()));
}

/// The token in each queued reset message, oldest first.
async fn reset_tokens(db: &DatabaseConnection) -> Vec<String> {
    use crate::store::entities::mail_message;
    use sea_orm::QueryOrder;
    mail_message::Entity::find()
        .filter(mail_message::Column::Kind.eq(MailKind::PasswordReset))
        .order_by_asc(mail_message::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|mail| {
            let (_, rest) = mail.text_body.split_once("token=").unwrap();
            rest.split_whitespace().next().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_reset_spends_the_accounts_other_reset_links() {
    let store = fresh_store().await;
    let email = Email::parse("ada@example.org").unwrap();
    users::create(
        store.db(),
        crate::store::users::tests::new_user("ada@example.org"),
    )
    .await
    .unwrap();
    let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
    let start = Utc::now();
    for at in [start, start + Duration::minutes(6)] {
        assert_eq!(
            request_password_reset(store.db(), &email, &site, at)
                .await
                .unwrap(),
            ResetRequest::Queued
        );
    }
    let tokens = reset_tokens(store.db()).await;
    assert_eq!(tokens.len(), 2);
    let later = start + Duration::minutes(7);
    let db = store.db();
    let usable_now = |token: String| async move {
        token_is_usable(db, &token, TokenPurpose::ResetPassword, later)
            .await
            .unwrap()
    };
    assert!(usable_now(tokens[0].clone()).await);
    reset_password(
        store.db(),
        &tokens[1],
        Password::parse_new("a new password".into()).unwrap(),
        later,
    )
    .await
    .unwrap();
    assert!(
        !usable_now(tokens[0].clone()).await,
        "the older link no longer sets a password"
    );
}
