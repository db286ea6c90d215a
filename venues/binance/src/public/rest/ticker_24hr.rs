//! `GET /api/v3/ticker/24hr?symbol=…`: one symbol's 24-hour rolling window statistics, as a
//! core [`Ticker`].
//!
//! Source: rest-api.md, "Market Data endpoints" → "24hr ticker price change statistics"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#24hr-ticker-price-change-statistics>).
//! With `symbol`: weight 2 and a single object (type `FULL`, the default). The all-symbols and
//! `symbols=[…]` forms (weight up to 80) and `type=MINI` are not requested here.
//!
//! Mapping: `bidPrice`/`bidQty`/`askPrice`/`askQty` → bid/ask, `lastPrice` → `last`,
//! `openPrice`/`highPrice`/`lowPrice` → 24h open/high/low, `volume`/`quoteVolume` → 24h
//! volumes, `closeTime` (the end of the window) → `time`.

use serde::Deserialize;
use tradewire_core::{Decimal, Ticker, Venue};
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};

use super::{invalid, venue_symbol};
use crate::SymbolMap;

/// The endpoint's path.
pub const PATH: &str = "/api/v3/ticker/24hr";

/// The documented weight with `symbol`.
pub const WEIGHT: u32 = 2;

/// The request: one symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticker24hrRequest {
    /// The symbol (Binance spelling, upper case).
    pub symbol: String,
}

impl Ticker24hrRequest {
    /// The ticker of `symbol` (upper-cased).
    pub fn new(symbol: &str) -> Self {
        Ticker24hrRequest {
            symbol: venue_symbol(symbol),
        }
    }

    /// The query parameters; an error for an empty symbol (which would ask for every symbol,
    /// weight 80).
    pub fn params(&self) -> Result<Params, RestError> {
        if self.symbol.is_empty() {
            return Err(invalid("ticker/24hr: symbol is empty"));
        }
        Ok(Params::new().with("symbol", &self.symbol))
    }

    /// The request, ready to send.
    pub fn request<'a>(&self, rest: &RestClient) -> Result<RequestBuilder<'a>, RestError> {
        Ok(rest.get(PATH).params(self.params()?).weight(WEIGHT))
    }
}

/// The response (type `FULL`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticker24hr {
    /// Symbol.
    pub symbol: String,
    /// Price change over the window.
    pub price_change: Decimal,
    /// Price change in percent.
    pub price_change_percent: Decimal,
    /// Volume-weighted average price.
    pub weighted_avg_price: Decimal,
    /// Close price of the previous window.
    pub prev_close_price: Decimal,
    /// Last price.
    pub last_price: Decimal,
    /// Last quantity.
    pub last_qty: Decimal,
    /// Best bid price.
    pub bid_price: Decimal,
    /// Best bid quantity.
    pub bid_qty: Decimal,
    /// Best ask price.
    pub ask_price: Decimal,
    /// Best ask quantity.
    pub ask_qty: Decimal,
    /// Open price of the window.
    pub open_price: Decimal,
    /// High price.
    pub high_price: Decimal,
    /// Low price.
    pub low_price: Decimal,
    /// Base asset volume.
    pub volume: Decimal,
    /// Quote asset volume.
    pub quote_volume: Decimal,
    /// Window start, UTC ms.
    pub open_time: i64,
    /// Window end, UTC ms.
    pub close_time: i64,
    /// First trade id (`-1` when none).
    pub first_id: i64,
    /// Last trade id (`-1` when none).
    pub last_id: i64,
    /// Trade count.
    pub count: u64,
}

impl Ticker24hr {
    /// As a core [`Ticker`].
    pub fn to_ticker(&self) -> Ticker {
        Ticker {
            time: Some(self.close_time),
            bid: Some(self.bid_price),
            bid_amount: Some(self.bid_qty),
            ask: Some(self.ask_price),
            ask_amount: Some(self.ask_qty),
            last: Some(self.last_price),
            open_24h: Some(self.open_price),
            high_24h: Some(self.high_price),
            low_24h: Some(self.low_price),
            volume_24h: Some(self.volume),
            quote_volume_24h: Some(self.quote_volume),
            ..Ticker::new(
                Venue::Binance,
                SymbolMap::resolve_global(&self.symbol),
                self.symbol.clone(),
            )
        }
    }
}

/// Sends the request; the statistics as Binance sent them.
pub async fn send_raw(rest: &RestClient, req: &Ticker24hrRequest) -> Result<Ticker24hr, RestError> {
    req.request(rest)?.send_json().await
}

/// Sends the request; the statistics as a core [`Ticker`].
pub async fn send(rest: &RestClient, req: &Ticker24hrRequest) -> Result<Ticker, RestError> {
    Ok(send_raw(rest, req).await?.to_ticker())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rest-api.md, "24hr ticker price change statistics", Response - FULL (single object,
    /// comments stripped).
    const DOC_TICKER: &str = r#"{
    "symbol": "BNBBTC",
    "priceChange": "-94.99999800",
    "priceChangePercent": "-95.960",
    "weightedAvgPrice": "0.29628482",
    "prevClosePrice": "0.10002000",
    "lastPrice": "4.00000200",
    "lastQty": "200.00000000",
    "bidPrice": "4.00000000",
    "bidQty": "100.00000000",
    "askPrice": "4.00000200",
    "askQty": "100.00000000",
    "openPrice": "99.00000000",
    "highPrice": "100.00000000",
    "lowPrice": "0.10000000",
    "volume": "8913.30000000",
    "quoteVolume": "15.30000000",
    "openTime": 1499783499040,
    "closeTime": 1499869899040,
    "firstId": 28385,
    "lastId": 28460,
    "count": 76
}"#;

    #[test]
    fn params_serialize() {
        assert_eq!(
            Ticker24hrRequest::new("bnbbtc")
                .params()
                .unwrap()
                .to_query_string(),
            "symbol=BNBBTC"
        );
        assert!(Ticker24hrRequest::new("").params().is_err());
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = Ticker24hrRequest::new("BNBBTC")
            .request(&rest)
            .unwrap()
            .prepare()
            .unwrap();
        assert_eq!(req.path, "/api/v3/ticker/24hr");
        assert_eq!(req.query_string(), "symbol=BNBBTC");
    }

    #[test]
    fn documented_response() {
        let raw: Ticker24hr = serde_json::from_str(DOC_TICKER).unwrap();
        assert_eq!(raw.price_change_percent.to_string(), "-95.960");
        assert_eq!((raw.first_id, raw.last_id, raw.count), (28385, 28460, 76));
        let t = raw.to_ticker();
        assert_eq!(t.venue_symbol, "BNBBTC");
        assert_eq!(t.symbol.as_ref().map(|s| s.as_str()), Some("BNB/BTC"));
        assert_eq!(t.time, Some(1499869899040));
        assert_eq!(t.bid.unwrap().to_string(), "4.00000000");
        assert_eq!(t.bid_amount.unwrap().to_string(), "100.00000000");
        assert_eq!(t.ask.unwrap().to_string(), "4.00000200");
        assert_eq!(t.last.unwrap().to_string(), "4.00000200");
        assert_eq!(t.open_24h.unwrap().to_string(), "99.00000000");
        assert_eq!(t.high_24h.unwrap().to_string(), "100.00000000");
        assert_eq!(t.low_24h.unwrap().to_string(), "0.10000000");
        assert_eq!(t.volume_24h.unwrap().to_string(), "8913.30000000");
        assert_eq!(t.quote_volume_24h.unwrap().to_string(), "15.30000000");
    }

    #[test]
    fn array_response_is_not_a_single_ticker() {
        let array = format!("[{DOC_TICKER}]");
        assert!(serde_json::from_str::<Ticker24hr>(&array).is_err());
    }
}
