//! A checking reader of the Prometheus text exposition format (0.0.4), for the `/metrics` tests.

use std::collections::HashMap;

/// A page that passed [`parse`]: each sample's value by its series as written, `name{labels}`.
#[derive(Debug)]
pub struct Page {
    pub samples: HashMap<String, f64>,
}

impl Page {
    /// The value of `series` (e.g. `ajib_orders{status="paid"}`); fails the test if it is absent.
    pub fn value(&self, series: &str) -> f64 {
        match self.samples.get(series) {
            Some(value) => *value,
            None => panic!("{series} is not on the page: {:#?}", self.samples),
        }
    }

    /// The value of `series`, 0 if the page does not have it (yet).
    pub fn or_zero(&self, series: &str) -> f64 {
        self.samples.get(series).copied().unwrap_or(0.0)
    }
}

/// Checks every line of a Prometheus 0.0.4 text page and returns its samples: each family has
/// one `# HELP` and one `# TYPE` before its samples, counters end in `_total`, a histogram's
/// series are `_bucket` (cumulative, ending in `le="+Inf"` equal to `_count`), `_sum`, `_count`.
pub fn parse(text: &str) -> Page {
    let mut help: HashMap<String, String> = HashMap::new();
    let mut kinds: HashMap<String, String> = HashMap::new();
    let mut samples = HashMap::new();
    // Histogram buckets per series without `le`: (le, count) in page order.
    let mut buckets: HashMap<String, Vec<(f64, f64)>> = HashMap::new();
    assert!(text.ends_with('\n'), "the page ends with a newline");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, doc) = rest.split_once(' ').unwrap_or_else(|| panic!("{line:?}"));
            assert!(valid_name(name), "{line:?}");
            assert!(!doc.trim().is_empty(), "empty help: {line:?}");
            assert!(
                help.insert(name.to_owned(), doc.to_owned()).is_none(),
                "HELP twice: {line:?}"
            );
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or_else(|| panic!("{line:?}"));
            assert!(
                ["counter", "gauge", "histogram"].contains(&kind),
                "{line:?}"
            );
            assert!(help.contains_key(name), "TYPE before HELP: {line:?}");
            if kind == "counter" {
                assert!(
                    name.ends_with("_total"),
                    "a counter ends in _total: {line:?}"
                );
            }
            assert!(
                kinds.insert(name.to_owned(), kind.to_owned()).is_none(),
                "TYPE twice: {line:?}"
            );
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.is_empty(),
            "stray line {line:?}"
        );
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line:?}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            it => it
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line:?}")),
        };
        let (name, labels) = split_series(series);
        assert!(valid_name(name), "{line:?}");
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                let base = name.strip_suffix(suffix)?;
                (kinds.get(base).map(String::as_str) == Some("histogram")).then_some(base)
            })
            .unwrap_or(name);
        let kind = kinds
            .get(family)
            .unwrap_or_else(|| panic!("sample before its TYPE: {line:?}"));
        if kind == "histogram" {
            assert_ne!(
                family, name,
                "a histogram's samples have suffixes: {line:?}"
            );
        }
        if name.ends_with("_bucket") && kind == "histogram" {
            let (le, others): (Vec<_>, Vec<_>) = labels.iter().partition(|(k, _)| k == "le");
            let le = match le.first().map(|(_, v)| v.as_str()) {
                Some("+Inf") => f64::INFINITY,
                Some(it) => it.parse().unwrap_or_else(|_| panic!("bad le in {line:?}")),
                None => panic!("a bucket without le: {line:?}"),
            };
            buckets
                .entry(format!("{family}{others:?}"))
                .or_default()
                .push((le, value));
        }
        assert!(
            samples.insert(series.to_owned(), value).is_none(),
            "series twice: {line:?}"
        );
    }
    for (series, list) in &buckets {
        assert!(
            list.windows(2)
                .all(|it| it[0].0 < it[1].0 && it[0].1 <= it[1].1),
            "{series}: {list:?}"
        );
        assert_eq!(
            list.last().map(|it| it.0),
            Some(f64::INFINITY),
            "{series} ends at +Inf"
        );
    }
    for (name, kind) in &kinds {
        if kind != "histogram" {
            continue;
        }
        for (series, count) in samples
            .iter()
            .filter(|(it, _)| it.starts_with(&format!("{name}_count")))
        {
            let labels = series.trim_start_matches(&format!("{name}_count"));
            let inf = match labels {
                "" => format!("{name}_bucket{{le=\"+Inf\"}}"),
                it => format!("{name}_bucket{},le=\"+Inf\"}}", it.trim_end_matches('}')),
            };
            assert_eq!(samples.get(&inf), Some(count), "{inf} equals {series}");
        }
    }
    Page { samples }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic() || it == '_' || it == ':')
        && chars.all(|it| it.is_ascii_alphanumeric() || it == '_' || it == ':')
}

/// `name{a="x",b="y\"z"}` into the name and its (label, unescaped value) pairs.
fn split_series(series: &str) -> (&str, Vec<(String, String)>) {
    let Some((name, rest)) = series.split_once('{') else {
        return (series, Vec::new());
    };
    let body = rest
        .strip_suffix('}')
        .unwrap_or_else(|| panic!("unclosed labels: {series:?}"));
    let mut labels = Vec::new();
    let mut chars = body.chars().peekable();
    while chars.peek().is_some() {
        let label: String = chars.by_ref().take_while(|it| *it != '=').collect();
        assert!(valid_name(&label), "label {label:?} in {series:?}");
        assert_eq!(chars.next(), Some('"'), "quoted value in {series:?}");
        let mut value = String::new();
        loop {
            match chars.next() {
                Some('\\') => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(it @ ('\\' | '"')) => value.push(it),
                    other => panic!("bad escape {other:?} in {series:?}"),
                },
                Some('"') => break,
                Some(it) => value.push(it),
                None => panic!("unterminated value in {series:?}"),
            }
        }
        labels.push((label, value));
        match chars.next() {
            Some(',') | None => (),
            other => panic!("expected , got {other:?} in {series:?}"),
        }
    }
    (name, labels)
}
