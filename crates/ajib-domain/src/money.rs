//! Money as integer minor units of a currency; floats never touch prices.

use std::fmt;

/// A three-letter ISO 4217 currency code, stored upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

/// A non-negative amount of money in the minor units of its currency (cents for USD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Why a currency code or an amount was rejected, or arithmetic failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The currency code is not three ASCII letters.
    #[error("currency code must be three letters, got {code:?}")]
    BadCurrency {
        /// The rejected code.
        code: String,
    },
    /// The amount text is empty.
    #[error("amount is empty")]
    Empty,
    /// The amount is negative.
    #[error("amount must not be negative, got {text:?}")]
    Negative {
        /// The rejected text.
        text: String,
    },
    /// The amount is written with an exponent, like `5e2`.
    #[error("amount must be a plain decimal without an exponent, got {text:?}")]
    Exponent {
        /// The rejected text.
        text: String,
    },
    /// The amount has more decimals than the currency allows.
    #[error("{currency} allows at most {max} decimal places, got {found} in {text:?}")]
    TooManyDecimals {
        /// The rejected text.
        text: String,
        /// The currency.
        currency: Currency,
        /// Decimal places written.
        found: usize,
        /// Decimal places the currency has.
        max: u8,
    },
    /// The amount is not a decimal number.
    #[error("amount must look like 5 or 5.00, got {text:?}")]
    Malformed {
        /// The rejected text.
        text: String,
    },
    /// The amount or the result of arithmetic does not fit in 64 bits of minor units.
    #[error("amount is too large")]
    Overflow,
    /// Two amounts in different currencies were combined.
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// The left operand's currency.
        left: Currency,
        /// The right operand's currency.
        right: Currency,
    },
}

impl Currency {
    /// US dollars.
    pub const USD: Self = Self(*b"USD");
    /// Euros.
    pub const EUR: Self = Self(*b"EUR");

    /// Parses a three-letter code, case-insensitively.
    pub fn new(code: &str) -> Result<Self, MoneyError> {
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => Ok(Self([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(MoneyError::BadCurrency {
                code: code.to_owned(),
            }),
        }
    }

    /// The upper-case code, e.g. `"USD"`.
    #[must_use]
    pub fn code(&self) -> &str {
        // Always three ASCII letters by construction, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// How many decimal places the currency has (ISO 4217); unknown codes get 2.
    #[must_use]
    pub fn minor_digits(self) -> u8 {
        match &self.0 {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG"
            | b"RWF" | b"UGX" | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Money {
    /// Zero in `currency`.
    #[must_use]
    pub fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    /// An amount from minor units; negative amounts are refused.
    pub fn from_minor(minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        if minor < 0 {
            return Err(MoneyError::Negative {
                text: minor.to_string(),
            });
        }
        Ok(Self { minor, currency })
    }

    /// Parses a plain decimal such as `5`, `5.0` or `5.00` in `currency`.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let trimmed = text.trim();
        let owned = || trimmed.to_owned();
        if trimmed.is_empty() {
            return Err(MoneyError::Empty);
        }
        if trimmed.starts_with('-') {
            return Err(MoneyError::Negative { text: owned() });
        }
        if trimmed.contains(['e', 'E']) {
            return Err(MoneyError::Exponent { text: owned() });
        }
        let (int_part, frac_part) = match trimmed.split_once('.') {
            Some((int_part, frac_part)) => (int_part, Some(frac_part)),
            None => (trimmed, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || frac_part.is_some_and(|frac| !all_digits(frac)) {
            return Err(MoneyError::Malformed { text: owned() });
        }
        let frac = frac_part.unwrap_or("");
        let max = currency.minor_digits();
        if frac.len() > usize::from(max) {
            return Err(MoneyError::TooManyDecimals {
                text: owned(),
                currency,
                found: frac.len(),
                max,
            });
        }
        let scale = 10i64.pow(u32::from(max));
        let int_value = int_part.parse::<i64>().map_err(|_| MoneyError::Overflow)?;
        let mut frac_value = 0i64;
        for digit in frac
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(usize::from(max))
        {
            frac_value = frac_value * 10 + i64::from(digit - b'0');
        }
        let minor = int_value
            .checked_mul(scale)
            .and_then(|it| it.checked_add(frac_value))
            .ok_or(MoneyError::Overflow)?;
        Ok(Self { minor, currency })
    }

    /// The amount in minor units, never negative.
    #[must_use]
    pub fn minor(self) -> i64 {
        self.minor
    }

    /// The currency.
    #[must_use]
    pub fn currency(self) -> Currency {
        self.currency
    }

    /// Whether the amount is zero (free orders: tests and admin grants).
    #[must_use]
    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    /// The amount as a plain decimal without the currency, e.g. `"5.00"` (Heleket's format).
    #[must_use]
    pub fn to_decimal_string(self) -> String {
        let digits = u32::from(self.currency.minor_digits());
        if digits == 0 {
            return self.minor.to_string();
        }
        let scale = 10i64.pow(digits);
        format!(
            "{}.{:0width$}",
            self.minor / scale,
            self.minor % scale,
            width = digits as usize
        )
    }

    /// The sum, if both are in the same currency and it fits.
    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            });
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Self {
            minor,
            currency: self.currency,
        })
    }

    /// The amount times `factor`, if it fits.
    pub fn checked_mul(self, factor: u32) -> Result<Self, MoneyError> {
        let minor = self
            .minor
            .checked_mul(i64::from(factor))
            .ok_or(MoneyError::Overflow)?;
        Ok(Self {
            minor,
            currency: self.currency,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn currency(code: &str) -> Currency {
        match Currency::new(code) {
            Ok(it) => it,
            Err(e) => panic!("{code}: {e}"),
        }
    }

    fn check_parse(text: &str, code: &str, expected: Result<(i64, &str), &str>) {
        let res = Money::parse(text, currency(code));
        let got = res
            .map(|m| (m.minor(), m.to_string()))
            .map_err(|e| e.to_string());
        let expected = expected
            .map(|(minor, shown)| (minor, shown.to_owned()))
            .map_err(str::to_owned);
        assert_eq!(got, expected, "{text:?} {code}");
    }

    #[test]
    fn parses_plain_decimals() {
        check_parse("5.00", "USD", Ok((500, "5.00 USD")));
        check_parse("5", "USD", Ok((500, "5.00 USD")));
        check_parse("5.5", "usd", Ok((550, "5.50 USD")));
        check_parse(" 0.01 ", "EUR", Ok((1, "0.01 EUR")));
        check_parse("0", "USD", Ok((0, "0.00 USD")));
        check_parse("007.10", "USD", Ok((710, "7.10 USD")));
        check_parse("500", "JPY", Ok((500, "500 JPY")));
        check_parse("1.234", "KWD", Ok((1234, "1.234 KWD")));
        check_parse("1.5", "ZZZ", Ok((150, "1.50 ZZZ")));
        check_parse(
            "92233720368547758.07",
            "USD",
            Ok((i64::MAX, "92233720368547758.07 USD")),
        );
    }

    #[test]
    fn parse_errors_are_precise() {
        check_parse(
            "5.001",
            "USD",
            Err("USD allows at most 2 decimal places, got 3 in \"5.001\""),
        );
        check_parse(
            "5.0",
            "JPY",
            Err("JPY allows at most 0 decimal places, got 1 in \"5.0\""),
        );
        check_parse("-5", "USD", Err("amount must not be negative, got \"-5\""));
        check_parse(
            "5e2",
            "USD",
            Err("amount must be a plain decimal without an exponent, got \"5e2\""),
        );
        check_parse(
            "1E3",
            "USD",
            Err("amount must be a plain decimal without an exponent, got \"1E3\""),
        );
        check_parse("", "USD", Err("amount is empty"));
        check_parse("   ", "USD", Err("amount is empty"));
        check_parse("92233720368547758.08", "USD", Err("amount is too large"));
        check_parse("99999999999999999999", "USD", Err("amount is too large"));
        check_parse(
            "5.",
            "USD",
            Err("amount must look like 5 or 5.00, got \"5.\""),
        );
        check_parse(
            ".5",
            "USD",
            Err("amount must look like 5 or 5.00, got \".5\""),
        );
        check_parse(
            "+5",
            "USD",
            Err("amount must look like 5 or 5.00, got \"+5\""),
        );
        check_parse(
            "5,00",
            "USD",
            Err("amount must look like 5 or 5.00, got \"5,00\""),
        );
        check_parse(
            "1.2.3",
            "USD",
            Err("amount must look like 5 or 5.00, got \"1.2.3\""),
        );
        check_parse(
            "NaN",
            "USD",
            Err("amount must look like 5 or 5.00, got \"NaN\""),
        );
    }

    #[test]
    fn currency_codes() {
        assert_eq!(currency("eur"), Currency::EUR);
        assert_eq!(currency("JPY").minor_digits(), 0);
        assert_eq!(currency("USD").minor_digits(), 2);
        let err = |code: &str| Currency::new(code).map_err(|e| e.to_string());
        assert_eq!(
            err("US"),
            Err("currency code must be three letters, got \"US\"".to_owned())
        );
        assert_eq!(
            err("USDT"),
            Err("currency code must be three letters, got \"USDT\"".to_owned())
        );
        assert_eq!(
            err("U1D"),
            Err("currency code must be three letters, got \"U1D\"".to_owned())
        );
    }

    #[test]
    fn arithmetic() {
        let five = Money::from_minor(500, Currency::USD);
        let sum = five.clone().and_then(|m| m.checked_add(m));
        assert_eq!(sum.map(|m| m.to_decimal_string()), Ok("10.00".to_owned()));
        let tripled = five.clone().and_then(|m| m.checked_mul(3));
        assert_eq!(tripled.map(Money::minor), Ok(1500));
        let mixed = five.and_then(|m| m.checked_add(Money::zero(Currency::EUR)));
        assert_eq!(
            mixed.map_err(|e| e.to_string()),
            Err("cannot combine USD with EUR".to_owned())
        );
        let big = Money::from_minor(i64::MAX, Currency::USD);
        assert_eq!(
            big.and_then(|m| m.checked_mul(2)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::from_minor(-1, Currency::USD).map_err(|e| e.to_string()),
            Err("amount must not be negative, got \"-1\"".to_owned())
        );
    }

    proptest! {
        #[test]
        fn decimal_string_round_trips(minor in 0i64..=i64::MAX) {
            for code in ["USD", "JPY", "KWD"] {
                let money = Money::from_minor(minor, currency(code));
                let back = money.and_then(|m| Money::parse(&m.to_decimal_string(), m.currency()));
                prop_assert_eq!(back.map(Money::minor), Ok(minor));
            }
        }
    }
}
