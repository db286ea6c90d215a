//! The trades tape: the latest trades, newest first, in a fixed-size ring buffer.

use std::collections::VecDeque;

use tradewire::core::{Decimal, Side, Trade};

/// Trades kept on the tape.
pub const TAPE_LEN: usize = 60;

/// One line of the tape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapeRow {
    /// `HH:MM:SS` UTC of the trade.
    pub time: String,
    /// Price, as sent.
    pub price: Decimal,
    /// Size, as sent.
    pub amount: Decimal,
    /// The taker bought (an uptick on the tape).
    pub buy: bool,
}

/// The latest trades and how many were received in all.
#[derive(Debug, Clone)]
pub struct Tape {
    rows: VecDeque<TapeRow>,
    capacity: usize,
    received: u64,
}

impl Tape {
    /// An empty tape keeping `capacity` trades (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Tape {
            rows: VecDeque::with_capacity(capacity),
            capacity,
            received: 0,
        }
    }

    /// Adds a trade; the oldest falls off when the tape is full.
    pub fn push(&mut self, trade: &Trade) {
        self.received += 1;
        if self.rows.len() == self.capacity {
            self.rows.pop_back();
        }
        self.rows.push_front(TapeRow {
            time: clock(trade.time),
            price: trade.price,
            amount: trade.amount,
            buy: trade.side == Side::Buy,
        });
    }

    /// The trades kept, newest first.
    pub fn rows(&self) -> impl Iterator<Item = &TapeRow> {
        self.rows.iter()
    }

    /// Trades kept.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No trade kept yet.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every trade received since the tape was made.
    pub fn received(&self) -> u64 {
        self.received
    }
}

/// `HH:MM:SS` UTC of a time in ms.
pub fn clock(ms: i64) -> String {
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use tradewire::core::Venue;

    fn trade(price: &str, side: Side, time: i64) -> Trade {
        Trade {
            venue: Venue::Binance,
            symbol: None,
            venue_symbol: "BTCUSDT".into(),
            id: None,
            price: Decimal::from_str(price).unwrap(),
            amount: Decimal::from_str("0.00100").unwrap(),
            side,
            time,
        }
    }

    #[test]
    fn newest_first_and_bounded() {
        let mut tape = Tape::new(3);
        assert!(tape.is_empty());
        for i in 0..5 {
            tape.push(&trade(&format!("100.{i}0"), Side::Buy, i * 1000));
        }
        assert_eq!(tape.len(), 3);
        assert_eq!(tape.received(), 5);
        let prices: Vec<String> = tape.rows().map(|r| r.price.to_string()).collect();
        assert_eq!(prices, ["100.40", "100.30", "100.20"]);
        assert_eq!(tape.rows().next().unwrap().amount.to_string(), "0.00100");
    }

    #[test]
    fn sides_and_times() {
        let mut tape = Tape::new(0); // clamped to one
        tape.push(&trade("1", Side::Sell, 1_700_000_000_123));
        let row = tape.rows().next().unwrap();
        assert!(!row.buy);
        assert_eq!(row.time, "22:13:20");
        assert_eq!(tape.len(), 1);
        assert_eq!(clock(-1), "23:59:59");
    }
}
