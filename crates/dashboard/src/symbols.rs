//! Venue and symbol selection: which symbol to show for a venue, and the picker's filter.

use tradewire::DataApi;
use tradewire::core::{Symbol, SymbolInfo, Venue};

/// Entries the symbol picker shows at most (venues list thousands of instruments).
pub const PICKER_LIMIT: usize = 200;

/// The symbol shown for `venue` when none is asked for, in the venue's spelling.
pub fn default_symbol(venue: Venue) -> &'static str {
    match venue {
        Venue::Deribit => "BTC-PERPETUAL",
        _ => "BTC/USDT",
    }
}

/// Whether `info` is `symbol`.
fn is(info: &SymbolInfo, symbol: &Symbol) -> bool {
    info.symbol == *symbol
}

/// The symbol to show on `venue`: `wanted` (canonical or venue spelling) when the venue lists
/// it, else the venue's default when listed, else its first active instrument. With no
/// instrument list (the request failed) `wanted` or the default is used as written.
pub fn pick_symbol(venue: Venue, wanted: Option<&str>, listed: &[SymbolInfo]) -> Option<Symbol> {
    let parse = |s: &str| DataApi::parse_symbol(venue, s).ok();
    let wanted = wanted.and_then(|w| {
        parse(w).or_else(|| {
            // A venue spelling the table-free parser does not know: look it up.
            listed
                .iter()
                .find(|i| i.venue_symbol.eq_ignore_ascii_case(w.trim()))
                .map(|i| i.symbol.clone())
        })
    });
    let default = parse(default_symbol(venue));
    if listed.is_empty() {
        return wanted.or(default);
    }
    let listed_active = |s: &Symbol| listed.iter().any(|i| is(i, s) && i.active);
    wanted
        .filter(listed_active)
        .or_else(|| default.filter(listed_active))
        .or_else(|| listed.iter().find(|i| i.active).map(|i| i.symbol.clone()))
}

/// Active instruments matching `query` (case-insensitive, canonical or venue spelling):
/// those starting with it first, then those containing it, each group in listing order; at
/// most `limit`. An empty query matches everything.
pub fn filter_symbols<'a>(
    listed: &'a [SymbolInfo],
    query: &str,
    limit: usize,
) -> Vec<&'a SymbolInfo> {
    let q = query.trim().to_ascii_uppercase();
    let mut prefix = Vec::new();
    let mut inside = Vec::new();
    for info in listed.iter().filter(|i| i.active) {
        let canonical = info.symbol.as_str().to_ascii_uppercase();
        let venue = info.venue_symbol.to_ascii_uppercase();
        if canonical.starts_with(&q) || venue.starts_with(&q) {
            prefix.push(info);
        } else if canonical.contains(&q) || venue.contains(&q) {
            inside.push(info);
        }
        if prefix.len() >= limit {
            break;
        }
    }
    prefix.extend(inside);
    prefix.truncate(limit);
    prefix
}

/// The picker's text for an instrument: `BTC/USDT` or `BTC/USD:BTC (BTC-PERPETUAL)` when the
/// venue spells it differently.
pub fn option_label(info: &SymbolInfo) -> String {
    let canonical = info.symbol.as_str();
    if canonical.replace('/', "") == info.venue_symbol {
        canonical.to_owned()
    } else {
        format!("{canonical} ({})", info.venue_symbol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire::core::SymbolKind;

    fn info(symbol: &str, venue_symbol: &str, active: bool) -> SymbolInfo {
        SymbolInfo {
            symbol: symbol.parse().unwrap(),
            venue_symbol: venue_symbol.into(),
            kind: SymbolKind::Spot,
            active,
            price_tick: None,
            amount_step: None,
            min_amount: None,
        }
    }

    fn binance() -> Vec<SymbolInfo> {
        vec![
            info("BNB/BTC", "BNBBTC", true),
            info("ETH/USDT", "ETHUSDT", true),
            info("BTC/USDT", "BTCUSDT", true),
            info("LUNA/USDT", "LUNAUSDT", false),
        ]
    }

    #[test]
    fn picks_wanted_then_default_then_first_active() {
        let listed = binance();
        let pick = |w: Option<&str>| pick_symbol(Venue::Binance, w, &listed).map(|s| s.to_string());
        assert_eq!(pick(Some("ETH/USDT")).as_deref(), Some("ETH/USDT"));
        assert_eq!(pick(Some("ethusdt")).as_deref(), Some("ETH/USDT"));
        // Not listed, inactive or unparsable: the default.
        assert_eq!(pick(Some("DOGE/USDT")).as_deref(), Some("BTC/USDT"));
        assert_eq!(pick(Some("LUNA/USDT")).as_deref(), Some("BTC/USDT"));
        assert_eq!(pick(Some("???")).as_deref(), Some("BTC/USDT"));
        assert_eq!(pick(None).as_deref(), Some("BTC/USDT"));
        let no_btc = vec![info("ETH/USDT", "ETHUSDT", true)];
        assert_eq!(
            pick_symbol(Venue::Binance, None, &no_btc)
                .map(|s| s.to_string())
                .as_deref(),
            Some("ETH/USDT")
        );
        let nothing_active = vec![info("ETH/USDT", "ETHUSDT", false)];
        assert_eq!(pick_symbol(Venue::Binance, None, &nothing_active), None);
    }

    #[test]
    fn without_a_list_uses_what_was_asked() {
        assert_eq!(
            pick_symbol(Venue::Deribit, None, &[])
                .map(|s| s.to_string())
                .as_deref(),
            Some("BTC/USD:BTC")
        );
        assert_eq!(
            pick_symbol(Venue::Binance, Some("SOLUSDT"), &[])
                .map(|s| s.to_string())
                .as_deref(),
            Some("SOL/USDT")
        );
    }

    #[test]
    fn filter_prefers_prefixes_skips_inactive_and_limits() {
        let listed = binance();
        let names = |q: &str, limit: usize| {
            filter_symbols(&listed, q, limit)
                .iter()
                .map(|i| i.venue_symbol.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("", 10), ["BNBBTC", "ETHUSDT", "BTCUSDT"]);
        assert_eq!(names("btc", 10), ["BTCUSDT", "BNBBTC"]);
        assert_eq!(names("usdt", 10), ["ETHUSDT", "BTCUSDT"]);
        assert_eq!(names("luna", 10), Vec::<String>::new());
        assert_eq!(names("", 2), ["BNBBTC", "ETHUSDT"]);
    }

    #[test]
    fn labels_show_the_venue_spelling_when_different() {
        assert_eq!(option_label(&info("BTC/USDT", "BTCUSDT", true)), "BTC/USDT");
        assert_eq!(
            option_label(&info("BTC/USD:BTC", "BTC-PERPETUAL", true)),
            "BTC/USD:BTC (BTC-PERPETUAL)"
        );
    }
}
