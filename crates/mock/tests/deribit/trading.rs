//! Orders: buy → user.orders notification → edit → cancel, market fills, positions.

use super::common::*;
use serde_json::json;
use tradewire_mock::deribit::{DOC_CLIENT_ID, Decimal, DeribitSim};

#[tokio::test]
async fn buy_notify_edit_cancel() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    sim.pause_market();
    let mut c = connect(&server).await;
    c.auth().await;
    let ch = "user.orders.BTC-PERPETUAL.raw";
    // user.* channels are private.
    assert_eq!(
        c.ok("public/subscribe", json!({"channels": [ch]})).await,
        json!([])
    );
    assert_eq!(
        c.ok("private/subscribe", json!({"channels": [ch]})).await,
        json!([ch])
    );

    let top = sim.book_top("BTC-PERPETUAL", 1).unwrap();
    let below = top.bids[0].0 - Decimal::new(100, 0);
    let r = c
        .ok(
            "private/buy",
            json!({"instrument_name": "BTC-PERPETUAL", "amount": 40, "type": "limit",
                   "price": below.to_string().parse::<f64>().unwrap(), "label": "mine"}),
        )
        .await;
    let order = &r["order"];
    assert_eq!(order["order_state"], "open");
    assert_eq!(order["order_type"], "limit");
    assert_eq!(order["direction"], "buy");
    assert_eq!(order["amount"], 40);
    assert_eq!(order["filled_amount"], 0);
    assert_eq!(order["label"], "mine");
    assert_eq!(order["instrument_name"], "BTC-PERPETUAL");
    assert!(order["creation_timestamp"].is_i64());
    assert_eq!(r["trades"], json!([]));
    let id = order["order_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("BTC-"));

    let n = c.notification(ch).await;
    assert_eq!(n["order_id"], id.as_str());
    assert_eq!(n["order_state"], "open");

    let open = c
        .ok(
            "private/get_open_orders_by_currency",
            json!({"currency": "BTC"}),
        )
        .await;
    assert_eq!(open.as_array().unwrap().len(), 1);

    let edited = c
        .ok("private/edit", json!({"order_id": id, "amount": 60, "price": below.to_string().parse::<f64>().unwrap() - 10.0}))
        .await;
    assert_eq!(edited["order"]["amount"], 60);
    let n = c.notification(ch).await;
    assert_eq!(n["amount"], 60);

    let cancelled = c.ok("private/cancel", json!({"order_id": id})).await;
    assert_eq!(cancelled["order_state"], "cancelled");
    let n = c.notification(ch).await;
    assert_eq!(n["order_state"], "cancelled");
    let v = c.call("private/cancel", json!({"order_id": id})).await;
    assert_error(&v, 10010, "already_closed");
    let v = c
        .call("private/get_order_state", json!({"order_id": "BTC-999999"}))
        .await;
    assert_error(&v, 10004, "order_not_found");
    let state = c
        .ok("private/get_order_state", json!({"order_id": id}))
        .await;
    assert_eq!(state["order_state"], "cancelled");

    let orders = sim.orders(DOC_CLIENT_ID);
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].order_state, "cancelled");
    assert_eq!(sim.requests_received("private/edit"), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn market_order_fills_against_the_book_and_moves_position() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    sim.pause_market();
    let mut c = connect(&server).await;
    c.auth().await;
    let trades_ch = "user.trades.BTC-PERPETUAL.raw";
    let portfolio = "user.portfolio.btc";
    c.ok(
        "private/subscribe",
        json!({"channels": [trades_ch, portfolio]}),
    )
    .await;
    let best_ask = sim.book_top("BTC-PERPETUAL", 1).unwrap().asks[0];
    let r = c
        .ok(
            "private/buy",
            json!({"instrument_name": "BTC-PERPETUAL", "amount": 100, "type": "market"}),
        )
        .await;
    assert_eq!(r["order"]["order_state"], "filled");
    assert_eq!(r["order"]["filled_amount"], 100);
    let fills = r["trades"].as_array().unwrap();
    assert!(!fills.is_empty());
    assert_eq!(
        fills[0]["price"].as_f64().unwrap(),
        best_ask.0.to_string().parse::<f64>().unwrap()
    );
    assert_eq!(fills[0]["liquidity"], "T");
    let total: f64 = fills.iter().map(|f| f["amount"].as_f64().unwrap()).sum();
    assert_eq!(total, 100.0);

    let ut = c.notification(trades_ch).await;
    assert_eq!(ut[0]["order_id"], r["order"]["order_id"]);
    let p = c.notification(portfolio).await;
    assert_eq!(p["currency"], "BTC");

    let pos = c
        .ok(
            "private/get_position",
            json!({"instrument_name": "BTC-PERPETUAL"}),
        )
        .await;
    assert_eq!(pos["size"], 100);
    assert_eq!(pos["direction"], "buy");
    let positions = c
        .ok(
            "private/get_positions",
            json!({"currency": "BTC", "kind": "future"}),
        )
        .await;
    assert_eq!(positions.as_array().unwrap().len(), 1);
    assert_eq!(
        sim.position(DOC_CLIENT_ID, "BTC-PERPETUAL").unwrap().size,
        Decimal::new(100, 0)
    );

    // Close with a reduce-only sell; the position goes flat.
    let r = c
        .ok(
            "private/sell",
            json!({"instrument_name": "BTC-PERPETUAL", "amount": 200, "type": "market", "reduce_only": true}),
        )
        .await;
    assert_eq!(r["order"]["amount"], 100);
    assert_eq!(r["order"]["order_state"], "filled");
    assert!(
        sim.position(DOC_CLIENT_ID, "BTC-PERPETUAL")
            .unwrap()
            .size
            .is_zero()
    );
    let positions = c
        .ok("private/get_positions", json!({"currency": "BTC"}))
        .await;
    assert_eq!(positions, json!([]));
    let trades = c
        .ok(
            "private/get_user_trades_by_instrument",
            json!({"instrument_name": "BTC-PERPETUAL", "count": 100}),
        )
        .await;
    assert!(trades["trades"].as_array().unwrap().len() >= 2);
    server.shutdown().await;
}

#[tokio::test]
async fn resting_limit_fills_when_crossing_and_cancel_all() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    sim.pause_market();
    let mut c = connect(&server).await;
    c.auth().await;
    let ask = sim.book_top("BTC-PERPETUAL", 1).unwrap().asks[0].0;
    let price = ask.to_string().parse::<f64>().unwrap();
    // A limit buy at the best ask crosses at once.
    let r = c
        .ok(
            "private/buy",
            json!({"instrument_name": "BTC-PERPETUAL", "amount": 10, "price": price}),
        )
        .await;
    assert_eq!(r["order"]["order_state"], "filled");
    assert_eq!(r["order"]["average_price"].as_f64().unwrap(), price);
    // post_only never takes: its price moves below the spread.
    let r = c
        .ok(
            "private/buy",
            json!({"instrument_name": "BTC-PERPETUAL", "amount": 10, "price": price + 100.0, "post_only": true}),
        )
        .await;
    assert_eq!(r["order"]["order_state"], "open");
    assert!(r["order"]["price"].as_f64().unwrap() < price);
    c.ok(
        "private/sell",
        json!({"instrument_name": "ETH-PERPETUAL", "amount": 10, "price": 9000}),
    )
    .await;
    let n = c
        .ok(
            "private/cancel_all_by_instrument",
            json!({"instrument_name": "BTC-PERPETUAL"}),
        )
        .await;
    assert_eq!(n, 1);
    let n = c.ok("private/cancel_all", json!({})).await;
    assert_eq!(n, 1);
    let open = c
        .ok(
            "private/get_open_orders_by_currency",
            json!({"currency": "ETH"}),
        )
        .await;
    assert_eq!(open, json!([]));
    let v = c
        .call(
            "private/buy",
            json!({"instrument_name": "BTC-PERPETUAL", "amount": 15, "price": price}),
        )
        .await;
    assert_error(&v, 11029, "invalid_arguments");
    server.shutdown().await;
}
