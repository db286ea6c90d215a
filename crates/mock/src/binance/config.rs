//! Configuration of a [`BinanceSim`](super::BinanceSim): symbols, accounts, rates and limits.

use std::time::Duration;

use rust_decimal::Decimal;

/// One tradable symbol of the simulated exchange.
///
/// Prices and quantities are exact decimals; every price the simulator produces is a multiple
/// of `tick_size` and every quantity a multiple of `step_size` (the `PRICE_FILTER` and
/// `LOT_SIZE` filters of filters.md).
///
/// ```
/// use tradewire_mock::binance::{Decimal, SymbolConfig};
///
/// let sol = SymbolConfig::new("SOLUSDT", "SOL", "USDT")
///     .with_tick_size(Decimal::new(1, 2)) // 0.01
///     .with_step_size(Decimal::new(1, 3)) // 0.001
///     .with_initial_price(Decimal::new(150, 0));
/// assert_eq!(sol.symbol, "SOLUSDT");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolConfig {
    /// Symbol in Binance spelling, upper case (`BTCUSDT`). Stream names use it lower-cased.
    pub symbol: String,
    /// Base asset (`BTC`).
    pub base_asset: String,
    /// Quote asset (`USDT`).
    pub quote_asset: String,
    /// `status` in exchangeInfo (enums.md "Symbol status"): `TRADING`, `HALT`, `BREAK`, ...
    /// Orders are rejected unless `TRADING`.
    pub status: String,
    /// `PRICE_FILTER.tickSize`.
    pub tick_size: Decimal,
    /// `PRICE_FILTER.minPrice`.
    pub min_price: Decimal,
    /// `PRICE_FILTER.maxPrice`.
    pub max_price: Decimal,
    /// `LOT_SIZE.stepSize`.
    pub step_size: Decimal,
    /// `LOT_SIZE.minQty`.
    pub min_qty: Decimal,
    /// `LOT_SIZE.maxQty`.
    pub max_qty: Decimal,
    /// `NOTIONAL.minNotional`.
    pub min_notional: Decimal,
    /// `NOTIONAL.maxNotional`.
    pub max_notional: Decimal,
    /// Reference price of the deterministic price history (the live market starts from the
    /// history's value at start time, which stays within about ±10 % of this).
    pub initial_price: Decimal,
    /// Smallest and largest quantity the simulated market maker quotes per price level.
    pub level_qty: (Decimal, Decimal),
    /// Smallest and largest quantity of one simulated taker trade.
    pub taker_qty: (Decimal, Decimal),
    /// Largest step of one move of the simulated fair price, in ticks (each market event
    /// moves it with probability 35 %).
    pub max_move_ticks: i64,
}

impl SymbolConfig {
    /// A symbol with neutral defaults (tick 0.01, step 0.001, price 100); adjust with the
    /// `with_*` methods.
    pub fn new(symbol: &str, base_asset: &str, quote_asset: &str) -> Self {
        Self {
            symbol: symbol.to_ascii_uppercase(),
            base_asset: base_asset.to_ascii_uppercase(),
            quote_asset: quote_asset.to_ascii_uppercase(),
            status: "TRADING".to_owned(),
            tick_size: Decimal::new(1, 2),
            min_price: Decimal::new(1, 2),
            max_price: Decimal::new(1_000_000, 0),
            step_size: Decimal::new(1, 3),
            min_qty: Decimal::new(1, 3),
            max_qty: Decimal::new(9_000_000, 0),
            min_notional: Decimal::new(5, 0),
            max_notional: Decimal::new(9_000_000, 0),
            initial_price: Decimal::new(100, 0),
            level_qty: (Decimal::new(1, 2), Decimal::new(5, 0)),
            taker_qty: (Decimal::new(1, 3), Decimal::new(1, 1)),
            max_move_ticks: 1,
        }
    }

    /// Sets `PRICE_FILTER.tickSize` (and `minPrice` to one tick).
    pub fn with_tick_size(mut self, tick: Decimal) -> Self {
        self.tick_size = tick;
        self.min_price = tick;
        self
    }

    /// Sets `LOT_SIZE.stepSize` (and `minQty` to one step).
    pub fn with_step_size(mut self, step: Decimal) -> Self {
        self.step_size = step;
        self.min_qty = step;
        self
    }

    /// Sets the reference price of the price history.
    pub fn with_initial_price(mut self, price: Decimal) -> Self {
        self.initial_price = price;
        self
    }

    /// Sets `NOTIONAL.minNotional`.
    pub fn with_min_notional(mut self, min: Decimal) -> Self {
        self.min_notional = min;
        self
    }

    /// Sets the market maker's per-level quantity range and the taker trade quantity range.
    pub fn with_quantities(mut self, level: (Decimal, Decimal), taker: (Decimal, Decimal)) -> Self {
        self.level_qty = level;
        self.taker_qty = taker;
        self
    }

    /// Sets the largest step of one fair price move, in ticks.
    pub fn with_max_move_ticks(mut self, ticks: i64) -> Self {
        self.max_move_ticks = ticks.max(1);
        self
    }

    /// Sets the symbol status (`TRADING`, `HALT`, `BREAK`, ...).
    pub fn with_status(mut self, status: &str) -> Self {
        self.status = status.to_owned();
        self
    }

    /// `BTCUSDT` roughly like the real one: tick 0.01, step 0.00001, min notional 5.
    pub fn btcusdt() -> Self {
        Self::new("BTCUSDT", "BTC", "USDT")
            .with_tick_size(Decimal::new(1, 2))
            .with_step_size(Decimal::new(1, 5))
            .with_initial_price(Decimal::new(60_000, 0))
            .with_quantities(
                (Decimal::new(1, 3), Decimal::new(2, 0)),
                (Decimal::new(1, 5), Decimal::new(5, 2)),
            )
            .with_max_move_ticks(10)
    }

    /// `ETHUSDT`: tick 0.01, step 0.0001, min notional 5.
    pub fn ethusdt() -> Self {
        Self::new("ETHUSDT", "ETH", "USDT")
            .with_tick_size(Decimal::new(1, 2))
            .with_step_size(Decimal::new(1, 4))
            .with_initial_price(Decimal::new(3_000, 0))
            .with_quantities(
                (Decimal::new(1, 2), Decimal::new(20, 0)),
                (Decimal::new(1, 4), Decimal::new(5, 1)),
            )
    }

    /// `BNBBTC`: tick 0.000001, step 0.001, min notional 0.0001 BTC.
    pub fn bnbbtc() -> Self {
        Self::new("BNBBTC", "BNB", "BTC")
            .with_tick_size(Decimal::new(1, 6))
            .with_step_size(Decimal::new(1, 3))
            .with_initial_price(Decimal::new(95, 4))
            .with_min_notional(Decimal::new(1, 4))
            .with_quantities(
                (Decimal::new(1, 1), Decimal::new(50, 0)),
                (Decimal::new(1, 3), Decimal::new(2, 0)),
            )
    }
}

/// How an account's API key signs requests (rest-api.md "SIGNED Endpoint security").
#[derive(Clone, PartialEq, Eq)]
pub enum ApiKeyKind {
    /// HMAC-SHA256 with this secret key; signatures are hex (case-insensitive).
    Hmac {
        /// The secret key.
        secret: String,
    },
    /// Ed25519 with this public key; signatures are base64. Required for `session.logon`.
    Ed25519 {
        /// The 32-byte public key.
        public_key: [u8; 32],
    },
}

impl std::fmt::Debug for ApiKeyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiKeyKind::Hmac { .. } => f.write_str("Hmac { secret: <redacted> }"),
            ApiKeyKind::Ed25519 { public_key } => f
                .debug_struct("Ed25519")
                .field("public_key", &hex::encode(public_key))
                .finish(),
        }
    }
}

/// One simulated account: its API key and initial balances.
///
/// ```
/// use tradewire_mock::binance::{AccountConfig, Decimal};
///
/// let acct = AccountConfig::hmac("myKey", "mySecret")
///     .with_balance("USDT", Decimal::new(1000, 0))
///     .with_balance("BTC", Decimal::ZERO);
/// assert_eq!(acct.balances.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AccountConfig {
    /// Value clients send as `X-MBX-APIKEY` (REST) or `apiKey` (WebSocket API).
    pub api_key: String,
    /// How requests of this key are signed.
    pub kind: ApiKeyKind,
    /// Initial free balances, asset → amount.
    pub balances: Vec<(String, Decimal)>,
    /// Maker commission rate (0.001 = 0.1 %), charged on the asset received.
    pub maker_commission: Decimal,
    /// Taker commission rate, charged on the asset received.
    pub taker_commission: Decimal,
    /// `uid` in account responses.
    pub uid: u64,
}

impl AccountConfig {
    /// An account with an HMAC key, no balances and 0.1 % maker/taker commission.
    pub fn hmac(api_key: &str, secret: &str) -> Self {
        Self::with_kind(
            api_key,
            ApiKeyKind::Hmac {
                secret: secret.to_owned(),
            },
        )
    }

    /// An account with an Ed25519 key (32-byte public key).
    pub fn ed25519(api_key: &str, public_key: [u8; 32]) -> Self {
        Self::with_kind(api_key, ApiKeyKind::Ed25519 { public_key })
    }

    fn with_kind(api_key: &str, kind: ApiKeyKind) -> Self {
        Self {
            api_key: api_key.to_owned(),
            kind,
            balances: Vec::new(),
            maker_commission: Decimal::new(1, 3),
            taker_commission: Decimal::new(1, 3),
            uid: 354_937_868,
        }
    }

    /// Adds (or replaces) an initial free balance.
    pub fn with_balance(mut self, asset: &str, amount: Decimal) -> Self {
        let asset = asset.to_ascii_uppercase();
        self.balances.retain(|(a, _)| *a != asset);
        self.balances.push((asset, amount));
        self
    }

    /// Sets maker and taker commission rates.
    pub fn with_commission(mut self, maker: Decimal, taker: Decimal) -> Self {
        self.maker_commission = maker;
        self.taker_commission = taker;
        self
    }
}

/// The example HMAC API key of rest-api.md ("SIGNED Endpoint Examples for POST /api/v3/order").
pub const DOC_API_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
/// The example HMAC secret key of rest-api.md, paired with [`DOC_API_KEY`].
pub const DOC_SECRET_KEY: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

/// Everything a [`BinanceSim`](super::BinanceSim) is built from. `SimConfig::default()` has
/// BTCUSDT, ETHUSDT and BNBBTC, one HMAC account ([`DOC_API_KEY`]/[`DOC_SECRET_KEY`]) and
/// Binance's documented limits.
///
/// ```
/// use std::time::Duration;
/// use tradewire_mock::binance::SimConfig;
///
/// let config = SimConfig {
///     seed: 7,
///     tick_rate: 50,
///     ping_interval: Some(Duration::from_millis(200)),
///     ..SimConfig::default()
/// };
/// assert_eq!(config.max_streams_per_connection, 1024);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Tradable symbols.
    pub symbols: Vec<SymbolConfig>,
    /// Accounts for signed endpoints and user data streams.
    pub accounts: Vec<AccountConfig>,
    /// Seed of every pseudo-random choice (market moves, price history).
    pub seed: u64,
    /// Market events per second per symbol (each one a trade or a book change). Periodic
    /// pushes (100 ms / 1000 ms / 2000 ms) happen on these ticks, so keep it at 10 or more.
    pub tick_rate: u32,
    /// Price levels the simulated market maker keeps on each side of the book.
    pub book_levels: usize,
    /// Interval of server pings ("The WebSocket server will send a ping frame every 20
    /// seconds", web-socket-streams.md "General WSS information"); `None` = no pings.
    pub ping_interval: Option<Duration>,
    /// A connection whose client sends no pong for this long after a ping is dropped ("If the
    /// WebSocket server does not receive a pong frame back from the connection within a
    /// minute the connection will be disconnected", same section). Checked at each ping, so
    /// the drop comes at the first ping at least this long after the unanswered one; `None`
    /// = never.
    pub pong_timeout: Option<Duration>,
    /// Connections are closed after this age (Binance: 24 hours); `None` = never.
    pub max_connection_age: Option<Duration>,
    /// Streams per connection (web-socket-streams.md "WebSocket Limits": 1024).
    pub max_streams_per_connection: usize,
    /// Incoming messages per second on market stream connections before the connection is
    /// closed (web-socket-streams.md "WebSocket Limits": 5). Only data frames are counted:
    /// the documented limit also counts PING and PONG frames, which the
    /// [`Handler`](crate::Handler) API does not see.
    pub max_incoming_per_second: usize,
    /// `REQUEST_WEIGHT` limit per minute (rest-api.md "IP Limits"; Binance: 6000).
    pub weight_limit_per_minute: u32,
    /// After this many 429 answers within one minute, the next over-limit request gets the
    /// "IP" banned (418) for [`SimConfig::ban_duration`].
    pub ban_after_violations: u32,
    /// How long a ban lasts (rest-api.md: "from 2 minutes to 3 days").
    pub ban_duration: Duration,
    /// Answer live-subscription errors as `{"error":{"code":..,"msg":..},"id":..}` (what
    /// third-party reports show the live server sending) instead of the flat
    /// `{"code":..,"msg":..,"id":..}` of the documented "Error Messages" table.
    pub wrap_stream_errors: bool,
}

impl SimConfig {
    /// Market events per second per symbol the simulator runs at: `tick_rate` within
    /// 1..=1000.
    pub(crate) fn events_per_second(&self) -> u32 {
        self.tick_rate.clamp(1, 1_000)
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            symbols: vec![
                SymbolConfig::btcusdt(),
                SymbolConfig::ethusdt(),
                SymbolConfig::bnbbtc(),
            ],
            accounts: vec![
                AccountConfig::hmac(DOC_API_KEY, DOC_SECRET_KEY)
                    .with_balance("BTC", Decimal::new(1, 0))
                    .with_balance("ETH", Decimal::new(10, 0))
                    .with_balance("BNB", Decimal::new(100, 0))
                    .with_balance("USDT", Decimal::new(100_000, 0)),
            ],
            seed: 42,
            tick_rate: 20,
            book_levels: 50,
            ping_interval: Some(Duration::from_secs(20)),
            pong_timeout: Some(Duration::from_secs(60)),
            max_connection_age: Some(Duration::from_secs(24 * 60 * 60)),
            max_streams_per_connection: 1024,
            max_incoming_per_second: 5,
            weight_limit_per_minute: 6000,
            ban_after_violations: 3,
            ban_duration: Duration::from_secs(120),
            wrap_stream_errors: false,
        }
    }
}
