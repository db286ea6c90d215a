//! `tradewire demo`: the offline main job.
//!
//! Starts the loopback simulator publishing Binance-shaped trade events, connects to it through
//! the supervised transport, subscribes, and prints what arrives. Half-way through the simulator
//! drops every connection, so the run also shows the reconnect, the subscription replay and the
//! health counters. Runs until `--duration` or Ctrl-C.

use std::time::Duration;

use anyhow::Context;
use futures::StreamExt;
use tradewire::websockets::{
    Frame, ReconnectPolicy, WebSocketClientBuilder, WebSocketConfig, WebSocketConnection,
    WebSocketEvent,
};
use tradewire_mock::{Behaviour, Feed, MockFrame, MockServer, sample_trade_frame};

/// Options of `tradewire demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to run (e.g. 5s, 2m); Ctrl-C stops earlier.
    #[arg(long, default_value = "6s", value_parser = parse_duration)]
    duration: Duration,
    /// Print one JSON object per event instead of a readable log.
    #[arg(long)]
    jsonl: bool,
    /// Trade events per second published by the simulator.
    #[arg(long, default_value_t = 5)]
    rate: u32,
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
    let interval = Duration::from_secs_f64(1.0 / f64::from(args.rate.max(1)));
    let frames = (0..10_000)
        .map(|i| MockFrame::Text(sample_trade_frame(i)))
        .collect();
    let server = MockServer::start_with(Behaviour {
        echo: false,
        feed: Some(Feed::new(frames).with_interval(interval)),
        ..Behaviour::default()
    })
    .await
    .context("starting the simulator")?;
    let url = format!("{}/ws", server.url());
    eprintln!("simulator listening on {url}");

    let conn = WebSocketClientBuilder::new(url)
        .config(WebSocketConfig::new("").reconnect(ReconnectPolicy {
            initial_delay: Duration::from_millis(250),
            ..ReconnectPolicy::default()
        }))
        .build::<String>();
    let mut events = conn.event_stream().context("event stream already taken")?;
    conn.subscribe(
        "btcusdt@trade",
        Frame::text(r#"{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}"#),
    )?;
    conn.connect().await?;

    let stop = tokio::time::sleep(args.duration);
    tokio::pin!(stop);
    let drop_at = tokio::time::sleep(args.duration / 2);
    tokio::pin!(drop_at);
    let mut dropped = false;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = &mut drop_at, if !dropped => {
                dropped = true;
                eprintln!("simulator: dropping every connection");
                server.drop_all();
            }
            event = events.next() => match event {
                Some(event) => print_event(&event, args.jsonl),
                None => break,
            },
        }
    }
    let health = conn.health();
    conn.disconnect().await;
    println!("{}", serde_json::to_string(&health)?);
    Ok(())
}

fn print_event(event: &WebSocketEvent<String>, jsonl: bool) {
    let line = match event {
        WebSocketEvent::Message(text) if jsonl => text.clone(),
        WebSocketEvent::Message(text) => format!("message   {text}"),
        WebSocketEvent::Connected => json_or(jsonl, r#"{"event":"connected"}"#, "connected".into()),
        WebSocketEvent::Reconnecting { attempt, delay } => json_or(
            jsonl,
            &format!(
                r#"{{"event":"reconnecting","attempt":{attempt},"delay_ms":{}}}"#,
                delay.as_millis()
            ),
            format!("reconnecting (attempt {attempt}, in {delay:?})"),
        ),
        WebSocketEvent::Disconnected { reason } => json_or(
            jsonl,
            &serde_json::json!({"event": "disconnected", "reason": reason}).to_string(),
            format!("disconnected: {reason}"),
        ),
        WebSocketEvent::Error(e) => json_or(
            jsonl,
            &serde_json::json!({"event": "error", "message": e.to_string()}).to_string(),
            format!("error: {e}"),
        ),
    };
    println!("{line}");
}

fn json_or(jsonl: bool, json: &str, text: String) -> String {
    if jsonl { json.to_owned() } else { text }
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
