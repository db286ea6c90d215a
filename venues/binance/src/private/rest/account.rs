//! `GET /api/v3/account` (USER_DATA): account information and balances.
//!
//! Source: rest-api.md, "Account Endpoints" → "Account information (USER_DATA)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/account-endpoints#account-information-user_data>).
//! Weight 20. SIGNED. Parameter `omitZeroBalances` (default `false`).

use serde::Deserialize;
use tradewire_core::{Balance, Decimal, Venue};
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};

use super::signing::RequestAuth;

/// The endpoint's path.
pub const PATH: &str = "/api/v3/account";

/// The documented request weight.
pub const WEIGHT: u32 = 20;

/// The request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountRequest {
    /// `omitZeroBalances`: only non-zero balances.
    pub omit_zero_balances: Option<bool>,
}

impl AccountRequest {
    /// Every balance (Binance's default).
    pub fn new() -> Self {
        Self::default()
    }

    /// Only non-zero balances (`omitZeroBalances=true`).
    pub fn non_zero() -> Self {
        AccountRequest {
            omit_zero_balances: Some(true),
        }
    }

    /// The parameters.
    pub fn params(&self) -> Params {
        Params::new().with_opt("omitZeroBalances", self.omit_zero_balances)
    }

    /// The signed request, ready to send.
    pub fn request<'a>(&self, rest: &RestClient, auth: &'a RequestAuth) -> RequestBuilder<'a> {
        auth.sign(rest.get(PATH).params(self.params()).weight(WEIGHT))
    }
}

/// `commissionRates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct CommissionRates {
    /// Maker rate (`0.00150000` = 0.15 %).
    pub maker: Decimal,
    /// Taker rate.
    pub taker: Decimal,
    /// Buyer rate.
    pub buyer: Decimal,
    /// Seller rate.
    pub seller: Decimal,
}

/// One balance.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AccountBalance {
    /// Asset code.
    pub asset: String,
    /// Available.
    pub free: Decimal,
    /// Held (open orders, …).
    pub locked: Decimal,
}

/// The response.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    /// Maker commission, in basis points.
    pub maker_commission: i64,
    /// Taker commission, in basis points.
    pub taker_commission: i64,
    /// Buyer commission, in basis points.
    pub buyer_commission: i64,
    /// Seller commission, in basis points.
    pub seller_commission: i64,
    /// Commission rates.
    #[serde(default)]
    pub commission_rates: Option<CommissionRates>,
    /// Whether the account may trade.
    pub can_trade: bool,
    /// Whether it may withdraw.
    pub can_withdraw: bool,
    /// Whether it may deposit.
    pub can_deposit: bool,
    /// Brokered account.
    #[serde(default)]
    pub brokered: bool,
    /// Whether self-trade prevention is required.
    #[serde(default)]
    pub require_self_trade_prevention: bool,
    /// Whether SOR is disabled.
    #[serde(default)]
    pub prevent_sor: bool,
    /// Last update, UTC ms.
    pub update_time: i64,
    /// `SPOT`, …
    pub account_type: String,
    /// Balances.
    pub balances: Vec<AccountBalance>,
    /// Permissions (`SPOT`, …).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// User id.
    #[serde(default)]
    pub uid: Option<u64>,
}

impl AccountInfo {
    /// The balances as core [`Balance`]s (`total` = `free + locked`, `time` = `updateTime`).
    pub fn balances(&self) -> Vec<Balance> {
        self.balances
            .iter()
            .map(|b| Balance {
                time: Some(self.update_time),
                ..Balance::new(Venue::Binance, b.asset.clone(), b.free, b.locked)
            })
            .collect()
    }

    /// The core [`Balance`] of `asset`, if listed.
    pub fn balance(&self, asset: &str) -> Option<Balance> {
        self.balances().into_iter().find(|b| b.asset == asset)
    }
}

/// Sends the request; Binance's response.
pub async fn send(
    rest: &RestClient,
    auth: &RequestAuth,
    req: &AccountRequest,
) -> Result<AccountInfo, RestError> {
    req.request(rest, auth).send_json().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::rest::signing::KeyType;
    use tradewire_core::Credentials;

    /// rest-api.md, "Account information (USER_DATA)", Response.
    const DOC_ACCOUNT: &str = r#"{
    "makerCommission": 15,
    "takerCommission": 15,
    "buyerCommission": 0,
    "sellerCommission": 0,
    "commissionRates": {
        "maker": "0.00150000",
        "taker": "0.00150000",
        "buyer": "0.00000000",
        "seller": "0.00000000"
    },
    "canTrade": true,
    "canWithdraw": true,
    "canDeposit": true,
    "brokered": false,
    "requireSelfTradePrevention": false,
    "preventSor": false,
    "updateTime": 123456789,
    "accountType": "SPOT",
    "balances": [
        {
            "asset": "BTC",
            "free": "4723846.89208129",
            "locked": "0.00000000"
        },
        {
            "asset": "LTC",
            "free": "4763368.68006011",
            "locked": "0.00000000"
        }
    ],
    "permissions": ["SPOT"],
    "uid": 354937868
}"#;

    #[test]
    fn params_and_signed_request() {
        assert_eq!(AccountRequest::new().params().to_query_string(), "");
        assert_eq!(
            AccountRequest::non_zero().params().to_query_string(),
            "omitZeroBalances=true"
        );
        let auth = RequestAuth::new(&Credentials::new("k", "s"), KeyType::Hmac).unwrap();
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = AccountRequest::non_zero()
            .request(&rest, &auth)
            .timestamp_ms(1)
            .prepare()
            .unwrap();
        assert_eq!(req.path, "/api/v3/account");
        let sig = tradewire_rest::sign::hmac_sha256_hex("s", "omitZeroBalances=true&timestamp=1");
        assert_eq!(
            req.query_string(),
            format!("omitZeroBalances=true&timestamp=1&signature={sig}")
        );
        assert_eq!(req.headers["x-mbx-apikey"], "k");
    }

    #[test]
    fn documented_response() {
        let info: AccountInfo = serde_json::from_str(DOC_ACCOUNT).unwrap();
        assert_eq!(info.maker_commission, 15);
        assert_eq!(
            info.commission_rates.unwrap().taker.to_string(),
            "0.00150000"
        );
        assert!(info.can_trade);
        assert_eq!(info.uid, Some(354937868));
        let balances = info.balances();
        assert_eq!(balances.len(), 2);
        let btc = &balances[0];
        assert_eq!(btc.venue, Venue::Binance);
        assert_eq!(btc.asset, "BTC");
        assert_eq!(btc.free.to_string(), "4723846.89208129");
        assert_eq!(btc.locked.to_string(), "0.00000000");
        assert_eq!(btc.total, btc.free);
        assert_eq!(btc.time, Some(123456789));
        assert_eq!(
            info.balance("LTC").unwrap().free.to_string(),
            "4763368.68006011"
        );
        assert!(info.balance("ETH").is_none());
    }
}
