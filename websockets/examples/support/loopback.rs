//! Loopback plumbing shared by `examples/load.rs` and `benches/transport.rs`: a feed server on
//! its own thread, the two read loops that are compared (ours and bare tokio-tungstenite), frame
//! generation and a per-thread CPU clock.
//!
//! (Cargo does not treat `examples/support/` as an example: it has no `main.rs`.)

// Each includer uses a different subset.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tradewire_mock::{Behaviour, Feed, MockFrame, MockServer};
use tradewire_websockets::{
    Frame, WebSocketClientBuilder, WebSocketConfig, WebSocketConnection, WebSocketEvent, WsError,
    WsMessage,
};

/// A Binance combined-stream trade frame (`sample_combined_trade_frame(i)`, ~170 bytes) padded
/// with a trailing `"_":"xxx…"` field to exactly `size` bytes (never shorter than the sample).
pub fn trade_frame(i: u64, size: usize) -> String {
    let mut s = tradewire_mock::sample_combined_trade_frame(i);
    // `,"_":""` adds 7 bytes before the closing brace.
    if s.len() + 7 <= size {
        s.pop(); // the closing `}`
        s.push_str(r#","_":""#);
        let pad = size - s.len() - 2;
        s.extend(std::iter::repeat_n('x', pad));
        s.push_str(r#""}"#);
    }
    s
}

/// `distinct` different frames of `size` bytes, cycled by the server.
pub fn trade_frames(distinct: usize, size: usize) -> Vec<String> {
    (0..distinct as u64).map(|i| trade_frame(i, size)).collect()
}

/// A [`MockServer`] running on its own OS thread with its own current-thread tokio runtime, so
/// the server's work stays off the client's thread (on a 2-core machine: one core each).
///
/// Every connection gets a feed of `count` frames cycling `frames`, written as fast as the
/// connection accepts them. Dropping the handle stops the server and joins the thread.
pub struct FeedServer {
    url: String,
    /// Kernel thread id of the server thread.
    tid: u64,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FeedServer {
    pub fn start(frames: Vec<String>, count: usize) -> FeedServer {
        let (url_tx, url_rx) = std_mpsc::channel::<(String, u64)>();
        let (stop, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("mock-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                rt.block_on(async move {
                    let feed = Feed::new(frames.into_iter().map(MockFrame::Text).collect())
                        .with_count(count);
                    let server = MockServer::start_with(Behaviour {
                        echo: false,
                        feed: Some(feed),
                        ..Behaviour::default()
                    })
                    .await
                    .expect("mock server");
                    url_tx.send((server.url(), own_tid())).expect("send url");
                    let _ = stop_rx.await;
                    server.shutdown().await;
                });
            })
            .expect("spawn server thread");
        let (url, tid) = url_rx.recv().expect("server url");
        FeedServer {
            url,
            tid,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// CPU time the server thread has used so far.
    pub fn cpu(&self) -> Duration {
        schedstat_cpu(&format!("/proc/self/task/{}/schedstat", self.tid))
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves a feed server until stdin closes, printing its URL as the first line of stdout: the
/// body of a `--serve` child process (see [`ChildServer`]).
pub fn serve_until_stdin_closes(frames: Vec<String>, count: usize) {
    let server = FeedServer::start(frames, count);
    println!("{}", server.url());
    std::io::stdout().flush().expect("flush stdout");
    // Returns at EOF (the parent closed our stdin or exited).
    let _ = std::io::stdin().lock().lines().count();
    drop(server);
}

/// A server in a child process (the current executable run with `args`, which must make it call
/// [`serve_until_stdin_closes`] or print a URL likewise), so that its memory and CPU are not
/// counted in this process. Dropping the handle closes the child's stdin and waits for it.
pub struct ChildServer {
    url: String,
    stdin: Option<ChildStdin>,
    child: Child,
}

impl ChildServer {
    pub fn spawn(args: &[String]) -> ChildServer {
        let exe = std::env::current_exe().expect("current exe");
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn server process");
        let stdout = child.stdout.take().expect("child stdout");
        let mut url = String::new();
        BufReader::new(stdout)
            .read_line(&mut url)
            .expect("read server url");
        let url = url.trim().to_owned();
        assert!(url.starts_with("ws://"), "server printed {url:?}");
        ChildServer {
            url,
            stdin: child.stdin.take(),
            child,
        }
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time the child's threads have used so far (threads that already ended not counted).
    pub fn cpu(&self) -> Duration {
        std::fs::read_dir(format!("/proc/{}/task", self.child.id()))
            .map(|tasks| {
                tasks
                    .flatten()
                    .map(|t| schedstat_cpu(&format!("{}/schedstat", t.path().display())))
                    .sum()
            })
            .unwrap_or(Duration::ZERO)
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// What one read run measured.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Data frames delivered to the consumer.
    pub frames: u64,
    /// Frames the slow-consumer policy gave up (ours only; reported as `Lagged`).
    pub dropped: u64,
    /// Payload bytes delivered.
    pub bytes: u64,
    /// Wall time from "connected" to the last frame.
    pub elapsed: Duration,
    /// CPU time the calling thread spent in that interval (client runtime + consumer).
    pub cpu: Duration,
    /// Time the calling thread was runnable but waited for a CPU in that interval (other load on
    /// the machine); large values make the wall-clock numbers unreliable.
    pub cpu_wait: Duration,
    /// CPU time the server spent in the whole run (connect and close included); zero when not
    /// measured.
    pub server_cpu: Duration,
}

impl Run {
    pub fn frames_per_sec(&self) -> f64 {
        self.frames as f64 / self.elapsed.as_secs_f64()
    }

    /// Wall-clock nanoseconds per delivered frame.
    pub fn wall_ns_per_frame(&self) -> f64 {
        self.elapsed.as_nanos() as f64 / self.frames.max(1) as f64
    }

    /// Client-thread CPU nanoseconds per delivered frame.
    pub fn cpu_ns_per_frame(&self) -> f64 {
        self.cpu.as_nanos() as f64 / self.frames.max(1) as f64
    }

    /// Server CPU nanoseconds per delivered frame.
    pub fn server_cpu_ns_per_frame(&self) -> f64 {
        self.server_cpu.as_nanos() as f64 / self.frames.max(1) as f64
    }
}

/// Payload length of a message, to count bytes without depending on the message type.
pub trait Payload: std::fmt::Debug {
    fn payload_len(&self) -> usize;
}

impl Payload for Frame {
    fn payload_len(&self) -> usize {
        self.len()
    }
}

impl Payload for String {
    fn payload_len(&self) -> usize {
        self.len()
    }
}

/// Ours: `WebSocketClientBuilder` + supervisor + `EventStream<T>` with default settings. Reads
/// until `n` frames were delivered (or given up), then disconnects (not timed).
pub async fn read_ours<T: WsMessage + Payload>(url: &str, n: u64) -> Run {
    read_ours_with::<T>(url, n, WebSocketConfig::new("")).await
}

/// [`read_ours`] with explicit settings.
pub async fn read_ours_with<T: WsMessage + Payload>(
    url: &str,
    n: u64,
    config: WebSocketConfig,
) -> Run {
    let conn = WebSocketClientBuilder::new(url).config(config).build::<T>();
    let mut events = conn.event_stream().expect("first event stream");
    conn.connect().await.expect("connect");
    let (cpu0, wait0) = (thread_cpu(), thread_cpu_wait());
    let start = Instant::now();
    let (mut frames, mut dropped, mut bytes) = (0u64, 0u64, 0u64);
    while frames + dropped < n {
        match events.next().await {
            Some(WebSocketEvent::Message(msg)) => {
                frames += 1;
                bytes += msg.payload_len() as u64;
            }
            Some(WebSocketEvent::Error(WsError::Lagged { dropped: d })) => dropped += d,
            Some(WebSocketEvent::Connected) => {}
            Some(other) => panic!("unexpected event after {frames} frames: {other:?}"),
            None => panic!("stream ended after {frames} frames"),
        }
    }
    let elapsed = start.elapsed();
    let cpu = thread_cpu().saturating_sub(cpu0);
    let cpu_wait = thread_cpu_wait().saturating_sub(wait0);
    conn.disconnect().await;
    Run {
        frames,
        dropped,
        bytes,
        elapsed,
        cpu,
        cpu_wait,
        server_cpu: Duration::ZERO,
    }
}

/// Bare: `tokio_tungstenite::connect_async` (default settings) and a `ws.next()` loop counting
/// frames, on the same runtime. Reads `n` frames, then closes (not timed).
pub async fn read_bare(url: &str, n: u64) -> Run {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("bare connect");
    let (cpu0, wait0) = (thread_cpu(), thread_cpu_wait());
    let start = Instant::now();
    let (mut frames, mut bytes) = (0u64, 0u64);
    while frames < n {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                frames += 1;
                bytes += t.len() as u64;
            }
            Some(Ok(Message::Binary(b))) => {
                frames += 1;
                bytes += b.len() as u64;
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("bare read failed after {frames} frames: {e}"),
            None => panic!("bare stream ended after {frames} frames"),
        }
    }
    let elapsed = start.elapsed();
    let cpu = thread_cpu().saturating_sub(cpu0);
    let cpu_wait = thread_cpu_wait().saturating_sub(wait0);
    let _ = ws.close(None).await;
    while let Some(Ok(_)) = ws.next().await {}
    Run {
        frames,
        dropped: 0,
        bytes,
        elapsed,
        cpu,
        cpu_wait,
        server_cpu: Duration::ZERO,
    }
}

/// CPU time consumed so far by the calling thread (`/proc/thread-self/schedstat`, ns). Zero
/// where that file does not exist.
pub fn thread_cpu() -> Duration {
    schedstat_cpu("/proc/thread-self/schedstat")
}

/// Time the calling thread has spent runnable but waiting for a CPU (`schedstat` field 2).
pub fn thread_cpu_wait() -> Duration {
    schedstat_field("/proc/thread-self/schedstat", 1)
}

/// The on-CPU time (first field, ns) of a `/proc/.../schedstat` file; zero if unreadable.
fn schedstat_cpu(path: &str) -> Duration {
    schedstat_field(path, 0)
}

fn schedstat_field(path: &str, field: usize) -> Duration {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| s.split_whitespace().nth(field)?.parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// The kernel thread id of the calling thread (`/proc/thread-self/stat`, first field).
fn own_tid() -> u64 {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A client runtime: one thread (the caller's), so the client's whole cost lands on one core.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

/// Median by `key` (upper median for even counts).
pub fn median_by(runs: &[Run], key: impl Fn(&Run) -> f64) -> f64 {
    let mut v: Vec<f64> = runs.iter().map(key).collect();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
