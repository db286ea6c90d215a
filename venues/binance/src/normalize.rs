//! Binance wire structs → tradewire-core models, wrapped in the venue event types that keep
//! Binance's extra fields.
//!
//! Mapping (see `docs/venues/binance.md`):
//!
//! | Binance | core | notes |
//! |---|---|---|
//! | `trade`, `aggTrade` | [`Trade`] | `id` = `t` / `a`; `side` = taker side: `m` (buyer is maker) → `sell`; `time` = `T` |
//! | `kline` | [`Candle`] | `x` → `closed`; `q` → `quote_volume`; `n` → `trades` |
//! | `depthUpdate` | [`BookUpdate`] delta | `U` → `first_seq`, `u` → `last_seq`, `E` → `time` |
//! | partial depth, REST/WS-API depth | [`BookUpdate`] snapshot | `lastUpdateId` → `last_seq` |
//! | `bookTicker` | [`Ticker`] | best bid/ask only, no time |
//! | `24hrTicker` | [`Ticker`] | bid/ask, `c` → `last`, 24h open/high/low/volumes, `E` → `time` |
//! | `24hrMiniTicker`, `1dTicker` | [`Ticker`] | `c` → `last`, 24h open/high/low/volumes |
//! | `1hTicker`, `4hTicker` | [`Ticker`] | `last` and `time` only (the window is not 24h) |

use tradewire_core::{
    BookKind, BookUpdate, Candle, Decimal, Side, Symbol, Ticker, Timeframe, Trade, Venue,
};

use crate::message::{
    AggTradeEvent, AvgPriceEvent, BlockTradeEvent, BookTickerEvent, DepthUpdateEvent, KlineEvent,
    MiniTickerEvent, PartialDepthEvent, ReferencePriceEvent, RollingTickerEvent, TickerEvent,
    TradeEvent,
};
use crate::streams::{Channel, RollingWindow};
use crate::symbols::resolve_cached;
use crate::wire::{
    RawAggTrade, RawAvgPrice, RawBookTicker, RawDepth, RawDepthUpdate, RawKline, RawMiniTicker,
    RawReferencePrice, RawRollingTicker, RawTicker, RawTrade,
};

/// The taker's side from Binance's `m` ("is the buyer the market maker?"): when the buyer
/// was the maker, the seller took liquidity.
///
/// ```
/// use tradewire_core::Side;
/// assert_eq!(tradewire_binance::taker_side(true), Side::Sell);
/// assert_eq!(tradewire_binance::taker_side(false), Side::Buy);
/// ```
#[inline]
pub const fn taker_side(buyer_is_maker: bool) -> Side {
    if buyer_is_maker {
        Side::Sell
    } else {
        Side::Buy
    }
}

/// A decimal trade id as a `String`.
#[inline]
pub(crate) fn id_string(n: u64) -> String {
    n.to_string()
}

#[inline]
fn instrument(venue_symbol: &str) -> (Option<Symbol>, String) {
    (resolve_cached(venue_symbol), venue_symbol.to_owned())
}

/// The core trade of a trade-like event (`trade`, `aggTrade`, `blockTrade`): the taker side
/// from `m` (buyer is maker → the taker sold).
#[inline]
fn core_trade(
    venue_symbol: &str,
    id: u64,
    price: Decimal,
    amount: Decimal,
    buyer_is_maker: bool,
    time: i64,
) -> Trade {
    let (symbol, venue_symbol) = instrument(venue_symbol);
    Trade {
        venue: Venue::Binance,
        symbol,
        venue_symbol,
        id: Some(id_string(id)),
        price,
        amount,
        side: taker_side(buyer_is_maker),
        time,
    }
}

#[inline]
pub(crate) fn trade(raw: RawTrade<'_>, channel: Option<Channel>) -> TradeEvent {
    TradeEvent {
        trade: core_trade(
            &raw.symbol,
            raw.id,
            raw.price.0,
            raw.qty.0,
            raw.buyer_is_maker,
            raw.trade_time,
        ),
        event_time: raw.event_time,
        trade_id: raw.id,
        is_buyer_maker: raw.buyer_is_maker,
        channel,
    }
}

#[inline]
pub(crate) fn agg_trade(raw: RawAggTrade<'_>, channel: Option<Channel>) -> AggTradeEvent {
    AggTradeEvent {
        trade: core_trade(
            &raw.symbol,
            raw.id,
            raw.price.0,
            raw.qty.0,
            raw.buyer_is_maker,
            raw.trade_time,
        ),
        event_time: raw.event_time,
        agg_trade_id: raw.id,
        first_trade_id: raw.first_trade_id,
        last_trade_id: raw.last_trade_id,
        is_buyer_maker: raw.buyer_is_maker,
        channel,
    }
}

pub(crate) fn block_trade(raw: RawTrade<'_>, channel: Option<Channel>) -> BlockTradeEvent {
    BlockTradeEvent {
        trade: core_trade(
            &raw.symbol,
            raw.id,
            raw.price.0,
            raw.qty.0,
            raw.buyer_is_maker,
            raw.trade_time,
        ),
        event_time: raw.event_time,
        block_trade_id: raw.id,
        is_buyer_maker: raw.buyer_is_maker,
        channel,
    }
}

#[inline]
pub(crate) fn kline(
    raw: RawKline<'_>,
    timeframe: Timeframe,
    channel: Option<Channel>,
) -> KlineEvent {
    let (symbol, venue_symbol) = instrument(&raw.symbol);
    let k = raw.k;
    KlineEvent {
        candle: Candle {
            venue: Venue::Binance,
            symbol,
            venue_symbol,
            timeframe,
            open_time: k.open_time,
            close_time: Some(k.close_time),
            open: k.open.0,
            high: k.high.0,
            low: k.low.0,
            close: k.close.0,
            volume: k.volume.0,
            quote_volume: Some(k.quote_volume.0),
            trades: Some(k.trades),
            closed: k.closed,
        },
        event_time: raw.event_time,
        first_trade_id: k.first_trade_id,
        last_trade_id: k.last_trade_id,
        taker_buy_base_volume: k.taker_buy_base_volume.0,
        taker_buy_quote_volume: k.taker_buy_quote_volume.0,
        channel,
    }
}

#[inline]
pub(crate) fn depth_update(raw: RawDepthUpdate<'_>, channel: Option<Channel>) -> DepthUpdateEvent {
    let (symbol, venue_symbol) = instrument(&raw.symbol);
    DepthUpdateEvent {
        book: BookUpdate {
            venue: Venue::Binance,
            symbol,
            venue_symbol,
            kind: BookKind::Delta,
            first_seq: Some(raw.first_update_id),
            last_seq: Some(raw.final_update_id),
            prev_seq: None,
            time: Some(raw.event_time),
            bids: raw.bids.0,
            asks: raw.asks.0,
            checksum: None,
        },
        event_time: raw.event_time,
        first_update_id: raw.first_update_id,
        final_update_id: raw.final_update_id,
        channel,
    }
}

/// A depth snapshot (partial depth stream, REST `/api/v3/depth`, WebSocket API `depth`) as a
/// [`BookUpdate`] snapshot of `venue_symbol` (may be empty when unknown).
pub(crate) fn depth_snapshot(raw: RawDepth, venue_symbol: &str) -> BookUpdate {
    let symbol = if venue_symbol.is_empty() {
        None
    } else {
        resolve_cached(venue_symbol)
    };
    BookUpdate {
        venue: Venue::Binance,
        symbol,
        venue_symbol: venue_symbol.to_owned(),
        kind: BookKind::Snapshot,
        first_seq: None,
        last_seq: Some(raw.last_update_id),
        prev_seq: None,
        time: None,
        bids: raw.bids.0,
        asks: raw.asks.0,
        checksum: None,
    }
}

pub(crate) fn partial_depth(
    raw: RawDepth,
    venue_symbol: &str,
    channel: Option<Channel>,
) -> PartialDepthEvent {
    let last_update_id = raw.last_update_id;
    PartialDepthEvent {
        book: depth_snapshot(raw, venue_symbol),
        last_update_id,
        channel,
    }
}

#[inline]
pub(crate) fn book_ticker(raw: RawBookTicker<'_>, channel: Option<Channel>) -> BookTickerEvent {
    let (symbol, venue_symbol) = instrument(&raw.symbol);
    let mut ticker = Ticker::new(Venue::Binance, symbol, venue_symbol);
    ticker.bid = Some(raw.bid.0);
    ticker.bid_amount = Some(raw.bid_qty.0);
    ticker.ask = Some(raw.ask.0);
    ticker.ask_amount = Some(raw.ask_qty.0);
    BookTickerEvent {
        ticker,
        update_id: raw.update_id,
        channel,
    }
}

#[inline]
pub(crate) fn ticker(raw: RawTicker<'_>, channel: Option<Channel>) -> TickerEvent {
    let (symbol, venue_symbol) = instrument(&raw.symbol);
    let ticker = Ticker {
        venue: Venue::Binance,
        symbol,
        venue_symbol,
        time: Some(raw.event_time),
        bid: Some(raw.bid.0),
        bid_amount: Some(raw.bid_qty.0),
        ask: Some(raw.ask.0),
        ask_amount: Some(raw.ask_qty.0),
        last: Some(raw.last.0),
        open_24h: Some(raw.open.0),
        high_24h: Some(raw.high.0),
        low_24h: Some(raw.low.0),
        volume_24h: Some(raw.volume.0),
        quote_volume_24h: Some(raw.quote_volume.0),
    };
    TickerEvent {
        ticker,
        event_time: raw.event_time,
        price_change: raw.price_change.0,
        price_change_percent: raw.price_change_percent.0,
        weighted_avg_price: raw.weighted_avg_price.0,
        first_trade_price: raw.first_trade_price.0,
        last_qty: raw.last_qty.0,
        stats_open_time: raw.open_time,
        stats_close_time: raw.close_time,
        first_trade_id: raw.first_trade_id,
        last_trade_id: raw.last_trade_id,
        trade_count: raw.trades,
        channel,
    }
}

#[inline]
pub(crate) fn mini_ticker(raw: RawMiniTicker<'_>, channel: Option<Channel>) -> MiniTickerEvent {
    let (symbol, venue_symbol) = instrument(&raw.symbol);
    let mut ticker = Ticker::new(Venue::Binance, symbol, venue_symbol);
    ticker.time = Some(raw.event_time);
    ticker.last = Some(raw.close.0);
    ticker.open_24h = Some(raw.open.0);
    ticker.high_24h = Some(raw.high.0);
    ticker.low_24h = Some(raw.low.0);
    ticker.volume_24h = Some(raw.volume.0);
    ticker.quote_volume_24h = Some(raw.quote_volume.0);
    MiniTickerEvent {
        ticker,
        event_time: raw.event_time,
        channel,
    }
}

pub(crate) fn rolling_ticker(
    raw: RawRollingTicker<'_>,
    window: RollingWindow,
    channel: Option<Channel>,
) -> RollingTickerEvent {
    let (symbol, venue_symbol) = instrument(&raw.symbol);
    let mut ticker = Ticker::new(Venue::Binance, symbol, venue_symbol);
    ticker.time = Some(raw.event_time);
    ticker.last = Some(raw.last.0);
    if window == RollingWindow::D1 {
        ticker.open_24h = Some(raw.open.0);
        ticker.high_24h = Some(raw.high.0);
        ticker.low_24h = Some(raw.low.0);
        ticker.volume_24h = Some(raw.volume.0);
        ticker.quote_volume_24h = Some(raw.quote_volume.0);
    }
    RollingTickerEvent {
        ticker,
        window,
        event_time: raw.event_time,
        price_change: raw.price_change.0,
        price_change_percent: raw.price_change_percent.0,
        open: raw.open.0,
        high: raw.high.0,
        low: raw.low.0,
        last: raw.last.0,
        weighted_avg_price: raw.weighted_avg_price.0,
        volume: raw.volume.0,
        quote_volume: raw.quote_volume.0,
        stats_open_time: raw.open_time,
        stats_close_time: raw.close_time,
        first_trade_id: raw.first_trade_id,
        last_trade_id: raw.last_trade_id,
        trade_count: raw.trades,
        channel,
    }
}

pub(crate) fn avg_price(raw: RawAvgPrice<'_>, channel: Option<Channel>) -> AvgPriceEvent {
    let (symbol, venue_symbol) = instrument(&raw.symbol);
    AvgPriceEvent {
        venue_symbol,
        symbol,
        event_time: raw.event_time,
        interval: raw.interval.into_owned(),
        price: raw.price.0,
        last_trade_time: raw.last_trade_time,
        channel,
    }
}

pub(crate) fn reference_price(
    raw: RawReferencePrice<'_>,
    channel: Option<Channel>,
) -> ReferencePriceEvent {
    let (symbol, venue_symbol) = instrument(&raw.symbol);
    ReferencePriceEvent {
        venue_symbol,
        symbol,
        price: raw.price.map(|d| d.0),
        time: raw.time,
        channel,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_decimal_strings() {
        for n in [0, 7, 10, 12345, 499_869_769, u64::MAX] {
            assert_eq!(id_string(n), n.to_string());
        }
    }

    #[test]
    fn buyer_maker_means_taker_sold() {
        assert_eq!(taker_side(true), Side::Sell);
        assert_eq!(taker_side(false), Side::Buy);
    }
}
