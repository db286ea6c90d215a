//! `DeribitPublicClient` in headless Chromium, subscribing over JSON-RPC 2.0 to the Deribit
//! simulator (`tradewire-mock --deribit`, started natively by `cargo xtask wasm test`, which bakes
//! its address in through `TRADEWIRE_DERIBIT_SIM_URL`). The same venue code as natively: only
//! the socket underneath is the browser's `WebSocket`.
//!
//! Natively these functions compile as dead code (`#[wasm_bindgen_test]` registers them on wasm32
//! only), so the crate stays free of platform `cfg`s.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use futures::StreamExt;
use tradewire_core::Decimal;
use tradewire_deribit::public::websocket::subscribe::{
    book_channel, chart_channel, trades_channel,
};
use tradewire_deribit::{DeribitConfig, DeribitEvent, DeribitMessage, DeribitPublicClient};
use tradewire_websockets::{ConnectionState, WebSocketConnection};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The simulator's base URL (`ws://127.0.0.1:PORT`), baked in at compile time.
const SIM: &str = match option_env!("TRADEWIRE_DERIBIT_SIM_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:8767",
};

/// The API endpoint: Deribit serves JSON-RPC at `/ws/api/v2` (as `wss://www.deribit.com/ws/api/v2`).
fn api_url() -> String {
    format!("{SIM}/ws/api/v2")
}

const INSTRUMENT: &str = "BTC-PERPETUAL";

#[wasm_bindgen_test]
async fn subscribes_to_deribit_trades_book_and_chart_in_the_browser() {
    let (client, mut events) = DeribitPublicClient::new(DeribitConfig::new(api_url())).unwrap();
    client.connect().await.unwrap();
    assert_eq!(client.connection().state(), ConnectionState::Connected);

    // A request answered by id over the same connection.
    let server_time = client.get_time().await.unwrap();
    assert!(
        server_time > 1_600_000_000_000,
        "ms since the epoch: {server_time}"
    );

    let trades = trades_channel(INSTRUMENT, "100ms");
    let book = book_channel(INSTRUMENT, "100ms");
    let chart = chart_channel(INSTRUMENT, "1");
    let wanted: BTreeSet<String> = [trades.clone(), book.clone(), chart.clone()].into();
    let confirmed = client
        .subscribe(&[trades.clone(), book.clone(), chart.clone()])
        .await
        .unwrap();
    assert_eq!(confirmed.into_iter().collect::<BTreeSet<_>>(), wanted);
    assert_eq!(
        client.subscriptions().into_iter().collect::<BTreeSet<_>>(),
        wanted
    );

    // BTC-PERPETUAL's tick size in the simulator's default market (as on Deribit): 0.5.
    let tick = Decimal::new(5, 1);
    let mut last_trade_seq: Option<u64> = None;
    let (mut trade_count, mut book_snapshot, mut candles) = (0, false, 0);
    while trade_count < 5 || !book_snapshot || candles < 1 {
        match events.next().await.expect("stream open") {
            DeribitEvent::Message(DeribitMessage::Trades(n)) => {
                assert_eq!(n.channel, trades);
                for t in &n.trades {
                    assert_eq!(t.instrument_name, INSTRUMENT);
                    assert!(
                        t.price > Decimal::ZERO && (t.price % tick).is_zero(),
                        "{t:?}"
                    );
                    assert!(t.amount > Decimal::ZERO, "{t:?}");
                    assert!(t.timestamp > 1_600_000_000_000, "{t:?}");
                    let seq = t.trade_seq.expect("public trades carry trade_seq");
                    assert!(
                        last_trade_seq.is_none_or(|l| seq > l),
                        "trade_seq increases"
                    );
                    last_trade_seq = Some(seq);
                    trade_count += 1;
                }
            }
            DeribitEvent::Message(DeribitMessage::Book(b)) => {
                assert_eq!(b.channel, book);
                assert_eq!(b.update.venue_symbol, INSTRUMENT);
                assert_eq!(
                    b.update.symbol.as_ref().map(|s| s.as_str()),
                    Some("BTC/USD:BTC")
                );
                if !book_snapshot {
                    // The first notification of a book channel is its snapshot.
                    assert!(b.update.is_snapshot(), "{b:?}");
                    let best_bid = b.update.bids.iter().map(|l| l.price).max().unwrap();
                    let best_ask = b.update.asks.iter().map(|l| l.price).min().unwrap();
                    assert!(best_bid < best_ask, "{best_bid} < {best_ask}");
                    book_snapshot = true;
                }
            }
            DeribitEvent::Message(DeribitMessage::Candle(c)) => {
                assert_eq!(c.channel, chart);
                let c = c.candle;
                assert_eq!(
                    (c.instrument_name.as_str(), c.resolution.as_str()),
                    (INSTRUMENT, "1")
                );
                assert_eq!(c.tick % 60_000, 0, "one-minute candles open on the minute");
                assert!(c.low <= c.open && c.open <= c.high, "{c:?}");
                assert!(c.low <= c.close && c.close <= c.high, "{c:?}");
                candles += 1;
            }
            DeribitEvent::Connected => {}
            other => panic!("unexpected event {other:?}"),
        }
    }

    let left = client
        .unsubscribe(std::slice::from_ref(&trades))
        .await
        .unwrap();
    assert_eq!(left, vec![trades.clone()]);
    assert!(!client.subscriptions().contains(&trades));
    client.disconnect().await;
    assert_eq!(client.connection().state(), ConnectionState::Closed);
}
