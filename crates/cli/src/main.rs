//! `tradewire`: the command line of the tradewire toolkit.

mod decode;
mod demo;

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
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
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
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
