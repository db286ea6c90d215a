//! Configuration of a [`DeribitSim`](super::DeribitSim): instruments, accounts, rates, token
//! lifetimes.

use std::time::Duration;

use rust_decimal::Decimal;

/// Kind of a simulated instrument (`kind` in `public/get_instruments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentKind {
    /// An inverse future or perpetual: amounts in USD, prices in USD.
    Future,
    /// An inverse option: amounts in the base currency, prices in the base currency.
    Option,
}

impl InstrumentKind {
    /// The wire spelling (`"future"` / `"option"`).
    pub fn as_str(self) -> &'static str {
        match self {
            InstrumentKind::Future => "future",
            InstrumentKind::Option => "option",
        }
    }
}

/// `expiration_timestamp` Deribit reports for perpetuals (year 3000), as in the
/// `public/get_instruments` example (<https://docs.deribit.com/api-reference/market-data/public-get_instruments>).
pub const PERPETUAL_EXPIRY_MS: i64 = 32_503_708_800_000;

/// One simulated instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentConfig {
    /// Instrument name, e.g. `BTC-PERPETUAL`, `BTC-27DEC24`, `BTC-27DEC24-60000-C`.
    pub name: String,
    /// Future or option.
    pub kind: InstrumentKind,
    /// Base currency (`BTC`); also the settlement currency and the account currency used.
    pub currency: String,
    /// Minimal price step.
    pub tick_size: Decimal,
    /// Minimal order amount; amounts must be multiples of it.
    pub min_trade_amount: Decimal,
    /// Contract size (10 USD for BTC futures, 1 BTC for options).
    pub contract_size: Decimal,
    /// Reference price of the deterministic price history (the live market starts from the
    /// history's price when the simulator is created, within about ±4 % of this).
    pub start_price: Decimal,
    /// Expiry, ms since the epoch ([`PERPETUAL_EXPIRY_MS`] for perpetuals).
    pub expiration_timestamp: i64,
    /// `settlement_period`: `perpetual`, `month`, `week`, `day`.
    pub settlement_period: String,
    /// Options: strike price.
    pub strike: Option<Decimal>,
    /// Options: `call` or `put`.
    pub option_type: Option<String>,
    /// Amount the market maker quotes per level: (min, max) in multiples of
    /// `min_trade_amount`.
    pub level_lots: (u32, u32),
}

impl InstrumentConfig {
    /// An inverse perpetual (`{currency}-PERPETUAL`, 10 USD contracts).
    pub fn perpetual(currency: &str, start_price: Decimal, tick_size: Decimal) -> Self {
        Self {
            name: format!("{currency}-PERPETUAL"),
            kind: InstrumentKind::Future,
            currency: currency.to_owned(),
            tick_size,
            min_trade_amount: Decimal::new(10, 0),
            contract_size: Decimal::new(10, 0),
            start_price,
            expiration_timestamp: PERPETUAL_EXPIRY_MS,
            settlement_period: "perpetual".to_owned(),
            strike: None,
            option_type: None,
            level_lots: (1, 500),
        }
    }

    /// An inverse future expiring at `expiry_ms` (named `{currency}-{D}{MON}{YY}`).
    pub fn future(currency: &str, expiry_ms: i64, start_price: Decimal) -> Self {
        Self {
            name: format!("{currency}-{}", expiry_code(expiry_ms)),
            settlement_period: "month".to_owned(),
            expiration_timestamp: expiry_ms,
            ..Self::perpetual(currency, start_price, Decimal::new(25, 1))
        }
    }

    /// An inverse option (`{currency}-{D}{MON}{YY}-{strike}-{C|P}`), priced in the currency.
    pub fn option(
        currency: &str,
        expiry_ms: i64,
        strike: Decimal,
        call: bool,
        start_price: Decimal,
    ) -> Self {
        Self {
            name: format!(
                "{currency}-{}-{}-{}",
                expiry_code(expiry_ms),
                strike.normalize(),
                if call { "C" } else { "P" }
            ),
            kind: InstrumentKind::Option,
            currency: currency.to_owned(),
            tick_size: Decimal::new(5, 4),
            min_trade_amount: Decimal::new(1, 1),
            contract_size: Decimal::ONE,
            start_price,
            expiration_timestamp: expiry_ms,
            settlement_period: "month".to_owned(),
            strike: Some(strike),
            option_type: Some(if call { "call" } else { "put" }.to_owned()),
            level_lots: (1, 100),
        }
    }
}

/// An account: API credentials and balances per currency.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountConfig {
    /// `client_id` of the API key.
    pub client_id: String,
    /// `client_secret` of the API key (also the HMAC key of `client_signature`).
    pub client_secret: String,
    /// Starting balances, e.g. `("BTC", 1)`.
    pub balances: Vec<(String, Decimal)>,
}

impl AccountConfig {
    /// An account without balances.
    pub fn new(client_id: &str, client_secret: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            balances: Vec::new(),
        }
    }

    /// Adds a starting balance.
    pub fn with_balance(mut self, currency: &str, amount: Decimal) -> Self {
        self.balances.push((currency.to_ascii_uppercase(), amount));
        self
    }
}

/// Client id of the default account (the `client_credentials` example of
/// <https://docs.deribit.com/api-reference/authentication/public-auth>).
pub const DOC_CLIENT_ID: &str = "fo7WAPRm4P";
/// Client secret of the default account (same example).
pub const DOC_CLIENT_SECRET: &str = "W0H6FJW4IRPZ1MOQ8FP6KMC5RZDUUKXS";

/// Configuration of the simulator.
#[derive(Debug, Clone, PartialEq)]
pub struct DeribitConfig {
    /// Seed of the market generator and of the historical candles.
    pub seed: u64,
    /// Market ticks per second (book changes, trades, ticker pushes), 1..=1000.
    pub tick_rate: u32,
    /// Price levels per side of every simulated book.
    pub book_levels: usize,
    /// Instruments.
    pub instruments: Vec<InstrumentConfig>,
    /// Accounts.
    pub accounts: Vec<AccountConfig>,
    /// Lifetime of access tokens (`expires_in`, whole seconds, at least 1 on the wire).
    pub token_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_token_ttl: Duration,
    /// Real time of one unit of `public/set_heartbeat`'s `interval` (documented in seconds:
    /// 1 s). Tests shrink it to run heartbeats fast; the documented minimum of 10 units holds.
    pub heartbeat_unit: Duration,
    /// Requests per second per connection before `10028 too_many_requests`.
    pub max_requests_per_second: usize,
    /// Initial margin rate of futures (fraction of the notional, in the currency).
    pub initial_margin_rate: Decimal,
}

impl DeribitConfig {
    /// Market ticks per second the simulator runs at: `tick_rate` within 1..=1000.
    pub(crate) fn steps_per_second(&self) -> u32 {
        self.tick_rate.clamp(1, 1_000)
    }
}

impl Default for DeribitConfig {
    /// BTC-PERPETUAL, ETH-PERPETUAL, a BTC future and a BTC call option expiring on the last
    /// Friday of the month about four months from now (08:00 UTC), one account
    /// ([`DOC_CLIENT_ID`]) with 10 BTC and 100 ETH, tokens valid 900 s, 10 ticks per second.
    fn default() -> Self {
        let expiry = last_friday_after(crate::deribit::util::now_ms() + 120 * DAY_MS);
        Self {
            seed: 42,
            tick_rate: 10,
            book_levels: 10,
            instruments: vec![
                InstrumentConfig::perpetual("BTC", Decimal::new(60_000, 0), Decimal::new(5, 1)),
                InstrumentConfig::perpetual("ETH", Decimal::new(3_000, 0), Decimal::new(5, 2)),
                InstrumentConfig::future("BTC", expiry, Decimal::new(61_000, 0)),
                InstrumentConfig::option(
                    "BTC",
                    expiry,
                    Decimal::new(60_000, 0),
                    true,
                    Decimal::new(5, 2),
                ),
            ],
            accounts: vec![
                AccountConfig::new(DOC_CLIENT_ID, DOC_CLIENT_SECRET)
                    .with_balance("BTC", Decimal::new(10, 0))
                    .with_balance("ETH", Decimal::new(100, 0)),
            ],
            token_ttl: Duration::from_secs(900),
            refresh_token_ttl: Duration::from_secs(7 * 24 * 3600),
            heartbeat_unit: Duration::from_secs(1),
            max_requests_per_second: 200,
            initial_margin_rate: Decimal::new(2, 2),
        }
    }
}

const DAY_MS: i64 = 86_400_000;
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// (year, month 1..=12, day) of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The Deribit expiry code of a timestamp: day without leading zero, month, two-digit year
/// (`27DEC24`, `5JAN24`), as in the instrument names of `public/get_instruments`.
pub fn expiry_code(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let mon = MONTHS.get((m as usize).saturating_sub(1)).unwrap_or(&"JAN");
    format!("{d}{mon}{:02}", y.rem_euclid(100))
}

/// 08:00 UTC of the last Friday of the month containing `ms` (Deribit's monthly expiry).
pub fn last_friday_after(ms: i64) -> i64 {
    let day = ms.div_euclid(DAY_MS);
    let (_, month, _) = civil_from_days(day);
    // Walk to the last day of this month, then back to a Friday (1970-01-01 was a Thursday).
    let mut last = day;
    while civil_from_days(last + 1).1 == month {
        last += 1;
    }
    while (last + 4).rem_euclid(7) != 5 {
        last -= 1;
    }
    last * DAY_MS + 8 * 3_600_000
}
