//! The systemd service: start/stop/restart/enable/disable, logs, and its state.

use std::process::Command;

use anyhow::Context;

use crate::{
    cli::LogsArgs,
    exit,
    paths::{Paths, SERVICE},
    system,
};

/// The service's state as systemd reports it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ServiceState {
    /// `active`, `inactive`, `failed`, ... or `absent` / `unknown`.
    pub active: String,
    /// `running`, `dead`, ...
    pub sub: String,
    /// Seconds since it entered the active state, if running.
    pub uptime_secs: Option<u64>,
    /// Whether it starts at boot.
    pub enabled: bool,
}

/// Runs `systemctl <verb> ajib-bot`.
pub fn systemctl(paths: &Paths, verb: &str) -> anyhow::Result<()> {
    require_service(paths)?;
    system::require_root(paths, verb)?;
    if !system::run_inherit("systemctl", &[verb, SERVICE])? {
        anyhow::bail!("systemctl {verb} {SERVICE} failed; see `ajib-ctl logs -n 50`");
    }
    println!("{SERVICE}: {verb} done");
    Ok(())
}

/// Shows (or follows) the journal of the service.
pub fn logs(paths: &Paths, args: &LogsArgs) -> anyhow::Result<()> {
    require_service(paths)?;
    let lines = args.lines.to_string();
    let mut cmd = Command::new("journalctl");
    cmd.args(["-u", SERVICE, "-n", &lines, "--no-pager", "-o", "short-iso"]);
    if args.follow {
        cmd.arg("-f");
    }
    let status = cmd.status().context("cannot run journalctl")?;
    if !status.success() {
        anyhow::bail!("journalctl failed (run as root or a member of systemd-journal/adm)");
    }
    Ok(())
}

/// Fails with exit 3 when systemd or the unit is missing.
pub fn require_service(paths: &Paths) -> anyhow::Result<()> {
    if !system::has_systemd(paths) {
        return Err(exit::not_installed(
            "systemd does not manage ajib here (--root install or no systemd); run /opt/ajib/bin/ajib-bot run yourself"
                .to_owned(),
        ));
    }
    if !paths.unit_file.exists() && state(paths).active == "absent" {
        return Err(exit::not_installed(format!(
            "the {SERVICE} service is not installed ({} missing); run install.sh",
            paths.unit_file.display()
        )));
    }
    Ok(())
}

/// Asks systemd for the service state; `unknown` without systemd, `absent` without the unit.
#[must_use]
pub fn state(paths: &Paths) -> ServiceState {
    let unknown = |active: &str| ServiceState {
        active: active.to_owned(),
        sub: String::new(),
        uptime_secs: None,
        enabled: false,
    };
    if !system::has_systemd(paths) {
        return unknown("unknown");
    }
    let props = "LoadState,ActiveState,SubState,UnitFileState,ActiveEnterTimestampMonotonic";
    let Some(out) = system::run_output("systemctl", &["show", SERVICE, "-p", props]) else {
        return unknown("unknown");
    };
    let get = |key: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
            .unwrap_or("")
            .to_owned()
    };
    if get("LoadState") == "not-found" {
        return unknown("absent");
    }
    let active = get("ActiveState");
    let since_us: u64 = get("ActiveEnterTimestampMonotonic").parse().unwrap_or(0);
    let uptime_secs = (active == "active" && since_us > 0)
        .then(|| monotonic_now_secs().map(|now| now.saturating_sub(since_us / 1_000_000)))
        .flatten();
    ServiceState {
        active,
        sub: get("SubState"),
        uptime_secs,
        enabled: get("UnitFileState") == "enabled",
    }
}

/// Seconds since boot (CLOCK_MONOTONIC as systemd reports it), from /proc/uptime.
fn monotonic_now_secs() -> Option<u64> {
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let secs: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    Some(secs as u64)
}
