//! The client's event stream: user data events, session events (logon and re-subscription
//! after each reconnect), connection events.
//!
//! Doc: web-socket-api.md "Event format" and "Connection events"; user-data-stream.md.
//! Responses to requests never appear here (the caller of the request gets them); responses
//! to the frames the client replays on connect become [`PrivateWsEvent::LoggedOn`] /
//! [`PrivateWsEvent::LogonRejected`] / [`PrivateWsEvent::UserDataSubscribed`] /
//! [`PrivateWsEvent::UserDataSubscribeFailed`].

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use tradewire_websockets::rpc::Notifications;
use tradewire_websockets::{DisconnectReason, WebSocketEvent, WsError};

use super::error::BinanceWsError;
use super::message::{WsApiMessage, WsApiReply};
use super::session::{Replay, Session};
use super::session_logon::SessionStatus;
use super::user_data::UserDataEvent;
use super::user_data_stream_subscribe::UserDataStreamSubscribeResponse;

/// One event of [`PrivateWsEvents`].
#[derive(Debug, Clone)]
pub enum PrivateWsEvent {
    /// A connection is up (the first or a replacement); the logon (and the user data
    /// re-subscription) are on their way.
    Connected,
    /// `session.logon` succeeded on the current connection.
    LoggedOn(SessionStatus),
    /// `session.logon` was refused on the current connection
    /// ([`BinanceWsError::LogonRejected`]).
    LogonRejected(BinanceWsError),
    /// The user data stream was re-subscribed after a reconnect.
    UserDataSubscribed {
        /// The new subscription's id.
        subscription_id: u64,
    },
    /// Re-subscribing the user data stream after a reconnect failed.
    UserDataSubscribeFailed(BinanceWsError),
    /// A user data stream event.
    UserData {
        /// The subscription it came from.
        subscription_id: Option<u64>,
        /// The event.
        event: UserDataEvent,
    },
    /// The server announced its shutdown; the connection will be replaced.
    ServerShutdown {
        /// Event time, UTC ms.
        event_time: i64,
    },
    /// Binance revoked the session (`{"id":null,"status":401,…}`).
    SessionRevoked(BinanceWsError),
    /// A response nobody waits for (its request timed out or was given up).
    UnmatchedResponse(WsApiReply),
    /// The connection dropped; the next attempt starts after `delay`.
    Reconnecting {
        /// Attempt number.
        attempt: u32,
        /// Wait before it.
        delay: Duration,
    },
    /// A connection ended.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
    },
    /// A transport error (decode errors and lag reports leave the connection up).
    Error(WsError),
}

impl PrivateWsEvent {
    /// The user data event, if this is one.
    pub fn user_data(&self) -> Option<&UserDataEvent> {
        match self {
            PrivateWsEvent::UserData { event, .. } => Some(event),
            _ => None,
        }
    }
}

/// The client's event stream (take it once, from [`BinancePrivateWs::new`](super::BinancePrivateWs::new)).
/// Bounded: when it is not read, the oldest events beyond the buffer are dropped and reported
/// as [`WsError::Lagged`]; requests are answered whether it is read or not.
pub struct PrivateWsEvents {
    inner: Notifications<WsApiMessage>,
    session: Arc<Session>,
}

impl std::fmt::Debug for PrivateWsEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateWsEvents").finish_non_exhaustive()
    }
}

impl PrivateWsEvents {
    pub(crate) fn new(inner: Notifications<WsApiMessage>, session: Arc<Session>) -> Self {
        PrivateWsEvents { inner, session }
    }
}

/// Maps one transport event.
fn map(session: &Session, event: WebSocketEvent<WsApiMessage>) -> PrivateWsEvent {
    match event {
        WebSocketEvent::Connected => PrivateWsEvent::Connected,
        WebSocketEvent::Reconnecting { attempt, delay } => {
            PrivateWsEvent::Reconnecting { attempt, delay }
        }
        WebSocketEvent::Disconnected { reason } => PrivateWsEvent::Disconnected { reason },
        WebSocketEvent::Error(e) => PrivateWsEvent::Error(e),
        WebSocketEvent::Message(WsApiMessage::UserData {
            subscription_id,
            event,
        }) => PrivateWsEvent::UserData {
            subscription_id,
            event,
        },
        WebSocketEvent::Message(WsApiMessage::ServerShutdown { event_time }) => {
            PrivateWsEvent::ServerShutdown { event_time }
        }
        WebSocketEvent::Message(WsApiMessage::Response(reply)) => response(session, reply),
    }
}

fn response(session: &Session, reply: WsApiReply) -> PrivateWsEvent {
    let kind = reply.numeric_id().and_then(|id| session.replay_kind(id));
    match kind {
        Some(Replay::Logon) => {
            let status = reply.status;
            match reply.into_result::<SessionStatus>("session.logon") {
                Ok(s) => PrivateWsEvent::LoggedOn(s),
                Err(BinanceWsError::Api { code, msg, .. }) => {
                    PrivateWsEvent::LogonRejected(BinanceWsError::LogonRejected {
                        status,
                        code,
                        msg,
                    })
                }
                Err(e) => PrivateWsEvent::LogonRejected(e),
            }
        }
        Some(Replay::UserData) => {
            match reply.into_result::<UserDataStreamSubscribeResponse>("userDataStream.subscribe") {
                Ok(r) => PrivateWsEvent::UserDataSubscribed {
                    subscription_id: r.subscription_id,
                },
                Err(e) => PrivateWsEvent::UserDataSubscribeFailed(e),
            }
        }
        None if reply.id.is_none() && reply.status == 401 => {
            match reply.into_result::<serde_json::Value>("session") {
                Err(e) => PrivateWsEvent::SessionRevoked(e),
                Ok(_) => PrivateWsEvent::Error(WsError::Decode(
                    tradewire_websockets::DecodeError::from_text(
                        "a 401 response with a result",
                        "",
                    ),
                )),
            }
        }
        None => PrivateWsEvent::UnmatchedResponse(reply),
    }
}

impl Stream for PrivateWsEvents {
    type Item = PrivateWsEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(event)) => Poll::Ready(Some(map(&this.session, event))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::websocket::auth::WsApiCredentials;
    use crate::private::websocket::auth::tests::pkcs8_pem;
    use tradewire_websockets::Protocol;

    use crate::private::websocket::session::SessionProtocol;

    fn message(text: &str) -> WebSocketEvent<WsApiMessage> {
        WebSocketEvent::Message(WsApiMessage::decode_str(text).unwrap())
    }

    fn session() -> Arc<Session> {
        let creds = WsApiCredentials::ed25519_pem("k", &pkcs8_pem([4; 32])).unwrap();
        Arc::new(Session::new(creds, None))
    }

    #[test]
    fn replay_responses_become_session_events() {
        let s = session();
        s.set_user_data(0);
        let frames = SessionProtocol(Arc::clone(&s)).on_connect_frames();
        assert_eq!(frames.len(), 2);
        // web-socket-api.md "Log in with API key (SIGNED)" — response, with our id 1.
        let e = map(
            &s,
            message(
                r#"{"id":1,"status":200,"result":{"apiKey":"k","authorizedSince":1649729878532,"connectedSince":1649729873021,"returnRateLimits":false,"serverTime":1649729878630,"userDataStream":false}}"#,
            ),
        );
        let PrivateWsEvent::LoggedOn(status) = e else {
            panic!("{e:?}")
        };
        assert_eq!(status.authorized_since, Some(1_649_729_878_532));
        // web-socket-api.md "Subscribe to User Data Stream (USER_STREAM)" — response, id 2.
        let e = map(
            &s,
            message(r#"{"id":2,"status":200,"result":{"subscriptionId":0}}"#),
        );
        assert!(
            matches!(e, PrivateWsEvent::UserDataSubscribed { subscription_id: 0 }),
            "{e:?}"
        );
        // A refused logon.
        let e = map(
            &s,
            message(
                r#"{"id":1,"status":400,"error":{"code":-1022,"msg":"Signature for this request is not valid."}}"#,
            ),
        );
        assert!(
            matches!(
                e,
                PrivateWsEvent::LogonRejected(BinanceWsError::LogonRejected {
                    status: 400,
                    code: -1022,
                    ..
                })
            ),
            "{e:?}"
        );
    }

    #[test]
    fn user_data_and_connection_events() {
        let s = session();
        // user-data-stream.md "Balance Update" (comments stripped).
        let e = map(
            &s,
            message(
                r#"{"subscriptionId":0,"event":{"e":"balanceUpdate","E":1573200697110,"a":"BTC","d":"100.00000000","T":1573200697068}}"#,
            ),
        );
        assert!(matches!(
            e.user_data(),
            Some(UserDataEvent::BalanceUpdate(_))
        ));
        let e = map(
            &s,
            message(r#"{"event":{"e":"serverShutdown","E":1770123456789}}"#),
        );
        assert!(matches!(
            e,
            PrivateWsEvent::ServerShutdown {
                event_time: 1_770_123_456_789
            }
        ));
        assert!(matches!(
            map(&s, WebSocketEvent::Connected),
            PrivateWsEvent::Connected
        ));
        assert!(matches!(
            map(
                &s,
                WebSocketEvent::Disconnected {
                    reason: DisconnectReason::StreamEnded
                }
            ),
            PrivateWsEvent::Disconnected { .. }
        ));
        assert!(map(&s, WebSocketEvent::Connected).user_data().is_none());
        // A late response to a timed-out request.
        let e = map(&s, message(r#"{"id":77,"status":200,"result":{}}"#));
        assert!(
            matches!(e, PrivateWsEvent::UnmatchedResponse(ref r) if r.numeric_id() == Some(77))
        );
        // web-socket-api.md "Session Authentication" — revocation.
        let e = map(
            &s,
            message(
                r#"{"id":null,"status":401,"error":{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}}"#,
            ),
        );
        assert!(
            matches!(e, PrivateWsEvent::SessionRevoked(ref err) if err.code() == Some(-2015)),
            "{e:?}"
        );
    }
}
