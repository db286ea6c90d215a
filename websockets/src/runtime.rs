//! Platform-neutral timers and tasks for venue crates.
//!
//! Venue code never names tokio or the browser's event loop: these functions run on tokio natively
//! and on the page's event loop (`spawn_local`, JS timers) on `wasm32`.

use std::future::Future;
use std::time::Duration;

use crate::platform;

/// Waits `d`.
pub async fn sleep(d: Duration) {
    platform::sleep(d).await
}

/// A deadline passed before the future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("timed out after {0:?}")]
pub struct Elapsed(pub Duration);

/// Runs `fut` for at most `d`.
pub async fn timeout<F: Future>(d: Duration, fut: F) -> Result<F::Output, Elapsed> {
    tokio::select! {
        out = fut => Ok(out),
        _ = platform::sleep(d) => Err(Elapsed(d)),
    }
}

/// Runs a background task: on tokio natively (a runtime must be running), on the page's event
/// loop in browsers. The task's future must be `Send` natively.
#[cfg(not(target_arch = "wasm32"))]
pub fn spawn<F>(fut: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    platform::spawn(fut)
}

/// Runs a background task: on tokio natively (a runtime must be running), on the page's event
/// loop in browsers.
#[cfg(target_arch = "wasm32")]
pub fn spawn<F>(fut: F)
where
    F: Future<Output = ()> + 'static,
{
    platform::spawn(fut)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn timeout_and_sleep() {
        assert_eq!(timeout(Duration::from_secs(5), async { 7 }).await, Ok(7));
        assert_eq!(
            timeout(Duration::from_millis(10), sleep(Duration::from_secs(60))).await,
            Err(Elapsed(Duration::from_millis(10)))
        );
        let (tx, rx) = tokio::sync::oneshot::channel();
        spawn(async move {
            let _ = tx.send(1);
        });
        assert_eq!(rx.await, Ok(1));
    }
}
