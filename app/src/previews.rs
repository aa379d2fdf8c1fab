//! What other sites read from a page's head: its one canonical address, link previews
//! (OpenGraph and Twitter cards), and the Atom feed that mirrors it.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};

/// The absolute address of `path` on this site (`CONVENE_PUBLIC_URL`); the path itself when
/// rendered outside the server, where no page with previews is rendered anyway.
pub fn absolute(path: &str) -> String {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::state::AppState>() {
        return state.site.link(path);
    }
    path.to_owned()
}

/// Canonical link, OpenGraph and Twitter tags for a page at the absolute `url`.
#[component]
pub fn PagePreview(
    title: String,
    description: String,
    url: String,
    image: Option<String>,
) -> impl IntoView {
    let card = if image.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    view! {
        <Meta name="description" content=description.clone() />
        <Link rel="canonical" href=url.clone() />
        <Meta property="og:type" content="website" />
        <Meta property="og:site_name" content="Convene" />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=url />
        <Meta name="twitter:card" content=card />
        <Meta name="twitter:title" content=title />
        <Meta name="twitter:description" content=description />
        {image
            .map(|image| {
                view! {
                    <Meta property="og:image" content=image.clone() />
                    <Meta name="twitter:image" content=image />
                }
            })}
    }
}

/// `<link rel=alternate>` to the Atom feed of what the page lists, for feed readers.
#[component]
pub fn AtomFeedLink(title: String, path: String) -> impl IntoView {
    view! { <Link rel="alternate" type_="application/atom+xml" title=title href=absolute(&path) /> }
}
