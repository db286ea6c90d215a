//! The exchange state behind one lock: markets, accounts, orders; order placement, matching
//! and cancellation; the user data events they cause.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rust_decimal::{Decimal, RoundingStrategy};

use super::config::{AccountConfig, SimConfig};
use super::error::ApiError;
use super::market::{Fill, Market, Side};
use super::util::{Obj, arr, client_id, mix, to_units};

/// Something to push to WebSocket clients, in production order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Out {
    /// A public market stream event: (stream name, raw payload).
    Public(String, String),
    /// A user data stream event of an account (unwrapped `event` object).
    User(usize, String),
}

/// Parameters of a request, decoded: name → value.
pub(crate) type Params = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderType {
    Limit,
    LimitMaker,
    Market,
}

impl OrderType {
    fn as_str(self) -> &'static str {
        match self {
            OrderType::Limit => "LIMIT",
            OrderType::LimitMaker => "LIMIT_MAKER",
            OrderType::Market => "MARKET",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    Expired,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::New => "NEW",
            Status::PartiallyFilled => "PARTIALLY_FILLED",
            Status::Filled => "FILLED",
            Status::Canceled => "CANCELED",
            Status::Expired => "EXPIRED",
        }
    }

    fn is_open(self) -> bool {
        matches!(self, Status::New | Status::PartiallyFilled)
    }
}

/// One order of a simulated account.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    id: u64,
    account: usize,
    market: usize,
    client_id: String,
    side: Side,
    kind: OrderType,
    tif: Option<&'static str>,
    /// Limit price in ticks.
    price: Option<i64>,
    /// Original quantity in steps.
    orig_qty: i64,
    executed: i64,
    cum_quote: Decimal,
    orig_quote_qty: Decimal,
    status: Status,
    time: i64,
    update_time: i64,
    working_time: Option<i64>,
    expiry_reason: Option<&'static str>,
}

impl Order {
    fn remaining(&self) -> i64 {
        self.orig_qty - self.executed
    }
}

/// A simulated account.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) cfg: AccountConfig,
    /// asset → (free, locked).
    balances: BTreeMap<String, (Decimal, Decimal)>,
    update_time: i64,
    /// Order placement times for the `ORDERS` 10-second counter.
    recent_orders: VecDeque<i64>,
    /// (UTC day, orders placed that day) for the `ORDERS` 1-day counter.
    day_orders: (i64, u32),
}

impl Account {
    fn balance_mut(&mut self, asset: &str) -> &mut (Decimal, Decimal) {
        self.balances
            .entry(asset.to_owned())
            .or_insert((Decimal::ZERO, Decimal::ZERO))
    }

    fn free(&self, asset: &str) -> Decimal {
        self.balances.get(asset).map_or(Decimal::ZERO, |b| b.0)
    }

    /// The free and locked balance of `asset`.
    pub(crate) fn balance(&self, asset: &str) -> (Decimal, Decimal) {
        self.balances
            .get(asset)
            .copied()
            .unwrap_or((Decimal::ZERO, Decimal::ZERO))
    }

    /// `ORDERS` counters (10 s, 1 day) after counting an order at `now`, or without counting.
    pub(crate) fn order_counts(&mut self, now: i64, count: bool) -> (u32, u32) {
        while self
            .recent_orders
            .front()
            .is_some_and(|t| now - t >= 10_000)
        {
            self.recent_orders.pop_front();
        }
        let day = now.div_euclid(86_400_000);
        if self.day_orders.0 != day {
            self.day_orders = (day, 0);
        }
        if count {
            self.recent_orders.push_back(now);
            self.day_orders.1 += 1;
        }
        (
            u32::try_from(self.recent_orders.len()).unwrap_or(u32::MAX),
            self.day_orders.1,
        )
    }
}

/// Limits reported as `ORDERS` rate limits: (interval, intervalNum, limit).
pub(crate) const ORDER_LIMITS: [(&str, u32, u32); 2] = [("SECOND", 10, 50), ("DAY", 1, 160_000)];

/// Markets, accounts and orders.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) markets: Vec<Market>,
    pub(crate) accounts: Vec<Account>,
    orders: BTreeMap<u64, Order>,
    next_order_id: u64,
    next_exec_id: u64,
    id_seed: u64,
    /// Events produced and not yet dispatched.
    pub(crate) out: Vec<Out>,
}

/// The outcome of taking liquidity, per fill: (fill, commission, commission asset).
type TakerFill = (Fill, Decimal, String);

impl State {
    pub(crate) fn new(config: &SimConfig, now: i64) -> Self {
        let markets = config
            .symbols
            .iter()
            .map(|s| {
                Market::new(
                    s.clone(),
                    config.seed,
                    config.book_levels,
                    now,
                    config.events_per_second(),
                )
            })
            .collect();
        let accounts = config
            .accounts
            .iter()
            .map(|a| Account {
                cfg: a.clone(),
                balances: a
                    .balances
                    .iter()
                    .map(|(asset, amount)| (asset.clone(), (*amount, Decimal::ZERO)))
                    .collect(),
                update_time: now,
                recent_orders: VecDeque::new(),
                day_orders: (0, 0),
            })
            .collect();
        Self {
            markets,
            accounts,
            orders: BTreeMap::new(),
            next_order_id: 1,
            next_exec_id: 1,
            id_seed: mix(config.seed ^ 0x00C1_1E47),
            out: Vec::new(),
        }
    }

    pub(crate) fn market_index(&self, symbol: &str) -> Option<usize> {
        self.markets.iter().position(|m| m.cfg.symbol == symbol)
    }

    /// Moves the public events of every market into `out`.
    pub(crate) fn collect_market_events(&mut self) {
        for m in &mut self.markets {
            for (stream, payload) in m.take_events() {
                self.out.push(Out::Public(stream, payload));
            }
        }
    }

    fn new_client_id(&mut self) -> String {
        self.id_seed = mix(self.id_seed.wrapping_add(1));
        client_id(self.id_seed)
    }

    // ---------------------------------------------------------------------------------------
    // The simulated market's own flow

    /// One market event on market `idx`; settles fills of resting user orders.
    pub(crate) fn tick_market(&mut self, idx: usize, now: i64) {
        let Some(market) = self.markets.get_mut(idx) else {
            return;
        };
        let fills = market.tick(now);
        let mut touched = BTreeSet::new();
        for fill in &fills {
            if let Some(order_id) = fill.maker_order {
                if let Some(account) = self.settle_maker(order_id, fill, now) {
                    touched.insert(account);
                }
            }
        }
        self.collect_market_events();
        for account in touched {
            self.push_account_position(account, idx, now);
        }
    }

    /// Applies a fill to a resting (maker) order and its account; emits its executionReport.
    fn settle_maker(&mut self, order_id: u64, fill: &Fill, now: i64) -> Option<usize> {
        let order = self.orders.get_mut(&order_id)?;
        let market = self.markets.get(order.market)?;
        let account = self.accounts.get_mut(order.account)?;
        let price = market.price(fill.price);
        let qty = market.qty(fill.qty);
        let quote = price * qty;
        let (base_asset, quote_asset) = (&market.cfg.base_asset, &market.cfg.quote_asset);
        let rate = account.cfg.maker_commission;
        let (commission, asset) = match order.side {
            Side::Buy => {
                let limit = market.price(order.price.unwrap_or(fill.price));
                let q = account.balance_mut(quote_asset);
                q.1 -= limit * qty;
                q.0 += (limit - price) * qty;
                let commission = commission(qty, rate);
                account.balance_mut(base_asset).0 += qty - commission;
                (commission, base_asset.clone())
            }
            Side::Sell => {
                account.balance_mut(base_asset).1 -= qty;
                let commission = commission(quote, rate);
                account.balance_mut(quote_asset).0 += quote - commission;
                (commission, quote_asset.clone())
            }
        };
        account.update_time = now;
        order.executed += fill.qty;
        order.cum_quote += quote;
        order.status = if order.remaining() == 0 {
            Status::Filled
        } else {
            Status::PartiallyFilled
        };
        order.update_time = now;
        let order = order.clone();
        let report = self.execution_report(
            &order,
            "TRADE",
            Some((fill, commission, &asset, true)),
            None,
            now,
        );
        self.out.push(Out::User(order.account, report));
        Some(order.account)
    }

    // ---------------------------------------------------------------------------------------
    // Orders

    /// `POST /api/v3/order`, `order.place`. Returns the response object (per
    /// `newOrderRespType`).
    pub(crate) fn place_order(
        &mut self,
        account: usize,
        p: &Params,
        now: i64,
        test_only: bool,
    ) -> Result<String, ApiError> {
        let symbol = required(p, "symbol")?;
        let midx = self.market_index(symbol).ok_or_else(ApiError::bad_symbol)?;
        let side_s = required(p, "side")?;
        let side = Side::parse(side_s).ok_or_else(|| ApiError::bad(-1117, "Invalid side."))?;
        let kind = match required(p, "type")? {
            "LIMIT" => OrderType::Limit,
            "LIMIT_MAKER" => OrderType::LimitMaker,
            "MARKET" => OrderType::Market,
            // errors.md "Messages for -1010 ERROR_MSG_RECEIVED, -2010 NEW_ORDER_REJECTED ...":
            // the symbol's orderTypes (exchangeInfo) list only LIMIT, LIMIT_MAKER and MARKET.
            "STOP_LOSS" => {
                return Err(ApiError::rejected(
                    "Stop loss orders are not supported for this symbol.",
                ));
            }
            "STOP_LOSS_LIMIT" => {
                return Err(ApiError::rejected(
                    "Stop loss limit orders are not supported for this symbol.",
                ));
            }
            "TAKE_PROFIT" => {
                return Err(ApiError::rejected(
                    "Take profit orders are not supported for this symbol.",
                ));
            }
            "TAKE_PROFIT_LIMIT" => {
                return Err(ApiError::rejected(
                    "Take profit limit orders are not supported for this symbol.",
                ));
            }
            _ => return Err(ApiError::bad(-1116, "Invalid orderType.")),
        };
        let tif = match (kind, p.get("timeInForce").map(String::as_str)) {
            (OrderType::Limit, None) => return Err(ApiError::mandatory("timeInForce")),
            (OrderType::Limit, Some(t)) => Some(match t {
                "GTC" => "GTC",
                "IOC" => "IOC",
                "FOK" => "FOK",
                _ => return Err(ApiError::bad(-1115, "Invalid timeInForce.")),
            }),
            (_, Some(_)) => {
                return Err(ApiError::bad(
                    -1114,
                    "TimeInForce parameter sent when not required.",
                ));
            }
            (_, None) => None,
        };
        let market = self.markets.get(midx).ok_or_else(ApiError::bad_symbol)?;
        let cfg = &market.cfg;
        let price = match kind {
            OrderType::Market => None,
            _ => {
                let price = decimal(p, "price")?.ok_or_else(|| ApiError::mandatory("price"))?;
                if price <= Decimal::ZERO
                    || price < cfg.min_price
                    || price > cfg.max_price
                    || to_units(price, market.tick).is_none()
                {
                    return Err(ApiError::filter("PRICE_FILTER"));
                }
                Some(to_units(price, market.tick).unwrap_or(0))
            }
        };
        let quantity = decimal(p, "quantity")?;
        let quote_qty = decimal(p, "quoteOrderQty")?;
        let qty = match (kind, quantity, quote_qty) {
            (OrderType::Market, None, None) => {
                return Err(ApiError::either("quantity", "quoteOrderQty"));
            }
            (OrderType::Market, Some(_), Some(_)) => {
                return Err(ApiError::bad(
                    -1128,
                    "Combination of optional parameters invalid.",
                ));
            }
            (OrderType::Market, None, Some(q)) => {
                if q <= Decimal::ZERO {
                    return Err(ApiError::mandatory("quoteOrderQty"));
                }
                if q < cfg.min_notional {
                    return Err(ApiError::filter("NOTIONAL"));
                }
                None
            }
            (_, None, _) => return Err(ApiError::mandatory("quantity")),
            (_, Some(q), _) => {
                if q <= Decimal::ZERO
                    || q < cfg.min_qty
                    || q > cfg.max_qty
                    || to_units(q, market.step).is_none()
                {
                    return Err(ApiError::filter("LOT_SIZE"));
                }
                let steps = to_units(q, market.step).unwrap_or(0);
                // filters.md "NOTIONAL": MARKET orders use the last price (avgPriceMins is
                // not modelled), applyMinToMarket = true, applyMaxToMarket = false.
                let notional_price = price.unwrap_or(market.last_price);
                let notional = market.price(notional_price) * q;
                if notional < cfg.min_notional
                    || (kind != OrderType::Market && notional > cfg.max_notional)
                {
                    return Err(ApiError::filter("NOTIONAL"));
                }
                Some(steps)
            }
        };
        if cfg.status != "TRADING" {
            return Err(ApiError::rejected("Market is closed."));
        }
        // rest-api.md "New order (TRADE)": "`MARKET` and `LIMIT` order types default to
        // `FULL`, all other orders default to `ACK`."
        let resp_type = match p.get("newOrderRespType").map(String::as_str) {
            None if kind == OrderType::LimitMaker => "ACK",
            None => "FULL",
            Some("ACK") => "ACK",
            Some("RESULT") => "RESULT",
            Some("FULL") => "FULL",
            Some(_) => {
                return Err(ApiError::bad(
                    -1130,
                    "Data sent for parameter 'newOrderRespType' is not valid.",
                ));
            }
        };
        let client = match p.get("newClientOrderId") {
            Some(c) if c.is_empty() => {
                return Err(ApiError::bad(-1118, "New client order ID was empty."));
            }
            Some(c) => c.clone(),
            None => String::new(),
        };
        if !client.is_empty()
            && self
                .orders
                .values()
                .any(|o| o.account == account && o.status.is_open() && o.client_id == client)
        {
            return Err(ApiError::rejected("Duplicate order sent."));
        }
        if kind == OrderType::LimitMaker {
            let crosses = match side {
                Side::Buy => market
                    .best_ask()
                    .is_some_and(|(a, _)| a <= price.unwrap_or(0)),
                Side::Sell => market
                    .best_bid()
                    .is_some_and(|(b, _)| b >= price.unwrap_or(0)),
            };
            if crosses {
                return Err(ApiError::rejected(
                    "Order would immediately match and take.",
                ));
            }
        }

        // "Test new order": validated, never sent to the matching engine (so no balance
        // check either).
        if test_only {
            return Ok("{}".to_owned());
        }
        // Balance check.
        let (base_asset, quote_asset) = (cfg.base_asset.clone(), cfg.quote_asset.clone());
        let acct = self
            .accounts
            .get(account)
            .ok_or_else(ApiError::rejected_key)?;
        let enough = match (kind, side) {
            (OrderType::Market, Side::Buy) => {
                let (_, cost) = market.dry_run(side, None, qty, quote_qty);
                acct.free(&quote_asset) >= quote_qty.unwrap_or(cost)
            }
            (OrderType::Market, Side::Sell) => {
                let (filled, _) = market.dry_run(side, None, qty, quote_qty);
                acct.free(&base_asset) >= market.qty(qty.unwrap_or(filled))
            }
            (_, Side::Buy) => {
                acct.free(&quote_asset)
                    >= market.price(price.unwrap_or(0)) * market.qty(qty.unwrap_or(0))
            }
            (_, Side::Sell) => acct.free(&base_asset) >= market.qty(qty.unwrap_or(0)),
        };
        if !enough {
            return Err(ApiError::rejected(
                "Account has insufficient balance for requested action.",
            ));
        }
        let client = if client.is_empty() {
            self.new_client_id()
        } else {
            client
        };
        let id = self.next_order_id;
        self.next_order_id += 1;
        let mut order = Order {
            id,
            account,
            market: midx,
            client_id: client,
            side,
            kind,
            tif,
            price,
            orig_qty: qty.unwrap_or(0),
            executed: 0,
            cum_quote: Decimal::ZERO,
            orig_quote_qty: quote_qty.unwrap_or(Decimal::ZERO),
            status: Status::New,
            time: now,
            update_time: now,
            working_time: (kind != OrderType::Market).then_some(now),
            expiry_reason: None,
        };

        // Lock funds of limit orders.
        if let (Some(px), Some(q)) = (price, qty) {
            let (px, q) = {
                let m = self.markets.get(midx).ok_or_else(ApiError::bad_symbol)?;
                (m.price(px), m.qty(q))
            };
            let acct = self
                .accounts
                .get_mut(account)
                .ok_or_else(ApiError::rejected_key)?;
            match side {
                Side::Buy => {
                    let b = acct.balance_mut(&quote_asset);
                    b.0 -= px * q;
                    b.1 += px * q;
                }
                Side::Sell => {
                    let b = acct.balance_mut(&base_asset);
                    b.0 -= q;
                    b.1 += q;
                }
            }
            acct.update_time = now;
        }
        if let Some(acct) = self.accounts.get_mut(account) {
            acct.order_counts(now, true);
        }
        // user-data-stream.md "Order Update": every accepted order first reports NEW.
        let report = self.execution_report(&order, "NEW", None, None, now);
        self.out.push(Out::User(account, report));

        // Execute.
        let fok_short = tif == Some("FOK") && {
            let m = self.markets.get(midx).ok_or_else(ApiError::bad_symbol)?;
            m.dry_run(side, price, qty, None).0 < order.orig_qty
        };
        let mut taker_fills: Vec<TakerFill> = Vec::new();
        let mut touched = BTreeSet::new();
        touched.insert(account);
        if !fok_short && kind != OrderType::LimitMaker {
            let fills = match self.markets.get_mut(midx) {
                Some(m) => m.take(side, price, qty, quote_qty, now),
                None => Vec::new(),
            };
            if kind == OrderType::Market && qty.is_none() {
                // quoteOrderQty orders: the executed quantity is the order quantity.
                order.orig_qty = fills.iter().map(|f| f.qty).sum();
            }
            for fill in fills {
                if let Some(maker) = fill.maker_order {
                    if let Some(a) = self.settle_maker(maker, &fill, now) {
                        touched.insert(a);
                    }
                }
                let (commission, asset) = self.settle_taker(&mut order, &fill, now);
                let report = self.execution_report(
                    &order,
                    "TRADE",
                    Some((&fill, commission, &asset, false)),
                    None,
                    now,
                );
                self.out.push(Out::User(account, report));
                taker_fills.push((fill, commission, asset));
            }
        }
        let remaining = order.remaining();
        let rests = matches!(kind, OrderType::LimitMaker)
            || (kind == OrderType::Limit && tif == Some("GTC"));
        if remaining > 0 && rests {
            if let (Some(m), Some(px)) = (self.markets.get_mut(midx), price) {
                m.add_resting(id, side, px, remaining, now);
            }
        } else if remaining > 0 || (order.executed == 0 && kind == OrderType::Market) {
            // user-data-stream.md "Order Expiry Reason".
            order.expiry_reason = Some(match (kind, tif) {
                (_, Some("FOK")) => "UNFILLED_FOK_ORDER_EXPIRED",
                (_, Some("IOC")) => "UNFILLED_IOC_QUANTITY_EXPIRED",
                _ => "INSUFFICIENT_LIQUIDITY",
            });
            order.status = Status::Expired;
            order.working_time = order.working_time.filter(|_| order.executed > 0);
            self.unlock_remaining(&order, now);
            let report = self.execution_report(&order, "EXPIRED", None, None, now);
            self.out.push(Out::User(account, report));
        }
        self.collect_market_events();
        for a in touched {
            self.push_account_position(a, midx, now);
        }
        let response = self.order_response(&order, resp_type, &taker_fills, now);
        self.orders.insert(id, order);
        Ok(response)
    }

    /// Applies a taker fill to the order and its account; returns (commission, asset).
    fn settle_taker(&mut self, order: &mut Order, fill: &Fill, now: i64) -> (Decimal, String) {
        let Some(market) = self.markets.get(order.market) else {
            return (Decimal::ZERO, String::new());
        };
        let Some(account) = self.accounts.get_mut(order.account) else {
            return (Decimal::ZERO, String::new());
        };
        let price = market.price(fill.price);
        let qty = market.qty(fill.qty);
        let quote = price * qty;
        let rate = account.cfg.taker_commission;
        let (base_asset, quote_asset) = (&market.cfg.base_asset, &market.cfg.quote_asset);
        let result = match order.side {
            Side::Buy => {
                let b = account.balance_mut(quote_asset);
                match order.price {
                    Some(limit) => {
                        let limit = market.price(limit);
                        b.1 -= limit * qty;
                        b.0 += (limit - price) * qty;
                    }
                    None => b.0 -= quote,
                }
                let commission = commission(qty, rate);
                account.balance_mut(base_asset).0 += qty - commission;
                (commission, base_asset.clone())
            }
            Side::Sell => {
                let b = account.balance_mut(base_asset);
                if order.price.is_some() {
                    b.1 -= qty;
                } else {
                    b.0 -= qty;
                }
                let commission = commission(quote, rate);
                account.balance_mut(quote_asset).0 += quote - commission;
                (commission, quote_asset.clone())
            }
        };
        account.update_time = now;
        order.executed += fill.qty;
        order.cum_quote += quote;
        order.update_time = now;
        order.status = if order.remaining() == 0 {
            Status::Filled
        } else {
            Status::PartiallyFilled
        };
        result
    }

    /// Releases the funds a limit order still holds.
    fn unlock_remaining(&mut self, order: &Order, now: i64) {
        let (Some(market), Some(px)) = (self.markets.get(order.market), order.price) else {
            return;
        };
        let Some(account) = self.accounts.get_mut(order.account) else {
            return;
        };
        let rem = market.qty(order.remaining());
        match order.side {
            Side::Buy => {
                let amount = market.price(px) * rem;
                let b = account.balance_mut(&market.cfg.quote_asset);
                b.1 -= amount;
                b.0 += amount;
            }
            Side::Sell => {
                let b = account.balance_mut(&market.cfg.base_asset);
                b.1 -= rem;
                b.0 += rem;
            }
        }
        account.update_time = now;
    }

    fn find_order(&self, account: usize, midx: usize, p: &Params) -> Result<u64, ApiError> {
        let by_id = match p.get("orderId") {
            Some(v) => Some(
                v.parse::<u64>()
                    .map_err(|_| ApiError::illegal("orderId", "^[0-9]{1,20}$"))?,
            ),
            None => None,
        };
        let by_client = p.get("origClientOrderId");
        let found = match (by_id, by_client) {
            (None, None) => return Err(ApiError::either("orderId", "origClientOrderId")),
            (Some(id), client) => {
                let order = self
                    .orders
                    .get(&id)
                    .filter(|o| o.account == account && o.market == midx);
                match (order, client) {
                    (Some(o), Some(c)) if o.client_id != *c => {
                        return Err(ApiError::bad(
                            -2039,
                            "Client order ID is not correct for this order ID.",
                        ));
                    }
                    (o, _) => o,
                }
            }
            (None, Some(c)) => self
                .orders
                .values()
                .rev()
                .find(|o| o.account == account && o.market == midx && o.client_id == *c),
        };
        found
            .map(|o| o.id)
            .ok_or_else(|| ApiError::bad(-2013, "Order does not exist."))
    }

    /// `GET /api/v3/order`, `order.status`.
    pub(crate) fn query_order(&self, account: usize, p: &Params) -> Result<String, ApiError> {
        let symbol = required(p, "symbol")?;
        let midx = self.market_index(symbol).ok_or_else(ApiError::bad_symbol)?;
        let id = self.find_order(account, midx, p)?;
        let order = self
            .orders
            .get(&id)
            .ok_or_else(|| ApiError::bad(-2013, "Order does not exist."))?;
        Ok(self.order_status_json(order))
    }

    /// `DELETE /api/v3/order`, `order.cancel`.
    pub(crate) fn cancel_order(
        &mut self,
        account: usize,
        p: &Params,
        now: i64,
    ) -> Result<String, ApiError> {
        let symbol = required(p, "symbol")?;
        let midx = self.market_index(symbol).ok_or_else(ApiError::bad_symbol)?;
        let restriction = match p.get("cancelRestrictions").map(String::as_str) {
            None => None,
            Some(r @ ("ONLY_NEW" | "ONLY_PARTIALLY_FILLED")) => Some(r.to_owned()),
            // rest-api.md "Cancel order (TRADE)" — "Regarding cancelRestrictions".
            Some(_) => return Err(ApiError::bad(-1145, "Invalid cancelRestrictions")),
        };
        // errors.md "-2011 CANCEL_REJECTED" with "Unknown order sent." for unknown or closed
        // orders.
        let unknown = || ApiError::bad(-2011, "Unknown order sent.");
        let id = self
            .find_order(account, midx, p)
            .map_err(|e| if e.code == -2013 { unknown() } else { e })?;
        let mut order = self.orders.get(&id).cloned().ok_or_else(unknown)?;
        if !order.status.is_open() {
            return Err(unknown());
        }
        match restriction.as_deref() {
            Some("ONLY_NEW") if order.status != Status::New => {
                return Err(ApiError::bad(
                    -2011,
                    "Order was not canceled due to cancel restrictions.",
                ));
            }
            Some("ONLY_PARTIALLY_FILLED") if order.status != Status::PartiallyFilled => {
                return Err(ApiError::bad(
                    -2011,
                    "Order was not canceled due to cancel restrictions.",
                ));
            }
            _ => {}
        }
        let cancel_client = match p.get("newClientOrderId") {
            Some(c) if !c.is_empty() => c.clone(),
            _ => self.new_client_id(),
        };
        if let (Some(m), Some(px)) = (self.markets.get_mut(midx), order.price) {
            m.remove_resting(id, order.side, px, now);
        }
        self.unlock_remaining(&order, now);
        order.status = Status::Canceled;
        order.update_time = now;
        let report = self.execution_report(&order, "CANCELED", None, Some(&cancel_client), now);
        self.out.push(Out::User(account, report));
        self.collect_market_events();
        self.push_account_position(account, midx, now);
        let response = self.cancel_json(&order, &cancel_client, now);
        self.orders.insert(id, order);
        Ok(response)
    }

    /// `GET /api/v3/openOrders`, `openOrders.status`.
    pub(crate) fn open_orders(&self, account: usize, p: &Params) -> Result<String, ApiError> {
        let midx = match p.get("symbol") {
            Some(s) => Some(self.market_index(s).ok_or_else(ApiError::bad_symbol)?),
            None => None,
        };
        Ok(arr(self
            .orders
            .values()
            .filter(|o| o.account == account && o.status.is_open())
            .filter(|o| midx.is_none_or(|m| o.market == m))
            .map(|o| self.order_status_json(o))))
    }

    /// `GET /api/v3/account`, `account.status`.
    // rest-api.md "Account information (USER_DATA)" — Response.
    pub(crate) fn account_json(&self, account: usize, p: &Params) -> Result<String, ApiError> {
        let acct = self
            .accounts
            .get(account)
            .ok_or_else(ApiError::rejected_key)?;
        let omit_zero = p.get("omitZeroBalances").is_some_and(|v| v == "true");
        let bps = |rate: Decimal| {
            (rate * Decimal::from(10_000))
                .round()
                .to_string()
                .parse::<i64>()
                .unwrap_or(0)
        };
        let rates = Obj::new()
            .d("maker", acct.cfg.maker_commission)
            .d("taker", acct.cfg.taker_commission)
            .d("buyer", Decimal::ZERO)
            .d("seller", Decimal::ZERO)
            .finish();
        let balances = arr(acct
            .balances
            .iter()
            .filter(|(_, (f, l))| !(omit_zero && f.is_zero() && l.is_zero()))
            .map(|(asset, (free, locked))| {
                Obj::new()
                    .s("asset", asset)
                    .d("free", *free)
                    .d("locked", *locked)
                    .finish()
            }));
        Ok(Obj::new()
            .n("makerCommission", bps(acct.cfg.maker_commission))
            .n("takerCommission", bps(acct.cfg.taker_commission))
            .n("buyerCommission", 0)
            .n("sellerCommission", 0)
            .raw("commissionRates", &rates)
            .b("canTrade", true)
            .b("canWithdraw", true)
            .b("canDeposit", true)
            .b("brokered", false)
            .b("requireSelfTradePrevention", false)
            .b("preventSor", false)
            .n("updateTime", acct.update_time)
            .s("accountType", "SPOT")
            .raw("balances", &balances)
            .raw("permissions", "[\"SPOT\"]")
            .n("uid", acct.cfg.uid)
            .finish())
    }

    /// Credits (or debits) an account outside trading; emits `balanceUpdate` and
    /// `outboundAccountPosition`.
    pub(crate) fn deposit(
        &mut self,
        account: usize,
        asset: &str,
        delta: Decimal,
        now: i64,
    ) -> bool {
        let Some(acct) = self.accounts.get_mut(account) else {
            return false;
        };
        let b = acct.balance_mut(asset);
        b.0 += delta;
        acct.update_time = now;
        // user-data-stream.md "Balance Update" — Payload.
        let event = Obj::new()
            .s("e", "balanceUpdate")
            .n("E", now)
            .s("a", asset)
            .d("d", delta)
            .n("T", now)
            .finish();
        self.out.push(Out::User(account, event));
        self.push_positions(account, &[asset.to_owned()], now);
        true
    }

    // ---------------------------------------------------------------------------------------
    // Payloads

    fn push_account_position(&mut self, account: usize, midx: usize, now: i64) {
        let Some(market) = self.markets.get(midx) else {
            return;
        };
        let assets = [
            market.cfg.base_asset.clone(),
            market.cfg.quote_asset.clone(),
        ];
        self.push_positions(account, &assets, now);
    }

    // user-data-stream.md "Account Update" — `outboundAccountPosition`.
    fn push_positions(&mut self, account: usize, assets: &[String], now: i64) {
        let Some(acct) = self.accounts.get(account) else {
            return;
        };
        let balances = arr(assets.iter().map(|a| {
            let (free, locked) = acct.balance(a);
            Obj::new().s("a", a).d("f", free).d("l", locked).finish()
        }));
        let event = Obj::new()
            .s("e", "outboundAccountPosition")
            .n("E", now)
            .n("u", acct.update_time)
            .raw("B", &balances)
            .finish();
        self.out.push(Out::User(account, event));
    }

    // user-data-stream.md "Order Update" — `executionReport` payload (conditional fields:
    // `W` only while working on the book, `eR` when expired).
    fn execution_report(
        &mut self,
        order: &Order,
        exec_type: &str,
        last: Option<(&Fill, Decimal, &str, bool)>,
        cancel_client: Option<&str>,
        now: i64,
    ) -> String {
        let exec_id = self.next_exec_id;
        self.next_exec_id += 1;
        let Some(m) = self.markets.get(order.market) else {
            return String::new();
        };
        let (last_qty, last_price, commission, comm_asset, trade_id, maker) = match last {
            Some((fill, c, asset, maker)) => (
                m.qty(fill.qty),
                m.price(fill.price),
                c,
                Some(asset),
                fill.trade_id,
                maker,
            ),
            None => (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, None, -1, false),
        };
        let (client, orig_client) = match cancel_client {
            Some(c) => (c, order.client_id.as_str()),
            None => (order.client_id.as_str(), ""),
        };
        let on_book = order.status.is_open() && order.kind != OrderType::Market;
        let obj = Obj::new()
            .s("e", "executionReport")
            .n("E", now)
            .s("s", &m.cfg.symbol)
            .s("c", client)
            .s("S", order.side.as_str())
            .s("o", order.kind.as_str())
            .s("f", order.tif.unwrap_or("GTC"))
            .d("q", m.qty(order.orig_qty))
            .d("p", order.price.map_or(Decimal::ZERO, |p| m.price(p)))
            .d("P", Decimal::ZERO)
            .d("F", Decimal::ZERO)
            .n("g", -1)
            .s("C", orig_client)
            .s("x", exec_type)
            .s("X", order.status.as_str())
            .s("r", "NONE")
            .n("i", order.id)
            .d("l", last_qty)
            .d("z", m.qty(order.executed))
            .d("L", last_price)
            .d("n", commission);
        let obj = match comm_asset {
            Some(a) => obj.s("N", a),
            None => obj.null("N"),
        };
        let obj = obj
            .n("T", now)
            .n("t", trade_id)
            .n("I", exec_id)
            .b("w", on_book)
            .b("m", maker)
            .b("M", false)
            .n("O", order.time)
            .d("Z", order.cum_quote)
            .d("Y", last_price * last_qty)
            .d("Q", order.orig_quote_qty);
        let obj = match order.working_time {
            Some(w) if order.kind != OrderType::Market => obj.n("W", w),
            _ => obj,
        };
        let obj = obj.s("V", "NONE");
        match order.expiry_reason {
            Some(r) if order.status == Status::Expired => obj.s("eR", r).finish(),
            _ => obj.finish(),
        }
    }

    // rest-api.md "New order (TRADE)" — Response ACK / RESULT / FULL.
    fn order_response(
        &self,
        order: &Order,
        resp_type: &str,
        fills: &[TakerFill],
        now: i64,
    ) -> String {
        let Some(m) = self.markets.get(order.market) else {
            return "{}".to_owned();
        };
        let obj = Obj::new()
            .s("symbol", &m.cfg.symbol)
            .n("orderId", order.id)
            .n("orderListId", -1)
            .s("clientOrderId", &order.client_id)
            .n("transactTime", now);
        if resp_type == "ACK" {
            return obj.finish();
        }
        let obj = obj
            .d("price", order.price.map_or(Decimal::ZERO, |p| m.price(p)))
            .d("origQty", m.qty(order.orig_qty))
            .d("executedQty", m.qty(order.executed))
            .d("origQuoteOrderQty", order.orig_quote_qty)
            .d("cummulativeQuoteQty", order.cum_quote)
            .s("status", order.status.as_str())
            .s("timeInForce", order.tif.unwrap_or("GTC"))
            .s("type", order.kind.as_str())
            .s("side", order.side.as_str());
        let obj = match order.working_time {
            Some(w) => obj.n("workingTime", w),
            None => obj,
        };
        let obj = obj.s("selfTradePreventionMode", "NONE");
        let obj = match order.expiry_reason {
            Some(r) if order.status == Status::Expired => obj.s("expiryReason", r),
            _ => obj,
        };
        if resp_type == "RESULT" {
            return obj.finish();
        }
        let fills = arr(fills.iter().map(|(f, commission, asset)| {
            Obj::new()
                .d("price", m.price(f.price))
                .d("qty", m.qty(f.qty))
                .d("commission", *commission)
                .s("commissionAsset", asset)
                .n("tradeId", f.trade_id)
                .finish()
        }));
        obj.raw("fills", &fills).finish()
    }

    // rest-api.md "Query order (USER_DATA)" / "Current open orders (USER_DATA)" — Response
    // (conditional fields such as stopPrice and icebergQty omitted, per "Conditional fields
    // in Order Responses").
    fn order_status_json(&self, order: &Order) -> String {
        let Some(m) = self.markets.get(order.market) else {
            return "{}".to_owned();
        };
        Obj::new()
            .s("symbol", &m.cfg.symbol)
            .n("orderId", order.id)
            .n("orderListId", -1)
            .s("clientOrderId", &order.client_id)
            .d("price", order.price.map_or(Decimal::ZERO, |p| m.price(p)))
            .d("origQty", m.qty(order.orig_qty))
            .d("executedQty", m.qty(order.executed))
            .d("cummulativeQuoteQty", order.cum_quote)
            .s("status", order.status.as_str())
            .s("timeInForce", order.tif.unwrap_or("GTC"))
            .s("type", order.kind.as_str())
            .s("side", order.side.as_str())
            .n("time", order.time)
            .n("updateTime", order.update_time)
            .b("isWorking", order.kind != OrderType::Market)
            .n("workingTime", order.working_time.unwrap_or(-1))
            .d("origQuoteOrderQty", order.orig_quote_qty)
            .s("selfTradePreventionMode", "NONE")
            .finish()
    }

    // rest-api.md "Cancel order (TRADE)" — Response.
    fn cancel_json(&self, order: &Order, cancel_client: &str, now: i64) -> String {
        let Some(m) = self.markets.get(order.market) else {
            return "{}".to_owned();
        };
        Obj::new()
            .s("symbol", &m.cfg.symbol)
            .s("origClientOrderId", &order.client_id)
            .n("orderId", order.id)
            .n("orderListId", -1)
            .s("clientOrderId", cancel_client)
            .n("transactTime", now)
            .d("price", order.price.map_or(Decimal::ZERO, |p| m.price(p)))
            .d("origQty", m.qty(order.orig_qty))
            .d("executedQty", m.qty(order.executed))
            .d("origQuoteOrderQty", order.orig_quote_qty)
            .d("cummulativeQuoteQty", order.cum_quote)
            .s("status", order.status.as_str())
            .s("timeInForce", order.tif.unwrap_or("GTC"))
            .s("type", order.kind.as_str())
            .s("side", order.side.as_str())
            .s("selfTradePreventionMode", "NONE")
            .finish()
    }
}

/// Commission on `received`, truncated to 8 decimals.
fn commission(received: Decimal, rate: Decimal) -> Decimal {
    (received * rate).round_dp_with_strategy(8, RoundingStrategy::ToZero)
}

/// A mandatory, non-empty parameter.
pub(crate) fn required<'a>(p: &'a Params, name: &str) -> Result<&'a str, ApiError> {
    match p.get(name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::mandatory(name)),
    }
}

/// An optional decimal parameter.
pub(crate) fn decimal(p: &Params, name: &str) -> Result<Option<Decimal>, ApiError> {
    match p.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<Decimal>()
            .map(Some)
            .map_err(|_| ApiError::illegal(name, "^([0-9]{1,20})(\\.[0-9]{1,20})?$")),
    }
}
