//! The connection badge: every live connection's [`LinkStatus`] (from
//! [`MarketData::status_events`](tradewire::core::MarketData::status_events)) folded into one
//! state.
//!
//! - no connection reported yet: `connecting`;
//! - any connection reconnecting: `reconnecting`, with the highest attempt number;
//! - else any connection closed for good: `disconnected`;
//! - else (all connected): `connected`.

use std::collections::BTreeMap;

use tradewire::core::{LinkStatus, StatusEvent};

/// The badge's state (its `data-state` attribute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadgeState {
    /// Nothing connected yet.
    Connecting,
    /// Every connection is up.
    Connected,
    /// At least one connection is down and retrying.
    Reconnecting {
        /// The highest attempt number among them.
        attempt: u32,
    },
    /// At least one connection gave up.
    Disconnected {
        /// Why (the first one's reason).
        reason: String,
    },
}

impl BadgeState {
    /// The `data-state` value: `connecting`, `connected`, `reconnecting` or `disconnected`.
    pub fn name(&self) -> &'static str {
        match self {
            BadgeState::Connecting => "connecting",
            BadgeState::Connected => "connected",
            BadgeState::Reconnecting { .. } => "reconnecting",
            BadgeState::Disconnected { .. } => "disconnected",
        }
    }

    /// The reconnect attempt (`data-attempt`), 0 unless reconnecting.
    pub fn attempt(&self) -> u32 {
        match self {
            BadgeState::Reconnecting { attempt } => *attempt,
            _ => 0,
        }
    }

    /// The badge text, e.g. `connected · 37 msg/s` or `reconnecting (attempt 2)`.
    pub fn label(&self, rate: f64) -> String {
        match self {
            BadgeState::Connecting => "connecting…".to_owned(),
            BadgeState::Connected => format!("connected · {} msg/s", format_rate(rate)),
            BadgeState::Reconnecting { attempt } => format!("reconnecting (attempt {attempt})"),
            BadgeState::Disconnected { reason } => format!("disconnected: {reason}"),
        }
    }
}

/// A message rate for the badge: no decimals from 10 up, one below.
pub fn format_rate(rate: f64) -> String {
    if !rate.is_finite() || rate < 0.0 {
        "0".to_owned()
    } else if rate >= 10.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    }
}

/// The latest status of each connection.
#[derive(Debug, Clone, Default)]
pub struct StatusBoard {
    links: BTreeMap<u64, LinkStatus>,
}

impl StatusBoard {
    /// No connection known.
    pub fn new() -> Self {
        StatusBoard::default()
    }

    /// Applies one event. Returns whether the badge state changed.
    pub fn apply(&mut self, event: &StatusEvent) -> bool {
        let before = self.state();
        self.links.insert(event.connection, event.status.clone());
        self.state() != before
    }

    /// Connections known.
    pub fn connections(&self) -> usize {
        self.links.len()
    }

    /// The folded state.
    pub fn state(&self) -> BadgeState {
        if self.links.is_empty() {
            return BadgeState::Connecting;
        }
        let attempt = self
            .links
            .values()
            .filter_map(|s| match s {
                LinkStatus::Reconnecting { attempt, .. } => Some(*attempt),
                _ => None,
            })
            .max();
        if let Some(attempt) = attempt {
            return BadgeState::Reconnecting { attempt };
        }
        if let Some(reason) = self.links.values().find_map(|s| match s {
            LinkStatus::Disconnected { reason } => Some(reason.clone()),
            _ => None,
        }) {
            return BadgeState::Disconnected { reason };
        }
        BadgeState::Connected
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tradewire::core::Venue;

    fn ev(connection: u64, status: LinkStatus) -> StatusEvent {
        StatusEvent {
            venue: Venue::Binance,
            connection,
            status,
        }
    }

    fn reconnecting(attempt: u32) -> LinkStatus {
        LinkStatus::Reconnecting {
            attempt,
            delay: Duration::from_millis(250),
        }
    }

    #[test]
    fn folds_connections() {
        let mut board = StatusBoard::new();
        assert_eq!(board.state(), BadgeState::Connecting);
        assert!(board.apply(&ev(1, LinkStatus::Connected)));
        assert!(!board.apply(&ev(2, LinkStatus::Connected)));
        assert_eq!(board.state(), BadgeState::Connected);
        assert_eq!(board.connections(), 2);
        // One drops: reconnecting; the highest attempt wins.
        assert!(board.apply(&ev(1, reconnecting(1))));
        assert!(board.apply(&ev(2, reconnecting(3))));
        assert!(!board.apply(&ev(1, reconnecting(2))));
        assert_eq!(board.state(), BadgeState::Reconnecting { attempt: 3 });
        assert_eq!(board.state().attempt(), 3);
        // Connection 2 is back, connection 1 still retrying.
        board.apply(&ev(2, LinkStatus::Connected));
        assert_eq!(board.state(), BadgeState::Reconnecting { attempt: 2 });
        board.apply(&ev(1, LinkStatus::Connected));
        assert_eq!(board.state(), BadgeState::Connected);
        assert_eq!(board.state().attempt(), 0);
    }

    #[test]
    fn reconnecting_outranks_disconnected() {
        let mut board = StatusBoard::new();
        board.apply(&ev(
            7,
            LinkStatus::Disconnected {
                reason: "gave up".into(),
            },
        ));
        assert_eq!(
            board.state(),
            BadgeState::Disconnected {
                reason: "gave up".into()
            }
        );
        board.apply(&ev(8, reconnecting(1)));
        assert_eq!(board.state().name(), "reconnecting");
    }

    #[test]
    fn labels() {
        assert_eq!(BadgeState::Connected.label(37.4), "connected · 37 msg/s");
        assert_eq!(BadgeState::Connected.label(2.25), "connected · 2.2 msg/s");
        assert_eq!(
            BadgeState::Reconnecting { attempt: 2 }.label(0.0),
            "reconnecting (attempt 2)"
        );
        assert_eq!(BadgeState::Connecting.name(), "connecting");
        assert_eq!(format_rate(f64::NAN), "0");
        assert_eq!(
            BadgeState::Disconnected { reason: "x".into() }.label(1.0),
            "disconnected: x"
        );
    }
}
