//! Orders and the one state machine every order moves through.

use std::fmt;

use crate::{Money, OrderId, PlanId, ServiceId, TelegramId, UnixTime};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Stored, no invoice yet.
    Created,
    /// A Heleket invoice exists and the user has the pay link.
    Invoiced,
    /// Payment confirmed (or free); a provisioning job is queued.
    Paid,
    /// The Blitz account was created or extended.
    Provisioned,
    /// The invoice expired unpaid.
    Expired,
    /// Could not be invoiced or paid; terminal.
    Failed,
    /// Paid less than the price; an operator has to look.
    Underpaid,
}

/// What an order buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderKind {
    /// A new service.
    New,
    /// More time on an existing service.
    Renewal(ServiceId),
    /// The free test account.
    Test,
}

/// An order moved along an edge the state machine does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an order cannot go from {from} to {to}")]
pub struct TransitionError {
    /// The current status.
    pub from: OrderStatus,
    /// The requested status.
    pub to: OrderStatus,
}

/// A stored status string that is not one of [`OrderStatus::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown order status {text:?}")]
pub struct UnknownStatus {
    /// The rejected text.
    pub text: String,
}

/// A Heleket invoice attached to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// Heleket's invoice uuid.
    pub uuid: String,
    /// The pay link shown to the user.
    pub url: String,
    /// When Heleket stops accepting payment.
    pub expires: UnixTime,
}

/// A stored order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Its id; [`OrderId::invoice_ref`] is the Heleket `order_id`.
    pub id: OrderId,
    /// Who ordered.
    pub user: TelegramId,
    /// The plan bought; `None` for test orders.
    pub plan: Option<PlanId>,
    /// What it buys.
    pub kind: OrderKind,
    /// The price; zero for tests and admin grants.
    pub amount: Money,
    /// What the invoice asks: the price, less the part the balance pays.
    pub invoice_amount: Money,
    /// Where it is in its life.
    pub status: OrderStatus,
    /// The invoice, once [`OrderStatus::Invoiced`].
    pub invoice: Option<Invoice>,
    /// When the poller should next ask Heleket about the invoice.
    pub next_poll_at: Option<UnixTime>,
    /// When payment was confirmed.
    pub paid_at: Option<UnixTime>,
    /// When the account was created or extended.
    pub provisioned_at: Option<UnixTime>,
    /// The service it created or extended, once provisioned.
    pub service: Option<ServiceId>,
    /// For renewals: the total days the panel should show, recorded before the panel is changed.
    pub renewal_target_days: Option<u32>,
    /// When it was created.
    pub created: UnixTime,
    /// When it last changed.
    pub updated: UnixTime,
    /// Free text, e.g. who granted it.
    pub note: Option<String>,
}

impl OrderStatus {
    /// Every status.
    pub const ALL: [Self; 7] = [
        Self::Created,
        Self::Invoiced,
        Self::Paid,
        Self::Provisioned,
        Self::Expired,
        Self::Failed,
        Self::Underpaid,
    ];

    /// Moves to `to` if the state machine allows it for an order of `amount`.
    ///
    /// `Created → Paid` skips the invoice and is only allowed for a zero amount
    /// (test accounts and admin grants).
    pub fn transition(self, to: Self, amount: Money) -> Result<Self, TransitionError> {
        use OrderStatus::*;
        let legal = match (self, to) {
            (Created, Invoiced | Failed) => true,
            (Created, Paid) => amount.is_zero(),
            (Invoiced, Paid | Expired | Underpaid | Failed) => true,
            (Paid, Provisioned) => true,
            _ => false,
        };
        match legal {
            true => Ok(to),
            false => Err(TransitionError { from: self, to }),
        }
    }

    /// The storage spelling, e.g. `"invoiced"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Invoiced => "invoiced",
            Self::Paid => "paid",
            Self::Provisioned => "provisioned",
            Self::Expired => "expired",
            Self::Failed => "failed",
            Self::Underpaid => "underpaid",
        }
    }

    /// Parses [`OrderStatus::as_str`].
    pub fn parse(text: &str) -> Result<Self, UnknownStatus> {
        Self::ALL
            .into_iter()
            .find(|it| it.as_str() == text)
            .ok_or_else(|| UnknownStatus {
                text: text.to_owned(),
            })
    }

    /// Whether money was received (the order is paid or beyond).
    #[must_use]
    pub fn is_paid(self) -> bool {
        matches!(self, Self::Paid | Self::Provisioned)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl OrderKind {
    /// The storage spelling of the kind alone: `"new"`, `"renewal"` or `"test"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Renewal(_) => "renewal",
            Self::Test => "test",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    const LEGAL_FOR_PAID: &[(OrderStatus, OrderStatus)] = &[
        (OrderStatus::Created, OrderStatus::Invoiced),
        (OrderStatus::Created, OrderStatus::Failed),
        (OrderStatus::Invoiced, OrderStatus::Paid),
        (OrderStatus::Invoiced, OrderStatus::Expired),
        (OrderStatus::Invoiced, OrderStatus::Underpaid),
        (OrderStatus::Invoiced, OrderStatus::Failed),
        (OrderStatus::Paid, OrderStatus::Provisioned),
    ];

    fn check_all_pairs(amount: Money, legal: &[(OrderStatus, OrderStatus)]) {
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let expected = match legal.contains(&(from, to)) {
                    true => Ok(to),
                    false => Err(TransitionError { from, to }),
                };
                assert_eq!(
                    from.transition(to, amount),
                    expected,
                    "{from} -> {to} for {amount}"
                );
            }
        }
    }

    #[test]
    fn paid_orders_follow_the_invoice_path() {
        let price = Money::from_minor(500, Currency::USD).unwrap_or(Money::zero(Currency::EUR));
        assert!(!price.is_zero());
        check_all_pairs(price, LEGAL_FOR_PAID);
    }

    #[test]
    fn free_orders_may_skip_the_invoice() {
        let mut legal = LEGAL_FOR_PAID.to_vec();
        legal.push((OrderStatus::Created, OrderStatus::Paid));
        check_all_pairs(Money::zero(Currency::USD), &legal);
    }

    #[test]
    fn status_strings_round_trip() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Ok(status));
        }
        assert_eq!(
            OrderStatus::parse("Paid").map_err(|e| e.to_string()),
            Err("unknown order status \"Paid\"".to_owned())
        );
        let error = TransitionError {
            from: OrderStatus::Paid,
            to: OrderStatus::Invoiced,
        };
        assert_eq!(
            error.to_string(),
            "an order cannot go from paid to invoiced"
        );
    }
}
