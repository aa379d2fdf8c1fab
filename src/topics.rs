//! Topics: what events are about, from lu.ma's event tags (and a feed's `CATEGORIES`). A topic
//! is known by its slug, the tag's words in lower case joined by hyphens ("Rust & WebAssembly"
//! is `rust-webassembly`), so "AI", "ai" and " A.I. " meet where they should and a topic fits
//! in an address.

use convene_types::InputField;

use crate::Error;
use crate::bounds;

/// A topic slug is at most this long (a tag is at most [`bounds::TAG_MAX_CHARS`]).
pub const SLUG_MAX_CHARS: usize = 60;

/// A topic: its slug and the name people read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Topic {
    pub slug: String,
    pub name: String,
}

/// The slug of a tag's name: its letters and digits in lower case, each run of anything else
/// one hyphen, none at the ends. `None` when nothing is left ("!!!").
pub fn slug(name: &str) -> Option<String> {
    let mut slug = String::new();
    let mut length = 0;
    let mut pending_hyphen = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            let hyphen = pending_hyphen && length > 0;
            let needed = 1 + usize::from(hyphen);
            if length + needed > SLUG_MAX_CHARS {
                break;
            }
            if hyphen {
                slug.push('-');
            }
            slug.push(c);
            length += needed;
            pending_hyphen = false;
        } else if c != '.' && c != '\'' {
            // "A.I." and "Women's" keep their words together.
            pending_hyphen = true;
        }
    }
    (!slug.is_empty()).then_some(slug)
}

/// A topic named by a query string or form: a slug as [`slug`] writes them, or a name that
/// becomes one. Empty means "no topic".
pub fn parse_param(text: &str) -> Result<Option<String>, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > bounds::TAG_MAX_CHARS * 2 {
        return Err(Error::invalid(
            InputField::Topic,
            format!(
                "a topic is at most {SLUG_MAX_CHARS} characters, like \"rust\" or \"web-assembly\""
            ),
        ));
    }
    match slug(text) {
        Some(slug) => Ok(Some(slug)),
        None => Err(Error::invalid(
            InputField::Topic,
            "a topic needs letters or digits, like \"rust\" or \"web-assembly\"",
        )),
    }
}

/// The topics of an event's stored tags (a JSON array of names, see `bounds::tags`), once
/// each. Stored tags that do not read as a list give none.
pub fn of_tags(stored: &str) -> Vec<Topic> {
    let names: Vec<String> = serde_json::from_str(stored).unwrap_or_default();
    let mut topics: Vec<Topic> = Vec::new();
    for name in names.into_iter().take(bounds::TAGS_MAX) {
        let name = bounds::one_line(&name, bounds::TAG_MAX_CHARS);
        if let Some(slug) = slug(&name)
            && !topics.iter().any(|topic| topic.slug == slug)
        {
            topics.push(Topic { slug, name });
        }
    }
    topics
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn tags_meet_at_their_slug() {
        assert_eq!(
            slug("Rust & WebAssembly").as_deref(),
            Some("rust-webassembly")
        );
        assert_eq!(slug(" A.I. ").as_deref(), Some("ai"));
        assert_eq!(slug("AI").as_deref(), Some("ai"));
        assert_eq!(slug("Women's meetup").as_deref(), Some("womens-meetup"));
        assert_eq!(slug("Café Öl").as_deref(), Some("café-öl"));
        assert_eq!(slug("!!!"), None);
        assert_eq!(
            of_tags(r#"["Rust", "rust", "Web Dev", "???"]"#),
            [
                Topic {
                    slug: "rust".into(),
                    name: "Rust".into()
                },
                Topic {
                    slug: "web-dev".into(),
                    name: "Web Dev".into()
                },
            ]
        );
        assert!(of_tags("not json").is_empty());
    }

    #[test]
    fn a_topic_in_a_query_is_a_slug_or_refused_in_words() {
        assert_eq!(parse_param("").unwrap(), None);
        assert_eq!(parse_param("Web Dev").unwrap().as_deref(), Some("web-dev"));
        let refused = parse_param("%%%").unwrap_err().to_string();
        assert!(refused.contains("letters or digits"), "{refused}");
        assert!(parse_param(&"a".repeat(500)).is_err());
    }

    proptest! {
        #[test]
        fn generated_tags_give_bounded_slugs_of_letters_digits_and_single_hyphens(name in "\\PC{0,200}") {
            if let Some(slug) = slug(&name) {
                prop_assert!(slug.chars().count() <= SLUG_MAX_CHARS);
                prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
                prop_assert!(slug.chars().all(|c| c == '-' || c.is_alphanumeric()));
                prop_assert_eq!(super::slug(&slug), Some(slug.clone()), "a slug is its own slug");
            }
        }
    }
}
