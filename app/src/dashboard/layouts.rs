//! What the dashboard's month and map layouts share, rendered on the server without an island:
//! the links between the four layouts and a plain form for the filters they offer (the others
//! the address carries ride along as hidden fields).

use leptos::prelude::*;

use super::live::PATH;
use super::query::ViewQuery;
use crate::i18n::t;

/// The month's and the map's own styles (`public/places.css`), loaded by those pages only.
pub(super) const PLACES_CSS: &str = "/places.css";

/// The fields the plain form shows; every other pair of the address is kept hidden.
const SHOWN: [&str; 4] = ["q", "near", "km", "online"];

/// The links to the four layouts, `current` marked; the list layouts keep the filters, the
/// month its month.
#[component]
pub(super) fn LayoutSwitch(query: ViewQuery, current: &'static str) -> impl IntoView {
    let link = |layout: &'static str, text: String| {
        let mut target = query.without(&["after", "layout"]);
        if layout != "month" {
            target = target.without(&["month"]);
        }
        view! {
            <a
                id=format!("layout-{layout}")
                href=target.with("layout", layout).link(PATH)
                aria-current=(layout == current).then_some("page")
            >
                {text}
            </a>
        }
    };
    view! {
        <nav class="view-switch" aria-label=t("layout-label")>
            {link("org", t("layout-by-organization"))}
            {link("day", t("layout-by-day"))}
            {link("month", t("layout-month"))}
            {link("map", t("layout-map"))}
        </nav>
    }
}

/// Search, near and radius for the month and the map, as a plain form.
#[component]
pub(super) fn PlainFilters(query: ViewQuery, layout: &'static str) -> impl IntoView {
    let kept: Vec<_> = query
        .pairs()
        .filter(|(key, _)| !SHOWN.contains(key) && !["layout", "after"].contains(key))
        .map(|(key, value)| {
            view! { <input type="hidden" name=key.to_owned() value=value.to_owned() /> }
        })
        .collect();
    let online = query.get("online") == "1";
    view! {
        <section class="panel filters" aria-labelledby="filters-heading">
            <h2 id="filters-heading" class="visually-hidden">
                {t("filters-heading")}
            </h2>
            <form method="get" action=PATH>
                <input type="hidden" name="layout" value=layout />
                {kept}
                <div class="filter-grid">
                    <div class="field">
                        <label for="filter-q">{t("filters-search")}</label>
                        <input
                            id="filter-q"
                            type="search"
                            name="q"
                            value=query.get("q").to_owned()
                            placeholder=t("filters-search-placeholder")
                        />
                    </div>
                    <div class="field">
                        <label for="filter-near">{t("filters-near")}</label>
                        <input
                            id="filter-near"
                            type="search"
                            name="near"
                            value=query.get("near").to_owned()
                            placeholder=t("filters-near-placeholder")
                            autocomplete="address-level2"
                        />
                    </div>
                    <div class="field">
                        <label for="filter-km">{t("filters-km")}</label>
                        <input
                            id="filter-km"
                            type="number"
                            name="km"
                            min="1"
                            max="500"
                            placeholder="50"
                            value=query.get("km").to_owned()
                        />
                    </div>
                    <label class="check near-online">
                        <input
                            type="checkbox"
                            id="filter-online"
                            name="online"
                            value="1"
                            checked=online
                        />
                        {t("filters-online-too")}
                    </label>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button">
                        {t("filters-apply")}
                    </button>
                    <a
                        class="button button-secondary"
                        href=ViewQuery::default().with("layout", layout).link(PATH)
                    >
                        {t("filters-clear")}
                    </a>
                </div>
            </form>
        </section>
    }
}
