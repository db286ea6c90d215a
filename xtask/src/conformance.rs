//! `cargo xtask conformance <CORPUS_DIR>`: decode the conformance corpus with each supported
//! venue's decoder and compare every `expected` value.
//!
//! The corpus (see its `INDEX.md`) holds one JSON file per message,
//! `{venue, kind, source, [request], raw, [raw_text], expected, [notes]}`, under
//! `<CORPUS_DIR>/<venue>/`. For every file of every venue in [`VENUES`]:
//!
//! - the frame is `raw_text` (exact text) or, without it, `raw` re-serialized;
//! - the venue's check decodes it and builds the *actual* values under the corpus's own key
//!   names; **every** key of `expected` is compared: decimals numerically (`"0.35280000"` ==
//!   `0.3528`), integers, booleans, strings and `null` exactly, arrays element by element,
//!   objects key by key;
//! - a key the decoder has no value for is a failure, unless the venue lists it in its
//!   not-checked table (kind, key, reason), which is printed as `not checked: …`;
//! - sequence scenarios (files `<prefix>_1.json` … `<prefix>_N.json` applied in numeric order on
//!   top of the snapshot their `notes` name) run through `tradewire_core::OrderBook` with the
//!   venue's sequence rule, and `sync_action`, `top_of_book_after_apply`, `levels_to_delete`
//!   and the snapshot's `sync_scenario` are checked against the resulting book.
//!
//! Output: one line per file (`ok` or `FAIL` with the mismatching keys and values), then
//! `conformance: N files, M checked values, K failures`. The exit status is non-zero on any
//! failure, or when a supported venue's directory is missing or empty.
//!
//! Adding a venue: write a `fn <venue>(files: &[CorpusFile]) -> Vec<FileReport>` (decoding,
//! actual values, sequences) and add a [`Suite`] to [`VENUES`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use serde_json::{Map, Value, json};
use tradewire_core::{Applied, BookLevel, BookUpdate, Decimal, OrderBook, SequenceRule};

/// Arguments of `cargo xtask conformance`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The corpus directory (holding `<venue>/*.json` and `INDEX.md`).
    #[arg(value_name = "CORPUS_DIR")]
    pub corpus: PathBuf,
    /// Check only this venue (repeatable; default: every supported venue).
    #[arg(long = "venue", value_name = "VENUE")]
    pub venues: Vec<String>,
}

/// A venue's conformance check.
pub struct Suite {
    /// The corpus directory name (the venue's lower-case name).
    pub venue: &'static str,
    /// Decodes every file of the venue and compares.
    pub check: fn(&[CorpusFile]) -> Vec<FileReport>,
}

/// The supported venues.
pub const VENUES: &[Suite] = &[
    Suite {
        venue: "binance",
        check: binance,
    },
    Suite {
        venue: "deribit",
        check: deribit,
    },
];

/// One corpus file.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    /// File name without `.json`.
    pub name: String,
    /// `kind`.
    pub kind: String,
    /// The frame text: `raw_text`, or `raw` re-serialized.
    pub text: String,
    /// `expected`.
    pub expected: Value,
    /// `notes`, when present.
    pub notes: Option<String>,
    /// `request` re-serialized, when present.
    pub request: Option<String>,
}

/// The outcome for one file.
#[derive(Debug, Default)]
pub struct FileReport {
    /// File name without `.json`.
    pub name: String,
    /// Number of leaf values compared.
    pub checked: usize,
    /// `key: expected …, got …` lines.
    pub failures: Vec<String>,
    /// `key (reason)` lines for keys in the venue's not-checked table.
    pub not_checked: Vec<String>,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<ExitCode> {
    let mut files_total = 0usize;
    let mut checked_total = 0usize;
    let mut failures_total = 0usize;
    let mut ok = true;
    for suite in VENUES {
        if !args.venues.is_empty() && !args.venues.iter().any(|v| v == suite.venue) {
            continue;
        }
        let dir = args.corpus.join(suite.venue);
        let files = load_dir(&dir)?;
        if files.is_empty() {
            println!("FAIL {}: no corpus files in {}", suite.venue, dir.display());
            ok = false;
            continue;
        }
        let mut reports = (suite.check)(&files);
        reports.sort_by(|a, b| a.name.cmp(&b.name));
        for r in &reports {
            files_total += 1;
            checked_total += r.checked;
            for note in &r.not_checked {
                println!("not checked: {}/{}: {note}", suite.venue, r.name);
            }
            if r.failures.is_empty() {
                println!("ok   {}/{} ({} values)", suite.venue, r.name, r.checked);
            } else {
                failures_total += r.failures.len();
                println!("FAIL {}/{}: {}", suite.venue, r.name, r.failures.join("; "));
            }
        }
    }
    println!(
        "conformance: {files_total} files, {checked_total} checked values, {failures_total} failures"
    );
    Ok(if ok && failures_total == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Reads every `*.json` file of `dir` (an absent directory reads as empty).
fn load_dir(dir: &Path) -> Result<Vec<CorpusFile>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let value: Value =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let frame = match value.get("raw_text").and_then(Value::as_str) {
            Some(t) => t.to_owned(),
            None => serde_json::to_string(value.get("raw").unwrap_or(&Value::Null))?,
        };
        files.push(CorpusFile {
            name,
            kind: str_field(&value, "kind"),
            text: frame,
            expected: value.get("expected").cloned().unwrap_or(Value::Null),
            notes: value
                .get("notes")
                .and_then(Value::as_str)
                .map(str::to_owned),
            request: value.get("request").map(Value::to_string),
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// Comparison.

/// A decimal from a JSON string or number.
fn as_decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::from_str(s)
            .or_else(|_| Decimal::from_scientific(s))
            .ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        _ => None,
    }
}

/// Whether two leaves are equal: numbers and decimal strings numerically, the rest exactly.
fn leaf_eq(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), Value::String(a)) if e == a => true,
        (Value::String(_) | Value::Number(_), Value::String(_) | Value::Number(_)) => {
            match (as_decimal(expected), as_decimal(actual)) {
                (Some(e), Some(a)) => e == a,
                _ => false,
            }
        }
        _ => expected == actual,
    }
}

/// Compares `expected` with `actual` at `path`, counting leaves into `report`.
fn compare(path: &str, expected: &Value, actual: &Value, report: &mut FileReport) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => compare(&p, ev, av, report),
                    None => report
                        .failures
                        .push(format!("{p}: expected {ev}, decoder produced no value")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                report.checked += 1;
                report.failures.push(format!(
                    "{path}: expected {} elements {}, got {} elements {}",
                    e.len(),
                    short(expected),
                    a.len(),
                    short(actual)
                ));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                compare(&format!("{path}[{i}]"), ev, av, report);
            }
        }
        _ => {
            report.checked += 1;
            if !leaf_eq(expected, actual) {
                report
                    .failures
                    .push(format!("{path}: expected {expected}, got {actual}"));
            }
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s,
    }
}

/// Compares every key of `expected` (an object) with `actual`; keys without a value in
/// `actual` are failures unless `not_checked` (key → reason) lists them.
fn compare_keys(
    expected: &Value,
    actual: &Map<String, Value>,
    not_checked: &[(&str, &str)],
    report: &mut FileReport,
) {
    let Some(expected) = expected.as_object() else {
        report
            .failures
            .push("expected: not a JSON object".to_owned());
        return;
    };
    for (key, ev) in expected {
        if let Some((_, reason)) = not_checked.iter().find(|(k, _)| k == key) {
            report.not_checked.push(format!("{key} ({reason})"));
            continue;
        }
        match actual.get(key) {
            Some(av) => compare(key, ev, av, report),
            None => report.failures.push(format!(
                "{key}: expected {}, decoder produced no value (key not mapped)",
                short(ev)
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Binance.

/// Binance keys in `expected` that are not compared, per file kind (prefix of `kind`):
/// (kind prefix, key, reason).
const BINANCE_NOT_CHECKED: &[(&str, &str, &str)] = &[];

/// Keys inside a snapshot's `sync_scenario` that are not compared: (key, reason).
const BINANCE_SCENARIO_NOT_CHECKED: &[(&str, &str)] =
    &[("description", "prose restating Binance's sync rule")];

fn dec(d: Decimal) -> Value {
    Value::String(d.to_string())
}

fn level(l: BookLevel) -> Value {
    json!([l.price.to_string(), l.amount.to_string()])
}

fn levels(ls: &[BookLevel]) -> Value {
    Value::Array(ls.iter().copied().map(level).collect())
}

fn opt_level(l: Option<BookLevel>) -> Value {
    l.map_or(Value::Null, level)
}

fn request_id(id: &Option<tradewire_binance::RequestId>) -> Value {
    match id {
        None => Value::Null,
        Some(tradewire_binance::RequestId::Number(n)) => json!(n),
        Some(tradewire_binance::RequestId::Text(s)) => json!(s),
    }
}

fn stream_name(symbol: &str, channel: Option<tradewire_binance::streams::Channel>) -> Value {
    match channel {
        Some(c) if c.is_all_market() => json!(c.to_string()),
        Some(c) => json!(format!("{}@{c}", symbol.to_ascii_lowercase())),
        None => Value::Null,
    }
}

fn insert_stream(
    m: &mut Map<String, Value>,
    symbol: &str,
    channel: Option<tradewire_binance::streams::Channel>,
) {
    let s = stream_name(symbol, channel);
    if !s.is_null() {
        m.insert("stream".into(), s);
    }
}

/// A book after applying a snapshot, for the `best_*`/`*_top3`/`*_levels` keys.
fn book_of(snapshot: &BookUpdate) -> Result<OrderBook, String> {
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    book.apply(snapshot)
        .map_err(|e| format!("snapshot rejected: {e}"))?;
    Ok(book)
}

fn depth_actual(m: &mut Map<String, Value>, snap: &BookUpdate) -> Result<(), String> {
    let book = book_of(snap)?;
    let (bids3, asks3) = book.top(3);
    m.insert("last_update_id".into(), json!(snap.last_seq));
    m.insert("bids".into(), levels(&snap.bids));
    m.insert("asks".into(), levels(&snap.asks));
    m.insert("bid_levels".into(), json!(book.bid_depth()));
    m.insert("ask_levels".into(), json!(book.ask_depth()));
    m.insert("best_bid".into(), opt_level(book.best_bid()));
    m.insert("best_ask".into(), opt_level(book.best_ask()));
    m.insert("bids_top3".into(), levels(&bids3));
    m.insert("asks_top3".into(), levels(&asks3));
    Ok(())
}

fn rest_kline(k: &tradewire_binance::RestKline) -> Value {
    json!({
        "open_time_ms": k.open_time,
        "open": dec(k.open),
        "high": dec(k.high),
        "low": dec(k.low),
        "close": dec(k.close),
        "volume": dec(k.volume),
        "close_time_ms": k.close_time,
        "quote_volume": dec(k.quote_volume),
        "trade_count": k.trade_count,
        "taker_buy_base_volume": dec(k.taker_buy_base_volume),
        "taker_buy_quote_volume": dec(k.taker_buy_quote_volume),
    })
}

/// The actual values of one Binance file, under the corpus's key names.
fn binance_actual(file: &CorpusFile) -> Result<Map<String, Value>, String> {
    use tradewire_binance::{
        BinanceMessage, DepthSnapshot, RestKline, StreamResult, WsApiResponse,
    };

    let mut m = Map::new();
    let kind = file.kind.as_str();
    if kind.starts_with("REST") {
        if kind.contains("depth") {
            let snap = DepthSnapshot::parse(&file.text).map_err(|e| e.to_string())?;
            depth_actual(&mut m, &snap.into_book_update(""))?;
        } else if kind.contains("klines") {
            let klines = RestKline::parse_list(&file.text).map_err(|e| e.to_string())?;
            m.insert(
                "candles".into(),
                Value::Array(klines.iter().map(rest_kline).collect()),
            );
        } else {
            return Err(format!("no REST decoder for kind {kind:?}"));
        }
        return Ok(m);
    }
    if kind.contains("WebSocket API") {
        let envelope = |m: &mut Map<String, Value>, id, status: u16, limits: usize| {
            m.insert("id".into(), request_id(id));
            m.insert("status".into(), json!(status));
            m.insert("rate_limits_count".into(), json!(limits));
        };
        let error = |m: &mut Map<String, Value>, e: &tradewire_binance::ApiError| {
            m.insert("is_error".into(), json!(true));
            m.insert("error_code".into(), json!(e.code));
            m.insert("error_msg".into(), json!(e.msg));
        };
        if kind.contains("depth") {
            let r = WsApiResponse::<DepthSnapshot>::parse(&file.text).map_err(|e| e.to_string())?;
            envelope(&mut m, &r.id, r.status, r.rate_limits.len());
            match &r.result {
                Ok(snap) => {
                    m.insert("is_error".into(), json!(false));
                    depth_actual(&mut m, &snap.clone().into_book_update(""))?;
                }
                Err(e) => error(&mut m, e),
            }
        } else if kind.contains("klines") {
            let r =
                WsApiResponse::<Vec<RestKline>>::parse(&file.text).map_err(|e| e.to_string())?;
            envelope(&mut m, &r.id, r.status, r.rate_limits.len());
            match &r.result {
                Ok(klines) => {
                    m.insert("is_error".into(), json!(false));
                    m.insert(
                        "candles".into(),
                        Value::Array(klines.iter().map(rest_kline).collect()),
                    );
                }
                Err(e) => error(&mut m, e),
            }
        } else {
            let r =
                WsApiResponse::<serde_json::Value>::parse(&file.text).map_err(|e| e.to_string())?;
            envelope(&mut m, &r.id, r.status, r.rate_limits.len());
            match &r.result {
                Ok(_) => {
                    m.insert("is_error".into(), json!(false));
                }
                Err(e) => error(&mut m, e),
            }
        }
        return Ok(m);
    }

    let msg = BinanceMessage::decode_str(&file.text)
        .map_err(|e| e.to_string())?
        .ok_or("decoder returned no message")?;
    match msg {
        BinanceMessage::Trade(t) => {
            insert_stream(&mut m, &t.trade.venue_symbol, t.channel);
            m.insert("event_type".into(), json!("trade"));
            m.insert("symbol".into(), json!(t.trade.venue_symbol));
            m.insert("event_time_ms".into(), json!(t.event_time));
            m.insert("trade_id".into(), json!(t.trade_id));
            m.insert("price".into(), dec(t.trade.price));
            m.insert("qty".into(), dec(t.trade.amount));
            m.insert("trade_time_ms".into(), json!(t.trade.time));
            m.insert("is_buyer_maker".into(), json!(t.is_buyer_maker));
            m.insert("taker_side".into(), json!(t.trade.side.as_str()));
        }
        BinanceMessage::AggTrade(a) => {
            insert_stream(&mut m, &a.trade.venue_symbol, a.channel);
            m.insert("event_type".into(), json!("aggTrade"));
            m.insert("symbol".into(), json!(a.trade.venue_symbol));
            m.insert("event_time_ms".into(), json!(a.event_time));
            m.insert("agg_trade_id".into(), json!(a.agg_trade_id));
            m.insert("price".into(), dec(a.trade.price));
            m.insert("qty".into(), dec(a.trade.amount));
            m.insert("first_trade_id".into(), json!(a.first_trade_id));
            m.insert("last_trade_id".into(), json!(a.last_trade_id));
            m.insert("trade_time_ms".into(), json!(a.trade.time));
            m.insert("is_buyer_maker".into(), json!(a.is_buyer_maker));
            m.insert("taker_side".into(), json!(a.trade.side.as_str()));
        }
        BinanceMessage::Kline(k) => {
            let c = &k.candle;
            insert_stream(&mut m, &c.venue_symbol, k.channel);
            m.insert("event_type".into(), json!("kline"));
            m.insert("symbol".into(), json!(c.venue_symbol));
            m.insert("event_time_ms".into(), json!(k.event_time));
            m.insert("interval".into(), json!(c.timeframe.as_str()));
            m.insert("open_time_ms".into(), json!(c.open_time));
            m.insert("close_time_ms".into(), json!(c.close_time));
            m.insert("first_trade_id".into(), json!(k.first_trade_id));
            m.insert("last_trade_id".into(), json!(k.last_trade_id));
            m.insert("open".into(), dec(c.open));
            m.insert("high".into(), dec(c.high));
            m.insert("low".into(), dec(c.low));
            m.insert("close".into(), dec(c.close));
            m.insert("volume".into(), dec(c.volume));
            m.insert(
                "quote_volume".into(),
                json!(c.quote_volume.map(|d| d.to_string())),
            );
            m.insert("trade_count".into(), json!(c.trades));
            m.insert("taker_buy_base_volume".into(), dec(k.taker_buy_base_volume));
            m.insert(
                "taker_buy_quote_volume".into(),
                dec(k.taker_buy_quote_volume),
            );
            m.insert("is_closed".into(), json!(c.closed));
        }
        BinanceMessage::DepthUpdate(d) => {
            insert_stream(&mut m, &d.book.venue_symbol, d.channel);
            m.insert("event_type".into(), json!("depthUpdate"));
            m.insert("symbol".into(), json!(d.book.venue_symbol));
            m.insert("event_time_ms".into(), json!(d.event_time));
            m.insert("first_update_id".into(), json!(d.first_update_id));
            m.insert("final_update_id".into(), json!(d.final_update_id));
            m.insert("bids".into(), levels(&d.book.bids));
            m.insert("asks".into(), levels(&d.book.asks));
        }
        BinanceMessage::PartialDepth(p) => {
            insert_stream(&mut m, &p.book.venue_symbol, p.channel);
            if !p.book.venue_symbol.is_empty() {
                m.insert("symbol".into(), json!(p.book.venue_symbol));
            }
            m.insert("last_update_id".into(), json!(p.last_update_id));
            m.insert("bids".into(), levels(&p.book.bids));
            m.insert("asks".into(), levels(&p.book.asks));
            // The symbol, when known, came from the stream name: the payload has none.
            m.insert("has_symbol_field".into(), json!(false));
        }
        BinanceMessage::BookTicker(b) => {
            let t = &b.ticker;
            insert_stream(&mut m, &t.venue_symbol, b.channel);
            m.insert("update_id".into(), json!(b.update_id));
            m.insert("symbol".into(), json!(t.venue_symbol));
            m.insert("bid_price".into(), json!(t.bid.map(|d| d.to_string())));
            m.insert("bid_qty".into(), json!(t.bid_amount.map(|d| d.to_string())));
            m.insert("ask_price".into(), json!(t.ask.map(|d| d.to_string())));
            m.insert("ask_qty".into(), json!(t.ask_amount.map(|d| d.to_string())));
            // Decoded as a bookTicker payload, which has no event type and no event time.
            m.insert("has_event_type".into(), json!(t.time.is_some()));
        }
        BinanceMessage::Ticker(t) => {
            let k = &t.ticker;
            let o = |d: Option<Decimal>| json!(d.map(|d| d.to_string()));
            insert_stream(&mut m, &k.venue_symbol, t.channel);
            m.insert("event_type".into(), json!("24hrTicker"));
            m.insert("symbol".into(), json!(k.venue_symbol));
            m.insert("event_time_ms".into(), json!(t.event_time));
            m.insert("price_change".into(), dec(t.price_change));
            m.insert("price_change_percent".into(), dec(t.price_change_percent));
            m.insert("weighted_avg_price".into(), dec(t.weighted_avg_price));
            m.insert(
                "first_trade_before_window_price".into(),
                dec(t.first_trade_price),
            );
            m.insert("last_price".into(), o(k.last));
            m.insert("last_qty".into(), dec(t.last_qty));
            m.insert("best_bid".into(), o(k.bid));
            m.insert("best_bid_qty".into(), o(k.bid_amount));
            m.insert("best_ask".into(), o(k.ask));
            m.insert("best_ask_qty".into(), o(k.ask_amount));
            m.insert("open".into(), o(k.open_24h));
            m.insert("high".into(), o(k.high_24h));
            m.insert("low".into(), o(k.low_24h));
            m.insert("base_volume".into(), o(k.volume_24h));
            m.insert("quote_volume".into(), o(k.quote_volume_24h));
            m.insert("stats_open_time_ms".into(), json!(t.stats_open_time));
            m.insert("stats_close_time_ms".into(), json!(t.stats_close_time));
            m.insert("first_trade_id".into(), json!(t.first_trade_id));
            m.insert("last_trade_id".into(), json!(t.last_trade_id));
            m.insert("trade_count".into(), json!(t.trade_count));
        }
        BinanceMessage::Response(r) => {
            m.insert("id".into(), request_id(&r.id));
            m.insert(
                "result".into(),
                match &r.result {
                    StreamResult::Ok => Value::Null,
                    StreamResult::Subscriptions(s) => json!(s),
                    StreamResult::Property(b) => json!(b),
                },
            );
            m.insert("is_success".into(), json!(true));
            m.insert("is_error".into(), json!(false));
        }
        BinanceMessage::Error(e) => {
            m.insert("id".into(), request_id(&e.id));
            m.insert("code".into(), json!(e.code));
            m.insert("msg".into(), json!(e.msg));
            m.insert("is_success".into(), json!(false));
            m.insert("is_error".into(), json!(true));
        }
        other => return Err(format!("no conformance mapping for {}", other.kind())),
    }
    Ok(m)
}

/// `<prefix>_<n>` → (prefix, n).
fn sequence_member(name: &str) -> Option<(&str, u32)> {
    let (prefix, n) = name.rsplit_once('_')?;
    Some((prefix, n.parse().ok()?))
}

/// The snapshot a sequence builds on: the file its `notes` name (`see <file>`), or a file with
/// a `sync_scenario` naming the sequence prefix.
fn sequence_snapshot<'a>(
    prefix: &str,
    members: &[&CorpusFile],
    files: &'a [CorpusFile],
) -> Option<&'a CorpusFile> {
    for f in members {
        if let Some(notes) = &f.notes {
            for word in notes.split_whitespace() {
                let word = word.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
                if let Some(found) = files.iter().find(|g| g.name == word) {
                    return Some(found);
                }
            }
        }
    }
    files.iter().find(|f| {
        f.expected
            .get("sync_scenario")
            .is_some_and(|s| s.to_string().contains(prefix))
    })
}

/// The book state after one applied sequence step.
struct Step {
    name: String,
    first: u64,
    last: u64,
    /// `apply`, `drop` or `resync: <error>`.
    action: String,
    book: OrderBook,
}

fn binance_book_level_value(book: &OrderBook, bid: bool, price: Decimal) -> Value {
    let side: Vec<BookLevel> = if bid {
        book.bids().collect()
    } else {
        book.asks().collect()
    };
    match side.iter().find(|l| l.price == price) {
        Some(l) => dec(l.amount),
        None => json!("removed (qty 0)"),
    }
}

/// Runs a Binance diff-depth sequence on its snapshot; adds the sequence keys to the members'
/// actual values and checks the snapshot's `sync_scenario`.
fn binance_sequence(
    snapshot: &CorpusFile,
    members: &[&CorpusFile],
    files: &[CorpusFile],
    actuals: &mut BTreeMap<String, Map<String, Value>>,
    reports: &mut BTreeMap<String, FileReport>,
) {
    use tradewire_binance::{BinanceMessage, DepthSnapshot};

    let fail = |reports: &mut BTreeMap<String, FileReport>, name: &str, msg: String| {
        if let Some(r) = reports.get_mut(name) {
            r.failures.push(msg);
        }
    };
    let snap = match DepthSnapshot::parse(&snapshot.text) {
        Ok(s) => s.into_book_update(""),
        Err(e) => return fail(reports, &snapshot.name, format!("sync scenario: {e}")),
    };
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    if let Err(e) = book.apply(&snap) {
        return fail(
            reports,
            &snapshot.name,
            format!("sync scenario: snapshot rejected: {e}"),
        );
    }
    let mut steps: Vec<Step> = Vec::new();
    for member in members {
        let decoded = BinanceMessage::decode_str(&member.text);
        let Ok(Some(BinanceMessage::DepthUpdate(d))) = decoded else {
            fail(
                reports,
                &member.name,
                "sequence member is not a depthUpdate".into(),
            );
            continue;
        };
        let action = match book.apply(&d.book) {
            Ok(Applied::Delta | Applied::Snapshot) => "apply".to_owned(),
            Ok(Applied::Stale) => "drop".to_owned(),
            Err(e) => format!("resync: {e}"),
        };
        let applied = action == "apply";
        let zero_levels: Vec<(bool, Decimal)> = d
            .book
            .bids
            .iter()
            .map(|l| (true, *l))
            .chain(d.book.asks.iter().map(|l| (false, *l)))
            .filter(|(_, l)| l.amount.is_zero())
            .map(|(bid, l)| (bid, l.price))
            .collect();
        if let Some(m) = actuals.get_mut(&member.name) {
            m.insert("sync_action".into(), json!(action));
            m.insert(
                "top_of_book_after_apply".into(),
                if applied {
                    json!({"best_bid": opt_level(book.best_bid()), "best_ask": opt_level(book.best_ask())})
                } else {
                    Value::Null
                },
            );
            // Zero-quantity levels of the update that are gone from the book after it.
            let deleted: Vec<Value> = zero_levels
                .iter()
                .filter(|(bid, p)| {
                    binance_book_level_value(&book, *bid, *p) == json!("removed (qty 0)")
                })
                .map(|(_, p)| dec(*p))
                .collect();
            m.insert("levels_to_delete".into(), Value::Array(deleted));
        }
        steps.push(Step {
            name: member.name.clone(),
            first: d.first_update_id,
            last: d.final_update_id,
            action,
            book: book.clone(),
        });
    }

    // The snapshot's sync_scenario, rebuilt from the run.
    let Some(expected) = snapshot
        .expected
        .get("sync_scenario")
        .and_then(Value::as_object)
    else {
        return;
    };
    let label = |s: &Step| format!("{} (U={},u={})", s.name, s.first, s.last);
    let mut actual = Map::new();
    actual.insert(
        "dropped".into(),
        Value::Array(
            steps
                .iter()
                .filter(|s| s.action == "drop")
                .map(|s| json!(label(s)))
                .collect(),
        ),
    );
    if let Some(first) = steps.iter().find(|s| s.action == "apply") {
        actual.insert("first_applied".into(), json!(label(first)));
    }
    for (key, ev) in expected {
        let Some(through) = key
            .strip_prefix("after_applying_through_u_")
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        let Some(step) = steps.iter().find(|s| s.last == through) else {
            continue;
        };
        let mut state = Map::new();
        state.insert("best_bid".into(), opt_level(step.book.best_bid()));
        state.insert("best_ask".into(), opt_level(step.book.best_ask()));
        for sub in ev.as_object().map(|o| o.keys()).into_iter().flatten() {
            let (bid, price) = match sub.split_once('_') {
                Some(("bid", p)) => (true, p),
                Some(("ask", p)) => (false, p),
                _ => continue,
            };
            if let Ok(price) = Decimal::from_str(price) {
                state.insert(
                    sub.clone(),
                    binance_book_level_value(&step.book, bid, price),
                );
            }
        }
        if let Some(matches) = ev.get("matches").and_then(Value::as_str) {
            // "<file> (u=N)": that file's bookTicker must equal the book's top at u=N.
            let other = matches.split_whitespace().next().unwrap_or_default();
            let verdict = match files.iter().find(|f| f.name == other) {
                None => format!("no file {other}"),
                Some(f) => match BinanceMessage::decode_str(&f.text) {
                    Ok(Some(BinanceMessage::BookTicker(b))) => {
                        let t = &b.ticker;
                        let top_bid = step.book.best_bid();
                        let top_ask = step.book.best_ask();
                        let same = b.update_id == through
                            && top_bid.map(|l| (l.price, l.amount)) == t.bid.zip(t.bid_amount)
                            && top_ask.map(|l| (l.price, l.amount)) == t.ask.zip(t.ask_amount);
                        if same {
                            format!("{other} (u={})", b.update_id)
                        } else {
                            format!("mismatch with {other} (u={})", b.update_id)
                        }
                    }
                    _ => format!("{other} is not a bookTicker"),
                },
            };
            state.insert("matches".into(), json!(verdict));
        }
        actual.insert(key.clone(), Value::Object(state));
    }
    if let Some(report) = reports.get_mut(&snapshot.name) {
        let scenario = Value::Object(expected.clone());
        let mut sub = FileReport::default();
        compare_keys(&scenario, &actual, BINANCE_SCENARIO_NOT_CHECKED, &mut sub);
        report.checked += sub.checked;
        report.failures.extend(
            sub.failures
                .into_iter()
                .map(|f| format!("sync_scenario.{f}")),
        );
        report.not_checked.extend(
            sub.not_checked
                .into_iter()
                .map(|n| format!("sync_scenario.{n}")),
        );
    }
}

/// Decodes every file with `actual`; a file that fails gets a report with the decode error.
fn decode_all(
    files: &[CorpusFile],
    actual: impl Fn(&CorpusFile) -> Result<Map<String, Value>, String>,
) -> (
    BTreeMap<String, FileReport>,
    BTreeMap<String, Map<String, Value>>,
) {
    let mut reports = BTreeMap::new();
    let mut actuals = BTreeMap::new();
    for f in files {
        let mut report = FileReport {
            name: f.name.clone(),
            ..FileReport::default()
        };
        match actual(f) {
            Ok(m) => {
                actuals.insert(f.name.clone(), m);
            }
            Err(e) => report.failures.push(format!("decode error: {e}")),
        }
        reports.insert(f.name.clone(), report);
    }
    (reports, actuals)
}

/// Files named `<prefix>_<n>` grouped by prefix, each group in numeric order.
fn sequence_groups(files: &[CorpusFile]) -> BTreeMap<&str, Vec<&CorpusFile>> {
    let mut groups: BTreeMap<&str, Vec<(u32, &CorpusFile)>> = BTreeMap::new();
    for f in files {
        if let Some((prefix, n)) = sequence_member(&f.name) {
            groups.entry(prefix).or_default().push((n, f));
        }
    }
    groups
        .into_iter()
        .map(|(prefix, mut members)| {
            members.sort_by_key(|(n, _)| *n);
            (prefix, members.into_iter().map(|(_, f)| f).collect())
        })
        .collect()
}

/// Binance: every file through `tradewire-binance`, sequences through `OrderBook`
/// (`SequenceRule::BinanceSpot`).
fn binance(files: &[CorpusFile]) -> Vec<FileReport> {
    let (mut reports, mut actuals) = decode_all(files, binance_actual);

    for (prefix, members) in sequence_groups(files) {
        let is_sequence = members
            .iter()
            .any(|f| f.expected.get("sync_action").is_some());
        if !is_sequence {
            continue;
        }
        match sequence_snapshot(prefix, &members, files) {
            Some(snapshot) => {
                binance_sequence(snapshot, &members, files, &mut actuals, &mut reports)
            }
            None => {
                for m in &members {
                    if let Some(r) = reports.get_mut(&m.name) {
                        r.failures
                            .push(format!("no snapshot found for sequence {prefix}"));
                    }
                }
            }
        }
    }

    for f in files {
        let Some(report) = reports.get_mut(&f.name) else {
            continue;
        };
        let Some(actual) = actuals.get(&f.name) else {
            continue;
        };
        let mut not_checked: Vec<(&str, &str)> = BINANCE_NOT_CHECKED
            .iter()
            .filter(|(kind, _, _)| f.kind.starts_with(kind))
            .map(|(_, key, reason)| (*key, *reason))
            .collect();
        // The snapshot's scenario is checked by the sequence run (above).
        if f.expected.get("sync_scenario").is_some() {
            not_checked.push(("sync_scenario", "checked by the sequence run"));
        }
        let mut sub = FileReport::default();
        compare_keys(&f.expected, actual, &not_checked, &mut sub);
        report.checked += sub.checked;
        // Sync action: compare the action word only ("drop (u <= …)" explains why).
        report.failures.extend(
            sub.failures.into_iter().filter(|line| {
                !(line.starts_with("sync_action:") && sync_action_matches(f, actual))
            }),
        );
        report.not_checked.extend(
            sub.not_checked
                .into_iter()
                .filter(|n| !n.starts_with("sync_scenario (")),
        );
    }
    reports.into_values().collect()
}

/// Whether a member's `sync_action` matches by action word (`apply`, `drop`, `resync`).
fn sync_action_matches(f: &CorpusFile, actual: &Map<String, Value>) -> bool {
    let word = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .and_then(|s| s.split([' ', '(', ':']).next())
            .map(str::to_owned)
    };
    let e = word(f.expected.get("sync_action"));
    e.is_some() && e == word(actual.get("sync_action"))
}

// ---------------------------------------------------------------------------------------------
// Deribit.

/// Deribit keys in `expected` that are not compared: (kind prefix, key, reason).
const DERIBIT_NOT_CHECKED: &[(&str, &str, &str)] = &[
    (
        "chart.trades",
        "is_closed",
        "prose: Deribit sends no closed flag; tradewire emits closed=false for every update",
    ),
    (
        "public/subscribe response",
        "note",
        "prose about server order",
    ),
    (
        "heartbeat",
        "required_client_action",
        "prose; the public/test reply frame in it is compared with the client's reply (reply_frame)",
    ),
];

/// The verdict when a book update chains on the previous one.
const DERIBIT_CONTINUITY_OK: &str =
    "prev_change_id equals change_id of the previous message for this instrument (no gap)";

fn opt_dec(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, dec)
}

fn deribit_top(book: &OrderBook) -> Value {
    json!({
        "best_bid": opt_level(book.best_bid()),
        "best_ask": opt_level(book.best_ask()),
        "bid_levels": book.bid_depth(),
        "ask_levels": book.ask_depth(),
    })
}

fn deribit_order(o: &tradewire_deribit::DeribitOrder) -> Value {
    use tradewire_deribit::OrderPrice;
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            m.insert(k.into(), v);
        }
    };
    put("order_id", json!(o.order_id));
    put("instrument", json!(o.instrument_name));
    put("direction", json!(o.direction.map(|d| d.as_str())));
    put("order_type", json!(o.order_type));
    put("original_order_type", json!(o.original_order_type));
    put("order_state", json!(o.order_state));
    put(
        "price",
        match o.price {
            Some(OrderPrice::Value(d)) => dec(d),
            Some(OrderPrice::MarketPrice) => json!("market_price"),
            None => Value::Null,
        },
    );
    put("amount", dec(o.amount));
    put("contracts", opt_dec(o.contracts));
    put("filled_amount", opt_dec(o.filled_amount));
    put("average_price", opt_dec(o.average_price));
    put("post_only", json!(o.post_only));
    put("reduce_only", json!(o.reduce_only));
    put("label", json!(o.label));
    put("creation_timestamp_ms", json!(o.creation_timestamp));
    put("last_update_timestamp_ms", json!(o.last_update_timestamp));
    put("time_in_force", json!(o.time_in_force));
    put("api", json!(o.api));
    put("trigger", json!(o.trigger));
    put("trigger_price", opt_dec(o.trigger_price));
    put("triggered", json!(o.triggered));
    put("cancel_reason", json!(o.cancel_reason));
    put("replaced", json!(o.replaced));
    put("max_show", opt_dec(o.max_show));
    let absent: Vec<&str> = [
        ("filled_amount", o.filled_amount.is_none()),
        ("average_price", o.average_price.is_none()),
    ]
    .into_iter()
    .filter(|(_, absent)| *absent)
    .map(|(k, _)| k)
    .collect();
    m.insert("fields_absent".into(), json!(absent));
    Value::Object(m)
}

fn deribit_trade(t: &tradewire_deribit::DeribitTrade, public: bool) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            m.insert(k.into(), v);
        }
    };
    let core = t.to_trade();
    put("instrument", json!(t.instrument_name));
    put("trade_id", json!(t.trade_id));
    put("trade_seq", json!(t.trade_seq));
    put("timestamp_ms", json!(t.timestamp));
    put("price", dec(t.price));
    put("amount", dec(t.amount));
    put("contracts", opt_dec(t.contracts));
    if public {
        put("taker_side", json!(core.side.as_str()));
    }
    put("direction", json!(t.direction.as_str()));
    put("mark_price", opt_dec(t.mark_price));
    put("index_price", opt_dec(t.index_price));
    put("tick_direction", json!(t.tick_direction));
    put("order_id", json!(t.order_id));
    put(
        "liquidity",
        json!(t.liquidity.as_deref().map(|l| match l {
            "T" => "taker",
            "M" => "maker",
            other => other,
        })),
    );
    put("fee", opt_dec(t.fee));
    put("fee_currency", json!(t.fee_currency));
    put("state", json!(t.state));
    Value::Object(m)
}

fn deribit_book_side(
    levels: &[BookLevel],
    actions: &[tradewire_deribit::LevelAction],
    snapshot: bool,
) -> Value {
    Value::Array(
        levels
            .iter()
            .enumerate()
            .map(|(i, l)| match (snapshot, actions.get(i)) {
                (false, Some(a)) => json!([a.as_str(), dec(l.price), dec(l.amount)]),
                _ => json!([dec(l.price), dec(l.amount)]),
            })
            .collect(),
    )
}

/// The actual values of one Deribit file, under the corpus's key names.
fn deribit_actual(file: &CorpusFile) -> Result<Map<String, Value>, String> {
    use tradewire_deribit::private::websocket::buy::OrderResponse;
    use tradewire_deribit::public::websocket::test::TestResult;
    use tradewire_deribit::{
        AuthResult, DeribitMessage, DeribitOrder, HeartbeatKind, instrument_symbol,
        resolution_minutes,
    };

    let mut m = Map::new();
    let kind = file.kind.as_str();
    let msg = DeribitMessage::decode_str(&file.text)
        .map_err(|e| e.to_string())?
        .ok_or("decoder returned no message")?;
    match msg {
        DeribitMessage::Response(r) => {
            m.insert("jsonrpc".into(), json!(r.jsonrpc));
            m.insert("id".into(), json!(r.id));
            m.insert("is_error".into(), json!(r.outcome.is_err()));
            for (k, v) in [
                ("us_in", r.us_in),
                ("us_out", r.us_out),
                ("us_diff", r.us_diff),
            ] {
                if let Some(v) = v {
                    m.insert(k.into(), json!(v));
                }
            }
            if let Some(t) = r.testnet {
                m.insert("testnet".into(), json!(t));
            }
            if let Err(e) = &r.outcome {
                m.insert("error_code".into(), json!(e.code.code()));
                m.insert("error_message".into(), json!(e.message));
                m.insert("error_data".into(), e.data.clone().unwrap_or(Value::Null));
                return Ok(m);
            }
            let err = |e: tradewire_deribit::Error| e.to_string();
            if kind.starts_with("public/auth") {
                let a: AuthResult = r.result().map_err(err)?;
                m.insert("access_token".into(), json!(a.access_token.expose_secret()));
                m.insert(
                    "refresh_token".into(),
                    json!(a.refresh_token.expose_secret()),
                );
                m.insert("expires_in_s".into(), json!(a.expires_in));
                m.insert("token_type".into(), json!(a.token_type));
                m.insert("scope".into(), json!(a.scope));
            } else if kind.starts_with("private/buy") || kind.starts_with("private/sell") {
                let o: OrderResponse = r.result().map_err(err)?;
                m.insert("order".into(), deribit_order(&o.order));
                m.insert(
                    "trades".into(),
                    Value::Array(o.trades.iter().map(|t| deribit_trade(t, false)).collect()),
                );
            } else if kind.starts_with("private/cancel") {
                let o: DeribitOrder = r.result().map_err(err)?;
                m.insert("order".into(), deribit_order(&o));
            } else if kind.starts_with("public/subscribe") {
                let channels: Vec<String> = r.result().map_err(err)?;
                m.insert("subscribed_channels_count".into(), json!(channels.len()));
                if let Some(wanted) = file
                    .expected
                    .get("result_contains")
                    .and_then(Value::as_array)
                {
                    let found: Vec<&Value> = wanted
                        .iter()
                        .filter(|w| channels.iter().any(|c| Some(c.as_str()) == w.as_str()))
                        .collect();
                    m.insert("result_contains".into(), json!(found));
                }
                m.insert("result".into(), json!(channels));
            } else if kind.starts_with("public/set_heartbeat") {
                let ok: String = r.result().map_err(err)?;
                m.insert("result".into(), json!(ok));
                let request = file.request.as_deref().ok_or("no request")?;
                let req: Value = serde_json::from_str(request).map_err(|e| e.to_string())?;
                let params: tradewire_deribit::public::websocket::set_heartbeat::SetHeartbeatParams =
                    serde_json::from_value(req.get("params").cloned().unwrap_or(Value::Null))
                        .map_err(|e| e.to_string())?;
                m.insert("interval_s".into(), json!(params.interval));
            } else if kind.starts_with("public/test") {
                let t: TestResult = r.result().map_err(err)?;
                m.insert("result".into(), json!({"version": t.version}));
            } else {
                return Err(format!("no response decoder for kind {kind:?}"));
            }
        }
        DeribitMessage::Heartbeat(h) => {
            m.insert("method".into(), json!("heartbeat"));
            m.insert(
                "type".into(),
                json!(match h {
                    HeartbeatKind::TestRequest => "test_request",
                    HeartbeatKind::Heartbeat => "heartbeat",
                }),
            );
            let has_id = serde_json::from_str::<Value>(&file.text)
                .map(|v| v.get("id").is_some())
                .unwrap_or(false);
            m.insert("has_id".into(), json!(has_id));
            // The client's reply, compared with the one the corpus prose gives.
            let prose = file
                .expected
                .get("required_client_action")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let example = prose
                .split_once("e.g. ")
                .map(|(_, rest)| rest.trim_end_matches(')'))
                .and_then(|s| serde_json::from_str::<Value>(s).ok());
            if let (HeartbeatKind::TestRequest, Some(example)) = (h, example) {
                let id = example.get("id").and_then(Value::as_u64).unwrap_or(0);
                let reply = tradewire_deribit::public::websocket::test::frame(id)
                    .and_then(|f| {
                        f.as_text()
                            .and_then(|t| serde_json::from_str::<Value>(t).ok())
                    })
                    .unwrap_or(Value::Null);
                m.insert("reply_frame".into(), reply);
                m.insert("reply_frame_expected".into(), example);
            }
            if let Some(ex) = file.expected.get("example_public_test_response") {
                let text = ex.to_string();
                let sub = CorpusFile {
                    name: file.name.clone(),
                    kind: "public/test response".into(),
                    text,
                    expected: Value::Null,
                    notes: None,
                    request: None,
                };
                m.insert(
                    "example_public_test_response".into(),
                    Value::Object(deribit_actual(&sub)?),
                );
            }
        }
        DeribitMessage::Book(b) => {
            let u = &b.update;
            let snapshot = u.is_snapshot();
            m.insert("channel".into(), json!(b.channel));
            m.insert("instrument".into(), json!(u.venue_symbol));
            m.insert(
                "type".into(),
                json!(if snapshot { "snapshot" } else { "change" }),
            );
            m.insert("timestamp_ms".into(), json!(u.time));
            m.insert("change_id".into(), json!(u.last_seq));
            m.insert("prev_change_id".into(), json!(u.prev_seq));
            m.insert(
                "bids".into(),
                deribit_book_side(&u.bids, &b.bid_actions, snapshot),
            );
            m.insert(
                "asks".into(),
                deribit_book_side(&u.asks, &b.ask_actions, snapshot),
            );
            if snapshot {
                let mut book = OrderBook::new(SequenceRule::PrevSeq);
                book.apply(u)
                    .map_err(|e| format!("snapshot rejected: {e}"))?;
                m.insert("top_of_book".into(), deribit_top(&book));
                if let Some(s) = instrument_symbol(&u.venue_symbol) {
                    let unit = match s.kind() {
                        tradewire_core::SymbolKind::Option => {
                            format!("option contracts ({})", s.base())
                        }
                        _ if s.is_inverse() => "USD".to_owned(),
                        _ => s.base().to_owned(),
                    };
                    m.insert("amount_unit".into(), json!(unit));
                }
            }
        }
        DeribitMessage::Trades(t) | DeribitMessage::UserTrades(t) => {
            let public = t.channel.starts_with("trades.");
            m.insert("channel".into(), json!(t.channel));
            m.insert(
                "trades".into(),
                Value::Array(
                    t.trades
                        .iter()
                        .map(|tr| deribit_trade(tr, public))
                        .collect(),
                ),
            );
        }
        DeribitMessage::Ticker(t) => {
            let k = &t.ticker;
            m.insert("channel".into(), json!(t.channel));
            m.insert("instrument".into(), json!(k.instrument_name));
            m.insert("timestamp_ms".into(), json!(k.timestamp));
            m.insert("state".into(), json!(k.state));
            for (key, v) in [
                ("best_bid_price", k.best_bid_price),
                ("best_bid_amount", k.best_bid_amount),
                ("best_ask_price", k.best_ask_price),
                ("best_ask_amount", k.best_ask_amount),
                ("last_price", k.last_price),
                ("mark_price", k.mark_price),
                ("index_price", k.index_price),
                ("underlying_price", k.underlying_price),
                ("open_interest", k.open_interest),
                ("settlement_price", k.settlement_price),
                ("min_price", k.min_price),
                ("max_price", k.max_price),
                ("mark_iv", k.mark_iv),
                ("bid_iv", k.bid_iv),
                ("ask_iv", k.ask_iv),
                ("current_funding", k.current_funding),
                ("funding_8h", k.funding_8h),
            ] {
                m.insert(key.into(), opt_dec(v));
            }
            m.insert("underlying_index".into(), json!(k.underlying_index));
            if let Some(g) = &k.greeks {
                m.insert(
                    "greeks".into(),
                    json!({
                        "delta": opt_dec(g.delta), "gamma": opt_dec(g.gamma), "vega": opt_dec(g.vega),
                        "theta": opt_dec(g.theta), "rho": opt_dec(g.rho),
                    }),
                );
            }
            let s = &k.stats;
            m.insert(
                "stats".into(),
                json!({
                    "volume": opt_dec(s.volume), "volume_usd": opt_dec(s.volume_usd),
                    "price_change": opt_dec(s.price_change), "low": opt_dec(s.low), "high": opt_dec(s.high),
                }),
            );
        }
        DeribitMessage::Candle(c) => {
            let k = &c.candle;
            m.insert("channel".into(), json!(c.channel));
            m.insert("instrument".into(), json!(k.instrument_name));
            m.insert(
                "resolution_minutes".into(),
                json!(resolution_minutes(&k.resolution)),
            );
            m.insert("open_time_ms".into(), json!(k.tick));
            m.insert("open".into(), dec(k.open));
            m.insert("high".into(), dec(k.high));
            m.insert("low".into(), dec(k.low));
            m.insert("close".into(), dec(k.close));
            m.insert("volume".into(), dec(k.volume));
            m.insert("cost".into(), dec(k.cost));
            if let Some(candle) = k.to_candle() {
                m.insert("closed".into(), json!(candle.closed));
            }
        }
        DeribitMessage::UserOrders(o) => {
            m.insert("channel".into(), json!(o.channel));
            if o.single {
                if let Some(first) = o.orders.first() {
                    m.insert("order".into(), deribit_order(first));
                }
            } else {
                m.insert(
                    "orders".into(),
                    Value::Array(o.orders.iter().map(deribit_order).collect()),
                );
            }
        }
        DeribitMessage::Portfolio(p) => {
            let q = &p.portfolio;
            m.insert("channel".into(), json!(p.channel));
            m.insert("currency".into(), json!(q.currency));
            for (key, v) in [
                ("balance", q.balance),
                ("equity", q.equity),
                ("margin_balance", q.margin_balance),
                ("available_funds", q.available_funds),
                ("available_withdrawal_funds", q.available_withdrawal_funds),
                ("initial_margin", q.initial_margin),
                ("maintenance_margin", q.maintenance_margin),
                ("total_pl", q.total_pl),
                ("session_rpl", q.session_rpl),
                ("session_upl", q.session_upl),
                ("delta_total", q.delta_total),
                ("total_equity_usd", q.total_equity_usd),
            ] {
                m.insert(key.into(), opt_dec(v));
            }
            m.insert("margin_model".into(), json!(q.margin_model));
            m.insert(
                "cross_collateral_enabled".into(),
                json!(q.cross_collateral_enabled),
            );
        }
        other => return Err(format!("no conformance mapping for {}", other.kind())),
    }
    Ok(m)
}

/// Applies a Deribit book sequence (snapshot, then the members in numeric order) under
/// `SequenceRule::PrevSeq`; adds `top_of_book_after_apply` and `continuity` to the members.
fn deribit_sequence(
    snapshot: &CorpusFile,
    members: &[&CorpusFile],
    actuals: &mut BTreeMap<String, Map<String, Value>>,
    reports: &mut BTreeMap<String, FileReport>,
) {
    use tradewire_deribit::DeribitMessage;

    let decode_book = |f: &CorpusFile| match DeribitMessage::decode_str(&f.text) {
        Ok(Some(DeribitMessage::Book(b))) => Some(b.update),
        _ => None,
    };
    let mut book = OrderBook::new(SequenceRule::PrevSeq);
    let Some(snap) = decode_book(snapshot) else {
        if let Some(r) = reports.get_mut(&snapshot.name) {
            r.failures.push("sequence snapshot is not a book".into());
        }
        return;
    };
    let snapshot_ok = book.apply(&snap).is_ok();
    for member in members {
        let Some(update) = decode_book(member) else {
            if let Some(r) = reports.get_mut(&member.name) {
                r.failures
                    .push("sequence member is not a book update".into());
            }
            continue;
        };
        let expected_prev = book.last_seq();
        let (continuity, top) = match (snapshot_ok, book.apply(&update)) {
            (true, Ok(Applied::Delta | Applied::Snapshot)) => {
                (json!(DERIBIT_CONTINUITY_OK), deribit_top(&book))
            }
            (_, Ok(Applied::Stale)) => (json!("stale (dropped)"), Value::Null),
            (_, Err(e)) => (
                json!(format!(
                    "gap: expected prev_change_id {expected_prev:?}, got {:?} ({e})",
                    update.prev_seq
                )),
                Value::Null,
            ),
            (false, Ok(_)) => (json!("snapshot rejected"), Value::Null),
        };
        if let Some(m) = actuals.get_mut(&member.name) {
            m.insert("continuity".into(), continuity);
            m.insert("top_of_book_after_apply".into(), top);
        }
    }
}

/// Deribit: every file through `tradewire-deribit`, book sequences through `OrderBook`
/// (`SequenceRule::PrevSeq`).
fn deribit(files: &[CorpusFile]) -> Vec<FileReport> {
    let (mut reports, mut actuals) = decode_all(files, deribit_actual);

    for (prefix, members) in sequence_groups(files) {
        if !members
            .iter()
            .any(|f| f.expected.get("top_of_book_after_apply").is_some())
        {
            continue;
        }
        match sequence_snapshot(prefix, &members, files) {
            Some(snapshot) => deribit_sequence(snapshot, &members, &mut actuals, &mut reports),
            None => {
                for m in &members {
                    if let Some(r) = reports.get_mut(&m.name) {
                        r.failures
                            .push(format!("no snapshot found for sequence {prefix}"));
                    }
                }
            }
        }
    }

    for f in files {
        let (Some(report), Some(actual)) = (reports.get_mut(&f.name), actuals.get(&f.name)) else {
            continue;
        };
        let not_checked: Vec<(&str, &str)> = DERIBIT_NOT_CHECKED
            .iter()
            .filter(|(kind, _, _)| f.kind.starts_with(kind))
            .map(|(_, key, reason)| (*key, *reason))
            .collect();
        let mut sub = FileReport::default();
        compare_keys(&f.expected, actual, &not_checked, &mut sub);
        // The heartbeat reply frame, compared with the corpus's example.
        if let (Some(reply), Some(example)) = (
            actual.get("reply_frame"),
            actual.get("reply_frame_expected"),
        ) {
            compare("reply_frame", example, reply, &mut sub);
        }
        report.checked += sub.checked;
        report.failures.extend(sub.failures);
        report.not_checked.extend(sub.not_checked);
    }
    reports.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_compare_decimals_numerically() {
        assert!(leaf_eq(&json!("0.35280000"), &json!("0.3528")));
        assert!(leaf_eq(&json!("100"), &json!(100)));
        assert!(leaf_eq(&json!(1633998523963u64), &json!(1633998523963u64)));
        assert!(!leaf_eq(&json!("0.3528"), &json!("0.3529")));
        assert!(leaf_eq(&json!("BNBBTC"), &json!("BNBBTC")));
        assert!(!leaf_eq(&json!("BNBBTC"), &json!("BNBUSDT")));
        assert!(leaf_eq(&Value::Null, &Value::Null));
        assert!(!leaf_eq(&Value::Null, &json!(0)));
        assert!(!leaf_eq(&json!(true), &json!("true")));
    }

    #[test]
    fn every_expected_key_is_compared_or_listed() {
        let expected = json!({"a": "1.0", "b": [["1", "2"]], "c": 3, "d": "prose"});
        let mut actual = Map::new();
        actual.insert("a".into(), json!("1"));
        actual.insert("b".into(), json!([["1.00", "2"]]));
        let mut r = FileReport::default();
        compare_keys(&expected, &actual, &[("d", "prose")], &mut r);
        assert_eq!(r.checked, 3);
        assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
        assert!(r.failures[0].starts_with("c:"));
        assert_eq!(r.not_checked, ["d (prose)"]);
    }

    #[test]
    fn sequence_names() {
        assert_eq!(
            sequence_member("depth_update_combined_nknusdt_real_8"),
            Some(("depth_update_combined_nknusdt_real", 8))
        );
        assert_eq!(sequence_member("trade_docs"), None);
    }

    #[test]
    fn missing_venue_directory_fails() {
        let dir = std::env::temp_dir().join(format!("tw-conformance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let code = run(&Args {
            corpus: dir.clone(),
            venues: vec![],
        })
        .unwrap();
        assert_eq!(code, ExitCode::FAILURE);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
