//! An agent's own bot: its token (a secret), its state, and the people who write to it.
//!
//! The token is verified by the caller (`getMe`) before it is stored here. A
//! token Telegram refuses later is revoked here once, with its alerts queued
//! in the same transaction, and that bot alone stops.

use std::fmt;

use ajib_domain::{Lang, OrderId, ServiceId, TelegramId, UnixTime};
use rusqlite::{Connection, Row, params};
use serde_json::json;

use crate::{
    Actor, Error, NewMail, Store,
    admin::write_audit,
    agents::{AgentAccount, get_agent, read_account},
    mail::insert_mail,
    services::SERVICE_COLUMNS,
    store::{query_opt, query_vec, time},
};

/// A bot an agent connected.
#[derive(Clone, PartialEq, Eq)]
pub struct AgentBot {
    /// The agent.
    pub agent: TelegramId,
    /// The bot's Telegram id.
    pub bot_id: i64,
    /// The bot's @username, without the `@`.
    pub username: String,
    /// The bot token: a secret, never in a log or `Debug`.
    pub token: String,
    /// Whether it is served.
    pub state: AgentBotState,
    /// Why it stopped, when it did.
    pub state_note: Option<String>,
    /// When it was connected.
    pub connected: UnixTime,
}

impl fmt::Debug for AgentBot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentBot")
            .field("agent", &self.agent)
            .field("bot_id", &self.bot_id)
            .field("username", &self.username)
            .field("token", &"***")
            .field("state", &self.state)
            .field("state_note", &self.state_note)
            .finish()
    }
}

/// Whether an agent's bot is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentBotState {
    /// Served from this process.
    Active,
    /// Telegram refused its token; it is not served until the agent connects a new one.
    Revoked,
}

/// A bot token the caller verified with `getMe`.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAgentBot {
    /// The bot's Telegram id (from `getMe`).
    pub bot_id: i64,
    /// The bot's @username (from `getMe`).
    pub username: String,
    /// The token.
    pub token: String,
}

impl fmt::Debug for NewAgentBot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAgentBot")
            .field("bot_id", &self.bot_id)
            .field("username", &self.username)
            .field("token", &"***")
            .finish()
    }
}

/// Someone who wrote to an agent's bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentCustomer {
    /// Their Telegram id.
    pub user: TelegramId,
    /// Their first name.
    pub first_name: String,
    /// The language they read in that bot, once known.
    pub lang: Option<Lang>,
}

/// A sale made in an agent's bot: the agent and the customer who paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BotSale {
    /// The agent whose bot sold it.
    pub agent: TelegramId,
    /// The customer.
    pub customer: TelegramId,
}

const BOT_COLUMNS: &str = "agent_id, bot_id, username, token, state, state_note, created_at";

impl Store {
    /// Connects (or replaces) the agent's bot, active from now; audited without the token.
    pub async fn connect_agent_bot(
        &self,
        agent: TelegramId,
        bot: NewAgentBot,
        now: UnixTime,
    ) -> Result<AgentBot, Error> {
        self.with_tx(move |tx| {
            get_agent(tx, agent)?.ok_or(Error::NotFound { what: "agent" })?;
            let taken = crate::store::query_exists(
                tx,
                "SELECT 1 FROM agent_bots WHERE bot_id = ?1 AND agent_id <> ?2",
                params![bot.bot_id, agent.0],
            )?;
            if taken {
                return Err(Error::Conflict {
                    what: "this bot is connected by another agent",
                });
            }
            tx.prepare_cached(
                "INSERT INTO agent_bots (agent_id, bot_id, username, token, state, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?5) ON CONFLICT (agent_id) DO UPDATE SET \
                 bot_id = excluded.bot_id, username = excluded.username, token = excluded.token, \
                 state = 'active', state_note = NULL, created_at = excluded.created_at, \
                 updated_at = excluded.updated_at",
            )?
            .execute(params![agent.0, bot.bot_id, bot.username, bot.token, now.0])?;
            let after = json!({"agent": agent.0, "bot_id": bot.bot_id, "username": bot.username});
            write_audit(
                tx,
                Actor::Admin(agent),
                "agent.bot.connect",
                None,
                Some(&after.to_string()),
                now,
            )?;
            agent_bot(tx, agent)?.ok_or(Error::NotFound { what: "agent bot" })
        })
        .await
    }

    /// Disconnects the agent's bot; `false` if none was connected.
    pub async fn disconnect_agent_bot(
        &self,
        agent: TelegramId,
        now: UnixTime,
    ) -> Result<bool, Error> {
        self.with_tx(move |tx| {
            let n = tx
                .prepare_cached("DELETE FROM agent_bots WHERE agent_id = ?1")?
                .execute([agent.0])?;
            if n == 1 {
                let before = json!({"agent": agent.0});
                write_audit(
                    tx,
                    Actor::Admin(agent),
                    "agent.bot.disconnect",
                    Some(&before.to_string()),
                    None,
                    now,
                )?;
            }
            Ok(n == 1)
        })
        .await
    }

    /// The agent's bot, if one is connected (active or revoked).
    pub async fn agent_bot(&self, agent: TelegramId) -> Result<Option<AgentBot>, Error> {
        self.with_conn(move |conn| agent_bot(conn, agent)).await
    }

    /// Every connected bot, active or revoked, by agent.
    pub async fn agent_bots(&self) -> Result<Vec<AgentBot>, Error> {
        self.with_conn(move |conn| {
            query_vec(
                conn,
                &format!("SELECT {BOT_COLUMNS} FROM agent_bots ORDER BY agent_id"),
                [],
                read_bot,
            )
        })
        .await
    }

    /// Every bot to serve now.
    pub async fn active_agent_bots(&self) -> Result<Vec<AgentBot>, Error> {
        self.with_conn(move |conn| {
            query_vec(
                conn,
                &format!(
                    "SELECT {BOT_COLUMNS} FROM agent_bots WHERE state = 'active' ORDER BY agent_id"
                ),
                [],
                read_bot,
            )
        })
        .await
    }

    /// Marks the bot `bot_id` of `agent` revoked (Telegram refused its token)
    /// and queues `alerts` with it, once: `false` if it was not active.
    pub async fn revoke_agent_bot(
        &self,
        agent: TelegramId,
        bot_id: i64,
        note: &str,
        alerts: Vec<NewMail>,
        now: UnixTime,
    ) -> Result<bool, Error> {
        let note = note.to_owned();
        self.with_tx(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE agent_bots SET state = 'revoked', state_note = ?3, updated_at = ?4 \
                     WHERE agent_id = ?1 AND bot_id = ?2 AND state = 'active'",
                )?
                .execute(params![agent.0, bot_id, note, now.0])?;
            if n == 1 {
                insert_mail(tx, &alerts, now)?;
                let after = json!({"agent": agent.0, "bot_id": bot_id, "why": note});
                write_audit(
                    tx,
                    Actor::System,
                    "agent.bot.revoked",
                    None,
                    Some(&after.to_string()),
                    now,
                )?;
            }
            Ok(n == 1)
        })
        .await
    }

    /// Records that `user` wrote to the agent's bot; returns them as known there.
    pub async fn seen_by_agent_bot(
        &self,
        agent: TelegramId,
        user: TelegramId,
        first_name: &str,
        now: UnixTime,
    ) -> Result<AgentCustomer, Error> {
        let first_name: String = first_name.chars().take(64).collect();
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "INSERT INTO agent_customers (agent_id, user_id, first_name, created_at, last_seen) \
                 VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (agent_id, user_id) DO UPDATE SET \
                 first_name = excluded.first_name, last_seen = excluded.last_seen, blocked = 0",
            )?
            .execute(params![agent.0, user.0, first_name, now.0])?;
            agent_customer(conn, agent, user)?.ok_or(Error::NotFound {
                what: "agent customer",
            })
        })
        .await
    }

    /// A customer of the agent's bot, if they wrote to it.
    pub async fn agent_customer(
        &self,
        agent: TelegramId,
        user: TelegramId,
    ) -> Result<Option<AgentCustomer>, Error> {
        self.with_conn(move |conn| agent_customer(conn, agent, user))
            .await
    }

    /// Sets the language a customer reads in the agent's bot.
    pub async fn set_agent_customer_lang(
        &self,
        agent: TelegramId,
        user: TelegramId,
        lang: Lang,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "UPDATE agent_customers SET lang = ?3 WHERE agent_id = ?1 AND user_id = ?2",
            )?
            .execute(params![agent.0, user.0, lang.code()])?;
            Ok(())
        })
        .await
    }

    /// Records that a customer blocked the agent's bot.
    pub async fn set_agent_customer_blocked(
        &self,
        agent: TelegramId,
        user: TelegramId,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "UPDATE agent_customers SET blocked = 1 WHERE agent_id = ?1 AND user_id = ?2",
            )?
            .execute(params![agent.0, user.0])?;
            Ok(())
        })
        .await
    }

    /// The accounts a customer bought in the agent's bot, newest first.
    pub async fn customer_accounts(
        &self,
        agent: TelegramId,
        customer: TelegramId,
    ) -> Result<Vec<AgentAccount>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS}, label, customer_id FROM services \
                 WHERE customer_id = ?2 AND agent_id = ?1 ORDER BY id DESC LIMIT 50"
            );
            query_vec(conn, &sql, params![agent.0, customer.0], read_account)
        })
        .await
    }

    /// One account a customer bought in the agent's bot; `None` if not theirs.
    pub async fn customer_account(
        &self,
        agent: TelegramId,
        customer: TelegramId,
        service: ServiceId,
    ) -> Result<Option<AgentAccount>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS}, label, customer_id FROM services \
                 WHERE id = ?3 AND customer_id = ?2 AND agent_id = ?1"
            );
            query_opt(
                conn,
                &sql,
                params![agent.0, customer.0, service.0],
                read_account,
            )
        })
        .await
    }
}

fn agent_bot(conn: &Connection, agent: TelegramId) -> Result<Option<AgentBot>, Error> {
    query_opt(
        conn,
        &format!("SELECT {BOT_COLUMNS} FROM agent_bots WHERE agent_id = ?1"),
        [agent.0],
        read_bot,
    )
}

fn read_bot(row: &Row<'_>) -> Result<AgentBot, Error> {
    let state: String = row.get("state")?;
    Ok(AgentBot {
        agent: TelegramId(row.get("agent_id")?),
        bot_id: row.get("bot_id")?,
        username: row.get("username")?,
        token: row.get("token")?,
        state: match state.as_str() {
            "active" => AgentBotState::Active,
            "revoked" => AgentBotState::Revoked,
            _ => {
                return Err(Error::Decode {
                    column: "agent_bots.state",
                    raw: state,
                });
            }
        },
        state_note: row.get("state_note")?,
        connected: time(row, "created_at")?,
    })
}

fn agent_customer(
    conn: &Connection,
    agent: TelegramId,
    user: TelegramId,
) -> Result<Option<AgentCustomer>, Error> {
    query_opt(
        conn,
        "SELECT user_id, first_name, lang FROM agent_customers WHERE agent_id = ?1 AND user_id = ?2",
        params![agent.0, user.0],
        |row| {
            Ok(AgentCustomer {
                user: TelegramId(row.get(0)?),
                first_name: row.get(1)?,
                lang: row
                    .get::<_, Option<String>>(2)?
                    .and_then(|it| Lang::parse(&it)),
            })
        },
    )
}

/// The agent and customer of an order sold in an agent's bot, if it was.
pub(crate) fn bot_sale_of(conn: &Connection, order: OrderId) -> Result<Option<BotSale>, Error> {
    query_opt(
        conn,
        "SELECT agent_id, customer_id FROM orders WHERE id = ?1 \
         AND agent_id IS NOT NULL AND customer_id IS NOT NULL",
        [order.0],
        |row| {
            Ok(BotSale {
                agent: TelegramId(row.get(0)?),
                customer: TelegramId(row.get(1)?),
            })
        },
    )
}
