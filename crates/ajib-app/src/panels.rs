//! The Blitz panels' clients, built from the `panels` table and cached.
//!
//! The first panel is `BLITZ_API_BASE`/`BLITZ_API_KEY` (its client comes from
//! the configuration, as before panels were data); every other panel's
//! client is built from its row and its token (kept in the database or read
//! from a file) the first time it is needed, and rebuilt after
//! [`CLIENT_TTL`] so that `ajib-ctl panels edit`, which runs in another
//! process, takes effect without a restart.

use std::{
    collections::HashMap,
    sync::RwLock,
    time::{Duration, Instant},
};

use ajib_domain::PanelId;
use ajib_storage::{Panel, PanelAccess, Store};

/// How long a built client is used before its row is read again.
pub const CLIENT_TTL: Duration = Duration::from_secs(60);

/// Why a panel's client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PanelError {
    /// No panel has this id.
    #[error("panel {0} does not exist")]
    Missing(PanelId),
    /// Its token could not be found.
    #[error(transparent)]
    Access(#[from] ajib_storage::AccessError),
    /// The stored API base is not a usable URL.
    #[error("panel {panel}: {source}")]
    Client {
        /// The panel's name.
        panel: String,
        /// The client's complaint.
        source: blitz::Error,
    },
    /// The database could not be read.
    #[error(transparent)]
    Store(#[from] ajib_storage::Error),
}

/// Every panel's client.
#[derive(Debug)]
pub struct Panels {
    first: blitz::Client,
    timeout: Duration,
    built: RwLock<HashMap<PanelId, (blitz::Client, Instant)>>,
}

impl Panels {
    /// Panels whose first one is reached with `first`; other clients get `timeout`.
    #[must_use]
    pub fn new(first: blitz::Client, timeout: Duration) -> Self {
        Self {
            first,
            timeout,
            built: RwLock::new(HashMap::new()),
        }
    }

    /// The client of panel `id`.
    pub async fn client(&self, store: &Store, id: PanelId) -> Result<blitz::Client, PanelError> {
        if let Some(client) = self.cached(id) {
            return Ok(client);
        }
        let panel = store.get_panel(id).await?.ok_or(PanelError::Missing(id))?;
        let client = self.build(store, &panel).await?;
        if let Ok(mut built) = self.built.write() {
            built.insert(id, (client.clone(), Instant::now()));
        }
        Ok(client)
    }

    /// Drops the cached client of `id`, after its row changed in this process.
    pub fn forget(&self, id: PanelId) {
        if let Ok(mut built) = self.built.write() {
            built.remove(&id);
        }
    }

    fn cached(&self, id: PanelId) -> Option<blitz::Client> {
        let built = self.built.read().ok()?;
        let (client, at) = built.get(&id)?;
        (at.elapsed() < CLIENT_TTL).then(|| client.clone())
    }

    /// A client for `panel` as its row says now.
    pub async fn build(&self, store: &Store, panel: &Panel) -> Result<blitz::Client, PanelError> {
        match store.panel_access(panel).await? {
            PanelAccess::Config => Ok(self.first.clone()),
            PanelAccess::Direct { api_base, token } => {
                blitz::Client::new(&api_base, token.expose(), self.timeout).map_err(|source| {
                    PanelError::Client {
                        panel: panel.name.clone(),
                        source,
                    }
                })
            }
        }
    }
}
