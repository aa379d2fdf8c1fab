//! Form helpers shared by features: errors shown beside the field they name, whether the form
//! posted as plain HTML (the error and what was typed come back in the URL) or from an island.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
#[cfg(feature = "ssr")]
use leptos::server_fn::error::ServerFnUrlError;

use crate::error::AppError;

/// The error of the action's last submission. With JavaScript it comes from the action itself;
/// without, the server redirected back with the error encoded in the URL (`__path`, `__err`).
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    // The page's address does not change while it is open (navigation loads a new page).
    let from_url = url_error(S::PATH);
    Signal::derive(move || match action.value().get() {
        Some(result) => result.err(),
        None => from_url.clone(),
    })
}

/// The error a plain form post to the server function at `path` came back with, in the URL:
/// only one this server wrote there lately (its signature holds and it is at most
/// [`URL_ERROR_VALID_SECONDS`] old), so a link cannot make Convene's page say what its author
/// wants. Checked on the server, which renders what a plain post shows; in the browser a page
/// reads no error from its address (with JavaScript a form's errors come from its action).
pub fn url_error(path: &str) -> Option<AppError> {
    (url_param("__path").as_deref() == Some(path))
        .then(verified_url_error)
        .flatten()
}

/// What the visitor typed in `field` before a plain form post failed: the server sends it back
/// in the URL beside the error ([`keep_typed`]), so the form shows it again (only beside an
/// error this server wrote).
pub fn typed(field: &str) -> Option<String> {
    verified_url_error().and(url_param(field))
}

/// How long the error a failed plain post carries in its URL is shown.
pub const URL_ERROR_VALID_SECONDS: i64 = 600;

#[cfg(feature = "ssr")]
fn verified_url_error() -> Option<AppError> {
    let path = url_param("__path")?;
    let err = url_param("__err")?;
    let expires: i64 = url_param("__errexp")?.parse().ok()?;
    let given = url_param("__errsig")?;
    if expires < chrono::Utc::now().timestamp() {
        return None;
    }
    let expected = url_error_signature(&path, &err, expires)?;
    convene::secrets::signatures_equal(&given, &expected)
        .then(|| ServerFnUrlError::<AppError>::decode_err(&err))
}

#[cfg(not(feature = "ssr"))]
fn verified_url_error() -> Option<AppError> {
    None
}

/// The MAC, under the secret key, of a failed post's error as its URL carries it.
#[cfg(feature = "ssr")]
fn url_error_signature(path: &str, err: &str, expires: i64) -> Option<String> {
    let state = crate::state::AppState::current().ok()?;
    let key = state.refresher.importer().secret_key();
    let mac = key.mac("convene/form-error", &format!("{path}\n{expires}\n{err}"));
    Some(
        mac.iter()
            .take(16)
            .map(|byte| format!("{byte:02x}"))
            .collect(),
    )
}

/// A failed plain form post (no JavaScript) goes back to its page with the error in the URL
/// (Leptos's `__path` and `__err`); this sends back what was typed in `fields` too. Never for
/// secrets. With JavaScript the form keeps its values itself and nothing changes. Returns
/// `result` as it was.
#[cfg(feature = "ssr")]
pub fn keep_typed<T>(
    result: Result<T, AppError>,
    server_fn_path: &str,
    fields: &[(&str, &str)],
) -> Result<T, AppError> {
    use axum::http::header::REFERER;

    let err = match result {
        Err(err) if crate::error::is_plain_form_post() => err,
        done => return done,
    };
    let Some(mut referer) = use_context::<axum::http::request::Parts>().and_then(|parts| {
        let referer = parts.headers.get(REFERER)?.to_str().ok()?;
        Some(referer.to_owned())
    }) else {
        return Err(err);
    };
    ServerFnUrlError::<AppError>::strip_error_info(&mut referer);
    let Ok(mut url) = ServerFnUrlError::new(server_fn_path, err.clone()).to_url(&referer) else {
        return Err(err);
    };
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| {
            !fields.iter().any(|(field, _)| key == field) && key != "__errexp" && key != "__errsig"
        })
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    // Signed, so that only this server's errors show on its pages.
    let expires = chrono::Utc::now().timestamp() + URL_ERROR_VALID_SECONDS;
    let encoded = kept
        .iter()
        .find(|(key, _)| key == "__err")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let Some(signature) = url_error_signature(server_fn_path, &encoded, expires) else {
        return Err(err);
    };
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .extend_pairs(fields.iter().copied())
        .append_pair("__errexp", &expires.to_string())
        .append_pair("__errsig", &signature);
    leptos_axum::redirect(url.as_str());
    Err(err)
}

/// A parameter of the page's query string: from the request on the server, from the address bar
/// in an island (which has no router).
pub fn url_param(key: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        leptos_router::hooks::use_query_map().with_untracked(|query| query.get(key))
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let search = window().location().search().ok()?;
        crate::query_string::QueryString::parse(&search)
            .find(key)
            .map(str::to_owned)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        let _ = key;
        None
    }
}

/// The message for the form field named `field`, when the error is about it (an
/// [`convene_types::InputField`]'s text is its form field's name).
pub fn field_message(error: Option<AppError>, field: &str) -> Option<String> {
    match error? {
        AppError::Invalid { field: f, message } | AppError::Conflict { field: f, message }
            if f.as_str() == field =>
        {
            Some(message)
        }
        _ => None,
    }
}

/// The message for errors that belong to no listed field (shown above the form).
pub fn form_message(error: Option<AppError>, fields: &[&str]) -> Option<String> {
    match error? {
        AppError::Invalid { field, .. } | AppError::Conflict { field, .. }
            if fields.contains(&field.as_str()) =>
        {
            None
        }
        other => Some(other.to_string()),
    }
}

/// The error of a form submission that belongs to none of `fields`, above the form.
#[component]
pub fn FormAlert(
    error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    let message = move || form_message(error.get(), fields);
    view! {
        <Show when=move || message().is_some()>
            <p class="notice notice-error" role="alert">
                {message}
            </p>
        </Show>
    }
}

/// A labelled input with its error beneath it, linked for screen readers.
#[component]
pub fn Field(
    /// In the page's language (`crate::i18n::t`).
    #[prop(into)]
    label: String,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    /// What the field holds when the page loads.
    #[prop(optional, into)]
    value: Option<String>,
    #[prop(default = true)] required: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    let message = move || field_message(error.get(), name);
    // What was typed before a failed plain post wins over what is stored.
    let value = (kind != "password")
        .then(|| typed(name))
        .flatten()
        .or(value);
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                placeholder=placeholder
                required=required
                aria-invalid=move || if message().is_some() { "true" } else { "false" }
                aria-describedby=described_by
            />
            {hint
                .map(|hint| {
                    view! {
                        <p class="field-hint" id=hint_id>
                            {hint}
                        </p>
                    }
                })}
            <p class="field-error" id=error_id role="alert">
                {message}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_go_to_their_field_and_the_rest_above_the_form() {
        let invalid = AppError::Invalid {
            field: convene_types::InputField::Email,
            message: "must look like name@example.org".into(),
        };
        assert_eq!(
            field_message(Some(invalid.clone()), "email").as_deref(),
            Some("must look like name@example.org")
        );
        assert_eq!(field_message(Some(invalid.clone()), "password"), None);
        assert_eq!(form_message(Some(invalid), &["email", "password"]), None);
        assert_eq!(
            form_message(Some(AppError::WrongCredentials), &["email"]).as_deref(),
            Some("Wrong email or password.")
        );
    }
}
