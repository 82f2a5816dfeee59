//! Which panel versions this client was written against, and the quirks it works around.

use std::fmt;

/// The newest panel version this client was checked against (ReturnFI/Blitz 2.5.3, commit fff8c06).
pub const NEWEST_KNOWN_VERSION: (u32, u32, u32) = (2, 5, 3);

/// A panel defect this client works around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Quirk {
    /// A create with both a note and a creation date fails with `add_user.py`'s
    /// usage text (`core/cli_api.py` passes the IP flag twice); the client
    /// creates with the date and sets the note with a `PATCH`.
    NoteWithCreationDate,
}

impl fmt::Display for Quirk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoteWithCreationDate => f.write_str(
                "a create with both a note and a creation date fails (worked around: the note is set by a second request)",
            ),
        }
    }
}

/// What this client knows of a panel version, from [`support`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// A 2.x version up to [`NEWEST_KNOWN_VERSION`]: supported, with these quirks worked around.
    Known {
        /// The defects of this version the client works around.
        quirks: &'static [Quirk],
    },
    /// Newer than [`NEWEST_KNOWN_VERSION`]: likely fine, not checked.
    Newer,
    /// Before 2.0 (users in a JSON file, another API): not supported.
    TooOld,
    /// The panel's `current_version` is not a version number.
    Unrecognised,
}

/// What this client knows of the panel version `current_version` (as
/// [`Client::version`](crate::Client::version) reports it, e.g. `2.5.3` or `v2.5.3`).
#[must_use]
pub fn support(current_version: &str) -> Support {
    let Some(version) = parse(current_version) else {
        return Support::Unrecognised;
    };
    if version.0 < 2 {
        return Support::TooOld;
    }
    if version > NEWEST_KNOWN_VERSION {
        return Support::Newer;
    }
    Support::Known {
        quirks: &[Quirk::NoteWithCreationDate],
    }
}

/// `major.minor[.patch]` with an optional `v`, ignoring a `-suffix`.
fn parse(text: &str) -> Option<(u32, u32, u32)> {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let core = text.split(['-', '+', ' ']).next()?;
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = match parts.next() {
        Some(patch) => patch.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor, patch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(version: &str, expected: Support) {
        assert_eq!(support(version), expected, "{version:?}");
    }

    #[test]
    fn versions_are_sorted_into_what_the_client_knows() {
        let known = Support::Known {
            quirks: &[Quirk::NoteWithCreationDate],
        };
        check("2.5.3", known);
        check("v2.5.3", known);
        check("2.0", known);
        check("2.5.2-beta", known);
        check("2.5.4", Support::Newer);
        check("3.0.0", Support::Newer);
        check("1.18.1", Support::TooOld);
        check("", Support::Unrecognised);
        check("latest", Support::Unrecognised);
        check("2.5.3.1", Support::Unrecognised);
    }
}
