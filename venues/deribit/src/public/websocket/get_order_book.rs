//! `public/get_order_book` (<https://docs.deribit.com/api-reference/market-data/public-get_order_book>).

use serde::{Deserialize, Serialize};
use tradewire_core::{BookKind, BookLevel, BookUpdate, Decimal, Venue};

use crate::call::Session;
use crate::error::Result;
use crate::normalize::instrument_symbol;
use crate::num;

/// The method.
pub const METHOD: &str = "public/get_order_book";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderBookParams {
    /// Instrument.
    pub instrument_name: String,
    /// Levels per side (1, 5, 10, 20, 50, 100, 1000, 10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
}

#[derive(Deserialize)]
struct Level(
    #[serde(deserialize_with = "num::req")] Decimal,
    #[serde(deserialize_with = "num::req")] Decimal,
);

fn levels<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<BookLevel>, D::Error> {
    let v = <Vec<Level>>::deserialize(d)?;
    Ok(v.into_iter()
        .map(|Level(p, a)| BookLevel::new(p, a))
        .collect())
}

/// Result.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OrderBookSnapshot {
    /// Instrument.
    pub instrument_name: String,
    /// Time (ms).
    pub timestamp: i64,
    /// Book change id (chains with the `book.*` channel's `prev_change_id`).
    #[serde(default)]
    pub change_id: Option<u64>,
    /// Bids, best first.
    #[serde(deserialize_with = "levels")]
    pub bids: Vec<BookLevel>,
    /// Asks, best first.
    #[serde(deserialize_with = "levels")]
    pub asks: Vec<BookLevel>,
    /// Mark price.
    #[serde(default, deserialize_with = "num::opt")]
    pub mark_price: Option<Decimal>,
    /// Index price.
    #[serde(default, deserialize_with = "num::opt")]
    pub index_price: Option<Decimal>,
    /// `open` / `closed`.
    #[serde(default)]
    pub state: Option<String>,
}

impl OrderBookSnapshot {
    /// The snapshot as a core book update (`last_seq` = `change_id`).
    pub fn to_book_update(&self) -> BookUpdate {
        let mut u = BookUpdate::new(
            Venue::Deribit,
            instrument_symbol(&self.instrument_name),
            self.instrument_name.clone(),
            BookKind::Snapshot,
        );
        u.last_seq = self.change_id;
        u.time = Some(self.timestamp);
        u.bids = self.bids.clone();
        u.asks = self.asks.clone();
        u
    }
}

/// Fetches a book snapshot.
pub async fn get_order_book(
    session: &Session,
    params: &GetOrderBookParams,
) -> Result<OrderBookSnapshot> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/market-data/public-get_order_book (example, shortened)
        let p = GetOrderBookParams {
            instrument_name: "BTC-PERPETUAL".into(),
            depth: Some(5),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"instrument_name":"BTC-PERPETUAL","depth":5}"#
        );
        let r: OrderBookSnapshot = result(r#"{"jsonrpc":"2.0","id":8772,"result":{"timestamp":1550757626706,"stats":{"volume":93.35589552,"low":3940.75,"high":3976.25},"state":"open","settlement_price":3925.85,"open_interest":45.27600333464605,"min_price":3932.22,"max_price":3971.74,"mark_price":3931.97,"last_price":3955.75,"instrument_name":"BTC-PERPETUAL","index_price":3910.46,"funding_8h":0.00455263,"current_funding":0.00500063,"change_id":474988,"bids":[[3955.75,30.0],[3940.75,102020.0]],"best_bid_price":3955.75,"best_bid_amount":30.0,"best_ask_price":0.0,"best_ask_amount":0.0,"asks":[]}}"#).unwrap();
        let u = r.to_book_update();
        assert_eq!(u.last_seq, Some(474988));
        assert_eq!(u.bids[0].amount.to_string(), "30.0");
        assert!(u.asks.is_empty());
    }
}
