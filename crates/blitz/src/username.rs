//! Local username validation, so a bad name fails before any request.

use crate::error::Error;

/// Longest username accepted locally.
///
/// The panel itself sets no limit, but its usernames end up inside URIs and
/// file names; 64 leaves room for any deterministic scheme.
pub const MAX_USERNAME_LEN: usize = 64;

/// Checks a username against the panel's pattern `^[a-zA-Z0-9_]+$` and
/// returns it lower-cased, the form the panel stores.
///
/// Every call on [`Client`](crate::Client) that takes a username runs it
/// through this first and fails with [`Error::InvalidUsername`] before any
/// request is sent.
pub fn validate_username(username: &str) -> Result<String, Error> {
    if username.is_empty() {
        return Err(invalid(username, "is empty"));
    }
    if username.len() > MAX_USERNAME_LEN {
        return Err(invalid(username, "is longer than 64 characters"));
    }
    if !username
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(invalid(
            username,
            "may only contain ASCII letters, digits and '_'",
        ));
    }
    Ok(username.to_ascii_lowercase())
}

fn invalid(username: &str, reason: &'static str) -> Error {
    // Keep the error small even when the input is huge.
    let username = crate::error::truncate(username, 80);
    Error::InvalidUsername { username, reason }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::{Error, username::validate_username};

    fn check_ok(input: &str, expected: &str) {
        assert_eq!(validate_username(input).unwrap(), expected);
    }

    fn check_err(input: &str) {
        assert!(
            matches!(validate_username(input), Err(Error::InvalidUsername { .. })),
            "{input:?} should be rejected"
        );
    }

    #[test]
    fn accepts_and_lowercases() {
        check_ok("tg_12345", "tg_12345");
        check_ok("AJIB_42_1", "ajib_42_1");
        check_ok("_", "_");
        check_ok(&"a".repeat(64), &"a".repeat(64));
    }

    #[test]
    fn rejects() {
        check_err("");
        check_err("with space");
        check_err("dash-ed");
        check_err("dot.ted");
        check_err("slash/");
        check_err("ünïcode");
        check_err("tg_1\n");
        check_err(&"a".repeat(65));
    }

    proptest! {
        #[test]
        fn valid_names_pass_lowercased(name in "[a-zA-Z0-9_]{1,64}") {
            let got = validate_username(&name).unwrap();
            prop_assert_eq!(got, name.to_ascii_lowercase());
        }

        #[test]
        fn any_other_character_fails(
            prefix in "[a-z0-9_]{0,10}",
            bad in "[^a-zA-Z0-9_]",
            suffix in "[a-z0-9_]{0,10}",
        ) {
            let name = format!("{prefix}{bad}{suffix}");
            prop_assert!(
                matches!(validate_username(&name), Err(Error::InvalidUsername { .. })),
                "{:?} was accepted", name
            );
        }

        #[test]
        fn result_always_matches_the_pattern(name in ".{0,80}") {
            if let Ok(got) = validate_username(&name) {
                prop_assert!(!got.is_empty() && got.len() <= 64);
                prop_assert!(got.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            }
        }
    }
}
