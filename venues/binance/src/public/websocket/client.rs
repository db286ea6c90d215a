//! [`BinancePublicClient`]: Binance spot market streams over one supervised combined-stream
//! connection. Connection and routing only: the messages are built by the method files
//! (`subscribe.rs`, `unsubscribe.rs`, `list_subscriptions.rs`), the replay by `protocol.rs`.

use std::sync::Arc;

use tradewire_websockets::rpc::RpcClient;
use tradewire_websockets::{
    ConnectionState, Health, MetricsSnapshot, RateLimiter, WebSocketClientBuilder,
    WebSocketConnection,
};

use crate::BinanceMessage;
use crate::public::websocket::config::BinancePublicConfig;
use crate::public::websocket::error::PublicWsError;
use crate::public::websocket::events::PublicEvents;
use crate::public::websocket::list_subscriptions::{self, ListSubscriptionsResponse};
use crate::public::websocket::protocol::{Registry, ReplayProtocol};
use crate::public::websocket::subscribe::{self, SubscribeResponse};
use crate::public::websocket::unsubscribe::{self, UnsubscribeResponse};
use crate::streams::StreamName;

/// A Binance spot public market stream client (no credentials).
///
/// - **One combined-stream connection** (`<base>/stream`): every payload carries its stream
///   name, so partial depth knows its symbol and each event its [`Channel`](crate::streams::Channel).
/// - **Live control** — [`subscribe`](Self::subscribe), [`unsubscribe`](Self::unsubscribe),
///   [`list_subscriptions`](Self::list_subscriptions) — sent once with sequential ids and matched
///   to their replies; Binance's error replies become typed errors
///   ([`PublicWsError::Venue`] with a [`StreamErrorKind`](super::StreamErrorKind)).
/// - **Subscriptions survive the connection**: they are replayed (batched, with ids from a
///   reserved range whose acknowledgements never reach a request) on every reconnect and on the
///   make-before-break renewal before Binance's 24-hour cut (`max_connection_age`, default
///   23 h 30 min); messages both connections deliver during a renewal are dropped once
///   ([`BinanceMessage`]'s `dedupe_key`). A `serverShutdown` triggers a renewal too.
/// - **Binance's limits are enforced locally** ([`stream_limits`](crate::rate_limit::stream_limits)):
///   a request over 5 messages per second, or a subscription over 1024 streams, fails at once
///   with [`PublicWsError::RateLimited`]; nothing is sent.
/// - **Events** arrive on the [`PublicEvents`] stream returned by [`new`](Self::new): market
///   messages and connection events; a dropped connection shows as
///   [`PublicEvent::Reconnecting`](super::PublicEvent::Reconnecting) then
///   [`Connected`](super::PublicEvent::Connected), with every subscription restored.
///
/// The same code runs natively (tokio; create the client inside a runtime) and in browsers.
///
/// ```no_run
/// use futures::StreamExt;
/// use tradewire_binance::public::websocket::{BinancePublicClient, BinancePublicConfig, PublicEvent};
/// use tradewire_binance::streams::{StreamName, UpdateSpeed};
/// use tradewire_binance::BinanceMessage;
/// use tradewire_core::Timeframe;
///
/// # async fn run() -> Result<(), tradewire_binance::public::websocket::PublicWsError> {
/// let (client, mut events) = BinancePublicClient::new(BinancePublicConfig::market_data_only())?;
/// // Before `connect`, subscriptions are recorded and sent with the connection's replay.
/// client.subscribe(&[StreamName::trade("BTCUSDT")]).await?;
/// client.connect().await?;
/// // Once connected, they are acknowledged by Binance (or refused with a typed error).
/// client
///     .subscribe(&[
///         StreamName::kline("BTCUSDT", Timeframe::M1),
///         StreamName::depth("ETHUSDT", UpdateSpeed::Ms100),
///     ])
///     .await?;
/// println!("active: {:?}", client.list_subscriptions().await?.streams);
///
/// while let Some(event) = events.next().await {
///     match event {
///         PublicEvent::Message(BinanceMessage::Trade(t)) => {
///             println!("{} {} @ {}", t.trade.venue_symbol, t.trade.amount, t.trade.price)
///         }
///         PublicEvent::Message(other) => {
///             for normalized in other.into_market_events() {
///                 println!("{normalized:?}");
///             }
///         }
///         PublicEvent::Reconnecting { attempt, .. } => eprintln!("reconnecting ({attempt})"),
///         other => eprintln!("{other:?}"),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct BinancePublicClient {
    rpc: RpcClient<BinanceMessage>,
    registry: Arc<Registry>,
    limiter: Arc<RateLimiter>,
    url: String,
}

impl BinancePublicClient {
    /// Builds the client (not connected yet: call [`connect`](Self::connect)) and its event
    /// stream. Natively this must run inside a tokio runtime: it starts the task that routes
    /// replies to requests.
    pub fn new(config: BinancePublicConfig) -> Result<(Self, PublicEvents), PublicWsError> {
        let url = config.stream_url();
        let limiter = Arc::new(RateLimiter::new(config.rate_limits.clone()));
        let registry = Arc::new(Registry::new(Arc::clone(&limiter), config.replay_batch));
        let conn = WebSocketClientBuilder::new(url.clone())
            .config(config.websocket)
            .protocol(ReplayProtocol(Arc::clone(&registry)))
            .rate_limiter(Arc::clone(&limiter))
            .build::<BinanceMessage>();
        let (rpc, notifications) =
            RpcClient::new(conn.clone(), config.request_timeout, config.event_buffer)?;
        let events = PublicEvents::new(notifications, Arc::clone(&registry), conn);
        Ok((
            BinancePublicClient {
                rpc,
                registry,
                limiter,
                url,
            },
            events,
        ))
    }

    /// Connects and waits until the first connection is up (retrying per the reconnect
    /// policy). The recorded subscriptions are then replayed.
    pub async fn connect(&self) -> Result<(), PublicWsError> {
        self.rpc.connection().connect().await?;
        Ok(())
    }

    /// Closes the connection; the event stream ends after
    /// [`PublicEvent::Disconnected`](super::PublicEvent::Disconnected).
    pub async fn disconnect(&self) {
        self.rpc.connection().disconnect().await;
    }

    /// Subscribes to `streams` (those not subscribed yet) with one `SUBSCRIBE`.
    ///
    /// Connected: waits for Binance's acknowledgement ([`SubscribeResponse::Acknowledged`]) or
    /// its refusal ([`PublicWsError::Venue`], e.g. an unknown symbol:
    /// `InvalidRequest(InvalidStream)`). Not connected: the streams are recorded and subscribed
    /// when the connection comes up ([`SubscribeResponse::Deferred`]). Over 1024 streams or 5
    /// messages per second: [`PublicWsError::RateLimited`] at once, nothing sent.
    pub async fn subscribe(
        &self,
        streams: &[StreamName],
    ) -> Result<SubscribeResponse, PublicWsError> {
        subscribe::subscribe(&self.rpc, &self.registry, streams).await
    }

    /// Unsubscribes from `streams` (those subscribed) with one `UNSUBSCRIBE`; they are no
    /// longer replayed.
    pub async fn unsubscribe(
        &self,
        streams: &[StreamName],
    ) -> Result<UnsubscribeResponse, PublicWsError> {
        unsubscribe::unsubscribe(&self.rpc, &self.registry, streams).await
    }

    /// Asks Binance for the streams active on the connection (`LIST_SUBSCRIPTIONS`). Needs a
    /// live connection ([`PublicWsError::NotConnected`] otherwise).
    pub async fn list_subscriptions(&self) -> Result<ListSubscriptionsResponse, PublicWsError> {
        list_subscriptions::list_subscriptions(&self.rpc).await
    }

    /// The subscriptions this client tracks (and replays), in subscription order.
    pub fn subscriptions(&self) -> Vec<StreamName> {
        self.registry.list()
    }

    /// The URL connected to (`<base>/stream`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connection state.
    pub fn state(&self) -> ConnectionState {
        self.rpc.connection().state()
    }

    /// A health snapshot of the connection.
    pub fn health(&self) -> Health {
        self.rpc.connection().health()
    }

    /// The connection's counters.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.rpc.connection().metrics()
    }

    /// The limiter enforcing Binance's limits (its `usage()` shows messages, streams and
    /// connection attempts in use).
    pub fn rate_limiter(&self) -> &Arc<RateLimiter> {
        &self.limiter
    }

    /// Drops the connection and reconnects at once; subscriptions are replayed.
    pub fn reconnect(&self) {
        self.rpc.connection().reconnect();
    }

    /// Renews the connection now, make-before-break, as the 24-hour renewal does.
    pub fn renew(&self) {
        self.rpc.connection().renew();
    }
}
