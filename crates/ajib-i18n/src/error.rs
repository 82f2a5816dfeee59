//! Errors from loading catalogues.

use std::{io, path::PathBuf};

/// A catalogue could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An override directory or file could not be read.
    #[error("cannot read locale path {}", path.display())]
    Read {
        /// The directory or file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// A `.ftl` file has invalid Fluent syntax.
    #[error("syntax error in {file} at line {line}: {message}")]
    Syntax {
        /// The file, as a path or `embedded:<lang>/<name>`.
        file: String,
        /// One-based line of the first error.
        line: usize,
        /// What the parser expected.
        message: String,
    },
    /// Two embedded files define the same message or term.
    #[error("{id} is defined twice, again in {file}")]
    Duplicate {
        /// The file with the second definition.
        file: String,
        /// The message or term id.
        id: String,
    },
}
