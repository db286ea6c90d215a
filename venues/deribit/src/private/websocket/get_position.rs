//! `private/get_position` (<https://docs.deribit.com/api-reference/account-management/private-get_position>)
//! and the position type shared with `private/get_positions`.

use serde::{Deserialize, Serialize};
use tradewire_core::{Decimal, Position, Venue};

use crate::error::Result;
use crate::normalize::instrument_symbol;
use crate::num;
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/get_position";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPositionParams {
    /// Instrument.
    pub instrument_name: String,
}

/// A position.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeribitPosition {
    /// Instrument.
    pub instrument_name: String,
    /// `buy`, `sell` or `zero`.
    pub direction: String,
    /// Signed size (USD for inverse futures, base currency otherwise).
    #[serde(deserialize_with = "num::req")]
    pub size: Decimal,
    /// Average entry price.
    #[serde(default, deserialize_with = "num::opt")]
    pub average_price: Option<Decimal>,
    /// Mark price.
    #[serde(default, deserialize_with = "num::opt")]
    pub mark_price: Option<Decimal>,
    /// Unrealized P&L (settlement currency).
    #[serde(default, deserialize_with = "num::opt")]
    pub floating_profit_loss: Option<Decimal>,
    /// Total P&L.
    #[serde(default, deserialize_with = "num::opt")]
    pub total_profit_loss: Option<Decimal>,
    /// `future`, `option`, ...
    #[serde(default)]
    pub kind: Option<String>,
}

impl DeribitPosition {
    /// The core position (absolute amount, side from the sign).
    pub fn to_position(&self) -> Position {
        let (side, amount) = Position::side_and_amount(self.size);
        Position {
            venue: Venue::Deribit,
            symbol: instrument_symbol(&self.instrument_name),
            venue_symbol: self.instrument_name.clone(),
            side,
            amount,
            entry_price: self.average_price,
            mark_price: self.mark_price,
            unrealized_pnl: self.floating_profit_loss,
            time: None,
        }
    }
}

/// Result.
pub type GetPositionResult = DeribitPosition;

/// Fetches the position on one instrument.
pub async fn get_position(
    session: &PrivateSession,
    instrument_name: &str,
) -> Result<GetPositionResult> {
    session
        .call(
            METHOD,
            &GetPositionParams {
                instrument_name: instrument_name.to_owned(),
            },
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/account-management/private-get_position (example)
        let p = GetPositionParams {
            instrument_name: "BTC-PERPETUAL".into(),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"instrument_name":"BTC-PERPETUAL"}"#
        );
        let r: GetPositionResult = result(r#"{"jsonrpc":"2.0","id":404,"result":{"average_price":0,"delta":0,"direction":"buy","estimated_liquidation_price":0,"floating_profit_loss":0,"index_price":3555.86,"initial_margin":0,"instrument_name":"BTC-PERPETUAL","interest_value":0,"leverage":100,"kind":"future","maintenance_margin":0,"mark_price":3556.62,"open_orders_margin":0.000165889,"realized_profit_loss":0,"settlement_price":3555.44,"size":-3000,"size_currency":0,"total_profit_loss":0}}"#).unwrap();
        let pos = r.to_position();
        assert_eq!(pos.side, tradewire_core::PositionSide::Short);
        assert_eq!(pos.amount.to_string(), "3000");
    }
}
