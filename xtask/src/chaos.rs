//! `cargo xtask chaos`: the release bot SIGKILLed again and again while customers pay; then exactly once is checked.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::{Chaos, cargo, run};

/// Builds the release `ajib-bot` and runs `ajib-sandbox`'s `chaos` example against it.
pub(crate) fn run_chaos(root: &Path, chaos: &Chaos) -> anyhow::Result<()> {
    let mut cmd = against_release_bot(root, "chaos")?;
    cmd.args(["--kills", &chaos.kills.to_string()])
        .args(["--users", &chaos.users.to_string()])
        .args(["--recipients", &chaos.recipients.to_string()]);
    if let Some(seed) = chaos.seed {
        cmd.args(["--seed", &seed.to_string()]);
    }
    run(&mut cmd)
}

/// Builds the release bot, then the command that runs `ajib-sandbox`'s
/// release example `example` with `--bot <it>`; the caller adds the rest.
pub(crate) fn against_release_bot(root: &Path, example: &str) -> anyhow::Result<Command> {
    let bot = release_bot(root)?;
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .args([
            "run",
            "--release",
            "-p",
            "ajib-sandbox",
            "--example",
            example,
        ])
        .args(["--", "--bot"])
        .arg(bot);
    Ok(cmd)
}

/// The release `ajib-bot` as `cargo xtask dist` ships it (no sandbox, no fakes linked).
pub(crate) fn release_bot(root: &Path) -> anyhow::Result<PathBuf> {
    run(Command::new(cargo()).current_dir(root).args([
        "build",
        "--release",
        "-p",
        "ajib-bot",
        "--no-default-features",
    ]))?;
    let target_dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target_dir.join("release/ajib-bot"))
}
