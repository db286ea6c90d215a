//! `public/unsubscribe` (<https://docs.deribit.com/api-reference/subscription-management/public-unsubscribe>).

use serde::{Deserialize, Serialize};
use tradewire_websockets::Frame;
use tradewire_websockets::rpc::jsonrpc;

use crate::call::Session;
use crate::error::Result;

/// The method.
pub const METHOD: &str = "public/unsubscribe";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeParams {
    /// Channels to leave.
    pub channels: Vec<String>,
}

/// Result: the channels that remain unsubscribed (as listed by Deribit).
pub type UnsubscribeResult = Vec<String>;

pub(crate) fn frame(id: u64, channels: &[String]) -> Option<Frame> {
    jsonrpc::request(
        id,
        METHOD,
        &UnsubscribeParams {
            channels: channels.to_vec(),
        },
    )
    .ok()
}

/// Unsubscribes.
pub async fn unsubscribe(session: &Session, channels: &[String]) -> Result<UnsubscribeResult> {
    session
        .call(
            METHOD,
            &UnsubscribeParams {
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
        // https://docs.deribit.com/api-reference/subscription-management/public-unsubscribe
        let f = frame(8691, &["deribit_price_index.btc_usd".to_owned()]).unwrap();
        assert_eq!(
            f.as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":8691,"method":"public/unsubscribe","params":{"channels":["deribit_price_index.btc_usd"]}}"#
            )
        );
        let r: UnsubscribeResult =
            result(r#"{"jsonrpc":"2.0","id":8691,"result":["deribit_price_index.btc_usd"]}"#)
                .unwrap();
        assert_eq!(r.len(), 1);
    }
}
