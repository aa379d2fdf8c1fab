//! The reader's language in the pages (issue #35). The server chooses it for each request before
//! anything renders (`server::http::language`: the account's setting, the `lang` cookie, then
//! `Accept-Language`) and leaves it on the request; components write their texts with [`t`].
//! Islands never call [`t`] (in the browser it has no translations): they are still English,
//! and their texts are to be looked up on the server and travel with their data.
//!
//! Access: `choose_language` is anyone's (it sets their own cookie and, signed in, their own
//! account's language).

use convene_types::Locale;
pub use convene_types::i18n::Arg;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;

/// The language the page being rendered is in.
pub fn locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Locale>().copied())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::default()
    }
}

/// Message `id` in the page's language. Server renders only: in the browser it has no
/// translations and gives the id back (islands take theirs with their data).
pub fn t(id: &str) -> String {
    t_with(id, &[])
}

/// Message `id` with its values, in the page's language.
pub fn t_with(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    #[cfg(feature = "ssr")]
    {
        convene::i18n::text_with(locale(), id, args)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = args;
        id.to_owned()
    }
}

/// The locale whose tag is `lang` (`de`), or 400 saying to choose one from the list.
#[cfg(feature = "ssr")]
pub(crate) fn one_of_ours(lang: &str) -> Result<Locale, AppError> {
    lang.parse()
        .map_err(|_| crate::error::respond_with(AppError::BadRequest(t("language-unknown"))))
}

/// The footer's language picker: sets the `lang` cookie (a year) and, for a signed-in member,
/// their account's language, then returns to the page it was sent from.
#[server]
pub async fn choose_language(lang: String, back: String) -> Result<(), AppError> {
    use crate::error::respond_with;
    use crate::state::AppState;
    use axum::http::{HeaderValue, header};
    use tower_sessions::cookie::{Cookie, SameSite, time::Duration};
    let state = AppState::current()?;
    let locale = one_of_ours(&lang)?;
    if let Some(actor) = crate::auth::session::actor(&state).await? {
        convene::accounts::profile::save_language(&state.db, actor.user_id, Some(locale)).await?;
    }
    let cookie = Cookie::build((convene::i18n::negotiate::COOKIE, locale.as_str()))
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(state.site.is_https())
        .build();
    let response = use_context::<leptos_axum::ResponseOptions>().ok_or_else(|| {
        tracing::error!("no response options on a server function's request");
        respond_with(AppError::Internal)
    })?;
    let cookie = HeaderValue::from_str(&cookie.to_string()).map_err(|err| {
        tracing::error!(error = %err, "the language cookie is not a header value");
        respond_with(AppError::Internal)
    })?;
    response.append_header(header::SET_COOKIE, cookie);
    leptos_axum::redirect(convene::accounts::same_origin::local_path(&back));
    Ok(())
}

/// A form in the footer: the languages by their own names, and the page to come back to.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let current = locale();
    let back = current_address();
    let options = Locale::ALL
        .iter()
        .map(|option| {
            view! {
                <option value=option.as_str() lang=option.as_str() selected=*option == current>
                    {option.native_name()}
                </option>
            }
        })
        .collect_view();
    view! {
        <form class="language-picker" method="post" action=ChooseLanguage::url()>
            <label for="language-choice">{t("language-label")}</label>
            <select id="language-choice" name="lang">
                {options}
            </select>
            <input type="hidden" name="back" value=back />
            <button type="submit" class="button button-secondary">
                {t("language-change")}
            </button>
        </form>
    }
}

/// The page being rendered, path and query, to come back to.
fn current_address() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
            .unwrap_or_else(|| "/".to_owned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        "/".to_owned()
    }
}
