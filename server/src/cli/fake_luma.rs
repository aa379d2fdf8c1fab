//! `convene fake-luma`: the bundled fake lu.ma as its own process, serving fixture files, for
//! manual tries and browser tests (`LUMA_API_BASE` pointed at it).

use std::path::Path;

use convene::import::luma::fake::FakeLuma;
use convene::import::luma::fixtures;

use crate::startup::shutdown_signal;

/// Serves the calendars in `fixtures_dir` on 127.0.0.1:`port` until Ctrl-C or SIGTERM.
pub async fn serve(port: u16, fixtures_dir: &Path) -> Result<(), String> {
    let calendars = fixtures::load_dir(fixtures_dir, chrono::Utc::now())
        .map_err(|err| format!("fixtures: {err}"))?;
    let listing: Vec<String> = calendars
        .iter()
        .map(|(key, calendar)| {
            format!(
                "  {} ({}, {} events{}): API key {key}",
                calendar.name,
                calendar.id,
                calendar.events.len(),
                if calendar.legacy_shape {
                    ", legacy response shape"
                } else {
                    ""
                }
            )
        })
        .collect();
    let fake = FakeLuma::start(port, calendars)
        .await
        .map_err(|err| format!("port: cannot listen on 127.0.0.1:{port}: {err}"))?;
    println!("fake lu.ma serving {} calendars:", listing.len());
    for line in listing {
        println!("{line}");
    }
    println!("point Convene at it with LUMA_API_BASE={}", fake.base_url());
    shutdown_signal().await;
    Ok(())
}
