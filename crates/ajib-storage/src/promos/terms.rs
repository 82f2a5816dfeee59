//! What a promo code is and does, without the database: its text, its benefit, its validation and its price.

use std::fmt;

use ajib_domain::{Currency, Date, Money, PlanId, UnixTime};

/// Shortest code text.
pub const MIN_CODE_LEN: usize = 3;
/// Longest code text.
pub const MAX_CODE_LEN: usize = 32;
/// Most bonus days one code gives (as many as a plan may have).
pub const MAX_BONUS_DAYS: u32 = 3650;

/// A promo code's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PromoId(pub i64);

impl fmt::Display for PromoId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a code gives: exactly one of a percentage off, an amount off, or extra days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoBenefit {
    /// This many percent off the price (1 to 100), rounded in the shop's favour to the minor unit.
    Percent(u8),
    /// This much off the price (never below zero), in the plan's currency.
    Fixed(Money),
    /// The plan's days plus this many, at the full price.
    BonusDays(u32),
}

/// A code's effect on one price: what is paid and what is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromoPrice {
    /// The price before the code.
    pub list: Money,
    /// What the customer pays.
    pub amount: Money,
    /// Days added to the plan's.
    pub bonus_days: u32,
}

impl PromoPrice {
    /// How much less than the list price is paid.
    #[must_use]
    pub fn discount(&self) -> Money {
        Money::from_minor(
            self.list.minor() - self.amount.minor(),
            self.list.currency(),
        )
        .unwrap_or(Money::zero(self.list.currency()))
    }
}

impl PromoBenefit {
    /// The price of something listed at `list` with this code; `None` when the
    /// code cannot apply (a fixed amount in another currency).
    #[must_use]
    pub fn price(self, list: Money) -> Option<PromoPrice> {
        let (off, bonus_days) = match self {
            Self::Percent(percent) => (list.minor() * i64::from(percent) / 100, 0),
            Self::Fixed(fixed) if fixed.currency() == list.currency() => {
                (fixed.minor().min(list.minor()), 0)
            }
            Self::Fixed(_) => return None,
            Self::BonusDays(days) => (0, days),
        };
        let amount = Money::from_minor(list.minor() - off, list.currency()).ok()?;
        Some(PromoPrice {
            list,
            amount,
            bonus_days,
        })
    }
}

impl fmt::Display for PromoBenefit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Percent(percent) => write!(f, "{percent}% off"),
            Self::Fixed(amount) => write!(
                f,
                "{} {} off",
                amount.to_decimal_string(),
                amount.currency().code()
            ),
            Self::BonusDays(days) => write!(f, "+{days} days"),
        }
    }
}

/// Why a code cannot be used for a purchase; each has its own message for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoRefusal {
    /// No such code, or a text no code can have.
    Unknown,
    /// An admin turned it off.
    Disabled,
    /// Its first day has not come yet.
    NotStarted,
    /// Its last day has passed.
    Expired,
    /// Every use it had is taken.
    UsedUp,
    /// It is not for this plan.
    NotForPlan,
    /// This customer has used it as often as one customer may.
    AlreadyUsed,
    /// It is for a first purchase, and this customer has bought before.
    FirstPurchaseOnly,
}

impl PromoRefusal {
    /// Every refusal, for tests and message tables.
    pub const ALL: [Self; 8] = [
        Self::Unknown,
        Self::Disabled,
        Self::NotStarted,
        Self::Expired,
        Self::UsedUp,
        Self::NotForPlan,
        Self::AlreadyUsed,
        Self::FirstPurchaseOnly,
    ];
}

impl fmt::Display for PromoRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unknown => "no such promo code",
            Self::Disabled => "the promo code is disabled",
            Self::NotStarted => "the promo code is not valid yet",
            Self::Expired => "the promo code has expired",
            Self::UsedUp => "the promo code is used up",
            Self::NotForPlan => "the promo code is not for this plan",
            Self::AlreadyUsed => "the customer has used the promo code already",
            Self::FirstPurchaseOnly => "the promo code is for a first purchase only",
        })
    }
}

/// A code as an admin or operator asked for it, before validation: every
/// field as typed (`ajib-ctl promo add` flags, or the bot's one-line form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromoDraft {
    /// The code text, any case.
    pub code: String,
    /// `--percent`.
    pub percent: Option<u32>,
    /// `--fixed`, a decimal amount.
    pub fixed: Option<String>,
    /// `--days`.
    pub days: Option<u32>,
    /// `--plans`, plan ids separated by commas.
    pub plans: Option<String>,
    /// `--from`, `YYYY-MM-DD` (UTC): the first day.
    pub from: Option<String>,
    /// `--until`, `YYYY-MM-DD` (UTC): the last day.
    pub until: Option<String>,
    /// `--uses`: total uses.
    pub uses: Option<u32>,
    /// `--per-user`: uses per customer.
    pub per_user: Option<u32>,
    /// `--first-purchase-only`.
    pub first_purchase_only: bool,
}

/// A valid code to store (see [`PromoDraft::validate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPromo {
    /// Upper-case code text.
    pub code: String,
    /// What it gives.
    pub benefit: PromoBenefit,
    /// The plans it applies to; empty for all.
    pub plans: Vec<PlanId>,
    /// The first moment it works.
    pub starts: Option<UnixTime>,
    /// The first moment it no longer works.
    pub ends: Option<UnixTime>,
    /// Total uses by paid orders.
    pub max_uses: Option<u32>,
    /// Uses per customer.
    pub per_user: Option<u32>,
    /// Only for a customer's first paid purchase.
    pub first_purchase_only: bool,
}

/// Why a [`PromoDraft`] is not a valid code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromoSpecError {
    /// The code text is not 3 to 32 of `A-Z 0-9 _ -`.
    #[error("the code must be 3 to 32 letters A-Z, digits, _ or -, got {0:?}")]
    BadCode(String),
    /// None of percent, fixed and days.
    #[error("give one of --percent, --fixed or --days")]
    NoBenefit,
    /// More than one of percent, fixed and days.
    #[error("give only one of --percent, --fixed or --days")]
    TwoBenefits,
    /// A percentage outside 1..=100.
    #[error("--percent must be 1 to 100, got {0}")]
    BadPercent(u32),
    /// An amount that is not a positive decimal of the currency.
    #[error("--fixed must be an amount like 1.50, more than zero, got {0:?}")]
    BadFixed(String),
    /// Bonus days outside 1..=3650.
    #[error("--days must be 1 to 3650, got {0}")]
    BadDays(u32),
    /// Plan ids that do not parse.
    #[error("--plans must be plan ids separated by commas, like 1,2, got {0:?}")]
    BadPlans(String),
    /// A date not `YYYY-MM-DD`.
    #[error("dates are YYYY-MM-DD, got {0:?}")]
    BadDate(String),
    /// The last day is before the first.
    #[error("--until must not be before --from")]
    DatesReversed,
    /// Zero total uses.
    #[error("--uses must be at least 1")]
    BadUses,
    /// Zero uses per customer.
    #[error("--per-user must be at least 1")]
    BadPerUser,
}

/// The canonical (upper-case) form of a code text, if it is one: 3 to 32 of `A-Z 0-9 _ -`.
#[must_use]
pub fn normalize_code(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    let ok = (MIN_CODE_LEN..=MAX_CODE_LEN).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    ok.then_some(code)
}

impl PromoDraft {
    /// The code this draft describes, amounts in `currency`, or the first thing wrong with it.
    pub fn validate(&self, currency: Currency) -> Result<NewPromo, PromoSpecError> {
        let code =
            normalize_code(&self.code).ok_or_else(|| PromoSpecError::BadCode(self.code.clone()))?;
        let benefit = self.benefit(currency)?;
        let plans = match &self.plans {
            Some(text) => parse_plans(text)?,
            None => Vec::new(),
        };
        let from = self.from.as_deref().map(parse_day).transpose()?;
        let until = self.until.as_deref().map(parse_day).transpose()?;
        if let (Some(from), Some(until)) = (from, until)
            && until < from
        {
            return Err(PromoSpecError::DatesReversed);
        }
        if self.uses == Some(0) {
            return Err(PromoSpecError::BadUses);
        }
        if self.per_user == Some(0) {
            return Err(PromoSpecError::BadPerUser);
        }
        Ok(NewPromo {
            code,
            benefit,
            plans,
            starts: from.map(|day| UnixTime::from_date(Date::from_days(day))),
            ends: until.map(|day| UnixTime::from_date(Date::from_days(day + 1))),
            max_uses: self.uses,
            per_user: self.per_user,
            first_purchase_only: self.first_purchase_only,
        })
    }

    fn benefit(&self, currency: Currency) -> Result<PromoBenefit, PromoSpecError> {
        let given = [
            self.percent.is_some(),
            self.fixed.is_some(),
            self.days.is_some(),
        ];
        match given.iter().filter(|it| **it).count() {
            0 => return Err(PromoSpecError::NoBenefit),
            1 => (),
            _ => return Err(PromoSpecError::TwoBenefits),
        }
        if let Some(percent) = self.percent {
            return u8::try_from(percent)
                .ok()
                .filter(|it| (1..=100).contains(it))
                .map(PromoBenefit::Percent)
                .ok_or(PromoSpecError::BadPercent(percent));
        }
        if let Some(days) = self.days {
            if !(1..=MAX_BONUS_DAYS).contains(&days) {
                return Err(PromoSpecError::BadDays(days));
            }
            return Ok(PromoBenefit::BonusDays(days));
        }
        let text = self.fixed.clone().unwrap_or_default();
        Money::parse(&text, currency)
            .ok()
            .filter(|it| !it.is_zero())
            .map(PromoBenefit::Fixed)
            .ok_or(PromoSpecError::BadFixed(text))
    }
}

/// `1,2, 3` as plan ids (at least one, each positive).
fn parse_plans(text: &str) -> Result<Vec<PlanId>, PromoSpecError> {
    let bad = || PromoSpecError::BadPlans(text.to_owned());
    let mut res = Vec::new();
    for part in text.split(',') {
        let id = part
            .trim()
            .trim_start_matches('#')
            .parse::<i64>()
            .ok()
            .filter(|it| *it > 0)
            .ok_or_else(bad)?;
        if !res.contains(&PlanId(id)) {
            res.push(PlanId(id));
        }
    }
    Ok(res)
}

/// A `YYYY-MM-DD` day as days since 1970-01-01.
fn parse_day(text: &str) -> Result<i64, PromoSpecError> {
    Date::parse(text.trim())
        .map(Date::to_days)
        .map_err(|_| PromoSpecError::BadDate(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD).unwrap()
    }

    fn check_price(benefit: PromoBenefit, list: i64, amount: i64, bonus_days: u32) {
        let price = benefit.price(usd(list)).unwrap();
        assert_eq!(
            (
                price.amount.minor(),
                price.bonus_days,
                price.discount().minor()
            ),
            (amount, bonus_days, list - amount),
            "{benefit} on {list}"
        );
    }

    #[test]
    fn prices_with_each_benefit() {
        check_price(PromoBenefit::Percent(20), 500, 400, 0);
        // 10 % of 4.99 is 49.9 cents: the shop keeps the fraction.
        check_price(PromoBenefit::Percent(10), 499, 450, 0);
        check_price(PromoBenefit::Percent(100), 500, 0, 0);
        check_price(PromoBenefit::Fixed(usd(150)), 500, 350, 0);
        check_price(PromoBenefit::Fixed(usd(900)), 500, 0, 0);
        check_price(PromoBenefit::BonusDays(7), 500, 500, 7);
        let eur = Money::from_minor(100, Currency::EUR).unwrap();
        assert_eq!(PromoBenefit::Fixed(eur).price(usd(500)), None);
    }

    #[test]
    fn codes_are_case_insensitive_and_strict() {
        assert_eq!(normalize_code(" spring-26 ").as_deref(), Some("SPRING-26"));
        assert_eq!(normalize_code("a_b").as_deref(), Some("A_B"));
        for bad in [
            "ab",
            "",
            "SPRING 26",
            "بهار",
            "x".repeat(33).as_str(),
            "A.B.C",
        ] {
            assert_eq!(normalize_code(bad), None, "{bad:?}");
        }
    }

    fn draft(code: &str) -> PromoDraft {
        PromoDraft {
            code: code.to_owned(),
            percent: Some(20),
            ..PromoDraft::default()
        }
    }

    fn check_invalid(draft: PromoDraft, expected: PromoSpecError) {
        assert_eq!(draft.validate(Currency::USD), Err(expected));
    }

    #[test]
    fn drafts_are_validated_with_clear_errors() {
        check_invalid(draft("x"), PromoSpecError::BadCode("x".to_owned()));
        check_invalid(
            PromoDraft {
                percent: None,
                ..draft("SPRING")
            },
            PromoSpecError::NoBenefit,
        );
        check_invalid(
            PromoDraft {
                days: Some(7),
                ..draft("SPRING")
            },
            PromoSpecError::TwoBenefits,
        );
        check_invalid(
            PromoDraft {
                percent: Some(101),
                ..draft("SPRING")
            },
            PromoSpecError::BadPercent(101),
        );
        check_invalid(
            PromoDraft {
                percent: None,
                fixed: Some("0".to_owned()),
                ..draft("SPRING")
            },
            PromoSpecError::BadFixed("0".to_owned()),
        );
        check_invalid(
            PromoDraft {
                percent: None,
                days: Some(0),
                ..draft("SPRING")
            },
            PromoSpecError::BadDays(0),
        );
        check_invalid(
            PromoDraft {
                plans: Some("1,x".to_owned()),
                ..draft("SPRING")
            },
            PromoSpecError::BadPlans("1,x".to_owned()),
        );
        check_invalid(
            PromoDraft {
                from: Some("2026-13-01".to_owned()),
                ..draft("SPRING")
            },
            PromoSpecError::BadDate("2026-13-01".to_owned()),
        );
        check_invalid(
            PromoDraft {
                from: Some("2026-12-02".to_owned()),
                until: Some("2026-12-01".to_owned()),
                ..draft("SPRING")
            },
            PromoSpecError::DatesReversed,
        );
        check_invalid(
            PromoDraft {
                uses: Some(0),
                ..draft("SPRING")
            },
            PromoSpecError::BadUses,
        );
        check_invalid(
            PromoDraft {
                per_user: Some(0),
                ..draft("SPRING")
            },
            PromoSpecError::BadPerUser,
        );
    }

    #[test]
    fn a_valid_draft_becomes_a_code() {
        let promo = PromoDraft {
            code: "spring".to_owned(),
            percent: None,
            fixed: Some("1.50".to_owned()),
            plans: Some("2, #1,2".to_owned()),
            from: Some("2026-12-01".to_owned()),
            until: Some("2026-12-01".to_owned()),
            uses: Some(100),
            per_user: Some(1),
            first_purchase_only: true,
            ..PromoDraft::default()
        }
        .validate(Currency::USD)
        .unwrap();
        let day = UnixTime::from_date(Date::new(2026, 12, 1).unwrap());
        assert_eq!(
            promo,
            NewPromo {
                code: "SPRING".to_owned(),
                benefit: PromoBenefit::Fixed(usd(150)),
                plans: vec![PlanId(2), PlanId(1)],
                starts: Some(day),
                // The last day counts whole.
                ends: Some(day.plus_days(1)),
                max_uses: Some(100),
                per_user: Some(1),
                first_purchase_only: true,
            }
        );
    }
}
