//! JSON-RPC 2.0 framing: responses, errors, notifications.
//!
//! Response and error shapes from <https://docs.deribit.com/articles/json-rpc-overview> and
//! the error example of <https://docs.deribit.com/articles/errors>:
//! `{"jsonrpc":"2.0","id":42,"error":{"code":13009,"message":"..","data":{"reason":..,
//! "param":..}},"usIn":..,"usOut":..,"usDiff":..}`. Codes and short messages from the
//! "Complete RPC Error Codes Reference" table of the same page.

use serde_json::{Value, json};

/// A JSON-RPC error (`error` member).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RpcError {
    pub(crate) code: i64,
    pub(crate) message: &'static str,
    pub(crate) data: Option<Value>,
}

impl RpcError {
    pub(crate) fn new(code: i64, message: &'static str) -> Self {
        Self {
            code,
            message,
            data: None,
        }
    }

    /// 11029 "invalid_arguments" naming the offending parameter.
    pub(crate) fn invalid_arguments(param: &str) -> Self {
        Self {
            code: 11029,
            message: "invalid_arguments",
            data: Some(json!({ "param": param, "reason": "invalid value" })),
        }
    }

    /// -32602 "Invalid params": a required parameter is missing or has the wrong type.
    pub(crate) fn invalid_params(param: &str, reason: &str) -> Self {
        Self {
            code: -32602,
            message: "Invalid params",
            data: Some(json!({ "param": param, "reason": reason })),
        }
    }

    /// 13009 "unauthorized": no, wrong or expired token.
    pub(crate) fn unauthorized() -> Self {
        Self::new(13009, "unauthorized")
    }
}

/// Adds the timing members Deribit puts on every response.
fn stamp(mut v: Value, us_in: i64, us_out: i64) -> String {
    v["usIn"] = json!(us_in);
    v["usOut"] = json!(us_out);
    v["usDiff"] = json!(us_out - us_in);
    v["testnet"] = json!(true);
    v.to_string()
}

/// `{"jsonrpc":"2.0","id":..,"result":..,"usIn":..,"usOut":..,"usDiff":..,"testnet":true}`.
pub(crate) fn response(id: &Value, result: Value, us_in: i64, us_out: i64) -> String {
    let mut v = json!({ "jsonrpc": "2.0", "result": result });
    if !id.is_null() {
        v["id"] = id.clone();
    }
    stamp(v, us_in, us_out)
}

/// `{"jsonrpc":"2.0","id":..,"error":{"code":..,"message":..,"data":..},...}`.
pub(crate) fn error(id: &Value, err: &RpcError, us_in: i64, us_out: i64) -> String {
    let mut e = json!({ "code": err.code, "message": err.message });
    if let Some(data) = &err.data {
        e["data"] = data.clone();
    }
    let mut v = json!({ "jsonrpc": "2.0", "error": e });
    if !id.is_null() {
        v["id"] = id.clone();
    }
    stamp(v, us_in, us_out)
}

/// A subscription notification (<https://docs.deribit.com/articles/notifications>):
/// `{"jsonrpc":"2.0","method":"subscription","params":{"channel":..,"data":..}}`.
pub(crate) fn notification(channel: &str, data: &Value) -> String {
    json!({
        "jsonrpc": "2.0",
        "method": "subscription",
        "params": { "channel": channel, "data": data },
    })
    .to_string()
}

/// The heartbeat test request of public/set_heartbeat
/// (<https://docs.deribit.com/api-reference/session-management/public-set_heartbeat>):
/// `{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}`.
pub(crate) fn test_request() -> String {
    json!({
        "jsonrpc": "2.0",
        "method": "heartbeat",
        "params": { "type": "test_request" },
    })
    .to_string()
}
