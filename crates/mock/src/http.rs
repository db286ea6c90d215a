//! The plain-HTTP side of the mock server: request-head sniffing (WebSocket upgrade or not),
//! a minimal HTTP/1.1 request reader and response writer. One request per connection
//! (`Connection: close`); bodies need a `Content-Length` (chunked uploads are refused with 411).

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::server::Inner;

/// Largest accepted request head (request line + headers).
const MAX_HEAD: usize = 16 * 1024;
/// Largest accepted request body.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// An HTTP request as the mock server saw it: either a plain request for
/// [`Handler::on_http`](crate::Handler::on_http) or the upgrade request of a WebSocket
/// connection (see [`ConnCtx::request`](crate::ConnCtx::request)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Request method, e.g. `GET`.
    pub method: String,
    /// Request target as sent, query string included, e.g. `/api/v3/depth?symbol=BTCUSDT`.
    pub path: String,
    /// Header names and values in the order received (names as sent; compare case-insensitively,
    /// or use [`HttpRequest::header`]).
    pub headers: Vec<(String, String)>,
    /// Request body (empty for a WebSocket upgrade).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// Value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without its query string: `/stream` for `/stream?streams=a/b`.
    pub fn path_only(&self) -> &str {
        self.path
            .split_once('?')
            .map_or(self.path.as_str(), |(p, _)| p)
    }

    /// The raw query string without the `?`, if any: `streams=a/b` for `/stream?streams=a/b`.
    pub fn query(&self) -> Option<&str> {
        self.path.split_once('?').map(|(_, q)| q)
    }

    /// First raw (not percent-decoded) value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query()?
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    /// True when this request asks for a WebSocket upgrade.
    pub fn is_websocket_upgrade(&self) -> bool {
        self.header("upgrade")
            .is_some_and(|v| v.to_ascii_lowercase().contains("websocket"))
    }
}

/// An HTTP response produced by [`Handler::on_http`](crate::Handler::on_http) (or by
/// [`Handler::on_upgrade`](crate::Handler::on_upgrade) to refuse a WebSocket upgrade).
///
/// The server always adds `Content-Length`, `Connection: close` and
/// `Access-Control-Allow-Origin: *`, so browser (wasm) clients can call it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code, e.g. 200.
    pub status: u16,
    /// Extra headers (e.g. `Content-Type`).
    pub headers: Vec<(String, String)>,
    /// Response body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with the given status, no extra headers and an empty body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON response (`Content-Type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::new(status)
            .with_header("Content-Type", "application/json")
            .with_body(body.into().into_bytes())
    }

    /// A plain-text response (`Content-Type: text/plain; charset=utf-8`).
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::new(status)
            .with_header("Content-Type", "text/plain; charset=utf-8")
            .with_body(body.into().into_bytes())
    }

    /// `404 Not Found` with a small JSON body; the default for unknown routes.
    pub fn not_found() -> Self {
        Self::json(404, r#"{"error":"not found"}"#)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Serializes status line, headers and body.
    fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
            self.body.len()
        ));
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The bytes read while looking for the end of the request head.
pub(crate) struct Head {
    /// Everything read so far (the head and possibly the start of a body).
    pub(crate) buf: Vec<u8>,
    /// Length of the head including the final blank line.
    pub(crate) len: usize,
}

/// Reads until the end of the request head (`\r\n\r\n`). `Ok(None)`: the peer closed first.
pub(crate) async fn read_head(tcp: &mut TcpStream) -> io::Result<Option<Head>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = tcp.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        let search_from = buf.len().saturating_sub(3);
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if let Some(pos) = find(buf.get(search_from..).unwrap_or_default(), b"\r\n\r\n") {
            let len = search_from + pos + 4;
            return Ok(Some(Head { buf, len }));
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too large",
            ));
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses a request head (request line and headers; no body). `None` if malformed.
pub(crate) fn parse_head(head: &[u8]) -> Option<HttpRequest> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next().filter(|m| !m.is_empty())?.to_owned();
    let path = request_line.next().filter(|p| !p.is_empty())?.to_owned();
    let version = request_line.next()?;
    if !version.starts_with("HTTP/") {
        return None;
    }
    let mut headers = Vec::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Some(HttpRequest {
        method,
        path,
        headers,
        body: Vec::new(),
    })
}

/// Writes `response` and closes the connection.
pub(crate) async fn respond(tcp: &mut TcpStream, response: &HttpResponse) {
    let bytes = response.to_bytes();
    if let Err(e) = tcp.write_all(&bytes).await {
        tracing::debug!(error = %e, "mock http: writing response failed");
        return;
    }
    let _ = tcp.flush().await;
    let _ = tcp.shutdown().await;
}

/// Serves one plain HTTP request: reads the body, answers CORS preflights itself and hands
/// everything else to the handler.
pub(crate) async fn serve(
    inner: &Arc<Inner>,
    mut tcp: TcpStream,
    head: Head,
    mut req: HttpRequest,
) {
    if req.header("transfer-encoding").is_some() {
        respond(
            &mut tcp,
            &HttpResponse::text(411, "chunked bodies are not supported"),
        )
        .await;
        return;
    }
    let content_length = match req.header("content-length").map(|v| v.parse::<usize>()) {
        None => 0,
        Some(Ok(n)) if n <= MAX_BODY => n,
        Some(Ok(_)) => {
            respond(&mut tcp, &HttpResponse::text(413, "body too large")).await;
            return;
        }
        Some(Err(_)) => {
            respond(&mut tcp, &HttpResponse::text(400, "bad content-length")).await;
            return;
        }
    };
    let mut body = head.buf.get(head.len..).unwrap_or_default().to_vec();
    body.truncate(content_length);
    if body.len() < content_length {
        let start = body.len();
        body.resize(content_length, 0);
        if let Some(rest) = body.get_mut(start..) {
            if let Err(e) = tcp.read_exact(rest).await {
                tracing::debug!(error = %e, "mock http: reading body failed");
                return;
            }
        }
    }
    req.body = body;
    tracing::debug!(method = %req.method, path = %req.path, "mock http request");

    let response = if req.method.eq_ignore_ascii_case("OPTIONS") {
        HttpResponse::new(204)
            .with_header(
                "Access-Control-Allow-Methods",
                "GET, POST, PUT, DELETE, PATCH, OPTIONS",
            )
            .with_header("Access-Control-Allow-Headers", "*")
            .with_header("Access-Control-Max-Age", "86400")
    } else {
        inner.handler.on_http(&req)
    };
    inner.record_http(req);
    respond(&mut tcp, &response).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_request_head_and_query() {
        let head = b"GET /stream?streams=a/b&x HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nX-Key:  v \r\n\r\n";
        let req = parse_head(head).expect("parses");
        assert_eq!(req.method, "GET");
        assert_eq!(req.path, "/stream?streams=a/b&x");
        assert_eq!(req.path_only(), "/stream");
        assert_eq!(req.query(), Some("streams=a/b&x"));
        assert_eq!(req.query_param("streams"), Some("a/b"));
        assert_eq!(req.query_param("x"), Some(""));
        assert_eq!(req.query_param("y"), None);
        assert_eq!(req.header("x-key"), Some("v"));
        assert!(req.is_websocket_upgrade());
    }

    #[test]
    fn rejects_malformed_heads() {
        assert!(parse_head(b"\r\n\r\n").is_none());
        assert!(parse_head(b"GET\r\n\r\n").is_none());
        assert!(parse_head(b"GET / FTP/1\r\n\r\n").is_none());
        assert!(parse_head(b"GET / HTTP/1.1\r\nno-colon\r\n\r\n").is_none());
        assert!(parse_head(&[0xff, 0xfe, b'\r', b'\n']).is_none());
    }

    #[test]
    fn response_has_cors_and_length() {
        let bytes = HttpResponse::json(200, "{}").to_bytes();
        let text = String::from_utf8(bytes).expect("utf8");
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("Access-Control-Allow-Origin: *\r\n"));
        assert!(text.contains("Content-Length: 2\r\n"));
        assert!(text.contains("Content-Type: application/json\r\n"));
        assert!(text.ends_with("\r\n\r\n{}"));
    }
}
