//! `userDataStream.subscribe` / `userDataStream.subscribe.signature`: receive the account's
//! user data stream events on this connection.
//!
//! Doc: web-socket-api.md "User Data Stream requests" → "Subscribe to User Data Stream
//! (USER_STREAM)" (needs a session logged on with an Ed25519 key; no parameters; weight 2)
//! and "Subscribe to User Data Stream through signature subscription (USER_STREAM)"
//! (`apiKey`, `timestamp`, `signature`, optional `recvWindow`; any key type; weight 2). Both
//! answer `{"subscriptionId":0}`; events then arrive as `{"subscriptionId":0,"event":{…}}`
//! ([`user_data`](super::user_data)). "You can have only one active subscription for a given
//! account on a given connection" (a second one is `-2035`).
//!
//! A subscription lives as long as its connection: after a reconnect the client subscribes
//! again by itself (after the logon), with the method matching the key type.

use serde::Deserialize;
use tradewire_websockets::Frame;

use super::auth::{self, WsApiCredentials};
use super::client::BinancePrivateWs;
use super::error::BinanceWsError;
use super::message::{self, Params};
use super::session::Security;

/// Method on a logged-on session.
pub const METHOD: &str = "userDataStream.subscribe";
/// Method with an explicit signature.
pub const SIGNATURE_METHOD: &str = "userDataStream.subscribe.signature";
/// Request weight of both.
pub const WEIGHT: u32 = 2;

/// Which way to subscribe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserDataStreamSubscribeRequest {
    /// `userDataStream.subscribe` on the logged-on (Ed25519) session, no parameters.
    Session,
    /// `userDataStream.subscribe.signature`, signed with the key (HMAC or Ed25519).
    Signature,
}

impl UserDataStreamSubscribeRequest {
    /// The way that fits the credentials: the session for Ed25519 keys, a signature for HMAC.
    pub fn for_credentials(credentials: &WsApiCredentials) -> Self {
        if credentials.uses_session_logon() {
            UserDataStreamSubscribeRequest::Session
        } else {
            UserDataStreamSubscribeRequest::Signature
        }
    }

    /// The method name.
    pub const fn method(self) -> &'static str {
        match self {
            UserDataStreamSubscribeRequest::Session => METHOD,
            UserDataStreamSubscribeRequest::Signature => SIGNATURE_METHOD,
        }
    }

    pub(crate) const fn security(self) -> Security {
        match self {
            UserDataStreamSubscribeRequest::Session => Security::Session,
            UserDataStreamSubscribeRequest::Signature => Security::Explicit,
        }
    }

    /// The parameters, complete: none on the session; `apiKey`, `timestamp`, (`recvWindow`),
    /// `signature` for the signature method.
    pub fn params(
        self,
        credentials: &WsApiCredentials,
        now: i64,
        recv_window: Option<u32>,
    ) -> Params {
        let mut params = Params::new();
        if self == UserDataStreamSubscribeRequest::Signature {
            auth::timestamp(&mut params, now, recv_window);
            credentials.sign(&mut params);
        }
        params
    }
}

/// `{"subscriptionId":0}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct UserDataStreamSubscribeResponse {
    /// The id events of this subscription carry.
    #[serde(rename = "subscriptionId")]
    pub subscription_id: u64,
}

/// The subscription frame replayed after every reconnect (after the logon).
pub(crate) fn replay_frame(
    id: u64,
    credentials: &WsApiCredentials,
    now: i64,
    recv_window: Option<u32>,
) -> Result<Frame, BinanceWsError> {
    let request = UserDataStreamSubscribeRequest::for_credentials(credentials);
    message::encode_request(
        id,
        request.method(),
        &request.params(credentials, now, recv_window),
    )
}

/// Subscribes this connection to the account's user data stream, the way the credentials
/// allow; from then on the client re-subscribes after every reconnect. Events arrive on the
/// client's event stream as [`PrivateWsEvent::UserData`](super::PrivateWsEvent::UserData).
pub async fn user_data_stream_subscribe(
    client: &BinancePrivateWs,
) -> Result<UserDataStreamSubscribeResponse, BinanceWsError> {
    let session = client.session();
    let request = UserDataStreamSubscribeRequest::for_credentials(session.credentials());
    // Wished for before sending: a reconnect while the request is on its way re-subscribes.
    let (wished_before, connection) = session.want_user_data();
    // The signature variant is completed (timestamp, signature) by the client with the time
    // of sending, like every signed request.
    let result = client
        .call::<UserDataStreamSubscribeResponse>(
            request.method(),
            Params::new(),
            WEIGHT,
            request.security(),
        )
        .await;
    match result {
        Ok(response) => {
            session.user_data_subscribed(response.subscription_id, connection);
            Ok(response)
        }
        Err(e) => {
            // Lost or timed out: it may have succeeded, and the next connection subscribes
            // anyway. Refused (locally or by Binance): withdraw a wish this call made.
            let unknown = matches!(
                e,
                BinanceWsError::ConnectionLost { .. } | BinanceWsError::Timeout { .. }
            );
            if !wished_before && !unknown {
                session.unwant_user_data();
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::websocket::WsApiMessage;
    use crate::private::websocket::auth::tests::{DOC_API_KEY, DOC_SECRET_KEY, pkcs8_pem};

    #[test]
    fn session_subscription_has_no_params() {
        // web-socket-api.md "Subscribe to User Data Stream (USER_STREAM)" — request:
        // `{"id": …, "method": "userDataStream.subscribe"}`.
        let creds = WsApiCredentials::ed25519_pem("k", &pkcs8_pem([2; 32])).unwrap();
        let request = UserDataStreamSubscribeRequest::for_credentials(&creds);
        assert_eq!(request, UserDataStreamSubscribeRequest::Session);
        assert_eq!(request.security(), Security::Session);
        let frame = replay_frame(4, &creds, 1, None).unwrap();
        assert_eq!(
            frame.as_text(),
            Some(r#"{"id":4,"method":"userDataStream.subscribe"}"#)
        );
    }

    #[test]
    fn signature_subscription_is_signed() {
        // web-socket-api.md "Subscribe to User Data Stream through signature subscription" —
        // request parameters `apiKey`, `timestamp`, `signature`.
        let creds = WsApiCredentials::hmac(DOC_API_KEY, DOC_SECRET_KEY);
        let request = UserDataStreamSubscribeRequest::for_credentials(&creds);
        assert_eq!(request.method(), "userDataStream.subscribe.signature");
        assert_eq!(request.security(), Security::Explicit);
        let p = request.params(&creds, 1_747_385_641_636, None);
        assert_eq!(
            p.names().collect::<Vec<_>>(),
            ["apiKey", "signature", "timestamp"]
        );
        let frame = replay_frame(9, &creds, 1_747_385_641_636, None).unwrap();
        let v: serde_json::Value = serde_json::from_str(frame.as_text().unwrap()).unwrap();
        let payload = format!("apiKey={DOC_API_KEY}&timestamp=1747385641636");
        assert_eq!(
            v["params"]["signature"],
            tradewire_rest::sign::hmac_sha256_hex(DOC_SECRET_KEY, payload)
        );
    }

    #[test]
    fn documented_responses() {
        // web-socket-api.md "Subscribe to User Data Stream (USER_STREAM)" — response.
        let text = r#"{
    "id": "d3df8a21-98ea-4fe0-8f4e-0fcea5d418b7",
    "status": 200,
    "result": {
        "subscriptionId": 0
    }
}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let r: UserDataStreamSubscribeResponse = reply.into_result(METHOD).unwrap();
        assert_eq!(r.subscription_id, 0);
        // errors.md "-2035 SUBSCRIPTION_ACTIVE".
        let text = r#"{"id":5,"status":400,"error":{"code":-2035,"msg":"User Data Stream subscription already active."}}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let e = reply
            .into_result::<UserDataStreamSubscribeResponse>(METHOD)
            .unwrap_err();
        assert_eq!(e.code(), Some(-2035));
    }
}
