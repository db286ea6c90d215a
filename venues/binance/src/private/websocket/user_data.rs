//! User data stream events, decoded and normalized: `executionReport` → core [`Order`],
//! `outboundAccountPosition` → core [`Balance`]s, `balanceUpdate`, `externalLockUpdate`,
//! `eventStreamTerminated`.
//!
//! Doc: user-data-stream.md "Account Update", "Balance Update", "Order Update" (with
//! "Conditional Fields in Execution Report", "Order Reject Reason", "Order Expiry Reason"),
//! "Event Stream Terminated", "External Lock Update"; enums.md "Order status" and "Execution
//! types". Over the WebSocket API each event arrives wrapped as
//! `{"subscriptionId":0,"event":{…}}` (web-socket-api.md "Event format"); subscribe with
//! [`user_data_stream_subscribe`](super::user_data_stream_subscribe).
//!
//! `executionReport` → [`Order`]: `id` = `i`, `client_id` = `C` when set (a cancel reports the
//! cancelled order's id there and its own new id in `c`), else `c`; `side` = `S`;
//! `order_type` = `o`; `status` = `X` (NEW → open, PARTIALLY_FILLED → partially_filled,
//! FILLED → filled, CANCELED → cancelled, REJECTED → rejected, EXPIRED and
//! EXPIRED_IN_MATCH → expired); `price` = `p` (absent when `0`, e.g. market orders);
//! `amount` = `q`; `filled` = `z`; `avg_price` = `Z / z` ("Average price can be found by
//! doing Z divided by z"); `time` = `T`.

use serde::Deserialize;
use tradewire_core::{Balance, Decimal, Order, TimeInForce, Venue};

use super::order_report::{average_price, order_status, order_type, side, time_in_force};
use crate::symbols::resolve_cached;

/// enums.md "Execution types" (`x`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionType {
    /// `NEW`: accepted into the engine.
    New,
    /// `CANCELED`: cancelled by the user.
    Canceled,
    /// `REPLACED`: amended.
    Replaced,
    /// `REJECTED`: rejected, not processed.
    Rejected,
    /// `TRADE`: part or all of the quantity filled.
    Trade,
    /// `EXPIRED`: cancelled by the order type's rules or by the exchange.
    Expired,
    /// `TRADE_PREVENTION`: expired due to STP.
    TradePrevention,
    /// A type this client does not know, verbatim.
    Unknown(String),
}

impl ExecutionType {
    /// Parses Binance's spelling.
    pub fn parse(binance: &str) -> Self {
        match binance {
            "NEW" => ExecutionType::New,
            "CANCELED" => ExecutionType::Canceled,
            "REPLACED" => ExecutionType::Replaced,
            "REJECTED" => ExecutionType::Rejected,
            "TRADE" => ExecutionType::Trade,
            "EXPIRED" => ExecutionType::Expired,
            "TRADE_PREVENTION" => ExecutionType::TradePrevention,
            other => ExecutionType::Unknown(other.to_owned()),
        }
    }
}

/// `executionReport`: an order update, normalized into [`Order`], with Binance's execution
/// details.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionReport {
    /// The order after this update.
    pub order: Order,
    /// `E`, UTC ms.
    pub event_time: i64,
    /// `x`.
    pub execution_type: ExecutionType,
    /// `X` verbatim (`EXPIRED_IN_MATCH` and `EXPIRED` both normalize to `expired`).
    pub order_status: String,
    /// `f` (`None` for an undocumented value).
    pub time_in_force: Option<TimeInForce>,
    /// `c`: the client order id of this execution (of the cancel request, for cancels).
    pub client_order_id: String,
    /// `C`: the cancelled order's client order id (cancels only).
    pub orig_client_order_id: Option<String>,
    /// `P`: stop price.
    pub stop_price: Decimal,
    /// `F`: iceberg quantity.
    pub iceberg_qty: Decimal,
    /// `g`: order list id (`-1` for none).
    pub order_list_id: i64,
    /// `r`: reject reason (`NONE` unless rejected).
    pub reject_reason: String,
    /// `l`: quantity of this execution.
    pub last_executed_qty: Decimal,
    /// `L`: price of this execution.
    pub last_executed_price: Decimal,
    /// `Y`: quote quantity of this execution.
    pub last_quote_qty: Decimal,
    /// `Z`: cumulative quote quantity.
    pub cumulative_quote_qty: Decimal,
    /// `Q`: quote order quantity.
    pub quote_order_qty: Decimal,
    /// `n`: commission of this execution.
    pub commission: Decimal,
    /// `N`: commission asset (`None` without a trade).
    pub commission_asset: Option<String>,
    /// `T`: transaction time, UTC ms.
    pub transaction_time: i64,
    /// `t`: trade id (`None` for `-1`).
    pub trade_id: Option<i64>,
    /// `I`: execution id.
    pub execution_id: i64,
    /// `w`: is the order on the book?
    pub is_working: bool,
    /// `m`: was this trade the maker side?
    pub is_maker: bool,
    /// `O`: order creation time, UTC ms.
    pub order_creation_time: i64,
    /// `W`: working time, UTC ms (only once on the book).
    pub working_time: Option<i64>,
    /// `V`: self-trade prevention mode.
    pub self_trade_prevention_mode: Option<String>,
    /// `eR`: expiry reason (only for expired orders).
    pub expiry_reason: Option<String>,
}

/// `outboundAccountPosition`: the balances that may have changed.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountPosition {
    /// `E`, UTC ms.
    pub event_time: i64,
    /// `u`: time of the last account update, UTC ms.
    pub last_update_time: i64,
    /// `B`, as core balances (`total` = free + locked, `time` = `u`).
    pub balances: Vec<Balance>,
}

/// `balanceUpdate` (deposit, withdrawal, transfer) or `externalLockUpdate` (part of the
/// balance locked or unlocked by an external system).
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceDelta {
    /// `E`, UTC ms.
    pub event_time: i64,
    /// `a`: asset.
    pub asset: String,
    /// `d`: delta.
    pub delta: Decimal,
    /// `T`: clear time (`balanceUpdate`) or transaction time (`externalLockUpdate`), UTC ms.
    pub time: i64,
}

/// One user data stream event.
#[derive(Debug, Clone, PartialEq)]
pub enum UserDataEvent {
    /// `executionReport`.
    ExecutionReport(Box<ExecutionReport>),
    /// `outboundAccountPosition`.
    AccountPosition(AccountPosition),
    /// `balanceUpdate`.
    BalanceUpdate(BalanceDelta),
    /// `externalLockUpdate`.
    ExternalLockUpdate(BalanceDelta),
    /// `eventStreamTerminated`: the subscription ended (`session.logout`,
    /// `userDataStream.unsubscribe`).
    EventStreamTerminated {
        /// `E`, UTC ms.
        event_time: i64,
    },
    /// An event type this client does not decode (e.g. `listStatus` of order lists).
    Other {
        /// `e`.
        event_type: String,
    },
}

impl UserDataEvent {
    /// The order of an `executionReport`.
    pub fn order(&self) -> Option<&Order> {
        match self {
            UserDataEvent::ExecutionReport(r) => Some(&r.order),
            _ => None,
        }
    }

    /// The balances of an `outboundAccountPosition`.
    pub fn balances(&self) -> Option<&[Balance]> {
        match self {
            UserDataEvent::AccountPosition(p) => Some(&p.balances),
            _ => None,
        }
    }
}

/// What an `event` object of the WebSocket API is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EventPayload {
    /// A user data stream event.
    User(UserDataEvent),
    /// `serverShutdown` (web-socket-api.md "Connection events").
    ServerShutdown {
        /// `E`, UTC ms.
        event_time: i64,
    },
}

#[derive(Deserialize)]
struct RawExecutionReport {
    #[serde(rename = "E")]
    event_time: i64,
    s: String,
    c: String,
    #[serde(rename = "S")]
    side: String,
    o: String,
    #[serde(default)]
    f: String,
    q: Decimal,
    p: Decimal,
    #[serde(rename = "P", default)]
    stop_price: Decimal,
    #[serde(rename = "F", default)]
    iceberg_qty: Decimal,
    #[serde(default = "minus_one")]
    g: i64,
    #[serde(rename = "C", default)]
    orig_client_order_id: Option<String>,
    x: String,
    #[serde(rename = "X")]
    status: String,
    #[serde(default)]
    r: String,
    i: u64,
    #[serde(default)]
    l: Decimal,
    z: Decimal,
    #[serde(rename = "L", default)]
    last_price: Decimal,
    #[serde(default)]
    n: Decimal,
    #[serde(rename = "N", default)]
    commission_asset: Option<String>,
    #[serde(rename = "T")]
    transaction_time: i64,
    #[serde(default = "minus_one")]
    t: i64,
    #[serde(rename = "I", default)]
    execution_id: i64,
    #[serde(default)]
    w: bool,
    #[serde(default)]
    m: bool,
    #[serde(rename = "O", default)]
    created: i64,
    #[serde(rename = "Z", default)]
    cumulative_quote: Decimal,
    #[serde(rename = "Y", default)]
    last_quote: Decimal,
    #[serde(rename = "Q", default)]
    quote_order_qty: Decimal,
    #[serde(rename = "W", default)]
    working_time: Option<i64>,
    #[serde(rename = "V", default)]
    stp: Option<String>,
    #[serde(rename = "eR", default)]
    expiry_reason: Option<String>,
}

fn minus_one() -> i64 {
    -1
}

#[derive(Deserialize)]
struct RawBalance {
    a: String,
    f: Decimal,
    l: Decimal,
}

#[derive(Deserialize)]
struct RawAccountPosition {
    #[serde(rename = "E")]
    event_time: i64,
    u: i64,
    #[serde(rename = "B")]
    balances: Vec<RawBalance>,
}

#[derive(Deserialize)]
struct RawDelta {
    #[serde(rename = "E")]
    event_time: i64,
    a: String,
    d: Decimal,
    #[serde(rename = "T")]
    time: i64,
}

#[derive(Deserialize)]
struct RawTime {
    #[serde(rename = "E")]
    event_time: i64,
}

#[derive(Deserialize)]
#[serde(tag = "e")]
enum RawEvent {
    #[serde(rename = "executionReport")]
    ExecutionReport(Box<RawExecutionReport>),
    #[serde(rename = "outboundAccountPosition")]
    AccountPosition(RawAccountPosition),
    #[serde(rename = "balanceUpdate")]
    BalanceUpdate(RawDelta),
    #[serde(rename = "externalLockUpdate")]
    ExternalLockUpdate(RawDelta),
    #[serde(rename = "eventStreamTerminated")]
    EventStreamTerminated(RawTime),
    #[serde(rename = "serverShutdown")]
    ServerShutdown(RawTime),
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    e: Option<String>,
}

fn event_type(text: &str) -> String {
    serde_json::from_str::<Head>(text)
        .ok()
        .and_then(|h| h.e)
        .unwrap_or_else(|| "event".to_owned())
}

fn delta(raw: RawDelta) -> BalanceDelta {
    BalanceDelta {
        event_time: raw.event_time,
        asset: raw.a,
        delta: raw.d,
        time: raw.time,
    }
}

fn execution_report(raw: RawExecutionReport) -> Result<ExecutionReport, String> {
    let status = order_status(&raw.status)
        .ok_or_else(|| format!("unknown order status {:?}", raw.status))?;
    let side = side(&raw.side).ok_or_else(|| format!("unknown side {:?}", raw.side))?;
    let orig_client_order_id = raw.orig_client_order_id.filter(|c| !c.is_empty());
    let client_id = orig_client_order_id
        .clone()
        .unwrap_or_else(|| raw.c.clone());
    let order = Order {
        venue: Venue::Binance,
        symbol: resolve_cached(&raw.s),
        venue_symbol: raw.s,
        id: raw.i.to_string(),
        client_id: (!client_id.is_empty()).then_some(client_id),
        side,
        order_type: order_type(&raw.o),
        status,
        price: Some(raw.p).filter(|p| !p.is_zero()),
        amount: raw.q,
        filled: raw.z,
        avg_price: average_price(Some(raw.cumulative_quote), raw.z),
        time: raw.transaction_time,
    };
    Ok(ExecutionReport {
        order,
        event_time: raw.event_time,
        execution_type: ExecutionType::parse(&raw.x),
        order_status: raw.status,
        time_in_force: time_in_force(&raw.f),
        client_order_id: raw.c,
        orig_client_order_id,
        stop_price: raw.stop_price,
        iceberg_qty: raw.iceberg_qty,
        order_list_id: raw.g,
        reject_reason: raw.r,
        last_executed_qty: raw.l,
        last_executed_price: raw.last_price,
        last_quote_qty: raw.last_quote,
        cumulative_quote_qty: raw.cumulative_quote,
        quote_order_qty: raw.quote_order_qty,
        commission: raw.n,
        commission_asset: raw.commission_asset,
        transaction_time: raw.transaction_time,
        trade_id: (raw.t >= 0).then_some(raw.t),
        execution_id: raw.execution_id,
        is_working: raw.w,
        is_maker: raw.m,
        order_creation_time: raw.created,
        working_time: raw.working_time,
        self_trade_prevention_mode: raw.stp,
        expiry_reason: raw.expiry_reason,
    })
}

/// Decodes the `event` object of a WebSocket API event frame. The error names the event type.
pub(crate) fn parse_event(text: &str) -> Result<EventPayload, String> {
    let raw: RawEvent = serde_json::from_str(text)
        .map_err(|e| format!("cannot decode {}: {e}", event_type(text)))?;
    Ok(match raw {
        RawEvent::ExecutionReport(r) => {
            EventPayload::User(UserDataEvent::ExecutionReport(Box::new(
                execution_report(*r).map_err(|e| format!("cannot decode executionReport: {e}"))?,
            )))
        }
        RawEvent::AccountPosition(p) => {
            let time = p.u;
            EventPayload::User(UserDataEvent::AccountPosition(AccountPosition {
                event_time: p.event_time,
                last_update_time: p.u,
                balances: p
                    .balances
                    .into_iter()
                    .map(|b| Balance {
                        time: Some(time),
                        ..Balance::new(Venue::Binance, b.a, b.f, b.l)
                    })
                    .collect(),
            }))
        }
        RawEvent::BalanceUpdate(d) => EventPayload::User(UserDataEvent::BalanceUpdate(delta(d))),
        RawEvent::ExternalLockUpdate(d) => {
            EventPayload::User(UserDataEvent::ExternalLockUpdate(delta(d)))
        }
        RawEvent::EventStreamTerminated(t) => {
            EventPayload::User(UserDataEvent::EventStreamTerminated {
                event_time: t.event_time,
            })
        }
        RawEvent::ServerShutdown(t) => EventPayload::ServerShutdown {
            event_time: t.event_time,
        },
        RawEvent::Other => EventPayload::User(UserDataEvent::Other {
            event_type: event_type(text),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::{OrderStatus, OrderType, Side};

    use crate::private::websocket::WsApiMessage;

    fn user(text: &str) -> (Option<u64>, UserDataEvent) {
        match WsApiMessage::decode_str(text).unwrap() {
            WsApiMessage::UserData {
                subscription_id,
                event,
            } => (subscription_id, event),
            other => panic!("{other:?}"),
        }
    }

    // user-data-stream.md "Order Update" — payload (comments stripped).
    const EXECUTION_REPORT: &str = r#"{
    "subscriptionId": 0,
    "event": {
        "e": "executionReport",
        "E": 1499405658658,
        "s": "ETHBTC",
        "c": "mUvoqJxFIILMdfAW5iGSOW",
        "S": "BUY",
        "o": "LIMIT",
        "f": "GTC",
        "q": "1.00000000",
        "p": "0.10264410",
        "P": "0.00000000",
        "F": "0.00000000",
        "g": -1,
        "C": "",
        "x": "NEW",
        "X": "NEW",
        "r": "NONE",
        "i": 4293153,
        "l": "0.00000000",
        "z": "0.00000000",
        "L": "0.00000000",
        "n": "0",
        "N": null,
        "T": 1499405658657,
        "t": -1,
        "v": 3,
        "I": 8641984,
        "w": true,
        "m": false,
        "M": false,
        "O": 1499405658657,
        "Z": "0.00000000",
        "Y": "0.00000000",
        "Q": "0.00000000",
        "W": 1499405658657,
        "V": "NONE"
    }
}"#;

    #[test]
    fn documented_execution_report_normalizes_to_an_open_order() {
        let (sub, event) = user(EXECUTION_REPORT);
        assert_eq!(sub, Some(0));
        let UserDataEvent::ExecutionReport(r) = &event else {
            panic!("{event:?}")
        };
        let o = &r.order;
        assert_eq!(o.venue, Venue::Binance);
        assert_eq!(o.venue_symbol, "ETHBTC");
        assert_eq!(o.symbol.as_ref().unwrap().to_string(), "ETH/BTC");
        assert_eq!(o.id, "4293153");
        assert_eq!(o.client_id.as_deref(), Some("mUvoqJxFIILMdfAW5iGSOW"));
        assert_eq!(o.side, Side::Buy);
        assert_eq!(o.order_type, OrderType::Limit);
        assert_eq!(o.status, OrderStatus::Open);
        assert_eq!(o.price.unwrap().to_string(), "0.10264410");
        assert_eq!(o.amount.to_string(), "1.00000000");
        assert_eq!(o.filled, Decimal::ZERO);
        assert_eq!(o.avg_price, None);
        assert_eq!(o.time, 1_499_405_658_657);
        assert_eq!(r.execution_type, ExecutionType::New);
        assert_eq!(r.time_in_force, Some(TimeInForce::Gtc));
        assert_eq!(r.orig_client_order_id, None);
        assert_eq!(r.trade_id, None);
        assert_eq!(r.commission_asset, None);
        assert_eq!(r.execution_id, 8_641_984);
        assert!(r.is_working && !r.is_maker);
        assert_eq!(r.working_time, Some(1_499_405_658_657));
        assert_eq!(r.order_list_id, -1);
        assert_eq!(r.reject_reason, "NONE");
        assert_eq!(event.order(), Some(o));
        assert_eq!(event.balances(), None);
    }

    #[test]
    fn every_documented_order_status_maps() {
        let cases = [
            ("NEW", "NEW", OrderStatus::Open),
            ("TRADE", "PARTIALLY_FILLED", OrderStatus::PartiallyFilled),
            ("TRADE", "FILLED", OrderStatus::Filled),
            ("CANCELED", "CANCELED", OrderStatus::Cancelled),
            ("REJECTED", "REJECTED", OrderStatus::Rejected),
            ("EXPIRED", "EXPIRED", OrderStatus::Expired),
            ("TRADE_PREVENTION", "EXPIRED_IN_MATCH", OrderStatus::Expired),
        ];
        for (x, status, core) in cases {
            let text = EXECUTION_REPORT
                .replace(r#""x": "NEW""#, &format!(r#""x": "{x}""#))
                .replace(r#""X": "NEW""#, &format!(r#""X": "{status}""#));
            let (_, event) = user(&text);
            let UserDataEvent::ExecutionReport(r) = event else {
                panic!()
            };
            assert_eq!(r.order.status, core, "{status}");
            assert_eq!(r.order_status, status);
            assert_eq!(r.execution_type, ExecutionType::parse(x));
        }
        let text = EXECUTION_REPORT.replace(r#""X": "NEW""#, r#""X": "HALFWAY""#);
        let e = WsApiMessage::decode_str(&text).unwrap_err();
        assert!(e.message.contains("HALFWAY"), "{e}");
        assert_eq!(
            ExecutionType::parse("AMENDED"),
            ExecutionType::Unknown("AMENDED".into())
        );
    }

    #[test]
    fn trade_and_cancel_fields() {
        // A fill: the documented payload with the TRADE fields set.
        let text = EXECUTION_REPORT
            .replace(r#""x": "NEW""#, r#""x": "TRADE""#)
            .replace(r#""X": "NEW""#, r#""X": "FILLED""#)
            .replace(r#""l": "0.00000000""#, r#""l": "1.00000000""#)
            .replace(r#""z": "0.00000000""#, r#""z": "1.00000000""#)
            .replace(r#""Z": "0.00000000""#, r#""Z": "0.10264410""#)
            .replace(r#""N": null"#, r#""N": "BNB""#)
            .replace(r#""t": -1"#, r#""t": 77"#);
        let (_, event) = user(&text);
        let UserDataEvent::ExecutionReport(r) = event else {
            panic!()
        };
        assert_eq!(r.order.status, OrderStatus::Filled);
        assert_eq!(r.order.filled.to_string(), "1.00000000");
        assert_eq!(r.order.avg_price.unwrap().to_string(), "0.1026441");
        assert_eq!(r.trade_id, Some(77));
        assert_eq!(r.commission_asset.as_deref(), Some("BNB"));
        // A cancel: `C` is the cancelled order's client id.
        let text = EXECUTION_REPORT
            .replace(r#""x": "NEW""#, r#""x": "CANCELED""#)
            .replace(r#""X": "NEW""#, r#""X": "CANCELED""#)
            .replace(r#""C": """#, r#""C": "origId""#);
        let (_, event) = user(&text);
        let UserDataEvent::ExecutionReport(r) = event else {
            panic!()
        };
        assert_eq!(r.order.status, OrderStatus::Cancelled);
        assert_eq!(r.order.client_id.as_deref(), Some("origId"));
        assert_eq!(r.client_order_id, "mUvoqJxFIILMdfAW5iGSOW");
    }

    #[test]
    fn documented_account_update_is_balances() {
        // user-data-stream.md "Account Update" (comments stripped).
        let text = r#"{
    "subscriptionId": 0,
    "event": {
        "e": "outboundAccountPosition",
        "E": 1564034571105,
        "u": 1564034571073,
        "B": [
            {
                "a": "ETH",
                "f": "10000.000000",
                "l": "0.000000"
            }
        ]
    }
}"#;
        let (_, event) = user(text);
        let UserDataEvent::AccountPosition(p) = &event else {
            panic!()
        };
        assert_eq!(p.event_time, 1_564_034_571_105);
        assert_eq!(p.last_update_time, 1_564_034_571_073);
        assert_eq!(
            event.balances().unwrap(),
            &[Balance {
                venue: Venue::Binance,
                asset: "ETH".into(),
                free: Decimal::new(10_000_000_000, 6),
                locked: Decimal::new(0, 6),
                total: Decimal::new(10_000_000_000, 6),
                time: Some(1_564_034_571_073),
            }]
        );
    }

    #[test]
    fn documented_balance_update_lock_update_and_termination() {
        // user-data-stream.md "Balance Update" — payload (comments stripped).
        let text = r#"{
    "subscriptionId": 0,
    "event": {
        "e": "balanceUpdate",
        "E": 1573200697110,
        "a": "BTC",
        "d": "100.00000000",
        "T": 1573200697068
    }
}"#;
        assert_eq!(
            user(text).1,
            UserDataEvent::BalanceUpdate(BalanceDelta {
                event_time: 1_573_200_697_110,
                asset: "BTC".into(),
                delta: Decimal::new(10_000_000_000, 8),
                time: 1_573_200_697_068,
            })
        );
        // user-data-stream.md "External Lock Update" — payload (comments stripped).
        let text = r#"{
    "subscriptionId": 0,
    "event": {
        "e": "externalLockUpdate",
        "E": 1581557507324,
        "a": "NEO",
        "d": "10.00000000",
        "T": 1581557507268
    }
}"#;
        let UserDataEvent::ExternalLockUpdate(d) = user(text).1 else {
            panic!()
        };
        assert_eq!((d.asset.as_str(), d.time), ("NEO", 1_581_557_507_268));
        // user-data-stream.md "Event Stream Terminated" — payload (comments stripped).
        let text = r#"{
    "subscriptionId": 0,
    "event": {
        "e": "eventStreamTerminated",
        "E": 1728973001334
    }
}"#;
        assert_eq!(
            user(text).1,
            UserDataEvent::EventStreamTerminated {
                event_time: 1_728_973_001_334
            }
        );
    }

    #[test]
    fn undecoded_event_types_are_kept_by_name() {
        // user-data-stream.md "Order Update" — `listStatus` payload (comments stripped).
        let text = r#"{
    "subscriptionId": 0,
    "event": {
        "e": "listStatus",
        "E": 1564035303637,
        "s": "ETHBTC",
        "g": 2,
        "c": "OCO",
        "l": "EXEC_STARTED",
        "L": "EXECUTING",
        "r": "NONE",
        "C": "F4QN4G8DlFATFlIUQ0cjdD",
        "T": 1564035303625,
        "O": [
            {
                "s": "ETHBTC",
                "i": 17,
                "c": "AJYsMjErWJesZvqlJCTUgL"
            },
            {
                "s": "ETHBTC",
                "i": 18,
                "c": "bfYPSQdLoqAJeNrOr9adzq"
            }
        ]
    }
}"#;
        assert_eq!(
            user(text).1,
            UserDataEvent::Other {
                event_type: "listStatus".into()
            }
        );
        let e = parse_event(r#"{"e":"balanceUpdate","E":1}"#).unwrap_err();
        assert!(e.contains("balanceUpdate"), "{e}");
    }
}
