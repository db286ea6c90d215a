//! The event stream of a [`BinancePublicClient`](super::BinancePublicClient): market messages
//! and connection events, with the control traffic the client handles itself taken out.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use tradewire_websockets::rpc::Notifications;
use tradewire_websockets::{Connection, DisconnectReason, WebSocketEvent, WsError};

use crate::BinanceMessage;
use crate::public::websocket::error::{StreamApiError, numeric_id};
use crate::public::websocket::protocol::{Registry, is_replay_id};
use crate::streams::StreamName;
use tradewire_core::MarketEvent;

/// What a [`BinancePublicClient`](super::BinancePublicClient) delivers.
// Market messages are nearly every event: boxing them would cost an allocation each to shrink
// the rare connection events.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PublicEvent {
    /// A market message (trade, kline, depth, ticker, …; also `serverShutdown`, after which the
    /// client renews the connection make-before-break). Never a control reply: replies go to
    /// the request that sent them.
    Message(BinanceMessage),
    /// A connection is up: the first one, or a replacement after a drop. Subscriptions are
    /// replayed on it (paced by the rate limiter) right after this event.
    Connected,
    /// The connection dropped and is being replaced; every subscription will be replayed.
    Reconnecting {
        /// 1-based attempt number since the last stable connection.
        attempt: u32,
        /// Wait before the attempt.
        delay: Duration,
        /// Why the previous connection ended (`None` when an attempt to connect failed).
        reason: Option<DisconnectReason>,
    },
    /// The client is closed for good (`disconnect()`, or reconnection gave up). The stream
    /// ends after this event.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
    },
    /// Binance refused the replay of these subscriptions on a new connection; they are no
    /// longer tracked.
    SubscriptionFailed {
        /// The streams of the refused `SUBSCRIBE`.
        streams: Vec<StreamName>,
        /// Binance's reply.
        error: StreamApiError,
    },
    /// An error reply that answers no pending request (no id, or a request that timed out).
    VenueError(StreamApiError),
    /// A transport-level problem the stream survives: an undecodable frame
    /// ([`WsError::Decode`]), messages lost to a slow consumer ([`WsError::Lagged`]), a failed
    /// connection attempt.
    Error(WsError),
}

impl PublicEvent {
    /// The normalized events of a market message (none for connection events and for messages
    /// without a normalized form).
    pub fn into_market_events(self) -> impl Iterator<Item = MarketEvent> {
        match self {
            PublicEvent::Message(m) => Some(m.into_market_events()),
            _ => None,
        }
        .into_iter()
        .flatten()
    }
}

/// Turns the transport's events into [`PublicEvent`]s.
#[derive(Debug)]
pub(crate) struct EventMapper {
    registry: Arc<Registry>,
    /// The reason of a drop, reported with the `Reconnecting` that follows it.
    dropped: Option<DisconnectReason>,
}

/// What one transport event means for the consumer.
#[derive(Debug, PartialEq)]
pub(crate) enum Mapped {
    /// Deliver this.
    Deliver(PublicEvent),
    /// Deliver this, and renew the connection (`serverShutdown`).
    DeliverAndRenew(PublicEvent),
    /// Nothing for the consumer.
    Skip,
}

impl EventMapper {
    pub(crate) fn new(registry: Arc<Registry>) -> Self {
        EventMapper {
            registry,
            dropped: None,
        }
    }

    pub(crate) fn map(&mut self, event: WebSocketEvent<BinanceMessage>) -> Mapped {
        use Mapped::{Deliver, Skip};
        match event {
            WebSocketEvent::Message(BinanceMessage::Response(r)) => {
                // Acknowledgements of replayed subscriptions, or late replies to requests that
                // gave up waiting.
                tracing::trace!(id = ?r.id, "unmatched Binance control reply");
                Skip
            }
            WebSocketEvent::Message(BinanceMessage::Error(e)) => {
                let id = e.id.as_ref().and_then(numeric_id);
                let error = StreamApiError::from(e);
                match id.filter(|id| is_replay_id(*id)) {
                    Some(id) => match self.registry.replay_failed(id) {
                        Some(streams) => {
                            tracing::warn!(%error, ?streams, "Binance refused replayed subscriptions");
                            Deliver(PublicEvent::SubscriptionFailed { streams, error })
                        }
                        None => Deliver(PublicEvent::VenueError(error)),
                    },
                    None => Deliver(PublicEvent::VenueError(error)),
                }
            }
            WebSocketEvent::Message(m @ BinanceMessage::ServerShutdown { .. }) => {
                Mapped::DeliverAndRenew(PublicEvent::Message(m))
            }
            WebSocketEvent::Message(m) => Deliver(PublicEvent::Message(m)),
            WebSocketEvent::Connected => {
                self.dropped = None;
                Deliver(PublicEvent::Connected)
            }
            WebSocketEvent::Reconnecting { attempt, delay } => Deliver(PublicEvent::Reconnecting {
                attempt,
                delay,
                reason: self.dropped.take(),
            }),
            WebSocketEvent::Disconnected { reason } => match reason {
                DisconnectReason::ClosedByUser | DisconnectReason::GaveUp { .. } => {
                    Deliver(PublicEvent::Disconnected { reason })
                }
                // A drop the client recovers from: reported with the `Reconnecting` that follows.
                other => {
                    self.dropped = Some(other);
                    Skip
                }
            },
            WebSocketEvent::Error(e) => Deliver(PublicEvent::Error(e)),
        }
    }
}

/// The stream of [`PublicEvent`]s of one client (see
/// [`BinancePublicClient::new`](super::BinancePublicClient::new)). It ends after
/// [`PublicEvent::Disconnected`].
///
/// Requests are answered whether or not this stream is polled; market messages wait for the
/// consumer in a bounded buffer and are reported as [`WsError::Lagged`] when it overflows.
pub struct PublicEvents {
    inner: Notifications<BinanceMessage>,
    mapper: EventMapper,
    conn: Connection<BinanceMessage>,
}

impl std::fmt::Debug for PublicEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicEvents")
            .field("connection", &self.conn)
            .finish_non_exhaustive()
    }
}

impl PublicEvents {
    pub(crate) fn new(
        inner: Notifications<BinanceMessage>,
        registry: Arc<Registry>,
        conn: Connection<BinanceMessage>,
    ) -> Self {
        PublicEvents {
            inner,
            mapper: EventMapper::new(registry),
            conn,
        }
    }
}

impl Stream for PublicEvents {
    type Item = PublicEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<PublicEvent>> {
        let this = &mut *self;
        loop {
            let Some(event) = std::task::ready!(Pin::new(&mut this.inner).poll_next(cx)) else {
                return Poll::Ready(None);
            };
            match this.mapper.map(event) {
                Mapped::Deliver(e) => return Poll::Ready(Some(e)),
                Mapped::DeliverAndRenew(e) => {
                    tracing::info!("Binance announced a server shutdown; renewing the connection");
                    this.conn.renew();
                    return Poll::Ready(Some(e));
                }
                Mapped::Skip => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::protocol::REPLAY_ID_BASE;
    use tradewire_websockets::{RateLimitConfig, RateLimiter};

    fn mapper() -> (EventMapper, Arc<Registry>) {
        let registry = Arc::new(Registry::new(
            Arc::new(RateLimiter::new(RateLimitConfig::default())),
            100,
        ));
        (EventMapper::new(Arc::clone(&registry)), registry)
    }

    fn msg(text: &str) -> WebSocketEvent<BinanceMessage> {
        WebSocketEvent::Message(BinanceMessage::decode_str(text).unwrap().unwrap())
    }

    #[test]
    fn acknowledgements_are_not_delivered() {
        let (mut m, _) = mapper();
        // web-socket-streams.md, "Subscribe to a stream" response; a replayed frame's ack.
        assert_eq!(m.map(msg(r#"{"result": null, "id": 1}"#)), Mapped::Skip);
        assert_eq!(
            m.map(msg(&format!(r#"{{"result":null,"id":{REPLAY_ID_BASE}}}"#))),
            Mapped::Skip
        );
    }

    #[test]
    fn market_messages_are_delivered() {
        let (mut m, _) = mapper();
        // web-socket-streams.md, "Trade Streams".
        let Mapped::Deliver(PublicEvent::Message(BinanceMessage::Trade(t))) = m.map(msg(
            r#"{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}"#,
        )) else {
            panic!()
        };
        assert_eq!(t.trade_id, 12345);
        // "Server Shutdown" (combined): delivered, and the connection is renewed.
        assert!(matches!(
            m.map(msg(
                r#"{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}"#
            )),
            Mapped::DeliverAndRenew(PublicEvent::Message(BinanceMessage::ServerShutdown {
                event_time: 1770123456789
            }))
        ));
    }

    #[test]
    fn a_refused_replay_is_reported_with_its_streams() {
        let (mut m, registry) = mapper();
        let streams: Vec<StreamName> = vec!["foousdt@trade".parse().unwrap()];
        registry.add(&streams).unwrap();
        registry.replay_frames();
        let text = format!(
            r#"{{"code":2,"msg":"Invalid request: invalid stream","id":{REPLAY_ID_BASE}}}"#
        );
        let Mapped::Deliver(PublicEvent::SubscriptionFailed { streams: s, error }) =
            m.map(msg(&text))
        else {
            panic!()
        };
        assert_eq!(s, streams);
        assert_eq!(error.code, 2);
        assert!(registry.list().is_empty());
        // web-socket-streams.md, "Error Messages": an error without id answers no request.
        assert!(matches!(
            m.map(msg(
                r#"{"code": 2, "msg": "Invalid request: request ID must be an unsigned integer"}"#
            )),
            Mapped::Deliver(PublicEvent::VenueError(StreamApiError { id: None, .. }))
        ));
    }

    #[test]
    fn a_recovered_drop_is_reported_as_reconnecting() {
        let (mut m, _) = mapper();
        assert_eq!(
            m.map(WebSocketEvent::Connected),
            Mapped::Deliver(PublicEvent::Connected)
        );
        assert_eq!(
            m.map(WebSocketEvent::Disconnected {
                reason: DisconnectReason::StreamEnded
            }),
            Mapped::Skip
        );
        assert_eq!(
            m.map(WebSocketEvent::Reconnecting {
                attempt: 1,
                delay: Duration::from_millis(5)
            }),
            Mapped::Deliver(PublicEvent::Reconnecting {
                attempt: 1,
                delay: Duration::from_millis(5),
                reason: Some(DisconnectReason::StreamEnded)
            })
        );
        assert_eq!(
            m.map(WebSocketEvent::Reconnecting {
                attempt: 2,
                delay: Duration::from_millis(10)
            }),
            Mapped::Deliver(PublicEvent::Reconnecting {
                attempt: 2,
                delay: Duration::from_millis(10),
                reason: None
            })
        );
        assert_eq!(
            m.map(WebSocketEvent::Disconnected {
                reason: DisconnectReason::ClosedByUser
            }),
            Mapped::Deliver(PublicEvent::Disconnected {
                reason: DisconnectReason::ClosedByUser
            })
        );
        let lagged = WsError::Lagged { dropped: 3 };
        assert_eq!(
            m.map(WebSocketEvent::Error(lagged.clone())),
            Mapped::Deliver(PublicEvent::Error(lagged))
        );
    }

    #[test]
    fn only_messages_have_market_events() {
        assert_eq!(PublicEvent::Connected.into_market_events().count(), 0);
        let trade = BinanceMessage::decode_str(
            r#"{"e":"trade","E":1,"s":"BNBBTC","t":1,"p":"0.001","q":"1","T":1,"m":false,"M":true}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(PublicEvent::Message(trade).into_market_events().count(), 1);
    }
}
