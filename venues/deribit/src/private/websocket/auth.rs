//! `public/auth` (<https://docs.deribit.com/api-reference/authentication/public-auth>): the
//! `client_credentials`, `client_signature` and `refresh_token` grants, and the
//! authentication state of a private connection.
//!
//! `client_signature`: `signature = hex(HMAC-SHA256(client_secret, timestamp + "\n" + nonce +
//! "\n" + data))`, timestamp in ms.
//!
//! Secrets and tokens never appear in `Debug` output, logs or errors.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, Weak};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use tokio::sync::watch;
use tradewire_core::Credentials;
use tradewire_websockets::Frame;
use tradewire_websockets::rpc::jsonrpc::{self, ErrorObject};
use web_time::{Instant, SystemTime, UNIX_EPOCH};

use crate::call::Session;
use crate::error::{DeribitError, Error, Result};
use crate::session::lock;

/// The method.
pub const METHOD: &str = "public/auth";

/// A token (access or refresh): redacted in `Debug` and `Display`.
#[derive(Clone)]
pub struct Token(SecretString);

impl Token {
    /// Wraps a token.
    pub fn new(value: impl Into<String>) -> Self {
        Token(SecretString::from(value.into()))
    }
    /// The token itself.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([REDACTED])")
    }
}

impl<'de> Deserialize<'de> for Token {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Token::new)
    }
}

/// How to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grant {
    /// Send the client secret (`client_credentials`).
    ClientCredentials,
    /// Sign a timestamp and nonce with the secret (`client_signature`); the secret never
    /// leaves the process.
    #[default]
    ClientSignature,
}

/// Parameters of `public/auth`. `Debug` shows the grant type only.
#[derive(Clone, Serialize)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum AuthParams {
    /// `client_credentials`.
    ClientCredentials {
        /// Client id.
        client_id: String,
        /// Client secret.
        client_secret: String,
    },
    /// `client_signature`.
    ClientSignature {
        /// Client id.
        client_id: String,
        /// Milliseconds since the epoch.
        timestamp: i64,
        /// Hex HMAC-SHA256 of `timestamp\nnonce\ndata`.
        signature: String,
        /// Random string.
        nonce: String,
        /// Optional extra data (signed).
        data: String,
    },
    /// `refresh_token`.
    RefreshToken {
        /// The refresh token.
        refresh_token: String,
    },
}

impl fmt::Debug for AuthParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let grant = match self {
            AuthParams::ClientCredentials { .. } => "client_credentials",
            AuthParams::ClientSignature { .. } => "client_signature",
            AuthParams::RefreshToken { .. } => "refresh_token",
        };
        f.debug_struct("AuthParams")
            .field("grant_type", &grant)
            .finish_non_exhaustive()
    }
}

/// `hex(HMAC-SHA256(secret, "{timestamp}\n{nonce}\n{data}"))`.
pub fn client_signature(secret: &str, timestamp: i64, nonce: &str, data: &str) -> String {
    tradewire_rest::sign::hmac_sha256_hex(secret, format!("{timestamp}\n{nonce}\n{data}"))
}

impl AuthParams {
    /// Parameters for `grant` with `credentials`; signatures use `timestamp` and `nonce`.
    pub fn for_grant(grant: Grant, credentials: &Credentials, timestamp: i64, nonce: &str) -> Self {
        let client_id = credentials.api_key.expose_secret().to_owned();
        match grant {
            Grant::ClientCredentials => AuthParams::ClientCredentials {
                client_id,
                client_secret: credentials.secret.expose_secret().to_owned(),
            },
            Grant::ClientSignature => AuthParams::ClientSignature {
                client_id,
                timestamp,
                signature: client_signature(
                    credentials.secret.expose_secret(),
                    timestamp,
                    nonce,
                    "",
                ),
                nonce: nonce.to_owned(),
                data: String::new(),
            },
        }
    }
}

/// Result of `public/auth`.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthResult {
    /// Access token.
    pub access_token: Token,
    /// Refresh token.
    pub refresh_token: Token,
    /// Lifetime of the access token, in seconds.
    pub expires_in: u64,
    /// `bearer`.
    pub token_type: String,
    /// Granted scope, e.g. `connection mainaccount`.
    pub scope: String,
}

/// Where authentication stands on the current connection.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthStatus {
    /// Never authenticated (or logged out).
    NotAuthenticated,
    /// `public/auth` sent on this connection, no answer yet.
    Authenticating,
    /// Authenticated on this connection.
    Authenticated,
    /// Deribit refused the credentials.
    Failed(DeribitError),
}

struct Tokens {
    refresh: Token,
    expires_at: Instant,
    lifetime: Duration,
}

/// The authentication state of one private connection.
pub struct AuthState {
    credentials: Credentials,
    grant: Grant,
    status: watch::Sender<AuthStatus>,
    pending: AtomicU64,
    tokens: Mutex<Option<Tokens>>,
    logged_out: AtomicBool,
    /// Held while a refresh is in flight: the background refresher and the check before a
    /// private call never spend the same refresh token twice.
    refreshing: tokio::sync::Mutex<()>,
}

impl fmt::Debug for AuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthState")
            .field("credentials", &self.credentials)
            .field("grant", &self.grant)
            .field("status", &*self.status.borrow())
            .finish_non_exhaustive()
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

fn nonce() -> String {
    (0..16).map(|_| fastrand::alphanumeric()).collect()
}

impl AuthState {
    pub(crate) fn new(credentials: Credentials, grant: Grant) -> Self {
        AuthState {
            credentials,
            grant,
            status: watch::Sender::new(AuthStatus::NotAuthenticated),
            pending: AtomicU64::new(0),
            tokens: Mutex::new(None),
            logged_out: AtomicBool::new(false),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The current status.
    pub fn status(&self) -> AuthStatus {
        self.status.borrow().clone()
    }

    /// The grant used on connect.
    pub fn grant(&self) -> Grant {
        self.grant
    }

    /// The `public/auth` frame sent first on every connection.
    pub(crate) fn connect_frame(&self, id: u64) -> Option<Frame> {
        if self.logged_out.load(Ordering::SeqCst) {
            return None;
        }
        let params = AuthParams::for_grant(self.grant, &self.credentials, now_ms(), &nonce());
        let frame = jsonrpc::request(id, METHOD, &params).ok()?;
        self.pending.store(id, Ordering::SeqCst);
        self.status.send_replace(AuthStatus::Authenticating);
        Some(frame)
    }

    /// Handles the response to a connect-time `public/auth`; false if `id` is not it.
    pub(crate) fn on_connect_response(
        &self,
        id: u64,
        result: Option<&RawValue>,
        error: Option<ErrorObject>,
    ) -> bool {
        if self.pending.load(Ordering::SeqCst) != id {
            return false;
        }
        self.pending.store(0, Ordering::SeqCst);
        match (result, error) {
            (_, Some(e)) => {
                let e = DeribitError::from(e);
                tracing::warn!(code = e.code.code(), message = %e.message, "deribit: authentication refused");
                self.status.send_replace(AuthStatus::Failed(e));
            }
            (Some(r), None) => match serde_json::from_str::<AuthResult>(r.get()) {
                Ok(r) => self.store(r),
                Err(e) => {
                    tracing::warn!(error = %e, "deribit: undecodable auth result");
                    self.status.send_replace(AuthStatus::NotAuthenticated);
                }
            },
            (None, None) => {
                self.status.send_replace(AuthStatus::NotAuthenticated);
            }
        }
        true
    }

    pub(crate) fn store(&self, r: AuthResult) {
        let lifetime = Duration::from_secs(r.expires_in);
        *lock(&self.tokens) = Some(Tokens {
            refresh: r.refresh_token,
            expires_at: Instant::now() + lifetime,
            lifetime,
        });
        self.status.send_replace(AuthStatus::Authenticated);
    }

    pub(crate) fn logged_out(&self) {
        self.logged_out.store(true, Ordering::SeqCst);
        *lock(&self.tokens) = None;
        self.status.send_replace(AuthStatus::NotAuthenticated);
    }

    /// Waits until authentication succeeded or failed on the current connection.
    pub async fn wait_authenticated(&self) -> Result<()> {
        let mut rx = self.status.subscribe();
        loop {
            let s = rx.borrow_and_update().clone();
            match s {
                AuthStatus::Authenticated => return Ok(()),
                AuthStatus::Failed(e) => return Err(Error::Venue(e)),
                AuthStatus::NotAuthenticated if self.logged_out.load(Ordering::SeqCst) => {
                    return Err(Error::NotAuthenticated("logged out".into()));
                }
                _ => {}
            }
            if rx.changed().await.is_err() {
                return Err(Error::NotAuthenticated("client dropped".into()));
            }
        }
    }

    /// The refresh token when the access token is within `margin` of expiring (a tenth of
    /// its lifetime, at most `margin`).
    fn refresh_due(&self, margin: Duration) -> Option<Token> {
        let tokens = lock(&self.tokens);
        let t = tokens.as_ref()?;
        let margin = margin.min(t.lifetime / 10);
        (t.expires_at.saturating_duration_since(Instant::now()) <= margin)
            .then(|| t.refresh.clone())
    }

    /// How long until [`refresh_due`](Self::refresh_due) returns the token (zero when it
    /// already does); `None` without tokens.
    fn refresh_in(&self, margin: Duration) -> Option<Duration> {
        let tokens = lock(&self.tokens);
        let t = tokens.as_ref()?;
        let margin = margin.min(t.lifetime / 10);
        Some(
            t.expires_at
                .saturating_duration_since(Instant::now())
                .saturating_sub(margin),
        )
    }
}

/// A private session: requests are only sent once authentication succeeded.
#[derive(Debug, Clone)]
pub struct PrivateSession {
    pub(crate) session: Session,
    pub(crate) auth: std::sync::Arc<AuthState>,
    pub(crate) refresh_margin: Duration,
}

impl PrivateSession {
    /// Fails unless authenticated; refreshes the token first when it is about to expire.
    pub(crate) async fn ensure_authenticated(&self) -> Result<()> {
        match self.auth.status() {
            AuthStatus::Authenticated => {}
            AuthStatus::Authenticating => {
                return Err(Error::NotAuthenticated("authentication in progress".into()));
            }
            AuthStatus::NotAuthenticated => {
                return Err(Error::NotAuthenticated("not authenticated".into()));
            }
            AuthStatus::Failed(e) => return Err(Error::Venue(e)),
        }
        self.refresh_if_due().await
    }

    /// Refreshes the access token when it is within the margin of expiring.
    async fn refresh_if_due(&self) -> Result<()> {
        if self.auth.refresh_due(self.refresh_margin).is_none() {
            return Ok(());
        }
        let _guard = self.auth.refreshing.lock().await;
        // Another task may have refreshed while this one waited.
        match self.auth.refresh_due(self.refresh_margin) {
            Some(refresh) => self.refresh(&refresh).await,
            None => Ok(()),
        }
    }

    /// Exchanges the refresh token for new tokens (`grant_type=refresh_token`).
    pub(crate) async fn refresh(&self, refresh: &Token) -> Result<()> {
        let params = AuthParams::RefreshToken {
            refresh_token: refresh.expose_secret().to_owned(),
        };
        let r: AuthResult = self.session.call(METHOD, &params).await?;
        self.auth.store(r);
        Ok(())
    }

    /// Refreshes the access token now.
    pub async fn refresh_now(&self) -> Result<()> {
        let _guard = self.auth.refreshing.lock().await;
        let refresh = lock(&self.auth.tokens)
            .as_ref()
            .map(|t| t.refresh.clone())
            .ok_or_else(|| Error::NotAuthenticated("no refresh token".into()))?;
        self.refresh(&refresh).await
    }

    /// A private request: refused locally unless authenticated.
    pub(crate) async fn call<P: Serialize, R: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: &P,
    ) -> Result<R> {
        self.ensure_authenticated().await?;
        self.session.call(method, params).await
    }
}

/// Refreshes the access token in the background shortly before it expires, for as long as
/// the session lives: the task holds only a [`Weak`] reference, and ends as soon as `closed`
/// reports its sender dropped (the last client clone went away) or the session is gone.
pub(crate) async fn refresh_loop(session: Weak<PrivateSession>, mut closed: watch::Receiver<()>) {
    /// Re-check at least this often while there is nothing to refresh.
    const IDLE: Duration = Duration::from_secs(60);
    /// Wait after a failed refresh (e.g. the connection dropped meanwhile).
    const RETRY: Duration = Duration::from_secs(1);
    let mut status = match session.upgrade() {
        Some(s) => s.auth.status.subscribe(),
        None => return,
    };
    let mut retry_after = None;
    loop {
        status.borrow_and_update();
        let wait = match retry_after.take() {
            Some(d) => d,
            None => {
                let Some(s) = session.upgrade() else { return };
                let authenticated = s.auth.status() == AuthStatus::Authenticated;
                match s.auth.refresh_in(s.refresh_margin) {
                    Some(d) if authenticated => d,
                    _ => IDLE,
                }
            }
        };
        tokio::select! {
            _ = closed.changed() => return,
            // New tokens (auth, refresh, re-auth after a reconnect) or a status change:
            // recompute the deadline.
            changed = status.changed() => {
                if changed.is_err() {
                    return;
                }
                continue;
            }
            () = tradewire_websockets::runtime::sleep(wait) => {}
        }
        let Some(s) = session.upgrade() else { return };
        if s.auth.status() != AuthStatus::Authenticated {
            continue;
        }
        if let Err(e) = s.refresh_if_due().await {
            tracing::warn!(error = %e, "deribit: background token refresh failed");
            retry_after = Some(RETRY);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn client_credentials_request_and_documented_response() {
        // https://docs.deribit.com/api-reference/authentication/public-auth
        let creds = Credentials::new("fo7WAPRm4P", "W0H6FJW4IRPZ1MOQ8FP6KMC5RZDUUKXS");
        let p = AuthParams::for_grant(Grant::ClientCredentials, &creds, 0, "");
        let f = jsonrpc::request(9929, METHOD, &p).unwrap();
        assert_eq!(
            f.as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":9929,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"fo7WAPRm4P","client_secret":"W0H6FJW4IRPZ1MOQ8FP6KMC5RZDUUKXS"}}"#
            )
        );
        let r: AuthResult = result(r#"{"jsonrpc":"2.0","id":9929,"result":{"access_token":"1582628593469.1MbQ-J_4.CBP","expires_in":31536000,"refresh_token":"1582628593469.1GP4rQd0.A9Wa","scope":"connection mainaccount","enabled_features":[],"token_type":"bearer"}}"#).unwrap();
        assert_eq!(r.expires_in, 31536000);
        assert_eq!(r.access_token.expose_secret(), "1582628593469.1MbQ-J_4.CBP");
        // Secrets never in Debug.
        let dbg = format!("{r:?} {p:?} {creds:?}");
        assert!(
            !dbg.contains("1MbQ") && !dbg.contains("A9Wa") && !dbg.contains("W0H6FJW4"),
            "{dbg}"
        );
    }

    #[test]
    fn client_signature() {
        // https://docs.deribit.com/articles/authentication (client_signature: HMAC-SHA256 of
        // timestamp + "\n" + nonce + "\n" + data, hex)
        let creds = Credentials::new("id", "secret");
        let p = AuthParams::for_grant(Grant::ClientSignature, &creds, 1576074319000, "1iqt2wls");
        let AuthParams::ClientSignature {
            signature,
            timestamp,
            ..
        } = &p
        else {
            panic!()
        };
        assert_eq!(*timestamp, 1576074319000);
        assert_eq!(
            *signature,
            tradewire_rest::sign::hmac_sha256_hex("secret", "1576074319000\n1iqt2wls\n")
        );
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.starts_with(
            r#"{"grant_type":"client_signature","client_id":"id","timestamp":1576074319000"#
        ));
        assert!(!json.contains("\"secret\""));
        assert!(!format!("{p:?}").contains(signature.as_str()));
    }

    #[test]
    fn connect_response_drives_the_status() {
        let state = AuthState::new(Credentials::new("id", "secret"), Grant::ClientCredentials);
        assert_eq!(state.status(), AuthStatus::NotAuthenticated);
        let f = state.connect_frame(77).unwrap();
        assert!(f.as_text().unwrap().contains("client_credentials"));
        assert_eq!(state.status(), AuthStatus::Authenticating);
        assert!(!state.on_connect_response(78, None, None));
        let raw = RawValue::from_string(r#"{"access_token":"a","refresh_token":"r","expires_in":900,"token_type":"bearer","scope":"connection"}"#.into()).unwrap();
        assert!(state.on_connect_response(77, Some(&raw), None));
        assert_eq!(state.status(), AuthStatus::Authenticated);
        assert!(state.refresh_due(Duration::from_secs(60)).is_none());
        let raw0 = RawValue::from_string(r#"{"access_token":"a","refresh_token":"r","expires_in":0,"token_type":"bearer","scope":"connection"}"#.into()).unwrap();
        state.store(serde_json::from_str(raw0.get()).unwrap());
        assert!(state.refresh_due(Duration::from_secs(60)).is_some());
        assert!(!format!("{state:?}").contains("secret\""));
        state.connect_frame(79).unwrap();
        let err = ErrorObject {
            code: 13004,
            message: "invalid_credentials".into(),
            data: None,
        };
        assert!(state.on_connect_response(79, None, Some(err)));
        assert!(
            matches!(state.status(), AuthStatus::Failed(e) if e.code == crate::ErrorCode::InvalidCredentials)
        );
    }
}
