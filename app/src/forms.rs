//! Form helpers shared by features: errors shown beside the field they name, before and after
//! hydration.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

/// The error of the action's last submission. With JavaScript it comes from the action itself;
/// without, the server redirected back with the error encoded in the URL (`__path`, `__err`).
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let query = use_query_map();
    Signal::derive(move || {
        if let Some(result) = action.value().get() {
            return result.err();
        }
        let query = query.read();
        if query.get_str("__path") != Some(S::PATH) {
            return None;
        }
        query
            .get_str("__err")
            .map(ServerFnUrlError::<AppError>::decode_err)
    })
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
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    /// What the field holds when the page loads.
    #[prop(optional, into)]
    value: Option<String>,
    #[prop(default = true)] required: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let message = move || field_message(error.get(), name);
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                required=required
                aria-invalid=move || if message().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            />
            {hint.map(|hint| view! { <p class="field-hint">{hint}</p> })}
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
