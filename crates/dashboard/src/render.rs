//! HTML of the ladder and the tape (set as `innerHTML`; every value is escaped).

use std::fmt::Write as _;

use crate::ladder::{Ladder, LadderRow, column_scale, fixed};
use crate::tape::Tape;

/// Escapes `&`, `<`, `>`, `"` and `'`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn row(out: &mut String, side: &str, r: Option<&LadderRow>) {
    match r {
        Some(r) => {
            let _ = write!(
                out,
                "<div class=\"lvl {side}\" style=\"--depth:{}%\"><span class=\"px\">{}</span><span class=\"sz\">{}</span><span class=\"tot\">{}</span></div>",
                r.bar_percent,
                escape(&r.price),
                escape(&r.amount),
                escape(&r.total)
            );
        }
        // Empty rows keep the ladder's height (and the spread line's place) steady.
        None => {
            let _ = write!(
                out,
                "<div class=\"lvl {side} empty\"><span class=\"px\">–</span><span class=\"sz\"></span><span class=\"tot\"></span></div>"
            );
        }
    }
}

/// The ladder: `depth` ask rows (worst at the top, best next to the spread), the spread line,
/// `depth` bid rows (best first).
pub fn book_html(ladder: &Ladder, depth: usize) -> String {
    let mut out = String::with_capacity(8 * 1024);
    out.push_str("<div class=\"lvl head\"><span class=\"px\">Price</span><span class=\"sz\">Size</span><span class=\"tot\">Total</span></div>");
    for i in (0..depth).rev() {
        row(&mut out, "ask", ladder.asks.get(i));
    }
    let spread = ladder.spread.as_deref().unwrap_or("–");
    let bps = ladder
        .spread_bps
        .as_deref()
        .map(|b| format!(" ({b} bps)"))
        .unwrap_or_default();
    let mid = ladder.mid.as_deref().unwrap_or("–");
    let _ = write!(
        out,
        "<div class=\"spread\"><span class=\"mid\">{}</span><span>spread {}{}</span></div>",
        escape(mid),
        escape(spread),
        escape(&bps)
    );
    for i in 0..depth {
        row(&mut out, "bid", ladder.bids.get(i));
    }
    out
}

/// The tape, newest first (each column with the fewest decimals that show it exactly).
pub fn tape_html(tape: &Tape) -> String {
    let mut out = String::with_capacity(4 * 1024);
    let price_scale = column_scale(tape.rows().map(|r| r.price));
    let amount_scale = column_scale(tape.rows().map(|r| r.amount));
    out.push_str("<div class=\"trade head\"><span class=\"px\">Price</span><span class=\"sz\">Size</span><span class=\"tm\">Time</span></div>");
    for r in tape.rows() {
        let _ = write!(
            out,
            "<div class=\"trade {}\"><span class=\"px\">{}</span><span class=\"sz\">{}</span><span class=\"tm\">{}</span></div>",
            if r.buy { "buy" } else { "sell" },
            escape(&fixed(r.price, price_scale)),
            escape(&fixed(r.amount, amount_scale)),
            escape(&r.time)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::LadderRow;

    fn lr(price: &str) -> LadderRow {
        LadderRow {
            price: price.into(),
            amount: "1".into(),
            total: "1".into(),
            bar_percent: 50,
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn ladder_has_fixed_rows_asks_reversed_and_a_spread_line() {
        let ladder = Ladder {
            asks: vec![lr("101"), lr("102")],
            bids: vec![lr("100")],
            spread: Some("1".into()),
            spread_bps: Some("99.50".into()),
            mid: Some("100.5".into()),
        };
        let html = book_html(&ladder, 3);
        assert_eq!(html.matches("class=\"lvl ask").count(), 3);
        assert_eq!(html.matches("class=\"lvl bid").count(), 3);
        assert_eq!(html.matches("empty").count(), 3);
        // Worst ask first, best ask right above the spread, then the best bid.
        let (p102, p101, spread, p100) = (
            html.find(">102<").unwrap(),
            html.find(">101<").unwrap(),
            html.find("spread 1 (99.50 bps)").unwrap(),
            html.find(">100<").unwrap(),
        );
        assert!(p102 < p101 && p101 < spread && spread < p100);
        assert!(html.contains("--depth:50%"));
    }

    #[test]
    fn tape_rows_carry_the_side() {
        let mut tape = Tape::new(5);
        let t = tradewire::core::Trade {
            venue: tradewire::core::Venue::Binance,
            symbol: None,
            venue_symbol: "X".into(),
            id: None,
            price: tradewire::core::Decimal::ONE,
            amount: tradewire::core::Decimal::TWO,
            side: tradewire::core::Side::Sell,
            time: 0,
        };
        tape.push(&t);
        let html = tape_html(&tape);
        assert!(html.contains("class=\"trade sell\""));
        assert!(html.contains(">00:00:00<"));
        assert!(html.contains(">1<") && html.contains(">2<"));
    }
}
