//! The feed client against a local server: the address guard, conditional GET, limits.

use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use url::Url;

use super::{FeedClient, FeedClientConfig, FetchError, Fetched, Validators, is_public};

const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";

async fn feed(headers: HeaderMap) -> impl IntoResponse {
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag == "\"v1\"")
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::ETAG, "\"v1\""),
            (header::LAST_MODIFIED, "Tue, 24 Nov 2026 08:00:00 GMT"),
            (header::CONTENT_TYPE, "text/calendar"),
        ],
        FEED,
    )
        .into_response()
}

async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/feed.ics", get(feed))
        .route("/big.ics", get(|| async { "x".repeat(4_000) }))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route("/moved", get(|| async { Redirect::temporary("/feed.ics") }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

fn client(allow_private: bool) -> FeedClient {
    FeedClient::new(FeedClientConfig {
        allow_private,
        max_bytes: 1_000,
        ..Default::default()
    })
    .unwrap()
}

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

#[tokio::test]
async fn with_the_guard_on_local_and_private_addresses_are_refused() {
    let address = serve().await;
    let guarded = client(false);
    let none = Validators::default();
    assert_eq!(
        guarded
            .fetch(
                &url(&format!("http://localhost:{}/feed.ics", address.port())),
                &none
            )
            .await,
        Err(FetchError::PrivateAddress {
            host: "localhost".into()
        }),
        "a name that resolves to 127.0.0.1"
    );
    assert_eq!(
        guarded
            .fetch(&url(&format!("http://{address}/feed.ics")), &none)
            .await,
        Err(FetchError::PrivateAddress {
            host: "127.0.0.1".into()
        }),
        "a literal address"
    );
    for private in [
        "http://10.0.0.8/cal.ics",
        "http://[::1]/cal.ics",
        "http://169.254.169.254/latest",
    ] {
        assert!(matches!(
            guarded.check_url(&url(private)),
            Err(FetchError::PrivateAddress { .. })
        ));
    }
    assert_eq!(
        guarded.check_url(&url("file:///etc/passwd")),
        Err(FetchError::Scheme)
    );
    assert_eq!(
        guarded.check_url(&url("ftp://example.org/cal.ics")),
        Err(FetchError::Scheme)
    );
}

#[tokio::test]
async fn an_unchanged_feed_costs_one_conditional_request() {
    let address = serve().await;
    let open = client(true);
    let first = open
        .fetch(
            &url(&format!("http://localhost:{}/feed.ics", address.port())),
            &Validators::default(),
        )
        .await
        .unwrap();
    let Fetched::Feed { text, validators } = first else {
        panic!("expected the feed, got {first:?}");
    };
    assert_eq!(text, FEED);
    assert_eq!(validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        validators.last_modified.as_deref(),
        Some("Tue, 24 Nov 2026 08:00:00 GMT")
    );
    assert_eq!(
        open.fetch(&url(&format!("http://{address}/feed.ics")), &validators)
            .await,
        Ok(Fetched::Unchanged)
    );
    // Redirects are followed (within limits).
    assert!(matches!(
        open.fetch(
            &url(&format!("http://{address}/moved")),
            &Validators::default()
        )
        .await,
        Ok(Fetched::Feed { .. })
    ));
}

#[tokio::test]
async fn limits_and_failures_are_named() {
    let address = serve().await;
    let open = client(true);
    let none = Validators::default();
    assert_eq!(
        open.fetch(&url(&format!("http://{address}/big.ics")), &none)
            .await,
        Err(FetchError::TooLarge { limit: 1_000 })
    );
    assert_eq!(
        open.fetch(&url(&format!("http://{address}/missing.ics")), &none)
            .await,
        Err(FetchError::Status(404))
    );
    assert!(matches!(
        open.fetch(&url(&format!("http://{address}/loop")), &none).await,
        Err(FetchError::Unreachable(message)) if message.contains("too many redirects")
    ));
}

#[test]
fn public_means_routable_on_the_internet() {
    let public = |text: &str| is_public(text.parse::<IpAddr>().unwrap());
    for address in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
        assert!(public(address), "{address}");
    }
    for address in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        // IPv4 carried in IPv6: compatible, NAT64, 6to4, Teredo.
        "::127.0.0.1",
        "::10.0.0.1",
        "64:ff9b::10.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b:1::1",
        "2002:0a00:0001::1",
        "2002:7f00:0001::1",
        "2001:0:4136:e378:8000:63bf:f5ff:fffe", // Teredo for 10.0.0.1
        "fec0::1",
        "2001:db8::1",
        "100::1",
        // Reserved IPv4: benchmarking, the future-use block, IETF assignments.
        "198.18.0.1",
        "198.19.255.255",
        "240.0.0.1",
        "255.255.255.254",
        "192.0.0.8",
    ] {
        assert!(!public(address), "{address}");
    }
    for address in [
        "64:ff9b::5db8:d822", // NAT64 of 93.184.216.34
        "2002:5db8:d822::1",  // 6to4 of 93.184.216.34
        "198.20.0.1",
        "239.0.0.1",
    ] {
        assert_eq!(public(address), !address.starts_with("239."), "{address}");
    }
}

proptest::proptest! {
    /// Whatever IPv4 address an IPv6 form carries, the verdict is that address's verdict.
    #[test]
    fn an_ipv4_address_in_ipv6_clothing_is_judged_as_itself(a: u8, b: u8, c: u8, d: u8) {
        let v4 = std::net::Ipv4Addr::new(a, b, c, d);
        let verdict = is_public(IpAddr::V4(v4));
        let forms = [
            v4.to_ipv6_mapped(),
            std::net::Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d])),
            std::net::Ipv6Addr::new(0x2002, u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d]), 0, 0, 0, 0, 1),
        ];
        for form in forms {
            proptest::prop_assert_eq!(is_public(IpAddr::V6(form)), verdict, "{}", form);
        }
    }
}

/// With `HTTP_PROXY` set (common on corporate and cluster hosts), a feed at `localhost` is still
/// refused by the address guard, and the proxy, which would resolve the name itself, is never
/// asked. The check runs in a child process of this test binary: the only safe way to give a
/// client an environment of its own.
#[test]
fn a_proxy_from_the_environment_is_never_asked() {
    const CHILD: &str = "CONVENE_TEST_PROXY_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let guarded = client(false);
            let refused = guarded
                .fetch(&url("http://localhost:9/feed.ics"), &Validators::default())
                .await;
            assert_eq!(
                refused,
                Err(FetchError::PrivateAddress {
                    host: "localhost".into()
                })
            );
        });
        return;
    }
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    proxy.set_nonblocking(true).unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "ical::fetch::tests::a_proxy_from_the_environment_is_never_asked",
            "--quiet",
        ])
        .env(CHILD, "1")
        .env("HTTP_PROXY", &proxy_url)
        .env("http_proxy", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .status()
        .unwrap();
    assert!(status.success(), "the child's checks failed");
    assert!(
        matches!(proxy.accept(), Err(err) if err.kind() == std::io::ErrorKind::WouldBlock),
        "the proxy was asked"
    );
}
