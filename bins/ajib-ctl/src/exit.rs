//! Exit codes and the one place errors become messages.

use std::{fmt, process::ExitCode};

use argh::FromArgs;

use crate::cli::Cli;

/// Why a command failed, when it is not a plain failure (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Bad arguments or an unknown variable name: exit 2.
    Usage = 2,
    /// Not installed, service absent, or not run as root/ajib: exit 3.
    NotInstalled = 3,
}

/// An error carrying a specific exit code.
#[derive(Debug)]
pub struct Coded {
    /// The exit code.
    pub code: Code,
    /// What to tell the operator, including the fix.
    pub message: String,
}

impl fmt::Display for Coded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Coded {}

/// A usage error (exit 2).
pub fn usage(message: String) -> anyhow::Error {
    Coded {
        code: Code::Usage,
        message,
    }
    .into()
}

/// A "not installed / wrong user / no service" error (exit 3).
pub fn not_installed(message: String) -> anyhow::Error {
    Coded {
        code: Code::NotInstalled,
        message,
    }
    .into()
}

/// Prints the error chain and returns its exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    eprintln!("error: {err:#}");
    match err.downcast_ref::<Coded>() {
        Some(coded) => ExitCode::from(coded.code as u8),
        None => ExitCode::from(1),
    }
}

/// Parses the process arguments; help exits 0, bad usage exits 2.
pub fn parse_args() -> Result<Cli, ExitCode> {
    let args: Vec<String> = std::env::args().collect();
    let cmd = args
        .first()
        .map_or("ajib-ctl", |it| it.rsplit('/').next().unwrap_or(it));
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    match Cli::from_args(&[cmd], &rest) {
        Ok(cli) => Ok(cli),
        Err(early) => match early.status {
            Ok(()) => {
                println!("{}", early.output);
                Err(ExitCode::SUCCESS)
            }
            Err(()) => {
                eprintln!("{}", early.output);
                Err(ExitCode::from(Code::Usage as u8))
            }
        },
    }
}
