//! A one-shot HTTP server with a fixed answer, for answers the fake panel
//! never gives (garbage bodies, redirects) and for seeing the exact request.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    sync::{Arc, Mutex},
    thread,
};

/// The request the canned server received.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Answers the first connection with `status`, `extra_headers` and `body`, then stops.
pub struct Canned {
    addr: SocketAddr,
    seen: Arc<Mutex<Option<Seen>>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Canned {
    pub fn start(status: u16, extra_headers: &[(&str, &str)], body: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(None));
        let answer = {
            let mut head = format!(
                "HTTP/1.1 {status} Canned\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in extra_headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            format!("{head}\r\n{body}")
        };
        let thread_seen = seen.clone();
        let thread = thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            if let Some(request) = read_request(&stream) {
                *thread_seen.lock().unwrap() = Some(request);
                let mut stream = stream;
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Self {
            addr,
            seen,
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// The request received, if any.
    pub fn seen(&self) -> Option<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Canned {
    fn drop(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        if !thread.is_finished() {
            // Wake a server still waiting for its one connection.
            let _ = TcpStream::connect(self.addr);
        }
        let _ = thread.join();
    }
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut parts = request_line.split_whitespace();
    let mut seen = Seen {
        method: parts.next()?.to_owned(),
        path: parts.next()?.to_owned(),
        ..Seen::default()
    };
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        seen.headers
            .push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length: usize = seen
        .header("content-length")
        .and_then(|it| it.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    seen.body = String::from_utf8_lossy(&body).into_owned();
    Some(seen)
}
