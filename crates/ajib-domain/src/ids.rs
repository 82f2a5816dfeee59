//! Newtype identifiers, so a user id is never passed where an order id is expected.

use std::fmt;

/// A Telegram user (or chat) id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TelegramId(pub i64);

/// The id of an order row; also the Heleket `order_id` through [`OrderId::invoice_ref`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId(pub i64);

/// The id of a plan row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlanId(pub i64);

/// The id of a service (one Blitz account) row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId(pub i64);

/// The id of a Blitz panel row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PanelId(pub i64);

impl PanelId {
    /// The panel every install had before panels were data: `BLITZ_API_BASE`.
    pub const FIRST: Self = Self(1);
}

/// The id of a durable job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub i64);

/// The id of a broadcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BroadcastId(pub i64);

const INVOICE_REF_PREFIX: &str = "ajib-";
const TOPUP_REF_PREFIX: &str = "ajib-topup-";

/// The id of a balance top-up; also the Heleket `order_id` through [`TopupId::invoice_ref`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopupId(pub i64);

impl OrderId {
    /// The public reference sent to Heleket as its `order_id`: `ajib-<id>`.
    #[must_use]
    pub fn invoice_ref(self) -> String {
        format!("{INVOICE_REF_PREFIX}{}", self.0)
    }

    /// Parses a reference made by [`OrderId::invoice_ref`]; `None` for anything else.
    #[must_use]
    pub fn from_invoice_ref(reference: &str) -> Option<Self> {
        parse_ref(INVOICE_REF_PREFIX, reference).map(Self)
    }
}

impl TopupId {
    /// The public reference sent to Heleket as its `order_id`: `ajib-topup-<id>`.
    #[must_use]
    pub fn invoice_ref(self) -> String {
        format!("{TOPUP_REF_PREFIX}{}", self.0)
    }

    /// Parses a reference made by [`TopupId::invoice_ref`]; `None` for anything else.
    #[must_use]
    pub fn from_invoice_ref(reference: &str) -> Option<Self> {
        parse_ref(TOPUP_REF_PREFIX, reference).map(Self)
    }
}

/// The number after `prefix`, in canonical form only (no sign, no leading
/// zero), so that the mapping is one-to-one.
fn parse_ref(prefix: &str, reference: &str) -> Option<i64> {
    let digits = reference.strip_prefix(prefix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    digits.parse::<i64>().ok()
}

macro_rules! display_inner {
    ($($ty:ident),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    )*};
}

display_inner!(
    TelegramId,
    OrderId,
    PlanId,
    ServiceId,
    PanelId,
    JobId,
    BroadcastId,
    TopupId
);

#[cfg(test)]
mod tests {
    use super::*;

    fn check_ref(reference: &str, expected: Option<i64>) {
        assert_eq!(
            OrderId::from_invoice_ref(reference),
            expected.map(OrderId),
            "{reference}"
        );
        if let Some(id) = expected {
            assert_eq!(OrderId(id).invoice_ref(), reference);
        }
    }

    #[test]
    fn invoice_ref_round_trips() {
        check_ref("ajib-1", Some(1));
        check_ref("ajib-9223372036854775807", Some(i64::MAX));
        check_ref("ajib-0", Some(0));
    }

    #[test]
    fn invoice_ref_rejects_other_shapes() {
        check_ref("ajib-", None);
        check_ref("ajib--1", None);
        check_ref("ajib-+1", None);
        check_ref("ajib-01", None);
        check_ref("ajib-1x", None);
        check_ref("AJIB-1", None);
        check_ref("1", None);
        check_ref("ajib-9223372036854775808", None);
    }

    #[test]
    fn top_up_and_order_references_never_overlap() {
        assert_eq!(TopupId(7).invoice_ref(), "ajib-topup-7");
        assert_eq!(TopupId::from_invoice_ref("ajib-topup-7"), Some(TopupId(7)));
        assert_eq!(OrderId::from_invoice_ref("ajib-topup-7"), None);
        assert_eq!(TopupId::from_invoice_ref("ajib-7"), None);
        assert_eq!(TopupId::from_invoice_ref("ajib-topup-07"), None);
    }
}
