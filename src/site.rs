//! The address people reach Convene at (`CONVENE_PUBLIC_URL`): every absolute link in a page's
//! preview, a feed, the sitemap, the widget or a message starts with it.

use std::fmt;

use url::Url;

use crate::Error;

/// The public address, normalised: http(s), a host, a path ending in `/`, nothing after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(Url);

impl PublicUrl {
    /// An `http`/`https` base address; a path of its own (`/convene`) is kept.
    pub fn new(mut url: Url) -> Result<Self, Error> {
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Error::Internal(format!(
                "the public address must be http(s)://host…, not {url}"
            )));
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url.set_query(None);
        url.set_fragment(None);
        Ok(Self(url))
    }

    /// The absolute link to `path_and_query` (which starts with `/`).
    pub fn link(&self, path_and_query: &str) -> String {
        let base = self.0.as_str().trim_end_matches('/');
        format!("{base}{path_and_query}")
    }

    /// Whether people reach the site over https (cookies it sets are then `Secure`).
    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or("localhost")
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_join_the_base_and_keep_its_path() {
        let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
        assert_eq!(
            site.link("/login/reset?token=ab"),
            "https://events.example.org/login/reset?token=ab"
        );
        let under = PublicUrl::new("https://example.org/convene?x=1".parse().unwrap()).unwrap();
        assert_eq!(
            under.link("/account"),
            "https://example.org/convene/account"
        );
        assert!(PublicUrl::new("ftp://example.org".parse().unwrap()).is_err());
    }
}
