//! Integration tests of ajib-ctl and the deploy scripts against a temp install (`--root`).

mod agents;
mod backup;
mod config;
mod deploy;
mod imports;
mod orders;
mod panels;
mod promo;
mod stars;
mod status;
mod users;

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

/// A bot token of the right shape (not a real one).
pub const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

/// A temp install with just a config file, driven through the real binary.
#[derive(Debug)]
pub struct Install {
    /// Keeps the temp dir alive.
    pub dir: tempfile::TempDir,
}

impl Install {
    /// A root with `/etc/ajib/ajib.env` holding `env` (mode 0600).
    pub fn new(env: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let etc = dir.path().join("etc/ajib");
        std::fs::create_dir_all(&etc).unwrap();
        std::fs::write(etc.join("ajib.env"), env).unwrap();
        std::fs::set_permissions(etc.join("ajib.env"), std::fs::Permissions::from_mode(0o600))
            .unwrap();
        Self { dir }
    }

    /// The install prefix.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The config file.
    pub fn env_file(&self) -> PathBuf {
        self.root().join("etc/ajib/ajib.env")
    }

    /// The database.
    pub fn db(&self) -> PathBuf {
        self.root().join("var/lib/ajib/ajib.db")
    }

    /// Runs `ajib-ctl --root <root> args...`.
    pub fn ctl(&self, args: &[&str]) -> Run {
        self.ctl_stdin(args, "")
    }

    /// Runs ajib-ctl with `stdin` as its input.
    pub fn ctl_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut cmd = Command::new(ctl_bin());
        cmd.arg("--root").arg(self.root()).args(args);
        run_with_stdin(cmd, stdin)
    }
}

/// Runs `f` on a store over the install's database (created by any command that opens it).
/// Records a customer the way the bot does on their first message.
pub async fn seen_user(
    store: &ajib_storage::Store,
    id: i64,
    username: Option<&str>,
    name: &str,
    at: i64,
) {
    let seen = ajib_storage::UserSeen {
        id: ajib_domain::TelegramId(id),
        username: username.map(str::to_owned),
        first_name: name.to_owned(),
        now: ajib_domain::UnixTime(at),
    };
    store.upsert_user(&seen).await.unwrap();
}

pub fn with_store<T>(install: &Install, f: impl AsyncFnOnce(&ajib_storage::Store) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _inside = runtime.enter();
    let store = ajib_storage::Store::open(&install.db()).unwrap();
    runtime.block_on(f(&store))
}

/// The ajib-ctl binary under test.
pub fn ctl_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ajib-ctl"))
}

/// What a process did.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    pub fn ok(self) -> String {
        assert_eq!(self.code, 0, "failed: {self:?}");
        self.stdout
    }

    /// Asserts the exit code and returns stderr.
    pub fn fails_with(self, code: i32) -> String {
        assert_eq!(self.code, code, "unexpected exit: {self:?}");
        self.stderr
    }
}

/// Runs a command with the given stdin to completion.
pub fn run_with_stdin(mut cmd: Command, stdin: &str) -> Run {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        // The child may exit without reading its input.
        let _ = input.write_all(stdin.as_bytes());
    }
    let out: Output = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The permission bits of a file.
pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The effective uid of the test process.
pub fn euid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
