//! The codec trait every venue implements for its frames.

use crate::error::DecodeError;
use crate::frame::Frame;

/// A venue's WebSocket message type and its codec.
///
/// `decode` is called on the consumer's task, once per inbound data frame, and should parse in one
/// pass from the borrowed text (`frame.as_text()`) or bytes. It returns `Ok(None)` for frames that
/// carry nothing for the user (a pong, a subscription acknowledgement the client tracks itself).
///
/// ```
/// use tradewire_websockets::{DecodeError, Frame, WsMessage};
///
/// #[derive(Debug, PartialEq)]
/// struct Pong;
///
/// impl WsMessage for Pong {
///     fn encode(&self) -> Frame {
///         Frame::text("pong")
///     }
///     fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError> {
///         match frame.as_text() {
///             Some("pong") => Ok(Some(Pong)),
///             Some("heartbeat") => Ok(None),
///             _ => Err(DecodeError::new("expected pong", frame)),
///         }
///     }
/// }
///
/// assert_eq!(Pong::decode(&Frame::text("pong")).unwrap(), Some(Pong));
/// assert!(Pong::decode(&Frame::text("nope")).is_err());
/// ```
pub trait WsMessage: Sized + Send + 'static {
    /// Encodes an outbound message as one frame.
    fn encode(&self) -> Frame;

    /// Decodes one inbound frame. `Ok(None)` = nothing to deliver.
    fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError>;

    /// Decodes a frame the caller no longer needs; the default borrows it for
    /// [`decode`](Self::decode). Message types that can take the frame's buffer override it (the
    /// raw [`Frame`] type does, so raw streams cost no copy).
    fn decode_owned(frame: Frame) -> Result<Option<Self>, DecodeError> {
        Self::decode(&frame)
    }

    /// A key identifying this message across connections (e.g. a hash of channel + trade id or
    /// update id). While a connection is being renewed make-before-break, both the old and the new
    /// connection deliver the same data; messages whose key was already delivered are dropped.
    /// `None` (the default) means the message is never deduplicated.
    fn dedupe_key(&self) -> Option<u64> {
        None
    }
}

/// Raw frames are a valid message type: the stream yields every data frame unchanged.
impl WsMessage for Frame {
    fn encode(&self) -> Frame {
        self.clone()
    }

    fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError> {
        Ok(Some(frame.clone()))
    }

    fn decode_owned(frame: Frame) -> Result<Option<Self>, DecodeError> {
        Ok(Some(frame))
    }
}

/// Text-only streams: binary frames are a decode error.
impl WsMessage for String {
    fn encode(&self) -> Frame {
        Frame::text(self.as_str())
    }

    fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError> {
        match frame.as_text() {
            Some(t) => Ok(Some(t.to_owned())),
            None => Err(DecodeError::new(
                "binary frame on a text-only stream",
                frame,
            )),
        }
    }
}
