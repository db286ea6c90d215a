//! Native transport: tokio + tokio-tungstenite + rustls (ring provider, webpki roots).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig as TungsteniteConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Message};
use tokio_tungstenite::tungstenite::{self, Utf8Bytes};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::Incoming;
use crate::config::WebSocketConfig;
use crate::error::WsError;
use crate::frame::{Frame, Text};

/// Text payload representation: tungstenite's shared UTF-8 buffer (zero-copy from the socket).
pub(crate) type TextRepr = Utf8Bytes;

/// Native sockets send protocol pings.
pub(crate) const PROTOCOL_PING: bool = true;

/// Futures the supervisor boxes must be `Send` to run on tokio's scheduler.
pub(crate) type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Runs a task in the background.
pub(crate) fn spawn<F>(fut: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(fut);
}

/// Waits `d`.
pub(crate) async fn sleep(d: Duration) {
    tokio::time::sleep(d).await
}

fn tls_config() -> Result<Arc<rustls::ClientConfig>, WsError> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots =
                rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map(|b| Arc::new(b.with_root_certificates(roots).with_no_client_auth()))
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| WsError::Connect(format!("TLS setup: {e}")))
}

type Stream = WebSocketStream<Prefixed<MaybeTlsStream<tokio::net::TcpStream>>>;

/// One established native WebSocket.
pub(crate) struct Socket {
    ws: Stream,
    max_message_size: usize,
}

/// Largest HTTP response head accepted during the upgrade.
const MAX_HANDSHAKE_RESPONSE: usize = 16 * 1024;

/// Opens a WebSocket to `config.url` (ws:// or wss://) with the configured size limits and
/// handshake headers. The caller applies the connect timeout.
///
/// The HTTP upgrade is done here rather than by tungstenite's client handshake so that the
/// frame reader starts with a read buffer of `read_buffer_size` bytes: tungstenite builds the
/// reader of a handshaked client from the handshake's leftover bytes, and a buffer made that way
/// falls back to small reads once decoded frames (which share the buffer, zero-copy) are still
/// held by the consumer. Bytes the server sent right after its `101` response are replayed
/// through [`Prefixed`].
pub(crate) async fn connect(config: &WebSocketConfig) -> Result<Socket, WsError> {
    let invalid = |message: String| WsError::InvalidUrl {
        url: config.url.clone(),
        message,
    };
    let mut request = config
        .url
        .as_str()
        .into_client_request()
        .map_err(|e| invalid(e.to_string()))?;
    for (name, value) in &config.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        let value = HeaderValue::from_str(value).map_err(|e| invalid(e.to_string()))?;
        request.headers_mut().append(name, value);
    }
    let uri = request.uri().clone();
    let tls = match uri.scheme_str() {
        Some("wss") => true,
        Some("ws") => false,
        other => return Err(invalid(format!("unsupported scheme {other:?}"))),
    };
    let host = uri
        .host()
        .ok_or_else(|| invalid("no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| WsError::Connect(format!("{host}:{port}: {e}")))?;
    let _ = tcp.set_nodelay(true);
    let mut stream = if tls {
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| invalid(format!("server name {host:?}: {e}")))?;
        let tls = tokio_rustls::TlsConnector::from(tls_config()?)
            .connect(name, tcp)
            .await
            .map_err(|e| WsError::Connect(format!("TLS with {host}: {e}")))?;
        MaybeTlsStream::Rustls(tls)
    } else {
        MaybeTlsStream::Plain(tcp)
    };

    let key = generate_key();
    let head = request_head(&request, &key);
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| WsError::Connect(format!("sending the upgrade request: {e}")))?;
    let (response_len, buffered) = read_response_head(&mut stream).await?;
    check_response(&buffered[..response_len], &key)?;
    let leftover = bytes::Bytes::copy_from_slice(&buffered[response_len..]);

    let ws_config = TungsteniteConfig::default()
        .read_buffer_size(config.read_buffer_size)
        .write_buffer_size(0)
        .max_message_size(Some(config.max_message_size))
        .max_frame_size(Some(config.max_frame_size));
    let ws = WebSocketStream::from_raw_socket(
        Prefixed {
            prefix: leftover,
            inner: stream,
            margin: config.read_buffer_size / 16,
        },
        Role::Client,
        Some(ws_config),
    )
    .await;
    Ok(Socket {
        ws,
        max_message_size: config.max_message_size,
    })
}

/// The HTTP/1.1 upgrade request (RFC 6455 section 4.1).
fn request_head(
    request: &tokio_tungstenite::tungstenite::handshake::client::Request,
    key: &str,
) -> String {
    let uri = request.uri();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let host = match (uri.host(), uri.port_u16()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => String::new(),
    };
    let mut head = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n"
    );
    for (name, value) in request.headers() {
        let reserved = [
            "host",
            "connection",
            "upgrade",
            "sec-websocket-version",
            "sec-websocket-key",
        ];
        if reserved.contains(&name.as_str()) {
            continue;
        }
        if let Ok(value) = value.to_str() {
            head.push_str(name.as_str());
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
    }
    head.push_str("\r\n");
    head
}

/// Reads until the end of the response head; returns its length and everything read.
async fn read_response_head<S: AsyncRead + Unpin>(
    stream: &mut S,
) -> Result<(usize, Vec<u8>), WsError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| WsError::Connect(format!("reading the upgrade response: {e}")))?;
        if n == 0 {
            return Err(WsError::Connect(
                "connection closed during the upgrade".into(),
            ));
        }
        let searched_from = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf[searched_from..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
        {
            return Ok((searched_from + pos + 4, buf));
        }
        if buf.len() > MAX_HANDSHAKE_RESPONSE {
            return Err(WsError::Connect("upgrade response head too large".into()));
        }
    }
}

/// Checks the `101 Switching Protocols` response and its `Sec-WebSocket-Accept`.
fn check_response(head: &[u8], key: &str) -> Result<(), WsError> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(WsError::Connect("incomplete upgrade response".into()));
        }
        Err(e) => return Err(WsError::Connect(format!("invalid upgrade response: {e}"))),
    }
    let code = response.code.unwrap_or(0);
    if code != 101 {
        return Err(WsError::Connect(format!(
            "HTTP {code} {}: the server did not switch to WebSocket",
            response.reason.unwrap_or("")
        )));
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
    };
    let upgrade_ok = header("upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let connection_ok = header("connection").is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
    });
    if !upgrade_ok || !connection_ok {
        return Err(WsError::Connect(
            "upgrade response lacks Upgrade/Connection headers".into(),
        ));
    }
    if header("sec-websocket-accept").as_deref() != Some(derive_accept_key(key.as_bytes()).as_str())
    {
        return Err(WsError::Connect(
            "wrong Sec-WebSocket-Accept in the upgrade response".into(),
        ));
    }
    Ok(())
}

/// A stream that first yields `prefix` (bytes read past the HTTP response), then `inner`, and
/// never fills the reader's buffer to the last `margin` bytes.
///
/// Why the margin: tungstenite reserves room for a frame's whole payload beyond the bytes it
/// holds before splitting the frame off, and our frames are zero-copy slices of its buffer that
/// the consumer still holds, so the buffer is never unique. A read that fills the buffer to the
/// brim therefore makes the next frame reallocate it and copy everything not yet parsed (about
/// a buffer's worth per read: 60 instructions per 200-byte frame). With `margin` bytes kept
/// free, frames up to `margin` bytes are split off in place, and only the partial frame at the
/// end is ever copied.
pub(crate) struct Prefixed<S> {
    prefix: bytes::Bytes,
    inner: S,
    margin: usize,
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if !self.prefix.is_empty() {
            let n = self.prefix.len().min(buf.remaining());
            let head = self.prefix.split_to(n);
            buf.put_slice(&head);
            return Poll::Ready(Ok(()));
        }
        let remaining = buf.remaining();
        if remaining <= 2 * self.margin {
            return Pin::new(&mut self.inner).poll_read(cx, buf);
        }
        // Leave `margin` bytes of the reader's buffer free (see `Prefixed`). The region is
        // initialized already (tungstenite reads into a zeroed slice), so this costs nothing.
        let mut limited = ReadBuf::new(buf.initialize_unfilled_to(remaining - self.margin));
        match Pin::new(&mut self.inner).poll_read(cx, &mut limited) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        let filled = limited.filled().len();
        buf.advance(filled);
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl Socket {
    /// Next inbound item; `None` when the stream ended. Cancel-safe.
    pub(crate) async fn recv(&mut self) -> Option<Result<Incoming, WsError>> {
        let item = self.ws.next().await?;
        Some(self.map(item))
    }

    /// An inbound item that is already buffered, without waiting.
    pub(crate) fn try_recv(&mut self) -> Option<Result<Incoming, WsError>> {
        // Polled with a no-op waker: the caller's next `recv` registers the task's waker again.
        let mut cx = Context::from_waker(futures::task::noop_waker_ref());
        match self.ws.poll_next_unpin(&mut cx) {
            Poll::Ready(Some(item)) => Some(self.map(item)),
            _ => None,
        }
    }

    fn map(&self, item: Result<Message, tungstenite::Error>) -> Result<Incoming, WsError> {
        match item {
            Ok(Message::Text(t)) => Ok(Incoming::Data(Frame::Text(Text(t)))),
            Ok(Message::Binary(b)) => Ok(Incoming::Data(Frame::Binary(b))),
            Ok(Message::Ping(_)) | Ok(Message::Pong(_)) | Ok(Message::Frame(_)) => {
                Ok(Incoming::Control)
            }
            Ok(Message::Close(frame)) => Ok(match frame {
                Some(f) => Incoming::Close {
                    code: u16::from(f.code),
                    reason: f.reason.to_string(),
                },
                None => Incoming::Close {
                    code: 1005,
                    reason: String::new(),
                },
            }),
            Err(tungstenite::Error::Capacity(e)) => Err(WsError::FrameTooLarge {
                size: match e {
                    tungstenite::error::CapacityError::MessageTooLong { size, .. } => size,
                    _ => self.max_message_size,
                },
                limit: self.max_message_size,
            }),
            Err(e) => Err(WsError::Transport(e.to_string())),
        }
    }

    /// Writes one data frame and flushes it.
    pub(crate) async fn send(&mut self, frame: Frame) -> Result<(), WsError> {
        let msg = match frame {
            Frame::Text(t) => Message::Text(t.0),
            Frame::Binary(b) => Message::Binary(b),
        };
        self.ws
            .send(msg)
            .await
            .map_err(|e| WsError::SendFailed(e.to_string()))
    }

    /// Writes a protocol ping.
    pub(crate) async fn ping(&mut self) -> Result<(), WsError> {
        self.ws
            .send(Message::Ping(Default::default()))
            .await
            .map_err(|e| WsError::SendFailed(e.to_string()))
    }

    /// Graceful close: sends a close frame and waits briefly for the peer's answer.
    pub(crate) async fn close(mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        let closing = async {
            if self.ws.close(Some(frame)).await.is_ok() {
                while let Some(Ok(_)) = self.ws.next().await {}
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(2), closing).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads once from `p` into a buffer of `size` bytes; the number of bytes read.
    async fn read_once(p: &mut Prefixed<&[u8]>, size: usize) -> usize {
        let mut buf = vec![0u8; size];
        p.read(&mut buf).await.unwrap_or(0)
    }

    #[tokio::test]
    async fn prefix_first_then_reads_that_leave_the_margin_free() {
        let data = vec![7u8; 100_000];
        let mut p = Prefixed {
            prefix: bytes::Bytes::from_static(b"abc"),
            inner: &data[..],
            margin: 1024,
        };
        assert_eq!(read_once(&mut p, 16 * 1024).await, 3, "the prefix alone");
        assert_eq!(
            read_once(&mut p, 16 * 1024).await,
            15 * 1024,
            "margin left free"
        );
        // A buffer at most twice the margin is filled: a read never asks for nothing.
        assert_eq!(read_once(&mut p, 2048).await, 2048);
        assert_eq!(read_once(&mut p, 100).await, 100);
        let mut rest = Vec::new();
        p.read_to_end(&mut rest).await.unwrap_or(0);
        assert_eq!(
            3 + 15 * 1024 + 2048 + 100 + rest.len(),
            100_003,
            "nothing lost"
        );
    }
}
