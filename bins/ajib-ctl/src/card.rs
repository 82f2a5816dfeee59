//! `ajib-ctl card pending`: the card-to-card receipts waiting for a staff decision.
//!
//! Read-only: approving and rejecting happen in the bot, where the first
//! decision wins and the customer is told.

use ajib_storage::CardPayment;
use argh::FromArgs;

use crate::{db::Db, envfile::EnvFile, paths::Paths, plans::unix_now, system};

/// The most pending receipts listed.
const LIMIT: u32 = 1_000;

/// Card-to-card payments.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "card")]
pub struct CardArgs {
    /// the card command
    #[argh(subcommand)]
    pub command: CardCommand,
}

/// Card payment commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum CardCommand {
    /// List the receipts awaiting approval.
    Pending(CardPending),
}

/// List the card payments awaiting approval, oldest first: id, user, order, amount, age.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "pending")]
pub struct CardPending {}

/// Runs one card command.
pub fn run(paths: &Paths, command: CardCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "card")?;
    let env = EnvFile::read(&paths.env_file)?;
    match command {
        CardCommand::Pending(_) => {
            let db = Db::open_existing(paths, &env)?;
            let pending = db.block(db.store().pending_card_payments(LIMIT))?;
            if pending.is_empty() {
                println!("no card payments await approval");
            }
            let now = unix_now();
            for payment in &pending {
                println!("{}", describe(payment, now.0));
            }
            Ok(())
        }
    }
}

/// One line: `#id user U order O: 3.00 USD (285000 IRT), 2h 5m old, expires in 21h 55m`.
fn describe(payment: &CardPayment, now: i64) -> String {
    let amount = payment.amount;
    let digits = usize::from(amount.currency().minor_digits());
    let scale = 10_i64.pow(u32::try_from(digits).unwrap_or(2));
    format!(
        "#{} user {} order {}: {}.{:0digits$} {} ({} {}), {} old, expires in {}",
        payment.id,
        payment.user.0,
        payment.order.0,
        amount.minor() / scale,
        amount.minor() % scale,
        amount.currency().code(),
        payment.local_minor,
        payment.local_currency,
        duration(now - payment.created.0),
        duration(payment.expires.0 - now),
    )
}

/// `2h 5m` (never negative).
fn duration(secs: i64) -> String {
    let minutes = secs.max(0) / 60;
    format!("{}h {}m", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_hours_and_minutes() {
        assert_eq!(duration(7_500), "2h 5m");
        assert_eq!(duration(59), "0h 0m");
        assert_eq!(duration(-5), "0h 0m");
    }
}
