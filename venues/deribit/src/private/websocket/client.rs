//! [`DeribitPrivateClient`]: authenticated trading over one JSON-RPC WebSocket connection.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tradewire_core::Credentials;
use tradewire_websockets::{Connection, WebSocketConnection, runtime};

use crate::error::{Error, Result};
use crate::message::DeribitMessage;
use crate::message::DeribitOrder;
use crate::message::DeribitPortfolio;
use crate::private::websocket::auth::AuthState;
use crate::private::websocket::buy::{OrderParams, OrderResponse};
use crate::private::websocket::edit::EditParams;
use crate::private::websocket::get_open_orders_by_currency::GetOpenOrdersByCurrencyParams;
use crate::private::websocket::get_position::DeribitPosition;
use crate::private::websocket::get_positions::GetPositionsParams;
use crate::private::websocket::get_user_trades_by_instrument::GetUserTradesByInstrumentParams;
use crate::private::websocket::{
    AuthStatus, Grant, PrivateSession, buy, cancel, cancel_all, cancel_all_by_instrument, edit,
    get_account_summary, get_open_orders_by_currency, get_order_state, get_position, get_positions,
    get_user_trades_by_instrument, logout, sell, subscribe,
};
use crate::public::websocket::get_last_trades_by_instrument::LastTrades;
use crate::session::{DeribitConfig, DeribitEvents, DeribitProtocol, open};

/// A private Deribit client.
///
/// `public/auth` (client signature by default, or client credentials) is the first frame of
/// every connection, before the private resubscription and before any queued request; a
/// private method called while the connection is not authenticated fails with
/// [`Error::NotAuthenticated`](crate::Error::NotAuthenticated) and sends nothing. The access
/// token is refreshed with the refresh token before it expires: checked before every private
/// call, and by a background task (started by the first [`connect`](Self::connect)) that
/// ends when the last clone of the client is dropped. Credentials and tokens are never
/// printed.
#[derive(Debug, Clone)]
pub struct DeribitPrivateClient {
    session: Arc<PrivateSession>,
    protocol: Arc<DeribitProtocol>,
    shared: Arc<Shared>,
}

/// What the clones of one client share.
#[derive(Debug)]
struct Shared {
    /// Dropped with the last clone: the background refresher sees its receiver close.
    alive: watch::Sender<()>,
    refresher_started: AtomicBool,
    connect_timeout: Duration,
}

impl DeribitPrivateClient {
    /// A client authenticating with `credentials` (client id, client secret) using `grant`.
    pub fn new(
        config: DeribitConfig,
        credentials: Credentials,
        grant: Grant,
    ) -> Result<(Self, DeribitEvents)> {
        let auth = Arc::new(AuthState::new(credentials, grant));
        let protocol = Arc::new(DeribitProtocol::new(
            config.heartbeat_secs,
            Some(Arc::clone(&auth)),
        ));
        let (session, events) = open(&config, Arc::clone(&protocol))?;
        let session = Arc::new(PrivateSession {
            session,
            auth,
            refresh_margin: config.refresh_margin,
        });
        let shared = Arc::new(Shared {
            alive: watch::Sender::new(()),
            refresher_started: AtomicBool::new(false),
            connect_timeout: config.connect_timeout,
        });
        Ok((
            DeribitPrivateClient {
                session,
                protocol,
                shared,
            },
            events,
        ))
    }

    /// Connects and waits until authentication succeeded (or fails with the venue's error),
    /// for at most [`DeribitConfig::connect_timeout`] ([`Error::Timeout`] past it). The
    /// first call also starts the background token refresher.
    pub async fn connect(&self) -> Result<()> {
        self.start_refresher();
        let after = self.shared.connect_timeout;
        runtime::timeout(after, async {
            self.connection().connect().await?;
            self.session.auth.wait_authenticated().await
        })
        .await
        .map_err(|_| Error::Timeout {
            operation: "connect",
            after,
        })?
    }

    /// Waits until the current connection is authenticated (e.g. after a reconnect), for at
    /// most [`DeribitConfig::connect_timeout`] ([`Error::Timeout`] past it).
    pub async fn wait_authenticated(&self) -> Result<()> {
        let after = self.shared.connect_timeout;
        runtime::timeout(after, self.session.auth.wait_authenticated())
            .await
            .map_err(|_| Error::Timeout {
                operation: "authentication",
                after,
            })?
    }

    fn start_refresher(&self) {
        if self.shared.refresher_started.swap(true, Ordering::SeqCst) {
            return;
        }
        runtime::spawn(crate::private::websocket::auth::refresh_loop(
            Arc::downgrade(&self.session),
            self.shared.alive.subscribe(),
        ));
    }

    /// The authentication status.
    pub fn auth_status(&self) -> AuthStatus {
        self.session.auth.status()
    }

    /// Refreshes the access token now (`grant_type=refresh_token`).
    pub async fn refresh_token(&self) -> Result<()> {
        self.session.refresh_now().await
    }

    /// `private/logout`, then closes the connection (no re-authentication afterwards).
    pub async fn logout(&self) -> Result<()> {
        let id = self.session.session.rpc.next_id();
        if let Some(frame) = logout::frame(id) {
            self.connection().send_frame_once(frame)?;
        }
        self.session.auth.logged_out();
        self.connection().disconnect().await;
        Ok(())
    }

    /// Closes the connection for good.
    pub async fn disconnect(&self) {
        self.connection().disconnect().await;
    }

    /// The connection.
    pub fn connection(&self) -> &Connection<DeribitMessage> {
        self.session.session.rpc.connection()
    }

    /// The private session (for the method modules' functions).
    pub fn session(&self) -> &PrivateSession {
        &self.session
    }

    /// Private channels tracked for replay (after re-authentication).
    pub fn subscriptions(&self) -> Vec<String> {
        self.protocol.private_channels.list()
    }

    /// `private/subscribe`; the confirmed channels are replayed after re-authentication.
    pub async fn subscribe(&self, channels: &[String]) -> Result<Vec<String>> {
        let confirmed = subscribe::subscribe(&self.session, channels).await?;
        self.protocol.private_channels.add(&confirmed);
        Ok(confirmed)
    }

    /// `private/unsubscribe`.
    pub async fn unsubscribe(&self, channels: &[String]) -> Result<Vec<String>> {
        self.protocol.private_channels.remove(channels);
        subscribe::unsubscribe(&self.session, channels).await
    }

    /// `private/buy`.
    pub async fn buy(&self, params: &OrderParams) -> Result<OrderResponse> {
        buy::buy(&self.session, params).await
    }

    /// `private/sell`.
    pub async fn sell(&self, params: &OrderParams) -> Result<OrderResponse> {
        sell::sell(&self.session, params).await
    }

    /// `private/edit`.
    pub async fn edit(&self, params: &EditParams) -> Result<OrderResponse> {
        edit::edit(&self.session, params).await
    }

    /// `private/cancel`.
    pub async fn cancel(&self, order_id: &str) -> Result<DeribitOrder> {
        cancel::cancel(&self.session, order_id).await
    }

    /// `private/cancel_all`.
    pub async fn cancel_all(&self) -> Result<u64> {
        cancel_all::cancel_all(&self.session).await
    }

    /// `private/cancel_all_by_instrument`.
    pub async fn cancel_all_by_instrument(&self, instrument_name: &str) -> Result<u64> {
        cancel_all_by_instrument::cancel_all_by_instrument(&self.session, instrument_name).await
    }

    /// `private/get_open_orders_by_currency`.
    pub async fn get_open_orders_by_currency(
        &self,
        params: &GetOpenOrdersByCurrencyParams,
    ) -> Result<Vec<DeribitOrder>> {
        get_open_orders_by_currency::get_open_orders_by_currency(&self.session, params).await
    }

    /// `private/get_order_state`.
    pub async fn get_order_state(&self, order_id: &str) -> Result<DeribitOrder> {
        get_order_state::get_order_state(&self.session, order_id).await
    }

    /// `private/get_positions`.
    pub async fn get_positions(&self, params: &GetPositionsParams) -> Result<Vec<DeribitPosition>> {
        get_positions::get_positions(&self.session, params).await
    }

    /// `private/get_position`.
    pub async fn get_position(&self, instrument_name: &str) -> Result<DeribitPosition> {
        get_position::get_position(&self.session, instrument_name).await
    }

    /// `private/get_account_summary`.
    pub async fn get_account_summary(&self, currency: &str) -> Result<DeribitPortfolio> {
        get_account_summary::get_account_summary(&self.session, currency).await
    }

    /// `private/get_user_trades_by_instrument`.
    pub async fn get_user_trades_by_instrument(
        &self,
        params: &GetUserTradesByInstrumentParams,
    ) -> Result<LastTrades> {
        get_user_trades_by_instrument::get_user_trades_by_instrument(&self.session, params).await
    }
}
