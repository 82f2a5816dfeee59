//! `ajib-ctl panels add|list|edit|disable|enable|check`: the Blitz panels the
//! bot sells on, kept in its database.
//!
//! Tokens never come from the command line: from `AJIB_PANEL_TOKEN`, a file
//! whose content is stored (`--token-file`), a file the operator keeps and the
//! bot reads (`--token-ref-file`), or a prompt ([`token`]). A panel is checked
//! (`GET /server/version` with its token) before it is saved, unless
//! `--no-check`. The first panel is `BLITZ_API_BASE`/`BLITZ_API_KEY`: its base
//! and token are changed with `ajib-ctl config set`.

pub mod check;
mod edit;
mod import;
mod list;
mod token;

use std::path::PathBuf;

use argh::FromArgs;

use crate::{db::Db, envfile::EnvFile, paths::Paths, system};

/// Manage the Blitz panels: locations, capacity, health.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "panels")]
pub struct PanelsArgs {
    /// the panels command
    #[argh(subcommand)]
    pub command: PanelsCommand,
}

/// Panels commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum PanelsCommand {
    /// Add a panel (checked first).
    Add(PanelsAdd),
    /// List the panels.
    List(PanelsList),
    /// Change a panel.
    Edit(PanelsEdit),
    /// Stop making new accounts on a panel (its customers keep working).
    Disable(PanelsDisable),
    /// Make new accounts on a panel again.
    Enable(PanelsEnable),
    /// Ask each panel (or one) for its version, with its token.
    Check(PanelsCheck),
    /// Link the panel's existing users to Telegram users as services (the panel is only read).
    Import(import::PanelsImport),
}

/// Add a panel; its token from --token-file, --token-ref-file, AJIB_PANEL_TOKEN or a prompt.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "add")]
pub struct PanelsAdd {
    /// short unique name, e.g. de-1
    #[argh(option)]
    pub name: String,
    /// location customers see, e.g. "🇩🇪 Germany"
    #[argh(option)]
    pub location: String,
    /// API base ending in /api/v1, e.g. `https://panel.example.com:8443/ROOT/api/v1`
    #[argh(option)]
    pub api_base: String,
    /// active accounts it may hold (default: unlimited)
    #[argh(option)]
    pub capacity: Option<u32>,
    /// read the token from this file and keep it in the database
    #[argh(option)]
    pub token_file: Option<PathBuf>,
    /// keep only this absolute path: the bot reads the token from it
    #[argh(option)]
    pub token_ref_file: Option<PathBuf>,
    /// save without asking the panel first
    #[argh(switch)]
    pub no_check: bool,
}

/// List the panels (never their tokens).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "list")]
pub struct PanelsList {
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Change a panel; options not given stay as they are.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "edit")]
pub struct PanelsEdit {
    /// the panel's name
    #[argh(positional)]
    pub name: String,
    /// a new location label
    #[argh(option)]
    pub location: Option<String>,
    /// a new capacity: a number, or "unlimited"
    #[argh(option)]
    pub capacity: Option<String>,
    /// a new API base ending in /api/v1
    #[argh(option)]
    pub api_base: Option<String>,
    /// read a new token from this file and keep it in the database
    #[argh(option)]
    pub token_file: Option<PathBuf>,
    /// keep only this absolute path: the bot reads the token from it
    #[argh(option)]
    pub token_ref_file: Option<PathBuf>,
    /// a new token from AJIB_PANEL_TOKEN, or typed at a prompt
    #[argh(switch)]
    pub new_token: bool,
    /// save without asking the panel first
    #[argh(switch)]
    pub no_check: bool,
}

/// Stop making new accounts on a panel.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "disable")]
pub struct PanelsDisable {
    /// the panel's name
    #[argh(positional)]
    pub name: String,
}

/// Make new accounts on a panel again.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "enable")]
pub struct PanelsEnable {
    /// the panel's name
    #[argh(positional)]
    pub name: String,
}

/// Ask panels for their version with their token; exits 1 if any fails.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "check")]
pub struct PanelsCheck {
    /// only this panel
    #[argh(positional)]
    pub name: Option<String>,
}

/// Runs one panels command.
pub fn run(paths: &Paths, command: PanelsCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "panels")?;
    let env = EnvFile::read(&paths.env_file)?;
    match command {
        PanelsCommand::Add(args) => edit::add(&Db::open_or_create(paths, &env)?, &args),
        PanelsCommand::List(args) => list::run(&Db::open_existing(paths, &env)?, args.json),
        PanelsCommand::Edit(args) => edit::edit(&Db::open_existing(paths, &env)?, &args),
        PanelsCommand::Disable(args) => {
            edit::set_enabled(&Db::open_existing(paths, &env)?, &args.name, false)
        }
        PanelsCommand::Enable(args) => {
            edit::set_enabled(&Db::open_existing(paths, &env)?, &args.name, true)
        }
        PanelsCommand::Import(args) => import::run(paths, &env, &args),
        PanelsCommand::Check(args) => check::run(
            paths,
            &Db::open_existing(paths, &env)?,
            args.name.as_deref(),
        ),
    }
}
