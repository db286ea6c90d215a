//! `private/cancel_all` (<https://docs.deribit.com/api-reference/trading/private-cancel_all>).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/cancel_all";

/// Parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAllParams {
    /// Also cancel untriggered stop orders of the given kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed: Option<bool>,
}

/// Result: the number of cancelled orders.
pub type CancelAllResult = u64;

/// Cancels every order of the account.
pub async fn cancel_all(session: &PrivateSession) -> Result<CancelAllResult> {
    session.call(METHOD, &CancelAllParams::default()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;
    use tradewire_websockets::rpc::jsonrpc;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-cancel_all (example)
        assert_eq!(
            jsonrpc::request(8748, METHOD, &CancelAllParams::default())
                .unwrap()
                .as_text(),
            Some(r#"{"jsonrpc":"2.0","id":8748,"method":"private/cancel_all","params":{}}"#)
        );
        let r: CancelAllResult = result(r#"{"jsonrpc":"2.0","id":8748,"result":1}"#).unwrap();
        assert_eq!(r, 1);
    }
}
