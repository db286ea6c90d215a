//! Rate limiting as a mechanism: each venue supplies its own numbers.
//!
//! A limited operation fails at once with [`RateLimitError`]; nothing is retried silently. The
//! limiter only counts what it is asked to check, so public and private clients each own their
//! own [`RateLimiter`].

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use web_time::Instant;

/// At most `max` units per sliding window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Quota {
    /// Units allowed per window.
    pub max: u32,
    /// Window length.
    #[serde(serialize_with = "ser_ms")]
    pub per: Duration,
}

impl Quota {
    /// `max` per `per`.
    pub const fn new(max: u32, per: Duration) -> Self {
        Quota { max, per }
    }

    /// `max` per second.
    pub const fn per_second(max: u32) -> Self {
        Quota::new(max, Duration::from_secs(1))
    }

    /// `max` per minute.
    pub const fn per_minute(max: u32) -> Self {
        Quota::new(max, Duration::from_secs(60))
    }
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis().min(u64::MAX as u128) as u64)
}

/// A venue's limits; `None` = not limited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Outbound messages per window (Binance: 5 per second).
    pub messages: Option<Quota>,
    /// Connection attempts per window (Binance: 300 per 5 minutes).
    pub connections: Option<Quota>,
    /// Request weight per window (Binance REST and WebSocket API: 6000 per minute).
    pub weight: Option<Quota>,
    /// Active subscriptions (streams) per connection (Binance: 1024).
    pub max_subscriptions: Option<usize>,
}

/// Which limit refused an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// Outbound messages per window.
    Messages,
    /// Connection attempts per window.
    Connections,
    /// Request weight per window.
    Weight,
    /// Active subscription cap.
    Subscriptions,
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LimitKind::Messages => "messages",
            LimitKind::Connections => "connection attempts",
            LimitKind::Weight => "request weight",
            LimitKind::Subscriptions => "subscriptions",
        })
    }
}

/// An operation was refused by a rate limit. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rate limited: {kind} {used}/{limit}{}", retry_text(.retry_after))]
pub struct RateLimitError {
    /// The limit that refused.
    pub kind: LimitKind,
    /// The limit.
    pub limit: u64,
    /// Units in use when refused (for weight: in use plus requested).
    pub used: u64,
    /// When the operation could succeed, if known (`None` for the subscription cap, which only
    /// an unsubscribe frees).
    pub retry_after: Option<Duration>,
}

fn retry_text(d: &Option<Duration>) -> String {
    match d {
        Some(d) => format!(", retry after {} ms", d.as_millis()),
        None => String::new(),
    }
}

/// Current use of each limit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RateLimitUsage {
    /// Messages sent in the current window / limit.
    pub messages: Option<(u64, u64)>,
    /// Connection attempts in the current window / limit.
    pub connections: Option<(u64, u64)>,
    /// Weight used in the current window / limit.
    pub weight: Option<(u64, u64)>,
    /// Active subscriptions / cap.
    pub subscriptions: (u64, Option<u64>),
    /// Operations refused so far.
    pub refused: u64,
}

#[derive(Debug, Default)]
struct Window {
    /// (time, units), oldest first.
    log: VecDeque<(Instant, u64)>,
    used: u64,
}

impl Window {
    fn evict(&mut self, now: Instant, per: Duration) {
        while let Some(&(t, units)) = self.log.front() {
            if now.saturating_duration_since(t) >= per {
                self.log.pop_front();
                self.used -= units;
            } else {
                break;
            }
        }
    }

    fn try_take(
        &mut self,
        kind: LimitKind,
        quota: Quota,
        units: u64,
        now: Instant,
    ) -> Result<(), RateLimitError> {
        self.evict(now, quota.per);
        let limit = u64::from(quota.max);
        if self.used + units > limit {
            // The earliest moment enough units have left the window.
            let mut freed = 0;
            let mut retry = quota.per;
            for &(t, u) in &self.log {
                freed += u;
                if self.used - freed + units <= limit {
                    retry = (t + quota.per).saturating_duration_since(now);
                    break;
                }
            }
            return Err(RateLimitError {
                kind,
                limit,
                used: self.used + units,
                retry_after: Some(retry),
            });
        }
        if units > 0 {
            self.log.push_back((now, units));
            self.used += units;
        }
        Ok(())
    }

    fn used(&mut self, now: Instant, per: Duration) -> u64 {
        self.evict(now, per);
        self.used
    }
}

#[derive(Debug, Default)]
struct State {
    messages: Window,
    connections: Window,
    weight: Window,
    subscriptions: u64,
    refused: u64,
}

/// A rate limiter for one client.
///
/// ```
/// use tradewire_core::rate_limit::{LimitKind, Quota, RateLimitConfig, RateLimiter};
///
/// let limiter = RateLimiter::new(RateLimitConfig {
///     messages: Some(Quota::per_second(5)),
///     ..Default::default()
/// });
/// for _ in 0..5 {
///     limiter.check_message().unwrap();
/// }
/// let err = limiter.check_message().unwrap_err();
/// assert_eq!(err.kind, LimitKind::Messages);
/// assert!(err.retry_after.is_some());
/// ```
#[derive(Debug)]
pub struct RateLimiter {
    config: RateLimitConfig,
    state: Mutex<State>,
}

impl RateLimiter {
    /// A limiter enforcing `config`.
    pub fn new(config: RateLimitConfig) -> Self {
        RateLimiter {
            config,
            state: Mutex::new(State::default()),
        }
    }

    /// The configured limits.
    pub fn config(&self) -> &RateLimitConfig {
        &self.config
    }

    fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut guard = match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    fn take(
        &self,
        kind: LimitKind,
        quota: Option<Quota>,
        units: u64,
        now: Instant,
    ) -> Result<(), RateLimitError> {
        let Some(quota) = quota else { return Ok(()) };
        self.with_state(|s| {
            let window = match kind {
                LimitKind::Messages => &mut s.messages,
                LimitKind::Connections => &mut s.connections,
                _ => &mut s.weight,
            };
            let r = window.try_take(kind, quota, units, now);
            if r.is_err() {
                s.refused += 1;
            }
            r
        })
    }

    /// Counts one outbound message, or refuses it.
    pub fn check_message(&self) -> Result<(), RateLimitError> {
        if self.config.messages.is_none() {
            return Ok(());
        }
        self.check_messages_at(1, Instant::now())
    }

    /// Counts `n` outbound messages at `now`, all or none.
    pub fn check_messages_at(&self, n: u64, now: Instant) -> Result<(), RateLimitError> {
        self.take(LimitKind::Messages, self.config.messages, n, now)
    }

    /// Counts one connection attempt, or refuses it.
    pub fn check_connection(&self) -> Result<(), RateLimitError> {
        self.check_connection_at(Instant::now())
    }

    /// Counts one connection attempt at `now`.
    pub fn check_connection_at(&self, now: Instant) -> Result<(), RateLimitError> {
        self.take(LimitKind::Connections, self.config.connections, 1, now)
    }

    /// Counts a request of weight `w`, or refuses it.
    pub fn check_weight(&self, w: u32) -> Result<(), RateLimitError> {
        self.check_weight_at(w, Instant::now())
    }

    /// Counts a request of weight `w` at `now`.
    pub fn check_weight_at(&self, w: u32, now: Instant) -> Result<(), RateLimitError> {
        self.take(LimitKind::Weight, self.config.weight, u64::from(w), now)
    }

    /// Aligns the weight window with what the venue reports as used (e.g. Binance's
    /// `X-MBX-USED-WEIGHT-1M` header): the venue's count is the truth.
    pub fn sync_weight(&self, used: u64) {
        self.sync_weight_at(used, Instant::now())
    }

    /// [`sync_weight`](Self::sync_weight) at `now`.
    pub fn sync_weight_at(&self, used: u64, now: Instant) {
        if let Some(q) = self.config.weight {
            self.with_state(|s| {
                let current = s.weight.used(now, q.per);
                if used > current {
                    s.weight.log.push_back((now, used - current));
                    s.weight.used = used;
                }
            });
        }
    }

    /// Reserves `n` more active subscriptions, or refuses all of them.
    pub fn add_subscriptions(&self, n: u64) -> Result<(), RateLimitError> {
        self.with_state(|s| {
            if let Some(cap) = self.config.max_subscriptions {
                let cap = cap as u64;
                if s.subscriptions + n > cap {
                    s.refused += 1;
                    return Err(RateLimitError {
                        kind: LimitKind::Subscriptions,
                        limit: cap,
                        used: s.subscriptions + n,
                        retry_after: None,
                    });
                }
            }
            s.subscriptions += n;
            Ok(())
        })
    }

    /// Releases `n` subscriptions.
    pub fn remove_subscriptions(&self, n: u64) {
        self.with_state(|s| s.subscriptions = s.subscriptions.saturating_sub(n));
    }

    /// How long until `n` messages could be sent (zero if now). Used to pace internal sends such
    /// as the subscription replay after a reconnect; user sends are refused, never delayed.
    pub fn delay_for_messages(&self, n: u64) -> Duration {
        let Some(q) = self.config.messages else {
            return Duration::ZERO;
        };
        let now = Instant::now();
        self.with_state(|s| {
            let mut probe = Window {
                log: s.messages.log.clone(),
                used: s.messages.used,
            };
            match probe.try_take(LimitKind::Messages, q, n.min(u64::from(q.max)), now) {
                Ok(()) => Duration::ZERO,
                Err(e) => e.retry_after.unwrap_or(q.per),
            }
        })
    }

    /// Current usage of each limit.
    pub fn usage(&self) -> RateLimitUsage {
        self.usage_at(Instant::now())
    }

    /// Usage at `now`.
    pub fn usage_at(&self, now: Instant) -> RateLimitUsage {
        let c = &self.config;
        self.with_state(|s| RateLimitUsage {
            messages: c
                .messages
                .map(|q| (s.messages.used(now, q.per), u64::from(q.max))),
            connections: c
                .connections
                .map(|q| (s.connections.used(now, q.per), u64::from(q.max))),
            weight: c
                .weight
                .map(|q| (s.weight.used(now, q.per), u64::from(q.max))),
            subscriptions: (s.subscriptions, c.max_subscriptions.map(|m| m as u64)),
            refused: s.refused,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> RateLimiter {
        RateLimiter::new(RateLimitConfig {
            messages: Some(Quota::per_second(5)),
            connections: Some(Quota::new(3, Duration::from_secs(300))),
            weight: Some(Quota::per_minute(100)),
            max_subscriptions: Some(4),
        })
    }

    #[test]
    fn message_window_slides() {
        let l = limiter();
        let t0 = Instant::now();
        for i in 0..5 {
            l.check_messages_at(1, t0 + Duration::from_millis(i * 100))
                .unwrap();
        }
        let err = l
            .check_messages_at(1, t0 + Duration::from_millis(500))
            .unwrap_err();
        assert_eq!(err.kind, LimitKind::Messages);
        assert_eq!(err.limit, 5);
        assert_eq!(err.used, 6);
        // the first message leaves the window at t0 + 1000ms
        assert_eq!(err.retry_after, Some(Duration::from_millis(500)));
        // at t0+1000 the first slot is free again, but only one
        l.check_messages_at(1, t0 + Duration::from_millis(1000))
            .unwrap();
        assert!(
            l.check_messages_at(1, t0 + Duration::from_millis(1050))
                .is_err()
        );
        assert_eq!(l.usage_at(t0 + Duration::from_millis(1050)).refused, 2);
    }

    #[test]
    fn batch_is_all_or_nothing() {
        let l = limiter();
        let t0 = Instant::now();
        l.check_messages_at(3, t0).unwrap();
        assert!(l.check_messages_at(3, t0).is_err());
        assert_eq!(l.usage_at(t0).messages, Some((3, 5)));
        l.check_messages_at(2, t0).unwrap();
        assert_eq!(l.usage_at(t0).messages, Some((5, 5)));
    }

    #[test]
    fn connection_attempts_per_window() {
        let l = limiter();
        let t0 = Instant::now();
        for _ in 0..3 {
            l.check_connection_at(t0).unwrap();
        }
        let e = l
            .check_connection_at(t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(e.kind, LimitKind::Connections);
        assert_eq!(e.retry_after, Some(Duration::from_secs(290)));
        l.check_connection_at(t0 + Duration::from_secs(300))
            .unwrap();
    }

    #[test]
    fn weight_counts_units_and_syncs_with_venue() {
        let l = limiter();
        let t0 = Instant::now();
        l.check_weight_at(60, t0).unwrap();
        let e = l.check_weight_at(50, t0).unwrap_err();
        assert_eq!((e.kind, e.used, e.limit), (LimitKind::Weight, 110, 100));
        l.check_weight_at(40, t0).unwrap();
        assert_eq!(l.usage_at(t0).weight, Some((100, 100)));
        let l = limiter();
        l.sync_weight_at(95, t0);
        assert!(l.check_weight_at(10, t0).is_err());
        l.check_weight_at(5, t0).unwrap();
        // everything leaves the window after a minute
        assert_eq!(
            l.usage_at(t0 + Duration::from_secs(60)).weight,
            Some((0, 100))
        );
    }

    #[test]
    fn subscription_cap() {
        let l = limiter();
        l.add_subscriptions(3).unwrap();
        let e = l.add_subscriptions(2).unwrap_err();
        assert_eq!(e.kind, LimitKind::Subscriptions);
        assert_eq!(e.retry_after, None);
        l.add_subscriptions(1).unwrap();
        l.remove_subscriptions(2);
        assert_eq!(l.usage().subscriptions, (2, Some(4)));
    }

    #[test]
    fn unlimited_never_refuses() {
        let l = RateLimiter::new(RateLimitConfig::default());
        for _ in 0..10_000 {
            l.check_message().unwrap();
        }
        assert_eq!(l.delay_for_messages(100), Duration::ZERO);
        assert_eq!(l.usage().messages, None);
    }

    #[test]
    fn error_text_names_the_limit() {
        let l = limiter();
        let t0 = Instant::now();
        l.check_messages_at(5, t0).unwrap();
        let e = l.check_messages_at(1, t0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rate limited: messages 6/5, retry after 1000 ms"
        );
    }
}
