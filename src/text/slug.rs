//! URL slugs for organizations: `[a-z0-9-]{2,64}`, parsed once and trusted afterwards.

use std::fmt;

use crate::Error;
use convene_types::InputField;

/// A valid slug. The only way to get one is [`Slug::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub const MIN_LEN: usize = 2;
    pub const MAX_LEN: usize = 64;

    /// Trims the input and checks it; `field` names the input in the error.
    pub fn parse(field: InputField, input: &str) -> Result<Self, Error> {
        let slug = input.trim();
        if slug.len() < Self::MIN_LEN || slug.len() > Self::MAX_LEN {
            return Err(Error::invalid(
                field,
                format!(
                    "must be {} to {} characters long",
                    Self::MIN_LEN,
                    Self::MAX_LEN
                ),
            ));
        }
        if let Some(bad) = slug
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(Error::invalid(
                field,
                format!("may use only a-z, 0-9 and '-', not {bad:?}"),
            ));
        }
        Ok(Self(slug.to_owned()))
    }

    /// A slug made from any text (a lu.ma calendar's slug or name): lowercase ASCII letters and
    /// digits kept, every other run of characters one `-`, cut to [`Self::MAX_LEN`]; `None`
    /// when fewer than [`Self::MIN_LEN`] characters are left.
    pub fn from_text(text: &str) -> Option<Self> {
        let mut slug = String::new();
        for c in text.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
            if slug.len() >= Self::MAX_LEN {
                break;
            }
        }
        let slug = slug.trim_matches('-');
        (slug.len() >= Self::MIN_LEN).then(|| Self(slug.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_text_gives_a_valid_slug_or_none() {
        let made = |text: &str| Slug::from_text(text).map(|slug| slug.0);
        assert_eq!(made("Rust Berlin"), Some("rust-berlin".into()));
        assert_eq!(made("  --Café & Code!! "), Some("caf-code".into()));
        assert_eq!(made("x"), None);
        assert_eq!(made("日本"), None);
        let long = made(&"ab ".repeat(100)).unwrap();
        assert!(long.len() <= Slug::MAX_LEN && !long.ends_with('-'));
        assert!(Slug::parse(InputField::Slug, &long).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn made_slugs_always_parse(text in "\\PC{0,200}") {
            if let Some(slug) = Slug::from_text(&text) {
                proptest::prop_assert!(Slug::parse(InputField::Slug, slug.as_str()).is_ok());
            }
        }
    }

    #[test]
    fn accepts_lowercase_digits_and_dashes() {
        assert_eq!(
            Slug::parse(InputField::Slug, " rust-berlin-2 ")
                .unwrap()
                .as_str(),
            "rust-berlin-2"
        );
    }

    #[test]
    fn rejects_uppercase_spaces_and_unicode() {
        for bad in ["Rust", "rust berlin", "café", "a_b"] {
            let err = Slug::parse(InputField::Slug, bad).unwrap_err().to_string();
            assert!(err.starts_with("slug: may use only"), "{bad}: {err}");
        }
    }

    #[test]
    fn rejects_too_short_and_too_long() {
        assert!(Slug::parse(InputField::Slug, "a").is_err());
        assert!(Slug::parse(InputField::Slug, &"a".repeat(65)).is_err());
        assert!(Slug::parse(InputField::Slug, &"a".repeat(64)).is_ok());
    }
}
