//! Versioned reference data (files under `data/` at the top of the repository, embedded in
//! the binary, replaceable by an administrator without a rebuild): what a file that cannot be
//! used says is wrong with it, and the names in three languages every such file gives.

use crate::complaint::Language;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// A name in each language Qorgau speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl Names {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Kk => &self.kk,
            Language::Ru => &self.ru,
            Language::En => &self.en,
        }
    }

    /// The languages whose name is blank, for validation messages (`kk, en`); `None` if all are given.
    pub(crate) fn blank_languages(&self) -> Option<String> {
        let blank: Vec<&str> = Language::ALL.iter().filter(|l| self.get(**l).trim().is_empty()).map(|l| l.as_str()).collect();
        (!blank.is_empty()).then(|| blank.join(", "))
    }
}
