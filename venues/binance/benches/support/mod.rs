//! Benchmark frames (in the layout Binance streams them) and the reference parsers: a plain
//! typed `serde_json` parse of the fields used into a minimal borrowed struct, then `Decimal`
//! conversion.

#![allow(clippy::unwrap_used, dead_code)]

use serde::Deserialize;
use tradewire_core::Decimal;

// Frames in the layout Binance streams them (compact, `e` first), with realistic values; the
// shapes are those of web-socket-streams.md.
pub const TRADE: &str = r#"{"e":"trade","E":1672515782136,"s":"BTCUSDT","t":3370034463,"p":"16544.08000000","q":"0.00126000","T":1672515782135,"m":true,"M":true}"#;
pub const TRADE_COMBINED: &str = r#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1672515782136,"s":"BTCUSDT","t":3370034463,"p":"16544.08000000","q":"0.00126000","T":1672515782135,"m":true,"M":true}}"#;
pub const AGG_TRADE: &str = r#"{"e":"aggTrade","E":1672515782136,"s":"BTCUSDT","a":2461812009,"p":"16544.08000000","q":"0.00126000","f":3370034463,"l":3370034465,"T":1672515782135,"m":false,"M":true}"#;
pub const KLINE: &str = r#"{"e":"kline","E":1672515782136,"s":"BTCUSDT","k":{"t":1672515780000,"T":1672515839999,"s":"BTCUSDT","i":"1m","f":3370034000,"L":3370034463,"o":"16541.77000000","c":"16544.08000000","h":"16545.01000000","l":"16539.91000000","v":"81.59516000","n":2053,"x":false,"q":"1349868.77370480","V":"41.29316000","Q":"683164.27528390","B":"0"}}"#;
pub const DEPTH_UPDATE: &str = r#"{"e":"depthUpdate","E":1672515782136,"s":"BTCUSDT","U":32890000001,"u":32890000042,"b":[["16544.08000000","0.31200000"],["16544.07000000","0.00000000"],["16544.05000000","1.20400000"],["16543.99000000","0.06100000"],["16543.90000000","2.00000000"],["16543.51000000","0.00620000"],["16543.12000000","0.51000000"],["16542.80000000","0.00000000"],["16542.44000000","3.10000000"],["16541.99000000","0.00120000"]],"a":[["16544.09000000","0.87100000"],["16544.10000000","0.00000000"],["16544.15000000","0.40000000"],["16544.30000000","1.00000000"],["16544.61000000","0.09200000"],["16544.99000000","0.00000000"],["16545.20000000","4.44000000"],["16545.70000000","0.20000000"],["16546.00000000","0.01000000"],["16547.13000000","0.75500000"]]}"#;
pub const BOOK_TICKER: &str = r#"{"u":32890000042,"s":"BTCUSDT","b":"16544.08000000","B":"0.31200000","a":"16544.09000000","A":"0.87100000"}"#;
pub const TICKER: &str = r#"{"e":"24hrTicker","E":1672515782136,"s":"BTCUSDT","p":"-42.11000000","P":"-0.254","w":"16570.71932384","x":"16586.19000000","c":"16544.08000000","Q":"0.00126000","b":"16544.08000000","B":"0.31200000","a":"16544.09000000","A":"0.87100000","o":"16586.19000000","h":"16650.00000000","l":"16490.00000000","v":"155102.40328000","q":"2570183011.90530080","O":1672429382136,"C":1672515782136,"F":3368990001,"L":3370034463,"n":1044463}"#;

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

// ---- the reference: a plain typed parse of the fields used, then Decimal conversion ----

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct RefTrade<'a> {
    e: &'a str,
    E: i64,
    s: &'a str,
    t: u64,
    p: &'a str,
    q: &'a str,
    T: i64,
    m: bool,
}

pub fn ref_trade(text: &str) -> (Decimal, Decimal, i64, u64, bool, usize) {
    let r: RefTrade<'_> = serde_json::from_str(text).unwrap();
    (d(r.p), d(r.q), r.T + r.E, r.t, r.m, r.s.len() + r.e.len())
}

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct RefCombined<'a> {
    stream: &'a str,
    #[serde(borrow)]
    data: RefTrade<'a>,
}

pub fn ref_trade_combined(text: &str) -> (Decimal, Decimal, i64, u64, bool, usize) {
    let c: RefCombined<'_> = serde_json::from_str(text).unwrap();
    let r = c.data;
    (
        d(r.p),
        d(r.q),
        r.T + r.E,
        r.t,
        r.m,
        r.s.len() + c.stream.len(),
    )
}

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct RefAggTrade<'a> {
    e: &'a str,
    E: i64,
    s: &'a str,
    a: u64,
    p: &'a str,
    q: &'a str,
    f: u64,
    l: u64,
    T: i64,
    m: bool,
}

pub fn ref_agg_trade(text: &str) -> (Decimal, Decimal, i64, u64, bool, usize) {
    let r: RefAggTrade<'_> = serde_json::from_str(text).unwrap();
    (
        d(r.p),
        d(r.q),
        r.T + r.E,
        r.a + r.f + r.l,
        r.m,
        r.s.len() + r.e.len(),
    )
}

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct RefKlineBody<'a> {
    t: i64,
    T: i64,
    i: &'a str,
    f: i64,
    L: i64,
    o: &'a str,
    c: &'a str,
    h: &'a str,
    l: &'a str,
    v: &'a str,
    n: u64,
    x: bool,
    q: &'a str,
    V: &'a str,
    Q: &'a str,
}

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct RefKline<'a> {
    e: &'a str,
    E: i64,
    s: &'a str,
    #[serde(borrow)]
    k: RefKlineBody<'a>,
}

pub fn ref_kline(text: &str) -> ([Decimal; 8], i64, u64, bool) {
    let r: RefKline<'_> = serde_json::from_str(text).unwrap();
    let k = r.k;
    (
        [
            d(k.o),
            d(k.h),
            d(k.l),
            d(k.c),
            d(k.v),
            d(k.q),
            d(k.V),
            d(k.Q),
        ],
        r.E + k.t + k.T + k.f + k.L,
        k.n + (r.s.len() + k.i.len()) as u64,
        k.x,
    )
}

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct RefDepth<'a> {
    e: &'a str,
    E: i64,
    s: &'a str,
    U: u64,
    u: u64,
    #[serde(borrow)]
    b: Vec<(&'a str, &'a str)>,
    #[serde(borrow)]
    a: Vec<(&'a str, &'a str)>,
}

pub type Side = Vec<(Decimal, Decimal)>;

pub fn ref_depth(text: &str) -> (Side, Side, u64, usize) {
    let r: RefDepth<'_> = serde_json::from_str(text).unwrap();
    let conv = |v: Vec<(&str, &str)>| v.into_iter().map(|(p, q)| (d(p), d(q))).collect();
    (conv(r.b), conv(r.a), r.U + r.u + r.E as u64, r.s.len())
}

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct RefBookTicker<'a> {
    u: u64,
    s: &'a str,
    b: &'a str,
    B: &'a str,
    a: &'a str,
    A: &'a str,
}

pub fn ref_book_ticker(text: &str) -> ([Decimal; 4], u64, usize) {
    let r: RefBookTicker<'_> = serde_json::from_str(text).unwrap();
    ([d(r.b), d(r.B), d(r.a), d(r.A)], r.u, r.s.len())
}

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct RefTicker<'a> {
    e: &'a str,
    E: i64,
    s: &'a str,
    p: &'a str,
    P: &'a str,
    w: &'a str,
    x: &'a str,
    c: &'a str,
    Q: &'a str,
    b: &'a str,
    B: &'a str,
    a: &'a str,
    A: &'a str,
    o: &'a str,
    h: &'a str,
    l: &'a str,
    v: &'a str,
    q: &'a str,
    O: i64,
    C: i64,
    F: i64,
    L: i64,
    n: u64,
}

pub fn ref_ticker(text: &str) -> ([Decimal; 15], i64, u64) {
    let r: RefTicker<'_> = serde_json::from_str(text).unwrap();
    (
        [
            d(r.p),
            d(r.P),
            d(r.w),
            d(r.x),
            d(r.c),
            d(r.Q),
            d(r.b),
            d(r.B),
            d(r.a),
            d(r.A),
            d(r.o),
            d(r.h),
            d(r.l),
            d(r.v),
            d(r.q),
        ],
        r.E + r.O + r.C + r.F + r.L,
        r.n + (r.s.len() + r.e.len()) as u64,
    )
}
