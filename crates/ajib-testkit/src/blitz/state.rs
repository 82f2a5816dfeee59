//! The fake panel's memory: users, the fault switch, the clock and counters.

use std::{
    collections::{BTreeMap, hash_map::RandomState},
    hash::{BuildHasher, Hasher},
    sync::{
        Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{SystemTime, UNIX_EPOCH},
};

use serde_json::{Value, json};

use crate::blitz::{BlitzFault, FakeUser};

/// Bytes in one panel "GB" (a GiB).
pub(crate) const BYTES_PER_GB: u64 = 1 << 30;

/// Everything the server thread and the test thread share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) token: String,
    state: Mutex<State>,
    /// Mirrors `state.fault == Refuse` so the socket layer can check it without locking.
    refusing: AtomicBool,
    requests: AtomicU64,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) users: BTreeMap<String, FakeUser>,
    pub(crate) fault: BlitzFault,
    /// A frozen "today" (`YYYY-MM-DD`); `None` reads the system clock (UTC).
    pub(crate) today: Option<String>,
    rng: u64,
}

impl Shared {
    pub(crate) fn new(token: &str) -> Self {
        let seed = RandomState::new().build_hasher().finish() | 1;
        Self {
            token: token.to_owned(),
            state: Mutex::new(State {
                users: BTreeMap::new(),
                fault: BlitzFault::None,
                today: None,
                rng: seed,
            }),
            refusing: AtomicBool::new(false),
            requests: AtomicU64::new(0),
        }
    }

    /// Locks the state, shrugging off poisoning: a panicking test must not
    /// take the next assertion down with it.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn set_fault(&self, fault: BlitzFault) {
        let mut state = self.lock();
        state.fault = fault;
        self.refusing
            .store(fault == BlitzFault::Refuse, Ordering::SeqCst);
    }

    pub(crate) fn fault(&self) -> BlitzFault {
        self.lock().fault
    }

    pub(crate) fn refusing(&self) -> bool {
        self.refusing.load(Ordering::SeqCst)
    }

    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn request_count(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

impl State {
    pub(crate) fn today(&self) -> String {
        match &self.today {
            Some(today) => today.clone(),
            None => {
                let secs = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |it| it.as_secs());
                format_days(i64::try_from(secs / 86_400).unwrap_or(0))
            }
        }
    }

    /// A fresh 32-character alphanumeric password, like the panel's.
    pub(crate) fn new_password(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..32)
            .map(|_| {
                // xorshift64*: plenty for test passwords.
                self.rng ^= self.rng >> 12;
                self.rng ^= self.rng << 25;
                self.rng ^= self.rng >> 27;
                let value = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D);
                char::from(ALPHABET[(value >> 32) as usize % ALPHABET.len()])
            })
            .collect()
    }

    /// The panel's periodic check: block users that are expired or over quota.
    pub(crate) fn enforce_limits(&mut self) {
        let today = parse_days(&self.today());
        for user in self.users.values_mut() {
            let over_quota =
                user.max_download_bytes > 0 && user.used_bytes() >= user.max_download_bytes;
            let expired = match (user.expiration_days, &user.account_creation_date, today) {
                (0, _, _) | (_, None, _) | (_, _, None) => false,
                (days, Some(created), Some(today)) => parse_days(created).is_some_and(|created| {
                    today >= created + i64::try_from(days).unwrap_or(i64::MAX / 2)
                }),
            };
            if over_quota || expired {
                user.blocked = true;
            }
        }
    }
}

impl FakeUser {
    /// `upload_bytes + download_bytes`, `0` for a user that never connected.
    #[must_use]
    pub fn used_bytes(&self) -> u64 {
        self.upload_bytes
            .unwrap_or(0)
            .saturating_add(self.download_bytes.unwrap_or(0))
    }

    /// `On-hold` without a creation date, else `Online` or `Offline`.
    #[must_use]
    pub fn status(&self) -> &'static str {
        match (&self.account_creation_date, self.online_count) {
            (None, _) => "On-hold",
            (Some(_), 0) => "Offline",
            (Some(_), _) => "Online",
        }
    }

    /// The user object as the panel's `GET /users/{name}` shows it.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "username": self.username,
            "password": self.password,
            "max_download_bytes": self.max_download_bytes,
            "expiration_days": self.expiration_days,
            "account_creation_date": self.account_creation_date,
            "blocked": self.blocked,
            "unlimited_user": self.unlimited_user,
            "note": self.note,
            "status": self.status(),
            "upload_bytes": self.upload_bytes,
            "download_bytes": self.download_bytes,
            "online_count": self.online_count,
        })
    }
}

/// Whether `text` is a real `YYYY-MM-DD` date.
pub(crate) fn is_date(text: &str) -> bool {
    parse_days(text).is_some()
}

/// `YYYY-MM-DD` to days since 1970-01-01, or `None` if it is not a date.
pub(crate) fn parse_days(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = &text[range];
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_len = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if day < 1 || day > month_len {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// Days since 1970-01-01 to `YYYY-MM-DD` (Howard Hinnant's civil_from_days).
pub(crate) fn format_days(days: i64) -> String {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use crate::blitz::state::{format_days, parse_days};

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_days("1970-01-01"), Some(0));
        assert_eq!(parse_days("2024-10-04"), Some(20_000));
        assert_eq!(format_days(20_000), "2024-10-04");
        for days in (-1000..30_000).step_by(7) {
            assert_eq!(parse_days(&format_days(days)), Some(days));
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "yesterday",
            "2026-00-10",
        ] {
            assert_eq!(parse_days(bad), None, "{bad}");
        }
    }
}
