//! Tests of the web chat API against a real FakeTelegram, with the test playing the bot.

use std::cell::Cell;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use ajib_testkit::telegram::{FakeTelegram, SimUser};
use axum::body::Bytes;
use serde_json::{Value, json};

use crate::webchat::chat::{Chat, FileKind, MAX_KEPT_BYTES, MAX_KEPT_FILES};
use crate::webchat::router;
use crate::webchat::upload::MAX_UPLOAD_BYTES;

const ALICE: i64 = 1001;
const BOB: i64 = 1002;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-a-qr-code-";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0-rest-of-a-jpeg-";
const GIF: &[u8] = b"GIF89a\x01\0\x01\0-rest-of-a-gif-";
const WEBP: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 -rest-of-a-webp-";
/// The start of a gzip stream, as an AJIB backup archive begins.
const TAR_GZ: &[u8] = b"\x1f\x8b\x08\0\0\0\0\0\0\x03-rest-of-a-backup-";

/// The web chat served on a random port, the fake behind it, and the test playing the bot.
struct Sandbox {
    telegram: Arc<FakeTelegram>,
    web: String,
    offset: Cell<i64>,
    /// Dropped last: stopping it drops the router and with it the last handle on the fake.
    _runtime: tokio::runtime::Runtime,
}

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Sandbox {
    fn start() -> Self {
        let telegram = Arc::new(FakeTelegram::start());
        let mut bob = SimUser::new(BOB, "User B");
        bob.username = Some("bob".to_owned());
        bob.language_code = Some("fa".to_owned());
        let alice = SimUser::new(ALICE, "User A");
        // As if both had pressed Start in Telegram, so the bot may write first.
        telegram.add_user(&alice);
        telegram.add_user(&bob);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let web = addr.to_string();
        let app = router(telegram.clone(), vec![alice, bob], addr);
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            telegram,
            web,
            offset: Cell::new(0),
            _runtime: runtime,
        }
    }

    fn get(&self, path: &str) -> Reply {
        http(&self.web, "GET", path, "text/plain", b"")
    }

    fn get_json(&self, path: &str) -> Value {
        let reply = self.get(path);
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.text());
        serde_json::from_slice(&reply.body).unwrap()
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        http(
            &self.web,
            "POST",
            path,
            "application/json",
            body.to_string().as_bytes(),
        )
    }

    /// Calls the fake Bot API as the bot would; returns `result`.
    fn bot(&self, method: &str, params: &Value) -> Value {
        let reply = http(
            &self.telegram_addr(),
            "POST",
            &format!("/bot{}/{method}", self.telegram.token()),
            "application/json",
            params.to_string().as_bytes(),
        );
        self.bot_result(method, &reply)
    }

    /// Uploads a file as the bot would (`sendPhoto`, `sendDocument`).
    fn bot_upload(&self, method: &str, field: &str, file_name: &str, bytes: &[u8]) -> Value {
        let boundary = "webchat-test-boundary";
        let mut body = Vec::new();
        for (name, value) in [
            ("chat_id", ALICE.to_string()),
            ("caption", "Scan <b>me</b>".to_owned()),
            ("parse_mode", "HTML".to_owned()),
        ] {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let reply = http(
            &self.telegram_addr(),
            "POST",
            &format!("/bot{}/{method}", self.telegram.token()),
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        );
        self.bot_result(method, &reply)
    }

    fn bot_result(&self, method: &str, reply: &Reply) -> Value {
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["ok"], true, "{method}: {body}");
        body["result"].clone()
    }

    /// What `getUpdates` hands the bot now, confirming earlier ones.
    fn updates(&self) -> Vec<Value> {
        let res = self.bot(
            "getUpdates",
            &json!({ "offset": self.offset.get(), "timeout": 0 }),
        );
        let res = res.as_array().unwrap().clone();
        if let Some(last) = res.last() {
            self.offset.set(last["update_id"].as_i64().unwrap() + 1);
        }
        res
    }

    /// `POST /api/upload?<query>` with the bytes as the body.
    fn upload(&self, query: &[(&str, &str)], bytes: &[u8]) -> Reply {
        let query: Vec<String> = query
            .iter()
            .map(|(key, value)| format!("{key}={}", url_encode(value)))
            .collect();
        http(
            &self.web,
            "POST",
            &format!("/api/upload?{}", query.join("&")),
            "application/octet-stream",
            bytes,
        )
    }

    /// The bytes of a file the fake holds, fetched as the bot would (`getFile`, then download).
    fn download(&self, file_id: &Value) -> Vec<u8> {
        let file = self.bot("getFile", &json!({ "file_id": file_id }));
        let path = file["file_path"].as_str().unwrap();
        let reply = http(
            &self.telegram_addr(),
            "GET",
            &format!("/file/bot{}/{path}", self.telegram.token()),
            "text/plain",
            b"",
        );
        assert_eq!(reply.status, 200, "download {path}: {}", reply.text());
        reply.body
    }

    fn send_to_alice(&self, text: &str, markup: Value) -> i64 {
        let mut params = json!({ "chat_id": ALICE, "text": text, "parse_mode": "HTML" });
        if !markup.is_null() {
            params["reply_markup"] = markup;
        }
        let sent = self.bot("sendMessage", &params);
        sent["message_id"].as_i64().unwrap()
    }

    fn telegram_addr(&self) -> String {
        self.telegram
            .api_base()
            .trim_start_matches("http://")
            .to_owned()
    }
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request with `Connection: close`; enough for axum on both ends.
fn http(addr: &str, method: &str, path: &str, content_type: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|it| it == b"\r\n\r\n").unwrap();
    let headers = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = headers[9..12].parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if headers.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut res = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|it| it == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&raw[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap();
        if size == 0 {
            return res;
        }
        res.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
        raw = &raw[line_end + 2 + size + 2..];
    }
}

fn messages(sandbox: &Sandbox, user: i64, after: u64) -> Value {
    sandbox.get_json(&format!("/api/messages?user={user}&after={after}"))
}

/// Percent-encodes everything but unreserved URL characters.
fn url_encode(text: &str) -> String {
    let mut res = String::new();
    for byte in text.bytes() {
        match byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            true => res.push(char::from(byte)),
            false => res.push_str(&format!("%{byte:02X}")),
        }
    }
    res
}

#[test]
fn send_injects_a_message_update() {
    let sandbox = Sandbox::start();
    let reply = sandbox.post("/api/send", &json!({ "user": ALICE, "text": "  /start  " }));
    assert_eq!(reply.status, 200, "{}", reply.text());

    let updates = sandbox.updates();
    assert_eq!(updates.len(), 1, "{updates:?}");
    let message = &updates[0]["message"];
    assert_eq!(message["text"], "/start");
    assert_eq!(message["from"]["id"], ALICE);
    assert_eq!(message["from"]["first_name"], "User A");
    assert_eq!(message["entities"][0]["type"], "bot_command");

    let chat = messages(&sandbox, ALICE, 0);
    assert_eq!(chat["messages"].as_array().unwrap().len(), 1);
    assert_eq!(chat["messages"][0]["from"], "user");
    assert_eq!(chat["messages"][0]["html"], "/start");
    assert_eq!(messages(&sandbox, BOB, 0)["messages"], json!([]));
}

#[test]
fn bad_sends_are_refused() {
    let sandbox = Sandbox::start();
    let empty = sandbox.post("/api/send", &json!({ "user": ALICE, "text": "   " }));
    assert_eq!(empty.status, 400, "{}", empty.text());
    let stranger = sandbox.post("/api/send", &json!({ "user": 7, "text": "hi" }));
    assert_eq!(stranger.status, 404, "{}", stranger.text());
    assert_eq!(sandbox.get("/api/messages?user=7").status, 404);
    assert_eq!(sandbox.updates(), Vec::<Value>::new());
}

#[test]
fn bot_message_with_keyboard_is_listed_with_its_buttons_in_order() {
    let sandbox = Sandbox::start();
    sandbox.post("/api/send", &json!({ "user": ALICE, "text": "/start" }));
    let markup = json!({ "inline_keyboard": [
        [{ "text": "1 month", "callback_data": "buy:1" }],
        [{ "text": "Pay", "url": "https://pay.example/i/1" }, { "text": "Bad", "url": "javascript:alert(1)" }],
    ] });
    let id = sandbox.send_to_alice("<b>Pick</b> a plan & <script>", markup);
    sandbox.post("/api/send", &json!({ "user": ALICE, "text": "thanks" }));

    let chat = messages(&sandbox, ALICE, 0);
    let list = chat["messages"].as_array().unwrap();
    let from: Vec<&str> = list.iter().map(|it| it["from"].as_str().unwrap()).collect();
    assert_eq!(from, ["user", "bot", "user"]);
    let bot = &list[1];
    assert_eq!(bot["seq"], 1);
    assert_eq!(bot["message_id"], id);
    assert_eq!(bot["html"], "<b>Pick</b> a plan &amp; &lt;script&gt;");
    assert_eq!(bot["dir"], "auto");
    assert_eq!(
        bot["keyboard"],
        json!([
            [{ "text": "1 month", "data": "buy:1", "url": null }],
            [{ "text": "Pay", "data": null, "url": "https://pay.example/i/1" }, { "text": "Bad", "data": null, "url": null }],
        ])
    );

    let rev = chat["rev"].as_u64().unwrap();
    assert_eq!(messages(&sandbox, ALICE, rev)["messages"], json!([]));
}

#[test]
fn edits_and_deletes_come_back_after_the_last_rev() {
    let sandbox = Sandbox::start();
    let id = sandbox.send_to_alice("Invoice: <i>waiting</i>", json!(null));
    let rev = messages(&sandbox, ALICE, 0)["rev"].as_u64().unwrap();

    sandbox.bot(
        "editMessageText",
        &json!({ "chat_id": ALICE, "message_id": id, "text": "پرداخت شد ✅", "parse_mode": "HTML" }),
    );
    let chat = messages(&sandbox, ALICE, rev);
    let list = chat["messages"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["seq"], 0);
    assert_eq!(list[0]["html"], "پرداخت شد ✅");
    assert_eq!(list[0]["dir"], "rtl");
    assert_eq!(list[0]["edited"], true);

    let rev = chat["rev"].as_u64().unwrap();
    sandbox.bot(
        "deleteMessage",
        &json!({ "chat_id": ALICE, "message_id": id }),
    );
    let chat = messages(&sandbox, ALICE, rev);
    assert_eq!(chat["messages"][0]["deleted"], true);
}

#[test]
fn press_produces_a_callback_update_and_shows_the_answer() {
    let sandbox = Sandbox::start();
    let markup = json!({ "inline_keyboard": [[{ "text": "1 month", "callback_data": "buy:1" }]] });
    let id = sandbox.send_to_alice("Pick a plan", markup);

    let wrong = sandbox.post(
        "/api/press",
        &json!({ "user": ALICE, "message_id": id, "data": "buy:9" }),
    );
    assert_eq!(wrong.status, 400, "{}", wrong.text());
    let missing = sandbox.post(
        "/api/press",
        &json!({ "user": ALICE, "message_id": id + 5, "data": "buy:1" }),
    );
    assert_eq!(missing.status, 404, "{}", missing.text());
    assert_eq!(sandbox.updates(), Vec::<Value>::new());

    let reply = sandbox.post(
        "/api/press",
        &json!({ "user": ALICE, "message_id": id, "data": "buy:1" }),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let updates = sandbox.updates();
    assert_eq!(updates.len(), 1, "{updates:?}");
    let query = &updates[0]["callback_query"];
    assert_eq!(query["data"], "buy:1");
    assert_eq!(query["from"]["id"], ALICE);
    assert_eq!(query["message"]["message_id"], id);

    let rev = messages(&sandbox, ALICE, 0)["rev"].as_u64().unwrap();
    sandbox.bot(
        "answerCallbackQuery",
        &json!({ "callback_query_id": query["id"], "text": "Added to cart" }),
    );
    let chat = messages(&sandbox, ALICE, rev);
    assert_eq!(
        chat["notices"],
        json!([{ "rev": rev + 1, "text": "Added to cart", "alert": false }])
    );
    assert_eq!(sandbox.telegram.violations(), Vec::<String>::new());
}

#[test]
fn reply_keyboard_is_offered_until_removed() {
    let sandbox = Sandbox::start();
    let markup = json!({ "keyboard": [["English", { "text": "فارسی" }]], "input_field_placeholder": "Language" });
    sandbox.send_to_alice("Choose a language / زبان را انتخاب کنید", markup);
    assert_eq!(
        messages(&sandbox, ALICE, 0)["reply_keyboard"],
        json!({ "rows": [["English", "فارسی"]], "placeholder": "Language" })
    );

    sandbox.send_to_alice("OK", json!({ "remove_keyboard": true }));
    assert_eq!(messages(&sandbox, ALICE, 0)["reply_keyboard"], Value::Null);
}

#[test]
fn photo_and_document_bytes_are_served() {
    let sandbox = Sandbox::start();
    let photo = sandbox.bot_upload("sendPhoto", "photo", "qr.png", PNG);
    let photo_id = photo["message_id"].as_i64().unwrap();
    let doc = sandbox.bot_upload("sendDocument", "document", "ajib vpn ✓.txt", b"hy2://x");
    let doc_id = doc["message_id"].as_i64().unwrap();

    let chat = messages(&sandbox, ALICE, 0);
    let list = chat["messages"].as_array().unwrap();
    assert_eq!(list[0]["kind"], "photo");
    assert_eq!(list[0]["photo"], format!("api/photo/{ALICE}/{photo_id}"));
    assert_eq!(list[0]["html"], "Scan <b>me</b>");
    assert_eq!(
        list[1]["document"],
        json!({ "name": "ajib vpn ✓.txt", "size": 7, "url": format!("api/document/{ALICE}/{doc_id}") })
    );

    let png = sandbox.get(&format!("/api/photo/{ALICE}/{photo_id}"));
    assert_eq!(png.status, 200);
    assert!(
        png.headers.contains("content-type: image/png"),
        "{}",
        png.headers
    );
    assert_eq!(png.body, PNG);

    let file = sandbox.get(&format!("/api/document/{ALICE}/{doc_id}"));
    assert_eq!(file.status, 200);
    assert!(
        file.headers
            .contains("content-disposition: attachment; filename=\"ajib_vpn__.txt\""),
        "{}",
        file.headers
    );
    assert_eq!(file.body, b"hy2://x");

    assert_eq!(
        sandbox.get(&format!("/api/photo/{ALICE}/{doc_id}")).status,
        404
    );
    assert_eq!(
        sandbox.get(&format!("/api/photo/{BOB}/{photo_id}")).status,
        404
    );
}

#[test]
fn users_are_listed() {
    let sandbox = Sandbox::start();
    assert_eq!(
        sandbox.get_json("/api/users"),
        json!([
            { "id": ALICE, "name": "User A", "username": null, "language": "en" },
            { "id": BOB, "name": "User B", "username": "bob", "language": "fa" },
        ])
    );
}

#[test]
fn page_has_the_elements_a_browser_test_drives() {
    let sandbox = Sandbox::start();
    let page = sandbox.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.headers.contains("content-type: text/html"),
        "{}",
        page.headers
    );
    let page = page.text();
    for needle in [
        "id=\"user\"",
        "id=\"messages\"",
        "id=\"text\"",
        "id=\"send\"",
        "id=\"attach\"",
        "id=\"file\"",
        "id=\"replykb\"",
        "data-text=\"/start\"",
        "data-text=\"/help\"",
        "src=\"chat.js\"",
        "href=\"chat.css\"",
    ] {
        assert!(page.contains(needle), "page lacks {needle}");
    }
    let script = sandbox.get("/chat.js");
    assert!(
        script.headers.contains("content-type: text/javascript"),
        "{}",
        script.headers
    );
    for needle in [
        "'msg '",
        "'kb'",
        "api/messages",
        "api/send",
        "api/press",
        "api/upload",
        "innerHTML = m.html",
    ] {
        assert!(script.text().contains(needle), "chat.js lacks {needle}");
    }
    let css = sandbox.get("/chat.css");
    assert!(
        css.headers.contains("content-type: text/css"),
        "{}",
        css.headers
    );
    assert!(
        !css.text().contains("url(") && !page.contains("http"),
        "the page must not need the network"
    );
}

#[test]
fn png_upload_with_caption_is_a_photo_update_and_the_users_photo_in_the_chat() {
    let sandbox = Sandbox::start();
    sandbox.send_to_alice("Send the photo to broadcast", json!(null));
    let reply = sandbox.upload(
        &[
            ("user", "1001"),
            ("name", "promo.png"),
            ("caption", "  Spring <sale> & more  "),
        ],
        PNG,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let reply: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(
        (&reply["kind"], &reply["seq"]),
        (&json!("photo"), &json!(1))
    );

    let updates = sandbox.updates();
    assert_eq!(updates.len(), 1, "{updates:?}");
    let message = &updates[0]["message"];
    assert_eq!(message["from"]["id"], ALICE);
    assert_eq!(message["caption"], "Spring <sale> & more");
    assert_eq!(message["caption_entities"], Value::Null);
    assert_eq!(message["document"], Value::Null);
    let sizes = message["photo"].as_array().unwrap();
    assert!(sizes.len() >= 2, "{sizes:?}");
    assert_eq!(sandbox.download(&sizes[sizes.len() - 1]["file_id"]), PNG);

    let chat = messages(&sandbox, ALICE, 0);
    let list = chat["messages"].as_array().unwrap();
    let from: Vec<&str> = list.iter().map(|it| it["from"].as_str().unwrap()).collect();
    assert_eq!(from, ["bot", "user"]);
    let mine = &list[1];
    assert_eq!(mine["kind"], "photo");
    assert_eq!(mine["photo"], format!("api/upload/{ALICE}/1"));
    assert_eq!(mine["document"], Value::Null);
    assert_eq!(mine["html"], "Spring &lt;sale&gt; &amp; more");
    assert_eq!(mine["dir"], "auto");

    let png = sandbox.get(&format!("/api/upload/{ALICE}/1"));
    assert_eq!(png.status, 200, "{}", png.text());
    assert!(
        png.headers.contains("content-type: image/png"),
        "{}",
        png.headers
    );
    assert_eq!(png.body, PNG);
    // Only the user's own files are served here, and only their own.
    assert_eq!(sandbox.get(&format!("/api/upload/{ALICE}/0")).status, 404);
    assert_eq!(sandbox.get(&format!("/api/upload/{BOB}/1")).status, 404);
}

#[test]
fn tar_gz_upload_is_a_document_update_with_its_name_and_bytes() {
    let sandbox = Sandbox::start();
    let name = "ajib-backup-2025-03-01.tar.gz";
    let reply = sandbox.upload(
        &[
            ("user", "1002"),
            ("name", name),
            ("caption", "پشتیبان دیروز"),
        ],
        TAR_GZ,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());

    let updates = sandbox.updates();
    assert_eq!(updates.len(), 1, "{updates:?}");
    let message = &updates[0]["message"];
    assert_eq!(message["from"]["id"], BOB);
    assert_eq!(message["photo"], Value::Null);
    assert_eq!(message["caption"], "پشتیبان دیروز");
    let document = &message["document"];
    assert_eq!(document["file_name"], name);
    assert_eq!(document["file_size"], TAR_GZ.len());
    assert_eq!(sandbox.download(&document["file_id"]), TAR_GZ);

    let chat = messages(&sandbox, BOB, 0);
    let mine = &chat["messages"][0];
    assert_eq!(
        (&mine["from"], &mine["kind"]),
        (&json!("user"), &json!("document"))
    );
    assert_eq!(
        mine["document"],
        json!({ "name": name, "size": TAR_GZ.len(), "url": format!("api/upload/{BOB}/0") })
    );
    assert_eq!(mine["photo"], Value::Null);
    assert_eq!(mine["dir"], "rtl");
    assert_eq!(messages(&sandbox, ALICE, 0)["messages"], json!([]));

    let file = sandbox.get(&format!("/api/upload/{BOB}/0"));
    assert_eq!(file.status, 200, "{}", file.text());
    assert!(
        file.headers.contains(
            "content-disposition: attachment; filename=\"ajib-backup-2025-03-01.tar.gz\""
        ),
        "{}",
        file.headers
    );
    assert_eq!(file.body, TAR_GZ);
}

/// Uploads `bytes` as `name` and checks what kind of update the fake got.
fn check_upload_kind(name: &str, bytes: &[u8], expected: &str) {
    let sandbox = Sandbox::start();
    let reply = sandbox.upload(&[("user", "1001"), ("name", name)], bytes);
    assert_eq!(reply.status, 200, "{name}: {}", reply.text());
    let updates = sandbox.updates();
    assert_eq!(updates.len(), 1, "{name}: {updates:?}");
    let message = &updates[0]["message"];
    let kind = match (message["photo"].is_array(), message["document"].is_object()) {
        (true, false) => "photo",
        (false, true) => "document",
        _ => panic!("{name}: neither photo nor document: {message}"),
    };
    assert_eq!(kind, expected, "{name}");
    assert_eq!(
        messages(&sandbox, ALICE, 0)["messages"][0]["kind"],
        expected,
        "{name}"
    );
}

#[test]
fn upload_kind_follows_the_bytes_not_the_name() {
    check_upload_kind("scan.bin", JPEG, "photo");
    check_upload_kind("photo.png", TAR_GZ, "document");
    check_upload_kind("notes.txt", b"plain text", "document");
    // Telegram makes a GIF an animation (a document to bots); the fake resends only PNG and
    // JPEG as photos, so a WebP goes as a document too.
    check_upload_kind("funny.gif", GIF, "document");
    check_upload_kind("sticker.webp", WEBP, "document");
}

/// Checks that the upload is refused with `status` and a JSON error containing `error`.
fn check_refused(
    sandbox: &Sandbox,
    query: &[(&str, &str)],
    bytes: &[u8],
    status: u16,
    error: &str,
) {
    let reply = sandbox.upload(query, bytes);
    assert_eq!(reply.status, status, "{query:?}: {}", reply.text());
    let body: Value = serde_json::from_slice(&reply.body)
        .unwrap_or_else(|err| panic!("{query:?}: not JSON ({err}): {}", reply.text()));
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains(error), "{query:?}: {body}");
}

#[test]
fn bad_uploads_are_refused_and_nothing_is_queued() {
    let sandbox = Sandbox::start();
    let long_name = format!("{}.png", "n".repeat(252));
    let long_caption = "c".repeat(1025);
    let refused = |query: &[(&str, &str)], bytes: &[u8], status: u16, error: &str| {
        check_refused(&sandbox, query, bytes, status, error);
    };
    refused(&[("user", "7"), ("name", "a.png")], PNG, 404, "no user 7");
    refused(&[("user", "1001"), ("name", "a.png")], b"", 400, "empty");
    refused(&[("user", "1001")], PNG, 400, "name");
    refused(&[("user", "x"), ("name", "a.png")], PNG, 400, "bad query");
    refused(&[("user", "1001"), ("name", "")], PNG, 400, "name is empty");
    refused(&[("user", "1001"), ("name", &long_name)], PNG, 400, "255");
    refused(
        &[("user", "1001"), ("name", "../etc/passwd")],
        PNG,
        400,
        "/",
    );
    refused(&[("user", "1001"), ("name", "c:\\a.png")], PNG, 400, "/");
    refused(
        &[("user", "1001"), ("name", "a\nb.png")],
        PNG,
        400,
        "control",
    );
    refused(
        &[("user", "1001"), ("name", "..")],
        PNG,
        400,
        "not a file name",
    );
    let caption = [
        ("user", "1001"),
        ("name", "a.png"),
        ("caption", &long_caption),
    ];
    refused(&caption, PNG, 400, "1024");
    let mut huge = PNG.to_vec();
    huge.resize(MAX_UPLOAD_BYTES + 1, 0);
    refused(
        &[("user", "1001"), ("name", "huge.png")],
        &huge,
        413,
        "20 MiB",
    );

    assert_eq!(sandbox.updates(), Vec::<Value>::new());
    assert_eq!(messages(&sandbox, ALICE, 0)["messages"], json!([]));

    // The edges themselves pass: 255 characters of name, 1024 of caption, exactly 20 MiB.
    let name = format!("{}.png", "n".repeat(251));
    let caption = "c".repeat(1024);
    huge.truncate(MAX_UPLOAD_BYTES);
    let reply = sandbox.upload(
        &[("user", "1001"), ("name", &name), ("caption", &caption)],
        &huge,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(sandbox.updates().len(), 1);
}

#[test]
fn only_the_newest_files_keep_their_bytes() {
    let sandbox = Sandbox::start();
    for idx in 0..=MAX_KEPT_FILES {
        let name = format!("photo-{idx}.png");
        let reply = sandbox.upload(&[("user", "1001"), ("name", &name)], PNG);
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    let chat = messages(&sandbox, ALICE, 0);
    let list = chat["messages"].as_array().unwrap();
    assert_eq!(list.len(), MAX_KEPT_FILES + 1);
    assert_eq!(list[0]["kind"], "photo");
    assert_eq!(list[0]["photo"], Value::Null);
    assert_eq!(
        list[0]["document"],
        json!({ "name": "photo-0.png", "size": PNG.len(), "url": null })
    );
    assert_eq!(sandbox.get(&format!("/api/upload/{ALICE}/0")).status, 404);
    assert_eq!(list[1]["photo"], format!("api/upload/{ALICE}/1"));
    assert_eq!(sandbox.get(&format!("/api/upload/{ALICE}/1")).status, 200);
}

#[test]
fn kept_bytes_stay_under_the_budget_but_the_newest_file_is_kept() {
    let mut chat = Chat::default();
    let big = Bytes::from(vec![0u8; MAX_UPLOAD_BYTES]);
    let seqs: Vec<usize> = (0..3)
        .map(|_| chat.push_user_file(FileKind::Document, "big.bin", None, big.clone()))
        .collect();
    let kept: Vec<bool> = seqs
        .iter()
        .map(|&seq| chat.user_file(seq).unwrap().bytes.is_some())
        .collect();
    const { assert!(2 * MAX_UPLOAD_BYTES <= MAX_KEPT_BYTES && 3 * MAX_UPLOAD_BYTES > MAX_KEPT_BYTES) };
    assert_eq!(kept, [false, true, true]);

    let huge = Bytes::from(vec![0u8; MAX_KEPT_BYTES + 1]);
    let seq = chat.push_user_file(
        FileKind::Document,
        "huge.bin",
        Some("too big to share"),
        huge,
    );
    assert!(chat.user_file(seq).unwrap().bytes.is_some());
    assert!(chat.user_file(seqs[2]).unwrap().bytes.is_none());
}

#[test]
fn a_channel_link_joins_the_sandbox_channel_and_others_are_not_found() {
    let sandbox = Sandbox::start();
    let channel = sandbox.telegram.create_channel("@ajib_news");
    let member = |user: i64| {
        let answer = sandbox.bot(
            "getChatMember",
            &json!({ "chat_id": "@ajib_news", "user_id": user }),
        );
        answer["status"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(member(ALICE), "left");
    let reply = sandbox.post(
        "/api/join",
        &json!({ "user": ALICE, "channel": "ajib_news" }),
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(member(ALICE), "member");
    assert_eq!(member(BOB), "left", "only the user who pressed joins");
    let missing = sandbox.post(
        "/api/join",
        &json!({ "user": ALICE, "channel": "other_chan" }),
    );
    assert_eq!(missing.status, 404);
    let stranger = sandbox.post(
        "/api/join",
        &json!({ "user": 4242, "channel": "ajib_news" }),
    );
    assert_ne!(stranger.status, 200);
    assert_eq!(sandbox.telegram.channel_id("ajib_news"), Some(channel));
}

#[test]
fn paying_stars_without_an_invoice_says_so_and_pays_nothing() {
    let sandbox = Sandbox::start();
    let id = i32::try_from(sandbox.send_to_alice("no invoice here", Value::Null)).unwrap();
    let reply = sandbox.post(
        "/api/pay-stars",
        &json!({ "user": ALICE, "message_id": id }),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body["paid"], false);
    assert_eq!(body["text"], "No Stars invoice in this message");
    assert_eq!(
        sandbox.updates(),
        Vec::<Value>::new(),
        "no payment reached the bot"
    );
    let stranger = sandbox.post("/api/pay-stars", &json!({ "user": 7, "message_id": id }));
    assert_eq!(stranger.status, 404);
}
