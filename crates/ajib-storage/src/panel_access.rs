//! How to reach a panel: its API base and its token, wherever the token is
//! kept ([`TokenRef`]). The bot and `ajib-ctl` both build their clients from
//! this, so a token is found the same way by both.

use std::{fmt, path::Path};

use crate::{Error, Panel, Store, TokenRef};

/// Where a panel's API is and the token it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelAccess {
    /// `BLITZ_API_BASE` with `BLITZ_API_KEY`: the caller's configuration has both.
    Config,
    /// This base with this token.
    Direct {
        /// The API base ending in `/api/v1`.
        api_base: String,
        /// The token.
        token: PanelToken,
    },
}

/// A panel's API token; `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct PanelToken(String);

impl PanelToken {
    /// The token itself, to put in a request.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PanelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Why a panel's token could not be found.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The panel keeps its token in the database and it is not there.
    #[error("panel {0} has no stored token")]
    NoToken(String),
    /// The token file could not be read, or is empty.
    #[error("panel {panel}: cannot read its token file {path}: {source}")]
    TokenFile {
        /// The panel's name.
        panel: String,
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A panel other than the configured one has no API base.
    #[error("panel {0} has no API base")]
    NoBase(String),
    /// The database could not be read.
    #[error(transparent)]
    Store(#[from] Error),
}

impl Store {
    /// How to reach `panel` as its row says now: its stored token is read
    /// from the database, a token file from the disk.
    pub async fn panel_access(&self, panel: &Panel) -> Result<PanelAccess, AccessError> {
        let token = match &panel.token {
            TokenRef::Config => return Ok(PanelAccess::Config),
            TokenRef::Stored => self
                .panel_token(panel.id)
                .await?
                .ok_or_else(|| AccessError::NoToken(panel.name.clone()))?,
            TokenRef::File(path) => read_token(&panel.name, path)?,
        };
        let api_base = panel
            .api_base
            .clone()
            .ok_or_else(|| AccessError::NoBase(panel.name.clone()))?;
        Ok(PanelAccess::Direct {
            api_base,
            token: PanelToken(token),
        })
    }
}

/// The token in `path`, surrounding whitespace removed; an empty file is an error.
fn read_token(panel: &str, path: &Path) -> Result<String, AccessError> {
    let failed = |source| AccessError::TokenFile {
        panel: panel.to_owned(),
        path: path.display().to_string(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(failed)?;
    let token = text.trim();
    if token.is_empty() {
        return Err(failed(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the file is empty",
        )));
    }
    Ok(token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_shows_in_debug() {
        let access = PanelAccess::Direct {
            api_base: "https://panel.example/api/v1".to_owned(),
            token: PanelToken("s3cret-token".to_owned()),
        };
        let shown = format!("{access:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }

    #[test]
    fn a_token_file_is_trimmed_and_an_empty_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "  abc123\n").unwrap();
        assert_eq!(read_token("de-1", &path).unwrap(), "abc123");
        std::fs::write(&path, "\n").unwrap();
        let err = read_token("de-1", &path).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        let missing = read_token("de-1", &dir.path().join("nope")).unwrap_err();
        assert!(
            matches!(missing, AccessError::TokenFile { .. }),
            "{missing}"
        );
    }
}
