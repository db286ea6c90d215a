//! `public/get_tradingview_chart_data` (<https://docs.deribit.com/api-reference/market-data/public-get_tradingview_chart_data>).

use serde::{Deserialize, Serialize};
use tradewire_core::{Candle, Decimal};

use crate::call::Session;
use crate::error::Result;
use crate::message::DeribitCandle;
use crate::num;

/// The method.
pub const METHOD: &str = "public/get_tradingview_chart_data";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartDataParams {
    /// Instrument.
    pub instrument_name: String,
    /// First tick (ms).
    pub start_timestamp: i64,
    /// Last tick (ms).
    pub end_timestamp: i64,
    /// `1`, `3`, `5`, `10`, `15`, `30`, `60`, `120`, `180`, `360`, `720`, `1D`.
    pub resolution: String,
}

/// Result: parallel arrays.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChartData {
    /// `ok` or `no_data`.
    pub status: String,
    /// Open times (ms).
    pub ticks: Vec<i64>,
    /// Opens.
    #[serde(deserialize_with = "num::vec")]
    pub open: Vec<Decimal>,
    /// Highs.
    #[serde(deserialize_with = "num::vec")]
    pub high: Vec<Decimal>,
    /// Lows.
    #[serde(deserialize_with = "num::vec")]
    pub low: Vec<Decimal>,
    /// Closes.
    #[serde(deserialize_with = "num::vec")]
    pub close: Vec<Decimal>,
    /// Volumes (base currency).
    #[serde(deserialize_with = "num::vec")]
    pub volume: Vec<Decimal>,
    /// Volumes (USD).
    #[serde(deserialize_with = "num::vec")]
    pub cost: Vec<Decimal>,
}

impl ChartData {
    /// The candles of `instrument` at `resolution` (empty when the resolution has no canonical
    /// timeframe). Every candle is `closed: false`: Deribit does not say which are final.
    pub fn candles(&self, instrument: &str, resolution: &str) -> Vec<Candle> {
        (0..self.ticks.len())
            .filter_map(|i| {
                DeribitCandle {
                    instrument_name: instrument.to_owned(),
                    resolution: resolution.to_owned(),
                    tick: self.ticks[i],
                    open: *self.open.get(i)?,
                    high: *self.high.get(i)?,
                    low: *self.low.get(i)?,
                    close: *self.close.get(i)?,
                    volume: *self.volume.get(i)?,
                    cost: *self.cost.get(i)?,
                }
                .to_candle()
            })
            .collect()
    }
}

/// Fetches candles.
pub async fn get_tradingview_chart_data(
    session: &Session,
    params: &ChartDataParams,
) -> Result<ChartData> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/market-data/public-get_tradingview_chart_data (example)
        let p = ChartDataParams {
            instrument_name: "BTC-5APR19".into(),
            start_timestamp: 1554373800000,
            end_timestamp: 1554376800000,
            resolution: "30".into(),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"instrument_name":"BTC-5APR19","start_timestamp":1554373800000,"end_timestamp":1554376800000,"resolution":"30"}"#
        );
        let r: ChartData = result(r#"{"jsonrpc":"2.0","id":833,"result":{"volume":[19.007942601,20.095877981],"ticks":[1554373800000,1554375600000],"status":"ok","open":[4963.42,4986.29],"low":[4728.06,4726.6],"high":[5185.45,5250.87],"cost":[19.007942601,20.095877981],"close":[5052.95,5013.59]}}"#).unwrap();
        let c = r.candles("BTC-5APR19", "30");
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].close.to_string(), "5013.59");
        assert_eq!(c[0].symbol.as_ref().unwrap().as_str(), "BTC/USD:BTC-190405");
    }
}
