//! After the kills: waiting until the system is quiet, then checking exactly once from the fakes' records and the database.

use std::{
    collections::HashMap,
    path::Path,
    time::{Duration, Instant},
};

use ajib_domain::{OrderStatus, TelegramId, blitz_username};
use ajib_storage::{LedgerCause, Store};
use ajib_testkit::heleket::PayOutcome;
use anyhow::Context;

use crate::{Args, Fakes, bot::Bot, shop::Purchase};

/// The text of every config message (the `hy2://` URI).
const CONFIG_NEEDLE: &str = "hy2://";
/// The staff's notice of a purchase.
const PURCHASE_NEEDLE: &str = "New purchase";
/// Time to all configs delivered after the last kill that the issue asks for.
const DELIVERY_TARGET: Duration = Duration::from_secs(30);

/// What the run did, to check against.
pub struct Expect {
    pub purchases: Vec<Purchase>,
    /// Customers who never reached an invoice, and why.
    pub stuck: Vec<String>,
    pub recipients: Vec<i64>,
    pub blocked_every: i64,
    pub admin: i64,
    pub broadcast_text: &'static str,
    /// Strings that must never appear in the bot's log.
    pub secrets: Vec<&'static str>,
}

/// What was found.
#[derive(Default)]
pub struct Report {
    pub kills: u32,
    pub starts: u32,
    pub exits: u32,
    pub elapsed: Duration,
    pub orders: usize,
    pub provisioned: usize,
    pub credited: usize,
    pub unpaid: usize,
    pub payments: usize,
    pub extra_webhooks: u32,
    pub checks: u32,
    pub configs: Tally,
    pub notices: Tally,
    pub broadcast: Tally,
    /// Broadcast sends the bot itself counts as possibly repeated.
    pub broadcast_counted: u64,
    pub mail_sent: u64,
    pub mail_resent: u64,
    pub delivered_after_last_kill: Option<Duration>,
    /// What the fake Bot API says the bot did wrong (not a check of this harness).
    pub api_rule_breaks: Vec<String>,
    pub violations: Vec<String>,
}

/// Deliveries of one kind of message.
#[derive(Default, Clone, Copy)]
pub struct Tally {
    /// Recipients who got it at least once.
    pub delivered: usize,
    /// Extra copies the bot had counted as possibly resent (Telegram's window).
    pub explained: usize,
    /// Extra copies nobody counted: a violation.
    pub duplicates: usize,
    /// Recipients who should have got it and did not.
    pub lost: usize,
}

impl Expect {
    /// Purchases that must end provisioned: paid in full (or more) while the plan is on sale.
    fn granted(&self) -> impl Iterator<Item = &Purchase> {
        self.purchases
            .iter()
            .filter(|it| matches!(it.paid, Some(PayOutcome::Paid | PayOutcome::PaidOver)))
    }

    fn reachable(&self, idx: usize) -> bool {
        idx as i64 % self.blocked_every != self.blocked_every - 1
    }
}

/// Polls until every granted order's config arrived, no job or mail is left,
/// every payment is on the ledger and the broadcast is done, or `limit`
/// passes; returns when the last config arrived, counted from `last_kill`.
pub async fn wait_until_quiet(
    store: &Store,
    fakes: &Fakes,
    expect: &Expect,
    bot: &mut Bot,
    last_kill: Instant,
    limit: Duration,
) -> anyhow::Result<Option<Duration>> {
    let mut delivered = None;
    loop {
        bot.restart_if_exited()?;
        let configs_out = expect
            .granted()
            .all(|it| count(fakes, it.user, CONFIG_NEEDLE) > 0);
        if configs_out && delivered.is_none() {
            delivered = Some(last_kill.elapsed());
        }
        if configs_out && quiet(store, expect).await? {
            return Ok(delivered);
        }
        if last_kill.elapsed() >= limit {
            println!("chaos: not quiet {limit:?} after the last kill; checking what there is");
            return Ok(delivered);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn quiet(store: &Store, expect: &Expect) -> anyhow::Result<bool> {
    if store.pending_jobs_count().await? > 0 || store.mail_counts().await?.unsent > 0 {
        return Ok(false);
    }
    for broadcast in store.recent_broadcasts(10).await? {
        if store.broadcast_progress(broadcast.id).await?.pending > 0 {
            return Ok(false);
        }
    }
    for purchase in expect.purchases.iter().filter(|it| it.paid.is_some()) {
        if store.ledger_for_order(purchase.order).await?.is_empty() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Checks every promise; each broken one is a violation in the report.
pub async fn check(
    store: &Store,
    db_path: &Path,
    fakes: &Fakes,
    expect: &Expect,
    bot: &Bot,
    delivered: Option<Duration>,
) -> anyhow::Result<Report> {
    let mut res = Report {
        exits: bot.exits,
        delivered_after_last_kill: delivered,
        orders: expect.purchases.len(),
        ..Report::default()
    };
    for stuck in &expect.stuck {
        res.violations
            .push(format!("a customer got no invoice: {stuck}"));
    }
    let resent = resent_mail(db_path)?;
    for purchase in &expect.purchases {
        check_purchase(store, fakes, expect, purchase, &resent, &mut res).await?;
    }
    let accounts = fakes.blitz.users().len();
    if accounts != res.provisioned {
        res.violations.push(format!(
            "{accounts} panel accounts for {} provisioned orders",
            res.provisioned
        ));
    }
    check_broadcast(store, db_path, fakes, expect, &mut res).await?;
    let counts = store.mail_counts().await?;
    res.mail_sent = counts.sent;
    res.mail_resent = counts.resent;
    let log = bot.log_text();
    for secret in &expect.secrets {
        if log.contains(secret) {
            res.violations.push(format!(
                "the bot's log contains a secret ({} characters)",
                secret.len()
            ));
        }
    }
    res.api_rule_breaks = fakes.telegram.violations();
    match res.delivered_after_last_kill {
        Some(it) if it > DELIVERY_TARGET => res.violations.push(format!(
            "the last config arrived {:.1} s after the last kill (target {} s)",
            it.as_secs_f64(),
            DELIVERY_TARGET.as_secs()
        )),
        _ => (),
    }
    Ok(res)
}

async fn check_purchase(
    store: &Store,
    fakes: &Fakes,
    expect: &Expect,
    purchase: &Purchase,
    resent: &HashMap<i64, Vec<String>>,
    res: &mut Report,
) -> anyhow::Result<()> {
    res.extra_webhooks += purchase.extra_webhooks;
    res.checks += purchase.checks;
    let order = store
        .get_order(purchase.order)
        .await?
        .with_context(|| format!("order {} is gone", purchase.order))?;
    let rows = store.ledger_for_order(order.id).await?;
    let credits: Vec<i64> = rows
        .iter()
        .filter(|it| it.cause == LedgerCause::Payment)
        .map(|it| it.delta_minor)
        .collect();
    let bought = rows
        .iter()
        .filter(|it| it.cause == LedgerCause::Purchase)
        .count();
    let name = blitz_username(TelegramId(purchase.user), order.id);
    let account = fakes.blitz.user(&name).is_some();
    let services = store
        .services_of_user(TelegramId(purchase.user))
        .await?
        .len();
    let mut wrong: Vec<String> = Vec::new();
    match purchase.paid {
        None => {
            res.unpaid += 1;
            if !credits.is_empty()
                || bought > 0
                || order.status.is_paid()
                || account
                || services > 0
            {
                wrong.push(format!(
                    "never paid, yet status {}, {} credits, {bought} purchases, panel account {account}, {services} services",
                    order.status.as_str(),
                    credits.len()
                ));
            }
        }
        Some(outcome) => {
            res.payments += 1;
            match credits.len() {
                1 => (),
                0 => wrong.push("a confirmed payment was lost".to_owned()),
                n => wrong.push(format!("a payment was credited {n} times")),
            }
            if outcome == PayOutcome::Paid && credits.first() != Some(&order.invoice_amount.minor())
            {
                wrong.push(format!(
                    "paid {} but credited {credits:?}",
                    order.invoice_amount
                ));
            }
            let granted = matches!(outcome, PayOutcome::Paid | PayOutcome::PaidOver);
            match granted {
                true if order.status == OrderStatus::Provisioned && bought == 1 && account => {
                    res.provisioned += 1;
                }
                true => wrong.push(format!(
                    "paid in full, yet status {}, {bought} purchases, panel account {account}",
                    order.status.as_str()
                )),
                false if bought == 0 && !account => res.credited += 1,
                false => wrong.push(format!(
                    "underpaid, yet {bought} purchases and panel account {account}"
                )),
            }
        }
    }
    let granted = matches!(purchase.paid, Some(PayOutcome::Paid | PayOutcome::PaidOver));
    let configs = count(fakes, purchase.user, CONFIG_NEEDLE);
    let resent_configs = resent.get(&purchase.user).map_or(0, |it| {
        it.iter()
            .filter(|body| body.contains(CONFIG_NEEDLE))
            .count()
    });
    tally(&mut res.configs, granted, configs, resent_configs);
    if !granted && configs > 0 {
        wrong.push(format!("not granted, yet {configs} configs arrived"));
    }
    // The notice's last line names the order ("Order: #12"; "#1" alone would match it too).
    let order_line = format!("Order: #{}", order.id.0);
    let notices = fakes
        .telegram
        .messages(expect.admin)
        .iter()
        .filter(|it| {
            it.text.as_deref().is_some_and(|text| {
                text.contains(PURCHASE_NEEDLE) && text.lines().any(|line| line.trim() == order_line)
            })
        })
        .count();
    let resent_notices = resent.get(&expect.admin).map_or(0, |it| {
        // The stored facts open with the order: `{"order":12,"granted":…`.
        let needle = format!("{{\"order\":{},", order.id.0);
        it.iter().filter(|body| body.starts_with(&needle)).count()
    });
    tally(&mut res.notices, granted, notices, resent_notices);
    let id = order.id;
    res.violations
        .extend(wrong.into_iter().map(|it| format!("order {id}: {it}")));
    Ok(())
}

/// Adds one recipient's `copies` of a message they should get once (if `expected`).
fn tally(tally: &mut Tally, expected: bool, copies: usize, counted: usize) {
    if !expected {
        return;
    }
    match copies {
        0 => tally.lost += 1,
        n => {
            tally.delivered += 1;
            let extra = n - 1;
            tally.explained += extra.min(counted);
            tally.duplicates += extra.saturating_sub(counted);
        }
    }
}

async fn check_broadcast(
    store: &Store,
    db_path: &Path,
    fakes: &Fakes,
    expect: &Expect,
    res: &mut Report,
) -> anyhow::Result<()> {
    let Some(broadcast) = store.recent_broadcasts(1).await?.pop() else {
        return Ok(());
    };
    res.broadcast_counted = store
        .broadcast_progress(broadcast.id)
        .await?
        .possible_duplicates;
    let repeated = repeated_recipients(db_path, broadcast.id.0)?;
    for (idx, id) in expect.recipients.iter().enumerate() {
        let copies = count(fakes, *id, expect.broadcast_text);
        let reachable = expect.reachable(idx);
        if !reachable && copies > 0 {
            res.violations
                .push(format!("{id} blocked the bot, yet got the broadcast"));
        }
        tally(
            &mut res.broadcast,
            reachable,
            copies,
            usize::from(repeated.contains(id)),
        );
    }
    for (what, tally) in [
        ("configs", res.configs),
        ("New purchase notices", res.notices),
        ("broadcast messages", res.broadcast),
    ] {
        if tally.duplicates > 0 {
            res.violations.push(format!(
                "{} {what} arrived twice without the bot counting a resend",
                tally.duplicates
            ));
        }
        if tally.lost > 0 {
            res.violations
                .push(format!("{} {what} never arrived", tally.lost));
        }
    }
    Ok(())
}

/// How many of the bot's messages to `chat` contain `needle`.
fn count(fakes: &Fakes, chat: i64, needle: &str) -> usize {
    fakes
        .telegram
        .messages(chat)
        .iter()
        .filter(|it| it.text.as_deref().is_some_and(|text| text.contains(needle)))
        .count()
}

/// The bodies of the mail each chat got again after a kill (the bot's own count of possible repeats).
fn resent_mail(db_path: &Path) -> anyhow::Result<HashMap<i64, Vec<String>>> {
    let conn = rusqlite::Connection::open(db_path)?;
    let mut stmt =
        conn.prepare("SELECT chat_id, body FROM mail WHERE resent > 0 AND chat_id IS NOT NULL")?;
    let rows = stmt.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut res: HashMap<i64, Vec<String>> = HashMap::new();
    for row in rows {
        let (chat, body) = row?;
        res.entry(chat).or_default().push(body);
    }
    Ok(res)
}

/// Recipients whose send was interrupted by a kill and made again.
fn repeated_recipients(
    db_path: &Path,
    broadcast: i64,
) -> anyhow::Result<std::collections::HashSet<i64>> {
    let conn = rusqlite::Connection::open(db_path)?;
    let mut stmt = conn.prepare(
        "SELECT user_id FROM broadcast_recipients WHERE broadcast_id = ?1 AND attempts > 1",
    )?;
    let rows = stmt.query_map([broadcast], |row| row.get::<_, i64>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Report {
    /// The one summary.
    pub fn print(&self, args: &Args) {
        let secs = |it: Option<Duration>| {
            it.map_or_else(
                || "never".to_owned(),
                |it| format!("{:.1} s", it.as_secs_f64()),
            )
        };
        println!("\nchaos summary (seed {})", args.seed);
        println!(
            "  kills: {} ({} starts, {} exits on its own) in {:.0} s",
            self.kills,
            self.starts,
            self.exits,
            self.elapsed.as_secs_f64()
        );
        println!(
            "  orders: {} — {} provisioned, {} credited to the balance, {} unpaid; {} payments confirmed (+{} webhook copies, {} Check presses)",
            self.orders,
            self.provisioned,
            self.credited,
            self.unpaid,
            self.payments,
            self.extra_webhooks,
            self.checks
        );
        self.configs.print("configs");
        self.notices.print("New purchase notices");
        self.broadcast.print("broadcast");
        println!(
            "  the bot counted: {} mail resent after a kill ({} mail sent), {} broadcast sends possibly repeated",
            self.mail_resent, self.mail_sent, self.broadcast_counted
        );
        println!(
            "  time from the last kill to all configs delivered: {} (target ≤ {} s)",
            secs(self.delivered_after_last_kill),
            DELIVERY_TARGET.as_secs()
        );
        if !self.api_rule_breaks.is_empty() {
            println!(
                "  Bot API rules broken (the fake's report, not checked here): {}",
                self.api_rule_breaks.len()
            );
            for it in self.api_rule_breaks.iter().take(5) {
                println!("    - {it}");
            }
        }
        match self.violations.as_slice() {
            [] => println!("  violations: none"),
            all => {
                println!("  violations: {}", all.len());
                for it in all {
                    println!("    - {it}");
                }
            }
        }
    }
}

impl Tally {
    fn print(&self, what: &str) {
        println!(
            "  {what}: {} delivered, {} duplicates ({} more in Telegram's window, counted by the bot), {} lost",
            self.delivered, self.duplicates, self.explained, self.lost
        );
    }
}
