//! Authenticating archives: an HMAC-SHA256 of `manifest.json`, kept in `manifest.sig`.
//!
//! The manifest lists the size and SHA-256 of every other file and
//! verification refuses any file it does not list, so a MAC over the
//! manifest's exact bytes covers the whole archive. `manifest.sig` is JSON:
//!
//! ```json
//! {"algorithm": "HMAC-SHA256", "key_id": "<16 hex>", "mac": "<64 hex>"}
//! ```
//!
//! `key_id` is the first 8 bytes of an HMAC of a fixed label under the same
//! key: it tells "signed with another key" from "altered" without revealing the
//! key. The key is `BACKUP_SIGNING_KEY` (64 hex characters); without one,
//! archives are written unsigned.

use std::fmt;

use ring::hmac;
use serde::{Deserialize, Serialize};

use crate::{Error, manifest::hex};

/// The only algorithm this format knows.
const ALGORITHM: &str = "HMAC-SHA256";
/// What the key id is the MAC of; fixed, so the id is stable for a key.
const KEY_ID_LABEL: &[u8] = b"ajib backup signing key id v1";

/// The key that signs and checks archives; never printed.
#[derive(Clone)]
pub struct SigningKey {
    key: hmac::Key,
    id: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(id {}, ***)", self.id)
    }
}

impl SigningKey {
    /// Parses `BACKUP_SIGNING_KEY`: 64 hex characters (surrounding blanks ignored).
    pub fn from_hex(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        // from_str_radix would take a `+` sign: only plain hex digits are a key.
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::BadSigningKey);
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let pair = std::str::from_utf8(pair).map_err(|_| Error::BadSigningKey)?;
            bytes[i] = u8::from_str_radix(pair, 16).map_err(|_| Error::BadSigningKey)?;
        }
        Ok(Self::from_bytes(&bytes))
    }

    /// A key from raw bytes (tests and callers that hold the bytes already).
    #[must_use]
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        let key = hmac::Key::new(hmac::HMAC_SHA256, bytes);
        let id = hex(&hmac::sign(&key, KEY_ID_LABEL).as_ref()[..8]);
        Self { key, id }
    }

    /// A short public fingerprint of the key, shown to tell keys apart.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `manifest.sig` bytes for `manifest` (the exact `manifest.json` bytes).
    pub(crate) fn sign(&self, manifest: &[u8]) -> Result<Vec<u8>, Error> {
        let sig = SignatureFile {
            algorithm: ALGORITHM.to_owned(),
            key_id: self.id.clone(),
            mac: hex(hmac::sign(&self.key, manifest).as_ref()),
        };
        serde_json::to_vec_pretty(&sig).map_err(|e| Error::Encode {
            name: crate::SIGNATURE_NAME.to_owned(),
            detail: e.to_string(),
        })
    }
}

/// The parsed `manifest.sig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SignatureFile {
    algorithm: String,
    key_id: String,
    mac: String,
}

/// Whether an archive comes from the holder of this installation's signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Authenticity {
    /// Signed with this installation's key, and nothing changed since.
    Signed,
    /// The archive has no signature (made without a key, or the signature was removed).
    Unsigned,
    /// Signed, but this installation has no `BACKUP_SIGNING_KEY` to check it with.
    NoKeyHere {
        /// The key id in the signature.
        key_id: String,
    },
    /// Signed with a different key (another installation, or a key that was replaced).
    OtherKey {
        /// The key id in the signature.
        key_id: String,
    },
    /// The signature is malformed or does not match the manifest: altered after signing.
    Invalid,
}

impl Authenticity {
    /// Whether the archive may be restored without the owner's explicit confirmation.
    #[must_use]
    pub fn is_trusted(&self) -> bool {
        *self == Self::Signed
    }

    /// A short code for logs, JSON output and the audit log.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Signed => "signed",
            Self::Unsigned => "unsigned",
            Self::NoKeyHere { .. } => "no-key-here",
            Self::OtherKey { .. } => "other-key",
            Self::Invalid => "invalid",
        }
    }
}

impl fmt::Display for Authenticity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Signed => f.write_str("signed with this installation's key"),
            Self::Unsigned => f.write_str(
                "the archive is not signed, so nothing proves it was made by this installation",
            ),
            Self::NoKeyHere { key_id } => write!(
                f,
                "the archive is signed (key {key_id}) but BACKUP_SIGNING_KEY is not set here, \
                 so the signature cannot be checked"
            ),
            Self::OtherKey { key_id } => write!(
                f,
                "the archive is signed with another key ({key_id}), not this installation's"
            ),
            Self::Invalid => f.write_str(
                "the archive's signature does not match its manifest: it was altered after signing",
            ),
        }
    }
}

/// Checks `sig` (the raw `manifest.sig`, if any) over `manifest` with `key`.
pub(crate) fn authenticity(
    manifest: &[u8],
    sig: Option<&[u8]>,
    key: Option<&SigningKey>,
) -> Authenticity {
    let Some(sig) = sig else {
        return Authenticity::Unsigned;
    };
    let Ok(sig) = serde_json::from_slice::<SignatureFile>(sig) else {
        return Authenticity::Invalid;
    };
    if sig.algorithm != ALGORITHM {
        return Authenticity::Invalid;
    }
    let Some(key) = key else {
        return Authenticity::NoKeyHere { key_id: sig.key_id };
    };
    if sig.key_id != key.id {
        return Authenticity::OtherKey { key_id: sig.key_id };
    }
    let Some(mac) = unhex(&sig.mac) else {
        return Authenticity::Invalid;
    };
    // ring compares in constant time.
    match hmac::verify(&key.key, manifest, &mac) {
        Ok(()) => Authenticity::Signed,
        Err(_) => Authenticity::Invalid,
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn a_signature_checks_only_with_its_key_and_its_manifest() {
        let key = SigningKey::from_hex(KEY).unwrap();
        let other = SigningKey::from_bytes(&[7; 32]);
        let sig = key.sign(b"manifest").unwrap();
        let check = |m: &[u8], k| authenticity(m, Some(&sig), k);
        assert_eq!(check(b"manifest", Some(&key)), Authenticity::Signed);
        assert_eq!(check(b"manifest!", Some(&key)), Authenticity::Invalid);
        assert_eq!(
            check(b"manifest", Some(&other)),
            Authenticity::OtherKey {
                key_id: key.id().to_owned()
            }
        );
        assert_eq!(
            check(b"manifest", None),
            Authenticity::NoKeyHere {
                key_id: key.id().to_owned()
            }
        );
        assert_eq!(
            authenticity(b"manifest", None, Some(&key)),
            Authenticity::Unsigned
        );
        assert_eq!(
            authenticity(b"manifest", Some(b"garbage"), Some(&key)),
            Authenticity::Invalid
        );
    }

    #[test]
    fn keys_must_be_64_hex_characters_and_never_print() {
        assert!(SigningKey::from_hex(&KEY[..62]).is_err());
        assert!(SigningKey::from_hex(&KEY.replace('a', "g")).is_err());
        assert!(SigningKey::from_hex(&format!(" {KEY}\n")).is_ok());
        let key = SigningKey::from_hex(KEY).unwrap();
        assert!(!format!("{key:?}").contains("00112233"));
    }
}
