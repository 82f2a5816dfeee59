//! Blitz panels as data: where each is, how to reach it, how full it is, and
//! which plans are sold on it.

use std::path::PathBuf;

use ajib_domain::{OrderId, PanelHealth, PanelId, PanelLoad, PlanId, UnixTime};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::{
    Error, Store,
    store::{query_opt, query_vec, to_u32},
};

/// Where a panel's API token comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum TokenRef {
    /// `BLITZ_API_KEY` (with `BLITZ_API_BASE`): the first panel of an install.
    Config,
    /// Kept in the database (`panel_tokens`).
    Stored,
    /// Read from a file the operator keeps.
    File(PathBuf),
}

impl std::fmt::Debug for TokenRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_sql())
    }
}

impl TokenRef {
    fn to_sql(&self) -> String {
        match self {
            Self::Config => "config".to_owned(),
            Self::Stored => "stored".to_owned(),
            Self::File(path) => format!("file:{}", path.display()),
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "config" => Some(Self::Config),
            "stored" => Some(Self::Stored),
            _ => text
                .strip_prefix("file:")
                .filter(|it| it.starts_with('/'))
                .map(|it| Self::File(PathBuf::from(it))),
        }
    }
}

/// A stored panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    /// Its id.
    pub id: PanelId,
    /// A short unique name for operators, e.g. `de-1`.
    pub name: String,
    /// The location customers see, e.g. `🇩🇪 Germany`.
    pub location: String,
    /// The API base ending in `/api/v1`; `None` means `BLITZ_API_BASE`.
    pub api_base: Option<String>,
    /// Where its token comes from.
    pub token: TokenRef,
    /// Active accounts it may hold; `None` when unlimited.
    pub capacity: Option<u32>,
    /// Whether new accounts may go to it.
    pub enabled: bool,
    /// What the last health check said.
    pub health: PanelHealth,
    /// When it was last checked.
    pub checked_at: Option<UnixTime>,
    /// Since when it has been down, while it is.
    pub down_since: Option<UnixTime>,
    /// Whether the owners were told it is down (reset when it recovers).
    pub down_alerted: bool,
    /// The last check's failure.
    pub last_error: Option<String>,
    /// Active services on it.
    pub active: u32,
}

/// The token of a panel being added or changed.
#[derive(Clone, PartialEq, Eq)]
pub enum NewToken {
    /// Keep this token in the database.
    Stored(String),
    /// Read the token from this file whenever the bot starts.
    File(PathBuf),
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Stored(_) => f.write_str("Stored(***)"),
            Self::File(path) => write!(f, "File({})", path.display()),
        }
    }
}

/// A panel to add; the name and location already checked
/// ([`ajib_domain::validate_panel_name`], [`ajib_domain::validate_location`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPanel {
    /// Its unique name.
    pub name: String,
    /// Its location label.
    pub location: String,
    /// Its API base.
    pub api_base: String,
    /// Its token.
    pub token: NewToken,
    /// Active accounts it may hold; `None` when unlimited.
    pub capacity: Option<u32>,
}

/// Changes to a panel; `None` fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PanelEdit {
    /// A new location label.
    pub location: Option<String>,
    /// A new API base (not for the panel of `BLITZ_API_BASE`).
    pub api_base: Option<String>,
    /// A new token (not for the panel of `BLITZ_API_BASE`).
    pub token: Option<NewToken>,
    /// A new capacity: `Some(None)` makes it unlimited.
    pub capacity: Option<Option<u32>>,
    /// Offer it for new accounts or not.
    pub enabled: Option<bool>,
}

const PANEL_COLUMNS: &str = "id, name, location, api_base, token_ref, capacity, enabled, health, \
     checked_at, down_since, down_alerted, last_error, active";

impl Store {
    /// Every panel, by id.
    pub async fn list_panels(&self) -> Result<Vec<Panel>, Error> {
        self.with_conn(|conn| {
            let sql = format!("SELECT {PANEL_COLUMNS} FROM panels ORDER BY id");
            query_vec(conn, &sql, [], read_panel)
        })
        .await
    }

    /// The panel with this id.
    pub async fn get_panel(&self, id: PanelId) -> Result<Option<Panel>, Error> {
        self.with_conn(move |conn| get_panel(conn, id)).await
    }

    /// The panel with this name.
    pub async fn find_panel(&self, name: &str) -> Result<Option<Panel>, Error> {
        let name = name.to_owned();
        self.with_conn(move |conn| {
            let sql = format!("SELECT {PANEL_COLUMNS} FROM panels WHERE name = ?1");
            query_opt(conn, &sql, [name], read_panel)
        })
        .await
    }

    /// The token kept in the database for a panel whose token is [`TokenRef::Stored`].
    pub async fn panel_token(&self, id: PanelId) -> Result<Option<String>, Error> {
        self.with_conn(move |conn| {
            Ok(conn
                .prepare_cached("SELECT token FROM panel_tokens WHERE panel_id = ?1")?
                .query_row([id.0], |row| row.get(0))
                .optional()?)
        })
        .await
    }

    /// Adds a panel; [`Error::Conflict`] if the name is taken.
    pub async fn add_panel(&self, panel: &NewPanel, now: UnixTime) -> Result<Panel, Error> {
        let panel = panel.clone();
        self.with_tx(move |tx| {
            let taken: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM panels WHERE name = ?1)")?
                .query_row([&panel.name], |row| row.get(0))?;
            if taken {
                return Err(Error::Conflict {
                    what: "a panel with this name exists",
                });
            }
            let id: i64 = tx
                .prepare_cached(
                    "INSERT INTO panels (name, location, api_base, token_ref, capacity, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, 'stored', ?4, ?5, ?5) RETURNING id",
                )?
                .query_row(
                    params![panel.name, panel.location, panel.api_base, panel.capacity, now.0],
                    |row| row.get(0),
                )?;
            set_token(tx, PanelId(id), &panel.token)?;
            get_panel(tx, PanelId(id))?.ok_or(Error::NotFound { what: "panel" })
        })
        .await
    }

    /// Applies `edit` to panel `id` and returns it as it now is.
    pub async fn edit_panel(
        &self,
        id: PanelId,
        edit: &PanelEdit,
        now: UnixTime,
    ) -> Result<Panel, Error> {
        let edit = edit.clone();
        self.with_tx(move |tx| {
            let panel = get_panel(tx, id)?.ok_or(Error::NotFound { what: "panel" })?;
            let reaches_config = edit.api_base.is_some() || edit.token.is_some();
            if panel.token == TokenRef::Config && reaches_config {
                return Err(Error::Conflict {
                    what: "this panel is BLITZ_API_BASE and BLITZ_API_KEY: change them with `ajib-ctl config set`",
                });
            }
            if let Some(location) = &edit.location {
                tx.prepare_cached("UPDATE panels SET location = ?2 WHERE id = ?1")?
                    .execute(params![id.0, location])?;
            }
            if let Some(api_base) = &edit.api_base {
                tx.prepare_cached("UPDATE panels SET api_base = ?2 WHERE id = ?1")?
                    .execute(params![id.0, api_base])?;
            }
            if let Some(token) = &edit.token {
                set_token(tx, id, token)?;
            }
            if let Some(capacity) = edit.capacity {
                tx.prepare_cached("UPDATE panels SET capacity = ?2 WHERE id = ?1")?
                    .execute(params![id.0, capacity])?;
            }
            if let Some(enabled) = edit.enabled {
                tx.prepare_cached("UPDATE panels SET enabled = ?2 WHERE id = ?1")?
                    .execute(params![id.0, enabled])?;
            }
            tx.prepare_cached("UPDATE panels SET updated_at = ?2 WHERE id = ?1")?
                .execute(params![id.0, now.0])?;
            get_panel(tx, id)?.ok_or(Error::NotFound { what: "panel" })
        })
        .await
    }

    /// Every panel as the chooser sees it: accounts being made on a panel
    /// (paid orders it was chosen for) count as taken room.
    pub async fn panel_loads(&self) -> Result<Vec<PanelLoad>, Error> {
        self.with_conn(|conn| {
            query_vec(
                conn,
                "SELECT p.id, p.location, p.capacity, p.enabled, p.health, p.active + \
                 (SELECT count(*) FROM orders o WHERE o.status = 'paid' AND o.panel_id = p.id) AS taken \
                 FROM panels p ORDER BY p.id",
                [],
                read_load,
            )
        })
        .await
    }

    /// The panels plan `plan` is sold on; empty means every panel.
    pub async fn plan_panels(&self, plan: PlanId) -> Result<Vec<PanelId>, Error> {
        self.with_conn(move |conn| plan_panels(conn, plan)).await
    }

    /// Sells plan `plan` on exactly `panels` (empty: on every panel).
    pub async fn set_plan_panels(&self, plan: PlanId, panels: &[PanelId]) -> Result<(), Error> {
        let panels = panels.to_vec();
        self.with_tx(move |tx| {
            tx.prepare_cached("DELETE FROM plan_panels WHERE plan_id = ?1")?
                .execute([plan.0])?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO plan_panels (plan_id, panel_id) VALUES (?1, ?2)",
            )?;
            for panel in panels {
                insert.execute([plan.0, panel.0])?;
            }
            Ok(())
        })
        .await
    }

    /// The location a new order's customer picked, and the panel chosen for it, if any yet.
    pub async fn order_placement(
        &self,
        order: OrderId,
    ) -> Result<(Option<String>, Option<PanelId>), Error> {
        self.with_conn(move |conn| {
            conn.prepare_cached("SELECT location, panel_id FROM orders WHERE id = ?1")?
                .query_row([order.0], |row| {
                    Ok((row.get(0)?, row.get::<_, Option<i64>>(1)?.map(PanelId)))
                })
                .optional()?
                .ok_or(Error::NotFound { what: "order" })
        })
        .await
    }

    /// Records `panel` as the one order `order`'s account is made on, unless
    /// one was recorded before; returns the panel recorded (so every attempt
    /// of a provisioning job goes to the panel its first attempt chose).
    pub async fn place_order(&self, order: OrderId, panel: PanelId) -> Result<PanelId, Error> {
        self.with_tx(move |tx| {
            tx.prepare_cached(
                "UPDATE orders SET panel_id = ?2 WHERE id = ?1 AND panel_id IS NULL",
            )?
            .execute([order.0, panel.0])?;
            let placed: Option<i64> = tx
                .prepare_cached("SELECT panel_id FROM orders WHERE id = ?1")?
                .query_row([order.0], |row| row.get(0))
                .optional()?
                .flatten();
            placed.map(PanelId).ok_or(Error::NotFound { what: "order" })
        })
        .await
    }
}

pub(crate) fn plan_panels(conn: &Connection, plan: PlanId) -> Result<Vec<PanelId>, Error> {
    query_vec(
        conn,
        "SELECT panel_id FROM plan_panels WHERE plan_id = ?1 ORDER BY panel_id",
        [plan.0],
        |row| Ok(PanelId(row.get(0)?)),
    )
}

fn set_token(tx: &Connection, id: PanelId, token: &NewToken) -> Result<(), Error> {
    match token {
        NewToken::Stored(token) => {
            tx.prepare_cached(
                "INSERT INTO panel_tokens (panel_id, token) VALUES (?1, ?2) \
                 ON CONFLICT (panel_id) DO UPDATE SET token = excluded.token",
            )?
            .execute(params![id.0, token])?;
            tx.prepare_cached("UPDATE panels SET token_ref = 'stored' WHERE id = ?1")?
                .execute([id.0])?;
        }
        NewToken::File(path) => {
            tx.prepare_cached("DELETE FROM panel_tokens WHERE panel_id = ?1")?
                .execute([id.0])?;
            tx.prepare_cached("UPDATE panels SET token_ref = ?2 WHERE id = ?1")?
                .execute(params![id.0, TokenRef::File(path.clone()).to_sql()])?;
        }
    }
    Ok(())
}

pub(crate) fn get_panel(conn: &Connection, id: PanelId) -> Result<Option<Panel>, Error> {
    let sql = format!("SELECT {PANEL_COLUMNS} FROM panels WHERE id = ?1");
    query_opt(conn, &sql, [id.0], read_panel)
}

fn health(row: &Row<'_>) -> Result<PanelHealth, Error> {
    let text: String = row.get("health")?;
    PanelHealth::parse(&text).ok_or(Error::Decode {
        column: "panels.health",
        raw: text,
    })
}

fn capacity(row: &Row<'_>) -> Result<Option<u32>, Error> {
    row.get::<_, Option<i64>>("capacity")?
        .map(|it| to_u32("panels.capacity", it))
        .transpose()
}

fn read_panel(row: &Row<'_>) -> Result<Panel, Error> {
    let token_text: String = row.get("token_ref")?;
    let token = TokenRef::parse(&token_text).ok_or(Error::Decode {
        column: "panels.token_ref",
        raw: token_text,
    })?;
    Ok(Panel {
        id: PanelId(row.get("id")?),
        name: row.get("name")?,
        location: row.get("location")?,
        api_base: row.get("api_base")?,
        token,
        capacity: capacity(row)?,
        enabled: row.get("enabled")?,
        health: health(row)?,
        checked_at: row.get::<_, Option<i64>>("checked_at")?.map(UnixTime),
        down_since: row.get::<_, Option<i64>>("down_since")?.map(UnixTime),
        down_alerted: row.get("down_alerted")?,
        last_error: row.get("last_error")?,
        active: to_u32("panels.active", row.get("active")?)?,
    })
}

fn read_load(row: &Row<'_>) -> Result<PanelLoad, Error> {
    Ok(PanelLoad {
        id: PanelId(row.get("id")?),
        location: row.get("location")?,
        capacity: capacity(row)?,
        active: to_u32("panels.active", row.get("taken")?)?,
        enabled: row.get("enabled")?,
        health: health(row)?,
    })
}
