//! How bytes leave the server: compressed pages and answers, precompressed assets cached for a
//! year under hashed names, pages revalidated with an `ETag`, calendar files left byte-exact.

use leptos::config::LeptosOptions;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, IF_NONE_MATCH, VARY,
};

use crate::helpers::{Seed, spawn_app_adjusted, spawn_app_with};

#[tokio::test]
async fn pages_are_compressed_and_a_repeat_view_costs_a_304() {
    let app = spawn_app_with(Seed::Organizations).await;
    let plain = app.get("/orgs").await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers().get(CONTENT_ENCODING), None);
    assert_eq!(plain.headers()[CACHE_CONTROL], "private, no-cache");
    let tag = plain.headers()[ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    let plain_len = plain.bytes().await.unwrap().len();

    let compressed = app
        .client
        .get(app.url("/orgs"))
        .header(ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()[CONTENT_ENCODING], "br");
    let vary: Vec<&str> = compressed
        .headers()
        .get_all(VARY)
        .iter()
        .map(|value| value.to_str().unwrap())
        .collect();
    assert!(
        vary.iter().any(|value| value.contains("accept-encoding")),
        "{vary:?}"
    );
    assert_eq!(
        compressed.headers()[ETAG],
        tag.as_str(),
        "one tag per page, however sent"
    );
    let compressed_len = compressed.bytes().await.unwrap().len();
    assert!(
        compressed_len * 2 < plain_len,
        "{compressed_len} compressed bytes of {plain_len}"
    );

    let again = app
        .client
        .get(app.url("/orgs"))
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn small_answers_and_calendar_files_go_out_as_they_are() {
    let app = spawn_app_with(Seed::Organizations).await;
    for path in ["/healthz", "/orgs/rust-berlin/events.ics"] {
        let response = app
            .client
            .get(app.url(path))
            .header(ACCEPT_ENCODING, "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers().get(CONTENT_ENCODING), None, "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_sent_precompressed_and_cached_for_a_year() {
    let site = convene::testing::scratch_dir("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let script = "export function hydrate() { /* the bundle */ }\n".repeat(400);
    std::fs::write(pkg.join("convene.0a1b2c.js"), &script).unwrap();
    assert_eq!(server::http::assets::precompress(&pkg).unwrap(), 1);
    let app = spawn_app_adjusted(Seed::Nothing, |settings| {
        settings.leptos_options = LeptosOptions::builder()
            .output_name("convene")
            .site_root(site.to_string_lossy().into_owned())
            .hash_files(true)
            .build();
    })
    .await;

    let brotli = app
        .client
        .get(app.url("/pkg/convene.0a1b2c.js"))
        .header(ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.status(), 200);
    assert_eq!(brotli.headers()[CONTENT_ENCODING], "br");
    assert_eq!(
        brotli.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let body = brotli.bytes().await.unwrap();
    assert!(body.len() * 10 < script.len(), "{} bytes", body.len());

    let gzip = app
        .client
        .get(app.url("/pkg/convene.0a1b2c.js"))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.headers()[CONTENT_ENCODING], "gzip");

    let plain = app.get("/pkg/convene.0a1b2c.js").await;
    assert_eq!(plain.headers().get(CONTENT_ENCODING), None);
    assert_eq!(plain.bytes().await.unwrap().len(), script.len());

    assert_eq!(app.get("/pkg/missing.js").await.status(), 404);
}
