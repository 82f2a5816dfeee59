//! The fake panel's memory: the users collection ("MongoDB"), the clock, the
//! fault switch and what the panel ran.

use std::{
    collections::{HashMap, hash_map::RandomState},
    hash::{BuildHasher, Hasher},
    sync::{
        Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde_json::{Map, Value, json};

use crate::blitz::{BlitzFault, FakeUser, python};

/// The panel version `/server/version` reports unless a test sets another.
pub(crate) const PANEL_VERSION: &str = "2.5.3";

/// Everything the server thread and the test thread share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) token: String,
    panel: Mutex<Panel>,
    /// Mirrors `panel.fault == Refuse` so the socket layer can check it without locking.
    refusing: AtomicBool,
    requests: AtomicU64,
}

/// The panel host: its database, its clock and what it has run.
#[derive(Debug)]
pub(crate) struct Panel {
    /// The `blitz_panel.users` collection in natural (insertion) order, as
    /// `find({})` returns it (0xd5f/ANY `core/scripts/db/database.py`).
    pub(crate) users: Vec<Doc>,
    pub(crate) fault: BlitzFault,
    /// A frozen "today" (`YYYY-MM-DD`); `None` reads the system clock (UTC).
    pub(crate) today: Option<String>,
    /// What `version.py show-version` prints as "Panel Version".
    pub(crate) version: String,
    /// Every script command line, `' '.join(argv)`, in order.
    pub(crate) commands: Vec<String>,
    /// Users whose requests are answered only after this long (lower-cased names).
    pub(crate) slow_users: HashMap<String, Duration>,
    rng: u64,
}

/// One user document. Field presence follows the scripts: `add_user.py`
/// writes `note` and `account_creation_date` only when given,
/// `reset_user.py` unsets the date and the byte counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Doc {
    /// `_id`: the lower-cased username.
    pub(crate) id: String,
    pub(crate) password: String,
    /// May be negative: `add_user.py` stores whatever `int(float(gb) * 2**30)` gives.
    pub(crate) max_download_bytes: i64,
    /// May be negative, like `max_download_bytes`.
    pub(crate) expiration_days: i64,
    pub(crate) account_creation_date: Option<String>,
    pub(crate) blocked: bool,
    pub(crate) unlimited_user: bool,
    pub(crate) note: Option<String>,
    pub(crate) status: String,
    pub(crate) upload_bytes: Option<u64>,
    pub(crate) download_bytes: Option<u64>,
    /// Open connections as the Hysteria2 traffic API reports them.
    pub(crate) online_count: u32,
}

impl Shared {
    pub(crate) fn new(token: &str) -> Self {
        let seed = RandomState::new().build_hasher().finish() | 1;
        Self {
            token: token.to_owned(),
            panel: Mutex::new(Panel {
                users: Vec::new(),
                fault: BlitzFault::None,
                today: None,
                version: PANEL_VERSION.to_owned(),
                commands: Vec::new(),
                slow_users: HashMap::new(),
                rng: seed,
            }),
            refusing: AtomicBool::new(false),
            requests: AtomicU64::new(0),
        }
    }

    /// Locks the panel, shrugging off poisoning: a panicking test must not
    /// take the next assertion down with it.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Panel> {
        self.panel
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn set_fault(&self, fault: BlitzFault) {
        let mut panel = self.lock();
        panel.fault = fault;
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

    /// How long to hold a request for `path` (`/api/v1/users/<name>[/...]`)
    /// naming a slow user, if it does.
    pub(crate) fn slowness_of(&self, path: &str) -> Option<Duration> {
        let name = path.strip_prefix("/api/v1/users/")?.split('/').next()?;
        self.lock()
            .slow_users
            .get(&name.to_ascii_lowercase())
            .copied()
    }
}

impl Panel {
    /// `db.get_user(name)`: `find_one({"_id": name.lower()})`.
    pub(crate) fn get_user(&self, name: &str) -> Option<&Doc> {
        let id = name.to_lowercase();
        self.users.iter().find(|it| it.id == id)
    }

    pub(crate) fn get_user_mut(&mut self, name: &str) -> Option<&mut Doc> {
        let id = name.to_lowercase();
        self.users.iter_mut().find(|it| it.id == id)
    }

    /// `db.add_user(doc)`: inserts unless the `_id` is taken.
    pub(crate) fn add_user(&mut self, doc: Doc) -> bool {
        if self.users.iter().any(|it| it.id == doc.id) {
            return false;
        }
        self.users.push(doc);
        true
    }

    /// `db.delete_users(ids)`: `delete_many({"_id": {"$in": ids}})`; the count deleted.
    pub(crate) fn delete_users(&mut self, ids: &[String]) -> usize {
        let before = self.users.len();
        self.users.retain(|it| !ids.contains(&it.id));
        before - self.users.len()
    }

    /// The panel host's date as `YYYY-MM-DD`.
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

    /// 32 characters from `[A-Za-z0-9]`, like `secrets.choice` in
    /// `cli_api.generate_password` and `add_user.py`.
    pub(crate) fn new_password(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..32)
            .map(|_| char::from(ALPHABET[self.random_below(ALPHABET.len() as u64) as usize]))
            .collect()
    }

    /// A number in `0..bound` (xorshift64*: plenty for a fake).
    pub(crate) fn random_below(&mut self, bound: u64) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) % bound.max(1)
    }
}

impl Doc {
    /// The document as `json.dumps` prints it, `_id` and all; absent fields stay absent.
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let mut res = Map::new();
        res.insert("_id".to_owned(), json!(self.id));
        res.insert("password".to_owned(), json!(self.password));
        res.insert(
            "max_download_bytes".to_owned(),
            json!(self.max_download_bytes),
        );
        res.insert("expiration_days".to_owned(), json!(self.expiration_days));
        res.insert("blocked".to_owned(), json!(self.blocked));
        res.insert("unlimited_user".to_owned(), json!(self.unlimited_user));
        res.insert("status".to_owned(), json!(self.status));
        let optional = [
            ("note", self.note.as_ref().map(|it| json!(it))),
            (
                "account_creation_date",
                self.account_creation_date.as_ref().map(|it| json!(it)),
            ),
            ("upload_bytes", self.upload_bytes.map(|it| json!(it))),
            ("download_bytes", self.download_bytes.map(|it| json!(it))),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                res.insert(key.to_owned(), value);
            }
        }
        res.insert("online_count".to_owned(), json!(self.online_count));
        res
    }

    /// The test-facing view. Negative limits (possible in the panel, see
    /// [`Doc::max_download_bytes`]) read as `0` here.
    pub(crate) fn to_fake_user(&self) -> FakeUser {
        FakeUser {
            username: self.id.clone(),
            password: self.password.clone(),
            max_download_bytes: u64::try_from(self.max_download_bytes).unwrap_or(0),
            expiration_days: u64::try_from(self.expiration_days).unwrap_or(0),
            account_creation_date: self.account_creation_date.clone(),
            blocked: self.blocked,
            unlimited_user: self.unlimited_user,
            note: self.note.clone(),
            status: self.status.clone(),
            upload_bytes: self.upload_bytes,
            download_bytes: self.download_bytes,
            online_count: self.online_count,
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
}

/// Whether `text` is a real `YYYY-MM-DD` date (strictly that shape).
pub(crate) fn is_date(text: &str) -> bool {
    parse_days(text).is_some()
}

/// `YYYY-MM-DD` to days since 1970-01-01, or `None` if it is not a date.
///
/// The fake keeps a calendar of its own on purpose, independent of
/// `ajib_domain`'s: a fake that shared the bot's date code would hide that
/// code's bugs instead of catching them.
pub(crate) fn parse_days(text: &str) -> Option<i64> {
    if !python::is_date_shape(text) || text.ends_with('\n') {
        return None;
    }
    let (year, month, day): (i64, i64, i64) = (
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    );
    let month_len = python::days_in_month(year, month)?;
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
            "2026-01-10\n",
        ] {
            assert_eq!(parse_days(bad), None, "{bad}");
        }
    }
}
