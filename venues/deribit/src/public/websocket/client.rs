//! [`DeribitPublicClient`]: public market data over one JSON-RPC WebSocket connection.

use std::sync::Arc;

use tradewire_websockets::{Connection, WebSocketConnection};

use crate::call::Session;
use crate::error::Result;
use crate::message::DeribitMessage;
use crate::public::websocket::get_instruments::{GetInstrumentsParams, GetInstrumentsResult};
use crate::public::websocket::get_last_trades_by_instrument::{
    GetLastTradesByInstrumentParams, LastTrades,
};
use crate::public::websocket::get_order_book::{GetOrderBookParams, OrderBookSnapshot};
use crate::public::websocket::get_tradingview_chart_data::{ChartData, ChartDataParams};
use crate::public::websocket::test::TestResult;
use crate::public::websocket::ticker::TickerResult;
use crate::public::websocket::{
    get_instruments, get_last_trades_by_instrument, get_order_book, get_time,
    get_tradingview_chart_data, set_heartbeat, subscribe, test, ticker, unsubscribe,
    unsubscribe_all,
};
use crate::rate_limit::DeribitRateLimits;
use crate::session::{DeribitConfig, DeribitEvents, DeribitProtocol, open};

/// A public Deribit client (no credentials).
///
/// On every (re)connect it sends `public/set_heartbeat` and re-subscribes every tracked
/// channel in one `public/subscribe`; `test_request` heartbeats are answered on the socket
/// task. Requests are sent once and matched by id; a request pending when the connection
/// drops fails with `ConnectionLost` and is not re-sent.
///
/// ```no_run
/// use futures::StreamExt;
/// use tradewire_deribit::{DeribitConfig, DeribitPublicClient, WS_URL};
///
/// # async fn run() -> tradewire_deribit::Result<()> {
/// let (client, mut events) = DeribitPublicClient::new(DeribitConfig::new(WS_URL))?;
/// client.connect().await?;
/// client.subscribe(&["book.BTC-PERPETUAL.100ms".to_owned()]).await?;
/// while let Some(event) = events.next().await {
///     println!("{event:?}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct DeribitPublicClient {
    session: Session,
    protocol: Arc<DeribitProtocol>,
    connect_timeout: std::time::Duration,
}

impl DeribitPublicClient {
    /// A client for `config.ws.url` and its event stream. Not connected yet.
    pub fn new(config: DeribitConfig) -> Result<(Self, DeribitEvents)> {
        let protocol = Arc::new(DeribitProtocol::new(config.heartbeat_secs, None));
        let (session, events) = open(&config, Arc::clone(&protocol))?;
        Ok((
            DeribitPublicClient {
                session,
                protocol,
                connect_timeout: config.connect_timeout,
            },
            events,
        ))
    }

    /// Connects, for at most [`DeribitConfig::connect_timeout`]
    /// ([`Error::Timeout`](crate::Error::Timeout) past it); the supervisor keeps reconnecting
    /// afterwards.
    pub async fn connect(&self) -> Result<()> {
        let after = self.connect_timeout;
        tradewire_websockets::runtime::timeout(after, self.connection().connect())
            .await
            .map_err(|_| crate::Error::Timeout {
                operation: "connect",
                after,
            })??;
        Ok(())
    }

    /// Closes the connection for good.
    pub async fn disconnect(&self) {
        self.connection().disconnect().await;
    }

    /// The connection (metrics, health, state).
    pub fn connection(&self) -> &Connection<DeribitMessage> {
        self.session.rpc.connection()
    }

    /// The request session (for the method modules' functions).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The rate limits.
    pub fn rate_limits(&self) -> &DeribitRateLimits {
        &self.session.limits
    }

    /// Channels tracked for replay.
    pub fn subscriptions(&self) -> Vec<String> {
        self.protocol.public_channels.list()
    }

    /// `public/subscribe`; the confirmed channels are replayed on every reconnect.
    pub async fn subscribe(&self, channels: &[String]) -> Result<Vec<String>> {
        let confirmed = subscribe::subscribe(&self.session, channels).await?;
        self.protocol.public_channels.add(&confirmed);
        Ok(confirmed)
    }

    /// `public/unsubscribe`; the channels are no longer replayed.
    pub async fn unsubscribe(&self, channels: &[String]) -> Result<Vec<String>> {
        self.protocol.public_channels.remove(channels);
        unsubscribe::unsubscribe(&self.session, channels).await
    }

    /// `public/unsubscribe_all`.
    pub async fn unsubscribe_all(&self) -> Result<String> {
        self.protocol.public_channels.clear();
        unsubscribe_all::unsubscribe_all(&self.session).await
    }

    /// `public/set_heartbeat` on the current connection.
    pub async fn set_heartbeat(&self, interval_secs: u32) -> Result<String> {
        set_heartbeat::set_heartbeat(&self.session, interval_secs).await
    }

    /// `public/test`.
    pub async fn test(&self) -> Result<TestResult> {
        test::test(&self.session).await
    }

    /// `public/get_time` (ms).
    pub async fn get_time(&self) -> Result<i64> {
        get_time::get_time(&self.session).await
    }

    /// `public/get_instruments`.
    pub async fn get_instruments(
        &self,
        params: &GetInstrumentsParams,
    ) -> Result<GetInstrumentsResult> {
        get_instruments::get_instruments(&self.session, params).await
    }

    /// `public/get_order_book`.
    pub async fn get_order_book(&self, params: &GetOrderBookParams) -> Result<OrderBookSnapshot> {
        get_order_book::get_order_book(&self.session, params).await
    }

    /// `public/ticker`.
    pub async fn ticker(&self, instrument_name: &str) -> Result<TickerResult> {
        ticker::ticker(&self.session, instrument_name).await
    }

    /// `public/get_last_trades_by_instrument`.
    pub async fn get_last_trades_by_instrument(
        &self,
        params: &GetLastTradesByInstrumentParams,
    ) -> Result<LastTrades> {
        get_last_trades_by_instrument::get_last_trades_by_instrument(&self.session, params).await
    }

    /// `public/get_tradingview_chart_data`.
    pub async fn get_tradingview_chart_data(&self, params: &ChartDataParams) -> Result<ChartData> {
        get_tradingview_chart_data::get_tradingview_chart_data(&self.session, params).await
    }
}
