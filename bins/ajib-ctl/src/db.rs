//! Opening the database from the CLI: a small tokio runtime around `ajib_storage::Store`.

use std::{
    future::Future,
    os::unix::fs::DirBuilderExt,
    path::{Path, PathBuf},
};

use anyhow::Context;

use crate::{envfile::EnvFile, paths::Paths, system};

/// An open store plus the runtime it needs; files are handed back to the service user on drop.
#[derive(Debug)]
pub struct Db {
    // `None` only inside `Drop`, which closes the pool within the runtime.
    store: Option<ajib_storage::Store>,
    rt: tokio::runtime::Runtime,
    path: PathBuf,
    data_dir: PathBuf,
}

impl Db {
    /// Opens the existing database; fails with the path if there is none yet.
    pub fn open_existing(paths: &Paths, env: &EnvFile) -> anyhow::Result<Self> {
        let path = paths.db(env);
        if !path.is_file() {
            anyhow::bail!(
                "no database at {} yet (ajib-bot creates it on first start: ajib-ctl start)",
                path.display()
            );
        }
        Self::open(paths, env, &path)
    }

    /// Opens the database, creating it (and running migrations) if needed.
    pub fn open_or_create(paths: &Paths, env: &EnvFile) -> anyhow::Result<Self> {
        let path = paths.db(env);
        if let Some(dir) = path.parent().filter(|it| !it.exists()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        Self::open(paths, env, &path)
    }

    fn open(paths: &Paths, env: &EnvFile, path: &Path) -> anyhow::Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let store = {
            let _guard = rt.enter();
            ajib_storage::Store::open(path)
                .with_context(|| format!("cannot open database {}", path.display()))?
        };
        Ok(Self {
            store: Some(store),
            rt,
            path: path.to_owned(),
            data_dir: paths.data_dir(env),
        })
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &ajib_storage::Store {
        self.store
            .as_ref()
            .unwrap_or_else(|| unreachable!("the store is only taken in Drop"))
    }

    /// Runs a future on the runtime.
    pub fn block<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        {
            // The pool hands its connections to blocking tasks, which need the runtime.
            let _guard = self.rt.enter();
            drop(self.store.take());
        }
        // Root may have created the database or its WAL files; the service must own them.
        for suffix in ["", "-wal", "-shm"] {
            let mut name = self.path.clone().into_os_string();
            name.push(suffix);
            system::chown_like(Path::new(&name), &self.data_dir);
        }
    }
}
