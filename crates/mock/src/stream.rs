//! The transport under every mock WebSocket: a `TcpStream` that
//!
//! * first replays the bytes the server already read while sniffing the HTTP request head
//!   (so the same socket can be routed to the WebSocket handshake or to the HTTP responder), and
//! * can swallow incoming protocol Ping frames before tungstenite sees them. tungstenite always
//!   queues an automatic Pong for every Ping it reads and offers no switch to turn that off, so
//!   `Behaviour::answer_pings = false` is implemented one layer below it, on the raw bytes.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::server::Inner;

/// Socket wrapper used for every accepted connection.
pub(crate) struct MockStream {
    tcp: TcpStream,
    prefix: Vec<u8>,
    prefix_pos: usize,
    /// Frame parsing starts only once the HTTP handshake is over.
    filter_active: bool,
    /// When false, complete Ping frames are removed from the inbound byte stream and counted.
    answer_pings: bool,
    filter: FrameFilter,
    inner: Arc<Inner>,
}

impl MockStream {
    pub(crate) fn new(
        tcp: TcpStream,
        prefix: Vec<u8>,
        inner: Arc<Inner>,
        answer_pings: bool,
    ) -> Self {
        Self {
            tcp,
            prefix,
            prefix_pos: 0,
            filter_active: false,
            answer_pings,
            filter: FrameFilter::default(),
            inner,
        }
    }

    /// Starts parsing inbound WebSocket frames (call right after the handshake).
    pub(crate) fn activate_filter(&mut self) {
        self.filter_active = true;
        // Free the replayed request head once it has been consumed. (Anything a client sent
        // before the 101 response is still replayed, unfiltered.)
        if self.prefix_pos >= self.prefix.len() {
            self.prefix = Vec::new();
            self.prefix_pos = 0;
        }
    }

    /// Whether protocol pings are left to tungstenite (which answers them).
    pub(crate) fn set_answer_pings(&mut self, answer: bool) {
        self.answer_pings = answer;
    }
}

impl AsyncRead for MockStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(rest) = this.prefix.get(this.prefix_pos..) {
            if !rest.is_empty() {
                let n = rest.len().min(buf.remaining());
                if let Some(chunk) = rest.get(..n) {
                    buf.put_slice(chunk);
                }
                this.prefix_pos += n;
                return Poll::Ready(Ok(()));
            }
        }
        loop {
            let before = buf.filled().len();
            ready!(Pin::new(&mut this.tcp).poll_read(cx, buf))?;
            let after = buf.filled().len();
            if after == before || !this.filter_active {
                // EOF, or still in the handshake.
                return Poll::Ready(Ok(()));
            }
            let swallow = !this.answer_pings;
            let (kept, swallowed) = match buf.filled_mut().get_mut(before..after) {
                Some(fresh) => this.filter.process(fresh, swallow),
                None => (after - before, 0),
            };
            if swallowed > 0 {
                this.inner.count_pings(swallowed);
            }
            if kept == after - before {
                return Poll::Ready(Ok(()));
            }
            buf.set_filled(before + kept);
            if kept > 0 {
                return Poll::Ready(Ok(()));
            }
            // Everything read was a swallowed ping: read again (returning zero bytes would mean EOF).
        }
    }
}

impl AsyncWrite for MockStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

/// Incremental parser of inbound (client to server) WebSocket frame boundaries. It never
/// decodes payloads; it only knows where each frame starts and ends so it can cut out whole
/// Ping frames. Malformed input is passed through (or, inside a cut frame, discarded) without
/// panicking: tungstenite reports the protocol error.
#[derive(Debug, Default)]
struct FrameFilter {
    header: [u8; 14],
    header_len: usize,
    header_need: usize,
    payload_left: u64,
    in_payload: bool,
    dropping: bool,
}

const OPCODE_PING: u8 = 0x9;

impl FrameFilter {
    /// Processes freshly read bytes in place. Returns how many bytes were kept (compacted to the
    /// front of `data`) and how many Ping frames were completely swallowed.
    fn process(&mut self, data: &mut [u8], swallow_pings: bool) -> (usize, usize) {
        let len = data.len();
        let mut read = 0;
        let mut write = 0;
        let mut swallowed = 0;
        while read < len {
            if self.in_payload {
                let avail = len - read;
                let n = usize::try_from(self.payload_left).map_or(avail, |left| left.min(avail));
                if !self.dropping {
                    if write != read {
                        data.copy_within(read..read + n, write);
                    }
                    write += n;
                }
                read += n;
                self.payload_left -= n as u64;
                if self.payload_left == 0 {
                    swallowed += self.end_frame();
                }
                continue;
            }
            let Some(&byte) = data.get(read) else { break };
            read += 1;
            if self.header_len == 0 {
                // FIN + Ping: a complete control frame (control frames are never fragmented).
                self.dropping = swallow_pings && byte & 0x0F == OPCODE_PING && byte & 0x80 != 0;
                self.header_need = 2;
            }
            if !self.dropping {
                if let Some(slot) = data.get_mut(write) {
                    *slot = byte;
                }
                write += 1;
            }
            if let Some(slot) = self.header.get_mut(self.header_len) {
                *slot = byte;
            }
            self.header_len += 1;
            if self.header_len == 2 {
                let ext = match byte & 0x7F {
                    126 => 2,
                    127 => 8,
                    _ => 0,
                };
                let mask = if byte & 0x80 != 0 { 4 } else { 0 };
                self.header_need = 2 + ext + mask;
            }
            if self.header_len >= self.header_need {
                self.payload_left = self.payload_len();
                if self.payload_left == 0 {
                    swallowed += self.end_frame();
                } else {
                    self.in_payload = true;
                }
            }
        }
        (write, swallowed)
    }

    fn payload_len(&self) -> u64 {
        let h = &self.header;
        match h[1] & 0x7F {
            126 => u64::from(u16::from_be_bytes([h[2], h[3]])),
            127 => u64::from_be_bytes([h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9]]),
            n => u64::from(n),
        }
    }

    /// Resets for the next frame; returns 1 if the finished frame was a swallowed ping.
    fn end_frame(&mut self) -> usize {
        let swallowed = usize::from(self.dropping);
        *self = Self::default();
        swallowed
    }
}

#[cfg(test)]
mod tests {
    use super::FrameFilter;

    /// A masked client frame (mask key 1,2,3,4) with the given first byte and payload.
    fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![first];
        let len = payload.len();
        if len < 126 {
            out.push(0x80 | len as u8);
        } else if len <= 0xFFFF {
            out.push(0x80 | 126);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            out.push(0x80 | 127);
            out.extend_from_slice(&(len as u64).to_be_bytes());
        }
        let key = [1u8, 2, 3, 4];
        out.extend_from_slice(&key);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        out
    }

    fn run_split(input: &[u8], chunk: usize, swallow: bool) -> (Vec<u8>, usize) {
        let mut filter = FrameFilter::default();
        let mut out = Vec::new();
        let mut pings = 0;
        for part in input.chunks(chunk) {
            let mut buf = part.to_vec();
            let (kept, swallowed) = filter.process(&mut buf, swallow);
            out.extend_from_slice(&buf[..kept]);
            pings += swallowed;
        }
        (out, pings)
    }

    #[test]
    fn swallows_pings_at_every_split_point() {
        let text = frame(0x81, b"hello");
        let big = frame(0x82, &vec![7u8; 300]);
        let huge = frame(0x82, &vec![9u8; 70_000]);
        let ping = frame(0x89, b"p1");
        let empty_ping = frame(0x89, b"");
        let input = [
            ping.clone(),
            text.clone(),
            empty_ping.clone(),
            big.clone(),
            ping.clone(),
            huge.clone(),
            ping.clone(),
        ]
        .concat();
        let expected = [text, big, huge].concat();
        for chunk in [1, 2, 3, 5, 7, 13, 64, 1000, input.len()] {
            let (out, pings) = run_split(&input, chunk, true);
            assert_eq!(pings, 4, "chunk {chunk}");
            assert!(out == expected, "chunk {chunk}: output differs");
        }
    }

    #[test]
    fn passes_everything_through_when_not_swallowing() {
        let input = [frame(0x89, b"x"), frame(0x81, b"abc"), frame(0x8A, b"pong")].concat();
        let (out, pings) = run_split(&input, 3, false);
        assert_eq!(pings, 0);
        assert_eq!(out, input);
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut filter = FrameFilter::default();
        let mut junk: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let _ = filter.process(&mut junk, true);
        let mut ones = vec![0xFFu8; 64];
        let _ = filter.process(&mut ones, true);
    }
}
