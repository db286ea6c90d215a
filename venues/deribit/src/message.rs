//! Deribit's frame type ([`DeribitMessage`]) and its codec.
//!
//! Every inbound frame is a JSON-RPC 2.0 message (<https://docs.deribit.com/#json-rpc>): a
//! response (`id` + `result` or `error`), a `subscription` notification (`params.channel` +
//! `params.data`) or a `heartbeat` notification. [`DeribitMessage::decode_str`] reads the
//! envelope in one pass, borrowing `result` and `data` as raw JSON, then decodes the data
//! of the channel into typed structs. Prices and amounts are exact decimals read from the
//! number text (scale kept: `8430.0` stays `8430.0`), never through `f64`.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use tradewire_core::{BookKind, BookLevel, BookUpdate, Decimal, MarketEvent, Side, Venue};
use tradewire_websockets::rpc::Correlated;
use tradewire_websockets::rpc::jsonrpc::ErrorObject;
use tradewire_websockets::{DecodeError, Frame, WsMessage};

use crate::error::DeribitError;
use crate::normalize::instrument_symbol;
use crate::num;

/// One decoded Deribit frame.
#[derive(Debug, Clone, PartialEq)]
pub enum DeribitMessage {
    /// A response to a request.
    Response(Response),
    /// `book.{instrument}.{interval}` (or the grouped `book.{instrument}.{group}.{depth}.{interval}`).
    Book(BookNotification),
    /// `trades.{instrument}.{interval}` (and `trades.{kind}.{currency}.{interval}`).
    Trades(TradesNotification),
    /// `ticker.{instrument}.{interval}`.
    Ticker(Box<TickerNotification>),
    /// `chart.trades.{instrument}.{resolution}`.
    Candle(CandleNotification),
    /// `user.orders.*`: one order (`raw`) or a list (aggregated intervals).
    UserOrders(UserOrdersNotification),
    /// `user.trades.*`.
    UserTrades(TradesNotification),
    /// `user.portfolio.*`.
    Portfolio(Box<PortfolioNotification>),
    /// A `heartbeat` notification. `TestRequest` must be answered with `public/test` (the
    /// clients do it on the socket task).
    Heartbeat(HeartbeatKind),
    /// Any other subscription channel, data kept raw.
    Notification {
        /// The channel.
        channel: String,
        /// `params.data`, as sent.
        data: RawJson,
    },
}

/// Raw JSON kept as sent (compared by text). Its `Debug` output hides results that carry
/// tokens (a late `public/auth` response): secrets never appear in `Debug`.
#[derive(Clone)]
pub struct RawJson(pub Box<RawValue>);

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.get();
        if text.contains("\"access_token\"") || text.contains("\"refresh_token\"") {
            write!(f, "RawJson([REDACTED: {} bytes with tokens])", text.len())
        } else {
            write!(f, "RawJson({text})")
        }
    }
}

impl RawJson {
    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// A heartbeat notification's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeartbeatKind {
    /// `heartbeat`: the server's own liveness signal.
    Heartbeat,
    /// `test_request`: the server asks for a `public/test` within the interval.
    TestRequest,
}

/// A response: the request id, the result (raw) or the typed error, and Deribit's timing
/// fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// `jsonrpc` (always `"2.0"`).
    pub jsonrpc: Option<String>,
    /// The id of the request answered (absent on some parse errors).
    pub id: Option<u64>,
    /// `result` as raw JSON, or the error.
    pub outcome: Result<RawJson, DeribitError>,
    /// `usIn`: when the request reached the server (µs).
    pub us_in: Option<u64>,
    /// `usOut`: when the response left the server (µs).
    pub us_out: Option<u64>,
    /// `usDiff`: server processing time (µs).
    pub us_diff: Option<u64>,
    /// `testnet`.
    pub testnet: Option<bool>,
}

impl Response {
    /// Decodes the result into `T`, or returns the venue's error.
    pub fn result<T: serde::de::DeserializeOwned>(&self) -> crate::Result<T> {
        match &self.outcome {
            Ok(raw) => serde_json::from_str(raw.get()).map_err(|e| {
                let e = tradewire_core::bounded(e.to_string(), 200);
                crate::Error::Decode(format!("{e} in result {}", excerpt(raw.get())))
            }),
            Err(e) => Err(crate::Error::Venue(e.clone())),
        }
    }
}

fn excerpt(s: &str) -> String {
    s.chars().take(200).collect()
}

/// A book level action (`new`, `change`, `delete`); absent on grouped books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelAction {
    /// `new`.
    New,
    /// `change`.
    Change,
    /// `delete` (amount 0).
    Delete,
}

impl LevelAction {
    /// The wire word.
    pub const fn as_str(self) -> &'static str {
        match self {
            LevelAction::New => "new",
            LevelAction::Change => "change",
            LevelAction::Delete => "delete",
        }
    }
}

/// A book notification, normalized in the same pass: `update.last_seq` = `change_id`,
/// `update.prev_seq` = `prev_change_id` (chain them with
/// [`SequenceRule::PrevSeq`](tradewire_core::SequenceRule::PrevSeq)); a `delete` level has
/// amount 0.
#[derive(Debug, Clone, PartialEq)]
pub struct BookNotification {
    /// The channel.
    pub channel: String,
    /// The normalized update (snapshot or delta).
    pub update: BookUpdate,
    /// The action of each bid level, parallel to `update.bids` (empty on grouped books).
    pub bid_actions: Vec<LevelAction>,
    /// The action of each ask level, parallel to `update.asks`.
    pub ask_actions: Vec<LevelAction>,
}

/// A trade (public `trades.*`, private `user.trades.*`, and the trades of order responses).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeribitTrade {
    /// Trade id.
    pub trade_id: String,
    /// Per-instrument trade sequence number.
    #[serde(default)]
    pub trade_seq: Option<u64>,
    /// Instrument.
    pub instrument_name: String,
    /// Trade time (ms).
    pub timestamp: i64,
    /// Price.
    #[serde(deserialize_with = "num::req")]
    pub price: Decimal,
    /// Amount (USD for inverse futures and perpetuals, base currency otherwise).
    #[serde(deserialize_with = "num::req")]
    pub amount: Decimal,
    /// Contracts, when sent.
    #[serde(default, deserialize_with = "num::opt")]
    pub contracts: Option<Decimal>,
    /// The taker's side (public trades); the user's side (user trades).
    pub direction: Side,
    /// Mark price at the trade.
    #[serde(default, deserialize_with = "num::opt")]
    pub mark_price: Option<Decimal>,
    /// Index price at the trade.
    #[serde(default, deserialize_with = "num::opt")]
    pub index_price: Option<Decimal>,
    /// Tick direction (0..=3).
    #[serde(default)]
    pub tick_direction: Option<u8>,
    /// User trades: the order.
    #[serde(default)]
    pub order_id: Option<String>,
    /// User trades: `M` maker, `T` taker.
    #[serde(default)]
    pub liquidity: Option<String>,
    /// User trades: fee.
    #[serde(default, deserialize_with = "num::opt")]
    pub fee: Option<Decimal>,
    /// User trades: fee currency.
    #[serde(default)]
    pub fee_currency: Option<String>,
    /// User trades: order state after the trade.
    #[serde(default)]
    pub state: Option<String>,
}

/// `trades.*` / `user.trades.*`: the data is an array of trades.
#[derive(Debug, Clone, PartialEq)]
pub struct TradesNotification {
    /// The channel.
    pub channel: String,
    /// The trades, in the order sent.
    pub trades: Vec<DeribitTrade>,
}

/// Option greeks of a ticker.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Greeks {
    /// Delta.
    #[serde(default, deserialize_with = "num::opt")]
    pub delta: Option<Decimal>,
    /// Gamma.
    #[serde(default, deserialize_with = "num::opt")]
    pub gamma: Option<Decimal>,
    /// Vega.
    #[serde(default, deserialize_with = "num::opt")]
    pub vega: Option<Decimal>,
    /// Theta.
    #[serde(default, deserialize_with = "num::opt")]
    pub theta: Option<Decimal>,
    /// Rho.
    #[serde(default, deserialize_with = "num::opt")]
    pub rho: Option<Decimal>,
}

/// 24-hour statistics of a ticker; each may be `null` (no trades in 24 h).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TickerStats {
    /// Volume in base currency.
    #[serde(default, deserialize_with = "num::opt")]
    pub volume: Option<Decimal>,
    /// Volume in USD.
    #[serde(default, deserialize_with = "num::opt")]
    pub volume_usd: Option<Decimal>,
    /// Price change in percent.
    #[serde(default, deserialize_with = "num::opt")]
    pub price_change: Option<Decimal>,
    /// Lowest price.
    #[serde(default, deserialize_with = "num::opt")]
    pub low: Option<Decimal>,
    /// Highest price.
    #[serde(default, deserialize_with = "num::opt")]
    pub high: Option<Decimal>,
}

/// A ticker (`ticker.*` data, `public/ticker` result).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeribitTicker {
    /// Instrument.
    pub instrument_name: String,
    /// Time (ms).
    pub timestamp: i64,
    /// `open` / `closed`.
    #[serde(default)]
    pub state: Option<String>,
    /// Best bid.
    #[serde(default, deserialize_with = "num::opt")]
    pub best_bid_price: Option<Decimal>,
    /// Best bid amount.
    #[serde(default, deserialize_with = "num::opt")]
    pub best_bid_amount: Option<Decimal>,
    /// Best ask.
    #[serde(default, deserialize_with = "num::opt")]
    pub best_ask_price: Option<Decimal>,
    /// Best ask amount.
    #[serde(default, deserialize_with = "num::opt")]
    pub best_ask_amount: Option<Decimal>,
    /// Last trade price.
    #[serde(default, deserialize_with = "num::opt")]
    pub last_price: Option<Decimal>,
    /// Mark price.
    #[serde(default, deserialize_with = "num::opt")]
    pub mark_price: Option<Decimal>,
    /// Index price.
    #[serde(default, deserialize_with = "num::opt")]
    pub index_price: Option<Decimal>,
    /// Options: underlying price.
    #[serde(default, deserialize_with = "num::opt")]
    pub underlying_price: Option<Decimal>,
    /// Options: underlying index name.
    #[serde(default)]
    pub underlying_index: Option<String>,
    /// Open interest.
    #[serde(default, deserialize_with = "num::opt")]
    pub open_interest: Option<Decimal>,
    /// Settlement price.
    #[serde(default, deserialize_with = "num::opt")]
    pub settlement_price: Option<Decimal>,
    /// Lowest price allowed.
    #[serde(default, deserialize_with = "num::opt")]
    pub min_price: Option<Decimal>,
    /// Highest price allowed.
    #[serde(default, deserialize_with = "num::opt")]
    pub max_price: Option<Decimal>,
    /// Options: mark implied volatility.
    #[serde(default, deserialize_with = "num::opt")]
    pub mark_iv: Option<Decimal>,
    /// Options: bid implied volatility.
    #[serde(default, deserialize_with = "num::opt")]
    pub bid_iv: Option<Decimal>,
    /// Options: ask implied volatility.
    #[serde(default, deserialize_with = "num::opt")]
    pub ask_iv: Option<Decimal>,
    /// Options: greeks.
    #[serde(default)]
    pub greeks: Option<Greeks>,
    /// Perpetuals: current funding.
    #[serde(default, deserialize_with = "num::opt")]
    pub current_funding: Option<Decimal>,
    /// Perpetuals: funding over 8 h.
    #[serde(default, deserialize_with = "num::opt")]
    pub funding_8h: Option<Decimal>,
    /// 24-hour statistics.
    #[serde(default)]
    pub stats: TickerStats,
}

/// `ticker.*` notification.
#[derive(Debug, Clone, PartialEq)]
pub struct TickerNotification {
    /// The channel.
    pub channel: String,
    /// The ticker.
    pub ticker: DeribitTicker,
}

/// A candle of `chart.trades.{instrument}.{resolution}`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeribitCandle {
    /// Instrument (from the channel).
    pub instrument_name: String,
    /// Resolution as in the channel (`1`, `60`, `1D`, ...).
    pub resolution: String,
    /// Open time (ms).
    pub tick: i64,
    /// Open.
    pub open: Decimal,
    /// High.
    pub high: Decimal,
    /// Low.
    pub low: Decimal,
    /// Close.
    pub close: Decimal,
    /// Volume (base currency).
    pub volume: Decimal,
    /// Volume in USD (`cost`).
    pub cost: Decimal,
}

#[derive(Deserialize)]
struct CandleWire {
    tick: i64,
    #[serde(deserialize_with = "num::req")]
    open: Decimal,
    #[serde(deserialize_with = "num::req")]
    high: Decimal,
    #[serde(deserialize_with = "num::req")]
    low: Decimal,
    #[serde(deserialize_with = "num::req")]
    close: Decimal,
    #[serde(deserialize_with = "num::req")]
    volume: Decimal,
    #[serde(deserialize_with = "num::req")]
    cost: Decimal,
}

/// `chart.trades.*` notification.
#[derive(Debug, Clone, PartialEq)]
pub struct CandleNotification {
    /// The channel.
    pub channel: String,
    /// The candle.
    pub candle: DeribitCandle,
}

/// An order price: a number, or `"market_price"` for market-type orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderPrice {
    /// A limit price.
    Value(Decimal),
    /// `"market_price"`.
    MarketPrice,
}

impl OrderPrice {
    /// The price, if it is a number.
    pub fn value(self) -> Option<Decimal> {
        match self {
            OrderPrice::Value(d) => Some(d),
            OrderPrice::MarketPrice => None,
        }
    }
}

impl<'de> Deserialize<'de> for OrderPrice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(d)?;
        match raw.get().trim() {
            "\"market_price\"" => Ok(OrderPrice::MarketPrice),
            t => num::parse(t)
                .map(OrderPrice::Value)
                .ok_or_else(|| de::Error::custom(format!("not a price: {t}"))),
        }
    }
}

/// An order (`user.orders.*`, and the results of buy/sell/edit/cancel/get_order_state).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeribitOrder {
    /// Order id.
    pub order_id: String,
    /// Instrument.
    #[serde(default)]
    pub instrument_name: Option<String>,
    /// `buy` / `sell`.
    #[serde(default)]
    pub direction: Option<Side>,
    /// `limit`, `market`, `stop_limit`, `stop_market`, `take_limit`, `take_market`, ...
    #[serde(default)]
    pub order_type: Option<String>,
    /// The type the order was placed with (e.g. `market` converted to `limit`).
    #[serde(default)]
    pub original_order_type: Option<String>,
    /// `open`, `filled`, `rejected`, `cancelled`, `untriggered`.
    pub order_state: String,
    /// Price, or `market_price`.
    #[serde(default)]
    pub price: Option<OrderPrice>,
    /// Amount.
    #[serde(deserialize_with = "num::req")]
    pub amount: Decimal,
    /// Contracts, when sent.
    #[serde(default, deserialize_with = "num::opt")]
    pub contracts: Option<Decimal>,
    /// Filled amount (absent on untriggered stop orders).
    #[serde(default, deserialize_with = "num::opt")]
    pub filled_amount: Option<Decimal>,
    /// Average fill price (absent on untriggered stop orders).
    #[serde(default, deserialize_with = "num::opt")]
    pub average_price: Option<Decimal>,
    /// Post-only.
    #[serde(default)]
    pub post_only: Option<bool>,
    /// Reduce-only.
    #[serde(default)]
    pub reduce_only: Option<bool>,
    /// User label.
    #[serde(default)]
    pub label: Option<String>,
    /// Creation time (ms).
    #[serde(default)]
    pub creation_timestamp: Option<i64>,
    /// Last update time (ms).
    #[serde(default)]
    pub last_update_timestamp: Option<i64>,
    /// Time in force.
    #[serde(default)]
    pub time_in_force: Option<String>,
    /// Placed through the API.
    #[serde(default)]
    pub api: Option<bool>,
    /// Trigger (`index_price`, `mark_price`, `last_price`).
    #[serde(default)]
    pub trigger: Option<String>,
    /// Trigger price.
    #[serde(default, deserialize_with = "num::opt")]
    pub trigger_price: Option<Decimal>,
    /// Whether the trigger fired.
    #[serde(default)]
    pub triggered: Option<bool>,
    /// Why it was cancelled.
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// Whether it was edited.
    #[serde(default)]
    pub replaced: Option<bool>,
    /// Visible amount.
    #[serde(default, deserialize_with = "num::opt")]
    pub max_show: Option<Decimal>,
}

/// `user.orders.*` notification: `raw` channels send one order, interval channels a list.
#[derive(Debug, Clone, PartialEq)]
pub struct UserOrdersNotification {
    /// The channel.
    pub channel: String,
    /// The orders.
    pub orders: Vec<DeribitOrder>,
    /// True when the data was a single object (`raw` channels).
    pub single: bool,
}

/// `user.portfolio.{currency}` data (and `private/get_account_summary` result).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeribitPortfolio {
    /// Currency.
    pub currency: String,
    /// Balance.
    #[serde(default, deserialize_with = "num::opt")]
    pub balance: Option<Decimal>,
    /// Equity.
    #[serde(default, deserialize_with = "num::opt")]
    pub equity: Option<Decimal>,
    /// Margin balance.
    #[serde(default, deserialize_with = "num::opt")]
    pub margin_balance: Option<Decimal>,
    /// Available funds.
    #[serde(default, deserialize_with = "num::opt")]
    pub available_funds: Option<Decimal>,
    /// Available withdrawal funds.
    #[serde(default, deserialize_with = "num::opt")]
    pub available_withdrawal_funds: Option<Decimal>,
    /// Initial margin.
    #[serde(default, deserialize_with = "num::opt")]
    pub initial_margin: Option<Decimal>,
    /// Maintenance margin.
    #[serde(default, deserialize_with = "num::opt")]
    pub maintenance_margin: Option<Decimal>,
    /// Total profit and loss.
    #[serde(default, deserialize_with = "num::opt")]
    pub total_pl: Option<Decimal>,
    /// Session realized P&L.
    #[serde(default, deserialize_with = "num::opt")]
    pub session_rpl: Option<Decimal>,
    /// Session unrealized P&L.
    #[serde(default, deserialize_with = "num::opt")]
    pub session_upl: Option<Decimal>,
    /// Delta total.
    #[serde(default, deserialize_with = "num::opt")]
    pub delta_total: Option<Decimal>,
    /// Margin model (`cross_sm`, `segregated_pm`, ...).
    #[serde(default)]
    pub margin_model: Option<String>,
    /// Cross-collateral enabled.
    #[serde(default)]
    pub cross_collateral_enabled: Option<bool>,
    /// Total equity in USD (cross-collateral accounts).
    #[serde(default, deserialize_with = "num::opt")]
    pub total_equity_usd: Option<Decimal>,
}

/// `user.portfolio.*` notification.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioNotification {
    /// The channel.
    pub channel: String,
    /// The portfolio.
    pub portfolio: DeribitPortfolio,
}

// ---------------------------------------------------------------------------------------------
// Wire.

#[derive(Deserialize)]
struct Wire<'a> {
    #[serde(default, borrow)]
    jsonrpc: Option<&'a str>,
    #[serde(default)]
    id: Option<u64>,
    #[serde(default, borrow)]
    method: Option<&'a str>,
    #[serde(default, borrow)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<ErrorObject>,
    #[serde(default, borrow)]
    params: Option<Params<'a>>,
    #[serde(rename = "usIn", default)]
    us_in: Option<u64>,
    #[serde(rename = "usOut", default)]
    us_out: Option<u64>,
    #[serde(rename = "usDiff", default)]
    us_diff: Option<u64>,
    #[serde(default)]
    testnet: Option<bool>,
}

#[derive(Deserialize)]
struct Params<'a> {
    #[serde(default, borrow)]
    channel: Option<&'a str>,
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
    #[serde(default, borrow, rename = "type")]
    kind: Option<&'a str>,
}

#[derive(Deserialize)]
struct BookWire<'a> {
    #[serde(default, borrow, rename = "type")]
    kind: Option<&'a str>,
    #[serde(default)]
    timestamp: Option<i64>,
    #[serde(borrow)]
    instrument_name: &'a str,
    #[serde(default)]
    change_id: Option<u64>,
    #[serde(default)]
    prev_change_id: Option<u64>,
    #[serde(default)]
    bids: Vec<WireLevel>,
    #[serde(default)]
    asks: Vec<WireLevel>,
}

/// `["new", price, amount]` (raw books) or `[price, amount]` (grouped books).
struct WireLevel(Option<LevelAction>, BookLevel);

impl<'de> Deserialize<'de> for WireLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[action, price, amount] or [price, amount]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireLevel, A::Error> {
                let num_of = |raw: Option<&RawValue>, i: usize| -> Result<Decimal, A::Error> {
                    let raw = raw.ok_or_else(|| de::Error::invalid_length(i, &self))?;
                    num::parse(raw.get())
                        .ok_or_else(|| de::Error::custom(format!("not a decimal: {}", raw.get())))
                };
                let first: Option<&'de RawValue> = seq.next_element()?;
                let first = first.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let level = match first.get() {
                    "\"new\"" | "\"change\"" | "\"delete\"" => {
                        let action = match first.get() {
                            "\"new\"" => LevelAction::New,
                            "\"change\"" => LevelAction::Change,
                            _ => LevelAction::Delete,
                        };
                        let p: Option<&'de RawValue> = seq.next_element()?;
                        let a: Option<&'de RawValue> = seq.next_element()?;
                        let price = num_of(p, 1)?;
                        let amount = if action == LevelAction::Delete {
                            Decimal::ZERO
                        } else {
                            num_of(a, 2)?
                        };
                        WireLevel(Some(action), BookLevel::new(price, amount))
                    }
                    _ => {
                        let a: Option<&'de RawValue> = seq.next_element()?;
                        WireLevel(None, BookLevel::new(num_of(Some(first), 0)?, num_of(a, 1)?))
                    }
                };
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(level)
            }
        }
        d.deserialize_seq(V)
    }
}

fn fail(text: &str, message: impl fmt::Display) -> DecodeError {
    DecodeError::from_text(message, text)
}

fn parse<'a, T: Deserialize<'a>>(text: &str, part: &'a str, what: &str) -> Result<T, DecodeError> {
    serde_json::from_str(part).map_err(|e| fail(text, format_args!("{what}: {e}")))
}

fn split_levels(levels: Vec<WireLevel>) -> (Vec<BookLevel>, Vec<LevelAction>) {
    let mut out = Vec::with_capacity(levels.len());
    let mut actions = Vec::with_capacity(levels.len());
    for WireLevel(action, level) in levels {
        out.push(level);
        if let Some(a) = action {
            actions.push(a);
        }
    }
    (out, actions)
}

fn decode_book(text: &str, channel: &str, data: &str) -> Result<DeribitMessage, DecodeError> {
    let w: BookWire<'_> = parse(text, data, "book data")?;
    // Raw/interval books say `snapshot`/`change`; grouped books send a full book each time.
    let kind = match w.kind {
        Some("change") => BookKind::Delta,
        _ => BookKind::Snapshot,
    };
    let mut update = BookUpdate::new(
        Venue::Deribit,
        instrument_symbol(w.instrument_name),
        w.instrument_name,
        kind,
    );
    update.last_seq = w.change_id;
    update.prev_seq = w.prev_change_id;
    update.time = w.timestamp;
    let (bids, bid_actions) = split_levels(w.bids);
    let (asks, ask_actions) = split_levels(w.asks);
    update.bids = bids;
    update.asks = asks;
    Ok(DeribitMessage::Book(BookNotification {
        channel: channel.to_owned(),
        update,
        bid_actions,
        ask_actions,
    }))
}

/// `chart.trades.{instrument}.{resolution}` → (instrument, resolution).
fn chart_parts(channel: &str) -> Option<(&str, &str)> {
    channel.strip_prefix("chart.trades.")?.rsplit_once('.')
}

fn decode_notification(text: &str, p: Params<'_>) -> Result<DeribitMessage, DecodeError> {
    let channel = p
        .channel
        .ok_or_else(|| fail(text, "subscription without channel"))?;
    let data = p
        .data
        .ok_or_else(|| fail(text, "subscription without data"))?
        .get();
    let prefix = channel.split('.').next().unwrap_or_default();
    Ok(match prefix {
        "book" => decode_book(text, channel, data)?,
        "trades" => DeribitMessage::Trades(TradesNotification {
            channel: channel.to_owned(),
            trades: parse(text, data, "trades data")?,
        }),
        "ticker" => DeribitMessage::Ticker(Box::new(TickerNotification {
            channel: channel.to_owned(),
            ticker: parse(text, data, "ticker data")?,
        })),
        "chart" if channel.starts_with("chart.trades.") => {
            let (instrument, resolution) =
                chart_parts(channel).ok_or_else(|| fail(text, "bad chart.trades channel"))?;
            let c: CandleWire = parse(text, data, "chart data")?;
            DeribitMessage::Candle(CandleNotification {
                channel: channel.to_owned(),
                candle: DeribitCandle {
                    instrument_name: instrument.to_owned(),
                    resolution: resolution.to_owned(),
                    tick: c.tick,
                    open: c.open,
                    high: c.high,
                    low: c.low,
                    close: c.close,
                    volume: c.volume,
                    cost: c.cost,
                },
            })
        }
        "user" => {
            let kind = channel.split('.').nth(1).unwrap_or_default();
            match kind {
                "orders" => {
                    let single = data.trim_start().starts_with('{');
                    let orders = if single {
                        vec![parse(text, data, "order data")?]
                    } else {
                        parse(text, data, "orders data")?
                    };
                    DeribitMessage::UserOrders(UserOrdersNotification {
                        channel: channel.to_owned(),
                        orders,
                        single,
                    })
                }
                "trades" => DeribitMessage::UserTrades(TradesNotification {
                    channel: channel.to_owned(),
                    trades: parse(text, data, "user trades data")?,
                }),
                "portfolio" => DeribitMessage::Portfolio(Box::new(PortfolioNotification {
                    channel: channel.to_owned(),
                    portfolio: parse(text, data, "portfolio data")?,
                })),
                _ => other(text, channel, data)?,
            }
        }
        _ => other(text, channel, data)?,
    })
}

fn other(text: &str, channel: &str, data: &str) -> Result<DeribitMessage, DecodeError> {
    Ok(DeribitMessage::Notification {
        channel: channel.to_owned(),
        data: RawJson(RawValue::from_string(data.to_owned()).map_err(|e| fail(text, e))?),
    })
}

impl DeribitMessage {
    /// Decodes one frame's text. Never `Ok(None)` for a well-formed message: every JSON-RPC
    /// message is returned.
    pub fn decode_str(text: &str) -> Result<Option<DeribitMessage>, DecodeError> {
        let w: Wire<'_> = parse(text, text, "JSON-RPC message")?;
        if let Some(error) = w.error {
            return Ok(Some(DeribitMessage::Response(Response {
                jsonrpc: w.jsonrpc.map(str::to_owned),
                id: w.id,
                outcome: Err(error.into()),
                us_in: w.us_in,
                us_out: w.us_out,
                us_diff: w.us_diff,
                testnet: w.testnet,
            })));
        }
        if let Some(result) = w.result {
            return Ok(Some(DeribitMessage::Response(Response {
                jsonrpc: w.jsonrpc.map(str::to_owned),
                id: w.id,
                outcome: Ok(RawJson(result.to_owned())),
                us_in: w.us_in,
                us_out: w.us_out,
                us_diff: w.us_diff,
                testnet: w.testnet,
            })));
        }
        match (w.method, w.params) {
            (Some("subscription"), Some(p)) => decode_notification(text, p).map(Some),
            (Some("heartbeat"), p) => Ok(Some(DeribitMessage::Heartbeat(
                match p.and_then(|p| p.kind) {
                    Some("test_request") => HeartbeatKind::TestRequest,
                    _ => HeartbeatKind::Heartbeat,
                },
            ))),
            _ => Err(fail(text, "neither a response nor a notification")),
        }
    }

    /// A short name of the variant.
    pub fn kind(&self) -> &'static str {
        match self {
            DeribitMessage::Response(_) => "response",
            DeribitMessage::Book(_) => "book",
            DeribitMessage::Trades(_) => "trades",
            DeribitMessage::Ticker(_) => "ticker",
            DeribitMessage::Candle(_) => "candle",
            DeribitMessage::UserOrders(_) => "user.orders",
            DeribitMessage::UserTrades(_) => "user.trades",
            DeribitMessage::Portfolio(_) => "user.portfolio",
            DeribitMessage::Heartbeat(_) => "heartbeat",
            DeribitMessage::Notification { .. } => "notification",
        }
    }

    /// The subscription channel of a notification.
    pub fn channel(&self) -> Option<&str> {
        match self {
            DeribitMessage::Book(b) => Some(&b.channel),
            DeribitMessage::Trades(t) | DeribitMessage::UserTrades(t) => Some(&t.channel),
            DeribitMessage::Ticker(t) => Some(&t.channel),
            DeribitMessage::Candle(c) => Some(&c.channel),
            DeribitMessage::UserOrders(o) => Some(&o.channel),
            DeribitMessage::Portfolio(p) => Some(&p.channel),
            DeribitMessage::Notification { channel, .. } => Some(channel),
            DeribitMessage::Response(_) | DeribitMessage::Heartbeat(_) => None,
        }
    }

    /// The normalized events this message carries (none for responses and heartbeats).
    pub fn market_events(&self) -> Vec<MarketEvent> {
        match self {
            DeribitMessage::Book(b) => vec![MarketEvent::Book(b.update.clone())],
            DeribitMessage::Trades(t) | DeribitMessage::UserTrades(t) => t
                .trades
                .iter()
                .map(|t| MarketEvent::Trade(t.to_trade()))
                .collect(),
            DeribitMessage::Ticker(t) => vec![MarketEvent::Ticker(t.ticker.to_ticker())],
            DeribitMessage::Candle(c) => c
                .candle
                .to_candle()
                .map(MarketEvent::Candle)
                .into_iter()
                .collect(),
            DeribitMessage::UserOrders(o) => o
                .orders
                .iter()
                .filter_map(DeribitOrder::to_order)
                .map(MarketEvent::Order)
                .collect(),
            DeribitMessage::Portfolio(p) => vec![MarketEvent::Balance(p.portfolio.to_balance())],
            DeribitMessage::Response(_)
            | DeribitMessage::Heartbeat(_)
            | DeribitMessage::Notification { .. } => Vec::new(),
        }
    }
}

impl WsMessage for DeribitMessage {
    fn encode(&self) -> Frame {
        // Inbound-only type: requests are encoded by the method files.
        Frame::text("")
    }

    fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError> {
        match frame.as_text() {
            Some(text) => DeribitMessage::decode_str(text),
            None => Err(DecodeError::new("binary frame: Deribit sends text", frame)),
        }
    }

    fn dedupe_key(&self) -> Option<u64> {
        // Across a make-before-break renewal both connections deliver the same data.
        let mut h = Fnv::new();
        match self {
            DeribitMessage::Book(b) => {
                h.bytes(b.channel.as_bytes());
                h.u64(b.update.last_seq?);
            }
            DeribitMessage::Trades(t) | DeribitMessage::UserTrades(t) => {
                h.bytes(t.channel.as_bytes());
                for tr in &t.trades {
                    h.bytes(tr.trade_id.as_bytes());
                }
            }
            _ => return None,
        }
        Some(h.0)
    }
}

impl Correlated for DeribitMessage {
    fn response_id(&self) -> Option<u64> {
        match self {
            DeribitMessage::Response(r) => r.id,
            _ => None,
        }
    }
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn u64(&mut self, n: u64) {
        self.bytes(&n.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use tradewire_core::{OrderBook, SequenceRule};

    fn decode(text: &str) -> DeribitMessage {
        DeribitMessage::decode_str(text).unwrap().unwrap()
    }

    #[test]
    fn book_snapshot_and_change_chain() {
        // https://docs.deribit.com/#book-instrument_name-interval (notification example, shortened)
        let snap = decode(
            r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"type":"snapshot","timestamp":1554373962454,"instrument_name":"BTC-PERPETUAL","change_id":297217,"bids":[["new",5042.34,30],["new",5041.94,20]],"asks":[["new",5042.64,40],["new",5043.3,40]]}}}"#,
        );
        let DeribitMessage::Book(s) = snap else {
            panic!()
        };
        assert!(s.update.is_snapshot());
        assert_eq!(s.update.last_seq, Some(297217));
        assert_eq!(s.update.symbol.as_ref().unwrap().as_str(), "BTC/USD:BTC");
        assert_eq!(s.bid_actions, vec![LevelAction::New; 2]);
        let change = decode(
            r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"type":"change","timestamp":1554373911330,"prev_change_id":297217,"instrument_name":"BTC-PERPETUAL","change_id":297218,"bids":[["delete",5041.94,0]],"asks":[["change",5042.64,30.0]]}}}"#,
        );
        let DeribitMessage::Book(c) = change else {
            panic!()
        };
        assert_eq!(
            (c.update.prev_seq, c.update.last_seq),
            (Some(297217), Some(297218))
        );
        assert_eq!(c.update.asks[0].amount.to_string(), "30.0");
        assert!(c.update.bids[0].amount.is_zero());
        let mut book = OrderBook::new(SequenceRule::PrevSeq);
        book.apply(&s.update).unwrap();
        book.apply(&c.update).unwrap();
        assert_eq!(book.bid_depth(), 1);
        assert_eq!(book.best_ask().unwrap().amount.to_string(), "30.0");
    }

    #[test]
    fn trades_ticker_candle() {
        // https://docs.deribit.com/#trades-instrument_name-interval (notification example)
        let m = decode(
            r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.raw","data":[{"trade_seq":30289442,"trade_id":"48079269","timestamp":1590484512188,"tick_direction":2,"price":8950.0,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL","index_price":8955.88,"direction":"sell","amount":10}]}}"#,
        );
        let DeribitMessage::Trades(t) = &m else {
            panic!()
        };
        let tr = t.trades[0].to_trade();
        assert_eq!(
            (tr.price.to_string().as_str(), tr.side),
            ("8950.0", Side::Sell)
        );
        assert_eq!(m.market_events().len(), 1);

        // https://docs.deribit.com/#chart-trades-instrument_name-resolution (notification example)
        let m = decode(
            r#"{"params":{"data":{"volume":0.05219351,"tick":1573645080000,"open":8869.79,"low":8788.25,"high":8870.31,"cost":460,"close":8791.25},"channel":"chart.trades.BTC-PERPETUAL.1"},"method":"subscription","jsonrpc":"2.0"}"#,
        );
        let DeribitMessage::Candle(c) = &m else {
            panic!()
        };
        let candle = c.candle.to_candle().unwrap();
        assert_eq!(candle.open_time, 1573645080000);
        assert_eq!(candle.volume.to_string(), "0.05219351");
        assert!(!candle.closed);

        // https://docs.deribit.com/#ticker-instrument_name-interval (option fields, null stats)
        let m = decode(
            r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.BTC-27DEC24-60000-C.100ms","data":{"timestamp":1,"instrument_name":"BTC-27DEC24-60000-C","stats":{"volume":null,"low":null,"high":null,"price_change":null},"greeks":{"delta":0.5,"gamma":2e-05,"vega":1,"theta":-1,"rho":1},"best_bid_price":0.1,"mark_iv":50.0}}}"#,
        );
        let DeribitMessage::Ticker(t) = &m else {
            panic!()
        };
        assert_eq!(
            t.ticker.greeks.as_ref().unwrap().gamma.unwrap().to_string(),
            "0.00002"
        );
        assert_eq!(t.ticker.stats.volume, None);
        let ticker = t.ticker.to_ticker();
        assert_eq!(
            ticker.symbol.unwrap().as_str(),
            "BTC/USD:BTC-241227-60000-C"
        );
        assert_eq!(ticker.high_24h, None);
    }

    #[test]
    fn responses_errors_heartbeats() {
        // https://docs.deribit.com/#public-get_time (response example)
        let m = decode(
            r#"{"jsonrpc":"2.0","id":7365,"result":1550147385946,"usIn":1,"usOut":2,"usDiff":1,"testnet":false}"#,
        );
        assert_eq!(m.response_id(), Some(7365));
        let DeribitMessage::Response(r) = m else {
            panic!()
        };
        assert_eq!(r.result::<i64>().unwrap(), 1550147385946);

        // https://docs.deribit.com/articles/errors (error response format)
        let m = decode(
            r#"{"jsonrpc":"2.0","id":42,"error":{"code":13009,"message":"unauthorized","data":{"reason":"token has expired","param":"access_token"}}}"#,
        );
        let DeribitMessage::Response(r) = m else {
            panic!()
        };
        let e = r.outcome.unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert!(e.data.is_some());

        // https://docs.deribit.com/#public-set_heartbeat (test_request)
        let m =
            decode(r#"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}"#);
        assert_eq!(m, DeribitMessage::Heartbeat(HeartbeatKind::TestRequest));
        assert!(DeribitMessage::decode_str("{}").is_err());
        assert!(DeribitMessage::decode_str("not json").is_err());
    }

    #[test]
    fn user_orders_single_and_list() {
        // https://docs.deribit.com/#user-orders-instrument_name-raw (notification example, shortened)
        let one = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.orders.BTC-PERPETUAL.raw","data":{"order_state":"open","order_id":"5","price":10502.52,"amount":200,"filled_amount":0,"direction":"buy","instrument_name":"BTC-PERPETUAL","order_type":"limit","label":"","last_update_timestamp":1581507423789}}}"#;
        let DeribitMessage::UserOrders(o) = decode(one) else {
            panic!()
        };
        assert!(o.single);
        let order = o.orders[0].to_order().unwrap();
        assert_eq!(order.status, tradewire_core::OrderStatus::Open);
        assert_eq!(order.client_id, None);
        let list = one
            .replace("\"data\":{", "\"data\":[{")
            .replace("1581507423789}}}", "1581507423789}]}}");
        let DeribitMessage::UserOrders(o) = decode(&list) else {
            panic!()
        };
        assert!(!o.single);
        assert_eq!(o.orders.len(), 1);
    }
}
