//! `GET /api/v3/depth`: an order book snapshot, the starting point of a local book
//! (then apply `<symbol>@depth` deltas with
//! [`SequenceRule::BinanceSpot`](tradewire_core::SequenceRule::BinanceSpot)).
//!
//! Source: rest-api.md, "Market Data endpoints" → "Order book"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#order-book>).
//! Parameters `symbol` (mandatory), `limit` (default 100, maximum 5000: "If limit > 5000, only
//! 5000 entries will be returned"). Weight by `limit`: 1–100 → 5, 101–500 → 25,
//! 501–1000 → 50, 1001–5000 → 250.
//!
//! ```
//! use tradewire_binance::public::rest::depth::DepthRequest;
//!
//! let req = DepthRequest::new("bnbbtc").with_limit(5000);
//! assert_eq!(req.params()?.to_query_string(), "symbol=BNBBTC&limit=5000");
//! assert_eq!(req.weight(), 250);
//! assert_eq!(DepthRequest::new("BNBBTC").weight(), 5); // default limit 100
//! # Ok::<(), tradewire_rest::RestError>(())
//! ```

use tradewire_core::BookUpdate;
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};

use super::{decode_error, invalid, venue_symbol};
use crate::DepthSnapshot;

/// The endpoint's path.
pub const PATH: &str = "/api/v3/depth";

/// The default `limit` (levels per side).
pub const DEFAULT_LIMIT: u32 = 100;

/// The largest `limit` that returns more levels.
pub const MAX_LIMIT: u32 = 5000;

/// The documented weight of a request with `limit` (`None`: the default, 100).
///
/// A `limit` above 5000 returns 5000 levels and is weighted like 5000.
pub const fn weight_for_limit(limit: Option<u32>) -> u32 {
    match limit {
        None => 5,
        Some(l) if l <= 100 => 5,
        Some(l) if l <= 500 => 25,
        Some(l) if l <= 1000 => 50,
        Some(_) => 250,
    }
}

/// The request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthRequest {
    /// The symbol (Binance spelling, upper case).
    pub symbol: String,
    /// Levels per side (`None`: Binance's default, 100).
    pub limit: Option<u32>,
}

impl DepthRequest {
    /// The book of `symbol` (upper-cased), default depth.
    pub fn new(symbol: &str) -> Self {
        DepthRequest {
            symbol: venue_symbol(symbol),
            limit: None,
        }
    }

    /// Sets `limit` (1–5000).
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The documented weight of this request ([`weight_for_limit`]).
    pub fn weight(&self) -> u32 {
        weight_for_limit(self.limit)
    }

    /// The query parameters, in order; an error for an empty symbol or `limit` 0.
    pub fn params(&self) -> Result<Params, RestError> {
        if self.symbol.is_empty() {
            return Err(invalid("depth: symbol is empty"));
        }
        if self.limit == Some(0) {
            return Err(invalid("depth: limit must be at least 1"));
        }
        Ok(Params::new()
            .with("symbol", &self.symbol)
            .with_opt("limit", self.limit))
    }

    /// The request, ready to send (with its weight declared).
    pub fn request<'a>(&self, rest: &RestClient) -> Result<RequestBuilder<'a>, RestError> {
        Ok(rest.get(PATH).params(self.params()?).weight(self.weight()))
    }
}

/// Sends the request; the raw snapshot (`lastUpdateId`, bids and asks as sent).
pub async fn send_snapshot(
    rest: &RestClient,
    req: &DepthRequest,
) -> Result<DepthSnapshot, RestError> {
    let response = req.request(rest)?.send().await?;
    let body = response.text()?;
    DepthSnapshot::parse(body).map_err(|e| decode_error(e, body.as_bytes()))
}

/// Sends the request; the snapshot as a core [`BookUpdate`] (kind snapshot, `last_seq` =
/// `lastUpdateId`).
pub async fn send(rest: &RestClient, req: &DepthRequest) -> Result<BookUpdate, RestError> {
    Ok(send_snapshot(rest, req)
        .await?
        .into_book_update(&req.symbol))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::{Applied, OrderBook, SequenceRule, Venue};

    /// rest-api.md, "Order book", Response (comments stripped).
    const DOC_DEPTH: &str = r#"{
    "lastUpdateId": 1027024,
    "bids": [
        [
            "4.00000000",
            "431.00000000"
        ]
    ],
    "asks": [["4.00000200", "12.00000000"]]
}"#;

    #[test]
    fn documented_weight_tiers() {
        let cases = [
            (None, 5),
            (Some(1), 5),
            (Some(100), 5),
            (Some(101), 25),
            (Some(500), 25),
            (Some(501), 50),
            (Some(1000), 50),
            (Some(1001), 250),
            (Some(5000), 250),
            (Some(9999), 250),
        ];
        for (limit, weight) in cases {
            assert_eq!(weight_for_limit(limit), weight, "limit {limit:?}");
        }
    }

    #[test]
    fn params_serialize_in_order() {
        assert_eq!(
            DepthRequest::new("BNBBTC")
                .params()
                .unwrap()
                .to_query_string(),
            "symbol=BNBBTC"
        );
        assert_eq!(
            DepthRequest::new("bnbbtc")
                .with_limit(10)
                .params()
                .unwrap()
                .to_query_string(),
            "symbol=BNBBTC&limit=10"
        );
        assert!(DepthRequest::new("").params().is_err());
        assert!(DepthRequest::new("X").with_limit(0).params().is_err());
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = DepthRequest::new("BTCUSDT")
            .with_limit(5000)
            .request(&rest)
            .unwrap()
            .prepare()
            .unwrap();
        assert_eq!(req.path, "/api/v3/depth");
        assert_eq!(req.query_string(), "symbol=BTCUSDT&limit=5000");
    }

    #[test]
    fn documented_response_is_a_book_snapshot() {
        let snap = DepthSnapshot::parse(DOC_DEPTH).unwrap();
        let book = snap.into_book_update("BNBBTC");
        assert!(book.is_snapshot());
        assert_eq!(book.last_seq, Some(1027024));
        assert_eq!(book.venue_symbol, "BNBBTC");
        assert_eq!(book.bids[0].price.to_string(), "4.00000000");
        assert_eq!(book.bids[0].amount.to_string(), "431.00000000");
        assert_eq!(book.asks[0].price.to_string(), "4.00000200");
        let mut ob = OrderBook::new(SequenceRule::BinanceSpot);
        assert_eq!(ob.apply(&book), Ok(Applied::Snapshot));
    }

    #[test]
    fn malformed_body_is_a_decode_error_with_excerpt() {
        let body = r#"{"bids":[]}"#;
        let e = DepthSnapshot::parse(body)
            .map_err(|e| decode_error(e, body.as_bytes()))
            .unwrap_err();
        assert!(
            matches!(e, RestError::Decode { ref what, ref excerpt, .. } if what == "depth" && excerpt == body),
            "{e:?}"
        );
    }
}
