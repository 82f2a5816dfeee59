//! Request bodies checked the way the panel's FastAPI/pydantic models do,
//! with its 422 error shape.

use serde_json::{Map, Value, json};

use crate::blitz::state::is_date;

/// The username pattern of the panel's models.
pub(crate) const USERNAME_PATTERN: &str = "^[a-zA-Z0-9_]+$";

/// `POST /users/` body.
#[derive(Debug)]
pub(crate) struct CreateUser {
    pub(crate) username: String,
    pub(crate) traffic_limit: u64,
    pub(crate) expiration_days: u64,
    pub(crate) note: Option<String>,
    pub(crate) creation_date: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) unlimited: bool,
}

/// `PATCH /users/{name}` body.
#[derive(Debug, Default)]
pub(crate) struct EditUser {
    pub(crate) new_username: Option<String>,
    pub(crate) new_password: Option<String>,
    pub(crate) new_traffic_limit: Option<u64>,
    pub(crate) new_expiration_days: Option<u64>,
    pub(crate) renew_password: bool,
    pub(crate) renew_creation_date: bool,
    pub(crate) blocked: Option<bool>,
    pub(crate) unlimited_ip: Option<bool>,
    pub(crate) note: Option<String>,
}

/// FastAPI's 422 `detail` list.
pub(crate) type Errors = Vec<Value>;

pub(crate) fn create_user(body: &[u8]) -> Result<CreateUser, Errors> {
    let mut fields = Fields::parse(body)?;
    let res = CreateUser {
        username: fields.username("username", true).unwrap_or_default(),
        traffic_limit: fields
            .non_negative_int("traffic_limit", true)
            .unwrap_or_default(),
        expiration_days: fields
            .non_negative_int("expiration_days", true)
            .unwrap_or_default(),
        note: fields.string("note"),
        creation_date: fields.date("creation_date"),
        password: fields.string("password"),
        unlimited: fields.boolean("unlimited").unwrap_or(false),
    };
    fields.finish(res)
}

pub(crate) fn edit_user(body: &[u8]) -> Result<EditUser, Errors> {
    let mut fields = Fields::parse(body)?;
    let res = EditUser {
        new_username: fields.username("new_username", false),
        new_password: fields.string("new_password"),
        new_traffic_limit: fields.non_negative_int("new_traffic_limit", false),
        new_expiration_days: fields.non_negative_int("new_expiration_days", false),
        renew_password: fields.boolean("renew_password").unwrap_or(false),
        renew_creation_date: fields.boolean("renew_creation_date").unwrap_or(false),
        blocked: fields.boolean("blocked"),
        unlimited_ip: fields.boolean("unlimited_ip"),
        note: fields.string("note"),
    };
    fields.finish(res)
}

pub(crate) fn bulk_usernames(body: &[u8]) -> Result<Vec<String>, Errors> {
    let mut fields = Fields::parse(body)?;
    let res = match fields.object.get("usernames") {
        None => {
            fields.error(
                "missing",
                "usernames",
                "Field required",
                Value::Object(fields.object.clone()),
                None,
            );
            Vec::new()
        }
        Some(Value::Array(items)) => {
            let mut names = Vec::new();
            for (idx, item) in items.iter().enumerate() {
                match item {
                    Value::String(name) => names.push(name.clone()),
                    other => fields.errors.push(json!({
                        "type": "string_type",
                        "loc": ["body", "usernames", idx],
                        "msg": "Input should be a valid string",
                        "input": other,
                    })),
                }
            }
            names
        }
        Some(other) => {
            let other = other.clone();
            fields.error(
                "list_type",
                "usernames",
                "Input should be a valid list",
                other,
                None,
            );
            Vec::new()
        }
    };
    fields.finish(res)
}

/// A JSON object being checked field by field, collecting every error like pydantic.
struct Fields {
    object: Map<String, Value>,
    errors: Errors,
}

impl Fields {
    fn parse(body: &[u8]) -> Result<Self, Errors> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![json!({
                "type": "missing", "loc": ["body"], "msg": "Field required", "input": null,
            })]);
        }
        let value: Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(err) => {
                return Err(vec![json!({
                    "type": "json_invalid",
                    "loc": ["body", err.column()],
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": err.to_string()},
                })]);
            }
        };
        match value {
            Value::Object(object) => Ok(Self {
                object,
                errors: Vec::new(),
            }),
            other => Err(vec![json!({
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

    fn error(&mut self, kind: &str, field: &str, msg: &str, input: Value, ctx: Option<Value>) {
        let mut error = json!({"type": kind, "loc": ["body", field], "msg": msg, "input": input});
        if let Some(ctx) = ctx {
            error["ctx"] = ctx;
        }
        self.errors.push(error);
    }

    /// The field's value; `None` for absent or `null` (recording "missing" if required).
    fn present(&mut self, field: &str, required: bool) -> Option<Value> {
        match self.object.get(field) {
            None if required => {
                let input = Value::Object(self.object.clone());
                self.error("missing", field, "Field required", input, None);
                None
            }
            None | Some(Value::Null) => None,
            Some(value) => Some(value.clone()),
        }
    }

    fn string(&mut self, field: &str) -> Option<String> {
        match self.present(field, false)? {
            Value::String(text) => Some(text),
            other => {
                self.error(
                    "string_type",
                    field,
                    "Input should be a valid string",
                    other,
                    None,
                );
                None
            }
        }
    }

    fn username(&mut self, field: &str, required: bool) -> Option<String> {
        let text = match self.present(field, required)? {
            Value::String(text) => text,
            other => {
                self.error(
                    "string_type",
                    field,
                    "Input should be a valid string",
                    other,
                    None,
                );
                return None;
            }
        };
        let valid =
            !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            self.error(
                "string_pattern_mismatch",
                field,
                &format!("String should match pattern '{USERNAME_PATTERN}'"),
                Value::String(text),
                Some(json!({"pattern": USERNAME_PATTERN})),
            );
            return None;
        }
        Some(text)
    }

    fn date(&mut self, field: &str) -> Option<String> {
        let text = self.string(field)?;
        if !is_date(&text) {
            self.error(
                "value_error",
                field,
                "Value error, Invalid date format. Expected YYYY-MM-DD",
                Value::String(text),
                Some(json!({"error": {}})),
            );
            return None;
        }
        Some(text)
    }

    /// An integer ≥ 0, accepting what pydantic's lax mode accepts
    /// (integral floats, numeric strings).
    fn non_negative_int(&mut self, field: &str, required: bool) -> Option<u64> {
        let value = self.present(field, required)?;
        let number: i128 = match &value {
            Value::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
                (Some(it), _, _) => i128::from(it),
                (None, Some(it), _) => i128::from(it),
                (None, None, Some(it)) if it.fract() == 0.0 && it.abs() < 1e18 => it as i128,
                _ => {
                    self.error(
                        "int_from_float",
                        field,
                        "Input should be a valid integer, got a number with a fractional part",
                        value,
                        None,
                    );
                    return None;
                }
            },
            Value::String(text) => match text.trim().parse::<i128>() {
                Ok(it) => it,
                Err(_) => {
                    self.error(
                        "int_parsing",
                        field,
                        "Input should be a valid integer, unable to parse string as an integer",
                        value,
                        None,
                    );
                    return None;
                }
            },
            _ => {
                self.error(
                    "int_type",
                    field,
                    "Input should be a valid integer",
                    value,
                    None,
                );
                return None;
            }
        };
        if number < 0 {
            self.error(
                "greater_than_equal",
                field,
                "Input should be greater than or equal to 0",
                value,
                Some(json!({"ge": 0})),
            );
            return None;
        }
        match u64::try_from(number) {
            Ok(it) => Some(it),
            Err(_) => {
                self.error(
                    "int_parsing_size",
                    field,
                    "Unable to parse input string as an integer, exceeded maximum size",
                    value,
                    None,
                );
                None
            }
        }
    }

    fn boolean(&mut self, field: &str) -> Option<bool> {
        match self.present(field, false)? {
            Value::Bool(it) => Some(it),
            other => {
                self.error(
                    "bool_type",
                    field,
                    "Input should be a valid boolean",
                    other,
                    None,
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::blitz::schema::{Errors, bulk_usernames, create_user, edit_user};

    fn types(errors: &Errors) -> Vec<(String, String)> {
        errors
            .iter()
            .map(|it| {
                let loc: Vec<String> = it["loc"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|part| match part {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                (loc.join("."), it["type"].as_str().unwrap().to_owned())
            })
            .collect()
    }

    fn check_create_errors(body: &str, expected: &[(&str, &str)]) {
        let errors = create_user(body.as_bytes()).unwrap_err();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(types(&errors), expected, "{body}");
    }

    #[test]
    fn create_accepts_the_documented_body() {
        let body = r#"{"username":"tg_12345","traffic_limit":30,"expiration_days":30,
            "note":"ajib order 42","creation_date":null,"password":null,"unlimited":false}"#;
        let it = create_user(body.as_bytes()).unwrap();
        assert_eq!(
            (it.username.as_str(), it.traffic_limit, it.expiration_days),
            ("tg_12345", 30, 30)
        );
        assert_eq!(it.creation_date, None);
        let lax = r#"{"username":"A","traffic_limit":"5","expiration_days":7.0}"#;
        let it = create_user(lax.as_bytes()).unwrap();
        assert_eq!((it.traffic_limit, it.expiration_days), (5, 7));
    }

    #[test]
    fn create_errors() {
        check_create_errors("", &[("body", "missing")]);
        check_create_errors("{", &[("body.1", "json_invalid")]);
        check_create_errors("[1]", &[("body", "model_attributes_type")]);
        check_create_errors(
            "{}",
            &[
                ("body.username", "missing"),
                ("body.traffic_limit", "missing"),
                ("body.expiration_days", "missing"),
            ],
        );
        check_create_errors(
            r#"{"username":"bad name","traffic_limit":-1,"expiration_days":"abc"}"#,
            &[
                ("body.username", "string_pattern_mismatch"),
                ("body.traffic_limit", "greater_than_equal"),
                ("body.expiration_days", "int_parsing"),
            ],
        );
        check_create_errors(
            r#"{"username":5,"traffic_limit":1.5,"expiration_days":[],"note":1,"unlimited":"x","creation_date":"2026-02-30"}"#,
            &[
                ("body.username", "string_type"),
                ("body.traffic_limit", "int_from_float"),
                ("body.expiration_days", "int_type"),
                ("body.note", "string_type"),
                ("body.creation_date", "value_error"),
                ("body.unlimited", "bool_type"),
            ],
        );
    }

    #[test]
    fn edit_and_bulk() {
        let it = edit_user(br#"{"new_expiration_days":40,"blocked":false}"#).unwrap();
        assert_eq!(
            (it.new_expiration_days, it.blocked),
            (Some(40), Some(false))
        );
        let errors =
            edit_user(br#"{"new_traffic_limit":-5,"renew_creation_date":"yes"}"#).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(
            bulk_usernames(br#"{"usernames":["a","b"]}"#).unwrap(),
            ["a", "b"]
        );
        assert_eq!(
            types(&bulk_usernames(br#"{"usernames":["a",1]}"#).unwrap_err()),
            [("body.usernames.1".to_owned(), "string_type".to_owned())]
        );
        assert_eq!(
            types(&bulk_usernames(b"{}").unwrap_err()),
            [("body.usernames".to_owned(), "missing".to_owned())]
        );
    }
}
