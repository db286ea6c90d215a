//! The WebSocket API at `/ws-api/v3` (web-socket-api.md): request/response framing, rate
//! limit reporting, request signatures, session authentication and the user data stream
//! subscriptions (user-data-stream.md).

use std::collections::BTreeMap;

use serde_json::Value;

use super::auth;
use super::config::ApiKeyKind;
use super::error::ApiError;
use super::rest::{self, Endpoint};
use super::state::{ORDER_LIMITS, Params};
use super::util::{Obj, arr, lock, now_ms};
use super::{ConnKind, Inner};

/// Session state of one WebSocket API connection.
#[derive(Debug, Clone)]
pub(crate) struct ApiSession {
    connected_since: i64,
    /// `session.logon`: (account, API key, authorized since).
    logged_on: Option<(usize, String, i64)>,
    /// subscriptionId → (account, opened by `userDataStream.subscribe` of the logged-on key).
    subs: BTreeMap<u64, (usize, bool)>,
    next_sub: u64,
    /// `returnRateLimits` default from the connection URL.
    return_rate_limits: bool,
}

impl ApiSession {
    pub(crate) fn new(path: &str, now: i64) -> Self {
        // web-socket-api.md "How to show/hide rate limit information": `returnRateLimits`
        // in the connection URL sets the default.
        let return_rate_limits = !path
            .split_once('?')
            .is_some_and(|(_, q)| q.split('&').any(|kv| kv == "returnRateLimits=false"));
        Self {
            connected_since: now,
            logged_on: None,
            subs: BTreeMap::new(),
            next_sub: 0,
            return_rate_limits,
        }
    }

    /// Subscription ids of `account` on this connection.
    pub(crate) fn subscriptions_for(&self, account: usize) -> Vec<u64> {
        self.subs
            .iter()
            .filter(|(_, (a, _))| *a == account)
            .map(|(id, _)| *id)
            .collect()
    }

    // web-socket-api.md "Log in with API key (SIGNED)" / "Query session status" / "Log out
    // of the session" — Response.
    fn status_json(&self, now: i64) -> String {
        let obj = Obj::new();
        let obj = match &self.logged_on {
            Some((_, key, since)) => obj.s("apiKey", key).n("authorizedSince", *since),
            None => obj.null("apiKey").null("authorizedSince"),
        };
        obj.n("connectedSince", self.connected_since)
            .b("returnRateLimits", self.return_rate_limits)
            .n("serverTime", now)
            .b("userDataStream", !self.subs.is_empty())
            .finish()
    }
}

/// A method's weight and whether it counts toward `ORDERS`.
fn weight(method: &str, p: &Params) -> u32 {
    match method {
        "ping" | "time" | "order.place" | "order.test" | "order.cancel" => 1,
        "exchangeInfo" => 20,
        "depth" => Endpoint::Depth.weight(p),
        "trades.recent" => 25,
        "klines" | "uiKlines" => 2,
        "ticker.24hr" => Endpoint::Ticker24h.weight(p),
        "order.status" => 4,
        "openOrders.status" => Endpoint::OpenOrders.weight(p),
        "account.status" => 20,
        _ => 2,
    }
}

/// A JSON parameter as the string that is signed and parsed.
fn param_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// The signature payload: every parameter except `signature`, sorted by name, as
/// `name=value` joined by `&` (web-socket-api.md "SIGNED request example (HMAC)", step 1).
fn signature_payload(p: &Params) -> String {
    p.iter()
        .filter(|(k, _)| k.as_str() != "signature")
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

struct Ctx<'a> {
    inner: &'a Inner,
    conn: usize,
    now: i64,
}

impl Ctx<'_> {
    fn session<R>(&self, f: impl FnOnce(&mut ApiSession) -> R) -> Option<R> {
        let mut conns = lock(&self.inner.conns);
        match conns.get_mut(&self.conn).map(|c| &mut c.kind) {
            Some(ConnKind::Api(s)) => Some(f(s)),
            _ => None,
        }
    }

    /// The account of a request signed with `apiKey` + `signature` (any key type).
    fn verify_signed(&self, p: &Params) -> Result<usize, ApiError> {
        let key = p
            .get("apiKey")
            .filter(|k| !k.is_empty())
            .ok_or_else(|| ApiError::mandatory("apiKey"))?;
        if !auth::key_format_ok(key) {
            return Err(ApiError::bad_key_format());
        }
        let (idx, kind) = {
            let st = lock(&self.inner.state);
            let idx = st
                .accounts
                .iter()
                .position(|a| a.cfg.api_key == *key)
                .ok_or_else(ApiError::rejected_key)?;
            let kind = st
                .accounts
                .get(idx)
                .map(|a| a.cfg.kind.clone())
                .ok_or_else(ApiError::rejected_key)?;
            (idx, kind)
        };
        let signature = p
            .get("signature")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::mandatory("signature"))?;
        if !auth::verify(&kind, &signature_payload(p), signature) {
            return Err(ApiError::bad_signature());
        }
        auth::check_timing(p, self.now)?;
        Ok(idx)
    }

    /// The account of a SIGNED request: explicit `apiKey`/`signature`, or the session's key
    /// (web-socket-api.md "Session Authentication": "you can omit `apiKey` and `signature`").
    fn account(&self, p: &Params) -> Result<usize, ApiError> {
        if p.contains_key("signature") || p.contains_key("apiKey") {
            return self.verify_signed(p);
        }
        let logged = self
            .session(|s| s.logged_on.as_ref().map(|(a, _, _)| *a))
            .flatten();
        match logged {
            Some(account) => {
                auth::check_timing(p, self.now)?;
                Ok(account)
            }
            None => Err(ApiError::mandatory("apiKey")),
        }
    }

    fn call(&self, method: &str, p: &Params) -> Result<String, ApiError> {
        let now = self.now;
        let inner = self.inner;
        let private = |endpoint: Endpoint| -> Result<String, ApiError> {
            let account = self.account(p)?;
            rest::private_call(inner, endpoint, account, p, now).map(|(body, _)| body)
        };
        match method {
            "ping" => rest::public_call(inner, Endpoint::Ping, p, now),
            "time" => rest::public_call(inner, Endpoint::Time, p, now),
            "exchangeInfo" => rest::public_call(inner, Endpoint::ExchangeInfo, p, now),
            "depth" => rest::public_call(inner, Endpoint::Depth, p, now),
            "trades.recent" => rest::public_call(inner, Endpoint::Trades, p, now),
            "klines" | "uiKlines" => rest::public_call(inner, Endpoint::Klines, p, now),
            "ticker.24hr" => rest::public_call(inner, Endpoint::Ticker24h, p, now),
            "order.place" => private(Endpoint::NewOrder),
            "order.test" => private(Endpoint::TestOrder),
            "order.cancel" => private(Endpoint::CancelOrder),
            "order.status" => private(Endpoint::QueryOrder),
            "openOrders.status" => private(Endpoint::OpenOrders),
            "account.status" => private(Endpoint::Account),
            "session.logon" => self.logon(p),
            "session.status" => self
                .session(|s| s.status_json(now))
                .ok_or_else(ApiError::rejected_key),
            "session.logout" => self.logout(),
            "session.subscriptions" => Ok(self
                .session(|s| {
                    arr(s
                        .subs
                        .keys()
                        .map(|id| Obj::new().n("subscriptionId", id).finish()))
                })
                .unwrap_or_else(|| "[]".to_owned())),
            "userDataStream.subscribe" => {
                let account = self
                    .session(|s| s.logged_on.as_ref().map(|(a, _, _)| *a))
                    .flatten()
                    // Not documented which error an unauthenticated session gets.
                    .ok_or_else(ApiError::rejected_key)?;
                self.subscribe(account, true)
            }
            "userDataStream.subscribe.signature" => {
                let account = self.verify_signed(p)?;
                self.subscribe(account, false)
            }
            "userDataStream.unsubscribe" => {
                let id = match p.get("subscriptionId") {
                    Some(v) => Some(
                        v.parse::<u64>()
                            .map_err(|_| ApiError::illegal("subscriptionId", "^[0-9]{1,20}$"))?,
                    ),
                    None => None,
                };
                self.unsubscribe(|sub, _| id.is_none_or(|i| i == sub))
            }
            // Not documented: the error for an unknown method.
            _ => Err(ApiError::bad(-1020, "This operation is not supported.")),
        }
    }

    // web-socket-api.md "Log in with API key (SIGNED)": "Only Ed25519 keys are supported for
    // this feature."
    fn logon(&self, p: &Params) -> Result<String, ApiError> {
        let account = self.verify_signed(p)?;
        let (is_ed25519, key) = {
            let st = lock(&self.inner.state);
            let acct = st
                .accounts
                .get(account)
                .ok_or_else(ApiError::rejected_key)?;
            (
                matches!(acct.cfg.kind, ApiKeyKind::Ed25519 { .. }),
                acct.cfg.api_key.clone(),
            )
        };
        if !is_ed25519 {
            // The documented note gives no error code for non-Ed25519 keys.
            return Err(ApiError::rejected_key());
        }
        let now = self.now;
        self.session(|s| {
            s.logged_on = Some((account, key, now));
            s.status_json(now)
        })
        .ok_or_else(ApiError::rejected_key)
    }

    // web-socket-api.md "Unsubscribe from User Data Stream": "`session.logout` will only
    // close the subscription created with `userDataStream.subscribe`".
    fn logout(&self) -> Result<String, ApiError> {
        let now = self.now;
        let closed = self.session(|s| {
            s.logged_on = None;
            let ids: Vec<u64> = s
                .subs
                .iter()
                .filter(|(_, (_, via_logon))| *via_logon)
                .map(|(id, _)| *id)
                .collect();
            for id in &ids {
                s.subs.remove(id);
            }
            ids
        });
        self.terminated(&closed.unwrap_or_default());
        self.session(|s| s.status_json(now))
            .ok_or_else(ApiError::rejected_key)
    }

    // web-socket-api.md "Subscribe to User Data Stream (USER_STREAM)" — Response
    // `{"subscriptionId":0}`.
    fn subscribe(&self, account: usize, via_logon: bool) -> Result<String, ApiError> {
        self.session(|s| {
            if s.subs.values().any(|(a, _)| *a == account) {
                // errors.md "-2035 SUBSCRIPTION_ACTIVE".
                return Err(ApiError::bad(
                    -2035,
                    "User Data Stream subscription already active.",
                ));
            }
            if s.subs.len() >= 1_000 {
                // errors.md "-2042 MAXIMUM_SUBSCRIPTION_IDS".
                return Err(ApiError::bad(
                    -2042,
                    "Maximum subscription ID reached for this connection.",
                ));
            }
            let id = s.next_sub;
            s.next_sub += 1;
            s.subs.insert(id, (account, via_logon));
            Ok(Obj::new().n("subscriptionId", id).finish())
        })
        .unwrap_or_else(|| Err(ApiError::rejected_key()))
    }

    fn unsubscribe(&self, which: impl Fn(u64, usize) -> bool) -> Result<String, ApiError> {
        let closed = self.session(|s| {
            let ids: Vec<u64> = s
                .subs
                .iter()
                .filter(|(id, (a, _))| which(**id, *a))
                .map(|(id, _)| *id)
                .collect();
            for id in &ids {
                s.subs.remove(id);
            }
            ids
        });
        let closed = closed.unwrap_or_default();
        if closed.is_empty() {
            // errors.md "-2036 SUBSCRIPTION_INACTIVE".
            return Err(ApiError::bad(
                -2036,
                "User Data Stream subscription not active.",
            ));
        }
        self.terminated(&closed);
        Ok("{}".to_owned())
    }

    // user-data-stream.md "Event Stream Terminated" — Payload.
    fn terminated(&self, ids: &[u64]) {
        let now = self.now;
        let conns = lock(&self.inner.conns);
        let Some(conn) = conns.get(&self.conn) else {
            return;
        };
        for id in ids {
            let event = Obj::new()
                .s("e", "eventStreamTerminated")
                .n("E", now)
                .finish();
            let frame = Obj::new()
                .n("subscriptionId", id)
                .raw("event", &event)
                .finish();
            conn.sender.send(crate::MockFrame::Text(frame));
        }
    }
}

/// `rateLimits`: REQUEST_WEIGHT, plus ORDERS for order placement (web-socket-api.md "How to
/// interpret rate limits").
fn rate_limits(inner: &Inner, used: u32, orders: Option<(u32, u32)>) -> String {
    let mut items = Vec::new();
    if let Some((s10, d1)) = orders {
        for ((interval, num, limit), count) in ORDER_LIMITS.iter().zip([s10, d1]) {
            items.push(
                Obj::new()
                    .s("rateLimitType", "ORDERS")
                    .s("interval", interval)
                    .n("intervalNum", num)
                    .n("limit", limit)
                    .n("count", count)
                    .finish(),
            );
        }
    }
    items.push(
        Obj::new()
            .s("rateLimitType", "REQUEST_WEIGHT")
            .s("interval", "MINUTE")
            .n("intervalNum", 1)
            .n("limit", inner.config.weight_limit_per_minute)
            .n("count", used)
            .finish(),
    );
    arr(items)
}

// web-socket-api.md "Response format": `{"id":..,"status":..,"result"|"error":..,
// "rateLimits":[..]}`.
fn response(
    id: &str,
    result: Result<String, ApiError>,
    limits: Option<String>,
    now: i64,
) -> String {
    let obj = Obj::new().raw("id", id);
    let obj = match result {
        Ok(body) => obj.n("status", 200).raw("result", &body),
        Err(e) => {
            let err = Obj::new().n("code", e.code).s("msg", &e.msg);
            // web-socket-api.md "IP limits": 429/418 errors carry `data.retryAfter`.
            let err = match e.retry_after_ms {
                Some(at) => err.raw(
                    "data",
                    &Obj::new().n("serverTime", now).n("retryAfter", at).finish(),
                ),
                None => err,
            };
            obj.n("status", e.status).raw("error", &err.finish())
        }
    };
    match limits {
        Some(l) => obj.raw("rateLimits", &l).finish(),
        None => obj.finish(),
    }
}

/// Handles one request frame; returns the response frame(s).
pub(crate) fn handle(inner: &Inner, conn: usize, text: &str) -> Vec<String> {
    let now = now_ms();
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        // errors.md "-1135 INVALID_JSON".
        let e = ApiError::bad(-1135, "Invalid JSON Request");
        return vec![response("null", Err(e), None, now)];
    };
    let id = match value.get("id") {
        Some(v @ (Value::Number(_) | Value::String(_) | Value::Null)) => v.to_string(),
        _ => {
            return vec![response("null", Err(ApiError::mandatory("id")), None, now)];
        }
    };
    let Some(method) = value.get("method").and_then(Value::as_str) else {
        return vec![response(&id, Err(ApiError::mandatory("method")), None, now)];
    };
    // "Request method names may be prefixed with explicit version: e.g., "v3/order.place"."
    let method = method.strip_prefix("v3/").unwrap_or(method);
    let mut p = Params::new();
    match value.get("params") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (k, v) in map {
                if let Some(s) = param_string(v) {
                    p.insert(k.clone(), s);
                }
            }
        }
        Some(_) => {
            // Wording reported for the live server.
            let e = ApiError::bad(
                -1135,
                "Invalid 'params' in JSON request; expected an object.",
            );
            return vec![response(&id, Err(e), None, now)];
        }
    }
    let ctx = Ctx { inner, conn, now };
    let default_limits = ctx.session(|s| s.return_rate_limits).unwrap_or(true);
    let show_limits = match p.remove("returnRateLimits").as_deref() {
        Some("false") => false,
        Some("true") => true,
        _ => default_limits,
    };
    let charged = lock(&inner.limits).charge(&inner.config, weight(method, &p), now);
    let (result, used) = match charged {
        Err(e) => {
            let used = lock(&inner.limits).used_now(now);
            (Err(e), used)
        }
        Ok(used) => (ctx.call(method, &p), used),
    };
    let orders = if method == "order.place" && result.is_ok() {
        ctx.account(&p).ok().and_then(|account| {
            lock(&inner.state)
                .accounts
                .get_mut(account)
                .map(|a| a.order_counts(now, false))
        })
    } else {
        None
    };
    let limits = show_limits.then(|| rate_limits(inner, used, orders));
    vec![response(&id, result, limits, now)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_sorted_without_signature() {
        let mut p = Params::new();
        p.insert("symbol".into(), "BTCUSDT".into());
        p.insert("apiKey".into(), "k".into());
        p.insert("signature".into(), "s".into());
        p.insert("timestamp".into(), "1".into());
        assert_eq!(signature_payload(&p), "apiKey=k&symbol=BTCUSDT&timestamp=1");
        assert_eq!(param_string(&serde_json::json!(100)), Some("100".into()));
        assert_eq!(param_string(&serde_json::json!("0.1")), Some("0.1".into()));
        assert_eq!(param_string(&Value::Null), None);
    }

    #[test]
    fn session_flags() {
        let s = ApiSession::new("/ws-api/v3?returnRateLimits=false", 5);
        assert!(!s.return_rate_limits);
        let json = s.status_json(9);
        assert_eq!(
            json,
            r#"{"apiKey":null,"authorizedSince":null,"connectedSince":5,"returnRateLimits":false,"serverTime":9,"userDataStream":false}"#
        );
    }
}
