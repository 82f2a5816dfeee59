//! `GET /metrics` (issue 19): the page is valid Prometheus text, served to this machine only,
//! and each counter, gauge and histogram moves when its event happens in the running bot.

mod prometheus;

use std::time::Duration;

use ajib_domain::{OrderStatus, TelegramId};
use ajib_testkit::{
    blitz::BlitzFault,
    heleket::{HeleketFault, PayOutcome},
};
use ajib_transport::{Outgoing, Priority};

use self::prometheus::{Page, parse};
use crate::support::{Env, has_text, until};

/// The page over HTTP from 127.0.0.1, with `extra` headers; (status, content type, body).
async fn get_metrics(env: &Env, extra: &[(&'static str, &'static str)]) -> (u16, String, String) {
    let url = format!("http://{}/metrics", env.sandbox.app.http_addr);
    let extra = extra.to_vec();
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent.get(&url);
        for (name, value) in extra {
            request = request.header(name, value);
        }
        let mut response = request.call().unwrap();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|it| it.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), content_type, body)
    })
    .await
    .unwrap()
}

/// The page as `/metrics` renders it, with the database counts read now (the served page
/// keeps them up to 30 s).
async fn fresh(env: &Env) -> Page {
    let deps = &env.sandbox.app.deps;
    let page = ajib_app::metrics::render(
        &deps.metrics,
        deps.outbox.stats(),
        &deps.store,
        Duration::ZERO,
    );
    parse(&page.await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_prometheus_text_and_only_for_this_machine() {
    let env = Env::start().await;
    // Something on every family: a reply, a panel call and a Heleket call.
    env.open_invoice(env.user(0), "v1:l:en");
    let (status, content_type, body) = get_metrics(&env, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    let page = parse(&body);
    for family in [
        "ajib_updates_handled_total",
        "ajib_reply_latency_seconds",
        "ajib_outbox_queued",
        "ajib_outbox_sent_total",
        "ajib_telegram_429_total",
        "ajib_provision_jobs",
        "ajib_orders",
        "ajib_broadcast_recipients",
        "ajib_blitz_call_seconds",
        "ajib_blitz_call_errors_total",
        "ajib_heleket_call_seconds",
        "ajib_heleket_call_errors_total",
    ] {
        assert!(
            body.contains(&format!("# TYPE {family} ")),
            "{family} missing:\n{body}"
        );
    }
    assert_eq!(page.value("ajib_state_counts_ok"), 1.0);
    assert_eq!(
        page.value("ajib_heleket_call_seconds_count{op=\"create_invoice\"}"),
        1.0
    );

    // Every series the Grafana dashboard plots is one the page has.
    let dashboard =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/grafana-ajib.json");
    let dashboard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dashboard).unwrap()).unwrap();
    let panels = dashboard["panels"].as_array().unwrap();
    let exprs: Vec<&str> = panels
        .iter()
        .filter_map(|it| it["targets"].as_array())
        .flatten()
        .filter_map(|it| it["expr"].as_str())
        .collect();
    assert!(exprs.len() >= 10, "{exprs:?}");
    for expr in exprs {
        for name in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if !name.starts_with("ajib_") {
                continue;
            }
            let family = name.strip_suffix("_bucket").unwrap_or(name);
            assert!(
                body.contains(&format!("# TYPE {family} ")),
                "the dashboard plots {name}, not on the page"
            );
        }
    }

    // A request a local reverse proxy passed on is refused, whatever its peer address.
    for header in ["x-forwarded-for", "x-real-ip", "forwarded"] {
        let (status, _, _) = get_metrics(&env, &[(header, "203.0.113.9")]).await;
        assert_eq!(status, 403, "{header}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_moves_updates_replies_calls_orders_and_jobs() {
    let env = Env::start().await;
    let deps = env.sandbox.app.deps.clone();
    let before = fresh(&env).await;
    assert_eq!(before.value("ajib_updates_handled_total"), 0.0);
    assert_eq!(before.value("ajib_orders{status=\"provisioned\"}"), 0.0);
    assert_eq!(before.value("ajib_provision_jobs{state=\"done\"}"), 0.0);

    let open = env.open_invoice(env.user(0), "v1:l:en");
    // /start and four button presses, each answered; the counts follow Telegram's answers.
    until("five updates handled and their replies timed", async || {
        let page = fresh(&env).await;
        page.value("ajib_updates_handled_total") >= 5.0
            && page.value("ajib_reply_latency_seconds_count") >= 5.0
    })
    .await;
    let invoiced = fresh(&env).await;
    let replies = invoiced.value("ajib_reply_latency_seconds_count");
    assert!(invoiced.value("ajib_reply_latency_seconds_sum") > 0.0);
    assert!(invoiced.value("ajib_outbox_sent_total{lane=\"interactive\"}") >= replies);
    assert_eq!(
        invoiced.value("ajib_heleket_call_seconds_count{op=\"create_invoice\"}"),
        1.0
    );
    assert_eq!(
        invoiced.value("ajib_heleket_call_errors_total{op=\"create_invoice\"}"),
        0.0
    );
    assert_eq!(invoiced.value("ajib_orders{status=\"invoiced\"}"), 1.0);

    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.pay(&open.invoice.uuid, PayOutcome::Paid);
    until("the order to be provisioned", async || {
        deps.store
            .get_order(open.order)
            .await
            .unwrap()
            .unwrap()
            .status
            == OrderStatus::Provisioned
    })
    .await;
    env.wait_new(env.user(0), 0, |it| has_text(it, "hy2://"));
    let provisioned = fresh(&env).await;
    assert_eq!(
        provisioned.value("ajib_orders{status=\"provisioned\"}"),
        1.0
    );
    assert_eq!(provisioned.value("ajib_orders{status=\"invoiced\"}"), 0.0);
    assert_eq!(
        provisioned.value("ajib_provision_jobs{state=\"done\"}"),
        1.0
    );
    assert!(provisioned.value("ajib_heleket_call_seconds_count{op=\"invoice_info\"}") >= 1.0);
    assert_eq!(
        provisioned.value("ajib_blitz_call_seconds_count{op=\"ensure_user\"}"),
        1.0
    );
    assert_eq!(
        provisioned.value("ajib_blitz_call_errors_total{op=\"ensure_user\"}"),
        0.0
    );
    assert!(provisioned.value("ajib_blitz_call_seconds_count{op=\"user_links\"}") >= 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_panel_and_heleket_calls_are_counted_by_operation() {
    let env = Env::start().await;
    let deps = env.sandbox.app.deps.clone();
    let open = env.open_invoice(env.user(0), "v1:l:en");
    let order = deps.store.get_order(open.order).await.unwrap().unwrap();

    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.set_fault(HeleketFault::ServerError);
    let reconciled = ajib_app::core::payments::reconcile(&deps, &order).await;
    assert!(reconciled.is_err(), "Heleket answered 500");
    // The poller may have asked too, during the fault.
    let page = fresh(&env).await;
    let errors = page.value("ajib_heleket_call_errors_total{op=\"invoice_info\"}");
    assert!(errors >= 1.0, "{errors}");
    assert!(page.value("ajib_heleket_call_seconds_count{op=\"invoice_info\"}") >= errors);
    heleket.set_fault(HeleketFault::None);

    let blitz = env.sandbox.blitz.as_ref().unwrap();
    blitz.set_fault(BlitzFault::ServerError);
    heleket.pay(&open.invoice.uuid, PayOutcome::Paid);
    ajib_app::core::payments::reconcile(&deps, &order)
        .await
        .unwrap();
    until("the panel's 502 to be counted", async || {
        fresh(&env)
            .await
            .or_zero("ajib_blitz_call_errors_total{op=\"ensure_user\"}")
            >= 1.0
    })
    .await;
    let failing = fresh(&env).await;
    assert_eq!(
        failing.value("ajib_orders{status=\"paid\"}"),
        1.0,
        "paid, not provisioned"
    );
    let waiting = failing.value("ajib_provision_jobs{state=\"pending\"}")
        + failing.value("ajib_provision_jobs{state=\"running\"}");
    assert_eq!(waiting, 1.0, "the job waits for its retry");
    blitz.set_fault(BlitzFault::None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_reports_queue_depth_429s_and_broadcast_progress() {
    let env = Env::start().await;
    let deps = env.sandbox.app.deps.clone();
    let (sara, reza) = (env.user(0).clone(), env.user(1).clone());
    let before = fresh(&env).await;
    assert_eq!(before.value("ajib_telegram_429_total"), 0.0);
    assert_eq!(before.value("ajib_outbox_queued{lane=\"bulk\"}"), 0.0);

    // Reza's chat has used its burst elsewhere, so Telegram answers the bot's message with 429.
    let url = format!(
        "{}/bot{}/sendMessage",
        env.sandbox.telegram.api_base(),
        env.sandbox.telegram.token()
    );
    let chat = reza.id;
    tokio::task::spawn_blocking(move || {
        for _ in 0..3 {
            ureq::post(&url)
                .send_json(serde_json::json!({"chat_id": chat, "text": "elsewhere"}))
                .unwrap();
        }
    })
    .await
    .unwrap();
    let text = |chat_id: i64, text: &str| Outgoing::Text {
        chat_id,
        text: text.to_owned(),
        keyboard: None,
        html: false,
    };
    deps.outbox
        .send(text(reza.id, "after the 429"), Priority::Interactive)
        .await
        .unwrap();
    let limited = fresh(&env).await;
    assert!(limited.value("ajib_telegram_429_total") >= 1.0);
    assert!(env.sandbox.telegram.count_429() >= 1);

    // Six bulk messages to one chat: three go at once, the rest wait for its 1/s.
    for idx in 0..6 {
        deps.outbox
            .enqueue(text(sara.id, &format!("bulk {idx}")), Priority::Bulk);
    }
    until("bulk messages to wait in their lane", async || {
        fresh(&env).await.value("ajib_outbox_queued{lane=\"bulk\"}") >= 1.0
    })
    .await;
    until("the bulk lane to drain", async || {
        let page = fresh(&env).await;
        page.value("ajib_outbox_queued{lane=\"bulk\"}") == 0.0
            && page.value("ajib_outbox_sent_total{lane=\"bulk\"}") >= 6.0
    })
    .await;

    // A paused broadcast shows its recipients; resumed, it finishes and leaves the open list.
    let recipients = [TelegramId(sara.id), TelegramId(reza.id)];
    let admin = TelegramId(env.users.last().unwrap().id);
    let now = ajib_app::deps::now();
    let id = deps
        .store
        .create_broadcast("news", None, "all", &recipients, admin, now)
        .await
        .unwrap();
    deps.store
        .set_broadcast_status(id, ajib_storage::BroadcastStatus::Paused, now)
        .await
        .unwrap();
    let paused = fresh(&env).await;
    let series = |status: &str| {
        format!("ajib_broadcast_recipients{{broadcast=\"{id}\",status=\"{status}\"}}")
    };
    let total: f64 = ["pending", "sent", "failed", "blocked"]
        .iter()
        .map(|status| paused.value(&series(status)))
        .sum();
    assert_eq!(total, 2.0);
    assert_eq!(paused.value("ajib_broadcasts{status=\"paused\"}"), 1.0);
    let bulk_before = paused.value("ajib_outbox_sent_total{lane=\"bulk\"}");
    deps.store
        .set_broadcast_status(id, ajib_storage::BroadcastStatus::Running, now)
        .await
        .unwrap();
    deps.broadcasts.wake.notify_one();
    until("the broadcast to finish", async || {
        fresh(&env).await.value("ajib_broadcasts{status=\"done\"}") == 1.0
    })
    .await;
    let done = fresh(&env).await;
    assert!(
        !done.samples.contains_key(&series("pending")),
        "no longer listed as open"
    );
    let progress = deps.store.broadcast_progress(id).await.unwrap();
    assert_eq!(progress.sent, 2);
    // The sender may have sent some before the pause; the six bulk messages came before both.
    let bulk_sent = done.value("ajib_outbox_sent_total{lane=\"bulk\"}");
    assert!(
        bulk_sent >= bulk_before && bulk_sent >= 8.0,
        "{bulk_before} then {bulk_sent}"
    );
}
