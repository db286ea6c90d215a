//! `tradewire dashboard`: serves the browser dashboard (built by `cargo xtask dashboard build`)
//! on 127.0.0.1, with a `/config.json` generated from the flags.
//!
//! With `--simulator` it also starts the Binance and Deribit simulators in-process (their REST
//! side answers CORS requests, so the page can call it from another origin), points
//! `config.json` at them and exposes `POST /control/drop-connections`, which drops every live
//! WebSocket connection of both simulators (the page's badge then shows the reconnection).
//!
//! Prints `DASHBOARD http://127.0.0.1:PORT/` on stdout once listening and serves until Ctrl-C.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tradewire::core::{Timeframe, Venue};
use tradewire_mock::MockServer;
use tradewire_mock::binance::BinanceSim;
use tradewire_mock::deribit::{DeribitSim, WS_PATH};

use crate::{UsageError, common};

/// Options of `tradewire dashboard`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Venue shown first (the page has a picker).
    #[arg(long, default_value = "binance")]
    venue: String,
    /// Symbol shown first, canonical (BTC/USDT) or the venue's spelling (BTCUSDT,
    /// BTC-PERPETUAL); default: the venue's BTC market.
    #[arg(long)]
    symbol: Option<String>,
    /// Candle timeframe shown first.
    #[arg(long, default_value = "1m")]
    timeframe: String,
    /// Start the Binance and Deribit simulators in-process and point the page at them.
    #[arg(long)]
    simulator: bool,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Directory of the built page (default: `<target>/dashboard`, where
    /// `cargo xtask dashboard build` writes it).
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// What every request handler sees.
struct Site {
    /// The page's directory, canonical.
    dir: PathBuf,
    /// `/config.json`.
    config: String,
    /// The simulators, with `--simulator`.
    sims: Option<(BinanceSim, DeribitSim)>,
}

/// The built page: `--dir`, else `dashboard/` in the target directory (`CARGO_TARGET_DIR`, the
/// directory this binary was built into, or the workspace's `target/`).
fn page_dir(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let candidates: Vec<PathBuf> = match dir {
        Some(d) => vec![d.to_path_buf()],
        None => {
            let mut c = Vec::new();
            if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
                c.push(PathBuf::from(t).join("dashboard"));
            }
            // <target>/<profile>/tradewire
            if let Some(target) = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent()?.parent().map(Path::to_path_buf))
            {
                c.push(target.join("dashboard"));
            }
            c.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/dashboard"));
            c
        }
    };
    for candidate in &candidates {
        if candidate.join("index.html").is_file() {
            return candidate
                .canonicalize()
                .with_context(|| format!("resolving {}", candidate.display()));
        }
    }
    let looked = candidates
        .iter()
        .map(|c| c.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Err(UsageError(format!(
        "no built dashboard (no index.html in {looked}); build it with `cargo xtask dashboard build` or pass --dir"
    ))
    .into())
}

/// `config.json` for the page (docs/dashboard.md "Configuration").
pub fn config_json(
    venue: Venue,
    symbol: Option<&str>,
    timeframe: Timeframe,
    urls: &[(Venue, Option<String>, Option<String>)],
) -> String {
    let mut config = serde_json::Map::new();
    config.insert("venue".into(), venue.as_str().into());
    if let Some(symbol) = symbol {
        config.insert("symbol".into(), symbol.into());
    }
    config.insert("timeframe".into(), timeframe.as_str().into());
    let mut by_venue = serde_json::Map::new();
    for (venue, ws, rest) in urls {
        let mut endpoints = serde_json::Map::new();
        if let Some(ws) = ws {
            endpoints.insert("ws".into(), ws.as_str().into());
        }
        if let Some(rest) = rest {
            endpoints.insert("rest".into(), rest.as_str().into());
        }
        by_venue.insert(venue.as_str().into(), endpoints.into());
    }
    config.insert("urls".into(), by_venue.into());
    serde_json::Value::Object(config).to_string()
}

/// The `Content-Type` of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` for malformed ones or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file under `dir` a request path names (`/` is `index.html`), or `None` when the path
/// leaves `dir` (`..`, absolute or drive components, backslashes, NUL, a symlink out).
pub fn resolve(dir: &Path, request_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(request_path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let relative = decoded.trim_start_matches('/');
    let relative = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_owned()
    };
    let mut path = dir.to_path_buf();
    for component in Path::new(&relative).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    // Symlinks may point anywhere: the real path must still be inside `dir`.
    match path.canonicalize() {
        Ok(real) if real.starts_with(dir) => Some(real),
        Ok(_) => None,
        // Missing: a 404, not a refusal.
        Err(_) => Some(path),
    }
}

fn response(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    if let Ok(v) = hyper::header::HeaderValue::from_str(content_type) {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r.headers_mut().insert(
        hyper::header::CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-cache"),
    );
    r
}

fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    response(status, "text/plain; charset=utf-8", body.to_owned())
}

async fn handle(site: &Site, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    match (req.method(), path) {
        (&Method::GET | &Method::HEAD, "/config.json") => {
            response(StatusCode::OK, "application/json", site.config.clone())
        }
        (&Method::POST, "/control/drop-connections") => match &site.sims {
            Some((binance, deribit)) => {
                let dropped = serde_json::json!({
                    "binance": binance.connections(),
                    "deribit": deribit.connections(),
                });
                binance.drop_connections();
                deribit.drop_connections();
                eprintln!("dashboard: dropped every simulator connection ({dropped})");
                response(
                    StatusCode::OK,
                    "application/json",
                    serde_json::json!({ "dropped": dropped }).to_string(),
                )
            }
            None => text(
                StatusCode::NOT_FOUND,
                "no simulator: start with --simulator\n",
            ),
        },
        (&Method::GET | &Method::HEAD, _) => {
            let Some(file) = resolve(&site.dir, path) else {
                return text(StatusCode::FORBIDDEN, "forbidden\n");
            };
            match tokio::fs::read(&file).await {
                Ok(body) => {
                    let body = if req.method() == Method::HEAD {
                        Vec::new()
                    } else {
                        body
                    };
                    response(StatusCode::OK, content_type(&file), body)
                }
                Err(_) => text(StatusCode::NOT_FOUND, "not found\n"),
            }
        }
        _ => text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n"),
    }
}

async fn serve_connection(site: Arc<Site>, stream: tokio::net::TcpStream) {
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let site = Arc::clone(&site);
        async move { Ok::<_, Infallible>(handle(&site, &req).await) }
    });
    if let Err(e) = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await
    {
        tracing::debug!(error = %e, "dashboard: connection ended with an error");
    }
}

/// Runs `tradewire dashboard`.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let venue = common::parse_venue(&args.venue)?;
    let symbol = match &args.symbol {
        Some(s) => Some(common::parse_symbol(venue, s)?.to_string()),
        None => None,
    };
    let timeframe = args
        .timeframe
        .trim()
        .parse::<Timeframe>()
        .map_err(|_| UsageError(format!("invalid timeframe {:?}", args.timeframe)))?;
    let dir = page_dir(args.dir.as_deref())?;

    let mut servers: Vec<MockServer> = Vec::new();
    let (urls, sims) = if args.simulator {
        let (binance_server, binance) = BinanceSim::start()
            .await
            .context("starting the Binance simulator")?;
        let (deribit_server, deribit) = DeribitSim::start()
            .await
            .context("starting the Deribit simulator")?;
        let urls = vec![
            (
                Venue::Binance,
                Some(binance_server.url()),
                Some(binance_server.http_url()),
            ),
            (
                Venue::Deribit,
                Some(format!("{}{WS_PATH}", deribit_server.url())),
                None,
            ),
        ];
        eprintln!(
            "dashboard: Binance simulator on {} (REST {}), Deribit simulator on {}{WS_PATH}",
            binance_server.url(),
            binance_server.http_url(),
            deribit_server.url()
        );
        servers.push(binance_server);
        servers.push(deribit_server);
        (urls, Some((binance, deribit)))
    } else {
        (Vec::new(), None)
    };
    let site = Arc::new(Site {
        config: config_json(venue, symbol.as_deref(), timeframe, &urls),
        dir,
        sims,
    });

    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .await
        .with_context(|| format!("listening on 127.0.0.1:{}", args.port))?;
    let addr = listener.local_addr().context("reading the local address")?;
    eprintln!("dashboard: serving {}", site.dir.display());
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "DASHBOARD http://{addr}/").context("writing stdout")?;
        out.flush().context("writing stdout")?;
    }
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(Arc::clone(&site), stream));
                }
                Err(e) => {
                    // Out of file descriptors and the like: keep serving.
                    tracing::warn!(error = %e, "dashboard: accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
        }
    }
    for server in servers {
        server.shutdown().await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a/x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.JS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.css")), "text/css; charset=utf-8");
        assert_eq!(
            content_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("c.json")), "application/json");
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }

    #[test]
    fn resolves_inside_and_refuses_outside() {
        let dir = std::env::temp_dir()
            .canonicalize()
            .unwrap()
            .join(format!("tw-dash-resolve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/sub/"), Some(dir.join("sub/index.html")));
        assert_eq!(resolve(&dir, "/./index.html"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/missing.js"), Some(dir.join("missing.js")));
        for bad in [
            "/../etc/passwd",
            "/sub/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/..%5cx",
            "/a\\..\\..\\x",
            "/%00",
            "/%zz",
            "//etc/passwd/../../..",
        ] {
            assert_eq!(resolve(&dir, bad), None, "{bad}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn config_has_the_documented_shape() {
        let json = config_json(
            Venue::Binance,
            Some("BTC/USDT"),
            Timeframe::M1,
            &[
                (
                    Venue::Binance,
                    Some("ws://127.0.0.1:1".into()),
                    Some("http://127.0.0.1:1".into()),
                ),
                (
                    Venue::Deribit,
                    Some("ws://127.0.0.1:2/ws/api/v2".into()),
                    None,
                ),
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "venue": "binance", "symbol": "BTC/USDT", "timeframe": "1m",
                "urls": {
                    "binance": {"ws": "ws://127.0.0.1:1", "rest": "http://127.0.0.1:1"},
                    "deribit": {"ws": "ws://127.0.0.1:2/ws/api/v2"}
                }
            })
        );
        let bare = config_json(Venue::Deribit, None, Timeframe::H1, &[]);
        let v: serde_json::Value = serde_json::from_str(&bare).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"venue": "deribit", "timeframe": "1h", "urls": {}})
        );
    }
}
