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
        "scale" => release_example(root, "ajib-storage", "scale_bench", &bench.args),
        "import" => release_example(root, "ajib-sandbox", "import_bench", &bench.args),
        other => bail!("unknown benchmark {other:?}; known: transport, journey, scale, import"),
    }
}

/// `cargo run --release -p PACKAGE --example EXAMPLE -- ARGS`.
fn release_example(
    root: &Path,
    package: &str,
    example: &str,
    args: &[String],
) -> anyhow::Result<()> {
    run(Command::new(cargo())
        .current_dir(root)
        .args([
            "run",
            "--release",
            "-p",
            package,
            "--example",
            example,
            "--",
        ])
        .args(args))
}

/// The release `ajib-bot` as `cargo xtask dist` ships it (no sandbox), then
/// the simulated users of `ajib-sandbox`'s `journey_bench` against it.
fn journey(root: &Path, args: &[String]) -> anyhow::Result<()> {
    run(crate::chaos::against_release_bot(root, "journey_bench")?.args(args))
}
