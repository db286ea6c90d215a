//! Mutation tests: `OrderBook::apply` never panics, whatever the updates say.
//!
//! Seeded random update sequences under every `SequenceRule`, checksum rule, depth limit and
//! crossed check: snapshots and deltas with sequence numbers near the book's, out of order,
//! missing, `0` and `u64::MAX`; levels with zero, negative, `Decimal::MAX`/`MIN` and
//! 28-decimal prices and amounts; crossing sides; random checksums. Each apply returns `Ok`
//! or a typed `BookError` with a short `Display`, and the book's invariants hold after it.
//! On top, the JSON models (`MarketEvent`, `BookUpdate`) from the crate's own fixtures,
//! mutated with the venue suites' engine, are decoded and applied.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../venues/binance/tests/mutation/mutate.rs"]
mod mutate;

use std::str::FromStr;

use mutate::{Decoder, Rng, run, text};
use tradewire_core::{
    Applied, BookError, BookKind, BookLevel, BookUpdate, ChecksumRule, Decimal, MarketEvent,
    OrderBook, SequenceRule, Venue,
};

const RULES: [SequenceRule; 5] = [
    SequenceRule::None,
    SequenceRule::Contiguous,
    SequenceRule::BinanceSpot,
    SequenceRule::BinanceFutures,
    SequenceRule::PrevSeq,
];

fn checksum_rules() -> [ChecksumRule; 5] {
    [
        ChecksumRule::None,
        ChecksumRule::Okx,
        ChecksumRule::Kraken {
            price_decimals: 2,
            amount_decimals: 8,
        },
        ChecksumRule::Kraken {
            price_decimals: 0,
            amount_decimals: 0,
        },
        ChecksumRule::Kraken {
            price_decimals: 40,
            amount_decimals: u32::MAX,
        },
    ]
}

fn prices() -> Vec<Decimal> {
    let mut v: Vec<Decimal> = [
        "0",
        "-0",
        "1",
        "99",
        "100",
        "100.5",
        "101",
        "-1",
        "0.0000000000000000000000000001",
        "7922816251426433759354395033.5",
    ]
    .iter()
    .map(|s| Decimal::from_str(s).unwrap())
    .collect();
    v.extend([Decimal::MAX, Decimal::MIN, Decimal::ONE_HUNDRED]);
    v
}

fn seq(rng: &mut Rng, cur: u64) -> Option<u64> {
    match rng.below(10) {
        0 => None,
        1 => Some(0),
        2 => Some(u64::MAX),
        3 => Some(u64::MAX - 1),
        _ => Some(cur.wrapping_add(rng.below(6) as u64).wrapping_sub(2)),
    }
}

fn random_update(rng: &mut Rng, book: &OrderBook, pool: &[Decimal]) -> BookUpdate {
    let cur = book.last_seq().unwrap_or(100);
    let snapshot = rng.below(if book.needs_snapshot() { 2 } else { 16 }) == 0;
    let kind = if snapshot {
        BookKind::Snapshot
    } else {
        BookKind::Delta
    };
    let mut u = BookUpdate::new(Venue::Binance, None, "BTCUSDT", kind);
    if rng.below(2) == 0 {
        // One that follows on under every rule, or stale / out of order.
        u.first_seq = Some(cur.saturating_add(1));
        u.last_seq = Some(cur.saturating_add(1 + rng.below(3) as u64));
        u.prev_seq = Some(cur);
    } else {
        u.first_seq = seq(rng, cur.saturating_add(1));
        u.last_seq = seq(rng, cur.saturating_add(2));
        u.prev_seq = seq(rng, cur);
    }
    u.time = [None, Some(0), Some(i64::MIN), Some(i64::MAX)][rng.below(4)];
    for side in [&mut u.bids, &mut u.asks] {
        for _ in 0..rng.below(6) {
            side.push(BookLevel::new(*rng.pick(pool), *rng.pick(pool)));
        }
    }
    u.checksum = match rng.below(4) {
        0 => Some(0),
        1 => Some(rng.next() as i64),
        2 => Some(i64::from(u32::MAX)),
        _ => None,
    };
    u
}

fn check_error(e: &BookError) {
    let shown = e.to_string();
    assert!(
        !shown.is_empty() && shown.len() <= mutate::MAX_ERROR_LEN,
        "{shown}"
    );
}

/// The book's invariants after an apply, and every query on it.
fn check_book(book: &OrderBook, result: &Result<Applied, BookError>, depth: Option<usize>) {
    match result {
        Ok(_) => assert!(!book.needs_snapshot()),
        Err(e) => {
            check_error(e);
            assert!(book.needs_snapshot(), "{e}");
        }
    }
    if let Some(depth) = depth {
        if result.is_ok() {
            assert!(book.bid_depth() <= depth && book.ask_depth() <= depth);
        }
    }
    let _ = (
        book.spread(),
        book.mid_price(),
        book.top(3),
        book.last_seq(),
    );
    for rule in checksum_rules() {
        let _ = book.checksum(rule);
    }
    assert_eq!(book.bids().count(), book.bid_depth());
    assert_eq!(book.asks().count(), book.ask_depth());
    assert!(
        book.bids()
            .all(|l| l.amount > Decimal::ZERO && l.price >= Decimal::ZERO)
    );
    assert!(
        book.asks()
            .all(|l| l.amount > Decimal::ZERO && l.price >= Decimal::ZERO)
    );
}

#[test]
fn random_update_sequences_never_panic() {
    let pool = prices();
    let mut rng = Rng::new(0xb00c_5eed_0000_0001);
    let mut applies = 0;
    let mut outcomes = [0usize; 3];
    for rule in RULES {
        for checksum in checksum_rules() {
            for (crossed, depth) in [
                (false, None),
                (true, None),
                (true, Some(1)),
                (false, Some(0)),
            ] {
                let mut book = OrderBook::new(rule)
                    .with_checksum(checksum)
                    .with_crossed_check(crossed);
                if let Some(depth) = depth {
                    book = book.with_depth_limit(depth);
                }
                for _ in 0..400 {
                    let u = random_update(&mut rng, &book, &pool);
                    let needed = book.needs_snapshot();
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| book.apply(&u)))
                            .unwrap_or_else(|_| {
                                panic!("apply panicked on {u:?} ({rule:?}, {checksum:?})")
                            });
                    if needed && !u.is_snapshot() {
                        assert_eq!(result, Err(BookError::NeedsSnapshot));
                    }
                    if crossed && result.is_ok() {
                        if let (Some(b), Some(a)) = (book.best_bid(), book.best_ask()) {
                            assert!(b.price < a.price, "crossed book accepted: {u:?}");
                        }
                    }
                    outcomes[match result {
                        Ok(_) => 0,
                        Err(BookError::NeedsSnapshot) => 1,
                        Err(_) => 2,
                    }] += 1;
                    check_book(&book, &result, depth);
                    applies += 1;
                }
            }
        }
    }
    // The sequences reach every outcome: applied, refused for want of a snapshot, errors.
    assert!(outcomes.iter().all(|&n| n > 100), "{outcomes:?}");
    eprintln!("{applies} applies, outcomes (ok, needs snapshot, error) {outcomes:?}");
}

#[test]
fn documented_error_cases_are_typed() {
    let d = |s: &str| Decimal::from_str(s).unwrap();
    let mut snap = BookUpdate::new(Venue::Binance, None, "BTCUSDT", BookKind::Snapshot);
    snap.last_seq = Some(10);
    snap.bids = vec![BookLevel::new(d("100"), d("1"))];
    snap.asks = vec![BookLevel::new(d("101"), d("1"))];
    let mut book = OrderBook::new(SequenceRule::BinanceSpot).with_crossed_check(true);
    book.apply(&snap).unwrap();
    // Crossing delta.
    let mut delta = BookUpdate::new(Venue::Binance, None, "BTCUSDT", BookKind::Delta);
    delta.first_seq = Some(11);
    delta.last_seq = Some(11);
    delta.bids = vec![BookLevel::new(d("102"), d("1"))];
    assert!(matches!(book.apply(&delta), Err(BookError::Crossed { .. })));
    assert_eq!(book.apply(&delta), Err(BookError::NeedsSnapshot));
    // Negative amount and price.
    book.apply(&snap).unwrap();
    delta.bids = vec![BookLevel::new(d("99"), d("-1"))];
    assert!(matches!(
        book.apply(&delta),
        Err(BookError::InvalidLevel { .. })
    ));
    book.apply(&snap).unwrap();
    delta.bids = vec![BookLevel::new(d("-99"), d("1"))];
    assert!(matches!(
        book.apply(&delta),
        Err(BookError::InvalidLevel { .. })
    ));
    // A gap, then a stale delta (out of order).
    book.apply(&snap).unwrap();
    delta.bids = vec![BookLevel::new(d("99"), d("0"))];
    delta.first_seq = Some(9);
    delta.last_seq = Some(12);
    assert_eq!(book.apply(&delta), Ok(Applied::Delta)); // U <= L+1 <= u
    delta.first_seq = Some(20);
    delta.last_seq = Some(21);
    assert!(matches!(book.apply(&delta), Err(BookError::Gap { .. })));
    book.apply(&snap).unwrap();
    delta.first_seq = Some(5);
    delta.last_seq = Some(9);
    assert_eq!(book.apply(&delta), Ok(Applied::Stale));
    // Missing sequence numbers.
    delta.last_seq = None;
    assert!(matches!(
        book.apply(&delta),
        Err(BookError::MissingSequence { .. })
    ));
}

/// Models decoded from JSON (as a consumer of `tradewire decode` output would), books applied.
fn models(input: &[u8]) -> Result<(), String> {
    let t = text(input);
    let event = serde_json::from_str::<MarketEvent>(&t);
    let update = match (&event, serde_json::from_str::<BookUpdate>(&t)) {
        (Ok(MarketEvent::Book(u)), _) => Some(u.clone()),
        (_, Ok(u)) => Some(u),
        _ => None,
    };
    if let Ok(e) = &event {
        serde_json::to_string(e).map_err(|e| e.to_string())?;
    }
    if let Some(mut u) = update {
        for rule in RULES {
            let mut book = OrderBook::new(rule)
                .with_checksum(ChecksumRule::Okx)
                .with_crossed_check(true);
            let first = book.apply(&u);
            check_book(&book, &first, None);
            u.kind = BookKind::Snapshot;
            u.last_seq = Some(u.last_seq.unwrap_or(1));
            let r = book.apply(&u);
            check_book(&book, &r, None);
            u.kind = BookKind::Delta;
            u.prev_seq = u.last_seq;
            u.first_seq = u.last_seq.map(|s| s.saturating_add(1));
            u.last_seq = u.first_seq;
            let r = book.apply(&u);
            check_book(&book, &r, None);
        }
    }
    Ok(())
}

#[test]
fn mutated_model_json_never_panics() {
    let frames = mutate::corpus(&["src", "tests"]);
    assert!(frames.len() >= 10, "{}", frames.len());
    let mut rng = Rng::new(0xc0de_5eed_0000_0002);
    let mut inputs = Vec::new();
    for f in &frames {
        inputs.push(f.as_bytes().to_vec());
        mutate::truncations(f.as_bytes(), &mut inputs);
        mutate::byte_mutations(f.as_bytes(), &mut rng, 64, &mut inputs);
        mutate::value_swaps(f, &mut rng, 2, &mut inputs);
    }
    mutate::random_inputs(&mut rng, 500, &mut inputs);
    mutate::hostile_inputs(&mut inputs);
    let tally = run(
        &[Decoder {
            name: "MarketEvent/BookUpdate JSON → OrderBook",
            call: models,
        }],
        &inputs,
    );
    eprintln!("{} frames, {tally:?}", frames.len());
}

#[test]
fn kraken_checksum_with_more_than_28_decimals_does_not_panic() {
    // Regression: `Decimal::rescale(40)` left a scale of 31 on 0.0024, whose `Display` panicked
    // (rust_decimal `CapacityError`) inside `OrderBook::checksum`.
    let mut snap = BookUpdate::new(Venue::Kraken, None, "XBT/USD", BookKind::Snapshot);
    snap.bids = vec![BookLevel::new(Decimal::new(24, 4), Decimal::new(10, 0))];
    snap.asks = vec![BookLevel::new(Decimal::new(26, 4), Decimal::MAX)];
    for (price_decimals, amount_decimals) in [(40, 40), (29, u32::MAX), (28, 28)] {
        let rule = ChecksumRule::Kraken {
            price_decimals,
            amount_decimals,
        };
        let mut book = OrderBook::new(SequenceRule::None).with_checksum(rule);
        book.apply(&snap).unwrap();
        assert!(book.checksum(rule).is_some());
    }
}

#[test]
fn bounded_cuts_long_text_on_a_char_boundary() {
    assert_eq!(tradewire_core::bounded("short".into(), 10), "short");
    assert_eq!(tradewire_core::bounded("éééé".into(), 2), "éé… (8 bytes)");
    let long = tradewire_core::DecodeError::new(Venue::Binance, "depth", "9".repeat(100_000));
    assert!(long.to_string().len() < 600, "{}", long.to_string().len());
}
