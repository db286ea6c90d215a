//! `session.logon`: authenticate the connection with an Ed25519 API key.
//!
//! Doc: web-socket-api.md "Authentication requests" → "Log in with API key (SIGNED)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/authentication-requests#log-in-with-api-key-signed>).
//! Parameters `apiKey`, `timestamp`, `signature` (and optional `recvWindow`); weight 2; "Only
//! _Ed25519_ keys are supported for this feature". The response is the session status
//! ([`SessionStatus`], the same object as `session.status` and `session.logout` return).
//!
//! The client sends it itself, freshly signed, as the first frame of every connection
//! ([`session`](super::session)); [`session_logon`] logs on again on the current
//! connection (after a revocation, for instance).

use serde::{Deserialize, Deserializer};
use tradewire_core::ApiKey;
use tradewire_websockets::Frame;

use super::auth::{self, WsApiCredentials};
use super::client::BinancePrivateWs;
use super::error::BinanceWsError;
use super::message::{self, Params};
use super::session::Security;

/// The method name.
pub const METHOD: &str = "session.logon";
/// Request weight (web-socket-api.md "Log in with API key (SIGNED)").
pub const WEIGHT: u32 = 2;

/// A `session.logon` request. `apiKey` and `signature` are added from the credentials when it
/// is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLogonRequest {
    /// `timestamp`, UTC ms.
    pub timestamp: i64,
    /// `recvWindow`, ms (Binance's default 5000 when `None`).
    pub recv_window: Option<u32>,
}

impl SessionLogonRequest {
    /// The signed parameters: `apiKey`, `timestamp`, (`recvWindow`), `signature`.
    pub fn signed_params(&self, credentials: &WsApiCredentials) -> Params {
        let mut params = Params::new();
        auth::timestamp(&mut params, self.timestamp, self.recv_window);
        credentials.sign(&mut params);
        params
    }
}

fn api_key<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ApiKey>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(ApiKey::new))
}

/// The session status `session.logon`, `session.status` and `session.logout` return.
/// `Debug` does not show the API key.
#[derive(Debug, Clone, Deserialize)]
pub struct SessionStatus {
    /// The authenticated API key (`null` when not authenticated).
    #[serde(rename = "apiKey", default, deserialize_with = "api_key")]
    pub api_key: Option<ApiKey>,
    /// When the key was authenticated, UTC ms.
    #[serde(rename = "authorizedSince", default)]
    pub authorized_since: Option<i64>,
    /// When the connection was opened, UTC ms.
    #[serde(rename = "connectedSince")]
    pub connected_since: i64,
    /// Whether responses carry `rateLimits` by default.
    #[serde(rename = "returnRateLimits")]
    pub return_rate_limits: bool,
    /// Server time, UTC ms.
    #[serde(rename = "serverTime")]
    pub server_time: i64,
    /// Whether a user data stream subscription is active (`null`: not available).
    #[serde(rename = "userDataStream", default)]
    pub user_data_stream: Option<bool>,
}

impl PartialEq for SessionStatus {
    fn eq(&self, other: &Self) -> bool {
        self.api_key.as_ref().map(ApiKey::expose_secret)
            == other.api_key.as_ref().map(ApiKey::expose_secret)
            && self.authorized_since == other.authorized_since
            && self.connected_since == other.connected_since
            && self.return_rate_limits == other.return_rate_limits
            && self.server_time == other.server_time
            && self.user_data_stream == other.user_data_stream
    }
}

/// The `session.logon` frame the client sends first on every connection.
pub(crate) fn logon_frame(
    id: u64,
    credentials: &WsApiCredentials,
    now: i64,
    recv_window: Option<u32>,
) -> Result<Frame, BinanceWsError> {
    let request = SessionLogonRequest {
        timestamp: now,
        recv_window,
    };
    message::encode_request(id, METHOD, &request.signed_params(credentials))
}

/// Sends `session.logon` on the current connection now and updates the session state from
/// the answer. Ed25519 keys only. A refusal is [`BinanceWsError::LogonRejected`].
pub async fn session_logon(client: &BinancePrivateWs) -> Result<SessionStatus, BinanceWsError> {
    if !client.session().credentials().uses_session_logon() {
        return Err(BinanceWsError::InvalidRequest(
            "session.logon needs an Ed25519 key (web-socket-api.md \"Session Authentication\")"
                .into(),
        ));
    }
    let result = client
        .call::<SessionStatus>(METHOD, Params::new(), WEIGHT, Security::Explicit)
        .await;
    match result {
        Ok(status) => {
            client.session().set_logon_result(Ok(()));
            Ok(status)
        }
        Err(BinanceWsError::Api { status, code, msg }) => {
            client
                .session()
                .set_logon_result(Err((status, code, msg.clone())));
            Err(BinanceWsError::LogonRejected { status, code, msg })
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::websocket::WsApiMessage;
    use crate::private::websocket::auth::tests::{DOC_API_KEY, DOC_SECRET_KEY, pkcs8_pem};
    use tradewire_rest::sign::Ed25519Signer;

    #[test]
    fn request_has_the_documented_parameters() {
        // web-socket-api.md "Log in with API key (SIGNED)" — request: `apiKey`, `signature`,
        // `timestamp`. (The documented example signature is an HMAC one; logon needs Ed25519.)
        let pem = pkcs8_pem([5; 32]);
        let creds = WsApiCredentials::ed25519_pem(DOC_API_KEY, &pem).unwrap();
        let frame = logon_frame(1, &creds, 1_649_729_878_532, None).unwrap();
        let v: serde_json::Value = serde_json::from_str(frame.as_text().unwrap()).unwrap();
        assert_eq!(v["method"], "session.logon");
        assert_eq!(v["id"], 1);
        let mut keys: Vec<_> = v["params"].as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["apiKey", "signature", "timestamp"]);
        assert_eq!(v["params"]["apiKey"], DOC_API_KEY);
        assert_eq!(v["params"]["timestamp"], 1_649_729_878_532_i64);
        // The signature: base64 Ed25519 over "apiKey=…&timestamp=…".
        let payload = format!("apiKey={DOC_API_KEY}&timestamp=1649729878532");
        let signer = Ed25519Signer::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(v["params"]["signature"], signer.sign_base64(payload));
        // With recvWindow.
        let p = SessionLogonRequest {
            timestamp: 1,
            recv_window: Some(100),
        }
        .signed_params(&creds);
        assert_eq!(
            p.names().collect::<Vec<_>>(),
            ["apiKey", "recvWindow", "signature", "timestamp"]
        );
    }

    #[test]
    fn documented_response() {
        // web-socket-api.md "Log in with API key (SIGNED)" — response (comment stripped).
        let text = r#"{
    "id": "c174a2b1-3f51-4580-b200-8528bd237cb7",
    "status": 200,
    "result": {
        "apiKey": "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
        "authorizedSince": 1649729878532,
        "connectedSince": 1649729873021,
        "returnRateLimits": false,
        "serverTime": 1649729878630,
        "userDataStream": false
    }
}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let status: SessionStatus = reply.into_result(METHOD).unwrap();
        assert_eq!(
            status.api_key.as_ref().map(ApiKey::expose_secret),
            Some(DOC_API_KEY)
        );
        assert_eq!(status.authorized_since, Some(1_649_729_878_532));
        assert_eq!(status.connected_since, 1_649_729_873_021);
        assert!(!status.return_rate_limits);
        assert_eq!(status.server_time, 1_649_729_878_630);
        assert_eq!(status.user_data_stream, Some(false));
        // The key is not shown.
        let shown = format!("{status:?}");
        assert!(!shown.contains(DOC_API_KEY), "{shown}");

        // web-socket-api.md "Log out of the session" — response (comment stripped): null key.
        let text = r#"{
    "id": "c174a2b1-3f51-4580-b200-8528bd237cb7",
    "status": 200,
    "result": {
        "apiKey": null,
        "authorizedSince": null,
        "connectedSince": 1649729873021,
        "returnRateLimits": false,
        "serverTime": 1649730611671,
        "userDataStream": false
    }
}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let status: SessionStatus = reply.into_result(METHOD).unwrap();
        assert!(status.api_key.is_none() && status.authorized_since.is_none());
    }

    #[test]
    fn rejected_logon_is_typed() {
        // errors.md "-1022 INVALID_SIGNATURE".
        let text = r#"{"id":1,"status":400,"error":{"code":-1022,"msg":"Signature for this request is not valid."}}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let e = reply.into_result::<SessionStatus>(METHOD).unwrap_err();
        assert_eq!(e.code(), Some(-1022));
        // HMAC keys cannot log on: refused before sending (no client needed to see it).
        let hmac = WsApiCredentials::hmac(DOC_API_KEY, DOC_SECRET_KEY);
        assert!(!hmac.uses_session_logon());
    }
}
