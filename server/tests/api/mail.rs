//! Mail through a real SMTP conversation: the server sends to the test suite's receiver on
//! port 0, and the tests read what arrived (sign-up confirmation, a registered address, password
//! reset, a sender killed mid-batch).

use std::time::Duration;

use app::auth::links::{ConfirmEmail, RequestPasswordReset, ResetPassword};
use app::auth::{SignIn, SignUp};
use app::error::AppError;
use convene::store::entities::{account_token, mail_message, user};
use convene::testing::smtp::{Received, SmtpReceiver};
use convene_types::MailStatus;
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

use crate::helpers::{Seed, TestApp, session_cookie, spawn_app_adjusted, with_smtp};

const PASSWORD: &str = "correct horse battery";
const WAIT: Duration = Duration::from_secs(20);

/// A message as a mail client shows it.
struct Mail {
    to: String,
    subject: String,
    text: String,
    html: String,
    message_id: String,
}

fn read(received: &Received) -> Mail {
    let message = mail_parser::MessageParser::default()
        .parse(&received.data)
        .expect("a parseable message");
    Mail {
        to: message
            .to()
            .and_then(|to| to.first())
            .and_then(|to| to.address())
            .unwrap_or_default()
            .to_owned(),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message.body_text(0).unwrap_or_default().into_owned(),
        html: message.body_html(0).unwrap_or_default().into_owned(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
    }
}

/// The link in a message's text that starts with `prefix` (`http://…/login/reset?token=`).
fn link(text: &str, path: &str) -> String {
    text.split_whitespace()
        .find(|word| word.starts_with("http://") && word.contains(path))
        .unwrap_or_else(|| panic!("no {path} link in:\n{text}"))
        .to_owned()
}

fn token_of(link: &str) -> String {
    link.split_once("token=").expect("a token").1.to_owned()
}

async fn db(app: &TestApp) -> sea_orm::DatabaseConnection {
    convene::store::connect(&app.database_url).await.unwrap()
}

async fn sign_up(app: &TestApp, email: &str, name: &str) -> reqwest::Response {
    app.call(
        SignUp::PATH,
        &[("email", email), ("display_name", name)],
        None,
    )
    .await
}

fn is_signed_in(page: &str) -> bool {
    page.contains("class=\"user-name\"")
}

#[tokio::test]
async fn sign_up_confirms_by_mail_and_a_registered_address_looks_the_same() {
    let receiver = SmtpReceiver::start().await;
    let app = spawn_app_adjusted(Seed::Nothing, with_smtp(&receiver)).await;
    let store = db(&app).await;

    let fresh = sign_up(&app, "ada@example.org", "Ada").await;
    let mail = read(&receiver.wait_for(1, WAIT).await[0]);
    assert_eq!(mail.to, "ada@example.org");
    assert_eq!(mail.subject, "Confirm your email address for Convene");
    let confirm = link(&mail.text, "/account/confirm?token=");
    assert!(
        confirm.starts_with(&app.url("/account/confirm?token=")),
        "{confirm}"
    );
    assert!(
        mail.html.contains(&confirm.replace('&', "&amp;")),
        "{}",
        mail.html
    );
    // Nobody has shown this address is theirs: the message carries nothing the form's author
    // wrote, not even the name.
    assert!(mail.text.starts_with("Hello,"), "{}", mail.text);
    assert!(!mail.text.contains("Ada") && !mail.html.contains("Ada"));
    assert!(!mail.message_id.is_empty());
    let ada = user::Entity::find().one(&store).await.unwrap().unwrap();
    assert!(ada.email_confirmed_at.is_none());

    // The same address again, by someone else, before it is confirmed: the same answer, and
    // no second message while the first link is minutes old.
    let again = sign_up(&app, "ADA@example.org", "Mallory").await;
    assert_eq!(fresh.status(), again.status());
    assert_eq!(
        fresh.headers().get("location").unwrap(),
        "/signup/sent",
        "both go to 'check your email'"
    );
    assert_eq!(
        fresh.headers().get("location"),
        again.headers().get("location")
    );
    assert!(session_cookie(&fresh).is_none() && session_cookie(&again).is_none());
    assert_eq!(fresh.text().await.unwrap(), again.text().await.unwrap());
    assert_eq!(mail_message::Entity::find().count(&store).await.unwrap(), 1);

    // The link's page shows a form (a mail scanner's GET spends nothing) with the name given
    // at sign-up, to keep or change, and asks for the password...
    let page = app
        .page_as(&confirm.replacen(&app.url(""), "", 1), None)
        .await;
    assert!(page.contains("Confirm and sign in"), "{page}");
    assert!(page.contains("Choose a password") && page.contains("value=\"Ada\""));
    // ...which confirms the address and signs in.
    let token = token_of(&confirm);
    let cookie = app.confirm(&token, "Ada Lovelace", PASSWORD).await;
    assert!(is_signed_in(&app.page_as("/", Some(&cookie)).await));
    let ada = user::Entity::find().one(&store).await.unwrap().unwrap();
    assert!(ada.email_confirmed_at.is_some());
    assert_eq!(ada.display_name, "Ada Lovelace");
    assert!(!app.sign_in("ada@example.org", PASSWORD).await.is_empty());
    let again = app
        .call(
            ConfirmEmail::PATH,
            &[
                ("token", &token),
                ("display_name", "Ada"),
                ("password", "something else"),
            ],
            None,
        )
        .await;
    assert_eq!(again.status().as_u16(), 422);
    let error: AppError = again.json().await.unwrap();
    assert!(
        error.to_string().contains("expired or was already used"),
        "{error}"
    );
    let page = app
        .page_as(&confirm.replacen(&app.url(""), "", 1), None)
        .await;
    assert!(page.contains("This link has expired or was already used."));

    // Signing up with a confirmed address: the same answer, and its owner hears of it.
    let taken = sign_up(&app, "ada@example.org", "Mallory").await;
    assert_eq!(taken.headers().get("location").unwrap(), "/signup/sent");
    assert!(session_cookie(&taken).is_none());
    let note = read(&receiver.wait_for(2, WAIT).await[1]);
    assert_eq!(note.to, "ada@example.org");
    assert_eq!(
        note.subject,
        "Someone tried to sign up to Convene with your address"
    );
    assert!(
        note.text.contains("Hello Ada Lovelace,"),
        "the owner's name, not the form's"
    );
    assert!(!note.text.contains("token="), "no link that opens anything");
    assert_eq!(user::Entity::find().count(&store).await.unwrap(), 1);
    // A third try within the hour writes no third message.
    sign_up(&app, "ada@example.org", "Mallory").await;
    assert_eq!(mail_message::Entity::find().count(&store).await.unwrap(), 2);

    // Once sent, the stored copy no longer holds the link.
    let stored = mail_message::Entity::find()
        .filter(mail_message::Column::Kind.eq(convene_types::MailKind::ConfirmEmail))
        .one(&store)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, MailStatus::Sent);
    assert!(!stored.text_body.contains(&token) && !stored.html_body.contains(&token));
}

/// A squatter's sign-up with someone else's address: the owner signing up sends a fresh link
/// once the first is five minutes old; an account whose links all expired unused is deleted.
#[tokio::test]
async fn an_unconfirmed_address_gets_a_fresh_link_and_is_freed_when_its_links_expire() {
    let receiver = SmtpReceiver::start().await;
    let app = spawn_app_adjusted(Seed::Nothing, with_smtp(&receiver)).await;
    let store = db(&app).await;
    sign_up(&app, "ada@example.org", "Mallory").await;
    receiver.wait_for(1, WAIT).await;
    let six_minutes_ago = chrono::Utc::now() - chrono::Duration::minutes(6);
    account_token::Entity::update_many()
        .col_expr(
            account_token::Column::CreatedAt,
            Expr::value(six_minutes_ago),
        )
        .exec(&store)
        .await
        .unwrap();
    sign_up(&app, "ada@example.org", "Ada").await;
    let fresh = read(&receiver.wait_for(2, WAIT).await[1]);
    assert_eq!(fresh.subject, "Confirm your email address for Convene");
    assert!(!fresh.text.contains("Mallory"));

    // Eight days on, both links expired unused: housekeeping frees the address.
    let later = chrono::Utc::now() + chrono::Duration::days(8);
    let forgotten = convene::accounts::links::forget_unconfirmed_accounts(&store, later)
        .await
        .unwrap();
    assert_eq!(forgotten, 1);
    assert_eq!(user::Entity::find().count(&store).await.unwrap(), 0);
    assert_eq!(
        account_token::Entity::find().count(&store).await.unwrap(),
        0
    );
    // The mail it was sent stays in the log, no longer tied to an account.
    assert_eq!(mail_message::Entity::find().count(&store).await.unwrap(), 2);
}

#[tokio::test]
async fn a_password_reset_link_works_once_for_an_hour_and_signs_out_other_sessions() {
    let receiver = SmtpReceiver::start().await;
    let app = spawn_app_adjusted(Seed::Nothing, with_smtp(&receiver)).await;
    let store = db(&app).await;
    let laptop = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let phone = session_cookie(
        &app.call(
            SignIn::PATH,
            &[("email", "ada@example.org"), ("password", PASSWORD)],
            None,
        )
        .await,
    )
    .unwrap();
    receiver.wait_for(1, WAIT).await; // the sign-up's confirmation

    let asked = app
        .call(
            RequestPasswordReset::PATH,
            &[("email", "Ada@example.org")],
            None,
        )
        .await;
    let unknown = app
        .call(
            RequestPasswordReset::PATH,
            &[("email", "nobody@example.org")],
            None,
        )
        .await;
    assert_eq!(asked.status(), unknown.status());
    assert_eq!(
        asked.headers().get("location").unwrap(),
        "/login/forgot/sent"
    );
    assert_eq!(
        unknown.headers().get("location").unwrap(),
        "/login/forgot/sent"
    );
    let mail = read(&receiver.wait_for(2, WAIT).await[1]);
    assert_eq!(mail.subject, "Set a new password for Convene");
    let reset = link(&mail.text, "/login/reset?token=");
    let token = token_of(&reset);
    let stored = account_token::Entity::find()
        .filter(account_token::Column::Purpose.eq(convene_types::TokenPurpose::ResetPassword))
        .one(&store)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, token, "stored hashed");
    let valid_for = stored.expires_at - stored.created_at;
    assert_eq!(valid_for, chrono::Duration::hours(1));

    let page = app
        .page_as(&reset.replacen(&app.url(""), "", 1), None)
        .await;
    assert!(page.contains("Set password and sign in"), "{page}");
    let short = app
        .call(
            ResetPassword::PATH,
            &[("token", &token), ("password", "short")],
            None,
        )
        .await;
    assert_eq!(
        short.status().as_u16(),
        422,
        "a refused password spends nothing"
    );
    let response = app
        .call(
            ResetPassword::PATH,
            &[("token", &token), ("password", "a brand new password")],
            None,
        )
        .await;
    let fresh = session_cookie(&response).expect("signed in with the new password");
    assert!(is_signed_in(&app.page_as("/", Some(&fresh)).await));
    for other in [&laptop, &phone] {
        assert!(
            !is_signed_in(&app.page_as("/", Some(other)).await),
            "every other session ends"
        );
    }
    let old = app
        .call(
            SignIn::PATH,
            &[("email", "ada@example.org"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(old.status().as_u16(), 401);
    let again = app
        .call(
            ResetPassword::PATH,
            &[("token", &token), ("password", "yet another password")],
            None,
        )
        .await;
    assert_eq!(again.status().as_u16(), 422, "single use");

    // A second request right away sends nothing (the first link is still good)...
    app.call(
        RequestPasswordReset::PATH,
        &[("email", "ada@example.org")],
        None,
    )
    .await;
    assert_eq!(mail_message::Entity::find().count(&store).await.unwrap(), 2);
    // ...and a link older than an hour no longer works.
    account_token::Entity::update_many()
        .col_expr(
            account_token::Column::CreatedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(61)),
        )
        .exec(&store)
        .await
        .unwrap();
    app.call(
        RequestPasswordReset::PATH,
        &[("email", "ada@example.org")],
        None,
    )
    .await;
    let late = token_of(&link(
        &read(&receiver.wait_for(3, WAIT).await[2]).text,
        "token=",
    ));
    account_token::Entity::update_many()
        .col_expr(
            account_token::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&store)
        .await
        .unwrap();
    let expired = app
        .call(
            ResetPassword::PATH,
            &[("token", &late), ("password", "a later password")],
            None,
        )
        .await;
    assert_eq!(expired.status().as_u16(), 422);
    let signed_in = app
        .call(
            SignIn::PATH,
            &[
                ("email", "ada@example.org"),
                ("password", "a brand new password"),
            ],
            None,
        )
        .await;
    assert!(
        session_cookie(&signed_in).is_some(),
        "the password stayed as set"
    );
}

#[tokio::test]
async fn without_smtp_mail_waits_in_the_outbox_for_site_admins() {
    use crate::access_matrix::create_user;

    let app = spawn_app_adjusted(Seed::Nothing, |_| {}).await;
    let store = db(&app).await;
    sign_up(&app, "ada@example.org", "Ada").await;
    create_user(&store, "root@example.org", true).await;
    create_user(&store, "member@example.org", false).await;
    let admin = app.sign_in("root@example.org", PASSWORD).await;
    let member = app.sign_in("member@example.org", PASSWORD).await;

    let page = app.page_as("/admin/mail", Some(&admin)).await;
    assert!(page.contains("No SMTP server is configured"), "{page}");
    assert!(page.contains("Confirm your email address for Convene"));
    assert!(page.contains("ada@example.org"));
    assert!(page.contains("Kept here: no SMTP server is configured"));
    // The link's kind and expiry, never the link: it would open Ada's account.
    assert!(page.contains("Confirmation link, works until"), "{page}");
    assert!(!page.contains("token="), "{page}");
    let refused = app.get_as("/admin/mail", Some(&member)).await;
    assert_eq!(refused.status().as_u16(), 403);
    let anonymous = app.get_as("/admin/mail", None).await;
    assert_eq!(anonymous.status().as_u16(), 401);

    // Reading one message is audited, naming the admin; its link stays withheld.
    let row = mail_message::Entity::find()
        .one(&store)
        .await
        .unwrap()
        .unwrap();
    assert!(row.text_body.contains("token="), "kept to be sent");
    let path = format!("/admin/mail/{}", row.id);
    let (status, message) = {
        let response = app.get_as(&path, Some(&admin)).await;
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(message.contains("Not shown: this message carries a single-use link"));
    assert!(!message.contains("token="), "{message}");
    let root = convene::store::users::find_by_email(
        &store,
        &convene::accounts::Email::parse("root@example.org").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let logs = crate::helpers::captured_logs().text();
    let read = logs
        .lines()
        .find(|line| {
            line.contains(" audit: ")
                && line.contains("site admin read a message")
                && line.contains(&format!("mail_id={}", row.id))
        })
        .unwrap_or_else(|| panic!("no audit line for the read in:\n{logs}"));
    assert!(read.contains(&format!("by=user:{}", root.id)), "{read}");
    assert_eq!(
        app.get_as(&path, Some(&member)).await.status().as_u16(),
        403
    );
    // Nothing was sent, and nothing will be.
    let row = mail_message::Entity::find()
        .one(&store)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.status, row.attempts), (MailStatus::Queued, 0));
}

#[tokio::test]
async fn a_sender_killed_mid_batch_loses_nothing_and_sends_nothing_twice() {
    use convene::mail::compose::Composed;
    use convene::mail::outbox::{OutgoingMail, enqueue};
    use convene::testing::{fresh_database_url, scratch_dir};

    use crate::helpers::ServerProcess;

    let receiver = SmtpReceiver::start().await;
    let database_url = fresh_database_url().await;
    let store = convene::store::connect(&database_url).await.unwrap();
    convene::store::migrate(&store).await.unwrap();
    let now = chrono::Utc::now();
    for n in 0..6 {
        let mail = OutgoingMail {
            idempotency_key: format!("batch:{n}"),
            kind: convene_types::MailKind::AccountExists,
            recipient: format!("member{n}@example.org"),
            user_id: None,
            content: Composed {
                subject: format!("Message {n}"),
                text: format!("Message {n}."),
                html: format!("<p>Message {n}.</p>"),
            },
            unsubscribe_url: None,
        };
        assert!(enqueue(&store, mail, now).await.unwrap());
    }
    let data_dir = scratch_dir("mail-kill").display().to_string();
    let smtp_url = receiver.url();
    let secret = "ab".repeat(32);
    let env = [
        ("DATABASE_URL", database_url.as_str()),
        ("CONVENE_DATA_DIR", &data_dir),
        ("CONVENE_SECRET_KEY", &secret),
        ("CONVENE_DAILY_SYNC", "0"),
        ("CONVENE_SMTP_URL", &smtp_url),
        // The lease outlives one conversation by 5 s: the next process takes over after 8 s.
        ("CONVENE_SMTP_TIMEOUT_SECONDS", "3"),
    ];

    // Each message waits before its text is invited, so the kill lands mid-conversation.
    receiver.hold_before_data(Duration::from_millis(700));
    let first = ServerProcess::start(&env);
    let until = tokio::time::Instant::now() + WAIT;
    while receiver.started() < 3 {
        assert!(
            tokio::time::Instant::now() < until,
            "the sender never got to a third message"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(first); // SIGKILL, while the third message is being sent
    assert_eq!(
        receiver.received().len(),
        2,
        "two were sent before the kill"
    );
    let sent_before = mail_message::Entity::find()
        .filter(mail_message::Column::Status.eq(MailStatus::Sent))
        .count(&store)
        .await
        .unwrap();
    assert_eq!(
        sent_before, 2,
        "each recorded as soon as the server took it"
    );

    receiver.hold_before_data(Duration::ZERO);
    let _second = ServerProcess::start(&env);
    let received = receiver.wait_for(6, Duration::from_secs(60)).await;
    // Give a duplicate every chance to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let received = if receiver.received().len() > received.len() {
        receiver.received()
    } else {
        received
    };
    let mut recipients: Vec<String> = received.iter().flat_map(|r| r.rcpt_to.clone()).collect();
    recipients.sort();
    let expected: Vec<String> = (0..6).map(|n| format!("member{n}@example.org")).collect();
    assert_eq!(recipients, expected, "every message once, none twice");
    let ids: std::collections::HashSet<String> =
        received.iter().map(|r| read(r).message_id).collect();
    assert_eq!(ids.len(), 6);
    let rows = mail_message::Entity::find().all(&store).await.unwrap();
    assert!(
        rows.iter()
            .all(|row| row.status == MailStatus::Sent && row.attempts == 1),
        "{rows:?}"
    );
}

#[tokio::test]
async fn a_new_address_is_used_once_confirmed_from_it() {
    use app::account::{ChangeEmail, ConfirmEmailChange};

    let receiver = SmtpReceiver::start().await;
    let app = spawn_app_adjusted(Seed::Nothing, with_smtp(&receiver)).await;
    let store = db(&app).await;
    let ada = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    receiver.wait_for(1, WAIT).await;

    let wrong = app
        .call(
            ChangeEmail::PATH,
            &[
                ("email", "ada@new.example.org"),
                ("current_password", "not it at all"),
            ],
            Some(&ada),
        )
        .await;
    assert_eq!(wrong.status().as_u16(), 422);
    let error: AppError = wrong.json().await.unwrap();
    assert!(
        matches!(error, AppError::Invalid { ref field, .. } if field.as_str() == "current_password"),
        "{error:?}"
    );
    let asked = app
        .call(
            ChangeEmail::PATH,
            &[
                ("email", "Ada@New.example.org"),
                ("current_password", PASSWORD),
            ],
            Some(&ada),
        )
        .await;
    assert!(asked.status().is_success() || asked.status().is_redirection());
    let mail = read(&receiver.wait_for(2, WAIT).await[1]);
    assert_eq!(
        mail.to, "ada@new.example.org",
        "the link goes to the new address"
    );
    assert_eq!(mail.subject, "Confirm your new email address for Convene");
    let link = link(&mail.text, "/account/email?token=");
    let page = app.page_as("/account", Some(&ada)).await;
    assert!(page.contains("ada@example.org"), "still the old address");
    assert!(page.contains("Waiting for you to follow the link sent to ada@new.example.org"));

    // Someone else cannot take an address in use, and cannot tell that it is: the same answer
    // as for a free one; its owner hears of it.
    let bo = app.sign_up("bo@example.org", "Bo", PASSWORD).await;
    let taken = app
        .call(
            ChangeEmail::PATH,
            &[("email", "ada@example.org"), ("current_password", PASSWORD)],
            Some(&bo),
        )
        .await;
    let free = app
        .call(
            ChangeEmail::PATH,
            &[
                ("email", "bo@new.example.org"),
                ("current_password", PASSWORD),
            ],
            Some(&bo),
        )
        .await;
    assert_eq!(taken.status(), free.status());
    assert_eq!(
        taken.headers().get("location"),
        free.headers().get("location")
    );
    let owner_note = mail_message::Entity::find()
        .all(&store)
        .await
        .unwrap()
        .into_iter()
        .find(|mail| {
            mail.recipient == "ada@example.org"
                && mail.subject == "Someone tried to use your address on Convene"
        });
    assert!(owner_note.is_some(), "the owner is told");

    let token = token_of(&link);
    let confirmed = app
        .call(ConfirmEmailChange::PATH, &[("token", &token)], None)
        .await;
    assert_eq!(
        confirmed.headers().get("location").unwrap(),
        "/account?saved=address"
    );
    let moved = user::Entity::find()
        .filter(user::Column::DisplayName.eq("Ada"))
        .one(&store)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.email, "ada@new.example.org");
    assert!(moved.email_confirmed_at.is_some());
    // The old address is told where the account went (if it was not its owner, they know).
    let told = mail_message::Entity::find()
        .filter(mail_message::Column::Recipient.eq("ada@example.org"))
        .filter(mail_message::Column::Kind.eq(convene_types::MailKind::AddressChanged))
        .one(&store)
        .await
        .unwrap()
        .expect("the old address is told");
    assert!(
        told.text_body.contains("ada@new.example.org"),
        "{}",
        told.text_body
    );
    app.sign_in("ada@new.example.org", PASSWORD).await;
    let old = app
        .call(
            SignIn::PATH,
            &[("email", "ada@example.org"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(old.status().as_u16(), 401);
    let again = app
        .call(ConfirmEmailChange::PATH, &[("token", &token)], None)
        .await;
    assert_eq!(again.status().as_u16(), 422, "single use");
}

#[tokio::test]
async fn the_account_page_keeps_the_timezone_and_mail_settings() {
    use app::account::{RememberTimezone, SaveMailSettings, SaveProfile, SetNewEventMail};
    use convene::store::entities::membership;

    let app = spawn_app_adjusted(Seed::Organizations, |_| {}).await;
    let store = db(&app).await;
    let ada = crate::helpers::person_in(
        &app,
        "rust-berlin",
        "ada@example.org",
        Some(convene::rules::access::Role::Member),
    )
    .await;
    assert_eq!(app.get_as("/account", None).await.status().as_u16(), 401);
    let me = || async {
        user::Entity::find()
            .filter(user::Column::Email.eq("ada@example.org"))
            .one(&store)
            .await
            .unwrap()
            .unwrap()
    };

    // The browser's guess is kept while nothing was chosen, never over a choice.
    let guessed: bool = app
        .call(
            RememberTimezone::PATH,
            &[("timezone", "Asia/Tokyo")],
            Some(&ada),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(guessed);
    app.call(
        SaveProfile::PATH,
        &[("display_name", "Ada L."), ("timezone", "Europe/Lisbon")],
        Some(&ada),
    )
    .await;
    let kept: bool = app
        .call(
            RememberTimezone::PATH,
            &[("timezone", "Asia/Tokyo")],
            Some(&ada),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!kept);
    let bad = app
        .call(
            SaveProfile::PATH,
            &[("display_name", "Ada"), ("timezone", "Mars/Olympus")],
            Some(&ada),
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    let account = me().await;
    assert_eq!(account.timezone.as_deref(), Some("Europe/Lisbon"));
    assert_eq!(account.display_name, "Ada L.");

    // Unchecked boxes are absent from the form: the digest goes off, Wednesday kept.
    app.call(SaveMailSettings::PATH, &[("weekday", "3")], Some(&ada))
        .await;
    let account = me().await;
    assert!(!account.digest_enabled && !account.import_alert_mail);
    assert_eq!(account.digest_weekday, 3);
    let bad_day = app
        .call(SaveMailSettings::PATH, &[("weekday", "8")], Some(&ada))
        .await;
    assert_eq!(bad_day.status().as_u16(), 422);

    app.call(
        SetNewEventMail::PATH,
        &[("slug", "rust-berlin"), ("on", "off")],
        Some(&ada),
    )
    .await;
    let membership = membership::Entity::find()
        .filter(membership::Column::UserId.eq(account.id))
        .one(&store)
        .await
        .unwrap()
        .unwrap();
    assert!(!membership.new_event_mail);
    let page = app.page_as("/account", Some(&ada)).await;
    assert!(
        page.contains("<input type=\"hidden\" name=\"on\" value=\"on\">"),
        "Rust Berlin's new-event mail shows as off, with a button to turn it on"
    );
    assert!(page.contains("Turn on"));
    assert!(
        page.contains("value=\"Europe/Lisbon\" selected"),
        "the chosen zone is selected"
    );
}
