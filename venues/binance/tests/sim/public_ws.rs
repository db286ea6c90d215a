//! `BinancePublicClient` and `OrderBookManager` against the Binance simulator
//! (`tradewire_mock::binance::BinanceSim`) over real loopback sockets: every channel normalized,
//! live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS matched to their replies, typed errors,
//! local limits, reconnection and renewal with every subscription restored, malformed frames,
//! and a local order book that stays consistent through a sequence gap.
//!
//! Timeouts are safety nets only: no assertion depends on wall time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use futures::StreamExt;
use tradewire_binance::BinanceMessage;
use tradewire_binance::book::{BookEvent, OrderBookManager, SnapshotSource, rest_snapshot_source};
use tradewire_binance::public::websocket::{
    BinancePublicClient, BinancePublicConfig, InvalidRequestReason, PublicEvent, PublicEvents,
    PublicWsError, StreamErrorKind, SubscribeResponse, UnsubscribeResponse,
};
use tradewire_binance::streams::{Channel, DepthLevels, StreamName, UpdateSpeed};
use tradewire_core::{BookError, Decimal, MarketEvent, Timeframe, Venue};
use tradewire_mock::binance::{BinanceSim, SimConfig};
use tradewire_mock::{MockFrame, MockServer};
use tradewire_rest::RestClient;
use tradewire_websockets::{
    ConnectionState, LimitKind, Quota, RateLimitConfig, ReconnectPolicy, WsError,
};

/// Safety net for every wait.
const WAIT: Duration = Duration::from_secs(15);

fn fast_sim() -> SimConfig {
    SimConfig {
        tick_rate: 100,
        ..SimConfig::default()
    }
}

fn config(server: &MockServer) -> BinancePublicConfig {
    let mut config = BinancePublicConfig::new(server.url());
    config.websocket.reconnect = ReconnectPolicy {
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        ..ReconnectPolicy::default()
    };
    config
}

fn client(server: &MockServer) -> (BinancePublicClient, PublicEvents) {
    BinancePublicClient::new(config(server)).unwrap()
}

async fn next(events: &mut PublicEvents) -> PublicEvent {
    tokio::time::timeout(WAIT, events.next())
        .await
        .expect("timed out waiting for an event")
        .expect("event stream ended")
}

/// The next market message, failing on anything but connection events.
async fn next_message(events: &mut PublicEvents) -> BinanceMessage {
    loop {
        match next(events).await {
            PublicEvent::Message(m) => return m,
            PublicEvent::Connected => {}
            other => panic!("unexpected event {other:?}"),
        }
    }
}

async fn next_book<St, S>(books: &mut OrderBookManager<St, S>) -> BookEvent
where
    St: futures::Stream<Item = PublicEvent> + Unpin,
    S: SnapshotSource,
{
    tokio::time::timeout(WAIT, books.next())
        .await
        .expect("timed out waiting for a book event")
        .expect("book stream ended")
}

/// Waits until `pred` holds, polling every few milliseconds.
async fn eventually(what: &str, mut pred: impl FnMut() -> bool) {
    tokio::time::timeout(WAIT, async {
        while !pred() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}

fn names(list: &[StreamName]) -> BTreeSet<String> {
    list.iter().map(ToString::to_string).collect()
}

fn sim_subscriptions(sim: &BinanceSim) -> Vec<BTreeSet<String>> {
    sim.subscriptions()
        .into_iter()
        .map(|subs| subs.into_iter().collect())
        .collect()
}

/// Exact decimal checks: the simulator writes 8 decimals and quotes on BTCUSDT's grid (tick
/// 0.01, step 0.00001).
fn assert_price(p: Decimal) {
    assert_eq!(p.scale(), 8, "{p}");
    assert!(p > Decimal::ZERO, "{p}");
    assert_eq!(
        p % Decimal::new(1, 2),
        Decimal::ZERO,
        "{p} off the tick grid"
    );
}

fn assert_qty(q: Decimal) {
    assert_eq!(q.scale(), 8, "{q}");
    assert_eq!(
        q % Decimal::new(1, 5),
        Decimal::ZERO,
        "{q} off the step grid"
    );
}

fn assert_btcusdt(symbol: Option<&tradewire_core::Symbol>, venue_symbol: &str) {
    assert_eq!(venue_symbol, "BTCUSDT");
    assert_eq!(symbol.map(|s| s.as_str()), Some("BTC/USDT"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_channel_streams_normalized_values() {
    let (server, _sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    let (client, mut events) = client(&server);
    client.connect().await.unwrap();
    let streams = [
        StreamName::trade("BTCUSDT"),
        StreamName::agg_trade("BTCUSDT"),
        StreamName::kline("BTCUSDT", Timeframe::S1),
        StreamName::depth("BTCUSDT", UpdateSpeed::Ms100),
        StreamName::partial_depth("BTCUSDT", DepthLevels::Five, UpdateSpeed::Ms100),
        StreamName::book_ticker("BTCUSDT"),
        StreamName::ticker("BTCUSDT"),
        StreamName::mini_ticker("BTCUSDT"),
    ];
    assert_eq!(
        client.subscribe(&streams).await.unwrap(),
        SubscribeResponse::Acknowledged { id: 1 }
    );

    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    let mut last_trade: Option<u64> = None;
    let mut last_agg: Option<u64> = None;
    let mut last_depth: Option<u64> = None;
    let mut last_book_ticker: Option<u64> = None;
    while seen.len() < streams.len() || seen.values().any(|n| *n < 2) {
        let msg = next_message(&mut events).await;
        let kind = msg.kind();
        *seen.entry(kind).or_default() += 1;
        // Every market message normalizes to exactly one core event of the right type.
        let normalized: Vec<MarketEvent> = msg.market_events().collect();
        assert_eq!(normalized.len(), 1, "{msg:?}");
        match msg {
            BinanceMessage::Trade(t) => {
                assert_eq!(t.channel, Some(Channel::Trade));
                assert_btcusdt(t.trade.symbol.as_ref(), &t.trade.venue_symbol);
                assert_eq!(t.trade.venue, Venue::Binance);
                assert_price(t.trade.price);
                assert_qty(t.trade.amount);
                assert_eq!(t.trade.id, Some(t.trade_id.to_string()));
                assert!(
                    last_trade.is_none_or(|l| t.trade_id > l),
                    "trade ids increase"
                );
                last_trade = Some(t.trade_id);
                assert!(
                    matches!(&normalized[0], MarketEvent::Trade(n) if n.price == t.trade.price)
                );
            }
            BinanceMessage::AggTrade(a) => {
                assert_eq!(a.channel, Some(Channel::AggTrade));
                assert_btcusdt(a.trade.symbol.as_ref(), &a.trade.venue_symbol);
                assert_price(a.trade.price);
                assert_qty(a.trade.amount);
                assert!(a.first_trade_id <= a.last_trade_id);
                assert!(
                    last_agg.is_none_or(|l| a.agg_trade_id > l),
                    "aggregate ids increase"
                );
                last_agg = Some(a.agg_trade_id);
            }
            BinanceMessage::Kline(k) => {
                let c = &k.candle;
                assert_btcusdt(c.symbol.as_ref(), &c.venue_symbol);
                assert_eq!(c.timeframe, Timeframe::S1);
                assert_eq!(c.open_time % 1000, 0);
                assert_eq!(c.close_time, Some(c.open_time + 999));
                for p in [c.open, c.high, c.low, c.close] {
                    assert_price(p);
                }
                assert!(
                    c.low <= c.open && c.low <= c.close && c.high >= c.open && c.high >= c.close
                );
                assert!(matches!(normalized[0], MarketEvent::Candle(_)));
            }
            BinanceMessage::DepthUpdate(d) => {
                assert_eq!(d.channel, Some(Channel::Depth(UpdateSpeed::Ms100)));
                assert_btcusdt(d.book.symbol.as_ref(), &d.book.venue_symbol);
                assert!(d.first_update_id <= d.final_update_id);
                // Diffs of one stream chain: U = previous u + 1.
                if let Some(prev) = last_depth {
                    assert_eq!(d.first_update_id, prev + 1);
                }
                last_depth = Some(d.final_update_id);
                for l in d.book.bids.iter().chain(&d.book.asks) {
                    assert_price(l.price);
                    assert_qty(l.amount);
                }
            }
            BinanceMessage::PartialDepth(p) => {
                // The symbol comes from the combined stream's name.
                assert_btcusdt(p.book.symbol.as_ref(), &p.book.venue_symbol);
                assert_eq!((p.book.bids.len(), p.book.asks.len()), (5, 5));
                assert!(p.book.bids.windows(2).all(|w| w[0].price > w[1].price));
                assert!(p.book.asks.windows(2).all(|w| w[0].price < w[1].price));
                assert!(p.book.bids[0].price < p.book.asks[0].price);
            }
            BinanceMessage::BookTicker(b) => {
                assert_btcusdt(b.ticker.symbol.as_ref(), &b.ticker.venue_symbol);
                let (bid, ask) = (b.ticker.bid.unwrap(), b.ticker.ask.unwrap());
                assert_price(bid);
                assert_price(ask);
                assert!(bid < ask);
                assert!(last_book_ticker.is_none_or(|l| b.update_id >= l));
                last_book_ticker = Some(b.update_id);
            }
            BinanceMessage::Ticker(t) => {
                assert_btcusdt(t.ticker.symbol.as_ref(), &t.ticker.venue_symbol);
                let (hi, lo, last) = (
                    t.ticker.high_24h.unwrap(),
                    t.ticker.low_24h.unwrap(),
                    t.ticker.last.unwrap(),
                );
                assert_price(last);
                assert!(lo <= last && last <= hi);
            }
            BinanceMessage::MiniTicker(t) => {
                assert_btcusdt(t.ticker.symbol.as_ref(), &t.ticker.venue_symbol);
                assert_price(t.ticker.last.unwrap());
            }
            other => panic!("unexpected message {other:?}"),
        }
    }
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_subscribe_unsubscribe_and_list_are_matched_by_id() {
    let (server, sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    let (client, mut events) = client(&server);
    // Not connected: nothing to ask.
    assert_eq!(
        client.list_subscriptions().await,
        Err(PublicWsError::NotConnected)
    );
    client.connect().await.unwrap();
    assert_eq!(next(&mut events).await, PublicEvent::Connected);

    let trade = StreamName::trade("BTCUSDT");
    let agg = StreamName::agg_trade("ETHUSDT");
    let book = StreamName::book_ticker("BNBBTC");
    // The list request was refused locally (not connected) but took id 1: ids are sequential.
    assert_eq!(
        client
            .subscribe(std::slice::from_ref(&trade))
            .await
            .unwrap(),
        SubscribeResponse::Acknowledged { id: 2 }
    );
    assert_eq!(
        client
            .subscribe(&[agg.clone(), book.clone(), trade.clone()])
            .await
            .unwrap(),
        SubscribeResponse::Acknowledged { id: 3 }
    );
    assert_eq!(
        client
            .subscribe(std::slice::from_ref(&trade))
            .await
            .unwrap(),
        SubscribeResponse::AlreadySubscribed
    );
    let listed = client.list_subscriptions().await.unwrap();
    assert_eq!(listed.id, 4);
    assert_eq!(
        names(&listed.streams),
        names(&[trade.clone(), agg.clone(), book.clone()])
    );
    assert_eq!(sim_subscriptions(&sim), vec![names(&listed.streams)]);

    assert_eq!(
        client
            .unsubscribe(std::slice::from_ref(&agg))
            .await
            .unwrap(),
        UnsubscribeResponse::Acknowledged { id: 5 }
    );
    assert_eq!(
        client
            .unsubscribe(std::slice::from_ref(&agg))
            .await
            .unwrap(),
        UnsubscribeResponse::NotSubscribed
    );
    let listed = client.list_subscriptions().await.unwrap();
    assert_eq!(listed.id, 6);
    assert_eq!(
        names(&listed.streams),
        names(&[trade.clone(), book.clone()])
    );
    assert_eq!(client.subscriptions(), vec![trade, book]);
    assert_eq!(client.rate_limiter().usage().subscriptions, (2, Some(1024)));

    // Replies were consumed by their requests: the event stream carries market data only
    // (aggregate trades sent before the unsubscribe was acknowledged may still be queued; that
    // the stream is gone is checked on the server above).
    for _ in 0..5 {
        let msg = next_message(&mut events).await;
        assert!(
            matches!(
                msg,
                BinanceMessage::Trade(_)
                    | BinanceMessage::BookTicker(_)
                    | BinanceMessage::AggTrade(_)
            ),
            "{msg:?}"
        );
    }
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_stream_is_a_typed_error() {
    // The documented flat error, and the wrapped layout live servers are reported to send.
    for wrap_stream_errors in [false, true] {
        let (server, sim) = BinanceSim::start_with(SimConfig {
            wrap_stream_errors,
            ..fast_sim()
        })
        .await
        .unwrap();
        let (client, _events) = client(&server);
        client.connect().await.unwrap();
        let err = client
            .subscribe(&[
                StreamName::trade("BTCUSDT"),
                StreamName::trade("NOSUCHCOIN"),
            ])
            .await
            .unwrap_err();
        let PublicWsError::Venue(e) = err else {
            panic!("{err:?}")
        };
        assert_eq!(
            e.kind,
            StreamErrorKind::InvalidRequest(InvalidRequestReason::InvalidStream)
        );
        assert_eq!((e.code, e.id), (2, Some(1)));
        assert!(e.msg.starts_with("Invalid request"), "{}", e.msg);
        // Nothing is tracked, nothing counted, nothing subscribed.
        assert!(client.subscriptions().is_empty());
        assert_eq!(client.rate_limiter().usage().subscriptions.0, 0);
        assert_eq!(sim_subscriptions(&sim), vec![BTreeSet::new()]);
        // The connection is fine.
        assert_eq!(
            client
                .subscribe(&[StreamName::trade("BTCUSDT")])
                .await
                .unwrap(),
            SubscribeResponse::Acknowledged { id: 2 }
        );
        client.disconnect().await;
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_fail_fast_with_typed_errors() {
    // The documented cap (1024 streams per connection) refuses at once, before any I/O.
    let (server, sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    let (client, _events) = client(&server);
    let many: Vec<StreamName> = (0..1025)
        .map(|i| StreamName::trade(&format!("c{i}usdt")))
        .collect();
    let Err(PublicWsError::RateLimited(e)) = client.subscribe(&many).await else {
        panic!("expected the subscription cap")
    };
    assert_eq!(
        (e.kind, e.limit, e.used),
        (LimitKind::Subscriptions, 1024, 1025)
    );
    assert!(client.subscriptions().is_empty());

    // Small limits to reach them with the simulator's few symbols: 3 streams, 3 messages a
    // minute.
    let config = config(&server).rate_limits(RateLimitConfig {
        messages: Some(Quota::per_minute(3)),
        max_subscriptions: Some(3),
        ..RateLimitConfig::default()
    });
    let (client, _events) = BinancePublicClient::new(config).unwrap();
    client.connect().await.unwrap();
    let s = |c: &str| StreamName::trade(c);
    client
        .subscribe(&[s("BTCUSDT"), s("ETHUSDT")])
        .await
        .unwrap();
    let Err(PublicWsError::RateLimited(e)) = client
        .subscribe(&[s("BNBBTC"), StreamName::ticker("BNBBTC")])
        .await
    else {
        panic!("expected the subscription cap")
    };
    assert_eq!(
        (e.kind, e.limit, e.retry_after),
        (LimitKind::Subscriptions, 3, None)
    );
    client.subscribe(&[s("BNBBTC")]).await.unwrap();
    client.list_subscriptions().await.unwrap();
    // The fourth message within the minute is refused locally; nothing is sent.
    let sent = client.metrics().messages_sent;
    let Err(PublicWsError::RateLimited(e)) = client.list_subscriptions().await else {
        panic!("expected the message limit")
    };
    assert_eq!(e.kind, LimitKind::Messages);
    assert!(e.retry_after.is_some());
    assert_eq!(client.metrics().messages_sent, sent);
    // An UNSUBSCRIBE refused by the limit changes nothing either.
    assert!(matches!(
        client.unsubscribe(&[s("BNBBTC")]).await,
        Err(PublicWsError::RateLimited(_))
    ));
    assert_eq!(client.subscriptions().len(), 3);
    assert_eq!(
        sim_subscriptions(&sim),
        vec![names(&[s("BTCUSDT"), s("ETHUSDT"), s("BNBBTC")])]
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_made_before_connecting_are_sent_with_the_replay() {
    let (server, sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    let (client, mut events) = client(&server);
    let streams = [
        StreamName::trade("ETHUSDT"),
        StreamName::book_ticker("ETHUSDT"),
    ];
    assert_eq!(
        client.subscribe(&streams).await.unwrap(),
        SubscribeResponse::Deferred
    );
    client.connect().await.unwrap();
    // The replay's acknowledgement (reserved id) reaches no request and no event.
    let mut kinds = BTreeSet::new();
    while kinds.len() < 2 {
        kinds.insert(next_message(&mut events).await.kind());
    }
    assert_eq!(kinds, BTreeSet::from(["bookTicker", "trade"]));
    assert_eq!(sim_subscriptions(&sim), vec![names(&streams)]);
    // The deferred SUBSCRIBE used id 1 (it was not sent); live requests go on from there.
    assert_eq!(client.list_subscriptions().await.unwrap().id, 2);
    client.disconnect().await;
    server.shutdown().await;
}

/// Reads events until `n` trades arrived after a reconnection; returns the connection events
/// seen on the way (everything but market messages).
async fn through_a_reconnection(events: &mut PublicEvents, n: usize) -> Vec<PublicEvent> {
    let mut other = Vec::new();
    let mut trades_after = 0;
    while trades_after < n {
        match next(events).await {
            PublicEvent::Message(BinanceMessage::Trade(_))
                if other.contains(&PublicEvent::Connected) =>
            {
                trades_after += 1
            }
            PublicEvent::Message(_) => {}
            e => other.push(e),
        }
    }
    other
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_restored_with_every_subscription() {
    let (server, sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    // Replayed in batches of two streams: three SUBSCRIBE frames after the reconnection.
    let (client, mut events) = BinancePublicClient::new(config(&server).replay_batch(2)).unwrap();
    client.connect().await.unwrap();
    let streams = [
        StreamName::trade("BTCUSDT"),
        StreamName::depth("BTCUSDT", UpdateSpeed::Ms100),
        StreamName::book_ticker("ETHUSDT"),
        StreamName::agg_trade("ETHUSDT"),
        StreamName::kline("BNBBTC", Timeframe::S1),
    ];
    client.subscribe(&streams).await.unwrap();
    next_message(&mut events).await;

    sim.drop_connections();
    let seen = through_a_reconnection(&mut events, 3).await;
    assert!(
        matches!(
            &seen[..],
            [
                PublicEvent::Reconnecting {
                    attempt: 1,
                    reason: Some(_),
                    ..
                },
                PublicEvent::Connected
            ]
        ),
        "{seen:?}"
    );
    eventually("the simulator to see the replayed subscriptions", || {
        sim_subscriptions(&sim) == vec![names(&streams)]
    })
    .await;
    // Data of every stream flows again.
    let mut kinds = BTreeSet::new();
    while kinds.len() < 5 {
        kinds.insert(next_message(&mut events).await.kind());
    }
    // Replies to live requests are still matched while replay acknowledgements arrive.
    let listed = client.list_subscriptions().await.unwrap();
    assert_eq!(listed.id, 2);
    assert_eq!(names(&listed.streams), names(&streams));
    assert_eq!(client.metrics().reconnections, 1);
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_disconnect_shows_only_as_reconnecting() {
    let (server, sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    let (client, mut events) = client(&server);
    client.connect().await.unwrap();
    let streams = [StreamName::trade("BTCUSDT"), StreamName::ticker("BTCUSDT")];
    client.subscribe(&streams).await.unwrap();
    next_message(&mut events).await;

    // A close frame (code 1000), as Binance's 24-hour cut.
    sim.force_disconnect_all();
    let seen = through_a_reconnection(&mut events, 3).await;
    let [
        PublicEvent::Reconnecting {
            attempt: 1, reason, ..
        },
        PublicEvent::Connected,
    ] = &seen[..]
    else {
        panic!("{seen:?}")
    };
    assert!(
        matches!(
            reason,
            Some(tradewire_websockets::DisconnectReason::ClosedByPeer { code: 1000, .. })
        ),
        "{reason:?}"
    );
    eventually("the replayed subscriptions", || {
        sim_subscriptions(&sim) == vec![names(&streams)]
    })
    .await;
    assert_eq!(client.state(), ConnectionState::Connected);
    client.disconnect().await;
    loop {
        match next(&mut events).await {
            PublicEvent::Message(_) => {}
            other => {
                assert_eq!(
                    other,
                    PublicEvent::Disconnected {
                        reason: tradewire_websockets::DisconnectReason::ClosedByUser
                    }
                );
                break;
            }
        }
    }
    assert!(
        events.next().await.is_none(),
        "the stream ends after Disconnected"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewal_before_the_24h_cut_is_seamless() {
    let (server, sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    // A short age stands in for the 23.5 hours: renewed about every 300 ms.
    let (client, mut events) = BinancePublicClient::new(
        config(&server).max_connection_age(Some(Duration::from_millis(300))),
    )
    .unwrap();
    client.connect().await.unwrap();
    client
        .subscribe(&[StreamName::trade("BTCUSDT")])
        .await
        .unwrap();
    let mut last: Option<u64> = None;
    let mut trades = 0;
    while client.metrics().connections < 4 || trades < 50 {
        match next(&mut events).await {
            PublicEvent::Message(BinanceMessage::Trade(t)) => {
                // Never a duplicate, never out of order, across every overlap.
                assert!(
                    last.is_none_or(|l| t.trade_id > l),
                    "{} after {last:?}",
                    t.trade_id
                );
                last = Some(t.trade_id);
                trades += 1;
            }
            PublicEvent::Connected if last.is_none() => {}
            other => panic!("renewal must be invisible, got {other:?}"),
        }
    }
    assert_eq!(client.metrics().reconnections, 0);
    // Every connection carries exactly the subscription — but a renewal's new connection may
    // be under way, its SUBSCRIBE not yet sent.
    let expected = names(&[StreamName::trade("BTCUSDT")]);
    let subs = sim_subscriptions(&sim);
    assert!(subs.contains(&expected), "{subs:?}");
    assert!(
        subs.iter().all(|s| *s == expected || s.is_empty()),
        "{subs:?}"
    );
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_shutdown_notice_is_delivered_and_streaming_resumes() {
    let (server, sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    let (client, mut events) = client(&server);
    client.connect().await.unwrap();
    client
        .subscribe(&[StreamName::trade("BTCUSDT")])
        .await
        .unwrap();
    assert!(matches!(
        next_message(&mut events).await,
        BinanceMessage::Trade(_)
    ));
    // web-socket-streams.md "Server Shutdown": the event, then the connection closes.
    sim.server_shutdown();
    loop {
        if let PublicEvent::Message(BinanceMessage::ServerShutdown { event_time }) =
            next(&mut events).await
        {
            assert!(event_time > 0);
            break;
        }
    }
    let mut trades = 0;
    while trades < 3 {
        if let PublicEvent::Message(BinanceMessage::Trade(_)) = next(&mut events).await {
            trades += 1;
        }
    }
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_frame_does_not_stop_the_stream() {
    let (server, _sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    let (client, mut events) = client(&server);
    client.connect().await.unwrap();
    client
        .subscribe(&[StreamName::trade("BTCUSDT")])
        .await
        .unwrap();
    assert!(matches!(
        next_message(&mut events).await,
        BinanceMessage::Trade(_)
    ));
    server.send(MockFrame::Text(
        r#"{"e":"trade","E":1,"s":"BTCUSDT","t":"#.into(),
    ));
    server.send(MockFrame::Text(r#"{"e":"fooEvent","E":1}"#.into()));
    server.send(MockFrame::Binary(vec![0x1f, 0x8b, 0x00]));
    let mut errors = Vec::new();
    let mut trades_after = 0;
    while errors.len() < 3 || trades_after < 3 {
        match next(&mut events).await {
            PublicEvent::Error(WsError::Decode(e)) => errors.push(e),
            PublicEvent::Message(BinanceMessage::Trade(_)) if errors.len() == 3 => {
                trades_after += 1
            }
            PublicEvent::Message(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        errors[0].excerpt.starts_with(r#"{"e":"trade""#),
        "{errors:?}"
    );
    assert!(errors[1].message.contains("fooEvent"), "{errors:?}");
    assert!(errors[2].message.contains("binary"), "{errors:?}");
    assert_eq!(client.state(), ConnectionState::Connected);
    assert_eq!(client.metrics().reconnections, 0);
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_book_stays_consistent_through_a_gap() {
    let (server, sim) = BinanceSim::start_with(fast_sim()).await.unwrap();
    let (client, events) = client(&server);
    let rest = RestClient::new(Venue::Binance, server.http_url()).unwrap();
    let mut books = OrderBookManager::new(events, rest_snapshot_source(rest), UpdateSpeed::Ms100)
        .snapshot_limit(100);
    books.track("BTCUSDT");
    // Natively everything can move to another task (`tokio::spawn`).
    fn assert_send<T: Send + 'static>(_: &T) {}
    assert_send(&client);
    assert_send(&books);
    client.subscribe(&books.streams()).await.unwrap();
    client.connect().await.unwrap();

    // First synchronization, then a few consistent updates.
    let mut updates = 0;
    let mut synced = false;
    while updates < 10 {
        match next_book(&mut books).await {
            BookEvent::Synced {
                resynced: false, ..
            } => synced = true,
            BookEvent::Updated { .. } => {
                assert!(synced);
                updates += 1;
            }
            BookEvent::Event(PublicEvent::Connected) => {}
            other => panic!("unexpected {other:?}"),
        }
        if synced {
            let book = books.book("BTCUSDT").expect("in sync");
            assert!(book.best_bid().unwrap().price < book.best_ask().unwrap().price);
        }
    }

    // The next diff is never sent: the manager notices, discards the book and resyncs.
    assert!(sim.inject_depth_gap("BTCUSDT"));
    loop {
        match next_book(&mut books).await {
            BookEvent::Updated { .. } => {
                assert!(books.book("BTCUSDT").is_some());
            }
            BookEvent::OutOfSync { symbol, error } => {
                assert_eq!(symbol, "BTCUSDT");
                assert!(matches!(error, BookError::Gap { .. }), "{error:?}");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // Until resynchronized there is no book to read.
    assert!(books.book("BTCUSDT").is_none());
    let event = next_book(&mut books).await;
    assert!(
        matches!(event, BookEvent::Synced { resynced: true, .. }),
        "unexpected {event:?} while resynchronizing"
    );

    // Freeze the market and let the book catch up with the simulator's: identical levels.
    sim.pause_market();
    let expected = loop {
        let top = sim.book_top("BTCUSDT", 20).unwrap();
        if books.book("BTCUSDT").and_then(|b| b.last_seq()) == Some(top.last_update_id) {
            break top;
        }
        match next_book(&mut books).await {
            BookEvent::Updated { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    };
    let (bids, asks) = books.book("BTCUSDT").unwrap().top(20);
    let text = |levels: Vec<tradewire_core::BookLevel>| -> Vec<(String, String)> {
        levels
            .into_iter()
            .map(|l| (l.price.to_string(), l.amount.to_string()))
            .collect()
    };
    assert_eq!(text(bids), expected.bids);
    assert_eq!(text(asks), expected.asks);
    assert_eq!(expected.bids.len(), 20);
    client.disconnect().await;
    server.shutdown().await;
}
