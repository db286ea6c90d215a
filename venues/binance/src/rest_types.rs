//! Market-data responses of the REST API and the WebSocket API, decoded into core models.
//!
//! - `GET /api/v3/depth` and WebSocket API `depth` → [`DepthSnapshot`] → [`BookUpdate`]
//!   snapshot (`last_seq` = `lastUpdateId`), the starting point of a local book
//!   (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#order-book>).
//! - `GET /api/v3/klines` and WebSocket API `klines` → [`RestKline`]s → [`Candle`]s
//!   (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#klinecandlestick-data>).
//! - WebSocket API envelopes `{"id","status","result"|"error","rateLimits"}` →
//!   [`WsApiResponse`]
//!   (<https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/response-format>).
//!
//! **Closed klines.** A klines response does not say whether its last kline is still running.
//! [`klines_to_candles`] takes the current time when the caller knows it (`closed` =
//! `close_time < now`); without it every candle is marked `closed: true` — the last one may in
//! fact still be open (its `close_time` is in the future) when the request asked for the most
//! recent klines.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, SeqAccess, Visitor};
use tradewire_core::{BookLevel, BookUpdate, Candle, Decimal, DecodeError, Timeframe, Venue};

use crate::RequestId;
use crate::normalize;
use crate::symbols::resolve_cached;
use crate::wire::{Dec, RawDepth};

/// A depth snapshot: `{"lastUpdateId":…,"bids":[[p,q],…],"asks":[…]}` (REST
/// `/api/v3/depth`, WebSocket API `depth` result; the same shape as a partial depth stream
/// payload).
#[derive(Debug, Clone, PartialEq)]
pub struct DepthSnapshot {
    /// `lastUpdateId`.
    pub last_update_id: u64,
    /// Bids, best (highest) first as Binance sends them.
    pub bids: Vec<BookLevel>,
    /// Asks, best (lowest) first as Binance sends them.
    pub asks: Vec<BookLevel>,
}

impl<'de> Deserialize<'de> for DepthSnapshot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawDepth::deserialize(d)?;
        Ok(DepthSnapshot {
            last_update_id: raw.last_update_id,
            bids: raw.bids.0,
            asks: raw.asks.0,
        })
    }
}

impl DepthSnapshot {
    /// Parses a `GET /api/v3/depth` response body.
    ///
    /// ```
    /// use tradewire_binance::DepthSnapshot;
    /// // rest-api.md, "Order book" response
    /// let body = r#"{"lastUpdateId": 1027024, "bids": [["4.00000000", "431.00000000"]], "asks": [["4.00000200", "12.00000000"]]}"#;
    /// let snap = DepthSnapshot::parse(body)?;
    /// let book = snap.into_book_update("BNBBTC");
    /// assert_eq!(book.last_seq, Some(1027024));
    /// assert_eq!(book.bids[0].price.to_string(), "4.00000000");
    /// # Ok::<(), tradewire_core::DecodeError>(())
    /// ```
    pub fn parse(body: &str) -> Result<Self, DecodeError> {
        serde_json::from_str(body).map_err(|e| DecodeError::new(Venue::Binance, "depth", e))
    }

    /// The snapshot as a [`BookUpdate`] of `venue_symbol` (kind snapshot, `last_seq` =
    /// `lastUpdateId`), ready for [`OrderBook::apply`](tradewire_core::OrderBook::apply).
    pub fn into_book_update(self, venue_symbol: &str) -> BookUpdate {
        normalize::depth_snapshot(
            RawDepth {
                last_update_id: self.last_update_id,
                bids: crate::wire::Levels(self.bids),
                asks: crate::wire::Levels(self.asks),
            },
            venue_symbol,
        )
    }
}

/// One kline of a klines response: the positional array `[open_time, "open", "high", "low",
/// "close", "volume", close_time, "quote_volume", trades, "taker_buy_base",
/// "taker_buy_quote", "ignore"]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RestKline {
    /// Open time, UTC ms.
    pub open_time: i64,
    /// Open price.
    pub open: Decimal,
    /// High price.
    pub high: Decimal,
    /// Low price.
    pub low: Decimal,
    /// Close price.
    pub close: Decimal,
    /// Base asset volume.
    pub volume: Decimal,
    /// Close time (last millisecond of the interval), UTC ms.
    pub close_time: i64,
    /// Quote asset volume.
    pub quote_volume: Decimal,
    /// Number of trades.
    pub trade_count: u64,
    /// Taker buy base asset volume.
    pub taker_buy_base_volume: Decimal,
    /// Taker buy quote asset volume.
    pub taker_buy_quote_volume: Decimal,
}

impl<'de> Deserialize<'de> for RestKline {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KlineVisitor;

        impl<'de> Visitor<'de> for KlineVisitor {
            type Value = RestKline;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a kline array of 11 or 12 elements")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RestKline, A::Error> {
                fn req<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(
                    seq: &mut A,
                    index: usize,
                ) -> Result<T, A::Error> {
                    seq.next_element()?
                        .ok_or_else(|| de::Error::invalid_length(index, &"12 kline fields"))
                }
                let open_time: i64 = req(&mut seq, 0)?;
                let Dec(open) = req(&mut seq, 1)?;
                let Dec(high) = req(&mut seq, 2)?;
                let Dec(low) = req(&mut seq, 3)?;
                let Dec(close) = req(&mut seq, 4)?;
                let Dec(volume) = req(&mut seq, 5)?;
                let close_time: i64 = req(&mut seq, 6)?;
                let Dec(quote_volume) = req(&mut seq, 7)?;
                let trade_count: u64 = req(&mut seq, 8)?;
                let Dec(taker_buy_base_volume) = req(&mut seq, 9)?;
                let Dec(taker_buy_quote_volume) = req(&mut seq, 10)?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RestKline {
                    open_time,
                    open,
                    high,
                    low,
                    close,
                    volume,
                    close_time,
                    quote_volume,
                    trade_count,
                    taker_buy_base_volume,
                    taker_buy_quote_volume,
                })
            }
        }

        d.deserialize_seq(KlineVisitor)
    }
}

impl RestKline {
    /// Parses a `GET /api/v3/klines` response body (an array of kline arrays).
    pub fn parse_list(body: &str) -> Result<Vec<RestKline>, DecodeError> {
        serde_json::from_str(body).map_err(|e| DecodeError::new(Venue::Binance, "klines", e))
    }

    /// This kline as a [`Candle`] of `venue_symbol` at `timeframe` (the request's interval).
    pub fn to_candle(&self, venue_symbol: &str, timeframe: Timeframe, closed: bool) -> Candle {
        Candle {
            venue: Venue::Binance,
            symbol: resolve_cached(venue_symbol),
            venue_symbol: venue_symbol.to_owned(),
            timeframe,
            open_time: self.open_time,
            close_time: Some(self.close_time),
            open: self.open,
            high: self.high,
            low: self.low,
            close: self.close,
            volume: self.volume,
            quote_volume: Some(self.quote_volume),
            trades: Some(self.trade_count),
            closed,
        }
    }
}

/// Klines as candles. With `now_ms` (e.g. the server time), `closed` is `close_time <
/// now_ms`; without it every candle is marked closed, although the last one may still be
/// running (see the module documentation).
///
/// ```
/// use tradewire_binance::{RestKline, klines_to_candles};
/// use tradewire_core::Timeframe;
/// // rest-api.md, "Kline/Candlestick data" response
/// let body = r#"[[1499040000000, "0.01634790", "0.80000000", "0.01575800", "0.01577100",
///     "148976.11427815", 1499644799999, "2434.19055334", 308, "1756.87402397",
///     "28.46694368", "0"]]"#;
/// let klines = RestKline::parse_list(body)?;
/// let candles = klines_to_candles(&klines, "BNBBTC", Timeframe::W1, Some(1_499_100_000_000));
/// assert!(!candles[0].closed);
/// assert_eq!(candles[0].volume.to_string(), "148976.11427815");
/// assert!(klines_to_candles(&klines, "BNBBTC", Timeframe::W1, None)[0].closed);
/// # Ok::<(), tradewire_core::DecodeError>(())
/// ```
pub fn klines_to_candles(
    klines: &[RestKline],
    venue_symbol: &str,
    timeframe: Timeframe,
    now_ms: Option<i64>,
) -> Vec<Candle> {
    klines
        .iter()
        .map(|k| {
            let closed = now_ms.is_none_or(|now| k.close_time < now);
            k.to_candle(venue_symbol, timeframe, closed)
        })
        .collect()
}

/// One entry of a WebSocket API response's `rateLimits`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RateLimitStatus {
    /// `REQUEST_WEIGHT`, `ORDERS`, `RAW_REQUESTS`.
    #[serde(rename = "rateLimitType")]
    pub rate_limit_type: String,
    /// `SECOND`, `MINUTE`, `DAY`.
    pub interval: String,
    /// Number of `interval`s in the window.
    #[serde(rename = "intervalNum")]
    pub interval_num: u32,
    /// The limit.
    pub limit: u64,
    /// Usage so far in the window.
    #[serde(default)]
    pub count: u64,
}

/// The `error` of a failed WebSocket API (or REST) request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    /// Binance's error code (e.g. `-2010`, `-1121`).
    pub code: i64,
    /// Binance's message, verbatim.
    pub msg: String,
}

impl ApiError {
    /// As a [`tradewire_core::Error::Venue`] (code kept).
    pub fn to_error(&self) -> tradewire_core::Error {
        tradewire_core::Error::venue(Venue::Binance, self.code, self.msg.clone())
    }
}

/// A WebSocket API response envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct WsApiResponse<T> {
    /// The request's id.
    pub id: Option<RequestId>,
    /// HTTP-like status (200 ok, 4xx request error, 5xx server error).
    pub status: u16,
    /// The result, or Binance's error.
    pub result: Result<T, ApiError>,
    /// Rate-limit usage, when the connection reports it.
    pub rate_limits: Vec<RateLimitStatus>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    id: Option<RequestId>,
    status: u16,
    #[serde(default = "Option::default")]
    result: Option<T>,
    #[serde(default)]
    error: Option<ApiError>,
    #[serde(rename = "rateLimits", default)]
    rate_limits: Vec<RateLimitStatus>,
}

impl<T: DeserializeOwned> WsApiResponse<T> {
    /// Parses a response whose `result` is a `T` (e.g. [`DepthSnapshot`],
    /// `Vec<`[`RestKline`]`>`). A response with `error` parses with any `T`.
    ///
    /// ```
    /// use tradewire_binance::{DepthSnapshot, WsApiResponse};
    /// // web-socket-api.md, "Response format" (failed response, rate limits trimmed)
    /// let text = r#"{"id": "e2a85d9f-07a5-4f94-8d5f-789dc3deb097", "status": 400,
    ///   "error": {"code": -2010, "msg": "Account has insufficient balance for requested action."}}"#;
    /// let resp = WsApiResponse::<DepthSnapshot>::parse(text)?;
    /// assert_eq!(resp.status, 400);
    /// assert_eq!(resp.result.unwrap_err().code, -2010);
    /// # Ok::<(), tradewire_core::DecodeError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let env: Envelope<T> = serde_json::from_str(text)
            .map_err(|e| DecodeError::new(Venue::Binance, "WebSocket API response", e))?;
        let result = match (env.result, env.error) {
            (_, Some(error)) => Err(error),
            (Some(result), None) => Ok(result),
            (None, None) => {
                return Err(DecodeError::new(
                    Venue::Binance,
                    "WebSocket API response",
                    "neither \"result\" nor \"error\"",
                ));
            }
        };
        Ok(WsApiResponse {
            id: env.id,
            status: env.status,
            result,
            rate_limits: env.rate_limits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::{Applied, OrderBook, SequenceRule};

    /// rest-api.md, "Market Data endpoints > Order book", response (comments stripped).
    const REST_DEPTH: &str = r#"{
    "lastUpdateId": 1027024,
    "bids": [
        [
            "4.00000000",
            "431.00000000"
        ]
    ],
    "asks": [["4.00000200", "12.00000000"]]
}"#;

    /// rest-api.md, "Kline/Candlestick data", response (comments stripped).
    const REST_KLINES: &str = r#"[
    [
        1499040000000,
        "0.01634790",
        "0.80000000",
        "0.01575800",
        "0.01577100",
        "148976.11427815",
        1499644799999,
        "2434.19055334",
        308,
        "1756.87402397",
        "28.46694368",
        "0"
    ]
]"#;

    /// web-socket-api.md, "Market data requests > Order book", response (comments stripped).
    const WSAPI_DEPTH: &str = r#"{
    "id": "51e2affb-0aba-4821-ba75-f2625006eb43",
    "status": 200,
    "result": {
        "lastUpdateId": 2731179239,
        "bids": [
            ["0.01379900", "3.43200000"],
            ["0.01379800", "3.24300000"],
            ["0.01379700", "10.45500000"],
            ["0.01379600", "3.82100000"],
            ["0.01379500", "10.26200000"]
        ],
        "asks": [
            ["0.01380000", "5.91700000"],
            ["0.01380100", "6.01400000"],
            ["0.01380200", "0.26800000"],
            ["0.01380300", "0.33800000"],
            ["0.01380400", "0.26800000"]
        ]
    },
    "rateLimits": [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000, "count": 2}
    ]
}"#;

    /// web-socket-api.md, "Market data requests > Klines", response (comments stripped).
    const WSAPI_KLINES: &str = r#"{
    "id": "1dbbeb56-8eea-466a-8f6e-86bdcfa2fc0b",
    "status": 200,
    "result": [
        [1655971200000, "0.01086000", "0.01086600", "0.01083600", "0.01083800",
         "2290.53800000", 1655974799999, "24.85074442", 2283, "1171.64000000",
         "12.71225884", "0"]
    ],
    "rateLimits": [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000, "count": 2}
    ]
}"#;

    /// web-socket-api.md, "Response format", example of failed response.
    const WSAPI_ERROR: &str = r#"{
    "id": "e2a85d9f-07a5-4f94-8d5f-789dc3deb097",
    "status": 400,
    "error": {
        "code": -2010,
        "msg": "Account has insufficient balance for requested action."
    },
    "rateLimits": [
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 50, "count": 13},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 160000, "count": 4044},
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000, "count": 322}
    ]
}"#;

    #[test]
    fn rest_depth_snapshot() {
        let snap = DepthSnapshot::parse(REST_DEPTH).unwrap();
        assert_eq!(snap.last_update_id, 1027024);
        let book = snap.into_book_update("BNBBTC");
        assert!(book.is_snapshot());
        assert_eq!(book.symbol.as_ref().unwrap().as_str(), "BNB/BTC");
        assert_eq!(book.bids[0].price.to_string(), "4.00000000");
        assert_eq!(book.bids[0].amount.to_string(), "431.00000000");
        assert_eq!(book.asks[0].price.to_string(), "4.00000200");
        let mut ob = OrderBook::new(SequenceRule::BinanceSpot);
        assert_eq!(ob.apply(&book), Ok(Applied::Snapshot));
        assert_eq!(ob.last_seq(), Some(1027024));
        assert!(DepthSnapshot::parse(r#"{"bids":[]}"#).is_err());
    }

    #[test]
    fn rest_klines() {
        let klines = RestKline::parse_list(REST_KLINES).unwrap();
        assert_eq!(klines.len(), 1);
        let k = &klines[0];
        assert_eq!(k.open_time, 1499040000000);
        assert_eq!(k.close_time, 1499644799999);
        assert_eq!(k.trade_count, 308);
        assert_eq!(k.open.to_string(), "0.01634790");
        assert_eq!(k.taker_buy_quote_volume.to_string(), "28.46694368");
        let c = k.to_candle("BNBBTC", Timeframe::W1, true);
        assert_eq!(c.quote_volume.unwrap().to_string(), "2434.19055334");
        assert_eq!(c.trades, Some(308));
        assert!(klines_to_candles(&klines, "BNBBTC", Timeframe::W1, Some(1499644800000))[0].closed);
        assert!(RestKline::parse_list("[[1,\"2\"]]").is_err());
    }

    #[test]
    fn wsapi_depth_and_klines() {
        let depth = WsApiResponse::<DepthSnapshot>::parse(WSAPI_DEPTH).unwrap();
        assert_eq!(
            depth.id,
            Some(RequestId::Text(
                "51e2affb-0aba-4821-ba75-f2625006eb43".into()
            ))
        );
        assert_eq!(depth.status, 200);
        assert_eq!(depth.rate_limits.len(), 1);
        let snap = depth.result.unwrap();
        assert_eq!(snap.last_update_id, 2731179239);
        assert_eq!(snap.bids.len(), 5);
        assert_eq!(snap.asks[4].amount.to_string(), "0.26800000");

        let klines = WsApiResponse::<Vec<RestKline>>::parse(WSAPI_KLINES).unwrap();
        let k = &klines.result.unwrap()[0];
        assert_eq!(k.open_time, 1655971200000);
        assert_eq!(k.volume.to_string(), "2290.53800000");
    }

    #[test]
    fn wsapi_error() {
        let resp = WsApiResponse::<DepthSnapshot>::parse(WSAPI_ERROR).unwrap();
        assert_eq!(resp.status, 400);
        assert_eq!(resp.rate_limits.len(), 3);
        assert_eq!(resp.rate_limits[2].count, 322);
        let err = resp.result.unwrap_err();
        assert_eq!(err.code, -2010);
        assert_eq!(
            err.to_error().to_string(),
            "binance error -2010: Account has insufficient balance for requested action."
        );
        assert!(WsApiResponse::<DepthSnapshot>::parse(r#"{"id":1,"status":200}"#).is_err());
    }
}
