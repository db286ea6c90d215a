//! Market stream connections: stream names, connection paths and the live control messages
//! (web-socket-streams.md "Live Subscribing/Unsubscribing to streams").

use serde::Deserialize;
use serde_json::Value;
use serde_json::error::Category;

use super::kline::Interval;
use super::util::{Obj, arr, jstr};

/// Subscriptions and properties of one market stream connection.
#[derive(Debug, Clone, Default)]
pub(crate) struct MarketConn {
    /// Subscribed streams in subscription order (no duplicates).
    pub(crate) subs: Vec<String>,
    /// Payloads wrapped as `{"stream":..,"data":..}` (the `combined` property).
    pub(crate) combined: bool,
}

impl MarketConn {
    pub(crate) fn wants(&self, stream: &str) -> bool {
        self.subs.iter().any(|s| s == stream)
    }

    /// The frame for `payload` of `stream`, wrapped when combined (web-socket-streams.md
    /// "General WSS information": `{"stream":"<streamName>","data":<rawPayload>}`).
    pub(crate) fn frame(&self, stream: &str, payload: &str) -> String {
        if self.combined {
            format!("{{\"stream\":{},\"data\":{payload}}}", jstr(stream))
        } else {
            payload.to_owned()
        }
    }
}

/// Whether `name` is a stream this simulator serves: `<symbol>@trade`, `@aggTrade`,
/// `@kline_<interval>`, `@depth`, `@depth@100ms`, `@depth<5|10|20>[@100ms]`, `@bookTicker`,
/// `@ticker`, `@miniTicker`, with a configured symbol in lower case.
pub(crate) fn valid_stream(name: &str, symbols: &[String]) -> bool {
    let Some((symbol, kind)) = name.split_once('@') else {
        return false;
    };
    if !symbols.iter().any(|s| s == symbol) {
        return false;
    }
    match kind {
        "trade" | "aggTrade" | "depth" | "depth@100ms" | "bookTicker" | "ticker" | "miniTicker" => {
            true
        }
        _ => {
            if let Some(interval) = kind.strip_prefix("kline_") {
                return Interval::parse(interval).is_some();
            }
            let levels = kind.strip_suffix("@100ms").unwrap_or(kind);
            matches!(levels, "depth5" | "depth10" | "depth20")
        }
    }
}

/// What a connection path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// A market stream connection with initial streams; `combined` for `/stream`.
    Streams {
        streams: Vec<String>,
        combined: bool,
    },
    /// The WebSocket API (`/ws-api/v3`).
    Api,
}

/// Parses an upgrade path: `/ws`, `/ws/<stream>`, `/stream?streams=a/b/c`, `/ws-api/v3`.
pub(crate) fn route(path: &str) -> Option<Route> {
    let (path_only, query) = path.split_once('?').unwrap_or((path, ""));
    match path_only {
        "/ws-api/v3" | "/ws-api/v3/" => Some(Route::Api),
        "/ws" | "/ws/" => Some(Route::Streams {
            streams: Vec::new(),
            combined: false,
        }),
        "/stream" | "/stream/" => {
            let streams = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("streams="))
                .map(|s| {
                    s.split('/')
                        .filter(|x| !x.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            Some(Route::Streams {
                streams,
                combined: true,
            })
        }
        other => other.strip_prefix("/ws/").map(|stream| Route::Streams {
            streams: vec![stream.to_owned()],
            combined: false,
        }),
    }
}

/// The methods of the live control protocol. Parsed with serde so that errors read like the
/// documented ones ("unknown variant `X`, expected one of `SUBSCRIBE`, ... at line 1 column
/// 28", "missing field `method` at line 1 column 73").
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types)]
enum Method {
    SUBSCRIBE,
    UNSUBSCRIBE,
    LIST_SUBSCRIPTIONS,
    SET_PROPERTY,
    GET_PROPERTY,
}

#[derive(Debug, Deserialize)]
struct Request {
    method: Method,
    #[serde(default)]
    params: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
}

/// Error replies: web-socket-streams.md "Error Messages". The `id` is echoed when the request
/// had a usable one; `wrap` selects the `{"error":{..},"id":..}` variant.
fn error(code: i64, msg: &str, id: Option<&Value>, wrap: bool) -> String {
    let id_json = id.map(Value::to_string);
    if wrap {
        let err = Obj::new().n("code", code).s("msg", msg).finish();
        Obj::new()
            .raw("error", &err)
            .raw("id", id_json.as_deref().unwrap_or("null"))
            .finish()
    } else {
        let obj = Obj::new().n("code", code).s("msg", msg);
        match id_json {
            Some(id) => obj.raw("id", &id).finish(),
            None => obj.finish(),
        }
    }
}

/// An id of an accepted type: "64-bit signed integer, alphanumeric strings; max length 36,
/// `null`" (web-socket-streams.md "Live Subscribing/Unsubscribing to streams").
fn id_ok(id: &Value) -> bool {
    match id {
        Value::Null => true,
        Value::Number(n) => n.is_i64(),
        Value::String(s) => s.len() <= 36 && s.bytes().all(|b| b.is_ascii_alphanumeric()),
        _ => false,
    }
}

/// Handles one control message on `conn`. `symbols` are the lower-case configured symbols.
pub(crate) fn handle_control(
    conn: &mut MarketConn,
    text: &str,
    symbols: &[String],
    max_streams: usize,
    wrap: bool,
) -> String {
    // Syntax first: "Invalid JSON: expected value at line %s column %s" (code 3).
    if let Err(e) = serde_json::from_str::<Value>(text) {
        return error(3, &format!("Invalid JSON: {e}"), None, wrap);
    }
    let req: Request = match serde_json::from_str(text) {
        Ok(r) => r,
        Err(e) if e.classify() == Category::Data => {
            return error(2, &format!("Invalid request: {e}"), None, wrap);
        }
        Err(e) => return error(3, &format!("Invalid JSON: {e}"), None, wrap),
    };
    let id = match req.id {
        Some(id) if id_ok(&id) => id,
        _ => {
            return error(
                2,
                "Invalid request: request ID must be an unsigned integer",
                None,
                wrap,
            );
        }
    };
    let ok = |result: &str| {
        Obj::new()
            .raw("result", result)
            .raw("id", &id.to_string())
            .finish()
    };
    let params: Vec<Value> = match req.params {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return error(2, "Invalid request: too many parameters", Some(&id), wrap);
        }
    };
    match req.method {
        Method::SUBSCRIBE | Method::UNSUBSCRIBE => {
            let mut names = Vec::with_capacity(params.len());
            for p in &params {
                match p.as_str() {
                    // Not in the documented table; the wording live servers use per public
                    // bug reports ("Invalid request: invalid stream").
                    Some(name) if valid_stream(name, symbols) => names.push(name.to_owned()),
                    _ => {
                        return error(2, "Invalid request: invalid stream", Some(&id), wrap);
                    }
                }
            }
            if req.method == Method::SUBSCRIBE {
                let mut added: Vec<String> = Vec::new();
                for n in names {
                    if !conn.wants(&n) && !added.contains(&n) {
                        added.push(n);
                    }
                }
                if conn.subs.len() + added.len() > max_streams {
                    // web-socket-streams.md "WebSocket Limits": "A single connection can listen
                    // to a maximum of 1024 streams." The reply text is not documented.
                    return error(
                        2,
                        &format!(
                            "Invalid request: too many streams; a connection can listen to at most {max_streams} streams"
                        ),
                        Some(&id),
                        wrap,
                    );
                }
                conn.subs.extend(added);
            } else {
                conn.subs.retain(|s| !names.contains(s));
            }
            ok("null")
        }
        Method::LIST_SUBSCRIPTIONS => {
            if !params.is_empty() {
                return error(2, "Invalid request: too many parameters", Some(&id), wrap);
            }
            let list = arr(conn.subs.iter().map(|s| jstr(s)));
            ok(&list)
        }
        Method::SET_PROPERTY | Method::GET_PROPERTY => {
            let expected = if req.method == Method::SET_PROPERTY {
                2
            } else {
                1
            };
            if params.len() > expected {
                return error(2, "Invalid request: too many parameters", Some(&id), wrap);
            }
            let Some(name) = params.first().and_then(Value::as_str) else {
                return error(
                    2,
                    "Invalid request: property name must be a string",
                    Some(&id),
                    wrap,
                );
            };
            if name != "combined" {
                return error(0, "Unknown property", Some(&id), wrap);
            }
            if req.method == Method::GET_PROPERTY {
                return ok(if conn.combined { "true" } else { "false" });
            }
            match params.get(1).and_then(Value::as_bool) {
                Some(v) => {
                    conn.combined = v;
                    ok("null")
                }
                None => error(1, "Invalid value type: expected Boolean", Some(&id), wrap),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syms() -> Vec<String> {
        vec!["btcusdt".to_owned(), "bnbbtc".to_owned()]
    }

    fn send(conn: &mut MarketConn, text: &str) -> String {
        handle_control(conn, text, &syms(), 3, false)
    }

    #[test]
    fn stream_names() {
        let s = syms();
        for ok in [
            "btcusdt@trade",
            "btcusdt@aggTrade",
            "btcusdt@kline_1s",
            "btcusdt@kline_1M",
            "btcusdt@depth",
            "btcusdt@depth@100ms",
            "btcusdt@depth5",
            "btcusdt@depth20@100ms",
            "bnbbtc@bookTicker",
            "bnbbtc@ticker",
            "bnbbtc@miniTicker",
        ] {
            assert!(valid_stream(ok, &s), "{ok}");
        }
        for bad in [
            "BTCUSDT@trade",
            "ethusdt@trade",
            "btcusdt@kline_2m",
            "btcusdt@depth7",
            "btcusdt@depth@1000ms",
            "btcusdt",
            "btcusdt@aggtrade",
        ] {
            assert!(!valid_stream(bad, &s), "{bad}");
        }
    }

    #[test]
    fn routes() {
        assert_eq!(
            route("/stream?streams=a/b"),
            Some(Route::Streams {
                streams: vec!["a".into(), "b".into()],
                combined: true
            })
        );
        assert_eq!(
            route("/ws/btcusdt@trade"),
            Some(Route::Streams {
                streams: vec!["btcusdt@trade".into()],
                combined: false
            })
        );
        assert_eq!(route("/ws-api/v3?returnRateLimits=false"), Some(Route::Api));
        assert_eq!(route("/nope"), None);
    }

    #[test]
    fn control_messages() {
        let mut c = MarketConn::default();
        assert_eq!(
            send(
                &mut c,
                r#"{"method":"SUBSCRIBE","params":["btcusdt@trade","btcusdt@depth"],"id":1}"#
            ),
            r#"{"result":null,"id":1}"#
        );
        assert_eq!(
            send(&mut c, r#"{"method":"LIST_SUBSCRIPTIONS","id":"a3"}"#),
            r#"{"result":["btcusdt@trade","btcusdt@depth"],"id":"a3"}"#
        );
        assert_eq!(
            send(
                &mut c,
                r#"{"method":"UNSUBSCRIBE","params":["btcusdt@depth"],"id":312}"#
            ),
            r#"{"result":null,"id":312}"#
        );
        assert_eq!(c.subs, vec!["btcusdt@trade".to_owned()]);
        assert_eq!(
            send(
                &mut c,
                r#"{"method":"SUBSCRIBE","params":["btcusdt@nope"],"id":4}"#
            ),
            r#"{"code":2,"msg":"Invalid request: invalid stream","id":4}"#
        );
        assert_eq!(
            send(
                &mut c,
                r#"{"method":"SUBSCRIBE","params":["btcusdt@ticker","bnbbtc@ticker","bnbbtc@trade"],"id":5}"#
            ),
            r#"{"code":2,"msg":"Invalid request: too many streams; a connection can listen to at most 3 streams","id":5}"#
        );
        assert_eq!(
            send(&mut c, r#"{"method":"SUBSCRIBE","params":[],"id":1.5}"#),
            r#"{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"}"#
        );
        assert_eq!(
            send(&mut c, "{"),
            r#"{"code":3,"msg":"Invalid JSON: EOF while parsing an object at line 1 column 1"}"#
        );
        let unknown = send(&mut c, r#"{"method":"SUBSCRIB","params":[],"id":1}"#);
        assert!(unknown.starts_with(r#"{"code":2,"msg":"Invalid request: unknown variant `SUBSCRIB`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column "#), "{unknown}");
        let missing = send(&mut c, r#"{"params":[],"id":1}"#);
        assert!(
            missing.starts_with(
                r#"{"code":2,"msg":"Invalid request: missing field `method` at line 1 column"#
            ),
            "{missing}"
        );
        assert_eq!(
            send(
                &mut c,
                r#"{"method":"SET_PROPERTY","params":["combined",true],"id":5}"#
            ),
            r#"{"result":null,"id":5}"#
        );
        assert!(c.combined);
        assert_eq!(
            send(
                &mut c,
                r#"{"method":"GET_PROPERTY","params":["combined"],"id":2}"#
            ),
            r#"{"result":true,"id":2}"#
        );
        assert_eq!(
            send(&mut c, r#"{"method":"GET_PROPERTY","params":["x"],"id":2}"#),
            r#"{"code":0,"msg":"Unknown property","id":2}"#
        );
        assert_eq!(
            send(
                &mut c,
                r#"{"method":"SET_PROPERTY","params":["combined","yes"],"id":2}"#
            ),
            r#"{"code":1,"msg":"Invalid value type: expected Boolean","id":2}"#
        );
        assert_eq!(
            c.frame("btcusdt@trade", "{}"),
            r#"{"stream":"btcusdt@trade","data":{}}"#
        );
        let wrapped = handle_control(
            &mut c,
            r#"{"method":"SUBSCRIBE","params":["x"],"id":9}"#,
            &syms(),
            3,
            true,
        );
        assert_eq!(
            wrapped,
            r#"{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":9}"#
        );
    }
}
