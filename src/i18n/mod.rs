//! Convene in its readers' languages (issue #35). Every text a person reads is a Project Fluent
//! message (`locales/<tag>/convene.ftl`, one file per language, compiled into the binary), looked
//! up by its id in the reader's [`Locale`]. Which locale a request gets is
//! [`negotiate::choose`]'s decision; dates and times are written the reader's way by
//! `crate::text::timefmt`.

pub mod negotiate;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::sync::OnceLock;

pub use convene_types::Locale;
pub use convene_types::i18n::Arg;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// Each language's messages, as written in the repository.
const SOURCES: [(Locale, &str); 6] = [
    (
        Locale::English,
        include_str!("../../locales/en/convene.ftl"),
    ),
    (Locale::German, include_str!("../../locales/de/convene.ftl")),
    (Locale::French, include_str!("../../locales/fr/convene.ftl")),
    (
        Locale::Spanish,
        include_str!("../../locales/es/convene.ftl"),
    ),
    (
        Locale::Portuguese,
        include_str!("../../locales/pt/convene.ftl"),
    ),
    (Locale::Arabic, include_str!("../../locales/ar/convene.ftl")),
];

struct Bundles(Vec<(Locale, FluentBundle<FluentResource>)>);

impl Bundles {
    fn of(&self, locale: Locale) -> Option<&FluentBundle<FluentResource>> {
        self.0
            .iter()
            .find(|(of, _)| *of == locale)
            .map(|(_, bundle)| bundle)
    }
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        Bundles(
            SOURCES
                .iter()
                .map(|(locale, source)| (*locale, bundle(*locale, source)))
                .collect(),
        )
    })
}

/// One language's bundle. A message that does not parse is left out (and logged): its id then
/// reads in English. The tests keep every file whole.
fn bundle(locale: Locale, source: &str) -> FluentBundle<FluentResource> {
    let language = locale
        .as_str()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![language]);
    // Directional isolation marks around each placeable keep a Latin name from reordering an
    // Arabic sentence; in left-to-right languages they would only be noise in copied text.
    bundle.set_use_isolating(locale.is_right_to_left());
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(%locale, ?errors, "translations do not parse");
            partial
        });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(%locale, ?errors, "translations repeat a message id");
    }
    bundle
}

/// Message `id` in `locale`, without values.
pub fn text(locale: Locale, id: &str) -> String {
    text_with(locale, id, &[])
}

/// Message `id` in `locale` with its values. A message missing in `locale` reads in English; one
/// missing everywhere reads as its id (both logged; the tests make neither happen).
pub fn text_with(locale: Locale, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    format(locale, id, args)
        .or_else(|| {
            tracing::error!(%locale, id, "no such message; using English");
            format(Locale::English, id, args)
        })
        .unwrap_or_else(|| {
            tracing::error!(id, "no such message in any language");
            id.to_owned()
        })
}

fn format(locale: Locale, id: &str, args: &[(&str, Arg<'_>)]) -> Option<String> {
    let bundle = bundles().of(locale)?;
    let pattern = bundle.get_message(id)?.value()?;
    let mut values = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        match value {
            Arg::Text(text) => values.set(*name, FluentValue::from(Cow::Borrowed(*text))),
            Arg::Number(number) => values.set(*name, FluentValue::from(*number)),
        }
    }
    let mut errors = Vec::new();
    let written = bundle.format_pattern(pattern, Some(&values), &mut errors);
    if !errors.is_empty() {
        tracing::error!(%locale, id, ?errors, "a message's values did not fit it");
    }
    Some(written.into_owned())
}
