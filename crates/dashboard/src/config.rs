//! The page's configuration: `./config.json` (written by `tradewire dashboard`), overridden by
//! the query string (`?venue=deribit&symbol=BTC-PERPETUAL&timeframe=1m`).
//!
//! ```json
//! {"venue":"binance","symbol":"BTC/USDT","timeframe":"1m",
//!  "urls":{"binance":{"ws":"ws://127.0.0.1:4001","rest":"http://127.0.0.1:4001"},
//!          "deribit":{"ws":"ws://127.0.0.1:4002/ws/api/v2"}}}
//! ```
//!
//! Every field is optional; without a `config.json` (static hosting) the page shows Binance
//! BTC/USDT 1-minute candles from the production endpoints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradewire::DataApi;
use tradewire::core::{Timeframe, Venue};

/// The venue shown when nothing else is configured.
pub const DEFAULT_VENUE: Venue = Venue::Binance;
/// The timeframe shown when nothing else is configured.
pub const DEFAULT_TIMEFRAME: Timeframe = Timeframe::M1;

/// A venue's endpoints, exactly what [`DataApi::ws_url`] / [`DataApi::rest_url`] take.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// WebSocket URL (`ws://…` / `wss://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<String>,
    /// REST base URL (`http://…` / `https://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<String>,
}

/// `config.json` as written: names, not parsed values (so a typo is reported, not a blank page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawConfig {
    /// Venue name (`binance`, `deribit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Symbol, canonical (`BTC/USDT`) or in the venue's spelling (`BTCUSDT`, `BTC-PERPETUAL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Candle timeframe (`1s`, `1m`, `1h`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeframe: Option<String>,
    /// Per-venue endpoint overrides, keyed by venue name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub urls: BTreeMap<String, Endpoints>,
}

impl RawConfig {
    /// Parses `config.json`.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("config.json: {e}"))
    }

    /// Applies `?venue=…&symbol=…&timeframe=…` (a `location.search`, with or without `?`).
    pub fn apply_query(&mut self, search: &str) {
        for (key, value) in query_pairs(search) {
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "venue" => self.venue = Some(value),
                "symbol" => self.symbol = Some(value),
                "timeframe" => self.timeframe = Some(value),
                _ => {}
            }
        }
    }

    /// Validates names. A venue this build cannot show, or a timeframe that does not parse,
    /// is an error naming what is valid; the symbol is resolved later against the venue's
    /// instrument list ([`crate::symbols::pick_symbol`]).
    pub fn resolve(&self) -> Result<Config, String> {
        let available = DataApi::available();
        let venue = match &self.venue {
            None => DEFAULT_VENUE,
            Some(name) => name
                .trim()
                .to_ascii_lowercase()
                .parse::<Venue>()
                .ok()
                .filter(|v| available.contains(v))
                .ok_or_else(|| {
                    format!(
                        "unknown venue {name:?} (valid: {})",
                        available
                            .iter()
                            .map(|v| v.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?,
        };
        let timeframe = match &self.timeframe {
            None => DEFAULT_TIMEFRAME,
            Some(tf) => tf
                .trim()
                .parse::<Timeframe>()
                .map_err(|_| format!("unknown timeframe {tf:?}"))?,
        };
        let mut urls = BTreeMap::new();
        for (name, endpoints) in &self.urls {
            // Endpoints of venues this build does not know are ignored, not fatal.
            if let Ok(v) = name.trim().to_ascii_lowercase().parse::<Venue>() {
                urls.insert(v, endpoints.clone());
            }
        }
        Ok(Config {
            venue,
            symbol: self
                .symbol
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            timeframe,
            urls,
        })
    }
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The venue shown first.
    pub venue: Venue,
    /// The symbol wanted first, as written (resolved against the venue's instruments).
    pub symbol: Option<String>,
    /// Candle timeframe.
    pub timeframe: Timeframe,
    /// Endpoint overrides.
    pub urls: BTreeMap<Venue, Endpoints>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            venue: DEFAULT_VENUE,
            symbol: None,
            timeframe: DEFAULT_TIMEFRAME,
            urls: BTreeMap::new(),
        }
    }
}

impl Config {
    /// The facade's entry point with these endpoints (production for the others).
    pub fn data_api(&self) -> DataApi {
        let mut api = DataApi::new();
        for (venue, endpoints) in &self.urls {
            if let Some(ws) = &endpoints.ws {
                api = api.ws_url(*venue, ws.clone());
            }
            if let Some(rest) = &endpoints.rest {
                api = api.rest_url(*venue, rest.clone());
            }
        }
        api
    }

    /// The endpoints `venue` uses, for the page footer: the override or `production`.
    pub fn endpoint_label(&self, venue: Venue) -> String {
        match self.urls.get(&venue).and_then(|e| e.ws.as_deref()) {
            Some(ws) => ws.to_owned(),
            None => "production".to_owned(),
        }
    }
}

/// `key=value` pairs of a query string, percent-decoded (`+` is a space).
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+`; malformed escapes are kept as written, invalid UTF-8 is
/// replaced.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(decoded) => {
                        out.push(decoded);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_schema() {
        let raw = RawConfig::from_json(
            r#"{"venue":"binance","symbol":"BTC/USDT","timeframe":"1m",
                "urls":{"binance":{"ws":"ws://127.0.0.1:1","rest":"http://127.0.0.1:2"},
                        "deribit":{"ws":"ws://127.0.0.1:3/ws/api/v2"}}}"#,
        )
        .unwrap();
        let config = raw.resolve().unwrap();
        assert_eq!(config.venue, Venue::Binance);
        assert_eq!(config.symbol.as_deref(), Some("BTC/USDT"));
        assert_eq!(config.timeframe, Timeframe::M1);
        let api = config.data_api();
        assert_eq!(api.ws_url_of(Venue::Binance), Some("ws://127.0.0.1:1"));
        assert_eq!(api.rest_url_of(Venue::Binance), Some("http://127.0.0.1:2"));
        assert_eq!(
            api.ws_url_of(Venue::Deribit),
            Some("ws://127.0.0.1:3/ws/api/v2")
        );
        assert_eq!(api.rest_url_of(Venue::Deribit), None);
        assert_eq!(
            config.endpoint_label(Venue::Deribit),
            "ws://127.0.0.1:3/ws/api/v2"
        );
    }

    #[test]
    fn empty_config_means_production_defaults() {
        let config = RawConfig::from_json("{}").unwrap().resolve().unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(config.data_api().ws_url_of(Venue::Binance), None);
        assert_eq!(config.endpoint_label(Venue::Binance), "production");
    }

    #[test]
    fn query_overrides_the_file() {
        let mut raw = RawConfig::from_json(r#"{"venue":"binance","symbol":"BTC/USDT"}"#).unwrap();
        raw.apply_query("?venue=Deribit&symbol=BTC-PERPETUAL&timeframe=&other=1");
        let config = raw.resolve().unwrap();
        assert_eq!(config.venue, Venue::Deribit);
        assert_eq!(config.symbol.as_deref(), Some("BTC-PERPETUAL"));
        // An empty value keeps what the file said (here: the default).
        assert_eq!(config.timeframe, DEFAULT_TIMEFRAME);
        raw.apply_query("symbol=ETH%2FUSDT&timeframe=1s");
        let config = raw.resolve().unwrap();
        assert_eq!(config.symbol.as_deref(), Some("ETH/USDT"));
        assert_eq!(config.timeframe, Timeframe::S1);
    }

    #[test]
    fn bad_names_are_errors_that_name_the_valid_ones() {
        let mut raw = RawConfig::default();
        raw.apply_query("venue=nasdaq");
        let err = raw.resolve().unwrap_err();
        assert!(err.contains("nasdaq") && err.contains("binance"), "{err}");
        let raw = RawConfig {
            timeframe: Some("7x".into()),
            ..RawConfig::default()
        };
        assert!(raw.resolve().unwrap_err().contains("7x"));
        assert!(RawConfig::from_json("{\"venue\":").is_err());
        assert!(RawConfig::from_json("42").is_err());
    }

    #[test]
    fn unknown_venues_in_urls_are_ignored() {
        let raw = RawConfig::from_json(r#"{"urls":{"nasdaq":{"ws":"ws://x"}}}"#).unwrap();
        assert!(raw.resolve().unwrap().urls.is_empty());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("BTC%2FUSDT"), "BTC/USDT");
        assert_eq!(percent_decode("a+b%20c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%E2%82%AC"), "€");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
        assert_eq!(
            query_pairs("?a=1&&b&c=%3D"),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), "=".to_owned())
            ]
        );
    }

    #[test]
    fn round_trips_through_json() {
        let mut raw = RawConfig {
            venue: Some("deribit".into()),
            ..RawConfig::default()
        };
        raw.urls.insert(
            "deribit".into(),
            Endpoints {
                ws: Some("ws://127.0.0.1:9/ws/api/v2".into()),
                rest: None,
            },
        );
        let text = serde_json::to_string(&raw).unwrap();
        assert_eq!(
            text,
            r#"{"venue":"deribit","urls":{"deribit":{"ws":"ws://127.0.0.1:9/ws/api/v2"}}}"#
        );
        assert_eq!(RawConfig::from_json(&text).unwrap(), raw);
    }
}
