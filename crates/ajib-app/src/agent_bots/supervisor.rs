//! Starts and stops the agents' bots: one polling loop and one outbox per bot.
//!
//! Every `CHECK_EVERY` (and when woken by a connect or disconnect) the
//! active bots in the database are compared with the running ones: a new
//! one starts, a disconnected or replaced one stops. A bot whose token
//! Telegram refuses while it polls is revoked in the database, once, with the
//! agent's and the owners' alerts in the same transaction, and only that bot
//! stops.

use std::{collections::HashSet, sync::Arc, time::Duration};

use ajib_domain::TelegramId;
use ajib_i18n::Arg;
use ajib_storage::AgentBot;
use ajib_transport::{FloodGuard, Limits, Outbox, PollEnd, TransportEvent, UpdateHandler};
use tokio::sync::watch;

use crate::{
    agent_bots::{registry::RunningBot, storefront},
    blocking::blocking,
    core::{alerts, mail, notify},
    deps::{Deps, now},
};

/// How often the database is read for bots connected or disconnected elsewhere.
const CHECK_EVERY: Duration = Duration::from_secs(30);

/// Calls one agent bot may have in flight: its traffic is one shop's.
const BOT_IN_FLIGHT: usize = 2;

/// Runs until shutdown, then stops every bot.
pub async fn run(deps: Arc<Deps>, mut shutdown: watch::Receiver<bool>) {
    loop {
        reconcile(&deps).await;
        tokio::select! {
            () = deps.agent_bots.woken() => (),
            () = tokio::time::sleep(CHECK_EVERY) => (),
            res = shutdown.changed() => if res.is_err() || *shutdown.borrow() { break },
        }
    }
    for bot in deps.agent_bots.all() {
        deps.agent_bots.remove(bot.agent, bot.bot_id);
    }
}

/// Starts the bots that should run and stops the ones that should not.
pub async fn reconcile(deps: &Arc<Deps>) {
    let wanted = match deps.store.active_agent_bots().await {
        Ok(bots) => bots,
        Err(err) => return log::error!("cannot read the agents' bots: {err}"),
    };
    let keep: HashSet<(TelegramId, i64)> = wanted.iter().map(|it| (it.agent, it.bot_id)).collect();
    for running in deps.agent_bots.all() {
        if !keep.contains(&(running.agent, running.bot_id)) {
            log::info!(
                "agent {}'s bot @{} stopped",
                running.agent,
                running.username
            );
            deps.agent_bots.remove(running.agent, running.bot_id);
        }
    }
    for bot in wanted {
        let running = deps.agent_bots.get(bot.agent);
        if running.is_none_or(|it| it.bot_id != bot.bot_id) {
            start(deps, &bot);
        }
    }
}

/// Starts `bot`: its outbox and its polling loop on this runtime.
fn start(deps: &Arc<Deps>, bot: &AgentBot) {
    let api = match deps.telegram.for_token(&bot.token) {
        Ok(api) => api,
        Err(err) => return log::error!("agent {}'s bot cannot be served: {err}", bot.agent),
    };
    let limits = Limits {
        max_in_flight: BOT_IN_FLIGHT,
        ..Limits::defaults()
    };
    let (outbox, events) = Outbox::start(api.clone(), limits);
    let (stop, stop_rx) = watch::channel(false);
    let running = Arc::new(RunningBot {
        agent: bot.agent,
        bot_id: bot.bot_id,
        username: bot.username.clone(),
        api: api.clone(),
        outbox,
        stop,
        flood: std::sync::Mutex::new(FloodGuard::new(
            deps.settings.flood.0,
            deps.settings.flood.1,
        )),
    });
    deps.agent_bots.insert(running.clone());
    tokio::spawn(record_blocked(deps.clone(), bot.agent, events));
    tokio::spawn(serve(deps.clone(), running, stop_rx));
    log::info!("agent {}'s bot @{} started", bot.agent, bot.username);
    // Mail that waited for this bot goes out now.
    mail::wake();
}

/// Polls the bot until it is stopped or Telegram refuses its token.
async fn serve(deps: Arc<Deps>, bot: Arc<RunningBot>, stop: watch::Receiver<bool>) {
    let api = bot.api.clone();
    // A webhook left on the bot (from another tool) would make getUpdates fail.
    if let Ok(Err(err)) = blocking(move || api.delete_webhook()).await {
        log::warn!(
            "agent {}'s bot: could not clear its webhook: {err}",
            bot.agent
        );
    }
    let handler: UpdateHandler = {
        let (deps, bot) = (deps.clone(), bot.clone());
        Arc::new(move |update| {
            let (deps, bot) = (deps.clone(), bot.clone());
            Box::pin(async move { storefront::handle(&deps, &bot, update).await })
        })
    };
    match ajib_transport::poll_until_refused(bot.api.clone(), handler, stop).await {
        PollEnd::Shutdown => (),
        PollEnd::Refused(why) => refused(&deps, &bot, &why).await,
    }
}

/// Telegram refused the bot's token: it is revoked (once), its agent and the owners told.
async fn refused(deps: &Deps, bot: &RunningBot, why: &str) {
    log::warn!(
        "agent {}'s bot @{} stopped: Telegram refused its token ({why})",
        bot.agent,
        bot.username
    );
    deps.agent_bots.remove(bot.agent, bot.bot_id);
    let username = Arg::from(bot.username.as_str());
    let agent = bot.agent.to_string();
    let mut alerts = vec![
        notify::user_mail(
            deps,
            bot.agent,
            "agent-bot-revoked",
            &[("bot", username)],
            None,
        )
        .await,
    ];
    alerts.extend(
        alerts::owners_mail(
            deps,
            "admin-agent-bot-revoked",
            &[("bot", username), ("agent", Arg::from(agent.as_str()))],
        )
        .await,
    );
    match deps
        .store
        .revoke_agent_bot(bot.agent, bot.bot_id, why, alerts, now())
        .await
    {
        Ok(true) => mail::wake(),
        Ok(false) => (),
        Err(err) => log::error!(
            "could not record agent {}'s bot as revoked: {err}",
            bot.agent
        ),
    }
}

/// Records the bot's customers who blocked it.
async fn record_blocked(
    deps: Arc<Deps>,
    agent: TelegramId,
    mut events: tokio::sync::mpsc::UnboundedReceiver<TransportEvent>,
) {
    while let Some(TransportEvent::UserBlocked { chat_id }) = events.recv().await {
        if let Err(err) = deps
            .store
            .set_agent_customer_blocked(agent, TelegramId(chat_id))
            .await
        {
            log::warn!("could not record that {chat_id} blocked agent {agent}'s bot: {err}");
        }
    }
}
