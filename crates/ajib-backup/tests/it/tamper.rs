//! Every way a damaged or hostile archive must be refused, each with its own error.

use std::path::Path;

use ajib_backup::Limits;
use flate2::{Compression, write::GzEncoder};

use crate::{KNOWN_SCHEMA, good_archive, limits, read};

/// One raw tar entry, written without the safety checks of `tar::Builder`.
pub struct Raw {
    pub name: Vec<u8>,
    kind: tar::EntryType,
    pub data: Vec<u8>,
    link: Option<&'static str>,
}

/// Unpacks a good archive into raw entries, lets `edit` damage them, repacks, and
/// checks that verification fails with `expected` (a variant name).
fn check(edit: impl FnOnce(&mut Vec<Raw>), limits: &Limits, expected: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let mut entries = unpack(&good_archive(tmp.path(), KNOWN_SCHEMA));
    edit(&mut entries);
    let bad = tmp.path().join("bad.tar.gz");
    std::fs::write(&bad, pack(&entries)).unwrap();
    check_file(&bad, limits, expected);
}

fn check_file(path: &Path, limits: &Limits, expected: &str) {
    let err = ajib_backup::verify_archive(path, limits).unwrap_err();
    let debug = format!("{err:?}");
    assert!(
        debug.starts_with(expected),
        "expected {expected}, got {debug} ({err})"
    );
    assert!(!err.to_string().is_empty());
}

pub fn unpack(path: &Path) -> Vec<Raw> {
    let bytes = read(path);
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    let mut res = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path_bytes().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        res.push(Raw {
            name,
            kind: tar::EntryType::Regular,
            data,
            link: None,
        });
    }
    res
}

pub fn pack(entries: &[Raw]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    for raw in entries {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..raw.name.len()].copy_from_slice(&raw.name);
        header.set_entry_type(raw.kind);
        header.set_mode(0o600);
        header.set_size(raw.data.len() as u64);
        if let Some(link) = raw.link {
            header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
        header.set_cksum();
        builder.append(&header, &raw.data[..]).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

pub fn entry<'a>(entries: &'a mut [Raw], name: &str) -> &'a mut Raw {
    entries
        .iter_mut()
        .find(|e| e.name == name.as_bytes())
        .unwrap()
}

pub fn edit_manifest(entries: &mut [Raw], f: impl FnOnce(&mut serde_json::Value)) {
    let manifest = entry(entries, "manifest.json");
    let mut value: serde_json::Value = serde_json::from_slice(&manifest.data).unwrap();
    f(&mut value);
    manifest.data = serde_json::to_vec(&value).unwrap();
}

fn regular(name: &str, data: &[u8]) -> Raw {
    Raw {
        name: name.as_bytes().to_vec(),
        kind: tar::EntryType::Regular,
        data: data.to_vec(),
        link: None,
    }
}

#[test]
fn flipped_byte_in_db() {
    check(
        |e| entry(e, "ajib.db").data[200] ^= 0x55,
        &limits(),
        "ChecksumMismatch",
    );
}

#[test]
fn manifest_checksum_mismatch() {
    check(
        |e| edit_manifest(e, |m| m["files"][0]["sha256"] = "00".repeat(32).into()),
        &limits(),
        "ChecksumMismatch",
    );
}

#[test]
fn manifest_size_mismatch() {
    check(
        |e| edit_manifest(e, |m| m["files"][1]["size"] = 1.into()),
        &limits(),
        "SizeMismatch",
    );
}

#[test]
fn extra_known_file_not_in_manifest() {
    check(
        |e| e.retain(|r| r.name != b"plans.json"),
        &limits(),
        "MissingFile",
    );
    check(
        |e| {
            edit_manifest(e, |m| {
                m["files"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|f| f["name"] != "plans.json")
            })
        },
        &limits(),
        "UnlistedFile",
    );
}

#[test]
fn extra_unknown_file() {
    check(
        |e| e.push(regular("evil.sh", b"rm -rf /")),
        &limits(),
        "UnknownEntry",
    );
}

#[test]
fn duplicate_entry() {
    check(
        |e| e.push(regular("ajib.env", b"X=1\n")),
        &limits(),
        "DuplicateEntry",
    );
}

#[test]
fn path_traversal() {
    check(
        |e| e.push(regular("../ajib.db", b"x")),
        &limits(),
        "UnsafePath",
    );
    check(
        |e| e.push(regular("/etc/cron.d/evil", b"x")),
        &limits(),
        "UnsafePath",
    );
    check(
        |e| e.push(regular("sub/ajib.db", b"x")),
        &limits(),
        "UnsafePath",
    );
    check(|e| e.push(regular("..", b"")), &limits(), "UnsafePath");
}

#[test]
fn symlink_hardlink_and_device_entries() {
    let link = |kind| Raw {
        name: b"ajib.env".to_vec(),
        kind,
        data: Vec::new(),
        link: Some("/etc/shadow"),
    };
    check(
        |e| e.retain(|r| r.name != b"ajib.env"),
        &limits(),
        "MissingFile",
    );
    check(
        |e| {
            e.retain(|r| r.name != b"ajib.env");
            e.push(link(tar::EntryType::Symlink))
        },
        &limits(),
        "ForbiddenEntryType",
    );
    check(
        |e| {
            e.retain(|r| r.name != b"ajib.env");
            e.push(link(tar::EntryType::Link))
        },
        &limits(),
        "ForbiddenEntryType",
    );
    check(
        |e| {
            e.push(Raw {
                kind: tar::EntryType::Char,
                ..regular("plans.json", b"")
            })
        },
        &limits(),
        "ForbiddenEntryType",
    );
    check(
        |e| {
            e.push(Raw {
                kind: tar::EntryType::Directory,
                ..regular("plans.json", b"")
            })
        },
        &limits(),
        "ForbiddenEntryType",
    );
}

#[test]
fn truncated_gzip() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = read(&good_archive(tmp.path(), KNOWN_SCHEMA));
    for len in [bytes.len() / 2, bytes.len() - 4, 5] {
        let bad = tmp.path().join("short.tar.gz");
        std::fs::write(&bad, &bytes[..len]).unwrap();
        check_file(&bad, &limits(), "Corrupt");
    }
}

#[test]
fn not_gzip_at_all() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("plain.tar.gz");
    std::fs::write(&bad, b"this is not an archive").unwrap();
    check_file(&bad, &limits(), "Corrupt");
}

#[test]
fn oversized_entry() {
    let small = Limits {
        max_file_bytes: 1024,
        ..limits()
    };
    check(|_| (), &small, "EntryTooLarge");
    let small_total = Limits {
        max_total_bytes: 4096,
        ..limits()
    };
    check(
        |e| entry(e, "plans.json").data = vec![b' '; 3000],
        &small_total,
        "ArchiveTooLarge",
    );
}

#[test]
fn zip_bomb_is_cut_off() {
    // 64 MiB of zeros compresses to ~64 KiB; the limit stops it long before the disk fills.
    let bomb = Limits {
        max_file_bytes: 1 << 20,
        max_total_bytes: 1 << 20,
        ..limits()
    };
    check(
        |e| entry(e, "plans.json").data = vec![0; 64 << 20],
        &bomb,
        "EntryTooLarge",
    );
}

#[test]
fn future_schema_version() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = good_archive(tmp.path(), KNOWN_SCHEMA + 1);
    check_file(&archive, &limits(), "SchemaTooNew");
}

#[test]
fn manifest_problems() {
    check(
        |e| e.retain(|r| r.name != b"manifest.json"),
        &limits(),
        "MissingManifest",
    );
    check(
        |e| entry(e, "manifest.json").data = b"{not json".to_vec(),
        &limits(),
        "BadManifest",
    );
    check(
        |e| edit_manifest(e, |m| m["format_version"] = 99.into()),
        &limits(),
        "UnsupportedFormat",
    );
    check(
        |e| edit_manifest(e, |m| m["schema_version"] = 1.into()),
        &limits(),
        "SchemaMismatch",
    );
}

#[test]
fn garbage_db_with_matching_checksums() {
    check(
        |e| {
            let garbage = b"SQLite format 3\0 but not really".repeat(100);
            let sha = hex(ring::digest::digest(&ring::digest::SHA256, &garbage).as_ref());
            entry(e, "ajib.db").data = garbage.clone();
            edit_manifest(e, |m| {
                m["files"][0]["size"] = garbage.len().into();
                m["files"][0]["sha256"] = sha.into();
            });
        },
        &limits(),
        "DbUnreadable",
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
