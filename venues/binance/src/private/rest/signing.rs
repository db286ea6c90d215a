//! SIGNED request security: the API key header, `recvWindow`, `timestamp` and `signature`.
//!
//! Source: rest-api.md, "Request Security" → "SIGNED Endpoint security", "Timing security"
//! and "SIGNED Endpoint Examples for POST /api/v3/order" ("HMAC Keys", "Ed25519 Keys")
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/request-security>):
//!
//! - the API key goes in the `X-MBX-APIKEY` header;
//! - `timestamp` (ms) is mandatory, `recvWindow` optional (default 5000 ms, at most 60000, up
//!   to three decimals);
//! - the signature payload is the query string concatenated without separator to the body,
//!   percent-encoded; HMAC-SHA256 keys sign it as lower-case hex, Ed25519 keys as base64; the
//!   `signature` parameter is appended last.
//!
//! Signing itself is tradewire-rest's [`QueryStringSigner`], run on the final request just
//! before it is sent, so the signed string is byte for byte the string sent. Secrets live only
//! inside the signer; nothing here prints them.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tradewire_core::Credentials;
use tradewire_rest::{Ed25519Signer, QueryStringSigner, RequestBuilder, RestError};

use crate::public::rest::now_ms;

/// The API key header.
pub const API_KEY_HEADER: &str = "X-MBX-APIKEY";

/// The largest `recvWindow` Binance accepts.
pub const MAX_RECV_WINDOW: Duration = Duration::from_secs(60);

/// How the account's API key signs requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// HMAC-SHA256 with the secret key; signature in lower-case hex.
    Hmac,
    /// Ed25519; the secret is the PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`);
    /// signature in base64.
    Ed25519,
}

/// Signs requests for one API key: sets the key header, appends `recvWindow` (when set),
/// `timestamp` (local clock + [`time_offset_ms`](Self::time_offset_ms)) and `signature`.
///
/// `Debug` shows the key type, `recvWindow` and clock offset only.
pub struct RequestAuth {
    signer: QueryStringSigner,
    key_type: KeyType,
    recv_window: Option<String>,
    offset_ms: AtomicI64,
}

impl RequestAuth {
    /// The signer for `credentials` of `key_type`. An error when the key or the secret is
    /// empty, or (Ed25519) the secret is not a PKCS#8 PEM Ed25519 private key; errors never
    /// contain key material.
    pub fn new(credentials: &Credentials, key_type: KeyType) -> Result<Self, RestError> {
        if credentials.api_key.is_empty() {
            return Err(RestError::InvalidRequest(
                "Binance signed endpoints need an API key".into(),
            ));
        }
        if credentials.secret.is_empty() {
            return Err(RestError::InvalidRequest(
                "Binance signed endpoints need a secret key".into(),
            ));
        }
        let signer = match key_type {
            KeyType::Hmac => QueryStringSigner::hmac_sha256_hex(credentials.secret.clone()),
            KeyType::Ed25519 => QueryStringSigner::ed25519(Ed25519Signer::from_pkcs8_pem(
                credentials.secret.expose_secret(),
            )?),
        };
        Ok(RequestAuth {
            signer: signer
                .api_key_header(API_KEY_HEADER, credentials.api_key.clone())
                .timestamp_param("timestamp"),
            key_type,
            recv_window: None,
            offset_ms: AtomicI64::new(0),
        })
    }

    /// Sends `recvWindow` with every request (Binance's default when absent: 5000 ms). An
    /// error when it is zero or above [`MAX_RECV_WINDOW`]. Sub-millisecond parts are sent as
    /// up to three decimals (`6000.346`).
    pub fn with_recv_window(mut self, window: Duration) -> Result<Self, RestError> {
        self.recv_window = Some(format_recv_window(window)?);
        Ok(self)
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The `recvWindow` sent, if any, as sent.
    pub fn recv_window(&self) -> Option<&str> {
        self.recv_window.as_deref()
    }

    /// Added to the local clock for `timestamp` (server minus local, in ms).
    pub fn time_offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sets the clock correction (e.g. from `GET /api/v3/time`).
    pub fn set_time_offset_ms(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }

    /// The `timestamp` a request sent now carries.
    pub fn timestamp_ms(&self) -> i64 {
        now_ms().saturating_add(self.time_offset_ms())
    }

    /// Makes `request` a SIGNED request: appends `recvWindow` (when set) after the request's
    /// own parameters, fixes its timestamp, and signs it when it is sent (`timestamp` then
    /// `signature` appended, `X-MBX-APIKEY` set).
    pub fn sign<'a>(&'a self, request: RequestBuilder<'a>) -> RequestBuilder<'a> {
        request
            .param_opt("recvWindow", self.recv_window.as_deref())
            .timestamp_ms(self.timestamp_ms())
            .sign_with(&self.signer)
    }
}

impl fmt::Debug for RequestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestAuth")
            .field("key_type", &self.key_type)
            .field("recv_window", &self.recv_window)
            .field("time_offset_ms", &self.time_offset_ms())
            .finish_non_exhaustive()
    }
}

/// `recvWindow` in ms with at most three decimals; an error outside `(0, 60000]`.
fn format_recv_window(window: Duration) -> Result<String, RestError> {
    if window.is_zero() || window > MAX_RECV_WINDOW {
        return Err(RestError::InvalidRequest(format!(
            "recvWindow must be above 0 and at most 60000 ms, got {} ms",
            window.as_secs_f64() * 1000.0
        )));
    }
    let micros = window.as_micros();
    let (ms, frac) = (micros / 1000, micros % 1000);
    Ok(if frac == 0 {
        ms.to_string()
    } else {
        format!("{ms}.{frac:03}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::Venue;
    use tradewire_rest::RestClient;

    // rest-api.md, "SIGNED Endpoint Examples for POST /api/v3/order" → "HMAC Keys": the example
    // API key and secret, parameters, and "Example 2: As a query string" signature.
    const DOC_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    const DOC_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    const DOC_SIGNED: &str = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

    /// RFC 8032 section 7.1 TEST 1 secret key, as PKCS#8 v1 PEM (RFC 8410).
    const ED25519_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n";

    fn rest() -> RestClient {
        RestClient::new(Venue::Binance, "https://api.binance.com").unwrap()
    }

    #[test]
    fn documented_hmac_example() {
        let auth = RequestAuth::new(&Credentials::new(DOC_KEY, DOC_SECRET), KeyType::Hmac)
            .unwrap()
            .with_recv_window(Duration::from_millis(5000))
            .unwrap();
        let rest = rest();
        let req = auth
            .sign(
                rest.post("/api/v3/order")
                    .param("symbol", "LTCBTC")
                    .param("side", "BUY")
                    .param("type", "LIMIT")
                    .param("timeInForce", "GTC")
                    .param("quantity", 1)
                    .param("price", "0.1"),
            )
            .timestamp_ms(1_499_827_319_559)
            .prepare()
            .unwrap();
        assert_eq!(req.query_string(), DOC_SIGNED);
        assert_eq!(req.headers[API_KEY_HEADER], DOC_KEY);
        assert!(req.headers[API_KEY_HEADER].is_sensitive());
    }

    #[test]
    fn ed25519_signs_the_percent_encoded_query_in_base64() {
        let creds = Credentials::new("edkey", ED25519_PEM);
        let auth = RequestAuth::new(&creds, KeyType::Ed25519).unwrap();
        assert_eq!(auth.key_type(), KeyType::Ed25519);
        let rest = rest();
        // rest-api.md "Ed25519 Keys": the non-ASCII example symbol is percent-encoded before
        // signing.
        let req = auth
            .sign(
                rest.post("/api/v3/order")
                    .param("symbol", "１２３４５６")
                    .param("side", "SELL"),
            )
            .timestamp_ms(1_668_481_559_918)
            .prepare()
            .unwrap();
        let payload = "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=SELL&timestamp=1668481559918";
        let signer = Ed25519Signer::from_pkcs8_pem(ED25519_PEM).unwrap();
        let expected = signer.sign_base64(payload);
        assert_eq!(req.query.get("signature"), Some(expected.as_str()));
        assert!(req.query_string().starts_with(payload));
        assert_eq!(req.headers[API_KEY_HEADER], "edkey");
    }

    #[test]
    fn recv_window_format_and_bounds() {
        assert_eq!(
            format_recv_window(Duration::from_millis(5000)).unwrap(),
            "5000"
        );
        assert_eq!(
            format_recv_window(Duration::from_micros(6_000_346)).unwrap(),
            "6000.346"
        );
        assert_eq!(format_recv_window(MAX_RECV_WINDOW).unwrap(), "60000");
        assert!(format_recv_window(Duration::from_millis(60_001)).is_err());
        assert!(format_recv_window(Duration::ZERO).is_err());
    }

    #[test]
    fn timestamp_follows_the_offset() {
        let auth = RequestAuth::new(&Credentials::new("k", "s"), KeyType::Hmac).unwrap();
        assert_eq!(auth.recv_window(), None);
        auth.set_time_offset_ms(-1_000_000);
        let t = auth.timestamp_ms();
        assert!((now_ms() - 1_000_000 - t).abs() < 60_000);
        // Without recvWindow only timestamp and signature are added.
        let rest = rest();
        let req = auth.sign(rest.get("/api/v3/account")).prepare().unwrap();
        let keys: Vec<&str> = req.query.pairs().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["timestamp", "signature"]);
    }

    #[test]
    fn credentials_are_required_and_never_shown() {
        let e = RequestAuth::new(&Credentials::new("", "s"), KeyType::Hmac).unwrap_err();
        assert!(matches!(e, RestError::InvalidRequest(_)));
        let e = RequestAuth::new(&Credentials::new("k", ""), KeyType::Hmac).unwrap_err();
        assert!(matches!(e, RestError::InvalidRequest(_)));
        let e = RequestAuth::new(
            &Credentials::new("k", "not-a-pem-secret-xyz"),
            KeyType::Ed25519,
        )
        .unwrap_err();
        assert!(matches!(e, RestError::Signing(_)));
        assert!(!format!("{e} {e:?}").contains("not-a-pem-secret-xyz"));

        let auth = RequestAuth::new(&Credentials::new(DOC_KEY, DOC_SECRET), KeyType::Hmac).unwrap();
        let shown = format!("{auth:?} {auth:#?}");
        assert!(
            !shown.contains(DOC_KEY) && !shown.contains(DOC_SECRET),
            "{shown}"
        );
        let pem_auth =
            RequestAuth::new(&Credentials::new("edkey", ED25519_PEM), KeyType::Ed25519).unwrap();
        let shown = format!("{pem_auth:?}");
        assert!(!shown.contains("MC4CAQ"), "{shown}");
    }
}
