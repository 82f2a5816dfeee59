//! Payment statuses and what each means for a seller.

use std::fmt;

/// The status of a Heleket invoice, as sent in `status` or `payment_status`.
///
/// Unknown statuses are kept in [`PaymentStatus::Unknown`] and treated as
/// pending: not final, not paid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// `paid`: paid in full; final.
    Paid,
    /// `paid_over`: paid more than asked; final and counts as paid.
    PaidOver,
    /// `wrong_amount`: paid less than asked; final, not to be granted.
    WrongAmount,
    /// `fail`: payment failed; final.
    Fail,
    /// `cancel`: cancelled or expired without payment; final.
    Cancel,
    /// `system_fail`: Heleket-side failure; final.
    SystemFail,
    /// `refund_fail`: a refund failed; final.
    RefundFail,
    /// `refund_paid`: refunded; final.
    RefundPaid,
    /// `locked`: funds locked (e.g. by AML checks); final.
    Locked,
    /// `check`: waiting for the payment to show up on the chain; pending.
    Check,
    /// `process`: payment being processed; pending.
    Process,
    /// `confirm_check`: waiting for confirmations; pending.
    ConfirmCheck,
    /// `wrong_amount_waiting`: underpaid, waiting for the rest; pending.
    WrongAmountWaiting,
    /// `refund_process`: a refund is in progress; pending.
    RefundProcess,
    /// A status this crate does not know; treated as pending.
    Unknown(String),
}

impl PaymentStatus {
    /// Parses a wire status, logging a warning for an unknown one.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let res = match text {
            "paid" => Self::Paid,
            "paid_over" => Self::PaidOver,
            "wrong_amount" => Self::WrongAmount,
            "fail" => Self::Fail,
            "cancel" => Self::Cancel,
            "system_fail" => Self::SystemFail,
            "refund_fail" => Self::RefundFail,
            "refund_paid" => Self::RefundPaid,
            "locked" => Self::Locked,
            "check" => Self::Check,
            "process" => Self::Process,
            "confirm_check" => Self::ConfirmCheck,
            "wrong_amount_waiting" => Self::WrongAmountWaiting,
            "refund_process" => Self::RefundProcess,
            other => Self::Unknown(other.to_owned()),
        };
        if let Self::Unknown(other) = &res {
            log::warn!("unknown heleket payment status {other:?}, treating it as pending");
        }
        res
    }

    /// The status as Heleket spells it.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Paid => "paid",
            Self::PaidOver => "paid_over",
            Self::WrongAmount => "wrong_amount",
            Self::Fail => "fail",
            Self::Cancel => "cancel",
            Self::SystemFail => "system_fail",
            Self::RefundFail => "refund_fail",
            Self::RefundPaid => "refund_paid",
            Self::Locked => "locked",
            Self::Check => "check",
            Self::Process => "process",
            Self::ConfirmCheck => "confirm_check",
            Self::WrongAmountWaiting => "wrong_amount_waiting",
            Self::RefundProcess => "refund_process",
            Self::Unknown(other) => other,
        }
    }

    /// Whether the invoice will not change any more.
    #[must_use]
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Paid
                | Self::PaidOver
                | Self::WrongAmount
                | Self::Fail
                | Self::Cancel
                | Self::SystemFail
                | Self::RefundFail
                | Self::RefundPaid
                | Self::Locked
        )
    }

    /// Whether the invoice is paid in full (`paid` or `paid_over`).
    #[must_use]
    pub fn is_paid(&self) -> bool {
        matches!(self, Self::Paid | Self::PaidOver)
    }

    /// Whether the invoice ended underpaid (`wrong_amount`).
    #[must_use]
    pub fn is_underpaid(&self) -> bool {
        matches!(self, Self::WrongAmount)
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kind` is `p` paid, `u` underpaid, `f` final unpaid, `-` pending.
    fn check(text: &str, kind: char) {
        let status = PaymentStatus::parse(text);
        assert_eq!(status.as_str(), text);
        let actual = match (status.is_paid(), status.is_underpaid(), status.is_final()) {
            (true, false, true) => 'p',
            (false, true, true) => 'u',
            (false, false, true) => 'f',
            (false, false, false) => '-',
            other => panic!("inconsistent flags {other:?} for {text}"),
        };
        assert_eq!(actual, kind, "status {text}");
    }

    #[test]
    fn paid() {
        check("paid", 'p');
        check("paid_over", 'p');
    }

    #[test]
    fn underpaid() {
        check("wrong_amount", 'u');
    }

    #[test]
    fn final_unpaid() {
        for text in [
            "fail",
            "cancel",
            "system_fail",
            "refund_fail",
            "refund_paid",
            "locked",
        ] {
            check(text, 'f');
        }
    }

    #[test]
    fn pending() {
        for text in [
            "check",
            "process",
            "confirm_check",
            "wrong_amount_waiting",
            "refund_process",
        ] {
            check(text, '-');
        }
    }

    #[test]
    fn unknown_is_pending() {
        check("something_new", '-');
        assert_eq!(
            PaymentStatus::parse("x"),
            PaymentStatus::Unknown("x".to_owned())
        );
    }
}
