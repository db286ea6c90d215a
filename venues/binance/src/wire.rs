//! Borrowed wire structs: Binance payloads exactly as sent, deserialized in one pass from the
//! frame's `&str` (strings borrowed, decimals parsed from the borrowed text, scale kept).
//! [`crate::normalize`] turns them into the public event types.
//!
//! Field letters and meanings: <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams>.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::value::RawValue;
use tradewire_core::{BookLevel, Decimal};

/// Parses a decimal exactly as written (`"0.35280000"` keeps its 8 decimal places); accepts
/// scientific notation (`"9.121E-7"`) as a fallback.
#[inline]
pub(crate) fn parse_decimal(s: &str) -> Option<Decimal> {
    match Decimal::from_str_exact(s) {
        Ok(d) => Some(d),
        Err(_) => Decimal::from_scientific(s).ok(),
    }
}

struct DecVisitor;

impl Visitor<'_> for DecVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number as a string")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        self.visit_str(&v.to_string())
    }
}

/// A decimal read from a JSON string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    /// Binance writes every price and size as a string; `deserialize_str` is serde_json's
    /// shortest path to the borrowed text (numbers are rejected).
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(DecVisitor).map(Dec)
    }
}

/// A JSON string, borrowed from the frame when it has no escapes.
enum Text<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Text<'_> {
    #[inline]
    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            #[inline]
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::Borrowed(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text::Owned(v.to_owned()))
            }
        }

        d.deserialize_str(TextVisitor)
    }
}

/// One `["price","qty"]` level (extra elements ignored). Both strings are read first and
/// parsed afterwards: in this tight loop that measured faster than parsing inside each
/// element's callback.
struct Level(BookLevel);

impl<'de> Deserialize<'de> for Level {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LevelVisitor;

        impl<'de> Visitor<'de> for LevelVisitor {
            type Value = Level;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a [price, quantity] pair")
            }

            #[inline]
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Level, A::Error> {
                let price: Text<'de> = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let amount: Text<'de> = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                let (Some(price), Some(amount)) = (
                    parse_decimal(price.as_str()),
                    parse_decimal(amount.as_str()),
                ) else {
                    return Err(de::Error::custom(format_args!(
                        "invalid price level [{:?}, {:?}]",
                        price.as_str(),
                        amount.as_str()
                    )));
                };
                Ok(Level(BookLevel::new(price, amount)))
            }
        }

        d.deserialize_seq(LevelVisitor)
    }
}

/// A list of levels, `[["price","qty"], …]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Levels(pub Vec<BookLevel>);

impl<'de> Deserialize<'de> for Levels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LevelsVisitor;

        impl<'de> Visitor<'de> for LevelsVisitor {
            type Value = Levels;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of [price, quantity] pairs")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Levels, A::Error> {
                let mut levels = Vec::with_capacity(seq.size_hint().unwrap_or(8).min(5000));
                while let Some(Level(level)) = seq.next_element()? {
                    levels.push(level);
                }
                Ok(Levels(levels))
            }
        }

        d.deserialize_seq(LevelsVisitor)
    }
}

/// `trade` (section "Trade Streams").
#[derive(Deserialize)]
pub(crate) struct RawTrade<'a> {
    #[serde(rename = "E")]
    pub event_time: i64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "t")]
    pub id: u64,
    #[serde(rename = "p")]
    pub price: Dec,
    #[serde(rename = "q")]
    pub qty: Dec,
    #[serde(rename = "T")]
    pub trade_time: i64,
    #[serde(rename = "m")]
    pub buyer_is_maker: bool,
}

/// `aggTrade` (section "Aggregate Trade Streams").
#[derive(Deserialize)]
pub(crate) struct RawAggTrade<'a> {
    #[serde(rename = "E")]
    pub event_time: i64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "a")]
    pub id: u64,
    #[serde(rename = "p")]
    pub price: Dec,
    #[serde(rename = "q")]
    pub qty: Dec,
    #[serde(rename = "f")]
    pub first_trade_id: u64,
    #[serde(rename = "l")]
    pub last_trade_id: u64,
    #[serde(rename = "T")]
    pub trade_time: i64,
    #[serde(rename = "m")]
    pub buyer_is_maker: bool,
}

/// `kline` (section "Kline/Candlestick Streams for UTC").
#[derive(Deserialize)]
pub(crate) struct RawKline<'a> {
    #[serde(rename = "E")]
    pub event_time: i64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "k", borrow)]
    pub k: RawKlineBody<'a>,
}

/// The `k` object of a kline event.
#[derive(Deserialize)]
pub(crate) struct RawKlineBody<'a> {
    #[serde(rename = "t")]
    pub open_time: i64,
    #[serde(rename = "T")]
    pub close_time: i64,
    #[serde(rename = "i", borrow)]
    pub interval: Cow<'a, str>,
    #[serde(rename = "f")]
    pub first_trade_id: i64,
    #[serde(rename = "L")]
    pub last_trade_id: i64,
    #[serde(rename = "o")]
    pub open: Dec,
    #[serde(rename = "c")]
    pub close: Dec,
    #[serde(rename = "h")]
    pub high: Dec,
    #[serde(rename = "l")]
    pub low: Dec,
    #[serde(rename = "v")]
    pub volume: Dec,
    #[serde(rename = "n")]
    pub trades: u64,
    #[serde(rename = "x")]
    pub closed: bool,
    #[serde(rename = "q")]
    pub quote_volume: Dec,
    #[serde(rename = "V")]
    pub taker_buy_base_volume: Dec,
    #[serde(rename = "Q")]
    pub taker_buy_quote_volume: Dec,
}

/// `depthUpdate` (section "Diff. Depth Stream").
#[derive(Deserialize)]
pub(crate) struct RawDepthUpdate<'a> {
    #[serde(rename = "E")]
    pub event_time: i64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "U")]
    pub first_update_id: u64,
    #[serde(rename = "u")]
    pub final_update_id: u64,
    #[serde(rename = "b")]
    pub bids: Levels,
    #[serde(rename = "a")]
    pub asks: Levels,
}

/// Partial book depth (section "Partial Book Depth Streams"), also the REST `GET
/// /api/v3/depth` body and the WebSocket API `depth` result.
#[derive(Deserialize)]
pub(crate) struct RawDepth {
    #[serde(rename = "lastUpdateId")]
    pub last_update_id: u64,
    pub bids: Levels,
    pub asks: Levels,
}

/// `bookTicker` (section "Individual Symbol Book Ticker Streams"): no `e`, no `E`.
#[derive(Deserialize)]
pub(crate) struct RawBookTicker<'a> {
    #[serde(rename = "u")]
    pub update_id: u64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "b")]
    pub bid: Dec,
    #[serde(rename = "B")]
    pub bid_qty: Dec,
    #[serde(rename = "a")]
    pub ask: Dec,
    #[serde(rename = "A")]
    pub ask_qty: Dec,
}

/// `24hrTicker` (section "Individual Symbol Ticker Streams").
#[derive(Deserialize)]
pub(crate) struct RawTicker<'a> {
    #[serde(rename = "E")]
    pub event_time: i64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "p")]
    pub price_change: Dec,
    #[serde(rename = "P")]
    pub price_change_percent: Dec,
    #[serde(rename = "w")]
    pub weighted_avg_price: Dec,
    #[serde(rename = "x")]
    pub first_trade_price: Dec,
    #[serde(rename = "c")]
    pub last: Dec,
    #[serde(rename = "Q")]
    pub last_qty: Dec,
    #[serde(rename = "b")]
    pub bid: Dec,
    #[serde(rename = "B")]
    pub bid_qty: Dec,
    #[serde(rename = "a")]
    pub ask: Dec,
    #[serde(rename = "A")]
    pub ask_qty: Dec,
    #[serde(rename = "o")]
    pub open: Dec,
    #[serde(rename = "h")]
    pub high: Dec,
    #[serde(rename = "l")]
    pub low: Dec,
    #[serde(rename = "v")]
    pub volume: Dec,
    #[serde(rename = "q")]
    pub quote_volume: Dec,
    #[serde(rename = "O")]
    pub open_time: i64,
    #[serde(rename = "C")]
    pub close_time: i64,
    #[serde(rename = "F")]
    pub first_trade_id: i64,
    #[serde(rename = "L")]
    pub last_trade_id: i64,
    #[serde(rename = "n")]
    pub trades: u64,
}

/// `24hrMiniTicker` (section "Individual Symbol Mini Ticker Stream").
#[derive(Deserialize)]
pub(crate) struct RawMiniTicker<'a> {
    #[serde(rename = "E")]
    pub event_time: i64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "c")]
    pub close: Dec,
    #[serde(rename = "o")]
    pub open: Dec,
    #[serde(rename = "h")]
    pub high: Dec,
    #[serde(rename = "l")]
    pub low: Dec,
    #[serde(rename = "v")]
    pub volume: Dec,
    #[serde(rename = "q")]
    pub quote_volume: Dec,
}

/// `1hTicker` / `4hTicker` / `1dTicker` (section "Individual Symbol Rolling Window Statistics
/// Streams").
#[derive(Deserialize)]
pub(crate) struct RawRollingTicker<'a> {
    #[serde(rename = "e", borrow)]
    pub event_type: Cow<'a, str>,
    #[serde(rename = "E")]
    pub event_time: i64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "p")]
    pub price_change: Dec,
    #[serde(rename = "P")]
    pub price_change_percent: Dec,
    #[serde(rename = "o")]
    pub open: Dec,
    #[serde(rename = "h")]
    pub high: Dec,
    #[serde(rename = "l")]
    pub low: Dec,
    #[serde(rename = "c")]
    pub last: Dec,
    #[serde(rename = "w")]
    pub weighted_avg_price: Dec,
    #[serde(rename = "v")]
    pub volume: Dec,
    #[serde(rename = "q")]
    pub quote_volume: Dec,
    #[serde(rename = "O")]
    pub open_time: i64,
    #[serde(rename = "C")]
    pub close_time: i64,
    #[serde(rename = "F")]
    pub first_trade_id: i64,
    #[serde(rename = "L")]
    pub last_trade_id: i64,
    #[serde(rename = "n")]
    pub trades: u64,
}

/// `avgPrice` (section "Average Price").
#[derive(Deserialize)]
pub(crate) struct RawAvgPrice<'a> {
    #[serde(rename = "E")]
    pub event_time: i64,
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "i", borrow)]
    pub interval: Cow<'a, str>,
    #[serde(rename = "w")]
    pub price: Dec,
    #[serde(rename = "T")]
    pub last_trade_time: i64,
}

/// `blockTrade` (section "Block Trade Streams"): the same fields as `trade`.
pub(crate) type RawBlockTrade<'a> = RawTrade<'a>;

/// `referencePrice` (section "Reference Price Streams"): `r` is `null` when there is none.
#[derive(Deserialize)]
pub(crate) struct RawReferencePrice<'a> {
    #[serde(rename = "s", borrow)]
    pub symbol: Cow<'a, str>,
    #[serde(rename = "r", default)]
    pub price: Option<Dec>,
    #[serde(rename = "t")]
    pub time: i64,
}

/// `serverShutdown` (section "Server Shutdown").
#[derive(Deserialize)]
pub(crate) struct RawShutdown {
    #[serde(rename = "E")]
    pub event_time: i64,
}

/// The `result` of a control reply: absent, `null`, a list of stream names
/// (`LIST_SUBSCRIPTIONS`) or a boolean (`GET_PROPERTY`).
#[derive(Debug, Default)]
pub(crate) enum RawResult {
    #[default]
    Absent,
    Null,
    List(Vec<String>),
    Bool(bool),
}

impl<'de> Deserialize<'de> for RawResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ResultVisitor;

        impl<'de> Visitor<'de> for ResultVisitor {
            type Value = RawResult;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("null, a list of stream names or a boolean")
            }

            fn visit_unit<E: de::Error>(self) -> Result<RawResult, E> {
                Ok(RawResult::Null)
            }

            fn visit_none<E: de::Error>(self) -> Result<RawResult, E> {
                Ok(RawResult::Null)
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawResult, E> {
                Ok(RawResult::Bool(v))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawResult, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(RawResult::List(out))
            }
        }

        d.deserialize_any(ResultVisitor)
    }
}

/// A control reply: `{"result":…,"id":…}` or `{"code":…,"msg":…,"id":…}` (section "Live
/// Subscribing/Unsubscribing to streams" and "Error Messages").
#[derive(Deserialize)]
pub(crate) struct RawControl<'a> {
    #[serde(default)]
    pub result: RawResult,
    #[serde(default)]
    pub id: Option<crate::RequestId>,
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default, borrow)]
    pub msg: Option<Cow<'a, str>>,
    /// `{"error":{"code":…,"msg":…},"id":…}`: the layout live servers are reported to use
    /// for the errors of the documented "Error Messages" table.
    #[serde(default, borrow)]
    pub error: Option<RawErrorBody<'a>>,
}

/// The `error` object of a wrapped control error.
#[derive(Deserialize)]
pub(crate) struct RawErrorBody<'a> {
    pub code: i64,
    #[serde(default, borrow)]
    pub msg: Option<Cow<'a, str>>,
}

/// The combined-stream wrapper, for layouts the fast path does not recognise.
#[derive(Deserialize)]
pub(crate) struct RawCombined<'a> {
    #[serde(borrow)]
    pub stream: Cow<'a, str>,
    #[serde(borrow)]
    pub data: &'a RawValue,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(d).map(|_| true)
}

/// Which keys a payload has: classifies frames whose keys are not in Binance's usual order.
#[derive(Deserialize)]
pub(crate) struct Probe<'a> {
    #[serde(rename = "e", default, borrow)]
    pub event_type: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub stream: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub data: Option<&'a RawValue>,
    #[serde(rename = "lastUpdateId", default, deserialize_with = "present")]
    pub last_update_id: bool,
    #[serde(rename = "u", default, deserialize_with = "present")]
    pub update_id: bool,
    #[serde(default, deserialize_with = "present")]
    pub result: bool,
    #[serde(default, deserialize_with = "present")]
    pub code: bool,
    #[serde(default, deserialize_with = "present")]
    pub error: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_scale() {
        assert_eq!(
            parse_decimal("0.35280000").unwrap().to_string(),
            "0.35280000"
        );
        assert_eq!(parse_decimal("100").unwrap().to_string(), "100");
        assert_eq!(
            parse_decimal("9.121E-7").unwrap().to_string(),
            "0.0000009121"
        );
        assert!(parse_decimal("abc").is_none());
        assert!(parse_decimal("").is_none());
        let d: Dec = serde_json::from_str("\"0.0010\"").unwrap();
        assert_eq!(d.0.to_string(), "0.0010");
        assert!(serde_json::from_str::<Dec>("12").is_err());
        assert!(serde_json::from_str::<Dec>("true").is_err());
    }

    #[test]
    fn levels_tolerate_extra_elements_and_reject_short_pairs() {
        let l: Levels = serde_json::from_str(r#"[["1.0","2"],["3","4","x"]]"#).unwrap();
        assert_eq!(l.0.len(), 2);
        assert_eq!(l.0[1].amount, Decimal::from(4));
        assert!(serde_json::from_str::<Levels>(r#"[["1.0"]]"#).is_err());
        // Escaped text is decoded (owned) rather than rejected.
        let l: Levels = serde_json::from_str(r#"[["1\u002e50","2"]]"#).unwrap();
        assert_eq!(l.0[0].price.to_string(), "1.50");
        assert!(serde_json::from_str::<Levels>(r#"[["1.0","x"]]"#).is_err());
    }

    #[test]
    fn control_results() {
        let c: RawControl<'_> = serde_json::from_str(r#"{"result":null,"id":1}"#).unwrap();
        assert!(matches!(c.result, RawResult::Null));
        let c: RawControl<'_> = serde_json::from_str(r#"{"id":1}"#).unwrap();
        assert!(matches!(c.result, RawResult::Absent));
        let c: RawControl<'_> = serde_json::from_str(r#"{"result":true,"id":2}"#).unwrap();
        assert!(matches!(c.result, RawResult::Bool(true)));
        assert!(serde_json::from_str::<RawControl<'_>>(r#"{"result":{"a":1}}"#).is_err());
    }
}
