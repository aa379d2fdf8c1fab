//! One event's page (`/events/:id`): complete as HTML (search engines and link previews read
//! it without JavaScript). What only a browser knows (the viewer's timezone) is a few lines of
//! script, not an island: the page loads no WebAssembly.

use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::{CHECKOUT_SCRIPT, EventPage, EventPageView, RegisterLink, get_event_page};
use crate::error::{AppError, ErrorNotice};
use crate::i18n::{Arg, t, t_with};
use crate::previews::PagePreview;

#[component]
pub fn SingleEventPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let page = Resource::new(move || id.get(), get_event_page);
    view! {
        <Transition fallback=|| view! { <p class="loading">{t("event-loading")}</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let shown = match page.await {
                        Ok(EventPageView::Shown(page)) => {
                            view! { <EventView page=*page /> }.into_any()
                        }
                        Ok(EventPageView::MembersOnly { org_slug, org_name, signed_in }) => {
                            view! { <MembersOnlyNotice org_slug org_name signed_in /> }.into_any()
                        }
                        Err(AppError::NotFound(_)) => view! { <NoSuchEvent /> }.into_any(),
                        Err(err) => return Err(err),
                    };
                    Ok::<_, AppError>(shown)
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn NoSuchEvent() -> impl IntoView {
    view! {
        <Title text=t("event-not-found") />
        <section class="not-found">
            <h1>{t("event-not-found")}</h1>
            <p>{t("event-not-found-why")}</p>
            <p>
                <a class="button" href="/dashboard">
                    {t("event-see-upcoming")}
                </a>
            </p>
        </section>
    }
}

#[component]
fn MembersOnlyNotice(org_slug: String, org_name: String, signed_in: bool) -> impl IntoView {
    let org_page = format!("/orgs/{org_slug}");
    view! {
        <Title text=format!("{} · {org_name}", t("event-members-only-title")) />
        <Meta name="robots" content="noindex" />
        <section class="not-found">
            <h1>{t("event-members-only-title")}</h1>
            {if signed_in {
                view! {
                    <p>
                        {t("event-members-only-of")} " "
                        <a href=org_page.clone()>{org_name.clone()}</a> ". "
                        {t("event-members-only-join")}
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <p>
                        {t("event-members-only-of")} " "
                        <a href=org_page.clone()>{org_name.clone()}</a> ". "
                        {t("event-members-only-sign-in")}
                    </p>
                    <p>
                        <a class="button" href="/login">
                            {t("nav-sign-in")}
                        </a>
                    </p>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn EventView(page: EventPage) -> impl IntoView {
    let org_page = format!("/orgs/{}", page.org_slug);
    let register = page.event_url.clone().filter(|_| !page.ended).map(|url| {
        view! { <RegisterLink url luma_id=page.luma_id.clone() label=t("event-register") /> }
    });
    view! {
        <Title text=page.title.clone() />
        <PagePreview
            title=page.title.clone()
            description=page.summary.clone()
            url=page.canonical_url.clone()
            image=page.cover_url.clone()
        />
        // A members-only event's page is for members: search engines never see it anyway.
        {page.members_only.then(|| view! { <Meta name="robots" content="noindex" /> })}
        <article class="event-page" data-event=page.public_id.clone()>
            <p class="breadcrumb">
                <a href=org_page.clone()>{page.org_name.clone()}</a>
                " · "
                <a href=format!("{org_page}/events")>{t("event-breadcrumb-events")}</a>
            </p>
            {page
                .cover_url
                .clone()
                .map(|url| view! { <img class="event-page-cover" src=url alt="" /> })}
            <h1>
                {page.title.clone()}
                {page
                    .members_only
                    .then(|| {
                        view! {
                            " "
                            <span class="badge badge-members">{t("badge-members-only")}</span>
                        }
                    })}
                {page
                    .cross_listed
                    .then(|| {
                        view! {
                            " "
                            <span class="badge">{t("badge-cross-listed")}</span>
                        }
                    })}
            </h1>
            {page.ended.then(|| view! { <p class="notice">{t("event-ended")}</p> })}
            <p class="event-date">{page.date_heading.clone()}</p>
            <EventTimes
                when=page.when.clone()
                start_utc=page.start_utc.clone()
                end_utc=page.end_utc.clone()
                all_day=page.all_day
                timezone=page.timezone.clone()
            />
            <p class="event-place" class:online=page.online>
                {page.location.clone()}
                {page
                    .address_hidden
                    .then(|| {
                        view! {
                            <span class="address-note">" · " {t("event-address-hidden")}</span>
                        }
                    })}
            </p>
            <p class="event-actions">
                {register}
                <a
                    class="button button-secondary"
                    href=page.calendar_file.clone()
                    download="event.ics"
                >
                    {t("event-add-to-calendar")}
                </a>
                <a
                    class="button button-secondary"
                    href=page.google_calendar_url.clone()
                    target="_blank"
                    rel="noopener noreferrer"
                >
                    "Google Calendar"
                </a>
            </p>
            {page
                .description_html
                .clone()
                .map(|html| {
                    // Sanitised on the server (convene::text::markdown).
                    view! { <div class="event-page-description" inner_html=html></div> }
                })}
            <MoreFrom org_name=page.org_name.clone() org_page more=page.more.clone() />
        </article>
        {page
            .json_ld
            .clone()
            .map(|markup| {
                // Made safe inside <script> by the core (no `<`, `>` or `&`).
                view! { <script type="application/ld+json" inner_html=markup></script> }
            })}
        // The request's nonce: the Content-Security-Policy runs only scripts that carry it.
        <script id="luma-checkout" src=CHECKOUT_SCRIPT async nonce=use_nonce()></script>
    }
}

#[component]
fn MoreFrom(
    org_name: String,
    org_page: String,
    more: Vec<convene_types::views::EventLink>,
) -> impl IntoView {
    if more.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="more-events">
            <h2>{t_with("event-more-from", &[("name", Arg::from(&org_name))])}</h2>
            <ul>
                {more
                    .into_iter()
                    .map(|event| {
                        view! {
                            <li>
                                <a href=event.url>{event.title}</a>
                                " "
                                <span class="card-meta">{event.when}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p>
                <a href=format!("{org_page}/events")>{t("event-all-events")}</a>
            </p>
        </section>
    }
    .into_any()
}

/// The event's time in its own zone, with "Show times in my timezone" (the dashboard's choice,
/// remembered in the same place). The page loads no WebAssembly: a few lines of script do it,
/// so a visitor from a search engine gets the page at its content's weight.
#[component]
fn EventTimes(
    when: String,
    start_utc: String,
    end_utc: String,
    all_day: bool,
    timezone: String,
) -> impl IntoView {
    view! {
        <p class="event-time">
            <time datetime=start_utc data-end=end_utc title=timezone>
                {when}
            </time>
        </p>
        {(!all_day)
            .then(|| {
                view! {
                    <p class="timezone-choice">
                        <label class="choice">
                            // Enabled by the script once it knows the browser's zone.
                            <input type="checkbox" id="viewer-zone" disabled />
                            " "
                            {t("event-times-in-my-zone")}
                            <span id="viewer-zone-name"></span>
                        </label>
                    </p>
                    <script inner_html=VIEWER_ZONE_SCRIPT nonce=use_nonce()></script>
                }
            })}
    }
}

/// The toggle: the event's time in the browser's zone, formatted as the dashboard's island
/// formats it ("Sat 28 Nov, 19:00 – 21:00 GMT+1") in the page's language (`<html lang>`;
/// twelve hours where that language uses them), the choice kept in local storage under the
/// dashboard's key; then lu.ma's checkout is asked to wire the Register button again, as lu.ma's
/// guide says for content a script changed.
const VIEWER_ZONE_SCRIPT: &str = "(function(){\
var t=document.querySelector('.event-page .event-time time'),c=document.getElementById('viewer-zone');\
if(!t||!c)return;var own=t.textContent,K='convene.viewerTimezone',z,L=document.documentElement.lang;if(L==='en')L='en-GB';\
try{z=Intl.DateTimeFormat().resolvedOptions().timeZone;}catch(e){}if(!z)return;\
document.getElementById('viewer-zone-name').textContent=' ('+z+')';c.disabled=false;\
function show(on){if(!on){t.textContent=own;return;}\
var o={weekday:'short',day:'numeric',month:'short',hour:'2-digit',minute:'2-digit'};if(L!=='ar')o.hourCycle='h23';\
var a=new Intl.DateTimeFormat(L,o).format(new Date(t.getAttribute('datetime')));\
delete o.weekday;delete o.day;delete o.month;o.timeZoneName='short';\
t.textContent=a+' – '+new Intl.DateTimeFormat(L,o).format(new Date(t.dataset.end));}\
var on=false;try{on=localStorage.getItem(K)==='1';}catch(e){}c.checked=on;show(on);\
c.addEventListener('change',function(){show(c.checked);try{localStorage.setItem(K,c.checked?'1':'0');}catch(e){}});\
if(window.luma&&luma.initCheckout)luma.initCheckout();})();";
