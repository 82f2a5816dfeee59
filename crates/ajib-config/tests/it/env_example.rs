//! House rule: `.env.example` documents every variable the code reads.

#[test]
fn env_example_documents_every_variable() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example");
    let text = std::fs::read_to_string(path).unwrap();
    let missing: Vec<&str> = ajib_config::VARS
        .iter()
        .map(|it| it.name)
        .filter(|name| !text.contains(&format!("{name}=")))
        .collect();
    assert!(missing.is_empty(), ".env.example lacks {missing:?}");
}

#[test]
fn env_example_loads_as_a_valid_config() {
    // Empty values in the example are "not set", so it must load with defaults.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example");
    let sources = ajib_config::Sources {
        toml: None,
        dotenv: Some(path.into()),
        process_env: false,
    };
    let config = ajib_config::load(&sources).unwrap();
    assert!(config.telegram.is_none());
}
