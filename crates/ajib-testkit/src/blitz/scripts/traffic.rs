//! `core/traffic.py` (Jackchen0514/Blitz @c7137e5e): the traffic pass that
//! starts on-hold users' clocks and keeps `status` current, and the expiry
//! check that blocks users.
//!
//! The fake has no live Hysteria2 traffic API: a user's stored
//! `online_count` stands for what `get_online_clients()` reports, and
//! traffic counters are written by the test (`FakeBlitz::set_usage`), which
//! then runs [`account`] for that user as a pass that saw the traffic would.

use crate::blitz::state::{Doc, Panel, parse_days};

pub(crate) const ONLINE: &str = "Online";
pub(crate) const OFFLINE: &str = "Offline";
pub(crate) const ON_HOLD: &str = "On-hold";

/// `traffic.traffic_status(no_gui=True)`, as `cli_api.traffic_status(display_output=False)`
/// runs it in-process before every edit and delete: no new traffic, so only
/// the online state can activate a user or change a status.
pub(crate) fn traffic_status(panel: &mut Panel) {
    let today = panel.today();
    for doc in &mut panel.users {
        account(doc, &today, false);
    }
}

/// `TrafficManager._calculate_user_updates` for one user, given whether the
/// pass saw new traffic.
///
/// A user without `account_creation_date` that is online or has traffic gets
/// today's date (the real pass uses the host's local date) and Online or
/// Offline; an activated user follows its online state; an inactive
/// unactivated one goes back to On-hold.
pub(crate) fn account(doc: &mut Doc, today: &str, has_traffic: bool) {
    let is_online = doc.online_count > 0;
    let status = if is_online { ONLINE } else { OFFLINE };
    match (&doc.account_creation_date, is_online || has_traffic) {
        (None, true) => {
            doc.account_creation_date = Some(today.to_owned());
            status.clone_into(&mut doc.status);
        }
        (Some(_), _) => status.clone_into(&mut doc.status),
        (None, false) => ON_HOLD.clone_into(&mut doc.status),
    }
}

/// `TrafficManager.kick_expired_users`: blocks users whose days ran out
/// (`now >= creation_date + expiration_days`, `0` = unlimited) or whose
/// traffic reached the limit (`0` = unlimited), setting Offline and
/// `online_count` 0. Blocked users and users on hold are skipped; nobody is
/// unblocked.
pub(crate) fn kick_expired_users(panel: &mut Panel) {
    let Some(today) = parse_days(&panel.today()) else {
        return;
    };
    for doc in &mut panel.users {
        let Some(created) = doc.account_creation_date.as_deref().map(parse_days) else {
            continue;
        };
        if doc.blocked {
            continue;
        }
        // `except (ValueError, TypeError): continue` covers a bad stored date.
        let Some(created) = created else {
            continue;
        };
        let used = doc
            .upload_bytes
            .unwrap_or(0)
            .saturating_add(doc.download_bytes.unwrap_or(0));
        let expired_by_date =
            doc.expiration_days > 0 && today >= created.saturating_add(doc.expiration_days);
        let expired_by_traffic =
            doc.max_download_bytes > 0 && i128::from(used) >= i128::from(doc.max_download_bytes);
        if expired_by_date || expired_by_traffic {
            doc.blocked = true;
            OFFLINE.clone_into(&mut doc.status);
            doc.online_count = 0;
        }
    }
}
