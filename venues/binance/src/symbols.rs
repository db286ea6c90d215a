//! Binance spot symbols (`BTCUSDT`) ↔ canonical [`Symbol`]s (`BTC/USDT`).
//!
//! Binance spot symbols are the base asset followed by the quote asset, without a separator.
//! The authoritative split comes from `GET /api/v3/exchangeInfo` (`symbols[].baseAsset` /
//! `quoteAsset`, see
//! <https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#exchange-information>):
//! load it into a [`SymbolMap`] with [`SymbolMap::from_exchange_info`] or
//! [`SymbolMap::insert`]. Symbols the map does not know are split heuristically by the longest
//! suffix found in [`KNOWN_QUOTES`]; when none matches, the symbol stays unmapped (`None`) and
//! events carry only their `venue_symbol`.
//!
//! The stream decoder ([`BinanceMessage::decode_str`](crate::BinanceMessage::decode_str), a
//! static function) resolves symbols through the process-wide map installed with
//! [`SymbolMap::install_global`] / [`SymbolMap::register_global`], memoized per thread: a
//! repeated symbol costs a hash lookup and a reference-count increment, no allocation and no
//! lock. Installing or registering bumps a generation counter that invalidates every thread's
//! memo.
//!
//! ```
//! use tradewire_binance::SymbolMap;
//!
//! let mut map = SymbolMap::new();
//! assert_eq!(map.resolve("BTCUSDT").map(|s| s.to_string()), Some("BTC/USDT".into()));
//! assert_eq!(map.resolve("BNBFDUSD").map(|s| s.to_string()), Some("BNB/FDUSD".into()));
//! assert_eq!(map.resolve("XYZABC"), None); // no known quote asset
//! map.insert("XYZABC", "XY", "ZABC")?; // e.g. from exchangeInfo: takes precedence
//! assert_eq!(map.resolve("XYZABC").map(|s| s.to_string()), Some("XY/ZABC".into()));
//! assert_eq!(map.venue_symbol(&"XY/ZABC".parse()?), "XYZABC");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;
use tradewire_core::{DecodeError, Symbol, SymbolError, Venue};

/// Quote assets used to split symbols that no [`SymbolMap`] entry covers, tried longest first
/// (`BNBFDUSD` is `BNB/FDUSD`, not `BNBF/DUSD`; `ETHBTC` is `ETH/BTC`). The list holds the
/// quote assets of Binance spot markets (stablecoins, major coins and fiat currencies as listed
/// by `exchangeInfo`); it is a fallback only: exchangeInfo entries always take precedence.
#[rustfmt::skip]
pub const KNOWN_QUOTES: &[&str] = &[
    // stablecoins
    "FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDP", "AEUR", "EURI", "IDRT", "BIDR", "BKRW",
    "DAI", "VAI",
    // coins
    "BTC", "ETH", "BNB", "XRP", "TRX", "DOGE", "DOT", "SOL",
    // fiat
    "EUR", "GBP", "TRY", "BRL", "AUD", "JPY", "RUB", "UAH", "NGN", "ZAR", "PLN", "RON", "ARS",
    "MXN", "COP", "CZK",
];

/// Splits a Binance spot symbol into `(base, quote)` by the longest suffix in
/// [`KNOWN_QUOTES`] (the base must not be empty). `None` when no known quote matches.
///
/// ```
/// assert_eq!(tradewire_binance::split_symbol("BTCUSDT"), Some(("BTC", "USDT")));
/// assert_eq!(tradewire_binance::split_symbol("BETHETH"), Some(("BETH", "ETH")));
/// assert_eq!(tradewire_binance::split_symbol("USDT"), None);
/// ```
pub fn split_symbol(venue_symbol: &str) -> Option<(&str, &str)> {
    let mut best: Option<(&str, &str)> = None;
    for quote in KNOWN_QUOTES {
        if venue_symbol.len() > quote.len() && venue_symbol.ends_with(quote) {
            let better = best.is_none_or(|(_, q)| quote.len() > q.len());
            if better {
                let cut = venue_symbol.len() - quote.len();
                best = Some((&venue_symbol[..cut], &venue_symbol[cut..]));
            }
        }
    }
    best
}

/// Venue symbol ↔ canonical symbol table for Binance spot.
///
/// Explicit entries (from `exchangeInfo`) take precedence over the [`KNOWN_QUOTES`] heuristic.
/// Keys are Binance's upper-case spelling (`BTCUSDT`); lookups of stream names (lower case)
/// should upper-case first.
#[derive(Debug, Clone, Default)]
pub struct SymbolMap {
    by_venue: HashMap<String, Symbol>,
    by_canonical: HashMap<Symbol, String>,
}

impl SymbolMap {
    /// An empty map (only the heuristic applies).
    pub fn new() -> Self {
        SymbolMap::default()
    }

    /// Adds (or replaces) `venue_symbol` as the spot pair `base/quote`; returns the canonical
    /// symbol.
    pub fn insert(
        &mut self,
        venue_symbol: &str,
        base: &str,
        quote: &str,
    ) -> Result<Symbol, SymbolError> {
        let symbol = Symbol::spot(base, quote)?;
        self.by_venue
            .insert(venue_symbol.to_owned(), symbol.clone());
        self.by_canonical
            .insert(symbol.clone(), venue_symbol.to_owned());
        Ok(symbol)
    }

    /// The explicit entry for `venue_symbol`, if any (no heuristic).
    pub fn get(&self, venue_symbol: &str) -> Option<&Symbol> {
        self.by_venue.get(venue_symbol)
    }

    /// The canonical symbol for `venue_symbol`: the explicit entry, else the
    /// [`split_symbol`] heuristic, else `None`.
    pub fn resolve(&self, venue_symbol: &str) -> Option<Symbol> {
        if let Some(symbol) = self.by_venue.get(venue_symbol) {
            return Some(symbol.clone());
        }
        let (base, quote) = split_symbol(venue_symbol)?;
        Symbol::spot(base, quote).ok()
    }

    /// Binance's spelling of a canonical spot symbol: the explicit entry, else `BASE` + `QUOTE`
    /// (`BTC/USDT` → `BTCUSDT`).
    pub fn venue_symbol(&self, symbol: &Symbol) -> String {
        match self.by_canonical.get(symbol) {
            Some(v) => v.clone(),
            None => format!("{}{}", symbol.base(), symbol.quote()),
        }
    }

    /// Number of explicit entries.
    pub fn len(&self) -> usize {
        self.by_venue.len()
    }

    /// Whether there are no explicit entries.
    pub fn is_empty(&self) -> bool {
        self.by_venue.is_empty()
    }

    /// Builds a map from a `GET /api/v3/exchangeInfo` response body (or a WebSocket API
    /// `exchangeInfo` result): every `symbols[]` entry's `symbol`, `baseAsset` and
    /// `quoteAsset`. Entries whose assets are not valid symbol codes are skipped.
    ///
    /// ```
    /// let body = r#"{"timezone":"UTC","symbols":[{"symbol":"ETHBTC","status":"TRADING",
    ///     "baseAsset":"ETH","baseAssetPrecision":8,"quoteAsset":"BTC"}]}"#;
    /// let map = tradewire_binance::SymbolMap::from_exchange_info(body)?;
    /// assert_eq!(map.get("ETHBTC").map(|s| s.as_str()), Some("ETH/BTC"));
    /// # Ok::<(), tradewire_core::DecodeError>(())
    /// ```
    pub fn from_exchange_info(body: &str) -> Result<Self, DecodeError> {
        #[derive(Deserialize)]
        struct Info<'a> {
            #[serde(borrow)]
            symbols: Vec<Entry<'a>>,
        }
        #[derive(Deserialize)]
        struct Entry<'a> {
            #[serde(borrow)]
            symbol: Cow<'a, str>,
            #[serde(rename = "baseAsset", borrow)]
            base: Cow<'a, str>,
            #[serde(rename = "quoteAsset", borrow)]
            quote: Cow<'a, str>,
        }
        let info: Info<'_> = serde_json::from_str(body)
            .map_err(|e| DecodeError::new(Venue::Binance, "exchangeInfo", e))?;
        let mut map = SymbolMap::new();
        for e in info.symbols {
            // Symbols with asset codes the canonical form cannot hold are left unmapped.
            let _ = map.insert(&e.symbol, &e.base, &e.quote);
        }
        Ok(map)
    }

    /// Replaces the process-wide map the stream decoder uses (see the module docs).
    pub fn install_global(map: SymbolMap) {
        let mut guard = GLOBAL.write().unwrap_or_else(|e| e.into_inner());
        *guard = Some(map);
        GENERATION.fetch_add(1, Ordering::Release);
    }

    /// Adds one entry to the process-wide map the stream decoder uses.
    pub fn register_global(
        venue_symbol: &str,
        base: &str,
        quote: &str,
    ) -> Result<Symbol, SymbolError> {
        let mut guard = GLOBAL.write().unwrap_or_else(|e| e.into_inner());
        let symbol = guard
            .get_or_insert_with(SymbolMap::new)
            .insert(venue_symbol, base, quote)?;
        GENERATION.fetch_add(1, Ordering::Release);
        Ok(symbol)
    }

    /// Resolves through the process-wide map (explicit entries, else the heuristic), memoized
    /// per thread. This is what decoded stream events use.
    pub fn resolve_global(venue_symbol: &str) -> Option<Symbol> {
        resolve_cached(venue_symbol)
    }
}

static GLOBAL: RwLock<Option<SymbolMap>> = RwLock::new(None);
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Entries kept per thread before the memo is cleared (bounds memory on hostile input).
const CACHE_LIMIT: usize = 8192;

/// FxHash (rustc's hasher): a multiply-rotate hash, much cheaper than SipHash for the short
/// symbol keys of the per-thread memo (which holds no attacker-chosen secrets worth DoS-proofing
/// beyond its size bound).
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(FX_SEED);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(FX_SEED);
        }
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The longest symbol the memo's last-hit slot holds inline.
const LAST_KEY_CAP: usize = 24;

struct Memo {
    generation: u64,
    /// The last symbol resolved, compared without hashing (streams repeat symbols in runs).
    last_key: [u8; LAST_KEY_CAP],
    last_len: usize,
    last_symbol: Option<Option<Symbol>>,
    map: HashMap<Box<str>, Option<Symbol>, BuildHasherDefault<FxHasher>>,
}

thread_local! {
    static MEMO: RefCell<Memo> = const {
        RefCell::new(Memo {
            generation: u64::MAX,
            last_key: [0; LAST_KEY_CAP],
            last_len: 0,
            last_symbol: None,
            map: HashMap::with_hasher(BuildHasherDefault::new()),
        })
    };
}

fn resolve_uncached(venue_symbol: &str) -> Option<Symbol> {
    let guard = GLOBAL.read().unwrap_or_else(|e| e.into_inner());
    match guard.as_ref() {
        Some(map) => map.resolve(venue_symbol),
        None => {
            let (base, quote) = split_symbol(venue_symbol)?;
            Symbol::spot(base, quote).ok()
        }
    }
}

impl Memo {
    #[inline]
    fn lookup(&mut self, venue_symbol: &str, generation: u64) -> Option<Symbol> {
        if self.generation != generation {
            self.generation = generation;
            self.last_symbol = None;
            self.map.clear();
        }
        let key = venue_symbol.as_bytes();
        if let Some(symbol) = &self.last_symbol {
            if self.last_key.get(..self.last_len) == Some(key) {
                return symbol.clone();
            }
        }
        let symbol = match self.map.get(venue_symbol) {
            Some(symbol) => symbol.clone(),
            None => {
                let symbol = resolve_uncached(venue_symbol);
                if self.map.len() >= CACHE_LIMIT {
                    self.map.clear();
                }
                self.map.insert(venue_symbol.into(), symbol.clone());
                symbol
            }
        };
        if let Some(slot) = self.last_key.get_mut(..key.len()) {
            slot.copy_from_slice(key);
            self.last_len = key.len();
            self.last_symbol = Some(symbol.clone());
        }
        symbol
    }
}

/// The canonical symbol of `venue_symbol` through the global map, memoized per thread.
#[inline]
pub(crate) fn resolve_cached(venue_symbol: &str) -> Option<Symbol> {
    let generation = GENERATION.load(Ordering::Acquire);
    MEMO.with(|memo| match memo.try_borrow_mut() {
        Ok(mut memo) => memo.lookup(venue_symbol, generation),
        Err(_) => resolve_uncached(venue_symbol),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_known_quote_wins() {
        assert_eq!(split_symbol("BTCUSDT"), Some(("BTC", "USDT")));
        assert_eq!(split_symbol("BNBFDUSD"), Some(("BNB", "FDUSD")));
        assert_eq!(split_symbol("OMGBUSD"), Some(("OMG", "BUSD")));
        assert_eq!(split_symbol("BTCTUSD"), Some(("BTC", "TUSD")));
        assert_eq!(split_symbol("NKNUSDT"), Some(("NKN", "USDT")));
        assert_eq!(split_symbol("BNBBTC"), Some(("BNB", "BTC")));
        assert_eq!(split_symbol("USDTTRY"), Some(("USDT", "TRY")));
        assert_eq!(split_symbol("FDUSDUSDT"), Some(("FDUSD", "USDT")));
        assert_eq!(split_symbol("BTC"), None);
        assert_eq!(split_symbol("ABCXYZ"), None);
        assert_eq!(split_symbol(""), None);
    }

    #[test]
    fn known_quotes_are_unique_and_upper_case() {
        let mut seen = std::collections::HashSet::new();
        for q in KNOWN_QUOTES {
            assert!(seen.insert(q), "{q} listed twice");
            assert!(q.bytes().all(|b| b.is_ascii_uppercase()), "{q}");
        }
    }

    #[test]
    fn explicit_entries_take_precedence() {
        let mut map = SymbolMap::new();
        assert_eq!(map.resolve("ETHBTC").unwrap().as_str(), "ETH/BTC");
        map.insert("ETHBTC", "ET", "HBTC").unwrap();
        assert_eq!(map.resolve("ETHBTC").unwrap().as_str(), "ET/HBTC");
        assert_eq!(map.len(), 1);
        assert!(!map.is_empty());
        assert_eq!(map.venue_symbol(&"ET/HBTC".parse().unwrap()), "ETHBTC");
        assert_eq!(map.venue_symbol(&"BTC/USDT".parse().unwrap()), "BTCUSDT");
    }

    #[test]
    fn exchange_info_fills_the_map() {
        let body = r#"{"timezone":"UTC","serverTime":1565246363776,"rateLimits":[],
            "exchangeFilters":[],"symbols":[
            {"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,
             "quoteAsset":"BTC","quotePrecision":8,"orderTypes":["LIMIT"]},
            {"symbol":"ZZZQQQ","baseAsset":"ZZZ","quoteAsset":"QQQ"},
            {"symbol":"BAD","baseAsset":"B-A","quoteAsset":"D"}]}"#;
        let map = SymbolMap::from_exchange_info(body).unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("ZZZQQQ").unwrap().as_str(), "ZZZ/QQQ");
        assert!(map.get("BAD").is_none());
        assert!(SymbolMap::from_exchange_info("{}").is_err());
    }

    #[test]
    fn global_registration_invalidates_the_memo() {
        // A symbol no other test uses: the global map is process-wide.
        assert_eq!(resolve_cached("QWEQWEZXCV"), None);
        assert_eq!(resolve_cached("QWEQWEZXCV"), None);
        SymbolMap::register_global("QWEQWEZXCV", "QWEQWE", "ZXCV").unwrap();
        assert_eq!(
            resolve_cached("QWEQWEZXCV").unwrap().as_str(),
            "QWEQWE/ZXCV"
        );
        assert_eq!(
            SymbolMap::resolve_global("BTCUSDT").unwrap().as_str(),
            "BTC/USDT"
        );
    }

    #[test]
    fn memo_returns_the_same_symbol_repeatedly() {
        let a = resolve_cached("SOLUSDC").unwrap();
        let b = resolve_cached("ETHUSDC").unwrap();
        let c = resolve_cached("SOLUSDC").unwrap();
        assert_eq!(a.as_str(), "SOL/USDC");
        assert_eq!(b.as_str(), "ETH/USDC");
        assert_eq!(a, c);
    }
}
