//! Formatting shared by the core and the UI: prices, traffic and dates in the user's language.
//!
//! HTML escaping is not here: `ajib_i18n` escapes every text argument of a
//! message itself (see [`crate::deps::Deps::t`]).

use ajib_domain::{Lang, Money, UnixTime};
use ajib_i18n::Arg;

use crate::deps::Deps;

/// `5.00 USD` in the user's language.
#[must_use]
pub fn price(lang: Lang, money: Money) -> String {
    let currency = money.currency();
    ajib_i18n::format_money(
        lang,
        money.minor(),
        u32::from(currency.minor_digits()),
        currency.code(),
    )
}

/// A balance in minor units of `currency`, with a minus sign below zero (an agent on credit).
#[must_use]
pub fn signed_money(lang: Lang, minor: i64, currency: ajib_domain::Currency) -> String {
    ajib_i18n::format_money(
        lang,
        minor,
        u32::from(currency.minor_digits()),
        currency.code(),
    )
}

/// `30 GB` or "unlimited traffic" in the user's language.
#[must_use]
pub fn traffic(deps: &Deps, lang: Lang, gb: u32) -> String {
    if gb == 0 {
        return deps.t(lang, "traffic-unlimited", &[]);
    }
    deps.t(lang, "traffic-gb", &[("gb", Arg::from(gb))])
}

/// A date in the user's language (Jalali for Persian).
#[must_use]
pub fn date(lang: Lang, at: UnixTime) -> String {
    let day = at.date();
    ajib_i18n::format_date(
        lang,
        day.year(),
        u32::from(day.month()),
        u32::from(day.day()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_balance_on_credit_shows_its_sign_in_each_language() {
        let usd = ajib_domain::Currency::USD;
        assert_eq!(signed_money(Lang::EN, -800, usd), "-8.00 USD");
        assert_eq!(signed_money(Lang::EN, 1_250, usd), "12.50 USD");
        assert_eq!(signed_money(Lang::FA, -800, usd), "-۸٫۰۰ دلار");
    }
}
