//! Seeing the network: the network view (`/admin/network`, site admins), an organization's
//! insights (`/orgs/{slug}/insights`, its admins) and the clash radar they and the settings panel
//! show. Charts arrive drawn (SVG from `convene::insights::chart`), with their numbers as tables.
//!
//! Access matrix addition (tested in `server/tests/api/access_matrix.rs`):
//!
//! | server function           | anonymous | signed in | member | admin elsewhere | org admin | site admin |
//! |---------------------------|-----------|-----------|--------|-----------------|-----------|------------|
//! | get_network_view          | 401       | 403       | 403    | 403             | 403       | yes        |
//! | get_organization_insights | 401       | 403       | 403    | 403             | yes       | yes        |
//! | get_clash_radar           | 401       | 403       | 403    | 403             | yes       | yes        |
//! | mark_clash                | 401       | 403       | 403    | 403             | yes (422) | yes (422)  |
//! | save_clash_window         | 401       | 403       | 403    | 403             | yes (422) | yes (422)  |
//!
//! "(422)": allowed, and the rule answers for a pair of events that does not clash, or a window
//! out of bounds. The CSV downloads (`/admin/network.csv`, `/orgs/{slug}/insights.csv`) answer
//! the same people as the pages (`server/src/http/insights.rs`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::error::{AppError, ErrorNotice};
use crate::forms::{Field, FormAlert, form_error};
pub use convene_types::views::{
    Clash, ClashRadar, ClashingEvent, NetworkView, OrganizationActivity, OrganizationInsights,
    SyncHealth,
};

#[cfg(feature = "ssr")]
mod ssr {
    use convene::rules::visibility::Audience;

    use crate::error::AppError;
    use crate::integration::{AdminRequest, admin_request};

    /// The organization's admin (or a site admin), and what they may see of others' events.
    pub async fn admin_with_audience(slug: &str) -> Result<(AdminRequest, Audience), AppError> {
        let request = admin_request(slug).await?;
        let audience = Audience::of(&request.state.db, Some(request.actor)).await?;
        Ok((request, audience))
    }
}

#[server]
pub async fn get_network_view(
    #[server(default)] page: Option<String>,
) -> Result<NetworkView, AppError> {
    use convene::rules::access::require_site_admin;

    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    require_site_admin(session::actor(&state).await?)?;
    let page = convene::read_models::insights::parse_page(page.as_deref())?;
    Ok(convene::read_models::insights::network(&state.db, page, chrono::Utc::now()).await?)
}

#[server]
pub async fn get_organization_insights(slug: String) -> Result<OrganizationInsights, AppError> {
    let (request, audience) = ssr::admin_with_audience(&slug).await?;
    Ok(convene::read_models::insights::organization(
        &request.state.db,
        &request.organization,
        &audience,
        chrono::Utc::now(),
    )
    .await?)
}

#[server]
pub async fn get_clash_radar(slug: String) -> Result<ClashRadar, AppError> {
    let (request, audience) = ssr::admin_with_audience(&slug).await?;
    Ok(convene::insights::clashes::radar(
        &request.state.db,
        &request.organization,
        &audience,
        chrono::Utc::now(),
    )
    .await?)
}

/// Marks a clash "we know" (`known=true`) or takes the mark back.
#[server]
pub async fn mark_clash(
    slug: String,
    event_id: i64,
    other_event_id: i64,
    known: bool,
) -> Result<(), AppError> {
    let request = crate::integration::admin_request(&slug).await?;
    convene::insights::clashes::set_known(
        &request.state.db,
        &request.organization,
        event_id,
        other_event_id,
        known,
        Some(request.actor.user_id),
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}

#[server]
pub async fn save_clash_window(slug: String, window_minutes: String) -> Result<(), AppError> {
    use leptos::server_fn::ServerFn;

    let saved = async {
        let request = crate::integration::admin_request(&slug).await?;
        let minutes = convene::insights::clashes::parse_window(&window_minutes)?;
        convene::insights::clashes::set_window(&request.state.db, request.organization.id, minutes)
            .await?;
        tracing::info!(target: "audit", by = %format!("user:{}", request.actor.user_id), org = %request.organization.slug, minutes, "clash window changed");
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(
        saved,
        SaveClashWindow::PATH,
        &[("window_minutes", &window_minutes)],
    )
}

/// An SVG chart made on the server (from our numbers and escaped names only).
#[component]
fn Chart(svg: String) -> impl IntoView {
    view! { <div class="chart-frame" inner_html=svg></div> }
}

fn health_badge(health: SyncHealth) -> impl IntoView {
    let class = match health {
        SyncHealth::Fresh => "badge badge-ok",
        SyncHealth::Stale => "badge badge-failed",
        SyncHealth::Failing => "badge badge-partial",
        SyncHealth::NotConnected => "badge",
    };
    view! { <span class=class>{health.label()}</span> }
}

#[component]
pub fn NetworkViewPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(move || query.read().get("page"), get_network_view);
    view! {
        <Title text="Network" />
        <header class="page-intro">
            <h1>"Network"</h1>
            <p class="lede">
                "Every organization's events per month (the last 12 months and the next 3), "
                "its last and next event, how its import is doing, and who follows it."
            </p>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let view = page.await?;
                    Ok::<_, AppError>(view! { <NetworkViewBody view /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The months as a table's header cells.
fn month_headers(months: &[String]) -> impl IntoView + use<> {
    months
        .iter()
        .map(|month| view! { <th scope="col">{month.clone()}</th> })
        .collect_view()
}

#[component]
fn NetworkViewBody(view: NetworkView) -> impl IntoView {
    let totals = view.totals.clone();
    let summary = format!(
        "{} organizations; {} events from {} to this month, {} in the next 3 months; {} quiet, {} stale.",
        totals.organizations,
        totals.events_last_12_months,
        view.months.first().cloned().unwrap_or_default(),
        totals.events_next_3_months,
        totals.quiet,
        totals.stale,
    );
    let people = format!(
        "{} members, {} more people who only follow.",
        totals.members, totals.followers
    );
    let rows = view
        .organizations
        .iter()
        .map(|org| {
            let topics = if org.top_topics.is_empty() {
                "—".to_owned()
            } else {
                org.top_topics.join(", ")
            };
            view! {
                <tr data-quiet=org.quiet.to_string()>
                    <th scope="row">
                        <a href=format!("/orgs/{}/insights", org.slug)>{org.name.clone()}</a>
                        {org
                            .quiet
                            .then(|| view! { <span class="badge badge-partial">"quiet"</span> })}
                    </th>
                    <td class="spark">
                        <Chart svg=org.chart_svg.clone() />
                    </td>
                    <td>{org.last_event.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{org.next_event.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{health_badge(org.health)}</td>
                    <td>{org.members}</td>
                    <td>{org.followers}</td>
                    <td>{topics}</td>
                </tr>
            }
        })
        .collect_view();
    let number_rows = view
        .organizations
        .iter()
        .map(|org| {
            let cells = org
                .per_month
                .iter()
                .map(|n| view! { <td>{*n}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{org.name.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let total_cells = totals
        .per_month
        .iter()
        .map(|n| view! { <td>{*n}</td> })
        .collect_view();
    let pager = (view.pages > 1).then(|| {
        let previous = (view.page > 1).then(|| {
            view! {
                <a rel="prev" href=format!("/admin/network?page={}", view.page - 1)>
                    "← Previous"
                </a>
            }
        });
        let next = (view.page < view.pages).then(|| {
            view! {
                <a rel="next" href=format!("/admin/network?page={}", view.page + 1)>
                    "Next →"
                </a>
            }
        });
        view! {
            <nav class="pager" aria-label="Pages of organizations">
                {previous}
                <span>{format!("Page {} of {}", view.page, view.pages)}</span>
                {next}
            </nav>
        }
    });
    view! {
        <section class="panel" aria-labelledby="totals-heading">
            <h2 id="totals-heading">"The network"</h2>
            <p class="status-summary">{summary}</p>
            <p>{people}</p>
            <Chart svg=view.totals_chart_svg.clone() />
            <p class="card-meta">
                "Darker bars are months gone by and this one; lighter bars the months to come. As of "
                {view.generated_at.clone()} ". "
                <a href="/admin/network.csv" download="network.csv">
                    "Download these numbers (CSV)"
                </a>
            </p>
        </section>
        <section class="panel" aria-labelledby="organizations-heading">
            <h2 id="organizations-heading">"Organizations"</h2>
            <div
                class="table-scroll"
                tabindex="0"
                role="region"
                aria-label="Organizations' activity"
            >
                <table class="runs network-table">
                    <thead>
                        <tr>
                            <th scope="col">"Organization"</th>
                            <th scope="col">"Events per month"</th>
                            <th scope="col">"Last event"</th>
                            <th scope="col">"Next event"</th>
                            <th scope="col">"Import"</th>
                            <th scope="col">"Members"</th>
                            <th scope="col">"Followers"</th>
                            <th scope="col">"Top topics"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {pager}
        </section>
        <section class="panel" aria-labelledby="numbers-heading">
            <h2 id="numbers-heading">"Events per month, as numbers"</h2>
            <div
                class="table-scroll"
                tabindex="0"
                role="region"
                aria-label="Events per month by organization"
            >
                <table class="runs numbers">
                    <thead>
                        <tr>
                            <th scope="col">"Organization"</th>
                            {month_headers(&view.months)}
                        </tr>
                    </thead>
                    <tbody>
                        <tr class="total">
                            <th scope="row">"All organizations"</th>
                            {total_cells}
                        </tr>
                        {number_rows}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
pub fn InsightsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let page = Resource::new(move || slug.get(), get_organization_insights);
    view! {
        <Title text="Insights" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let insights = page.await?;
                    Ok::<_, AppError>(view! { <InsightsBody insights slug=slug.get_untracked() /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn InsightsBody(insights: OrganizationInsights, slug: String) -> impl IntoView {
    let org = insights.activity.clone();
    let facts = format!(
        "Last event: {}. Next event: {}. {} members, {} followers. Import: {}.",
        org.last_event.clone().unwrap_or_else(|| "none".into()),
        org.next_event
            .clone()
            .unwrap_or_else(|| "none planned".into()),
        org.members,
        org.followers,
        org.health.label(),
    );
    let cells = org
        .per_month
        .iter()
        .map(|n| view! { <td>{*n}</td> })
        .collect_view();
    view! {
        <header class="page-intro">
            <p class="breadcrumb">
                <a href=format!("/orgs/{slug}")>{org.name.clone()}</a>
            </p>
            <h1>"Insights"</h1>
            <p class="lede">{facts}</p>
            {org
                .quiet
                .then(|| {
                    view! {
                        <p class="notice notice-info">
                            "No event in the last 60 days: the network view lists it as quiet."
                        </p>
                    }
                })}
        </header>
        <section class="panel" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Events per month"</h2>
            <Chart svg=org.chart_svg.clone() />
            <div class="table-scroll" tabindex="0" role="region" aria-label="Events per month">
                <table class="runs numbers">
                    <thead>
                        <tr>{month_headers(&insights.months)}</tr>
                    </thead>
                    <tbody>
                        <tr>{cells}</tr>
                    </tbody>
                </table>
            </div>
            <p class="card-meta">
                {if org.top_topics.is_empty() {
                    "No topics yet.".to_owned()
                } else {
                    format!("Top topics: {}.", org.top_topics.join(", "))
                }} " As of " {insights.generated_at.clone()} ". "
                <a href=format!("/orgs/{slug}/insights.csv") download=format!("{slug}.csv")>
                    "Download these numbers (CSV)"
                </a>
            </p>
        </section>
        <ClashPanel radar=insights.clashes slug />
    }
}

/// The clash radar with its "we know" buttons and the window setting: on the settings panel
/// and the insights page.
#[component]
pub fn ClashPanel(radar: ClashRadar, slug: String) -> impl IntoView {
    let mark = ServerAction::<MarkClash>::new();
    let save_window = ServerAction::<SaveClashWindow>::new();
    let mark_error = form_error(mark);
    let window_error = form_error(save_window);
    let intro = format!(
        "Other organizations' events that start within {} minutes of yours, in the same city (or online about a shared topic).",
        radar.window_minutes
    );
    let list = if radar.clashes.is_empty() {
        view! { <p>"No clashes ahead."</p> }.into_any()
    } else {
        let items = radar
            .clashes
            .into_iter()
            .map(|clash| {
                let slug = slug.clone();
                let (event_id, other_event_id) =
                    (clash.event_id.to_string(), clash.other_event_id.to_string());
                let known = clash.known;
                let other = match clash.other {
                    ClashingEvent::Named {
                        title,
                        organization,
                        organization_slug,
                        place,
                        page,
                    } => {
                        let title = match page {
                            Some(page) => view! { <a href=page>{title}</a> }.into_any(),
                            None => view! { <span>{title}</span> }.into_any(),
                        };
                        view! {
                            {title}
                            " ("
                            <a href=format!("/orgs/{organization_slug}")>{organization}</a>
                            "), "
                            {place}
                        }
                        .into_any()
                    }
                    ClashingEvent::MembersOnly => {
                        view! { "another organization's members-only event" }.into_any()
                    }
                };
                view! {
                    <li class="clash" data-known=known.to_string()>
                        <p>
                            <strong>{clash.event_title}</strong>
                            " · "
                            {clash.event_when}
                        </p>
                        <p>"Clashes with " {other} ", " {clash.offset}</p>
                        <ActionForm action=mark>
                            <input type="hidden" name="slug" value=slug />
                            <input type="hidden" name="event_id" value=event_id />
                            <input type="hidden" name="other_event_id" value=other_event_id />
                            <input type="hidden" name="known" value=(!known).to_string() />
                            {if known {
                                view! {
                                    <span class="badge">"we know"</span>
                                    " "
                                    <button type="submit" class="button button-secondary">
                                        "Undo"
                                    </button>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <button type="submit" class="button button-secondary">
                                        "We know"
                                    </button>
                                }
                                    .into_any()
                            }}
                        </ActionForm>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="clashes">{items}</ul> }.into_any()
    };
    let left_out = (radar.left_out > 0).then(
        || view! { <p class="card-meta">{format!("… and {} more clashes.", radar.left_out)}</p> },
    );
    view! {
        <section class="panel" aria-labelledby="clashes-heading">
            <h2 id="clashes-heading">"Clash radar"</h2>
            <p>{intro}</p>
            <FormAlert error=mark_error fields=&[] />
            {list}
            {left_out}
            <ActionForm action=save_window>
                <input type="hidden" name="slug" value=slug.clone() />
                <Field
                    label="Window (minutes)"
                    name="window_minutes"
                    kind="number"
                    value=radar.window_minutes.to_string()
                    hint="How far apart two events may start and still clash: 15 to 720."
                    error=window_error
                />
                <FormAlert error=window_error fields=&["window_minutes"] />
                <div class="form-actions">
                    <button type="submit" class="button button-secondary">
                        "Save window"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
