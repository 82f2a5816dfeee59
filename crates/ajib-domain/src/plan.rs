//! Plans on sale and the validation of a plan an operator writes.

use crate::{Lang, Money, PlanId};

/// A plan's display name in every language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanName {
    /// English name.
    pub en: String,
    /// Persian name.
    pub fa: String,
}

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Its id.
    pub id: PlanId,
    /// Display names.
    pub name: PlanName,
    /// Length of the subscription in days.
    pub days: u32,
    /// Traffic allowance in GB; 0 means unlimited.
    pub traffic_gb: u32,
    /// Price of one purchase.
    pub price: Money,
    /// Whether it is offered to customers.
    pub active: bool,
    /// Position in menus, ascending.
    pub sort_order: i32,
}

/// A plan as an operator wrote it, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    /// Display names.
    pub name: PlanName,
    /// Length of the subscription in days.
    pub days: u32,
    /// Traffic allowance in GB; 0 means unlimited.
    pub traffic_gb: u32,
    /// Price of one purchase.
    pub price: Money,
    /// Whether it is offered to customers.
    pub active: bool,
    /// Position in menus, ascending.
    pub sort_order: i32,
}

/// A [`NewPlan`] that passed [`NewPlan::validate`], with names trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPlan {
    plan: NewPlan,
}

/// Why a plan was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A name is empty or only whitespace.
    #[error("the {lang} name is empty")]
    NameEmpty {
        /// Which name.
        lang: Lang,
    },
    /// A name is longer than [`MAX_PLAN_NAME_CHARS`].
    #[error("the {lang} name has {chars} characters, at most {MAX_PLAN_NAME_CHARS} are allowed")]
    NameTooLong {
        /// Which name.
        lang: Lang,
        /// Its length in characters.
        chars: usize,
    },
    /// The length is outside 1..=[`MAX_PLAN_DAYS`].
    #[error("days must be between 1 and {MAX_PLAN_DAYS}, got {days}")]
    Days {
        /// The rejected value.
        days: u32,
    },
    /// The traffic is above [`MAX_PLAN_TRAFFIC_GB`].
    #[error("traffic must be at most {MAX_PLAN_TRAFFIC_GB} GB (0 for unlimited), got {traffic_gb}")]
    Traffic {
        /// The rejected value.
        traffic_gb: u32,
    },
    /// The price is zero; free accounts are tests or admin grants, not plans.
    #[error("price must be above zero")]
    FreePrice,
}

/// Longest plan name, in characters.
pub const MAX_PLAN_NAME_CHARS: usize = 64;
/// Longest plan, in days (ten years).
pub const MAX_PLAN_DAYS: u32 = 3650;
/// Largest traffic allowance, in GB.
pub const MAX_PLAN_TRAFFIC_GB: u32 = 100_000;

impl Plan {
    /// Traffic allowance in bytes; `None` when unlimited.
    #[must_use]
    pub fn traffic_limit_bytes(&self) -> Option<u64> {
        traffic_bytes(self.traffic_gb)
    }

    /// The name in `lang`: Persian for Persian, English for every other language.
    #[must_use]
    pub fn name_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::FA => &self.name.fa,
            _ => &self.name.en,
        }
    }
}

impl NewPlan {
    /// Checks every field, trimming the names.
    pub fn validate(self) -> Result<ValidPlan, PlanError> {
        let en = check_name(&self.name.en, Lang::EN)?;
        let fa = check_name(&self.name.fa, Lang::FA)?;
        if !(1..=MAX_PLAN_DAYS).contains(&self.days) {
            return Err(PlanError::Days { days: self.days });
        }
        if self.traffic_gb > MAX_PLAN_TRAFFIC_GB {
            return Err(PlanError::Traffic {
                traffic_gb: self.traffic_gb,
            });
        }
        if self.price.is_zero() {
            return Err(PlanError::FreePrice);
        }
        Ok(ValidPlan {
            plan: Self {
                name: PlanName { en, fa },
                ..self
            },
        })
    }
}

impl ValidPlan {
    /// The checked fields.
    #[must_use]
    pub fn plan(&self) -> &NewPlan {
        &self.plan
    }
}

/// What renewing a service on `plan` costs; the one place that rule lives.
#[must_use]
pub fn renewal_price(plan: &Plan) -> Money {
    plan.price
}

/// Bytes in one panel "GB": Blitz stores a limit of N GB as N × 2^30 bytes.
pub const BYTES_PER_GB: u64 = 1 << 30;

/// `gb` panel gigabytes (GiB, as Blitz counts them) in bytes; 0 means unlimited.
#[must_use]
pub fn traffic_bytes(gb: u32) -> Option<u64> {
    match gb {
        0 => None,
        gb => Some(u64::from(gb) * BYTES_PER_GB),
    }
}

fn check_name(name: &str, lang: Lang) -> Result<String, PlanError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(PlanError::NameEmpty { lang });
    }
    let chars = name.chars().count();
    if chars > MAX_PLAN_NAME_CHARS {
        return Err(PlanError::NameTooLong { lang, chars });
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn plan(en: &str, fa: &str, days: u32, traffic_gb: u32, price_minor: i64) -> NewPlan {
        NewPlan {
            name: PlanName {
                en: en.to_owned(),
                fa: fa.to_owned(),
            },
            days,
            traffic_gb,
            price: Money::from_minor(price_minor, Currency::USD)
                .unwrap_or(Money::zero(Currency::USD)),
            active: true,
            sort_order: 0,
        }
    }

    fn check(new: NewPlan, expected: Result<(&str, &str), &str>) {
        let got = match new.validate() {
            Ok(valid) => Ok((valid.plan().name.en.clone(), valid.plan().name.fa.clone())),
            Err(e) => Err(e.to_string()),
        };
        let expected = expected
            .map(|(en, fa)| (en.to_owned(), fa.to_owned()))
            .map_err(str::to_owned);
        assert_eq!(got, expected);
    }

    #[test]
    fn accepts_and_trims() {
        check(
            plan(" Monthly ", "ماهانه", 30, 50, 500),
            Ok(("Monthly", "ماهانه")),
        );
        check(plan("Year", "سال", 3650, 100_000, 1), Ok(("Year", "سال")));
        check(plan("Day", "روز", 1, 0, 1), Ok(("Day", "روز")));
        check(
            plan(&"x".repeat(64), &"ی".repeat(64), 30, 0, 1),
            Ok((&"x".repeat(64), &"ی".repeat(64))),
        );
    }

    #[test]
    fn rejects_precisely() {
        check(
            plan("  ", "ماهانه", 30, 50, 500),
            Err("the en name is empty"),
        );
        check(
            plan("Monthly", "", 30, 50, 500),
            Err("the fa name is empty"),
        );
        check(
            plan("Monthly", &"ی".repeat(65), 30, 50, 500),
            Err("the fa name has 65 characters, at most 64 are allowed"),
        );
        check(
            plan("M", "م", 0, 50, 500),
            Err("days must be between 1 and 3650, got 0"),
        );
        check(
            plan("M", "م", 3651, 50, 500),
            Err("days must be between 1 and 3650, got 3651"),
        );
        check(
            plan("M", "م", 30, 100_001, 500),
            Err("traffic must be at most 100000 GB (0 for unlimited), got 100001"),
        );
        check(plan("M", "م", 30, 50, 0), Err("price must be above zero"));
    }

    #[test]
    fn renewal_costs_the_plan_price_and_traffic_converts() {
        let valid = plan("M", "م", 30, 50, 500);
        let stored = Plan {
            id: PlanId(1),
            name: valid.name.clone(),
            days: valid.days,
            traffic_gb: valid.traffic_gb,
            price: valid.price,
            active: true,
            sort_order: 0,
        };
        assert_eq!(renewal_price(&stored).to_string(), "5.00 USD");
        assert_eq!(stored.traffic_limit_bytes(), Some(50 * 1_073_741_824));
        assert_eq!(traffic_bytes(0), None);
        assert_eq!(stored.name_in(Lang::FA), "م");
        assert_eq!(stored.name_in(Lang::RU), "M");
    }
}
