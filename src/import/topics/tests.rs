use proptest::prelude::*;

use super::*;

#[test]
fn a_shared_topic_is_named_as_most_of_its_events_name_it() {
    let rows = vec![
        ("rust".to_owned(), "rust".to_owned(), 1),
        ("rust".to_owned(), "Rust".to_owned(), 3),
        ("ai".to_owned(), "AI".to_owned(), 2),
        ("ai".to_owned(), "A.I.".to_owned(), 2),
    ];
    let named: Vec<(String, String, i64)> = named_by_most(rows)
        .into_iter()
        .map(|(topic, events)| (topic.slug, topic.name, events))
        .collect();
    assert_eq!(
        named,
        [
            ("ai".to_owned(), "A.I.".to_owned(), 4),
            ("rust".to_owned(), "Rust".to_owned(), 4)
        ],
        "the most used name; of equals, the first alphabetically"
    );
}

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
fn rules_rename_merge_and_hide() {
    let rules = HashMap::from([
        (
            "webdev".to_owned(),
            Rule {
                name: Some("Web Dev".into()),
                hidden: false,
            },
        ),
        (
            "off-topic".to_owned(),
            Rule {
                name: None,
                hidden: true,
            },
        ),
    ]);
    let topics = apply(
        of_tags(r#"["WebDev", "Web Dev", "Off topic", "Rust"]"#),
        &rules,
    );
    assert_eq!(
        topics,
        [
            Topic {
                slug: "web-dev".into(),
                name: "Web Dev".into()
            },
            Topic {
                slug: "rust".into(),
                name: "Rust".into()
            },
        ]
    );
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
