//! `ajib-ctl promo add|list|disable` against a temp install (issue 20).

use ajib_storage::{PromoBenefit, PromoKey, Store};

use crate::{Install, TOKEN, with_store};

fn install() -> Install {
    let install = Install::new(&format!(
        "TELEGRAM_BOT_TOKEN={TOKEN}\nDATA_DIR=/var/lib/ajib\n"
    ));
    install
        .ctl(&[
            "plans", "add", "--name", "Month", "--price", "5.00", "--days", "30",
        ])
        .ok();
    install
}

#[test]
fn a_code_is_added_listed_and_disabled() {
    let install = install();
    let added = install
        .ctl(&[
            "promo",
            "add",
            "--code",
            "spring",
            "--percent",
            "20",
            "--plans",
            "1",
            "--from",
            "2026-12-01",
            "--until",
            "2026-12-31",
            "--uses",
            "100",
            "--per-user",
            "1",
            "--first-purchase-only",
        ])
        .ok();
    assert!(
        added.starts_with("added SPRING  20% off  plans #1  2026-12-01..2026-12-31  used 0/100  1 per customer  first purchase only"),
        "{added}"
    );
    install
        .ctl(&["promo", "add", "--code", "WEEK", "--days", "7"])
        .ok();
    let listed = install.ctl(&["promo", "list"]).ok();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(
        lines[0].starts_with("WEEK  +7 days  all plans  used 0  active"),
        "{listed}"
    );
    assert!(lines[1].starts_with("SPRING  20% off"), "{listed}");

    let disabled = install.ctl(&["promo", "disable", "Spring"]).ok();
    assert!(disabled.contains("SPRING disabled"), "{disabled}");
    let listed = install.ctl(&["promo", "list"]).ok();
    assert!(
        listed
            .lines()
            .nth(1)
            .is_some_and(|it| it.ends_with("disabled")),
        "{listed}"
    );

    let (stored, audit) = with_store(&install, async |store: &Store| {
        let promo = store
            .get_promo(PromoKey::Text("spring"))
            .await
            .unwrap()
            .unwrap();
        let audit = store.recent_audit(5).await.unwrap();
        (promo, audit)
    });
    assert_eq!(stored.benefit, PromoBenefit::Percent(20));
    assert_eq!((stored.max_uses, stored.per_user), (Some(100), Some(1)));
    assert!(!stored.enabled);
    let actions: Vec<(&str, String)> = audit
        .iter()
        .map(|it| (it.action.as_str(), it.actor.to_string()))
        .collect();
    assert_eq!(
        actions[..3],
        [
            ("promo.disable", "cli".to_owned()),
            ("promo.add", "cli".to_owned()),
            ("promo.add", "cli".to_owned())
        ]
    );
}

fn check_refused(args: &[&str], expected: &str) {
    let install = install();
    let mut full = vec!["promo", "add"];
    full.extend_from_slice(args);
    let stderr = install.ctl(&full).fails_with(2);
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    let listed = install.ctl(&["promo", "list"]).ok();
    assert!(listed.contains("no promo codes yet"), "{listed}");
}

#[test]
fn invalid_codes_are_refused_with_the_reason() {
    check_refused(&["--code", "ab", "--percent", "5"], "3 to 32 letters");
    check_refused(
        &["--code", "SPRING"],
        "give one of --percent, --fixed or --days",
    );
    check_refused(
        &["--code", "SPRING", "--percent", "5", "--days", "3"],
        "only one of",
    );
    check_refused(&["--code", "SPRING", "--percent", "120"], "1 to 100");
    check_refused(
        &["--code", "SPRING", "--fixed", "1.505"],
        "--fixed must be an amount",
    );
    check_refused(
        &[
            "--code",
            "SPRING",
            "--percent",
            "5",
            "--until",
            "31-12-2026",
        ],
        "dates are YYYY-MM-DD",
    );
    check_refused(
        &[
            "--code",
            "SPRING",
            "--percent",
            "5",
            "--from",
            "2026-12-31",
            "--until",
            "2026-12-01",
        ],
        "--until must not be before --from",
    );
    check_refused(
        &["--code", "SPRING", "--percent", "5", "--plans", "7"],
        "no such plan",
    );
    check_refused(
        &["--code", "SPRING", "--percent", "5", "--uses", "0"],
        "at least 1",
    );
}

#[test]
fn a_duplicate_or_unknown_code_is_a_usage_error() {
    let install = install();
    install
        .ctl(&["promo", "add", "--code", "SPRING", "--fixed", "1.50"])
        .ok();
    let stderr = install
        .ctl(&["promo", "add", "--code", "spring", "--percent", "5"])
        .fails_with(2);
    assert!(stderr.contains("exists already"), "{stderr}");
    let stderr = install.ctl(&["promo", "disable", "NOPE"]).fails_with(2);
    assert!(stderr.contains("no promo code \"NOPE\""), "{stderr}");
    let listed = install.ctl(&["promo", "list"]).ok();
    assert!(listed.starts_with("SPRING  1.50 USD off"), "{listed}");
}
