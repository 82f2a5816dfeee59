//! Message arguments, and the language type shared with the domain.

/// A language code: the domain's [`ajib_domain::Lang`]; English is the fallback for every message.
pub use ajib_domain::Lang;

/// One argument of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'a> {
    /// Plain text (never re-digited): HTML-escaped in a message
    /// ([`Catalog::text`](crate::Catalog::text)), as given in a button label
    /// ([`Catalog::label`](crate::Catalog::label)).
    Str(&'a str),
    /// Telegram HTML the caller built on purpose ([`Html`]), inserted as given.
    Html(&'a str),
    /// An integer: selects plural forms and renders with the language's digits.
    Num(i64),
}

/// Telegram HTML that goes into a message as it is, unescaped.
///
/// Every other text argument is escaped, so a plan name, a panel error or a
/// user's name can never break a message; this type is the one way around
/// that, and each use of it is a claim that the markup is well-formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Html<'a>(&'a str);

impl<'a> Html<'a> {
    /// Markup the caller built and vouches for.
    #[must_use]
    pub fn trusted(markup: &'a str) -> Self {
        Self(markup)
    }
}

impl<'a> From<Html<'a>> for Arg<'a> {
    fn from(value: Html<'a>) -> Self {
        Self::Html(value.0)
    }
}

/// Escapes text for Telegram's HTML parse mode (`<`, `>`, `&` and `"`).
#[must_use]
pub fn escape_html(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => res.push_str("&lt;"),
            '>' => res.push_str("&gt;"),
            '&' => res.push_str("&amp;"),
            '"' => res.push_str("&quot;"),
            _ => res.push(c),
        }
    }
    res
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
