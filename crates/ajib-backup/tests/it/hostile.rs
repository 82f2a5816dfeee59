//! Hostile backup archives through the whole restore path (verify, approve, restore) into a
//! live install: truncated and damaged archives, traversal and absolute names, links and
//! devices, entries larger than they claim or than allowed, a rewritten manifest, and databases
//! with extra schema objects. Each is refused with an error, the live database keeps its bytes,
//! and nothing is written outside the verifier's own temp dir.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use ajib_backup::{Error, Limits, Trust};
use flate2::{Compression, write::GzEncoder};
use proptest::{prelude::*, test_runner::TestCaseResult};

use crate::{
    KNOWN_SCHEMA, approve, archive_of, check_hostile, db_names, good_archive, key, limits, make_db,
    read, roundtrip::target, tamper::unpack,
};

/// A live install to restore into, and the places a hostile archive might try to write.
struct Install {
    tmp: tempfile::TempDir,
    base: PathBuf,
    db: PathBuf,
    safety_dir: PathBuf,
    outside: PathBuf,
    live_bytes: Vec<u8>,
    /// The good archive's entries, as (name, data).
    good: Vec<(Vec<u8>, Vec<u8>)>,
    good_db: Vec<u8>,
}

impl Install {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("var/lib");
        let data = base.join("ajib");
        std::fs::create_dir_all(&data).unwrap();
        let db = data.join("ajib.db");
        make_db(&db, &["live"], KNOWN_SCHEMA);
        let outside = tmp.path().join("o");
        std::fs::create_dir(&outside).unwrap();
        let archive = good_archive(tmp.path(), KNOWN_SCHEMA);
        let good: Vec<(Vec<u8>, Vec<u8>)> = unpack(&archive)
            .into_iter()
            .map(|raw| (raw.name, raw.data))
            .collect();
        let good_db = good
            .iter()
            .find(|(name, _)| name == b"ajib.db")
            .map(|(_, data)| data.clone())
            .unwrap();
        std::fs::remove_file(&archive).unwrap();
        Self {
            live_bytes: read(&db),
            safety_dir: data.join("backups/pre-restore"),
            tmp,
            base,
            db,
            outside,
            good,
            good_db,
        }
    }

    /// The whole path an owner's restore takes; `Ok` only if the archive was restored.
    fn restore(&self, archive: &Path, limits: &Limits) -> Result<(), Error> {
        let verified = ajib_backup::verify_archive(archive, limits)?;
        let approved = approve(verified, Trust::SignedOnly)?;
        ajib_backup::restore(&approved, &target(&self.base, &self.db, &self.safety_dir)).map(drop)
    }

    /// Writes `bytes` as an archive, restores it, and checks it was refused and changed nothing.
    fn check_refused(&self, bytes: &[u8], limits: &Limits, escapes: &[PathBuf]) -> TestCaseResult {
        let archive = self.tmp.path().join("hostile.tar.gz");
        std::fs::write(&archive, bytes).unwrap();
        let res = self.restore(&archive, limits);
        std::fs::remove_file(&archive).unwrap();
        let Err(err) = res else {
            return Err(TestCaseError::fail("a hostile archive was restored"));
        };
        prop_assert!(!err.to_string().is_empty());
        self.check_unchanged(escapes)
    }

    fn check_unchanged(&self, escapes: &[PathBuf]) -> TestCaseResult {
        prop_assert!(
            read(&self.db) == self.live_bytes,
            "the live database changed"
        );
        prop_assert!(!self.safety_dir.exists(), "a safety copy was made");
        let outside: Vec<_> = std::fs::read_dir(&self.outside).unwrap().collect();
        prop_assert!(outside.is_empty(), "written outside: {outside:?}");
        for path in escapes {
            prop_assert!(!path.exists(), "written outside: {}", path.display());
        }
        Ok(())
    }
}

/// One tar entry, written with no safety checks at all.
#[derive(Debug, Clone)]
struct Entry {
    name: Vec<u8>,
    kind: tar::EntryType,
    data: Vec<u8>,
    link: Vec<u8>,
    /// The size the header claims, if not the data's.
    claimed: Option<u64>,
}

impl Entry {
    fn regular(name: &[u8], data: &[u8]) -> Self {
        Self {
            name: name.to_vec(),
            kind: tar::EntryType::Regular,
            data: data.to_vec(),
            link: Vec::new(),
            claimed: None,
        }
    }
}

fn tar_gz(entries: &[Entry]) -> Vec<u8> {
    let mut out = GzEncoder::new(Vec::new(), Compression::fast());
    for entry in entries {
        let mut header = tar::Header::new_old();
        let name = &entry.name[..entry.name.len().min(100)];
        header.as_old_mut().name[..name.len()].copy_from_slice(name);
        let link = &entry.link[..entry.link.len().min(100)];
        header.as_old_mut().linkname[..link.len()].copy_from_slice(link);
        header.set_entry_type(entry.kind);
        header.set_mode(0o600);
        header.set_size(entry.claimed.unwrap_or(entry.data.len() as u64));
        header.set_cksum();
        out.write_all(header.as_bytes()).unwrap();
        out.write_all(&entry.data).unwrap();
        let pad = (512 - entry.data.len() % 512) % 512;
        out.write_all(&vec![0; pad]).unwrap();
    }
    out.write_all(&[0; 1024]).unwrap();
    out.finish().unwrap()
}

fn good_entries(install: &Install) -> Vec<Entry> {
    install
        .good
        .iter()
        .map(|(name, data)| Entry::regular(name, data))
        .collect()
}

#[test]
fn hostile_truncated_and_damaged_archives() {
    let install = Install::new();
    let good = tar_gz(&good_entries(&install));
    let damage = prop_oneof![
        any::<prop::sample::Index>().prop_map(|it| (Some(it), Vec::new())),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
            .prop_map(|flips| (None, flips)),
    ];
    check_hostile("backup/damaged", damage, |(cut, flips)| {
        let mut bytes = good.clone();
        if let Some(cut) = cut {
            bytes.truncate(cut.index(good.len()));
        }
        for (at, byte) in &flips {
            let at = at.index(bytes.len());
            bytes[at] = *byte;
        }
        if bytes == good {
            return Ok(());
        }
        if cut.is_some() {
            return install.check_refused(&bytes, &limits(), &[]);
        }
        // A flip in the gzip header's time or OS byte changes no content: such an archive may
        // pass verification, but only with the signed original's database.
        let archive = install.tmp.path().join("flipped.tar.gz");
        std::fs::write(&archive, &bytes).unwrap();
        let approved = ajib_backup::verify_archive(&archive, &limits())
            .and_then(|it| approve(it, Trust::SignedOnly));
        std::fs::remove_file(&archive).unwrap();
        if let Ok(approved) = approved {
            prop_assert!(
                read(&approved.db_path()) == install.good_db,
                "altered data approved"
            );
        }
        install.check_unchanged(&[])
    });
}

/// Names an entry might use to land outside the unpack dir, or to confuse it.
fn hostile_name(outside: &Path) -> impl Strategy<Value = (Vec<u8>, Option<PathBuf>)> {
    let outside = outside.to_owned();
    let temp = std::env::temp_dir();
    let unique = "[a-z]{12}";
    prop_oneof![
        unique.prop_map(move |it| {
            let name = format!("../ajib-hostile-{it}");
            (
                name.into_bytes(),
                Some(temp.join(format!("ajib-hostile-{it}"))),
            )
        }),
        unique.prop_map(move |it| {
            let path = outside.join(&it);
            (path.to_string_lossy().as_bytes().to_vec(), Some(path))
        }),
        prop::sample::select(vec![
            "./ajib.db",
            "ajib.db/",
            ".",
            "..",
            "",
            "/",
            "//ajib.db",
            "a/../ajib.db",
            "ajib.db/..",
            "ajib.db\\..\\x",
            "..\\ajib.db",
            "\u{2215}ajib.db",
            "ajib.db\0x",
            "AJIB.DB",
            "ajib.db ",
            "manifest.json",
            "ajib.db",
            "ajib.env",
            "plans.json",
            "manifest.sig",
            "evil.sh",
        ])
        .prop_map(|it| (it.as_bytes().to_vec(), None)),
        prop::collection::vec(any::<u8>(), 0..100).prop_map(|it| (it, None)),
    ]
}

fn kind() -> impl Strategy<Value = tar::EntryType> {
    prop::sample::select(vec![
        tar::EntryType::Regular,
        tar::EntryType::Symlink,
        tar::EntryType::Link,
        tar::EntryType::Char,
        tar::EntryType::Block,
        tar::EntryType::Fifo,
        tar::EntryType::Directory,
        tar::EntryType::Continuous,
        tar::EntryType::GNUSparse,
        tar::EntryType::new(b'x'),
        tar::EntryType::new(b'Z'),
    ])
}

#[test]
fn hostile_entries() {
    let install = Install::new();
    let outside = install.outside.clone();
    let link_target = outside.join("victim").to_string_lossy().into_owned();
    let strategy = (
        hostile_name(&outside),
        kind(),
        prop::sample::select(vec![
            "/etc/shadow".to_owned(),
            "../x".to_owned(),
            link_target,
        ]),
        prop::collection::vec(any::<u8>(), 0..64),
        any::<prop::sample::Index>(),
        any::<bool>(),
    );
    check_hostile(
        "backup/entries",
        strategy,
        |((name, escape), kind, link, data, at, replace)| {
            let mut entries = good_entries(&install);
            let entry = Entry {
                name,
                kind,
                data,
                link: link.into_bytes(),
                claimed: None,
            };
            let at = at.index(entries.len());
            if replace {
                entries[at] = entry;
            } else {
                entries.insert(at, entry);
            }
            let escapes: Vec<PathBuf> = escape.into_iter().collect();
            install.check_refused(&tar_gz(&entries), &limits(), &escapes)
        },
    );
}

#[test]
fn hostile_pax_paths() {
    // A pax header renames the entry after it: the name checked is the one it gives.
    let install = Install::new();
    let temp = std::env::temp_dir();
    let outside = install.outside.clone();
    let strategy = ("[a-z]{12}", any::<bool>(), any::<prop::sample::Index>());
    check_hostile("backup/pax", strategy, |(unique, absolute, at)| {
        let escape = match absolute {
            true => outside.join(&unique),
            false => temp.join(format!("ajib-hostile-{unique}")),
        };
        let value = match absolute {
            true => escape.to_string_lossy().into_owned(),
            false => format!("../ajib-hostile-{unique}"),
        };
        let mut entries = good_entries(&install);
        let at = at.index(entries.len());
        let mut pax = Entry::regular(b"PaxHeaders/x", &pax_record("path", &value));
        pax.kind = tar::EntryType::XHeader;
        entries.insert(at, pax);
        install.check_refused(&tar_gz(&entries), &limits(), &[escape])
    });
}

/// One pax record: `<length> <key>=<value>\n`, the length counting itself.
fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}").into_bytes()
}

#[test]
fn hostile_sizes() {
    let install = Install::new();
    let strategy = (
        any::<prop::sample::Index>(),
        prop_oneof![
            // The header claims more than follows.
            (1..1_u64 << 40).prop_map(|extra| (Some(extra), None)),
            // Entries larger than the limits allow.
            (1..8192_u64).prop_map(|limit| (None, Some(limit))),
        ],
    );
    check_hostile("backup/sizes", strategy, |(which, (extra, limit))| {
        let mut entries = good_entries(&install);
        let largest = entries.iter().map(|it| it.data.len() as u64).max().unwrap();
        let mut limits = limits();
        if let Some(extra) = extra {
            let entry = which.get_mut(&mut entries);
            entry.claimed = Some(entry.data.len() as u64 + extra);
        }
        if let Some(limit) = limit {
            let limit = limit % largest;
            limits.max_file_bytes = limit;
            limits.max_total_bytes = limit.saturating_mul(2);
        }
        install.check_refused(&tar_gz(&entries), &limits, &[])
    });
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "../x",
            "/etc/passwd",
            "ajib.db",
            "manifest.json",
            "00"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,12}", inner), 0..4)
                .prop_map(|it| Value::Object(it.into_iter().collect())),
        ]
    })
}

#[test]
fn hostile_manifests() {
    let install = Install::new();
    let strategy = (any::<prop::sample::Index>(), json_value());
    check_hostile("backup/manifest", strategy, |(which, replacement)| {
        let mut entries = good_entries(&install);
        let manifest = entries
            .iter_mut()
            .find(|it| it.name == b"manifest.json")
            .unwrap();
        let mut value: serde_json::Value = serde_json::from_slice(&manifest.data).unwrap();
        let mut pointers = Vec::new();
        collect_pointers(&value, "", &mut pointers);
        let pointer = which.get(&pointers);
        if let Some(slot) = value.pointer_mut(pointer) {
            if *slot == replacement {
                return Ok(());
            }
            *slot = replacement;
        }
        manifest.data = serde_json::to_vec(&value).unwrap();
        // Unsigned by our key now, whatever else holds.
        install.check_refused(&tar_gz(&entries), &limits(), &[])
    });
}

fn collect_pointers(value: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    out.push(at.to_owned());
    match value {
        serde_json::Value::Object(members) => {
            for (name, member) in members {
                collect_pointers(member, &format!("{at}/{name}"), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (idx, item) in items.iter().enumerate() {
                collect_pointers(item, &format!("{at}/{idx}"), out);
            }
        }
        _ => (),
    }
}

/// SQL adding one schema object the migrations do not create.
fn extra_object() -> impl Strategy<Value = String> {
    let name = "x_[a-z0-9_]{0,10}";
    prop_oneof![
        name.prop_map(|n| format!("CREATE TABLE \"{n}\" (a);")),
        name.prop_map(|n| format!("CREATE VIEW \"{n}\" AS SELECT name FROM users;")),
        name.prop_map(|n| format!(
            "CREATE TRIGGER \"{n}\" AFTER INSERT ON users BEGIN UPDATE users SET name = 'x'; END;"
        )),
        name.prop_map(|n| format!("CREATE INDEX \"{n}\" ON users (name);")),
        name.prop_map(|n| format!("ALTER TABLE users ADD COLUMN \"{n}\" INTEGER;")),
    ]
}

#[test]
fn hostile_schema_objects() {
    let install = Install::new();
    let strategy = prop::collection::vec(extra_object(), 1..3);
    check_hostile("backup/schema", strategy, |objects| {
        let sql = objects.concat();
        let dir = tempfile::tempdir_in(install.tmp.path()).unwrap();
        // Signed with our own key: the schema check must not rest on the signature.
        let archive = archive_of(dir.path(), KNOWN_SCHEMA, Some(key()), |conn| {
            // Two random objects may share a name; the first one is the extra object then.
            let _ = conn.execute_batch(&sql);
        });
        match install.restore(&archive, &limits()) {
            Err(Error::SchemaDiffers { difference }) => prop_assert!(!difference.is_empty()),
            other => prop_assert!(false, "{sql}: expected SchemaDiffers, got {other:?}"),
        }
        prop_assert_eq!(db_names(&install.db), ["live"]);
        install.check_unchanged(&[])
    });
}
