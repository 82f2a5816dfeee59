//! The agents' bots running in this process, by agent: what the mail worker
//! and the supervisor share.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use ajib_domain::TelegramId;
use ajib_transport::{Outbox, TelegramApi};
use tokio::sync::{Notify, watch};

/// One running agent bot.
#[derive(Debug)]
pub struct RunningBot {
    /// The agent whose bot it is.
    pub agent: TelegramId,
    /// The bot's Telegram id.
    pub bot_id: i64,
    /// The bot's @username.
    pub username: String,
    /// Its Bot API client.
    pub api: TelegramApi,
    /// Its own outbound queue (Telegram's limits are per bot).
    pub outbox: Outbox,
    /// Stops its polling.
    pub stop: watch::Sender<bool>,
    /// Its own per-user flood guard: one bot's busy customer holds nobody else's.
    pub flood: std::sync::Mutex<ajib_transport::FloodGuard>,
}

/// The running agent bots, and the supervisor's doorbell.
#[derive(Debug, Default)]
pub struct AgentBots {
    running: RwLock<HashMap<TelegramId, Arc<RunningBot>>>,
    wake: Notify,
}

impl AgentBots {
    /// The running bot of `agent`.
    #[must_use]
    pub fn get(&self, agent: TelegramId) -> Option<Arc<RunningBot>> {
        self.read().get(&agent).cloned()
    }

    /// The outbox of `agent`'s running bot.
    #[must_use]
    pub fn outbox(&self, agent: TelegramId) -> Option<Outbox> {
        self.get(agent).map(|it| it.outbox.clone())
    }

    /// Every running bot.
    #[must_use]
    pub fn all(&self) -> Vec<Arc<RunningBot>> {
        self.read().values().cloned().collect()
    }

    /// Records a bot as running (replacing and stopping an older one of the agent).
    pub fn insert(&self, bot: Arc<RunningBot>) {
        let old = self.write().insert(bot.agent, bot);
        if let Some(old) = old {
            let _ = old.stop.send(true);
        }
    }

    /// Stops and forgets `agent`'s bot if it is the bot `bot_id`.
    pub fn remove(&self, agent: TelegramId, bot_id: i64) -> bool {
        let mut running = self.write();
        match running.get(&agent) {
            Some(bot) if bot.bot_id == bot_id => {
                let _ = bot.stop.send(true);
                running.remove(&agent);
                true
            }
            _ => false,
        }
    }

    /// Asks the supervisor to look at the bots now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits for [`AgentBots::wake`].
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<TelegramId, Arc<RunningBot>>> {
        self.running.read().unwrap_or_else(|it| it.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<TelegramId, Arc<RunningBot>>> {
        self.running.write().unwrap_or_else(|it| it.into_inner())
    }
}
