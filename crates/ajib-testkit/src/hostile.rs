//! Running a hostile-input property the way every crate's suite and `cargo xtask fuzz` expect.
//!
//! Behind the `hostile` feature, so proptest is linked only into tests.

use std::cell::Cell;

use proptest::{
    strategy::Strategy,
    test_runner::{Config, TestCaseResult, TestRunner},
};

/// Cases per property: `AJIB_FUZZ_CASES` (set by `cargo xtask fuzz`), else 256 for CI.
#[must_use]
pub fn cases() -> u32 {
    std::env::var("AJIB_FUZZ_CASES")
        .ok()
        .and_then(|it| it.parse().ok())
        .unwrap_or(256)
}

/// Checks `test` on [`cases`] generated inputs and prints
/// `hostile NAME: N cases, 0 failures`, which `cargo xtask fuzz` sums.
pub fn check<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> TestCaseResult) {
    check_n(name, cases(), strategy, test);
}

/// [`check`] with its own number of cases, for properties that are slow per case.
pub fn check_n<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> TestCaseResult,
) {
    let config = Config {
        cases,
        // A failure is printed with its shrunk input; the suites keep no regression files.
        failure_persistence: None,
        ..Config::default()
    };
    let runs = Cell::new(0_u64);
    let result = TestRunner::new(config).run(&strategy, |value| {
        runs.set(runs.get() + 1);
        test(value)
    });
    if let Err(err) = result {
        panic!("hostile {name}: {err}");
    }
    println!("hostile {name}: {} cases, 0 failures", runs.get());
}
