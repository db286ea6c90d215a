//! Mutation tests: the Deribit decoders never panic on anything a network can send.
//!
//! The corpus is every JSON frame the crate already carries (raw string literals in `src/`
//! and `tests/`: the documented notifications and responses, the simulator tests' frames).
//! Each frame is truncated at every byte boundary, mutated byte by byte (digits ↔ letters,
//! quotes removed, `{` ↔ `[`, spliced `null`, `1e400`, `99999999999999999999999999999`,
//! negative numbers, empty strings, deep nesting, invalid UTF-8), and has every JSON value
//! swapped for another type; random and hostile inputs (10,000 `[`, 100 kB strings) come on
//! top. Every input goes through the message codec (notifications and JSON-RPC responses),
//! the typed results of every method and the normalization; a decode must return `Ok` or an
//! error whose `Display` is non-empty and at most [`mutate::MAX_ERROR_LEN`] characters.
//! The engine is the Binance suite's (`venues/binance/tests/mutation/mutate.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../binance/tests/mutation/mutate.rs"]
mod mutate;

use mutate::{Decoder, Rng, err, run, text};
use tradewire_core::{OrderBook, SequenceRule};
use tradewire_deribit::private::websocket::buy::OrderResponse;
use tradewire_deribit::private::websocket::get_position::DeribitPosition;
use tradewire_deribit::public::websocket::get_instruments::Instrument;
use tradewire_deribit::public::websocket::get_last_trades_by_instrument::LastTrades;
use tradewire_deribit::public::websocket::get_order_book::OrderBookSnapshot;
use tradewire_deribit::public::websocket::get_tradingview_chart_data::ChartData;
use tradewire_deribit::{
    AuthResult, DeribitMessage, DeribitOrder, DeribitPortfolio, DeribitTicker, DeribitTrade,
    Response,
};
use tradewire_websockets::rpc::Correlated;
use tradewire_websockets::rpc::jsonrpc::Envelope;
use tradewire_websockets::{Frame, WsMessage};

/// The codec the clients' event streams run (text and binary frames), then normalized and
/// fed to a local book as the clients do (`PrevSeq`).
fn message(input: &[u8]) -> Result<(), String> {
    let frame = match std::str::from_utf8(input) {
        Ok(s) => Frame::text(s.to_owned()),
        Err(_) => Frame::binary(input.to_vec()),
    };
    // The JSON-RPC envelope the request/response router parses first.
    if let Some(text) = frame.as_text() {
        if let Ok(envelope) = Envelope::parse(text) {
            let _ = (envelope.kind(), envelope.id, envelope.error.map(|e| e.code));
        }
    }
    let decoded = DeribitMessage::decode(&frame).map_err(err)?;
    // `decode` of a text frame is `decode_str`; `tradewire decode` also reads binary lines
    // as (lossy) text.
    let by_str = match std::str::from_utf8(input) {
        Ok(_) => Ok(None),
        Err(_) => DeribitMessage::decode_str(&text(input)),
    };
    if let Some(m) = decoded {
        let _ = (m.kind(), m.channel(), m.dedupe_key(), m.response_id());
        let _ = format!("{m:?}");
        for e in m.market_events() {
            serde_json::to_string(&e).map_err(err)?;
            if let tradewire_core::MarketEvent::Book(update) = e {
                mutate::apply_round(update, SequenceRule::PrevSeq);
            }
        }
        if let DeribitMessage::Response(r) = &m {
            response_results(r)?;
        }
    }
    by_str.map(drop).map_err(err)
}

/// A response's `result` as every method's typed result, normalized.
fn response_results(r: &Response) -> Result<(), String> {
    let mut errors = Vec::new();
    let mut note = |e: tradewire_deribit::Error| errors.push(e.to_string());
    match r.result::<OrderResponse>() {
        Ok(o) => {
            let _ = o.order.to_order();
            let _ = o.trades.iter().map(DeribitTrade::to_trade).count();
        }
        Err(e) => note(e),
    }
    match r.result::<Vec<DeribitOrder>>() {
        Ok(v) => {
            let _ = v.iter().map(DeribitOrder::to_order).count();
        }
        Err(e) => note(e),
    }
    if let Ok(o) = r.result::<DeribitOrder>() {
        let _ = (o.to_order(), o.price.map(|p| p.value()));
    }
    match r.result::<DeribitPosition>() {
        Ok(p) => {
            let _ = p.to_position();
        }
        Err(e) => note(e),
    }
    if let Ok(v) = r.result::<Vec<DeribitPosition>>() {
        let _ = v.iter().map(DeribitPosition::to_position).count();
    }
    if let Ok(v) = r.result::<Vec<Instrument>>() {
        let _ = v.iter().map(Instrument::symbol).count();
    }
    match r.result::<LastTrades>() {
        Ok(t) => {
            let _ = t.trades.iter().map(DeribitTrade::to_trade).count();
        }
        Err(e) => note(e),
    }
    match r.result::<OrderBookSnapshot>() {
        Ok(s) => {
            let mut book = OrderBook::new(SequenceRule::PrevSeq);
            let _ = book.apply(&s.to_book_update());
        }
        Err(e) => note(e),
    }
    match r.result::<ChartData>() {
        Ok(c) => {
            let _ = c.candles("BTC-PERPETUAL", "1");
            let _ = c.candles("BTC-PERPETUAL", "1D");
            let _ = c.candles("x", "-7");
        }
        Err(e) => note(e),
    }
    if let Err(e) = r.result::<AuthResult>() {
        note(e);
    }
    if let Ok(p) = r.result::<DeribitPortfolio>() {
        let _ = p.to_balance();
    }
    if let Ok(v) = r.result::<Vec<DeribitTrade>>() {
        let _ = v.iter().map(DeribitTrade::to_trade).count();
    }
    if let Ok(t) = r.result::<DeribitTicker>() {
        let _ = t.to_ticker();
    }
    let _ = r.result::<i64>();
    for e in errors {
        if e.is_empty() || e.chars().count() > mutate::MAX_ERROR_LEN {
            return Err(e);
        }
    }
    Ok(())
}

const DECODERS: &[Decoder] = &[Decoder {
    name: "DeribitMessage::decode",
    call: message,
}];

fn corpus() -> Vec<String> {
    let frames = mutate::corpus(&["src", "tests"]);
    assert!(frames.len() >= 40, "corpus has {} frames", frames.len());
    frames
}

/// Frames that are not whole JSON-RPC messages (results, data objects) are wrapped as a
/// response's `result` and a notification's `data`, so their mutations reach the typed
/// decoders behind the envelope.
fn enveloped(frames: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for f in frames {
        if DeribitMessage::decode_str(f).is_ok() {
            out.push(f.clone());
        } else {
            out.push(format!(r#"{{"jsonrpc":"2.0","id":7,"result":{f}}}"#));
        }
    }
    out
}

fn inputs(mutations: impl Fn(&str, &mut Rng, &mut Vec<Vec<u8>>)) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(0x0de7_1b17_5eed_0042);
    let mut out = Vec::new();
    for f in enveloped(&corpus()) {
        mutations(&f, &mut rng, &mut out);
    }
    out
}

#[test]
fn truncated_frames() {
    let inputs = inputs(|f, _, out| mutate::truncations(f.as_bytes(), out));
    let tally = run(DECODERS, &inputs);
    eprintln!("truncations: {tally:?}");
}

#[test]
fn byte_mutations() {
    let inputs = inputs(|f, rng, out| mutate::byte_mutations(f.as_bytes(), rng, 256, out));
    let tally = run(DECODERS, &inputs);
    eprintln!("byte mutations: {tally:?}");
}

#[test]
fn value_type_swaps() {
    let inputs = inputs(|f, rng, out| mutate::value_swaps(f, rng, 4, out));
    let tally = run(DECODERS, &inputs);
    eprintln!("value swaps: {tally:?}");
}

#[test]
fn random_and_hostile_inputs() {
    let mut rng = Rng::new(0x5eed_de41_b170_0001);
    let mut inputs = Vec::new();
    mutate::random_inputs(&mut rng, 2000, &mut inputs);
    mutate::hostile_inputs(&mut inputs);
    // Hostile values inside a valid envelope and notification.
    for bad in [
        mutate::nested(10_000),
        "[".repeat(10_000),
        "9".repeat(100_000),
    ] {
        inputs.push(format!(r#"{{"jsonrpc":"2.0","id":1,"result":{bad}}}"#).into_bytes());
        inputs.push(
            format!(r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"book.BTC-PERPETUAL.raw","data":{bad}}}}}"#)
                .into_bytes(),
        );
    }
    let tally = run(DECODERS, &inputs);
    eprintln!("random/hostile: {tally:?}");
}

#[test]
fn the_corpus_decodes() {
    let frames = enveloped(&corpus());
    let inputs: Vec<Vec<u8>> = frames.iter().map(|f| f.as_bytes().to_vec()).collect();
    let tally = run(DECODERS, &inputs);
    assert!(tally.ok >= frames.len() / 2, "{tally:?}");
}
