//! Pages behind account mail: "check your email" after sign-up, "forgot password?", the reset
//! link's page, and the confirmation link's page.
//!
//! Access: all for anyone (a link's token is its own authority). Links in mail are opened with
//! GET, which only shows a form: mail scanners that fetch every link spend nothing. The form's
//! POST spends the link.

use convene_types::TokenPurpose;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;
use crate::forms::{Field, FormAlert, form_error, url_param};
use crate::i18n::t;

#[server]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::state::AppState;
    use convene::accounts::Email;
    use convene::accounts::links;
    use leptos::server_fn::ServerFn;

    let asked = async {
        let state = AppState::current()?;
        let email = Email::parse(&email)?;
        crate::auth::session::admit(&state, &state.account_actions).await?;
        let outcome =
            links::request_password_reset(&state.db, &email, &state.site, chrono::Utc::now())
                .await?;
        // The page says the same in every case; the log tells the operator.
        tracing::info!(?outcome, "password reset asked for");
        leptos_axum::redirect("/login/forgot/sent");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(asked, RequestPasswordReset::PATH, &[("email", &email)])
}

#[server]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::auth::session;
    use crate::state::AppState;
    use convene::accounts::{Password, links};
    use leptos::server_fn::ServerFn;

    let reset = async {
        let state = AppState::current()?;
        let password = Password::parse_new(password)?;
        session::admit(&state, &state.account_actions).await?;
        let user = links::reset_password(&state.db, &token, password, chrono::Utc::now()).await?;
        session::start(user.id).await?;
        leptos_axum::redirect("/");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(reset, ResetPassword::PATH, &[])
}

#[server]
pub async fn confirm_email(
    token: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::auth::session;
    use crate::state::AppState;
    use convene::accounts::links::{self, Confirmation};
    use convene::accounts::{DisplayName, Password};
    use leptos::server_fn::ServerFn;

    let confirmed = async {
        let state = AppState::current()?;
        let confirmation = Confirmation {
            display_name: DisplayName::parse(&display_name)?,
            password: Password::parse_new(password)?,
        };
        session::admit(&state, &state.account_actions).await?;
        let user =
            links::confirm_email(&state.db, &token, confirmation, chrono::Utc::now()).await?;
        session::start(user.id).await?;
        leptos_axum::redirect("/");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(
        confirmed,
        ConfirmEmail::PATH,
        &[("display_name", display_name.as_str())],
    )
}

/// The name a working confirmation link's account was signed up with (its page offers it to
/// keep or change); nothing for a link that does not work.
#[server]
pub async fn describe_confirmation(token: String) -> Result<Option<String>, AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    let name =
        convene::accounts::links::confirmation_for(&state.db, &token, chrono::Utc::now()).await?;
    Ok(name.map(|name| name.as_str().to_owned()))
}

/// Whether a mailed link still works, so its page shows the form or says to ask again.
#[server]
pub async fn link_is_usable(token: String, purpose: TokenPurpose) -> Result<bool, AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    Ok(
        convene::accounts::links::token_is_usable(&state.db, &token, purpose, chrono::Utc::now())
            .await?,
    )
}

/// After sign-up, whether or not the address had an account.
#[component]
pub fn SignUpSentPage() -> impl IntoView {
    view! {
        <Title text=t("sent-title") />
        <section class="auth-card" aria-labelledby="sent-heading">
            <h1 id="sent-heading">{t("sent-title")}</h1>
            <p class="lede">{t("signup-sent-lede")}</p>
            <p>
                {t("signup-sent-nothing")} " " <a href="/signup">{t("signup-sent-again")}</a> " "
                {t("signup-sent-fresh-link")} " " <a href="/login">{t("nav-sign-in")}</a> "."
            </p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = form_error(action);
    const FIELDS: &[&str] = &["email"];
    view! {
        <Title text=t("signin-forgot") />
        <section class="auth-card" aria-labelledby="forgot-heading">
            <h1 id="forgot-heading">{t("signin-forgot")}</h1>
            <p class="lede">{t("forgot-lede")}</p>
            <ActionForm action>
                <FormAlert error fields=FIELDS />
                <Field
                    label=t("field-email")
                    name="email"
                    kind="email"
                    autocomplete="email"
                    error
                />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {t("forgot-submit")}
                </button>
            </ActionForm>
            <p class="auth-switch">
                {t("forgot-remembered")} " " <a href="/login">{t("nav-sign-in")}</a>
            </p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordSentPage() -> impl IntoView {
    view! {
        <Title text=t("sent-title") />
        <section class="auth-card" aria-labelledby="sent-heading">
            <h1 id="sent-heading">{t("sent-title")}</h1>
            <p class="lede">{t("forgot-sent-lede")}</p>
            <p>
                {t("forgot-sent-nothing")} " "
                <a href="/login/forgot">{t("forgot-sent-ask-again")}</a> " "
                {t("forgot-sent-in-minutes")}
            </p>
        </section>
    }
}

/// A link that no longer works: say so, and where to get a new one.
#[component]
fn SpentLink(ask_again: &'static str, label: String) -> impl IntoView {
    view! {
        <p class="notice notice-error" role="alert">
            {t("link-spent")}
        </p>
        <p>
            <a class="button" href=ask_again>
                {label}
            </a>
        </p>
    }
}

/// The part of a mailed link's page below its heading: the form (given the link's token)
/// while the link works, else a way to get a new one.
#[component]
fn WhileLinkWorks<F>(
    purpose: TokenPurpose,
    ask_again: &'static str,
    label: String,
    form: F,
) -> impl IntoView
where
    F: Fn(String) -> AnyView + Clone + Send + Sync + 'static,
{
    let token = url_param("token").unwrap_or_default();
    let usable = {
        let token = token.clone();
        Resource::new(|| (), move |_| link_is_usable(token.clone(), purpose))
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (token, form, label) = (token.clone(), form.clone(), label.clone());
                Suspend::new(async move {
                    if matches!(usable.await, Ok(true)) {
                        form(token)
                    } else {
                        view! { <SpentLink ask_again label /> }.into_any()
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = form_error(action);
    const FIELDS: &[&str] = &["password"];
    let form = move |token: String| {
        view! {
            <ActionForm action>
                <FormAlert error fields=FIELDS />
                <input type="hidden" name="token" value=token />
                <Field
                    label=t("reset-new-password")
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint=t("reset-password-hint")
                    error
                />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {t("reset-submit")}
                </button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <Title text=t("reset-title") />
        <section class="auth-card" aria-labelledby="reset-heading">
            <h1 id="reset-heading">{t("reset-title")}</h1>
            <WhileLinkWorks
                purpose=TokenPurpose::ResetPassword
                ask_again="/login/forgot"
                label=t("reset-new-link")
                form
            />
        </section>
    }
}

/// The confirmation link's page: the person who owns the address chooses their name and
/// password here (sign-up asked for no password), and is signed in.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let error = form_error(action);
    const FIELDS: &[&str] = &["display_name", "password"];
    let token = url_param("token").unwrap_or_default();
    let account = {
        let token = token.clone();
        Resource::new(|| (), move |_| describe_confirmation(token.clone()))
    };
    let form = move |name: String| {
        view! {
            <ActionForm action>
                <FormAlert error fields=FIELDS />
                <input type="hidden" name="token" value=token.clone() />
                <Field
                    label=t("field-display-name")
                    name="display_name"
                    autocomplete="name"
                    value=name
                    error
                />
                <Field
                    label=t("confirm-choose-password")
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint=t("confirm-password-hint")
                    error
                />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {t("confirm-submit")}
                </button>
            </ActionForm>
        }
    };
    view! {
        <Title text=t("confirm-title") />
        <section class="auth-card" aria-labelledby="confirm-heading">
            <h1 id="confirm-heading">{t("confirm-title")}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let form = form.clone();
                    Suspend::new(async move {
                        match account.await {
                            Ok(Some(name)) => form(name).into_any(),
                            _ => {
                                view! {
                                    <SpentLink
                                        ask_again="/signup"
                                        label=t("confirm-sign-up-again")
                                    />
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
