//! The AJIB operator command line: `ajib-ctl status`, `config set`, `backup create`, ...
//!
//! Each command group lives in its own module; this file parses arguments,
//! dispatches, and turns errors into exit codes in one place
//! (0 ok, 1 failure, 2 usage, 3 not installed / wrong user).

mod admins;
mod agents;
mod backup;
mod balance;
mod card;
mod cli;
mod config;
mod db;
mod doctor;
mod envfile;
mod exit;
mod orders;
mod panels;
mod paths;
mod plans;
mod promo;
mod scripts;
mod service;
mod status;
mod system;
mod users;

use std::process::ExitCode;

use crate::{
    cli::{Cli, Command},
    paths::Paths,
};

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = match exit::parse_args() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => exit::report(&e),
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let paths = Paths::new(cli.root.as_deref(), cli.env_file.as_deref());
    match cli.command {
        Command::Status(args) => status::run(&paths, &args),
        Command::Logs(args) => service::logs(&paths, &args),
        Command::Start(_) => service::systemctl(&paths, "start"),
        Command::Stop(_) => service::systemctl(&paths, "stop"),
        Command::Restart(_) => service::systemctl(&paths, "restart"),
        Command::Enable(_) => service::systemctl(&paths, "enable"),
        Command::Disable(_) => service::systemctl(&paths, "disable"),
        Command::Config(args) => config::run(&paths, args.command),
        Command::Backup(args) => backup::run(&paths, args.command),
        Command::Plans(args) => plans::run(&paths, args.command),
        Command::Admins(args) => admins::run(&paths, args.command),
        Command::Users(args) => users::run(&paths, args.command),
        Command::Orders(args) => orders::run(&paths, args.command),
        Command::Panels(args) => panels::run(&paths, args.command),
        Command::Promo(args) => promo::run(&paths, args.command),
        Command::Agents(args) => agents::run(&paths, args.command),
        Command::Card(args) => card::run(&paths, args.command),
        Command::Doctor(args) => doctor::run(&paths, &args),
        Command::Update(args) => scripts::update(&paths, &args),
        Command::Uninstall(args) => scripts::uninstall(&paths, &args),
        Command::Version(_) => {
            println!("ajib-ctl {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
    }
}
