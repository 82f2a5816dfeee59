//! Wire types: what the panel sends and what we send it.
//!
//! Decoding is lenient: a `null` or missing field becomes its default
//! (empty string, `0`, `false`, empty list) unless `null` carries meaning,
//! in which case the field is an `Option`. Unknown fields are ignored.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::date::Date;

/// A panel user, as `GET /users/` and `GET /users/{name}` return it.
///
/// `Debug` leaves out the password.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct User {
    /// Lower-case username.
    #[serde(default, deserialize_with = "null_as_default")]
    pub username: String,
    /// The Hysteria2 password (32 characters when the panel generates it).
    #[serde(default, deserialize_with = "null_as_default")]
    pub password: String,
    /// Traffic limit in bytes (`GB × 2^30`); `0` means unlimited.
    #[serde(default, deserialize_with = "null_as_default")]
    pub max_download_bytes: u64,
    /// Total days counted from `account_creation_date`; `0` means unlimited.
    #[serde(default, deserialize_with = "null_as_default")]
    pub expiration_days: u64,
    /// `YYYY-MM-DD` the expiry clock started; `None` while on hold (the clock
    /// starts at the first connection).
    #[serde(default)]
    pub account_creation_date: Option<String>,
    /// Blocked by the operator or by the panel (expired or over quota).
    #[serde(default, deserialize_with = "null_as_default")]
    pub blocked: bool,
    /// Whether the IP-count limiter is lifted for this user.
    #[serde(default, deserialize_with = "null_as_default")]
    pub unlimited_user: bool,
    /// Free-form note; empty if none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub note: String,
    /// `On-hold`, `Online` or `Offline` (kept as text: the panel may add more).
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: String,
    /// Bytes uploaded in this period; `None` if the user never connected.
    #[serde(default)]
    pub upload_bytes: Option<u64>,
    /// Bytes downloaded in this period; `None` if the user never connected.
    #[serde(default)]
    pub download_bytes: Option<u64>,
    /// Open connections right now.
    #[serde(default, deserialize_with = "null_as_default")]
    pub online_count: u32,
}

/// Connection links for one user, as `GET /users/{name}/uri` returns them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Links {
    /// Lower-case username.
    #[serde(default, deserialize_with = "null_as_default")]
    pub username: String,
    /// `hy2://user:password@ipv4:port?...#...`, if the server has IPv4.
    #[serde(default)]
    pub ipv4: Option<String>,
    /// The same over IPv6, if the server has it.
    #[serde(default)]
    pub ipv6: Option<String>,
    /// One URI per extra node.
    #[serde(default, deserialize_with = "null_as_default")]
    pub nodes: Vec<Node>,
    /// The subscription link, if the subscription service is on.
    #[serde(default)]
    pub normal_sub: Option<String>,
    /// The panel's note about a link it could not build.
    #[serde(default)]
    pub error: Option<String>,
}

/// An extra Hysteria2 node's link.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Node {
    /// The node's name, e.g. `de-1`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Its `hy2://` URI for this user.
    #[serde(default, deserialize_with = "null_as_default")]
    pub uri: String,
}

/// Server health, as `GET /server/status` returns it.
///
/// The panel formats most figures for humans (`"12%"`, `"1.5 GB"`), so they
/// stay text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ServerStatus {
    /// Time since boot, e.g. `3 days, 4:05:06`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub uptime: String,
    /// CPU load, e.g. `12%`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cpu_usage: String,
    /// Memory in use, e.g. `512MB`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ram_usage: String,
    /// Total memory, e.g. `2048MB`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total_ram: String,
    /// Users connected right now.
    #[serde(default, deserialize_with = "null_as_default")]
    pub online_users: u64,
    /// Uploaded since the last reboot.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reboot_uploaded_traffic: String,
    /// Downloaded since the last reboot.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reboot_downloaded_traffic: String,
    /// Both, since the last reboot.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reboot_total_traffic: String,
    /// Uploaded by all users, all time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_uploaded_traffic: String,
    /// Downloaded by all users, all time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_downloaded_traffic: String,
    /// Both, by all users, all time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_total_traffic: String,
}

/// Whether each panel service runs, as `GET /server/services/status` returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub struct ServicesStatus {
    /// The Hysteria2 server itself.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hysteria_server: bool,
    /// The web panel.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hysteria_webpanel: bool,
    /// The IP-count limiter.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hysteria_iplimit: bool,
    /// The subscription service behind `normal_sub` links.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hysteria_normal_sub: bool,
    /// The panel's own Telegram bot.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hysteria_telegram_bot: bool,
    /// WARP outbound.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hysteria_warp: bool,
}

/// Panel and core versions, as `GET /server/version` returns them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Version {
    /// The panel's version.
    #[serde(default, deserialize_with = "null_as_default")]
    pub current_version: String,
    /// The Hysteria2 core's version.
    #[serde(default, deserialize_with = "null_as_default")]
    pub core_version: String,
}

/// A user to create; every field is the caller's decision, so there is no
/// `Default`.
///
/// `Debug` leaves out the password.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    /// `^[a-zA-Z0-9_]+$`; sent lower-cased.
    pub username: String,
    /// Traffic limit in panel GB (GiB); `0` means unlimited.
    pub traffic_limit_gb: u64,
    /// Days from the creation date; `0` means unlimited.
    pub expiration_days: u64,
    /// Free-form note shown in the panel.
    pub note: Option<String>,
    /// When the expiry clock starts; `None` puts the user on hold until the
    /// first connection.
    pub creation_date: Option<Date>,
    /// The Hysteria2 password; `None` lets the panel generate one.
    pub password: Option<String>,
    /// Lift the IP-count limiter (the panel's `unlimited`; traffic is not affected).
    pub unlimited_ip: bool,
}

/// A change to a user; `None`/`false` fields are left out of the `PATCH`.
///
/// ```
/// let edit = blitz::UserEdit { blocked: Some(false), new_traffic_limit_gb: Some(50), ..Default::default() };
/// assert!(edit.new_expiration_days.is_none());
/// ```
///
/// `Debug` leaves out the new password.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UserEdit {
    /// Rename the user (validated and lower-cased like any username).
    pub new_username: Option<String>,
    /// Set this password.
    pub new_password: Option<String>,
    /// New traffic limit in panel GB; `0` means unlimited.
    pub new_traffic_limit_gb: Option<u64>,
    /// New **total** days counted from the creation date (not days to add);
    /// `0` means unlimited.
    pub new_expiration_days: Option<u64>,
    /// Let the panel generate a new password.
    pub renew_password: bool,
    /// Restart the expiry clock: creation date := today.
    pub renew_creation_date: bool,
    /// Block or unblock.
    pub blocked: Option<bool>,
    /// Lift or restore the IP-count limiter.
    pub unlimited_ip: Option<bool>,
    /// Replace the note; `Some("")` clears it.
    pub note: Option<String>,
}

/// `POST /users/` body.
#[derive(Serialize)]
pub(crate) struct CreateBody<'a> {
    pub(crate) username: &'a str,
    pub(crate) traffic_limit: u64,
    pub(crate) expiration_days: u64,
    pub(crate) note: Option<&'a str>,
    pub(crate) creation_date: Option<Date>,
    pub(crate) password: Option<&'a str>,
    pub(crate) unlimited: bool,
}

/// `PATCH /users/{name}` body.
#[derive(Serialize)]
pub(crate) struct EditBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) new_username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) new_password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) new_traffic_limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) new_expiration_days: Option<u64>,
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) renew_password: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) renew_creation_date: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) blocked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unlimited_ip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<&'a str>,
}

/// `POST /users/uri/bulk` body.
#[derive(Serialize)]
pub(crate) struct BulkBody<'a> {
    pub(crate) usernames: &'a [String],
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("username", &self.username)
            .field("password", &Redacted(!self.password.is_empty()))
            .field("max_download_bytes", &self.max_download_bytes)
            .field("expiration_days", &self.expiration_days)
            .field("account_creation_date", &self.account_creation_date)
            .field("blocked", &self.blocked)
            .field("unlimited_user", &self.unlimited_user)
            .field("note", &self.note)
            .field("status", &self.status)
            .field("upload_bytes", &self.upload_bytes)
            .field("download_bytes", &self.download_bytes)
            .field("online_count", &self.online_count)
            .finish()
    }
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("traffic_limit_gb", &self.traffic_limit_gb)
            .field("expiration_days", &self.expiration_days)
            .field("note", &self.note)
            .field("creation_date", &self.creation_date)
            .field("password", &self.password.as_ref().map(|_| Redacted(true)))
            .field("unlimited_ip", &self.unlimited_ip)
            .finish()
    }
}

impl fmt::Debug for UserEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserEdit")
            .field("new_username", &self.new_username)
            .field(
                "new_password",
                &self.new_password.as_ref().map(|_| Redacted(true)),
            )
            .field("new_traffic_limit_gb", &self.new_traffic_limit_gb)
            .field("new_expiration_days", &self.new_expiration_days)
            .field("renew_password", &self.renew_password)
            .field("renew_creation_date", &self.renew_creation_date)
            .field("blocked", &self.blocked)
            .field("unlimited_ip", &self.unlimited_ip)
            .field("note", &self.note)
            .finish()
    }
}

/// Shows `<redacted>` for a secret that is set, `""` for an empty one.
struct Redacted(bool);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "<redacted>" } else { "\"\"" })
    }
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use crate::wire::{Links, NewUser, ServerStatus, User, UserEdit};

    const USER: &str = r#"{"username":"tg_12345","password":"0123456789abcdef0123456789abcdef",
        "max_download_bytes":32212254720,"expiration_days":30,"account_creation_date":"2026-11-20",
        "blocked":false,"unlimited_user":false,"note":"ajib order 42","status":"Online",
        "upload_bytes":123,"download_bytes":456,"online_count":1,"extra_field":[1,2]}"#;

    #[test]
    fn decodes_a_full_user() {
        let user: User = serde_json::from_str(USER).unwrap();
        assert_eq!(user.username, "tg_12345");
        assert_eq!(user.max_download_bytes, 32_212_254_720);
        assert_eq!(user.account_creation_date.as_deref(), Some("2026-11-20"));
        assert_eq!(
            (user.upload_bytes, user.download_bytes),
            (Some(123), Some(456))
        );
        assert_eq!(user.online_count, 1);
    }

    #[test]
    fn nulls_and_missing_fields_are_tolerated() {
        let raw = r#"{"username":"a","password":null,"max_download_bytes":null,"expiration_days":0,
            "account_creation_date":null,"blocked":null,"note":null,"status":"On-hold",
            "upload_bytes":null,"download_bytes":null}"#;
        let user: User = serde_json::from_str(raw).unwrap();
        assert_eq!(user.password, "");
        assert_eq!(user.max_download_bytes, 0);
        assert_eq!(user.account_creation_date, None);
        assert!(!user.blocked && !user.unlimited_user);
        assert_eq!(user.note, "");
        assert_eq!(user.upload_bytes, None);
        assert_eq!(user.online_count, 0);
    }

    #[test]
    fn debug_hides_passwords() {
        let user: User = serde_json::from_str(USER).unwrap();
        let shown = format!("{user:?}");
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(shown.contains("password: <redacted>"), "{shown}");

        let new_user = NewUser {
            username: "a".to_owned(),
            traffic_limit_gb: 1,
            expiration_days: 1,
            note: None,
            creation_date: None,
            password: Some("hunter2hunter2".to_owned()),
            unlimited_ip: false,
        };
        assert!(!format!("{new_user:?}").contains("hunter2"));
        let edit = UserEdit {
            new_password: Some("hunter2hunter2".to_owned()),
            ..UserEdit::default()
        };
        assert!(!format!("{edit:?}").contains("hunter2"));
    }

    #[test]
    fn decodes_links() {
        let raw = r#"{"username":"tg_1","ipv4":"hy2://tg_1:pw@203.0.113.7:8443?sni=example.com#IPv4",
            "ipv6":null,"nodes":[{"name":"de-1","uri":"hy2://x"}],"normal_sub":null,"error":null}"#;
        let links: Links = serde_json::from_str(raw).unwrap();
        assert!(links.ipv4.unwrap().starts_with("hy2://"));
        assert_eq!(links.ipv6, None);
        assert_eq!(links.nodes[0].name, "de-1");
        let bare: Links = serde_json::from_str(r#"{"username":"tg_1","nodes":null}"#).unwrap();
        assert!(bare.nodes.is_empty());
    }

    #[test]
    fn decodes_server_status_with_gaps() {
        let status: ServerStatus =
            serde_json::from_str(r#"{"cpu_usage":"12%","online_users":3,"uptime":null}"#).unwrap();
        assert_eq!(status.cpu_usage, "12%");
        assert_eq!(status.online_users, 3);
        assert_eq!(status.uptime, "");
    }
}
