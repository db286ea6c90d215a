//! `public/get_last_trades_by_instrument` (<https://docs.deribit.com/api-reference/market-data/public-get_last_trades_by_instrument>).

use serde::{Deserialize, Serialize};

use crate::call::Session;
use crate::error::Result;
use crate::message::DeribitTrade;

/// The method.
pub const METHOD: &str = "public/get_last_trades_by_instrument";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetLastTradesByInstrumentParams {
    /// Instrument.
    pub instrument_name: String,
    /// Number of trades (default 10, max 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// `asc`, `desc` or `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sorting: Option<String>,
}

/// Result.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LastTrades {
    /// Trades.
    pub trades: Vec<DeribitTrade>,
    /// More trades exist.
    pub has_more: bool,
}

/// Fetches recent trades.
pub async fn get_last_trades_by_instrument(
    session: &Session,
    params: &GetLastTradesByInstrumentParams,
) -> Result<LastTrades> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/market-data/public-get_last_trades_by_instrument (example)
        let p = GetLastTradesByInstrumentParams {
            instrument_name: "BTC-PERPETUAL".into(),
            count: Some(1),
            sorting: None,
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"instrument_name":"BTC-PERPETUAL","count":1}"#
        );
        let r: LastTrades = result(r#"{"jsonrpc":"2.0","id":9267,"result":{"trades":[{"trade_seq":36798,"trade_id":"277976","timestamp":1590476708320,"tick_direction":2,"price":8767.08,"mark_price":8829.7,"instrument_name":"BTC-PERPETUAL","index_price":8878.53,"direction":"sell","amount":100}],"has_more":true}}"#).unwrap();
        assert!(r.has_more);
        assert_eq!(r.trades[0].to_trade().id.as_deref(), Some("277976"));
    }
}
