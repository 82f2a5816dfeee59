//! Release signing: `SHA256SUMS` beside the tarball and `SHA256SUMS.sig`, its detached ed25519 signature.
//!
//! `SHA256SUMS` lists the tarball itself and every file of the unpacked release
//! (`ajib-<version>-<target>/...`), so both `sha256sum -c --ignore-missing SHA256SUMS`
//! before unpacking and `deploy/install.sh` after unpacking can check them.
//! `SHA256SUMS.sig` is the raw 64-byte ed25519 signature over the file's bytes, which
//! `openssl pkeyutl -verify -pubin -rawin` checks against the key embedded in install.sh.
//!
//! The signing key is a PKCS#8 file: DER as `cargo xtask keygen` writes it, or PEM as
//! `openssl genpkey -algorithm ed25519` does. Its bytes are never printed.

use std::{
    fmt, fs,
    io::Write,
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use base64::Engine;
use ring::{
    rand::SystemRandom,
    signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey},
};

/// The environment variable naming the signing key file when `--sign-key` is not given.
pub const KEY_ENV: &str = "AJIB_RELEASE_SIGNING_KEY_FILE";
/// The checksum list written beside the tarball.
pub const SUMS: &str = "SHA256SUMS";
/// Its detached signature.
pub const SIG: &str = "SHA256SUMS.sig";

/// The DER header of an ed25519 SubjectPublicKeyInfo; the 32 key bytes follow it.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// A release signing key; `Debug` shows only the public half.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    source: PathBuf,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public_base64())
            .field("source", &self.source)
            .finish()
    }
}

impl SigningKey {
    /// Reads a PKCS#8 ed25519 private key (DER or PEM).
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let bytes = fs::read(path)
            .with_context(|| format!("cannot read the signing key {}", path.display()))?;
        let der = match bytes.starts_with(b"-----BEGIN") {
            true => pem_body(&bytes, "PRIVATE KEY")
                .with_context(|| format!("{} is not a PEM private key", path.display()))?,
            false => bytes,
        };
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).map_err(|_| {
            anyhow::anyhow!(
                "{} is not a PKCS#8 ed25519 private key (make one with `cargo xtask keygen FILE`)",
                path.display()
            )
        })?;
        Ok(Self {
            pair,
            source: path.to_owned(),
        })
    }

    /// The public key as install.sh embeds it: base64 of the SubjectPublicKeyInfo DER.
    #[must_use]
    pub fn public_base64(&self) -> String {
        public_base64(self.pair.public_key().as_ref())
    }

    /// The detached signature of `message`.
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// The key `--sign-key` names, else `$AJIB_RELEASE_SIGNING_KEY_FILE`, else none.
pub fn signing_key(flag: Option<&Path>) -> anyhow::Result<Option<SigningKey>> {
    let path = match flag {
        Some(path) => path.to_owned(),
        None => match std::env::var_os(KEY_ENV).filter(|it| !it.is_empty()) {
            Some(path) => PathBuf::from(path),
            None => return Ok(None),
        },
    };
    SigningKey::load(&path).map(Some)
}

/// `cargo xtask keygen OUT`: a new key pair; the private key goes to `OUT` (0600, never overwritten).
pub fn keygen(out: &Path) -> anyhow::Result<()> {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
        .map_err(|_| anyhow::anyhow!("the system random generator failed"))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| anyhow::anyhow!("ring rejected the key it generated"))?;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(out)
        .with_context(|| format!("cannot create {} (it must not exist yet)", out.display()))?;
    file.write_all(pkcs8.as_ref())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", out.display()))?;
    let public = public_base64(pair.public_key().as_ref());
    let pub_path = PathBuf::from(format!("{}.pub.pem", out.display()));
    fs::write(&pub_path, public_pem(&public))
        .with_context(|| format!("cannot write {}", pub_path.display()))?;
    println!("private key (PKCS#8 DER, mode 0600): {}", out.display());
    println!(
        "public key (PEM):                    {}",
        pub_path.display()
    );
    println!();
    println!("For deploy/install.sh, deploy/update.sh and README.md:");
    println!("RELEASE_PUBKEY=\"{public}\"");
    println!();
    println!(
        "Sign a release with it: cargo xtask dist --sign-key {}",
        out.display()
    );
    println!(
        "Or keep install.sh as it is and install with AJIB_RELEASE_PUBKEY_FILE={}",
        pub_path.display()
    );
    Ok(())
}

/// Writes `SHA256SUMS` in `dist_dir` over `files` (paths relative to it) and, with a key, `SHA256SUMS.sig`.
///
/// A signature left from an earlier build is removed first, so an unsigned build never
/// sits beside a stale signature.
pub fn write_release_sums(
    dist_dir: &Path,
    files: &[String],
    key: Option<&SigningKey>,
    embedded_key: Option<&str>,
) -> anyhow::Result<()> {
    let sums = sha256sums(dist_dir, files)?;
    fs::write(dist_dir.join(SUMS), &sums).context("cannot write SHA256SUMS")?;
    let sig_path = dist_dir.join(SIG);
    if sig_path.exists() {
        fs::remove_file(&sig_path).context("cannot remove an old SHA256SUMS.sig")?;
    }
    let Some(key) = key else {
        println!();
        println!("WARNING: this release is UNSIGNED (no --sign-key and no ${KEY_ENV}).");
        println!("         install.sh and update.sh refuse it unless run with --allow-unsigned.");
        println!("         Make a key once with `cargo xtask keygen FILE`.");
        println!();
        return Ok(());
    };
    let signature = key.sign(sums.as_bytes());
    verify(&key.public_base64(), sums.as_bytes(), &signature)
        .context("the signature just made does not verify")?;
    fs::write(&sig_path, &signature).context("cannot write SHA256SUMS.sig")?;
    println!("signed SHA256SUMS with key {}", key.public_base64());
    match embedded_key {
        Some(embedded) if embedded == key.public_base64() => {
            println!("the key is the one deploy/install.sh trusts");
        }
        _ => {
            println!();
            println!("WARNING: deploy/install.sh embeds another public key; installs of this");
            println!("         release need AJIB_RELEASE_PUBKEY_FILE pointing at this key's PEM,");
            println!("         or RELEASE_PUBKEY in install.sh/update.sh set to the key above.");
            println!();
        }
    }
    Ok(())
}

/// `RELEASE_PUBKEY="..."` from deploy/install.sh.
#[must_use]
pub fn embedded_public_key(install_sh: &str) -> Option<String> {
    install_sh.lines().find_map(|line| {
        line.strip_prefix("RELEASE_PUBKEY=\"")
            .and_then(|rest| rest.strip_suffix('"'))
            .map(str::to_owned)
    })
}

/// `sha256sum` output for `files` under `dir`: `<hex>  <path>` lines in the given order.
fn sha256sums(dir: &Path, files: &[String]) -> anyhow::Result<String> {
    let mut res = String::new();
    for file in files {
        let bytes = fs::read(dir.join(file)).with_context(|| format!("cannot read {file}"))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
        for byte in digest.as_ref() {
            res.push_str(&format!("{byte:02x}"));
        }
        res.push_str("  ");
        res.push_str(file);
        res.push('\n');
    }
    Ok(res)
}

fn verify(public_base64: &str, message: &[u8], signature: &[u8]) -> anyhow::Result<()> {
    let spki = base64::engine::general_purpose::STANDARD
        .decode(public_base64)
        .context("bad base64 public key")?;
    let Some(raw) = spki.strip_prefix(&SPKI_PREFIX[..]) else {
        bail!("not an ed25519 public key");
    };
    UnparsedPublicKey::new(&ED25519, raw)
        .verify(message, signature)
        .map_err(|_| anyhow::anyhow!("bad signature"))
}

fn public_base64(raw: &[u8]) -> String {
    let mut spki = SPKI_PREFIX.to_vec();
    spki.extend_from_slice(raw);
    base64::engine::general_purpose::STANDARD.encode(spki)
}

fn public_pem(base64: &str) -> String {
    format!("-----BEGIN PUBLIC KEY-----\n{base64}\n-----END PUBLIC KEY-----\n")
}

/// The DER inside a PEM block with the given label.
fn pem_body(pem: &[u8], label: &str) -> anyhow::Result<Vec<u8>> {
    let text = std::str::from_utf8(pem).context("not text")?;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin).context("no BEGIN line")? + begin.len();
    let stop = text[start..].find(&end).context("no END line")? + start;
    let body: String = text[start..stop].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .context("bad base64")
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    fn have_openssl() -> bool {
        Command::new("openssl")
            .arg("version")
            .output()
            .is_ok_and(|it| it.status.success())
    }

    #[test]
    fn keygen_key_signs_what_openssl_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("release.key");
        keygen(&key_path).unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&key_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(
            keygen(&key_path).is_err(),
            "keygen must not overwrite a key"
        );

        let key = SigningKey::load(&key_path).unwrap();
        assert!(!format!("{key:?}").contains(&format!("{:?}", fs::read(&key_path).unwrap())));
        fs::create_dir(dir.path().join("ajib-x")).unwrap();
        fs::write(dir.path().join("ajib-x/ajib-bot"), b"binary").unwrap();
        fs::write(dir.path().join("ajib-x.tar.gz"), b"tarball").unwrap();
        let files = ["ajib-x.tar.gz".to_owned(), "ajib-x/ajib-bot".to_owned()];
        write_release_sums(dir.path(), &files, Some(&key), None).unwrap();
        let sums = fs::read_to_string(dir.path().join(SUMS)).unwrap();
        assert!(sums.ends_with("  ajib-x/ajib-bot\n"), "{sums}");
        let sig = fs::read(dir.path().join(SIG)).unwrap();
        assert_eq!(sig.len(), 64);
        verify(&key.public_base64(), sums.as_bytes(), &sig).unwrap();
        assert!(verify(&key.public_base64(), b"other", &sig).is_err());

        // An unsigned build leaves no stale signature behind.
        write_release_sums(dir.path(), &files, None, None).unwrap();
        assert!(!dir.path().join(SIG).exists());
        write_release_sums(dir.path(), &files, Some(&key), None).unwrap();

        if !have_openssl() {
            println!("note: openssl not installed; skipping the cross-check");
            return;
        }
        let pem = PathBuf::from(format!("{}.pub.pem", key_path.display()));
        let check = |sums: &Path| {
            Command::new("openssl")
                .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
                .arg(&pem)
                .arg("-in")
                .arg(sums)
                .arg("-sigfile")
                .arg(dir.path().join(SIG))
                .output()
                .unwrap()
                .status
                .success()
        };
        assert!(check(&dir.path().join(SUMS)));
        fs::write(
            dir.path().join("tampered"),
            sums.replace("ajib-bot", "ajib-bat"),
        )
        .unwrap();
        assert!(!check(&dir.path().join("tampered")));
    }

    #[test]
    fn openssl_pem_keys_load() {
        if !have_openssl() {
            println!("note: openssl not installed; skipping");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("k.pem");
        let made = Command::new("openssl")
            .args(["genpkey", "-algorithm", "ed25519", "-out"])
            .arg(&key_path)
            .status()
            .unwrap();
        assert!(made.success());
        let key = SigningKey::load(&key_path).unwrap();
        let public = Command::new("openssl")
            .args(["pkey", "-pubout", "-in"])
            .arg(&key_path)
            .output()
            .unwrap();
        let public = String::from_utf8(public.stdout).unwrap();
        assert!(public.contains(&key.public_base64()), "{public}");
    }

    #[test]
    fn the_embedded_key_is_found() {
        let text = "#!/bin/sh\n# comment\nRELEASE_PUBKEY=\"MCow\"\nX=1\n";
        assert_eq!(embedded_public_key(text).as_deref(), Some("MCow"));
        assert_eq!(embedded_public_key("X=1\n"), None);
    }

    #[test]
    fn garbage_is_not_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        fs::write(&path, b"not a key at all").unwrap();
        let err = SigningKey::load(&path).unwrap_err().to_string();
        assert!(!err.contains("not a key at all"), "{err}");
    }
}
