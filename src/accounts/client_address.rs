//! Who the client is, for throttling. Behind a reverse proxy (how TLS is normally terminated)
//! every request comes from the proxy, so the client is read from `X-Forwarded-For`: but only
//! when the peer is a proxy the operator named (`CONVENE_TRUSTED_PROXIES`), and only as far as
//! the chain passes through such proxies. Anyone else can write that header.

use std::net::IpAddr;

use crate::Error;
use convene_types::InputField;

/// `X-Forwarded-For` entries read at most (a real chain has one to three).
const MAX_FORWARDED_HOPS: usize = 20;
/// Trusted proxy entries a setting may list.
const MAX_TRUSTED_ENTRIES: usize = 100;

/// The proxies whose `X-Forwarded-For` is believed: addresses and networks (`10.0.0.0/8`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl TrustedProxies {
    /// `127.0.0.1, 10.0.0.0/8, ::1`: addresses or networks, separated by commas; empty for none.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let entries: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .collect();
        if entries.len() > MAX_TRUSTED_ENTRIES {
            return Err(Error::invalid(
                InputField::TrustedProxies,
                format!(
                    "lists {} entries; at most {MAX_TRUSTED_ENTRIES}",
                    entries.len()
                ),
            ));
        }
        let mut networks = Vec::with_capacity(entries.len());
        for entry in entries {
            let bad = || {
                Error::invalid(
                    InputField::TrustedProxies,
                    format!(
                        "{:?} is not an address or a network like 10.0.0.0/8",
                        crate::rules::bounds::one_line(entry, 60)
                    ),
                )
            };
            let (address, prefix) = match entry.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (entry, None),
            };
            let address: IpAddr = address.parse().map_err(|_| bad())?;
            let longest = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(prefix) => prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= longest)
                    .ok_or_else(bad)?,
                None => longest,
            };
            networks.push(Network { address, prefix });
        }
        Ok(Self(networks))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(ip))
    }

    /// The client of a request from `peer` carrying the `X-Forwarded-For` header `lines` (in
    /// the order they came: a proxy may add a line of its own instead of appending to the last
    /// one): the peer itself unless it is a trusted proxy; then the nearest address in the chain
    /// that is not one, reading every line from the right, as each proxy adds the address it
    /// saw last. An unreadable entry ends the walk at the last trusted hop.
    pub fn client(&self, peer: IpAddr, lines: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = lines.iter().rev().flat_map(|line| line.rsplit(','));
        for hop in hops.take(MAX_FORWARDED_HOPS) {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peer_may_name_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        let chain: &[&str] = &["203.0.113.7, 198.51.100.2"];
        assert_eq!(
            proxies.client(ip("198.51.100.9"), chain),
            ip("198.51.100.9"),
            "not a proxy"
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), chain),
            ip("198.51.100.2"),
            "the nearest hop"
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["203.0.113.7, 10.9.9.9"]),
            ip("203.0.113.7"),
            "through two proxies"
        );
        assert_eq!(proxies.client(ip("::1"), &[]), ip("::1"));
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["junk, 10.2.2.2"]),
            ip("10.2.2.2")
        );
        // A proxy that adds a line of its own (HAProxy): the client's line comes first, and the
        // address the client wrote there is not believed past the proxy's own line.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["6.6.6.6", "203.0.113.9"]),
            ip("203.0.113.9"),
            "the proxy's own line, not the first line"
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["6.6.6.6", "203.0.113.9, 10.0.0.5"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["6.6.6.6", "10.0.0.5"]),
            ip("6.6.6.6"),
            "past the trusted hops, across lines"
        );
        assert_eq!(
            TrustedProxies::default().client(ip("10.1.2.3"), chain),
            ip("10.1.2.3")
        );
    }

    #[test]
    fn settings_are_checked() {
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("127.0.0.1").is_ok());
        for bad in ["10.0.0.0/33", "example.org", "::1/129", "1.2.3.4/x"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_header_gives_an_address_from_the_peer_or_the_header(
            lines in proptest::collection::vec(".{0,200}", 0..4),
            trusted in any::<bool>(),
        ) {
            let proxies = TrustedProxies::parse(if trusted { "0.0.0.0/0" } else { "" }).unwrap();
            let peer = ip("192.0.2.1");
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let client = proxies.client(peer, &lines);
            prop_assert!(
                client == peer
                    || lines.iter().flat_map(|line| line.split(','))
                        .any(|hop| hop.trim().parse::<IpAddr>().ok() == Some(client))
            );
        }
    }
}
