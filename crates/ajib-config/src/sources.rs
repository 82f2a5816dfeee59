//! Reading raw values from the layered sources with figment.

use std::{collections::BTreeMap, path::PathBuf};

use figment::{
    Figment,
    providers::{Format, Serialized, Toml},
    value::Value,
};

use crate::{
    error::ConfigError,
    parse::{Config, from_values},
    vars::is_known,
};

/// Where configuration is read from; later sources override earlier ones.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// An optional TOML file (keys are the variable names, any case); missing is fine.
    pub toml: Option<PathBuf>,
    /// An optional dotenv file; missing is fine.
    pub dotenv: Option<PathBuf>,
    /// Whether the process environment is read (off in tests).
    pub process_env: bool,
}

impl Sources {
    /// The production layering: `/etc/ajib/ajib.toml`, `./.env`, then the environment.
    #[must_use]
    pub fn standard() -> Self {
        Self {
            toml: Some(PathBuf::from("/etc/ajib/ajib.toml")),
            dotenv: Some(PathBuf::from(".env")),
            process_env: true,
        }
    }
}

/// Loads and validates the configuration.
pub fn load(sources: &Sources) -> Result<Config, ConfigError> {
    from_values(&raw_values(sources)?)
}

/// The merged raw values of every known variable, names upper-cased.
pub fn raw_values(sources: &Sources) -> Result<BTreeMap<String, String>, ConfigError> {
    // Each layer is normalised to upper-case names first, so a TOML `log_level`
    // and an environment `LOG_LEVEL` are the same key when figment merges them.
    let mut figment = Figment::new();
    if let Some(path) = &sources.toml {
        figment = figment.merge(Serialized::defaults(read_toml(path)?));
    }
    if let Some(path) = sources.dotenv.as_ref().filter(|it| it.exists()) {
        figment = figment.merge(Serialized::defaults(read_dotenv(path)?));
    }
    if sources.process_env {
        let env: BTreeMap<String, String> = std::env::vars().filter(|(k, _)| is_known(k)).collect();
        figment = figment.merge(Serialized::defaults(env));
    }
    figment
        .extract()
        .map_err(|err| ConfigError::single("configuration", format!("mergeable values ({err})")))
}

fn read_toml(path: &std::path::Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let shown = path.display().to_string();
    let table: BTreeMap<String, Value> = Figment::from(Toml::file(path))
        .extract()
        .map_err(|err| ConfigError::single(&shown, format!("readable TOML ({err})")))?;
    let mut res = BTreeMap::new();
    for (key, value) in table {
        let key = key.to_ascii_uppercase();
        if !is_known(&key) {
            continue;
        }
        match scalar_text(&value) {
            Some(text) => res.insert(key, text),
            None => {
                return Err(ConfigError::single(
                    &key,
                    "a single value, not a table".to_owned(),
                ));
            }
        };
    }
    Ok(res)
}

fn read_dotenv(path: &std::path::Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let shown = path.display().to_string();
    let iter = dotenvy::from_path_iter(path)
        .map_err(|err| ConfigError::single(&shown, format!("a readable dotenv file ({err})")))?;
    let mut res = BTreeMap::new();
    for item in iter {
        // dotenvy's error names the line, never the value.
        let (key, value) =
            item.map_err(|err| ConfigError::single(&shown, format!("KEY=value lines ({err})")))?;
        if is_known(&key) {
            res.insert(key, value);
        }
    }
    Ok(res)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(_, s) => Some(s.clone()),
        Value::Char(_, c) => Some(c.to_string()),
        Value::Bool(_, b) => Some(b.to_string()),
        Value::Num(_, n) => n
            .to_i128()
            .map(|it| it.to_string())
            .or_else(|| n.to_f64().map(|it| it.to_string())),
        Value::Array(_, items) => {
            let parts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
            parts.map(|it| it.join(","))
        }
        Value::Empty(..) | Value::Dict(..) => None,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(text.as_bytes()).unwrap();
        path
    }

    #[test]
    fn later_sources_override_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let toml = write(
            dir.path(),
            "ajib.toml",
            "log_level = \"debug\"\nbackup_keep = 3\nsupport_contact = \"@toml\"\n",
        );
        let dotenv = write(
            dir.path(),
            ".env",
            "# comment\nSUPPORT_CONTACT=@dotenv\nUNRELATED=1\n",
        );
        let sources = Sources {
            toml: Some(toml),
            dotenv: Some(dotenv),
            process_env: false,
        };
        let values = raw_values(&sources).unwrap();
        assert_eq!(values["LOG_LEVEL"], "debug");
        assert_eq!(values["BACKUP_KEEP"], "3");
        assert_eq!(values["SUPPORT_CONTACT"], "@dotenv");
        assert!(!values.contains_key("UNRELATED"));
    }

    #[test]
    fn missing_files_are_fine() {
        let sources = Sources {
            toml: Some(PathBuf::from("/nonexistent/ajib.toml")),
            dotenv: Some(PathBuf::from("/nonexistent/.env")),
            process_env: false,
        };
        assert!(raw_values(&sources).unwrap().is_empty());
    }

    #[test]
    fn a_broken_toml_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let toml = write(dir.path(), "ajib.toml", "log_level = [\n");
        let err = raw_values(&Sources {
            toml: Some(toml),
            dotenv: None,
            process_env: false,
        })
        .unwrap_err();
        assert!(err.problems[0].var.ends_with("ajib.toml"), "{err}");
    }
}
