//! `private/get_user_trades_by_instrument` (<https://docs.deribit.com/api-reference/trading/private-get_user_trades_by_instrument>).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::private::websocket::PrivateSession;
use crate::public::websocket::get_last_trades_by_instrument::LastTrades;

/// The method.
pub const METHOD: &str = "private/get_user_trades_by_instrument";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUserTradesByInstrumentParams {
    /// Instrument.
    pub instrument_name: String,
    /// Number of trades.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// Result: `{trades, has_more}`.
pub type GetUserTradesByInstrumentResult = LastTrades;

/// Lists the account's trades on one instrument.
pub async fn get_user_trades_by_instrument(
    session: &PrivateSession,
    params: &GetUserTradesByInstrumentParams,
) -> Result<GetUserTradesByInstrumentResult> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-get_user_trades_by_instrument (example, one trade)
        let p = GetUserTradesByInstrumentParams {
            instrument_name: "ETH-PERPETUAL".into(),
            count: Some(2),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"instrument_name":"ETH-PERPETUAL","count":2}"#
        );
        let r: GetUserTradesByInstrumentResult = result(r#"{"jsonrpc":"2.0","id":5728,"result":{"trades":[{"trade_seq":1966031,"trade_id":"ETH-2696060","timestamp":1590480363130,"tick_direction":2,"state":"filled","reduce_only":false,"price":202.8,"post_only":false,"order_type":"limit","order_id":"ETH-584827850","matching_id":null,"mark_price":202.79,"liquidity":"M","instrument_name":"ETH-PERPETUAL","index_price":202.86,"fee_currency":"ETH","fee":-0.00000296,"direction":"sell","amount":1}],"has_more":true}}"#).unwrap();
        assert_eq!(r.trades[0].liquidity.as_deref(), Some("M"));
        assert_eq!(r.trades[0].fee.unwrap().to_string(), "-0.00000296");
    }
}
