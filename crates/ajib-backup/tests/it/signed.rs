//! Signatures (who made an archive) and schemas (what its database would run) before a restore.

use std::path::Path;

use ajib_backup::{Authenticity, Error, SigningKey, Trust};

use crate::{
    KNOWN_SCHEMA, approve, archive_of, good_archive, key, limits,
    tamper::{edit_manifest, entry, pack, unpack},
};

fn verify(path: &Path) -> ajib_backup::VerifiedArchive {
    ajib_backup::verify_archive(path, &limits()).unwrap()
}

/// Approving `path` without confirmation fails as not authentic, with `expected`; confirmed, it passes.
fn check_needs_confirmation(path: &Path, expected: &Authenticity) {
    match approve(verify(path), Trust::SignedOnly) {
        Err(Error::NotAuthentic { authenticity }) => assert_eq!(&authenticity, expected),
        other => panic!("expected NotAuthentic({expected:?}), got {other:?}"),
    }
    let approved = approve(verify(path), Trust::AllowUnsigned).unwrap();
    assert_eq!(approved.authenticity(), expected);
}

/// Re-packs the good, signed archive after `edit`, into `dir/edited.tar.gz`.
fn edited(dir: &Path, edit: impl FnOnce(&mut Vec<crate::tamper::Raw>)) -> std::path::PathBuf {
    let mut entries = unpack(&good_archive(dir, KNOWN_SCHEMA));
    edit(&mut entries);
    let path = dir.join("edited.tar.gz");
    std::fs::write(&path, pack(&entries)).unwrap();
    path
}

#[test]
fn an_archive_signed_with_our_key_is_approved_without_asking() {
    let tmp = tempfile::tempdir().unwrap();
    let approved = approve(
        verify(&good_archive(tmp.path(), KNOWN_SCHEMA)),
        Trust::SignedOnly,
    );
    assert_eq!(*approved.unwrap().authenticity(), Authenticity::Signed);
}

#[test]
fn unsigned_foreign_and_unverifiable_archives_need_the_owners_confirmation() {
    let tmp = tempfile::tempdir().unwrap();
    let unsigned = archive_of(tmp.path(), KNOWN_SCHEMA, None, |_| ());
    check_needs_confirmation(&unsigned, &Authenticity::Unsigned);

    let other = SigningKey::from_bytes(&[0x17; 32]);
    let foreign = archive_of(tmp.path(), KNOWN_SCHEMA, Some(other.clone()), |_| ());
    check_needs_confirmation(
        &foreign,
        &Authenticity::OtherKey {
            key_id: other.id().to_owned(),
        },
    );

    // This installation has no key: a signed archive cannot be checked either.
    let signed = good_archive(tmp.path(), KNOWN_SCHEMA);
    let err = verify(&signed)
        .approve(None, Trust::SignedOnly, &crate::migrate)
        .unwrap_err();
    assert!(
        err.to_string().contains("BACKUP_SIGNING_KEY is not set"),
        "{err}"
    );
}

#[test]
fn a_manifest_or_file_changed_after_signing_fails_the_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let renamed_host = edited(tmp.path(), |e| {
        edit_manifest(e, |m| m["host"] = "elsewhere".into());
    });
    check_needs_confirmation(&renamed_host, &Authenticity::Invalid);

    // New plans with the manifest's checksum updated to match: well formed, but not ours.
    let new_plans = edited(tmp.path(), |e| {
        let plans = br#"[{"name":"free","price":"0.00"}]"#.to_vec();
        let sha = hex(ring::digest::digest(&ring::digest::SHA256, &plans).as_ref());
        let size = plans.len();
        entry(e, "plans.json").data = plans;
        edit_manifest(e, |m| {
            for file in m["files"].as_array_mut().unwrap() {
                if file["name"] == "plans.json" {
                    file["sha256"] = sha.clone().into();
                    file["size"] = size.into();
                }
            }
        });
    });
    check_needs_confirmation(&new_plans, &Authenticity::Invalid);

    // Stripping the signature makes it merely unsigned, which still needs confirmation.
    let stripped = edited(tmp.path(), |e| e.retain(|r| r.name != b"manifest.sig"));
    check_needs_confirmation(&stripped, &Authenticity::Unsigned);
}

#[test]
fn extra_or_altered_schema_objects_are_refused_even_when_confirmed() {
    let cases: [(&str, &str); 5] = [
        (
            "CREATE TRIGGER mark_paid AFTER INSERT ON users BEGIN UPDATE users SET name = 'x'; END;",
            "trigger \"mark_paid\"",
        ),
        (
            "CREATE VIEW paid AS SELECT name FROM users;",
            "view \"paid\"",
        ),
        ("CREATE TABLE backdoor (x);", "table \"backdoor\""),
        (
            "CREATE INDEX users_by_name ON users (name);",
            "index \"users_by_name\"",
        ),
        (
            "ALTER TABLE users ADD COLUMN paid INTEGER;",
            "table \"users\" (on users) differs",
        ),
    ];
    for (sql, named) in cases {
        let tmp = tempfile::tempdir().unwrap();
        // Signed with our key: the schema check does not rest on the signature.
        let path = archive_of(tmp.path(), KNOWN_SCHEMA, Some(key()), |conn| {
            conn.execute_batch(sql).unwrap();
        });
        for trust in [Trust::SignedOnly, Trust::AllowUnsigned] {
            match approve(verify(&path), trust) {
                Err(Error::SchemaDiffers { difference }) => {
                    assert!(difference.contains(named), "{sql}: {difference}");
                }
                other => panic!("{sql}: expected SchemaDiffers, got {other:?}"),
            }
        }
    }
}

#[test]
fn a_missing_table_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = archive_of(tmp.path(), KNOWN_SCHEMA, Some(key()), |conn| {
        conn.execute_batch("DROP TABLE users;").unwrap();
    });
    let err = approve(verify(&path), Trust::AllowUnsigned).unwrap_err();
    assert!(
        err.to_string().contains("lacks the table \"users\""),
        "{err}"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
