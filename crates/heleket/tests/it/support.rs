//! Shared helpers: a client aimed at the fake, invoice requests, a webhook receiver.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ajib_testkit::heleket::FakeHeleket;
use heleket::{Client, CreateInvoice};

pub const MERCHANT: &str = "8b5a7a0e-merchant";
pub const KEY: &str = "test-payment-key";

/// Generous: only reached when something is broken.
const DEADLINE: Duration = Duration::from_secs(10);

pub fn fake() -> FakeHeleket {
    FakeHeleket::start(MERCHANT, KEY)
}

pub fn client(fake: &FakeHeleket) -> Client {
    client_with(fake, MERCHANT, KEY, Duration::from_secs(5))
}

pub fn client_with(fake: &FakeHeleket, merchant: &str, key: &str, timeout: Duration) -> Client {
    match Client::new(fake.base_url(), merchant, key, timeout) {
        Ok(it) => it,
        Err(err) => panic!("client: {err}"),
    }
}

pub fn invoice(order_id: &str, url_callback: Option<&str>) -> CreateInvoice {
    CreateInvoice {
        amount: "5.00".to_owned(),
        currency: "USD".to_owned(),
        order_id: order_id.to_owned(),
        url_callback: url_callback.map(str::to_owned),
        url_return: Some("https://t.me/ajib_bot".to_owned()),
        url_success: None,
        lifetime: Some(3600),
        to_currency: Some("USDT".to_owned()),
        network: Some("tron".to_owned()),
        additional_data: Some("план/30 дней".to_owned()),
        is_payment_multiple: Some(false),
    }
}

/// Polls `condition` until it holds, failing after the deadline.
pub fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A tiny HTTP server on 127.0.0.1:0 that answers 200 and hands over each body.
pub struct Receiver {
    pub url: String,
    bodies: mpsc::Receiver<Vec<u8>>,
}

impl Receiver {
    pub fn start() -> Self {
        let listener = match TcpListener::bind("127.0.0.1:0") {
            Ok(it) => it,
            Err(err) => panic!("bind: {err}"),
        };
        let url = match listener.local_addr() {
            Ok(addr) => format!("http://{addr}/heleket/webhook"),
            Err(err) => panic!("local addr: {err}"),
        };
        let (sender, bodies) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let Some(body) = serve_one(stream) else {
                    continue;
                };
                if sender.send(body).is_err() {
                    return;
                }
            }
        });
        Self { url, bodies }
    }

    /// The next webhook body, failing after the deadline.
    pub fn next(&self) -> Vec<u8> {
        match self.bodies.recv_timeout(DEADLINE) {
            Ok(it) => it,
            Err(err) => panic!("no webhook arrived: {err}"),
        }
    }
}

fn serve_one(mut stream: TcpStream) -> Option<Vec<u8>> {
    stream.set_read_timeout(Some(DEADLINE)).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(pos) = buf.windows(4).position(|it| it == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|it| it.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < header_end + length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        .ok()?;
    Some(buf[header_end..header_end + length].to_vec())
}
