//! Frames: the unit a [`WsMessage`](crate::WsMessage) codec encodes to and decodes from.

use bytes::Bytes;

use crate::platform::TextRepr;

/// The UTF-8 payload of a text frame.
///
/// Natively this is the transport's own buffer (no copy between the socket and the codec); in the
/// browser it is the `String` the `MessageEvent` carried.
#[derive(Clone, PartialEq, Eq)]
pub struct Text(pub(crate) TextRepr);

impl Text {
    /// The text as a borrowed `&str`: codecs parse from this without copying.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_str().len()
    }

    /// True when the frame carries no text.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(TextRepr::from(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(TextRepr::from(s))
    }
}

/// One WebSocket data frame (a complete message: fragments are reassembled by the transport).
///
/// Control frames (ping, pong, close) never reach codecs: the connection handles them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A text frame.
    Text(Text),
    /// A binary frame (gzip-compressed JSON for HTX, protobuf for MEXC, ...).
    Binary(Bytes),
}

impl Frame {
    /// A text frame.
    pub fn text(s: impl Into<Text>) -> Self {
        Frame::Text(s.into())
    }

    /// A binary frame.
    pub fn binary(b: impl Into<Bytes>) -> Self {
        Frame::Binary(b.into())
    }

    /// The text, when this is a text frame.
    #[inline]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Frame::Text(t) => Some(t.as_str()),
            Frame::Binary(_) => None,
        }
    }

    /// The raw payload bytes (UTF-8 for text frames).
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Frame::Text(t) => t.as_str().as_bytes(),
            Frame::Binary(b) => b,
        }
    }

    /// Payload length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// True for an empty payload.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True for a binary frame.
    pub fn is_binary(&self) -> bool {
        matches!(self, Frame::Binary(_))
    }

    /// A short, printable excerpt of the payload for error messages and logs: at most `max`
    /// characters of text (cut on a character boundary), or a hex dump of the first bytes of a
    /// binary frame.
    pub fn excerpt(&self, max: usize) -> String {
        match self {
            Frame::Text(t) => tradewire_core::bounded_str(t.as_str(), max),
            Frame::Binary(b) => {
                let shown = b.len().min(max / 2);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let mut out = String::with_capacity(shown * 2 + 24);
                for byte in &b[..shown] {
                    out.push(char::from(HEX[usize::from(byte >> 4)]));
                    out.push(char::from(HEX[usize::from(byte & 0xf)]));
                }
                if shown < b.len() {
                    out.push_str(&format!("… ({} bytes)", b.len()));
                }
                format!("binary:{out}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_frames_expose_str_and_bytes() {
        let f = Frame::text("héllo");
        assert_eq!(f.as_text(), Some("héllo"));
        assert_eq!(f.as_bytes(), "héllo".as_bytes());
        assert_eq!(f.len(), 6);
        assert!(!f.is_binary());
    }

    #[test]
    fn excerpt_cuts_on_char_boundary() {
        let f = Frame::text("ééééé");
        assert_eq!(f.excerpt(2), "éé… (10 bytes)");
        assert_eq!(f.excerpt(10), "ééééé");
    }

    #[test]
    fn binary_excerpt_is_hex() {
        let f = Frame::binary(vec![0x1f, 0x8b, 0x08, 0x00]);
        assert_eq!(f.excerpt(4), "binary:1f8b… (4 bytes)");
        assert_eq!(f.excerpt(100), "binary:1f8b0800");
        assert!(f.is_binary());
    }
}
