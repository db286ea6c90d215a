//! `private/get_positions` (<https://docs.deribit.com/api-reference/account-management/private-get_positions>).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::private::websocket::PrivateSession;
use crate::private::websocket::get_position::DeribitPosition;

/// The method.
pub const METHOD: &str = "private/get_positions";

/// Parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPositionsParams {
    /// `BTC`, `ETH`, `USDC`, ... or `any`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `future`, `option`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Result.
pub type GetPositionsResult = Vec<DeribitPosition>;

/// Lists positions.
pub async fn get_positions(
    session: &PrivateSession,
    params: &GetPositionsParams,
) -> Result<GetPositionsResult> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/account-management/private-get_positions (example)
        let p = GetPositionsParams {
            currency: Some("BTC".into()),
            kind: Some("future".into()),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"currency":"BTC","kind":"future"}"#
        );
        let r: GetPositionsResult = result(r#"{"jsonrpc":"2.0","id":2236,"result":[{"average_price":7440.18,"delta":0.006687487,"direction":"buy","estimated_liquidation_price":1.74,"floating_profit_loss":0,"index_price":7466.79,"initial_margin":0.000197283,"instrument_name":"BTC-PERPETUAL","interest_value":0,"kind":"future","leverage":34,"maintenance_margin":0.000143783,"mark_price":7476.65,"open_orders_margin":0.000197288,"realized_funding":-1e-8,"realized_profit_loss":-9e-9,"settlement_price":7476.65,"size":50,"size_currency":0.006687487,"total_profit_loss":0.000032781}]}"#).unwrap();
        assert_eq!(
            r[0].to_position().entry_price.unwrap().to_string(),
            "7440.18"
        );
    }
}
