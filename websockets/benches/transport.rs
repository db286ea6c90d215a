//! Criterion benchmarks of the transport's per-frame path: `cargo bench -p tradewire-websockets`.
//!
//! - `frame`: building a `Frame` from a ~200-byte text, cloning it, the two built-in codecs
//!   (`Frame`, `String`) and the excerpt used in error messages (`EXCERPT_LEN` = 160);
//! - `rate_limit`: `RateLimiter` sliding-window checks (accepted, refused, unlimited);
//! - `clock`: one `Instant::now()`, for reference (clock reads are not free on every VM);
//! - `backoff`: `Backoff::next_delay` with and without jitter;
//! - `loopback`: 10,000 frames of 200 bytes from a `tradewire-mock` feed (server on its own
//!   thread) to the consumer, through our connection (`build::<Frame>()`,
//!   `build::<String>()`) and through a bare tokio-tungstenite read loop. Each iteration opens
//!   a fresh connection; only the time from "connected" to the 10,000th frame is measured.
//!
//! The whole suite runs in about a minute (small sample sizes and measurement times; pass
//! criterion's own flags, e.g. `-- --measurement-time 10`, for tighter intervals).

// Benchmark harness: failing loudly on setup errors is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(not(target_arch = "wasm32"))]
#[path = "../examples/support/loopback.rs"]
mod loopback;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{BatchSize, Criterion, Throughput};
    use tradewire_websockets::{
        Backoff, EXCERPT_LEN, Frame, Quota, RateLimitConfig, RateLimiter, ReconnectPolicy,
        WsMessage,
    };
    use web_time::Instant;

    use crate::loopback::{self, FeedServer};

    const FRAME_SIZE: usize = 200;
    const LOOPBACK_FRAMES: u64 = 10_000;

    pub fn frame(c: &mut Criterion) {
        let text = loopback::trade_frame(42, FRAME_SIZE);
        let text_frame = Frame::text(text.as_str());
        let binary_frame = Frame::binary(text.clone().into_bytes());

        let mut g = c.benchmark_group("frame");
        g.throughput(Throughput::Elements(1));
        g.bench_function("text_from_string", |b| {
            b.iter_batched(
                || text.clone(),
                |s| Frame::text(black_box(s)),
                BatchSize::SmallInput,
            )
        });
        g.bench_function("text_from_str", |b| {
            b.iter(|| Frame::text(black_box(text.as_str())))
        });
        g.bench_function("clone", |b| b.iter(|| black_box(&text_frame).clone()));
        g.bench_function("decode_as_frame", |b| {
            b.iter(|| <Frame as WsMessage>::decode(black_box(&text_frame)))
        });
        g.bench_function("decode_as_string", |b| {
            b.iter(|| <String as WsMessage>::decode(black_box(&text_frame)))
        });
        g.bench_function("excerpt_text", |b| {
            b.iter(|| black_box(&text_frame).excerpt(EXCERPT_LEN))
        });
        g.bench_function("excerpt_binary", |b| {
            b.iter(|| black_box(&binary_frame).excerpt(EXCERPT_LEN))
        });
        g.finish();
    }

    pub fn rate_limit(c: &mut Criterion) {
        let mut g = c.benchmark_group("rate_limit");
        g.throughput(Throughput::Elements(1));

        // Steady state of a sliding window: one message per ms against 100 per 10 ms, so each
        // check evicts the entry that left the window and records the new one (10 in the log).
        let limiter = RateLimiter::new(RateLimitConfig {
            messages: Some(Quota::new(100, Duration::from_millis(10))),
            ..Default::default()
        });
        let mut now = Instant::now();
        g.bench_function("check_messages_at_accepted", |b| {
            b.iter(|| {
                now += Duration::from_millis(1);
                limiter.check_messages_at(1, black_box(now))
            })
        });

        // A full window (Binance: 5 per second): every check is refused and computes
        // `retry_after`.
        let limiter = RateLimiter::new(RateLimitConfig {
            messages: Some(Quota::per_second(5)),
            ..Default::default()
        });
        let at = Instant::now();
        for _ in 0..5 {
            limiter.check_messages_at(1, at).unwrap();
        }
        g.bench_function("check_messages_at_refused", |b| {
            b.iter(|| limiter.check_messages_at(1, black_box(at)))
        });

        // The public entry point with the real clock; a 1 µs window keeps the log short.
        let limiter = RateLimiter::new(RateLimitConfig {
            messages: Some(Quota::new(u32::MAX, Duration::from_micros(1))),
            ..Default::default()
        });
        g.bench_function("check_message_clock", |b| {
            b.iter(|| limiter.check_message())
        });

        // No message quota configured.
        let limiter = RateLimiter::new(RateLimitConfig::default());
        g.bench_function("check_message_unlimited", |b| {
            b.iter(|| limiter.check_message())
        });
        g.finish();
    }

    /// Reference point: one clock read (the socket task reads the clock once per batch, the
    /// rate limiter once per check).
    pub fn clock(c: &mut Criterion) {
        let mut g = c.benchmark_group("clock");
        g.throughput(Throughput::Elements(1));
        g.bench_function("instant_now", |b| b.iter(Instant::now));
        g.finish();
    }

    pub fn backoff(c: &mut Criterion) {
        let mut g = c.benchmark_group("backoff");
        g.throughput(Throughput::Elements(1));
        let mut backoff = Backoff::new(ReconnectPolicy::default());
        g.bench_function("next_delay_jitter", |b| {
            b.iter(|| {
                if backoff.attempt() >= 16 {
                    backoff.reset();
                }
                backoff.next_delay()
            })
        });
        let mut no_jitter = Backoff::new(ReconnectPolicy {
            jitter: 0.0,
            ..ReconnectPolicy::default()
        });
        g.bench_function("next_delay_no_jitter", |b| {
            b.iter(|| {
                if no_jitter.attempt() >= 16 {
                    no_jitter.reset();
                }
                no_jitter.next_delay()
            })
        });
        g.finish();
    }

    pub fn loopback_group(c: &mut Criterion) {
        let server = FeedServer::start(
            loopback::trade_frames(1024, FRAME_SIZE),
            LOOPBACK_FRAMES as usize,
        );
        let url = server.url().to_owned();
        let rt = loopback::client_runtime();

        let mut g = c.benchmark_group("loopback");
        g.sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .throughput(Throughput::Elements(LOOPBACK_FRAMES));
        g.bench_function("bare_tungstenite", |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        rt.block_on(loopback::read_bare(&url, LOOPBACK_FRAMES))
                            .elapsed
                    })
                    .sum()
            })
        });
        g.bench_function("ours_frame", |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        rt.block_on(loopback::read_ours::<Frame>(&url, LOOPBACK_FRAMES))
                            .elapsed
                    })
                    .sum()
            })
        });
        g.bench_function("ours_string", |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        rt.block_on(loopback::read_ours::<String>(&url, LOOPBACK_FRAMES))
                            .elapsed
                    })
                    .sum()
            })
        });
        g.finish();
        drop(server);
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group! {
    name = benches;
    config = criterion::Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_millis(1500));
    targets = native::frame, native::rate_limit, native::clock, native::backoff, native::loopback_group
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);
