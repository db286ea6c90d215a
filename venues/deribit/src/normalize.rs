//! Deribit types → tradewire-core models, and instrument names ↔ canonical symbols.
//!
//! Instrument names (<https://docs.deribit.com/#instrument-naming>, public/get_instruments):
//!
//! | Deribit | canonical |
//! |---|---|
//! | `BTC-PERPETUAL` (inverse) | `BTC/USD:BTC` |
//! | `BTC_USDC-PERPETUAL` (linear) | `BTC/USDC:USDC` |
//! | `BTC-27DEC24` (inverse future) | `BTC/USD:BTC-241227` |
//! | `BTC_USDC-27DEC24` (linear future) | `BTC/USDC:USDC-241227` |
//! | `BTC-27DEC24-60000-C` (inverse option) | `BTC/USD:BTC-241227-60000-C` |
//! | `XRP_USDC-30MAY25-2d2-C` (linear option, `d` = decimal point) | `XRP/USDC:USDC-250530-2.2-C` |
//! | `BTC_USDC` (spot) | `BTC/USDC` |
//!
//! Combos and anything else do not map (`None`); the venue spelling is always kept.

use std::str::FromStr;

use tradewire_core::{
    Balance, Candle, Decimal, Expiry, OptionKind, Order, OrderStatus, OrderType, Side, Symbol,
    SymbolKind, Ticker, Timeframe, Trade, Venue,
};

use crate::message::{DeribitCandle, DeribitOrder, DeribitPortfolio, DeribitTicker, DeribitTrade};

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// Parses Deribit's `DMMMYY` expiry (`27DEC24`, `7MAR25`).
pub fn parse_expiry(s: &str) -> Option<Expiry> {
    if s.len() < 6 || s.len() > 7 || !s.is_ascii() {
        return None;
    }
    let (day, rest) = s.split_at(s.len() - 5);
    let (mon, yy) = rest.split_at(3);
    let day: u8 = day.parse().ok()?;
    let month = MONTHS.iter().position(|m| *m == mon)? as u8 + 1;
    let yy: u16 = yy.parse().ok()?;
    Expiry::new(2000 + yy, month, day).ok()
}

/// Formats an expiry as Deribit's `DMMMYY` (`27DEC24`, `7MAR25`).
pub fn format_expiry(e: Expiry) -> String {
    let month = MONTHS
        .get(usize::from(e.month()).saturating_sub(1))
        .copied()
        .unwrap_or("JAN");
    format!("{}{}{:02}", e.day(), month, e.year() % 100)
}

/// `BTC` → (`BTC`, `USD`, `BTC`) inverse; `BTC_USDC` → (`BTC`, `USDC`, `USDC`) linear.
fn currencies(head: &str) -> (&str, &str, &str) {
    match head.split_once('_') {
        Some((base, quote)) => (base, quote, quote),
        None => (head, "USD", head),
    }
}

/// The canonical symbol of a Deribit instrument name, when it maps.
///
/// ```
/// use tradewire_deribit::instrument_symbol;
///
/// assert_eq!(instrument_symbol("BTC-PERPETUAL").unwrap().as_str(), "BTC/USD:BTC");
/// assert_eq!(instrument_symbol("BTC_USDC-PERPETUAL").unwrap().as_str(), "BTC/USDC:USDC");
/// assert_eq!(instrument_symbol("BTC-27DEC24").unwrap().as_str(), "BTC/USD:BTC-241227");
/// assert_eq!(
///     instrument_symbol("BTC-27DEC24-60000-C").unwrap().as_str(),
///     "BTC/USD:BTC-241227-60000-C"
/// );
/// assert!(instrument_symbol("BTC-FS-27DEC24_PERP").is_none());
/// ```
pub fn instrument_symbol(name: &str) -> Option<Symbol> {
    let mut parts = name.split('-');
    let head = parts.next()?;
    let second = parts.next();
    let third = parts.next();
    let fourth = parts.next();
    if parts.next().is_some() || head.is_empty() {
        return None;
    }
    match (second, third, fourth) {
        (None, None, None) => {
            let (base, quote) = head.split_once('_')?;
            Symbol::spot(base, quote).ok()
        }
        (Some("PERPETUAL"), None, None) => {
            let (base, quote, settle) = currencies(head);
            Symbol::swap(base, quote, settle).ok()
        }
        (Some(date), None, None) => {
            let (base, quote, settle) = currencies(head);
            Symbol::future(base, quote, settle, parse_expiry(date)?).ok()
        }
        (Some(date), Some(strike), Some(kind)) => {
            let (base, quote, settle) = currencies(head);
            let kind = match kind {
                "C" => OptionKind::Call,
                "P" => OptionKind::Put,
                _ => return None,
            };
            let strike = Decimal::from_str(&strike.replace('d', ".")).ok()?;
            Symbol::option(base, quote, settle, parse_expiry(date)?, strike, kind).ok()
        }
        _ => None,
    }
}

/// The Deribit instrument name of a canonical symbol (the inverse of [`instrument_symbol`]).
///
/// ```
/// use tradewire_deribit::symbol_instrument;
///
/// let s = "BTC/USD:BTC-241227-60000-C".parse().unwrap();
/// assert_eq!(symbol_instrument(&s).as_deref(), Some("BTC-27DEC24-60000-C"));
/// let s = "BTC/USDC:USDC".parse().unwrap();
/// assert_eq!(symbol_instrument(&s).as_deref(), Some("BTC_USDC-PERPETUAL"));
/// ```
pub fn symbol_instrument(symbol: &Symbol) -> Option<String> {
    let head = if symbol.quote() == "USD" && symbol.settle() == Some(symbol.base()) {
        symbol.base().to_owned()
    } else {
        format!("{}_{}", symbol.base(), symbol.quote())
    };
    Some(match symbol.kind() {
        SymbolKind::Spot => head,
        SymbolKind::Swap => format!("{head}-PERPETUAL"),
        SymbolKind::Future => format!("{head}-{}", format_expiry(symbol.expiry()?)),
        SymbolKind::Option => {
            let strike = symbol.strike()?.normalize().to_string().replace('.', "d");
            let kind = match symbol.option_kind()? {
                OptionKind::Call => "C",
                OptionKind::Put => "P",
            };
            format!("{head}-{}-{strike}-{kind}", format_expiry(symbol.expiry()?))
        }
    })
}

/// The timeframe of a `chart.trades` resolution (`1`, `3`, `5`, `15`, `30`, `60`, `120`, `360`,
/// `720`, `1D`); `10` and `180` minutes have no canonical timeframe.
pub fn resolution_timeframe(resolution: &str) -> Option<Timeframe> {
    Some(match resolution {
        "1" => Timeframe::M1,
        "3" => Timeframe::M3,
        "5" => Timeframe::M5,
        "15" => Timeframe::M15,
        "30" => Timeframe::M30,
        "60" => Timeframe::H1,
        "120" => Timeframe::H2,
        "360" => Timeframe::H6,
        "720" => Timeframe::H12,
        "1D" => Timeframe::D1,
        _ => return None,
    })
}

/// The resolution of a `chart.trades` channel in minutes (`1D` = 1440).
pub fn resolution_minutes(resolution: &str) -> Option<u32> {
    match resolution {
        "1D" => Some(1440),
        r => r.parse().ok(),
    }
}

impl DeribitTrade {
    /// The core trade (`side` = `direction`, the taker's side).
    pub fn to_trade(&self) -> Trade {
        Trade {
            venue: Venue::Deribit,
            symbol: instrument_symbol(&self.instrument_name),
            venue_symbol: self.instrument_name.clone(),
            id: Some(self.trade_id.clone()),
            price: self.price,
            amount: self.amount,
            side: self.direction,
            time: self.timestamp,
        }
    }
}

impl DeribitTicker {
    /// The core ticker (24 h stats from `stats`; `quote_volume_24h` = `stats.volume_usd`).
    pub fn to_ticker(&self) -> Ticker {
        let mut t = Ticker::new(
            Venue::Deribit,
            instrument_symbol(&self.instrument_name),
            self.instrument_name.clone(),
        );
        t.time = Some(self.timestamp);
        t.bid = self.best_bid_price;
        t.bid_amount = self.best_bid_amount;
        t.ask = self.best_ask_price;
        t.ask_amount = self.best_ask_amount;
        t.last = self.last_price;
        t.high_24h = self.stats.high;
        t.low_24h = self.stats.low;
        t.volume_24h = self.stats.volume;
        t.quote_volume_24h = self.stats.volume_usd;
        t
    }
}

impl DeribitCandle {
    /// The core candle, when the resolution has a canonical timeframe. Deribit sends no
    /// closed flag: the candle of the running period is updated repeatedly, so `closed` is
    /// `false`.
    pub fn to_candle(&self) -> Option<Candle> {
        let timeframe = resolution_timeframe(&self.resolution)?;
        Some(Candle {
            venue: Venue::Deribit,
            symbol: instrument_symbol(&self.instrument_name),
            venue_symbol: self.instrument_name.clone(),
            timeframe,
            open_time: self.tick,
            close_time: Some(timeframe.close_time_for(self.tick)),
            open: self.open,
            high: self.high,
            low: self.low,
            close: self.close,
            volume: self.volume,
            quote_volume: Some(self.cost),
            trades: None,
            closed: false,
        })
    }
}

/// Deribit `order_type` → core type.
pub fn order_type(t: &str) -> OrderType {
    match t {
        "limit" => OrderType::Limit,
        "market" => OrderType::Market,
        "stop_limit" => OrderType::StopLimit,
        "stop_market" => OrderType::StopMarket,
        "take_limit" => OrderType::TakeProfitLimit,
        "take_market" => OrderType::TakeProfitMarket,
        "trailing_stop" => OrderType::TrailingStopMarket,
        _ => OrderType::Other,
    }
}

/// Deribit `order_state` → core status (`open` with a fill = partially filled); `None` for
/// states with no equivalent (`archive`).
pub fn order_status(state: &str, filled: Option<Decimal>) -> Option<OrderStatus> {
    Some(match state {
        "open" if filled.is_some_and(|f| !f.is_zero()) => OrderStatus::PartiallyFilled,
        "open" => OrderStatus::Open,
        "filled" => OrderStatus::Filled,
        "rejected" => OrderStatus::Rejected,
        "cancelled" => OrderStatus::Cancelled,
        "untriggered" => OrderStatus::Untriggered,
        _ => return None,
    })
}

impl DeribitOrder {
    /// The core order; `None` when the state has no equivalent or the instrument or side is
    /// missing. `client_id` is the label (when not empty); a market order's price is absent.
    pub fn to_order(&self) -> Option<Order> {
        let instrument = self.instrument_name.clone()?;
        Some(Order {
            venue: Venue::Deribit,
            symbol: instrument_symbol(&instrument),
            venue_symbol: instrument,
            id: self.order_id.clone(),
            client_id: self.label.clone().filter(|l| !l.is_empty()),
            side: self.direction?,
            order_type: order_type(self.order_type.as_deref().unwrap_or("")),
            status: order_status(&self.order_state, self.filled_amount)?,
            price: self.price.and_then(|p| p.value()),
            amount: self.amount,
            filled: self.filled_amount.unwrap_or_default(),
            avg_price: self.average_price.filter(|p| !p.is_zero()),
            time: self
                .last_update_timestamp
                .or(self.creation_timestamp)
                .unwrap_or_default(),
        })
    }
}

impl DeribitPortfolio {
    /// The core balance: `free` = `available_funds`, `locked` = `initial_margin`, `total` =
    /// `equity`.
    pub fn to_balance(&self) -> Balance {
        let free = self.available_funds.unwrap_or_default();
        let locked = self.initial_margin.unwrap_or_default();
        let mut b = Balance::new(Venue::Deribit, self.currency.clone(), free, locked);
        if let Some(equity) = self.equity {
            b.total = equity;
        }
        b
    }
}

/// The taker side from a Deribit `direction`.
pub fn taker_side(direction: &str) -> Option<Side> {
    Side::from_str(direction).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_map_both_ways() {
        for (venue, canonical) in [
            ("BTC-PERPETUAL", "BTC/USD:BTC"),
            ("ETH-PERPETUAL", "ETH/USD:ETH"),
            ("BTC_USDC-PERPETUAL", "BTC/USDC:USDC"),
            ("BTC-27DEC24", "BTC/USD:BTC-241227"),
            ("BTC-7MAR25", "BTC/USD:BTC-250307"),
            ("BTC-27DEC24-60000-C", "BTC/USD:BTC-241227-60000-C"),
            ("BTC-31DEC21-34000-P", "BTC/USD:BTC-211231-34000-P"),
            ("XRP_USDC-30MAY25-2d2-C", "XRP/USDC:USDC-250530-2.2-C"),
            ("BTC_USDC", "BTC/USDC"),
        ] {
            let s = instrument_symbol(venue).unwrap();
            assert_eq!(s.as_str(), canonical, "{venue}");
            assert_eq!(symbol_instrument(&s).as_deref(), Some(venue), "{canonical}");
        }
        assert!(instrument_symbol("BTC-32DEC24").is_none());
        assert!(instrument_symbol("").is_none());
    }

    #[test]
    fn resolutions() {
        assert_eq!(resolution_timeframe("1"), Some(Timeframe::M1));
        assert_eq!(resolution_timeframe("1D"), Some(Timeframe::D1));
        assert_eq!(resolution_timeframe("10"), None);
        assert_eq!(resolution_minutes("1D"), Some(1440));
    }
}
