//! `public/subscribe` (<https://docs.deribit.com/api-reference/subscription-management/public-subscribe>)
//! and the channel names of the public notifications.

use serde::{Deserialize, Serialize};
use tradewire_websockets::Frame;
use tradewire_websockets::rpc::jsonrpc;

use crate::call::Session;
use crate::error::Result;

/// The method.
pub const METHOD: &str = "public/subscribe";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeParams {
    /// Channels, e.g. `book.BTC-PERPETUAL.100ms`.
    pub channels: Vec<String>,
}

/// Result: the channels subscribed (server order).
pub type SubscribeResult = Vec<String>;

/// `book.{instrument}.{interval}` (`raw` needs an authorized connection, `100ms`, `agg2`).
pub fn book_channel(instrument: &str, interval: &str) -> String {
    format!("book.{instrument}.{interval}")
}

/// `trades.{instrument}.{interval}`.
pub fn trades_channel(instrument: &str, interval: &str) -> String {
    format!("trades.{instrument}.{interval}")
}

/// `ticker.{instrument}.{interval}`.
pub fn ticker_channel(instrument: &str, interval: &str) -> String {
    format!("ticker.{instrument}.{interval}")
}

/// `chart.trades.{instrument}.{resolution}` (`1`, `3`, `5`, `10`, `15`, `30`, `60`, `120`,
/// `180`, `360`, `720`, `1D`).
pub fn chart_channel(instrument: &str, resolution: &str) -> String {
    format!("chart.trades.{instrument}.{resolution}")
}

/// The request frame (also replayed on reconnect).
pub(crate) fn frame(id: u64, channels: &[String]) -> Option<Frame> {
    jsonrpc::request(
        id,
        METHOD,
        &SubscribeParams {
            channels: channels.to_vec(),
        },
    )
    .ok()
}

/// Subscribes; returns the channels Deribit confirmed.
pub async fn subscribe(session: &Session, channels: &[String]) -> Result<SubscribeResult> {
    session
        .call(
            METHOD,
            &SubscribeParams {
                channels: channels.to_vec(),
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
        // https://docs.deribit.com/api-reference/subscription-management/public-subscribe
        let f = frame(3600, &["deribit_price_index.btc_usd".to_owned()]).unwrap();
        assert_eq!(
            f.as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":3600,"method":"public/subscribe","params":{"channels":["deribit_price_index.btc_usd"]}}"#
            )
        );
        let r: SubscribeResult =
            result(r#"{"jsonrpc":"2.0","id":3600,"result":["deribit_price_index.btc_usd"]}"#)
                .unwrap();
        assert_eq!(r, ["deribit_price_index.btc_usd"]);
        assert_eq!(
            book_channel("BTC-PERPETUAL", "100ms"),
            "book.BTC-PERPETUAL.100ms"
        );
        assert_eq!(
            chart_channel("BTC-PERPETUAL", "1"),
            "chart.trades.BTC-PERPETUAL.1"
        );
    }
}
