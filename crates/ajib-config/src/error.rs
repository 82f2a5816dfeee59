//! The one error configuration loading can give: a list of problems.

use std::fmt;

/// One bad or missing variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The variable's name, e.g. `BLITZ_API_BASE`.
    pub var: String,
    /// What was expected, in words an operator can act on.
    pub expected: String,
}

/// Every problem found while loading configuration, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The problems, in the order of the variable table.
    pub problems: Vec<Problem>,
}

impl ConfigError {
    pub(crate) fn single(var: &str, expected: String) -> Self {
        Self {
            problems: vec![Problem {
                var: var.to_owned(),
                expected,
            }],
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid configuration ({n} problem{})",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  {}: {}", problem.var, problem.expected)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
