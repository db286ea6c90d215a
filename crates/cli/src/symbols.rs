//! `tradewire symbols <venue>`: every instrument of a venue as JSON lines.

use std::io::Write;

use anyhow::Context;
use tradewire::core::{Decimal, SymbolInfo, Venue};

use crate::common;

/// Options of `tradewire symbols`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The venue: binance or deribit.
    venue: String,
    /// The venue's WebSocket base (Deribit answers requests over it).
    #[arg(long)]
    url: Option<String>,
    /// The venue's REST base (Binance: https://api.binance.com).
    #[arg(long)]
    rest_url: Option<String>,
}

fn decimal(d: Option<Decimal>) -> serde_json::Value {
    d.map_or(serde_json::Value::Null, |d| {
        serde_json::Value::String(d.to_string())
    })
}

/// One instrument as a JSON object (decimals as strings, like `docs/events.md`).
pub fn to_json(venue: Venue, info: &SymbolInfo) -> serde_json::Value {
    serde_json::json!({
        "venue": venue.as_str(),
        "symbol": info.symbol.as_str(),
        "venue_symbol": info.venue_symbol,
        "kind": info.kind,
        "active": info.active,
        "price_tick": decimal(info.price_tick),
        "amount_step": decimal(info.amount_step),
        "min_amount": decimal(info.min_amount),
    })
}

/// Runs the command.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let venue = common::parse_venue(&args.venue)?;
    let md = common::client(venue, args.url.as_deref(), args.rest_url.as_deref())?;
    let symbols = md
        .get_symbols()
        .await
        .with_context(|| format!("listing the instruments of {venue}"))?;
    let mut out = std::io::stdout().lock();
    for info in &symbols {
        serde_json::to_writer(&mut out, &to_json(venue, info)).context("writing stdout")?;
        out.write_all(b"\n").context("writing stdout")?;
    }
    out.flush().context("writing stdout")
}
