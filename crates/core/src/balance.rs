//! Account balances ([`Balance`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Venue;

/// The balance of one asset in the account.
///
/// JSON (inside [`MarketEvent`](crate::MarketEvent)):
/// `{"type":"balance","venue","asset","free","locked","total","time"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    /// The venue holding the balance.
    pub venue: Venue,
    /// The asset code as the venue spells it, e.g. `"BTC"`, `"USDT"`.
    pub asset: String,
    /// Available for trading or withdrawal.
    #[serde(with = "crate::decimal_serde::string")]
    pub free: Decimal,
    /// Held by open orders or otherwise unavailable.
    #[serde(with = "crate::decimal_serde::string")]
    pub locked: Decimal,
    /// Total balance (the venue's figure; usually `free + locked`).
    #[serde(with = "crate::decimal_serde::string")]
    pub total: Decimal,
    /// Time of the balance, UTC ms, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
}

impl Balance {
    /// A balance whose total is `free + locked` (for venues that send only those two).
    pub fn new(venue: Venue, asset: impl Into<String>, free: Decimal, locked: Decimal) -> Self {
        Balance {
            venue,
            asset: asset.into(),
            free,
            locked,
            total: free + locked,
            time: None,
        }
    }
}
