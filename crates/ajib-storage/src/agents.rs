//! Agents (resellers): their terms, prices, balance and the accounts they own.
//!
//! An agent is a user the owner made one. What an agent buys is an ordinary
//! order and service owned by the agent and marked with `agent_id`, so
//! provisioning, the ledger and the panels treat it like any other; the
//! agent's balance may go below zero down to their credit limit (a trigger of
//! migration 0017 holds that line for every ledger row). Every query here that
//! reads an account takes the agent too: an agent reaches their own accounts
//! only, whatever id a forged button carries.

mod bots;
mod buying;

use ajib_domain::{Currency, Money, PlanId, Service, ServiceId, TelegramId, UnixTime};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::json;

use crate::{
    Actor, Error, Store,
    admin::write_audit,
    ledger::signed_balance,
    services::{SERVICE_COLUMNS, read_service},
    store::{query_opt, query_vec, time, to_u64},
};

pub(crate) use bots::bot_sale_of;
pub use bots::{AgentBot, AgentBotState, AgentCustomer, BotSale, NewAgentBot};
pub(crate) use buying::is_agent_order;
pub use buying::{AgentPurchase, Batch, BatchAccount, Bought, MAX_BATCH, OrderAgent};

/// Longest brand name an agent's bot shows.
pub const MAX_BRAND_CHARS: usize = 48;
/// Longest support contact an agent's bot shows.
pub const MAX_SUPPORT_CHARS: usize = 64;
/// Longest name or note an agent gives an account.
pub const MAX_LABEL_CHARS: usize = 64;
/// The largest discount an agent's default price may have.
pub const MAX_PERCENT_OFF: u8 = 90;
/// The largest credit limit (minor units): a typo's worth of digits is refused.
pub const MAX_CREDIT_LIMIT_MINOR: u64 = 100_000_000_000;

/// An agent's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// The agent's Telegram id.
    pub user: TelegramId,
    /// A plan without its own agent price costs its list price less this percentage.
    pub percent_off: u8,
    /// How far below zero the balance may go, in minor units.
    pub credit_limit_minor: u64,
    /// A suspended agent buys nothing (their accounts keep working).
    pub suspended: bool,
    /// The name the agent's bot greets with.
    pub brand: Option<String>,
    /// The support contact the agent's bot shows.
    pub support: Option<String>,
    /// Whether the agent's bot takes payments.
    pub bot_payments: BotPayments,
    /// When the user became an agent.
    pub created: UnixTime,
}

/// How an agent's bot takes its customers' money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotPayments {
    /// By a Heleket invoice on the owner's account (the default).
    Heleket,
    /// Not at all: the agent's customers get accounts only through the agent.
    None,
}

impl BotPayments {
    /// The stored form.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Heleket => "heleket",
            Self::None => "none",
        }
    }

    /// Parses [`BotPayments::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Heleket, Self::None]
            .into_iter()
            .find(|it| it.as_str() == text)
    }
}

/// A change to an agent's terms: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentEdit {
    /// New default discount.
    pub percent_off: Option<u8>,
    /// New credit limit.
    pub credit_limit_minor: Option<u64>,
    /// Suspend or resume.
    pub suspended: Option<bool>,
    /// New brand (`Some(None)` clears it).
    pub brand: Option<Option<String>>,
    /// New support contact (`Some(None)` clears it).
    pub support: Option<Option<String>>,
    /// How the agent's bot takes payments.
    pub bot_payments: Option<BotPayments>,
}

/// An agent with the figures the owner looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSummary {
    /// The agent's terms.
    pub agent: Agent,
    /// Their name in the main bot, if known.
    pub first_name: String,
    /// Their `@username`, if known.
    pub username: Option<String>,
    /// The balance in minor units of the shop's currency (below zero on credit).
    pub balance_minor: i64,
    /// Accounts they own.
    pub accounts: u64,
    /// Active accounts they own.
    pub active_accounts: u64,
    /// Paid orders (new accounts and renewals).
    pub sales: u64,
    /// What those orders cost the agent, in minor units.
    pub sales_minor: u64,
    /// Their bot's @username, when one is connected.
    pub bot: Option<String>,
}

/// One plan as an agent sees it: what it costs them and what their bot asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPrice {
    /// The plan.
    pub plan: PlanId,
    /// The plan's list price.
    pub list: Money,
    /// What the agent pays.
    pub cost: Money,
    /// Whether the cost was set by hand for this plan (else the default discount).
    pub cost_set: bool,
    /// What the agent's bot asks its customers (never below `cost`).
    pub retail: Money,
}

/// An account an agent owns, with the name or note they gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentAccount {
    /// The service.
    pub service: Service,
    /// The agent's name or note for it.
    pub label: Option<String>,
    /// The customer of the agent's bot who bought it, if it was bought there.
    pub customer: Option<TelegramId>,
}

/// What marks a service as an agent's (the agent is its user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSide {
    /// The agent's name or note for it.
    pub label: Option<String>,
    /// The customer of the agent's bot who bought it, if it was bought there.
    pub customer: Option<TelegramId>,
}

/// Agent sales for the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AgentSales {
    /// Agents (suspended ones included).
    pub agents: u64,
    /// Orders agents paid since the given time.
    pub orders: u64,
    /// What agents paid for them, in minor units.
    pub revenue_minor: u64,
}

const AGENT_COLUMNS: &str =
    "user_id, percent_off, credit_limit_minor, suspended, brand, support, bot_payments, created_at";

impl Store {
    /// Makes `user` an agent (recording the user if the bot has never seen them), audited.
    pub async fn add_agent(
        &self,
        user: TelegramId,
        terms: AgentEdit,
        actor: Actor,
        now: UnixTime,
    ) -> Result<Agent, Error> {
        check_edit(&terms)?;
        self.with_tx(move |tx| {
            if get_agent(tx, user)?.is_some() {
                return Err(Error::Conflict {
                    what: "the user is already an agent",
                });
            }
            tx.prepare_cached(
                "INSERT OR IGNORE INTO users (id, created_at, last_seen) VALUES (?1, ?2, ?2)",
            )?
            .execute(params![user.0, now.0])?;
            tx.prepare_cached(
                "INSERT INTO agents (user_id, created_at, updated_at) VALUES (?1, ?2, ?2)",
            )?
            .execute(params![user.0, now.0])?;
            apply_edit(tx, user, &terms, now)?;
            let agent = get_agent(tx, user)?.ok_or(Error::NotFound { what: "agent" })?;
            write_audit(
                tx,
                actor,
                "agent.add",
                None,
                Some(&agent_json(&agent).to_string()),
                now,
            )?;
            Ok(agent)
        })
        .await
    }

    /// The agent `user`, if they are one.
    pub async fn get_agent(&self, user: TelegramId) -> Result<Option<Agent>, Error> {
        self.with_conn(move |conn| get_agent(conn, user)).await
    }

    /// Changes an agent's terms, audited with the terms before and after.
    pub async fn edit_agent(
        &self,
        user: TelegramId,
        edit: AgentEdit,
        actor: Actor,
        now: UnixTime,
    ) -> Result<Agent, Error> {
        check_edit(&edit)?;
        self.with_tx(move |tx| {
            let before = get_agent(tx, user)?.ok_or(Error::NotFound { what: "agent" })?;
            apply_edit(tx, user, &edit, now)?;
            let after = get_agent(tx, user)?.ok_or(Error::NotFound { what: "agent" })?;
            let action = match (before.suspended, after.suspended) {
                (false, true) => "agent.suspend",
                (true, false) => "agent.resume",
                _ => "agent.edit",
            };
            write_audit(
                tx,
                actor,
                action,
                Some(&agent_json(&before).to_string()),
                Some(&agent_json(&after).to_string()),
                now,
            )?;
            Ok(after)
        })
        .await
    }

    /// Ends an agent's role. Refused while they own accounts or their balance
    /// is not zero (suspend them instead), so no account loses its owner and no
    /// money its record.
    pub async fn remove_agent(
        &self,
        user: TelegramId,
        currency: Currency,
        actor: Actor,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.with_tx(move |tx| {
            let agent = get_agent(tx, user)?.ok_or(Error::NotFound { what: "agent" })?;
            let owned: i64 = tx
                .prepare_cached(
                    "SELECT (SELECT count(*) FROM services WHERE agent_id = ?1) \
                          + (SELECT count(*) FROM orders WHERE agent_id = ?1)",
                )?
                .query_row([user.0], |row| row.get(0))?;
            if owned > 0 {
                return Err(Error::Conflict {
                    what: "the agent has accounts or orders; suspend them instead",
                });
            }
            if signed_balance(tx, user, currency)? != 0 {
                return Err(Error::Conflict {
                    what: "the agent's balance is not zero; settle it first",
                });
            }
            tx.prepare_cached("DELETE FROM agents WHERE user_id = ?1")?
                .execute([user.0])?;
            write_audit(
                tx,
                actor,
                "agent.remove",
                Some(&agent_json(&agent).to_string()),
                None,
                now,
            )
        })
        .await
    }

    /// Every agent with their figures, oldest first.
    pub async fn list_agents(&self, currency: Currency) -> Result<Vec<AgentSummary>, Error> {
        self.with_conn(move |conn| {
            let agents = query_vec(
                conn,
                &format!("SELECT {AGENT_COLUMNS} FROM agents ORDER BY created_at, user_id"),
                [],
                read_agent,
            )?;
            agents
                .into_iter()
                .map(|agent| summarize(conn, agent, currency))
                .collect()
        })
        .await
    }

    /// One agent with their figures.
    pub async fn agent_summary(
        &self,
        user: TelegramId,
        currency: Currency,
    ) -> Result<Option<AgentSummary>, Error> {
        self.with_conn(move |conn| match get_agent(conn, user)? {
            Some(agent) => summarize(conn, agent, currency).map(Some),
            None => Ok(None),
        })
        .await
    }

    /// Sets (or with `None` clears) what the agent pays for `plan`, audited.
    pub async fn set_agent_price(
        &self,
        user: TelegramId,
        plan: PlanId,
        price: Option<Money>,
        actor: Actor,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.with_tx(move |tx| {
            get_agent(tx, user)?.ok_or(Error::NotFound { what: "agent" })?;
            plan_price(tx, plan)?;
            if price.is_some_and(Money::is_zero) {
                return Err(Error::Conflict {
                    what: "an agent price must be above zero",
                });
            }
            put_price(tx, "agent_prices", user, plan, price)?;
            let after =
                json!({"agent": user.0, "plan": plan.0, "price_minor": price.map(Money::minor)});
            write_audit(
                tx,
                actor,
                "agent.price",
                None,
                Some(&after.to_string()),
                now,
            )
        })
        .await
    }

    /// Sets (or with `None` clears) what the agent's bot asks for `plan`;
    /// refused below what the agent pays for it.
    pub async fn set_retail_price(
        &self,
        user: TelegramId,
        plan: PlanId,
        price: Option<Money>,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.with_tx(move |tx| {
            let agent = get_agent(tx, user)?.ok_or(Error::NotFound { what: "agent" })?;
            let cost = agent_cost(tx, &agent, plan)?;
            if price.is_some_and(|it| it.minor() < cost.minor()) {
                return Err(Error::BelowAgentPrice { cost });
            }
            put_price(tx, "agent_retail", user, plan, price)?;
            let after =
                json!({"agent": user.0, "plan": plan.0, "retail_minor": price.map(Money::minor)});
            write_audit(
                tx,
                Actor::Admin(user),
                "agent.retail",
                None,
                Some(&after.to_string()),
                now,
            )
        })
        .await
    }

    /// The agent's cost and retail price of every plan on sale, in menu order.
    pub async fn agent_prices(&self, user: TelegramId) -> Result<Vec<AgentPrice>, Error> {
        self.with_conn(move |conn| {
            let agent = get_agent(conn, user)?.ok_or(Error::NotFound { what: "agent" })?;
            let plans: Vec<i64> = query_vec(
                conn,
                "SELECT id FROM plans WHERE active = 1 ORDER BY sort_order, id",
                [],
                |row| Ok(row.get(0)?),
            )?;
            plans
                .into_iter()
                .map(|plan| price_of(conn, &agent, PlanId(plan)))
                .collect()
        })
        .await
    }

    /// The agent's cost and retail price of one plan.
    pub async fn agent_price(&self, user: TelegramId, plan: PlanId) -> Result<AgentPrice, Error> {
        self.with_conn(move |conn| {
            let agent = get_agent(conn, user)?.ok_or(Error::NotFound { what: "agent" })?;
            price_of(conn, &agent, plan)
        })
        .await
    }

    /// The agent's accounts, newest first, `limit` from `offset`.
    pub async fn agent_accounts(
        &self,
        user: TelegramId,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<AgentAccount>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS}, label, customer_id FROM services WHERE agent_id = ?1 \
                 ORDER BY id DESC LIMIT ?2 OFFSET ?3"
            );
            query_vec(conn, &sql, params![user.0, limit, offset], read_account)
        })
        .await
    }

    /// One of the agent's accounts; `None` if it is not theirs (or does not exist).
    pub async fn agent_account(
        &self,
        user: TelegramId,
        service: ServiceId,
    ) -> Result<Option<AgentAccount>, Error> {
        self.with_conn(move |conn| agent_account(conn, user, service))
            .await
    }

    /// The agent side of a service: its name and the bot customer it was
    /// sold to; `None` for an ordinary customer's service.
    pub async fn agent_side(&self, service: ServiceId) -> Result<Option<AgentSide>, Error> {
        self.with_conn(move |conn| {
            query_opt(
                conn,
                "SELECT label, customer_id FROM services WHERE id = ?1 AND agent_id IS NOT NULL",
                [service.0],
                |row| {
                    Ok(AgentSide {
                        label: row.get(0)?,
                        customer: row.get::<_, Option<i64>>(1)?.map(TelegramId),
                    })
                },
            )
        })
        .await
    }

    /// Agents, and the orders they paid since `since`, for the statistics.
    pub async fn agent_sales(&self, since: UnixTime) -> Result<AgentSales, Error> {
        self.with_conn(move |conn| {
            let (agents, orders, revenue): (i64, i64, i64) = conn
                .prepare_cached(
                    "SELECT (SELECT count(*) FROM agents), count(*), coalesce(sum(amount_minor), 0) \
                     FROM orders WHERE agent_id IS NOT NULL AND paid_at >= ?1 \
                     AND status IN ('paid', 'provisioned')",
                )?
                .query_row([since.0], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
            Ok(AgentSales {
                agents: to_u64("agents", agents)?,
                orders: to_u64("orders", orders)?,
                revenue_minor: to_u64("orders.amount_minor", revenue)?,
            })
        })
        .await
    }
}

/// Sets (or with `None` clears) an agent's price of `plan` in `table` (`agent_prices`, `agent_retail`).
fn put_price(
    tx: &Connection,
    table: &str,
    user: TelegramId,
    plan: PlanId,
    price: Option<Money>,
) -> Result<(), Error> {
    match price {
        Some(price) => tx
            .prepare_cached(&format!(
                "INSERT INTO {table} (agent_id, plan_id, price_minor) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (agent_id, plan_id) DO UPDATE SET price_minor = excluded.price_minor"
            ))?
            .execute(params![user.0, plan.0, price.minor()])?,
        None => tx
            .prepare_cached(&format!(
                "DELETE FROM {table} WHERE agent_id = ?1 AND plan_id = ?2"
            ))?
            .execute(params![user.0, plan.0])?,
    };
    Ok(())
}

/// Refuses terms outside the table's limits with a clear reason.
fn check_edit(edit: &AgentEdit) -> Result<(), Error> {
    if edit.percent_off.is_some_and(|it| it > MAX_PERCENT_OFF) {
        return Err(Error::Conflict {
            what: "the discount must be 0 to 90 percent",
        });
    }
    if edit
        .credit_limit_minor
        .is_some_and(|it| it > MAX_CREDIT_LIMIT_MINOR)
    {
        return Err(Error::Conflict {
            what: "a credit limit that large is surely a mistake",
        });
    }
    let too_long = |text: &Option<Option<String>>, max: usize| {
        text.as_ref()
            .and_then(Option::as_ref)
            .is_some_and(|it| it.trim().is_empty() || it.chars().count() > max)
    };
    if too_long(&edit.brand, MAX_BRAND_CHARS) {
        return Err(Error::Conflict {
            what: "a brand must be 1 to 48 characters",
        });
    }
    if too_long(&edit.support, MAX_SUPPORT_CHARS) {
        return Err(Error::Conflict {
            what: "a support contact must be 1 to 64 characters",
        });
    }
    Ok(())
}

fn apply_edit(
    tx: &Connection,
    user: TelegramId,
    edit: &AgentEdit,
    now: UnixTime,
) -> Result<(), Error> {
    let trimmed = |text: &Option<Option<String>>| {
        text.as_ref()
            .map(|it| it.as_ref().map(|it| it.trim().to_owned()))
    };
    let (brand, support) = (trimmed(&edit.brand), trimmed(&edit.support));
    tx.prepare_cached(
        "UPDATE agents SET \
            percent_off = coalesce(?2, percent_off), \
            credit_limit_minor = coalesce(?3, credit_limit_minor), \
            suspended = coalesce(?4, suspended), \
            brand = CASE WHEN ?5 THEN ?6 ELSE brand END, \
            support = CASE WHEN ?7 THEN ?8 ELSE support END, \
            bot_payments = coalesce(?9, bot_payments), \
            updated_at = ?10 \
         WHERE user_id = ?1",
    )?
    .execute(params![
        user.0,
        edit.percent_off,
        edit.credit_limit_minor.map(|it| it as i64),
        edit.suspended,
        brand.is_some(),
        brand.flatten(),
        support.is_some(),
        support.flatten(),
        edit.bot_payments.map(BotPayments::as_str),
        now.0
    ])?;
    Ok(())
}

pub(crate) fn get_agent(conn: &Connection, user: TelegramId) -> Result<Option<Agent>, Error> {
    query_opt(
        conn,
        &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE user_id = ?1"),
        [user.0],
        read_agent,
    )
}

fn read_agent(row: &Row<'_>) -> Result<Agent, Error> {
    let payments: String = row.get("bot_payments")?;
    Ok(Agent {
        user: TelegramId(row.get("user_id")?),
        percent_off: row.get("percent_off")?,
        credit_limit_minor: to_u64("agents.credit_limit_minor", row.get("credit_limit_minor")?)?,
        suspended: row.get("suspended")?,
        brand: row.get("brand")?,
        support: row.get("support")?,
        bot_payments: BotPayments::parse(&payments).ok_or(Error::Decode {
            column: "agents.bot_payments",
            raw: payments,
        })?,
        created: time(row, "created_at")?,
    })
}

fn agent_json(agent: &Agent) -> serde_json::Value {
    json!({
        "agent": agent.user.0,
        "percent_off": agent.percent_off,
        "credit_limit_minor": agent.credit_limit_minor,
        "suspended": agent.suspended,
        "brand": agent.brand,
        "support": agent.support,
        "bot_payments": agent.bot_payments.as_str(),
    })
}

fn summarize(conn: &Connection, agent: Agent, currency: Currency) -> Result<AgentSummary, Error> {
    let user = agent.user;
    let (first_name, username): (String, Option<String>) = conn
        .prepare_cached("SELECT first_name, username FROM users WHERE id = ?1")?
        .query_row([user.0], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .unwrap_or_default();
    let (accounts, active): (i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(status = 'active'), 0) FROM services WHERE agent_id = ?1",
        )?
        .query_row([user.0], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let (sales, sales_minor): (i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(amount_minor), 0) FROM orders \
             WHERE agent_id = ?1 AND status IN ('paid', 'provisioned')",
        )?
        .query_row([user.0], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let bot = conn
        .prepare_cached("SELECT username FROM agent_bots WHERE agent_id = ?1 AND state = 'active'")?
        .query_row([user.0], |row| row.get(0))
        .optional()?;
    Ok(AgentSummary {
        balance_minor: signed_balance(conn, user, currency)?,
        agent,
        first_name,
        username,
        accounts: to_u64("services", accounts)?,
        active_accounts: to_u64("services", active)?,
        sales: to_u64("orders", sales)?,
        sales_minor: to_u64("orders.amount_minor", sales_minor)?,
        bot,
    })
}

/// A plan's list price; refused for a plan that does not exist.
fn plan_price(conn: &Connection, plan: PlanId) -> Result<Money, Error> {
    query_opt(
        conn,
        "SELECT price_minor, currency FROM plans WHERE id = ?1",
        [plan.0],
        |row| crate::store::money(row, "price_minor", "currency"),
    )?
    .ok_or(Error::NotFound { what: "plan" })
}

/// What `agent` pays for `plan`: the price set for them, else the list price less their discount.
pub(crate) fn agent_cost(conn: &Connection, agent: &Agent, plan: PlanId) -> Result<Money, Error> {
    Ok(price_of(conn, agent, plan)?.cost)
}

fn price_of(conn: &Connection, agent: &Agent, plan: PlanId) -> Result<AgentPrice, Error> {
    let list = plan_price(conn, plan)?;
    let currency = list.currency();
    let set = |table: &str| -> Result<Option<i64>, Error> {
        Ok(conn
            .prepare_cached(&format!(
                "SELECT price_minor FROM {table} WHERE agent_id = ?1 AND plan_id = ?2"
            ))?
            .query_row(params![agent.user.0, plan.0], |row| row.get(0))
            .optional()?)
    };
    let set_cost = set("agent_prices")?;
    // Rounded up: a discount never makes a price of zero.
    let discounted = (list.minor() * i64::from(100 - agent.percent_off) + 99) / 100;
    let cost_minor = set_cost.unwrap_or(discounted).max(1);
    // A retail price below the cost (the cost was raised since) sells at cost.
    let retail_minor = set("agent_retail")?.unwrap_or(list.minor()).max(cost_minor);
    let money = |minor: i64| {
        Money::from_minor(minor, currency).map_err(|_| Error::Decode {
            column: "agent price",
            raw: minor.to_string(),
        })
    };
    Ok(AgentPrice {
        plan,
        list,
        cost: money(cost_minor)?,
        cost_set: set_cost.is_some(),
        retail: money(retail_minor)?,
    })
}

pub(crate) fn agent_account(
    conn: &Connection,
    user: TelegramId,
    service: ServiceId,
) -> Result<Option<AgentAccount>, Error> {
    let sql = format!(
        "SELECT {SERVICE_COLUMNS}, label, customer_id FROM services WHERE id = ?1 AND agent_id = ?2"
    );
    query_opt(conn, &sql, params![service.0, user.0], read_account)
}

pub(crate) fn read_account(row: &Row<'_>) -> Result<AgentAccount, Error> {
    Ok(AgentAccount {
        service: read_service(row)?,
        label: row.get("label")?,
        customer: row.get::<_, Option<i64>>("customer_id")?.map(TelegramId),
    })
}
