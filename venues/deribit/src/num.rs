//! Exact decimals from JSON number tokens.
//!
//! Deribit sends prices and amounts as JSON numbers (`0.2325`, `8430.0`, `9.141e-05`). Going
//! through `f64` would lose the scale (`8430.0` → `8430`) and can lose digits, so every decimal
//! field is read from the number's own text (a borrowed [`RawValue`], no copy) and parsed with
//! `rust_decimal`, exponent notation included.

use std::str::FromStr;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use tradewire_core::Decimal;

/// Parses a JSON token (a number, or a string holding a number) as an exact decimal.
pub(crate) fn parse(token: &str) -> Option<Decimal> {
    let t = token.trim();
    let t = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t);
    if t.bytes().any(|b| b == b'e' || b == b'E') {
        Decimal::from_scientific(t).ok()
    } else {
        Decimal::from_str(t).ok()
    }
}

/// `deserialize_with` for a required decimal.
pub(crate) fn req<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let raw = <&'de RawValue>::deserialize(d)?;
    parse(raw.get()).ok_or_else(|| D::Error::custom(format!("not a decimal: {}", raw.get())))
}

/// `deserialize_with` for an optional decimal (`null` or absent = `None`; use with
/// `#[serde(default)]`).
pub(crate) fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let raw = <&'de RawValue>::deserialize(d)?;
    if raw.get().trim() == "null" {
        return Ok(None);
    }
    parse(raw.get())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("not a decimal: {}", raw.get())))
}

/// `serialize_with` for an optional decimal: written as a JSON number with its exact text
/// (Deribit expects numbers), never through `f64`.
pub(crate) fn ser_opt<S: serde::Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize as _;
    use serde::ser::Error as _;
    match v {
        Some(d) => RawValue::from_string(d.to_string())
            .map_err(S::Error::custom)?
            .serialize(s),
        None => s.serialize_none(),
    }
}

/// `deserialize_with` for a list of decimals.
pub(crate) fn vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
    let raws = <Vec<&'de RawValue>>::deserialize(d)?;
    raws.iter()
        .map(|raw| {
            parse(raw.get())
                .ok_or_else(|| D::Error::custom(format!("not a decimal: {}", raw.get())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_scale_and_reads_exponents() {
        assert_eq!(parse("8430.0").unwrap().to_string(), "8430.0");
        assert_eq!(parse("0.2325").unwrap().to_string(), "0.2325");
        assert_eq!(parse("9.141e-05").unwrap().to_string(), "0.00009141");
        assert_eq!(parse("-2e-8").unwrap().to_string(), "-0.00000002");
        assert_eq!(parse("\"12.50\"").unwrap().to_string(), "12.50");
        assert_eq!(parse("\"market_price\""), None);
        assert_eq!(parse("1.742E-05").unwrap().to_string(), "0.00001742");
    }
}
