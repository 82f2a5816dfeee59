//! `core/cli_api.py`: how the router's calls become script command lines,
//! and how a failed script becomes an exception message.
//!
//! Source: the `cli_api.py` copies in YerdosNar/Blitz @c06d2556 and an
//! 0xd5f/ANY-derived fork (identical user functions, both with the
//! `add_user` double-'false' bug the spec records for 2.5.3).

use std::fmt;

use serde_json::Value;

use crate::blitz::{
    python,
    scripts::{
        self, ADD_USER, EDIT_USER, GET_USER, KICK_USER, LIST_USERS, REMOVE_USER, RESET_USER,
        WRAPPER_URI, traffic,
    },
    state::Panel,
};

/// The exceptions `cli_api` raises; `Display` is Python's `str(e)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Error {
    /// `CommandExecutionError`.
    CommandExecution(String),
    /// `InvalidInputError`.
    InvalidInput(String),
    /// Anything else, such as `json.JSONDecodeError` (never met with the
    /// fake's scripts, which always print valid JSON).
    Other(String),
}

/// `add_user`'s parameters, in the router's order.
#[derive(Debug)]
pub(crate) struct NewUser<'a> {
    pub(crate) username: &'a str,
    pub(crate) traffic_limit: i64,
    pub(crate) expiration_days: i64,
    pub(crate) password: Option<&'a str>,
    pub(crate) creation_date: Option<&'a str>,
    pub(crate) unlimited: bool,
    pub(crate) note: Option<&'a str>,
}

/// `edit_user`'s parameters after the username, in the router's order.
#[derive(Debug)]
pub(crate) struct UserEdit<'a> {
    pub(crate) new_username: Option<&'a str>,
    pub(crate) new_password: Option<&'a str>,
    pub(crate) new_traffic_limit: Option<i64>,
    pub(crate) new_expiration_days: Option<i64>,
    pub(crate) renew_password: bool,
    pub(crate) renew_creation_date: bool,
    pub(crate) blocked: Option<bool>,
    pub(crate) unlimited_ip: Option<bool>,
    pub(crate) note: Option<&'a str>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CommandExecution(text) | Self::InvalidInput(text) | Self::Other(text) => {
                f.write_str(text)
            }
        }
    }
}

/// `run_cmd(command)`: the script's stripped stdout, or a
/// `CommandExecutionError` quoting `' '.join(command)` (no shell quoting,
/// so an empty argument shows as a double space) and stderr, or stdout when
/// stderr is empty.
pub(crate) fn run_cmd(panel: &mut Panel, command: &[String]) -> Result<String, Error> {
    let output = scripts::exec(panel, command);
    if output.code != 0 {
        let mut error_output = match output.stderr.trim() {
            "" => output.stdout.trim(),
            stderr => stderr,
        }
        .to_owned();
        if error_output.is_empty() {
            error_output = format!(
                "Command exited with status {} without specific error message.",
                output.code
            );
        }
        return Err(Error::CommandExecution(format!(
            "Command '{}' failed with exit code {}: {error_output}",
            command.join(" "),
            output.code
        )));
    }
    Ok(output.stdout.trim().to_owned())
}

/// `list_users()`: `json.loads` of `list_users.py`, `None` for empty output.
pub(crate) fn list_users(panel: &mut Panel) -> Result<Option<Value>, Error> {
    let stdout = run_cmd(panel, &command(LIST_USERS, &[]))?;
    json_loads(&stdout)
}

/// `get_user(username)`: `get_user.py -u <username>` as given.
pub(crate) fn get_user(panel: &mut Panel, username: &str) -> Result<Option<Value>, Error> {
    let stdout = run_cmd(panel, &command(GET_USER, &["-u", username]))?;
    json_loads(&stdout)
}

/// `add_user(...)`, bug included: without `unlimited`, a note appends
/// `'false'` and a creation date appends another, so a create with both
/// passes `... <password> false <note> false <date>`, one argument more than
/// `add_user.py` takes. A date without a note passes `''` for the note.
pub(crate) fn add_user(panel: &mut Panel, new_user: &NewUser<'_>) -> Result<(), Error> {
    let traffic_limit = new_user.traffic_limit.to_string();
    let expiration_days = new_user.expiration_days.to_string();
    let mut args = vec![new_user.username, &traffic_limit, &expiration_days];
    // `password if password else generate_password()`.
    let generated;
    let password = match new_user.password.filter(|it| !it.is_empty()) {
        Some(password) => password,
        None => {
            generated = generate_password(panel);
            &generated
        }
    };
    args.push(password);
    let note = new_user.note.filter(|it| !it.is_empty());
    let creation_date = new_user.creation_date.filter(|it| !it.is_empty());
    if new_user.unlimited {
        args.push("true");
    }
    if let Some(note) = note {
        if !new_user.unlimited {
            args.push("false");
        }
        args.push(note);
    }
    if let Some(creation_date) = creation_date {
        if !new_user.unlimited {
            args.push("false");
        }
        if note.is_none() {
            args.push("");
        }
        args.push(creation_date);
    }
    run_cmd(panel, &command(ADD_USER, &args)).map(drop)
}

/// `edit_user(...)`: flags in the order `--new-username`, `--password`,
/// `--traffic-gb`, `--expiration-days`, `--creation-date`, `--blocked`,
/// `--unlimited`, `--note`; negative limits are refused before any script runs.
///
/// `renew_creation_date` passes the panel's "today": the real one is
/// `datetime.now()`, the host's local date; the fake's is UTC or the date a
/// test froze.
pub(crate) fn edit_user(
    panel: &mut Panel,
    username: &str,
    edit: &UserEdit<'_>,
) -> Result<(), Error> {
    if username.is_empty() {
        return Err(Error::InvalidInput(
            "Error: username is required".to_owned(),
        ));
    }
    let mut args: Vec<String> = vec![username.to_owned()];
    let mut flag = |name: &str, value: String| {
        args.push(name.to_owned());
        args.push(value);
    };
    if let Some(new_username) = edit.new_username.filter(|it| !it.is_empty()) {
        flag("--new-username", new_username.to_owned());
    }
    let password = match edit.new_password.filter(|it| !it.is_empty()) {
        Some(password) => Some(password.to_owned()),
        None if edit.renew_password => Some(generate_password(panel)),
        None => None,
    };
    if let Some(password) = password {
        flag("--password", password);
    }
    if let Some(traffic_limit) = edit.new_traffic_limit {
        if traffic_limit < 0 {
            let err = "Error: traffic limit must be a non-negative number.";
            return Err(Error::InvalidInput(err.to_owned()));
        }
        flag("--traffic-gb", traffic_limit.to_string());
    }
    if let Some(days) = edit.new_expiration_days {
        if days < 0 {
            let err = "Error: expiration days must be a non-negative number.";
            return Err(Error::InvalidInput(err.to_owned()));
        }
        flag("--expiration-days", days.to_string());
    }
    if edit.renew_creation_date {
        flag("--creation-date", panel.today());
    }
    if let Some(blocked) = edit.blocked {
        flag("--blocked", bool_arg(blocked));
    }
    if let Some(unlimited) = edit.unlimited_ip {
        flag("--unlimited", bool_arg(unlimited));
    }
    if let Some(note) = edit.note {
        flag("--note", note.to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_cmd(panel, &command(EDIT_USER, &args)).map(drop)
}

/// `reset_user(username)`.
pub(crate) fn reset_user(panel: &mut Panel, username: &str) -> Result<(), Error> {
    run_cmd(panel, &command(RESET_USER, &[username])).map(drop)
}

/// `remove_users(usernames)`: nothing to run for an empty list.
pub(crate) fn remove_users(panel: &mut Panel, usernames: &[String]) -> Result<(), Error> {
    if usernames.is_empty() {
        return Ok(());
    }
    let args: Vec<&str> = usernames.iter().map(String::as_str).collect();
    run_cmd(panel, &command(REMOVE_USER, &args)).map(drop)
}

/// `kick_users_by_name(usernames)`: `subprocess.run(..., check=True)`
/// without capturing output, so a failure reads as `CalledProcessError`'s
/// text with the argv list, not the script's message.
pub(crate) fn kick_users_by_name(panel: &mut Panel, usernames: &[String]) -> Result<(), Error> {
    if usernames.is_empty() {
        let err = "Username(s) must be provided to kick.";
        return Err(Error::InvalidInput(err.to_owned()));
    }
    let args: Vec<&str> = usernames.iter().map(String::as_str).collect();
    let argv = command(KICK_USER, &args);
    let output = scripts::exec(panel, &argv);
    if output.code != 0 {
        return Err(Error::CommandExecution(format!(
            "Failed to execute kick user script: {}",
            called_process_error(&argv, output.code)
        )));
    }
    Ok(())
}

/// `traffic_status(display_output=False)`: `traffic.traffic_status(no_gui=True)`
/// in-process; it logs its own failures and never raises.
pub(crate) fn traffic_status(panel: &mut Panel) {
    traffic::traffic_status(panel);
}

/// `show_user_uri_json(usernames)`: `wrapper_uri.py` with `check=True`.
pub(crate) fn show_user_uri_json(
    panel: &mut Panel,
    usernames: &[String],
) -> Result<Option<Value>, Error> {
    let args: Vec<&str> = usernames.iter().map(String::as_str).collect();
    let argv = command(WRAPPER_URI, &args);
    let output = scripts::exec(panel, &argv);
    if output.code != 0 {
        return Err(Error::CommandExecution(format!(
            "Failed to execute wrapper URI script: {}\nError: {}",
            called_process_error(&argv, output.code),
            output.stderr
        )));
    }
    match serde_json::from_str(&output.stdout) {
        Ok(value) => Ok(Some(value)),
        Err(_) => Err(Error::CommandExecution(format!(
            "Failed to decode JSON output from script: {WRAPPER_URI}\nOutput: {}",
            output.stdout
        ))),
    }
}

/// `generate_password()`: 32 characters from `[A-Za-z0-9]` (`secrets.choice`).
pub(crate) fn generate_password(panel: &mut Panel) -> String {
    panel.new_password()
}

/// `['python3', script, *args]`.
fn command(script: &str, args: &[&str]) -> Vec<String> {
    ["python3", script]
        .iter()
        .chain(args)
        .map(|it| (*it).to_owned())
        .collect()
}

/// `json.loads(res)` behind `if res := run_cmd(...)`.
fn json_loads(stdout: &str) -> Result<Option<Value>, Error> {
    if stdout.is_empty() {
        return Ok(None);
    }
    serde_json::from_str(stdout)
        .map(Some)
        .map_err(|err| Error::Other(err.to_string()))
}

/// `str(subprocess.CalledProcessError(code, argv))`.
fn called_process_error(argv: &[String], code: i32) -> String {
    format!(
        "Command '{}' returned non-zero exit status {code}.",
        python::list_repr(argv)
    )
}

fn bool_arg(value: bool) -> String {
    if value { "true" } else { "false" }.to_owned()
}

#[cfg(test)]
mod tests {
    use crate::blitz::{
        BlitzFault,
        cli_api::{self, Error, NewUser, UserEdit},
        state::Shared,
    };

    const SCRIPTS: &str = "python3 /etc/hysteria/core/scripts/hysteria2";

    /// The command line `add_user` runs for `(unlimited, note, creation_date)`
    /// after `add_user.py bob 30 30 pw`, and whether the script accepted it.
    fn check_add(unlimited: bool, note: Option<&str>, date: Option<&str>, tail: &str, ok: bool) {
        let shared = Shared::new("t");
        let mut panel = shared.lock();
        let new_user = NewUser {
            username: "bob",
            traffic_limit: 30,
            expiration_days: 30,
            password: Some("pw"),
            creation_date: date,
            unlimited,
            note,
        };
        let res = cli_api::add_user(&mut panel, &new_user);
        let line = format!("{SCRIPTS}/add_user.py bob 30 30 pw{tail}");
        assert_eq!(panel.commands, [line], "{unlimited} {note:?} {date:?}");
        assert_eq!(res.is_ok(), ok, "{res:?}");
    }

    #[test]
    fn add_user_arguments_follow_the_notes_table() {
        let (note, date) = (Some("n"), Some("2026-11-30"));
        check_add(false, None, None, "", true);
        check_add(true, None, None, " true", true);
        check_add(false, note, None, " false n", true);
        check_add(true, note, None, " true n", true);
        // An empty note shows as a double space.
        check_add(false, None, date, " false  2026-11-30", true);
        check_add(true, None, date, " true  2026-11-30", true);
        check_add(true, note, date, " true n 2026-11-30", true);
        // The 2.5.3 bug: 'false' once for the note and once for the date.
        check_add(false, note, date, " false n false 2026-11-30", false);
        // Empty strings are falsy: no note, no date.
        check_add(false, Some(""), Some(""), "", true);
    }

    #[test]
    fn run_cmd_quotes_the_command_and_the_right_stream() {
        let shared = Shared::new("t");
        let mut panel = shared.lock();
        let err = cli_api::get_user(&mut panel, "Ghost").unwrap_err();
        let expected = format!(
            "Command '{SCRIPTS}/get_user.py -u Ghost' failed with exit code 1: \
             User 'ghost' not found in the database."
        );
        assert_eq!(err, Error::CommandExecution(expected));
        // edit_user.py prints to stderr, which wins over stdout.
        let err = cli_api::edit_user(&mut panel, "Ghost", &edit()).unwrap_err();
        let expected = format!(
            "Command '{SCRIPTS}/edit_user.py Ghost' failed with exit code 1: Error: User 'Ghost' not found."
        );
        assert_eq!(err.to_string(), expected);
    }

    fn edit() -> UserEdit<'static> {
        UserEdit {
            new_username: None,
            new_password: None,
            new_traffic_limit: None,
            new_expiration_days: None,
            renew_password: false,
            renew_creation_date: false,
            blocked: None,
            unlimited_ip: None,
            note: None,
        }
    }

    #[test]
    fn edit_user_flag_order_and_negative_limits() {
        let shared = Shared::new("t");
        let mut panel = shared.lock();
        panel.today = Some("2026-11-20".to_owned());
        let full = UserEdit {
            new_username: Some("rob"),
            new_password: Some("pw"),
            new_traffic_limit: Some(5),
            new_expiration_days: Some(40),
            renew_password: true,
            renew_creation_date: true,
            blocked: Some(false),
            unlimited_ip: Some(true),
            note: Some(""),
        };
        let _ = cli_api::edit_user(&mut panel, "bob", &full);
        let expected = format!(
            "{SCRIPTS}/edit_user.py bob --new-username rob --password pw --traffic-gb 5 \
             --expiration-days 40 --creation-date 2026-11-20 --blocked false --unlimited true --note "
        );
        assert_eq!(panel.commands, [expected]);

        let renew = UserEdit {
            renew_password: true,
            new_password: Some(""),
            ..edit()
        };
        let _ = cli_api::edit_user(&mut panel, "bob", &renew);
        let generated = panel.commands[1].rsplit(' ').next().unwrap().to_owned();
        assert!(generated.len() == 32 && generated.bytes().all(|it| it.is_ascii_alphanumeric()));

        let negative = UserEdit {
            new_traffic_limit: Some(-1),
            ..edit()
        };
        let err = cli_api::edit_user(&mut panel, "bob", &negative).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Error: traffic limit must be a non-negative number."
        );
        let negative = UserEdit {
            new_expiration_days: Some(-1),
            ..edit()
        };
        let err = cli_api::edit_user(&mut panel, "bob", &negative).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Error: expiration days must be a non-negative number."
        );
        assert_eq!(panel.commands.len(), 2, "refused before any script runs");
    }

    #[test]
    fn kick_failure_is_called_process_error() {
        let shared = Shared::new("t");
        let mut panel = shared.lock();
        assert_eq!(
            cli_api::kick_users_by_name(&mut panel, &["bob".to_owned()]),
            Ok(())
        );
        panel.fault = BlitzFault::KickFailure;
        let err = cli_api::kick_users_by_name(&mut panel, &["it's".to_owned()]).unwrap_err();
        let expected = "Failed to execute kick user script: Command '['python3', \
            '/etc/hysteria/core/scripts/hysteria2/kickuser.py', \"it's\"]' returned non-zero exit status 1.";
        assert_eq!(err.to_string(), expected);
        let err = cli_api::kick_users_by_name(&mut panel, &[]).unwrap_err();
        assert_eq!(
            err,
            Error::InvalidInput("Username(s) must be provided to kick.".to_owned())
        );
    }
}
