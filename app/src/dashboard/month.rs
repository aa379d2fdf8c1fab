//! The dashboard as a month (`layout=month`): a table of weeks, each event a link on the day it
//! starts, previous and next month as links. Complete without JavaScript: no island.

use leptos::prelude::*;

use super::layouts::{LayoutSwitch, PLACES_CSS, PlainFilters};
use super::live::PATH;
use super::query::{DashboardQuery, ViewQuery};
use crate::error::{AppError, ErrorNotice};
use crate::i18n::{Arg, t, t_with};
use convene_types::views::{DashboardFilters, MonthDay, MonthGrid};
use leptos_meta::Stylesheet;

/// The month `month` (`YYYY-MM`, empty for this one) of the events the viewer may see through
/// `filters`.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn get_dashboard_month(
    filters: DashboardFilters,
    month: String,
) -> Result<MonthGrid, AppError> {
    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let viewer = session::actor(&state).await?;
    Ok(convene::read_models::dashboard::month::month(
        &state.db,
        viewer,
        &filters,
        &month,
        chrono::Utc::now(),
        crate::i18n::locale(),
    )
    .await?)
}

#[component]
pub(super) fn MonthView(query: ViewQuery) -> impl IntoView {
    let asked = (query.filters(), query.get("month").to_owned());
    let grid = Resource::new(
        move || asked.clone(),
        |(filters, month)| get_dashboard_month(filters, month),
    );
    view! {
        <Stylesheet href=PLACES_CSS />
        <PlainFilters query=query.clone() layout="month" />
        <LayoutSwitch query=query.clone() current="month" />
        <Transition fallback=|| view! { <p class="loading">{t("month-loading")}</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || {
                    let query = query.clone();
                    Suspend::new(async move {
                        let grid = grid.await?;
                        Ok::<_, AppError>(view! { <Month grid query /> })
                    })
                }}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Month(grid: MonthGrid, query: ViewQuery) -> impl IntoView {
    let month_link = |month: &str| query.without(&["after"]).with("month", month).link(PATH);
    let previous = grid.previous.as_deref().map(|month| {
        view! {
            <a href=month_link(month) rel="prev" id="month-previous">
                {t("month-previous")}
            </a>
        }
    });
    let next = grid.next.as_deref().map(|month| {
        view! {
            <a href=month_link(month) rel="next" id="month-next">
                {t("month-next")}
            </a>
        }
    });
    let summary = match (grid.events, grid.truncated) {
        (0, _) => t("month-none"),
        (shown, false) => t_with("month-events", &[("count", Arg::from(shown))]),
        (shown, true) => t_with("month-first-events", &[("count", Arg::from(shown))]),
    };
    let weeks = grid
        .weeks
        .into_iter()
        .map(|week| {
            let days = week
                .days
                .into_iter()
                .map(|day| match day {
                    Some(day) => view! { <DayCell day query=query.clone() /> }.into_any(),
                    None => view! { <td class="month-outside"></td> }.into_any(),
                })
                .collect_view();
            view! { <tr>{days}</tr> }
        })
        .collect_view();
    view! {
        <section class="month" aria-labelledby="month-title">
            <div class="month-nav">
                {previous} <h2 id="month-title">{grid.title.clone()}</h2> {next}
            </div>
            <p class="card-meta" role="status">
                {grid
                    .filter_label
                    .map(|label| {
                        format!(
                            "{} ",
                            t_with("month-events-where", &[("place", Arg::from(&label))]),
                        )
                    })}
                {summary}
            </p>
            <div class="month-scroll" tabindex="0" role="region" aria-label=grid.title>
                <table class="month-grid">
                    <thead>
                        <tr>
                            {grid
                                .weekdays
                                .into_iter()
                                .map(|(short, long)| {
                                    view! {
                                        <th scope="col">
                                            <abbr title=long>{short}</abbr>
                                        </th>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>{weeks}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn DayCell(day: MonthDay, query: ViewQuery) -> impl IntoView {
    let more = (day.more > 0).then(|| {
        let link = query
            .without(&["after", "month", "range", "from", "to"])
            .with("layout", "day")
            .with("range", "custom")
            .with("from", &day.date)
            .with("to", &day.date)
            .link(PATH);
        view! {
            <a class="month-more" href=link>
                {t_with("month-more", &[("count", Arg::from(day.more))])}
            </a>
        }
    });
    let events = (!day.events.is_empty()).then(|| {
        let items = day
            .events
            .into_iter()
            .map(|event| {
                let badge = event
                    .members_only
                    .then(|| view! { <span class="badge">{t("month-badge-members")}</span> });
                let title = format!("{} · {}", event.time, event.title);
                // The visible text first, as a speaking user would say it.
                let label = format!("{title} ({})", event.org_name);
                let link = match event.url {
                    Some(url) => view! {
                        <a href=url aria-label=label>
                            {title}
                        </a>
                    }
                    .into_any(),
                    None => view! { <span>{title}</span> }.into_any(),
                };
                view! { <li class:online=event.online>{link} {badge}</li> }
            })
            .collect_view();
        view! { <ul>{items}</ul> }
    });
    view! {
        <td class:today=day.today aria-current=day.today.then_some("date")>
            <span class="month-day">
                <time datetime=day.date.clone() aria-label=day.label>
                    {day.day}
                </time>
                {day
                    .today
                    .then(|| {
                        view! { <span class="visually-hidden">" (" {t("time-today")} ")"</span> }
                    })}
            </span>
            {events}
            {more}
        </td>
    }
}
