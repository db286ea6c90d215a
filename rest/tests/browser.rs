//! `RestClient` in headless Chromium (reqwest over `fetch`), against a loopback HTTP server
//! that answers any `GET` with `{"ok":true,"method":"GET","path":…}` and CORS headers
//! (the `tradewire-mock` binary, which `cargo xtask wasm test` starts). A page cannot read the
//! environment, so the server's URL is baked in at compile time from `TRADEWIRE_REST_ECHO_URL`.
//!
//! ```text
//! cargo xtask wasm test -p tradewire-rest
//! ```
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use serde::Deserialize;
use tradewire_core::Venue;
use tradewire_core::rate_limit::{Quota, RateLimitConfig, RateLimiter};
use tradewire_rest::sign::hmac_sha256_hex;
use tradewire_rest::{Ed25519Signer, RestClient, RestError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = match option_env!("TRADEWIRE_REST_ECHO_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:8765",
};

#[derive(Debug, Deserialize)]
struct Echo {
    ok: bool,
    method: String,
    path: String,
}

#[wasm_bindgen_test]
async fn get_json_over_fetch() {
    let client = RestClient::new(Venue::Binance, URL).unwrap();
    let echo: Echo = client
        .get("/api/v3/ping")
        .param("symbol", "BTCUSDT")
        .param("x", "a b")
        .send_json()
        .await
        .unwrap();
    assert!(echo.ok);
    assert_eq!(echo.method, "GET");
    assert!(echo.path.starts_with("/api/v3/ping"), "{}", echo.path);
}

#[wasm_bindgen_test]
async fn weight_refusal_needs_no_network() {
    let limiter = Arc::new(RateLimiter::new(RateLimitConfig {
        weight: Some(Quota::per_minute(1)),
        ..Default::default()
    }));
    // Port 9 (discard): a request that were sent would fail with a transport error instead.
    let client = RestClient::builder(Venue::Binance, "http://127.0.0.1:9")
        .rate_limiter(limiter)
        .build()
        .unwrap();
    let err = client.get("/heavy").weight(2).send().await.unwrap_err();
    assert!(matches!(err, RestError::LocalRateLimit { .. }), "{err:?}");
}

#[wasm_bindgen_test]
fn signing_vectors_on_wasm() {
    // RFC 4231, test case 2.
    assert_eq!(
        hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    // RFC 8032, section 7.1, TEST 1.
    let seed = hex_decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let signer = Ed25519Signer::from_secret_bytes(&seed).unwrap();
    assert_eq!(
        hex_encode(&signer.sign(b"")),
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    );
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
