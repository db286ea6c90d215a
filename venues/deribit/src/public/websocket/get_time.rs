//! `public/get_time` (<https://docs.deribit.com/api-reference/supporting/public-get_time>).

use serde::{Deserialize, Serialize};

use crate::call::Session;
use crate::error::Result;

/// The method.
pub const METHOD: &str = "public/get_time";

/// Parameters (none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetTimeParams {}

/// Result: server time in ms.
pub type GetTimeResult = i64;

/// The server's time (ms).
pub async fn get_time(session: &Session) -> Result<GetTimeResult> {
    session.call(METHOD, &GetTimeParams {}).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/supporting/public-get_time
        let f =
            tradewire_websockets::rpc::jsonrpc::request(7365, METHOD, &GetTimeParams {}).unwrap();
        assert_eq!(
            f.as_text(),
            Some(r#"{"jsonrpc":"2.0","id":7365,"method":"public/get_time","params":{}}"#)
        );
        let r: GetTimeResult =
            result(r#"{"jsonrpc":"2.0","id":7365,"result":1550147385946}"#).unwrap();
        assert_eq!(r, 1550147385946);
    }
}
