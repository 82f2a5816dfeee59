//! Hostile callback data: whatever a client sends as a button's data decodes to `None` unless it
//! is exactly what this version would have written, and nothing panics.

use ajib_app::callback::Callback;
use proptest::{prelude::*, test_runner::TestCaseResult};

use crate::check_hostile;

/// The one oracle: `decode` accepts only the canonical wire form of a callback.
fn check_decode(data: &str) -> TestCaseResult {
    match Callback::decode(data) {
        Some(callback) => {
            // One spelling per value: anything accepted is what `encode` writes.
            prop_assert_eq!(callback.encode(), data);
            prop_assert!(data.len() <= 64, "{data:?} is longer than Telegram allows");
            // The role check must work for anything that decodes.
            let _ = callback.access();
        }
        None => prop_assert!(
            !Callback::samples().iter().any(|it| it.encode() == data),
            "{data:?} is a sample's wire form but did not decode"
        ),
    }
    Ok(())
}

#[test]
fn hostile_random_bytes() {
    check_hostile(
        "callback/bytes",
        prop::collection::vec(any::<u8>(), 0..80),
        |bytes| check_decode(&String::from_utf8_lossy(&bytes)),
    );
}

/// Version prefixes: the current one, old and future ones, and near misses.
fn version() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("v1".to_owned()),
        1 => prop::sample::select(vec!["", "v0", "v2", "v10", "V1", "v1 ", " v1", "v١", "1"])
            .prop_map(str::to_owned),
        1 => "v[0-9]{1,3}",
    ]
}

/// Tags: every real one, and near misses.
fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(Callback::TAGS.to_vec()).prop_map(str::to_owned),
        1 => prop::sample::select(Callback::TAGS.to_vec())
            .prop_flat_map(|tag| prop::sample::select(vec![
                tag.to_uppercase(), format!("{tag} "), format!("{tag}\0"), format!("{tag}{tag}"),
            ])),
        1 => "[a-z]{0,5}",
        1 => "\\PC{0,4}",
    ]
}

/// Arguments: canonical ids and pages, overflowing and non-canonical numbers, codes and junk.
fn arg() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (1..=i64::MAX).prop_map(|it| it.to_string()),
        2 => (0..=200_000_u32).prop_map(|it| it.to_string()),
        2 => prop::sample::select(vec![
            "0", "-1", "-0", "+5", "05", "00", " 5", "5 ", "5\n", "0x10", "1e3", "1.0", "١٢",
            "9223372036854775807", "9223372036854775808", "18446744073709551616",
            "99999999999999999999999999999999", "-9223372036854775808", "4294967296",
            "100000", "100001", "en", "fa", "EN", "de", "all", "buy", "nb", "act", "exp", "tst",
            "everyone", "", ":", "::",
        ])
        .prop_map(str::to_owned),
        1 => "[0-9]{1,40}",
        1 => "\\PC{0,10}",
    ]
}

#[test]
fn hostile_near_valid_forms() {
    let form = (
        version(),
        tag(),
        prop::collection::vec(arg(), 0..4),
        any::<bool>(),
    );
    check_hostile(
        "callback/near-valid",
        form,
        |(version, tag, args, trailing_colon)| {
            let mut data = format!("{version}:{tag}");
            for arg in &args {
                data.push(':');
                data.push_str(arg);
            }
            if trailing_colon {
                data.push(':');
            }
            check_decode(&data)?;
            // What another version made is a stale button, whatever follows.
            if version != "v1" {
                prop_assert_eq!(Callback::decode(&data), None);
            }
            Ok(())
        },
    );
}

/// One small edit of a real button's data.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    Remove(usize),
    Replace(usize, char),
    Append(String),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let place = 0..80_usize;
    let ch = prop_oneof![
        prop::sample::select(vec!['0', '1', '9', ':', '-', '+', ' ', 'v', 'a', '\0', '٠']),
        any::<char>(),
    ];
    prop_oneof![
        (place.clone(), ch.clone()).prop_map(|(at, c)| Edit::Insert(at, c)),
        place.clone().prop_map(Edit::Remove),
        (place.clone(), ch).prop_map(|(at, c)| Edit::Replace(at, c)),
        "[:0-9a-z]{1,30}".prop_map(Edit::Append),
        place.prop_map(Edit::Truncate),
    ]
}

fn apply(data: &str, edit: &Edit) -> String {
    let mut chars: Vec<char> = data.chars().collect();
    let len = chars.len();
    match edit {
        Edit::Insert(at, c) => chars.insert(at % (len + 1), *c),
        Edit::Remove(at) if len > 0 => {
            chars.remove(at % len);
        }
        Edit::Replace(at, c) if len > 0 => chars[at % len] = *c,
        Edit::Append(tail) => chars.extend(tail.chars()),
        Edit::Truncate(at) => chars.truncate(at % (len + 1)),
        Edit::Remove(_) | Edit::Replace(..) => (),
    }
    chars.into_iter().collect()
}

#[test]
fn hostile_edits_of_real_buttons() {
    let samples = Callback::samples();
    let strategy = (
        prop::sample::select(samples),
        prop::collection::vec(edit(), 1..4),
    );
    check_hostile("callback/edited", strategy, |(callback, edits)| {
        let mut data = callback.encode();
        for edit in &edits {
            data = apply(&data, edit);
        }
        check_decode(&data)
    });
}
