//! `private/get_account_summary` (<https://docs.deribit.com/api-reference/account-management/private-get_account_summary>).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::message::DeribitPortfolio;
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/get_account_summary";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccountSummaryParams {
    /// `BTC`, `ETH`, `USDC`, ...
    pub currency: String,
    /// Include extended fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended: Option<bool>,
}

/// Result: the same fields as the `user.portfolio.*` data (see
/// [`DeribitPortfolio::to_balance`]).
pub type GetAccountSummaryResult = DeribitPortfolio;

/// Fetches the account summary of one currency.
pub async fn get_account_summary(
    session: &PrivateSession,
    currency: &str,
) -> Result<GetAccountSummaryResult> {
    session
        .call(
            METHOD,
            &GetAccountSummaryParams {
                currency: currency.to_owned(),
                extended: None,
            },
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/account-management/private-get_account_summary (example, shortened)
        let p = GetAccountSummaryParams {
            currency: "BTC".into(),
            extended: Some(true),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"currency":"BTC","extended":true}"#
        );
        let r: GetAccountSummaryResult = result(r#"{"jsonrpc":"2.0","id":2515,"result":{"maintenance_margin":0.00135,"initial_margin":0.00275,"equity":302.61869214,"delta_total":0.0,"currency":"BTC","balance":302.60065765,"available_withdrawal_funds":302.60065765,"available_funds":302.61598214,"margin_balance":302.62169214,"total_pl":-0.33084952,"session_upl":0.05268001,"session_rpl":-0.03366}}"#).unwrap();
        let b = r.to_balance();
        assert_eq!(b.free.to_string(), "302.61598214");
        assert_eq!(b.total.to_string(), "302.61869214");
    }
}
