//! `public/test` (<https://docs.deribit.com/api-reference/supporting/public-test>): the answer
//! to a heartbeat `test_request`, and a round-trip check.

use serde::{Deserialize, Serialize};
use tradewire_websockets::Frame;
use tradewire_websockets::rpc::jsonrpc;

use crate::call::Session;
use crate::error::Result;

/// The method.
pub const METHOD: &str = "public/test";

/// Parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestParams {
    /// `"exception"` makes the server answer with an error (for tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_result: Option<String>,
}

/// Result.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TestResult {
    /// API version.
    pub version: String,
}

/// The `public/test` frame that answers a `test_request` (the clients send it on the socket
/// task).
pub fn frame(id: u64) -> Option<Frame> {
    jsonrpc::request(id, METHOD, &TestParams::default()).ok()
}

/// Calls `public/test`.
pub async fn test(session: &Session) -> Result<TestResult> {
    session.call(METHOD, &TestParams::default()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/supporting/public-test
        assert_eq!(
            frame(8212).unwrap().as_text(),
            Some(r#"{"jsonrpc":"2.0","id":8212,"method":"public/test","params":{}}"#)
        );
        let r: TestResult =
            result(r#"{"jsonrpc":"2.0","id":8212,"result":{"version":"1.2.26"}}"#).unwrap();
        assert_eq!(r.version, "1.2.26");
    }
}
