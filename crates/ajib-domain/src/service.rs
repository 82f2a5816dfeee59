//! Services: one Blitz account each, with an expiry and an optional traffic cap.

use std::fmt;

use crate::{OrderId, PanelId, PlanId, SECS_PER_DAY, ServiceId, TelegramId, UnixTime};

/// Whether a service may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceStatus {
    /// In use (it may still have run past its expiry until a sweeper notices).
    Active,
    /// Ran out of time.
    Expired,
    /// Switched off by an operator.
    Disabled,
}

/// A stored status string that is not a [`ServiceStatus`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown service status {text:?}")]
pub struct UnknownServiceStatus {
    /// The rejected text.
    pub text: String,
}

/// A stored service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Its id.
    pub id: ServiceId,
    /// Its owner.
    pub user: TelegramId,
    /// The panel its account lives on.
    pub panel: PanelId,
    /// The account name on the panel, see [`blitz_username`].
    pub blitz_username: String,
    /// The plan it was bought on; `None` for test accounts.
    pub plan: Option<PlanId>,
    /// Whether it is the free test account.
    pub is_test: bool,
    /// When it was created.
    pub created: UnixTime,
    /// When it stops working.
    pub expires: UnixTime,
    /// Traffic cap in bytes; `None` when unlimited.
    pub traffic_limit_bytes: Option<u64>,
    /// Whether it may be used.
    pub status: ServiceStatus,
}

impl ServiceStatus {
    /// Every status.
    pub const ALL: [Self; 3] = [Self::Active, Self::Expired, Self::Disabled];

    /// The storage spelling, e.g. `"active"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Disabled => "disabled",
        }
    }

    /// Parses [`ServiceStatus::as_str`].
    pub fn parse(text: &str) -> Result<Self, UnknownServiceStatus> {
        Self::ALL
            .into_iter()
            .find(|it| it.as_str() == text)
            .ok_or_else(|| UnknownServiceStatus {
                text: text.to_owned(),
            })
    }
}

impl fmt::Display for ServiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Service {
    /// Whole days left, rounded up; 0 once expired.
    #[must_use]
    pub fn days_left(&self, now: UnixTime) -> u32 {
        let secs = self.expires.0.saturating_sub(now.0);
        if secs <= 0 {
            return 0;
        }
        let days = secs.div_euclid(SECS_PER_DAY) + i64::from(secs.rem_euclid(SECS_PER_DAY) != 0);
        u32::try_from(days).unwrap_or(u32::MAX)
    }

    /// Whether its time has run out at `now`.
    #[must_use]
    pub fn is_expired(&self, now: UnixTime) -> bool {
        self.expires <= now
    }

    /// Bytes left of the cap after `used` bytes; `None` when unlimited.
    #[must_use]
    pub fn remaining_bytes(&self, used: u64) -> Option<u64> {
        self.traffic_limit_bytes
            .map(|limit| limit.saturating_sub(used))
    }

    /// The expiry after renewing for `days` at `now`.
    ///
    /// Renewing early adds to the current expiry, so no paid day is lost;
    /// renewing late starts from `now`, so no day is paid for twice.
    #[must_use]
    pub fn extended(&self, days: u32, now: UnixTime) -> UnixTime {
        self.expires.max(now).plus_days(i64::from(days))
    }
}

/// The panel account name for the service an order creates: `ajib_<tgid>_<orderid>`.
///
/// Deterministic, so a retried provisioning job finds the account it made
/// instead of creating a second one. Only `[a-z0-9_]`: a negative id (never a
/// real user) is written with an `n` instead of the minus sign.
#[must_use]
pub fn blitz_username(user: TelegramId, order: OrderId) -> String {
    fn part(id: i64) -> String {
        match id < 0 {
            true => format!("n{}", id.unsigned_abs()),
            false => id.to_string(),
        }
    }
    format!("ajib_{}_{}", part(user.0), part(order.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Date;

    fn at(date: &str) -> UnixTime {
        match Date::parse(date) {
            Ok(date) => UnixTime::from_date(date),
            Err(e) => panic!("{date}: {e}"),
        }
    }

    fn service(expires: UnixTime, traffic_limit_bytes: Option<u64>) -> Service {
        Service {
            id: ServiceId(1),
            user: TelegramId(42),
            panel: PanelId::FIRST,
            blitz_username: blitz_username(TelegramId(42), OrderId(7)),
            plan: Some(PlanId(1)),
            is_test: false,
            created: UnixTime(0),
            expires,
            traffic_limit_bytes,
            status: ServiceStatus::Active,
        }
    }

    fn check_renewal(expires: &str, now: &str, days: u32, expected: &str) {
        let renewed = service(at(expires), None).extended(days, at(now));
        assert_eq!(renewed.date().to_string(), expected);
    }

    fn check_days_left(expires: UnixTime, now: UnixTime, expected: u32) {
        assert_eq!(service(expires, None).days_left(now), expected);
    }

    #[test]
    fn renewal_before_expiry_extends_from_expiry() {
        check_renewal("2025-03-10", "2025-03-01", 30, "2025-04-09");
    }

    #[test]
    fn renewal_after_expiry_extends_from_now() {
        check_renewal("2025-03-10", "2025-03-20", 30, "2025-04-19");
    }

    #[test]
    fn renewal_at_expiry_extends_from_expiry() {
        check_renewal("2025-03-10", "2025-03-10", 30, "2025-04-09");
        check_renewal("2024-02-01", "2024-01-01", 28, "2024-02-29");
    }

    #[test]
    fn days_left_rounds_up_and_stops_at_zero() {
        let now = UnixTime(1_000_000);
        check_days_left(now.plus_days(30), now, 30);
        check_days_left(now.plus_days(30).plus_secs(-1), now, 30);
        check_days_left(now.plus_secs(1), now, 1);
        check_days_left(now, now, 0);
        check_days_left(now.plus_days(-3), now, 0);
    }

    #[test]
    fn expiry_and_traffic() {
        let now = UnixTime(1_000);
        assert!(service(now, None).is_expired(now));
        assert!(!service(now.plus_secs(1), None).is_expired(now));
        assert_eq!(service(now, None).remaining_bytes(5), None);
        assert_eq!(service(now, Some(10)).remaining_bytes(4), Some(6));
        assert_eq!(service(now, Some(10)).remaining_bytes(11), Some(0));
    }

    #[test]
    fn usernames_are_deterministic_and_safe() {
        assert_eq!(
            blitz_username(TelegramId(123_456_789), OrderId(42)),
            "ajib_123456789_42"
        );
        assert_eq!(blitz_username(TelegramId(-100), OrderId(1)), "ajib_n100_1");
        let name = blitz_username(TelegramId(i64::MIN), OrderId(i64::MAX));
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        );
    }

    #[test]
    fn status_strings_round_trip() {
        for status in ServiceStatus::ALL {
            assert_eq!(ServiceStatus::parse(status.as_str()), Ok(status));
        }
        assert!(ServiceStatus::parse("gone").is_err());
    }
}
