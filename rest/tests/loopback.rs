//! `RestClient` against a real HTTP/1.1 server on 127.0.0.1 (a tiny tokio server in this file).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tradewire_core::rate_limit::{LimitKind, Quota, RateLimitConfig, RateLimiter};
use tradewire_core::{ApiKey, ApiSecret, Credentials, Venue};
use tradewire_rest::http::StatusCode;
use tradewire_rest::{
    EXCERPT_LEN, Params, QueryStringSigner, RestClient, RestError, UsedWeightHeaderHook,
    code_msg_error_parser,
};

// ---------------------------------------------------------------- the test server

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    /// Path and query, exactly as sent on the request line.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A canned response.
#[derive(Debug, Clone)]
struct Canned {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Option<Duration>,
}

impl Canned {
    fn new(status: u16, body: impl Into<String>) -> Self {
        Canned {
            status,
            headers: vec![("Content-Type", "application/json".into())],
            body: body.into(),
            delay: None,
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn delay(mut self, d: Duration) -> Self {
        self.delay = Some(d);
        self
    }
}

type Responder = Arc<dyn Fn(&Recorded) -> Canned + Send + Sync>;

struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Serves every request with `respond` until the test's runtime ends.
    async fn start(respond: impl Fn(&Recorded) -> Canned + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let respond: Responder = Arc::new(respond);
        let log = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (log, respond) = (log.clone(), respond.clone());
                tokio::spawn(async move {
                    let _ = handle(stream, log, respond).await;
                });
            }
        });
        Server { addr, requests }
    }

    /// Always answers `canned`.
    async fn always(canned: Canned) -> Server {
        Server::start(move |_| canned.clone()).await
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

async fn handle(
    mut stream: TcpStream,
    log: Arc<Mutex<Vec<Recorded>>>,
    respond: Responder,
) -> std::io::Result<()> {
    // Read the head.
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    // Read the body by Content-Length.
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let rec = Recorded {
        method,
        target,
        headers,
        body,
    };
    let canned = respond(&rec);
    log.lock().unwrap().push(rec);
    if let Some(d) = canned.delay {
        tokio::time::sleep(d).await;
    }
    let reason = StatusCode::from_u16(canned.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Whatever");
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n",
        canned.status,
        canned.body.len()
    );
    for (n, v) in &canned.headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&canned.body);
    stream.write_all(out.as_bytes()).await?;
    stream.shutdown().await
}

fn client(server: &Server) -> RestClient {
    RestClient::builder(Venue::Binance, server.url())
        .error_parser(code_msg_error_parser)
        .build()
        .unwrap()
}

fn weight_limiter(per_minute: u32) -> Arc<RateLimiter> {
    Arc::new(RateLimiter::new(RateLimitConfig {
        weight: Some(Quota::per_minute(per_minute)),
        ..Default::default()
    }))
}

// Binance spot API docs, rest-api.md, "SIGNED (TRADE and USER_DATA) Endpoint security",
// "SIGNED Endpoint Examples for POST /api/v3/order", Example 2 (binance/binance-spot-api-docs).
const BINANCE_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const BINANCE_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const BINANCE_SIG: &str = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

// ---------------------------------------------------------------- tests

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Depth {
    last_update_id: u64,
    bids: Vec<[String; 2]>,
}

#[tokio::test]
async fn get_sends_query_in_insertion_order_and_decodes_json() {
    // Shape of Binance's `GET /api/v3/depth` response (rest-api.md, "Order book").
    let server = Server::always(Canned::new(
        200,
        r#"{"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],"asks":[]}"#,
    ))
    .await;
    let c = RestClient::builder(Venue::Binance, server.url())
        .header("X-Default", "yes")
        .build()
        .unwrap();

    let depth: Depth = c
        .get("/api/v3/depth")
        .query(&[
            ("symbol", "BTCUSDT".to_string()),
            ("limit", "5".to_string()),
        ])
        .param("zeta", 1)
        .param("alpha", "a b/c")
        .send_json()
        .await
        .unwrap();
    assert_eq!(depth.last_update_id, 1_027_024);
    assert_eq!(depth.bids[0][0], "4.00000000");

    let typed: Depth = c
        .get_json("/api/v3/depth", &[("symbol", "ETHBTC")])
        .await
        .unwrap();
    assert_eq!(typed, depth);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(
        reqs[0].target,
        "/api/v3/depth?symbol=BTCUSDT&limit=5&zeta=1&alpha=a+b%2Fc"
    );
    assert_eq!(reqs[0].header("x-default"), Some("yes"));
    assert!(
        reqs[0]
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("tradewire/"))
    );
    assert!(reqs[0].body.is_empty());
    assert_eq!(reqs[1].target, "/api/v3/depth?symbol=ETHBTC");
}

#[tokio::test]
async fn post_put_delete_send_their_bodies() {
    let server = Server::always(Canned::new(200, r#"{"ok":true}"#)).await;
    let c = client(&server);

    let resp = c
        .post("/api/v5/trade/order")
        .json(&serde_json::json!({"instId": "BTC-USDT", "sz": "0.01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.text().unwrap(), r#"{"ok":true}"#);
    assert_eq!(resp.header("content-type"), Some("application/json"));

    c.put("/api/v3/userDataStream")
        .form(Params::new().with("listenKey", "abc").with("x", "1 2"))
        .send()
        .await
        .unwrap();
    c.delete("/api/v3/order")
        .param("symbol", "BTCUSDT")
        .param("orderId", 7)
        .send()
        .await
        .unwrap();

    let reqs = server.requests();
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].target, "/api/v5/trade/order");
    assert_eq!(reqs[0].header("content-type"), Some("application/json"));
    assert_eq!(reqs[0].body, br#"{"instId":"BTC-USDT","sz":"0.01"}"#);
    assert_eq!(reqs[1].method, "PUT");
    assert_eq!(
        reqs[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(reqs[1].body, b"listenKey=abc&x=1+2");
    assert_eq!(reqs[2].method, "DELETE");
    assert_eq!(reqs[2].target, "/api/v3/order?symbol=BTCUSDT&orderId=7");
    assert!(reqs[2].body.is_empty());
}

#[tokio::test]
async fn venue_error_body_becomes_venue_error() {
    // Sample error payload from Binance's rest-api.md, "Error Codes".
    let server = Server::always(Canned::new(
        400,
        r#"{"code":-1121,"msg":"Invalid symbol."}"#,
    ))
    .await;
    let err = client(&server)
        .get("/api/v3/depth")
        .param("symbol", "NOPE")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err,
        RestError::Venue {
            venue: Venue::Binance,
            status: 400,
            code: "-1121".into(),
            message: "Invalid symbol.".into(),
        }
    );
    assert_eq!(
        tradewire_core::Error::from(err),
        tradewire_core::Error::venue(Venue::Binance, -1121, "Invalid symbol.")
    );

    // Without a parser the same response is a plain HTTP error with an excerpt.
    let plain = RestClient::new(Venue::Binance, server.url()).unwrap();
    match plain.get("/api/v3/depth").send().await.unwrap_err() {
        RestError::Http {
            status,
            code,
            body_excerpt,
            ..
        } => {
            assert_eq!((status, code), (400, None));
            assert!(body_excerpt.contains("-1121"), "{body_excerpt}");
        }
        other => panic!("expected Http, got {other:?}"),
    }

    // send_raw returns the response as is.
    let raw = plain.get("/api/v3/depth").send_raw().await.unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn http_429_with_retry_after_is_rate_limited_and_not_retried() {
    let server = Server::always(
        Canned::new(429, r#"{"code":-1003,"msg":"Too many requests."}"#).header("Retry-After", "3"),
    )
    .await;
    let c = client(&server);
    let err = c.get("/api/v3/depth").send().await.unwrap_err();
    assert_eq!(
        err,
        RestError::RateLimited {
            venue: Venue::Binance,
            status: 429,
            retry_after: Some(Duration::from_secs(3)),
            banned: false,
            message: Some("Too many requests.".into()),
        }
    );
    assert_eq!(server.count(), 1, "a 429 must not be retried");

    // While the Retry-After runs, the next request is refused without being sent (also by a clone).
    let again = c.clone().get("/api/v3/time").send().await.unwrap_err();
    match again {
        RestError::RateLimited {
            status,
            retry_after: Some(d),
            banned: false,
            message: Some(m),
            ..
        } => {
            assert_eq!(status, 429);
            assert!(d <= Duration::from_secs(3) && d > Duration::ZERO, "{d:?}");
            assert!(m.contains("not sent"), "{m}");
        }
        other => panic!("expected a local Retry-After refusal, got {other:?}"),
    }
    assert_eq!(server.count(), 1, "the refused request reached the server");

    // Opting out sends it (and gets the venue's 429 again).
    let eager = RestClient::builder(Venue::Binance, server.url())
        .respect_retry_after(false)
        .build()
        .unwrap();
    eager.get("/a").send().await.unwrap_err();
    eager.get("/b").send().await.unwrap_err();
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn http_418_is_a_ban() {
    let server = Server::always(
        Canned::new(
            418,
            r#"{"code":-1003,"msg":"Way too many requests; IP banned until 1659146454123."}"#,
        )
        .header("Retry-After", "120"),
    )
    .await;
    let err = client(&server)
        .get("/api/v3/depth")
        .send()
        .await
        .unwrap_err();
    match &err {
        RestError::RateLimited {
            status,
            retry_after,
            banned,
            message,
            ..
        } => {
            assert_eq!(*status, 418);
            assert_eq!(*retry_after, Some(Duration::from_secs(120)));
            assert!(*banned);
            assert!(
                message
                    .as_deref()
                    .is_some_and(|m| m.contains("banned until"))
            );
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(err.is_rate_limited());
    assert_eq!(
        tradewire_core::Error::from(err),
        tradewire_core::Error::RateLimited {
            venue: Venue::Binance,
            retry_after_ms: Some(120_000)
        }
    );
}

#[tokio::test]
async fn http_5xx_is_http_error_with_short_excerpt() {
    let html = format!("<html><body>{}</body></html>", "x".repeat(5000));
    let server = Server::always(Canned::new(503, html.clone())).await;
    let err = client(&server)
        .get("/api/v3/ping")
        .send()
        .await
        .unwrap_err();
    match err {
        RestError::Http {
            status,
            code,
            message,
            body_excerpt,
        } => {
            assert_eq!(status, 503);
            assert_eq!(code, None);
            assert_eq!(message, "Service Unavailable");
            assert!(body_excerpt.starts_with("<html><body>xxx"));
            assert!(body_excerpt.len() <= EXCERPT_LEN + '…'.len_utf8());
            assert!(body_excerpt.len() < html.len());
        }
        other => panic!("expected Http, got {other:?}"),
    }
}

#[tokio::test]
async fn decode_error_keeps_an_excerpt() {
    let body = format!(
        "{{\"lastUpdateId\":\"oops\",\"pad\":\"{}\"}}",
        "y".repeat(4000)
    );
    let server = Server::always(Canned::new(200, body.clone())).await;
    let err = client(&server)
        .get("/api/v3/depth")
        .send_json::<Depth>()
        .await
        .unwrap_err();
    match err {
        RestError::Decode {
            what,
            message,
            excerpt,
        } => {
            assert!(what.ends_with("Depth"), "{what}");
            assert!(message.contains("invalid type"), "{message}");
            assert!(excerpt.starts_with("{\"lastUpdateId\":\"oops\""));
            assert!(excerpt.len() <= EXCERPT_LEN + '…'.len_utf8());
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = Server::always(Canned::new(200, "{}").delay(Duration::from_secs(10))).await;
    let c = RestClient::builder(Venue::Binance, server.url())
        .timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    assert_eq!(c.get("/slow").send().await.unwrap_err(), RestError::Timeout);

    // A per-request timeout overrides the client's.
    let c = RestClient::builder(Venue::Binance, server.url())
        .timeout(None)
        .build()
        .unwrap();
    let err = c
        .get("/slow")
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err, RestError::Timeout);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn weight_refusal_happens_before_sending() {
    let server = Server::always(Canned::new(200, "{}")).await;
    let limiter = weight_limiter(10);
    let c = RestClient::builder(Venue::Binance, server.url())
        .rate_limiter(limiter.clone())
        .build()
        .unwrap();

    c.get("/api/v3/depth").weight(8).send().await.unwrap();
    assert_eq!(server.count(), 1);

    let err = c.get("/api/v3/depth").weight(5).send().await.unwrap_err();
    match &err {
        RestError::LocalRateLimit { venue, error } => {
            assert_eq!(*venue, Venue::Binance);
            assert_eq!(error.kind, LimitKind::Weight);
            assert_eq!((error.used, error.limit), (13, 10));
            assert!(error.retry_after.is_some());
        }
        other => panic!("expected LocalRateLimit, got {other:?}"),
    }
    assert!(err.is_rate_limited());
    assert_eq!(server.count(), 1, "the refused request reached the server");

    // Requests without a declared weight are not counted; the window still has room for 2.
    c.get("/api/v3/time").send().await.unwrap();
    c.get("/api/v3/depth").weight(2).send().await.unwrap();
    assert_eq!(server.count(), 3);
    assert_eq!(limiter.usage().weight, Some((10, 10)));
}

#[tokio::test]
async fn used_weight_header_hook_syncs_the_limiter() {
    let server = Server::start(|req| {
        let used = if req.target.starts_with("/heavy") {
            "9"
        } else {
            "1"
        };
        Canned::new(200, "{}").header("X-MBX-USED-WEIGHT-1M", used)
    })
    .await;
    let limiter = weight_limiter(10);
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let seen = statuses.clone();
    let c = RestClient::builder(Venue::Binance, server.url())
        .rate_limiter(limiter.clone())
        .hook(UsedWeightHeaderHook::binance(limiter.clone()))
        .hook(
            move |status: StatusCode, _: &tradewire_rest::http::HeaderMap| {
                seen.lock().unwrap().push(status.as_u16())
            },
        )
        .build()
        .unwrap();

    c.get("/light").weight(1).send().await.unwrap();
    assert_eq!(limiter.usage().weight, Some((1, 10)));
    // The venue reports 9 used (other clients on the same IP): the limiter follows it.
    c.get("/heavy").weight(1).send().await.unwrap();
    assert_eq!(limiter.usage().weight, Some((9, 10)));
    let err = c.get("/light").weight(2).send().await.unwrap_err();
    assert!(matches!(err, RestError::LocalRateLimit { .. }), "{err:?}");
    assert_eq!(server.count(), 2);
    assert_eq!(*statuses.lock().unwrap(), vec![200, 200]);
}

#[tokio::test]
async fn hooks_see_error_responses_too() {
    let server = Server::always(Canned::new(
        400,
        r#"{"code":-1100,"msg":"Illegal characters"}"#,
    ))
    .await;
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let seen = statuses.clone();
    let c = RestClient::builder(Venue::Binance, server.url())
        .hook(
            move |status: StatusCode, _: &tradewire_rest::http::HeaderMap| {
                seen.lock().unwrap().push(status.as_u16())
            },
        )
        .build()
        .unwrap();
    c.get("/x").send().await.unwrap_err();
    assert_eq!(*statuses.lock().unwrap(), vec![400]);
}

#[tokio::test]
async fn signature_is_appended_to_the_exact_query_string() {
    let server = Server::always(Canned::new(200, r#"{"orderId":28}"#)).await;
    let creds = Credentials::new(BINANCE_KEY, BINANCE_SECRET);
    let signer = QueryStringSigner::hmac_sha256_hex(creds.secret.clone())
        .api_key_header("X-MBX-APIKEY", creds.api_key.clone())
        .timestamp_param("timestamp");
    let c = client(&server);
    // Builder order does not matter: signing happens at send time, after every parameter.
    c.post("/api/v3/order")
        .sign_with(&signer)
        .query(&[
            ("symbol", "LTCBTC"),
            ("side", "BUY"),
            ("type", "LIMIT"),
            ("timeInForce", "GTC"),
        ])
        .param("quantity", 1)
        .param("price", "0.1")
        .param("recvWindow", 5000)
        .timestamp_ms(1_499_827_319_559)
        .send()
        .await
        .unwrap();

    let reqs = server.requests();
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(
        reqs[0].target,
        format!(
            "/api/v3/order?symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature={BINANCE_SIG}"
        )
    );
    assert_eq!(reqs[0].header("x-mbx-apikey"), Some(BINANCE_KEY));
}

#[tokio::test]
async fn secrets_never_show_in_debug_or_errors() {
    let creds = Credentials::new(BINANCE_KEY, BINANCE_SECRET);
    let signer = QueryStringSigner::hmac_sha256_hex(ApiSecret::new(BINANCE_SECRET))
        .api_key_header("X-MBX-APIKEY", ApiKey::new(BINANCE_KEY))
        .timestamp_param("timestamp");

    // A port with nothing listening: the transport error must not echo the URL (whose query
    // carries the key and the signature).
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let builder = RestClient::builder(Venue::Binance, format!("http://{addr}"))
        .header("X-MBX-APIKEY", creds.api_key.expose_secret());
    let builder_dbg = format!("{builder:?}");
    let c = builder.build().unwrap();
    let request = c
        .get("/api/v3/account")
        .param("apiKey", BINANCE_KEY)
        .header("X-Secret", BINANCE_SECRET)
        .json(&serde_json::json!({ "secret": BINANCE_SECRET }))
        .timestamp_ms(1_499_827_319_559)
        .sign_with(&signer);
    let prepared = request.prepare().unwrap();
    let signature = prepared.query.get("signature").unwrap().to_owned();
    let request_dbg = format!("{request:?} {prepared:?} {prepared:#?}");
    let err = request.send().await.unwrap_err();
    assert!(matches!(err, RestError::Transport(_)), "{err:?}");

    let texts = [
        format!("{c:?}"),
        format!("{c:#?}"),
        builder_dbg,
        request_dbg,
        format!("{signer:?}"),
        format!("{creds:?}"),
        format!("{err:?}"),
        err.to_string(),
        tradewire_core::Error::from(err).to_string(),
    ];
    for text in texts {
        for secret in [BINANCE_KEY, BINANCE_SECRET, signature.as_str()] {
            assert!(!text.contains(secret), "leaked {secret:?} in {text}");
        }
    }
}
