//! Wiring: builds [`Deps`] from configuration and clients, starts the workers,
//! the update source and the HTTP server, and stops them all on shutdown.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use ajib_config::{Config, Secret, UpdateMode};
use ajib_domain::{Currency, Lang};
use ajib_i18n::Catalog;
use ajib_storage::Store;
use ajib_transport::{
    FloodGuard, Limits, Outbox, TelegramApi, TransportEvent, UpdateHandler, WEBHOOK_PATH,
};
use anyhow::Context;
use tokio::{sync::watch, task::JoinSet};

use crate::{
    blocking::{blocking, pause},
    core::{
        autorenew,
        backup::{self, BackupSettings},
        broadcast, mail, moves, panel_health, poller, provision, referral_days, reminders,
    },
    deps::{Deps, Health, Settings},
    http,
    ui::{intake::Intake, router},
};

/// Timeout of every Blitz and Heleket call.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);
/// How often the database's write-ahead log is copied into its file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// How long in-flight work may take to finish after SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// The three external services, already aimed at their base URLs.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Telegram Bot API.
    pub telegram: TelegramApi,
    /// The first Blitz panel (`BLITZ_API_BASE`); the others are built from the `panels` table.
    pub blitz: blitz::Client,
    /// Heleket.
    pub heleket: heleket::Client,
}

/// A running bot.
#[derive(Debug)]
pub struct App {
    /// What handlers and workers share.
    pub deps: Arc<Deps>,
    /// Where the HTTP server listens.
    pub http_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

/// Builds the production clients from a complete configuration.
pub fn production_clients(config: &Config) -> anyhow::Result<Clients> {
    let production = config.production()?;
    let telegram = TelegramApi::new(
        &production.telegram.api_base,
        production.telegram.token.expose(),
    )
    .context("TELEGRAM_API_BASE / TELEGRAM_BOT_TOKEN")?;
    let blitz = blitz::Client::new(
        &production.blitz.api_base,
        production.blitz.api_key.expose(),
        CLIENT_TIMEOUT,
    )
    .context("BLITZ_API_BASE / BLITZ_API_KEY")?;
    let heleket = heleket::Client::new(
        &production.heleket.api_base,
        &production.heleket.merchant_id,
        production.heleket.api_key.expose(),
        CLIENT_TIMEOUT,
    )
    .context("HELEKET_API_BASE / HELEKET_MERCHANT_ID / HELEKET_API_KEY")?;
    Ok(Clients {
        telegram,
        blitz,
        heleket,
    })
}

/// Threads for blocking work (SQLite, the HTTP clients) in production.
const BLOCKING_THREADS: usize = 64;

/// `ajib-bot run`: the production service, until SIGTERM or Ctrl-C.
pub fn run_production(config: Config) -> anyhow::Result<()> {
    let clients = production_clients(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Database queries and the blocking HTTP clients run here; a few
        // threads keep every core busy, hundreds only switch between each other.
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = http::bind(config.http_listen).await?;
        let backups = BackupSettings::production(&config);
        let app = App::start(&config, clients, listener, None, backups).await?;
        log::info!(
            "ajib-bot {} running; HTTP on {}",
            env!("CARGO_PKG_VERSION"),
            app.http_addr
        );
        wait_for_signal().await;
        log::info!("shutting down: finishing in-flight work");
        app.shutdown().await;
        Ok(())
    })
}

impl App {
    /// Opens the database, starts every worker, the update source and the HTTP server.
    ///
    /// `backups` says where backups go and which config file they may include.
    pub async fn start(
        config: &Config,
        clients: Clients,
        listener: tokio::net::TcpListener,
        extra_routes: Option<axum::Router>,
        backups: BackupSettings,
    ) -> anyhow::Result<App> {
        let deps = Arc::new(build_deps(config, clients, &backups)?);
        // Before any worker: take back what a killed process left half done.
        let run = deps
            .store
            .begin_run(crate::deps::now())
            .await
            .context("cannot record this run in the database")?;
        if run.released_jobs > 0 || run.resent_mail > 0 {
            log::warn!(
                "run {}: took back {} job(s) and {} message(s) from a process that stopped without finishing",
                run.generation,
                run.released_jobs,
                run.resent_mail
            );
        }
        // The paying transactions read the reward rules from the database.
        deps.store
            .set_referral_rules(&referral_rules(&config.referral), crate::deps::now())
            .await
            .context("cannot record the referral rules in the database")?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let ui = Arc::new(router::UiState::new(FloodGuard::new(
            config.flood_max_updates,
            Duration::from_secs(u64::from(config.flood_window_secs)),
        )));
        let telegram_routes = match config.telegram.as_ref().map(|it| it.mode) {
            Some(UpdateMode::Webhook) => {
                let handler = update_handler(&deps, &ui);
                Some(start_webhook(config, &deps, handler).await?)
            }
            _ => {
                let api = deps.telegram.clone();
                let cleared = blocking(move || api.delete_webhook()).await?;
                if let Err(err) = cleared {
                    log::warn!("could not clear a webhook before polling: {err}");
                }
                let intake = Intake::new(deps.clone(), ui.clone());
                intake.resume().await;
                tasks.spawn(intake.clone().forget_handled(shutdown_rx.clone()));
                tasks.spawn(ajib_transport::run_long_polling_into(
                    deps.telegram.clone(),
                    intake.sink(),
                    shutdown_rx.clone(),
                ));
                None
            }
        };
        tasks.spawn(checkpoint_wal(deps.store.clone(), shutdown_rx.clone()));
        tasks.spawn(provision::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(moves::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(mail::worker::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(poller::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(reminders::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(referral_days::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(autorenew::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(panel_health::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(backup::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(broadcast::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(crate::core::card::run(deps.clone(), shutdown_rx.clone()));
        tasks.spawn(crate::agent_bots::supervisor::run(
            deps.clone(),
            shutdown_rx.clone(),
        ));
        let mut routes = http::router(deps.clone(), telegram_routes);
        if let Some(extra) = extra_routes {
            routes = routes.merge(extra);
        }
        let http_addr = listener
            .local_addr()
            .context("HTTP listener has no address")?;
        let http_shutdown = shutdown_rx.clone();
        tasks.spawn(async move {
            if let Err(err) = http::serve(listener, routes, http_shutdown).await {
                log::error!("HTTP server stopped: {err}");
            }
        });
        Ok(App {
            deps,
            http_addr,
            shutdown,
            tasks,
        })
    }

    /// Stops taking updates, lets in-flight work finish (bounded), and returns.
    pub async fn shutdown(mut self) {
        self.stop().await;
    }

    /// Like [`App::shutdown`], leaving the (stopped) value in place, e.g. to restart it.
    pub async fn stop(&mut self) {
        let _ = self.shutdown.send(true);
        let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            log::warn!(
                "some work did not finish within {SHUTDOWN_GRACE:?}; it resumes from the database on restart"
            );
            self.tasks.abort_all();
        }
    }
}

fn build_deps(config: &Config, clients: Clients, backups: &BackupSettings) -> anyhow::Result<Deps> {
    if let Some(dir) = config
        .database_path
        .parent()
        .filter(|it| !it.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let store = Store::open(&config.database_path).with_context(|| {
        format!(
            "cannot open the database {}",
            config.database_path.display()
        )
    })?;
    let texts = match &config.locales_dir {
        Some(dir) => Catalog::with_overrides(dir)
            .with_context(|| format!("LOCALES_DIR {}", dir.display()))?,
        None => Catalog::embedded().context("built-in texts")?,
    };
    let settings = settings(config, backups, &texts);
    let (outbox, events) = Outbox::start(clients.telegram.clone(), Limits::defaults());
    tokio::spawn(record_blocked_users(store.clone(), events));
    Ok(Deps {
        store,
        texts,
        outbox,
        telegram: clients.telegram,
        panels: crate::panels::Panels::new(clients.blitz, CLIENT_TIMEOUT),
        heleket: clients.heleket,
        settings,
        panel_lookups: Arc::new(tokio::sync::Semaphore::new(
            crate::ui::services::PANEL_LOOKUPS,
        )),
        invoice_calls: tokio::sync::Semaphore::new(crate::core::invoice::INVOICE_CALLS),
        provision_wake: tokio::sync::Notify::new(),
        moves_wake: tokio::sync::Notify::new(),
        broadcasts: Default::default(),
        health: Health::default(),
        alerts: Default::default(),
        metrics: Default::default(),
        membership: Default::default(),
        agent_bots: Default::default(),
    })
}

fn settings(config: &Config, backups: &BackupSettings, texts: &Catalog) -> Settings {
    let heleket = config.heleket.as_ref();
    let currency = heleket
        .and_then(|it| Currency::new(&it.currency).ok())
        .unwrap_or(Currency::USD);
    Settings {
        owner_ids: config.admin_ids.clone(),
        default_lang: default_lang(&config.locale_default, texts),
        support_contact: config.support_contact.clone(),
        required_channel: config.required_channel.clone(),
        client_downloads: config.client_downloads.clone(),
        test_account: config.test_account,
        currency,
        flood: (
            config.flood_max_updates,
            Duration::from_secs(u64::from(config.flood_window_secs)),
        ),
        invoice_lifetime_secs: heleket.map_or(3600, |it| it.invoice_lifetime_secs),
        invoice_network: heleket.and_then(|it| it.network.clone()),
        heleket_callback_url: config
            .public_url
            .as_ref()
            .map(|it| format!("{it}{}", http::HELEKET_WEBHOOK_PATH)),
        heleket_webhook_key: heleket.map_or_else(|| Secret::new(""), |it| it.webhook_key.clone()),
        provision_alert_after: config.provision_alert_after,
        backup_dir: backups.dir.clone(),
        backup_interval_hours: config.backup_interval_hours,
        backup_keep: config.backup_keep,
        env_file: backups.env_file(),
        backup_signing_key: backup::signing_key(config.backup_signing_key.as_ref()),
        auto_renew_days_before: config.auto_renew_days_before,
        card: config.card.clone(),
        stars: config.stars,
    }
}

/// `LOCALE_DEFAULT` if the bot has texts in it (built in or in `LOCALES_DIR`), else English.
fn default_lang(code: &str, texts: &Catalog) -> Lang {
    match Lang::parse(code).filter(|it| texts.speaks(*it)) {
        Some(lang) => lang,
        None => {
            log::warn!(
                "LOCALE_DEFAULT {code:?} has no texts (built in or in LOCALES_DIR); using English"
            );
            Lang::EN
        }
    }
}

/// The `REFERRAL_*` variables as the storage's rules.
fn referral_rules(config: &ajib_config::ReferralConfig) -> ajib_storage::ReferralRules {
    ajib_storage::ReferralRules {
        reward_minor: u64::from(config.reward_minor),
        reward_days: config.reward_days,
        percent: config.percent,
        mode: match config.every_purchase {
            true => ajib_storage::ReferralMode::EveryPurchase,
            false => ajib_storage::ReferralMode::FirstPurchase,
        },
        welcome_minor: u64::from(config.welcome_minor),
        daily_cap: config.daily_cap,
    }
}

/// The webhook's handler: each update is handled before Telegram gets its 200,
/// so Telegram redelivers what a crash interrupted.
fn update_handler(deps: &Arc<Deps>, ui: &Arc<router::UiState>) -> UpdateHandler {
    let (deps, ui) = (deps.clone(), ui.clone());
    Arc::new(move |update| {
        let (deps, ui) = (deps.clone(), ui.clone());
        Box::pin(async move {
            let received = std::time::Instant::now();
            ajib_transport::replying_to(received, router::handle(&deps, &ui, update)).await;
            deps.metrics.update_handled();
        })
    })
}

/// Registers the webhook with Telegram and returns its route.
async fn start_webhook(
    config: &Config,
    deps: &Arc<Deps>,
    handler: UpdateHandler,
) -> anyhow::Result<axum::Router> {
    let public_url = config
        .public_url
        .clone()
        .context("PUBLIC_URL is required for webhook mode")?;
    let secret = webhook_secret(config);
    let url = format!("{public_url}{WEBHOOK_PATH}");
    let api = deps.telegram.clone();
    let register_secret = secret.clone();
    blocking(move || api.set_webhook(&url, &register_secret))
        .await?
        .context("setWebhook failed")?;
    Ok(ajib_transport::webhook_router(secret, handler))
}

/// The configured secret, else one derived from the token (stable across restarts, never the token itself).
fn webhook_secret(config: &Config) -> String {
    let Some(telegram) = &config.telegram else {
        return String::new();
    };
    if let Some(secret) = &telegram.webhook_secret {
        return secret.expose().to_owned();
    }
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        format!("ajib-webhook:{}", telegram.token.expose()).as_bytes(),
    );
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

async fn record_blocked_users(
    store: Store,
    mut events: tokio::sync::mpsc::UnboundedReceiver<TransportEvent>,
) {
    while let Some(event) = events.recv().await {
        match event {
            TransportEvent::UserBlocked { chat_id } => {
                if let Err(err) = store
                    .set_user_blocked(ajib_domain::TelegramId(chat_id), true)
                    .await
                {
                    log::warn!("could not mark {chat_id} blocked: {err}");
                }
            }
        }
    }
}

/// Checkpoints the database every [`CHECKPOINT_EVERY`] until shutdown: the
/// store's own connection leaves that to this task, so no reply waits on it.
async fn checkpoint_wal(store: Store, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(err) = store.checkpoint().await {
            log::warn!("could not checkpoint the database: {err}");
        }
        if pause(CHECKPOINT_EVERY, &mut shutdown).await {
            return;
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(err) => {
                    log::warn!("cannot listen for SIGTERM ({err}); only Ctrl-C stops the bot");
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = term.recv() => (),
            _ = tokio::signal::ctrl_c() => (),
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
