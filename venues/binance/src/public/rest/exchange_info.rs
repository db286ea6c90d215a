//! `GET /api/v3/exchangeInfo`: trading rules and symbol information — symbols, their status,
//! base/quote assets, order types and filters (`PRICE_FILTER`, `LOT_SIZE`, `NOTIONAL`, …), and
//! the exchange's rate limits.
//!
//! Sources: rest-api.md, "General endpoints" → "Exchange information"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#exchange-information>),
//! weight 20; filters.md (every filter's `/exchangeInfo format`); enums.md "Symbol status",
//! "Rate limiters (rateLimitType)", "Rate limit intervals".
//!
//! ```
//! use tradewire_binance::public::rest::exchange_info::{ExchangeInfo, ExchangeInfoRequest};
//!
//! let req = ExchangeInfoRequest::symbols(["BNBBTC", "BTCUSDT"]);
//! assert_eq!(
//!     req.params()?.to_query_string(),
//!     "symbols=%5B%22BNBBTC%22%2C%22BTCUSDT%22%5D"
//! );
//! let body = r#"{"timezone":"UTC","serverTime":1565246363776,"symbols":[{"symbol":"ETHBTC",
//!     "status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,"quoteAsset":"BTC",
//!     "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.00000100",
//!     "maxPrice":"100000.00000000","tickSize":"0.00000100"}]}]}"#;
//! let info = ExchangeInfo::parse(body)?;
//! let eth = info.symbol("ETHBTC").unwrap();
//! assert_eq!(eth.price_filter().unwrap().tick_size.to_string(), "0.00000100");
//! assert_eq!(info.symbol_map().get("ETHBTC").map(|s| s.as_str()), Some("ETH/BTC"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::Duration;

use serde::Deserialize;
use tradewire_core::{Decimal, DecodeError, Symbol, Venue};
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};
use tradewire_websockets::Quota;

use super::{invalid, venue_symbol};
use crate::{RateLimitStatus, SymbolMap};

/// The endpoint's path.
pub const PATH: &str = "/api/v3/exchangeInfo";

/// The documented request weight (whatever the parameters).
pub const WEIGHT: u32 = 20;

/// The request's parameters (all optional).
///
/// `symbol`/`symbols` select symbols; `permissions` and `symbolStatus` filter all symbols and
/// cannot be combined with `symbol`/`symbols` (rest-api.md "Exchange information", Notes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangeInfoRequest {
    /// Symbols to return (one: `symbol=`, several: `symbols=["A","B"]`); empty = all.
    pub symbols: Vec<String>,
    /// Only symbols with any of these permissions (`SPOT`, `MARGIN`, …); empty = the default
    /// (`SPOT`, `MARGIN` or `LEVERAGED`).
    pub permissions: Vec<String>,
    /// `showPermissionSets` (Binance's default: `true`).
    pub show_permission_sets: Option<bool>,
    /// `symbolStatus`: only symbols in this trading status (`TRADING`, `HALT`, `BREAK`).
    pub symbol_status: Option<String>,
}

impl ExchangeInfoRequest {
    /// Every symbol.
    pub fn all() -> Self {
        Self::default()
    }

    /// The given symbols only.
    pub fn symbols<I, S>(symbols: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        ExchangeInfoRequest {
            symbols: symbols
                .into_iter()
                .map(|s| venue_symbol(s.as_ref()))
                .collect(),
            ..Self::default()
        }
    }

    /// Only symbols with any of `permissions`.
    pub fn with_permissions<I, S>(mut self, permissions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.permissions = permissions.into_iter().map(Into::into).collect();
        self
    }

    /// Only symbols whose trading status is `status`.
    pub fn with_symbol_status(mut self, status: impl Into<String>) -> Self {
        self.symbol_status = Some(status.into());
        self
    }

    /// Sets `showPermissionSets`.
    pub fn with_permission_sets(mut self, show: bool) -> Self {
        self.show_permission_sets = Some(show);
        self
    }

    /// The query parameters, in order; an error for a combination the endpoint refuses.
    pub fn params(&self) -> Result<Params, RestError> {
        let selects = !self.symbols.is_empty();
        if selects && !self.permissions.is_empty() {
            return Err(invalid(
                "exchangeInfo: `permissions` cannot be combined with `symbol`/`symbols`",
            ));
        }
        if selects && self.symbol_status.is_some() {
            return Err(invalid(
                "exchangeInfo: `symbolStatus` cannot be combined with `symbol`/`symbols`",
            ));
        }
        let mut p = Params::new();
        match self.symbols.as_slice() {
            [] => {}
            [one] => {
                p.push("symbol", one);
            }
            many => {
                p.push("symbols", json_list(many)?);
            }
        }
        match self.permissions.as_slice() {
            [] => {}
            [one] => {
                p.push("permissions", one);
            }
            many => {
                p.push("permissions", json_list(many)?);
            }
        }
        if let Some(show) = self.show_permission_sets {
            p.push("showPermissionSets", show);
        }
        if let Some(status) = &self.symbol_status {
            p.push("symbolStatus", status);
        }
        Ok(p)
    }

    /// The request, ready to send.
    pub fn request<'a>(&self, rest: &RestClient) -> Result<RequestBuilder<'a>, RestError> {
        Ok(rest.get(PATH).params(self.params()?).weight(WEIGHT))
    }
}

/// `["A","B"]`, the documented spelling of an array parameter.
fn json_list(items: &[String]) -> Result<String, RestError> {
    serde_json::to_string(items).map_err(|e| invalid(format!("exchangeInfo list: {e}")))
}

/// Sends the request.
pub async fn send(rest: &RestClient, req: &ExchangeInfoRequest) -> Result<ExchangeInfo, RestError> {
    req.request(rest)?.send_json().await
}

/// The response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeInfo {
    /// `timezone` (`UTC`).
    pub timezone: String,
    /// Server time, UTC ms.
    pub server_time: i64,
    /// The exchange's rate limits (`REQUEST_WEIGHT`, `ORDERS`, `RAW_REQUESTS`); authoritative
    /// over the documented defaults.
    #[serde(default)]
    pub rate_limits: Vec<RateLimitStatus>,
    /// Exchange filters (`EXCHANGE_MAX_NUM_ORDERS`, …).
    #[serde(default)]
    pub exchange_filters: Vec<Filter>,
    /// The symbols.
    pub symbols: Vec<SymbolInfo>,
}

impl ExchangeInfo {
    /// Parses a response body.
    pub fn parse(body: &str) -> Result<Self, DecodeError> {
        serde_json::from_str(body).map_err(|e| DecodeError::new(Venue::Binance, "exchangeInfo", e))
    }

    /// The entry of `symbol` (Binance spelling, e.g. `BTCUSDT`).
    pub fn symbol(&self, symbol: &str) -> Option<&SymbolInfo> {
        self.symbols.iter().find(|s| s.symbol == symbol)
    }

    /// A [`SymbolMap`] with every symbol's `baseAsset`/`quoteAsset` (symbols whose assets are
    /// not valid canonical codes are left out). Install it with
    /// [`SymbolMap::install_global`] so decoded events use it.
    pub fn symbol_map(&self) -> SymbolMap {
        let mut map = SymbolMap::new();
        for s in &self.symbols {
            // Asset codes the canonical form cannot hold stay unmapped.
            let _ = map.insert(&s.symbol, &s.base_asset, &s.quote_asset);
        }
        map
    }

    /// The `REQUEST_WEIGHT` limit as a [`Quota`] (e.g. 6000 per minute), if listed.
    pub fn request_weight_limit(&self) -> Option<Quota> {
        self.rate_limits
            .iter()
            .find(|l| l.rate_limit_type == "REQUEST_WEIGHT")
            .and_then(rate_limit_quota)
    }
}

/// A rate limit entry as a [`Quota`]: `limit` per `intervalNum` × `interval`.
pub fn rate_limit_quota(limit: &RateLimitStatus) -> Option<Quota> {
    let unit = match limit.interval.as_str() {
        "SECOND" => 1,
        "MINUTE" => 60,
        "HOUR" => 3_600,
        "DAY" => 86_400,
        _ => return None,
    };
    let max = u32::try_from(limit.limit).ok()?;
    Some(Quota::new(
        max,
        Duration::from_secs(unit * u64::from(limit.interval_num)),
    ))
}

/// One `symbols[]` entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SymbolInfo {
    /// Binance's symbol (`ETHBTC`).
    pub symbol: String,
    /// Trading status (enums.md "Symbol status": `TRADING`, `END_OF_DAY`, `HALT`, `BREAK`,
    /// `CANCEL_ONLY`).
    pub status: String,
    /// Base asset (`ETH`).
    pub base_asset: String,
    /// Decimal places of the base asset.
    #[serde(default)]
    pub base_asset_precision: u32,
    /// Quote asset (`BTC`).
    pub quote_asset: String,
    /// Decimal places of the quote asset.
    #[serde(default)]
    pub quote_asset_precision: u32,
    /// Decimal places of commissions in the base asset.
    #[serde(default)]
    pub base_commission_precision: u32,
    /// Decimal places of commissions in the quote asset.
    #[serde(default)]
    pub quote_commission_precision: u32,
    /// Order types allowed (`LIMIT`, `LIMIT_MAKER`, `MARKET`, `STOP_LOSS`, …).
    #[serde(default)]
    pub order_types: Vec<String>,
    /// Iceberg orders allowed.
    #[serde(default)]
    pub iceberg_allowed: bool,
    /// OCO order lists allowed.
    #[serde(default)]
    pub oco_allowed: bool,
    /// OTO order lists allowed.
    #[serde(default)]
    pub oto_allowed: bool,
    /// `MARKET` orders with `quoteOrderQty` allowed.
    #[serde(default)]
    pub quote_order_qty_market_allowed: bool,
    /// Trailing stops allowed.
    #[serde(default)]
    pub allow_trailing_stop: bool,
    /// Cancel-replace allowed.
    #[serde(default)]
    pub cancel_replace_allowed: bool,
    /// Order amendments allowed.
    #[serde(default)]
    pub amend_allowed: bool,
    /// Spot trading allowed.
    #[serde(default)]
    pub is_spot_trading_allowed: bool,
    /// Margin trading allowed.
    #[serde(default)]
    pub is_margin_trading_allowed: bool,
    /// The symbol's filters.
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// Permission sets (`[["SPOT","MARGIN"]]`: either permission; see rest-api.md "Examples
    /// of Symbol Permissions Interpretation from the Response").
    #[serde(default)]
    pub permission_sets: Vec<Vec<String>>,
    /// Default self-trade prevention mode.
    #[serde(default)]
    pub default_self_trade_prevention_mode: Option<String>,
    /// Allowed self-trade prevention modes.
    #[serde(default)]
    pub allowed_self_trade_prevention_modes: Vec<String>,
}

impl SymbolInfo {
    /// Whether the status is `TRADING`.
    pub fn is_trading(&self) -> bool {
        self.status == "TRADING"
    }

    /// The canonical spot symbol (`ETH/BTC`), when the asset codes are valid.
    pub fn canonical(&self) -> Option<Symbol> {
        Symbol::spot(&self.base_asset, &self.quote_asset).ok()
    }

    /// The `PRICE_FILTER`.
    pub fn price_filter(&self) -> Option<&PriceFilter> {
        self.filters.iter().find_map(|f| match f {
            Filter::PriceFilter(p) => Some(p),
            _ => None,
        })
    }

    /// The `LOT_SIZE` filter.
    pub fn lot_size(&self) -> Option<&LotSize> {
        self.filters.iter().find_map(|f| match f {
            Filter::LotSize(l) => Some(l),
            _ => None,
        })
    }

    /// The `MARKET_LOT_SIZE` filter.
    pub fn market_lot_size(&self) -> Option<&LotSize> {
        self.filters.iter().find_map(|f| match f {
            Filter::MarketLotSize(l) => Some(l),
            _ => None,
        })
    }

    /// The `NOTIONAL` filter.
    pub fn notional(&self) -> Option<&Notional> {
        self.filters.iter().find_map(|f| match f {
            Filter::Notional(n) => Some(n),
            _ => None,
        })
    }

    /// The `MIN_NOTIONAL` filter.
    pub fn min_notional(&self) -> Option<&MinNotional> {
        self.filters.iter().find_map(|f| match f {
            Filter::MinNotional(n) => Some(n),
            _ => None,
        })
    }
}

/// `PRICE_FILTER` (filters.md): `price >= minPrice`, `price <= maxPrice`,
/// `price % tickSize == 0`; a zero disables its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceFilter {
    /// Minimum price (0 = no minimum).
    pub min_price: Decimal,
    /// Maximum price (0 = no maximum).
    pub max_price: Decimal,
    /// Price increment (0 = any).
    pub tick_size: Decimal,
}

/// `LOT_SIZE` and `MARKET_LOT_SIZE` (filters.md): `quantity >= minQty`, `<= maxQty`,
/// `% stepSize == 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LotSize {
    /// Minimum quantity.
    pub min_qty: Decimal,
    /// Maximum quantity.
    pub max_qty: Decimal,
    /// Quantity increment.
    pub step_size: Decimal,
}

/// `NOTIONAL` (filters.md): `minNotional <= price * quantity <= maxNotional`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notional {
    /// Minimum notional.
    pub min_notional: Decimal,
    /// Whether the minimum applies to `MARKET` orders.
    pub apply_min_to_market: bool,
    /// Maximum notional.
    pub max_notional: Decimal,
    /// Whether the maximum applies to `MARKET` orders.
    pub apply_max_to_market: bool,
    /// Minutes of the average price used for `MARKET` orders (0 = last price).
    pub avg_price_mins: u32,
}

/// `MIN_NOTIONAL` (filters.md): `price * quantity >= minNotional`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinNotional {
    /// Minimum notional.
    pub min_notional: Decimal,
    /// Whether it applies to `MARKET` orders.
    pub apply_to_market: bool,
    /// Minutes of the average price used for `MARKET` orders (0 = last price).
    pub avg_price_mins: u32,
}

/// `PERCENT_PRICE` (filters.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PercentPrice {
    /// `price <= average * multiplierUp`.
    pub multiplier_up: Decimal,
    /// `price >= average * multiplierDown`.
    pub multiplier_down: Decimal,
    /// Minutes of the average price (0 = last price).
    pub avg_price_mins: u32,
}

/// `PERCENT_PRICE_BY_SIDE` (filters.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PercentPriceBySide {
    /// `BUY`: `price <= average * bidMultiplierUp`.
    pub bid_multiplier_up: Decimal,
    /// `BUY`: `price >= average * bidMultiplierDown`.
    pub bid_multiplier_down: Decimal,
    /// `SELL`: `price <= average * askMultiplierUp`.
    pub ask_multiplier_up: Decimal,
    /// `SELL`: `price >= average * askMultiplierDown`.
    pub ask_multiplier_down: Decimal,
    /// Minutes of the average price (0 = last price).
    pub avg_price_mins: u32,
}

/// `TRAILING_DELTA` (filters.md), in basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrailingDelta {
    /// Minimum `trailingDelta` above the market.
    pub min_trailing_above_delta: u32,
    /// Maximum `trailingDelta` above the market.
    pub max_trailing_above_delta: u32,
    /// Minimum `trailingDelta` below the market.
    pub min_trailing_below_delta: u32,
    /// Maximum `trailingDelta` below the market.
    pub max_trailing_below_delta: u32,
}

/// A symbol or exchange filter (filters.md), tagged by `filterType`. Filter types this version
/// does not know decode as [`Filter::Other`] rather than failing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    tag = "filterType",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum Filter {
    /// `PRICE_FILTER`.
    PriceFilter(PriceFilter),
    /// `PERCENT_PRICE`.
    PercentPrice(PercentPrice),
    /// `PERCENT_PRICE_BY_SIDE`.
    PercentPriceBySide(PercentPriceBySide),
    /// `LOT_SIZE`.
    LotSize(LotSize),
    /// `MIN_NOTIONAL`.
    MinNotional(MinNotional),
    /// `NOTIONAL`.
    Notional(Notional),
    /// `ICEBERG_PARTS`: at most `limit` parts per iceberg order.
    IcebergParts {
        /// Maximum parts.
        limit: u32,
    },
    /// `MARKET_LOT_SIZE`: `LOT_SIZE` rules for `MARKET` orders.
    MarketLotSize(LotSize),
    /// `MAX_NUM_ORDERS`: open orders per symbol.
    MaxNumOrders {
        /// Maximum open orders.
        max_num_orders: u32,
    },
    /// `MAX_NUM_ALGO_ORDERS`: open stop/take-profit orders per symbol.
    MaxNumAlgoOrders {
        /// Maximum open algo orders.
        max_num_algo_orders: u32,
    },
    /// `MAX_NUM_ICEBERG_ORDERS`: open iceberg orders per symbol.
    MaxNumIcebergOrders {
        /// Maximum open iceberg orders.
        max_num_iceberg_orders: u32,
    },
    /// `MAX_POSITION`: maximum position in the base asset.
    MaxPosition {
        /// Maximum position.
        max_position: Decimal,
    },
    /// `TRAILING_DELTA`.
    TrailingDelta(TrailingDelta),
    /// `MAX_NUM_ORDER_AMENDS`: amendments per order.
    MaxNumOrderAmends {
        /// Maximum amendments.
        max_num_order_amends: u32,
    },
    /// `MAX_NUM_ORDER_LISTS`: open order lists per symbol.
    MaxNumOrderLists {
        /// Maximum open order lists.
        max_num_order_lists: u32,
    },
    /// `EXCHANGE_MAX_NUM_ORDERS`: open orders on the exchange.
    ExchangeMaxNumOrders {
        /// Maximum open orders.
        max_num_orders: u32,
    },
    /// `EXCHANGE_MAX_NUM_ALGO_ORDERS`: open algo orders on the exchange.
    ExchangeMaxNumAlgoOrders {
        /// Maximum open algo orders.
        max_num_algo_orders: u32,
    },
    /// `EXCHANGE_MAX_NUM_ICEBERG_ORDERS`: open iceberg orders on the exchange.
    ExchangeMaxNumIcebergOrders {
        /// Maximum open iceberg orders.
        max_num_iceberg_orders: u32,
    },
    /// `EXCHANGE_MAX_NUM_ORDER_LISTS`: open order lists on the exchange.
    ExchangeMaxNumOrderLists {
        /// Maximum open order lists.
        max_num_order_lists: u32,
    },
    /// A filter type not listed above (its fields are not kept).
    #[serde(other)]
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rest-api.md, "Exchange information", Response — with its placeholder comments replaced by
    /// the documented examples they point to: `rateLimits` from enums.md "Rate limiters
    /// (rateLimitType)", `exchangeFilters` from filters.md "EXCHANGE_MAX_NUM_ORDERS", and the
    /// symbol's `filters` from filters.md "PRICE_FILTER", "PERCENT_PRICE",
    /// "PERCENT_PRICE_BY_SIDE", "LOT_SIZE", "MIN_NOTIONAL", "NOTIONAL", "ICEBERG_PARTS",
    /// "MARKET_LOT_SIZE", "MAX_NUM_ORDERS", "MAX_NUM_ALGO_ORDERS", "MAX_NUM_ICEBERG_ORDERS",
    /// "MAX_POSITION", "TRAILING_DELTA", "MAX_NUM_ORDER_AMENDS", "MAX_NUM_ORDER_LISTS"
    /// (`/exchangeInfo format`). Other comments stripped.
    const DOC_EXCHANGE_INFO: &str = r#"{
    "timezone": "UTC",
    "serverTime": 1565246363776,
    "rateLimits": [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 1, "limit": 10},
        {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000}
    ],
    "exchangeFilters": [
        {"filterType": "EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders": 1000}
    ],
    "symbols": [
        {
            "symbol": "ETHBTC",
            "status": "TRADING",
            "baseAsset": "ETH",
            "baseAssetPrecision": 8,
            "quoteAsset": "BTC",
            "quotePrecision": 8,
            "quoteAssetPrecision": 8,
            "baseCommissionPrecision": 8,
            "quoteCommissionPrecision": 8,
            "orderTypes": [
                "LIMIT",
                "LIMIT_MAKER",
                "MARKET",
                "STOP_LOSS",
                "STOP_LOSS_LIMIT",
                "TAKE_PROFIT",
                "TAKE_PROFIT_LIMIT"
            ],
            "icebergAllowed": true,
            "ocoAllowed": true,
            "otoAllowed": true,
            "opoAllowed": true,
            "quoteOrderQtyMarketAllowed": true,
            "allowTrailingStop": false,
            "cancelReplaceAllowed": false,
            "amendAllowed": false,
            "pegInstructionsAllowed": true,
            "isSpotTradingAllowed": true,
            "isMarginTradingAllowed": true,
            "filters": [
                {"filterType": "PRICE_FILTER", "minPrice": "0.00000100", "maxPrice": "100000.00000000", "tickSize": "0.00000100"},
                {"filterType": "PERCENT_PRICE", "multiplierUp": "1.3000", "multiplierDown": "0.7000", "avgPriceMins": 5},
                {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "1.2", "bidMultiplierDown": "0.2", "askMultiplierUp": "5", "askMultiplierDown": "0.8", "avgPriceMins": 1},
                {"filterType": "LOT_SIZE", "minQty": "0.00100000", "maxQty": "100000.00000000", "stepSize": "0.00100000"},
                {"filterType": "MIN_NOTIONAL", "minNotional": "0.00100000", "applyToMarket": true, "avgPriceMins": 5},
                {"filterType": "NOTIONAL", "minNotional": "10.00000000", "applyMinToMarket": false, "maxNotional": "10000.00000000", "applyMaxToMarket": false, "avgPriceMins": 5},
                {"filterType": "ICEBERG_PARTS", "limit": 10},
                {"filterType": "MARKET_LOT_SIZE", "minQty": "0.00100000", "maxQty": "100000.00000000", "stepSize": "0.00100000"},
                {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 25},
                {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
                {"filterType": "MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 5},
                {"filterType": "MAX_POSITION", "maxPosition": "10.00000000"},
                {"filterType": "TRAILING_DELTA", "minTrailingAboveDelta": 10, "maxTrailingAboveDelta": 2000, "minTrailingBelowDelta": 10, "maxTrailingBelowDelta": 2000},
                {"filterType": "MAX_NUM_ORDER_AMENDS", "maxNumOrderAmends": 10},
                {"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 20}
            ],
            "permissions": [],
            "permissionSets": [["SPOT", "MARGIN"]],
            "defaultSelfTradePreventionMode": "NONE",
            "allowedSelfTradePreventionModes": ["NONE"]
        }
    ],
    "sors": [
        {
            "baseAsset": "BTC",
            "symbols": ["BTCUSDT", "BTCUSDC"]
        }
    ]
}"#;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn params_serialize_in_order() {
        assert_eq!(
            ExchangeInfoRequest::all()
                .params()
                .unwrap()
                .to_query_string(),
            ""
        );
        // rest-api.md "Exchange information": `?symbol=BNBBTC`.
        assert_eq!(
            ExchangeInfoRequest::symbols(["bnbbtc"])
                .params()
                .unwrap()
                .to_query_string(),
            "symbol=BNBBTC"
        );
        // `symbols=["BNBBTC","BTCUSDT"]`, percent-encoded (the documented
        // `%5B%22BNBBTC%22,%22BTCUSDT%22%5D` with the comma encoded too).
        assert_eq!(
            ExchangeInfoRequest::symbols(["BNBBTC", "BTCUSDT"])
                .params()
                .unwrap()
                .to_query_string(),
            "symbols=%5B%22BNBBTC%22%2C%22BTCUSDT%22%5D"
        );
        // `?permissions=SPOT` and `?permissions=%5B%22MARGIN%22%2C%22LEVERAGED%22%5D`.
        assert_eq!(
            ExchangeInfoRequest::all()
                .with_permissions(["SPOT"])
                .params()
                .unwrap()
                .to_query_string(),
            "permissions=SPOT"
        );
        assert_eq!(
            ExchangeInfoRequest::all()
                .with_permissions(["MARGIN", "LEVERAGED"])
                .with_permission_sets(false)
                .with_symbol_status("TRADING")
                .params()
                .unwrap()
                .to_query_string(),
            "permissions=%5B%22MARGIN%22%2C%22LEVERAGED%22%5D&showPermissionSets=false&symbolStatus=TRADING"
        );
    }

    #[test]
    fn refused_combinations() {
        let e = ExchangeInfoRequest::symbols(["BNBBTC"])
            .with_permissions(["SPOT"])
            .params()
            .unwrap_err();
        assert!(matches!(e, RestError::InvalidRequest(_)));
        let e = ExchangeInfoRequest::symbols(["BNBBTC"])
            .with_symbol_status("HALT")
            .params()
            .unwrap_err();
        assert!(matches!(e, RestError::InvalidRequest(_)));
    }

    #[test]
    fn request_path_and_query() {
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = ExchangeInfoRequest::symbols(["ETHBTC"])
            .request(&rest)
            .unwrap()
            .prepare()
            .unwrap();
        assert_eq!(req.path, "/api/v3/exchangeInfo");
        assert_eq!(req.query_string(), "symbol=ETHBTC");
    }

    #[test]
    fn documented_response() {
        let info = ExchangeInfo::parse(DOC_EXCHANGE_INFO).unwrap();
        assert_eq!(info.timezone, "UTC");
        assert_eq!(info.server_time, 1565246363776);
        assert_eq!(info.rate_limits.len(), 3);
        assert_eq!(info.request_weight_limit(), Some(Quota::per_minute(6000)));
        assert_eq!(
            rate_limit_quota(&info.rate_limits[2]),
            Some(Quota::new(61000, Duration::from_secs(300)))
        );
        assert_eq!(
            info.exchange_filters,
            vec![Filter::ExchangeMaxNumOrders {
                max_num_orders: 1000
            }]
        );

        let eth = info.symbol("ETHBTC").unwrap();
        assert!(eth.is_trading());
        assert_eq!(
            (eth.base_asset.as_str(), eth.quote_asset.as_str()),
            ("ETH", "BTC")
        );
        assert_eq!(eth.base_asset_precision, 8);
        assert_eq!(eth.order_types.len(), 7);
        assert!(eth.quote_order_qty_market_allowed && eth.iceberg_allowed);
        assert_eq!(eth.permission_sets, vec![vec!["SPOT", "MARGIN"]]);
        assert_eq!(eth.canonical().unwrap().as_str(), "ETH/BTC");
        assert_eq!(eth.filters.len(), 15);
        assert!(!eth.filters.contains(&Filter::Other));

        let price = eth.price_filter().unwrap();
        assert_eq!(price.tick_size.to_string(), "0.00000100"); // scale kept
        assert_eq!(price.max_price, d("100000"));
        let lot = eth.lot_size().unwrap();
        assert_eq!((lot.min_qty, lot.step_size), (d("0.001"), d("0.001")));
        assert_eq!(eth.market_lot_size(), Some(lot));
        let notional = eth.notional().unwrap();
        assert_eq!(notional.min_notional, d("10"));
        assert_eq!(notional.max_notional, d("10000"));
        assert!(!notional.apply_min_to_market);
        assert_eq!(notional.avg_price_mins, 5);
        assert!(eth.min_notional().unwrap().apply_to_market);
        assert!(eth.filters.contains(&Filter::MaxPosition {
            max_position: d("10")
        }));
        assert!(eth.filters.contains(&Filter::TrailingDelta(TrailingDelta {
            min_trailing_above_delta: 10,
            max_trailing_above_delta: 2000,
            min_trailing_below_delta: 10,
            max_trailing_below_delta: 2000,
        })));
        assert!(
            eth.filters
                .contains(&Filter::PercentPriceBySide(PercentPriceBySide {
                    bid_multiplier_up: d("1.2"),
                    bid_multiplier_down: d("0.2"),
                    ask_multiplier_up: d("5"),
                    ask_multiplier_down: d("0.8"),
                    avg_price_mins: 1,
                }))
        );

        let map = info.symbol_map();
        assert_eq!(map.len(), 1);
        assert_eq!(map.get("ETHBTC").map(Symbol::as_str), Some("ETH/BTC"));
    }

    #[test]
    fn unknown_filters_and_errors() {
        // filters.md "MAX_ASSET" (a /myFilters filter): not an exchangeInfo filter here.
        let f: Filter = serde_json::from_str(
            r#"{"filterType":"MAX_ASSET","asset":"USDC","limit":"42.00000000"}"#,
        )
        .unwrap();
        assert_eq!(f, Filter::Other);
        let e = ExchangeInfo::parse(r#"{"timezone":"UTC"}"#).unwrap_err();
        assert_eq!(e.what, "exchangeInfo");
        let bad = r#"{"filterType":"PRICE_FILTER","minPrice":"x","maxPrice":"1","tickSize":"1"}"#;
        assert!(serde_json::from_str::<Filter>(bad).is_err());
    }
}
