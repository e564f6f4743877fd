//! Untrusted text made safe while it is read: `Clean` wraps a serde `Deserializer` and hands
//! every string it reads (keys, values, enum names) through the sanitizer before the type
//! being built sees it. A recording is read through it as it streams in, so nothing of a
//! hostile file reaches the store unclean, and no second copy of the file is held to clean.

use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

use crate::logtext::sanitize::{clean_field, is_bidi_control, is_control};

/// Whether `s` holds what a terminal would act on: a control character (but the line breaks
/// log lines keep) or a bidi override.
pub fn needs_cleaning(s: &str) -> bool {
    s.chars()
        .any(|c| c != '\n' && (is_control(c) || is_bidi_control(c)))
}

/// `s` with every control but `\n` and every bidi override visibly escaped, as the store
/// keeps what AWS sends: unchanged when it is clean already.
pub fn clean_keeping_lines(s: &str) -> String {
    s.split('\n')
        .map(clean_field)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A deserializer whose every string comes out clean.
pub struct Clean<D>(pub D);

struct CleanVisitor<V>(V);
struct CleanSeed<S>(S);
struct CleanAccess<A>(A);

macro_rules! forward {
    ($($method:ident),*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method(CleanVisitor(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Clean<D> {
    type Error = D::Error;

    forward!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, CleanVisitor(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_newtype_struct(name, CleanVisitor(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, CleanVisitor(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_tuple_struct(name, len, CleanVisitor(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_struct(name, fields, CleanVisitor(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_enum(name, variants, CleanVisitor(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! pass {
    ($($method:ident: $t:ty),*) => {
        $(
            fn $method<E: serde::de::Error>(self, v: $t) -> Result<V::Value, E> {
                self.0.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CleanVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    pass!(
        visit_bool: bool,
        visit_i8: i8,
        visit_i16: i16,
        visit_i32: i32,
        visit_i64: i64,
        visit_i128: i128,
        visit_u8: u8,
        visit_u16: u16,
        visit_u32: u32,
        visit_u64: u64,
        visit_u128: u128,
        visit_f32: f32,
        visit_f64: f64,
        visit_bytes: &[u8],
        visit_borrowed_bytes: &'de [u8],
        visit_byte_buf: Vec<u8>
    );

    fn visit_char<E: serde::de::Error>(self, c: char) -> Result<V::Value, E> {
        let mut buf = [0; 4];
        self.visit_str(c.encode_utf8(&mut buf))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<V::Value, E> {
        if needs_cleaning(s) {
            self.0.visit_string(clean_keeping_lines(s))
        } else {
            self.0.visit_str(s)
        }
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<V::Value, E> {
        if needs_cleaning(s) {
            self.0.visit_string(clean_keeping_lines(s))
        } else {
            self.0.visit_borrowed_str(s)
        }
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<V::Value, E> {
        if needs_cleaning(&s) {
            self.0.visit_string(clean_keeping_lines(&s))
        } else {
            self.0.visit_string(s)
        }
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Clean(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Clean(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(CleanAccess(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(CleanAccess(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(CleanAccess(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for CleanSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Clean(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CleanAccess<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(CleanSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CleanAccess<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(CleanSeed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(CleanSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for CleanAccess<A> {
    type Error = A::Error;
    type Variant = CleanAccess<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(CleanSeed(seed))?;
        Ok((value, CleanAccess(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for CleanAccess<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(CleanSeed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, CleanVisitor(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, CleanVisitor(visitor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    enum Kind {
        Plain,
        Named(String),
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        name: String,
        tags: std::collections::BTreeMap<String, String>,
        kinds: Vec<Kind>,
        note: Option<String>,
        pair: (String, u32),
    }

    #[test]
    fn every_string_comes_out_clean_and_clean_ones_unchanged() {
        let text = r#"{"name":"a\u001b[2Jb","tags":{"k\u0007":"v\u202e"},
            "kinds":["Plain",{"Named":"x\u009b1m"}],"note":"line 1\nline 2\u0000",
            "pair":["\u001b]52;c;x\u0007",7]}"#;
        let mut de = serde_json::Deserializer::from_str(text);
        let row = Row::deserialize(Clean(&mut de)).unwrap();
        assert_eq!(row.name, "a\\x1b[2Jb");
        assert_eq!(
            row.tags.into_iter().collect::<Vec<_>>(),
            vec![("k\\x07".to_string(), "v\\u{202e}".to_string())]
        );
        assert_eq!(row.kinds, vec![Kind::Plain, Kind::Named("x\\x9b1m".into())]);
        assert_eq!(row.note.as_deref(), Some("line 1\nline 2\\x00"));
        assert_eq!(row.pair, ("\\x1b]52;c;x\\x07".to_string(), 7));
    }
}
