//! One request: rate-limit check, sequential id, JSON-RPC encoding, send-once, typed result.

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tradewire_websockets::rpc::RpcClient;
use tradewire_websockets::rpc::jsonrpc;

use crate::error::{Error, Result};
use crate::message::DeribitMessage;
use crate::rate_limit::DeribitRateLimits;

/// What a method needs to make a request: the correlated connection and the rate limits.
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) rpc: RpcClient<DeribitMessage>,
    pub(crate) limits: Arc<DeribitRateLimits>,
}

impl Session {
    /// Sends `method` with `params` once and decodes the result as `R`.
    pub(crate) async fn call<P: Serialize, R: DeserializeOwned>(
        &self,
        method: &str,
        params: &P,
    ) -> Result<R> {
        self.limits.check(method)?;
        let id = self.rpc.next_id();
        let frame =
            jsonrpc::request(id, method, params).map_err(|e| Error::Decode(e.to_string()))?;
        match self.rpc.request(id, frame).await? {
            DeribitMessage::Response(r) => r.result(),
            other => Err(Error::Unexpected(other.kind().to_owned())),
        }
    }
}
