//! `account.status`: account information, with the balances as core [`Balance`]s.
//!
//! Doc: web-socket-api.md "Account requests" → "Account information (USER_DATA)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/account-requests#account-information-user_data>):
//! optional `omitZeroBalances`; weight 20; data source Memory => Database.

use serde::Deserialize;
use tradewire_core::{Balance, Decimal, Venue};

use super::client::BinancePrivateWs;
use super::error::BinanceWsError;
use super::message::Params;
use super::session::Security;

/// The method name.
pub const METHOD: &str = "account.status";
/// Request weight.
pub const WEIGHT: u32 = 20;

/// An `account.status` request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountStatusRequest {
    /// `omitZeroBalances`: only non-zero balances (Binance's default: false).
    pub omit_zero_balances: Option<bool>,
}

impl AccountStatusRequest {
    /// The parameters (without `timestamp`, `apiKey`, `signature`).
    pub fn params(&self) -> Params {
        Params::new().with_opt("omitZeroBalances", self.omit_zero_balances)
    }
}

/// One entry of `balances`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AssetBalance {
    /// Asset.
    pub asset: String,
    /// Available.
    pub free: Decimal,
    /// Locked by open orders.
    pub locked: Decimal,
}

/// `commissionRates`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommissionRates {
    /// Maker rate (0.0015 = 0.15 %).
    pub maker: Decimal,
    /// Taker rate.
    pub taker: Decimal,
    /// Buyer rate.
    pub buyer: Decimal,
    /// Seller rate.
    pub seller: Decimal,
}

/// The `account.status` result.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountStatusResponse {
    /// Maker commission, basis points.
    #[serde(rename = "makerCommission")]
    pub maker_commission: i64,
    /// Taker commission, basis points.
    #[serde(rename = "takerCommission")]
    pub taker_commission: i64,
    /// Buyer commission, basis points.
    #[serde(rename = "buyerCommission", default)]
    pub buyer_commission: i64,
    /// Seller commission, basis points.
    #[serde(rename = "sellerCommission", default)]
    pub seller_commission: i64,
    /// Trading allowed.
    #[serde(rename = "canTrade")]
    pub can_trade: bool,
    /// Withdrawals allowed.
    #[serde(rename = "canWithdraw")]
    pub can_withdraw: bool,
    /// Deposits allowed.
    #[serde(rename = "canDeposit")]
    pub can_deposit: bool,
    /// Commission rates.
    #[serde(rename = "commissionRates", default)]
    pub commission_rates: Option<CommissionRates>,
    /// Brokered account.
    #[serde(default)]
    pub brokered: bool,
    /// Self-trade prevention required.
    #[serde(rename = "requireSelfTradePrevention", default)]
    pub require_self_trade_prevention: bool,
    /// SOR prevented.
    #[serde(rename = "preventSor", default)]
    pub prevent_sor: bool,
    /// Last update, UTC ms.
    #[serde(rename = "updateTime")]
    pub update_time: i64,
    /// `SPOT`.
    #[serde(rename = "accountType")]
    pub account_type: String,
    /// Balances, as sent.
    pub balances: Vec<AssetBalance>,
    /// Permissions (`SPOT`, …).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// User id.
    #[serde(default)]
    pub uid: Option<u64>,
}

impl AccountStatusResponse {
    /// The balances as core [`Balance`]s (`total` = free + locked, `time` = `updateTime`).
    pub fn to_balances(&self) -> Vec<Balance> {
        self.balances
            .iter()
            .map(|b| Balance {
                time: Some(self.update_time),
                ..Balance::new(Venue::Binance, b.asset.clone(), b.free, b.locked)
            })
            .collect()
    }
}

/// Queries the account.
pub async fn account_status(
    client: &BinancePrivateWs,
    request: &AccountStatusRequest,
) -> Result<AccountStatusResponse, BinanceWsError> {
    client
        .call(METHOD, request.params(), WEIGHT, Security::Signed)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::websocket::WsApiMessage;
    use crate::private::websocket::message::ParamValue;

    #[test]
    fn request_parameters() {
        // web-socket-api.md "Account information (USER_DATA)" — the request has no parameters
        // besides the signature ones; `omitZeroBalances` is optional.
        assert!(AccountStatusRequest::default().params().is_empty());
        let p = AccountStatusRequest {
            omit_zero_balances: Some(true),
        }
        .params();
        assert_eq!(p.get("omitZeroBalances"), Some(&ParamValue::Bool(true)));
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"omitZeroBalances":true}"#
        );
    }

    #[test]
    fn documented_response() {
        // web-socket-api.md "Account information (USER_DATA)" — response.
        let text = r#"{
    "id": "605a6d20-6588-4cb9-afa0-b0ab087507ba",
    "status": 200,
    "result": {
        "makerCommission": 15,
        "takerCommission": 15,
        "buyerCommission": 0,
        "sellerCommission": 0,
        "canTrade": true,
        "canWithdraw": true,
        "canDeposit": true,
        "commissionRates": {
            "maker": "0.00150000",
            "taker": "0.00150000",
            "buyer": "0.00000000",
            "seller": "0.00000000"
        },
        "brokered": false,
        "requireSelfTradePrevention": false,
        "preventSor": false,
        "updateTime": 1660801833000,
        "accountType": "SPOT",
        "balances": [
            {
                "asset": "BNB",
                "free": "0.00000000",
                "locked": "0.00000000"
            },
            {
                "asset": "BTC",
                "free": "1.3447112",
                "locked": "0.08600000"
            },
            {
                "asset": "USDT",
                "free": "1021.21000000",
                "locked": "0.00000000"
            }
        ],
        "permissions": ["SPOT"],
        "uid": 354937868
    },
    "rateLimits": [
        {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": 6000,
            "count": 20
        }
    ]
}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let account: AccountStatusResponse = reply.into_result(METHOD).unwrap();
        assert_eq!(account.maker_commission, 15);
        assert!(account.can_trade);
        assert_eq!(account.account_type, "SPOT");
        assert_eq!(account.uid, Some(354_937_868));
        assert_eq!(
            account.commission_rates.as_ref().unwrap().maker.to_string(),
            "0.00150000"
        );
        let balances = account.to_balances();
        assert_eq!(balances.len(), 3);
        let btc = &balances[1];
        assert_eq!(btc.venue, Venue::Binance);
        assert_eq!(btc.asset, "BTC");
        assert_eq!(btc.free.to_string(), "1.3447112");
        assert_eq!(btc.locked.to_string(), "0.08600000");
        assert_eq!(btc.total.to_string(), "1.43071120");
        assert_eq!(btc.time, Some(1_660_801_833_000));
    }
}
