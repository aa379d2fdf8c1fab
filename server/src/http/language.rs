//! The language each request is answered in (issue #35), chosen before anything renders: the
//! signed-in account's setting, then the `lang` cookie the footer's picker sets, then the
//! browser's `Accept-Language`, then English (`convene::i18n::negotiate`). The choice rides on
//! the request for the pages (`app::i18n::locale`); the answer says which language it is in and
//! that it depends on `Accept-Language` (the cookie already makes every page vary by `Cookie`).

use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use convene::i18n::{Locale, negotiate};
use tower_sessions::Session;

pub async fn choose(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let account = account_language(&state, request.extensions().get::<Session>()).await;
    let headers = request.headers();
    let cookie = cookie(headers, negotiate::COOKIE);
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let locale = negotiate::choose(account, cookie.as_deref(), accept_language);
    request.extensions_mut().insert(locale);
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"));
    if is_html {
        let headers = response.headers_mut();
        headers.append(header::VARY, HeaderValue::from_static("Accept-Language"));
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(locale.as_str()),
        );
    }
    response
}

/// The signed-in account's language, if it chose one. A request without a session cookie asks
/// nothing of the store; a failed lookup is logged and the browser's choice applies.
async fn account_language(state: &AppState, session: Option<&Session>) -> Option<Locale> {
    let session = session.filter(|session| session.id().is_some())?;
    match app::auth::session::user_of(state, session).await {
        Ok(user) => user.and_then(|user| user.locale),
        Err(err) => {
            tracing::warn!(error = %err, "the account's language could not be read");
            None
        }
    }
}

/// The value of cookie `name`, if the request carries it (the first, if several).
fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_cookie_is_found_among_others() {
        let mut headers = axum::http::HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("convene_session=abc; lang=de"),
        );
        assert_eq!(cookie(&headers, "lang").as_deref(), Some("de"));
        assert_eq!(cookie(&headers, "other"), None);
        headers.append(header::COOKIE, HeaderValue::from_static("lang=\"ar\""));
        assert_eq!(cookie(&headers, "lang").as_deref(), Some("de"));
    }
}
