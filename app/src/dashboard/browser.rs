//! What only a browser knows: its timezone, local storage, and formatting in its zone. Each
//! answers "nothing" during server rendering.

/// The browser's IANA timezone (`Intl`), none during SSR.
pub fn timezone() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsValue;
        let format =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
        let options = format.resolved_options();
        js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
            .ok()
            .and_then(|zone| zone.as_string())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// "Sat 28 Nov, 19:00 – 21:00 GMT+1" in the browser's zone.
#[cfg_attr(not(feature = "hydrate"), expect(unused_variables))]
pub fn in_viewer_zone(start_utc: &str, end_utc: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsValue;
        let options = js_sys::Object::new();
        for (key, value) in [
            ("weekday", "short"),
            ("day", "numeric"),
            ("month", "short"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
        ] {
            js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value))
                .ok()?;
        }
        let locale = js_sys::Array::of1(&JsValue::from_str("en-GB"));
        let start = js_sys::Date::new(&JsValue::from_str(start_utc));
        let end = js_sys::Date::new(&JsValue::from_str(end_utc));
        let full = js_sys::Intl::DateTimeFormat::new(&locale, &options);
        js_sys::Reflect::set(&options, &JsValue::from_str("weekday"), &JsValue::UNDEFINED).ok()?;
        js_sys::Reflect::set(&options, &JsValue::from_str("day"), &JsValue::UNDEFINED).ok()?;
        js_sys::Reflect::set(&options, &JsValue::from_str("month"), &JsValue::UNDEFINED).ok()?;
        js_sys::Reflect::set(
            &options,
            &JsValue::from_str("timeZoneName"),
            &JsValue::from_str("short"),
        )
        .ok()?;
        let clock = js_sys::Intl::DateTimeFormat::new(&locale, &options);
        let starts = full.format().call1(&full, &start).ok()?.as_string()?;
        let ends = clock.format().call1(&clock, &end).ok()?.as_string()?;
        Some(format!("{starts} – {ends}"))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// The agenda's day heading for an instant, in the browser's zone: "Today", "Tomorrow" or
/// "Sat 28 Nov", as the server labels days in each event's own zone.
#[cfg_attr(not(feature = "hydrate"), expect(unused_variables))]
pub fn day_label_in_viewer_zone(start_utc: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsValue;
        let formatter = |pairs: &[(&str, &str)],
                         locale: &str|
         -> Option<js_sys::Intl::DateTimeFormat> {
            let options = js_sys::Object::new();
            for (key, value) in pairs {
                js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value))
                    .ok()?;
            }
            let locales = js_sys::Array::of1(&JsValue::from_str(locale));
            Some(js_sys::Intl::DateTimeFormat::new(&locales, &options))
        };
        let format = |with: &js_sys::Intl::DateTimeFormat, date: &js_sys::Date| {
            with.format().call1(with, date).ok()?.as_string()
        };
        // "2026-11-28": comparable calendar days in the browser's zone.
        let iso = formatter(
            &[
                ("year", "numeric"),
                ("month", "2-digit"),
                ("day", "2-digit"),
            ],
            "en-CA",
        )?;
        let start = js_sys::Date::new(&JsValue::from_str(start_utc));
        let now = js_sys::Date::new_0();
        // Tomorrow by the calendar (noon, so a daylight-saving change cannot skip it).
        let tomorrow = js_sys::Date::new_with_year_month_day_hr(
            now.get_full_year(),
            i32::try_from(now.get_month()).ok()?,
            i32::try_from(now.get_date()).ok()?.checked_add(1)?,
            12,
        );
        let day = format(&iso, &start)?;
        if day == format(&iso, &now)? {
            return Some("Today".to_owned());
        }
        if day == format(&iso, &tomorrow)? {
            return Some("Tomorrow".to_owned());
        }
        let label = formatter(
            &[("weekday", "short"), ("day", "numeric"), ("month", "short")],
            "en-GB",
        )?;
        format(&label, &start).map(|text| text.replace(',', ""))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// A remembered yes/no from local storage (no on the server, or when storage is off).
#[cfg_attr(not(feature = "hydrate"), expect(unused_variables))]
pub fn remembered(key: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        match storage_call("getItem", &[key]) {
            Ok(value) => value.is_some_and(|value| value == "1"),
            Err(err) => {
                leptos::logging::warn!("local storage unavailable: {err}");
                false
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

#[cfg_attr(not(feature = "hydrate"), expect(unused_variables))]
pub fn remember(key: &str, on: bool) {
    #[cfg(feature = "hydrate")]
    if let Err(err) = storage_call("setItem", &[key, if on { "1" } else { "0" }]) {
        // Storage can be off (private windows); the choice then lasts for this page only.
        leptos::logging::warn!("could not remember the choice: {err}");
    }
}

/// `localStorage[method](...args)`: its string result, if it gave one.
#[cfg(feature = "hydrate")]
fn storage_call(method: &str, args: &[&str]) -> Result<Option<String>, String> {
    use leptos::wasm_bindgen::{JsCast, JsValue};
    let describe = |err: JsValue| format!("{err:?}");
    let storage = js_sys::Reflect::get(
        &leptos::prelude::window(),
        &JsValue::from_str("localStorage"),
    )
    .map_err(describe)?;
    let function = js_sys::Reflect::get(&storage, &JsValue::from_str(method))
        .map_err(describe)?
        .dyn_into::<js_sys::Function>()
        .map_err(describe)?;
    let args: js_sys::Array = args.iter().map(|a| JsValue::from_str(a)).collect();
    Ok(function
        .apply(&storage, &args)
        .map_err(describe)?
        .as_string())
}

/// This page's origin ("https://convene.example"), empty on the server.
pub fn origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .location()
            .origin()
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// `encodeURIComponent`, for a URL inside another URL's query.
pub fn encode_component(text: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_sys::encode_uri_component(text))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        text.to_owned()
    }
}

/// Puts `text` on the clipboard (`navigator.clipboard.writeText`). A refusal that comes later
/// (the promise rejecting) is logged; one that comes at once is returned.
#[cfg_attr(not(feature = "hydrate"), expect(unused_variables))]
pub fn copy_text(text: &str) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::{JsCast, JsValue, closure::Closure};
        let describe = |err: JsValue| format!("{err:?}");
        let navigator =
            js_sys::Reflect::get(&leptos::prelude::window(), &JsValue::from_str("navigator"))
                .map_err(describe)?;
        let clipboard =
            js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).map_err(describe)?;
        let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
            .map_err(describe)?
            .dyn_into::<js_sys::Function>()
            .map_err(describe)?;
        let promise = write
            .call1(&clipboard, &JsValue::from_str(text))
            .map_err(describe)?
            .dyn_into::<js_sys::Promise>()
            .map_err(describe)?;
        let failed = Closure::once(|err: JsValue| {
            leptos::logging::warn!("the clipboard refused the link: {err:?}");
        });
        let _ = promise.catch(&failed);
        failed.forget();
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err("no clipboard on the server".to_owned())
    }
}
