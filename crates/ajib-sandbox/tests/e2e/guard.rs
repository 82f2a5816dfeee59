//! The sandbox keeps to itself: where it refuses to start, what its backups may read,
//! and which requests its web chat answers (issue 18).

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    time::Duration,
};

use ajib_app::core::backup::{self, Secrets};
use ajib_sandbox::{Refusal, Sandbox, check_host};

use crate::support::Env;

/// One raw HTTP/1.1 request to `addr` with the given `Host` and optional `Origin`; returns status and body.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    host: &str,
    origin: Option<&str>,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let origin = origin.map_or(String::new(), |it| format!("Origin: {it}\r\n"));
    let body = r#"{"user":1001,"text":"/start"}"#;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{origin}Connection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").map_or("", |it| it.1).to_owned();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_chat_answers_only_its_own_host_and_origin() {
    let env = Env::start().await;
    let addr = env.sandbox.chat_addr;
    let own = addr.to_string();
    let localhost = format!("localhost:{}", addr.port());
    let chat = move |method: &'static str,
                     path: &'static str,
                     host: String,
                     origin: Option<String>| {
        tokio::task::spawn_blocking(move || request(addr, method, path, &host, origin.as_deref()))
    };

    for host in [own.clone(), localhost.clone()] {
        let (status, body) = chat("GET", "/api/users", host.clone(), None).await.unwrap();
        assert_eq!(status, 200, "{host}: {body}");
        assert!(body.contains("Sara"), "{body}");
        let origin = Some(format!("http://{host}"));
        let (status, body) = chat("GET", "/", host.clone(), origin).await.unwrap();
        assert_eq!(status, 200, "{host}: {body}");
    }

    // DNS rebinding: the browser sends the attacker's name as Host.
    let (status, body) = chat(
        "GET",
        "/api/users",
        format!("evil.example:{}", addr.port()),
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("wrong Host"), "{body}");
    assert!(!body.contains("Sara"), "{body}");
    // Another port on loopback is another site.
    let (status, _) = chat("GET", "/", "127.0.0.1:1".to_owned(), None)
        .await
        .unwrap();
    assert_eq!(status, 403);

    // The chat's own page may send; each send is one update in the fake Bot API.
    let own_origin = Some(format!("http://{own}"));
    let update_id = |body: &str| -> i64 {
        serde_json::from_str::<serde_json::Value>(body).unwrap()["update_id"]
            .as_i64()
            .unwrap()
    };
    let (status, body) = chat("POST", "/api/send", own.clone(), own_origin.clone())
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    let first = update_id(&body);

    // Cross-site requests: right Host, foreign Origin. None of them reaches the fake Bot API.
    for origin in [
        "https://evil.example".to_owned(),
        "null".to_owned(),
        format!("https://{own}"),
        format!("http://{localhost}"),
    ] {
        let (status, body) = chat("POST", "/api/send", own.clone(), Some(origin.clone()))
            .await
            .unwrap();
        assert_eq!(status, 403, "{origin}: {body}");
        assert!(body.contains("another site"), "{body}");
    }
    let (status, body) = chat("POST", "/api/send", own.clone(), own_origin)
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        update_id(&body),
        first + 1,
        "a refused request made an update"
    );
}

#[test]
fn sandbox_refuses_root_and_servers_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let installed = dir.path().join("ajib.env");
    assert_eq!(check_host(Some(1000), &installed, false), Ok(()));
    assert_eq!(check_host(None, &installed, false), Ok(()));
    assert_eq!(check_host(Some(0), &installed, false), Err(Refusal::Root));
    assert_eq!(check_host(Some(0), &installed, true), Ok(()));

    std::fs::write(&installed, "TELEGRAM_BOT_TOKEN=x\n").unwrap();
    assert_eq!(
        check_host(Some(1000), &installed, false),
        Err(Refusal::Installed)
    );
    assert_eq!(check_host(Some(1000), &installed, true), Ok(()));
    // A dangling link still marks an installed server.
    std::fs::remove_file(&installed).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone"), &installed).unwrap();
    assert_eq!(
        check_host(Some(1000), &installed, false),
        Err(Refusal::Installed)
    );

    let root = Refusal::Root.to_string();
    assert!(root.contains("--allow-on-server"), "{root}");
    let server = Refusal::Installed.to_string();
    assert!(
        server.contains("/etc/ajib/ajib.env") && server.contains("--allow-on-server"),
        "{server}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_backups_stay_in_its_own_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("ajib.env"), "SUPPORT_CONTACT=@sandbox\n").unwrap();
    let config = ajib_config::from_values(&Default::default()).unwrap();
    let sandbox = Sandbox::start(config, Some(data.clone()), 0).await.unwrap();
    let deps = sandbox.app.deps.clone();
    assert_eq!(
        deps.settings.env_file.as_deref(),
        Some(data.join("ajib.env").as_path())
    );
    assert_eq!(deps.settings.backup_dir, data.join("backups"));

    let info = backup::create(&deps, Secrets::Included).await.unwrap();
    assert!(
        info.path.starts_with(data.join("backups")),
        "{}",
        info.path.display()
    );

    // Without a config file of its own, a sandbox backup holds none (never /etc/ajib's).
    let settings = ajib_sandbox::backup_settings(dir.path());
    assert_eq!(settings.env_files, vec![dir.path().join("ajib.env")]);
    assert_eq!(settings.env_file(), None);
    sandbox.app.shutdown().await;
}
