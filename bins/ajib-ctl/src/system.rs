//! The host: who we run as, whether systemd manages the service, running tools.

use std::{
    fs,
    path::Path,
    process::{Command, Stdio},
};

use anyhow::Context;

use crate::{exit, paths::Paths};

/// The system user the service runs as.
pub const SERVICE_USER: &str = "ajib";

/// The effective uid of this process, from `/proc/self/status`.
#[must_use]
pub fn euid() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// The uid and gid of `user` from `<root>/etc/passwd`.
#[must_use]
pub fn user_ids(root: &Path, user: &str) -> Option<(u32, u32)> {
    let passwd = fs::read_to_string(root.join("etc/passwd")).ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() < 4 || fields[0] != user {
            return None;
        }
        Some((fields[2].parse().ok()?, fields[3].parse().ok()?))
    })
}

/// Fails with exit 3 unless the config file exists.
pub fn require_installed(paths: &Paths) -> anyhow::Result<()> {
    if paths.env_file.is_file() {
        return Ok(());
    }
    Err(exit::not_installed(format!(
        "AJIB is not installed here: {} does not exist (run install.sh, or pass --env-file / --root)",
        paths.env_file.display()
    )))
}

/// Fails with exit 3 unless we run as root or as the `ajib` user (system installs only).
pub fn require_admin(paths: &Paths, command: &str) -> anyhow::Result<()> {
    if !paths.is_system() {
        return Ok(());
    }
    let euid = euid();
    let ajib = user_ids(&paths.root, SERVICE_USER).map(|(uid, _)| uid);
    if euid == Some(0) || (euid.is_some() && euid == ajib) {
        return Ok(());
    }
    Err(exit::not_installed(format!(
        "`ajib-ctl {command}` must run as root or as the {SERVICE_USER} user: sudo ajib-ctl {command}"
    )))
}

/// Fails with exit 3 unless we run as root (system installs only).
pub fn require_root(paths: &Paths, command: &str) -> anyhow::Result<()> {
    if !paths.is_system() || euid() == Some(0) {
        return Ok(());
    }
    Err(exit::not_installed(format!(
        "`ajib-ctl {command}` must run as root: sudo ajib-ctl {command}"
    )))
}

/// Whether systemd manages services here (a system install on a systemd host).
#[must_use]
pub fn has_systemd(paths: &Paths) -> bool {
    paths.is_system() && Path::new("/run/systemd/system").is_dir()
}

/// Runs a tool to completion with inherited stdio; returns whether it succeeded.
pub fn run_inherit(program: &str, args: &[&str]) -> anyhow::Result<bool> {
    let status = Command::new(program)
        .args(args)
        .status()
        .with_context(|| format!("cannot run {program}"))?;
    Ok(status.success())
}

/// Runs a tool and returns its stdout (stderr discarded), or `None` if it failed.
#[must_use]
pub fn run_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Gives `path` to the owner of `like` (used after root creates files the service must write).
///
/// Neither path is followed if it is a link: both may be in the service's
/// directories, and root must not change the owner of whatever a link names.
pub fn chown_like(path: &Path, like: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = fs::symlink_metadata(like) else {
        return;
    };
    if meta.file_type().is_symlink() || euid() != Some(0) {
        return;
    }
    let file = match ajib_backup::open_file(path) {
        Ok(file) => file,
        Err(ajib_backup::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return;
        }
        Err(e) => {
            log::warn!("not changing the owner of {}: {e}", path.display());
            return;
        }
    };
    if let Err(e) = ajib_backup::chown_handle(&file, Some((meta.uid(), meta.gid())), path) {
        log::warn!("could not chown {}: {e}", path.display());
    }
}
