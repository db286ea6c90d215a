//! Message-rate meter: messages per second over a sliding window of whole-second buckets.
//! Times come from the caller (the page passes `Date.now()`), so it is tested without a clock.

use std::collections::VecDeque;

/// Counts events and reports their rate over the last `window_secs` seconds.
#[derive(Debug, Clone)]
pub struct RateMeter {
    window_secs: i64,
    /// (second, count), oldest first.
    buckets: VecDeque<(i64, u64)>,
}

impl RateMeter {
    /// A meter averaging over `window_secs` seconds (at least one).
    pub fn new(window_secs: u32) -> Self {
        RateMeter {
            window_secs: i64::from(window_secs.max(1)),
            buckets: VecDeque::new(),
        }
    }

    /// Records `n` events at `now_ms`.
    pub fn record(&mut self, now_ms: i64, n: u64) {
        let second = now_ms.div_euclid(1000);
        match self.buckets.back_mut() {
            Some((s, count)) if *s == second => *count += n,
            // A clock that went backwards counts into the newest bucket.
            Some((s, count)) if *s > second => *count += n,
            _ => self.buckets.push_back((second, n)),
        }
        self.expire(second);
    }

    /// Events per second over the window ending at `now_ms` (the current, partial second
    /// included; the window is as long as the meter has been running, at most `window_secs`).
    pub fn rate(&mut self, now_ms: i64) -> f64 {
        let second = now_ms.div_euclid(1000);
        self.expire(second);
        let Some(&(first, _)) = self.buckets.front() else {
            return 0.0;
        };
        let total: u64 = self.buckets.iter().map(|(_, c)| c).sum();
        let elapsed_ms = (now_ms - first * 1000).clamp(1000, self.window_secs * 1000);
        total as f64 * 1000.0 / elapsed_ms as f64
    }

    fn expire(&mut self, second: i64) {
        while self
            .buckets
            .front()
            .is_some_and(|(s, _)| *s <= second - self.window_secs)
        {
            self.buckets.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_rate() {
        let mut m = RateMeter::new(5);
        assert_eq!(m.rate(0), 0.0);
        // 10 messages a second for 10 seconds.
        for ms in (0..10_000).step_by(100) {
            m.record(ms, 1);
        }
        let r = m.rate(10_000);
        assert!((r - 10.0).abs() < 1e-9, "{r}");
    }

    #[test]
    fn first_second_is_not_inflated_and_old_events_expire() {
        let mut m = RateMeter::new(5);
        m.record(100, 5);
        // Less than a second in: rate over one second, not over 100 ms.
        assert_eq!(m.rate(200), 5.0);
        m.record(2_500, 5);
        assert!((m.rate(3_000) - 10.0 / 3.0).abs() < 1e-9);
        // Ten seconds later, nothing is left.
        assert_eq!(m.rate(13_000), 0.0);
    }

    #[test]
    fn backwards_clock_is_counted_not_lost() {
        let mut m = RateMeter::new(1);
        m.record(5_000, 1);
        m.record(4_000, 1);
        assert_eq!(m.rate(5_100), 2.0);
    }
}
