//! The events page: the lu.ma embed by default, the list from the store with `?view=list`.

use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{CHECKOUT_SCRIPT, EventCard, EventDay, OrganizationEvents, get_organization_events};
use crate::error::{AppError, ErrorNotice};
use crate::previews::{AtomFeedLink, PagePreview, absolute};

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Embed,
    List,
}

#[component]
pub fn EventsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let view = Memo::new(move |_| match query.read().get_str("view") {
        Some("list") => View::List,
        _ => View::Embed,
    });
    let page = Memo::new(move |_| query.read().get("page"));
    let events = Resource::new(
        move || (slug.get(), page.get()),
        |(slug, page)| get_organization_events(slug, page),
    );

    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading events…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let events = events.await?;
                    Ok::<_, AppError>(view! { <EventsView events view /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn EventsView(events: OrganizationEvents, view: Memo<View>) -> impl IntoView {
    // Without lu.ma's embed (a feed-only organization), the list is the page.
    let has_embed = events.embed_calendar_id.is_some();
    let view = Memo::new(move |_| if has_embed { view.get() } else { View::List });
    let base = format!("/orgs/{}/events", events.slug);
    let settings_link = events.viewer_can_manage.then(|| {
        view! {
            <a class="button button-secondary" href=format!("/orgs/{}/settings", events.slug)>
                "lu.ma settings"
            </a>
        }
    });
    let status = match (&events.updated, events.refreshing) {
        (_, true) => Some("Checking lu.ma for changes; reload in a moment to see them.".to_owned()),
        (Some(updated), false) => Some(format!("{updated}.")),
        (None, false) => None,
    };
    let header = view! {
        <header class="page-intro">
            <p class="breadcrumb">
                <a href=format!("/orgs/{}", events.slug)>{events.name.clone()}</a>
            </p>
            <h1>"Events"</h1>
            {events
                .is_demo
                .then(|| {
                    view! {
                        <p class="card-meta">
                            "Demo data, imported from Convene's bundled fake lu.ma."
                        </p>
                    }
                })}
        </header>
    };
    if !events.connected && events.days.is_empty() {
        return view! {
            <Title text=format!("Events · {}", events.name) />
            {header}
            <section class="empty-state">
                <p>{events.name.clone()}" has not connected a lu.ma calendar yet."</p>
                {settings_link.map(|link| view! { <p>"Connect it in the settings: "{link}</p> })}
            </section>
        }
        .into_any();
    }
    let list_href = format!("{base}?view=list");
    let embed_href = base.clone();
    // Any calendar app subscribes to this URL (the server writes it; see server/src/http/feeds.rs).
    let feed_href = format!("{base}.ics");
    let days = events.days.clone();
    let name = events.name.clone();
    let calendar_id = events.embed_calendar_id.clone();
    let calendar_url = events.calendar_url.clone();

    let atom_href = format!("{base}.atom");
    let pager_base = base.clone();
    let (page, pages) = (events.page, events.pages);
    view! {
        <Title text=format!("Events · {}", events.name) />
        <PagePreview
            title=format!("Events · {}", events.name)
            description=format!("Upcoming events of {} on Convene.", events.name)
            url=absolute(&base)
            image=None
        />
        <AtomFeedLink title=format!("{} · events", events.name) path=atom_href.clone() />
        {header}
        <div class="events-toolbar">
            <nav class="view-switch" aria-label="View">
                {has_embed
                    .then(|| {
                        view! {
                            <a
                                href=embed_href.clone()
                                aria-current=move || (view.get() == View::Embed).then_some("page")
                            >
                                "Calendar"
                            </a>
                        }
                    })}
                <a href=list_href aria-current=move || (view.get() == View::List).then_some("page")>
                    "List"
                </a>
            </nav>
            {calendar_url
                .clone()
                .map(|url| {
                    view! {
                        <a class="open-on-luma" href=url target="_blank" rel="noopener noreferrer">
                            "Open on lu.ma ↗"
                        </a>
                    }
                })}
            // rel=external: a file for calendar apps, not a page for the client-side router.
            <a class="open-on-luma" href=feed_href rel="external">
                "Subscribe (.ics)"
            </a>
            <a href=atom_href rel="external" type="application/atom+xml">
                "Atom feed"
            </a>
            {settings_link}
        </div>
        {status
            .map(|status| {
                view! {
                    <p class="card-meta events-status" role="status">
                        {status}
                    </p>
                }
            })}
        {move || match view.get() {
            View::Embed => embed(&name, calendar_id.as_deref()).into_any(),
            View::List => {
                view! {
                    <EventList days=days.clone() />
                    <Pager base=pager_base.clone() page pages />
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

/// Earlier and later pages of a long list, as plain links (the list is server-rendered).
#[component]
fn Pager(base: String, page: u32, pages: u32) -> impl IntoView {
    if pages <= 1 {
        return ().into_any();
    }
    let href = move |to: u32| match to {
        1 => format!("{base}?view=list"),
        to => format!("{base}?view=list&page={to}"),
    };
    view! {
        <nav class="pager" aria-label="Pages of events">
            {(page > 1)
                .then(|| {
                    view! {
                        <a href=href(page - 1) rel="prev">
                            "← Earlier events"
                        </a>
                    }
                })}
            <span aria-current="page">{format!("Page {page} of {pages}")}</span>
            {(page < pages)
                .then(|| {
                    view! {
                        <a href=href(page + 1) rel="next">
                            "Later events →"
                        </a>
                    }
                })}
        </nav>
    }
    .into_any()
}

fn embed(name: &str, calendar_id: Option<&str>) -> impl IntoView + use<> {
    match calendar_id {
        // Built as markup: the view macro cannot set `loading` on an iframe with erased types.
        // The id is a checked `cal-…` (letters and digits) and the title is escaped.
        Some(id) => view! {
            <div
                class="luma-embed"
                inner_html=format!(
                    r#"<iframe src="https://lu.ma/embed/calendar/{id}/events?lt=light" title="{}" loading="lazy" width="100%" height="600" allowfullscreen></iframe>"#,
                    escape_attribute(&format!("{name} events on lu.ma")),
                )
            ></div>
        }
        .into_any(),
        None => view! {
            <p class="empty-state">
                "lu.ma's calendar embed needs the calendar's id. An admin can add it (or an API key) in the settings; meanwhile, the list shows the imported events."
            </p>
        }
        .into_any(),
    }
}

/// Text made safe inside a double-quoted HTML attribute.
fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[component]
fn EventList(days: Vec<EventDay>) -> impl IntoView {
    if days.is_empty() {
        return view! { <p class="empty-state">"No upcoming events."</p> }.into_any();
    }
    view! {
        // lu.ma's checkout script wires up the "Register" buttons when it loads; without it they
        // are plain links to lu.ma.
        <script id="luma-checkout" src=CHECKOUT_SCRIPT async nonce=use_nonce()></script>
        // Rendered on the server only (nothing here hydrates), once per list shown.
        <div class="event-days" inner_html=days_html(days)></div>
    }
    .into_any()
}

/// The days' HTML: on the server, rendered once and kept by its input (`crate::rendered`).
fn days_html(days: Vec<EventDay>) -> String {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::state::AppState>() {
        return state
            .rendered
            .event_days(crate::i18n::locale(), days, render_days);
    }
    render_days(days)
}

fn render_days(days: Vec<EventDay>) -> String {
    days.into_iter()
        .map(|day| {
            view! {
                <section class="event-day">
                    <h2>{day.heading}</h2>
                    <ul class="event-list">
                        {day
                            .events
                            .into_iter()
                            .map(|event| view! { <EventItem event /> })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
        .to_html()
}

/// lu.ma's Register button: a link to the event that lu.ma's checkout script opens as its
/// dialog. `for_title` names the event to screen readers where several buttons share a list.
#[component]
pub(crate) fn RegisterLink(
    url: String,
    luma_id: String,
    #[prop(optional)] for_title: Option<String>,
    /// "Register" in the page's language (islands pass theirs; the default is English).
    #[prop(optional)]
    label: Option<String>,
) -> impl IntoView {
    view! {
        <a
            class="button register"
            href=url
            target="_blank"
            rel="noopener noreferrer"
            data-luma-action="checkout"
            data-luma-event-id=luma_id
        >
            {label.unwrap_or_else(|| "Register".to_owned())}
            {for_title.map(|title| view! { <span class="visually-hidden">" for "{title}</span> })}
        </a>
    }
}

#[component]
fn EventItem(event: EventCard) -> impl IntoView {
    let register = event
        .event_url
        .clone()
        .map(|url| view! { <RegisterLink url luma_id=event.luma_id.clone() /> });
    view! {
        <li class="event-item" data-event=event.luma_id.clone()>
            {match event.cover_url.clone() {
                Some(url) => {
                    view! { <img class="event-cover" src=url alt="" loading="lazy" /> }.into_any()
                }
                None => {
                    view! { <div class="event-cover event-cover-empty" aria-hidden="true"></div> }
                        .into_any()
                }
            }}
            <div class="event-body">
                <h3>
                    {match event.page_url.clone() {
                        Some(url) => view! { <a href=url>{event.title.clone()}</a> }.into_any(),
                        None => event.title.clone().into_any(),
                    }}
                    {event
                        .members_only
                        .then(|| {
                            view! {
                                " "
                                <span class="badge badge-members">"Members only"</span>
                            }
                        })}
                    {event
                        .cross_listed
                        .then(|| {
                            view! {
                                " "
                                <span class="badge">"Listed from another calendar"</span>
                            }
                        })}
                </h3>
                <p class="event-time">
                    <time title=event.timezone.clone()>{event.when.clone()}</time>
                </p>
                <p class="event-place" class:online=event.online>
                    {event.location.clone()}
                    {event
                        .address_hidden
                        .then(|| {
                            view! {
                                <span class="address-note">
                                    " · Address shared with registered guests on lu.ma"
                                </span>
                            }
                        })}
                </p>
                {event
                    .description_html
                    .clone()
                    .map(|html| {
                        view! {
                            <details class="event-description">
                                <summary>"Details"</summary>
                                // Sanitised on the server (convene::text::markdown).
                                <div inner_html=html></div>
                            </details>
                        }
                    })}
            </div>
            <div class="event-actions">{register}</div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::escape_attribute;

    #[test]
    fn attribute_text_cannot_break_out_of_its_quotes() {
        assert_eq!(
            escape_attribute(r#"A "B" <c> & d"#),
            "A &quot;B&quot; &lt;c&gt; &amp; d"
        );
    }
}
