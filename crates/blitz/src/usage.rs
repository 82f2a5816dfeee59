//! What a user has used and until when, computed from a [`User`].

use crate::{Error, date::Date, wire::User};

/// A user's consumption and limits, derived from the panel's user object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// `upload_bytes + download_bytes` in this period.
    pub used_bytes: u64,
    /// The traffic limit in bytes; `None` means unlimited.
    pub limit_bytes: Option<u64>,
    /// When the account expires.
    pub expires_on: Expiry,
    /// Whether the panel (or an operator) has blocked the user.
    pub blocked: bool,
}

/// When an account expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// The clock starts at the first connection (no creation date yet).
    OnHold,
    /// `expiration_days` is `0`.
    Unlimited,
    /// The account runs `days` days from `from` (the creation date): the
    /// first day it is no longer valid is `from` + `days`, reckoned with the
    /// caller's own calendar (this crate does no date arithmetic).
    After {
        /// The panel's creation date, when the days began.
        from: Date,
        /// `expiration_days`.
        days: u64,
    },
}

impl Usage {
    /// Computes the usage of `user`.
    ///
    /// Fails with [`Error::Decode`] if the creation date is not a date.
    pub fn of(user: &User) -> Result<Self, Error> {
        let used_bytes = user
            .upload_bytes
            .unwrap_or(0)
            .saturating_add(user.download_bytes.unwrap_or(0));
        let limit_bytes = match user.max_download_bytes {
            0 => None,
            limit => Some(limit),
        };
        let expires_on = match (user.expiration_days, &user.account_creation_date) {
            (0, _) => Expiry::Unlimited,
            (_, None) => Expiry::OnHold,
            (days, Some(created)) => {
                let created = Date::parse(created).map_err(|err| {
                    Error::decode(created, format!("account_creation_date: {err}"))
                })?;
                Expiry::After {
                    from: created,
                    days,
                }
            }
        };
        Ok(Self {
            used_bytes,
            limit_bytes,
            expires_on,
            blocked: user.blocked,
        })
    }

    /// Bytes left before the quota is used up; `None` if unlimited.
    #[must_use]
    pub fn remaining_bytes(&self) -> Option<u64> {
        self.limit_bytes
            .map(|limit| limit.saturating_sub(self.used_bytes))
    }

    /// Whether the quota is used up (`used >= limit`), the panel's own test.
    #[must_use]
    pub fn quota_exhausted(&self) -> bool {
        self.limit_bytes
            .is_some_and(|limit| self.used_bytes >= limit)
    }
}

impl User {
    /// Shorthand for [`Usage::of`].
    pub fn usage(&self) -> Result<Usage, Error> {
        Usage::of(self)
    }
}

#[cfg(test)]
mod tests {
    use crate::{
        Error,
        date::Date,
        usage::{Expiry, Usage},
        wire::User,
    };

    fn user(
        limit: u64,
        days: u64,
        created: Option<&str>,
        up: Option<u64>,
        down: Option<u64>,
    ) -> User {
        User {
            username: "tg_1".to_owned(),
            password: "p".repeat(32),
            max_download_bytes: limit,
            expiration_days: days,
            account_creation_date: created.map(str::to_owned),
            blocked: false,
            unlimited_user: false,
            note: String::new(),
            status: "Offline".to_owned(),
            upload_bytes: up,
            download_bytes: down,
            online_count: 0,
        }
    }

    fn check_expiry(days: u64, created: Option<&str>, expected: Expiry) {
        let usage = Usage::of(&user(0, days, created, None, None)).unwrap();
        assert_eq!(usage.expires_on, expected);
    }

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn expiry() {
        check_expiry(
            30,
            Some("2026-11-20"),
            Expiry::After {
                from: date("2026-11-20"),
                days: 30,
            },
        );
        check_expiry(30, None, Expiry::OnHold);
        check_expiry(0, None, Expiry::Unlimited);
        check_expiry(0, Some("2026-11-20"), Expiry::Unlimited);
        check_expiry(
            u64::MAX,
            Some("2026-11-20"),
            Expiry::After {
                from: date("2026-11-20"),
                days: u64::MAX,
            },
        );
    }

    #[test]
    fn traffic() {
        let usage = Usage::of(&user(100, 0, None, Some(30), Some(40))).unwrap();
        assert_eq!((usage.used_bytes, usage.limit_bytes), (70, Some(100)));
        assert_eq!(usage.remaining_bytes(), Some(30));
        assert!(!usage.quota_exhausted());

        let usage = Usage::of(&user(70, 0, None, Some(30), Some(40))).unwrap();
        assert!(usage.quota_exhausted());
        assert_eq!(usage.remaining_bytes(), Some(0));

        let usage = Usage::of(&user(0, 0, None, None, Some(5))).unwrap();
        assert_eq!((usage.used_bytes, usage.limit_bytes), (5, None));
        assert!(!usage.quota_exhausted());
        assert_eq!(usage.remaining_bytes(), None);

        let usage = Usage::of(&user(0, 0, None, Some(u64::MAX), Some(1))).unwrap();
        assert_eq!(usage.used_bytes, u64::MAX);
    }

    #[test]
    fn bad_creation_date_is_a_decode_error() {
        let err = Usage::of(&user(0, 30, Some("yesterday"), None, None)).unwrap_err();
        assert!(
            matches!(err, Error::Decode { ref raw, .. } if raw == "yesterday"),
            "{err:?}"
        );
    }
}
