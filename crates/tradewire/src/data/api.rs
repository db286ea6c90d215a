//! [`DataApi`]: one entry point to every venue's market data.

use std::collections::HashMap;
use std::str::FromStr;

use tradewire_core::{Error, MarketData, Result, Symbol, Venue};

/// Builds the unified market-data client of a venue.
///
/// ```no_run
/// use tradewire::core::{StreamOptions, Timeframe, Venue};
/// use tradewire::data::DataApi;
///
/// # async fn run() -> tradewire::core::Result<()> {
/// let binance = DataApi::new().venue(Venue::Binance)?;
/// let deribit = DataApi::new()
///     .ws_url(Venue::Deribit, "wss://test.deribit.com/ws/api/v2") // testnet
///     .venue("deribit".parse()?)?;
/// let btc = DataApi::parse_symbol(Venue::Binance, "BTCUSDT")?; // = "BTC/USDT"
/// let candles = binance
///     .stream_ohlcv(btc, Timeframe::M1, StreamOptions { only_closed: true, ..Default::default() })
///     .await?;
/// # let _ = (deribit, candles);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct DataApi {
    ws_urls: HashMap<Venue, String>,
    rest_urls: HashMap<Venue, String>,
}

impl DataApi {
    /// Production endpoints for every venue.
    pub fn new() -> Self {
        DataApi::default()
    }

    /// Streams `venue` from `url` instead of production (testnet, a simulator's
    /// `ws://127.0.0.1:PORT`).
    pub fn ws_url(mut self, venue: Venue, url: impl Into<String>) -> Self {
        self.ws_urls.insert(venue, url.into());
        self
    }

    /// Calls `venue`'s REST API at `url` instead of production. Venues whose market data
    /// all comes over the WebSocket (Deribit) ignore it.
    pub fn rest_url(mut self, venue: Venue, url: impl Into<String>) -> Self {
        self.rest_urls.insert(venue, url.into());
        self
    }

    /// The WebSocket URL `venue` will use, when overridden.
    pub fn ws_url_of(&self, venue: Venue) -> Option<&str> {
        self.ws_urls.get(&venue).map(String::as_str)
    }

    /// The REST URL `venue` will use, when overridden.
    pub fn rest_url_of(&self, venue: Venue) -> Option<&str> {
        self.rest_urls.get(&venue).map(String::as_str)
    }

    /// The unified client of `venue`: its provider (from the venue crate, enabled by the
    /// venue's feature) wrapped in [`Unified`](super::Unified). Nothing is connected yet.
    /// [`Error::Unsupported`] for a venue this build has no provider for.
    pub fn venue(&self, venue: Venue) -> Result<Box<dyn MarketData>> {
        match venue {
            #[cfg(feature = "binance")]
            Venue::Binance => {
                use tradewire_binance::provider::BinanceProvider;
                let ws = self
                    .ws_url_of(venue)
                    .unwrap_or(tradewire_binance::STREAM_URL);
                let rest = self
                    .rest_url_of(venue)
                    .unwrap_or(tradewire_binance::REST_URL);
                let provider = BinanceProvider::new(ws, rest)?;
                Ok(Box::new(super::Unified::new(provider)))
            }
            #[cfg(feature = "deribit")]
            Venue::Deribit => {
                use tradewire_deribit::provider::DeribitProvider;
                let ws = self.ws_url_of(venue).unwrap_or(tradewire_deribit::WS_URL);
                let provider = DeribitProvider::new(ws)?;
                Ok(Box::new(super::Unified::new(provider)))
            }
            other => Err(Error::Unsupported {
                venue: other,
                what: format!(
                    "the unified market-data API in this build (available: {})",
                    Self::available()
                        .iter()
                        .map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// The venues this build can construct.
    pub fn available() -> Vec<Venue> {
        let mut venues = Vec::new();
        if cfg!(feature = "binance") {
            venues.push(Venue::Binance);
        }
        if cfg!(feature = "deribit") {
            venues.push(Venue::Deribit);
        }
        venues
    }

    /// A symbol as `venue` users write it: the canonical form (`BTC/USDT`, `BTC/USD:BTC`)
    /// first, else the venue's own spelling through the venue crate's table-free parser
    /// (Binance `BTCUSDT`: the exchangeInfo map when one is installed, else the known-quote
    /// suffix split; Deribit `BTC-PERPETUAL`, `BTC-27DEC24`, `BTC-27DEC24-60000-C`,
    /// `ETH_USDC`). No request is made: whether the venue lists the instrument is checked
    /// when it is used ([`Error::UnknownSymbol`]).
    ///
    /// ```
    /// use tradewire::core::Venue;
    /// use tradewire::data::DataApi;
    ///
    /// assert_eq!(DataApi::parse_symbol(Venue::Binance, "BTC/USDT")?.as_str(), "BTC/USDT");
    /// # #[cfg(feature = "binance")]
    /// assert_eq!(DataApi::parse_symbol(Venue::Binance, "btcusdt")?.as_str(), "BTC/USDT");
    /// # #[cfg(feature = "deribit")]
    /// assert_eq!(DataApi::parse_symbol(Venue::Deribit, "BTC-PERPETUAL")?.as_str(), "BTC/USD:BTC");
    /// assert!(DataApi::parse_symbol(Venue::Binance, "???").is_err());
    /// # Ok::<(), tradewire::core::Error>(())
    /// ```
    pub fn parse_symbol(venue: Venue, s: &str) -> Result<Symbol> {
        let canonical = match Symbol::from_str(s) {
            Ok(symbol) => return Ok(symbol),
            Err(e) => e,
        };
        let venue_spelling = match venue {
            #[cfg(feature = "binance")]
            Venue::Binance => {
                tradewire_binance::SymbolMap::resolve_global(&s.trim().to_ascii_uppercase())
            }
            #[cfg(feature = "deribit")]
            Venue::Deribit => tradewire_deribit::instrument_symbol(s.trim()),
            _ => None,
        };
        venue_spelling.ok_or(Error::InvalidSymbol(canonical))
    }
}
