use app::organizations::{ListOrganizations, OrganizationSummary};
use leptos::server_fn::ServerFn;

use crate::helpers::{Seed, occurrences, spawn_app, spawn_app_with};

#[tokio::test]
async fn home_page_server_renders_the_organizations_from_the_store() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    for name in ["Rust Berlin", "Rust Lisbon", "Rust London", "Rust NYC"] {
        assert!(html.contains(name), "{name} missing from the SSR HTML");
    }
    assert_eq!(occurrences(&html, "class=\"organization-card\""), 4);
    assert!(html.contains("4 organizations"));
    assert!(
        !html.contains("Loading organizations"),
        "the list must be in the HTML itself, not streamed in for a script to place"
    );
    assert!(html.contains("<title>Organizations · Convene</title>"));
    // Islands: the directory has none, so it links no script and carries no hydration data.
    assert!(
        !html.contains("/pkg/convene.js") && !html.contains(".wasm"),
        "no wasm bundle on a content page"
    );
    assert!(
        !html.contains("modulepreload") && !html.contains("<script src"),
        "no script is loaded on the directory"
    );
}

#[tokio::test]
async fn only_pages_with_an_island_link_the_wasm_bundle() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/dashboard").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("/pkg/convene.js"),
        "the dashboard's island needs the bundle"
    );
    // A visitor's dashboard: its panel, filters and events in one (members also get their feed).
    assert_eq!(occurrences(&html, "<leptos-island"), 1);
    for page in [
        "/orgs/rust-berlin",
        "/orgs/rust-berlin/events",
        "/login",
        "/login/forgot",
        "/login/forgot/sent",
        "/login/reset?token=nothing",
        "/signup",
        "/signup/sent",
        "/account/confirm?token=nothing",
    ] {
        let (status, html) = app.get_html(page).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            !html.contains("/pkg/convene.js"),
            "{page} links the wasm bundle"
        );
        assert!(!html.contains("<leptos-island"), "{page} has an island");
    }
}

#[tokio::test]
async fn filter_in_the_query_string_is_applied_on_the_server() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/?q=berlin").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-slug=\"rust-berlin\""));
    assert!(
        !html.contains("Rust London"),
        "nothing of the others, not even as data"
    );
    assert_eq!(occurrences(&html, "class=\"organization-card\""), 1);
    assert!(html.contains("Showing 1 of 4 organizations matching “berlin”"));
}

#[tokio::test]
async fn empty_store_shows_a_next_step_instead_of_a_blank_page() {
    let app = spawn_app_with(Seed::Nothing).await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    assert_eq!(occurrences(&html, "class=\"organization-card\""), 0);
    assert!(html.contains("No organizations yet."));
}

#[tokio::test]
async fn unknown_routes_answer_404_with_the_app_page() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    assert!(html.contains("Browse organizations"));
}

#[tokio::test]
async fn list_organizations_server_function_answers_json() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url(ListOrganizations::PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let organizations: Vec<OrganizationSummary> = response.json().await.unwrap();
    let slugs: Vec<_> = organizations.iter().map(|o| o.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["rust-berlin", "rust-lisbon", "rust-london", "rust-nyc"]
    );
}

#[tokio::test]
async fn no_page_or_answer_may_be_framed_by_another_site() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/dashboard",
        "/login",
        "/orgs/rust-berlin/events.ics",
        "/no/such/page",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert!(
            headers
                .get("content-security-policy")
                .and_then(|value| value.to_str().ok())
                .is_some_and(|policy| policy.starts_with("frame-ancestors 'none'")),
            "{path}"
        );
        assert_eq!(
            headers
                .get("x-frame-options")
                .and_then(|value| value.to_str().ok()),
            Some("DENY"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn robots_may_read_public_pages_but_not_accounts_mail_or_feeds() {
    let app = spawn_app().await;
    let response = app.get("/robots.txt").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    assert!(text.starts_with("User-agent: *\nAllow: /\n"), "{text}");
    for private in ["/account", "/admin/", "/api/", "/feeds/", "/mail/"] {
        assert!(
            text.contains(&format!("Disallow: {private}\n")),
            "{private}"
        );
    }
}

#[tokio::test]
async fn every_answer_says_its_type_is_final_and_keeps_page_addresses_home() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/login",
        "/orgs/rust-berlin/events.ics",
        "/events.atom",
        "/healthz",
        "/no/such/page",
    ] {
        let response = app.get(path).await;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            header("referrer-policy").as_deref(),
            Some("strict-origin-when-cross-origin"),
            "{path}"
        );
        assert_eq!(header("strict-transport-security"), None, "http: no HSTS");
    }
}

#[tokio::test]
async fn an_https_site_tells_browsers_to_use_nothing_else() {
    let app = crate::helpers::spawn_app_adjusted(Seed::Organizations, |settings| {
        settings.public_url = Some("https://events.example.org/".parse().unwrap());
        settings.secure_cookies = true;
    })
    .await;
    for path in ["/", "/healthz", "/orgs/rust-berlin/events.ics"] {
        let response = app.get(path).await;
        assert_eq!(
            response
                .headers()
                .get("strict-transport-security")
                .and_then(|value| value.to_str().ok()),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
}

/// Every inline script a page carries runs by this response's nonce, and the policy names that
/// nonce; nothing without it (an injected script) would run. A page revalidated with 304 keeps
/// the policy of the copy the browser holds.
#[tokio::test]
async fn pages_run_only_the_scripts_their_nonce_marks() {
    let app = spawn_app().await;
    for path in ["/", "/dashboard", "/login"] {
        let response = app.get(path).await;
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let etag = response.headers().get("etag").cloned();
        let html = response.text().await.unwrap();
        assert!(policy.contains("object-src 'none'"), "{policy}");
        assert!(policy.contains("base-uri 'self'"), "{policy}");
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        let executable: Vec<&&str> = scripts
            .iter()
            .filter(|script| !script.trim_start().starts_with("type=\"application/"))
            .collect();
        if executable.is_empty() {
            assert!(policy.contains("script-src 'none'"), "{path}: {policy}");
            continue;
        }
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
        for script in executable {
            let tag = script.split('>').next().unwrap_or_default();
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: a script without the page's nonce: <script{tag}>"
            );
        }
        if let Some(etag) = etag {
            let again = app
                .client
                .get(app.url(path))
                .header("if-none-match", etag)
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), 304, "{path}");
            assert!(
                again.headers().get("content-security-policy").is_none(),
                "{path}: the stored policy stays"
            );
        }
    }
}
