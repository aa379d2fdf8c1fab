//! Every language has every message, every message is used, and every id the code asks for
//! exists.

use std::collections::BTreeSet;
use std::path::Path;

use super::*;

/// Every message id of `locale`'s file.
fn ids(locale: Locale) -> Vec<String> {
    SOURCES
        .iter()
        .find(|(of, _)| *of == locale)
        .map(|(_, source)| message_ids(source))
        .unwrap_or_default()
}

fn message_ids(source: &str) -> Vec<String> {
    let resource = match FluentResource::try_new(source.to_owned()) {
        Ok(resource) | Err((resource, _)) => resource,
    };
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

fn ids_of(locale: Locale) -> BTreeSet<String> {
    ids(locale).into_iter().collect()
}

#[test]
fn every_file_parses_whole() {
    for (locale, source) in SOURCES {
        if let Err((_, errors)) = FluentResource::try_new(source.to_owned()) {
            panic!("locales/{locale}/convene.ftl does not parse: {errors:?}");
        }
        let ids = ids(locale);
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{locale} repeats an id");
    }
    assert_eq!(
        SOURCES.map(|(locale, _)| locale).to_vec(),
        Locale::ALL.to_vec(),
        "one file per locale"
    );
}

#[test]
fn every_language_has_every_message_and_no_other() {
    let english = ids_of(Locale::English);
    for locale in Locale::ALL.iter().copied() {
        let theirs = ids_of(locale);
        let missing: Vec<_> = english.difference(&theirs).collect();
        let extra: Vec<_> = theirs.difference(&english).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "locales/{locale}/convene.ftl: missing {missing:?}, not in English {extra:?}"
        );
    }
}

/// Every `.rs` file of the core and the UI, as text.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut folders = vec![
        root.join("src"),
        root.join("app/src"),
        root.join("server/src"),
    ];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path.display().to_string(), text));
            }
        }
    }
    files
}

/// The message ids a source asks for: the first string of each `text(…)`, `text_with(…)`,
/// `t(…)` or `t_with(…)` call, and every `"…"` literal passed as an id through a match.
fn quoted_ids(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let literal = &after[..end];
        if is_id_like(literal) {
            found.insert(literal.to_owned());
        }
        rest = &after[end + 1..];
    }
    found
}

/// Ids are lowercase words joined by hyphens, starting with a room's prefix (`time-`, `nav-`…).
fn is_id_like(text: &str) -> bool {
    text.contains('-')
        && text
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

#[test]
fn every_message_is_used_somewhere() {
    let used: BTreeSet<String> = sources()
        .iter()
        .flat_map(|(_, text)| quoted_ids(text))
        .collect();
    let unused: Vec<_> = ids_of(Locale::English)
        .into_iter()
        .filter(|id| !used.contains(id))
        .collect();
    assert!(unused.is_empty(), "messages no code uses: {unused:?}");
}

#[test]
fn every_id_the_code_asks_for_exists() {
    let known = ids_of(Locale::English);
    // The UI's `t("id")` and `t_with("id", …)`, the core's `text(locale, "id")` and
    // `text_with(locale, "id", …)`.
    let callers = [
        ("t(", true),
        ("t_with(", true),
        ("text(", false),
        ("text_with(", false),
    ];
    let mut missing = Vec::new();
    for (path, text) in sources() {
        if path.ends_with("i18n/tests.rs") {
            continue;
        }
        for (caller, id_first) in callers {
            for (at, _) in text.match_indices(caller) {
                let before = text[..at].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                let call = text[at + caller.len()..].trim_start();
                if call.starts_with('"') != id_first {
                    continue;
                }
                let call = &call[..call.find(')').unwrap_or(call.len()).min(200)];
                if let Some(id) = quoted_ids(call).into_iter().next()
                    && !known.contains(&id)
                {
                    missing.push(format!("{path}: {id}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "ids without a message: {missing:?}");
}

#[test]
fn every_message_formats_in_every_language_without_errors() {
    let args: Vec<(&str, Arg<'_>)> = vec![
        ("count", Arg::Number(3)),
        ("date", Arg::Text("d")),
        ("clock", Arg::Text("c")),
        ("zone", Arg::Text("z")),
        ("start", Arg::Text("s")),
        ("end", Arg::Text("e")),
        ("first", Arg::Text("f")),
        ("last", Arg::Text("l")),
        ("name", Arg::Text("n")),
        ("city", Arg::Text("c")),
        ("km", Arg::Number(50)),
        ("range", Arg::Text("r")),
        ("place", Arg::Text("p")),
        ("cities", Arg::Number(2)),
        ("title", Arg::Text("t")),
        ("filter", Arg::Text("f")),
        ("shown", Arg::Number(1)),
    ];
    for locale in Locale::ALL.iter().copied() {
        for id in ids(locale) {
            let written = format(locale, &id, &args);
            assert!(
                written
                    .as_deref()
                    .is_some_and(|text| !text.trim().is_empty()),
                "{locale} {id}"
            );
        }
    }
}

#[test]
fn plural_forms_follow_each_language() {
    let minutes = |locale, count: i64| {
        text_with(locale, "time-minutes-ago", &[("count", Arg::Number(count))])
    };
    assert_eq!(minutes(Locale::English, 1), "1 minute ago");
    assert_eq!(minutes(Locale::German, 2), "vor 2 Minuten");
    assert_eq!(minutes(Locale::Arabic, 2), "منذ دقيقتين");
    assert_eq!(minutes(Locale::Arabic, 5), "منذ \u{2068}5\u{2069} دقائق");
    assert_eq!(minutes(Locale::Arabic, 11), "منذ \u{2068}11\u{2069} دقيقة");
}

#[test]
fn a_missing_id_reads_as_itself_rather_than_failing() {
    assert_eq!(text(Locale::German, "no-such-message"), "no-such-message");
}
