//! `ajib-ctl update` and `uninstall`: thin wrappers over the installed deploy scripts.
//!
//! The logic lives once, in `deploy/update.sh` and `deploy/uninstall.sh`, which
//! install.sh copies to `/opt/ajib/scripts`.

use std::process::Command;

use anyhow::Context;

use crate::{
    cli::{UninstallArgs, UpdateArgs},
    exit,
    paths::Paths,
    system,
};

/// Runs `update.sh [--allow-unsigned] <tarball>`: verify the signature, back up, swap, restart, health-check, roll back.
pub fn update(paths: &Paths, args: &UpdateArgs) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_root(paths, "update")?;
    let tarball = args.tarball.to_string_lossy().into_owned();
    let mut extra = Vec::new();
    if args.allow_unsigned {
        extra.push("--allow-unsigned");
    }
    extra.push(tarball.as_str());
    run_script(paths, "update.sh", &extra)
}

/// Runs `uninstall.sh`: stops and removes AJIB, keeping backups (and data unless `--purge`).
pub fn uninstall(paths: &Paths, args: &UninstallArgs) -> anyhow::Result<()> {
    system::require_root(paths, "uninstall")?;
    let mut extra = Vec::new();
    if args.purge {
        extra.push("--purge");
    }
    if args.yes {
        extra.push("--yes");
    }
    run_script(paths, "uninstall.sh", &extra)
}

fn run_script(paths: &Paths, name: &str, args: &[&str]) -> anyhow::Result<()> {
    let script = paths.scripts_dir.join(name);
    if !script.is_file() {
        return Err(exit::not_installed(format!(
            "{} is missing; reinstall with install.sh",
            script.display()
        )));
    }
    let mut cmd = Command::new("bash");
    cmd.arg(&script);
    if !paths.is_system() {
        cmd.arg("--root").arg(&paths.root);
    }
    cmd.args(args);
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {}", script.display()))?;
    if !status.success() {
        anyhow::bail!("{name} failed (exit {})", status.code().unwrap_or(1));
    }
    Ok(())
}
