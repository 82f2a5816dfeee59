//! `orders list --stuck` and `orders retry` (issue 14), and doctor's panel and stuck-order checks.

use ajib_domain::{OrderId, TelegramId, UnixTime};
use ajib_storage::Store;
use ajib_testkit::blitz::FakeBlitz;

use crate::{Install, TOKEN, seen_user, with_store};

/// An install whose order for user 1001 was paid and whose provisioning the panel refused.
fn install_with_stuck_order(extra_env: &str) -> (Install, OrderId) {
    let install = Install::new(&format!(
        "TELEGRAM_BOT_TOKEN={TOKEN}\nDATA_DIR=/var/lib/ajib\n{extra_env}"
    ));
    // Any command that opens the database creates it.
    install.ctl(&["admins", "add", "42"]).ok();
    let order = with_store(&install, async |store: &Store| {
        seen_user(store, 1001, None, "Sara", 10).await;
        let (order, _) = store
            .create_test_order(TelegramId(1001), UnixTime(20))
            .await
            .unwrap();
        let job = store.claim_job(UnixTime(30), 60).await.unwrap().unwrap();
        let refusal = "panel answered 400: Failed to add user ajib_1001_1: Usage: add_user.py";
        store.fail_job(job.id, refusal).await.unwrap();
        order.id
    });
    (install, order)
}

#[test]
fn a_stuck_order_is_listed_then_queued_again_once() {
    let (install, order) = install_with_stuck_order("");
    let listed = install.ctl(&["orders", "list", "--stuck"]).ok();
    assert!(
        listed.starts_with(&format!("#{order}  user 1001")),
        "{listed}"
    );
    assert!(
        listed.contains("Failed to add user ajib_1001_1"),
        "{listed}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&install.ctl(&["orders", "list", "--stuck", "--json"]).ok()).unwrap();
    assert_eq!(json[0]["id"], order.0);
    assert_eq!(json[0]["attempts"], 1);

    let retried = install.ctl(&["orders", "retry", &format!("#{order}")]).ok();
    assert!(retried.contains("queued again"), "{retried}");
    let again = install.ctl(&["orders", "retry", &order.to_string()]).ok();
    assert!(again.contains("already queued"), "{again}");
    let none = install.ctl(&["orders", "list", "--stuck"]).ok();
    assert!(none.contains("no stuck orders"), "{none}");
    let all = install.ctl(&["orders", "list"]).ok();
    assert!(
        all.starts_with(&format!("#{order}  paid  user 1001")),
        "{all}"
    );

    let due = with_store(&install, async |store: &Store| {
        store.claim_job(UnixTime(i64::MAX / 2), 60).await.unwrap()
    });
    assert_eq!(
        due.map(|it| it.attempts),
        Some(1),
        "due again, attempts reset"
    );
}

#[test]
fn retry_explains_what_it_cannot_do() {
    let (install, _) = install_with_stuck_order("");
    let missing = install.ctl(&["orders", "retry", "999"]).fails_with(1);
    assert!(missing.contains("there is no order #999"), "{missing}");
    let garbage = install.ctl(&["orders", "retry", "abc"]).fails_with(1);
    assert!(garbage.contains("is not an order number"), "{garbage}");
}

#[test]
fn doctor_names_the_panel_version_its_defects_and_the_stuck_order() {
    let blitz = FakeBlitz::start("doctor-token");
    // Telegram and Heleket point at a closed local port: their checks fail fast, offline.
    let env = format!(
        "TELEGRAM_API_BASE=http://127.0.0.1:9\nBLITZ_API_BASE={}\nBLITZ_API_KEY=doctor-token\n\
         HELEKET_API_BASE=http://127.0.0.1:9\nHELEKET_MERCHANT_ID=8b1c2c3e-0000-4000-8000-000000000001\n\
         HELEKET_API_KEY=key\n",
        blitz.base_url()
    );
    let (install, order) = install_with_stuck_order(&env);
    let run = install.ctl(&["doctor", "--json"]);
    assert_eq!(run.code, 1, "a stuck order is a failure: {run:?}");
    let checks: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let check = |name: &str| {
        checks
            .as_array()
            .unwrap()
            .iter()
            .find(|it| it["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} check in {checks:#}"))
    };
    let panel = check("blitz");
    assert_eq!(panel["level"], "WARN", "{panel}");
    let message = panel["message"].as_str().unwrap();
    assert!(message.contains("panel 2.5.3"), "{message}");
    assert!(message.contains("note and a creation date"), "{message}");
    let orders = check("orders");
    assert_eq!(orders["level"], "FAIL", "{orders}");
    assert!(
        orders["message"]
            .as_str()
            .unwrap()
            .contains(&format!("#{order}")),
        "{orders}"
    );
}
