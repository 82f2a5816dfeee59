//! The server router (`routers/api/v1/server.py`, as in 0xd5f/ANY @ba36dca2).

use axum::http::StatusCode;
use serde_json::json;

use crate::blitz::{api::Reply, state::Panel};

/// What `version.py` reports for the Hysteria2 core while it runs.
const CORE_VERSION: &str = "v2.6.2";

/// `GET /server/status` (`ServerStatusResponse`). `server_info.py` is not
/// modelled: the figures are canned apart from online users and traffic.
pub(super) fn server_status_api(panel: &Panel) -> Reply {
    let online = panel.users.iter().filter(|it| it.online_count > 0).count();
    let uploaded: u64 = panel.users.iter().filter_map(|it| it.upload_bytes).sum();
    let downloaded: u64 = panel.users.iter().filter_map(|it| it.download_bytes).sum();
    let gb = |bytes: u64| format!("{:.2} GB", bytes as f64 / f64::from(1u32 << 30));
    Reply::Json(
        StatusCode::OK,
        json!({
            "uptime": "3d 4h 5m",
            "boot_time": "2026-01-01 00:00",
            "server_ipv4": "203.0.113.7",
            "server_ipv6": "Not Found",
            "cpu_usage": "12%",
            "ram_usage": "512MB",
            "total_ram": "2048MB",
            "online_users": online,
            "upload_speed": "1.00 KB/s",
            "download_speed": "2.00 KB/s",
            "tcp_connections": 10,
            "udp_connections": 4,
            "reboot_uploaded_traffic": gb(uploaded),
            "reboot_downloaded_traffic": gb(downloaded),
            "reboot_total_traffic": gb(uploaded + downloaded),
            "user_uploaded_traffic": gb(uploaded),
            "user_downloaded_traffic": gb(downloaded),
            "user_total_traffic": gb(uploaded + downloaded),
        }),
    )
}

/// `GET /server/services/status` (`ServerServicesStatusResponse`), canned.
pub(super) fn services_status_api() -> Reply {
    Reply::Json(
        StatusCode::OK,
        json!({
            "hysteria_server": true,
            "hysteria_webpanel": true,
            "hysteria_iplimit": false,
            "hysteria_normal_sub": true,
            "hysteria_telegram_bot": false,
            "hysteria_warp": false,
        }),
    )
}

/// `GET /server/version` (`VersionInfoResponse`): `core_version` is there
/// only while hysteria-server is active, which it always is here.
pub(super) fn version_api(panel: &Panel) -> Reply {
    Reply::Json(
        StatusCode::OK,
        json!({"current_version": panel.version, "core_version": CORE_VERSION}),
    )
}
