//! The router's pydantic models (`routers/api/v1/schema/user.py`): request
//! bodies checked the way FastAPI and pydantic v2 check them (lax mode, the
//! 422 shape), and the response models that shape what the scripts printed.
//!
//! Source: Jackchen0514/Blitz `schema/user.py` @58e9d62e. The request models
//! have no range checks on the limits and no format check on
//! `creation_date`: the scripts and `cli_api` do those.

use serde_json::{Map, Value, json};

use crate::blitz::python;

/// `AddUserInputBody`.
#[derive(Debug)]
pub(crate) struct AddUserInputBody {
    pub(crate) username: String,
    pub(crate) traffic_limit: i64,
    pub(crate) expiration_days: i64,
    pub(crate) password: Option<String>,
    pub(crate) creation_date: Option<String>,
    pub(crate) unlimited: bool,
    pub(crate) note: Option<String>,
}

/// `EditUserInputBody`.
#[derive(Debug, Default)]
pub(crate) struct EditUserInputBody {
    pub(crate) new_username: Option<String>,
    pub(crate) new_password: Option<String>,
    pub(crate) new_traffic_limit: Option<i64>,
    pub(crate) new_expiration_days: Option<i64>,
    pub(crate) renew_password: bool,
    pub(crate) renew_creation_date: bool,
    pub(crate) blocked: Option<bool>,
    pub(crate) unlimited_ip: Option<bool>,
    pub(crate) note: Option<String>,
}

/// FastAPI's 422 `detail` list.
pub(crate) type Errors = Vec<Value>;

const USERNAME_ERROR: &str = "Username can only contain letters, numbers, and underscores.";

/// The request body as FastAPI hands it to validation: JSON when the
/// content type is absent or `application/json` (or `+json`), the raw bytes
/// otherwise, and `None` when empty.
pub(crate) fn body(content_type: Option<&str>, bytes: &[u8]) -> Result<Option<Value>, Errors> {
    if bytes.is_empty() {
        return Ok(None);
    }
    let is_json = match content_type {
        None => true,
        Some(content_type) => {
            let mime = content_type.split(';').next().unwrap_or_default().trim();
            let mime = mime.to_ascii_lowercase();
            mime.strip_prefix("application/")
                .is_some_and(|subtype| subtype == "json" || subtype.ends_with("+json"))
        }
    };
    if !is_json {
        return Ok(Some(Value::String(
            String::from_utf8_lossy(bytes).into_owned(),
        )));
    }
    serde_json::from_slice(bytes).map(Some).map_err(|err| {
        // FastAPI reports `json.JSONDecodeError.pos` and `.msg`; serde's
        // position and wording stand in for Python's.
        let pos = char_offset(bytes, err.line(), err.column());
        vec![json!({
            "type": "json_invalid",
            "loc": ["body", pos],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": python_json_message(&err)},
        })]
    })
}

pub(crate) fn add_user(body: Option<Value>) -> Result<AddUserInputBody, Errors> {
    let mut fields = Fields::new(body)?;
    let username = fields.required("username", Fields::string);
    // `@field_validator('username')`, run as soon as the field is a string:
    // `re.match(r"^[a-zA-Z0-9_]+$", v)`.
    if username
        .as_deref()
        .is_some_and(|it| !python::is_username(it))
    {
        fields.value_error("username", USERNAME_ERROR);
    }
    let res = AddUserInputBody {
        username: username.unwrap_or_default(),
        traffic_limit: fields
            .required("traffic_limit", Fields::int)
            .unwrap_or_default(),
        expiration_days: fields
            .required("expiration_days", Fields::int)
            .unwrap_or_default(),
        password: fields.optional("password", Fields::string),
        creation_date: fields.optional("creation_date", Fields::string),
        unlimited: fields.defaulted("unlimited", Fields::boolean, false),
        note: fields.optional("note", Fields::string),
    };
    fields.finish(res)
}

pub(crate) fn edit_user(body: Option<Value>) -> Result<EditUserInputBody, Errors> {
    let mut fields = Fields::new(body)?;
    let new_username = fields.optional("new_username", Fields::string);
    // `if v and not re.match(...)`: an empty new name is no rename.
    if new_username
        .as_deref()
        .is_some_and(|it| !it.is_empty() && !python::is_username(it))
    {
        fields.value_error("new_username", USERNAME_ERROR);
    }
    let res = EditUserInputBody {
        new_username,
        new_password: fields.optional("new_password", Fields::string),
        new_traffic_limit: fields.optional("new_traffic_limit", Fields::int),
        new_expiration_days: fields.optional("new_expiration_days", Fields::int),
        renew_password: fields.defaulted("renew_password", Fields::boolean, false),
        renew_creation_date: fields.defaulted("renew_creation_date", Fields::boolean, false),
        blocked: fields.optional("blocked", Fields::boolean),
        unlimited_ip: fields.optional("unlimited_ip", Fields::boolean),
        note: fields.optional("note", Fields::string),
    };
    fields.finish(res)
}

/// `UsernamesRequest`: `usernames: List[str]`.
pub(crate) fn usernames_request(body: Option<Value>) -> Result<Vec<String>, Errors> {
    let mut fields = Fields::new(body)?;
    let res = fields.string_list("usernames").unwrap_or_default();
    fields.finish(res)
}

/// `UserInfoResponse` from a script's user dict, `None` if it does not
/// validate. Responses use the alias `unlimited_user` and fill every field.
pub(crate) fn user_info(user: &Map<String, Value>) -> Option<Value> {
    let field = |key: &str| user.get(key).cloned().unwrap_or(Value::Null);
    for (key, check) in [
        ("username", Value::is_string as fn(&Value) -> bool),
        ("password", Value::is_string),
        ("max_download_bytes", Value::is_i64),
        ("expiration_days", Value::is_i64),
        ("blocked", Value::is_boolean),
    ] {
        if !user.get(key).is_some_and(check) {
            return None;
        }
    }
    Some(json!({
        "username": field("username"),
        "password": field("password"),
        "max_download_bytes": field("max_download_bytes"),
        "expiration_days": field("expiration_days"),
        "account_creation_date": field("account_creation_date"),
        "blocked": field("blocked"),
        "unlimited_user": user.get("unlimited_user").cloned().unwrap_or(json!(false)),
        "note": field("note"),
        "status": field("status"),
        "upload_bytes": field("upload_bytes"),
        "download_bytes": field("download_bytes"),
        "online_count": user.get("online_count").cloned().unwrap_or(json!(0)),
    }))
}

/// `UserUriResponse` from one `wrapper_uri.py` object.
pub(crate) fn user_uri(links: &Map<String, Value>) -> Value {
    let field = |key: &str| links.get(key).cloned().unwrap_or(Value::Null);
    json!({
        "username": field("username"),
        "ipv4": field("ipv4"),
        "ipv6": field("ipv6"),
        "nodes": links.get("nodes").cloned().unwrap_or(json!([])),
        "normal_sub": field("normal_sub"),
        "error": field("error"),
    })
}

/// A request body being validated field by field, collecting every error
/// like pydantic, in declaration order.
struct Fields {
    object: Map<String, Value>,
    errors: Errors,
}

/// A field's check: `Err((type, msg))` on failure.
type Check<T> = fn(&Value) -> Result<T, (&'static str, &'static str)>;

impl Fields {
    fn new(body: Option<Value>) -> Result<Self, Errors> {
        match body {
            None => Err(vec![json!({
                "type": "missing", "loc": ["body"], "msg": "Field required", "input": null,
            })]),
            Some(Value::Object(object)) => Ok(Self {
                object,
                errors: Vec::new(),
            }),
            Some(other) => Err(vec![json!({
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": other,
            })]),
        }
    }

    fn finish<T>(self, res: T) -> Result<T, Errors> {
        if self.errors.is_empty() {
            Ok(res)
        } else {
            Err(self.errors)
        }
    }

    /// A field with no default: absent is "missing", `null` fails the type.
    fn required<T>(&mut self, field: &str, check: Check<T>) -> Option<T> {
        match self.object.get(field).cloned() {
            None => {
                let input = Value::Object(self.object.clone());
                self.error("missing", field, "Field required", input, None);
                None
            }
            Some(value) => self.checked(field, value, check),
        }
    }

    /// `Optional[T] = None`: absent or `null` is `None`.
    fn optional<T>(&mut self, field: &str, check: Check<T>) -> Option<T> {
        match self.object.get(field).cloned() {
            None | Some(Value::Null) => None,
            Some(value) => self.checked(field, value, check),
        }
    }

    /// `T = default` (not `Optional`): absent is the default, `null` fails the type.
    fn defaulted<T>(&mut self, field: &str, check: Check<T>, default: T) -> T {
        match self.object.get(field).cloned() {
            None => default,
            Some(value) => self.checked(field, value, check).unwrap_or(default),
        }
    }

    fn checked<T>(&mut self, field: &str, value: Value, check: Check<T>) -> Option<T> {
        match check(&value) {
            Ok(it) => Some(it),
            Err((kind, msg)) => {
                self.error(kind, field, msg, value, None);
                None
            }
        }
    }

    /// A `ValueError` from a `field_validator`.
    fn value_error(&mut self, field: &str, text: &str) {
        let input = self.object.get(field).cloned().unwrap_or(Value::Null);
        let msg = format!("Value error, {text}");
        self.error(
            "value_error",
            field,
            &msg,
            input,
            Some(json!({"error": {}})),
        );
    }

    fn error(&mut self, kind: &str, field: &str, msg: &str, input: Value, ctx: Option<Value>) {
        let mut error = json!({"type": kind, "loc": ["body", field], "msg": msg, "input": input});
        if let Some(ctx) = ctx {
            error["ctx"] = ctx;
        }
        self.errors.push(error);
    }

    fn string(value: &Value) -> Result<String, (&'static str, &'static str)> {
        match value {
            Value::String(text) => Ok(text.clone()),
            _ => Err(("string_type", "Input should be a valid string")),
        }
    }

    /// Lax `int`: integers, integral floats, booleans and numeric strings.
    fn int(value: &Value) -> Result<i64, (&'static str, &'static str)> {
        const FRACTION: (&str, &str) = (
            "int_from_float",
            "Input should be a valid integer, got a number with a fractional part",
        );
        match value {
            Value::Bool(it) => Ok(i64::from(*it)),
            Value::Number(number) => match (number.as_i64(), number.as_f64()) {
                (Some(it), _) => Ok(it),
                (None, Some(it)) if it.fract() != 0.0 => Err(FRACTION),
                (None, Some(it)) if it.abs() < 9.2e18 => Ok(it as i64),
                _ => Err((
                    "int_parsing_size",
                    "Unable to parse input string as an integer, exceeded maximum size",
                )),
            },
            Value::String(text) => {
                // Surrounding whitespace and a zero fraction ("5.0") are tolerated.
                let text = text.trim();
                let whole = match text.split_once('.') {
                    Some((whole, fraction)) if fraction.bytes().all(|it| it == b'0') => whole,
                    _ => text,
                };
                let unsigned = whole.strip_prefix(['+', '-']).unwrap_or(whole);
                let digits = !unsigned.is_empty() && unsigned.bytes().all(|it| it.is_ascii_digit());
                match whole.parse::<i64>() {
                    Ok(it) if digits => Ok(it),
                    _ => Err((
                        "int_parsing",
                        "Input should be a valid integer, unable to parse string as an integer",
                    )),
                }
            }
            _ => Err(("int_type", "Input should be a valid integer")),
        }
    }

    /// Lax `bool`: booleans, 0/1 and the usual words.
    fn boolean(value: &Value) -> Result<bool, (&'static str, &'static str)> {
        const PARSING: (&str, &str) = (
            "bool_parsing",
            "Input should be a valid boolean, unable to interpret input",
        );
        match value {
            Value::Bool(it) => Ok(*it),
            Value::Number(number) => match number.as_f64() {
                Some(0.0) => Ok(false),
                Some(1.0) => Ok(true),
                _ => Err(PARSING),
            },
            Value::String(text) => match text.to_ascii_lowercase().as_str() {
                "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
                "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
                _ => Err(PARSING),
            },
            _ => Err(("bool_type", "Input should be a valid boolean")),
        }
    }

    /// A required `List[str]`; a bad element is reported at its index.
    fn string_list(&mut self, field: &str) -> Option<Vec<String>> {
        let items = match self.object.get(field).cloned() {
            None => {
                let input = Value::Object(self.object.clone());
                self.error("missing", field, "Field required", input, None);
                return None;
            }
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.error(
                    "list_type",
                    field,
                    "Input should be a valid list",
                    other,
                    None,
                );
                return None;
            }
        };
        let mut res = Vec::new();
        for (idx, item) in items.into_iter().enumerate() {
            match item {
                Value::String(text) => res.push(text),
                other => self.errors.push(json!({
                    "type": "string_type",
                    "loc": ["body", field, idx],
                    "msg": "Input should be a valid string",
                    "input": other,
                })),
            }
        }
        Some(res)
    }
}

/// The character offset of serde's 1-based `line`/`column`.
fn char_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let text = String::from_utf8_lossy(bytes);
    let before: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(|it| it.chars().count())
        .sum();
    before + column
}

/// A likely `json.JSONDecodeError.msg` for serde's error.
fn python_json_message(err: &serde_json::Error) -> &'static str {
    let text = err.to_string();
    if text.starts_with("trailing characters") {
        "Extra data"
    } else if text.starts_with("key must be a string") || text.contains("while parsing an object") {
        "Expecting property name enclosed in double quotes"
    } else if text.starts_with("expected `,` or") {
        "Expecting ',' delimiter"
    } else if text.starts_with("expected `:`") {
        "Expecting ':' delimiter"
    } else {
        "Expecting value"
    }
}

#[cfg(test)]
mod tests;
