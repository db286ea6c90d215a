//! `tradewire decode --venue <venue>`: raw WebSocket frames on stdin, normalized events on
//! stdout.
//!
//! Input: one frame per line — a text frame's text as is, a binary frame as `b64:` followed by
//! the standard base64 of its bytes (blank lines are skipped; a trailing `\r` is ignored).
//! Output: one JSON object per normalized event (`docs/events.md`, the serde form of
//! `tradewire::core::MarketEvent`); frames without market data (subscription replies,
//! pongs, Deribit JSON-RPC responses and heartbeats) print nothing, frames with several events (all-market arrays) print one line each.
//! A frame that cannot be decoded prints `error: line N: …` on stderr and decoding goes on;
//! the exit status is 1 when any frame failed.

use std::io::{self, BufRead, BufReader, BufWriter, Write};

use anyhow::{Context, bail};
use base64::Engine as _;
use tradewire::core::{MarketEvent, Venue};
use tradewire::websockets::{Frame, WsMessage};

/// Options of `tradewire decode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The venue whose frames are on stdin (supported: binance, deribit).
    #[arg(long, value_parser = parse_venue)]
    venue: Venue,
    /// The venue symbol of frames whose payload does not name one (Binance partial depth
    /// `<symbol>@depth<N>` raw streams), e.g. BTCUSDT.
    #[arg(long, value_name = "SYMBOL")]
    symbol: Option<String>,
}

fn parse_venue(s: &str) -> Result<Venue, String> {
    s.parse::<Venue>().map_err(|e| e.to_string())
}

/// A venue's frame decoder: one frame in, its normalized events appended to `out`.
trait FrameDecoder {
    fn decode(&self, frame: Input<'_>, out: &mut Vec<MarketEvent>) -> Result<(), String>;
}

/// The venues `decode` supports: one line per venue.
/// Builds a venue's decoder from the options.
type MakeDecoder = fn(&Args) -> Box<dyn FrameDecoder>;

const DECODERS: &[(Venue, MakeDecoder)] = &[
    (Venue::Binance, |args| {
        Box::new(BinanceDecoder {
            symbol: args.symbol.clone(),
        })
    }),
    (Venue::Deribit, |_| Box::new(DeribitDecoder)),
];

fn decoder(args: &Args) -> anyhow::Result<Box<dyn FrameDecoder>> {
    match DECODERS.iter().find(|(venue, _)| *venue == args.venue) {
        Some((_, make)) => Ok(make(args)),
        None => {
            let supported: Vec<String> = DECODERS.iter().map(|(v, _)| v.to_string()).collect();
            bail!(
                "decode: venue {} is not supported yet (supported: {})",
                args.venue,
                supported.join(", ")
            )
        }
    }
}

struct BinanceDecoder {
    symbol: Option<String>,
}

impl FrameDecoder for BinanceDecoder {
    fn decode(&self, frame: Input<'_>, out: &mut Vec<MarketEvent>) -> Result<(), String> {
        use tradewire::binance::BinanceMessage;
        let decoded = match frame {
            // Text frames are decoded from the borrowed line (no copy into a Frame).
            Input::Text(text) => BinanceMessage::decode_str(text),
            Input::Binary(bytes) => BinanceMessage::decode(&Frame::binary(bytes)),
        };
        let Some(mut message) = decoded.map_err(|e| e.to_string())? else {
            return Ok(());
        };
        if let BinanceMessage::PartialDepth(p) = &mut message {
            if p.book.venue_symbol.is_empty() {
                match &self.symbol {
                    Some(s) => p.set_venue_symbol(s),
                    None => {
                        return Err("partial depth payload names no symbol: pass \
                                    --symbol, or feed combined-stream frames"
                            .to_owned());
                    }
                }
            }
        }
        out.extend(message.into_market_events());
        Ok(())
    }
}

/// Deribit JSON-RPC frames: notifications of market channels print events; responses,
/// heartbeats and other notifications print nothing.
struct DeribitDecoder;

impl FrameDecoder for DeribitDecoder {
    fn decode(&self, frame: Input<'_>, out: &mut Vec<MarketEvent>) -> Result<(), String> {
        use tradewire_deribit::DeribitMessage;
        let decoded = match frame {
            Input::Text(text) => DeribitMessage::decode_str(text),
            Input::Binary(bytes) => DeribitMessage::decode(&Frame::binary(bytes)),
        };
        if let Some(message) = decoded.map_err(|e| e.to_string())? {
            out.extend(message.market_events());
        }
        Ok(())
    }
}

/// One input line as a frame.
enum Input<'a> {
    Text(&'a str),
    Binary(Vec<u8>),
}

fn parse_line(line: &[u8]) -> Result<Input<'_>, String> {
    if let Some(b64) = line.strip_prefix(b"b64:") {
        return base64::engine::general_purpose::STANDARD
            .decode(b64.trim_ascii())
            .map(Input::Binary)
            .map_err(|e| format!("invalid base64 after b64: ({e})"));
    }
    std::str::from_utf8(line)
        .map(Input::Text)
        .map_err(|e| format!("text frame is not valid UTF-8 ({e})"))
}

/// Runs the command.
pub fn run(args: Args) -> anyhow::Result<()> {
    let decoder = decoder(&args)?;
    let mut input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut line = Vec::with_capacity(1 << 12);
    let mut events = Vec::new();
    let (mut lines, mut failed) = (0u64, 0u64);
    loop {
        line.clear();
        if input
            .read_until(b'\n', &mut line)
            .context("reading stdin")?
            == 0
        {
            break;
        }
        lines += 1;
        let mut frame = line.as_slice();
        frame = frame.strip_suffix(b"\n").unwrap_or(frame);
        frame = frame.strip_suffix(b"\r").unwrap_or(frame);
        if frame.trim_ascii().is_empty() {
            continue;
        }
        events.clear();
        let result = parse_line(frame).and_then(|f| decoder.decode(f, &mut events));
        match result {
            Ok(()) => {
                for event in &events {
                    serde_json::to_writer(&mut out, event).context("writing stdout")?;
                    out.write_all(b"\n").context("writing stdout")?;
                }
            }
            Err(message) => {
                failed += 1;
                // Keep stdout and stderr in order for readers of both.
                out.flush().context("writing stdout")?;
                eprintln!("error: line {lines}: {message}");
            }
        }
    }
    out.flush().context("writing stdout")?;
    if failed > 0 {
        bail!("{failed} of {lines} lines could not be decoded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_frames() {
        assert!(matches!(parse_line(b"{}"), Ok(Input::Text("{}"))));
        match parse_line(b"b64:AQID") {
            Ok(Input::Binary(b)) => assert_eq!(b, [1, 2, 3]),
            _ => panic!(),
        }
        assert!(parse_line(b"b64:!!").is_err());
        assert!(parse_line(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn unsupported_venues_are_refused() {
        let args = Args {
            venue: Venue::Okx,
            symbol: None,
        };
        assert!(decoder(&args).is_err());
    }

    #[test]
    fn deribit_frames() {
        let args = Args {
            venue: Venue::Deribit,
            symbol: None,
        };
        let d = decoder(&args).unwrap();
        let mut out = Vec::new();
        // https://docs.deribit.com/#trades-instrument_name-interval (notification example)
        let trades = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.100ms","data":[{"trade_seq":30289442,"trade_id":"48079269","timestamp":1590484156350,"tick_direction":2,"price":8950.0,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL","index_price":8955.88,"direction":"sell","amount":10.0}]}}"#;
        d.decode(Input::Text(trades), &mut out).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            serde_json::to_string(&out[0]).unwrap(),
            r#"{"type":"trade","venue":"deribit","symbol":"BTC/USD:BTC","venue_symbol":"BTC-PERPETUAL","id":"48079269","price":"8950.0","amount":"10.0","side":"sell","time":1590484156350}"#
        );
        out.clear();
        // A response prints nothing.
        d.decode(
            Input::Text(r#"{"jsonrpc":"2.0","id":1,"result":["trades.BTC-PERPETUAL.100ms"]}"#),
            &mut out,
        )
        .unwrap();
        assert!(out.is_empty());
        assert!(d.decode(Input::Text("{"), &mut out).is_err());
        assert!(d.decode(Input::Binary(vec![1, 2]), &mut out).is_err());
    }
}
