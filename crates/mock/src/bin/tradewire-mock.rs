//! `tradewire-mock`: runs the loopback simulator as its own process, for browser (wasm) tests
//! and benchmarks that must not share a process with the server.
//!
//! ```text
//! tradewire-mock [--port N] [--max-seconds S] [--binance]
//! ```
//!
//! Prints `LISTENING ws://127.0.0.1:PORT` on stdout once it accepts connections, then serves
//! (echoing every frame, answering pings; any HTTP request is echoed back as JSON with CORS) until stdin closes, `--max-seconds`
//! pass, or it is killed.
//!
//! With `--binance` it also runs the Binance spot simulator ([`BinanceSim`], default
//! configuration: streams, REST with CORS, WebSocket API) on another ephemeral port and prints
//! `LISTENING-BINANCE ws://127.0.0.1:PORT` as the second line.

use std::io::Write;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tradewire_mock::binance::BinanceSim;
use tradewire_mock::{Behaviour, Handler, HttpRequest, HttpResponse, MockServer};

/// The scripted WebSocket behaviour, plus an HTTP echo: any request is answered with
/// `{"ok":true,"method":…,"path":…}` (and CORS headers, as every mock HTTP response).
struct EchoHttp;

impl Handler for EchoHttp {
    fn on_http(&self, request: &HttpRequest) -> HttpResponse {
        HttpResponse::json(
            200,
            format!(
                r#"{{"ok":true,"method":"{}","path":"{}"}}"#,
                json_escape(&request.method),
                json_escape(&request.path)
            ),
        )
    }
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn usage() -> ! {
    eprintln!("usage: tradewire-mock [--port N] [--max-seconds S] [--binance]");
    std::process::exit(2)
}

fn main() {
    let mut port: u16 = 0;
    let mut max_seconds: Option<u64> = None;
    let mut binance = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--port" => port = value().parse().unwrap_or_else(|_| usage()),
            "--max-seconds" => max_seconds = Some(value().parse().unwrap_or_else(|_| usage())),
            "--binance" => binance = true,
            _ => usage(),
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tradewire-mock: cannot start runtime: {e}");
            std::process::exit(1)
        }
    };
    runtime.block_on(async move {
        let server =
            match MockServer::start_with_handler_on(port, Behaviour::default(), EchoHttp).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("tradewire-mock: cannot listen on 127.0.0.1:{port}: {e}");
                    std::process::exit(1)
                }
            };
        println!("LISTENING {}", server.url());
        let binance = if binance {
            match BinanceSim::start().await {
                Ok((server, _sim)) => {
                    println!("LISTENING-BINANCE {}", server.url());
                    Some(server)
                }
                Err(e) => {
                    eprintln!("tradewire-mock: cannot start the Binance simulator: {e}");
                    std::process::exit(1)
                }
            }
        } else {
            None
        };
        let _ = std::io::stdout().flush();
        let stdin_closed = async {
            let mut stdin = tokio::io::stdin();
            let mut buf = [0u8; 256];
            while let Ok(n) = stdin.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        };
        let deadline = async {
            match max_seconds {
                Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stdin_closed => {}
            _ = deadline => {}
        }
        if let Some(binance) = binance {
            binance.shutdown().await;
        }
        server.shutdown().await;
    });
}
