//! Order-book updates ([`BookUpdate`]) and a local order book ([`OrderBook`]) that applies a
//! snapshot then deltas, enforcing the venue's [`SequenceRule`] and, where the venue sends one,
//! its [`ChecksumRule`].

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::decimal_serde::DecimalStr;
use crate::{Symbol, Venue};

/// One price level: a price and the total amount resting there.
///
/// Serialized as a two-element array of decimal strings, `["price","amount"]`. In a
/// [`BookUpdate`] delta an amount of `0` removes the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BookLevel {
    /// Price, exactly as sent.
    pub price: Decimal,
    /// Total amount at this price, exactly as sent.
    pub amount: Decimal,
}

impl BookLevel {
    /// A level at `price` holding `amount`.
    pub const fn new(price: Decimal, amount: Decimal) -> Self {
        BookLevel { price, amount }
    }
}

impl From<(Decimal, Decimal)> for BookLevel {
    fn from((price, amount): (Decimal, Decimal)) -> Self {
        BookLevel { price, amount }
    }
}

impl Serialize for BookLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut t = serializer.serialize_tuple(2)?;
        t.serialize_element(&DecimalStr(self.price))?;
        t.serialize_element(&DecimalStr(self.amount))?;
        t.end()
    }
}

impl<'de> Deserialize<'de> for BookLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LevelVisitor;

        impl<'de> Visitor<'de> for LevelVisitor {
            type Value = BookLevel;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a [price, amount] pair")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BookLevel, A::Error> {
                let price: DecimalStr = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let amount: DecimalStr = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                // Tolerate extra elements (venues append order counts and the like).
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(BookLevel::new(price.0, amount.0))
            }
        }

        deserializer.deserialize_seq(LevelVisitor)
    }
}

/// Whether a [`BookUpdate`] replaces the book or changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BookKind {
    /// The full book (up to the subscribed depth): replaces every level.
    Snapshot,
    /// Changed levels only: each level's amount replaces the old one; `0` removes it.
    Delta,
}

/// An order-book snapshot or delta as sent by a venue.
///
/// JSON (inside [`MarketEvent`](crate::MarketEvent)):
/// `{"type":"book","venue","symbol","venue_symbol","kind","first_seq","last_seq","prev_seq",
/// "time","bids":[[price,amount],..],"asks":[..],"checksum"}`. Sequence numbers, time and
/// checksum are present only when the venue sent them.
///
/// The sequence fields map to the venue's own numbers:
///
/// | venue                 | `first_seq`        | `last_seq`          | `prev_seq`        |
/// |-----------------------|--------------------|---------------------|-------------------|
/// | Binance spot, Gate    | `U`                | `u` / `lastUpdateId`| –                 |
/// | Binance futures       | `U`                | `u` / `lastUpdateId`| `pu`              |
/// | Bybit                 | –                  | `u`                 | –                 |
/// | KuCoin                | `sequenceStart`    | `sequenceEnd`       | –                 |
/// | MEXC                  | `fromVersion`      | `toVersion`         | –                 |
/// | OKX                   | –                  | `seqId`             | `prevSeqId`       |
/// | Deribit               | –                  | `change_id`         | `prev_change_id`  |
/// | HTX                   | –                  | `seqNum`            | `prevSeqNum`      |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookUpdate {
    /// The venue that sent the update.
    pub venue: Venue,
    /// The canonical symbol, when the venue symbol could be mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<Symbol>,
    /// The venue's own spelling of the instrument.
    pub venue_symbol: String,
    /// Snapshot or delta.
    pub kind: BookKind,
    /// First venue sequence number covered by this update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seq: Option<u64>,
    /// Last venue sequence number covered by this update (the book's sequence after it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<u64>,
    /// The sequence number of the previous update, for venues that chain updates that way
    /// (Deribit `prev_change_id`, OKX `prevSeqId`, HTX `prevSeqNum`, Binance futures `pu`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_seq: Option<u64>,
    /// Venue time of the update, UTC ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
    /// Bid levels (any order).
    pub bids: Vec<BookLevel>,
    /// Ask levels (any order).
    pub asks: Vec<BookLevel>,
    /// The venue's CRC32 of its book after this update, as sent: OKX sends it as a signed
    /// 32-bit integer, Kraken as an unsigned one; both fit and compare modulo 2³².
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<i64>,
}

impl BookUpdate {
    /// An update with no levels and no sequence numbers, time or checksum.
    pub fn new(
        venue: Venue,
        symbol: Option<Symbol>,
        venue_symbol: impl Into<String>,
        kind: BookKind,
    ) -> Self {
        BookUpdate {
            venue,
            symbol,
            venue_symbol: venue_symbol.into(),
            kind,
            first_seq: None,
            last_seq: None,
            prev_seq: None,
            time: None,
            bids: Vec::new(),
            asks: Vec::new(),
            checksum: None,
        }
    }

    /// Whether this is a snapshot.
    pub fn is_snapshot(&self) -> bool {
        self.kind == BookKind::Snapshot
    }
}

/// How a venue's book deltas are chained, checked by [`OrderBook::apply`].
///
/// Every rule needs a snapshot first; all but [`SequenceRule::None`] need the snapshot's
/// `last_seq`. A delta is *stale* when it is entirely older than the book and is dropped
/// ([`Applied::Stale`]); a delta that does not follow on is a *gap* ([`BookError::Gap`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SequenceRule {
    /// No sequence checking (venues without sequence numbers, e.g. Kraken, which relies on a
    /// checksum, or Coinbase, whose sequence numbers span channels).
    #[default]
    None,
    /// Each delta follows on exactly: `first_seq` (or `last_seq` when the venue sends one
    /// number) `== book.last_seq + 1`; deltas with `last_seq <= book.last_seq` are stale.
    /// E.g. Bybit `u`.
    Contiguous,
    /// Binance spot's documented algorithm (also Gate spot, KuCoin, MEXC), with `U` =
    /// `first_seq` and `u` = `last_seq`, after a snapshot with `lastUpdateId` L:
    /// drop deltas with `u <= L`; the first applied delta must have `U <= L + 1 <= u`;
    /// every later delta's `U` must equal the previous `u + 1`.
    BinanceSpot,
    /// Binance USDⓈ-M / COIN-M futures' documented algorithm: after a snapshot with
    /// `lastUpdateId` L, drop deltas with `u < L`; the first applied delta must have
    /// `U <= L <= u`; every later delta's `pu` (`prev_seq`) must equal the previous `u`.
    BinanceFutures,
    /// Each delta names its predecessor: `prev_seq == book.last_seq` (Deribit
    /// `prev_change_id`, OKX `prevSeqId`, HTX `prevSeqNum`); deltas need `last_seq` too.
    /// A delta whose `prev_seq` does not match but whose `last_seq <= book.last_seq` is stale.
    PrevSeq,
}

/// How a venue computes the book checksum it sends, verified by [`OrderBook::apply`] when an
/// update carries a `checksum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChecksumRule {
    /// Do not verify checksums.
    #[default]
    None,
    /// OKX: CRC32 of the best 25 bids and asks interleaved as
    /// `bid1px:bid1sz:ask1px:ask1sz:bid2px:…` (a missing side's level is skipped), prices
    /// and sizes as sent. A checksum of `0` is treated as "not sent" (OKX deprecated the
    /// field in 2026 and now sends 0).
    Okx,
    /// Kraken (WebSocket v1 and v2): CRC32 of the best 10 asks (ascending) then the best 10
    /// bids (descending), each level as price then amount formatted with the pair's decimals,
    /// with the `.` and leading zeros removed.
    Kraken {
        /// Price decimals of the pair (`price_precision`).
        price_decimals: u32,
        /// Amount decimals of the pair (`qty_precision` / `lot_decimals`).
        amount_decimals: u32,
    },
}

/// What [`OrderBook::apply`] did with an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Applied {
    /// A snapshot replaced the book.
    Snapshot,
    /// A delta was applied.
    Delta,
    /// The delta is older than the book and was dropped; nothing changed.
    Stale,
}

/// Why an [`OrderBook`] refused an update. After any error except
/// [`BookError::NeedsSnapshot`] the book is out of sync: it refuses deltas
/// ([`OrderBook::needs_snapshot`]) until a new snapshot is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    /// Updates were missed: resubscribe or fetch a new snapshot.
    ///
    /// `expected` is the number the rule required (`first_seq` for `Contiguous` /
    /// `BinanceSpot`, the previous `last_seq` for `prev_seq` checks and Binance futures) and
    /// `got` the number the update carried.
    #[error("order book sequence gap: expected {expected}, got {got}; resync from a snapshot")]
    Gap {
        /// The sequence number required.
        expected: u64,
        /// The sequence number received.
        got: u64,
    },
    /// A delta arrived while the book has no valid snapshot.
    #[error("order book needs a snapshot before applying deltas")]
    NeedsSnapshot,
    /// The sequence rule needs a number the update does not carry.
    #[error("order book update lacks {field}, required by the sequence rule")]
    MissingSequence {
        /// The missing field, e.g. `"prev_seq"`.
        field: &'static str,
    },
    /// The book after the update does not match the venue's checksum.
    #[error("order book checksum mismatch: venue sent {expected}, local book gives {computed}")]
    ChecksumMismatch {
        /// The checksum the venue sent.
        expected: i64,
        /// The checksum of the local book.
        computed: u32,
    },
    /// After the update the best bid is at or above the best ask.
    #[error("order book crossed: best bid {bid} >= best ask {ask}")]
    Crossed {
        /// Best bid price.
        bid: Decimal,
        /// Best ask price.
        ask: Decimal,
    },
    /// A level with a negative amount (or a negative price).
    #[error("invalid order book level: price {price}, amount {amount}")]
    InvalidLevel {
        /// The level's price.
        price: Decimal,
        /// The level's amount.
        amount: Decimal,
    },
}

/// A local L2 order book for one instrument.
///
/// Apply a snapshot, then deltas, with [`apply`](Self::apply); levels with amount 0 are
/// removed. Each delta is checked against the [`SequenceRule`] (and, when it carries one,
/// against the venue's checksum): a gap returns [`BookError::Gap`] and the book refuses
/// further deltas until the next snapshot. `apply` never panics.
///
/// ```
/// use rust_decimal::Decimal;
/// use tradewire_core::{Applied, BookKind, BookLevel, BookUpdate, OrderBook, SequenceRule, Venue};
///
/// let lvl = |p: i64, a: i64| BookLevel::new(Decimal::from(p), Decimal::from(a));
/// let mut book = OrderBook::new(SequenceRule::Contiguous);
///
/// let mut snap = BookUpdate::new(Venue::Bybit, None, "BTCUSDT", BookKind::Snapshot);
/// snap.last_seq = Some(10);
/// snap.bids = vec![lvl(100, 1), lvl(99, 2)];
/// snap.asks = vec![lvl(101, 1)];
/// assert_eq!(book.apply(&snap), Ok(Applied::Snapshot));
///
/// let mut delta = BookUpdate::new(Venue::Bybit, None, "BTCUSDT", BookKind::Delta);
/// delta.last_seq = Some(11);
/// delta.bids = vec![lvl(100, 0)]; // remove the 100 bid
/// assert_eq!(book.apply(&delta), Ok(Applied::Delta));
/// assert_eq!(book.best_bid(), Some(lvl(99, 2)));
/// assert_eq!(book.spread(), Some(Decimal::from(2)));
///
/// delta.last_seq = Some(13); // 12 was missed
/// assert!(book.apply(&delta).is_err());
/// assert!(book.needs_snapshot());
/// ```
#[derive(Debug, Clone)]
pub struct OrderBook {
    bids: BTreeMap<Decimal, Decimal>,
    asks: BTreeMap<Decimal, Decimal>,
    rule: SequenceRule,
    checksum_rule: ChecksumRule,
    check_crossed: bool,
    depth_limit: Option<usize>,
    last_seq: Option<u64>,
    time: Option<i64>,
    needs_snapshot: bool,
    /// Whether a delta has been applied since the last snapshot.
    synced: bool,
}

impl Default for OrderBook {
    fn default() -> Self {
        OrderBook::new(SequenceRule::None)
    }
}

impl OrderBook {
    /// An empty book (needing a snapshot) that checks deltas with `rule`.
    pub fn new(rule: SequenceRule) -> Self {
        OrderBook {
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            rule,
            checksum_rule: ChecksumRule::None,
            check_crossed: false,
            depth_limit: None,
            last_seq: None,
            time: None,
            needs_snapshot: true,
            synced: false,
        }
    }

    /// Verify update checksums with `rule` (default: [`ChecksumRule::None`]).
    pub fn with_checksum(mut self, rule: ChecksumRule) -> Self {
        self.checksum_rule = rule;
        self
    }

    /// Treat a crossed book (best bid >= best ask) after an update as an error (default: off).
    pub fn with_crossed_check(mut self, enabled: bool) -> Self {
        self.check_crossed = enabled;
        self
    }

    /// Keep at most `depth` levels per side, dropping the worst after each update (Kraken
    /// requires truncating to the subscribed depth). Default: unlimited.
    pub fn with_depth_limit(mut self, depth: usize) -> Self {
        self.depth_limit = Some(depth);
        self
    }

    /// The sequence rule in force.
    pub fn sequence_rule(&self) -> SequenceRule {
        self.rule
    }

    /// The checksum rule in force.
    pub fn checksum_rule(&self) -> ChecksumRule {
        self.checksum_rule
    }

    /// Whether the book has no valid snapshot (initially, and after any error): deltas are
    /// refused until a snapshot is applied.
    pub fn needs_snapshot(&self) -> bool {
        self.needs_snapshot
    }

    /// The venue sequence number of the last applied update.
    pub fn last_seq(&self) -> Option<u64> {
        self.last_seq
    }

    /// The venue time of the last applied update that carried one, UTC ms.
    pub fn time(&self) -> Option<i64> {
        self.time
    }

    /// Clears the book; it then needs a snapshot.
    pub fn reset(&mut self) {
        self.bids.clear();
        self.asks.clear();
        self.last_seq = None;
        self.time = None;
        self.needs_snapshot = true;
        self.synced = false;
    }

    /// Applies a snapshot or a delta. See [`SequenceRule`] for the checks and [`BookError`]
    /// for the failures; on error the book needs a new snapshot (except for
    /// [`BookError::NeedsSnapshot`] itself, which changes nothing).
    pub fn apply(&mut self, update: &BookUpdate) -> Result<Applied, BookError> {
        match update.kind {
            BookKind::Snapshot => self.apply_snapshot(update),
            BookKind::Delta => self.apply_delta(update),
        }
    }

    fn fail(&mut self, err: BookError) -> Result<Applied, BookError> {
        self.needs_snapshot = true;
        Err(err)
    }

    fn apply_snapshot(&mut self, u: &BookUpdate) -> Result<Applied, BookError> {
        if let Err(e) = validate_levels(u) {
            return self.fail(e);
        }
        if self.rule != SequenceRule::None && u.last_seq.is_none() {
            return self.fail(BookError::MissingSequence { field: "last_seq" });
        }
        self.bids.clear();
        self.asks.clear();
        set_levels(&mut self.bids, &u.bids);
        set_levels(&mut self.asks, &u.asks);
        self.last_seq = u.last_seq;
        self.time = u.time;
        self.needs_snapshot = false;
        self.synced = false;
        self.finish(u, Applied::Snapshot)
    }

    fn apply_delta(&mut self, u: &BookUpdate) -> Result<Applied, BookError> {
        if self.needs_snapshot {
            return Err(BookError::NeedsSnapshot);
        }
        match self.check_sequence(u) {
            Ok(true) => {}
            Ok(false) => return Ok(Applied::Stale),
            Err(e) => return self.fail(e),
        }
        if let Err(e) = validate_levels(u) {
            return self.fail(e);
        }
        set_levels(&mut self.bids, &u.bids);
        set_levels(&mut self.asks, &u.asks);
        if u.last_seq.is_some() {
            self.last_seq = u.last_seq;
        }
        if u.time.is_some() {
            self.time = u.time;
        }
        self.synced = true;
        self.finish(u, Applied::Delta)
    }

    /// Truncation, checksum and crossed checks after a change.
    fn finish(&mut self, u: &BookUpdate, applied: Applied) -> Result<Applied, BookError> {
        if let Some(depth) = self.depth_limit {
            while self.bids.len() > depth {
                self.bids.pop_first();
            }
            while self.asks.len() > depth {
                self.asks.pop_last();
            }
        }
        if let Some(expected) = u.checksum {
            let skip = matches!(self.checksum_rule, ChecksumRule::Okx) && expected == 0;
            if !skip {
                if let Some(computed) = self.checksum(self.checksum_rule) {
                    // Compare modulo 2^32: OKX sends signed, Kraken unsigned 32-bit values.
                    if expected as u32 != computed {
                        return self.fail(BookError::ChecksumMismatch { expected, computed });
                    }
                }
            }
        }
        if self.check_crossed {
            if let (Some(bid), Some(ask)) = (self.best_bid(), self.best_ask()) {
                if bid.price >= ask.price {
                    return self.fail(BookError::Crossed {
                        bid: bid.price,
                        ask: ask.price,
                    });
                }
            }
        }
        Ok(applied)
    }

    /// `Ok(true)`: apply; `Ok(false)`: stale, drop; `Err`: out of sync.
    fn check_sequence(&self, u: &BookUpdate) -> Result<bool, BookError> {
        if self.rule == SequenceRule::None {
            return Ok(true);
        }
        let cur = self.last_seq.ok_or(BookError::MissingSequence {
            field: "book last_seq",
        })?;
        let last = u
            .last_seq
            .ok_or(BookError::MissingSequence { field: "last_seq" })?;
        let first = u.first_seq.unwrap_or(last);
        let next = cur.saturating_add(1);
        match self.rule {
            SequenceRule::None => Ok(true),
            SequenceRule::Contiguous => {
                if last <= cur {
                    Ok(false)
                } else if first == next {
                    Ok(true)
                } else {
                    Err(BookError::Gap {
                        expected: next,
                        got: first,
                    })
                }
            }
            SequenceRule::BinanceSpot => {
                if last <= cur {
                    Ok(false)
                } else if (!self.synced && first <= next) || first == next {
                    Ok(true)
                } else {
                    Err(BookError::Gap {
                        expected: next,
                        got: first,
                    })
                }
            }
            SequenceRule::BinanceFutures => {
                if !self.synced {
                    if last < cur {
                        Ok(false)
                    } else if first <= cur {
                        Ok(true)
                    } else {
                        Err(BookError::Gap {
                            expected: cur,
                            got: first,
                        })
                    }
                } else {
                    let prev = u
                        .prev_seq
                        .ok_or(BookError::MissingSequence { field: "prev_seq" })?;
                    if prev == cur {
                        Ok(true)
                    } else if last <= cur {
                        Ok(false)
                    } else {
                        Err(BookError::Gap {
                            expected: cur,
                            got: prev,
                        })
                    }
                }
            }
            SequenceRule::PrevSeq => {
                let prev = u
                    .prev_seq
                    .ok_or(BookError::MissingSequence { field: "prev_seq" })?;
                if prev == cur {
                    Ok(true)
                } else if last <= cur {
                    Ok(false)
                } else {
                    Err(BookError::Gap {
                        expected: cur,
                        got: prev,
                    })
                }
            }
        }
    }

    /// The best (highest) bid.
    pub fn best_bid(&self) -> Option<BookLevel> {
        self.bids
            .last_key_value()
            .map(|(p, a)| BookLevel::new(*p, *a))
    }

    /// The best (lowest) ask.
    pub fn best_ask(&self) -> Option<BookLevel> {
        self.asks
            .first_key_value()
            .map(|(p, a)| BookLevel::new(*p, *a))
    }

    /// Best ask minus best bid, when both sides have levels.
    pub fn spread(&self) -> Option<Decimal> {
        Some(self.best_ask()?.price - self.best_bid()?.price)
    }

    /// The midpoint of best bid and best ask, when both sides have levels.
    pub fn mid_price(&self) -> Option<Decimal> {
        let bid = self.best_bid()?.price;
        let ask = self.best_ask()?.price;
        bid.checked_add(ask)?.checked_div(Decimal::TWO)
    }

    /// Bids from best (highest) to worst.
    pub fn bids(&self) -> impl Iterator<Item = BookLevel> + '_ {
        self.bids.iter().rev().map(|(p, a)| BookLevel::new(*p, *a))
    }

    /// Asks from best (lowest) to worst.
    pub fn asks(&self) -> impl Iterator<Item = BookLevel> + '_ {
        self.asks.iter().map(|(p, a)| BookLevel::new(*p, *a))
    }

    /// The best `n` bids (descending) and best `n` asks (ascending).
    pub fn top(&self, n: usize) -> (Vec<BookLevel>, Vec<BookLevel>) {
        (self.bids().take(n).collect(), self.asks().take(n).collect())
    }

    /// Number of bid levels.
    pub fn bid_depth(&self) -> usize {
        self.bids.len()
    }

    /// Number of ask levels.
    pub fn ask_depth(&self) -> usize {
        self.asks.len()
    }

    /// Whether both sides are empty.
    pub fn is_empty(&self) -> bool {
        self.bids.is_empty() && self.asks.is_empty()
    }

    /// The checksum of the current book under `rule` (`None` for [`ChecksumRule::None`]).
    pub fn checksum(&self, rule: ChecksumRule) -> Option<u32> {
        match rule {
            ChecksumRule::None => None,
            ChecksumRule::Okx => {
                let (bids, asks) = self.top(25);
                let mut parts: Vec<String> = Vec::with_capacity(4 * 25);
                for i in 0..bids.len().max(asks.len()) {
                    for level in [bids.get(i), asks.get(i)].into_iter().flatten() {
                        parts.push(level.price.to_string());
                        parts.push(level.amount.to_string());
                    }
                }
                Some(crc32(parts.join(":").as_bytes()))
            }
            ChecksumRule::Kraken {
                price_decimals,
                amount_decimals,
            } => {
                let (bids, asks) = self.top(10);
                let mut s = String::with_capacity(400);
                for level in asks.iter().chain(bids.iter()) {
                    push_kraken_digits(&mut s, level.price, price_decimals);
                    push_kraken_digits(&mut s, level.amount, amount_decimals);
                }
                Some(crc32(s.as_bytes()))
            }
        }
    }
}

fn validate_levels(u: &BookUpdate) -> Result<(), BookError> {
    for l in u.bids.iter().chain(u.asks.iter()) {
        if l.amount < Decimal::ZERO || l.price < Decimal::ZERO {
            return Err(BookError::InvalidLevel {
                price: l.price,
                amount: l.amount,
            });
        }
    }
    Ok(())
}

fn set_levels(side: &mut BTreeMap<Decimal, Decimal>, levels: &[BookLevel]) {
    for l in levels {
        if l.amount.is_zero() {
            side.remove(&l.price);
        } else {
            side.insert(l.price, l.amount);
        }
    }
}

/// Kraken's level formatting: fixed decimals, then drop `.` and leading zeros.
fn push_kraken_digits(out: &mut String, value: Decimal, decimals: u32) {
    let mut v = value;
    // `rescale` beyond 28 decimals can leave a scale `Decimal` cannot print (its `Display`
    // panics): no venue has more, and the pair's decimals may come from the venue.
    v.rescale(decimals.min(Decimal::MAX_SCALE));
    let text = v.to_string();
    let digits: String = text.chars().filter(|c| *c != '.').collect();
    out.push_str(digits.trim_start_matches('0'));
}

const CRC32_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (IEEE 802.3 / zlib polynomial), as used by venue book checksums.
///
/// ```
/// assert_eq!(tradewire_core::crc32(b"123456789"), 0xCBF4_3926);
/// ```
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c = CRC32_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}
