//! Polls Heleket for invoices whose webhook may never come (≤ once per 30 s per invoice).

use std::{sync::Arc, time::Duration};

use tokio::sync::watch;

use crate::{
    blocking::every,
    core::{payments, topups},
    deps::{Deps, Health, now},
};

/// How often the poller looks for due invoices; each invoice is asked at most every 30 s.
const ROUND: Duration = Duration::from_secs(5);
/// Invoices asked per round, so a backlog cannot flood Heleket.
const BATCH: u32 = 20;

/// Runs until shutdown.
pub async fn run(deps: Arc<Deps>, shutdown: watch::Receiver<bool>) {
    let deps = &deps;
    every(ROUND, shutdown, || async move {
        Health::beat(&deps.health.poller);
        round(deps).await;
    })
    .await;
}

/// Reconciles every invoice that is due: orders', then top-ups'.
pub async fn round(deps: &Deps) {
    orders(deps).await;
    topups::poll_due(deps, BATCH).await;
}

async fn orders(deps: &Deps) {
    let due = match deps.store.due_for_poll(now(), BATCH).await {
        Ok(due) => due,
        Err(err) => {
            log::error!("invoice poller cannot read orders: {err}");
            return;
        }
    };
    for order in due {
        if let Err(err) = payments::reconcile(deps, &order).await {
            log::warn!("polling order {} failed: {err}", order.id);
            let next = now().plus_secs(payments::POLL_INTERVAL_SECS);
            if let Err(err) = deps.store.set_next_poll(order.id, next).await {
                log::error!("could not reschedule order {}: {err}", order.id);
            }
        }
    }
}
