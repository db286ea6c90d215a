//! Browser transport: the page's `WebSocket` (web-sys), binary type `arraybuffer`.
//!
//! Browsers differ from native sockets in two ways the rest of the crate accounts for:
//! - a page cannot send WebSocket protocol pings (the browser answers the server's pings itself),
//!   so liveness relies on the venue's own text heartbeat ([`Protocol::ping_frame`]) and on the
//!   idle timeout; `health()` reports [`HeartbeatMode::VenueTextPing`] or `None`;
//! - a page cannot set handshake headers, so `WebSocketConfig::headers` is ignored here.
//!
//! [`Protocol::ping_frame`]: crate::Protocol::ping_frame
//! [`HeartbeatMode::VenueTextPing`]: crate::HeartbeatMode::VenueTextPing

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use futures::channel::mpsc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

use super::Incoming;
use crate::config::WebSocketConfig;
use crate::error::WsError;
use crate::frame::{Frame, Text};

/// Text payload representation: the `String` the browser handed over.
pub(crate) type TextRepr = String;

/// Browsers cannot send protocol pings.
pub(crate) const PROTOCOL_PING: bool = false;

/// Browser futures are single-threaded.
pub(crate) type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + 'static>>;

/// Runs a task on the page's event loop.
pub(crate) fn spawn<F>(fut: F)
where
    F: Future<Output = ()> + 'static,
{
    wasm_bindgen_futures::spawn_local(fut);
}

/// Waits `d` (a JS timer).
pub(crate) async fn sleep(d: Duration) {
    let ms = d.as_millis().min(u128::from(u32::MAX)) as u32;
    gloo_timers::future::TimeoutFuture::new(ms).await
}

enum Event_ {
    Open,
    Item(Result<Incoming, WsError>),
}

/// One browser WebSocket and the callbacks feeding it into a channel.
pub(crate) struct Socket {
    ws: WebSocket,
    rx: mpsc::UnboundedReceiver<Event_>,
    on_open: Closure<dyn FnMut(Event)>,
    on_message: Closure<dyn FnMut(MessageEvent)>,
    on_close: Closure<dyn FnMut(CloseEvent)>,
    on_error: Closure<dyn FnMut(Event)>,
}

fn js_text(v: &wasm_bindgen::JsValue) -> String {
    v.as_string()
        .or_else(|| {
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{v:?}"))
}

/// Opens a WebSocket to `config.url` and waits for the `open` event.
pub(crate) async fn connect(config: &WebSocketConfig) -> Result<Socket, WsError> {
    let ws = WebSocket::new(&config.url).map_err(|e| WsError::InvalidUrl {
        url: config.url.clone(),
        message: js_text(&e),
    })?;
    ws.set_binary_type(BinaryType::Arraybuffer);
    let (tx, rx) = mpsc::unbounded::<Event_>();
    let max = config.max_message_size;

    let open_tx = tx.clone();
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
        let _ = open_tx.unbounded_send(Event_::Open);
    });
    let msg_tx = tx.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        let item = if let Some(text) = data.as_string() {
            if text.len() > max {
                Err(WsError::FrameTooLarge {
                    size: text.len(),
                    limit: max,
                })
            } else {
                Ok(Incoming::Data(Frame::Text(Text(text))))
            }
        } else if let Some(buf) = data.dyn_ref::<js_sys::ArrayBuffer>() {
            let len = buf.byte_length() as usize;
            if len > max {
                Err(WsError::FrameTooLarge {
                    size: len,
                    limit: max,
                })
            } else {
                Ok(Incoming::Data(Frame::binary(
                    js_sys::Uint8Array::new(buf).to_vec(),
                )))
            }
        } else {
            Err(WsError::Transport("unsupported message payload".into()))
        };
        let _ = msg_tx.unbounded_send(Event_::Item(item));
    });
    let close_tx = tx.clone();
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
        let _ = close_tx.unbounded_send(Event_::Item(Ok(Incoming::Close {
            code: e.code(),
            reason: e.reason(),
        })));
    });
    // The `error` event is a plain `Event` without details; a `close` event follows it.
    let on_error = Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
        let _ = tx.unbounded_send(Event_::Item(Err(WsError::Transport(
            "websocket error event".into(),
        ))));
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let mut socket = Socket {
        ws,
        rx,
        on_open,
        on_message,
        on_close,
        on_error,
    };
    match socket.rx.next().await {
        Some(Event_::Open) => Ok(socket),
        Some(Event_::Item(Ok(Incoming::Close { code, reason }))) => Err(WsError::Connect(format!(
            "closed during handshake (code {code}: {reason})"
        ))),
        Some(Event_::Item(Err(e))) => Err(WsError::Connect(e.to_string())),
        _ => Err(WsError::Connect("socket ended during handshake".into())),
    }
}

impl Socket {
    fn map(event: Event_) -> Option<Result<Incoming, WsError>> {
        match event {
            Event_::Open => Some(Ok(Incoming::Control)),
            Event_::Item(item) => Some(item),
        }
    }

    /// Next inbound item; `None` when the socket is gone. Cancel-safe.
    pub(crate) async fn recv(&mut self) -> Option<Result<Incoming, WsError>> {
        Self::map(self.rx.next().await?)
    }

    /// An inbound item already received, without waiting.
    pub(crate) fn try_recv(&mut self) -> Option<Result<Incoming, WsError>> {
        match self.rx.try_recv() {
            Ok(event) => Self::map(event),
            Err(_) => None,
        }
    }

    /// Sends one data frame.
    pub(crate) async fn send(&mut self, frame: Frame) -> Result<(), WsError> {
        let r = match &frame {
            Frame::Text(t) => self.ws.send_with_str(t.as_str()),
            Frame::Binary(b) => self.ws.send_with_u8_array(b),
        };
        r.map_err(|e| WsError::SendFailed(js_text(&e)))
    }

    /// Browsers cannot send protocol pings; never called (see `PROTOCOL_PING`).
    pub(crate) async fn ping(&mut self) -> Result<(), WsError> {
        Ok(())
    }

    /// Graceful close: close frame, then wait briefly for the `close` event.
    pub(crate) async fn close(mut self, code: u16, reason: &str) {
        if self.ws.close_with_code_and_reason(code, reason).is_ok() {
            let wait_close = async {
                while let Some(event) = self.rx.next().await {
                    if matches!(event, Event_::Item(Ok(Incoming::Close { .. }))) {
                        break;
                    }
                }
            };
            futures::pin_mut!(wait_close);
            let timer = sleep(Duration::from_secs(2));
            futures::pin_mut!(timer);
            futures::future::select(wait_close, timer).await;
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Detach the callbacks before the closures are freed, then close the socket.
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let state = self.ws.ready_state();
        if state == WebSocket::CONNECTING || state == WebSocket::OPEN {
            let _ = self.ws.close();
        }
        let _ = (
            &self.on_open,
            &self.on_message,
            &self.on_close,
            &self.on_error,
        );
    }
}
