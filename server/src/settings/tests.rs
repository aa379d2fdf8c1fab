use super::*;

#[test]
fn database_url_hides_the_password() {
    let url = DatabaseUrl::parse("postgres://convene:hunter2@db:5432/convene").unwrap();
    assert_eq!(url.to_string(), "postgres://convene:***@db:5432/convene");
    assert!(!format!("{url:?}").contains("hunter2"));
    assert_eq!(url.expose(), "postgres://convene:hunter2@db:5432/convene");
}

#[test]
fn database_url_names_the_setting_for_unknown_stores() {
    let err = DatabaseUrl::parse("mysql://localhost/db").unwrap_err();
    assert_eq!(
        err.to_string(),
        "DATABASE_URL: unsupported store \"mysql\": use sqlite://… or postgres://…"
    );
}

#[test]
fn summary_and_debug_never_show_secrets() {
    let key_hex = "ab".repeat(32);
    let settings = Settings {
        listen: "127.0.0.1:3000".parse().unwrap(),
        database_url: DatabaseUrl::parse("postgres://u:hunter2@db/convene").unwrap(),
        data_dir: "data".into(),
        secret_key: SecretKey::from_hex(&key_hex).unwrap(),
        secret_key_source: KeySource::Setting,
        luma_api_base: "https://public-api.luma.com".parse().unwrap(),
        demo: true,
        demo_live_changes: false,
        secure_cookies: false,
        public_url: None,
        trusted_proxies: TrustedProxies::default(),
        allow_private_feeds: false,
        map_tiles: Default::default(),
        daily_sync: None,
        luma_requests_per_minute: 120,
        refresh_ttl: chrono::Duration::minutes(60),
        mail: mail_config(
            Some("smtp://mailer:hunter2@mail.example.org"),
            None,
            20,
            Some(&"https://events.example.org".parse().unwrap()),
        )
        .unwrap(),
        leptos_options: LeptosOptions::builder().output_name("convene").build(),
        metrics_addr: None,
    };
    let summary = settings.summary();
    assert!(
        summary.contains("mail_from=Convene <convene@events.example.org>"),
        "{summary}"
    );
    assert!(
        summary.contains("secret_key=from CONVENE_SECRET_KEY"),
        "{summary}"
    );
    assert!(
        summary.contains("database=postgres://u:***@db/convene"),
        "{summary}"
    );
    assert_eq!(
        settings.luma_client_config().budget_per_minute,
        120,
        "the setting, not the client default"
    );
    for shown in [summary, format!("{settings:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains(&key_hex), "{shown}");
    }
}

#[test]
fn demo_mode_is_off_unless_asked_for_on_every_store() {
    assert!(!demo_enabled(None));
    assert!(demo_enabled(Some(true)));
    assert!(!demo_enabled(Some(false)));
}

#[test]
fn refresh_ttl_names_the_setting_when_out_of_range() {
    assert_eq!(parse_refresh_ttl(60).unwrap(), chrono::Duration::hours(1));
    for bad_minutes in [0, REFRESH_TTL_MAX_MINUTES + 1] {
        let err = parse_refresh_ttl(bad_minutes).unwrap_err();
        assert!(
            err.to_string().starts_with("CONVENE_REFRESH_TTL_MINUTES: "),
            "{err}"
        );
    }
}

#[test]
fn mail_settings_name_the_setting_to_fix() {
    let off = mail_config(None, None, 20, None).unwrap();
    assert!(off.smtp.is_none());
    assert_eq!(off.from.to_string(), "Convene <convene@localhost>");
    for (smtp, from, timeout, setting) in [
        (
            Some("http://mail.example.org"),
            None,
            20,
            "CONVENE_SMTP_URL: ",
        ),
        (None, Some("not an address"), 20, "CONVENE_MAIL_FROM: "),
        (None, None, 0, "CONVENE_SMTP_TIMEOUT_SECONDS: "),
    ] {
        let err = mail_config(smtp, from, timeout, None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(setting), "{err}");
    }
}

#[test]
fn the_data_directory_is_the_servers_own() {
    use std::os::unix::fs::PermissionsExt;
    let dir = convene::testing::scratch_dir("data-dir").join("data");
    ensure_data_dir(&dir).unwrap();
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn mail_links_must_lead_to_https_or_this_machine() {
    let listen_public: std::net::SocketAddr = "0.0.0.0:3000".parse().unwrap();
    let listen_local: std::net::SocketAddr = "127.0.0.1:3000".parse().unwrap();
    let url = |text: &str| text.parse::<Url>().unwrap();
    for (public_url, listen) in [
        (Some(url("https://events.example.org/")), listen_public),
        (Some(url("http://localhost:3000/")), listen_public),
        (Some(url("http://127.0.0.1:3000/")), listen_public),
        (None, listen_local),
    ] {
        assert!(links_in_mail_are_safe(public_url.as_ref(), listen).is_ok());
    }
    for (public_url, listen) in [
        (Some(url("http://events.example.org/")), listen_local),
        (None, listen_public),
    ] {
        let err = links_in_mail_are_safe(public_url.as_ref(), listen)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("CONVENE_PUBLIC_URL: "), "{err}");
    }
}

#[test]
fn luma_base_must_be_http() {
    assert!(parse_http_url("LUMA_API_BASE", "https://public-api.luma.com").is_ok());
    let err = parse_http_url("LUMA_API_BASE", "ftp://example.com").unwrap_err();
    assert!(err.to_string().starts_with("LUMA_API_BASE: "), "{err}");
    let err = parse_http_url("LUMA_API_BASE", "not a url").unwrap_err();
    assert!(err.to_string().contains("is not a URL"), "{err}");
}

#[test]
fn a_release_directory_is_the_binary_with_its_site_and_hash_file_beside_it() {
    let dir = convene::testing::scratch_dir("release");
    assert!(
        SelfContained::at(&dir, "hash.txt").is_none(),
        "nothing beside it"
    );
    std::fs::create_dir_all(dir.join("site/pkg")).unwrap();
    assert!(
        SelfContained::at(&dir, "hash.txt").is_none(),
        "a site without its hash file keeps the defaults"
    );
    std::fs::write(dir.join("hash.txt"), "js: abc\nwasm: def\ncss: 012\n").unwrap();
    let release = SelfContained::at(&dir, "hash.txt").expect("a release directory");
    assert_eq!(release.site, dir.join("site"));
}
