//! Spreading symbols over connections ([`shard_symbols`]) and merging the connections'
//! streams ([`open_sharded`]).

use futures::future::try_join_all;
use tradewire_core::market_data::MaybeSend;
use tradewire_core::{BoxFuture, BoxStream, Error, Result, Symbol};

/// `symbols` without repeats (first occurrence kept, order preserved), in chunks of at most
/// `per_connection` (a limit of 0 is treated as 1).
///
/// ```
/// use tradewire::data::shard_symbols;
/// use tradewire::core::Symbol;
///
/// let s = |x: &str| x.parse::<Symbol>().unwrap();
/// let (btc, eth, sol) = (s("BTC/USDT"), s("ETH/USDT"), s("SOL/USDT"));
/// let chunks = shard_symbols(vec![btc.clone(), eth.clone(), btc.clone(), sol.clone()], 2);
/// assert_eq!(chunks, vec![vec![btc, eth], vec![sol]]);
/// ```
pub fn shard_symbols(symbols: Vec<Symbol>, per_connection: usize) -> Vec<Vec<Symbol>> {
    unique_symbols(symbols)
        .chunks(per_connection.max(1))
        .map(<[Symbol]>::to_vec)
        .collect()
}

/// `symbols` without repeats, first occurrence kept.
pub(crate) fn unique_symbols(symbols: Vec<Symbol>) -> Vec<Symbol> {
    let mut unique: Vec<Symbol> = Vec::with_capacity(symbols.len());
    for symbol in symbols {
        if !unique.contains(&symbol) {
            unique.push(symbol);
        }
    }
    unique
}

/// Opens one stream per chunk of `symbols` (see [`shard_symbols`]) with `open`, all at once,
/// and merges them into one stream (items in arrival order). Fails if any connection fails
/// (the ones already open are dropped), or when `symbols` is empty.
pub async fn open_sharded<'s, T, F>(
    symbols: Vec<Symbol>,
    per_connection: usize,
    open: F,
) -> Result<BoxStream<'static, Result<T>>>
where
    T: MaybeSend + 'static,
    F: FnMut(Vec<Symbol>) -> BoxFuture<'s, Result<BoxStream<'static, Result<T>>>>,
{
    let chunks = shard_symbols(symbols, per_connection);
    if chunks.is_empty() {
        return Err(Error::InvalidArgument("no symbols to stream".into()));
    }
    let mut streams = try_join_all(chunks.into_iter().map(open)).await?;
    if streams.len() == 1 {
        if let Some(stream) = streams.pop() {
            return Ok(stream);
        }
    }
    Ok(Box::pin(futures::stream::select_all(streams)))
}
