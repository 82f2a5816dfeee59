//! `ajib-ctl promo add|list|disable`: promo codes, as admins make them in the bot.
//!
//! A code gives one of `--percent`, `--fixed` (in the bot's currency) or
//! `--days`; everything else limits it. The checks are the bot's own
//! ([`ajib_storage::PromoDraft::validate`]), so both refuse the same codes
//! with the same reasons; each change is audited as `cli`.

use ajib_domain::UnixTime;
use ajib_storage::{Actor, Promo, PromoDraft, PromoKey};
use argh::FromArgs;

use crate::{
    balance::configured_currency, db::Db, envfile::EnvFile, exit, paths::Paths, plans::unix_now,
    system,
};

/// Manage promo codes.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "promo")]
pub struct PromoArgs {
    /// the promo command
    #[argh(subcommand)]
    pub command: PromoCommand,
}

/// Promo code commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum PromoCommand {
    /// Add a code.
    Add(PromoAdd),
    /// List the codes with their uses.
    List(PromoList),
    /// Stop a code from being applied (orders already made keep their price).
    Disable(PromoDisable),
}

/// Add a promo code: one of --percent, --fixed or --days, and any limits.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "add")]
pub struct PromoAdd {
    /// the code customers type: 3 to 32 letters A-Z, digits, _ or - (any case)
    #[argh(option)]
    pub code: String,
    /// percent off the price, 1 to 100
    #[argh(option)]
    pub percent: Option<u32>,
    /// amount off the price in the bot's currency, e.g. 1.50
    #[argh(option)]
    pub fixed: Option<String>,
    /// days added to the plan's, at the full price
    #[argh(option)]
    pub days: Option<u32>,
    /// plan ids it applies to, e.g. 1,2 (default: every plan)
    #[argh(option)]
    pub plans: Option<String>,
    /// first day it works, YYYY-MM-DD (UTC)
    #[argh(option)]
    pub from: Option<String>,
    /// last day it works, YYYY-MM-DD (UTC)
    #[argh(option)]
    pub until: Option<String>,
    /// total uses by paid orders (default: unlimited)
    #[argh(option)]
    pub uses: Option<u32>,
    /// uses per customer (default: unlimited)
    #[argh(option)]
    pub per_user: Option<u32>,
    /// only for a customer's first purchase
    #[argh(switch)]
    pub first_purchase_only: bool,
}

/// List the promo codes, newest first.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "list")]
pub struct PromoList {}

/// Disable a promo code.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "disable")]
pub struct PromoDisable {
    /// the code (any case)
    #[argh(positional)]
    pub code: String,
}

/// Runs one promo command.
pub fn run(paths: &Paths, command: PromoCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "promo")?;
    let env = EnvFile::read(&paths.env_file)?;
    match command {
        PromoCommand::Add(args) => {
            let currency = configured_currency(paths)?;
            let promo = draft(&args)
                .validate(currency)
                .map_err(|e| exit::usage(format!("invalid promo code: {e}")))?;
            let db = Db::open_or_create(paths, &env)?;
            let stored = db
                .block(db.store().add_promo(&promo, Actor::Cli, unix_now()))
                .map_err(|e| match e {
                    ajib_storage::Error::NotFound { what: "plan" } => exit::usage(format!(
                        "--plans {}: no such plan (see ajib-ctl plans list)",
                        args.plans.as_deref().unwrap_or_default()
                    )),
                    ajib_storage::Error::Conflict { .. } => {
                        exit::usage(format!("a code {:?} exists already", promo.code))
                    }
                    other => anyhow::Error::new(other).context("cannot add the promo code"),
                })?;
            println!("added {}", describe(&stored, unix_now()));
            Ok(())
        }
        PromoCommand::List(_) => {
            let db = Db::open_existing(paths, &env)?;
            let promos = db.block(db.store().list_promos())?;
            if promos.is_empty() {
                println!("no promo codes yet (ajib-ctl promo add --code ... --percent ...)");
            }
            let now = unix_now();
            for promo in promos {
                println!("{}", describe(&promo, now));
            }
            Ok(())
        }
        PromoCommand::Disable(args) => {
            let db = Db::open_existing(paths, &env)?;
            let key = PromoKey::Text(&args.code);
            let promo = db
                .block(
                    db.store()
                        .set_promo_enabled(key, false, Actor::Cli, unix_now()),
                )
                .map_err(|e| match e {
                    ajib_storage::Error::NotFound { .. } => exit::usage(format!(
                        "no promo code {:?} (see ajib-ctl promo list)",
                        args.code
                    )),
                    other => anyhow::Error::new(other).context("cannot disable the promo code"),
                })?;
            println!(
                "promo code {} disabled (orders already made with it keep their price)",
                promo.code
            );
            Ok(())
        }
    }
}

fn draft(args: &PromoAdd) -> PromoDraft {
    PromoDraft {
        code: args.code.clone(),
        percent: args.percent,
        fixed: args.fixed.clone(),
        days: args.days,
        plans: args.plans.clone(),
        from: args.from.clone(),
        until: args.until.clone(),
        uses: args.uses,
        per_user: args.per_user,
        first_purchase_only: args.first_purchase_only,
    }
}

/// One line: the code, what it gives, its limits, its uses and its state at `now`.
#[must_use]
pub fn describe(promo: &Promo, now: UnixTime) -> String {
    let mut parts = vec![promo.code.clone(), promo.benefit.to_string()];
    parts.push(match promo.plans.as_slice() {
        [] => "all plans".to_owned(),
        plans => {
            let ids: Vec<String> = plans.iter().map(|it| format!("#{}", it.0)).collect();
            format!("plans {}", ids.join(","))
        }
    });
    if promo.starts.is_some() || promo.ends.is_some() {
        let day = |it: Option<UnixTime>, shift: i64| {
            it.map_or_else(String::new, |at| at.plus_days(shift).date().to_string())
        };
        // `ends` is the first moment it no longer works: the day before is its last.
        parts.push(format!("{}..{}", day(promo.starts, 0), day(promo.ends, -1)));
    }
    parts.push(match promo.max_uses {
        Some(max) => format!("used {}/{max}", promo.uses),
        None => format!("used {}", promo.uses),
    });
    if let Some(per_user) = promo.per_user {
        parts.push(format!("{per_user} per customer"));
    }
    if promo.first_purchase_only {
        parts.push("first purchase only".to_owned());
    }
    let state = if !promo.enabled {
        "disabled"
    } else if promo.ends.is_some_and(|it| now >= it) {
        "expired"
    } else if promo.starts.is_some_and(|it| now < it) {
        "not started"
    } else if promo.max_uses.is_some_and(|max| promo.uses >= max) {
        "used up"
    } else {
        "active"
    };
    parts.push(state.to_owned());
    parts.join("  ")
}
