//! What agents buy: accounts for their customers (one, or up to [`MAX_BATCH`]
//! at once), renewals of their accounts, and the orders their bot's
//! customers pay by invoice.
//!
//! Each purchase is one transaction: the agent's terms are read, the price
//! and the credit are checked, the orders are made and bought through the
//! ledger's one paying path (`ledger::buy`), so a purchase happens exactly
//! once and two at the same moment cannot both take the last of the credit.

use ajib_domain::{JobId, Money, Order, OrderId, PanelId, PlanId, ServiceId, TelegramId, UnixTime};
use rusqlite::{Connection, params};

use crate::{
    Error, NewOrder, Store,
    agents::{Agent, BotPayments, MAX_LABEL_CHARS, agent_account, agent_cost, get_agent, price_of},
    ledger::{buy, buy_from_balance, signed_balance, spendable},
    orders::{get_order, insert_order},
    store::query_vec,
};

/// The most accounts one bulk purchase makes.
pub const MAX_BATCH: u32 = 50;

/// An agent's purchase of new accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPurchase {
    /// The agent.
    pub agent: TelegramId,
    /// The plan.
    pub plan: PlanId,
    /// The name or note for the account(s) (a batch numbers them).
    pub label: Option<String>,
    /// How many accounts, 1 to [`MAX_BATCH`].
    pub count: u32,
}

/// What an agent's purchase made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bought {
    /// The paid orders, each with its provisioning job.
    pub orders: Vec<(OrderId, JobId)>,
    /// The batch, for a bulk purchase.
    pub batch: Option<i64>,
    /// What it cost in all.
    pub total: Money,
    /// The agent's balance after it, in minor units.
    pub balance_minor: i64,
}

/// A bulk purchase whose accounts are all made and whose file has not gone out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Its id.
    pub id: i64,
    /// The agent who bought it.
    pub agent: TelegramId,
    /// The plan.
    pub plan: PlanId,
    /// Its accounts, in the order they were bought.
    pub accounts: Vec<BatchAccount>,
}

/// One account of a [`Batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchAccount {
    /// The service.
    pub service: ServiceId,
    /// Its panel.
    pub panel: PanelId,
    /// Its panel account name.
    pub blitz_username: String,
    /// Its name.
    pub label: Option<String>,
}

impl Store {
    /// Buys `count` new accounts of a plan for an agent at their price, from
    /// their balance and credit, in one transaction.
    ///
    /// Refused with [`Error::AgentSuspended`], [`Error::CreditLimit`], or a
    /// conflict for a plan not on sale or a bad label or count.
    pub async fn agent_buy(&self, purchase: AgentPurchase, now: UnixTime) -> Result<Bought, Error> {
        let label = checked_label(purchase.label.as_deref())?;
        if !(1..=MAX_BATCH).contains(&purchase.count) {
            return Err(Error::Conflict {
                what: "a bulk purchase is 1 to 50 accounts",
            });
        }
        self.with_tx(move |tx| {
            let agent = buying_agent(tx, purchase.agent)?;
            on_sale(tx, purchase.plan)?;
            let cost = agent_cost(tx, &agent, purchase.plan)?;
            let total = cost.minor() * i64::from(purchase.count);
            check_credit(tx, &agent, cost, total)?;
            let batch = match purchase.count {
                1 => None,
                size => Some(insert_batch(tx, &agent, purchase.plan, size, now)?),
            };
            let mut orders = Vec::new();
            for n in 1..=purchase.count {
                let label = match (&label, batch) {
                    (Some(label), Some(_)) => Some(format!("{label} #{n}")),
                    (label, _) => label.clone(),
                };
                let order = agent_order(tx, &agent, purchase.plan, None, cost, now)?;
                tx.prepare_cached("UPDATE orders SET label = ?2, batch_id = ?3 WHERE id = ?1")?
                    .execute(params![order.id.0, label, batch])?;
                // A batch is one purchase: the staff hear of single ones only.
                let job = match batch {
                    Some(_) => buy(tx, &order, now)?,
                    None => buy_from_balance(tx, &order, now)?,
                };
                orders.push((order.id, job));
            }
            Ok(Bought {
                orders,
                batch,
                total: Money::from_minor(total, cost.currency()).map_err(|_| Error::Conflict {
                    what: "a total below zero",
                })?,
                balance_minor: signed_balance(tx, agent.user, cost.currency())?,
            })
        })
        .await
    }

    /// Renews (extends) one of the agent's accounts by a plan at their price,
    /// from their balance and credit; an account not theirs is not found.
    pub async fn agent_renew(
        &self,
        user: TelegramId,
        service: ServiceId,
        plan: PlanId,
        now: UnixTime,
    ) -> Result<Bought, Error> {
        self.with_tx(move |tx| {
            let agent = buying_agent(tx, user)?;
            let account = agent_account(tx, user, service)?.ok_or(Error::NotFound {
                what: "agent account",
            })?;
            on_sale(tx, plan)?;
            let cost = agent_cost(tx, &agent, plan)?;
            check_credit(tx, &agent, cost, cost.minor())?;
            let order = agent_order(tx, &agent, plan, Some(service), cost, now)?;
            tx.prepare_cached("UPDATE orders SET label = ?2 WHERE id = ?1")?
                .execute(params![order.id.0, account.label])?;
            let job = buy_from_balance(tx, &order, now)?;
            Ok(Bought {
                orders: vec![(order.id, job)],
                batch: None,
                total: cost,
                balance_minor: signed_balance(tx, agent.user, cost.currency())?,
            })
        })
        .await
    }

    /// An order for a customer of the agent's bot (`renews`: one of their
    /// accounts there, else a new one): the invoice asks the agent's retail
    /// price, the order costs the agent their price, so the payment credits
    /// the agent the retail price and the purchase debits the cost, in the
    /// transaction that settles it. An account that is not the customer's is
    /// not found.
    pub async fn create_bot_order(
        &self,
        user: TelegramId,
        customer: TelegramId,
        plan: PlanId,
        renews: Option<ServiceId>,
        now: UnixTime,
    ) -> Result<Order, Error> {
        self.with_tx(move |tx| {
            let agent = buying_agent(tx, user)?;
            if agent.bot_payments == BotPayments::None {
                return Err(Error::Conflict {
                    what: "the agent's bot takes no payments",
                });
            }
            if let Some(service) = renews {
                let theirs = crate::store::query_exists(
                    tx,
                    "SELECT 1 FROM services WHERE id = ?1 AND agent_id = ?2 AND customer_id = ?3",
                    params![service.0, user.0, customer.0],
                )?;
                if !theirs {
                    return Err(Error::NotFound {
                        what: "bot customer's account",
                    });
                }
            }
            on_sale(tx, plan)?;
            let price = price_of(tx, &agent, plan)?;
            let order = agent_order(tx, &agent, plan, renews, price.cost, now)?;
            tx.prepare_cached(
                "UPDATE orders SET customer_id = ?2, invoice_minor = ?3 WHERE id = ?1",
            )?
            .execute(params![order.id.0, customer.0, price.retail.minor()])?;
            get_order(tx, order.id)?.ok_or(Error::NotFound { what: "order" })
        })
        .await
    }

    /// An order of the agent's bot's customer; `None` if it is not theirs.
    pub async fn bot_order(
        &self,
        user: TelegramId,
        customer: TelegramId,
        order: OrderId,
    ) -> Result<Option<Order>, Error> {
        self.with_conn(move |conn| {
            let theirs = crate::store::query_exists(
                conn,
                "SELECT 1 FROM orders WHERE id = ?1 AND agent_id = ?2 AND customer_id = ?3",
                params![order.0, user.0, customer.0],
            )?;
            match theirs {
                true => get_order(conn, order),
                false => Ok(None),
            }
        })
        .await
    }

    /// The agent side of an order: whose it is, for which bot customer, its
    /// name and batch; `None` for an ordinary order.
    pub async fn order_agent(&self, order: OrderId) -> Result<Option<OrderAgent>, Error> {
        self.with_conn(move |conn| {
            crate::store::query_opt(
                conn,
                "SELECT agent_id, customer_id, label, batch_id FROM orders \
                 WHERE id = ?1 AND agent_id IS NOT NULL",
                [order.0],
                |row| {
                    Ok(OrderAgent {
                        agent: TelegramId(row.get(0)?),
                        customer: row.get::<_, Option<i64>>(1)?.map(TelegramId),
                        label: row.get(2)?,
                        batch: row.get(3)?,
                    })
                },
            )
        })
        .await
    }

    /// Bulk purchases whose accounts are all made and whose file has not gone out.
    pub async fn batches_ready(&self) -> Result<Vec<Batch>, Error> {
        self.with_conn(move |conn| {
            let ready = query_vec(
                conn,
                "SELECT b.id, b.agent_id, b.plan_id FROM agent_batches b \
                 WHERE b.delivered_at IS NULL AND b.size = (SELECT count(*) FROM orders o \
                       WHERE o.batch_id = b.id AND o.status = 'provisioned') ORDER BY b.id",
                [],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, i64>(2)?,
                    ))
                },
            )?;
            ready
                .into_iter()
                .map(|(id, agent, plan)| {
                    Ok(Batch {
                        id,
                        agent: TelegramId(agent),
                        plan: PlanId(plan),
                        accounts: batch_accounts(conn, id)?,
                    })
                })
                .collect()
        })
        .await
    }

    /// Records a batch's file as sent and queues it, once: `false` if it had gone out already.
    pub async fn deliver_batch(
        &self,
        batch: i64,
        mail: Vec<crate::NewMail>,
        now: UnixTime,
    ) -> Result<bool, Error> {
        self.with_tx(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE agent_batches SET delivered_at = ?2 WHERE id = ?1 AND delivered_at IS NULL",
                )?
                .execute(params![batch, now.0])?;
            if n == 1 {
                crate::mail::insert_mail(tx, &mail, now)?;
            }
            Ok(n == 1)
        })
        .await
    }
}

/// Who an agent's order is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderAgent {
    /// The agent who owns the account.
    pub agent: TelegramId,
    /// The customer of the agent's bot who bought it, if it was bought there.
    pub customer: Option<TelegramId>,
    /// The agent's name or note for it.
    pub label: Option<String>,
    /// The bulk purchase it belongs to.
    pub batch: Option<i64>,
}

/// The agent `user`, if they may buy now.
fn buying_agent(tx: &Connection, user: TelegramId) -> Result<Agent, Error> {
    let agent = get_agent(tx, user)?.ok_or(Error::NotFound { what: "agent" })?;
    match agent.suspended {
        true => Err(Error::AgentSuspended),
        false => Ok(agent),
    }
}

/// Refuses a plan that is not on sale.
fn on_sale(tx: &Connection, plan: PlanId) -> Result<(), Error> {
    let active = crate::store::query_exists(
        tx,
        "SELECT 1 FROM plans WHERE id = ?1 AND active = 1",
        [plan.0],
    )?;
    match active {
        true => Ok(()),
        false => Err(Error::Conflict {
            what: "the plan is not on sale",
        }),
    }
}

/// Refuses a purchase of `total` the balance and credit do not cover.
fn check_credit(tx: &Connection, agent: &Agent, price: Money, total: i64) -> Result<(), Error> {
    if spendable(tx, agent.user, price.currency())? >= total {
        return Ok(());
    }
    Err(Error::CreditLimit {
        balance_minor: signed_balance(tx, agent.user, price.currency())?,
        limit_minor: agent.credit_limit_minor,
        needed_minor: total,
    })
}

fn agent_order(
    tx: &Connection,
    agent: &Agent,
    plan: PlanId,
    renews: Option<ServiceId>,
    cost: Money,
    now: UnixTime,
) -> Result<Order, Error> {
    let order = insert_order(
        tx,
        &NewOrder {
            user: agent.user,
            plan,
            renews,
            amount: cost,
            note: None,
            location: None,
        },
        now,
    )?;
    tx.prepare_cached("UPDATE orders SET agent_id = ?2 WHERE id = ?1")?
        .execute(params![order.id.0, agent.user.0])?;
    Ok(order)
}

fn insert_batch(
    tx: &Connection,
    agent: &Agent,
    plan: PlanId,
    size: u32,
    now: UnixTime,
) -> Result<i64, Error> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO agent_batches (agent_id, plan_id, size, created_at) VALUES (?1, ?2, ?3, ?4) \
             RETURNING id",
        )?
        .query_row(params![agent.user.0, plan.0, size, now.0], |row| row.get(0))?)
}

fn batch_accounts(conn: &Connection, batch: i64) -> Result<Vec<BatchAccount>, Error> {
    query_vec(
        conn,
        "SELECT s.id, s.panel_id, s.blitz_username, s.label FROM orders o \
         JOIN services s ON s.id = o.service_id WHERE o.batch_id = ?1 ORDER BY o.id",
        [batch],
        |row| {
            Ok(BatchAccount {
                service: ServiceId(row.get(0)?),
                panel: PanelId(row.get(1)?),
                blitz_username: row.get(2)?,
                label: row.get(3)?,
            })
        },
    )
}

/// A name or note trimmed, or refused when empty, too long or holding control characters.
pub(crate) fn checked_label(label: Option<&str>) -> Result<Option<String>, Error> {
    let Some(label) = label.map(str::trim) else {
        return Ok(None);
    };
    if label.is_empty()
        || label.chars().count() > MAX_LABEL_CHARS
        || label.chars().any(char::is_control)
    {
        return Err(Error::Conflict {
            what: "a name or note must be 1 to 64 characters on one line",
        });
    }
    Ok(Some(label.to_owned()))
}

/// Whether `order` is an agent's.
pub(crate) fn is_agent_order(conn: &Connection, order: OrderId) -> Result<bool, Error> {
    crate::store::query_exists(
        conn,
        "SELECT 1 FROM orders WHERE id = ?1 AND agent_id IS NOT NULL",
        [order.0],
    )
}
