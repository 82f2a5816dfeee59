//! `cargo xtask fuzz`: the hostile-input suites (`tests/it/hostile.rs` of five crates) run long.
//!
//! CI runs the same generators at 256 cases per property; here `AJIB_FUZZ_CASES` raises that,
//! in release mode. Each property prints `hostile <target>/<property>: N cases, 0 failures`
//! when it passes, and this sums those lines per target.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
    time::Instant,
};

use anyhow::{Context, bail};

/// Each target's name and the crate whose `it` test binary holds its `hostile` module.
pub const TARGETS: [(&str, &str); 5] = [
    ("updates", "ajib-transport"),
    ("callback", "ajib-app"),
    ("heleket", "heleket"),
    ("backup", "ajib-backup"),
    ("config", "ajib-config"),
];

/// What one target's run printed.
#[derive(Debug, Default)]
struct Tally {
    cases: u64,
    properties: u32,
    failed_tests: u32,
}

/// Runs the chosen targets (all when `only` is empty) with `cases` cases per property.
pub fn run_fuzz(root: &Path, cases: u32, only: &[String]) -> anyhow::Result<()> {
    for name in only {
        if !TARGETS.iter().any(|(it, _)| it == name) {
            let known: Vec<&str> = TARGETS.iter().map(|(it, _)| *it).collect();
            bail!("unknown fuzz target {name:?}; known: {}", known.join(", "));
        }
    }
    let mut summary = Vec::new();
    for (target, package) in TARGETS {
        if !only.is_empty() && !only.iter().any(|it| it == target) {
            continue;
        }
        println!("== fuzz {target} ({package}), {cases} cases per property");
        let started = Instant::now();
        let (tally, success) = run_target(root, package, cases)?;
        let secs = started.elapsed().as_secs_f64();
        // A failing run may stop before printing anything of its own: count the exit too.
        let failures = match success {
            true => tally.failed_tests,
            false => tally.failed_tests.max(1),
        };
        let line = format!(
            "fuzz {target}: {} cases over {} properties, {failures} failures, {secs:.1} s (build included)",
            tally.cases, tally.properties
        );
        println!("{line}");
        summary.push((line, failures));
    }
    println!("== summary");
    for (line, _) in &summary {
        println!("{line}");
    }
    if summary.iter().any(|(_, failures)| *failures > 0) {
        bail!("a hostile-input suite failed; its output above has the shrunk input");
    }
    Ok(())
}

/// Runs one crate's `hostile` tests in release mode, echoing and tallying their output.
fn run_target(root: &Path, package: &str, cases: u32) -> anyhow::Result<(Tally, bool)> {
    let mut cmd = Command::new(crate::cargo());
    cmd.current_dir(root)
        .env("AJIB_FUZZ_CASES", cases.to_string())
        .args(["test", "--release", "--locked", "-p", package])
        .args(["--test", "it", "hostile::", "--", "--nocapture"])
        .stdout(Stdio::piped());
    println!("$ AJIB_FUZZ_CASES={cases} {cmd:?}");
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    let stdout = child.stdout.take().context("no stdout from cargo test")?;
    let mut tally = Tally::default();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading cargo test output")?;
        println!("{line}");
        tally.add(&line);
    }
    let status = child.wait().context("waiting for cargo test")?;
    Ok((tally, status.success()))
}

impl Tally {
    /// Counts `hostile T/P: N cases, 0 failures` and the failed tests of `test result:` lines.
    fn add(&mut self, line: &str) {
        if let Some(rest) = line.strip_prefix("hostile ")
            && let Some((_, counts)) = rest.split_once(": ")
            && let Some(n) = counts.strip_suffix(" cases, 0 failures")
            && let Ok(n) = n.parse::<u64>()
        {
            self.cases += n;
            self.properties += 1;
        }
        if let Some(rest) = line.strip_prefix("test result: ")
            && let Some(failed) = rest.split("; ").find_map(|it| it.strip_suffix(" failed"))
            && let Ok(failed) = failed.parse::<u32>()
        {
            self.failed_tests += failed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_the_suites_lines() {
        let mut tally = Tally::default();
        for line in [
            "hostile backup/entries: 1000 cases, 0 failures",
            "test hostile::hostile_entries ... ok",
            "hostile backup/pax: 250 cases, 0 failures",
            "hostile backup/pax: garbage",
            "test result: FAILED. 5 passed; 2 failed; 0 ignored; 0 measured; 33 filtered out",
        ] {
            tally.add(line);
        }
        assert_eq!(tally.cases, 1250);
        assert_eq!(tally.properties, 2);
        assert_eq!(tally.failed_tests, 2);
    }
}
