//! `tradewire`: the command line of the tradewire toolkit.

mod candles;
mod common;
mod dashboard;
mod decode;
mod demo;
mod order;
mod stream;
mod symbols;

use clap::{Parser, Subcommand};

/// Real-time crypto exchange data from the command line.
#[derive(Debug, Parser)]
#[command(name = "tradewire", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Offline demo: starts the Binance and Deribit simulators on 127.0.0.1 and runs the
    /// unified market-data API against them, through a connection drop (a live view on a
    /// terminal, JSON lines otherwise).
    Demo(demo::Args),
    /// Decode raw WebSocket frames (one per line on stdin; binary frames as `b64:<base64>`)
    /// into normalized JSON events, one per line on stdout.
    Decode(decode::Args),
    /// Stream live market data of any venue as normalized JSON lines (reconnects and
    /// resubscribes after a connection drop).
    Stream(stream::Args),
    /// Download historical candles to CSV or JSON lines, in chunks, resuming an existing file.
    Candles(candles::Args),
    /// List a venue's instruments as JSON lines.
    Symbols(symbols::Args),
    /// Place, cancel or list orders (credentials from the environment); prints normalized
    /// orders as JSON lines.
    Order(order::Args),
    /// Serve the browser dashboard (built by `cargo xtask dashboard build`) on 127.0.0.1,
    /// optionally with the built-in simulators; prints `DASHBOARD <url>`.
    Dashboard(dashboard::Args),
}

/// A usage problem found after parsing (e.g. missing credentials): exit status 2, like
/// clap's own usage errors.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                // The commands report what matters themselves, each error as one line;
                // RUST_LOG=warn (or debug) shows the libraries' logs too.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo(args) => demo::run(args).await,
            Command::Decode(args) => decode::run(args),
            Command::Stream(args) => stream::run(args).await,
            Command::Candles(args) => candles::run(args).await,
            Command::Symbols(args) => symbols::run(args).await,
            Command::Order(args) => order::run(args).await,
            Command::Dashboard(args) => dashboard::run(args).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line: the context chain joined by ": ".
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            if e.downcast_ref::<UsageError>().is_some() {
                std::process::ExitCode::from(2)
            } else {
                std::process::ExitCode::FAILURE
            }
        }
    }
}
