//! The deploy scripts: install twice into a temp root, signed releases, secrets, update with
//! rollback, uninstall, shellcheck, unit checks.

use std::{
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
};

use crate::{Run, TOKEN, mode, repo_root, run_with_stdin};

const BLITZ_KEY: &str = "blitz-key-0f1e2d3c4b5a";
const HELEKET_KEY: &str = "heleket-key-a5b4c3d2e1f0";

/// A release signing key made for this test process.
struct TestKey {
    /// Kept for the process's lifetime (under the target dir's tmp).
    _dir: tempfile::TempDir,
    private: PathBuf,
    public: PathBuf,
}

fn test_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let (private, public) = make_key(dir.path(), "test");
        TestKey {
            _dir: dir,
            private,
            public,
        }
    })
}

/// An ed25519 key pair made with openssl, as `cargo xtask keygen` or `openssl genpkey` would.
fn make_key(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let private = dir.join(format!("{name}.pem"));
    let public = dir.join(format!("{name}.pub.pem"));
    let made = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&private)
        .status()
        .expect("openssl is needed (install.sh verifies releases with it)");
    assert!(made.success());
    let out = Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&private)
        .arg("-out")
        .arg(&public)
        .status()
        .unwrap();
    assert!(out.success());
    (private, public)
}

/// Writes `dir/SHA256SUMS` over `files` (relative to `dir`) and, with a key, `dir/SHA256SUMS.sig`.
fn sign_release(dir: &Path, files: &[String], key: Option<&Path>) {
    let sums = Command::new("sha256sum")
        .current_dir(dir)
        .args(files)
        .output()
        .unwrap();
    assert!(sums.status.success());
    std::fs::write(dir.join("SHA256SUMS"), sums.stdout).unwrap();
    let _ = std::fs::remove_file(dir.join("SHA256SUMS.sig"));
    if let Some(key) = key {
        let signed = Command::new("openssl")
            .args(["pkeyutl", "-sign", "-rawin", "-inkey"])
            .arg(key)
            .arg("-in")
            .arg(dir.join("SHA256SUMS"))
            .arg("-out")
            .arg(dir.join("SHA256SUMS.sig"))
            .status()
            .unwrap();
        assert!(signed.success());
    }
}

/// Relative paths of every file under `base/dir`, sorted.
fn files_under(base: &Path, dir: &str) -> Vec<String> {
    let out = Command::new("find")
        .current_dir(base)
        .args([dir, "-type", "f"])
        .output()
        .unwrap();
    let mut files: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    files.sort();
    files
}

/// A fake unpacked release in `dir`: real ajib-ctl, a shell-script ajib-bot, and deploy/,
/// with `SHA256SUMS` and `SHA256SUMS.sig` (the test key) beside it, as `cargo xtask dist` lays them out.
fn fake_dist(dir: &Path, bot_script: &str) -> PathBuf {
    let dist = unsigned_dist(dir, bot_script);
    sign_release(
        dir,
        &files_under(dir, "ajib-0.0.0-test"),
        Some(&test_key().private),
    );
    dist
}

fn unsigned_dist(dir: &Path, bot_script: &str) -> PathBuf {
    let dist = dir.join("ajib-0.0.0-test");
    std::fs::create_dir_all(dist.join("deploy")).unwrap();
    for script in [
        "install.sh",
        "update.sh",
        "uninstall.sh",
        "ajib-bot.service",
    ] {
        std::fs::copy(
            repo_root().join("deploy").join(script),
            dist.join("deploy").join(script),
        )
        .unwrap();
    }
    std::fs::copy(crate::ctl_bin(), dist.join("ajib-ctl")).unwrap();
    std::fs::write(dist.join("ajib-bot"), bot_script).unwrap();
    std::fs::set_permissions(
        dist.join("ajib-bot"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    dist
}

/// install.sh into `root`, trusting the test key, with no secret in the environment.
fn install_cmd(dist: &Path, root: &Path) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg(dist.join("deploy/install.sh"))
        .arg("--root")
        .arg(root)
        .args(["--no-systemd", "--yes"])
        .env("AJIB_RELEASE_PUBKEY_FILE", &test_key().public);
    for key in [
        "TELEGRAM_BOT_TOKEN",
        "BLITZ_API_KEY",
        "HELEKET_API_KEY",
        "TELEGRAM_ADMIN_IDS",
        "BLITZ_API_BASE",
        "HELEKET_MERCHANT_ID",
        "PUBLIC_URL",
    ] {
        cmd.env_remove(key);
    }
    cmd
}

/// A complete install: the token and keys come from the environment.
fn install(dist: &Path, root: &Path, token: &str) -> String {
    let mut cmd = install_cmd(dist, root);
    cmd.args(["--admin-ids", "42"])
        .args(["--blitz-url", "https://panel.example/api/v1"])
        .args(["--heleket-merchant", "m-1"])
        .env("TELEGRAM_BOT_TOKEN", token)
        .env("BLITZ_API_KEY", "bk")
        .env("HELEKET_API_KEY", "hk");
    run_with_stdin(cmd, "").ok()
}

fn env_value(root: &Path, key: &str) -> String {
    let text = std::fs::read_to_string(root.join("etc/ajib/ajib.env")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or("")
        .to_owned()
}

#[test]
fn install_twice_is_idempotent_with_right_modes() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\necho old\n");
    let root = tmp.path().join("root");
    let out = install(&dist, &root, TOKEN);
    assert!(out.contains("signed by the AJIB release key"), "{out}");
    let env_before = std::fs::read_to_string(root.join("etc/ajib/ajib.env")).unwrap();
    assert_eq!(env_value(&root, "TELEGRAM_BOT_TOKEN"), TOKEN);
    assert_eq!(env_value(&root, "HELEKET_MERCHANT_ID"), "m-1");
    let signing_key = env_value(&root, "BACKUP_SIGNING_KEY");
    assert_eq!(signing_key.len(), 64, "{signing_key}");
    assert!(
        signing_key.bytes().all(|b| b.is_ascii_hexdigit()),
        "{signing_key}"
    );

    let out = install(&dist, &root, "987654321:BBBBBBBBBBBBBBBBBBBBBBBB");
    assert!(out.contains("keeping existing values"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("etc/ajib/ajib.env")).unwrap(),
        env_before,
        "a second install keeps every value, BACKUP_SIGNING_KEY too"
    );

    assert_eq!(mode(&root.join("etc/ajib/ajib.env")), 0o640);
    assert_eq!(mode(&root.join("etc/ajib")), 0o750);
    assert_eq!(mode(&root.join("var/lib/ajib")), 0o700);
    assert_eq!(mode(&root.join("var/lib/ajib/backups")), 0o700);
    assert_eq!(mode(&root.join("opt/ajib/bin/ajib-bot")), 0o755);
    assert!(root.join("etc/systemd/system/ajib-bot.service").is_file());
    let link = std::fs::read_link(root.join("usr/local/bin/ajib-ctl")).unwrap();
    assert_eq!(link, Path::new("/opt/ajib/bin/ajib-ctl"));
    // update.sh checks later releases against the key this one was checked with.
    assert_eq!(
        std::fs::read_to_string(root.join("opt/ajib/release-key.pem")).unwrap(),
        std::fs::read_to_string(&test_key().public).unwrap()
    );

    // The installed ajib-ctl reads what install.sh wrote, secrets masked.
    for key in ["TELEGRAM_BOT_TOKEN", "BACKUP_SIGNING_KEY"] {
        let ctl = Command::new(root.join("opt/ajib/bin/ajib-ctl"))
            .arg("--root")
            .arg(&root)
            .args(["config", "get", key])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&ctl.stdout), "***\n", "{key}");
    }
    // ajib-ctl keeps the file's mode when it rewrites it.
    let ctl = Command::new(root.join("opt/ajib/bin/ajib-ctl"))
        .arg("--root")
        .arg(&root)
        .args(["config", "set", "LOG_LEVEL", "debug"])
        .status()
        .unwrap();
    assert!(ctl.success());
    assert_eq!(env_value(&root, "LOG_LEVEL"), "debug");
    assert_eq!(mode(&root.join("etc/ajib/ajib.env")), 0o640);
}

/// Asserts install.sh refused (exit 1) with `why` in its message and installed nothing.
fn assert_refused(run: &Run, root: &Path, why: &str) {
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains(why), "{run:?}");
    assert!(!root.join("opt/ajib").exists(), "refused, yet installed");
    assert!(!root.join("etc/ajib").exists(), "refused, yet installed");
}

#[test]
fn install_refuses_a_tampered_release() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");
    std::fs::write(dist.join("ajib-bot"), "#!/bin/sh\necho tampered\n").unwrap();
    let run = run_with_stdin(install_cmd(&dist, &root), "");
    assert_refused(&run, &root, "checksums do not match");

    // Fixing SHA256SUMS to match breaks its signature.
    let sums = std::fs::read_to_string(tmp.path().join("SHA256SUMS")).unwrap();
    let fixed = Command::new("sha256sum")
        .current_dir(tmp.path())
        .arg("ajib-0.0.0-test/ajib-bot")
        .output()
        .unwrap();
    let fixed = String::from_utf8(fixed.stdout).unwrap();
    let sums: String = sums
        .lines()
        .map(|l| match l.ends_with("  ajib-0.0.0-test/ajib-bot") {
            true => fixed.clone(),
            false => format!("{l}\n"),
        })
        .collect();
    std::fs::write(tmp.path().join("SHA256SUMS"), sums).unwrap();
    let run = run_with_stdin(install_cmd(&dist, &root), "");
    assert_refused(&run, &root, "not a valid signature");

    // A signature by another key is no better.
    let other = make_key(tmp.path(), "other");
    sign_release(
        tmp.path(),
        &files_under(tmp.path(), "ajib-0.0.0-test"),
        Some(&other.0),
    );
    let run = run_with_stdin(install_cmd(&dist, &root), "");
    assert_refused(&run, &root, "not a valid signature");
}

#[test]
fn install_refuses_files_the_release_does_not_list() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");
    std::fs::write(dist.join("deploy/extra.sh"), "#!/bin/sh\n").unwrap();
    let run = run_with_stdin(install_cmd(&dist, &root), "");
    assert_refused(&run, &root, "differ from the list in SHA256SUMS");
}

#[test]
fn install_refuses_a_release_without_sha256sums_or_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");

    std::fs::remove_file(tmp.path().join("SHA256SUMS.sig")).unwrap();
    let run = run_with_stdin(install_cmd(&dist, &root), "");
    assert_refused(&run, &root, "no SHA256SUMS.sig");
    assert!(run.stderr.contains("--allow-unsigned"), "{run:?}");

    std::fs::remove_file(tmp.path().join("SHA256SUMS")).unwrap();
    let run = run_with_stdin(install_cmd(&dist, &root), "");
    assert_refused(&run, &root, "no SHA256SUMS");

    // A local build installs with the explicit escape, loudly.
    let mut cmd = install_cmd(&dist, &root);
    cmd.arg("--allow-unsigned");
    let run = run_with_stdin(cmd, "");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("WARNING") && run.stderr.contains("UNVERIFIED"),
        "{run:?}"
    );
    assert!(root.join("opt/ajib/bin/ajib-bot").is_file());
}

#[test]
fn secret_flags_are_refused_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");
    let secret = "123456789:SECRETSECRETSECRETSECRET";
    for (args, hint, var) in [
        (
            vec!["--token", secret],
            "--token-file",
            "TELEGRAM_BOT_TOKEN",
        ),
        (
            vec!["--token=123456789:SECRETSECRETSECRETSECRET"],
            "--token-file",
            "TELEGRAM_BOT_TOKEN",
        ),
        (
            vec!["--blitz-key", secret],
            "--blitz-key-file",
            "BLITZ_API_KEY",
        ),
        (
            vec!["--heleket-key", secret],
            "--heleket-key-file",
            "HELEKET_API_KEY",
        ),
    ] {
        let mut cmd = install_cmd(&dist, &root);
        cmd.args(&args);
        let run = run_with_stdin(cmd, "");
        assert_refused(&run, &root, hint);
        assert!(run.stderr.contains(var), "{args:?}: {run:?}");
        assert!(
            !run.stderr.contains("SECRET") && !run.stdout.contains("SECRET"),
            "{args:?}: {run:?}"
        );
    }
    // A mistyped flag with a value is named without its value.
    let mut cmd = install_cmd(&dist, &root);
    cmd.arg("--tokn=123456789:SECRETSECRETSECRETSECRET");
    let run = run_with_stdin(cmd, "");
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("unknown option --tokn"), "{run:?}");
    assert!(
        !run.stderr.contains("SECRET") && !run.stdout.contains("SECRET"),
        "{run:?}"
    );
}

#[test]
fn secrets_from_files_and_environment_reach_only_the_env_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");
    let secrets = tmp.path().join("secrets");
    std::fs::create_dir(&secrets).unwrap();
    std::fs::write(secrets.join("blitz"), format!("{BLITZ_KEY}\n")).unwrap();
    std::fs::write(secrets.join("heleket"), HELEKET_KEY).unwrap();
    std::fs::write(secrets.join("empty"), "").unwrap();

    // An unreadable or empty file is refused by name, and nothing is installed.
    let mut cmd = install_cmd(&dist, &root);
    cmd.arg("--blitz-key-file").arg(secrets.join("empty"));
    assert_refused(&run_with_stdin(cmd, ""), &root, "is empty");
    let mut cmd = install_cmd(&dist, &root);
    cmd.arg("--token-file").arg(secrets.join("missing"));
    assert_refused(&run_with_stdin(cmd, ""), &root, "--token-file: cannot read");

    let mut cmd = install_cmd(&dist, &root);
    cmd.env("TELEGRAM_BOT_TOKEN", TOKEN)
        .args([
            "--admin-ids",
            "42",
            "--blitz-url",
            "https://panel.example/api/v1",
        ])
        .arg("--blitz-key-file")
        .arg(secrets.join("blitz"))
        .args(["--heleket-merchant", "m-1"])
        .arg("--heleket-key-file")
        .arg(secrets.join("heleket"));
    let run = run_with_stdin(cmd, "");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(env_value(&root, "TELEGRAM_BOT_TOKEN"), TOKEN);
    assert_eq!(env_value(&root, "BLITZ_API_KEY"), BLITZ_KEY);
    assert_eq!(env_value(&root, "HELEKET_API_KEY"), HELEKET_KEY);
    let signing_key = env_value(&root, "BACKUP_SIGNING_KEY");
    for secret in [TOKEN, BLITZ_KEY, HELEKET_KEY, signing_key.as_str()] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "a secret was printed: {run:?}"
        );
    }
    assert!(!run.stdout.contains("Still to set"), "{run:?}");
}

fn update(root: &Path, tarball: &Path) -> Run {
    update_with(root, tarball, &[])
}

fn update_with(root: &Path, tarball: &Path, extra: &[&str]) -> Run {
    let mut cmd = Command::new("bash");
    let health = format!("{}/opt/ajib/bin/ajib-bot health", root.display());
    cmd.arg(root.join("opt/ajib/scripts/update.sh"))
        .arg("--root")
        .arg(root)
        .args(["--health-cmd", &health, "--timeout", "2"])
        .args(extra)
        .arg(tarball)
        // The installed release-key.pem is the trusted key.
        .env_remove("AJIB_RELEASE_PUBKEY_FILE");
    run_with_stdin(cmd, "")
}

/// A signed release tarball in `dir/release/`, with SHA256SUMS and SHA256SUMS.sig beside it.
fn tarball(dir: &Path, bot_script: &str) -> PathBuf {
    let new_dir = dir.join("new");
    let dist = unsigned_dist(&new_dir, bot_script);
    let release = dir.join("release");
    std::fs::create_dir_all(&release).unwrap();
    let name = "ajib-0.0.1-test.tar.gz";
    let status = Command::new("tar")
        .current_dir(&new_dir)
        .arg("-czf")
        .arg(release.join(name))
        .arg(dist.file_name().unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    sign_release(&release, &[name.to_owned()], Some(&test_key().private));
    release.join(name)
}

#[test]
fn update_with_broken_binary_rolls_back() {
    let tmp = tempfile::tempdir().unwrap();
    let old_bot = "#!/bin/sh\nexit 0\n";
    let dist = fake_dist(tmp.path(), old_bot);
    let root = tmp.path().join("root");
    install(&dist, &root, TOKEN);
    let admin = Command::new(root.join("opt/ajib/bin/ajib-ctl"))
        .arg("--root")
        .arg(&root)
        .args(["admins", "add", "42"])
        .status()
        .unwrap();
    assert!(admin.success());

    let broken = tarball(tmp.path(), "#!/bin/sh\nexit 1\n");
    let run = update(&root, &broken);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("rolling back"), "{run:?}");
    assert_eq!(
        std::fs::read_to_string(root.join("opt/ajib/bin/ajib-bot")).unwrap(),
        old_bot
    );
    assert!(!root.join("opt/ajib/bin/ajib-bot.prev").exists());
    assert_eq!(
        ajib_backup::list_backups(&root.join("var/lib/ajib/backups"))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn update_with_healthy_binary_swaps() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");
    install(&dist, &root, TOKEN);
    let new_bot = "#!/bin/sh\n# new\nexit 0\n";
    let run = update(&root, &tarball(tmp.path(), new_bot));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("signed by the AJIB release key"),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("opt/ajib/bin/ajib-bot")).unwrap(),
        new_bot
    );
}

#[test]
fn update_refuses_tampered_unsigned_or_foreign_releases() {
    let tmp = tempfile::tempdir().unwrap();
    let old_bot = "#!/bin/sh\nexit 0\n";
    let dist = fake_dist(tmp.path(), old_bot);
    let root = tmp.path().join("root");
    install(&dist, &root, TOKEN);
    let good = tarball(tmp.path(), "#!/bin/sh\n# new\nexit 0\n");
    let release = good.parent().unwrap().to_owned();
    let unchanged = |run: &Run, why: &str| {
        assert_eq!(run.code, 1, "{run:?}");
        assert!(run.stderr.contains(why), "{run:?}");
        assert_eq!(
            std::fs::read_to_string(root.join("opt/ajib/bin/ajib-bot")).unwrap(),
            old_bot
        );
    };

    // Another tarball under the signed name.
    let original = std::fs::read(&good).unwrap();
    let mut tampered = original.clone();
    tampered.extend_from_slice(b"\0");
    std::fs::write(&good, &tampered).unwrap();
    unchanged(&update(&root, &good), "checksums do not match");
    std::fs::write(&good, &original).unwrap();

    // Signed by a key the install does not trust.
    let other = make_key(tmp.path(), "other");
    sign_release(
        &release,
        &["ajib-0.0.1-test.tar.gz".to_owned()],
        Some(&other.0),
    );
    unchanged(&update(&root, &good), "not a valid signature");

    // Unsigned, then without SHA256SUMS at all.
    std::fs::remove_file(release.join("SHA256SUMS.sig")).unwrap();
    unchanged(&update(&root, &good), "no SHA256SUMS.sig");
    std::fs::remove_file(release.join("SHA256SUMS")).unwrap();
    unchanged(&update(&root, &good), "no SHA256SUMS");

    // A local build goes in with the explicit escape, loudly.
    let run = update_with(&root, &good, &["--allow-unsigned"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("WARNING"), "{run:?}");
}

#[test]
fn uninstall_keeps_backups_and_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");
    install(&dist, &root, TOKEN);
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("opt/ajib/scripts/uninstall.sh"))
        .arg("--root")
        .arg(&root)
        .arg("--yes");
    let out = run_with_stdin(cmd, "").ok();
    assert!(out.contains("backups kept"), "{out}");
    assert!(!root.join("opt/ajib").exists());
    assert!(root.join("etc/ajib/ajib.env").exists());
    assert!(root.join("var/lib/ajib/backups").exists());
}

#[test]
fn uninstall_purge_leaves_nothing_to_a_deleted_uid() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");
    install(&dist, &root, TOKEN);
    let backups = root.join("var/lib/ajib/backups");
    std::fs::create_dir_all(backups.join("pre-restore")).unwrap();
    std::fs::write(
        backups.join("ajib-backup-20250101-000000.tar.gz"),
        b"archive",
    )
    .unwrap();
    std::fs::write(backups.join("pre-restore/pre-restore-1.db"), b"db").unwrap();
    std::fs::write(root.join("var/lib/ajib/ajib.db"), b"db").unwrap();
    // A link the service could have planted: purge must remove it, not what it points at.
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("keep-me"), b"x").unwrap();
    std::os::unix::fs::symlink(&outside, backups.join("planted")).unwrap();
    let as_root = crate::euid() == Some(0);
    if as_root {
        std::os::unix::fs::chown(&outside, Some(4242), Some(4242)).unwrap();
        // As the ajib user would leave them: owned by a uid about to be deleted.
        for path in [
            &root.join("var/lib/ajib"),
            &backups,
            &backups.join("pre-restore"),
        ] {
            std::os::unix::fs::chown(path, Some(4242), Some(4242)).unwrap();
        }
        std::os::unix::fs::chown(
            backups.join("pre-restore/pre-restore-1.db"),
            Some(4242),
            Some(4242),
        )
        .unwrap();
    }

    let mut cmd = Command::new("bash");
    cmd.arg(root.join("opt/ajib/scripts/uninstall.sh"))
        .arg("--root")
        .arg(&root)
        .args(["--purge", "--yes"]);
    let out = run_with_stdin(cmd, "").ok();
    assert!(out.contains("backups kept"), "{out}");
    assert!(!root.join("etc/ajib").exists());
    assert!(!root.join("var/lib/ajib/ajib.db").exists());
    assert!(!root.join("opt/ajib").exists());
    assert!(backups.join("ajib-backup-20250101-000000.tar.gz").is_file());
    assert!(backups.join("pre-restore/pre-restore-1.db").is_file());
    assert_eq!(mode(&backups), 0o700);
    assert!(outside.join("keep-me").is_file());
    let outside_uid = if as_root {
        4242
    } else {
        crate::euid().unwrap_or(0)
    };
    assert_eq!(
        std::fs::metadata(&outside).unwrap().uid(),
        outside_uid,
        "followed the link"
    );
    if as_root {
        assert!(out.contains("now belong to root"), "{out}");
        let walk = Command::new("find")
            .arg(root.join("var/lib/ajib"))
            .args(["!", "-uid", "0"])
            .output()
            .unwrap();
        let left = String::from_utf8_lossy(&walk.stdout);
        assert!(left.trim().is_empty(), "not re-owned: {left}");
    } else {
        println!("note: not root; the re-owning step is not exercised");
    }
}

#[test]
fn the_release_key_is_the_same_in_install_update_and_readme() {
    let key_of = |file: &str| -> String {
        let text = std::fs::read_to_string(repo_root().join(file)).unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("RELEASE_PUBKEY=\""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{file} has no RELEASE_PUBKEY=\"...\" line"))
            .to_owned()
    };
    let key = key_of("deploy/install.sh");
    assert!(
        key.starts_with("MCowBQYDK2VwAyEA"),
        "not an ed25519 key: {key}"
    );
    assert_eq!(key_of("deploy/update.sh"), key);
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&key),
        "README.md must print the release key {key}"
    );
    let guide = std::fs::read_to_string(repo_root().join("docs/operator-guide.md")).unwrap();
    assert!(
        guide.contains(&key),
        "the operator guide must print the release key {key}"
    );
}

#[test]
fn systemd_unit_limits_memory_and_tasks() {
    let unit = std::fs::read_to_string(repo_root().join("deploy/ajib-bot.service")).unwrap();
    for setting in [
        "MemoryMax=",
        "TasksMax=",
        "EnvironmentFile=/etc/ajib/ajib.env",
    ] {
        assert!(
            unit.lines().any(|l| l.starts_with(setting)),
            "{setting} missing"
        );
    }
}

#[test]
fn systemd_unit_exposure_is_at_most_1_5() {
    if !have("systemd-analyze") {
        println!("note: systemd-analyze not available; skipping the exposure check");
        return;
    }
    let unit = repo_root().join("deploy/ajib-bot.service");
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(&unit)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let Some(line) = text.lines().find(|l| l.contains("Overall exposure level")) else {
        // systemd before 250 has no --offline.
        assert!(!out.status.success() || text.contains("offline"), "{text}");
        println!(
            "note: this systemd-analyze cannot analyse a unit file offline; skipping:\n{text}"
        );
        return;
    };
    let exposure: f64 = line
        .split(':')
        .nth(1)
        .and_then(|it| it.split_whitespace().next())
        .and_then(|it| it.parse().ok())
        .unwrap_or_else(|| panic!("cannot read the exposure from {line:?}"));
    assert!(exposure <= 1.5, "exposure {exposure} > 1.5:\n{text}");
}

#[test]
fn doctor_wants_the_env_file_private_and_real() {
    let install = crate::Install::new("LOG_LEVEL=info\n");
    let permissions = |install: &crate::Install| {
        let run = install.ctl(&["doctor", "--offline", "--json"]);
        let checks: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        checks
            .as_array()
            .unwrap()
            .iter()
            .find(|it| it["name"] == "permissions")
            .cloned()
            .unwrap()
    };
    for (mode, level) in [
        (0o600, "OK"),
        (0o640, "OK"),
        (0o644, "FAIL"),
        (0o660, "FAIL"),
    ] {
        std::fs::set_permissions(install.env_file(), std::fs::Permissions::from_mode(mode))
            .unwrap();
        let check = permissions(&install);
        assert_eq!(check["level"], level, "{mode:o}: {check}");
        if level == "FAIL" {
            assert!(
                check["fix"].as_str().unwrap().contains("chmod 640"),
                "{check}"
            );
        }
    }
    let real = install.root().join("etc/ajib/real.env");
    std::fs::rename(install.env_file(), &real).unwrap();
    std::os::unix::fs::symlink(&real, install.env_file()).unwrap();
    let check = permissions(&install);
    assert_eq!(check["level"], "FAIL", "{check}");
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn shellcheck_every_script() {
    if !have("shellcheck") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install shellcheck (apt-get install -y shellcheck)"
        );
        println!("note: shellcheck not installed; skipping");
        return;
    }
    for script in ["install.sh", "update.sh", "uninstall.sh"] {
        let out = Command::new("shellcheck")
            .arg(repo_root().join("deploy").join(script))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn systemd_unit_verifies() {
    if !have("systemd-analyze") {
        println!("note: systemd-analyze not available; skipping the unit check");
        return;
    }
    let unit = repo_root().join("deploy/ajib-bot.service");
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    // The binary only exists on a real install; anything else about the unit is a problem.
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("ajib-bot.service") && !l.contains("/opt/ajib/bin/ajib-bot"))
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
}
