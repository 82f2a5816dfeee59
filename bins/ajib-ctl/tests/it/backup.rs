//! Backups through the CLI: create while the DB exists, verify, restore, tampered archives.

use crate::{Install, mode};

/// A signing key for the tests (`BACKUP_SIGNING_KEY`).
const KEY: &str = "7f3c1a9e5b2d8f4c6a0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

const ENV: &str = "# test\nTELEGRAM_BOT_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\nBLITZ_API_KEY=blitz-secret\nDATA_DIR=/var/lib/ajib\nBACKUP_SIGNING_KEY=7f3c1a9e5b2d8f4c6a0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a\n";

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

/// The config without a signing key, as on an install older than signed backups.
fn env_without_key() -> String {
    ENV.lines()
        .filter(|l| !l.starts_with("BACKUP_SIGNING_KEY="))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn an_unsigned_archive_is_restored_only_with_allow_unsigned() {
    let install = Install::new(&env_without_key());
    install.ctl(&["admins", "add", "42"]).ok();
    let out = install.ctl(&["backup", "create"]).ok();
    assert!(out.contains(", unsigned)"), "{out}");
    assert!(out.contains("not signed"), "{out}");
    let archive = created_path(&out);
    let verified = install.ctl(&["backup", "verify", &archive]).ok();
    assert!(verified.contains("not signed"), "{verified}");
    install.ctl(&["admins", "add", "43"]).ok();

    let before = std::fs::read(install.db()).unwrap();
    let err = install
        .ctl(&["backup", "restore", "--yes", &archive])
        .fails_with(1);
    assert!(err.contains("not signed"), "{err}");
    assert!(err.contains("--allow-unsigned"), "{err}");
    assert_eq!(std::fs::read(install.db()).unwrap(), before);

    let out = install
        .ctl(&["backup", "restore", "--yes", "--allow-unsigned", &archive])
        .ok();
    assert!(out.contains("restoring anyway"), "{out}");
    assert_eq!(admins(&install), [42]);
}

#[test]
fn an_archive_signed_with_another_key_is_refused() {
    let install = Install::new(ENV);
    install.ctl(&["admins", "add", "42"]).ok();
    let out = install.ctl(&["backup", "create"]).ok();
    assert!(out.contains(", signed)"), "{out}");
    let archive = created_path(&out);
    let other = ENV.replace(KEY, &"ab".repeat(32));
    std::fs::write(install.env_file(), other).unwrap();
    let before = std::fs::read(install.db()).unwrap();
    let err = install
        .ctl(&["backup", "restore", "--yes", &archive])
        .fails_with(1);
    assert!(err.contains("signed with another key"), "{err}");
    assert_eq!(std::fs::read(install.db()).unwrap(), before);
}

#[test]
fn extra_schema_objects_are_refused_and_the_live_db_is_unchanged() {
    let cases = [
        (
            "CREATE TRIGGER free_money AFTER INSERT ON admins BEGIN SELECT 1; END;",
            "DROP TRIGGER free_money;",
            "trigger \"free_money\"",
        ),
        (
            "CREATE VIEW everything AS SELECT * FROM admins;",
            "DROP VIEW everything;",
            "view \"everything\"",
        ),
        (
            "CREATE TABLE stash (x);",
            "DROP TABLE stash;",
            "table \"stash\"",
        ),
    ];
    for (plant, remove, named) in cases {
        let install = Install::new(ENV);
        install.ctl(&["admins", "add", "42"]).ok();
        let sql = |sql: &str| {
            let conn = rusqlite::Connection::open(install.db()).unwrap();
            conn.execute_batch(sql).unwrap();
        };
        // A signed archive of a database someone added an object to; the live one is clean again.
        sql(plant);
        let archive = created_path(&install.ctl(&["backup", "create"]).ok());
        sql(remove);
        let verify = install.ctl(&["backup", "verify", &archive]).fails_with(1);
        assert!(verify.contains(named), "{verify}");

        let before = std::fs::read(install.db()).unwrap();
        let err = install
            .ctl(&["backup", "restore", "--yes", "--allow-unsigned", &archive])
            .fails_with(1);
        assert!(err.contains(named), "{err}");
        assert!(err.contains("nothing was changed"), "{err}");
        assert_eq!(std::fs::read(install.db()).unwrap(), before);
        assert!(
            !install
                .root()
                .join("var/lib/ajib/backups/pre-restore")
                .exists()
        );
    }
}

/// Links the service could plant: root's backup and restore refuse each, naming it.
mod links {
    use std::{
        os::unix::fs::{PermissionsExt, symlink},
        path::{Path, PathBuf},
    };

    use super::{ENV, admins, created_path};
    use crate::Install;

    /// An install with a database and one backup, and an `outside` dir that must stay untouched.
    fn setup() -> (Install, String, PathBuf) {
        let install = Install::new(ENV);
        install.ctl(&["admins", "add", "42"]).ok();
        let archive = created_path(&install.ctl(&["backup", "create"]).ok());
        // Out of the backups dir, so tests may replace that dir.
        let kept = install.root().join("kept.tar.gz");
        std::fs::copy(&archive, &kept).unwrap();
        let outside = install.root().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o755)).unwrap();
        (install, kept.to_str().unwrap().to_owned(), outside)
    }

    fn data(install: &Install) -> PathBuf {
        install.root().join("var/lib/ajib")
    }

    fn untouched(outside: &Path) {
        let names: Vec<_> = std::fs::read_dir(outside).unwrap().collect();
        assert!(names.is_empty(), "{names:?}");
        let mode = std::fs::metadata(outside).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755);
    }

    fn refused(err: &str, link: &Path) {
        assert!(
            err.contains(&format!("{} is a symbolic link", link.display())),
            "{err}"
        );
    }

    #[test]
    fn a_backups_dir_that_is_a_link_is_refused() {
        let (install, _, outside) = setup();
        let backups = data(&install).join("backups");
        std::fs::remove_dir_all(&backups).unwrap();
        symlink(&outside, &backups).unwrap();
        let err = install.ctl(&["backup", "create"]).fails_with(1);
        refused(&err, &backups);
        untouched(&outside);
    }

    #[test]
    fn a_data_dir_that_is_a_link_is_refused() {
        let (install, archive, outside) = setup();
        let real = install.root().join("real-data");
        std::fs::rename(data(&install), &real).unwrap();
        symlink(&real, data(&install)).unwrap();
        let before = std::fs::read(real.join("ajib.db")).unwrap();
        refused(
            &install.ctl(&["backup", "create"]).fails_with(1),
            &data(&install),
        );
        let err = install
            .ctl(&["backup", "restore", "--yes", &archive])
            .fails_with(1);
        refused(&err, &data(&install));
        assert_eq!(std::fs::read(real.join("ajib.db")).unwrap(), before);
        untouched(&outside);
    }

    #[test]
    fn a_database_that_is_a_link_is_refused_and_its_target_untouched() {
        let (install, archive, outside) = setup();
        let target = outside.join("victim.db");
        std::fs::rename(install.db(), &target).unwrap();
        symlink(&target, install.db()).unwrap();
        let before = std::fs::read(&target).unwrap();
        refused(
            &install.ctl(&["backup", "create"]).fails_with(1),
            &install.db(),
        );
        let err = install
            .ctl(&["backup", "restore", "--yes", &archive])
            .fails_with(1);
        refused(&err, &install.db());
        assert_eq!(std::fs::read(&target).unwrap(), before);
    }

    #[test]
    fn a_dangling_link_for_the_safety_copy_is_not_written_through() {
        let (install, archive, outside) = setup();
        let safety = data(&install).join("backups/pre-restore");
        symlink(outside.join("pre-restore"), &safety).unwrap();
        let before = std::fs::read(install.db()).unwrap();
        let err = install
            .ctl(&["backup", "restore", "--yes", &archive])
            .fails_with(1);
        refused(&err, &safety);
        untouched(&outside);
        assert_eq!(std::fs::read(install.db()).unwrap(), before);
        assert_eq!(admins(&install), [42]);
    }

    #[test]
    fn a_config_file_that_is_a_link_is_not_read() {
        let (install, _, outside) = setup();
        let secret = outside.join("shadow");
        std::fs::write(&secret, "root:$6$secret-hash:19000:0:99999:7:::\n").unwrap();
        let real = install.root().join("real.env");
        std::fs::rename(install.env_file(), &real).unwrap();
        symlink(&secret, install.env_file()).unwrap();
        let err = install
            .ctl(&["backup", "create", "--include-secrets"])
            .fails_with(1);
        refused(&err, &install.env_file());
        assert!(!err.contains("secret-hash"), "{err}");
    }
}
