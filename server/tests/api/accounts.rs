//! Sign-up, sign-in, sign-out and sessions, through the server functions the browser calls.

use app::auth::{SignIn, SignOut, SignUp};
use app::error::AppError;
use leptos::server_fn::ServerFn;

use crate::helpers::{session_cookie, set_cookie_lines, spawn_app};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn sign_up_starts_a_secure_session_shown_in_the_header() {
    let app = spawn_app().await;
    let response = app
        .call(
            SignUp::PATH,
            &[
                ("email", "Ada@Example.org"),
                ("display_name", " Ada "),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;
    assert!(response.status().is_success() || response.status().is_redirection());
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
            &[
                ("email", "not-an-email"),
                ("display_name", "Ada"),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(session_cookie(&response).is_none());
    let error: AppError = response.json().await.unwrap();
    assert!(
        matches!(error, AppError::Invalid { ref field, .. } if field == "email"),
        "{error:?}"
    );

    let response = app
        .call(
            SignUp::PATH,
            &[
                ("email", "ada@example.org"),
                ("display_name", "Ada"),
                ("password", "short"),
            ],
            None,
        )
        .await;
    let error: AppError = response.json().await.unwrap();
    assert!(
        matches!(error, AppError::Invalid { ref field, .. } if field == "password"),
        "{error:?}"
    );

    // The email is still free: nothing was half-written.
    app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    let response = app
        .call(
            SignUp::PATH,
            &[
                ("email", "ADA@example.org"),
                ("display_name", "Ada 2"),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    let error: AppError = response.json().await.unwrap();
    assert!(
        matches!(error, AppError::Conflict { ref field, .. } if field == "email"),
        "{error:?}"
    );
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

    let response = app
        .call(
            SignIn::PATH,
            &[("email", "ada@example.org"), ("password", PASSWORD)],
            Some(&first),
        )
        .await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let second = session_cookie(&response).expect("a new session id at sign-in");
    assert_ne!(first, second, "the session id changes at sign-in");
    assert!(
        !app.page_as("/", Some(&first))
            .await
            .contains("class=\"user-name\""),
        "the old id no longer signs anyone in"
    );
    assert!(
        app.page_as("/", Some(&second))
            .await
            .contains("class=\"user-name\"")
    );

    let response = app.call(SignOut::PATH, &[], Some(&second)).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    assert!(
        !app.page_as("/", Some(&second))
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
    assert_eq!(response.status().as_u16(), 429);
    let error: AppError = response.json().await.unwrap();
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
    let html = app
        .page_as(location.trim_start_matches(&app.url("")), None)
        .await;
    assert!(
        html.contains("Wrong email or password."),
        "the error is rendered in the page"
    );
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
