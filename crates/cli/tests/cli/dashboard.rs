//! `tradewire dashboard`: the built binary serving a page directory, its `/config.json`, path
//! traversal refused, and (with `--simulator`) the control endpoint dropping the simulators'
//! connections, seen through the unified API's status events.

// Test helpers outside #[test] functions may fail loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use tradewire::DataApi;
use tradewire::core::{LinkStatus, StatusEvent, Venue};

use super::common::{BIN, WAIT};

/// A running `tradewire dashboard`, killed when dropped (it serves until Ctrl-C).
struct Dashboard {
    child: Child,
    url: String,
}

impl Dashboard {
    fn start(args: &[&str]) -> Dashboard {
        let mut child = Command::new(BIN)
            .arg("dashboard")
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn tradewire dashboard");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("DASHBOARD ")
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("no DASHBOARD line: {line:?}")
            })
            .to_owned();
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "{url}"
        );
        Dashboard { child, url }
    }

    fn addr(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned()
    }

    /// One raw HTTP/1.1 request (the path is sent exactly as given, `..` included).
    fn request(&self, method: &str, path: &str) -> Reply {
        let mut stream = TcpStream::connect(self.addr()).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.addr()
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of headers");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let body = raw[split + 4..].to_vec();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap();
        let content_type = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-type")
                    .then(|| v.trim().to_owned())
            })
            .unwrap_or_default();
        Reply {
            status,
            content_type,
            body,
        }
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// A page directory (`site/`) with a secret file beside it, in a fresh temp dir.
fn site(name: &str) -> (PathBuf, PathBuf) {
    let base =
        std::env::temp_dir().join(format!("tradewire-dashboard-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("site");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("app.js"), "export {};").unwrap();
    std::fs::write(dir.join("style.css"), "body{}").unwrap();
    std::fs::write(dir.join("sub/index.html"), "sub").unwrap();
    std::fs::write(base.join("secret.txt"), "TOP-SECRET").unwrap();
    (base, dir)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn serves_the_page_with_content_types_and_config() {
    let (base, dir) = site("types");
    let d = Dashboard::start(&[
        "--dir",
        s(&dir),
        "--venue",
        "deribit",
        "--symbol",
        "BTC-PERPETUAL",
        "--timeframe",
        "5m",
    ]);
    for (path, ty, body) in [
        (
            "/",
            "text/html; charset=utf-8",
            &b"<!doctype html><title>t</title>"[..],
        ),
        (
            "/index.html",
            "text/html; charset=utf-8",
            b"<!doctype html><title>t</title>",
        ),
        ("/app_bg.wasm", "application/wasm", b"\0asm\x01\0\0\0"),
        ("/app.js", "text/javascript; charset=utf-8", b"export {};"),
        ("/style.css", "text/css; charset=utf-8", b"body{}"),
        ("/sub/", "text/html; charset=utf-8", b"sub"),
    ] {
        let r = d.request("GET", path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.content_type, ty, "{path}");
        assert_eq!(r.body, body, "{path}");
    }
    let head = d.request("HEAD", "/app.js");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(d.request("GET", "/missing.js").status, 404);
    assert_eq!(d.request("DELETE", "/index.html").status, 405);

    let config = d.request("GET", "/config.json");
    assert_eq!(config.status, 200);
    assert_eq!(config.content_type, "application/json");
    // The symbol in canonical spelling; no simulator: no URL overrides (production).
    assert_eq!(
        config.json(),
        serde_json::json!({"venue": "deribit", "symbol": "BTC/USD:BTC", "timeframe": "5m", "urls": {}})
    );
    // Without --simulator there is nothing to drop.
    assert_eq!(d.request("POST", "/control/drop-connections").status, 404);
    drop(d);
    let _ = std::fs::remove_dir_all(base);
}

#[test]
fn refuses_paths_outside_the_directory() {
    let (base, dir) = site("traversal");
    let d = Dashboard::start(&["--dir", s(&dir)]);
    // The file exists one level up.
    assert!(base.join("secret.txt").is_file());
    for path in [
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%5Csecret.txt",
        "/..\\secret.txt",
    ] {
        let r = d.request("GET", path);
        assert_eq!(r.status, 403, "{path}");
        assert!(
            !String::from_utf8_lossy(&r.body).contains("TOP-SECRET"),
            "{path}"
        );
    }
    // A symlink out of the directory is refused too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(base.join("secret.txt"), dir.join("link.txt")).unwrap();
        assert_eq!(d.request("GET", "/link.txt").status, 403);
    }
    drop(d);
    let _ = std::fs::remove_dir_all(base);
}

#[test]
fn missing_page_explains_how_to_build_it() {
    let out = Command::new(BIN)
        .args([
            "dashboard",
            "--port",
            "0",
            "--dir",
            "/nonexistent/tradewire-dashboard",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cargo xtask dashboard build"), "{stderr}");
    let out = Command::new(BIN)
        .args(["dashboard", "--venue", "nasdaq"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The next status event of `venue`, within the test's patience.
async fn next_status(events: &mut tradewire::core::BoxStream<'static, StatusEvent>) -> LinkStatus {
    tokio::time::timeout(WAIT, events.next())
        .await
        .expect("no status event in time")
        .expect("status stream ended")
        .status
}

/// Waits for `want` (ignoring other statuses on the way).
async fn wait_for(
    events: &mut tradewire::core::BoxStream<'static, StatusEvent>,
    want: fn(&LinkStatus) -> bool,
) -> LinkStatus {
    loop {
        let status = next_status(events).await;
        if want(&status) {
            return status;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulator_config_points_at_the_simulators_and_drop_really_drops() {
    let (base, dir) = site("sim");
    let d = Dashboard::start(&["--dir", s(&dir), "--simulator"]);
    let config = d.request("GET", "/config.json").json();
    assert_eq!(config["venue"], "binance");
    assert_eq!(config["timeframe"], "1m");
    let binance_ws = config["urls"]["binance"]["ws"].as_str().unwrap().to_owned();
    let binance_rest = config["urls"]["binance"]["rest"]
        .as_str()
        .unwrap()
        .to_owned();
    let deribit_ws = config["urls"]["deribit"]["ws"].as_str().unwrap().to_owned();
    assert!(binance_ws.starts_with("ws://127.0.0.1:"), "{binance_ws}");
    assert!(
        binance_rest.starts_with("http://127.0.0.1:"),
        "{binance_rest}"
    );
    assert!(
        deribit_ws.starts_with("ws://127.0.0.1:") && deribit_ws.ends_with("/ws/api/v2"),
        "{deribit_ws}"
    );

    // The Binance REST side answers a page on another origin (CORS).
    let rest = url_host(&binance_rest);
    let reply = raw_get(&rest, "/api/v3/ping", "http://127.0.0.1:1");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("Access-Control-Allow-Origin: *"), "{reply}");

    // The page's view: the unified API on the URLs of config.json.
    let api = DataApi::new()
        .ws_url(Venue::Binance, binance_ws)
        .rest_url(Venue::Binance, binance_rest)
        .ws_url(Venue::Deribit, deribit_ws);
    // Status is reported as a stream is consumed: each trade stream is drained by a task that
    // forwards its trades.
    let mut venues = Vec::new();
    for (venue, symbol) in [
        (Venue::Binance, "BTC/USDT"),
        (Venue::Deribit, "BTC-PERPETUAL"),
    ] {
        let md = api.venue(venue).unwrap();
        let mut events = md.status_events();
        let symbol = DataApi::parse_symbol(venue, symbol).unwrap();
        let mut trades = md.stream_trades(vec![symbol]).await.unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let drain = tokio::spawn(async move {
            while let Some(trade) = trades.next().await {
                if tx.send(trade).is_err() {
                    break;
                }
            }
        });
        wait_for(&mut events, |s| *s == LinkStatus::Connected).await;
        let first = tokio::time::timeout(WAIT, rx.recv()).await.unwrap();
        assert!(first.unwrap().is_ok(), "{venue}");
        venues.push((venue, md, events, rx, drain));
    }

    let reply = tokio::task::spawn_blocking({
        let addr = d.addr();
        move || raw_post(&addr, "/control/drop-connections")
    })
    .await
    .unwrap();
    let body: serde_json::Value =
        serde_json::from_str(reply.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert!(body["dropped"]["binance"].as_u64().unwrap() >= 1, "{body}");
    assert!(body["dropped"]["deribit"].as_u64().unwrap() >= 1, "{body}");

    // Both connections really dropped: each reports reconnecting, then connected again, and
    // trades flow again.
    for (venue, _md, events, rx, drain) in &mut venues {
        let status = wait_for(events, |s| matches!(s, LinkStatus::Reconnecting { .. })).await;
        assert!(
            matches!(status, LinkStatus::Reconnecting { attempt, .. } if attempt >= 1),
            "{venue}: {status:?}"
        );
        wait_for(events, |s| *s == LinkStatus::Connected).await;
        while rx.try_recv().is_ok() {}
        let next = tokio::time::timeout(WAIT, rx.recv()).await.unwrap();
        assert!(next.is_some(), "{venue}");
        drain.abort();
    }
    drop(d);
    let _ = std::fs::remove_dir_all(base);
}

fn url_host(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

fn raw_get(addr: &str, path: &str, origin: &str) -> String {
    raw(
        addr,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n"
        ),
    )
}

fn raw_post(addr: &str, path: &str) -> String {
    raw(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    )
}

fn raw(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}
