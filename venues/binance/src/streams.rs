//! Stream names: building `btcusdt@kline_1m` and parsing it back to (symbol, [`Channel`]).
//!
//! Every public market stream of
//! <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams> (section
//! "Detailed Stream information"). Stream names use the **lower-case** symbol; raw streams are
//! opened at `/ws/<streamName>`, combined streams at `/stream?streams=<a>/<b>/…` and deliver
//! `{"stream":"<streamName>","data":<payload>}`.
//!
//! ```
//! use tradewire_binance::streams::{Channel, StreamName, UpdateSpeed};
//! use tradewire_core::Timeframe;
//!
//! assert_eq!(StreamName::trade("BTCUSDT").to_string(), "btcusdt@trade");
//! assert_eq!(StreamName::kline("BTCUSDT", Timeframe::M1).to_string(), "btcusdt@kline_1m");
//! assert_eq!(StreamName::depth("BNBBTC", UpdateSpeed::Ms100).to_string(), "bnbbtc@depth@100ms");
//!
//! let parsed: StreamName = "ethbtc@depth10@100ms".parse()?;
//! assert_eq!(parsed.symbol(), "ethbtc");
//! assert_eq!(parsed.venue_symbol(), "ETHBTC");
//! assert_eq!(parsed.channel().to_string(), "depth10@100ms");
//! assert!(matches!(parsed.channel(), Channel::PartialDepth { .. }));
//! # Ok::<(), tradewire_binance::streams::StreamNameError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use tradewire_core::Timeframe;

/// How often a depth stream pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UpdateSpeed {
    /// Every second (the stream name has no suffix).
    #[default]
    Ms1000,
    /// Every 100 ms (`@100ms`).
    Ms100,
}

/// The depth of a partial book depth stream (`depth5`, `depth10`, `depth20`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DepthLevels {
    /// Top 5 levels per side.
    Five,
    /// Top 10 levels per side.
    Ten,
    /// Top 20 levels per side.
    Twenty,
}

impl DepthLevels {
    /// The number of levels per side.
    pub const fn count(self) -> u8 {
        match self {
            DepthLevels::Five => 5,
            DepthLevels::Ten => 10,
            DepthLevels::Twenty => 20,
        }
    }

    /// 5, 10 or 20; anything else is `None`.
    pub const fn from_count(n: u32) -> Option<Self> {
        match n {
            5 => Some(DepthLevels::Five),
            10 => Some(DepthLevels::Ten),
            20 => Some(DepthLevels::Twenty),
            _ => None,
        }
    }
}

/// The window of a rolling-window statistics stream (`<symbol>@ticker_<window>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RollingWindow {
    /// One hour (`1h`, events `1hTicker`).
    H1,
    /// Four hours (`4h`, events `4hTicker`).
    H4,
    /// One day (`1d`, events `1dTicker`).
    D1,
}

impl RollingWindow {
    /// `"1h"`, `"4h"` or `"1d"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RollingWindow::H1 => "1h",
            RollingWindow::H4 => "4h",
            RollingWindow::D1 => "1d",
        }
    }

    /// Parses `"1h"`, `"4h"` or `"1d"`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "1h" => Some(RollingWindow::H1),
            "4h" => Some(RollingWindow::H4),
            "1d" => Some(RollingWindow::D1),
            _ => None,
        }
    }
}

/// What a stream carries (the part of the stream name after `<symbol>@`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// `trade`: every trade.
    Trade,
    /// `aggTrade`: trades aggregated per taker order and price.
    AggTrade,
    /// `blockTrade`: block trades.
    BlockTrade,
    /// `kline_<interval>` (UTC) or `kline_<interval>@+08:00` (intervals aligned in UTC+8).
    Kline {
        /// The kline interval (every [`Timeframe`] is streamed, `1s` to `1M`).
        interval: Timeframe,
        /// Whether intervals are aligned in UTC+8 (`@+08:00`) instead of UTC.
        utc_plus_8: bool,
    },
    /// `depth` / `depth@100ms`: diff depth (`depthUpdate`) for a local order book.
    Depth(UpdateSpeed),
    /// `depth<levels>` / `depth<levels>@100ms`: top-of-book snapshots.
    PartialDepth {
        /// 5, 10 or 20 levels per side.
        levels: DepthLevels,
        /// Push interval.
        speed: UpdateSpeed,
    },
    /// `bookTicker`: best bid and ask, real time.
    BookTicker,
    /// `ticker`: 24-hour rolling statistics (`24hrTicker`).
    Ticker,
    /// `miniTicker`: 24-hour rolling mini statistics (`24hrMiniTicker`).
    MiniTicker,
    /// `ticker_<window>`: rolling-window statistics (`1hTicker`, `4hTicker`, `1dTicker`).
    RollingTicker(RollingWindow),
    /// `avgPrice`: the average price over the symbol's averaging interval.
    AvgPrice,
    /// `referencePrice`: the reference price.
    ReferencePrice,
    /// `!miniTicker@arr`: mini tickers of every symbol that changed (no symbol in the name).
    AllMiniTickers,
    /// `!ticker_<window>@arr`: rolling-window statistics of every symbol that changed.
    AllRollingTickers(RollingWindow),
}

impl Channel {
    /// Whether this is an all-market stream (`!…@arr`), whose name has no symbol.
    pub const fn is_all_market(self) -> bool {
        matches!(
            self,
            Channel::AllMiniTickers | Channel::AllRollingTickers(_)
        )
    }

    /// Parses the channel part of a stream name (`trade`, `kline_1m`, `depth5@100ms`, …) or a
    /// whole all-market stream name (`!miniTicker@arr`).
    pub fn parse(s: &str) -> Option<Channel> {
        Some(match s {
            "trade" => Channel::Trade,
            "aggTrade" => Channel::AggTrade,
            "blockTrade" => Channel::BlockTrade,
            "depth" | "depth@1000ms" => Channel::Depth(UpdateSpeed::Ms1000),
            "depth@100ms" => Channel::Depth(UpdateSpeed::Ms100),
            "bookTicker" => Channel::BookTicker,
            "ticker" => Channel::Ticker,
            "miniTicker" => Channel::MiniTicker,
            "avgPrice" => Channel::AvgPrice,
            "referencePrice" => Channel::ReferencePrice,
            "!miniTicker@arr" => Channel::AllMiniTickers,
            _ => return Self::parse_parameterized(s),
        })
    }

    fn parse_parameterized(s: &str) -> Option<Channel> {
        if let Some(rest) = s.strip_prefix("kline_") {
            let (interval, utc_plus_8) = match rest.strip_suffix("@+08:00") {
                Some(interval) => (interval, true),
                None => (rest, false),
            };
            return Some(Channel::Kline {
                interval: parse_interval(interval)?,
                utc_plus_8,
            });
        }
        if let Some(rest) = s.strip_prefix("depth") {
            let (levels, speed) = match rest.split_once('@') {
                Some((levels, "100ms")) => (levels, UpdateSpeed::Ms100),
                Some((levels, "1000ms")) => (levels, UpdateSpeed::Ms1000),
                Some(_) => return None,
                None => (rest, UpdateSpeed::Ms1000),
            };
            let levels = DepthLevels::from_count(levels.parse().ok()?)?;
            return Some(Channel::PartialDepth { levels, speed });
        }
        if let Some(rest) = s.strip_prefix("ticker_") {
            return RollingWindow::parse(rest).map(Channel::RollingTicker);
        }
        if let Some(rest) = s.strip_prefix("!ticker_") {
            let window = rest.strip_suffix("@arr")?;
            return RollingWindow::parse(window).map(Channel::AllRollingTickers);
        }
        None
    }
}

impl fmt::Display for Channel {
    /// The channel as written in stream names: `trade`, `kline_1m`, `depth@100ms`,
    /// `depth5`, `!miniTicker@arr`, …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let speed = |s: UpdateSpeed| match s {
            UpdateSpeed::Ms1000 => "",
            UpdateSpeed::Ms100 => "@100ms",
        };
        match *self {
            Channel::Trade => f.write_str("trade"),
            Channel::AggTrade => f.write_str("aggTrade"),
            Channel::BlockTrade => f.write_str("blockTrade"),
            Channel::Kline {
                interval,
                utc_plus_8,
            } => {
                let tz = if utc_plus_8 { "@+08:00" } else { "" };
                write!(f, "kline_{}{tz}", interval_str(interval))
            }
            Channel::Depth(s) => write!(f, "depth{}", speed(s)),
            Channel::PartialDepth { levels, speed: s } => {
                write!(f, "depth{}{}", levels.count(), speed(s))
            }
            Channel::BookTicker => f.write_str("bookTicker"),
            Channel::Ticker => f.write_str("ticker"),
            Channel::MiniTicker => f.write_str("miniTicker"),
            Channel::RollingTicker(w) => write!(f, "ticker_{}", w.as_str()),
            Channel::AvgPrice => f.write_str("avgPrice"),
            Channel::ReferencePrice => f.write_str("referencePrice"),
            Channel::AllMiniTickers => f.write_str("!miniTicker@arr"),
            Channel::AllRollingTickers(w) => write!(f, "!ticker_{}@arr", w.as_str()),
        }
    }
}

/// Binance's kline interval string for a timeframe. Binance spells every [`Timeframe`] the
/// same way as its canonical string (`1s` … `1M`) and streams all of them.
pub const fn interval_str(tf: Timeframe) -> &'static str {
    tf.as_str()
}

/// Parses a Binance kline interval (`1s`, `1m`, `3m`, `5m`, `15m`, `30m`, `1h`, `2h`, `4h`,
/// `6h`, `8h`, `12h`, `1d`, `3d`, `1w`, `1M`; case-sensitive, as Binance sends them).
pub fn parse_interval(s: &str) -> Option<Timeframe> {
    Some(match s {
        "1s" => Timeframe::S1,
        "1m" => Timeframe::M1,
        "3m" => Timeframe::M3,
        "5m" => Timeframe::M5,
        "15m" => Timeframe::M15,
        "30m" => Timeframe::M30,
        "1h" => Timeframe::H1,
        "2h" => Timeframe::H2,
        "4h" => Timeframe::H4,
        "6h" => Timeframe::H6,
        "8h" => Timeframe::H8,
        "12h" => Timeframe::H12,
        "1d" => Timeframe::D1,
        "3d" => Timeframe::D3,
        "1w" => Timeframe::W1,
        "1M" => Timeframe::Mo1,
        _ => return None,
    })
}

/// A stream name that is not one of Binance's public market streams.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid Binance stream name {0:?}: expected <symbol>@<channel> with channel trade, \
     aggTrade, blockTrade, kline_<interval>, depth, depth@100ms, depth<5|10|20>[@100ms], \
     bookTicker, ticker, miniTicker, ticker_<1h|4h|1d>, avgPrice or referencePrice, or \
     !miniTicker@arr / !ticker_<1h|4h|1d>@arr"
)]
pub struct StreamNameError(pub String);

/// A stream name: a lower-case symbol and a [`Channel`] (the symbol is empty for all-market
/// streams). Displays as Binance writes it (`btcusdt@depth5@100ms`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StreamName {
    symbol: String,
    channel: Channel,
}

impl StreamName {
    /// The stream `channel` of `symbol` (any case; stored lower-case). For all-market channels
    /// the symbol is ignored.
    pub fn new(symbol: &str, channel: Channel) -> Self {
        let symbol = if channel.is_all_market() {
            String::new()
        } else {
            symbol.to_ascii_lowercase()
        };
        StreamName { symbol, channel }
    }

    /// `<symbol>@trade`.
    pub fn trade(symbol: &str) -> Self {
        Self::new(symbol, Channel::Trade)
    }

    /// `<symbol>@aggTrade`.
    pub fn agg_trade(symbol: &str) -> Self {
        Self::new(symbol, Channel::AggTrade)
    }

    /// `<symbol>@blockTrade`.
    pub fn block_trade(symbol: &str) -> Self {
        Self::new(symbol, Channel::BlockTrade)
    }

    /// `<symbol>@kline_<interval>` (UTC intervals).
    pub fn kline(symbol: &str, interval: Timeframe) -> Self {
        Self::new(
            symbol,
            Channel::Kline {
                interval,
                utc_plus_8: false,
            },
        )
    }

    /// `<symbol>@depth` (1000 ms) or `<symbol>@depth@100ms`.
    pub fn depth(symbol: &str, speed: UpdateSpeed) -> Self {
        Self::new(symbol, Channel::Depth(speed))
    }

    /// `<symbol>@depth<levels>` or `<symbol>@depth<levels>@100ms`.
    pub fn partial_depth(symbol: &str, levels: DepthLevels, speed: UpdateSpeed) -> Self {
        Self::new(symbol, Channel::PartialDepth { levels, speed })
    }

    /// `<symbol>@bookTicker`.
    pub fn book_ticker(symbol: &str) -> Self {
        Self::new(symbol, Channel::BookTicker)
    }

    /// `<symbol>@ticker`.
    pub fn ticker(symbol: &str) -> Self {
        Self::new(symbol, Channel::Ticker)
    }

    /// `<symbol>@miniTicker`.
    pub fn mini_ticker(symbol: &str) -> Self {
        Self::new(symbol, Channel::MiniTicker)
    }

    /// `<symbol>@ticker_<window>`.
    pub fn rolling_ticker(symbol: &str, window: RollingWindow) -> Self {
        Self::new(symbol, Channel::RollingTicker(window))
    }

    /// `<symbol>@avgPrice`.
    pub fn avg_price(symbol: &str) -> Self {
        Self::new(symbol, Channel::AvgPrice)
    }

    /// `!miniTicker@arr`.
    pub fn all_mini_tickers() -> Self {
        Self::new("", Channel::AllMiniTickers)
    }

    /// `!ticker_<window>@arr`.
    pub fn all_rolling_tickers(window: RollingWindow) -> Self {
        Self::new("", Channel::AllRollingTickers(window))
    }

    /// The lower-case symbol (empty for all-market streams).
    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    /// The symbol as Binance spells it in payloads (upper case).
    pub fn venue_symbol(&self) -> String {
        self.symbol.to_ascii_uppercase()
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// Splits a stream name into its lower-case symbol part and its [`Channel`] without
    /// allocating (`"btcusdt@depth@100ms"` → `("btcusdt", Depth(Ms100))`;
    /// `"!miniTicker@arr"` → `("", AllMiniTickers)`).
    pub fn split(name: &str) -> Option<(&str, Channel)> {
        if name.starts_with('!') {
            return Channel::parse(name).map(|c| ("", c));
        }
        let (symbol, channel) = name.split_once('@')?;
        if symbol.is_empty() {
            return None;
        }
        Channel::parse(channel).map(|c| (symbol, c))
    }
}

impl fmt::Display for StreamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.channel.is_all_market() {
            write!(f, "{}", self.channel)
        } else {
            write!(f, "{}@{}", self.symbol, self.channel)
        }
    }
}

impl FromStr for StreamName {
    type Err = StreamNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (symbol, channel) =
            StreamName::split(s).ok_or_else(|| StreamNameError(s.to_owned()))?;
        Ok(StreamName::new(symbol, channel))
    }
}

/// The URL of one raw stream: `<base>/ws/<stream>` (frames are the bare payloads).
///
/// ```
/// use tradewire_binance::{STREAM_URL, streams::{raw_stream_url, StreamName}};
/// assert_eq!(
///     raw_stream_url(STREAM_URL, &StreamName::trade("BTCUSDT")),
///     "wss://stream.binance.com:9443/ws/btcusdt@trade"
/// );
/// ```
pub fn raw_stream_url(base: &str, stream: &StreamName) -> String {
    format!("{}/ws/{stream}", base.trim_end_matches('/'))
}

/// The URL of a combined stream: `<base>/stream?streams=<a>/<b>/…` (frames are wrapped in
/// `{"stream":…,"data":…}`). At most 1024 streams per connection.
///
/// ```
/// use tradewire_binance::{MARKET_DATA_STREAM_URL, streams::{combined_stream_url, StreamName}};
/// let streams = [StreamName::trade("BTCUSDT"), StreamName::book_ticker("ETHBTC")];
/// assert_eq!(
///     combined_stream_url(MARKET_DATA_STREAM_URL, &streams),
///     "wss://data-stream.binance.vision/stream?streams=btcusdt@trade/ethbtc@bookTicker"
/// );
/// ```
pub fn combined_stream_url(base: &str, streams: &[StreamName]) -> String {
    let mut url = format!("{}/stream?streams=", base.trim_end_matches('/'));
    for (i, s) in streams.iter().enumerate() {
        if i > 0 {
            url.push('/');
        }
        url.push_str(&s.to_string());
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_match_the_documented_names() {
        // Names from web-socket-streams.md, "Detailed Stream information".
        let cases = [
            (StreamName::trade("BNBBTC"), "bnbbtc@trade"),
            (StreamName::agg_trade("BNBBTC"), "bnbbtc@aggTrade"),
            (StreamName::block_trade("BNBBTC"), "bnbbtc@blockTrade"),
            (
                StreamName::kline("BNBBTC", Timeframe::M1),
                "bnbbtc@kline_1m",
            ),
            (
                StreamName::kline("BNBBTC", Timeframe::Mo1),
                "bnbbtc@kline_1M",
            ),
            (
                StreamName::depth("BNBBTC", UpdateSpeed::Ms1000),
                "bnbbtc@depth",
            ),
            (
                StreamName::depth("BNBBTC", UpdateSpeed::Ms100),
                "bnbbtc@depth@100ms",
            ),
            (
                StreamName::partial_depth("BNBBTC", DepthLevels::Five, UpdateSpeed::Ms100),
                "bnbbtc@depth5@100ms",
            ),
            (
                StreamName::partial_depth("BNBBTC", DepthLevels::Twenty, UpdateSpeed::Ms1000),
                "bnbbtc@depth20",
            ),
            (StreamName::book_ticker("BNBUSDT"), "bnbusdt@bookTicker"),
            (StreamName::ticker("BNBBTC"), "bnbbtc@ticker"),
            (StreamName::mini_ticker("BNBBTC"), "bnbbtc@miniTicker"),
            (
                StreamName::rolling_ticker("BNBBTC", RollingWindow::H4),
                "bnbbtc@ticker_4h",
            ),
            (StreamName::avg_price("BTCUSDT"), "btcusdt@avgPrice"),
            (
                StreamName::new("BAZUSD", Channel::ReferencePrice),
                "bazusd@referencePrice",
            ),
            (StreamName::all_mini_tickers(), "!miniTicker@arr"),
            (
                StreamName::all_rolling_tickers(RollingWindow::D1),
                "!ticker_1d@arr",
            ),
        ];
        for (stream, text) in cases {
            assert_eq!(stream.to_string(), text);
            assert_eq!(text.parse::<StreamName>().unwrap(), stream, "{text}");
        }
    }

    #[test]
    fn every_interval_round_trips() {
        for tf in Timeframe::ALL {
            let s = StreamName::kline("btcusdt", tf);
            let back: StreamName = s.to_string().parse().unwrap();
            assert_eq!(back, s);
            assert_eq!(parse_interval(interval_str(tf)), Some(tf));
        }
        let tz: StreamName = "bnbbtc@kline_1d@+08:00".parse().unwrap();
        assert_eq!(
            tz.channel(),
            Channel::Kline {
                interval: Timeframe::D1,
                utc_plus_8: true
            }
        );
        assert_eq!(tz.to_string(), "bnbbtc@kline_1d@+08:00");
    }

    #[test]
    fn split_borrows_and_rejects_unknown_names() {
        assert_eq!(
            StreamName::split("nknusdt@depth@100ms"),
            Some(("nknusdt", Channel::Depth(UpdateSpeed::Ms100)))
        );
        assert_eq!(
            StreamName::split("!miniTicker@arr"),
            Some(("", Channel::AllMiniTickers))
        );
        for bad in [
            "btcusdt",
            "@trade",
            "btcusdt@trades",
            "btcusdt@kline_2m",
            "btcusdt@depth7",
            "btcusdt@depth5@250ms",
            "btcusdt@ticker_2h",
            "!bookTicker",
        ] {
            assert!(bad.parse::<StreamName>().is_err(), "{bad}");
        }
        let err = "x@y".parse::<StreamName>().unwrap_err();
        assert!(err.to_string().contains("aggTrade"));
    }

    #[test]
    fn symbols_are_lower_case_in_names() {
        let s = StreamName::trade("BtcUsdt");
        assert_eq!(s.symbol(), "btcusdt");
        assert_eq!(s.venue_symbol(), "BTCUSDT");
        assert_eq!(StreamName::all_mini_tickers().symbol(), "");
    }

    #[test]
    fn urls() {
        assert_eq!(
            raw_stream_url(
                "wss://stream.binance.com:9443/",
                &StreamName::trade("BTCUSDT")
            ),
            "wss://stream.binance.com:9443/ws/btcusdt@trade"
        );
        assert_eq!(
            combined_stream_url("wss://x", &[StreamName::all_mini_tickers()]),
            "wss://x/stream?streams=!miniTicker@arr"
        );
    }
}
