//! `private/cancel_all_by_instrument` (<https://docs.deribit.com/api-reference/trading/private-cancel_all_by_instrument>).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/cancel_all_by_instrument";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAllByInstrumentParams {
    /// Instrument.
    pub instrument_name: String,
    /// `all`, `limit`, `trigger_all`, `stop`, `take`, `trailing_stop`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
}

/// Result: the number of cancelled orders.
pub type CancelAllByInstrumentResult = u64;

/// Cancels every order on one instrument.
pub async fn cancel_all_by_instrument(
    session: &PrivateSession,
    instrument_name: &str,
) -> Result<CancelAllByInstrumentResult> {
    let params = CancelAllByInstrumentParams {
        instrument_name: instrument_name.to_owned(),
        order_type: None,
    };
    session.call(METHOD, &params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;
    use tradewire_websockets::rpc::jsonrpc;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-cancel_all_by_instrument (example)
        let p = CancelAllByInstrumentParams {
            instrument_name: "ETH-22FEB19-120-P".into(),
            order_type: Some("all".into()),
        };
        assert_eq!(
            jsonrpc::request(4122, METHOD, &p).unwrap().as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":4122,"method":"private/cancel_all_by_instrument","params":{"instrument_name":"ETH-22FEB19-120-P","type":"all"}}"#
            )
        );
        let r: CancelAllByInstrumentResult =
            result(r#"{"jsonrpc":"2.0","id":4122,"result":7}"#).unwrap();
        assert_eq!(r, 7);
    }
}
