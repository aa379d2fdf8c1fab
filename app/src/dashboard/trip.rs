//! "While you're in Lisbon": the dashboard's first section while the member is on a trip (added
//! on `/account`), rendered on the server; the member's own, never shared.

use leptos::prelude::*;

use convene_types::views::TripEvents;

use crate::error::AppError;
use crate::i18n::{Arg, t, t_with};

/// The network's public events near the city of the trip the signed-in member is on; `None`
/// for visitors and members at home.
#[server]
pub async fn get_trip_events() -> Result<Option<TripEvents>, AppError> {
    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let viewer = session::actor(&state).await?;
    Ok(convene::read_models::dashboard::trip::while_away(
        &state.db,
        viewer,
        chrono::Utc::now(),
        crate::i18n::locale(),
    )
    .await?)
}

#[component]
pub(super) fn TripSection() -> impl IntoView {
    let trip = Resource::new(|| (), |_| get_trip_events());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match trip.await {
                    Ok(Some(trip)) => Some(view! { <Trip trip /> }),
                    Ok(None) => None,
                    Err(err) => {
                        leptos::logging::error!("the trip's events did not load: {err}");
                        None
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Trip(trip: TripEvents) -> impl IntoView {
    let heading = t_with("trip-heading", &[("city", Arg::from(&trip.city))]);
    let body = if trip.events.is_empty() {
        let text = if trip.city_known {
            t("trip-none-near")
        } else {
            t("trip-city-unknown")
        };
        view! { <p>{text}</p> }.into_any()
    } else {
        let items = trip
            .events
            .into_iter()
            .map(|event| {
                let title = match event.page_url.or(event.event_url) {
                    Some(url) => view! { <a href=url>{event.title}</a> }.into_any(),
                    None => view! { <span>{event.title}</span> }.into_any(),
                };
                view! {
                    <li>
                        {title}
                        <span class="card-meta">
                            {format!("{} · {}", event.when, event.org_name)}
                        </span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="trip-events">{items}</ul> }.into_any()
    };
    view! {
        <section class="panel trip-section" aria-labelledby="trip-heading">
            <h2 id="trip-heading">{heading}</h2>
            <p class="card-meta">
                {trip.dates} " · " <a href="/account#trips-heading">{t("trip-yours")}</a>
            </p>
            {body}
        </section>
    }
}
