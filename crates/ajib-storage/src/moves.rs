//! Moving a service to another panel, one recorded step at a time so a restart resumes it.
//!
//! A move is `creating` (the account is being made on the target panel),
//! then `removing` (the service row already points at the target and the
//! customer's new config is queued; the old account is being removed), then
//! `done`. Only `creating` can end `failed`: the service then stays on its
//! panel, untouched. [`Store::switch_move`] is the one transaction in which
//! the service changes panel and the customer's messages are queued, so they
//! are queued once however often the step is repeated.

use std::fmt;

use ajib_domain::{PanelId, ServiceId, ServiceStatus, TelegramId, UnixTime};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::{
    Actor, Error, NewMail, Store,
    mail::insert_mail,
    panels::get_panel,
    services::get_service,
    store::{query_exists, query_opt, query_vec, time, to_sql_u64, to_u32},
};

/// Where a move is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoveState {
    /// The account is being made on the target panel.
    Creating,
    /// The service is on the target; the old account is being removed.
    Removing,
    /// Finished.
    Done,
    /// Given up while creating; the service stayed where it was.
    Failed,
}

/// A recorded move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceMove {
    /// Its id.
    pub id: i64,
    /// The service being moved.
    pub service: ServiceId,
    /// The panel it leaves.
    pub from_panel: PanelId,
    /// The panel it goes to.
    pub to_panel: PanelId,
    /// The account name on the panel it leaves.
    pub old_username: String,
    /// The account name on the panel it goes to.
    pub new_username: String,
    /// Where the move is.
    pub state: MoveState,
    /// The admin who asked for it.
    pub requested_by: TelegramId,
    /// Failed tries of the current step.
    pub attempts: u32,
    /// When the worker tries again.
    pub next_at: UnixTime,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// When it was asked for.
    pub created: UnixTime,
}

/// Why [`Store::start_move`] refused to start a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefusal {
    /// No such service.
    NoService,
    /// No such panel.
    NoPanel,
    /// The service is already on the target panel.
    SamePanel,
    /// The target panel is disabled.
    PanelDisabled,
    /// The service is expired or disabled: nothing to carry over.
    NotActive,
    /// The service is being moved already.
    AlreadyMoving,
}

/// What [`Store::start_move`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveStart {
    /// The move is recorded in state `creating`.
    Started(ServiceMove),
    /// Nothing was recorded.
    Refused(MoveRefusal),
}

/// What the service looks like on the target once the account is made there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedService {
    /// The traffic cap of the new account (what was left of the old one); `None` when unlimited.
    pub traffic_limit_bytes: Option<u64>,
}

/// Longest stem kept from the old name when a variant is needed (room for `_m<id>`).
const MAX_STEM_LEN: usize = 40;

const MOVE_COLUMNS: &str = "id, service_id, from_panel, to_panel, old_username, new_username, \
     state, requested_by, attempts, next_at, last_error, created_at";

impl MoveState {
    /// Every state.
    pub const ALL: [Self; 4] = [Self::Creating, Self::Removing, Self::Done, Self::Failed];

    /// The storage spelling, e.g. `"creating"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Creating => "creating",
            Self::Removing => "removing",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    /// Parses [`MoveState::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|it| it.as_str() == text)
    }
}

impl fmt::Display for MoveState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Store {
    /// Records a move of `service` to panel `to`, asked for by admin
    /// `requested_by`, and audits it as their action, in one transaction.
    ///
    /// Refuses a service already being moved, a move to its own panel, a
    /// disabled target and a service that is not active. The account keeps
    /// its name on the target unless a service there already has it; then it
    /// gets the deterministic variant `<name>_m<move id>`.
    pub async fn start_move(
        &self,
        service: ServiceId,
        to: PanelId,
        requested_by: TelegramId,
        now: UnixTime,
    ) -> Result<MoveStart, Error> {
        self.with_tx(move |tx| {
            let Some(found) = get_service(tx, service)? else {
                return Ok(MoveStart::Refused(MoveRefusal::NoService));
            };
            let Some(panel) = get_panel(tx, to)? else {
                return Ok(MoveStart::Refused(MoveRefusal::NoPanel));
            };
            if found.panel == to {
                return Ok(MoveStart::Refused(MoveRefusal::SamePanel));
            }
            if !panel.enabled {
                return Ok(MoveStart::Refused(MoveRefusal::PanelDisabled));
            }
            if found.status != ServiceStatus::Active || found.is_expired(now) {
                return Ok(MoveStart::Refused(MoveRefusal::NotActive));
            }
            if open_move_of(tx, service)?.is_some() {
                return Ok(MoveStart::Refused(MoveRefusal::AlreadyMoving));
            }
            let id: i64 = tx
                .prepare_cached(
                    "INSERT INTO service_moves (service_id, from_panel, to_panel, old_username, \
                     new_username, state, requested_by, next_at, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?4, 'creating', ?5, ?6, ?6, ?6) RETURNING id",
                )?
                .query_row(
                    params![
                        service.0,
                        found.panel.0,
                        to.0,
                        found.blitz_username,
                        requested_by.0,
                        now.0
                    ],
                    |row| row.get(0),
                )?;
            let name = name_on_target(tx, id, to, &found.blitz_username)?;
            tx.prepare_cached("UPDATE service_moves SET new_username = ?2 WHERE id = ?1")?
                .execute(params![id, name])?;
            let after = serde_json::json!({
                "move": id,
                "service": service.0,
                "user": found.user.0,
                "from_panel": found.panel.0,
                "to_panel": to.0,
                "old_username": found.blitz_username,
                "new_username": name,
            });
            tx.prepare_cached(
                "INSERT INTO audit_log (actor, action, before_json, after_json, at) \
                 VALUES (?1, 'service.move', NULL, ?2, ?3)",
            )?
            .execute(params![
                Actor::Admin(requested_by).to_string(),
                after.to_string(),
                now.0
            ])?;
            get_move(tx, id)?
                .map(MoveStart::Started)
                .ok_or(Error::NotFound { what: "move" })
        })
        .await
    }

    /// The move with this id.
    pub async fn get_move(&self, id: i64) -> Result<Option<ServiceMove>, Error> {
        self.with_conn(move |conn| get_move(conn, id)).await
    }

    /// Every move still `creating` or `removing`, oldest first.
    pub async fn open_moves(&self) -> Result<Vec<ServiceMove>, Error> {
        self.with_conn(|conn| {
            let sql = format!(
                "SELECT {MOVE_COLUMNS} FROM service_moves WHERE state IN ('creating', 'removing') \
                 ORDER BY id"
            );
            query_vec(conn, &sql, [], read_move)
        })
        .await
    }

    /// Open moves whose next try is due at `now`, oldest first.
    pub async fn due_moves(&self, now: UnixTime) -> Result<Vec<ServiceMove>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {MOVE_COLUMNS} FROM service_moves WHERE state IN ('creating', 'removing') \
                 AND next_at <= ?1 ORDER BY id"
            );
            query_vec(conn, &sql, [now.0], read_move)
        })
        .await
    }

    /// The open move of `service`, if it is being moved.
    pub async fn open_move_of(&self, service: ServiceId) -> Result<Option<ServiceMove>, Error> {
        self.with_conn(move |conn| open_move_of(conn, service))
            .await
    }

    /// The account exists on the target: in one transaction the service
    /// points at the target panel and account (with the traffic cap the new
    /// account has), the customer's messages `mail` are queued and the move
    /// goes to `removing`. Returns whether this call did it: a move past
    /// `creating` changes nothing and queues nothing.
    pub async fn switch_move(
        &self,
        id: i64,
        moved: &MovedService,
        mail: Vec<NewMail>,
        now: UnixTime,
    ) -> Result<bool, Error> {
        let moved = moved.clone();
        self.with_tx(move |tx| {
            let found = get_move(tx, id)?.ok_or(Error::NotFound { what: "move" })?;
            if found.state != MoveState::Creating {
                return Ok(false);
            }
            let limit = moved
                .traffic_limit_bytes
                .map(|it| to_sql_u64("traffic_limit_bytes", it))
                .transpose()?;
            let n = tx
                .prepare_cached(
                    "UPDATE services SET panel_id = ?2, blitz_username = ?3, traffic_limit_bytes = ?4 \
                     WHERE id = ?1 AND panel_id = ?5 AND blitz_username = ?6",
                )?
                .execute(params![
                    found.service.0,
                    found.to_panel.0,
                    found.new_username,
                    limit,
                    found.from_panel.0,
                    found.old_username
                ])?;
            if n != 1 {
                return Err(Error::Conflict {
                    what: "the service changed panel or account while it was being moved",
                });
            }
            set_state(tx, id, MoveState::Removing, now)?;
            insert_mail(tx, &mail, now)?;
            Ok(true)
        })
        .await
    }

    /// The old account is gone: the move is `done` and `mail` (the admin's
    /// notice) is queued, in one transaction. Returns whether this call did it.
    pub async fn finish_move(
        &self,
        id: i64,
        mail: Vec<NewMail>,
        now: UnixTime,
    ) -> Result<bool, Error> {
        self.with_tx(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE service_moves SET state = 'done', last_error = NULL, updated_at = ?2 \
                     WHERE id = ?1 AND state = 'removing'",
                )?
                .execute(params![id, now.0])?;
            if n == 1 {
                insert_mail(tx, &mail, now)?;
            }
            Ok(n == 1)
        })
        .await
    }

    /// Gives up on a move that is still `creating` (the service stays where
    /// it was) and queues `mail` (the admin's notice), in one transaction.
    /// Returns whether this call did it; a move past `creating` cannot fail.
    pub async fn fail_move(
        &self,
        id: i64,
        reason: &str,
        mail: Vec<NewMail>,
        now: UnixTime,
    ) -> Result<bool, Error> {
        let reason = reason.to_owned();
        self.with_tx(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE service_moves SET state = 'failed', last_error = ?2, updated_at = ?3 \
                     WHERE id = ?1 AND state = 'creating'",
                )?
                .execute(params![id, reason, now.0])?;
            if n == 1 {
                insert_mail(tx, &mail, now)?;
            }
            Ok(n == 1)
        })
        .await
    }

    /// Records a failed try of the current step; the next is due at `next_at`.
    /// Returns the failed tries so far.
    pub async fn retry_move(
        &self,
        id: i64,
        error: &str,
        next_at: UnixTime,
        now: UnixTime,
    ) -> Result<u32, Error> {
        let error = error.to_owned();
        self.with_conn(move |conn| {
            let attempts: Option<i64> = conn
                .prepare_cached(
                    "UPDATE service_moves SET attempts = attempts + 1, last_error = ?2, \
                     next_at = ?3, updated_at = ?4 \
                     WHERE id = ?1 AND state IN ('creating', 'removing') RETURNING attempts",
                )?
                .query_row(params![id, error, next_at.0, now.0], |row| row.get(0))
                .optional()?;
            let attempts = attempts.ok_or(Error::NotFound { what: "open move" })?;
            to_u32("service_moves.attempts", attempts)
        })
        .await
    }
}

/// The account name the move gets on `to`: `name` unless a service there
/// (or another open move to it) has it, else `<name>_m<move>`, then
/// `<name>_m<move>_<k>` for the first free `k`.
fn name_on_target(conn: &Connection, id: i64, to: PanelId, name: &str) -> Result<String, Error> {
    if !name_taken(conn, id, to, name)? {
        return Ok(name.to_owned());
    }
    let stem: String = name.chars().take(MAX_STEM_LEN).collect();
    let base = format!("{stem}_m{id}");
    let mut candidate = base.clone();
    let mut k = 1_u32;
    while name_taken(conn, id, to, &candidate)? {
        k += 1;
        candidate = format!("{base}_{k}");
    }
    Ok(candidate)
}

/// Whether a service on `to`, or another open move to it, has account `name` (as the panel compares: case-blind).
fn name_taken(conn: &Connection, id: i64, to: PanelId, name: &str) -> Result<bool, Error> {
    let on_panel = query_exists(
        conn,
        "SELECT 1 FROM services WHERE panel_id = ?1 AND lower(blitz_username) = lower(?2)",
        params![to.0, name],
    )?;
    let moving_there = query_exists(
        conn,
        "SELECT 1 FROM service_moves WHERE to_panel = ?1 AND id <> ?3 \
         AND state IN ('creating', 'removing') AND lower(new_username) = lower(?2)",
        params![to.0, name, id],
    )?;
    Ok(on_panel || moving_there)
}

fn set_state(conn: &Connection, id: i64, state: MoveState, now: UnixTime) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE service_moves SET state = ?2, attempts = 0, last_error = NULL, next_at = ?3, \
         updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id, state.as_str(), now.0])?;
    Ok(())
}

fn open_move_of(conn: &Connection, service: ServiceId) -> Result<Option<ServiceMove>, Error> {
    let sql = format!(
        "SELECT {MOVE_COLUMNS} FROM service_moves WHERE service_id = ?1 \
         AND state IN ('creating', 'removing')"
    );
    query_opt(conn, &sql, [service.0], read_move)
}

fn get_move(conn: &Connection, id: i64) -> Result<Option<ServiceMove>, Error> {
    let sql = format!("SELECT {MOVE_COLUMNS} FROM service_moves WHERE id = ?1");
    query_opt(conn, &sql, [id], read_move)
}

fn read_move(row: &Row<'_>) -> Result<ServiceMove, Error> {
    let state_text: String = row.get("state")?;
    let state = MoveState::parse(&state_text).ok_or(Error::Decode {
        column: "service_moves.state",
        raw: state_text,
    })?;
    Ok(ServiceMove {
        id: row.get("id")?,
        service: ServiceId(row.get("service_id")?),
        from_panel: PanelId(row.get("from_panel")?),
        to_panel: PanelId(row.get("to_panel")?),
        old_username: row.get("old_username")?,
        new_username: row.get("new_username")?,
        state,
        requested_by: TelegramId(row.get("requested_by")?),
        attempts: to_u32("service_moves.attempts", row.get("attempts")?)?,
        next_at: time(row, "next_at")?,
        last_error: row.get("last_error")?,
        created: time(row, "created_at")?,
    })
}
