//! The panel's scripts (`core/scripts/hysteria2/*.py`) as functions from
//! `sys.argv` to exit code, stdout and stderr over the fake's database.
//!
//! Sources: the upstream-like copies in Jackchen0514/Blitz
//! (`core/scripts/hysteria2/`, commits 762c742a, e416f83b, 21c3ce23),
//! Asgaroth-SG/AsgarothGate `list_users.py` @15b73582 and 0xd5f/ANY
//! `kickuser.py` @ba36dca2. ReturnFI/Blitz 2.5.3 itself could not be read;
//! see the list of unverified points in the `blitz` module docs.

mod edit_user;
pub(crate) mod traffic;

use serde_json::{Value, json};

use crate::blitz::{
    BlitzFault,
    python::{self, IntOfFloat},
    state::{Doc, Panel},
};

// Where `core/cli_api.py` (`Command`) finds the scripts.
pub(crate) const ADD_USER: &str = "/etc/hysteria/core/scripts/hysteria2/add_user.py";
pub(crate) const GET_USER: &str = "/etc/hysteria/core/scripts/hysteria2/get_user.py";
pub(crate) const EDIT_USER: &str = "/etc/hysteria/core/scripts/hysteria2/edit_user.py";
pub(crate) const RESET_USER: &str = "/etc/hysteria/core/scripts/hysteria2/reset_user.py";
pub(crate) const REMOVE_USER: &str = "/etc/hysteria/core/scripts/hysteria2/remove_user.py";
pub(crate) const LIST_USERS: &str = "/etc/hysteria/core/scripts/hysteria2/list_users.py";
pub(crate) const WRAPPER_URI: &str = "/etc/hysteria/core/scripts/hysteria2/wrapper_uri.py";
pub(crate) const KICK_USER: &str = "/etc/hysteria/core/scripts/hysteria2/kickuser.py";

/// What a finished script left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Output {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Output {
    fn ok(stdout: &str) -> Self {
        Self {
            code: 0,
            stdout: format!("{stdout}\n"),
            stderr: String::new(),
        }
    }

    /// `print(text); return 1`: the scripts print most errors to stdout.
    fn fail(stdout: &str) -> Self {
        Self {
            code: 1,
            stdout: format!("{stdout}\n"),
            stderr: String::new(),
        }
    }

    /// `print(text, file=sys.stderr)` and exit `code`.
    fn fail_stderr(code: i32, stderr: &str) -> Self {
        Self {
            code,
            stdout: String::new(),
            stderr: format!("{stderr}\n"),
        }
    }
}

/// Runs `argv` (`["python3", script, args...]`) as `subprocess.run` would on
/// the panel host, and records the command line.
pub(crate) fn exec(panel: &mut Panel, argv: &[String]) -> Output {
    panel.commands.push(argv.join(" "));
    // What the script sees as `sys.argv`: its own path first.
    let sys_argv = argv.get(1..).unwrap_or_default();
    match sys_argv.first().map(String::as_str) {
        Some(ADD_USER) => add_user(panel, sys_argv),
        Some(GET_USER) => get_user(panel, sys_argv),
        Some(EDIT_USER) => edit_user::main(panel, sys_argv),
        Some(RESET_USER) => reset_user(panel, sys_argv),
        Some(REMOVE_USER) => remove_user(panel, sys_argv),
        Some(LIST_USERS) => list_users(panel),
        Some(WRAPPER_URI) => wrapper_uri(panel, sys_argv),
        Some(KICK_USER) => kick_user(panel),
        other => Output::fail_stderr(
            2,
            &format!(
                "python3: can't open file '{}': [Errno 2] No such file or directory",
                other.unwrap_or_default()
            ),
        ),
    }
}

/// `add_user.py <username> <traffic_limit_GB> <expiration_days> [password]
/// [unlimited_user] [note] [creation_date]` (Jackchen0514/Blitz @762c742a;
/// 0xd5f/ANY @ba36dca2 parses argv the same way).
fn add_user(panel: &mut Panel, argv: &[String]) -> Output {
    let usage = format!(
        "Usage: {} <username> <traffic_limit_GB> <expiration_days> [password] \
         [unlimited_user (true/false)] [note] [creation_date]",
        argv[0]
    );
    // `if len(sys.argv) < 4 or len(sys.argv) > 8`: the cli_api bug lands here.
    if !(4..=8).contains(&argv.len()) {
        return Output::fail(&usage);
    }
    let non_empty = |idx: usize| argv.get(idx).filter(|it| !it.is_empty());
    let (username, traffic_gb, expiration_days) = (&argv[1], &argv[2], &argv[3]);
    let password = non_empty(4);
    let unlimited = argv.get(5).is_some_and(|it| it.to_lowercase() == "true");
    let note = non_empty(6);
    let creation_date = non_empty(7);

    // `if not username or not traffic_gb or not expiration_days`: "0" is truthy.
    if username.is_empty() || traffic_gb.is_empty() || expiration_days.is_empty() {
        return Output::fail(&usage);
    }
    const NOT_NUMERIC: &str = "Error: Traffic limit and expiration days must be numeric.";
    // `int(float(traffic_gb) * 1073741824)` then `int(expiration_days)`,
    // under `except ValueError` only.
    let traffic_bytes =
        match python::float(traffic_gb).map(|it| python::int_of_float(it * 1_073_741_824.0)) {
            None | Some(IntOfFloat::NaN) => return Output::fail(NOT_NUMERIC),
            Some(IntOfFloat::Infinite) => return overflow_traceback(),
            Some(IntOfFloat::Int(it)) => it,
        };
    let Some(expiration_days) = python::int(expiration_days) else {
        return Output::fail(NOT_NUMERIC);
    };
    let password = match password {
        Some(password) => password.clone(),
        None => panel.new_password(),
    };
    if !python::is_username(username) {
        return Output::fail("Error: Username can only contain letters, numbers, and underscores.");
    }
    let id = username.to_lowercase();
    if panel.get_user(&id).is_some() {
        return Output::fail("User already exists.");
    }
    if let Some(date) = creation_date {
        if !python::is_date_shape(date) {
            return Output::fail("Invalid date format. Expected YYYY-MM-DD.");
        }
        if !python::strptime_ymd(date) {
            return Output::fail("Invalid date. Please provide a valid date in YYYY-MM-DD format.");
        }
    }
    // The insert is where pymongo refuses integers wider than 8 bytes,
    // inside `except Exception as e: print(f"An error occurred: {e}")`.
    let max_download_bytes = match python::mongo_int(traffic_bytes) {
        Ok(it) => it,
        Err(err) => return Output::fail(&format!("An error occurred: {err}")),
    };
    let Ok(expiration_days) = i64::try_from(expiration_days) else {
        return Output::fail("An error occurred: MongoDB can only handle up to 8-byte ints");
    };
    let doc = Doc {
        id,
        password,
        max_download_bytes,
        expiration_days,
        // Only when given; without it the user is on hold until first use.
        account_creation_date: creation_date.cloned(),
        blocked: false,
        unlimited_user: unlimited,
        // `if note: user_data["note"] = note`.
        note: note.cloned(),
        status: traffic::ON_HOLD.to_owned(),
        upload_bytes: None,
        download_bytes: None,
        online_count: 0,
    };
    if !panel.add_user(doc) {
        return Output::fail(&format!("Error: Failed to add user {username}."));
    }
    Output::ok(&format!("User {username} added successfully."))
}

/// `get_user.py -u <username>` (Jackchen0514/Blitz @762c742a): getopt,
/// lower-cases, prints the raw document with `json.dumps(indent=4)`; every
/// message goes to stdout.
fn get_user(panel: &mut Panel, argv: &[String]) -> Output {
    let usage = format!("Usage: {} -u <username>", argv[0]);
    let username = match getopt_username(&argv[1..]) {
        Ok(it) => it,
        Err(err) => return Output::fail(&format!("{err}\n{usage}")),
    };
    let Some(username) = username.filter(|it| !it.is_empty()) else {
        return Output::fail(&usage);
    };
    match panel.get_user(&username) {
        Some(doc) => Output::ok(&json_dumps(&Value::Object(doc.to_json()), b"    ")),
        None => Output::fail(&format!("User '{username}' not found in the database.")),
    }
}

/// `getopt.getopt(args, "u:", ["username="])` and the loop that keeps the
/// last value, lower-cased; `Err` is `str(GetoptError)`.
fn getopt_username(args: &[String]) -> Result<Option<String>, String> {
    let mut res = None;
    let mut idx = 0;
    while let Some(arg) = args.get(idx) {
        idx += 1;
        if arg == "--" || arg == "-" || !arg.starts_with('-') {
            break;
        }
        let (inline, name) = match arg.strip_prefix("--") {
            Some(long) => {
                let (name, inline) = match long.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (long, None),
                };
                // Long options may be abbreviated to any prefix.
                if !"username".starts_with(name) {
                    return Err(format!("option --{name} not recognized"));
                }
                (inline.map(str::to_owned), "--username")
            }
            None => {
                let flag = &arg[1..];
                if !flag.starts_with('u') {
                    let first = flag.chars().next().unwrap_or_default();
                    return Err(format!("option -{first} not recognized"));
                }
                let rest = &flag[1..];
                ((!rest.is_empty()).then(|| rest.to_owned()), "-u")
            }
        };
        let value = match inline {
            Some(value) => value,
            None => {
                let Some(value) = args.get(idx) else {
                    return Err(format!("option {name} requires argument"));
                };
                idx += 1;
                value.clone()
            }
        };
        res = Some(value.to_lowercase());
    }
    Ok(res)
}

/// `reset_user.py <username>` (Jackchen0514/Blitz @762c742a): status
/// On-hold, unblocked, and `account_creation_date`, `upload_bytes` and
/// `download_bytes` unset; password, limits, note and IP flag untouched.
fn reset_user(panel: &mut Panel, argv: &[String]) -> Output {
    if argv.len() != 2 {
        return Output::fail(&format!("Usage: {} <username>", argv[0]));
    }
    let username = argv[1].to_lowercase();
    let Some(doc) = panel.get_user_mut(&username) else {
        return Output::fail(&format!(
            "Error: User '{username}' not found in the database."
        ));
    };
    doc.status = traffic::ON_HOLD.to_owned();
    doc.blocked = false;
    doc.account_creation_date = None;
    doc.upload_bytes = None;
    doc.download_bytes = None;
    Output::ok(&format!("User '{username}' has been reset successfully."))
}

/// `remove_user.py <username1> [username2] ...` (Jackchen0514/Blitz @762c742a).
fn remove_user(panel: &mut Panel, argv: &[String]) -> Output {
    if argv.len() < 2 {
        return Output::fail(&format!("Usage: {} <username1> [username2] ...", argv[0]));
    }
    let ids: Vec<String> = argv[1..].iter().map(|it| it.to_lowercase()).collect();
    match panel.delete_users(&ids) {
        0 => Output::fail("Error: No matching users found for removal."),
        deleted => Output::ok(&format!("{deleted} user(s) removed successfully.")),
    }
}

/// `list_users.py` (Asgaroth-SG/AsgarothGate @15b73582): every document with
/// `_id` renamed to `username` (moved last), `online_count` from the traffic
/// API, stored `status` as it is.
fn list_users(panel: &mut Panel) -> Output {
    let users: Vec<Value> = panel
        .users
        .iter()
        .map(|doc| {
            let mut user = doc.to_json();
            let id = user.shift_remove("_id").unwrap_or_default();
            user.insert("username".to_owned(), id);
            user.insert("online_count".to_owned(), json!(doc.online_count));
            Value::Object(user)
        })
        .collect();
    Output::ok(&json_dumps(&Value::Array(users), b"  "))
}

/// The fake host's Hysteria2 settings (`config.json`, `.configs.env`,
/// `nodes.json`, normal-sub `.env`) that `wrapper_uri.py` reads.
mod host {
    pub(super) const IP4: &str = "203.0.113.7";
    pub(super) const SNI: &str = "example.com";
    pub(super) const OBFS_PASSWORD: &str = "fakeobfs";
    pub(super) const PIN_SHA256: &str = "AB:CD:EF";
    /// `tls.insecure` false, so 2.5.2's change to the `insecure` parameter
    /// (dropped when true) cannot show.
    pub(super) const INSECURE: &str = "0";
    pub(super) const NODE: (&str, &str) = ("de-1", "198.51.100.9");
    pub(super) const NORMAL_SUB: (&str, &str, &str) = ("example.com", "8443", "fakesub");
}

/// `wrapper_uri.py <usernames...>` (Jackchen0514/Blitz @21c3ce23): one
/// object per name as given (not lower-cased), with a random port-hopping
/// block per link. No IPv6 is configured.
fn wrapper_uri(panel: &mut Panel, argv: &[String]) -> Output {
    let names = &argv[1..];
    if names.is_empty() {
        // `parser.print_help()` (shortened here) and exit 1.
        return Output::fail("usage: wrapper_uri.py [-h] [--all] [usernames ...]");
    }
    let mut res = Vec::new();
    for username in names {
        let Some(password) = panel.get_user(username).map(|it| it.password.clone()) else {
            res.push(json!({"username": username, "error": "User not found or password not set"}));
            continue;
        };
        let (port, mport) = random_port(panel);
        let base = format!(
            "insecure={}&up=30mbps&down=30mbps&sni={}&obfs=salamander&obfs-password={}&pinSHA256={}",
            host::INSECURE,
            host::SNI,
            host::OBFS_PASSWORD,
            host::PIN_SHA256
        );
        let ipv4 = format!(
            "hy2://{username}:{password}@{}:{port}?mport={mport}&{base}#IPv4",
            host::IP4
        );
        let (node_port, node_mport) = random_port(panel);
        let (node_name, node_ip) = host::NODE;
        let node_query = format!(
            "insecure={}&up=30mbps&down=30mbps&mport={node_mport}&sni={}&obfs=salamander&obfs-password={}&pinSHA256={}",
            host::INSECURE,
            host::SNI,
            host::OBFS_PASSWORD,
            host::PIN_SHA256
        );
        let node_uri =
            format!("hy2://{username}:{password}@{node_ip}:{node_port}?{node_query}#{node_name}");
        let (domain, port_ns, subpath) = host::NORMAL_SUB;
        res.push(json!({
            "username": username,
            "ipv4": ipv4,
            "ipv6": null,
            "nodes": [{"name": node_name, "uri": node_uri}],
            "normal_sub": format!("https://{domain}:{port_ns}/{subpath}/{password}#Hysteria2"),
        }));
    }
    Output::ok(&json_dumps(&Value::Array(res), b"  "))
}

/// `kickuser.py <usernames...>` (0xd5f/ANY @ba36dca2): asks the Hysteria2
/// traffic API to kick; unknown names are fine. Under
/// [`BlitzFault::KickFailure`] the API is out of reach and it exits 1.
fn kick_user(panel: &mut Panel) -> Output {
    if panel.fault == BlitzFault::KickFailure {
        return Output::fail_stderr(
            1,
            "Connection Error: Could not connect to API at http://127.0.0.1:25413. Is it running?",
        );
    }
    Output {
        code: 0,
        stdout: String::new(),
        stderr: String::new(),
    }
}

/// `get_random_port(10000, 60000, 100)`: a block start and `start-(start+100)`.
fn random_port(panel: &mut Panel) -> (u64, String) {
    let start = 10_000 + panel.random_below(500) * 100;
    (start, format!("{start}-{}", start + 100))
}

/// What an uncaught `OverflowError` from `int(float('inf'))` leaves on stderr.
fn overflow_traceback() -> Output {
    Output::fail_stderr(
        1,
        "Traceback (most recent call last):\n  ...\nOverflowError: cannot convert float infinity to integer",
    )
}

/// `json.dumps(value, indent=...)`; the exact spacing does not reach the API,
/// which parses it.
fn json_dumps(value: &Value, indent: &[u8]) -> String {
    use serde::Serialize;
    let mut res = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
    let mut serializer = serde_json::Serializer::with_formatter(&mut res, formatter);
    match value.serialize(&mut serializer) {
        Ok(()) => String::from_utf8_lossy(&res).into_owned(),
        Err(err) => format!("{err}"),
    }
}

#[cfg(test)]
mod tests;
