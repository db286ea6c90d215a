//! Request signing: HMAC-SHA256 (hex and base64), Ed25519, the [`RequestSigner`] trait and a
//! ready [`QueryStringSigner`] for venues that sign the query string (Binance, MEXC).
//!
//! Secrets are read only here, at the moment of signing, and never appear in `Debug`, logs or
//! errors.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::pkcs8::DecodePrivateKey as _;
use ed25519_dalek::{Signer as _, SigningKey};
use hmac::{Hmac, Mac};
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;
use tradewire_core::{ApiKey, ApiSecret, REDACTED};

use crate::RestError;
use crate::request::{Body, PreparedRequest};

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `payload` keyed with `secret`.
pub fn hmac_sha256(secret: impl AsRef<[u8]>, payload: impl AsRef<[u8]>) -> [u8; 32] {
    // HMAC accepts keys of any length (RFC 2104: longer keys are hashed first), so
    // `new_from_slice` cannot fail for `Hmac<Sha256>`; the fallback only satisfies the types.
    let mut mac = match HmacSha256::new_from_slice(secret.as_ref()) {
        Ok(mac) => mac,
        Err(_) => HmacSha256::new(&Default::default()),
    };
    mac.update(payload.as_ref());
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA256 as lower-case hex (Binance, Bybit, MEXC, Gate).
///
/// ```
/// // RFC 4231, test case 2.
/// assert_eq!(
///     tradewire_rest::sign::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
/// );
/// ```
pub fn hmac_sha256_hex(secret: impl AsRef<[u8]>, payload: impl AsRef<[u8]>) -> String {
    hex::encode(hmac_sha256(secret, payload))
}

/// HMAC-SHA256 as standard base64 (OKX, KuCoin, Coinbase Exchange).
pub fn hmac_sha256_base64(secret: impl AsRef<[u8]>, payload: impl AsRef<[u8]>) -> String {
    BASE64.encode(hmac_sha256(secret, payload))
}

/// An Ed25519 private key that signs payloads (Binance Ed25519 API keys: the signature is the
/// base64 of the Ed25519 signature over the payload).
///
/// The 32-byte seed is held in a [`secrecy`] box (zeroized on drop); `Debug` prints
/// `Ed25519Signer([REDACTED])`.
#[derive(Clone)]
pub struct Ed25519Signer {
    seed: SecretSlice<u8>,
}

impl Ed25519Signer {
    /// From the 32-byte secret key (the RFC 8032 seed).
    pub fn from_secret_bytes(secret: &[u8]) -> Result<Self, RestError> {
        if secret.len() != ed25519_dalek::SECRET_KEY_LENGTH {
            return Err(RestError::Signing(format!(
                "an Ed25519 secret key has {} bytes, got {}",
                ed25519_dalek::SECRET_KEY_LENGTH,
                secret.len()
            )));
        }
        Ok(Ed25519Signer {
            seed: SecretSlice::from(secret.to_vec()),
        })
    }

    /// From a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`), as generated for Binance
    /// Ed25519 API keys.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, RestError> {
        let key = SigningKey::from_pkcs8_pem(pem)
            .map_err(|e| RestError::Signing(format!("invalid Ed25519 PKCS#8 PEM key: {e}")))?;
        Self::from_secret_bytes(key.as_bytes())
    }

    /// From a PKCS#8 DER private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, RestError> {
        let key = SigningKey::from_pkcs8_der(der)
            .map_err(|e| RestError::Signing(format!("invalid Ed25519 PKCS#8 DER key: {e}")))?;
        Self::from_secret_bytes(key.as_bytes())
    }

    fn key(&self) -> SigningKey {
        let mut seed = Zeroizing::new([0u8; ed25519_dalek::SECRET_KEY_LENGTH]);
        seed.copy_from_slice(self.seed.expose_secret());
        // `SigningKey` zeroizes itself on drop.
        SigningKey::from_bytes(&seed)
    }

    /// The Ed25519 signature (64 bytes) of `payload`.
    pub fn sign(&self, payload: impl AsRef<[u8]>) -> [u8; 64] {
        self.key().sign(payload.as_ref()).to_bytes()
    }

    /// The signature as standard base64.
    pub fn sign_base64(&self, payload: impl AsRef<[u8]>) -> String {
        BASE64.encode(self.sign(payload))
    }

    /// The public key (32 bytes), e.g. to check it matches the key registered with the venue.
    pub fn public_key(&self) -> [u8; 32] {
        self.key().verifying_key().to_bytes()
    }
}

impl fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519Signer({REDACTED})")
    }
}

/// Signs a [`PreparedRequest`] just before it is sent: reads method, path, query, body and
/// timestamp, and adds headers or parameters. Venue crates implement it (header style: OKX
/// `OK-ACCESS-SIGN`, …) or use [`QueryStringSigner`] (query style: Binance `&signature=…`).
///
/// Attach it per request with [`RequestBuilder::sign_with`](crate::RequestBuilder::sign_with).
///
/// ```
/// use tradewire_rest::{PreparedRequest, RequestSigner, RestError, sign::hmac_sha256_base64};
/// use tradewire_core::Credentials;
///
/// /// OKX style: sign `timestamp + method + requestPath + body` into headers.
/// struct OkxSigner(Credentials);
///
/// impl RequestSigner for OkxSigner {
///     fn sign(&self, req: &mut PreparedRequest) -> Result<(), RestError> {
///         let ts = req.timestamp_ms.to_string(); // OKX wants ISO 8601; kept short here
///         let payload = format!("{ts}{}{}{}", req.method, req.path_and_query(), req.body_text());
///         let sig = hmac_sha256_base64(self.0.secret.expose_secret(), payload);
///         req.set_header("OK-ACCESS-KEY", self.0.api_key.expose_secret())?;
///         req.set_header("OK-ACCESS-SIGN", &sig)?;
///         req.set_header("OK-ACCESS-TIMESTAMP", &ts)
///     }
/// }
/// ```
pub trait RequestSigner: Send + Sync {
    /// Signs `req` in place.
    fn sign(&self, req: &mut PreparedRequest) -> Result<(), RestError>;
}

#[derive(Clone)]
enum QueryAlgorithm {
    HmacSha256Hex(ApiSecret),
    Ed25519Base64(Ed25519Signer),
}

/// Query-string signing (Binance, MEXC): optionally appends a timestamp parameter, signs
/// `totalParams` = the query string concatenated with the body (no `&` between them, as Binance
/// defines it), and appends the signature parameter: to the form body when the body is a form,
/// else to the query string. Optionally sets the API-key header.
///
/// ```
/// use tradewire_core::{ApiKey, Credentials};
/// use tradewire_rest::QueryStringSigner;
///
/// let creds = Credentials::new("my-key", "my-secret");
/// // Binance HMAC keys: `X-MBX-APIKEY` header, `timestamp` then `signature` parameters.
/// let signer = QueryStringSigner::hmac_sha256_hex(creds.secret.clone())
///     .api_key_header("X-MBX-APIKEY", creds.api_key.clone())
///     .timestamp_param("timestamp");
/// assert!(!format!("{signer:?}").contains("my-secret"));
/// ```
#[derive(Clone)]
pub struct QueryStringSigner {
    algorithm: QueryAlgorithm,
    api_key: Option<(String, ApiKey)>,
    timestamp_param: Option<String>,
    signature_param: String,
}

impl QueryStringSigner {
    fn with_algorithm(algorithm: QueryAlgorithm) -> Self {
        QueryStringSigner {
            algorithm,
            api_key: None,
            timestamp_param: None,
            signature_param: "signature".into(),
        }
    }

    /// Signature = lower-case hex HMAC-SHA256 keyed with `secret`.
    pub fn hmac_sha256_hex(secret: ApiSecret) -> Self {
        Self::with_algorithm(QueryAlgorithm::HmacSha256Hex(secret))
    }

    /// Signature = base64 Ed25519 (Binance Ed25519 API keys).
    pub fn ed25519(signer: Ed25519Signer) -> Self {
        Self::with_algorithm(QueryAlgorithm::Ed25519Base64(signer))
    }

    /// Sends `key` in header `name` (Binance: `X-MBX-APIKEY`).
    pub fn api_key_header(mut self, name: impl Into<String>, key: ApiKey) -> Self {
        self.api_key = Some((name.into(), key));
        self
    }

    /// Appends `name=<request timestamp ms>` to the query before signing, unless the query or
    /// form body already has it (Binance: `timestamp`).
    pub fn timestamp_param(mut self, name: impl Into<String>) -> Self {
        self.timestamp_param = Some(name.into());
        self
    }

    /// The signature parameter's name (default `signature`).
    pub fn signature_param(mut self, name: impl Into<String>) -> Self {
        self.signature_param = name.into();
        self
    }

    /// The signature of `payload` with this signer's algorithm.
    pub fn signature(&self, payload: &str) -> String {
        match &self.algorithm {
            QueryAlgorithm::HmacSha256Hex(secret) => {
                hmac_sha256_hex(secret.expose_secret(), payload)
            }
            QueryAlgorithm::Ed25519Base64(signer) => signer.sign_base64(payload),
        }
    }
}

impl RequestSigner for QueryStringSigner {
    fn sign(&self, req: &mut PreparedRequest) -> Result<(), RestError> {
        if let Some(ts) = &self.timestamp_param {
            let in_form = matches!(&req.body, Body::Form(p) if p.contains(ts));
            if !req.query.contains(ts) && !in_form {
                req.query.push(ts.clone(), req.timestamp_ms);
            }
        }
        let payload = format!("{}{}", req.query_string(), req.body_text());
        let signature = self.signature(&payload);
        match &mut req.body {
            Body::Form(form) => form.push(self.signature_param.clone(), signature),
            _ => req.query.push(self.signature_param.clone(), signature),
        };
        if let Some((name, key)) = &self.api_key {
            req.set_header(name, key.expose_secret())?;
        }
        Ok(())
    }
}

impl fmt::Debug for QueryStringSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algorithm = match self.algorithm {
            QueryAlgorithm::HmacSha256Hex(_) => "hmac-sha256-hex",
            QueryAlgorithm::Ed25519Base64(_) => "ed25519-base64",
        };
        f.debug_struct("QueryStringSigner")
            .field("algorithm", &algorithm)
            .field("secret", &REDACTED)
            .field("api_key_header", &self.api_key.as_ref().map(|(n, _)| n))
            .field("timestamp_param", &self.timestamp_param)
            .field("signature_param", &self.signature_param)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Params;
    use http::{HeaderMap, Method};

    // Binance spot API docs, rest-api.md, "SIGNED (TRADE and USER_DATA) Endpoint security",
    // "SIGNED Endpoint Examples for POST /api/v3/order" (binance/binance-spot-api-docs).
    const BINANCE_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    const BINANCE_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    const BINANCE_QUERY: &str = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    // "Example 2: As a query string".
    const BINANCE_SIG: &str = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
    // "Example 3: Mixed query string and request body".
    const BINANCE_MIXED_SIG: &str =
        "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77";

    // RFC 8032, section 7.1, TEST 1 (empty message).
    const RFC8032_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const RFC8032_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const RFC8032_SIG: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    /// PKCS#8 v1 (RFC 8410) for an Ed25519 seed: the fixed DER prefix, then the 32 bytes.
    fn pkcs8_pem(seed: &[u8]) -> String {
        let mut der = hex::decode("302e020100300506032b657004220420").unwrap();
        der.extend_from_slice(seed);
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            BASE64.encode(der)
        )
    }

    #[test]
    fn rfc4231_test_case_2() {
        // RFC 4231, section 4.3 (Test Case 2), HMAC-SHA-256.
        assert_eq!(
            hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hmac_sha256_base64("Jefe", "what do ya want for nothing?"),
            BASE64.encode(
                hex::decode("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
                    .unwrap()
            )
        );
    }

    #[test]
    fn rfc4231_test_case_6_long_key() {
        // RFC 4231, section 4.7 (Test Case 6): a 131-byte key, longer than the block size.
        assert_eq!(
            hmac_sha256_hex(
                [0xaa; 131],
                "Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn binance_documented_hmac() {
        assert_eq!(hmac_sha256_hex(BINANCE_SECRET, BINANCE_QUERY), BINANCE_SIG);
    }

    #[test]
    fn rfc8032_test_1_from_bytes_and_pem() {
        let seed = hex::decode(RFC8032_SECRET).unwrap();
        let s = Ed25519Signer::from_secret_bytes(&seed).unwrap();
        assert_eq!(hex::encode(s.sign(b"")), RFC8032_SIG);
        assert_eq!(hex::encode(s.public_key()), RFC8032_PUBLIC);
        assert_eq!(
            s.sign_base64(""),
            BASE64.encode(hex::decode(RFC8032_SIG).unwrap())
        );

        let pem = pkcs8_pem(&seed);
        let p = Ed25519Signer::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(hex::encode(p.sign(b"")), RFC8032_SIG);
        let der = hex::decode(format!("302e020100300506032b657004220420{RFC8032_SECRET}")).unwrap();
        let d = Ed25519Signer::from_pkcs8_der(&der).unwrap();
        assert_eq!(hex::encode(d.clone().sign(b"")), RFC8032_SIG);
    }

    #[test]
    fn ed25519_bad_keys_are_errors_without_material() {
        let e = Ed25519Signer::from_secret_bytes(&[1; 31]).unwrap_err();
        assert!(matches!(e, RestError::Signing(_)));
        let pem = pkcs8_pem(&[7; 32]).replace("MC4", "XX4");
        let e = Ed25519Signer::from_pkcs8_pem(&pem).unwrap_err();
        assert!(
            matches!(e, RestError::Signing(ref m) if !m.contains("XX4")),
            "{e}"
        );
    }

    #[test]
    fn debug_is_redacted() {
        let seed = hex::decode(RFC8032_SECRET).unwrap();
        let s = Ed25519Signer::from_secret_bytes(&seed).unwrap();
        let d = format!("{s:?} {:?}", QueryStringSigner::ed25519(s.clone()));
        assert!(d.contains(REDACTED));
        assert!(!d.contains(RFC8032_SECRET) && !d.contains("9d61b1"), "{d}");
        let q = QueryStringSigner::hmac_sha256_hex(ApiSecret::new(BINANCE_SECRET))
            .api_key_header("X-MBX-APIKEY", ApiKey::new(BINANCE_KEY));
        let d = format!("{q:?} {q:#?}");
        assert!(
            !d.contains(BINANCE_SECRET) && !d.contains(BINANCE_KEY),
            "{d}"
        );
        assert!(d.contains("X-MBX-APIKEY"));
    }

    fn prepared(query: &str, body: Body) -> PreparedRequest {
        let pairs: Vec<(&str, &str)> = query
            .split('&')
            .filter(|s| !s.is_empty())
            .filter_map(|kv| kv.split_once('='))
            .collect();
        PreparedRequest {
            method: Method::POST,
            path: "/api/v3/order".into(),
            query: Params::from(&pairs[..]),
            headers: HeaderMap::new(),
            body,
            timestamp_ms: 1_499_827_319_559,
        }
    }

    #[test]
    fn query_signer_binance_example_2() {
        let signer = QueryStringSigner::hmac_sha256_hex(ApiSecret::new(BINANCE_SECRET))
            .api_key_header("X-MBX-APIKEY", ApiKey::new(BINANCE_KEY))
            .timestamp_param("timestamp");
        let mut req = prepared(
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000",
            Body::Empty,
        );
        signer.sign(&mut req).unwrap();
        assert_eq!(
            req.query_string(),
            format!("{BINANCE_QUERY}&signature={BINANCE_SIG}")
        );
        assert_eq!(req.headers["x-mbx-apikey"], BINANCE_KEY);
    }

    #[test]
    fn query_signer_binance_example_1_and_3_bodies() {
        let signer = QueryStringSigner::hmac_sha256_hex(ApiSecret::new(BINANCE_SECRET))
            .timestamp_param("timestamp");
        // Example 1: everything in the body; the timestamp is already there, so none is added.
        let form = prepared(BINANCE_QUERY, Body::Empty).query;
        let mut req = prepared("", Body::Form(form));
        signer.sign(&mut req).unwrap();
        assert_eq!(req.query_string(), "");
        assert_eq!(
            req.body_text(),
            format!("{BINANCE_QUERY}&signature={BINANCE_SIG}")
        );
        // Example 3: query and body mixed; totalParams has no '&' between them.
        let body = Params::new()
            .with("quantity", 1)
            .with("price", "0.1")
            .with("recvWindow", 5000)
            .with("timestamp", 1_499_827_319_559_i64);
        let mut req = prepared(
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
            Body::Form(body),
        );
        signer.sign(&mut req).unwrap();
        assert_eq!(
            req.query_string(),
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
        );
        assert_eq!(
            req.body_text(),
            format!(
                "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature={BINANCE_MIXED_SIG}"
            )
        );
    }

    #[test]
    fn query_signer_ed25519_encodes_base64() {
        let seed = hex::decode(RFC8032_SECRET).unwrap();
        let s = Ed25519Signer::from_secret_bytes(&seed).unwrap();
        let signer = QueryStringSigner::ed25519(s.clone());
        let mut req = prepared("symbol=BTCUSDT", Body::Empty);
        signer.sign(&mut req).unwrap();
        let sig = req.query.get("signature").unwrap().to_owned();
        assert_eq!(sig, s.sign_base64("symbol=BTCUSDT"));
        // base64 '+', '/' and '=' are percent-encoded on the wire.
        let expected = url::form_urlencoded::byte_serialize(sig.as_bytes()).collect::<String>();
        assert_eq!(
            req.query_string(),
            format!("symbol=BTCUSDT&signature={expected}")
        );
        assert!(sig.ends_with("==") && expected.ends_with("%3D%3D"));
    }
}
