//! Criterion benchmarks of Binance frame decoding: `cargo bench -p tradewire-binance`.
//!
//! For each message kind (trade, aggTrade, kline, depthUpdate with 10 levels a side,
//! bookTicker, 24hrTicker, and a trade through a combined stream), on the same frame:
//!
//! - `tradewire`: decode + dispatch + normalize through the [`WsMessage`] codec
//!   (`BinanceMessage::decode`, then the normalized `MarketEvent`);
//! - `typed_serde`: the reference — `serde_json::from_str` into a minimal borrowed struct of
//!   the fields used, then `Decimal` conversion of every price and size;
//! - `value`: `serde_json::from_str::<serde_json::Value>`.
//!
//! Throughput is reported per message and per byte. The suite takes about a minute
//! (`measurement_time` 2 s, 30 samples per benchmark).

// Benchmark harness: failing loudly on a bad fixture is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tradewire_binance::BinanceMessage;
use tradewire_core::MarketEvent;
use tradewire_websockets::{Frame, WsMessage};

mod support;

use support::*;

// ---- the suite ----

fn ours(frame: &Frame) -> Option<MarketEvent> {
    BinanceMessage::decode(frame)
        .unwrap()
        .and_then(|m| m.into_market_events().next())
}

fn bench_kind<R>(c: &mut Criterion, name: &str, text: &str, reference: fn(&str) -> R) {
    // Sanity: our decoder produces an event for the frame.
    let frame = Frame::text(text);
    assert!(ours(&frame).is_some(), "{name}");
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: text.len() as u64,
    });
    g.bench_function("tradewire", |b| b.iter(|| ours(black_box(&frame))));
    g.bench_function("typed_serde", |b| b.iter(|| reference(black_box(text))));
    g.bench_function("value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(text)).unwrap())
    });
    g.finish();
}

fn decode(c: &mut Criterion) {
    bench_kind(c, "trade", TRADE, ref_trade);
    bench_kind(c, "trade_combined", TRADE_COMBINED, ref_trade_combined);
    bench_kind(c, "aggTrade", AGG_TRADE, ref_agg_trade);
    bench_kind(c, "kline", KLINE, ref_kline);
    bench_kind(c, "depthUpdate", DEPTH_UPDATE, ref_depth);
    bench_kind(c, "bookTicker", BOOK_TICKER, ref_book_ticker);
    bench_kind(c, "24hrTicker", TICKER, ref_ticker);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(30);
    targets = decode
}
criterion_main!(benches);
