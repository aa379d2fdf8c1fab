//! Accounts in the browser: sign up, sign in, sign out and who is signed in.
//!
//! Access (all public endpoints by nature): `get_current_user` answers anyone (nothing for
//! anonymous callers); `sign_up` and `sign_in` are for anyone; `sign_out` ends the caller's own
//! session, if any. Sign-up signs nobody in and sets no password: it answers "check your email"
//! whether or not the address has an account, and whoever follows the mailed link chooses the
//! password and is signed in (`links`). An account whose address is unconfirmed cannot sign in.

pub mod links;
#[cfg(feature = "ssr")]
pub mod session;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::forms::{Field, FormAlert, form_error};
use crate::i18n::t;

/// The signed-in user as the browser sees them (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub is_site_admin: bool,
}

/// The three account actions and the signed-in user, created once by the app: every part of a
/// page that needs the user reads this one resource, refreshed whenever an action completes.
#[derive(Clone, Copy)]
pub struct AuthActions {
    pub sign_up: ServerAction<SignUp>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

impl AuthActions {
    pub fn provide() -> Self {
        let (sign_up, sign_in, sign_out) = (
            ServerAction::new(),
            ServerAction::new(),
            ServerAction::new(),
        );
        let user = Resource::new(
            move || {
                (
                    sign_up.version().get(),
                    sign_in.version().get(),
                    sign_out.version().get(),
                )
            },
            |_| get_current_user(),
        );
        let actions = Self {
            sign_up,
            sign_in,
            sign_out,
            user,
        };
        provide_context(actions);
        actions
    }

    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// Changes whenever someone signs up, in or out on this page.
    pub fn version(&self) -> (usize, usize, usize) {
        (
            self.sign_up.version().get(),
            self.sign_in.version().get(),
            self.sign_out.version().get(),
        )
    }
}

#[server]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::state::AppState;

    let state = AppState::current()?;
    let user = session::signed_in_user(&state).await?;
    Ok(user.map(|user| CurrentUser {
        id: user.id,
        display_name: user.display_name,
        email: user.email,
        is_site_admin: user.is_site_admin,
    }))
}

#[server]
pub async fn sign_up(email: String, display_name: String) -> Result<(), AppError> {
    use crate::state::AppState;
    use convene::accounts::links::{self, SignUpOutcome};
    use convene::accounts::{DisplayName, Email};
    use leptos::server_fn::ServerFn;

    let created = async {
        let state = AppState::current()?;
        let new = links::SignUp {
            email: Email::parse(&email)?,
            display_name: DisplayName::parse(&display_name)?,
        };
        // Counted once the form is valid: what it limits is the mail that follows.
        let client = session::client_address(&state).await;
        state
            .sign_ups
            .admit(&client, std::time::Instant::now())
            .map_err(|retry_after_minutes| {
                tracing::info!(%client, "sign-up refused: too many from this client");
                crate::error::respond_with(AppError::TooManySignUps {
                    retry_after_minutes,
                })
            })?;
        match links::sign_up(&state.db, new, &state.site, chrono::Utc::now()).await? {
            SignUpOutcome::Created { user_id } => {
                tracing::info!(user_id, "account created; confirmation mail queued");
            }
            SignUpOutcome::LinkSentAgain { user_id, sent } => {
                tracing::info!(
                    user_id,
                    sent,
                    "sign-up with an unconfirmed address; a fresh link unless one just went"
                );
            }
            SignUpOutcome::AddressTaken { user_id } => {
                tracing::info!(
                    user_id,
                    "sign-up with a registered address; its owner is told"
                );
            }
        }
        leptos_axum::redirect("/signup/sent");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(
        created,
        SignUp::PATH,
        &[
            ("email", email.as_str()),
            ("display_name", display_name.as_str()),
        ],
    )
}

#[server]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::state::AppState;
    use convene::accounts::Password;
    use convene::store::sign_in;
    use leptos::server_fn::ServerFn;

    let signed_in = async {
        let state = AppState::current()?;
        convene::accounts::check_demo_account(&email, state.demo)?;
        let client = session::client_address(&state).await;
        // A client's share of the hashing queue: one over it waits for nothing.
        let _in_flight = state.sign_ins_in_flight.enter(&client).ok_or_else(|| {
            tracing::info!(%client, "sign-in refused: this client has its share in flight");
            crate::error::respond_with(AppError::TooManyTries {
                retry_after_minutes: 1,
            })
        })?;
        let user = sign_in::authenticate(
            &state.db,
            &email,
            Password::for_sign_in(password),
            &client,
            chrono::Utc::now(),
        )
        .await
        .map_err(|err| {
            tracing::info!(%client, reason = %err, "sign-in refused");
            AppError::from(err)
        })?;
        session::start(user.id).await?;
        tracing::info!(user_id = user.id, "signed in");
        leptos_axum::redirect("/");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(signed_in, SignIn::PATH, &[("email", &email)])
}

#[server]
pub async fn sign_out() -> Result<(), AppError> {
    session::end().await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = AuthActions::expect().sign_up;
    let error = form_error(action);
    const FIELDS: &[&str] = &["email", "display_name"];
    view! {
        <Title text=t("signup-title") />
        <section class="auth-card" aria-labelledby="sign-up-heading">
            <h1 id="sign-up-heading">{t("signup-heading")}</h1>
            <p class="lede">{t("signup-lede")}</p>
            <ActionForm action>
                <FormAlert error fields=FIELDS />
                <Field
                    label=t("field-email")
                    name="email"
                    kind="email"
                    autocomplete="email"
                    error
                />
                <Field
                    label=t("field-display-name")
                    name="display_name"
                    autocomplete="name"
                    error
                />
                <p class="field-hint">{t("signup-hint")}</p>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {t("signup-submit")}
                </button>
            </ActionForm>
            <p class="auth-switch">
                {t("signup-have-account")} " " <a href="/login">{t("nav-sign-in")}</a>
            </p>
        </section>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = AuthActions::expect().sign_in;
    let error = form_error(action);
    const FIELDS: &[&str] = &["email", "password"];
    view! {
        <Title text=t("signin-title") />
        <section class="auth-card" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">{t("signin-title")}</h1>
            <ActionForm action>
                <FormAlert error fields=FIELDS />
                <Field
                    label=t("field-email")
                    name="email"
                    kind="email"
                    autocomplete="email"
                    error
                />
                <Field
                    label=t("field-password")
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {t("nav-sign-in")}
                </button>
            </ActionForm>
            <p class="auth-switch">
                <a href="/login/forgot">{t("signin-forgot")}</a>
            </p>
            <p class="field-hint">{t("signin-just-signed-up")}</p>
            <p class="auth-switch">
                {t("signin-new-here")} " " <a href="/signup">{t("signin-create-account")}</a>
            </p>
        </section>
    }
}

/// The header's account area: sign-in links, or the user's name and a sign-out button.
#[component]
pub fn UserMenu() -> impl IntoView {
    let actions = AuthActions::expect();
    let user = actions.user;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => {
                        view! {
                            <div class="user-menu">
                                {user
                                    .is_site_admin
                                    .then(|| view! { <a href="/admin/mail">{t("nav-mail")}</a> })}
                                <a class="user-name" href="/account" title=user.email.clone()>
                                    {user.display_name.clone()}
                                </a> <ActionForm action=actions.sign_out>
                                    <button type="submit" class="button button-secondary">
                                        {t("nav-sign-out")}
                                    </button>
                                </ActionForm>
                            </div>
                        }
                            .into_any()
                    }
                    Ok(None) | Err(_) => {
                        view! {
                            <div class="user-menu">
                                <a href="/login">{t("nav-sign-in")}</a>
                                <a href="/signup" class="button">
                                    {t("nav-sign-up")}
                                </a>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
