//! The WebSocket API's frames: request parameters ([`Params`]) and the request envelope
//! (web-socket-api.md "Request format"), and the inbound codec [`WsApiMessage`]: responses
//! (web-socket-api.md "Response format") and events (web-socket-api.md "Event format",
//! "Connection events"; user-data-stream.md).
//!
//! Requests are `{"id":7,"method":"order.place","params":{…}}`, one per text frame; the
//! client uses sequential integer ids. Responses echo the id with `status` and `result` or
//! `error`, and usually `rateLimits`. Events carry no id: `{"subscriptionId":0,"event":{…}}`
//! (user data) or `{"event":{"e":"serverShutdown",…}}`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use tradewire_core::{Decimal, Venue};
use tradewire_websockets::rpc::Correlated;
use tradewire_websockets::{DecodeError, Frame, WsMessage};

use super::error::{ApiErrorBody, BinanceWsError};
use super::user_data::{self, EventPayload, UserDataEvent};
use crate::{RateLimitStatus, RequestId};

/// One request parameter value. Decimals travel as strings (as in every documented example:
/// `"price": "52000.00"`), integers as JSON numbers.
#[derive(Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// A string (also decimals, enums, symbols).
    Str(String),
    /// An integer (`timestamp`, `orderId`, `recvWindow`).
    Int(i64),
    /// A boolean (`omitZeroBalances`).
    Bool(bool),
}

impl ParamValue {
    /// The value as it appears in the signature payload (`name=value`).
    fn write_plain(&self, out: &mut String) {
        match self {
            ParamValue::Str(s) => out.push_str(s),
            ParamValue::Int(n) => out.push_str(&n.to_string()),
            ParamValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        }
    }
}

/// Values are shown, except `apiKey` and `signature` ([`Params`]' `Debug` hides them).
impl fmt::Debug for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Str(s) => fmt::Debug::fmt(s, f),
            ParamValue::Int(n) => fmt::Debug::fmt(n, f),
            ParamValue::Bool(b) => fmt::Debug::fmt(b, f),
        }
    }
}

impl Serialize for ParamValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ParamValue::Str(v) => s.serialize_str(v),
            ParamValue::Int(v) => s.serialize_i64(*v),
            ParamValue::Bool(v) => s.serialize_bool(*v),
        }
    }
}

impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::Str(v.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        ParamValue::Str(v)
    }
}

impl From<i64> for ParamValue {
    fn from(v: i64) -> Self {
        ParamValue::Int(v)
    }
}

impl From<u32> for ParamValue {
    fn from(v: u32) -> Self {
        ParamValue::Int(i64::from(v))
    }
}

impl From<u64> for ParamValue {
    /// Binance ids are 64-bit signed; larger values saturate (Binance would refuse them).
    fn from(v: u64) -> Self {
        ParamValue::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<bool> for ParamValue {
    fn from(v: bool) -> Self {
        ParamValue::Bool(v)
    }
}

impl From<Decimal> for ParamValue {
    /// The decimal with its scale (`0.00847000` stays `"0.00847000"`).
    fn from(v: Decimal) -> Self {
        ParamValue::Str(v.to_string())
    }
}

/// Request parameters, kept sorted by name: the order the signature payload needs
/// (web-socket-api.md "SIGNED request example (HMAC)", step 1: "sort them in alphabetical
/// order by parameter name"); the order of `params` in the JSON is not significant.
///
/// ```
/// use tradewire_binance::private::websocket::Params;
///
/// let p = Params::new().with("symbol", "BTCUSDT").with("timestamp", 1645423376532_i64).with("side", "SELL");
/// assert_eq!(p.signature_payload(), "side=SELL&symbol=BTCUSDT&timestamp=1645423376532");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params(BTreeMap<&'static str, ParamValue>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params(BTreeMap::new())
    }

    /// Sets `name` (replacing a previous value).
    pub fn set(&mut self, name: &'static str, value: impl Into<ParamValue>) -> &mut Self {
        self.0.insert(name, value.into());
        self
    }

    /// Sets `name`, builder style.
    pub fn with(mut self, name: &'static str, value: impl Into<ParamValue>) -> Self {
        self.set(name, value);
        self
    }

    /// Sets `name` when `value` is `Some`, builder style.
    pub fn with_opt<V: Into<ParamValue>>(mut self, name: &'static str, value: Option<V>) -> Self {
        if let Some(v) = value {
            self.set(name, v);
        }
        self
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.0.get(name)
    }

    /// Whether `name` is set.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True without parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parameter names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }

    /// The signature payload: every parameter except `signature`, sorted by name, as
    /// `name=value` pairs joined by `&`, without percent-encoding (web-socket-api.md "SIGNED
    /// request example (HMAC)" / "(Ed25519)", step 1).
    pub fn signature_payload(&self) -> String {
        let mut out = String::with_capacity(self.0.len() * 24);
        for (name, value) in self.0.iter().filter(|(n, _)| **n != "signature") {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            value.write_plain(&mut out);
        }
        out
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// `apiKey` and `signature` are redacted.
impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in &self.0 {
            if matches!(*k, "apiKey" | "signature") {
                m.entry(k, &tradewire_core::REDACTED);
            } else {
                m.entry(k, v);
            }
        }
        m.finish()
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    id: u64,
    method: &'a str,
    #[serde(skip_serializing_if = "Params::is_empty")]
    params: &'a Params,
}

/// Encodes a request as its text frame: `{"id":…,"method":…,"params":{…}}` (`params`
/// omitted when empty: "May be omitted if there are no parameters").
pub(crate) fn encode_request(
    id: u64,
    method: &str,
    params: &Params,
) -> Result<Frame, BinanceWsError> {
    serde_json::to_string(&Envelope { id, method, params })
        .map(Frame::text)
        .map_err(|e| BinanceWsError::InvalidRequest(format!("cannot encode {method}: {e}")))
}

/// A response of the WebSocket API: `{"id":…,"status":…,"result"|"error":…,"rateLimits":[…]}`.
///
/// `result` is kept as raw JSON for the method that asked to decode; `Debug` shows only its
/// size (session responses carry the API key).
#[derive(Clone, PartialEq)]
pub struct WsApiReply {
    /// The request's id (`None` for `null`).
    pub id: Option<RequestId>,
    /// HTTP-like status: 200 ok, 4xx request error, 5xx server error.
    pub status: u16,
    result: Option<RawJson>,
    /// Binance's error, on failure.
    pub error: Option<ApiErrorBody>,
    /// Rate-limit usage, unless the connection or request turned it off.
    pub rate_limits: Vec<RateLimitStatus>,
}

/// Raw JSON compared by its text.
#[derive(Clone)]
struct RawJson(Box<RawValue>);

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl WsApiReply {
    /// The id as a sequential request id (integer ids ≥ 0).
    pub fn numeric_id(&self) -> Option<u64> {
        match self.id {
            Some(RequestId::Number(n)) => u64::try_from(n).ok(),
            _ => None,
        }
    }

    /// Whether the request succeeded (`status` 200 with a `result`).
    pub fn is_ok(&self) -> bool {
        self.error.is_none() && self.result.is_some() && self.status < 300
    }

    /// The raw `result` JSON.
    pub fn result_json(&self) -> Option<&str> {
        self.result.as_ref().map(|r| r.0.get())
    }

    /// The typed outcome: `result` decoded as `T`, or the typed error of `error` (429/418 →
    /// [`BinanceWsError::RateLimited`], else [`BinanceWsError::Api`]). `what` names the
    /// method in decode errors.
    pub fn into_result<T: DeserializeOwned>(self, what: &str) -> Result<T, BinanceWsError> {
        if let Some(error) = self.error {
            return Err(BinanceWsError::from_response(self.status, error));
        }
        let raw = self.result.ok_or_else(|| {
            tradewire_core::DecodeError::new(
                Venue::Binance,
                what,
                "response has neither result nor error",
            )
        })?;
        let text = raw.0.get();
        match serde_json::from_str(text) {
            Ok(v) => Ok(v),
            // A documented example repeats a field ("Current open orders": origQuoteOrderQty
            // twice): accept duplicates, the last one wins.
            Err(e) if e.to_string().contains("duplicate field") => {
                serde_json::from_str::<serde_json::Value>(text)
                    .and_then(serde_json::from_value)
                    .map_err(|e| tradewire_core::DecodeError::new(Venue::Binance, what, e).into())
            }
            Err(e) => Err(tradewire_core::DecodeError::new(Venue::Binance, what, e).into()),
        }
    }
}

impl fmt::Debug for WsApiReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsApiReply")
            .field("id", &self.id)
            .field("status", &self.status)
            .field(
                "result",
                &self
                    .result
                    .as_ref()
                    .map(|r| format!("<{} bytes>", r.0.get().len())),
            )
            .field("error", &self.error)
            .field("rate_limits", &self.rate_limits)
            .finish()
    }
}

/// One inbound frame of the WebSocket API.
#[derive(Debug, Clone, PartialEq)]
pub enum WsApiMessage {
    /// A response to a request (matched to its request by id).
    Response(WsApiReply),
    /// A user data stream event: `{"subscriptionId":0,"event":{…}}`.
    UserData {
        /// Which subscription it came from (optional per "Event format").
        subscription_id: Option<u64>,
        /// The decoded event.
        event: UserDataEvent,
    },
    /// `{"event":{"e":"serverShutdown","E":…}}`: the server is about to shut down; a new
    /// connection (with a new logon) follows the disconnect.
    ServerShutdown {
        /// Event time, UTC ms.
        event_time: i64,
    },
}

#[derive(Deserialize)]
struct RawFrame<'a> {
    #[serde(default)]
    id: Option<RequestId>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<ApiErrorBody>,
    #[serde(rename = "rateLimits", default)]
    rate_limits: Vec<RateLimitStatus>,
    #[serde(rename = "subscriptionId", default)]
    subscription_id: Option<u64>,
    #[serde(borrow, default)]
    event: Option<&'a RawValue>,
}

/// A decode error whose excerpt never shows an API key (session responses echo it).
fn decode_error(message: impl fmt::Display, text: &str) -> DecodeError {
    let mut e = DecodeError::from_text(message, text);
    if e.excerpt.contains("apiKey") {
        e.excerpt = tradewire_core::REDACTED.to_owned();
    }
    e
}

impl WsApiMessage {
    /// Decodes one text frame.
    ///
    /// ```
    /// use tradewire_binance::private::websocket::WsApiMessage;
    ///
    /// // web-socket-api.md "How to show/hide rate limit information" — response without
    /// // rate limit status.
    /// let msg = WsApiMessage::decode_str(r#"{ "id": 2, "status": 200, "result": { "serverTime": 1656400527891 } }"#)?;
    /// let WsApiMessage::Response(reply) = msg else { panic!() };
    /// assert_eq!((reply.numeric_id(), reply.status), (Some(2), 200));
    /// assert_eq!(reply.result_json(), Some(r#"{ "serverTime": 1656400527891 }"#));
    /// # Ok::<(), tradewire_websockets::DecodeError>(())
    /// ```
    pub fn decode_str(text: &str) -> Result<Self, DecodeError> {
        let raw: RawFrame<'_> = serde_json::from_str(text).map_err(|e| decode_error(e, text))?;
        if let Some(event) = raw.event {
            return match user_data::parse_event(event.get()) {
                Ok(EventPayload::User(event)) => Ok(WsApiMessage::UserData {
                    subscription_id: raw.subscription_id,
                    event,
                }),
                Ok(EventPayload::ServerShutdown { event_time }) => {
                    Ok(WsApiMessage::ServerShutdown { event_time })
                }
                Err(e) => Err(decode_error(e, text)),
            };
        }
        let Some(status) = raw.status else {
            return Err(decode_error(
                "neither a response (\"status\") nor an event (\"event\")",
                text,
            ));
        };
        Ok(WsApiMessage::Response(WsApiReply {
            id: raw.id,
            status,
            result: raw.result.map(|r| RawJson(r.to_owned())),
            error: raw.error,
            rate_limits: raw.rate_limits,
        }))
    }
}

impl WsMessage for WsApiMessage {
    /// Inbound only: requests are encoded by the method modules as frames; this encodes as an
    /// empty text frame, which nothing sends.
    fn encode(&self) -> Frame {
        Frame::text("")
    }

    fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError> {
        match frame.as_text() {
            Some(text) => Self::decode_str(text).map(Some),
            None => Err(DecodeError::new(
                "binary frame on a JSON WebSocket API connection (SBE is not supported)",
                frame,
            )),
        }
    }
}

impl Correlated for WsApiMessage {
    fn response_id(&self) -> Option<u64> {
        match self {
            WsApiMessage::Response(r) => r.numeric_id(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // web-socket-api.md "Response format" — example of successful response.
    const SUCCESS: &str = r#"{
    "id": "e2a85d9f-07a5-4f94-8d5f-789dc3deb097",
    "status": 200,
    "result": {
        "symbol": "BTCUSDT",
        "orderId": 12510053279,
        "orderListId": -1,
        "clientOrderId": "a097fe6304b20a7e4fc436",
        "transactTime": 1655716096505,
        "price": "0.10000000",
        "origQty": "10.00000000",
        "executedQty": "0.00000000",
        "origQuoteOrderQty": "0.000000",
        "cummulativeQuoteQty": "0.00000000",
        "status": "NEW",
        "timeInForce": "GTC",
        "type": "LIMIT",
        "side": "BUY",
        "workingTime": 1655716096505,
        "selfTradePreventionMode": "NONE"
    },
    "rateLimits": [
        {
            "rateLimitType": "ORDERS",
            "interval": "SECOND",
            "intervalNum": 10,
            "limit": 50,
            "count": 12
        },
        {
            "rateLimitType": "ORDERS",
            "interval": "DAY",
            "intervalNum": 1,
            "limit": 160000,
            "count": 4043
        },
        {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": 6000,
            "count": 321
        }
    ]
}"#;

    // web-socket-api.md "Response format" — example of failed response.
    const FAILED: &str = r#"{
    "id": "e2a85d9f-07a5-4f94-8d5f-789dc3deb097",
    "status": 400,
    "error": {
        "code": -2010,
        "msg": "Account has insufficient balance for requested action."
    },
    "rateLimits": [
        {
            "rateLimitType": "ORDERS",
            "interval": "SECOND",
            "intervalNum": 10,
            "limit": 50,
            "count": 13
        },
        {
            "rateLimitType": "ORDERS",
            "interval": "DAY",
            "intervalNum": 1,
            "limit": 160000,
            "count": 4044
        },
        {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": 6000,
            "count": 322
        }
    ]
}"#;

    #[test]
    fn documented_successful_response() {
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(SUCCESS).unwrap() else {
            panic!()
        };
        assert_eq!(
            reply.id,
            Some(RequestId::Text(
                "e2a85d9f-07a5-4f94-8d5f-789dc3deb097".into()
            ))
        );
        // String ids are not tradewire's sequential ids: not correlated.
        assert_eq!(reply.numeric_id(), None);
        assert!(reply.is_ok());
        assert_eq!(reply.rate_limits.len(), 3);
        assert_eq!(reply.rate_limits[2].rate_limit_type, "REQUEST_WEIGHT");
        assert_eq!(reply.rate_limits[2].count, 321);
        #[derive(Deserialize)]
        struct Partial {
            #[serde(rename = "orderId")]
            order_id: u64,
        }
        let p: Partial = reply.into_result("order.place").unwrap();
        assert_eq!(p.order_id, 12_510_053_279);
    }

    #[test]
    fn documented_failed_response_is_typed() {
        let msg = WsApiMessage::decode_str(FAILED).unwrap();
        assert_eq!(msg.response_id(), None);
        let WsApiMessage::Response(reply) = msg else {
            panic!()
        };
        assert!(!reply.is_ok());
        let e = reply
            .into_result::<serde_json::Value>("order.place")
            .unwrap_err();
        assert_eq!(
            e,
            BinanceWsError::Api {
                status: 400,
                code: -2010,
                msg: "Account has insufficient balance for requested action.".into()
            }
        );
    }

    #[test]
    fn numeric_ids_correlate() {
        // web-socket-api.md "How to show/hide rate limit information" — default response.
        let text = r#"{
      "id": 1,
      "status": 200,
      "result": { "serverTime": 1656400526260 },
      "rateLimits": [
          {
              "rateLimitType": "REQUEST_WEIGHT",
              "interval": "MINUTE",
              "intervalNum": 1,
              "limit": 6000,
              "count": 70
          }
      ]
  }"#;
        let msg = WsApiMessage::decode(&Frame::text(text)).unwrap().unwrap();
        assert_eq!(msg.response_id(), Some(1));
        // A revoked session answers with a null id (web-socket-api.md "Session Authentication").
        let revoked = r#"{"id": null, "status": 401, "error": {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}}"#;
        let msg = WsApiMessage::decode_str(revoked).unwrap();
        assert_eq!(msg.response_id(), None);
        let WsApiMessage::Response(r) = msg else {
            panic!()
        };
        assert_eq!((r.id.clone(), r.status), (None, 401));
        assert!(matches!(
            r.into_result::<serde_json::Value>("x"),
            Err(BinanceWsError::Api {
                status: 401,
                code: -2015,
                ..
            })
        ));
    }

    #[test]
    fn documented_events() {
        // web-socket-api.md "Event format" — example of an event.
        let text = r#"{
    "subscriptionId": 0,
    "event": {
        "e": "outboundAccountPosition",
        "E": 1728972148778,
        "u": 1728972148778,
        "B": [
            {
                "a": "BTC",
                "f": "11818.00000000",
                "l": "182.00000000"
            },
            {
                "a": "USDT",
                "f": "10580.00000000",
                "l": "70.00000000"
            }
        ]
    }
}"#;
        let msg = WsApiMessage::decode_str(text).unwrap();
        assert_eq!(msg.response_id(), None);
        let WsApiMessage::UserData {
            subscription_id,
            event: UserDataEvent::AccountPosition(p),
        } = msg
        else {
            panic!()
        };
        assert_eq!(subscription_id, Some(0));
        assert_eq!(p.balances.len(), 2);
        // web-socket-api.md "Connection events" — Server Shutdown (comments stripped).
        let text = r#"{
  "event": {
    "e": "serverShutdown",
    "E": 1770123456789
  }
}"#;
        assert_eq!(
            WsApiMessage::decode_str(text).unwrap(),
            WsApiMessage::ServerShutdown {
                event_time: 1_770_123_456_789
            }
        );
    }

    #[test]
    fn bad_frames_are_decode_errors_without_keys() {
        assert!(WsApiMessage::decode_str(r#"{"id":1}"#).is_err());
        assert!(WsApiMessage::decode_str("nope").is_err());
        assert!(WsApiMessage::decode(&Frame::binary(vec![1, 2])).is_err());
        let e = WsApiMessage::decode_str(
            r#"{"id":1,"status":"x","result":{"apiKey":"secretKeyValue"}}"#,
        )
        .unwrap_err();
        assert!(!e.to_string().contains("secretKeyValue"), "{e}");
        let e = WsApiMessage::decode_str(r#"{"event":{"e":"executionReport","E":1}}"#).unwrap_err();
        assert!(e.message.contains("executionReport"), "{e}");
    }

    #[test]
    fn reply_debug_hides_the_result() {
        let text = r#"{"id":3,"status":200,"result":{"apiKey":"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"}}"#;
        let msg = WsApiMessage::decode_str(text).unwrap();
        let shown = format!("{msg:?}");
        assert!(!shown.contains("vmPUZE6m"), "{shown}");
        assert!(shown.contains("bytes"), "{shown}");
    }

    #[test]
    fn request_envelope_and_params() {
        // web-socket-api.md "How to show/hide rate limit information": `{ "id": 1, "method": "time" }`.
        let frame = encode_request(1, "time", &Params::new()).unwrap();
        assert_eq!(frame.as_text(), Some(r#"{"id":1,"method":"time"}"#));
        let frame =
            encode_request(2, "time", &Params::new().with("returnRateLimits", false)).unwrap();
        assert_eq!(
            frame.as_text(),
            Some(r#"{"id":2,"method":"time","params":{"returnRateLimits":false}}"#)
        );
        let p = Params::new()
            .with("price", Decimal::new(5_200_000, 2))
            .with("recvWindow", 100_u32)
            .with("orderId", 12_569_099_453_u64)
            .with("apiKey", "k")
            .with("signature", "s")
            .with_opt("newClientOrderId", None::<String>);
        assert_eq!(p.get("price"), Some(&ParamValue::Str("52000.00".into())));
        assert_eq!(p.len(), 5);
        assert!(p.contains("apiKey") && !p.contains("newClientOrderId"));
        assert_eq!(
            p.names().collect::<Vec<_>>(),
            ["apiKey", "orderId", "price", "recvWindow", "signature"]
        );
        assert_eq!(
            p.signature_payload(),
            "apiKey=k&orderId=12569099453&price=52000.00&recvWindow=100"
        );
        let shown = format!("{p:?}");
        assert!(shown.contains("\"apiKey\": \"[REDACTED]\""), "{shown}");
        assert!(shown.contains("\"signature\": \"[REDACTED]\""), "{shown}");
    }
}
