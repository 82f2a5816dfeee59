//! `ajib-ctl plans list|add|edit|disable|import`, and the plans JSON shared with backups.

use std::time::{SystemTime, UNIX_EPOCH};

use ajib_backup::PlanJson;
use ajib_domain::{Currency, Money, NewPlan, Plan, PlanId, PlanName, UnixTime};
use anyhow::Context;
use serde::Deserialize;

use crate::{
    cli::{PlansAdd, PlansCommand, PlansEdit, PlansImport},
    db::Db,
    envfile::EnvFile,
    exit,
    paths::Paths,
    system,
};

/// The file: a bare array or `{"plans": [...]}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum PlansFile {
    List(Vec<PlanJson>),
    Wrapped { plans: Vec<PlanJson> },
}

/// Runs one plans command.
pub fn run(paths: &Paths, command: PlansCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "plans")?;
    let env = EnvFile::read(&paths.env_file)?;
    match command {
        PlansCommand::List(args) => {
            let db = Db::open_existing(paths, &env)?;
            let plans = db.block(db.store().list_plans(false))?;
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &plans.iter().map(PlanJson::from_plan).collect::<Vec<_>>()
                    )?
                );
                return Ok(());
            }
            if plans.is_empty() {
                println!("no plans yet (ajib-ctl plans add --name ... --price ... --days ...)");
            }
            for plan in plans {
                println!("{}", describe(&plan));
            }
            Ok(())
        }
        PlansCommand::Add(args) => add(&Db::open_or_create(paths, &env)?, &args),
        PlansCommand::Edit(args) => edit(&Db::open_existing(paths, &env)?, &args),
        PlansCommand::Disable(args) => {
            let db = Db::open_existing(paths, &env)?;
            db.block(db.store().set_plan_active(PlanId(args.id), false, now()))
                .with_context(|| format!("cannot disable plan {}", args.id))?;
            println!(
                "plan {} disabled (existing subscriptions keep working)",
                args.id
            );
            Ok(())
        }
        PlansCommand::Import(args) => import(paths, &env, &args),
    }
}

/// Every plan as the JSON stored in backups (`plans.json`).
pub fn export_json(db: &Db) -> anyhow::Result<Vec<u8>> {
    let plans = db
        .block(db.store().list_plans(false))
        .context("cannot read plans")?;
    Ok(ajib_backup::plans_json(&plans)?)
}

fn add(db: &Db, args: &PlansAdd) -> anyhow::Result<()> {
    let json = PlanJson {
        name: args.name.clone(),
        name_fa: args.name_fa.clone(),
        price: serde_json::Value::String(args.price.clone()),
        currency: args.currency.clone(),
        days: args.days,
        traffic_gb: args.traffic_gb,
        active: true,
    };
    let plan = to_new_plan(&json, 0)?
        .validate()
        .map_err(|e| exit::usage(format!("invalid plan: {e}")))?;
    let stored = db.block(db.store().insert_plan(&plan, now()))?;
    println!("added {}", describe(&stored));
    Ok(())
}

fn edit(db: &Db, args: &PlansEdit) -> anyhow::Result<()> {
    let id = PlanId(args.id);
    let Some(old) = db.block(db.store().get_plan(id))? else {
        anyhow::bail!("no plan with id {} (see ajib-ctl plans list)", args.id);
    };
    let currency = old.price.currency();
    let price = match &args.price {
        Some(text) => Money::parse(text, currency)
            .map_err(|e| exit::usage(format!("invalid price {text:?}: {e}")))?,
        None => old.price,
    };
    let plan = NewPlan {
        name: PlanName {
            en: args.name.clone().unwrap_or(old.name.en),
            fa: args.name_fa.clone().unwrap_or(old.name.fa),
        },
        days: args.days.unwrap_or(old.days),
        traffic_gb: args.traffic_gb.unwrap_or(old.traffic_gb),
        price,
        active: old.active || args.enable,
        sort_order: old.sort_order,
    }
    .validate()
    .map_err(|e| exit::usage(format!("invalid plan: {e}")))?;
    let stars = args.stars.as_deref().map(parse_stars).transpose()?;
    let stored = db.block(db.store().update_plan(id, &plan, now()))?;
    if let Some(stars) = stars {
        db.block(db.store().set_plan_stars(id, stars, now()))?;
        match stars {
            Some(stars) => println!("price in Stars: {stars} ⭐"),
            None => println!("price in Stars: from STARS_PER_UNIT"),
        }
    }
    println!("updated {}", describe(&stored));
    Ok(())
}

/// `--stars`: a whole number of Stars, 1 to 10000, or `none`.
fn parse_stars(text: &str) -> anyhow::Result<Option<u32>> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(stars) if (1..=ajib_storage::MAX_STARS).contains(&stars) => Ok(Some(stars)),
        _ => Err(exit::usage(format!(
            "invalid --stars {text:?}: a whole number of Stars from 1 to {}, or none",
            ajib_storage::MAX_STARS
        ))),
    }
}

fn import(paths: &Paths, env: &EnvFile, args: &PlansImport) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let plans = parse_plans_file(&text)
        .map_err(|e| exit::usage(format!("{}: {e}", args.file.display())))?;
    let mut valid = Vec::new();
    for (idx, json) in plans.iter().enumerate() {
        let order = i32::try_from(idx).unwrap_or(i32::MAX);
        let plan = to_new_plan(json, order)
            .and_then(|p| p.validate().map_err(anyhow::Error::from))
            .with_context(|| format!("plan #{} ({:?})", idx + 1, json.name))?;
        valid.push(plan);
    }
    if args.dry_run {
        for plan in &valid {
            let p = plan.plan();
            println!(
                "would add: {} — {} {} for {} days",
                p.name.en,
                p.price.to_decimal_string(),
                p.price.currency().code(),
                p.days
            );
        }
        return Ok(());
    }
    let db = Db::open_or_create(paths, env)?;
    for plan in &valid {
        let stored = db.block(db.store().insert_plan(plan, now()))?;
        println!("added {}", describe(&stored));
    }
    println!("imported {} plans", valid.len());
    Ok(())
}

/// Parses the old bot's plans JSON (array or `{"plans": [...]}`).
pub fn parse_plans_file(text: &str) -> Result<Vec<PlanJson>, String> {
    match serde_json::from_str::<PlansFile>(text) {
        Ok(PlansFile::List(plans) | PlansFile::Wrapped { plans }) => Ok(plans),
        Err(e) => Err(format!(
            "not a plans file (expected a JSON array of plans): {e}"
        )),
    }
}

fn to_new_plan(json: &PlanJson, sort_order: i32) -> anyhow::Result<NewPlan> {
    let currency = Currency::new(&json.currency)
        .map_err(|e| exit::usage(format!("currency {:?}: {e}", json.currency)))?;
    let price_text = match &json.price {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => {
            return Err(exit::usage(format!(
                "price must be a number or string, got {other}"
            )));
        }
    };
    let price = Money::parse(&price_text, currency)
        .map_err(|e| exit::usage(format!("price {price_text:?}: {e}")))?;
    Ok(NewPlan {
        name: PlanName {
            en: json.name.clone(),
            fa: json.name_fa.clone().unwrap_or_else(|| json.name.clone()),
        },
        days: json.days,
        traffic_gb: json.traffic_gb,
        price,
        active: json.active,
        sort_order,
    })
}

fn describe(plan: &Plan) -> String {
    let traffic = match plan.traffic_gb {
        0 => "unlimited".to_owned(),
        gb => format!("{gb} GB"),
    };
    let state = if plan.active { "on sale" } else { "disabled" };
    format!(
        "#{} {} / {} — {} {}, {} days, {traffic}, {state}",
        plan.id.0,
        plan.name.en,
        plan.name.fa,
        plan.price.to_decimal_string(),
        plan.price.currency().code(),
        plan.days
    )
}

fn now() -> UnixTime {
    UnixTime(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
    )
}

/// The current time for other command modules.
#[must_use]
pub fn unix_now() -> UnixTime {
    now()
}

#[cfg(test)]
mod tests {
    fn check(text: &str, expected: &[(&str, u32, u32)]) {
        let plans = super::parse_plans_file(text).unwrap();
        let got: Vec<(&str, u32, u32)> = plans
            .iter()
            .map(|p| (p.name.as_str(), p.days, p.traffic_gb))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn bare_array() {
        check(
            r#"[{"name":"Month","price":5,"days":30,"traffic_gb":100}]"#,
            &[("Month", 30, 100)],
        );
    }

    #[test]
    fn wrapped_with_old_aliases() {
        check(
            r#"{"plans":[{"title":"Year","price":"40.00","duration_days":365,"data_limit_gb":0,"id":7}]}"#,
            &[("Year", 365, 0)],
        );
    }
}
