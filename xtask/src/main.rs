//! AJIB development tasks: `cargo xtask dist` builds the release tarball, `bench` runs benchmarks, `chaos` kills the bot.
//!
//! Run `cargo xtask` for the list. Each step is printed before it runs; tools
//! are called through `$CARGO`, `tar`, `strip` and `sha256sum`.

mod bench;
mod chaos;
mod fuzz;
mod sign;

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};
use argh::FromArgs;

/// AJIB development tasks.
#[derive(FromArgs, Debug)]
struct Args {
    #[argh(subcommand)]
    task: Option<Task>,
}

#[derive(FromArgs, Debug)]
#[argh(subcommand)]
enum Task {
    Dist(Dist),
    Bench(Bench),
    Keygen(Keygen),
    Fuzz(Fuzz),
    Chaos(Chaos),
}

/// Build target/dist/ajib-VERSION-TARGET.tar.gz with both binaries, deploy/ and locales/, and beside it SHA256SUMS and SHA256SUMS.sig.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "dist")]
struct Dist {
    /// PKCS#8 ed25519 key that signs SHA256SUMS (default: $AJIB_RELEASE_SIGNING_KEY_FILE; none: unsigned)
    #[argh(option)]
    sign_key: Option<PathBuf>,
}

/// Make a release signing key pair: the private key in OUT (0600), the public key printed and in OUT.pub.pem.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "keygen")]
struct Keygen {
    /// where to write the private key (must not exist)
    #[argh(positional)]
    out: PathBuf,
}

/// Run the hostile-input suites long: `cargo xtask fuzz [--cases N] [TARGET...]`.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "fuzz")]
struct Fuzz {
    /// cases per property (default 100000)
    #[argh(option, default = "100_000")]
    cases: u32,
    /// targets to run: updates, callback, heleket, backup, config (default: all)
    #[argh(positional, greedy)]
    targets: Vec<String>,
}

/// Kill -9 the release bot again and again while customers pay and a broadcast runs, then check that every paid order was provisioned and told exactly once: `cargo xtask chaos [--kills N] [--users K]`.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "chaos")]
struct Chaos {
    /// how many times the bot is SIGKILLed (default 20; the documented full run is 200)
    #[argh(option, default = "20")]
    kills: u32,
    /// how many customers buy a plan (default 30)
    #[argh(option, default = "30")]
    users: u32,
    /// recipients of the broadcast that runs through the kills (default 10000)
    #[argh(option, default = "10_000")]
    recipients: u32,
    /// seed of the random moments and choices (default: from the clock; printed)
    #[argh(option)]
    seed: Option<u64>,
}

/// Run a benchmark: `cargo xtask bench transport|journey|scale|import [ARGS...]`.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "bench")]
struct Bench {
    /// which benchmark (transport, journey, scale, import)
    #[argh(positional)]
    what: String,
    /// arguments passed to the benchmark binary
    #[argh(positional, greedy)]
    args: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let raw: Vec<String> = env::args().skip(1).collect();
    // A benchmark's own flags (`--users 500`) would be refused by argh, which
    // has no way to pass unknown flags through: take them as they are.
    if let [task, what, bench_args @ ..] = raw.as_slice()
        && task == "bench"
        && !what.starts_with('-')
    {
        let bench = Bench {
            what: what.clone(),
            args: bench_args.to_vec(),
        };
        return bench::run_bench(&repo_root(), &bench);
    }
    let args: Args = argh::from_env();
    let root = repo_root();
    match args.task {
        None => {
            println!("cargo xtask <task>\n\ntasks:");
            println!(
                "  dist    release build + target/dist/ajib-<version>-<target>.tar.gz, SHA256SUMS(.sig) [--sign-key FILE]"
            );
            println!(
                "  fuzz    hostile-input suites, release: `cargo xtask fuzz [--cases N] [TARGET...]`"
            );
            println!("  keygen  make a release signing key: `cargo xtask keygen FILE`");
            println!(
                "  chaos   kill -9 the release bot while customers pay: `cargo xtask chaos [--kills N] [--users K] [--recipients R] [--seed S]`"
            );
            println!(
                "  bench   benchmarks: `cargo xtask bench transport [N] [M]`, \
                 `cargo xtask bench journey [--users K] [--steps S] [--slow-blitz]`, \
                 `cargo xtask bench scale [--users N] [--runs R] [--keep DIR] [--no-backup]`, \
                 `cargo xtask bench import [--users N]`"
            );
            Ok(())
        }
        Some(Task::Dist(args)) => dist(&root, &args),
        Some(Task::Bench(bench)) => bench::run_bench(&root, &bench),
        Some(Task::Keygen(args)) => sign::keygen(&args.out),
        Some(Task::Fuzz(args)) => fuzz::run_fuzz(&root, args.cases, &args.targets),
        Some(Task::Chaos(args)) => chaos::run_chaos(&root, &args),
    }
}

/// The workspace root: the parent of this crate's manifest dir.
fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), Path::to_owned)
}

fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Prints and runs a command, failing on a non-zero exit.
fn run(cmd: &mut Command) -> anyhow::Result<()> {
    println!("$ {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{:?} failed with {status}", cmd.get_program());
    }
    Ok(())
}

fn output(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    if !out.status.success() {
        bail!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn dist(root: &Path, args: &Dist) -> anyhow::Result<()> {
    // Read the key before the long build, so a bad key fails at once.
    let key = sign::signing_key(args.sign_key.as_deref())?;
    let version = workspace_version(root)?;
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let triple = output(Command::new(rustc).arg("-vV"))?
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .context("rustc -vV printed no host triple")?;
    println!("== building ajib {version} for {triple}");
    // No default features: the sandbox and its fake servers stay out of releases.
    run(Command::new(cargo()).current_dir(root).args([
        "build",
        "--release",
        "--locked",
        "--no-default-features",
        "-p",
        "ajib-bot",
        "-p",
        "ajib-ctl",
    ]))?;
    check_no_fakes(root)?;

    let name = format!("ajib-{version}-{triple}");
    let dist_dir = root.join("target/dist");
    let stage = dist_dir.join(&name);
    println!("== staging {}", stage.display());
    if stage.exists() {
        fs::remove_dir_all(&stage).with_context(|| format!("cannot clean {}", stage.display()))?;
    }
    fs::create_dir_all(&stage)?;
    for bin in ["ajib-bot", "ajib-ctl"] {
        let dest = stage.join(bin);
        fs::copy(root.join("target/release").join(bin), &dest)
            .with_context(|| format!("cannot copy {bin}"))?;
        match Command::new("strip").arg(&dest).status() {
            Ok(status) if status.success() => println!("stripped {bin}"),
            _ => println!(
                "note: strip unavailable or failed for {bin}; the release profile already strips symbols"
            ),
        }
    }
    check_sandbox_hint(&stage.join("ajib-bot"))?;
    for dir in ["locales", "deploy"] {
        copy_dir(&root.join(dir), &stage.join(dir))?;
    }
    for file in [
        ".env.example",
        "LICENSE",
        "README.md",
        "docs/operator-guide.md",
    ] {
        let src = root.join(file);
        if !src.is_file() {
            println!("warning: {file} is missing; the tarball will not have it");
            continue;
        }
        let dest = stage.join(file);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(&src, &dest).with_context(|| format!("cannot copy {file}"))?;
    }

    println!("== SHA256SUMS");
    let mut files = Vec::new();
    list_files(&stage, &stage, &mut files)?;
    files.sort();
    // Inside too, for the update.sh of installs made before releases were signed.
    let sums = output(Command::new("sha256sum").current_dir(&stage).args(&files))?;
    fs::write(stage.join("SHA256SUMS"), &sums)?;

    let tarball = dist_dir.join(format!("{name}.tar.gz"));
    println!("== packing {}", tarball.display());
    run(Command::new("tar")
        .current_dir(&dist_dir)
        .args(["--owner=0", "--group=0", "--sort=name", "-czf"])
        .arg(&tarball)
        .arg(&name))?;

    println!("== SHA256SUMS and SHA256SUMS.sig beside the tarball");
    let mut released = vec![format!("{name}.tar.gz")];
    let mut staged = Vec::new();
    list_files(&dist_dir, &stage, &mut staged)?;
    staged.sort();
    released.extend(staged);
    let install_sh = fs::read_to_string(root.join("deploy/install.sh"))
        .context("cannot read deploy/install.sh")?;
    let embedded = sign::embedded_public_key(&install_sh);
    sign::write_release_sums(&dist_dir, &released, key.as_ref(), embedded.as_deref())?;

    println!("== done");
    for path in [
        stage.join("ajib-bot"),
        stage.join("ajib-ctl"),
        tarball.clone(),
        dist_dir.join(sign::SUMS),
    ] {
        let size = fs::metadata(&path)?.len();
        println!(
            "{:>10.1} MiB  {}",
            size as f64 / (1024.0 * 1024.0),
            path.display()
        );
    }
    println!("Debian package: not built (install.sh covers Ubuntu/Debian).");
    Ok(())
}

/// Fails if the release build of `ajib-bot` would link the test kit's fake servers.
fn check_no_fakes(root: &Path) -> anyhow::Result<()> {
    println!("== checking that ajib-bot links no fake server");
    let tree = output(Command::new(cargo()).current_dir(root).args([
        "tree",
        "--locked",
        "-p",
        "ajib-bot",
        "--no-default-features",
        "-e",
        "normal",
    ]))?;
    if tree.contains("ajib-testkit") || tree.contains("ajib-sandbox") {
        anyhow::bail!("the release ajib-bot depends on ajib-testkit or ajib-sandbox:\n{tree}");
    }
    Ok(())
}

/// Fails unless the staged binary answers `sandbox` with the from-source hint.
fn check_sandbox_hint(bot: &Path) -> anyhow::Result<()> {
    let out = Command::new(bot)
        .arg("sandbox")
        .output()
        .with_context(|| format!("cannot run {}", bot.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() || !stderr.contains("cargo run -p ajib-bot -- sandbox") {
        anyhow::bail!("the release ajib-bot does not explain how to run the sandbox:\n{stderr}");
    }
    println!("ajib-bot sandbox in the release explains how to run it from source");
    Ok(())
}

/// `version = "..."` under `[workspace.package]` in the root Cargo.toml.
fn workspace_version(root: &Path) -> anyhow::Result<String> {
    let text = fs::read_to_string(root.join("Cargo.toml")).context("cannot read Cargo.toml")?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
            continue;
        }
        if in_package && let Some(rest) = line.strip_prefix("version") {
            let value = rest
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            return Ok(value.to_owned());
        }
    }
    bail!("no version in [workspace.package] of Cargo.toml")
}

fn copy_dir(src: &Path, dest: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dest)?;
    for entry in fs::read_dir(src).with_context(|| format!("cannot read {}", src.display()))? {
        let entry = entry?;
        let target = dest.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Relative paths of every file under `dir`.
fn list_files(base: &Path, dir: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            list_files(base, &entry.path(), out)?;
        } else if let Ok(rel) = entry.path().strip_prefix(base) {
            out.push(rel.to_string_lossy().into_owned());
        }
    }
    Ok(())
}
