//! `ajib-ctl panels import <panel> [--mapping FILE] [--dry-run]`: links the
//! users already on a panel to Telegram users as services, reading the panel
//! (`list_users`) and never changing it.
//!
//! Who owns an account comes from a mapping file (`username,telegram_id`
//! lines) or, without one, from the bot's own username pattern
//! `ajib_<telegram id>_<order>` (`ajib_domain::blitz_username`, a negative id
//! written `n<digits>`). Each account is linked once: a second import counts
//! every account as already linked and changes nothing.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
};

use ajib_domain::TelegramId;
use ajib_storage::{ImportCounts, ImportedAccount, PanelTerms};
use anyhow::Context;
use argh::FromArgs;

use crate::{db::Db, envfile::EnvFile, exit, panels::check, paths::Paths};

/// Link a panel's existing users to Telegram users as services (the panel is only read).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "import")]
pub struct PanelsImport {
    /// the panel's name (see `ajib-ctl panels list`)
    #[argh(positional)]
    pub panel: String,
    /// a CSV file of `username,telegram_id` lines (header optional, `#` comments); without it, usernames of the form `ajib_<telegram id>_<order>` are linked to that id
    #[argh(option)]
    pub mapping: Option<PathBuf>,
    /// count what would be linked, write nothing
    #[argh(switch)]
    pub dry_run: bool,
}

/// Accounts written between two progress lines.
const PROGRESS_EVERY: usize = 2_000;

/// Bad mapping lines listed before giving up on the file.
const MAX_LISTED: usize = 20;

/// Runs `ajib-ctl panels import` (the caller checked the install and the user).
pub fn run(paths: &Paths, env: &EnvFile, args: &PanelsImport) -> anyhow::Result<()> {
    // A bad file stops everything before the database is opened.
    let mapping = args.mapping.as_deref().map(read_mapping).transpose()?;
    let db = Db::open_existing(paths, env)?;
    let panel = db
        .block(db.store().find_panel(&args.panel))?
        .ok_or_else(|| {
            exit::usage(format!(
                "no panel named {:?} (see ajib-ctl panels list)",
                args.panel
            ))
        })?;
    let client = check::client(paths, &db, &panel)?;
    println!("reading the users of panel {} …", panel.name);
    let users = client
        .list_users()
        .with_context(|| format!("cannot list the users of panel {}", panel.name))?;
    let owners = match &mapping {
        Some(mapping) => Owners::Mapping(mapping),
        None => Owners::Pattern,
    };
    let plan = plan_import(&users, &owners);
    println!(
        "{} users on the panel: {} to link, {} unmapped, {} bad",
        users.len(),
        plan.accounts.len(),
        plan.unmapped.len(),
        plan.bad.len()
    );
    let counts = write(&db, panel.id, &plan.accounts, args.dry_run)?;
    report(&plan, &counts, args.dry_run);
    Ok(())
}

/// Who owns each account.
enum Owners<'a> {
    /// Usernames the bot made (`ajib_<telegram id>_<order>`).
    Pattern,
    /// The operator's file.
    Mapping(&'a Mapping),
}

/// A mapping file: panel username (lower-case) to Telegram id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping(HashMap<String, TelegramId>);

/// What an import will do with each panel user.
#[derive(Debug, Default)]
struct ImportPlan {
    accounts: Vec<ImportedAccount>,
    /// Panel users nobody claims.
    unmapped: Vec<String>,
    /// Panel users whose fields make no sense, and why.
    bad: Vec<(String, String)>,
    /// Mapped usernames that are not on the panel.
    missing: Vec<String>,
}

fn plan_import(users: &[blitz::User], owners: &Owners<'_>) -> ImportPlan {
    let mut res = ImportPlan::default();
    let mut seen = HashSet::new();
    for user in users {
        let username = user.username.to_ascii_lowercase();
        seen.insert(username.clone());
        let owner = match owners {
            Owners::Pattern => owner_by_pattern(&username),
            Owners::Mapping(mapping) => mapping.0.get(&username).copied(),
        };
        let Some(owner) = owner else {
            res.unmapped.push(username);
            continue;
        };
        let terms = PanelTerms::from_panel(
            user.account_creation_date.as_deref(),
            user.expiration_days,
            user.max_download_bytes,
        );
        match terms {
            Ok(terms) => res.accounts.push(ImportedAccount {
                owner,
                username,
                terms,
            }),
            Err(err) => res
                .bad
                .push((username, format!("account_creation_date: {err}"))),
        }
    }
    if let Owners::Mapping(mapping) = owners {
        res.missing = mapping
            .0
            .keys()
            .filter(|it| !seen.contains(*it))
            .cloned()
            .collect();
        res.missing.sort();
    }
    res
}

/// Links (or, in a dry run, previews) the accounts, a progress line every
/// [`PROGRESS_EVERY`].
fn write(
    db: &Db,
    panel: ajib_domain::PanelId,
    accounts: &[ImportedAccount],
    dry_run: bool,
) -> anyhow::Result<ImportCounts> {
    let now = crate::plans::unix_now();
    let mut res = ImportCounts::default();
    let mut done = 0;
    for chunk in accounts.chunks(PROGRESS_EVERY) {
        res += match dry_run {
            true => db.block(db.store().preview_import(panel, chunk, now))?,
            false => db.block(db.store().import_accounts(panel, chunk, now))?,
        };
        done += chunk.len();
        if accounts.len() > PROGRESS_EVERY {
            println!("  {done}/{} accounts …", accounts.len());
        }
    }
    Ok(res)
}

fn report(plan: &ImportPlan, counts: &ImportCounts, dry_run: bool) {
    let would = match dry_run {
        true => "dry run, nothing written: would have ",
        false => "",
    };
    println!(
        "{would}linked {}, already linked {}, linked to another customer {}, unmapped {}, bad {}; new customers {}",
        counts.linked,
        counts.already_linked,
        counts.other_owner,
        plan.unmapped.len(),
        plan.bad.len(),
        counts.new_users
    );
    list("unmapped (no owner known)", &plan.unmapped);
    let bad: Vec<String> = plan
        .bad
        .iter()
        .map(|(name, why)| format!("{name}: {why}"))
        .collect();
    list("bad", &bad);
    list("in the mapping but not on the panel", &plan.missing);
}

/// Prints up to [`MAX_LISTED`] names under a heading.
fn list(heading: &str, names: &[String]) {
    if names.is_empty() {
        return;
    }
    println!("{heading}:");
    for name in names.iter().take(MAX_LISTED) {
        println!("  {name}");
    }
    if names.len() > MAX_LISTED {
        println!("  … and {} more", names.len() - MAX_LISTED);
    }
}

/// The Telegram id in a username the bot made: `ajib_<id>_<order>`, a
/// negative number written `n<digits>` (see `ajib_domain::blitz_username`).
#[must_use]
pub fn owner_by_pattern(username: &str) -> Option<TelegramId> {
    let rest = username.strip_prefix("ajib_")?;
    let (user, order) = rest.split_once('_')?;
    number(order)?;
    number(user).map(TelegramId)
}

/// `123` or `n123` (for -123), with no sign, leading zero or other character.
fn number(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('n') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    match negative {
        true if value == 0 => None,
        true => Some(-value),
        false => Some(value),
    }
}

/// Reads and checks a mapping file; every bad line is reported, by number.
pub fn read_mapping(path: &Path) -> anyhow::Result<Mapping> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the mapping file {}", path.display()))?;
    parse_mapping(&text).map_err(|errors| {
        let mut message = format!(
            "the mapping file {} has {} bad line(s), nothing was imported:",
            path.display(),
            errors.len()
        );
        for error in errors.iter().take(MAX_LISTED) {
            message.push_str("\n  ");
            message.push_str(error);
        }
        if errors.len() > MAX_LISTED {
            message.push_str(&format!("\n  … and {} more", errors.len() - MAX_LISTED));
        }
        exit::usage(message)
    })
}

/// Parses `username,telegram_id` lines: blank lines and `#` comments are
/// skipped, a first line `username,telegram_id` is a header; a username may
/// appear once. The errors name their line.
pub fn parse_mapping(text: &str) -> Result<Mapping, Vec<String>> {
    let mut res = HashMap::new();
    let mut lines_of = HashMap::new();
    let mut errors = Vec::new();
    let mut first = true;
    for (idx, line) in text.lines().enumerate() {
        let n = idx + 1;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let is_first = std::mem::replace(&mut first, false);
        if is_first && line.eq_ignore_ascii_case("username,telegram_id") {
            continue;
        }
        match parse_line(line) {
            Ok((username, id)) => match lines_of.insert(username.clone(), n) {
                Some(before) => {
                    errors.push(format!("line {n}: {username} is already on line {before}"));
                }
                None => {
                    res.insert(username, id);
                }
            },
            Err(why) => errors.push(format!("line {n}: {why}")),
        }
    }
    match errors.is_empty() {
        true => Ok(Mapping(res)),
        false => Err(errors),
    }
}

fn parse_line(line: &str) -> Result<(String, TelegramId), String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let [username, id] = fields[..] else {
        return Err(format!(
            "expected username,telegram_id, found {} field(s)",
            fields.len()
        ));
    };
    let username = blitz::validate_username(username).map_err(|err| err.to_string())?;
    let id: i64 = id
        .parse()
        .map_err(|_| format!("{id:?} is not a Telegram id"))?;
    if id == 0 {
        return Err("0 is not a Telegram id".to_owned());
    }
    Ok((username, TelegramId(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_usernames_name_their_owner() {
        let check = |name: &str, expected: Option<i64>| {
            assert_eq!(owner_by_pattern(name), expected.map(TelegramId), "{name}");
        };
        check("ajib_42_7", Some(42));
        check("ajib_n42_7", Some(-42));
        check("ajib_42_n7", Some(42));
        check(
            &ajib_domain::blitz_username(TelegramId(-9), ajib_domain::OrderId(3)),
            Some(-9),
        );
        for name in [
            "ajib_42",
            "ajib__7",
            "ajib_042_7",
            "ajib_n0_7",
            "ajib_4x_7",
            "tg_42_7",
            "ajib_42_7_8",
            "ajib_+4_7",
        ] {
            check(name, None);
        }
    }

    #[test]
    fn a_mapping_file_is_read_with_header_and_comments() {
        let text = "\u{feff}username,telegram_id\n# old customers\n\nAli_1, 1001\nbob,1002\n";
        let mapping = parse_mapping(text).unwrap();
        assert_eq!(mapping.0.len(), 2);
        assert_eq!(mapping.0.get("ali_1"), Some(&TelegramId(1001)));
    }

    #[test]
    fn every_bad_line_is_named() {
        let text = "ali,1\nbad name,2\nbob\ncarl,x\nali,3\nzed,0\nusername,telegram_id\n";
        let errors = parse_mapping(text).unwrap_err();
        let lines: Vec<&str> = errors
            .iter()
            .map(|it| it.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(
            lines,
            ["line 2", "line 3", "line 4", "line 5", "line 6", "line 7"]
        );
        assert!(errors[3].contains("already on line 1"), "{errors:?}");
    }
}
