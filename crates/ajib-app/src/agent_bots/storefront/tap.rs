//! The buttons of an agent's bot: `s1:<tag>[:<id>]`, parsed strictly.
//!
//! Kept apart from the main bot's callback table: an agent's bot has its own
//! few screens and no staff buttons, so nothing the main bot draws decodes
//! here (and the reverse).

use ajib_domain::{Lang, OrderId, PlanId, ServiceId};
use ajib_transport::InlineButton;

const PREFIX: &str = "s1";

/// A press on an agent's bot's button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tap {
    /// The start screen.
    Menu,
    /// The plans on sale.
    Plans,
    /// Buy a plan.
    Buy(PlanId),
    /// "I paid — check" on an order's invoice.
    Check(OrderId),
    /// The customer's accounts.
    Accounts,
    /// Send an account's configs again.
    Configs(ServiceId),
    /// Renew an account: its plan's invoice.
    Renew(ServiceId),
    /// The agent's support contact.
    Support,
    /// The languages the bot speaks.
    Languages,
    /// Read the bot in this language.
    Language(Lang),
}

impl Tap {
    /// The wire form (well under 64 bytes).
    #[must_use]
    pub fn encode(self) -> String {
        match self {
            Self::Menu => format!("{PREFIX}:m"),
            Self::Plans => format!("{PREFIX}:p"),
            Self::Buy(plan) => format!("{PREFIX}:b:{}", plan.0),
            Self::Check(order) => format!("{PREFIX}:k:{}", order.0),
            Self::Accounts => format!("{PREFIX}:a"),
            Self::Configs(service) => format!("{PREFIX}:c:{}", service.0),
            Self::Renew(service) => format!("{PREFIX}:r:{}", service.0),
            Self::Support => format!("{PREFIX}:h"),
            Self::Languages => format!("{PREFIX}:l"),
            Self::Language(lang) => format!("{PREFIX}:L:{}", lang.code()),
        }
    }

    /// Parses [`Tap::encode`]; `None` for anything it would not write.
    #[must_use]
    pub fn decode(data: &str) -> Option<Self> {
        let rest = data.strip_prefix(PREFIX)?.strip_prefix(':')?;
        let (tag, arg) = match rest.split_once(':') {
            Some((tag, arg)) => (tag, Some(arg)),
            None => (rest, None),
        };
        let tap = match (tag, arg) {
            ("m", None) => Self::Menu,
            ("p", None) => Self::Plans,
            ("a", None) => Self::Accounts,
            ("h", None) => Self::Support,
            ("l", None) => Self::Languages,
            ("b", Some(id)) => Self::Buy(PlanId(id_arg(id)?)),
            ("k", Some(id)) => Self::Check(OrderId(id_arg(id)?)),
            ("c", Some(id)) => Self::Configs(ServiceId(id_arg(id)?)),
            ("r", Some(id)) => Self::Renew(ServiceId(id_arg(id)?)),
            ("L", Some(code)) => Self::Language(Lang::parse(code).filter(|it| it.code() == code)?),
            _ => return None,
        };
        Some(tap)
    }

    /// A button carrying this press.
    #[must_use]
    pub fn button(self, text: String) -> InlineButton {
        crate::keyboards::data_button(text, self.encode())
    }
}

/// A positive id in its one decimal spelling.
fn id_arg(text: &str) -> Option<i64> {
    let id: i64 = text.parse().ok()?;
    (id > 0 && id.to_string() == text).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tap_round_trips_and_nothing_else_decodes() {
        let taps = [
            Tap::Menu,
            Tap::Plans,
            Tap::Buy(PlanId(7)),
            Tap::Check(OrderId(i64::MAX)),
            Tap::Accounts,
            Tap::Configs(ServiceId(1)),
            Tap::Renew(ServiceId(2)),
            Tap::Support,
            Tap::Languages,
            Tap::Language(Lang::FA),
        ];
        for tap in taps {
            assert_eq!(Tap::decode(&tap.encode()), Some(tap));
            assert!(tap.encode().len() <= 64);
        }
        for bad in [
            "", "s1", "s1:", "s1:b", "s1:b:", "s1:b:0", "s1:b:-1", "s1:b:07", "s1:m:1", "v1:menu",
            "s1:L:EN", "s1:L:e1", "s2:m", "s1:k:1:2", "s1:r", "s1:r:x",
        ] {
            assert_eq!(Tap::decode(bad), None, "{bad:?}");
        }
    }
}
