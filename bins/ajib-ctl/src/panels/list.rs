//! `ajib-ctl panels list`: a table of the panels (never their tokens).

use ajib_storage::{Panel, TokenRef};
use serde::Serialize;

use crate::db::Db;

/// A panel as `--json` prints it.
#[derive(Serialize)]
struct PanelJson<'a> {
    id: i64,
    name: &'a str,
    location: &'a str,
    health: &'a str,
    last_error: Option<&'a str>,
    active: u32,
    capacity: Option<u32>,
    enabled: bool,
    api_base: Option<&'a str>,
    token: String,
}

/// Prints every panel.
pub fn run(db: &Db, json: bool) -> anyhow::Result<()> {
    let panels = db.block(db.store().list_panels())?;
    if json {
        let rows: Vec<PanelJson<'_>> = panels.iter().map(to_json).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!(
        "{:<4} {:<12} {:<20} {:<8} {:<16} {:<8} api base",
        "id", "name", "location", "health", "active/capacity", "enabled"
    );
    for panel in &panels {
        println!(
            "{:<4} {:<12} {:<20} {:<8} {:<16} {:<8} {}",
            panel.id.0,
            panel.name,
            panel.location,
            panel.health.as_str(),
            load(panel),
            if panel.enabled { "yes" } else { "no" },
            base(panel)
        );
        if let Some(error) = &panel.last_error {
            println!("     last check: {error}");
        }
    }
    Ok(())
}

/// One line naming a panel, for what add, edit, enable and disable print.
#[must_use]
pub fn describe(panel: &Panel) -> String {
    format!(
        "panel {} #{}: {}, {} active, {}, {}",
        panel.name,
        panel.id.0,
        panel.location,
        load(panel),
        if panel.enabled { "enabled" } else { "disabled" },
        base(panel)
    )
}

fn load(panel: &Panel) -> String {
    match panel.capacity {
        Some(capacity) => format!("{}/{capacity}", panel.active),
        None => format!("{}/unlimited", panel.active),
    }
}

fn base(panel: &Panel) -> &str {
    panel.api_base.as_deref().unwrap_or("BLITZ_API_BASE")
}

/// Where the token is kept, never the token.
fn token_place(token: &TokenRef) -> String {
    match token {
        TokenRef::Config => "BLITZ_API_KEY".to_owned(),
        TokenRef::Stored => "stored in the database".to_owned(),
        TokenRef::File(path) => format!("file {}", path.display()),
    }
}

fn to_json(panel: &Panel) -> PanelJson<'_> {
    PanelJson {
        id: panel.id.0,
        name: &panel.name,
        location: &panel.location,
        health: panel.health.as_str(),
        last_error: panel.last_error.as_deref(),
        active: panel.active,
        capacity: panel.capacity,
        enabled: panel.enabled,
        api_base: panel.api_base.as_deref(),
        token: token_place(&panel.token),
    }
}
