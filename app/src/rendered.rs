//! Server renders kept by their input (issue #29). A pure component's HTML for the same props is
//! the same, so a page showing what an earlier request showed copies that HTML instead of
//! rendering it again. An entry is found by a hash of its input and then compared whole, so a
//! collision can never give one viewer HTML made from another input; nothing is keyed by viewer,
//! and since an entry is a function of its input it never goes stale.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use convene::cache::{Shelf, Tag};
use convene_types::Locale;
use convene_types::views::EventDay;

/// What the entries may weigh together (their HTML and their input).
const MAX_BYTES: usize = 32 * 1024 * 1024;
const MAX_ENTRIES: usize = 5_000;
/// Entries depend on their input alone: one tag for all.
const TAG: Tag = (0, 0);

/// An input and the HTML rendered from it.
type Kept<T> = Arc<(T, String)>;

pub struct Rendered {
    /// An organization's events list, by its days and the language it is written in.
    event_days: Shelf<u64, Kept<(Locale, Vec<EventDay>)>>,
}

impl Default for Rendered {
    fn default() -> Self {
        Self {
            event_days: Shelf::weighed(
                MAX_ENTRIES,
                MAX_BYTES,
                |_, kept: &Kept<(Locale, Vec<EventDay>)>| {
                    // The input is smaller than its HTML, which repeats it with markup.
                    256 + 2 * kept.1.len()
                },
            )
            .named("rendered_event_days"),
        }
    }
}

impl Rendered {
    /// `render(days)`, or the HTML it gave for the same days in the same language before (the
    /// render writes its texts in `locale`).
    pub fn event_days(
        &self,
        locale: Locale,
        days: Vec<EventDay>,
        render: impl FnOnce(Vec<EventDay>) -> String,
    ) -> String {
        let input = (locale, days);
        let key = hash_of(&input);
        if let Some(kept) = self.event_days.get(&key, TAG)
            && kept.0 == input
        {
            return kept.1.clone();
        }
        let html = render(input.1.clone());
        self.event_days
            .put(key, Arc::new((input, html.clone())), TAG);
        html
    }
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(heading: &str) -> EventDay {
        EventDay {
            heading: heading.to_owned(),
            events: Vec::new(),
        }
    }

    #[test]
    fn the_same_input_is_rendered_once_and_a_different_one_again() {
        let rendered = Rendered::default();
        let renders = std::cell::Cell::new(0);
        let render = |days: Vec<EventDay>| {
            renders.set(renders.get() + 1);
            days.iter()
                .map(|day| day.heading.clone())
                .collect::<String>()
        };
        let en = Locale::English;
        assert_eq!(rendered.event_days(en, vec![day("Mon")], render), "Mon");
        assert_eq!(rendered.event_days(en, vec![day("Mon")], render), "Mon");
        assert_eq!(renders.get(), 1);
        assert_eq!(rendered.event_days(en, vec![day("Tue")], render), "Tue");
        assert_eq!(renders.get(), 2);
        // The same days for a German reader are written again, in German.
        rendered.event_days(Locale::German, vec![day("Mon")], render);
        assert_eq!(renders.get(), 3);
    }

    #[test]
    fn a_hash_collision_renders_instead_of_answering_with_another_inputs_html() {
        let rendered = Rendered::default();
        // Another input kept under this input's hash, as a collision would leave it.
        let days = vec![day("Mon")];
        rendered.event_days.put(
            hash_of(&(Locale::English, days.clone())),
            Arc::new(((Locale::English, vec![day("Secret")]), "Secret".into())),
            TAG,
        );
        assert_eq!(
            rendered.event_days(Locale::English, days, |_| "Mon".to_owned()),
            "Mon"
        );
    }
}
