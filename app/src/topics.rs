//! Topics: each topic's page (`/topics/:slug`, public), the dashboard's topic choice, and an
//! organization's topic settings (`/orgs/:slug/topics`, its admins): show a tag under another
//! name (two tags under one name become one topic) or hide it.
//!
//! Access matrix addition: `list_topic_options` and `get_topic_page` answer everyone with what
//! they may see; `get_topic_settings` and `save_topic_rule` answer the organization's admins and
//! site admins (401 and 403 otherwise).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::error::{AppError, ErrorNotice};
use crate::forms::form_error;
use crate::previews::{AtomFeedLink, PagePreview};
pub use convene_types::views::{TopicOption, TopicPage, TopicSettings};

#[server]
pub async fn list_topic_options() -> Result<Vec<TopicOption>, AppError> {
    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let actor = session::actor(&state).await?;
    Ok(convene::read_models::topics::options(
        &state.db,
        state.reads().await?,
        actor,
        chrono::Utc::now(),
    )
    .await?)
}

#[server]
pub async fn get_topic_page(slug: String) -> Result<TopicPage, AppError> {
    use crate::auth::session;
    use crate::error::respond_with;
    use crate::state::AppState;

    let state = AppState::current()?;
    let actor = session::actor(&state).await?;
    convene::read_models::topics::page(&state.db, &state.site, actor, &slug, chrono::Utc::now())
        .await?
        .ok_or_else(|| respond_with(AppError::NotFound("Topic".into())))
}

#[server]
pub async fn get_topic_settings(slug: String) -> Result<TopicSettings, AppError> {
    use crate::organizations::org_request;

    let (state, request) = org_request(&slug).await?;
    request.viewer.require_admin()?;
    Ok(convene::read_models::topics::settings(&state.db, &request.organization).await?)
}

/// `name` empty: the tag's own name; `hidden` is a checkbox (present when ticked).
#[server]
pub async fn save_topic_rule(
    slug: String,
    tag: String,
    name: String,
    hidden: Option<String>,
) -> Result<(), AppError> {
    use crate::organizations::org_request;

    let (state, request) = org_request(&slug).await?;
    let actor = request.viewer.require_admin()?;
    let hidden = hidden.is_some();
    convene::import::topics::save_rule(&state.db, request.organization.id, &tag, &name, hidden)
        .await?;
    tracing::info!(
        by = actor.user_id,
        org = %request.organization.slug,
        tag = %tag,
        hidden,
        "audit: topic rule saved"
    );
    Ok(())
}

#[component]
pub fn TopicPageView() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let page = Resource::new(move || slug.get(), get_topic_page);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let page = page.await?;
                    Ok::<_, AppError>(view! { <TopicView page /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn TopicView(page: TopicPage) -> impl IntoView {
    let feed = format!("/topics/{}/events.atom", page.slug);
    let events = if page.events.is_empty() {
        view! { <p class="empty-state">"No upcoming events about this topic."</p> }.into_any()
    } else {
        view! {
            <ul class="topic-events">
                {page
                    .events
                    .iter()
                    .map(|event| {
                        view! {
                            <li>
                                <a href=event.url.clone()>{event.title.clone()}</a>
                                {event
                                    .members_only
                                    .then(|| {
                                        view! {
                                            " "
                                            <span class="badge badge-members">"Members only"</span>
                                        }
                                    })}
                                <span class="card-meta">
                                    {format!(
                                        " {} · {} · {}",
                                        event.when,
                                        event.location,
                                        event.org_name,
                                    )}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=page.name.clone() />
        <PagePreview
            title=page.name.clone()
            description=format!("Upcoming events about {} on Convene.", page.name)
            url=page.canonical_url.clone()
            image=None
        />
        <AtomFeedLink title=format!("Convene · {}", page.name) path=feed.clone() />
        <header class="page-intro">
            <p class="breadcrumb">
                <a href=format!("/dashboard?topic={}", page.slug)>"Dashboard"</a>
            </p>
            <h1>{page.name.clone()}</h1>
            <p class="card-meta">
                "Upcoming events about this topic, from every organization. "
                <a href=feed rel="external" type="application/atom+xml">
                    "Atom feed"
                </a>
            </p>
        </header>
        {events}
    }
}

#[component]
pub fn TopicSettingsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let save = ServerAction::<SaveTopicRule>::new();
    let settings = Resource::new(
        move || (slug.get(), save.version().get()),
        |(slug, _)| get_topic_settings(slug),
    );
    let error = form_error(save);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let settings = settings.await?;
                    Ok::<_, AppError>(view! { <TopicSettingsView settings save error /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn TopicSettingsView(
    settings: TopicSettings,
    save: ServerAction<SaveTopicRule>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let org_slug = settings.org_slug.clone();
    let settings_empty = settings.tags.is_empty();
    let rows = settings
        .tags
        .into_iter()
        .map(|tag| {
            let slug = org_slug.clone();
            let field = format!("topic-{}", tag.tag_slug);
            view! {
                <li class="topic-rule">
                    <ActionForm action=save>
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="tag" value=tag.tag_slug.clone() />
                        <label for=field.clone()>
                            <strong>{tag.tag_name.clone()}</strong>
                            <span class="card-meta">
                                {format!(" · {} events · shown as", tag.events)}
                            </span>
                        </label>
                        <input
                            id=field
                            type="text"
                            name="name"
                            value=tag.shown_as.clone()
                            placeholder=tag.tag_name.clone()
                            maxlength="60"
                        />
                        <label class="choice">
                            <input type="checkbox" name="hidden" value="on" checked=tag.hidden />
                            " Hide"
                        </label>
                        <button type="submit" class="button button-secondary">
                            "Save"
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=format!("Topics · {}", settings.org_name) />
        <header class="page-intro">
            <p class="breadcrumb">
                <a href=format!("/orgs/{org_slug}")>{settings.org_name.clone()}</a>
            </p>
            <h1>"Topics"</h1>
            <p class="lede">
                "Your events' tags become topics people can filter by. Show a tag under another name (give two tags the same name to merge them), or hide it."
            </p>
        </header>
        <p class="notice notice-error" role="alert" hidden=move || error.get().is_none()>
            {move || error.get().map(|err| err.to_string())}
        </p>
        {if settings_empty {
            view! {
                <p class="empty-state">
                    "None of your events has a tag yet. Tags you give events on lu.ma (or categories in your feed) show up here after the next import."
                </p>
            }
                .into_any()
        } else {
            view! { <ul class="topic-rules">{rows}</ul> }.into_any()
        }}
    }
}
