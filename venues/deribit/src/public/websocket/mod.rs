//! Public methods over WebSocket: [`client::DeribitPublicClient`] and one module per method.

pub mod client;
pub mod get_instruments;
pub mod get_last_trades_by_instrument;
pub mod get_order_book;
pub mod get_time;
pub mod get_tradingview_chart_data;
pub mod set_heartbeat;
pub mod subscribe;
pub mod test;
pub mod ticker;
pub mod unsubscribe;
pub mod unsubscribe_all;

#[cfg(test)]
pub(crate) mod testing {
    use crate::message::DeribitMessage;

    /// Decodes a documented response and returns its typed result.
    pub(crate) fn result<T: serde::de::DeserializeOwned>(text: &str) -> crate::Result<T> {
        match DeribitMessage::decode_str(text).unwrap().unwrap() {
            DeribitMessage::Response(r) => r.result(),
            other => panic!("not a response: {other:?}"),
        }
    }
}
