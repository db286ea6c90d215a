//! `GET /api/v3/time`: the server's current time, e.g. to correct the clock offset used in
//! signed requests' `timestamp`.
//!
//! Source: rest-api.md, "General endpoints" → "Check server time"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#check-server-time>).
//! Weight 1, no parameters.

use serde::Deserialize;
use tradewire_rest::{RequestBuilder, RestClient, RestError};

use super::now_ms;

/// The endpoint's path.
pub const PATH: &str = "/api/v3/time";

/// The documented request weight.
pub const WEIGHT: u32 = 1;

/// The response: `{"serverTime": 1499827319559}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ServerTime {
    /// The server's time, UTC milliseconds.
    #[serde(rename = "serverTime")]
    pub server_time: i64,
}

/// The request, ready to send.
pub fn request<'a>(rest: &RestClient) -> RequestBuilder<'a> {
    rest.get(PATH).weight(WEIGHT)
}

/// Sends the request; the server time in UTC milliseconds.
pub async fn send(rest: &RestClient) -> Result<i64, RestError> {
    Ok(request(rest).send_json::<ServerTime>().await?.server_time)
}

/// The server clock minus the local clock, in milliseconds: the local time at the middle of the
/// round trip is compared with the server's answer. Add it to the local time to get the
/// server's (what signed requests' `timestamp` should be).
pub async fn clock_offset_ms(rest: &RestClient) -> Result<i64, RestError> {
    let before = now_ms();
    let server = send(rest).await?;
    let after = now_ms();
    Ok(offset(server, before, after))
}

/// `server - (before + after) / 2`.
fn offset(server: i64, before: i64, after: i64) -> i64 {
    server.saturating_sub(before.saturating_add(after.saturating_sub(before) / 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::Venue;

    #[test]
    fn request_has_no_parameters() {
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = request(&rest).prepare().unwrap();
        assert_eq!(req.path, "/api/v3/time");
        assert_eq!(req.query_string(), "");
    }

    #[test]
    fn documented_response() {
        // rest-api.md, "Check server time", Response.
        let body = r#"{
    "serverTime": 1499827319559
}"#;
        let t: ServerTime = serde_json::from_str(body).unwrap();
        assert_eq!(t.server_time, 1499827319559);
        assert!(serde_json::from_str::<ServerTime>("{}").is_err());
    }

    #[test]
    fn offset_uses_the_round_trip_midpoint() {
        assert_eq!(offset(1_000_500, 1_000_000, 1_000_200), 400);
        assert_eq!(offset(999_000, 1_000_000, 1_000_000), -1_000);
    }
}
