//! `cargo xtask capabilities [--check]`: the venue × capability table of README.md, generated
//! from the code.
//!
//! Each venue's provider is constructed with its `production()` endpoints (nothing connects:
//! `capabilities()` is a pure function of the provider) and asked for its
//! [`Capabilities`] through [`MarketDataSource`]. The table is rendered as Markdown
//! ([`render`]) and written into README.md between [`BEGIN`] and [`END`]; with `--check` the
//! README is left alone and the command fails when its table differs (a stale table in CI).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args as ClapArgs;
use tradewire::DataApi;
use tradewire::core::{Capabilities, MarketDataSource, Timeframe, Venue};

/// The line before the generated table.
pub const BEGIN: &str = "<!-- capabilities:begin -->";
/// The line after the generated table.
pub const END: &str = "<!-- capabilities:end -->";

/// Arguments of `cargo xtask capabilities`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Do not write: exit non-zero when README.md's table differs from the code's.
    #[arg(long)]
    pub check: bool,
    /// The workspace root (default: found from this crate or the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<ExitCode> {
    let root = match &args.root {
        Some(root) => root.clone(),
        None => crate::root::workspace_root()?,
    };
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .with_context(|| format!("reading {}", readme_path.display()))?;
    let table = render(&venue_capabilities()?);
    let updated = splice(&readme, &table).with_context(|| display(&readme_path))?;
    if args.check {
        if updated == readme {
            println!("README.md capability table is up to date");
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!(
                "xtask: README.md capability table is stale (it differs from the providers' \
                 capabilities()); run `cargo xtask capabilities` and commit the result"
            );
            Ok(ExitCode::FAILURE)
        }
    } else {
        if updated != readme {
            std::fs::write(&readme_path, &updated)
                .with_context(|| format!("writing {}", readme_path.display()))?;
            println!("README.md: capability table rewritten");
        } else {
            println!("README.md capability table is up to date");
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn display(path: &Path) -> String {
    format!("updating {}", path.display())
}

/// The capabilities of every venue this build has a provider for (in
/// [`DataApi::available`] order), each provider constructed with its production endpoints.
pub fn venue_capabilities() -> Result<Vec<(Venue, Capabilities)>> {
    DataApi::available()
        .into_iter()
        .map(|venue| Ok((venue, provider(venue)?.capabilities())))
        .collect()
}

/// The production provider of `venue`.
fn provider(venue: Venue) -> Result<Box<dyn MarketDataSource>> {
    Ok(match venue {
        Venue::Binance => Box::new(tradewire::binance::provider::BinanceProvider::production()?),
        Venue::Deribit => Box::new(tradewire::deribit::provider::DeribitProvider::production()?),
        other => bail!("no provider for {other} in xtask/src/capabilities.rs: add it there"),
    })
}

/// `readme` with the lines between [`BEGIN`] and [`END`] replaced by `table` (the markers
/// stay). Fails when a marker is missing, repeated or out of order.
pub fn splice(readme: &str, table: &str) -> Result<String> {
    let begin = single(readme, BEGIN)?;
    let end = single(readme, END)?;
    if end < begin {
        bail!("{END} comes before {BEGIN}");
    }
    let head_end = begin + BEGIN.len();
    let mut out = String::with_capacity(readme.len() + table.len());
    out.push_str(&readme[..head_end]);
    out.push('\n');
    out.push_str(table);
    if !table.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&readme[end..]);
    Ok(out)
}

/// The byte offset of the only occurrence of `marker` in `text`.
fn single(text: &str, marker: &str) -> Result<usize> {
    let mut found = text.match_indices(marker).map(|(i, _)| i);
    match (found.next(), found.next()) {
        (Some(i), None) => Ok(i),
        (None, _) => bail!("marker {marker} not found"),
        (Some(_), Some(_)) => bail!("marker {marker} appears more than once"),
    }
}

/// The Markdown table: one row per venue.
pub fn render(venues: &[(Venue, Capabilities)]) -> String {
    let mut out = String::new();
    out.push_str(
        "| venue | candles over REST (timeframes) | candle streams (timeframes) | trades \
         | order book (REST / stream) | ticker stream | funding rate | open interest \
         | max streams per connection |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|\n");
    for (venue, caps) in venues {
        let rest = if caps.rest_timeframes.is_empty() {
            "no".to_owned()
        } else {
            format!(
                "{} (pages of {})",
                timeframes(&caps.rest_timeframes),
                caps.candles_page_limit
            )
        };
        let cells = [
            format!("`{}`", venue.as_str()),
            rest,
            timeframes(&caps.stream_timeframes),
            trades(caps),
            format!("{} / {}", yes_no(caps.order_book), yes_no(caps.streams)),
            yes_no(caps.streams).to_owned(),
            yes_no(caps.funding_rate).to_owned(),
            yes_no(caps.open_interest).to_owned(),
            caps.max_streams_per_connection.to_string(),
        ];
        out.push_str("| ");
        out.push_str(&cells.join(" | "));
        out.push_str(" |\n");
    }
    out
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// `1m 5m 1h` in code spans, or `no`.
fn timeframes(tfs: &[Timeframe]) -> String {
    if tfs.is_empty() {
        return "no".into();
    }
    tfs.iter()
        .map(|tf| format!("`{}`", tf.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where trades come from: recent trades over REST, live over a stream.
fn trades(caps: &Capabilities) -> String {
    match (caps.recent_trades, caps.streams) {
        (true, true) => "REST + stream".into(),
        (true, false) => "REST".into(),
        (false, true) => "stream".into(),
        (false, false) => "no".into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn caps(streams: Vec<Timeframe>, rest: Vec<Timeframe>) -> Capabilities {
        Capabilities {
            stream_timeframes: streams,
            rest_timeframes: rest,
            max_streams_per_connection: 7,
            candles_page_limit: 100,
            order_book: true,
            recent_trades: false,
            funding_rate: true,
            open_interest: false,
            streams: true,
        }
    }

    #[test]
    fn renders_one_row_per_venue() {
        let table = render(&[
            (
                Venue::Binance,
                caps(vec![Timeframe::M1], vec![Timeframe::M1, Timeframe::H1]),
            ),
            (Venue::Deribit, caps(vec![], vec![])),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("| venue | candles over REST (timeframes) |"));
        assert!(lines[0].ends_with("| max streams per connection |"));
        assert_eq!(lines[1], "|---|---|---|---|---|---|---|---|---|");
        assert_eq!(
            lines[2],
            "| `binance` | `1m` `1h` (pages of 100) | `1m` | stream | yes / yes | yes | yes | no | 7 |"
        );
        assert_eq!(
            lines[3],
            "| `deribit` | no | no | stream | yes / yes | yes | yes | no | 7 |"
        );
        // Every row has as many cells as the header.
        let cells = |l: &str| l.matches(" | ").count();
        assert!(lines.iter().skip(2).all(|l| cells(l) == cells(lines[0])));
    }

    #[test]
    fn trades_cell() {
        let mut c = caps(vec![], vec![]);
        for (recent, streams, want) in [
            (true, true, "REST + stream"),
            (true, false, "REST"),
            (false, true, "stream"),
            (false, false, "no"),
        ] {
            c.recent_trades = recent;
            c.streams = streams;
            assert_eq!(trades(&c), want);
        }
    }

    #[test]
    fn splice_replaces_between_markers_only() {
        let readme = format!("top\n{BEGIN}\nold | table\n{END}\nbottom\n");
        let out = splice(&readme, "| new |\n").unwrap();
        assert_eq!(out, format!("top\n{BEGIN}\n| new |\n{END}\nbottom\n"));
        // Idempotent: splicing the same table again changes nothing.
        assert_eq!(splice(&out, "| new |\n").unwrap(), out);
        // Empty region.
        let empty = format!("{BEGIN}\n{END}\n");
        assert_eq!(
            splice(&empty, "| t |").unwrap(),
            format!("{BEGIN}\n| t |\n{END}\n")
        );
    }

    #[test]
    fn splice_rejects_bad_markers() {
        assert!(splice("no markers", "x").is_err());
        assert!(splice(&format!("{END}\n{BEGIN}\n"), "x").is_err());
        assert!(splice(&format!("{BEGIN}\n{BEGIN}\n{END}\n"), "x").is_err());
    }

    /// The real providers answer `capabilities()` without a network or a runtime.
    #[test]
    fn production_providers_report_capabilities_offline() {
        let venues = venue_capabilities().unwrap();
        assert_eq!(
            venues.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
            DataApi::available()
        );
        let binance = &venues.iter().find(|(v, _)| *v == Venue::Binance).unwrap().1;
        assert!(binance.stream_timeframes.contains(&Timeframe::S1));
        assert!(!binance.funding_rate);
        let deribit = &venues.iter().find(|(v, _)| *v == Venue::Deribit).unwrap().1;
        assert!(deribit.funding_rate && deribit.open_interest);
        let table = render(&venues);
        assert_eq!(table.lines().count(), 2 + venues.len());
    }
}
