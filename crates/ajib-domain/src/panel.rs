//! Blitz panels as data: their health, their load, and which one gets a new account.
//!
//! A shop runs several panels, each in a location ("🇩🇪 Germany"); a plan is
//! sold in one or more locations, and within a location the panel with the
//! most free room that is up takes the next account.

use std::fmt;

use crate::PanelId;

/// Longest panel name, in characters.
pub const MAX_PANEL_NAME_CHARS: usize = 32;
/// Longest location label, in characters.
pub const MAX_LOCATION_CHARS: usize = 48;

/// What the last health checks said of a panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PanelHealth {
    /// Not checked since it was added; given the benefit of the doubt.
    Unknown,
    /// Its last check answered.
    Up,
    /// Its last check failed.
    Down,
}

impl PanelHealth {
    /// Every state.
    pub const ALL: [Self; 3] = [Self::Unknown, Self::Up, Self::Down];

    /// The storage spelling, e.g. `"up"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Up => "up",
            Self::Down => "down",
        }
    }

    /// Parses [`PanelHealth::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|it| it.as_str() == text)
    }
}

impl fmt::Display for PanelHealth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A panel as the chooser sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelLoad {
    /// Its id.
    pub id: PanelId,
    /// Its location label.
    pub location: String,
    /// Active accounts it may hold; `None` when unlimited.
    pub capacity: Option<u32>,
    /// Active accounts it holds now (and accounts being made on it).
    pub active: u32,
    /// Whether the owner offers it.
    pub enabled: bool,
    /// What the health checks say.
    pub health: PanelHealth,
}

impl PanelLoad {
    /// Whether it may take one more account.
    #[must_use]
    pub fn is_usable(&self) -> bool {
        self.enabled && self.health != PanelHealth::Down && self.free() > 0
    }

    /// Accounts it may still take; `u32::MAX` when unlimited.
    #[must_use]
    pub fn free(&self) -> u32 {
        self.capacity
            .map_or(u32::MAX, |cap| cap.saturating_sub(self.active))
    }
}

/// The panel in `location` (any location if `None`) that takes the next
/// account: usable, with the most free room, then the fewest accounts, then
/// the oldest. `None` when no panel there can take one (the location is
/// unavailable).
#[must_use]
pub fn choose_panel<'a>(panels: &'a [PanelLoad], location: Option<&str>) -> Option<&'a PanelLoad> {
    panels
        .iter()
        .filter(|it| location.is_none_or(|wanted| it.location == wanted) && it.is_usable())
        .min_by_key(|it| (std::cmp::Reverse(it.free()), it.active, it.id))
}

/// Why a panel name or location label was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PanelError {
    /// The name is empty, too long, or not `[a-z0-9_-]`.
    #[error(
        "a panel name is 1 to {MAX_PANEL_NAME_CHARS} characters of a-z, 0-9, '-' and '_' (got {0:?})"
    )]
    BadName(String),
    /// The location is empty, too long, or has control characters.
    #[error("a location is 1 to {MAX_LOCATION_CHARS} characters without line breaks (got {0:?})")]
    BadLocation(String),
}

/// A panel name as typed, checked: `[a-z0-9_-]{1,32}` (used on the command line).
pub fn validate_panel_name(name: &str) -> Result<String, PanelError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_PANEL_NAME_CHARS
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    match ok {
        true => Ok(name.to_owned()),
        false => Err(PanelError::BadName(name.to_owned())),
    }
}

/// A location label as typed, trimmed and checked, e.g. `"🇩🇪 Germany"`.
pub fn validate_location(label: &str) -> Result<String, PanelError> {
    let label = label.trim();
    let ok = !label.is_empty()
        && label.chars().count() <= MAX_LOCATION_CHARS
        && !label.chars().any(char::is_control);
    match ok {
        true => Ok(label.to_owned()),
        false => Err(PanelError::BadLocation(label.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(id: i64, location: &str, capacity: Option<u32>, active: u32) -> PanelLoad {
        PanelLoad {
            id: PanelId(id),
            location: location.to_owned(),
            capacity,
            active,
            enabled: true,
            health: PanelHealth::Up,
        }
    }

    #[test]
    fn the_panel_with_most_room_in_the_location_is_chosen() {
        let panels = [
            load(1, "DE", Some(100), 90),
            load(2, "DE", Some(100), 10),
            load(3, "NL", Some(1000), 0),
        ];
        assert_eq!(
            choose_panel(&panels, Some("DE")).map(|it| it.id),
            Some(PanelId(2))
        );
        assert_eq!(
            choose_panel(&panels, Some("NL")).map(|it| it.id),
            Some(PanelId(3))
        );
        assert_eq!(choose_panel(&panels, Some("FR")), None);
    }

    #[test]
    fn full_down_and_disabled_panels_are_skipped() {
        let mut down = load(2, "DE", None, 0);
        down.health = PanelHealth::Down;
        let mut off = load(3, "DE", None, 0);
        off.enabled = false;
        let full = load(1, "DE", Some(5), 5);
        assert_eq!(
            choose_panel(&[full.clone(), down.clone(), off], Some("DE")),
            None
        );
        let spare = load(4, "DE", Some(5), 4);
        assert_eq!(
            choose_panel(&[full, down, spare], Some("DE")).map(|it| it.id),
            Some(PanelId(4))
        );
    }

    #[test]
    fn an_unchecked_panel_is_usable_and_unlimited_beats_limited() {
        let mut fresh = load(2, "DE", None, 500);
        fresh.health = PanelHealth::Unknown;
        let panels = [load(1, "DE", Some(1000), 0), fresh];
        assert_eq!(
            choose_panel(&panels, Some("DE")).map(|it| it.id),
            Some(PanelId(2))
        );
    }

    #[test]
    fn names_and_locations_are_checked() {
        assert!(validate_panel_name("de-1").is_ok());
        for bad in ["", "DE", "a b", "x/../y", &"a".repeat(33)] {
            assert!(validate_panel_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            validate_location("  🇩🇪 Germany ").as_deref(),
            Ok("🇩🇪 Germany")
        );
        assert!(validate_location(" ").is_err());
        assert!(validate_location("a\nb").is_err());
        for health in PanelHealth::ALL {
            assert_eq!(PanelHealth::parse(health.as_str()), Some(health));
        }
    }
}
