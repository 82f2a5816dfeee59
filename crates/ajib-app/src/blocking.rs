//! Running blocking client calls off the async runtime, and pausing workers until shutdown.

use std::time::Duration;

use tokio::sync::watch;

/// Runs a blocking client call (ureq) off the async runtime.
pub async fn blocking<T, F>(call: F) -> anyhow::Result<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|err| anyhow::anyhow!("blocking call failed: {err}"))
}

/// Runs `round` now and then every `period` until shutdown: a worker's loop.
pub async fn every<F, Fut>(period: Duration, mut shutdown: watch::Receiver<bool>, mut round: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    loop {
        round().await;
        if pause(period, &mut shutdown).await {
            return;
        }
    }
}

/// Waits `period` or until shutdown; true if shutting down.
pub async fn pause(period: Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    if *shutdown.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(period) => *shutdown.borrow(),
        res = shutdown.changed() => res.is_err() || *shutdown.borrow(),
    }
}
