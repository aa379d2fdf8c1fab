//! The frame around every page: skip link, header with navigation, main landmark, footer with
//! the language picker.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::UserMenu;
use crate::i18n::{LanguagePicker, t};

#[component]
pub fn SiteLayout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">
            {t("nav-skip")}
        </a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">
                    "◆"
                </span>
                "Convene"
            </a>
            <nav aria-label=t("nav-label")>
                <ul>
                    <li>
                        <A href="/dashboard">{t("nav-dashboard")}</A>
                    </li>
                    <li>
                        <A href="/orgs">{t("nav-organizations")}</A>
                    </li>
                </ul>
            </nav>
            <UserMenu />
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>{t("footer-about")}</p>
            <LanguagePicker />
        </footer>
    }
}
