//! The directory filter's rules, kept pure so they are tested without a browser.

use super::OrganizationSummary;

/// Case-insensitive match of every word of `filter` against the name or description.
pub fn matches_filter(org: &OrganizationSummary, filter: &str) -> bool {
    let haystack = format!("{} {}", org.name, org.description).to_lowercase();
    filter
        .to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

/// The line above the list, for example "Showing 1 of 4 organizations matching “berlin”", in
/// the page's language.
pub fn describe_count(shown: usize, total: usize, filter: &str) -> String {
    use crate::i18n::{Arg, t_with};
    let filter = filter.trim();
    match (filter.is_empty(), shown) {
        (true, _) => t_with("directory-count", &[("count", Arg::from(total))]),
        (false, 0) => t_with("directory-none-match", &[("filter", Arg::from(filter))]),
        (false, _) => t_with(
            "directory-showing",
            &[
                ("shown", Arg::from(shown)),
                ("count", Arg::from(total)),
                ("filter", Arg::from(filter)),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(name: &str, description: &str) -> OrganizationSummary {
        OrganizationSummary {
            slug: "x".into(),
            name: name.into(),
            description: description.into(),
            member_count: 0,
            shows_events: false,
        }
    }

    #[test]
    fn empty_filter_matches_everything() {
        assert!(matches_filter(&org("Rust Berlin", ""), ""));
        assert!(matches_filter(&org("Rust Berlin", ""), "   "));
    }

    #[test]
    fn matches_every_word_case_insensitively_in_name_or_description() {
        let berlin = org("Rust Berlin", "Monthly hack nights");
        assert!(matches_filter(&berlin, "BERLIN"));
        assert!(matches_filter(&berlin, "hack berlin"));
        assert!(!matches_filter(&berlin, "hack london"));
    }

    #[test]
    fn count_line_reads_naturally() {
        assert_eq!(describe_count(4, 4, ""), "4 organizations");
        assert_eq!(describe_count(1, 1, ""), "1 organization");
        assert_eq!(
            describe_count(1, 4, "berlin"),
            "Showing 1 of 4 organizations matching “berlin”"
        );
        assert_eq!(describe_count(0, 4, "x"), "No organizations match “x”");
    }
}
