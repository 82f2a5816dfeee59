//! `ajib-ctl orders list [--stuck]|retry`: what was bought, and paid orders whose provisioning stopped.

use ajib_domain::{Order, OrderId};
use ajib_storage::{RetryOutcome, StuckOrder};

use crate::{
    cli::{OrdersCommand, OrdersList},
    db::Db,
    envfile::EnvFile,
    paths::Paths,
    plans::unix_now,
    system,
};

/// Most orders one listing prints.
const MAX_LIMIT: u32 = 10_000;

/// Runs one orders command.
pub fn run(paths: &Paths, command: OrdersCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "orders")?;
    let env = EnvFile::read(&paths.env_file)?;
    let db = Db::open_existing(paths, &env)?;
    match command {
        OrdersCommand::List(args) if args.stuck => list_stuck(&db, &args),
        OrdersCommand::List(args) => list_recent(&db, &args),
        OrdersCommand::Retry(args) => retry(&db, &args.order),
    }
}

fn list_recent(db: &Db, args: &OrdersList) -> anyhow::Result<()> {
    let orders = db.block(db.store().recent_orders(args.limit.min(MAX_LIMIT)))?;
    if args.json {
        let rows: Vec<_> = orders.iter().map(order_json).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if orders.is_empty() {
        println!("no orders yet");
    }
    for order in &orders {
        println!(
            "#{}  {}  user {}  {}  {}",
            order.id,
            order.status.as_str(),
            order.user,
            order.amount,
            ajib_backup::rfc3339_utc(secs(order.created.0))
        );
    }
    Ok(())
}

fn list_stuck(db: &Db, args: &OrdersList) -> anyhow::Result<()> {
    let stuck = db.block(db.store().stuck_orders(args.limit.min(MAX_LIMIT)))?;
    if args.json {
        let rows: Vec<_> = stuck.iter().map(stuck_json).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if stuck.is_empty() {
        println!("no stuck orders: every paid order is provisioned or on its way");
        return Ok(());
    }
    for it in &stuck {
        println!(
            "#{}  user {}  {}  paid {}  stopped {} after {} attempt(s)",
            it.order.id,
            it.order.user,
            it.order.amount,
            it.order
                .paid_at
                .map_or_else(|| "?".to_owned(), |at| ajib_backup::rfc3339_utc(secs(at.0))),
            ajib_backup::rfc3339_utc(secs(it.since.0)),
            it.attempts,
        );
        println!("    {}", it.error);
    }
    println!("fix the cause, then: ajib-ctl orders retry <order>");
    Ok(())
}

fn retry(db: &Db, order: &str) -> anyhow::Result<()> {
    let id = parse_order_id(order)?;
    let outcome = match db.block(db.store().retry_provisioning(id, unix_now())) {
        Ok(outcome) => outcome,
        Err(ajib_storage::Error::NotFound { .. }) => anyhow::bail!("there is no order #{id}"),
        Err(err) => return Err(err.into()),
    };
    match outcome {
        RetryOutcome::Queued(_) => {
            let after = serde_json::json!({ "order": id.0 }).to_string();
            db.block(db.store().audit(
                ajib_storage::Actor::Cli,
                "order.retry_provisioning",
                None,
                Some(&after),
                unix_now(),
            ))?;
            println!(
                "order #{id} is queued again; the running bot tries it within seconds and delivers the config"
            );
        }
        RetryOutcome::AlreadyQueued(_) => {
            println!("order #{id} is already queued or being provisioned; nothing changed")
        }
        RetryOutcome::AlreadyProvisioned => {
            println!("order #{id} is already provisioned; nothing changed")
        }
        RetryOutcome::NotPaid => {
            anyhow::bail!("order #{id} is not paid; there is nothing to provision")
        }
    }
    Ok(())
}

/// `42` or `#42`, a positive id.
fn parse_order_id(text: &str) -> anyhow::Result<OrderId> {
    let digits = text.trim().trim_start_matches('#');
    match digits.parse::<i64>() {
        Ok(id) if id > 0 => Ok(OrderId(id)),
        _ => anyhow::bail!("{text:?} is not an order number (e.g. 42 or #42)"),
    }
}

fn order_json(order: &Order) -> serde_json::Value {
    serde_json::json!({
        "id": order.id.0,
        "user": order.user.0,
        "status": order.status.as_str(),
        "amount": order.amount.to_string(),
        "created": order.created.0,
        "paid_at": order.paid_at.map(|it| it.0),
    })
}

fn stuck_json(stuck: &StuckOrder) -> serde_json::Value {
    let mut res = order_json(&stuck.order);
    res["job"] = serde_json::json!(stuck.job.0);
    res["attempts"] = serde_json::json!(stuck.attempts);
    res["error"] = serde_json::json!(stuck.error);
    res["stopped_at"] = serde_json::json!(stuck.since.0);
    res
}

fn secs(unix: i64) -> u64 {
    u64::try_from(unix).unwrap_or(0)
}
