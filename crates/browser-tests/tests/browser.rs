//! `BinancePublicClient` in headless Chromium, streaming from the Binance simulator
//! (`tradewire-mock --binance`, started natively by `cargo xtask wasm test`). The same venue
//! code as natively: only the socket underneath is the browser's `WebSocket`.
//!
//! Natively these functions compile as dead code (`#[wasm_bindgen_test]` registers them on wasm32
//! only), so the crate stays free of platform `cfg`s.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures::StreamExt;
use tradewire_binance::BinanceMessage;
use tradewire_binance::public::websocket::{
    BinancePublicClient, BinancePublicConfig, PublicEvent, SubscribeResponse,
};
use tradewire_binance::streams::StreamName;
use tradewire_websockets::{ConnectionState, HeartbeatMode};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The simulator's base URL (`ws://127.0.0.1:PORT`), baked in at compile time.
const SIM: &str = match option_env!("TRADEWIRE_BINANCE_SIM_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:8766",
};

#[wasm_bindgen_test]
async fn streams_binance_trades_in_the_browser() {
    let (client, mut events) = BinancePublicClient::new(BinancePublicConfig::new(SIM)).unwrap();
    client.connect().await.unwrap();
    assert_eq!(client.state(), ConnectionState::Connected);
    assert_eq!(
        client
            .subscribe(&[StreamName::trade("BTCUSDT")])
            .await
            .unwrap(),
        SubscribeResponse::Acknowledged { id: 1 }
    );

    let mut last_id: Option<u64> = None;
    let mut trades = 0;
    while trades < 5 {
        match events.next().await.expect("stream open") {
            PublicEvent::Message(BinanceMessage::Trade(t)) => {
                assert_eq!(t.trade.venue_symbol, "BTCUSDT");
                assert_eq!(
                    t.trade.symbol.as_ref().map(|s| s.as_str()),
                    Some("BTC/USDT")
                );
                assert_eq!(t.trade.price.scale(), 8, "exact decimals as sent");
                assert!(last_id.is_none_or(|l| t.trade_id > l), "trade ids increase");
                last_id = Some(t.trade_id);
                trades += 1;
            }
            PublicEvent::Connected => {}
            other => panic!("unexpected event {other:?}"),
        }
    }

    let listed = client.list_subscriptions().await.unwrap();
    assert_eq!(listed.id, 2);
    assert_eq!(listed.streams, vec![StreamName::trade("BTCUSDT")]);
    // Browsers cannot send protocol pings, and Binance has no text ping.
    assert_eq!(client.health().heartbeat, HeartbeatMode::None);
    client.disconnect().await;
    assert_eq!(client.state(), ConnectionState::Closed);
}
