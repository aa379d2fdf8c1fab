//! A page's query string, read as browsers write it: the server reads its requests' through the
//! router; an island, which has no router, reads the address bar's with [`QueryString::parse`]
//! (a few lines instead of the router's URL parsing in the wasm bundle).

use serde::{Deserialize, Serialize};

/// A query string's pairs, in order. An address can be long; only the first
/// [`QueryString::MAX_PAIRS`] pairs count (each reader bounds its values itself).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryString(Vec<(String, String)>);

impl QueryString {
    pub const MAX_PAIRS: usize = 64;

    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(pairs.into_iter().take(Self::MAX_PAIRS).collect())
    }

    /// `?a=b&c=d` (or without the `?`), decoded as a browser decodes a form's query: `+` is a
    /// space, `%XX` a byte; a malformed escape stays as written and bytes that are not UTF-8
    /// become U+FFFD.
    pub fn parse(search: &str) -> Self {
        let search = search.strip_prefix('?').unwrap_or(search);
        Self::new(
            search
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| match pair.split_once('=') {
                    Some((key, value)) => (decode(key), decode(value)),
                    None => (decode(pair), String::new()),
                }),
        )
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value of `key`, if the query has one.
    pub fn find(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `key`, or "".
    pub fn get(&self, key: &str) -> &str {
        self.find(key).unwrap_or_default()
    }

    /// Every value of `key`, in order.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// This query with `key` set to `value` alone, at the end.
    pub fn with(&self, key: &str, value: &str) -> Self {
        let mut pairs = self.without(&[key]).0;
        pairs.push((key.to_owned(), value.to_owned()));
        Self::new(pairs)
    }

    pub fn without(&self, keys: &[&str]) -> Self {
        Self::new(
            self.0
                .iter()
                .filter(|(key, _)| !keys.contains(&key.as_str()))
                .cloned(),
        )
    }

    /// Without the empty fields a form sends (`q=&from=`): the same question, a shorter link.
    pub fn without_empty(&self) -> Self {
        Self::new(
            self.0
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .cloned(),
        )
    }

    /// `a=b&c=d`, encoded as a form encodes it.
    pub fn search(&self) -> String {
        let encoded: Vec<String> = self
            .0
            .iter()
            .map(|(key, value)| format!("{}={}", urlencode(key), urlencode(value)))
            .collect();
        encoded.join("&")
    }

    /// `path?a=b`, or `path` alone when the query is empty.
    pub fn link(&self, path: &str) -> String {
        if self.0.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", self.search())
        }
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = (b == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (b, escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (other, None) => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::QueryString;

    fn pairs(query: &QueryString) -> Vec<(&str, &str)> {
        query
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn a_form_query_decodes_as_a_browser_decodes_it() {
        let query = QueryString::parse("?q=caf%C3%A9+night&org=a&org=b&to=");
        assert_eq!(
            pairs(&query),
            [("q", "café night"), ("org", "a"), ("org", "b"), ("to", "")]
        );
        assert_eq!(query.get("org"), "a");
        assert_eq!(query.all("org").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(query.find("to"), Some(""));
        assert_eq!(query.find("missing"), None);
        assert_eq!(query.get("missing"), "");
    }

    #[test]
    fn links_keep_the_other_pairs_and_drop_what_a_form_left_empty() {
        let query = QueryString::parse("q=&org=a&layout=org&org=b&range=week");
        assert_eq!(
            query
                .with("layout", "day")
                .without_empty()
                .link("/dashboard"),
            "/dashboard?org=a&org=b&range=week&layout=day"
        );
        assert_eq!(
            query.without(&["org", "q"]).search(),
            "layout=org&range=week"
        );
        assert_eq!(QueryString::default().link("/dashboard"), "/dashboard");
    }

    #[test]
    fn malformed_escapes_stay_as_written_and_bad_bytes_are_replaced() {
        let query = QueryString::parse("q=100%&r=%zz%4&s=%FF%41&=x&flag");
        assert_eq!(
            pairs(&query),
            [
                ("q", "100%"),
                ("r", "%zz%4"),
                ("s", "\u{FFFD}A"),
                ("", "x"),
                ("flag", "")
            ]
        );
    }

    #[test]
    fn a_long_address_counts_only_its_first_pairs() {
        let search = "org=x&".repeat(10_000);
        assert_eq!(QueryString::parse(&search).0.len(), QueryString::MAX_PAIRS);
    }

    proptest! {
        #[test]
        fn generated_queries_survive_a_round_trip(
            raw in proptest::collection::vec(("\\PC{0,12}", "\\PC{0,20}"), 0..12),
        ) {
            let query = QueryString::new(raw);
            prop_assert_eq!(QueryString::parse(&query.search()), query);
        }

        #[test]
        fn any_address_parses(search in "\\PC{0,200}") {
            prop_assert!(QueryString::parse(&search).0.len() <= QueryString::MAX_PAIRS);
        }
    }
}
