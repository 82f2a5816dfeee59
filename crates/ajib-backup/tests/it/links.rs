//! Root never follows a link the service planted in its own directories.
//!
//! Each test builds an install root in a temp dir (`var/lib/ajib` with the
//! database, `backups/`, `backups/pre-restore/`), plants one link pointing at
//! an `outside` directory, and checks the refusal names the link and that
//! nothing outside changed.

use std::{
    os::unix::fs::{PermissionsExt, symlink},
    path::{Path, PathBuf},
};

use ajib_backup::{Error, RestoreReport, Trust};

use crate::{KNOWN_SCHEMA, approve, db_names, good_archive, limits, make_db, roundtrip::target};

struct Install {
    _tmp: tempfile::TempDir,
    /// `var/lib`: trusted, as root owns it.
    base: PathBuf,
    data: PathBuf,
    outside: PathBuf,
    archive: PathBuf,
}

impl Install {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("var/lib");
        let data = base.join("ajib");
        std::fs::create_dir_all(data.join("backups")).unwrap();
        make_db(&data.join("ajib.db"), &["live"], KNOWN_SCHEMA);
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o755)).unwrap();
        let archive = good_archive(tmp.path(), KNOWN_SCHEMA);
        Self {
            _tmp: tmp,
            base,
            data,
            outside,
            archive,
        }
    }

    fn db(&self) -> PathBuf {
        self.data.join("ajib.db")
    }

    fn safety_dir(&self) -> PathBuf {
        self.data.join("backups/pre-restore")
    }

    fn restore(&self) -> Result<RestoreReport, Error> {
        let verified = ajib_backup::verify_archive(&self.archive, &limits()).unwrap();
        let approved = approve(verified, Trust::SignedOnly).unwrap();
        ajib_backup::restore(
            &approved,
            &target(&self.base, &self.db(), &self.safety_dir()),
        )
    }

    /// Names in `outside`, which must stay as the test left it.
    fn outside_names(&self) -> Vec<String> {
        let mut res: Vec<String> = std::fs::read_dir(&self.outside)
            .unwrap()
            .map(|it| it.unwrap().file_name().into_string().unwrap())
            .collect();
        res.sort();
        res
    }

    fn outside_mode(&self) -> u32 {
        std::fs::metadata(&self.outside)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }
}

fn assert_refused(res: Result<impl std::fmt::Debug, Error>, link: &Path) {
    match res {
        Err(Error::SymlinkRefused { path }) => assert_eq!(path, link),
        other => panic!("expected SymlinkRefused({}), got {other:?}", link.display()),
    }
}

#[test]
fn a_private_dir_that_is_a_link_is_refused_and_its_target_keeps_its_mode() {
    let install = Install::new();
    let backups = install.data.join("backups");
    std::fs::remove_dir(&backups).unwrap();
    symlink(&install.outside, &backups).unwrap();
    let err = ajib_backup::create_private_dir(&backups).unwrap_err();
    assert!(err.to_string().contains("is a symbolic link"), "{err}");
    assert_refused(Err::<(), _>(err), &backups);
    assert_eq!(install.outside_mode(), 0o755, "chmod went through the link");
}

#[test]
fn a_safety_dir_that_is_a_link_is_refused_and_the_live_db_is_untouched() {
    let install = Install::new();
    symlink(&install.outside, install.safety_dir()).unwrap();
    assert_refused(install.restore(), &install.safety_dir());
    assert!(install.outside_names().is_empty());
    assert_eq!(install.outside_mode(), 0o755);
    assert_eq!(db_names(&install.db()), ["live"]);
}

#[test]
fn a_dangling_link_at_the_safety_copy_name_is_not_written_through() {
    let install = Install::new();
    std::fs::create_dir(install.safety_dir()).unwrap();
    // The copy is named after the current second; plant a link for every second the test may span.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for unix in now - 1..now + 30 {
        let stamp: String = ajib_backup::rfc3339_utc(unix)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let name = format!("pre-restore-{}-{}.db", &stamp[..8], &stamp[8..]);
        symlink(
            install.outside.join(&name),
            install.safety_dir().join(&name),
        )
        .unwrap();
    }
    match install.restore() {
        Err(Error::SymlinkRefused { path }) => assert!(path.starts_with(install.safety_dir())),
        other => panic!("expected SymlinkRefused, got {other:?}"),
    }
    assert!(
        install.outside_names().is_empty(),
        "{:?}",
        install.outside_names()
    );
    assert_eq!(db_names(&install.db()), ["live"]);
}

#[test]
fn a_database_that_is_a_link_is_refused_and_its_target_is_untouched() {
    let install = Install::new();
    let elsewhere = install.outside.join("other.db");
    make_db(&elsewhere, &["elsewhere"], KNOWN_SCHEMA);
    std::fs::remove_file(install.db()).unwrap();
    symlink(&elsewhere, install.db()).unwrap();
    assert_refused(install.restore(), &install.db());
    assert_eq!(db_names(&elsewhere), ["elsewhere"]);
    assert!(!install.safety_dir().exists());
}

#[test]
fn a_wal_file_that_is_a_link_is_refused() {
    let install = Install::new();
    let wal = install.data.join("ajib.db-wal");
    let _ = std::fs::remove_file(&wal);
    let before = std::fs::read(install.db()).unwrap();
    symlink(install.outside.join("victim"), &wal).unwrap();
    assert_refused(install.restore(), &wal);
    assert!(install.outside_names().is_empty());
    // Read as bytes: SQLite itself would follow the planted link.
    assert_eq!(std::fs::read(install.db()).unwrap(), before);
}

#[test]
fn a_data_dir_that_is_a_link_is_refused() {
    let install = Install::new();
    let real = install.outside.join("ajib");
    std::fs::rename(&install.data, &real).unwrap();
    symlink(&real, &install.data).unwrap();
    assert_refused(install.restore(), &install.data);
    assert_eq!(db_names(&real.join("ajib.db")), ["live"]);
    assert!(!real.join("backups/pre-restore").exists());
}

#[test]
fn an_archive_that_is_a_link_is_not_opened() {
    let install = Install::new();
    let link = install
        .data
        .join("backups/ajib-backup-20250101-000000.tar.gz");
    symlink(&install.archive, &link).unwrap();
    assert_refused(ajib_backup::verify_archive(&link, &limits()), &link);
}

#[test]
fn checking_stops_at_the_trusted_directory() {
    let tmp = tempfile::tempdir().unwrap();
    // A link above the trusted directory (like /var -> /data/var) is the admin's, not the service's.
    let real = tmp.path().join("real");
    std::fs::create_dir_all(real.join("ajib")).unwrap();
    let base = tmp.path().join("base");
    symlink(&real, &base).unwrap();
    ajib_backup::refuse_links(&base.join("ajib/ajib.db"), &base.join("ajib")).unwrap();
    assert_refused(
        ajib_backup::refuse_links(&base.join("ajib/ajib.db"), &base),
        &base,
    );
}
