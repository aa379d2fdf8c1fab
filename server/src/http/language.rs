//! The language each request is answered in (issue #35), chosen before anything renders: the
//! signed-in account's setting, then the `lang` cookie the footer's picker sets, then the
//! browser's `Accept-Language`, then English (`convene::i18n::negotiate`). The choice rides on
//! the request for the pages (`app::i18n::locale`), with what was read of the session (the
//! page starts from it instead of reading it again); the answer says which language it is in and
//! that it depends on `Accept-Language` (the cookie already makes every page vary by `Cookie`).

use app::auth::session::SessionLookup;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use convene::i18n::negotiate;
use tower_sessions::Session;
use tower_sessions::cookie::Cookie;

pub async fn choose(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let lookup = look_up_session(&state, request.extensions().get::<Session>()).await;
    let account = lookup
        .as_ref()
        .and_then(|lookup| lookup.user.as_ref())
        .and_then(|user| user.locale);
    let headers = request.headers();
    let cookie = cookie(headers, negotiate::COOKIE);
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let locale = negotiate::choose(account, cookie.as_deref(), accept_language);
    request.extensions_mut().insert(locale);
    if let Some(lookup) = lookup {
        // The page starts from it rather than reading the session again.
        request.extensions_mut().insert(lookup);
    }
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

/// The signed-in account behind the request's session (its language comes first). A request
/// without a session cookie asks nothing of the store; a failed lookup is logged, the browser's
/// choice applies and the page looks again (and answers the failure itself).
async fn look_up_session(state: &AppState, session: Option<&Session>) -> Option<SessionLookup> {
    let session = session.filter(|session| session.id().is_some())?;
    match app::auth::session::look_up(state, session).await {
        Ok(lookup) => Some(lookup),
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
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value_trimmed().to_owned())
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
