//! `public/get_instruments` (<https://docs.deribit.com/api-reference/market-data/public-get_instruments>).

use serde::{Deserialize, Serialize};
use tradewire_core::{Decimal, Symbol};

use crate::call::Session;
use crate::error::Result;
use crate::normalize::instrument_symbol;
use crate::num;

/// The method.
pub const METHOD: &str = "public/get_instruments";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetInstrumentsParams {
    /// `BTC`, `ETH`, `USDC`, `USDT`, `EURR` or `any`.
    pub currency: String,
    /// `future`, `option`, `spot`, `future_combo`, `option_combo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Include expired instruments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired: Option<bool>,
}

/// One instrument.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Instrument {
    /// Name, e.g. `BTC-PERPETUAL`.
    pub instrument_name: String,
    /// `future`, `option`, `spot`, ...
    pub kind: String,
    /// Base currency.
    pub base_currency: String,
    /// Quote currency.
    pub quote_currency: String,
    /// Settlement currency.
    #[serde(default)]
    pub settlement_currency: Option<String>,
    /// Tick size.
    #[serde(deserialize_with = "num::req")]
    pub tick_size: Decimal,
    /// Minimum order amount.
    #[serde(deserialize_with = "num::req")]
    pub min_trade_amount: Decimal,
    /// Contract size.
    #[serde(deserialize_with = "num::req")]
    pub contract_size: Decimal,
    /// Expiry (ms); far future for perpetuals.
    pub expiration_timestamp: i64,
    /// Options: strike.
    #[serde(default, deserialize_with = "num::opt")]
    pub strike: Option<Decimal>,
    /// Options: `call` / `put`.
    #[serde(default)]
    pub option_type: Option<String>,
    /// `perpetual`, `day`, `week`, `month`, ...
    #[serde(default)]
    pub settlement_period: Option<String>,
    /// Trading enabled.
    pub is_active: bool,
}

impl Instrument {
    /// The canonical symbol, when the name maps.
    pub fn symbol(&self) -> Option<Symbol> {
        instrument_symbol(&self.instrument_name)
    }
}

/// Result.
pub type GetInstrumentsResult = Vec<Instrument>;

/// Lists instruments.
pub async fn get_instruments(
    session: &Session,
    params: &GetInstrumentsParams,
) -> Result<GetInstrumentsResult> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/market-data/public-get_instruments (example, one item)
        let p = GetInstrumentsParams {
            currency: "BTC".into(),
            kind: Some("future".into()),
            expired: None,
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"currency":"BTC","kind":"future"}"#
        );
        let r: GetInstrumentsResult = result(r#"{"jsonrpc":"2.0","id":7617,"result":[{"tick_size":0.5,"taker_commission":0.0005,"settlement_period":"perpetual","settlement_currency":"BTC","quote_currency":"USD","price_index":"btc_usd","min_trade_amount":10,"max_liquidation_commission":0.0075,"max_leverage":50,"maker_commission":0,"kind":"future","is_active":true,"instrument_name":"BTC-PERPETUAL","instrument_id":124972,"expiration_timestamp":32503708800000,"creation_timestamp":1534242287000,"counter_currency":"USD","contract_size":10,"block_trade_commission":0.0005,"base_currency":"BTC"}]}"#).unwrap();
        assert_eq!(r[0].symbol().unwrap().as_str(), "BTC/USD:BTC");
        assert_eq!(r[0].tick_size.to_string(), "0.5");
    }
}
