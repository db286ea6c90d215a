//! `BinancePublicRest` against the `tradewire-mock` Binance simulator over real HTTP on
//! 127.0.0.1: every endpoint, kline ranges across several pages, request weight (declared and
//! from `X-MBX-USED-WEIGHT-1M`), 429 / 418 with `Retry-After`, and venue error codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use tradewire_binance::public::rest::klines::KlinesRequest;
use tradewire_binance::public::rest::{exchange_info::ExchangeInfoRequest, weight_limiter};
use tradewire_binance::{BinancePublicRest, taker_side};
use tradewire_core::{Candle, Decimal, Error, Side, Timeframe, Venue};
use tradewire_mock::MockServer;
use tradewire_mock::binance::BinanceSim;
use tradewire_rest::RestError;
use tradewire_websockets::Quota;

async fn start() -> (MockServer, BinanceSim, BinancePublicRest) {
    let (server, sim) = BinanceSim::start().await.unwrap();
    let client = BinancePublicRest::new(server.http_url()).unwrap();
    (server, sim, client)
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// The simulator counts weight per calendar minute: start weight comparisons well inside one.
async fn away_from_minute_edge() {
    let into_minute = now_ms().rem_euclid(60_000);
    if into_minute > 45_000 {
        tokio::time::sleep(Duration::from_millis((60_000 - into_minute + 200) as u64)).await;
    }
}

fn used_weight(client: &BinancePublicRest) -> u64 {
    client.rate_limiter().usage().weight.unwrap().0
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn ping_time_and_exchange_info_build_a_symbol_map() {
    let (_server, _sim, client) = start().await;
    client.ping().await.unwrap();
    let before = now_ms();
    let server_time = client.server_time().await.unwrap();
    assert!(server_time >= before && server_time <= now_ms());
    assert!(client.clock_offset_ms().await.unwrap().abs() < 1_000);

    let info = client
        .exchange_info(&ExchangeInfoRequest::all())
        .await
        .unwrap();
    assert_eq!(info.timezone, "UTC");
    assert_eq!(info.request_weight_limit(), Some(Quota::per_minute(6000)));
    let names: Vec<&str> = info.symbols.iter().map(|s| s.symbol.as_str()).collect();
    assert_eq!(names, ["BTCUSDT", "ETHUSDT", "BNBBTC"]);
    let bnb = info.symbol("BNBBTC").unwrap();
    assert!(bnb.is_trading());
    assert_eq!(
        (bnb.base_asset.as_str(), bnb.quote_asset.as_str()),
        ("BNB", "BTC")
    );
    assert_eq!(bnb.order_types, ["LIMIT", "LIMIT_MAKER", "MARKET"]);
    // The simulator's BNBBTC: tick 0.000001, step 0.001, min notional 0.0001.
    assert_eq!(bnb.price_filter().unwrap().tick_size, d("0.000001"));
    assert_eq!(bnb.lot_size().unwrap().step_size, d("0.001"));
    assert_eq!(bnb.notional().unwrap().min_notional, d("0.0001"));
    assert!(bnb.notional().unwrap().apply_min_to_market);

    let map = client.symbol_map().await.unwrap();
    assert_eq!(map.len(), 3);
    assert_eq!(map.get("BNBBTC").map(|s| s.as_str()), Some("BNB/BTC"));
    assert_eq!(map.get("BTCUSDT").map(|s| s.as_str()), Some("BTC/USDT"));

    let one = client
        .exchange_info(&ExchangeInfoRequest::symbols(["ETHUSDT"]))
        .await
        .unwrap();
    assert_eq!(one.symbols.len(), 1);
    let two = client
        .exchange_info(&ExchangeInfoRequest::symbols(["BNBBTC", "BTCUSDT"]))
        .await
        .unwrap();
    assert_eq!(two.symbols.len(), 2);
}

/// Candles equal field by field (`closed` included).
fn assert_same(a: &[Candle], b: &[Candle]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x, y);
    }
}

#[tokio::test]
async fn klines_range_spans_pages_without_gaps_or_duplicates() {
    let (_server, sim, client) = start().await;
    away_from_minute_edge().await;
    let minute = 60_000;
    // A range well in the past (history is a deterministic function of the open time).
    let end = Timeframe::M1.open_time_for(now_ms() - 2 * 86_400_000);
    let start = end - 2_499 * minute;
    let weight_before = sim.used_weight();

    let candles = client
        .klines_range("ethusdt", Timeframe::M1, start, end)
        .await
        .unwrap();

    // 2500 candles = pages of 1000, 1000 and 500: three requests of weight 2.
    assert_eq!(sim.used_weight() - weight_before, 6);
    assert_eq!(candles.len(), 2_500);
    assert_eq!(candles.first().unwrap().open_time, start);
    assert_eq!(candles.last().unwrap().open_time, end);
    for w in candles.windows(2) {
        assert_eq!(w[1].open_time - w[0].open_time, minute, "gap or duplicate");
    }
    for c in &candles {
        assert_eq!(c.venue, Venue::Binance);
        assert_eq!(c.venue_symbol, "ETHUSDT");
        assert_eq!(c.symbol.as_ref().map(|s| s.as_str()), Some("ETH/USDT"));
        assert_eq!(c.close_time, Some(c.open_time + minute - 1));
        assert!(c.closed && c.low <= c.high);
    }

    // The same candles, fetched one page at a time.
    let mut pages = Vec::new();
    for (i, limit) in [(0, 1000), (1, 1000), (2, 500)] {
        let req = KlinesRequest::new("ETHUSDT", Timeframe::M1)
            .with_start_time(start + i * 1000 * minute)
            .with_limit(limit);
        pages.extend(client.klines(&req).await.unwrap());
    }
    assert_same(&candles, &pages);

    // Exactly two pages: no third request once the next start is past the end.
    let weight_before = sim.used_weight();
    let two = client
        .klines_range("ETHUSDT", Timeframe::M1, start, start + 1_999 * minute)
        .await
        .unwrap();
    assert_eq!(sim.used_weight() - weight_before, 4);
    assert_same(&two, &candles[..2000]);

    // An unaligned start begins at the next candle to open; hours page the same way.
    let hour = 3_600_000;
    let h_end = Timeframe::H1.open_time_for(now_ms() - 10 * 86_400_000);
    let h_start = h_end - 1_200 * hour;
    let hours = client
        .klines_range("ETHUSDT", Timeframe::H1, h_start + 1, h_end)
        .await
        .unwrap();
    assert_eq!(hours.len(), 1_200);
    assert_eq!(hours[0].open_time, h_start + hour);
    assert!(
        hours
            .windows(2)
            .all(|w| w[1].open_time - w[0].open_time == hour)
    );

    // An empty range asks for nothing.
    let weight_before = sim.used_weight();
    assert!(
        client
            .klines_range("ETHUSDT", Timeframe::M1, end, start)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(sim.used_weight(), weight_before);
}

#[tokio::test]
async fn recent_klines_mark_only_finished_candles_closed() {
    let (_server, _sim, client) = start().await;
    away_from_minute_edge().await;
    let candles = client
        .klines(&KlinesRequest::new("BTCUSDT", Timeframe::M1).with_limit(5))
        .await
        .unwrap();
    assert_eq!(candles.len(), 5);
    let now = now_ms();
    for c in &candles {
        assert_eq!(c.closed, c.close_time.unwrap() < now);
    }
    assert!(
        !candles.last().unwrap().closed,
        "the current minute is still open"
    );
}

#[tokio::test]
async fn depth_snapshot_trades_and_ticker() {
    let (_server, sim, client) = start().await;
    // Freeze the market so the snapshot can be compared with the simulator's book.
    tokio::time::sleep(Duration::from_millis(300)).await;
    sim.pause_market();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let top = sim.book_top("BTCUSDT", 10).unwrap();
    let book = client.depth("btcusdt", Some(10)).await.unwrap();
    assert!(book.is_snapshot());
    assert_eq!(book.venue_symbol, "BTCUSDT");
    assert_eq!(book.symbol.as_ref().map(|s| s.as_str()), Some("BTC/USDT"));
    assert_eq!(book.last_seq, Some(top.last_update_id));
    let levels = |side: &[tradewire_core::BookLevel]| -> Vec<(String, String)> {
        side.iter()
            .map(|l| (l.price.to_string(), l.amount.to_string()))
            .collect()
    };
    assert_eq!(levels(&book.bids), top.bids);
    assert_eq!(levels(&book.asks), top.asks);
    assert!(book.bids[0].price < book.asks[0].price);

    let raw = client.depth_snapshot("BTCUSDT", None).await.unwrap();
    assert_eq!(raw.last_update_id, top.last_update_id);
    assert!(raw.bids.len() > 10 && raw.bids.len() <= 100);

    let trades = client.recent_trades("BTCUSDT", Some(20)).await.unwrap();
    let raw_trades = client.recent_trades_raw("BTCUSDT", Some(20)).await.unwrap();
    assert!(!trades.is_empty() && trades.len() <= 20);
    assert_eq!(trades.len(), raw_trades.len());
    for (t, r) in trades.iter().zip(&raw_trades) {
        assert_eq!(t.venue_symbol, "BTCUSDT");
        assert_eq!(t.id, Some(r.id.to_string()));
        assert_eq!((t.price, t.amount, t.time), (r.price, r.qty, r.time));
        assert_eq!(t.side, taker_side(r.is_buyer_maker));
    }
    let ids: Vec<u64> = raw_trades.iter().map(|t| t.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first");
    assert!(
        trades.iter().any(|t| t.side == Side::Buy) || trades.iter().any(|t| t.side == Side::Sell)
    );

    let ticker = client.ticker_24hr("ETHUSDT").await.unwrap();
    let raw = client.ticker_24hr_raw("ETHUSDT").await.unwrap();
    assert_eq!(ticker.venue_symbol, "ETHUSDT");
    assert_eq!(ticker.symbol.as_ref().map(|s| s.as_str()), Some("ETH/USDT"));
    assert_eq!(ticker.last, Some(raw.last_price));
    // `closeTime` (the end of the rolling window) is the request time.
    assert!((ticker.time.unwrap() - raw.close_time).abs() < 5_000);
    assert_eq!(raw.close_time - raw.open_time, 86_400_000);
    assert!(ticker.bid.unwrap() < ticker.ask.unwrap());
    assert!(ticker.low_24h.unwrap() <= ticker.high_24h.unwrap());
    sim.resume_market();
}

#[tokio::test]
async fn weight_is_declared_and_follows_the_used_weight_header() {
    let (server, sim, a) = start().await;
    away_from_minute_edge().await;
    a.exchange_info(&ExchangeInfoRequest::all()).await.unwrap(); // 20
    a.depth("BTCUSDT", None).await.unwrap(); // 5
    a.depth("BTCUSDT", Some(500)).await.unwrap(); // 25
    a.recent_trades("BTCUSDT", None).await.unwrap(); // 25
    a.ticker_24hr("BTCUSDT").await.unwrap(); // 2
    assert_eq!(sim.used_weight(), 77);
    assert_eq!(used_weight(&a), 77);

    // A second client (its own limiter) learns the IP's usage from the header.
    let b = BinancePublicRest::new(server.http_url()).unwrap();
    b.ping().await.unwrap(); // 1
    assert_eq!(sim.used_weight(), 78);
    assert_eq!(used_weight(&b), 78);
    assert_eq!(b.rate_limiter().usage().weight, Some((78, 6000)));

    // A request over the local budget is refused before it is sent.
    let c = BinancePublicRest::builder(server.http_url())
        .rate_limiter(weight_limiter(100))
        .build()
        .unwrap();
    let err = c.depth("BTCUSDT", Some(5000)).await.unwrap_err(); // 250 > 100
    assert!(matches!(err, RestError::LocalRateLimit { .. }), "{err:?}");
    assert!(err.is_rate_limited());
    assert_eq!(sim.used_weight(), 78, "nothing was sent");
    c.depth("BTCUSDT", Some(1000)).await.unwrap(); // 50 fits
    assert_eq!(sim.used_weight(), 128);
    // The header now says 128 > 100: the limiter refuses even a ping.
    assert!(matches!(
        c.ping().await.unwrap_err(),
        RestError::LocalRateLimit { .. }
    ));
}

#[tokio::test]
async fn http_429_is_a_typed_rate_limit_never_retried() {
    let (server, sim, client) = start().await;
    sim.reject_next_rest(429, 3);
    let err = client.ticker_24hr("BTCUSDT").await.unwrap_err();
    match &err {
        RestError::RateLimited {
            venue,
            status,
            retry_after,
            banned,
            message,
        } => {
            assert_eq!((*venue, *status, *banned), (Venue::Binance, 429, false));
            assert_eq!(*retry_after, Some(Duration::from_secs(3)));
            assert!(
                message.as_deref().unwrap().contains("request weight"),
                "{message:?}"
            );
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(
        Error::from(err),
        Error::RateLimited {
            venue: Venue::Binance,
            retry_after_ms: Some(3000)
        }
    );

    // Until Retry-After has passed, this client sends nothing.
    let weight = sim.used_weight();
    let again = client.ping().await.unwrap_err();
    assert!(
        matches!(again, RestError::RateLimited { status: 429, banned: false, retry_after: Some(d), .. } if d <= Duration::from_secs(3)),
        "{again:?}"
    );
    assert_eq!(sim.used_weight(), weight);

    // The simulator rejected one request only: another client goes through.
    BinancePublicRest::new(server.http_url())
        .unwrap()
        .ping()
        .await
        .unwrap();
}

#[tokio::test]
async fn http_418_is_a_ban() {
    let (_server, sim, client) = start().await;
    sim.reject_next_rest(418, 120);
    let err = client.depth("BTCUSDT", None).await.unwrap_err();
    assert!(
        matches!(
            err,
            RestError::RateLimited {
                status: 418,
                banned: true,
                retry_after: Some(d),
                ..
            } if d == Duration::from_secs(120)
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("IP banned"), "{err}");
}

#[tokio::test]
async fn invalid_symbol_is_a_venue_error_with_code_and_message() {
    let (_server, _sim, client) = start().await;
    let expect_1121 = |err: RestError| {
        assert!(
            matches!(
                &err,
                RestError::Venue { venue: Venue::Binance, status: 400, code, message }
                    if code == "-1121" && message == "Invalid symbol."
            ),
            "{err:?}"
        );
        assert_eq!(
            Error::from(err),
            Error::venue(Venue::Binance, -1121, "Invalid symbol.")
        );
    };
    expect_1121(client.ticker_24hr("NOPEUSDT").await.unwrap_err());
    expect_1121(client.depth("NOPEUSDT", None).await.unwrap_err());
    expect_1121(client.recent_trades("NOPEUSDT", None).await.unwrap_err());
    expect_1121(
        client
            .klines(&KlinesRequest::new("NOPEUSDT", Timeframe::M1))
            .await
            .unwrap_err(),
    );
    expect_1121(
        client
            .exchange_info(&ExchangeInfoRequest::symbols(["NOPEUSDT"]))
            .await
            .unwrap_err(),
    );
    // Invalid arguments are refused locally, before sending.
    let err = client
        .recent_trades("BTCUSDT", Some(5000))
        .await
        .unwrap_err();
    assert!(matches!(err, RestError::InvalidRequest(_)), "{err:?}");
}

#[test]
fn base_urls() {
    assert_eq!(
        BinancePublicRest::production().unwrap().base_url(),
        "https://api.binance.com"
    );
    assert_eq!(
        BinancePublicRest::market_data().unwrap().base_url(),
        "https://data-api.binance.vision"
    );
    assert_eq!(
        BinancePublicRest::testnet().unwrap().base_url(),
        "https://testnet.binance.vision"
    );
    assert!(matches!(
        BinancePublicRest::new("not a url"),
        Err(RestError::InvalidUrl(_))
    ));
    let c = BinancePublicRest::new("http://127.0.0.1:1/").unwrap();
    assert_eq!(c.base_url(), "http://127.0.0.1:1");
    assert!(format!("{c:?}").contains("127.0.0.1:1"));
}
