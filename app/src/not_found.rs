//! The page for unknown addresses, answered with HTTP 404.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::{AppError, respond_with};

#[component]
pub fn NotFound() -> impl IntoView {
    // Sets the status of the server-rendered response; a no-op after hydration.
    respond_with(AppError::NotFound("Page".into()));
    view! {
        <Title text="Page not found" />
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>
                "There is nothing at this address. It may have moved, or the link may be mistyped."
            </p>
            <p>
                <a class="button" href="/">
                    "Browse organizations"
                </a>
            </p>
        </section>
    }
}
