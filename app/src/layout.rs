//! The frame around every page: skip link, header with navigation, main landmark, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::UserMenu;

#[component]
pub fn SiteLayout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">
                    "◆"
                </span>
                "Convene"
            </a>
            <nav aria-label="Main">
                <ul>
                    <li>
                        <A href="/dashboard">"Dashboard"</A>
                    </li>
                    <li>
                        <A href="/orgs">"Organizations"</A>
                    </li>
                </ul>
            </nav>
            <UserMenu />
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Convene brings together the events your organizations host on lu.ma."</p>
        </footer>
    }
}
