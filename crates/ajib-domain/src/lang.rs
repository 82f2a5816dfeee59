//! The languages the bot speaks.

use std::fmt;

/// A user interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// English.
    En,
    /// Persian (Farsi).
    Fa,
}

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Self; 2] = [Self::En, Self::Fa];

    /// The primary language subtag, `"en"` or `"fa"`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fa => "fa",
        }
    }

    /// Whether the language is written right to left.
    #[must_use]
    pub fn is_rtl(self) -> bool {
        match self {
            Self::En => false,
            Self::Fa => true,
        }
    }

    /// Parses a language tag such as `fa`, `fa-IR`, `en_US` or `EN`; `None` if unsupported.
    #[must_use]
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "fa" => Some(Self::Fa),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(tag: &str, expected: Option<Lang>) {
        assert_eq!(Lang::parse(tag), expected, "{tag:?}");
    }

    #[test]
    fn parses_tags() {
        check("fa", Some(Lang::Fa));
        check("fa-IR", Some(Lang::Fa));
        check("FA_ir", Some(Lang::Fa));
        check("en", Some(Lang::En));
        check("en-US", Some(Lang::En));
        check("EN-gb", Some(Lang::En));
        check("", None);
        check("de", None);
        check("english", None);
        check("-fa", None);
    }

    #[test]
    fn only_persian_is_right_to_left() {
        assert!(!Lang::En.is_rtl());
        assert!(Lang::Fa.is_rtl());
    }

    #[test]
    fn code_round_trips() {
        for lang in Lang::ALL {
            check(lang.code(), Some(lang));
        }
    }
}
