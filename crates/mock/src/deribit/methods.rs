//! Request parsing and the JSON-RPC methods.

use std::time::Duration;

use hmac::{Hmac, Mac};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use sha2::Sha256;
use tokio::time::Instant;

use super::config::InstrumentKind;
use super::rpc::{self, RpcError};
use super::state::{NewOrder, OrderState, Token};
use super::util::{dec, now_ms, now_us, num};
use super::{Inner, Sim};

/// Chart resolutions of `public/get_tradingview_chart_data` and `chart.trades.*`, with their
/// length in ms.
pub(crate) const RESOLUTIONS: &[(&str, i64)] = &[
    ("1", 60_000),
    ("3", 180_000),
    ("5", 300_000),
    ("10", 600_000),
    ("15", 900_000),
    ("30", 1_800_000),
    ("60", 3_600_000),
    ("120", 7_200_000),
    ("180", 10_800_000),
    ("360", 21_600_000),
    ("720", 43_200_000),
    ("1D", 86_400_000),
];

/// Largest frame accepted (RPC error codes: -32600 "request entity too large", 32 kB).
const MAX_FRAME: usize = 32 * 1024;

/// What to send back for one incoming frame.
#[derive(Debug, Default)]
pub(crate) struct Reply {
    /// The response (or error), if any.
    pub(crate) response: Option<String>,
    /// Frames for this connection right after the response (e.g. a book snapshot).
    pub(crate) extras: Vec<String>,
    /// Close the connection after sending.
    pub(crate) close: bool,
    /// Start a heartbeat timer: (generation, interval).
    pub(crate) heartbeat: Option<(u64, Duration)>,
}

struct Ctx<'a> {
    inner: &'a Inner,
    sim: &'a mut Sim,
    conn: usize,
    params: &'a Map<String, Value>,
    now: i64,
    reply: Reply,
}

/// Handles one frame.
pub(crate) fn handle(
    inner: &Inner,
    sim: &mut Sim,
    conn: usize,
    text: &str,
    within_rate: bool,
    us_in: i64,
) -> Reply {
    let err = |id: &Value, e: RpcError| Reply {
        response: Some(rpc::error(id, &e, us_in, now_us())),
        ..Reply::default()
    };
    if text.len() > MAX_FRAME {
        return err(
            &Value::Null,
            RpcError::new(-32600, "request entity too large"),
        );
    }
    let Ok(req) = serde_json::from_str::<Value>(text) else {
        return err(&Value::Null, RpcError::new(-32700, "Parse error"));
    };
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    let method = req.get("method").and_then(Value::as_str);
    let empty = Map::new();
    let params = match req.get("params") {
        None | Some(Value::Null) => Some(&empty),
        Some(Value::Object(p)) => Some(p),
        Some(_) => None,
    };
    let (Some(method), Some(params), Some("2.0")) =
        (method, params, req.get("jsonrpc").and_then(Value::as_str))
    else {
        return err(&id, RpcError::new(11050, "bad_request"));
    };
    *sim.requests.entry(method.to_owned()).or_insert(0) += 1;
    if !within_rate {
        return err(&id, RpcError::new(10028, "too_many_requests"));
    }
    let mut ctx = Ctx {
        inner,
        sim,
        conn,
        params,
        now: now_ms(),
        reply: Reply::default(),
    };
    let result = ctx.call(method);
    let mut reply = std::mem::take(&mut ctx.reply);
    match result {
        Ok(Some(result)) => reply.response = Some(rpc::response(&id, result, us_in, now_us())),
        Ok(None) => {}
        Err(e) => {
            reply.response = Some(rpc::error(&id, &e, us_in, now_us()));
            reply.extras.clear();
        }
    }
    reply
}

type Res = Result<Option<Value>, RpcError>;

impl Ctx<'_> {
    // ---------------------------------------------------------------------------------
    // Parameters

    fn str_opt(&self, name: &str) -> Result<Option<&str>, RpcError> {
        match self.params.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(RpcError::invalid_params(name, "must be a string")),
        }
    }

    fn str_req(&self, name: &str) -> Result<&str, RpcError> {
        self.str_opt(name)?
            .ok_or_else(|| RpcError::invalid_params(name, "is required"))
    }

    fn dec_opt(&self, name: &str) -> Result<Option<Decimal>, RpcError> {
        match self.params.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v @ Value::Number(_)) => dec(v)
                .map(Some)
                .ok_or_else(|| RpcError::invalid_params(name, "must be a number")),
            Some(_) => Err(RpcError::invalid_params(name, "must be a number")),
        }
    }

    fn int_opt(&self, name: &str) -> Result<Option<i64>, RpcError> {
        match self.params.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| RpcError::invalid_params(name, "must be an integer")),
        }
    }

    fn int_req(&self, name: &str) -> Result<i64, RpcError> {
        self.int_opt(name)?
            .ok_or_else(|| RpcError::invalid_params(name, "is required"))
    }

    fn bool_opt(&self, name: &str) -> Result<bool, RpcError> {
        match self.params.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(RpcError::invalid_params(name, "must be a boolean")),
        }
    }

    fn instrument(&self) -> Result<usize, RpcError> {
        let name = self.str_req("instrument_name")?;
        self.sim
            .ex
            .market_index(name)
            .ok_or_else(|| RpcError::invalid_arguments("instrument_name"))
    }

    fn currency(&self, required: bool) -> Result<Option<String>, RpcError> {
        let c = if required {
            Some(self.str_req("currency")?)
        } else {
            self.str_opt("currency")?
        };
        Ok(c.map(str::to_ascii_uppercase).filter(|c| c != "ANY"))
    }

    fn channels(&self) -> Result<Vec<String>, RpcError> {
        match self.params.get("channels") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|c| {
                    c.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| RpcError::invalid_params("channels", "must be strings"))
                })
                .collect(),
            _ => Err(RpcError::invalid_params("channels", "is required")),
        }
    }

    // ---------------------------------------------------------------------------------
    // Auth

    /// The account of the request's `access_token` or of the connection's token.
    fn account(&self) -> Option<usize> {
        let token = match self.params.get("access_token").and_then(Value::as_str) {
            Some(t) => Some(t.to_owned()),
            None => self.sim.conns.get(&self.conn).and_then(|c| c.token.clone()),
        }?;
        let t = self.sim.ex.access.get(&token)?;
        (t.expires > Instant::now()).then_some(t.account)
    }

    fn require_account(&self) -> Result<usize, RpcError> {
        self.account().ok_or_else(RpcError::unauthorized)
    }

    // ---------------------------------------------------------------------------------

    fn call(&mut self, method: &str) -> Res {
        if method.starts_with("private/") {
            self.require_account()?;
        }
        match method {
            "public/test" => self.test(),
            "public/get_time" => Ok(Some(json!(self.now))),
            "public/set_heartbeat" => self.set_heartbeat(),
            "public/disable_heartbeat" => {
                if let Some(c) = self.sim.conns.get_mut(&self.conn) {
                    c.hb_gen += 1;
                    c.hb_awaiting = false;
                }
                Ok(Some(json!("ok")))
            }
            "public/auth" => self.auth(),
            "private/logout" => self.logout(),
            "public/subscribe" => self.subscribe(false),
            "private/subscribe" => self.subscribe(true),
            "public/unsubscribe" | "private/unsubscribe" => self.unsubscribe(),
            "public/unsubscribe_all" | "private/unsubscribe_all" => {
                if let Some(c) = self.sim.conns.get_mut(&self.conn) {
                    c.subs.clear();
                }
                Ok(Some(json!("ok")))
            }
            "public/get_instruments" => self.get_instruments(),
            "public/get_order_book" => self.get_order_book(),
            "public/ticker" => {
                let i = self.instrument()?;
                Ok(Some(self.sim.ex.markets[i].ticker(self.now)))
            }
            "public/get_last_trades_by_instrument" => self.last_trades(),
            "public/get_tradingview_chart_data" => self.chart_data(),
            "private/buy" => self.place(true),
            "private/sell" => self.place(false),
            "private/edit" => self.edit(),
            "private/cancel" => self.cancel(),
            "private/cancel_all" => self.cancel_all(|_, _| true),
            "private/cancel_all_by_instrument" => {
                let inst = self.instrument()?;
                self.cancel_all(move |o, _| o.inst == inst)
            }
            "private/cancel_all_by_currency" => {
                let c = self.currency(true)?;
                self.cancel_all(move |_, cur| c.as_deref().is_none_or(|c| c == cur))
            }
            "private/get_open_orders_by_currency" => {
                let c = self.currency(true)?;
                self.open_orders(move |_, cur| c.as_deref().is_none_or(|c| c == cur))
            }
            "private/get_open_orders_by_instrument" => {
                let inst = self.instrument()?;
                self.open_orders(move |o, _| o.inst == inst)
            }
            "private/get_order_state" => {
                let account = self.require_account()?;
                let id = self.str_req("order_id")?;
                match self.sim.ex.orders.get(id) {
                    Some(o) if o.account == account => Ok(Some(self.sim.ex.order_json(o))),
                    _ => Err(RpcError::new(10004, "order_not_found")),
                }
            }
            "private/get_positions" => self.positions(),
            "private/get_position" => {
                let account = self.require_account()?;
                let inst = self.instrument()?;
                Ok(self.sim.ex.position_json(account, inst))
            }
            "private/get_account_summary" => {
                let account = self.require_account()?;
                let c = self
                    .currency(true)?
                    .ok_or_else(|| RpcError::invalid_arguments("currency"))?;
                Ok(Some(self.sim.ex.account_summary(account, &c)))
            }
            "private/get_user_trades_by_instrument" => self.user_trades(),
            _ => Err(RpcError::new(-32601, "Method not found")),
        }
    }

    /// <https://docs.deribit.com/api-reference/supporting/public-test>: `{"version":"1.2.26"}`.
    /// Also the answer to a heartbeat test_request.
    fn test(&mut self) -> Res {
        if let Some(c) = self.sim.conns.get_mut(&self.conn) {
            c.hb_awaiting = false;
        }
        Ok(Some(json!({ "version": "1.2.26" })))
    }

    /// <https://docs.deribit.com/api-reference/session-management/public-set_heartbeat>:
    /// `interval` in seconds, not less than 10; result `"ok"`.
    fn set_heartbeat(&mut self) -> Res {
        let interval = self
            .dec_opt("interval")?
            .ok_or_else(|| RpcError::invalid_params("interval", "is required"))?;
        if interval < Decimal::TEN {
            return Err(RpcError::invalid_arguments("interval"));
        }
        let units = u32::try_from(interval.trunc().mantissa()).unwrap_or(u32::MAX);
        let period = self.inner.config.heartbeat_unit.saturating_mul(units);
        if let Some(c) = self.sim.conns.get_mut(&self.conn) {
            c.hb_gen += 1;
            c.hb_awaiting = false;
            self.reply.heartbeat = Some((c.hb_gen, period));
        }
        Ok(Some(json!("ok")))
    }

    /// <https://docs.deribit.com/api-reference/authentication/public-auth>.
    fn auth(&mut self) -> Res {
        let grant = self.str_req("grant_type")?;
        let account = match grant {
            "client_credentials" => {
                let id = self.str_req("client_id")?;
                let secret = self.str_req("client_secret")?;
                self.sim
                    .ex
                    .accounts
                    .iter()
                    .position(|a| a.cfg.client_id == id && a.cfg.client_secret == secret)
            }
            "client_signature" => {
                // https://docs.deribit.com/articles/authentication (Client Signature):
                // StringToSign = Timestamp + "\n" + Nonce + "\n" + Data;
                // Signature = HEX_STRING(HMAC-SHA256(ClientSecret, StringToSign)).
                let id = self.str_req("client_id")?;
                let ts = self.int_req("timestamp")?;
                let sig = self.str_req("signature")?;
                let nonce = self.str_opt("nonce")?.unwrap_or_default();
                let data = self.str_opt("data")?.unwrap_or_default();
                self.sim.ex.accounts.iter().position(|a| {
                    a.cfg.client_id == id
                        && client_signature(&a.cfg.client_secret, ts, nonce, data)
                            .eq_ignore_ascii_case(sig)
                })
            }
            "refresh_token" => {
                let rt = self.str_req("refresh_token")?.to_owned();
                match self.sim.ex.refresh.remove(&rt) {
                    Some(t) if t.expires > Instant::now() => Some(t.account),
                    _ => None,
                }
            }
            _ => return Err(RpcError::invalid_params("grant_type", "unsupported")),
        };
        let account = account.ok_or_else(|| RpcError::new(13004, "invalid_credentials"))?;
        let cfg = &self.inner.config;
        let access = self.sim.ex.new_token(self.now);
        let refresh = self.sim.ex.new_token(self.now);
        let now = Instant::now();
        self.sim.ex.access.insert(
            access.clone(),
            Token {
                account,
                expires: now + cfg.token_ttl,
            },
        );
        self.sim.ex.refresh.insert(
            refresh.clone(),
            Token {
                account,
                expires: now + cfg.refresh_token_ttl,
            },
        );
        if let Some(c) = self.sim.conns.get_mut(&self.conn) {
            c.token = Some(access.clone());
        }
        Ok(Some(json!({
            "access_token": access,
            "expires_in": cfg.token_ttl.as_secs().max(1),
            "refresh_token": refresh,
            "scope": "connection mainaccount",
            "enabled_features": [],
            "token_type": "bearer",
        })))
    }

    /// <https://docs.deribit.com/api-reference/authentication/private-logout>: invalidates
    /// the token (unless `invalidate_token` is false) and closes the connection; no response.
    fn logout(&mut self) -> Res {
        let invalidate = !matches!(
            self.params.get("invalidate_token"),
            Some(Value::Bool(false))
        );
        let token = self
            .sim
            .conns
            .get_mut(&self.conn)
            .and_then(|c| c.token.take());
        if invalidate {
            if let Some(t) = token {
                self.sim.ex.access.remove(&t);
            }
        }
        self.reply.close = true;
        Ok(None)
    }

    /// <https://docs.deribit.com/api-reference/subscription-management/public-subscribe> and
    /// private-subscribe: result is the list of channels now subscribed; unknown channels
    /// are left out.
    fn subscribe(&mut self, private: bool) -> Res {
        let channels = self.channels()?;
        let authed = self.account().is_some();
        let mut ok = Vec::new();
        for ch in &channels {
            let Some(kind) = self.classify(ch) else {
                continue;
            };
            if kind.user && !private {
                continue;
            }
            if kind.raw && !authed {
                return Err(RpcError::new(
                    13778,
                    "raw_subscriptions_not_available_for_unauthorized",
                ));
            }
            ok.push((ch.clone(), kind));
        }
        let Some(conn) = self.sim.conns.get_mut(&self.conn) else {
            return Ok(None);
        };
        let mut result = Vec::new();
        let mut snapshots = Vec::new();
        for (ch, kind) in ok {
            if conn.subs.insert(ch.clone()) {
                if let Some(inst) = kind.book {
                    snapshots.push((ch.clone(), inst));
                }
            }
            result.push(json!(ch));
        }
        for (ch, inst) in snapshots {
            let snap = self.sim.ex.markets[inst].snapshot(self.now);
            self.reply.extras.push(rpc::notification(&ch, &snap));
        }
        Ok(Some(Value::Array(result)))
    }

    /// public/unsubscribe: result is the list of channels unsubscribed.
    fn unsubscribe(&mut self) -> Res {
        let channels = self.channels()?;
        let Some(conn) = self.sim.conns.get_mut(&self.conn) else {
            return Ok(None);
        };
        let removed: Vec<Value> = channels
            .into_iter()
            .filter(|c| conn.subs.remove(c))
            .map(Value::from)
            .collect();
        Ok(Some(Value::Array(removed)))
    }

    fn classify(&self, channel: &str) -> Option<ChannelKind> {
        let parts: Vec<&str> = channel.split('.').collect();
        let inst = |name: &str| self.sim.ex.market_index(name);
        let interval = |i: &str| matches!(i, "100ms" | "raw");
        let k = |raw: bool, user: bool, book: Option<usize>| ChannelKind { raw, user, book };
        match parts.as_slice() {
            ["book", name, i] if interval(i) => {
                let idx = inst(name)?;
                Some(k(*i == "raw", false, Some(idx)))
            }
            ["trades" | "ticker", name, i] if interval(i) => {
                inst(name)?;
                Some(k(*i == "raw", false, None))
            }
            ["chart", "trades", name, res] if RESOLUTIONS.iter().any(|(r, _)| r == res) => {
                inst(name)?;
                Some(k(false, false, None))
            }
            ["user", "orders" | "trades", name, i] if interval(i) => {
                inst(name)?;
                Some(k(false, true, None))
            }
            ["user", "portfolio", cur] => {
                let upper = cur.to_ascii_uppercase();
                let known = self.sim.ex.markets.iter().any(|m| m.cfg.currency == upper);
                let spelled = *cur == upper || *cur == cur.to_ascii_lowercase();
                (known && spelled).then(|| k(false, true, None))
            }
            _ => None,
        }
    }

    /// <https://docs.deribit.com/api-reference/market-data/public-get_instruments>.
    fn get_instruments(&mut self) -> Res {
        let currency = self.currency(true)?;
        let kind = self.str_opt("kind")?.map(str::to_owned);
        if self.bool_opt("expired")? {
            return Ok(Some(json!([])));
        }
        let list: Vec<Value> = self
            .sim
            .ex
            .markets
            .iter()
            .enumerate()
            .filter(|(_, m)| currency.as_deref().is_none_or(|c| c == m.cfg.currency))
            .filter(|(_, m)| kind.as_deref().is_none_or(|k| k == m.cfg.kind.as_str()))
            .map(|(i, m)| {
                let c = &m.cfg;
                let option = c.kind == InstrumentKind::Option;
                let mut v = json!({
                    "tick_size": num(c.tick_size),
                    "tick_size_steps": [],
                    "taker_commission": 0.0005,
                    "maker_commission": if option { 0.0003 } else { 0.0 },
                    "settlement_period": c.settlement_period,
                    "settlement_currency": c.currency,
                    "quote_currency": if option { c.currency.as_str() } else { "USD" },
                    "counter_currency": "USD",
                    "base_currency": c.currency,
                    "price_index": format!("{}_usd", c.currency.to_ascii_lowercase()),
                    "min_trade_amount": num(c.min_trade_amount),
                    "contract_size": num(c.contract_size),
                    "kind": c.kind.as_str(),
                    "is_active": true,
                    "instrument_name": c.name,
                    "instrument_id": 100_000 + i,
                    "expiration_timestamp": c.expiration_timestamp,
                    "creation_timestamp": 1_700_000_000_000_i64,
                    "block_trade_commission": 0.00025,
                    "block_trade_min_trade_amount": 25,
                    "block_trade_tick_size": 0.01,
                    "rfq": false,
                });
                if option {
                    v["strike"] = c.strike.map_or(Value::Null, num);
                    v["option_type"] = json!(c.option_type);
                } else {
                    v["future_type"] = json!("reversed");
                    v["instrument_type"] = json!("reversed");
                    v["max_leverage"] = json!(50);
                    v["max_liquidation_commission"] = json!(0.0075);
                }
                v
            })
            .collect();
        Ok(Some(Value::Array(list)))
    }

    /// <https://docs.deribit.com/api-reference/market-data/public-get_order_book>.
    fn get_order_book(&mut self) -> Res {
        let inst = self.instrument()?;
        let depth = self.int_opt("depth")?.unwrap_or(20).clamp(1, 10_000);
        let depth = usize::try_from(depth).unwrap_or(20);
        Ok(Some(self.sim.ex.markets[inst].order_book(depth, self.now)))
    }

    /// <https://docs.deribit.com/api-reference/market-data/public-get_last_trades_by_instrument>:
    /// `{"trades":[..],"has_more":bool}`.
    fn last_trades(&mut self) -> Res {
        let inst = self.instrument()?;
        let count =
            usize::try_from(self.int_opt("count")?.unwrap_or(10).clamp(1, 1000)).unwrap_or(10);
        let asc = self.str_opt("sorting")? == Some("asc");
        let m = &self.sim.ex.markets[inst];
        let total = m.trades.len();
        let mut trades: Vec<Value> = m
            .trades
            .iter()
            .skip(total.saturating_sub(count))
            .map(|t| m.trade_json(t))
            .collect();
        if !asc {
            trades.reverse();
        }
        Ok(Some(json!({ "trades": trades, "has_more": total > count })))
    }

    /// <https://docs.deribit.com/api-reference/market-data/public-get_tradingview_chart_data>:
    /// `{"status":"ok"|"no_data","ticks":[..],"open":[..],"high":[..],"low":[..],
    /// "close":[..],"volume":[..],"cost":[..]}`.
    fn chart_data(&mut self) -> Res {
        let inst = self.instrument()?;
        let start = self.int_req("start_timestamp")?;
        let end = self.int_req("end_timestamp")?;
        let res = self.str_req("resolution")?;
        let res_ms = RESOLUTIONS
            .iter()
            .find(|(r, _)| *r == res)
            .map(|(_, ms)| *ms)
            .ok_or_else(|| RpcError::invalid_arguments("resolution"))?;
        let m = &self.sim.ex.markets[inst];
        let mut cols: [Vec<Value>; 7] = Default::default();
        let mut t = start + (res_ms - start.rem_euclid(res_ms)) % res_ms;
        while t <= end.min(self.now) && cols[0].len() < 10_000 {
            let c = m.candle(t, res_ms);
            cols[0].push(json!(t));
            for (col, v) in cols[1..].iter_mut().zip(c) {
                col.push(num(v));
            }
            t += res_ms;
        }
        let status = if cols[0].is_empty() { "no_data" } else { "ok" };
        let [ticks, open, high, low, close, volume, cost] = cols;
        Ok(Some(json!({
            "status": status, "ticks": ticks, "open": open, "high": high, "low": low,
            "close": close, "volume": volume, "cost": cost,
        })))
    }

    /// <https://docs.deribit.com/api-reference/trading/private-buy> and private-sell:
    /// result `{"order":{..},"trades":[..]}`.
    fn place(&mut self, buy: bool) -> Res {
        let account = self.require_account()?;
        let inst = self.instrument()?;
        let market = match self.str_opt("type")?.unwrap_or("limit") {
            "limit" => false,
            "market" => true,
            _ => return Err(RpcError::invalid_arguments("type")),
        };
        let amount = match (self.dec_opt("amount")?, self.dec_opt("contracts")?) {
            (Some(a), _) => a,
            (None, Some(c)) => c * self.sim.ex.markets[inst].cfg.contract_size,
            (None, None) => return Err(RpcError::invalid_params("amount", "is required")),
        };
        let req = NewOrder {
            inst,
            buy,
            market,
            amount,
            price: self.dec_opt("price")?,
            label: self.str_opt("label")?.unwrap_or_default().to_owned(),
            post_only: self.bool_opt("post_only")?,
            reduce_only: self.bool_opt("reduce_only")?,
        };
        let (id, trades) = self.sim.ex.place(account, req, self.now)?;
        self.order_result(&id, trades)
    }

    fn order_result(&self, id: &str, trades: Vec<Value>) -> Res {
        let order = self
            .sim
            .ex
            .orders
            .get(id)
            .map(|o| self.sim.ex.order_json(o))
            .unwrap_or(Value::Null);
        Ok(Some(json!({ "order": order, "trades": trades })))
    }

    /// <https://docs.deribit.com/api-reference/trading/private-edit>: `order_id`, `amount`,
    /// `price`; result `{"order":{..},"trades":[..]}`.
    fn edit(&mut self) -> Res {
        let account = self.require_account()?;
        let id = self.str_req("order_id")?.to_owned();
        let amount = self.dec_opt("amount")?;
        let price = self.dec_opt("price")?;
        let trades = self.sim.ex.edit(account, &id, amount, price, self.now)?;
        self.order_result(&id, trades)
    }

    /// <https://docs.deribit.com/api-reference/trading/private-cancel>: result is the order.
    fn cancel(&mut self) -> Res {
        let account = self.require_account()?;
        let id = self.str_req("order_id")?.to_owned();
        self.sim.ex.cancel(account, &id, self.now)?;
        Ok(self
            .sim
            .ex
            .orders
            .get(&id)
            .map(|o| self.sim.ex.order_json(o)))
    }

    /// <https://docs.deribit.com/api-reference/trading/private-cancel_all> (and
    /// `_by_instrument`, `_by_currency`): result is the number of cancelled orders.
    fn cancel_all(&mut self, filter: impl Fn(&super::state::Order, &str) -> bool) -> Res {
        let account = self.require_account()?;
        let currencies: Vec<String> = self
            .sim
            .ex
            .markets
            .iter()
            .map(|m| m.cfg.currency.clone())
            .collect();
        let n = self.sim.ex.cancel_where(
            account,
            |o| filter(o, currencies.get(o.inst).map_or("", String::as_str)),
            self.now,
        );
        Ok(Some(json!(n)))
    }

    /// <https://docs.deribit.com/api-reference/trading/private-get_open_orders_by_currency>
    /// (and `_by_instrument`): a list of orders.
    fn open_orders(&mut self, filter: impl Fn(&super::state::Order, &str) -> bool) -> Res {
        let account = self.require_account()?;
        let kind = self.str_opt("kind")?.map(str::to_owned);
        let ex = &self.sim.ex;
        let list: Vec<Value> = ex
            .orders
            .values()
            .filter(|o| o.account == account && o.state == OrderState::Open)
            .filter(|o| {
                ex.markets.get(o.inst).is_some_and(|m| {
                    filter(o, &m.cfg.currency)
                        && kind
                            .as_deref()
                            .is_none_or(|k| k == "any" || k == m.cfg.kind.as_str())
                })
            })
            .map(|o| ex.order_json(o))
            .collect();
        Ok(Some(Value::Array(list)))
    }

    /// <https://docs.deribit.com/api-reference/account-management/private-get_positions>.
    fn positions(&mut self) -> Res {
        let account = self.require_account()?;
        let currency = self.currency(false)?;
        let kind = self.str_opt("kind")?.map(str::to_owned);
        let ex = &self.sim.ex;
        let list: Vec<Value> = ex
            .open_positions(account)
            .into_iter()
            .filter(|i| {
                ex.markets.get(*i).is_some_and(|m| {
                    currency.as_deref().is_none_or(|c| c == m.cfg.currency)
                        && kind
                            .as_deref()
                            .is_none_or(|k| k == "any" || k == m.cfg.kind.as_str())
                })
            })
            .filter_map(|i| ex.position_json(account, i))
            .collect();
        Ok(Some(Value::Array(list)))
    }

    /// <https://docs.deribit.com/api-reference/trading/private-get_user_trades_by_instrument>:
    /// `{"trades":[..],"has_more":bool}`.
    fn user_trades(&mut self) -> Res {
        let account = self.require_account()?;
        let inst = self.instrument()?;
        let count =
            usize::try_from(self.int_opt("count")?.unwrap_or(10).clamp(1, 1000)).unwrap_or(10);
        let asc = self.str_opt("sorting")? == Some("asc");
        let all: Vec<&Value> = self
            .sim
            .ex
            .accounts
            .get(account)
            .map(|a| {
                a.trades
                    .iter()
                    .filter(|(i, _)| *i == inst)
                    .map(|(_, t)| t)
                    .collect()
            })
            .unwrap_or_default();
        let total = all.len();
        let mut trades: Vec<Value> = all
            .into_iter()
            .skip(total.saturating_sub(count))
            .cloned()
            .collect();
        if !asc {
            trades.reverse();
        }
        Ok(Some(json!({ "trades": trades, "has_more": total > count })))
    }
}

#[derive(Debug, Clone, Copy)]
struct ChannelKind {
    raw: bool,
    user: bool,
    /// Book channel of this instrument (a snapshot follows the subscription).
    book: Option<usize>,
}

/// The `client_signature` of public/auth: hex HMAC-SHA256 with the client secret over
/// `timestamp + "\n" + nonce + "\n" + data`
/// (<https://docs.deribit.com/articles/authentication>).
pub fn client_signature(secret: &str, timestamp: i64, nonce: &str, data: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("{timestamp}\n{nonce}\n{data}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
