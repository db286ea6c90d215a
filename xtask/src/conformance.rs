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
pub const VENUES: &[Suite] = &[Suite {
    venue: "binance",
    check: binance,
}];

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

/// Binance: every file through `tradewire-binance`, sequences through `OrderBook`
/// (`SequenceRule::BinanceSpot`).
fn binance(files: &[CorpusFile]) -> Vec<FileReport> {
    let mut reports: BTreeMap<String, FileReport> = BTreeMap::new();
    let mut actuals: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for f in files {
        let mut report = FileReport {
            name: f.name.clone(),
            ..FileReport::default()
        };
        match binance_actual(f) {
            Ok(m) => {
                actuals.insert(f.name.clone(), m);
            }
            Err(e) => report.failures.push(format!("decode error: {e}")),
        }
        reports.insert(f.name.clone(), report);
    }

    // Sequences: group `<prefix>_<n>` files.
    let mut groups: BTreeMap<&str, Vec<(u32, &CorpusFile)>> = BTreeMap::new();
    for f in files {
        if let Some((prefix, n)) = sequence_member(&f.name) {
            groups.entry(prefix).or_default().push((n, f));
        }
    }
    for (prefix, mut members) in groups {
        members.sort_by_key(|(n, _)| *n);
        let members: Vec<&CorpusFile> = members.into_iter().map(|(_, f)| f).collect();
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
