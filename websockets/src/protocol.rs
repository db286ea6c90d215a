//! Venue hooks the supervisor calls: text heartbeats, frames answered on the socket task, and
//! the replay after a reconnect.

use crate::frame::Frame;

/// What to do with an inbound frame before it is queued for the consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intercept {
    /// Queue it for the consumer (the default).
    Pass,
    /// Answer it at once with this frame and do not queue it (e.g. HTX `{"ping":n}` →
    /// `{"pong":n}`). Answered on the socket task, so a slow consumer never delays it.
    Reply(Frame),
    /// Swallow it (e.g. the venue's pong to our text ping): it only proves liveness.
    Swallow,
}

/// A venue's connection-level protocol. Every method has a neutral default.
pub trait Protocol: Send + Sync + 'static {
    /// The venue's application-level ping, sent every `ping_interval` (e.g. OKX `"ping"`,
    /// Bybit `{"op":"ping"}`). In browsers this is the only heartbeat there is.
    fn ping_frame(&self) -> Option<Frame> {
        None
    }

    /// Inspects each inbound data frame on the socket task. Keep it cheap: it runs for every
    /// frame.
    fn intercept(&self, _frame: &Frame) -> Intercept {
        Intercept::Pass
    }

    /// Whether [`intercept`](Self::intercept) needs to see frames at all. Read once per
    /// connection; protocols that never intercept return `false` and save a call per frame.
    fn intercepts(&self) -> bool {
        true
    }

    /// Frames sent first on every new connection, before the tracked subscriptions and before
    /// queued sends: typically authentication. Called afresh each time (signatures carry
    /// timestamps).
    fn on_connect_frames(&self) -> Vec<Frame> {
        Vec::new()
    }
}

/// The protocol with no venue hooks.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProtocol;

impl Protocol for NoProtocol {
    fn intercepts(&self) -> bool {
        false
    }
}
