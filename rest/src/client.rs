//! [`RestClient`], its builder, [`RequestBuilder`] and [`Response`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tradewire_core::Venue;
use tradewire_core::rate_limit::RateLimiter;
use web_time::{Instant, SystemTime, UNIX_EPOCH};

use crate::error::{VenueErrorParser, excerpt};
use crate::hook::ResponseHook;
use crate::request::{Body, PreparedRequest, header_pair};
use crate::{Params, RequestSigner, RestError};

/// Default whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The venue's last `Retry-After`: requests are refused locally until `until`.
#[derive(Debug, Clone, Copy)]
struct Backoff {
    until: Instant,
    status: u16,
}

struct Inner {
    venue: Venue,
    base_url: String,
    http: reqwest::Client,
    default_headers: HeaderMap,
    timeout: Option<Duration>,
    error_parser: Option<VenueErrorParser>,
    hooks: Vec<Arc<dyn ResponseHook>>,
    limiter: Option<Arc<RateLimiter>>,
    respect_retry_after: bool,
    backoff: Mutex<Option<Backoff>>,
}

/// An HTTP client for one venue API: base URL, default headers, timeout, error parser, response
/// hooks and an optional weight [`RateLimiter`]. Cheap to clone (an `Arc` inside); clones share
/// the connection pool, limiter and `Retry-After` state.
///
/// Natively it is reqwest over rustls (`ring` provider, webpki roots, HTTP/1.1, no redirects
/// followed); on wasm32 reqwest uses the browser's `fetch` (the browser does TLS, follows
/// redirects and applies CORS).
///
/// `Debug` shows the venue, base URL, timeout and default header *names* only.
#[derive(Clone)]
pub struct RestClient {
    inner: Arc<Inner>,
}

/// Configures a [`RestClient`]; errors (bad URL, header) are reported by
/// [`build`](Self::build).
pub struct RestClientBuilder {
    venue: Venue,
    base_url: String,
    default_headers: HeaderMap,
    timeout: Option<Duration>,
    user_agent: String,
    error_parser: Option<VenueErrorParser>,
    hooks: Vec<Arc<dyn ResponseHook>>,
    limiter: Option<Arc<RateLimiter>>,
    respect_retry_after: bool,
    error: Option<RestError>,
}

impl RestClientBuilder {
    /// Sets the base URL (`https://api.binance.com`, a testnet, or `http://127.0.0.1:PORT` for
    /// a loopback mock). It may include a path prefix; request paths are appended to it.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Adds a header sent with every request (e.g. an API-key header). Values are marked
    /// sensitive and never printed.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match header_pair(name, value) {
            Ok((n, v)) => {
                self.default_headers.insert(n, v);
            }
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// Whole-request timeout (connect, send, headers and body); default [`DEFAULT_TIMEOUT`].
    /// `None` disables it. On wasm32 it is enforced with an `AbortController` on the `fetch`.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` sent natively (default `tradewire/<version>`); browsers set their own.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How to read the venue's error payload from non-2xx bodies (e.g.
    /// [`code_msg_error_parser`](crate::code_msg_error_parser)). Without one, every non-2xx
    /// response is [`RestError::Http`] (or [`RestError::RateLimited`] for 429/418).
    pub fn error_parser(mut self, parser: VenueErrorParser) -> Self {
        self.error_parser = Some(parser);
        self
    }

    /// Adds a hook called with the status and headers of every response.
    pub fn hook(self, hook: impl ResponseHook + 'static) -> Self {
        self.hook_arc(Arc::new(hook))
    }

    /// Adds a shared hook.
    pub fn hook_arc(mut self, hook: Arc<dyn ResponseHook>) -> Self {
        self.hooks.push(hook);
        self
    }

    /// The limiter that checks each request's declared [`weight`](RequestBuilder::weight)
    /// before sending. Share it with a [`UsedWeightHeaderHook`](crate::UsedWeightHeaderHook) to
    /// follow the venue's own count.
    pub fn rate_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Whether, after a 429/418 with `Retry-After`, further requests fail at once with
    /// [`RestError::RateLimited`] until that time has passed, instead of being sent (default
    /// `true`: Binance bans IPs that keep sending after a 429).
    pub fn respect_retry_after(mut self, respect: bool) -> Self {
        self.respect_retry_after = respect;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<RestClient, RestError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&base_url)
            .map_err(|e| RestError::InvalidUrl(format!("base URL {base_url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(RestError::InvalidUrl(format!(
                "base URL {base_url:?} is not an http(s) URL"
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(RestError::InvalidUrl(format!(
                "base URL {base_url:?} must not have a query or fragment"
            )));
        }
        let http = crate::platform::http_client(&self.user_agent)?;
        Ok(RestClient {
            inner: Arc::new(Inner {
                venue: self.venue,
                base_url,
                http,
                default_headers: self.default_headers,
                timeout: self.timeout,
                error_parser: self.error_parser,
                hooks: self.hooks,
                limiter: self.limiter,
                respect_retry_after: self.respect_retry_after,
                backoff: Mutex::new(None),
            }),
        })
    }
}

impl fmt::Debug for RestClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestClientBuilder")
            .field("venue", &self.venue)
            .field("base_url", &self.base_url)
            .field(
                "default_headers",
                &self.default_headers.keys().collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RestClient {
    /// A builder for `venue`'s API at `base_url`.
    pub fn builder(venue: Venue, base_url: impl Into<String>) -> RestClientBuilder {
        RestClientBuilder {
            venue,
            base_url: base_url.into(),
            default_headers: HeaderMap::new(),
            timeout: Some(DEFAULT_TIMEOUT),
            user_agent: concat!("tradewire/", env!("CARGO_PKG_VERSION")).to_owned(),
            error_parser: None,
            hooks: Vec::new(),
            limiter: None,
            respect_retry_after: true,
            error: None,
        }
    }

    /// A client with the defaults.
    pub fn new(venue: Venue, base_url: impl Into<String>) -> Result<Self, RestError> {
        Self::builder(venue, base_url).build()
    }

    /// The venue.
    pub fn venue(&self) -> Venue {
        self.inner.venue
    }

    /// The base URL (without trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The weight limiter, if any.
    pub fn rate_limiter(&self) -> Option<&Arc<RateLimiter>> {
        self.inner.limiter.as_ref()
    }

    /// A request with `method` to `path` (appended to the base URL).
    pub fn request<'a>(&self, method: Method, path: &str) -> RequestBuilder<'a> {
        RequestBuilder {
            client: self.clone(),
            method,
            path: path.to_owned(),
            query: Params::new(),
            headers: HeaderMap::new(),
            body: Body::Empty,
            weight: None,
            signer: None,
            timestamp_ms: None,
            timeout: None,
            error: None,
        }
    }

    /// A `GET` request.
    pub fn get<'a>(&self, path: &str) -> RequestBuilder<'a> {
        self.request(Method::GET, path)
    }

    /// A `POST` request.
    pub fn post<'a>(&self, path: &str) -> RequestBuilder<'a> {
        self.request(Method::POST, path)
    }

    /// A `PUT` request.
    pub fn put<'a>(&self, path: &str) -> RequestBuilder<'a> {
        self.request(Method::PUT, path)
    }

    /// A `DELETE` request.
    pub fn delete<'a>(&self, path: &str) -> RequestBuilder<'a> {
        self.request(Method::DELETE, path)
    }

    /// `GET path?query` and decode the 2xx JSON body as `T`.
    pub async fn get_json<T, K, V>(&self, path: &str, query: &[(K, V)]) -> Result<T, RestError>
    where
        T: DeserializeOwned,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.get(path).query(query).send_json().await
    }

    fn url_for(&self, req: &PreparedRequest) -> Result<url::Url, RestError> {
        let mut s = self.inner.base_url.clone();
        if !req.path.is_empty() && !req.path.starts_with('/') {
            s.push('/');
        }
        s.push_str(&req.path);
        if !req.query.is_empty() {
            s.push('?');
            s.push_str(&req.query_string());
        }
        // Errors name the path only: the query may hold signatures or keys.
        url::Url::parse(&s).map_err(|e| RestError::InvalidUrl(format!("path {:?}: {e}", req.path)))
    }

    fn check_backoff(&self) -> Result<(), RestError> {
        let mut guard = match self.inner.backoff.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(b) = *guard {
            let now = Instant::now();
            if now < b.until {
                return Err(RestError::RateLimited {
                    venue: self.inner.venue,
                    status: b.status,
                    retry_after: Some(b.until.saturating_duration_since(now)),
                    banned: b.status == 418,
                    message: Some("not sent: waiting out the venue's Retry-After".into()),
                });
            }
            *guard = None;
        }
        Ok(())
    }

    fn note_retry_after(&self, status: u16, retry_after: Duration) {
        if !self.inner.respect_retry_after {
            return;
        }
        let until = Instant::now() + retry_after;
        let mut guard = match self.inner.backoff.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        match *guard {
            Some(b) if b.until >= until => {}
            _ => *guard = Some(Backoff { until, status }),
        }
    }

    /// Maps a non-2xx response to its error; `Ok(())` for 2xx.
    fn classify(&self, response: &Response) -> Result<(), RestError> {
        let status = response.status;
        if status.is_success() {
            return Ok(());
        }
        let code = status.as_u16();
        let text = String::from_utf8_lossy(&response.body);
        let parsed = self.inner.error_parser.and_then(|p| p(code, &text));
        if code == 429 || code == 418 {
            return Err(RestError::RateLimited {
                venue: self.inner.venue,
                status: code,
                retry_after: retry_after(&response.headers),
                banned: code == 418,
                message: parsed.map(|(_, m)| m),
            });
        }
        match parsed {
            Some((venue_code, message)) if status.is_client_error() => Err(RestError::Venue {
                venue: self.inner.venue,
                status: code,
                code: venue_code,
                message,
            }),
            parsed => {
                let (code_opt, message) = match parsed {
                    Some((c, m)) => (Some(c), m),
                    None => (
                        None,
                        status
                            .canonical_reason()
                            .unwrap_or("unknown status")
                            .to_owned(),
                    ),
                };
                Err(RestError::Http {
                    status: code,
                    code: code_opt,
                    message,
                    body_excerpt: excerpt(&response.body),
                })
            }
        }
    }
}

/// `Retry-After` in seconds (the form Binance, OKX and Bybit send); HTTP dates are ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    v.parse::<u64>().ok().map(Duration::from_secs).or_else(|| {
        v.parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
    })
}

impl fmt::Debug for RestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("RestClient")
            .field("venue", &i.venue)
            .field("base_url", &i.base_url)
            .field(
                "default_headers",
                &i.default_headers.keys().collect::<Vec<_>>(),
            )
            .field("timeout", &i.timeout)
            .field("error_parser", &i.error_parser.is_some())
            .field("hooks", &i.hooks.len())
            .field("rate_limiter", &i.limiter.is_some())
            .finish()
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn transport(e: reqwest::Error) -> RestError {
    if e.is_timeout() {
        return RestError::Timeout;
    }
    // `without_url`: the URL may carry a signature or an API key in its query.
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    // On wasm32 a fetch failure carries a multi-line JS stack trace: keep the first line.
    RestError::Transport(crate::error::cut(
        message.lines().next().unwrap_or_default(),
        300,
    ))
}

/// One request being built: query parameters (in order), headers, body, declared weight,
/// signer, timestamp and timeout. Nothing is sent until [`send`](Self::send).
///
/// Errors from building (a bad header, a body that does not serialize) are reported by `send`.
pub struct RequestBuilder<'a> {
    client: RestClient,
    method: Method,
    path: String,
    query: Params,
    headers: HeaderMap,
    body: Body,
    weight: Option<u32>,
    signer: Option<&'a dyn RequestSigner>,
    timestamp_ms: Option<i64>,
    timeout: Option<Duration>,
    error: Option<RestError>,
}

impl<'a> RequestBuilder<'a> {
    /// Appends query parameters, in order (`&[("symbol", "BTCUSDT".to_string())]`,
    /// `&[("limit", "5")]`, …).
    pub fn query<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        self.query.extend(pairs);
        self
    }

    /// Appends one query parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl fmt::Display) -> Self {
        self.query.push(key, value);
        self
    }

    /// Appends one query parameter when `value` is `Some`.
    pub fn param_opt(self, key: impl Into<String>, value: Option<impl fmt::Display>) -> Self {
        match value {
            Some(v) => self.param(key, v),
            None => self,
        }
    }

    /// Appends all of `params`, in order.
    pub fn params(mut self, params: Params) -> Self {
        self.query.extend(params.pairs());
        self
    }

    /// Sets a header for this request (replacing a client default of the same name). The value
    /// is marked sensitive.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match header_pair(name, value) {
            Ok((n, v)) => {
                self.headers.insert(n, v);
            }
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// A JSON body (`application/json`), serialized now.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_string(body) {
            Ok(s) => self.body = Body::Json(s),
            Err(e) => {
                self.error
                    .get_or_insert(RestError::InvalidRequest(format!("JSON body: {e}")));
            }
        }
        self
    }

    /// A form body (`application/x-www-form-urlencoded`), encoded in order.
    pub fn form(mut self, params: Params) -> Self {
        self.body = Body::Form(params);
        self
    }

    /// A raw body with its content type.
    pub fn body(mut self, bytes: impl Into<Vec<u8>>, content_type: impl Into<String>) -> Self {
        self.body = Body::Raw {
            bytes: bytes.into(),
            content_type: content_type.into(),
        };
        self
    }

    /// Declares the request's weight: the client's [`RateLimiter`] (if any) must accept it
    /// ([`RateLimiter::check_weight`]) before the request is sent, else
    /// [`RestError::LocalRateLimit`] is returned and nothing is sent.
    pub fn weight(mut self, weight: u32) -> Self {
        self.weight = Some(weight);
        self
    }

    /// Signs the request with `signer` just before sending, after every parameter, header and
    /// body has been set (the order of builder calls does not matter).
    pub fn sign_with(mut self, signer: &'a dyn RequestSigner) -> Self {
        self.signer = Some(signer);
        self
    }

    /// Overrides the request timestamp given to the signer (default: now, in ms since the
    /// epoch). Venues that correct for clock skew pass `now + offset`.
    pub fn timestamp_ms(mut self, timestamp_ms: i64) -> Self {
        self.timestamp_ms = Some(timestamp_ms);
        self
    }

    /// Overrides the client's timeout for this request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The request as it would be sent: default and own headers, query, body, content type,
    /// signed if a signer is set. Nothing is sent and no weight is taken.
    pub fn prepare(&self) -> Result<PreparedRequest, RestError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let mut headers = self.client.inner.default_headers.clone();
        for (name, value) in &self.headers {
            headers.insert(name, value.clone());
        }
        let mut req = PreparedRequest {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers,
            body: self.body.clone(),
            timestamp_ms: self.timestamp_ms.unwrap_or_else(now_ms),
        };
        req.content_type_header()?;
        if let Some(signer) = self.signer {
            signer.sign(&mut req)?;
        }
        Ok(req)
    }

    /// Sends the request. A 2xx response is returned; any other status becomes its
    /// [`RestError`] (venue error, rate limit, HTTP error). Rate-limit errors are never retried.
    pub async fn send(self) -> Result<Response, RestError> {
        let client = self.client.clone();
        let response = self.send_raw().await?;
        client.classify(&response)?;
        Ok(response)
    }

    /// Sends the request and decodes the 2xx JSON body as `T`.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, RestError> {
        self.send().await?.json()
    }

    /// Sends the request and returns the response whatever its status. Local refusals (weight,
    /// pending `Retry-After`), transport errors and timeouts are still errors, and hooks still run.
    pub async fn send_raw(self) -> Result<Response, RestError> {
        let prepared = self.prepare()?;
        let client = self.client;
        let inner = &client.inner;
        let url = client.url_for(&prepared)?;
        client.check_backoff()?;
        if let (Some(w), Some(limiter)) = (self.weight, &inner.limiter) {
            limiter
                .check_weight(w)
                .map_err(|error| RestError::LocalRateLimit {
                    venue: inner.venue,
                    error,
                })?;
        }

        let PreparedRequest {
            method,
            path,
            headers,
            body,
            ..
        } = prepared;
        let mut rb = inner.http.request(method.clone(), url).headers(headers);
        if !body.is_empty() {
            rb = rb.body(body.to_bytes().into_owned());
        }
        if let Some(t) = self.timeout.or(inner.timeout) {
            rb = rb.timeout(t);
        }
        let started = Instant::now();
        let resp = rb.send().await.map_err(transport)?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(transport)?;
        tracing::debug!(
            venue = %inner.venue,
            %method,
            path = %path,
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            bytes = body.len(),
            "REST response"
        );
        for hook in &inner.hooks {
            hook.on_response(status, &headers);
        }
        if matches!(status.as_u16(), 429 | 418) {
            if let Some(d) = retry_after(&headers) {
                client.note_retry_after(status.as_u16(), d);
            }
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

impl fmt::Debug for RequestBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .field("weight", &self.weight)
            .field("signed", &self.signer.is_some())
            .finish_non_exhaustive()
    }
}

/// A response: status, headers and the whole body.
#[derive(Clone)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Response {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value as text, if present and valid.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body, by value.
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// The body as UTF-8 text.
    pub fn text(&self) -> Result<&str, RestError> {
        std::str::from_utf8(&self.body).map_err(|e| RestError::Decode {
            what: "UTF-8 text".into(),
            message: e.to_string(),
            excerpt: excerpt(&self.body),
        })
    }

    /// The body decoded from JSON as `T`; on failure the error keeps a short excerpt of the body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, RestError> {
        serde_json::from_slice(&self.body).map_err(|e| RestError::Decode {
            what: std::any::type_name::<T>().to_owned(),
            // serde quotes the offending value, which can be as long as the body.
            message: tradewire_core::bounded(
                e.to_string(),
                tradewire_core::DecodeError::MESSAGE_LEN,
            ),
            excerpt: excerpt(&self.body),
        })
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, "0.5".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(500)));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, "-1".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn base_url_validation_and_joining() {
        assert!(matches!(
            RestClient::new(Venue::Binance, "not a url"),
            Err(RestError::InvalidUrl(_))
        ));
        assert!(matches!(
            RestClient::new(Venue::Binance, "ftp://example.com"),
            Err(RestError::InvalidUrl(_))
        ));
        assert!(matches!(
            RestClient::new(Venue::Binance, "https://example.com/?a=1"),
            Err(RestError::InvalidUrl(_))
        ));
        let c = RestClient::new(Venue::Binance, "https://example.com/prefix/").unwrap();
        assert_eq!(c.base_url(), "https://example.com/prefix");
        let req = c
            .get("api/v3/depth")
            .param("symbol", "BTCUSDT")
            .prepare()
            .unwrap();
        assert_eq!(
            c.url_for(&req).unwrap().as_str(),
            "https://example.com/prefix/api/v3/depth?symbol=BTCUSDT"
        );
        // The query string reaches the URL exactly as encoded (and signed).
        let req = c
            .get("/x")
            .param("a", "b c+/=")
            .param("u", "１")
            .prepare()
            .unwrap();
        assert_eq!(
            c.url_for(&req).unwrap().query(),
            Some("a=b+c%2B%2F%3D&u=%EF%BC%91")
        );
    }

    #[test]
    fn builder_errors_are_deferred() {
        let e = RestClient::builder(Venue::Okx, "https://www.okx.com")
            .header("bad name", "x")
            .build()
            .unwrap_err();
        assert!(matches!(e, RestError::InvalidRequest(_)));
        let c = RestClient::new(Venue::Okx, "https://www.okx.com").unwrap();
        let e = c
            .get("/x")
            .header("X", "line\nbreak")
            .prepare()
            .unwrap_err();
        assert!(matches!(e, RestError::InvalidRequest(_)));
    }

    #[test]
    fn prepare_merges_headers_and_sets_content_type() {
        let c = RestClient::builder(Venue::Okx, "https://www.okx.com")
            .header("X-Default", "1")
            .header("X-Over", "client")
            .build()
            .unwrap();
        let req = c
            .post("/api/v5/trade/order")
            .header("X-Over", "request")
            .json(&serde_json::json!({"instId": "BTC-USDT"}))
            .timestamp_ms(42)
            .prepare()
            .unwrap();
        assert_eq!(req.headers["x-default"], "1");
        assert_eq!(req.headers["x-over"], "request");
        assert_eq!(req.headers["content-type"], "application/json");
        assert_eq!(req.body_text(), r#"{"instId":"BTC-USDT"}"#);
        assert_eq!(req.timestamp_ms, 42);
        let now = c.get("/").prepare().unwrap().timestamp_ms;
        assert!(now > 1_600_000_000_000, "{now}");
    }
}
