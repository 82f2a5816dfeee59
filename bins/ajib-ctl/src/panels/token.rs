//! Where a panel's token comes from on the command line: never an argument
//! (it would sit in the shell history and in `ps`), but a file, the
//! `AJIB_PANEL_TOKEN` variable or a prompt.

use std::{
    io::{BufRead, Write},
    path::{Path, PathBuf},
};

use ajib_storage::NewToken;
use anyhow::Context;

use crate::exit;

/// The variable a token may come from.
pub const TOKEN_VAR: &str = "AJIB_PANEL_TOKEN";

/// A token the operator gave: what to store, and the token itself to check the panel with.
pub struct GivenToken {
    /// What the database keeps.
    pub stored: NewToken,
    /// The token.
    pub token: String,
}

/// The token from `--token-file` or `--token-ref-file` (at most one), else
/// from [`TOKEN_VAR`], else typed at a prompt.
pub fn required(file: Option<&Path>, ref_file: Option<&Path>) -> anyhow::Result<GivenToken> {
    if let Some(token) = from_files(file, ref_file)? {
        return Ok(token);
    }
    let token = match std::env::var(TOKEN_VAR) {
        Ok(token) if !token.trim().is_empty() => token,
        _ => prompt()?,
    };
    stored(token.trim())
}

/// The token from `--token-file` or `--token-ref-file` (at most one), if either was given.
pub fn from_files(
    file: Option<&Path>,
    ref_file: Option<&Path>,
) -> anyhow::Result<Option<GivenToken>> {
    match (file, ref_file) {
        (Some(_), Some(_)) => Err(exit::usage(
            "give --token-file or --token-ref-file, not both".to_owned(),
        )),
        (Some(file), None) => Ok(Some(stored(read(file)?.as_str())?)),
        (None, Some(path)) => {
            if !path.is_absolute() {
                return Err(exit::usage(format!(
                    "--token-ref-file needs an absolute path (the bot reads it from its own directory): {}",
                    path.display()
                )));
            }
            Ok(Some(GivenToken {
                token: read(path)?,
                stored: NewToken::File(PathBuf::from(path)),
            }))
        }
        (None, None) => Ok(None),
    }
}

fn stored(token: &str) -> anyhow::Result<GivenToken> {
    if token.is_empty() {
        return Err(exit::usage("the panel token is empty".to_owned()));
    }
    Ok(GivenToken {
        stored: NewToken::Stored(token.to_owned()),
        token: token.to_owned(),
    })
}

/// The trimmed content of a token file; an empty one is refused.
fn read(path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the token file {}", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(exit::usage(format!(
            "the token file {} is empty",
            path.display()
        )));
    }
    Ok(token.to_owned())
}

/// Asks for the token on stderr and reads one line from stdin.
fn prompt() -> anyhow::Result<String> {
    eprint!("Blitz API token for this panel (or set {TOKEN_VAR}): ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the token from stdin")?;
    Ok(line.trim().to_owned())
}
