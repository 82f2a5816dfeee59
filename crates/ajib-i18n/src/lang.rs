//! Languages and message arguments.

/// A language the bot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// English, the fallback language.
    En,
    /// Persian (Farsi), written right to left.
    Fa,
}

impl Lang {
    /// The two-letter code, as used for the `locales/<code>` directories.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fa => "fa",
        }
    }

    /// Parses a language tag such as `fa`, `fa-IR` or `en_US`, ignoring case.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        Self::all()
            .iter()
            .copied()
            .find(|lang| primary.eq_ignore_ascii_case(lang.code()))
    }

    /// Whether the language is written right to left.
    #[must_use]
    pub fn is_rtl(self) -> bool {
        match self {
            Self::En => false,
            Self::Fa => true,
        }
    }

    /// Every language, the fallback first.
    #[must_use]
    pub fn all() -> &'static [Self] {
        &[Self::En, Self::Fa]
    }
}

/// One argument of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'a> {
    /// Text, inserted as given (never re-digited).
    Str(&'a str),
    /// An integer: selects plural forms and renders with the language's digits.
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Self::Str(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Self::Str(value)
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Self::Num(value)
    }
}

impl From<i32> for Arg<'_> {
    fn from(value: i32) -> Self {
        Self::Num(value.into())
    }
}

impl From<u32> for Arg<'_> {
    fn from(value: u32) -> Self {
        Self::Num(value.into())
    }
}

impl From<u64> for Arg<'_> {
    fn from(value: u64) -> Self {
        Self::Num(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Arg<'_> {
    fn from(value: usize) -> Self {
        Self::Num(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use crate::Lang;

    fn check_from_code(code: &str, expected: Option<Lang>) {
        assert_eq!(Lang::from_code(code), expected, "{code:?}");
    }

    #[test]
    fn codes_parse_with_regions_and_case() {
        check_from_code("en", Some(Lang::En));
        check_from_code("en-US", Some(Lang::En));
        check_from_code("fa", Some(Lang::Fa));
        check_from_code("fa-IR", Some(Lang::Fa));
        check_from_code("FA_ir", Some(Lang::Fa));
        check_from_code(" fa ", Some(Lang::Fa));
        check_from_code("de", None);
        check_from_code("", None);
        check_from_code("fas", None);
    }

    #[test]
    fn codes_round_trip_and_direction() {
        for &lang in Lang::all() {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert!(!Lang::En.is_rtl());
        assert!(Lang::Fa.is_rtl());
    }
}
