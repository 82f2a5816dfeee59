//! The command line: every command and option, parsed with argh.

use std::path::PathBuf;

use argh::FromArgs;

/// Operate an AJIB installation: service, config, backups, plans, admins, health.
#[derive(FromArgs, Debug)]
pub struct Cli {
    /// install prefix for /etc/ajib, /var/lib/ajib and /opt/ajib (default: /)
    #[argh(option)]
    pub root: Option<PathBuf>,
    /// config file (default: ROOT/etc/ajib/ajib.env)
    #[argh(option)]
    pub env_file: Option<PathBuf>,
    /// the command to run
    #[argh(subcommand)]
    pub command: Command,
}

/// Every top-level command.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum Command {
    /// Service state, version, uptime, database and backup summary.
    Status(StatusArgs),
    /// Service logs.
    Logs(LogsArgs),
    /// Start the service.
    Start(StartArgs),
    /// Stop the service.
    Stop(StopArgs),
    /// Restart the service.
    Restart(RestartArgs),
    /// Start the service at boot.
    Enable(EnableArgs),
    /// Do not start the service at boot.
    Disable(DisableArgs),
    /// Read and edit the config file.
    Config(ConfigArgs),
    /// Create, list, verify and restore backups.
    Backup(BackupArgs),
    /// Manage plans.
    Plans(PlansArgs),
    /// Manage bot admins.
    Admins(AdminsArgs),
    /// Look up users.
    Users(UsersArgs),
    /// List orders, find stuck ones and retry their provisioning.
    Orders(OrdersArgs),
    /// Manage the Blitz panels: add, list, edit, disable, enable, check.
    Panels(crate::panels::PanelsArgs),
    /// Manage promo codes: add, list, disable.
    Promo(crate::promo::PromoArgs),
    /// Manage agents (resellers): add, list, edit, remove.
    Agents(crate::agents::AgentsArgs),
    /// Card-to-card payments: list the receipts awaiting approval.
    Card(crate::card::CardArgs),
    /// Check the installation and print the exact fix for each problem.
    Doctor(DoctorArgs),
    /// Update from a release tarball (backup, swap, health check, roll back on failure).
    Update(UpdateArgs),
    /// Remove AJIB (keeps backups, and data unless --purge).
    Uninstall(UninstallArgs),
    /// Print the version.
    Version(VersionArgs),
}

/// Show the service state and a summary.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "status")]
pub struct StatusArgs {
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Show the service logs (journalctl -u ajib-bot).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "logs")]
pub struct LogsArgs {
    /// follow new lines
    #[argh(switch, short = 'f')]
    pub follow: bool,
    /// number of lines (default 100)
    #[argh(option, short = 'n', default = "100")]
    pub lines: u32,
}

/// Start the service.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "start")]
pub struct StartArgs {}

/// Stop the service.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "stop")]
pub struct StopArgs {}

/// Restart the service.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "restart")]
pub struct RestartArgs {}

/// Start the service at boot.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "enable")]
pub struct EnableArgs {}

/// Do not start the service at boot.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "disable")]
pub struct DisableArgs {}

/// Read and edit the config file in place (comments and order are kept).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "config")]
pub struct ConfigArgs {
    /// the config command
    #[argh(subcommand)]
    pub command: ConfigCommand,
}

/// Config commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum ConfigCommand {
    /// Print one value.
    Get(ConfigGet),
    /// Set one value (validated).
    Set(ConfigSet),
    /// Remove one value.
    Unset(ConfigUnset),
    /// Print every value.
    List(ConfigList),
}

/// Print one value (secrets masked unless --reveal).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "get")]
pub struct ConfigGet {
    /// variable name, e.g. BLITZ_API_BASE
    #[argh(positional)]
    pub key: String,
    /// print secret values
    #[argh(switch)]
    pub reveal: bool,
}

/// Set one value after checking it; without VALUE it is read from stdin.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "set")]
pub struct ConfigSet {
    /// variable name
    #[argh(positional)]
    pub key: String,
    /// new value; omit it to type it on stdin (keeps secrets out of shell history)
    #[argh(positional)]
    pub value: Option<String>,
}

/// Remove one value.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "unset")]
pub struct ConfigUnset {
    /// variable name
    #[argh(positional)]
    pub key: String,
}

/// Print every value in the config file.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "list")]
pub struct ConfigList {
    /// print secret values
    #[argh(switch)]
    pub reveal: bool,
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
    /// also list known variables that are not set, with their defaults
    #[argh(switch)]
    pub all: bool,
}

/// Backups (.tar.gz with manifest, database copy, redacted config, plans).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "backup")]
pub struct BackupArgs {
    /// the backup command
    #[argh(subcommand)]
    pub command: BackupCommand,
}

/// Backup commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum BackupCommand {
    /// Make a backup now (safe while the bot runs).
    Create(BackupCreate),
    /// List backups, newest first.
    List(BackupList),
    /// Check an archive without restoring it.
    Verify(BackupVerify),
    /// Restore the database from an archive.
    Restore(BackupRestore),
}

/// Make a backup now (safe while the bot runs).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "create")]
pub struct BackupCreate {
    /// write the archive here instead of DATA_DIR/backups
    #[argh(option)]
    pub out: Option<PathBuf>,
    /// keep real secret values in the archived config (default: replaced by ***)
    #[argh(switch)]
    pub include_secrets: bool,
    /// do not delete old backups beyond BACKUP_KEEP
    #[argh(switch)]
    pub no_prune: bool,
}

/// List backups, newest first.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "list")]
pub struct BackupList {
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Check an archive without restoring it.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "verify")]
pub struct BackupVerify {
    /// the archive
    #[argh(positional)]
    pub archive: PathBuf,
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Restore the database from an archive (verified first; the current database is saved).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "restore")]
pub struct BackupRestore {
    /// the archive
    #[argh(positional)]
    pub archive: PathBuf,
    /// do not ask for confirmation
    #[argh(switch)]
    pub yes: bool,
    /// restore even if the archive is not signed with this server's BACKUP_SIGNING_KEY
    #[argh(switch)]
    pub allow_unsigned: bool,
}

/// Manage plans.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "plans")]
pub struct PlansArgs {
    /// the plans command
    #[argh(subcommand)]
    pub command: PlansCommand,
}

/// Plans commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum PlansCommand {
    /// List plans.
    List(PlansList),
    /// Add a plan.
    Add(PlansAdd),
    /// Change a plan.
    Edit(PlansEdit),
    /// Stop selling a plan (existing subscriptions keep working).
    Disable(PlansDisable),
    /// Import plans from the old bot's plans JSON.
    Import(PlansImport),
}

/// List plans.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "list")]
pub struct PlansList {
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Add a plan.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "add")]
pub struct PlansAdd {
    /// display name (English)
    #[argh(option)]
    pub name: String,
    /// persian display name (default: the English one)
    #[argh(option)]
    pub name_fa: Option<String>,
    /// price, e.g. 5.00
    #[argh(option)]
    pub price: String,
    /// currency (default USD)
    #[argh(option, default = "String::from(\"USD\")")]
    pub currency: String,
    /// duration in days
    #[argh(option)]
    pub days: u32,
    /// traffic limit in GB (0 = unlimited)
    #[argh(option, default = "0")]
    pub traffic_gb: u32,
}

/// Change a plan.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "edit")]
pub struct PlansEdit {
    /// plan id
    #[argh(positional)]
    pub id: i64,
    /// new display name (English)
    #[argh(option)]
    pub name: Option<String>,
    /// new Persian display name
    #[argh(option)]
    pub name_fa: Option<String>,
    /// new price
    #[argh(option)]
    pub price: Option<String>,
    /// new duration in days
    #[argh(option)]
    pub days: Option<u32>,
    /// new traffic limit in GB (0 = unlimited)
    #[argh(option)]
    pub traffic_gb: Option<u32>,
    /// its price in Telegram Stars (1 to 10000), or "none" to derive it from STARS_PER_UNIT
    #[argh(option)]
    pub stars: Option<String>,
    /// sell it again
    #[argh(switch)]
    pub enable: bool,
}

/// Stop selling a plan.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "disable")]
pub struct PlansDisable {
    /// plan id
    #[argh(positional)]
    pub id: i64,
}

/// Import plans from the old bot's plans JSON (see the operator guide).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "import")]
pub struct PlansImport {
    /// the JSON file
    #[argh(positional)]
    pub file: PathBuf,
    /// show what would be imported without writing
    #[argh(switch)]
    pub dry_run: bool,
}

/// Manage bot admins (Telegram user ids).
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "admins")]
pub struct AdminsArgs {
    /// the admins command
    #[argh(subcommand)]
    pub command: AdminsCommand,
}

/// Admins commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum AdminsCommand {
    /// List admins.
    List(AdminsList),
    /// Add an admin.
    Add(AdminsAdd),
    /// Remove an admin.
    Remove(AdminsRemove),
}

/// List admins.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "list")]
pub struct AdminsList {
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Add an admin.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "add")]
pub struct AdminsAdd {
    /// telegram user id
    #[argh(positional)]
    pub id: i64,
}

/// Remove an admin.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "remove")]
pub struct AdminsRemove {
    /// telegram user id
    #[argh(positional)]
    pub id: i64,
}

/// Look up users.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "users")]
pub struct UsersArgs {
    /// the users command
    #[argh(subcommand)]
    pub command: UsersCommand,
}

/// Users commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum UsersCommand {
    /// Find users by Telegram id, @username or a fragment of a name.
    Find(UsersFind),
    /// Show a user's balance and latest ledger rows, or change it with a reason.
    Balance(UsersBalance),
}

/// Find users by Telegram id, @username or name fragment.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "find")]
pub struct UsersFind {
    /// telegram id or @username (one profile), or part of a name, @username or panel username (a list)
    #[argh(positional)]
    pub query: String,
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Show a user's balance and its latest movements; --add or --sub (with --reason) changes it.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "balance")]
pub struct UsersBalance {
    /// telegram user id
    #[argh(positional)]
    pub id: i64,
    /// credit this amount, e.g. 5 or 2.50, in the configured currency (HELEKET_CURRENCY)
    #[argh(option)]
    pub add: Option<String>,
    /// take this amount, e.g. 5 or 2.50; refused if the balance holds less
    #[argh(option)]
    pub sub: Option<String>,
    /// why (required with --add or --sub); kept in the ledger and the audit log
    #[argh(option)]
    pub reason: Option<String>,
    /// how many ledger rows to show (default 10)
    #[argh(option, default = "10")]
    pub limit: u32,
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// List orders and retry stuck provisioning.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "orders")]
pub struct OrdersArgs {
    /// the orders command
    #[argh(subcommand)]
    pub command: OrdersCommand,
}

/// Orders commands.
#[derive(FromArgs, Debug)]
#[argh(subcommand)]
pub enum OrdersCommand {
    /// List the latest orders, or the stuck ones.
    List(OrdersList),
    /// Queue a stuck order's provisioning again.
    Retry(OrdersRetry),
}

/// List the latest orders, or with --stuck the paid orders whose provisioning stopped.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "list")]
pub struct OrdersList {
    /// only paid orders whose provisioning stopped and needs a person
    #[argh(switch)]
    pub stuck: bool,
    /// how many orders to show (default 50)
    #[argh(option, default = "50")]
    pub limit: u32,
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Queue the provisioning of a stuck paid order again; the running bot picks it up within seconds.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "retry")]
pub struct OrdersRetry {
    /// the order number, as in the alert (#42 or 42)
    #[argh(positional)]
    pub order: String,
}

/// Check config, Telegram, Blitz, Heleket, database, disk, permissions, clock and service.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "doctor")]
pub struct DoctorArgs {
    /// skip the network checks (Telegram, Blitz, Heleket, clock)
    #[argh(switch)]
    pub offline: bool,
    /// machine-readable output
    #[argh(switch)]
    pub json: bool,
}

/// Update from a release tarball.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "update")]
pub struct UpdateArgs {
    /// the release tarball (ajib-VERSION-TARGET.tar.gz), with SHA256SUMS and SHA256SUMS.sig beside it
    #[argh(positional)]
    pub tarball: PathBuf,
    /// install even without a release signature (local builds only)
    #[argh(switch)]
    pub allow_unsigned: bool,
}

/// Remove AJIB.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "uninstall")]
pub struct UninstallArgs {
    /// also delete the database and config (backups are always kept)
    #[argh(switch)]
    pub purge: bool,
    /// do not ask for confirmation
    #[argh(switch)]
    pub yes: bool,
}

/// Print the version.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "version")]
pub struct VersionArgs {}
