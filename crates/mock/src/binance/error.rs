//! Binance API errors (errors.md): `{"code":-1121,"msg":"Invalid symbol."}`.

use super::util::Obj;

/// An error answer of the REST API or the WebSocket API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// HTTP status (REST) or `status` field (WebSocket API).
    pub(crate) status: u16,
    pub(crate) code: i64,
    pub(crate) msg: String,
    /// `Retry-After` seconds (REST header) for 429/418.
    pub(crate) retry_after_secs: Option<u64>,
    /// WebSocket API `error.data.retryAfter` (epoch ms) for 429/418.
    pub(crate) retry_after_ms: Option<i64>,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: i64, msg: impl Into<String>) -> Self {
        Self {
            status,
            code,
            msg: msg.into(),
            retry_after_secs: None,
            retry_after_ms: None,
        }
    }

    /// A 400 with `code` and `msg`.
    pub(crate) fn bad(code: i64, msg: impl Into<String>) -> Self {
        Self::new(400, code, msg)
    }

    // errors.md "-1102 MANDATORY_PARAM_EMPTY_OR_MALFORMED".
    pub(crate) fn mandatory(param: &str) -> Self {
        Self::bad(
            -1102,
            format!("Mandatory parameter '{param}' was not sent, was empty/null, or malformed."),
        )
    }

    // errors.md "-1102": "Param '%s' or '%s' must be sent, but both were empty/null!"
    pub(crate) fn either(a: &str, b: &str) -> Self {
        Self::bad(
            -1102,
            format!("Param '{a}' or '{b}' must be sent, but both were empty/null!"),
        )
    }

    // errors.md "-1100 ILLEGAL_CHARS": "Illegal characters found in parameter '%s'; legal
    // range is '%s'."
    pub(crate) fn illegal(param: &str, range: &str) -> Self {
        Self::bad(
            -1100,
            format!("Illegal characters found in parameter '{param}'; legal range is '{range}'."),
        )
    }

    // errors.md "-1121 BAD_SYMBOL".
    pub(crate) fn bad_symbol() -> Self {
        Self::bad(-1121, "Invalid symbol.")
    }

    // errors.md "-1120 BAD_INTERVAL".
    pub(crate) fn bad_interval() -> Self {
        Self::bad(-1120, "Invalid interval.")
    }

    // errors.md "-1013 INVALID_MESSAGE" with a message from "Filter failures".
    pub(crate) fn filter(name: &str) -> Self {
        Self::bad(-1013, format!("Filter failure: {name}"))
    }

    // errors.md "-2010 NEW_ORDER_REJECTED" with a message from "Messages for -1010 ...".
    pub(crate) fn rejected(msg: &str) -> Self {
        Self::bad(-2010, msg)
    }

    // errors.md "-2014 BAD_API_KEY_FMT". Status 401 as for -2015 (web-socket-api.md
    // "Session Authentication" shows `"status": 401` with -2015).
    pub(crate) fn bad_key_format() -> Self {
        Self::new(401, -2014, "API-key format invalid.")
    }

    // errors.md "-2015 REJECTED_MBX_KEY".
    pub(crate) fn rejected_key() -> Self {
        Self::new(
            401,
            -2015,
            "Invalid API-key, IP, or permissions for action.",
        )
    }

    // errors.md "-1022 INVALID_SIGNATURE".
    pub(crate) fn bad_signature() -> Self {
        Self::bad(-1022, "Signature for this request is not valid.")
    }

    /// The JSON body `{"code":..,"msg":..}`.
    pub(crate) fn body(&self) -> String {
        Obj::new().n("code", self.code).s("msg", &self.msg).finish()
    }
}
