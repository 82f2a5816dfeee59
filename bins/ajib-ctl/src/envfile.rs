//! The dotenv config file, edited in place: comments, blank lines and order survive.

use std::{
    fs,
    io::Write,
    os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt},
    path::Path,
};

use anyhow::Context;

/// A parsed config file that renders back to the same text when unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFile {
    lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    /// `KEY=value`, with `export ` kept if it was there; `raw` is the original text.
    Var {
        export: bool,
        key: String,
        value: String,
        raw: String,
    },
    /// A comment, blank line, or anything not `KEY=value`.
    Other(String),
}

impl EnvFile {
    /// Parses dotenv text; lines that are not assignments are kept verbatim.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let lines = text.lines().map(parse_line).collect();
        Self { lines }
    }

    /// Reads `path`; a missing file is an error with the path in it.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Self::parse(&text))
    }

    /// The value of `key` (the last assignment wins, as in dotenv and systemd).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.lines.iter().rev().find_map(|line| match line {
            Line::Var { key: k, value, .. } if k == key => Some(value.as_str()),
            _ => None,
        })
    }

    /// Every assignment in file order (a key set twice appears twice).
    #[must_use]
    pub fn entries(&self) -> Vec<(&str, &str)> {
        self.lines
            .iter()
            .filter_map(|line| match line {
                Line::Var { key, value, .. } => Some((key.as_str(), value.as_str())),
                Line::Other(_) => None,
            })
            .collect()
    }

    /// Sets `key`: rewrites its last assignment in place, or appends one.
    pub fn set(&mut self, key: &str, value: &str) {
        let found = self.lines.iter_mut().rev().find_map(|line| match line {
            Line::Var { key: k, .. } if k == key => Some(line),
            _ => None,
        });
        match found {
            Some(Line::Var {
                export,
                value: v,
                raw,
                ..
            }) => {
                *v = value.to_owned();
                *raw = render_var(*export, key, value);
            }
            _ => {
                let raw = render_var(false, key, value);
                self.lines.push(Line::Var {
                    export: false,
                    key: key.to_owned(),
                    value: value.to_owned(),
                    raw,
                });
            }
        }
    }

    /// Removes every assignment of `key`; returns whether there was one.
    pub fn unset(&mut self, key: &str) -> bool {
        let before = self.lines.len();
        self.lines
            .retain(|line| !matches!(line, Line::Var { key: k, .. } if k == key));
        self.lines.len() != before
    }

    /// The file's text.
    #[must_use]
    pub fn render(&self) -> String {
        let mut res = String::new();
        for line in &self.lines {
            match line {
                Line::Var { raw, .. } | Line::Other(raw) => res.push_str(raw),
            }
            res.push('\n');
        }
        res
    }

    /// Writes the file atomically (temp file + rename), keeping the old file's owner, group and mode.
    ///
    /// The mode kept is at most 0640 (`root:ajib 0640` is how install.sh leaves it); a new
    /// file is 0600. A `path` that is a symbolic link is refused, and the temp file is created
    /// exclusively (`O_EXCL`, which never follows a link), its owner and mode set on the open
    /// handle before it is renamed over `path`.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let dir = path
            .parent()
            .filter(|it| !it.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map_or_else(|| "ajib.env".into(), |it| it.to_string_lossy().into_owned());
        let old = match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => anyhow::bail!(
                "{} is a symbolic link; refusing to write through it (replace it with the real file)",
                path.display()
            ),
            Ok(meta) if !meta.is_file() => {
                anyhow::bail!("{} is not a regular file", path.display())
            }
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(e).with_context(|| format!("cannot inspect {}", path.display()));
            }
        };
        let mode = old.as_ref().map_or(0o600, |m| m.mode() & MAX_MODE);
        let owner = old.as_ref().map(|m| (m.uid(), m.gid()));
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            // Only a file of ours from an interrupted run can be here; never a link (O_EXCL below).
            if fs::symlink_metadata(&tmp).is_ok_and(|m| m.is_file()) {
                fs::remove_file(&tmp)?;
            }
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            if let Some((uid, gid)) = owner {
                // Only root can give a file away; anyone else already owns it.
                if let Err(e) = std::os::unix::fs::fchown(&file, Some(uid), Some(gid)) {
                    log::warn!("could not keep the owner of {}: {e}", path.display());
                }
            }
            file.set_permissions(fs::Permissions::from_mode(mode))?;
            file.write_all(self.render().as_bytes())?;
            file.sync_all()?;
            fs::rename(&tmp, path)?;
            fs::File::open(dir)?.sync_all()
        };
        let res = write();
        if res.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        res.with_context(|| format!("cannot write {}", path.display()))
    }
}

/// The most the config file's mode may allow: owner read/write, group read (`root:ajib 0640`).
const MAX_MODE: u32 = 0o640;

fn parse_line(raw: &str) -> Line {
    let trimmed = raw.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Line::Other(raw.to_owned());
    }
    let (export, rest) = match trimmed.strip_prefix("export ") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, trimmed),
    };
    let Some((key, value)) = rest.split_once('=') else {
        return Line::Other(raw.to_owned());
    };
    let key = key.trim();
    let valid_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_key {
        return Line::Other(raw.to_owned());
    }
    Line::Var {
        export,
        key: key.to_owned(),
        value: unquote(value.trim()),
        raw: raw.to_owned(),
    }
}

fn unquote(value: &str) -> String {
    if value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'') {
        return value[1..value.len() - 1].to_owned();
    }
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        let mut res = String::new();
        let mut chars = value[1..value.len() - 1].chars();
        while let Some(c) = chars.next() {
            match (c, chars.clone().next()) {
                ('\\', Some(next @ ('"' | '\\' | '$' | '`'))) => {
                    res.push(next);
                    chars.next();
                }
                ('\\', Some('n')) => {
                    res.push('\n');
                    chars.next();
                }
                _ => res.push(c),
            }
        }
        return res;
    }
    value.to_owned()
}

/// `KEY=value`, double-quoted when the value holds anything a shell, dotenv or systemd could misread.
fn render_var(export: bool, key: &str, value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-.,:/@+=%~".contains(c));
    let export = if export { "export " } else { "" };
    if plain {
        return format!("{export}{key}={value}");
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '"' | '\\' | '$' | '`' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '\n' => quoted.push_str("\\n"),
            _ => quoted.push(c),
        }
    }
    format!("{export}{key}=\"{quoted}\"")
}

#[cfg(test)]
mod tests {
    use super::EnvFile;

    fn check_set(input: &str, key: &str, value: &str, expected: &str) {
        let mut env = EnvFile::parse(input);
        env.set(key, value);
        assert_eq!(env.render(), expected);
        assert_eq!(EnvFile::parse(expected).get(key), Some(value));
    }

    #[test]
    fn unchanged_file_renders_identically() {
        let text = "# top\n\nA=1\nexport B='two words'\nnot an assignment\nC=\"q\\\"x\"\n";
        assert_eq!(EnvFile::parse(text).render(), text);
        let env = EnvFile::parse(text);
        assert_eq!(env.get("B"), Some("two words"));
        assert_eq!(env.get("C"), Some("q\"x"));
    }

    #[test]
    fn set_replaces_in_place() {
        check_set("# c\nA=1\nB=2\n", "A", "9", "# c\nA=9\nB=2\n");
    }

    #[test]
    fn set_keeps_export() {
        check_set("export A=1\n", "A", "x", "export A=x\n");
    }

    #[test]
    fn set_appends_new_key() {
        check_set("A=1\n", "B", "2", "A=1\nB=2\n");
    }

    #[test]
    fn set_quotes_odd_values() {
        check_set("", "S", "a b \"c\" $d #e", "S=\"a b \\\"c\\\" \\$d #e\"\n");
    }

    #[test]
    fn write_keeps_the_mode_up_to_0640() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ajib.env");
        let mode =
            |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        EnvFile::parse("A=1\n").write(&path).unwrap();
        assert_eq!(mode(&path), 0o600, "a new file");
        for (before, after) in [
            (0o640, 0o640),
            (0o600, 0o600),
            (0o644, 0o640),
            (0o666, 0o640),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(before)).unwrap();
            EnvFile::parse("A=2\n").write(&path).unwrap();
            assert_eq!(mode(&path), after, "{before:o}");
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "A=2\n");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "temp files left: {left:?}");
    }

    #[test]
    fn write_refuses_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "KEEP=1\n").unwrap();
        let path = dir.path().join("ajib.env");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let err = EnvFile::parse("A=1\n").write(&path).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "KEEP=1\n");
        assert!(
            std::fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn unset_removes_all_assignments() {
        let mut env = EnvFile::parse("A=1\n# keep\nA=2\nB=3\n");
        assert!(env.unset("A"));
        assert_eq!(env.render(), "# keep\nB=3\n");
        assert!(!env.unset("A"));
    }
}
