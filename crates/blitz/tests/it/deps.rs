//! The crate stays publishable on its own: nothing from AJIB in its dependencies.

/// Dependency names in every `[*dependencies]` table except dev-dependencies.
fn runtime_dependencies(manifest: &str) -> Vec<String> {
    let mut res = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            let table = line.trim_matches(|c| c == '[' || c == ']');
            in_deps = (table.ends_with("dependencies") && !table.ends_with("dev-dependencies"))
                || table.contains("dependencies.") && !table.contains("dev-dependencies.");
            if in_deps && table.contains("dependencies.") {
                // `[dependencies.foo]` form: the name is in the header.
                res.push(table.rsplit('.').next().unwrap_or_default().to_owned());
                in_deps = false;
            }
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.', ' ']).next().unwrap_or_default();
            res.push(name.trim_matches('"').to_owned());
        }
    }
    res
}

#[test]
fn blitz_depends_on_nothing_from_ajib() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let deps = runtime_dependencies(&manifest);
    assert!(
        deps.contains(&"ureq".to_owned()),
        "parser found no dependencies: {deps:?}"
    );
    let ajib: Vec<&String> = deps
        .iter()
        .filter(|it| it.to_ascii_lowercase().contains("ajib"))
        .collect();
    assert!(
        ajib.is_empty(),
        "blitz must not depend on AJIB crates: {ajib:?}"
    );
}

#[test]
fn the_parser_sees_every_kind_of_table() {
    let manifest = r#"
[dependencies]
ureq.workspace = true
serde = { version = "1" }

[dev-dependencies]
ajib-testkit.workspace = true

[target.'cfg(unix)'.dependencies]
"ajib-domain" = "1"

[build-dependencies.ajib-build]
path = "x"
"#;
    assert_eq!(
        runtime_dependencies(manifest),
        ["ureq", "serde", "ajib-domain", "ajib-build"]
    );
}
