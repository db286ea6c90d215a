//! Connection status of a source's live streams.
//!
//! A market-data stream hides its connection: reconnects, resubscriptions and book resyncs
//! happen underneath and the stream just goes on. A dashboard or a service's health check
//! still wants to see them. Every live connection of a source reports its changes to the
//! source's [`StatusHub`]; [`StatusHub::subscribe`] yields them to anyone interested, from
//! then on. A connection is identified by a number unique within its hub.
//!
//! ```
//! use futures::{FutureExt, StreamExt};
//! use tradewire_core::status::{LinkStatus, StatusHub};
//! use tradewire_core::Venue;
//!
//! let hub = StatusHub::new(Venue::Binance);
//! let mut events = hub.subscribe();
//! let mut link = hub.link();
//! link.connected();
//! drop(link);
//! let first = events.next().now_or_never().flatten().unwrap();
//! assert_eq!(first.status, LinkStatus::Connected);
//! let second = events.next().now_or_never().flatten().unwrap();
//! assert!(matches!(second.status, LinkStatus::Disconnected { .. }));
//! assert_eq!(first.connection, second.connection);
//! ```

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_channel::mpsc::{UnboundedSender, unbounded};

use crate::Venue;
use crate::market_data::BoxStream;

/// Where one live connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// Connected and subscribed (subscriptions are replayed right after a reconnect).
    Connected,
    /// The connection dropped; the next attempt starts after `delay`.
    Reconnecting {
        /// 1-based attempt number since the last stable connection.
        attempt: u32,
        /// Wait before the attempt.
        delay: Duration,
    },
    /// Closed for good: reconnection gave up, or the stream was dropped by its consumer.
    Disconnected {
        /// Why.
        reason: String,
    },
}

/// A status change of one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEvent {
    /// The venue.
    pub venue: Venue,
    /// The connection, unique within its [`StatusHub`].
    pub connection: u64,
    /// Its new status.
    pub status: LinkStatus,
}

#[derive(Debug, Default)]
struct Inner {
    next_connection: u64,
    subscribers: Vec<UnboundedSender<StatusEvent>>,
}

/// Fans the status changes of a source's connections out to every subscriber. Cheap to clone
/// (clones share the subscribers).
#[derive(Debug, Clone)]
pub struct StatusHub {
    venue: Venue,
    inner: Arc<Mutex<Inner>>,
}

impl StatusHub {
    /// A hub with no connections and no subscribers.
    pub fn new(venue: Venue) -> Self {
        Self {
            venue,
            inner: Arc::new(Mutex::new(Inner::default())),
        }
    }

    /// The venue.
    pub fn venue(&self) -> Venue {
        self.venue
    }

    /// Every status change from now on, until the hub and all its links are gone. Status
    /// changes are rare (a handful per reconnect), so the subscription is unbounded.
    pub fn subscribe(&self) -> BoxStream<'static, StatusEvent> {
        let (tx, rx) = unbounded();
        self.lock().subscribers.push(tx);
        Box::pin(rx)
    }

    /// A reporter for a new connection.
    pub fn link(&self) -> StatusLink {
        let connection = {
            let mut inner = self.lock();
            inner.next_connection += 1;
            inner.next_connection
        };
        StatusLink {
            hub: self.clone(),
            connection,
            last: None,
        }
    }

    /// The number of live subscriptions.
    pub fn subscribers(&self) -> usize {
        let mut inner = self.lock();
        inner.subscribers.retain(|s| !s.is_closed());
        inner.subscribers.len()
    }

    fn publish(&self, connection: u64, status: LinkStatus) {
        let event = StatusEvent {
            venue: self.venue,
            connection,
            status,
        };
        // A dropped subscription is forgotten on the first send that finds it closed.
        self.lock()
            .subscribers
            .retain(|s| s.unbounded_send(event.clone()).is_ok());
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing here can leave `Inner` half-updated, so a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Reports the status of one connection to its hub. Dropping it reports
/// [`LinkStatus::Disconnected`] unless that was the last status reported.
#[derive(Debug)]
pub struct StatusLink {
    hub: StatusHub,
    connection: u64,
    last: Option<LinkStatus>,
}

impl StatusLink {
    /// The connection's number.
    pub fn connection(&self) -> u64 {
        self.connection
    }

    /// Connected (or connected again).
    pub fn connected(&mut self) {
        self.report(LinkStatus::Connected);
    }

    /// Dropped; attempt `attempt` follows after `delay`.
    pub fn reconnecting(&mut self, attempt: u32, delay: Duration) {
        self.report(LinkStatus::Reconnecting { attempt, delay });
    }

    /// Closed for good.
    pub fn disconnected(&mut self, reason: impl Into<String>) {
        self.report(LinkStatus::Disconnected {
            reason: reason.into(),
        });
    }

    /// Reports `status` unless it equals the last status reported.
    pub fn report(&mut self, status: LinkStatus) {
        if self.last.as_ref() == Some(&status) {
            return;
        }
        self.hub.publish(self.connection, status.clone());
        self.last = Some(status);
    }
}

impl Drop for StatusLink {
    fn drop(&mut self) {
        if !matches!(self.last, Some(LinkStatus::Disconnected { .. })) {
            self.hub.publish(
                self.connection,
                LinkStatus::Disconnected {
                    reason: "stream closed by its consumer".to_owned(),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::{FutureExt, StreamExt};

    use super::*;

    fn drain(events: &mut BoxStream<'static, StatusEvent>) -> Vec<(u64, LinkStatus)> {
        let mut out = Vec::new();
        while let Some(Some(e)) = events.next().now_or_never() {
            out.push((e.connection, e.status));
        }
        out
    }

    #[test]
    fn every_subscriber_sees_every_later_change_once() {
        let hub = StatusHub::new(Venue::Deribit);
        let mut a = hub.link();
        a.connected(); // nobody listens yet: not replayed to later subscribers
        let mut early = hub.subscribe();
        a.reconnecting(1, Duration::from_millis(250));
        a.reconnecting(1, Duration::from_millis(250)); // same status: reported once
        let mut late = hub.subscribe();
        let mut b = hub.link();
        b.connected();
        a.connected();
        let retry = LinkStatus::Reconnecting {
            attempt: 1,
            delay: Duration::from_millis(250),
        };
        assert_eq!(
            drain(&mut early),
            vec![
                (1, retry),
                (2, LinkStatus::Connected),
                (1, LinkStatus::Connected)
            ]
        );
        assert_eq!(
            drain(&mut late),
            vec![(2, LinkStatus::Connected), (1, LinkStatus::Connected)]
        );
    }

    #[test]
    fn dropping_a_link_reports_it_closed_once() {
        let hub = StatusHub::new(Venue::Binance);
        let mut events = hub.subscribe();
        let mut a = hub.link();
        a.connected();
        drop(a);
        let mut b = hub.link();
        b.disconnected("gave up after 3 attempts");
        drop(b);
        let got = drain(&mut events);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], (1, LinkStatus::Connected));
        assert!(
            matches!(&got[1], (1, LinkStatus::Disconnected { reason }) if reason.contains("consumer"))
        );
        assert_eq!(
            got[2],
            (
                2,
                LinkStatus::Disconnected {
                    reason: "gave up after 3 attempts".into()
                }
            )
        );
    }

    #[test]
    fn dropped_subscriptions_are_forgotten() {
        let hub = StatusHub::new(Venue::Binance);
        let kept = hub.subscribe();
        let gone = hub.subscribe();
        assert_eq!(hub.subscribers(), 2);
        drop(gone);
        hub.link().connected();
        assert_eq!(hub.subscribers(), 1);
        drop(kept);
        assert_eq!(hub.subscribers(), 0);
    }
}
