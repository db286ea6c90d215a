//! Canonical instrument symbols ([`Symbol`]), following ccxt's unified convention.
//!
//! | kind            | form                                   | example                       |
//! |-----------------|----------------------------------------|-------------------------------|
//! | spot            | `BASE/QUOTE`                           | `BTC/USDT`                    |
//! | perpetual swap  | `BASE/QUOTE:SETTLE`                    | `BTC/USDT:USDT`, `BTC/USD:BTC` |
//! | dated future    | `BASE/QUOTE:SETTLE-YYMMDD`             | `BTC/USD:BTC-250328`          |
//! | option          | `BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C\|P` | `BTC/USD:BTC-250328-50000-C`  |
//!
//! Asset codes are kept exactly as given (venue mappings emit upper-case codes such as `BTC`);
//! they may contain ASCII letters, digits, `.` and `_`. The expiry is the UTC calendar date of
//! expiration; the strike is a positive decimal written without trailing zeros.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar;

/// What kind of instrument a [`Symbol`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolKind {
    /// Spot market: `BASE/QUOTE`.
    Spot,
    /// Perpetual swap: `BASE/QUOTE:SETTLE`.
    Swap,
    /// Dated future: `BASE/QUOTE:SETTLE-YYMMDD`.
    Future,
    /// Option: `BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C|P`.
    Option,
}

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    /// A call option (`C`).
    Call,
    /// A put option (`P`).
    Put,
}

impl OptionKind {
    /// The one-letter code used in symbols: `"C"` or `"P"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OptionKind::Call => "C",
            OptionKind::Put => "P",
        }
    }
}

impl fmt::Display for OptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The expiry date of a future or option: a UTC calendar date, written `YYMMDD` in symbols.
///
/// Years are 2000..=2099 (two-digit years in symbols are 20YY). The exact expiry instant is
/// venue specific (commonly 08:00 UTC); [`Expiry::to_ms`] returns the start of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Expiry {
    year: u16,
    month: u8,
    day: u8,
}

impl Expiry {
    /// A validated expiry date. `year` is the full year (2000..=2099).
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, SymbolError> {
        let input = format!("{year:04}-{month:02}-{day:02}");
        if !(2000..=2099).contains(&year) {
            return Err(SymbolError::new(input, "expiry year must be 2000..=2099"));
        }
        if !(1..=12).contains(&month) {
            return Err(SymbolError::new(input, "expiry month must be 01..=12"));
        }
        let max_day = calendar::days_in_month(i64::from(year), u32::from(month));
        if day == 0 || u32::from(day) > max_day {
            return Err(SymbolError::new(
                input,
                "expiry day does not exist in that month",
            ));
        }
        Ok(Expiry { year, month, day })
    }

    /// The expiry date containing the UTC instant `ms` (milliseconds since the epoch),
    /// e.g. a venue's `expiration_timestamp`.
    pub fn from_ms(ms: i64) -> Result<Self, SymbolError> {
        let (y, m, d) = calendar::civil_from_ms(ms);
        let year = u16::try_from(y)
            .map_err(|_| SymbolError::new(ms.to_string(), "expiry year must be 2000..=2099"))?;
        // month and day come from the calendar and always fit in u8.
        Expiry::new(
            year,
            u8::try_from(m).unwrap_or(0),
            u8::try_from(d).unwrap_or(0),
        )
    }

    /// Parses `YYMMDD` (six ASCII digits).
    pub fn from_yymmdd(s: &str) -> Result<Self, SymbolError> {
        let b = s.as_bytes();
        if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
            return Err(SymbolError::new(s, "expiry must be six digits YYMMDD"));
        }
        let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
        Expiry::new(2000 + u16::from(two(0)), two(2), two(4))
    }

    /// The full year, e.g. `2025`.
    pub const fn year(self) -> u16 {
        self.year
    }

    /// The month, `1..=12`.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, `1..=31`.
    pub const fn day(self) -> u8 {
        self.day
    }

    /// Milliseconds since the epoch of 00:00:00 UTC on the expiry date.
    pub fn to_ms(self) -> i64 {
        calendar::ms_from_civil(
            i64::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        )
    }
}

impl fmt::Display for Expiry {
    /// Formats as `YYMMDD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}{:02}{:02}", self.year % 100, self.month, self.day)
    }
}

/// Error for a string that is not a canonical symbol (or an invalid symbol part).
///
/// Its message lists the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid symbol {input:?}: {reason}; expected BASE/QUOTE (spot, e.g. BTC/USDT), \
     BASE/QUOTE:SETTLE (perpetual, e.g. BTC/USDT:USDT), BASE/QUOTE:SETTLE-YYMMDD (future, e.g. \
     BTC/USD:BTC-250328) or BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C|P (option, e.g. \
     BTC/USD:BTC-250328-50000-C)"
)]
pub struct SymbolError {
    /// The rejected input.
    pub input: String,
    /// Why it was rejected.
    pub reason: &'static str,
}

impl SymbolError {
    fn new(input: impl Into<String>, reason: &'static str) -> Self {
        SymbolError {
            input: input.into(),
            reason,
        }
    }
}

#[derive(Debug)]
struct Inner {
    text: Box<str>,
    base: Box<str>,
    quote: Box<str>,
    settle: Option<Box<str>>,
    expiry: Option<Expiry>,
    strike: Option<Decimal>,
    option_kind: Option<OptionKind>,
}

/// A canonical instrument symbol such as `BTC/USDT`, `BTC/USDT:USDT`, `BTC/USD:BTC-250328` or
/// `BTC/USD:BTC-250328-50000-C`.
///
/// | kind            | form                                   | example                        |
/// |-----------------|----------------------------------------|--------------------------------|
/// | spot            | `BASE/QUOTE`                           | `BTC/USDT`                     |
/// | perpetual swap  | `BASE/QUOTE:SETTLE`                    | `BTC/USDT:USDT`, `BTC/USD:BTC` |
/// | dated future    | `BASE/QUOTE:SETTLE-YYMMDD`             | `BTC/USD:BTC-250328`           |
/// | option          | `BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C\|P` | `BTC/USD:BTC-250328-50000-C`   |
///
/// Asset codes are kept exactly as given (venue mappings emit upper-case codes) and may
/// contain ASCII letters, digits, `.` and `_`; the strike is normalized (`50000.0` → `50000`).
///
/// Cloning is cheap (a reference-count increment). Equality, ordering and hashing are those of
/// the canonical string, and `Symbol: Borrow<str>`, so a `HashMap<Symbol, _>` can be queried
/// with a `&str`. Serialized as the canonical string.
///
/// ```
/// use tradewire_core::{Symbol, SymbolKind, OptionKind};
///
/// let s: Symbol = "BTC/USD:BTC-250328-50000-C".parse()?;
/// assert_eq!(s.kind(), SymbolKind::Option);
/// assert_eq!((s.base(), s.quote(), s.settle()), ("BTC", "USD", Some("BTC")));
/// assert_eq!(s.expiry().map(|e| (e.year(), e.month(), e.day())), Some((2025, 3, 28)));
/// assert_eq!(s.strike().map(|k| k.to_string()), Some("50000".to_string()));
/// assert_eq!(s.option_kind(), Some(OptionKind::Call));
///
/// assert_eq!(Symbol::spot("BTC", "USDT")?.to_string(), "BTC/USDT");
/// assert_eq!(Symbol::swap("ETH", "USDT", "USDT")?.as_str(), "ETH/USDT:USDT");
/// # Ok::<(), tradewire_core::SymbolError>(())
/// ```
#[derive(Clone)]
pub struct Symbol(Arc<Inner>);

fn check_code(input: &str, code: &str, what: &'static str) -> Result<(), SymbolError> {
    if code.is_empty() {
        return Err(SymbolError::new(input, what));
    }
    if !code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
    {
        return Err(SymbolError::new(
            input,
            "asset codes may contain only ASCII letters, digits, '.' and '_'",
        ));
    }
    Ok(())
}

impl Symbol {
    fn build(
        base: &str,
        quote: &str,
        settle: Option<&str>,
        expiry: Option<Expiry>,
        option: Option<(Decimal, OptionKind)>,
        input: &str,
    ) -> Result<Self, SymbolError> {
        check_code(input, base, "missing base asset")?;
        check_code(input, quote, "missing quote asset")?;
        if let Some(settle) = settle {
            check_code(input, settle, "missing settle asset")?;
        }
        let strike = match option {
            Some((strike, _)) if strike <= Decimal::ZERO => {
                return Err(SymbolError::new(input, "option strike must be positive"));
            }
            Some((strike, _)) => Some(strike.normalize()),
            None => None,
        };
        let mut text = format!("{base}/{quote}");
        if let Some(settle) = settle {
            text.push(':');
            text.push_str(settle);
        }
        if let Some(expiry) = expiry {
            text.push('-');
            text.push_str(&expiry.to_string());
        }
        if let (Some(strike), Some((_, kind))) = (strike, option) {
            text.push('-');
            text.push_str(&strike.to_string());
            text.push('-');
            text.push_str(kind.as_str());
        }
        Ok(Symbol(Arc::new(Inner {
            text: text.into(),
            base: base.into(),
            quote: quote.into(),
            settle: settle.map(Into::into),
            expiry,
            strike,
            option_kind: option.map(|(_, k)| k),
        })))
    }

    /// A spot symbol `BASE/QUOTE`.
    pub fn spot(base: &str, quote: &str) -> Result<Self, SymbolError> {
        Self::build(base, quote, None, None, None, &format!("{base}/{quote}"))
    }

    /// A perpetual swap `BASE/QUOTE:SETTLE` (linear when settle = quote, inverse when settle = base).
    pub fn swap(base: &str, quote: &str, settle: &str) -> Result<Self, SymbolError> {
        let input = format!("{base}/{quote}:{settle}");
        Self::build(base, quote, Some(settle), None, None, &input)
    }

    /// A dated future `BASE/QUOTE:SETTLE-YYMMDD`.
    pub fn future(
        base: &str,
        quote: &str,
        settle: &str,
        expiry: Expiry,
    ) -> Result<Self, SymbolError> {
        let input = format!("{base}/{quote}:{settle}-{expiry}");
        Self::build(base, quote, Some(settle), Some(expiry), None, &input)
    }

    /// An option `BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C|P`. The strike is normalized
    /// (`50000.0` is written `50000`) and must be positive.
    pub fn option(
        base: &str,
        quote: &str,
        settle: &str,
        expiry: Expiry,
        strike: Decimal,
        kind: OptionKind,
    ) -> Result<Self, SymbolError> {
        let input = format!("{base}/{quote}:{settle}-{expiry}-{strike}-{kind}");
        Self::build(
            base,
            quote,
            Some(settle),
            Some(expiry),
            Some((strike, kind)),
            &input,
        )
    }

    /// The canonical string, e.g. `"BTC/USDT:USDT"`.
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// The base asset, e.g. `"BTC"`.
    pub fn base(&self) -> &str {
        &self.0.base
    }

    /// The quote asset, e.g. `"USDT"`.
    pub fn quote(&self) -> &str {
        &self.0.quote
    }

    /// The settlement asset of a derivative; `None` for spot.
    pub fn settle(&self) -> Option<&str> {
        self.0.settle.as_deref()
    }

    /// The expiry date of a future or option.
    pub fn expiry(&self) -> Option<Expiry> {
        self.0.expiry
    }

    /// The strike price of an option.
    pub fn strike(&self) -> Option<Decimal> {
        self.0.strike
    }

    /// Call or put, for an option.
    pub fn option_kind(&self) -> Option<OptionKind> {
        self.0.option_kind
    }

    /// Spot, swap, future or option.
    pub fn kind(&self) -> SymbolKind {
        match (&self.0.settle, self.0.expiry, self.0.option_kind) {
            (None, _, _) => SymbolKind::Spot,
            (Some(_), None, _) => SymbolKind::Swap,
            (Some(_), Some(_), None) => SymbolKind::Future,
            (Some(_), Some(_), Some(_)) => SymbolKind::Option,
        }
    }

    /// Whether this is a spot symbol.
    pub fn is_spot(&self) -> bool {
        self.kind() == SymbolKind::Spot
    }

    /// Whether this is a derivative settled in its quote asset (e.g. `BTC/USDT:USDT`).
    pub fn is_linear(&self) -> bool {
        self.settle() == Some(self.quote())
    }

    /// Whether this is a derivative settled in its base asset (e.g. `BTC/USD:BTC`).
    pub fn is_inverse(&self) -> bool {
        self.settle() == Some(self.base())
    }
}

impl FromStr for Symbol {
    type Err = SymbolError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (pair, derivative) = match s.split_once(':') {
            Some((pair, rest)) => (pair, Some(rest)),
            None => (s, None),
        };
        let (base, quote) = pair
            .split_once('/')
            .ok_or_else(|| SymbolError::new(s, "missing '/' between base and quote"))?;
        if quote.contains('/') {
            return Err(SymbolError::new(s, "more than one '/'"));
        }
        let Some(derivative) = derivative else {
            return Self::build(base, quote, None, None, None, s);
        };
        if derivative.contains(':') {
            return Err(SymbolError::new(s, "more than one ':'"));
        }
        let parts: Vec<&str> = derivative.split('-').collect();
        match parts.as_slice() {
            [settle] => Self::build(base, quote, Some(settle), None, None, s),
            [settle, expiry] => {
                let expiry =
                    Expiry::from_yymmdd(expiry).map_err(|e| SymbolError::new(s, e.reason))?;
                Self::build(base, quote, Some(settle), Some(expiry), None, s)
            }
            [settle, expiry, strike, kind] => {
                let expiry =
                    Expiry::from_yymmdd(expiry).map_err(|e| SymbolError::new(s, e.reason))?;
                let strike = if strike.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    Decimal::from_str(strike)
                        .map_err(|_| SymbolError::new(s, "option strike is not a decimal number"))?
                } else {
                    return Err(SymbolError::new(s, "option strike is not a decimal number"));
                };
                let kind = match *kind {
                    "C" => OptionKind::Call,
                    "P" => OptionKind::Put,
                    _ => return Err(SymbolError::new(s, "option kind must be C or P")),
                };
                Self::build(
                    base,
                    quote,
                    Some(settle),
                    Some(expiry),
                    Some((strike, kind)),
                    s,
                )
            }
            _ => Err(SymbolError::new(
                s,
                "after ':' expected SETTLE, SETTLE-YYMMDD or SETTLE-YYMMDD-STRIKE-C|P",
            )),
        }
    }
}

impl TryFrom<&str> for Symbol {
    type Error = SymbolError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for Symbol {
    type Error = SymbolError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Symbol").field(&self.as_str()).finish()
    }
}

impl PartialEq for Symbol {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.as_str() == other.as_str()
    }
}

impl Eq for Symbol {}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Symbol {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Borrow<str> for Symbol {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Symbol {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Symbol {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Symbol {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Symbol {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Symbol {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn sym(s: &str) -> Symbol {
        s.parse().unwrap()
    }

    #[test]
    fn round_trips() {
        for s in [
            "BTC/USDT",
            "BTC/USD:BTC",
            "BTC/USDT:USDT",
            "ETH/USDC:USDC",
            "1000PEPE/USDT:USDT",
            "BTC/USD:BTC-250328",
            "BTC/USD:BTC-250328-50000-C",
            "ETH/USD:ETH-241227-3250.5-P",
            "USDC.E/USDT",
        ] {
            assert_eq!(sym(s).to_string(), s);
            assert_eq!(sym(s).as_str(), s);
            let shown = format!("{}", sym(s));
            assert_eq!(sym(&shown), sym(s));
        }
    }

    #[test]
    fn parts_of_each_kind() {
        let s = sym("BTC/USDT");
        assert_eq!((s.base(), s.quote(), s.settle()), ("BTC", "USDT", None));
        assert_eq!(s.kind(), SymbolKind::Spot);
        assert!(s.is_spot() && !s.is_linear() && !s.is_inverse());

        let s = sym("BTC/USDT:USDT");
        assert_eq!(s.kind(), SymbolKind::Swap);
        assert_eq!(s.settle(), Some("USDT"));
        assert!(s.is_linear() && !s.is_inverse());

        let s = sym("BTC/USD:BTC-250328");
        assert_eq!(s.kind(), SymbolKind::Future);
        assert!(s.is_inverse());
        let e = s.expiry().unwrap();
        assert_eq!((e.year(), e.month(), e.day()), (2025, 3, 28));
        assert_eq!(e.to_ms(), 1_743_120_000_000); // 2025-03-28T00:00:00Z
        assert_eq!(s.strike(), None);

        let s = sym("BTC/USD:BTC-250328-50000-P");
        assert_eq!(s.kind(), SymbolKind::Option);
        assert_eq!(s.strike(), Some(Decimal::from(50_000)));
        assert_eq!(s.option_kind(), Some(OptionKind::Put));
    }

    #[test]
    fn constructors_match_parsing() {
        let exp = Expiry::new(2025, 3, 28).unwrap();
        assert_eq!(Symbol::spot("BTC", "USDT").unwrap(), sym("BTC/USDT"));
        assert_eq!(
            Symbol::swap("BTC", "USD", "BTC").unwrap(),
            sym("BTC/USD:BTC")
        );
        assert_eq!(
            Symbol::future("BTC", "USD", "BTC", exp).unwrap(),
            sym("BTC/USD:BTC-250328")
        );
        let strike = Decimal::from_str("50000.00").unwrap();
        let o = Symbol::option("BTC", "USD", "BTC", exp, strike, OptionKind::Call).unwrap();
        assert_eq!(o.as_str(), "BTC/USD:BTC-250328-50000-C");
        assert_eq!(o, sym("BTC/USD:BTC-250328-50000-C"));
    }

    #[test]
    fn non_canonical_strike_is_normalized() {
        assert_eq!(
            sym("BTC/USD:BTC-250328-50000.0-C").as_str(),
            "BTC/USD:BTC-250328-50000-C"
        );
    }

    #[test]
    fn invalid_strings_are_typed_errors() {
        for (input, reason_part) in [
            ("", "missing '/'"),
            ("BTCUSDT", "missing '/'"),
            ("BTC/", "missing quote"),
            ("/USDT", "missing base"),
            ("BTC/USDT/X", "more than one '/'"),
            ("BTC/USDT:", "missing settle"),
            ("BTC/USDT:USDT:X", "more than one ':'"),
            ("BTC-USDT/X", "ASCII letters"),
            ("BTC/US DT", "ASCII letters"),
            ("BTC/USD:BTC-2503", "six digits"),
            ("BTC/USD:BTC-251328", "month"),
            ("BTC/USD:BTC-250230", "day"),
            ("BTC/USD:BTC-250328-50000", "after ':'"),
            ("BTC/USD:BTC-250328-50000-X", "C or P"),
            ("BTC/USD:BTC-250328-abc-C", "strike"),
            ("BTC/USD:BTC-250328-0-C", "positive"),
            ("BTC/USD:BTC-250328-1-2-C", "after ':'"),
        ] {
            let err = input.parse::<Symbol>().unwrap_err();
            assert_eq!(err.input, input);
            assert!(
                err.reason.contains(reason_part),
                "{input:?}: reason {:?} lacks {reason_part:?}",
                err.reason
            );
            let msg = err.to_string();
            assert!(msg.contains("BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C|P"), "{msg}");
            assert!(msg.contains("BTC/USDT:USDT"), "{msg}");
        }
        assert!(Symbol::spot("", "USDT").is_err());
        assert!(Symbol::swap("BTC", "USDT", "").is_err());
    }

    #[test]
    fn expiry_validation() {
        assert!(Expiry::new(2024, 2, 29).is_ok());
        assert!(Expiry::new(2025, 2, 29).is_err());
        assert!(Expiry::new(1999, 1, 1).is_err());
        assert_eq!(Expiry::new(2025, 3, 28).unwrap().to_string(), "250328");
        // 2025-03-28T08:00:00Z, a Deribit expiration_timestamp
        assert_eq!(
            Expiry::from_ms(1_743_148_800_000).unwrap(),
            Expiry::new(2025, 3, 28).unwrap()
        );
        assert!(Expiry::from_ms(0).is_err());
    }

    #[test]
    fn serde_as_string() {
        let s = sym("BTC/USDT:USDT");
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""BTC/USDT:USDT""#);
        assert_eq!(
            serde_json::from_str::<Symbol>(r#""BTC/USDT:USDT""#).unwrap(),
            s
        );
        let err = serde_json::from_str::<Symbol>(r#""BTCUSDT""#).unwrap_err();
        assert!(err.to_string().contains("expected BASE/QUOTE"));
    }

    #[test]
    fn clone_is_shared_and_map_lookup_by_str() {
        let a = sym("BTC/USDT");
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        let mut m = HashMap::new();
        m.insert(a, 1);
        assert_eq!(m.get("BTC/USDT"), Some(&1));
        assert_eq!(b, "BTC/USDT");
        assert_eq!(format!("{b:?}"), r#"Symbol("BTC/USDT")"#);
    }
}
