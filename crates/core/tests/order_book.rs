//! OrderBook: snapshot + deltas, every SequenceRule (including the edge cases of Binance's
//! documented algorithms), checksums, depth limit, crossed check, and no panics.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;

use tradewire_core::{
    Applied, BookError, BookKind, BookLevel, BookUpdate, ChecksumRule, Decimal, OrderBook,
    SequenceRule, Venue,
};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn lv(p: &str, a: &str) -> BookLevel {
    BookLevel::new(d(p), d(a))
}

fn update(kind: BookKind, bids: &[(&str, &str)], asks: &[(&str, &str)]) -> BookUpdate {
    let mut u = BookUpdate::new(Venue::Binance, None, "BTCUSDT", kind);
    u.bids = bids.iter().map(|(p, a)| lv(p, a)).collect();
    u.asks = asks.iter().map(|(p, a)| lv(p, a)).collect();
    u
}

fn snapshot(last_seq: u64) -> BookUpdate {
    let mut u = update(
        BookKind::Snapshot,
        &[("100", "1"), ("99", "2"), ("98", "3")],
        &[("101", "1"), ("102", "2"), ("103", "3")],
    );
    u.last_seq = Some(last_seq);
    u
}

/// A delta changing the 99 bid to `first` (so tests can see which deltas were applied).
fn delta(first: Option<u64>, last: Option<u64>, prev: Option<u64>) -> BookUpdate {
    let amount = first.or(last).unwrap_or(0).to_string();
    let mut u = update(BookKind::Delta, &[("99", &amount)], &[]);
    u.first_seq = first;
    u.last_seq = last;
    u.prev_seq = prev;
    u
}

fn bid_99(book: &OrderBook) -> Option<Decimal> {
    book.bids().find(|l| l.price == d("99")).map(|l| l.amount)
}

#[test]
fn needs_a_snapshot_first() {
    let mut book = OrderBook::new(SequenceRule::None);
    assert!(book.needs_snapshot());
    assert_eq!(
        book.apply(&delta(None, None, None)),
        Err(BookError::NeedsSnapshot)
    );
    assert!(book.is_empty());
    assert_eq!(book.apply(&snapshot(1)), Ok(Applied::Snapshot));
    assert!(!book.needs_snapshot());
}

#[test]
fn snapshot_then_deltas_and_accessors() {
    let mut book = OrderBook::default();
    let mut snap = snapshot(7);
    snap.time = Some(1_000);
    snap.bids.push(lv("97", "0")); // zero-amount levels in a snapshot are not kept
    book.apply(&snap).unwrap();
    assert_eq!(book.bid_depth(), 3);
    assert_eq!(book.ask_depth(), 3);
    assert_eq!(book.last_seq(), Some(7));
    assert_eq!(book.time(), Some(1_000));
    assert_eq!(book.best_bid(), Some(lv("100", "1")));
    assert_eq!(book.best_ask(), Some(lv("101", "1")));
    assert_eq!(book.spread(), Some(d("1")));
    assert_eq!(book.mid_price(), Some(d("100.5")));
    let (bids, asks) = book.top(2);
    assert_eq!(bids, vec![lv("100", "1"), lv("99", "2")]);
    assert_eq!(asks, vec![lv("101", "1"), lv("102", "2")]);
    let (bids, asks) = book.top(10);
    assert_eq!(bids.len(), 3);
    assert_eq!(asks.len(), 3);

    let mut u = update(
        BookKind::Delta,
        &[("100", "0"), ("99", "5.5"), ("99.5", "1"), ("50", "0")],
        &[("101", "0"), ("100.75", "0.25")],
    );
    u.time = Some(2_000);
    assert_eq!(book.apply(&u), Ok(Applied::Delta));
    assert_eq!(
        book.bids().collect::<Vec<_>>(),
        vec![lv("99.5", "1"), lv("99", "5.5"), lv("98", "3")]
    );
    assert_eq!(
        book.asks().collect::<Vec<_>>(),
        vec![lv("100.75", "0.25"), lv("102", "2"), lv("103", "3")]
    );
    assert_eq!(book.time(), Some(2_000));
    assert_eq!(book.spread(), Some(d("1.25")));

    // a new snapshot replaces everything
    let mut s2 = update(BookKind::Snapshot, &[("10", "1")], &[]);
    s2.last_seq = Some(1);
    book.apply(&s2).unwrap();
    assert_eq!(book.bids().collect::<Vec<_>>(), vec![lv("10", "1")]);
    assert_eq!(book.best_ask(), None);
    assert_eq!(book.spread(), None);
    assert_eq!(book.last_seq(), Some(1));
}

#[test]
fn amounts_keep_the_scale_sent() {
    let mut book = OrderBook::default();
    let mut s = update(BookKind::Snapshot, &[("0.35280000", "1.00000000")], &[]);
    s.last_seq = Some(1);
    book.apply(&s).unwrap();
    let best = book.best_bid().unwrap();
    assert_eq!(best.price.to_string(), "0.35280000");
    assert_eq!(best.amount.to_string(), "1.00000000");
}

#[test]
fn rule_none_accepts_anything_after_a_snapshot() {
    let mut book = OrderBook::new(SequenceRule::None);
    let mut s = snapshot(0);
    s.last_seq = None; // allowed without numbers
    book.apply(&s).unwrap();
    assert_eq!(
        book.apply(&delta(Some(50), Some(50), None)),
        Ok(Applied::Delta)
    );
    assert_eq!(
        book.apply(&delta(Some(3), Some(3), None)),
        Ok(Applied::Delta)
    );
    assert_eq!(book.apply(&delta(None, None, None)), Ok(Applied::Delta));
    assert_eq!(book.last_seq(), Some(3));
}

#[test]
fn contiguous_rule() {
    let mut book = OrderBook::new(SequenceRule::Contiguous);
    book.apply(&snapshot(10)).unwrap();
    // Bybit style: one number per message
    assert_eq!(book.apply(&delta(None, Some(11), None)), Ok(Applied::Delta));
    assert_eq!(
        book.apply(&delta(Some(12), Some(14), None)),
        Ok(Applied::Delta)
    );
    assert_eq!(book.last_seq(), Some(14));
    // duplicates and older updates are stale and change nothing
    assert_eq!(book.apply(&delta(None, Some(14), None)), Ok(Applied::Stale));
    assert_eq!(
        book.apply(&delta(Some(9), Some(13), None)),
        Ok(Applied::Stale)
    );
    assert_eq!(bid_99(&book), Some(d("12")));
    assert!(!book.needs_snapshot());
    // overlap is not contiguous
    assert_eq!(
        book.apply(&delta(Some(14), Some(16), None)),
        Err(BookError::Gap {
            expected: 15,
            got: 14
        })
    );
    assert!(book.needs_snapshot());
    // refuses deltas, even the right one, until a new snapshot
    assert_eq!(
        book.apply(&delta(None, Some(15), None)),
        Err(BookError::NeedsSnapshot)
    );
    book.apply(&snapshot(20)).unwrap();
    assert_eq!(
        book.apply(&delta(None, Some(22), None)),
        Err(BookError::Gap {
            expected: 21,
            got: 22
        })
    );
    book.apply(&snapshot(20)).unwrap();
    assert_eq!(book.apply(&delta(None, Some(21), None)), Ok(Applied::Delta));
}

#[test]
fn sequence_numbers_are_required_by_rules() {
    for rule in [
        SequenceRule::Contiguous,
        SequenceRule::BinanceSpot,
        SequenceRule::BinanceFutures,
        SequenceRule::PrevSeq,
    ] {
        let mut book = OrderBook::new(rule);
        let mut s = snapshot(1);
        s.last_seq = None;
        assert_eq!(
            book.apply(&s),
            Err(BookError::MissingSequence { field: "last_seq" }),
            "{rule:?}"
        );
        assert!(book.needs_snapshot());
        book.apply(&snapshot(1)).unwrap();
        assert_eq!(
            book.apply(&delta(None, None, Some(1))),
            Err(BookError::MissingSequence { field: "last_seq" }),
            "{rule:?}"
        );
        assert!(book.needs_snapshot(), "{rule:?}");
    }
    let mut book = OrderBook::new(SequenceRule::PrevSeq);
    book.apply(&snapshot(1)).unwrap();
    assert_eq!(
        book.apply(&delta(None, Some(2), None)),
        Err(BookError::MissingSequence { field: "prev_seq" })
    );
}

/// Binance spot "How to manage a local order book correctly", with lastUpdateId L = 100.
#[test]
fn binance_spot_drops_events_at_or_before_the_snapshot() {
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    book.apply(&snapshot(100)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(90), Some(99), None)),
        Ok(Applied::Stale)
    );
    // u == L is also dropped (u <= lastUpdateId)
    assert_eq!(
        book.apply(&delta(Some(95), Some(100), None)),
        Ok(Applied::Stale)
    );
    assert_eq!(bid_99(&book), Some(d("2")));
    assert_eq!(book.last_seq(), Some(100));
    // the first event straddling L+1 is applied
    assert_eq!(
        book.apply(&delta(Some(96), Some(105), None)),
        Ok(Applied::Delta)
    );
    assert_eq!(book.last_seq(), Some(105));
    assert_eq!(bid_99(&book), Some(d("96")));
}

#[test]
fn binance_spot_first_event_bounds() {
    // U == L + 1 exactly
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    book.apply(&snapshot(100)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(101), Some(101), None)),
        Ok(Applied::Delta)
    );
    // U <= L+1 <= u with U far back
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    book.apply(&snapshot(100)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(1), Some(101), None)),
        Ok(Applied::Delta)
    );
    // U > L + 1: events were missed between the snapshot and the stream
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    book.apply(&snapshot(100)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(102), Some(110), None)),
        Err(BookError::Gap {
            expected: 101,
            got: 102
        })
    );
    assert!(book.needs_snapshot());
    assert_eq!(
        bid_99(&book),
        Some(d("2")),
        "the gapped delta was not applied"
    );
}

#[test]
fn binance_spot_later_events_must_chain() {
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    book.apply(&snapshot(100)).unwrap();
    book.apply(&delta(Some(98), Some(103), None)).unwrap();
    // U == previous u + 1
    assert_eq!(
        book.apply(&delta(Some(104), Some(110), None)),
        Ok(Applied::Delta)
    );
    assert_eq!(
        book.apply(&delta(Some(111), Some(111), None)),
        Ok(Applied::Delta)
    );
    // a replayed (old) event is stale, not a gap
    assert_eq!(
        book.apply(&delta(Some(104), Some(110), None)),
        Ok(Applied::Stale)
    );
    // after the first event, an overlapping one is no longer accepted
    assert_eq!(
        book.apply(&delta(Some(110), Some(115), None)),
        Err(BookError::Gap {
            expected: 112,
            got: 110
        })
    );
    assert!(book.needs_snapshot());

    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    book.apply(&snapshot(100)).unwrap();
    book.apply(&delta(Some(98), Some(103), None)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(105), Some(106), None)),
        Err(BookError::Gap {
            expected: 104,
            got: 105
        })
    );
    // a new snapshot restarts the algorithm, including the lenient first event
    book.apply(&snapshot(200)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(150), Some(201), None)),
        Ok(Applied::Delta)
    );
}

#[test]
fn binance_spot_stale_events_do_not_count_as_first() {
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    book.apply(&snapshot(100)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(80), Some(90), None)),
        Ok(Applied::Stale)
    );
    // still the first applied event, so U <= L+1 is enough
    assert_eq!(
        book.apply(&delta(Some(91), Some(102), None)),
        Ok(Applied::Delta)
    );
}

/// Binance USDⓈ-M futures "How to manage a local order book correctly", L = 100.
#[test]
fn binance_futures_rule() {
    let mut book = OrderBook::new(SequenceRule::BinanceFutures);
    book.apply(&snapshot(100)).unwrap();
    // u < L dropped
    assert_eq!(
        book.apply(&delta(Some(90), Some(99), Some(89))),
        Ok(Applied::Stale)
    );
    // first event: U <= L <= u (u == L allowed); pu is not checked
    assert_eq!(
        book.apply(&delta(Some(95), Some(100), Some(1))),
        Ok(Applied::Delta)
    );
    // later: pu == previous u
    assert_eq!(
        book.apply(&delta(Some(101), Some(108), Some(100))),
        Ok(Applied::Delta)
    );
    assert_eq!(
        book.apply(&delta(Some(109), Some(120), Some(108))),
        Ok(Applied::Delta)
    );
    // replay of an older event is stale
    assert_eq!(
        book.apply(&delta(Some(101), Some(108), Some(100))),
        Ok(Applied::Stale)
    );
    // missing pu once chained
    assert_eq!(
        book.apply(&delta(Some(121), Some(125), None)),
        Err(BookError::MissingSequence { field: "prev_seq" })
    );
    book.apply(&snapshot(100)).unwrap();
    book.apply(&delta(Some(95), Some(103), None)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(110), Some(115), Some(109))),
        Err(BookError::Gap {
            expected: 103,
            got: 109
        })
    );
    assert!(book.needs_snapshot());

    // first event starting after L
    let mut book = OrderBook::new(SequenceRule::BinanceFutures);
    book.apply(&snapshot(100)).unwrap();
    assert_eq!(
        book.apply(&delta(Some(101), Some(105), Some(100))),
        Err(BookError::Gap {
            expected: 100,
            got: 101
        })
    );
}

#[test]
fn prev_seq_rule_deribit_style() {
    let mut book = OrderBook::new(SequenceRule::PrevSeq);
    book.apply(&snapshot(1000)).unwrap();
    assert_eq!(
        book.apply(&delta(None, Some(1005), Some(1000))),
        Ok(Applied::Delta)
    );
    assert_eq!(
        book.apply(&delta(None, Some(1009), Some(1005))),
        Ok(Applied::Delta)
    );
    // a duplicate is stale
    assert_eq!(
        book.apply(&delta(None, Some(1009), Some(1005))),
        Ok(Applied::Stale)
    );
    assert_eq!(book.last_seq(), Some(1009));
    assert_eq!(
        book.apply(&delta(None, Some(1020), Some(1015))),
        Err(BookError::Gap {
            expected: 1009,
            got: 1015
        })
    );
    assert!(book.needs_snapshot());
    assert_eq!(
        book.apply(&delta(None, Some(1021), Some(1020))),
        Err(BookError::NeedsSnapshot)
    );
}

#[test]
fn prev_seq_rule_okx_heartbeat_and_reset() {
    let mut book = OrderBook::new(SequenceRule::PrevSeq);
    book.apply(&snapshot(123)).unwrap();
    // OKX: no change since last push -> prevSeqId == seqId
    let mut hb = update(BookKind::Delta, &[], &[]);
    hb.prev_seq = Some(123);
    hb.last_seq = Some(123);
    assert_eq!(book.apply(&hb), Ok(Applied::Delta));
    // OKX: after maintenance seqId may be smaller than prevSeqId; chaining still holds
    assert_eq!(
        book.apply(&delta(None, Some(5), Some(123))),
        Ok(Applied::Delta)
    );
    assert_eq!(book.last_seq(), Some(5));
    assert_eq!(
        book.apply(&delta(None, Some(6), Some(5))),
        Ok(Applied::Delta)
    );
}

fn okx_book(bids: &[(&str, &str)], asks: &[(&str, &str)]) -> OrderBook {
    let mut book = OrderBook::new(SequenceRule::None).with_checksum(ChecksumRule::Okx);
    let mut s = update(BookKind::Snapshot, bids, asks);
    s.last_seq = Some(1);
    book.apply(&s).unwrap();
    book
}

/// Vectors from OKX's checksum documentation.
#[test]
fn okx_checksum_documented_examples() {
    let even = okx_book(
        &[("3366.1", "7"), ("3366", "6")],
        &[("3366.8", "9"), ("3368", "8")],
    );
    assert_eq!(
        even.checksum(ChecksumRule::Okx),
        Some(-1_881_014_294_i32 as u32)
    );
    let odd = okx_book(
        &[("3366.1", "7")],
        &[("3366.8", "9"), ("3368", "8"), ("3372", "8")],
    );
    assert_eq!(odd.checksum(ChecksumRule::Okx), Some(831_078_360));
    assert_eq!(odd.checksum(ChecksumRule::None), None);
}

#[test]
fn okx_checksum_verified_on_apply() {
    let mut book = OrderBook::new(SequenceRule::PrevSeq).with_checksum(ChecksumRule::Okx);
    let mut s = update(
        BookKind::Snapshot,
        &[("3366.1", "7"), ("3366", "6")],
        &[("3366.8", "9"), ("3368", "8")],
    );
    s.last_seq = Some(10);
    s.checksum = Some(-1_881_014_294); // signed, as OKX sends it
    assert_eq!(book.apply(&s), Ok(Applied::Snapshot));

    // turn the book into the "odd" example: remove bid 3366, add ask 3372
    let mut u = update(BookKind::Delta, &[("3366", "0")], &[("3372", "8")]);
    u.prev_seq = Some(10);
    u.last_seq = Some(11);
    u.checksum = Some(831_078_360);
    assert_eq!(book.apply(&u), Ok(Applied::Delta));

    // OKX's deprecated checksum field is 0: not checked
    let mut u = update(BookKind::Delta, &[], &[("3372", "9")]);
    u.prev_seq = Some(11);
    u.last_seq = Some(12);
    u.checksum = Some(0);
    assert_eq!(book.apply(&u), Ok(Applied::Delta));

    let mut u = update(BookKind::Delta, &[], &[("3372", "10")]);
    u.prev_seq = Some(12);
    u.last_seq = Some(13);
    u.checksum = Some(831_078_360); // stale value: mismatch
    assert!(matches!(
        book.apply(&u),
        Err(BookError::ChecksumMismatch {
            expected: 831_078_360,
            ..
        })
    ));
    assert!(book.needs_snapshot());
}

/// Kraken: asks ascending then bids descending, `.` and leading zeros removed;
/// expected value computed independently with zlib.crc32 over
/// "5005" "500" "5010" "1000" "5000" "304" "4990" "200000".
#[test]
fn kraken_checksum() {
    let rule = ChecksumRule::Kraken {
        price_decimals: 5,
        amount_decimals: 8,
    };
    // v1: strings already at the pair's precision
    let mut book = OrderBook::new(SequenceRule::None).with_checksum(rule);
    let mut s = update(
        BookKind::Snapshot,
        &[("0.05000", "0.00000304"), ("0.04990", "0.00200000")],
        &[("0.05005", "0.00000500"), ("0.05010", "0.00001000")],
    );
    s.checksum = Some(1_195_692_978);
    assert_eq!(book.apply(&s), Ok(Applied::Snapshot));
    // v2: numbers with fewer decimals give the same checksum after formatting
    let mut book = OrderBook::new(SequenceRule::None).with_checksum(rule);
    let mut s = update(
        BookKind::Snapshot,
        &[("0.05", "0.00000304"), ("0.0499", "0.002")],
        &[("0.05005", "0.000005"), ("0.0501", "0.00001")],
    );
    s.checksum = Some(1_195_692_978);
    assert_eq!(book.apply(&s), Ok(Applied::Snapshot));
    let mut u = update(BookKind::Delta, &[("0.0499", "0.003")], &[]);
    u.checksum = Some(1_195_692_978);
    assert!(matches!(
        book.apply(&u),
        Err(BookError::ChecksumMismatch { .. })
    ));
}

#[test]
fn kraken_checksum_uses_top_ten_only() {
    let rule = ChecksumRule::Kraken {
        price_decimals: 1,
        amount_decimals: 1,
    };
    let mut book = OrderBook::new(SequenceRule::None);
    let bids: Vec<(String, String)> = (0..15)
        .map(|i| (format!("{}", 100 - i), "1".into()))
        .collect();
    let asks: Vec<(String, String)> = (0..15)
        .map(|i| (format!("{}", 200 + i), "1".into()))
        .collect();
    let b: Vec<(&str, &str)> = bids.iter().map(|(p, a)| (p.as_str(), a.as_str())).collect();
    let a: Vec<(&str, &str)> = asks.iter().map(|(p, q)| (p.as_str(), q.as_str())).collect();
    book.apply(&update(BookKind::Snapshot, &b, &a)).unwrap();
    let full = book.checksum(rule);
    // changing the 11th level does not change the checksum; changing the 10th does
    book.apply(&update(BookKind::Delta, &[("90", "7")], &[]))
        .unwrap();
    assert_eq!(book.checksum(rule), full);
    book.apply(&update(BookKind::Delta, &[("91", "7")], &[]))
        .unwrap();
    assert_ne!(book.checksum(rule), full);
}

#[test]
fn depth_limit_truncates_worst_levels() {
    let mut book = OrderBook::new(SequenceRule::None).with_depth_limit(2);
    book.apply(&snapshot(1)).unwrap();
    assert_eq!(
        book.top(5),
        (
            vec![lv("100", "1"), lv("99", "2")],
            vec![lv("101", "1"), lv("102", "2")]
        )
    );
    book.apply(&update(
        BookKind::Delta,
        &[("100.5", "1")],
        &[("100.9", "1")],
    ))
    .unwrap();
    assert_eq!(
        book.top(5),
        (
            vec![lv("100.5", "1"), lv("100", "1")],
            vec![lv("100.9", "1"), lv("101", "1")]
        )
    );
}

#[test]
fn crossed_check() {
    let mut book = OrderBook::new(SequenceRule::None);
    book.apply(&snapshot(1)).unwrap();
    // off by default
    assert_eq!(
        book.apply(&update(BookKind::Delta, &[("101", "1")], &[])),
        Ok(Applied::Delta)
    );

    let mut book = OrderBook::new(SequenceRule::None).with_crossed_check(true);
    book.apply(&snapshot(1)).unwrap();
    assert_eq!(
        book.apply(&update(BookKind::Delta, &[("101.5", "1")], &[])),
        Err(BookError::Crossed {
            bid: d("101.5"),
            ask: d("101")
        })
    );
    assert!(book.needs_snapshot());
}

#[test]
fn negative_levels_are_rejected() {
    let mut book = OrderBook::new(SequenceRule::None);
    book.apply(&snapshot(1)).unwrap();
    assert_eq!(
        book.apply(&update(BookKind::Delta, &[("99", "-1")], &[])),
        Err(BookError::InvalidLevel {
            price: d("99"),
            amount: d("-1")
        })
    );
    assert!(book.needs_snapshot());
    assert_eq!(bid_99(&book), Some(d("2")));
}

#[test]
fn reset_clears_the_book() {
    let mut book = OrderBook::new(SequenceRule::Contiguous);
    book.apply(&snapshot(5)).unwrap();
    book.reset();
    assert!(book.is_empty());
    assert!(book.needs_snapshot());
    assert_eq!(book.last_seq(), None);
}

#[test]
fn random_updates_never_panic_and_keep_invariants() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for rule in [
        SequenceRule::None,
        SequenceRule::Contiguous,
        SequenceRule::BinanceSpot,
        SequenceRule::BinanceFutures,
        SequenceRule::PrevSeq,
    ] {
        let mut book = OrderBook::new(rule)
            .with_checksum(ChecksumRule::Okx)
            .with_crossed_check(next() % 2 == 0);
        let mut applied = 0;
        for _ in 0..2_000 {
            let kind = if next() % 50 == 0 {
                BookKind::Snapshot
            } else {
                BookKind::Delta
            };
            let mut u = BookUpdate::new(Venue::Okx, None, "X", kind);
            for _ in 0..(next() % 4) {
                let level = BookLevel::new(Decimal::from(next() % 20), Decimal::from(next() % 3));
                if next() % 2 == 0 {
                    u.bids.push(level)
                } else {
                    u.asks.push(level)
                }
            }
            let pick = |v: u64| if v % 7 == 0 { None } else { Some(v % 64) };
            u.first_seq = pick(next());
            u.last_seq = pick(next()).map(|l| l.max(u.first_seq.unwrap_or(0)));
            u.prev_seq = pick(next());
            u.checksum = if next() % 3 == 0 {
                Some(next() as i64 % 1_000)
            } else {
                None
            };
            if book.apply(&u).is_ok() {
                applied += 1;
            }
            let bids: Vec<_> = book.bids().collect();
            assert!(bids.windows(2).all(|w| w[0].price > w[1].price));
            let asks: Vec<_> = book.asks().collect();
            assert!(asks.windows(2).all(|w| w[0].price < w[1].price));
            assert!(bids.iter().chain(asks.iter()).all(|l| !l.amount.is_zero()));
        }
        assert!(applied > 0, "{rule:?}");
    }
}
