//! [`BinanceMessage`]: every frame of Binance's public market streams, and its
//! [`WsMessage`] codec (design notes on [`BinanceMessage`]).
//!
//! Payloads: <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams>
//! (`web-socket-streams.md` in `binance/binance-spot-api-docs`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use tradewire_core::{BookUpdate, Candle, Decimal, MarketEvent, Symbol, Ticker, Trade};
use tradewire_websockets::{DecodeError, Frame, WsMessage};

use crate::normalize;
use crate::public::websocket::subscribe::StreamRequest;
use crate::streams::{Channel, RollingWindow, StreamName, parse_interval};
use crate::wire::{
    Probe, RawAggTrade, RawAvgPrice, RawBlockTrade, RawBookTicker, RawCombined, RawControl,
    RawDepth, RawDepthUpdate, RawKline, RawMiniTicker, RawReferencePrice, RawResult,
    RawRollingTicker, RawShutdown, RawTicker, RawTrade,
};

/// A `trade` event: one trade. Normalized as [`MarketEvent::Trade`].
#[derive(Debug, Clone, PartialEq)]
pub struct TradeEvent {
    /// The normalized trade (`id` = `t`, `time` = trade time `T`, `side` = taker side).
    pub trade: Trade,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// Trade id `t`.
    pub trade_id: u64,
    /// `m`: whether the buyer was the maker (then the taker sold).
    pub is_buyer_maker: bool,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// An `aggTrade` event: trades of one taker order at one price. Normalized as
/// [`MarketEvent::Trade`] with the aggregate trade id as `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct AggTradeEvent {
    /// The normalized trade (`id` = aggregate id `a`, `time` = `T`, `side` = taker side).
    pub trade: Trade,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// Aggregate trade id `a`.
    pub agg_trade_id: u64,
    /// First trade id `f`.
    pub first_trade_id: u64,
    /// Last trade id `l`.
    pub last_trade_id: u64,
    /// `m`: whether the buyer was the maker.
    pub is_buyer_maker: bool,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// A `blockTrade` event. Not turned into a [`MarketEvent`]: block trades are negotiated
/// off-book (no aggressor) and their ids are a separate sequence from `trade` ids.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockTradeEvent {
    /// The trade in core form (`id` = block trade id, `side` from `m` as for other trades).
    pub trade: Trade,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// Block trade id `t`.
    pub block_trade_id: u64,
    /// `m`: whether the buyer was the maker.
    pub is_buyer_maker: bool,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// A `kline` event. Normalized as [`MarketEvent::Candle`].
#[derive(Debug, Clone, PartialEq)]
pub struct KlineEvent {
    /// The normalized candle (`closed` = `x`, `quote_volume` = `q`, `trades` = `n`).
    pub candle: Candle,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// First trade id `f` (`-1` when the interval has no trade yet).
    pub first_trade_id: i64,
    /// Last trade id `L` (`-1` when the interval has no trade yet).
    pub last_trade_id: i64,
    /// Taker buy base asset volume `V`.
    pub taker_buy_base_volume: Decimal,
    /// Taker buy quote asset volume `Q`.
    pub taker_buy_quote_volume: Decimal,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// A `depthUpdate` event (diff depth). Normalized as a [`MarketEvent::Book`] delta with
/// `first_seq` = `U`, `last_seq` = `u`; apply it to an
/// [`OrderBook`](tradewire_core::OrderBook) with
/// [`SequenceRule::BinanceSpot`](tradewire_core::SequenceRule::BinanceSpot).
#[derive(Debug, Clone, PartialEq)]
pub struct DepthUpdateEvent {
    /// The normalized delta.
    pub book: BookUpdate,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// First update id in the event, `U`.
    pub first_update_id: u64,
    /// Final update id in the event, `u`.
    pub final_update_id: u64,
    /// The stream's channel (tells `@100ms` from 1000 ms), when the frame came through a
    /// combined stream.
    pub channel: Option<Channel>,
}

/// A partial book depth payload (`<symbol>@depth<levels>[@100ms]`): the top levels, with no
/// event type and no symbol. Normalized as a [`MarketEvent::Book`] snapshot with `last_seq`
/// = `lastUpdateId`.
///
/// The symbol comes from the stream name of a combined stream. A raw stream's payload does not
/// name it: `book.venue_symbol` is then empty and `book.symbol` `None` — set them from the
/// subscription with [`PartialDepthEvent::set_venue_symbol`].
#[derive(Debug, Clone, PartialEq)]
pub struct PartialDepthEvent {
    /// The normalized snapshot.
    pub book: BookUpdate,
    /// `lastUpdateId`.
    pub last_update_id: u64,
    /// The stream's channel (levels and speed), when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

impl PartialDepthEvent {
    /// Sets the instrument (for raw-stream frames, whose payload does not name it).
    pub fn set_venue_symbol(&mut self, venue_symbol: &str) {
        self.book.venue_symbol = venue_symbol.to_ascii_uppercase();
        self.book.symbol = crate::symbols::resolve_cached(&self.book.venue_symbol);
    }
}

/// A `bookTicker` payload (no event type, no event time): best bid and ask. Normalized as a
/// [`MarketEvent::Ticker`] with only `bid`, `bid_amount`, `ask`, `ask_amount`.
#[derive(Debug, Clone, PartialEq)]
pub struct BookTickerEvent {
    /// The normalized ticker.
    pub ticker: Ticker,
    /// Order book update id `u`.
    pub update_id: u64,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// A `24hrTicker` event. Normalized as a full [`MarketEvent::Ticker`].
#[derive(Debug, Clone, PartialEq)]
pub struct TickerEvent {
    /// The normalized ticker (`last` = `c`, `open_24h` = `o`, `volume_24h` = `v`,
    /// `quote_volume_24h` = `q`, `time` = `E`).
    pub ticker: Ticker,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// Price change `p`.
    pub price_change: Decimal,
    /// Price change percent `P`.
    pub price_change_percent: Decimal,
    /// Weighted average price `w`.
    pub weighted_avg_price: Decimal,
    /// `x`: price of the last trade before the 24-hour window.
    pub first_trade_price: Decimal,
    /// Last quantity `Q`.
    pub last_qty: Decimal,
    /// Statistics open time `O`, UTC ms.
    pub stats_open_time: i64,
    /// Statistics close time `C`, UTC ms.
    pub stats_close_time: i64,
    /// First trade id `F` (`-1` when none).
    pub first_trade_id: i64,
    /// Last trade id `L` (`-1` when none).
    pub last_trade_id: i64,
    /// Number of trades `n`.
    pub trade_count: u64,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// A `24hrMiniTicker` event. Normalized as a [`MarketEvent::Ticker`] with `last`, the 24-hour
/// open/high/low and volumes.
#[derive(Debug, Clone, PartialEq)]
pub struct MiniTickerEvent {
    /// The normalized ticker.
    pub ticker: Ticker,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// A rolling-window statistics event (`1hTicker`, `4hTicker`, `1dTicker`). Normalized as a
/// [`MarketEvent::Ticker`]: with the 24-hour fields for the `1d` window, with only `last` and
/// `time` for `1h` and `4h` (their statistics are not 24-hour ones; they are kept here).
#[derive(Debug, Clone, PartialEq)]
pub struct RollingTickerEvent {
    /// The normalized ticker.
    pub ticker: Ticker,
    /// The window.
    pub window: RollingWindow,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// Price change `p`.
    pub price_change: Decimal,
    /// Price change percent `P`.
    pub price_change_percent: Decimal,
    /// Open price `o`.
    pub open: Decimal,
    /// High price `h`.
    pub high: Decimal,
    /// Low price `l`.
    pub low: Decimal,
    /// Last price `c`.
    pub last: Decimal,
    /// Weighted average price `w`.
    pub weighted_avg_price: Decimal,
    /// Base asset volume `v`.
    pub volume: Decimal,
    /// Quote asset volume `q`.
    pub quote_volume: Decimal,
    /// Statistics open time `O`, UTC ms.
    pub stats_open_time: i64,
    /// Statistics close time `C`, UTC ms.
    pub stats_close_time: i64,
    /// First trade id `F`.
    pub first_trade_id: i64,
    /// Last trade id `L`.
    pub last_trade_id: i64,
    /// Number of trades `n`.
    pub trade_count: u64,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// An `avgPrice` event (no core model: not turned into a [`MarketEvent`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AvgPriceEvent {
    /// Symbol `s`.
    pub venue_symbol: String,
    /// The canonical symbol, when mapped.
    pub symbol: Option<Symbol>,
    /// Event time `E`, UTC ms.
    pub event_time: i64,
    /// Averaging interval `i` (e.g. `"5m"`).
    pub interval: String,
    /// Average price `w`.
    pub price: Decimal,
    /// Last trade time `T`, UTC ms.
    pub last_trade_time: i64,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// A `referencePrice` event (no core model: not turned into a [`MarketEvent`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ReferencePriceEvent {
    /// Symbol `s`.
    pub venue_symbol: String,
    /// The canonical symbol, when mapped.
    pub symbol: Option<Symbol>,
    /// Reference price `r` (`None` when Binance sends `null`).
    pub price: Option<Decimal>,
    /// Engine time `t` at which the price was valid, UTC ms.
    pub time: i64,
    /// The stream's channel, when the frame came through a combined stream.
    pub channel: Option<Channel>,
}

/// A request id: Binance accepts a 64-bit signed integer, an alphanumeric string (at most 36
/// characters) or `null` (then `Option::None`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequestId {
    /// An integer id (tradewire's clients use sequential ones).
    Number(i64),
    /// A string id (the WebSocket API examples use UUIDs).
    Text(String),
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::Text(s) => f.write_str(s),
        }
    }
}

impl From<i64> for RequestId {
    fn from(n: i64) -> Self {
        RequestId::Number(n)
    }
}

impl From<&str> for RequestId {
    fn from(s: &str) -> Self {
        RequestId::Text(s.to_owned())
    }
}

impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RequestId::Number(n) => s.serialize_i64(*n),
            RequestId::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for RequestId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;

        impl Visitor<'_> for IdVisitor {
            type Value = RequestId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or string request id")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RequestId, E> {
                Ok(RequestId::Number(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RequestId, E> {
                i64::try_from(v)
                    .map(RequestId::Number)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RequestId, E> {
                Ok(RequestId::Text(v.to_owned()))
            }
        }

        d.deserialize_any(IdVisitor)
    }
}

/// The `result` of a successful control reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamResult {
    /// `null`: a `SUBSCRIBE`, `UNSUBSCRIBE` or `SET_PROPERTY` succeeded.
    Ok,
    /// The active streams, answering `LIST_SUBSCRIPTIONS`.
    Subscriptions(Vec<String>),
    /// A property's value, answering `GET_PROPERTY` (`combined`).
    Property(bool),
}

/// A successful control reply `{"result":…,"id":…}` (section "Live Subscribing/Unsubscribing
/// to streams").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamResponse {
    /// The id of the request answered.
    pub id: Option<RequestId>,
    /// What it returned.
    pub result: StreamResult,
}

/// An error reply `{"code":…,"msg":…,"id":…}` (section "Error Messages"; some carry no id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    /// Binance's code (0 unknown property, 1 invalid value type, 2 invalid request, 3 invalid
    /// JSON).
    pub code: i64,
    /// Binance's message, verbatim.
    pub msg: String,
    /// The id of the request, when the reply names it.
    pub id: Option<RequestId>,
}

/// One frame of Binance's public market streams (raw or combined), or a control request.
/// [`into_market_events`](Self::into_market_events) yields the normalized events.
///
/// # Design
///
/// Each market variant holds a venue event struct that embeds the normalized tradewire-core
/// model (`trade`, `candle`, `book`, `ticker`) **and** the Binance fields the model has no
/// room for (event time `E`, trade ids, `is_buyer_maker`, update ids, taker-buy volumes, …),
/// plus the stream's [`Channel`] when the frame came through a combined stream. The model is
/// built while decoding, so decode + normalize is one pass over the borrowed text:
///
/// 1. a few-byte scan of the frame prefix finds the first key (Binance writes `"e"` first;
///    combined frames start with `"stream"`, `bookTicker` with `"u"`, partial depth with
///    `"lastUpdateId"`, control replies with `"result"`/`"id"`/`"code"`) and, for `"e"`, the
///    event type;
/// 2. the payload is deserialized once into the borrowed wire struct of that type (no
///    `serde_json::Value`, decimals parsed from the borrowed text with their scale kept);
/// 3. the core model is assembled from it (symbols resolved through a per-thread memo of the
///    global [`SymbolMap`](crate::SymbolMap)).
///
/// Frames laid out differently (keys reordered, whitespace in a combined wrapper) take a
/// slower but complete path (a key probe, then the same typed parse). Unknown event types and
/// malformed frames are [`DecodeError`]s naming the problem; decoding never panics.
///
/// ```
/// use tradewire_binance::BinanceMessage;
/// use tradewire_core::{MarketEvent, Side};
///
/// // web-socket-streams.md, "Trade Streams"
/// let frame = r#"{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}"#;
/// let Some(BinanceMessage::Trade(t)) = BinanceMessage::decode_str(frame)? else { panic!() };
/// assert_eq!((t.event_time, t.trade_id, t.is_buyer_maker), (1672515782136, 12345, true));
/// assert_eq!(t.trade.side, Side::Sell); // the buyer was the maker: the taker sold
/// assert_eq!(t.trade.symbol.as_ref().map(|s| s.as_str()), Some("BNB/BTC"));
///
/// let events: Vec<MarketEvent> = BinanceMessage::decode_str(frame)?.unwrap().into_market_events().collect();
/// assert_eq!(
///     serde_json::to_string(&events[0])?,
///     r#"{"type":"trade","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","id":"12345","price":"0.001","amount":"100","side":"sell","time":1672515782136}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BinanceMessage {
    /// `trade`.
    Trade(TradeEvent),
    /// `aggTrade`.
    AggTrade(AggTradeEvent),
    /// `blockTrade` (no normalized event).
    BlockTrade(BlockTradeEvent),
    /// `kline`.
    Kline(KlineEvent),
    /// `depthUpdate` (diff depth).
    DepthUpdate(DepthUpdateEvent),
    /// Partial book depth (`depth5`/`depth10`/`depth20`).
    PartialDepth(PartialDepthEvent),
    /// `bookTicker`.
    BookTicker(BookTickerEvent),
    /// `24hrTicker` (boxed: at most one per second per symbol, and the largest event, so the
    /// frequent variants stay small to move).
    Ticker(Box<TickerEvent>),
    /// `24hrMiniTicker`.
    MiniTicker(MiniTickerEvent),
    /// `1hTicker`, `4hTicker`, `1dTicker` (boxed, like [`Ticker`](Self::Ticker)).
    RollingTicker(Box<RollingTickerEvent>),
    /// `avgPrice` (no normalized event).
    AvgPrice(AvgPriceEvent),
    /// `referencePrice` (no normalized event).
    ReferencePrice(ReferencePriceEvent),
    /// An array of `24hrTicker` events (`!ticker@arr`, retired by Binance but still decoded).
    Tickers(Vec<TickerEvent>),
    /// `!miniTicker@arr`: the mini tickers that changed.
    MiniTickers(Vec<MiniTickerEvent>),
    /// `!ticker_<window>@arr`: the rolling-window tickers that changed.
    RollingTickers(Vec<RollingTickerEvent>),
    /// `serverShutdown`: the server is about to close the connection; reconnect.
    ServerShutdown {
        /// Event time `E`, UTC ms.
        event_time: i64,
    },
    /// A successful control reply.
    Response(StreamResponse),
    /// An error reply.
    Error(StreamError),
    /// An outbound control request (`SUBSCRIBE`, …). Only this variant is meant to be sent;
    /// see [`WsMessage::encode`](#impl-WsMessage-for-BinanceMessage).
    Request(StreamRequest),
}

/// The normalized events of one [`BinanceMessage`] (none, one, or one per array element).
#[derive(Debug)]
pub struct MarketEvents(EventsInner);

// `One` is the common case and stays on the stack: boxing it would cost an allocation per
// message to save a few bytes in a short-lived iterator.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum EventsInner {
    One(Option<MarketEvent>),
    Many(std::vec::IntoIter<MarketEvent>),
}

impl Iterator for MarketEvents {
    type Item = MarketEvent;

    #[inline]
    fn next(&mut self) -> Option<MarketEvent> {
        match &mut self.0 {
            EventsInner::One(e) => e.take(),
            EventsInner::Many(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            EventsInner::One(e) => {
                let n = usize::from(e.is_some());
                (n, Some(n))
            }
            EventsInner::Many(it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for MarketEvents {}

impl BinanceMessage {
    /// Decodes one text frame (raw or combined stream, or a control reply). `Ok(None)` for
    /// an empty all-market array (nothing changed).
    #[inline]
    pub fn decode_str(text: &str) -> Result<Option<BinanceMessage>, DecodeError> {
        decode_payload(text, text, None)
    }

    /// The Binance name of the message: the event type (`"trade"`, `"depthUpdate"`, …),
    /// `"partialDepth"`, `"bookTicker"`, `"response"`, `"error"` or `"request"`.
    pub fn kind(&self) -> &'static str {
        match self {
            BinanceMessage::Trade(_) => "trade",
            BinanceMessage::AggTrade(_) => "aggTrade",
            BinanceMessage::BlockTrade(_) => "blockTrade",
            BinanceMessage::Kline(_) => "kline",
            BinanceMessage::DepthUpdate(_) => "depthUpdate",
            BinanceMessage::PartialDepth(_) => "partialDepth",
            BinanceMessage::BookTicker(_) => "bookTicker",
            BinanceMessage::Ticker(_) | BinanceMessage::Tickers(_) => "24hrTicker",
            BinanceMessage::MiniTicker(_) | BinanceMessage::MiniTickers(_) => "24hrMiniTicker",
            BinanceMessage::RollingTicker(e) => rolling_event_type(e.window),
            BinanceMessage::RollingTickers(v) => v
                .first()
                .map_or("1hTicker", |e| rolling_event_type(e.window)),
            BinanceMessage::AvgPrice(_) => "avgPrice",
            BinanceMessage::ReferencePrice(_) => "referencePrice",
            BinanceMessage::ServerShutdown { .. } => "serverShutdown",
            BinanceMessage::Response(_) => "response",
            BinanceMessage::Error(_) => "error",
            BinanceMessage::Request(_) => "request",
        }
    }

    /// The normalized events, consuming the message (no clone): trades, candles, books and
    /// tickers; nothing for block trades, average/reference prices, shutdown notices, control
    /// replies and requests.
    #[inline]
    pub fn into_market_events(self) -> MarketEvents {
        let one = |e: MarketEvent| MarketEvents(EventsInner::One(Some(e)));
        let many = |v: Vec<MarketEvent>| MarketEvents(EventsInner::Many(v.into_iter()));
        match self {
            BinanceMessage::Trade(e) => one(MarketEvent::Trade(e.trade)),
            BinanceMessage::AggTrade(e) => one(MarketEvent::Trade(e.trade)),
            BinanceMessage::Kline(e) => one(MarketEvent::Candle(e.candle)),
            BinanceMessage::DepthUpdate(e) => one(MarketEvent::Book(e.book)),
            BinanceMessage::PartialDepth(e) => one(MarketEvent::Book(e.book)),
            BinanceMessage::BookTicker(e) => one(MarketEvent::Ticker(e.ticker)),
            BinanceMessage::Ticker(e) => one(MarketEvent::Ticker(e.ticker)),
            BinanceMessage::MiniTicker(e) => one(MarketEvent::Ticker(e.ticker)),
            BinanceMessage::RollingTicker(e) => one(MarketEvent::Ticker(e.ticker)),
            BinanceMessage::Tickers(v) => many(
                v.into_iter()
                    .map(|e| MarketEvent::Ticker(e.ticker))
                    .collect(),
            ),
            BinanceMessage::MiniTickers(v) => many(
                v.into_iter()
                    .map(|e| MarketEvent::Ticker(e.ticker))
                    .collect(),
            ),
            BinanceMessage::RollingTickers(v) => many(
                v.into_iter()
                    .map(|e| MarketEvent::Ticker(e.ticker))
                    .collect(),
            ),
            BinanceMessage::BlockTrade(_)
            | BinanceMessage::AvgPrice(_)
            | BinanceMessage::ReferencePrice(_)
            | BinanceMessage::ServerShutdown { .. }
            | BinanceMessage::Response(_)
            | BinanceMessage::Error(_)
            | BinanceMessage::Request(_) => MarketEvents(EventsInner::One(None)),
        }
    }

    /// The normalized events of a borrowed message (clones them); see
    /// [`into_market_events`](Self::into_market_events).
    pub fn market_events(&self) -> MarketEvents {
        self.clone().into_market_events()
    }
}

fn rolling_event_type(window: RollingWindow) -> &'static str {
    match window {
        RollingWindow::H1 => "1hTicker",
        RollingWindow::H4 => "4hTicker",
        RollingWindow::D1 => "1dTicker",
    }
}

/// The codec for Binance's public stream connections.
impl WsMessage for BinanceMessage {
    /// Encodes a [`BinanceMessage::Request`] as its JSON text. Every other variant is inbound
    /// only and encodes as an empty text frame, which nothing sends.
    fn encode(&self) -> Frame {
        match self {
            BinanceMessage::Request(r) => Frame::text(r.to_json()),
            _ => Frame::text(""),
        }
    }

    #[inline]
    fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError> {
        match frame.as_text() {
            Some(text) => Self::decode_str(text),
            None => Err(DecodeError::new(
                "binary frame on a Binance JSON stream",
                frame,
            )),
        }
    }

    /// Market data only: (kind, symbol, the venue's own id). Trades by trade id, depth by
    /// first and final update ids `U`/`u`, book tickers by `u`, klines by interval, open time
    /// and event time `E` (the closing update of one candle and the first of the next can
    /// share `E`), tickers by event time `E`.
    fn dedupe_key(&self) -> Option<u64> {
        let key = |tag: u8, symbol: &str, a: u64, b: u64| {
            let mut h = Fnv::new(tag);
            h.bytes(symbol.as_bytes());
            h.u64(a);
            h.u64(b);
            Some(h.0)
        };
        match self {
            BinanceMessage::Trade(e) => key(1, &e.trade.venue_symbol, e.trade_id, 0),
            BinanceMessage::AggTrade(e) => key(2, &e.trade.venue_symbol, e.agg_trade_id, 0),
            BinanceMessage::BlockTrade(e) => key(3, &e.trade.venue_symbol, e.block_trade_id, 0),
            BinanceMessage::Kline(e) => key(
                4,
                &e.candle.venue_symbol,
                e.event_time as u64,
                (e.candle.open_time as u64).rotate_left(8) ^ e.candle.timeframe as u64,
            ),
            BinanceMessage::DepthUpdate(e) => key(
                5,
                &e.book.venue_symbol,
                e.final_update_id,
                e.first_update_id,
            ),
            BinanceMessage::PartialDepth(e) => key(
                6,
                &e.book.venue_symbol,
                e.last_update_id,
                e.book.bids.len() as u64,
            ),
            BinanceMessage::BookTicker(e) => key(7, &e.ticker.venue_symbol, e.update_id, 0),
            BinanceMessage::Ticker(e) => key(8, &e.ticker.venue_symbol, e.event_time as u64, 0),
            BinanceMessage::MiniTicker(e) => key(9, &e.ticker.venue_symbol, e.event_time as u64, 0),
            BinanceMessage::RollingTicker(e) => key(
                10,
                &e.ticker.venue_symbol,
                e.event_time as u64,
                e.window as u64,
            ),
            BinanceMessage::AvgPrice(e) => key(11, &e.venue_symbol, e.event_time as u64, 0),
            BinanceMessage::ReferencePrice(e) => key(12, &e.venue_symbol, e.time as u64, 0),
            BinanceMessage::Tickers(v) => v
                .first()
                .and_then(|e| key(13, "", e.event_time as u64, v.len() as u64)),
            BinanceMessage::MiniTickers(v) => v
                .first()
                .and_then(|e| key(14, "", e.event_time as u64, v.len() as u64)),
            BinanceMessage::RollingTickers(v) => v
                .first()
                .and_then(|e| key(15, "", e.event_time as u64, v.len() as u64)),
            BinanceMessage::ServerShutdown { .. }
            | BinanceMessage::Response(_)
            | BinanceMessage::Error(_)
            | BinanceMessage::Request(_) => None,
        }
    }
}

/// FNV-1a, 64-bit.
struct Fnv(u64);

impl Fnv {
    fn new(tag: u8) -> Self {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.bytes(&[tag]);
        h
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn u64(&mut self, n: u64) {
        self.bytes(&n.to_le_bytes());
    }
}

// ---------------------------------------------------------------------------------------------
// Dispatch.

/// What the first bytes of a payload say.
enum Head<'a> {
    /// An object whose first key is `key`; `value` is the first value when it is a string
    /// without escapes, and `value_end` the index just after it.
    Object {
        key: &'a str,
        value: Option<&'a str>,
        value_end: usize,
    },
    /// An array; `first` is the index of its first non-blank byte after `[`.
    Array { first: usize },
    /// Anything else (including keys with escapes): use the probe.
    Other,
}

#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(i) {
        i += 1;
    }
    i
}

/// The JSON string starting at `start` (its opening quote) when it has no escapes: its content
/// and the index after its closing quote.
#[inline]
fn plain_string(s: &str, start: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    if b.get(start) != Some(&b'"') {
        return None;
    }
    let body = start + 1;
    let len = b
        .get(body..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\')?;
    if b[body + len] != b'"' {
        return None;
    }
    // Both ends are ASCII quotes: char boundaries.
    Some((s.get(body..body + len)?, body + len + 1))
}

/// The start of `s` up to the first `"`, when no `\\` comes before it: the rest of a JSON
/// string whose opening quote was just consumed, and its length in bytes.
#[inline]
fn plain_prefix(s: &str) -> Option<(&str, usize)> {
    let end = s.bytes().position(|b| b == b'"' || b == b'\\')?;
    if s.as_bytes().get(end) != Some(&b'"') {
        return None;
    }
    s.get(..end).map(|v| (v, end))
}

#[inline]
fn head(s: &str) -> Head<'_> {
    let b = s.as_bytes();
    let i = skip_ws(b, 0);
    match b.get(i) {
        Some(b'{') => {
            let i = skip_ws(b, i + 1);
            let Some((key, after)) = plain_string(s, i) else {
                return Head::Other;
            };
            let j = skip_ws(b, after);
            if b.get(j) != Some(&b':') {
                return Head::Other;
            }
            let j = skip_ws(b, j + 1);
            match plain_string(s, j) {
                Some((value, end)) => Head::Object {
                    key,
                    value: Some(value),
                    value_end: end,
                },
                None => Head::Object {
                    key,
                    value: None,
                    value_end: j,
                },
            }
        }
        Some(b'[') => Head::Array {
            first: skip_ws(b, i + 1),
        },
        _ => Head::Other,
    }
}

type Decoded = Result<Option<BinanceMessage>, DecodeError>;

/// A decode error about `frame` (the whole frame, for the excerpt).
#[cold]
#[inline(never)]
fn fail(frame: &str, message: impl fmt::Display) -> DecodeError {
    DecodeError::from_text(message, frame)
}

#[inline]
fn parse<'a, T: Deserialize<'a>>(
    frame: &str,
    payload: &'a str,
    what: &str,
) -> Result<T, DecodeError> {
    serde_json::from_str(payload)
        .map_err(|e| fail(frame, format_args!("invalid Binance {what}: {e}")))
}

/// The symbol part and channel of a combined stream's name.
#[inline]
fn stream_parts(stream: Option<&str>) -> (Option<&str>, Option<Channel>) {
    match stream.and_then(StreamName::split) {
        Some((symbol, channel)) => (Some(symbol), Some(channel)),
        None => (None, None),
    }
}

/// How Binance starts a combined-stream frame.
const COMBINED_PREFIX: &str = "{\"stream\":\"";

/// Decodes `payload` (the whole `frame`, or the `data` of a combined frame named `stream`).
#[inline]
fn decode_payload(frame: &str, payload: &str, stream: Option<&str>) -> Decoded {
    // Binance's own compact layouts are recognised by their first bytes.
    if let Some(rest) = payload.strip_prefix("{\"e\":\"") {
        // `{"e":"<type>",…`: no scan beyond the event type.
        if let Some((event_type, _)) = plain_prefix(rest) {
            return decode_event(frame, event_type, payload, stream);
        }
    } else if payload.starts_with("{\"u\":") {
        return decode_book_ticker(frame, payload, stream);
    } else if let (Some(rest), None) = (payload.strip_prefix(COMBINED_PREFIX), stream) {
        if let Some((name, len)) = plain_prefix(rest) {
            // The name's closing quote ends at prefix + name + 1.
            return decode_combined(frame, payload, name, COMBINED_PREFIX.len() + len + 1);
        }
    }
    match head(payload) {
        Head::Object {
            key: "e",
            value: Some(event_type),
            ..
        } => decode_event(frame, event_type, payload, stream),
        Head::Object {
            key: "stream",
            value: Some(name),
            value_end,
        } if stream.is_none() => decode_combined(frame, payload, name, value_end),
        Head::Object { key: "u", .. } => decode_book_ticker(frame, payload, stream),
        Head::Object {
            key: "lastUpdateId",
            ..
        } => decode_partial_depth(frame, payload, stream),
        Head::Object {
            key: "result" | "id" | "code" | "error",
            ..
        } => decode_control(frame, payload),
        Head::Array { first } => decode_array(frame, payload, first, stream),
        Head::Object { .. } | Head::Other => decode_probed(frame, payload, stream),
    }
}

/// `{"stream":"<name>","data":<payload>}`: the payload is sliced out without re-parsing when
/// the wrapper has Binance's compact layout, otherwise found by a full parse.
fn decode_combined(frame: &str, wrapper: &str, name: &str, value_end: usize) -> Decoded {
    const DATA: &str = ",\"data\":";
    let fast = wrapper
        .get(value_end..)
        .and_then(|rest| rest.strip_prefix(DATA))
        .and_then(|rest| rest.trim_end().strip_suffix('}'));
    if let Some(inner) = fast {
        if let Ok(decoded) = decode_payload(frame, inner, Some(name)) {
            return Ok(decoded);
        }
    }
    let raw: RawCombined<'_> = parse(frame, wrapper, "combined stream frame")?;
    decode_payload(frame, raw.data.get(), Some(&raw.stream))
}

#[inline]
fn decode_event(frame: &str, event_type: &str, payload: &str, stream: Option<&str>) -> Decoded {
    let (_, channel) = stream_parts(stream);
    match event_type {
        "trade" => {
            let raw: RawTrade<'_> = parse(frame, payload, "trade")?;
            Ok(Some(BinanceMessage::Trade(normalize::trade(raw, channel))))
        }
        "aggTrade" => {
            let raw: RawAggTrade<'_> = parse(frame, payload, "aggTrade")?;
            Ok(Some(BinanceMessage::AggTrade(normalize::agg_trade(
                raw, channel,
            ))))
        }
        "depthUpdate" => {
            let raw: RawDepthUpdate<'_> = parse(frame, payload, "depthUpdate")?;
            Ok(Some(BinanceMessage::DepthUpdate(normalize::depth_update(
                raw, channel,
            ))))
        }
        "kline" => {
            let raw: RawKline<'_> = parse(frame, payload, "kline")?;
            let Some(timeframe) = parse_interval(&raw.k.interval) else {
                return Err(fail(
                    frame,
                    format_args!("unknown Binance kline interval {:?}", raw.k.interval),
                ));
            };
            Ok(Some(BinanceMessage::Kline(normalize::kline(
                raw, timeframe, channel,
            ))))
        }
        "24hrTicker" => {
            let raw: RawTicker<'_> = parse(frame, payload, "24hrTicker")?;
            Ok(Some(BinanceMessage::Ticker(Box::new(normalize::ticker(
                raw, channel,
            )))))
        }
        "24hrMiniTicker" => {
            let raw: RawMiniTicker<'_> = parse(frame, payload, "24hrMiniTicker")?;
            Ok(Some(BinanceMessage::MiniTicker(normalize::mini_ticker(
                raw, channel,
            ))))
        }
        "1hTicker" | "4hTicker" | "1dTicker" => {
            let raw: RawRollingTicker<'_> = parse(frame, payload, event_type)?;
            let window = rolling_window(frame, &raw.event_type)?;
            Ok(Some(BinanceMessage::RollingTicker(Box::new(
                normalize::rolling_ticker(raw, window, channel),
            ))))
        }
        "avgPrice" => {
            let raw: RawAvgPrice<'_> = parse(frame, payload, "avgPrice")?;
            Ok(Some(BinanceMessage::AvgPrice(normalize::avg_price(
                raw, channel,
            ))))
        }
        "blockTrade" => {
            let raw: RawBlockTrade<'_> = parse(frame, payload, "blockTrade")?;
            Ok(Some(BinanceMessage::BlockTrade(normalize::block_trade(
                raw, channel,
            ))))
        }
        "referencePrice" => {
            let raw: RawReferencePrice<'_> = parse(frame, payload, "referencePrice")?;
            Ok(Some(BinanceMessage::ReferencePrice(
                normalize::reference_price(raw, channel),
            )))
        }
        "serverShutdown" => {
            let raw: RawShutdown = parse(frame, payload, "serverShutdown")?;
            Ok(Some(BinanceMessage::ServerShutdown {
                event_time: raw.event_time,
            }))
        }
        other => Err(fail(
            frame,
            format_args!("unknown Binance event type {other:?}"),
        )),
    }
}

fn rolling_window(frame: &str, event_type: &str) -> Result<RollingWindow, DecodeError> {
    event_type
        .strip_suffix("Ticker")
        .and_then(RollingWindow::parse)
        .ok_or_else(|| {
            fail(
                frame,
                format_args!("unknown Binance event type {event_type:?}"),
            )
        })
}

#[inline]
fn decode_book_ticker(frame: &str, payload: &str, stream: Option<&str>) -> Decoded {
    let (_, channel) = stream_parts(stream);
    let raw: RawBookTicker<'_> = parse(frame, payload, "bookTicker")?;
    Ok(Some(BinanceMessage::BookTicker(normalize::book_ticker(
        raw, channel,
    ))))
}

fn decode_partial_depth(frame: &str, payload: &str, stream: Option<&str>) -> Decoded {
    let (symbol, channel) = stream_parts(stream);
    let raw: RawDepth = parse(frame, payload, "partial depth")?;
    let venue_symbol = symbol.map(str::to_ascii_uppercase).unwrap_or_default();
    Ok(Some(BinanceMessage::PartialDepth(
        normalize::partial_depth(raw, &venue_symbol, channel),
    )))
}

fn decode_control(frame: &str, payload: &str) -> Decoded {
    let raw: RawControl<'_> = parse(frame, payload, "control reply")?;
    // Flat `{"code","msg","id"}`, or wrapped `{"error":{"code","msg"},"id"}`.
    let (code, msg) = match raw.error {
        Some(e) => (Some(e.code), e.msg),
        None => (raw.code, raw.msg),
    };
    if let Some(code) = code {
        return Ok(Some(BinanceMessage::Error(StreamError {
            code,
            msg: msg.map(Cow::into_owned).unwrap_or_default(),
            id: raw.id,
        })));
    }
    let result = match raw.result {
        RawResult::Absent => {
            return Err(fail(
                frame,
                "Binance control reply without \"result\" or \"code\"",
            ));
        }
        RawResult::Null => StreamResult::Ok,
        RawResult::List(streams) => StreamResult::Subscriptions(streams),
        RawResult::Bool(b) => StreamResult::Property(b),
    };
    Ok(Some(BinanceMessage::Response(StreamResponse {
        id: raw.id,
        result,
    })))
}

/// All-market streams: an array of events of one type.
fn decode_array(frame: &str, payload: &str, first: usize, stream: Option<&str>) -> Decoded {
    let (_, channel) = stream_parts(stream);
    let event_type: Cow<'_, str> = match payload.as_bytes().get(first) {
        Some(b']') => return Ok(None),
        _ => match payload.get(first..).map(head) {
            Some(Head::Object {
                key: "e",
                value: Some(e),
                ..
            }) => Cow::Borrowed(e),
            _ => {
                let items: Vec<&RawValue> = parse(frame, payload, "event array")?;
                let Some(item) = items.first() else {
                    return Ok(None);
                };
                let probe: Probe<'_> = parse(frame, item.get(), "event array")?;
                let Some(e) = probe.event_type else {
                    return Err(fail(
                        frame,
                        "Binance event array element without event type \"e\"",
                    ));
                };
                Cow::Owned(e.into_owned())
            }
        },
    };
    let message = match &*event_type {
        "24hrMiniTicker" => {
            let raws: Vec<RawMiniTicker<'_>> = parse(frame, payload, "24hrMiniTicker array")?;
            BinanceMessage::MiniTickers(
                raws.into_iter()
                    .map(|r| normalize::mini_ticker(r, channel))
                    .collect(),
            )
        }
        "24hrTicker" => {
            let raws: Vec<RawTicker<'_>> = parse(frame, payload, "24hrTicker array")?;
            BinanceMessage::Tickers(
                raws.into_iter()
                    .map(|r| normalize::ticker(r, channel))
                    .collect(),
            )
        }
        "1hTicker" | "4hTicker" | "1dTicker" => {
            let raws: Vec<RawRollingTicker<'_>> = parse(frame, payload, "rolling ticker array")?;
            let mut out = Vec::with_capacity(raws.len());
            for raw in raws {
                let window = rolling_window(frame, &raw.event_type)?;
                out.push(normalize::rolling_ticker(raw, window, channel));
            }
            BinanceMessage::RollingTickers(out)
        }
        other => {
            return Err(fail(
                frame,
                format_args!("unknown Binance event type {other:?} in an array"),
            ));
        }
    };
    Ok(Some(message))
}

/// Frames whose first key does not identify them: probe every key, then parse as that type.
fn decode_probed(frame: &str, payload: &str, stream: Option<&str>) -> Decoded {
    let probe: Probe<'_> = parse(frame, payload, "message")?;
    if let Some(e) = &probe.event_type {
        return decode_event(frame, e, payload, stream);
    }
    if let (Some(name), Some(data), None) = (&probe.stream, probe.data, stream) {
        return decode_payload(frame, data.get(), Some(name));
    }
    if probe.last_update_id {
        return decode_partial_depth(frame, payload, stream);
    }
    if probe.update_id {
        return decode_book_ticker(frame, payload, stream);
    }
    if probe.result || probe.code || probe.error {
        return decode_control(frame, payload);
    }
    Err(fail(
        frame,
        "unrecognized Binance message: no event type \"e\" and not a known payload",
    ))
}
