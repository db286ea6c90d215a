//! `BinancePrivateRest` against the `tradewire-mock` Binance simulator over real HTTP on
//! 127.0.0.1: signed requests (HMAC and Ed25519), the order lifecycle, market fills moving
//! balances, signature / key / timestamp errors, and secrets kept out of `Debug` and errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use base64::Engine as _;
use tradewire_binance::private::rest::cancel_order::CancelOrderRequest;
use tradewire_binance::private::rest::new_order::{NewOrderRequest, ResponseType};
use tradewire_binance::private::rest::query_order::QueryOrderRequest;
use tradewire_binance::private::rest::{KeyType, account::AccountRequest};
use tradewire_binance::{BinancePrivateRest, BinancePublicRest};
use tradewire_core::{Credentials, Decimal, Error, OrderStatus, OrderType, Side, Venue};
use tradewire_mock::MockServer;
use tradewire_mock::binance::{AccountConfig, BinanceSim, DOC_API_KEY, DOC_SECRET_KEY, SimConfig};
use tradewire_rest::{Ed25519Signer, RestError};

async fn start() -> (MockServer, BinanceSim, BinancePrivateRest) {
    let (server, sim) = BinanceSim::start().await.unwrap();
    let client = BinancePrivateRest::new(
        server.http_url(),
        Credentials::new(DOC_API_KEY, DOC_SECRET_KEY),
    )
    .unwrap();
    (server, sim, client)
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn venue_code(err: &RestError) -> Option<&str> {
    match err {
        RestError::Venue { code, .. } => Some(code),
        _ => None,
    }
}

#[tokio::test]
async fn limit_order_lifecycle_place_query_list_cancel() {
    let (_server, sim, client) = start().await;
    let offset = client.sync_time().await.unwrap();
    assert!(offset.abs() < 1_000, "{offset}");
    assert_eq!(client.time_offset_ms(), offset);

    // Far below the market so it rests: half the last price, on the 0.01 tick.
    let last = d(&sim.last_price("BTCUSDT").unwrap());
    let price = (last / Decimal::TWO).round_dp(2);
    let qty = d("0.001");
    let usdt_before = client.account().await.unwrap().balance("USDT").unwrap();
    assert_eq!(usdt_before.locked, Decimal::ZERO);

    let req =
        NewOrderRequest::limit("BTCUSDT", Side::Buy, qty, price).with_client_order_id("tw-limit-1");
    let placed = client.new_order(&req).await.unwrap();
    assert_eq!(placed.venue, Venue::Binance);
    assert_eq!(placed.venue_symbol, "BTCUSDT");
    assert_eq!(placed.symbol.as_ref().map(|s| s.as_str()), Some("BTC/USDT"));
    assert_eq!(placed.client_id.as_deref(), Some("tw-limit-1"));
    assert_eq!(
        (placed.side, placed.order_type, placed.status),
        (Side::Buy, OrderType::Limit, OrderStatus::Open)
    );
    assert_eq!(
        (placed.price, placed.amount, placed.filled),
        (Some(price), qty, Decimal::ZERO)
    );
    let id: u64 = placed.id.parse().unwrap();

    // The quote asset is locked by the resting order.
    let usdt = client.account().await.unwrap().balance("USDT").unwrap();
    assert_eq!(usdt.locked, qty * price);
    assert_eq!(usdt.free, usdt_before.free - qty * price);

    let by_id = client
        .query_order(&QueryOrderRequest::by_id("BTCUSDT", id))
        .await
        .unwrap();
    assert_eq!(
        (by_id.id.as_str(), by_id.status),
        (placed.id.as_str(), OrderStatus::Open)
    );
    assert_eq!(by_id.price, Some(price));
    let by_client = client
        .query_order(&QueryOrderRequest::by_client_id("BTCUSDT", "tw-limit-1"))
        .await
        .unwrap();
    assert_eq!(by_client.id, placed.id);

    let open = client.open_orders(Some("BTCUSDT")).await.unwrap();
    assert!(open.iter().any(|o| o.id == placed.id), "{open:?}");
    let all = client.open_orders(None).await.unwrap();
    assert!(all.iter().any(|o| o.id == placed.id));

    let cancelled = client
        .cancel_order(&CancelOrderRequest::by_id("BTCUSDT", id))
        .await
        .unwrap();
    assert_eq!(cancelled.id, placed.id);
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(cancelled.client_id.as_deref(), Some("tw-limit-1"));
    assert_eq!(
        client
            .query_order(&QueryOrderRequest::by_id("BTCUSDT", id))
            .await
            .unwrap()
            .status,
        OrderStatus::Cancelled
    );
    assert!(
        !client
            .open_orders(Some("BTCUSDT"))
            .await
            .unwrap()
            .iter()
            .any(|o| o.id == placed.id)
    );
    let usdt = client.account().await.unwrap().balance("USDT").unwrap();
    assert_eq!((usdt.free, usdt.locked), (usdt_before.free, Decimal::ZERO));

    // errors.md "-2011 CANCEL_REJECTED": cancelling again.
    let err = client
        .cancel_order(&CancelOrderRequest::by_id("BTCUSDT", id))
        .await
        .unwrap_err();
    assert_eq!(venue_code(&err), Some("-2011"), "{err:?}");
    // errors.md "-2013 NO_SUCH_ORDER".
    let err = client
        .query_order(&QueryOrderRequest::by_id("BTCUSDT", 999_999_999))
        .await
        .unwrap_err();
    assert_eq!(venue_code(&err), Some("-2013"), "{err:?}");
}

#[tokio::test]
async fn market_orders_fill_and_move_balances() {
    let (_server, sim, client) = start().await;
    let before = client.account().await.unwrap();
    let btc0 = before.balance("BTC").unwrap();
    let usdt0 = before.balance("USDT").unwrap();

    let req = NewOrderRequest::market("BTCUSDT", Side::Buy, d("0.01"))
        .with_response_type(ResponseType::Full);
    let resp = client.new_order_response(&req).await.unwrap();
    assert_eq!(resp.status.as_deref(), Some("FILLED"));
    assert!(!resp.fills.is_empty());
    let order = resp.to_order(&req).unwrap();
    assert_eq!(
        (order.order_type, order.status),
        (OrderType::Market, OrderStatus::Filled)
    );
    assert_eq!((order.filled, order.price), (d("0.01"), None));
    let spent = resp.cummulative_quote_qty.unwrap();
    assert_eq!(order.avg_price, Some((spent / d("0.01")).normalize()));
    let fee_btc: Decimal = resp
        .fills
        .iter()
        .filter(|f| f.commission_asset == "BTC")
        .map(|f| f.commission)
        .sum();
    let filled: Decimal = resp.fills.iter().map(|f| f.qty).sum();
    assert_eq!(filled, d("0.01"));

    let after = client.account().await.unwrap();
    let btc1 = after.balance("BTC").unwrap();
    let usdt1 = after.balance("USDT").unwrap();
    assert_eq!(btc1.free, btc0.free + d("0.01") - fee_btc);
    assert_eq!(usdt1.free, usdt0.free - spent);
    assert_eq!(btc1.time, Some(after.update_time));
    // The simulator's own ledger agrees.
    assert_eq!(sim.balance(DOC_API_KEY, "BTC").unwrap().free, btc1.free);

    // Selling for a quote amount: the USDT balance grows.
    let sell = client
        .new_order(&NewOrderRequest::market_quote(
            "BTCUSDT",
            Side::Sell,
            d("100"),
        ))
        .await
        .unwrap();
    assert_eq!((sell.side, sell.status), (Side::Sell, OrderStatus::Filled));
    let usdt2 = client
        .balances()
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.asset == "USDT")
        .unwrap();
    assert!(usdt2.free > usdt1.free);

    // An ACK response: accepted, state from the request.
    let ack_req = NewOrderRequest::market("BTCUSDT", Side::Buy, d("0.001"))
        .with_response_type(ResponseType::Ack);
    let ack = client.new_order_response(&ack_req).await.unwrap();
    assert!(ack.is_ack());
    let ack_order = client.new_order(&ack_req).await.unwrap();
    assert_eq!(
        (ack_order.status, ack_order.amount),
        (OrderStatus::Open, d("0.001"))
    );
    let real = client
        .query_order(&QueryOrderRequest::by_id(
            "BTCUSDT",
            ack_order.id.parse().unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(real.status, OrderStatus::Filled);

    // Venue rejections keep their code: a LIMIT_MAKER buy above the market would take (-2010).
    let last = d(&sim.last_price("BTCUSDT").unwrap());
    let err = client
        .new_order(&NewOrderRequest::limit_maker(
            "BTCUSDT",
            Side::Buy,
            d("0.001"),
            (last * d("1.5")).round_dp(2),
        ))
        .await
        .unwrap_err();
    assert_eq!(venue_code(&err), Some("-2010"), "{err:?}");
    // omitZeroBalances.
    let non_zero = client
        .account_with(&AccountRequest::non_zero())
        .await
        .unwrap();
    assert!(
        non_zero
            .balances
            .iter()
            .all(|b| !(b.free.is_zero() && b.locked.is_zero()))
    );
}

#[tokio::test]
async fn bad_secret_is_a_typed_signature_error() {
    let (server, _sim, _client) = start().await;
    let wrong = "wrong-secret-0123456789";
    let client =
        BinancePrivateRest::new(server.http_url(), Credentials::new(DOC_API_KEY, wrong)).unwrap();
    let err = client.account().await.unwrap_err();
    match &err {
        RestError::Venue {
            venue,
            status,
            code,
            message,
        } => {
            assert_eq!((*venue, *status), (Venue::Binance, 400));
            assert_eq!(code, "-1022");
            assert_eq!(message, "Signature for this request is not valid.");
        }
        other => panic!("expected a venue error, got {other:?}"),
    }
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains(wrong) && !shown.contains(DOC_API_KEY),
        "{shown}"
    );
    assert_eq!(
        Error::from(err),
        Error::venue(
            Venue::Binance,
            -1022,
            "Signature for this request is not valid."
        )
    );

    // errors.md "-2015 REJECTED_MBX_KEY": an unknown key (HTTP 401 with a venue body).
    let unknown =
        BinancePrivateRest::new(server.http_url(), Credentials::new("unknownKey", "x")).unwrap();
    let err = unknown.account().await.unwrap_err();
    assert!(
        matches!(&err, RestError::Venue { status: 401, code, .. } if code == "-2015"),
        "{err:?}"
    );
}

#[tokio::test]
async fn timestamp_outside_recv_window_then_sync_time() {
    let (server, _sim, _client) = start().await;
    let client = BinancePrivateRest::builder(
        server.http_url(),
        Credentials::new(DOC_API_KEY, DOC_SECRET_KEY),
    )
    .recv_window(Duration::from_millis(2_000))
    .build()
    .unwrap();
    assert_eq!(client.auth().recv_window(), Some("2000"));
    // A local clock 10 s behind: errors.md "-1021 INVALID_TIMESTAMP".
    client.set_time_offset_ms(-10_000);
    let err = client.account().await.unwrap_err();
    assert_eq!(venue_code(&err), Some("-1021"), "{err:?}");
    // 10 s ahead.
    client.set_time_offset_ms(10_000);
    assert_eq!(
        venue_code(&client.account().await.unwrap_err()),
        Some("-1021")
    );
    // Measuring the offset against the server fixes it.
    client.sync_time().await.unwrap();
    client.account().await.unwrap();
}

#[tokio::test]
async fn ed25519_key_signs_requests() {
    // RFC 8032 section 7.1 TEST 1 secret key; the simulator knows its public key.
    let seed: Vec<u8> = (0..32)
        .map(|i| {
            u8::from_str_radix(
                &"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
                    [i * 2..i * 2 + 2],
                16,
            )
            .unwrap()
        })
        .collect();
    let public_key = Ed25519Signer::from_secret_bytes(&seed)
        .unwrap()
        .public_key();
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&seed);
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(&der)
    );
    let mut config = SimConfig::default();
    config.accounts.push(
        AccountConfig::ed25519("tradewireEd25519Key", public_key)
            .with_balance("USDT", Decimal::new(1_000, 0)),
    );
    let (server, _sim) = BinanceSim::start_with(config).await.unwrap();
    let client = BinancePrivateRest::new_ed25519(
        server.http_url(),
        Credentials::new("tradewireEd25519Key", pem.clone()),
    )
    .unwrap();
    assert_eq!(client.key_type(), KeyType::Ed25519);
    let balances = client.balances().await.unwrap();
    let usdt = balances.iter().find(|b| b.asset == "USDT").unwrap();
    assert_eq!(usdt.free, d("1000"));
    let order = client
        .new_order(&NewOrderRequest::market_quote(
            "BTCUSDT",
            Side::Buy,
            d("50"),
        ))
        .await
        .unwrap();
    assert_eq!(order.status, OrderStatus::Filled);
    assert!(!format!("{client:?}").contains("MC4CAQ"));

    // The same key read as an HMAC secret: the signature is rejected.
    let hmac = BinancePrivateRest::new(
        server.http_url(),
        Credentials::new("tradewireEd25519Key", pem),
    )
    .unwrap();
    assert_eq!(
        venue_code(&hmac.account().await.unwrap_err()),
        Some("-1022")
    );
}

#[tokio::test]
async fn public_and_private_clients_share_one_weight_budget() {
    let (server, sim, _client) = start().await;
    let limiter = tradewire_binance::public::rest::weight_limiter(6000);
    let public = BinancePublicRest::builder(server.http_url())
        .rate_limiter(limiter.clone())
        .build()
        .unwrap();
    let private = BinancePrivateRest::builder(
        server.http_url(),
        Credentials::new(DOC_API_KEY, DOC_SECRET_KEY),
    )
    .rate_limiter(limiter.clone())
    .build()
    .unwrap();
    public.ping().await.unwrap();
    private.account().await.unwrap(); // weight 20
    let used = limiter.usage().weight.unwrap().0;
    assert!(used >= 21, "{used}");
    assert!(sim.used_weight() >= 21);
    assert!(std::sync::Arc::ptr_eq(
        public.rate_limiter(),
        private.rate_limiter()
    ));
}

#[test]
fn credentials_are_required_and_never_shown() {
    let e = BinancePrivateRest::new("http://127.0.0.1:1", Credentials::new("", "")).unwrap_err();
    assert!(matches!(e, RestError::InvalidRequest(_)), "{e:?}");
    let e = BinancePrivateRest::new("http://127.0.0.1:1", Credentials::new("key", "")).unwrap_err();
    assert!(matches!(e, RestError::InvalidRequest(_)), "{e:?}");
    let e = BinancePrivateRest::new_ed25519(
        "http://127.0.0.1:1",
        Credentials::new("key", "not-a-pem-SECRETVALUE"),
    )
    .unwrap_err();
    assert!(matches!(e, RestError::Signing(_)));
    assert!(!format!("{e} {e:?}").contains("SECRETVALUE"));
    let e = BinancePrivateRest::builder(
        "http://127.0.0.1:1",
        Credentials::new(DOC_API_KEY, DOC_SECRET_KEY),
    )
    .recv_window(Duration::from_secs(61))
    .build()
    .unwrap_err();
    assert!(matches!(e, RestError::InvalidRequest(_)));

    let builder = BinancePrivateRest::builder(
        "http://127.0.0.1:1",
        Credentials::new(DOC_API_KEY, DOC_SECRET_KEY),
    )
    .recv_window(Duration::from_millis(5000));
    let shown = format!("{builder:?}");
    let client = builder.build().unwrap();
    let shown = format!("{shown} {client:?} {client:#?} {:?}", client.auth());
    assert!(!shown.contains(DOC_SECRET_KEY), "secret leaked: {shown}");
    assert!(!shown.contains(DOC_API_KEY), "API key leaked: {shown}");
    assert!(
        shown.contains("127.0.0.1:1") && shown.contains("Hmac"),
        "{shown}"
    );
    assert_eq!(
        BinancePrivateRest::production(Credentials::new("k", "s"))
            .unwrap()
            .base_url(),
        "https://api.binance.com"
    );
    assert_eq!(
        BinancePrivateRest::testnet(Credentials::new("k", "s"))
            .unwrap()
            .base_url(),
        "https://testnet.binance.vision"
    );
}
