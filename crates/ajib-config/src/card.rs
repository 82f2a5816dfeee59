//! Card-to-card payment settings (`CARD_*`): the card shown to customers and the local price.

use std::fmt;

/// Card-to-card settings; present only when `CARD_NUMBER` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardConfig {
    /// The card customers transfer to.
    pub number: CardNumber,
    /// The name on the card.
    pub holder: String,
    /// The bank's name, if given.
    pub bank: Option<String>,
    /// The local currency code the transfer is made in (e.g. `IRT`).
    pub currency: String,
    /// Local minor units per 1.00 of the plan currency.
    pub rate: u32,
    /// Hours staff have to approve a receipt before it expires.
    pub approval_hours: u32,
}

impl CardConfig {
    /// The local amount for `minor` units of the plan currency (two decimals),
    /// rounded up; `None` if it would not fit.
    #[must_use]
    pub fn local_minor(&self, minor: i64) -> Option<i64> {
        let minor = u128::try_from(minor).ok()?;
        let res = (minor * u128::from(self.rate)).div_ceil(100);
        i64::try_from(res).ok()
    }
}

/// A card number: digits only; `Debug` and `Display` show only the last four.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl CardNumber {
    /// Parses a card number written with or without spaces or dashes: 12 to 19 digits.
    pub fn parse(text: &str) -> Result<Self, String> {
        let digits: String = text.chars().filter(|it| !matches!(it, ' ' | '-')).collect();
        if (12..=19).contains(&digits.len()) && digits.bytes().all(|it| it.is_ascii_digit()) {
            return Ok(Self(digits));
        }
        Err(
            "a card number of 12 to 19 digits (spaces and dashes allowed; value not shown)"
                .to_owned(),
        )
    }

    /// The whole number in groups of four, to show the customer who pays to it.
    #[must_use]
    pub fn grouped(&self) -> String {
        let groups: Vec<&str> = self
            .0
            .as_bytes()
            .chunks(4)
            .filter_map(|it| std::str::from_utf8(it).ok())
            .collect();
        groups.join(" ")
    }

    /// The last four digits, for logs and staff messages.
    #[must_use]
    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(****{})", self.last4())
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "****{}", self.last4())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_number_is_masked_but_for_its_last_four_digits() {
        let number = CardNumber::parse("6037-9911 2233 4455").unwrap();
        assert_eq!(format!("{number:?}"), "CardNumber(****4455)");
        assert_eq!(number.to_string(), "****4455");
        assert_eq!(number.grouped(), "6037 9911 2233 4455");
        assert!(CardNumber::parse("1234").is_err());
        assert!(CardNumber::parse("6037 9911 2233 445x").is_err());
    }

    #[test]
    fn the_local_price_is_rounded_up() {
        let card = CardConfig {
            number: CardNumber::parse("6037991122334455").unwrap(),
            holder: "A".to_owned(),
            bank: None,
            currency: "IRT".to_owned(),
            rate: 95_000,
            approval_hours: 24,
        };
        assert_eq!(card.local_minor(300), Some(285_000));
        assert_eq!(card.local_minor(1), Some(950));
        let odd = CardConfig { rate: 3, ..card };
        assert_eq!(odd.local_minor(50), Some(2));
        assert_eq!(odd.local_minor(-1), None);
    }
}
