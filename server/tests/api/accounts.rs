//! Sign-up, sign-in, sign-out and sessions, through the server functions the browser calls.

use app::auth::links::ConfirmEmail;
use app::auth::{SignIn, SignOut, SignUp};
use app::error::AppError;
use leptos::server_fn::ServerFn;

use crate::helpers::{session_cookie, set_cookie_lines, spawn_app};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn sign_up_signs_nobody_in_and_sign_in_starts_a_secure_session() {
    let app = spawn_app().await;
    let response = app.ask_to_sign_up("Ada@Example.org", " Ada ").await;
    assert!(
        session_cookie(&response).is_none(),
        "the address is not confirmed yet, and a taken one must look the same"
    );
    // The confirmation link's follower chooses the password, and is signed in.
    let token = app.confirmation_link_for("ada@example.org").await;
    let confirmed = app.confirm(&token, "Ada", PASSWORD).await;
    assert!(
        app.page_as("/", Some(&confirmed))
            .await
            .contains("class=\"user-name\"")
    );
    let response = app
        .call(
            SignIn::PATH,
            &[("email", "ada@example.org"), ("password", PASSWORD)],
            None,
        )
        .await;
    let line = set_cookie_lines(&response)
        .into_iter()
        .find(|l| l.starts_with("convene_session="))
        .expect("session cookie");
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Lax"), "{line}");
    let cookie = session_cookie(&response).unwrap();

    let signed_in = app.page_as("/", Some(&cookie)).await;
    assert!(
        signed_in.contains("class=\"user-name\""),
        "header shows the user"
    );
    assert!(signed_in.contains("Ada"));
    assert!(signed_in.contains("Sign out"));
    let anonymous = app.page_as("/", None).await;
    assert!(anonymous.contains("href=\"/login\""));
    assert!(!anonymous.contains("class=\"user-name\""));
}

#[tokio::test]
async fn sign_up_with_bad_input_names_the_field_and_creates_nothing() {
    let app = spawn_app().await;
    let response = app
        .call(
            SignUp::PATH,
            &[("email", "not-an-email"), ("display_name", "Ada")],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(session_cookie(&response).is_none());
    let error: AppError = response.json().await.unwrap();
    assert!(
        matches!(error, AppError::Invalid { ref field, .. } if field.as_str() == "email"),
        "{error:?}"
    );

    // The password is chosen on the confirmation link's page, and checked there.
    app.ask_to_sign_up("ada@example.org", "Ada").await;
    let token = app.confirmation_link_for("ada@example.org").await;
    let response = app
        .call(
            ConfirmEmail::PATH,
            &[
                ("token", &token),
                ("display_name", "Ada"),
                ("password", "short"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let error: AppError = response.json().await.unwrap();
    assert!(
        matches!(error, AppError::Invalid { ref field, .. } if field.as_str() == "password"),
        "{error:?}"
    );
    // The link was not spent by the refusal.
    app.confirm(&token, "Ada", PASSWORD).await;
}

/// The squatter signs up with someone else's address and tries to sign in, before and after
/// the owner confirms; the owner's confirmation chooses the name and the password.
#[tokio::test]
async fn an_address_cannot_be_squatted() {
    let app = spawn_app().await;
    app.ask_to_sign_up("ada@example.org", "re-verify at https://evil.example")
        .await;
    for password in [PASSWORD, "", "anything at all"] {
        let refused = app
            .call(
                SignIn::PATH,
                &[("email", "ada@example.org"), ("password", password)],
                None,
            )
            .await;
        assert_eq!(
            refused.status().as_u16(),
            401,
            "an unconfirmed account opens nothing"
        );
        assert!(session_cookie(&refused).is_none());
    }
    // A second sign-up (the owner's) sends a fresh link; the owner follows it.
    app.ask_to_sign_up("ada@example.org", "Ada").await;
    let token = app.confirmation_link_for("ada@example.org").await;
    let owner = app.confirm(&token, "Ada", PASSWORD).await;
    let account = app.page_as("/account", Some(&owner)).await;
    assert!(account.contains("Ada") && !account.contains("re-verify"));
}

/// An account signed up before confirmation set the password could sign in unconfirmed: its
/// sessions open nothing now, and confirming ends them.
#[tokio::test]
async fn sessions_of_an_unconfirmed_account_open_nothing_and_confirming_ends_them() {
    use convene::store::entities::{session, user};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
    let app = spawn_app().await;
    let first = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let second = app.sign_in("ada@example.org", PASSWORD).await;
    let db = convene::store::connect(&app.database_url).await.unwrap();
    user::Entity::update_many()
        .col_expr(
            user::Column::EmailConfirmedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .exec(&db)
        .await
        .unwrap();
    for cookie in [&first, &second] {
        let page = app.page_as("/account", Some(cookie)).await;
        assert!(!page.contains("class=\"user-name\""), "anonymous");
    }
    let token = app.confirmation_link_for("ada@example.org").await;
    let owner = app.confirm(&token, "Ada", "a password of my own").await;
    assert!(
        app.page_as("/", Some(&owner))
            .await
            .contains("class=\"user-name\"")
    );
    assert_eq!(
        session::Entity::find()
            .filter(session::Column::UserId.is_not_null())
            .count(&db)
            .await
            .unwrap(),
        1,
        "only the confirming person's session is left"
    );
    db.close().await.unwrap();
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let wrong = app
        .call(
            SignIn::PATH,
            &[("email", "ada@example.org"), ("password", "nope nope")],
            None,
        )
        .await;
    let unknown = app
        .call(
            SignIn::PATH,
            &[("email", "bob@example.org"), ("password", "nope nope")],
            None,
        )
        .await;
    assert_eq!(wrong.status().as_u16(), 401);
    assert_eq!(unknown.status().as_u16(), 401);
    assert!(session_cookie(&wrong).is_none());
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn sign_in_rotates_the_session_and_sign_out_destroys_it() {
    let app = spawn_app().await;
    let first = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let browser = app.browser(Some(first.clone()));

    let response = browser
        .call(
            SignIn::PATH,
            &[("email", "ada@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let signed_in = browser.cookie().expect("a session at sign-in");
    assert_ne!(first, signed_in, "the session id changes at sign-in");
    assert!(
        !app.page_as("/", Some(&first))
            .await
            .contains("class=\"user-name\""),
        "the old id no longer signs anyone in"
    );
    assert!(browser.is_signed_in().await);

    let response = browser.call(SignOut::PATH, &[]).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    assert_ne!(
        browser.cookie().as_ref(),
        Some(&signed_in),
        "sign-out clears the browser's cookie"
    );
    assert!(!browser.is_signed_in().await);
    assert!(
        !app.page_as("/", Some(&signed_in))
            .await
            .contains("class=\"user-name\""),
        "a copied cookie is useless after sign-out: the session is gone on the server"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_a_clear_message() {
    let app = spawn_app().await;
    app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    for _ in 0..10 {
        let response = app
            .call(
                SignIn::PATH,
                &[("email", "ada@example.org"), ("password", "bad guess!")],
                None,
            )
            .await;
        assert_eq!(response.status().as_u16(), 401);
    }
    let response = app
        .call(
            SignIn::PATH,
            &[("email", "ada@example.org"), ("password", PASSWORD)],
            None,
        )
        .await;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(status, 429, "{body}");
    let error: AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(
        error.to_string(),
        "Too many failed sign-ins. Try again in 15 minutes."
    );
}

#[tokio::test]
async fn without_javascript_the_form_error_comes_back_on_the_page() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url(SignIn::PATH))
        .header("accept", "text/html")
        .header("referer", app.url("/login"))
        .form(&[("email", "nobody@example.org"), ("password", "whatever1")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/login?"), "{location}");
    assert!(
        !location.contains("whatever1"),
        "the password never rides in the URL"
    );
    let html = app
        .page_as(location.trim_start_matches(&app.url("")), None)
        .await;
    assert!(
        html.contains("Wrong email or password."),
        "the error is rendered in the page"
    );
    // What was typed comes back in the form (the password field stays empty).
    assert!(
        html.contains("value=\"nobody@example.org\""),
        "the email is kept"
    );
    assert!(!html.contains("whatever1"));

    // The attack: a link that carries an error its author wrote shows nothing of it, signed
    // with a made-up signature or not at all; the real error's link, its signature changed,
    // shows nothing either.
    use leptos::server_fn::error::ServerFnUrlError;
    let forged = AppError::Invalid {
        field: convene_types::InputField::Email,
        message: "Your account is locked: re-verify at https://evil.example".into(),
    };
    let forged = ServerFnUrlError::new(SignIn::PATH, forged)
        .to_url(&app.url("/login"))
        .unwrap()
        .to_string();
    for link in [
        forged.clone(),
        format!("{forged}&__errexp=99999999999&__errsig={}", "0".repeat(32)),
        location.replace("__errsig=", "__errsig=0"),
    ] {
        let html = app
            .page_as(link.trim_start_matches(&app.url("")), None)
            .await;
        assert!(!html.contains("evil.example"), "{link}");
        assert!(!html.contains("Wrong email or password."), "{link}");
        assert!(!html.contains("value=\"nobody@example.org\""), "{link}");
    }
}

#[tokio::test]
async fn a_session_in_use_is_extended_once_a_day_not_on_every_request() {
    use convene::store::entities::session;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

    let app = spawn_app().await;
    let cookie = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let response = app.get_as("/", Some(&cookie)).await;
    assert!(
        session_cookie(&response).is_none(),
        "a second visit the same day writes nothing"
    );

    // Make the stored session look as if it was last extended long ago and ends soon.
    let store = convene::testing::store_at(app.database_url.clone()).await;
    let row = session::Entity::find()
        .one(store.db())
        .await
        .unwrap()
        .expect("the signed-in session is stored");
    let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
    data["extended_on"] = serde_json::json!(1);
    let ends_soon = chrono::Utc::now() + chrono::Duration::hours(1);
    session::ActiveModel {
        id_hash: Set(row.id_hash.clone()),
        data: Set(data.to_string()),
        expires_at: Set(ends_soon),
        user_id: Set(row.user_id),
    }
    .update(store.db())
    .await
    .unwrap();

    let response = app.get_as("/", Some(&cookie)).await;
    assert_eq!(
        session_cookie(&response).as_deref(),
        Some(cookie.as_str()),
        "the first visit of a day renews the cookie, same id"
    );
    let line = set_cookie_lines(&response)
        .into_iter()
        .find(|line| line.starts_with("convene_session="))
        .unwrap();
    assert!(line.contains("Max-Age=2592000"), "30 days: {line}");
    let extended = session::Entity::find_by_id(row.id_hash)
        .one(store.db())
        .await
        .unwrap()
        .unwrap();
    assert!(
        extended.expires_at > chrono::Utc::now() + chrono::Duration::days(29),
        "the stored session now ends in 30 days: {}",
        extended.expires_at
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_throttling_sees_each_client_and_a_stranger_cannot_lock_a_member_out()
 {
    let app = crate::helpers::spawn_app_adjusted(crate::helpers::Seed::Organizations, |settings| {
        settings.trusted_proxies =
            convene::accounts::client_address::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let sign_in = |client: &'static str, password: &'static str| {
        app.client
            .post(app.url(SignIn::PATH))
            .header("x-forwarded-for", client)
            .form(&[("email", "ada@example.org"), ("password", password)])
            .send()
    };
    for _ in 0..10 {
        let response = sign_in("203.0.113.66", "bad guess!").await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
    }
    let stranger = sign_in("203.0.113.66", PASSWORD).await.unwrap();
    assert_eq!(
        stranger.status().as_u16(),
        429,
        "the failing client is paused"
    );
    let ada = sign_in("198.51.100.7", PASSWORD).await.unwrap();
    assert!(
        ada.status().is_success() || ada.status().is_redirection(),
        "Ada, behind the same proxy, signs in: {}",
        ada.status()
    );

    // Without the setting the header is anybody's: every request is the proxy itself.
    let untrusting = spawn_app().await;
    untrusting.sign_up("bo@example.org", "Bo", PASSWORD).await;
    for n in 0..10 {
        let response = untrusting
            .client
            .post(untrusting.url(SignIn::PATH))
            .header("x-forwarded-for", format!("203.0.113.{n}"))
            .form(&[("email", "bo@example.org"), ("password", "bad guess!")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
    }
    let response = untrusting
        .client
        .post(untrusting.url(SignIn::PATH))
        .header("x-forwarded-for", "198.51.100.99")
        .form(&[("email", "bo@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        429,
        "a forged header changes nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_sign_ins_do_not_hold_up_healthz() {
    let app = spawn_app().await;
    app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let mut sign_ins = tokio::task::JoinSet::new();
    // As many at once as one client may try for one address (each is counted before its hash).
    for _ in 0..convene::store::sign_in::MAX_FAILURES {
        let (client, url) = (app.client.clone(), app.url(SignIn::PATH));
        sign_ins.spawn(async move {
            client
                .post(url)
                .form(&[("email", "ada@example.org"), ("password", PASSWORD)])
                .send()
                .await
        });
    }
    let burst = tokio::spawn(sign_ins.join_all());
    let mut latencies = Vec::new();
    while !burst.is_finished() {
        let asked = std::time::Instant::now();
        assert_eq!(app.get("/healthz").await.status(), 200);
        latencies.push(asked.elapsed());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // A client has a share of the hashing queue: past it, it is told to wait at once.
    let statuses: Vec<u16> = burst
        .await
        .unwrap()
        .into_iter()
        .map(|response| response.unwrap().status().as_u16())
        .collect();
    assert!(
        statuses
            .iter()
            .all(|status| (200..400).contains(status) || *status == 429),
        "{statuses:?}"
    );
    assert!(statuses.iter().any(|status| *status != 429), "{statuses:?}");
    latencies.sort();
    let worst = latencies.last().copied().unwrap_or_default();
    println!(
        "twenty sign-ins: {} /healthz answers, the slowest in {worst:?}",
        latencies.len()
    );
    // A liveness bound, not a performance target (this suite runs many servers at once on two
    // cores): /healthz must keep answering while the hashes queue.
    assert!(worst < std::time::Duration::from_secs(2), "{worst:?}");
}

#[tokio::test]
async fn a_cross_site_post_to_a_server_function_is_refused() {
    use app::organizations::FollowOrganization;

    let app = spawn_app().await;
    let cookie = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let join = |origin: String| {
        app.client
            .post(app.url(FollowOrganization::PATH))
            .header("cookie", &cookie)
            .header("origin", origin)
            .form(&[("slug", "rust-berlin")])
            .send()
    };
    let refused = join("https://evil.example".to_owned()).await.unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("came from another site")
    );
    let db = convene::store::connect(&app.database_url).await.unwrap();
    let ada = convene::store::users::find_by_email(
        &db,
        &convene::accounts::Email::parse("ada@example.org").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        convene::store::memberships::organizations_of(&db, ada.id)
            .await
            .unwrap()
            .is_empty(),
        "nothing changed"
    );
    let allowed = join(app.url("")).await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
}

#[tokio::test]
async fn one_client_creates_only_a_few_accounts_in_a_while() {
    let app = spawn_app().await;
    for n in 0..convene::accounts::client_limit::SIGN_UPS_PER_CLIENT {
        app.sign_up(&format!("person{n}@example.org"), "Person", PASSWORD)
            .await;
    }
    let response = app
        .call(
            SignUp::PATH,
            &[
                ("email", "one-more@example.org"),
                ("display_name", "One more"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 429);
    let error: AppError = response.json().await.unwrap();
    assert_eq!(
        error.to_string(),
        "Too many accounts were created from your network. Try again in 15 minutes."
    );
}

/// A proxy that lets clients name themselves in `X-Forwarded-For` lines of their own; the server
/// trusts 127.0.0.1 (the test's proxy).
async fn behind_a_proxy() -> crate::helpers::TestApp {
    crate::helpers::spawn_app_adjusted(crate::helpers::Seed::Organizations, |settings| {
        settings.trusted_proxies =
            convene::accounts::client_address::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_concurrent_wrong_passwords_are_checked_ten_times_at_most() {
    let app = spawn_app().await;
    app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..60 {
        let (client, url) = (app.client.clone(), app.url(SignIn::PATH));
        guesses.spawn(async move {
            client
                .post(url)
                .form(&[
                    ("email", "ada@example.org"),
                    ("password", &format!("guess {n}!")),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses.iter().filter(|status| **status == 401).count();
    let paused = statuses.iter().filter(|status| **status == 429).count();
    assert!(
        checked <= usize::try_from(convene::store::sign_in::MAX_FAILURES).unwrap(),
        "{checked} passwords checked: {statuses:?}"
    );
    assert_eq!(checked + paused, 60, "{statuses:?}");
}

#[tokio::test]
async fn a_client_cannot_choose_its_address_with_a_line_of_its_own() {
    let app = behind_a_proxy().await;
    app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    // HAProxy adds its own line: the client's forged line comes first, the proxy's last.
    let sign_in = |forged: String, password: &'static str| {
        app.client
            .post(app.url(SignIn::PATH))
            .header("x-forwarded-for", forged)
            .header("x-forwarded-for", "203.0.113.66")
            .form(&[("email", "ada@example.org"), ("password", password)])
            .send()
    };
    for n in 0..10 {
        let response = sign_in(format!("198.51.100.{n}"), "bad guess!")
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
    }
    let response = sign_in("198.51.100.200".into(), PASSWORD).await.unwrap();
    assert_eq!(
        response.status().as_u16(),
        429,
        "a new first line is not a new client"
    );
}

#[tokio::test]
async fn current_password_checks_are_throttled_like_sign_ins() {
    use app::account::ChangePassword;
    let app = spawn_app().await;
    let ada = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    for _ in 0..convene::store::sign_in::MAX_FAILURES {
        let wrong = app
            .call(
                ChangePassword::PATH,
                &[
                    ("current_password", "not it at all"),
                    ("password", "a new password!"),
                ],
                Some(&ada),
            )
            .await;
        assert_eq!(wrong.status().as_u16(), 422);
    }
    let paused = app
        .call(
            ChangePassword::PATH,
            &[
                ("current_password", PASSWORD),
                ("password", "a new password!"),
            ],
            Some(&ada),
        )
        .await;
    assert_eq!(paused.status().as_u16(), 429);
    let error: AppError = paused.json().await.unwrap();
    assert!(error.to_string().contains("Try again in"), "{error}");
}

#[tokio::test]
async fn made_up_reset_tokens_cost_no_hash_and_one_client_gets_only_a_few() {
    use app::auth::links::ResetPassword;
    let app = spawn_app().await;
    let limit = convene::accounts::client_limit::ACCOUNT_ACTIONS_PER_CLIENT;
    for n in 0..limit {
        let response = app
            .call(
                ResetPassword::PATH,
                &[
                    ("token", &format!("{n:064x}")),
                    ("password", "a brand new password"),
                ],
                None,
            )
            .await;
        assert_eq!(
            response.status().as_u16(),
            422,
            "a token that opens nothing"
        );
    }
    let response = app
        .call(
            ResetPassword::PATH,
            &[
                ("token", &"f".repeat(64)),
                ("password", "a brand new password"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 429, "the client is paused");
}

#[tokio::test]
async fn an_address_change_is_no_mail_cannon() {
    use app::account::ChangeEmail;
    use convene::store::entities::mail_message;
    use sea_orm::{EntityTrait, PaginatorTrait};

    let app = behind_a_proxy().await;
    let ada = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let bo = app.sign_up("bo@example.org", "Bo", PASSWORD).await;
    let db = convene::store::connect(&app.database_url).await.unwrap();
    let before = mail_message::Entity::find().count(&db).await.unwrap();
    let ask = |cookie: &str, client: &str, to: String| {
        app.client
            .post(app.url(ChangeEmail::PATH))
            .header("cookie", cookie)
            .header("x-forwarded-for", client)
            .form(&[("email", to.as_str()), ("current_password", PASSWORD)])
            .send()
    };
    for n in 0..convene::accounts::links::EMAIL_CHANGES_A_DAY {
        let response = ask(&ada, "203.0.113.1", format!("victim{n}@example.org"))
            .await
            .unwrap();
        assert!(response.status().is_success() || response.status().is_redirection());
    }
    // A fourth for the account, from anywhere: refused, saying why.
    let response = ask(&ada, "203.0.113.2", "victim9@example.org".into())
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let error: AppError = response.json().await.unwrap();
    assert!(error.to_string().contains("3 times today"), "{error}");
    // A fourth from the client, with another account: paused.
    let response = ask(&bo, "203.0.113.1", "victim8@example.org".into())
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let sent = mail_message::Entity::find().count(&db).await.unwrap() - before;
    assert_eq!(sent, 3, "three links, not two hundred");
    // None of them says anything the asker wrote.
    for mail in mail_message::Entity::find().all(&db).await.unwrap() {
        if mail.recipient.starts_with("victim") {
            assert!(!mail.text_body.contains("Ada"), "{}", mail.text_body);
        }
    }
}
