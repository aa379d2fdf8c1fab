//! Which language a request is answered in: the account's choice, then the `lang` cookie (the
//! footer's picker sets it), then the browser's `Accept-Language`, then English. Header and
//! cookie are outside input: read within a bound, and anything not understood is passed over.

use super::Locale;

/// The cookie the language picker sets: a locale's tag.
pub const COOKIE: &str = "lang";

/// `Accept-Language` is read up to this many bytes and entries; the rest is ignored (browsers
/// send a handful).
const HEADER_MAX_BYTES: usize = 1_024;
const RANGES_MAX: usize = 32;

/// The language to answer in.
pub fn choose(
    account: Option<Locale>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
) -> Locale {
    account
        .or_else(|| cookie.and_then(from_tag))
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or_default()
}

/// A locale from a language tag: `de`, `de-AT`, `pt_BR`, `AR` (its primary language decides).
pub fn from_tag(tag: &str) -> Option<Locale> {
    let primary = tag.trim().split(['-', '_']).next()?;
    Locale::ALL
        .iter()
        .copied()
        .find(|locale| locale.as_str().eq_ignore_ascii_case(primary))
}

/// The most wanted language Convene speaks, from an `Accept-Language` header
/// (`fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5`). Ranges with `q=0` are refused, `*` chooses nothing,
/// a malformed `q` counts as 0; equal weights keep the header's order.
pub fn from_accept_language(header: &str) -> Option<Locale> {
    let header = truncate(header, HEADER_MAX_BYTES);
    let mut best: Option<(u16, Locale)> = None;
    for range in header.split(',').take(RANGES_MAX) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default();
        let weight = parts
            .find_map(|parameter| parameter.trim().strip_prefix("q="))
            .map_or(Some(1_000), quality)
            .unwrap_or(0);
        let Some(locale) = from_tag(tag) else {
            continue;
        };
        if weight > 0 && best.is_none_or(|(best_weight, _)| weight > best_weight) {
            best = Some((weight, locale));
        }
    }
    best.map(|(_, locale)| locale)
}

/// A `q` value in thousandths: `1`, `0.8`, `0.125` (RFC 9110: at most three decimals, 0 to 1).
fn quality(text: &str) -> Option<u16> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0_u16, |sum, digit| sum * 10 + u16::from(digit - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1_000),
        _ => None,
    }
}

/// The longest start of `text` within `max` bytes that ends on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_account_wins_then_the_cookie_then_the_browser() {
        let header = Some("fr-CH, fr;q=0.9");
        assert_eq!(
            choose(Some(Locale::German), Some("ar"), header),
            Locale::German
        );
        assert_eq!(choose(None, Some("ar"), header), Locale::Arabic);
        assert_eq!(choose(None, Some("klingon"), header), Locale::French);
        assert_eq!(choose(None, None, header), Locale::French);
        assert_eq!(choose(None, None, Some("ja, zh;q=0.5")), Locale::English);
        assert_eq!(choose(None, None, None), Locale::English);
    }

    #[test]
    fn the_heaviest_known_range_wins_and_ties_keep_their_order() {
        assert_eq!(
            from_accept_language("ja, de;q=0.5, es;q=0.7"),
            Some(Locale::Spanish)
        );
        assert_eq!(from_accept_language("pt-BR, de"), Some(Locale::Portuguese));
        assert_eq!(
            from_accept_language("de;q=0, fr;q=0.1"),
            Some(Locale::French)
        );
        assert_eq!(from_accept_language("*;q=0.5"), None);
        assert_eq!(
            from_accept_language("de;q=2, ar;q=0.3"),
            Some(Locale::Arabic)
        );
        assert_eq!(from_accept_language("de;q=0.0001"), None);
        assert_eq!(from_accept_language("EN-gb;q=1.000"), Some(Locale::English));
    }

    #[test]
    fn quality_values_follow_the_grammar() {
        assert_eq!(quality("1"), Some(1_000));
        assert_eq!(quality("1.0"), Some(1_000));
        assert_eq!(quality("0.125"), Some(125));
        assert_eq!(quality("0.8"), Some(800));
        assert_eq!(quality("1.5"), None);
        assert_eq!(quality("-0.5"), None);
        assert_eq!(quality("0.x"), None);
        assert_eq!(quality(""), None);
    }

    proptest! {
        // Any header, however long or strange, gives an answer without panicking, and only a
        // tag the header names can be that answer.
        #[test]
        fn any_header_is_read_safely(header in "\\PC{0,2000}") {
            if let Some(locale) = from_accept_language(&header) {
                prop_assert!(header.to_ascii_lowercase().contains(locale.as_str()));
            }
        }

        #[test]
        fn a_known_range_with_weight_is_found(
            junk in "[a-z]{2,8}(;q=0\\.[0-9]{1,3})?",
            index in 0_usize..6,
        ) {
            let locale = Locale::ALL[index];
            let header = format!("{junk}, {};q=0.001", locale.as_str());
            let found = from_accept_language(&header);
            prop_assert!(found.is_some());
        }
    }
}
