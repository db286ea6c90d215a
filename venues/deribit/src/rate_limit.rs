//! Deribit's credit-based rate limits, modelled with the websockets [`RateLimiter`].
//!
//! Deribit (<https://support.deribit.com/hc/en-us/articles/25944617523357-Rate-Limits>,
//! <https://docs.deribit.com/articles/rate-limits>) counts two pools per sub-account:
//!
//! - **non-matching-engine** requests (everything else, including `public/*`, subscriptions,
//!   `public/test`): 500 credits per request, at most 50 000 credits, refilled at 10 000
//!   credits per second: a burst of 100 requests, 20 per second sustained;
//! - **matching-engine** requests (`private/buy`, `sell`, `edit`, `cancel`, `cancel_all*`,
//!   `close_position`, `cancel_by_label`, block trades): tiered by 7-day volume; the default
//!   tier (under USD 1 million) allows 5 requests per second sustained with a burst of 20.
//!   The account's actual numbers are in `private/get_account_summary` (`limits`).
//!
//! An empty pool makes Deribit answer 10028 `too_many_requests` (and possibly close the
//! session). Locally a request that would exceed its pool fails at once with
//! [`RateLimitError`] and nothing is sent. The bucket (burst `B`, refill `r`/s) is modelled as
//! a sliding window of `B` credits per `B / r` seconds: the same burst and the same sustained
//! rate.

use std::time::Duration;

use tradewire_websockets::{Quota, RateLimitConfig, RateLimitError, RateLimitUsage, RateLimiter};

/// Credits a non-matching-engine request costs.
pub const NON_MATCHING_COST: u32 = 500;
/// Non-matching-engine credit pool.
pub const NON_MATCHING_MAX_CREDITS: u32 = 50_000;
/// Non-matching-engine refill, credits per second.
pub const NON_MATCHING_REFILL_PER_SEC: u32 = 10_000;

/// Default matching-engine tier: sustained requests per second.
pub const MATCHING_DEFAULT_RATE: u32 = 5;
/// Default matching-engine tier: burst.
pub const MATCHING_DEFAULT_BURST: u32 = 20;

/// Methods counted against the matching-engine pool.
pub const MATCHING_ENGINE_METHODS: &[&str] = &[
    "private/buy",
    "private/sell",
    "private/edit",
    "private/edit_by_label",
    "private/cancel",
    "private/cancel_all",
    "private/cancel_all_by_instrument",
    "private/cancel_all_by_currency",
    "private/cancel_all_by_kind_or_type",
    "private/cancel_by_label",
    "private/close_position",
    "private/verify_block_trade",
    "private/execute_block_trade",
];

/// Which pool a method draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestClass {
    /// Order entry and cancellation.
    MatchingEngine,
    /// Everything else.
    NonMatchingEngine,
}

impl RequestClass {
    /// The class of a JSON-RPC method name.
    pub fn of(method: &str) -> Self {
        if MATCHING_ENGINE_METHODS.contains(&method) {
            RequestClass::MatchingEngine
        } else {
            RequestClass::NonMatchingEngine
        }
    }
}

/// A matching-engine tier: sustained requests per second and burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    /// Requests per second, sustained.
    pub rate: u32,
    /// Requests in a burst.
    pub burst: u32,
}

impl Default for Tier {
    fn default() -> Self {
        Tier {
            rate: MATCHING_DEFAULT_RATE,
            burst: MATCHING_DEFAULT_BURST,
        }
    }
}

/// Both pools of one client.
#[derive(Debug)]
pub struct DeribitRateLimits {
    matching: RateLimiter,
    non_matching: RateLimiter,
    matching_cost: u32,
}

fn window(burst_credits: u32, refill_per_sec: u32) -> Duration {
    Duration::from_millis(u64::from(burst_credits) * 1000 / u64::from(refill_per_sec.max(1)))
}

impl Default for DeribitRateLimits {
    fn default() -> Self {
        DeribitRateLimits::new(Tier::default())
    }
}

impl DeribitRateLimits {
    /// The documented non-matching-engine pool and the given matching-engine tier.
    pub fn new(tier: Tier) -> Self {
        // Matching engine: 1000 credits a request, `burst` requests of credit, `rate` a second.
        let matching_cost = 1000;
        let matching = RateLimiter::new(RateLimitConfig {
            weight: Some(Quota::new(
                tier.burst * matching_cost,
                window(tier.burst * matching_cost, tier.rate * matching_cost),
            )),
            ..RateLimitConfig::default()
        });
        let non_matching = RateLimiter::new(RateLimitConfig {
            weight: Some(Quota::new(
                NON_MATCHING_MAX_CREDITS,
                window(NON_MATCHING_MAX_CREDITS, NON_MATCHING_REFILL_PER_SEC),
            )),
            ..RateLimitConfig::default()
        });
        DeribitRateLimits {
            matching,
            non_matching,
            matching_cost,
        }
    }

    /// No limits at all (tests, or accounts with their own accounting).
    pub fn unlimited() -> Self {
        DeribitRateLimits {
            matching: RateLimiter::new(RateLimitConfig::default()),
            non_matching: RateLimiter::new(RateLimitConfig::default()),
            matching_cost: 1000,
        }
    }

    /// Takes the credits of one request of `method`, or refuses it.
    pub fn check(&self, method: &str) -> Result<(), RateLimitError> {
        match RequestClass::of(method) {
            RequestClass::MatchingEngine => self.matching.check_weight(self.matching_cost),
            RequestClass::NonMatchingEngine => self.non_matching.check_weight(NON_MATCHING_COST),
        }
    }

    /// Current use of (matching engine, non-matching engine), in credits.
    pub fn usage(&self) -> (RateLimitUsage, RateLimitUsage) {
        (self.matching.usage(), self.non_matching.usage())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_separate_and_fail_fast() {
        let limits = DeribitRateLimits::default();
        for _ in 0..MATCHING_DEFAULT_BURST {
            limits.check("private/buy").unwrap();
        }
        let e = limits.check("private/sell").unwrap_err();
        assert!(e.retry_after.is_some());
        // The non-matching pool is untouched: a burst of 100.
        for _ in 0..100 {
            limits.check("public/get_time").unwrap();
        }
        assert!(limits.check("private/get_positions").is_err());
        assert!(DeribitRateLimits::unlimited().check("private/buy").is_ok());
    }

    #[test]
    fn classes() {
        assert_eq!(
            RequestClass::of("private/cancel_all"),
            RequestClass::MatchingEngine
        );
        assert_eq!(
            RequestClass::of("public/subscribe"),
            RequestClass::NonMatchingEngine
        );
        assert_eq!(window(50_000, 10_000), Duration::from_secs(5));
    }
}
