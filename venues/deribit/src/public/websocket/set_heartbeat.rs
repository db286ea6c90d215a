//! `public/set_heartbeat` (<https://docs.deribit.com/api-reference/session-management/public-set_heartbeat>):
//! the server sends `heartbeat` notifications every `interval` seconds and a `test_request`
//! the client must answer with `public/test` (the clients do, on the socket task).

use serde::{Deserialize, Serialize};
use tradewire_websockets::Frame;
use tradewire_websockets::rpc::jsonrpc;

use crate::call::Session;
use crate::error::Result;

/// The method.
pub const METHOD: &str = "public/set_heartbeat";

/// The smallest interval Deribit accepts, in seconds.
pub const MIN_INTERVAL_SECS: u32 = 10;

/// Parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetHeartbeatParams {
    /// Seconds between heartbeats (at least 10).
    pub interval: u32,
}

/// Result: `"ok"`.
pub type SetHeartbeatResult = String;

pub(crate) fn frame(id: u64, interval: u32) -> Option<Frame> {
    jsonrpc::request(
        id,
        METHOD,
        &SetHeartbeatParams {
            interval: interval.max(MIN_INTERVAL_SECS),
        },
    )
    .ok()
}

/// Enables heartbeats on this connection (the clients also do it on every connect).
pub async fn set_heartbeat(session: &Session, interval: u32) -> Result<SetHeartbeatResult> {
    session
        .call(
            METHOD,
            &SetHeartbeatParams {
                interval: interval.max(MIN_INTERVAL_SECS),
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
        // https://docs.deribit.com/api-reference/session-management/public-set_heartbeat
        let f = frame(9098, 30).unwrap();
        assert_eq!(
            f.as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":9098,"method":"public/set_heartbeat","params":{"interval":30}}"#
            )
        );
        let r: SetHeartbeatResult = result(r#"{"jsonrpc":"2.0","id":9098,"result":"ok"}"#).unwrap();
        assert_eq!(r, "ok");
        let p: SetHeartbeatParams = serde_json::from_str(r#"{"interval":30}"#).unwrap();
        assert_eq!(p.interval, 30);
        assert!(
            frame(1, 1)
                .unwrap()
                .as_text()
                .unwrap()
                .contains(r#""interval":10"#)
        );
    }
}
