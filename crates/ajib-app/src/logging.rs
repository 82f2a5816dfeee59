//! Log setup: `env_logger` filtered by `LOG_LEVEL`, plain or one JSON object per line.

use std::io::Write;

/// Starts logging at `level` (an env_logger filter such as `info`); `json` writes JSON lines.
pub fn init(level: &str, json: bool) {
    let mut builder = env_logger::Builder::new();
    // Our crates at the chosen level; chatty dependencies one notch quieter.
    builder.parse_filters(&format!("warn,ajib={level},ajib_bot={level},ajib_app={level},ajib_sandbox={level},ajib_transport={level},ajib_storage={level},blitz={level},heleket={level}"));
    if json {
        builder.format(|buf, record| {
            let line = serde_json::json!({
                "ts": buf.timestamp_millis().to_string(),
                "level": record.level().as_str(),
                "target": record.target(),
                "msg": record.args().to_string(),
            });
            writeln!(buf, "{line}")
        });
    }
    // A second init (tests, sandbox inside tests) is harmless.
    let _ = builder.try_init();
}
