//! HTTP transport for tradewire venue clients, native and `wasm32-unknown-unknown`.
//!
//! - [`RestClient`]: one venue API at one base URL (production, testnet or a loopback mock),
//!   default headers, timeout, `GET`/`POST`/`PUT`/`DELETE` with ordered query [`Params`], JSON
//!   or form bodies; [`Response`] keeps status, headers and body; [`Response::json`] /
//!   [`RestClient::get_json`] decode with serde.
//! - Errors ([`RestError`]): venue error payloads on 4xx (parsed by a per-client
//!   [`VenueErrorParser`]) become [`RestError::Venue`]; HTTP 429/418 become
//!   [`RestError::RateLimited`] with `Retry-After` — never a silent retry; 5xx and the rest
//!   [`RestError::Http`] with a short body excerpt. `From<RestError> for tradewire_core::Error`.
//! - Weight limits: a request declares [`RequestBuilder::weight`]; the client's
//!   [`RateLimiter`](tradewire_core::rate_limit::RateLimiter) checks it *before* sending and refuses
//!   with [`RestError::LocalRateLimit`]. [`ResponseHook`]s see every response's headers;
//!   [`UsedWeightHeaderHook`] feeds Binance's `X-MBX-USED-WEIGHT-1M` back into the limiter.
//! - Signing ([`sign`]): HMAC-SHA256 hex/base64, [`Ed25519Signer`], the [`RequestSigner`] trait
//!   (called on the final [`PreparedRequest`] just before sending) and [`QueryStringSigner`]
//!   (Binance-style `&signature=`).
//!
//! Secrets never appear in `Debug`, logs or errors: header values and query values are not
//! printed, transport errors drop the URL, and bodies are only ever kept as a short excerpt.
//!
//! # Platforms
//!
//! Natively: reqwest + rustls (`ring` provider, webpki roots), HTTP/1.1, redirects not
//! followed. On wasm32: reqwest over the browser's `fetch`; the timeout is enforced by aborting
//! the fetch; the browser applies CORS, follows redirects and sets the `User-Agent`.
//!
//! The weight limiter is [`tradewire_core::rate_limit::RateLimiter`]: the same platform-neutral
//! mechanism the WebSocket side uses, so one limiter can count a venue's REST and WebSocket API
//! weight together (Binance counts both against the same IP budget).
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use tradewire_core::{Credentials, Venue};
//! use tradewire_rest::{
//!     code_msg_error_parser, QueryStringSigner, RestClient, RestError, UsedWeightHeaderHook,
//! };
//! use tradewire_core::rate_limit::{Quota, RateLimitConfig, RateLimiter};
//!
//! # async fn run() -> Result<(), RestError> {
//! let limiter = Arc::new(RateLimiter::new(RateLimitConfig {
//!     weight: Some(Quota::per_minute(6000)),
//!     ..Default::default()
//! }));
//! let client = RestClient::builder(Venue::Binance, "https://api.binance.com")
//!     .error_parser(code_msg_error_parser)
//!     .rate_limiter(limiter.clone())
//!     .hook(UsedWeightHeaderHook::binance(limiter))
//!     .build()?;
//!
//! // Public: weight 5, refused locally if the minute's budget is spent.
//! let depth: serde_json::Value = client
//!     .get("/api/v3/depth")
//!     .query(&[("symbol", "BTCUSDT"), ("limit", "100")])
//!     .weight(5)
//!     .send_json()
//!     .await?;
//! println!("{depth}");
//!
//! // Signed: `timestamp` and `signature` are appended just before sending.
//! let creds = Credentials::new("api-key", "api-secret");
//! let signer = QueryStringSigner::hmac_sha256_hex(creds.secret.clone())
//!     .api_key_header("X-MBX-APIKEY", creds.api_key.clone())
//!     .timestamp_param("timestamp");
//! match client
//!     .get("/api/v3/account")
//!     .param("recvWindow", 5000)
//!     .weight(20)
//!     .sign_with(&signer)
//!     .send()
//!     .await
//! {
//!     Ok(resp) => println!("{}", resp.text()?),
//!     Err(RestError::Venue { code, message, .. }) => eprintln!("binance {code}: {message}"),
//!     Err(e) if e.is_rate_limited() => eprintln!("back off: {e}"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```

mod client;
mod error;
mod hook;
mod params;
mod platform;
mod request;
pub mod sign;

pub use client::{DEFAULT_TIMEOUT, RequestBuilder, Response, RestClient, RestClientBuilder};
pub use error::{EXCERPT_LEN, RestError, VenueErrorParser, code_msg_error_parser, excerpt};
pub use hook::{ResponseHook, UsedWeightHeaderHook};
pub use params::Params;
pub use request::{Body, PreparedRequest};
pub use sign::{Ed25519Signer, QueryStringSigner, RequestSigner};

/// The `http` crate (its [`Method`](http::Method), [`StatusCode`](http::StatusCode) and
/// [`HeaderMap`](http::HeaderMap) appear in this API).
pub use http;
