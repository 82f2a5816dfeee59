//! `config get|set|unset|list` round trips, exit codes, masking and file modes.

use crate::{Install, TOKEN, mode};

const ENV: &str = "# AJIB test config\n\n# Telegram\nTELEGRAM_BOT_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\nTELEGRAM_ADMIN_IDS=42\n\n# Blitz\nBLITZ_API_BASE=https://panel.example/api/v1\nBLITZ_API_KEY=blitz-secret\nDATA_DIR=/var/lib/ajib\n";

fn check_set(key: &str, value: &str, expected_file: &str) {
    let install = Install::new(ENV);
    install.ctl(&["config", "set", key, value]).ok();
    assert_eq!(
        std::fs::read_to_string(install.env_file()).unwrap(),
        expected_file
    );
    assert_eq!(mode(&install.env_file()), 0o600);
}

#[test]
fn set_existing_key_keeps_comments_and_order() {
    check_set(
        "BLITZ_API_BASE",
        "https://other.example/api",
        &ENV.replace("https://panel.example/api/v1", "https://other.example/api"),
    );
}

#[test]
fn set_new_key_appends() {
    check_set("LOG_LEVEL", "debug", &format!("{ENV}LOG_LEVEL=debug\n"));
}

#[test]
fn secrets_are_masked_unless_revealed() {
    let install = Install::new(ENV);
    assert_eq!(
        install.ctl(&["config", "get", "BLITZ_API_KEY"]).ok(),
        "***\n"
    );
    assert_eq!(
        install
            .ctl(&["config", "get", "BLITZ_API_KEY", "--reveal"])
            .ok(),
        "blitz-secret\n"
    );
    let list = install.ctl(&["config", "list"]).ok();
    assert!(list.contains("TELEGRAM_BOT_TOKEN=***"), "{list}");
    assert!(
        !list.contains("blitz-secret") && !list.contains(TOKEN),
        "{list}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&install.ctl(&["config", "list", "--json"]).ok()).unwrap();
    assert_eq!(json["BLITZ_API_KEY"], "***");
    assert_eq!(json["BLITZ_API_BASE"], "https://panel.example/api/v1");
    let set = install
        .ctl(&["config", "set", "BLITZ_API_KEY", "new-secret"])
        .ok();
    assert!(!set.contains("new-secret"), "{set}");
}

#[test]
fn set_from_stdin_and_unset() {
    let install = Install::new(ENV);
    install
        .ctl_stdin(&["config", "set", "HELEKET_API_KEY"], "from-stdin\n")
        .ok();
    assert_eq!(
        install
            .ctl(&["config", "get", "HELEKET_API_KEY", "--reveal"])
            .ok(),
        "from-stdin\n"
    );
    install.ctl(&["config", "unset", "HELEKET_API_KEY"]).ok();
    assert_eq!(std::fs::read_to_string(install.env_file()).unwrap(), ENV);
    install
        .ctl(&["config", "unset", "HELEKET_API_KEY"])
        .fails_with(1);
}

#[test]
fn invalid_value_is_refused_and_file_untouched() {
    let install = Install::new(ENV);
    let err = install
        .ctl(&["config", "set", "TELEGRAM_BOT_TOKEN", "nonsense"])
        .fails_with(1);
    assert!(err.contains("TELEGRAM_BOT_TOKEN"), "{err}");
    assert!(
        !err.contains("nonsense") || err.contains("invalid"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(install.env_file()).unwrap(), ENV);
}

#[test]
fn unknown_variable_is_a_usage_error() {
    let install = Install::new(ENV);
    install
        .ctl(&["config", "set", "NO_SUCH_THING", "1"])
        .fails_with(2);
}

#[test]
fn bad_arguments_exit_2() {
    let install = Install::new(ENV);
    install.ctl(&["config", "frobnicate"]).fails_with(2);
    install.ctl(&["--help"]).ok();
}

#[test]
fn not_installed_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(crate::ctl_bin());
    cmd.arg("--root").arg(dir.path()).args(["config", "list"]);
    let err = crate::run_with_stdin(cmd, "").fails_with(3);
    assert!(err.contains("not installed"), "{err}");
}

#[test]
fn service_commands_without_systemd_exit_3() {
    let install = Install::new(ENV);
    install.ctl(&["restart"]).fails_with(3);
}

#[test]
fn version_and_status() {
    let install = Install::new(ENV);
    assert!(install.ctl(&["version"]).ok().starts_with("ajib-ctl "));
    let status: serde_json::Value =
        serde_json::from_str(&install.ctl(&["status", "--json"]).ok()).unwrap();
    assert_eq!(status["database_bytes"], serde_json::Value::Null);
    assert_eq!(status["service"]["active"], "unknown");
}
