//! How much of an invoice's currency actually arrived, from Heleket's decimal strings.
//!
//! `payment_amount` is what the payer sent, in the payer's currency (USDT,
//! say); `payer_amount` is what they were asked to send for the whole
//! invoice, in the same currency. So the invoice currency received is
//! `payment_amount × amount / payer_amount`, rounded down: the shop never
//! credits more than arrived. Without `payer_amount` (the fake's model, and
//! a USD invoice paid in a dollar stablecoin) `payment_amount` is taken as
//! the invoice currency itself. All of it in integers.

use ajib_domain::Money;

/// The amount received, in `price`'s currency, from an invoice's
/// `payment_amount` and `payer_amount`; `None` if they are missing or not decimals.
pub fn received(
    payment_amount: Option<&str>,
    payer_amount: Option<&str>,
    price: Money,
) -> Option<Money> {
    let paid = Decimal::parse(payment_amount?)?;
    let digits = u32::from(price.currency().minor_digits());
    let minor = match payer_amount.and_then(Decimal::parse) {
        Some(asked) if asked.mantissa > 0 => {
            // paid/asked × price_minor, scales aligned: (p·10^-a)/(q·10^-b) = p·10^b / (q·10^a).
            let numerator = paid
                .mantissa
                .checked_mul(i128::from(price.minor()))?
                .checked_mul(10_i128.checked_pow(asked.scale)?)?;
            let denominator = asked
                .mantissa
                .checked_mul(10_i128.checked_pow(paid.scale)?)?;
            numerator / denominator
        }
        _ => paid.to_minor(digits)?,
    };
    Money::from_minor(i64::try_from(minor).ok()?, price.currency()).ok()
}

/// A non-negative decimal as `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let all_digits = |it: &str| it.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 18 {
            return None;
        }
        let scale = u32::try_from(fraction.len()).ok()?;
        let mantissa = format!("{whole}{fraction}").parse().ok()?;
        Some(Self { mantissa, scale })
    }

    /// In units of `10^-digits`, rounded down.
    fn to_minor(self, digits: u32) -> Option<i128> {
        match self.scale >= digits {
            true => Some(self.mantissa / 10_i128.checked_pow(self.scale - digits)?),
            false => self
                .mantissa
                .checked_mul(10_i128.checked_pow(digits - self.scale)?),
        }
    }
}

#[cfg(test)]
mod tests {
    use ajib_domain::Currency;

    use super::*;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD).unwrap()
    }

    #[test]
    fn converts_through_the_rate_and_rounds_down() {
        // Asked 5.05 USDT for $5.00, sent 2.525 USDT: half, $2.50.
        assert_eq!(
            received(Some("2.52500000"), Some("5.05"), usd(500)),
            Some(usd(250))
        );
        // Sent 5.56 of 5.05 asked: $5.5049… → $5.50.
        assert_eq!(
            received(Some("5.56"), Some("5.05"), usd(500)),
            Some(usd(550))
        );
    }

    #[test]
    fn without_the_asked_amount_the_payment_is_in_the_invoice_currency() {
        assert_eq!(received(Some("5.509"), None, usd(500)), Some(usd(550)));
        assert_eq!(received(Some("7"), None, usd(500)), Some(usd(700)));
    }

    #[test]
    fn garbage_is_none() {
        for bad in ["", "-1", "1e3", "1.2.3", " . ", "NaN", "١٢"] {
            assert_eq!(received(Some(bad), None, usd(500)), None, "{bad}");
        }
        assert_eq!(received(None, Some("5"), usd(500)), None);
        let huge = "9".repeat(40);
        assert_eq!(received(Some(&huge), None, usd(500)), None);
    }
}
