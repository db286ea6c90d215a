//! Exchange state: markets, accounts, orders, positions, tokens, and the events produced
//! by changes (sent to subscribers by the caller).

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use rust_decimal::prelude::Signed;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::config::{AccountConfig, DeribitConfig, InstrumentKind};
use super::market::Market;
use super::rpc::RpcError;
use super::util::{Rng, num};

/// Order state (`order_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderState {
    Open,
    Filled,
    Cancelled,
}

impl OrderState {
    fn as_str(self) -> &'static str {
        match self {
            OrderState::Open => "open",
            OrderState::Filled => "filled",
            OrderState::Cancelled => "cancelled",
        }
    }
}

/// A user order.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) id: String,
    pub(crate) account: usize,
    pub(crate) inst: usize,
    pub(crate) buy: bool,
    pub(crate) market: bool,
    pub(crate) price: Decimal,
    pub(crate) amount: Decimal,
    pub(crate) filled: Decimal,
    /// Sum of price × amount over fills.
    notional: Decimal,
    pub(crate) label: String,
    pub(crate) post_only: bool,
    pub(crate) reduce_only: bool,
    pub(crate) state: OrderState,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    cancel_reason: Option<&'static str>,
}

impl Order {
    fn remaining(&self) -> Decimal {
        self.amount - self.filled
    }

    fn average_price(&self) -> Decimal {
        if self.filled.is_zero() {
            Decimal::ZERO
        } else {
            (self.notional / self.filled).round_dp(8)
        }
    }
}

/// A position in one instrument (`size` signed: positive long).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Position {
    pub(crate) size: Decimal,
    pub(crate) avg: Decimal,
    pub(crate) realized: Decimal,
}

/// An account.
#[derive(Debug)]
pub(crate) struct Account {
    pub(crate) cfg: AccountConfig,
    pub(crate) balances: BTreeMap<String, Decimal>,
    pub(crate) positions: BTreeMap<usize, Position>,
    /// User trades (instrument index, JSON), oldest first.
    pub(crate) trades: Vec<(usize, Value)>,
}

/// An issued token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub(crate) account: usize,
    pub(crate) expires: Instant,
}

/// A notification for subscribers of `channel` (only the account's connections when
/// `account` is set).
#[derive(Debug, Clone)]
pub(crate) struct Out {
    pub(crate) account: Option<usize>,
    pub(crate) channel: String,
    pub(crate) data: Value,
}

/// Parameters of a new order.
#[derive(Debug, Clone)]
pub(crate) struct NewOrder {
    pub(crate) inst: usize,
    pub(crate) buy: bool,
    pub(crate) market: bool,
    pub(crate) amount: Decimal,
    pub(crate) price: Option<Decimal>,
    pub(crate) label: String,
    pub(crate) post_only: bool,
    pub(crate) reduce_only: bool,
}

/// The whole simulated exchange.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) markets: Vec<Market>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) orders: BTreeMap<String, Order>,
    order_seq: u64,
    pub(crate) trade_id: u64,
    pub(crate) access: HashMap<String, Token>,
    pub(crate) refresh: HashMap<String, Token>,
    token_seq: u64,
    pub(crate) rng: Rng,
    pub(crate) out: Vec<Out>,
    levels: usize,
    margin_rate: Decimal,
}

impl State {
    /// The exchange of `config`, created at `now` (ms).
    pub(crate) fn new(config: &DeribitConfig, now: i64) -> Self {
        let mut rng = Rng::new(config.seed);
        let markets = config
            .instruments
            .iter()
            .map(|i| {
                Market::new(
                    i.clone(),
                    config.book_levels.max(1),
                    &mut rng,
                    config.seed,
                    config.steps_per_second(),
                    now,
                )
            })
            .collect();
        let accounts = config
            .accounts
            .iter()
            .map(|a| Account {
                cfg: a.clone(),
                balances: a.balances.iter().cloned().collect(),
                positions: BTreeMap::new(),
                trades: Vec::new(),
            })
            .collect();
        Self {
            markets,
            accounts,
            orders: BTreeMap::new(),
            order_seq: 0,
            trade_id: 0,
            access: HashMap::new(),
            refresh: HashMap::new(),
            token_seq: 0,
            rng,
            out: Vec::new(),
            levels: config.book_levels.max(1),
            margin_rate: config.initial_margin_rate,
        }
    }

    pub(crate) fn market_index(&self, name: &str) -> Option<usize> {
        self.markets.iter().position(|m| m.cfg.name == name)
    }

    /// A fresh opaque token (`{ms}.{random}`, the shape of the documented tokens).
    pub(crate) fn new_token(&mut self, now: i64) -> String {
        self.token_seq += 1;
        let r = self.rng.next_u64();
        format!("{now}.{:x}{:016x}", self.token_seq, r)
    }

    /// One market tick of every instrument, then resting orders that the moved book
    /// crosses are filled.
    pub(crate) fn tick(&mut self, now: i64) {
        let levels = self.levels;
        for idx in 0..self.markets.len() {
            let State {
                markets,
                rng,
                trade_id,
                ..
            } = self;
            if let Some(m) = markets.get_mut(idx) {
                m.step(rng, levels, trade_id, now);
            }
            self.match_resting(idx, now);
        }
    }

    fn match_resting(&mut self, inst: usize, now: i64) {
        let ids: Vec<String> = self
            .orders
            .values()
            .filter(|o| o.inst == inst && o.state == OrderState::Open)
            .map(|o| o.id.clone())
            .collect();
        for id in ids {
            self.execute(&id, false, now);
        }
    }

    // ---------------------------------------------------------------------------------
    // Orders

    /// Places an order: validation, funds check, immediate matching. Returns the order id
    /// and the JSON of the user trades it made.
    pub(crate) fn place(
        &mut self,
        account: usize,
        req: NewOrder,
        now: i64,
    ) -> Result<(String, Vec<Value>), RpcError> {
        let m = self
            .markets
            .get(req.inst)
            .ok_or_else(|| RpcError::invalid_arguments("instrument_name"))?;
        let tick = m.cfg.tick_size;
        let lot = m.cfg.min_trade_amount;
        let currency = m.cfg.currency.clone();
        if req.amount <= Decimal::ZERO || !(req.amount % lot).is_zero() {
            return Err(RpcError::invalid_arguments("amount"));
        }
        let mut price = match (req.market, req.price) {
            (true, _) => None,
            (false, Some(p)) if p > Decimal::ZERO => Some(p),
            (false, _) => return Err(RpcError::invalid_arguments("price")),
        };
        if let Some(p) = price {
            if !(p % tick).is_zero() {
                // RPC error codes: 10043 "price_wrong_tick".
                return Err(RpcError::new(10043, "price_wrong_tick"));
            }
        }
        let mut amount = req.amount;
        if req.reduce_only {
            let pos = self
                .accounts
                .get(account)
                .and_then(|a| a.positions.get(&req.inst))
                .map_or(Decimal::ZERO, |p| p.size);
            let reducible = if req.buy { -pos } else { pos };
            if reducible <= Decimal::ZERO {
                return Err(RpcError::invalid_arguments("reduce_only"));
            }
            amount = amount.min(reducible);
        }
        if req.post_only {
            if let Some(p) = price {
                // private/buy `post_only`: "If the new price would cause the order to be
                // filled immediately (as taker), the price will be changed to be just below
                // the spread" (above it for sells).
                let m = &self.markets[req.inst];
                if req.buy {
                    if let Some((ask, _)) = m.best_ask() {
                        if p >= ask {
                            price = Some(ask - tick);
                        }
                    }
                } else if let Some((bid, _)) = m.best_bid() {
                    if p <= bid {
                        price = Some(bid + tick);
                    }
                }
            }
        }
        let est_price = price.unwrap_or_else(|| self.markets[req.inst].mark());
        let needed = self.order_margin(req.inst, req.buy, amount, est_price);
        if !req.reduce_only && needed > self.available_funds(account, &currency) {
            return Err(RpcError::new(10009, "not_enough_funds"));
        }
        self.order_seq += 1;
        let id = format!("{currency}-{}", self.order_seq);
        let order = Order {
            id: id.clone(),
            account,
            inst: req.inst,
            buy: req.buy,
            market: req.market,
            price: price.unwrap_or(Decimal::ZERO),
            amount,
            filled: Decimal::ZERO,
            notional: Decimal::ZERO,
            label: req.label,
            post_only: req.post_only,
            reduce_only: req.reduce_only,
            state: OrderState::Open,
            created: now,
            updated: now,
            cancel_reason: None,
        };
        self.orders.insert(id.clone(), order);
        let trades = if req.post_only {
            Vec::new()
        } else {
            self.execute(&id, true, now)
        };
        if let Some(o) = self.orders.get_mut(&id) {
            if o.market && o.state == OrderState::Open {
                // Market orders never rest: an unfilled remainder is cancelled.
                o.state = OrderState::Cancelled;
                o.cancel_reason = Some("user_request");
            }
        }
        self.emit_order(&id);
        Ok((id, trades))
    }

    /// Matches an order against the book; emits order, trade and portfolio events when it
    /// fills. Returns the user trades made.
    fn execute(&mut self, id: &str, taker: bool, now: i64) -> Vec<Value> {
        let Some(o) = self.orders.get(id).cloned() else {
            return Vec::new();
        };
        if o.state != OrderState::Open || o.remaining() <= Decimal::ZERO {
            return Vec::new();
        }
        let limit = if o.market { None } else { Some(o.price) };
        let fills = match self.markets.get_mut(o.inst) {
            Some(m) => m.take(o.buy, limit, o.remaining()),
            None => return Vec::new(),
        };
        if fills.is_empty() {
            return Vec::new();
        }
        let mut user_trades = Vec::new();
        for (price, qty) in fills {
            let t = {
                let State {
                    markets, trade_id, ..
                } = self;
                match markets.get_mut(o.inst) {
                    Some(m) => m.record_trade(o.buy, price, qty, trade_id, now),
                    None => continue,
                }
            };
            self.apply_fill(o.account, o.inst, o.buy, price, qty);
            let order_state;
            {
                let Some(ord) = self.orders.get_mut(id) else {
                    continue;
                };
                ord.filled += qty;
                ord.notional += price * qty;
                ord.updated = now;
                if ord.remaining() <= Decimal::ZERO {
                    ord.state = OrderState::Filled;
                }
                if ord.market {
                    ord.price = price;
                }
                order_state = ord.state;
            }
            let m = &self.markets[o.inst];
            // private/get_user_trades_by_instrument, user.trades.{instrument_name}.{interval}:
            // https://docs.deribit.com/api-reference/trading/private-get_user_trades_by_instrument
            let mut tj = m.trade_json(&t);
            tj["state"] = json!(order_state.as_str());
            tj["reduce_only"] = json!(o.reduce_only);
            tj["post_only"] = json!(o.post_only);
            tj["order_type"] = json!(if o.market { "market" } else { "limit" });
            tj["order_id"] = json!(o.id);
            tj["matching_id"] = Value::Null;
            tj["liquidity"] = json!(if taker { "T" } else { "M" });
            tj["fee"] = json!(0);
            tj["fee_currency"] = json!(m.cfg.currency);
            tj["api"] = json!(true);
            if !o.label.is_empty() {
                tj["label"] = json!(o.label);
            }
            if let Some(a) = self.accounts.get_mut(o.account) {
                a.trades.push((o.inst, tj.clone()));
            }
            user_trades.push(tj);
        }
        let name = self.markets[o.inst].cfg.name.clone();
        for interval in ["raw", "100ms"] {
            self.out.push(Out {
                account: Some(o.account),
                channel: format!("user.trades.{name}.{interval}"),
                data: Value::Array(user_trades.clone()),
            });
        }
        if !taker {
            self.emit_order(id);
        }
        let currency = self.markets[o.inst].cfg.currency.clone();
        self.emit_portfolio(o.account, &currency);
        user_trades
    }

    /// Applies a fill to the account's position and balance.
    fn apply_fill(&mut self, account: usize, inst: usize, buy: bool, price: Decimal, qty: Decimal) {
        let Some(m) = self.markets.get(inst) else {
            return;
        };
        let kind = m.cfg.kind;
        let currency = m.cfg.currency.clone();
        let Some(acct) = self.accounts.get_mut(account) else {
            return;
        };
        let pos = acct.positions.entry(inst).or_default();
        let signed = if buy { qty } else { -qty };
        let mut balance_delta = Decimal::ZERO;
        if kind == InstrumentKind::Option {
            // Premium paid or received at once.
            balance_delta -= signed * price;
        }
        if pos.size.is_zero() || pos.size.is_sign_positive() == buy {
            let total = pos.size.abs() + qty;
            pos.avg = ((pos.size.abs() * pos.avg + qty * price) / total).round_dp(8);
            pos.size += signed;
        } else {
            let closed = pos.size.abs().min(qty);
            let dir = if pos.size.is_sign_positive() {
                Decimal::ONE
            } else {
                Decimal::NEGATIVE_ONE
            };
            let pnl = match kind {
                InstrumentKind::Future if !pos.avg.is_zero() && !price.is_zero() => {
                    (closed * (Decimal::ONE / pos.avg - Decimal::ONE / price) * dir).round_dp(8)
                }
                InstrumentKind::Future => Decimal::ZERO,
                InstrumentKind::Option => (closed * (price - pos.avg) * dir).round_dp(8),
            };
            pos.realized += pnl;
            if kind == InstrumentKind::Future {
                balance_delta += pnl;
            }
            let rest = qty - closed;
            pos.size -= pos.size.signum() * closed;
            if rest > Decimal::ZERO {
                pos.size = if buy { rest } else { -rest };
                pos.avg = price;
            } else if pos.size.is_zero() {
                pos.avg = Decimal::ZERO;
            }
        }
        *acct.balances.entry(currency).or_default() += balance_delta;
    }

    /// Edits an open order's amount and/or price (private/edit), then re-matches it.
    pub(crate) fn edit(
        &mut self,
        account: usize,
        id: &str,
        amount: Option<Decimal>,
        price: Option<Decimal>,
        now: i64,
    ) -> Result<Vec<Value>, RpcError> {
        let o = self.owned_order(account, id)?;
        if o.state != OrderState::Open {
            // RPC error codes: 10010 "already_closed".
            return Err(RpcError::new(10010, "already_closed"));
        }
        let m = &self.markets[o.inst];
        let amount = amount.unwrap_or(o.amount);
        if amount < o.filled
            || amount <= Decimal::ZERO
            || !(amount % m.cfg.min_trade_amount).is_zero()
        {
            return Err(RpcError::invalid_arguments("amount"));
        }
        let price = price.unwrap_or(o.price);
        if price <= Decimal::ZERO {
            return Err(RpcError::invalid_arguments("price"));
        }
        if !(price % m.cfg.tick_size).is_zero() {
            return Err(RpcError::new(10043, "price_wrong_tick"));
        }
        if let Some(ord) = self.orders.get_mut(id) {
            ord.amount = amount;
            ord.price = price;
            ord.updated = now;
            if ord.remaining().is_zero() {
                ord.state = OrderState::Filled;
            }
        }
        let trades = if o.post_only {
            Vec::new()
        } else {
            self.execute(id, true, now)
        };
        self.emit_order(id);
        Ok(trades)
    }

    /// Cancels an open order (private/cancel).
    pub(crate) fn cancel(&mut self, account: usize, id: &str, now: i64) -> Result<(), RpcError> {
        let o = self.owned_order(account, id)?;
        if o.state != OrderState::Open {
            return Err(RpcError::new(10010, "already_closed"));
        }
        if let Some(ord) = self.orders.get_mut(id) {
            ord.state = OrderState::Cancelled;
            ord.cancel_reason = Some("user_request");
            ord.updated = now;
        }
        self.emit_order(id);
        let currency = self.markets[o.inst].cfg.currency.clone();
        self.emit_portfolio(account, &currency);
        Ok(())
    }

    /// Cancels the account's open orders matching `filter`; returns how many.
    pub(crate) fn cancel_where(
        &mut self,
        account: usize,
        filter: impl Fn(&Order) -> bool,
        now: i64,
    ) -> usize {
        let ids: Vec<String> = self
            .orders
            .values()
            .filter(|o| o.account == account && o.state == OrderState::Open && filter(o))
            .map(|o| o.id.clone())
            .collect();
        for id in &ids {
            let _ = self.cancel(account, id, now);
        }
        ids.len()
    }

    fn owned_order(&self, account: usize, id: &str) -> Result<Order, RpcError> {
        match self.orders.get(id) {
            Some(o) if o.account == account => Ok(o.clone()),
            // RPC error codes: 10004 "order_not_found".
            _ => Err(RpcError::new(10004, "order_not_found")),
        }
    }

    /// Pushes `user.orders.{instrument}.raw` (the order) and `.100ms` (a list).
    fn emit_order(&mut self, id: &str) {
        let Some(o) = self.orders.get(id) else {
            return;
        };
        let json = self.order_json(o);
        let name = self.markets[o.inst].cfg.name.clone();
        let account = Some(o.account);
        self.out.push(Out {
            account,
            channel: format!("user.orders.{name}.raw"),
            data: json.clone(),
        });
        self.out.push(Out {
            account,
            channel: format!("user.orders.{name}.100ms"),
            data: Value::Array(vec![json]),
        });
    }

    /// Pushes `user.portfolio.{currency}` (lower- and upper-case spellings).
    fn emit_portfolio(&mut self, account: usize, currency: &str) {
        let data = self.account_summary(account, currency);
        for c in [currency.to_ascii_lowercase(), currency.to_ascii_uppercase()] {
            self.out.push(Out {
                account: Some(account),
                channel: format!("user.portfolio.{c}"),
                data: data.clone(),
            });
        }
    }

    /// An order as in the `order` of private/buy's result and in `user.orders.*`.
    ///
    /// <https://docs.deribit.com/api-reference/trading/private-buy> (response `order`).
    pub(crate) fn order_json(&self, o: &Order) -> Value {
        let m = &self.markets[o.inst];
        let mut v = json!({
            "web": false,
            "time_in_force": "good_til_cancelled",
            "replaced": false,
            "reduce_only": o.reduce_only,
            "price": num(o.price),
            "post_only": o.post_only,
            "order_type": if o.market { "market" } else { "limit" },
            "order_state": o.state.as_str(),
            "order_id": o.id,
            "max_show": num(o.amount),
            "last_update_timestamp": o.updated,
            "label": o.label,
            "is_liquidation": false,
            "instrument_name": m.cfg.name,
            "filled_amount": num(o.filled),
            "direction": if o.buy { "buy" } else { "sell" },
            "creation_timestamp": o.created,
            "average_price": num(o.average_price()),
            "api": true,
            "amount": num(o.amount),
            "contracts": num((o.amount / m.cfg.contract_size).round_dp(8)),
            "risk_reducing": false,
            "mmp": false,
        });
        if let Some(reason) = o.cancel_reason {
            v["cancel_reason"] = json!(reason);
        }
        v
    }

    // ---------------------------------------------------------------------------------
    // Margin, positions, summaries

    fn order_margin(&self, inst: usize, buy: bool, amount: Decimal, price: Decimal) -> Decimal {
        let Some(m) = self.markets.get(inst) else {
            return Decimal::ZERO;
        };
        match m.cfg.kind {
            InstrumentKind::Future if !price.is_zero() => amount / price * self.margin_rate,
            InstrumentKind::Future => Decimal::ZERO,
            InstrumentKind::Option if buy => amount * price,
            InstrumentKind::Option => amount * Decimal::new(1, 1),
        }
    }

    fn position_margin(&self, inst: usize, size: Decimal) -> Decimal {
        let Some(m) = self.markets.get(inst) else {
            return Decimal::ZERO;
        };
        let mark = m.mark();
        match m.cfg.kind {
            InstrumentKind::Future if !mark.is_zero() => size.abs() / mark * self.margin_rate,
            InstrumentKind::Option if size < Decimal::ZERO => size.abs() * Decimal::new(1, 1),
            _ => Decimal::ZERO,
        }
    }

    fn upl(&self, inst: usize, p: &Position) -> Decimal {
        let Some(m) = self.markets.get(inst) else {
            return Decimal::ZERO;
        };
        let mark = m.mark();
        match m.cfg.kind {
            InstrumentKind::Future if !p.avg.is_zero() && !mark.is_zero() => {
                (p.size * (Decimal::ONE / p.avg - Decimal::ONE / mark)).round_dp(8)
            }
            InstrumentKind::Future => Decimal::ZERO,
            InstrumentKind::Option => (p.size * (mark - p.avg)).round_dp(8),
        }
    }

    /// (balance, upl, position margin, open order margin) in `currency`.
    fn margins(&self, account: usize, currency: &str) -> (Decimal, Decimal, Decimal, Decimal) {
        let Some(a) = self.accounts.get(account) else {
            return Default::default();
        };
        let balance = a.balances.get(currency).copied().unwrap_or_default();
        let mut upl = Decimal::ZERO;
        let mut pos_margin = Decimal::ZERO;
        for (inst, p) in &a.positions {
            if self
                .markets
                .get(*inst)
                .is_some_and(|m| m.cfg.currency == currency)
            {
                upl += self.upl(*inst, p);
                pos_margin += self.position_margin(*inst, p.size);
            }
        }
        let order_margin = self
            .orders
            .values()
            .filter(|o| o.account == account && o.state == OrderState::Open)
            .filter(|o| {
                self.markets
                    .get(o.inst)
                    .is_some_and(|m| m.cfg.currency == currency)
            })
            .map(|o| self.order_margin(o.inst, o.buy, o.remaining(), o.price))
            .sum();
        (balance, upl, pos_margin, order_margin)
    }

    fn available_funds(&self, account: usize, currency: &str) -> Decimal {
        let (balance, upl, pm, om) = self.margins(account, currency);
        balance + upl.min(Decimal::ZERO) - pm - om
    }

    /// private/get_account_summary result and user.portfolio.{currency} data.
    ///
    /// <https://docs.deribit.com/api-reference/account-management/private-get_account_summary>;
    /// <https://docs.deribit.com/subscriptions/user-data/userportfoliocurrency>.
    pub(crate) fn account_summary(&self, account: usize, currency: &str) -> Value {
        let (balance, upl, pm, om) = self.margins(account, currency);
        let realized: Decimal = self
            .accounts
            .get(account)
            .map(|a| {
                a.positions
                    .iter()
                    .filter(|(i, _)| {
                        self.markets
                            .get(**i)
                            .is_some_and(|m| m.cfg.currency == currency)
                    })
                    .map(|(_, p)| p.realized)
                    .sum()
            })
            .unwrap_or_default();
        let equity = balance + upl;
        let available = (equity - pm - om).round_dp(8);
        json!({
            "currency": currency,
            "balance": num(balance.round_dp(8)),
            "equity": num(equity.round_dp(8)),
            "margin_balance": num(equity.round_dp(8)),
            "available_funds": num(available),
            "available_withdrawal_funds": num(available.max(Decimal::ZERO).min(balance)),
            "initial_margin": num((pm + om).round_dp(8)),
            "maintenance_margin": num((pm / Decimal::TWO).round_dp(8)),
            "projected_initial_margin": num((pm + om).round_dp(8)),
            "projected_maintenance_margin": num((pm / Decimal::TWO).round_dp(8)),
            "session_upl": num(upl),
            "session_rpl": num(realized),
            "total_pl": num(upl + realized),
            "futures_pl": num(upl + realized),
            "options_value": 0,
            "delta_total": 0,
            "fee_balance": 0,
            "portfolio_margining_enabled": false,
            "cross_collateral_enabled": false,
            "margin_model": "segregated_sm",
        })
    }

    /// A position as in private/get_position(s).
    ///
    /// <https://docs.deribit.com/api-reference/account-management/private-get_positions>.
    pub(crate) fn position_json(&self, account: usize, inst: usize) -> Option<Value> {
        let m = self.markets.get(inst)?;
        let p = self
            .accounts
            .get(account)?
            .positions
            .get(&inst)
            .copied()
            .unwrap_or_default();
        let upl = self.upl(inst, &p);
        let mark = m.mark();
        let direction = match p.size.cmp(&Decimal::ZERO) {
            std::cmp::Ordering::Greater => "buy",
            std::cmp::Ordering::Less => "sell",
            std::cmp::Ordering::Equal => "zero",
        };
        let size_currency = match m.cfg.kind {
            InstrumentKind::Future if !mark.is_zero() => (p.size / mark).round_dp(8),
            _ => p.size,
        };
        let im = self.position_margin(inst, p.size).round_dp(8);
        Some(json!({
            "instrument_name": m.cfg.name,
            "kind": m.cfg.kind.as_str(),
            "size": num(p.size),
            "size_currency": num(size_currency),
            "direction": direction,
            "average_price": num(p.avg),
            "mark_price": num(mark),
            "index_price": num(mark),
            "settlement_price": num(m.cfg.start_price),
            "floating_profit_loss": num(upl),
            "realized_profit_loss": num(p.realized),
            "total_profit_loss": num(upl + p.realized),
            "initial_margin": num(im),
            "maintenance_margin": num((im / Decimal::TWO).round_dp(8)),
            "open_orders_margin": 0,
            "delta": num(size_currency),
            "leverage": 50,
            "estimated_liquidation_price": Value::Null,
        }))
    }

    /// Instrument indices with a non-zero position for `account`.
    pub(crate) fn open_positions(&self, account: usize) -> Vec<usize> {
        self.accounts
            .get(account)
            .map(|a| {
                a.positions
                    .iter()
                    .filter(|(_, p)| !p.size.is_zero())
                    .map(|(i, _)| *i)
                    .collect()
            })
            .unwrap_or_default()
    }
}
