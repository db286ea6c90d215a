//! `tradewire-mock`: runs the loopback simulator as its own process, for browser (wasm) tests
//! and benchmarks that must not share a process with the server.
//!
//! ```text
//! tradewire-mock [--port N] [--max-seconds S] [--binance] [--deribit]
//! ```
//!
//! Prints `LISTENING ws://127.0.0.1:PORT` on stdout once it accepts connections, then serves
//! until stdin closes, `--max-seconds` pass, or it is killed. Any HTTP request is echoed back
//! as JSON (`{"ok":true,"method":…,"path":…}`) with CORS headers. A WebSocket connection's
//! upgrade path picks its behaviour:
//!
//! - `/drop-after/N` (N ≥ 1): echoes the first N−1 data frames, then drops the connection
//!   abruptly on the N-th (no close frame, the N-th is not echoed), like a network failure.
//!   Counted per connection, so a reconnecting client gets N−1 echoes again.
//! - `/ping-every-ms/N` (N ≥ 1): sends a venue-style text ping `{"ping":K}` (K = 1, 2, … per
//!   connection) every N ms, and echoes every data frame, so a client's text pong comes back
//!   to it as proof that the server received it.
//! - any other path: echoes every data frame.
//!
//! Protocol pings are answered on every path. A malformed `N` (not a positive integer) refuses
//! the upgrade with `400`.
//!
//! With `--binance` it also runs the Binance spot simulator ([`BinanceSim`], default
//! configuration: streams, REST with CORS, WebSocket API) on another ephemeral port and prints
//! `LISTENING-BINANCE ws://127.0.0.1:PORT` (its REST base URL is the same address over
//! `http://`). With `--deribit` it runs the Deribit simulator ([`DeribitSim`], default
//! configuration; JSON-RPC over WebSocket at [`tradewire_mock::deribit::WS_PATH`]) and prints
//! `LISTENING-DERIBIT ws://127.0.0.1:PORT`. The lines come in this order: `LISTENING`, then
//! `LISTENING-BINANCE`, then `LISTENING-DERIBIT`, each only when asked for.

use std::io::Write;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tradewire_mock::binance::BinanceSim;
use tradewire_mock::deribit::DeribitSim;
use tradewire_mock::{
    Behaviour, ConnCtx, ConnSender, Handler, HttpRequest, HttpResponse, MockFrame, MockServer,
};

/// What a WebSocket connection does, chosen by its upgrade path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathBehaviour {
    /// Echo every data frame.
    Echo,
    /// Echo, but drop the connection abruptly on the N-th data frame.
    DropAfter(usize),
    /// Echo, and send `{"ping":K}` every this often.
    PingEvery(Duration),
}

impl PathBehaviour {
    /// The behaviour of `path` (query ignored); `Err` with a reason for a malformed number.
    fn of(path: &str) -> Result<Self, String> {
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let positive = |n: &str| match n.parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{path}: expected a positive integer, got {n:?}")),
        };
        if let Some(n) = path.strip_prefix("/drop-after/") {
            let n = positive(n)?;
            return usize::try_from(n)
                .map(PathBehaviour::DropAfter)
                .map_err(|e| format!("{path}: {e}"));
        }
        if let Some(n) = path.strip_prefix("/ping-every-ms/") {
            return Ok(PathBehaviour::PingEvery(Duration::from_millis(positive(
                n,
            )?)));
        }
        Ok(PathBehaviour::Echo)
    }
}

/// The echo server's handler: the path behaviours above, plus an HTTP echo: any request is
/// answered with `{"ok":true,"method":…,"path":…}` (and CORS headers, as every mock HTTP
/// response).
struct EchoHttp;

impl Handler for EchoHttp {
    fn on_upgrade(&self, request: &HttpRequest) -> Result<(), HttpResponse> {
        PathBehaviour::of(&request.path)
            .map(|_| ())
            .map_err(|reason| HttpResponse::text(400, reason))
    }

    fn on_connect(&self, conn: &ConnCtx) -> Vec<MockFrame> {
        if let Ok(PathBehaviour::PingEvery(every)) = PathBehaviour::of(conn.path()) {
            tokio::spawn(send_pings(conn.sender(), every));
        }
        Vec::new()
    }

    fn on_message(&self, conn: &ConnCtx, frame: &MockFrame) -> Vec<MockFrame> {
        match PathBehaviour::of(conn.path()) {
            Ok(PathBehaviour::DropAfter(n)) if conn.frames_received() >= n => {
                conn.sender().drop_connection();
                Vec::new()
            }
            _ => vec![frame.clone()],
        }
    }

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

/// Sends `{"ping":1}`, `{"ping":2}`, … every `every` until the connection is gone.
async fn send_pings(conn: ConnSender, every: Duration) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for k in 1u64.. {
        ticker.tick().await;
        if !conn.send(MockFrame::Text(format!(r#"{{"ping":{k}}}"#))) {
            break;
        }
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

/// Starts a venue simulator when `wanted` and prints `LISTENING-{label} ws://…`; exits the
/// process when it cannot start.
async fn start_sim<S>(
    wanted: bool,
    label: &str,
    start: impl Future<Output = std::io::Result<(MockServer, S)>>,
) -> Option<(MockServer, S)> {
    if !wanted {
        return None;
    }
    match start.await {
        Ok((server, sim)) => {
            println!("LISTENING-{label} {}", server.url());
            Some((server, sim))
        }
        Err(e) => {
            eprintln!("tradewire-mock: cannot start the {label} simulator: {e}");
            std::process::exit(1)
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: tradewire-mock [--port N] [--max-seconds S] [--binance] [--deribit]");
    std::process::exit(2)
}

fn main() {
    let mut port: u16 = 0;
    let mut max_seconds: Option<u64> = None;
    let mut binance = false;
    let mut deribit = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--port" => port = value().parse().unwrap_or_else(|_| usage()),
            "--max-seconds" => max_seconds = Some(value().parse().unwrap_or_else(|_| usage())),
            "--binance" => binance = true,
            "--deribit" => deribit = true,
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
        // The simulator handles are kept until the end: they own the simulated markets.
        let binance = start_sim(binance, "BINANCE", BinanceSim::start()).await;
        let deribit = start_sim(deribit, "DERIBIT", DeribitSim::start()).await;
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
        if let Some((sim, _)) = binance {
            sim.shutdown().await;
        }
        if let Some((sim, _)) = deribit {
            sim.shutdown().await;
        }
        server.shutdown().await;
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{self, Message};

    use super::*;

    async fn echo_server() -> MockServer {
        MockServer::start_with_handler(Behaviour::default(), EchoHttp)
            .await
            .unwrap()
    }

    #[test]
    fn paths_pick_the_behaviour() {
        assert_eq!(PathBehaviour::of("/"), Ok(PathBehaviour::Echo));
        assert_eq!(PathBehaviour::of("/ws/x?a=1"), Ok(PathBehaviour::Echo));
        assert_eq!(
            PathBehaviour::of("/drop-after/3"),
            Ok(PathBehaviour::DropAfter(3))
        );
        assert_eq!(
            PathBehaviour::of("/ping-every-ms/250?x"),
            Ok(PathBehaviour::PingEvery(Duration::from_millis(250)))
        );
        for bad in [
            "/drop-after/0",
            "/drop-after/",
            "/ping-every-ms/-1",
            "/ping-every-ms/1s",
        ] {
            assert!(PathBehaviour::of(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn drop_after_echoes_then_drops_without_a_close_frame_on_every_connection() {
        let server = echo_server().await;
        let url = format!("{}/drop-after/3", server.url());
        for _ in 0..2 {
            let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
                .await
                .unwrap();
            for text in ["one", "two"] {
                ws.send(Message::text(text)).await.unwrap();
                assert_eq!(ws.next().await.unwrap().unwrap(), Message::text(text));
            }
            ws.send(Message::text("three")).await.unwrap();
            match ws.next().await {
                None
                | Some(Err(tungstenite::Error::Protocol(
                    tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
                )))
                | Some(Err(tungstenite::Error::Io(_))) => {}
                other => panic!("expected an abrupt end, got {other:?}"),
            }
        }
        assert_eq!(server.received().len(), 6, "the third frame was received");
        server.shutdown().await;
    }

    #[tokio::test]
    async fn ping_every_sends_numbered_text_pings_and_echoes_the_pong() {
        let server = echo_server().await;
        let url = format!("{}/ping-every-ms/20", server.url());
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .unwrap();
        assert_eq!(
            ws.next().await.unwrap().unwrap(),
            Message::text(r#"{"ping":1}"#)
        );
        assert_eq!(
            ws.next().await.unwrap().unwrap(),
            Message::text(r#"{"ping":2}"#)
        );
        ws.send(Message::text(r#"{"pong":2}"#)).await.unwrap();
        let mut next_ping = 3;
        loop {
            let message = ws.next().await.unwrap().unwrap();
            if message == Message::text(r#"{"pong":2}"#) {
                break;
            }
            assert_eq!(message, Message::text(format!(r#"{{"ping":{next_ping}}}"#)));
            next_ping += 1;
        }
        server.shutdown().await;
    }

    #[tokio::test]
    async fn malformed_numbers_refuse_the_upgrade() {
        let server = echo_server().await;
        let url = format!("{}/drop-after/zero", server.url());
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 400),
            other => panic!("expected 400, got {other:?}"),
        }
        server.shutdown().await;
    }
}
