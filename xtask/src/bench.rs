//! `cargo xtask bench`: builds what a benchmark needs, in release mode, and runs it.

use std::path::Path;
use std::process::Command;

use anyhow::bail;

use crate::{Bench, cargo, run};

/// Runs the benchmark `bench.what` with `bench.args`.
pub(crate) fn run_bench(root: &Path, bench: &Bench) -> anyhow::Result<()> {
    match bench.what.as_str() {
        "transport" => run(Command::new(cargo())
            .current_dir(root)
            .args([
                "bench",
                "-p",
                "ajib-transport",
                "--bench",
                "transport",
                "--",
            ])
            .args(&bench.args)),
        "journey" => journey(root, &bench.args),
        "scale" => run(Command::new(cargo())
            .current_dir(root)
            .args([
                "run",
                "--release",
                "-p",
                "ajib-storage",
                "--example",
                "scale_bench",
                "--",
            ])
            .args(&bench.args)),
        other => bail!("unknown benchmark {other:?}; known: transport, journey, scale"),
    }
}

/// The release `ajib-bot` as `cargo xtask dist` ships it (no sandbox), then
/// the simulated users of `ajib-sandbox`'s `journey_bench` against it.
fn journey(root: &Path, args: &[String]) -> anyhow::Result<()> {
    run(crate::chaos::against_release_bot(root, "journey_bench")?.args(args))
}
