//! `/account`: the member's name and timezone, email address (a change is confirmed from the
//! new address), password, which mail comes (and the digest's city), and their trips;
//! `/account/email?token=…` confirms a new address.
//!
//! Access: every function here is for the signed-in member themself (401 for anyone else),
//! except `confirm_email_change`, whose link's token is its authority. `remove_trip` finds only
//! the caller's own trips (404 for anyone else's).

use convene_types::views::AccountView;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::{AppError, ErrorNotice};
use crate::forms::{Field, FormAlert, form_error, url_param};

#[server]
pub async fn get_account() -> Result<AccountView, AppError> {
    use crate::auth::session;
    use crate::state::AppState;
    let state = AppState::current()?;
    let actor = session::actor(&state).await?;
    Ok(convene::read_models::account::account(&state.db, actor, chrono::Utc::now()).await?)
}

/// The signed-in member's id, or 401.
#[cfg(feature = "ssr")]
async fn me(state: &crate::state::AppState) -> Result<i64, AppError> {
    let actor = crate::auth::session::actor(state).await?;
    Ok(convene::rules::access::require_signed_in(actor)?.user_id)
}

#[server]
pub async fn save_profile(display_name: String, timezone: String) -> Result<(), AppError> {
    use crate::state::AppState;
    use convene::accounts::DisplayName;
    use leptos::server_fn::ServerFn;
    let saved = async {
        let state = AppState::current()?;
        let user_id = me(&state).await?;
        let name = DisplayName::parse(&display_name)?;
        let zone = convene::import::ical::connect::display_timezone(&timezone)?;
        convene::accounts::profile::save_profile(&state.db, user_id, name, zone).await?;
        leptos_axum::redirect("/account?saved=profile");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(saved, SaveProfile::PATH, &[("display_name", &display_name)])
}

/// The language the member reads Convene in; empty: the browser's.
#[server]
pub async fn save_language(lang: String) -> Result<(), AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    let user_id = me(&state).await?;
    let locale = match lang.as_str() {
        "" => None,
        tag => Some(crate::i18n::one_of_ours(tag)?),
    };
    convene::accounts::profile::save_language(&state.db, user_id, locale).await?;
    leptos_axum::redirect("/account?saved=language");
    Ok(())
}

/// Keeps the browser's timezone as the member's, when they have chosen none yet.
#[server]
pub async fn remember_timezone(timezone: String) -> Result<bool, AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    let user_id = me(&state).await?;
    let zone = convene::import::ical::connect::display_timezone(&timezone)?;
    Ok(convene::accounts::profile::remember_timezone(&state.db, user_id, zone).await?)
}

#[server]
pub async fn change_email(email: String, current_password: String) -> Result<(), AppError> {
    use crate::state::AppState;
    use convene::accounts::{Email, Password};
    use leptos::server_fn::ServerFn;
    let asked = async {
        let state = AppState::current()?;
        let user_id = me(&state).await?;
        let email = Email::parse(&email)?;
        let client = crate::auth::session::client_address(&state).await;
        let outcome = convene::accounts::links::request_email_change(
            &state.db,
            user_id,
            email,
            Password::for_sign_in(current_password),
            convene::accounts::links::Asker {
                client_address: &client,
                client_limit: &state.email_changes,
            },
            &state.site,
            chrono::Utc::now(),
        )
        .await?;
        tracing::info!(user_id, ?outcome, "address change asked for");
        leptos_axum::redirect("/account?saved=email");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(asked, ChangeEmail::PATH, &[("email", &email)])
}

#[server]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    use crate::state::AppState;
    use leptos::server_fn::ServerFn;
    let confirmed = async {
        let state = AppState::current()?;
        let user = convene::accounts::links::confirm_email_change(
            &state.db,
            &token,
            &state.site,
            chrono::Utc::now(),
        )
        .await?;
        tracing::info!(user_id = user.id, "email address changed");
        leptos_axum::redirect("/account?saved=address");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(confirmed, ConfirmEmailChange::PATH, &[])
}

#[server]
pub async fn change_password(current_password: String, password: String) -> Result<(), AppError> {
    use crate::auth::session;
    use crate::state::AppState;
    use convene::accounts::Password;
    use leptos::server_fn::ServerFn;
    let changed = async {
        let state = AppState::current()?;
        let user_id = me(&state).await?;
        let new = Password::parse_new(password)?;
        let client = session::admit(&state, &state.account_actions).await?;
        convene::accounts::profile::change_password(
            &state.db,
            user_id,
            Password::for_sign_in(current_password),
            new,
            &client,
            chrono::Utc::now(),
        )
        .await?;
        // Every session ended, this one too: it starts again, on a fresh id.
        session::start(user_id).await?;
        leptos_axum::redirect("/account?saved=password");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(changed, ChangePassword::PATH, &[])
}

#[server]
pub async fn save_mail_settings(
    weekday: String,
    digest: Option<String>,
    import_alerts: Option<String>,
    import_checks: Option<String>,
    network_reports: Option<String>,
    #[server(default)] digest_near: String,
    #[server(default)] digest_km: String,
) -> Result<(), AppError> {
    use crate::state::AppState;
    use convene::accounts::profile::{self, MailSettings};
    use leptos::server_fn::ServerFn;
    let saved = async {
        let state = AppState::current()?;
        let user_id = me(&state).await?;
        let settings = MailSettings::parse(
            digest.is_some(),
            &weekday,
            import_alerts.is_some(),
            import_checks.is_some(),
            network_reports.is_some(),
            &convene::places::near::NearParams {
                city: &digest_near,
                km: &digest_km,
                online: "",
            },
        )?;
        profile::save_mail_settings(&state.db, user_id, settings).await?;
        leptos_axum::redirect("/account?saved=mail");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(
        saved,
        SaveMailSettings::PATH,
        &[("digest_near", &digest_near)],
    )
}

/// A trip: the network's events in `city` from `from` to `to` come to the member's dashboard,
/// digest and personal feed.
#[server]
pub async fn add_trip(city: String, from: String, to: String) -> Result<(), AppError> {
    use crate::state::AppState;
    use convene::places::trips::{self, TripForm};
    use leptos::server_fn::ServerFn;
    let added = async {
        let state = AppState::current()?;
        let user_id = me(&state).await?;
        let form = TripForm {
            city: &city,
            from: &from,
            to: &to,
        };
        trips::add(&state.db, user_id, &form, chrono::Utc::now()).await?;
        leptos_axum::redirect("/account?saved=trip#trips-heading");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(
        added,
        AddTrip::PATH,
        &[("city", &city), ("from", &from), ("to", &to)],
    )
}

/// Removes one of the member's own trips (anyone else's is not found).
#[server]
pub async fn remove_trip(trip: String) -> Result<(), AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    let user_id = me(&state).await?;
    let trip_id: i64 = trip
        .trim()
        .parse()
        .map_err(|_| AppError::NotFound("Trip".into()))?;
    convene::places::trips::remove(&state.db, user_id, trip_id).await?;
    leptos_axum::redirect("/account?saved=trip-removed#trips-heading");
    Ok(())
}

/// New-event mail from one of the member's organizations, on or off.
#[server]
pub async fn set_new_event_mail(slug: String, on: String) -> Result<(), AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    let user_id = me(&state).await?;
    let org = convene::store::organizations::find_by_slug(&state.db, &slug)
        .await?
        .ok_or_else(|| AppError::NotFound("Organization".into()))?;
    convene::accounts::profile::set_new_event_mail(&state.db, user_id, org.id, on == "on").await?;
    leptos_axum::redirect("/account?saved=mail");
    Ok(())
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The notice after a save (`?saved=…`); the language's is written in the language just chosen.
fn saved_notice(what: &str) -> Option<String> {
    let english = match what {
        "profile" => "Saved your name and timezone.",
        "email" => "Check your new address: follow the link we sent there to use it.",
        "address" => "Your new address is in use.",
        "password" => "Your password is changed; you were signed out everywhere else.",
        "mail" => "Saved your mail settings.",
        "trip" => {
            "Trip added: its city's events come to your dashboard, digest and feed while you are there."
        }
        "trip-removed" => "Trip removed.",
        "language" => return Some(crate::i18n::t("language-saved")),
        _ => return None,
    };
    Some(english.to_owned())
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| get_account());
    let timezones = Resource::new(|| (), |_| crate::integration::list_timezones());
    let notice = url_param("saved").and_then(|what| saved_notice(&what));
    view! {
        <Title text="Your account" />
        <header class="page-intro">
            <h1>"Your account"</h1>
        </header>
        {notice
            .map(|notice| {
                view! {
                    <p class="notice notice-ok" role="status">
                        {notice}
                    </p>
                }
            })}
        <Suspense fallback=|| view! { <p class="loading">"Loading your account…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let account = account.await?;
                    let timezones = timezones.await?;
                    Ok::<_, AppError>(view! { <AccountForms account timezones /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn AccountForms(account: AccountView, timezones: Vec<String>) -> impl IntoView {
    let profile = ServerAction::<SaveProfile>::new();
    let email = ServerAction::<ChangeEmail>::new();
    let password = ServerAction::<ChangePassword>::new();
    let mail = ServerAction::<SaveMailSettings>::new();
    let toggle = ServerAction::<SetNewEventMail>::new();
    let add_trip = ServerAction::<AddTrip>::new();
    let remove_trip = ServerAction::<RemoveTrip>::new();
    let language = ServerAction::<SaveLanguage>::new();
    let (profile_error, email_error, password_error, mail_error, trip_error) = (
        form_error(profile),
        form_error(email),
        form_error(password),
        form_error(mail),
        form_error(add_trip),
    );
    let trips = account
        .trips
        .clone()
        .into_iter()
        .map(|trip| {
            let now = trip.now.then(|| view! { <span class="badge">"Now"</span> });
            let label = format!("Remove the trip to {}, {}", trip.city, trip.dates);
            let id = trip.id.to_string();
            view! {
                <li class="trip">
                    <span>
                        <strong>{trip.city}</strong>
                        ", "
                        {trip.dates}
                        " "
                        {now}
                    </span>
                    <ActionForm action=remove_trip>
                        <input type="hidden" name="trip" value=id />
                        <button type="submit" class="button button-secondary" aria-label=label>
                            "Remove"
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let no_trips = account
        .trips
        .is_empty()
        .then(|| view! { <p>"No trips planned."</p> });
    let digest_km = account.digest_near_km.to_string();
    let current_zone = account.timezone.clone().unwrap_or_else(|| "UTC".to_owned());
    let zones = timezones
        .into_iter()
        .map(|zone| {
            let selected = zone == current_zone;
            view! {
                <option value=zone.clone() selected=selected>
                    {zone.clone()}
                </option>
            }
        })
        .collect_view();
    let pending = account.pending_email.clone().map(|address| {
        view! {
            <p class="field-hint">
                {format!("Waiting for you to follow the link sent to {address}.")}
            </p>
        }
    });
    let days = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(index, day)| {
            let value = (index + 1).to_string();
            let selected = usize::try_from(account.digest_weekday).ok() == Some(index + 1);
            view! {
                <option value=value selected=selected>
                    {*day}
                </option>
            }
        })
        .collect_view();
    let organizations = account
        .organizations
        .iter()
        .map(|org| {
            let (state, label, next) = if org.new_event_mail {
                ("On", "Turn off", "off")
            } else {
                ("Off", "Turn on", "on")
            };
            let slug = org.slug.clone();
            view! {
                <li class="mail-org" data-org=org.slug.clone()>
                    <span>{org.name.clone()} ": " {state}</span>
                    <ActionForm action=toggle>
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="on" value=next />
                        <button type="submit" class="button button-secondary">
                            {label}
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let no_organizations = account
        .organizations
        .is_empty()
        .then(|| view! { <p>"Join organizations to hear of their new events."</p> });
    let alerts = account.administers.then(|| {
        view! {
            <label class="check">
                <input type="checkbox" name="import_alerts" checked=account.import_alert_mail />
                " Tell me when an organization I administer keeps failing to import its events"
            </label>
            <label class="check">
                <input type="checkbox" name="import_checks" checked=account.import_check_mail />
                " Once a month, send me the next 30 days of the organizations I administer as Convene imported them (\"Is this right?\")"
            </label>
        }
    });
    let reports = account.site_admin.then(|| {
        view! {
            <label class="check">
                <input type="checkbox" name="network_reports" checked=account.network_report_mail />
                " Once a month, send me the network report (events per month, quiet organizations, imports that need a look)"
            </label>
        }
    });
    view! {
        <section class="panel" aria-labelledby="profile-heading">
            <h2 id="profile-heading">"Profile"</h2>
            <ActionForm action=profile>
                <FormAlert error=profile_error fields=&["display_name", "timezone"] />
                <Field
                    label="Display name"
                    name="display_name"
                    autocomplete="name"
                    value=account.display_name.clone()
                    error=profile_error
                />
                <div class="field">
                    <label for="field-timezone">"Timezone"</label>
                    <select
                        id="field-timezone"
                        name="timezone"
                        aria-describedby="field-timezone-hint"
                    >
                        {zones}
                    </select>
                    <p class="field-hint" id="field-timezone-hint">
                        "Digests come at 07:00 here, and mail shows times here."
                    </p>
                </div>
                <button type="submit" class="button">
                    "Save profile"
                </button>
            </ActionForm>
        </section>
        <LanguageSection action=language chosen=account.locale />
        <section class="panel" aria-labelledby="email-heading">
            <h2 id="email-heading">"Email address"</h2>
            <p>"Now: " <strong class="account-email">{account.email.clone()}</strong></p>
            {pending}
            <ActionForm action=email>
                <FormAlert error=email_error fields=&["email", "current_password"] />
                <Field
                    label="New address"
                    name="email"
                    kind="email"
                    autocomplete="email"
                    error=email_error
                />
                <Field
                    label="Current password"
                    name="current_password"
                    kind="password"
                    autocomplete="current-password"
                    error=email_error
                />
                <button type="submit" class="button">
                    "Change address"
                </button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="password-heading">
            <h2 id="password-heading">"Password"</h2>
            <ActionForm action=password>
                <FormAlert error=password_error fields=&["current_password", "password"] />
                <Field
                    label="Current password"
                    name="current_password"
                    kind="password"
                    autocomplete="current-password"
                    error=password_error
                />
                <Field
                    label="New password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 8 characters. You will be signed out everywhere else."
                    error=password_error
                />
                <button type="submit" class="button">
                    "Change password"
                </button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="mail-heading">
            <h2 id="mail-heading">"Mail"</h2>
            <ActionForm action=mail>
                <FormAlert error=mail_error fields=&[] />
                <label class="check">
                    <input type="checkbox" name="digest" checked=account.digest_enabled />
                    " A weekly digest of the next two weeks' events"
                </label>
                <div class="field">
                    <label for="field-weekday">"Digest day (07:00 in your timezone)"</label>
                    <select id="field-weekday" name="weekday">
                        {days}
                    </select>
                </div>
                <div class="field">
                    <label for="field-digest-near">"Other events in the digest: near"</label>
                    <input
                        id="field-digest-near"
                        type="text"
                        name="digest_near"
                        value=account.digest_near.clone().unwrap_or_default()
                        placeholder="Anywhere"
                        autocomplete="address-level2"
                        aria-describedby="field-digest-near-hint"
                    />
                    <p class="field-hint" id="field-digest-near-hint">
                        "A city; empty for the whole network. Your organizations' events always come."
                    </p>
                </div>
                <div class="field">
                    <label for="field-digest-km">"Within (km)"</label>
                    <input
                        id="field-digest-km"
                        type="number"
                        name="digest_km"
                        min="1"
                        max="500"
                        value=digest_km
                    />
                </div>
                {alerts}
                {reports}
                <button type="submit" class="button">
                    "Save mail settings"
                </button>
            </ActionForm>
            <h3>"New events, by organization"</h3>
            {no_organizations}
            <ul class="mail-orgs">{organizations}</ul>
        </section>
        <section class="panel" aria-labelledby="trips-heading">
            <h2 id="trips-heading">"Trips"</h2>
            <p>
                "While you are away, your dashboard opens with the network's public events near where you are, and your digest and personal feed include them. Only you see your trips."
            </p>
            {no_trips}
            <ul class="trips">{trips}</ul>
            <ActionForm action=add_trip>
                <FormAlert error=trip_error fields=&["city", "from", "to"] />
                <Field label="City" name="city" autocomplete="address-level2" error=trip_error />
                <Field label="First day" name="from" kind="date" error=trip_error />
                <Field label="Last day" name="to" kind="date" error=trip_error />
                <button type="submit" class="button">
                    "Add trip"
                </button>
            </ActionForm>
        </section>
    }
}

/// `/account/email?token=…`: the link sent to a new address; its button moves the account.
#[component]
pub fn ConfirmEmailChangePage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmailChange>::new();
    let error = form_error(action);
    let token = url_param("token").unwrap_or_default();
    view! {
        <Title text="Confirm your new address" />
        <section class="auth-card" aria-labelledby="change-heading">
            <h1 id="change-heading">"Confirm your new address"</h1>
            <ActionForm action>
                <FormAlert error fields=&[] />
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button">
                    "Use this address"
                </button>
            </ActionForm>
        </section>
    }
}

/// The account's language: one of Convene's, or whatever the browser asks for.
#[component]
fn LanguageSection(
    action: ServerAction<SaveLanguage>,
    chosen: Option<convene_types::Locale>,
) -> impl IntoView {
    use crate::i18n::t;
    let options = convene_types::Locale::ALL
        .iter()
        .map(|locale| {
            view! {
                <option value=locale.as_str() lang=locale.as_str() selected=chosen == Some(*locale)>
                    {locale.native_name()}
                </option>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="language-heading">
            <h2 id="language-heading">{t("account-language-heading")}</h2>
            <ActionForm action>
                <div class="field">
                    <label for="field-language">{t("language-label")}</label>
                    <select id="field-language" name="lang" aria-describedby="field-language-hint">
                        <option value="" selected=chosen.is_none()>
                            {t("account-language-browser")}
                        </option>
                        {options}
                    </select>
                    <p class="field-hint" id="field-language-hint">
                        {t("account-language-hint")}
                    </p>
                </div>
                <button type="submit" class="button">
                    {t("account-language-save")}
                </button>
            </ActionForm>
        </section>
    }
}
