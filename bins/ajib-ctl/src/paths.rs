//! Where an installation lives, all under `--root` so tests can use a temp dir.

use std::path::{Path, PathBuf};

use crate::envfile::EnvFile;

/// The systemd unit name.
pub const SERVICE: &str = "ajib-bot";

/// The files and directories of one installation.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The install prefix (`/` in production).
    pub root: PathBuf,
    /// The config file.
    pub env_file: PathBuf,
    /// The binaries.
    pub bin_dir: PathBuf,
    /// The installed deploy scripts (update.sh, uninstall.sh).
    pub scripts_dir: PathBuf,
    /// The systemd unit file.
    pub unit_file: PathBuf,
    /// The default data dir (overridden by `DATA_DIR` in the config file).
    default_data_dir: PathBuf,
}

impl Paths {
    /// The layout under `root` (default `/`), with an optional explicit config file.
    #[must_use]
    pub fn new(root: Option<&Path>, env_file: Option<&Path>) -> Self {
        let root = root.map_or_else(|| PathBuf::from("/"), Path::to_owned);
        let env_file = env_file.map_or_else(|| root.join("etc/ajib/ajib.env"), Path::to_owned);
        Self {
            bin_dir: root.join("opt/ajib/bin"),
            scripts_dir: root.join("opt/ajib/scripts"),
            unit_file: root.join("etc/systemd/system/ajib-bot.service"),
            default_data_dir: root.join("var/lib/ajib"),
            env_file,
            root,
        }
    }

    /// Whether this is a real system install (no `--root` prefix).
    #[must_use]
    pub fn is_system(&self) -> bool {
        self.root == Path::new("/")
    }

    /// An absolute path from the config, moved under `--root`.
    #[must_use]
    pub fn rooted(&self, path: &str) -> PathBuf {
        let path = Path::new(path);
        match path.strip_prefix("/") {
            Ok(rel) => self.root.join(rel),
            Err(_) => path.to_owned(),
        }
    }

    /// The data dir: `DATA_DIR` from the config file, else `/var/lib/ajib`.
    #[must_use]
    pub fn data_dir(&self, env: &EnvFile) -> PathBuf {
        match env.get("DATA_DIR").filter(|it| !it.is_empty()) {
            Some(dir) => self.rooted(dir),
            None => self.default_data_dir.clone(),
        }
    }

    /// The database: `DATABASE_URL` (a path or `sqlite://path`), else `<data dir>/ajib.db`.
    #[must_use]
    pub fn db(&self, env: &EnvFile) -> PathBuf {
        match env.get("DATABASE_URL").filter(|it| !it.is_empty()) {
            Some(url) => {
                let path = url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                    .unwrap_or(url);
                self.rooted(path)
            }
            None => self.data_dir(env).join("ajib.db"),
        }
    }

    /// Where backups are kept.
    #[must_use]
    pub fn backups(&self, env: &EnvFile) -> PathBuf {
        self.data_dir(env).join("backups")
    }

    /// Where `backup restore` saves the database it replaces.
    #[must_use]
    pub fn safety_dir(&self, env: &EnvFile) -> PathBuf {
        self.backups(env).join("pre-restore")
    }
}
