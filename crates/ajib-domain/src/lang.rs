//! User interface languages, as data: any two- or three-letter language code.
//!
//! Which languages the bot actually speaks is not decided here: that is the
//! catalogues it has (the embedded ones and any an operator dropped into
//! `LOCALES_DIR`). A [`Lang`] is only a well-formed code, so a language can be
//! added without changing this type.

use std::fmt;

/// Longest code, in bytes: an ISO 639 two- or three-letter language code.
const MAX_CODE_LEN: usize = 3;

/// A user interface language: an ISO 639 language code of two or three
/// lowercase ASCII letters (`en`, `fa`, `ru`, `de`, `ckb`).
///
/// Small and `Copy`; the constants name the languages the bot ships with.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang {
    /// The code's letters, padded with zero bytes (so ordering is the code's).
    code: [u8; MAX_CODE_LEN],
}

impl Lang {
    /// English, the fallback for every missing message.
    pub const EN: Self = Self::from_letters(*b"en\0");
    /// Persian (Farsi).
    pub const FA: Self = Self::from_letters(*b"fa\0");
    /// Russian.
    pub const RU: Self = Self::from_letters(*b"ru\0");
    /// The languages compiled into the bot, in menu order.
    pub const BUILT_IN: [Self; 3] = [Self::EN, Self::FA, Self::RU];

    const fn from_letters(code: [u8; MAX_CODE_LEN]) -> Self {
        Self { code }
    }

    /// The language code, such as `"en"`.
    #[must_use]
    pub fn code(&self) -> &str {
        let len = self
            .code
            .iter()
            .position(|byte| *byte == 0)
            .unwrap_or(MAX_CODE_LEN);
        // Only ASCII letters are ever stored (see `from_code`).
        std::str::from_utf8(&self.code[..len]).unwrap_or("en")
    }

    /// Whether the language is written right to left (Persian, Arabic, Hebrew, Urdu and a few more).
    #[must_use]
    pub fn is_rtl(self) -> bool {
        matches!(
            self.code(),
            "fa" | "ar" | "he" | "ur" | "ps" | "ckb" | "yi" | "dv" | "sd" | "ug"
        )
    }

    /// Whether numbers are written with Persian digits (only Persian, here).
    #[must_use]
    pub fn uses_persian_digits(self) -> bool {
        self == Self::FA
    }

    /// Parses a language tag such as `fa`, `fa-IR`, `en_US`, `RU` or `de`: its
    /// primary subtag must be two or three ASCII letters; `None` otherwise.
    ///
    /// Any well-formed language parses: whether the bot speaks it is the
    /// caller's question (the catalogue knows).
    #[must_use]
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        Self::from_code(&primary.to_ascii_lowercase())
    }

    /// The language whose code is exactly `code` (two or three lowercase
    /// ASCII letters, nothing else); `None` otherwise.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        let bytes = code.as_bytes();
        if !(2..=MAX_CODE_LEN).contains(&bytes.len())
            || !bytes.iter().all(|byte| byte.is_ascii_lowercase())
        {
            return None;
        }
        let mut res = [0; MAX_CODE_LEN];
        res[..bytes.len()].copy_from_slice(bytes);
        Some(Self::from_letters(res))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(tag: &str, expected: Option<&str>) {
        assert_eq!(
            Lang::parse(tag).map(|it| it.to_string()).as_deref(),
            expected,
            "{tag:?}"
        );
    }

    #[test]
    fn parses_tags() {
        check("fa", Some("fa"));
        check("fa-IR", Some("fa"));
        check("FA_ir", Some("fa"));
        check("en", Some("en"));
        check("en-US", Some("en"));
        check("EN-gb", Some("en"));
        check("ru", Some("ru"));
        check("de", Some("de"));
        check("ckb", Some("ckb"));
        check(" pt-br ", Some("pt"));
        check("", None);
        check("e", None);
        check("english", None);
        check("-fa", None);
        check("d3", None);
        check("дe", None);
        check("e\0", None);
    }

    #[test]
    fn exact_codes_only_from_code() {
        assert_eq!(Lang::from_code("ru"), Some(Lang::RU));
        assert_eq!(Lang::from_code("RU"), None);
        assert_eq!(Lang::from_code("ru-RU"), None);
        assert_eq!(Lang::from_code("abcd"), None);
        assert_eq!(Lang::from_code(""), None);
    }

    #[test]
    fn right_to_left_languages() {
        assert!(!Lang::EN.is_rtl());
        assert!(!Lang::RU.is_rtl());
        assert!(Lang::FA.is_rtl());
        for code in ["ar", "he", "ur"] {
            assert!(Lang::parse(code).is_some_and(Lang::is_rtl), "{code}");
        }
        assert!(!Lang::parse("de").is_some_and(Lang::is_rtl));
    }

    #[test]
    fn only_persian_has_persian_digits() {
        assert!(Lang::FA.uses_persian_digits());
        assert!(!Lang::EN.uses_persian_digits());
        assert!(!Lang::RU.uses_persian_digits());
        assert!(!Lang::parse("ar").is_some_and(Lang::uses_persian_digits));
    }

    #[test]
    fn codes_round_trip_and_order_as_text() {
        for lang in Lang::BUILT_IN {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
        let mut langs = ["ru", "en", "ckb", "fa", "ca"].map(Lang::from_code);
        langs.sort();
        let codes: Vec<String> = langs.iter().flatten().map(Lang::to_string).collect();
        assert_eq!(codes, ["ca", "ckb", "en", "fa", "ru"]);
        assert_eq!(format!("{:?}", Lang::RU), "Lang(ru)");
    }
}
