//! The deploy scripts: install twice into a temp root, update with rollback, shellcheck, unit checks.

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Command,
};

use crate::{TOKEN, mode, repo_root, run_with_stdin};

/// A fake release dir: real ajib-ctl, a shell-script ajib-bot, and deploy/.
fn fake_dist(dir: &Path, bot_script: &str) -> PathBuf {
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
    let sums = Command::new("sha256sum")
        .current_dir(&dist)
        .args(["ajib-bot", "ajib-ctl"])
        .output()
        .unwrap();
    std::fs::write(dist.join("SHA256SUMS"), sums.stdout).unwrap();
    dist
}

fn install(dist: &Path, root: &Path, token: &str) -> String {
    let mut cmd = Command::new("bash");
    cmd.arg(dist.join("deploy/install.sh"))
        .arg("--root")
        .arg(root)
        .args([
            "--no-systemd",
            "--yes",
            "--token",
            token,
            "--admin-ids",
            "42",
        ])
        .args([
            "--blitz-url",
            "https://panel.example/api/v1",
            "--blitz-key",
            "bk",
        ])
        .args(["--heleket-merchant", "m-1", "--heleket-key", "hk"]);
    cmd.env_remove("TELEGRAM_BOT_TOKEN");
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
    install(&dist, &root, TOKEN);
    let env_before = std::fs::read_to_string(root.join("etc/ajib/ajib.env")).unwrap();
    assert_eq!(env_value(&root, "TELEGRAM_BOT_TOKEN"), TOKEN);
    assert_eq!(env_value(&root, "HELEKET_MERCHANT_ID"), "m-1");

    let out = install(&dist, &root, "987654321:BBBBBBBBBBBBBBBBBBBBBBBB");
    assert!(out.contains("keeping existing values"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("etc/ajib/ajib.env")).unwrap(),
        env_before
    );

    assert_eq!(mode(&root.join("etc/ajib/ajib.env")), 0o600);
    assert_eq!(mode(&root.join("etc/ajib")), 0o750);
    assert_eq!(mode(&root.join("var/lib/ajib")), 0o700);
    assert_eq!(mode(&root.join("var/lib/ajib/backups")), 0o700);
    assert_eq!(mode(&root.join("opt/ajib/bin/ajib-bot")), 0o755);
    assert!(root.join("etc/systemd/system/ajib-bot.service").is_file());
    let link = std::fs::read_link(root.join("usr/local/bin/ajib-ctl")).unwrap();
    assert_eq!(link, Path::new("/opt/ajib/bin/ajib-ctl"));

    // The installed ajib-ctl reads what install.sh wrote.
    let ctl = Command::new(root.join("opt/ajib/bin/ajib-ctl"))
        .arg("--root")
        .arg(&root)
        .args(["config", "get", "TELEGRAM_BOT_TOKEN"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&ctl.stdout), "***\n");
}

fn update(root: &Path, tarball: &Path) -> crate::Run {
    let mut cmd = Command::new("bash");
    let health = format!("{}/opt/ajib/bin/ajib-bot health", root.display());
    cmd.arg(root.join("opt/ajib/scripts/update.sh"))
        .arg("--root")
        .arg(root)
        .args(["--health-cmd", &health, "--timeout", "2"])
        .arg(tarball);
    run_with_stdin(cmd, "")
}

fn tarball(dir: &Path, bot_script: &str) -> PathBuf {
    let new_dir = dir.join("new");
    let dist = fake_dist(&new_dir, bot_script);
    let tarball = dir.join("ajib-0.0.1-test.tar.gz");
    let status = Command::new("tar")
        .current_dir(&new_dir)
        .arg("-czf")
        .arg(&tarball)
        .arg(dist.file_name().unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    tarball
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
    assert_eq!(
        std::fs::read_to_string(root.join("opt/ajib/bin/ajib-bot")).unwrap(),
        new_bot
    );
}

#[test]
fn update_refuses_bad_checksums() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = fake_dist(tmp.path(), "#!/bin/sh\nexit 0\n");
    let root = tmp.path().join("root");
    install(&dist, &root, TOKEN);
    let new_dir = tmp.path().join("new");
    let bad = fake_dist(&new_dir, "#!/bin/sh\nexit 0\n");
    std::fs::write(bad.join("ajib-bot"), "#!/bin/sh\necho tampered\n").unwrap();
    let tarball = tmp.path().join("bad.tar.gz");
    assert!(
        Command::new("tar")
            .current_dir(&new_dir)
            .arg("-czf")
            .arg(&tarball)
            .arg(bad.file_name().unwrap())
            .status()
            .unwrap()
            .success()
    );
    let run = update(&root, &tarball);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("checksums do not match"), "{run:?}");
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
