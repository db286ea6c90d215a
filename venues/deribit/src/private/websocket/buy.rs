//! `private/buy` (<https://docs.deribit.com/api-reference/trading/private-buy>).

use serde::{Deserialize, Serialize};
use tradewire_core::Decimal;

use crate::error::Result;
use crate::message::{DeribitOrder, DeribitTrade};
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/buy";

/// Parameters of `private/buy` and `private/sell`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderParams {
    /// Instrument.
    pub instrument_name: String,
    /// Amount (USD for inverse perpetuals and futures, base currency otherwise).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::num::ser_opt"
    )]
    pub amount: Option<Decimal>,
    /// Amount in contracts (alternative to `amount`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::num::ser_opt"
    )]
    pub contracts: Option<Decimal>,
    /// `limit` (default), `market`, `stop_limit`, `stop_market`, `take_limit`, `take_market`,
    /// `market_limit`, `trailing_stop`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    /// Label (the client order id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Limit price.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::num::ser_opt"
    )]
    pub price: Option<Decimal>,
    /// `good_til_cancelled`, `good_til_day`, `fill_or_kill`, `immediate_or_cancel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_in_force: Option<String>,
    /// Post-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_only: Option<bool>,
    /// Reduce-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_only: Option<bool>,
    /// Stop orders: trigger price.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::num::ser_opt"
    )]
    pub trigger_price: Option<Decimal>,
    /// Stop orders: `index_price`, `mark_price`, `last_price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
}

/// Result of `private/buy`, `private/sell` and `private/edit`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OrderResponse {
    /// The order.
    pub order: DeribitOrder,
    /// Trades it made at once.
    #[serde(default)]
    pub trades: Vec<DeribitTrade>,
}

/// Places a buy order.
pub async fn buy(session: &PrivateSession, params: &OrderParams) -> Result<OrderResponse> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;
    use tradewire_websockets::rpc::jsonrpc;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-buy (example)
        let p = OrderParams {
            instrument_name: "ETH-PERPETUAL".into(),
            amount: Some(Decimal::from(40)),
            order_type: Some("market".into()),
            label: Some("market0000234".into()),
            ..OrderParams::default()
        };
        assert_eq!(
            jsonrpc::request(5275, METHOD, &p).unwrap().as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":5275,"method":"private/buy","params":{"instrument_name":"ETH-PERPETUAL","amount":40,"type":"market","label":"market0000234"}}"#
            )
        );
        let r: OrderResponse = result(r#"{"jsonrpc":"2.0","id":5275,"result":{"trades":[{"trade_seq":1966056,"trade_id":"ETH-2696083","timestamp":1590483938456,"tick_direction":0,"state":"filled","reduce_only":false,"price":203.3,"post_only":false,"order_type":"market","order_id":"ETH-584849853","matching_id":null,"mark_price":203.28,"liquidity":"T","label":"market0000234","instrument_name":"ETH-PERPETUAL","index_price":203.33,"fee_currency":"ETH","fee":0.00014757,"direction":"buy","amount":40}],"order":{"web":false,"time_in_force":"good_til_cancelled","replaced":false,"reduce_only":false,"price":207.3,"post_only":false,"order_type":"market","order_state":"filled","order_id":"ETH-584849853","max_show":40,"last_update_timestamp":1590483938456,"label":"market0000234","is_rebalance":false,"is_liquidation":false,"instrument_name":"ETH-PERPETUAL","filled_amount":40,"direction":"buy","creation_timestamp":1590483938456,"average_price":203.3,"api":true,"amount":40}}}"#).unwrap();
        let o = r.order.to_order().unwrap();
        assert_eq!(o.status, tradewire_core::OrderStatus::Filled);
        assert_eq!(o.client_id.as_deref(), Some("market0000234"));
        assert_eq!(r.trades[0].fee.unwrap().to_string(), "0.00014757");
    }
}
