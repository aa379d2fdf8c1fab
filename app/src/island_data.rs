//! Data an island starts from, carried beside it in the page as a JSON script element.
//!
//! Island props travel in an HTML attribute as JSON. A large value there is escaped twice (a
//! JSON string inside the props' JSON, then `&quot;` for the attribute): the dashboard's data
//! took 28 KB of a 61 KB page that way, and its escaping a good part of the render. Packed, the
//! props hold only the id of a `<script type="application/json">` that the page renders beside
//! the island ([`Packed::script`]), and the island reads that element's text when it hydrates.
//! The value is decoded with `from_slice`, like server-function answers, so each type's decoder
//! is compiled into the wasm bundle once (Leptos decodes props with `from_str`).

use std::sync::Arc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub struct Packed<T> {
    /// The script element's id, unique in the page.
    id: String,
    /// The JSON text where it was packed (the server); empty once the props crossed to the
    /// browser, where the element holds it.
    json: String,
    /// The value itself where it was packed: the island's server render starts from it instead
    /// of decoding the text just written.
    value: Option<Arc<T>>,
}

impl<T: Serialize> Packed<T> {
    /// Packs `value` on the server, where the island is rendered first.
    pub fn new(id: &str, value: T) -> Result<Self, serde_json::Error> {
        Ok(Self {
            id: id.to_owned(),
            json: serde_json::to_string(&value)?,
            value: Some(Arc::new(value)),
        })
    }
}

impl<T> Packed<T> {
    /// The element carrying the data, to render beside the island (outside it). Every `<` is
    /// written `\u003c`, so nothing in the data can end the element or open a comment.
    pub fn script(&self) -> impl IntoView + use<T> {
        let text = self.json.replace('<', "\\u003c");
        view! { <script type="application/json" id=self.id.clone() inner_html=text></script> }
    }
}

impl<T: DeserializeOwned + Clone> Packed<T> {
    pub fn unpack(&self) -> Result<T, serde_json::Error> {
        if let Some(value) = &self.value {
            return Ok(T::clone(value));
        }
        match element_text(&self.id) {
            Some(text) => serde_json::from_slice(text.as_bytes()),
            None => Err(serde::de::Error::custom(format!(
                "the page has no data element #{}",
                self.id
            ))),
        }
    }
}

#[cfg(feature = "hydrate")]
fn element_text(id: &str) -> Option<String> {
    document().get_element_by_id(id)?.text_content()
}

#[cfg(not(feature = "hydrate"))]
fn element_text(_id: &str) -> Option<String> {
    None
}

impl<T> Clone for Packed<T> {
    fn clone(&self) -> Self {
        Self {
            id: self.id.clone(),
            json: self.json.clone(),
            value: self.value.clone(),
        }
    }
}

/// Only the id crosses in the props.
impl<T> Serialize for Packed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.id)
    }
}

impl<'de, T> Deserialize<'de> for Packed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self {
            id: String::deserialize(deserializer)?,
            json: String::new(),
            value: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;

    #[test]
    fn the_props_carry_only_the_id_and_the_element_cannot_be_ended_by_the_data() {
        let value = vec![
            ("a".to_owned(), 1_u32),
            ("</script><!-- \"quoted\"".to_owned(), 2),
        ];
        let packed = Packed::new("events-data", value.clone()).unwrap();
        assert_eq!(packed.unpack().unwrap(), value);
        assert_eq!(serde_json::to_string(&packed).unwrap(), "\"events-data\"");

        let html = leptos::prelude::RenderHtml::to_html(packed.script());
        assert!(html.starts_with("<script type=\"application/json\" id=\"events-data\">"));
        let text = html
            .strip_prefix("<script type=\"application/json\" id=\"events-data\">")
            .and_then(|rest| rest.strip_suffix("</script>"))
            .unwrap();
        assert!(!text.contains('<'), "{text}");
        let back: Vec<(String, u32)> = serde_json::from_str(text).unwrap();
        assert_eq!(back, value);

        // Across the props, without the element (no browser here): a clear error.
        let crossed: Packed<Vec<(String, u32)>> =
            serde_json::from_str(&serde_json::to_string(&packed).unwrap()).unwrap();
        let err = crossed.unpack().unwrap_err().to_string();
        assert!(err.contains("#events-data"), "{err}");
    }
}
