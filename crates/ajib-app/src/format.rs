//! Formatting shared by the core and the UI: prices, traffic, dates in the user's language, and HTML escaping.

use ajib_domain::{Lang, Money, UnixTime};
use ajib_i18n::Arg;

use crate::deps::{Deps, i18n_lang};

/// `5.00 USD` in the user's language.
#[must_use]
pub fn price(lang: Lang, money: Money) -> String {
    let currency = money.currency();
    ajib_i18n::format_money(
        i18n_lang(lang),
        money.minor(),
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
        i18n_lang(lang),
        day.year(),
        u32::from(day.month()),
        u32::from(day.day()),
    )
}

/// Escapes text for Telegram's HTML parse mode.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => res.push_str("&lt;"),
            '>' => res.push_str("&gt;"),
            '&' => res.push_str("&amp;"),
            '"' => res.push_str("&quot;"),
            _ => res.push(c),
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_html() {
        assert_eq!(
            escape("<b>Tom & \"Jerry\"</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"
        );
        assert_eq!(escape("سلام"), "سلام");
    }
}
