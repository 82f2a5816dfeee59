//! What handlers and workers share: the store, texts, clients and settings.
//!
//! No per-user UI state lives here (dialogues are in SQLite, the flood guard
//! belongs to the router); the worker signals it carries are types their
//! owners define in leaf modules, so nothing here imports a worker.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{SystemTime, UNIX_EPOCH},
};

use ajib_domain::{Currency, Lang, PanelId, UnixTime};
use ajib_i18n::{Arg, Catalog};
use ajib_storage::{AdminRole, Store};
use ajib_transport::{Outbox, TelegramApi};
use tokio::sync::Notify;

use crate::{
    core::{alerts::throttle::Alerts, broadcast::control::Control},
    metrics::Metrics,
    panels::Panels,
};

/// Everything a handler or worker may use, shared behind an `Arc`.
#[derive(Debug)]
pub struct Deps {
    /// The database.
    pub store: Store,
    /// User-facing texts.
    pub texts: Catalog,
    /// Outbound Telegram queue.
    pub outbox: Outbox,
    /// Direct Bot API calls (files, webhook setup).
    pub telegram: TelegramApi,
    /// The Blitz panels' clients.
    pub panels: Panels,
    /// Heleket.
    pub heleket: heleket::Client,
    /// Settings from configuration.
    pub settings: Settings,
    /// Bounds the panel lookups screens make at once (see `ui::services::live_usages`).
    pub panel_lookups: Arc<tokio::sync::Semaphore>,
    /// Bounds the Heleket invoices being created at once (see `core::invoice::issue`).
    pub invoice_calls: tokio::sync::Semaphore,
    /// Wakes the provisioning worker when a job is queued.
    pub provision_wake: Notify,
    /// Wakes the move worker when a service move is started.
    pub moves_wake: Notify,
    /// Wakes the broadcast sender and keeps its progress edits in order.
    pub broadcasts: Control,
    /// Heartbeats of the workers, for `/healthz`.
    pub health: Health,
    /// When rate-limited admin alerts last went out.
    pub alerts: Alerts,
    /// Counters and latencies for `/metrics`.
    pub metrics: Metrics,
    /// Who was lately seen in the required channel.
    pub membership: crate::membership::Membership,
    /// The agents' bots running in this process.
    pub agent_bots: crate::agent_bots::registry::AgentBots,
}

/// Settings the handlers need, taken from [`ajib_config::Config`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// Owners from `TELEGRAM_ADMIN_IDS`.
    pub owner_ids: Vec<i64>,
    /// Language before a user chooses.
    pub default_lang: Lang,
    /// Support contact shown to users.
    pub support_contact: Option<String>,
    /// `REQUIRED_CHANNEL`: the channel customers must join before buying or taking a test.
    pub required_channel: Option<ajib_config::RequiredChannel>,
    /// Client download links as (platform, url).
    pub client_downloads: Vec<(String, String)>,
    /// Free test account rules.
    pub test_account: ajib_config::TestAccountConfig,
    /// Currency plan prices are in.
    pub currency: Currency,
    /// `FLOOD_MAX_UPDATES` per `FLOOD_WINDOW_SECS`: each agent bot's own per-user flood guard.
    pub flood: (u32, std::time::Duration),
    /// Invoice lifetime in seconds.
    pub invoice_lifetime_secs: u32,
    /// Default network for invoices.
    pub invoice_network: Option<String>,
    /// Where Heleket sends webhooks, if the bot is reachable.
    pub heleket_callback_url: Option<String>,
    /// Key that signs Heleket webhooks.
    pub heleket_webhook_key: ajib_config::Secret,
    /// Failed provisioning attempts before admins are alerted.
    pub provision_alert_after: u32,
    /// Where backups are written.
    pub backup_dir: std::path::PathBuf,
    /// Hours between automatic backups; 0 turns them off.
    pub backup_interval_hours: u32,
    /// Archives kept when pruning after an automatic backup.
    pub backup_keep: u32,
    /// The config file that goes into backups, if the bot can find one.
    pub env_file: Option<std::path::PathBuf>,
    /// `BACKUP_SIGNING_KEY`: signs backups and checks uploads; `None` makes unsigned backups.
    pub backup_signing_key: Option<ajib_backup::SigningKey>,
    /// `AUTO_RENEW_DAYS_BEFORE`: days before expiry auto-renew renews from the balance.
    pub auto_renew_days_before: u32,
    /// `CARD_*`: card-to-card payments, when configured.
    pub card: Option<ajib_config::CardConfig>,
    /// `STARS_*`: Telegram Stars payments.
    pub stars: ajib_config::StarsConfig,
}

/// Last heartbeat of each worker, in unix seconds.
#[derive(Debug, Default)]
pub struct Health {
    /// The provisioning worker.
    pub provision: AtomicI64,
    /// The invoice poller.
    pub poller: AtomicI64,
    /// The reminder scheduler.
    pub reminders: AtomicI64,
    /// The auto-renew worker.
    pub autorenew: AtomicI64,
    /// The panel health worker.
    pub panels: AtomicI64,
}

impl Health {
    /// Records that a worker is alive now.
    pub fn beat(slot: &AtomicI64) {
        slot.store(now().0, Ordering::Relaxed);
    }
}

/// The wall clock as [`UnixTime`]; the one place the bot reads it.
#[must_use]
pub fn now() -> UnixTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |it| it.as_secs());
    UnixTime(i64::try_from(secs).unwrap_or(i64::MAX))
}

impl Deps {
    /// Formats message `id` in `lang` as Telegram HTML; text arguments are
    /// escaped (pass [`ajib_i18n::Html`] for markup built on purpose).
    #[must_use]
    pub fn t(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        self.texts.text(lang, id, args)
    }

    /// Formats message `id` in `lang` as a button label: plain text, arguments as they are.
    #[must_use]
    pub fn label(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        self.texts.label(lang, id, args)
    }

    /// Runs `call` with panel `panel`'s client off the runtime, timed and counted as `op`.
    pub async fn blitz<T, F>(&self, panel: PanelId, op: &'static str, call: F) -> anyhow::Result<T>
    where
        F: FnOnce(&blitz::Client) -> Result<T, blitz::Error> + Send + 'static,
        T: Send + 'static,
    {
        let client = self.panels.client(&self.store, panel).await?;
        Ok(self.metrics.blitz.run(op, move || call(&client)).await??)
    }

    /// Owners and stored admins with their roles, each once.
    pub async fn staff_chats(&self) -> Vec<(i64, AdminRole)> {
        let mut res: Vec<(i64, AdminRole)> = self
            .settings
            .owner_ids
            .iter()
            .map(|id| (*id, AdminRole::Owner))
            .collect();
        match self.store.list_admins().await {
            Ok(admins) => {
                for admin in admins {
                    if !res.iter().any(|(chat, _)| *chat == admin.id.0) {
                        res.push((admin.id.0, admin.role));
                    }
                }
            }
            Err(err) => log::error!("cannot list admins to alert: {err}"),
        }
        res
    }
}

/// Shares `deps` with a spawned task.
pub type SharedDeps = Arc<Deps>;
