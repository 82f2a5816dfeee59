//! `ajib-ctl status` shows the bot's work by state from the database (issue 19): provisioning
//! jobs, orders and open broadcasts.

use ajib_domain::{TelegramId, UnixTime};
use ajib_storage::Store;

use crate::{Install, TOKEN, seen_user, with_store};

#[test]
fn status_counts_jobs_orders_and_the_open_broadcast() {
    let install = Install::new(&format!(
        "TELEGRAM_BOT_TOKEN={TOKEN}\nDATA_DIR=/var/lib/ajib\n"
    ));
    // Any command that opens the database creates it.
    install.ctl(&["admins", "add", "42"]).ok();
    let before: serde_json::Value =
        serde_json::from_str(&install.ctl(&["status", "--json"]).ok()).unwrap();
    assert_eq!(before["work"]["provisioning"]["dead"], 0);
    assert_eq!(before["work"]["orders"]["paid"], 0);
    assert_eq!(before["work"]["open_broadcasts"], serde_json::json!([]));

    with_store(&install, async |store: &Store| {
        for (id, name) in [(1001, "Sara"), (1002, "Reza")] {
            seen_user(store, id, None, name, 10).await;
        }
        // Sara's test order: paid with its job, which the panel refused for good.
        store
            .create_test_order(TelegramId(1001), UnixTime(20))
            .await
            .unwrap();
        let job = store.claim_job(UnixTime(30), 60).await.unwrap().unwrap();
        store.fail_job(job.id, "panel refused").await.unwrap();
        // Reza's is paid and waits for the worker.
        store
            .create_test_order(TelegramId(1002), UnixTime(40))
            .await
            .unwrap();
        let recipients = [TelegramId(1001), TelegramId(1002)];
        let broadcast = store
            .create_broadcast("hi", None, "all", &recipients, TelegramId(42), UnixTime(50))
            .await
            .unwrap();
        store
            .mark_recipient(
                broadcast,
                TelegramId(1001),
                ajib_storage::RecipientStatus::Sent,
                UnixTime(60),
            )
            .await
            .unwrap();
    });

    let status: serde_json::Value =
        serde_json::from_str(&install.ctl(&["status", "--json"]).ok()).unwrap();
    let work = &status["work"];
    assert_eq!(work["provisioning"]["dead"], 1, "{work}");
    assert_eq!(work["provisioning"]["pending"], 1, "{work}");
    assert_eq!(work["orders"]["paid"], 2, "{work}");
    assert_eq!(work["open_broadcasts"][0]["status"], "running", "{work}");
    assert_eq!(work["open_broadcasts"][0]["sent"], 1, "{work}");
    assert_eq!(work["open_broadcasts"][0]["pending"], 1, "{work}");
    assert_eq!(status["pending_jobs"], 1, "the old figure stays");

    let text = install.ctl(&["status"]).ok();
    assert!(
        text.contains("provisioning: 1 pending, 0 running, 1 dead (stuck), 0 done"),
        "{text}"
    );
    assert!(text.contains("orders:       2 paid"), "{text}");
    assert!(
        text.contains("broadcast #1: running, 1 of 2 sent, 0 failed, 0 blocked, 1 to go"),
        "{text}"
    );
}
