//! Referrals: codes, attribution at first contact, and rewards paid with the payment that earns them.
//!
//! Exactly once is the database's job: a user is attributed at most once (the
//! referee is the primary key of `referrals`), a paid order earns at most one
//! reward of each kind (`UNIQUE (order_id, kind)`), and [`reward_purchase`]
//! runs inside the transaction that marks the order paid, so a payment and its
//! reward commit together or not at all, however often the payment is settled.
//! Taking a reward back (a refund, an admin's revoke) moves it out of
//! `granted` first, so it is taken back once; the ledger never goes negative,
//! so what the beneficiary already spent is not taken (the row says how much was).

use std::fmt;

use ajib_domain::{Currency, Money, Order, OrderId, OrderKind, TelegramId, UnixTime};
use rusqlite::{Connection, Row, params};

use crate::{
    Error, Store,
    ledger::balance,
    store::{money, query_count, query_exists, query_opt, query_vec, time, to_sql_u64, to_u64},
};

/// The letters of a referral code: lower case, without look-alikes (0/o, 1/l).
const CODE_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// Letters in a referral code: 40 random bits.
pub const REFERRAL_CODE_LEN: usize = 8;

/// Seconds over which [`ReferralRules::daily_cap`] counts a referrer's rewards.
pub const REWARD_CAP_WINDOW_SECS: i64 = 86_400;

/// Which purchases of an invited user earn their referrer a reward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralMode {
    /// Only their first paid purchase.
    FirstPurchase,
    /// Every paid purchase.
    EveryPurchase,
}

impl ReferralMode {
    /// The spelling in `REFERRAL_MODE` and in storage.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstPurchase => "first",
            Self::EveryPurchase => "every",
        }
    }

    /// Reads [`ReferralMode::as_str`] back.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Self::FirstPurchase, Self::EveryPurchase]
            .into_iter()
            .find(|it| it.as_str() == text)
    }
}

/// The owner's reward rules (the `REFERRAL_*` variables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralRules {
    /// A fixed amount, in the order's minor units, per qualifying purchase.
    pub reward_minor: u64,
    /// Extra days on the referrer's running service per qualifying purchase (0: none).
    pub reward_days: u32,
    /// A percentage (0–100) of the qualifying purchase's price, added to `reward_minor`.
    pub percent: u32,
    /// Which purchases qualify.
    pub mode: ReferralMode,
    /// Given to the invited user with their first paid purchase (minor units; 0: none).
    pub welcome_minor: u64,
    /// Most rewards one referrer is granted in 24 hours (0: no cap); others are recorded as refused.
    pub daily_cap: u32,
}

impl ReferralRules {
    /// Rules that give nothing.
    pub const OFF: Self = Self {
        reward_minor: 0,
        reward_days: 0,
        percent: 0,
        mode: ReferralMode::FirstPurchase,
        welcome_minor: 0,
        daily_cap: 0,
    };

    /// The referrer's reward for a purchase at `price` minor units (0: none).
    #[must_use]
    pub fn reward_for(&self, price_minor: i64) -> i64 {
        let share = i128::from(price_minor.max(0)) * i128::from(self.percent.min(100)) / 100;
        let fixed = i128::from(self.reward_minor);
        i64::try_from(fixed + share).unwrap_or(i64::MAX)
    }
}

/// What a `/start r<code>` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribution {
    /// The user is now the referrer's invitee.
    Attributed {
        /// Who invited them.
        referrer: TelegramId,
    },
    /// No user has this code.
    UnknownCode,
    /// The code is the user's own.
    SelfReferral,
    /// The user was attributed before, or has bought before: never again.
    AlreadyKnown,
}

/// A reward's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RewardId(pub i64);

impl fmt::Display for RewardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Who gets a reward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewardKind {
    /// The referrer, for their invitee's purchase.
    Referrer,
    /// The invitee's welcome bonus, with their first paid purchase.
    Welcome,
}

impl RewardKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Referrer => "referrer",
            Self::Welcome => "welcome",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Referrer, Self::Welcome]
            .into_iter()
            .find(|it| it.as_str() == text)
    }
}

/// Where a reward stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewardStatus {
    /// On the beneficiary's balance.
    Granted,
    /// Earned but not granted (see [`Reward::reason`]: the daily cap, a banned referrer).
    Refused,
    /// Taken back because the purchase was refunded.
    Reversed,
    /// Taken back by an admin.
    Revoked,
}

impl RewardStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::Refused => "refused",
            Self::Reversed => "reversed",
            Self::Revoked => "revoked",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Granted, Self::Refused, Self::Reversed, Self::Revoked]
            .into_iter()
            .find(|it| it.as_str() == text)
    }
}

/// Why an earned reward was not granted.
pub mod refusal {
    /// The referrer had reached [`super::ReferralRules::daily_cap`].
    pub const DAILY_CAP: &str = "daily cap";
    /// The referrer is banned.
    pub const BANNED: &str = "referrer banned";
}

/// One reward earned by a paid order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reward {
    /// Its id.
    pub id: RewardId,
    /// The invited user's paid order that earned it.
    pub order: OrderId,
    /// Referrer's reward or welcome bonus.
    pub kind: RewardKind,
    /// Whose balance it went to.
    pub beneficiary: TelegramId,
    /// The referrer.
    pub referrer: TelegramId,
    /// The invited user.
    pub referee: TelegramId,
    /// How much.
    pub amount: Money,
    /// The price of the purchase that earned it.
    pub purchase: Money,
    /// Where it stands.
    pub status: RewardStatus,
    /// Why it was refused, reversed or revoked.
    pub reason: Option<String>,
    /// What was taken back from the balance (at most `amount`; less if it had been spent).
    pub taken_back: Money,
    /// The admin who revoked it.
    pub closed_by: Option<TelegramId>,
    /// When it was earned.
    pub at: UnixTime,
}

/// A user's own referral figures, for their invite screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralSummary {
    /// Their referral code.
    pub code: String,
    /// Users they invited.
    pub invited: u64,
    /// Invited users who have not paid for anything yet.
    pub waiting: u64,
    /// Rewards on their balance now (granted, less what was taken back).
    pub earned: Money,
    /// Rewards earned but not granted (the daily cap).
    pub refused: u64,
}

/// A referrer in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopReferrer {
    /// The referrer.
    pub user: TelegramId,
    /// Their @username.
    pub username: Option<String>,
    /// Their first name.
    pub first_name: String,
    /// Users they invited.
    pub invited: u64,
    /// Invited users who paid for something.
    pub buyers: u64,
    /// Rewards they kept (granted, less what was taken back).
    pub earned: Money,
}

/// Referral figures for the admin statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralStats {
    /// Users attributed to a referrer in the period.
    pub referred_users: u64,
    /// Paid purchases (not test accounts, not free grants) of invited users in the period.
    pub paid_purchases: u64,
    /// What those purchases brought.
    pub revenue: Money,
    /// Rewards paid in the period (referrers' and welcome bonuses), less what was taken back.
    pub rewards_paid: Money,
    /// Rewards refused in the period (the daily cap, banned referrers).
    pub rewards_refused: u64,
}

const REWARD_COLUMNS: &str = "id, order_id, kind, beneficiary_id, referrer_id, referee_id, currency, \
     amount_minor, purchase_minor, status, reason, taken_back_minor, closed_by, created_at";

/// A paid, non-test order with a price: what can earn a reward, and what counts as revenue.
const PAID_PURCHASE: &str =
    "o.status IN ('paid', 'provisioned') AND o.kind <> 'test' AND o.amount_minor > 0";

impl Store {
    /// The user's referral code, made (random, unique) the first time it is asked for.
    pub async fn referral_code(&self, user: TelegramId, now: UnixTime) -> Result<String, Error> {
        self.with_conn(move |conn| {
            // A collision (one in a trillion per pair) just draws again.
            for _ in 0..8 {
                if let Some(code) = code_of(conn, user)? {
                    return Ok(code);
                }
                let code = random_code(conn)?;
                conn.prepare_cached(
                    "INSERT OR IGNORE INTO referral_codes (user_id, code, created_at) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![user.0, code, now.0])?;
            }
            code_of(conn, user)?.ok_or(Error::Conflict {
                what: "no free referral code after eight draws",
            })
        })
        .await
    }

    /// Attributes `referee` to the owner of `code`, once: never to themselves,
    /// never again, never a user who has ordered anything.
    ///
    /// Call it only at the user's first contact (their row was created by the
    /// update carrying the code): the caller knows, the database does not.
    pub async fn attribute_referral(
        &self,
        referee: TelegramId,
        code: &str,
        now: UnixTime,
    ) -> Result<Attribution, Error> {
        let code = code.to_ascii_lowercase();
        self.with_tx(move |tx| {
            let referrer = query_opt(
                tx,
                "SELECT user_id FROM referral_codes WHERE code = ?1",
                [&code],
                |row| Ok(TelegramId(row.get(0)?)),
            )?;
            let Some(referrer) = referrer else {
                return Ok(Attribution::UnknownCode);
            };
            if referrer == referee {
                return Ok(Attribution::SelfReferral);
            }
            let known = query_exists(
                tx,
                "SELECT 1 FROM referrals WHERE referee_id = ?1 \
                 UNION ALL SELECT 1 FROM orders WHERE user_id = ?1",
                [referee.0],
            )?;
            if known {
                return Ok(Attribution::AlreadyKnown);
            }
            tx.prepare_cached(
                "INSERT INTO referrals (referee_id, referrer_id, created_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![referee.0, referrer.0, now.0])?;
            Ok(Attribution::Attributed { referrer })
        })
        .await
    }

    /// Who invited `user`, if anyone.
    pub async fn referrer_of(&self, user: TelegramId) -> Result<Option<TelegramId>, Error> {
        self.with_conn(move |conn| {
            query_opt(
                conn,
                "SELECT referrer_id FROM referrals WHERE referee_id = ?1",
                [user.0],
                |row| Ok(TelegramId(row.get(0)?)),
            )
        })
        .await
    }

    /// Replaces the reward rules (the bot writes its configuration's at start).
    pub async fn set_referral_rules(
        &self,
        rules: &ReferralRules,
        now: UnixTime,
    ) -> Result<(), Error> {
        let rules = *rules;
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "INSERT INTO referral_rules (id, reward_minor, percent, mode, welcome_minor, daily_cap, updated_at, \
                 reward_days) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET \
                 reward_minor = excluded.reward_minor, percent = excluded.percent, mode = excluded.mode, \
                 welcome_minor = excluded.welcome_minor, daily_cap = excluded.daily_cap, \
                 updated_at = excluded.updated_at, reward_days = excluded.reward_days",
            )?
            .execute(params![
                to_sql_u64("referral reward", rules.reward_minor)?,
                rules.percent.min(100),
                rules.mode.as_str(),
                to_sql_u64("referral welcome bonus", rules.welcome_minor)?,
                rules.daily_cap,
                now.0,
                rules.reward_days.min(365)
            ])?;
            Ok(())
        })
        .await
    }

    /// The reward rules in force ([`ReferralRules::OFF`] if none were written).
    pub async fn referral_rules(&self) -> Result<ReferralRules, Error> {
        self.with_conn(|conn| rules(conn)).await
    }

    /// The user's invite figures, in `currency`; makes their code if needed.
    pub async fn referral_summary(
        &self,
        user: TelegramId,
        currency: Currency,
        now: UnixTime,
    ) -> Result<ReferralSummary, Error> {
        let code = self.referral_code(user, now).await?;
        self.with_conn(move |conn| {
            let invited = query_count(
                conn,
                "SELECT count(*) FROM referrals WHERE referrer_id = ?1",
                [user.0],
            )?;
            let sql = format!(
                "SELECT count(*) FROM referrals r WHERE r.referrer_id = ?1 AND NOT EXISTS \
                 (SELECT 1 FROM orders o WHERE o.user_id = r.referee_id AND {PAID_PURCHASE})"
            );
            let waiting = query_count(conn, &sql, [user.0])?;
            let earned = kept_rewards(conn, "beneficiary_id = ?1 AND kind = 'referrer'", user.0, currency)?;
            let refused = query_count(
                conn,
                "SELECT count(*) FROM referral_rewards WHERE referrer_id = ?1 AND kind = 'referrer' \
                 AND status = 'refused'",
                [user.0],
            )?;
            Ok(ReferralSummary {
                code,
                invited,
                waiting,
                earned,
                refused,
            })
        })
        .await
    }

    /// The referrers with the most invited users, most first.
    pub async fn top_referrers(
        &self,
        currency: Currency,
        limit: u32,
    ) -> Result<Vec<TopReferrer>, Error> {
        self.with_conn_long(move |conn| {
            let sql = format!(
                "SELECT r.referrer_id, count(*) AS invited, \
                 sum(EXISTS (SELECT 1 FROM orders o WHERE o.user_id = r.referee_id AND {PAID_PURCHASE})) AS buyers, \
                 u.username, coalesce(u.first_name, '') AS first_name \
                 FROM referrals r LEFT JOIN users u ON u.id = r.referrer_id \
                 GROUP BY r.referrer_id ORDER BY invited DESC, buyers DESC, r.referrer_id LIMIT ?1"
            );
            let rows = query_vec(conn, &sql, [limit], |row| {
                Ok((
                    TelegramId(row.get("referrer_id")?),
                    to_u64("invited", row.get("invited")?)?,
                    to_u64("buyers", row.get("buyers")?)?,
                    row.get::<_, Option<String>>("username")?,
                    row.get::<_, String>("first_name")?,
                ))
            })?;
            rows.into_iter()
                .map(|(user, invited, buyers, username, first_name)| {
                    let earned = kept_rewards(
                        conn,
                        "beneficiary_id = ?1 AND kind = 'referrer'",
                        user.0,
                        currency,
                    )?;
                    Ok(TopReferrer {
                        user,
                        username,
                        first_name,
                        invited,
                        buyers,
                        earned,
                    })
                })
                .collect()
        })
        .await
    }

    /// The rewards a referrer earned (granted or not), newest first.
    pub async fn rewards_of_referrer(
        &self,
        referrer: TelegramId,
        limit: u32,
    ) -> Result<Vec<Reward>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {REWARD_COLUMNS} FROM referral_rewards WHERE referrer_id = ?1 \
                 ORDER BY id DESC LIMIT ?2"
            );
            query_vec(conn, &sql, params![referrer.0, limit], read_reward)
        })
        .await
    }

    /// One reward.
    pub async fn get_reward(&self, id: RewardId) -> Result<Option<Reward>, Error> {
        self.with_conn(move |conn| reward(conn, id)).await
    }

    /// Takes a granted reward back, as `admin` decided: what is still on the
    /// beneficiary's balance of it is debited, once. `None` if it is not (or no longer) granted.
    pub async fn revoke_reward(
        &self,
        id: RewardId,
        admin: TelegramId,
        now: UnixTime,
    ) -> Result<Option<Reward>, Error> {
        self.with_tx(move |tx| {
            take_back(
                tx,
                id,
                RewardStatus::Revoked,
                "revoked by an admin",
                Some(admin),
                now,
            )
        })
        .await
    }

    /// The money of `order` went back to its payer (Heleket refunded the
    /// invoice): the rewards it earned are taken back, once. Returns those taken back now.
    pub async fn reverse_rewards_for_refund(
        &self,
        order: OrderId,
        now: UnixTime,
    ) -> Result<Vec<Reward>, Error> {
        self.with_tx(move |tx| {
            let ids = query_vec(
                tx,
                "SELECT id FROM referral_rewards WHERE order_id = ?1 AND status = 'granted' ORDER BY id",
                [order.0],
                |row| Ok(RewardId(row.get(0)?)),
            )?;
            let mut res = Vec::new();
            for id in ids {
                res.extend(take_back(tx, id, RewardStatus::Reversed, "payment refunded", None, now)?);
            }
            Ok(res)
        })
        .await
    }

    /// Referral figures since `since`, amounts in `currency`.
    pub async fn referral_stats(
        &self,
        since: UnixTime,
        currency: Currency,
    ) -> Result<ReferralStats, Error> {
        self.with_conn_long(move |conn| {
            let referred_users = query_count(
                conn,
                "SELECT count(*) FROM referrals WHERE created_at >= ?1",
                [since.0],
            )?;
            let sql = format!(
                "SELECT count(*), coalesce(sum(o.amount_minor), 0) FROM orders o \
                 JOIN referrals r ON r.referee_id = o.user_id \
                 WHERE {PAID_PURCHASE} AND o.currency = ?2 AND coalesce(o.paid_at, o.updated_at) >= ?1"
            );
            let (paid_purchases, revenue) = conn
                .prepare_cached(&sql)?
                .query_row(params![since.0, currency.code()], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
                })?;
            let paid_minor: i64 = conn
                .prepare_cached(
                    "SELECT coalesce(sum(amount_minor - taken_back_minor), 0) FROM referral_rewards \
                     WHERE status <> 'refused' AND currency = ?2 AND created_at >= ?1",
                )?
                .query_row(params![since.0, currency.code()], |row| row.get(0))?;
            let rewards_refused = query_count(
                conn,
                "SELECT count(*) FROM referral_rewards WHERE status = 'refused' AND created_at >= ?1",
                [since.0],
            )?;
            Ok(ReferralStats {
                referred_users,
                paid_purchases: to_u64("paid purchases", paid_purchases)?,
                revenue: minor_money(revenue, currency)?,
                rewards_paid: minor_money(paid_minor, currency)?,
                rewards_refused,
            })
        })
        .await
    }
}

/// Grants the rewards `order` earns, if its buyer was invited: called in the
/// transaction that marks it paid ([`crate::ledger::buy`]), so a payment
/// settled twice still rewards once (and a unique row per order and kind says so too).
///
/// Test accounts and free grants (no price) never qualify.
pub(crate) fn reward_purchase(tx: &Connection, order: &Order, now: UnixTime) -> Result<(), Error> {
    if matches!(order.kind, OrderKind::Test) || order.amount.minor() <= 0 {
        return Ok(());
    }
    // An agent's purchases are their trade, not a referred customer's.
    if crate::agents::is_agent_order(tx, order.id)? {
        return Ok(());
    }
    let referrer = query_opt(
        tx,
        "SELECT referrer_id FROM referrals WHERE referee_id = ?1",
        [order.user.0],
        |row| Ok(TelegramId(row.get(0)?)),
    )?;
    let Some(referrer) = referrer else {
        return Ok(());
    };
    let rules = rules(tx)?;
    let sql =
        format!("SELECT 1 FROM orders o WHERE o.user_id = ?1 AND o.id <> ?2 AND {PAID_PURCHASE}");
    let first = !query_exists(tx, &sql, params![order.user.0, order.id.0])?;
    let qualifies = match rules.mode {
        ReferralMode::FirstPurchase => first,
        ReferralMode::EveryPurchase => true,
    };
    let reward = rules.reward_for(order.amount.minor());
    if qualifies && (reward > 0 || rules.reward_days > 0) {
        let refused = referrer_refusal(tx, referrer, &rules, now)?;
        let earned = Earned {
            order,
            kind: RewardKind::Referrer,
            beneficiary: referrer,
            referrer,
            amount_minor: reward,
            days: rules.reward_days,
        };
        record(tx, &earned, refused, now)?;
    }
    let welcome = i64::try_from(rules.welcome_minor).unwrap_or(i64::MAX);
    if first && welcome > 0 {
        let earned = Earned {
            order,
            kind: RewardKind::Welcome,
            beneficiary: order.user,
            referrer,
            amount_minor: welcome,
            days: 0,
        };
        record(tx, &earned, None, now)?;
    }
    Ok(())
}

/// A reward an order earned, before it is recorded.
struct Earned<'a> {
    order: &'a Order,
    kind: RewardKind,
    beneficiary: TelegramId,
    referrer: TelegramId,
    amount_minor: i64,
    /// Extra days for the referrer's running service, applied by a worker.
    days: u32,
}

/// Why the referrer may not be granted a reward now, if they may not.
fn referrer_refusal(
    tx: &Connection,
    referrer: TelegramId,
    rules: &ReferralRules,
    now: UnixTime,
) -> Result<Option<&'static str>, Error> {
    let banned = query_exists(
        tx,
        "SELECT 1 FROM users WHERE id = ?1 AND banned = 1",
        [referrer.0],
    )?;
    if banned {
        return Ok(Some(refusal::BANNED));
    }
    if rules.daily_cap == 0 {
        return Ok(None);
    }
    let granted_lately = query_count(
        tx,
        "SELECT count(*) FROM referral_rewards WHERE referrer_id = ?1 AND kind = 'referrer' \
         AND status <> 'refused' AND created_at > ?2",
        params![referrer.0, now.0 - REWARD_CAP_WINDOW_SECS],
    )?;
    Ok((granted_lately >= u64::from(rules.daily_cap)).then_some(refusal::DAILY_CAP))
}

/// Writes the reward row and, unless refused, its credit on the ledger.
fn record(
    tx: &Connection,
    earned: &Earned<'_>,
    refused: Option<&'static str>,
    now: UnixTime,
) -> Result<(), Error> {
    let order = earned.order;
    let status = match refused {
        Some(_) => RewardStatus::Refused,
        None => RewardStatus::Granted,
    };
    let inserted = tx
        .prepare_cached(
            "INSERT INTO referral_rewards (order_id, kind, beneficiary_id, referrer_id, referee_id, \
             currency, amount_minor, purchase_minor, status, reason, created_at, days, days_state) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
             ON CONFLICT (order_id, kind) DO NOTHING RETURNING id",
        )?
        .query_row(
            params![
                order.id.0,
                earned.kind.as_str(),
                earned.beneficiary.0,
                earned.referrer.0,
                order.user.0,
                order.amount.currency().code(),
                earned.amount_minor,
                order.amount.minor(),
                status.as_str(),
                refused,
                now.0,
                earned.days,
                (earned.days > 0 && refused.is_none()).then_some("pending")
            ],
            |row| row.get::<_, i64>(0),
        );
    let id = match inserted {
        Ok(id) => RewardId(id),
        // Rewarded before: exactly once.
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(()),
        Err(err) => return Err(err.into()),
    };
    if refused.is_some() || earned.amount_minor == 0 {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO ledger (user_id, currency, amount_minor, cause, note, created_at) \
         VALUES (?1, ?2, ?3, 'reward', ?4, ?5)",
    )?
    .execute(params![
        earned.beneficiary.0,
        order.amount.currency().code(),
        earned.amount_minor,
        ledger_note(earned.kind, id),
        now.0
    ])?;
    Ok(())
}

/// Moves a granted reward to `to` and debits what of it is still on the
/// beneficiary's balance; `None` if it was not granted (taken back before).
fn take_back(
    tx: &Connection,
    id: RewardId,
    to: RewardStatus,
    reason: &str,
    actor: Option<TelegramId>,
    now: UnixTime,
) -> Result<Option<Reward>, Error> {
    let Some(found) = reward(tx, id)? else {
        return Err(Error::NotFound { what: "reward" });
    };
    if found.status != RewardStatus::Granted {
        return Ok(None);
    }
    // The ledger never goes negative: what was spent already stays spent.
    let on_balance = balance(tx, found.beneficiary, found.amount.currency())?;
    let taken = found.amount.minor().min(on_balance.minor());
    let changed = tx
        .prepare_cached(
            "UPDATE referral_rewards SET status = ?2, reason = ?3, taken_back_minor = ?4, \
             closed_by = ?5, closed_at = ?6 WHERE id = ?1 AND status = 'granted'",
        )?
        .execute(params![
            id.0,
            to.as_str(),
            reason,
            taken,
            actor.map(|it| it.0),
            now.0
        ])?;
    if changed == 0 {
        return Ok(None);
    }
    // Days not yet on the panel are not given; days already there stay.
    tx.prepare_cached(
        "UPDATE referral_rewards SET days_state = 'cancelled' WHERE id = ?1 AND days_state = 'pending'",
    )?
    .execute([id.0])?;
    if taken > 0 {
        tx.prepare_cached(
            "INSERT INTO ledger (user_id, currency, amount_minor, cause, actor_id, note, created_at) \
             VALUES (?1, ?2, ?3, 'reward', ?4, ?5, ?6)",
        )?
        .execute(params![
            found.beneficiary.0,
            found.amount.currency().code(),
            -taken,
            actor.map(|it| it.0),
            format!("{} taken back: {reason}", ledger_note(found.kind, id)),
            now.0
        ])?;
    }
    reward(tx, id)
}

/// The ledger note of a reward's rows, naming the reward.
fn ledger_note(kind: RewardKind, id: RewardId) -> String {
    match kind {
        RewardKind::Referrer => format!("referral reward #{id}"),
        RewardKind::Welcome => format!("referral welcome bonus #{id}"),
    }
}

fn rules(conn: &Connection) -> Result<ReferralRules, Error> {
    let found = query_opt(
        conn,
        "SELECT reward_minor, reward_days, percent, mode, welcome_minor, daily_cap FROM referral_rules WHERE id = 1",
        [],
        |row| {
            let mode: String = row.get("mode")?;
            Ok(ReferralRules {
                reward_minor: to_u64("referral_rules.reward_minor", row.get("reward_minor")?)?,
                reward_days: row.get("reward_days")?,
                percent: row.get("percent")?,
                mode: ReferralMode::parse(&mode).ok_or(Error::Decode {
                    column: "referral_rules.mode",
                    raw: mode,
                })?,
                welcome_minor: to_u64("referral_rules.welcome_minor", row.get("welcome_minor")?)?,
                daily_cap: row.get("daily_cap")?,
            })
        },
    )?;
    Ok(found.unwrap_or(ReferralRules::OFF))
}

fn code_of(conn: &Connection, user: TelegramId) -> Result<Option<String>, Error> {
    query_opt(
        conn,
        "SELECT code FROM referral_codes WHERE user_id = ?1",
        [user.0],
        |row| Ok(row.get(0)?),
    )
}

/// [`REFERRAL_CODE_LEN`] letters of [`CODE_ALPHABET`] from SQLite's
/// randomness (seeded by the OS); 256 is a multiple of 32, so every letter is as likely.
fn random_code(conn: &Connection) -> Result<String, Error> {
    let bytes: Vec<u8> = conn
        .prepare_cached("SELECT randomblob(?1)")?
        .query_row([REFERRAL_CODE_LEN as i64], |row| row.get(0))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect())
}

/// What the rewards matching `filter` (with `?1` bound to `user`) left on balances, in `currency`.
fn kept_rewards(
    conn: &Connection,
    filter: &str,
    user: i64,
    currency: Currency,
) -> Result<Money, Error> {
    let sql = format!(
        "SELECT coalesce(sum(amount_minor - taken_back_minor), 0) FROM referral_rewards \
         WHERE {filter} AND status <> 'refused' AND currency = ?2"
    );
    let minor: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params![user, currency.code()], |row| row.get(0))?;
    minor_money(minor, currency)
}

fn minor_money(minor: i64, currency: Currency) -> Result<Money, Error> {
    Money::from_minor(minor, currency).map_err(|_| Error::Decode {
        column: "referral amount",
        raw: minor.to_string(),
    })
}

fn reward(conn: &Connection, id: RewardId) -> Result<Option<Reward>, Error> {
    let sql = format!("SELECT {REWARD_COLUMNS} FROM referral_rewards WHERE id = ?1");
    query_opt(conn, &sql, [id.0], read_reward)
}

fn read_reward(row: &Row<'_>) -> Result<Reward, Error> {
    let kind: String = row.get("kind")?;
    let status: String = row.get("status")?;
    let amount = money(row, "amount_minor", "currency")?;
    let currency = amount.currency();
    Ok(Reward {
        id: RewardId(row.get("id")?),
        order: OrderId(row.get("order_id")?),
        kind: RewardKind::parse(&kind).ok_or(Error::Decode {
            column: "referral_rewards.kind",
            raw: kind,
        })?,
        beneficiary: TelegramId(row.get("beneficiary_id")?),
        referrer: TelegramId(row.get("referrer_id")?),
        referee: TelegramId(row.get("referee_id")?),
        amount,
        purchase: minor_money(row.get("purchase_minor")?, currency)?,
        status: RewardStatus::parse(&status).ok_or(Error::Decode {
            column: "referral_rewards.status",
            raw: status,
        })?,
        reason: row.get("reason")?,
        taken_back: minor_money(row.get("taken_back_minor")?, currency)?,
        closed_by: row.get::<_, Option<i64>>("closed_by")?.map(TelegramId),
        at: time(row, "created_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_reward(reward_minor: u64, percent: u32, price: i64, expected: i64) {
        let rules = ReferralRules {
            reward_minor,
            percent,
            ..ReferralRules::OFF
        };
        assert_eq!(rules.reward_for(price), expected);
    }

    #[test]
    fn rewards_are_a_fixed_amount_plus_a_share_rounded_down() {
        check_reward(0, 0, 500, 0);
        check_reward(100, 0, 500, 100);
        check_reward(0, 10, 499, 49);
        check_reward(50, 10, 500, 100);
        check_reward(0, 100, 500, 500);
    }

    #[test]
    fn modes_round_trip() {
        for mode in [ReferralMode::FirstPurchase, ReferralMode::EveryPurchase] {
            assert_eq!(ReferralMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(ReferralMode::parse("sometimes"), None);
    }
}
