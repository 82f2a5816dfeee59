//! `ajib-ctl plans edit --stars`: an owner sets a plan's price in Telegram Stars (issue 22).

use ajib_domain::PlanId;

use crate::{Install, TOKEN, with_store};

#[test]
fn a_plan_gets_a_stars_price_a_bad_one_changes_nothing_and_none_clears_it() {
    let install = Install::new(&format!(
        "TELEGRAM_BOT_TOKEN={TOKEN}\nDATA_DIR=/var/lib/ajib\n"
    ));
    install
        .ctl(&[
            "plans", "add", "--name", "Month", "--price", "5.00", "--days", "30",
        ])
        .ok();
    let stars = || {
        with_store(&install, async |store| {
            store.plan_stars(PlanId(1)).await.unwrap()
        })
    };
    let out = install.ctl(&["plans", "edit", "1", "--stars", "250"]).ok();
    assert!(out.contains("250"), "{out}");
    assert_eq!(stars(), Some(250));
    for bad in ["0", "10001", "-5", "many"] {
        let err = install
            .ctl(&["plans", "edit", "1", "--stars", bad, "--days", "60"])
            .fails_with(2);
        assert!(err.contains("--stars"), "{bad}: {err}");
    }
    assert_eq!(stars(), Some(250), "a refused value changes nothing");
    let list = install.ctl(&["plans", "list"]).ok();
    assert!(
        list.contains("30 days"),
        "the plan's days were not changed either: {list}"
    );
    install.ctl(&["plans", "edit", "1", "--stars", "none"]).ok();
    assert_eq!(stars(), None);
}
