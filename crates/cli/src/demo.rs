//! `tradewire demo`: the offline main job.
//!
//! Starts the built-in Binance simulator on 127.0.0.1 (documented stream, REST and WebSocket API
//! protocol, deterministic market), connects the real Binance public client to it, subscribes to
//! trades, 1-second klines and best bid/ask for two symbols, and prints the normalized events
//! (the `docs/events.md` schema) as they arrive. Half-way through, the simulator cuts every
//! connection the way Binance's 24-hour limit does: the client reconnects and replays its
//! subscriptions, and the stream goes on. Runs until `--duration` or Ctrl-C, then prints the
//! connection's health.

use std::time::Duration;

use anyhow::Context;
use futures::StreamExt;
use tradewire::binance::public::websocket::{
    BinancePublicClient, BinancePublicConfig, PublicEvent,
};
use tradewire::binance::streams::StreamName;
use tradewire::core::{MarketEvent, Timeframe};
use tradewire_mock::binance::BinanceSim;

/// Options of `tradewire demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to run (e.g. 5s, 2m); Ctrl-C stops earlier.
    #[arg(long, default_value = "6s", value_parser = parse_duration)]
    duration: Duration,
    /// Print one JSON object per event (docs/events.md) instead of a readable view.
    #[arg(long)]
    jsonl: bool,
}

/// Parses `500ms`, `5s`, `2m` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (examples: 500ms, 5s, 2m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration unit in {s:?} (use ms, s, m or h)"
            ));
        }
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("invalid duration {s:?}: {e}"))
}

/// Runs the demo.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let (server, sim) = BinanceSim::start()
        .await
        .context("starting the Binance simulator")?;
    eprintln!("Binance simulator listening on {}", server.url());

    let (client, mut events) = BinancePublicClient::new(BinancePublicConfig::new(server.url()))
        .context("building the Binance public client")?;
    client.connect().await?;
    let mut streams = Vec::new();
    for symbol in ["BTCUSDT", "ETHUSDT"] {
        streams.push(StreamName::trade(symbol));
        streams.push(StreamName::kline(symbol, Timeframe::S1));
        streams.push(StreamName::book_ticker(symbol));
    }
    client.subscribe(&streams).await?;
    eprintln!(
        "subscribed: {}",
        streams
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );

    let stop = tokio::time::sleep(args.duration);
    tokio::pin!(stop);
    let cut_at = tokio::time::sleep(args.duration / 2);
    tokio::pin!(cut_at);
    let mut cut = false;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = &mut cut_at, if !cut => {
                cut = true;
                eprintln!("simulator: cutting every connection (as Binance does at 24 h)");
                sim.force_disconnect_all();
            }
            event = events.next() => match event {
                Some(PublicEvent::Message(msg)) => {
                    for event in msg.into_market_events() {
                        print_event(&event, args.jsonl)?;
                    }
                }
                Some(PublicEvent::Reconnecting { attempt, delay, .. }) => {
                    eprintln!("reconnecting (attempt {attempt}, in {delay:?})");
                }
                Some(PublicEvent::Connected) => eprintln!("connected"),
                Some(PublicEvent::Disconnected { reason }) => {
                    eprintln!("disconnected: {reason}");
                    break;
                }
                Some(other) => eprintln!("{other:?}"),
                None => break,
            },
        }
    }
    let health = client.health();
    client.disconnect().await;
    eprintln!("{}", serde_json::to_string(&health)?);
    Ok(())
}

fn print_event(event: &MarketEvent, jsonl: bool) -> anyhow::Result<()> {
    if jsonl {
        println!("{}", serde_json::to_string(event)?);
        return Ok(());
    }
    match event {
        MarketEvent::Trade(t) => println!(
            "trade   {:<10} {:>5} {} @ {}",
            t.venue_symbol, t.side, t.amount, t.price
        ),
        MarketEvent::Candle(c) => println!(
            "candle  {:<10} {} o {} h {} l {} c {} v {}{}",
            c.venue_symbol,
            c.timeframe,
            c.open,
            c.high,
            c.low,
            c.close,
            c.volume,
            if c.closed { "  (closed)" } else { "" }
        ),
        MarketEvent::Ticker(t) => println!(
            "bbo     {:<10} {} x {}  /  {} x {}",
            t.venue_symbol,
            opt(&t.bid),
            opt(&t.bid_amount),
            opt(&t.ask),
            opt(&t.ask_amount)
        ),
        other => println!("{}", serde_json::to_string(other)?),
    }
    Ok(())
}

fn opt(v: &Option<tradewire::core::Decimal>) -> String {
    v.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("5x").unwrap_err().contains("unit"));
        assert!(parse_duration("abc").is_err());
    }
}
