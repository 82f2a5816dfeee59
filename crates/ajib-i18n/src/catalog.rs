//! The message catalogue: Fluent bundles per language with fallback.

use std::{
    collections::{BTreeMap, BTreeSet, HashSet},
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
        Lang::EN,
        "customer.ftl",
        include_str!("../../../locales/en/customer.ftl"),
    ),
    (
        Lang::EN,
        "admin.ftl",
        include_str!("../../../locales/en/admin.ftl"),
    ),
    (
        Lang::EN,
        "panels.ftl",
        include_str!("../../../locales/en/panels.ftl"),
    ),
    (
        Lang::EN,
        "health.ftl",
        include_str!("../../../locales/en/health.ftl"),
    ),
    (
        Lang::EN,
        "moves.ftl",
        include_str!("../../../locales/en/moves.ftl"),
    ),
    (
        Lang::EN,
        "linking.ftl",
        include_str!("../../../locales/en/linking.ftl"),
    ),
    (
        Lang::EN,
        "referrals.ftl",
        include_str!("../../../locales/en/referrals.ftl"),
    ),
    (
        Lang::EN,
        "promos.ftl",
        include_str!("../../../locales/en/promos.ftl"),
    ),
    (
        Lang::EN,
        "channel.ftl",
        include_str!("../../../locales/en/channel.ftl"),
    ),
    (
        Lang::EN,
        "stars.ftl",
        include_str!("../../../locales/en/stars.ftl"),
    ),
    (
        Lang::EN,
        "card.ftl",
        include_str!("../../../locales/en/card.ftl"),
    ),
    (
        Lang::EN,
        "agents.ftl",
        include_str!("../../../locales/en/agents.ftl"),
    ),
    (
        Lang::EN,
        "agent_bot.ftl",
        include_str!("../../../locales/en/agent_bot.ftl"),
    ),
    (
        Lang::FA,
        "customer.ftl",
        include_str!("../../../locales/fa/customer.ftl"),
    ),
    (
        Lang::FA,
        "admin.ftl",
        include_str!("../../../locales/fa/admin.ftl"),
    ),
    (
        Lang::FA,
        "panels.ftl",
        include_str!("../../../locales/fa/panels.ftl"),
    ),
    (
        Lang::FA,
        "health.ftl",
        include_str!("../../../locales/fa/health.ftl"),
    ),
    (
        Lang::FA,
        "moves.ftl",
        include_str!("../../../locales/fa/moves.ftl"),
    ),
    (
        Lang::FA,
        "linking.ftl",
        include_str!("../../../locales/fa/linking.ftl"),
    ),
    (
        Lang::FA,
        "referrals.ftl",
        include_str!("../../../locales/fa/referrals.ftl"),
    ),
    (
        Lang::FA,
        "promos.ftl",
        include_str!("../../../locales/fa/promos.ftl"),
    ),
    (
        Lang::FA,
        "channel.ftl",
        include_str!("../../../locales/fa/channel.ftl"),
    ),
    (
        Lang::FA,
        "stars.ftl",
        include_str!("../../../locales/fa/stars.ftl"),
    ),
    (
        Lang::FA,
        "card.ftl",
        include_str!("../../../locales/fa/card.ftl"),
    ),
    (
        Lang::FA,
        "agents.ftl",
        include_str!("../../../locales/fa/agents.ftl"),
    ),
    (
        Lang::FA,
        "agent_bot.ftl",
        include_str!("../../../locales/fa/agent_bot.ftl"),
    ),
    (
        Lang::RU,
        "customer.ftl",
        include_str!("../../../locales/ru/customer.ftl"),
    ),
    (
        Lang::RU,
        "admin.ftl",
        include_str!("../../../locales/ru/admin.ftl"),
    ),
    (
        Lang::RU,
        "panels.ftl",
        include_str!("../../../locales/ru/panels.ftl"),
    ),
    (
        Lang::RU,
        "health.ftl",
        include_str!("../../../locales/ru/health.ftl"),
    ),
    (
        Lang::RU,
        "moves.ftl",
        include_str!("../../../locales/ru/moves.ftl"),
    ),
    (
        Lang::RU,
        "linking.ftl",
        include_str!("../../../locales/ru/linking.ftl"),
    ),
    (
        Lang::RU,
        "referrals.ftl",
        include_str!("../../../locales/ru/referrals.ftl"),
    ),
    (
        Lang::RU,
        "promos.ftl",
        include_str!("../../../locales/ru/promos.ftl"),
    ),
    (
        Lang::RU,
        "channel.ftl",
        include_str!("../../../locales/ru/channel.ftl"),
    ),
    (
        Lang::RU,
        "stars.ftl",
        include_str!("../../../locales/ru/stars.ftl"),
    ),
    (
        Lang::RU,
        "card.ftl",
        include_str!("../../../locales/ru/card.ftl"),
    ),
    (
        Lang::RU,
        "agents.ftl",
        include_str!("../../../locales/ru/agents.ftl"),
    ),
    (
        Lang::RU,
        "agent_bot.ftl",
        include_str!("../../../locales/ru/agent_bot.ftl"),
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
///
/// The languages are data: the embedded ones ([`Lang::BUILT_IN`]) and any
/// an operator adds as `LOCALES_DIR/<code>/*.ftl`.
pub struct Catalog {
    /// Every language with at least one message; English is always here.
    locales: BTreeMap<Lang, Locale>,
    /// Problems already logged, so a hot path logs each one once.
    logged: Mutex<HashSet<String>>,
}

/// One language's bundle and the ids it defines.
struct Locale {
    bundle: FluentBundle<FluentResource>,
    ids: BTreeSet<String>,
}

/// The message holding a language's own name, shown in the language picker.
const LANG_NAME: &str = "lang-name";

impl Catalog {
    /// Loads the catalogues compiled into the binary.
    pub fn embedded() -> Result<Self, Error> {
        let mut locales = BTreeMap::new();
        for &(lang, name, source) in EMBEDDED {
            let file = format!("embedded:{}/{name}", lang.code());
            let resource = parse(&file, source.to_owned())?;
            locales
                .entry(lang)
                .or_insert_with(|| Locale::new(lang))
                .add(&file, resource)?;
        }
        Ok(Self {
            locales,
            logged: Mutex::new(HashSet::new()),
        })
    }

    /// Loads the embedded catalogues, then `dir/<lang>/*.ftl` over them.
    ///
    /// A message or term in an override file replaces the embedded one with
    /// the same id. A folder named by a language code the bot does not ship
    /// (`dir/de/`) adds that language, its missing messages falling back to
    /// English; a folder whose name is not a language code is skipped with a
    /// warning. A missing `dir`, an unreadable file or a syntax error is an
    /// error naming file and line.
    pub fn with_overrides(dir: &Path) -> Result<Self, Error> {
        let mut res = Self::embedded()?;
        for (lang, lang_dir) in language_dirs(dir)? {
            for path in ftl_files(&lang_dir)? {
                let source = fs::read_to_string(&path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                let file = path.display().to_string();
                let resource = parse(&file, source)?;
                log::info!("locale override {file} loaded");
                res.locales
                    .entry(lang)
                    .or_insert_with(|| Locale::new(lang))
                    .add_overriding(resource);
            }
        }
        Ok(res)
    }

    /// The languages the bot speaks, in menu order: the built-in ones first,
    /// then the operator's, by code.
    #[must_use]
    pub fn languages(&self) -> Vec<Lang> {
        let mut res: Vec<Lang> = Lang::BUILT_IN
            .into_iter()
            .filter(|lang| self.speaks(*lang))
            .collect();
        res.extend(
            self.locales
                .keys()
                .filter(|lang| !Lang::BUILT_IN.contains(lang)),
        );
        res
    }

    /// Whether the bot has a catalogue in `lang`.
    #[must_use]
    pub fn speaks(&self, lang: Lang) -> bool {
        self.locales.contains_key(&lang)
    }

    /// The language's name in itself (its `lang-name` message), for the
    /// picker; its code when its catalogue does not say.
    #[must_use]
    pub fn language_name(&self, lang: Lang) -> String {
        match self.has(lang, LANG_NAME) {
            true => self.label(lang, LANG_NAME, &[]),
            false => lang.code().to_owned(),
        }
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
        if lang != Lang::EN {
            self.warn_once(format!("missing:{}:{id}", lang.code()), || {
                log::warn!("message {id} is missing in {}, using English", lang.code());
            });
            if let Some(text) = self.format_logged(Lang::EN, id, args, target) {
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
        self.locales
            .get(&lang)
            .and_then(|locale| locale.bundle.get_message(id))
            .and_then(|message| message.value())
            .is_some()
    }

    /// The message ids `lang` defines, sorted; none for a language the bot does not speak.
    #[must_use]
    pub fn ids(&self, lang: Lang) -> Vec<String> {
        self.locales
            .get(&lang)
            .map(|locale| locale.ids.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Formats `id` in `lang` only, with any formatting errors.
    pub(crate) fn format(
        &self,
        lang: Lang,
        id: &str,
        args: &[(&str, Arg)],
        target: Target,
    ) -> Option<(String, Vec<FluentError>)> {
        let bundle = &self.locales.get(&lang)?.bundle;
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
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Catalog ")?;
        let mut map = f.debug_map();
        for (lang, locale) in &self.locales {
            map.entry(&lang.code(), &locale.ids.len());
        }
        map.finish()
    }
}

impl Locale {
    fn new(lang: Lang) -> Self {
        // Every `Lang` is a valid language subtag, so the default is never used.
        let langid: LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Unicode isolation marks show up as garbage in some Telegram clients.
        bundle.set_use_isolating(false);
        if lang.uses_persian_digits() {
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

/// The folders of `dir` named by a language code, with their language, sorted.
fn language_dirs(dir: &Path) -> Result<Vec<(Lang, PathBuf)>, Error> {
    let read_err = |source| Error::Read {
        path: dir.to_owned(),
        source,
    };
    let mut res = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        if !path.is_dir() {
            continue;
        }
        let name = path.file_name().and_then(|it| it.to_str()).unwrap_or("");
        match Lang::from_code(name) {
            Some(lang) => res.push((lang, path)),
            None => log::warn!(
                "locale folder {} skipped: not a two- or three-letter lowercase language code",
                path.display()
            ),
        }
    }
    res.sort();
    Ok(res)
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
            Lang::EN,
            "days-count",
            &[("count", Arg::Num(1))],
            "1 day",
        );
        check(
            &catalog,
            Lang::EN,
            "days-count",
            &[("count", Arg::Num(30))],
            "30 days",
        );
        check(
            &catalog,
            Lang::FA,
            "days-count",
            &[("count", Arg::Num(30))],
            "۳۰ روز",
        );
        check(
            &catalog,
            Lang::FA,
            "traffic-gb",
            &[("gb", Arg::Num(1250))],
            "۱۲۵۰ گیگابایت",
        );
        check(
            &catalog,
            Lang::FA,
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
                Lang::EN,
                "reminder-expiry",
                &[("name", Arg::Str("S")), ("days", Arg::Num(days))],
            )
        };
        assert!(expiry(0).contains("expires today."));
        assert!(expiry(1).contains("expires tomorrow."));
        assert!(expiry(3).contains("expires in 3 days."));
        let preview = |count| {
            catalog.text(
                Lang::FA,
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
        let welcome = |arg| catalog.text(Lang::EN, "welcome", &[("name", arg)]);
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
            Lang::EN,
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
            Lang::FA,
            "config-uri",
            &[("uri", Arg::Str(uri))],
            &format!("🔗 <b>لینک کانفیگ</b> (برای کپی، روی آن بزنید):\n<code>{uri}</code>"),
        );
    }

    #[test]
    fn text_has_no_isolation_marks() {
        let text = embedded().text(Lang::EN, "welcome", &[("name", Arg::Str("Sara"))]);
        assert!(
            text.starts_with("👋 Hi Sara, welcome to AJIB!\n"),
            "{text:?}"
        );
        assert!(!text.contains(['\u{2068}', '\u{2069}']));
    }

    #[test]
    fn message_references_follow_the_buttons() {
        let catalog = embedded();
        let text = catalog.text(Lang::FA, "services-empty", &[]);
        assert!(
            text.contains(&format!("«{}»", catalog.text(Lang::FA, "btn-buy", &[]))),
            "{text}"
        );
    }

    #[test]
    fn missing_message_falls_back_to_english_then_to_the_id() {
        let dir = overrides(&[("en/extra.ftl", "only-en = Only { $what }\n")]);
        let catalog = with_overrides(dir.path());
        assert!(catalog.has(Lang::EN, "only-en"));
        assert!(!catalog.has(Lang::FA, "only-en"));
        check(
            &catalog,
            Lang::FA,
            "only-en",
            &[("what", Arg::Num(2))],
            "Only 2",
        );
        check(
            &catalog,
            Lang::FA,
            "only-en",
            &[("what", Arg::Num(2))],
            "Only 2",
        );
        check(
            &catalog,
            Lang::FA,
            "no-such-message",
            &[],
            "no-such-message",
        );
        check(
            &catalog,
            Lang::EN,
            "no-such-message",
            &[],
            "no-such-message",
        );
    }

    #[test]
    fn missing_argument_still_gives_text() {
        check(&embedded(), Lang::EN, "traffic-gb", &[], "{$gb} GB");
    }

    #[test]
    fn overrides_replace_messages_and_keep_the_rest() {
        let dir = overrides(&[
            ("fa/zz.ftl", "btn-buy = 🛍 خرید\n"),
            ("en/a.ftl", "welcome = Hello { $name }!\n"),
            ("en/notes.txt", "not = a locale file {\n"),
        ]);
        let catalog = with_overrides(dir.path());
        check(&catalog, Lang::FA, "btn-buy", &[], "🛍 خرید");
        check(
            &catalog,
            Lang::EN,
            "welcome",
            &[("name", Arg::Str("Ali"))],
            "Hello Ali!",
        );
        check(&catalog, Lang::EN, "btn-buy", &[], "🛒 Buy VPN");
        check(&catalog, Lang::FA, "btn-back", &[], "🔙 بازگشت");
        assert_eq!(catalog.ids(Lang::EN), embedded().ids(Lang::EN));
    }

    #[test]
    fn the_built_in_languages_name_themselves() {
        let catalog = embedded();
        assert_eq!(catalog.languages(), Lang::BUILT_IN);
        let names: Vec<String> = Lang::BUILT_IN
            .into_iter()
            .map(|lang| catalog.language_name(lang))
            .collect();
        assert_eq!(names, ["🇬🇧 English", "🇮🇷 فارسی", "🇷🇺 Русский"]);
        check(
            &catalog,
            Lang::RU,
            "days-count",
            &[("count", Arg::Num(21))],
            "21 день",
        );
        check(
            &catalog,
            Lang::RU,
            "days-count",
            &[("count", Arg::Num(3))],
            "3 дня",
        );
        check(
            &catalog,
            Lang::RU,
            "days-count",
            &[("count", Arg::Num(30))],
            "30 дней",
        );
    }

    #[test]
    fn a_dropped_in_catalogue_adds_a_language() {
        let dir = overrides(&[
            (
                "de/customer.ftl",
                "lang-name = 🇩🇪 Deutsch\nbtn-buy = 🛒 VPN kaufen\n",
            ),
            ("de/more.ftl", "days-count = { $count } Tage\n"),
            ("empty/readme.txt", "not a language\n"),
            ("German/x.ftl", "btn-buy = skipped\n"),
        ]);
        let catalog = with_overrides(dir.path());
        let de = Lang::from_code("de").expect("a language code");
        assert_eq!(catalog.languages(), [Lang::EN, Lang::FA, Lang::RU, de]);
        assert!(catalog.speaks(de));
        assert_eq!(catalog.language_name(de), "🇩🇪 Deutsch");
        check(&catalog, de, "btn-buy", &[], "🛒 VPN kaufen");
        check(
            &catalog,
            de,
            "days-count",
            &[("count", Arg::Num(3))],
            "3 Tage",
        );
        check(&catalog, de, "btn-back", &[], "🔙 Back");
        assert!(!catalog.has(de, "btn-back"));
        let unknown = Lang::from_code("xx").expect("a language code");
        assert!(!catalog.speaks(unknown));
        assert_eq!(catalog.language_name(unknown), "xx");
        check(&catalog, unknown, "btn-buy", &[], "🛒 Buy VPN");
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
        assert_eq!(catalog.ids(Lang::FA), embedded().ids(Lang::FA));
    }

    #[test]
    fn catalog_is_shareable_and_debuggable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Catalog>();
        let debug = format!("{:?}", embedded());
        assert!(debug.starts_with("Catalog {\"en\": "), "{debug}");
        assert!(debug.contains("\"ru\": "), "{debug}");
    }
}
