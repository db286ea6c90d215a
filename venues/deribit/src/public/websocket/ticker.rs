//! `public/ticker` (<https://docs.deribit.com/api-reference/market-data/public-ticker>).

use serde::{Deserialize, Serialize};

use crate::call::Session;
use crate::error::Result;
use crate::message::DeribitTicker;

/// The method.
pub const METHOD: &str = "public/ticker";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TickerParams {
    /// Instrument.
    pub instrument_name: String,
}

/// Result: the same shape as the `ticker.*` notification data.
pub type TickerResult = DeribitTicker;

/// Fetches a ticker.
pub async fn ticker(session: &Session, instrument_name: &str) -> Result<TickerResult> {
    session
        .call(
            METHOD,
            &TickerParams {
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
        // https://docs.deribit.com/api-reference/market-data/public-ticker (example)
        let p = TickerParams {
            instrument_name: "BTC-PERPETUAL".into(),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"instrument_name":"BTC-PERPETUAL"}"#
        );
        let r: TickerResult = result(r#"{"jsonrpc":"2.0","id":8106,"result":{"best_ask_amount":53040,"best_ask_price":36290,"best_bid_amount":4600,"best_bid_price":36289.5,"current_funding":0,"estimated_delivery_price":36297.02,"funding_8h":0.00002203,"index_price":36297.02,"instrument_name":"BTC-PERPETUAL","interest_value":1.7362511643080387,"last_price":36289.5,"mark_price":36288.31,"max_price":36833.4,"min_price":35744.73,"open_interest":502231260,"settlement_price":36169.49,"state":"open","stats":{"high":36824.5,"low":35213.5,"price_change":0.2362,"volume":7831.26548117,"volume_usd":282615600},"timestamp":1623059681955}}"#).unwrap();
        let t = r.to_ticker();
        assert_eq!(t.bid.unwrap().to_string(), "36289.5");
        assert_eq!(t.quote_volume_24h.unwrap().to_string(), "282615600");
    }
}
