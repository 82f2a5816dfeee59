//! Create → verify → restore, listing and pruning.

use std::os::unix::fs::PermissionsExt;

use std::path::Path;

use ajib_backup::{Authenticity, RestoreTarget, Trust};

use crate::{KNOWN_SCHEMA, approve, db_names, good_archive, limits, make_db};

/// Restores into `db_path`, trusting `base` and keeping the safety copy in `safety_dir`.
pub fn target(base: &Path, db_path: &Path, safety_dir: &Path) -> RestoreTarget {
    RestoreTarget {
        db_path: db_path.to_owned(),
        safety_dir: safety_dir.to_owned(),
        trusted: base.to_owned(),
        owner: None,
    }
}

#[test]
fn create_verify_restore_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = good_archive(tmp.path(), KNOWN_SCHEMA);
    assert_eq!(mode(&archive), 0o600);

    let verified = ajib_backup::verify_archive(&archive, &limits()).unwrap();
    let manifest = verified.manifest();
    assert_eq!(manifest.format_version, ajib_backup::FORMAT_VERSION);
    assert_eq!(manifest.schema_version, KNOWN_SCHEMA);
    assert_eq!(manifest.created_at, "2024-12-31T23:59:59Z");
    assert_eq!(manifest.host, "test-host");
    assert!(!manifest.secrets_included);
    let names: Vec<&str> = manifest.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["ajib.db", "ajib.env", "plans.json"]);
    let env = std::fs::read_to_string(verified.env_path().unwrap()).unwrap();
    assert_eq!(env, "# AJIB\nTELEGRAM_BOT_TOKEN=***\nLOG_LEVEL=info\n");
    assert!(verified.plans_path().is_some());
    let approved = approve(verified, Trust::SignedOnly).unwrap();
    assert_eq!(*approved.authenticity(), Authenticity::Signed);

    let live_dir = tmp.path().join("live");
    std::fs::create_dir(&live_dir).unwrap();
    let live = live_dir.join("ajib.db");
    make_db(&live, &["carol"], KNOWN_SCHEMA);
    let stale_wal = live_dir.join("ajib.db-wal");
    std::fs::write(&stale_wal, b"stale").unwrap();
    let safety_dir = tmp.path().join("safety");

    let report = ajib_backup::restore(&approved, &target(tmp.path(), &live, &safety_dir)).unwrap();
    assert_eq!(db_names(&live), ["alice", "bob"]);
    assert_eq!(mode(&live), 0o600);
    let safety = report.safety_copy.unwrap();
    assert!(safety.starts_with(&safety_dir));
    assert_eq!(mode(&safety), 0o600);
    assert_eq!(db_names(&safety), ["carol"]);
    assert_eq!(report.schema_version, KNOWN_SCHEMA);
}

#[test]
fn restore_without_a_current_database() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = good_archive(tmp.path(), KNOWN_SCHEMA);
    let verified = ajib_backup::verify_archive(&archive, &limits()).unwrap();
    let approved = approve(verified, Trust::SignedOnly).unwrap();
    let live = tmp.path().join("fresh.db");
    let safety = tmp.path().join("safety");
    let report = ajib_backup::restore(&approved, &target(tmp.path(), &live, &safety)).unwrap();
    assert_eq!(report.safety_copy, None);
    assert_eq!(db_names(&live), ["alice", "bob"]);
}

#[test]
fn secrets_kept_when_asked() {
    let env = ajib_backup::EnvPart::with_secrets("TELEGRAM_BOT_TOKEN=1:x\n");
    assert!(env.secrets_included());
    assert_eq!(env.text(), "TELEGRAM_BOT_TOKEN=1:x\n");
}

#[test]
fn list_newest_first_and_prune() {
    let tmp = tempfile::tempdir().unwrap();
    for unix in [1_000, 3_000, 2_000] {
        std::fs::write(tmp.path().join(ajib_backup::backup_file_name(unix)), b"x").unwrap();
    }
    std::fs::write(tmp.path().join("unrelated.tar.gz"), b"x").unwrap();
    let names = |dir: &std::path::Path| -> Vec<String> {
        ajib_backup::list_backups(dir)
            .unwrap()
            .into_iter()
            .map(|e| e.file_name)
            .collect()
    };
    assert_eq!(
        names(tmp.path()),
        [
            "ajib-backup-19700101-005000.tar.gz",
            "ajib-backup-19700101-003320.tar.gz",
            "ajib-backup-19700101-001640.tar.gz"
        ]
    );
    let removed = ajib_backup::prune(tmp.path(), 2).unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(names(tmp.path()).len(), 2);
    assert!(tmp.path().join("unrelated.tar.gz").exists());
    assert!(ajib_backup::prune(tmp.path(), 0).unwrap().is_empty());
    assert!(
        ajib_backup::list_backups(&tmp.path().join("missing"))
            .unwrap()
            .is_empty()
    );
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_db_copy_in_scratch_becomes_a_verified_archive_and_the_scratch_goes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ajib_backup::unused_archive_path(tmp.path(), 1_735_689_599);
    std::fs::write(&out, b"an older backup of the same second").unwrap();
    let out = ajib_backup::unused_archive_path(tmp.path(), 1_735_689_599);
    assert!(
        out.ends_with("ajib-backup-20241231-235959-2.tar.gz"),
        "{out:?}"
    );
    let scratch = ajib_backup::scratch_beside(&out).unwrap();
    make_db(&scratch.db_path(), &["dave"], KNOWN_SCHEMA);
    let extras = ajib_backup::Extras {
        env: Some(ajib_backup::EnvPart::redacted("BLITZ_API_KEY=k\n", &|k| {
            k == "BLITZ_API_KEY"
        })),
        plans_json: Some(b"[]".to_vec()),
        app_version: "0.1.0".to_owned(),
        created_unix: 1_735_689_599,
        signing_key: None,
        owner: None,
    };
    let info = ajib_backup::archive_db_copy(&out, scratch, extras).unwrap();
    assert_eq!(info.manifest.schema_version, KNOWN_SCHEMA);
    assert!(!info.signed);
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|it| it.unwrap().file_name().into_string().unwrap())
        .filter(|it| it.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "scratch left behind: {left:?}");
    let verified = ajib_backup::verify_archive(&out, &limits()).unwrap();
    assert_eq!(db_names(&verified.db_path()), ["dave"]);
    assert_eq!(
        verified.authenticity(Some(&crate::key())),
        Authenticity::Unsigned
    );
    let env = std::fs::read_to_string(verified.env_path().unwrap()).unwrap();
    assert_eq!(env, "BLITZ_API_KEY=***\n");
}
