//! The session: what the connection replays on every (re)connect, and the logon state
//! learned from the responses.
//!
//! Doc: web-socket-api.md "Session Authentication" (`session.logon` authenticates the
//! connection; only Ed25519 keys; a revoked session answers `{"id":null,"status":401,
//! "error":{"code":-2015,…}}`), "Log in with API key (SIGNED)", "User Data Stream
//! subscription" (one subscription per account and connection; subscriptions do not survive
//! the connection).
//!
//! On every new connection the protocol hook `on_connect_frames` (called by the transport
//! before the subscriptions and before any queued send) returns:
//!
//! 1. with an Ed25519 key, a freshly timestamped and signed `session.logon`;
//! 2. when the user data stream was subscribed, the subscription again:
//!    `userDataStream.subscribe` after the logon (Ed25519), or a freshly signed
//!    `userDataStream.subscribe.signature` (HMAC).
//!
//! Both carry ids from the client's one sequential counter. Their responses are not awaited
//! by anybody: the `intercept` hook reads them on the socket task as they arrive
//! and moves the [`SessionState`] (`LoggingOn` → `LoggedOn` or `LogonRejected`), so private
//! requests are refused locally until the logon succeeded on the current connection.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;
use tradewire_websockets::{Frame, Intercept, Protocol};
use web_time::{SystemTime, UNIX_EPOCH};

use super::auth::{self, WsApiCredentials};
use super::error::BinanceWsError;
use super::message::{self, Params, WsApiMessage, WsApiReply};
use super::session_logon;
use super::user_data_stream_subscribe::{self, UserDataStreamSubscribeResponse};

/// Where the session stands on the current connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// No connection yet.
    Idle,
    /// `session.logon` sent on the current connection, no answer yet.
    LoggingOn,
    /// Logged on: private requests are accepted.
    LoggedOn,
    /// `session.logon` was refused on the current connection (code and message verbatim).
    LogonRejected {
        /// The response's `status`.
        status: u16,
        /// Binance's error code.
        code: i64,
        /// Binance's message.
        msg: String,
    },
    /// Binance revoked the session (`{"id":null,"status":401,…}`): the key became invalid.
    Revoked {
        /// Binance's error code (`-2015`).
        code: i64,
        /// Binance's message.
        msg: String,
    },
    /// HMAC key: there is no session; every private request is signed on its own.
    SignedRequests,
}

impl fmt::Display for SessionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionState::Idle => f.write_str("not connected yet"),
            SessionState::LoggingOn => f.write_str("logging on"),
            SessionState::LoggedOn => f.write_str("logged on"),
            SessionState::LogonRejected { code, msg, .. } => {
                write!(f, "logon rejected: Binance error {code}: {msg}")
            }
            SessionState::Revoked { code, msg } => {
                write!(f, "revoked: Binance error {code}: {msg}")
            }
            SessionState::SignedRequests => f.write_str("signing each request"),
        }
    }
}

/// A snapshot of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// State on the current connection.
    pub state: SessionState,
    /// Connections the session was set up on (the first one and every reconnect).
    pub connections: u64,
    /// Successful logons.
    pub logons: u64,
    /// Whether the user data stream is subscribed (and so re-subscribed on reconnect).
    pub user_data: bool,
    /// The user data subscription's id on the current connection, once confirmed.
    pub subscription_id: Option<u64>,
}

/// How a private request is authorized (web-socket-api.md "Request security").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Security {
    /// TRADE / USER_DATA: `timestamp` always; `apiKey` + `signature` with an HMAC key, none
    /// on a logged-on Ed25519 session (which must be logged on).
    Signed,
    /// USER_STREAM on the session (`userDataStream.subscribe`): needs the logon, no
    /// parameters.
    Session,
    /// Explicitly signed whatever the key type (`userDataStream.subscribe.signature`,
    /// `session.logon`): no logon needed.
    Explicit,
}

/// Which replayed frame an id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// `session.logon`.
    Logon,
    /// The user data subscription.
    UserData,
}

/// Replay ids kept for the event stream to recognize late readers' responses.
const RECENT_REPLAYS: usize = 16;

#[derive(Debug, Default)]
struct Replays {
    /// Sent on the current connection, response not seen yet.
    outstanding: Vec<(u64, Replay)>,
    /// The last few replay ids, answered or not.
    recent: VecDeque<(u64, Replay)>,
}

/// Milliseconds since the Unix epoch (works in browsers too).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Session state shared by the client, the protocol hook and the event stream.
pub(crate) struct Session {
    credentials: WsApiCredentials,
    recv_window: Option<u32>,
    next_id: AtomicU64,
    info: watch::Sender<SessionInfo>,
    replays: Mutex<Replays>,
    /// Replay responses outstanding: the intercept hook parses frames only then.
    watching: AtomicBool,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("credentials", &self.credentials)
            .field("info", &*self.info.borrow())
            .finish_non_exhaustive()
    }
}

impl Session {
    pub(crate) fn new(credentials: WsApiCredentials, recv_window: Option<u32>) -> Self {
        let (info, _) = watch::channel(SessionInfo {
            state: SessionState::Idle,
            connections: 0,
            logons: 0,
            user_data: false,
            subscription_id: None,
        });
        Session {
            credentials,
            recv_window,
            next_id: AtomicU64::new(1),
            info,
            replays: Mutex::new(Replays::default()),
            watching: AtomicBool::new(false),
        }
    }

    /// The next request id: one sequential counter for requests and replayed frames.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn credentials(&self) -> &WsApiCredentials {
        &self.credentials
    }

    pub(crate) fn info(&self) -> SessionInfo {
        self.info.borrow().clone()
    }

    pub(crate) fn watch(&self) -> watch::Receiver<SessionInfo> {
        self.info.subscribe()
    }

    /// Refuses a request the session cannot carry now (nothing is sent).
    pub(crate) fn check_ready(&self, security: Security) -> Result<(), BinanceWsError> {
        let needs_logon = match security {
            Security::Session => true,
            Security::Signed => self.credentials.uses_session_logon(),
            Security::Explicit => false,
        };
        if !needs_logon {
            return Ok(());
        }
        let state = self.info.borrow().state.clone();
        match state {
            SessionState::LoggedOn => Ok(()),
            other => Err(BinanceWsError::NotLoggedOn(other)),
        }
    }

    /// The frame of a private request: `params` completed per `security`, in the envelope.
    pub(crate) fn request_frame(
        &self,
        id: u64,
        method: &str,
        mut params: Params,
        security: Security,
        now: i64,
    ) -> Result<Frame, BinanceWsError> {
        match security {
            Security::Session => {}
            Security::Signed => {
                auth::timestamp(&mut params, now, self.recv_window);
                if !self.credentials.uses_session_logon() {
                    self.credentials.sign(&mut params);
                }
            }
            Security::Explicit => {
                auth::timestamp(&mut params, now, self.recv_window);
                self.credentials.sign(&mut params);
            }
        }
        message::encode_request(id, method, &params)
    }

    /// Records the wish for a user data subscription before it is requested, so that a
    /// reconnect happening meanwhile re-subscribes. Returns (wished before, connections now).
    pub(crate) fn want_user_data(&self) -> (bool, u64) {
        let mut before = (false, 0);
        self.info.send_modify(|i| {
            before = (i.user_data, i.connections);
            i.user_data = true;
        });
        before
    }

    /// Withdraws the wish (the subscription request was refused).
    pub(crate) fn unwant_user_data(&self) {
        self.info.send_modify(|i| i.user_data = false);
    }

    /// The subscription request sent on connection number `connection` succeeded: its id
    /// applies if that connection is still the current one (else the replay on the new
    /// connection sets it).
    pub(crate) fn user_data_subscribed(&self, subscription_id: u64, connection: u64) {
        self.info.send_modify(|i| {
            i.user_data = true;
            if i.connections == connection {
                i.subscription_id = Some(subscription_id);
            }
        });
    }

    /// Marks the user data stream subscribed on the current connection.
    #[cfg(test)]
    pub(crate) fn set_user_data(&self, subscription_id: u64) {
        let (_, connection) = self.want_user_data();
        self.user_data_subscribed(subscription_id, connection);
    }

    /// A logon made through an explicit `session.logon` request succeeded or failed.
    pub(crate) fn set_logon_result(&self, result: Result<(), (u16, i64, String)>) {
        self.info.send_modify(|i| match result {
            Ok(()) => {
                i.state = SessionState::LoggedOn;
                i.logons += 1;
            }
            Err((status, code, msg)) => i.state = SessionState::LogonRejected { status, code, msg },
        });
    }

    /// Which replayed frame `id` was, if it was one of the recent ones.
    pub(crate) fn replay_kind(&self, id: u64) -> Option<Replay> {
        lock(&self.replays)
            .recent
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, k)| *k)
    }

    /// The frames for a new connection (see the module documentation).
    fn on_connect(&self) -> Vec<Frame> {
        let now = now_ms();
        let user_data = self.info.borrow().user_data;
        let mut frames = Vec::with_capacity(2);
        let mut replays = lock(&self.replays);
        replays.outstanding.clear();
        let push = |replays: &mut Replays, id: u64, kind: Replay| {
            replays.outstanding.push((id, kind));
            replays.recent.push_back((id, kind));
            while replays.recent.len() > RECENT_REPLAYS {
                replays.recent.pop_front();
            }
        };
        let mut state = SessionState::SignedRequests;
        if self.credentials.uses_session_logon() {
            let id = self.next_id();
            match session_logon::logon_frame(id, &self.credentials, now, self.recv_window) {
                Ok(frame) => {
                    frames.push(frame);
                    push(&mut replays, id, Replay::Logon);
                    state = SessionState::LoggingOn;
                }
                Err(e) => {
                    state = SessionState::LogonRejected {
                        status: 0,
                        code: 0,
                        msg: e.to_string(),
                    };
                }
            }
        }
        if user_data {
            let id = self.next_id();
            match user_data_stream_subscribe::replay_frame(
                id,
                &self.credentials,
                now,
                self.recv_window,
            ) {
                Ok(frame) => {
                    frames.push(frame);
                    push(&mut replays, id, Replay::UserData);
                }
                Err(e) => tracing::warn!("cannot re-subscribe the user data stream: {e}"),
            }
        }
        self.watching
            .store(!replays.outstanding.is_empty(), Ordering::SeqCst);
        drop(replays);
        self.info.send_modify(|i| {
            i.state = state;
            i.connections += 1;
            i.subscription_id = None;
        });
        tracing::debug!(
            replayed = frames.len(),
            "Binance WebSocket API: session replay"
        );
        frames
    }

    /// Reads a response to a replayed frame (or a session revocation) off an inbound frame.
    fn observe(&self, frame: &Frame) {
        let Some(text) = frame.as_text() else {
            return;
        };
        if self.watching.load(Ordering::SeqCst) {
            if let Ok(WsApiMessage::Response(reply)) = WsApiMessage::decode_str(text) {
                if let Some(id) = reply.numeric_id() {
                    self.resolve(id, &reply);
                }
            }
        } else if text.starts_with(r#"{"id":null"#) {
            // web-socket-api.md "Session Authentication", "Regarding API key revocation".
            if let Ok(WsApiMessage::Response(reply)) = WsApiMessage::decode_str(text) {
                if let (401, Some(error)) = (reply.status, &reply.error) {
                    tracing::warn!(code = error.code, msg = %error.msg, "Binance revoked the session");
                    let (code, msg) = (error.code, error.msg.clone());
                    self.info.send_modify(|i| {
                        if i.state == SessionState::LoggedOn {
                            i.state = SessionState::Revoked { code, msg };
                        }
                    });
                }
            }
        }
    }

    fn resolve(&self, id: u64, reply: &WsApiReply) {
        let kind = {
            let mut replays = lock(&self.replays);
            let pos = replays.outstanding.iter().position(|(i, _)| *i == id);
            let kind = pos.map(|p| replays.outstanding.remove(p).1);
            if replays.outstanding.is_empty() {
                self.watching.store(false, Ordering::SeqCst);
            }
            kind
        };
        match kind {
            Some(Replay::Logon) => match &reply.error {
                None if reply.is_ok() => {
                    tracing::info!(id, "Binance WebSocket API: session.logon accepted");
                    self.set_logon_result(Ok(()));
                }
                error => {
                    let (code, msg) = error
                        .as_ref()
                        .map(|e| (e.code, e.msg.clone()))
                        .unwrap_or((0, format!("status {}", reply.status)));
                    tracing::warn!(id, code, %msg, "Binance WebSocket API: session.logon rejected");
                    self.set_logon_result(Err((reply.status, code, msg)));
                }
            },
            Some(Replay::UserData) => {
                match reply
                    .clone()
                    .into_result::<UserDataStreamSubscribeResponse>("userDataStream.subscribe")
                {
                    Ok(r) => {
                        tracing::info!(
                            subscription_id = r.subscription_id,
                            "Binance WebSocket API: user data stream re-subscribed"
                        );
                        self.info
                            .send_modify(|i| i.subscription_id = Some(r.subscription_id));
                    }
                    Err(e) => tracing::warn!("user data stream re-subscription failed: {e}"),
                }
            }
            None => {}
        }
    }
}

/// The [`Protocol`] hooks of the private WebSocket API connection.
#[derive(Debug, Clone)]
pub(crate) struct SessionProtocol(pub(crate) Arc<Session>);

impl Protocol for SessionProtocol {
    /// Binance pings at the protocol level and needs no text ping.
    fn ping_frame(&self) -> Option<Frame> {
        None
    }

    fn intercept(&self, frame: &Frame) -> Intercept {
        self.0.observe(frame);
        Intercept::Pass
    }

    fn on_connect_frames(&self) -> Vec<Frame> {
        self.0.on_connect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::websocket::auth::tests::{DOC_API_KEY, DOC_SECRET_KEY, pkcs8_pem};

    fn ed_session() -> Arc<Session> {
        let creds = WsApiCredentials::ed25519_pem("edKey", &pkcs8_pem([3; 32])).unwrap();
        Arc::new(Session::new(creds, Some(5000)))
    }

    fn json(frame: &Frame) -> serde_json::Value {
        serde_json::from_str(frame.as_text().unwrap()).unwrap()
    }

    #[test]
    fn ed25519_logs_on_first_on_every_connection() {
        let session = ed_session();
        let protocol = SessionProtocol(Arc::clone(&session));
        assert_eq!(
            session.check_ready(Security::Signed),
            Err(BinanceWsError::NotLoggedOn(SessionState::Idle))
        );
        let frames = protocol.on_connect_frames();
        assert_eq!(frames.len(), 1);
        let logon = json(&frames[0]);
        assert_eq!(logon["method"], "session.logon");
        assert_eq!(logon["id"], 1);
        assert_eq!(logon["params"]["apiKey"], "edKey");
        assert_eq!(logon["params"]["recvWindow"], 5000);
        assert!(logon["params"]["signature"].is_string());
        assert_eq!(session.info().state, SessionState::LoggingOn);
        assert!(matches!(
            session.check_ready(Security::Signed),
            Err(BinanceWsError::NotLoggedOn(SessionState::LoggingOn))
        ));
        // Explicitly signed requests need no logon.
        assert_eq!(session.check_ready(Security::Explicit), Ok(()));

        // web-socket-api.md "Log in with API key (SIGNED)" — response (comment stripped), with
        // the id of our logon.
        let response = r#"{"id":1,"status":200,"result":{"apiKey":"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A","authorizedSince":1649729878532,"connectedSince":1649729873021,"returnRateLimits":false,"serverTime":1649729878630,"userDataStream":false}}"#;
        assert_eq!(protocol.intercept(&Frame::text(response)), Intercept::Pass);
        let info = session.info();
        assert_eq!(info.state, SessionState::LoggedOn);
        assert_eq!((info.connections, info.logons), (1, 1));
        assert_eq!(session.check_ready(Security::Signed), Ok(()));
        assert_eq!(session.replay_kind(1), Some(Replay::Logon));

        // The user data stream, once subscribed, follows the logon on the next connection.
        session.set_user_data(0);
        let frames = protocol.on_connect_frames();
        let methods: Vec<_> = frames.iter().map(|f| json(f)["method"].clone()).collect();
        assert_eq!(methods, ["session.logon", "userDataStream.subscribe"]);
        assert_eq!(json(&frames[0])["id"], 2);
        assert_eq!(json(&frames[1])["id"], 3);
        assert!(json(&frames[1]).get("params").is_none());
        let info = session.info();
        assert_eq!(info.state, SessionState::LoggingOn);
        assert_eq!((info.connections, info.subscription_id), (2, None));
        // Responses: logon rejected this time, subscription refused.
        protocol.intercept(&Frame::text(
            r#"{"id":2,"status":400,"error":{"code":-1022,"msg":"Signature for this request is not valid."}}"#,
        ));
        protocol.intercept(&Frame::text(
            r#"{"id":3,"status":401,"error":{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}}"#,
        ));
        assert_eq!(
            session.info().state,
            SessionState::LogonRejected {
                status: 400,
                code: -1022,
                msg: "Signature for this request is not valid.".into()
            }
        );
        assert_eq!(session.replay_kind(3), Some(Replay::UserData));
        assert!(!session.watching.load(Ordering::SeqCst));
    }

    #[test]
    fn resubscription_response_sets_the_subscription_id() {
        let session = ed_session();
        let protocol = SessionProtocol(Arc::clone(&session));
        session.set_user_data(4);
        let frames = protocol.on_connect_frames();
        assert_eq!(frames.len(), 2);
        protocol.intercept(&Frame::text(r#"{"id":1,"status":200,"result":{"apiKey":"edKey","authorizedSince":1,"connectedSince":1,"returnRateLimits":true,"serverTime":2,"userDataStream":false}}"#));
        // web-socket-api.md "Subscribe to User Data Stream (USER_STREAM)" — response, our id.
        protocol.intercept(&Frame::text(
            r#"{"id":2,"status":200,"result":{"subscriptionId":0}}"#,
        ));
        let info = session.info();
        assert_eq!(info.state, SessionState::LoggedOn);
        assert_eq!(info.subscription_id, Some(0));
        assert!(info.user_data);
    }

    #[test]
    fn user_data_wish_survives_a_reconnect_in_between() {
        let session = ed_session();
        let protocol = SessionProtocol(Arc::clone(&session));
        protocol.on_connect_frames();
        // The subscription is requested on connection 1 ...
        let (before, connection) = session.want_user_data();
        assert_eq!((before, connection), (false, 1));
        // ... a reconnect happens before its answer: the new connection re-subscribes.
        let frames = protocol.on_connect_frames();
        assert_eq!(frames.len(), 2);
        // The late answer from connection 1 does not claim connection 2's subscription.
        session.user_data_subscribed(7, connection);
        assert_eq!(session.info().subscription_id, None);
        assert!(session.info().user_data);
        // A refused request withdraws the wish.
        session.unwant_user_data();
        assert_eq!(protocol.on_connect_frames().len(), 1);
    }

    #[test]
    fn revocation_ends_the_session() {
        let session = ed_session();
        let protocol = SessionProtocol(Arc::clone(&session));
        protocol.on_connect_frames();
        protocol.intercept(&Frame::text(r#"{"id":1,"status":200,"result":{"apiKey":"edKey","authorizedSince":1,"connectedSince":1,"returnRateLimits":true,"serverTime":2,"userDataStream":false}}"#));
        // Other traffic is not parsed.
        protocol.intercept(&Frame::text(r#"{"id":9,"status":200,"result":{}}"#));
        assert_eq!(session.info().state, SessionState::LoggedOn);
        // web-socket-api.md "Session Authentication" — revocation (compact).
        protocol.intercept(&Frame::text(
            r#"{"id":null,"status":401,"error":{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}}"#,
        ));
        assert_eq!(
            session.info().state,
            SessionState::Revoked {
                code: -2015,
                msg: "Invalid API-key, IP, or permissions for action.".into()
            }
        );
        assert!(session.check_ready(Security::Signed).is_err());
    }

    #[test]
    fn hmac_signs_each_request_and_resubscribes_by_signature() {
        let session = Arc::new(Session::new(
            WsApiCredentials::hmac(DOC_API_KEY, DOC_SECRET_KEY),
            None,
        ));
        let protocol = SessionProtocol(Arc::clone(&session));
        assert!(protocol.on_connect_frames().is_empty());
        assert_eq!(session.info().state, SessionState::SignedRequests);
        assert_eq!(session.check_ready(Security::Signed), Ok(()));
        assert!(session.check_ready(Security::Session).is_err());
        let frame = session
            .request_frame(
                7,
                "account.status",
                Params::new(),
                Security::Signed,
                1_660_801_839_480,
            )
            .unwrap();
        let v = json(&frame);
        assert_eq!(v["id"], 7);
        assert_eq!(v["method"], "account.status");
        assert_eq!(v["params"]["apiKey"], DOC_API_KEY);
        assert_eq!(v["params"]["timestamp"], 1_660_801_839_480_i64);
        let payload = format!("apiKey={DOC_API_KEY}&timestamp=1660801839480");
        assert_eq!(
            v["params"]["signature"],
            tradewire_rest::sign::hmac_sha256_hex(DOC_SECRET_KEY, payload)
        );
        session.set_user_data(0);
        let frames = protocol.on_connect_frames();
        assert_eq!(frames.len(), 1);
        let v = json(&frames[0]);
        assert_eq!(v["method"], "userDataStream.subscribe.signature");
        assert!(v["params"]["signature"].is_string());
    }

    #[test]
    fn ed25519_session_requests_carry_only_the_timestamp() {
        let session = ed_session();
        let frame = session
            .request_frame(
                5,
                "order.status",
                Params::new().with("symbol", "BTCUSDT"),
                Security::Signed,
                42,
            )
            .unwrap();
        let v = json(&frame);
        assert_eq!(v["params"]["timestamp"], 42);
        assert_eq!(v["params"]["recvWindow"], 5000);
        assert!(v["params"].get("apiKey").is_none());
        assert!(v["params"].get("signature").is_none());
        let shown = format!("{session:?}");
        assert!(!shown.contains("edKey"), "{shown}");
    }
}
