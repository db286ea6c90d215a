//! `tradewire`: the command line of the tradewire toolkit.

mod decode;
mod demo;
mod order;
mod stream;

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
    /// Offline demo: starts the built-in venue simulator on 127.0.0.1 and streams from it,
    /// through a connection drop, printing every event.
    Demo(demo::Args),
    /// Decode raw WebSocket frames (one per line on stdin; binary frames as `b64:<base64>`)
    /// into normalized JSON events, one per line on stdout.
    Decode(decode::Args),
    /// Stream live market data as normalized JSON lines (reconnects and resubscribes after a
    /// connection drop).
    Stream(stream::Args),
    /// Place, cancel or list orders (credentials from the environment); prints normalized
    /// orders as JSON lines.
    Order(order::Args),
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
            Command::Order(args) => order::run(args).await,
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
