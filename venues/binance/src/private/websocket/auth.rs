//! Credentials of the private WebSocket API and request signing.
//!
//! Doc: web-socket-api.md "Request security", "SIGNED request security", "Timing security",
//! "SIGNED request example (HMAC)", "SIGNED Request Example (Ed25519)" and "Session
//! Authentication" ("Only Ed25519 keys are supported for this feature"; "You still have to
//! specify the `timestamp` parameter for `SIGNED` requests").
//!
//! - **Ed25519** ([`WsApiCredentials::ed25519_pem`]): the session logs on with
//!   `session.logon` on every connection; SIGNED requests then carry only `timestamp` (and
//!   `recvWindow`), no `apiKey` and no `signature`.
//! - **HMAC** ([`WsApiCredentials::hmac`]): every SIGNED request carries `apiKey`,
//!   `timestamp` and `signature` = hex HMAC-SHA256 of the payload.
//!
//! The payload is every parameter except `signature`, sorted by name, `name=value` joined by
//! `&` ([`Params::signature_payload`]); Ed25519 signatures are base64.
//!
//! Secrets are read only while signing. `Debug` never shows the API key, the HMAC secret or
//! the private key.

use std::fmt;

use tradewire_core::{ApiKey, ApiSecret, Credentials, REDACTED};
use tradewire_rest::sign::{Ed25519Signer, hmac_sha256_hex};

use super::error::BinanceWsError;
use super::message::Params;

/// The API key of the private WebSocket API and how its requests are signed.
#[derive(Clone)]
pub enum WsApiCredentials {
    /// An Ed25519 key: `session.logon` on every connection, then unsigned-but-timestamped
    /// requests on behalf of the logged-on key.
    Ed25519 {
        /// The API key.
        api_key: ApiKey,
        /// The private key.
        signer: Ed25519Signer,
    },
    /// An HMAC key: every SIGNED request is signed individually.
    Hmac {
        /// The API key.
        api_key: ApiKey,
        /// The secret key.
        secret: ApiSecret,
    },
}

impl WsApiCredentials {
    /// An Ed25519 API key with its private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`,
    /// unencrypted), as generated for Binance Ed25519 keys.
    pub fn ed25519_pem(
        api_key: impl Into<ApiKey>,
        private_key_pem: &str,
    ) -> Result<Self, BinanceWsError> {
        let signer = Ed25519Signer::from_pkcs8_pem(private_key_pem)
            .map_err(|e| BinanceWsError::InvalidCredentials(e.to_string()))?;
        Ok(WsApiCredentials::Ed25519 {
            api_key: api_key.into(),
            signer,
        })
    }

    /// An Ed25519 API key with an already loaded signer.
    pub fn ed25519(api_key: impl Into<ApiKey>, signer: Ed25519Signer) -> Self {
        WsApiCredentials::Ed25519 {
            api_key: api_key.into(),
            signer,
        }
    }

    /// An HMAC API key and its secret key.
    pub fn hmac(api_key: impl Into<ApiKey>, secret: impl Into<ApiSecret>) -> Self {
        WsApiCredentials::Hmac {
            api_key: api_key.into(),
            secret: secret.into(),
        }
    }

    /// Core [`Credentials`] of an Ed25519 key: `secret` holds the PKCS#8 PEM private key.
    pub fn from_ed25519_credentials(credentials: &Credentials) -> Result<Self, BinanceWsError> {
        Self::ed25519_pem(
            credentials.api_key.clone(),
            credentials.secret.expose_secret(),
        )
    }

    /// Core [`Credentials`] of an HMAC key.
    pub fn from_hmac_credentials(credentials: &Credentials) -> Self {
        Self::hmac(credentials.api_key.clone(), credentials.secret.clone())
    }

    /// The API key.
    pub fn api_key(&self) -> &ApiKey {
        match self {
            WsApiCredentials::Ed25519 { api_key, .. } | WsApiCredentials::Hmac { api_key, .. } => {
                api_key
            }
        }
    }

    /// Whether the session logs on (Ed25519) instead of signing each request (HMAC).
    pub fn uses_session_logon(&self) -> bool {
        matches!(self, WsApiCredentials::Ed25519 { .. })
    }

    /// The signature of `payload`: hex HMAC-SHA256 or base64 Ed25519.
    fn signature(&self, payload: &str) -> String {
        match self {
            WsApiCredentials::Ed25519 { signer, .. } => signer.sign_base64(payload),
            WsApiCredentials::Hmac { secret, .. } => {
                hmac_sha256_hex(secret.expose_secret(), payload)
            }
        }
    }

    /// Adds `apiKey` and `signature` to `params` (which already hold `timestamp`): the
    /// explicit signature of a SIGNED request, or of `session.logon`.
    pub(crate) fn sign(&self, params: &mut Params) {
        params.set("apiKey", self.api_key().expose_secret());
        let signature = self.signature(&params.signature_payload());
        params.set("signature", signature);
    }
}

impl fmt::Debug for WsApiCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            WsApiCredentials::Ed25519 { .. } => "Ed25519",
            WsApiCredentials::Hmac { .. } => "Hmac",
        };
        f.debug_struct("WsApiCredentials")
            .field("kind", &kind)
            .field("api_key", &REDACTED)
            .field("secret", &REDACTED)
            .finish()
    }
}

/// Adds `timestamp` (and `recvWindow`) to `params`: every SIGNED request needs them, session
/// or not (web-socket-api.md "Timing security").
pub(crate) fn timestamp(params: &mut Params, now_ms: i64, recv_window: Option<u32>) {
    params.set("timestamp", now_ms);
    if let Some(w) = recv_window {
        params.set("recvWindow", w);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use base64::Engine as _;
    use tradewire_core::Decimal;

    use crate::private::websocket::message::ParamValue;

    // web-socket-api.md "SIGNED request example (HMAC)": example API key and secret key.
    pub(crate) const DOC_API_KEY: &str =
        "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    pub(crate) const DOC_SECRET_KEY: &str =
        "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

    /// PKCS#8 (RFC 8410) PEM of an Ed25519 seed: the fixed DER prefix, then the 32 bytes.
    pub(crate) fn pkcs8_pem(seed: [u8; 32]) -> String {
        let mut der = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        der.extend_from_slice(&seed);
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(der)
        )
    }

    /// The parameters of the first (ASCII) example of "SIGNED request example (HMAC)".
    fn doc_order_params() -> Params {
        let mut p = Params::new()
            .with("symbol", "BTCUSDT")
            .with("side", "SELL")
            .with("type", "LIMIT")
            .with("timeInForce", "GTC")
            .with("quantity", "0.01000000")
            .with("price", "52000.00");
        timestamp(&mut p, 1_645_423_376_532, Some(100));
        p
    }

    #[test]
    fn documented_hmac_example_ascii() {
        let mut p = doc_order_params();
        let creds = WsApiCredentials::hmac(DOC_API_KEY, DOC_SECRET_KEY);
        creds.sign(&mut p);
        // Step 1: the documented signature payload.
        assert_eq!(
            p.signature_payload(),
            "apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT"
        );
        // Step 2/3: the documented signature.
        assert_eq!(
            p.get("signature"),
            Some(&ParamValue::Str(
                "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24".into()
            ))
        );
        // recvWindow and timestamp travel as numbers, as in the documented request.
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["recvWindow"], 100);
        assert_eq!(json["timestamp"], 1_645_423_376_532_i64);
        assert_eq!(json["price"], "52000.00");
    }

    #[test]
    fn documented_hmac_example_non_ascii() {
        // Second example: a symbol with non-ASCII characters, signed as UTF-8.
        let mut p = Params::new()
            .with("symbol", "１２３４５６")
            .with("side", "BUY")
            .with("type", "LIMIT")
            .with("timeInForce", "GTC")
            .with("quantity", Decimal::new(100_000_000, 8))
            .with("price", Decimal::new(10_000_000, 8));
        timestamp(&mut p, 1_645_423_376_532, Some(5000));
        WsApiCredentials::hmac(DOC_API_KEY, DOC_SECRET_KEY).sign(&mut p);
        assert_eq!(
            p.signature_payload(),
            "apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=0.10000000&quantity=1.00000000&recvWindow=5000&side=BUY&symbol=１２３４５６&timeInForce=GTC&timestamp=1645423376532&type=LIMIT"
        );
        assert_eq!(
            p.get("signature"),
            Some(&ParamValue::Str(
                "b33892ae8e687c939f4468c6268ddd4c40ac1af18ad19a064864c47bae0752cd".into()
            ))
        );
    }

    #[test]
    fn ed25519_signs_the_documented_payload_in_base64() {
        // "SIGNED Request Example (Ed25519)" gives the payload but not the private key: sign
        // it with a test key and verify with the public key.
        let pem = pkcs8_pem([7; 32]);
        let creds = WsApiCredentials::ed25519_pem(
            "4yNzx3yWC5bS6YTwEkSRaC0nRmSQIIStAUOh1b6kqaBrTLIhjCpI5lJH8q8R8WNO",
            &pem,
        )
        .unwrap();
        assert!(creds.uses_session_logon());
        let mut p = doc_order_params();
        creds.sign(&mut p);
        assert_eq!(
            p.signature_payload(),
            "apiKey=4yNzx3yWC5bS6YTwEkSRaC0nRmSQIIStAUOh1b6kqaBrTLIhjCpI5lJH8q8R8WNO&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT"
        );
        let Some(ParamValue::Str(sig)) = p.get("signature") else {
            panic!()
        };
        let signer = Ed25519Signer::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(*sig, signer.sign_base64(p.signature_payload()));
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(sig)
                .unwrap()
                .len(),
            64
        );
    }

    #[test]
    fn secrets_never_in_debug() {
        let pem = pkcs8_pem([9; 32]);
        let ed = WsApiCredentials::ed25519_pem(DOC_API_KEY, &pem).unwrap();
        let hmac = WsApiCredentials::hmac(DOC_API_KEY, DOC_SECRET_KEY);
        let shown = format!("{ed:?} {hmac:?} {ed:#?} {:?}", ed.api_key());
        assert!(!shown.contains(DOC_API_KEY), "{shown}");
        assert!(!shown.contains(DOC_SECRET_KEY), "{shown}");
        assert!(!shown.contains("PRIVATE KEY"), "{shown}");
        assert!(!shown.contains(&pem[28..60]), "{shown}");
        assert!(
            shown.contains("Ed25519") && shown.contains("Hmac"),
            "{shown}"
        );
        // A bad PEM is an error that does not echo it.
        let bad = pem.replace("MC4", "XX4");
        let e = WsApiCredentials::ed25519_pem(DOC_API_KEY, &bad).unwrap_err();
        assert!(matches!(e, BinanceWsError::InvalidCredentials(_)));
        assert!(!e.to_string().contains("XX4"), "{e}");
    }

    #[test]
    fn from_core_credentials() {
        let core = Credentials::new(DOC_API_KEY, DOC_SECRET_KEY);
        let c = WsApiCredentials::from_hmac_credentials(&core);
        assert!(!c.uses_session_logon());
        assert_eq!(c.api_key().expose_secret(), DOC_API_KEY);
        let core = Credentials::new("k", pkcs8_pem([1; 32]));
        assert!(WsApiCredentials::from_ed25519_credentials(&core).is_ok());
        assert!(
            WsApiCredentials::from_ed25519_credentials(&Credentials::new("k", "nope")).is_err()
        );
    }
}
