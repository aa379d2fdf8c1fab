//! Data an island starts from, carried in its props as JSON text.
//!
//! Leptos decodes island props with `serde_json::from_str` and server-function answers with
//! `from_slice`; a type decoded both ways (the dashboard, the sync status) has its whole decoder
//! compiled into the wasm bundle twice. Packed, the props hold a string, and the value is decoded
//! with `from_slice` like the answers, so each type's decoder is compiled once.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub struct Packed<T> {
    json: String,
    value: PhantomData<fn() -> T>,
}

impl<T: Serialize> Packed<T> {
    /// Packs `value` on the server, where the island is rendered first.
    pub fn new(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Self {
            json: serde_json::to_string(value)?,
            value: PhantomData,
        })
    }
}

impl<T: DeserializeOwned> Packed<T> {
    pub fn unpack(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(self.json.as_bytes())
    }
}

impl<T> Clone for Packed<T> {
    fn clone(&self) -> Self {
        Self {
            json: self.json.clone(),
            value: PhantomData,
        }
    }
}

impl<T> Serialize for Packed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.json)
    }
}

impl<'de, T> Deserialize<'de> for Packed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self {
            json: String::deserialize(deserializer)?,
            value: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;

    #[test]
    fn a_packed_value_survives_the_props_round_trip() {
        let value = vec![("a".to_owned(), 1_u32), ("b \"quoted\"".to_owned(), 2)];
        let packed = Packed::new(&value).unwrap();
        let props = serde_json::to_string(&packed).unwrap();
        let back: Packed<Vec<(String, u32)>> = serde_json::from_str(&props).unwrap();
        assert_eq!(back.unpack().unwrap(), value);
    }
}
