//! Serde helpers that always write decimals as JSON strings, exactly as held (scale kept),
//! independent of which `rust_decimal` serde features other crates enable, and read them from
//! strings or numbers.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number as a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        Decimal::from_str(v)
            .or_else(|_| Decimal::from_scientific(v))
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // Shortest round-trip text of the float, e.g. 0.1 -> "0.1".
        self.visit_str(&v.to_string())
    }
}

/// A `Decimal` that (de)serializes like [`string`]: for use inside tuples and sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecimalStr(pub(crate) Decimal);

impl Serialize for DecimalStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DecimalStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor).map(DecimalStr)
    }
}

/// `#[serde(with = "crate::decimal_serde::string")]` for `Decimal`.
pub(crate) mod string {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

/// `#[serde(with = "crate::decimal_serde::option", default)]` for `Option<Decimal>`
/// (combine with `skip_serializing_if = "Option::is_none"`).
pub(crate) mod option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        struct OptVisitor;

        impl<'de> Visitor<'de> for OptVisitor {
            type Value = Option<Decimal>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number as a string, or null")
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(DecimalVisitor).map(Some)
            }
        }

        d.deserialize_option(OptVisitor)
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Serialize};
    use std::str::FromStr;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct T {
        #[serde(with = "super::string")]
        a: Decimal,
        #[serde(
            with = "super::option",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        b: Option<Decimal>,
    }

    #[test]
    fn keeps_scale_as_string() {
        let t = T {
            a: Decimal::from_str("0.35280000").unwrap(),
            b: Some(Decimal::from_str("100.0").unwrap()),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"a":"0.35280000","b":"100.0"}"#);
        let back: T = serde_json::from_str(&json).unwrap();
        assert_eq!(back.a.to_string(), "0.35280000");
        assert_eq!(back.b.unwrap().to_string(), "100.0");
    }

    #[test]
    fn reads_numbers_null_and_absent() {
        let t: T = serde_json::from_str(r#"{"a":0.1,"b":null}"#).unwrap();
        assert_eq!(t.a.to_string(), "0.1");
        assert_eq!(t.b, None);
        let t: T = serde_json::from_str(r#"{"a":42}"#).unwrap();
        assert_eq!(t.a, Decimal::from(42));
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"a":"42"}"#);
        let t: T = serde_json::from_str(r#"{"a":"1e-3"}"#).unwrap();
        assert_eq!(t.a, Decimal::from_str("0.001").unwrap());
        assert!(serde_json::from_str::<T>(r#"{"a":"abc"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"a":true}"#).is_err());
    }
}
