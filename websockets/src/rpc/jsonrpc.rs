//! JSON-RPC 2.0 envelopes (<https://www.jsonrpc.org/specification>), as Deribit's API v2 uses
//! them over WebSocket (<https://docs.deribit.com/#json-rpc>).
//!
//! Requests are `{"jsonrpc":"2.0","id":N,"method":"…","params":{…}}`; a response carries the same
//! `id` and either `result` or `error: {code, message, data?}`; notifications carry a `method`
//! (Deribit: `"subscription"`, `"heartbeat"`) and `params`, and no `id`. [`Envelope`] parses any
//! of them in one pass, borrowing `result`/`params` as raw JSON for the venue to decode into its
//! own types.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::frame::Frame;

/// A request envelope.
#[derive(Debug, Serialize)]
pub struct Request<'a, P> {
    /// Always `"2.0"`.
    pub jsonrpc: &'static str,
    /// Request id.
    pub id: u64,
    /// Method name, e.g. `public/get_time`.
    pub method: &'a str,
    /// Named parameters.
    pub params: P,
}

/// Encodes a request as a text frame.
///
/// ```
/// use tradewire_websockets::rpc::jsonrpc;
///
/// let frame = jsonrpc::request(7, "public/test", &serde_json::json!({})).unwrap();
/// assert_eq!(frame.as_text(), Some(r#"{"jsonrpc":"2.0","id":7,"method":"public/test","params":{}}"#));
/// ```
pub fn request<P: Serialize>(
    id: u64,
    method: &str,
    params: &P,
) -> Result<Frame, serde_json::Error> {
    let text = serde_json::to_string(&Request {
        jsonrpc: "2.0",
        id,
        method,
        params,
    })?;
    Ok(Frame::text(text))
}

/// The `error` member of a failed response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("JSON-RPC error {code}: {message}")]
pub struct ErrorObject {
    /// Error code (Deribit: e.g. 10009 not_enough_funds, 13009 unauthorized).
    pub code: i64,
    /// Error message.
    pub message: String,
    /// Extra data (Deribit: `{"reason":…,"param":…}`), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

/// Any inbound JSON-RPC message, parsed without copying its payload.
#[derive(Debug, Deserialize)]
pub struct Envelope<'a> {
    /// Response id (absent on notifications; `null` on some parse errors).
    #[serde(default)]
    pub id: Option<u64>,
    /// Notification method.
    #[serde(borrow, default)]
    pub method: Option<&'a str>,
    /// Successful result, raw.
    #[serde(borrow, default)]
    pub result: Option<&'a RawValue>,
    /// Error of a failed request.
    #[serde(default)]
    pub error: Option<ErrorObject>,
    /// Notification parameters, raw.
    #[serde(borrow, default)]
    pub params: Option<&'a RawValue>,
    /// Deribit: time the request reached the server, in µs.
    #[serde(rename = "usIn", default)]
    pub us_in: Option<u64>,
    /// Deribit: time the response left the server, in µs.
    #[serde(rename = "usOut", default)]
    pub us_out: Option<u64>,
    /// Deribit: true on the test network.
    #[serde(default)]
    pub testnet: Option<bool>,
}

/// What an [`Envelope`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A response with a result.
    Result,
    /// A response with an error.
    Error,
    /// A notification (method + params).
    Notification,
    /// None of the above (an error response with no id, or a malformed message).
    Other,
}

impl<'a> Envelope<'a> {
    /// Parses one message.
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Classifies the message.
    pub fn kind(&self) -> Kind {
        match (self.id, &self.error, self.result, self.method) {
            (Some(_), None, Some(_), _) => Kind::Result,
            (_, Some(_), _, _) => Kind::Error,
            (None, None, None, Some(_)) => Kind::Notification,
            _ => Kind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_results_errors_and_notifications() {
        // https://docs.deribit.com/#public-test (response example)
        let ok = r#"{"jsonrpc":"2.0","id":8212,"result":{"version":"1.2.26"},"usIn":1535043730126248,"usOut":1535043730126250,"usDiff":2,"testnet":false}"#;
        let e = Envelope::parse(ok).unwrap();
        assert_eq!(e.kind(), Kind::Result);
        assert_eq!(e.id, Some(8212));
        assert_eq!(e.result.unwrap().get(), r#"{"version":"1.2.26"}"#);
        assert_eq!(e.us_in, Some(1535043730126248));

        // https://docs.deribit.com/#json-rpc (error response example)
        let err = r#"{"jsonrpc":"2.0","id":8163,"error":{"code":11050,"message":"bad_request"},"testnet":false,"usIn":1535037392434763,"usOut":1535037392448119,"usDiff":13356}"#;
        let e = Envelope::parse(err).unwrap();
        assert_eq!(e.kind(), Kind::Error);
        assert_eq!(
            e.error,
            Some(ErrorObject {
                code: 11050,
                message: "bad_request".into(),
                data: None
            })
        );

        // https://docs.deribit.com/#subscriptions (notification shape)
        let n = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"deribit_price_index.btc_usd","data":{"timestamp":1535098298227,"price":6521.17,"index_name":"btc_usd"}}}"#;
        let e = Envelope::parse(n).unwrap();
        assert_eq!(e.kind(), Kind::Notification);
        assert_eq!(e.method, Some("subscription"));
        assert!(e.params.unwrap().get().starts_with(r#"{"channel":"#));
    }

    #[test]
    fn request_encoding() {
        let f = request(
            3,
            "public/get_time",
            &serde_json::Map::<String, serde_json::Value>::new(),
        )
        .unwrap();
        assert_eq!(
            f.as_text(),
            Some(r#"{"jsonrpc":"2.0","id":3,"method":"public/get_time","params":{}}"#)
        );
    }
}
