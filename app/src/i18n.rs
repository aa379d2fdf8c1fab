//! The reader's language in the pages (issue #35). The server chooses it for each request before
//! anything renders (`server::http::language`: the account's setting, the `lang` cookie, then
//! `Accept-Language`) and leaves it on the request; components write their texts with [`t`].
//! Islands never call [`t`]: their texts are looked up on the server and travel with their data
//! (`IslandTexts`), so the wasm bundle holds no translations.
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

/// The footer's language picker: sets the `lang` cookie (a year) and, for a signed-in member,
/// their account's language, then returns to the page it was sent from.
#[server]
pub async fn choose_language(lang: String, back: String) -> Result<(), AppError> {
    use crate::state::AppState;
    use axum::http::{HeaderValue, header};
    let state = AppState::current()?;
    let locale: Locale = lang
        .parse()
        .map_err(|_| crate::error::respond_with(AppError::BadRequest(t("language-unknown"))))?;
    if let Some(actor) = crate::auth::session::actor(&state).await? {
        convene::accounts::profile::save_language(&state.db, actor.user_id, Some(locale)).await?;
    }
    let secure = if state.site.is_https() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        convene::i18n::negotiate::COOKIE,
        locale.as_str()
    );
    if let (Some(response), Ok(cookie)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        response.append_header(header::SET_COOKIE, cookie);
    }
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
