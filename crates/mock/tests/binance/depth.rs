//! Diff depth continuity and snapshot consistency: a client following web-socket-streams.md
//! "How to manage a local order book correctly" must end with exactly the simulator's book.

use std::collections::BTreeMap;
use std::time::Duration;

use super::common::*;
use serde_json::Value;
use tradewire_mock::binance::{BinanceSim, SimConfig};

type Levels = Vec<(String, String)>;

/// A local book keyed by the price string's numeric value (prices are fixed 8-decimal
/// strings, so parsing to (integer, fraction) keeps them exact).
#[derive(Default, Debug)]
struct LocalBook {
    update_id: u64,
    bids: BTreeMap<(u64, u64), (String, String)>,
    asks: BTreeMap<(u64, u64), (String, String)>,
}

fn key(price: &str) -> (u64, u64) {
    let (i, f) = price.split_once('.').unwrap();
    (i.parse().unwrap(), f.parse().unwrap())
}

fn is_zero(qty: &str) -> bool {
    qty.bytes().all(|b| b == b'0' || b == b'.')
}

impl LocalBook {
    fn from_snapshot(v: &Value) -> Self {
        let mut book = LocalBook {
            update_id: v["lastUpdateId"].as_u64().unwrap(),
            ..LocalBook::default()
        };
        book.set(&v["bids"], true);
        book.set(&v["asks"], false);
        book
    }

    fn set(&mut self, levels: &Value, bids: bool) {
        let side = if bids { &mut self.bids } else { &mut self.asks };
        for level in levels.as_array().unwrap() {
            let price = level[0].as_str().unwrap().to_owned();
            let qty = level[1].as_str().unwrap().to_owned();
            if is_zero(&qty) {
                side.remove(&key(&price));
            } else {
                side.insert(key(&price), (price, qty));
            }
        }
    }

    /// The documented update procedure; `Err` on a gap.
    fn apply(&mut self, ev: &Value) -> Result<(), String> {
        let first = ev["U"].as_u64().unwrap();
        let last = ev["u"].as_u64().unwrap();
        if last < self.update_id {
            return Ok(());
        }
        if first > self.update_id + 1 {
            return Err(format!("gap: U={first} after local {}", self.update_id));
        }
        self.set(&ev["b"], true);
        self.set(&ev["a"], false);
        self.update_id = last;
        Ok(())
    }

    fn top(&self, n: usize) -> (Levels, Levels) {
        (
            self.bids.values().rev().take(n).cloned().collect(),
            self.asks.values().take(n).cloned().collect(),
        )
    }
}

async fn sync_and_compare(stream: &str, symbol: &str, live_events: usize) {
    let (server, sim) = BinanceSim::start_with(SimConfig {
        tick_rate: 200,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // 1. Open the stream. 2. Buffer events, note the first U.
    let mut ws = connect(&server, &format!("/ws/{stream}")).await;
    let mut buffered = vec![next_json(&mut ws).await];
    let first_u = buffered[0]["U"].as_u64().unwrap();
    // 3./4. Snapshot until its lastUpdateId >= first U.
    let snapshot = loop {
        let snap = get(
            &server,
            &format!("/api/v3/depth?symbol={symbol}&limit=5000"),
        )
        .await;
        assert_eq!(snap.status, 200, "{}", snap.body);
        let v = snap.json();
        if v["lastUpdateId"].as_u64().unwrap() >= first_u {
            break v;
        }
        buffered.push(next_json(&mut ws).await);
    };
    // Keep buffering while the snapshot was in flight.
    buffered.extend(
        drain(&mut ws, Duration::from_millis(50))
            .await
            .iter()
            .map(|t| serde_json::from_str::<Value>(t).unwrap()),
    );
    // Continuity of the stream itself: U = previous u + 1.
    for pair in buffered.windows(2) {
        assert_eq!(
            pair[1]["U"].as_u64().unwrap(),
            pair[0]["u"].as_u64().unwrap() + 1
        );
    }
    // 5. Discard events with u <= lastUpdateId; the first remaining one must straddle it.
    let last_update_id = snapshot["lastUpdateId"].as_u64().unwrap();
    buffered.retain(|e| e["u"].as_u64().unwrap() > last_update_id);
    // 6. Local book = snapshot. 7. Apply buffered events, then live ones.
    let mut book = LocalBook::from_snapshot(&snapshot);
    if let Some(first) = buffered.first() {
        let (u_first, u_last) = (first["U"].as_u64().unwrap(), first["u"].as_u64().unwrap());
        assert!(u_first <= last_update_id + 1 && last_update_id < u_last);
    }
    for ev in &buffered {
        book.apply(ev).unwrap();
    }
    for _ in 0..live_events {
        book.apply(&next_json(&mut ws).await).unwrap();
    }
    // Freeze the market; the last pending diff is still flushed.
    sim.pause_market();
    for text in drain(&mut ws, Duration::from_millis(1_500)).await {
        book.apply(&serde_json::from_str(&text).unwrap()).unwrap();
    }
    let top = sim.book_top(symbol, 10_000).unwrap();
    assert_eq!(book.update_id, top.last_update_id);
    let (bids, asks) = book.top(10_000);
    assert!(!bids.is_empty() && !asks.is_empty());
    assert_eq!(bids, top.bids);
    assert_eq!(asks, top.asks);
    server.shutdown().await;
}

#[tokio::test]
async fn local_book_matches_simulator_100ms() {
    sync_and_compare("btcusdt@depth@100ms", "BTCUSDT", 20).await;
}

#[tokio::test]
async fn local_book_matches_simulator_1000ms() {
    sync_and_compare("bnbbtc@depth", "BNBBTC", 2).await;
}

#[tokio::test]
async fn injected_gap_is_visible() {
    let (server, sim) = BinanceSim::start_with(SimConfig {
        tick_rate: 200,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut ws = connect(&server, "/ws/ethusdt@depth@100ms").await;
    let mut prev = next_json(&mut ws).await["u"].as_u64().unwrap();
    for _ in 0..3 {
        let ev = next_json(&mut ws).await;
        assert_eq!(ev["U"].as_u64().unwrap(), prev + 1);
        prev = ev["u"].as_u64().unwrap();
    }
    assert!(sim.inject_depth_gap("ETHUSDT"));
    assert!(!sim.inject_depth_gap("NOPE"));
    let mut gap = None;
    for _ in 0..10 {
        let ev = next_json(&mut ws).await;
        let first = ev["U"].as_u64().unwrap();
        if first != prev + 1 {
            gap = Some((prev, first));
            break;
        }
        prev = ev["u"].as_u64().unwrap();
    }
    let (prev, first) = gap.expect("no gap after inject_depth_gap");
    assert!(first > prev + 1);
    server.shutdown().await;
}

#[tokio::test]
async fn partial_depth_matches_book_top() {
    let (server, sim) = BinanceSim::start().await.unwrap();
    sim.pause_market();
    let mut ws = connect(&server, "/ws/btcusdt@depth10").await;
    // Paused: no partial depth pushes at all.
    assert!(
        drain(&mut ws, Duration::from_millis(1_300))
            .await
            .is_empty()
    );
    sim.resume_market();
    let v = next_json(&mut ws).await;
    assert_eq!(v["bids"].as_array().unwrap().len(), 10);
    let snap = get(&server, "/api/v3/depth?symbol=BTCUSDT&limit=10")
        .await
        .json();
    assert_eq!(keys(&snap), sorted(&["lastUpdateId", "bids", "asks"]));
    assert!(snap["lastUpdateId"].as_u64().unwrap() >= v["lastUpdateId"].as_u64().unwrap());
    server.shutdown().await;
}
