//! Languages (issue #35): the account's choice, then the `lang` cookie the footer's picker sets,
//! then `Accept-Language`, then English; `<html lang dir>` and the dates follow.

use chrono::{DateTime, Datelike, Utc};
use reqwest::header;

use app::account::SaveLanguage;
use app::i18n::ChooseLanguage;
use leptos::server_fn::ServerFn;

use crate::helpers::{Seed, TestApp, set_cookie_lines, spawn_app_with};

/// The page at `path` as a browser sending `cookie` and `accept_language` would get it.
async fn page(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    accept_language: Option<&str>,
) -> (reqwest::header::HeaderMap, String) {
    let mut request = app.client.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    if let Some(languages) = accept_language {
        request = request.header(header::ACCEPT_LANGUAGE, languages);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.text().await.unwrap().replace("<!>", ""))
}

/// A plain HTML form's post (no JavaScript): the answer is a redirect.
async fn post_form(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.send().await.unwrap()
}

fn html_lang(html: &str) -> &str {
    let start = html.find("<html").expect("an html element");
    let tag = &html[start..];
    &tag[..tag.find('>').unwrap()]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_browser_then_the_cookie_then_the_account_choose_the_language() {
    let app = spawn_app_with(Seed::Organizations).await;

    // Nothing asked: English.
    let (headers, english) = page(&app, "/orgs", None, None).await;
    assert!(html_lang(&english).contains(r#"lang="en" dir="ltr""#));
    assert_eq!(headers[header::CONTENT_LANGUAGE], "en");
    assert!(english.contains(">Organizations<"));

    // The browser's languages, the first Convene speaks.
    let (headers, german) = page(&app, "/orgs", None, Some("ja, de-AT;q=0.9, en;q=0.5")).await;
    assert!(html_lang(&german).contains(r#"lang="de" dir="ltr""#));
    assert_eq!(headers[header::CONTENT_LANGUAGE], "de");
    let vary: Vec<_> = headers.get_all(header::VARY).iter().collect();
    assert!(
        vary.iter()
            .any(|value| value.to_str().unwrap().contains("Accept-Language")),
        "caches keep one copy per language: {vary:?}"
    );
    assert!(german.contains(">Organisationen<") && german.contains("Zum Inhalt springen"));
    assert!(
        german.contains("4 Organisationen"),
        "the count, its plural German"
    );

    // The picker: a cookie for a year, and back to the page it was on.
    let chosen = post_form(
        &app,
        ChooseLanguage::PATH,
        &[("lang", "ar"), ("back", "/orgs?x=1")],
        None,
    )
    .await;
    assert!(chosen.status().is_redirection(), "{}", chosen.status());
    assert_eq!(chosen.headers()[header::LOCATION], "/orgs?x=1");
    let cookie = set_cookie_lines(&chosen)
        .into_iter()
        .find(|line| line.starts_with("lang="))
        .expect("the language cookie");
    assert!(cookie.starts_with("lang=ar;") && cookie.contains("Max-Age=31536000"));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let (_, arabic) = page(&app, "/orgs", Some("lang=ar"), Some("de")).await;
    assert!(
        html_lang(&arabic).contains(r#"lang="ar" dir="rtl""#),
        "the cookie wins over the browser"
    );
    assert!(arabic.contains("انتقل إلى المحتوى"));
    // Arabic counts 3 to 10 with the plural of "few".
    assert!(
        arabic.contains("\u{2068}4\u{2069} منظمات"),
        "Arabic's plural for 4"
    );

    // Anything but one of ours is refused, changes nothing, and never leaves the site.
    let refused = app
        .call(ChooseLanguage::PATH, &[("lang", "xx"), ("back", "/")], None)
        .await;
    assert_eq!(refused.status(), 400);
    assert!(
        set_cookie_lines(&refused)
            .iter()
            .all(|line| !line.starts_with("lang="))
    );
    let refused = post_form(
        &app,
        ChooseLanguage::PATH,
        &[("lang", "xx"), ("back", "/")],
        None,
    )
    .await;
    assert!(
        set_cookie_lines(&refused)
            .iter()
            .all(|line| !line.starts_with("lang="))
    );
    let elsewhere = post_form(
        &app,
        ChooseLanguage::PATH,
        &[("lang", "fr"), ("back", "//evil.example/")],
        None,
    )
    .await;
    assert_eq!(elsewhere.headers()[header::LOCATION], "/");

    // A member's own choice follows them to any browser, over cookie and header.
    let member = app
        .sign_up("polyglot@example.org", "Poly", "correct horse battery")
        .await;
    let saved = app
        .call(SaveLanguage::PATH, &[("lang", "pt")], Some(&member))
        .await;
    assert!(saved.status().is_success() || saved.status().is_redirection());
    let cookies = format!("{member}; lang=fr");
    let (_, portuguese) = page(&app, "/account", Some(&cookies), Some("es")).await;
    assert!(html_lang(&portuguese).contains(r#"lang="pt""#));
    assert!(
        portuguese.contains("Idioma")
            && portuguese.contains(r#"<option value="pt" lang="pt" selected"#)
    );
    // The picker, signed in, changes the account too.
    post_form(
        &app,
        ChooseLanguage::PATH,
        &[("lang", "es"), ("back", "/")],
        Some(&member),
    )
    .await;
    let (_, spanish) = page(&app, "/orgs", Some(&member), None).await;
    assert!(html_lang(&spanish).contains(r#"lang="es""#));
    // Back to the browser's: the cookie, then the header, decide again.
    app.call(SaveLanguage::PATH, &[("lang", "")], Some(&member))
        .await;
    let (_, french) = page(&app, "/orgs", Some(&cookies), Some("es")).await;
    assert!(html_lang(&french).contains(r#"lang="fr""#));
    let refused = app
        .call(SaveLanguage::PATH, &[("lang", "tlh")], Some(&member))
        .await;
    assert_eq!(refused.status(), 400);
    let anonymous = app.call(SaveLanguage::PATH, &[("lang", "de")], None).await;
    assert_eq!(anonymous.status(), 401);
}

/// Month abbreviations as German and Arabic readers know them (not from the code under test).
const GERMAN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez",
];
const ARABIC_MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

#[tokio::test(flavor = "multi_thread")]
async fn an_event_page_writes_its_dates_the_readers_way() {
    let app = spawn_app_with(Seed::Demo).await;
    let (_, dashboard) = page(&app, "/dashboard?layout=day", None, None).await;
    let start = dashboard
        .find("href=\"/events/")
        .expect("an event page link")
        + 6;
    let path = &dashboard[start..start + dashboard[start..].find('"').unwrap()];

    let (_, english) = page(&app, path, None, None).await;
    let (_, german) = page(&app, path, None, Some("de")).await;
    let (_, arabic) = page(&app, path, Some("lang=ar"), None).await;
    // The event's start in its own zone, from the page's machine-readable time.
    let time_at = english.find("<time datetime=\"").unwrap() + 16;
    let start_utc: DateTime<Utc> = english
        [time_at..time_at + english[time_at..].find('"').unwrap()]
        .parse()
        .unwrap();
    let zone_at = english[time_at..].find("title=\"").unwrap() + time_at + 7;
    let zone: chrono_tz::Tz = english[zone_at..zone_at + english[zone_at..].find('"').unwrap()]
        .parse()
        .unwrap();
    let local = start_utc.with_timezone(&zone);
    let month = local.month0() as usize;
    let day = local.day();

    assert!(
        german.contains("Zum Kalender hinzufügen"),
        "the page's own words"
    );
    assert!(
        german.contains(&format!("{day}. {}", GERMAN_MONTHS[month])),
        "German day and month: {day}. {}",
        GERMAN_MONTHS[month]
    );
    assert!(
        arabic.contains(&format!("{day} {}", ARABIC_MONTHS[month])),
        "Arabic day and month"
    );
    if english.contains("all day") {
        return;
    }
    // Twelve hours in Arabic, with its morning and evening marks; 24 in German.
    let hour = chrono::Timelike::hour(&local);
    let twelve = if hour.is_multiple_of(12) {
        12
    } else {
        hour % 12
    };
    let mark = if hour < 12 { "ص" } else { "م" };
    assert!(
        arabic.contains(&format!(
            "{twelve}:{:02} {mark}",
            chrono::Timelike::minute(&local)
        )),
        "an Arabic clock"
    );
    assert!(german.contains(&format!(
        "{hour:02}:{:02}",
        chrono::Timelike::minute(&local)
    )));
    assert!(english.contains("Add to calendar"));
}
