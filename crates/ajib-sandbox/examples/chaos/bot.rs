//! The `ajib-bot run` child process: started, SIGKILLed and started again on the same database and ports.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

/// How to start the bot, and the one running now.
pub struct Bot {
    binary: PathBuf,
    dir: PathBuf,
    env: Vec<(&'static str, String)>,
    log: PathBuf,
    child: Option<Child>,
    /// Times it was started.
    pub starts: u32,
    /// Times it exited on its own (a crash the harness did not cause).
    pub exits: u32,
}

impl Bot {
    /// A bot of `binary` working in `dir` with `env`; its stdout and stderr go to `dir/bot.log`.
    pub fn new(
        binary: &Path,
        dir: &Path,
        env: Vec<(&'static str, String)>,
    ) -> anyhow::Result<Self> {
        if !binary.is_file() {
            bail!(
                "{} does not exist: build it first (cargo build --release -p ajib-bot --no-default-features), or run `cargo xtask chaos`",
                binary.display()
            );
        }
        // The child runs in `dir`: a relative path must not be read from there.
        let binary = binary
            .canonicalize()
            .with_context(|| format!("cannot find {}", binary.display()))?;
        Ok(Self {
            binary,
            dir: dir.to_owned(),
            env,
            log: dir.join("bot.log"),
            child: None,
            starts: 0,
            exits: 0,
        })
    }

    /// Starts the bot (it must not be running).
    pub fn start(&mut self) -> anyhow::Result<()> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("cannot open {}", self.log.display()))?;
        let child = Command::new(&self.binary)
            .arg("run")
            .current_dir(&self.dir)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", self.binary.display()))?;
        self.child = Some(child);
        self.starts += 1;
        Ok(())
    }

    /// SIGKILLs the bot and reaps it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // `Child::kill` is SIGKILL on Unix: no handler runs, nothing is flushed.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the bot again if it exited on its own; true if it had.
    pub fn restart_if_exited(&mut self) -> anyhow::Result<bool> {
        let exited = match &mut self.child {
            Some(child) => child.try_wait()?.is_some(),
            None => false,
        };
        if exited {
            self.exits += 1;
            self.child = None;
            self.start()?;
        }
        Ok(exited)
    }

    /// Everything the bot wrote to stdout and stderr, all runs.
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The last lines of the log, for an error message.
    pub fn log_tail(&self) -> String {
        let log = self.log_text();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("the bot's log ends with:\n{}", tail.join("\n"))
    }

    /// Waits until something answers on `addr` (the bot's HTTP server), up to `limit`.
    pub async fn wait_listening(
        &mut self,
        addr: std::net::SocketAddr,
        limit: Duration,
    ) -> anyhow::Result<()> {
        let deadline = Instant::now() + limit;
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            if self.restart_if_exited()? {
                bail!("the bot exited while starting: {}", self.log_tail());
            }
            if Instant::now() >= deadline {
                bail!(
                    "the bot did not listen on {addr} within {limit:?}: {}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.kill();
    }
}
