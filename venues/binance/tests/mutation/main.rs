//! Mutation tests: the Binance decoders never panic on anything a network can send.
//!
//! The corpus is every JSON frame the crate already carries (raw string literals in `src/`,
//! `tests/` and `benches/`: the venue's documented examples and the simulator tests' frames).
//! Each frame is truncated at every byte boundary (a stride in the middle of long frames),
//! mutated byte by byte (digits ↔ letters, quotes removed, `{` ↔ `[`, spliced `null`, `1e400`,
//! `99999999999999999999999999999`, negative numbers, empty strings, deep nesting, invalid
//! UTF-8), and has every JSON value swapped for another type; random and hostile inputs
//! (10,000 `[`, 100 kB strings) come on top. Every input goes through every entry point,
//! normalization included; a decode must return `Ok` or an error whose `Display` is non-empty
//! and at most [`mutate::MAX_ERROR_LEN`] characters. Seeds are fixed: runs are reproducible.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mutate;

use mutate::{Decoder, Rng, err, run, text};
use tradewire_binance::private::rest::account::AccountInfo;
use tradewire_binance::private::rest::cancel_order::CancelOrderResponse;
use tradewire_binance::private::rest::new_order::{NewOrderRequest, NewOrderResponse};
use tradewire_binance::private::rest::query_order::OrderInfo;
use tradewire_binance::private::websocket::{
    AccountStatusResponse, OrderReport, SessionStatus, WsApiMessage,
};
use tradewire_binance::public::rest::exchange_info::ExchangeInfo;
use tradewire_binance::public::rest::ticker_24hr::Ticker24hr;
use tradewire_binance::public::rest::time::ServerTime;
use tradewire_binance::public::rest::trades::RecentTrade;
use tradewire_binance::{
    BinanceMessage, DepthSnapshot, RestKline, SymbolMap, WsApiResponse, klines_to_candles,
};
use tradewire_core::{Decimal, OrderBook, SequenceRule, Side, Timeframe};
use tradewire_websockets::{Frame, WsMessage};

/// The input as the socket delivers it: a text frame, or a binary one when not UTF-8.
fn frame(input: &[u8]) -> Frame {
    match std::str::from_utf8(input) {
        Ok(s) => Frame::text(s.to_owned()),
        Err(_) => Frame::binary(input.to_vec()),
    }
}

/// The public stream codec, as the public client's event stream calls it (text and binary
/// frames) and as `tradewire decode` calls it (`decode_str`), then normalized.
fn public_stream(input: &[u8]) -> Result<(), String> {
    let frame = frame(input);
    let decoded = BinanceMessage::decode(&frame).map_err(err)?;
    // `decode` of a text frame is `decode_str`; `tradewire decode` also reads binary lines
    // as (lossy) text.
    let by_str = match std::str::from_utf8(input) {
        Ok(_) => Ok(None),
        Err(_) => BinanceMessage::decode_str(&text(input)),
    };
    if let Some(m) = decoded {
        let _ = (m.kind(), m.dedupe_key());
        let events: Vec<_> = m.market_events().collect();
        let owned: Vec<_> = m.into_market_events().collect();
        assert_eq!(events.len(), owned.len());
        for e in &events {
            serde_json::to_string(e).map_err(err)?;
        }
    }
    by_str.map(drop).map_err(err)
}

/// The public stream codec feeding a local book: decoded depth updates applied to an
/// `OrderBook` (errors are typed `BookError`s).
fn public_stream_book(input: &[u8]) -> Result<(), String> {
    let Some(m) = BinanceMessage::decode_str(&text(input)).map_err(err)? else {
        return Ok(());
    };
    for event in m.into_market_events() {
        if let tradewire_core::MarketEvent::Book(update) = event {
            mutate::apply_round(update, SequenceRule::BinanceSpot);
        }
    }
    Ok(())
}

/// The WebSocket API codec (responses, user data events), its replies' typed results, and
/// the normalized orders and balances.
fn private_ws(input: &[u8]) -> Result<(), String> {
    let frame = frame(input);
    let msg = WsApiMessage::decode(&frame).map_err(err)?;
    let Some(msg) = msg else { return Ok(()) };
    let _ = format!("{msg:?}");
    match msg {
        WsApiMessage::Response(reply) => {
            let _ = (reply.numeric_id(), reply.is_ok(), reply.result_json());
            let report = reply.clone().into_result::<OrderReport>("order");
            if let Ok(r) = &report {
                let _ = (r.order_status(), r.to_order());
            }
            if let Ok(a) = reply
                .clone()
                .into_result::<AccountStatusResponse>("account")
            {
                let _ = a.to_balances();
            }
            let _ = reply.clone().into_result::<Vec<OrderReport>>("orders");
            let _ = reply.clone().into_result::<SessionStatus>("session");
            let e = reply
                .into_result::<serde_json::Value>("any")
                .map(drop)
                .map_err(err);
            if let Err(e) = &e {
                assert!(!e.is_empty());
            }
            Ok(())
        }
        WsApiMessage::UserData { event, .. } => {
            let _ = (event.order(), event.balances(), format!("{event:?}"));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// REST and WebSocket API market-data responses.
fn rest_market(input: &[u8]) -> Result<(), String> {
    let t = text(input);
    let depth = DepthSnapshot::parse(&t).map(|d| {
        let update = d.into_book_update("BTCUSDT");
        let mut book = OrderBook::new(SequenceRule::BinanceSpot);
        let _ = book.apply(&update);
    });
    let klines = RestKline::parse_list(&t).map(|k| {
        let _ = klines_to_candles(&k, "BTCUSDT", Timeframe::M1, Some(1_700_000_000_000));
        let _ = klines_to_candles(&k, "X", Timeframe::W1, None);
    });
    let ws_depth = WsApiResponse::<DepthSnapshot>::parse(&t).map(|r| {
        if let Err(e) = &r.result {
            let _ = e.to_error().to_string();
        }
    });
    let ws_klines = WsApiResponse::<Vec<RestKline>>::parse(&t);
    // Report the first error (each is checked for its size below by `run` only once).
    for e in [depth.err(), klines.err(), ws_depth.err(), ws_klines.err()]
        .into_iter()
        .flatten()
    {
        let shown = e.to_string();
        if shown.is_empty() || shown.chars().count() > mutate::MAX_ERROR_LEN {
            return Err(shown);
        }
    }
    Ok(())
}

/// REST response bodies the REST clients decode (serde) and normalize.
fn rest_bodies(input: &[u8]) -> Result<(), String> {
    let t = text(input);
    let mut errors = Vec::new();
    match ExchangeInfo::parse(&t) {
        Ok(info) => {
            let _ = (info.symbol_map(), info.request_weight_limit());
            for s in &info.symbols {
                let _ = (
                    s.is_trading(),
                    s.canonical(),
                    s.price_filter(),
                    s.lot_size(),
                );
                let _ = (s.market_lot_size(), s.notional(), s.min_notional());
            }
        }
        Err(e) => errors.push(e.to_string()),
    }
    if let Err(e) = SymbolMap::from_exchange_info(&t) {
        errors.push(e.to_string());
    }
    // The REST client decodes these with serde (its errors are `tradewire_rest`'s); the
    // conversions behind them are the crate's.
    if let Ok(a) = serde_json::from_str::<AccountInfo>(&t) {
        let _ = (a.balances(), a.balance("BTC"));
    }
    if let Ok(c) = serde_json::from_str::<CancelOrderResponse>(&t) {
        if let Err(e) = c.to_order() {
            errors.push(e.to_string());
        }
    }
    if let Ok(r) = serde_json::from_str::<NewOrderResponse>(&t) {
        let request = NewOrderRequest::limit(
            "BTCUSDT",
            Side::Buy,
            Decimal::new(1, 3),
            Decimal::new(50_000, 0),
        );
        let _ = r.is_ack();
        if let Err(e) = r.to_order(&request) {
            errors.push(e.to_string());
        }
    }
    if let Ok(orders) = serde_json::from_str::<Vec<OrderInfo>>(&t) {
        for o in orders {
            let _ = o.to_order();
        }
    }
    if let Ok(o) = serde_json::from_str::<OrderInfo>(&t) {
        if let Err(e) = o.to_order() {
            errors.push(e.to_string());
        }
    }
    if let Ok(tk) = serde_json::from_str::<Ticker24hr>(&t) {
        let _ = tk.to_ticker();
    }
    if let Ok(trades) = serde_json::from_str::<Vec<RecentTrade>>(&t) {
        for tr in trades {
            let _ = tr.to_trade("BTCUSDT");
        }
    }
    let _ = serde_json::from_str::<ServerTime>(&t);
    for e in errors {
        if e.is_empty() || e.chars().count() > mutate::MAX_ERROR_LEN {
            return Err(e);
        }
    }
    Ok(())
}

/// The transport's own codecs (`Frame` passes through, `String` refuses binary frames) and
/// the excerpt every `DecodeError` keeps.
fn transport(input: &[u8]) -> Result<(), String> {
    let frame = frame(input);
    let _ = frame.excerpt(tradewire_websockets::EXCERPT_LEN);
    Frame::decode(&frame).map_err(err)?;
    String::decode(&frame).map(drop).map_err(err)
}

const DECODERS: &[Decoder] = &[
    Decoder {
        name: "BinanceMessage::decode",
        call: public_stream,
    },
    Decoder {
        name: "BinanceMessage → OrderBook",
        call: public_stream_book,
    },
    Decoder {
        name: "WsApiMessage::decode",
        call: private_ws,
    },
    Decoder {
        name: "REST/WS API market data",
        call: rest_market,
    },
    Decoder {
        name: "REST bodies",
        call: rest_bodies,
    },
];

fn corpus() -> Vec<String> {
    let frames = mutate::corpus(&["src", "tests", "benches"]);
    assert!(frames.len() >= 100, "corpus has {} frames", frames.len());
    frames
}

/// Which decoders accept a frame as it is: its mutations go to those (where they reach the
/// deep code) and to the stream codecs every connection runs.
fn targets(frame: &str) -> Vec<&'static Decoder> {
    DECODERS
        .iter()
        .enumerate()
        .filter(|(i, d)| *i <= 2 || (d.call)(frame.as_bytes()).is_ok())
        .map(|(_, d)| d)
        .collect()
}

fn run_targeted(mutations: fn(&str, &mut Rng, &mut Vec<Vec<u8>>)) -> usize {
    let mut rng = Rng::new(0x7a3d_e5b1_0c9f_4e21);
    let mut calls = 0;
    for frame in corpus() {
        let mut inputs = Vec::new();
        mutations(&frame, &mut rng, &mut inputs);
        for d in targets(&frame) {
            calls += run(std::slice::from_ref(d), &inputs).calls;
        }
    }
    calls
}

#[test]
fn truncated_frames() {
    let calls = run_targeted(|f, _, out| mutate::truncations(f.as_bytes(), out));
    eprintln!("truncations: {calls} decodes");
}

#[test]
fn byte_mutations() {
    let calls = run_targeted(|f, rng, out| mutate::byte_mutations(f.as_bytes(), rng, 48, out));
    eprintln!("byte mutations: {calls} decodes");
}

#[test]
fn value_type_swaps() {
    let calls = run_targeted(|f, rng, out| mutate::value_swaps(f, rng, 1, out));
    eprintln!("value swaps: {calls} decodes");
}

#[test]
fn random_and_hostile_inputs() {
    let mut rng = Rng::new(0x5eed_0b1a_7c3e_9d01);
    let mut inputs = Vec::new();
    mutate::random_inputs(&mut rng, 2000, &mut inputs);
    mutate::hostile_inputs(&mut inputs);
    let mut tally = run(DECODERS, &inputs);
    let transport = Decoder {
        name: "tradewire_websockets Frame/String",
        call: transport,
    };
    tally.calls += run(&[transport], &inputs).calls;
    eprintln!("random/hostile: {} decodes", tally.calls);
}

#[test]
fn the_corpus_decodes() {
    // The unmutated frames are the baseline: most of them decode somewhere.
    let frames = corpus();
    let inputs: Vec<Vec<u8>> = frames.iter().map(|f| f.as_bytes().to_vec()).collect();
    let tally = run(DECODERS, &inputs);
    assert!(tally.ok >= frames.len() / 2, "{tally:?}");
}

#[test]
#[should_panic(expected = "PANIC \"boom\" on \"{\\\"e\\\"")]
fn the_runner_reports_a_panicking_decoder_with_its_input() {
    fn boom(input: &[u8]) -> Result<(), String> {
        if input.starts_with(b"{") {
            panic!("boom");
        }
        Err("no".into())
    }
    run(
        &[Decoder {
            name: "boom",
            call: boom,
        }],
        &[b"x".to_vec(), br#"{"e":1}"#.to_vec()],
    );
}
