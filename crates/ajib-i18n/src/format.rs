//! Language-aware formatting of digits, sizes, money and dates.
//!
//! Everything here is integer arithmetic: no floats, so no rounding surprises.

use crate::{Lang, jalali::gregorian_to_jalali};

const PERSIAN_DIGITS: [char; 10] = ['۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹'];
/// Arabic decimal separator, used in Persian.
const FA_DECIMAL: char = '٫';
/// Arabic thousands separator, used in Persian.
const FA_THOUSANDS: char = '٬';
/// Russian decimal separator.
const RU_DECIMAL: char = ',';
/// Russian thousands separator: a no-break space, so a number never wraps.
const RU_THOUSANDS: char = '\u{a0}';
/// Russian abbreviated month names in the genitive, as in `27 нояб. 2026` (CLDR).
const RU_MONTHS: [&str; 12] = [
    "янв.",
    "февр.",
    "марта",
    "апр.",
    "мая",
    "июня",
    "июля",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
];
const RU_UNITS: [&str; 7] = ["Б", "КБ", "МБ", "ГБ", "ТБ", "ПБ", "ЭБ"];
const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const JALALI_MONTHS: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];
const EN_UNITS: [&str; 7] = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];
const FA_UNITS: [&str; 7] = [
    "بایت",
    "کیلوبایت",
    "مگابایت",
    "گیگابایت",
    "ترابایت",
    "پتابایت",
    "اگزابایت",
];

/// Replaces ASCII digits with Persian ones in Persian ([`Lang::uses_persian_digits`]); other text is kept.
#[must_use]
pub fn localize_digits(lang: Lang, s: &str) -> String {
    if !lang.uses_persian_digits() {
        return s.to_owned();
    }
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(digit) if c.is_ascii_digit() => PERSIAN_DIGITS[digit as usize],
            _ => c,
        })
        .collect()
}

/// Formats a date: Jalali `۶ آذر ۱۴۰۵` in Persian, `27 нояб. 2026` in
/// Russian, `27 Nov 2026` in English and every other language.
///
/// A month outside 1..=12 is clamped.
#[must_use]
pub fn format_date(lang: Lang, y: i32, m: u32, d: u32) -> String {
    let month_idx = |m: u32| (m.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::FA => {
            let (jy, jm, jd) = gregorian_to_jalali(y, m, d);
            let month = JALALI_MONTHS[month_idx(jm)];
            localize_digits(lang, &format!("{jd} {month} {jy}"))
        }
        Lang::RU => format!("{d} {} {y}", RU_MONTHS[month_idx(m)]),
        _ => format!("{d} {} {y}", EN_MONTHS[month_idx(m)]),
    }
}

/// Formats a size in binary units with one decimal: `1.5 GB`, `۱٫۵ گیگابایت`, `1,5 ГБ`.
///
/// A zero decimal is dropped (`2 GB`), and bytes below 1 KiB are exact (`512 B`).
#[must_use]
pub fn format_bytes(lang: Lang, bytes: u64) -> String {
    let units = match lang {
        Lang::FA => FA_UNITS,
        Lang::RU => RU_UNITS,
        _ => EN_UNITS,
    };
    let mut unit_idx = 0;
    while unit_idx + 1 < units.len() && bytes >= 1 << (10 * (unit_idx + 1)) {
        unit_idx += 1;
    }
    if unit_idx == 0 {
        return localize_digits(lang, &format!("{bytes} {}", units[0]));
    }
    let divisor = 1u128 << (10 * unit_idx);
    // Tenths of the unit, rounded half up.
    let mut tenths = (u128::from(bytes) * 10 + divisor / 2) / divisor;
    if tenths >= 10_240 && unit_idx + 1 < units.len() {
        unit_idx += 1;
        tenths = (tenths + 512) / 1024;
    }
    let number = match tenths % 10 {
        0 => (tenths / 10).to_string(),
        frac => format!("{}{}{frac}", tenths / 10, decimal_separator(lang)),
    };
    localize_digits(lang, &format!("{number} {}", units[unit_idx]))
}

/// Formats an amount of minor units: `5.00 USD`, `1,234.50 USD`, `۵٫۰۰ دلار`.
///
/// `digits` is the number of minor digits (2 for cents). In Persian, `USD`
/// becomes `دلار`; other currency codes are kept as given.
#[must_use]
pub fn format_money(lang: Lang, minor: i64, digits: u32, currency: &str) -> String {
    let digits = digits.min(18);
    let scale = 10u128.pow(digits);
    let abs = u128::from(minor.unsigned_abs());
    let whole = group_thousands(&(abs / scale).to_string(), thousands_separator(lang));
    let sign = if minor < 0 { "-" } else { "" };
    let number = match digits {
        0 => format!("{sign}{whole}"),
        _ => {
            let frac = abs % scale;
            let width = digits as usize;
            format!("{sign}{whole}{}{frac:0width$}", decimal_separator(lang))
        }
    };
    let currency = match (lang, currency) {
        (Lang::FA, "USD") => "دلار",
        _ => currency,
    };
    localize_digits(lang, &format!("{number} {currency}"))
}

fn decimal_separator(lang: Lang) -> char {
    match lang {
        Lang::FA => FA_DECIMAL,
        Lang::RU => RU_DECIMAL,
        _ => '.',
    }
}

fn thousands_separator(lang: Lang) -> char {
    match lang {
        Lang::FA => FA_THOUSANDS,
        Lang::RU => RU_THOUSANDS,
        _ => ',',
    }
}

/// Inserts `separator` between groups of three digits.
fn group_thousands(digits: &str, separator: char) -> String {
    let mut res = String::with_capacity(digits.len() + digits.len() / 3);
    for (idx, c) in digits.chars().enumerate() {
        if idx > 0 && (digits.len() - idx).is_multiple_of(3) {
            res.push(separator);
        }
        res.push(c);
    }
    res
}

/// Formats a Fluent number for Persian: Persian digits and separators.
pub(crate) fn persian_number(number: &str) -> String {
    localize_digits(Lang::FA, &number.replace('.', &FA_DECIMAL.to_string()))
}

#[cfg(test)]
mod tests {
    use crate::{Lang, format_bytes, format_date, format_money, localize_digits};

    fn check_digits(lang: Lang, input: &str, expected: &str) {
        assert_eq!(localize_digits(lang, input), expected);
    }

    fn check_bytes(bytes: u64, en: &str, fa: &str) {
        assert_eq!(format_bytes(Lang::EN, bytes), en, "{bytes}");
        assert_eq!(format_bytes(Lang::FA, bytes), fa, "{bytes}");
    }

    fn check_money(minor: i64, digits: u32, currency: &str, en: &str, fa: &str) {
        assert_eq!(format_money(Lang::EN, minor, digits, currency), en);
        assert_eq!(format_money(Lang::FA, minor, digits, currency), fa);
    }

    fn check_date(date: (i32, u32, u32), en: &str, fa: &str) {
        let (y, m, d) = date;
        assert_eq!(format_date(Lang::EN, y, m, d), en);
        assert_eq!(format_date(Lang::FA, y, m, d), fa);
    }

    #[test]
    fn digits() {
        check_digits(Lang::FA, "0123456789", "۰۱۲۳۴۵۶۷۸۹");
        check_digits(Lang::FA, "v2.5 and ۳", "v۲.۵ and ۳");
        check_digits(Lang::EN, "0123 ۴", "0123 ۴");
        check_digits(Lang::FA, "", "");
    }

    #[test]
    fn bytes() {
        check_bytes(0, "0 B", "۰ بایت");
        check_bytes(1023, "1023 B", "۱۰۲۳ بایت");
        check_bytes(1024, "1 KB", "۱ کیلوبایت");
        check_bytes(1536, "1.5 KB", "۱٫۵ کیلوبایت");
        check_bytes(3 << 29, "1.5 GB", "۱٫۵ گیگابایت");
        check_bytes(50 << 30, "50 GB", "۵۰ گیگابایت");
        check_bytes((1 << 30) + (1 << 20) * 51, "1 GB", "۱ گیگابایت");
        check_bytes((1 << 30) + (1 << 20) * 52, "1.1 GB", "۱٫۱ گیگابایت");
        check_bytes((1 << 30) - 1, "1 GB", "۱ گیگابایت");
        check_bytes(u64::MAX, "16 EB", "۱۶ اگزابایت");
    }

    #[test]
    fn money() {
        check_money(500, 2, "USD", "5.00 USD", "۵٫۰۰ دلار");
        check_money(499, 2, "USD", "4.99 USD", "۴٫۹۹ دلار");
        check_money(5, 2, "USD", "0.05 USD", "۰٫۰۵ دلار");
        check_money(123_450, 2, "USDT", "1,234.50 USDT", "۱٬۲۳۴٫۵۰ USDT");
        check_money(-1_000_000, 0, "IRR", "-1,000,000 IRR", "-۱٬۰۰۰٬۰۰۰ IRR");
        check_money(
            i64::MIN,
            2,
            "USD",
            "-92,233,720,368,547,758.08 USD",
            "-۹۲٬۲۳۳٬۷۲۰٬۳۶۸٬۵۴۷٬۷۵۸٫۰۸ دلار",
        );
        check_money(
            7,
            40,
            "X",
            "0.000000000000000007 X",
            "۰٫۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۷ X",
        );
    }

    #[test]
    fn russian_and_other_languages() {
        let de = Lang::parse("de").expect("a language code");
        assert_eq!(format_bytes(Lang::RU, 3 << 29), "1,5 ГБ");
        assert_eq!(format_bytes(Lang::RU, 512), "512 Б");
        assert_eq!(format_bytes(de, 3 << 29), "1.5 GB");
        assert_eq!(
            format_money(Lang::RU, 123_450, 2, "USD"),
            "1\u{a0}234,50 USD"
        );
        assert_eq!(format_money(de, 123_450, 2, "USD"), "1,234.50 USD");
        assert_eq!(format_date(Lang::RU, 2026, 11, 27), "27 нояб. 2026");
        assert_eq!(format_date(Lang::RU, 2024, 3, 8), "8 марта 2024");
        assert_eq!(format_date(de, 2026, 11, 27), "27 Nov 2026");
        check_digits(Lang::RU, "0123", "0123");
    }

    #[test]
    fn dates() {
        check_date((2026, 11, 27), "27 Nov 2026", "۶ آذر ۱۴۰۵");
        check_date((2024, 3, 20), "20 Mar 2024", "۱ فروردین ۱۴۰۳");
        check_date((2000, 1, 1), "1 Jan 2000", "۱۱ دی ۱۳۷۸");
        check_date((2025, 3, 20), "20 Mar 2025", "۳۰ اسفند ۱۴۰۳");
    }
}
