//! `GET /api/v3/trades`: recent trades of a symbol, as core [`Trade`]s with the taker's side
//! (`isBuyerMaker: true` → the seller took liquidity → [`Side::Sell`](tradewire_core::Side)).
//!
//! Source: rest-api.md, "Market Data endpoints" → "Recent trades list"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#recent-trades-list>).
//! Weight 25. Parameters `symbol` (mandatory), `limit` (default 500, maximum 1000).
//!
//! ```
//! use tradewire_binance::public::rest::trades::TradesRequest;
//!
//! let req = TradesRequest::new("btcusdt").with_limit(10);
//! assert_eq!(req.params()?.to_query_string(), "symbol=BTCUSDT&limit=10");
//! # Ok::<(), tradewire_rest::RestError>(())
//! ```

use serde::Deserialize;
use tradewire_core::{Decimal, Trade, Venue};
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};

use super::{invalid, venue_symbol};
use crate::{SymbolMap, taker_side};

/// The endpoint's path.
pub const PATH: &str = "/api/v3/trades";

/// The documented request weight.
pub const WEIGHT: u32 = 25;

/// The largest `limit`.
pub const MAX_LIMIT: u32 = 1000;

/// The request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradesRequest {
    /// The symbol (Binance spelling, upper case).
    pub symbol: String,
    /// Number of trades (`None`: Binance's default, 500; at most 1000).
    pub limit: Option<u32>,
}

impl TradesRequest {
    /// The recent trades of `symbol` (upper-cased).
    pub fn new(symbol: &str) -> Self {
        TradesRequest {
            symbol: venue_symbol(symbol),
            limit: None,
        }
    }

    /// Sets `limit` (1–1000).
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The query parameters, in order; an error for an empty symbol or a `limit` outside
    /// 1–1000.
    pub fn params(&self) -> Result<Params, RestError> {
        if self.symbol.is_empty() {
            return Err(invalid("trades: symbol is empty"));
        }
        if let Some(l) = self.limit {
            if l == 0 || l > MAX_LIMIT {
                return Err(invalid(format!(
                    "trades: limit {l} is outside 1..={MAX_LIMIT}"
                )));
            }
        }
        Ok(Params::new()
            .with("symbol", &self.symbol)
            .with_opt("limit", self.limit))
    }

    /// The request, ready to send.
    pub fn request<'a>(&self, rest: &RestClient) -> Result<RequestBuilder<'a>, RestError> {
        Ok(rest.get(PATH).params(self.params()?).weight(WEIGHT))
    }
}

/// One trade of the response.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentTrade {
    /// Trade id.
    pub id: u64,
    /// Price.
    pub price: Decimal,
    /// Quantity (base asset).
    pub qty: Decimal,
    /// Quote quantity.
    pub quote_qty: Decimal,
    /// Trade time, UTC ms.
    pub time: i64,
    /// Whether the buyer was the maker (then the taker sold).
    pub is_buyer_maker: bool,
    /// Whether the trade was the best price match.
    #[serde(default)]
    pub is_best_match: bool,
}

impl RecentTrade {
    /// As a core [`Trade`] of `venue_symbol` (`side` = the taker's side).
    pub fn to_trade(&self, venue_symbol: &str) -> Trade {
        Trade {
            venue: Venue::Binance,
            symbol: SymbolMap::resolve_global(venue_symbol),
            venue_symbol: venue_symbol.to_owned(),
            id: Some(self.id.to_string()),
            price: self.price,
            amount: self.qty,
            side: taker_side(self.is_buyer_maker),
            time: self.time,
        }
    }
}

/// Sends the request; the trades as Binance sent them (oldest first).
pub async fn send_raw(
    rest: &RestClient,
    req: &TradesRequest,
) -> Result<Vec<RecentTrade>, RestError> {
    req.request(rest)?.send_json().await
}

/// Sends the request; the trades as core [`Trade`]s (oldest first).
pub async fn send(rest: &RestClient, req: &TradesRequest) -> Result<Vec<Trade>, RestError> {
    Ok(send_raw(rest, req)
        .await?
        .iter()
        .map(|t| t.to_trade(&req.symbol))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::Side;

    /// rest-api.md, "Recent trades list", Response.
    const DOC_TRADES: &str = r#"[
    {
        "id": 28457,
        "price": "4.00000100",
        "qty": "12.00000000",
        "quoteQty": "48.000012",
        "time": 1499865549590,
        "isBuyerMaker": true,
        "isBestMatch": true
    }
]"#;

    #[test]
    fn params_serialize_in_order() {
        assert_eq!(
            TradesRequest::new("BNBBTC")
                .params()
                .unwrap()
                .to_query_string(),
            "symbol=BNBBTC"
        );
        assert_eq!(
            TradesRequest::new("BNBBTC")
                .with_limit(1000)
                .params()
                .unwrap()
                .to_query_string(),
            "symbol=BNBBTC&limit=1000"
        );
        assert!(
            TradesRequest::new("BNBBTC")
                .with_limit(1001)
                .params()
                .is_err()
        );
        assert!(TradesRequest::new("BNBBTC").with_limit(0).params().is_err());
        assert!(TradesRequest::new(" ").params().is_err());
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = TradesRequest::new("BNBBTC")
            .request(&rest)
            .unwrap()
            .prepare()
            .unwrap();
        assert_eq!(req.path, "/api/v3/trades");
    }

    #[test]
    fn documented_response() {
        let trades: Vec<RecentTrade> = serde_json::from_str(DOC_TRADES).unwrap();
        assert_eq!(trades.len(), 1);
        let t = &trades[0];
        assert_eq!(t.id, 28457);
        assert_eq!(t.quote_qty.to_string(), "48.000012");
        assert!(t.is_best_match);
        let trade = t.to_trade("BNBBTC");
        assert_eq!(trade.id.as_deref(), Some("28457"));
        assert_eq!(trade.price.to_string(), "4.00000100");
        assert_eq!(trade.amount.to_string(), "12.00000000");
        assert_eq!(trade.time, 1499865549590);
        // The buyer was the maker: the taker sold.
        assert_eq!(trade.side, Side::Sell);
        assert_eq!(trade.symbol.as_ref().map(|s| s.as_str()), Some("BNB/BTC"));
        let buy = RecentTrade {
            is_buyer_maker: false,
            ..t.clone()
        };
        assert_eq!(buy.to_trade("BNBBTC").side, Side::Buy);
    }
}
