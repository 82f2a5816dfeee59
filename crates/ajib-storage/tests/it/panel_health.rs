//! Panel health: checks recorded, owners alerted once per outage of five
//! minutes or more and once when it ends, short blips never.

use ajib_domain::{PanelHealth, PanelId, UnixTime};
use ajib_storage::{CheckOutcome, HealthChange, MailBody, NewMail, PanelCheck, Store};

use crate::{db, ok, t};

const START: i64 = 1_700_000_000;
const ALERT_AFTER: i64 = 300;

/// One check: seconds after [`START`], whether the panel answered, what it
/// should change, and the alert bodies queued in total so far.
struct Step {
    after: i64,
    up: bool,
    change: HealthChange,
    mail: &'static [&'static str],
}

const fn step(after: i64, up: bool, change: HealthChange, mail: &'static [&'static str]) -> Step {
    Step {
        after,
        up,
        change,
        mail,
    }
}

fn alert(body: &str) -> Vec<NewMail> {
    vec![NewMail {
        bot: None,
        chat: Some(1),
        body: MailBody::Message {
            json: body.to_owned(),
            attachment: None,
        },
    }]
}

async fn record(store: &Store, after: i64, up: bool) -> HealthChange {
    let outcome = match up {
        true => CheckOutcome::Up,
        false => CheckOutcome::Down {
            error: "transient failure: connection refused".to_owned(),
        },
    };
    let check = PanelCheck {
        panel: PanelId::FIRST,
        at: t(START + after),
        outcome,
        alert_after_secs: ALERT_AFTER,
        down_alert: alert("down"),
        up_alert: alert("up"),
    };
    ok(store.record_panel_check(check).await)
}

/// Every mail row's body, in the order queued.
fn queued(db: &crate::Db) -> Vec<String> {
    let conn = ok(rusqlite::Connection::open(&db.path));
    let mut stmt = ok(conn.prepare("SELECT body FROM mail ORDER BY id"));
    let rows = ok(stmt.query_map([], |row| row.get::<_, String>(0)));
    rows.map(ok).collect()
}

async fn check(steps: &[Step]) {
    let db = db();
    for (idx, step) in steps.iter().enumerate() {
        let change = record(&db.store, step.after, step.up).await;
        assert_eq!(change, step.change, "step {idx} (+{}s)", step.after);
        assert_eq!(queued(&db), step.mail, "step {idx} (+{}s)", step.after);
    }
}

fn since(after: i64) -> UnixTime {
    t(START + after)
}

#[tokio::test]
async fn a_blip_under_five_minutes_alerts_nobody() {
    check(&[
        step(0, true, HealthChange::Same, &[]),
        step(60, false, HealthChange::WentDown, &[]),
        step(120, false, HealthChange::Same, &[]),
        step(299 + 60, false, HealthChange::Same, &[]),
        step(
            420,
            true,
            HealthChange::Recovered {
                since: since(60),
                alerted: false,
            },
            &[],
        ),
    ])
    .await;
}

#[tokio::test]
async fn five_minutes_down_alerts_once_and_recovery_once() {
    let down = HealthChange::DownAlerted { since: since(0) };
    check(&[
        step(0, false, HealthChange::WentDown, &[]),
        step(240, false, HealthChange::Same, &[]),
        step(299, false, HealthChange::Same, &[]),
        step(300, false, down, &["down"]),
        step(360, false, HealthChange::Same, &["down"]),
        step(3_600, false, HealthChange::Same, &["down"]),
        step(
            3_660,
            true,
            HealthChange::Recovered {
                since: since(0),
                alerted: true,
            },
            &["down", "up"],
        ),
        step(3_720, true, HealthChange::Same, &["down", "up"]),
    ])
    .await;
}

#[tokio::test]
async fn a_second_outage_alerts_again_counted_from_its_own_start() {
    let recovered = HealthChange::Recovered {
        since: since(0),
        alerted: true,
    };
    check(&[
        step(0, false, HealthChange::WentDown, &[]),
        step(
            360,
            false,
            HealthChange::DownAlerted { since: since(0) },
            &["down"],
        ),
        step(420, true, recovered, &["down", "up"]),
        step(1_000, false, HealthChange::WentDown, &["down", "up"]),
        step(1_200, false, HealthChange::Same, &["down", "up"]),
        step(
            1_300,
            false,
            HealthChange::DownAlerted {
                since: since(1_000),
            },
            &["down", "up", "down"],
        ),
    ])
    .await;
}

#[tokio::test]
async fn an_outage_counts_from_its_earliest_failed_check_whatever_the_order() {
    check(&[
        step(600, false, HealthChange::WentDown, &[]),
        step(0, false, HealthChange::Same, &[]),
        step(
            300,
            false,
            HealthChange::DownAlerted { since: since(0) },
            &["down"],
        ),
        step(900, false, HealthChange::Same, &["down"]),
    ])
    .await;
}

#[tokio::test]
async fn the_row_says_what_the_last_check_found() {
    let db = db();
    record(&db.store, 0, false).await;
    record(&db.store, 400, false).await;
    let panel = ok(db.store.get_panel(PanelId::FIRST).await).unwrap();
    assert_eq!(panel.health, PanelHealth::Down);
    assert_eq!(panel.checked_at, Some(since(400)));
    assert_eq!(panel.down_since, Some(since(0)));
    assert!(panel.down_alerted);
    assert_eq!(
        panel.last_error.as_deref(),
        Some("transient failure: connection refused")
    );
    record(&db.store, 460, true).await;
    let panel = ok(db.store.get_panel(PanelId::FIRST).await).unwrap();
    assert_eq!(panel.health, PanelHealth::Up);
    assert_eq!(panel.down_since, None);
    assert!(!panel.down_alerted);
    assert_eq!(panel.last_error, None);
}

#[tokio::test]
async fn a_long_error_is_cut_and_a_missing_panel_is_not_found() {
    let db = db();
    let check = PanelCheck {
        panel: PanelId::FIRST,
        at: t(START),
        outcome: CheckOutcome::Down {
            error: "x".repeat(10_000),
        },
        alert_after_secs: ALERT_AFTER,
        down_alert: Vec::new(),
        up_alert: Vec::new(),
    };
    ok(db.store.record_panel_check(check.clone()).await);
    let panel = ok(db.store.get_panel(PanelId::FIRST).await).unwrap();
    let kept = panel.last_error.unwrap_or_default().chars().count();
    assert_eq!(kept, ajib_storage::MAX_PANEL_ERROR_CHARS);
    let missing = PanelCheck {
        panel: PanelId(99),
        ..check
    };
    let err = db.store.record_panel_check(missing).await.unwrap_err();
    assert!(
        matches!(err, ajib_storage::Error::NotFound { what: "panel" }),
        "{err}"
    );
}
