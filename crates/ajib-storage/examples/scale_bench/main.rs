//! `cargo xtask bench scale [--users N] [--runs R] [--keep DIR] [--no-backup]`: a million users in SQLite, measured through the bot's `Store`.
//!
//! Synthesises N users (default 1,000,000) with about three orders and one
//! service each (see `synth`) into a database made by `Store::open`, then
//! measures in a fresh child process, so its peak RSS is the measuring
//! alone: the admin statistics screen, user lookups, the reminder scan, a
//! broadcast to everyone, and a backup with its verification (see `measure`).
//! Prints one table; asserts nothing.

mod measure;
mod synth;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{SystemTime, UNIX_EPOCH},
};

use ajib_storage::Store;

/// What the command line asked for.
struct Args {
    users: u64,
    runs: u32,
    /// Keep the database in this directory (reused by a later run with the same N).
    keep: Option<PathBuf>,
    /// Leave out the backup, which takes minutes at a million users.
    no_backup: bool,
    /// Internal: measure this database (the child process).
    measure: Option<PathBuf>,
    now: i64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    if let Some(db) = &args.measure {
        return measure::run(db, args.users, args.runs, args.now, args.no_backup);
    }
    let temp = tempfile::Builder::new().prefix("ajib-scale-").tempdir()?;
    let dir = args.keep.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let db = dir.join(format!("scale-{}.db", args.users));
    let synthesised = match db.exists() {
        true => {
            println!("reusing {}", db.display());
            None
        }
        false => Some(synthesise(&db, args.users, args.now)?),
    };
    let status = Command::new(std::env::current_exe()?)
        .args(["--measure".as_ref(), db.as_os_str()])
        .args(["--users", &args.users.to_string()])
        .args(["--runs", &args.runs.to_string()])
        .args(["--now", &args.now.to_string()])
        .args(args.no_backup.then_some("--no-backup"))
        .status()?;
    if let Some(counts) = synthesised {
        println!(
            "\nsynthesis: {} users, {} orders, {} services, {} ledger rows, {} reminders in {:.1} s",
            counts.users,
            counts.orders,
            counts.services,
            counts.ledger,
            counts.reminders,
            counts.secs
        );
    }
    if !status.success() {
        return Err(format!("the measuring process failed: {status}").into());
    }
    Ok(())
}

/// Makes the schema with `Store::open`, then fills it in bulk on a plain connection.
fn synthesise(
    db: &Path,
    n_users: u64,
    now: i64,
) -> Result<synth::Counts, Box<dyn std::error::Error>> {
    println!("synthesising {n_users} users into {}", db.display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async { Store::open(db).map(drop) })?;
    let mut conn = rusqlite::Connection::open(db)?;
    // A bulk load into a new file: no journal, then back to the bot's WAL.
    conn.query_row("PRAGMA journal_mode = OFF", [], |_| Ok(()))?;
    let counts = synth::synthesise(&mut conn, n_users, now)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    Ok(counts)
}

fn parse_args() -> Result<Args, String> {
    let mut res = Args {
        users: 1_000_000,
        runs: 20,
        keep: None,
        no_backup: false,
        measure: None,
        now: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs() as i64,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--users" => res.users = number(&value()?)?,
            "--runs" => res.runs = number(&value()?)? as u32,
            "--keep" => res.keep = Some(PathBuf::from(value()?)),
            "--no-backup" => res.no_backup = true,
            "--measure" => res.measure = Some(PathBuf::from(value()?)),
            "--now" => res.now = number(&value()?)? as i64,
            other => {
                return Err(format!(
                    "unknown argument {other:?}; usage: scale_bench [--users N] [--runs R] [--keep DIR] [--no-backup]"
                ));
            }
        }
    }
    if res.users < 10 || res.runs == 0 {
        return Err("--users must be at least 10 and --runs at least 1".to_owned());
    }
    Ok(res)
}

/// A count, with `_` or `,` allowed between digits (`1_000_000`).
fn number(text: &str) -> Result<u64, String> {
    text.replace(['_', ','], "")
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))
}
