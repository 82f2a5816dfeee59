//! `ajib-ctl panels check`: each panel asked for its version with its token,
//! OK/FAIL with the panel's words and the latency; `ajib-ctl doctor` uses the
//! same probe and fixes.

use std::time::{Duration, Instant};

use ajib_config::{BlitzConfig, Sources};
use ajib_storage::{Panel, PanelAccess, TokenRef};

use crate::{db::Db, paths::Paths};

/// How long one panel may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// What asking one panel found.
#[derive(Debug)]
pub struct Probe {
    /// The panel.
    pub panel: Panel,
    /// How long the question took.
    pub latency: Duration,
    /// Its version, or why there is none.
    pub answer: Result<blitz::Version, Failure>,
}

/// Why a panel could not be asked or did not answer, and the exact fix.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong, in the panel's words when it answered.
    pub message: String,
    /// The command or step that fixes it.
    pub fix: String,
}

/// Checks every panel, or the one named; fails if any check fails.
pub fn run(paths: &Paths, db: &Db, only: Option<&str>) -> anyhow::Result<()> {
    let probes = probe_all(paths, db, only)?;
    let mut failed = 0;
    for probe in &probes {
        let ms = probe.latency.as_millis();
        let who = format!("{:<12} {}", probe.panel.name, probe.panel.location);
        match &probe.answer {
            Ok(version) => println!(
                "OK   {who}  panel {} ({}), {ms} ms",
                version.current_version,
                support_words(&version.current_version)
            ),
            Err(failure) => {
                failed += 1;
                println!("FAIL {who}  {} ({ms} ms)", failure.message);
                println!("     fix: {}", failure.fix);
            }
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} panel(s) failed the check", probes.len());
    }
    Ok(())
}

/// Asks every panel (or only the one named) for its version.
pub fn probe_all(paths: &Paths, db: &Db, only: Option<&str>) -> anyhow::Result<Vec<Probe>> {
    let mut panels = db.block(db.store().list_panels())?;
    if let Some(name) = only {
        panels.retain(|it| it.name == name);
        if panels.is_empty() {
            anyhow::bail!("no panel named {name:?} (see ajib-ctl panels list)");
        }
    }
    let config = blitz_config(paths);
    Ok(panels
        .into_iter()
        .map(|panel| probe(db, config.as_ref(), panel))
        .collect())
}

/// Asks a panel not saved yet (or about to change) for its version.
pub fn probe_new(name: &str, api_base: &str, token: &str) -> Result<blitz::Version, Failure> {
    let client = blitz::Client::new(api_base, token, TIMEOUT).map_err(|err| Failure {
        message: err.to_string(),
        fix: base_fix(name),
    })?;
    client
        .version()
        .map_err(|err| answer_failure(name, false, &client, err))
}

/// What `blitz::support` says of a version, in a few words.
#[must_use]
pub fn support_words(version: &str) -> &'static str {
    match blitz::support(version) {
        blitz::Support::Known { .. } => "supported",
        blitz::Support::Newer => "newer than AJIB was checked against",
        blitz::Support::TooOld => "too old: panels before 2.0 are not supported",
        blitz::Support::Unrecognised => "version not recognised",
    }
}

fn probe(db: &Db, config: Option<&BlitzConfig>, panel: Panel) -> Probe {
    let started = Instant::now();
    let answer = client_for(db, config, &panel).and_then(|client| {
        let is_config = panel.token == TokenRef::Config;
        client
            .version()
            .map_err(|err| answer_failure(&panel.name, is_config, &client, err))
    });
    Probe {
        panel,
        latency: started.elapsed(),
        answer,
    }
}

/// The client of `panel` (for `ajib-ctl panels import`), built as [`probe`]
/// builds it; an error says the fix.
pub fn client(paths: &Paths, db: &Db, panel: &Panel) -> anyhow::Result<blitz::Client> {
    client_for(db, blitz_config(paths).as_ref(), panel)
        .map_err(|failure| anyhow::anyhow!("{} (fix: {})", failure.message, failure.fix))
}

/// The client of `panel`, its token found as the bot finds it (`Store::panel_access`).
fn client_for(
    db: &Db,
    config: Option<&BlitzConfig>,
    panel: &Panel,
) -> Result<blitz::Client, Failure> {
    let access = db
        .block(db.store().panel_access(panel))
        .map_err(|err| Failure {
            message: err.to_string(),
            fix: token_fix(&panel.name, false),
        })?;
    let (base, token) = match &access {
        PanelAccess::Config => {
            let config = config.ok_or_else(|| Failure {
                message: "BLITZ_API_BASE/BLITZ_API_KEY not set".to_owned(),
                fix: "ajib-ctl config set BLITZ_API_BASE https://panel.example:PORT/ROOT_PATH/api/v1 && ajib-ctl config set BLITZ_API_KEY".to_owned(),
            })?;
            (config.api_base.as_str(), config.api_key.expose())
        }
        PanelAccess::Direct { api_base, token } => (api_base.as_str(), token.expose()),
    };
    blitz::Client::new(base, token, TIMEOUT).map_err(|err| Failure {
        message: err.to_string(),
        fix: match panel.token {
            TokenRef::Config => {
                "ajib-ctl config set BLITZ_API_BASE https://panel.example:PORT/ROOT_PATH/api/v1"
                    .to_owned()
            }
            TokenRef::Stored | TokenRef::File(_) => base_fix(&panel.name),
        },
    })
}

/// The failure of a panel's answer, with its fix.
fn answer_failure(
    name: &str,
    is_config: bool,
    client: &blitz::Client,
    err: blitz::Error,
) -> Failure {
    match err {
        blitz::Error::Unauthorized { detail } => Failure {
            message: format!("token rejected: {detail}"),
            fix: token_fix(name, is_config),
        },
        err @ blitz::Error::Transient { .. } => Failure {
            message: format!("cannot reach {}: {err}", client.base_url()),
            fix: format!(
                "check that the panel is up and this machine reaches it: curl -s {}/server/version",
                client.base_url()
            ),
        },
        err => Failure {
            message: format!("{}: {err}", client.base_url()),
            fix: match is_config {
                true => "check BLITZ_API_BASE (it must end with /api/v1): ajib-ctl config set BLITZ_API_BASE URL".to_owned(),
                false => base_fix(name),
            },
        },
    }
}

fn token_fix(name: &str, is_config: bool) -> String {
    match is_config {
        true => {
            "create a token in the Blitz panel, then: ajib-ctl config set BLITZ_API_KEY".to_owned()
        }
        false => format!(
            "create a token in the Blitz panel, then: AJIB_PANEL_TOKEN=... ajib-ctl panels edit {name} --new-token (or --token-file FILE)"
        ),
    }
}

fn base_fix(name: &str) -> String {
    format!("ajib-ctl panels edit {name} --api-base https://panel.example:PORT/ROOT_PATH/api/v1")
}

/// `BLITZ_API_BASE`/`BLITZ_API_KEY` from the config file, if both are set and valid.
fn blitz_config(paths: &Paths) -> Option<BlitzConfig> {
    let sources = Sources {
        toml: None,
        dotenv: Some(paths.env_file.clone()),
        process_env: false,
    };
    ajib_config::load(&sources).ok()?.blitz
}
