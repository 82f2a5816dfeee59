//! What an invoice with no money on it (yet) means now: the one rule for
//! orders and top-ups alike.

use ajib_domain::UnixTime;
use heleket::PaymentStatus;

/// Seconds between two polls of one invoice (Heleket asks for ≥ 30 s).
pub const POLL_INTERVAL_SECS: i64 = 30;

/// Grace after the invoice's expiry before we give up on it, for payments in flight.
const EXPIRY_GRACE_SECS: i64 = 120;

/// How often an expired invoice is asked about again, for a payment in flight.
const LATE_POLL_SECS: i64 = 300;

/// How long after its expiry an invoice is still asked about.
const LATE_WINDOW_SECS: i64 = 24 * 3600;

/// Where an unpaid invoice stands, and when to ask Heleket about it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpaid {
    /// Still open: ask again then.
    Pending(UnixTime),
    /// It ran out unpaid. While Heleket still waits for a payment it is asked
    /// about again then (less often, for a day); `None`: no more. A late
    /// payment's webhook is honoured either way.
    Expired(Option<UnixTime>),
    /// Failed or cancelled before it ran out.
    Failed,
}

/// What `status` (not paid) means for an invoice expiring at `expires`, at `at`.
#[must_use]
pub fn unpaid(status: &PaymentStatus, expires: UnixTime, at: UnixTime) -> Unpaid {
    if status.is_final() {
        // Heleket cancels an invoice that ran out unpaid: for the user that is
        // an expiry (a late payment is still granted), not a failure.
        return match *status == PaymentStatus::Cancel && at.0 >= expires.0 {
            true => Unpaid::Expired(None),
            false => Unpaid::Failed,
        };
    }
    if at.0 <= expires.0 + EXPIRY_GRACE_SECS {
        return Unpaid::Pending(at.plus_secs(POLL_INTERVAL_SECS));
    }
    let in_window = at.0 < expires.0 + LATE_WINDOW_SECS;
    Unpaid::Expired(in_window.then(|| at.plus_secs(LATE_POLL_SECS)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPIRES: UnixTime = UnixTime(10_000);

    fn at(secs: i64) -> UnixTime {
        UnixTime(EXPIRES.0 + secs)
    }

    #[test]
    fn open_then_expired_then_given_up() {
        let check = PaymentStatus::Check;
        assert_eq!(unpaid(&check, EXPIRES, at(-60)), Unpaid::Pending(at(-30)));
        assert_eq!(unpaid(&check, EXPIRES, at(120)), Unpaid::Pending(at(150)));
        assert_eq!(
            unpaid(&check, EXPIRES, at(121)),
            Unpaid::Expired(Some(at(421)))
        );
        assert_eq!(
            unpaid(&check, EXPIRES, at(24 * 3600)),
            Unpaid::Expired(None)
        );
    }

    #[test]
    fn a_cancel_is_an_expiry_only_once_the_invoice_ran_out() {
        let cancel = PaymentStatus::Cancel;
        assert_eq!(unpaid(&cancel, EXPIRES, at(-1)), Unpaid::Failed);
        assert_eq!(unpaid(&cancel, EXPIRES, at(0)), Unpaid::Expired(None));
        assert_eq!(
            unpaid(&PaymentStatus::Fail, EXPIRES, at(500)),
            Unpaid::Failed
        );
    }
}
