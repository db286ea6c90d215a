//! `GET /api/v3/ping`: test connectivity to the REST API.
//!
//! Source: rest-api.md, "General endpoints" → "Test connectivity"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#test-connectivity>).
//! Weight 1, no parameters, response `{}`.

use serde::Deserialize;
use tradewire_rest::{RequestBuilder, RestClient, RestError};

/// The endpoint's path.
pub const PATH: &str = "/api/v3/ping";

/// The documented request weight.
pub const WEIGHT: u32 = 1;

/// The (empty) response object `{}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct Pong {}

/// The request, ready to send.
pub fn request<'a>(rest: &RestClient) -> RequestBuilder<'a> {
    rest.get(PATH).weight(WEIGHT)
}

/// Sends the request; `Ok(())` when the API answered `{}`.
pub async fn send(rest: &RestClient) -> Result<(), RestError> {
    request(rest).send_json::<Pong>().await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::Venue;

    #[test]
    fn request_has_no_parameters() {
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = request(&rest).prepare().unwrap();
        assert_eq!(req.method, tradewire_rest::http::Method::GET);
        assert_eq!(req.path, "/api/v3/ping");
        assert_eq!(req.query_string(), "");
    }

    #[test]
    fn documented_response() {
        // rest-api.md, "Test connectivity", Response.
        let body = "{}";
        assert_eq!(serde_json::from_str::<Pong>(body).unwrap(), Pong {});
    }
}
