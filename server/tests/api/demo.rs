//! Demo mode: a fresh store gets demo organizations on the bundled fake lu.ma, demo accounts and
//! a first import before the server answers; a restart keeps them working; keys stay secret.

use app::auth::SignIn;
use convene::demo::{DEMO_ADMIN_EMAIL, DEMO_PASSWORD};
use convene::store::entities::{event, organization, user};
use convene::store::{self, DatabaseConnection};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::startup::Application;

use crate::helpers::{Seed, captured_logs, session_cookie, spawn_app_with, test_settings};

async fn live_events(db: &DatabaseConnection) -> u64 {
    event::Entity::find()
        .filter(event::Column::RemovedAt.is_null())
        .count(db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fresh_store_starts_with_imported_demo_events_and_accounts() {
    let app = spawn_app_with(Seed::Demo).await;
    let db = store::connect(&app.database_url).await.unwrap();

    // Imported before the server answered: the first page a newcomer opens has events.
    let imported = live_events(&db).await;
    assert!(imported >= 20, "only {imported} demo events imported");
    let orgs = organization::Entity::find().all(&db).await.unwrap();
    assert_eq!(orgs.len(), 4);
    for org in &orgs {
        assert!(org.is_demo, "{} is marked as demo data", org.slug);
        assert_eq!(
            org.last_sync_outcome,
            Some(convene::import::sync::SyncOutcome::Ok),
            "{}",
            org.slug
        );
        assert!(org.events_last_synced_at.is_some());
    }

    let response = app
        .call(
            SignIn::PATH,
            &[("email", DEMO_ADMIN_EMAIL), ("password", DEMO_PASSWORD)],
            None,
        )
        .await;
    assert!(
        session_cookie(&response).is_some(),
        "the printed demo credentials sign in: {}",
        response.status()
    );

    // Its members' digests wait in the outbox, for the demo's site admin to read.
    let operator = app
        .call(
            SignIn::PATH,
            &[
                ("email", convene::demo::DEMO_OPERATOR_EMAIL),
                ("password", DEMO_PASSWORD),
            ],
            None,
        )
        .await;
    let operator = session_cookie(&operator).expect("the demo's site admin signs in");
    let outbox = app.page_as("/admin/mail", Some(&operator)).await;
    for digest_of in ["member@demo.convene.test", "admin@demo.convene.test"] {
        assert!(
            outbox.contains(digest_of) && outbox.contains("Your next two weeks:"),
            "the demo's digest for {digest_of} at /admin/mail"
        );
    }

    let logs = captured_logs().text();
    assert!(
        logs.contains(DEMO_ADMIN_EMAIL),
        "credentials are printed at start"
    );
    assert!(
        !logs.contains("demo-key-"),
        "lu.ma keys never reach the log"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_reuses_the_demo_store_without_adding_to_it() {
    let app = spawn_app_with(Seed::Demo).await;
    let database_url = app.database_url.clone();
    app.shut_down().await.unwrap();
    let db = store::connect(&database_url).await.unwrap();
    let events_before = live_events(&db).await;
    let old_base = organization::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .luma_api_base;

    let restarted = Application::build(&test_settings(database_url, true))
        .await
        .unwrap();
    assert_eq!(organization::Entity::find().count(&db).await.unwrap(), 4);
    assert_eq!(
        user::Entity::find().count(&db).await.unwrap(),
        4,
        "no second set of accounts"
    );
    assert_eq!(
        live_events(&db).await,
        events_before,
        "stored events are kept"
    );
    let new_base = organization::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .luma_api_base;
    assert!(
        new_base.is_some() && new_base != old_base,
        "re-pointed at the new fake: {new_base:?}"
    );
    drop(restarted);
}

#[tokio::test]
async fn without_demo_mode_an_empty_store_stays_empty() {
    let app = spawn_app_with(Seed::Nothing).await;
    let db = store::connect(&app.database_url).await.unwrap();
    assert_eq!(organization::Entity::find().count(&db).await.unwrap(), 0);
    assert_eq!(user::Entity::find().count(&db).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_started_without_settings_creates_no_account() {
    let database_url = convene::testing::fresh_sqlite_url();
    let data_dir = convene::testing::scratch_dir("bare");
    let server = crate::helpers::ServerProcess::start(&[
        ("DATABASE_URL", &database_url),
        ("CONVENE_DATA_DIR", &data_dir.display().to_string()),
    ]);
    let home = reqwest::get(format!("{}/", server.base)).await.unwrap();
    assert_eq!(home.status(), 200);
    let db = convene::store::connect(&database_url).await.unwrap();
    assert_eq!(
        user::Entity::find().count(&db).await.unwrap(),
        0,
        "no account at all"
    );
    assert_eq!(
        organization::Entity::find().count(&db).await.unwrap(),
        0,
        "no demo data"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_accounts_cannot_sign_in_once_demo_mode_is_off() {
    let demo = spawn_app_with(Seed::Demo).await;
    let database_url = demo.database_url.clone();
    demo.shut_down().await.unwrap();
    let mut settings = test_settings(database_url, false);
    settings.demo = false;
    let app = Application::build(&settings).await.unwrap();
    let address = app.local_addr();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let refused = reqwest::Client::new()
        .post(format!("http://{address}{}", SignIn::PATH))
        .form(&[("email", DEMO_ADMIN_EMAIL), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        401,
        "the published password opens nothing"
    );
    let error: app::error::AppError = refused.json().await.unwrap();
    assert_eq!(error, app::error::AppError::WrongCredentials);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demos_lu_ma_changes_an_event_and_its_webhook_shows_it_within_seconds() {
    use convene::demo::LIVE_EVENT_TITLE;

    let database_url = convene::testing::fresh_database_url().await;
    let mut settings = test_settings(database_url, true);
    settings.demo_live_changes = true;
    let app = Application::build(&settings).await.unwrap();
    let address = app.local_addr();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let page = format!("http://{address}/orgs/rust-berlin/events?view=list");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let html = reqwest::get(&page).await.unwrap().text().await.unwrap();
        if html.contains(LIVE_EVENT_TITLE) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the demo's live change never showed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let status = reqwest::get(format!("http://{address}/status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(
        status.contains("lu.ma calendar key + webhooks"),
        "Rust Berlin takes webhooks in the demo"
    );
}
