//! `ajib-ctl doctor`: one line per check, OK/WARN/FAIL, each problem with its exact fix.

use std::{
    os::unix::fs::{MetadataExt, PermissionsExt},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use ajib_config::{Config, Sources};
use serde::Serialize;

use crate::{cli::DoctorArgs, envfile::EnvFile, paths::Paths, service, system};

/// The outcome of one check.
/// How long one network check may take.
const NET_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
enum Level {
    Ok,
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    level: Level,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

fn ok(name: &'static str, message: String) -> Check {
    Check {
        name,
        level: Level::Ok,
        message,
        fix: None,
    }
}

fn warn(name: &'static str, message: String, fix: String) -> Check {
    Check {
        name,
        level: Level::Warn,
        message,
        fix: Some(fix),
    }
}

fn fail(name: &'static str, message: String, fix: String) -> Check {
    Check {
        name,
        level: Level::Fail,
        message,
        fix: Some(fix),
    }
}

/// Runs every check; exits 1 if any failed.
pub fn run(paths: &Paths, args: &DoctorArgs) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "doctor")?;
    let env = EnvFile::read(&paths.env_file)?;
    let mut checks = Vec::new();
    let sources = Sources {
        toml: None,
        dotenv: Some(paths.env_file.clone()),
        process_env: false,
    };
    let config = match ajib_config::load(&sources) {
        Ok(config) => {
            checks.push(match config.production() {
                Ok(_) => ok(
                    "config",
                    format!("{} is complete and valid", paths.env_file.display()),
                ),
                Err(e) => fail(
                    "config",
                    e.to_string(),
                    "set the missing values: ajib-ctl config set NAME VALUE".to_owned(),
                ),
            });
            Some(config)
        }
        Err(e) => {
            checks.push(fail(
                "config",
                e.to_string(),
                "fix each variable listed: ajib-ctl config set NAME VALUE".to_owned(),
            ));
            None
        }
    };
    checks.push(permissions(paths));
    if let Some(config) = &config
        && !args.offline
    {
        let agent = agent();
        checks.extend(telegram(&agent, config));
        checks.push(blitz(config));
        checks.push(heleket(&agent, config));
    }
    if !args.offline {
        checks.extend(panels(paths, &env));
    }
    checks.push(database(paths, &env));
    checks.push(stuck_orders(paths, &env));
    checks.push(agent_bots(paths, &env));
    checks.push(disk(paths, &env));
    checks.push(backups(paths, &env));
    checks.push(service_check(paths));
    print(&checks, args.json)?;
    if checks.iter().any(|c| c.level == Level::Fail) {
        anyhow::bail!("doctor found problems; apply the fixes above and run it again");
    }
    Ok(())
}

fn print(checks: &[Check], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(checks)?);
        return Ok(());
    }
    for check in checks {
        let level = match check.level {
            Level::Ok => "OK  ",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        };
        println!("{level} {:<11} {}", check.name, check.message);
        if let Some(fix) = &check.fix {
            println!("     {:<11} fix: {fix}", "");
        }
    }
    Ok(())
}

fn permissions(paths: &Paths) -> Check {
    let file = paths.env_file.display();
    let fix = format!(
        "chown root:{0} {file} && chmod 640 {file}",
        system::SERVICE_USER
    );
    let Ok(meta) = std::fs::symlink_metadata(&paths.env_file) else {
        return fail(
            "permissions",
            format!("cannot inspect {file}"),
            format!("ls -l {file}"),
        );
    };
    if !meta.is_file() {
        return fail(
            "permissions",
            format!("{file} is not a regular file (a link?); it must be root's own file"),
            format!("ls -l {file}"),
        );
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o137 != 0 {
        return fail(
            "permissions",
            format!("{file} has mode {mode:o}; it holds secrets"),
            fix,
        );
    }
    if paths.is_system()
        && let Some((_, gid)) = system::user_ids(&paths.root, system::SERVICE_USER)
        && (meta.uid() != 0 || meta.gid() != gid || mode != 0o640)
    {
        return warn(
            "permissions",
            format!(
                "{file} should be root:{0} 0640 (the service reads it, only root changes it)",
                system::SERVICE_USER
            ),
            fix,
        );
    }
    ok("permissions", format!("{file} is {mode:04o}"))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(NET_TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into()
}

/// A response reduced to what the checks need.
struct Reply {
    status: u16,
    date: Option<String>,
    body: String,
}

fn send(request: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Reply, String> {
    let mut response = request.map_err(|e| e.to_string())?;
    let date = response
        .headers()
        .get("date")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
        .unwrap_or_default();
    Ok(Reply {
        status: response.status().as_u16(),
        date,
        body,
    })
}

fn telegram(agent: &ureq::Agent, config: &Config) -> Vec<Check> {
    let Some(tg) = &config.telegram else {
        return Vec::new();
    };
    let base = format!(
        "{}/bot{}",
        tg.api_base.trim_end_matches('/'),
        tg.token.expose()
    );
    let fix_token =
        "get the token from @BotFather, then: ajib-ctl config set TELEGRAM_BOT_TOKEN".to_owned();
    let mut res = Vec::new();
    match send(agent.get(&format!("{base}/getMe")).call()) {
        Err(e) => {
            res.push(fail(
                "telegram",
                format!(
                    "cannot reach {}: {}",
                    tg.api_base,
                    redact(&e, tg.token.expose())
                ),
                "check DNS/firewall: curl -sI https://api.telegram.org".to_owned(),
            ));
            return res;
        }
        Ok(reply) => {
            let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap_or_default();
            if reply.status == 200 && json["ok"] == true {
                let name = json["result"]["username"].as_str().unwrap_or("?");
                res.push(ok("telegram", format!("token valid, bot @{name}")));
            } else {
                res.push(fail(
                    "telegram",
                    format!("getMe answered HTTP {}: token rejected", reply.status),
                    fix_token,
                ));
                return res;
            }
            if let Some(date) = &reply.date {
                res.push(clock(date));
            }
        }
    }
    match send(agent.get(&format!("{base}/getWebhookInfo")).call()) {
        Err(e) => res.push(warn(
            "webhook",
            redact(&e, tg.token.expose()),
            "retry later".to_owned(),
        )),
        Ok(reply) => {
            let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap_or_default();
            let info = &json["result"];
            let url = info["url"].as_str().unwrap_or("");
            let pending = info["pending_update_count"].as_u64().unwrap_or(0);
            let last_error = info["last_error_message"].as_str().unwrap_or("");
            res.push(match (config.public_url.as_deref(), url.is_empty()) {
                (None, true) => ok("webhook", format!("none set (long polling), {pending} updates waiting")),
                (None, false) => warn("webhook", format!("a webhook is set ({url}) but PUBLIC_URL is not"), "set PUBLIC_URL, or restart the bot so it deletes the webhook: ajib-ctl restart".to_owned()),
                (Some(public), true) => fail("webhook", format!("PUBLIC_URL is {public} but no webhook is registered"), "restart the bot so it registers it: ajib-ctl restart; see ajib-ctl logs".to_owned()),
                (Some(_), false) if !last_error.is_empty() => fail("webhook", format!("{url}: Telegram reports {last_error:?}, {pending} updates waiting"), "check that PUBLIC_URL is reachable over HTTPS from the internet (reverse proxy, certificate, firewall)".to_owned()),
                (Some(_), false) => ok("webhook", format!("{url}, {pending} updates waiting")),
            });
        }
    }
    res
}

fn blitz(config: &Config) -> Check {
    let Some(blitz) = &config.blitz else {
        return fail("blitz", "BLITZ_API_BASE/BLITZ_API_KEY not set".to_owned(), "ajib-ctl config set BLITZ_API_BASE https://panel.example/api && ajib-ctl config set BLITZ_API_KEY".to_owned());
    };
    // The bot's own client: the same URL rules, auth and error reading.
    let client = match blitz::Client::new(&blitz.api_base, blitz.api_key.expose(), NET_TIMEOUT) {
        Ok(client) => client,
        Err(e) => {
            return fail(
                "blitz",
                e.to_string(),
                "ajib-ctl config set BLITZ_API_BASE https://panel.example:PORT/ROOT_PATH/api/v1"
                    .to_owned(),
            );
        }
    };
    match client.version() {
        Ok(version) => blitz_version_check("blitz", "", &version),
        Err(blitz::Error::Unauthorized { detail }) => fail(
            "blitz",
            format!("API token rejected: {detail}"),
            "create a token in the Blitz panel, then: ajib-ctl config set BLITZ_API_KEY".to_owned(),
        ),
        Err(e @ blitz::Error::Transient { .. }) => fail(
            "blitz",
            format!("cannot reach {}: {e}", client.base_url()),
            "check BLITZ_API_BASE and that the panel is up: curl -s <base>/server/version"
                .to_owned(),
        ),
        Err(e) => fail(
            "blitz",
            format!("{}: {e}", client.base_url()),
            "check BLITZ_API_BASE (it must end with the API prefix, e.g. /api/v1)".to_owned(),
        ),
    }
}

/// Every panel added with `ajib-ctl panels add` (the first one is the `blitz`
/// check above): reachable, token accepted, version supported.
fn panels(paths: &Paths, env: &EnvFile) -> Vec<Check> {
    if !paths.db(env).exists() {
        return Vec::new();
    }
    let probes = crate::db::Db::open_existing(paths, env)
        .and_then(|db| crate::panels::check::probe_all(paths, &db, None));
    let probes = match probes {
        Ok(probes) => probes,
        Err(e) => {
            return vec![warn(
                "panels",
                format!("cannot read the panels: {e:#}"),
                "see the database check below".to_owned(),
            )];
        }
    };
    probes
        .into_iter()
        .filter(|it| it.panel.token != ajib_storage::TokenRef::Config)
        .map(|probe| {
            let who = format!("{} ({}): ", probe.panel.name, probe.panel.location);
            match &probe.answer {
                Ok(version) => blitz_version_check("panel", &who, version),
                Err(failure) => fail(
                    "panel",
                    format!("{who}{}", failure.message),
                    failure.fix.clone(),
                ),
            }
        })
        .collect()
}

/// Reports a panel's version and what AJIB knows of it, as check `name`, the message after `who`.
fn blitz_version_check(name: &'static str, who: &str, version: &blitz::Version) -> Check {
    let shown = format!(
        "{who}reachable, token valid, panel {} (core {})",
        version.current_version,
        if version.core_version.is_empty() {
            "unknown"
        } else {
            &version.core_version
        }
    );
    let (major, minor, patch) = blitz::NEWEST_KNOWN_VERSION;
    let newest = format!("{major}.{minor}.{patch}");
    match blitz::support(&version.current_version) {
        blitz::Support::Known { quirks: [] } => ok(name, shown),
        blitz::Support::Known { quirks } => {
            let quirks: Vec<String> = quirks.iter().map(ToString::to_string).collect();
            warn(
                name,
                format!("{shown}; known panel defects: {}", quirks.join("; ")),
                "nothing to do: AJIB works around them (docs/blitz-compat.md)".to_owned(),
            )
        }
        blitz::Support::Newer => warn(
            name,
            format!("{shown}: newer than {newest}, the newest AJIB was checked against"),
            "take a test account in the bot to confirm provisioning works".to_owned(),
        ),
        blitz::Support::TooOld => fail(
            name,
            format!("{shown}: panels before 2.0 are not supported"),
            "upgrade the Blitz panel (its menu: Update panel)".to_owned(),
        ),
        blitz::Support::Unrecognised => warn(
            name,
            format!("{shown}: version not recognised"),
            "take a test account in the bot to confirm provisioning works".to_owned(),
        ),
    }
}

fn heleket(agent: &ureq::Agent, config: &Config) -> Check {
    let Some(heleket) = &config.heleket else {
        return fail(
            "heleket",
            "HELEKET_MERCHANT_ID/HELEKET_API_KEY not set".to_owned(),
            "ajib-ctl config set HELEKET_MERCHANT_ID <uuid> && ajib-ctl config set HELEKET_API_KEY"
                .to_owned(),
        );
    };
    let url = format!("{}/v1/payment/info", heleket.api_base.trim_end_matches('/'));
    let body = br#"{"order_id":"ajib-doctor-probe"}"#;
    let sign = heleket::sign(body, heleket.api_key.expose());
    let request = agent
        .post(&url)
        .header("merchant", &heleket.merchant_id)
        .header("sign", &sign)
        .header("Content-Type", "application/json")
        .send(&body[..]);
    let fix = "copy the merchant UUID and payment API key from the Heleket dashboard: ajib-ctl config set HELEKET_MERCHANT_ID <uuid> && ajib-ctl config set HELEKET_API_KEY".to_owned();
    match send(request) {
        Err(e) => fail(
            "heleket",
            format!("cannot reach {url}: {e}"),
            "check HELEKET_API_BASE and outbound HTTPS".to_owned(),
        ),
        Ok(reply) if reply.status == 401 || reply.status == 403 => fail(
            "heleket",
            format!("HTTP {}: merchant id or API key rejected", reply.status),
            fix,
        ),
        // The probe order does not exist: a "not found" answer proves the signature was accepted.
        Ok(reply) if reply.status == 200 || reply.status == 404 || reply.status == 422 => ok(
            "heleket",
            "credentials accepted (signed /v1/payment/info)".to_owned(),
        ),
        Ok(reply) => warn(
            "heleket",
            format!("unexpected HTTP {} from {url}", reply.status),
            "retry later; if it persists, check HELEKET_API_BASE".to_owned(),
        ),
    }
}

fn clock(date: &str) -> Check {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let Some(remote) = parse_http_date(date) else {
        return warn(
            "clock",
            format!("cannot parse server Date {date:?}"),
            "none needed".to_owned(),
        );
    };
    let skew = now.abs_diff(remote);
    let fix = "enable time sync: timedatectl set-ntp true".to_owned();
    match skew {
        0..=30 => ok("clock", format!("in sync (off by {skew}s)")),
        31..=300 => warn("clock", format!("local clock is off by {skew}s"), fix),
        _ => fail(
            "clock",
            format!("local clock is off by {skew}s; payments and expiries will be wrong"),
            fix,
        ),
    }
}

fn database(paths: &Paths, env: &EnvFile) -> Check {
    let db = paths.db(env);
    if !db.exists() {
        return warn(
            "database",
            format!("{} does not exist yet", db.display()),
            "start the bot once: ajib-ctl start".to_owned(),
        );
    }
    let known = ajib_storage::CURRENT_SCHEMA_VERSION;
    match ajib_backup::check_db(&db, known) {
        Ok(v) if v < known => warn("database", format!("integrity ok, schema {v} < {known}: migrations pending"), "they run at the next start: ajib-ctl restart".to_owned()),
        Ok(v) => ok("database", format!("integrity ok, schema {v}, migrations up to date")),
        Err(e) => fail("database", e.to_string(), "restore the latest good backup: ajib-ctl backup list && ajib-ctl backup restore <file>".to_owned()),
    }
}

/// Paid orders whose provisioning stopped: money taken, nothing delivered yet.
fn stuck_orders(paths: &Paths, env: &EnvFile) -> Check {
    if !paths.db(env).exists() {
        return ok("orders", "no database yet".to_owned());
    }
    let stuck = crate::db::Db::open_existing(paths, env)
        .and_then(|db| Ok(db.block(db.store().stuck_orders(100))?));
    match stuck {
        Ok(stuck) if stuck.is_empty() => ok("orders", "no stuck paid orders".to_owned()),
        Ok(stuck) => {
            let ids: Vec<String> = stuck.iter().map(|it| format!("#{}", it.order.id)).collect();
            fail(
                "orders",
                format!(
                    "{} paid order(s) not provisioned: {}",
                    stuck.len(),
                    ids.join(", ")
                ),
                "see why: ajib-ctl orders list --stuck; fix the cause, then: ajib-ctl orders retry <order>".to_owned(),
            )
        }
        Err(e) => warn(
            "orders",
            format!("cannot read orders: {e:#}"),
            "see the database check above".to_owned(),
        ),
    }
}

/// Agents' own bots: one Telegram stopped accepting is served no more until its agent connects a new token.
fn agent_bots(paths: &Paths, env: &EnvFile) -> Check {
    if !paths.db(env).exists() {
        return ok("agent bots", "no database yet".to_owned());
    }
    let bots = crate::db::Db::open_existing(paths, env)
        .and_then(|db| Ok(db.block(db.store().agent_bots())?));
    let bots = match bots {
        Ok(bots) => bots,
        Err(e) => {
            return warn(
                "agent bots",
                format!("cannot read the agents' bots: {e:#}"),
                "see the database check above".to_owned(),
            );
        }
    };
    let stopped: Vec<String> = bots
        .iter()
        .filter(|it| it.state == ajib_storage::AgentBotState::Revoked)
        .map(|it| {
            let why = it
                .state_note
                .as_deref()
                .unwrap_or("Telegram refused its token");
            format!("@{} of agent {} ({why})", it.username, it.agent)
        })
        .collect();
    if stopped.is_empty() {
        return ok("agent bots", format!("{} served, none stopped", bots.len()));
    }
    warn(
        "agent bots",
        format!(
            "{} of {} stopped because Telegram refused the token: {}",
            stopped.len(),
            bots.len(),
            stopped.join(", ")
        ),
        "the agent connects a new token from @BotFather under 🧑‍💼 Agent → 🤖 My bot".to_owned(),
    )
}

fn disk(paths: &Paths, env: &EnvFile) -> Check {
    let dir = paths.data_dir(env);
    let target = if dir.exists() {
        dir
    } else {
        paths.root.clone()
    };
    let Some(out) = system::run_output("df", &["-Pk", &target.to_string_lossy()]) else {
        return warn(
            "disk",
            "cannot run df".to_owned(),
            "check free space: df -h".to_owned(),
        );
    };
    let avail_kb: Option<u64> = out
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok());
    let Some(avail_kb) = avail_kb else {
        return warn(
            "disk",
            "cannot read df output".to_owned(),
            "check free space: df -h".to_owned(),
        );
    };
    let free = crate::status::human_bytes(avail_kb * 1024);
    let fix = format!(
        "free space on {}: old logs (journalctl --vacuum-size=200M), old backups",
        target.display()
    );
    match avail_kb / 1024 {
        0..=99 => fail("disk", format!("only {free} free"), fix),
        100..=499 => warn("disk", format!("{free} free"), fix),
        _ => ok("disk", format!("{free} free")),
    }
}

fn backups(paths: &Paths, env: &EnvFile) -> Check {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    match ajib_backup::list_backups(&paths.backups(env)) {
        Ok(list) => match list.first() {
            None => warn("backups", "no backups yet".to_owned(), "ajib-ctl backup create".to_owned()),
            Some(last) if now.saturating_sub(last.modified_unix) > 2 * 86_400 => warn("backups", format!("last backup is old: {}", last.file_name), "check BACKUP_INTERVAL_HOURS and ajib-ctl logs; make one now: ajib-ctl backup create".to_owned()),
            Some(last) => ok("backups", format!("last {}", last.file_name)),
        },
        Err(e) => fail("backups", e.to_string(), "check the backups dir permissions".to_owned()),
    }
}

fn service_check(paths: &Paths) -> Check {
    if !system::has_systemd(paths) {
        return ok(
            "service",
            "not managed by systemd here (skipped)".to_owned(),
        );
    }
    let state = service::state(paths);
    match state.active.as_str() {
        "active" => ok("service", format!("running ({})", state.sub)),
        "absent" => fail(
            "service",
            "ajib-bot.service is not installed".to_owned(),
            "re-run install.sh".to_owned(),
        ),
        other => fail(
            "service",
            format!("ajib-bot is {other}"),
            "ajib-ctl start; if it stops again: ajib-ctl logs -n 100".to_owned(),
        ),
    }
}

/// Removes the bot token from an error message (ureq errors may include the URL).
fn redact(message: &str, token: &str) -> String {
    if token.is_empty() {
        return message.to_owned();
    }
    message.replace(token, "***")
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) into Unix seconds.
fn parse_http_date(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = u8::try_from(months.iter().position(|m| m == month)? + 1).ok()?;
    let day: u8 = day.parse().ok()?;
    let year: i32 = year.parse().ok()?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|it| it.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    let date = ajib_domain::Date::new(year, month, day).ok()?;
    let days = u64::try_from(date.to_days()).ok()?;
    Some(days * 86_400 + h * 3600 + m * 60 + s)
}

#[cfg(test)]
mod tests {
    fn check(date: &str, expected: Option<u64>) {
        assert_eq!(super::parse_http_date(date), expected);
    }

    #[test]
    fn rfc_example() {
        check("Sun, 06 Nov 1994 08:49:37 GMT", Some(784_111_777));
    }

    #[test]
    fn leap_day() {
        check("Thu, 29 Feb 2024 12:34:56 GMT", Some(1_709_210_096));
    }

    #[test]
    fn garbage() {
        check("yesterday", None);
    }
}
