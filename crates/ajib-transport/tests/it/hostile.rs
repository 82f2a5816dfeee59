//! Hostile Telegram updates: random, truncated, oversized and mistyped JSON through
//! `parse_update` and the webhook route. Each gives an `Update` that says exactly what the JSON
//! said, or nothing; nothing panics, and a refused request reaches no handler.

use std::time::Duration;

use ajib_transport::{Update, WEBHOOK_PATH, entities_to_html, parse_update, webhook_router};
use proptest::{prelude::*, test_runner::TestCaseResult};
use serde_json::{Map, Value, json};

use crate::{Recorder, check_hostile};

/// Field names of the updates the bot reads, so random objects often look like one.
const FIELDS: &[&str] = &[
    "update_id",
    "message",
    "callback_query",
    "my_chat_member",
    "message_id",
    "from",
    "chat",
    "id",
    "text",
    "caption",
    "document",
    "contact",
    "entities",
    "caption_entities",
    "photo",
    "first_name",
    "username",
    "language_code",
    "type",
    "offset",
    "length",
    "url",
    "user",
    "file_id",
    "width",
    "height",
    "file_size",
    "data",
    "new_chat_member",
    "status",
    "phone_number",
    "user_id",
    "file_name",
    "language",
    "custom_emoji_id",
    "date",
];

/// Number literals at and past the edges of every integer type the parser reads.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1.5",
    "1e3",
    "1E2",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "1e308",
    "-1e308",
    "1e999",
    "123456789012345678901234567890",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "\\PC{0,12}",
        2 => ".{0,12}",
        1 => prop::sample::select(vec!["/start", "\u{202e}abc", "😀👍🏽", "\0", "<b>&amp;", "ب"])
            .prop_map(str::to_owned),
        // Oversized: far beyond Telegram's 4096 characters.
        1 => (1..4_usize).prop_map(|n| "ب".repeat(n * 20_000)),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(NUMBERS)
            .prop_filter_map("out of json range", |it| serde_json::from_str(it).ok()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(FIELDS).prop_map(str::to_owned),
        1 => "\\PC{0,6}",
    ]
}

/// Any JSON value, shaped like updates often enough to reach deep into the parser.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..7)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Real updates of every kind the bot reads; hostile cases start from one of these.
fn templates() -> Vec<Value> {
    let user = json!({"id": 5, "is_bot": false, "first_name": "Ali", "username": "ali",
        "language_code": "fa"});
    vec![
        json!({"update_id": 7, "message": {"message_id": 3, "date": 1, "from": user,
            "chat": {"id": 5, "type": "private"}, "text": "hello world",
            "entities": [{"type": "bold", "offset": 0, "length": 5},
                {"type": "text_link", "offset": 6, "length": 5, "url": "https://x.example"}]}}),
        json!({"update_id": 8, "message": {"message_id": 4, "date": 1, "from": user,
            "chat": {"id": 5, "type": "private"}, "caption": "pic",
            "caption_entities": [{"type": "italic", "offset": 0, "length": 3}],
            "photo": [{"file_id": "a", "file_unique_id": "a", "width": 90, "height": 90},
                {"file_id": "b", "file_unique_id": "b", "width": 800, "height": 600,
                 "file_size": 9000}],
            "document": {"file_id": "d", "file_unique_id": "d", "file_name": "x.tar.gz",
                "file_size": 10},
            "contact": {"phone_number": "+98", "first_name": "A", "user_id": 5}}}),
        json!({"update_id": 9, "callback_query": {"id": "q1", "from": user, "chat_instance": "c",
            "message": {"message_id": 3, "date": 1, "chat": {"id": 5, "type": "private"}},
            "data": "v1:m"}}),
        json!({"update_id": 10, "my_chat_member": {"chat": {"id": 5, "type": "private"},
            "from": user, "date": 1, "old_chat_member": {"status": "member", "user": user},
            "new_chat_member": {"status": "kicked", "user": user, "until_date": 0}}}),
    ]
}

/// JSON pointers of every member of `value`, depth first.
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                let here = format!("{at}/{name}");
                out.push(here.clone());
                pointers(member, &here, out);
            }
        }
        Value::Array(items) => {
            for (idx, item) in items.iter().enumerate() {
                let here = format!("{at}/{idx}");
                out.push(here.clone());
                pointers(item, &here, out);
            }
        }
        _ => (),
    }
}

/// One change to a real update: drop a member or give it another value.
#[derive(Debug, Clone)]
enum Mutation {
    Remove(usize),
    Set(usize, Value),
}

fn mutate(value: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(value, "", &mut all);
    if all.is_empty() {
        return;
    }
    match mutation {
        Mutation::Remove(idx) => {
            let ptr = &all[idx % all.len()];
            let (parent, name) = ptr.rsplit_once('/').unwrap_or(("", ptr));
            match value.pointer_mut(parent) {
                Some(Value::Object(members)) => {
                    members.shift_remove(name);
                }
                Some(Value::Array(items)) => {
                    if let Ok(idx) = name.parse::<usize>()
                        && idx < items.len()
                    {
                        items.remove(idx);
                    }
                }
                _ => (),
            }
        }
        Mutation::Set(idx, new) => {
            if let Some(slot) = value.pointer_mut(&all[idx % all.len()]) {
                *slot = new.clone();
            }
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0..64_usize).prop_map(Mutation::Remove),
        (0..64_usize, any_json()).prop_map(|(idx, it)| Mutation::Set(idx, it)),
    ]
}

fn near_valid() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(templates()),
        prop::collection::vec(mutation(), 1..4),
    )
        .prop_map(|(mut value, mutations)| {
            for it in &mutations {
                mutate(&mut value, it);
            }
            value
        })
}

/// `raw[path]` as the parser must have read it: an exact integer, else nothing.
fn int_at(raw: &Value, path: &str) -> Option<i64> {
    raw.pointer(path).and_then(Value::as_i64)
}

fn str_at<'a>(raw: &'a Value, path: &str) -> Option<&'a str> {
    raw.pointer(path).and_then(Value::as_str)
}

/// Whether an object on `path` is given as an array: serde's derived structs also read their
/// fields by position (`"chat": [5]` is chat 5). Telegram never sends that, and only Telegram
/// (or a holder of the webhook secret) can, so the lenience is kept and such fields unchecked.
fn positional(raw: &Value, path: &str) -> bool {
    let mut here = raw;
    for part in path.split('/').skip(1) {
        match here {
            Value::Array(_) => return true,
            Value::Object(members) => match members.get(part) {
                Some(next) => here = next,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

fn check_int(raw: &Value, path: &str, parsed: i64) -> TestCaseResult {
    if !positional(raw, path) {
        prop_assert_eq!(Some(parsed), int_at(raw, path), "{}", path);
    }
    Ok(())
}

fn check_str(raw: &Value, path: &str, parsed: Option<&str>) -> TestCaseResult {
    if !positional(raw, path) {
        prop_assert_eq!(parsed, str_at(raw, path), "{}", path);
    }
    Ok(())
}

/// What `parse_update` made of `raw` is what `raw` says, with no type coerced and no integer wrapped.
fn check_parsed(raw: &Value) -> TestCaseResult {
    let (update_id, update) = parse_update(raw);
    prop_assert_eq!(update_id, int_at(raw, "/update_id"));
    prop_assert_eq!(&parse_update(raw).1, &update, "parsing is deterministic");
    match &update {
        None => (),
        Some(Update::Message(message)) => {
            check_int(raw, "/message/message_id", message.message_id.into())?;
            check_int(raw, "/message/chat/id", message.chat_id)?;
            check_int(raw, "/message/from/id", message.from.id)?;
            check_str(raw, "/message/text", message.text.as_deref())?;
            check_str(raw, "/message/caption", message.caption.as_deref())?;
            // Entities Telegram would never send (outside the text, splitting a character)
            // must still render: an admin's broadcast goes through this.
            let text = message.text.as_deref().unwrap_or_default();
            let _ = entities_to_html(text, &message.entities);
            let caption = message.caption.as_deref().unwrap_or_default();
            let _ = entities_to_html(caption, &message.caption_entities);
        }
        Some(Update::Callback(query)) => {
            check_str(raw, "/callback_query/id", Some(&query.id))?;
            check_int(raw, "/callback_query/from/id", query.from.id)?;
            check_int(raw, "/callback_query/message/chat/id", query.chat_id)?;
            check_int(
                raw,
                "/callback_query/message/message_id",
                query.message_id.into(),
            )?;
            let data = Some(query.data.as_str()).filter(|it| !it.is_empty());
            if str_at(raw, "/callback_query/data") != Some("") {
                check_str(raw, "/callback_query/data", data)?;
            }
        }
        Some(Update::ChatMember(change)) => {
            check_int(raw, "/my_chat_member/chat/id", change.chat_id)?;
            check_int(raw, "/my_chat_member/from/id", change.user_id)?;
            let path = "/my_chat_member/new_chat_member/status";
            if !positional(raw, path) {
                let status = str_at(raw, path);
                prop_assert_eq!(change.blocked, matches!(status, Some("kicked" | "left")));
            }
        }
        Some(Update::PreCheckout(query)) => {
            check_str(raw, "/pre_checkout_query/id", Some(&query.id))?;
            check_int(raw, "/pre_checkout_query/from/id", query.from.id)?;
            check_int(raw, "/pre_checkout_query/total_amount", query.stars.into())?;
            check_str(
                raw,
                "/pre_checkout_query/invoice_payload",
                Some(&query.payload),
            )?;
        }
    }
    Ok(())
}

/// Parses `body` as the webhook and `getUpdates` do: refused at the JSON step, or checked.
fn check_body(body: &[u8]) -> TestCaseResult {
    match serde_json::from_slice::<Value>(body) {
        Ok(raw) => check_parsed(&raw),
        Err(err) => {
            prop_assert!(!err.to_string().is_empty());
            Ok(())
        }
    }
}

#[test]
fn hostile_random_json() {
    check_hostile("updates/random-json", any_json(), |raw| check_parsed(&raw));
}

#[test]
fn hostile_near_valid_updates() {
    check_hostile("updates/near-valid", near_valid(), |raw| check_parsed(&raw));
}

#[test]
fn hostile_raw_bodies() {
    let body = prop_oneof![
        // Random bytes.
        prop::collection::vec(any::<u8>(), 0..200),
        // A real update cut short: never valid JSON.
        (
            prop::sample::select(templates()),
            any::<prop::sample::Index>()
        )
            .prop_map(|(raw, cut)| {
                let bytes = serde_json::to_vec(&raw).unwrap_or_default();
                let len = cut.index(bytes.len());
                bytes[..len].to_vec()
            }),
        // A real update with a few bytes overwritten.
        (
            prop::sample::select(templates()),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
        )
            .prop_map(|(raw, flips)| {
                let mut bytes = serde_json::to_vec(&raw).unwrap_or_default();
                for (at, byte) in flips {
                    let at = at.index(bytes.len());
                    bytes[at] = byte;
                }
                bytes
            }),
        // Integers past their type's range, written as literals (JSON values cannot hold some).
        (
            prop::sample::select(vec!["update_id", "message_id", "id", "offset", "length"]),
            prop::sample::select(NUMBERS)
        )
            .prop_map(|(field, number)| {
                let raw = serde_json::to_string(&templates()[0]).unwrap_or_default();
                raw.replacen(
                    &format!("\"{field}\":"),
                    &format!("\"{field}\":{number},\"_\":"),
                    1,
                )
                .into_bytes()
            }),
    ];
    check_hostile("updates/raw-bodies", body, |body| {
        if let Ok(Value::Object(_)) = serde_json::from_slice::<Value>(&body) {
            // A prefix of an object lacks its closing brace, so only whole bodies parse.
            prop_assert_eq!(body.last(), Some(&b'}'));
        }
        check_body(&body)
    });
}

#[test]
fn hostile_integer_edges_are_refused_not_wrapped() {
    // Every update with an integer field past its type's range is dropped whole.
    for field in ["message_id", "offset"] {
        for number in [
            "2147483648",
            "-2147483649",
            "4294967296",
            "9223372036854775808",
        ] {
            let raw = serde_json::to_string(&templates()[0]).unwrap_or_default();
            let body = raw.replacen(
                &format!("\"{field}\":"),
                &format!("\"{field}\":{number},\"_\":"),
                1,
            );
            let value: Value = serde_json::from_str(&body).unwrap();
            let (_, update) = parse_update(&value);
            match (field, update) {
                ("message_id", None) => (),
                // One bad entity drops only itself.
                ("offset", Some(Update::Message(message))) if number != "2147483648" => {
                    assert_eq!(message.entities.len(), 1, "{body}");
                }
                ("offset", Some(Update::Message(message))) => {
                    assert_eq!(message.entities[0].offset, 2_147_483_648, "{body}");
                }
                (_, other) => panic!("{field}={number}: {other:?}"),
            }
        }
    }
}

/// Serves the webhook route on loopback for the duration of a test.
struct Webhook {
    url: String,
    recorder: Recorder,
    agent: ureq::Agent,
    _runtime: tokio::runtime::Runtime,
}

const SECRET: &str = "hostile-secret";

impl Webhook {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let recorder = Recorder::default();
        let router = webhook_router(SECRET.to_owned(), recorder.handler());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        runtime.spawn(async move { axum::serve(listener, router).await });
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        Self {
            url: format!("http://{addr}{WEBHOOK_PATH}"),
            recorder,
            agent,
            _runtime: runtime,
        }
    }

    fn post(&self, secret: Option<&str>, body: &[u8]) -> u16 {
        self.try_post(secret, body).unwrap()
    }

    fn try_post(&self, secret: Option<&str>, body: &[u8]) -> Result<u16, ureq::Error> {
        let mut request = self.agent.post(&self.url);
        if let Some(secret) = secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        Ok(request.send(body)?.status().as_u16())
    }
}

#[test]
fn hostile_webhook_requests() {
    let webhook = Webhook::start();
    let body = prop_oneof![
        near_valid().prop_map(|it| serde_json::to_vec(&it).unwrap_or_default()),
        any_json().prop_map(|it| serde_json::to_vec(&it).unwrap_or_default()),
        prop::collection::vec(any::<u8>(), 0..100),
    ];
    let secret = prop_oneof![
        3 => Just(Some(SECRET.to_owned())),
        1 => Just(None),
        1 => Just(Some(String::new())),
        1 => "[ -~]{1,20}".prop_map(Some),
    ];
    // Over loopback HTTP a case costs ~4 ms: a tenth of the cases (256 at least) is the subset.
    let cases = (crate::hostile_cases() / 10).max(256);
    crate::check_hostile_n(
        "updates/webhook",
        cases,
        (body, secret),
        |(body, secret)| {
            let before = webhook.recorder.updates().len();
            let status = webhook.post(secret.as_deref(), &body);
            let handled = webhook.recorder.updates();
            let new = &handled[before..];
            if secret.as_deref() != Some(SECRET) {
                prop_assert_eq!(status, 401);
                prop_assert!(
                    new.is_empty(),
                    "a refused request reached the handler: {new:?}"
                );
                return Ok(());
            }
            // Authenticated: 200 once handled, so Telegram never redelivers it forever.
            prop_assert_eq!(status, 200);
            let expected = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|raw| parse_update(&raw).1);
            prop_assert_eq!(new, expected.as_slice());
            Ok(())
        },
    );
}

#[test]
fn an_oversized_webhook_body_is_refused_before_parsing() {
    let webhook = Webhook::start();
    let text = "x".repeat(3 << 20);
    let body = serde_json::to_vec(&json!({"update_id": 1, "message": {"message_id": 1,
        "from": {"id": 1, "first_name": "A"}, "chat": {"id": 1}, "text": text}}))
    .unwrap();
    match webhook.try_post(Some(SECRET), &body) {
        Ok(status) => assert_eq!(status, 413),
        // The server may answer 413 and close before the client has sent the whole body.
        Err(err) => assert!(matches!(err, ureq::Error::Io(_)), "{err}"),
    }
    assert!(webhook.recorder.updates().is_empty());
}
