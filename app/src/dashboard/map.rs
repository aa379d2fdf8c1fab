//! The dashboard as a map (`layout=map`): the in-person events as pins on a Leaflet map (from
//! npm, loaded only on this layout, with its clustering plugin), and beside it the same events
//! as a list a keyboard and a screen reader can use, which is also the page without JavaScript.
//! The pins are read from the list (`public/map.js`): one copy of the data.

use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::Stylesheet;

use super::layouts::{LayoutSwitch, PLACES_CSS, PlainFilters};
use super::query::{DashboardQuery, ViewQuery};
use crate::error::{AppError, ErrorNotice};
use crate::i18n::{Arg, t, t_with};
use convene_types::views::{DashboardFilters, EventMap, MapEvent};

/// Where the build puts Leaflet and its clustering plugin (`make vendor`, from `tools/`).
const VENDOR: &str = "/vendor/leaflet";

/// The map of the in-person events the viewer may see through `filters`.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn get_dashboard_map(filters: DashboardFilters) -> Result<EventMap, AppError> {
    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let viewer = session::actor(&state).await?;
    Ok(convene::read_models::dashboard::map::map(
        &state.db,
        viewer,
        &filters,
        &state.map_tiles,
        chrono::Utc::now(),
        crate::i18n::locale(),
    )
    .await?)
}

#[component]
pub(super) fn MapView(query: ViewQuery) -> impl IntoView {
    let filters = query.filters();
    let map = Resource::new(move || filters.clone(), get_dashboard_map);
    view! {
        <Stylesheet href=PLACES_CSS />
        <PlainFilters query=query.clone() layout="map" />
        <LayoutSwitch query=query.clone() current="map" />
        <Transition fallback=|| view! { <p class="loading">{t("map-loading")}</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || {
                    Suspend::new(async move {
                        let map = map.await?;
                        Ok::<_, AppError>(view! { <Map map /> })
                    })
                }}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Map(map: EventMap) -> impl IntoView {
    let pinned = map.pins.len();
    let summary = match (pinned, map.unpinned.len()) {
        (0, 0) => t("map-none"),
        (pins, 0) => t_with("map-pinned", &[("count", Arg::from(pins))]),
        (pins, cities) => t_with(
            "map-pinned-and-cities",
            &[("count", Arg::from(pins)), ("cities", Arg::from(cities))],
        ),
    };
    let truncated = map.truncated.then(|| {
        view! { <p class="notice notice-info">{t("map-truncated")}</p> }
    });
    let pins = map
        .pins
        .into_iter()
        .map(|event| view! { <Pin event /> })
        .collect_view();
    let unpinned = (!map.unpinned.is_empty()).then(|| {
        let items = map
            .unpinned
            .into_iter()
            .map(|event| view! { <li>{event_line(event)}</li> })
            .collect_view();
        view! {
            <section class="map-unpinned" aria-labelledby="unpinned-heading">
                <h3 id="unpinned-heading">{t("map-unpinned-heading")}</h3>
                <ul>{items}</ul>
            </section>
        }
    });
    let scripts = (pinned > 0).then(|| {
        view! {
            <Stylesheet href=format!("{VENDOR}/leaflet.css") />
            <Stylesheet href=format!("{VENDOR}/MarkerCluster.css") />
            <script defer src=format!("{VENDOR}/leaflet.js") nonce=use_nonce()></script>
            <script
                defer
                src=format!("{VENDOR}/leaflet.markercluster.js")
                nonce=use_nonce()
            ></script>
            <script defer src="/map.js" nonce=use_nonce()></script>
        }
    });
    view! {
        <section class="event-map-section" aria-labelledby="map-heading">
            <h2 id="map-heading" class="visually-hidden">
                {t("map-heading")}
            </h2>
            <p class="card-meta" role="status">
                {format!("{}: {summary}", map.range_label)}
            </p>
            {truncated}
            <div class="event-map-layout">
                <div
                    id="event-map"
                    class="event-map"
                    role="region"
                    aria-label=t("map-region-label")
                    data-tiles=map.tiles.unwrap_or_default()
                    data-attribution=map.attribution
                    data-credit=map.credit_url.unwrap_or_default()
                >
                    <p class="map-fallback">{t("map-fallback")}</p>
                </div>
                <ol class="map-list" aria-label=t("map-list-label")>
                    {pins}
                </ol>
            </div>
            {unpinned}
        </section>
        {scripts}
    }
}

/// An event's line in the list: its title linked, then when, who and where.
fn event_line(event: MapEvent) -> impl IntoView {
    let title = match event.url {
        Some(url) => view! { <a href=url>{event.title}</a> }.into_any(),
        None => view! { <span>{event.title}</span> }.into_any(),
    };
    let mut meta = vec![event.when, event.org_name];
    meta.extend(event.city);
    let badge = event
        .members_only
        .then(|| view! { <span class="badge">{t("month-badge-members")}</span> });
    view! {
        {title}
        {badge}
        <span class="card-meta">{meta.join(" · ")}</span>
    }
}

/// One pinned event: the list item carries its place for the map's script, and a button (shown
/// once the map is drawn) that opens its pin.
#[component]
fn Pin(event: MapEvent) -> impl IntoView {
    let latitude = event.latitude.clone().unwrap_or_default();
    let longitude = event.longitude.clone().unwrap_or_default();
    let title = event.title.clone();
    view! {
        <li data-lat=latitude data-lon=longitude data-title=title.clone()>
            {event_line(event)}
            <button
                type="button"
                class="button button-secondary map-show"
                hidden
                // The visible words first, so a voice command can name the button.
                aria-label=format!("{}: {title}", t("map-show"))
            >
                {t("map-show")}
            </button>
        </li>
    }
}
