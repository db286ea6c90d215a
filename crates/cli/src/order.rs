//! `tradewire order <venue> …`: place, cancel and list orders; prints the normalized order(s)
//! as JSON lines (`docs/events.md`, `"type":"order"`).
//!
//! Credentials come from the environment (`TRADEWIRE_DERIBIT_API_KEY` = client id,
//! `TRADEWIRE_DERIBIT_API_SECRET` = client secret); missing ones exit 2 before connecting. A
//! venue error prints its code and message on stderr and exits 1.

use std::io::Write;

use anyhow::{Context, anyhow};
use tradewire::core::{Credentials, Decimal, MarketEvent};
use tradewire_deribit::private::websocket::buy::{OrderParams, OrderResponse};
use tradewire_deribit::private::websocket::get_open_orders_by_currency::GetOpenOrdersByCurrencyParams;
use tradewire_deribit::{DeribitConfig, DeribitOrder, DeribitPrivateClient, Grant};

use crate::UsageError;

/// Client id of the Deribit API key.
pub const DERIBIT_KEY_ENV: &str = "TRADEWIRE_DERIBIT_API_KEY";
/// Client secret of the Deribit API key.
pub const DERIBIT_SECRET_ENV: &str = "TRADEWIRE_DERIBIT_API_SECRET";

/// Options of `tradewire order`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    venue: VenueArgs,
}

#[derive(Debug, clap::Subcommand)]
enum VenueArgs {
    /// Deribit (credentials from TRADEWIRE_DERIBIT_API_KEY / TRADEWIRE_DERIBIT_API_SECRET).
    Deribit(DeribitArgs),
}

/// Options of `tradewire order deribit`.
#[derive(Debug, clap::Args)]
pub struct DeribitArgs {
    #[command(subcommand)]
    action: Action,
    /// The WebSocket endpoint.
    #[arg(long, global = true, default_value = tradewire_deribit::WS_URL)]
    url: String,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Place a buy order.
    Buy(PlaceArgs),
    /// Place a sell order.
    Sell(PlaceArgs),
    /// Cancel an order by id.
    Cancel {
        /// The order id, e.g. ETH-584849853.
        order_id: String,
    },
    /// List open orders.
    Open {
        /// Currency of the instruments (BTC, ETH, USDC, …).
        #[arg(long, default_value = "BTC")]
        currency: String,
    },
}

/// Order type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OrderKind {
    Limit,
    Market,
}

#[derive(Debug, clap::Args)]
struct PlaceArgs {
    /// The instrument, e.g. BTC-PERPETUAL.
    instrument: String,
    /// Amount (USD for inverse perpetuals and futures, base currency otherwise).
    #[arg(long)]
    amount: Decimal,
    /// Order type.
    #[arg(long = "type", value_enum, default_value = "limit")]
    order_type: OrderKind,
    /// Limit price (required for limit orders).
    #[arg(long)]
    price: Option<Decimal>,
    /// Label (client order id).
    #[arg(long)]
    label: Option<String>,
}

impl PlaceArgs {
    fn params(&self) -> Result<OrderParams, UsageError> {
        let price = match (self.order_type, self.price) {
            (OrderKind::Limit, None) => {
                return Err(UsageError("a limit order needs --price".into()));
            }
            (OrderKind::Market, Some(_)) => {
                return Err(UsageError("a market order takes no --price".into()));
            }
            (_, price) => price,
        };
        Ok(OrderParams {
            instrument_name: self.instrument.clone(),
            amount: Some(self.amount),
            order_type: Some(
                match self.order_type {
                    OrderKind::Limit => "limit",
                    OrderKind::Market => "market",
                }
                .to_owned(),
            ),
            label: self.label.clone(),
            price,
            ..OrderParams::default()
        })
    }
}

fn env_credentials() -> Result<Credentials, UsageError> {
    let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (get(DERIBIT_KEY_ENV), get(DERIBIT_SECRET_ENV)) {
        (Some(key), Some(secret)) => Ok(Credentials::new(key, secret)),
        _ => Err(UsageError(format!(
            "missing credentials: set {DERIBIT_KEY_ENV} (client id) and {DERIBIT_SECRET_ENV} \
             (client secret)"
        ))),
    }
}

/// Runs the command.
pub async fn run(args: Args) -> anyhow::Result<()> {
    match args.venue {
        VenueArgs::Deribit(args) => deribit(args).await,
    }
}

async fn deribit(args: DeribitArgs) -> anyhow::Result<()> {
    // Usage problems first: nothing is sent.
    let place = match &args.action {
        Action::Buy(p) | Action::Sell(p) => Some(p.params()?),
        _ => None,
    };
    let credentials = env_credentials()?;
    let (client, _events) = DeribitPrivateClient::new(
        DeribitConfig::new(args.url.clone()),
        credentials,
        Grant::ClientSignature,
    )?;
    let result = async {
        client.connect().await.map_err(|e| match e {
            tradewire_deribit::Error::Venue(v) => anyhow!(v),
            other => anyhow!("cannot connect to {}: {other}", args.url),
        })?;
        let orders: Vec<DeribitOrder> = match (&args.action, place) {
            (Action::Buy(_), Some(p)) => vec![client.buy(&p).await.map(order_of)?],
            (Action::Sell(_), Some(p)) => vec![client.sell(&p).await.map(order_of)?],
            (Action::Cancel { order_id }, _) => vec![client.cancel(order_id).await?],
            (Action::Open { currency }, _) => {
                client
                    .get_open_orders_by_currency(&GetOpenOrdersByCurrencyParams {
                        currency: currency.clone(),
                        kind: None,
                    })
                    .await?
            }
            (Action::Buy(_) | Action::Sell(_), None) => Vec::new(),
        };
        let mut out = std::io::stdout().lock();
        for order in &orders {
            let normalized = order
                .to_order()
                .with_context(|| format!("order {} has no normalized form", order.order_id))?;
            serde_json::to_writer(&mut out, &MarketEvent::Order(normalized))
                .context("writing stdout")?;
            out.write_all(b"\n").context("writing stdout")?;
        }
        out.flush().context("writing stdout")?;
        anyhow::Ok(())
    }
    .await;
    client.disconnect().await;
    result
}

fn order_of(r: OrderResponse) -> DeribitOrder {
    r.order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_orders_need_a_price() {
        let mut p = PlaceArgs {
            instrument: "BTC-PERPETUAL".into(),
            amount: Decimal::from(10),
            order_type: OrderKind::Limit,
            price: None,
            label: None,
        };
        assert!(p.params().is_err());
        p.price = Some(Decimal::from(50_000));
        let params = p.params().unwrap();
        assert_eq!(params.order_type.as_deref(), Some("limit"));
        assert_eq!(params.price, Some(Decimal::from(50_000)));
        p.order_type = OrderKind::Market;
        assert!(p.params().is_err());
        p.price = None;
        assert_eq!(p.params().unwrap().order_type.as_deref(), Some("market"));
    }
}
