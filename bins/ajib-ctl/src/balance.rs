//! `ajib-ctl users balance <id> [--add|--sub AMOUNT --reason TEXT]`: a user's balance and ledger, and admin corrections.
//!
//! A change is one ledger row of cause `adjustment` whose actor is
//! [`CLI_ACTOR`] (no Telegram account has id 0, so the ledger tells the
//! operator's corrections from a bot admin's), plus an audit entry by
//! `Actor::Cli` with the balance before and after. The user is not messaged:
//! the CLI does not speak to Telegram; the bot's own "Adjust balance" does.

use ajib_domain::{Currency, Money, TelegramId};
use ajib_storage::{Actor, LedgerEntry};

use crate::{cli::UsersBalance, db::Db, envfile::EnvFile, exit, paths::Paths, plans::unix_now};

/// The ledger's actor id for changes made with `ajib-ctl`.
pub const CLI_ACTOR: TelegramId = TelegramId(0);
/// Longest reason accepted, in characters (as in the bot).
const MAX_REASON_CHARS: usize = 200;
/// Largest change one command may make, in whole currency units (as in the
/// bot): a typo guard that keeps every sum of the ledger far from overflow.
const MAX_CHANGE_UNITS: i64 = 1_000_000;
/// Most ledger rows one listing prints.
const MAX_LIMIT: u32 = 1_000;

/// A validated change of a balance.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    /// Minor units added (positive) or taken (negative), never zero.
    delta_minor: i64,
    /// The reason, trimmed.
    reason: String,
}

/// Shows the balance, or applies `--add`/`--sub` first.
pub fn run(paths: &Paths, env: &EnvFile, args: &UsersBalance) -> anyhow::Result<()> {
    let currency = configured_currency(paths)?;
    // Every argument is checked before the database is opened, so a bad one changes nothing.
    let change = parse_change(args, currency)?;
    let db = Db::open_existing(paths, env)?;
    let user = TelegramId(args.id);
    if db.block(db.store().get_user(user))?.is_none() {
        anyhow::bail!(
            "no user with Telegram id {} (they must have opened the bot; see ajib-ctl users find)",
            args.id
        );
    }
    if let Some(change) = &change {
        let after = apply(&db, user, currency, change)?;
        // Keep stdout plain JSON under --json; the listing shows the new row anyway.
        if !args.json {
            println!(
                "changed the balance of {user} by {}{} to {}; the reason is in the ledger and the audit log",
                if change.delta_minor < 0 { "-" } else { "+" },
                amount_text(change.delta_minor.abs(), currency),
                signed_amount_text(after, currency),
            );
        }
    }
    show(&db, user, currency, args)
}

/// The currency balances are kept in: the bot's, `HELEKET_CURRENCY` when Heleket
/// is configured and USD otherwise (as `ajib_app::app::settings` decides it).
pub(crate) fn configured_currency(paths: &Paths) -> anyhow::Result<Currency> {
    let sources = ajib_config::Sources {
        toml: None,
        dotenv: Some(paths.env_file.clone()),
        process_env: false,
    };
    let config = ajib_config::load(&sources).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the configured currency from {}: {e} (see ajib-ctl doctor)",
            paths.env_file.display()
        )
    })?;
    Ok(config
        .heleket
        .as_ref()
        .and_then(|it| Currency::new(&it.currency).ok())
        .unwrap_or(Currency::USD))
}

/// `--add`/`--sub` with `--reason` as a change; `None` when the balance is only shown.
fn parse_change(args: &UsersBalance, currency: Currency) -> anyhow::Result<Option<Change>> {
    let (text, sign) = match (&args.add, &args.sub) {
        (None, None) if args.reason.is_some() => {
            return Err(exit::usage("--reason goes with --add or --sub".to_owned()));
        }
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err(exit::usage(
                "give either --add or --sub, not both".to_owned(),
            ));
        }
        (Some(text), None) => (text, 1),
        (None, Some(text)) => (text, -1),
    };
    let amount = Money::parse(text, currency)
        .map_err(|e| exit::usage(format!("invalid amount {text:?}: {e}")))?;
    if amount.is_zero() {
        return Err(exit::usage(format!(
            "the amount must be more than zero, got {text:?}"
        )));
    }
    let max_minor = 10_i64
        .checked_pow(u32::from(currency.minor_digits()))
        .and_then(|scale| scale.checked_mul(MAX_CHANGE_UNITS))
        .unwrap_or(i64::MAX);
    if amount.minor() > max_minor {
        return Err(exit::usage(format!(
            "at most {MAX_CHANGE_UNITS} {currency} in one change, got {text:?}"
        )));
    }
    let reason = args.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(exit::usage(
            "say why with --reason TEXT; it is kept in the ledger and the audit log".to_owned(),
        ));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(exit::usage(format!(
            "the reason is longer than {MAX_REASON_CHARS} characters"
        )));
    }
    Ok(Some(Change {
        delta_minor: sign * amount.minor(),
        reason: reason.to_owned(),
    }))
}

/// Writes the ledger row and its audit entry; returns the new balance.
fn apply(db: &Db, user: TelegramId, currency: Currency, change: &Change) -> anyhow::Result<i64> {
    let at = unix_now();
    let after = match db.block(db.store().adjust_balance(
        user,
        currency,
        change.delta_minor,
        CLI_ACTOR,
        &change.reason,
        at,
    )) {
        Ok(after) => after,
        Err(ajib_storage::Error::InsufficientBalance { balance, .. }) => {
            anyhow::bail!(
                "cannot take {}: user {user} holds only {balance}; nothing changed",
                amount_text(change.delta_minor.abs(), currency)
            )
        }
        Err(err) => return Err(err.into()),
    };
    // The adjustment is one row, so the balance before it is exact.
    let before = after - change.delta_minor;
    let before_json = serde_json::json!({ "user": user.0, "currency": currency.code(),
        "balance_minor": before })
    .to_string();
    let after_json = serde_json::json!({ "user": user.0, "currency": currency.code(),
        "balance_minor": after, "delta_minor": change.delta_minor,
        "reason": change.reason })
    .to_string();
    db.block(db.store().audit(
        Actor::Cli,
        "user.balance_adjust",
        Some(&before_json),
        Some(&after_json),
        at,
    ))?;
    Ok(after)
}

fn show(db: &Db, user: TelegramId, currency: Currency, args: &UsersBalance) -> anyhow::Result<()> {
    let balance = db.block(db.store().balance(user, currency))?;
    let entries = db.block(db.store().ledger_of(user, args.limit.min(MAX_LIMIT)))?;
    if args.json {
        let rows: Vec<_> = entries.iter().map(entry_json).collect();
        let value = serde_json::json!({
            "user": user.0,
            "currency": currency.code(),
            "balance": balance.to_decimal_string(),
            "balance_minor": balance.minor(),
            "ledger": rows,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    println!("user {user}: balance {balance}");
    if entries.is_empty() {
        println!("  no movements yet");
    }
    for entry in &entries {
        println!("  {}", entry_line(entry));
    }
    Ok(())
}

/// "2026-01-02T03:04:05Z  +5.00 USD  adjustment  by the operator: goodwill".
fn entry_line(entry: &LedgerEntry) -> String {
    let sign = if entry.delta_minor < 0 { "-" } else { "+" };
    let mut res = format!(
        "{}  {sign}{}  {}",
        ajib_backup::rfc3339_utc(u64::try_from(entry.at.0).unwrap_or(0)),
        amount_text(entry.delta_minor.abs(), entry.currency),
        entry.cause.as_str(),
    );
    if let Some(order) = entry.order {
        res.push_str(&format!("  order #{order}"));
    }
    match entry.actor {
        Some(CLI_ACTOR) => res.push_str("  by the operator"),
        Some(actor) => res.push_str(&format!("  by {actor}")),
        None => (),
    }
    if let Some(note) = &entry.note {
        res.push_str(&format!(": {note}"));
    }
    res
}

fn entry_json(entry: &LedgerEntry) -> serde_json::Value {
    serde_json::json!({
        "id": entry.id,
        "at": entry.at.0,
        "currency": entry.currency.code(),
        "delta_minor": entry.delta_minor,
        "cause": entry.cause.as_str(),
        "order": entry.order.map(|it| it.0),
        "invoice": entry.invoice_uuid,
        "actor": entry.actor.map(|it| it.0),
        "note": entry.note,
    })
}

/// The magnitude of a ledger amount, as `Money` prints it ("5.00 USD").
/// A balance that may be below zero (an agent on credit): "-4.80 USD".
pub(crate) fn signed_amount_text(minor: i64, currency: Currency) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}", amount_text(minor.abs(), currency))
}

pub(crate) fn amount_text(minor_abs: i64, currency: Currency) -> String {
    Money::from_minor(minor_abs, currency).map_or_else(
        |_| format!("{minor_abs} minor units of {currency}"),
        |it| it.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(add: Option<&str>, sub: Option<&str>, reason: Option<&str>) -> UsersBalance {
        UsersBalance {
            id: 1,
            add: add.map(str::to_owned),
            sub: sub.map(str::to_owned),
            reason: reason.map(str::to_owned),
            limit: 10,
            json: false,
        }
    }

    fn check(
        add: Option<&str>,
        sub: Option<&str>,
        reason: Option<&str>,
        expected: Result<Option<i64>, &str>,
    ) {
        let res = parse_change(&args(add, sub, reason), Currency::USD)
            .map(|it| it.map(|change| change.delta_minor))
            .map_err(|e| e.to_string());
        match expected {
            Ok(delta) => assert_eq!(res, Ok(delta)),
            Err(fragment) => {
                let err = res.expect_err("refused");
                assert!(
                    err.contains(fragment),
                    "{err:?} should mention {fragment:?}"
                );
            }
        }
    }

    #[test]
    fn amounts_are_positive_decimals_with_a_reason() {
        check(None, None, None, Ok(None));
        check(Some("5"), None, Some("goodwill"), Ok(Some(500)));
        check(None, Some("2.50"), Some(" refund by hand "), Ok(Some(-250)));
        check(Some("0.01"), None, Some("x"), Ok(Some(1)));
        check(Some("1000000"), None, Some("x"), Ok(Some(100_000_000)));
    }

    #[test]
    fn bad_changes_are_refused() {
        check(Some("0"), None, Some("x"), Err("more than zero"));
        check(Some("0.00"), None, Some("x"), Err("more than zero"));
        check(Some("-5"), None, Some("x"), Err("must not be negative"));
        check(None, Some("-5"), Some("x"), Err("must not be negative"));
        check(
            Some("2.505"),
            None,
            Some("x"),
            Err("at most 2 decimal places"),
        );
        check(Some("5,00"), None, Some("x"), Err("invalid amount"));
        check(Some("five"), None, Some("x"), Err("invalid amount"));
        check(Some("1e3"), None, Some("x"), Err("exponent"));
        check(Some(""), None, Some("x"), Err("empty"));
        check(
            Some("1000000.01"),
            None,
            Some("x"),
            Err("at most 1000000 USD"),
        );
        check(Some("5"), None, None, Err("--reason"));
        check(Some("5"), None, Some("   "), Err("--reason"));
        check(
            Some("5"),
            None,
            Some(&"x".repeat(201)),
            Err("longer than 200"),
        );
        check(Some("5"), Some("5"), Some("x"), Err("not both"));
        check(None, None, Some("x"), Err("goes with --add or --sub"));
    }
}
