//! `private/logout` (<https://docs.deribit.com/api-reference/session-management/private-logout>):
//! ends the session; Deribit sends no response and closes the connection.

use serde::{Deserialize, Serialize};
use tradewire_websockets::Frame;
use tradewire_websockets::rpc::jsonrpc;

/// The method.
pub const METHOD: &str = "private/logout";

/// Parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutParams {
    /// Invalidate every token of the session (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidate_token: Option<bool>,
}

/// The logout frame (sent once; there is no response).
pub(crate) fn frame(id: u64) -> Option<Frame> {
    jsonrpc::request(
        id,
        METHOD,
        &LogoutParams {
            invalidate_token: Some(true),
        },
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request() {
        // https://docs.deribit.com/api-reference/session-management/private-logout (example)
        assert_eq!(
            frame(42).unwrap().as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":42,"method":"private/logout","params":{"invalidate_token":true}}"#
            )
        );
    }
}
