//! `public/unsubscribe_all` (<https://docs.deribit.com/api-reference/subscription-management/public-unsubscribe_all>).

use serde::{Deserialize, Serialize};

use crate::call::Session;
use crate::error::Result;

/// The method.
pub const METHOD: &str = "public/unsubscribe_all";

/// Parameters (none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeAllParams {}

/// Result: `"ok"`.
pub type UnsubscribeAllResult = String;

/// Leaves every channel of the connection.
pub async fn unsubscribe_all(session: &Session) -> Result<UnsubscribeAllResult> {
    session.call(METHOD, &UnsubscribeAllParams {}).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/subscription-management/public-unsubscribe_all
        let f = tradewire_websockets::rpc::jsonrpc::request(153, METHOD, &UnsubscribeAllParams {})
            .unwrap();
        assert_eq!(
            f.as_text(),
            Some(r#"{"jsonrpc":"2.0","id":153,"method":"public/unsubscribe_all","params":{}}"#)
        );
        let r: UnsubscribeAllResult =
            result(r#"{"jsonrpc":"2.0","id":153,"result":"ok"}"#).unwrap();
        assert_eq!(r, "ok");
    }
}
