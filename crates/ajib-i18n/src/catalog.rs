//! The message catalogue: Fluent bundles per language with fallback.

use std::{
    collections::{BTreeSet, HashSet},
    fmt, fs,
    path::{Path, PathBuf},
    sync::Mutex,
};

use fluent_bundle::{
    FluentArgs, FluentError, FluentResource, FluentValue, concurrent::FluentBundle,
};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use crate::{Arg, Error, Lang, format::persian_number, lang::escape_html};

/// The `.ftl` files compiled into the binary, as `(lang, name, source)`.
pub(crate) const EMBEDDED: &[(Lang, &str, &str)] = &[
    (
        Lang::En,
        "customer.ftl",
        include_str!("../../../locales/en/customer.ftl"),
    ),
    (
        Lang::En,
        "admin.ftl",
        include_str!("../../../locales/en/admin.ftl"),
    ),
    (
        Lang::En,
        "panels.ftl",
        include_str!("../../../locales/en/panels.ftl"),
    ),
    (
        Lang::En,
        "health.ftl",
        include_str!("../../../locales/en/health.ftl"),
    ),
    (
        Lang::En,
        "moves.ftl",
        include_str!("../../../locales/en/moves.ftl"),
    ),
    (
        Lang::En,
        "linking.ftl",
        include_str!("../../../locales/en/linking.ftl"),
    ),
    (
        Lang::En,
        "referrals.ftl",
        include_str!("../../../locales/en/referrals.ftl"),
    ),
    (
        Lang::En,
        "promos.ftl",
        include_str!("../../../locales/en/promos.ftl"),
    ),
    (
        Lang::En,
        "channel.ftl",
        include_str!("../../../locales/en/channel.ftl"),
    ),
    (
        Lang::Fa,
        "customer.ftl",
        include_str!("../../../locales/fa/customer.ftl"),
    ),
    (
        Lang::Fa,
        "admin.ftl",
        include_str!("../../../locales/fa/admin.ftl"),
    ),
    (
        Lang::Fa,
        "panels.ftl",
        include_str!("../../../locales/fa/panels.ftl"),
    ),
    (
        Lang::Fa,
        "health.ftl",
        include_str!("../../../locales/fa/health.ftl"),
    ),
    (
        Lang::Fa,
        "moves.ftl",
        include_str!("../../../locales/fa/moves.ftl"),
    ),
    (
        Lang::Fa,
        "linking.ftl",
        include_str!("../../../locales/fa/linking.ftl"),
    ),
    (
        Lang::Fa,
        "referrals.ftl",
        include_str!("../../../locales/fa/referrals.ftl"),
    ),
    (
        Lang::Fa,
        "promos.ftl",
        include_str!("../../../locales/fa/promos.ftl"),
    ),
    (
        Lang::Fa,
        "channel.ftl",
        include_str!("../../../locales/fa/channel.ftl"),
    ),
];

/// What a formatted message becomes, which decides how text arguments go in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A Telegram HTML message: text arguments are escaped.
    Html,
    /// A button label: everything goes in as it is.
    Plain,
}

/// All messages in every language; cheap to share behind an `Arc`.
pub struct Catalog {
    en: Locale,
    fa: Locale,
    /// Problems already logged, so a hot path logs each one once.
    logged: Mutex<HashSet<String>>,
}

/// One language's bundle and the ids it defines.
struct Locale {
    bundle: FluentBundle<FluentResource>,
    ids: BTreeSet<String>,
}

impl Catalog {
    /// Loads the catalogues compiled into the binary.
    pub fn embedded() -> Result<Self, Error> {
        let mut en = Locale::new(Lang::En);
        let mut fa = Locale::new(Lang::Fa);
        for &(lang, name, source) in EMBEDDED {
            let file = format!("embedded:{}/{name}", lang.code());
            let resource = parse(&file, source.to_owned())?;
            let locale = match lang {
                Lang::En => &mut en,
                Lang::Fa => &mut fa,
            };
            locale.add(&file, resource)?;
        }
        Ok(Self {
            en,
            fa,
            logged: Mutex::new(HashSet::new()),
        })
    }

    /// Loads the embedded catalogues, then `dir/<lang>/*.ftl` over them.
    ///
    /// A message or term in an override file replaces the embedded one with
    /// the same id. A missing `dir/<lang>` directory is fine; a missing `dir`,
    /// an unreadable file or a syntax error is an error naming file and line.
    pub fn with_overrides(dir: &Path) -> Result<Self, Error> {
        let mut res = Self::embedded()?;
        if let Err(source) = fs::read_dir(dir) {
            return Err(Error::Read {
                path: dir.to_owned(),
                source,
            });
        }
        for lang in Lang::ALL {
            for path in ftl_files(&dir.join(lang.code()))? {
                let source = fs::read_to_string(&path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                let file = path.display().to_string();
                let resource = parse(&file, source)?;
                log::info!("locale override {file} loaded");
                res.locale_mut(lang).add_overriding(resource);
            }
        }
        Ok(res)
    }

    /// Formats message `id` as Telegram HTML, falling back to English and
    /// then to the id itself.
    ///
    /// Text arguments ([`Arg::Str`]) are HTML-escaped; only [`Arg::Html`]
    /// goes in as it is. Never panics; a missing message or a formatting
    /// problem is logged once.
    pub fn text(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        self.render(lang, id, args, Target::Html)
    }

    /// Formats message `id` as plain text, for a button label: arguments go
    /// in as they are (a label is not parsed as HTML). Falls back like
    /// [`Catalog::text`].
    pub fn label(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        self.render(lang, id, args, Target::Plain)
    }

    fn render(&self, lang: Lang, id: &str, args: &[(&str, Arg)], target: Target) -> String {
        if let Some(text) = self.format_logged(lang, id, args, target) {
            return text;
        }
        if lang != Lang::En {
            self.warn_once(format!("missing:{}:{id}", lang.code()), || {
                log::warn!("message {id} is missing in {}, using English", lang.code());
            });
            if let Some(text) = self.format_logged(Lang::En, id, args, target) {
                return text;
            }
        }
        self.warn_once(format!("missing:en:{id}"), || {
            log::warn!("message {id} is missing in English, showing its id");
        });
        id.to_owned()
    }

    /// Whether `lang` itself (without fallback) has message `id`.
    #[must_use]
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.locale(lang)
            .bundle
            .get_message(id)
            .and_then(|message| message.value())
            .is_some()
    }

    /// The message ids `lang` defines, sorted.
    #[must_use]
    pub fn ids(&self, lang: Lang) -> Vec<String> {
        self.locale(lang).ids.iter().cloned().collect()
    }

    /// Formats `id` in `lang` only, with any formatting errors.
    pub(crate) fn format(
        &self,
        lang: Lang,
        id: &str,
        args: &[(&str, Arg)],
        target: Target,
    ) -> Option<(String, Vec<FluentError>)> {
        let bundle = &self.locale(lang).bundle;
        let pattern = bundle.get_message(id)?.value()?;
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for &(name, arg) in args {
            let value = match (arg, target) {
                (Arg::Str(s), Target::Html) => FluentValue::from(escape_html(s)),
                (Arg::Str(s) | Arg::Html(s), _) => FluentValue::from(s),
                (Arg::Num(n), _) => FluentValue::from(n),
            };
            fluent_args.set(name, value);
        }
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned();
        Some((text, errors))
    }

    fn format_logged(
        &self,
        lang: Lang,
        id: &str,
        args: &[(&str, Arg)],
        target: Target,
    ) -> Option<String> {
        let (text, errors) = self.format(lang, id, args, target)?;
        if !errors.is_empty() {
            self.warn_once(format!("errors:{}:{id}", lang.code()), || {
                log::warn!(
                    "message {id} in {} formatted with errors: {errors:?}",
                    lang.code()
                );
            });
        }
        Some(text)
    }

    fn warn_once(&self, key: String, warn: impl FnOnce()) {
        let mut logged = self
            .logged
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if logged.insert(key) {
            warn();
        }
    }

    fn locale(&self, lang: Lang) -> &Locale {
        match lang {
            Lang::En => &self.en,
            Lang::Fa => &self.fa,
        }
    }

    fn locale_mut(&mut self, lang: Lang) -> &mut Locale {
        match lang {
            Lang::En => &mut self.en,
            Lang::Fa => &mut self.fa,
        }
    }
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("en_messages", &self.en.ids.len())
            .field("fa_messages", &self.fa.ids.len())
            .finish_non_exhaustive()
    }
}

impl Locale {
    fn new(lang: Lang) -> Self {
        // Both codes are valid language subtags, so the default is never used.
        let langid: LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Unicode isolation marks show up as garbage in some Telegram clients.
        bundle.set_use_isolating(false);
        if lang == Lang::Fa {
            bundle.set_formatter(Some(|value, _| match value {
                FluentValue::Number(number) => Some(persian_number(&number.as_string())),
                _ => None,
            }));
        }
        Self {
            bundle,
            ids: BTreeSet::new(),
        }
    }

    fn add(&mut self, file: &str, resource: FluentResource) -> Result<(), Error> {
        let ids = message_ids(&resource);
        if let Err(errors) = self.bundle.add_resource(resource) {
            let id = errors
                .iter()
                .find_map(|error| match error {
                    FluentError::Overriding { id, .. } => Some(id.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            return Err(Error::Duplicate {
                file: file.to_owned(),
                id,
            });
        }
        self.ids.extend(ids);
        Ok(())
    }

    fn add_overriding(&mut self, resource: FluentResource) {
        self.ids.extend(message_ids(&resource));
        self.bundle.add_resource_overriding(resource);
    }
}

/// Parses one file, reporting the first syntax error with its line.
fn parse(file: &str, source: String) -> Result<FluentResource, Error> {
    match FluentResource::try_new(source) {
        Ok(resource) => Ok(resource),
        Err((resource, errors)) => {
            let first = errors.iter().min_by_key(|error| error.pos.start);
            let (offset, message) = match first {
                Some(error) => (error.pos.start, error.kind.to_string()),
                None => (0, "unknown error".to_owned()),
            };
            // An "expected `}`" is found on the next line or at the end of the
            // file; point at the line where the text stopped instead.
            let prefix = resource.source().get(..offset).unwrap_or_default();
            let trimmed = prefix.trim_end();
            let prefix = if prefix[trimmed.len()..].contains('\n') {
                trimmed
            } else {
                prefix
            };
            let line = prefix.matches('\n').count() + 1;
            Err(Error::Syntax {
                file: file.to_owned(),
                line,
                message,
            })
        }
    }
}

/// The ids of the messages (not terms) in a resource.
fn message_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            ast::Entry::Message(message) => Some(message.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// The `.ftl` files in `dir`, sorted by name; none when `dir` does not exist.
fn ftl_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let mut res = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Read {
                path: dir.to_owned(),
                source,
            })?
            .path();
        if path.extension().is_some_and(|ext| ext == "ftl") && path.is_file() {
            res.push(path);
        }
    }
    res.sort();
    Ok(res)
}

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    use crate::{Arg, Catalog, Error, Html, Lang};

    fn embedded() -> Catalog {
        Catalog::embedded().expect("embedded catalogue loads")
    }

    fn check(catalog: &Catalog, lang: Lang, id: &str, args: &[(&str, Arg)], expected: &str) {
        assert_eq!(
            catalog.text(lang, id, args),
            expected,
            "{}: {id}",
            lang.code()
        );
    }

    /// Writes `files` (`"<lang>/<name>"`, source) under a fresh temp dir.
    fn overrides(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, source) in files {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().expect("file has a parent")).expect("mkdir");
            fs::write(path, source).expect("write override");
        }
        dir
    }

    fn with_overrides(dir: &Path) -> Catalog {
        Catalog::with_overrides(dir).expect("overrides load")
    }

    #[test]
    fn numbers_are_localized_and_pluralized() {
        let catalog = embedded();
        check(
            &catalog,
            Lang::En,
            "days-count",
            &[("count", Arg::Num(1))],
            "1 day",
        );
        check(
            &catalog,
            Lang::En,
            "days-count",
            &[("count", Arg::Num(30))],
            "30 days",
        );
        check(
            &catalog,
            Lang::Fa,
            "days-count",
            &[("count", Arg::Num(30))],
            "۳۰ روز",
        );
        check(
            &catalog,
            Lang::Fa,
            "traffic-gb",
            &[("gb", Arg::Num(1250))],
            "۱۲۵۰ گیگابایت",
        );
        check(
            &catalog,
            Lang::Fa,
            "traffic-gb",
            &[("gb", Arg::Num(-5))],
            "-۵ گیگابایت",
        );
    }

    #[test]
    fn selectors_pick_exact_numbers() {
        let catalog = embedded();
        let expiry = |days| {
            catalog.text(
                Lang::En,
                "reminder-expiry",
                &[("name", Arg::Str("S")), ("days", Arg::Num(days))],
            )
        };
        assert!(expiry(0).contains("expires today."));
        assert!(expiry(1).contains("expires tomorrow."));
        assert!(expiry(3).contains("expires in 3 days."));
        let preview = |count| {
            catalog.text(
                Lang::Fa,
                "admin-broadcast-preview",
                &[("count", Arg::Num(count))],
            )
        };
        assert_eq!(preview(0), "هیچ کاربری در این گروه نیست.");
        assert!(preview(12).contains("برای ۱۲ کاربر"));
    }

    #[test]
    fn text_arguments_are_escaped_in_messages_unless_html() {
        let catalog = embedded();
        let welcome = |arg| catalog.text(Lang::En, "welcome", &[("name", arg)]);
        assert!(
            welcome(Arg::Str("<b>Tom & \"Jerry\"</b>"))
                .contains("Hi &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;,"),
            "{}",
            welcome(Arg::Str("x"))
        );
        assert!(welcome(Html::trusted("<i>Tom</i>").into()).contains("Hi <i>Tom</i>,"));
    }

    #[test]
    fn labels_take_arguments_as_they_are() {
        let label = embedded().label(
            Lang::En,
            "plan-button",
            &[
                ("name", Arg::Str("Fast & <Far>")),
                ("days", Arg::Num(30)),
                ("traffic", Arg::Str("50 GB")),
                ("price", Arg::Str("5.00 USD")),
            ],
        );
        assert!(label.starts_with("Fast & <Far> · 30 days"), "{label}");
    }

    #[test]
    fn string_arguments_keep_their_digits() {
        let uri = "hy2://user42:p4ss@203.0.113.7:443?sni=a1.example#AJIB-7";
        check(
            &embedded(),
            Lang::Fa,
            "config-uri",
            &[("uri", Arg::Str(uri))],
            &format!("🔗 <b>لینک کانفیگ</b> (برای کپی، روی آن بزنید):\n<code>{uri}</code>"),
        );
    }

    #[test]
    fn text_has_no_isolation_marks() {
        let text = embedded().text(Lang::En, "welcome", &[("name", Arg::Str("Sara"))]);
        assert!(
            text.starts_with("👋 Hi Sara, welcome to AJIB!\n"),
            "{text:?}"
        );
        assert!(!text.contains(['\u{2068}', '\u{2069}']));
    }

    #[test]
    fn message_references_follow_the_buttons() {
        let catalog = embedded();
        let text = catalog.text(Lang::Fa, "services-empty", &[]);
        assert!(
            text.contains(&format!("«{}»", catalog.text(Lang::Fa, "btn-buy", &[]))),
            "{text}"
        );
    }

    #[test]
    fn missing_message_falls_back_to_english_then_to_the_id() {
        let dir = overrides(&[("en/extra.ftl", "only-en = Only { $what }\n")]);
        let catalog = with_overrides(dir.path());
        assert!(catalog.has(Lang::En, "only-en"));
        assert!(!catalog.has(Lang::Fa, "only-en"));
        check(
            &catalog,
            Lang::Fa,
            "only-en",
            &[("what", Arg::Num(2))],
            "Only 2",
        );
        check(
            &catalog,
            Lang::Fa,
            "only-en",
            &[("what", Arg::Num(2))],
            "Only 2",
        );
        check(
            &catalog,
            Lang::Fa,
            "no-such-message",
            &[],
            "no-such-message",
        );
        check(
            &catalog,
            Lang::En,
            "no-such-message",
            &[],
            "no-such-message",
        );
    }

    #[test]
    fn missing_argument_still_gives_text() {
        check(&embedded(), Lang::En, "traffic-gb", &[], "{$gb} GB");
    }

    #[test]
    fn overrides_replace_messages_and_keep_the_rest() {
        let dir = overrides(&[
            ("fa/zz.ftl", "btn-buy = 🛍 خرید\n"),
            ("en/a.ftl", "welcome = Hello { $name }!\n"),
            ("en/notes.txt", "not = a locale file {\n"),
        ]);
        let catalog = with_overrides(dir.path());
        check(&catalog, Lang::Fa, "btn-buy", &[], "🛍 خرید");
        check(
            &catalog,
            Lang::En,
            "welcome",
            &[("name", Arg::Str("Ali"))],
            "Hello Ali!",
        );
        check(&catalog, Lang::En, "btn-buy", &[], "🛒 Buy VPN");
        check(&catalog, Lang::Fa, "btn-back", &[], "🔙 بازگشت");
        assert_eq!(catalog.ids(Lang::En), embedded().ids(Lang::En));
    }

    #[test]
    fn override_syntax_error_names_file_and_line() {
        check_syntax_error("# comment\nok = fine\nbad = { $x\n", 3);
        check_syntax_error("a = ok\nb = { $x\nc = fine\n", 2);
        check_syntax_error("a = ok\nb = { $x -> [one] x }\n", 2);
        check_syntax_error("a = ok\n\noops\n", 3);
    }

    fn check_syntax_error(source: &str, expected_line: usize) {
        let dir = overrides(&[("fa/broken.ftl", source)]);
        match Catalog::with_overrides(dir.path()) {
            Err(err @ Error::Syntax { .. }) => {
                let text = err.to_string();
                let expected = format!("broken.ftl at line {expected_line}: ");
                assert!(text.contains(&expected), "{source:?}: {text}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn missing_override_dir_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("nope");
        let err = Catalog::with_overrides(&missing).expect_err("missing dir fails");
        assert!(
            matches!(&err, Error::Read { path, .. } if *path == missing),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with("cannot read locale path "),
            "{err}"
        );
    }

    #[test]
    fn empty_override_dir_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let catalog = with_overrides(dir.path());
        assert_eq!(catalog.ids(Lang::Fa), embedded().ids(Lang::Fa));
    }

    #[test]
    fn catalog_is_shareable_and_debuggable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Catalog>();
        let debug = format!("{:?}", embedded());
        assert!(debug.starts_with("Catalog { en_messages: "), "{debug}");
    }
}
