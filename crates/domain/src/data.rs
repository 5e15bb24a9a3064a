//! Versioned reference data (files under `data/` at the top of the repository, embedded in
//! the binary, replaceable by an administrator without a rebuild): what a file that cannot be
//! used says is wrong with it.

/// Why a reference-data file was refused. Names the file's part, so an administrator can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct DataError {
    pub file: &'static str,
    pub message: String,
}

impl DataError {
    pub fn new(file: &'static str, message: impl Into<String>) -> Self {
        Self { file, message: message.into() }
    }
}
