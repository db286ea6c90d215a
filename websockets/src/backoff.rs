//! Exponential backoff with jitter.

use std::time::Duration;

use crate::config::ReconnectPolicy;

/// Computes reconnect delays: `initial * factor^(attempt-1)`, capped, with random jitter.
#[derive(Debug, Clone)]
pub struct Backoff {
    policy: ReconnectPolicy,
    attempt: u32,
}

impl Backoff {
    /// A backoff at attempt 0.
    pub fn new(policy: ReconnectPolicy) -> Self {
        Backoff { policy, attempt: 0 }
    }

    /// Attempts counted since the last reset.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// True when the policy allows no further attempt.
    pub fn exhausted(&self) -> bool {
        self.policy
            .max_attempts
            .is_some_and(|max| self.attempt >= max)
    }

    /// Back to the initial delay (after a connection stayed up long enough).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Counts one more attempt and returns the delay to wait before it, jitter included.
    pub fn next_delay(&mut self) -> Duration {
        self.attempt = self.attempt.saturating_add(1);
        let base = self.base_delay(self.attempt);
        let jitter = self.policy.jitter.clamp(0.0, 1.0);
        if jitter == 0.0 {
            return base;
        }
        // uniform in [1 - jitter, 1 + jitter]
        let factor = 1.0 - jitter + 2.0 * jitter * fastrand::f64();
        base.mul_f64(factor)
            .min(self.policy.max_delay.mul_f64(1.0 + jitter))
    }

    /// The delay before attempt `n` (1-based) without jitter.
    pub fn base_delay(&self, n: u32) -> Duration {
        let exp = n.saturating_sub(1).min(64) as i32;
        let factor = self.policy.backoff_factor.max(1.0).powi(exp);
        let secs = self.policy.initial_delay.as_secs_f64() * factor;
        let max = self.policy.max_delay.as_secs_f64();
        Duration::from_secs_f64(if secs.is_finite() { secs.min(max) } else { max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(jitter: f64) -> ReconnectPolicy {
        ReconnectPolicy {
            max_attempts: Some(5),
            initial_delay: Duration::from_millis(100),
            backoff_factor: 2.0,
            max_delay: Duration::from_millis(1000),
            jitter,
            reset_after: Duration::from_secs(1),
        }
    }

    #[test]
    fn delays_grow_then_cap() {
        let mut b = Backoff::new(policy(0.0));
        let delays: Vec<u128> = (0..6).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, vec![100, 200, 400, 800, 1000, 1000]);
        assert!(b.exhausted());
        b.reset();
        assert_eq!(b.attempt(), 0);
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }

    #[test]
    fn jitter_stays_within_bounds() {
        let mut b = Backoff::new(policy(0.5));
        for _ in 0..200 {
            b.reset();
            let d = b.next_delay().as_millis();
            assert!((50..=150).contains(&d), "{d}");
        }
    }

    #[test]
    fn unlimited_is_never_exhausted() {
        let mut p = policy(0.0);
        p.max_attempts = None;
        let mut b = Backoff::new(p);
        for _ in 0..1000 {
            b.next_delay();
        }
        assert!(!b.exhausted());
        assert_eq!(b.next_delay(), Duration::from_millis(1000));
    }
}
