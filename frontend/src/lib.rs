//! The wasm entry point: hydrates the islands of a server-rendered page (the dashboard's and the
//! settings panel's interactive parts); everything else on the page is plain HTML.

// Linked for its `#[island]` functions, which the hydration script calls by name.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
