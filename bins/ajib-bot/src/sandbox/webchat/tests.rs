//! Tests of the web chat API against a real FakeTelegram, with the test playing the bot.

use std::cell::Cell;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use ajib_testkit::telegram::{FakeTelegram, SimUser};
use serde_json::{Value, json};

use crate::sandbox::webchat::router;

const ALICE: i64 = 1001;
const BOB: i64 = 1002;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-a-qr-code-";

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
        let app = router(telegram.clone(), vec![alice, bob]);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let web = listener.local_addr().unwrap().to_string();
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
