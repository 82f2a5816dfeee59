//! AJIB's user-facing texts: Fluent catalogues for English, Persian, Russian and any language an operator adds.
//!
//! It formats messages; it does not decide which message to send, knows
//! nothing of Telegram and escapes nothing: messages are Telegram HTML and
//! callers HTML-escape the string arguments that come from users.
//!
//! - [`Catalog`] holds the catalogues compiled in from `locales/<lang>/*.ftl`,
//!   optionally overridden by an operator's files, and formats a message by
//!   id with [`Catalog::text`], falling back to English and then to the id.
//! - [`Lang`] is a language code (the languages themselves are the catalogues: [`Catalog::languages`]), [`Arg`] a message argument.
//! - [`localize_digits`], [`format_bytes`], [`format_money`] and
//!   [`format_date`] (Jalali for Persian, see [`gregorian_to_jalali`]) turn
//!   values into text for a language.
//!
//! Numbers passed as [`Arg::Num`] render with Persian digits in Persian;
//! strings are left exactly as given, so URIs and usernames stay intact.
//!
//! ```
//! use ajib_i18n::{Arg, Catalog, Lang};
//!
//! let catalog = Catalog::embedded()?;
//! let text = catalog.text(Lang::FA, "days-count", &[("count", Arg::Num(30))]);
//! assert_eq!(text, "۳۰ روز");
//! # Ok::<(), ajib_i18n::Error>(())
//! ```

mod catalog;
mod error;
mod format;
mod jalali;
mod lang;
#[cfg(test)]
mod tidy;

pub use crate::{
    catalog::Catalog,
    error::Error,
    format::{format_bytes, format_date, format_money, localize_digits},
    jalali::gregorian_to_jalali,
    lang::{Arg, Html, Lang, escape_html},
};
