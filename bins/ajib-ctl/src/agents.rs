//! `ajib-ctl agents add|list|edit|remove`: resellers, as the owner manages them in the bot.
//!
//! Amounts (`--credit-limit`, `--price PLAN=AMOUNT`) are decimals in the
//! bot's currency, parsed into minor units by [`Money::parse`]; every
//! argument is checked before the database is opened, so a bad one changes
//! nothing. The store checks the terms again and audits each change as
//! `Actor::Cli`.

use ajib_domain::{Currency, Money, PlanId, TelegramId};
use ajib_storage::{Actor, AgentEdit, AgentSummary, BotPayments, MAX_PERCENT_OFF};
use argh::FromArgs;

use crate::{
    balance::{amount_text, configured_currency},
    db::Db,
    envfile::EnvFile,
    exit,
    paths::Paths,
    plans::unix_now,
    system,
};

/// Manage agents (resellers).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "agents")]
pub struct AgentsArgs {
    /// the agents command
    #[argh(subcommand)]
    pub command: AgentsCommand,
}

/// Agent commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum AgentsCommand {
    /// Make a user an agent.
    Add(AgentsAdd),
    /// List the agents with their balance, accounts and sales.
    List(AgentsList),
    /// Change an agent's terms, suspend or resume them, set their prices.
    Edit(AgentsEdit),
    /// End a user's role as agent (refused while they own accounts or money).
    Remove(AgentsRemove),
}

/// An agent's terms, as flags; an absent flag leaves the term as it is.
#[derive(FromArgs, Debug, Default)]
#[argh(subcommand, name = "add")]
pub struct AgentsAdd {
    /// the user's Telegram id
    #[argh(positional)]
    pub id: i64,
    /// default discount off every plan's list price, 0 to 90 percent
    #[argh(option)]
    pub percent_off: Option<u8>,
    /// how far below zero the balance may go, in the bot's currency, e.g. 20 or 7.50
    #[argh(option)]
    pub credit_limit: Option<String>,
    /// the name the agent's own bot greets with ("" clears it)
    #[argh(option)]
    pub brand: Option<String>,
    /// the support contact the agent's own bot shows ("" clears it)
    #[argh(option)]
    pub support: Option<String>,
    /// how the agent's own bot takes payments: heleket (the owner's account) or none
    #[argh(option)]
    pub bot_payments: Option<String>,
}

/// List the agents, oldest first.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "list")]
pub struct AgentsList {}

/// Change an agent: any terms, --suspend or --resume, and --price PLAN_ID=AMOUNT or PLAN_ID=default.
#[derive(FromArgs, Debug, Default)]
#[argh(subcommand, name = "edit")]
pub struct AgentsEdit {
    /// the agent's Telegram id
    #[argh(positional)]
    pub id: i64,
    /// default discount off every plan's list price, 0 to 90 percent
    #[argh(option)]
    pub percent_off: Option<u8>,
    /// how far below zero the balance may go, in the bot's currency, e.g. 20 or 7.50
    #[argh(option)]
    pub credit_limit: Option<String>,
    /// the name the agent's own bot greets with ("" clears it)
    #[argh(option)]
    pub brand: Option<String>,
    /// the support contact the agent's own bot shows ("" clears it)
    #[argh(option)]
    pub support: Option<String>,
    /// how the agent's own bot takes payments: heleket (the owner's account) or none
    #[argh(option)]
    pub bot_payments: Option<String>,
    /// the agent buys nothing until resumed (their accounts keep working)
    #[argh(switch)]
    pub suspend: bool,
    /// let a suspended agent buy again
    #[argh(switch)]
    pub resume: bool,
    /// what the agent pays for a plan: PLAN_ID=AMOUNT, or PLAN_ID=default for the discount (repeatable)
    #[argh(option)]
    pub price: Vec<String>,
}

/// Remove an agent.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "remove")]
pub struct AgentsRemove {
    /// the agent's Telegram id
    #[argh(positional)]
    pub id: i64,
}

/// One `--price` flag: a plan and its agent price, or `None` for the default discount.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PriceChange {
    plan: PlanId,
    price: Option<Money>,
}

/// Runs one agents command.
pub fn run(paths: &Paths, command: AgentsCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "agents")?;
    let env = EnvFile::read(&paths.env_file)?;
    let currency = configured_currency(paths)?;
    match command {
        AgentsCommand::Add(args) => {
            let user = telegram_id(args.id)?;
            let terms = parse_terms(&args, currency)?;
            let db = Db::open_or_create(paths, &env)?;
            let agent = db
                .block(db.store().add_agent(user, terms, Actor::Cli, unix_now()))
                .map_err(|e| store_refusal(e, "cannot add the agent"))?;
            println!(
                "{user} is now an agent: {}% off, credit limit {}, bot payments {}",
                agent.percent_off,
                amount_text(i64::try_from(agent.credit_limit_minor)?, currency),
                agent.bot_payments.as_str()
            );
            Ok(())
        }
        AgentsCommand::List(_) => {
            let db = Db::open_existing(paths, &env)?;
            let agents = db.block(db.store().list_agents(currency))?;
            if agents.is_empty() {
                println!("no agents yet (ajib-ctl agents add <telegram-id>)");
                return Ok(());
            }
            println!("{}", table(&agents, currency));
            Ok(())
        }
        AgentsCommand::Edit(args) => edit(paths, &env, currency, &args),
        AgentsCommand::Remove(args) => {
            let user = telegram_id(args.id)?;
            let db = Db::open_existing(paths, &env)?;
            db.block(
                db.store()
                    .remove_agent(user, currency, Actor::Cli, unix_now()),
            )
            .map_err(|e| match e {
                ajib_storage::Error::Conflict { what } => exit::usage(format!(
                    "cannot remove agent {user}: {what} (ajib-ctl agents edit {user} --suspend)"
                )),
                other => store_refusal(other, "cannot remove the agent"),
            })?;
            println!("{user} is no longer an agent");
            Ok(())
        }
    }
}

fn edit(paths: &Paths, env: &EnvFile, currency: Currency, args: &AgentsEdit) -> anyhow::Result<()> {
    let user = telegram_id(args.id)?;
    let mut terms = parse_terms(
        &AgentsAdd {
            id: args.id,
            percent_off: args.percent_off,
            credit_limit: args.credit_limit.clone(),
            brand: args.brand.clone(),
            support: args.support.clone(),
            bot_payments: args.bot_payments.clone(),
        },
        currency,
    )?;
    terms.suspended = match (args.suspend, args.resume) {
        (true, true) => {
            return Err(exit::usage(
                "give either --suspend or --resume, not both".to_owned(),
            ));
        }
        (true, false) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    };
    let prices = args
        .price
        .iter()
        .map(|it| parse_price(it, currency))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if terms == AgentEdit::default() && prices.is_empty() {
        return Err(exit::usage(
            "nothing to change: give a term, --suspend, --resume or --price".to_owned(),
        ));
    }
    let db = Db::open_existing(paths, env)?;
    let store = db.store();
    let now = unix_now();
    // Unknown plans and agents are refused before anything is written.
    for change in &prices {
        if db.block(store.get_plan(change.plan))?.is_none() {
            return Err(exit::usage(format!(
                "--price {}=...: no such plan (see ajib-ctl plans list)",
                change.plan.0
            )));
        }
    }
    let agent = if terms == AgentEdit::default() {
        db.block(store.get_agent(user))?.ok_or_else(no_such_agent)?
    } else {
        db.block(store.edit_agent(user, terms, Actor::Cli, now))
            .map_err(|e| store_refusal(e, "cannot change the agent"))?
    };
    for change in &prices {
        db.block(store.set_agent_price(user, change.plan, change.price, Actor::Cli, now))
            .map_err(|e| store_refusal(e, "cannot set the agent's price"))?;
        match change.price {
            Some(price) => println!("plan #{} costs {user} {price}", change.plan.0),
            None => println!(
                "plan #{} costs {user} the list price less {}%",
                change.plan.0, agent.percent_off
            ),
        }
    }
    println!(
        "agent {user}: {}% off, credit limit {}, bot payments {}{}",
        agent.percent_off,
        amount_text(i64::try_from(agent.credit_limit_minor)?, currency),
        agent.bot_payments.as_str(),
        if agent.suspended { ", suspended" } else { "" }
    );
    Ok(())
}

/// A Telegram id as the bot stores it: above zero.
fn telegram_id(id: i64) -> anyhow::Result<TelegramId> {
    if id <= 0 {
        return Err(exit::usage(format!(
            "a Telegram id is a number above zero, got {id}"
        )));
    }
    Ok(TelegramId(id))
}

/// The term flags as an [`AgentEdit`], each checked with the store's limits.
fn parse_terms(args: &AgentsAdd, currency: Currency) -> anyhow::Result<AgentEdit> {
    if args.percent_off.is_some_and(|it| it > MAX_PERCENT_OFF) {
        return Err(exit::usage(format!(
            "--percent-off must be 0 to {MAX_PERCENT_OFF}"
        )));
    }
    let credit_limit_minor = match &args.credit_limit {
        Some(text) => {
            let amount = Money::parse(text, currency)
                .map_err(|e| exit::usage(format!("invalid --credit-limit {text:?}: {e}")))?;
            Some(u64::try_from(amount.minor())?)
        }
        None => None,
    };
    let bot_payments = match &args.bot_payments {
        Some(text) => Some(BotPayments::parse(text).ok_or_else(|| {
            exit::usage(format!("--bot-payments is heleket or none, got {text:?}"))
        })?),
        None => None,
    };
    // An empty text clears the field; the store refuses one that is too long.
    let clearable = |text: &Option<String>| {
        text.as_ref()
            .map(|it| Some(it.trim().to_owned()).filter(|it| !it.is_empty()))
    };
    Ok(AgentEdit {
        percent_off: args.percent_off,
        credit_limit_minor,
        suspended: None,
        brand: clearable(&args.brand),
        support: clearable(&args.support),
        bot_payments,
    })
}

/// `PLAN_ID=AMOUNT` or `PLAN_ID=default`.
fn parse_price(text: &str, currency: Currency) -> anyhow::Result<PriceChange> {
    let refused = || {
        exit::usage(format!(
            "--price is PLAN_ID=AMOUNT or PLAN_ID=default, got {text:?}"
        ))
    };
    let (plan, amount) = text.split_once('=').ok_or_else(refused)?;
    let plan = plan
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|it| *it > 0)
        .ok_or_else(refused)?;
    let price = match amount.trim() {
        "default" => None,
        amount => {
            let money = Money::parse(amount, currency)
                .map_err(|e| exit::usage(format!("invalid --price {text:?}: {e}")))?;
            if money.is_zero() {
                return Err(exit::usage(format!(
                    "an agent price must be above zero, got {text:?}"
                )));
            }
            Some(money)
        }
    };
    Ok(PriceChange {
        plan: PlanId(plan),
        price,
    })
}

/// Turns the store's refusals into usage errors with its reason, anything else into context.
fn store_refusal(err: ajib_storage::Error, context: &'static str) -> anyhow::Error {
    match err {
        ajib_storage::Error::NotFound { what: "agent" } => no_such_agent(),
        ajib_storage::Error::Conflict { what } => exit::usage(format!("{context}: {what}")),
        other => anyhow::Error::new(other).context(context),
    }
}

fn no_such_agent() -> anyhow::Error {
    exit::usage("no such agent (see ajib-ctl agents list)".to_owned())
}

/// The agents as an aligned table with a header.
fn table(agents: &[AgentSummary], currency: Currency) -> String {
    let header = [
        "id", "name", "balance", "credit", "accounts", "sales", "state", "bot",
    ]
    .map(str::to_owned);
    let rows: Vec<[String; 8]> = agents.iter().map(|it| row(it, currency)).collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|col| {
            rows.iter()
                .chain([&header])
                .map(|row| row[col].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String; 8]| {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        cells.join("  ").trim_end().to_owned()
    };
    let mut res = vec![line(&header)];
    res.extend(rows.iter().map(line));
    res.join("\n")
}

fn row(summary: &AgentSummary, currency: Currency) -> [String; 8] {
    let agent = &summary.agent;
    let name = match &summary.username {
        Some(username) => format!("{} @{username}", summary.first_name),
        None => summary.first_name.clone(),
    };
    let sign = if summary.balance_minor < 0 { "-" } else { "" };
    let credit = i64::try_from(agent.credit_limit_minor).unwrap_or(i64::MAX);
    let sales = i64::try_from(summary.sales_minor).unwrap_or(i64::MAX);
    [
        agent.user.0.to_string(),
        if name.trim().is_empty() {
            "-".to_owned()
        } else {
            name.trim().to_owned()
        },
        format!(
            "{sign}{}",
            amount_text(summary.balance_minor.abs(), currency)
        ),
        amount_text(credit, currency),
        format!("{}/{}", summary.active_accounts, summary.accounts),
        format!("{} ({})", summary.sales, amount_text(sales, currency)),
        if agent.suspended {
            "suspended"
        } else {
            "active"
        }
        .to_owned(),
        summary
            .bot
            .as_ref()
            .map_or_else(|| "-".to_owned(), |it| format!("@{it}")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_price(text: &str, expected: Result<(i64, Option<i64>), &str>) {
        let res = parse_price(text, Currency::USD)
            .map(|it| (it.plan.0, it.price.map(Money::minor)))
            .map_err(|e| e.to_string());
        match expected {
            Ok(it) => assert_eq!(res.unwrap(), it, "{text}"),
            Err(part) => {
                let err = res.unwrap_err();
                assert!(err.contains(part), "{text}: {err}");
            }
        }
    }

    #[test]
    fn prices_are_a_plan_and_an_amount_or_default() {
        check_price("2=3.50", Ok((2, Some(350))));
        check_price(" 1 = 4 ", Ok((1, Some(400))));
        check_price("3=default", Ok((3, None)));
        check_price("3", Err("PLAN_ID=AMOUNT"));
        check_price("x=1", Err("PLAN_ID=AMOUNT"));
        check_price("0=1", Err("PLAN_ID=AMOUNT"));
        check_price("1=0", Err("above zero"));
        check_price("1=1.555", Err("invalid --price"));
        check_price("1=-2", Err("invalid --price"));
    }

    fn terms(args: AgentsAdd) -> Result<AgentEdit, String> {
        parse_terms(&args, Currency::USD).map_err(|e| e.to_string())
    }

    #[test]
    fn terms_are_checked_before_the_store_is_asked() {
        let full = terms(AgentsAdd {
            percent_off: Some(15),
            credit_limit: Some("20.50".to_owned()),
            brand: Some(" Fast VPN ".to_owned()),
            support: Some(String::new()),
            bot_payments: Some("none".to_owned()),
            ..AgentsAdd::default()
        })
        .unwrap();
        assert_eq!(
            full,
            AgentEdit {
                percent_off: Some(15),
                credit_limit_minor: Some(2050),
                suspended: None,
                brand: Some(Some("Fast VPN".to_owned())),
                support: Some(None),
                bot_payments: Some(BotPayments::None),
            }
        );
        let refused = |args: AgentsAdd, part: &str| {
            let err = terms(args).unwrap_err();
            assert!(err.contains(part), "{err}");
        };
        refused(
            AgentsAdd {
                percent_off: Some(91),
                ..AgentsAdd::default()
            },
            "0 to 90",
        );
        refused(
            AgentsAdd {
                credit_limit: Some("ten".to_owned()),
                ..AgentsAdd::default()
            },
            "invalid --credit-limit",
        );
        refused(
            AgentsAdd {
                bot_payments: Some("stars".to_owned()),
                ..AgentsAdd::default()
            },
            "heleket or none",
        );
    }
}
