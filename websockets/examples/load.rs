//! Loopback load test: client-side throughput of a tradewire connection against a bare
//! tokio-tungstenite read loop, on the same server, in the same run.
//!
//! ```text
//! cargo run --release -p tradewire-websockets --example load -- [--frames 1000000] [--size 200]
//!     [--runs 3] [--warmup 1] [--only bare|ours|ours-string] [--read-buffer BYTES]
//!     [--server-process]
//! ```
//!
//! A `tradewire-mock` server runs on its own OS thread (own current-thread tokio runtime) and
//! sends every new connection `--frames` text frames of `--size` bytes (a Binance combined
//! trade event, padded) as fast as the connection accepts them. The client runs on a
//! current-thread runtime on the main thread, so on a 2-core machine server and client get a
//! core each. For each run a fresh connection reads all frames; the clock starts once the
//! connection is up and stops at the last frame. Measured per run:
//!
//! - `bare`: `tokio_tungstenite::connect_async` + `while let Some(msg) = ws.next().await`;
//! - `ours`: `WebSocketClientBuilder::new(url).build::<Frame>()` (default `WebSocketConfig`:
//!   supervisor task + inbound queue + `EventStream<Frame>`, zero-copy);
//! - `ours-string`: the same with `build::<String>()` (one copy per frame into a `String`).
//!
//! Rounds are interleaved (bare, ours, ours-string, bare, …); the medians of `--runs` rounds
//! are compared. `cpu ns/frame` is the client thread's CPU time per frame (from
//! `/proc/thread-self/schedstat`): the client's own cost, independent of how fast the server is.
//!
//! `--server-process` runs the server in a child process (this executable with `--serve`)
//! instead of a thread, so that e.g. `perf stat --no-inherit` counts the client alone.

// A load program: failing loudly on setup errors is the point.
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
    use std::str::FromStr;

    use tradewire_websockets::{Frame, WebSocketConfig};

    use crate::loopback::{self, ChildServer, FeedServer, Run};

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Kind {
        Bare,
        Ours,
        OursString,
    }

    impl Kind {
        fn name(self) -> &'static str {
            match self {
                Kind::Bare => "bare",
                Kind::Ours => "ours",
                Kind::OursString => "ours-string",
            }
        }
    }

    struct Args {
        frames: u64,
        size: usize,
        runs: usize,
        warmup: usize,
        kinds: Vec<Kind>,
        read_buffer: Option<usize>,
        /// Run the server in a child process instead of a thread.
        server_process: bool,
        /// Be that child: serve, print the URL, run until stdin closes.
        serve: bool,
    }

    fn parse<T: FromStr>(flag: &str, value: Option<String>) -> T {
        value
            .and_then(|v| v.replace('_', "").parse().ok())
            .unwrap_or_else(|| panic!("{flag} needs a number"))
    }

    fn args() -> Args {
        let mut a = Args {
            frames: 1_000_000,
            size: 200,
            runs: 3,
            warmup: 1,
            kinds: vec![Kind::Bare, Kind::Ours, Kind::OursString],
            read_buffer: None,
            server_process: false,
            serve: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            match flag.as_str() {
                "--frames" => a.frames = parse(&flag, it.next()),
                "--size" => a.size = parse(&flag, it.next()),
                "--runs" => a.runs = parse::<usize>(&flag, it.next()).max(1),
                "--warmup" => a.warmup = parse(&flag, it.next()),
                "--read-buffer" => a.read_buffer = Some(parse(&flag, it.next())),
                "--server-process" => a.server_process = true,
                "--serve" => a.serve = true,
                "--only" => {
                    a.kinds = vec![match it.next().as_deref() {
                        Some("bare") => Kind::Bare,
                        Some("ours") => Kind::Ours,
                        Some("ours-string") => Kind::OursString,
                        other => panic!("--only bare|ours|ours-string, got {other:?}"),
                    }]
                }
                "-h" | "--help" => {
                    println!(
                        "load [--frames N] [--size BYTES] [--runs N] [--warmup N] \
                         [--only bare|ours|ours-string] [--read-buffer BYTES] [--server-process]"
                    );
                    std::process::exit(0);
                }
                other => panic!("unknown argument {other:?} (try --help)"),
            }
        }
        a
    }

    fn cpu_model() -> String {
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1))
                    .map(|m| m.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into())
    }

    fn print_run(kind: Kind, round: &str, r: &Run) {
        println!(
            "{:<12} {:>6} {:>8} frames {:>7.3} s {:>10.0} frames/s {:>6.1} MB/s \
             {:>5.0} wall ns/frame {:>5.0} client cpu ns/frame {:>5.0} server cpu ns/frame \
             {:>4.0} ms cpu wait{}",
            kind.name(),
            round,
            r.frames,
            r.elapsed.as_secs_f64(),
            r.frames_per_sec(),
            r.bytes as f64 / r.elapsed.as_secs_f64() / 1e6,
            r.wall_ns_per_frame(),
            r.cpu_ns_per_frame(),
            r.server_cpu_ns_per_frame(),
            r.cpu_wait.as_secs_f64() * 1e3,
            if r.dropped > 0 {
                format!("  ({} dropped by slow-consumer policy)", r.dropped)
            } else {
                String::new()
            }
        );
    }

    pub fn main() {
        let args = args();
        let frames = loopback::trade_frames(1024, args.size);
        if args.serve {
            loopback::serve_until_stdin_closes(frames, args.frames as usize);
            return;
        }
        let frame_len = frames.first().map_or(0, String::len);
        println!(
            "machine: {} x {} (load average {}); {} frames of {} bytes per run; \
             {} warm-up + {} measured rounds",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model(),
            std::fs::read_to_string("/proc/loadavg")
                .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
            args.frames,
            frame_len,
            args.warmup,
            args.runs,
        );
        let (thread_server, child_server, url) = if args.server_process {
            let child = ChildServer::spawn(&[
                "--serve".to_owned(),
                "--frames".to_owned(),
                args.frames.to_string(),
                "--size".to_owned(),
                args.size.to_string(),
            ]);
            let url = child.url().to_owned();
            println!(
                "server: tradewire-mock in child process {} (current-thread runtime); \
                 client: current-thread runtime on the main thread",
                child.pid()
            );
            (None, Some(child), url)
        } else {
            let server = FeedServer::start(frames, args.frames as usize);
            let url = server.url().to_owned();
            println!(
                "server: tradewire-mock on its own thread (current-thread runtime); \
                 client: current-thread runtime on the main thread"
            );
            (Some(server), None, url)
        };
        let rt = loopback::client_runtime();
        let mut config = WebSocketConfig::new("");
        if let Some(bytes) = args.read_buffer {
            config.read_buffer_size = bytes;
        }
        println!(
            "ours: WebSocketConfig read_buffer_size {} bytes{}",
            config.read_buffer_size,
            if args.read_buffer.is_some() {
                ""
            } else {
                " (default)"
            }
        );
        let server_cpu = || {
            thread_server
                .as_ref()
                .map(FeedServer::cpu)
                .or_else(|| child_server.as_ref().map(ChildServer::cpu))
                .unwrap_or_default()
        };
        let once = |kind: Kind| -> Run {
            let config = config.clone();
            let server_cpu0 = server_cpu();
            let mut run = rt.block_on(async {
                match kind {
                    Kind::Bare => loopback::read_bare(&url, args.frames).await,
                    Kind::Ours => {
                        loopback::read_ours_with::<Frame>(&url, args.frames, config).await
                    }
                    Kind::OursString => {
                        loopback::read_ours_with::<String>(&url, args.frames, config).await
                    }
                }
            });
            run.server_cpu = server_cpu().saturating_sub(server_cpu0);
            run
        };

        for w in 0..args.warmup {
            for &kind in &args.kinds {
                print_run(kind, &format!("warm{}", w + 1), &once(kind));
            }
        }
        let mut results: Vec<(Kind, Vec<Run>)> = args.kinds.iter().map(|&k| (k, vec![])).collect();
        for round in 0..args.runs {
            for (kind, runs) in &mut results {
                let r = once(*kind);
                print_run(*kind, &format!("run{}", round + 1), &r);
                runs.push(r);
            }
        }

        println!("\nmedian of {} runs:", args.runs);
        let mut medians = Vec::new();
        for (kind, runs) in &results {
            let fps = loopback::median_by(runs, Run::frames_per_sec);
            let wall = loopback::median_by(runs, Run::wall_ns_per_frame);
            let cpu = loopback::median_by(runs, Run::cpu_ns_per_frame);
            let server = loopback::median_by(runs, Run::server_cpu_ns_per_frame);
            let dropped: u64 = runs.iter().map(|r| r.dropped).sum();
            println!(
                "{:<12} {:>10.0} frames/s {:>5.0} wall ns/frame {:>5.0} client cpu ns/frame \
                 {:>5.0} server cpu ns/frame  dropped {}",
                kind.name(),
                fps,
                wall,
                cpu,
                server,
                dropped
            );
            medians.push((*kind, fps, cpu));
        }
        let get = |k: Kind| medians.iter().find(|m| m.0 == k).copied();
        if let Some((_, bare_fps, bare_cpu)) = get(Kind::Bare) {
            for kind in [Kind::Ours, Kind::OursString] {
                if let Some((_, fps, cpu)) = get(kind) {
                    let ratio = fps / bare_fps;
                    println!(
                        "{} / bare: {:.1}% of bare frames/s ({}; target >= 80%), \
                         {:+.0} client cpu ns/frame",
                        kind.name(),
                        ratio * 100.0,
                        if ratio >= 0.8 { "met" } else { "NOT met" },
                        cpu - bare_cpu
                    );
                }
            }
        }
    }
}
