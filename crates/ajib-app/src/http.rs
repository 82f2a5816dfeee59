//! The bot's HTTP server: the Heleket webhook, the Telegram webhook, `/healthz` and `/metrics`.
//!
//! `/metrics` answers only a direct connection from this machine (a loopback peer) that no proxy
//! forwarded (no `Forwarded`, `X-Forwarded-For` or `X-Real-IP` header): the server may face the
//! internet, or a local TLS proxy may pass everything to it, for the webhooks.

use std::{
    net::SocketAddr,
    sync::{Arc, atomic::Ordering},
};

use ajib_domain::{OrderId, TopupId};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use tokio::sync::watch;

use crate::{
    core::{payments, topups},
    deps::{Deps, now},
    metrics,
};

/// Path Heleket POSTs payment webhooks to (`url_callback`).
pub const HELEKET_WEBHOOK_PATH: &str = "/webhooks/heleket";
/// Path of the Prometheus metrics page.
pub const METRICS_PATH: &str = "/metrics";
/// Headers a reverse proxy adds to what it forwards; `/metrics` refuses such requests.
const FORWARDING_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];
/// A worker silent for longer than this is reported unhealthy.
const STALE_AFTER_SECS: i64 = 900;

/// The bot's routes; `telegram` is the webhook route when updates arrive by webhook.
pub fn router(deps: Arc<Deps>, telegram: Option<Router>) -> Router {
    let routes = Router::new()
        .route(HELEKET_WEBHOOK_PATH, post(heleket_webhook))
        .route("/healthz", get(healthz))
        .route(METRICS_PATH, get(metrics_page))
        .with_state(deps);
    match telegram {
        Some(telegram) => routes.merge(telegram),
        None => routes,
    }
}

/// Serves `app` on `addr` until shutdown; returns the bound address through `bound`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    // The peer's address reaches the handlers, for `/metrics`' loopback check.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            while !*shutdown.borrow() {
                if shutdown.changed().await.is_err() {
                    return;
                }
            }
        })
        .await
}

/// Binds the listener, with the address in the error.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen on {addr} (HTTP_LISTEN): {err}"))
}

/// Verifies the signature (401 if bad), then reconciles the order through `/v1/payment/info`.
async fn heleket_webhook(State(deps): State<Arc<Deps>>, body: Bytes) -> StatusCode {
    let key = deps.settings.heleket_webhook_key.clone();
    let payment = match heleket::verify_webhook(&body, key.expose()) {
        Ok(payment) => payment,
        Err(err) => {
            log::warn!("rejected heleket webhook: {err}");
            return StatusCode::UNAUTHORIZED;
        }
    };
    if let Some(topup) = payment
        .order_id
        .as_deref()
        .and_then(TopupId::from_invoice_ref)
    {
        return topup_webhook(&deps, topup, &payment.uuid).await;
    }
    let Some(order_id) = payment
        .order_id
        .as_deref()
        .and_then(OrderId::from_invoice_ref)
    else {
        log::warn!(
            "verified heleket webhook for unknown order reference {:?}; ignored",
            payment.order_id
        );
        return StatusCode::OK;
    };
    let order = match deps.store.get_order(order_id).await {
        Ok(Some(order)) => order,
        Ok(None) => {
            log::warn!("verified heleket webhook for missing order {order_id}; ignored");
            return StatusCode::OK;
        }
        Err(err) => {
            log::error!("webhook for order {order_id}: storage error {err}");
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    };
    if order
        .invoice
        .as_ref()
        .is_none_or(|it| it.uuid != payment.uuid)
    {
        log::warn!(
            "webhook invoice {} does not belong to order {order_id}; ignored",
            payment.uuid
        );
        return StatusCode::OK;
    }
    // The webhook is only a hint: reconcile asks Heleket itself before crediting anything.
    if let Err(err) = payments::reconcile(&deps, &order).await {
        log::warn!("webhook for order {order_id} not reconciled now (the poller retries): {err}");
    }
    StatusCode::OK
}

/// A verified webhook for a top-up: only a hint, like an order's.
async fn topup_webhook(deps: &Deps, id: TopupId, uuid: &str) -> StatusCode {
    let topup = match deps.store.get_topup(id).await {
        Ok(Some(topup)) => topup,
        Ok(None) => {
            log::warn!("verified heleket webhook for missing top-up {id}; ignored");
            return StatusCode::OK;
        }
        Err(err) => {
            log::error!("webhook for top-up {id}: storage error {err}");
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    };
    if topup.invoice.as_ref().is_none_or(|it| it.uuid != uuid) {
        log::warn!("webhook invoice {uuid} does not belong to top-up {id}; ignored");
        return StatusCode::OK;
    }
    if let Err(err) = topups::reconcile(deps, &topup).await {
        log::warn!("webhook for top-up {id} not reconciled now (the poller retries): {err}");
    }
    StatusCode::OK
}

/// 200 with details when the database answers and every worker beat recently, else 503.
async fn healthz(State(deps): State<Arc<Deps>>) -> (StatusCode, Json<serde_json::Value>) {
    let at = now().0;
    let db_ok = deps.store.schema_version().await.is_ok();
    let age = |slot: &std::sync::atomic::AtomicI64| at - slot.load(Ordering::Relaxed);
    let workers = [
        ("provision", age(&deps.health.provision)),
        ("poller", age(&deps.health.poller)),
        ("reminders", age(&deps.health.reminders)),
        ("autorenew", age(&deps.health.autorenew)),
        ("panels", age(&deps.health.panels)),
    ];
    let workers_ok = workers.iter().all(|(_, secs)| *secs <= STALE_AFTER_SECS);
    let body = serde_json::json!({
        "ok": db_ok && workers_ok,
        "database": db_ok,
        "workers": workers.iter().map(|(name, secs)| (name.to_string(), serde_json::json!(secs))).collect::<serde_json::Map<_, _>>(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    let status = if db_ok && workers_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// The Prometheus page, for a scraper on this machine only (see the module docs); 403 otherwise.
async fn metrics_page(State(deps): State<Arc<Deps>>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|it| it.0);
    if !may_scrape(peer, request.headers()) {
        log::warn!(
            "refused {METRICS_PATH} to {peer:?}: only a direct local connection may read it"
        );
        return (
            StatusCode::FORBIDDEN,
            "metrics are served to this machine only\n",
        )
            .into_response();
    }
    let max_age = metrics::STATE_COUNTS_MAX_AGE;
    let outbox = deps.outbox.stats();
    let body = metrics::render(&deps.metrics, outbox, &deps.store, max_age).await;
    ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], body).into_response()
}

/// Whether a request from `peer` with `headers` may read `/metrics`: a loopback peer that no
/// proxy forwarded. An unknown peer is refused.
fn may_scrape(peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    let local = peer.is_some_and(|it| it.ip().to_canonical().is_loopback());
    local
        && FORWARDING_HEADERS
            .iter()
            .all(|name| !headers.contains_key(*name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(peer: Option<&str>, header: Option<(&'static str, &str)>, allowed: bool) {
        let peer = peer.map(|it| it.parse::<SocketAddr>().unwrap());
        let mut headers = HeaderMap::new();
        if let Some((name, value)) = header {
            headers.insert(name, value.parse().unwrap());
        }
        assert_eq!(may_scrape(peer, &headers), allowed, "{peer:?} {header:?}");
    }

    #[test]
    fn only_a_direct_local_peer_may_scrape() {
        check(Some("127.0.0.1:40000"), None, true);
        check(Some("[::1]:40000"), None, true);
        check(Some("[::ffff:127.0.0.1]:40000"), None, true);
        check(Some("203.0.113.7:40000"), None, false);
        check(Some("[2001:db8::1]:40000"), None, false);
        check(Some("10.0.0.2:40000"), None, false);
        check(None, None, false);
        check(
            Some("127.0.0.1:40000"),
            Some(("x-forwarded-for", "203.0.113.7")),
            false,
        );
        check(
            Some("127.0.0.1:40000"),
            Some(("X-Real-IP", "203.0.113.7")),
            false,
        );
        check(
            Some("127.0.0.1:40000"),
            Some(("forwarded", "for=203.0.113.7")),
            false,
        );
    }
}
