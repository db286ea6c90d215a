//! Shared by the CLI integration tests: the built `tradewire` binary as a child process.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tradewire::core::MarketEvent;

pub const BIN: &str = env!("CARGO_BIN_EXE_tradewire");
pub const WAIT: Duration = Duration::from_secs(30);

/// A running `tradewire`: stdout lines as they come, stderr collected.
pub struct Running {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    /// Starts `tradewire args…` without Deribit credentials in its environment.
    pub fn start(args: &[&str]) -> Running {
        Self::start_with_env(args, &[])
    }

    /// Starts `tradewire args…` with `env` added (and no inherited Deribit credentials).
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("TRADEWIRE_DERIBIT_API_KEY")
            .env_remove("TRADEWIRE_DERIBIT_API_SECRET")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn tradewire");
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr_pipe = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = String::new();
            let _ = stderr_pipe.read_to_string(&mut buf);
            sink.lock().unwrap().push_str(&buf);
        });
        Running {
            child,
            lines,
            stderr,
        }
    }

    pub fn with(args: &[&str], extra: &[String]) -> Running {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(extra.iter().map(String::as_str));
        Running::start(&all)
    }

    pub async fn next_line(&mut self) -> String {
        tokio::time::timeout(WAIT, self.lines.recv())
            .await
            .expect("no stdout line in time")
            .expect("stdout closed")
    }

    /// Waits for the exit; returns (status code, every remaining stdout line, stderr).
    pub async fn finish(mut self) -> (i32, Vec<String>, String) {
        let deadline = tokio::time::Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if tokio::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("tradewire did not exit in time");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let mut rest = Vec::new();
        while let Ok(Some(line)) = tokio::time::timeout(WAIT, self.lines.recv()).await {
            rest.push(line);
        }
        // The stderr reader finishes when the pipe closes.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let stderr = self.stderr.lock().unwrap().clone();
        (status.code().unwrap_or(-1), rest, stderr)
    }
}

pub fn event(line: &str) -> MarketEvent {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not an event ({e}): {line}"))
}
