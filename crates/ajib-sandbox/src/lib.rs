//! `ajib-bot sandbox`: the real bot on fake Telegram, Blitz and Heleket, with a web chat.
//!
//! Only the base URLs differ from production. A service that IS configured
//! (e.g. `BLITZ_API_BASE` and `BLITZ_API_KEY` in the environment) is used for
//! real instead of its fake, so an operator can try their own panel first.
//!
//! This crate is also the end-to-end test harness (`tests/e2e`): [`Sandbox`]
//! starts the fakes and the real wiring in one process. It is the only
//! non-test user of `ajib-testkit`, and the `ajib-bot` binary links it only
//! with its default `sandbox` feature, so release builds carry no fake server.
//!
//! The sandbox keeps to itself: `ajib-bot sandbox` refuses to start as root or on a
//! server with an installed AJIB (`/etc/ajib/ajib.env`) unless told `--allow-on-server`
//! ([`check_host`]); it never reads `/etc/ajib` (no `ajib.toml`, and backups include only
//! a config file in its own data directory, see [`backup_settings`]); and its web chat
//! answers only requests addressed to its own loopback address ([`webchat`]).
//!
//! Not here: any behaviour of the bot itself (ajib-app), or the fakes (ajib-testkit).

pub mod webchat;

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use ajib_config::Config;
use ajib_domain::{Currency, Money, NewPlan, PlanName};
use ajib_testkit::{
    blitz::FakeBlitz,
    heleket::FakeHeleket,
    telegram::{FakeTelegram, SimUser},
};
use ajib_transport::TelegramApi;
use anyhow::Context;

use ajib_app::{
    app::{App, Clients},
    core::backup::BackupSettings,
    deps::now,
    http,
};

/// The simulated admin's Telegram id.
pub const ADMIN_ID: i64 = 1000;
const FAKE_BLITZ_TOKEN: &str = "sandbox-blitz-token";
const FAKE_MERCHANT: &str = "sandbox-merchant";
const FAKE_HELEKET_KEY: &str = "sandbox-heleket-key";
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);

/// A running sandbox: the fakes it started and the bot.
#[derive(Debug)]
pub struct Sandbox {
    /// The running bot.
    pub app: App,
    /// The fake Bot API the web chat plays against.
    pub telegram: Arc<FakeTelegram>,
    /// The fake panel, unless a real one is configured.
    pub blitz: Option<FakeBlitz>,
    /// Further fake panels ([`Sandbox::add_fake_panel`]), in the order they were added.
    pub more_blitz: Vec<FakeBlitz>,
    /// The fake Heleket, unless a real one is configured.
    pub heleket: Option<FakeHeleket>,
    /// Where the web chat is served.
    pub chat_addr: SocketAddr,
    config: Config,
    clients: Clients,
    _data_dir: Option<tempfile::TempDir>,
}

/// The simulated users of the web chat.
#[must_use]
pub fn sim_users() -> Vec<SimUser> {
    let mut user_a = SimUser::new(1001, "Sara");
    user_a.username = Some("sara".to_owned());
    user_a.language_code = Some("en".to_owned());
    let mut user_b = SimUser::new(1002, "Reza");
    user_b.username = Some("reza".to_owned());
    user_b.language_code = Some("fa".to_owned());
    let mut admin = SimUser::new(ADMIN_ID, "Admin");
    admin.username = Some("admin".to_owned());
    vec![user_a, user_b, admin]
}

/// The demo agent (Arman), in the main bot.
pub const DEMO_AGENT_ID: i64 = 1003;
/// The customer (Mina) who talks to the demo agent's own bot.
pub const DEMO_CUSTOMER_ID: i64 = 1004;
/// The demo agent's bot's @username, id and token in the fake Bot API.
pub const DEMO_AGENT_BOT: &str = "nova_vpn_bot";
const DEMO_AGENT_BOT_ID: i64 = 777_003;
const DEMO_AGENT_BOT_TOKEN: &str = "777003:NovaDemoTokenForTheSandbox000000000";

/// The demo agent and the customer of his bot, for the web chat.
#[must_use]
pub fn demo_agent_users() -> Vec<SimUser> {
    let mut agent = SimUser::new(DEMO_AGENT_ID, "Arman");
    agent.username = Some("arman_agent".to_owned());
    agent.language_code = Some("en".to_owned());
    let mut customer = SimUser::new(DEMO_CUSTOMER_ID, "Mina");
    customer.language_code = Some("en".to_owned());
    vec![agent, customer]
}

/// Makes Arman an agent (20 % off, 20.00 of credit, brand "Nova VPN") and
/// connects his bot, verified with `getMe` like a token typed in the bot; once.
pub async fn seed_demo_agent(sandbox: &Sandbox) -> anyhow::Result<()> {
    let deps = &sandbox.app.deps;
    let agent = ajib_domain::TelegramId(DEMO_AGENT_ID);
    if deps.store.get_agent(agent).await?.is_none() {
        let terms = ajib_storage::AgentEdit {
            percent_off: Some(20),
            credit_limit_minor: Some(2_000),
            brand: Some(Some("Nova VPN".to_owned())),
            support: Some(Some("@nova_support".to_owned())),
            ..Default::default()
        };
        deps.store
            .add_agent(agent, terms, ajib_storage::Actor::Cli, now())
            .await?;
    }
    if deps.store.agent_bot(agent).await?.is_none() {
        let bot = ajib_app::agent_bots::verify_token(deps, DEMO_AGENT_BOT_TOKEN)
            .await
            .context("the demo agent's bot")?;
        deps.store.connect_agent_bot(agent, bot, now()).await?;
        ajib_app::agent_bots::wake(deps);
    }
    Ok(())
}

/// The config file of an installed AJIB; where it exists, this is a server.
pub const INSTALLED_ENV_FILE: &str = "/etc/ajib/ajib.env";

/// Why the sandbox will not start here (without `--allow-on-server`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The process runs as root.
    Root,
    /// An installed AJIB's config file exists.
    Installed,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Root => write!(
                f,
                "the sandbox does not run as root: its web chat plays the bot's owner and its \
                 fakes accept anything. Run it as your own user (without sudo), or pass \
                 --allow-on-server if you really mean it"
            ),
            Refusal::Installed => write!(
                f,
                "{INSTALLED_ENV_FILE} exists, so this is a server running AJIB; the sandbox is for \
                 trying AJIB on your own machine. Pass --allow-on-server to start it anyway (it \
                 still never reads /etc/ajib)"
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// Whether the sandbox may start: not as root (`euid` 0) and not where `installed_env_file` exists, unless `allow_on_server`.
pub fn check_host(
    euid: Option<u32>,
    installed_env_file: &Path,
    allow_on_server: bool,
) -> Result<(), Refusal> {
    if allow_on_server {
        return Ok(());
    }
    if euid == Some(0) {
        return Err(Refusal::Root);
    }
    // A file we may not even read still means AJIB is installed here.
    if std::fs::symlink_metadata(installed_env_file).is_ok() {
        return Err(Refusal::Installed);
    }
    Ok(())
}

/// The effective uid of this process, from `/proc/self/status` (`None` where there is no such file).
#[must_use]
pub fn euid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// The sandbox's demo card: a made-up number, in tomans at 95,000 per dollar.
fn demo_card() -> anyhow::Result<ajib_config::CardConfig> {
    Ok(ajib_config::CardConfig {
        number: ajib_config::CardNumber::parse("6037 0000 1234 5678")
            .map_err(anyhow::Error::msg)?,
        holder: "AJIB Sandbox".to_owned(),
        bank: Some("Demo Bank".to_owned()),
        currency: "IRT".to_owned(),
        rate: 95_000,
        approval_hours: 24,
    })
}

/// The sandbox's backups: archives in `<data dir>/backups`, holding only `<data dir>/ajib.env` if there is one.
#[must_use]
pub fn backup_settings(data_dir: &Path) -> BackupSettings {
    BackupSettings {
        dir: data_dir.join("backups"),
        env_files: vec![data_dir.join("ajib.env")],
    }
}

/// `ajib-bot sandbox`: checks where it runs ([`check_host`]), then runs until Ctrl-C.
pub fn run(
    config: Config,
    data_dir: Option<PathBuf>,
    port: u16,
    allow_on_server: bool,
) -> anyhow::Result<()> {
    check_host(euid(), Path::new(INSTALLED_ENV_FILE), allow_on_server)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let mut sandbox = Sandbox::start(config, data_dir, port).await?;
        two_locations(&mut sandbox).await?;
        seed_demo_agent(&sandbox).await?;
        println!();
        println!("  AJIB sandbox is running.");
        println!("  Open the web chat:   http://{}/", sandbox.chat_addr);
        println!(
            "  Bot HTTP (healthz):  http://{}/healthz",
            sandbox.app.http_addr
        );
        println!(
            "  Live metrics:        http://{}/metrics",
            sandbox.app.http_addr
        );
        println!(
            "  Database:            {}",
            sandbox.app.deps.store.path().display()
        );
        for panel in sandbox.app.deps.store.list_panels().await? {
            let first = sandbox.blitz.as_ref().map(|it| it.base_url().to_owned());
            let base = panel
                .api_base
                .or(first)
                .unwrap_or_else(|| "BLITZ_API_BASE".to_owned());
            println!("  Panel {:<14} {} at {base}", panel.name, panel.location);
        }
        println!(
            "  Agent:               Arman (🧑‍💼 Agent in his menu), with his own bot @{DEMO_AGENT_BOT}"
        );
        println!("                       that Mina talks to in the web chat");
        println!("  Press Ctrl-C to stop.");
        println!();
        let _ = tokio::signal::ctrl_c().await;
        println!("stopping…");
        sandbox.app.shutdown().await;
        Ok(())
    })
}

impl Sandbox {
    /// Starts the fakes, the bot and the web chat (`port` 0 picks a free port).
    pub async fn start(
        mut config: Config,
        data_dir: Option<PathBuf>,
        port: u16,
    ) -> anyhow::Result<Sandbox> {
        let (data_dir, temp) = match data_dir {
            Some(dir) => (dir, None),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("ajib-sandbox-")
                    .tempdir()
                    .context("no temp dir")?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        let telegram =
            Arc::new(FakeTelegram::try_start().context("cannot start the fake Bot API")?);
        for user in sim_users().into_iter().chain(demo_agent_users()) {
            telegram.add_user(&user);
        }
        // The demo agent's own bot, served by the fake; the sandbox command connects it.
        let agent_bot = telegram.add_bot(DEMO_AGENT_BOT_TOKEN, DEMO_AGENT_BOT_ID, DEMO_AGENT_BOT);
        // A configured REQUIRED_CHANNEL exists in the fake, so the join flow can be tried:
        // the web chat's join button makes the simulated user a member.
        if let Some(username) = config
            .required_channel
            .as_ref()
            .map(|it| it.chat.as_str())
            .filter(|it| it.starts_with('@'))
        {
            telegram.create_channel(username);
        }
        let listener = http::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let bot_addr = listener.local_addr().context("no local address")?;
        config.data_dir = data_dir.clone();
        config.database_path = data_dir.join("ajib.db");
        config.public_url = Some(format!("http://{bot_addr}"));
        config.admin_ids = vec![ADMIN_ID];
        config.telegram = None;
        if config.backup_signing_key.is_none() {
            config.backup_signing_key = Some(signing_key(&data_dir)?);
        }
        if config.support_contact.is_none() {
            config.support_contact = Some("@ajib_support".to_owned());
        }
        // Referral rewards to try by hand (a friend invited from the web chat
        // earns them), unless the sandbox's configuration sets its own.
        if config.referral.reward_minor == 0 && config.referral.percent == 0 {
            config.referral.reward_minor = 100;
            if config.referral.welcome_minor == 0 {
                config.referral.welcome_minor = 50;
            }
        }
        // A demo card, so card-to-card can be tried from the web chat, unless one is configured.
        if config.card.is_none() {
            config.card = Some(demo_card()?);
        }
        // Telegram Stars on (50 Stars per 1.00 unless configured), so the web
        // chat can pay a plan in Stars through the fake's payment flow.
        config.stars.enabled = true;
        if config.stars.per_unit == 0 {
            config.stars.per_unit = 50;
        }
        if config.client_downloads.is_empty() {
            config.client_downloads = vec![
                (
                    "ANDROID".to_owned(),
                    "https://github.com/2dust/v2rayNG/releases".to_owned(),
                ),
                (
                    "IOS".to_owned(),
                    "https://apps.apple.com/app/streisand/id6450534064".to_owned(),
                ),
                (
                    "WINDOWS".to_owned(),
                    "https://github.com/hiddify/hiddify-app/releases".to_owned(),
                ),
            ];
        }
        let (blitz, fake_blitz) = blitz_client(&config)?;
        let (heleket, fake_heleket) = heleket_client(&mut config)?;
        let telegram_api =
            TelegramApi::new(&telegram.api_base(), telegram.token()).context("fake telegram")?;
        let clients = Clients {
            telegram: telegram_api,
            blitz,
            heleket,
        };
        let backups = backup_settings(&config.data_dir);
        let app = App::start(&config, clients.clone(), listener, None, backups).await?;
        seed_demo_plans(&app.deps.store).await?;
        seed_demo_promo(&app.deps.store).await?;
        let chat_listener = http::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
        let chat_addr = chat_listener.local_addr().context("no local address")?;
        let chat = webchat::router_with_bots(
            telegram.clone(),
            sim_users().into_iter().chain(demo_agent_users()).collect(),
            HashMap::from([(DEMO_CUSTOMER_ID, agent_bot)]),
            chat_addr,
        );
        let (_never, never_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            let _keep_open = _never;
            if let Err(err) = http::serve(chat_listener, chat, never_rx).await {
                log::error!("web chat stopped: {err}");
            }
        });
        Ok(Sandbox {
            app,
            telegram,
            blitz: fake_blitz,
            more_blitz: Vec::new(),
            heleket: fake_heleket,
            chat_addr,
            config,
            clients,
            _data_dir: temp,
        })
    }

    /// Starts another fake panel and registers it as panel `name` in
    /// `location` (with room for `capacity` active accounts, `None` for no
    /// limit); its state is its own.
    pub async fn add_fake_panel(
        &mut self,
        name: &str,
        location: &str,
        capacity: Option<u32>,
    ) -> anyhow::Result<(ajib_domain::PanelId, &FakeBlitz)> {
        let fake =
            FakeBlitz::try_start(FAKE_BLITZ_TOKEN).context("cannot start a fake Blitz panel")?;
        let panel = ajib_storage::NewPanel {
            name: ajib_domain::validate_panel_name(name)?,
            location: ajib_domain::validate_location(location)?,
            api_base: fake.base_url().to_owned(),
            token: ajib_storage::NewToken::Stored(FAKE_BLITZ_TOKEN.to_owned()),
            capacity,
        };
        let added = self.app.deps.store.add_panel(&panel, now()).await?;
        self.more_blitz.push(fake);
        let fake = self.more_blitz.last().context("the panel just added")?;
        Ok((added.id, fake))
    }

    /// The sandbox's SQLite file, for tests that must reach below the bot.
    #[must_use]
    pub fn database_path(&self) -> &std::path::Path {
        &self.config.database_path
    }

    /// Stops the bot and starts a fresh one on the same database and fakes, as a service restart would.
    pub async fn restart_bot(&mut self) -> anyhow::Result<()> {
        self.app.stop().await;
        let listener = http::bind(self.app.http_addr).await?;
        let backups = backup_settings(&self.config.data_dir);
        self.app = App::start(&self.config, self.clients.clone(), listener, None, backups).await?;
        Ok(())
    }
}

fn blitz_client(config: &Config) -> anyhow::Result<(blitz::Client, Option<FakeBlitz>)> {
    if let Some(real) = &config.blitz {
        log::info!(
            "sandbox uses the configured Blitz panel at {}",
            real.api_base
        );
        let client = blitz::Client::new(&real.api_base, real.api_key.expose(), CLIENT_TIMEOUT)?;
        return Ok((client, None));
    }
    let fake =
        FakeBlitz::try_start(FAKE_BLITZ_TOKEN).context("cannot start the fake Blitz panel")?;
    let client = blitz::Client::new(fake.base_url(), FAKE_BLITZ_TOKEN, CLIENT_TIMEOUT)?;
    Ok((client, Some(fake)))
}

fn heleket_client(config: &mut Config) -> anyhow::Result<(heleket::Client, Option<FakeHeleket>)> {
    if let Some(real) = &config.heleket {
        log::info!("sandbox uses the configured Heleket account");
        let client = heleket::Client::new(
            &real.api_base,
            &real.merchant_id,
            real.api_key.expose(),
            CLIENT_TIMEOUT,
        )?;
        return Ok((client, None));
    }
    let fake = FakeHeleket::try_start(FAKE_MERCHANT, FAKE_HELEKET_KEY)
        .context("cannot start the fake Heleket")?;
    let client = heleket::Client::new(
        fake.base_url(),
        FAKE_MERCHANT,
        FAKE_HELEKET_KEY,
        CLIENT_TIMEOUT,
    )?;
    config.heleket = Some(ajib_config::HeleketConfig {
        api_base: fake.base_url().to_owned(),
        merchant_id: FAKE_MERCHANT.to_owned(),
        api_key: ajib_config::Secret::new(FAKE_HELEKET_KEY),
        webhook_key: ajib_config::Secret::new(FAKE_HELEKET_KEY),
        network: None,
        currency: "USD".to_owned(),
        invoice_lifetime_secs: 3600,
    });
    Ok((client, Some(fake)))
}

/// The sandbox's own backup signing key, kept in its data directory (0600)
/// so its backups restore after a restart on the same directory.
fn signing_key(data_dir: &std::path::Path) -> anyhow::Result<ajib_config::Secret> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;

    let path = data_dir.join("backup-signing.key");
    if let Ok(key) = std::fs::read_to_string(&path) {
        return Ok(ajib_config::Secret::new(key.trim()));
    }
    let mut bytes = [0_u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| anyhow::anyhow!("no randomness for the backup signing key"))?;
    let key: String = bytes.iter().map(|it| format!("{it:02x}")).collect();
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .and_then(|mut file| file.write_all(key.as_bytes()))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(ajib_config::Secret::new(&key))
}

/// The interactive sandbox sells in two locations: its first panel becomes
/// "🇩🇪 Germany" and a second fake panel "🇳🇱 Netherlands" joins it (once: a
/// sandbox started again on the same data directory keeps its panels, each
/// second panel aimed at this run's fake).
async fn two_locations(sandbox: &mut Sandbox) -> anyhow::Result<()> {
    let store = sandbox.app.deps.store.clone();
    let first = ajib_storage::PanelEdit {
        location: Some("🇩🇪 Germany".to_owned()),
        ..Default::default()
    };
    store
        .edit_panel(ajib_domain::PanelId::FIRST, &first, now())
        .await?;
    let (id, fake) = match store.find_panel(SECOND_PANEL).await? {
        Some(known) => {
            let fake = FakeBlitz::try_start(FAKE_BLITZ_TOKEN)
                .context("cannot start a fake Blitz panel")?;
            sandbox.more_blitz.push(fake);
            (
                known.id,
                sandbox
                    .more_blitz
                    .last()
                    .context("the panel just started")?,
            )
        }
        None => {
            sandbox
                .add_fake_panel(SECOND_PANEL, "🇳🇱 Netherlands", Some(500))
                .await?
        }
    };
    let aim = ajib_storage::PanelEdit {
        api_base: Some(fake.base_url().to_owned()),
        ..Default::default()
    };
    store.edit_panel(id, &aim, now()).await?;
    sandbox.app.deps.panels.forget(id);
    Ok(())
}

/// The name of the interactive sandbox's second panel.
const SECOND_PANEL: &str = "nl-1";

/// The promo code the sandbox offers to try: 10 % off every plan.
pub const DEMO_PROMO: &str = "WELCOME10";

/// [`DEMO_PROMO`], so "🏷 I have a code" can be tried by hand; kept if it exists.
pub async fn seed_demo_promo(store: &ajib_storage::Store) -> anyhow::Result<()> {
    let key = ajib_storage::PromoKey::Text(DEMO_PROMO);
    if store.get_promo(key).await?.is_some() {
        return Ok(());
    }
    let draft = ajib_storage::PromoDraft {
        code: DEMO_PROMO.to_owned(),
        percent: Some(10),
        ..ajib_storage::PromoDraft::default()
    };
    let promo = draft.validate(Currency::USD)?;
    store
        .add_promo(&promo, ajib_storage::Actor::System, now())
        .await?;
    Ok(())
}

/// Three plans so the shop is not empty on first start; kept if plans exist.
pub async fn seed_demo_plans(store: &ajib_storage::Store) -> anyhow::Result<()> {
    if !store.list_plans(false).await?.is_empty() {
        return Ok(());
    }
    let demo = [
        ("Starter", "اقتصادی", 30, 50, "3.00"),
        ("Standard", "استاندارد", 30, 150, "5.00"),
        ("Quarterly", "سه‌ماهه", 90, 0, "12.00"),
    ];
    for (en, fa, days, gb, price) in demo {
        let plan = NewPlan {
            name: PlanName {
                en: en.to_owned(),
                fa: fa.to_owned(),
            },
            days,
            traffic_gb: gb,
            price: Money::parse(price, Currency::USD)?,
            active: true,
            sort_order: 0,
        };
        store.insert_plan(&plan.validate()?, now()).await?;
    }
    Ok(())
}
