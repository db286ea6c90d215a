//! Resident memory of idle connections: opens `--connections` (default 1,000) supervised
//! connections with the default `WebSocketConfig` against a loopback server running in a
//! separate process (so that its memory is not counted), waits until all are connected and
//! settled, and reports the growth of this process's resident set per connection.
//!
//! ```text
//! ulimit -n 4096   # 1,000 sockets in each process
//! cargo run --release -p tradewire-websockets --example idle_memory -- [--connections 1000]
//!     [--settle-secs 2] [--read-buffer BYTES]
//! ```
//!
//! The server is this same executable run with `--server`: a `tradewire-mock` server (no
//! feed, no echo, pings answered) that prints its URL on stdout and runs until its stdin
//! closes. The client builds a multi-threaded tokio runtime and opens one warm-up connection
//! before the first reading (runtime threads, allocator arenas, code pages), then opens the
//! connections one after the other, each with its own `Connection` + supervisor task and its
//! `EventStream` held, checks that every one is `Connected`, waits `--settle-secs`, and reads
//! `VmRSS` / `RssAnon` from `/proc/self/status` again. Target: < 128 KiB per idle `ws://`
//! connection with default settings.

// A measurement program: failing loudly on setup errors is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/loopback.rs"]
mod loopback;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::{Duration, Instant};

    use tradewire_websockets::{
        Connection, ConnectionState, EventStream, Frame, WebSocketClientBuilder, WebSocketConfig,
        WebSocketConnection,
    };

    use crate::loopback::{self, ChildServer};

    struct Args {
        connections: usize,
        settle: Duration,
        read_buffer: Option<usize>,
        server: bool,
    }

    fn args() -> Args {
        let mut a = Args {
            connections: 1000,
            settle: Duration::from_secs(2),
            read_buffer: None,
            server: false,
        };
        let mut it = std::env::args().skip(1);
        let number = |flag: &str, v: Option<String>| -> u64 {
            v.and_then(|v| v.replace('_', "").parse().ok())
                .unwrap_or_else(|| panic!("{flag} needs a number"))
        };
        while let Some(flag) = it.next() {
            match flag.as_str() {
                "--connections" => a.connections = number(&flag, it.next()) as usize,
                "--settle-secs" => a.settle = Duration::from_secs(number(&flag, it.next())),
                "--read-buffer" => a.read_buffer = Some(number(&flag, it.next()) as usize),
                "--server" => a.server = true,
                "-h" | "--help" => {
                    println!(
                        "idle_memory [--connections N] [--settle-secs S] [--read-buffer BYTES]"
                    );
                    std::process::exit(0);
                }
                other => panic!("unknown argument {other:?} (try --help)"),
            }
        }
        a
    }

    /// A `kB` field of `/proc/self/status` (`VmRSS`, `RssAnon`, ...), in KiB.
    fn status_kib(field: &str) -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
    }

    /// The soft limit on open files (`Max open files` in `/proc/self/limits`).
    fn open_files_limit() -> Option<u64> {
        let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
        let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
        line.split_whitespace().nth(3)?.parse().ok()
    }

    struct Reading {
        rss: u64,
        anon: u64,
    }

    fn reading() -> Reading {
        Reading {
            rss: status_kib("VmRSS"),
            anon: status_kib("RssAnon"),
        }
    }

    pub fn main() {
        let args = args();
        if args.server {
            // No feed: `FeedState` is not even created for an empty frame list.
            loopback::serve_until_stdin_closes(Vec::new(), 0);
            return;
        }
        let needed = args.connections as u64 + 64;
        if let Some(limit) = open_files_limit() {
            if limit < needed {
                eprintln!(
                    "open-file limit is {limit}, {needed} needed (client and server each hold \
                     one socket per connection): run `ulimit -n 4096` first"
                );
                std::process::exit(2);
            }
        }

        let server = ChildServer::spawn(&["--server".to_owned()]);
        let url = server.url().to_owned();
        let mut config = WebSocketConfig::new("");
        if let Some(bytes) = args.read_buffer {
            config.read_buffer_size = bytes;
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");

        let open = |config: WebSocketConfig| {
            let url = url.clone();
            async move {
                let conn = WebSocketClientBuilder::new(url)
                    .config(config)
                    .build::<Frame>();
                let events = conn.event_stream().expect("first event stream");
                conn.connect().await.expect("connect");
                (conn, events)
            }
        };

        let (warm_conn, warm_events) = rt.block_on(open(config.clone()));
        rt.block_on(async { tokio::time::sleep(args.settle).await });
        let before = reading();

        let started = Instant::now();
        let mut held: Vec<(Connection<Frame>, EventStream<Frame>)> =
            Vec::with_capacity(args.connections);
        rt.block_on(async {
            for _ in 0..args.connections {
                held.push(open(config.clone()).await);
            }
        });
        let connect_time = started.elapsed();
        rt.block_on(async { tokio::time::sleep(args.settle).await });
        let connected = held
            .iter()
            .filter(|(c, _)| c.state() == ConnectionState::Connected)
            .count();
        assert_eq!(connected, args.connections, "not all connections are up");
        let after = reading();

        let n = args.connections as f64;
        let per_rss = (after.rss as f64 - before.rss as f64) / n;
        let per_anon = (after.anon as f64 - before.anon as f64) / n;
        println!(
            "{} idle ws:// connections (read_buffer_size {} bytes{}), all Connected; \
             opened in {:.2} s, then settled {} s; server in child process {}",
            args.connections,
            config.read_buffer_size,
            if args.read_buffer.is_some() {
                ""
            } else {
                ", the default"
            },
            connect_time.as_secs_f64(),
            args.settle.as_secs(),
            server.pid(),
        );
        println!(
            "VmRSS   {:>8} KiB -> {:>8} KiB: {:>6.1} KiB per connection",
            before.rss, after.rss, per_rss
        );
        println!(
            "RssAnon {:>8} KiB -> {:>8} KiB: {:>6.1} KiB per connection",
            before.anon, after.anon, per_anon
        );
        println!(
            "target < 128 KiB per idle connection: {}",
            if per_rss < 128.0 { "met" } else { "NOT met" }
        );

        rt.block_on(async {
            for (conn, _) in &held {
                conn.disconnect().await;
            }
            warm_conn.disconnect().await;
        });
        drop((held, warm_events));
        drop(server);
    }
}
