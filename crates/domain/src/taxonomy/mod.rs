//! What a complaint is about: the closed list of categories that the contact center classifies
//! appeals into, each with the law it rests on and the priority it starts with.
//!
//! The list is reference data (`data/taxonomy.toml`), not code, because the law behind it keeps
//! moving: Law No. 72-VIII added offences in 2024, others followed in 2025, and several article
//! numbers are still unconfirmed (DOMAIN.md). Every legal fact carries `confirmed`, so an
//! unverified article is visible as such and an administrator can correct it without a rebuild.
//! Codes are stable (stored with complaints, used by routing rules); names are for people.

mod category;

pub use category::{Category, CategoryKind, LegalAct, LegalBasis};

use crate::data::DataError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

const FILE: &str = "data/taxonomy.toml";

pub use crate::data::Names;

/// The categories in force, with the version of the file they came from (recorded with each
/// classification, so that a later change of the file does not rewrite history).
/// Only built by [`Taxonomy::from_toml`], so a `Taxonomy` has always been validated.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Taxonomy {
    version: String,
    categories: Vec<Category>,
}

/// The file as written, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    version: String,
    categories: Vec<Category>,
}

impl Taxonomy {
    /// Parses and validates a taxonomy file: unique codes, names in every language, at least one
    /// category, offences with a legal basis, unconfirmed facts with a note.
    pub fn from_toml(text: &str) -> Result<Self, DataError> {
        let file: TaxonomyFile = toml::from_str(text).map_err(|e| DataError::new(FILE, e.to_string()))?;
        let taxonomy = Taxonomy { version: file.version, categories: file.categories };
        taxonomy.validate().map_err(|message| DataError::new(FILE, message))?;
        Ok(taxonomy)
    }

    /// The taxonomy shipped with this build (`data/taxonomy.toml`); its validity is tested.
    pub fn embedded() -> Self {
        Self::from_toml(include_str!("../../../../data/taxonomy.toml")).expect("the embedded data/taxonomy.toml is valid")
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn get(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    fn validate(&self) -> Result<(), String> {
        if self.version.trim().is_empty() {
            return Err("version is empty".into());
        }
        if self.categories.is_empty() {
            return Err("no categories".into());
        }
        let mut seen = HashSet::new();
        for category in &self.categories {
            if !seen.insert(category.code.as_str()) {
                return Err(format!("category {:?} is defined twice", category.code));
            }
            category.validate()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
