//! The order-book ladder: the top levels of each side with cumulative size, and the spread.
//!
//! Prices and sizes stay [`Decimal`]s and are rendered exactly: venues pad their decimals
//! (Binance sends `59508.07000000`), so each column is shown with the fewest decimals that
//! still show every value of the column exactly ([`column_scale`]), aligned. Only the depth bar
//! width (a percentage) is computed.

use tradewire::core::{BookLevel, BookUpdate, Decimal};

/// Levels shown per side.
pub const DEPTH: usize = 20;

/// One row of the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRow {
    /// Price, as sent.
    pub price: String,
    /// Size at the price, as sent.
    pub amount: String,
    /// Cumulative size from the best price to this level.
    pub total: String,
    /// Width of the depth bar, 0–100 (cumulative size relative to the larger side's total).
    pub bar_percent: u8,
}

/// The ladder of one book snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ladder {
    /// Asks, best (lowest) first.
    pub asks: Vec<LadderRow>,
    /// Bids, best (highest) first.
    pub bids: Vec<LadderRow>,
    /// Best ask − best bid, when both sides have a level.
    pub spread: Option<String>,
    /// The spread in basis points of the mid price, two decimals.
    pub spread_bps: Option<String>,
    /// Mid price, when both sides have a level.
    pub mid: Option<String>,
}

impl Ladder {
    /// The top `depth` levels of each side of `book` (levels in any order; zero amounts are
    /// skipped).
    pub fn from_book(book: &BookUpdate, depth: usize) -> Self {
        let asks = best(&book.asks, depth, false);
        let bids = best(&book.bids, depth, true);
        let ask_total: Decimal = asks.iter().map(|l| l.amount).sum();
        let bid_total: Decimal = bids.iter().map(|l| l.amount).sum();
        let scale = ask_total.max(bid_total);
        let (mut spread, mut spread_bps, mut mid) = (None, None, None);
        if let (Some(ask), Some(bid)) = (asks.first(), bids.first()) {
            let s = ask.price - bid.price;
            let m = (ask.price + bid.price) / Decimal::TWO;
            spread = Some(s.normalize().to_string());
            mid = Some(m.normalize().to_string());
            if !m.is_zero() {
                spread_bps = (s * Decimal::from(10_000)).checked_div(m).map(|bps| {
                    // Liquid books have spreads far below a basis point.
                    let dp = if bps.abs() < Decimal::ONE { 4 } else { 2 };
                    format!("{:.*}", dp as usize, bps.round_dp(dp))
                });
            }
        }
        let all = || asks.iter().chain(bids.iter());
        let scales = Scales {
            price: column_scale(all().map(|l| l.price)),
            amount: column_scale(all().map(|l| l.amount)),
        };
        Ladder {
            asks: rows(&asks, scale, &scales),
            bids: rows(&bids, scale, &scales),
            spread,
            spread_bps,
            mid,
        }
    }
}

/// The best `depth` levels with a non-zero amount: highest prices first for bids, lowest for
/// asks.
fn best(levels: &[BookLevel], depth: usize, bids: bool) -> Vec<BookLevel> {
    let mut sorted: Vec<BookLevel> = levels
        .iter()
        .filter(|l| !l.amount.is_zero())
        .copied()
        .collect();
    if bids {
        sorted.sort_by_key(|l| std::cmp::Reverse(l.price));
    } else {
        sorted.sort_by_key(|l| l.price);
    }
    sorted.truncate(depth);
    sorted
}

/// Decimals shown per column.
struct Scales {
    price: u32,
    amount: u32,
}

/// The fewest decimals that show every value exactly (the largest scale once trailing zeros
/// are dropped).
pub fn column_scale(values: impl IntoIterator<Item = Decimal>) -> u32 {
    values
        .into_iter()
        .map(|d| d.normalize().scale())
        .max()
        .unwrap_or(0)
}

/// `d` with exactly `scale` decimals when that loses nothing (trailing zeros dropped or
/// added), else as it is.
pub fn fixed(d: Decimal, scale: u32) -> String {
    let mut n = d.normalize();
    if n.scale() <= scale {
        n.rescale(scale);
    }
    n.to_string()
}

fn rows(levels: &[BookLevel], scale: Decimal, scales: &Scales) -> Vec<LadderRow> {
    let mut total = Decimal::ZERO;
    levels
        .iter()
        .map(|l| {
            total += l.amount;
            LadderRow {
                price: fixed(l.price, scales.price),
                amount: fixed(l.amount, scales.amount),
                // Sums of amounts never need more decimals than the amounts.
                total: fixed(total, scales.amount),
                bar_percent: percent(total, scale),
            }
        })
        .collect()
}

/// `part / whole` as 0–100.
fn percent(part: Decimal, whole: Decimal) -> u8 {
    if whole <= Decimal::ZERO {
        return 0;
    }
    let p = part
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(whole))
        .unwrap_or(Decimal::ZERO)
        .round()
        .clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
    u8::try_from(p.mantissa() / 10_i128.pow(p.scale())).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use tradewire::core::{BookKind, Venue};

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn book(bids: &[(&str, &str)], asks: &[(&str, &str)]) -> BookUpdate {
        let mut b = BookUpdate::new(Venue::Binance, None, "BTCUSDT", BookKind::Snapshot);
        b.bids = bids
            .iter()
            .map(|(p, a)| BookLevel::new(d(p), d(a)))
            .collect();
        b.asks = asks
            .iter()
            .map(|(p, a)| BookLevel::new(d(p), d(a)))
            .collect();
        b
    }

    #[test]
    fn sorts_sides_cumulates_and_keeps_the_venue_scale() {
        let b = book(
            &[("99.90", "1.000"), ("100.00", "0.500"), ("99.50", "0")],
            &[("100.20", "2.000"), ("100.10", "0.250")],
        );
        let ladder = Ladder::from_book(&b, DEPTH);
        let prices = |rows: &[LadderRow]| rows.iter().map(|r| r.price.clone()).collect::<Vec<_>>();
        // One scale per column: the fewest decimals that show every value exactly.
        assert_eq!(prices(&ladder.bids), ["100.0", "99.9"]);
        assert_eq!(prices(&ladder.asks), ["100.1", "100.2"]);
        assert_eq!(ladder.bids[0].amount, "0.50");
        assert_eq!(ladder.asks[0].amount, "0.25");
        assert_eq!(ladder.bids[1].total, "1.50");
        assert_eq!(ladder.asks[1].total, "2.25");
        // The larger side (asks, 2.25) is the 100% reference.
        assert_eq!(ladder.asks[1].bar_percent, 100);
        assert_eq!(ladder.bids[1].bar_percent, 67);
        assert_eq!(ladder.asks[0].bar_percent, 11);
        assert_eq!(ladder.spread.as_deref(), Some("0.1"));
        assert_eq!(ladder.mid.as_deref(), Some("100.05"));
        // 0.10 / 100.05 * 10000 = 9.99500…
        assert_eq!(ladder.spread_bps.as_deref(), Some("10.00"));
    }

    #[test]
    fn truncates_to_depth() {
        let bids: Vec<(String, String)> = (0..30)
            .map(|i| (format!("{}", 1000 - i), "1".to_owned()))
            .collect();
        let asks: Vec<(String, String)> = (0..30)
            .map(|i| (format!("{}", 1001 + i), "1".to_owned()))
            .collect();
        let b = book(
            &bids
                .iter()
                .map(|(p, a)| (p.as_str(), a.as_str()))
                .collect::<Vec<_>>(),
            &asks
                .iter()
                .map(|(p, a)| (p.as_str(), a.as_str()))
                .collect::<Vec<_>>(),
        );
        let ladder = Ladder::from_book(&b, DEPTH);
        assert_eq!(ladder.bids.len(), 20);
        assert_eq!(ladder.asks.len(), 20);
        assert_eq!(ladder.bids[19].price, "981");
        assert_eq!(ladder.asks[19].price, "1020");
        assert_eq!(ladder.bids[19].total, "20");
        assert_eq!(ladder.spread.as_deref(), Some("1"));
    }

    #[test]
    fn padded_venue_decimals_are_trimmed_exactly() {
        let b = book(
            &[
                ("59508.07000000", "0.21280000"),
                ("59508.06000000", "1.00000000"),
            ],
            &[("59508.09000000", "0.76959000")],
        );
        let ladder = Ladder::from_book(&b, DEPTH);
        assert_eq!(ladder.bids[0].price, "59508.07");
        assert_eq!(ladder.bids[0].amount, "0.21280");
        assert_eq!(ladder.bids[1].amount, "1.00000");
        assert_eq!(ladder.asks[0].amount, "0.76959");
        assert_eq!(ladder.bids[1].total, "1.21280");
        // 0.02 / 59508.08 * 10000
        assert_eq!(ladder.spread_bps.as_deref(), Some("0.0034"));
        assert_eq!(fixed(d("1.5"), 0), "1.5");
        assert_eq!(fixed(d("-0"), 2), "0.00");
        assert_eq!(column_scale([]), 0);
    }

    #[test]
    fn one_sided_and_empty_books() {
        let ladder = Ladder::from_book(&book(&[("1", "2")], &[]), DEPTH);
        assert_eq!(ladder.bids.len(), 1);
        assert!(ladder.asks.is_empty());
        assert_eq!(ladder.spread, None);
        assert_eq!(ladder.mid, None);
        assert_eq!(Ladder::from_book(&book(&[], &[]), DEPTH), Ladder::default());
    }

    #[test]
    fn crossed_book_gives_a_negative_spread_not_a_panic() {
        let ladder = Ladder::from_book(&book(&[("101", "1")], &[("100", "1")]), DEPTH);
        assert_eq!(ladder.spread.as_deref(), Some("-1"));
    }
}
