//! The AJIB bot service: `ajib-bot run` in production, `ajib-bot sandbox` to try it locally.
//!
//! This file stays small: parse the command line, load configuration, start
//! logging, hand over to `ajib_app` (or `ajib_sandbox`), and turn an error
//! into a message and an exit code.
//!
//! The sandbox is behind the default `sandbox` feature: `cargo run -p
//! ajib-bot -- sandbox` has it, release archives (`cargo xtask dist`) do not,
//! and a binary without it explains how to run the sandbox from source.

use std::{path::PathBuf, process::ExitCode};

use ajib_app::{app, logging};
use argh::FromArgs;

/// AJIB: a Telegram bot that sells VPN plans (Heleket payments, Blitz panel).
#[derive(FromArgs, Debug)]
struct Cli {
    #[argh(subcommand)]
    command: Command,
}

#[derive(FromArgs, Debug)]
#[argh(subcommand)]
enum Command {
    Run(RunCmd),
    Sandbox(SandboxCmd),
    CheckConfig(CheckConfigCmd),
    Version(VersionCmd),
}

/// Run the bot with the configured Telegram, Blitz and Heleket.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "run")]
struct RunCmd {
    /// dotenv file to read (default: ./.env)
    #[argh(option)]
    env_file: Option<PathBuf>,
    /// TOML file to read (default: /etc/ajib/ajib.toml)
    #[argh(option)]
    config: Option<PathBuf>,
}

/// Try AJIB locally with fake Telegram, Blitz and Heleket and a web chat.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "sandbox")]
struct SandboxCmd {
    /// directory for the sandbox database (default: a new temporary directory)
    #[argh(option)]
    data_dir: Option<PathBuf>,
    /// port of the web chat on 127.0.0.1 (default: 8090; 0 picks a free one)
    #[argh(option, default = "8090")]
    port: u16,
    /// start even as root or where /etc/ajib/ajib.env exists (refused otherwise)
    #[argh(switch)]
    allow_on_server: bool,
}

/// Load and validate the configuration, print it with secrets masked, and exit.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "check-config")]
struct CheckConfigCmd {
    /// dotenv file to read (default: ./.env)
    #[argh(option)]
    env_file: Option<PathBuf>,
}

/// Print the version.
#[derive(FromArgs, Debug)]
#[argh(subcommand, name = "version")]
struct VersionCmd {}

fn main() -> ExitCode {
    let cli: Cli = argh::from_env();
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ajib-bot: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Run(cmd) => {
            let config = load_config(cmd.env_file, cmd.config)?;
            logging::init(&config.log_level, config.log_json);
            app::run_production(config)
        }
        Command::Sandbox(cmd) => sandbox(cmd),
        Command::CheckConfig(cmd) => {
            let config = load_config(cmd.env_file, None)?;
            println!("{config:#?}");
            match config.production() {
                Ok(_) => println!("configuration is complete for `ajib-bot run`"),
                Err(err) => println!("not ready for `ajib-bot run`: {err}"),
            }
            Ok(())
        }
        Command::Version(VersionCmd {}) => {
            println!("ajib-bot {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
    }
}

#[cfg(feature = "sandbox")]
fn sandbox(cmd: SandboxCmd) -> anyhow::Result<()> {
    // Refuse before reading any configuration.
    ajib_sandbox::check_host(
        ajib_sandbox::euid(),
        std::path::Path::new(ajib_sandbox::INSTALLED_ENV_FILE),
        cmd.allow_on_server,
    )?;
    // ./.env and the environment only: never /etc/ajib/ajib.toml.
    let sources = ajib_config::Sources {
        toml: None,
        ..ajib_config::Sources::standard()
    };
    let config = ajib_config::load(&sources)?;
    logging::init(&config.log_level, config.log_json);
    ajib_sandbox::run(config, cmd.data_dir, cmd.port, cmd.allow_on_server)
}

#[cfg(not(feature = "sandbox"))]
fn sandbox(cmd: SandboxCmd) -> anyhow::Result<()> {
    let SandboxCmd {
        data_dir,
        port,
        allow_on_server,
    } = cmd;
    let _ = (data_dir, port, allow_on_server);
    anyhow::bail!(
        "this build has no sandbox (release builds leave the fake servers out).\n\
         Try AJIB from source instead, no tokens needed:\n\
         \n    git clone https://github.com/ajib-bot/ajib && cd ajib\n    cargo run -p ajib-bot -- sandbox\n"
    )
}

fn load_config(
    env_file: Option<PathBuf>,
    toml: Option<PathBuf>,
) -> anyhow::Result<ajib_config::Config> {
    let mut sources = ajib_config::Sources::standard();
    if env_file.is_some() {
        sources.dotenv = env_file;
    }
    if toml.is_some() {
        sources.toml = toml;
    }
    Ok(ajib_config::load(&sources)?)
}
