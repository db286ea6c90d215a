//! `private/subscribe` and `private/unsubscribe`
//! (<https://docs.deribit.com/api-reference/subscription-management/private-subscribe>):
//! `user.orders.*`, `user.trades.*`, `user.portfolio.*`, and `.raw` market channels.

use serde::{Deserialize, Serialize};
use tradewire_websockets::Frame;
use tradewire_websockets::rpc::jsonrpc;

use crate::error::Result;
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/subscribe";
/// The unsubscribe method.
pub const UNSUBSCRIBE_METHOD: &str = "private/unsubscribe";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateSubscribeParams {
    /// Channels.
    pub channels: Vec<String>,
}

/// Result: the channels subscribed.
pub type PrivateSubscribeResult = Vec<String>;

/// `user.orders.{instrument}.{interval}` (`raw` sends one order per notification).
pub fn user_orders_channel(instrument: &str, interval: &str) -> String {
    format!("user.orders.{instrument}.{interval}")
}

/// `user.trades.{instrument}.{interval}`.
pub fn user_trades_channel(instrument: &str, interval: &str) -> String {
    format!("user.trades.{instrument}.{interval}")
}

/// `user.portfolio.{currency}` (lower case, or `any`).
pub fn user_portfolio_channel(currency: &str) -> String {
    format!("user.portfolio.{}", currency.to_ascii_lowercase())
}

fn params(channels: &[String]) -> PrivateSubscribeParams {
    PrivateSubscribeParams {
        channels: channels.to_vec(),
    }
}

/// The request frame (replayed on reconnect, after the auth frame).
pub(crate) fn frame(id: u64, channels: &[String]) -> Option<Frame> {
    jsonrpc::request(id, METHOD, &params(channels)).ok()
}

pub(crate) fn unsubscribe_frame(id: u64, channels: &[String]) -> Option<Frame> {
    jsonrpc::request(id, UNSUBSCRIBE_METHOD, &params(channels)).ok()
}

/// Subscribes to private channels.
pub async fn subscribe(
    session: &PrivateSession,
    channels: &[String],
) -> Result<PrivateSubscribeResult> {
    session.call(METHOD, &params(channels)).await
}

/// Unsubscribes from private channels.
pub async fn unsubscribe(
    session: &PrivateSession,
    channels: &[String],
) -> Result<PrivateSubscribeResult> {
    session.call(UNSUBSCRIBE_METHOD, &params(channels)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/subscription-management/private-subscribe (example)
        let f = frame(4235, &["deribit_price_index.btc_usd".to_owned()]).unwrap();
        assert_eq!(
            f.as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":4235,"method":"private/subscribe","params":{"channels":["deribit_price_index.btc_usd"]}}"#
            )
        );
        let r: PrivateSubscribeResult =
            result(r#"{"jsonrpc":"2.0","id":4235,"result":["deribit_price_index.btc_usd"]}"#)
                .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(user_portfolio_channel("BTC"), "user.portfolio.btc");
        assert!(
            unsubscribe_frame(1, &r)
                .unwrap()
                .as_text()
                .unwrap()
                .contains("private/unsubscribe")
        );
    }
}
