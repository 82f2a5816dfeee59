//! `edit_user.py` (Jackchen0514/Blitz @e416f83b): argparse, then one
//! `$set` of the changed fields and an optional rename; errors go to stderr.

use crate::blitz::{
    python::{self, IntOfFloat},
    scripts::Output,
    state::Panel,
};

/// argparse's usage for this parser, wrapped as argparse wraps it at the
/// default 80 columns (a subprocess has no terminal).
const USAGE: &str = "\
usage: edit_user.py [-h] [--new-username NEW_USERNAME]
                    [--password NEW_PASSWORD] [--traffic-gb TRAFFIC_GB]
                    [--expiration-days EXPIRATION_DAYS]
                    [--creation-date CREATION_DATE] [--blocked BLOCKED]
                    [--unlimited UNLIMITED_USER] [--note NOTE]
                    username";

/// The options in declaration order, each with its `type=`.
const OPTIONS: [(&str, Kind); 10] = [
    ("-h", Kind::Help),
    ("--help", Kind::Help),
    ("--new-username", Kind::Username),
    ("--password", Kind::Text),
    ("--traffic-gb", Kind::Float),
    ("--expiration-days", Kind::Int),
    ("--creation-date", Kind::Date),
    ("--blocked", Kind::Bool),
    ("--unlimited", Kind::Bool),
    ("--note", Kind::Text),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Help,
    Username,
    Text,
    Float,
    Int,
    Date,
    Bool,
}

/// The parsed `args` namespace.
#[derive(Debug, Default)]
struct Args {
    username: Option<String>,
    new_username: Option<String>,
    new_password: Option<String>,
    traffic_gb: Option<f64>,
    expiration_days: Option<i128>,
    creation_date: Option<String>,
    blocked: Option<bool>,
    unlimited_user: Option<bool>,
    note: Option<String>,
}

/// A converted option value.
enum Value {
    Text(String),
    Float(f64),
    Int(i128),
    Bool(bool),
}

/// Why `parse_args` stopped the script.
enum Exit {
    /// `-h`: print the help and exit 0.
    Help,
    /// `parser.error(message)`: usage and message on stderr, exit 2.
    Error(String),
}

/// How argparse classifies one command-line string.
enum Token {
    /// A value or positional (`'A'`).
    Plain,
    /// A known option, with its `=value` if any.
    Option(&'static str, Option<String>),
    /// Looks like an option but is none of ours: ends up unrecognized.
    Unknown,
}

pub(super) fn main(panel: &mut Panel, argv: &[String]) -> Output {
    let args = match parse_args(&argv[1..]) {
        Ok(it) => it,
        // The full help (shortened to the usage here) on stdout.
        Err(Exit::Help) => return Output::ok(USAGE),
        Err(Exit::Error(message)) => {
            let stderr = format!("{USAGE}\nedit_user.py: error: {message}");
            return Output::fail_stderr(2, &stderr);
        }
    };
    edit_user(panel, args)
}

/// `parser.parse_args()`.
fn parse_args(args: &[String]) -> Result<Args, Exit> {
    let mut tokens = Vec::new();
    let mut rest_plain = false;
    for arg in args {
        // After "--" everything is positional; argparse drops the "--" itself.
        if !rest_plain && arg == "--" {
            rest_plain = true;
            continue;
        }
        let token = match rest_plain {
            true => Token::Plain,
            false => classify(arg).map_err(Exit::Error)?,
        };
        tokens.push((arg, token));
    }
    let mut res = Args::default();
    let mut extras = Vec::new();
    let mut idx = 0;
    while let Some((arg, token)) = tokens.get(idx) {
        idx += 1;
        let (option, explicit) = match token {
            Token::Plain if res.username.is_none() => {
                let username = validate_username(arg)
                    .map_err(|err| Exit::Error(format!("argument username: {err}")))?;
                res.username = Some(username);
                continue;
            }
            Token::Plain | Token::Unknown => {
                extras.push(arg.as_str());
                continue;
            }
            Token::Option(option, explicit) => (*option, explicit.clone()),
        };
        let kind = OPTIONS
            .iter()
            .find(|(name, _)| *name == option)
            .map_or(Kind::Text, |(_, kind)| *kind);
        if kind == Kind::Help {
            return Err(Exit::Help);
        }
        let value = match explicit {
            Some(value) => value,
            None => match tokens.get(idx) {
                Some((value, Token::Plain)) => {
                    idx += 1;
                    (*value).clone()
                }
                _ => {
                    let err = format!("argument {option}: expected one argument");
                    return Err(Exit::Error(err));
                }
            },
        };
        let value = convert(kind, &value)
            .map_err(|err| Exit::Error(format!("argument {option}: {err}")))?;
        match (option, value) {
            ("--new-username", Value::Text(it)) => res.new_username = Some(it),
            ("--password", Value::Text(it)) => res.new_password = Some(it),
            ("--traffic-gb", Value::Float(it)) => res.traffic_gb = Some(it),
            ("--expiration-days", Value::Int(it)) => res.expiration_days = Some(it),
            ("--creation-date", Value::Text(it)) => res.creation_date = Some(it),
            ("--blocked", Value::Bool(it)) => res.blocked = Some(it),
            ("--unlimited", Value::Bool(it)) => res.unlimited_user = Some(it),
            (_, Value::Text(it)) => res.note = Some(it),
            _ => (),
        }
    }
    if res.username.is_none() {
        let err = "the following arguments are required: username".to_owned();
        return Err(Exit::Error(err));
    }
    if !extras.is_empty() {
        let err = format!("unrecognized arguments: {}", extras.join(" "));
        return Err(Exit::Error(err));
    }
    Ok(res)
}

/// `ArgumentParser._parse_optional`, for this parser's options (with
/// `allow_abbrev` prefixes of long options).
fn classify(arg: &str) -> Result<Token, String> {
    let names = || OPTIONS.iter().map(|(name, _)| *name);
    if !arg.starts_with('-') || arg.len() == 1 {
        return Ok(Token::Plain);
    }
    if let Some(name) = names().find(|it| *it == arg) {
        return Ok(Token::Option(name, None));
    }
    let (head, explicit) = match arg.split_once('=') {
        Some((head, value)) => (head, Some(value.to_owned())),
        None => (arg, None),
    };
    if let Some(name) = names().find(|it| *it == head) {
        return Ok(Token::Option(name, explicit));
    }
    if head.starts_with("--") {
        let matches: Vec<&str> = names().filter(|it| it.starts_with(head)).collect();
        match matches.as_slice() {
            [name] => return Ok(Token::Option(name, explicit)),
            [] => (),
            _ => {
                return Err(format!(
                    "ambiguous option: {arg} could match {}",
                    matches.join(", ")
                ));
            }
        }
    }
    // No option of ours looks like a negative number, so those are values.
    if is_negative_number(arg) || arg.contains(' ') {
        return Ok(Token::Plain);
    }
    Ok(Token::Unknown)
}

/// argparse's `_negative_number_matcher`: `^-\d+$|^-\d*\.\d+$`.
fn is_negative_number(arg: &str) -> bool {
    let digits = |it: &str| !it.is_empty() && it.bytes().all(|byte| byte.is_ascii_digit());
    match arg.strip_prefix('-') {
        None => false,
        Some(rest) => match rest.split_once('.') {
            None => digits(rest),
            Some((whole, fraction)) => (whole.is_empty() || digits(whole)) && digits(fraction),
        },
    }
}

/// The option's `type=` callable; `Err` is argparse's text for its failure.
fn convert(kind: Kind, value: &str) -> Result<Value, String> {
    match kind {
        Kind::Help | Kind::Text => Ok(Value::Text(value.to_owned())),
        Kind::Username => validate_username(value).map(Value::Text),
        Kind::Float => python::float(value)
            .map(Value::Float)
            .ok_or_else(|| format!("invalid float value: {}", python::repr(value))),
        Kind::Int => python::int(value)
            .map(Value::Int)
            .ok_or_else(|| format!("invalid int value: {}", python::repr(value))),
        Kind::Date => {
            if value.to_lowercase() == "null" || python::strptime_ymd(value) {
                Ok(Value::Text(value.to_owned()))
            } else {
                Err("Invalid date format. Expected YYYY-MM-DD or 'null'.".to_owned())
            }
        }
        Kind::Bool => match value.to_lowercase().as_str() {
            "true" | "y" | "1" => Ok(Value::Bool(true)),
            "false" | "n" | "0" => Ok(Value::Bool(false)),
            _ => Err("Boolean value expected (true/false, y/n, 1/0).".to_owned()),
        },
    }
}

/// `validate_username`, the positional's and `--new-username`'s `type=`.
fn validate_username(value: &str) -> Result<String, String> {
    if python::is_username(value) {
        Ok(value.to_owned())
    } else {
        Err("Username can only contain letters, numbers, and underscores.".to_owned())
    }
}

/// `edit_user(...)`: the lookup, the `$set`, then the rename.
fn edit_user(panel: &mut Panel, args: Args) -> Output {
    let username = args.username.unwrap_or_default();
    let username_lower = username.to_lowercase();
    if panel.get_user(&username_lower).is_none() {
        return Output::fail_stderr(1, &format!("Error: User '{username}' not found."));
    }
    // `int(float(traffic_gb) * 1073741824)` runs outside the `try`, so NaN
    // and infinity end the script with a traceback.
    let max_download_bytes = match args
        .traffic_gb
        .map(|gb| python::int_of_float(gb * 1_073_741_824.0))
    {
        None => None,
        Some(IntOfFloat::Int(it)) => Some(it),
        Some(IntOfFloat::NaN) => {
            return traceback("ValueError: cannot convert float NaN to integer");
        }
        Some(IntOfFloat::Infinite) => {
            return traceback("OverflowError: cannot convert float infinity to integer");
        }
    };
    let has_updates = args.new_password.as_ref().is_some_and(|it| !it.is_empty())
        || max_download_bytes.is_some()
        || args.expiration_days.is_some()
        || args.creation_date.is_some()
        || args.blocked.is_some()
        || args.unlimited_user.is_some()
        || args.note.is_some();
    let mut stdout = String::new();
    let fail = |stdout: &str, stderr: String| Output {
        code: 1,
        stdout: stdout.to_owned(),
        stderr: format!("{stderr}\n"),
    };
    if has_updates {
        // pymongo refuses integers wider than 8 bytes when it encodes the `$set`.
        let numbers = max_download_bytes
            .map(python::mongo_int)
            .transpose()
            .and_then(|bytes| {
                let days = args
                    .expiration_days
                    .map(|it| {
                        i64::try_from(it).map_err(|_| "MongoDB can only handle up to 8-byte ints")
                    })
                    .transpose()?;
                Ok((bytes, days))
            });
        let (bytes, days) = match numbers {
            Ok(it) => it,
            Err(err) => return fail(&stdout, format!("An error occurred during update: {err}")),
        };
        let Some(doc) = panel.get_user_mut(&username_lower) else {
            return fail(&stdout, format!("Error: User '{username}' not found."));
        };
        if let Some(password) = args.new_password.filter(|it| !it.is_empty()) {
            doc.password = password;
        }
        if let Some(bytes) = bytes {
            doc.max_download_bytes = bytes;
        }
        if let Some(days) = days {
            doc.expiration_days = days;
        }
        if let Some(date) = args.creation_date {
            // 'null' stores a null date; the fake keeps no difference between
            // a null and an absent field.
            doc.account_creation_date = (date.to_lowercase() != "null").then_some(date);
        }
        if let Some(blocked) = args.blocked {
            doc.blocked = blocked;
        }
        if let Some(unlimited) = args.unlimited_user {
            doc.unlimited_user = unlimited;
        }
        if let Some(note) = args.note {
            // An empty note is stored as "", not removed.
            doc.note = Some(note);
        }
        stdout.push_str(&format!(
            "User '{username}' attributes updated successfully.\n"
        ));
    }
    let rename = args
        .new_username
        .filter(|it| !it.is_empty() && it.to_lowercase() != username_lower);
    match rename {
        Some(new_username) => {
            let new_lower = new_username.to_lowercase();
            if panel.get_user(&new_lower).is_some() {
                let err = format!("Error: Target username '{new_username}' already exists.");
                return fail(&stdout, err);
            }
            // Insert the copy under the new `_id`, then delete the old one:
            // the user moves to the end of the natural order.
            if let Some(idx) = panel.users.iter().position(|it| it.id == username_lower) {
                let mut doc = panel.users.remove(idx);
                doc.id = new_lower;
                panel.users.push(doc);
            }
            stdout.push_str(&format!(
                "User '{username}' successfully renamed to '{new_username}'.\n"
            ));
        }
        None if !has_updates => stdout.push_str("No changes specified.\n"),
        None => (),
    }
    Output {
        code: 0,
        stdout,
        stderr: String::new(),
    }
}

/// An uncaught exception: Python prints a traceback to stderr and exits 1.
fn traceback(last_line: &str) -> Output {
    let stderr = format!("Traceback (most recent call last):\n  ...\n{last_line}");
    Output::fail_stderr(1, &stderr)
}

#[cfg(test)]
mod tests;
