//! Reads plain JS data (objects, arrays, strings, numbers, booleans, `null`) straight into serde
//! types. Every key of an object is seen, so `#[serde(deny_unknown_fields)]` holds, and an error
//! says where it is (`[0].formats[2].kind`). It stands in for serde-wasm-bindgen's reader (which
//! skips unknown keys), serde_json's `Value` and serde_path_to_error, at a fraction of the code.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};
use std::fmt;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
export function js_kind(v) {
    if (v === null || v === undefined) return 0;
    switch (typeof v) {
        case 'boolean': return 1;
        case 'number': return 2;
        case 'string': return 3;
        case 'object': return Array.isArray(v) ? 4 : 5;
        default: return 6;
    }
}
export function js_keys(v) { return Object.keys(v); }
export function js_key(v, k) { return Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined; }
export function js_at(v, i) { return v[i]; }
export function js_len(v) { return v.length; }
")]
extern "C" {
    fn js_kind(value: &JsValue) -> u32;
    fn js_keys(value: &JsValue) -> Vec<String>;
    fn js_key(value: &JsValue, key: &str) -> JsValue;
    fn js_at(value: &JsValue, index: u32) -> JsValue;
    fn js_len(value: &JsValue) -> u32;
}

/// What went wrong, and at which key (`None` until the innermost value that failed claims it;
/// empty for the value passed in).
#[derive(Debug)]
pub struct Error {
    pub path: Option<String>,
    pub message: String,
    /// Made by `invalid_length`: a struct lacks a field it has no default for.
    short: bool,
}

impl Error {
    fn at(mut self, path: &str) -> Error {
        self.path.get_or_insert_with(|| path.to_string());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error { path: None, message: message.to_string(), short: false }
    }

    fn invalid_length(len: usize, expected: &dyn de::Expected) -> Error {
        Error { short: true, ..de::Error::custom(format_args!("invalid length {len}, expected {expected}")) }
    }
}

/// Reads `value` as a `T`.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Error> {
    T::deserialize(Reader { value, path: String::new() })
}

/// `parent` then `[index]`.
fn index_path(parent: &str, index: u32) -> String {
    let mut path = String::with_capacity(parent.len() + 6);
    path.push_str(parent);
    path.push('[');
    path.push_str(&index.to_string());
    path.push(']');
    path
}

/// `parent` then `.key` (`key` alone at the top).
fn key_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        return key.to_string();
    }
    let mut path = String::with_capacity(parent.len() + 1 + key.len());
    path.push_str(parent);
    path.push('.');
    path.push_str(key);
    path
}

/// What a value is, for an error message.
fn unexpected(value: &JsValue) -> Unexpected<'static> {
    match js_kind(value) {
        0 => Unexpected::Unit,
        1 => Unexpected::Bool(value.as_bool().unwrap_or_default()),
        2 => Unexpected::Float(value.as_f64().unwrap_or_default()),
        3 => Unexpected::Other("a string"),
        4 => Unexpected::Seq,
        _ => Unexpected::Other("a JS value that is not plain data"),
    }
}

struct Reader {
    value: JsValue,
    path: String,
}

impl<'de> de::Deserializer<'de> for Reader {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = &self.value;
        let result = match js_kind(value) {
            0 => visitor.visit_unit(),
            1 => visitor.visit_bool(value.as_bool().unwrap_or_default()),
            2 => {
                let n = value.as_f64().unwrap_or_default();
                // Whole numbers JS holds exactly are integers, as serde-wasm-bindgen reads them.
                match n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
                    true if n >= 0.0 => visitor.visit_u64(n as u64),
                    true => visitor.visit_i64(n as i64),
                    false => visitor.visit_f64(n),
                }
            }
            3 => visitor.visit_string(value.as_string().unwrap_or_default()),
            4 => visitor.visit_seq(Seq { value, len: js_len(value), index: 0, path: &self.path }),
            5 => visitor.visit_map(Map {
                value,
                keys: js_keys(value).into_iter(),
                key: None,
                path: &self.path,
            }),
            _ => {
                Err(de::Error::invalid_type(Unexpected::Other("a JS value that is not plain data"), &visitor))
            }
        };
        result.map_err(|e| e.at(&self.path))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match js_kind(&self.value) {
            0 => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // Unit variants only: a string names one.
        match self.value.as_string() {
            Some(name) => {
                let name: de::value::StringDeserializer<Error> = name.into_deserializer();
                visitor.visit_enum(name).map_err(|e| e.at(&self.path))
            }
            None => self.deserialize_any(visitor),
        }
    }

    /// An object is read as the sequence of the struct's fields in their declared order,
    /// after its keys are checked: derived `visit_seq` code is a fraction of `visit_map` code.
    /// A key left out reads as the end of the sequence, which gives a field its default.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if js_kind(&self.value) != 5 {
            // Not through deserialize_any: that would bring in the derived `visit_map` code.
            let e: Error = de::Error::invalid_type(unexpected(&self.value), &visitor);
            return Err(e.at(&self.path));
        }
        for key in js_keys(&self.value) {
            if !fields.contains(&key.as_str()) {
                let e: Error = de::Error::unknown_field(&key, fields);
                return Err(e.at(&key_path(&self.path, &key)));
            }
        }
        let mut seq = Fields { value: &self.value, fields, index: 0, missing: None, path: &self.path };
        visitor.visit_seq(&mut seq).map_err(|e| {
            match (e.short, seq.missing) {
                (true, Some(field)) => de::Error::missing_field(field),
                _ => e,
            }
            .at(&self.path)
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map identifier ignored_any
    }
}

struct Seq<'a> {
    value: &'a JsValue,
    len: u32,
    index: u32,
    path: &'a str,
}

impl<'de> de::SeqAccess<'de> for Seq<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if self.index >= self.len {
            return Ok(None);
        }
        let i = self.index;
        self.index += 1;
        seed.deserialize(Reader { value: js_at(self.value, i), path: index_path(self.path, i) }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.len - self.index) as usize)
    }
}

struct Map<'a> {
    value: &'a JsValue,
    keys: std::vec::IntoIter<String>,
    key: Option<String>,
    path: &'a str,
}

impl<'de> de::MapAccess<'de> for Map<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some(key) = self.keys.next() else { return Ok(None) };
        let path = key_path(self.path, &key);
        let read = seed.deserialize(de::value::StrDeserializer::<Error>::new(&key));
        self.key = Some(key);
        read.map(Some).map_err(|e| e.at(&path))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let key = self.key.take().unwrap_or_default();
        seed.deserialize(Reader { value: js_key(self.value, &key), path: key_path(self.path, &key) })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.keys.len())
    }
}

/// The fields of a struct, in order, from an object.
struct Fields<'a> {
    value: &'a JsValue,
    fields: &'static [&'static str],
    index: usize,
    /// The field just found missing.
    missing: Option<&'static str>,
    path: &'a str,
}

impl<'de> de::SeqAccess<'de> for &mut Fields<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(&field) = self.fields.get(self.index) else { return Ok(None) };
        self.index += 1;
        let value = js_key(self.value, field);
        if value.is_undefined() {
            self.missing = Some(field);
            return Ok(None);
        }
        self.missing = None;
        seed.deserialize(Reader { value, path: key_path(self.path, field) }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len() - self.index)
    }
}
