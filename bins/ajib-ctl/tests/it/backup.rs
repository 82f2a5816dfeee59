//! Backups through the CLI: create while the DB exists, verify, restore, tampered archives.

use crate::{Install, mode};

const ENV: &str = "# test\nTELEGRAM_BOT_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\nBLITZ_API_KEY=blitz-secret\nDATA_DIR=/var/lib/ajib\n";

fn admins(install: &Install) -> Vec<i64> {
    let json: serde_json::Value =
        serde_json::from_str(&install.ctl(&["admins", "list", "--json"]).ok()).unwrap();
    json["database"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

fn created_path(stdout: &str) -> String {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("backup written: "))
        .unwrap();
    line.trim_start_matches("backup written: ")
        .split(" (")
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn create_verify_restore_round_trip() {
    let install = Install::new(ENV);
    install.ctl(&["admins", "add", "42"]).ok();
    install
        .ctl(&[
            "plans", "add", "--name", "Month", "--price", "5.00", "--days", "30",
        ])
        .ok();
    let archive = created_path(&install.ctl(&["backup", "create"]).ok());
    assert_eq!(mode(std::path::Path::new(&archive)), 0o600);
    let listed = install.ctl(&["backup", "list"]).ok();
    assert!(listed.contains(&archive), "{listed}");

    let manifest: serde_json::Value =
        serde_json::from_str(&install.ctl(&["backup", "verify", &archive, "--json"]).ok()).unwrap();
    assert_eq!(manifest["secrets_included"], false);
    let names: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ajib.db", "ajib.env", "plans.json"]);

    install.ctl(&["admins", "add", "43"]).ok();
    assert_eq!(admins(&install), [42, 43]);
    let out = install.ctl(&["backup", "restore", "--yes", &archive]).ok();
    assert!(out.contains("previous database saved to"), "{out}");
    assert_eq!(admins(&install), [42]);
    let plans = install.ctl(&["plans", "list"]).ok();
    assert!(plans.contains("Month"), "{plans}");
}

#[test]
fn tampered_archive_is_refused_and_db_untouched() {
    let install = Install::new(ENV);
    install.ctl(&["admins", "add", "42"]).ok();
    let archive = created_path(&install.ctl(&["backup", "create"]).ok());
    let mut bytes = std::fs::read(&archive).unwrap();
    let idx = bytes.len() / 2;
    bytes[idx] ^= 0xff;
    let bad = install.root().join("bad.tar.gz");
    std::fs::write(&bad, &bytes).unwrap();

    let before = std::fs::read(install.db()).unwrap();
    let err = install
        .ctl(&["backup", "restore", "--yes", bad.to_str().unwrap()])
        .fails_with(1);
    assert!(err.contains("failed verification"), "{err}");
    assert_eq!(std::fs::read(install.db()).unwrap(), before);
    install
        .ctl(&["backup", "verify", bad.to_str().unwrap()])
        .fails_with(1);
}

#[test]
fn restore_needs_confirmation() {
    let install = Install::new(ENV);
    install.ctl(&["admins", "add", "42"]).ok();
    let archive = created_path(&install.ctl(&["backup", "create"]).ok());
    install.ctl(&["admins", "add", "43"]).ok();
    install
        .ctl_stdin(&["backup", "restore", &archive], "no\n")
        .fails_with(1);
    assert_eq!(admins(&install), [42, 43]);
}

#[test]
fn backup_without_database_explains() {
    let install = Install::new(ENV);
    let err = install.ctl(&["backup", "create"]).fails_with(1);
    assert!(err.contains("no database at"), "{err}");
}

#[test]
fn include_secrets_is_explicit() {
    let install = Install::new(ENV);
    install.ctl(&["admins", "add", "42"]).ok();
    let out = install.ctl(&["backup", "create", "--include-secrets"]).ok();
    assert!(out.contains("contains secrets"), "{out}");
    let manifest: serde_json::Value = serde_json::from_str(
        &install
            .ctl(&["backup", "verify", &created_path(&out), "--json"])
            .ok(),
    )
    .unwrap();
    assert_eq!(manifest["secrets_included"], true);
}

#[test]
fn plans_import_old_format() {
    let install = Install::new(ENV);
    let file = install.root().join("plans.json");
    std::fs::write(&file, r#"{"plans":[{"title":"Month","price":5,"duration_days":30,"data_limit_gb":50},{"name":"Year","price":"40.00","days":365}]}"#).unwrap();
    install
        .ctl(&["plans", "import", file.to_str().unwrap()])
        .ok();
    let json: serde_json::Value =
        serde_json::from_str(&install.ctl(&["plans", "list", "--json"]).ok()).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Month", "Year"]);
    install.ctl(&["plans", "disable", "1"]).ok();
    let list = install.ctl(&["plans", "list"]).ok();
    assert!(list.contains("disabled"), "{list}");
}
