//! The page for unknown addresses, answered with HTTP 404.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::{AppError, respond_with};
use crate::i18n::t;

#[component]
pub fn NotFound() -> impl IntoView {
    // Sets the status of the server-rendered response; a no-op after hydration.
    respond_with(AppError::NotFound("Page".into()));
    view! {
        <Title text=t("not-found-title") />
        <section class="not-found">
            <h1>{t("not-found-title")}</h1>
            <p>{t("not-found-why")}</p>
            <p>
                <a class="button" href="/">
                    {t("not-found-browse")}
                </a>
            </p>
        </section>
    }
}
