//! Native transport: tokio + tokio-tungstenite + rustls (ring provider, webpki roots).

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig as TungsteniteConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Message};
use tokio_tungstenite::tungstenite::{self, Utf8Bytes};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

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

type Stream = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// One established native WebSocket.
pub(crate) struct Socket {
    ws: Stream,
    max_message_size: usize,
}

/// Opens a WebSocket to `config.url` (ws:// or wss://) with the configured size limits and
/// handshake headers. The caller applies the connect timeout.
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
    let connector = if config.url.starts_with("wss:") {
        Connector::Rustls(tls_config()?)
    } else {
        Connector::Plain
    };
    let ws_config = TungsteniteConfig::default()
        .read_buffer_size(config.read_buffer_size)
        .write_buffer_size(0)
        .max_message_size(Some(config.max_message_size))
        .max_frame_size(Some(config.max_frame_size));
    let (ws, _response) = tokio_tungstenite::connect_async_tls_with_config(
        request,
        Some(ws_config),
        true,
        Some(connector),
    )
    .await
    .map_err(|e| WsError::Connect(e.to_string()))?;
    Ok(Socket {
        ws,
        max_message_size: config.max_message_size,
    })
}

impl Socket {
    /// Next inbound item; `None` when the stream ended. Cancel-safe.
    pub(crate) async fn recv(&mut self) -> Option<Result<Incoming, WsError>> {
        let item = self.ws.next().await?;
        Some(self.map(item))
    }

    /// An inbound item that is already buffered, without waiting.
    pub(crate) fn try_recv(&mut self) -> Option<Result<Incoming, WsError>> {
        use futures::FutureExt;
        match self.ws.next().now_or_never() {
            Some(Some(item)) => Some(self.map(item)),
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
