//! Fetching a feed safely. The URL comes from an organization admin, so the server must not
//! become their way into our own network (server-side request forgery): only `http`/`https`,
//! only public addresses (checked on every connection, redirects included, after DNS), a size
//! cap, timeouts and a bounded number of redirects. Conditional GET makes an unchanged feed
//! one cheap request.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use url::Url;

/// Feeds larger than this are refused (a busy lu.ma calendar's is about 100 kB).
pub const DEFAULT_MAX_BYTES: usize = 5 * 1024 * 1024;
const MAX_REDIRECTS: usize = 5;
/// `ETag` and `Last-Modified` values kept for the next conditional GET.
const MAX_VALIDATOR_BYTES: usize = 256;

#[derive(Debug, Clone, Copy)]
pub struct FeedClientConfig {
    /// `CONVENE_ALLOW_PRIVATE_FEEDS=1`: let feeds live on loopback and private addresses
    /// (tests, the demo, a calendar server on the same network).
    pub allow_private: bool,
    pub max_bytes: usize,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
}

impl Default for FeedClientConfig {
    fn default() -> Self {
        Self {
            allow_private: false,
            max_bytes: DEFAULT_MAX_BYTES,
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
        }
    }
}

/// What the last answer said about its version, sent back to get "304 Not Modified".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The feed has not changed since the validators were given.
    Unchanged,
    Feed {
        text: String,
        validators: Validators,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("only http:// and https:// feeds can be read")]
    Scheme,
    #[error("{host} is a private or local address; feeds must be on the public internet")]
    PrivateAddress { host: String },
    #[error("the feed is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the feed answered HTTP {0}")]
    Status(u16),
    #[error("the feed is not UTF-8 text")]
    NotText,
    #[error("the feed could not be fetched: {0}")]
    Unreachable(String),
}

#[derive(Clone)]
pub struct FeedClient {
    http: reqwest::Client,
    config: FeedClientConfig,
}

impl FeedClient {
    pub fn new(config: FeedClientConfig) -> Result<Self, FetchError> {
        let allow_private = config.allow_private;
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            let url = attempt.url();
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if !matches!(url.scheme(), "http" | "https") {
                attempt.error("a redirect to an address that is not http or https")
            } else if !allow_private && url_names_private_ip(url) {
                attempt.error("a redirect to a private or local address")
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .redirect(redirects)
            // A proxy from the environment would resolve names itself, out of the address
            // guard's sight: feeds are fetched directly.
            .no_proxy()
            .dns_resolver(Arc::new(PublicOnly { allow_private }))
            .user_agent(concat!(
                "Convene/",
                env!("CARGO_PKG_VERSION"),
                " (iCal import)"
            ))
            .build()
            .map_err(|err| FetchError::Unreachable(err.to_string()))?;
        Ok(Self { http, config })
    }

    /// Checks what can be checked without the network: the scheme and a literal address.
    pub fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme);
        }
        if !self.config.allow_private && url_names_private_ip(url) {
            return Err(FetchError::PrivateAddress {
                host: url.host_str().unwrap_or_default().to_owned(),
            });
        }
        Ok(())
    }

    pub async fn fetch(&self, url: &Url, known: &Validators) -> Result<Fetched, FetchError> {
        self.check_url(url)?;
        let mut request = self.http.get(url.clone());
        if let Some(etag) = &known.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &known.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        let response = request.send().await.map_err(|err| describe(&err, url))?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::Unchanged);
        }
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status().as_u16()));
        }
        let limit = self.config.max_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(FetchError::TooLarge { limit });
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value: &reqwest::header::HeaderValue| value.to_str().ok())
                // Stored and sent back: a validator longer than any real one is ignored.
                .filter(|value| value.len() <= MAX_VALIDATOR_BYTES)
                .map(str::to_owned)
        };
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let body = crate::rules::bounds::read_body_capped(response, limit)
            .await
            .map_err(|err| describe(&err, url))?
            .ok_or(FetchError::TooLarge { limit })?;
        let text = String::from_utf8(body).map_err(|_| FetchError::NotText)?;
        Ok(Fetched::Feed { text, validators })
    }
}

/// A failed request as the admin should read it; refusals by the address guard are named.
fn describe(err: &reqwest::Error, url: &Url) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<PrivateHost>() {
            return FetchError::PrivateAddress {
                host: refused.0.clone(),
            };
        }
        source = cause.source();
    }
    let shown = shown_address(url);
    if err.is_timeout() {
        return FetchError::Unreachable(format!("{shown} did not answer in time"));
    }
    // reqwest's message names the URL, which may carry the feed's private token: only its
    // host stays. The chain says why.
    let mut message = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    FetchError::Unreachable(message.replace(url.as_str(), &shown))
}

/// What pages, logs and messages show of a feed's address: its scheme and host, then "…"
/// (`https://calendar.google.com/…`). The rest often holds a private token.
pub fn shown_address(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}/…", url.scheme()),
        None => format!("{}://{host}/…", url.scheme()),
    }
}

/// A host whose every address is private or local.
#[derive(Debug, thiserror::Error)]
#[error("{0} resolves only to private or local addresses")]
struct PrivateHost(String);

/// Resolves names like the system does, then keeps only public addresses, so a name that
/// points inside our network (or is changed to, between check and connect) cannot be reached.
struct PublicOnly {
    allow_private: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| allow_private || is_public(address.ip()))
                .collect();
            if found.is_empty() {
                return Err(Box::new(PrivateHost(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

fn url_names_private_ip(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) | None => false,
    }
}

/// An address on the public internet: not loopback, private, link-local, shared (carrier
/// NAT), documentation, benchmarking, reserved, multicast or unspecified. An IPv6 address that
/// carries an IPv4 one (mapped, compatible, NAT64, 6to4, Teredo) is judged as that IPv4 address:
/// `[64:ff9b::a00:1]` reaches 10.0.0.1 through a NAT64 gateway.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if v6.is_loopback() || v6.is_unspecified() || v6.is_multicast() {
                return false;
            }
            if let Some(v4) = embedded_ipv4(v6) {
                return is_public_v4(v4);
            }
            let [first, second, ..] = v6.segments();
            !((first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (first == 0x2001 && second == 0x0db8) // documentation
                || (first == 0x0100 && v6.segments()[1..4] == [0, 0, 0]) // discard
                || (first == 0x0064 && second == 0xff9b)) // local-use NAT64 (64:ff9b:1::/48)
        }
    }
}

fn is_public_v4(v4: std::net::Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_documentation()
        || v4.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

/// The IPv4 address an IPv6 one carries, where routing would reach it: IPv4-mapped
/// (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`), 6to4
/// (`2002:AABB:CCDD::/48`) and Teredo (`2001:0::/32`, the client's address inverted).
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    let octets = v6.octets();
    let segments = v6.segments();
    let last_four = || std::net::Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    if segments[..6] == [0, 0, 0, 0, 0, 0] {
        return Some(last_four());
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(last_four());
    }
    if segments[0] == 0x2002 {
        return Some(std::net::Ipv4Addr::new(
            octets[2], octets[3], octets[4], octets[5],
        ));
    }
    if segments[0] == 0x2001 && segments[1] == 0 {
        return Some(std::net::Ipv4Addr::new(
            !octets[12],
            !octets[13],
            !octets[14],
            !octets[15],
        ));
    }
    None
}

#[cfg(test)]
mod tests;
