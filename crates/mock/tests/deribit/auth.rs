//! public/auth with all three grant types, token expiry, refresh, logout.

use std::time::Duration;

use super::common::*;
use futures::StreamExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tradewire_mock::deribit::{
    AccountConfig, DOC_CLIENT_ID, DOC_CLIENT_SECRET, Decimal, DeribitConfig, DeribitSim,
};

#[tokio::test]
async fn client_credentials_result_and_private_access() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;
    let r = c.auth().await;
    assert!(r["access_token"].as_str().unwrap().len() > 10);
    assert!(r["refresh_token"].as_str().unwrap().len() > 10);
    assert_ne!(r["access_token"], r["refresh_token"]);
    assert_eq!(r["expires_in"], 900);
    assert_eq!(r["token_type"], "bearer");
    assert!(r["scope"].as_str().unwrap().contains("connection"));
    let s = c
        .ok("private/get_account_summary", json!({"currency": "BTC"}))
        .await;
    assert_eq!(s["currency"], "BTC");
    assert_eq!(s["balance"], 10);

    // The token also works from another connection when passed as access_token.
    let mut other = connect(&server).await;
    let v = other
        .call("private/get_account_summary", json!({"currency": "BTC"}))
        .await;
    assert_error(&v, 13009, "unauthorized");
    let s = other
        .ok(
            "private/get_account_summary",
            json!({"currency": "ETH", "access_token": r["access_token"]}),
        )
        .await;
    assert_eq!(s["balance"], 100);
    server.shutdown().await;
}

#[tokio::test]
async fn client_signature() {
    let mut config = DeribitConfig::default();
    config
        .accounts
        .push(AccountConfig::new("sigClient", "s3cr3t").with_balance("BTC", Decimal::new(3, 0)));
    let (server, _sim) = DeribitSim::start_with(config).await.unwrap();
    let mut c = connect(&server).await;
    let ts = now_ms();
    let params = |sig: String| {
        json!({
            "grant_type": "client_signature",
            "client_id": "sigClient",
            "timestamp": ts,
            "nonce": "abcd1234",
            "data": "",
            "signature": sig,
        })
    };
    let bad = sign("not-the-secret", ts, "abcd1234", "");
    assert_error(
        &c.call("public/auth", params(bad)).await,
        13004,
        "invalid_credentials",
    );
    let wrong_nonce = sign("s3cr3t", ts, "other", "");
    assert_error(
        &c.call("public/auth", params(wrong_nonce)).await,
        13004,
        "invalid_credentials",
    );
    let r = c
        .ok("public/auth", params(sign("s3cr3t", ts, "abcd1234", "")))
        .await;
    assert_eq!(r["token_type"], "bearer");
    let s = c
        .ok("private/get_account_summary", json!({"currency": "BTC"}))
        .await;
    assert_eq!(s["balance"], 3);
    server.shutdown().await;
}

#[tokio::test]
async fn expiry_and_refresh() {
    let config = DeribitConfig {
        token_ttl: Duration::from_millis(400),
        ..DeribitConfig::default()
    };
    let (server, _sim) = DeribitSim::start_with(config).await.unwrap();
    let mut c = connect(&server).await;
    let r = c.auth().await;
    assert_eq!(r["expires_in"], 1);
    c.ok("private/get_positions", json!({"currency": "BTC"}))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let v = c
        .call("private/get_positions", json!({"currency": "BTC"}))
        .await;
    assert_error(&v, 13009, "unauthorized");

    let refreshed = c
        .ok(
            "public/auth",
            json!({"grant_type": "refresh_token", "refresh_token": r["refresh_token"]}),
        )
        .await;
    assert_ne!(refreshed["access_token"], r["access_token"]);
    c.ok("private/get_positions", json!({"currency": "BTC"}))
        .await;
    // A refresh token works once.
    let v = c
        .call(
            "public/auth",
            json!({"grant_type": "refresh_token", "refresh_token": r["refresh_token"]}),
        )
        .await;
    assert_error(&v, 13004, "invalid_credentials");
    server.shutdown().await;
}

#[tokio::test]
async fn logout_invalidates_token_and_closes() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;
    let r = c.auth().await;
    c.send_text(r#"{"jsonrpc":"2.0","id":99,"method":"private/logout","params":{}}"#)
        .await;
    let closed = tokio::time::timeout(WAIT, async {
        loop {
            match c.ws.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok());
    let mut c2 = connect(&server).await;
    let v = c2
        .call(
            "private/get_positions",
            json!({"currency": "BTC", "access_token": r["access_token"]}),
        )
        .await;
    assert_error(&v, 13009, "unauthorized");
    // Credentials still work.
    c2.ok(
        "public/auth",
        json!({"grant_type": "client_credentials", "client_id": DOC_CLIENT_ID, "client_secret": DOC_CLIENT_SECRET}),
    )
    .await;
    server.shutdown().await;
}
