//! `ajib-ctl config get|set|unset|list`: the env file, validated, secrets masked.

use std::io::BufRead;

use anyhow::Context;

use crate::{
    cli::{ConfigCommand, ConfigGet, ConfigList, ConfigSet, ConfigUnset},
    envfile::EnvFile,
    exit,
    paths::Paths,
    system,
};

/// Runs one config command.
pub fn run(paths: &Paths, command: ConfigCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "config")?;
    match command {
        ConfigCommand::Get(args) => get(paths, &args),
        ConfigCommand::Set(args) => set(paths, &args),
        ConfigCommand::Unset(args) => unset(paths, &args),
        ConfigCommand::List(args) => list(paths, &args),
    }
}

/// The value as it may be shown: secrets become `***` unless revealed.
#[must_use]
pub fn shown(key: &str, value: &str, reveal: bool) -> String {
    if ajib_config::is_secret(key) && !reveal && !value.is_empty() {
        return ajib_backup::REDACTED.to_owned();
    }
    value.to_owned()
}

fn get(paths: &Paths, args: &ConfigGet) -> anyhow::Result<()> {
    let key = normalize(&args.key)?;
    let env = EnvFile::read(&paths.env_file)?;
    match env.get(&key) {
        Some(value) => println!("{}", shown(&key, value, args.reveal)),
        None => match default_of(&key) {
            Some(default) => println!("{default}"),
            None => anyhow::bail!("{key} is not set in {}", paths.env_file.display()),
        },
    }
    Ok(())
}

fn set(paths: &Paths, args: &ConfigSet) -> anyhow::Result<()> {
    let key = normalize(&args.key)?;
    let value = match &args.value {
        Some(value) => value.clone(),
        None => read_stdin_line()?,
    };
    if let Err(why) = ajib_config::check_var(&key, &value) {
        anyhow::bail!("invalid value for {key}: {why}");
    }
    let mut env = EnvFile::read(&paths.env_file)?;
    env.set(&key, &value);
    env.write(&paths.env_file)?;
    println!("{key}={}", shown(&key, &value, false));
    println!("Restart to apply: ajib-ctl restart");
    Ok(())
}

fn unset(paths: &Paths, args: &ConfigUnset) -> anyhow::Result<()> {
    let key = normalize(&args.key)?;
    let mut env = EnvFile::read(&paths.env_file)?;
    if !env.unset(&key) {
        anyhow::bail!("{key} is not set in {}", paths.env_file.display());
    }
    env.write(&paths.env_file)?;
    println!("{key} removed. Restart to apply: ajib-ctl restart");
    Ok(())
}

fn list(paths: &Paths, args: &ConfigList) -> anyhow::Result<()> {
    let env = EnvFile::read(&paths.env_file)?;
    let mut rows: Vec<(String, Option<String>)> = env
        .entries()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Some(shown(k, v, args.reveal))))
        .collect();
    if args.all {
        for spec in ajib_config::VARS {
            if env.get(spec.name).is_none() {
                rows.push((spec.name.to_owned(), spec.default.map(str::to_owned)));
            }
        }
    }
    if args.json {
        let map: serde_json::Map<String, serde_json::Value> = rows
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    v.map_or(serde_json::Value::Null, serde_json::Value::String),
                )
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&map)?);
        return Ok(());
    }
    for (key, value) in rows {
        let unknown = if ajib_config::is_known(&key) {
            ""
        } else {
            "   # unknown variable, ignored"
        };
        match value {
            Some(value) => println!("{key}={value}{unknown}"),
            None => println!("{key}   # not set"),
        }
    }
    Ok(())
}

/// Upper-cases a variable name and rejects unknown ones (exit 2).
fn normalize(key: &str) -> anyhow::Result<String> {
    let key = key.trim().to_ascii_uppercase();
    if !ajib_config::is_known(&key) {
        return Err(exit::usage(format!(
            "unknown variable {key}; `ajib-ctl config list --all` shows the known ones"
        )));
    }
    Ok(key)
}

fn default_of(key: &str) -> Option<&'static str> {
    ajib_config::VARS
        .iter()
        .find(|it| it.name == key)
        .and_then(|it| it.default)
}

fn read_stdin_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the value from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
