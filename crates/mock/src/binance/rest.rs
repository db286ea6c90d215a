//! The REST API under `/api/v3/` (rest-api.md): routing, parameters, request weight and IP
//! limits, signed-endpoint security, and the public endpoints (shared with the WebSocket API).

use super::Inner;
use super::auth;
use super::config::SimConfig;
use super::error::ApiError;
use super::kline::Interval;
use super::state::{ORDER_LIMITS, Params, State, required};
use super::util::{Obj, arr, lock, now_ms, percent_decode};
use crate::{HttpRequest, HttpResponse};

/// Request weight accounting for the one client IP (127.0.0.1), shared by REST and the
/// WebSocket API (rest-api.md "IP Limits"; web-socket-api.md "IP limits").
#[derive(Debug, Default)]
pub(crate) struct RestLimits {
    minute: i64,
    used: u32,
    violations: u32,
    banned_until: i64,
    /// `reject_next_rest`: (status, Retry-After seconds).
    pub(crate) forced: Option<(u16, u64)>,
}

impl RestLimits {
    fn roll(&mut self, now: i64) {
        let minute = now.div_euclid(60_000);
        if minute != self.minute {
            self.minute = minute;
            self.used = 0;
            self.violations = 0;
        }
    }

    /// Weight used in the current minute.
    pub(crate) fn used_now(&mut self, now: i64) -> u32 {
        self.roll(now);
        self.used
    }

    /// Adds `weight`; the error when over the limit (429) or banned (418).
    pub(crate) fn charge(
        &mut self,
        config: &SimConfig,
        weight: u32,
        now: i64,
    ) -> Result<u32, ApiError> {
        if now < self.banned_until {
            return Err(banned(self.banned_until, now));
        }
        self.roll(now);
        self.used = self.used.saturating_add(weight);
        if self.used <= config.weight_limit_per_minute {
            return Ok(self.used);
        }
        self.violations += 1;
        if self.violations > config.ban_after_violations {
            // rest-api.md "IP Limits": "Repeatedly violating rate limits and/or failing to
            // back off after receiving 429s will result in an automated IP ban (HTTP status
            // 418)."
            let ban_ms = i64::try_from(config.ban_duration.as_millis()).unwrap_or(i64::MAX);
            self.banned_until = now.saturating_add(ban_ms);
            self.violations = 0;
            return Err(banned(self.banned_until, now));
        }
        let next_minute = (now.div_euclid(60_000) + 1) * 60_000;
        Err(too_much(config.weight_limit_per_minute, next_minute, now))
    }
}

// errors.md "-1003 TOO_MANY_REQUESTS": "Too much request weight used; current limit is %s
// request weight per %s. Please use WebSocket Streams for live updates to avoid polling the
// API."
fn too_much(limit: u32, retry_at: i64, now: i64) -> ApiError {
    let mut e = ApiError::new(
        429,
        -1003,
        format!(
            "Too much request weight used; current limit is {limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."
        ),
    );
    e.retry_after_secs = Some(secs_until(retry_at, now));
    e.retry_after_ms = Some(retry_at);
    e
}

// errors.md "-1003": "Way too much request weight used; IP banned until %s. Please use
// WebSocket Streams for live updates to avoid bans." (web-socket-api.md "IP limits" shows
// the epoch-ms form of %s).
fn banned(until: i64, now: i64) -> ApiError {
    let mut e = ApiError::new(
        418,
        -1003,
        format!(
            "Way too much request weight used; IP banned until {until}. Please use WebSocket Streams for live updates to avoid bans."
        ),
    );
    e.retry_after_secs = Some(secs_until(until, now));
    e.retry_after_ms = Some(until);
    e
}

fn secs_until(at: i64, now: i64) -> u64 {
    u64::try_from((at - now + 999).div_euclid(1_000))
        .unwrap_or(0)
        .max(1)
}

/// The endpoints the simulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Ping,
    Time,
    ExchangeInfo,
    Depth,
    Trades,
    Klines,
    Ticker24h,
    NewOrder,
    TestOrder,
    CancelOrder,
    QueryOrder,
    OpenOrders,
    Account,
}

impl Endpoint {
    fn route(method: &str, path: &str) -> Option<Endpoint> {
        Some(match (method, path) {
            ("GET", "/api/v3/ping") => Endpoint::Ping,
            ("GET", "/api/v3/time") => Endpoint::Time,
            ("GET", "/api/v3/exchangeInfo") => Endpoint::ExchangeInfo,
            ("GET", "/api/v3/depth") => Endpoint::Depth,
            ("GET", "/api/v3/trades") => Endpoint::Trades,
            ("GET", "/api/v3/klines" | "/api/v3/uiKlines") => Endpoint::Klines,
            ("GET", "/api/v3/ticker/24hr") => Endpoint::Ticker24h,
            ("POST", "/api/v3/order") => Endpoint::NewOrder,
            ("POST", "/api/v3/order/test") => Endpoint::TestOrder,
            ("DELETE", "/api/v3/order") => Endpoint::CancelOrder,
            ("GET", "/api/v3/order") => Endpoint::QueryOrder,
            ("GET", "/api/v3/openOrders") => Endpoint::OpenOrders,
            ("GET", "/api/v3/account") => Endpoint::Account,
            _ => return None,
        })
    }

    /// SIGNED (TRADE / USER_DATA) endpoints.
    pub(crate) fn signed(self) -> bool {
        matches!(
            self,
            Endpoint::NewOrder
                | Endpoint::TestOrder
                | Endpoint::CancelOrder
                | Endpoint::QueryOrder
                | Endpoint::OpenOrders
                | Endpoint::Account
        )
    }

    /// The documented request weight (each endpoint's "Weight" in rest-api.md).
    pub(crate) fn weight(self, p: &Params) -> u32 {
        match self {
            Endpoint::Ping | Endpoint::Time => 1,
            Endpoint::ExchangeInfo => 20,
            Endpoint::Depth => match p.get("limit").and_then(|l| l.parse::<u32>().ok()) {
                None | Some(0..=100) => 5,
                Some(101..=500) => 25,
                Some(501..=1000) => 50,
                Some(_) => 250,
            },
            Endpoint::Trades => 25,
            Endpoint::Klines => 2,
            Endpoint::Ticker24h => {
                if p.contains_key("symbol") {
                    2
                } else if let Some(list) = p.get("symbols") {
                    match parse_symbols(list).map(|s| s.len()) {
                        Ok(0..=20) => 2,
                        Ok(21..=100) => 40,
                        _ => 80,
                    }
                } else {
                    80
                }
            }
            Endpoint::NewOrder | Endpoint::TestOrder | Endpoint::CancelOrder => 1,
            Endpoint::QueryOrder => 4,
            Endpoint::OpenOrders => {
                if p.contains_key("symbol") {
                    6
                } else {
                    80
                }
            }
            Endpoint::Account => 20,
        }
    }
}

/// Splits `a=1&b=2` into decoded pairs.
fn pairs(raw: &str, plus_is_space: bool) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (
                percent_decode(k, plus_is_space),
                percent_decode(v, plus_is_space),
            )
        })
        .collect()
}

/// Query string and (form) body parameters; "If a parameter sent in both the query string
/// and request body, the query string parameter will be used." (rest-api.md "General
/// Information on Endpoints").
fn params(req: &HttpRequest) -> Result<Params, ApiError> {
    let mut out = Params::new();
    let query = pairs(req.query().unwrap_or(""), false);
    for (k, v) in query {
        if out.insert(k, v).is_some() {
            // errors.md "-1101 TOO_MANY_PARAMETERS".
            return Err(ApiError::bad(
                -1101,
                "Duplicate values for a parameter detected.",
            ));
        }
    }
    let body = String::from_utf8_lossy(&req.body);
    for (k, v) in pairs(&body, true) {
        out.entry(k).or_insert(v);
    }
    Ok(out)
}

/// The signature payload: "the query string concatenated without separator to the HTTP
/// body" (rest-api.md "HMAC Keys"), both without the `signature` parameter.
fn signature_payload(req: &HttpRequest) -> String {
    let strip = |raw: &str| {
        raw.split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("signature="))
            .collect::<Vec<_>>()
            .join("&")
    };
    let query = strip(req.query().unwrap_or(""));
    let body = strip(&String::from_utf8_lossy(&req.body));
    format!("{query}{body}")
}

fn json(status: u16, body: String, used: Option<u32>) -> HttpResponse {
    let resp = HttpResponse::json(status, body);
    match used {
        Some(u) => resp.with_header("X-MBX-USED-WEIGHT-1M", u.to_string()),
        None => resp,
    }
}

fn error_response(e: &ApiError, used: Option<u32>) -> HttpResponse {
    let resp = json(e.status, e.body(), used);
    match e.retry_after_secs {
        Some(s) => resp.with_header("Retry-After", s.to_string()),
        None => resp,
    }
}

/// Answers one HTTP request.
pub(crate) fn handle(inner: &Inner, req: &HttpRequest) -> HttpResponse {
    let now = now_ms();
    let Some(endpoint) = Endpoint::route(&req.method.to_ascii_uppercase(), req.path_only()) else {
        return HttpResponse::not_found();
    };
    // Faults and IP limits come first: a banned or rate-limited client learns nothing else.
    let charged = {
        let mut limits = lock(&inner.limits);
        if let Some((status, secs)) = limits.forced.take() {
            let until = now.saturating_add(i64::try_from(secs).unwrap_or(0).saturating_mul(1_000));
            let mut e = if status == 418 {
                banned(until, now)
            } else {
                too_much(inner.config.weight_limit_per_minute, until, now)
            };
            e.status = status;
            e.retry_after_secs = Some(secs);
            let used = limits.used_now(now);
            return error_response(&e, Some(used));
        }
        let p = params(req);
        let weight = p.as_ref().map_or(1, |p| endpoint.weight(p));
        limits.charge(&inner.config, weight, now)
    };
    let used = match charged {
        Ok(u) => u,
        Err(e) => {
            let used = lock(&inner.limits).used_now(now);
            return error_response(&e, Some(used));
        }
    };
    let result = params(req).and_then(|p| {
        if endpoint.signed() {
            let account = authenticate(inner, req, &p, now)?;
            private_call(inner, endpoint, account, &p, now)
        } else {
            public_call(inner, endpoint, &p, now).map(|body| (body, None))
        }
    });
    match result {
        Ok((body, counts)) => {
            let resp = json(200, body, Some(used));
            match counts {
                // rest-api.md "Unfilled Order Count": "Every successful order response will
                // contain a X-MBX-ORDER-COUNT-(intervalNum)(intervalLetter) header".
                Some((s10, d1)) => resp
                    .with_header("X-MBX-ORDER-COUNT-10S", s10.to_string())
                    .with_header("X-MBX-ORDER-COUNT-1D", d1.to_string()),
                None => resp,
            }
        }
        Err(e) => error_response(&e, Some(used)),
    }
}

/// API key and signature of a SIGNED REST request; returns the account index.
fn authenticate(inner: &Inner, req: &HttpRequest, p: &Params, now: i64) -> Result<usize, ApiError> {
    let key = req.header("X-MBX-APIKEY").unwrap_or("");
    if !auth::key_format_ok(key) {
        return Err(ApiError::bad_key_format());
    }
    let (idx, kind) = {
        let st = lock(&inner.state);
        let idx = st
            .accounts
            .iter()
            .position(|a| a.cfg.api_key == key)
            .ok_or_else(ApiError::rejected_key)?;
        let kind = st
            .accounts
            .get(idx)
            .map(|a| a.cfg.kind.clone())
            .ok_or_else(ApiError::rejected_key)?;
        (idx, kind)
    };
    let signature = p
        .get("signature")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::mandatory("signature"))?;
    if !auth::verify(&kind, &signature_payload(req), signature) {
        return Err(ApiError::bad_signature());
    }
    auth::check_timing(p, now)?;
    Ok(idx)
}

/// A signed endpoint for account `account`; returns the body and, for new orders, the
/// `ORDERS` counters.
pub(crate) fn private_call(
    inner: &Inner,
    endpoint: Endpoint,
    account: usize,
    p: &Params,
    now: i64,
) -> Result<(String, Option<(u32, u32)>), ApiError> {
    inner.with_state(|st| match endpoint {
        Endpoint::NewOrder => {
            let body = st.place_order(account, p, now, false)?;
            let counts = st
                .accounts
                .get_mut(account)
                .map(|a| a.order_counts(now, false));
            Ok((body, counts))
        }
        Endpoint::TestOrder => Ok((st.place_order(account, p, now, true)?, None)),
        Endpoint::CancelOrder => Ok((st.cancel_order(account, p, now)?, None)),
        Endpoint::QueryOrder => Ok((st.query_order(account, p)?, None)),
        Endpoint::OpenOrders => Ok((st.open_orders(account, p)?, None)),
        Endpoint::Account => Ok((st.account_json(account, p)?, None)),
        _ => Err(ApiError::new(
            404,
            -1020,
            "This operation is not supported.",
        )),
    })
}

/// A public endpoint.
pub(crate) fn public_call(
    inner: &Inner,
    endpoint: Endpoint,
    p: &Params,
    now: i64,
) -> Result<String, ApiError> {
    match endpoint {
        // rest-api.md "Test connectivity" — Response `{}`.
        Endpoint::Ping => Ok("{}".to_owned()),
        // rest-api.md "Check server time" — Response.
        Endpoint::Time => Ok(Obj::new().n("serverTime", now).finish()),
        Endpoint::ExchangeInfo => exchange_info(inner, p, now),
        Endpoint::Depth => {
            let st = lock(&inner.state);
            let idx = symbol_index(&st, p)?;
            // rest-api.md "Order book": "Default: 100; Maximum: 5000. If limit > 5000, only
            // 5000 entries will be returned."
            let limit = int_param(p, "limit")?.unwrap_or(100).clamp(1, 5_000);
            let m = st.markets.get(idx).ok_or_else(ApiError::bad_symbol)?;
            Ok(m.depth_json(usize::try_from(limit).unwrap_or(100)))
        }
        Endpoint::Trades => {
            let st = lock(&inner.state);
            let idx = symbol_index(&st, p)?;
            let limit = int_param(p, "limit")?.unwrap_or(500).clamp(1, 1_000);
            let m = st.markets.get(idx).ok_or_else(ApiError::bad_symbol)?;
            Ok(m.trades_json(usize::try_from(limit).unwrap_or(500)))
        }
        Endpoint::Klines => klines(inner, p, now),
        Endpoint::Ticker24h => ticker_24hr(inner, p, now),
        _ => Err(ApiError::new(
            404,
            -1020,
            "This operation is not supported.",
        )),
    }
}

fn symbol_index(st: &State, p: &Params) -> Result<usize, ApiError> {
    let symbol = required(p, "symbol")?;
    st.market_index(symbol).ok_or_else(ApiError::bad_symbol)
}

fn int_param(p: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    match p.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::illegal(name, "^[0-9]{1,20}$")),
    }
}

/// `symbols` as `["A","B"]` (URL-decoded already).
fn parse_symbols(raw: &str) -> Result<Vec<String>, ApiError> {
    serde_json::from_str::<Vec<String>>(raw)
        .map_err(|_| ApiError::bad(-1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'."))
}

/// Markets selected by `symbol` / `symbols` (all when neither is given).
fn selected_markets(st: &State, p: &Params) -> Result<(Vec<usize>, bool), ApiError> {
    match (p.get("symbol"), p.get("symbols")) {
        (Some(_), Some(_)) => Err(ApiError::bad(
            -1128,
            "Combination of optional parameters invalid.",
        )),
        (Some(s), None) => Ok((
            vec![st.market_index(s).ok_or_else(ApiError::bad_symbol)?],
            true,
        )),
        (None, Some(list)) => {
            let names = parse_symbols(list)?;
            let mut out = Vec::new();
            for n in names {
                let idx = st.market_index(&n).ok_or_else(ApiError::bad_symbol)?;
                if out.contains(&idx) {
                    // errors.md "-1151 DUPLICATE_SYMBOLS".
                    return Err(ApiError::bad(
                        -1151,
                        "Symbol is present multiple times in the list.",
                    ));
                }
                out.push(idx);
            }
            Ok((out, false))
        }
        (None, None) => Ok(((0..st.markets.len()).collect(), false)),
    }
}

// rest-api.md "Exchange information" — Response; filters.md "PRICE_FILTER", "LOT_SIZE",
// "NOTIONAL"; enums.md "Rate limiters (rateLimitType)".
fn exchange_info(inner: &Inner, p: &Params, now: i64) -> Result<String, ApiError> {
    let st = lock(&inner.state);
    let (selected, _) = selected_markets(&st, p)?;
    let limit = |kind: &str, interval: &str, num: u32, limit: u32| {
        Obj::new()
            .s("rateLimitType", kind)
            .s("interval", interval)
            .n("intervalNum", num)
            .n("limit", limit)
            .finish()
    };
    let mut rate_limits = vec![limit(
        "REQUEST_WEIGHT",
        "MINUTE",
        1,
        inner.config.weight_limit_per_minute,
    )];
    for (interval, num, l) in ORDER_LIMITS {
        rate_limits.push(limit("ORDERS", interval, num, l));
    }
    rate_limits.push(limit("RAW_REQUESTS", "MINUTE", 5, 61_000));
    let symbols = arr(selected.iter().filter_map(|&i| st.markets.get(i)).map(|m| {
        let c = &m.cfg;
        let filters = arr([
            Obj::new()
                .s("filterType", "PRICE_FILTER")
                .d("minPrice", c.min_price)
                .d("maxPrice", c.max_price)
                .d("tickSize", c.tick_size)
                .finish(),
            Obj::new()
                .s("filterType", "LOT_SIZE")
                .d("minQty", c.min_qty)
                .d("maxQty", c.max_qty)
                .d("stepSize", c.step_size)
                .finish(),
            Obj::new()
                .s("filterType", "NOTIONAL")
                .d("minNotional", c.min_notional)
                .b("applyMinToMarket", true)
                .d("maxNotional", c.max_notional)
                .b("applyMaxToMarket", false)
                .n("avgPriceMins", 5)
                .finish(),
        ]);
        Obj::new()
            .s("symbol", &c.symbol)
            .s("status", &c.status)
            .s("baseAsset", &c.base_asset)
            .n("baseAssetPrecision", 8)
            .s("quoteAsset", &c.quote_asset)
            .n("quotePrecision", 8)
            .n("quoteAssetPrecision", 8)
            .n("baseCommissionPrecision", 8)
            .n("quoteCommissionPrecision", 8)
            .raw("orderTypes", r#"["LIMIT","LIMIT_MAKER","MARKET"]"#)
            .b("icebergAllowed", false)
            .b("ocoAllowed", false)
            .b("otoAllowed", false)
            .b("opoAllowed", false)
            .b("quoteOrderQtyMarketAllowed", true)
            .b("allowTrailingStop", false)
            .b("cancelReplaceAllowed", false)
            .b("amendAllowed", false)
            .b("pegInstructionsAllowed", false)
            .b("isSpotTradingAllowed", true)
            .b("isMarginTradingAllowed", false)
            .raw("filters", &filters)
            .raw("permissions", "[]")
            .raw("permissionSets", r#"[["SPOT"]]"#)
            .s("defaultSelfTradePreventionMode", "NONE")
            .raw("allowedSelfTradePreventionModes", r#"["NONE"]"#)
            .finish()
    }));
    Ok(Obj::new()
        .s("timezone", "UTC")
        .n("serverTime", now)
        .raw("rateLimits", &arr(rate_limits))
        .raw("exchangeFilters", "[]")
        .raw("symbols", &symbols)
        .finish())
}

// rest-api.md "Kline/Candlestick data": "If startTime and endTime are not sent, the most
// recent klines are returned"; General API Information: "With startTime, returns oldest items
// from startTime up to the limit. With endTime, returns most recent items up to endTime and
// the limit. With both, behaves like startTime but does not exceed endTime."
fn klines(inner: &Inner, p: &Params, now: i64) -> Result<String, ApiError> {
    let st = lock(&inner.state);
    let idx = symbol_index(&st, p)?;
    let interval = Interval::parse(required(p, "interval")?).ok_or_else(ApiError::bad_interval)?;
    let limit =
        usize::try_from(int_param(p, "limit")?.unwrap_or(500).clamp(1, 1_000)).unwrap_or(500);
    let start = int_param(p, "startTime")?;
    let end = int_param(p, "endTime")?;
    if let Some(tz) = p.get("timeZone") {
        // Only UTC is simulated.
        if !matches!(tz.as_str(), "0" | "+0" | "-0" | "00:00" | "+00:00" | "0:00") {
            return Err(ApiError::bad(
                -1130,
                "Data sent for parameter 'timeZone' is not valid.",
            ));
        }
    }
    let m = st.markets.get(idx).ok_or_else(ApiError::bad_symbol)?;
    let latest = interval.open_of(now);
    let upper = end.map_or(latest, |e| interval.open_of(e).min(latest));
    let mut opens = Vec::with_capacity(limit);
    match start {
        Some(s) => {
            let s = s.max(0);
            let mut open = interval.open_of(s);
            if open < s {
                open = interval.next_open(open);
            }
            while open <= upper && opens.len() < limit {
                opens.push(open);
                open = interval.next_open(open);
            }
        }
        None => {
            let mut open = upper;
            while open >= 0 && opens.len() < limit {
                opens.push(open);
                open = interval.prev_open(open);
            }
            opens.reverse();
        }
    }
    Ok(arr(opens
        .into_iter()
        .map(|open| m.candle_at(interval, open).rest_json(m.tick))))
}

// rest-api.md "24hr ticker price change statistics": a single object for `symbol`, an array
// otherwise; `type` FULL (default) or MINI.
fn ticker_24hr(inner: &Inner, p: &Params, now: i64) -> Result<String, ApiError> {
    let st = lock(&inner.state);
    let full = match p.get("type").map(String::as_str) {
        None | Some("FULL") => true,
        Some("MINI") => false,
        // errors.md "-1139 INVALID_TICKER_TYPE".
        Some(_) => return Err(ApiError::bad(-1139, "Invalid ticker type.")),
    };
    let (selected, single) = selected_markets(&st, p)?;
    let items: Vec<String> = selected
        .iter()
        .filter_map(|&i| st.markets.get(i))
        .map(|m| m.ticker_24hr_rest(now, full))
        .collect();
    if single {
        Ok(items.into_iter().next().unwrap_or_else(|| "{}".to_owned()))
    } else {
        Ok(arr(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str, body: &str) -> HttpRequest {
        HttpRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn params_and_payload() {
        let r = req(
            "POST",
            "/api/v3/order?symbol=BTCUSDT&signature=abc&x=%5B1%5D",
            "quantity=1&symbol=ETHUSDT",
        );
        let p = params(&r).unwrap();
        assert_eq!(p["symbol"], "BTCUSDT");
        assert_eq!(p["x"], "[1]");
        assert_eq!(p["quantity"], "1");
        assert_eq!(
            signature_payload(&r),
            "symbol=BTCUSDT&x=%5B1%5Dquantity=1&symbol=ETHUSDT"
        );
        let dup = req("GET", "/api/v3/depth?symbol=A&symbol=B", "");
        assert_eq!(params(&dup).unwrap_err().code, -1101);
    }

    #[test]
    fn weights() {
        let mut p = Params::new();
        assert_eq!(Endpoint::Depth.weight(&p), 5);
        p.insert("limit".into(), "5000".into());
        assert_eq!(Endpoint::Depth.weight(&p), 250);
        assert_eq!(Endpoint::Ticker24h.weight(&Params::new()), 80);
        assert_eq!(
            Endpoint::route("GET", "/api/v3/uiKlines"),
            Some(Endpoint::Klines)
        );
        assert_eq!(Endpoint::route("PUT", "/api/v3/order"), None);
    }

    #[test]
    fn limits_429_then_ban() {
        let config = SimConfig {
            weight_limit_per_minute: 10,
            ban_after_violations: 1,
            ..SimConfig::default()
        };
        let mut l = RestLimits::default();
        let now = 1_700_000_010_000;
        assert_eq!(l.charge(&config, 10, now), Ok(10));
        let e = l.charge(&config, 1, now).unwrap_err();
        assert_eq!((e.status, e.code), (429, -1003));
        assert_eq!(e.retry_after_secs, Some(30));
        let e = l.charge(&config, 1, now).unwrap_err();
        assert_eq!(e.status, 418);
        assert!(e.msg.contains("IP banned until 1700000130000"));
        // Still banned in the next minute.
        assert_eq!(l.charge(&config, 1, now + 60_000).unwrap_err().status, 418);
        assert!(l.charge(&config, 1, now + 130_000).is_ok());
    }
}
