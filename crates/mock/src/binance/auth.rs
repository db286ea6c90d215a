//! Request signatures and timing security (rest-api.md "SIGNED Endpoint security", "Timing
//! security"; web-socket-api.md "SIGNED request security").

use base64::Engine;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use hmac::{Hmac, Mac};
use rust_decimal::Decimal;
use sha2::Sha256;

use super::config::ApiKeyKind;
use super::error::ApiError;
use super::state::Params;

/// HMAC-SHA256 of `payload` with `secret`, as lower-case hex (rest-api.md "HMAC Keys", step 2).
///
/// ```
/// use tradewire_mock::binance::{DOC_SECRET_KEY, hmac_signature};
///
/// // The worked example of rest-api.md "SIGNED Endpoint Examples for POST /api/v3/order".
/// let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1\
///                &recvWindow=5000&timestamp=1499827319559";
/// assert_eq!(
///     hmac_signature(DOC_SECRET_KEY, payload),
///     "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
/// );
/// ```
pub fn hmac_signature(secret: &str, payload: &str) -> String {
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(payload.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Whether `signature` signs `payload` for a key of this kind: hex HMAC-SHA256 (not
/// case-sensitive) or base64 Ed25519 (case-sensitive), per "Signature Case Sensitivity".
pub(crate) fn verify(kind: &ApiKeyKind, payload: &str, signature: &str) -> bool {
    match kind {
        ApiKeyKind::Hmac { secret } => {
            let Ok(sig) = hex::decode(signature.to_ascii_lowercase()) else {
                return false;
            };
            match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
                Ok(mut mac) => {
                    mac.update(payload.as_bytes());
                    mac.verify_slice(&sig).is_ok()
                }
                Err(_) => false,
            }
        }
        ApiKeyKind::Ed25519 { public_key } => {
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(signature) else {
                return false;
            };
            let Ok(sig) = Signature::from_slice(&bytes) else {
                return false;
            };
            let Ok(key) = VerifyingKey::from_bytes(public_key) else {
                return false;
            };
            key.verify(payload.as_bytes(), &sig).is_ok()
        }
    }
}

/// errors.md "-2014 BAD_API_KEY_FMT": the simulator calls a key malformed when it is empty or
/// has characters other than ASCII letters, digits, `-` and `_` (Binance's own keys are 64
/// alphanumerics).
pub(crate) fn key_format_ok(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Checks `timestamp` and `recvWindow` against `now` (rest-api.md "Timing security").
pub(crate) fn check_timing(p: &Params, now: i64) -> Result<(), ApiError> {
    let ts = p
        .get("timestamp")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::mandatory("timestamp"))?;
    let mut ts: i64 = ts
        .parse()
        .map_err(|_| ApiError::illegal("timestamp", "^[0-9]{1,20}$"))?;
    // "Timestamp parameters ... can be passed in milliseconds or microseconds."
    if ts > 100_000_000_000_000 {
        ts /= 1_000;
    }
    let window = match p.get("recvWindow") {
        None => Decimal::from(5_000),
        Some(v) => {
            let w: Decimal = v
                .parse()
                .map_err(|_| ApiError::illegal("recvWindow", "^[0-9]{1,20}(\\.[0-9]{1,3})?$"))?;
            if w > Decimal::from(60_000) {
                return Err(ApiError::bad(
                    -1102,
                    "'recvWindow' contains unexpected value. Cannot be greater than 60000.",
                ));
            }
            w
        }
    };
    // errors.md "-1021 INVALID_TIMESTAMP".
    if ts >= now + 1_000 {
        return Err(ApiError::bad(
            -1021,
            "Timestamp for this request was 1000ms ahead of the server's time.",
        ));
    }
    if Decimal::from(now - ts) > window {
        return Err(ApiError::bad(
            -1021,
            "Timestamp for this request is outside of the recvWindow.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_doc_vector_and_case_insensitivity() {
        let kind = ApiKeyKind::Hmac {
            secret: super::super::config::DOC_SECRET_KEY.to_owned(),
        };
        let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
        let sig = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
        assert!(verify(&kind, payload, sig));
        assert!(verify(&kind, payload, &sig.to_ascii_uppercase()));
        assert!(!verify(&kind, &format!("{payload}1"), sig));
        assert!(!verify(&kind, payload, "zz"));
        // web-socket-api.md "SIGNED request example (HMAC)".
        let ws = "apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT";
        assert!(verify(
            &kind,
            ws,
            "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
        ));
    }

    #[test]
    fn timing() {
        let mut p = Params::new();
        assert_eq!(check_timing(&p, 10_000).unwrap_err().code, -1102);
        p.insert("timestamp".into(), "10000".into());
        assert!(check_timing(&p, 14_000).is_ok());
        assert_eq!(check_timing(&p, 16_000).unwrap_err().code, -1021);
        assert_eq!(check_timing(&p, 8_000).unwrap_err().code, -1021);
        p.insert("recvWindow".into(), "60001".into());
        assert_eq!(check_timing(&p, 10_000).unwrap_err().code, -1102);
        p.insert("recvWindow".into(), "10000.5".into());
        assert!(check_timing(&p, 20_000).is_ok());
        // Microseconds: 50 ms before "now".
        p.insert("timestamp".into(), "1699999999950000".into());
        p.insert("recvWindow".into(), "100".into());
        assert!(check_timing(&p, 1_700_000_000_000).is_ok());
        assert_eq!(check_timing(&p, 1_700_000_000_200).unwrap_err().code, -1021);
    }

    #[test]
    fn key_format() {
        assert!(key_format_ok(super::super::config::DOC_API_KEY));
        assert!(!key_format_ok(""));
        assert!(!key_format_ok("a b"));
    }
}
