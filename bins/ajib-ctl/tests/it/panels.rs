//! `ajib-ctl panels add|list|edit|disable|enable|check` against fake Blitz panels (issue 21).

use ajib_testkit::blitz::{BlitzFault, FakeBlitz};

use crate::{Install, TOKEN};

const PANEL_TOKEN: &str = "panel-token-de1-secret";

/// An install whose first panel (`BLITZ_API_BASE`) is `first`.
fn install(first: &FakeBlitz) -> Install {
    let install = Install::new(&format!(
        "TELEGRAM_BOT_TOKEN={TOKEN}\nDATA_DIR=/var/lib/ajib\nBLITZ_API_BASE={}\nBLITZ_API_KEY={}\n",
        first.base_url(),
        first.token()
    ));
    install.ctl(&["admins", "add", "42"]).ok();
    install
}

/// A file holding `token`, inside the install.
fn token_file(install: &Install, name: &str, token: &str) -> String {
    let path = install.root().join(name);
    std::fs::write(&path, format!("{token}\n")).unwrap();
    path.display().to_string()
}

fn add_args<'a>(name: &'a str, location: &'a str, base: &'a str) -> Vec<&'a str> {
    vec![
        "panels",
        "add",
        "--name",
        name,
        "--location",
        location,
        "--api-base",
        base,
    ]
}

#[test]
fn panels_are_added_checked_listed_edited_and_disabled() {
    let first = FakeBlitz::start("main-token");
    let de = FakeBlitz::start(PANEL_TOKEN);
    let nl = FakeBlitz::start("nl-token");
    let install = install(&first);

    let file = token_file(&install, "de.token", PANEL_TOKEN);
    let mut args = add_args("de-1", "🇩🇪 Germany", de.base_url());
    args.extend(["--token-file", &file, "--capacity", "2"]);
    let added = install.ctl(&args).ok();
    assert!(added.contains("panel de-1 answers: version"), "{added}");
    assert!(added.contains("added panel de-1 #2"), "{added}");

    // Typed at the prompt, as an operator without a file would.
    let typed = install
        .ctl_stdin(
            &add_args("nl-1", "🇳🇱 Netherlands", nl.base_url()),
            "nl-token\n",
        )
        .ok();
    assert!(typed.contains("added panel nl-1 #3"), "{typed}");

    let list = install.ctl(&["panels", "list"]).ok();
    for expected in [
        "main",
        "de-1",
        "🇩🇪 Germany",
        "0/2",
        "nl-1",
        "0/unlimited",
        "BLITZ_API_BASE",
    ] {
        assert!(list.contains(expected), "{expected} missing: {list}");
    }
    assert!(
        !list.contains(PANEL_TOKEN) && !list.contains("nl-token"),
        "{list}"
    );
    let json = install.ctl(&["panels", "list", "--json"]).ok();
    assert!(!json.contains(PANEL_TOKEN), "{json}");
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[1]["token"], "stored in the database");
    assert_eq!(rows[1]["capacity"], 2);

    let edited = install
        .ctl(&[
            "panels",
            "edit",
            "de-1",
            "--capacity",
            "unlimited",
            "--location",
            "🇩🇪 Frankfurt",
        ])
        .ok();
    assert!(edited.contains("🇩🇪 Frankfurt, 0/unlimited"), "{edited}");

    let refused = install
        .ctl(&["panels", "edit", "main", "--api-base", de.base_url()])
        .fails_with(2);
    assert!(refused.contains("ajib-ctl config set"), "{refused}");

    let disabled = install.ctl(&["panels", "disable", "nl-1"]).ok();
    assert!(disabled.contains("disabled panel nl-1"), "{disabled}");
    let json = install.ctl(&["panels", "list", "--json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[2]["enabled"], false);
    install.ctl(&["panels", "enable", "nl-1"]).ok();
    let json = install.ctl(&["panels", "list", "--json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[2]["enabled"], true);
}

#[test]
fn a_panel_that_refuses_its_token_or_a_bad_base_is_not_added() {
    let first = FakeBlitz::start("main-token");
    let de = FakeBlitz::start(PANEL_TOKEN);
    let install = install(&first);

    let wrong = token_file(&install, "wrong.token", "not-the-token");
    let mut args = add_args("de-1", "🇩🇪 Germany", de.base_url());
    args.extend(["--token-file", &wrong]);
    let refused = install.ctl(&args).fails_with(1);
    assert!(refused.contains("token rejected"), "{refused}");
    assert!(refused.contains("--no-check"), "{refused}");

    let right = token_file(&install, "de.token", PANEL_TOKEN);
    let mut args = add_args("de-1", "🇩🇪 Germany", "https://panel.example/x");
    args.extend(["--token-file", &right]);
    let bad_base = install.ctl(&args).fails_with(2);
    assert!(bad_base.contains("/api/v1"), "{bad_base}");

    let mut args = add_args("bad name!", "🇩🇪 Germany", de.base_url());
    args.extend(["--token-file", &right]);
    install.ctl(&args).fails_with(2);

    let mut args = add_args("de-1", "🇩🇪 Germany", de.base_url());
    args.extend(["--token-ref-file", "relative/token"]);
    let relative = install.ctl(&args).fails_with(2);
    assert!(relative.contains("absolute"), "{relative}");

    let list = install.ctl(&["panels", "list", "--json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        1,
        "only the first panel: {list}"
    );
}

#[test]
fn check_says_ok_or_fail_per_panel_with_the_fix() {
    let first = FakeBlitz::start("main-token");
    let de = FakeBlitz::start(PANEL_TOKEN);
    let install = install(&first);
    // Kept by reference: the bot (and check) read the file each time.
    let file = token_file(&install, "de.token", PANEL_TOKEN);
    let mut args = add_args("de-1", "🇩🇪 Germany", de.base_url());
    args.extend(["--token-ref-file", &file]);
    install.ctl(&args).ok();

    let ok = install.ctl(&["panels", "check"]).ok();
    assert_eq!(
        ok.lines().filter(|it| it.starts_with("OK")).count(),
        2,
        "{ok}"
    );
    assert!(ok.contains("supported"), "{ok}");

    de.set_fault(BlitzFault::ServerError);
    let failed = install.ctl(&["panels", "check"]);
    assert_eq!(failed.code, 1, "{failed:?}");
    assert!(failed.stdout.contains("FAIL de-1"), "{failed:?}");
    assert!(
        failed.stdout.contains("fix: check that the panel is up"),
        "{failed:?}"
    );
    assert!(
        failed.stdout.lines().any(|it| it.starts_with("OK   main")),
        "{failed:?}"
    );
    install.ctl(&["panels", "check", "main"]).ok();

    de.set_fault(BlitzFault::None);
    std::fs::write(&file, "rotated-elsewhere\n").unwrap();
    let rejected = install.ctl(&["panels", "check", "de-1"]);
    assert_eq!(rejected.code, 1, "{rejected:?}");
    assert!(rejected.stdout.contains("token rejected"), "{rejected:?}");
    assert!(
        rejected.stdout.contains("ajib-ctl panels edit de-1"),
        "{rejected:?}"
    );

    let missing = install.ctl(&["panels", "check", "nope"]).fails_with(1);
    assert!(missing.contains("no panel named"), "{missing}");
}
